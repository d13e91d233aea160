//! `rnn-studio bench sketch`: how fast the recognizer follows the pen.
//!
//! Cases (medians of `runs` timed runs after a warm-up, one thread, ms):
//! - `update_at_150_points`: a session holding a 149-point drawing gets one
//!   more point that continues the last stroke inside the drawing's box — the
//!   usual live update (see the session doc in [`recognizer`](super::recognizer));
//! - `update_at_150_points_box_grows`: the new point lies outside the box, so
//!   every row changes and the session re-runs all 150 steps (the worst case);
//! - `classify_150_points`: a whole 150-point drawing from a fresh session.

use super::drawing::{Drawing, Point, Stroke};
use super::features;
use super::recognizer::Recognizer;
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `f` (after one warm-up call) `runs` times; returns ms per call.
fn time_ms(runs: usize, mut setup_and_run: impl FnMut() -> f64) -> Vec<f64> {
    setup_and_run();
    (0..runs.max(1)).map(|_| setup_and_run()).collect()
}

/// Runs the cases; one JSON object each: `{"case":…,"median_ms":…,"runs":…,"points":…}`.
pub fn bench_sketch(rec: &Recognizer, runs: usize) -> Vec<serde_json::Value> {
    let full = test_drawing(150);
    let n_rows = features::model_input(&full).len();
    let mut before = full.clone();
    // Drop the last point: the session then holds 149 points.
    before
        .strokes
        .last_mut()
        .and_then(|s| s.points.pop())
        .expect("the test drawing has points");
    let mut base = rec.session();
    base.update(&before);
    let b = full.bounds().expect("non-empty");
    let mut grown = before.clone();
    grown
        .strokes
        .last_mut()
        .expect("has strokes")
        .points
        .push(Point::xy(b.max_x + 40.0, b.max_y + 40.0));
    let inside = time_ms(runs, || {
        let mut s = base.clone();
        let t = Instant::now();
        std::hint::black_box(s.update(&full));
        t.elapsed().as_secs_f64() * 1e3
    });
    let outside = time_ms(runs, || {
        let mut s = base.clone();
        let t = Instant::now();
        std::hint::black_box(s.update(&grown));
        t.elapsed().as_secs_f64() * 1e3
    });
    let whole = time_ms(runs, || {
        let t = Instant::now();
        std::hint::black_box(rec.classify(&full));
        t.elapsed().as_secs_f64() * 1e3
    });
    let case = |name: &str, v: Vec<f64>| serde_json::json!({"case": name, "median_ms": median(v), "runs": runs.max(1), "points": n_rows});
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
