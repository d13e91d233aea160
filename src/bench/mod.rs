//! The benchmarks behind `rnn-studio bench`, one module per model, and the
//! timing they share.
//!
//! - [`lstm`]: the fused LSTM against composed candle (training and streaming step);
//! - [`sketch`]: the doodle recognizer following the pen;
//! - [`sketch_rnn`]: sampling one whole drawing;
//! - [`caption`]: the photo encoder, and a whole photo → caption;
//! - [`startup`]: the app's first frame, and each model's load;
//! - [`teach`]: learning taught classes (10 × 5 drawings).
//!
//! Every case is one JSON object ([`Case`]) with a `"case"` name and its
//! numbers; times are medians in ms. `bench/peers.py` and the README read
//! these names and keys, so they are part of the interface. Nothing here
//! prints: the CLI does.

pub mod caption;
pub mod lstm;
pub mod sketch;
pub mod sketch_rnn;
pub mod startup;
pub mod teach;

use std::time::Instant;

/// One measured case, as printed: `{"case": …, "median_ms": …, …}`.
pub type Case = serde_json::Value;

/// The median of a non-empty sample (the mean of the middle two when even).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `v` rounded to `decimals` decimal places, for printing.
pub fn round(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

/// Milliseconds since `start`.
pub fn elapsed_ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// What [`time_runs`] measured: per timed run, its wall time and what `f` returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed<T> {
    pub ms: Vec<f64>,
    pub outputs: Vec<T>,
}

impl<T> Timed<T> {
    /// The median wall time, ms.
    pub fn median_ms(&self) -> f64 {
        median(&self.ms)
    }
}

/// Calls `f` `warmup` times untimed, then `runs` (at least 1) times timed.
/// The first error stops the measurement.
pub fn time_runs<T, E>(
    warmup: usize,
    runs: usize,
    mut f: impl FnMut() -> Result<T, E>,
) -> Result<Timed<T>, E> {
    for _ in 0..warmup {
        f()?;
    }
    let runs = runs.max(1);
    let mut timed = Timed {
        ms: Vec::with_capacity(runs),
        outputs: Vec::with_capacity(runs),
    };
    for _ in 0..runs {
        let start = Instant::now();
        let out = f()?;
        timed.ms.push(elapsed_ms(start));
        timed.outputs.push(out);
    }
    Ok(timed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_round() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(round(1.23456, 2), 1.23);
        assert_eq!(round(0.123456, 4), 0.1235);
    }

    #[test]
    fn time_runs_warms_up_then_keeps_the_timed_outputs() {
        let mut calls = 0;
        let t = time_runs::<_, ()>(2, 3, || {
            calls += 1;
            Ok(calls)
        })
        .unwrap();
        assert_eq!(t.outputs, [3, 4, 5]);
        assert_eq!(t.ms.len(), 3);
    }
}
