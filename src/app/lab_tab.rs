//! The Lab tab: the gradient lab, trained live.
//!
//! The user picks a model (Elman, Jordan, LSTM), a task (recall the symbol
//! seen k steps ago, or a character language model), full or truncated BPTT,
//! clipping, the optimizer and the learning rate, and presses Start. The
//! [`LabSession`] is built here (so a bad setting is refused at once) and
//! handed to the [worker](super::worker), which trains it one epoch at a time
//! and streams each [`EpochReport`] back. Pause stops it between epochs;
//! Reset ends the session and clears the curves. The plots: loss and
//! accuracy per epoch; ‖∂J/∂h_{t-d}‖ against the distance d (log scale) for
//! the first and the latest epoch; the gradient norm before and after
//! clipping at every update (log scale).

use super::worker::{Job, LabEvent, LabJob};
use super::{Command, Tab};
use crate::nn::lab::{EpochReport, LabConfig, LabSession, ModelKind, Optimizer, TaskKind};
use crate::nn::tasks::LECTURE_TEXT;
use egui_plot::{HLine, Legend, Line, Plot, PlotPoints};

/// Where a lab run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabState {
    /// No session: the settings can be changed.
    Idle,
    /// The worker is training.
    Running,
    /// Stopped between epochs; Start goes on where it stopped.
    Paused,
    /// The epoch budget is used up.
    Finished,
}

/// The Lab tab: settings, controls, the reports received so far.
pub struct LabTab {
    /// The settings of the next run (fixed while a session exists).
    pub config: LabConfig,
    /// Whether truncated BPTT is on, and its length.
    pub truncate_on: bool,
    pub truncate_k: usize,
    /// Whether clipping is on, and τ.
    pub clip_on: bool,
    pub clip_tau: f32,
    /// The character model's text (shown in a text box).
    pub text: String,
    /// Epochs per run.
    pub max_epochs: usize,
    pub state: LabState,
    /// Every epoch's report, in order.
    pub reports: Vec<EpochReport>,
    /// Why the last Start was refused.
    pub error: Option<String>,
    /// Sampling temperature and the last sample (charlm).
    pub temperature: f32,
    pub sample: Option<String>,
    /// The generation of the session on the worker, if there is one.
    session: Option<u64>,
    next_generation: u64,
}

impl Default for LabTab {
    fn default() -> Self {
        let config = LabConfig::default();
        Self {
            truncate_on: config.truncate.is_some(),
            truncate_k: config.truncate.unwrap_or(10),
            clip_on: config.clip.is_some(),
            clip_tau: config.clip.unwrap_or(1.0),
            config,
            text: LECTURE_TEXT.to_string(),
            max_epochs: 50,
            state: LabState::Idle,
            reports: Vec::new(),
            error: None,
            temperature: 1.0,
            sample: None,
            session: None,
            next_generation: 0,
        }
    }
}

impl Tab for LabTab {
    fn title(&self) -> String {
        crate::t!("tab-lab")
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let width = controls_width(ui);
        egui::Panel::left("lab_controls")
            .resizable(false)
            .exact_size(width)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.ui_controls(ui, &mut commands));
            });
        egui::CentralPanel::default().show(ui, |ui| self.ui_plots(ui));
        commands
    }
}

impl LabTab {
    /// Takes what the worker's run sent; a reply for an ended session is dropped.
    pub fn receive(&mut self, generation: u64, event: LabEvent) {
        if self.session != Some(generation) {
            return;
        }
        match event {
            LabEvent::Epoch { report, finished } => {
                self.reports.push(*report);
                if finished {
                    self.state = LabState::Finished;
                }
            }
            LabEvent::Sample(s) => self.sample = Some(s),
        }
    }

    /// Starts a new session, or resumes a paused one.
    #[must_use]
    pub fn start(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        if self.session.is_none() {
            let cfg = self.next_config();
            match LabSession::new(&cfg) {
                Ok(session) => {
                    self.error = None;
                    self.reports.clear();
                    self.sample = None;
                    self.next_generation += 1;
                    self.session = Some(self.next_generation);
                    commands.push(lab_command(LabJob::Start {
                        generation: self.next_generation,
                        session: Box::new(session),
                        max_epochs: self.max_epochs,
                    }));
                }
                Err(e) => {
                    self.error = Some(lab_error(&e));
                    return commands;
                }
            }
        }
        commands.push(lab_command(LabJob::Run));
        self.state = LabState::Running;
        commands
    }

    /// Stops training between epochs.
    #[must_use]
    pub fn pause(&mut self) -> Option<Command> {
        self.session?;
        self.state = LabState::Paused;
        Some(lab_command(LabJob::Pause))
    }

    /// Ends the session and clears the curves.
    #[must_use]
    pub fn reset(&mut self) -> Option<Command> {
        let had_session = self.session.take().is_some();
        self.reports.clear();
        self.sample = None;
        self.state = LabState::Idle;
        had_session.then(|| lab_command(LabJob::End))
    }

    /// The configuration the settings describe.
    pub fn next_config(&self) -> LabConfig {
        LabConfig {
            truncate: self.truncate_on.then_some(self.truncate_k),
            clip: self.clip_on.then_some(self.clip_tau),
            text: self.text.clone(),
            ..self.config.clone()
        }
    }

    fn ui_controls(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.heading(crate::t!("lab-heading"))
            .on_hover_text(crate::t!("lab-explain"));
        let idle = self.state == LabState::Idle;
        ui.add_enabled_ui(idle, |ui| self.ui_settings(ui));
        ui.separator();
        ui.horizontal(|ui| {
            let can_start = matches!(self.state, LabState::Idle | LabState::Paused);
            if ui
                .add_enabled(can_start, egui::Button::new(crate::t!("lab-start")))
                .clicked()
            {
                commands.extend(self.start());
            }
            let running = self.state == LabState::Running;
            if ui
                .add_enabled(running, egui::Button::new(crate::t!("lab-pause")))
                .clicked()
            {
                commands.extend(self.pause());
            }
            if ui
                .add_enabled(!idle, egui::Button::new(crate::t!("lab-reset")))
                .clicked()
            {
                commands.extend(self.reset());
            }
            if running {
                ui.spinner();
            }
        });
        ui.label(self.status_line());
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        // Below Start, so that choosing a task never moves the buttons.
        if self.config.task == TaskKind::Charlm {
            ui.separator();
            let label = ui.label(crate::t!("lab-text"));
            ui.add(
                egui::TextEdit::multiline(&mut self.text)
                    .char_limit(super::MAX_LAB_TEXT_CHARS)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
            commands.extend(self.ui_sampling(ui));
        }
    }

    fn ui_settings(&mut self, ui: &mut egui::Ui) {
        ui.label(crate::t!("lab-model"));
        ui.horizontal(|ui| {
            for m in ModelKind::ALL {
                let (name, tip) = match m {
                    ModelKind::Elman => ("Elman", crate::t!("lab-elman-tip")),
                    ModelKind::Jordan => ("Jordan", crate::t!("lab-jordan-tip")),
                    ModelKind::Lstm => ("LSTM", crate::t!("lab-lstm-tip")),
                };
                ui.selectable_value(&mut self.config.model, m, name)
                    .on_hover_text(tip);
            }
        });
        ui.add(egui::Slider::new(&mut self.config.hidden, 4..=128).text("H"));
        ui.label(crate::t!("lab-task"));
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.config.task,
                TaskKind::Recall,
                crate::t!("lab-recall"),
            )
            .on_hover_text(crate::t!("lab-recall-tip"));
            ui.selectable_value(
                &mut self.config.task,
                TaskKind::Charlm,
                crate::t!("lab-charlm"),
            )
            .on_hover_text(crate::t!("lab-charlm-tip"));
        });
        let k_name = match self.config.task {
            TaskKind::Recall => crate::t!("lab-k-recall"),
            TaskKind::Charlm => crate::t!("lab-k-charlm"),
        };
        ui.add(egui::Slider::new(&mut self.config.k, 1..=100).text(k_name));
        ui.separator();
        ui.checkbox(&mut self.truncate_on, crate::t!("lab-truncate"))
            .on_hover_text(crate::t!("lab-truncate-tip"));
        ui.add_enabled(
            self.truncate_on,
            egui::Slider::new(&mut self.truncate_k, 1..=100).text(crate::t!("lab-steps")),
        );
        ui.checkbox(&mut self.clip_on, crate::t!("lab-clip"))
            .on_hover_text(crate::t!("lab-clip-tip"));
        ui.add_enabled(
            self.clip_on,
            egui::Slider::new(&mut self.clip_tau, 0.01..=10.0)
                .logarithmic(true)
                .text("tau"),
        );
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.config.optimizer, Optimizer::Sgd, "SGD");
            ui.selectable_value(&mut self.config.optimizer, Optimizer::Adam, "Adam");
        });
        ui.add(
            egui::Slider::new(&mut self.config.lr, 1e-4..=1.0)
                .logarithmic(true)
                .text(crate::t!("lab-lr")),
        );
        ui.horizontal(|ui| {
            let label = ui.label(crate::t!("lab-seed"));
            ui.add(egui::DragValue::new(&mut self.config.seed))
                .labelled_by(label.id);
            let label = ui.label(crate::t!("lab-epochs"));
            ui.add(egui::DragValue::new(&mut self.max_epochs).range(1..=1000))
                .labelled_by(label.id);
        });
    }

    fn ui_sampling(&mut self, ui: &mut egui::Ui) -> Option<Command> {
        ui.separator();
        ui.add(
            egui::Slider::new(&mut self.temperature, 0.0..=2.0).text(crate::t!("lab-temperature")),
        );
        let can_sample = self.session.is_some() && !self.reports.is_empty();
        let command = ui
            .add_enabled(can_sample, egui::Button::new(crate::t!("lab-sample")))
            .clicked()
            .then(|| {
                lab_command(LabJob::Sample {
                    temperature: self.temperature,
                    len: 120,
                })
            });
        if let Some(s) = &self.sample {
            ui.add(egui::Label::new(egui::RichText::new(s).monospace()).wrap());
        }
        command
    }

    /// One line: the epoch, loss, accuracy against chance, and how much of
    /// the gradient reaches the farthest step.
    pub fn status_line(&self) -> String {
        let Some(r) = self.reports.last() else {
            return match self.state {
                LabState::Idle => crate::t!("lab-press-start"),
                _ => crate::t!("lab-first-epoch"),
            };
        };
        let p = &r.dj_dh_by_distance;
        let far = p.len() - 1;
        let ratio = if p[0] > 0.0 { p[far] / p[0] } else { 0.0 };
        crate::t!(
            "lab-status",
            epoch = r.epoch,
            updates = r.updates,
            loss = crate::i18n::num(f64::from(r.loss), 3),
            accuracy = crate::i18n::pct_with(f64::from(r.accuracy), 1),
            chance = crate::i18n::pct(f64::from(r.chance)),
            far = far,
            ratio = crate::i18n::sci(f64::from(ratio), 1)
        )
    }

    fn ui_plots(&mut self, ui: &mut egui::Ui) {
        let h = ((ui.available_height() - 60.0) / 3.0).max(80.0);
        ui.label(crate::t!("lab-plot-loss"));
        // Before the first epoch the axes already span the run ahead (epochs,
        // distances, updates), so the plots never sit at −0.5..0.5.
        let waiting = self.reports.is_empty();
        let epochs = self.max_epochs.max(1) as f64;
        let updates = epochs * self.config.updates_per_epoch.max(1) as f64;
        let hint = |plot: &mut egui_plot::PlotUi<'_>, x: f64, y: f64| {
            if waiting {
                plot.text(egui_plot::Text::new(
                    "",
                    egui_plot::PlotPoint::new(x, y),
                    crate::t!("lab-press-start-plot"),
                ));
            }
        };
        Plot::new("lab_loss")
            .height(h)
            .legend(Legend::default())
            .include_x(1.0)
            .include_x(epochs)
            .include_y(0.0)
            .include_y(1.0)
            .allow_scroll(false)
            .show(ui, |plot| {
                hint(plot, (1.0 + epochs) / 2.0, 0.5);
                let points = |f: fn(&EpochReport) -> f32| -> PlotPoints<'static> {
                    self.reports
                        .iter()
                        .map(|r| [r.epoch as f64, f(r) as f64])
                        .collect()
                };
                plot.line(Line::new(crate::t!("lab-loss"), points(|r| r.loss)));
                plot.line(Line::new(crate::t!("lab-accuracy"), points(|r| r.accuracy)));
                if let Some(r) = self.reports.first() {
                    plot.hline(HLine::new(crate::t!("lab-chance"), r.chance));
                }
            });
        ui.label(crate::t!("lab-plot-profile"))
            .on_hover_text(crate::t!("lab-plot-profile-tip"));
        let k = self.config.k.max(1) as f64;
        Plot::new("lab_profile")
            .height(h)
            .legend(Legend::default())
            .include_x(0.0)
            .include_x(k)
            .include_y(-6.0)
            .include_y(0.0)
            .allow_scroll(false)
            .y_axis_formatter(|mark, _| format!("1e{:.0}", mark.value))
            .show(ui, |plot| {
                hint(plot, k / 2.0, -3.0);
                let profile = |r: &EpochReport| -> PlotPoints<'static> {
                    // Zeros (beyond a truncation window) have no logarithm.
                    r.dj_dh_by_distance
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| **v > 0.0)
                        .map(|(d, v)| [d as f64, (*v as f64).log10()])
                        .collect()
                };
                if let Some(r) = self.reports.first() {
                    plot.line(Line::new(crate::t!("lab-epoch", n = 1), profile(r)));
                }
                if let Some(r) = self.reports.last().filter(|r| r.epoch > 1) {
                    plot.line(Line::new(crate::t!("lab-epoch", n = r.epoch), profile(r)));
                }
            });
        ui.label(crate::t!("lab-plot-clip"))
            .on_hover_text(crate::t!("lab-plot-clip-tip"));
        Plot::new("lab_clip")
            .height(h)
            .legend(Legend::default())
            .include_x(1.0)
            .include_x(updates)
            .include_y(-2.0)
            .include_y(2.0)
            .allow_scroll(false)
            .y_axis_formatter(|mark, _| format!("1e{:.0}", mark.value))
            .show(ui, |plot| {
                hint(plot, (1.0 + updates) / 2.0, 0.0);
                let norms = |f: fn(&EpochReport) -> &Vec<f32>| -> PlotPoints<'static> {
                    self.reports
                        .iter()
                        .flat_map(f)
                        .enumerate()
                        .filter(|(_, v)| **v > 0.0)
                        .map(|(u, v)| [(u + 1) as f64, (*v as f64).log10()])
                        .collect()
                };
                if self.clip_on && self.state != LabState::Idle {
                    plot.hline(HLine::new("tau", (self.clip_tau as f64).log10()));
                }
                plot.line(Line::new(
                    crate::t!("lab-before"),
                    norms(|r| &r.grad_norm_before_clip),
                ));
                plot.line(Line::new(
                    crate::t!("lab-after"),
                    norms(|r| &r.grad_norm_after_clip),
                ));
            });
    }
}

/// The controls' column: 250 px, or wider when a slider's name in the
/// current language needs it (a slider row is the slider, its value and its
/// name on one line), so no name is cut off.
fn controls_width(ui: &egui::Ui) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let colour = ui.visuals().text_color();
    // The slider and the value's box with its gaps (measured: the English
    // "learning rate" row just fits the 250 px column).
    let fixed = ui.spacing().slider_width + 72.0;
    [
        crate::t!("lab-k-recall"),
        crate::t!("lab-k-charlm"),
        crate::t!("lab-steps"),
        crate::t!("lab-lr"),
        crate::t!("lab-temperature"),
    ]
    .into_iter()
    .map(|name| {
        fixed
            + ui.painter()
                .layout_no_wrap(name, font.clone(), colour)
                .size()
                .x
    })
    // Past 250 px, a little slack so the longest name does not touch the edge.
    .fold(250.0, |w, need| if need > w { need + 12.0 } else { w })
}

/// Why a setting was refused, in the current language (the library's
/// English message stays for the CLI).
fn lab_error(e: &crate::nn::lab::LabError) -> String {
    use crate::nn::lab::LabError as E;
    use crate::t;
    match e {
        E::Zero(what) => t!("lab-error-zero", what = *what),
        E::TooFewSymbols(n) => t!("lab-error-symbols", n = *n),
        E::BadLearningRate(lr) => t!(
            "lab-error-lr",
            value = crate::i18n::localize(lr.to_string())
        ),
        E::BadClip(tau) => t!(
            "lab-error-clip",
            value = crate::i18n::localize(tau.to_string())
        ),
        E::TextTooPlain(chars) => t!("lab-error-text", chars = format!("{chars:?}")),
    }
}

fn lab_command(job: LabJob) -> Command {
    Command::Work(Job::Lab(job))
}
