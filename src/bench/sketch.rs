//! `rnn-studio bench sketch`: how fast the recognizer follows the pen.
//!
//! Cases (medians of `runs` timed runs after a warm-up, one thread, ms):
//! - `update_at_150_points`: a session holding a 149-point drawing gets one
//!   more point that continues the last stroke inside the drawing's box — the
//!   usual live update (see the session doc in [`recognizer`](crate::sketch::recognizer));
//! - `update_at_150_points_box_grows`: the new point lies outside the box, so
//!   every row changes and the session re-runs all 150 steps (the worst case);
//! - `classify_150_points`: a whole 150-point drawing from a fresh session.
//!
//! With a CNN in the recognizer, each case also carries `lstm_only_median_ms`:
//! the same work by the LSTM alone, timed in alternation with the mixture in
//! the same run (the baseline; what the CNN adds is the difference, whatever
//! the machine's speed at the moment).

use super::{Case, elapsed_ms, median};
use crate::sketch::drawing::{Drawing, Point, Stroke};
use crate::sketch::features;
use crate::sketch::recognizer::{Recognizer, Session};
use std::time::Instant;

/// A deterministic test drawing with exactly `n` rows after preprocessing:
/// zig-zags of 25 points (every point a corner RDP keeps), one per stroke,
/// stacked down the frame.
pub fn test_drawing(n: usize) -> Drawing {
    let strokes = (0..n.div_ceil(25))
        .map(|k| Stroke {
            points: (0..25.min(n - 25 * k))
                .map(|j| {
                    let up = if j % 2 == 0 { 0.0 } else { 40.0 };
                    Point::xy(10.0 * j as f32, 30.0 * k as f32 + up)
                })
                .collect(),
        })
        .collect();
    Drawing {
        strokes,
        ..Default::default()
    }
}

/// Times `f(i)` for i in 0..n (after one warm-up round) `runs` times, the
/// i in turn so that all see the same machine; returns, per i, ms per call.
/// `f` times itself, so that its setup (cloning a session) is left out.
fn time_ms(runs: usize, n: usize, mut f: impl FnMut(usize) -> f64) -> Vec<Vec<f64>> {
    (0..n).for_each(|i| {
        f(i);
    });
    let mut out = vec![Vec::new(); n];
    for _ in 0..runs.max(1) {
        for (i, v) in out.iter_mut().enumerate() {
            v.push(f(i));
        }
    }
    out
}

/// Runs the cases; one JSON object each: `{"case":…,"median_ms":…,"runs":…,"points":…}`,
/// plus `lstm_only_median_ms` when `baseline` is set and the recognizer has a CNN.
pub fn bench_sketch(rec: &Recognizer, runs: usize, baseline: bool) -> Vec<Case> {
    let full = test_drawing(150);
    let n_rows = features::model_input(&full).len();
    let mut before = full.clone();
    // Drop the last point: the session then holds 149 points.
    before
        .strokes
        .last_mut()
        .and_then(|s| s.points.pop())
        .expect("the test drawing has points");
    let b = full.bounds().expect("non-empty");
    let mut grown = before.clone();
    grown
        .strokes
        .last_mut()
        .expect("has strokes")
        .points
        .push(Point::xy(b.max_x + 40.0, b.max_y + 40.0));
    let lstm = (baseline && rec.cnn().is_some()).then(|| rec.lstm_only());
    let recs: Vec<&Recognizer> = std::iter::once(rec).chain(lstm.as_ref()).collect();
    let bases: Vec<Session> = recs
        .iter()
        .map(|r| {
            let mut s = r.session();
            s.update(&before);
            s
        })
        .collect();
    let update = |next: &Drawing| {
        time_ms(runs, recs.len(), |i| {
            let mut s = bases[i].clone();
            let t = Instant::now();
            std::hint::black_box(s.update(next));
            elapsed_ms(t)
        })
    };
    let inside = update(&full);
    let outside = update(&grown);
    let whole = time_ms(runs, recs.len(), |i| {
        let t = Instant::now();
        std::hint::black_box(recs[i].classify(&full));
        elapsed_ms(t)
    });
    let case = |name: &str, v: Vec<Vec<f64>>| {
        let mut v = v.into_iter();
        let mut c = serde_json::json!({"case": name, "median_ms": median(&v.next().unwrap_or_default()), "runs": runs.max(1), "points": n_rows});
        if let Some(b) = v.next() {
            c["lstm_only_median_ms"] = median(&b).into();
        }
        c
    };
    vec![
        case("update_at_150_points", inside),
        case("update_at_150_points_box_grows", outside),
        case("classify_150_points", whole),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_drawing_keeps_its_points() {
        assert_eq!(features::model_input(&test_drawing(150)).len(), 150);
    }
}
