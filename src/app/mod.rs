//! The desktop app: tabs, the worker, file dialogs, autosave.
//!
//! The UI thread only draws and collects input. Everything slow runs on the
//! [`worker`]; panel code returns [`Command`] values that [`StudioApp`]
//! applies in one place, outside drawing code.

pub mod about_tab;
pub mod canvas;
pub mod caption_tab;
pub mod files;
pub mod inspect_panel;
pub mod lab_tab;
pub mod sketch_rnn_panel;
pub mod sketch_tab;
pub mod worker;

use crate::sketch::ndjson;
use files::{FilePicker, Picked, Purpose};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, OnceLock};
use worker::{Job, PhotoSource, Reply, Worker};

pub const UNDO: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Z);
pub const PASTE: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::V);
const OPEN: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::O);
const SAVE: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S);

/// Seconds after the last change before the canvas is autosaved.
const AUTOSAVE_DELAY: f64 = 2.0;

/// The tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Sketch,
    Caption,
    About,
    Lab,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Sketch, Tab::Caption, Tab::About, Tab::Lab];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Sketch => "Sketch",
            Tab::Caption => "Caption",
            Tab::About => "About",
            Tab::Lab => "Lab",
        }
    }
}

/// Something a panel wants done, applied by [`StudioApp::run_command`].
#[derive(Debug)]
#[must_use]
pub enum Command {
    Pick(Purpose),
    LoadPhoto {
        generation: u64,
        source: PhotoSource,
    },
    Sketch(worker::SketchJob),
    Guess {
        generation: u64,
        drawing: crate::sketch::Drawing,
        inspect: bool,
    },
    Caption {
        generation: u64,
        image: Arc<image::RgbImage>,
        beam: usize,
    },
}

/// How the app is set up: the real one or a test's.
pub struct AppOptions {
    pub picker: Arc<dyn FilePicker>,
    /// Where the canvas is autosaved; `None` turns autosave off.
    pub state_dir: Option<PathBuf>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            picker: Arc::new(files::NativePicker),
            state_dir: default_state_dir(),
        }
    }
}

/// `$XDG_STATE_HOME/rnn-studio`, else `~/.local/state/rnn-studio`.
pub fn default_state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("rnn-studio"))
}

/// A path typed by hand because no dialog was available.
struct PathPrompt {
    purpose: Purpose,
    text: String,
}

/// The whole app.
pub struct StudioApp {
    pub tab: Tab,
    pub sketch: sketch_tab::SketchTab,
    pub caption: caption_tab::CaptionTab,
    pub lab: lab_tab::LabTab,
    /// The last message for the status bar.
    pub status: String,
    worker: Worker,
    picker: Arc<dyn FilePicker>,
    picks: (Sender<Picked>, Receiver<Picked>),
    prompt: Option<PathPrompt>,
    /// Set on the first frame; the worker wakes the UI through it.
    ctx: Arc<OnceLock<egui::Context>>,
    state_dir: Option<PathBuf>,
    autosave_at: Option<f64>,
    autosaved_revision: u64,
    /// `RNN_STUDIO_STATUS_FILE`: where to write a JSON line describing what
    /// the app shows, whenever it changes (end-to-end tests read it).
    status_file: Option<PathBuf>,
    last_status_json: String,
    /// Frames shown so far (counts to 2).
    frames: u8,
    /// Process start → first frame presented, ms (see [`crate::startup`]).
    pub first_frame_ms: Option<f64>,
    /// `RNN_STUDIO_EXIT_AFTER_FIRST_FRAME`: close once the first frame is
    /// shown (`bench startup` starts the app this way).
    exit_after_first_frame: bool,
}

impl StudioApp {
    pub fn new(options: AppOptions) -> Self {
        let ctx: Arc<OnceLock<egui::Context>> = Arc::default();
        let wake_ctx = ctx.clone();
        let worker = Worker::spawn(move || {
            if let Some(c) = wake_ctx.get() {
                c.request_repaint();
            }
        });
        let mut app = Self {
            tab: Tab::Sketch,
            sketch: Default::default(),
            caption: Default::default(),
            lab: Default::default(),
            status: String::new(),
            worker,
            picker: options.picker,
            picks: channel(),
            prompt: None,
            ctx,
            state_dir: options.state_dir,
            autosave_at: None,
            autosaved_revision: 0,
            status_file: std::env::var_os("RNN_STUDIO_STATUS_FILE").map(PathBuf::from),
            last_status_json: String::new(),
            frames: 0,
            first_frame_ms: None,
            exit_after_first_frame: std::env::var_os("RNN_STUDIO_EXIT_AFTER_FIRST_FRAME").is_some(),
        };
        app.restore_canvas();
        app
    }

    fn autosave_path(&self) -> Option<PathBuf> {
        self.state_dir.as_ref().map(|d| d.join("canvas.ndjson"))
    }

    /// Brings back the drawing that was on the canvas when the app last closed.
    fn restore_canvas(&mut self) {
        let Some(path) = self.autosave_path() else {
            return;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        match ndjson::parse_lines(&text).next() {
            Some((_, Ok(d))) => self.sketch.canvas.recorder.set_drawing(d),
            Some((line, Err(e))) => {
                self.status = format!(
                    "{}:{line}: autosaved canvas not restored: {e}",
                    path.display()
                )
            }
            None => {}
        }
    }

    /// Writes the canvas now (on exit), synchronously.
    pub fn save_canvas_now(&self) {
        if let Some(path) = self.autosave_path() {
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(&path));
            let _ =
                crate::fsutil::write_atomic(&path, canvas_bytes(&self.sketch.canvas).as_bytes());
        }
    }

    /// One frame of the whole app.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let _ = self.ctx.set(ctx.clone());
        self.count_frames(&ctx);
        self.poll(&ctx);
        self.global_shortcuts(ui);
        self.take_dropped_files(&ctx);

        egui::Panel::top("tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                for tab in Tab::ALL {
                    ui.selectable_value(&mut self.tab, tab, tab.title());
                }
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.label(if self.status.is_empty() {
                " "
            } else {
                &self.status
            });
        });
        let commands = egui::CentralPanel::default()
            .show(ui, |ui| match self.tab {
                Tab::Sketch => self.sketch.ui(ui),
                Tab::Caption => self.caption.ui(ui),
                Tab::About => {
                    about_tab::ui(ui);
                    Vec::new()
                }
                Tab::Lab => {
                    self.lab.ui(ui);
                    Vec::new()
                }
            })
            .inner;
        for c in commands {
            self.run_command(c);
        }
        self.path_prompt(&ctx);
        self.autosave(&ctx);
        self.write_status_file();
    }

    /// The second frame begins once the first was presented: that is when
    /// the window first showed something.
    fn count_frames(&mut self, ctx: &egui::Context) {
        match self.frames {
            0 => ctx.request_repaint(),
            1 => {
                self.first_frame_ms = crate::startup::process_age_ms();
                if self.exit_after_first_frame {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            _ => return,
        }
        self.frames += 1;
    }

    /// What the app shows, as one JSON object (for end-to-end tests).
    pub fn status_json(&self) -> String {
        let d = self.sketch.canvas.drawing();
        serde_json::json!({
            "tab": format!("{:?}", self.tab),
            "strokes": d.strokes.len(),
            "points": d.num_points(),
            "photo": self.caption.shown.as_ref().map(|s| s.name.clone()),
            "photo_size": self.caption.shown.as_ref().map(|s| s.size),
            "photo_error": self.caption.error,
            "guess": self.sketch.guess.as_ref().and_then(|g| g.top.first()).map(|(c, _)| c.clone()),
            "unsure": self.sketch.guess.as_ref().map(|g| g.unsure),
            "caption": self.caption.caption.as_ref().and_then(|c| c.nbest.first()).map(|h| h.text.clone()),
            "status": self.status,
            "first_frame_ms": self.first_frame_ms,
        })
        .to_string()
    }

    fn write_status_file(&mut self) {
        let Some(path) = &self.status_file else {
            return;
        };
        let json = self.status_json();
        if json != self.last_status_json {
            let _ = crate::fsutil::write_atomic(path, format!("{json}\n").as_bytes());
            self.last_status_json = json;
        }
    }

    fn global_shortcuts(&mut self, ui: &mut egui::Ui) {
        let (one, two, three, four) = ui.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::Num1),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::Num2),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::Num3),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::Num4),
            )
        });
        if one {
            self.tab = Tab::Sketch;
        } else if two {
            self.tab = Tab::Caption;
        } else if three {
            self.tab = Tab::About;
        } else if four {
            self.tab = Tab::Lab;
        }
        if ui.input_mut(|i| i.consume_shortcut(&OPEN)) {
            let purpose = if self.tab == Tab::Caption {
                Purpose::OpenPhoto
            } else {
                Purpose::OpenDrawing
            };
            self.run_command(Command::Pick(purpose));
        }
        if self.tab == Tab::Sketch && ui.input_mut(|i| i.consume_shortcut(&SAVE)) {
            self.run_command(Command::Pick(Purpose::SaveDrawing));
        }
    }

    /// Dropped files: photos go to the Caption tab, drawings to the Sketch tab.
    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        let Some(file) = dropped.into_iter().next() else {
            return;
        };
        let path = file.path().to_path_buf();
        let name = path.to_string_lossy();
        if name.ends_with(".ndjson") || name.ends_with(".json") {
            self.open_drawing(&path);
        } else {
            self.tab = Tab::Caption;
            let c = self.caption.request(PhotoSource::File(path));
            self.run_command(c);
        }
    }

    pub fn run_command(&mut self, command: Command) {
        match command {
            Command::Pick(purpose) => {
                let wake = self.ctx.get().cloned();
                self.picker.pick(
                    purpose,
                    self.picks.0.clone(),
                    Box::new(move || {
                        if let Some(c) = &wake {
                            c.request_repaint();
                        }
                    }),
                );
            }
            Command::Sketch(job) => self.worker.send(Job::Sketch(job)),
            Command::Caption {
                generation,
                image,
                beam,
            } => self.worker.send(Job::Caption {
                generation,
                image,
                beam,
            }),
            Command::Guess {
                generation,
                drawing,
                inspect,
            } => self.worker.send(Job::Guess {
                generation,
                drawing,
                inspect,
            }),
            Command::LoadPhoto { generation, source } => {
                self.worker.send(Job::LoadPhoto { generation, source })
            }
        }
    }

    /// Takes the worker's replies and dialog answers.
    fn poll(&mut self, ctx: &egui::Context) {
        while let Some(reply) = self.worker.try_recv() {
            match reply {
                Reply::Photo { generation, result } => {
                    if let Err(e) = &result {
                        self.status = e.clone();
                    }
                    if let Some(c) = self.caption.receive(ctx, generation, result) {
                        self.run_command(c);
                    }
                }
                Reply::Guessed {
                    generation,
                    result,
                    inspection,
                } => self.sketch.receive_guess(generation, result, inspection),
                Reply::Captioned { generation, result } => {
                    self.caption.receive_caption(generation, result)
                }
                Reply::Sketched { generation, result } => {
                    let now = ctx.input(|i| i.time);
                    self.sketch
                        .draw
                        .receive(&mut self.sketch.canvas, now, generation, result);
                }
                Reply::Written { what, result } => {
                    self.status = match result {
                        Ok(path) if what == "autosave" => {
                            let _ = path;
                            self.status.clone()
                        }
                        Ok(path) => format!("{what} written to {}", path.display()),
                        Err(e) => format!("could not write {what}: {e}"),
                    }
                }
            }
        }
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
                let bytes = canvas_bytes(&self.sketch.canvas).into_bytes();
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
                    Err(e) => self.status = format!("could not encode PNG: {e}"),
                }
            }
            Purpose::OpenPhoto => {
                self.tab = Tab::Caption;
                let c = self.caption.request(PhotoSource::File(path));
                self.run_command(c);
            }
        }
    }

    /// Opens the first good drawing of an ndjson file; errors name the file and line.
    pub fn open_drawing(&mut self, path: &std::path::Path) {
        self.tab = Tab::Sketch;
        match read_first_drawing(path) {
            Ok((d, total)) => {
                self.sketch.canvas.load(&d);
                self.status = format!(
                    "opened {}{}{}",
                    path.file_name().map_or(path.display().to_string(), |n| n
                        .to_string_lossy()
                        .into_owned()),
                    d.word
                        .as_ref()
                        .map(|w| format!(" ({w})"))
                        .unwrap_or_default(),
                    if total > 1 {
                        format!(", first of {total} drawings")
                    } else {
                        String::new()
                    }
                );
            }
            // The drawing on the canvas stays.
            Err(e) => self.status = e,
        }
    }

    fn path_prompt(&mut self, ctx: &egui::Context) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        let mut done: Option<bool> = None;
        egui::Window::new("Type a path")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label("No file dialog is available on this desktop. Type the file's path:");
                let r = ui.add(egui::TextEdit::singleline(&mut prompt.text).desired_width(360.0));
                r.request_focus();
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    done = Some(true);
                }
                ui.horizontal(|ui| {
                    if ui.button("OK").clicked() {
                        done = Some(true);
                    }
                    if ui.button("Cancel").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        done = Some(false);
                    }
                });
            });
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

    /// Saves the canvas a little after each change, on the worker.
    fn autosave(&mut self, ctx: &egui::Context) {
        let Some(path) = self.autosave_path() else {
            return;
        };
        let now = ctx.input(|i| i.time);
        let revision = self.sketch.canvas.revision();
        if revision != self.autosaved_revision {
            self.autosaved_revision = revision;
            self.autosave_at = Some(now + AUTOSAVE_DELAY);
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(AUTOSAVE_DELAY));
        }
        if let Some(at) = self.autosave_at
            && now >= at
        {
            self.autosave_at = None;
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(&path));
            let bytes = canvas_bytes(&self.sketch.canvas).into_bytes();
            self.worker.send(Job::WriteFile {
                path,
                bytes,
                what: "autosave".into(),
            });
        }
    }
}

/// The canvas as one ndjson line (an empty canvas is an empty file).
fn canvas_bytes(canvas: &canvas::Canvas) -> String {
    let d = canvas.drawing();
    if d.is_empty() {
        String::new()
    } else {
        ndjson::to_line(d) + "\n"
    }
}

/// Reads an ndjson file and returns its first good drawing and the number of
/// drawings in it; the error names the file and the first bad line.
fn read_first_drawing(path: &std::path::Path) -> Result<(crate::sketch::Drawing, usize), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut first = None;
    let mut first_error = None;
    let mut total = 0;
    for (line, result) in ndjson::parse_lines(&text) {
        match result {
            Ok(d) => {
                total += 1;
                first.get_or_insert(d);
            }
            Err(e) => {
                first_error.get_or_insert(format!("{}:{line}: {e}", path.display()));
            }
        }
    }
    match (first, first_error) {
        (Some(d), _) => Ok((d, total)),
        (None, Some(e)) => Err(e),
        (None, None) => Err(format!("{}: no drawing in file", path.display())),
    }
}

impl eframe::App for StudioApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self) {
        self.save_canvas_now();
    }
}

/// Opens the desktop window and runs until it is closed.
pub fn run() -> eframe::Result {
    let icon =
        eframe::icon_data::from_png_bytes(include_bytes!("../../assets/rnn-studio.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("rnn-studio")
        .with_app_id("rnn-studio")
        .with_inner_size([1100.0, 760.0])
        .with_min_inner_size([640.0, 480.0])
        .with_drag_and_drop(true);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "rnn-studio",
        options,
        Box::new(|cc| {
            // Light or dark follows the system (egui's default theme preference).
            let _ = cc;
            Ok(Box::new(StudioApp::new(AppOptions::default())))
        }),
    )
}
