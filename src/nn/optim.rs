//! What every trainer needs after backward: global-norm gradient clipping
//! and Adam.
//!
//! - **Global L2 norm** ‖g‖: the square root of the sum of squares of every
//!   gradient value of every tensor, as if they were one vector.
//! - **Clipping** to τ: g ← g·τ/‖g‖ when ‖g‖ > τ, else g unchanged, so one
//!   exploding step cannot throw the weights away. [`clip_grad_norm`] returns
//!   the norm *before* clipping, which is what a training log wants to show.
//! - **SGD**: θ ← θ − lr·g ([`sgd_step`]), the lecture's plain update.
//! - **Adam** (Kingma & Ba) with bias correction, and optional decoupled
//!   weight decay (AdamW): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
//!   θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε) − lr·λ·θ.
//!
//! Both work on plain slices (the fused LSTM's own buffers) and, through
//! [`clip_grad_store`] and [`Adam::step_vars`], on candle `Var`s and their
//! `GradStore` (models that mix the fused LSTM with candle ops).

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};

use super::ops::Float;

/// ‖g‖, the L2 norm of all values of all tensors together (summed in f64).
pub fn global_norm<F: Float>(grads: &[&[F]]) -> F {
    let sum: f64 = grads
        .iter()
        .flat_map(|g| g.iter())
        .map(|&v| v.to_f64() * v.to_f64())
        .sum();
    F::from_f64(sum.sqrt())
}

/// Scales all gradients by τ/‖g‖ when ‖g‖ > τ (`max_norm`), leaving them
/// alone otherwise. Returns ‖g‖ before clipping.
pub fn clip_grad_norm<F: Float>(grads: &mut [&mut [F]], max_norm: F) -> F {
    let views: Vec<&[F]> = grads.iter().map(|g| &**g).collect();
    let norm = global_norm(&views);
    if norm > max_norm {
        let scale = max_norm / norm;
        for v in grads.iter_mut().flat_map(|g| g.iter_mut()) {
            *v *= scale;
        }
    }
    norm
}

/// [`clip_grad_norm`] over the gradients of `vars` in a candle `GradStore`
/// (vars without a gradient are skipped). Returns ‖g‖ before clipping.
pub fn clip_grad_store(
    grads: &mut GradStore,
    vars: &[Var],
    max_norm: f32,
) -> candle_core::Result<f32> {
    let mut sum = 0.0f64;
    for var in vars {
        if let Some(g) = grads.get(var.as_tensor()) {
            let g: Vec<f32> = g.flatten_all()?.to_vec1()?;
            sum += g.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>();
        }
    }
    let norm = sum.sqrt() as f32;
    if norm > max_norm {
        let scale = (max_norm / norm) as f64;
        for var in vars {
            if let Some(g) = grads.remove(var.as_tensor()) {
                grads.insert(var.as_tensor(), g.affine(scale, 0.0)?);
            }
        }
    }
    Ok(norm)
}

/// One plain stochastic-gradient-descent step, θ ← θ − lr·g, for every
/// tensor in `params` from the matching `grads`.
pub fn sgd_step(params: &mut [&mut [f32]], grads: &[&[f32]], lr: f32) {
    assert_eq!(
        params.len(),
        grads.len(),
        "sgd: {} tensors but {} gradients",
        params.len(),
        grads.len()
    );
    for (p, g) in params.iter_mut().zip(grads) {
        assert_eq!(
            p.len(),
            g.len(),
            "sgd: a gradient's size differs from its tensor's"
        );
        for (v, &d) in p.iter_mut().zip(g.iter()) {
            *v -= lr * d;
        }
    }
}

/// Adam with bias correction and optional decoupled weight decay.
#[derive(Debug, Clone)]
pub struct Adam {
    /// step size
    pub lr: f32,
    /// decay of the first moment (0.9)
    pub beta1: f32,
    /// decay of the second moment (0.999)
    pub beta2: f32,
    /// added to √v̂ (1e-8)
    pub eps: f32,
    /// decoupled weight decay λ (0 = plain Adam)
    pub weight_decay: f32,
    /// steps taken so far
    t: i32,
    /// first moments, one per tensor
    m: Vec<Vec<f32>>,
    /// second moments, one per tensor
    v: Vec<Vec<f32>>,
}

impl Adam {
    /// Adam with the usual defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, no decay).
    pub fn new(lr: f32) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// Steps taken so far.
    pub fn steps(&self) -> i32 {
        self.t
    }

    /// The state a checkpoint needs: steps taken, first and second moments
    /// (one per tensor, empty before the first step).
    pub fn state(&self) -> (i32, &[Vec<f32>], &[Vec<f32>]) {
        (self.t, &self.m, &self.v)
    }

    /// Restores a state saved from [`Adam::state`] (resuming training).
    pub fn restore(&mut self, t: i32, m: Vec<Vec<f32>>, v: Vec<Vec<f32>>) {
        assert_eq!(m.len(), v.len(), "adam: moments differ in count");
        self.t = t;
        self.m = m;
        self.v = v;
    }

    /// One update of every tensor in `params` from the matching `grads`.
    /// Always pass the tensors in the same order: moments are kept by position.
    pub fn step(&mut self, params: &mut [&mut [f32]], grads: &[&[f32]]) {
        assert_eq!(
            params.len(),
            grads.len(),
            "adam: {} tensors but {} gradients",
            params.len(),
            grads.len()
        );
        if self.m.is_empty() {
            self.m = params.iter().map(|p| vec![0.0; p.len()]).collect();
            self.v = self.m.clone();
        }
        assert_eq!(
            self.m.len(),
            params.len(),
            "adam: the set of tensors changed between steps"
        );
        self.t += 1;
        let c1 = 1.0 - self.beta1.powi(self.t);
        let c2 = 1.0 - self.beta2.powi(self.t);
        let hyper = (self.beta1, self.beta2, self.lr, self.eps, self.weight_decay);
        for (((p, g), m), v) in params
            .iter_mut()
            .zip(grads)
            .zip(&mut self.m)
            .zip(&mut self.v)
        {
            assert_eq!(
                (p.len(), g.len()),
                (m.len(), m.len()),
                "adam: a tensor changed size between steps"
            );
            update(hyper, p, g, m, v, c1, c2);
        }
    }

    /// One update of candle `vars` from their gradients in `grads` (a var
    /// without a gradient gets a zero gradient, so its moments stay in step).
    pub fn step_vars(&mut self, vars: &[Var], grads: &GradStore) -> candle_core::Result<()> {
        let mut values: Vec<Vec<f32>> = Vec::with_capacity(vars.len());
        let mut gs: Vec<Vec<f32>> = Vec::with_capacity(vars.len());
        for var in vars {
            let value: Vec<f32> = var.as_tensor().flatten_all()?.to_vec1()?;
            let g = match grads.get(var.as_tensor()) {
                Some(g) => g.flatten_all()?.to_vec1()?,
                None => vec![0.0; value.len()],
            };
            values.push(value);
            gs.push(g);
        }
        let mut params: Vec<&mut [f32]> = values.iter_mut().map(|v| v.as_mut_slice()).collect();
        let grad_views: Vec<&[f32]> = gs.iter().map(|g| g.as_slice()).collect();
        self.step(&mut params, &grad_views);
        for (var, value) in vars.iter().zip(values) {
            var.set(&Tensor::from_vec(value, var.shape(), var.device())?)?;
        }
        Ok(())
    }
}

/// The Adam update of one tensor; `hyper` is (β₁, β₂, lr, ε, λ) and `c1`,
/// `c2` are the bias corrections 1−βᵗ.
fn update(
    hyper: (f32, f32, f32, f32, f32),
    p: &mut [f32],
    g: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    c1: f32,
    c2: f32,
) {
    let (b1, b2, lr, eps, wd) = hyper;
    for k in 0..p.len() {
        m[k] = b1 * m[k] + (1.0 - b1) * g[k];
        v[k] = b2 * v[k] + (1.0 - b2) * g[k] * g[k];
        let m_hat = m[k] / c1;
        let v_hat = v[k] / c2;
        p[k] -= lr * (m_hat / (v_hat.sqrt() + eps) + wd * p[k]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_scales_to_exactly_tau_above_and_leaves_alone_below() {
        let mut a = vec![3.0f64, 0.0];
        let mut b = vec![4.0f64, 12.0];
        // ‖g‖ = √(9 + 16 + 144) = 13.
        let norm = clip_grad_norm(&mut [&mut a, &mut b], 6.5);
        assert_eq!(norm, 13.0);
        assert_eq!((a.clone(), b.clone()), (vec![1.5, 0.0], vec![2.0, 6.0]));
        let after = global_norm(&[&a, &b]);
        assert!((after - 6.5).abs() < 1e-12, "norm after clipping {after}");

        let (a0, b0) = (a.clone(), b.clone());
        let norm = clip_grad_norm(&mut [&mut a, &mut b], 10.0);
        assert!((norm - 6.5).abs() < 1e-12);
        assert_eq!((a, b), (a0, b0), "below τ nothing changes");
    }

    #[test]
    fn adam_first_step_moves_each_weight_by_lr_against_the_gradient_sign() {
        // With bias correction, step 1 is θ − lr·g/(|g| + ε) ≈ θ − lr·sign(g).
        let mut adam = Adam::new(0.1);
        let mut p = vec![1.0f32, 1.0, 1.0];
        let g = [0.5f32, -2.0, 1e-3];
        adam.step(&mut [&mut p], &[&g]);
        for (got, want) in p.iter().zip([0.9f32, 1.1, 0.9]) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
    }

    #[test]
    fn adam_minimises_a_quadratic() {
        let mut adam = Adam::new(0.05);
        let mut p = vec![3.0f32, -2.0];
        for _ in 0..500 {
            let g: Vec<f32> = p.iter().map(|&x| 2.0 * (x - 1.0)).collect();
            adam.step(&mut [&mut p], &[&g]);
        }
        assert!(p.iter().all(|&x| (x - 1.0).abs() < 1e-2), "{p:?}");
    }
}
