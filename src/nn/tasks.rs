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
//!
//! **Character language model**: windows of T characters cut from a text
//! (read as a ring, so any text of two or more characters works); at every
//! step the network must predict the next character. The vocabulary is the
//! text's distinct characters, one-hot encoded. [`LECTURE_TEXT`] is the
//! default: the lecture's four-letter alphabet {C, E, F, T}, arranged so the
//! character after "EF" depends on the one three steps back (CEF→T, TEF→C).

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

/// The default text of the character-level language model: the lecture's
/// alphabet {C, E, F, T}. After "CEF" comes T, after "TEF" comes C, so a
/// model that only looks one or two characters back gets stuck at "EF".
pub const LECTURE_TEXT: &str = "CEFTTEFC";

/// The character-level language-model task: windows of `steps` characters
/// from a text (read as a ring), each step's target the next character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharTask {
    /// the distinct characters of the text, sorted: id → character (V)
    pub vocab: Vec<char>,
    /// the text as vocabulary ids
    pub ids: Vec<usize>,
    /// T, the window length (steps unrolled)
    pub steps: usize,
}

/// A batch of character windows.
#[derive(Debug, Clone, PartialEq)]
pub struct CharBatch {
    /// B
    pub batch: usize,
    /// T
    pub steps: usize,
    /// (T, B, V) one-hot inputs, time-major
    pub x: Vec<f32>,
    /// (T, B) the next character's id at every step
    pub targets: Vec<usize>,
}

impl CharTask {
    /// The task on `text` with windows of `steps` characters. Returns `None`
    /// when the text has fewer than two distinct characters (nothing to
    /// predict) or `steps` is zero.
    pub fn new(text: &str, steps: usize) -> Option<Self> {
        let mut vocab: Vec<char> = text.chars().collect();
        vocab.sort_unstable();
        vocab.dedup();
        if vocab.len() < 2 || steps == 0 {
            return None;
        }
        let ids = text
            .chars()
            .map(|c| {
                vocab
                    .binary_search(&c)
                    .expect("every character is in the vocabulary")
            })
            .collect();
        Some(Self { vocab, ids, steps })
    }

    /// V, the vocabulary size (also the input size and the number of classes).
    pub fn vocab_size(&self) -> usize {
        self.vocab.len()
    }

    /// The id of character `c`, if the text has it.
    pub fn id(&self, c: char) -> Option<usize> {
        self.vocab.binary_search(&c).ok()
    }

    /// A batch of B windows starting at random places in the text.
    pub fn sample(&self, batch: usize, rng: &mut impl Rng) -> CharBatch {
        let (v, t, n) = (self.vocab_size(), self.steps, self.ids.len());
        let starts: Vec<usize> = (0..batch).map(|_| rng.random_range(0..n)).collect();
        let mut x = vec![0.0; t * batch * v];
        let mut targets = vec![0; t * batch];
        for s in 0..t {
            for (b, &start) in starts.iter().enumerate() {
                let row = s * batch + b;
                x[row * v + self.ids[(start + s) % n]] = 1.0;
                targets[row] = self.ids[(start + s + 1) % n];
            }
        }
        CharBatch {
            batch,
            steps: t,
            x,
            targets,
        }
    }
}

/// Mean softmax cross-entropy of the rows of `logits` (N, C) against
/// `targets` (N). Returns (loss, number of rows whose arg-max is the target,
/// ∂L/∂logits (N, C)).
pub fn softmax_cross_entropy(logits: &[f32], targets: &[usize]) -> (f32, usize, Vec<f32>) {
    let n = targets.len();
    assert!(n > 0, "cross-entropy of no rows");
    let classes = logits.len() / n;
    assert_eq!(
        logits.len(),
        n * classes,
        "cross-entropy: logits are not (N, C)"
    );
    let mut dlogits = vec![0.0; n * classes];
    let (mut loss, mut correct) = (0.0f32, 0);
    for ((row, d_row), &target) in logits
        .chunks_exact(classes)
        .zip(dlogits.chunks_exact_mut(classes))
        .zip(targets)
    {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f32> = row.iter().map(|&z| (z - max).exp()).collect();
        let total: f32 = exps.iter().sum();
        loss -= (exps[target] / total).ln() / n as f32;
        let best = (0..classes)
            .max_by(|&a, &c| row[a].total_cmp(&row[c]))
            .unwrap_or(0);
        correct += usize::from(best == target);
        for (c, (&e_c, d)) in exps.iter().zip(d_row.iter_mut()).enumerate() {
            // ∂L/∂logit_c = (softmax_c − [c = target]) / N
            *d = (e_c / total - f32::from(u8::from(c == target))) / n as f32;
        }
    }
    (loss, correct, dlogits)
}

/// The linear read-out on a hidden state: logits = W·h + b, W (C, H), b (C).
/// Its gradients are a `Head` of the same shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// W, (C, H)
    pub w: Vec<f32>,
    /// b, (C)
    pub b: Vec<f32>,
}

impl Head {
    /// W uniform in ±1/√H (PyTorch's `nn.Linear`), b = 0, seeded.
    pub fn new(classes: usize, nh: usize, rng: &mut impl Rng) -> Self {
        let bound = 1.0 / (nh as f32).sqrt();
        Self {
            w: (0..classes * nh)
                .map(|_| rng.random_range(-bound..bound))
                .collect(),
            b: vec![0.0; classes],
        }
    }

    /// All zeros (the shape of its gradients).
    pub fn zeros(classes: usize, nh: usize) -> Self {
        Self {
            w: vec![0.0; classes * nh],
            b: vec![0.0; classes],
        }
    }

    /// Sets every value to zero.
    pub fn fill_zero(&mut self) {
        self.w.fill(0.0);
        self.b.fill(0.0);
    }

    /// C, the number of classes.
    pub fn classes(&self) -> usize {
        self.b.len()
    }

    /// The logits of every row of `h` (N, H), (N, C).
    pub fn logits(&self, h: &[f32]) -> Vec<f32> {
        let classes = self.classes();
        let nh = self.w.len() / classes;
        h.chunks_exact(nh)
            .flat_map(|hb| {
                (0..classes).map(move |c| {
                    self.b[c]
                        + self.w[c * nh..(c + 1) * nh]
                            .iter()
                            .zip(hb)
                            .map(|(w, x)| w * x)
                            .sum::<f32>()
                })
            })
            .collect()
    }

    /// Backward of [`Head::logits`]: adds ∂L/∂(W, b) into `grads` and
    /// returns ∂L/∂h (N, H), given `h` (N, H) and ∂L/∂logits (N, C).
    pub fn backward(&self, h: &[f32], dlogits: &[f32], grads: &mut Head) -> Vec<f32> {
        let classes = self.classes();
        let nh = self.w.len() / classes;
        let mut dh = vec![0.0; h.len()];
        for ((hb, d_row), dh_b) in h
            .chunks_exact(nh)
            .zip(dlogits.chunks_exact(classes))
            .zip(dh.chunks_exact_mut(nh))
        {
            for (c, &d) in d_row.iter().enumerate() {
                grads.b[c] += d;
                for k in 0..nh {
                    grads.w[c * nh + k] += d * hb[k];
                    dh_b[k] += d * self.w[c * nh + k];
                }
            }
        }
        dh
    }
}
