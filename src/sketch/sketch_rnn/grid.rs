//! Multi-predict: several drawings of one class at once, from nothing or
//! from the user's doodle, as the sketch-rnn demos show them.
//!
//! Terms: a **tile** is one drawing of the grid, fixed by its
//! [`TileSpec`] (a seed and a temperature τ); tile `seed` draws with
//! [`drawing_rng`]`(seed, class, 0)`, the very stream `rnn-studio draw CLASS
//! --seed SEED` uses, so any tile can be redrawn alone from the two numbers
//! shown under it. A **grid** is the tiles sampled together: every decoder
//! step runs the LSTM once for all unfinished tiles
//! ([`SketchRnn::next_tokens`]), reading the 4 MB recurrent matrix once
//! instead of once per tile, and each tile then samples with its own τ and
//! rng, so a tile of a grid is exactly the tile drawn alone
//! ([`SketchRnn::sample_tile`], the one-by-one reference).
//!
//! From nothing, a tile that comes out empty is drawn again from the same
//! rng, as [`SketchRnn::sample_many`] does (up to [`EMPTY_RETRIES`] times).

use super::model::{BatchRow, Primed, SketchRnn, Stepper, drawing_rng};
use super::{Frame, SampleOptions};
use crate::sketch::drawing::{Drawing, Stroke};
use crate::sketch::stroke5::Token;
use rand_chacha::ChaCha8Rng;

/// The temperatures a grid's tiles cycle through by default: tidy to wild,
/// the range the sketch-rnn demos offer, so τ's effect shows side by side.
pub const GRID_TEMPERATURES: [f32; 4] = [0.1, 0.25, 0.5, 0.8];

/// The tile counts a grid may have.
pub const GRID_SIZES: std::ops::RangeInclusive<usize> = 4..=12;

/// How often an empty drawing from nothing is drawn again.
pub const EMPTY_RETRIES: usize = 16;

/// What fixes one tile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileSpec {
    pub seed: u64,
    pub temperature: f32,
}

impl TileSpec {
    /// `n` tiles with seeds `seed, seed + 1, …`, all at `temperature`.
    pub fn same_temperature(n: usize, seed: u64, temperature: f32) -> Vec<TileSpec> {
        (0..n as u64)
            .map(|i| TileSpec {
                seed: seed.wrapping_add(i),
                temperature,
            })
            .collect()
    }

    /// `n` tiles with seeds `seed, seed + 1, …`, row `r` of a grid `cols`
    /// wide at `temperatures[r % len]`: one temperature per row.
    pub fn by_row(n: usize, cols: usize, seed: u64, temperatures: &[f32]) -> Vec<TileSpec> {
        let cols = cols.max(1);
        (0..n)
            .map(|i| TileSpec {
                seed: seed.wrapping_add(i as u64),
                temperature: temperatures[(i / cols) % temperatures.len().max(1)],
            })
            .collect()
    }
}

/// One finished (or, while sampling, partial) tile.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub spec: TileSpec,
    /// The sampled tokens (simplified-frame pixels), ending with the end
    /// token once finished.
    pub tokens: Vec<Token>,
    /// The drawing: for a continuation only the new strokes, in the
    /// coordinates of the user's drawing; from nothing, the whole drawing in
    /// the Quick, Draw! simplified frame (0–255).
    pub strokes: Vec<Stroke>,
}

/// One tile while sampling.
struct Run {
    spec: TileSpec,
    opts: SampleOptions,
    stepper: Stepper,
    rng: ChaCha8Rng,
    tokens: Vec<Token>,
    retries: usize,
}

/// A grid being sampled, a step at a time (the app may stop between steps).
pub struct GridSampler<'m> {
    model: &'m SketchRnn,
    /// The user's doodle, primed once and shared by every tile.
    primed: Primed,
    runs: Vec<Run>,
    scratch: Vec<f32>,
}

impl<'m> GridSampler<'m> {
    /// Starts the tiles `specs` of `model`, continuing `user` when it is
    /// non-empty (primed once for all), else from nothing. `max_len` limits
    /// the new tokens per tile (`None`: the model's own limit).
    pub fn new(
        model: &'m SketchRnn,
        user: Option<&Drawing>,
        specs: &[TileSpec],
        max_len: Option<usize>,
    ) -> Self {
        let opts_of = |spec: &TileSpec| SampleOptions {
            max_len,
            ..SampleOptions::with_temperature(spec.temperature)
        };
        // Priming reads only `max_len`; an empty doodle gives a fresh start.
        let empty = Drawing::default();
        let primed = model.prime(
            user.unwrap_or(&empty),
            &SampleOptions {
                max_len,
                ..SampleOptions::default()
            },
        );
        let runs = specs
            .iter()
            .map(|spec| Run {
                spec: *spec,
                opts: opts_of(spec),
                stepper: primed.stepper.clone(),
                rng: drawing_rng(spec.seed, &model.class, 0),
                tokens: Vec::new(),
                retries: 0,
            })
            .collect();
        Self {
            model,
            primed,
            runs,
            scratch: Vec::new(),
        }
    }

    /// True if and only if every tile has ended.
    pub fn is_done(&self) -> bool {
        self.runs.iter().all(|r| r.stepper.is_done())
    }

    /// One token for every unfinished tile, one LSTM step for all of them.
    pub fn step(&mut self) {
        let mut rows: Vec<BatchRow<'_, ChaCha8Rng>> = self
            .runs
            .iter_mut()
            .map(|r| BatchRow {
                stepper: &mut r.stepper,
                opts: r.opts,
                rng: &mut r.rng,
            })
            .collect();
        let tokens = self.model.next_tokens(&mut rows, &mut self.scratch);
        for (run, token) in self.runs.iter_mut().zip(tokens) {
            let Some(t) = token else { continue };
            run.tokens.push(t);
            let from_nothing = self.primed.origin.is_none();
            let retry = run.stepper.is_done() && from_nothing && run.retries < EMPTY_RETRIES;
            if retry && self.model.finish(&run.tokens).is_empty() {
                // Nothing to show: the same rng draws again.
                run.retries += 1;
                run.tokens.clear();
                run.stepper = self.model.stepper(&run.opts);
            }
        }
    }

    /// Steps until every tile has ended.
    pub fn run_to_end(mut self) -> Vec<Tile> {
        while !self.is_done() {
            self.step();
        }
        self.tiles()
    }

    /// The tiles as they stand.
    pub fn tiles(&self) -> Vec<Tile> {
        self.runs
            .iter()
            .map(|r| tile(self.model, &self.primed, r.spec, &r.tokens))
            .collect()
    }

    /// The map between the user's coordinates and the simplified frame
    /// (identity from nothing).
    pub fn frame(&self) -> Frame {
        self.primed.frame
    }
}

/// A tile's strokes from its tokens so far.
fn tile(model: &SketchRnn, primed: &Primed, spec: TileSpec, tokens: &[Token]) -> Tile {
    let strokes = model.continuation_strokes(primed, tokens);
    let strokes = match primed.origin {
        None => strokes,
        Some(_) => strokes
            .into_iter()
            .map(|s| Stroke {
                points: s.points.iter().map(|&p| primed.frame.to_user(p)).collect(),
            })
            .collect(),
    };
    Tile {
        spec,
        tokens: tokens.to_vec(),
        strokes,
    }
}

impl SketchRnn {
    /// The tiles `specs`, sampled together (see the module doc).
    pub fn sample_grid(&self, user: Option<&Drawing>, specs: &[TileSpec]) -> Vec<Tile> {
        GridSampler::new(self, user, specs, None).run_to_end()
    }

    /// One tile drawn alone, with the single-drawing path
    /// ([`SketchRnn::next_token`]): the reference a grid's tile equals.
    pub fn sample_tile(&self, user: Option<&Drawing>, spec: TileSpec) -> Tile {
        let opts = SampleOptions::with_temperature(spec.temperature);
        let mut rng = drawing_rng(spec.seed, &self.class, 0);
        let empty = Drawing::default();
        let primed = self.prime(user.unwrap_or(&empty), &opts);
        let mut retries = 0;
        loop {
            let mut stepper = primed.stepper.clone();
            let mut tokens = Vec::new();
            while let Some(t) = self.next_token(&mut stepper, &opts, &mut rng) {
                tokens.push(t);
            }
            let empty = primed.origin.is_none() && self.finish(&tokens).is_empty();
            if !empty || retries == EMPTY_RETRIES {
                return tile(self, &primed, spec, &tokens);
            }
            retries += 1;
        }
    }
}

/// How often a judge names the class a generator was asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    pub temperature: f32,
    /// Drawings the judge named as the class.
    pub agree: usize,
    /// Drawings judged.
    pub count: usize,
}

impl Agreement {
    /// The share that agreed, 0–1.
    pub fn rate(&self) -> f64 {
        self.agree as f64 / self.count.max(1) as f64
    }
}

/// "The recognizer judges the generator": `count` drawings of `model`'s
/// class from nothing at `temperature` (tiles with seeds `seed, seed + 1,
/// …`, sampled [`GRID_SIZES`]`.end()` at a time), each passed to `judge`,
/// which returns the class it sees (Quick, Draw! words or class names: `_`
/// and spaces compare equal).
pub fn agreement(
    model: &SketchRnn,
    temperature: f32,
    seed: u64,
    count: usize,
    judge: &mut dyn FnMut(&Drawing) -> Option<String>,
) -> Agreement {
    let same = |a: &str, b: &str| a.replace('_', " ") == b.replace('_', " ");
    let batch = *GRID_SIZES.end();
    let mut agree = 0;
    for start in (0..count).step_by(batch) {
        let n = batch.min(count - start);
        let specs = TileSpec::same_temperature(n, seed.wrapping_add(start as u64), temperature);
        for tile in model.sample_grid(None, &specs) {
            let d = model.finish(&tile.tokens);
            if judge(&d).is_some_and(|c| same(&c, &model.class)) {
                agree += 1;
            }
        }
    }
    Agreement {
        temperature,
        agree,
        count,
    }
}
