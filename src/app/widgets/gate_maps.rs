//! The gate maps: an LSTM layer's four heat maps (forget gate f_t, input
//! gate i_t, output gate o_t, memory C_t), a row each, a row of pixels per
//! unit and a column per step, painted as textures. The doodle inspector
//! and the caption tab's decoder view both show them.

use crate::nn::inspect::{Gate, Heatmaps};
use egui::{Color32, Pos2, Rect, Sense, TextureHandle, Vec2};

/// The four heat maps of one layer, drawn as textures: a row each, a
/// column per step; shared by the doodle and the caption views.
#[derive(Default)]
pub struct GateMaps {
    name: &'static str,
    textures: Vec<TextureHandle>,
    /// The textures must be rebuilt (new values, layer or order).
    pub stale: bool,
    /// Where each map was painted, in [`Gate::ALL`] order.
    pub rects: Vec<Rect>,
}

impl GateMaps {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            stale: true,
            ..Default::default()
        }
    }

    /// The width the gate labels need, at least `min`: a language with
    /// longer words ("f  esquecimento") widens the label column rather than
    /// clipping it. Callers align other rows with the maps by it.
    pub fn label_width(ui: &egui::Ui, min: f32) -> f32 {
        let font = egui::TextStyle::Body.resolve(ui.style());
        let colour = ui.visuals().text_color();
        Gate::ALL
            .into_iter()
            .map(|g| {
                ui.painter()
                    .layout_no_wrap(gate_label(g), font.clone(), colour)
                    .size()
                    .x
                    + 2.0 * ui.spacing().item_spacing.x
            })
            .fold(min, f32::max)
    }

    /// Paints the maps, `size` = [label width, map height], outlining the
    /// `marked` column; returns the column under the pointer.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        maps: &Heatmaps,
        by_variance: bool,
        marked: Option<usize>,
        size: [f32; 2],
    ) -> Option<usize> {
        if self.stale || self.textures.len() != Gate::ALL.len() {
            self.textures = textures(ui.ctx(), self.name, maps, by_variance);
            self.stale = false;
        }
        let [label_w, map_h] = size;
        let label_w = Self::label_width(ui, label_w);
        let steps = maps.steps.max(1);
        let mut hovered = None;
        self.rects.clear();
        for (gate, texture) in Gate::ALL.into_iter().zip(&self.textures) {
            ui.horizontal(|ui| {
                ui.add_sized([label_w, map_h], egui::Label::new(gate_label(gate)));
                let w = ui.available_width().max(32.0);
                let (rect, response) = ui.allocate_exact_size(Vec2::new(w, map_h), Sense::hover());
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Image,
                        true,
                        crate::t!("gate-heat-map", gate = gate_name(gate)),
                    )
                });
                let painter = ui.painter_at(rect);
                painter.image(
                    texture.id(),
                    rect,
                    Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                    Color32::WHITE,
                );
                if let Some(p) = response.hover_pos() {
                    let t = ((p.x - rect.left()) / rect.width() * steps as f32).floor();
                    hovered = Some((t.max(0.0) as usize).min(steps - 1));
                }
                if let Some(t) = marked {
                    let col_w = rect.width() / steps as f32;
                    let x0 = rect.left() + t as f32 * col_w;
                    painter.rect_stroke(
                        Rect::from_min_max(
                            Pos2::new(x0 - 1.0, rect.top()),
                            Pos2::new(x0 + col_w.max(1.0) + 1.0, rect.bottom()),
                        ),
                        0.0,
                        (1.5, Color32::from_rgb(220, 40, 40)),
                        egui::StrokeKind::Outside,
                    );
                }
                response.on_hover_text(gate_name(gate));
                self.rects.push(rect);
            });
        }
        hovered
    }
}

/// The label in front of a map: the symbol and a word, "f  forget".
fn gate_label(gate: Gate) -> String {
    let word = match gate {
        Gate::Forget => crate::t!("gate-forget"),
        Gate::Input => crate::t!("gate-input"),
        Gate::Output => crate::t!("gate-output"),
        Gate::Cell => crate::t!("gate-memory"),
    };
    format!("{}  {word}", gate.symbol())
}

/// The gate's full name, as the lecture says it: "forget gate f".
fn gate_name(gate: Gate) -> String {
    match gate {
        Gate::Forget => crate::t!("gate-forget-name"),
        Gate::Input => crate::t!("gate-input-name"),
        Gate::Output => crate::t!("gate-output-name"),
        Gate::Cell => crate::t!("gate-memory-name"),
    }
}

/// One texture per gate: a pixel per (point, unit), nearest-neighbour
/// scaled so every column stays a sharp column.
fn textures(
    ctx: &egui::Context,
    name: &str,
    maps: &Heatmaps,
    by_variance: bool,
) -> Vec<TextureHandle> {
    Gate::ALL
        .into_iter()
        .map(|gate| {
            let order: Vec<usize> = if by_variance {
                maps.order_by_variance(gate)
            } else {
                (0..maps.units).collect()
            };
            let img = maps.image(gate, &order);
            let size = [img.width() as usize, img.height() as usize];
            ctx.load_texture(
                format!("{name}_{}", gate.symbol()),
                egui::ColorImage::from_rgb(size, img.as_raw()),
                egui::TextureOptions::NEAREST,
            )
        })
        .collect()
}
