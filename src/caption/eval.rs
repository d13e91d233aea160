//! Scoring the captioner on a Flickr8k split: beam-search captions of every
//! photo of the split, corpus BLEU-1..4 and CIDEr-D against the five
//! references (all text through [`super::vocab::tokenize`]).

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::captioner::Captioner;
use super::dataset::{Captions, DatasetError, FeatureCache};
use super::image_io::load_image;
use super::metrics;
use super::train::references;

/// One photo's caption and references.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub file: String,
    pub caption: String,
    pub references: Vec<String>,
}

/// What [`evaluate`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    pub split: String,
    pub beam: usize,
    pub bleu: [f64; 4],
    pub cider: f64,
    /// Every photo, in `captions.json` order.
    pub samples: Vec<Sample>,
    pub seconds: f64,
}

/// Captions the photos of `split` (at most `limit`) and scores them. With a
/// feature `cache` holding the photos, the encoder is skipped.
pub fn evaluate(
    captioner: &Captioner,
    data_dir: &Path,
    split: &str,
    beam: usize,
    limit: Option<usize>,
    cache: Option<&FeatureCache>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<EvalReport, DatasetError> {
    let start = Instant::now();
    let captions = Captions::load(data_dir)?;
    let networks = captioner.config.encoders();
    if let Some(c) = cache
        && networks != [c.encoder]
    {
        let names: Vec<&str> = networks.iter().map(|v| v.model()).collect();
        return Err(DatasetError::Format {
            path: data_dir.to_path_buf(),
            reason: format!(
                "the feature cache holds {} grids, the captioner reads {} (run without the cache)",
                c.encoder.model(),
                names.join(" and ")
            ),
        });
    }
    let mut idx = captions.split(split);
    if idx.is_empty() {
        let mut have: Vec<&str> = captions.images.iter().map(|e| e.split.as_str()).collect();
        have.sort_unstable();
        have.dedup();
        return Err(DatasetError::Format {
            path: data_dir.join("captions.json"),
            reason: format!(
                "no photo of the split {split:?} (this file has: {})",
                have.join(", ")
            ),
        });
    }
    if let Some(n) = limit {
        idx.truncate(n);
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = idx.len();
    let texts: Vec<Result<String, DatasetError>> = idx
        .par_iter()
        .map(|&i| {
            let entry = &captions.images[i];
            let cached = cache.and_then(|c| (c.files.get(i) == Some(&entry.file)).then_some(c));
            let result = match cached {
                Some(c) => {
                    let mut grid = vec![0.0; c.grid_len()];
                    c.grid_into(i, &mut grid);
                    captioner.caption_grids(&[&grid], beam, 1)
                }
                None => {
                    let photo = load_image(&data_dir.join("images").join(&entry.file))?;
                    captioner.caption(&photo.image, beam, 1)
                }
            };
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total);
            Ok(result.nbest[0].text.clone())
        })
        .collect();
    let texts = texts.into_iter().collect::<Result<Vec<_>, _>>()?;
    let refs = references(&captions, &idx);
    let bleu = metrics::bleu(&texts, &refs);
    let cider = metrics::cider_d(&texts, &refs).0;
    let samples = idx
        .iter()
        .zip(texts)
        .zip(refs)
        .map(|((&i, caption), references)| Sample {
            file: captions.images[i].file.clone(),
            caption,
            references,
        })
        .collect();
    Ok(EvalReport {
        split: split.to_string(),
        beam,
        bleu,
        cider,
        samples,
        seconds: start.elapsed().as_secs_f64(),
    })
}
