//! `rnn-studio bench sketch-rnn`: sampling whole drawings.
//!
//! - `sample_one`: the median ms to sample a drawing (tokens, then
//!   `simplify`) at the default temperature, with `class` (the model) and
//!   `median_tokens` (decoder steps per drawing);
//! - `sample_grid`: the multi-predict grid of `tiles` (6, two rows at τ 0.1
//!   and 0.25) sampled together, one LSTM step for all tiles, on 2 threads
//!   (`median_ms`) and on 1 (`one_thread_median_ms`), and the baseline
//!   measured in the same run: the same tiles one by one
//!   (`one_by_one_median_ms`, the single-drawing path, one thread), with
//!   `speedup` = baseline / batched on 2 threads.

use super::{Case, round, time_runs};
use crate::sketch::sketch_rnn::{
    GRID_TEMPERATURES, SampleOptions, SketchRnn, TileSpec, drawing_rng,
};
use crate::sketch::stroke5::Token;

/// Times `runs` (≥ 5) seeded drawings after one warm-up; seeds 0, 1, … so
/// it is repeatable.
pub fn bench_sample_one(model: &SketchRnn, runs: usize) -> Case {
    let runs = runs.max(5);
    let opts = SampleOptions::default();
    std::hint::black_box(model.sample(&opts, &mut drawing_rng(u64::MAX, &model.class, 0)));
    // Seeded before the clock starts.
    let mut rngs = (0..runs as u64)
        .map(|i| drawing_rng(i, &model.class, 0))
        .collect::<Vec<_>>()
        .into_iter();
    let timed = time_runs::<_, std::convert::Infallible>(0, runs, || {
        let mut rng = rngs.next().expect("one generator per run");
        let t: Vec<Token> = model.tokens(opts, &mut rng).collect();
        std::hint::black_box(model.finish(&t));
        Ok(t.len())
    });
    let Ok(timed) = timed;
    let mut tokens = timed.outputs.clone();
    tokens.sort_unstable();
    serde_json::json!({
        "case": "sample_one",
        "median_ms": timed.median_ms(),
        "runs": runs,
        "class": model.class,
        "median_tokens": tokens[tokens.len() / 2],
    })
}

/// Times `runs` (≥ 5) grids of `tiles` drawings from nothing, batched and
/// one by one, alternating so both see the same machine; grid `r` has
/// seeds `r·tiles, …`, so the runs are repeatable and differ.
pub fn bench_sample_grid(model: &SketchRnn, tiles: usize, runs: usize) -> Case {
    let runs = runs.max(5);
    let specs = |r: usize| TileSpec::by_row(tiles, 3, (r * tiles) as u64, &GRID_TEMPERATURES);
    std::hint::black_box(model.sample_grid(None, &specs(runs)));
    let pool = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a rayon pool")
    };
    let (one, two) = (pool(1), pool(2));
    let (mut batched, mut batched_1, mut alone, mut tokens) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in 0..runs {
        let s = specs(r);
        let grid = || {
            time_runs::<_, std::convert::Infallible>(0, 1, || {
                Ok(std::hint::black_box(model.sample_grid(None, &s)))
            })
        };
        let Ok(b) = two.install(grid);
        let Ok(b1) = one.install(grid);
        let Ok(a) = one.install(|| {
            time_runs::<_, std::convert::Infallible>(0, 1, || {
                let grid: Vec<_> = s.iter().map(|t| model.sample_tile(None, *t)).collect();
                Ok(std::hint::black_box(grid))
            })
        });
        tokens.push(
            b.outputs[0]
                .iter()
                .map(|t| t.tokens.len())
                .max()
                .unwrap_or(0),
        );
        batched.extend(b.ms);
        batched_1.extend(b1.ms);
        alone.extend(a.ms);
    }
    tokens.sort_unstable();
    let (b, a) = (super::median(&batched), super::median(&alone));
    serde_json::json!({
        "case": "sample_grid",
        "median_ms": b,
        "one_thread_median_ms": super::median(&batched_1),
        "one_by_one_median_ms": a,
        "speedup": round(a / b, 2),
        "runs": runs,
        "tiles": tiles,
        "class": model.class,
        "median_longest_tile_tokens": tokens[tokens.len() / 2],
    })
}
