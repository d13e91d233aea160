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

impl Float for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn sigmoid_in_place(z: &mut [Self]) {
        for v in z {
            *v = 1.0 / (1.0 + (-*v).exp());
        }
    }
    #[inline(always)]
    fn tanh_in_place(z: &mut [Self]) {
        for v in z {
            *v = v.tanh();
        }
    }
}

impl Float for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn exp(self) -> Self {
        f32::exp(self)
    }
    fn tanh(self) -> Self {
        f32::tanh(self)
    }
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    #[inline(always)]
    fn sigmoid_in_place(z: &mut [Self]) {
        super::fastmath::sigmoid_in_place(z);
    }
    #[inline(always)]
    fn tanh_in_place(z: &mut [Self]) {
        super::fastmath::tanh_in_place(z);
    }
}

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
