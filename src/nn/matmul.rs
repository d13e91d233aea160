//! A safe, allocation-free matrix multiply on plain slices, for the fused
//! kernels (the LSTM's input projection, recurrent step and BPTT).
//!
//! It calls the `gemm` crate directly — the same code candle's CPU matmul runs,
//! with run-time SIMD dispatch — but on our own buffers, so a time step costs
//! no tensor allocation. A [`Mat`] is a read-only view with a row and a column
//! stride, so a transpose is a view ([`Mat::t`]), never a copy.

use super::fastmath::{SimdKernel, with_widest_simd};
use super::ops::{Float, dot};

/// How many threads one multiply may use. The LSTM already runs the two
/// directions of a bidirectional layer on two threads, so most calls are
/// single-threaded; large one-off multiplies of a unidirectional layer may use
/// both cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// Run on the calling thread.
    One,
    /// Let `gemm` split the work over up to this many rayon threads.
    Many(usize),
}

/// A read-only matrix view: element (r, c) is `data[r * rs + c * cs]`.
#[derive(Debug, Clone, Copy)]
pub struct Mat<'a, F> {
    data: &'a [F],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
}

impl<'a, F: Float> Mat<'a, F> {
    /// A row-major (rows × cols) matrix over `data`.
    pub fn new(data: &'a [F], rows: usize, cols: usize) -> Self {
        Self::strided(data, rows, cols, cols, 1)
    }

    /// A matrix with explicit row and column strides.
    pub fn strided(data: &'a [F], rows: usize, cols: usize, rs: usize, cs: usize) -> Self {
        if rows > 0 && cols > 0 {
            let last = (rows - 1) * rs + (cols - 1) * cs;
            assert!(
                last < data.len(),
                "matmul: a {rows}×{cols} view with strides ({rs}, {cs}) needs {} values, slice has {}",
                last + 1,
                data.len()
            );
        }
        Self {
            data,
            rows,
            cols,
            rs,
            cs,
        }
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The transpose, as a view.
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }
}

/// `dst (m×n, row-major) = a (m×k) · b (k×n)`, or `dst += a·b` when
/// `accumulate` is set.
pub fn matmul<F: Float>(
    dst: &mut [F],
    a: Mat<'_, F>,
    b: Mat<'_, F>,
    accumulate: bool,
    threads: Threads,
) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert_eq!(
        b.rows, k,
        "matmul: inner sizes differ ({m}×{k} · {}×{n})",
        b.rows
    );
    assert_eq!(
        dst.len(),
        m * n,
        "matmul: destination has {} values, expected {m}×{n}",
        dst.len()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        // An empty sum: nothing to add, or all zeros.
        if !accumulate {
            dst.fill(F::ZERO);
        }
        return;
    }
    if m <= FEW_ROWS && a.cs == 1 && b.rs == 1 {
        with_widest_simd(FewRows {
            dst,
            a,
            b,
            accumulate,
        });
        return;
    }
    let parallelism = match threads {
        Threads::One => gemm::Parallelism::None,
        Threads::Many(n) => gemm::Parallelism::Rayon(n),
    };
    // SAFETY: the views were bounds-checked when made (every index a view can
    // reach lies inside its slice), `dst` holds exactly m×n values and is
    // borrowed mutably, so it cannot alias `a` or `b`. `F` is f32 or f64,
    // both of which `gemm` supports.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a.cs as isize,
            a.rs as isize,
            b.data.as_ptr(),
            b.cs as isize,
            b.rs as isize,
            F::ONE,
            F::ONE,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// At most this many rows of `a` take the [`FewRows`] path.
const FEW_ROWS: usize = 8;

/// `dst (+)= a·b` for a few rows of `a` against a `b` whose columns are
/// contiguous (a weight matrix W (out, in) read as Wᵀ): each output is a dot
/// product of two contiguous slices. This is the decoder's case — the rows
/// are a beam's hypotheses — where the product is bound by reading W from
/// memory: here each column of `b` is read once for all rows, while gemm's
/// general kernel would first copy (pack) all of `b` on every call, which
/// cost 70% of a beam search (profile in `bench/PROFILES.md`).
struct FewRows<'a, 'v, F: Float> {
    dst: &'a mut [F],
    a: Mat<'v, F>,
    b: Mat<'v, F>,
    accumulate: bool,
}

impl<F: Float> SimdKernel for FewRows<'_, '_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let (m, k, n) = (self.a.rows, self.a.cols, self.b.cols);
        for j in 0..n {
            let col = &self.b.data[j * self.b.cs..][..k];
            for r in 0..m {
                let row = &self.a.data[r * self.a.rs..][..k];
                let v = dot(row, col);
                let d = &mut self.dst[r * n + j];
                *d = if self.accumulate { *d + v } else { v };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Largest |got − scale·want|.
    fn max_err(got: &[f64], want: &[f64], scale: f64) -> f64 {
        got.iter()
            .zip(want)
            .map(|(x, y)| (x - scale * y).abs())
            .fold(0.0, f64::max)
    }

    fn naive(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut out = vec![0.0; m * n];
        for r in 0..m {
            for c in 0..n {
                out[r * n + c] = (0..k).map(|j| a[r * k + j] * b[j * n + c]).sum();
            }
        }
        out
    }

    #[test]
    fn matches_naive_with_transposes_and_accumulation() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f64> = (0..m * k).map(|v| (v as f64 * 0.37).sin()).collect();
        let b: Vec<f64> = (0..k * n).map(|v| (v as f64 * 0.11).cos()).collect();
        let want = naive(&a, &b, m, k, n);
        let mut got = vec![1.0; m * n];
        matmul(
            &mut got,
            Mat::new(&a, m, k),
            Mat::new(&b, k, n),
            false,
            Threads::One,
        );
        let err = max_err(&got, &want, 1.0);
        assert!(err < 1e-12, "plain product: max abs diff {err}");

        // b given transposed (n×k) and read through a transposed view; added on top.
        let bt: Vec<f64> = (0..n * k).map(|i| b[(i % k) * n + i / k]).collect();
        matmul(
            &mut got,
            Mat::new(&a, m, k),
            Mat::new(&bt, n, k).t(),
            true,
            Threads::One,
        );
        let err = max_err(&got, &want, 2.0);
        assert!(
            err < 1e-12,
            "accumulated transposed product: max abs diff {err}"
        );
    }

    /// A few rows against a weight matrix stored by output (the decoder's
    /// x·Wᵀ) take the dot-product path; it matches the naive product, with
    /// and without accumulation, for every row count up to and past it.
    #[test]
    fn few_rows_times_transposed_weights_match_naive() {
        let (k, n) = (37, 11);
        for m in 1..=FEW_ROWS + 1 {
            let a: Vec<f64> = (0..m * k).map(|v| (v as f64 * 0.29).sin()).collect();
            let w: Vec<f64> = (0..n * k).map(|v| (v as f64 * 0.13).cos()).collect();
            let wt: Vec<f64> = (0..k * n).map(|i| w[(i % n) * k + i / n]).collect();
            let want = naive(&a, &wt, m, k, n);
            let mut got = vec![0.5; m * n];
            // First written, then added on top: 1×, then 2× the product.
            for (accumulate, times) in [(false, 1.0), (true, 2.0)] {
                matmul(
                    &mut got,
                    Mat::new(&a, m, k),
                    Mat::new(&w, n, k).t(),
                    accumulate,
                    Threads::One,
                );
                let err = max_err(&got, &want, times);
                assert!(
                    err < 1e-12,
                    "m = {m}, accumulate {accumulate}: max abs diff {err}"
                );
            }
        }
    }
}
