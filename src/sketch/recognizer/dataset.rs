//! The recognizer's data: real Quick, Draw! drawings of the known classes,
//! sketch-rnn samples of the generator classes, and drawings of unknown
//! classes for "I'm not sure", with the fixed splits every command shares.
//!
//! Terms and rules:
//!
//! - **Validation drawing**: a real drawing whose `key_id` has
//!   `fnv1a64("val:" + key_id) % 5 == 0` ([`is_validation`]); a class with
//!   fewer than [`MIN_VAL`] such drawings also gets its drawings with the
//!   smallest `fnv1a64("val:" + key_id)` until it has [`MIN_VAL`]
//!   ([`split_validation`]). Never trained on; every reported score is on these. (The data folder already held out
//!   another 20% by `sha256(key_id) % 5`; this salted hash is independent.)
//! - **Unknown parts**: the unknown classes are split whole, by
//!   `fnv1a64("unknown:" + class) % 3` ([`unknown_part`]): 0 **train** (the
//!   model's "other" output learns from them), 1 **calibrate** (sets the
//!   unsure threshold), 2 **evaluate** (the known-vs-unknown AUROC).
//! - **Synthetic drawing**: a sketch-rnn sample (`SketchRnn::sample_many`), cached
//!   as `CLASS.ndjson` per temperature.
//!
//! Every drawing is stored [`preprocess`](crate::sketch::features::preprocess)ed.

use crate::sketch::drawing::Drawing;
use crate::sketch::features;
use crate::sketch::ndjson;
use crate::sketch::sketch_rnn::{SampleOptions, SketchRnn};
use rayon::prelude::*;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// What went wrong reading data; every variant names the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sketch-rnn: {0}")]
    SketchRnn(String),
}

/// FNV-1a, 64 bits: a stable hash written out, so the splits never depend on
/// a library's hasher.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// True if and only if the real drawing with this `key_id` is in the validation split.
pub fn is_validation(key_id: &str) -> bool {
    fnv1a64(format!("val:{key_id}").as_bytes()).is_multiple_of(5)
}

/// The fewest validation drawings a class gets.
pub const MIN_VAL: usize = 3;

/// Splits one class's real drawings into (train, validation); see the module doc.
pub fn split_validation(drawings: Vec<Drawing>) -> (Vec<Drawing>, Vec<Drawing>) {
    let hash =
        |d: &Drawing| fnv1a64(format!("val:{}", d.key_id.as_deref().unwrap_or("")).as_bytes());
    let (mut val, mut train): (Vec<Drawing>, Vec<Drawing>) = drawings
        .into_iter()
        .partition(|d| d.key_id.as_deref().is_some_and(is_validation));
    if val.len() < MIN_VAL {
        let mut order: Vec<usize> = (0..train.len()).collect();
        order.sort_by_key(|&i| hash(&train[i]));
        let mut take: Vec<usize> = order.into_iter().take(MIN_VAL - val.len()).collect();
        take.sort_unstable();
        for i in take.into_iter().rev() {
            val.push(train.remove(i));
        }
    }
    (train, val)
}

/// Which part an unknown class belongs to: 0 train, 1 calibrate, 2 evaluate.
pub fn unknown_part(class: &str) -> usize {
    (fnv1a64(format!("unknown:{class}").as_bytes()) % 3) as usize
}

/// An unknown class's name, its drawings and its unparseable lines.
type NamedDrawings = (String, Vec<Drawing>, usize);

/// One class's drawings.
#[derive(Debug, Clone, Default)]
pub struct ClassData {
    /// file name, e.g. `palm_tree`
    pub class: String,
    pub has_generator: bool,
    /// real, not validation
    pub train: Vec<Drawing>,
    /// real validation drawings
    pub val: Vec<Drawing>,
    /// sketch-rnn samples
    pub synthetic: Vec<Drawing>,
}

/// Everything a training run reads.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// the known classes, sorted
    pub classes: Vec<ClassData>,
    /// unknown drawings by part (train, calibrate, evaluate), each (class, drawing)
    pub unknown: [Vec<(String, Drawing)>; 3],
    /// lines that failed to parse, skipped
    pub bad_lines: usize,
}

/// Reads every parseable drawing of an ndjson file, preprocessed, with the
/// number of bad lines.
pub fn read_ndjson(path: &Path) -> Result<(Vec<Drawing>, usize), DataError> {
    let file = std::fs::File::open(path).map_err(|source| DataError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    let mut bad = 0;
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|source| DataError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        match ndjson::parse_line(&line) {
            Ok(d) => {
                let mut p = features::preprocess(&d);
                p.key_id = d.key_id;
                p.word = d.word;
                if !p.is_empty() {
                    out.push(p);
                }
            }
            Err(_) => bad += 1,
        }
    }
    Ok((out, bad))
}

/// The `*.ndjson` stems of a folder, sorted.
pub fn ndjson_stems(dir: &Path) -> Result<Vec<String>, DataError> {
    let rd = std::fs::read_dir(dir).map_err(|source| DataError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut v: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "ndjson").then(|| p.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    v.sort();
    Ok(v)
}

/// How to get the synthetic drawings.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// sketch-rnn models (`weights/sketch-rnn`)
    pub models: PathBuf,
    /// cache folder: `CACHE/t{T}/CLASS.ndjson`
    pub cache: PathBuf,
    /// drawings per class per temperature
    pub count: usize,
    /// sampling temperatures; temperature j is sampled with seed 101·(j+1)
    pub temperatures: Vec<f32>,
}

/// The seed sketch-rnn samples at temperature index `j` are drawn with.
pub fn synth_seed(j: usize) -> u64 {
    101 * (j as u64 + 1)
}

/// Loads `data/quickdraw` (known) and `data/quickdraw-unknown`, splits them,
/// and loads (sampling and caching first if needed) the synthetic drawings.
/// `progress` receives one line per stage.
pub fn load(
    data: &Path,
    synth: Option<&SynthOptions>,
    progress: &mut dyn FnMut(&str),
) -> Result<Dataset, DataError> {
    let known_dir = data.join("quickdraw");
    let stems = ndjson_stems(&known_dir)?;
    if stems.is_empty() {
        return Err(DataError::Invalid {
            path: known_dir,
            message: "no CLASS.ndjson files".into(),
        });
    }
    let generators: Vec<String> = match synth {
        Some(s) => crate::sketch::sketch_rnn::list_classes_in(&s.models)
            .map_err(|e| DataError::SketchRnn(e.to_string()))?,
        None => Vec::new(),
    };
    progress(&format!("reading {} known classes", stems.len()));
    let read: Vec<Result<(ClassData, usize), DataError>> = stems
        .par_iter()
        .map(|class| {
            let (drawings, bad) = read_ndjson(&known_dir.join(format!("{class}.ndjson")))?;
            let (train, val) = split_validation(drawings);
            Ok((
                ClassData {
                    class: class.clone(),
                    has_generator: generators.contains(class),
                    train,
                    val,
                    synthetic: Vec::new(),
                },
                bad,
            ))
        })
        .collect();
    let mut ds = Dataset::default();
    for r in read {
        let (c, bad) = r?;
        ds.bad_lines += bad;
        ds.classes.push(c);
    }
    if let Some(s) = synth {
        for (j, &t) in s.temperatures.iter().enumerate() {
            progress(&format!("synthetic drawings at temperature {t}"));
            let dir = s.cache.join(format!("t{t}"));
            let per_class = sample_cached(&s.models, &dir, &generators, t, synth_seed(j), s.count)?;
            for (class, drawings) in per_class {
                if let Some(c) = ds.classes.iter_mut().find(|c| c.class == class) {
                    c.synthetic.extend(drawings);
                }
            }
        }
    }
    let unknown_dir = data.join("quickdraw-unknown");
    if unknown_dir.is_dir() {
        let stems = ndjson_stems(&unknown_dir)?;
        progress(&format!("reading {} unknown classes", stems.len()));
        let read: Vec<Result<NamedDrawings, DataError>> = stems
            .par_iter()
            .map(|class| {
                let (d, bad) = read_ndjson(&unknown_dir.join(format!("{class}.ndjson")))?;
                Ok((class.clone(), d, bad))
            })
            .collect();
        for r in read {
            let (class, drawings, bad) = r?;
            ds.bad_lines += bad;
            let part = unknown_part(&class);
            ds.unknown[part].extend(drawings.into_iter().map(|d| (class.clone(), d)));
        }
    }
    Ok(ds)
}

/// `count` samples per generator class at temperature `t`, read from
/// `dir/CLASS.ndjson` when it already holds at least `count` lines, else
/// sampled (classes in parallel) and written there.
fn sample_cached(
    models: &Path,
    dir: &Path,
    classes: &[String],
    t: f32,
    seed: u64,
    count: usize,
) -> Result<Vec<(String, Vec<Drawing>)>, DataError> {
    std::fs::create_dir_all(dir).map_err(|source| DataError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    classes
        .par_iter()
        .map(|class| {
            let path = dir.join(format!("{class}.ndjson"));
            if path.is_file() {
                let (d, _) = read_ndjson(&path)?;
                if d.len() >= count {
                    return Ok((class.clone(), d.into_iter().take(count).collect()));
                }
            }
            let model = SketchRnn::load_dir(models, class)
                .map_err(|e| DataError::SketchRnn(e.to_string()))?;
            let opts = SampleOptions::with_temperature(t);
            let drawings = model.sample_many(&opts, seed, count, &mut |_| {});
            let mut text = String::new();
            for d in &drawings {
                text.push_str(&ndjson::to_line(d));
                text.push('\n');
            }
            crate::safe_io::write_atomic(&path, text.as_bytes()).map_err(|source| {
                DataError::Write {
                    path: path.clone(),
                    source,
                }
            })?;
            let pre = drawings
                .iter()
                .map(|d| {
                    let mut p = features::preprocess(d);
                    p.key_id = d.key_id.clone();
                    p
                })
                .filter(|d| !d.is_empty())
                .collect();
            Ok((class.clone(), pre))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn splits_are_fixed() {
        let n = (0..1000).filter(|i| is_validation(&i.to_string())).count();
        assert!((150..250).contains(&n), "{n}");
        assert!(unknown_part("cow") < 3);
    }
}
