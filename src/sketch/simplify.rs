//! Quick, Draw!'s "simplified" normalisation, one implementation for the
//! canvas, files, sketch-rnn and training.
//!
//! Steps (as `../shared/data/quickdraw/README.md` describes the dataset):
//! shift the drawing so its bounding box starts at (0, 0), scale uniformly so
//! the longer side is 255, round to whole pixels, then simplify every stroke
//! with Ramer–Douglas–Peucker (RDP) at ε = 2. Timestamps are dropped: the
//! simplified format has none.

use super::drawing::{Drawing, Point, Stroke};

/// The side of the simplified frame.
pub const FRAME: f32 = 255.0;
/// RDP tolerance in simplified-frame pixels.
pub const RDP_EPSILON: f32 = 2.0;

/// Normalises a drawing into the 0–255 simplified frame and RDP-simplifies it.
/// An empty drawing stays empty.
pub fn simplify(d: &Drawing) -> Drawing {
    let Some(b) = d.bounds() else {
        return d.clone();
    };
    let side = b.width().max(b.height());
    // A single dot has no extent; keep it at the origin instead of dividing by 0.
    let scale = if side > 0.0 { FRAME / side } else { 1.0 };
    let framed = d.map_points(|p| Point {
        x: ((p.x - b.min_x) * scale).round(),
        y: ((p.y - b.min_y) * scale).round(),
        t: None,
    });
    Drawing {
        strokes: framed
            .strokes
            .iter()
            .map(|s| Stroke {
                points: rdp(&s.points, RDP_EPSILON),
            })
            .filter(|s| !s.points.is_empty())
            .collect(),
        word: d.word.clone(),
        key_id: d.key_id.clone(),
    }
}

/// Ramer–Douglas–Peucker: keeps the end points and, recursively, the point
/// farthest from the chord while it is farther than `epsilon`. Iterative (an
/// explicit stack), so a 100 000-point stroke cannot overflow the call stack.
pub fn rdp(points: &[Point], epsilon: f32) -> Vec<Point> {
    let n = points.len();
    if n < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((first, last)) = stack.pop() {
        if last <= first + 1 {
            continue;
        }
        let (mut far, mut far_d) = (first, -1.0f32);
        for (i, p) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = distance_to_segment(p, &points[first], &points[last]);
            if d > far_d {
                far = i;
                far_d = d;
            }
        }
        if far_d > epsilon {
            keep[far] = true;
            stack.push((first, far));
            stack.push((far, last));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Distance from `p` to the segment a–b (to the point a when a = b).
fn distance_to_segment(p: &Point, a: &Point, b: &Point) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return ((p.x - a.x).powi(2) + (p.y - a.y).powi(2)).sqrt();
    }
    let u = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    let (cx, cy) = (a.x + u * dx, a.y + u * dy);
    ((p.x - cx).powi(2) + (p.y - cy).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[(f32, f32)]) -> Vec<Point> {
        v.iter().map(|&(x, y)| Point::xy(x, y)).collect()
    }

    #[test]
    fn rdp_drops_collinear_and_small_wiggles() {
        let line = pts(&[(0.0, 0.0), (1.0, 0.5), (2.0, 0.0), (3.0, 1.0), (10.0, 0.0)]);
        assert_eq!(rdp(&line, 2.0), pts(&[(0.0, 0.0), (10.0, 0.0)]));
        let corner = pts(&[
            (0.0, 0.0),
            (5.0, 0.0),
            (10.0, 0.0),
            (10.0, 5.0),
            (10.0, 10.0),
        ]);
        assert_eq!(
            rdp(&corner, 2.0),
            pts(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)])
        );
    }

    #[test]
    fn simplify_frames_longer_side_to_255() {
        let mut d = Drawing::default();
        d.strokes.push(Stroke {
            points: vec![
                Point {
                    x: 100.0,
                    y: 50.0,
                    t: Some(0.0),
                },
                Point {
                    x: 300.0,
                    y: 150.0,
                    t: Some(10.0),
                },
            ],
        });
        let s = simplify(&d);
        let p = &s.strokes[0].points;
        assert_eq!((p[0].x, p[0].y, p[0].t), (0.0, 0.0, None));
        assert_eq!((p[1].x, p[1].y), (255.0, 128.0)); // 127.5 rounds away from zero
    }

    #[test]
    fn single_dot_survives() {
        let d = Drawing {
            strokes: vec![Stroke {
                points: pts(&[(7.0, 7.0)]),
            }],
            ..Default::default()
        };
        assert_eq!(simplify(&d).strokes[0].points, pts(&[(0.0, 0.0)]));
    }

    #[test]
    fn long_stroke_is_fast_and_iterative() {
        let points: Vec<Point> = (0..100_000)
            .map(|i| Point::xy(i as f32, ((i as f32) * 0.01).sin() * 1000.0))
            .collect();
        let kept = rdp(&points, 2.0);
        assert!(kept.len() > 10 && kept.len() < 10_000, "{}", kept.len());
    }
}
