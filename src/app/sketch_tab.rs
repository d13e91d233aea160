//! The Sketch tab: the canvas, its toolbar, and the side area where the
//! recognizer's guesses go.

use super::canvas::{CANVAS_UNITS, Canvas};
use super::files::Purpose;
use super::inspect_panel::InspectPanel;
use super::shortcuts::{INSPECT, UNDO};
use super::sketch_rnn_panel::SketchRnnPanel;
use super::worker::Job;
use super::{Command, Tab};
use crate::sketch::inspect::Inspection;
use crate::sketch::recognizer::Guess;

/// How many guesses the panel shows.
const TOP: usize = 5;

/// The smallest canvas side, in points: below it the canvas scrolls
/// instead of shrinking to a thumbnail.
pub const MIN_CANVAS: f32 = 240.0;
/// The Inspect view's smallest width beside the canvas and height under it.
const MIN_INSPECT_WIDTH: f32 = 360.0;
const MIN_INSPECT_HEIGHT: f32 = 220.0;

/// Where the Inspect view goes, from the space the canvas and it share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InspectPlacement {
    /// Beside the canvas, in the space a square canvas leaves in a wide
    /// window: `default` and `max` widths.
    Side { default: f32, max: f32 },
    /// Under the canvas (a tall or small window): `default` and `max` heights.
    Bottom { default: f32, max: f32 },
}

/// Beside the canvas when the area is wide enough for a canvas of at least
/// [`MIN_CANVAS`] plus the view; under it otherwise. Either way the canvas
/// keeps at least [`MIN_CANVAS`] when the window allows it.
pub fn inspect_placement(area: egui::Vec2) -> InspectPlacement {
    let room_for_canvas = (area.x - MIN_CANVAS).max(0.0);
    if area.x >= 1.2 * area.y && room_for_canvas >= MIN_INSPECT_WIDTH {
        // Share the width so that the canvas is as tall as it can be, but
        // give the maps at least 45% of it: their columns are the points.
        let beside_square = area.x - area.y;
        let default = beside_square.max(0.45 * area.x).min(room_for_canvas);
        InspectPlacement::Side {
            default,
            max: room_for_canvas,
        }
    } else {
        // The canvas keeps its minimum; the view scrolls in what is left
        // (never less than a header and one map).
        let max = (area.y - MIN_CANVAS).max(100.0);
        InspectPlacement::Bottom {
            default: (0.5 * area.y).clamp(MIN_INSPECT_HEIGHT.min(max), max),
            max,
        }
    }
}

/// View state of the Sketch tab.
pub struct SketchTab {
    pub canvas: Canvas,
    /// "Draw it for me" and "Finish my doodle", beside the guesses.
    pub sketch_rnn: SketchRnnPanel,
    /// The Inspect view (the recognizer's gates), under the canvas.
    pub inspect: InspectPanel,
    /// The recognizer's latest guess, for the drawing at `guessed_revision`.
    pub guess: Option<Guess>,
    /// Why there is no recognizer, once the worker has said so.
    pub guess_error: Option<String>,
    /// The canvas revision the last guess request was for.
    guessed_revision: u64,
    /// How many continuation points the latest guess request included.
    guessed_overlay: usize,
    /// A guess request is with the worker; the next waits for its answer so
    /// requests never pile up while the pen moves.
    guess_in_flight: bool,
    /// The class typed in "No, it's a …".
    pub correct_to: String,
}

impl Default for SketchTab {
    fn default() -> Self {
        Self {
            canvas: Canvas::default(),
            sketch_rnn: SketchRnnPanel::default(),
            inspect: InspectPanel::new(),
            guess: None,
            guess_error: None,
            guessed_revision: 0,
            guessed_overlay: 0,
            guess_in_flight: false,
            correct_to: String::new(),
        }
    }
}

impl Tab for SketchTab {
    fn title(&self) -> String {
        crate::t!("tab-sketch")
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        if ui.input_mut(|i| i.consume_shortcut(&UNDO)) {
            self.undo();
        }
        if ui.input_mut(|i| i.consume_shortcut(&INSPECT)) {
            self.toggle_inspect();
        }
        self.sketch_rnn.animate(&mut self.canvas, ui.ctx());
        commands.extend(self.request_guess());
        self.toolbar(ui, &mut commands);
        egui::Panel::right("guesses")
            .resizable(false)
            .default_size(240.0)
            .show(ui, |ui| {
                // Scrolls rather than push "Let the LSTM draw" off a small window.
                egui::ScrollArea::vertical()
                    .id_salt("guesses_scroll")
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        self.guesses(ui);
                        ui.add_space(16.0);
                        ui.separator();
                        commands.extend(self.sketch_rnn.ui(ui, &self.canvas));
                        ui.separator();
                        commands.extend(super::teach_tab::correction(
                            ui,
                            &mut self.correct_to,
                            self.canvas.drawing(),
                            self.guess.as_ref(),
                        ));
                    });
            });
        if self.sketch_rnn.grid.open {
            // The multi-predict grid; the canvas keeps at least MIN_CANVAS_WITH_GRID.
            let room =
                (ui.available_height() - super::studio_grid::MIN_CANVAS_WITH_GRID).max(120.0);
            let (_, _, wanted) = self.sketch_rnn.grid.layout(ui);
            egui::Panel::bottom("studio_grid")
                .resizable(false)
                .exact_size(wanted.min(room))
                .show(ui, |ui| {
                    commands.extend(self.sketch_rnn.grid_ui(ui, &mut self.canvas));
                });
        }
        if self.inspect.open {
            let area = ui.available_size();
            match inspect_placement(area) {
                InspectPlacement::Side { default, max } => {
                    egui::Panel::right("inspect_side")
                        .resizable(true)
                        .default_size(default)
                        .min_size(MIN_INSPECT_WIDTH)
                        .max_size(max)
                        .show(ui, |ui| self.inspect.ui(ui));
                }
                InspectPlacement::Bottom { default, max } => {
                    egui::Panel::bottom("inspect")
                        .resizable(true)
                        .default_size(default)
                        .min_size(MIN_INSPECT_HEIGHT.min(max))
                        .max_size(max)
                        .show(ui, |ui| self.inspect.ui(ui));
                }
            }
            self.canvas.highlight = self.inspect.marked_point();
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let response = if ui.available_size().min_elem() >= MIN_CANVAS {
                // Centred: a wide window leaves equal margins, not one gap.
                ui.vertical_centered(|ui| self.canvas.ui(ui, MIN_CANVAS))
                    .inner
            } else {
                // Too small a window: the canvas keeps its minimum and scrolls.
                egui::ScrollArea::both()
                    .id_salt("canvas_scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.canvas.ui(ui, MIN_CANVAS))
                    .inner
            };
            if self.canvas.recorder.is_pen_down() {
                self.sketch_rnn.stop(); // the user took the pen back
            }
            if self.inspect.open {
                let rect = self.canvas.rect;
                let at = response
                    .hover_pos()
                    .filter(|_| !self.canvas.recorder.is_pen_down())
                    .map(|p| ((p - rect.min) * (CANVAS_UNITS / rect.width())).to_pos2());
                let before = self.inspect.canvas_step;
                self.inspect.hover_canvas(at);
                if self.inspect.canvas_step != before {
                    ui.ctx().request_repaint();
                }
            }
        });
        commands
    }
}

impl SketchTab {
    /// Asks for a new guess when the drawing changed and no request is out.
    fn request_guess(&mut self) -> Option<Command> {
        let revision = self.canvas.revision();
        let overlay: usize = self.canvas.overlay.iter().map(|s| s.points.len()).sum();
        let same = revision == self.guessed_revision && overlay == self.guessed_overlay;
        if same || self.guess_in_flight || self.guess_error.is_some() {
            return None;
        }
        self.guessed_revision = revision;
        self.guessed_overlay = overlay;
        if self.canvas.drawing().is_empty() {
            self.guess = None;
            self.inspect.set(None);
            return None;
        }
        self.guess_in_flight = true;
        // With a continuation on the canvas the guess is of the finished
        // drawing, so it follows the model as it draws.
        Some(Command::Work(Job::Guess {
            generation: revision,
            drawing: self.canvas.with_overlay(),
            inspect: self.inspect.open,
        }))
    }

    /// Takes the worker's guess (and, with the Inspect view open, what the
    /// LSTM did at every point).
    pub fn receive_guess(
        &mut self,
        generation: u64,
        result: Result<Guess, String>,
        inspection: Option<Box<Inspection>>,
    ) {
        self.guess_in_flight = false;
        match result {
            // A guess for an older drawing is still shown until the next one
            // arrives, unless the canvas was emptied meanwhile.
            Ok(g) if !self.canvas.drawing().is_empty() || generation == self.canvas.revision() => {
                self.guess = Some(g);
                if inspection.is_some() {
                    self.inspect.set(inspection.map(|b| *b));
                }
            }
            Ok(_) => {}
            Err(e) => self.guess_error = Some(e),
        }
    }

    /// Asks for the guess again (the taught classes changed).
    pub fn reguess(&mut self) {
        self.guessed_revision = u64::MAX;
    }

    /// Shows or hides the Inspect view; showing it asks the worker for the
    /// gates of the drawing already there.
    pub fn toggle_inspect(&mut self) {
        self.inspect.open = !self.inspect.open;
        if self.inspect.open {
            self.guessed_revision = u64::MAX;
        } else {
            self.canvas.highlight = None;
        }
    }

    fn undo(&mut self) {
        self.sketch_rnn.stop();
        self.canvas.undo();
    }

    fn toolbar(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            let has_strokes = !self.canvas.drawing().strokes.is_empty();
            if ui
                .add_enabled(
                    self.canvas.can_undo(),
                    egui::Button::new(crate::t!("sketch-undo")),
                )
                .on_hover_text(crate::t!("sketch-undo-tip"))
                .clicked()
            {
                self.undo();
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new(crate::t!("sketch-clear")))
                .on_hover_text(crate::t!("sketch-clear-tip"))
                .clicked()
            {
                self.sketch_rnn.stop();
                self.canvas.clear();
            }
            ui.separator();
            ui.label(crate::t!("sketch-brush"));
            ui.add(egui::Slider::new(&mut self.canvas.brush, 1.0..=24.0).show_value(false))
                .on_hover_text(crate::t!("sketch-brush-tip"));
            ui.separator();
            if ui
                .button(crate::t!("sketch-open"))
                .on_hover_text(crate::t!("sketch-open-tip"))
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::OpenDrawing));
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new(crate::t!("sketch-save")))
                .on_hover_text(crate::t!("sketch-save-tip"))
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::SaveDrawing));
            }
            if ui
                .add_enabled(
                    has_strokes,
                    egui::Button::new(crate::t!("sketch-export-png")),
                )
                .on_hover_text(crate::t!("sketch-export-png-tip"))
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::ExportPng));
            }
            ui.separator();
            if ui
                .selectable_label(self.inspect.open, crate::t!("sketch-inspect"))
                .on_hover_text(crate::t!("sketch-inspect-tip"))
                .clicked()
            {
                self.toggle_inspect();
            }
        });
        ui.add_space(4.0);
    }

    /// The guesses, in a block of fixed height: whatever state it is in
    /// (no drawing, loading, a guess), the controls below never move.
    fn guesses(&mut self, ui: &mut egui::Ui) {
        ui.heading(crate::t!("sketch-guesses"));
        ui.add_space(4.0);
        let top = ui.cursor().top();
        self.guesses_body(ui);
        let spacing = ui.spacing();
        let (gap, row) = (spacing.item_spacing.y, spacing.interact_size.y);
        let reserve = ui.text_style_height(&egui::TextStyle::Body)
            + 4.0
            + TOP as f32 * (row + gap)
            + 4.0
            + ui.text_style_height(&egui::TextStyle::Small)
            + 2.0 * gap
            + row
            + 8.0; // slack: every state, the full one too, is padded to the same height
        let used = ui.cursor().top() - top;
        if used < reserve {
            ui.add_space(reserve - used);
        }
    }

    fn guesses_body(&mut self, ui: &mut egui::Ui) {
        if let Some(e) = &self.guess_error {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                crate::t!("sketch-no-recognizer", error = e),
            );
            return;
        }
        match &self.guess {
            None if self.guess_in_flight => {
                // The first request also loads the model on the worker. No
                // spinner: the worker's reply repaints, and the UI stays idle.
                ui.weak(crate::t!("sketch-loading"));
            }
            None => {
                ui.label(crate::t!("sketch-empty"));
            }
            Some(g) => {
                if g.unsure {
                    ui.label(egui::RichText::new(crate::t!("sketch-unsure")).strong());
                } else {
                    // A taught class is named as the user wrote it, in
                    // quotes: no article can be guessed for it.
                    let top = &g.top[0].0;
                    let said = match crate::i18n::class_with_article(top) {
                        Some(class) => crate::t!("sketch-its-a", class = class),
                        None => crate::t!("sketch-its-taught", class = top.as_str()),
                    };
                    ui.label(egui::RichText::new(said).strong());
                }
                ui.add_space(4.0);
                for (class, p) in g.top.iter().take(TOP) {
                    ui.add(
                        egui::ProgressBar::new(*p)
                            .text(format!(
                                "{} {}",
                                crate::i18n::class_name(class),
                                crate::i18n::pct(f64::from(*p))
                            ))
                            .desired_width(ui.available_width()),
                    );
                }
            }
        }
        let d = self.canvas.drawing();
        ui.add_space(4.0);
        ui.small(format!(
            "{}, {}",
            crate::t!("stroke-count", n = d.strokes.len()),
            crate::t!("point-count", n = d.num_points())
        ));
        if let Some(g) = &self.guess {
            ui.collapsing(crate::t!("sketch-try-drawing"), |ui| {
                let mut classes: Vec<String> = g
                    .top
                    .iter()
                    .map(|(c, _)| crate::i18n::class_name(c))
                    .collect();
                classes.sort_unstable();
                ui.label(classes.join(", "));
            });
        }
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    #[test]
    fn inspect_goes_beside_a_wide_canvas_and_under_a_tall_one() {
        // The default window's central area: beside, the canvas as tall as
        // the area and the view in the rest.
        let InspectPlacement::Side { default, max } = inspect_placement(egui::vec2(1030.0, 700.0))
        else {
            panic!("a wide area puts the view beside the canvas");
        };
        assert!(default >= MIN_INSPECT_WIDTH && default <= max);
        assert!(
            1030.0 - default >= 560.0,
            "the canvas keeps most of its size"
        );
        // A small window: under the canvas, which keeps its minimum.
        let InspectPlacement::Bottom { default, max } = inspect_placement(egui::vec2(390.0, 360.0))
        else {
            panic!("a small area puts the view under the canvas");
        };
        assert!(default <= max && 360.0 - max >= MIN_CANVAS - 1e-3);
    }
}
