//! Gradient checks shared by the LSTM and lab tests: finite differences and
//! the comparison of analytic with numeric gradients.

use rnn_studio::nn::ops::Float;

/// Largest |a − b| over two slices of equal length.
pub fn max_abs_diff<F: Float>(a: &[F], b: &[F]) -> f64 {
    assert_eq!(a.len(), b.len(), "compared slices differ in length");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x.to_f64() - y.to_f64()).abs())
        .fold(0.0, f64::max)
}

/// Fourth-order central differences of `loss` at every value of `values`
/// (restored after): f' ≈ (8(f(x+ε) − f(x−ε)) − (f(x+2ε) − f(x−2ε))) / 12ε,
/// ε = 1e-4, whose truncation error (~ε⁴) and rounding error (~1e-16/ε)
/// both stay near 1e-12.
pub fn finite_differences(values: &mut [f64], mut loss: impl FnMut(&[f64]) -> f64) -> Vec<f64> {
    let eps = 1e-4;
    (0..values.len())
        .map(|j| {
            let v = values[j];
            let mut at = |d: f64| {
                values[j] = v + d;
                loss(values)
            };
            let near = at(eps) - at(-eps);
            let far = at(2.0 * eps) - at(-2.0 * eps);
            values[j] = v;
            (8.0 * near - far) / (12.0 * eps)
        })
        .collect()
}

/// Asserts max relative error |a − n| / max(|a|, |n|) < 1e-4 over values
/// where either is above 1e-6, and max abs error < 1e-9; returns the
/// relative error.
pub fn compare_grads(name: &str, analytic: &[f64], numeric: &[f64]) -> f64 {
    assert_eq!(analytic.len(), numeric.len());
    let mut rel = 0.0f64;
    for (&a, &n) in analytic.iter().zip(numeric) {
        let scale = a.abs().max(n.abs());
        if scale > 1e-6 {
            rel = rel.max((a - n).abs() / scale);
        }
    }
    let abs = max_abs_diff(analytic, numeric);
    println!(
        "  {name:<22} {:>4} values: max rel err {rel:.2e}, max abs err {abs:.2e}",
        analytic.len()
    );
    assert!(
        rel < 1e-4 && abs < 1e-9,
        "{name}: relative error {rel}, abs error {abs}"
    );
    rel
}
