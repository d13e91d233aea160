//! Training the recognizer: class-balanced batches of augmented real and
//! sketch-rnn drawings (plus unknown-class drawings for the "other" output),
//! the fused LSTM forward/BPTT, a linear head, a loss on every step, Adam with
//! global-norm clipping, early stopping on the real validation drawings, and
//! checkpoints after every epoch that a rerun of the same command resumes.
//!
//! Shapes legend as in [`recognizer`](super::recognizer): T steps, B batch,
//! I features, H hidden, C outputs.
//!
//! **Loss** of one sequence of length L with class y:
//!
//! ```text
//! loss = (1 − λ)·CE(z_{L−1}, y) + λ·Σ_{t<L} w_t·CE(z_t, y),   w_t = (t+1) / Σ_s (s+1)
//! ```
//!
//! so the last step decides, and earlier steps are pushed to guess early
//! (later steps weigh more, since they have seen more). λ = [`PREFIX_LOSS`].
//! With label smoothing ε the target of CE is q = (1 − ε)·onehot(y) + ε/C.
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
//! **Dropout** (inverted) on every layer's output, also the top one.
//!
//! **Reproducible**: the data and dropout of epoch e come from a generator
//! seeded by (seed, e), so a run resumed from its checkpoint after epoch e
//! continues exactly as the uninterrupted run would.

use super::augment::{AugmentOptions, augment};
use super::dataset::Dataset;
use super::drawing::Drawing;
use super::features::{self, INPUT_SIZE};
use super::recognizer::RecognizerModel;
use crate::nn::lstm::{LayerCache, Lstm, layer_backward, layer_forward};
use crate::nn::matmul::{Mat, Threads, matmul};
use crate::nn::ops::softmax_in_place;
use crate::nn::optim::{Adam, clip_grad_norm};
use crate::nn::safetensors::tensors_to_bytes;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// λ, the weight of the per-step (prefix) part of the loss.
pub const PREFIX_LOSS: f32 = 0.5;

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

/// A padded batch, time-major.
#[derive(Debug, Clone)]
pub struct Batch {
    /// (T, B, I)
    pub x: Vec<f32>,
    /// (B)
    pub lengths: Vec<usize>,
    /// (B) output index of each element's class
    pub targets: Vec<usize>,
    /// T
    pub steps: usize,
}

impl Batch {
    /// B
    pub fn size(&self) -> usize {
        self.lengths.len()
    }

    /// Pads preprocessed drawings into a batch.
    pub fn from_drawings(items: &[(Drawing, usize)]) -> Batch {
        let rows: Vec<Vec<features::Row>> =
            items.iter().map(|(d, _)| features::inputs(d)).collect();
        Self::from_rows(&rows, items.iter().map(|(_, y)| *y).collect())
    }

    /// Pads row sequences into a batch (an empty sequence gets one zero row).
    pub fn from_rows(rows: &[Vec<features::Row>], targets: Vec<usize>) -> Batch {
        let nb = rows.len();
        let steps = rows.iter().map(|r| r.len().max(1)).max().unwrap_or(1);
        let mut x = vec![0.0; steps * nb * INPUT_SIZE];
        for (b, seq) in rows.iter().enumerate() {
            for (t, row) in seq.iter().enumerate() {
                let at = (t * nb + b) * INPUT_SIZE;
                x[at..at + INPUT_SIZE].copy_from_slice(row);
            }
        }
        Batch {
            x,
            lengths: rows.iter().map(|r| r.len().max(1)).collect(),
            targets,
            steps,
        }
    }
}

/// Gradients of a [`RecognizerModel`]: the same fields.
#[derive(Debug, Clone)]
pub struct Grads {
    pub lstm: Lstm,
    pub head_w: Vec<f32>,
    pub head_b: Vec<f32>,
}

impl Grads {
    pub fn zeros_like(m: &RecognizerModel) -> Self {
        Self {
            lstm: m.lstm.zeros_like(),
            head_w: vec![0.0; m.head_w.len()],
            head_b: vec![0.0; m.head_b.len()],
        }
    }

    fn add(&mut self, other: &Grads) {
        for (a, b) in self.tensors_mut().into_iter().zip(other.tensors()) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }

    fn tensors(&self) -> Vec<&[f32]> {
        let mut v = self.lstm.tensors();
        v.extend([self.head_w.as_slice(), self.head_b.as_slice()]);
        v
    }

    fn tensors_mut(&mut self) -> Vec<&mut [f32]> {
        let mut v = self.lstm.tensors_mut();
        v.extend([self.head_w.as_mut_slice(), self.head_b.as_mut_slice()]);
        v
    }
}

/// Every parameter tensor of a model, in the order of [`Grads::tensors`].
fn model_tensors_mut(m: &mut RecognizerModel) -> Vec<&mut [f32]> {
    let mut v = m.lstm.tensors_mut();
    v.extend([m.head_w.as_mut_slice(), m.head_b.as_mut_slice()]);
    v
}

fn model_tensors(m: &RecognizerModel) -> Vec<&[f32]> {
    let mut v = m.lstm.tensors();
    v.extend([m.head_w.as_slice(), m.head_b.as_slice()]);
    v
}

/// What a forward pass keeps for backward.
pub struct ForwardCache {
    layers: Vec<LayerCache>,
    /// per layer, (T, B, H) dropout multipliers (empty: no dropout)
    masks: Vec<Vec<f32>>,
    /// (T, B, N) the head's input: the top output after dropout (N = H), or
    /// that and its running max over the steps (N = 2H)
    top: Vec<f32>,
    /// (T, B, H) the step each running-max value came from (empty without
    /// the running max)
    argmax: Vec<u32>,
    /// (T·B, C) logits
    pub logits: Vec<f32>,
}

/// Forward over a batch: the layers (with dropout `p` when `rng` is given),
/// then the head on every step. Logits of padded steps are garbage.
pub fn forward(
    model: &RecognizerModel,
    batch: &Batch,
    dropout: f32,
    rng: Option<&mut ChaCha8Rng>,
) -> ForwardCache {
    let (nb, nt, nh, nc) = (
        batch.size(),
        batch.steps,
        model.lstm.hidden_size,
        model.num_outputs(),
    );
    let mut layers = Vec::with_capacity(model.lstm.layers.len());
    let mut masks = Vec::new();
    let mut input = batch.x.clone();
    let mut rng = rng;
    for layer in &model.lstm.layers {
        let cache = layer_forward(layer, &input, nb, &batch.lengths);
        let mut out = cache.output.clone();
        if let Some(r) = rng.as_deref_mut()
            && dropout > 0.0
        {
            let keep = 1.0 - dropout;
            let mask: Vec<f32> = (0..out.len())
                .map(|_| {
                    if r.random::<f32>() < keep {
                        1.0 / keep
                    } else {
                        0.0
                    }
                })
                .collect();
            out.iter_mut().zip(&mask).for_each(|(o, m)| *o *= m);
            masks.push(mask);
        }
        layers.push(cache);
        input = out;
    }
    let (top, argmax) = if model.running_max() {
        with_running_max(&input, nt, nb, nh)
    } else {
        (input, Vec::new())
    };
    let ni = model.head_inputs();
    let mut logits = vec![0.0; nt * nb * nc];
    matmul(
        &mut logits,
        Mat::new(&top, nt * nb, ni),
        Mat::new(&model.head_w, nc, ni).t(),
        false,
        Threads::One,
    );
    for row in logits.chunks_exact_mut(nc) {
        row.iter_mut().zip(&model.head_b).for_each(|(z, b)| *z += b);
    }
    ForwardCache {
        layers,
        masks,
        top,
        argmax,
        logits,
    }
}

/// [h_t, m_t] for every step and element, (T, B, 2H), with m_t = max_{s≤t}
/// h_s per unit, and the step each max came from, (T, B, H). `h` is
/// (T, B, H). (Steps past an element's length only produce logits that the
/// loss ignores.)
fn with_running_max(h: &[f32], nt: usize, nb: usize, nh: usize) -> (Vec<f32>, Vec<u32>) {
    let mut u = vec![0.0; nt * nb * 2 * nh];
    let mut arg = vec![0u32; nt * nb * nh];
    for t in 0..nt {
        for b in 0..nb {
            let row = t * nb + b;
            let h_t = &h[row * nh..(row + 1) * nh];
            u[row * 2 * nh..][..nh].copy_from_slice(h_t);
            for j in 0..nh {
                let (m, a) = if t == 0 {
                    (h_t[j], 0)
                } else {
                    let prev = (t - 1) * nb + b;
                    let (m_prev, a_prev) = (u[prev * 2 * nh + nh + j], arg[prev * nh + j]);
                    // Ties keep the earlier step, as the streaming session does.
                    if h_t[j] > m_prev {
                        (h_t[j], t as u32)
                    } else {
                        (m_prev, a_prev)
                    }
                };
                u[row * 2 * nh + nh + j] = m;
                arg[row * nh + j] = a;
            }
        }
    }
    (u, arg)
}

/// The loss of a batch (sum over elements, see the module doc), the number of
/// elements whose last step is right, and ∂loss/∂logits (T·B, C).
pub fn loss(batch: &Batch, logits: &[f32], nc: usize, smoothing: f32) -> (f32, usize, Vec<f32>) {
    let nb = batch.size();
    let mut dz = vec![0.0; logits.len()];
    let (mut total, mut correct) = (0.0f32, 0usize);
    let mut p = vec![0.0; nc];
    for b in 0..nb {
        let (len, y) = (batch.lengths[b], batch.targets[b]);
        let norm = (len * (len + 1) / 2) as f32;
        for t in 0..len {
            let at = (t * nb + b) * nc;
            let mut w = PREFIX_LOSS * (t + 1) as f32 / norm;
            if t + 1 == len {
                w += 1.0 - PREFIX_LOSS;
            }
            p.copy_from_slice(&logits[at..at + nc]);
            softmax_in_place(&mut p);
            let q =
                |c: usize| smoothing / nc as f32 + (1.0 - smoothing) * f32::from(u8::from(c == y));
            total -= w * (0..nc).map(|c| q(c) * p[c].max(1e-12).ln()).sum::<f32>();
            if t + 1 == len {
                let best = (0..nc).max_by(|&a, &c| p[a].total_cmp(&p[c])).unwrap_or(0);
                correct += usize::from(best == y);
            }
            // ∂CE/∂z_c = p_c − q_c
            for (c, d) in dz[at..at + nc].iter_mut().enumerate() {
                *d = w * (p[c] - q(c));
            }
        }
    }
    (total, correct, dz)
}

/// Backward from ∂loss/∂logits: adds every parameter's gradient into `grads`.
pub fn backward(
    model: &RecognizerModel,
    batch: &Batch,
    cache: &ForwardCache,
    dz: &[f32],
    grads: &mut Grads,
) {
    let (nb, nt, nh, nc) = (
        batch.size(),
        batch.steps,
        model.lstm.hidden_size,
        model.num_outputs(),
    );
    let ni = model.head_inputs();
    // ∂W += dzᵀ·top, ∂b += Σ dz, ∂top = dz·W
    matmul(
        &mut grads.head_w,
        Mat::new(dz, nt * nb, nc).t(),
        Mat::new(&cache.top, nt * nb, ni),
        true,
        Threads::One,
    );
    for row in dz.chunks_exact(nc) {
        grads.head_b.iter_mut().zip(row).for_each(|(g, d)| *g += d);
    }
    let mut d_in = vec![0.0; nt * nb * ni];
    matmul(
        &mut d_in,
        Mat::new(dz, nt * nb, nc),
        Mat::new(&model.head_w, nc, ni),
        false,
        Threads::One,
    );
    let mut d = if ni == nh {
        d_in
    } else {
        // ∂h_s = ∂(h part) at s + Σ over the steps t whose max came from s.
        let mut d = vec![0.0; nt * nb * nh];
        for row in 0..nt * nb {
            let b = row % nb;
            d[row * nh..(row + 1) * nh]
                .iter_mut()
                .zip(&d_in[row * ni..][..nh])
                .for_each(|(g, v)| *g += v);
            for j in 0..nh {
                let from = cache.argmax[row * nh + j] as usize * nb + b;
                d[from * nh + j] += d_in[row * ni + nh + j];
            }
        }
        d
    };
    for k in (0..model.lstm.layers.len()).rev() {
        if let Some(mask) = cache.masks.get(k) {
            d.iter_mut().zip(mask).for_each(|(g, m)| *g *= m);
        }
        d = layer_backward(
            &model.lstm.layers[k],
            &cache.layers[k],
            &d,
            None,
            &mut grads.lstm.layers[k],
        );
    }
}

/// The last valid step's logits of each element, (B, C).
pub fn last_logits(batch: &Batch, logits: &[f32], nc: usize) -> Vec<Vec<f32>> {
    let nb = batch.size();
    (0..nb)
        .map(|b| {
            let at = ((batch.lengths[b] - 1) * nb + b) * nc;
            logits[at..at + nc].to_vec()
        })
        .collect()
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

/// Last-step logits (C) for each item, batched, on `threads` threads.
pub fn predict_last(
    model: &RecognizerModel,
    items: &[(Drawing, usize)],
    threads: usize,
) -> Vec<Vec<f32>> {
    let nc = model.num_outputs();
    let chunks: Vec<&[(Drawing, usize)]> = items.chunks(64).collect();
    let run = |chunk: &[(Drawing, usize)]| {
        let batch = Batch::from_drawings(chunk);
        let cache = forward(model, &batch, 0.0, None);
        last_logits(&batch, &cache.logits, nc)
    };
    let mut out = Vec::with_capacity(items.len());
    for group in chunks.chunks(threads.max(1)) {
        let parts: Vec<Vec<Vec<f32>>> = std::thread::scope(|s| {
            let handles: Vec<_> = group.iter().map(|c| s.spawn(|| run(c))).collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("validation thread panicked"))
                .collect()
        });
        out.extend(parts.into_iter().flatten());
    }
    out
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

/// The training state saved after every epoch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckpointMeta {
    pub config: TrainConfig,
    /// epochs completed
    pub epoch: usize,
    pub adam_steps: i32,
    pub best_score: f32,
    pub best_epoch: usize,
    pub elapsed_s: f64,
    pub history: Vec<serde_json::Value>,
    /// the known classes, output order
    pub classes: Vec<String>,
    pub other_output: bool,
    /// the unknown classes with an output each (see [`TrainConfig::other_classes`])
    #[serde(default)]
    pub other_classes: Vec<String>,
}

/// What [`train`] returns.
#[derive(Debug, Clone)]
pub struct TrainOutcome {
    /// the best model (by validation macro top-1)
    pub best: RecognizerModel,
    pub meta: CheckpointMeta,
}

/// Paths inside the output folder.
pub struct RunPaths {
    pub checkpoint: PathBuf,
    pub meta: PathBuf,
    pub best: PathBuf,
    /// the averaged weights (with [`TrainConfig::ema`])
    pub ema: PathBuf,
}

impl RunPaths {
    pub fn new(out: &Path) -> Self {
        Self {
            checkpoint: out.join("checkpoint.safetensors"),
            meta: out.join("checkpoint.json"),
            best: out.join("best.safetensors"),
            ema: out.join("ema.safetensors"),
        }
    }
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
    let paths = RunPaths::new(out);
    let ck_err = |path: &Path, message: String| TrainError::Checkpoint {
        path: path.to_path_buf(),
        message,
    };
    std::fs::create_dir_all(out).map_err(|e| ck_err(out, e.to_string()))?;
    let mut model = RecognizerModel::random(cfg.hidden, cfg.layers, nc, cfg.running_max, cfg.seed);
    let mut adam = Adam::new(cfg.lr);
    adam.weight_decay = cfg.weight_decay;
    let mut meta = CheckpointMeta {
        config: cfg.clone(),
        epoch: 0,
        adam_steps: 0,
        best_score: -1.0,
        best_epoch: 0,
        elapsed_s: 0.0,
        history: Vec::new(),
        classes: ds.classes.iter().map(|c| c.class.clone()).collect(),
        other_output: other,
        other_classes,
    };
    let mut best = model.clone();
    let mut ema = model.clone();
    if paths.meta.is_file() {
        let (m, a, b, mm) = load_checkpoint(&paths, nc)?;
        if mm.config != *cfg || mm.classes != meta.classes {
            return Err(ck_err(
                &paths.meta,
                "was written by a run with other settings or data; use another --out or delete it"
                    .into(),
            ));
        }
        (model, adam, best, meta) = (m, a, b, mm);
        if cfg.ema > 0.0 {
            ema = read_model(&paths.ema)?;
        }
        progress(Progress::Message(format!(
            "resuming after epoch {} ({:.0} s so far, best macro top-1 {:.3} at epoch {})",
            meta.epoch, meta.elapsed_s, meta.best_score, meta.best_epoch
        )));
    }
    progress(Progress::Message(format!(
        "model: {} layers × H {}, {} outputs, {} parameters ({:.2} MB f32)",
        cfg.layers,
        cfg.hidden,
        nc,
        model.num_params(),
        model.num_params() as f64 * 4.0 / 1e6
    )));
    let aug = augment_options(cfg);
    let start = std::time::Instant::now();
    let elapsed0 = meta.elapsed_s;
    let threads = cfg.threads.max(1);
    while meta.epoch < cfg.max_epochs {
        if meta.epoch > meta.best_epoch + cfg.patience && meta.best_score >= 0.0 {
            progress(Progress::Message(format!(
                "early stop: no better validation score for {} epochs",
                cfg.patience
            )));
            break;
        }
        if elapsed0 + start.elapsed().as_secs_f64() > cfg.max_minutes * 60.0 {
            progress(Progress::Message(format!(
                "time budget of {} min reached",
                cfg.max_minutes
            )));
            break;
        }
        let epoch = meta.epoch;
        let mut rng = epoch_rng(cfg.seed, epoch);
        // Cosine decay from lr to 0.1·lr over max_epochs.
        let phase = epoch as f32 / cfg.max_epochs.max(1) as f32;
        adam.lr = cfg.lr * (0.1 + 0.9 * 0.5 * (1.0 + (std::f32::consts::PI * phase).cos()));
        let (mut loss_sum, mut right, mut seen) = (0.0f32, 0usize, 0usize);
        for step in 0..cfg.steps_per_epoch {
            let items: Vec<(Drawing, usize)> = (0..cfg.batch)
                .map(|_| sample_item(ds, cfg, labels.as_deref(), &aug, &mut rng))
                .collect();
            // Micro-batches of similar length (sorted), so little time goes
            // into padded steps; they run on the rayon pool.
            let mut items = items;
            items.sort_by_key(|(d, _)| d.num_points());
            let micro = cfg.batch.div_ceil(4 * threads).max(1);
            let seeds: Vec<u64> = (0..cfg.batch.div_ceil(micro))
                .map(|_| rng.random())
                .collect();
            let results: Vec<(f32, usize, Grads)> = items
                .par_chunks(micro)
                .zip(seeds.par_iter())
                .map(|(chunk, &seed)| {
                    let batch = Batch::from_drawings(chunk);
                    let mut drng = ChaCha8Rng::seed_from_u64(seed);
                    let cache = forward(&model, &batch, cfg.dropout, Some(&mut drng));
                    let (l, c, dz) = loss(&batch, &cache.logits, nc, cfg.label_smoothing);
                    let mut g = Grads::zeros_like(&model);
                    backward(&model, &batch, &cache, &dz, &mut g);
                    (l, c, g)
                })
                .collect();
            let mut grads: Option<Grads> = None;
            for (l, c, g) in results {
                loss_sum += l;
                right += c;
                match &mut grads {
                    None => grads = Some(g),
                    Some(acc) => acc.add(&g),
                }
            }
            seen += cfg.batch;
            let mut grads = grads.expect("at least one batch part");
            update(
                &mut adam,
                &mut model_tensors_mut(&mut model),
                &mut grads.tensors_mut(),
                cfg.batch,
                cfg.clip,
            );
            if cfg.ema > 0.0 {
                average_into(
                    model_tensors_mut(&mut ema),
                    model_tensors(&model),
                    cfg.ema,
                    adam.steps(),
                );
            }
            progress(Progress::Step {
                epoch,
                step: step + 1,
                steps_per_epoch: cfg.steps_per_epoch,
                loss: loss_sum / seen as f32,
                acc: right as f32 / seen as f32,
            });
        }
        let judged = if cfg.ema > 0.0 { &ema } else { &model };
        let val = validate(judged, ds, cfg.val_cap, threads);
        meta.epoch = epoch + 1;
        let is_best = val.macro_top1 > meta.best_score;
        if is_best {
            meta.best_score = val.macro_top1;
            meta.best_epoch = epoch + 1;
            best = judged.clone();
        }
        meta.elapsed_s = elapsed0 + start.elapsed().as_secs_f64();
        meta.adam_steps = adam.steps();
        meta.history.push(serde_json::json!({
            "epoch": epoch + 1,
            "loss": loss_sum / seen as f32,
            "train_acc": right as f32 / seen as f32,
            "val_macro_top1": val.macro_top1,
            "val_micro_top1": val.micro_top1,
            "lr": adam.lr,
            "elapsed_s": meta.elapsed_s,
        }));
        let averaged = (cfg.ema > 0.0).then_some(&ema);
        save_checkpoint(&paths, &model, &adam, &best, averaged, &meta)?;
        progress(Progress::Epoch {
            epoch,
            max_epochs: cfg.max_epochs,
            loss: loss_sum / seen as f32,
            acc: right as f32 / seen as f32,
            val,
            best: is_best,
            elapsed_s: meta.elapsed_s,
        });
    }
    Ok(TrainOutcome { best, meta })
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

/// Adds Adam's moments to a checkpoint's tensors: `adam.m.{i}` /
/// `adam.v.{i}` in the order of the parameter list.
pub(crate) fn insert_adam_moments(
    adam: &Adam,
    tensors: &mut std::collections::HashMap<String, candle_core::Tensor>,
) -> candle_core::Result<()> {
    let (_, m, v) = adam.state();
    for (i, (mi, vi)) in m.iter().zip(v).enumerate() {
        for (name, data) in [(format!("adam.m.{i}"), mi), (format!("adam.v.{i}"), vi)] {
            let t = candle_core::Tensor::from_slice(data, data.len(), &candle_core::Device::Cpu)?;
            tensors.insert(name, t);
        }
    }
    Ok(())
}

/// Adam's first or second moments, one vector per parameter tensor.
pub(crate) type Moments = Vec<Vec<f32>>;

/// Adam's moments of `n` parameter tensors, read back from a checkpoint.
pub(crate) fn read_adam_moments(
    tensors: &std::collections::HashMap<String, candle_core::Tensor>,
    n: usize,
) -> Result<(Moments, Moments), String> {
    let read = |name: String| -> Result<Vec<f32>, String> {
        tensors
            .get(&name)
            .ok_or_else(|| format!("missing {name}"))?
            .to_vec1::<f32>()
            .map_err(|e| format!("{name}: {e}"))
    };
    let m = (0..n)
        .map(|i| read(format!("adam.m.{i}")))
        .collect::<Result<_, _>>()?;
    let v = (0..n)
        .map(|i| read(format!("adam.v.{i}")))
        .collect::<Result<_, _>>()?;
    Ok((m, v))
}

fn save_checkpoint(
    paths: &RunPaths,
    model: &RecognizerModel,
    adam: &Adam,
    best: &RecognizerModel,
    ema: Option<&RecognizerModel>,
    meta: &CheckpointMeta,
) -> Result<(), TrainError> {
    let err = |path: &Path, message: String| TrainError::Checkpoint {
        path: path.to_path_buf(),
        message,
    };
    // The model and Adam's moments in one file: model tensors, then
    // `adam.m.{i}` / `adam.v.{i}` in the order of the parameter list.
    let extra = model
        .to_tensors()
        .and_then(|mut t| insert_adam_moments(adam, &mut t).map(|()| t))
        .map_err(|e| err(&paths.checkpoint, e.to_string()))?;
    let bytes = tensors_to_bytes(&extra).map_err(|e| err(&paths.checkpoint, e))?;
    crate::fsutil::write_atomic(&paths.checkpoint, &bytes)
        .map_err(|e| err(&paths.checkpoint, e.to_string()))?;
    for (path, m) in [(&paths.best, Some(best)), (&paths.ema, ema)] {
        if let Some(m) = m {
            let bytes = m.to_bytes().map_err(|e| err(path, e))?;
            crate::fsutil::write_atomic(path, &bytes).map_err(|e| err(path, e.to_string()))?;
        }
    }
    let json = serde_json::to_string_pretty(meta).map_err(|e| err(&paths.meta, e.to_string()))?;
    // The meta file last: it marks the checkpoint complete.
    crate::fsutil::write_atomic(&paths.meta, json.as_bytes())
        .map_err(|e| err(&paths.meta, e.to_string()))
}

type Loaded = (RecognizerModel, Adam, RecognizerModel, CheckpointMeta);

/// A model file of the run folder (the best or the averaged weights).
fn read_model(path: &Path) -> Result<RecognizerModel, TrainError> {
    let err = |message: String| TrainError::Checkpoint {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    RecognizerModel::from_bytes(&bytes, path).map_err(|e| err(e.to_string()))
}

fn load_checkpoint(paths: &RunPaths, nc: usize) -> Result<Loaded, TrainError> {
    let err = |path: &Path, message: String| TrainError::Checkpoint {
        path: path.to_path_buf(),
        message,
    };
    let meta: CheckpointMeta = serde_json::from_slice(
        &std::fs::read(&paths.meta).map_err(|e| err(&paths.meta, e.to_string()))?,
    )
    .map_err(|e| err(&paths.meta, e.to_string()))?;
    let bytes =
        std::fs::read(&paths.checkpoint).map_err(|e| err(&paths.checkpoint, e.to_string()))?;
    let model = RecognizerModel::from_bytes(&bytes, &paths.checkpoint)
        .map_err(|e| err(&paths.checkpoint, e.to_string()))?;
    if model.num_outputs() != nc {
        return Err(err(
            &paths.checkpoint,
            format!("has {} outputs, expected {nc}", model.num_outputs()),
        ));
    }
    let tensors = candle_core::safetensors::load_buffer(&bytes, &candle_core::Device::Cpu)
        .map_err(|e| err(&paths.checkpoint, e.to_string()))?;
    let (m, v) = read_adam_moments(&tensors, model_tensors(&model).len())
        .map_err(|e| err(&paths.checkpoint, e))?;
    let mut adam = Adam::new(meta.config.lr);
    adam.weight_decay = meta.config.weight_decay;
    adam.restore(meta.adam_steps, m, v);
    let best = read_model(&paths.best)?;
    Ok((model, adam, best, meta))
}
