//! Native file dialogs, kept behind a trait so tests never open one.
//!
//! Dialogs run on their own short-lived thread (rfd's portal dialog blocks
//! until the user answers), and the answer comes back as an [`Picked`]
//! value. rfd answers "nothing picked" both when the user cancels and when
//! no dialog service exists; a near-instant "nothing" is taken as the
//! latter so the UI can offer its path field instead.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// What a dialog is for; the answer carries it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    OpenDrawing,
    SaveDrawing,
    ExportPng,
    OpenPhoto,
}

/// A dialog's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked {
    Path(Purpose, PathBuf),
    Cancelled(Purpose),
    /// No dialog could be shown (no desktop portal); use the path field.
    Unavailable(Purpose),
}

/// Something that can ask the user for a file.
pub trait FilePicker: Send + Sync {
    /// Starts a dialog; the answer is sent on `reply` and `wake` is called.
    fn pick(&self, purpose: Purpose, reply: Sender<Picked>, wake: Box<dyn Fn() + Send>);
}

/// The real dialogs (xdg-desktop-portal through rfd).
pub struct NativePicker;

/// Answers faster than this are not a person pressing Cancel.
const NO_DIALOG: Duration = Duration::from_millis(150);

impl FilePicker for NativePicker {
    fn pick(&self, purpose: Purpose, reply: Sender<Picked>, wake: Box<dyn Fn() + Send>) {
        std::thread::spawn(move || {
            let started = Instant::now();
            let dialog = rfd::FileDialog::new();
            let path = match purpose {
                Purpose::OpenDrawing => dialog
                    .add_filter("Quick, Draw! drawing", &["ndjson", "json"])
                    .pick_file(),
                Purpose::SaveDrawing => dialog
                    .add_filter("Quick, Draw! drawing", &["ndjson"])
                    .set_file_name("drawing.ndjson")
                    .save_file(),
                Purpose::ExportPng => dialog
                    .add_filter("PNG image", &["png"])
                    .set_file_name("drawing.png")
                    .save_file(),
                Purpose::OpenPhoto => dialog
                    .add_filter("Images", &["jpg", "jpeg", "png", "webp", "bmp", "gif"])
                    .pick_file(),
            };
            let answer = match path {
                Some(p) => Picked::Path(purpose, p),
                None if started.elapsed() < NO_DIALOG => Picked::Unavailable(purpose),
                None => Picked::Cancelled(purpose),
            };
            let _ = reply.send(answer);
            wake();
        });
    }
}

/// A picker with no dialogs at all (tests, headless runs): always
/// "unavailable", so the path field is used.
pub struct NoPicker;

impl FilePicker for NoPicker {
    fn pick(&self, purpose: Purpose, reply: Sender<Picked>, wake: Box<dyn Fn() + Send>) {
        let _ = reply.send(Picked::Unavailable(purpose));
        wake();
    }
}
