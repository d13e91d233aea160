//! sketch-rnn: Magenta's unconditional doodle generators (Ha & Eck, "A Neural
//! Representation of Sketch Drawings", 2017), run on the project's one LSTM.
//!
//! A model is a decoder LSTM (H = 512, input I = 5) followed by a linear
//! output layer that parameterises a mixture of M = 20 bivariate normals for
//! the next pen offset and a categorical over the pen state. Shapes legend:
//! I input (5), H hidden, 4H the four gates (rows i, f, g, o), O = 3 + 6M
//! outputs. With x_t the stroke-5 input in model units (see [`stroke5`]):
//!
//! ```text
//! (h_t, C_t) = LSTM(x_t, h_{t-1}, C_{t-1})         the one LSTM, nn::lstm
//! y_t = W_out·h_t + b_out                          (O)
//! y_t = [pen logits (3) | π̂ (M) | μx (M) | μy (M) | σ̂x (M) | σ̂y (M) | ρ̂ (M)]
//! σx = exp(σ̂x), σy = exp(σ̂y), ρ = tanh(ρ̂)
//! ```
//!
//! **Sampling** one token (sketch_rnn.js' rules, which the exported models were
//! made for), with temperature τ and τd = 0.5 + 0.5·τ for the two categorical
//! choices: k ~ softmax(π̂/τd); pen m ~ softmax(pen logits/τd) (its own draw);
//! offset (ex, ey) from N(μ_k, σ_k·√τ, ρ_k):
//! `ex = μx + σx√τ·(√(1−ρ²)·n1 + ρ·n2)`, `ey = μy + σy√τ·n2`. **Greedy**
//! takes argmax k, argmax m and the mean μ_k, with no noise.
//!
//! **Coordinates**: a token's offset in pixels is `ex·S` with
//! S = `scale_factor` (pixel factor 1), i.e. pixels of the Quick, Draw!
//! *simplified* frame (0–255 box); the next input is `[ex, ey, one-hot(m)]`.
//! A drawing starts from the all-zero start token `[0, 0, 0, 0, 0]` and the
//! zero state, and runs until the pen says *end* or `max_seq_len` steps.
//! [`SketchRnn::sample`] then passes the result through
//! [`simplify`](super::simplify::simplify), so generated drawings are in the
//! same simplified format as real ones.
//!
//! **Weights.** The published `.gen.json` files (format:
//! `shared/data/SKETCH_RNN_FORMAT.md`) hold TensorFlow kernels as int16
//! (`w = q·10/32767`), gate order i, j(=g), f, o, `y = x·W`, and a forget bias
//! of +1 added inside σ. They are converted once ([`convert_gen_json`]) into
//! the shipped `weights/sketch-rnn/CLASS.safetensors` (still int16, so the
//! conversion is lossless, in PyTorch layout: `lstm.weight_ih_l0` (4H, I),
//! `lstm.weight_hh_l0` (4H, H), `lstm.bias_ih_l0` (4H), `output.weight` (O, H),
//! `output.bias` (O)) plus `CLASS.json` ([`SketchRnnConfig`]: scale, sizes,
//! dequantisation scale, forget bias). At load the int16 values are
//! dequantised and the forget bias is folded into `bias_ih`'s f rows, giving
//! an ordinary [`LstmParams`] with `bias_hh = 0`.
//!
//! Files: [`model`] (the generator and sampling), [`grid`] (multi-predict:
//! several drawings sampled together), [`weights`] (the shipped
//! format: load and list), [`convert`] (the one-off `.gen.json` converter).

pub mod convert;
pub mod grid;
pub mod model;
pub mod weights;

pub use convert::{Converted, convert_dir, convert_gen_json};
pub use grid::{Agreement, GRID_SIZES, GRID_TEMPERATURES, GridSampler, Tile, TileSpec, agreement};
pub use model::{
    BatchRow, Continuation, Frame, MixtureOutput, Primed, SampleOptions, SketchRnn, Stepper,
    Tokens, drawing_rng,
};
pub use weights::{SketchRnnConfig, list_classes, list_classes_in};

use std::path::{Path, PathBuf};

/// The int16 dequantisation scale of the published models: `w = q·10/32767`.
pub const DEQUANT_SCALE: f64 = 10.0 / 32767.0;
/// The forget-gate bias TensorFlow's `BasicLSTMCell` adds inside σ.
pub const FORGET_BIAS: f32 = 1.0;
/// Stroke-5 input size.
pub const INPUT_SIZE: usize = 5;
/// The temperature drawings are shown at unless told otherwise ("Draw it
/// for me", `rnn-studio draw`): clean drawings that are clearly the class,
/// at the low end of the range the sketch-rnn demos use (0.25–0.45). Chosen
/// by looking at rendered samples.
pub const DEFAULT_TEMPERATURE: f32 = 0.25;
/// The temperature of generated *training data* for the recognizer: at 0.5
/// samples are as wobbly and varied as real Quick, Draw! drawings while every
/// class still draws its object (at 0.65 lanterns and bicycles start to fall
/// apart; at 0.25 drawings are tidier and more alike than real ones). See
/// `weights/README.md` for the statistics behind the choice.
pub const TRAINING_TEMPERATURE: f32 = 0.5;

/// What went wrong loading, converting or writing a model. Every variant
/// names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SketchRnnError {
    /// The file could not be read (missing, unreadable).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but its contents are wrong (corrupt, truncated,
    /// wrong shapes or types).
    #[error("{}: {what}", path.display())]
    Corrupt { path: PathBuf, what: String },
    /// No model of that class exists in the weights folder.
    #[error("unknown sketch-rnn class {class:?}; valid classes: {}", valid.join(", "))]
    UnknownClass { class: String, valid: Vec<String> },
}

type Result<T> = std::result::Result<T, SketchRnnError>;

fn corrupt(path: &Path, what: impl Into<String>) -> SketchRnnError {
    SketchRnnError::Corrupt {
        path: path.to_owned(),
        what: what.into(),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| SketchRnnError::Read {
        path: path.to_owned(),
        source,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::safe_io::write_atomic(path, bytes).map_err(|source| SketchRnnError::Write {
        path: path.to_owned(),
        source,
    })
}
