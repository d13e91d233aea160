//! Shape statistics of drawings, to compare generated doodles with real
//! ones: how many strokes, how many points per stroke, how much of the
//! 0–255 box the drawing uses. All are measured on the *simplified* drawing
//! (see [`simplify`](super::simplify::simplify)), so real and generated
//! drawings are measured the same way.

use super::drawing::Drawing;
use super::simplify::simplify;
use serde::{Deserialize, Serialize};

/// The statistics of one drawing, after `simplify`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawingStats {
    /// Number of strokes.
    pub strokes: f64,
    /// Mean number of points per stroke.
    pub points_per_stroke: f64,
    /// Width of the bounding box (0–255; the longer side is 255).
    pub width: f64,
    /// Height of the bounding box (0–255).
    pub height: f64,
}

impl DrawingStats {
    /// Measures `d` after simplifying it; `None` for an empty drawing.
    pub fn of(d: &Drawing) -> Option<DrawingStats> {
        let s = simplify(d);
        let b = s.bounds()?;
        let strokes = s.strokes.len() as f64;
        Some(DrawingStats {
            strokes,
            points_per_stroke: s.num_points() as f64 / strokes,
            width: b.width() as f64,
            height: b.height() as f64,
        })
    }

    /// The statistics by name, in a fixed order.
    pub fn named(&self) -> [(&'static str, f64); 4] {
        [
            ("strokes", self.strokes),
            ("points_per_stroke", self.points_per_stroke),
            ("width", self.width),
            ("height", self.height),
        ]
    }
}

/// The spread of one statistic over many drawings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub min: f64,
    pub p10: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub p90: f64,
    pub max: f64,
}

impl Summary {
    /// The summary of `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        // Linear interpolation between order statistics (numpy's default).
        let q = |p: f64| {
            let pos = p * (v.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
        };
        Some(Summary {
            n: v.len(),
            min: v[0],
            p10: q(0.10),
            p25: q(0.25),
            median: q(0.5),
            p75: q(0.75),
            p90: q(0.90),
            max: v[v.len() - 1],
        })
    }
}

/// Summaries of every statistic over a set of drawings (empty ones skipped),
/// by name as in [`DrawingStats::named`].
pub fn summarize(drawings: &[Drawing]) -> Vec<(&'static str, Summary)> {
    let stats: Vec<DrawingStats> = drawings.iter().filter_map(DrawingStats::of).collect();
    let Some(first) = stats.first() else {
        return Vec::new(); // nothing to measure
    };
    first
        .named()
        .iter()
        .enumerate()
        .filter_map(|(k, (name, _))| {
            let values: Vec<f64> = stats.iter().map(|s| s.named()[k].1).collect();
            Summary::of(&values).map(|s| (*name, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::drawing::{Point, Stroke};

    #[test]
    fn measures_simplified_drawing() {
        let d = Drawing {
            strokes: vec![
                Stroke {
                    points: vec![
                        Point::xy(0.0, 0.0),
                        Point::xy(10.0, 0.0),
                        Point::xy(10.0, 5.0),
                    ],
                },
                Stroke {
                    points: vec![Point::xy(2.0, 2.0)],
                },
            ],
            ..Default::default()
        };
        let s = DrawingStats::of(&d).unwrap();
        assert_eq!(
            (s.strokes, s.points_per_stroke, s.width, s.height),
            (2.0, 2.0, 255.0, 128.0)
        );
        assert!(DrawingStats::of(&Drawing::default()).is_none());
    }

    #[test]
    fn percentiles_interpolate() {
        let s = Summary::of(&[4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert_eq!(
            (s.min, s.p25, s.median, s.p75, s.max),
            (1.0, 2.0, 3.0, 4.0, 5.0)
        );
        assert!((s.p10 - 1.4).abs() < 1e-12);
        assert!(Summary::of(&[]).is_none());
    }
}
