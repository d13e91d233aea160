//! "Draw it for me" and "Finish my doodle": sketch-rnn draws on the canvas,
//! stroke by stroke.
//!
//! The worker samples the whole drawing at once (tens of milliseconds); the
//! **animation** then reveals it here a few points per frame, so the UI
//! stays free and Stop simply stops revealing. A new drawing replaces the
//! canvas; a continuation goes into the canvas' overlay, in another colour,
//! and Undo removes it.

use super::Command;
use super::canvas::{Canvas, fit_to_canvas};
use super::worker::{Job, SketchJob, Sketched};
use crate::sketch::{Drawing, Stroke};

/// Points revealed per second while animating.
const POINTS_PER_SECOND: f64 = 90.0;

/// A drawing being revealed.
struct Animation {
    /// The strokes to reveal, canvas units.
    strokes: Vec<Stroke>,
    /// True: they go to the overlay (a continuation); false: they are the drawing.
    overlay: bool,
    started: f64,
}

impl Animation {
    fn total_points(&self) -> usize {
        self.strokes.iter().map(|s| s.points.len()).sum()
    }

    /// The first `n` points, as strokes.
    fn prefix(&self, n: usize) -> Vec<Stroke> {
        let mut left = n;
        let mut out = Vec::new();
        for s in &self.strokes {
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
}

/// The sketch-rnn controls and the animation state.
pub struct SketchRnnPanel {
    /// The classes with a generator; empty when the models are missing.
    pub classes: Vec<String>,
    /// Why there are no classes, when there are none.
    pub missing: Option<String>,
    pub class: usize,
    pub temperature: f32,
    /// The generation of the request in flight, if any.
    pub pending: Option<u64>,
    pub error: Option<String>,
    animation: Option<Animation>,
    next_generation: u64,
    seed: u64,
}

impl Default for SketchRnnPanel {
    fn default() -> Self {
        let (classes, missing) = match crate::weights::root_for(crate::weights::SKETCH_RNN)
            .map_err(|e| e.to_string())
            .and_then(|root| {
                crate::sketch::sketch_rnn::list_classes(&root).map_err(|e| e.to_string())
            }) {
            Ok(classes) => (classes, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        Self {
            classes,
            missing,
            class: 0,
            temperature: crate::sketch::sketch_rnn::DEFAULT_TEMPERATURE,
            pending: None,
            error: None,
            animation: None,
            next_generation: 0,
            // Different drawings on every run of the app, reproducible within one.
            seed: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        }
    }
}

impl SketchRnnPanel {
    /// True while a drawing is requested or being revealed.
    pub fn is_busy(&self) -> bool {
        self.pending.is_some() || self.animation.is_some()
    }

    /// Stops requesting and revealing; what is on the canvas stays.
    pub fn stop(&mut self) {
        self.pending = None;
        self.animation = None;
    }

    fn request(&mut self, continue_from: Option<Drawing>) -> Command {
        self.next_generation += 1;
        self.seed = self.seed.wrapping_add(1);
        self.pending = Some(self.next_generation);
        self.error = None;
        self.animation = None;
        Command::Work(Job::Sketch(SketchJob {
            generation: self.next_generation,
            class: self.classes[self.class].clone(),
            temperature: self.temperature,
            seed: self.seed,
            continue_from,
        }))
    }

    /// Takes the worker's drawing and starts revealing it.
    pub fn receive(
        &mut self,
        canvas: &mut Canvas,
        now: f64,
        generation: u64,
        result: Result<Sketched, String>,
    ) {
        if self.pending != Some(generation) {
            return; // stopped, or superseded by a newer request
        }
        self.pending = None;
        match result {
            Ok(s) if s.continuation => {
                // In the user's own coordinates: the user's strokes are never
                // moved or scaled. What runs past the canvas's edge is clipped
                // when painted (and still counts for the guess).
                canvas.overlay.clear();
                self.animation = Some(Animation {
                    strokes: s.strokes,
                    overlay: true,
                    started: now,
                });
            }
            Ok(s) => {
                let fitted = fit_to_canvas(&Drawing {
                    strokes: s.strokes,
                    ..Default::default()
                });
                canvas.clear();
                self.animation = Some(Animation {
                    strokes: fitted.strokes,
                    overlay: false,
                    started: now,
                });
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Reveals the next points; call every frame.
    pub fn animate(&mut self, canvas: &mut Canvas, ctx: &egui::Context) {
        let Some(a) = &self.animation else { return };
        let now = ctx.input(|i| i.time);
        let total = a.total_points();
        let n = (((now - a.started) * POINTS_PER_SECOND) as usize + 1).min(total);
        let shown = a.prefix(n);
        if a.overlay {
            canvas.overlay = shown;
        } else {
            canvas.set_strokes(shown);
        }
        if n >= total {
            self.animation = None;
        } else {
            ctx.request_repaint();
        }
    }

    /// The controls. The user's drawing decides what "finish" continues.
    #[must_use]
    pub fn ui(&mut self, ui: &mut egui::Ui, user: &Drawing) -> Option<Command> {
        ui.heading("Let the LSTM draw");
        if let Some(why) = &self.missing {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("sketch-rnn is not available: {why}"),
            );
            return None;
        }
        let mut command = None;
        egui::ComboBox::from_label("class")
            .selected_text(self.classes[self.class].replace('_', " "))
            .show_ui(ui, |ui| {
                for (i, c) in self.classes.iter().enumerate() {
                    ui.selectable_value(&mut self.class, i, c.replace('_', " "));
                }
            });
        ui.add(egui::Slider::new(&mut self.temperature, 0.05..=1.0).text("temperature"))
            .on_hover_text("Lower is tidier, higher is wilder");
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Draw it for me")
                .on_hover_text("sketch-rnn draws a new doodle of this class")
                .clicked()
            {
                command = Some(self.request(None));
            }
            if ui
                .add_enabled(!user.is_empty(), egui::Button::new("Finish my doodle"))
                .on_hover_text(
                    "sketch-rnn reads your strokes, then carries on (Undo removes its part)",
                )
                .clicked()
            {
                command = Some(self.request(Some(user.clone())));
            }
            if self.is_busy() {
                if ui.button("Stop").clicked() {
                    self.stop();
                }
                ui.spinner();
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        command
    }
}
