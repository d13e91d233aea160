//! A drawing as Quick, Draw! records it: strokes of points, each point with
//! an optional timestamp.
//!
//! Terms: a **point** is a pen position (x, y) with `t`, milliseconds since the
//! drawing's first point (raw Quick, Draw! data and the canvas record `t`;
//! *simplified* data does not). A **stroke** is the points between pen-down
//! and pen-up. Coordinates are screen-like: x to the right, y down.

use serde::{Deserialize, Serialize};

/// One pen position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
    /// Milliseconds since the drawing's first point, when recorded.
    pub t: Option<f64>,
}

impl Point {
    /// A point without a timestamp.
    pub fn xy(x: f32, y: f32) -> Self {
        Self { x, y, t: None }
    }
}

/// The points between one pen-down and the next pen-up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    pub points: Vec<Point>,
}

/// An axis-aligned box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min_x: f32,
    pub min_y: f32,
    pub max_x: f32,
    pub max_y: f32,
}

impl Bounds {
    pub fn width(&self) -> f32 {
        self.max_x - self.min_x
    }
    pub fn height(&self) -> f32 {
        self.max_y - self.min_y
    }
}

/// A whole doodle, with the Quick, Draw! metadata we keep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Drawing {
    pub strokes: Vec<Stroke>,
    /// The class word, e.g. "cat", when known.
    pub word: Option<String>,
    /// Quick, Draw!'s identifier, kept so results can be matched to inputs.
    pub key_id: Option<String>,
}

impl Drawing {
    /// A drawing from strokes of (x, y) points, untimed and unlabelled.
    pub fn from_xy(strokes: &[&[(f32, f32)]]) -> Self {
        Self {
            strokes: strokes
                .iter()
                .map(|s| Stroke {
                    points: s.iter().map(|&(x, y)| Point::xy(x, y)).collect(),
                })
                .collect(),
            ..Self::default()
        }
    }

    /// Number of points over all strokes.
    pub fn num_points(&self) -> usize {
        self.strokes.iter().map(|s| s.points.len()).sum()
    }

    /// True if and only if there is no point at all.
    pub fn is_empty(&self) -> bool {
        self.num_points() == 0
    }

    /// True if and only if every point carries a timestamp.
    pub fn is_timed(&self) -> bool {
        !self.is_empty() && self.points().all(|p| p.t.is_some())
    }

    /// All points in drawing order.
    pub fn points(&self) -> impl Iterator<Item = &Point> {
        self.strokes.iter().flat_map(|s| s.points.iter())
    }

    /// The bounding box of all points, `None` for an empty drawing.
    pub fn bounds(&self) -> Option<Bounds> {
        let mut it = self.points();
        let p0 = it.next()?;
        let mut b = Bounds {
            min_x: p0.x,
            min_y: p0.y,
            max_x: p0.x,
            max_y: p0.y,
        };
        for p in it {
            b.min_x = b.min_x.min(p.x);
            b.min_y = b.min_y.min(p.y);
            b.max_x = b.max_x.max(p.x);
            b.max_y = b.max_y.max(p.y);
        }
        Some(b)
    }

    /// The same drawing with every point mapped by `f`.
    pub fn map_points(&self, mut f: impl FnMut(Point) -> Point) -> Drawing {
        Drawing {
            strokes: self
                .strokes
                .iter()
                .map(|s| Stroke {
                    points: s.points.iter().map(|&p| f(p)).collect(),
                })
                .collect(),
            word: self.word.clone(),
            key_id: self.key_id.clone(),
        }
    }
}

/// The first `n` points of `strokes`, as strokes (the last one cut short):
/// a drawing part-way through being drawn, for animations.
pub fn prefix(strokes: &[Stroke], n: usize) -> Vec<Stroke> {
    let mut left = n;
    let mut out = Vec::new();
    for s in strokes {
        if left == 0 {
            break;
        }
        let k = s.points.len().min(left);
        out.push(Stroke {
            points: s.points[..k].to_vec(),
        });
        left -= k;
    }
    out
}

/// Records strokes as they are drawn: the canvas and any replay of a
/// recorded drawing go through this one type, so both yield the same points.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    drawing: Drawing,
    pen_down: bool,
    /// Time of the very first point, in the caller's clock (seconds).
    t0: Option<f64>,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts recording on top of an existing drawing (e.g. one opened from a file).
    pub fn from_drawing(drawing: Drawing) -> Self {
        Self {
            drawing,
            pen_down: false,
            t0: None,
        }
    }

    /// Pen goes down at (x, y) at `time_s` seconds on the caller's clock.
    pub fn pen_down(&mut self, x: f32, y: f32, time_s: f64) {
        self.drawing.strokes.push(Stroke::default());
        self.pen_down = true;
        self.add_point(x, y, time_s);
    }

    /// The pen moved to (x, y); ignored while the pen is up. Repeated
    /// positions are dropped because they carry no shape.
    pub fn pen_move(&mut self, x: f32, y: f32, time_s: f64) {
        if !self.pen_down {
            return;
        }
        self.add_point(x, y, time_s);
    }

    /// Pen lifts: the current stroke ends.
    pub fn pen_up(&mut self) {
        self.pen_down = false;
    }

    /// True while a stroke is being drawn.
    pub fn is_pen_down(&self) -> bool {
        self.pen_down
    }

    fn add_point(&mut self, x: f32, y: f32, time_s: f64) {
        if !x.is_finite() || !y.is_finite() {
            return; // a broken input event must not poison the drawing
        }
        let t0 = match self.t0 {
            Some(t0) => t0,
            None => {
                let t0 = time_s - self.last_t_ms() / 1000.0;
                self.t0 = Some(t0);
                t0
            }
        };
        let t = ((time_s - t0) * 1000.0).max(0.0).round();
        let stroke = self
            .drawing
            .strokes
            .last_mut()
            .expect("pen_down pushes a stroke");
        if let Some(last) = stroke.points.last()
            && last.x == x
            && last.y == y
        {
            return;
        }
        stroke.points.push(Point { x, y, t: Some(t) });
    }

    /// The timestamp of the last recorded point, so drawing on top of an
    /// opened, timed drawing continues its clock instead of restarting it.
    fn last_t_ms(&self) -> f64 {
        self.drawing
            .points()
            .filter_map(|p| p.t)
            .fold(0.0, f64::max)
    }

    /// Removes the last stroke; returns it so it can be restored.
    pub fn undo(&mut self) -> Option<Stroke> {
        self.pen_down = false;
        self.drawing.strokes.pop()
    }

    /// Removes every stroke.
    pub fn clear(&mut self) {
        self.drawing.strokes.clear();
        self.pen_down = false;
        self.t0 = None;
    }

    pub fn drawing(&self) -> &Drawing {
        &self.drawing
    }

    /// Replaces the drawing (e.g. after opening a file).
    pub fn set_drawing(&mut self, drawing: Drawing) {
        *self = Self::from_drawing(drawing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_cuts_the_last_stroke_short() {
        let stroke = |n: usize| Stroke {
            points: (0..n).map(|i| Point::xy(i as f32, 0.0)).collect(),
        };
        let strokes = [stroke(3), stroke(4)];
        let p = prefix(&strokes, 5);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].points.len(), p[1].points.len()), (3, 2));
        assert_eq!(p[1].points, strokes[1].points[..2]);
        assert!(prefix(&strokes, 0).is_empty());
        assert_eq!(prefix(&strokes, 99), strokes.to_vec());
    }

    #[test]
    fn records_strokes_with_timestamps_relative_to_first_point() {
        let mut r = Recorder::new();
        r.pen_down(1.0, 2.0, 10.0);
        r.pen_move(3.0, 4.0, 10.05);
        r.pen_move(3.0, 4.0, 10.06); // duplicate dropped
        r.pen_up();
        r.pen_move(9.0, 9.0, 10.1); // pen up: ignored
        r.pen_down(5.0, 6.0, 10.5);
        r.pen_up();
        let d = r.drawing();
        assert_eq!(d.strokes.len(), 2);
        assert_eq!(d.strokes[0].points.len(), 2);
        assert_eq!(d.strokes[0].points[0].t, Some(0.0));
        assert_eq!(d.strokes[0].points[1].t, Some(50.0));
        assert_eq!(
            d.strokes[1].points[0],
            Point {
                x: 5.0,
                y: 6.0,
                t: Some(500.0)
            }
        );
        assert!(d.is_timed());
    }

    #[test]
    fn undo_and_clear() {
        let mut r = Recorder::new();
        r.pen_down(0.0, 0.0, 0.0);
        r.pen_move(1.0, 1.0, 0.1);
        r.pen_up();
        r.pen_down(2.0, 2.0, 0.2);
        r.pen_up();
        assert_eq!(r.undo().map(|s| s.points.len()), Some(1));
        assert_eq!(r.drawing().strokes.len(), 1);
        r.clear();
        assert!(r.drawing().is_empty());
        assert_eq!(r.undo(), None);
    }

    #[test]
    fn non_finite_points_are_ignored() {
        let mut r = Recorder::new();
        r.pen_down(f32::NAN, 0.0, 0.0);
        r.pen_move(1.0, f32::INFINITY, 0.1);
        r.pen_move(1.0, 1.0, 0.2);
        assert_eq!(r.drawing().num_points(), 1);
    }

    #[test]
    fn bounds_cover_all_points() {
        let mut r = Recorder::new();
        r.pen_down(3.0, -1.0, 0.0);
        r.pen_move(-2.0, 5.0, 0.1);
        let b = r.drawing().bounds().unwrap();
        assert_eq!((b.min_x, b.min_y, b.max_x, b.max_y), (-2.0, -1.0, 3.0, 5.0));
        assert!(Drawing::default().bounds().is_none());
    }
}
