//! Mirror augmentation for the captioner's training (`train-caption
//! --mirror`): the grids a training photo is read from, plain or mirrored,
//! and its captions as they read then. Both training stages call it.

use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::dataset::{FeatureCache, MIRRORED_CACHE};
use super::train::{Sample, TrainError, TrainOptions, run_err};
use super::vocab::{UNK, Vocab};

/// Mirror augmentation: a photo flipped left-right is another photo of the
/// same scene, so with `--mirror` each training photo is read from the
/// mirrored photos' grids ([`MIRRORED_CACHE`], encoded once like the others)
/// half the time, and "left" and "right" trade places in its captions (and
/// in the self-critical stage's samples before they are scored against the
/// references). It doubles the pictures the decoder sees without a second
/// caption; on Flickr8k it measured worse than without (weights/README.md),
/// so no shipped decoder uses it.
pub(super) struct Mirror<'a> {
    cache: &'a FeatureCache,
    /// the ids of "left" and "right" (none when either is not a word)
    swap: Option<(usize, usize)>,
}

impl<'a> Mirror<'a> {
    pub(super) fn new(cache: &'a FeatureCache, vocab: &Vocab) -> Self {
        let (l, r) = (vocab.id("left"), vocab.id("right"));
        Self {
            cache,
            swap: (l != UNK && r != UNK).then_some((l, r)),
        }
    }

    /// A caption of the photo as one of its mirror image (and back).
    pub(super) fn words(&self, words: &[usize]) -> Vec<usize> {
        let Some((l, r)) = self.swap else {
            return words.to_vec();
        };
        words
            .iter()
            .map(|&w| match w {
                _ if w == l => r,
                _ if w == r => l,
                _ => w,
            })
            .collect()
    }
}

/// `words` as a caption of the photo as it was read: swapped when it was
/// read mirrored (the swap is its own inverse, so this also maps a caption
/// of the mirrored photo back).
pub(super) fn as_read(mirror: Option<&Mirror<'_>>, flipped: bool, words: &[usize]) -> Vec<usize> {
    match mirror {
        Some(m) if flipped => m.words(words),
        _ => words.to_vec(),
    }
}

/// The grids of a part of a batch into one buffer (`part.len()` × the grid),
/// each photo mirrored or not by a coin drawn from `seed` (never without a
/// [`Mirror`]); returns the buffer and which photos were mirrored.
pub(super) fn part_grids(
    cache: &FeatureCache,
    mirror: Option<&Mirror<'_>>,
    part: &[&Sample],
    seed: u64,
) -> (Vec<f32>, Vec<bool>) {
    use rand::Rng;
    let g = cache.grid_len();
    let mut grid = vec![0.0f32; part.len() * g];
    // Its own stream, so turning the augmentation on leaves dropout's draws
    // (seeded by `seed`) as they were.
    let mut coin = ChaCha8Rng::seed_from_u64(seed ^ 0x6d69_7272_6f72);
    let mut flipped = Vec::with_capacity(part.len());
    for (k, s) in part.iter().enumerate() {
        let out = &mut grid[k * g..(k + 1) * g];
        match mirror {
            Some(m) if coin.random_bool(0.5) => {
                m.cache.grid_into(s.row, out);
                flipped.push(true);
            }
            _ => {
                cache.grid_into(s.row, out);
                flipped.push(false);
            }
        }
    }
    (grid, flipped)
}

/// The run's mirrored cache when `opts.mirror` asks for it (refused unless
/// it is the mirrored twin of `cache`).
pub(super) fn mirrored_cache(
    out: &Path,
    opts: &TrainOptions,
    cache: &FeatureCache,
) -> Result<Option<FeatureCache>, TrainError> {
    if !opts.mirror {
        return Ok(None);
    }
    let dir = out.join(MIRRORED_CACHE);
    let m = FeatureCache::load(&dir)?;
    if !m.mirrored || m.encoder != cache.encoder || m.files != cache.files {
        return Err(run_err(
            &dir,
            format!(
                "not the mirrored photos' {} grids of this run's photos",
                cache.encoder.model()
            ),
        ));
    }
    Ok(Some(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caption::encoder::Variant;
    use crate::caption::vocab::Vocab;

    #[test]
    fn a_mirrored_caption_trades_left_and_right() {
        let words = "a dog turns left and looks right at the left door";
        let vocab = Vocab::build([words], 1);
        let cache = FeatureCache::from_grids(Vec::new(), Variant::Lite0, &[]);
        let mirror = Mirror::new(&cache, &vocab);
        let ids = vocab.encode(words, 20);
        let flipped = mirror.words(&ids);
        assert_eq!(
            vocab.decode(&flipped).join(" "),
            "a dog turns right and looks left at the right door"
        );
        assert_eq!(mirror.words(&flipped), ids);
        // Without both words in the vocabulary nothing is swapped (an
        // unknown "right" must not turn every <unk> into "left").
        let vocab = Vocab::build(["a dog turns left at the door"], 1);
        let mirror = Mirror::new(&cache, &vocab);
        let ids = vocab.encode("a dog turns left at the right door", 20);
        assert_eq!(mirror.words(&ids), ids);
    }
}
