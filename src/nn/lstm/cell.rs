//! One LSTM cell, written like the lecture: the parameters of one layer in
//! one direction, the state it carries, and one step of the recurrence.
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
//! W_f…W_o are the rows of `weight_ih` and `weight_hh` stacked in PyTorch's
//! gate order **i, f, g(=C̃), o**, and b = `bias_ih + bias_hh`.
//!
//! The gate activation ([`activate_gates`]), the memory tube
//! ([`cell_update`]) and its mirror ([`cell_backward`]) are the pieces every
//! faster path is built from: the sequence forward and BPTT
//! ([`super::sequence`]) and the caption decoder call these same functions,
//! so there is one place where the equations live.
//! [`LstmParams::step_reference`] spells them out as a plain loop, the oracle
//! the fast paths are tested against.

use rand::Rng;

use crate::nn::fastmath::{SimdKernel, with_widest_simd};
use crate::nn::ops::{Float, cast_values, dot, init_uniform};

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
        let mut p = Self::zeros(input_size, hidden_size);
        init_uniform(p.tensors_mut(), hidden_size, rng);
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
        let cast = cast_values::<F, G>;
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
        check_input(x, ni);
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

    /// One step for a batch of B independent sequences, `states` (B) each
    /// updated from (h_{t-1}, C_{t-1}) to (h_t, C_t); `xs` is (B, I),
    /// row-major. Each gate row of W_ih and W_hh is read once for the whole
    /// batch (W_hh is 4 MB at H = 512: reading it once instead of B times is
    /// the point), and each sequence's numbers are computed by exactly the
    /// operations of [`LstmParams::step`], so stepping B sequences together
    /// gives bit for bit what stepping each alone gives. The gate rows are
    /// split in two halves on rayon's pool (each half of W_hh, 2 MB, stays
    /// in one core's cache); the split changes no number.
    pub fn step_batch(&self, xs: &[F], states: &mut [&mut LstmState<F>], scratch: &mut Vec<F>) {
        let (ni, nh, nb) = (self.input_size, self.hidden_size, states.len());
        assert_eq!(
            xs.len(),
            nb * ni,
            "lstm batch step: input has {} values, expected {nb}×{ni}",
            xs.len()
        );
        for s in states.iter() {
            assert_eq!(
                s.h.len(),
                nh,
                "lstm batch step: a state has {} values, expected {nh}",
                s.h.len()
            );
        }
        // zt (4H, B) pre-activations, gate row by gate row; then z (4H) of
        // one sequence at a time, and tanh C and C_{t-1} (H).
        scratch.resize(nb * 4 * nh + 6 * nh, F::ZERO);
        let (zt, rest) = scratch.split_at_mut(nb * 4 * nh);
        let (z, rest) = rest.split_at_mut(4 * nh);
        let (tanh_c, c_prev) = rest.split_at_mut(nh);
        let hs: Vec<&[F]> = states.iter().map(|s| s.h.as_slice()).collect();
        let (first, second) = zt.split_at_mut(2 * nh * nb);
        let half = |rows: std::ops::Range<usize>, zt: &mut [F]| {
            with_widest_simd(BatchGates {
                p: self,
                xs,
                hs: &hs,
                rows,
                zt,
            })
        };
        rayon::join(|| half(0..2 * nh, first), || half(2 * nh..4 * nh, second));
        for (b, state) in states.iter_mut().enumerate() {
            for (r, zr) in z.iter_mut().enumerate() {
                *zr = zt[r * nb + b];
            }
            with_widest_simd(BatchCell {
                z,
                c_prev,
                tanh_c,
                state,
            });
        }
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
        check_input(x, ni);
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
            let i_t = sigmoid(z[k]); //             i_t = σ(W_i·[h_{t-1}, x_t] + b_i)
            let f_t = sigmoid(z[nh + k]); //        f_t = σ(W_f·[h_{t-1}, x_t] + b_f)
            let c_tilde = z[2 * nh + k].tanh(); //  C̃_t = tanh(W_C·[h_{t-1}, x_t] + b_C)
            let o_t = sigmoid(z[3 * nh + k]); //    o_t = σ(W_o·[h_{t-1}, x_t] + b_o)
            let c_t = f_t * state.c[k] + i_t * c_tilde; // C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t
            state.c[k] = c_t;
            state.h[k] = o_t * c_t.tanh(); //       h_t = o_t ⊙ tanh(C_t)
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

/// A step reads exactly I values.
fn check_input<F>(x: &[F], ni: usize) {
    assert_eq!(
        x.len(),
        ni,
        "lstm step: input has {} values, expected {ni}",
        x.len()
    );
}

impl<F: Float> GateTap<F> {
    /// Reads a tap from one activated gate row (4H: i, f, g, o) and C_t (H).
    pub(super) fn from_gates(gates: &[F], c_t: &[F]) -> Self {
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

/// The batch step's gate rows `rows`, each weight row read once for all B
/// sequences: `zt[r, b] = W_ih[r]·x_b + W_hh[r]·h_b + b[r]`, the expression
/// of [`StreamStep`] (so the same rounding).
struct BatchGates<'a, F: Float> {
    p: &'a LstmParams<F>,
    xs: &'a [F],
    hs: &'a [&'a [F]],
    rows: std::ops::Range<usize>,
    /// (rows, B)
    zt: &'a mut [F],
}

impl<F: Float> SimdKernel for BatchGates<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let p = self.p;
        let (ni, nh, nb) = (p.input_size, p.hidden_size, self.hs.len());
        for (k, r) in self.rows.enumerate() {
            let wi = &p.weight_ih[r * ni..(r + 1) * ni];
            let wh = &p.weight_hh[r * nh..(r + 1) * nh];
            for (b, h) in self.hs.iter().enumerate() {
                let x = &self.xs[b * ni..(b + 1) * ni];
                self.zt[k * nb + b] = p.bias_ih[r] + p.bias_hh[r] + dot(wi, x) + dot(wh, h);
            }
        }
    }
}

/// One sequence's gates and cell after [`BatchGates`], as in [`StreamStep`].
struct BatchCell<'a, F: Float> {
    z: &'a mut [F],
    c_prev: &'a mut [F],
    tanh_c: &'a mut [F],
    state: &'a mut LstmState<F>,
}

impl<F: Float> SimdKernel for BatchCell<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        activate_gates(self.z);
        self.c_prev.copy_from_slice(&self.state.c);
        let LstmState { h, c } = self.state;
        cell_update(self.z, self.c_prev, c, self.tanh_c, h);
    }
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
