//! The About tab: what the app does, keyboard shortcuts, and the data and
//! model attributions with their licences.

use super::{Command, Tab};

/// The About tab (it has no state).
pub struct AboutTab;

impl Tab for AboutTab {
    fn title(&self) -> String {
        crate::t!("tab-about")
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        about(ui);
        Vec::new()
    }
}

fn about(ui: &mut egui::Ui) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("rnn-studio");
        ui.label(crate::t!(
            "about-version",
            version = env!("CARGO_PKG_VERSION")
        ));
        ui.add_space(6.0);
        ui.label(crate::t!("about-intro"));
        ui.add_space(10.0);
        ui.heading(crate::t!("about-keyboard"));
        egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
            for (keys, what) in [
                ("Ctrl+Z", crate::t!("about-key-undo")),
                ("Ctrl+O", crate::t!("about-key-open")),
                ("Ctrl+S", crate::t!("about-key-save")),
                ("Ctrl+I", crate::t!("about-key-inspect")),
                ("Ctrl+V", crate::t!("about-key-paste")),
                ("Ctrl+1 / 2 / 3 / 4", crate::t!("about-key-tabs")),
                (
                    crate::t!("about-keys-tab-enter").as_str(),
                    crate::t!("about-key-focus"),
                ),
            ] {
                ui.monospace(keys);
                ui.label(what);
                ui.end_row();
            }
        });
        ui.add_space(10.0);
        ui.heading(crate::t!("about-data"));
        for line in attributions() {
            ui.label(format!("- {line}"));
        }
    });
}

/// The data and model attributions, with their licences (titles of works
/// stay in their language; the connecting words are translated).
pub fn attributions() -> [String; 5] {
    [
        crate::t!("about-credit-quickdraw"),
        crate::t!("about-credit-sketch-rnn"),
        crate::t!("about-credit-efficientnet"),
        crate::t!("about-credit-flickr8k"),
        crate::t!("about-credit-photos"),
    ]
}
