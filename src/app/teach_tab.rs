//! The Teach tab: name a class, draw examples of it on the canvas (each
//! added with a button or Ctrl+Enter and shown as a thumbnail that can be
//! removed), Learn (on the worker, with a live loss curve and each example's
//! fit), and see the drawing on the canvas guessed with the taught classes.
//! Rename, delete, export and import manage the pack; the worker keeps it on
//! disk ([`teach_worker`](super::teach_worker)).

use super::canvas::Canvas;
use super::files::Purpose;
use super::teach_worker::{PackView, TeachEvent, TeachJob};
use super::worker::Job;
use super::{Command, Tab};
use crate::i18n::{self, class_name};
use crate::sketch::drawing::Drawing;
use crate::sketch::recognizer::Guess;
use crate::sketch::teach::LearnProgress;
use egui::{Key, KeyboardShortcut, Modifiers, Pos2, Sense, Stroke, Vec2};
use egui_plot::{Line, Plot, PlotPoints};

/// Adds the canvas as an example.
pub const ADD_EXAMPLE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
const THUMB: f32 = 56.0;

/// View state of the Teach tab.
#[derive(Default)]
pub struct TeachTab {
    pub canvas: Canvas,
    /// The class the next example goes to.
    pub name: String,
    /// The new name typed for the selected class.
    pub rename_to: String,
    pub pack: PackView,
    /// Learning is under way on the worker.
    pub learning: bool,
    /// Embedded variants (done, total) while learning.
    pub embedding: Option<(usize, usize)>,
    /// The loss after each fit step, live.
    pub losses: Vec<f32>,
    /// Per class (pack order), per example: p of its own class after the last learn.
    pub fit: Vec<Vec<f32>>,
    /// The guess of the canvas drawing, taught classes included.
    pub guess: Option<Guess>,
    /// The last error or note, shown in the tab.
    pub message: Option<String>,
    generation: u64,
    guessed_revision: u64,
    guess_in_flight: bool,
}

impl Tab for TeachTab {
    fn title(&self) -> String {
        crate::t!("tab-teach")
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        if ui.input_mut(|i| i.consume_shortcut(&ADD_EXAMPLE)) {
            commands.extend(self.add_example());
        }
        commands.extend(self.request_guess());
        egui::Panel::right("teach_side")
            .resizable(false)
            .default_size(320.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.side(ui, &mut commands));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label(crate::t!("teach-class"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.name)
                        .char_limit(crate::sketch::teach::pack::MAX_NAME)
                        .hint_text(crate::t!("teach-class-hint"))
                        .desired_width(160.0),
                )
                .labelled_by(label.id);
                let can_add = !self.name.trim().is_empty() && !self.canvas.drawing().is_empty();
                if ui
                    .add_enabled(can_add, egui::Button::new(crate::t!("teach-add")))
                    .on_hover_text(crate::t!("teach-add-hint"))
                    .clicked()
                {
                    commands.extend(self.add_example());
                }
                if ui.button(crate::t!("teach-clear")).clicked() {
                    self.canvas.clear();
                }
            });
            self.canvas.ui(ui, super::sketch_tab::MIN_CANVAS);
        });
        commands
    }
}

impl TeachTab {
    /// The job that opens the pack (sent once at start).
    pub fn open(dir: Option<std::path::PathBuf>) -> Command {
        Command::Work(Job::Teach(TeachJob::Open(dir)))
    }

    /// The canvas becomes an example of the named class, and is cleared.
    fn add_example(&mut self) -> Option<Command> {
        let name = self.name.trim().to_string();
        let drawing = self.canvas.drawing().clone();
        if name.is_empty() || drawing.is_empty() {
            return None;
        }
        self.canvas.clear();
        Some(Command::Work(Job::Teach(TeachJob::Add { name, drawing })))
    }

    /// Whether [`TeachTab::guess`] is the guess of the drawing now on the canvas.
    pub fn guess_is_current(&self) -> bool {
        !self.guess_in_flight && self.guessed_revision == self.canvas.revision()
    }

    fn request_guess(&mut self) -> Option<Command> {
        let rev = self.canvas.revision();
        if self.guess_in_flight || rev == self.guessed_revision {
            return None;
        }
        self.guessed_revision = rev;
        if self.canvas.drawing().is_empty() {
            self.guess = None;
            return None;
        }
        self.guess_in_flight = true;
        self.generation += 1;
        Some(Command::Work(Job::Teach(TeachJob::Guess {
            generation: self.generation,
            drawing: self.canvas.drawing().clone(),
        })))
    }

    /// Takes an event from the worker.
    pub fn receive(&mut self, event: TeachEvent) {
        match event {
            TeachEvent::Pack(Ok(view)) => {
                if view.classes.len() != self.pack.classes.len() {
                    self.fit.clear();
                }
                self.pack = view;
                // The pack changed: guess again.
                self.guessed_revision = u64::MAX;
            }
            TeachEvent::Pack(Err(e)) => self.message = Some(e),
            TeachEvent::Progress(LearnProgress::Embedding { done, total }) => {
                if !self.learning {
                    // A learn asked for elsewhere ("No, it's a …").
                    self.learning = true;
                    self.losses.clear();
                }
                self.embedding = Some((done, total));
            }
            TeachEvent::Progress(LearnProgress::Step { loss, .. }) => {
                self.embedding = None;
                self.losses.push(loss);
            }
            TeachEvent::Learnt(r) => {
                self.learning = false;
                self.embedding = None;
                match r {
                    Ok((losses, fit)) => {
                        self.losses = losses;
                        self.fit = fit;
                        self.message = None;
                    }
                    Err(e) => self.message = Some(e),
                }
            }
            TeachEvent::Done(note) => self.message = Some(note),
            TeachEvent::Guess { generation, result } => {
                if generation == self.generation {
                    self.guess_in_flight = false;
                    match result {
                        Ok(g) => self.guess = Some(g),
                        Err(e) => self.message = Some(e),
                    }
                }
            }
        }
    }

    fn side(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        self.guesses(ui);
        ui.separator();
        ui.horizontal(|ui| {
            let can = !self.learning && !self.pack.classes.is_empty();
            if ui
                .add_enabled(can, egui::Button::new(crate::t!("teach-learn")))
                .clicked()
            {
                self.learning = true;
                self.losses.clear();
                commands.push(Command::Work(Job::Teach(TeachJob::Learn)));
            }
            if self.learning {
                ui.spinner();
            }
            // Nothing taught yet: nothing to call learnt (the list below says so).
            if !self.pack.classes.is_empty() {
                ui.label(if self.pack.learnt {
                    crate::t!("teach-learnt")
                } else {
                    crate::t!("teach-not-learnt")
                });
            }
        });
        if let Some((done, total)) = self.embedding {
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32).text(crate::t!(
                    "teach-embedding",
                    done = done,
                    total = total
                )),
            );
        }
        self.loss_plot(ui);
        if let Some(m) = &self.message {
            ui.colored_label(ui.visuals().warn_fg_color, m);
        }
        ui.separator();
        self.classes(ui, commands);
        ui.horizontal(|ui| {
            let has = !self.pack.classes.is_empty() && !self.learning;
            if ui
                .add_enabled(has, egui::Button::new(crate::t!("teach-export")))
                .on_hover_text(crate::t!("teach-export-hint"))
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::ExportPack));
            }
            // With taught classes off there is no pack to import into.
            let can_import = !self.learning && self.pack.dir.is_some();
            if ui
                .add_enabled(can_import, egui::Button::new(crate::t!("teach-import")))
                .on_hover_text(crate::t!("teach-import-hint"))
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::ImportPack));
            }
        });
        ui.separator();
        if let Some(dir) = &self.pack.dir {
            ui.small(crate::t!("teach-folder", path = dir.display().to_string()));
        } else {
            ui.small(crate::t!("teach-off"));
        }
    }

    fn guesses(&self, ui: &mut egui::Ui) {
        ui.heading(crate::t!("teach-guess"));
        match &self.guess {
            None => {
                ui.label(crate::t!("teach-draw-hint"));
            }
            Some(g) => {
                for (c, p) in g.top_k(3) {
                    ui.label(format!("{}  {}", class_name(c), i18n::pct(*p as f64)));
                }
            }
        }
    }

    fn loss_plot(&self, ui: &mut egui::Ui) {
        if self.losses.is_empty() {
            return;
        }
        let pts: PlotPoints = self
            .losses
            .iter()
            .enumerate()
            .map(|(i, &l)| [i as f64, l as f64])
            .collect();
        Plot::new("teach_loss")
            .height(110.0)
            .include_y(0.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show(ui, |plot| {
                plot.line(Line::new(crate::t!("teach-loss"), pts))
            });
    }

    fn classes(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        if self.pack.classes.is_empty() {
            ui.label(crate::t!("teach-no-classes"));
            return;
        }
        let classes = self.pack.classes.clone();
        for (ci, (name, examples)) in classes.iter().enumerate() {
            let selected = self.name.trim() == name;
            let header = crate::t!("teach-class-count", name = name, n = examples.len());
            if ui.selectable_label(selected, header).clicked() {
                self.name = name.clone();
                self.rename_to = name.clone();
            }
            ui.horizontal_wrapped(|ui| {
                for (i, d) in examples.iter().enumerate() {
                    let fit = self.fit.get(ci).and_then(|f| f.get(i)).copied();
                    ui.vertical(|ui| {
                        thumbnail(ui, d);
                        ui.horizontal(|ui| {
                            if let Some(p) = fit {
                                ui.small(i18n::pct(p as f64));
                            }
                            if ui
                                .small_button("×")
                                .on_hover_text(crate::t!("teach-remove"))
                                .clicked()
                            {
                                commands.push(Command::Work(Job::Teach(TeachJob::RemoveExample {
                                    name: name.clone(),
                                    index: i,
                                })));
                            }
                        });
                    });
                }
            });
            if selected {
                if self.rename_to.is_empty() {
                    self.rename_to.clone_from(name);
                }
                ui.horizontal(|ui| {
                    let field = ui.add(
                        egui::TextEdit::singleline(&mut self.rename_to)
                            .char_limit(crate::sketch::teach::pack::MAX_NAME)
                            .desired_width(120.0),
                    );
                    let new = self.rename_to.trim().to_string();
                    let rename = ui.add_enabled(
                        !new.is_empty() && new != *name,
                        egui::Button::new(crate::t!("teach-rename")),
                    );
                    field.labelled_by(rename.id);
                    if rename.clicked() {
                        commands.push(Command::Work(Job::Teach(TeachJob::Rename {
                            old: name.clone(),
                            new: new.clone(),
                        })));
                        self.name = new;
                    }
                    if ui.button(crate::t!("teach-delete")).clicked() {
                        commands.push(Command::Work(Job::Teach(TeachJob::Delete {
                            name: name.clone(),
                        })));
                    }
                });
            }
        }
    }
}

/// "No, it's a …" under the Sketch tab's guesses: type (or pick from the
/// guesses) what the drawing really is; it becomes an example of that class
/// and the pack learns again.
#[must_use]
pub fn correction(
    ui: &mut egui::Ui,
    name: &mut String,
    drawing: &Drawing,
    guess: Option<&Guess>,
) -> Vec<Command> {
    let mut commands = Vec::new();
    // Only under a guess: there is nothing to correct before. It sits
    // last in the panel, so nothing moves when it appears.
    let Some(guess) = guess.filter(|_| !drawing.is_empty()) else {
        return commands;
    };
    ui.scope(|ui| {
        ui.horizontal(|ui| {
            let label = ui.label(crate::t!("teach-correct"));
            egui::ComboBox::from_id_salt("teach_correct_pick")
                .selected_text(crate::t!("teach-correct-pick"))
                .show_ui(ui, |ui| {
                    for (c, _) in guess.top_k(10) {
                        if ui.selectable_label(*name == *c, class_name(c)).clicked() {
                            name.clone_from(c);
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let field = ui.add(
                egui::TextEdit::singleline(name)
                    .char_limit(crate::sketch::teach::pack::MAX_NAME)
                    .hint_text(crate::t!("teach-class-hint"))
                    .desired_width(130.0),
            );
            let go = ui.add_enabled(
                !name.trim().is_empty(),
                egui::Button::new(crate::t!("teach-correct-learn")),
            );
            field.labelled_by(go.id);
            if go.clicked() {
                commands.push(Command::Work(Job::Teach(TeachJob::Add {
                    name: name.trim().to_string(),
                    drawing: drawing.clone(),
                })));
                commands.push(Command::Work(Job::Teach(TeachJob::Learn)));
                name.clear();
            }
        });
    });
    commands
}

/// A drawing drawn small, fitted to its box.
fn thumbnail(ui: &mut egui::Ui, d: &Drawing) {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(THUMB), Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Image, true, crate::t!("teach-example"))
    });
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let pts = d.strokes.iter().flat_map(|s| s.points.iter());
    let (mut lo, mut hi) = (Pos2::new(f32::MAX, f32::MAX), Pos2::new(f32::MIN, f32::MIN));
    for p in pts {
        lo = lo.min(Pos2::new(p.x, p.y));
        hi = hi.max(Pos2::new(p.x, p.y));
    }
    let side = (hi.x - lo.x).max(hi.y - lo.y).max(1.0);
    let inner = rect.shrink(5.0);
    let map = |x: f32, y: f32| {
        Pos2::new(
            inner.left() + (x - lo.x) / side * inner.width(),
            inner.top() + (y - lo.y) / side * inner.height(),
        )
    };
    let stroke = Stroke::new(1.2, ui.visuals().text_color());
    for s in &d.strokes {
        let line: Vec<Pos2> = s.points.iter().map(|p| map(p.x, p.y)).collect();
        painter.add(egui::Shape::line(line, stroke));
    }
}
