//! The Elman network (simple recurrent network), written like the lecture:
//!
//! ```text
//! h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b_h)
//! ```
//!
//! The hidden state is the only memory: everything the network knows about
//! the past must pass through W_hh and a tanh at every step, so the gradient
//! of a loss at step t with respect to h_{t-d} is a product of d Jacobians
//! diag(1 − h²)·W_hh — it vanishes (or explodes) geometrically with d. The
//! gradient lab ([`crate::nn::lab`]) shows exactly that, next to the LSTM.
//!
//! Shapes legend, as in [`crate::nn::lstm`]: **B** batch, **T** time steps,
//! **I** input size, **H** hidden size. Sequences are time-major, (T, B, ·);
//! every element of a batch has all T steps (no padding: the lab's tasks
//! have fixed lengths).
//!
//! What is here: [`ElmanParams::step`] (one step, batch of one, the plain
//! loop kept as the oracle), [`elman_forward`] (a whole batch, keeping an
//! [`ElmanCache`]) and [`elman_backward`] (BPTT by hand, full or truncated
//! with the LSTM's semantics, *adding* into [`ElmanGrads`]). Generic over
//! [`Float`]: f32 for use, f64 for the finite-difference checks.

use rand::Rng;

use super::matmul::{Mat, Threads, matmul};
use super::ops::{Float, add_to, cast_values, init_uniform};
use super::truncation::Streams;

/// Parameters of an Elman layer, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct ElmanParams<F: Float = f32> {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// W_xh, (H, I)
    pub weight_xh: Vec<F>,
    /// W_hh, (H, H)
    pub weight_hh: Vec<F>,
    /// b_h, (H)
    pub bias_h: Vec<F>,
}

/// Gradients of an Elman layer: exactly [`ElmanParams`]' fields. Backward
/// *adds* into them; zero them with [`ElmanParams::fill_zero`].
pub type ElmanGrads<F = f32> = ElmanParams<F>;

impl<F: Float> ElmanParams<F> {
    /// All-zero parameters of the given size.
    pub fn zeros(input_size: usize, hidden_size: usize) -> Self {
        Self {
            input_size,
            hidden_size,
            weight_xh: vec![F::ZERO; hidden_size * input_size],
            weight_hh: vec![F::ZERO; hidden_size * hidden_size],
            bias_h: vec![F::ZERO; hidden_size],
        }
    }

    /// PyTorch's `nn.RNN` initialisation, every value uniform in ±1/√H, seeded.
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

    /// The three tensors in a fixed order: weight_xh, weight_hh, bias_h.
    pub fn tensors(&self) -> [&[F]; 3] {
        [&self.weight_xh, &self.weight_hh, &self.bias_h]
    }

    /// The three tensors, mutable, in the order of [`ElmanParams::tensors`].
    pub fn tensors_mut(&mut self) -> [&mut Vec<F>; 3] {
        [&mut self.weight_xh, &mut self.weight_hh, &mut self.bias_h]
    }

    /// The same parameters in another float type (f32 ↔ f64 for checks).
    pub fn cast<G: Float>(&self) -> ElmanParams<G> {
        let cast = cast_values::<F, G>;
        ElmanParams {
            input_size: self.input_size,
            hidden_size: self.hidden_size,
            weight_xh: cast(&self.weight_xh),
            weight_hh: cast(&self.weight_hh),
            bias_h: cast(&self.bias_h),
        }
    }

    /// One step for a batch of one, the plain textbook loop: reads x_t (I)
    /// and replaces `h` (H) = h_{t-1} by h_t. The oracle [`elman_forward`]
    /// is tested against, and the sampler's primitive.
    pub fn step(&self, x: &[F], h: &mut [F]) {
        let (ni, nh) = (self.input_size, self.hidden_size);
        assert_eq!(
            x.len(),
            ni,
            "elman step: input has {} values, expected {ni}",
            x.len()
        );
        assert_eq!(
            h.len(),
            nh,
            "elman step: state has {} values, expected {nh}",
            h.len()
        );
        let a: Vec<F> = (0..nh)
            .map(|r| {
                let wx = &self.weight_xh[r * ni..(r + 1) * ni];
                let wh = &self.weight_hh[r * nh..(r + 1) * nh];
                self.bias_h[r]
                    + wx.iter().zip(x).map(|(&w, &v)| w * v).sum::<F>()
                    + wh.iter().zip(&*h).map(|(&w, &v)| w * v).sum::<F>()
            })
            .collect();
        for (hk, ak) in h.iter_mut().zip(a) {
            *hk = ak.tanh();
        }
    }
}

/// What [`elman_forward`] keeps for [`elman_backward`].
#[derive(Debug, Clone)]
pub struct ElmanCache<F: Float = f32> {
    /// T
    pub steps: usize,
    /// B
    pub batch: usize,
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// (T, B, I) the inputs
    pub x: Vec<F>,
    /// (T+1, B, H) h_{t-1} at index t: index 0 is h_0 (the initial state),
    /// index t+1 is h_t
    pub h: Vec<F>,
}

impl<F: Float> ElmanCache<F> {
    /// h_t of every element at step t, (B, H).
    pub fn h_t(&self, t: usize) -> &[F] {
        let bh = self.batch * self.hidden_size;
        &self.h[(t + 1) * bh..(t + 2) * bh]
    }

    /// The outputs h_t of every step, (T, B, H).
    pub fn output(&self) -> &[F] {
        &self.h[self.batch * self.hidden_size..]
    }
}

/// Forward over a batch, keeping what backward needs.
///
/// - `x`: (T, B, I) inputs; T is `x.len() / (B·I)`
/// - `h0`: optional initial state (B, H); zeros if `None`
///
/// All T input projections are one matrix multiply; each step adds
/// h_{t-1}·W_hhᵀ for the whole batch and applies tanh.
pub fn elman_forward<F: Float>(
    p: &ElmanParams<F>,
    x: &[F],
    batch: usize,
    h0: Option<&[F]>,
) -> ElmanCache<F> {
    let (ni, nh, nb) = (p.input_size, p.hidden_size, batch);
    let bh = nb * nh;
    assert!(ni > 0 && nb > 0, "elman forward: empty input size or batch");
    assert_eq!(
        x.len() % (nb * ni),
        0,
        "elman forward: x has {} values, not a multiple of B·I = {}",
        x.len(),
        nb * ni
    );
    let nt = x.len() / (nb * ni);
    let mut h = vec![F::ZERO; (nt + 1) * bh];
    if let Some(h0) = h0 {
        assert_eq!(
            h0.len(),
            bh,
            "elman forward: h0 has {} values, expected B·H = {bh}",
            h0.len()
        );
        h[..bh].copy_from_slice(h0);
    }
    // a_t ← b_h + x_t·W_xhᵀ for all T·B rows at once, written straight into
    // the slots of h_t (rows 1..=T), then finished step by step.
    for row in h[bh..].chunks_exact_mut(nh) {
        row.copy_from_slice(&p.bias_h);
    }
    matmul(
        &mut h[bh..],
        Mat::new(x, nt * nb, ni),
        Mat::new(&p.weight_xh, nh, ni).t(),
        true,
        Threads::One,
    );
    let w_hh = Mat::new(&p.weight_hh, nh, nh);
    for t in 0..nt {
        let (h_prev, a_t) = h[t * bh..(t + 2) * bh].split_at_mut(bh);
        // a_t += h_{t-1}·W_hhᵀ, then h_t = tanh(a_t).
        matmul(a_t, Mat::new(h_prev, nb, nh), w_hh.t(), true, Threads::One);
        F::tanh_in_place(a_t);
    }
    ElmanCache {
        steps: nt,
        batch: nb,
        input_size: ni,
        hidden_size: nh,
        x: x.to_vec(),
        h,
    }
}

/// Gradients [`elman_backward`] returns for the inputs of [`elman_forward`].
#[derive(Debug, Clone)]
pub struct ElmanInputGrads<F: Float = f32> {
    /// (T, B, I) ∂L/∂x
    pub dx: Vec<F>,
    /// (B, H) ∂L/∂h_0
    pub dh0: Vec<F>,
    /// (T, B, H) the gradient that reaches h_t through the (possibly
    /// truncated) graph, all streams summed: the gradient-norm profile
    pub dh: Vec<F>,
}

/// Backpropagation through time, the exact reverse of [`elman_forward`],
/// walking t = T−1 … 0:
///
/// ```text
/// da_t     = dh_t ⊙ (1 − h_t²)            through the tanh
/// dW_xh   += da_tᵀ·x_t,  dW_hh += da_tᵀ·h_{t-1},  db_h += Σ_B da_t
/// dx_t     = da_t·W_xh
/// dh_{t-1} = dy_{t-1} + da_t·W_hh          carried one step back
/// ```
///
/// - `cache`: what the forward kept
/// - `dy`: (T, B, H) ∂L/∂h_t from the loss at each step
/// - `truncate`: `None` for full BPTT, `Some(k)` for k-step truncation with
///   the semantics of [`crate::nn::lstm::lstm_backward`]: the gradient of the
///   loss at step t flows through steps t, …, t−k+1 only; it reaches the
///   state h_{t-k} entering step t−k+1 (counted in [`ElmanInputGrads::dh`],
///   and in `dh0` when that is h_0) and nothing earlier. Implemented with k
///   gradient streams, one per age ([`crate::nn::truncation`]).
/// - `grads`: weight and bias gradients are *added* into it
pub fn elman_backward<F: Float>(
    p: &ElmanParams<F>,
    cache: &ElmanCache<F>,
    dy: &[F],
    truncate: Option<usize>,
    grads: &mut ElmanGrads<F>,
) -> ElmanInputGrads<F> {
    let (ni, nh, nb, nt) = (
        cache.input_size,
        cache.hidden_size,
        cache.batch,
        cache.steps,
    );
    let bh = nb * nh;
    assert_eq!(
        (p.input_size, p.hidden_size),
        (ni, nh),
        "elman backward: parameters do not match the cache"
    );
    assert_eq!(
        (grads.input_size, grads.hidden_size),
        (ni, nh),
        "elman backward: gradient shape differs"
    );
    assert_eq!(
        dy.len(),
        nt * bh,
        "elman backward: dy has {} values, expected T·B·H = {}",
        dy.len(),
        nt * bh
    );
    // The dropped stream is carried back too: what reaches h_{t-k} belongs
    // in the gradient-norm profile.
    let ages = Streams::new(truncate, nt, "elman").keeping_dropped();
    let streams = ages.count();
    let w_hh = Mat::new(&p.weight_hh, nh, nh);

    let mut da_all = vec![F::ZERO; nt * bh]; // (T, B, H) ∂L/∂a_t, streams summed
    let mut dh_all = vec![F::ZERO; nt * bh]; // (T, B, H) what reaches h_t
    let mut da = vec![F::ZERO; streams * bh]; // (streams, B, H) at this step
    // (streams+1, B, H) ∂L/∂h_t arriving from step t+1, by age; the last
    // slot is the gradient that has gone k steps back and stops here.
    let mut carry = vec![F::ZERO; (streams + 1) * bh];
    let mut dh0 = vec![F::ZERO; bh];

    for t in (0..nt).rev() {
        let dy_t = &dy[t * bh..(t + 1) * bh];
        // The loss at step t enters the age-0 stream (full BPTT: the one stream).
        let dh_t = &mut dh_all[t * bh..(t + 1) * bh];
        for a in 0..=streams {
            add_to(dh_t, &carry[a * bh..(a + 1) * bh]);
        }
        add_to(dh_t, dy_t);
        if ages.truncated() {
            carry[..bh].copy_from_slice(dy_t);
        } else {
            add_to(&mut carry[..bh], dy_t);
        }
        // Through the tanh, every live stream (the oldest slot is dropped).
        let h_t = &cache.h[(t + 1) * bh..(t + 2) * bh];
        for a in 0..streams {
            let (d, c) = (&mut da[a * bh..(a + 1) * bh], &carry[a * bh..(a + 1) * bh]);
            for ((d, &c), &h) in d.iter_mut().zip(c).zip(h_t) {
                *d = c * (F::ONE - h * h);
            }
            add_to(&mut da_all[t * bh..(t + 1) * bh], &da[a * bh..(a + 1) * bh]);
        }
        // ∂L/∂h_{t-1} = da_t·W_hh, each stream one step older when truncating.
        ages.carry_back(
            t,
            &da_all[t * bh..(t + 1) * bh],
            &da,
            w_hh,
            &mut dh0,
            &mut carry,
        );
    }
    // The weight gradients from all steps at once.
    let da_t = Mat::new(&da_all, nt * nb, nh).t();
    matmul(
        &mut grads.weight_xh,
        da_t,
        Mat::new(&cache.x, nt * nb, ni),
        true,
        Threads::One,
    );
    matmul(
        &mut grads.weight_hh,
        da_t,
        Mat::new(&cache.h[..nt * bh], nt * nb, nh),
        true,
        Threads::One,
    );
    for row in da_all.chunks_exact(nh) {
        add_to(&mut grads.bias_h, row);
    }
    // ∂L/∂x = da·W_xh, all steps at once.
    let mut dx = vec![F::ZERO; nt * nb * ni];
    matmul(
        &mut dx,
        Mat::new(&da_all, nt * nb, nh),
        Mat::new(&p.weight_xh, nh, ni),
        false,
        Threads::One,
    );
    ElmanInputGrads {
        dx,
        dh0,
        dh: dh_all,
    }
}
