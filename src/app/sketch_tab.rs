//! The Sketch tab: the canvas, its toolbar, and the side area where the
//! recognizer's guesses go.

use super::Command;
use super::canvas::Canvas;
use super::sketch_rnn_panel::SketchRnnPanel;
use crate::app::files::Purpose;
use crate::sketch::recognizer::Guess;

/// How many guesses the panel shows.
const TOP: usize = 5;

/// View state of the Sketch tab.
#[derive(Default)]
pub struct SketchTab {
    pub canvas: Canvas,
    pub draw: SketchRnnPanel,
    /// The recognizer's latest guess, for the drawing at `guessed_revision`.
    pub guess: Option<Guess>,
    /// Why there is no recognizer, once the worker has said so.
    pub guess_error: Option<String>,
    /// The canvas revision the last guess request was for.
    guessed_revision: u64,
    /// A guess request is with the worker; the next waits for its answer so
    /// requests never pile up while the pen moves.
    guess_in_flight: bool,
}

impl SketchTab {
    /// Draws the tab; file actions come back as commands for the app to run.
    #[must_use]
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        if ui.input_mut(|i| i.consume_shortcut(&super::UNDO)) {
            self.undo();
        }
        self.draw.animate(&mut self.canvas, ui.ctx());
        commands.extend(self.request_guess());
        self.toolbar(ui, &mut commands);
        egui::Panel::right("guesses")
            .resizable(false)
            .default_size(240.0)
            .show(ui, |ui| {
                self.guesses(ui);
                ui.add_space(16.0);
                ui.separator();
                let user = self.canvas.drawing().clone();
                commands.extend(self.draw.ui(ui, &user));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            self.canvas.ui(ui);
            if self.canvas.recorder.is_pen_down() {
                self.draw.stop(); // the user took the pen back
            }
        });
        commands
    }

    /// Asks for a new guess when the drawing changed and no request is out.
    fn request_guess(&mut self) -> Option<Command> {
        let revision = self.canvas.revision();
        if revision == self.guessed_revision || self.guess_in_flight || self.guess_error.is_some() {
            return None;
        }
        self.guessed_revision = revision;
        if self.canvas.drawing().is_empty() {
            self.guess = None;
            return None;
        }
        self.guess_in_flight = true;
        Some(Command::Guess {
            generation: revision,
            drawing: self.canvas.drawing().clone(),
        })
    }

    /// Takes the worker's guess.
    pub fn receive_guess(&mut self, generation: u64, result: Result<Guess, String>) {
        self.guess_in_flight = false;
        match result {
            // A guess for an older drawing is still shown until the next one
            // arrives, unless the canvas was emptied meanwhile.
            Ok(g) if !self.canvas.drawing().is_empty() || generation == self.canvas.revision() => {
                self.guess = Some(g)
            }
            Ok(_) => {}
            Err(e) => self.guess_error = Some(e),
        }
    }

    fn undo(&mut self) {
        self.draw.stop();
        self.canvas.undo();
    }

    fn toolbar(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            let has_strokes = !self.canvas.drawing().strokes.is_empty();
            if ui
                .add_enabled(has_strokes, egui::Button::new("Undo"))
                .on_hover_text("Remove the last stroke (Ctrl+Z)")
                .clicked()
            {
                self.undo();
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new("Clear"))
                .on_hover_text("Remove every stroke")
                .clicked()
            {
                self.draw.stop();
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
                commands.push(Command::Pick(Purpose::OpenDrawing));
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new("Save…"))
                .on_hover_text("Save as Quick, Draw! ndjson (with timestamps)")
                .clicked()
            {
                commands.push(Command::Pick(Purpose::SaveDrawing));
            }
            if ui
                .add_enabled(has_strokes, egui::Button::new("Export PNG…"))
                .on_hover_text("Write the drawing as a PNG image")
                .clicked()
            {
                commands.push(Command::Pick(Purpose::ExportPng));
            }
        });
        ui.add_space(4.0);
    }

    fn guesses(&mut self, ui: &mut egui::Ui) {
        ui.heading("Guesses");
        ui.add_space(4.0);
        if let Some(e) = &self.guess_error {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("The doodle recognizer is not available: {e}"),
            );
            return;
        }
        match &self.guess {
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
            "{} strokes, {} points",
            d.strokes.len(),
            d.num_points()
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
