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
    fn title(&self) -> &'static str {
        "Sketch"
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
                self.guesses(ui);
                ui.add_space(16.0);
                ui.separator();
                commands.extend(self.sketch_rnn.ui(ui, self.canvas.drawing()));
                ui.separator();
                commands.extend(super::teach_tab::correction(
                    ui,
                    &mut self.correct_to,
                    self.canvas.drawing(),
                    self.guess.as_ref(),
                ));
            });
        if self.inspect.open {
            egui::Panel::bottom("inspect")
                .resizable(true)
                .default_size(360.0)
                .min_size(200.0)
                .show(ui, |ui| self.inspect.ui(ui));
            self.canvas.highlight = self.inspect.marked_point();
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let response = self.canvas.ui(ui);
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
                .add_enabled(self.canvas.can_undo(), egui::Button::new("Undo"))
                .on_hover_text("Take back the last stroke, Clear or Open (Ctrl+Z)")
                .clicked()
            {
                self.undo();
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new("Clear"))
                .on_hover_text("Remove every stroke (Undo brings them back)")
                .clicked()
            {
                self.sketch_rnn.stop();
                self.canvas.clear();
            }
            ui.separator();
            ui.label("Brush");
            ui.add(egui::Slider::new(&mut self.canvas.brush, 1.0..=24.0).show_value(false))
                .on_hover_text("Brush width");
            ui.separator();
            if ui
                .button("Open…")
                .on_hover_text("Open a Quick, Draw! .ndjson drawing")
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::OpenDrawing));
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new("Save…"))
                .on_hover_text("Save as Quick, Draw! ndjson (with timestamps)")
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::SaveDrawing));
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new("Export PNG…"))
                .on_hover_text("Write the drawing as a PNG image")
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::ExportPng));
            }
            ui.separator();
            if ui
                .selectable_label(self.inspect.open, "Inside the LSTM")
                .on_hover_text(
                    "Show the recognizer's gates and memory at every point, and how its \
                     guess evolved (Ctrl+I)",
                )
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
        ui.heading("Guesses");
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
                format!("The doodle recognizer is not available: {e}"),
            );
            return;
        }
        match &self.guess {
            None if self.guess_in_flight => {
                // The first request also loads the model on the worker. No
                // spinner: the worker's reply repaints, and the UI stays idle.
                ui.weak("Loading the recognizer…");
            }
            None => {
                ui.label("Draw something: the LSTM guesses while you draw.");
            }
            Some(g) => {
                if g.unsure {
                    ui.label(egui::RichText::new("I'm not sure - is it one of these?").strong());
                } else {
                    ui.label(
                        egui::RichText::new(format!("It's a {}!", g.top[0].0.replace('_', " ")))
                            .strong(),
                    );
                }
                ui.add_space(4.0);
                for (class, p) in g.top.iter().take(TOP) {
                    ui.add(
                        egui::ProgressBar::new(*p)
                            .text(format!("{} {:.0}%", class.replace('_', " "), p * 100.0))
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
            ui.collapsing("Try drawing...", |ui| {
                let mut classes: Vec<&str> = g.top.iter().map(|(c, _)| c.as_str()).collect();
                classes.sort_unstable();
                ui.label(classes.join(", ").replace('_', " "));
            });
        }
    }
}
