//! The Lab tab: the gradient lab, trained live.
//!
//! The user picks a model (Elman, Jordan, LSTM), a task (recall the symbol
//! seen k steps ago, or a character language model), full or truncated BPTT,
//! clipping, the optimizer and the learning rate, and presses Start. A
//! **lab thread** (its own, so a run never delays the worker's photo
//! loading) owns the [`LabSession`], runs one epoch at a time and streams
//! each [`EpochReport`] back over a channel, waking the UI with
//! `request_repaint`. Pause stops it between epochs; Reset drops the thread
//! and the curves. The plots: loss and accuracy per epoch; ‖∂J/∂h_{t-d}‖
//! against the distance d (log scale) for the first and the latest epoch;
//! the gradient norm before and after clipping at every update (log scale).

use crate::nn::lab::{EpochReport, LabConfig, LabSession, ModelKind, Optimizer, TaskKind};
use crate::nn::tasks::LECTURE_TEXT;
use egui_plot::{HLine, Legend, Line, Plot, PlotPoints};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

/// Where a lab run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabState {
    /// No session: the settings can be changed.
    Idle,
    /// The lab thread is training.
    Running,
    /// Stopped between epochs; Start goes on where it stopped.
    Paused,
    /// The epoch budget is used up.
    Finished,
}

/// What the UI asks of the lab thread.
enum Control {
    Run,
    Pause,
    /// Sample `len` characters at `temperature` (charlm only).
    Sample {
        temperature: f32,
        len: usize,
    },
}

/// What the lab thread sends back.
enum Event {
    Epoch(Box<EpochReport>),
    Finished,
    Sample(String),
}

/// The handle of a running lab thread. Dropping it closes the channel and
/// the thread ends after its current epoch (it is never joined, so the UI
/// never waits).
struct Runner {
    control: Sender<Control>,
    events: Receiver<Event>,
}

impl Runner {
    fn spawn(session: LabSession, max_epochs: usize, ctx: egui::Context) -> Self {
        let (control, control_rx) = channel();
        let (events_tx, events) = channel();
        std::thread::Builder::new()
            .name("rnn-studio lab".into())
            .spawn(move || lab_thread(session, max_epochs, &control_rx, &events_tx, &ctx))
            .expect("cannot start the lab thread");
        Self { control, events }
    }
}

/// The lab thread: waits for Run, then trains an epoch at a time, checking
/// for Pause between epochs, until `max_epochs` or the UI hangs up.
fn lab_thread(
    mut session: LabSession,
    max_epochs: usize,
    control: &Receiver<Control>,
    events: &Sender<Event>,
    ctx: &egui::Context,
) {
    let mut running = false;
    loop {
        let message = if running {
            match control.try_recv() {
                Ok(m) => Some(m),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match control.recv() {
                Ok(m) => Some(m),
                Err(_) => return, // the tab was reset or closed
            }
        };
        match message {
            Some(Control::Run) => running = session.epochs() < max_epochs,
            Some(Control::Pause) => running = false,
            Some(Control::Sample { temperature, len }) => {
                let seed = session.epochs() as u64;
                if let Some(text) = session.sample(temperature, len, seed) {
                    let _ = events.send(Event::Sample(text));
                    ctx.request_repaint();
                }
            }
            None => {}
        }
        if !running {
            continue;
        }
        let report = session.epoch();
        if events.send(Event::Epoch(Box::new(report))).is_err() {
            return;
        }
        if session.epochs() >= max_epochs {
            running = false;
            let _ = events.send(Event::Finished);
        }
        ctx.request_repaint();
    }
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
    runner: Option<Runner>,
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
            runner: None,
        }
    }
}

impl LabTab {
    /// One frame of the tab.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.poll();
        egui::Panel::left("lab_controls")
            .resizable(false)
            .exact_size(250.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.ui_controls(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| self.ui_plots(ui));
    }

    /// Takes the lab thread's reports.
    fn poll(&mut self) {
        let Some(runner) = &self.runner else {
            return;
        };
        loop {
            match runner.events.try_recv() {
                Ok(Event::Epoch(r)) => self.reports.push(*r),
                Ok(Event::Finished) => self.state = LabState::Finished,
                Ok(Event::Sample(s)) => self.sample = Some(s),
                Err(_) => break,
            }
        }
    }

    /// Starts a new session, or resumes a paused one.
    pub fn start(&mut self, ctx: &egui::Context) {
        if self.runner.is_none() {
            let cfg = self.next_config();
            match LabSession::new(&cfg) {
                Ok(session) => {
                    self.error = None;
                    self.reports.clear();
                    self.sample = None;
                    self.runner = Some(Runner::spawn(session, self.max_epochs, ctx.clone()));
                }
                Err(e) => {
                    self.error = Some(e.to_string());
                    return;
                }
            }
        }
        if let Some(r) = &self.runner {
            let _ = r.control.send(Control::Run);
            self.state = LabState::Running;
        }
    }

    /// Stops training between epochs.
    pub fn pause(&mut self) {
        if let Some(r) = &self.runner {
            let _ = r.control.send(Control::Pause);
            self.state = LabState::Paused;
        }
    }

    /// Ends the session and clears the curves.
    pub fn reset(&mut self) {
        self.runner = None;
        self.reports.clear();
        self.sample = None;
        self.state = LabState::Idle;
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

    fn ui_controls(&mut self, ui: &mut egui::Ui) {
        ui.heading("Gradient lab");
        let idle = self.state == LabState::Idle;
        ui.add_enabled_ui(idle, |ui| self.ui_settings(ui));
        ui.separator();
        ui.horizontal(|ui| {
            let ctx = ui.ctx().clone();
            let can_start = matches!(self.state, LabState::Idle | LabState::Paused);
            if ui
                .add_enabled(can_start, egui::Button::new("Start"))
                .clicked()
            {
                self.start(&ctx);
            }
            let running = self.state == LabState::Running;
            if ui
                .add_enabled(running, egui::Button::new("Pause"))
                .clicked()
            {
                self.pause();
            }
            if ui.add_enabled(!idle, egui::Button::new("Reset")).clicked() {
                self.reset();
            }
            if running {
                ui.spinner();
            }
        });
        ui.label(self.status_line());
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        if self.config.task == TaskKind::Charlm {
            self.ui_sampling(ui);
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
        if self.config.task == TaskKind::Charlm {
            let label = ui.label("Text to model");
            ui.add(
                egui::TextEdit::multiline(&mut self.text)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        }
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

    fn ui_sampling(&mut self, ui: &mut egui::Ui) {
        ui.separator();
        ui.add(egui::Slider::new(&mut self.temperature, 0.0..=2.0).text("temperature"));
        let can_sample = self.runner.is_some() && !self.reports.is_empty();
        if ui
            .add_enabled(can_sample, egui::Button::new("Sample text"))
            .clicked()
            && let Some(r) = &self.runner
        {
            let _ = r.control.send(Control::Sample {
                temperature: self.temperature,
                len: 120,
            });
        }
        if let Some(s) = &self.sample {
            ui.add(egui::Label::new(egui::RichText::new(s).monospace()).wrap());
        }
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
        Plot::new("lab_loss")
            .height(h)
            .legend(Legend::default())
            .include_y(0.0)
            .include_y(1.0)
            .allow_scroll(false)
            .show(ui, |plot| {
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
        Plot::new("lab_profile")
            .height(h)
            .legend(Legend::default())
            .allow_scroll(false)
            .y_axis_formatter(|mark, _| format!("1e{:.0}", mark.value))
            .show(ui, |plot| {
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
            .allow_scroll(false)
            .y_axis_formatter(|mark, _| format!("1e{:.0}", mark.value))
            .show(ui, |plot| {
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
