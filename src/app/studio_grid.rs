//! The multi-predict grid under the canvas: several sketch-rnn drawings at
//! once, from the user's doodle or from nothing, as the sketch-rnn demos
//! show them.
//!
//! Terms: a **tile** is one drawing of the grid with its class, seed and
//! temperature τ shown under it (`rnn-studio draw CLASS --seed S
//! --temperature T` redraws a tile from nothing); **by row** the rows go
//! from tidy to wild ([`GRID_TEMPERATURES`]); **one per class** puts the
//! same doodle in the hands of several classes. The worker samples the whole
//! grid in one batch ([`Job::SketchGrid`], tens of milliseconds) and the
//! recognizer judges each tile; the tiles are then **revealed** point by
//! point. A new request (Again, another class, another size) cancels the one
//! in flight: its generation no longer matches and its reply is dropped.
//! Clicking a tile **adopts** it onto the canvas as one Undo step.

use super::Command;
use super::canvas::{Canvas, fit_to_canvas};
use super::worker::{GridJob, GridTile, Job};
use crate::sketch::render::{Placement, Style};
use crate::sketch::sketch_rnn::{GRID_SIZES, GRID_TEMPERATURES, TileSpec};
use crate::sketch::{Drawing, Stroke};
use crate::t;

/// Points revealed per second in every tile while animating.
const POINTS_PER_SECOND: f64 = 120.0;
/// The largest side of a tile on screen, points.
const MAX_TILE: f32 = 120.0;
/// The smallest: below it a drawing is a smudge, and the grid scrolls instead.
const MIN_TILE: f32 = 72.0;
/// The canvas keeps at least this height while the grid is open.
pub const MIN_CANVAS_WITH_GRID: f32 = 220.0;

/// How the tiles differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridMode {
    /// One class, seeds S, S+1, …; each row at the next of
    /// [`GRID_TEMPERATURES`] when `by_row`, else all at the panel's τ.
    Seeds { by_row: bool },
    /// One tile per class, starting with the chosen one, all with seed S.
    Classes,
}

/// What an export or a copy is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTarget {
    /// The user's drawing with sketch-rnn's continuation.
    Canvas,
    /// Every tile of the grid.
    Grid,
    /// One tile.
    Tile(usize),
}

/// What a click in the grid asks of the Sketch tab.
#[derive(Debug)]
#[must_use]
pub enum GridAction {
    /// Work for the worker (a new grid).
    Command(Command),
    /// Put tile `k` on the canvas.
    Adopt(usize),
    /// Copy the grid (or tile `k`) to the clipboard as an image.
    Copy(Option<usize>),
    /// Save the grid (or tile `k`) in a format.
    Export(Option<usize>, crate::sketch::export::Format),
}

/// The grid's view state.
pub struct StudioGrid {
    /// Shown under the canvas.
    pub open: bool,
    /// How many tiles, in [`GRID_SIZES`].
    pub size: usize,
    pub mode: GridMode,
    /// The tiles received, in grid order.
    pub tiles: Vec<GridTile>,
    /// The user's drawing the tiles continue (canvas units), if any.
    pub continued: Option<Drawing>,
    /// The generation of the request in flight.
    pub pending: Option<u64>,
    pub error: Option<String>,
    next_generation: u64,
    /// When the reveal of `tiles` started (egui time, s).
    started: f64,
    /// Points of each tile revealed at the last frame.
    pub shown: Vec<usize>,
}

impl Default for StudioGrid {
    fn default() -> Self {
        Self {
            open: false,
            size: 6,
            mode: GridMode::Seeds { by_row: true },
            tiles: Vec::new(),
            continued: None,
            pending: None,
            error: None,
            next_generation: 0,
            started: 0.0,
            shown: Vec::new(),
        }
    }
}

/// Columns for `n` tiles: 3×2 for 6, 4×3 for 12, as square as the panel allows.
pub fn cols_for(n: usize) -> usize {
    match n {
        0..=4 => 2,
        5 | 6 | 9 => 3,
        10 => 5,
        _ => 4,
    }
}

impl StudioGrid {
    /// True while a grid is requested or being revealed.
    pub fn is_busy(&self) -> bool {
        self.pending.is_some() || self.revealing()
    }

    fn revealing(&self) -> bool {
        self.tiles
            .iter()
            .zip(&self.shown)
            .any(|(t, &n)| n < points(&t.strokes))
            || self.shown.len() < self.tiles.len()
    }

    /// The tiles of a request: `classes[class]` (and the next ones in
    /// [`GridMode::Classes`]) with seeds from `seed`.
    pub fn specs(
        &self,
        classes: &[String],
        class: usize,
        seed: u64,
        temperature: f32,
    ) -> Vec<(String, TileSpec)> {
        let n = self.size.clamp(*GRID_SIZES.start(), *GRID_SIZES.end());
        match self.mode {
            GridMode::Classes => (0..n.min(classes.len()))
                .map(|k| {
                    let c = classes[(class + k) % classes.len()].clone();
                    (c, TileSpec { seed, temperature })
                })
                .collect(),
            GridMode::Seeds { by_row } => {
                let temps = if by_row {
                    GRID_TEMPERATURES.to_vec()
                } else {
                    vec![temperature]
                };
                TileSpec::by_row(n, cols_for(n), seed, &temps)
                    .into_iter()
                    .map(|s| (classes[class].clone(), s))
                    .collect()
            }
        }
    }

    /// Asks for a new grid (cancelling the one in flight or being revealed).
    pub fn request(&mut self, tiles: Vec<(String, TileSpec)>, user: &Drawing) -> Command {
        self.next_generation += 1;
        self.pending = Some(self.next_generation);
        self.open = true;
        self.error = None;
        self.tiles.clear();
        self.shown.clear();
        self.continued = (!user.is_empty()).then(|| user.clone());
        Command::Work(Job::SketchGrid(GridJob {
            generation: self.next_generation,
            tiles,
            continue_from: self.continued.clone(),
        }))
    }

    /// Stops waiting and revealing; the tiles shown so far stay.
    pub fn stop(&mut self) {
        self.pending = None;
        self.tiles
            .iter_mut()
            .zip(&self.shown)
            .for_each(|(t, &n)| t.strokes = crate::sketch::drawing::prefix(&t.strokes, n));
        self.tiles.truncate(self.shown.len());
    }

    /// Takes the worker's grid, if it is the one asked for last.
    pub fn receive(&mut self, now: f64, generation: u64, result: Result<Vec<GridTile>, String>) {
        if self.pending != Some(generation) {
            return; // cancelled, or superseded by a newer request
        }
        self.pending = None;
        match result {
            Ok(tiles) => {
                self.shown = vec![0; tiles.len()];
                self.tiles = tiles;
                self.started = now;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Reveals the next points; call every frame.
    pub fn animate(&mut self, ctx: &egui::Context) {
        if !self.revealing() {
            return;
        }
        let now = ctx.input(|i| i.time);
        let n = ((now - self.started) * POINTS_PER_SECOND) as usize + 1;
        self.shown = self
            .tiles
            .iter()
            .map(|t| n.min(points(&t.strokes)))
            .collect();
        if self.revealing() {
            ctx.request_repaint();
        }
    }

    /// Tile `k` as a drawing on its own, canvas units: for a continuation
    /// the user's strokes and the tile's; from nothing, fitted to the canvas.
    pub fn tile_drawing(&self, k: usize) -> Option<Drawing> {
        let tile = self.tiles.get(k)?;
        let mut d = match &self.continued {
            Some(user) => user.clone(),
            None => Drawing::default(),
        };
        d.strokes.extend(tile.strokes.iter().cloned());
        d.word = Some(tile.class.replace('_', " "));
        // The same key `rnn-studio draw --grid` writes (not for people to read).
        let key = [
            "sketch-rnn".to_string(),
            tile.class.clone(),
            tile.spec.seed.to_string(),
            ["t", &tile.spec.temperature.to_string()].concat(),
        ];
        d.key_id = Some(key.join(":"));
        Some(if self.continued.is_some() {
            d
        } else {
            fit_to_canvas(&d)
        })
    }

    /// Puts tile `k` on the canvas as one Undo step: a continuation goes in
    /// the overlay (as "Finish my doodle" does), a new drawing replaces the
    /// canvas (Undo brings the old one back).
    pub fn adopt(&self, k: usize, canvas: &mut Canvas) -> bool {
        let Some(tile) = self.tiles.get(k) else {
            return false;
        };
        if self.continued.is_some() {
            canvas.overlay = tile.strokes.clone();
        } else {
            canvas.load(&Drawing {
                strokes: tile.strokes.clone(),
                ..Default::default()
            });
        }
        true
    }

    /// Columns, the side of a tile and the height the whole grid wants, for
    /// the width `ui` offers: tiles as large as the width allows, within
    /// [`MIN_TILE`]..=[`MAX_TILE`].
    pub fn layout(&self, ui: &egui::Ui) -> (usize, f32, f32) {
        let n = self.tiles.len().max(self.size);
        let cols = cols_for(n);
        let rows = n.div_ceil(cols);
        let gap = 8.0;
        let side =
            ((ui.available_width() - gap * cols as f32) / cols as f32).clamp(MIN_TILE, MAX_TILE);
        let label_h = 2.0 * ui.text_style_height(&egui::TextStyle::Small) + 3.0 * gap;
        let toolbar = ui.spacing().interact_size.y + gap;
        (cols, side, toolbar + rows as f32 * (side + label_h))
    }

    /// The grid: a toolbar, then the tiles in a scrolling area.
    #[must_use]
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Option<GridAction> {
        let mut action = None;
        let (cols, side, _) = self.layout(ui);
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        if self.pending.is_some() && self.tiles.is_empty() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(t!("grid-sampling"));
            });
        }
        egui::ScrollArea::both()
            .id_salt("studio_grid_tiles")
            .auto_shrink([false, true])
            .show(ui, |ui| {
                egui::Grid::new("studio_grid")
                    .spacing([8.0, 4.0])
                    .show(ui, |ui| {
                        for k in 0..self.tiles.len() {
                            if let Some(a) = self.tile_ui(ui, k, side) {
                                action = Some(a);
                            }
                            if (k + 1) % cols == 0 {
                                ui.end_row();
                            }
                        }
                    });
            });
        action
    }

    /// One tile: the drawing (the user's strokes faint), its seed and τ,
    /// and the recognizer's verdict; hover shows how to use it.
    fn tile_ui(&mut self, ui: &mut egui::Ui, k: usize, side: f32) -> Option<GridAction> {
        let tile = &self.tiles[k];
        let shown = self.shown.get(k).copied().unwrap_or(0);
        let mut action = None;
        ui.vertical(|ui| {
            let (rect, response) =
                ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::click());
            let name = crate::i18n::class_name(&tile.class);
            let seed_tau = t!(
                "grid-seed-tau",
                seed = tile.spec.seed,
                tau = crate::i18n::num(tile.spec.temperature as f64, 2)
            );
            let response = response
                .on_hover_text(t!("grid-tile-hover", class = name.as_str()))
                .on_hover_cursor(egui::CursorIcon::PointingHand);
            response.widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::Role::Button,
                    true,
                    t!(
                        "grid-tile-name",
                        class = name.as_str(),
                        seed_tau = seed_tau.as_str()
                    ),
                )
            });
            paint_tile(
                ui,
                rect,
                self.continued.as_ref(),
                &crate::sketch::drawing::prefix(&tile.strokes, shown),
                response.hovered(),
            );
            if response.clicked() {
                action = Some(GridAction::Adopt(k));
            }
            response.context_menu(|ui| {
                if ui.button(t!("grid-copy-tile")).clicked() {
                    action = Some(GridAction::Copy(Some(k)));
                    ui.close();
                }
                for f in crate::sketch::export::Format::ALL {
                    let label = t!("grid-save-tile-as", format = f.extension().to_uppercase());
                    if ui.button(label).clicked() {
                        action = Some(GridAction::Export(Some(k), f));
                        ui.close();
                    }
                }
            });
            let title = if matches!(self.mode, GridMode::Classes) {
                format!("{name} · {seed_tau}")
            } else {
                seed_tau
            };
            ui.small(title);
            let verdict = match &tile.judged {
                Some((c, p)) if shown >= points(&tile.strokes) => {
                    let sure = crate::i18n::pct(*p as f64);
                    let text = t!("grid-judged", class = crate::i18n::class_name(c), p = sure);
                    if c.replace(' ', "_") == tile.class {
                        // Agrees with the class asked for.
                        egui::RichText::new(text).color(ui.visuals().hyperlink_color)
                    } else {
                        egui::RichText::new(text).weak()
                    }
                }
                // The verdict waits for the whole drawing, as the recognizer saw it.
                _ => egui::RichText::new(" ").weak(),
            };
            ui.small(verdict);
        });
        action
    }
}

/// The number of points of some strokes.
fn points(strokes: &[Stroke]) -> usize {
    strokes.iter().map(|s| s.points.len()).sum()
}

/// Paints a tile: paper, the user's strokes faint, the tile's in the
/// continuation colour (or ink, from nothing), all fitted to the square as
/// the whole finished drawing would be.
fn paint_tile(
    ui: &egui::Ui,
    rect: egui::Rect,
    user: Option<&Drawing>,
    strokes: &[Stroke],
    hovered: bool,
) {
    let painter = ui.painter_at(rect);
    let v = ui.visuals();
    painter.rect_filled(rect, 4.0, egui::Color32::WHITE);
    let border = if hovered {
        v.selection.stroke
    } else {
        v.widgets.noninteractive.bg_stroke
    };
    painter.rect_stroke(rect, 4.0, border, egui::StrokeKind::Inside);
    let mut all = user.cloned().unwrap_or_default();
    all.strokes.extend(strokes.iter().cloned());
    let Some(bounds) = all.bounds() else { return };
    let place = Placement::fit(bounds, rect.width(), Style::default().margin * 0.5);
    let to_screen = |p: &crate::sketch::Point| {
        let (x, y) = place.map(p.x, p.y);
        rect.min + egui::vec2(x, y)
    };
    let faint = egui::Stroke::new(1.5, egui::Color32::from_gray(170));
    let ink = if user.is_some() {
        egui::Stroke::new(2.0, egui::Color32::from_rgb(230, 120, 20))
    } else {
        egui::Stroke::new(2.0, egui::Color32::from_gray(20))
    };
    let user_strokes = user.map_or(0, |u| u.strokes.len());
    for (i, s) in all.strokes.iter().enumerate() {
        let pen = if i < user_strokes { faint } else { ink };
        let pts: Vec<egui::Pos2> = s.points.iter().map(to_screen).collect();
        if pts.len() == 1 {
            painter.circle_filled(pts[0], pen.width, pen.color);
        } else {
            painter.add(egui::Shape::line(pts, pen));
        }
    }
}
