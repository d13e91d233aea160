//! The doodle recognizer: a stroke-sequence LSTM that reads a drawing point by
//! point and names it after every point, so its guess can follow the pen.
//!
//! Shapes legend: **T** points (time steps), **B** batch, **I** feature row
//! ([`features::INPUT_SIZE`]), **H** hidden size, **L** layers, **C** outputs
//! (the K known classes, then, when the model was trained with drawings of
//! unknown classes, one **other** output or one per unknown training class,
//! whose probabilities add up to p(other)).
//!
//! ```text
//! x_t = features row of point t                 (I)      see features.rs
//! h_t = LSTM_L(… LSTM_1(x_t) …)                 (H)      unidirectional, stepped
//! z_t = W_head·h_t + b_head                     (C)
//! p_t = softmax(z_t)                            (C)
//! ```
//!
//! **With a raster CNN** (config `cnn`, file `cnn.safetensors`, see
//! [`cnn`]), the LSTM's p_t is mixed with the CNN's verdict q_t
//! on the picture of the first t + 1 points: p_t ← (1 − w)·p_t + w·q_t
//! ([`mix_logits`]). The LSTM knows how the drawing was made, the CNN what it
//! looks like; with ~25 real drawings a class they err on different
//! drawings, and the mixture beats both.
//!
//! The guess after point t is the K known classes ranked by p_t. **Unsure**
//! ("I'm not sure — is it one of these?"): the known-ness score s (max known
//! p, 1 − p(other), or the energy of the known logits — [`UnsureScore`], the
//! one that separated best at calibration) is below the calibrated
//! `unsure_threshold` of the config.
//!
//! **Live input** ([`Session`]). Normalisation (bounding box → 255) and RDP
//! both depend on the whole drawing, so a new point can change earlier model
//! inputs. A session keeps the rows it has fed and the LSTM state after each
//! of them; on every update it recomputes the rows of the whole drawing with
//! [`features::model_input`] (the one preprocessing), keeps the longest
//! common prefix with what it fed, rewinds the state to there and steps only
//! the rows after it. While the pen moves inside the drawing's box this is 1–3
//! steps (the end of the current stroke); when the box grows, every row
//! changes and the session re-runs from the start. So a session's guess is
//! always exactly `classify` of the drawing so far.
//!
//! The folder:
//! - this file: the door — [`Recognizer`], [`Session`], [`Guess`] and the
//!   config;
//! - [`model`]: the network, with the training forward, loss and backward;
//! - [`cnn`] and [`raster`]: the raster CNN and the picture it reads;
//! - [`files`]: every file the recognizer reads or writes (the model folder
//!   `model.safetensors`, `cnn.safetensors`, `config.json`, and training
//!   checkpoints);
//! - training: [`dataset`] (data and splits), [`augment`], [`train`] (the
//!   LSTM loop), [`train_cnn`] (the CNN stage); [`eval`] (scores, the unsure
//!   threshold, the exported config).

pub mod augment;
pub mod cnn;
pub mod dataset;
pub mod eval;
pub mod files;
pub mod model;
pub mod raster;
pub mod train;
pub mod train_cnn;

pub use model::RecognizerModel;

use crate::nn::lstm::{GateTap, LstmState};
use crate::nn::ops::softmax_in_place;
use crate::sketch::drawing::{Drawing, Point, Stroke};
use crate::sketch::features::{self, Row};
use crate::sketch::teach::{Features, TaughtHead};
use cnn::RasterCnn;
use files::{CNN_FILE, FORMAT, WEIGHTS_FILE};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const OTHER: &str = "other";

/// What went wrong loading or saving a recognizer; every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecognizerError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
    /// The config is not valid JSON of the expected shape.
    #[error("{}: bad config: {message}", path.display())]
    Config { path: PathBuf, message: String },
    /// The weights are corrupt or do not match the config.
    #[error("{}: bad weights: {message}", path.display())]
    Weights { path: PathBuf, message: String },
}

/// How drawings become model input, recorded in the config so a reader in
/// another language can reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Normalisation {
    pub description: String,
    pub frame: f32,
    pub rdp_epsilon: f32,
    pub max_points: usize,
    pub delta_scale: f32,
    pub features: Vec<String>,
}

impl Default for Normalisation {
    fn default() -> Self {
        Self {
            description: "Quick, Draw! simplified: bounding box to (0,0), longer side 255, round, \
                          RDP eps 2 per stroke; coarser eps (3,4,6,8,12,16,24,32) while more than \
                          max_points points; one row per point"
                .into(),
            frame: crate::sketch::simplify::FRAME,
            rdp_epsilon: crate::sketch::simplify::RDP_EPSILON,
            max_points: features::MAX_POINTS,
            delta_scale: features::DELTA_SCALE,
            features: ["x/255-0.5", "y/255-0.5", "dx/64", "dy/64", "new_stroke"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// `config.json`: everything needed to use the weights, and how they were made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecognizerConfig {
    pub format: String,
    /// The K known classes, in output order (file names: `palm_tree`).
    pub classes: Vec<String>,
    /// Whether the outputs after the known ones are [`OTHER`].
    pub other_output: bool,
    /// When the other output was split by the unknown classes it was trained
    /// on: their names, one output each after the known classes (so the
    /// LSTM learnt to tell ~100 more things apart); p(other) is their sum.
    /// Empty: one other output.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_classes: Vec<String>,
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// L
    pub num_layers: usize,
    pub normalisation: Normalisation,
    /// How the known-ness score s is computed (chosen at calibration).
    #[serde(default)]
    pub unsure_score: UnsureScore,
    /// s below this means "I'm not sure".
    pub unsure_threshold: f32,
    /// The raster CNN mixed with the LSTM (absent: the LSTM alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnn: Option<CnnConfig>,
    /// How the weights were made: command, seed, time, data.
    #[serde(default)]
    pub training: serde_json::Value,
    /// Scores on the real validation drawings.
    #[serde(default)]
    pub scores: serde_json::Value,
}

/// The raster CNN of a recognizer (see [`cnn`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CnnConfig {
    /// S, the picture side
    pub size: usize,
    /// C_l of each conv block
    pub channels: Vec<usize>,
    /// w, the CNN's share of the mixed probabilities
    pub weight: f32,
}

impl RecognizerConfig {
    /// C, the number of outputs.
    pub fn num_outputs(&self) -> usize {
        let others = if self.other_output {
            self.other_classes.len().max(1)
        } else {
            0
        };
        self.classes.len() + others
    }
}

/// The known-ness score s of a guess (higher = more likely a known class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsureScore {
    /// max over known classes of the softmax p (the other output takes mass away)
    #[default]
    MaxP,
    /// 1 − p(other)
    NotOther,
    /// log Σ_known exp(z_k), the negative free energy of the known logits
    Energy,
    /// p₁ − max(p₂, p(other)): the best known p's lead over the runner-up,
    /// the other outputs counted as one rival, so "It's a dog" at 29 % with
    /// a bird at 24 % is unsure (issue 20 item 11)
    Margin,
}

impl UnsureScore {
    /// Every method, for calibration.
    pub const ALL: [UnsureScore; 4] = [
        UnsureScore::MaxP,
        UnsureScore::NotOther,
        UnsureScore::Energy,
        UnsureScore::Margin,
    ];

    /// s for logits `z` (C) whose first `k` entries are the known classes.
    pub fn of(self, z: &[f32], k: usize) -> f32 {
        match self {
            UnsureScore::MaxP => {
                let mut p = z.to_vec();
                softmax_in_place(&mut p);
                p[..k].iter().copied().fold(0.0, f32::max)
            }
            UnsureScore::NotOther => {
                let mut p = z.to_vec();
                softmax_in_place(&mut p);
                1.0 - p[k..].iter().sum::<f32>()
            }
            UnsureScore::Energy => {
                let max = z[..k].iter().copied().fold(f32::NEG_INFINITY, f32::max);
                max + z[..k].iter().map(|v| (v - max).exp()).sum::<f32>().ln()
            }
            UnsureScore::Margin => {
                let mut p = z.to_vec();
                softmax_in_place(&mut p);
                let (mut p1, mut p2) = (0.0f32, 0.0f32);
                for &v in &p[..k] {
                    if v > p1 {
                        (p1, p2) = (v, p1);
                    } else if v > p2 {
                        p2 = v;
                    }
                }
                p1 - p2.max(p[k..].iter().sum())
            }
        }
    }
}

/// A guess: the known classes ranked, and whether the model is unsure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guess {
    /// (class, p), best first, every known class.
    pub top: Vec<(String, f32)>,
    /// s < threshold: "I'm not sure — is it one of these?"
    pub unsure: bool,
    /// s, the known-ness score (higher = more likely a known class; see
    /// [`UnsureScore`]); unsure is s < the config's threshold.
    pub score: f32,
    /// p of the other output (0 without one).
    pub p_other: f32,
}

impl Guess {
    /// The first `k` entries of [`Guess::top`].
    pub fn top_k(&self, k: usize) -> &[(String, f32)] {
        &self.top[..k.min(self.top.len())]
    }
}

/// The two models' opinions mixed: ln((1 − w)·softmax(z_lstm) + w·softmax(z_cnn)),
/// as logits (their softmax is the mixture itself), so everything that reads
/// logits (the guess, the known-ness score) reads the mixture. Averaging
/// probabilities, not logits, lets a confident model outvote an unsure one
/// without one model's scale swamping the other's.
pub fn mix_logits(lstm: &[f32], cnn: &[f32], w: f32) -> Vec<f32> {
    let (mut a, mut b) = (lstm.to_vec(), cnn.to_vec());
    softmax_in_place(&mut a);
    softmax_in_place(&mut b);
    a.iter()
        .zip(&b)
        .map(|(p, q)| ((1.0 - w) * p + w * q).max(1e-30).ln())
        .collect()
}

/// What every clone of a [`Recognizer`] shares: the weights and their config.
struct Shared {
    model: RecognizerModel,
    cnn: Option<RasterCnn>,
    config: RecognizerConfig,
}

/// A loaded recognizer, cheap to clone (shared weights), with the classes a
/// user taught it when a pack is attached ([`Recognizer::with_taught`]).
#[derive(Clone)]
pub struct Recognizer {
    shared: Arc<Shared>,
    /// The taught classes' head (see [`teach`](crate::sketch::teach)).
    taught: Option<Arc<TaughtHead>>,
}

impl std::fmt::Debug for Recognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recognizer")
            .field("classes", &self.shared.config.classes.len())
            .field("hidden_size", &self.shared.config.hidden_size)
            .finish()
    }
}

impl Recognizer {
    /// Loads the recognizer of the weights root `root` (its `recognizer/` folder).
    pub fn load(root: &Path) -> Result<Self, RecognizerError> {
        Self::load_dir(&crate::weights::in_root(root, crate::weights::RECOGNIZER))
    }

    /// Loads a recognizer's own folder (what [`Recognizer::save`] writes):
    /// `dir/model.safetensors`, `dir/config.json` and, with a CNN, `dir/cnn.safetensors`.
    pub fn load_dir(dir: &Path) -> Result<Self, RecognizerError> {
        let (model, cnn, config) = files::read_files(dir)?;
        let weights_path = dir.join(WEIGHTS_FILE);
        check_lstm(&model, &config).map_err(|message| RecognizerError::Weights {
            path: weights_path.clone(),
            message,
        })?;
        check_cnn(cnn.as_ref(), &config).map_err(|message| RecognizerError::Weights {
            path: dir.join(CNN_FILE),
            message,
        })?;
        Self::with_cnn(model, cnn, config).map_err(|message| RecognizerError::Weights {
            path: weights_path,
            message,
        })
    }

    /// A recognizer from an LSTM in memory; the config must match its shape
    /// (and have no CNN).
    pub fn new(model: RecognizerModel, config: RecognizerConfig) -> Result<Self, String> {
        Self::with_cnn(model, None, config)
    }

    /// A recognizer from an LSTM and, when the config names one, a raster
    /// CNN in memory; the config must match their shapes.
    pub fn with_cnn(
        model: RecognizerModel,
        cnn: Option<RasterCnn>,
        config: RecognizerConfig,
    ) -> Result<Self, String> {
        check_lstm(&model, &config)?;
        check_cnn(cnn.as_ref(), &config)?;
        Ok(Self {
            shared: Arc::new(Shared { model, cnn, config }),
            taught: None,
        })
    }

    /// Writes `dir/model.safetensors`, `dir/cnn.safetensors` (with a CNN)
    /// and `dir/config.json`, each atomically.
    pub fn save(&self, dir: &Path) -> Result<(), RecognizerError> {
        files::save_files(
            dir,
            &self.shared.model,
            self.shared.cnn.as_ref(),
            &self.shared.config,
        )
    }

    /// The same recognizer without its CNN: the LSTM alone (a baseline for
    /// comparisons; its unsure threshold is still the mixture's).
    pub fn lstm_only(&self) -> Recognizer {
        let config = RecognizerConfig {
            cnn: None,
            ..self.shared.config.clone()
        };
        Self::with_cnn(self.shared.model.clone(), None, config)
            .expect("an LSTM fits the config it was loaded with")
    }

    /// The same weights with the taught classes of `head` added to every
    /// guess (or none: the built-in classes alone).
    pub fn with_taught(&self, head: Option<TaughtHead>) -> Recognizer {
        Recognizer {
            shared: self.shared.clone(),
            taught: head.map(Arc::new),
        }
    }

    /// The taught classes' head, when a pack is attached.
    pub fn taught(&self) -> Option<&TaughtHead> {
        self.taught.as_deref()
    }

    /// What a taught class is recognised by, for a whole drawing (None when
    /// it has no points); see [`Session::features`].
    pub fn features(&self, d: &Drawing) -> Option<Features> {
        let mut s = self.session();
        s.update(d);
        s.features()
    }

    /// The raster CNN, when the recognizer mixes one in.
    pub fn cnn(&self) -> Option<&RasterCnn> {
        self.shared.cnn.as_ref()
    }

    /// The logits the guess reads from the LSTM's logits and the CNN's
    /// verdict on the same (preprocessed) drawing: their mixture with a
    /// CNN, else the LSTM's own.
    fn mixed(&self, lstm: &[f32], cnn: Option<&[f32]>) -> Vec<f32> {
        match (cnn, &self.shared.config.cnn) {
            (Some(z), Some(c)) => mix_logits(lstm, z, c.weight),
            _ => lstm.to_vec(),
        }
    }

    pub fn config(&self) -> &RecognizerConfig {
        &self.shared.config
    }

    pub fn model(&self) -> &RecognizerModel {
        &self.shared.model
    }

    /// The known classes, in output order.
    pub fn classes(&self) -> &[String] {
        &self.shared.config.classes
    }

    /// A fresh streaming session.
    pub fn session(&self) -> Session {
        Session::new(self.clone())
    }

    /// The guess for a whole drawing (any format): the same steps a session takes.
    pub fn classify(&self, d: &Drawing) -> Guess {
        let mut s = self.session();
        s.update(d)
    }

    /// The LSTM's per-step outputs (T, C) (logits) for given rows, from the
    /// zero state (without the CNN, which reads pictures, not rows).
    pub fn logits_per_step(&self, rows: &[Row]) -> Vec<Vec<f32>> {
        let mut s = self.session();
        s.feed_rows(rows);
        s.logits
    }

    /// The guess from logits z (C), of the built-in classes alone.
    pub fn guess_from_logits(&self, z: &[f32]) -> Guess {
        self.guess_with(z, None)
    }

    /// The guess from logits z (C) and, when a pack is attached, the
    /// drawing's embedding e (D, [`Features::embedding`]): the taught
    /// classes' logits join the built-in ones in one softmax
    /// ([`TaughtHead::join`]), so a taught
    /// class takes its probability from the built-in classes and the other
    /// outputs alike. A taught class named like a built-in one (one's own
    /// style of a cat) is one entry, its probabilities added.
    pub fn guess_with(&self, z: &[f32], embedding: Option<&[f32]>) -> Guess {
        let cfg = &self.shared.config;
        let k = cfg.classes.len();
        let taught = self.taught().zip(embedding);
        let (z_all, known) = match taught {
            Some((head, e)) => head.join(z, k, e),
            None => (z.to_vec(), k),
        };
        let mut p = z_all.clone();
        softmax_in_place(&mut p);
        let names = cfg
            .classes
            .iter()
            .chain(taught.iter().flat_map(|(h, _)| h.classes.iter()));
        let mut top: Vec<(String, f32)> = Vec::with_capacity(known);
        for (name, &p) in names.zip(&p[..known]) {
            match top.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1 += p,
                None => top.push((name.clone(), p)),
            }
        }
        top.sort_by(|a, b| b.1.total_cmp(&a.1));
        let score = cfg.unsure_score.of(&z_all, known);
        let threshold = taught
            .and_then(|(h, _)| h.unsure_threshold)
            .unwrap_or(cfg.unsure_threshold);
        Guess {
            unsure: score < threshold,
            score,
            p_other: p[known..].iter().sum(),
            top,
        }
    }

    /// The guess before any point: uniform, unsure.
    fn empty_guess(&self) -> Guess {
        let mut names: Vec<String> = self.classes().to_vec();
        for c in self.taught().iter().flat_map(|h| h.classes.iter()) {
            if !names.contains(c) {
                names.push(c.clone());
            }
        }
        let p = 1.0 / names.len().max(1) as f32;
        Guess {
            top: names.into_iter().map(|c| (c, p)).collect(),
            unsure: true,
            score: p,
            p_other: 0.0,
        }
    }
}

/// The LSTM's shape and the config's format agree with the config.
fn check_lstm(model: &RecognizerModel, config: &RecognizerConfig) -> Result<(), String> {
    if config.format != FORMAT {
        return Err(format!(
            "config format {:?}, expected {FORMAT:?}",
            config.format
        ));
    }
    let shape = (
        model.num_outputs(),
        model.lstm.hidden_size,
        model.lstm.layers.len(),
    );
    let want = (config.num_outputs(), config.hidden_size, config.num_layers);
    if shape != want {
        return Err(format!(
            "weights have (outputs, hidden, layers) = {shape:?} but the config says {want:?}"
        ));
    }
    Ok(())
}

/// The CNN (if any) agrees with the config's `cnn` (if any).
fn check_cnn(cnn: Option<&RasterCnn>, config: &RecognizerConfig) -> Result<(), String> {
    match (cnn, &config.cnn) {
        (None, None) => {}
        (Some(net), Some(c)) => {
            let have = (net.size, &net.channels, net.num_outputs());
            let want = (c.size, &c.channels, config.num_outputs());
            if have != want {
                return Err(format!(
                    "the CNN has (size, channels, outputs) = {have:?} but the config says {want:?}"
                ));
            }
            if !(0.0..=1.0).contains(&c.weight) {
                return Err(format!("cnn weight {} is not in [0, 1]", c.weight));
            }
        }
        (Some(_), None) => return Err("a CNN was given but the config has no \"cnn\"".into()),
        (None, Some(_)) => return Err("the config has \"cnn\" but no CNN was given".into()),
    }
    Ok(())
}

/// A live recognition: feed it the drawing as it grows (see the module doc
/// for how earlier points that change are handled); every update returns
/// the guess after the last point. Cloning copies the state (a cheap fork).
#[derive(Clone)]
pub struct Session {
    rec: Recognizer,
    /// The points pushed with [`Session::push_point`].
    drawing: Drawing,
    /// (T, I) rows fed so far.
    rows: Vec<Row>,
    /// states[s]: every layer's (h, C) after row s.
    states: Vec<Vec<LstmState>>,
    /// maxes[s]: the running max of the top h up to row s (H); empty
    /// vectors when the head does not read it.
    maxes: Vec<Vec<f32>>,
    /// logits[s]: (C) after row s.
    logits: Vec<Vec<f32>>,
    /// taps[s][layer]: the gates of row s, when taps are on.
    taps: Option<Vec<Vec<GateTap>>>,
    scratch: Vec<f32>,
    /// The preprocessed drawing of the last update (its rows are `rows`).
    preprocessed: Drawing,
    /// The CNN's logits (C) for `preprocessed`, when the recognizer has a CNN and
    /// the session was updated with a drawing.
    cnn_z: Option<Vec<f32>>,
    /// The CNN's pooled features g (C_L) of the same picture.
    cnn_g: Option<Vec<f32>>,
    /// prefix_cnn[s]: the CNN's logits for the first s + 1 points of
    /// `preprocessed`, kept while taps are on (the Inspect view plots the guess
    /// after every point, and an update then computes only the new ones).
    prefix_cnn: Vec<Vec<f32>>,
}

impl Session {
    fn new(rec: Recognizer) -> Self {
        Self {
            rec,
            drawing: Drawing::default(),
            rows: Vec::new(),
            states: Vec::new(),
            maxes: Vec::new(),
            logits: Vec::new(),
            taps: None,
            scratch: Vec::new(),
            preprocessed: Drawing::default(),
            cnn_z: None,
            cnn_g: None,
            prefix_cnn: Vec::new(),
        }
    }

    /// Turns gate taps on (for the Inspect view): from now on every step
    /// records f, i, o, C̃ and C of every layer. Re-runs what was fed.
    pub fn with_taps(mut self) -> Self {
        self.record_taps();
        self
    }

    /// [`Session::with_taps`] in place; does nothing when taps are already on.
    pub fn record_taps(&mut self) {
        if self.taps.is_some() {
            return;
        }
        self.taps = Some(Vec::new());
        let rows = std::mem::take(&mut self.rows);
        self.states.clear();
        self.maxes.clear();
        self.logits.clear();
        self.feed_rows(&rows);
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.drawing = Drawing::default();
        self.rows.clear();
        self.states.clear();
        self.maxes.clear();
        self.logits.clear();
        self.preprocessed = Drawing::default();
        self.cnn_z = None;
        self.cnn_g = None;
        self.prefix_cnn.clear();
        if let Some(t) = &mut self.taps {
            t.clear();
        }
    }

    /// Adds one canvas point: `new_stroke` starts a stroke (pen went down),
    /// otherwise the point continues the current stroke. Non-finite points are
    /// ignored. Returns the guess for the drawing so far.
    pub fn push_point(&mut self, x: f32, y: f32, new_stroke: bool) -> Guess {
        if x.is_finite() && y.is_finite() {
            if new_stroke || self.drawing.strokes.is_empty() {
                self.drawing.strokes.push(Stroke::default());
            }
            let stroke = self
                .drawing
                .strokes
                .last_mut()
                .expect("a stroke was pushed");
            stroke.points.push(Point::xy(x, y));
        }
        let d = std::mem::take(&mut self.drawing);
        let guess = self.update(&d);
        self.drawing = d;
        guess
    }

    /// Brings the session to the drawing `d` (the whole drawing so far, in any
    /// coordinates) and returns the guess after its last point. Only the rows
    /// that differ from what was fed are stepped.
    pub fn update(&mut self, d: &Drawing) -> Guess {
        let preprocessed = features::preprocess(d);
        let rows = features::inputs(&preprocessed);
        // The rows determine the preprocessed drawing, so the same rows
        // need no new picture.
        if let Some(cnn) = self.rec.cnn()
            && (rows != self.rows || self.cnn_z.is_none())
        {
            let (g, z) = match rows.is_empty() {
                true => (None, None),
                false => {
                    let (g, z) = cnn.features_and_logits(&preprocessed);
                    (Some(g), Some(z))
                }
            };
            (self.cnn_g, self.cnn_z) = (g, z);
        }
        self.preprocessed = preprocessed;
        self.feed_rows(&rows);
        if let Some(cnn) = self.rec.cnn()
            && self.taps.is_some()
        {
            // feed_rows kept the prefixes whose points did not change.
            for t in self.prefix_cnn.len()..self.rows.len() {
                let z = match &self.cnn_z {
                    Some(z) if t + 1 == self.rows.len() => z.clone(),
                    _ => {
                        let mut prefix = self.preprocessed.clone();
                        features::truncate(&mut prefix, t + 1);
                        cnn.logits(&prefix)
                    }
                };
                self.prefix_cnn.push(z);
            }
        }
        self.guess()
    }

    /// Rewinds to the longest common prefix of `rows` and what was fed, then
    /// steps the rest.
    fn feed_rows(&mut self, rows: &[Row]) {
        let common = self
            .rows
            .iter()
            .zip(rows)
            .take_while(|(a, b)| a == b)
            .count();
        self.rows.truncate(common);
        self.states.truncate(common);
        self.maxes.truncate(common);
        self.logits.truncate(common);
        // Equal rows are equal points, so these prefixes' pictures are too.
        self.prefix_cnn.truncate(common);
        if let Some(t) = &mut self.taps {
            t.truncate(common);
        }
        for row in &rows[common..] {
            self.step(row);
        }
    }

    /// One row through every layer and the head.
    fn step(&mut self, x: &Row) {
        let model = &self.rec.shared.model;
        let mut state = self
            .states
            .last()
            .cloned()
            .unwrap_or_else(|| model.lstm.zero_state());
        let tap = self.taps.is_some();
        let mut taps = Vec::new();
        for (k, layer) in model.lstm.layers.iter().enumerate() {
            let (below, above) = state.split_at_mut(k);
            let input: &[f32] = if k == 0 { x } else { &below[k - 1].h };
            if let Some(t) =
                layer
                    .forward
                    .step_with_scratch(input, &mut above[0], &mut self.scratch, tap)
            {
                taps.push(t);
            }
        }
        let top = &state[state.len() - 1].h;
        let max = if !model.running_max() {
            Vec::new()
        } else {
            match self.maxes.last() {
                Some(prev) => prev.iter().zip(top).map(|(&a, &b)| a.max(b)).collect(),
                None => top.clone(),
            }
        };
        let mut z = vec![0.0; model.num_outputs()];
        model.head(top, &max, &mut z);
        self.rows.push(*x);
        self.states.push(state);
        self.maxes.push(max);
        self.logits.push(z);
        if let Some(t) = &mut self.taps {
            t.push(taps);
        }
    }

    /// The guess after the last row (uniform and unsure before any), with
    /// the taught classes when a pack is attached.
    pub fn guess(&self) -> Guess {
        match self.features() {
            Some(f) => self.rec.guess_with(&f.logits, Some(&f.embedding)),
            None => self.rec.empty_guess(),
        }
    }

    /// After the last row: the recognizer's logits (C) and the drawing's
    /// embedding — the top layer's h_t and, with a CNN, its pooled features
    /// g ([`teach::embedding`](crate::sketch::teach::embedding)). None before any row.
    pub fn features(&self) -> Option<Features> {
        let z = self.logits.last()?;
        let h = &self.states.last()?.last()?.h;
        Some(Features {
            logits: self.rec.mixed(z, self.cnn_z.as_deref()),
            embedding: crate::sketch::teach::embedding(h, self.cnn_g.as_deref()),
        })
    }

    /// The recognizer's logits (C) after row `t` (< T): the LSTM's at t,
    /// mixed (with a CNN) with the CNN's verdict on the drawing's first t + 1
    /// points, as the live guess was when only they were drawn.
    pub fn logits_after(&self, t: usize) -> Vec<f32> {
        let z = &self.logits[t];
        let Some(cnn) = self.rec.cnn() else {
            return z.clone();
        };
        let cnn_z = if let Some(z) = self.prefix_cnn.get(t) {
            Some(z.clone())
        } else if t + 1 == self.logits.len() && self.cnn_z.is_some() {
            self.cnn_z.clone()
        } else if self.preprocessed.num_points() == self.rows.len() {
            let mut prefix = self.preprocessed.clone();
            features::truncate(&mut prefix, t + 1);
            Some(cnn.logits(&prefix))
        } else {
            // Fed rows without a drawing (logits_per_step): the LSTM alone.
            None
        };
        self.rec.mixed(z, cnn_z.as_deref())
    }

    /// The guess after each row so far, (T) — how the guess evolved.
    pub fn guesses(&self) -> Vec<Guess> {
        (0..self.logits.len())
            .map(|t| self.rec.guess_from_logits(&self.logits_after(t)))
            .collect()
    }

    /// The model rows fed so far, (T, I).
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The gate taps, taps[t][layer] (f, i, o, C̃, C of every unit), when
    /// turned on with [`Session::with_taps`].
    pub fn taps(&self) -> Option<&[Vec<GateTap>]> {
        self.taps.as_deref()
    }

    /// The recognizer the session runs (with its taught classes, if any).
    pub fn recognizer(&self) -> &Recognizer {
        &self.rec
    }

    /// The points pushed with [`Session::push_point`].
    pub fn drawing(&self) -> &Drawing {
        &self.drawing
    }
}
