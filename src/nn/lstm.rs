//! The one LSTM every model in rnn-studio runs on, written like the lecture.
//!
//! With `[h, x]` the concatenation of the previous hidden state and the input:
//!
//! ```text
//! f_t = σ(W_f·[h_{t-1}, x_t] + b_f)        forget gate
//! i_t = σ(W_i·[h_{t-1}, x_t] + b_i)        input ("memory") gate
//! C̃_t = tanh(W_C·[h_{t-1}, x_t] + b_C)     candidate memory
//! C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t          the memory tube
//! o_t = σ(W_o·[h_{t-1}, x_t] + b_o)        output gate
//! h_t = o_t ⊙ tanh(C_t)
//! ```
//!
//! Shapes legend, used in every comment below: **B** batch, **T** time
//! steps, **I** input size, **H** hidden size, **4H** the four gates stacked
//! in PyTorch's order **i, f, g(=C̃), o**, **D** directions (1, or 2 when
//! bidirectional). Sequences are stored *time-major*, (T, B, ·), so the rows
//! of one time step are contiguous and one matrix multiply serves the batch.
//!
//! Weights are stored the PyTorch way so checkpoints move between ecosystems:
//! `weight_ih` (4H×I), `weight_hh` (4H×H), `bias_ih` and `bias_hh` (4H). Weights
//! from elsewhere (e.g. TensorFlow's i, j, f, o with a +1 forget bias) are
//! converted into this layout once, at load (see [`crate::nn::safetensors`]).
//!
//! What is here, from small to large:
//! - [`LstmParams::step`]: one step for a batch of one (the streaming API the
//!   live recognizer and the caption decoder call), and
//!   [`LstmParams::step_reference`], the plain loop kept as the oracle;
//! - [`lstm_forward`] / [`lstm_backward`]: one direction of one layer over a
//!   whole padded batch. Forward keeps an [`LstmCache`]; backward (BPTT, full
//!   or truncated) consumes it and *adds* into [`LstmGrads`];
//! - [`layer_forward`] / [`layer_backward`]: one layer, both directions on two
//!   threads;
//! - [`Lstm`]: a stack of layers, with [`Lstm::forward`], [`Lstm::backward`]
//!   and the streaming [`Lstm::step`].
//!
//! Padding: every batch element `b` has a length `lengths[b] ≤ T`. Steps at or
//! after the length are *padded*: they leave h and C unchanged, output zeros,
//! and receive and pass on no gradient. The reverse direction reads each
//! sequence backwards *within its own length*.
//!
//! All numeric code is generic over [`Float`] (f32 for use, f64 for the
//! finite-difference checks), so the tests exercise the very code models run.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::fastmath::{SimdKernel, with_widest_simd};
use super::matmul::{Mat, Threads, matmul};
use super::ops::{Float, add_to, dot};

/// Parameters of one LSTM layer in one direction, PyTorch layout, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmParams<F: Float = f32> {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// (4H, I), gate rows i, f, g, o
    pub weight_ih: Vec<F>,
    /// (4H, H), gate rows i, f, g, o
    pub weight_hh: Vec<F>,
    /// (4H)
    pub bias_ih: Vec<F>,
    /// (4H)
    pub bias_hh: Vec<F>,
}

/// Gradients of one layer-direction: exactly [`LstmParams`]' fields, one
/// gradient per parameter. Backward *adds* into them; zero them with
/// [`LstmParams::fill_zero`].
pub type LstmGrads<F = f32> = LstmParams<F>;

/// The recurrent state (h, C) of one layer for a batch of one.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmState<F: Float = f32> {
    /// h_t, (H)
    pub h: Vec<F>,
    /// C_t, (H)
    pub c: Vec<F>,
}

impl<F: Float> LstmState<F> {
    /// The zero state h = C = 0 every sequence starts from.
    pub fn zeros(hidden_size: usize) -> Self {
        Self {
            h: vec![F::ZERO; hidden_size],
            c: vec![F::ZERO; hidden_size],
        }
    }
}

/// The gate values of one step, for the inspector and for tests: each (H).
#[derive(Debug, Clone, PartialEq)]
pub struct GateTap<F: Float = f32> {
    /// f_t, the forget gate
    pub f: Vec<F>,
    /// i_t, the input gate
    pub i: Vec<F>,
    /// o_t, the output gate
    pub o: Vec<F>,
    /// C_t, the cell (memory) after the step
    pub c: Vec<F>,
}

impl<F: Float> LstmParams<F> {
    /// All-zero parameters of the given size.
    pub fn zeros(input_size: usize, hidden_size: usize) -> Self {
        let g = 4 * hidden_size;
        Self {
            input_size,
            hidden_size,
            weight_ih: vec![F::ZERO; g * input_size],
            weight_hh: vec![F::ZERO; g * hidden_size],
            bias_ih: vec![F::ZERO; g],
            bias_hh: vec![F::ZERO; g],
        }
    }

    /// PyTorch's initialisation, every value uniform in ±1/√H, seeded.
    pub fn random(input_size: usize, hidden_size: usize, rng: &mut impl Rng) -> Self {
        let bound = 1.0 / (hidden_size as f64).sqrt();
        let mut p = Self::zeros(input_size, hidden_size);
        for t in p.tensors_mut() {
            for v in t.iter_mut() {
                *v = F::from_f64(rng.random_range(-bound..bound));
            }
        }
        p
    }

    /// Sets every value to zero (gradients start here).
    pub fn fill_zero(&mut self) {
        for t in self.tensors_mut() {
            t.fill(F::ZERO);
        }
    }

    /// The four tensors in a fixed order: weight_ih, weight_hh, bias_ih, bias_hh.
    pub fn tensors(&self) -> [&[F]; 4] {
        [
            &self.weight_ih,
            &self.weight_hh,
            &self.bias_ih,
            &self.bias_hh,
        ]
    }

    /// The four tensors, mutable, in the order of [`LstmParams::tensors`].
    pub fn tensors_mut(&mut self) -> [&mut Vec<F>; 4] {
        [
            &mut self.weight_ih,
            &mut self.weight_hh,
            &mut self.bias_ih,
            &mut self.bias_hh,
        ]
    }

    /// The same parameters in another float type (f32 ↔ f64 for checks).
    pub fn cast<G: Float>(&self) -> LstmParams<G> {
        let cast = |v: &[F]| v.iter().map(|x| G::from_f64(x.to_f64())).collect();
        LstmParams {
            input_size: self.input_size,
            hidden_size: self.hidden_size,
            weight_ih: cast(&self.weight_ih),
            weight_hh: cast(&self.weight_hh),
            bias_ih: cast(&self.bias_ih),
            bias_hh: cast(&self.bias_hh),
        }
    }

    /// Number of scalar parameters, 4H·(I + H + 2).
    pub fn num_params(&self) -> usize {
        self.tensors().iter().map(|t| t.len()).sum()
    }

    /// One step for a batch of one: reads x_t (I), updates `state` from
    /// (h_{t-1}, C_{t-1}) to (h_t, C_t) and returns the gates if `tap` is set.
    ///
    /// The fast path (a vectorised mat-vec and the same fused cell update the
    /// sequence forward uses); it allocates one (4H) scratch per call — use
    /// [`LstmParams::step_with_scratch`] in a hot loop.
    pub fn step(&self, x: &[F], state: &mut LstmState<F>, tap: bool) -> Option<GateTap<F>> {
        let mut scratch = Vec::new();
        self.step_with_scratch(x, state, &mut scratch, tap)
    }

    /// [`LstmParams::step`] with a caller-owned scratch buffer, so a stream
    /// of steps allocates nothing (unless `tap` is set).
    pub fn step_with_scratch(
        &self,
        x: &[F],
        state: &mut LstmState<F>,
        scratch: &mut Vec<F>,
        tap: bool,
    ) -> Option<GateTap<F>> {
        let (ni, nh) = (self.input_size, self.hidden_size);
        assert_eq!(
            x.len(),
            ni,
            "lstm step: input has {} values, expected {ni}",
            x.len()
        );
        assert_eq!(
            state.h.len(),
            nh,
            "lstm step: state has {} values, expected {nh}",
            state.h.len()
        );
        // z = W_ih·x + W_hh·h + b_ih + b_hh, the pre-activations of all four gates.
        scratch.resize(6 * nh, F::ZERO);
        let (z, rest) = scratch.split_at_mut(4 * nh);
        let (tanh_c, c_prev) = rest.split_at_mut(nh);
        with_widest_simd(StreamStep {
            p: self,
            x,
            z,
            c_prev,
            tanh_c,
            state,
        });
        tap.then(|| GateTap::from_gates(z, &state.c))
    }

    /// One step for a batch of one, the plain textbook loop. This is the
    /// reference version of the recurrence, kept as the oracle the fast paths
    /// are tested against.
    pub fn step_reference(
        &self,
        x: &[F],
        state: &mut LstmState<F>,
        tap: bool,
    ) -> Option<GateTap<F>> {
        let (ni, nh) = (self.input_size, self.hidden_size);
        assert_eq!(
            x.len(),
            ni,
            "lstm step: input has {} values, expected {ni}",
            x.len()
        );
        let sigmoid = |z: F| F::ONE / (F::ONE + (-z).exp());
        // z = W_ih·x + W_hh·h + b, the pre-activations of all four gates at once.
        let mut z = vec![F::ZERO; 4 * nh];
        for (r, zr) in z.iter_mut().enumerate() {
            let wi = &self.weight_ih[r * ni..(r + 1) * ni];
            let wh = &self.weight_hh[r * nh..(r + 1) * nh];
            let mut s = self.bias_ih[r] + self.bias_hh[r];
            s += wi.iter().zip(x).map(|(&a, &b)| a * b).sum::<F>();
            s += wh.iter().zip(&state.h).map(|(&a, &b)| a * b).sum::<F>();
            *zr = s;
        }
        let mut gates = tap.then(|| GateTap {
            f: vec![F::ZERO; nh],
            i: vec![F::ZERO; nh],
            o: vec![F::ZERO; nh],
            c: vec![F::ZERO; nh],
        });
        for k in 0..nh {
            let i_t = sigmoid(z[k]);
            let f_t = sigmoid(z[nh + k]);
            let c_tilde = z[2 * nh + k].tanh();
            let o_t = sigmoid(z[3 * nh + k]);
            let c_t = f_t * state.c[k] + i_t * c_tilde;
            state.c[k] = c_t;
            state.h[k] = o_t * c_t.tanh();
            if let Some(g) = gates.as_mut() {
                g.f[k] = f_t;
                g.i[k] = i_t;
                g.o[k] = o_t;
                g.c[k] = c_t;
            }
        }
        gates
    }
}

impl<F: Float> GateTap<F> {
    /// Reads a tap from one activated gate row (4H: i, f, g, o) and C_t (H).
    fn from_gates(gates: &[F], c_t: &[F]) -> Self {
        let nh = c_t.len();
        Self {
            i: gates[..nh].to_vec(),
            f: gates[nh..2 * nh].to_vec(),
            o: gates[3 * nh..].to_vec(),
            c: c_t.to_vec(),
        }
    }
}

/// Turns one row of pre-activations (4H: i, f, g, o) into the gates in place:
/// σ for i_t, f_t and o_t, tanh for C̃_t.
#[inline(always)]
pub fn activate_gates<F: Float>(z: &mut [F]) {
    let nh = z.len() / 4;
    let (i_f, g_o) = z.split_at_mut(2 * nh);
    let (g, o) = g_o.split_at_mut(nh);
    F::sigmoid_in_place(i_f);
    F::tanh_in_place(g);
    F::sigmoid_in_place(o);
}

/// The memory tube and the output for one row:
/// C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t, h_t = o_t ⊙ tanh(C_t).
/// `gates` is (4H) activated; the others are (H).
#[inline(always)]
pub fn cell_update<F: Float>(
    gates: &[F],
    c_prev: &[F],
    c: &mut [F],
    tanh_c: &mut [F],
    h: &mut [F],
) {
    let nh = c.len();
    let (i_t, rest) = gates.split_at(nh);
    let (f_t, rest) = rest.split_at(nh);
    let (c_tilde, o_t) = rest.split_at(nh);
    for k in 0..nh {
        c[k] = f_t[k] * c_prev[k] + i_t[k] * c_tilde[k];
    }
    tanh_c.copy_from_slice(c);
    F::tanh_in_place(tanh_c);
    for k in 0..nh {
        h[k] = o_t[k] * tanh_c[k];
    }
}

/// The elementwise half of one forward step, for every batch row: z ← z +
/// h_{s-1}·W_hhᵀ (`rec`), the gates, the cell and the output. `z_s`, `rec`
/// are (B, 4H); the others (B, H). A padded row (s ≥ `lengths[b]`) keeps its
/// state and gets zero gates.
struct ForwardRows<'a, F: Float> {
    s: usize,
    lengths: &'a [usize],
    rec: &'a [F],
    z_s: &'a mut [F],
    c_prev: &'a [F],
    c_next: &'a mut [F],
    tanh_c: &'a mut [F],
    h_prev: &'a [F],
    h_next: &'a mut [F],
}

impl<F: Float> SimdKernel for ForwardRows<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let nh = self.c_prev.len() / self.lengths.len();
        let g4 = 4 * nh;
        for (b, &len) in self.lengths.iter().enumerate() {
            let row = b * nh..(b + 1) * nh;
            let z = &mut self.z_s[b * g4..(b + 1) * g4];
            if self.s >= len {
                z.fill(F::ZERO);
                self.c_next[row.clone()].copy_from_slice(&self.c_prev[row.clone()]);
                self.h_next[row.clone()].copy_from_slice(&self.h_prev[row]);
                continue;
            }
            add_to(z, &self.rec[b * g4..(b + 1) * g4]);
            activate_gates(z);
            cell_update(
                z,
                &self.c_prev[row.clone()],
                &mut self.c_next[row.clone()],
                &mut self.tanh_c[row.clone()],
                &mut self.h_next[row],
            );
        }
    }
}

/// The streaming step for a batch of one: z = W_ih·x + W_hh·h + b as
/// mat-vecs over contiguous weight rows, then gates and cell. `z` is (4H);
/// `c_prev`, `tanh_c` (H) scratch.
struct StreamStep<'a, F: Float> {
    p: &'a LstmParams<F>,
    x: &'a [F],
    z: &'a mut [F],
    c_prev: &'a mut [F],
    tanh_c: &'a mut [F],
    state: &'a mut LstmState<F>,
}

impl<F: Float> SimdKernel for StreamStep<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let (p, state) = (self.p, self.state);
        let (ni, nh) = (p.input_size, p.hidden_size);
        for (r, zr) in self.z.iter_mut().enumerate() {
            let wi = &p.weight_ih[r * ni..(r + 1) * ni];
            let wh = &p.weight_hh[r * nh..(r + 1) * nh];
            *zr = p.bias_ih[r] + p.bias_hh[r] + dot(wi, self.x) + dot(wh, &state.h);
        }
        activate_gates(self.z);
        self.c_prev.copy_from_slice(&state.c);
        cell_update(self.z, self.c_prev, &mut state.c, self.tanh_c, &mut state.h);
    }
}

/// What forward keeps for backward, for one direction of one layer, in *step
/// order* (for the reverse direction, step s of element b is time
/// `lengths[b] - 1 - s`). The gate inspector reads the same cache.
#[derive(Debug, Clone)]
pub struct LstmCache<F: Float = f32> {
    /// T
    pub steps: usize,
    /// B
    pub batch: usize,
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// (B) valid steps of each element
    pub lengths: Vec<usize>,
    /// (T, B, I) the inputs, in step order
    pub x: Vec<F>,
    /// (T, B, 4H) activated gates i_t, f_t, C̃_t, o_t (zeros at padded steps)
    pub gates: Vec<F>,
    /// (T+1, B, H) C_{s-1} at index s: index 0 is the initial C
    pub c: Vec<F>,
    /// (T, B, H) tanh(C_t)
    pub tanh_c: Vec<F>,
    /// (T+1, B, H) h_{s-1} at index s: index 0 is the initial h
    pub h: Vec<F>,
}

impl<F: Float> LstmCache<F> {
    /// h_t of every element at step s, (B, H).
    pub fn h_t(&self, s: usize) -> &[F] {
        let bh = self.batch * self.hidden_size;
        &self.h[(s + 1) * bh..(s + 2) * bh]
    }

    /// The final state (h, C) of every element, (B, H) each: the state after
    /// its last valid step (padded steps keep it).
    pub fn final_state(&self) -> (&[F], &[F]) {
        let bh = self.batch * self.hidden_size;
        let t = self.steps;
        (&self.h[t * bh..(t + 1) * bh], &self.c[t * bh..(t + 1) * bh])
    }

    /// The outputs h_t in step order, (T, B, H), zero at padded steps.
    pub fn output(&self) -> Vec<F> {
        let (nb, nh) = (self.batch, self.hidden_size);
        let mut y = self.h[nb * nh..].to_vec();
        for s in 0..self.steps {
            for b in (0..nb).filter(|&b| s >= self.lengths[b]) {
                let at = (s * nb + b) * nh;
                y[at..at + nh].fill(F::ZERO);
            }
        }
        y
    }

    /// The gate taps of element b, one per valid step, in step order.
    pub fn taps(&self, b: usize) -> Vec<GateTap<F>> {
        let (nb, nh) = (self.batch, self.hidden_size);
        (0..self.lengths[b])
            .map(|s| {
                let g = &self.gates[(s * nb + b) * 4 * nh..][..4 * nh];
                let c = &self.c[((s + 1) * nb + b) * nh..][..nh];
                GateTap::from_gates(g, c)
            })
            .collect()
    }
}

/// Checks the lengths of a padded batch: one per element, none above T.
fn check_lengths(lengths: &[usize], batch: usize, steps: usize) {
    assert_eq!(
        lengths.len(),
        batch,
        "lstm: {} lengths for a batch of {batch}",
        lengths.len()
    );
    if let Some(&l) = lengths.iter().find(|&&l| l > steps) {
        panic!("lstm: a length of {l} is longer than the {steps} time steps given");
    }
}

/// Forward of one direction of one layer over a padded batch, keeping the
/// cache backward needs.
///
/// - `x`: (T, B, I) inputs in step order; T is `x.len() / (B·I)`
/// - `lengths`: (B) valid steps per element
/// - `init`: optional initial (h_0, C_0), (B, H) each; zeros if `None`
///
/// All T input projections are one matrix multiply; each step is one multiply
/// for the four gates of the whole batch, then one fused loop for the gates
/// and the cell. Nothing is allocated per step.
pub fn lstm_forward<F: Float>(
    p: &LstmParams<F>,
    x: &[F],
    batch: usize,
    lengths: &[usize],
    init: Option<(&[F], &[F])>,
) -> LstmCache<F> {
    let (ni, nh, nb) = (p.input_size, p.hidden_size, batch);
    let (g4, bh) = (4 * nh, batch * nh);
    assert!(ni > 0 && nb > 0, "lstm forward: empty input size or batch");
    assert_eq!(
        x.len() % (nb * ni),
        0,
        "lstm forward: x has {} values, not a multiple of B·I = {}",
        x.len(),
        nb * ni
    );
    let nt = x.len() / (nb * ni);
    check_lengths(lengths, nb, nt);

    // gates ← b_ih + b_hh + x·W_ihᵀ for all T·B rows at once.
    let bias: Vec<F> = p
        .bias_ih
        .iter()
        .zip(&p.bias_hh)
        .map(|(&a, &b)| a + b)
        .collect();
    let mut gates = Vec::with_capacity(nt * nb * g4);
    for _ in 0..nt * nb {
        gates.extend_from_slice(&bias);
    }
    let w_ih = Mat::new(&p.weight_ih, g4, ni);
    matmul(
        &mut gates,
        Mat::new(x, nt * nb, ni),
        w_ih.t(),
        true,
        Threads::One,
    );

    let mut c = vec![F::ZERO; (nt + 1) * bh];
    let mut h = vec![F::ZERO; (nt + 1) * bh];
    if let Some((h0, c0)) = init {
        h[..bh].copy_from_slice(h0);
        c[..bh].copy_from_slice(c0);
    }
    let mut tanh_c = vec![F::ZERO; nt * bh];
    // W_hhᵀ (H, 4H) row-major: the recurrent multiply reads it row by row.
    let w_hh_t = transpose(&p.weight_hh, g4, nh);
    let mut rec = vec![F::ZERO; nb * g4]; // (B, 4H) h_{s-1}·W_hhᵀ of this step
    for s in 0..nt {
        let z_s = &mut gates[s * nb * g4..(s + 1) * nb * g4];
        let (h_prev, h_next) = h[s * bh..(s + 2) * bh].split_at_mut(bh);
        // The recurrent part of all four gates for the whole batch, into its
        // own buffer (gemm is faster writing than accumulating here).
        matmul(
            &mut rec,
            Mat::new(h_prev, nb, nh),
            Mat::new(&w_hh_t, nh, g4),
            false,
            Threads::One,
        );
        let (c_prev, c_next) = c[s * bh..(s + 2) * bh].split_at_mut(bh);
        let tc_s = &mut tanh_c[s * bh..(s + 1) * bh];
        with_widest_simd(ForwardRows {
            s,
            lengths,
            rec: &rec,
            z_s,
            c_prev,
            c_next,
            tanh_c: tc_s,
            h_prev,
            h_next,
        });
    }
    LstmCache {
        steps: nt,
        batch: nb,
        input_size: ni,
        hidden_size: nh,
        lengths: lengths.to_vec(),
        x: x.to_vec(),
        gates,
        c,
        tanh_c,
        h,
    }
}

/// Gradients backward returns for the inputs of [`lstm_forward`].
#[derive(Debug, Clone)]
pub struct LstmInputGrads<F: Float = f32> {
    /// (T, B, I) ∂L/∂x, step order
    pub dx: Vec<F>,
    /// (B, H) ∂L/∂h_0
    pub dh0: Vec<F>,
    /// (B, H) ∂L/∂C_0
    pub dc0: Vec<F>,
    /// (T, B, 4H) ∂L/∂z_t, the gates' pre-activations in step order, all
    /// truncation streams summed; ∂L/∂h_{t-1} through the recurrence is
    /// dz_t·W_hh (the gradient lab's profile)
    pub dz: Vec<F>,
}

/// Backpropagation through time for one direction of one layer: the exact
/// reverse of [`lstm_forward`], walking s = T−1 … 0.
///
/// - `cache`: what the forward kept
/// - `dy`: (T, B, H) ∂L/∂h_t in step order (ignored at padded steps)
/// - `d_final`: optional ∂L/∂(h, C) of the final state, (B, H) each; it enters
///   at each element's last valid step
/// - `truncate`: `None` for full BPTT, or `Some(k)` for k-step truncation
///   (Williams & Peng): the gradient of the loss at step t flows through steps
///   t, t−1, …, t−k+1 only — it reaches x and the weights at those steps and
///   the state (h, C) entering step t−k+1, and nothing earlier. `Some(k)` with
///   k ≥ T equals full BPTT. It keeps k gradient streams, one per age, so it
///   costs about min(k, T) times the recurrent work of full BPTT.
/// - `grads`: weight and bias gradients are *added* into it
///
/// Returns ∂L/∂x, ∂L/∂h_0 and ∂L/∂C_0.
pub fn lstm_backward<F: Float>(
    p: &LstmParams<F>,
    cache: &LstmCache<F>,
    dy: &[F],
    d_final: Option<(&[F], &[F])>,
    truncate: Option<usize>,
    grads: &mut LstmGrads<F>,
) -> LstmInputGrads<F> {
    let (ni, nh, nb, nt) = (
        cache.input_size,
        cache.hidden_size,
        cache.batch,
        cache.steps,
    );
    let (g4, bh) = (4 * nh, nb * nh);
    assert_eq!(
        (p.input_size, p.hidden_size),
        (ni, nh),
        "lstm backward: parameters do not match the cache"
    );
    assert_eq!(
        dy.len(),
        nt * bh,
        "lstm backward: dy has {} values, expected T·B·H = {}",
        dy.len(),
        nt * bh
    );
    if let Some(k) = truncate {
        assert!(
            k > 0,
            "lstm backward: truncation must keep at least one step"
        );
    }
    // Streams: full BPTT carries one gradient; k-step truncation carries one
    // per age 0..k (the number of steps it has already travelled), and the
    // gradient that would become k steps old is dropped.
    let truncated = truncate.is_some();
    let streams = truncate.map_or(1, |k| k.min(nt.max(1)));

    let mut dz_all = vec![F::ZERO; nt * nb * g4]; // (T, B, 4H) ∂L/∂z, streams summed
    let mut dz = vec![F::ZERO; streams * nb * g4]; // (streams, B, 4H) at this step
    let mut dh = vec![F::ZERO; streams * bh]; // (streams, B, H) ∂L/∂h_s entering step s
    let mut dc = vec![F::ZERO; (streams + 1) * bh]; // (streams+1, B, H) ∂L/∂C_s entering step s
    let mut dc_prev = vec![F::ZERO; (streams + 1) * bh]; // (streams+1, B, H) ∂L/∂C_{s-1}
    let mut dh0 = vec![F::ZERO; bh];
    let mut dc0 = vec![F::ZERO; bh];
    let w_hh = Mat::new(&p.weight_hh, g4, nh);

    for s in (0..nt).rev() {
        inject_loss_grad(
            cache,
            s,
            dy,
            d_final,
            truncated,
            &mut dh[..bh],
            &mut dc[..bh],
        );
        with_widest_simd(BackwardStep {
            cache,
            s,
            truncated,
            dh: &dh,
            dc: &dc,
            dz: &mut dz,
            dc_prev: &mut dc_prev,
            dz_all_s: &mut dz_all[s * nb * g4..(s + 1) * nb * g4],
            dc0: &mut dc0,
        });
        std::mem::swap(&mut dc, &mut dc_prev);
        // ∂L/∂h_{s-1} = ∂L/∂z_s · W_hh, each stream one step older.
        if s == 0 {
            matmul(
                &mut dh0,
                Mat::new(&dz_all[..nb * g4], nb, g4),
                w_hh,
                false,
                Threads::One,
            );
        } else if truncated {
            let moved = (streams - 1) * nb;
            matmul(
                &mut dh[bh..],
                Mat::new(&dz[..moved * g4], moved, g4),
                w_hh,
                false,
                Threads::One,
            );
        } else {
            matmul(&mut dh, Mat::new(&dz, nb, g4), w_hh, false, Threads::One);
        }
    }
    weight_grads(cache, &dz_all, grads);
    // ∂L/∂x = ∂L/∂z · W_ih, all steps at once.
    let mut dx = vec![F::ZERO; nt * nb * ni];
    matmul(
        &mut dx,
        Mat::new(&dz_all, nt * nb, g4),
        Mat::new(&p.weight_ih, g4, ni),
        false,
        Threads::One,
    );
    LstmInputGrads {
        dx,
        dh0,
        dc0,
        dz: dz_all,
    }
}

/// The elementwise half of one backward step, for every stream and batch
/// row: through the cells ([`cell_backward`]) from the streams' ∂L/∂h and
/// ∂L/∂C (`dh`, `dc`, (streams, B, H)) to their ∂L/∂z (`dz`, (streams, B, 4H),
/// also summed into `dz_all_s`, (B, 4H)) and ∂L/∂C_{s-1} (`dc_prev`,
/// (streams+1, B, H)). Stream a's ∂L/∂C_{s-1} goes to slot a+1 (one step
/// older) when truncating, else to slot a; the extra slot `streams` holds
/// the gradient that is dropped, which still reaches C_0 when s = 0, since
/// C_0 is an input of step 0. Padded rows get zeros: no gradient flows.
struct BackwardStep<'a, F: Float> {
    cache: &'a LstmCache<F>,
    s: usize,
    truncated: bool,
    dh: &'a [F],
    dc: &'a [F],
    dz: &'a mut [F],
    dc_prev: &'a mut [F],
    dz_all_s: &'a mut [F],
    dc0: &'a mut [F],
}

impl<F: Float> SimdKernel for BackwardStep<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let (cache, s) = (self.cache, self.s);
        let (nb, nh) = (cache.batch, cache.hidden_size);
        let (g4, bh) = (4 * nh, nb * nh);
        let streams = self.dh.len() / bh;
        for a in 0..streams {
            let out = if self.truncated { a + 1 } else { a };
            for b in 0..nb {
                let dz_row = &mut self.dz[(a * nb + b) * g4..][..g4];
                let dc_prev_row = &mut self.dc_prev[(out * nb + b) * nh..][..nh];
                if s >= cache.lengths[b] {
                    dz_row.fill(F::ZERO);
                    dc_prev_row.fill(F::ZERO);
                    continue;
                }
                let row = (s * nb + b) * nh..(s * nb + b + 1) * nh;
                cell_backward(
                    &cache.gates[(s * nb + b) * g4..][..g4],
                    &cache.c[row.clone()],
                    &cache.tanh_c[row],
                    &self.dh[(a * nb + b) * nh..][..nh],
                    &self.dc[(a * nb + b) * nh..][..nh],
                    dz_row,
                    dc_prev_row,
                );
            }
            add_to(self.dz_all_s, &self.dz[a * nb * g4..(a + 1) * nb * g4]);
            if s == 0 {
                add_to(self.dc0, &self.dc_prev[out * bh..(out + 1) * bh]);
            }
        }
    }
}

/// Puts the loss gradient of step s into the age-0 stream (`dh`, `dc`, (B, H)):
/// ∂L/∂h_s from `dy`, plus ∂L/∂(h, C) of the final state at each element's
/// last valid step. Full BPTT adds to what is carried; truncation starts the
/// age-0 stream fresh.
fn inject_loss_grad<F: Float>(
    cache: &LstmCache<F>,
    s: usize,
    dy: &[F],
    d_final: Option<(&[F], &[F])>,
    truncated: bool,
    dh: &mut [F],
    dc: &mut [F],
) {
    let (nb, nh) = (cache.batch, cache.hidden_size);
    if truncated {
        dh.fill(F::ZERO);
        dc.fill(F::ZERO);
    }
    for b in (0..nb).filter(|&b| s < cache.lengths[b]) {
        let row = b * nh..(b + 1) * nh;
        add_to(&mut dh[row.clone()], &dy[(s * nb + b) * nh..][..nh]);
        if let (Some((dh_n, dc_n)), true) = (d_final, s + 1 == cache.lengths[b]) {
            add_to(&mut dh[row.clone()], &dh_n[row.clone()]);
            add_to(&mut dc[row.clone()], &dc_n[row]);
        }
    }
}

/// The weight and bias gradients from all steps' ∂L/∂z at once (`dz_all`,
/// (T, B, 4H)): ∂W_ih += dzᵀ·x, ∂W_hh += dzᵀ·h_{t-1}, ∂b_ih = ∂b_hh += Σ dz.
fn weight_grads<F: Float>(cache: &LstmCache<F>, dz_all: &[F], grads: &mut LstmGrads<F>) {
    let (ni, nh, rows) = (
        cache.input_size,
        cache.hidden_size,
        cache.steps * cache.batch,
    );
    let g4 = 4 * nh;
    assert_eq!(
        (grads.input_size, grads.hidden_size),
        (ni, nh),
        "lstm backward: gradient shape differs"
    );
    let dz_t = Mat::new(dz_all, rows, g4).t();
    matmul(
        &mut grads.weight_ih,
        dz_t,
        Mat::new(&cache.x, rows, ni),
        true,
        Threads::One,
    );
    // Rows 0..T·B of the cached h are h_{s-1} for s = 0..T.
    matmul(
        &mut grads.weight_hh,
        dz_t,
        Mat::new(&cache.h[..rows * nh], rows, nh),
        true,
        Threads::One,
    );
    let mut db = vec![F::ZERO; g4];
    for row in dz_all.chunks_exact(g4) {
        add_to(&mut db, row);
    }
    add_to(&mut grads.bias_ih, &db);
    add_to(&mut grads.bias_hh, &db);
}

/// The transpose of a row-major (rows × cols) matrix, row-major (cols × rows).
fn transpose<F: Float>(m: &[F], rows: usize, cols: usize) -> Vec<F> {
    let mut t = vec![F::ZERO; m.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = m[r * cols + c];
        }
    }
    t
}

/// Backward through one cell for one row, the mirror of [`cell_update`]:
///
/// ```text
/// dC   = dC_next + dh ⊙ o_t ⊙ (1 − tanh²C_t)
/// dz_o = dh ⊙ tanh C_t ⊙ o_t(1 − o_t)
/// dz_i = dC ⊙ C̃_t ⊙ i_t(1 − i_t)
/// dz_f = dC ⊙ C_{t-1} ⊙ f_t(1 − f_t)
/// dz_g = dC ⊙ i_t ⊙ (1 − C̃_t²)
/// dC_{t-1} = dC ⊙ f_t
/// ```
///
/// `gates` and `dz` are (4H); the others (H).
#[inline(always)]
pub fn cell_backward<F: Float>(
    gates: &[F],
    c_prev: &[F],
    tanh_c: &[F],
    dh: &[F],
    dc_next: &[F],
    dz: &mut [F],
    dc_prev: &mut [F],
) {
    let nh = c_prev.len();
    let (i_t, rest) = gates.split_at(nh);
    let (f_t, rest) = rest.split_at(nh);
    let (c_tilde, o_t) = rest.split_at(nh);
    let (dz_i, rest) = dz.split_at_mut(nh);
    let (dz_f, rest) = rest.split_at_mut(nh);
    let (dz_g, dz_o) = rest.split_at_mut(nh);
    for k in 0..nh {
        let (i, f, g, o, tc) = (i_t[k], f_t[k], c_tilde[k], o_t[k], tanh_c[k]);
        let dc = dc_next[k] + dh[k] * o * (F::ONE - tc * tc);
        dz_o[k] = dh[k] * tc * o * (F::ONE - o);
        dz_i[k] = dc * g * i * (F::ONE - i);
        dz_f[k] = dc * c_prev[k] * f * (F::ONE - f);
        dz_g[k] = dc * i * (F::ONE - g * g);
        dc_prev[k] = dc * f;
    }
}

/// One layer of a stack: the forward direction and, when bidirectional, a
/// reverse direction with its own weights that reads each sequence backwards.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmLayer<F: Float = f32> {
    /// reads t = 0 … len−1
    pub forward: LstmParams<F>,
    /// reads t = len−1 … 0 (bidirectional only)
    pub reverse: Option<LstmParams<F>>,
}

impl<F: Float> LstmLayer<F> {
    /// The directions present: forward, then reverse.
    pub fn directions(&self) -> impl Iterator<Item = &LstmParams<F>> {
        std::iter::once(&self.forward).chain(self.reverse.as_ref())
    }

    /// The directions present, mutable.
    pub fn directions_mut(&mut self) -> impl Iterator<Item = &mut LstmParams<F>> {
        std::iter::once(&mut self.forward).chain(self.reverse.as_mut())
    }

    /// D, the number of directions (1 or 2).
    pub fn num_directions(&self) -> usize {
        1 + usize::from(self.reverse.is_some())
    }
}

/// What [`layer_forward`] keeps: each direction's cache and the layer output.
#[derive(Debug, Clone)]
pub struct LayerCache<F: Float = f32> {
    /// the forward direction, step order = time order
    pub forward: LstmCache<F>,
    /// the reverse direction, step s of element b is time `lengths[b] − 1 − s`
    pub reverse: Option<LstmCache<F>>,
    /// (T, B, D·H) h_t of the forward direction, then of the reverse one, in
    /// time order; zeros at padded steps
    pub output: Vec<F>,
}

/// Reverses each sequence of a padded (T, B, W) batch within its own length:
/// row (t, b) ↔ row (len_b − 1 − t, b); padded rows stay where they are. It
/// is its own inverse, so it maps inputs to reverse-step order and reverse
/// outputs back to time order.
pub fn reverse_within_lengths<F: Float>(
    x: &[F],
    batch: usize,
    width: usize,
    lengths: &[usize],
) -> Vec<F> {
    let mut out = x.to_vec();
    for (b, &len) in lengths.iter().enumerate().take(batch) {
        for t in 0..len {
            let (to, from) = ((t * batch + b) * width, ((len - 1 - t) * batch + b) * width);
            out[to..to + width].copy_from_slice(&x[from..from + width]);
        }
    }
    out
}

/// Forward of one layer, both directions (the reverse one on a second
/// thread). `x` is (T, B, I) in time order; see [`lstm_forward`].
pub fn layer_forward<F: Float>(
    layer: &LstmLayer<F>,
    x: &[F],
    batch: usize,
    lengths: &[usize],
) -> LayerCache<F> {
    let (forward, reverse) = join(
        || lstm_forward(&layer.forward, x, batch, lengths, None),
        || {
            layer.reverse.as_ref().map(|p| {
                let x_rev = reverse_within_lengths(x, batch, p.input_size, lengths);
                lstm_forward(p, &x_rev, batch, lengths, None)
            })
        },
    );
    let output = interleave_directions(&forward, reverse.as_ref());
    LayerCache {
        forward,
        reverse,
        output,
    }
}

/// The layer output (T, B, D·H): each row is [h_fwd | h_rev] in time order,
/// zeros at padded steps; read straight from the caches' h.
fn interleave_directions<F: Float>(
    forward: &LstmCache<F>,
    reverse: Option<&LstmCache<F>>,
) -> Vec<F> {
    let Some(rev) = reverse else {
        return forward.output();
    };
    let (nb, nh, nt) = (forward.batch, forward.hidden_size, forward.steps);
    let mut out = vec![F::ZERO; nt * nb * 2 * nh];
    for (b, &len) in forward.lengths.iter().enumerate() {
        for t in 0..len {
            let row = &mut out[(t * nb + b) * 2 * nh..][..2 * nh];
            // h_t of step s sits at index s + 1 of the cached h.
            row[..nh].copy_from_slice(&forward.h[((t + 1) * nb + b) * nh..][..nh]);
            row[nh..].copy_from_slice(&rev.h[((len - t) * nb + b) * nh..][..nh]);
        }
    }
    out
}

/// Backward of one layer, the mirror of [`layer_forward`]: `dy` is
/// (T, B, D·H) ∂L/∂output in time order; weight gradients are added into
/// `grads`; returns ∂L/∂x, (T, B, I). See [`lstm_backward`] for `truncate`.
pub fn layer_backward<F: Float>(
    layer: &LstmLayer<F>,
    cache: &LayerCache<F>,
    dy: &[F],
    truncate: Option<usize>,
    grads: &mut LstmLayer<F>,
) -> Vec<F> {
    let (nb, nh, ni) = (
        cache.forward.batch,
        cache.forward.hidden_size,
        cache.forward.input_size,
    );
    let lengths = &cache.forward.lengths;
    let d = layer.num_directions();
    assert_eq!(
        dy.len(),
        cache.output.len(),
        "lstm layer backward: dy has {} values, expected {}",
        dy.len(),
        cache.output.len()
    );
    // ∂L/∂h_t of each direction, in its own step order.
    let (dy_f, dy_r) = split_directions(dy, nb, nh, d, lengths);
    let (g_fwd, g_rev) = (&mut grads.forward, grads.reverse.as_mut());
    let (mut dx, dx_r) = join(
        || lstm_backward(&layer.forward, &cache.forward, &dy_f, None, truncate, g_fwd).dx,
        || match (&layer.reverse, &cache.reverse, g_rev, &dy_r) {
            (Some(p), Some(c), Some(g), Some(dy_r)) => {
                Some(lstm_backward(p, c, dy_r, None, truncate, g).dx)
            }
            (None, None, None, None) => None,
            _ => panic!(
                "lstm layer backward: layer, cache and gradients disagree on bidirectionality"
            ),
        },
    );
    if let Some(dx_r) = dx_r {
        // Reverse-step order back to time order, added to the forward part.
        for (b, &len) in lengths.iter().enumerate() {
            for t in 0..len {
                let from = &dx_r[((len - 1 - t) * nb + b) * ni..][..ni];
                add_to(&mut dx[(t * nb + b) * ni..][..ni], from);
            }
        }
    }
    dx
}

/// Splits ∂L/∂output (T, B, D·H) into the forward direction's ∂L/∂h (T, B, H)
/// and, when D = 2, the reverse direction's in reverse-step order.
fn split_directions<F: Float>(
    dy: &[F],
    nb: usize,
    nh: usize,
    d: usize,
    lengths: &[usize],
) -> (Vec<F>, Option<Vec<F>>) {
    let dy_f = dy
        .chunks_exact(d * nh)
        .flat_map(|row| &row[..nh])
        .copied()
        .collect();
    if d == 1 {
        return (dy_f, None);
    }
    let nt = dy.len() / (nb * d * nh);
    let mut dy_r = vec![F::ZERO; nt * nb * nh];
    for (b, &len) in lengths.iter().enumerate() {
        for t in 0..len {
            let from = &dy[(t * nb + b) * d * nh + nh..][..nh];
            dy_r[((len - 1 - t) * nb + b) * nh..][..nh].copy_from_slice(from);
        }
    }
    (dy_f, Some(dy_r))
}

/// Runs two closures, the second on another thread of rayon's pool when one
/// is free (rayon's threads live on, so their buffers are reused).
fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    rayon::join(a, b)
}

/// A stack of LSTM layers, optionally bidirectional: layer 0 reads the input
/// (I), layer k > 0 reads layer k−1's output (D·H).
#[derive(Debug, Clone, PartialEq)]
pub struct Lstm<F: Float = f32> {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// layer 0 first
    pub layers: Vec<LstmLayer<F>>,
}

/// What [`Lstm::forward`] keeps: one [`LayerCache`] per layer.
#[derive(Debug, Clone)]
pub struct LstmStackCache<F: Float = f32> {
    /// layer 0 first
    pub layers: Vec<LayerCache<F>>,
}

impl<F: Float> LstmStackCache<F> {
    /// The top layer's output, (T, B, D·H), time order, zeros at padded steps.
    pub fn output(&self) -> &[F] {
        &self
            .layers
            .last()
            .expect("an lstm has at least one layer")
            .output
    }
}

impl<F: Float> Lstm<F> {
    /// A stack with all parameters zero (the shape of its gradients).
    pub fn zeros(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bidirectional: bool,
    ) -> Self {
        Self::build(
            input_size,
            hidden_size,
            num_layers,
            bidirectional,
            |i, h| LstmParams::zeros(i, h),
        )
    }

    /// A stack with PyTorch's initialisation (uniform ±1/√H), seeded.
    pub fn random(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bidirectional: bool,
        seed: u64,
    ) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Self::build(
            input_size,
            hidden_size,
            num_layers,
            bidirectional,
            |i, h| LstmParams::random(i, h, &mut rng),
        )
    }

    fn build(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bidirectional: bool,
        mut make: impl FnMut(usize, usize) -> LstmParams<F>,
    ) -> Self {
        assert!(num_layers > 0, "an lstm needs at least one layer");
        let d = 1 + usize::from(bidirectional);
        let layers = (0..num_layers)
            .map(|k| {
                let ni = if k == 0 { input_size } else { d * hidden_size };
                let forward = make(ni, hidden_size);
                let reverse = bidirectional.then(|| make(ni, hidden_size));
                LstmLayer { forward, reverse }
            })
            .collect();
        Self {
            input_size,
            hidden_size,
            layers,
        }
    }

    /// All-zero parameters of this stack's shape, for its gradients.
    pub fn zeros_like(&self) -> Self {
        Self::zeros(
            self.input_size,
            self.hidden_size,
            self.layers.len(),
            self.bidirectional(),
        )
    }

    /// Whether every layer has a reverse direction.
    pub fn bidirectional(&self) -> bool {
        self.layers[0].reverse.is_some()
    }

    /// D·H, the size of each output row.
    pub fn output_size(&self) -> usize {
        self.layers[0].num_directions() * self.hidden_size
    }

    /// Every layer-direction, layer 0 first, forward before reverse.
    pub fn params(&self) -> impl Iterator<Item = &LstmParams<F>> {
        self.layers.iter().flat_map(LstmLayer::directions)
    }

    /// Every layer-direction, mutable, in the order of [`Lstm::params`].
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut LstmParams<F>> {
        self.layers.iter_mut().flat_map(LstmLayer::directions_mut)
    }

    /// Every parameter tensor, in the order of [`Lstm::params`] and
    /// [`LstmParams::tensors`] (for optimizers and clipping).
    pub fn tensors(&self) -> Vec<&[F]> {
        self.params().flat_map(|p| p.tensors()).collect()
    }

    /// Every parameter tensor, mutable, in the order of [`Lstm::tensors`].
    pub fn tensors_mut(&mut self) -> Vec<&mut [F]> {
        self.params_mut()
            .flat_map(|p| p.tensors_mut().map(|t| t.as_mut_slice()))
            .collect()
    }

    /// Sets every value to zero.
    pub fn fill_zero(&mut self) {
        self.params_mut().for_each(LstmParams::fill_zero);
    }

    /// The same stack in another float type.
    pub fn cast<G: Float>(&self) -> Lstm<G> {
        Lstm {
            input_size: self.input_size,
            hidden_size: self.hidden_size,
            layers: self
                .layers
                .iter()
                .map(|l| LstmLayer {
                    forward: l.forward.cast(),
                    reverse: l.reverse.as_ref().map(LstmParams::cast),
                })
                .collect(),
        }
    }

    /// Forward over a padded batch from the zero state, keeping what backward
    /// needs. `x` is (T, B, I) time-major; `lengths` (B). The output is
    /// [`LstmStackCache::output`], (T, B, D·H).
    pub fn forward(&self, x: &[F], batch: usize, lengths: &[usize]) -> LstmStackCache<F> {
        let mut layers: Vec<LayerCache<F>> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let input = layers.last().map_or(x, |prev| &prev.output);
            let cache = layer_forward(layer, input, batch, lengths);
            layers.push(cache);
        }
        LstmStackCache { layers }
    }

    /// BPTT through the whole stack, top layer first. `dy` is (T, B, D·H)
    /// ∂L/∂output; gradients are added into `grads` (a stack of the same
    /// shape, e.g. from [`Lstm::zeros_like`]); returns ∂L/∂x, (T, B, I).
    pub fn backward(
        &self,
        cache: &LstmStackCache<F>,
        dy: &[F],
        truncate: Option<usize>,
        grads: &mut Lstm<F>,
    ) -> Vec<F> {
        assert_eq!(
            cache.layers.len(),
            self.layers.len(),
            "lstm backward: the cache is from another stack"
        );
        let mut d = dy.to_vec();
        for ((layer, layer_cache), g) in self
            .layers
            .iter()
            .zip(&cache.layers)
            .zip(&mut grads.layers)
            .rev()
        {
            d = layer_backward(layer, layer_cache, &d, truncate, g);
        }
        d
    }

    /// The zero state of every layer, for streaming with [`Lstm::step`].
    pub fn zero_state(&self) -> Vec<LstmState<F>> {
        vec![LstmState::zeros(self.hidden_size); self.layers.len()]
    }

    /// One streaming step of a unidirectional stack for a batch of one: feeds
    /// x_t (I) through every layer, updating `states` (one per layer) in
    /// place; the top layer's h_t is `states.last().h`. Allocation-free once
    /// `scratch` has grown.
    pub fn step(&self, x: &[F], states: &mut [LstmState<F>], scratch: &mut Vec<F>) {
        assert!(
            !self.bidirectional(),
            "lstm step: a bidirectional stack needs the whole sequence, use forward"
        );
        assert_eq!(
            states.len(),
            self.layers.len(),
            "lstm step: {} states for {} layers",
            states.len(),
            self.layers.len()
        );
        self.layers[0]
            .forward
            .step_with_scratch(x, &mut states[0], scratch, false);
        for k in 1..self.layers.len() {
            let (below, above) = states.split_at_mut(k);
            self.layers[k].forward.step_with_scratch(
                &below[k - 1].h,
                &mut above[0],
                scratch,
                false,
            );
        }
    }
}
