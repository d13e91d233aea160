//! The Inspect view under the canvas: the recognizer's LSTM at every point
//! of the drawing. Four heat maps per layer (forget gate f_t, input gate
//! i_t, output gate o_t, memory C_t; a row per unit, a column per point) and
//! the probability of the top classes after each point.
//!
//! Terms: a **step** is one point the LSTM read (a column). Hovering a column
//! (or the plot) marks that step's point on the canvas; hovering the drawing
//! marks the column of the point under the pointer. Both come back through
//! [`InspectPanel::marked_step`].

use super::widgets::GateMaps;
use crate::sketch::inspect::{CLASS_COLOURS, Inspection};
use egui::{Color32, Pos2, Rect};
use egui_plot::{Legend, Line, Plot, PlotPoints, VLine};

/// How near (canvas units) the pointer must be to a point to mark its step.
pub const HOVER_RADIUS: f32 = 16.0;

/// View state of the Inspect view.
#[derive(Default)]
pub struct InspectPanel {
    /// The view is shown (and the worker records gate taps).
    pub open: bool,
    /// Which LSTM layer the heat maps show.
    pub layer: usize,
    /// Units sorted by their variance over the drawing, most active first
    /// (otherwise in unit order).
    pub by_variance: bool,
    /// The latest inspection from the worker.
    pub inspection: Option<Inspection>,
    /// The step under the pointer in the heat maps or the plot, this frame.
    pub hovered_step: Option<usize>,
    /// The step whose point is under the pointer on the canvas.
    pub canvas_step: Option<usize>,
    maps: GateMaps,
    /// Each class's colour in the p(class) plot, kept while it is shown.
    colours: ClassColours,
}

/// Colours that stay with their class while the ranking changes: a class
/// keeps the palette entry it was first given, and a newcomer takes an entry
/// no class on show is using.
#[derive(Debug, Default)]
pub struct ClassColours {
    given: std::collections::HashMap<String, usize>,
}

impl ClassColours {
    /// The palette index of each of `shown`, all different while the palette lasts.
    pub fn of(&mut self, shown: &[String]) -> Vec<usize> {
        let n = CLASS_COLOURS.len();
        let mut taken: Vec<bool> = vec![false; n];
        for c in shown {
            if let Some(&i) = self.given.get(c) {
                taken[i] = true;
            }
        }
        shown
            .iter()
            .map(|c| {
                if let Some(&i) = self.given.get(c) {
                    return i;
                }
                let i = taken
                    .iter()
                    .position(|t| !t)
                    .unwrap_or(self.given.len() % n);
                taken[i] = true;
                self.given.insert(c.clone(), i);
                i
            })
            .collect()
    }
}

impl InspectPanel {
    pub fn new() -> Self {
        Self {
            by_variance: true,
            maps: GateMaps::new("inspect"),
            ..Default::default()
        }
    }

    /// Takes a new inspection (`None`: the canvas is empty).
    pub fn set(&mut self, inspection: Option<Inspection>) {
        if let Some(ins) = &inspection {
            self.layer = self.layer.min(ins.layers.len().saturating_sub(1));
        }
        self.inspection = inspection;
        self.maps.stale = true;
        self.canvas_step = None;
    }

    /// The step to mark everywhere: the one hovered in the view, else the
    /// one hovered on the canvas.
    pub fn marked_step(&self) -> Option<usize> {
        let steps = self.inspection.as_ref().map_or(0, |i| i.points.len());
        self.hovered_step
            .or(self.canvas_step)
            .filter(|&t| t < steps)
    }

    /// The canvas point of the marked step.
    pub fn marked_point(&self) -> Option<Pos2> {
        let ins = self.inspection.as_ref()?;
        let p = ins.points.get(self.marked_step()?)?;
        Some(Pos2::new(p.x, p.y))
    }

    /// Where each gate's heat map was last painted, in
    /// [`Gate::ALL`](crate::nn::inspect::Gate::ALL) order (tests aim at them).
    pub fn map_rects(&self) -> &[Rect] {
        &self.maps.rects
    }

    /// Notes which point (canvas units) the pointer is over on the canvas.
    pub fn hover_canvas(&mut self, at: Option<Pos2>) {
        self.canvas_step = match (&self.inspection, at) {
            (Some(ins), Some(p)) => ins.step_near(p.x, p.y, HOVER_RADIUS),
            _ => None,
        };
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let before = self.hovered_step.take();
        ui.horizontal_wrapped(|ui| {
            ui.heading(crate::t!("inspect-heading"));
            let layers = self.inspection.as_ref().map_or(0, |i| i.layers.len());
            for l in 0..layers {
                if ui
                    .selectable_label(self.layer == l, crate::t!("inspect-layer", n = l + 1))
                    .on_hover_text(crate::t!("inspect-layer-tip"))
                    .clicked()
                    && self.layer != l
                {
                    self.layer = l;
                    self.maps.stale = true;
                }
            }
            if ui
                .checkbox(&mut self.by_variance, crate::t!("inspect-active-first"))
                .on_hover_text(crate::t!("inspect-active-first-tip"))
                .changed()
            {
                self.maps.stale = true;
            }
        });
        let Some(ins) = &self.inspection else {
            ui.label(crate::t!("inspect-empty"));
            self.maps.rects.clear();
            return;
        };
        let Some(maps) = ins.layers.get(self.layer) else {
            return;
        };
        ui.small(crate::t!("inspect-explain"))
            .on_hover_text(crate::t!("inspect-equations"));
        let label_w = GateMaps::label_width(ui, 96.0);
        let plot_h = 96.0;
        let map_h = map_height(ui.available_height(), plot_h, ui.spacing().item_spacing.y);
        let marked = self.marked_step();
        // Maps too tall for the panel scroll rather than shrink below
        // MIN_MAP_HEIGHT: 128 units squeezed into a strip show nothing.
        egui::ScrollArea::vertical()
            .id_salt("inspect_scroll")
            .auto_shrink([false, true])
            .show(ui, |ui| {
                let on_maps = self
                    .maps
                    .ui(ui, maps, self.by_variance, marked, [label_w, map_h]);
                let on_plot =
                    probability_plot(ui, &mut self.colours, ins, marked, [label_w, plot_h]);
                self.hovered_step = on_plot.or(on_maps);
            });
        if self.hovered_step != before {
            // The outlines were drawn for the old step: one more frame.
            ui.ctx().request_repaint();
        }
    }
}

/// How the guess evolved, on the same columns as the maps; returns the step
/// under the pointer.
fn probability_plot(
    ui: &mut egui::Ui,
    colours: &mut ClassColours,
    ins: &Inspection,
    marked: Option<usize>,
    [label_w, plot_h]: [f32; 2],
) -> Option<usize> {
    let steps = ins.points.len().max(1);
    ui.horizontal(|ui| {
        ui.add_sized(
            [label_w, plot_h],
            egui::Label::new(crate::t!("inspect-p-class")),
        );
        let plot = Plot::new("inspect_probs")
            .height(plot_h)
            .width(ui.available_width())
            .legend(Legend::default())
            .include_x(0.0)
            .include_x((steps - 1).max(1) as f64)
            .include_y(0.0)
            .include_y(1.0)
            .allow_scroll(false)
            .allow_zoom(false)
            .allow_drag(false)
            .show_axes([false, true])
            .show(ui, |plot| {
                let colours = colours.of(&ins.classes);
                for ((class, series), c) in ins.classes.iter().zip(&ins.probs).zip(colours) {
                    let [r, g, b] = CLASS_COLOURS[c];
                    let points: PlotPoints<'static> = series
                        .iter()
                        .enumerate()
                        .map(|(t, &p)| [t as f64, p as f64])
                        .collect();
                    plot.line(
                        Line::new(crate::i18n::class_name(class), points)
                            .color(Color32::from_rgb(r, g, b)),
                    );
                }
                if let Some(t) = marked {
                    plot.vline(
                        VLine::new(crate::t!("inspect-point"), t as f64)
                            .color(Color32::from_rgb(220, 40, 40)),
                    );
                }
                plot.response()
                    .hovered()
                    .then(|| plot.pointer_coordinate())
                    .flatten()
            });
        plot.inner
            .map(|p| p.x.round().clamp(0.0, (steps - 1) as f64) as usize)
    })
    .inner
}

/// The smallest and largest height of one heat map, in points.
pub const MIN_MAP_HEIGHT: f32 = 56.0;
const MAX_MAP_HEIGHT: f32 = 192.0;

/// One heat map's height: the four maps and the plot share `available`,
/// within [MIN_MAP_HEIGHT, MAX_MAP_HEIGHT] (the view scrolls below it).
pub fn map_height(available: f32, plot_h: f32, spacing: f32) -> f32 {
    ((available - plot_h - 12.0) / 4.0 - spacing).clamp(MIN_MAP_HEIGHT, MAX_MAP_HEIGHT)
}

#[cfg(test)]
mod colour_tests {
    use super::*;

    #[test]
    fn a_class_keeps_its_colour_when_the_ranking_changes() {
        let mut c = ClassColours::default();
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let first = c.of(&names(&["cat", "dog", "sun"]));
        let second = c.of(&names(&["sun", "cat", "house", "dog"]));
        assert_eq!(
            (second[0], second[1], second[3]),
            (first[2], first[0], first[1])
        );
        let mut all = second.clone();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 4, "shown classes have different colours");
    }
}
