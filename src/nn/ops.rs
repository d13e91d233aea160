//! The numeric primitives every model shares, in one place: the [`Float`]
//! trait the generic code runs in (f32 for use, f64 for finite-difference
//! checks), [`dot`], [`add_to`], the softmax ([`softmax_in_place`],
//! [`softmax_with_temperature`]) and categorical sampling ([`categorical`]
//! from probabilities, [`sample_logits`] from logits).

use std::fmt::Debug;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use rand::Rng;

/// The floating-point types the numeric code runs in: f32 for use, f64 for checks.
pub trait Float:
    Copy
    + Send
    + Sync
    + Debug
    + Default
    + PartialOrd
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Sum
{
    const ZERO: Self;
    const ONE: Self;
    fn from_f64(v: f64) -> Self;
    fn to_f64(self) -> f64;
    fn exp(self) -> Self;
    fn tanh(self) -> Self;
    fn sqrt(self) -> Self;
    /// σ(z) applied to every value of `z`, in place.
    fn sigmoid_in_place(z: &mut [Self]);
    /// tanh applied to every value of `z`, in place.
    fn tanh_in_place(z: &mut [Self]);
}

/// The f32 and f64 impls differ only in the type and in the in-place
/// activations: f32 takes the vectorised approximations of
/// [`super::fastmath`], f64 the exact scalar functions the checks need.
macro_rules! impl_float {
    ($t:ty, |$z:ident| sigmoid: $sigmoid:expr, tanh: $tanh:expr) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            fn tanh(self) -> Self {
                <$t>::tanh(self)
            }
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline(always)]
            fn sigmoid_in_place($z: &mut [Self]) {
                $sigmoid
            }
            #[inline(always)]
            fn tanh_in_place($z: &mut [Self]) {
                $tanh
            }
        }
    };
}

impl_float!(f64, |z| sigmoid: {
    for v in z {
        *v = 1.0 / (1.0 + (-*v).exp());
    }
}, tanh: {
    for v in z {
        *v = v.tanh();
    }
});
impl_float!(f32, |z| sigmoid: super::fastmath::sigmoid_in_place(z),
    tanh: super::fastmath::tanh_in_place(z));

/// Σ a_j·b_j with 16 independent accumulators, so the loop vectorises on any
/// x86-64 (no FMA or `target-cpu` needed) and the adds do not wait on each other.
#[inline(always)]
pub fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    const LANES: usize = 16;
    let mut acc = [F::ZERO; LANES];
    let (ac, ar) = a.split_at(a.len() / LANES * LANES);
    let (bc, br) = b.split_at(ac.len());
    for (ca, cb) in ac.chunks_exact(LANES).zip(bc.chunks_exact(LANES)) {
        for j in 0..LANES {
            acc[j] += ca[j] * cb[j];
        }
    }
    let mut s = ar.iter().zip(br).map(|(&x, &y)| x * y).sum::<F>();
    for v in acc {
        s += v;
    }
    s
}

/// Each row of `m` (rows of `dim` values) scaled to unit length, û = u/‖u‖,
/// and the lengths ‖u‖ (at least 1e-12, so a zero row stays zero): the
/// normalisation of a cosine similarity.
pub fn unit_rows(m: &[f32], dim: usize) -> (Vec<f32>, Vec<f32>) {
    let mut unit = m.to_vec();
    let mut norms = Vec::with_capacity(m.len() / dim.max(1));
    for row in unit.chunks_exact_mut(dim.max(1)) {
        let norm = dot(row, row).sqrt().max(1e-12);
        row.iter_mut().for_each(|x| *x /= norm);
        norms.push(norm);
    }
    (unit, norms)
}

/// Backward of [`unit_rows`]: ∂u = (∂û − (∂û·û)·û) / ‖u‖, row by row, added
/// into `du` (only the change of direction reaches u).
pub fn unit_rows_backward(unit: &[f32], norms: &[f32], dunit: &[f32], du: &mut [f32]) {
    let dim = unit.len() / norms.len().max(1);
    for (((u, &n), g), d) in unit
        .chunks_exact(dim.max(1))
        .zip(norms)
        .zip(dunit.chunks_exact(dim.max(1)))
        .zip(du.chunks_exact_mut(dim.max(1)))
    {
        let along = dot(g, u);
        for ((d, &g), &u) in d.iter_mut().zip(g).zip(u) {
            *d += (g - along * u) / n;
        }
    }
}

/// dst += src, elementwise.
#[inline(always)]
pub fn add_to<F: Float>(dst: &mut [F], src: &[F]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

/// softmax(row) in place, shifted by the max for stability.
#[inline]
pub fn softmax_in_place<F: Float>(row: &mut [F]) {
    // (v − max) / 1 is exact, so this is the plain softmax bit for bit.
    tempered_softmax_in_place(row, F::ONE);
}

/// softmax(z / t), max subtracted first.
pub fn softmax_with_temperature(z: &[f32], t: f32) -> Vec<f32> {
    let mut p = z.to_vec();
    tempered_softmax_in_place(&mut p, t);
    p
}

#[inline]
fn tempered_softmax_in_place<F: Float>(row: &mut [F], t: F) {
    let max = row
        .iter()
        .copied()
        .fold(None, |m: Option<F>, v| match m {
            Some(m) if m >= v => Some(m),
            _ => Some(v),
        })
        .unwrap_or(F::ZERO);
    let mut total = F::ZERO;
    for v in row.iter_mut() {
        *v = ((*v - max) / t).exp();
        total += *v;
    }
    for v in row.iter_mut() {
        *v = *v / total;
    }
}

/// PyTorch's initialisation of a recurrent layer: every value of `tensors`,
/// in order, uniform in ±1/√H, so a seed gives the same weights as the
/// order of the tensors does.
pub fn init_uniform<'a, F: Float>(
    tensors: impl IntoIterator<Item = &'a mut Vec<F>>,
    hidden_size: usize,
    rng: &mut impl Rng,
) {
    let bound = 1.0 / (hidden_size as f64).sqrt();
    for t in tensors {
        for v in t.iter_mut() {
            *v = F::from_f64(rng.random_range(-bound..bound));
        }
    }
}

/// The same values in another float type (f32 ↔ f64 for checks).
pub fn cast_values<F: Float, G: Float>(v: &[F]) -> Vec<G> {
    v.iter().map(|x| G::from_f64(x.to_f64())).collect()
}

/// The first index whose cumulative probability reaches `u` (sketch_rnn.js).
pub fn categorical(p: &[f32], u: f32) -> usize {
    let mut acc = 0.0;
    for (i, &pi) in p.iter().enumerate() {
        acc += pi;
        if acc >= u {
            return i;
        }
    }
    p.len() - 1 // rounding left the sum a hair below u
}

/// A class drawn from softmax(logits / temperature); the arg-max at
/// temperature ≤ 0.001.
pub fn sample_logits(logits: &[f32], temperature: f32, rng: &mut impl Rng) -> usize {
    let best = (0..logits.len())
        .max_by(|&a, &b| logits[a].total_cmp(&logits[b]))
        .unwrap_or(0);
    if temperature <= 1e-3 {
        return best;
    }
    let max = logits[best];
    let weights: Vec<f32> = logits
        .iter()
        .map(|&z| ((z - max) / temperature).exp())
        .collect();
    let mut u = rng.random::<f32>() * weights.iter().sum::<f32>();
    for (c, w) in weights.iter().enumerate() {
        if u < *w {
            return c;
        }
        u -= w;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_and_categorical() {
        let p = softmax_with_temperature(&[1.0, 1.0, 1000.0], 1.0);
        assert!((p[2] - 1.0).abs() < 1e-6);
        let mut q = [1.0f64, 2.0, 3.0];
        softmax_in_place(&mut q);
        assert!((q.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(categorical(&[0.2, 0.3, 0.5], 0.0), 0);
        assert_eq!(categorical(&[0.2, 0.3, 0.5], 0.25), 1);
        assert_eq!(categorical(&[0.2, 0.3, 0.5], 1.0), 2);
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        assert_eq!(dot(&a, &a), (0..19).map(|i| (i * i) as f32).sum::<f32>());
    }
}
