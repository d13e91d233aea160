//! The recognizer's network, its training forward, loss and backward side by
//! side (llm.c's order: each backward reads against its forward above it).
//! The live, one-point-at-a-time path is [`Session`](super::Session); it
//! steps the same weights and must equal [`forward`] on the same rows.
//!
//! Shapes legend: **T** steps, **B** batch, **I** feature row
//! ([`features::INPUT_SIZE`]), **H** hidden size, **N** the head's input (H,
//! or 2H with the running max), **C** outputs. Batches are time-major:
//! element b's row at step t is at `(t·B + b)·I`.
//!
//! ```text
//! forward:  x (T,B,I) → LSTM layers, dropout → top (T,B,N) → z = top·W_headᵀ + b (T·B,C)
//! loss:     z, targets → loss, ∂loss/∂z (T·B,C)
//! backward: ∂z → ∂W_head, ∂b_head, ∂top → running max → BPTT per layer, top to bottom
//! ```
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
//! **Dropout** (inverted) on every layer's output, also the top one.

use crate::nn::lstm::{LayerCache, Lstm, layer_backward, layer_forward};
use crate::nn::matmul::{Mat, Threads, matmul};
use crate::nn::ops::softmax_in_place;
use crate::sketch::drawing::Drawing;
use crate::sketch::features::{self, INPUT_SIZE};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// λ, the weight of the per-step (prefix) part of the loss.
pub const PREFIX_LOSS: f32 = 0.5;

/// The weights: an LSTM stack and a linear head on its top h.
///
/// The head reads either h_t alone (`head_w` is (C, H)) or [h_t, m_t]
/// (`head_w` is (C, 2H)), where m_t = max_{s ≤ t} h_s, unit by unit, is the
/// **running max** of the top layer's output over the points so far: it
/// keeps the strongest evidence of every unit from anywhere in the drawing,
/// where h_t holds what the LSTM still remembers. It is updated point by
/// point, so the model still streams.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognizerModel {
    /// unidirectional, I → H, L layers
    pub lstm: Lstm,
    /// (C, H), or (C, 2H) with the running max
    pub head_w: Vec<f32>,
    /// (C)
    pub head_b: Vec<f32>,
}

impl RecognizerModel {
    /// A freshly initialised model (PyTorch's uniform ±1/√H everywhere, forget
    /// bias 1 so C starts out remembering), seeded.
    pub fn random(
        hidden: usize,
        layers: usize,
        outputs: usize,
        running_max: bool,
        seed: u64,
    ) -> Self {
        use rand::{Rng, SeedableRng};
        let mut lstm = Lstm::random(INPUT_SIZE, hidden, layers, false, seed);
        for p in lstm.params_mut() {
            p.bias_ih[hidden..2 * hidden].fill(1.0);
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x4ead);
        let inputs = if running_max { 2 * hidden } else { hidden };
        let bound = 1.0 / (inputs as f32).sqrt();
        Self {
            lstm,
            head_w: (0..outputs * inputs)
                .map(|_| rng.random_range(-bound..bound))
                .collect(),
            head_b: vec![0.0; outputs],
        }
    }

    /// C
    pub fn num_outputs(&self) -> usize {
        self.head_b.len()
    }

    /// Number of parameters.
    pub fn num_params(&self) -> usize {
        self.lstm.tensors().iter().map(|t| t.len()).sum::<usize>()
            + self.head_w.len()
            + self.head_b.len()
    }

    /// Whether the head also reads the running max m_t.
    pub fn running_max(&self) -> bool {
        self.head_w.len() == 2 * self.num_outputs() * self.lstm.hidden_size
    }

    /// The head's input size: H, or 2H with the running max.
    pub fn head_inputs(&self) -> usize {
        self.head_w.len() / self.num_outputs().max(1)
    }

    /// z = W_head·[h, m] + b_head for one step (h and m are (H); `m` is
    /// ignored without the running max), into `z` (C).
    pub fn head(&self, h: &[f32], m: &[f32], z: &mut [f32]) {
        let ni = self.head_inputs();
        let u: std::borrow::Cow<[f32]> = if ni > h.len() {
            [h, m].concat().into()
        } else {
            h.into()
        };
        // One row: the matmul's few-row path, a vectorised dot product per
        // output (with ~150 outputs the head costs as much as a layer).
        z.copy_from_slice(&self.head_b);
        matmul(
            z,
            Mat::new(&u, 1, ni),
            Mat::new(&self.head_w, self.num_outputs(), ni).t(),
            true,
            Threads::One,
        );
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

    pub(crate) fn add(&mut self, other: &Grads) {
        for (a, b) in self.tensors_mut().into_iter().zip(other.tensors()) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }

    fn tensors(&self) -> Vec<&[f32]> {
        let mut v = self.lstm.tensors();
        v.extend([self.head_w.as_slice(), self.head_b.as_slice()]);
        v
    }

    pub(crate) fn tensors_mut(&mut self) -> Vec<&mut [f32]> {
        let mut v = self.lstm.tensors_mut();
        v.extend([self.head_w.as_mut_slice(), self.head_b.as_mut_slice()]);
        v
    }
}

/// Every parameter tensor of a model, in the order of [`Grads::tensors`].
pub(crate) fn model_tensors_mut(m: &mut RecognizerModel) -> Vec<&mut [f32]> {
    let mut v = m.lstm.tensors_mut();
    v.extend([m.head_w.as_mut_slice(), m.head_b.as_mut_slice()]);
    v
}

/// The same tensors, read-only.
pub(crate) fn model_tensors(m: &RecognizerModel) -> Vec<&[f32]> {
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
/// then the head on every step. `batch.x` is (T, B, I); the cache's logits
/// are (T·B, C), and those of padded steps are garbage.
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
/// elements whose last step is right, and ∂loss/∂logits (T·B, C). `logits`
/// is (T·B, C), as [`forward`] leaves them; padded steps get no gradient.
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

/// Backward from ∂loss/∂logits `dz` (T·B, C), through the cache of the
/// [`forward`] of the same batch: the head, the running max, then BPTT
/// layer by layer, top to bottom. Adds (`+=`) every parameter's gradient
/// into `grads`.
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

/// The logits at each element's last valid step, (B, C), picked from a
/// forward's (T·B, C) logits.
pub fn last_step_logits(batch: &Batch, logits: &[f32], nc: usize) -> Vec<Vec<f32>> {
    let nb = batch.size();
    (0..nb)
        .map(|b| {
            let at = ((batch.lengths[b] - 1) * nb + b) * nc;
            logits[at..at + nc].to_vec()
        })
        .collect()
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
        last_step_logits(&batch, &cache.logits, nc)
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
