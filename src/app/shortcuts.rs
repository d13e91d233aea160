//! Keyboard shortcuts. The app-wide ones (switch tab, open, save) are
//! handled here; a tab's own (undo, paste, inspect) are consumed by the tab.

use super::files::Purpose;
use super::{Command, StudioApp, TabId};
use egui::{Key, KeyboardShortcut, Modifiers};

pub const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
pub const PASTE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::V);
/// Shows or hides the Inspect view.
pub const INSPECT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::I);
const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);

/// Ctrl+1…4 select the tabs in [`TabId::ALL`] order.
const TAB_KEYS: [Key; 4] = [Key::Num1, Key::Num2, Key::Num3, Key::Num4];

impl StudioApp {
    /// The app-wide shortcuts: switch tab, open (a photo on the Caption tab,
    /// else a drawing), save the drawing (Sketch tab).
    pub(super) fn global_shortcuts(&mut self, ui: &mut egui::Ui) {
        // Every tab key is consumed, pressed or not, before choosing one.
        let pressed = ui.input_mut(|i| TAB_KEYS.map(|k| i.consume_key(Modifiers::COMMAND, k)));
        if let Some(n) = pressed.iter().position(|&p| p) {
            self.tab = TabId::ALL[n];
        }
        if ui.input_mut(|i| i.consume_shortcut(&OPEN)) {
            let purpose = if self.tab == TabId::Caption {
                Purpose::OpenPhoto
            } else {
                Purpose::OpenDrawing
            };
            self.run_command(Command::ChooseFile(purpose));
        }
        if self.tab == TabId::Sketch && ui.input_mut(|i| i.consume_shortcut(&SAVE)) {
            self.run_command(Command::ChooseFile(Purpose::SaveDrawing));
        }
    }
}
