//! σ and tanh over f32 slices, written so the compiler vectorises them.
//!
//! A training step of the benchmark LSTM evaluates about 30 million gate
//! nonlinearities; calling libm's `expf` one value at a time would cost a
//! large share of the step. Here `exp` is the Cephes single-precision
//! polynomial (range reduction by ln 2, degree-6 polynomial, exponent put in
//! with bit operations): no calls, no branches, so each loop compiles to SIMD
//! on any x86-64. Relative error ≤ 2·10⁻⁷ on the clamped range
//! (checked against `f32::exp` in the tests below).
//!
//! [`with_widest_simd`] runs a closure compiled for the widest vector unit
//! the CPU has (AVX-512, else AVX2 + FMA, else baseline x86-64), chosen at
//! run time — never `target-cpu=native`, so the binary runs anywhere. Code
//! inside it that is `#[inline(always)]` (these loops, the LSTM's fused gate
//! and cell loops) is vectorised 16 or 8 lanes wide instead of 4.

/// e^x for x clamped to [−87.3, 88.7] (the f32 range), branch-free.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so n·ln2 is exact in the high part.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Adding then subtracting 1.5·2²³ rounds to the nearest integer.
    const ROUND: f32 = 12_582_912.0;
    let x = if x < -87.3 { -87.3 } else { x };
    let x = if x > 88.7 { 88.7 } else { x };
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.500_000_1;
    let p = p * r * r + r + 1.0;
    // 2^n from the exponent bits; n ∈ [−126, 128] after the clamp, and 2^n·p
    // is formed in two halves so n = 128 does not overflow the exponent.
    let n = n as i32;
    let half = n >> 1;
    let scale_a = f32::from_bits(((half + 127) as u32) << 23);
    let scale_b = f32::from_bits(((n - half + 127) as u32) << 23);
    p * scale_a * scale_b
}

/// A piece of work to compile for several instruction sets: its `run` must
/// be `#[inline(always)]` (and everything it calls in its hot loop too), so
/// it is compiled into each of [`with_widest_simd`]'s wrappers.
pub trait SimdKernel {
    type Output;
    fn run(self) -> Self::Output;
}

/// Runs `kernel` compiled with the widest SIMD instruction set this CPU has.
#[inline(always)]
pub fn with_widest_simd<K: SimdKernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx512f,avx2,fma")]
        fn avx512<K: SimdKernel>(kernel: K) -> K::Output {
            kernel.run()
        }
        #[target_feature(enable = "avx2,fma")]
        fn avx2<K: SimdKernel>(kernel: K) -> K::Output {
            kernel.run()
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F (and with it AVX2 and FMA).
            return unsafe { avx512(kernel) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA.
            return unsafe { avx2(kernel) };
        }
    }
    kernel.run()
}

/// σ(z) = 1 / (1 + e^{−z}) for every value, in place.
#[inline(always)]
pub fn sigmoid_in_place(z: &mut [f32]) {
    for v in z {
        *v = 1.0 / (1.0 + exp(-*v));
    }
}

/// tanh(z) = sign(z)·(1 − e^{−2|z|}) / (1 + e^{−2|z|}) for every value, in place.
#[inline(always)]
pub fn tanh_in_place(z: &mut [f32]) {
    for v in z {
        let e = exp(-2.0 * v.abs());
        let t = (1.0 - e) / (1.0 + e);
        *v = t.copysign(*v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_sigmoid_tanh_match_std() {
        let xs: Vec<f32> = (-19300..=19700).map(|i| i as f32 * 0.0045).collect();
        let mut max_exp = 0.0f64;
        for &x in &xs {
            let (got, want) = (exp(x) as f64, (x as f64).exp());
            max_exp = max_exp.max((got - want).abs() / want);
        }
        assert!(max_exp < 3e-7, "exp: max relative error {max_exp}");

        let mut s = xs.clone();
        sigmoid_in_place(&mut s);
        let mut t = xs.clone();
        tanh_in_place(&mut t);
        let (mut max_s, mut max_t) = (0.0f64, 0.0f64);
        for ((&x, &s), &t) in xs.iter().zip(&s).zip(&t) {
            let x = x as f64;
            max_s = max_s.max((s as f64 - 1.0 / (1.0 + (-x).exp())).abs());
            max_t = max_t.max((t as f64 - x.tanh()).abs());
        }
        assert!(max_s < 2e-7, "sigmoid: max abs error {max_s}");
        assert!(max_t < 3e-7, "tanh: max abs error {max_t}");

        // The ends of the range stay finite and saturate.
        let mut ends = [-1e30f32, -100.0, 100.0, 1e30];
        sigmoid_in_place(&mut ends);
        assert!(
            ends[..2].iter().all(|&v| (0.0..1e-37).contains(&v)),
            "{ends:?}"
        );
        assert_eq!(ends[2..], [1.0, 1.0]);
        let mut ends = [-1e30f32, 1e30, 0.0, -0.0];
        tanh_in_place(&mut ends);
        assert_eq!(ends, [-1.0, 1.0, 0.0, 0.0]);
    }
}
