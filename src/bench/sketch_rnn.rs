//! `rnn-studio bench sketch-rnn`: sampling one whole drawing.
//!
//! One case, `sample_one`: the median ms to sample a drawing (tokens, then
//! `simplify`) at the default temperature, with `class` (the model) and
//! `median_tokens` (decoder steps per drawing).

use super::{Case, time_runs};
use crate::sketch::sketch_rnn::{SampleOptions, SketchRnn, drawing_rng};
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
