//! The gradient lab: trains an Elman RNN, a Jordan RNN or an LSTM of the same
//! hidden size on a small task, a few updates at a time, and reports what
//! the lecture talks about — loss, accuracy, the gradient norm before and
//! after clipping, and how the gradient fades with distance.
//!
//! Terms:
//! - **update**: one minibatch: forward, loss, BPTT (full or truncated),
//!   optional global-norm clipping to τ, one SGD or Adam step.
//! - **epoch**: [`LabConfig::updates_per_epoch`] updates, then the accuracy
//!   on a fixed evaluation set and the gradient profile; one
//!   [`EpochReport`]. (The tasks are generated, so "epoch" is a reporting
//!   period, not a pass over a dataset.)
//! - **gradient profile** ‖∂J/∂h_{t-d}‖: J is the loss at the *last* step t
//!   of a window, h_{t-d} the hidden state d steps earlier; the value is
//!   the norm for one sequence, averaged over a fixed probe batch, for
//!   d = 0 … T−1. With truncation k it is exactly zero beyond the window
//!   (d > k). This is the vanishing/exploding-gradient picture.
//! - **k**: for the recall task, how far back the answer lies (sequences of
//!   k+1 steps); for the character model, the window length T.
//!
//! The app's Lab tab and `rnn-studio lab` both drive a [`LabSession`]; the
//! LSTM's long-range test trains through it too
//! ([`train_recall`]). Nothing here knows about egui.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::elman::{ElmanCache, ElmanParams, elman_backward, elman_forward};
use super::jordan::{JordanCache, JordanParams, jordan_backward, jordan_forward};
use super::lstm::{LstmCache, LstmParams, LstmState, lstm_backward, lstm_forward};
use super::matmul::{Mat, Threads, matmul};
use super::ops::sample_logits;
use super::optim::{Adam, clip_grad_norm, global_norm, sgd_step};
use super::tasks::{CharTask, Head, LECTURE_TEXT, RecallTask, softmax_cross_entropy};

/// Which network the lab trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b_h), linear read-out
    Elman,
    /// the context is the previous output's softmax ([`crate::nn::jordan`])
    Jordan,
    /// the gated memory ([`crate::nn::lstm`]), linear read-out
    Lstm,
}

impl ModelKind {
    /// Every model, in the order the app lists them.
    pub const ALL: [ModelKind; 3] = [ModelKind::Elman, ModelKind::Jordan, ModelKind::Lstm];

    /// The lowercase name the CLI takes.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Elman => "elman",
            ModelKind::Jordan => "jordan",
            ModelKind::Lstm => "lstm",
        }
    }
}

/// Which task the lab trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    /// "recall the symbol seen k steps ago" ([`RecallTask`])
    Recall,
    /// next-character prediction on a text ([`CharTask`])
    Charlm,
}

impl TaskKind {
    /// The lowercase name the CLI takes.
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Recall => "recall",
            TaskKind::Charlm => "charlm",
        }
    }
}

/// The update rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    /// θ ← θ − lr·g
    Sgd,
    /// Adam with bias correction ([`Adam`])
    Adam,
}

/// Everything that defines a lab run; the same config and seed give the same
/// numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct LabConfig {
    pub model: ModelKind,
    pub task: TaskKind,
    /// recall: the lag (sequences of k+1 steps); charlm: the window length
    pub k: usize,
    /// S, the recall task's answer symbols (chance is 1/S)
    pub symbols: usize,
    /// D, the recall task's distractor symbols (input size S + D)
    pub distractors: usize,
    /// H, the same for every model
    pub hidden: usize,
    /// sequences per update
    pub batch: usize,
    /// updates per [`EpochReport`]
    pub updates_per_epoch: usize,
    /// `Some(k)`: k-step truncated BPTT; `None`: full BPTT
    pub truncate: Option<usize>,
    /// `Some(τ)`: clip the global gradient norm to τ
    pub clip: Option<f32>,
    pub optimizer: Optimizer,
    /// step size
    pub lr: f32,
    /// seeds the weights, the data and the evaluation set
    pub seed: u64,
    /// charlm: the text to model; empty means [`LECTURE_TEXT`]
    pub text: String,
    /// LSTM only: the forget gate's initial bias. 5 opens the memory tube
    /// from the start (σ(5) ≈ 0.993, and 0.993⁴⁰ ≈ 0.76 of C survives 40
    /// steps); with 1 (σ ≈ 0.73, 0.73⁴⁰ ≈ 3·10⁻⁶) an LSTM-32 does not learn
    /// recall at k = 40 in a thousand updates.
    pub forget_bias: f32,
}

impl Default for LabConfig {
    /// The lab's defaults: an LSTM-32 on recall at k = 20, full BPTT,
    /// clipping at 1, Adam 0.01, 4 answer symbols and 4 distractors, batch 64, 10 updates per epoch,
    /// forget-gate bias 5.
    fn default() -> Self {
        Self {
            model: ModelKind::Lstm,
            task: TaskKind::Recall,
            k: 20,
            symbols: 4,
            distractors: 4,
            hidden: 32,
            batch: 64,
            updates_per_epoch: 10,
            truncate: None,
            clip: Some(1.0),
            optimizer: Optimizer::Adam,
            lr: 0.01,
            seed: 1,
            text: String::new(),
            forget_bias: 5.0,
        }
    }
}

/// Why a [`LabConfig`] cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    /// k, the hidden size, the batch, the updates per epoch or the
    /// truncation length is zero
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// the recall task needs two or more symbols
    #[error("recall needs at least 2 symbols, got {0}")]
    TooFewSymbols(usize),
    /// the learning rate is not a positive finite number
    #[error("learning rate must be positive and finite, got {0}")]
    BadLearningRate(f32),
    /// the clipping threshold is not a positive finite number
    #[error("clipping threshold must be positive and finite, got {0}")]
    BadClip(f32),
    /// the text has fewer than two distinct characters
    #[error("the text needs at least 2 different characters, got {0:?}")]
    TextTooPlain(String),
}

/// What one update did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateReport {
    /// mean cross-entropy over the loss-bearing steps of the batch
    pub loss: f32,
    /// fraction of those steps predicted right
    pub accuracy: f32,
    /// ‖g‖ of all parameters' gradients, before clipping
    pub grad_norm_before_clip: f32,
    /// ‖g‖ after clipping (equal to the above when clipping is off or idle)
    pub grad_norm_after_clip: f32,
}

/// What one epoch did: the lab's plots and the CLI's JSON lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpochReport {
    /// 1 for the first epoch
    pub epoch: usize,
    /// updates so far, all epochs
    pub updates: usize,
    /// mean training loss of this epoch's updates
    pub loss: f32,
    /// accuracy on the fixed evaluation set after this epoch, 0–1
    pub accuracy: f32,
    /// the accuracy of guessing, 1 / classes
    pub chance: f32,
    /// ‖g‖ before clipping, one per update of this epoch
    pub grad_norm_before_clip: Vec<f32>,
    /// ‖g‖ after clipping, one per update of this epoch
    pub grad_norm_after_clip: Vec<f32>,
    /// ‖∂J/∂h_{t-d}‖ for d = 0 … T−1 (see the module doc)
    pub dj_dh_by_distance: Vec<f32>,
}

/// A batch of a task: inputs, and the targets of the loss-bearing steps.
struct Data {
    /// B
    batch: usize,
    /// T
    steps: usize,
    /// (T, B, I) one-hot inputs
    x: Vec<f32>,
    /// the first loss-bearing step (recall: T−1; charlm: 0)
    loss_from: usize,
    /// (T − loss_from, B) target classes
    targets: Vec<usize>,
}

/// The task of a session.
enum Task {
    Recall(RecallTask),
    Char(CharTask),
}

impl Task {
    fn sample(&self, batch: usize, rng: &mut impl Rng) -> Data {
        match self {
            Task::Recall(t) => {
                let b = t.sample(batch, rng);
                Data {
                    batch,
                    steps: b.steps,
                    x: b.x,
                    loss_from: b.steps - 1,
                    targets: b.targets,
                }
            }
            Task::Char(t) => {
                let b = t.sample(batch, rng);
                Data {
                    batch,
                    steps: b.steps,
                    x: b.x,
                    loss_from: 0,
                    targets: b.targets,
                }
            }
        }
    }

    /// I: answer symbols + distractors, or the vocabulary size.
    fn inputs(&self) -> usize {
        match self {
            Task::Recall(t) => t.input_size(),
            Task::Char(t) => t.vocab_size(),
        }
    }

    /// The number of classes: answer symbols or the vocabulary size.
    fn classes(&self) -> usize {
        match self {
            Task::Recall(t) => t.symbols,
            Task::Char(t) => t.vocab_size(),
        }
    }
}

/// A network's parameters — or, with the same shape, its gradients.
#[derive(Debug, Clone, PartialEq)]
enum Net {
    Lstm { p: LstmParams<f32>, head: Head },
    Elman { p: ElmanParams<f32>, head: Head },
    Jordan { p: JordanParams<f32> },
}

/// What a forward pass keeps.
enum Cache {
    Lstm(LstmCache<f32>),
    Elman(ElmanCache<f32>),
    Jordan(JordanCache<f32>),
}

impl Net {
    /// A freshly initialised network reading `inputs` and predicting one of
    /// `classes`; `rng` is the session's data stream (the read-out is drawn
    /// from it, so the LSTM run matches [`train_recall`]'s
    /// original numbers).
    ///
    /// Every model's input weights start at zero, so nothing about an input
    /// is imprinted on the state by accident: a random W_ih would leave a
    /// trace of the answer symbol that a read-out trained with truncated
    /// BPTT could learn to decode without the network ever learning to
    /// store. Input weights grow only from gradients that reach them.
    fn new(cfg: &LabConfig, inputs: usize, classes: usize, rng: &mut ChaCha8Rng) -> Self {
        let (model, hidden, seed) = (cfg.model, cfg.hidden, cfg.seed);
        let mut init = ChaCha8Rng::seed_from_u64(seed);
        match model {
            ModelKind::Lstm => {
                let mut p = LstmParams::random(inputs, hidden, &mut init);
                // A positive forget-gate bias (Gers et al.) so C starts out remembering.
                p.bias_ih[hidden..2 * hidden].fill(cfg.forget_bias);
                p.weight_ih.fill(0.0);
                let head = Head::new(classes, hidden, rng);
                Net::Lstm { p, head }
            }
            ModelKind::Elman => {
                let mut p = ElmanParams::random(inputs, hidden, &mut init);
                p.weight_xh.fill(0.0);
                let head = Head::new(classes, hidden, rng);
                Net::Elman { p, head }
            }
            ModelKind::Jordan => {
                let mut p = JordanParams::random(inputs, hidden, classes, &mut init);
                p.weight_xh.fill(0.0);
                Net::Jordan { p }
            }
        }
    }

    /// All zeros, the same shape (the gradients).
    fn zeros_like(&self) -> Self {
        let mut z = self.clone();
        z.fill_zero();
        z
    }

    fn fill_zero(&mut self) {
        for t in self.tensors_mut() {
            t.fill(0.0);
        }
    }

    /// Every tensor, mutable, in a fixed order (recurrent layer, then
    /// read-out): the order clipping and the optimizer see.
    fn tensors_mut(&mut self) -> Vec<&mut [f32]> {
        match self {
            Net::Lstm { p, head } => p
                .tensors_mut()
                .into_iter()
                .map(Vec::as_mut_slice)
                .chain([head.w.as_mut_slice(), head.b.as_mut_slice()])
                .collect(),
            Net::Elman { p, head } => p
                .tensors_mut()
                .into_iter()
                .map(Vec::as_mut_slice)
                .chain([head.w.as_mut_slice(), head.b.as_mut_slice()])
                .collect(),
            Net::Jordan { p } => p.tensors_mut().into_iter().map(Vec::as_mut_slice).collect(),
        }
    }

    fn forward(&self, data: &Data) -> Cache {
        let (x, nb) = (&data.x, data.batch);
        match self {
            Net::Lstm { p, .. } => Cache::Lstm(lstm_forward(p, x, nb, &vec![data.steps; nb], None)),
            Net::Elman { p, .. } => Cache::Elman(elman_forward(p, x, nb, None)),
            Net::Jordan { p } => Cache::Jordan(jordan_forward(p, x, nb, None)),
        }
    }

    /// The logits of steps `from`…T−1, (N, C) with N = (T − from)·B, and
    /// the hidden rows the read-out saw (none for Jordan, whose output layer
    /// is part of the recurrence).
    fn readout(&self, cache: &Cache, from: usize) -> (Vec<f32>, Vec<f32>) {
        match (self, cache) {
            (Net::Lstm { head, .. }, Cache::Lstm(c)) => {
                let rows = c.output()[from * c.batch * c.hidden_size..].to_vec();
                (head.logits(&rows), rows)
            }
            (Net::Elman { head, .. }, Cache::Elman(c)) => {
                let rows = c.output()[from * c.batch * c.hidden_size..].to_vec();
                (head.logits(&rows), rows)
            }
            (Net::Jordan { .. }, Cache::Jordan(c)) => {
                (c.y[from * c.batch * c.output_size..].to_vec(), Vec::new())
            }
            _ => unreachable!("a cache always comes from its own network"),
        }
    }

    /// Backward from ∂L/∂logits of steps `from`…T−1 through the read-out
    /// and BPTT, adding into `grads`. Returns the gradient that reaches each
    /// h_t, (T, B, H).
    fn backward(
        &self,
        cache: &Cache,
        from: usize,
        rows: &[f32],
        dlogits: &[f32],
        truncate: Option<usize>,
        grads: &mut Net,
    ) -> Vec<f32> {
        match (self, cache, grads) {
            (Net::Lstm { p, head }, Cache::Lstm(c), Net::Lstm { p: gp, head: gh }) => {
                let bh = c.batch * c.hidden_size;
                let mut dy = vec![0.0; c.steps * bh];
                dy[from * bh..].copy_from_slice(&head.backward(rows, dlogits, gh));
                let ig = lstm_backward(p, c, &dy, None, truncate, gp);
                // What reaches h_t: its own loss, plus dz_{t+1}·W_hh.
                let (nb, nh) = (c.batch, c.hidden_size);
                let w_hh = Mat::new(&p.weight_hh, 4 * nh, nh);
                for t in 0..c.steps.saturating_sub(1) {
                    let dz = &ig.dz[(t + 1) * nb * 4 * nh..(t + 2) * nb * 4 * nh];
                    matmul(
                        &mut dy[t * bh..(t + 1) * bh],
                        Mat::new(dz, nb, 4 * nh),
                        w_hh,
                        true,
                        Threads::One,
                    );
                }
                dy
            }
            (Net::Elman { p, head }, Cache::Elman(c), Net::Elman { p: gp, head: gh }) => {
                let bh = c.batch * c.hidden_size;
                let mut dy = vec![0.0; c.steps * bh];
                dy[from * bh..].copy_from_slice(&head.backward(rows, dlogits, gh));
                elman_backward(p, c, &dy, truncate, gp).dh
            }
            (Net::Jordan { p }, Cache::Jordan(c), Net::Jordan { p: gp }) => {
                let bo = c.batch * c.output_size;
                let mut dy = vec![0.0; c.steps * bo];
                dy[from * bo..].copy_from_slice(dlogits);
                jordan_backward(p, c, &dy, truncate, gp).dh
            }
            _ => unreachable!("network, cache and gradients always match"),
        }
    }

    /// The logits for one step of sampling: advances `state` by x (I).
    fn sample_step(&self, x: &[f32], state: &mut SampleState) -> Vec<f32> {
        match (self, state) {
            (Net::Lstm { p, head }, SampleState::Lstm(s)) => {
                p.step(x, s, false);
                head.logits(&s.h)
            }
            (Net::Elman { p, head }, SampleState::Hidden(h)) => {
                p.step(x, h);
                head.logits(h)
            }
            (Net::Jordan { p }, SampleState::Hidden(ctx)) => p.step(x, ctx).1,
            _ => unreachable!("the sampling state matches the network"),
        }
    }

    fn zero_state(&self) -> SampleState {
        match self {
            Net::Lstm { p, .. } => SampleState::Lstm(LstmState::zeros(p.hidden_size)),
            Net::Elman { p, .. } => SampleState::Hidden(vec![0.0; p.hidden_size]),
            Net::Jordan { p } => SampleState::Hidden(vec![0.0; p.output_size]),
        }
    }
}

/// The recurrent state while sampling one character at a time.
enum SampleState {
    Lstm(LstmState<f32>),
    /// Elman: h (H); Jordan: the context p (O)
    Hidden(Vec<f32>),
}

/// A training session: the network, its optimizer state, the data stream
/// and the fixed evaluation and probe sets. [`LabSession::epoch`] runs one
/// reporting period.
pub struct LabSession {
    cfg: LabConfig,
    task: Task,
    net: Net,
    grads: Net,
    adam: Adam,
    /// the training data stream
    rng: ChaCha8Rng,
    /// the fixed evaluation set (accuracy each epoch)
    eval: Data,
    /// the fixed probe batch (the gradient profile each epoch)
    probe: Data,
    epoch: usize,
    updates: usize,
}

/// Sequences in the fixed evaluation set.
const EVAL_SEQUENCES: usize = 256;
/// Sequences in the probe batch for the gradient profile.
const PROBE_SEQUENCES: usize = 32;

impl LabSession {
    /// A session ready to train, or why `cfg` cannot run.
    pub fn new(cfg: &LabConfig) -> Result<Self, LabError> {
        let cfg = cfg.clone();
        for (value, what) in [
            (cfg.k, "k"),
            (cfg.hidden, "the hidden size"),
            (cfg.batch, "the batch size"),
            (cfg.updates_per_epoch, "updates per epoch"),
            (cfg.distractors, "the number of distractors"),
            (cfg.truncate.unwrap_or(1), "the truncation length"),
        ] {
            if value == 0 {
                return Err(LabError::Zero(what));
            }
        }
        if !(cfg.lr.is_finite() && cfg.lr > 0.0) {
            return Err(LabError::BadLearningRate(cfg.lr));
        }
        if let Some(tau) = cfg.clip.filter(|t| !(t.is_finite() && *t > 0.0)) {
            return Err(LabError::BadClip(tau));
        }
        let task = match cfg.task {
            TaskKind::Recall if cfg.symbols < 2 => {
                return Err(LabError::TooFewSymbols(cfg.symbols));
            }
            TaskKind::Recall => Task::Recall(RecallTask {
                symbols: cfg.symbols,
                distractors: cfg.distractors,
                lag: cfg.k,
            }),
            TaskKind::Charlm => {
                let text = if cfg.text.is_empty() {
                    LECTURE_TEXT
                } else {
                    &cfg.text
                };
                Task::Char(
                    CharTask::new(text, cfg.k)
                        .ok_or_else(|| LabError::TextTooPlain(text.chars().take(40).collect()))?,
                )
            }
        };
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
        let net = Net::new(&cfg, task.inputs(), task.classes(), &mut rng);
        let grads = net.zeros_like();
        // The evaluation and probe sets come from their own stream, so the
        // training stream is the same whatever is measured.
        let mut fixed = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x6c61_625f_6576_616c);
        let eval = task.sample(EVAL_SEQUENCES, &mut fixed);
        let probe = task.sample(PROBE_SEQUENCES, &mut fixed);
        Ok(Self {
            adam: Adam::new(cfg.lr),
            cfg,
            task,
            net,
            grads,
            rng,
            eval,
            probe,
            epoch: 0,
            updates: 0,
        })
    }

    /// The configuration this session runs.
    pub fn config(&self) -> &LabConfig {
        &self.cfg
    }

    /// Epochs run so far.
    pub fn epochs(&self) -> usize {
        self.epoch
    }

    /// The accuracy of guessing, 1 / classes.
    pub fn chance(&self) -> f32 {
        1.0 / self.task.classes() as f32
    }

    /// One update on a fresh batch.
    pub fn update(&mut self) -> UpdateReport {
        let data = self.task.sample(self.cfg.batch, &mut self.rng);
        self.grads.fill_zero();
        let cache = self.net.forward(&data);
        let (logits, rows) = self.net.readout(&cache, data.loss_from);
        let (loss, correct, dlogits) = softmax_cross_entropy(&logits, &data.targets);
        self.net.backward(
            &cache,
            data.loss_from,
            &rows,
            &dlogits,
            self.cfg.truncate,
            &mut self.grads,
        );
        let mut grads = self.grads.tensors_mut();
        let before = match self.cfg.clip {
            Some(tau) => clip_grad_norm(&mut grads, tau),
            None => global_norm(&grads.iter().map(|g| &**g).collect::<Vec<_>>()),
        };
        let views: Vec<&[f32]> = grads.iter().map(|g| &**g).collect();
        let after = global_norm(&views);
        let mut params = self.net.tensors_mut();
        match self.cfg.optimizer {
            Optimizer::Adam => self.adam.step(&mut params, &views),
            Optimizer::Sgd => sgd_step(&mut params, &views, self.cfg.lr),
        }
        self.updates += 1;
        UpdateReport {
            loss,
            accuracy: correct as f32 / data.targets.len() as f32,
            grad_norm_before_clip: before,
            grad_norm_after_clip: after,
        }
    }

    /// One epoch: [`LabConfig::updates_per_epoch`] updates, then the
    /// accuracy on the evaluation set and the gradient profile.
    pub fn epoch(&mut self) -> EpochReport {
        let n = self.cfg.updates_per_epoch;
        let (mut before, mut after, mut loss) = (Vec::with_capacity(n), Vec::with_capacity(n), 0.0);
        for _ in 0..n {
            let u = self.update();
            loss += u.loss / n as f32;
            before.push(u.grad_norm_before_clip);
            after.push(u.grad_norm_after_clip);
        }
        self.epoch += 1;
        EpochReport {
            epoch: self.epoch,
            updates: self.updates,
            loss,
            accuracy: self.accuracy(&self.eval),
            chance: self.chance(),
            grad_norm_before_clip: before,
            grad_norm_after_clip: after,
            dj_dh_by_distance: self.gradient_profile(),
        }
    }

    /// The accuracy on `n` fresh sequences from the training stream.
    pub fn accuracy_on_fresh(&mut self, n: usize) -> f32 {
        let data = self.task.sample(n, &mut self.rng);
        self.accuracy(&data)
    }

    /// The fraction of loss-bearing steps of `data` predicted right.
    fn accuracy(&self, data: &Data) -> f32 {
        let cache = self.net.forward(data);
        let (logits, _) = self.net.readout(&cache, data.loss_from);
        let (_, correct, _) = softmax_cross_entropy(&logits, &data.targets);
        correct as f32 / data.targets.len() as f32
    }

    /// ‖∂J/∂h_{t-d}‖ for d = 0 … T−1 on the probe batch, J the loss at the
    /// last step, with the session's truncation; one sequence's norm,
    /// averaged over the batch.
    pub fn gradient_profile(&self) -> Vec<f32> {
        let data = &self.probe;
        let (nb, nt) = (data.batch, data.steps);
        let cache = self.net.forward(data);
        let (logits, rows) = self.net.readout(&cache, nt - 1);
        let last = &data.targets[data.targets.len() - nb..];
        // ∂ℓ_b/∂logits for each sequence's own loss (not divided by B).
        let (_, _, mut dlogits) = softmax_cross_entropy(&logits, last);
        dlogits.iter_mut().for_each(|d| *d *= nb as f32);
        let mut scratch = self.net.zeros_like();
        let dh = self.net.backward(
            &cache,
            nt - 1,
            &rows,
            &dlogits,
            self.cfg.truncate,
            &mut scratch,
        );
        let nh = dh.len() / (nt * nb);
        (0..nt)
            .map(|d| {
                let t = nt - 1 - d;
                dh[t * nb * nh..(t + 1) * nb * nh]
                    .chunks_exact(nh)
                    .map(|row| row.iter().map(|v| v * v).sum::<f32>().sqrt())
                    .sum::<f32>()
                    / nb as f32
            })
            .collect()
    }

    /// Text sampled from the character model, one character at a time at
    /// `temperature` (0 = always the most likely), starting from the text's
    /// first character (included), `len` characters in all. `None` for the
    /// recall task.
    pub fn sample(&self, temperature: f32, len: usize, seed: u64) -> Option<String> {
        let Task::Char(task) = &self.task else {
            return None;
        };
        let v = task.vocab_size();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut state = self.net.zero_state();
        let mut id = task.ids[0];
        let mut out = String::with_capacity(len);
        for _ in 0..len {
            out.push(task.vocab[id]);
            let mut x = vec![0.0; v];
            x[id] = 1.0;
            let logits = self.net.sample_step(&x, &mut state);
            id = sample_logits(&logits, temperature, &mut rng);
        }
        Some(out)
    }
}

/// How to train a recall model: an LSTM with a linear read-out on its last
/// output, softmax cross-entropy, global-norm clipping and Adam.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecallConfig {
    /// H
    pub hidden_size: usize,
    /// sequences per update
    pub batch: usize,
    /// number of updates
    pub updates: usize,
    /// Adam step size
    pub lr: f32,
    /// clip the global gradient norm to this
    pub clip: f32,
    /// initial forget-gate bias; a large one (σ(3) ≈ 0.95) makes C start out
    /// remembering, so the gradient survives the lag (Gers et al.)
    pub forget_bias: f32,
    /// `Some(k)`: k-step truncated BPTT (see [`crate::nn::lstm::lstm_backward`])
    pub truncate: Option<usize>,
    /// seeds the weights and the data
    pub seed: u64,
}

/// What training a recall model reports.
#[derive(Debug, Clone, PartialEq)]
pub struct RecallReport {
    /// accuracy on fresh sequences after training, 0–1
    pub accuracy: f32,
    /// the mean cross-entropy of each update
    pub losses: Vec<f32>,
    /// the global gradient norm (before clipping) of each update
    pub grad_norms: Vec<f32>,
}

/// Trains a one-layer LSTM on `task` and measures its accuracy on 1000
/// fresh sequences, through a [`LabSession`]; kept for the LSTM's
/// long-range test.
pub fn train_recall(task: &RecallTask, cfg: &RecallConfig) -> RecallReport {
    let lab = LabConfig {
        model: ModelKind::Lstm,
        task: TaskKind::Recall,
        k: task.lag,
        symbols: task.symbols,
        distractors: task.distractors,
        forget_bias: cfg.forget_bias,
        hidden: cfg.hidden_size,
        batch: cfg.batch,
        truncate: cfg.truncate,
        clip: Some(cfg.clip),
        optimizer: Optimizer::Adam,
        lr: cfg.lr,
        seed: cfg.seed,
        ..LabConfig::default()
    };
    let mut session = LabSession::new(&lab).expect("a recall configuration is always valid");
    let mut report = RecallReport {
        accuracy: 0.0,
        losses: Vec::with_capacity(cfg.updates),
        grad_norms: Vec::with_capacity(cfg.updates),
    };
    for _ in 0..cfg.updates {
        let u = session.update();
        report.losses.push(u.loss);
        report.grad_norms.push(u.grad_norm_before_clip);
    }
    report.accuracy = session.accuracy_on_fresh(1000);
    report
}
