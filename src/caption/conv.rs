//! The convolution kernels of the photo encoder, over plain `f32` slices.
//!
//! Layout: every feature map is **HWC** (`[H, W, C]`, row-major, channels
//! contiguous), batch 1. A pointwise (1×1) convolution is then one GEMM
//! `[H·W, C_in] · [C_in, C_out]`, and a depthwise convolution streams whole
//! channel vectors, which vectorises.
//!
//! Terms:
//! - **TF-SAME padding**: TensorFlow's `padding='same'`. The output size is
//!   `ceil(in / stride)` and the zero padding needed for it is split with the
//!   extra zero at the bottom/right: asymmetric on stride-2 convolutions with an
//!   even input size. See [`same_padding`].
//! - **folded BatchNorm**: the encoder folds each inference BatchNorm into the
//!   convolution before it (`w' = w·γ/√(var+ε)`, `b' = β − mean·γ/√(var+ε)`), so
//!   every kernel here takes a bias.
//! - **ReLU6**: `min(max(x, 0), 6)`, fused into the kernels as [`Act::Relu6`].
//!
//! Each kernel has a plain Rust body that the compiler vectorises; on x86-64 the
//! same body is also compiled with AVX2+FMA and AVX-512 enabled and chosen at run
//! time (never `target-cpu=native`, so the binary runs on any x86-64).

use gemm::Parallelism;
use rayon::prelude::*;

/// The activation applied after a convolution's bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// No activation (the projection convs of the MBConv blocks).
    Linear,
    /// `min(max(x, 0), 6)`.
    Relu6,
}

impl Act {
    #[inline(always)]
    fn apply(self, x: f32) -> f32 {
        match self {
            Act::Linear => x,
            Act::Relu6 => x.clamp(0.0, 6.0),
        }
    }
}

/// TF-SAME padding along one spatial axis: returns `(out, pad_before, pad_after)`.
///
/// `out = ceil(in / stride)`; `pad_total = max((out − 1)·stride + k − in, 0)`;
/// `pad_before = pad_total / 2` (top/left), `pad_after` the rest (bottom/right).
pub fn same_padding(input: usize, kernel: usize, stride: usize) -> (usize, usize, usize) {
    let out = input.div_ceil(stride);
    let total = ((out.saturating_sub(1)) * stride + kernel).saturating_sub(input);
    (out, total / 2, total - total / 2)
}

/// Geometry of a k×k convolution with TF-SAME padding on an `h × w` input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeom {
    /// Input height and width.
    pub h: usize,
    pub w: usize,
    /// Kernel side and stride.
    pub k: usize,
    pub stride: usize,
    /// Output height and width (`ceil(in / stride)`).
    pub out_h: usize,
    pub out_w: usize,
    /// Zero rows above and columns left of the input (the bottom/right padding
    /// follows from the output size).
    pub pad_top: usize,
    pub pad_left: usize,
}

impl ConvGeom {
    /// The TF-SAME geometry for kernel `k` and `stride` on an `h × w` input.
    pub fn same(h: usize, w: usize, k: usize, stride: usize) -> ConvGeom {
        let (out_h, pad_top, _) = same_padding(h, k, stride);
        let (out_w, pad_left, _) = same_padding(w, k, stride);
        ConvGeom {
            h,
            w,
            k,
            stride,
            out_h,
            out_w,
            pad_top,
            pad_left,
        }
    }

    /// The input row that kernel row `ky` of output row `oy` reads, or None
    /// where it falls in the zero padding.
    #[inline(always)]
    pub fn input_row(&self, oy: usize, ky: usize) -> Option<usize> {
        (oy * self.stride + ky)
            .checked_sub(self.pad_top)
            .filter(|&iy| iy < self.h)
    }

    /// The input column that kernel column `kx` of output column `ox` reads,
    /// or None where it falls in the zero padding.
    #[inline(always)]
    pub fn input_col(&self, ox: usize, kx: usize) -> Option<usize> {
        (ox * self.stride + kx)
            .checked_sub(self.pad_left)
            .filter(|&ix| ix < self.w)
    }
}

/// How many threads a kernel may use: 1 runs on the calling thread; more split
/// the work over rayon's pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threads(pub usize);

impl Threads {
    fn gemm(self) -> Parallelism {
        if self.0 > 1 {
            Parallelism::Rayon(self.0)
        } else {
            Parallelism::None
        }
    }
}

/// Dense k×k convolution (used for the 3-channel stem), TF-SAME padding, HWC.
///
/// - `input`: `[h, w, c_in]`
/// - `weight`: `[k, k, c_in, c_out]` (tap-major, output channels contiguous)
/// - `bias`: `[c_out]`
/// - `out`: `[out_h, out_w, c_out]`
pub fn conv2d_same(
    input: &[f32],
    g: ConvGeom,
    c_in: usize,
    weight: &[f32],
    bias: &[f32],
    act: Act,
    out: &mut [f32],
) {
    let c_out = bias.len();
    assert_eq!(input.len(), g.h * g.w * c_in, "conv2d input size");
    assert_eq!(weight.len(), g.k * g.k * c_in * c_out, "conv2d weight size");
    assert_eq!(out.len(), g.out_h * g.out_w * c_out, "conv2d output size");
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") && c_out == 32 {
            // SAFETY: the CPU supports AVX-512F (checked just above); sizes asserted.
            unsafe { avx512::conv2d::<2>(input, g, c_in, weight, bias, act, out) };
            return;
        }
    }
    conv2d_body(input, g, c_in, weight, bias, act, out);
}

/// The dense conv loop, the reference for the AVX-512 kernel.
fn conv2d_body(
    input: &[f32],
    g: ConvGeom,
    c_in: usize,
    weight: &[f32],
    bias: &[f32],
    act: Act,
    out: &mut [f32],
) {
    let c_out = bias.len();
    for (oy, out_row) in out.chunks_exact_mut(g.out_w * c_out).enumerate() {
        for (ox, acc) in out_row.chunks_exact_mut(c_out).enumerate() {
            acc.copy_from_slice(bias);
            for ky in 0..g.k {
                let Some(iy) = g.input_row(oy, ky) else {
                    continue; // in the padding
                };
                for kx in 0..g.k {
                    let Some(ix) = g.input_col(ox, kx) else {
                        continue;
                    };
                    let px = &input[(iy * g.w + ix) * c_in..][..c_in];
                    let w_tap = &weight[(ky * g.k + kx) * c_in * c_out..][..c_in * c_out];
                    for (&v, w_row) in px.iter().zip(w_tap.chunks_exact(c_out)) {
                        for (a, &w) in acc.iter_mut().zip(w_row) {
                            *a += v * w;
                        }
                    }
                }
            }
            for a in acc.iter_mut() {
                *a = act.apply(*a);
            }
        }
    }
}

/// Depthwise k×k convolution (one filter per channel), TF-SAME padding, HWC,
/// bias and activation fused.
///
/// - `input`: `[h, w, c]`
/// - `weight`: `[k, k, c]` (tap-major, channels contiguous)
/// - `bias`: `[c]`
/// - `out`: `[out_h, out_w, c]`
///
/// With `threads > 1` the output rows are split over rayon's pool when the layer
/// is big enough to pay for it.
pub fn depthwise_same(
    input: &[f32],
    g: ConvGeom,
    weight: &[f32],
    bias: &[f32],
    act: Act,
    out: &mut [f32],
    threads: Threads,
) {
    let c = bias.len();
    assert_eq!(input.len(), g.h * g.w * c, "depthwise input size");
    assert_eq!(weight.len(), g.k * g.k * c, "depthwise weight size");
    assert_eq!(out.len(), g.out_h * g.out_w * c, "depthwise output size");
    let row_len = g.out_w * c;
    // Below ~50k multiply-adds per task, splitting costs more than it saves.
    let work = g.out_h * row_len * g.k * g.k;
    if threads.0 <= 1 || work < 100_000 {
        depthwise_rows(input, g, weight, bias, act, out, 0);
        return;
    }
    let rows_per_task = g.out_h.div_ceil(threads.0 * 4).max(1);
    out.par_chunks_mut(rows_per_task * row_len)
        .enumerate()
        .for_each(|(i, chunk)| {
            depthwise_rows(input, g, weight, bias, act, chunk, i * rows_per_task)
        });
}

/// Depthwise convolution of the output rows `first_row..` that fill `out`.
fn depthwise_rows(
    input: &[f32],
    g: ConvGeom,
    weight: &[f32],
    bias: &[f32],
    act: Act,
    out: &mut [f32],
    first_row: usize,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") && bias.len().is_multiple_of(16) {
            // SAFETY: the CPU supports AVX-512F (checked just above); the kernels
            // check the slice sizes they index with.
            match g.k {
                3 => unsafe {
                    return avx512::depthwise_rows::<3, 9>(
                        input, g, weight, bias, act, out, first_row,
                    );
                },
                5 => unsafe {
                    return avx512::depthwise_rows::<5, 25>(
                        input, g, weight, bias, act, out, first_row,
                    );
                },
                _ => {}
            }
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            unsafe { depthwise_rows_avx2(input, g, weight, bias, act, out, first_row) };
            return;
        }
    }
    depthwise_rows_body(input, g, weight, bias, act, out, first_row);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn depthwise_rows_avx2(
    input: &[f32],
    g: ConvGeom,
    weight: &[f32],
    bias: &[f32],
    act: Act,
    out: &mut [f32],
    first_row: usize,
) {
    depthwise_rows_body(input, g, weight, bias, act, out, first_row);
}

/// The depthwise loop itself, the reference for the AVX-512 kernel;
/// `#[inline(always)]` so each caller above compiles it for its own instruction set.
#[inline(always)]
fn depthwise_rows_body(
    input: &[f32],
    g: ConvGeom,
    weight: &[f32],
    bias: &[f32],
    act: Act,
    out: &mut [f32],
    first_row: usize,
) {
    let c = bias.len();
    for (r, out_row) in out.chunks_exact_mut(g.out_w * c).enumerate() {
        let oy = first_row + r;
        for (ox, acc) in out_row.chunks_exact_mut(c).enumerate() {
            acc.copy_from_slice(bias);
            for ky in 0..g.k {
                let Some(iy) = g.input_row(oy, ky) else {
                    continue; // in the padding
                };
                let in_row = &input[iy * g.w * c..(iy + 1) * g.w * c];
                for kx in 0..g.k {
                    let Some(ix) = g.input_col(ox, kx) else {
                        continue;
                    };
                    let px = &in_row[ix * c..(ix + 1) * c];
                    let w_tap = &weight[(ky * g.k + kx) * c..(ky * g.k + kx + 1) * c];
                    for ((a, &v), &w) in acc.iter_mut().zip(px).zip(w_tap) {
                        *a += v * w;
                    }
                }
            }
            for a in acc.iter_mut() {
                *a = act.apply(*a);
            }
        }
    }
}

/// Pointwise (1×1) convolution as one GEMM, then bias, optional residual and
/// activation in one pass.
///
/// - `input`: `[n, c_in]` (n = H·W pixels)
/// - `weight`: `[c_in, c_out]` (row-major, i.e. the conv weight transposed)
/// - `bias`: `[c_out]`
/// - `residual`: `None` or `[n, c_out]`, added after the bias (before `act`)
/// - `out`: `[n, c_out]`
#[allow(clippy::too_many_arguments)]
pub fn pointwise(
    input: &[f32],
    c_in: usize,
    weight: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
    act: Act,
    out: &mut [f32],
    threads: Threads,
) {
    let c_out = bias.len();
    let n = input.len() / c_in;
    assert_eq!(input.len(), n * c_in, "pointwise input size");
    assert_eq!(weight.len(), c_in * c_out, "pointwise weight size");
    assert_eq!(out.len(), n * c_out, "pointwise output size");
    if let Some(res) = residual {
        assert_eq!(res.len(), out.len(), "pointwise residual size");
    }
    // Small layers (the 7×7 ones) are split over output channels by gemm
    // itself; big ones over pixels, one GEMM per thread.
    if threads.0 <= 1 || n < 64 * threads.0 {
        gemm_then_bias_act(
            input,
            c_in,
            weight,
            bias,
            residual,
            act,
            out,
            threads.gemm(),
        );
        return;
    }
    let rows = n.div_ceil(threads.0);
    out.par_chunks_mut(rows * c_out)
        .enumerate()
        .for_each(|(i, out_part)| {
            let (r0, r1) = (i * rows, i * rows + out_part.len() / c_out);
            let res = residual.map(|r| &r[r0 * c_out..r1 * c_out]);
            let inp = &input[r0 * c_in..r1 * c_in];
            gemm_then_bias_act(
                inp,
                c_in,
                weight,
                bias,
                res,
                act,
                out_part,
                Parallelism::None,
            );
        });
}

/// [`pointwise`] on the calling thread (gemm may still use `parallelism`).
#[allow(clippy::too_many_arguments)]
fn gemm_then_bias_act(
    input: &[f32],
    c_in: usize,
    weight: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
    act: Act,
    out: &mut [f32],
    parallelism: Parallelism,
) {
    let c_out = bias.len();
    let n = input.len() / c_in;
    debug_assert_eq!(out.len(), n * c_out);
    // out := input · weight (read_dst = false: out's old contents are ignored).
    // SAFETY: the three buffers have the sizes checked by `pointwise`, the
    // strides describe row-major [n, c_in], [c_in, c_out] and [n, c_out], and
    // `out` does not alias the inputs.
    unsafe {
        gemm::gemm(
            n,
            c_out,
            c_in,
            out.as_mut_ptr(),
            1,
            c_out as isize,
            false,
            input.as_ptr(),
            1,
            c_in as isize,
            weight.as_ptr(),
            1,
            c_out as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
    bias_act(out, bias, residual, act);
}

/// `out[i, j] = act(out[i, j] + bias[j] (+ residual[i, j]))`.
fn bias_act(out: &mut [f32], bias: &[f32], residual: Option<&[f32]>, act: Act) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F (checked just above).
            unsafe { bias_act_avx512(out, bias, residual, act) };
            return;
        }
    }
    bias_act_body(out, bias, residual, act);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn bias_act_avx512(out: &mut [f32], bias: &[f32], residual: Option<&[f32]>, act: Act) {
    bias_act_body(out, bias, residual, act);
}

#[inline(always)]
fn bias_act_body(out: &mut [f32], bias: &[f32], residual: Option<&[f32]>, act: Act) {
    let c = bias.len();
    match residual {
        None => {
            for row in out.chunks_exact_mut(c) {
                for (o, &b) in row.iter_mut().zip(bias) {
                    *o = act.apply(*o + b);
                }
            }
        }
        Some(res) => {
            assert_eq!(res.len(), out.len(), "residual size");
            for (row, res_row) in out.chunks_exact_mut(c).zip(res.chunks_exact(c)) {
                for ((o, &b), &r) in row.iter_mut().zip(bias).zip(res_row) {
                    *o = act.apply(*o + b + r);
                }
            }
        }
    }
}

/// AVX-512 kernels: 16 channels per register.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Act, ConvGeom};

    /// Dense K×K conv with `c_out = 16·NB`, shapes as in [`super::conv2d_same`]
    /// (sizes checked by the caller). The `NB` accumulators stay in registers.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn conv2d<const NB: usize>(
        input: &[f32],
        g: ConvGeom,
        c_in: usize,
        weight: &[f32],
        bias: &[f32],
        act: Act,
        out: &mut [f32],
    ) {
        let c_out = 16 * NB;
        assert_eq!(bias.len(), c_out);
        let (ip, wp, op) = (input.as_ptr(), weight.as_ptr(), out.as_mut_ptr());
        let zero = _mm512_setzero_ps();
        let six = _mm512_set1_ps(6.0);
        for oy in 0..g.out_h {
            for ox in 0..g.out_w {
                // SAFETY: bias has 16·NB values; input is read at valid (iy, ix)
                // only; weight[(t·c_in + ci)·c_out ..][..c_out] with t < k², ci <
                // c_in; out[(oy·out_w + ox)·c_out ..][..c_out]; sizes asserted by
                // the caller.
                let mut acc = [zero; NB];
                for (b, a) in acc.iter_mut().enumerate() {
                    *a = unsafe { _mm512_loadu_ps(bias.as_ptr().add(16 * b)) };
                }
                for ky in 0..g.k {
                    let Some(iy) = g.input_row(oy, ky) else {
                        continue; // in the padding
                    };
                    for kx in 0..g.k {
                        let Some(ix) = g.input_col(ox, kx) else {
                            continue;
                        };
                        let px = (iy * g.w + ix) * c_in;
                        let t = ky * g.k + kx;
                        for ci in 0..c_in {
                            let v = _mm512_set1_ps(unsafe { *ip.add(px + ci) });
                            let w_row = unsafe { wp.add((t * c_in + ci) * c_out) };
                            for (b, a) in acc.iter_mut().enumerate() {
                                *a = _mm512_fmadd_ps(
                                    v,
                                    unsafe { _mm512_loadu_ps(w_row.add(16 * b)) },
                                    *a,
                                );
                            }
                        }
                    }
                }
                for (b, mut a) in acc.into_iter().enumerate() {
                    if act == Act::Relu6 {
                        a = _mm512_min_ps(_mm512_max_ps(a, zero), six);
                    }
                    unsafe { _mm512_storeu_ps(op.add((oy * g.out_w + ox) * c_out + 16 * b), a) };
                }
            }
        }
    }

    /// Depthwise K×K (`KK = K·K`) over the output rows `first_row..` filling
    /// `out`; `c = bias.len()` must be a multiple of 16. Shapes as in
    /// [`super::depthwise_same`].
    ///
    /// Per output row and 16-channel block the K·K weight vectors stay in
    /// registers; each output pixel is then K·K loads and fused multiply-adds.
    /// Interior pixels skip the padding tests.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn depthwise_rows<const K: usize, const KK: usize>(
        input: &[f32],
        g: ConvGeom,
        weight: &[f32],
        bias: &[f32],
        act: Act,
        out: &mut [f32],
        first_row: usize,
    ) {
        let c = bias.len();
        assert!(K * K == KK && g.k == K && c.is_multiple_of(16));
        assert_eq!(input.len(), g.h * g.w * c, "depthwise input size");
        assert_eq!(weight.len(), KK * c, "depthwise weight size");
        let row_len = g.out_w * c;
        assert!(out.len().is_multiple_of(row_len) && first_row + out.len() / row_len <= g.out_h);
        let rows = out.len() / row_len;
        let (ip, wp, bp, op) = (
            input.as_ptr(),
            weight.as_ptr(),
            bias.as_ptr(),
            out.as_mut_ptr(),
        );
        let (w_in, h_in) = (g.w as isize, g.h as isize);
        let zero = _mm512_setzero_ps();
        let six = _mm512_set1_ps(6.0);
        for r in 0..rows {
            let iy0 = ((first_row + r) * g.stride) as isize - g.pad_top as isize;
            // Kernel rows inside the input: ky_lo..ky_hi.
            let ky_lo = (-iy0).max(0) as usize;
            let ky_hi = (h_in - iy0).clamp(0, K as isize) as usize;
            for cb in (0..c).step_by(16) {
                // SAFETY (all pointer arithmetic below): tap t's weights are
                // weight[t·c + cb ..][..16], inside [KK·c]; input pixels are read
                // only at 0 ≤ iy < h, 0 ≤ ix < w, channel cb..cb+16 ≤ c; outputs
                // are written at rows < `rows`, columns < out_w.
                let mut wv = [zero; KK];
                for (t, w) in wv.iter_mut().enumerate() {
                    *w = unsafe { _mm512_loadu_ps(wp.add(t * c + cb)) };
                }
                let b = unsafe { _mm512_loadu_ps(bp.add(cb)) };
                for ox in 0..g.out_w {
                    let ix0 = (ox * g.stride) as isize - g.pad_left as isize;
                    let kx_lo = (-ix0).max(0) as usize;
                    let kx_hi = (w_in - ix0).clamp(0, K as isize) as usize;
                    let mut acc = b;
                    if ky_lo == 0 && ky_hi == K && kx_lo == 0 && kx_hi == K {
                        let base = unsafe { ip.offset((iy0 * w_in + ix0) * c as isize).add(cb) };
                        for ky in 0..K {
                            for kx in 0..K {
                                let v = unsafe { _mm512_loadu_ps(base.add((ky * g.w + kx) * c)) };
                                acc = _mm512_fmadd_ps(v, wv[ky * K + kx], acc);
                            }
                        }
                    } else {
                        for ky in 0..K {
                            for kx in 0..K {
                                if ky < ky_lo || ky >= ky_hi || kx < kx_lo || kx >= kx_hi {
                                    continue; // a zero of the padding
                                }
                                let iy = iy0 + ky as isize;
                                let ix = ix0 + kx as isize;
                                let v = unsafe {
                                    _mm512_loadu_ps(
                                        ip.offset((iy * w_in + ix) * c as isize).add(cb),
                                    )
                                };
                                acc = _mm512_fmadd_ps(v, wv[ky * K + kx], acc);
                            }
                        }
                    }
                    if act == Act::Relu6 {
                        acc = _mm512_min_ps(_mm512_max_ps(acc, zero), six);
                    }
                    unsafe { _mm512_storeu_ps(op.add(r * row_len + ox * c + cb), acc) };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_matches_the_spec_table() {
        assert_eq!(same_padding(224, 3, 2), (112, 0, 1));
        assert_eq!(same_padding(112, 3, 1), (112, 1, 1));
        assert_eq!(same_padding(56, 5, 2), (28, 1, 2));
        assert_eq!(same_padding(28, 5, 1), (28, 2, 2));
        assert_eq!(same_padding(7, 1, 1), (7, 0, 0));
        // Odd sizes: stride 2, k 3 on 7 → out 4, total (3·2 + 3) − 7 = 2 → 1/1.
        assert_eq!(same_padding(7, 3, 2), (4, 1, 1));
    }

    #[test]
    fn pointwise_is_a_matmul_with_bias_residual_and_relu6() {
        // 2 pixels, 3 → 2 channels.
        let input = [1.0, 2.0, 3.0, -1.0, 0.5, 4.0];
        let weight = [1.0, 0.0, 0.0, 1.0, 1.0, 2.0]; // [3, 2]
        let bias = [0.5, -10.0];
        let res = [1.0, 1.0, 1.0, 20.0];
        let mut out = [9.0; 4];
        pointwise(
            &input,
            3,
            &weight,
            &bias,
            Some(&res),
            Act::Relu6,
            &mut out,
            Threads(1),
        );
        // pixel 0: [1+3, 2+6] + bias + res = [5.5, -1] → relu6 [5.5, 0]
        // pixel 1: [-1+4, 0.5+8] + bias + res = [4.5, 18.5] → [4.5, 6]
        assert_eq!(out, [5.5, 0.0, 4.5, 6.0]);
    }
}
