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

use super::drawing::{Drawing, Point, Stroke};
use super::simplify::{self, FRAME, RDP_EPSILON};
use super::stroke5::{self, Pen, Token};
use crate::nn::lstm::{LstmParams, LstmState};
use crate::nn::ops::{categorical, dot, softmax_with_temperature};
use crate::nn::safetensors::{RawTensor, serialize as serialize_tensors};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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

/// Tensor names in the shipped safetensors files (PyTorch's).
const WEIGHT_IH: &str = "lstm.weight_ih_l0";
const WEIGHT_HH: &str = "lstm.weight_hh_l0";
const BIAS_IH: &str = "lstm.bias_ih_l0";
const OUT_WEIGHT: &str = "output.weight";
const OUT_BIAS: &str = "output.bias";

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
    crate::fsutil::write_atomic(path, bytes).map_err(|source| SketchRnnError::Write {
        path: path.to_owned(),
        source,
    })
}

/// The JSON config shipped next to each model's safetensors (`CLASS.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SketchRnnConfig {
    /// Class name as in the file names, e.g. `palm_tree`.
    pub class: String,
    /// The most decoder steps one drawing may take.
    pub max_seq_len: usize,
    /// S: model units × S = pixels of the simplified frame.
    pub scale_factor: f32,
    /// I (5).
    pub input_size: usize,
    /// H (512).
    pub hidden_size: usize,
    /// M, the number of mixture components (20).
    pub num_mixture: usize,
    /// Every stored int16 `q` stands for the weight `q · dequant_scale`.
    pub dequant_scale: f64,
    /// Added to the f rows of `bias_ih` at load (TensorFlow's forget bias).
    pub forget_bias: f32,
    /// The first decoder input.
    pub start_token: [f32; 5],
    /// Where the weights came from, and how they were converted.
    #[serde(default)]
    pub source: String,
}

/// The int16 weights in PyTorch layout, as stored in the safetensors file.
#[derive(Debug, Clone, PartialEq)]
struct Quantized {
    /// (4H, I), gate rows i, f, g, o
    weight_ih: Vec<i16>,
    /// (4H, H)
    weight_hh: Vec<i16>,
    /// (4H), without the forget bias
    bias_ih: Vec<i16>,
    /// (O, H)
    out_weight: Vec<i16>,
    /// (O)
    out_bias: Vec<i16>,
}

/// One loaded generator: the LSTM and the mixture output layer.
#[derive(Debug, Clone)]
pub struct SketchRnn {
    /// Class name, e.g. `palm_tree`.
    pub class: String,
    /// The decoder LSTM, PyTorch layout, forget bias folded into `bias_ih`.
    pub lstm: LstmParams,
    /// W_out (O, H), row-major.
    pub out_w: Vec<f32>,
    /// b_out (O).
    pub out_b: Vec<f32>,
    /// S: model units × S = simplified-frame pixels.
    pub scale_factor: f32,
    /// The most decoder steps per drawing.
    pub max_seq_len: usize,
    /// M.
    pub num_mixture: usize,
}

/// The output layer's values for one step, transformed: σ = exp(σ̂),
/// ρ = tanh(ρ̂). Logits are kept raw so temperature can be applied. Each
/// vector has M entries.
#[derive(Debug, Clone, PartialEq)]
pub struct MixtureOutput {
    /// (p1, p2, p3) logits.
    pub pen_logits: [f32; 3],
    /// π̂, the mixture weight logits.
    pub pi_logits: Vec<f32>,
    pub mu_x: Vec<f32>,
    pub mu_y: Vec<f32>,
    pub sigma_x: Vec<f32>,
    pub sigma_y: Vec<f32>,
    pub rho: Vec<f32>,
}

impl MixtureOutput {
    /// The most likely component: argmax π̂.
    pub fn argmax_k(&self) -> usize {
        argmax(&self.pi_logits)
    }

    /// The most likely pen state: argmax of the pen logits.
    pub fn argmax_pen(&self) -> Pen {
        Pen::from_index(argmax(&self.pen_logits))
    }
}

/// How to sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleOptions {
    /// τ: scales the offset spread (σ·√τ); smaller is tidier.
    pub temperature: f32,
    /// τd for the component and pen choices; `None` means 0.5 + 0.5·τ (JS).
    pub discrete_temperature: Option<f32>,
    /// The most tokens to sample; `None` means the model's `max_seq_len`.
    pub max_len: Option<usize>,
    /// Take the most likely component, pen and the mean offset: no randomness.
    pub greedy: bool,
}

impl Default for SampleOptions {
    fn default() -> Self {
        Self::with_temperature(DEFAULT_TEMPERATURE)
    }
}

impl SampleOptions {
    /// Random sampling at temperature τ, other settings as in sketch_rnn.js.
    pub fn with_temperature(temperature: f32) -> Self {
        Self {
            temperature,
            discrete_temperature: None,
            max_len: None,
            greedy: false,
        }
    }

    /// Deterministic sampling: argmax everywhere, mean offsets.
    pub fn greedy() -> Self {
        Self {
            greedy: true,
            ..Self::default()
        }
    }

    /// τ, kept away from 0 so that dividing by it stays finite.
    fn tau(&self) -> f32 {
        self.temperature.max(1e-4)
    }

    /// τd.
    fn tau_discrete(&self) -> f32 {
        self.discrete_temperature
            .unwrap_or(0.5 + 0.5 * self.tau())
            .max(1e-4)
    }
}

/// Where a drawing in progress stands: the LSTM state and the next input.
/// Owned and `Send`, so a worker can keep it between messages and produce
/// one token at a time (the app animates "Draw it for me" this way).
#[derive(Debug, Clone)]
pub struct Stepper {
    state: LstmState,
    /// The next input, model units.
    x: [f32; 5],
    /// Tokens produced so far.
    produced: usize,
    /// The most tokens to produce before the end token.
    max_len: usize,
    done: bool,
    /// The LSTM step's working memory, kept so a stream of steps allocates nothing.
    scratch: Vec<f32>,
}

impl Stepper {
    /// True if and only if the end token has been produced.
    pub fn is_done(&self) -> bool {
        self.done
    }
}

/// The tokens of one drawing, sampled lazily; ends with [`Token::END`].
pub struct Tokens<'m, R> {
    model: &'m SketchRnn,
    stepper: Stepper,
    opts: SampleOptions,
    rng: R,
}

impl<R: Rng> Iterator for Tokens<'_, R> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        self.model
            .next_token(&mut self.stepper, &self.opts, &mut self.rng)
    }
}

/// The result of "finish my doodle".
///
/// **Frame.** `strokes` are in the user's *simplified frame*: the frame
/// [`simplify`](super::simplify::simplify) puts the user's drawing in
/// (bounding box's top-left at (0, 0), longer side scaled to 255, whole
/// pixels). `frame` is that map; [`Continuation::strokes_in_user_frame`]
/// maps the strokes back onto the coordinates of the drawing that was passed
/// in (e.g. canvas pixels), where they sit exactly over it. New strokes may
/// leave the 0–255 box. They are rounded and RDP-simplified (ε = 2) like
/// real data, but not re-framed.
#[derive(Debug, Clone, PartialEq)]
pub struct Continuation {
    /// The new strokes only, simplified frame.
    pub strokes: Vec<Stroke>,
    /// The map between the user's coordinates and the simplified frame.
    pub frame: Frame,
    /// The sampled tokens (pixels of the simplified frame), ending with the end token.
    pub tokens: Vec<Token>,
}

impl Continuation {
    /// The new strokes in the coordinates of the drawing passed to
    /// [`SketchRnn::continue_from`].
    pub fn strokes_in_user_frame(&self) -> Vec<Stroke> {
        self.strokes
            .iter()
            .map(|s| Stroke {
                points: s.points.iter().map(|&p| self.frame.to_user(p)).collect(),
            })
            .collect()
    }
}

/// A drawing primed with the user's strokes, ready to continue
/// ([`SketchRnn::prime`]). Owned and `Send`: the app's worker can keep it,
/// call [`SketchRnn::next_token`] on `stepper` once per frame, and draw
/// [`SketchRnn::continuation_strokes`] of the tokens so far, mapped with
/// `frame.to_user`, over the user's drawing.
#[derive(Debug, Clone)]
pub struct Primed {
    /// Produces the new tokens (offsets in simplified-frame pixels).
    pub stepper: Stepper,
    /// Where the new tokens start: the last point of the user's simplified
    /// drawing, in its simplified frame; `None` when the user drew nothing.
    pub origin: Option<Point>,
    /// The map between the user's coordinates and the simplified frame.
    pub frame: Frame,
}

/// The uniform map from a drawing's coordinates into its simplified frame,
/// exactly as [`simplify`](super::simplify::simplify) computes it (before
/// rounding): `frame = (user − min)·scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub min_x: f32,
    pub min_y: f32,
    /// 255 / the longer side of the bounding box (1 for a single dot).
    pub scale: f32,
}

impl Frame {
    /// The identity map.
    pub const IDENTITY: Frame = Frame {
        min_x: 0.0,
        min_y: 0.0,
        scale: 1.0,
    };

    /// The simplified frame of `d`; `None` for an empty drawing.
    pub fn of(d: &Drawing) -> Option<Frame> {
        let b = d.bounds()?;
        let side = b.width().max(b.height());
        Some(Frame {
            min_x: b.min_x,
            min_y: b.min_y,
            scale: if side > 0.0 { FRAME / side } else { 1.0 },
        })
    }

    /// A point of the user's drawing in the simplified frame (unrounded).
    pub fn to_frame(&self, p: Point) -> Point {
        Point::xy(
            (p.x - self.min_x) * self.scale,
            (p.y - self.min_y) * self.scale,
        )
    }

    /// A simplified-frame point in the user's coordinates.
    pub fn to_user(&self, p: Point) -> Point {
        Point::xy(p.x / self.scale + self.min_x, p.y / self.scale + self.min_y)
    }
}

impl SketchRnn {
    // ---- loading -----------------------------------------------------------

    /// Loads the shipped model of `class` from the weights root `root` (its
    /// `sketch-rnn/` folder). An unknown class lists the valid ones.
    pub fn load(root: &Path, class: &str) -> Result<SketchRnn> {
        Self::load_dir(
            &crate::weights::in_root(root, crate::weights::SKETCH_RNN),
            class,
        )
    }

    /// Loads the model of `class` from a folder of converted models
    /// (`CLASS.safetensors` + `CLASS.json`, what [`convert_dir`] writes).
    pub fn load_dir(dir: &Path, class: &str) -> Result<SketchRnn> {
        let valid = list_classes_in(dir)?;
        if !valid.iter().any(|c| c == class) {
            return Err(SketchRnnError::UnknownClass {
                class: class.to_owned(),
                valid,
            });
        }
        Self::load_files(
            &dir.join(format!("{class}.safetensors")),
            &dir.join(format!("{class}.json")),
        )
    }

    /// Loads a model from its safetensors file and JSON config.
    pub fn load_files(safetensors_path: &Path, config_path: &Path) -> Result<SketchRnn> {
        let config_bytes = read(config_path)?;
        let config: SketchRnnConfig = serde_json::from_slice(&config_bytes)
            .map_err(|e| corrupt(config_path, format!("bad config: {e}")))?;
        check_config(&config, config_path)?;
        let bytes = read(safetensors_path)?;
        let q = read_safetensors(&bytes, &config, safetensors_path)?;
        Ok(Self::from_quantized(&config, &q))
    }

    /// Loads a published `.gen.json` file directly (slow: ~3 MB of base64).
    pub fn from_gen_json(path: &Path) -> Result<SketchRnn> {
        let (config, q) = parse_gen_json(&read(path)?, path)?;
        Ok(Self::from_quantized(&config, &q))
    }

    /// Dequantises and folds the forget bias: the one place the stored
    /// layout turns into the running model.
    fn from_quantized(config: &SketchRnnConfig, q: &Quantized) -> SketchRnn {
        let (i, h) = (config.input_size, config.hidden_size);
        let dq = |v: &[i16]| -> Vec<f32> {
            v.iter()
                .map(|&q| (q as f64 * config.dequant_scale) as f32)
                .collect()
        };
        let mut bias_ih = dq(&q.bias_ih);
        for b in &mut bias_ih[h..2 * h] {
            *b += config.forget_bias;
        }
        SketchRnn {
            class: config.class.clone(),
            lstm: LstmParams {
                input_size: i,
                hidden_size: h,
                weight_ih: dq(&q.weight_ih),
                weight_hh: dq(&q.weight_hh),
                bias_ih,
                bias_hh: vec![0.0; 4 * h],
            },
            out_w: dq(&q.out_weight),
            out_b: dq(&q.out_bias),
            scale_factor: config.scale_factor,
            max_seq_len: config.max_seq_len,
            num_mixture: config.num_mixture,
        }
    }

    // ---- one step ------------------------------------------------------------

    /// One decoder step: feeds `x` (model units) and returns the mixture for
    /// the next token.
    pub fn step(&self, x: &[f32; 5], state: &mut LstmState) -> MixtureOutput {
        self.lstm.step(x, state, false);
        self.output(&state.h)
    }

    /// y = W_out·h + b_out, split and transformed.
    pub fn output(&self, h: &[f32]) -> MixtureOutput {
        let nh = self.lstm.hidden_size;
        let y: Vec<f32> = self
            .out_b
            .iter()
            .enumerate()
            .map(|(r, b)| b + dot(&self.out_w[r * nh..(r + 1) * nh], h))
            .collect();
        let m = self.num_mixture;
        let block = |k: usize| y[3 + k * m..3 + (k + 1) * m].to_vec();
        MixtureOutput {
            pen_logits: [y[0], y[1], y[2]],
            pi_logits: block(0),
            mu_x: block(1),
            mu_y: block(2),
            sigma_x: block(3).into_iter().map(f32::exp).collect(),
            sigma_y: block(4).into_iter().map(f32::exp).collect(),
            rho: block(5).into_iter().map(f32::tanh).collect(),
        }
    }

    /// Picks the next token from `y`: offsets in model units.
    fn pick(&self, y: &MixtureOutput, opts: &SampleOptions, rng: &mut impl Rng) -> (f32, f32, Pen) {
        if opts.greedy {
            let k = y.argmax_k();
            return (y.mu_x[k], y.mu_y[k], y.argmax_pen());
        }
        let (tau, tau_d) = (opts.tau(), opts.tau_discrete());
        let k = categorical(
            &softmax_with_temperature(&y.pi_logits, tau_d),
            rng.random::<f32>(),
        );
        let pen = Pen::from_index(categorical(
            &softmax_with_temperature(&y.pen_logits, tau_d),
            rng.random::<f32>(),
        ));
        let (n1, n2) = standard_normal_pair(rng);
        let (sx, sy, rho) = (
            y.sigma_x[k] * tau.sqrt(),
            y.sigma_y[k] * tau.sqrt(),
            y.rho[k],
        );
        let ex = y.mu_x[k] + sx * ((1.0 - rho * rho).max(0.0).sqrt() * n1 + rho * n2);
        let ey = y.mu_y[k] + sy * n2;
        (ex, ey, pen)
    }

    // ---- sampling ------------------------------------------------------------

    /// A fresh drawing's stepper: zero state, the start token as input.
    pub fn stepper(&self, opts: &SampleOptions) -> Stepper {
        Stepper {
            state: LstmState::zeros(self.lstm.hidden_size),
            x: Token::START,
            produced: 0,
            max_len: opts.max_len.unwrap_or(self.max_seq_len),
            done: false,
            scratch: Vec::new(),
        }
    }

    /// Samples the next token (offsets in simplified-frame pixels). After
    /// `max_len` tokens without an end, yields [`Token::END`]; after the end
    /// token, `None`.
    pub fn next_token(
        &self,
        s: &mut Stepper,
        opts: &SampleOptions,
        rng: &mut impl Rng,
    ) -> Option<Token> {
        if s.done {
            return None; // the drawing is over
        }
        if s.produced >= s.max_len {
            s.done = true;
            return Some(Token::END); // ran out of steps: end it, as sketch_rnn.js does
        }
        self.lstm
            .step_with_scratch(&s.x, &mut s.state, &mut s.scratch, false);
        let y = self.output(&s.state.h);
        let (ex, ey, pen) = self.pick(&y, opts, rng);
        s.produced += 1;
        s.done = pen == Pen::End;
        let [p1, p2, p3] = pen.one_hot();
        s.x = [ex, ey, p1, p2, p3];
        Some(Token {
            dx: ex * self.scale_factor,
            dy: ey * self.scale_factor,
            pen,
        })
    }

    /// The tokens of one drawing, lazily (pass `&mut rng` to keep the rng).
    pub fn tokens<R: Rng>(&self, opts: SampleOptions, rng: R) -> Tokens<'_, R> {
        Tokens {
            model: self,
            stepper: self.stepper(&opts),
            opts,
            rng,
        }
    }

    /// One drawing in the Quick, Draw! simplified format (0–255 box, whole
    /// pixels, RDP ε = 2), `word` set to the class. May be empty if the
    /// model ends at once.
    pub fn sample(&self, opts: &SampleOptions, rng: &mut impl Rng) -> Drawing {
        let tokens: Vec<Token> = self.tokens(*opts, &mut *rng).collect();
        self.finish(&tokens)
    }

    /// The simplified drawing of a token sequence, labelled with the class.
    pub fn finish(&self, tokens: &[Token]) -> Drawing {
        let mut d = simplify::simplify(&stroke5::to_drawing(tokens));
        d.word = Some(self.word());
        d
    }

    /// The Quick, Draw! word of the class (`palm tree` for `palm_tree`).
    pub fn word(&self) -> String {
        self.class.replace('_', " ")
    }

    /// `count` non-empty drawings, reproducible: drawing `i` depends only on
    /// (`seed`, class, `i`) (see [`drawing_rng`]). `key_id` is set to
    /// `sketch-rnn:CLASS:SEED:i`. `progress` is called with the number done.
    pub fn sample_many(
        &self,
        opts: &SampleOptions,
        seed: u64,
        count: usize,
        progress: &mut dyn FnMut(usize),
    ) -> Vec<Drawing> {
        (0..count)
            .map(|i| {
                let mut rng = drawing_rng(seed, &self.class, i as u64);
                // An empty drawing is useless as data; the same rng draws again.
                let mut d = self.sample(opts, &mut rng);
                for _ in 0..16 {
                    if !d.is_empty() {
                        break;
                    }
                    d = self.sample(opts, &mut rng);
                }
                d.key_id = Some(format!("sketch-rnn:{}:{seed}:{i}", self.class));
                progress(i + 1);
                d
            })
            .collect()
    }

    /// Primes a drawing with the user's strokes: zero state, the start
    /// token, then every token of `simplify(user)` but the last, fed
    /// without sampling; the last is the stepper's next input, so the first
    /// [`next_token`](Self::next_token) samples the first new token from the
    /// state after all of the user's strokes. For an empty drawing, a fresh
    /// stepper (a whole new drawing, frame = identity).
    pub fn prime(&self, user: &Drawing, opts: &SampleOptions) -> Primed {
        let simple = simplify::simplify(user);
        let mut stepper = self.stepper(opts);
        let tokens = stroke5::from_drawing(&simple);
        let Some((last, before)) = tokens.split_last() else {
            // Nothing drawn yet: start from scratch.
            return Primed {
                stepper,
                origin: None,
                frame: Frame::IDENTITY,
            };
        };
        let (state, scratch) = (&mut stepper.state, &mut stepper.scratch);
        self.lstm
            .step_with_scratch(&Token::START, state, scratch, false);
        for t in before {
            let x = t.to_input(self.scale_factor);
            self.lstm.step_with_scratch(&x, state, scratch, false);
        }
        stepper.x = last.to_input(self.scale_factor);
        Primed {
            stepper,
            origin: simple.points().last().map(|p| Point::xy(p.x, p.y)),
            frame: Frame::of(user).unwrap_or(Frame::IDENTITY),
        }
    }

    /// The strokes drawn by `tokens` sampled after `primed` (all of them, or
    /// the ones so far while animating), in the user's simplified frame,
    /// rounded and RDP-simplified (ε = 2) stroke by stroke. Without a user
    /// drawing, the [`finish`](Self::finish)ed drawing's strokes (0–255 frame).
    pub fn continuation_strokes(&self, primed: &Primed, tokens: &[Token]) -> Vec<Stroke> {
        let Some(origin) = primed.origin else {
            return self.finish(tokens).strokes;
        };
        // The user's last token lifted the pen, so the first new point starts a stroke.
        stroke5::to_strokes(tokens, (origin.x, origin.y), false)
            .into_iter()
            .map(|st| {
                let rounded: Vec<Point> = st
                    .points
                    .iter()
                    .map(|p| Point::xy(p.x.round(), p.y.round()))
                    .collect();
                Stroke {
                    points: simplify::rdp(&rounded, RDP_EPSILON),
                }
            })
            .collect()
    }

    /// "Finish my doodle": feeds the user's simplified strokes, then samples
    /// the rest ([`prime`](Self::prime), then [`next_token`](Self::next_token)
    /// to the end). Returns only the new strokes; see [`Continuation`] for
    /// the coordinate frame. `max_len` counts new tokens.
    pub fn continue_from(
        &self,
        user: &Drawing,
        opts: &SampleOptions,
        rng: &mut impl Rng,
    ) -> Continuation {
        let mut primed = self.prime(user, opts);
        let mut tokens = Vec::new();
        while let Some(t) = self.next_token(&mut primed.stepper, opts, rng) {
            tokens.push(t);
        }
        Continuation {
            strokes: self.continuation_strokes(&primed, &tokens),
            frame: primed.frame,
            tokens,
        }
    }
}

/// The rng of drawing `index` of `class` under `seed`: ChaCha8 seeded by a
/// mix of the three, so every drawing is reproducible on its own and classes
/// do not share random streams.
pub fn drawing_rng(seed: u64, class: &str, index: u64) -> ChaCha8Rng {
    // FNV-1a: a stable hash of the class name (std's hasher may change).
    let class_hash = class.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let mixed = splitmix64(splitmix64(seed ^ class_hash) ^ index);
    ChaCha8Rng::seed_from_u64(mixed)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

// ---- small numeric helpers -------------------------------------------------

fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Two independent standard normals (Box–Muller).
fn standard_normal_pair(rng: &mut impl Rng) -> (f32, f32) {
    let u1 = 1.0 - rng.random::<f64>(); // (0, 1]: ln stays finite
    let u2 = rng.random::<f64>();
    let r = (-2.0 * u1.ln()).sqrt();
    let a = std::f64::consts::TAU * u2;
    ((r * a.cos()) as f32, (r * a.sin()) as f32)
}

// ---- files -------------------------------------------------------------------

/// The classes with a shipped model in the weights root `root`, sorted.
pub fn list_classes(root: &Path) -> Result<Vec<String>> {
    list_classes_in(&crate::weights::in_root(root, crate::weights::SKETCH_RNN))
}

/// The classes with a model in the folder `dir` (names of `*.safetensors`), sorted.
pub fn list_classes_in(dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|source| SketchRnnError::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut classes: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".safetensors").map(str::to_owned)
        })
        .collect();
    classes.sort();
    Ok(classes)
}

fn check_config(c: &SketchRnnConfig, path: &Path) -> Result<()> {
    if c.input_size != INPUT_SIZE {
        return Err(corrupt(
            path,
            format!("input_size is {}, expected {INPUT_SIZE}", c.input_size),
        ));
    }
    if c.hidden_size == 0 || c.num_mixture == 0 || c.max_seq_len == 0 {
        return Err(corrupt(
            path,
            "hidden_size, num_mixture and max_seq_len must be positive",
        ));
    }
    if !(c.scale_factor.is_finite() && c.scale_factor > 0.0) {
        return Err(corrupt(
            path,
            format!("scale_factor {} is not a positive number", c.scale_factor),
        ));
    }
    if !(c.dequant_scale.is_finite() && c.dequant_scale > 0.0 && c.forget_bias.is_finite()) {
        return Err(corrupt(
            path,
            "dequant_scale or forget_bias is not a finite number",
        ));
    }
    Ok(())
}

/// The expected (name, shape) of every stored tensor.
fn tensor_shapes(c: &SketchRnnConfig) -> [(&'static str, Vec<usize>); 5] {
    let (i, h, o) = (c.input_size, c.hidden_size, 3 + 6 * c.num_mixture);
    [
        (WEIGHT_IH, vec![4 * h, i]),
        (WEIGHT_HH, vec![4 * h, h]),
        (BIAS_IH, vec![4 * h]),
        (OUT_WEIGHT, vec![o, h]),
        (OUT_BIAS, vec![o]),
    ]
}

fn read_safetensors(bytes: &[u8], config: &SketchRnnConfig, path: &Path) -> Result<Quantized> {
    let st = safetensors::SafeTensors::deserialize(bytes)
        .map_err(|e| corrupt(path, format!("not a safetensors file: {e}")))?;
    let mut tensors = Vec::with_capacity(5);
    for (name, shape) in tensor_shapes(config) {
        let t = st
            .tensor(name)
            .map_err(|e| corrupt(path, format!("tensor {name}: {e}")))?;
        if t.dtype() != safetensors::Dtype::I16 {
            return Err(corrupt(
                path,
                format!("tensor {name} is {:?}, expected I16", t.dtype()),
            ));
        }
        if t.shape() != shape.as_slice() {
            return Err(corrupt(
                path,
                format!(
                    "tensor {name} has shape {:?}, expected {shape:?}",
                    t.shape()
                ),
            ));
        }
        tensors.push(le_i16(t.data()));
    }
    let mut it = tensors.into_iter();
    let mut next = || it.next().expect("five tensors");
    Ok(Quantized {
        weight_ih: next(),
        weight_hh: next(),
        bias_ih: next(),
        out_weight: next(),
        out_bias: next(),
    })
}

fn le_i16(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// Parses a `.gen.json` file into its config and int16 weights in PyTorch layout.
fn parse_gen_json(bytes: &[u8], path: &Path) -> Result<(SketchRnnConfig, Quantized)> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(path, format!("not valid JSON: {e}")))?;
    let parts = v
        .as_array()
        .filter(|a| a.len() == 3)
        .ok_or_else(|| corrupt(path, "expected a JSON array [info, dims, blobs]"))?;
    let (info, dims, blobs) = (&parts[0], &parts[1], &parts[2]);
    let mode_ok = info
        .get("mode")
        .is_some_and(|m| m.as_i64() == Some(2) || m.as_str() == Some("gen"));
    if !mode_ok {
        return Err(corrupt(
            path,
            "not a decoder-only (\"gen\") model: info.mode is not 2 or \"gen\"",
        ));
    }
    let class = info
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or_else(|| corrupt(path, "info.name is missing"))?
        .to_owned();
    let max_seq_len =
        info.get("max_seq_len")
            .and_then(|n| n.as_u64())
            .ok_or_else(|| corrupt(path, "info.max_seq_len is missing"))? as usize;
    let scale_factor =
        info.get("scale_factor")
            .and_then(|n| n.as_f64())
            .ok_or_else(|| corrupt(path, "info.scale_factor is missing"))? as f32;
    let shapes: Vec<Vec<usize>> = dims
        .as_array()
        .filter(|d| d.len() == 5)
        .and_then(|d| {
            d.iter()
                .map(|s| {
                    s.as_array()?
                        .iter()
                        .map(|n| n.as_u64().map(|n| n as usize))
                        .collect()
                })
                .collect()
        })
        .ok_or_else(|| corrupt(path, "dims must be 5 arrays of sizes"))?;
    let blobs = blobs
        .as_array()
        .filter(|b| b.len() == 5)
        .ok_or_else(|| corrupt(path, "blobs must be 5 strings"))?;
    // Shapes: out_W (H, O), out_b (O), W_xh (I, 4H), W_hh (H, 4H), lstm_b (4H).
    let (h, o) = match shapes[0].as_slice() {
        &[h, o] => (h, o),
        _ => return Err(corrupt(path, "dims[0] (out_W) must be 2-D")),
    };
    let i = shapes[2].first().copied().unwrap_or(0);
    let consistent = o >= 9
        && (o - 3) % 6 == 0
        && shapes[1] == [o]
        && shapes[2] == [i, 4 * h]
        && shapes[3] == [h, 4 * h]
        && shapes[4] == [4 * h]
        && i == INPUT_SIZE;
    if !consistent {
        return Err(corrupt(path, format!("inconsistent dims {shapes:?}")));
    }
    let mut tensors = Vec::with_capacity(5);
    for (k, (blob, shape)) in blobs.iter().zip(&shapes).enumerate() {
        let text = blob
            .as_str()
            .ok_or_else(|| corrupt(path, format!("blob {k} is not a string")))?;
        let raw = base64_decode(text).map_err(|e| corrupt(path, format!("blob {k}: {e}")))?;
        let want: usize = shape.iter().product();
        if raw.len() != 2 * want {
            return Err(corrupt(
                path,
                format!(
                    "blob {k} holds {} bytes, dims {shape:?} need {}",
                    raw.len(),
                    2 * want
                ),
            ));
        }
        tensors.push(le_i16(&raw));
    }
    let config = SketchRnnConfig {
        class,
        max_seq_len,
        scale_factor,
        input_size: i,
        hidden_size: h,
        num_mixture: (o - 3) / 6,
        dequant_scale: DEQUANT_SCALE,
        forget_bias: FORGET_BIAS,
        start_token: Token::START,
        source: String::new(),
    };
    check_config(&config, path)?;
    let q = tf_to_pytorch(
        &tensors[0],
        &tensors[1],
        &tensors[2],
        &tensors[3],
        &tensors[4],
        i,
        h,
        o,
    );
    Ok((config, q))
}

/// TensorFlow kernels (`y = x·W`, gate columns i, j, f, o) to PyTorch rows
/// (`y = W·x`, gate rows i, f, g(=j), o). Pure index shuffling on int16, so
/// it is lossless.
#[allow(clippy::too_many_arguments)]
fn tf_to_pytorch(
    out_w: &[i16],
    out_b: &[i16],
    w_xh: &[i16],
    w_hh: &[i16],
    lstm_b: &[i16],
    i: usize,
    h: usize,
    o: usize,
) -> Quantized {
    // PyTorch gate block p (i, f, g, o) is TensorFlow block TF_BLOCK[p] (of i, j, f, o).
    const TF_BLOCK: [usize; 4] = [0, 2, 1, 3];
    let tf_col = |r: usize| TF_BLOCK[r / h] * h + r % h;
    let transpose = |w: &[i16], rows_in: usize| -> Vec<i16> {
        (0..4 * h)
            .flat_map(|r| (0..rows_in).map(move |c| (r, c)))
            .map(|(r, c)| w[c * 4 * h + tf_col(r)])
            .collect()
    };
    Quantized {
        weight_ih: transpose(w_xh, i),
        weight_hh: transpose(w_hh, h),
        bias_ih: (0..4 * h).map(|r| lstm_b[tf_col(r)]).collect(),
        out_weight: (0..o)
            .flat_map(|r| (0..h).map(move |c| out_w[c * o + r]))
            .collect(),
        out_bias: out_b.to_vec(),
    }
}

/// Decodes standard base64 (RFC 4648, `=` padding optional).
fn base64_decode(text: &str) -> std::result::Result<Vec<u8>, String> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let body = text.trim_end_matches('=').as_bytes();
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return Err(format!("base64 of length {} is truncated", text.len()));
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            let v = sextet(c).ok_or_else(|| format!("invalid base64 character {:?}", c as char))?;
            n |= v << (18 - 6 * k);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Ok(out)
}

/// One converted model: its class and the bytes written.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub class: String,
    pub bytes: u64,
}

/// Converts one `.gen.json` into `out_dir/CLASS.safetensors` + `CLASS.json`
/// (int16, PyTorch layout, lossless). `source` is recorded in the config.
pub fn convert_gen_json(src: &Path, out_dir: &Path, source: &str) -> Result<Converted> {
    let (mut config, q) = parse_gen_json(&read(src)?, src)?;
    config.source = source.to_owned();
    let as_bytes = |v: &[i16]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
    let tensors: Vec<RawTensor> = tensor_shapes(&config)
        .into_iter()
        .zip([
            &q.weight_ih,
            &q.weight_hh,
            &q.bias_ih,
            &q.out_weight,
            &q.out_bias,
        ])
        .map(|((name, shape), v)| RawTensor {
            name: name.to_owned(),
            dtype: safetensors::Dtype::I16,
            shape,
            data: as_bytes(v),
        })
        .collect();
    let meta = HashMap::from([("format".to_owned(), "pt".to_owned())]);
    let st_path = out_dir.join(format!("{}.safetensors", config.class));
    let st = serialize_tensors(&tensors, Some(meta))
        .map_err(|e| corrupt(&st_path, format!("cannot serialise: {e}")))?;
    let json_path = out_dir.join(format!("{}.json", config.class));
    let json = serde_json::to_string_pretty(&config).expect("config serialises") + "\n";
    write(&st_path, &st)?;
    write(&json_path, json.as_bytes())?;
    Ok(Converted {
        class: config.class,
        bytes: (st.len() + json.len()) as u64,
    })
}

/// Converts every `*.gen.json` in `data_dir` into `out_dir`, sorted by name;
/// `progress(done, total, class)` after each.
pub fn convert_dir(
    data_dir: &Path,
    out_dir: &Path,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Vec<Converted>> {
    let entries = std::fs::read_dir(data_dir).map_err(|source| SketchRnnError::Read {
        path: data_dir.to_owned(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gen.json"))
        .collect();
    files.sort();
    std::fs::create_dir_all(out_dir).map_err(|source| SketchRnnError::Write {
        path: out_dir.to_owned(),
        source,
    })?;
    let sha256 = manifest_sha256(&data_dir.join("manifest.json"));
    let mut done = Vec::with_capacity(files.len());
    for (n, f) in files.iter().enumerate() {
        let name = f
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let digest = sha256
            .get(&name)
            .map(|d| format!(" sha256 {d}"))
            .unwrap_or_default();
        let source = format!(
            "Google Magenta sketch-rnn {name}{digest} (quickdraw-models/sketchRNN/large_models, Apache-2.0), \
             converted by `rnn-studio convert-sketch-rnn`: int16 kept, TF gates i,j,f,o -> PyTorch rows i,f,g,o"
        );
        let c = convert_gen_json(f, out_dir, &source)?;
        progress(n + 1, files.len(), &c.class);
        done.push(c);
    }
    Ok(done)
}

/// File name → sha256 from the data folder's `manifest.json`
/// (`{"models":[{"file":…,"sha256":…}]}`), if there is one; empty otherwise.
fn manifest_sha256(path: &Path) -> HashMap<String, String> {
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new(); // no manifest: nothing to record
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    v["models"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some((
                m["file"].as_str()?.to_owned(),
                m["sha256"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(base64_decode("").unwrap(), b"");
        // The first 8 characters of bird's out_W blob: int16 114, −951, 2191 (§6).
        let q = le_i16(&base64_decode("cgBJ/I8I").unwrap());
        assert_eq!(q, [114, -951, 2191]);
        assert!(base64_decode("a$==").is_err());
        assert!(base64_decode("abcde").is_err());
    }

    #[test]
    fn tf_gates_land_in_pytorch_rows() {
        // H = 1, I = 1: TF columns (i, j, f, o) = (1, 2, 3, 4) → PyTorch rows (i, f, g, o) = (1, 3, 2, 4).
        let q = tf_to_pytorch(
            &[7, 8, 9],
            &[5, 6, 7],
            &[1, 2, 3, 4],
            &[11, 12, 13, 14],
            &[21, 22, 23, 24],
            1,
            1,
            3,
        );
        assert_eq!(q.weight_ih, [1, 3, 2, 4]);
        assert_eq!(q.weight_hh, [11, 13, 12, 14]);
        assert_eq!(q.bias_ih, [21, 23, 22, 24]);
        assert_eq!(q.out_weight, [7, 8, 9]);
    }

    #[test]
    fn argmax_takes_the_first_largest() {
        assert_eq!(argmax(&[0.0, 3.0, 2.0]), 1);
    }

    #[test]
    fn frame_matches_simplify() {
        let d = Drawing {
            strokes: vec![Stroke {
                points: vec![
                    Point::xy(100.0, 50.0),
                    Point::xy(300.0, 150.0),
                    Point::xy(120.0, 70.0),
                ],
            }],
            ..Default::default()
        };
        let f = Frame::of(&d).unwrap();
        let s = simplify::simplify(&d);
        for (p, q) in d.strokes[0].points.iter().zip(&s.strokes[0].points) {
            let m = f.to_frame(*p);
            assert_eq!((m.x.round(), m.y.round()), (q.x, q.y));
            let back = f.to_user(m);
            assert!((back.x - p.x).abs() < 1e-3 && (back.y - p.y).abs() < 1e-3);
        }
    }
}
