//! Training-time augmentation of drawings, so ~25 real drawings per class
//! look like many: a random affine map (anisotropic scale, rotation, shear),
//! point resampling (densify, then jitter, so RDP keeps different points),
//! per-point jitter, stroke dropout, stroke order and direction changes (a
//! sequence model sees *how* a thing was drawn, and ~25 drawings show only
//! ~25 orders; other people draw the ears before the head, or a line the
//! other way) and prefix crops (partial drawings, the live-guessing case). The result is passed through
//! [`features::preprocess`](crate::sketch::features::preprocess) again, so augmented
//! drawings stay in the distribution the model reads.

use crate::sketch::drawing::{Drawing, Point, Stroke};
use crate::sketch::features;
use rand::Rng;

/// How strongly to augment. Ranges are symmetric around "no change".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AugmentOptions {
    /// each axis scaled by a factor in [1 − s, 1 + s]
    pub scale: f32,
    /// rotation in ±degrees
    pub rotation_deg: f32,
    /// x += k·y with k in ±shear
    pub shear: f32,
    /// per-point uniform jitter in ± frame pixels
    pub jitter: f32,
    /// probability of densifying strokes before jitter (point resampling)
    pub resample_prob: f32,
    /// probability of dropping each stroke (drawings with ≥ 3 strokes; the
    /// first stroke always stays)
    pub stroke_dropout: f32,
    /// probability of keeping only a prefix of the points
    pub prefix_prob: f32,
    /// the shortest prefix kept, as a fraction of the points
    pub prefix_min: f32,
    /// probability of reordering the strokes: each moves by up to
    /// [`STROKE_ORDER_WINDOW`] places (a noisy sort, not a free shuffle:
    /// people change the order of nearby parts, rarely of the whole)
    pub stroke_order: f32,
    /// probability of drawing each stroke backwards
    pub stroke_reverse: f32,
}

/// How far a reordered stroke may move, in places.
pub const STROKE_ORDER_WINDOW: f32 = 2.5;

impl Default for AugmentOptions {
    fn default() -> Self {
        Self {
            scale: 0.2,
            rotation_deg: 15.0,
            shear: 0.2,
            jitter: 1.5,
            resample_prob: 0.5,
            stroke_dropout: 0.1,
            prefix_prob: 0.15,
            prefix_min: 0.4,
            stroke_order: 0.0,
            stroke_reverse: 0.0,
        }
    }
}

impl AugmentOptions {
    /// No augmentation at all (the validation path).
    pub fn none() -> Self {
        Self {
            scale: 0.0,
            rotation_deg: 0.0,
            shear: 0.0,
            jitter: 0.0,
            resample_prob: 0.0,
            stroke_dropout: 0.0,
            prefix_prob: 0.0,
            prefix_min: 1.0,
            stroke_order: 0.0,
            stroke_reverse: 0.0,
        }
    }
}

/// A random variant of `d` (any frame), preprocessed for the model.
pub fn augment(d: &Drawing, opts: &AugmentOptions, rng: &mut impl Rng) -> Drawing {
    let sym = |rng: &mut dyn rand::RngCore, r: f32| {
        if r > 0.0 {
            rng.random_range(-r..=r)
        } else {
            0.0
        }
    };
    let base = features::preprocess(d);
    let (sx, sy) = (1.0 + sym(rng, opts.scale), 1.0 + sym(rng, opts.scale));
    let theta = sym(rng, opts.rotation_deg).to_radians();
    let k = sym(rng, opts.shear);
    let (cos, sin) = (theta.cos(), theta.sin());
    // M = R(θ)·Shear(k)·diag(sx, sy), about the frame's centre.
    let map = |p: Point| {
        let (x, y) = ((p.x - 127.5) * sx, (p.y - 127.5) * sy);
        let x = x + k * y;
        Point::xy(cos * x - sin * y, sin * x + cos * y)
    };
    let resample = opts.resample_prob > 0.0 && rng.random::<f32>() < opts.resample_prob;
    let mut strokes: Vec<Stroke> = Vec::with_capacity(base.strokes.len());
    let many = base.strokes.len() >= 3;
    for (i, s) in base.strokes.iter().enumerate() {
        if many && i > 0 && rng.random::<f32>() < opts.stroke_dropout {
            continue;
        }
        let mut pts: Vec<Point> = s.points.iter().map(|&p| map(p)).collect();
        if resample {
            pts = densify(&pts, 6.0);
        }
        for p in &mut pts {
            p.x += sym(rng, opts.jitter);
            p.y += sym(rng, opts.jitter);
        }
        if opts.stroke_reverse > 0.0 && rng.random::<f32>() < opts.stroke_reverse {
            pts.reverse();
        }
        strokes.push(Stroke { points: pts });
    }
    if opts.stroke_order > 0.0 && rng.random::<f32>() < opts.stroke_order {
        let mut keyed: Vec<(f32, Stroke)> = strokes
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i as f32 + rng.random_range(0.0..STROKE_ORDER_WINDOW), s))
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        strokes = keyed.into_iter().map(|(_, s)| s).collect();
    }
    let mut out = Drawing {
        strokes,
        word: d.word.clone(),
        key_id: d.key_id.clone(),
    };
    if opts.prefix_prob > 0.0 && rng.random::<f32>() < opts.prefix_prob {
        // Crop in the simplified point count, so "40%" means 40% of the rows.
        let n = base.num_points();
        let f = rng.random_range(opts.prefix_min.min(1.0)..=1.0);
        let keep_rows = ((n as f32 * f).ceil() as usize).max(1);
        let kept = prefix_of_rows(&base, &out, keep_rows);
        out.strokes = kept;
    }
    features::preprocess(&out)
}

/// Points every `step` pixels along each segment (end points kept).
fn densify(pts: &[Point], step: f32) -> Vec<Point> {
    let mut out = Vec::with_capacity(pts.len() * 2);
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        let n = (len / step).floor().max(1.0) as usize;
        for j in 0..n {
            let u = j as f32 / n as f32;
            out.push(Point::xy(a.x + u * (b.x - a.x), a.y + u * (b.y - a.y)));
        }
    }
    if let Some(&last) = pts.last() {
        out.push(last);
    }
    out
}

/// The strokes of `aug` that correspond to the first `rows` points of
/// `base` (whole strokes before, and the start of the stroke it ends in).
/// `aug` has the same strokes as `base` except dropped ones and densified
/// points; the cut is proportional within the stroke it falls in.
fn prefix_of_rows(base: &Drawing, aug: &Drawing, rows: usize) -> Vec<Stroke> {
    // Cut by fraction of all base points: whole strokes up to the one where
    // the count runs out, then that stroke's share of points.
    let total = base.num_points().max(1);
    let frac = rows as f32 / total as f32;
    let aug_total = aug.num_points();
    let keep = ((aug_total as f32 * frac).ceil() as usize).clamp(1, aug_total.max(1));
    let mut d = aug.clone();
    features::truncate(&mut d, keep);
    d.strokes
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn augmented_drawings_stay_in_frame_and_nonempty() {
        let d = Drawing {
            strokes: vec![
                Stroke {
                    points: (0..20)
                        .map(|i| Point::xy(i as f32 * 10.0, (i as f32).sin() * 50.0))
                        .collect(),
                },
                Stroke {
                    points: vec![Point::xy(0.0, 100.0), Point::xy(100.0, 100.0)],
                },
                Stroke {
                    points: vec![Point::xy(50.0, 0.0), Point::xy(50.0, 150.0)],
                },
            ],
            ..Default::default()
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..200 {
            let a = augment(&d, &AugmentOptions::default(), &mut rng);
            assert!(!a.is_empty());
            let b = a.bounds().unwrap();
            assert!(b.min_x >= 0.0 && b.min_y >= 0.0 && b.max_x <= 255.0 && b.max_y <= 255.0);
        }
        let same = augment(&d, &AugmentOptions::none(), &mut rng);
        assert_eq!(same.strokes, features::preprocess(&d).strokes);
    }

    /// Reordering and reversing only rearrange: the same strokes (as sets
    /// of points) come out, in another order or direction, and both happen.
    #[test]
    fn stroke_order_and_direction_changes_keep_the_strokes() {
        let d = Drawing {
            strokes: (0..6)
                .map(|k| Stroke {
                    points: (0..4)
                        .map(|i| Point::xy(40.0 * k as f32, 60.0 * i as f32 + 5.0 * k as f32))
                        .collect(),
                })
                .collect(),
            ..Default::default()
        };
        let opts = AugmentOptions {
            stroke_order: 1.0,
            stroke_reverse: 0.5,
            ..AugmentOptions::none()
        };
        let base = features::preprocess(&d);
        let sorted = |dr: &Drawing| {
            let mut v: Vec<Vec<(i32, i32)>> = dr
                .strokes
                .iter()
                .map(|s| {
                    let mut p: Vec<(i32, i32)> = s
                        .points
                        .iter()
                        .map(|p| (p.x.round() as i32, p.y.round() as i32))
                        .collect();
                    p.sort();
                    p
                })
                .collect();
            v.sort();
            v
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let (mut reordered, mut reversed) = (false, false);
        for _ in 0..50 {
            let a = augment(&d, &opts, &mut rng);
            assert_eq!(sorted(&a), sorted(&base));
            reordered |= a.strokes.iter().zip(&base.strokes).any(|(x, y)| {
                x.points.first().map(|p| p.x.round()) != y.points.first().map(|p| p.x.round())
                    && x.points.last().map(|p| p.x.round()) != y.points.first().map(|p| p.x.round())
            });
            reversed |= a
                .strokes
                .iter()
                .any(|s| s.points.first().unwrap().y > s.points.last().unwrap().y);
        }
        assert!(reordered && reversed);
    }
}
