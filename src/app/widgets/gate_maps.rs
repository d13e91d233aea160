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
        let steps = maps.steps.max(1);
        let mut hovered = None;
        self.rects.clear();
        for (gate, texture) in Gate::ALL.into_iter().zip(&self.textures) {
            ui.horizontal(|ui| {
                ui.add_sized(
                    [label_w, map_h],
                    egui::Label::new(format!("{}  {}", gate.symbol(), gate_word(gate))),
                );
                let w = ui.available_width().max(32.0);
                let (rect, response) = ui.allocate_exact_size(Vec2::new(w, map_h), Sense::hover());
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Image,
                        true,
                        format!("Heat map of the {}", gate.name()),
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
                response.on_hover_text(gate.name());
                self.rects.push(rect);
            });
        }
        hovered
    }
}

fn gate_word(gate: Gate) -> &'static str {
    match gate {
        Gate::Forget => "forget",
        Gate::Input => "input",
        Gate::Output => "output",
        Gate::Cell => "memory",
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
