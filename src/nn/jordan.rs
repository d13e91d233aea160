//! The Jordan network, written like the lecture: the context fed back is the
//! previous *output*, not the previous hidden state.
//!
//! ```text
//! h_t = tanh(W_xh·x_t + W_yh·p_{t-1} + b_h)
//! y_t = W_hy·h_t + b_y                      the output (logits)
//! p_t = softmax(y_t)                        the context for the next step
//! ```
//!
//! **Our choice of context:** the network feeds back its output as
//! *probabilities* p_t = softmax(y_t) — what it predicts, normalised — not
//! the raw logits (unbounded) nor a sampled one-hot symbol (not
//! differentiable). The context before the first step, p_{-1}, is all zeros
//! ("no prediction yet"). So all a Jordan network can remember is squeezed
//! through an O-dimensional probability vector per step; on the recall task
//! its output is trained only at the last step, so the intermediate outputs
//! are free to become whatever code helps.
//!
//! Shapes legend, as in [`crate::nn::lstm`]: **B** batch, **T** time steps,
//! **I** input size, **H** hidden size, **O** output size (the number of
//! classes). Time-major, (T, B, ·), no padding.
//!
//! What is here: [`JordanParams::step`] (one step, batch of one, the plain
//! loop and oracle), [`jordan_forward`] (keeping a [`JordanCache`]) and
//! [`jordan_backward`] (BPTT by hand, full or truncated with the LSTM's
//! semantics, *adding* into [`JordanGrads`]). Generic over [`Float`].

use rand::Rng;

use super::matmul::{Mat, Threads, matmul};
use super::ops::{Float, add_to, cast_values, init_uniform, softmax_in_place};
use super::truncation::Streams;

/// Parameters of a Jordan network, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct JordanParams<F: Float = f32> {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// O
    pub output_size: usize,
    /// W_xh, (H, I)
    pub weight_xh: Vec<F>,
    /// W_yh, (H, O): the context (previous output) into the hidden layer
    pub weight_yh: Vec<F>,
    /// b_h, (H)
    pub bias_h: Vec<F>,
    /// W_hy, (O, H): the output layer
    pub weight_hy: Vec<F>,
    /// b_y, (O)
    pub bias_y: Vec<F>,
}

/// Gradients of a Jordan network: exactly [`JordanParams`]' fields; backward
/// *adds* into them.
pub type JordanGrads<F = f32> = JordanParams<F>;

impl<F: Float> JordanParams<F> {
    /// All-zero parameters of the given size.
    pub fn zeros(input_size: usize, hidden_size: usize, output_size: usize) -> Self {
        let (ni, nh, no) = (input_size, hidden_size, output_size);
        Self {
            input_size,
            hidden_size,
            output_size,
            weight_xh: vec![F::ZERO; nh * ni],
            weight_yh: vec![F::ZERO; nh * no],
            bias_h: vec![F::ZERO; nh],
            weight_hy: vec![F::ZERO; no * nh],
            bias_y: vec![F::ZERO; no],
        }
    }

    /// Uniform in ±1/√(fan-in) (PyTorch's `nn.RNN` / `nn.Linear` bounds:
    /// 1/√H for the hidden layer, 1/√H for the output layer), seeded.
    pub fn random(
        input_size: usize,
        hidden_size: usize,
        output_size: usize,
        rng: &mut impl Rng,
    ) -> Self {
        let mut p = Self::zeros(input_size, hidden_size, output_size);
        init_uniform(p.tensors_mut(), hidden_size, rng);
        p
    }

    /// Sets every value to zero (gradients start here).
    pub fn fill_zero(&mut self) {
        for t in self.tensors_mut() {
            t.fill(F::ZERO);
        }
    }

    /// The five tensors in a fixed order: weight_xh, weight_yh, bias_h,
    /// weight_hy, bias_y.
    pub fn tensors(&self) -> [&[F]; 5] {
        [
            &self.weight_xh,
            &self.weight_yh,
            &self.bias_h,
            &self.weight_hy,
            &self.bias_y,
        ]
    }

    /// The five tensors, mutable, in the order of [`JordanParams::tensors`].
    pub fn tensors_mut(&mut self) -> [&mut Vec<F>; 5] {
        [
            &mut self.weight_xh,
            &mut self.weight_yh,
            &mut self.bias_h,
            &mut self.weight_hy,
            &mut self.bias_y,
        ]
    }

    /// The same parameters in another float type (f32 ↔ f64 for checks).
    pub fn cast<G: Float>(&self) -> JordanParams<G> {
        let cast = cast_values::<F, G>;
        JordanParams {
            input_size: self.input_size,
            hidden_size: self.hidden_size,
            output_size: self.output_size,
            weight_xh: cast(&self.weight_xh),
            weight_yh: cast(&self.weight_yh),
            bias_h: cast(&self.bias_h),
            weight_hy: cast(&self.weight_hy),
            bias_y: cast(&self.bias_y),
        }
    }

    /// One step for a batch of one, the plain textbook loop: reads x_t (I)
    /// and the context p_{t-1} (O), replaces the context by p_t and returns
    /// (h_t (H), y_t (O)). The oracle [`jordan_forward`] is tested against,
    /// and the sampler's primitive.
    pub fn step(&self, x: &[F], context: &mut [F]) -> (Vec<F>, Vec<F>) {
        let (ni, nh, no) = (self.input_size, self.hidden_size, self.output_size);
        assert_eq!(
            x.len(),
            ni,
            "jordan step: input has {} values, expected {ni}",
            x.len()
        );
        assert_eq!(
            context.len(),
            no,
            "jordan step: context has {} values, expected {no}",
            context.len()
        );
        let dot = |w: &[F], v: &[F]| w.iter().zip(v).map(|(&a, &b)| a * b).sum::<F>();
        let h: Vec<F> = (0..nh)
            .map(|r| {
                let a = self.bias_h[r]
                    + dot(&self.weight_xh[r * ni..(r + 1) * ni], x)
                    + dot(&self.weight_yh[r * no..(r + 1) * no], context);
                a.tanh()
            })
            .collect();
        let y: Vec<F> = (0..no)
            .map(|c| self.bias_y[c] + dot(&self.weight_hy[c * nh..(c + 1) * nh], &h))
            .collect();
        context.copy_from_slice(&y);
        softmax_in_place(context);
        (h, y)
    }
}

/// What [`jordan_forward`] keeps for [`jordan_backward`].
#[derive(Debug, Clone)]
pub struct JordanCache<F: Float = f32> {
    /// T
    pub steps: usize,
    /// B
    pub batch: usize,
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// O
    pub output_size: usize,
    /// (T, B, I) the inputs
    pub x: Vec<F>,
    /// (T, B, H) h_t
    pub h: Vec<F>,
    /// (T, B, O) y_t, the logits
    pub y: Vec<F>,
    /// (T+1, B, O) p_{t-1} at index t: index 0 is the initial context
    pub p: Vec<F>,
}

impl<F: Float> JordanCache<F> {
    /// The logits y_t of every element at step t, (B, O).
    pub fn y_t(&self, t: usize) -> &[F] {
        let bo = self.batch * self.output_size;
        &self.y[t * bo..(t + 1) * bo]
    }
}

/// Forward over a batch, keeping what backward needs.
///
/// - `x`: (T, B, I) inputs; T is `x.len() / (B·I)`
/// - `p0`: optional initial context (B, O); zeros if `None`
pub fn jordan_forward<F: Float>(
    p: &JordanParams<F>,
    x: &[F],
    batch: usize,
    p0: Option<&[F]>,
) -> JordanCache<F> {
    let (ni, nh, no, nb) = (p.input_size, p.hidden_size, p.output_size, batch);
    let (bh, bo) = (nb * nh, nb * no);
    assert!(
        ni > 0 && nb > 0,
        "jordan forward: empty input size or batch"
    );
    assert_eq!(
        x.len() % (nb * ni),
        0,
        "jordan forward: x has {} values, not a multiple of B·I = {}",
        x.len(),
        nb * ni
    );
    let nt = x.len() / (nb * ni);
    let mut ctx = vec![F::ZERO; (nt + 1) * bo];
    if let Some(p0) = p0 {
        assert_eq!(
            p0.len(),
            bo,
            "jordan forward: p0 has {} values, expected B·O = {bo}",
            p0.len()
        );
        ctx[..bo].copy_from_slice(p0);
    }
    // a_t ← b_h + x_t·W_xhᵀ for all steps at once; finished step by step.
    let mut h = vec![F::ZERO; nt * bh];
    for row in h.chunks_exact_mut(nh) {
        row.copy_from_slice(&p.bias_h);
    }
    matmul(
        &mut h,
        Mat::new(x, nt * nb, ni),
        Mat::new(&p.weight_xh, nh, ni).t(),
        true,
        Threads::One,
    );
    let mut y = vec![F::ZERO; nt * bo];
    let (w_yh, w_hy) = (
        Mat::new(&p.weight_yh, nh, no),
        Mat::new(&p.weight_hy, no, nh),
    );
    for t in 0..nt {
        let a_t = &mut h[t * bh..(t + 1) * bh];
        // a_t += p_{t-1}·W_yhᵀ; h_t = tanh(a_t)
        matmul(
            a_t,
            Mat::new(&ctx[t * bo..(t + 1) * bo], nb, no),
            w_yh.t(),
            true,
            Threads::One,
        );
        F::tanh_in_place(a_t);
        // y_t = b_y + h_t·W_hyᵀ; p_t = softmax(y_t)
        let y_t = &mut y[t * bo..(t + 1) * bo];
        for row in y_t.chunks_exact_mut(no) {
            row.copy_from_slice(&p.bias_y);
        }
        matmul(y_t, Mat::new(a_t, nb, nh), w_hy.t(), true, Threads::One);
        let p_t = &mut ctx[(t + 1) * bo..(t + 2) * bo];
        p_t.copy_from_slice(y_t);
        p_t.chunks_exact_mut(no).for_each(softmax_in_place);
    }
    JordanCache {
        steps: nt,
        batch: nb,
        input_size: ni,
        hidden_size: nh,
        output_size: no,
        x: x.to_vec(),
        h,
        y,
        p: ctx,
    }
}

/// Gradients [`jordan_backward`] returns for the inputs of [`jordan_forward`].
#[derive(Debug, Clone)]
pub struct JordanInputGrads<F: Float = f32> {
    /// (T, B, I) ∂L/∂x
    pub dx: Vec<F>,
    /// (B, O) ∂L/∂p_{-1}, the initial context
    pub dp0: Vec<F>,
    /// (T, B, H) the gradient that reaches h_t through the (possibly
    /// truncated) graph, all streams summed: the gradient-norm profile
    pub dh: Vec<F>,
}

/// Backpropagation through time, the exact reverse of [`jordan_forward`],
/// walking t = T−1 … 0. With dp_t the gradient arriving at the context p_t
/// from step t+1:
///
/// ```text
/// dy_t    = dL/dy_t + p_t ⊙ (dp_t − ⟨dp_t, p_t⟩)     softmax's Jacobian
/// dW_hy  += dy_tᵀ·h_t,  db_y += Σ_B dy_t
/// dh_t    = dy_t·W_hy
/// da_t    = dh_t ⊙ (1 − h_t²)
/// dW_xh  += da_tᵀ·x_t,  dW_yh += da_tᵀ·p_{t-1},  db_h += Σ_B da_t
/// dx_t    = da_t·W_xh,  dp_{t-1} = da_t·W_yh
/// ```
///
/// - `dy`: (T, B, O) ∂L/∂y_t, the loss's gradient at the logits of each step
/// - `truncate`: as [`crate::nn::lstm::lstm_backward`]: the loss at step t
///   flows through steps t, …, t−k+1 only and reaches the context p_{t-k}
///   entering step t−k+1 (and `dp0` when that is p_{-1}), nothing earlier;
///   the streams are [`crate::nn::truncation`]'s
/// - `grads`: weight and bias gradients are *added* into it
pub fn jordan_backward<F: Float>(
    p: &JordanParams<F>,
    cache: &JordanCache<F>,
    dy: &[F],
    truncate: Option<usize>,
    grads: &mut JordanGrads<F>,
) -> JordanInputGrads<F> {
    let (ni, nh, no, nb, nt) = (
        cache.input_size,
        cache.hidden_size,
        cache.output_size,
        cache.batch,
        cache.steps,
    );
    let (bh, bo) = (nb * nh, nb * no);
    assert_eq!(
        (p.input_size, p.hidden_size, p.output_size),
        (ni, nh, no),
        "jordan backward: parameters do not match the cache"
    );
    assert_eq!(
        (grads.input_size, grads.hidden_size, grads.output_size),
        (ni, nh, no),
        "jordan backward: gradient shape differs"
    );
    assert_eq!(
        dy.len(),
        nt * bo,
        "jordan backward: dy has {} values, expected T·B·O = {}",
        dy.len(),
        nt * bo
    );
    let ages = Streams::new(truncate, nt, "jordan");
    let streams = ages.count();
    let (w_yh, w_hy) = (
        Mat::new(&p.weight_yh, nh, no),
        Mat::new(&p.weight_hy, no, nh),
    );

    let mut dy_all = vec![F::ZERO; nt * bo]; // (T, B, O) ∂L/∂y_t, streams summed
    let mut da_all = vec![F::ZERO; nt * bh]; // (T, B, H) ∂L/∂a_t, streams summed
    let mut dh_all = vec![F::ZERO; nt * bh]; // (T, B, H) what reaches h_t
    let mut dyt = vec![F::ZERO; streams * bo]; // (streams, B, O) at this step
    let mut dh = vec![F::ZERO; streams * bh]; // (streams, B, H) at this step
    let mut da = vec![F::ZERO; streams * bh]; // (streams, B, H) at this step
    // (streams, B, O) ∂L/∂p_t arriving from step t+1, by age (a stream that
    // would leave the k-step window is not carried).
    let mut carry = vec![F::ZERO; streams * bo];
    let mut dp0 = vec![F::ZERO; bo];

    for t in (0..nt).rev() {
        let p_t = &cache.p[(t + 1) * bo..(t + 2) * bo];
        let dy_t = &dy[t * bo..(t + 1) * bo];
        // Each stream's gradient at the logits: through softmax from the
        // carried dp_t, plus (age 0 / the one full stream) this step's loss.
        for a in 0..streams {
            let d = &mut dyt[a * bo..(a + 1) * bo];
            let c = &carry[a * bo..(a + 1) * bo];
            for ((d_row, c_row), p_row) in d
                .chunks_exact_mut(no)
                .zip(c.chunks_exact(no))
                .zip(p_t.chunks_exact(no))
            {
                let inner: F = c_row.iter().zip(p_row).map(|(&c, &q)| c * q).sum();
                for ((dv, &cv), &q) in d_row.iter_mut().zip(c_row).zip(p_row) {
                    *dv = q * (cv - inner);
                }
            }
            if a == 0 {
                add_to(d, dy_t);
            }
            add_to(&mut dy_all[t * bo..(t + 1) * bo], d);
        }
        // dh_t = dy_t·W_hy, then through the tanh.
        matmul(
            &mut dh,
            Mat::new(&dyt, streams * nb, no),
            w_hy,
            false,
            Threads::One,
        );
        let h_t = &cache.h[t * bh..(t + 1) * bh];
        for a in 0..streams {
            let dh_a = &dh[a * bh..(a + 1) * bh];
            add_to(&mut dh_all[t * bh..(t + 1) * bh], dh_a);
            let da_a = &mut da[a * bh..(a + 1) * bh];
            for ((d, &g), &h) in da_a.iter_mut().zip(dh_a).zip(h_t) {
                *d = g * (F::ONE - h * h);
            }
            add_to(&mut da_all[t * bh..(t + 1) * bh], da_a);
        }
        // dp_{t-1} = da_t·W_yh, each stream one step older when truncating.
        ages.carry_back(
            t,
            &da_all[t * bh..(t + 1) * bh],
            &da,
            w_yh,
            &mut dp0,
            &mut carry,
        );
    }
    // The weight gradients from all steps at once.
    let rows = nt * nb;
    let da_t = Mat::new(&da_all, rows, nh).t();
    let dy_tr = Mat::new(&dy_all, rows, no).t();
    matmul(
        &mut grads.weight_xh,
        da_t,
        Mat::new(&cache.x, rows, ni),
        true,
        Threads::One,
    );
    matmul(
        &mut grads.weight_yh,
        da_t,
        Mat::new(&cache.p[..rows * no], rows, no),
        true,
        Threads::One,
    );
    matmul(
        &mut grads.weight_hy,
        dy_tr,
        Mat::new(&cache.h, rows, nh),
        true,
        Threads::One,
    );
    for row in da_all.chunks_exact(nh) {
        add_to(&mut grads.bias_h, row);
    }
    for row in dy_all.chunks_exact(no) {
        add_to(&mut grads.bias_y, row);
    }
    let mut dx = vec![F::ZERO; rows * ni];
    matmul(
        &mut dx,
        Mat::new(&da_all, rows, nh),
        Mat::new(&p.weight_xh, nh, ni),
        false,
        Threads::One,
    );
    JordanInputGrads {
        dx,
        dp0,
        dh: dh_all,
    }
}
