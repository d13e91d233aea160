//! The Sketch tab: the canvas, its toolbar, and the side area where the
//! recognizer's guesses go.

use super::Command;
use super::canvas::Canvas;
use super::sketch_rnn_panel::SketchRnnPanel;
use crate::app::files::Purpose;

/// View state of the Sketch tab.
#[derive(Default)]
pub struct SketchTab {
    pub canvas: Canvas,
    pub draw: SketchRnnPanel,
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
        let d = self.canvas.drawing();
        ui.label(format!(
            "{} strokes, {} points",
            d.strokes.len(),
            d.num_points()
        ));
        ui.add_space(8.0);
        ui.label(
            egui::RichText::new(
                "The doodle recognizer is not installed yet, so there are no guesses.",
            )
            .italics(),
        );
    }
}
