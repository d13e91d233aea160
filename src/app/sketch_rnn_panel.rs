//! "Draw it for me" and "Finish my doodle": sketch-rnn draws on the canvas,
//! stroke by stroke; and the controls of the multi-predict grid
//! ([`StudioGrid`]) shown under the canvas.
//!
//! The **seed** field shows the seed the next drawing will use (then it
//! steps on by one, or by the grid's size for a grid); what was drawn last is
//! shown as "seed S, τ T", so anyone can redraw it (`rnn-studio draw CLASS
//! --seed S --temperature T`, for a drawing from nothing).
//!
//! The worker samples the whole drawing at once (tens of milliseconds); the
//! **animation** then reveals it here a few points per frame, so the UI
//! stays free and Stop simply stops revealing. A new drawing replaces the
//! canvas; a continuation goes into the canvas' overlay, in another colour,
//! and Undo removes it.

use super::Command;
use super::canvas::{Canvas, fit_to_canvas};
use super::studio_grid::{ExportTarget, GridAction, GridMode, StudioGrid};
use super::worker::{Job, SketchJob, Sketched};
use crate::sketch::sketch_rnn::GRID_SIZES;
use crate::sketch::{Drawing, Stroke};
use crate::t;

/// Points revealed per second while animating.
const POINTS_PER_SECOND: f64 = 90.0;

/// A drawing being revealed.
struct Animation {
    /// The strokes to reveal, canvas units.
    strokes: Vec<Stroke>,
    /// True: they go to the overlay (a continuation); false: they are the drawing.
    overlay: bool,
    started: f64,
}

impl Animation {
    fn total_points(&self) -> usize {
        self.strokes.iter().map(|s| s.points.len()).sum()
    }

    /// The first `n` points, as strokes.
    fn prefix(&self, n: usize) -> Vec<Stroke> {
        crate::sketch::drawing::prefix(&self.strokes, n)
    }
}

/// The sketch-rnn controls and the animation state.
pub struct SketchRnnPanel {
    /// The classes with a generator; empty when the models are missing.
    pub classes: Vec<String>,
    /// Why there are no classes, when there are none.
    pub missing: Option<String>,
    pub class: usize,
    pub temperature: f32,
    /// The generation of the request in flight, if any.
    pub pending: Option<u64>,
    pub error: Option<String>,
    animation: Option<Animation>,
    next_generation: u64,
    /// The seed of the next drawing (or of the grid's first tile).
    pub seed: u64,
    /// The seed and τ of the drawing last asked for.
    pub last: Option<(u64, f32)>,
    /// The text typed to find a class in the list.
    pub class_filter: String,
    /// The multi-predict grid under the canvas.
    pub grid: StudioGrid,
    /// "Predict as I draw": after each pen-up, a faint continuation.
    pub predict: bool,
    /// The faint continuation on offer (canvas units) and the canvas
    /// revision it continues.
    pub ghost: Option<(Vec<Stroke>, u64)>,
    /// The request for a ghost in flight, and the revision it is for.
    ghost_pending: Option<(u64, u64)>,
}

impl Default for SketchRnnPanel {
    fn default() -> Self {
        let (classes, missing) = match crate::weights::root_for(crate::weights::SKETCH_RNN)
            .map_err(|e| e.to_string())
            .and_then(|root| {
                crate::sketch::sketch_rnn::list_classes(&root).map_err(|e| e.to_string())
            }) {
            Ok(classes) => (classes, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        Self {
            classes,
            missing,
            class: 0,
            temperature: crate::sketch::sketch_rnn::DEFAULT_TEMPERATURE,
            pending: None,
            error: None,
            animation: None,
            next_generation: 0,
            // The seed is shown and editable, and steps on with every
            // drawing; starting from the same one makes a session's drawings
            // reproducible (and the app's screenshots stable).
            seed: 1,
            last: None,
            class_filter: String::new(),
            grid: StudioGrid::default(),
            predict: false,
            ghost: None,
            ghost_pending: None,
        }
    }
}

impl SketchRnnPanel {
    /// True while a drawing is requested or being revealed.
    pub fn is_busy(&self) -> bool {
        self.pending.is_some() || self.animation.is_some()
    }

    /// Stops requesting and revealing; what is on the canvas stays.
    pub fn stop(&mut self) {
        self.pending = None;
        self.animation = None;
    }

    fn request(&mut self, continue_from: Option<Drawing>) -> Command {
        self.next_generation += 1;
        self.pending = Some(self.next_generation);
        self.error = None;
        self.animation = None;
        self.last = Some((self.seed, self.temperature));
        let seed = self.seed;
        self.seed = self.seed.wrapping_add(1);
        Command::Work(Job::Sketch(SketchJob {
            generation: self.next_generation,
            class: self.classes[self.class].clone(),
            temperature: self.temperature,
            seed,
            continue_from,
        }))
    }

    /// Asks for the multi-predict grid of the chosen class(es), continuing
    /// `user` when it has strokes.
    pub fn request_grid(&mut self, user: &Drawing) -> Command {
        let tiles = self
            .grid
            .specs(&self.classes, self.class, self.seed, self.temperature);
        self.last = Some((self.seed, self.temperature));
        let step = match self.grid.mode {
            GridMode::Classes => 1,
            GridMode::Seeds { .. } => tiles.len() as u64,
        };
        self.seed = self.seed.wrapping_add(step);
        self.grid.request(tiles, user)
    }

    /// Chooses class `k`; an open grid is redrawn for it at once (which
    /// cancels the one being drawn).
    pub fn choose_class(&mut self, k: usize, user: &Drawing) -> Option<Command> {
        if k >= self.classes.len() || k == self.class {
            return None;
        }
        self.class = k;
        if self.grid.open {
            // The same seeds for the new class: the doodle "as a cat", "as a truck".
            if let Some((seed, _)) = self.last {
                self.seed = seed;
            }
            return Some(self.request_grid(user));
        }
        None
    }

    /// Takes the worker's drawing and starts revealing it.
    pub fn receive(
        &mut self,
        canvas: &mut Canvas,
        now: f64,
        generation: u64,
        result: Result<Sketched, String>,
    ) {
        if let Some((g, revision)) = self.ghost_pending
            && g == generation
        {
            self.ghost_pending = None;
            // Offered only while the drawing is still the one it continues.
            if let Ok(s) = result
                && revision == canvas.revision()
            {
                self.ghost = Some((s.strokes, revision));
            }
            return;
        }
        if self.pending != Some(generation) {
            return; // stopped, or superseded by a newer request
        }
        self.pending = None;
        match result {
            Ok(s) if s.continuation => {
                // In the user's own coordinates: the user's strokes are never
                // moved or scaled. What runs past the canvas's edge is clipped
                // when painted (and still counts for the guess).
                canvas.overlay.clear();
                self.animation = Some(Animation {
                    strokes: s.strokes,
                    overlay: true,
                    started: now,
                });
            }
            Ok(s) => {
                let fitted = fit_to_canvas(&Drawing {
                    strokes: s.strokes,
                    ..Default::default()
                });
                canvas.clear();
                self.animation = Some(Animation {
                    strokes: fitted.strokes,
                    overlay: false,
                    started: now,
                });
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// "Predict as I draw": asks for a continuation of the drawing after a
    /// pen-up (once per drawing revision), and drops the one on offer as
    /// soon as the drawing changes (the user draws on).
    fn predict_as_you_draw(&mut self, canvas: &Canvas) -> Option<Command> {
        let revision = canvas.revision();
        if self.ghost.as_ref().is_some_and(|(_, r)| *r != revision) || canvas.recorder.is_pen_down()
        {
            self.ghost = None;
        }
        let asked = self.ghost_pending.map(|(_, r)| r) == Some(revision)
            || self.ghost.as_ref().is_some_and(|(_, r)| *r == revision);
        let idle = !canvas.recorder.is_pen_down() && !self.is_busy() && canvas.overlay.is_empty();
        if !self.predict || asked || !idle || canvas.drawing().is_empty() {
            return None;
        }
        self.next_generation += 1;
        self.ghost_pending = Some((self.next_generation, revision));
        Some(Command::Work(Job::Sketch(SketchJob {
            generation: self.next_generation,
            class: self.classes[self.class].clone(),
            temperature: self.temperature,
            seed: self.seed,
            continue_from: Some(canvas.drawing().clone()),
        })))
    }

    /// Takes the faint continuation onto the canvas (Tab): it becomes the
    /// overlay, as "Finish my doodle" would draw it, and Undo removes it.
    pub fn accept_ghost(&mut self, canvas: &mut Canvas) -> bool {
        let Some((strokes, revision)) = self.ghost.take() else {
            return false;
        };
        if revision != canvas.revision() {
            return false;
        }
        canvas.overlay = strokes;
        true
    }

    /// Paints the faint continuation over the canvas.
    fn paint_ghost(&self, canvas: &Canvas, ctx: &egui::Context) {
        let Some((strokes, _)) = &self.ghost else {
            return;
        };
        let rect = canvas.rect;
        let scale = rect.width() / super::canvas::CANVAS_UNITS;
        let painter = ctx
            .layer_painter(egui::LayerId::new(
                egui::Order::Middle,
                egui::Id::unique("predict_ghost"),
            ))
            .with_clip_rect(rect);
        let pen = egui::Stroke::new(
            (canvas.brush * scale).max(1.0),
            egui::Color32::from_rgba_unmultiplied(230, 120, 20, 90),
        );
        for s in strokes {
            let pts: Vec<egui::Pos2> = s
                .points
                .iter()
                .map(|p| rect.min + egui::vec2(p.x, p.y) * scale)
                .collect();
            painter.add(egui::Shape::line(pts, pen));
        }
    }

    /// Reveals the next points; call every frame.
    pub fn animate(&mut self, canvas: &mut Canvas, ctx: &egui::Context) {
        self.grid.animate(ctx);
        if self.ghost.is_some()
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Tab))
        {
            self.accept_ghost(canvas);
        }
        self.paint_ghost(canvas, ctx);
        let Some(a) = &self.animation else { return };
        let now = ctx.input(|i| i.time);
        let total = a.total_points();
        let n = (((now - a.started) * POINTS_PER_SECOND) as usize + 1).min(total);
        let shown = a.prefix(n);
        if a.overlay {
            canvas.overlay = shown;
        } else {
            canvas.set_strokes(shown);
        }
        if n >= total {
            self.animation = None;
        } else {
            ctx.request_repaint();
        }
    }

    /// The controls (the Sketch tab's side panel scrolls them in a short
    /// window). The user's drawing decides what "finish" continues.
    #[must_use]
    pub fn ui(&mut self, ui: &mut egui::Ui, canvas: &Canvas) -> Option<Command> {
        let user = canvas.drawing();
        let ghost_request = self.predict_as_you_draw(canvas);
        ui.heading(t!("studio-heading"));
        if let Some(why) = &self.missing {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                t!("studio-missing", why = why.as_str()),
            );
            return None;
        }
        let mut command = None;
        ui.horizontal(|ui| {
            command = self.class_picker(ui, user);
            if ui
                .button(t!("studio-surprise"))
                .on_hover_text(t!("studio-surprise-hover"))
                .clicked()
            {
                let k = surprise(self.class, self.classes.len(), self.seed);
                command = self.choose_class(k, user).or(command.take());
            }
        });
        ui.add(
            egui::Slider::new(&mut self.temperature, 0.05..=1.0)
                .text(t!("studio-temperature"))
                .custom_formatter(|v, _| crate::i18n::num(v, 2)),
        )
        .on_hover_text(t!("studio-temperature-hover"));
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut self.seed).range(0..=u64::MAX / 2))
                .labelled_by(ui.label(t!("studio-seed")).id)
                .on_hover_text(t!("studio-seed-hover"));
            if let Some((seed, tau)) = self.last {
                ui.weak(t!(
                    "studio-last",
                    seed = seed,
                    tau = crate::i18n::num(tau as f64, 2)
                ));
            }
        });
        ui.horizontal_wrapped(|ui| {
            if ui
                .button(t!("studio-draw"))
                .on_hover_text(t!("studio-draw-hover"))
                .clicked()
            {
                command = Some(self.request(None));
            }
            if ui
                .add_enabled(!user.is_empty(), egui::Button::new(t!("studio-finish")))
                .on_hover_text(t!("studio-finish-hover"))
                .clicked()
            {
                command = Some(self.request(Some(user.clone())));
            }
            if self.is_busy() || self.grid.is_busy() {
                if ui.button(t!("studio-stop")).clicked() {
                    self.stop();
                    self.grid.stop();
                }
                ui.spinner();
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.horizontal_wrapped(|ui| {
            let has = !canvas.with_overlay().is_empty();
            ui.add_enabled_ui(has, |ui| {
                ui.menu_button(t!("studio-export-canvas"), |ui| {
                    for f in crate::sketch::export::Format::ALL {
                        let label = t!("grid-save-as", format = f.extension().to_uppercase());
                        if ui.button(label).clicked() {
                            command = Some(Command::ChooseFile(super::files::Purpose::Export(
                                ExportTarget::Canvas,
                                f,
                            )));
                            ui.close();
                        }
                    }
                })
                .response
                .on_hover_text(t!("studio-export-canvas-hover"));
                if ui
                    .button(t!("studio-copy-canvas"))
                    .on_hover_text(t!("studio-copy-canvas-hover"))
                    .clicked()
                {
                    command = self.copy(ExportTarget::Canvas, canvas);
                }
            });
        });
        ui.checkbox(&mut self.predict, t!("studio-predict"))
            .on_hover_text(t!("studio-predict-hover"));
        if self.ghost.is_some() {
            ui.weak(t!("studio-predict-offer"));
        }
        ui.separator();
        command = self.grid_controls(ui, user).or(command);
        command.or(ghost_request)
    }

    /// The class list, searchable: typing in its field keeps the classes
    /// whose name contains the text.
    fn class_picker(&mut self, ui: &mut egui::Ui, user: &Drawing) -> Option<Command> {
        let mut chosen = None;
        let shown = crate::i18n::class_name(&self.classes[self.class]);
        egui::ComboBox::from_id_salt("sketch_rnn_class")
            .selected_text(shown)
            .width(130.0)
            .show_ui(ui, |ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut self.class_filter)
                        .hint_text(t!("studio-class-search"))
                        .desired_width(120.0),
                );
                let needle = self.class_filter.to_lowercase();
                for (i, c) in self.classes.iter().enumerate() {
                    let name = crate::i18n::class_name(c);
                    let hit = needle.is_empty()
                        || name.to_lowercase().contains(&needle)
                        || c.replace('_', " ").contains(&needle);
                    if hit && ui.selectable_label(i == self.class, name).clicked() {
                        chosen = Some(i);
                    }
                }
            })
            .response
            .on_hover_text(t!("studio-class-hover"));
        chosen.and_then(|k| self.choose_class(k, user))
    }

    /// The multi-predict controls: size, how tiles differ, Show / Again.
    fn grid_controls(&mut self, ui: &mut egui::Ui, user: &Drawing) -> Option<Command> {
        let mut command = None;
        ui.label(egui::RichText::new(t!("grid-heading")).strong());
        ui.add(
            egui::Slider::new(&mut self.grid.size, GRID_SIZES)
                .text(t!("grid-size"))
                .integer(),
        )
        .on_hover_text(t!("grid-size-hover"));
        ui.horizontal_wrapped(|ui| {
            let modes = [
                (
                    GridMode::Seeds { by_row: true },
                    "grid-mode-rows",
                    "grid-mode-rows-hover",
                ),
                (
                    GridMode::Seeds { by_row: false },
                    "grid-mode-same",
                    "grid-mode-same-hover",
                ),
                (
                    GridMode::Classes,
                    "grid-mode-classes",
                    "grid-mode-classes-hover",
                ),
            ];
            for (mode, label, hover) in modes {
                ui.radio_value(&mut self.grid.mode, mode, crate::i18n::tr(label))
                    .on_hover_text(crate::i18n::tr(hover));
            }
        });
        ui.horizontal_wrapped(|ui| {
            let label = if user.is_empty() {
                t!("grid-show")
            } else {
                t!("grid-show-continue")
            };
            if ui
                .button(label)
                .on_hover_text(t!("grid-show-hover"))
                .clicked()
            {
                command = Some(self.request_grid(user));
            }
            if self.grid.open && !self.grid.tiles.is_empty() {
                if ui
                    .button(t!("grid-again"))
                    .on_hover_text(t!("grid-again-hover"))
                    .clicked()
                {
                    command = Some(self.request_grid(user));
                }
                if ui.button(t!("grid-close")).clicked() {
                    self.grid.open = false;
                    self.grid.stop();
                }
            }
        });
        command
    }

    /// The grid itself (under the canvas); returns what the tab must do.
    pub fn grid_ui(&mut self, ui: &mut egui::Ui, canvas: &mut Canvas) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(t!("grid-title")).strong());
            if ui.button("×").on_hover_text(t!("grid-close")).clicked() {
                self.grid.open = false;
                self.grid.stop();
            }
            let ready = !self.grid.tiles.is_empty();
            ui.add_enabled_ui(ready, |ui| {
                if ui
                    .button(t!("grid-copy"))
                    .on_hover_text(t!("grid-copy-hover"))
                    .clicked()
                {
                    commands.extend(self.copy(ExportTarget::Grid, canvas));
                }
                ui.menu_button(t!("grid-save"), |ui| {
                    for f in crate::sketch::export::Format::ALL {
                        let label = t!("grid-save-as", format = f.extension().to_uppercase());
                        if ui.button(label).clicked() {
                            commands.push(Command::ChooseFile(super::files::Purpose::Export(
                                ExportTarget::Grid,
                                f,
                            )));
                            ui.close();
                        }
                    }
                });
            });
            ui.weak(t!("grid-hint"));
        });
        match self.grid.ui(ui) {
            Some(GridAction::Adopt(k)) => {
                self.stop();
                if self.grid.adopt(k, canvas)
                    && let Some(t) = self.grid.tiles.get(k)
                {
                    self.last = Some((t.spec.seed, t.spec.temperature));
                }
            }
            Some(GridAction::Copy(k)) => {
                let target = k.map_or(ExportTarget::Grid, ExportTarget::Tile);
                commands.extend(self.copy(target, canvas));
            }
            Some(GridAction::Export(k, f)) => {
                let target = k.map_or(ExportTarget::Grid, ExportTarget::Tile);
                commands.push(Command::ChooseFile(super::files::Purpose::Export(
                    target, f,
                )));
            }
            Some(GridAction::Command(c)) => commands.push(c),
            None => {}
        }
        commands
    }

    /// The drawings an export target stands for, canvas units.
    pub fn drawings_of(&self, target: ExportTarget, canvas: &Canvas) -> Vec<Drawing> {
        match target {
            ExportTarget::Canvas => vec![canvas.with_overlay()],
            ExportTarget::Grid => (0..self.grid.tiles.len())
                .filter_map(|k| self.grid.tile_drawing(k))
                .collect(),
            ExportTarget::Tile(k) => self.grid.tile_drawing(k).into_iter().collect(),
        }
    }

    /// The file bytes of `target` in `format` (a grid is as many columns
    /// wide as on screen).
    pub fn export_bytes(
        &self,
        target: ExportTarget,
        format: crate::sketch::export::Format,
        canvas: &Canvas,
    ) -> Result<Vec<u8>, String> {
        let drawings = self.drawings_of(target, canvas);
        if drawings.iter().all(Drawing::is_empty) {
            return Err(t!("studio-nothing-to-export"));
        }
        let cols = super::studio_grid::cols_for(drawings.len()).min(drawings.len());
        crate::sketch::export::encode(format, &drawings, cols, &export_style())
            .map_err(|e| e.to_string())
    }

    /// Copies `target` to the clipboard as an image (on the worker).
    fn copy(&self, target: ExportTarget, canvas: &Canvas) -> Option<Command> {
        let drawings = self.drawings_of(target, canvas);
        let cols = super::studio_grid::cols_for(drawings.len()).min(drawings.len().max(1));
        let image = crate::sketch::render::grid_image(&drawings, cols, &export_style());
        Some(Command::Work(Job::CopyImage {
            image,
            what: t!("studio-what-image"),
        }))
    }
}

/// Exports are larger than the training previews: 512 px a drawing.
fn export_style() -> crate::sketch::render::Style {
    crate::sketch::render::Style {
        size: 512,
        width: 6.0,
        ..Default::default()
    }
}

/// A class other than `current`, chosen by `seed` (so "surprise me" is
/// reproducible with the seed field, and never repeats the current class).
fn surprise(current: usize, n: usize, seed: u64) -> usize {
    if n < 2 {
        return current;
    }
    let step = 1 + (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 33) as usize % (n - 1);
    (current + step) % n
}
