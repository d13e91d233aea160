//! The recognizer's second opinion: a small CNN on the drawing's picture
//! ([`raster`](super::raster)). The LSTM reads *how* a doodle was drawn and
//! errs when someone draws in an unusual order; the CNN sees only the
//! finished shape. Their mistakes differ, so the recognizer averages their
//! probabilities (see [`recognizer`](super)).
//!
//! Shapes legend: **B** batch, **S** image side, **Cₗ** channels of block l,
//! **C** outputs (the same outputs as the LSTM's head). Maps are **NHWC**
//! (channels contiguous), so a 3×3 convolution is one GEMM on the
//! **im2col** matrix whose row is the 3×3×C_in neighbourhood of one pixel.
//!
//! ```text
//! x₀ = raster(drawing)                        (B, S, S, 1)
//! block l:  a = conv3×3(x_l; W_l) + b_l       (B, S_l, S_l, C_l)   zero padding 1
//!           x_{l+1} = maxpool2×2(relu(a))     (B, S_l/2, S_l/2, C_l)
//! g = mean over pixels of the last map        (B, C_L)
//! z = W_head·dropout(g) + b_head              (B, C)
//! ```
//!
//! or, with a **cosine head** of scale s (metric learning: every class is a
//! direction, and a drawing's logit for it is how closely g points there, so
//! a class taught later as the mean direction of its drawings competes on
//! the same terms; see [`teach`](crate::sketch::teach)):
//!
//! ```text
//! f = dropout(g),  z_c = s·(w_c/‖w_c‖)·(f/‖f‖) + b_c
//! ```
//!
//! Backward (by hand, like the LSTM's BPTT): ∂W_head = ∂zᵀ·g, ∂g = ∂z·W_head;
//! the mean spreads ∂g evenly; max-pooling sends each gradient to the pixel
//! that won; ReLU passes it where a > 0; ∂W_l = colsᵀ·∂a, ∂b_l = Σ ∂a,
//! ∂cols = ∂a·W_lᵀ, and col2im adds each column entry back to its pixel.
//!
//! Files: tensors `cnn.conv{l}.weight` (3, 3, C_in, C_out), `cnn.conv{l}.bias`,
//! `cnn.head.weight` (C, C_L), `cnn.head.bias` (C), and for a cosine head
//! `cnn.head.scale` (1).

use super::raster;
use crate::nn::matmul::{Mat, Threads, matmul};
use crate::nn::ops::{unit_rows, unit_rows_backward};
use crate::sketch::drawing::Drawing;
use candle_core::{Device, Tensor};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

const PREFIX: &str = "cnn.";
/// The largest picture side a weights file may ask for (a doodle needs far
/// less; a damaged config must not make us allocate gigabytes).
pub const MAX_SIDE: usize = 256;

/// The weights.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterCnn {
    /// S, the image side (divisible by 2^blocks)
    pub size: usize,
    /// C_l of each block
    pub channels: Vec<usize>,
    /// per block, (3, 3, C_in, C_out)
    pub conv_w: Vec<Vec<f32>>,
    /// per block, (C_out)
    pub conv_b: Vec<Vec<f32>>,
    /// (C, C_L)
    pub head_w: Vec<f32>,
    /// (C)
    pub head_b: Vec<f32>,
    /// s of a cosine head; 0: the linear head
    pub cosine: f32,
}

/// What a forward pass keeps for backward.
pub struct CnnCache {
    nb: usize,
    /// per block, the im2col matrix (B·S_l², 9·C_in)
    cols: Vec<Vec<f32>>,
    /// per block, relu(a) (B·S_l², C_l)
    act: Vec<Vec<f32>>,
    /// per block, the index into `act` of each pooled value's winner
    argmax: Vec<Vec<u32>>,
    /// (B, C_L) the head's input, after dropout
    feat: Vec<f32>,
    /// (B, C_L) dropout multipliers (empty: none)
    mask: Vec<f32>,
    /// (B, C)
    pub logits: Vec<f32>,
}

impl RasterCnn {
    /// He-uniform convolutions (ReLU follows), zero biases, PyTorch's
    /// uniform ±1/√C_L head; seeded.
    pub fn random(size: usize, channels: &[usize], outputs: usize, seed: u64) -> Self {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xc22);
        let mut uniform = |n: usize, bound: f32| -> Vec<f32> {
            (0..n).map(|_| rng.random_range(-bound..bound)).collect()
        };
        let mut c_in = 1;
        let (mut conv_w, mut conv_b) = (Vec::new(), Vec::new());
        for &c in channels {
            conv_w.push(uniform(9 * c_in * c, (6.0 / (9 * c_in) as f32).sqrt()));
            conv_b.push(vec![0.0; c]);
            c_in = c;
        }
        let head_w = uniform(outputs * c_in, 1.0 / (c_in as f32).sqrt());
        Self {
            size,
            channels: channels.to_vec(),
            conv_w,
            conv_b,
            head_w,
            head_b: vec![0.0; outputs],
            cosine: 0.0,
        }
    }

    /// C
    pub fn num_outputs(&self) -> usize {
        self.head_b.len()
    }

    /// C_L
    fn features(&self) -> usize {
        *self.channels.last().unwrap_or(&1)
    }

    pub fn num_params(&self) -> usize {
        self.tensors().iter().map(|t| t.len()).sum()
    }

    /// Every parameter: conv weight and bias of each block, then the head.
    pub fn tensors(&self) -> Vec<&[f32]> {
        let mut v: Vec<&[f32]> = Vec::new();
        for (w, b) in self.conv_w.iter().zip(&self.conv_b) {
            v.extend([w.as_slice(), b.as_slice()]);
        }
        v.extend([self.head_w.as_slice(), self.head_b.as_slice()]);
        v
    }

    /// [`RasterCnn::tensors`], mutable.
    pub fn tensors_mut(&mut self) -> Vec<&mut [f32]> {
        let mut v: Vec<&mut [f32]> = Vec::new();
        for (w, b) in self.conv_w.iter_mut().zip(self.conv_b.iter_mut()) {
            v.extend([w.as_mut_slice(), b.as_mut_slice()]);
        }
        v.extend([self.head_w.as_mut_slice(), self.head_b.as_mut_slice()]);
        v
    }

    /// The logits (C) of one preprocessed drawing.
    pub fn logits(&self, d: &Drawing) -> Vec<f32> {
        self.features_and_logits(d).1
    }

    /// The head's input g (C_L), the pooled picture features a taught class
    /// is recognised by (see [`teach`](crate::sketch::teach)), and the
    /// logits (C) of one preprocessed drawing.
    pub fn features_and_logits(&self, d: &Drawing) -> (Vec<f32>, Vec<f32>) {
        let img = raster::render(d, self.size);
        let cache = self.forward(&img, 1, 0.0, None);
        (cache.feat, cache.logits)
    }

    /// The images (B, S, S) of preprocessed drawings, for [`RasterCnn::forward`].
    pub fn images<'a>(&self, drawings: impl Iterator<Item = &'a Drawing>) -> Vec<f32> {
        let s2 = self.size * self.size;
        let mut out = Vec::new();
        for d in drawings {
            out.resize(out.len() + s2, 0.0);
            let at = out.len() - s2;
            raster::render_into(d, self.size, &mut out[at..]);
        }
        out
    }

    /// Forward over `nb` images (B, S, S); inverted dropout `p` on the
    /// head's input when `rng` is given.
    pub fn forward(
        &self,
        images: &[f32],
        nb: usize,
        dropout: f32,
        rng: Option<&mut rand_chacha::ChaCha8Rng>,
    ) -> CnnCache {
        assert_eq!(
            images.len(),
            nb * self.size * self.size,
            "cnn: image batch size"
        );
        let mut side = self.size;
        let mut c_in = 1;
        let mut x = images.to_vec();
        let blocks = self.channels.len();
        let (mut cols_all, mut act_all, mut arg_all) = (
            Vec::with_capacity(blocks),
            Vec::with_capacity(blocks),
            Vec::with_capacity(blocks),
        );
        for l in 0..blocks {
            let c = self.channels[l];
            let rows = nb * side * side;
            let cols = im2col(&x, nb, side, c_in);
            let mut a = vec![0.0; rows * c];
            for row in a.chunks_exact_mut(c) {
                row.copy_from_slice(&self.conv_b[l]);
            }
            matmul(
                &mut a,
                Mat::new(&cols, rows, 9 * c_in),
                Mat::new(&self.conv_w[l], 9 * c_in, c),
                true,
                Threads::One,
            );
            a.iter_mut().for_each(|v| *v = v.max(0.0));
            let (pooled, arg) = maxpool2(&a, nb, side, c);
            x = pooled;
            cols_all.push(cols);
            act_all.push(a);
            arg_all.push(arg);
            side /= 2;
            c_in = c;
        }
        // Global mean over the last map's pixels.
        let cl = self.features();
        let mut feat = vec![0.0; nb * cl];
        let px = side * side;
        for b in 0..nb {
            for p in 0..px {
                let at = (b * px + p) * cl;
                feat[b * cl..(b + 1) * cl]
                    .iter_mut()
                    .zip(&x[at..at + cl])
                    .for_each(|(f, v)| *f += v / px as f32);
            }
        }
        let mut mask = Vec::new();
        if let Some(rng) = rng
            && dropout > 0.0
        {
            let keep = 1.0 / (1.0 - dropout);
            mask = (0..feat.len())
                .map(|_| {
                    if rng.random::<f32>() < dropout {
                        0.0
                    } else {
                        keep
                    }
                })
                .collect();
            feat.iter_mut().zip(&mask).for_each(|(f, m)| *f *= m);
        }
        let nc = self.num_outputs();
        let mut logits = vec![0.0; nb * nc];
        for row in logits.chunks_exact_mut(nc) {
            row.copy_from_slice(&self.head_b);
        }
        if self.cosine > 0.0 {
            // s·f̂ (B rows) rather than s·ŵ (C rows): the smaller copy.
            let (mut f, _) = unit_rows(&feat, cl);
            let (w, _) = unit_rows(&self.head_w, cl);
            f.iter_mut().for_each(|v| *v *= self.cosine);
            matmul(
                &mut logits,
                Mat::new(&f, nb, cl),
                Mat::new(&w, nc, cl).t(),
                true,
                Threads::One,
            );
        } else {
            matmul(
                &mut logits,
                Mat::new(&feat, nb, cl),
                Mat::new(&self.head_w, nc, cl).t(),
                true,
                Threads::One,
            );
        }
        CnnCache {
            nb,
            cols: cols_all,
            act: act_all,
            argmax: arg_all,
            feat,
            mask,
            logits,
        }
    }

    /// Backward from ∂loss/∂logits (B, C): adds every parameter's gradient
    /// into `grads` (in the order of [`RasterCnn::tensors`]).
    pub fn backward(&self, cache: &CnnCache, dz: &[f32], grads: &mut [Vec<f32>]) {
        let (nb, nc, cl) = (cache.nb, self.num_outputs(), self.features());
        let blocks = self.channels.len();
        let (gw, gb) = (2 * blocks, 2 * blocks + 1);
        for row in dz.chunks_exact(nc) {
            grads[gb].iter_mut().zip(row).for_each(|(g, d)| *g += d);
        }
        let mut dfeat = vec![0.0; nb * cl];
        if self.cosine > 0.0 {
            // z = s·ŵ·f̂: ∂ŵ = s·∂zᵀ·f̂, ∂f̂ = s·∂z·ŵ, then through each norm.
            let (f, f_norm) = unit_rows(&cache.feat, cl);
            let (w, w_norm) = unit_rows(&self.head_w, cl);
            let ds: Vec<f32> = dz.iter().map(|d| d * self.cosine).collect();
            let mut dw = vec![0.0; nc * cl];
            matmul(
                &mut dw,
                Mat::new(&ds, nb, nc).t(),
                Mat::new(&f, nb, cl),
                false,
                Threads::One,
            );
            unit_rows_backward(&w, &w_norm, &dw, &mut grads[gw]);
            let mut df = vec![0.0; nb * cl];
            matmul(
                &mut df,
                Mat::new(&ds, nb, nc),
                Mat::new(&w, nc, cl),
                false,
                Threads::One,
            );
            unit_rows_backward(&f, &f_norm, &df, &mut dfeat);
        } else {
            matmul(
                &mut grads[gw],
                Mat::new(dz, nb, nc).t(),
                Mat::new(&cache.feat, nb, cl),
                true,
                Threads::One,
            );
            matmul(
                &mut dfeat,
                Mat::new(dz, nb, nc),
                Mat::new(&self.head_w, nc, cl),
                false,
                Threads::One,
            );
        }
        if !cache.mask.is_empty() {
            dfeat.iter_mut().zip(&cache.mask).for_each(|(g, m)| *g *= m);
        }
        // ∂ of the last pooled map: the mean spreads evenly.
        let last_side = self.size >> blocks;
        let px = last_side * last_side;
        let mut dx = vec![0.0; nb * px * cl];
        for b in 0..nb {
            for p in 0..px {
                let at = (b * px + p) * cl;
                dx[at..at + cl]
                    .iter_mut()
                    .zip(&dfeat[b * cl..(b + 1) * cl])
                    .for_each(|(g, v)| *g = v / px as f32);
            }
        }
        for l in (0..blocks).rev() {
            let c = self.channels[l];
            let c_in = if l == 0 { 1 } else { self.channels[l - 1] };
            let side = self.size >> l;
            let rows = nb * side * side;
            // Max-pooling: each gradient to the winner; ReLU: only where a > 0.
            let act = &cache.act[l];
            let mut da = vec![0.0; rows * c];
            for (&from, g) in cache.argmax[l].iter().zip(&dx) {
                da[from as usize] += g;
            }
            da.iter_mut()
                .zip(act)
                .for_each(|(g, &a)| *g = if a > 0.0 { *g } else { 0.0 });
            matmul(
                &mut grads[2 * l],
                Mat::new(&cache.cols[l], rows, 9 * c_in).t(),
                Mat::new(&da, rows, c),
                true,
                Threads::One,
            );
            for row in da.chunks_exact(c) {
                grads[2 * l + 1]
                    .iter_mut()
                    .zip(row)
                    .for_each(|(g, d)| *g += d);
            }
            if l > 0 {
                let mut dcols = vec![0.0; rows * 9 * c_in];
                matmul(
                    &mut dcols,
                    Mat::new(&da, rows, c),
                    Mat::new(&self.conv_w[l], 9 * c_in, c).t(),
                    false,
                    Threads::One,
                );
                dx = col2im(&dcols, nb, side, c_in);
            }
        }
    }

    /// Every tensor under its stored name.
    pub fn to_tensors(&self) -> candle_core::Result<HashMap<String, Tensor>> {
        let mut t = HashMap::new();
        let mut c_in = 1;
        for (l, &c) in self.channels.iter().enumerate() {
            t.insert(
                format!("{PREFIX}conv{l}.weight"),
                Tensor::from_slice(&self.conv_w[l], (3, 3, c_in, c), &Device::Cpu)?,
            );
            t.insert(
                format!("{PREFIX}conv{l}.bias"),
                Tensor::from_slice(&self.conv_b[l], c, &Device::Cpu)?,
            );
            c_in = c;
        }
        t.insert(
            format!("{PREFIX}head.weight"),
            Tensor::from_slice(&self.head_w, (self.num_outputs(), c_in), &Device::Cpu)?,
        );
        t.insert(
            format!("{PREFIX}head.bias"),
            Tensor::from_slice(&self.head_b, self.num_outputs(), &Device::Cpu)?,
        );
        if self.cosine > 0.0 {
            t.insert(
                format!("{PREFIX}head.scale"),
                Tensor::from_slice(&[self.cosine], 1, &Device::Cpu)?,
            );
        }
        Ok(t)
    }

    /// Reads the weights from named tensors; `size` is the image side the
    /// config gives. The error says which tensor is wrong.
    pub fn from_tensors(t: &HashMap<String, Tensor>, size: usize) -> Result<Self, String> {
        let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>), String> {
            let x = t
                .get(name)
                .ok_or_else(|| format!("missing tensor {name}"))?;
            let v: Vec<f32> = x
                .to_dtype(candle_core::DType::F32)
                .and_then(|x| x.flatten_all())
                .and_then(|x| x.to_vec1())
                .map_err(|e| format!("tensor {name}: {e}"))?;
            if v.iter().any(|x| !x.is_finite()) {
                return Err(format!("tensor {name} has non-finite values"));
            }
            Ok((x.dims().to_vec(), v))
        };
        let (mut channels, mut conv_w, mut conv_b) = (Vec::new(), Vec::new(), Vec::new());
        let mut c_in = 1;
        while t.contains_key(&format!("{PREFIX}conv{}.weight", channels.len())) {
            let l = channels.len();
            let (ws, w) = get(&format!("{PREFIX}conv{l}.weight"))?;
            let (bs, b) = get(&format!("{PREFIX}conv{l}.bias"))?;
            if ws.len() != 4 || ws[..3] != [3, 3, c_in] || bs != [ws[3]] {
                return Err(format!(
                    "{PREFIX}conv{l}: shapes {ws:?} and {bs:?}, expected (3, 3, {c_in}, C) and (C)"
                ));
            }
            c_in = ws[3];
            channels.push(c_in);
            conv_w.push(w);
            conv_b.push(b);
        }
        if size > MAX_SIDE {
            return Err(format!(
                "an image side of {size} is more than {MAX_SIDE} pixels"
            ));
        }
        if channels.is_empty() || size == 0 || !size.is_multiple_of(1 << channels.len()) {
            return Err(format!(
                "{} conv blocks do not fit an image side of {size}",
                channels.len()
            ));
        }
        let (hs, head_w) = get(&format!("{PREFIX}head.weight"))?;
        let (bs, head_b) = get(&format!("{PREFIX}head.bias"))?;
        if hs.len() != 2 || hs[1] != c_in || bs != [hs[0]] {
            return Err(format!(
                "{PREFIX}head: shapes {hs:?} and {bs:?}, expected (C, {c_in}) and (C)"
            ));
        }
        let scale = format!("{PREFIX}head.scale");
        let cosine = if t.contains_key(&scale) {
            match get(&scale)? {
                (s, v) if s == [1] && v[0] > 0.0 => v[0],
                (s, v) => {
                    return Err(format!(
                        "{scale}: shape {s:?}, value {v:?}; expected one positive value"
                    ));
                }
            }
        } else {
            0.0
        };
        Ok(Self {
            size,
            channels,
            conv_w,
            conv_b,
            head_w,
            head_b,
            cosine,
        })
    }
}

/// The im2col matrix (B·S², 9·C) of a (B, S, S, C) map for a 3×3
/// convolution with zero padding 1: row (b, y, x) holds the neighbourhood
/// pixels (y+dy, x+dx), dy and dx in −1..=1, tap-major.
fn im2col(x: &[f32], nb: usize, side: usize, c: usize) -> Vec<f32> {
    let mut cols = vec![0.0; nb * side * side * 9 * c];
    for_each_tap(nb, side, c, |col, pixel| {
        cols[col..col + c].copy_from_slice(&x[pixel..pixel + c]);
    });
    cols
}

/// The adjoint of [`im2col`]: every column entry added back to its pixel.
fn col2im(cols: &[f32], nb: usize, side: usize, c: usize) -> Vec<f32> {
    let mut x = vec![0.0; nb * side * side * c];
    for_each_tap(nb, side, c, |col, pixel| {
        x[pixel..pixel + c]
            .iter_mut()
            .zip(&cols[col..col + c])
            .for_each(|(a, v)| *a += v);
    });
    x
}

/// Calls `f(col, pixel)` for every im2col entry that lies inside the map:
/// the offset of its C values in the im2col matrix and in the (B, S, S, C)
/// map (the padding's taps are skipped; they stay zero).
fn for_each_tap(nb: usize, side: usize, c: usize, mut f: impl FnMut(usize, usize)) {
    for b in 0..nb {
        for y in 0..side {
            for x in 0..side {
                let row = ((b * side + y) * side + x) * 9 * c;
                for (tap, (dy, dx)) in TAPS.iter().enumerate() {
                    let (sy, sx) = (y as isize + dy, x as isize + dx);
                    if sy < 0 || sx < 0 || sy >= side as isize || sx >= side as isize {
                        continue;
                    }
                    f(
                        row + tap * c,
                        ((b * side + sy as usize) * side + sx as usize) * c,
                    );
                }
            }
        }
    }
}

/// The 3×3 neighbourhood offsets (dy, dx), row-major.
const TAPS: [(isize, isize); 9] = [
    (-1, -1),
    (-1, 0),
    (-1, 1),
    (0, -1),
    (0, 0),
    (0, 1),
    (1, -1),
    (1, 0),
    (1, 1),
];

/// 2×2 max-pooling of a (B, S, S, C) map, and for each output the flat index
/// of the input value that won.
fn maxpool2(a: &[f32], nb: usize, side: usize, c: usize) -> (Vec<f32>, Vec<u32>) {
    let half = side / 2;
    let mut out = vec![0.0; nb * half * half * c];
    let mut arg = vec![0u32; out.len()];
    for b in 0..nb {
        for y in 0..half {
            for x in 0..half {
                let o = ((b * half + y) * half + x) * c;
                for ch in 0..c {
                    let mut best = usize::MAX;
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let i = ((b * side + 2 * y + dy) * side + 2 * x + dx) * c + ch;
                        if best == usize::MAX || a[i] > a[best] {
                            best = i;
                        }
                    }
                    out[o + ch] = a[best];
                    arg[o + ch] = best as u32;
                }
            }
        }
    }
    (out, arg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::recognizer::model::{Batch, loss};

    fn random_images(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| rng.random_range(0.0..1.0)).collect()
    }

    /// The forward pass against candle's own conv2d / max_pool2d (NCHW,
    /// PyTorch's weight layout), an independent implementation.
    #[test]
    fn forward_matches_candle_conv_pool_and_linear() -> candle_core::Result<()> {
        let (s, nb) = (16, 3);
        let m = RasterCnn::random(s, &[4, 6], 5, 3);
        let img = random_images(nb * s * s, 1);
        let ours = m.forward(&img, nb, 0.0, None).logits;
        let mut x = Tensor::from_slice(&img, (nb, 1, s, s), &Device::Cpu)?;
        let mut c_in = 1;
        for (l, &c) in m.channels.iter().enumerate() {
            // (3, 3, C_in, C_out) → (C_out, C_in, 3, 3)
            let w = Tensor::from_slice(&m.conv_w[l], (3, 3, c_in, c), &Device::Cpu)?
                .permute((3, 2, 0, 1))?
                .contiguous()?;
            let b = Tensor::from_slice(&m.conv_b[l], (1, c, 1, 1), &Device::Cpu)?;
            x = x.conv2d(&w, 1, 1, 1, 1)?.broadcast_add(&b)?.relu()?;
            x = x.max_pool2d(2)?;
            c_in = c;
        }
        let g = x.mean((2, 3))?;
        let hw = Tensor::from_slice(&m.head_w, (5, c_in), &Device::Cpu)?;
        let hb = Tensor::from_slice(&m.head_b, 5, &Device::Cpu)?;
        let want: Vec<f32> = g
            .matmul(&hw.t()?)?
            .broadcast_add(&hb)?
            .flatten_all()?
            .to_vec1()?;
        for (a, b) in ours.iter().zip(&want) {
            assert!((a - b).abs() < 1e-4, "{a} vs candle {b}");
        }
        Ok(())
    }

    /// Every parameter's gradient against central finite differences of the
    /// smoothed cross-entropy the training uses, with the linear head and
    /// with a cosine head.
    #[test]
    fn gradients_match_finite_differences() {
        for cosine in [0.0, 4.0] {
            gradients_match_with_head(cosine);
        }
    }

    fn gradients_match_with_head(cosine: f32) {
        let (s, nb, nc) = (8, 2, 3);
        let mut m = RasterCnn {
            cosine,
            ..RasterCnn::random(s, &[3, 4], nc, 5)
        };
        // Non-zero biases so no ReLU sits exactly at its kink.
        for b in &mut m.conv_b {
            b.iter_mut().for_each(|v| *v = 0.05);
        }
        let img = random_images(nb * s * s, 2);
        let batch = Batch {
            x: Vec::new(),
            lengths: vec![1; nb],
            targets: vec![0, 2],
            steps: 1,
        };
        let f = |m: &RasterCnn| {
            let c = m.forward(&img, nb, 0.0, None);
            loss(&batch, &c.logits, nc, 0.1).0 as f64
        };
        let cache = m.forward(&img, nb, 0.0, None);
        let (_, _, dz) = loss(&batch, &cache.logits, nc, 0.1);
        let mut grads: Vec<Vec<f32>> = m.tensors().iter().map(|t| vec![0.0; t.len()]).collect();
        m.backward(&cache, &dz, &mut grads);
        let eps = 1e-3f32;
        let mut checked = 0;
        for (ti, g) in grads.iter().enumerate() {
            for i in (0..g.len()).step_by(g.len().div_ceil(7)) {
                let orig = m.tensors()[ti][i];
                m.tensors_mut()[ti][i] = orig + eps;
                let up = f(&m);
                m.tensors_mut()[ti][i] = orig - eps;
                let down = f(&m);
                m.tensors_mut()[ti][i] = orig;
                let fd = ((up - down) / (2.0 * eps as f64)) as f32;
                assert!(
                    (fd - g[i]).abs() < 2e-3 + 2e-2 * fd.abs(),
                    "cosine {cosine}, tensor {ti}[{i}]: backward {} vs finite difference {fd}",
                    g[i]
                );
                checked += 1;
            }
        }
        assert!(checked >= 25, "{checked}");
    }

    #[test]
    fn tensors_round_trip_and_bad_shapes_are_named() {
        let m = RasterCnn::random(16, &[4, 6], 5, 3);
        let t = m.to_tensors().unwrap();
        assert_eq!(RasterCnn::from_tensors(&t, 16).unwrap(), m);
        let err = RasterCnn::from_tensors(&t, 18).unwrap_err();
        assert!(err.contains("image side of 18"), "{err}");
        let err = RasterCnn::from_tensors(&t, 1 << 20).unwrap_err();
        assert!(err.contains("more than 256"), "{err}");
        let mut bad = t.clone();
        bad.insert(
            "cnn.conv1.bias".into(),
            Tensor::zeros(7, candle_core::DType::F32, &Device::Cpu).unwrap(),
        );
        let err = RasterCnn::from_tensors(&bad, 16).unwrap_err();
        assert!(err.contains("cnn.conv1"), "{err}");
        // A cosine head keeps its scale; a scale that is not one positive
        // value is named.
        let cos = RasterCnn { cosine: 16.0, ..m };
        let t = cos.to_tensors().unwrap();
        assert_eq!(RasterCnn::from_tensors(&t, 16).unwrap(), cos);
        let mut bad = t.clone();
        bad.insert(
            "cnn.head.scale".into(),
            Tensor::new(&[-1.0f32], &Device::Cpu).unwrap(),
        );
        let err = RasterCnn::from_tensors(&bad, 16).unwrap_err();
        assert!(err.contains("cnn.head.scale"), "{err}");
    }

    /// A cosine head's logits are s·cos(w_c, g) + b_c, whatever g's length.
    #[test]
    fn a_cosine_head_scores_the_angle() {
        let m = RasterCnn {
            cosine: 10.0,
            ..RasterCnn::random(8, &[3, 4], 3, 9)
        };
        let img = random_images(64, 4);
        let c = m.forward(&img, 1, 0.0, None);
        let g = &c.feat;
        for (k, z) in c.logits.iter().enumerate() {
            let w = &m.head_w[k * 4..(k + 1) * 4];
            let cos = crate::nn::ops::dot(w, g)
                / (crate::nn::ops::dot(w, w) * crate::nn::ops::dot(g, g)).sqrt();
            assert!(
                (z - (10.0 * cos + m.head_b[k])).abs() < 1e-5,
                "{z} vs {cos}"
            );
        }
    }
}
