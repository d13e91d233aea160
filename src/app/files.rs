//! Files: the native dialogs (kept behind a trait so tests never open one),
//! the typed-path prompt when there is no dialog, and what the app does with
//! the file the user chose, dropped or typed: open a drawing or a photo,
//! save the drawing, export it as a PNG.
//!
//! Dialogs run on their own short-lived thread (rfd's portal dialog blocks
//! until the user answers), and the answer comes back as a [`Picked`]
//! value. rfd answers "nothing picked" both when the user cancels and when
//! no dialog service exists; a near-instant "nothing" is taken as the
//! latter so the UI can offer its path field instead.

use super::teach_worker::TeachJob;
use super::worker::{Job, PhotoSource};
use super::{StudioApp, TabId};
use crate::sketch::{Drawing, ndjson};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// What a dialog is for; the answer carries it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    OpenDrawing,
    SaveDrawing,
    ExportPng,
    OpenPhoto,
    /// Write the taught classes as one pack file.
    ExportPack,
    /// Add the classes of a pack file to the taught ones.
    ImportPack,
    /// Save a drawing (the canvas, the grid or a tile) in an export format.
    Export(
        super::studio_grid::ExportTarget,
        crate::sketch::export::Format,
    ),
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
    fn choose_file(&self, purpose: Purpose, reply: Sender<Picked>, wake: Box<dyn Fn() + Send>);
}

/// The real dialogs (xdg-desktop-portal through rfd).
pub struct NativePicker;

/// Answers faster than this are not a person pressing Cancel.
const NO_DIALOG: Duration = Duration::from_millis(150);

impl FilePicker for NativePicker {
    fn choose_file(&self, purpose: Purpose, reply: Sender<Picked>, wake: Box<dyn Fn() + Send>) {
        std::thread::spawn(move || {
            let started = Instant::now();
            let dialog = rfd::FileDialog::new();
            let path = match purpose {
                Purpose::OpenDrawing => dialog
                    .add_filter(crate::t!("filter-drawing"), &["ndjson", "json"])
                    .pick_file(),
                Purpose::SaveDrawing => dialog
                    .add_filter(crate::t!("filter-drawing"), &["ndjson"])
                    .set_file_name(crate::t!("default-drawing-file"))
                    .save_file(),
                Purpose::ExportPng => dialog
                    .add_filter(crate::t!("filter-png"), &["png"])
                    .set_file_name(crate::t!("default-png-file"))
                    .save_file(),
                Purpose::OpenPhoto => dialog
                    .add_filter(
                        crate::t!("filter-images"),
                        &["jpg", "jpeg", "png", "webp", "bmp", "gif"],
                    )
                    .pick_file(),
                Purpose::ExportPack => dialog
                    .add_filter(crate::t!("filter-pack"), &["json"])
                    .set_file_name(crate::t!("default-pack-file"))
                    .save_file(),
                Purpose::ImportPack => dialog
                    .add_filter(crate::t!("filter-pack"), &["json"])
                    .pick_file(),
                Purpose::Export(_, format) => dialog
                    .add_filter(format.extension().to_uppercase(), &[format.extension()])
                    .set_file_name(crate::t!("studio-export-file", ext = format.extension()))
                    .save_file(),
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
    fn choose_file(&self, purpose: Purpose, reply: Sender<Picked>, wake: Box<dyn Fn() + Send>) {
        let _ = reply.send(Picked::Unavailable(purpose));
        wake();
    }
}

/// A path typed by hand because no dialog was available.
pub(super) struct PathPrompt {
    purpose: Purpose,
    text: String,
}

impl StudioApp {
    /// Opens the dialog for `purpose`; its answer arrives in [`Self::take_file_answers`].
    pub(super) fn choose_file(&mut self, purpose: Purpose) {
        let wake = self.ctx.get().cloned();
        self.picker.choose_file(
            purpose,
            self.picks.0.clone(),
            Box::new(move || {
                if let Some(c) = &wake {
                    c.request_repaint();
                }
            }),
        );
    }

    /// Takes the dialogs' answers; with no dialog, asks for a typed path.
    pub(super) fn take_file_answers(&mut self) {
        while let Ok(picked) = self.picks.1.try_recv() {
            match picked {
                Picked::Path(purpose, path) => self.use_path(purpose, path),
                Picked::Cancelled(_) => {}
                Picked::Unavailable(purpose) => {
                    self.prompt = Some(PathPrompt {
                        purpose,
                        text: String::new(),
                    })
                }
            }
        }
    }

    /// Acts on a file the user chose.
    pub fn use_path(&mut self, purpose: Purpose, path: PathBuf) {
        match purpose {
            Purpose::OpenDrawing => self.open_drawing(&path),
            Purpose::SaveDrawing => {
                let bytes = self.sketch.canvas.to_ndjson().into_bytes();
                self.worker.send(Job::WriteFile {
                    path,
                    bytes,
                    what: "drawing".into(),
                });
            }
            Purpose::ExportPng => {
                let img = crate::sketch::render::to_image(
                    self.sketch.canvas.drawing(),
                    &crate::sketch::render::Style {
                        size: 512,
                        width: 6.0,
                        ..Default::default()
                    },
                );
                let mut bytes = Vec::new();
                match img.write_to(
                    &mut std::io::Cursor::new(&mut bytes),
                    image::ImageFormat::Png,
                ) {
                    Ok(()) => self.worker.send(Job::WriteFile {
                        path,
                        bytes,
                        what: "PNG".into(),
                    }),
                    Err(e) => self.say(
                        TabId::Sketch,
                        crate::t!("png-encode-failed", error = e.to_string()),
                    ),
                }
            }
            Purpose::OpenPhoto => self.open_photo(path),
            // The worker checks an imported file whole before it changes
            // anything, and says what went wrong in the Teach tab.
            Purpose::ExportPack => self.worker.send(Job::Teach(TeachJob::Export { path })),
            Purpose::ImportPack => self.worker.send(Job::Teach(TeachJob::Import { path })),
            Purpose::Export(target, format) => {
                match self
                    .sketch
                    .sketch_rnn
                    .export_bytes(target, format, &self.sketch.canvas)
                {
                    Ok(bytes) => self.worker.send(Job::WriteFile {
                        path,
                        bytes,
                        what: format.extension().to_uppercase(),
                    }),
                    Err(e) => self.say(TabId::Sketch, e),
                }
            }
        }
    }

    /// Shows the Caption tab and starts loading the photo at `path`.
    fn open_photo(&mut self, path: PathBuf) {
        self.tab = TabId::Caption;
        let c = self.caption.request(PhotoSource::File(path));
        self.run_command(c);
    }

    /// Opens the first good drawing of an ndjson file; errors name the file
    /// and line, and skipped bad lines are counted in the status line.
    pub fn open_drawing(&mut self, path: &Path) {
        self.tab = TabId::Sketch;
        match read_first_drawing(path) {
            Ok(opened) => {
                self.sketch.canvas.load(&opened.drawing);
                self.say(TabId::Sketch, opened.summary(path));
            }
            // The drawing on the canvas stays.
            Err(e) => self.say(TabId::Sketch, e),
        }
    }

    /// Dropped files: photos go to the Caption tab, drawings to the Sketch tab.
    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        let Some(file) = dropped.into_iter().next() else {
            return;
        };
        let path = file.path().to_path_buf();
        let name = path.to_string_lossy();
        if name.ends_with(".ndjson") || name.ends_with(".json") {
            self.open_drawing(&path);
        } else {
            self.open_photo(path);
        }
    }

    /// The typed-path window, while a dialog was unavailable.
    pub(super) fn path_prompt(&mut self, ctx: &egui::Context) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        let mut done: Option<bool> = None;
        // Modal: the backdrop takes the clicks, so nothing behind it (the
        // canvas) reacts while the prompt is open.
        egui::Modal::new(egui::Id::unique("path_prompt")).show(ctx, |ui| {
            ui.heading(crate::t!("prompt-heading"));
            ui.label(crate::t!("prompt-explain"));
            let r = ui.add(
                egui::TextEdit::singleline(&mut prompt.text)
                    .char_limit(super::MAX_PATH_CHARS)
                    .desired_width(360.0)
                    .hint_text(crate::t!("prompt-hint")),
            );
            r.request_focus();
            // A single-line field gives up focus on Enter; read the key itself.
            if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                done = Some(true);
            }
            ui.horizontal(|ui| {
                if ui
                    .button(crate::t!("prompt-ok"))
                    .on_hover_text(crate::t!("key-enter"))
                    .clicked()
                {
                    done = Some(true);
                }
                if ui
                    .button(crate::t!("prompt-cancel"))
                    .on_hover_text(crate::t!("key-esc"))
                    .clicked()
                {
                    done = Some(false);
                }
            });
        });
        if done.is_none() && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            done = Some(false);
        }
        match done {
            Some(true) if !prompt.text.trim().is_empty() => {
                let (purpose, path) = (prompt.purpose, PathBuf::from(prompt.text.trim()));
                self.prompt = None;
                self.use_path(purpose, path);
            }
            Some(_) => self.prompt = None,
            None => {}
        }
    }
}

/// How many lines of a drawing file are read to count its drawings; the
/// first good one is what opens, so a huge file costs no more than this.
const MAX_COUNTED_LINES: usize = 10_000;

/// An opened drawing file: its first good drawing and what else was in it.
struct Opened {
    drawing: Drawing,
    /// Good drawings among the lines read.
    total: usize,
    /// Bad lines among those read, and the first one's number and message.
    skipped: usize,
    first_error: Option<(usize, String)>,
    /// The file has more lines than were read.
    more: bool,
}

impl Opened {
    /// The status line: "opened cat.ndjson (cat), first of 12 drawings;
    /// skipped 5 malformed lines (first: line 1: …)".
    fn summary(&self, path: &Path) -> String {
        let name = path.file_name().map_or(path.display().to_string(), |n| {
            n.to_string_lossy().into_owned()
        });
        // The file's word is the dataset's class name: shown as the built-in
        // class it names, else as written.
        let word = (self.drawing.word.as_ref()).map_or(String::new(), |w| {
            format!(" ({})", crate::i18n::class_name(w))
        });
        let plus = if self.more { "+" } else { "" };
        let of = if self.total > 1 || self.more {
            crate::t!(
                "opened-first-of",
                n = self.total,
                total = format!("{}{plus}", self.total)
            )
        } else {
            String::new()
        };
        let skipped = match &self.first_error {
            Some((line, e)) => {
                crate::t!("opened-skipped", n = self.skipped, line = *line, error = e)
            }
            None => String::new(),
        };
        crate::t!("opened", name = name, rest = format!("{word}{of}{skipped}"))
    }
}

/// What is wrong with a drawing line, in the current language (the
/// library's English message stays for the CLI's JSON).
pub fn drawing_error(e: &ndjson::NdjsonError) -> String {
    use crate::t;
    use ndjson::NdjsonError as E;
    match e {
        E::Json(detail) => t!("ndjson-json", detail = detail),
        E::NoDrawing => t!("ndjson-no-drawing"),
        E::NotStrokes => t!("ndjson-not-strokes"),
        E::StrokeShape { stroke } => t!("ndjson-stroke-shape", stroke = *stroke),
        E::LengthMismatch { stroke, x, what, n } => t!(
            "ndjson-length-mismatch",
            stroke = *stroke,
            x = *x,
            what = *what,
            n = *n
        ),
        E::NotANumber {
            stroke,
            point,
            what,
        } => t!(
            "ndjson-not-a-number",
            stroke = *stroke,
            point = *point,
            what = *what
        ),
        E::OutOfRange {
            stroke,
            point,
            what,
            value,
        } => t!(
            "ndjson-out-of-range",
            stroke = *stroke,
            point = *point,
            what = *what,
            value = crate::i18n::localize(ndjson::short_number(*value))
        ),
        E::TooManyPoints(n) => t!("ndjson-too-many-points", n = *n, max = ndjson::MAX_POINTS),
        E::TooManyStrokes(n) => t!("ndjson-too-many-strokes", n = *n, max = ndjson::MAX_STROKES),
        E::Empty => t!("ndjson-empty"),
        E::MixedTiming => t!("ndjson-mixed-timing"),
        E::LineTooLong => t!("ndjson-line-too-long", mib = ndjson::MAX_LINE_BYTES >> 20),
        E::EndlessLine => t!(
            "ndjson-endless-line",
            mib = ndjson::MAX_LINE_BYTES >> 20,
            skip = ndjson::MAX_SKIP_BYTES >> 20
        ),
        E::NotUtf8 => t!("ndjson-not-utf8"),
    }
}

/// Reads the first drawings of an ndjson file, line by line with the
/// reader's bounds; errors name the file and the first bad line.
fn read_first_drawing(path: &Path) -> Result<Opened, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = ndjson::BoundedLines::new(std::io::BufReader::new(file));
    let (mut first, mut first_error, mut total, mut skipped) = (None, None, 0, 0);
    let mut read = 0;
    for item in lines.by_ref() {
        let (line, text) = item.map_err(|e| format!("{}: {e}", path.display()))?;
        match text.and_then(|t| ndjson::parse_line(&t)) {
            Ok(d) => {
                total += 1;
                first.get_or_insert(d);
            }
            Err(e) => {
                skipped += 1;
                first_error.get_or_insert((line, drawing_error(&e)));
            }
        }
        read += 1;
        if read == MAX_COUNTED_LINES {
            break;
        }
    }
    let more = read == MAX_COUNTED_LINES && lines.next().is_some();
    match first {
        Some(drawing) => Ok(Opened {
            drawing,
            total,
            skipped,
            first_error,
            more,
        }),
        None => Err(match first_error {
            Some((line, e)) => format!("{}:{line}: {e}", path.display()),
            None => crate::t!("no-drawing-in-file", path = path.display().to_string()),
        }),
    }
}
