//! The desktop app: the frame around the tabs.
//!
//! The UI thread only draws and collects input. Everything slow runs on the
//! [`worker`]; every tab is a [`Tab`] whose `ui` returns [`Command`] values
//! that [`StudioApp`] applies in one place, outside drawing code. Around the
//! tabs: [`files`] (dialogs, open and save), [`autosave`], [`shortcuts`] and
//! the [`status_file`] that end-to-end tests read.

pub mod about_tab;
pub mod autosave;
pub mod canvas;
pub mod caption_tab;
pub mod display_loss;
pub mod files;
pub mod inspect_panel;
pub mod lab_tab;
pub mod settings;
pub mod shortcuts;
pub mod sketch_rnn_panel;
pub mod sketch_tab;
pub mod status_file;
pub mod studio_grid;
pub mod widgets;
pub mod worker;

use autosave::Autosave;
use files::{FilePicker, PathPrompt, Picked, Purpose};
use status_file::StatusFile;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, OnceLock};
use worker::{Job, Reply, Worker};

/// One tab of the app: a struct holding its view state (as egui_demo_lib's
/// `View`). Its `ui` draws one frame; what it wants done comes back as
/// commands.
/// The longest path a path field takes, in characters (Linux's PATH_MAX
/// is 4096 bytes); a pasted novel stops there instead of stalling the UI.
pub const MAX_PATH_CHARS: usize = 4096;
/// The longest text the gradient lab's character model takes, in characters.
pub const MAX_LAB_TEXT_CHARS: usize = 100_000;

pub trait Tab {
    /// The name on the tab bar, in the current language.
    fn title(&self) -> String;

    /// Draws one frame of the tab.
    #[must_use]
    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command>;
}

/// Which tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabId {
    Sketch,
    Caption,
    About,
    Lab,
}

impl TabId {
    /// The tabs, in order (Ctrl+1…4 follow it).
    pub const ALL: [TabId; 4] = [TabId::Sketch, TabId::Caption, TabId::About, TabId::Lab];
}

/// Something a tab wants done, applied by [`StudioApp::run_command`].
#[derive(Debug)]
#[must_use]
pub enum Command {
    /// Ask the user for a file (a dialog, else a typed path).
    ChooseFile(Purpose),
    /// Hand a job to the worker.
    Work(Job),
}

/// How the app is set up: the real one or a test's.
pub struct AppOptions {
    pub picker: Arc<dyn FilePicker>,
    /// Where the canvas is autosaved; `None` turns autosave off.
    pub state_dir: Option<PathBuf>,
    /// The settings file (the language); `None`: nothing read or written.
    pub settings_path: Option<PathBuf>,
    /// `--lang`: wins over the settings file for this run (and is not
    /// written to it unless the user picks a language in the menu).
    pub lang: Option<crate::i18n::Lang>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            picker: Arc::new(files::NativePicker),
            state_dir: autosave::default_state_dir(),
            settings_path: settings::default_path(),
            lang: None,
        }
    }
}

/// The whole app.
pub struct StudioApp {
    pub tab: TabId,
    pub sketch: sketch_tab::SketchTab,
    pub caption: caption_tab::CaptionTab,
    pub about: about_tab::AboutTab,
    pub lab: lab_tab::LabTab,
    /// The last message for the status bar.
    pub status: String,
    /// The tab the message is about; it shows on that tab only, and the
    /// next success there clears it. `None`: about the whole app.
    pub status_tab: Option<TabId>,
    worker: Worker,
    picker: Arc<dyn FilePicker>,
    picks: (Sender<Picked>, Receiver<Picked>),
    prompt: Option<PathPrompt>,
    /// Set on the first frame; the worker wakes the UI through it.
    ctx: Arc<OnceLock<egui::Context>>,
    autosave: Autosave,
    settings: settings::Settings,
    settings_path: Option<PathBuf>,
    status_file: StatusFile,
    /// The language the number formatter was last set for.
    numbers_lang: Option<crate::i18n::Lang>,
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
        let (settings, settings_error) = match &options.settings_path {
            Some(path) => settings::Settings::load(path),
            None => (settings::Settings::default(), None),
        };
        // `--lang`, else the menu's last choice; else the language stays as
        // the process started it (the locale, see `main`).
        if let Some(lang) = options.lang.or(settings.lang) {
            crate::i18n::set(lang);
        }
        let mut app = Self {
            tab: TabId::Sketch,
            sketch: Default::default(),
            caption: Default::default(),
            about: about_tab::AboutTab,
            lab: Default::default(),
            status: String::new(),
            status_tab: None,
            worker,
            picker: options.picker,
            picks: channel(),
            prompt: None,
            ctx,
            autosave: Autosave::new(options.state_dir),
            settings,
            settings_path: options.settings_path,
            status_file: StatusFile::from_env(),
            numbers_lang: None,
            frames: 0,
            first_frame_ms: None,
            exit_after_first_frame: std::env::var_os("RNN_STUDIO_EXIT_AFTER_FIRST_FRAME").is_some(),
        };
        if let Some(message) = settings_error {
            app.status = message;
        }
        if let Some(message) = app.autosave.restore(&mut app.sketch.canvas) {
            app.say(TabId::Sketch, message);
        }
        app
    }

    /// Writes the canvas now (on exit), synchronously.
    pub fn save_canvas_now(&self) {
        self.autosave.save_now(&self.sketch.canvas);
    }

    /// The tab `id` names.
    pub fn tab(&self, id: TabId) -> &dyn Tab {
        match id {
            TabId::Sketch => &self.sketch,
            TabId::Caption => &self.caption,
            TabId::About => &self.about,
            TabId::Lab => &self.lab,
        }
    }

    /// The tab `id` names, to draw it.
    pub fn tab_mut(&mut self, id: TabId) -> &mut dyn Tab {
        match id {
            TabId::Sketch => &mut self.sketch,
            TabId::Caption => &mut self.caption,
            TabId::About => &mut self.about,
            TabId::Lab => &mut self.lab,
        }
    }

    /// One frame of the whole app.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let _ = self.ctx.set(ctx.clone());
        self.count_frames(&ctx);
        self.localize_numbers(&ctx);
        self.poll(&ctx);
        self.global_shortcuts(ui);
        self.take_dropped_files(&ctx);

        egui::Panel::top("tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                for id in TabId::ALL {
                    let title = self.tab(id).title();
                    ui.selectable_value(&mut self.tab, id, title);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    self.language_menu(ui);
                });
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            let here = self.status_tab.is_none_or(|t| t == self.tab);
            ui.label(if self.status.is_empty() || !here {
                " "
            } else {
                &self.status
            });
        });
        let shown = self.tab;
        let commands = egui::CentralPanel::default()
            .show(ui, |ui| self.tab_mut(shown).ui(ui))
            .inner;
        for c in commands {
            self.run_command(c);
        }
        self.path_prompt(&ctx);
        self.autosave.tick(&ctx, &self.sketch.canvas, &self.worker);
        self.write_status_file();
    }

    /// The language menu, at the right of the tab bar: each language in its
    /// own name, so a person who cannot read the current one finds theirs.
    fn language_menu(&mut self, ui: &mut egui::Ui) {
        let now = crate::i18n::current();
        let mut picked = now;
        egui::ComboBox::from_label(crate::t!("language-menu"))
            .selected_text(now.native_name())
            .show_ui(ui, |ui| {
                for lang in crate::i18n::Lang::ALL {
                    ui.selectable_value(&mut picked, lang, lang.native_name());
                }
            })
            .response
            .on_hover_text(crate::t!("language-menu-tip"));
        if picked != now {
            self.set_language(picked);
        }
    }

    /// Switches the language now (every string is re-read each frame) and
    /// keeps the choice in the settings file.
    pub fn set_language(&mut self, lang: crate::i18n::Lang) {
        crate::i18n::set(lang);
        self.settings.lang = Some(lang);
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            self.status = crate::t!(
                "settings-not-saved",
                path = path.display().to_string(),
                error = e.to_string()
            );
            self.status_tab = None;
        }
    }

    /// Sliders and number fields write numbers in the current language
    /// (egui's formatting, with a decimal comma in pt-BR).
    fn localize_numbers(&mut self, ctx: &egui::Context) {
        let lang = crate::i18n::current();
        if self.numbers_lang == Some(lang) {
            return;
        }
        self.numbers_lang = Some(lang);
        ctx.all_styles_mut(|style| {
            style.number_formatter = egui::style::NumberFormatter::new(move |value, decimals| {
                let text = egui::emath::format_with_decimals_in_range(value, decimals);
                crate::i18n::num_text_in(lang, text)
            });
        });
    }

    /// The second frame begins once the first was presented: that is when
    /// the window first showed something.
    fn count_frames(&mut self, ctx: &egui::Context) {
        match self.frames {
            0 => ctx.request_repaint(),
            1 => {
                display_loss::window_shown();
                self.first_frame_ms = crate::startup::process_age_ms();
                if self.exit_after_first_frame {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            _ => return,
        }
        self.frames += 1;
    }

    pub fn run_command(&mut self, command: Command) {
        match command {
            Command::ChooseFile(purpose) => self.choose_file(purpose),
            Command::Work(job) => self.worker.send(job),
        }
    }

    /// Puts `text` in the status bar, shown while `tab` is.
    pub fn say(&mut self, tab: TabId, text: String) {
        self.status = text;
        self.status_tab = Some(tab);
    }

    /// A success on `tab`: a message about that tab is no longer true.
    fn clear_status(&mut self, tab: TabId) {
        if self.status_tab == Some(tab) {
            self.status.clear();
            self.status_tab = None;
        }
    }

    /// Takes the worker's replies and dialog answers.
    fn poll(&mut self, ctx: &egui::Context) {
        while let Some(reply) = self.worker.try_recv() {
            match reply {
                Reply::Photo { generation, result } => {
                    match &result {
                        Err(e) => self.say(TabId::Caption, e.clone()),
                        Ok(_) => self.clear_status(TabId::Caption),
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
                    self.sketch.sketch_rnn.receive(
                        &mut self.sketch.canvas,
                        now,
                        generation,
                        result,
                    );
                }
                Reply::Grid { generation, result } => {
                    let now = ctx.input(|i| i.time);
                    self.sketch.sketch_rnn.grid.receive(now, generation, result);
                }
                Reply::Copied { what, result } => {
                    let said = match result {
                        Ok(()) => crate::t!("studio-copied", what = what),
                        Err(e) => crate::t!("studio-copy-failed", what = what, error = e),
                    };
                    self.say(TabId::Sketch, said);
                }
                Reply::Lab { generation, event } => self.lab.receive(generation, event),
                Reply::Written { what, result } => {
                    // "drawing" and "PNG" are the app's own; any other is a
                    // format name, the same in both languages.
                    let what_text = match what.as_str() {
                        "drawing" => crate::t!("what-drawing"),
                        "autosave" => crate::t!("what-autosave"),
                        _ => what.clone(),
                    };
                    match result {
                        Ok(_) if what == "autosave" => {}
                        Ok(path) => self.say(
                            TabId::Sketch,
                            crate::t!(
                                "written-to",
                                what = what_text,
                                path = path.display().to_string()
                            ),
                        ),
                        Err(e) => self.say(
                            TabId::Sketch,
                            crate::t!("write-failed", what = what_text, error = e),
                        ),
                    }
                }
            }
        }
        self.take_file_answers();
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

impl Drop for StudioApp {
    /// Also runs when the display goes away and the event loop unwinds
    /// ([`display_loss`]): the canvas, a stroke in progress included, is
    /// written before the process ends.
    fn drop(&mut self) {
        self.save_canvas_now();
    }
}

/// Opens the desktop window and runs until it is closed or the display
/// goes away (see [`display_loss`]).
pub fn run(app_options: AppOptions) -> eframe::Result<display_loss::Ended> {
    let icon =
        eframe::icon_data::from_png_bytes(include_bytes!("../../assets/rnn-studio.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(crate::t!("window-title"))
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
    display_loss::guard(|| {
        eframe::run_native(
            "rnn-studio",
            options,
            Box::new(|cc| {
                // Light or dark follows the system (egui's default theme preference).
                let _ = cc;
                Ok(Box::new(StudioApp::new(app_options)))
            }),
        )
    })
}
