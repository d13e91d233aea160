//! The recognizer seen from inside: for a drawing, the gates of every LSTM
//! layer at every point (as [`Heatmaps`]), the point each step read, and how
//! the probability of the top classes evolved point by point. The Inspect
//! view and `rnn-studio inspect` both read this one computation.

use super::drawing::{Drawing, Point};
use super::features;
use super::recognizer::{Guess, Recognizer, Session};
use super::sketch_rnn::Frame;
use crate::nn::inspect::{Gate, Heatmaps};
use image::{Rgb, RgbImage};

/// What the recognizer did with one drawing.
#[derive(Debug, Clone, Default)]
pub struct Inspection {
    /// One set of heat maps per LSTM layer (T steps each).
    pub layers: Vec<Heatmaps>,
    /// points[t]: the point step t read, in the drawing's own coordinates (T).
    pub points: Vec<Point>,
    /// The classes followed over time: the final top classes, best first.
    pub classes: Vec<String>,
    /// probs[c][t]: p of `classes[c]` after step t.
    pub probs: Vec<Vec<f32>>,
    /// The guess after the last point.
    pub guess: Option<Guess>,
}

/// Runs `d` through the recognizer with gate taps on, following the `top`
/// best final classes over time.
pub fn inspect(rec: &Recognizer, d: &Drawing, top: usize) -> Inspection {
    let mut session = rec.session().with_taps();
    session.update(d);
    Inspection::of_session(&session, d, top)
}

impl Inspection {
    /// What `session` did with `d`, the drawing it was last brought to
    /// (the app's worker keeps one live session with taps on).
    pub fn of_session(session: &Session, d: &Drawing, top: usize) -> Inspection {
        let guess = session.guess();
        let Some(taps) = session.taps() else {
            return Inspection::default();
        };
        let layers = (0..taps.first().map_or(0, Vec::len))
            .map(|l| Heatmaps::from_taps(&taps.iter().map(|step| &step[l]).collect::<Vec<_>>()))
            .collect();
        let frame = Frame::of(d).unwrap_or(Frame::IDENTITY);
        let points = features::preprocess(d)
            .points()
            .map(|p| frame.to_user(*p))
            .collect();
        let classes: Vec<String> = guess.top.iter().take(top).map(|(c, _)| c.clone()).collect();
        let over_time = session.guesses();
        let probs = classes
            .iter()
            .map(|c| {
                over_time
                    .iter()
                    .map(|g| g.top.iter().find(|(k, _)| k == c).map_or(0.0, |(_, p)| *p))
                    .collect()
            })
            .collect();
        Inspection {
            layers,
            points,
            classes,
            probs,
            guess: Some(guess),
        }
    }

    /// The step whose point is nearest to `(x, y)` (drawing coordinates),
    /// if one lies within `radius`.
    pub fn step_near(&self, x: f32, y: f32, radius: f32) -> Option<usize> {
        self.points
            .iter()
            .enumerate()
            .map(|(t, p)| (t, (p.x - x).powi(2) + (p.y - y).powi(2)))
            .filter(|&(_, d2)| d2 <= radius * radius)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(t, _)| t)
    }
}

/// Line colours of the followed classes, best first.
pub const CLASS_COLOURS: [[u8; 3]; 5] = [
    [214, 39, 40],
    [31, 119, 180],
    [44, 160, 44],
    [255, 127, 14],
    [148, 103, 189],
];

/// The inspection of one layer as a picture: the four heat maps (f, i, o, C;
/// units by variance, a column per point) stacked, then the probability of
/// each followed class over the same columns (colours [`CLASS_COLOURS`]).
pub fn render(ins: &Inspection, layer: usize) -> RgbImage {
    let Some(maps) = ins.layers.get(layer) else {
        return RgbImage::from_pixel(1, 1, Rgb([255, 255, 255]));
    };
    let cell_w = (800 / maps.steps.max(1)).clamp(2, 12) as u32;
    let unit_h = 2u32;
    let gap = 6u32;
    let plot_h = 160u32;
    let width = maps.steps as u32 * cell_w;
    let map_h = maps.units as u32 * unit_h;
    let height = 4 * (map_h + gap) + plot_h;
    let mut img = RgbImage::from_pixel(width.max(1), height, Rgb([255, 255, 255]));
    for (g, gate) in Gate::ALL.into_iter().enumerate() {
        let top = g as u32 * (map_h + gap);
        for (row, u) in maps.order_by_variance(gate).into_iter().enumerate() {
            for t in 0..maps.steps {
                let c = Rgb(maps.colour(gate, maps.value(gate, u, t)));
                for dy in 0..unit_h {
                    for dx in 0..cell_w {
                        img.put_pixel(t as u32 * cell_w + dx, top + row as u32 * unit_h + dy, c);
                    }
                }
            }
        }
    }
    let plot_top = 4 * (map_h + gap);
    for x in 0..width {
        img.put_pixel(x, plot_top, Rgb([200, 200, 200]));
        img.put_pixel(x, height - 1, Rgb([200, 200, 200]));
    }
    for (c, series) in ins.probs.iter().enumerate().rev() {
        let colour = Rgb(CLASS_COLOURS[c % CLASS_COLOURS.len()]);
        let y_of = |p: f32| plot_top + 2 + ((1.0 - p.clamp(0.0, 1.0)) * (plot_h - 5) as f32) as u32;
        for (t, w) in series.windows(2).enumerate() {
            let (x0, x1) = (
                t as u32 * cell_w + cell_w / 2,
                (t as u32 + 1) * cell_w + cell_w / 2,
            );
            let (y0, y1) = (y_of(w[0]) as f32, y_of(w[1]) as f32);
            for x in x0..=x1.min(width - 1) {
                let a = (x - x0) as f32 / (x1 - x0).max(1) as f32;
                let y = (y0 + (y1 - y0) * a).round() as u32;
                for dy in 0..2 {
                    img.put_pixel(x, (y + dy).min(height - 1), colour);
                }
            }
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspection_follows_the_session_step_by_step() {
        let root =
            crate::weights::root_for(crate::weights::RECOGNIZER).expect("shipped recognizer");
        let rec = Recognizer::load(&root).unwrap();
        let text = include_str!("../../tests/fixtures/quickdraw/sample.ndjson");
        let cat = super::super::ndjson::parse_lines(text)
            .next()
            .unwrap()
            .1
            .unwrap();
        let ins = inspect(&rec, &cat, 3);
        let steps = features::model_input(&cat).len();
        assert_eq!(ins.points.len(), steps);
        assert_eq!(ins.layers.len(), rec.config().num_layers);
        assert!(
            ins.layers
                .iter()
                .all(|m| m.steps == steps && m.units == rec.config().hidden_size)
        );
        // The followed classes end where the whole-drawing guess ends.
        let guess = rec.classify(&cat);
        for (k, class) in ins.classes.iter().enumerate() {
            assert_eq!(class, &guess.top[k].0);
            let last = *ins.probs[k].last().unwrap();
            assert!(
                (last - guess.top[k].1).abs() < 1e-6,
                "{class}: {last} vs {}",
                guess.top[k].1
            );
        }
        // Steps read the drawing's own points, in the drawing's coordinates.
        let b = cat.bounds().unwrap();
        assert!(
            ins.points
                .iter()
                .all(|p| p.x >= b.min_x - 2.0 && p.x <= b.max_x + 2.0)
        );
        let img = render(&ins, 0);
        assert_eq!(img.width() as usize % steps, 0);
    }
}
