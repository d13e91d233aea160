//! The photo encoder: EfficientNet-Lite0, Lite1 or Lite2 (Tan & Le, "EfficientNet:
//! Rethinking Model Scaling for Convolutional Neural Networks", ICML 2019),
//! ImageNet-pretrained, written over plain `f32` slices. The sizes below are
//! Lite0's; [`Variant`] says how Lite1 and Lite2 scale them.
//!
//! ```text
//! photo ─> squash 224×224 ─> (v−127)/128 ─> stem 3×3 s2 ─> 16 MBConv blocks ─> head 1×1
//!       ─> grid [7·7, 1280] ─> pooled mean [1280] ─> fc ─> ImageNet logits [1000]
//! ```
//!
//! Terms and shapes (batch 1; feature maps are HWC, see [`super::conv`]):
//! - **MBConv block** (inverted residual): `expand` 1×1 (`C_in → C_mid`, ReLU6;
//!   absent in block 0) → `depthwise` k×k stride s (ReLU6) → `project` 1×1
//!   (`C_mid → C_out`, linear) → `+ input` when stride 1 and `C_in = C_out`.
//! - **grid**: the head's output `[L, 1280]` (L = 49 regions for Lite0, 64 for
//!   Lite1, 81 for Lite2); row `r = y·side + x` is the feature vector of image
//!   region `(y, x)`, values in `[0, 6]`, mostly zero. This is what the attention
//!   decoder attends over.
//! - **pooled**: the grid's mean over the L regions, `[1280]`.
//! - **logits**: ImageNet-1k classifier scores `[1000]`, class order of
//!   [`imagenet_classes`].
//!
//! Porting facts that matter (from the TF checkpoint): TF-SAME padding (asymmetric
//! on stride-2 convs), BatchNorm ε = 1e-3, input scale (v−127)/128. At load every
//! BatchNorm is folded into the conv before it and the weights are laid out for
//! the HWC kernels, so a Lite0 forward pass is 1 dense conv, 16 depthwise convs and
//! 32 GEMMs (+ the head and the classifier); Lite1 and Lite2 have 21 blocks.
//!
//! Weights: a safetensors file with the original PyTorch tensor names
//! (`_conv_stem.weight`, `_blocks.N._expand_conv.weight`, `_bn0.running_var`, …)
//! in F32, F16 or BF16 (computed in F32); `weights/encoder/` ships the big ones as F16 (see
//! [`super::convert`]).

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use image::RgbImage;
use rayon::prelude::*;

use super::conv::{self, Act, ConvGeom, Threads};
use super::preprocess;
use crate::nn::ops::dot;
use crate::nn::safetensors::{self, Tensors, WeightsError};

/// Channels of the grid and the pooled vector (the head conv's output; Lite keeps
/// it at 1280 in every variant).
pub const FEATURES: usize = 1280;
/// ImageNet-1k classes.
pub const CLASSES: usize = 1000;
/// BatchNorm ε of the TF checkpoint (PyTorch's default 1e-5 would be wrong).
pub const BN_EPS: f64 = 1e-3;

/// Channels of the stem conv's output (fixed in every Lite variant).
const STEM_CHANNELS: usize = 32;

/// The EfficientNet-Lite variants the encoder runs.
///
/// EfficientNet grows a network by *compound scaling* (Tan & Le §3.3): depth,
/// width and input resolution together, by coefficients (d, w, r). Lite is the
/// edge-device family: no squeeze-and-excitation, ReLU6 instead of swish, and the
/// stem, the head and the first and last stages kept at their baseline size
/// (`fix_head_stem` in TF's `efficientnet_lite_builder.py`).
///
/// | variant | width w | depth d | input | grid | params |
/// |---|---|---|---|---|---|
/// | Lite0 | 1.0 | 1.0 | 224 | 7×7 | 4.7 M |
/// | Lite1 | 1.0 | 1.1 | 240 | 8×8 | 5.4 M |
/// | Lite2 | 1.1 | 1.2 | 260 | 9×9 | 6.1 M |
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    #[default]
    Lite0,
    Lite1,
    Lite2,
}

impl Variant {
    /// Every variant, smallest first.
    pub const ALL: [Variant; 3] = [Variant::Lite0, Variant::Lite1, Variant::Lite2];

    /// Short name: `lite0`, `lite1`, `lite2` (what `--encoder` and the
    /// captioner's `config.json` say).
    pub fn name(self) -> &'static str {
        match self {
            Variant::Lite0 => "lite0",
            Variant::Lite1 => "lite1",
            Variant::Lite2 => "lite2",
        }
    }

    /// The model's published name, `efficientnet-lite0` ….
    pub fn model(self) -> &'static str {
        match self {
            Variant::Lite0 => "efficientnet-lite0",
            Variant::Lite1 => "efficientnet-lite1",
            Variant::Lite2 => "efficientnet-lite2",
        }
    }

    /// Parses a short name or the model's name (`lite2`, `efficientnet-lite2`).
    pub fn parse(s: &str) -> Option<Variant> {
        let s = s.trim().to_ascii_lowercase();
        Variant::ALL
            .into_iter()
            .find(|v| s == v.name() || s == v.model())
    }

    /// The weights file inside the encoder folder.
    pub fn weights_file(self) -> &'static str {
        match self {
            Variant::Lite0 => "efficientnet_lite0.safetensors",
            Variant::Lite1 => "efficientnet_lite1.safetensors",
            Variant::Lite2 => "efficientnet_lite2.safetensors",
        }
    }

    /// (width, depth) coefficients.
    fn coefficients(self) -> (f64, f64) {
        match self {
            Variant::Lite0 => (1.0, 1.0),
            Variant::Lite1 => (1.0, 1.1),
            Variant::Lite2 => (1.1, 1.2),
        }
    }

    /// Side of the square input in pixels: 224, 240, 260.
    pub fn input_size(self) -> usize {
        match self {
            Variant::Lite0 => 224,
            Variant::Lite1 => 240,
            Variant::Lite2 => 260,
        }
    }

    /// Side of the grid: the input after five stride-2 layers with SAME
    /// padding, each `⌈n/2⌉` (224 → 7, 240 → 8, 260 → 9).
    pub fn grid_side(self) -> usize {
        (0..5).fold(self.input_size(), |n, _| n.div_ceil(2))
    }

    /// Regions in the grid, `grid_side²`.
    pub fn regions(self) -> usize {
        self.grid_side() * self.grid_side()
    }

    /// Input channels of the head conv: the last stage's width.
    fn head_in(self) -> usize {
        round_filters(
            BASE_STAGES[BASE_STAGES.len() - 1].c_out,
            self.coefficients().0,
        )
    }

    /// The seven stages, scaled from Lite0's (see [`round_filters`] and
    /// [`round_repeats`]); the first and last stages keep their depth.
    fn stages(self) -> Vec<Stage> {
        let (width, depth) = self.coefficients();
        let last = BASE_STAGES.len() - 1;
        BASE_STAGES
            .iter()
            .enumerate()
            .map(|(i, s)| Stage {
                repeats: if i == 0 || i == last {
                    s.repeats
                } else {
                    round_repeats(s.repeats, depth)
                },
                c_in: round_filters(s.c_in, width),
                c_out: round_filters(s.c_out, width),
                ..*s
            })
            .collect()
    }
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Channels scaled by the width coefficient and rounded to a multiple of 8, never
/// more than 10 % below the scaled value (TF's `round_filters`).
fn round_filters(channels: usize, width: f64) -> usize {
    if width == 1.0 {
        return channels;
    }
    let scaled = channels as f64 * width;
    let mut rounded = (((scaled + 4.0) as usize) / 8 * 8).max(8);
    if (rounded as f64) < 0.9 * scaled {
        rounded += 8;
    }
    rounded
}

/// Repeats scaled by the depth coefficient, rounded up (TF's `round_repeats`).
fn round_repeats(repeats: usize, depth: f64) -> usize {
    (repeats as f64 * depth).ceil() as usize
}

/// One stage of the network, from TF's block strings (`r1_k3_s11_e1_i32_o16`, …).
#[derive(Clone, Copy)]
struct Stage {
    repeats: usize,
    kernel: usize,
    stride: usize,
    expand: usize,
    c_in: usize,
    c_out: usize,
}

/// The baseline's (Lite0's) seven stages; the other variants scale them.
const BASE_STAGES: [Stage; 7] = [
    Stage {
        repeats: 1,
        kernel: 3,
        stride: 1,
        expand: 1,
        c_in: 32,
        c_out: 16,
    },
    Stage {
        repeats: 2,
        kernel: 3,
        stride: 2,
        expand: 6,
        c_in: 16,
        c_out: 24,
    },
    Stage {
        repeats: 2,
        kernel: 5,
        stride: 2,
        expand: 6,
        c_in: 24,
        c_out: 40,
    },
    Stage {
        repeats: 3,
        kernel: 3,
        stride: 2,
        expand: 6,
        c_in: 40,
        c_out: 80,
    },
    Stage {
        repeats: 3,
        kernel: 5,
        stride: 1,
        expand: 6,
        c_in: 80,
        c_out: 112,
    },
    Stage {
        repeats: 4,
        kernel: 5,
        stride: 2,
        expand: 6,
        c_in: 112,
        c_out: 192,
    },
    Stage {
        repeats: 1,
        kernel: 3,
        stride: 1,
        expand: 6,
        c_in: 192,
        c_out: 320,
    },
];

/// What went wrong loading the encoder or feeding it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncoderError {
    /// The weights file could not be read, or a tensor is missing or wrong.
    #[error(transparent)]
    Weights(#[from] WeightsError),
    /// An input tensor of the wrong length was given to [`Encoder::encode_input`].
    #[error("encoder input has {found} values, expected {side}·{side}·3 = {expected}")]
    InputSize {
        found: usize,
        side: usize,
        expected: usize,
    },
}

/// The encoder's outputs for one photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// `[L, 1280]` row-major: row `r = y·side + x` is region `(y, x)`'s feature
    /// vector (L and side: [`Variant::regions`], [`Variant::grid_side`]).
    pub grid: Vec<f32>,
    /// `[1280]`: the grid's mean over the L regions.
    pub pooled: Vec<f32>,
    /// `[1000]`: ImageNet-1k logits, class order of [`imagenet_classes`].
    pub logits: Vec<f32>,
}

impl Encoded {
    /// Softmax of the logits: `[1000]` class probabilities.
    pub fn probabilities(&self) -> Vec<f32> {
        let max = self
            .logits
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        let exp: Vec<f64> = self
            .logits
            .iter()
            .map(|&z| f64::from(z - max).exp())
            .collect();
        let total: f64 = exp.iter().sum();
        exp.iter().map(|&e| (e / total) as f32).collect()
    }

    /// The `k` most probable classes, best first: `(class index, probability)`.
    pub fn top_k(&self, k: usize) -> Vec<(usize, f32)> {
        let probs = self.probabilities();
        let mut order: Vec<usize> = (0..probs.len()).collect();
        order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
        order.into_iter().take(k).map(|i| (i, probs[i])).collect()
    }

    /// The `k` most probable ImageNet labels, best first: `(name, probability)`.
    pub fn top_labels(&self, k: usize) -> Vec<(&'static str, f32)> {
        let names = imagenet_classes();
        self.top_k(k)
            .into_iter()
            .map(|(i, p)| (names[i], p))
            .collect()
    }
}

/// The 1000 ImageNet-1k class names in index order (torchvision's list,
/// BSD-3-Clause; shipped as `weights/encoder/imagenet_classes.txt`).
pub fn imagenet_classes() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let names: Vec<&'static str> = include_str!("../../weights/encoder/imagenet_classes.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(names.len(), CLASSES, "imagenet_classes.txt has 1000 names");
        names
    })
}

/// A 1×1 conv with BatchNorm folded in.
struct Pointwise {
    c_in: usize,
    /// `[c_in, c_out]`: the conv weight transposed, scaled by the BN.
    weight: Vec<f32>,
    /// `[c_out]`.
    bias: Vec<f32>,
}

/// A depthwise k×k conv with BatchNorm folded in.
struct Depthwise {
    kernel: usize,
    stride: usize,
    /// `[k, k, c]`, scaled by the BN.
    weight: Vec<f32>,
    /// `[c]`.
    bias: Vec<f32>,
}

/// One MBConv block (see the module doc).
struct Block {
    expand: Option<Pointwise>,
    depthwise: Depthwise,
    project: Pointwise,
    residual: bool,
}

/// Reusable activation buffers for one forward pass, sized for the largest layer
/// of each role. Kept in a pool so repeated calls do not page-fault fresh memory.
struct Scratch {
    /// Block input and output, ping-pong: `[H·W, C]`.
    x: Vec<f32>,
    y: Vec<f32>,
    /// Expanded activations `[H·W, C_mid]`.
    expanded: Vec<f32>,
    /// Depthwise output `[H'·W', C_mid]`.
    dw: Vec<f32>,
}

/// An EfficientNet-Lite network, BatchNorm folded, ready to encode photos.
///
/// `Encoder` is `Sync`: several threads may call [`Encoder::encode`] at once.
pub struct Encoder {
    variant: Variant,
    /// Stem conv, `[3, 3, 3, 32]` (ky, kx, c_in, c_out), and its bias `[32]`.
    stem_weight: Vec<f32>,
    stem_bias: Vec<f32>,
    blocks: Vec<Block>,
    /// Head conv (last stage's width) → 1280.
    head: Pointwise,
    /// Classifier `[1000, 1280]` (PyTorch layout) and bias `[1000]`.
    fc_weight: Vec<f32>,
    fc_bias: Vec<f32>,
    /// Threads a single [`Encoder::encode`] may use.
    threads: usize,
    /// Sizes of the [`Scratch`] buffers: (x/y, expanded, dw).
    scratch_sizes: (usize, usize, usize),
    scratch_pool: Mutex<Vec<Scratch>>,
}

/// Named intermediate outputs, for layer-by-layer checks and the inspector.
///
/// `name` is one of `stem_out`, `block_{i}_out` (i = 0..15 for Lite0), `grid`; `data` is
/// the HWC map `[h, w, c]`.
pub struct Tap<'a> {
    pub name: &'a str,
    pub data: &'a [f32],
    pub h: usize,
    pub w: usize,
    pub c: usize,
}

impl Encoder {
    /// Load `variant` from the weights root `root` (its `encoder/` folder).
    pub fn load(root: &Path, variant: Variant) -> Result<Encoder, EncoderError> {
        Self::load_dir(
            &crate::weights::in_root(root, crate::weights::ENCODER),
            variant,
        )
    }

    /// Load `variant` from an encoder folder (holding its
    /// [`Variant::weights_file`]).
    pub fn load_dir(dir: &Path, variant: Variant) -> Result<Encoder, EncoderError> {
        Self::load_file(&dir.join(variant.weights_file()), variant)
    }

    /// Load `variant` from a safetensors file.
    ///
    /// Every tensor is checked for presence, shape, dtype and finiteness; errors
    /// name the file and the tensor (so another variant's file is refused).
    pub fn load_file(path: &Path, variant: Variant) -> Result<Encoder, EncoderError> {
        let bytes = safetensors::read(path)?;
        let src = Source(Tensors::parse(&bytes, path)?);
        Encoder::from_source(&src, variant)
    }

    /// Build the network from the tensors, folding every BatchNorm.
    fn from_source(src: &Source, variant: Variant) -> Result<Encoder, EncoderError> {
        let stem = src.conv_bn("_conv_stem", "_bn0", [STEM_CHANNELS, 3, 3, 3])?;
        let stem_weight = ohwi_to_hwio(&stem.0, STEM_CHANNELS, 3, 3);
        let mut blocks = Vec::with_capacity(16);
        let mut n = 0;
        for stage in &variant.stages() {
            for r in 0..stage.repeats {
                let (c_in, stride) = if r == 0 {
                    (stage.c_in, stage.stride)
                } else {
                    (stage.c_out, 1)
                };
                blocks.push(src.block(n, c_in, stage, stride)?);
                n += 1;
            }
        }
        let head = src.pointwise("_conv_head", "_bn1", variant.head_in(), FEATURES)?;
        let fc_weight = src.0.f32("_fc.weight", &[CLASSES, FEATURES])?;
        let fc_bias = src.0.f32("_fc.bias", &[CLASSES])?;
        let scratch_sizes = scratch_sizes(&blocks, variant.input_size());
        Ok(Encoder {
            variant,
            stem_weight,
            stem_bias: stem.1,
            blocks,
            head,
            fc_weight,
            fc_bias,
            threads: rayon::current_num_threads().max(1),
            scratch_sizes,
            scratch_pool: Mutex::new(Vec::new()),
        })
    }

    /// Which network this is.
    pub fn variant(&self) -> Variant {
        self.variant
    }

    /// Threads one [`Encoder::encode`] call may use (default: rayon's pool size,
    /// i.e. the number of cores). 1 runs entirely on the calling thread.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    /// See [`Encoder::set_threads`].
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Encode a decoded photo: squash to the variant's input size (Pillow
    /// bilinear), normalise, run the network.
    pub fn encode(&self, img: &RgbImage) -> Encoded {
        self.encode_on(img, self.threads)
    }

    /// Like [`Encoder::encode`] on `threads` threads (1: the calling thread
    /// alone, for running several encoders side by side).
    pub fn encode_on(&self, img: &RgbImage, threads: usize) -> Encoded {
        let input = preprocess::photo_to_input(img, self.variant.input_size());
        self.forward(&input, Threads(threads.max(1)), None)
    }

    /// Encode many photos. With more than one thread the photos run in parallel,
    /// one per thread (better use of the cores than splitting each layer).
    pub fn encode_batch(&self, images: &[RgbImage]) -> Vec<Encoded> {
        if self.threads <= 1 || images.len() <= 1 {
            return images.iter().map(|img| self.encode(img)).collect();
        }
        images
            .par_iter()
            .map(|img| {
                let input = preprocess::photo_to_input(img, self.variant.input_size());
                self.forward(&input, Threads(1), None)
            })
            .collect()
    }

    /// Encode an already preprocessed input: `[S, S, 3]` HWC (S the variant's
    /// input size), scaled
    /// (v−127)/128 (see [`preprocess::photo_to_input`]).
    pub fn encode_input(&self, input: &[f32]) -> Result<Encoded, EncoderError> {
        check_input(input, self.variant.input_size())?;
        Ok(self.forward(input, Threads(self.threads), None))
    }

    /// Like [`Encoder::encode_input`], calling `tap` with every named
    /// intermediate output (see [`Tap`]) as it is computed.
    pub fn encode_input_with_taps(
        &self,
        input: &[f32],
        tap: &mut dyn FnMut(Tap),
    ) -> Result<Encoded, EncoderError> {
        check_input(input, self.variant.input_size())?;
        Ok(self.forward(input, Threads(self.threads), Some(tap)))
    }

    /// The forward pass. `input` is `[S, S, 3]`.
    fn forward(
        &self,
        input: &[f32],
        threads: Threads,
        mut tap: Option<&mut dyn FnMut(Tap)>,
    ) -> Encoded {
        let mut s = self.take_scratch();
        let Scratch { x, y, expanded, dw } = &mut s;

        // Stem: [224, 224, 3] → [112, 112, 32] (Lite0).
        let side = self.variant.input_size();
        let g = ConvGeom::same(side, side, 3, 2);
        let (mut h, mut w, mut c) = (g.out_h, g.out_w, STEM_CHANNELS);
        let stem_out = &mut x[..h * w * c];
        conv::conv2d_same(
            input,
            g,
            3,
            &self.stem_weight,
            &self.stem_bias,
            Act::Relu6,
            stem_out,
        );
        if let Some(t) = tap.as_mut() {
            t(Tap {
                name: "stem_out",
                data: stem_out,
                h,
                w,
                c,
            });
        }

        for (i, block) in self.blocks.iter().enumerate() {
            let block_in = &x[..h * w * c];
            // Expand: [h·w, c] → [h·w, c_mid].
            let (mid_in, c_mid): (&[f32], usize) = match &block.expand {
                Some(e) => {
                    let c_mid = e.bias.len();
                    let out = &mut expanded[..h * w * c_mid];
                    conv::pointwise(
                        block_in,
                        e.c_in,
                        &e.weight,
                        &e.bias,
                        None,
                        Act::Relu6,
                        out,
                        threads,
                    );
                    (out, c_mid)
                }
                None => (block_in, c),
            };
            // Depthwise: [h, w, c_mid] → [h', w', c_mid].
            let d = &block.depthwise;
            let g = ConvGeom::same(h, w, d.kernel, d.stride);
            let dw_out = &mut dw[..g.out_h * g.out_w * c_mid];
            conv::depthwise_same(mid_in, g, &d.weight, &d.bias, Act::Relu6, dw_out, threads);
            // Project: [h'·w', c_mid] → [h'·w', c_out] (+ block input).
            let p = &block.project;
            let c_out = p.bias.len();
            let out = &mut y[..g.out_h * g.out_w * c_out];
            let residual = block.residual.then_some(block_in);
            conv::pointwise(
                dw_out,
                c_mid,
                &p.weight,
                &p.bias,
                residual,
                Act::Linear,
                out,
                threads,
            );
            (h, w, c) = (g.out_h, g.out_w, c_out);
            std::mem::swap(x, y);
            if let Some(t) = tap.as_mut() {
                let name = format!("block_{i}_out");
                t(Tap {
                    name: &name,
                    data: &x[..h * w * c],
                    h,
                    w,
                    c,
                });
            }
        }

        // Head: [49, 320] → grid [49, 1280] (Lite0).
        let mut grid = vec![0.0f32; h * w * FEATURES];
        conv::pointwise(
            &x[..h * w * c],
            self.head.c_in,
            &self.head.weight,
            &self.head.bias,
            None,
            Act::Relu6,
            &mut grid,
            threads,
        );
        if let Some(t) = tap.as_mut() {
            t(Tap {
                name: "grid",
                data: &grid,
                h,
                w,
                c: FEATURES,
            });
        }
        self.return_scratch(s);

        let pooled = mean_rows(&grid, FEATURES);
        let logits = self.classify(&pooled);
        Encoded {
            grid,
            pooled,
            logits,
        }
    }

    /// `logits = fc_weight · pooled + fc_bias`: `[1000]`.
    fn classify(&self, pooled: &[f32]) -> Vec<f32> {
        self.fc_weight
            .chunks_exact(FEATURES)
            .zip(&self.fc_bias)
            .map(|(row, &b)| b + dot(row, pooled))
            .collect()
    }

    fn take_scratch(&self) -> Scratch {
        let pooled = self.scratch_pool.lock().ok().and_then(|mut p| p.pop());
        pooled.unwrap_or_else(|| {
            let (xy, e, d) = self.scratch_sizes;
            Scratch {
                x: vec![0.0; xy],
                y: vec![0.0; xy],
                expanded: vec![0.0; e],
                dw: vec![0.0; d],
            }
        })
    }

    fn return_scratch(&self, s: Scratch) {
        if let Ok(mut pool) = self.scratch_pool.lock() {
            pool.push(s);
        }
    }
}

/// Errors unless `input` has `side·side·3` values.
fn check_input(input: &[f32], side: usize) -> Result<(), EncoderError> {
    let expected = side * side * 3;
    if input.len() != expected {
        return Err(EncoderError::InputSize {
            found: input.len(),
            side,
            expected,
        });
    }
    Ok(())
}

/// The largest buffer each [`Scratch`] role needs: (x/y, expanded, dw).
fn scratch_sizes(blocks: &[Block], side: usize) -> (usize, usize, usize) {
    let g = ConvGeom::same(side, side, 3, 2);
    let (mut h, mut w) = (g.out_h, g.out_w);
    let mut sizes = (h * w * STEM_CHANNELS, 0, 0);
    for b in blocks {
        let c_mid = b.depthwise.bias.len();
        if b.expand.is_some() {
            sizes.1 = sizes.1.max(h * w * c_mid);
        }
        let g = ConvGeom::same(h, w, b.depthwise.kernel, b.depthwise.stride);
        (h, w) = (g.out_h, g.out_w);
        sizes.2 = sizes.2.max(h * w * c_mid);
        sizes.0 = sizes.0.max(h * w * b.project.bias.len());
    }
    sizes
}

/// Column means of a row-major `[n, c]` matrix: `[c]`.
fn mean_rows(m: &[f32], c: usize) -> Vec<f32> {
    let n = m.len() / c;
    let mut sum = vec![0.0f64; c];
    for row in m.chunks_exact(c) {
        for (s, &v) in sum.iter_mut().zip(row) {
            *s += f64::from(v);
        }
    }
    sum.into_iter().map(|s| (s / n as f64) as f32).collect()
}

/// `[o, i, kh, kw]` (PyTorch OIHW) → `[kh, kw, i, o]`.
fn ohwi_to_hwio(w: &[f32], o: usize, i: usize, k: usize) -> Vec<f32> {
    let mut out = vec![0.0; w.len()];
    for oc in 0..o {
        for ic in 0..i {
            for t in 0..k * k {
                out[(t * i + ic) * o + oc] = w[(oc * i + ic) * k * k + t];
            }
        }
    }
    out
}

/// The encoder's weights file, read through its network-specific parts.
struct Source<'a>(Tensors<'a>);

impl Source<'_> {
    /// Conv `{conv}.weight` of `shape` ([o, i, kh, kw]) with BatchNorm `bn` folded
    /// in: returns (weight in OIHW, bias `[o]`).
    fn conv_bn(
        &self,
        conv: &str,
        bn: &str,
        shape: [usize; 4],
    ) -> Result<(Vec<f32>, Vec<f32>), EncoderError> {
        let o = shape[0];
        let mut w = self.0.f32(&format!("{conv}.weight"), &shape)?;
        let gamma = self.0.f32(&format!("{bn}.weight"), &[o])?;
        let beta = self.0.f32(&format!("{bn}.bias"), &[o])?;
        let mean = self.0.f32(&format!("{bn}.running_mean"), &[o])?;
        let var = self.0.f32(&format!("{bn}.running_var"), &[o])?;
        let per_out = w.len() / o;
        let mut bias = Vec::with_capacity(o);
        for (oc, w_row) in w.chunks_exact_mut(per_out).enumerate() {
            let scale = f64::from(gamma[oc]) / (f64::from(var[oc]) + BN_EPS).sqrt();
            for v in w_row.iter_mut() {
                *v = (f64::from(*v) * scale) as f32;
            }
            bias.push((f64::from(beta[oc]) - f64::from(mean[oc]) * scale) as f32);
        }
        Ok((w, bias))
    }

    /// A 1×1 conv `c_in → c_out` with its BatchNorm, laid out `[c_in, c_out]`.
    fn pointwise(
        &self,
        conv: &str,
        bn: &str,
        c_in: usize,
        c_out: usize,
    ) -> Result<Pointwise, EncoderError> {
        let (w, bias) = self.conv_bn(conv, bn, [c_out, c_in, 1, 1])?;
        Ok(Pointwise {
            c_in,
            weight: ohwi_to_hwio(&w, c_out, c_in, 1),
            bias,
        })
    }

    /// MBConv block `n` (tensors `_blocks.{n}.*`).
    fn block(
        &self,
        n: usize,
        c_in: usize,
        stage: &Stage,
        stride: usize,
    ) -> Result<Block, EncoderError> {
        let p = format!("_blocks.{n}");
        let c_mid = c_in * stage.expand;
        let expand = if stage.expand != 1 {
            Some(self.pointwise(
                &format!("{p}._expand_conv"),
                &format!("{p}._bn0"),
                c_in,
                c_mid,
            )?)
        } else {
            None
        };
        let k = stage.kernel;
        let (w, bias) = self.conv_bn(
            &format!("{p}._depthwise_conv"),
            &format!("{p}._bn1"),
            [c_mid, 1, k, k],
        )?;
        let depthwise = Depthwise {
            kernel: k,
            stride,
            weight: ohwi_to_hwio(&w, c_mid, 1, k),
            bias,
        };
        let project = self.pointwise(
            &format!("{p}._project_conv"),
            &format!("{p}._bn2"),
            c_mid,
            stage.c_out,
        )?;
        Ok(Block {
            expand,
            depthwise,
            project,
            residual: stride == 1 && c_in == stage.c_out,
        })
    }
}
