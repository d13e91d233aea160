//! Training the attention decoder on cached encoder features.
//!
//! Terms: a **batch** is `photos_per_batch` training photos with all their
//! captions (teacher forcing: the reference word is fed at each step); an
//! **epoch** visits every training photo once, in a seeded order. The batch is
//! split in two halves that run forward and backward on the two cores; the
//! gradient is the mean of the halves'. Then global-norm clipping and Adam,
//! with the learning rate decayed by `lr_decay` after each epoch. After each
//! epoch the model captions the first `dev_photos` dev photos greedily and is
//! scored with BLEU-4 (and CIDEr-D); the best epoch is kept
//! (`best.safetensors`), and training stops after `patience` epochs without
//! improvement. A **checkpoint** (`checkpoint.safetensors` + `checkpoint.json`)
//! is written after every epoch; running the same command again resumes from
//! it. Epoch e shuffles and draws dropout from seed + e, so a resumed run
//! equals an uninterrupted one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::nn::optim::{Adam, clip_grad_norm};

use super::beam::greedy_batch;
use super::checkpoint::{self, Precision};
use super::dataset::{Captions, DatasetError, FeatureCache};
use super::decoder::{DecoderConfig, DecoderParams, TrainCaption};
use super::encoder::FEATURES;
use super::glove::{self, WordVectors};
use super::metrics;
use super::mirror::{Mirror, as_read, mirrored_cache, part_grids};
use super::vocab::{Vocab, VocabError, tokenize};
use crate::nn::safetensors::WeightsError;

/// What went wrong while training.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrainError {
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    #[error(transparent)]
    Vocab(#[from] VocabError),
    #[error(transparent)]
    Checkpoint(#[from] WeightsError),
    /// A run-folder file could not be read or written.
    #[error("{path}: {reason}")]
    Run { path: PathBuf, reason: String },
}

/// Everything that defines a training run (saved in `checkpoint.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    pub seed: u64,
    pub epochs: usize,
    pub photos_per_batch: usize,
    pub lr: f32,
    pub lr_decay: f32,
    pub clip: f32,
    /// Words kept per caption (longer ones are truncated).
    pub max_words: usize,
    pub min_count: usize,
    /// Dev photos captioned after each epoch for BLEU-4.
    pub dev_photos: usize,
    /// Epochs without a better dev BLEU-4 before stopping.
    pub patience: usize,
    /// Stop each epoch after this many batches (timing runs, tests).
    pub max_batches: Option<usize>,
    pub embed: usize,
    pub hidden: usize,
    pub context: usize,
    pub attention: usize,
    pub dropout: f32,
    pub attention_penalty: f32,
    /// A trimmed GloVe table to start the word embedding from
    /// ([`super::glove`]); none: a random start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glove: Option<PathBuf>,
    /// Mirror augmentation ([`super::mirror`]): each training photo is read
    /// mirrored half the time (both stages).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mirror: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            epochs: 12,
            photos_per_batch: 12,
            lr: 4e-4,
            lr_decay: 0.9,
            clip: 5.0,
            max_words: 20,
            min_count: 5,
            dev_photos: 500,
            patience: 3,
            max_batches: None,
            embed: 256,
            hidden: 512,
            context: 512,
            attention: 256,
            dropout: 0.5,
            attention_penalty: 1.0,
            glove: None,
            mirror: false,
        }
    }
}

/// Dev scores of one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    /// The mean training loss (self-critical stage: the weighted surrogate,
    /// Σ (r − b)·(−log p) per word, plus the attention penalty).
    pub train_loss: f64,
    pub bleu: [f64; 4],
    pub cider: f64,
    pub lr: f32,
    pub seconds: f64,
    /// Self-critical stage: the mean training CIDEr-D of the sampled
    /// captions and of the greedy ones over the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<Rewards>,
}

/// Mean training rewards (CIDEr-D against the photo's references) of one
/// epoch of self-critical training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rewards {
    pub sampled: f64,
    pub greedy: f64,
}

/// `checkpoint.json`: where a run stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub options: TrainOptions,
    pub decoder: DecoderConfig,
    pub epochs_done: usize,
    pub adam_steps: i32,
    pub best_epoch: Option<usize>,
    pub best_bleu4: f64,
    /// The best epoch's dev CIDEr-D (what the self-critical stage selects on).
    #[serde(default)]
    pub best_cider: f64,
    pub history: Vec<EpochReport>,
    /// Training wall time so far (all sessions), seconds.
    pub train_seconds: f64,
    /// Set for a self-critical stage ([`super::scst`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scst: Option<super::scst::ScstOptions>,
}

impl RunState {
    /// A run before its first epoch.
    pub(super) fn new(opts: &TrainOptions, cfg: &DecoderConfig) -> Self {
        Self {
            options: opts.clone(),
            decoder: cfg.clone(),
            epochs_done: 0,
            adam_steps: 0,
            best_epoch: None,
            best_bleu4: 0.0,
            best_cider: 0.0,
            history: Vec::new(),
            train_seconds: 0.0,
            scst: None,
        }
    }

    /// Whether `report` beats the best epoch so far: dev BLEU-4 for
    /// cross-entropy training, dev CIDEr-D (the reward) for self-critical.
    fn improves(&self, report: &EpochReport) -> bool {
        if self.best_epoch.is_none() {
            return true;
        }
        match self.scst {
            Some(_) => report.cider > self.best_cider,
            None => report.bleu[3] > self.best_bleu4,
        }
    }
}

/// Progress reported to the caller (a bar, a log, the app).
#[derive(Debug, Clone)]
pub enum TrainEvent {
    /// After each batch.
    Batch {
        epoch: usize,
        batch: usize,
        batches: usize,
        loss: f64,
        /// Self-critical stage: the epoch's mean sampled reward so far.
        reward: Option<f64>,
    },
    /// After each epoch's dev evaluation.
    Epoch(EpochReport),
    /// A line worth logging.
    Note(String),
}

/// One training photo: its cache row and its encoded captions.
pub(super) struct Sample {
    pub(super) row: usize,
    pub(super) captions: Vec<Vec<usize>>,
}

/// The captions of one split as word ids.
pub(super) fn samples(
    captions: &Captions,
    idx: &[usize],
    vocab: &Vocab,
    max_words: usize,
) -> Vec<Sample> {
    idx.iter()
        .map(|&i| Sample {
            row: i,
            captions: captions.images[i]
                .captions
                .iter()
                .map(|c| vocab.encode(c, max_words))
                .collect(),
        })
        .collect()
}

/// The references of photos as tokenized strings.
pub fn references(captions: &Captions, idx: &[usize]) -> Vec<Vec<String>> {
    idx.iter()
        .map(|&i| {
            captions.images[i]
                .captions
                .iter()
                .map(|c| tokenize(c).join(" "))
                .collect()
        })
        .collect()
}

/// Captions `rows` of the cache greedily, in chunks; returns the word lists.
pub fn greedy_captions(
    dec: &DecoderParams<f32>,
    cache: &FeatureCache,
    rows: &[usize],
    max_len: usize,
) -> Vec<Vec<usize>> {
    let g = cache.grid_len();
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(50) {
        let mut grid = vec![0.0f32; chunk.len() * g];
        for (k, &r) in chunk.iter().enumerate() {
            cache.grid_into(r, &mut grid[k * g..(k + 1) * g]);
        }
        let ctx = dec.photo_context(&grid, false);
        out.extend(greedy_batch(dec, &ctx, max_len));
    }
    out
}

/// BLEU-1..4 and CIDEr-D of greedy captions of the dev photos `rows`.
pub fn evaluate_greedy(
    dec: &DecoderParams<f32>,
    vocab: &Vocab,
    cache: &FeatureCache,
    captions: &Captions,
    rows: &[usize],
    max_len: usize,
) -> ([f64; 4], f64) {
    let hyps: Vec<String> = greedy_captions(dec, cache, rows, max_len)
        .iter()
        .map(|w| vocab.decode(w).join(" "))
        .collect();
    let refs = references(captions, rows);
    (
        metrics::bleu(&hyps, &refs),
        metrics::cider_d(&hyps, &refs).0,
    )
}

/// One batch: forward and backward on two halves in parallel
/// ([`over_two_cores`]); returns the mean loss and leaves the mean gradient
/// in `grads`.
fn train_batch(
    dec: &DecoderParams<f32>,
    cache: &FeatureCache,
    mirror: Option<&Mirror<'_>>,
    batch: &[&Sample],
    rng_seed: u64,
    grads: &mut DecoderParams<f32>,
    scratch: &mut DecoderParams<f32>,
) -> f64 {
    let run = |part: &[&Sample], seed: u64, out: &mut DecoderParams<f32>| -> f64 {
        let (grid, flipped) = part_grids(cache, mirror, part, seed);
        let mut caps = Vec::new();
        for (k, s) in part.iter().enumerate() {
            caps.extend(s.captions.iter().map(|w| TrainCaption {
                photo: k,
                words: as_read(mirror, flipped[k], w),
            }));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let fc = dec.forward_train(&grid, &caps, Some(&mut rng));
        out.fill_zero();
        dec.backward(&fc, out);
        DecoderParams::loss(&fc)
    };
    over_two_cores(batch, rng_seed, grads, scratch, run)
        .into_iter()
        .map(|(loss, share)| share * loss)
        .sum()
}

/// A batch's gradient on the two cores: `run` leaves the mean gradient of
/// a part of the batch (given its seed) in the buffer it gets and returns
/// what it measured; the batch is cut in two halves, the second run with
/// the seed ^ a constant into `scratch`, and `grads` ends with the mean over
/// the batch's photos (each half's mean weighted by its share of them).
/// Returns each half's result with that share (one part for one photo).
pub(super) fn over_two_cores<T: Send>(
    batch: &[&Sample],
    seed: u64,
    grads: &mut DecoderParams<f32>,
    scratch: &mut DecoderParams<f32>,
    run: impl Fn(&[&Sample], u64, &mut DecoderParams<f32>) -> T + Sync,
) -> Vec<(T, f64)> {
    let half = batch.len().div_ceil(2);
    let (a, b) = batch.split_at(half);
    if b.is_empty() {
        return vec![(run(a, seed, grads), 1.0)];
    }
    let (ra, rb) = rayon::join(
        || run(a, seed, grads),
        || run(b, seed ^ 0x9e37_79b9_7f4a_7c15, scratch),
    );
    let wa = a.len() as f32 / batch.len() as f32;
    for (ga, gb) in grads.tensors_mut().into_iter().zip(scratch.tensors()) {
        for (x, &y) in ga.iter_mut().zip(gb) {
            *x = wa * *x + (1.0 - wa) * y;
        }
    }
    vec![(ra, f64::from(wa)), (rb, f64::from(1.0 - wa))]
}

/// The run folder's feature cache (`OUT/features`), refused unless it has a
/// row for every photo of `captions` (both training stages read it).
pub(super) fn checked_cache(out: &Path, captions: &Captions) -> Result<FeatureCache, TrainError> {
    let cache = FeatureCache::load(&out.join("features"))?;
    if cache.len() != captions.images.len() {
        return Err(run_err(
            &out.join("features"),
            "cache does not match captions.json",
        ));
    }
    Ok(cache)
}

pub(super) fn run_err(path: &Path, reason: impl ToString) -> TrainError {
    TrainError::Run {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Makes a run's decoder and state when its folder holds none yet.
pub(super) type FreshRun<'a> = dyn FnMut(&mut dyn FnMut(TrainEvent)) -> Result<(DecoderParams<f32>, RunState), TrainError>
    + 'a;

/// The run in `out` to continue (its decoder, its state, and Adam's moments
/// restored into `adam`), or a fresh one from `fresh`. A run folder holding
/// another seed, decoder or stage is refused.
pub(super) fn resume_or_start(
    out: &Path,
    opts: &TrainOptions,
    cfg: &DecoderConfig,
    scst: Option<&super::scst::ScstOptions>,
    adam: &mut Adam,
    progress: &mut dyn FnMut(TrainEvent),
    fresh: &mut FreshRun<'_>,
) -> Result<(DecoderParams<f32>, RunState), TrainError> {
    let state_path = out.join("checkpoint.json");
    let ckpt_path = out.join("checkpoint.safetensors");
    match std::fs::read_to_string(&state_path) {
        Ok(text) => {
            let state: RunState =
                serde_json::from_str(&text).map_err(|e| run_err(&state_path, e))?;
            if state.options.seed != opts.seed
                || state.decoder != *cfg
                || state.scst.as_ref() != scst
            {
                return Err(run_err(
                    &state_path,
                    "the run folder holds a run with other options; use another --out",
                ));
            }
            let loaded = checkpoint::load(&ckpt_path, cfg)?;
            if let Some((m, v)) = loaded.adam {
                adam.restore(state.adam_steps, m, v);
            }
            progress(TrainEvent::Note(format!(
                "resuming after epoch {}",
                state.epochs_done
            )));
            Ok((loaded.params, state))
        }
        Err(_) => fresh(progress),
    }
}

/// Clips the gradient's global norm to `clip`, then one Adam step.
pub(super) fn apply_grads(
    dec: &mut DecoderParams<f32>,
    grads: &mut DecoderParams<f32>,
    adam: &mut Adam,
    clip: f32,
) {
    let mut gs: Vec<&mut [f32]> = grads
        .tensors_mut()
        .into_iter()
        .map(|v| v.as_mut_slice())
        .collect();
    clip_grad_norm(&mut gs, clip);
    let gs: Vec<&[f32]> = grads.tensors();
    let mut ps: Vec<&mut [f32]> = dec
        .tensors_mut()
        .into_iter()
        .map(|v| v.as_mut_slice())
        .collect();
    adam.step(&mut ps, &gs);
}

/// Records the finished epoch `report` in `state`, keeps the decoder as
/// `best.safetensors` when it is the best so far ([`RunState::improves`]),
/// then writes the checkpoint (weights and Adam's moments first,
/// `checkpoint.json` last).
pub(super) fn finish_epoch(
    out: &Path,
    state: &mut RunState,
    report: &EpochReport,
    dec: &DecoderParams<f32>,
    adam: &Adam,
) -> Result<(), TrainError> {
    state.epochs_done = report.epoch;
    state.train_seconds += report.seconds;
    state.adam_steps = adam.steps();
    state.history.push(report.clone());
    if state.improves(report) {
        state.best_bleu4 = report.bleu[3];
        state.best_cider = report.cider;
        state.best_epoch = Some(report.epoch);
        checkpoint::save(&out.join("best.safetensors"), dec, Precision::F32, None)?;
    }
    let (_, m, v) = adam.state();
    checkpoint::save(
        &out.join("checkpoint.safetensors"),
        dec,
        Precision::F32,
        Some((m, v)),
    )?;
    let state_path = out.join("checkpoint.json");
    let text = serde_json::to_string_pretty(state).map_err(|e| run_err(&state_path, e))?;
    crate::safe_io::write_atomic(&state_path, text.as_bytes()).map_err(|e| run_err(&state_path, e))
}

/// Trains (or resumes) a run in `out` from the cached features in
/// `out/features`, reporting through `progress`. Returns the final state.
pub fn train(
    data_dir: &Path,
    out: &Path,
    opts: &TrainOptions,
    progress: &mut dyn FnMut(TrainEvent),
) -> Result<RunState, TrainError> {
    let captions = Captions::load(data_dir)?;
    let train_idx = captions.split("train");
    let dev_idx = captions.split("dev");
    let vocab = Vocab::build(captions.split_captions("train"), opts.min_count);
    vocab.save(&out.join("vocab.json"))?;
    let cache = checked_cache(out, &captions)?;
    let mirrored = mirrored_cache(out, opts, &cache)?;
    let mirror = mirrored.as_ref().map(|m| Mirror::new(m, &vocab));
    let cfg = DecoderConfig {
        vocab: vocab.len(),
        regions: cache.regions(),
        features: FEATURES,
        context: opts.context,
        attention: opts.attention,
        embed: opts.embed,
        hidden: opts.hidden,
        dropout: opts.dropout,
        attention_penalty: opts.attention_penalty,
    };
    let train_set = samples(&captions, &train_idx, &vocab, opts.max_words);
    let dev_rows: Vec<usize> = dev_idx.iter().copied().take(opts.dev_photos).collect();
    progress(TrainEvent::Note(format!(
        "vocabulary {} words (min count {}); {} train photos, {} dev photos scored",
        vocab.len(),
        opts.min_count,
        train_set.len(),
        dev_rows.len()
    )));

    let mut adam = Adam::new(opts.lr);
    let (dec, state) = resume_or_start(out, opts, &cfg, None, &mut adam, progress, &mut |p| {
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        let mut dec = DecoderParams::<f32>::random(&cfg, &mut rng);
        p(TrainEvent::Note(format!(
            "new decoder: {} parameters",
            dec.num_params()
        )));
        // After every other weight is drawn, so a run with GloVe differs from
        // the same seed's run without it in the embedding alone.
        if let Some(path) = &opts.glove {
            let wv = WordVectors::load(path).map_err(|reason| TrainError::Run {
                path: path.clone(),
                reason,
            })?;
            let n = glove::init_embedding(&mut dec.embed, cfg.embed, &vocab, &wv, &mut rng);
            p(TrainEvent::Note(format!(
                "embedding: {n} of {} words start from GloVe ({})",
                vocab.len(),
                path.display()
            )));
        }
        Ok((dec, RunState::new(opts, &cfg)))
    })?;
    let data = EpochData {
        out,
        opts,
        vocab: &vocab,
        cache: &cache,
        captions: &captions,
        train_set: &train_set,
        dev_rows: &dev_rows,
    };
    run_epochs(
        &data,
        dec,
        state,
        &mut adam,
        progress,
        &mut |dec, batch, seed, grads, scratch| {
            let loss = train_batch(dec, &cache, mirror.as_ref(), batch, seed, grads, scratch);
            (loss, None)
        },
    )
}

/// What every epoch of a run reads.
pub(super) struct EpochData<'a> {
    pub(super) out: &'a Path,
    pub(super) opts: &'a TrainOptions,
    pub(super) vocab: &'a Vocab,
    pub(super) cache: &'a FeatureCache,
    pub(super) captions: &'a Captions,
    pub(super) train_set: &'a [Sample],
    pub(super) dev_rows: &'a [usize],
}

/// One batch's gradient: given the decoder, the batch, its seed and two
/// gradient buffers, leaves the gradient in the first and returns the loss
/// and (self-critical stage) the batch's mean rewards.
pub(super) type BatchFn<'a> = dyn FnMut(
        &DecoderParams<f32>,
        &[&Sample],
        u64,
        &mut DecoderParams<f32>,
        &mut DecoderParams<f32>,
    ) -> (f64, Option<Rewards>)
    + 'a;

/// The epochs of a run, both stages: shuffle (seed + epoch), batches
/// through `batch_fn`, clipping and Adam, then the dev evaluation, the
/// checkpoint and early stopping.
pub(super) fn run_epochs(
    data: &EpochData<'_>,
    mut dec: DecoderParams<f32>,
    mut state: RunState,
    adam: &mut Adam,
    progress: &mut dyn FnMut(TrainEvent),
    batch_fn: &mut BatchFn<'_>,
) -> Result<RunState, TrainError> {
    let opts = data.opts;
    state.options.epochs = opts.epochs;
    let cfg = dec.cfg.clone();
    let mut grads = DecoderParams::<f32>::zeros(&cfg);
    let mut scratch = DecoderParams::<f32>::zeros(&cfg);
    let metric = if state.scst.is_some() {
        "CIDEr-D"
    } else {
        "BLEU-4"
    };
    while state.epochs_done < opts.epochs {
        let since_best = state
            .best_epoch
            .map_or(state.epochs_done, |b| state.epochs_done - b);
        if state.best_epoch.is_some() && since_best >= opts.patience {
            progress(TrainEvent::Note(format!(
                "early stop: no better dev {metric} for {since_best} epochs"
            )));
            break;
        }
        let epoch = state.epochs_done;
        let start = Instant::now();
        adam.lr = opts.lr * opts.lr_decay.powi(epoch as i32);
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_add(1 + epoch as u64));
        let mut order: Vec<&Sample> = data.train_set.iter().collect();
        order.shuffle(&mut rng);
        let mut batches: Vec<&[&Sample]> = order.chunks(opts.photos_per_batch).collect();
        if let Some(m) = opts.max_batches {
            batches.truncate(m);
        }
        let nbatches = batches.len();
        let mut loss_sum = 0.0;
        let mut reward_sum: Option<Rewards> = None;
        for (k, batch) in batches.into_iter().enumerate() {
            let seed = opts
                .seed
                .wrapping_mul(1_000_003)
                .wrapping_add((epoch * 100_000 + k) as u64);
            let (loss, rewards) = batch_fn(&dec, batch, seed, &mut grads, &mut scratch);
            apply_grads(&mut dec, &mut grads, adam, opts.clip);
            loss_sum += loss;
            if let Some(r) = rewards {
                let sum = reward_sum.get_or_insert(Rewards {
                    sampled: 0.0,
                    greedy: 0.0,
                });
                sum.sampled += r.sampled;
                sum.greedy += r.greedy;
            }
            progress(TrainEvent::Batch {
                epoch,
                batch: k + 1,
                batches: nbatches,
                loss: loss_sum / (k + 1) as f64,
                reward: reward_sum.map(|r| r.sampled / (k + 1) as f64),
            });
        }
        let (bleu, cider) = evaluate_greedy(
            &dec,
            data.vocab,
            data.cache,
            data.captions,
            data.dev_rows,
            opts.max_words,
        );
        let seconds = start.elapsed().as_secs_f64();
        let n = nbatches.max(1) as f64;
        let report = EpochReport {
            epoch: epoch + 1,
            train_loss: loss_sum / n,
            bleu,
            cider,
            lr: adam.lr,
            seconds,
            reward: reward_sum.map(|r| Rewards {
                sampled: r.sampled / n,
                greedy: r.greedy / n,
            }),
        };
        finish_epoch(data.out, &mut state, &report, &dec, adam)?;
        progress(TrainEvent::Epoch(report));
    }
    Ok(state)
}
