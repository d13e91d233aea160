//! The About tab: what the app does, keyboard shortcuts, and the data and
//! model attributions with their licences.

use super::{Command, Tab};

/// The About tab (it has no state).
pub struct AboutTab;

impl Tab for AboutTab {
    fn title(&self) -> &'static str {
        "About"
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        about(ui);
        Vec::new()
    }
}

fn about(ui: &mut egui::Ui) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("rnn-studio");
        ui.label(format!("version {}", env!("CARGO_PKG_VERSION")));
        ui.add_space(6.0);
        ui.label(
            "Recurrent networks at work. Draw a doodle and a stroke-sequence LSTM (seconded by a small \
             CNN that looks at the picture) guesses what it is while you draw; let sketch-rnn draw for you; drop a photo and a CNN encoder feeds an \
             attention LSTM that writes a caption; look inside the LSTM at its forget, input and \
             output gates and its memory.",
        );
        ui.add_space(10.0);
        ui.heading("Keyboard");
        egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
            for (keys, what) in [
                ("Ctrl+Z", "undo the last stroke (Sketch)"),
                ("Ctrl+O", "open a drawing (Sketch) or a photo (Caption)"),
                ("Ctrl+S", "save the drawing as ndjson (Sketch)"),
                ("Ctrl+I", "show or hide the LSTM's gates while you draw (Sketch)"),
                ("Ctrl+V", "paste a photo from the clipboard (Caption)"),
                ("Ctrl+1 / 2 / 3 / 4", "switch to Sketch / Caption / About / Lab"),
                ("Tab, Enter", "move between controls and press them"),
            ] {
                ui.monospace(keys);
                ui.label(what);
                ui.end_row();
            }
        });
        ui.add_space(10.0);
        ui.heading("Data and models");
        for line in ATTRIBUTIONS {
            ui.label(format!("- {line}"));
        }
    });
}

/// The data and model attributions, with their licences.
pub const ATTRIBUTIONS: &[&str] = &[
    "Quick, Draw! Dataset by Google, CC BY 4.0.",
    "sketch-rnn models by Google Magenta (Ha & Eck, \"A Neural Representation of Sketch Drawings\", 2017), Apache-2.0.",
    "EfficientNet-Lite0 by Google / The TensorFlow Authors (Tan & Le, 2019), Apache-2.0.",
    "Flickr8k: M. Hodosh, P. Young, J. Hockenmaier, \"Framing Image Description as a Ranking Task: Data, Models and Evaluation Metrics\", JAIR 47, 2013 (research use).",
    "Sample photos: scikit-image data (CC0 / public domain), U.S. Navy (public domain).",
];
