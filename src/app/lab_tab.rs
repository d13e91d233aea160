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
    fn title(&self) -> &'static str {
        "Lab"
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::Panel::left("lab_controls")
            .resizable(false)
            .exact_size(250.0)
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
                    self.error = Some(e.to_string());
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
        ui.heading("Gradient lab");
        let idle = self.state == LabState::Idle;
        ui.add_enabled_ui(idle, |ui| self.ui_settings(ui));
        ui.separator();
        ui.horizontal(|ui| {
            let can_start = matches!(self.state, LabState::Idle | LabState::Paused);
            if ui
                .add_enabled(can_start, egui::Button::new("Start"))
                .clicked()
            {
                commands.extend(self.start());
            }
            let running = self.state == LabState::Running;
            if ui
                .add_enabled(running, egui::Button::new("Pause"))
                .clicked()
            {
                commands.extend(self.pause());
            }
            if ui.add_enabled(!idle, egui::Button::new("Reset")).clicked() {
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
            let label = ui.label("Text to model");
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
        ui.label("Model (hidden size H)");
        ui.horizontal(|ui| {
            for m in ModelKind::ALL {
                let name = match m {
                    ModelKind::Elman => "Elman",
                    ModelKind::Jordan => "Jordan",
                    ModelKind::Lstm => "LSTM",
                };
                ui.selectable_value(&mut self.config.model, m, name);
            }
        });
        ui.add(egui::Slider::new(&mut self.config.hidden, 4..=128).text("H"));
        ui.label("Task");
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.config.task, TaskKind::Recall, "Recall");
            ui.selectable_value(&mut self.config.task, TaskKind::Charlm, "Characters");
        });
        let k_name = match self.config.task {
            TaskKind::Recall => "k (steps back)",
            TaskKind::Charlm => "k (window)",
        };
        ui.add(egui::Slider::new(&mut self.config.k, 1..=100).text(k_name));
        ui.separator();
        ui.checkbox(&mut self.truncate_on, "Truncated BPTT");
        ui.add_enabled(
            self.truncate_on,
            egui::Slider::new(&mut self.truncate_k, 1..=100).text("steps"),
        );
        ui.checkbox(&mut self.clip_on, "Clip gradient norm");
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
                .text("learning rate"),
        );
        ui.horizontal(|ui| {
            let label = ui.label("seed");
            ui.add(egui::DragValue::new(&mut self.config.seed))
                .labelled_by(label.id);
            let label = ui.label("epochs");
            ui.add(egui::DragValue::new(&mut self.max_epochs).range(1..=1000))
                .labelled_by(label.id);
        });
    }

    fn ui_sampling(&mut self, ui: &mut egui::Ui) -> Option<Command> {
        ui.separator();
        ui.add(egui::Slider::new(&mut self.temperature, 0.0..=2.0).text("temperature"));
        let can_sample = self.session.is_some() && !self.reports.is_empty();
        let command = ui
            .add_enabled(can_sample, egui::Button::new("Sample text"))
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
                LabState::Idle => "Press Start to train.".into(),
                _ => "Training the first epoch...".into(),
            };
        };
        let p = &r.dj_dh_by_distance;
        let far = p.len() - 1;
        format!(
            "epoch {} ({} updates): loss {:.3}, accuracy {:.1}% (chance {:.0}%), |dJ/dh| at d={far} is {:.1e} of d=0",
            r.epoch,
            r.updates,
            r.loss,
            100.0 * r.accuracy,
            100.0 * r.chance,
            if p[0] > 0.0 { p[far] / p[0] } else { 0.0 },
        )
    }

    fn ui_plots(&mut self, ui: &mut egui::Ui) {
        let h = ((ui.available_height() - 60.0) / 3.0).max(80.0);
        ui.label("Loss and accuracy per epoch");
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
                    "Press Start to train",
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
                plot.line(Line::new("loss", points(|r| r.loss)));
                plot.line(Line::new("accuracy", points(|r| r.accuracy)));
                if let Some(r) = self.reports.first() {
                    plot.hline(HLine::new("chance", r.chance));
                }
            });
        ui.label("log10 |dJ/dh(t-d)| against the distance d");
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
                    plot.line(Line::new("epoch 1", profile(r)));
                }
                if let Some(r) = self.reports.last().filter(|r| r.epoch > 1) {
                    plot.line(Line::new(format!("epoch {}", r.epoch), profile(r)));
                }
            });
        ui.label("log10 gradient norm per update, before and after clipping");
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
                plot.line(Line::new("before", norms(|r| &r.grad_norm_before_clip)));
                plot.line(Line::new("after", norms(|r| &r.grad_norm_after_clip)));
            });
    }
}

fn lab_command(job: LabJob) -> Command {
    Command::Work(Job::Lab(job))
}
