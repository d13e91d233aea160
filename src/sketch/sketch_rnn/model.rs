//! A sketch-rnn generator and how it samples: the decoder step (the one
//! LSTM, then the mixture output layer), the sampling rules, drawing a class
//! from nothing and finishing a user's doodle (see the folder's doc for the
//! equations).

use super::DEFAULT_TEMPERATURE;
use crate::nn::lstm::{LstmParams, LstmState};
use crate::nn::ops::{categorical, dot, softmax_with_temperature};
use crate::sketch::drawing::{Drawing, Point, Stroke};
use crate::sketch::simplify::{self, FRAME, RDP_EPSILON};
use crate::sketch::stroke5::{self, Pen, Token};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

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

/// One drawing of a batch ([`SketchRnn::next_tokens`]): where it stands,
/// how it samples, and its own random stream.
pub struct BatchRow<'a, R> {
    pub stepper: &'a mut Stepper,
    pub opts: SampleOptions,
    pub rng: &'a mut R,
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
        if let Some(owed) = Self::ended(s) {
            return owed;
        }
        self.lstm
            .step_with_scratch(&s.x, &mut s.state, &mut s.scratch, false);
        Some(self.advance(s, opts, rng))
    }

    /// True if and only if `s` has ended; otherwise, if it ran out of steps,
    /// ends it and returns the end token it owes.
    fn ended(s: &mut Stepper) -> Option<Option<Token>> {
        if s.done {
            return Some(None); // the drawing is over
        }
        if s.produced >= s.max_len {
            s.done = true;
            return Some(Some(Token::END)); // ran out of steps: end it, as sketch_rnn.js does
        }
        None
    }

    /// After the LSTM step: the mixture of `s`'s new state, the sampled
    /// token, and the next input.
    fn advance(&self, s: &mut Stepper, opts: &SampleOptions, rng: &mut impl Rng) -> Token {
        let y = self.output(&s.state.h);
        let (ex, ey, pen) = self.pick(&y, opts, rng);
        s.produced += 1;
        s.done = pen == Pen::End;
        let [p1, p2, p3] = pen.one_hot();
        s.x = [ex, ey, p1, p2, p3];
        Token {
            dx: ex * self.scale_factor,
            dy: ey * self.scale_factor,
            pen,
        }
    }

    /// [`next_token`](Self::next_token) for several drawings at once: one
    /// LSTM step for the whole batch ([`LstmParams::step_batch`], W read
    /// once), then each drawing samples with its own options and rng. A
    /// drawing gets exactly the token it would get alone, bit for bit, so
    /// batching changes the speed and nothing else. `None` for the ones
    /// that had ended.
    pub fn next_tokens<R: Rng>(
        &self,
        rows: &mut [BatchRow<'_, R>],
        scratch: &mut Vec<f32>,
    ) -> Vec<Option<Token>> {
        let mut out: Vec<Option<Option<Token>>> =
            rows.iter_mut().map(|r| Self::ended(r.stepper)).collect();
        let live: Vec<usize> = (0..rows.len()).filter(|&i| out[i].is_none()).collect();
        if !live.is_empty() {
            let xs: Vec<f32> = live.iter().flat_map(|&i| rows[i].stepper.x).collect();
            let mut states: Vec<&mut LstmState> = Vec::with_capacity(live.len());
            for (i, row) in rows.iter_mut().enumerate() {
                if out[i].is_none() {
                    states.push(&mut row.stepper.state);
                }
            }
            self.lstm.step_batch(&xs, &mut states, scratch);
            for &i in &live {
                let row = &mut rows[i];
                out[i] = Some(Some(self.advance(row.stepper, &row.opts, &mut *row.rng)));
            }
        }
        out.into_iter().map(Option::flatten).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

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
