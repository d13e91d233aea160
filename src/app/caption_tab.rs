//! The Caption tab: open, drop or paste a photo and see it fitted to the
//! panel. The captioner plugs in here.

use super::Command;
use super::worker::{LoadedPhoto, PhotoSource};
use crate::app::files::Purpose;

/// The photo on show.
pub struct Shown {
    pub name: String,
    /// Original size in pixels.
    pub size: [u32; 2],
    pub texture: egui::TextureHandle,
}

/// View state of the Caption tab.
#[derive(Default)]
pub struct CaptionTab {
    pub shown: Option<Shown>,
    /// The generation of the photo being loaded, if any.
    pub loading: Option<u64>,
    /// The last load error, shown until the next successful load.
    pub error: Option<String>,
    /// Text of the "open from path" field.
    pub path_field: String,
    next_generation: u64,
}

impl CaptionTab {
    /// Starts loading a photo; returns the command the app sends to the worker.
    pub fn request(&mut self, source: PhotoSource) -> Command {
        self.next_generation += 1;
        self.loading = Some(self.next_generation);
        Command::LoadPhoto {
            generation: self.next_generation,
            source,
        }
    }

    /// Takes a worker's answer; stale answers (an older request) are dropped.
    pub fn receive(
        &mut self,
        ctx: &egui::Context,
        generation: u64,
        result: Result<Box<LoadedPhoto>, String>,
    ) {
        if self.loading != Some(generation) {
            return;
        }
        self.loading = None;
        match result {
            Ok(loaded) => {
                let d = &loaded.display;
                let color = egui::ColorImage::from_rgb(
                    [d.width() as usize, d.height() as usize],
                    d.as_raw(),
                );
                self.shown = Some(Shown {
                    name: loaded.photo.name.clone(),
                    size: [loaded.photo.width(), loaded.photo.height()],
                    texture: ctx.load_texture("photo", color, egui::TextureOptions::LINEAR),
                });
                self.error = None;
            }
            // The previous photo stays; the message says what went wrong.
            Err(e) => self.error = Some(e),
        }
    }

    #[must_use]
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        if ui.input_mut(|i| i.consume_shortcut(&super::PASTE)) || pasted(ui) {
            commands.push(self.request(PhotoSource::Clipboard));
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Open photo…")
                .on_hover_text("Choose a photo (Ctrl+O)")
                .clicked()
            {
                commands.push(Command::Pick(Purpose::OpenPhoto));
            }
            if ui
                .button("Paste")
                .on_hover_text("Paste an image from the clipboard (Ctrl+V)")
                .clicked()
            {
                commands.push(self.request(PhotoSource::Clipboard));
            }
            ui.separator();
            let field = ui.add(
                egui::TextEdit::singleline(&mut self.path_field)
                    .hint_text("or type a path to a photo")
                    .desired_width(260.0),
            );
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Open path").clicked() || enter) && !self.path_field.trim().is_empty() {
                let path = std::path::PathBuf::from(self.path_field.trim());
                commands.push(self.request(PhotoSource::File(path)));
            }
            if self.loading.is_some() {
                ui.spinner();
                ui.label("loading…");
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, format!("Error: {e}"));
        }
        ui.separator();
        match &self.shown {
            Some(shown) => {
                ui.label(format!(
                    "{} — {}×{} px",
                    shown.name, shown.size[0], shown.size[1]
                ));
                let avail = ui.available_size();
                let tex = shown.texture.size_vec2();
                let scale = (avail.x / tex.x).min(avail.y / tex.y).min(4.0);
                ui.add(egui::Image::new((shown.texture.id(), tex * scale)));
            }
            None => {
                ui.centered_and_justified(|ui| {
                    ui.label(
                        egui::RichText::new("Drop a photo here, paste one (Ctrl+V) or open one.\nJPEG, PNG, WebP, BMP, GIF.")
                            .size(16.0),
                    );
                });
            }
        }
        commands
    }
}

/// True if the integration turned Ctrl+V into a paste event this frame
/// (egui-winit does, when the clipboard holds text).
fn pasted(ui: &egui::Ui) -> bool {
    ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Paste(_))))
}
