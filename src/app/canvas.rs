//! The drawing canvas: pointer, pen or touch input becomes strokes of timed
//! points (through [`Recorder`], the same type a replayed file goes
//! through), painted smoothly.
//!
//! Terms: **canvas units** are the drawing's own coordinates, a square of
//! [`CANVAS_UNITS`] a side mapped onto the largest square that fits the
//! panel, so a drawing keeps its shape whatever the window size. Saved
//! drawings are in these units (Quick, Draw!'s raw format is canvas pixels).

use crate::sketch::{Drawing, Point, Recorder, Stroke, ndjson};
use egui::{Color32, Pos2, Rect, Sense, Shape, Vec2, emath::RectTransform};

/// The side of the canvas in canvas units.
pub const CANVAS_UNITS: f32 = 512.0;

/// The canvas and its view settings.
pub struct Canvas {
    pub recorder: Recorder,
    /// Brush width in canvas units.
    pub brush: f32,
    /// Strokes drawn over the user's, in another colour (a model's
    /// continuation); not part of the user's drawing.
    pub overlay: Vec<Stroke>,
    /// Canvas-unit point to mark (the inspector hovers a time step).
    pub highlight: Option<Pos2>,
    /// Where the canvas was last painted, in screen points (tests aim at it).
    pub rect: Rect,
    /// Counts changes to the drawing; autosave and the live guess each
    /// remember the revision they last saw.
    revision: u64,
    /// Drawings that Clear or Open replaced, newest last, each with the
    /// number of strokes the canvas had right after the replacement: Undo
    /// removes strokes drawn since, then brings the replaced drawing back.
    replaced: Vec<(Drawing, usize)>,
}

/// How many replaced drawings Undo can bring back.
const MAX_REPLACED: usize = 20;

impl Default for Canvas {
    fn default() -> Self {
        Self {
            recorder: Recorder::new(),
            brush: 6.0,
            overlay: Vec::new(),
            highlight: None,
            rect: Rect::NOTHING,
            revision: 0,
            replaced: Vec::new(),
        }
    }
}

impl Canvas {
    pub fn drawing(&self) -> &Drawing {
        self.recorder.drawing()
    }

    /// The user's drawing with the model's continuation (the overlay) after
    /// it: what "finish my doodle" made, for the recognizer to judge.
    pub fn with_overlay(&self) -> Drawing {
        let mut d = self.drawing().clone();
        d.strokes.extend(self.overlay.iter().cloned());
        d
    }

    /// The drawing as one ndjson line, as saved and autosaved (an empty
    /// canvas is an empty file).
    pub fn to_ndjson(&self) -> String {
        let d = self.drawing();
        if d.is_empty() {
            String::new()
        } else {
            ndjson::to_line(d) + "\n"
        }
    }

    /// The drawing's revision: it changes whenever the drawing does.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Returns true if and only if Undo would change something.
    pub fn can_undo(&self) -> bool {
        !self.overlay.is_empty() || !self.drawing().strokes.is_empty() || !self.replaced.is_empty()
    }

    /// Takes back the last step: the overlay, the last stroke, or a Clear or
    /// Open (the drawing it replaced comes back).
    pub fn undo(&mut self) {
        let kept = self.replaced.last().map_or(0, |(_, n)| *n);
        // The overlay hangs off the user's last stroke, so undo removes it first.
        if !self.overlay.is_empty() {
            self.overlay.clear();
        } else if self.drawing().strokes.len() > kept {
            self.recorder.undo();
            self.revision += 1;
        } else if let Some((before, _)) = self.replaced.pop() {
            self.recorder.set_drawing(before);
            self.revision += 1;
        }
    }

    /// Remembers the drawing about to be replaced, so Undo can bring it
    /// back; an empty one too, so that putting a drawing on an empty canvas
    /// (Open, a grid tile) is one Undo step, not one per stroke.
    fn remember(&mut self, strokes_after: usize) {
        if self.replaced.len() == MAX_REPLACED {
            self.replaced.remove(0);
        }
        let before = self.drawing().clone();
        self.replaced.push((before, strokes_after));
    }

    /// Removes every stroke (one Undo brings them back).
    pub fn clear(&mut self) {
        self.remember(0);
        self.recorder.clear();
        self.overlay.clear();
        self.revision += 1;
    }

    /// Replaces the strokes (an animation revealing a drawing).
    pub fn set_strokes(&mut self, strokes: Vec<Stroke>) {
        self.recorder.set_drawing(Drawing {
            strokes,
            ..Default::default()
        });
        self.revision += 1;
    }

    /// Shows an opened drawing, scaled and centred into the canvas.
    pub fn load(&mut self, drawing: &Drawing) {
        let fitted = fit_to_canvas(drawing);
        self.remember(fitted.strokes.len());
        self.recorder.set_drawing(fitted);
        self.overlay.clear();
        self.revision += 1;
    }

    /// Paints the canvas into the available space, as a square of at least
    /// `min_side` points, and records input.
    pub fn ui(&mut self, ui: &mut egui::Ui, min_side: f32) -> egui::Response {
        let side = ui
            .available_width()
            .min(ui.available_height())
            .max(min_side);
        let (response, painter) = ui.allocate_painter(Vec2::splat(side), Sense::click_and_drag());
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Canvas, true, crate::t!("canvas-label"))
        });
        let rect = response.rect;
        self.rect = rect;
        let to_screen = RectTransform::from_to(
            Rect::from_min_size(Pos2::ZERO, Vec2::splat(CANVAS_UNITS)),
            rect,
        );
        let from_screen = to_screen.inverse();
        let now = ui.input(|i| i.time);

        // Raw pointer events, in order: press starts a stroke, every move
        // adds a point, release ends it. Responses only say what happened by
        // the end of the frame, so at a low frame rate they would merge or
        // drop points; the events are what Quick, Draw! records.
        let layer = ui.layer_id();
        let events = ui.input(|i| i.events.clone());
        for event in events {
            match event {
                egui::Event::PointerButton {
                    pos,
                    button: egui::PointerButton::Primary,
                    pressed: true,
                    ..
                } if rect.contains(pos) && ui.ctx().layer_id_at(pos) == Some(layer) => {
                    let c = from_screen * pos;
                    self.recorder.pen_down(c.x, c.y, now);
                    self.revision += 1;
                }
                egui::Event::PointerMoved(pos) if self.recorder.is_pen_down() => {
                    let c = from_screen * pos;
                    self.recorder.pen_move(c.x, c.y, now);
                    self.revision += 1;
                }
                egui::Event::PointerButton {
                    pos,
                    button: egui::PointerButton::Primary,
                    pressed: false,
                    ..
                } if self.recorder.is_pen_down() => {
                    let c = from_screen * pos;
                    self.recorder.pen_move(c.x, c.y, now);
                    self.recorder.pen_up();
                    self.revision += 1;
                }
                egui::Event::PointerGone if self.recorder.is_pen_down() => {
                    self.recorder.pen_up();
                    self.revision += 1;
                }
                _ => {}
            }
        }

        let visuals = ui.visuals();
        painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
        painter.rect_stroke(
            rect,
            4.0,
            visuals.widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let scale = rect.width() / CANVAS_UNITS;
        let ink = visuals.strong_text_color();
        let width = self.brush * scale;
        for stroke in &self.recorder.drawing().strokes {
            paint_stroke(&painter, &stroke.points, to_screen, width, ink);
        }
        let overlay_ink = Color32::from_rgb(230, 110, 20);
        for stroke in &self.overlay {
            paint_stroke(&painter, &stroke.points, to_screen, width, overlay_ink);
        }
        if let Some(h) = self.highlight {
            painter.circle_stroke(
                to_screen * h,
                width * 1.5 + 4.0,
                (2.0, Color32::from_rgb(220, 40, 40)),
            );
        }
        response
    }
}

fn paint_stroke(
    painter: &egui::Painter,
    points: &[Point],
    to_screen: RectTransform,
    width: f32,
    color: Color32,
) {
    let pts: Vec<Pos2> = points
        .iter()
        .map(|p| to_screen * Pos2::new(p.x, p.y))
        .collect();
    match pts.len() {
        0 => {}
        1 => {
            painter.circle_filled(pts[0], width / 2.0, color);
        }
        _ => {
            // Round caps: a line alone would end square and look jagged at corners.
            painter.circle_filled(pts[0], width / 2.0, color);
            painter.circle_filled(*pts.last().unwrap(), width / 2.0, color);
            painter.add(Shape::line(pts, egui::Stroke::new(width, color)));
        }
    }
}

/// Scales a drawing from any frame (Quick, Draw! raw pixels, the 0–255
/// simplified box) to fill the canvas with a margin, keeping its aspect and
/// timestamps.
pub fn fit_to_canvas(d: &Drawing) -> Drawing {
    let Some(b) = d.bounds() else {
        return d.clone();
    };
    let margin = CANVAS_UNITS * 0.08;
    let side = b.width().max(b.height()).max(1.0);
    let scale = (CANVAS_UNITS - 2.0 * margin) / side;
    let ox = (CANVAS_UNITS - b.width() * scale) / 2.0;
    let oy = (CANVAS_UNITS - b.height() * scale) / 2.0;
    d.map_points(|p| Point {
        x: (p.x - b.min_x) * scale + ox,
        y: (p.y - b.min_y) * scale + oy,
        t: p.t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_to_canvas_centres_and_keeps_time() {
        let d = Drawing {
            strokes: vec![Stroke {
                points: vec![
                    Point {
                        x: 0.0,
                        y: 0.0,
                        t: Some(0.0),
                    },
                    Point {
                        x: 255.0,
                        y: 100.0,
                        t: Some(20.0),
                    },
                ],
            }],
            ..Default::default()
        };
        let f = fit_to_canvas(&d);
        let b = f.bounds().unwrap();
        assert!((b.min_x - CANVAS_UNITS * 0.08).abs() < 1e-3);
        assert!((b.max_x - CANVAS_UNITS * 0.92).abs() < 1e-3);
        assert!(((b.min_y + b.max_y) / 2.0 - CANVAS_UNITS / 2.0).abs() < 1e-3);
        assert_eq!(f.strokes[0].points[1].t, Some(20.0));
    }
}
