//! Small synthetic sequence tasks for tests and the gradient lab.
//!
//! **Recall** ("output the symbol seen `lag` steps ago"), after Hochreiter &
//! Schmidhuber's long-time-lag experiments: a sequence of `lag + 1` one-hot
//! symbols. The first is an *answer symbol* (one of S); the `lag` that follow
//! are *distractors* drawn from D other symbols, independently of the answer.
//! At the last step the network must name the answer symbol it saw `lag`
//! steps earlier. A network that cannot carry information across `lag` steps
//! scores chance, 1/S. With truncated BPTT of k ≤ lag steps the loss's
//! gradient never reaches the step that holds the answer — the "vanishing
//! gradient" slide, made exact.

use rand::Rng;

/// The recall task: sequences of `lag + 1` steps, answer = the first symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecallTask {
    /// S, the answer symbols (also the number of classes)
    pub symbols: usize,
    /// D, the distractor symbols; the input size is S + D
    pub distractors: usize,
    /// how many steps back the answer lies
    pub lag: usize,
}

/// A batch of recall sequences.
#[derive(Debug, Clone, PartialEq)]
pub struct RecallBatch {
    /// B
    pub batch: usize,
    /// T = lag + 1
    pub steps: usize,
    /// (T, B, S + D) one-hot inputs, time-major
    pub x: Vec<f32>,
    /// (B) the answer symbol (0..S) of each sequence, seen at step 0
    pub targets: Vec<usize>,
}

impl RecallTask {
    /// T, the length of every sequence.
    pub fn steps(&self) -> usize {
        self.lag + 1
    }

    /// I = S + D, the one-hot input size.
    pub fn input_size(&self) -> usize {
        self.symbols + self.distractors
    }

    /// A batch of B fresh sequences.
    pub fn sample(&self, batch: usize, rng: &mut impl Rng) -> RecallBatch {
        let (ni, t) = (self.input_size(), self.steps());
        assert!(
            self.symbols >= 2,
            "recall: need at least two answer symbols"
        );
        assert!(
            self.distractors >= 1 || self.lag == 0,
            "recall: need distractors to fill the lag"
        );
        let mut x = vec![0.0; t * batch * ni];
        let targets: Vec<usize> = (0..batch)
            .map(|_| rng.random_range(0..self.symbols))
            .collect();
        for (b, &answer) in targets.iter().enumerate() {
            x[b * ni + answer] = 1.0;
            for step in 1..t {
                let d = self.symbols + rng.random_range(0..self.distractors);
                x[(step * batch + b) * ni + d] = 1.0;
            }
        }
        RecallBatch {
            batch,
            steps: t,
            x,
            targets,
        }
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
/// fresh sequences.
pub fn train_recall(task: &RecallTask, cfg: &RecallConfig) -> RecallReport {
    use super::lstm::Lstm;
    use super::optim::{Adam, clip_grad_norm};
    use rand::SeedableRng;

    let (s, nh, nb) = (task.symbols, cfg.hidden_size, cfg.batch);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut lstm = Lstm::<f32>::random(task.input_size(), nh, 1, false, cfg.seed);
    let layer = &mut lstm.layers[0].forward;
    layer.bias_ih[nh..2 * nh].fill(cfg.forget_bias);
    // Inputs start disconnected (W_ih = 0), so nothing about the answer is
    // stored by accident: random input weights would imprint each answer
    // symbol on C, and a truncated learner could learn to keep and read that
    // imprint without ever learning to store. Here the answer columns of
    // W_ih can only grow from a gradient that reaches step 0.
    layer.weight_ih.fill(0.0);
    let mut head = Head::new(s, nh, &mut rng);
    let mut grads = lstm.zeros_like();
    let mut head_grads = Head::zeros(s, nh);
    let mut adam = Adam::new(cfg.lr);
    let mut report = RecallReport {
        accuracy: 0.0,
        losses: Vec::with_capacity(cfg.updates),
        grad_norms: Vec::with_capacity(cfg.updates),
    };
    for _ in 0..cfg.updates {
        let data = task.sample(nb, &mut rng);
        let cache = lstm.forward(&data.x, nb, &vec![data.steps; nb]);
        let last = &cache.output()[(data.steps - 1) * nb * nh..];
        grads.fill_zero();
        head_grads.fill_zero();
        let (loss, _, d_last) = head.loss_and_grads(last, &data.targets, &mut head_grads);
        let mut dy = vec![0.0; data.steps * nb * nh];
        dy[(data.steps - 1) * nb * nh..].copy_from_slice(&d_last);
        lstm.backward(&cache, &dy, cfg.truncate, &mut grads);
        let mut all_grads = grads.tensors_mut();
        all_grads.extend([head_grads.w.as_mut_slice(), head_grads.b.as_mut_slice()]);
        let norm = clip_grad_norm(&mut all_grads, cfg.clip);
        let views: Vec<&[f32]> = all_grads.iter().map(|g| &**g).collect();
        let mut params = lstm.tensors_mut();
        params.extend([head.w.as_mut_slice(), head.b.as_mut_slice()]);
        adam.step(&mut params, &views);
        report.losses.push(loss);
        report.grad_norms.push(norm);
    }
    let test = task.sample(1000, &mut rng);
    let cache = lstm.forward(&test.x, 1000, &vec![test.steps; 1000]);
    let last = &cache.output()[(test.steps - 1) * 1000 * nh..];
    let (_, correct, _) = head.loss_and_grads(last, &test.targets, &mut Head::zeros(s, nh));
    report.accuracy = correct as f32 / 1000.0;
    report
}

/// The linear read-out: logits = W·h + b, W (S, H).
struct Head {
    w: Vec<f32>,
    b: Vec<f32>,
}

impl Head {
    fn new(classes: usize, nh: usize, rng: &mut impl Rng) -> Self {
        let bound = 1.0 / (nh as f32).sqrt();
        Self {
            w: (0..classes * nh)
                .map(|_| rng.random_range(-bound..bound))
                .collect(),
            b: vec![0.0; classes],
        }
    }

    fn zeros(classes: usize, nh: usize) -> Self {
        Self {
            w: vec![0.0; classes * nh],
            b: vec![0.0; classes],
        }
    }

    fn fill_zero(&mut self) {
        self.w.fill(0.0);
        self.b.fill(0.0);
    }

    /// Mean softmax cross-entropy of the rows of `h` (B, H) against
    /// `targets`; adds ∂L/∂(W, b) into `grads` and returns (loss, number
    /// correct, ∂L/∂h (B, H)).
    fn loss_and_grads(
        &self,
        h: &[f32],
        targets: &[usize],
        grads: &mut Head,
    ) -> (f32, usize, Vec<f32>) {
        let classes = self.b.len();
        let nh = self.w.len() / classes;
        let nb = targets.len();
        let mut dh = vec![0.0; nb * nh];
        let (mut loss, mut correct) = (0.0f32, 0);
        for (b, &target) in targets.iter().enumerate() {
            let hb = &h[b * nh..(b + 1) * nh];
            let logits: Vec<f32> = (0..classes)
                .map(|c| {
                    self.b[c]
                        + self.w[c * nh..(c + 1) * nh]
                            .iter()
                            .zip(hb)
                            .map(|(w, x)| w * x)
                            .sum::<f32>()
                })
                .collect();
            let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let exps: Vec<f32> = logits.iter().map(|&z| (z - max).exp()).collect();
            let total: f32 = exps.iter().sum();
            loss -= (exps[target] / total).ln() / nb as f32;
            let best = (0..classes)
                .max_by(|&a, &c| logits[a].total_cmp(&logits[c]))
                .unwrap_or(0);
            correct += usize::from(best == target);
            for (c, &e_c) in exps.iter().enumerate() {
                // ∂L/∂logit_c = (softmax_c − [c = target]) / B
                let d = (e_c / total - f32::from(u8::from(c == target))) / nb as f32;
                grads.b[c] += d;
                for k in 0..nh {
                    grads.w[c * nh + k] += d * hb[k];
                    dh[b * nh + k] += d * self.w[c * nh + k];
                }
            }
        }
        (loss, correct, dh)
    }
}
