//! The recognizer's model input: one implementation shared by training, the
//! CLI and the canvas, so a drawing read from a file and the same drawing
//! replayed through [`Recorder`](super::Recorder) give the same numbers.
//!
//! Two steps:
//!
//! 1. [`preprocess`]: Quick, Draw!'s simplified normalisation
//!    ([`simplify`](super::simplify::simplify): bounding box to the top-left,
//!    longer side 255, whole pixels, RDP ε = 2), then repeated pixels within a
//!    stroke are dropped (a dot stroke `[A, A]` becomes `[A]`, as the canvas
//!    records it). A drawing that still has more
//!    than [`MAX_POINTS`] points is simplified again with a coarser ε
//!    (3, 4, 6, 8, …) until it fits, so no input is ever truncated.
//! 2. [`inputs`]: one **feature row** (I = [`INPUT_SIZE`]) per point, in
//!    drawing order:
//!
//! ```text
//! [ x/255 − 0.5,  y/255 − 0.5,  Δx/64,  Δy/64,  new_stroke ]
//! ```
//!
//! with Δ the move from the previous point (0 for the first point) and
//! `new_stroke` 1 for the first point of every stroke (the pen was up on the
//! way there), else 0. Every row depends only on points up to its own, so
//! the recognizer can be stepped point by point.

use super::drawing::{Drawing, Stroke};
use super::simplify::{self, RDP_EPSILON, rdp};

/// I, the size of one feature row.
pub const INPUT_SIZE: usize = 5;
/// The most points a preprocessed drawing keeps.
pub const MAX_POINTS: usize = 160;
/// Offsets are divided by this (simplified-frame pixels).
pub const DELTA_SCALE: f32 = 64.0;
/// The coarser RDP tolerances tried, in order, when a drawing has more than
/// [`MAX_POINTS`] points after ε = 2.
const COARSER_EPSILONS: [f32; 8] = [3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0];

/// One feature row, see the module doc.
pub type Row = [f32; INPUT_SIZE];

/// The simplified drawing the model reads: [`simplify`](simplify::simplify),
/// then coarser RDP while it has more than [`MAX_POINTS`] points (as a last
/// resort, the first [`MAX_POINTS`] points).
pub fn preprocess(d: &Drawing) -> Drawing {
    let mut s = simplify::simplify(d);
    // A repeated pixel carries no shape (and the canvas never records one).
    for stroke in &mut s.strokes {
        stroke.points.dedup_by(|a, b| a.x == b.x && a.y == b.y);
    }
    for eps in COARSER_EPSILONS {
        if s.num_points() <= MAX_POINTS {
            return s;
        }
        debug_assert!(eps > RDP_EPSILON);
        for stroke in &mut s.strokes {
            stroke.points = rdp(&stroke.points, eps);
        }
    }
    truncate(&mut s, MAX_POINTS);
    s
}

/// Keeps the first `n` points of `d` (whole strokes, then part of one).
pub fn truncate(d: &mut Drawing, n: usize) {
    let mut left = n;
    let mut kept: Vec<Stroke> = Vec::new();
    for stroke in &d.strokes {
        if left == 0 {
            break;
        }
        let take = stroke.points.len().min(left);
        left -= take;
        kept.push(Stroke {
            points: stroke.points[..take].to_vec(),
        });
    }
    d.strokes = kept;
}

/// The feature rows of an already [`preprocess`]ed drawing, (T, I).
pub fn inputs(simple: &Drawing) -> Vec<Row> {
    let mut rows = Vec::with_capacity(simple.num_points());
    let mut prev: Option<(f32, f32)> = None;
    for stroke in &simple.strokes {
        for (j, p) in stroke.points.iter().enumerate() {
            let (dx, dy) = prev.map_or((0.0, 0.0), |(px, py)| (p.x - px, p.y - py));
            rows.push([
                p.x / simplify::FRAME - 0.5,
                p.y / simplify::FRAME - 0.5,
                dx / DELTA_SCALE,
                dy / DELTA_SCALE,
                if j == 0 { 1.0 } else { 0.0 },
            ]);
            prev = Some((p.x, p.y));
        }
    }
    rows
}

/// The model input of any drawing (raw canvas points, raw or simplified
/// ndjson): `inputs(&preprocess(d))`.
pub fn model_input(d: &Drawing) -> Vec<Row> {
    inputs(&preprocess(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::Point;

    fn line(n: usize) -> Drawing {
        // A zig-zag every point of which RDP must keep.
        Drawing {
            strokes: vec![Stroke {
                points: (0..n)
                    .map(|i| Point::xy(i as f32 * 10.0, if i % 2 == 0 { 0.0 } else { 40.0 }))
                    .collect(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn rows_are_offsets_and_pen() {
        let d = Drawing {
            strokes: vec![
                Stroke {
                    points: vec![Point::xy(0.0, 0.0), Point::xy(255.0, 0.0)],
                },
                Stroke {
                    points: vec![Point::xy(0.0, 255.0)],
                },
            ],
            ..Default::default()
        };
        let rows = model_input(&d);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], [-0.5, -0.5, 0.0, 0.0, 1.0]);
        assert_eq!(rows[1], [0.5, -0.5, 255.0 / 64.0, 0.0, 0.0]);
        assert_eq!(rows[2], [-0.5, 0.5, -255.0 / 64.0, 255.0 / 64.0, 1.0]);
    }

    #[test]
    fn long_drawings_are_capped() {
        let d = line(1000);
        let p = preprocess(&d);
        assert!(p.num_points() <= MAX_POINTS, "{}", p.num_points());
        assert!(p.num_points() > 0);
        let short = line(20);
        assert_eq!(preprocess(&short).num_points(), 20);
    }
}
