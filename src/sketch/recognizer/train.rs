//! Training the recognizer's LSTM (the loop; the forward, loss and backward
//! it runs are in [`model`](super::model)): class-balanced batches of
//! augmented real and sketch-rnn drawings (plus unknown-class drawings for the
//! "other" output), Adam with global-norm clipping, early stopping on the real
//! validation drawings, and checkpoints after every epoch that a rerun of the
//! same command resumes. The CNN stage ([`train_cnn`](super::train_cnn))
//! shares this file's sampling, update and end-of-epoch step.
//!
//! **Weight averaging**: with [`TrainConfig::ema`] = d > 0, after every
//! update θ̄ ← d·θ̄ + (1 − d)·θ; validation, early stopping and the exported
//! model use θ̄, which averages out the step-to-step jitter that a few
//! hundred real drawings per update leave in θ.
//!
//! **Batches**: each element picks a class uniformly (the other output counts
//! [`TrainConfig::other_weight`] classes), then a drawing: a synthetic one
//! with probability [`TrainConfig::synth_frac`] when the class has a
//! generator, else a real training drawing; then augments it. The batch is
//! sorted by length and cut into 4·threads micro-batches (little padding),
//! run on the rayon pool; their gradients are summed in order.
//!
//! **Reproducible**: the data and dropout of epoch e come from a generator
//! seeded by (seed, e), so a run resumed from its checkpoint after epoch e
//! continues exactly as the uninterrupted run would.

use super::augment::{AugmentOptions, augment};
use super::dataset::Dataset;
use super::files::{self, CheckpointError, NamedTensors, RunPaths};
use super::model::{
    Batch, Grads, RecognizerModel, backward, forward, loss, model_tensors, model_tensors_mut,
    predict_last,
};
use crate::nn::optim::{Adam, clip_grad_norm};
use crate::sketch::drawing::Drawing;
use crate::sketch::features;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything that decides a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub seed: u64,
    /// H
    pub hidden: usize,
    /// L
    pub layers: usize,
    /// B
    pub batch: usize,
    pub steps_per_epoch: usize,
    pub max_epochs: usize,
    /// stop after this many epochs without a better validation score
    pub patience: usize,
    /// Adam step size at the start; cosine-decayed to 10% over max_epochs
    pub lr: f32,
    /// global gradient-norm limit
    pub clip: f32,
    pub dropout: f32,
    /// AdamW decoupled weight decay
    pub weight_decay: f32,
    /// probability of a synthetic drawing for a class with a generator
    pub synth_frac: f32,
    /// how many classes' worth of batch elements the other output gets (0: no other output)
    pub other_weight: f32,
    /// stop (and finish normally) after this much wall time, in minutes
    pub max_minutes: f64,
    /// batch parts run in parallel
    pub threads: usize,
    /// validation drawings per class used for early stopping (all for the report)
    pub val_cap: usize,
    /// the head also reads the running max of the top layer's output (see
    /// [`RecognizerModel`])
    #[serde(default)]
    pub running_max: bool,
    /// label smoothing ε: the target puts 1 − ε on the class and ε/C on
    /// every output, so no drawing of ~25 can be learnt with certainty
    #[serde(default)]
    pub label_smoothing: f32,
    /// decay of the exponential moving average of the weights that is
    /// validated and exported (0: the raw weights)
    #[serde(default)]
    pub ema: f32,
    /// one output per unknown training class instead of a single other
    /// output (p(other) is their sum): a richer task for the LSTM
    #[serde(default)]
    pub other_classes: bool,
    /// probability of reordering a drawing's nearby strokes (augmentation)
    #[serde(default)]
    pub stroke_order: f32,
    /// probability of reversing each stroke (augmentation)
    #[serde(default)]
    pub stroke_reverse: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            hidden: 160,
            layers: 2,
            batch: 64,
            steps_per_epoch: 100,
            max_epochs: 60,
            patience: 10,
            lr: 3e-3,
            clip: 1.0,
            dropout: 0.25,
            weight_decay: 1e-4,
            synth_frac: 0.5,
            other_weight: 2.0,
            max_minutes: 25.0,
            threads: 2,
            val_cap: 40,
            running_max: false,
            label_smoothing: 0.0,
            ema: 0.0,
            other_classes: false,
            stroke_order: 0.0,
            stroke_reverse: 0.0,
        }
    }
}

/// One line of progress.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A stage message (loading data, resuming, …).
    Message(String),
    /// After each step: epoch (from 0), step within the epoch, running loss and accuracy.
    Step {
        epoch: usize,
        step: usize,
        steps_per_epoch: usize,
        loss: f32,
        acc: f32,
    },
    /// After each epoch.
    Epoch {
        epoch: usize,
        max_epochs: usize,
        loss: f32,
        acc: f32,
        val: ValScore,
        best: bool,
        elapsed_s: f64,
    },
}

/// Where a training stage stands after the epochs so far: the part of the
/// meta file both stages share.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunState {
    /// epochs completed
    pub epoch: usize,
    pub adam_steps: i32,
    /// the validation score of the best epoch (−1 before any)
    pub best_score: f32,
    pub best_epoch: usize,
    pub elapsed_s: f64,
    /// one line per epoch: loss, accuracy, validation scores, lr, time
    pub history: Vec<serde_json::Value>,
}

impl Default for RunState {
    fn default() -> Self {
        Self {
            epoch: 0,
            adam_steps: 0,
            best_score: -1.0,
            best_epoch: 0,
            elapsed_s: 0.0,
            history: Vec::new(),
        }
    }
}

/// The training state saved after every epoch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckpointMeta {
    pub config: TrainConfig,
    #[serde(flatten)]
    pub run: RunState,
    /// the known classes, output order
    pub classes: Vec<String>,
    pub other_output: bool,
    /// the unknown classes with an output each (see [`TrainConfig::other_classes`])
    #[serde(default)]
    pub other_classes: Vec<String>,
}

/// A stage's meta file: its own settings around the shared [`RunState`].
pub(crate) trait StageMeta: Serialize {
    fn run_mut(&mut self) -> &mut RunState;
}

impl StageMeta for CheckpointMeta {
    fn run_mut(&mut self) -> &mut RunState {
        &mut self.run
    }
}

/// What [`train`] returns.
#[derive(Debug, Clone)]
pub struct TrainOutcome {
    /// the best model (by validation macro top-1)
    pub best: RecognizerModel,
    pub meta: CheckpointMeta,
}

/// What went wrong training.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrainError {
    #[error("{}: {message}", path.display())]
    Checkpoint { path: PathBuf, message: String },
    #[error("no training data: {0}")]
    NoData(String),
}

impl From<CheckpointError> for TrainError {
    fn from(e: CheckpointError) -> Self {
        TrainError::Checkpoint {
            path: e.path,
            message: e.message,
        }
    }
}

/// What a training stage carries from epoch to epoch: the weights being
/// trained, their optimiser, the best weights so far and the averaged ones.
pub(crate) struct Stage<W> {
    pub model: W,
    pub adam: Adam,
    pub best: W,
    /// θ̄ (without averaging an unused copy of the first `model`)
    pub ema: W,
    /// whether `ema` is what is validated, kept as the best and saved
    pub averaging: bool,
    pub paths: RunPaths,
}

impl<W: NamedTensors + Clone> Stage<W> {
    /// A stage at its start: `model` is also the best and the average.
    pub fn new(model: W, adam: Adam, averaging: bool, paths: RunPaths) -> Self {
        Self {
            best: model.clone(),
            ema: model.clone(),
            model,
            adam,
            averaging,
            paths,
        }
    }

    /// The weights that are validated: the averaged ones when averaging.
    pub fn judged(&self) -> &W {
        if self.averaging {
            &self.ema
        } else {
            &self.model
        }
    }

    /// The end of an epoch, the same in both stages: the judged weights
    /// become the best when `scores[0]` beats the best so far, the epoch's
    /// line (loss, accuracy, both scores, lr, time) joins the history, and
    /// the checkpoint is written. Returns whether this epoch is the best.
    pub fn end_epoch(
        &mut self,
        meta: &mut impl StageMeta,
        sums: &EpochSums,
        scores: [(&str, f32); 2],
        elapsed_s: f64,
    ) -> Result<bool, TrainError> {
        let run = meta.run_mut();
        let epoch = run.epoch + 1;
        run.epoch = epoch;
        let is_best = scores[0].1 > run.best_score;
        if is_best {
            run.best_score = scores[0].1;
            run.best_epoch = epoch;
            self.best = self.judged().clone();
        }
        run.elapsed_s = elapsed_s;
        run.adam_steps = self.adam.steps();
        let mut line = serde_json::Map::new();
        line.insert("epoch".into(), serde_json::json!(epoch));
        line.insert("loss".into(), serde_json::json!(sums.loss()));
        line.insert("train_acc".into(), serde_json::json!(sums.acc()));
        for (name, v) in scores {
            line.insert(name.into(), serde_json::json!(v));
        }
        line.insert("lr".into(), serde_json::json!(self.adam.lr));
        line.insert("elapsed_s".into(), serde_json::json!(elapsed_s));
        run.history.push(line.into());
        let ema = self.averaging.then_some(&self.ema);
        files::save_checkpoint(&self.paths, &self.model, &self.adam, &self.best, ema, meta)?;
        Ok(is_best)
    }
}

/// Adam with decoupled weight decay (AdamW), as both stages use it.
pub(crate) fn adamw(lr: f32, weight_decay: f32) -> Adam {
    let mut adam = Adam::new(lr);
    adam.weight_decay = weight_decay;
    adam
}

/// An epoch's running sums over its steps.
#[derive(Debug, Default)]
pub(crate) struct EpochSums {
    pub loss: f32,
    pub right: usize,
    pub seen: usize,
}

impl EpochSums {
    /// Mean loss per item so far.
    pub fn loss(&self) -> f32 {
        self.loss / self.seen as f32
    }

    /// Share of items whose last step was right so far.
    pub fn acc(&self) -> f32 {
        self.right as f32 / self.seen as f32
    }

    /// The progress line after step `step` (from 0) of `epoch`.
    pub fn step(&self, epoch: usize, step: usize, steps_per_epoch: usize) -> Progress {
        Progress::Step {
            epoch,
            step: step + 1,
            steps_per_epoch,
            loss: self.loss(),
            acc: self.acc(),
        }
    }
}

/// A run's wall time: what earlier invocations spent plus this one's.
pub(crate) struct Clock {
    before_s: f64,
    start: Instant,
}

impl Clock {
    pub fn new(before_s: f64) -> Self {
        Self {
            before_s,
            start: Instant::now(),
        }
    }

    pub fn elapsed_s(&self) -> f64 {
        self.before_s + self.start.elapsed().as_secs_f64()
    }
}

/// Trains (or resumes) a recognizer on `ds`, writing checkpoints into `out`.
pub fn train(
    ds: &Dataset,
    cfg: &TrainConfig,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<TrainOutcome, TrainError> {
    if ds.classes.is_empty()
        || ds
            .classes
            .iter()
            .any(|c| c.train.is_empty() && c.synthetic.is_empty())
    {
        return Err(TrainError::NoData(
            "every class needs a training drawing".into(),
        ));
    }
    let (labels, other_classes) = other_labels(ds, cfg);
    let other = labels.is_some();
    let nc = ds.classes.len() + if other { other_classes.len().max(1) } else { 0 };
    let fresh = CheckpointMeta {
        config: cfg.clone(),
        run: RunState::default(),
        classes: ds.classes.iter().map(|c| c.class.clone()).collect(),
        other_output: other,
        other_classes,
    };
    let (mut st, mut meta) = start_lstm(cfg, out, nc, fresh, progress)?;
    progress(Progress::Message(format!(
        "model: {} layers × H {}, {} outputs, {} parameters ({:.2} MB f32)",
        cfg.layers,
        cfg.hidden,
        nc,
        st.model.num_params(),
        st.model.num_params() as f64 * 4.0 / 1e6
    )));
    let aug = augment_options(cfg);
    let clock = Clock::new(meta.run.elapsed_s);
    while meta.run.epoch < cfg.max_epochs {
        let run = &meta.run;
        if run.epoch > run.best_epoch + cfg.patience && run.best_score >= 0.0 {
            progress(Progress::Message(format!(
                "early stop: no better validation score for {} epochs",
                cfg.patience
            )));
            break;
        }
        if clock.elapsed_s() > cfg.max_minutes * 60.0 {
            progress(Progress::Message(format!(
                "time budget of {} min reached",
                cfg.max_minutes
            )));
            break;
        }
        let epoch = run.epoch;
        let mut rng = epoch_rng(cfg.seed, epoch);
        // Cosine decay from lr to 0.1·lr over max_epochs.
        let phase = epoch as f32 / cfg.max_epochs.max(1) as f32;
        st.adam.lr = cfg.lr * (0.1 + 0.9 * 0.5 * (1.0 + (std::f32::consts::PI * phase).cos()));
        let mut sums = EpochSums::default();
        for step in 0..cfg.steps_per_epoch {
            let mut items: Vec<(Drawing, usize)> = (0..cfg.batch)
                .map(|_| sample_item(ds, cfg, labels.as_deref(), &aug, &mut rng))
                .collect();
            // Micro-batches of similar length (sorted), so little time goes
            // into padded steps.
            items.sort_by_key(|(d, _)| d.num_points());
            let mut grads = lstm_gradients(&st.model, &items, cfg, nc, &mut rng, &mut sums);
            sums.seen += cfg.batch;
            update(
                &mut st.adam,
                &mut model_tensors_mut(&mut st.model),
                &mut grads.tensors_mut(),
                cfg.batch,
                cfg.clip,
            );
            if st.averaging {
                average_into(
                    model_tensors_mut(&mut st.ema),
                    model_tensors(&st.model),
                    cfg.ema,
                    st.adam.steps(),
                );
            }
            progress(sums.step(epoch, step, cfg.steps_per_epoch));
        }
        let val = validate(st.judged(), ds, cfg.val_cap, cfg.threads.max(1));
        let scores = [
            ("val_macro_top1", val.macro_top1),
            ("val_micro_top1", val.micro_top1),
        ];
        let best = st.end_epoch(&mut meta, &sums, scores, clock.elapsed_s())?;
        progress(Progress::Epoch {
            epoch,
            max_epochs: cfg.max_epochs,
            loss: sums.loss(),
            acc: sums.acc(),
            val,
            best,
            elapsed_s: meta.run.elapsed_s,
        });
    }
    Ok(TrainOutcome {
        best: st.best,
        meta,
    })
}

/// The LSTM stage from scratch (`fresh`), or resumed from the checkpoint
/// in `out`, which must come from the same settings and data.
fn start_lstm(
    cfg: &TrainConfig,
    out: &Path,
    nc: usize,
    fresh: CheckpointMeta,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Stage<RecognizerModel>, CheckpointMeta), TrainError> {
    std::fs::create_dir_all(out).map_err(|e| TrainError::Checkpoint {
        path: out.to_path_buf(),
        message: e.to_string(),
    })?;
    let model = RecognizerModel::random(cfg.hidden, cfg.layers, nc, cfg.running_max, cfg.seed);
    let adam = adamw(cfg.lr, cfg.weight_decay);
    let mut st = Stage::new(model, adam, cfg.ema > 0.0, RunPaths::lstm(out));
    if !st.paths.meta.is_file() {
        return Ok((st, fresh));
    }
    let meta: CheckpointMeta = files::read_meta(&st.paths)?;
    let (model, m, v) = files::read_lstm_checkpoint(&st.paths, nc)?;
    let best = files::read_model(&st.paths.best)?;
    if meta.config != *cfg || meta.classes != fresh.classes {
        return Err(TrainError::Checkpoint {
            path: st.paths.meta,
            message:
                "was written by a run with other settings or data; use another --out or delete it"
                    .into(),
        });
    }
    st.adam.restore(meta.run.adam_steps, m, v);
    (st.model, st.best) = (model, best);
    if st.averaging {
        st.ema = files::read_model(&st.paths.ema)?;
    }
    let run = &meta.run;
    progress(Progress::Message(format!(
        "resuming after epoch {} ({:.0} s so far, best macro top-1 {:.3} at epoch {})",
        run.epoch, run.elapsed_s, run.best_score, run.best_epoch
    )));
    Ok((st, meta))
}

/// The summed gradients of one batch of items sorted by length: it is cut
/// into 4·threads micro-batches (little padding in each) that run on the
/// rayon pool, with dropout.
fn lstm_gradients(
    model: &RecognizerModel,
    items: &[(Drawing, usize)],
    cfg: &TrainConfig,
    nc: usize,
    rng: &mut ChaCha8Rng,
    sums: &mut EpochSums,
) -> Grads {
    let micro = cfg.batch.div_ceil(4 * cfg.threads.max(1)).max(1);
    let part = |chunk: &[(Drawing, usize)], drng: &mut ChaCha8Rng| {
        let batch = Batch::from_drawings(chunk);
        let cache = forward(model, &batch, cfg.dropout, Some(drng));
        let (l, c, dz) = loss(&batch, &cache.logits, nc, cfg.label_smoothing);
        let mut g = Grads::zeros_like(model);
        backward(model, &batch, &cache, &dz, &mut g);
        (l, c, g)
    };
    summed_gradients(items, micro, rng, sums, part, Grads::add)
}

/// A batch's gradients, both stages' way: `items` cut into parts of `size`
/// that `part` turns into (loss, right guesses, gradients) on the rayon
/// pool, each part with its own generator seeded from `rng` (in part
/// order, so the run is reproducible whatever the threads do); the parts'
/// gradients are summed in order with `add`, their loss and right guesses
/// into `sums`.
pub(crate) fn summed_gradients<G: Send>(
    items: &[(Drawing, usize)],
    size: usize,
    rng: &mut ChaCha8Rng,
    sums: &mut EpochSums,
    part: impl Fn(&[(Drawing, usize)], &mut ChaCha8Rng) -> (f32, usize, G) + Sync,
    add: impl Fn(&mut G, &G),
) -> G {
    let seeds: Vec<u64> = (0..items.len().div_ceil(size))
        .map(|_| rng.random())
        .collect();
    let results: Vec<(f32, usize, G)> = items
        .par_chunks(size)
        .zip(seeds.par_iter())
        .map(|(chunk, &seed)| part(chunk, &mut ChaCha8Rng::seed_from_u64(seed)))
        .collect();
    let mut total: Option<G> = None;
    for (l, c, g) in results {
        sums.loss += l;
        sums.right += c;
        match &mut total {
            None => total = Some(g),
            Some(acc) => add(acc, &g),
        }
    }
    total.expect("at least one batch part")
}

/// A training sample source: which class and which drawing.
pub(crate) fn sample_item(
    ds: &Dataset,
    cfg: &TrainConfig,
    other: Option<&[usize]>,
    aug: &AugmentOptions,
    rng: &mut ChaCha8Rng,
) -> (Drawing, usize) {
    let k = ds.classes.len();
    let total = k as f32
        + if other.is_some() {
            cfg.other_weight
        } else {
            0.0
        };
    let pick = rng.random::<f32>() * total;
    let (source, y): (&Drawing, usize) = if let Some(labels) = other
        && pick >= k as f32
    {
        let u = &ds.unknown[0];
        let i = rng.random_range(0..u.len());
        (&u[i].1, labels[i])
    } else {
        let c = (pick as usize).min(k - 1);
        let cd = &ds.classes[c];
        let synth = !cd.synthetic.is_empty()
            && (cd.train.is_empty() || rng.random::<f32>() < cfg.synth_frac);
        let pool = if synth { &cd.synthetic } else { &cd.train };
        (&pool[rng.random_range(0..pool.len())], c)
    };
    let mut d = augment(source, aug, rng);
    if d.is_empty() {
        d = features::preprocess(source);
    }
    (d, y)
}

/// `n` training items exactly as an epoch would draw them (augmented), for
/// looking at what the model is fed.
pub fn preview(ds: &Dataset, cfg: &TrainConfig, n: usize) -> Vec<(Drawing, usize)> {
    let (labels, _) = other_labels(ds, cfg);
    let mut rng = epoch_rng(cfg.seed, 0);
    let aug = augment_options(cfg);
    (0..n)
        .map(|_| sample_item(ds, cfg, labels.as_deref(), &aug, &mut rng))
        .collect()
}

/// The augmentation of a run: the defaults, and the stroke-order changes it asks for.
pub(crate) fn augment_options(cfg: &TrainConfig) -> AugmentOptions {
    AugmentOptions {
        stroke_order: cfg.stroke_order,
        stroke_reverse: cfg.stroke_reverse,
        ..AugmentOptions::default()
    }
}

/// The output index of every unknown training drawing (None: no other
/// output), and the unknown classes that have an output of their own.
pub(crate) fn other_labels(ds: &Dataset, cfg: &TrainConfig) -> (Option<Vec<usize>>, Vec<String>) {
    let u = &ds.unknown[0];
    if cfg.other_weight <= 0.0 || u.is_empty() {
        return (None, Vec::new());
    }
    let k = ds.classes.len();
    if !cfg.other_classes {
        return (Some(vec![k; u.len()]), Vec::new());
    }
    let mut names: Vec<String> = u.iter().map(|(c, _)| c.clone()).collect();
    names.sort();
    names.dedup();
    let labels = u
        .iter()
        .map(|(c, _)| k + names.binary_search(c).expect("a name from this list"))
        .collect();
    (Some(labels), names)
}

/// One epoch's batches, reproducible from (seed, epoch).
pub(crate) fn epoch_rng(seed: u64, epoch: usize) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (epoch as u64 + 1))
}

/// Validation scores used for early stopping.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValScore {
    /// macro-averaged top-1 over the known classes
    pub macro_top1: f32,
    /// mean loss-free accuracy over all (capped) validation drawings
    pub micro_top1: f32,
}

/// Macro top-1 of the model on at most `cap` validation drawings per class
/// (last step, batched forward, no dropout).
pub fn validate(model: &RecognizerModel, ds: &Dataset, cap: usize, threads: usize) -> ValScore {
    let items: Vec<(Drawing, usize)> = ds
        .classes
        .iter()
        .enumerate()
        .flat_map(|(c, cd)| cd.val.iter().take(cap).map(move |d| (d.clone(), c)))
        .collect();
    let preds = predict_last(model, &items, threads);
    let labels: Vec<usize> = items.iter().map(|(_, y)| *y).collect();
    score(&preds, &labels, ds.classes.len())
}

/// Macro and micro top-1 over the K known classes of last-step logits
/// against their labels.
pub(crate) fn score(z: &[Vec<f32>], labels: &[usize], k: usize) -> ValScore {
    let mut right = vec![0usize; k];
    let mut seen = vec![0usize; k];
    for (z, &y) in z.iter().zip(labels) {
        seen[y] += 1;
        let best = (0..k).max_by(|&a, &b| z[a].total_cmp(&z[b])).unwrap_or(0);
        right[y] += usize::from(best == y);
    }
    let per: Vec<f32> = (0..k)
        .filter(|&c| seen[c] > 0)
        .map(|c| right[c] as f32 / seen[c] as f32)
        .collect();
    ValScore {
        macro_top1: per.iter().sum::<f32>() / per.len().max(1) as f32,
        micro_top1: right.iter().sum::<usize>() as f32 / seen.iter().sum::<usize>().max(1) as f32,
    }
}

/// One optimiser update from gradients summed over a batch: their mean,
/// clipped to a global norm of `clip`, then an Adam step.
pub(crate) fn update(
    adam: &mut Adam,
    params: &mut [&mut [f32]],
    grads: &mut [&mut [f32]],
    batch: usize,
    clip: f32,
) {
    let scale = 1.0 / batch as f32;
    for g in grads.iter_mut() {
        g.iter_mut().for_each(|v| *v *= scale);
    }
    clip_grad_norm(grads, clip);
    let views: Vec<&[f32]> = grads.iter().map(|g| &**g).collect();
    adam.step(params, &views);
}

/// θ̄ ← d·θ̄ + (1 − d)·θ after update n, with the usual warm-up
/// d = min(decay, (1 + n)/(10 + n)), so the first updates are not drowned by
/// the random initial weights.
pub(crate) fn average_into(avg: Vec<&mut [f32]>, params: Vec<&[f32]>, decay: f32, n: i32) {
    let n = n as f32;
    let d = decay.min((1.0 + n) / (10.0 + n));
    for (a, w) in avg.into_iter().zip(params) {
        a.iter_mut()
            .zip(w)
            .for_each(|(a, w)| *a = d * *a + (1.0 - d) * w);
    }
}
