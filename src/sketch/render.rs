//! Drawing a doodle to pixels, for export (PNG, the frames of an animated
//! GIF: [`super::export`]), the CLI and training-data previews. The app draws on screen with egui instead, from
//! the same [`Drawing`].

use super::drawing::{Bounds, Drawing};
use image::{Rgba, RgbaImage};

/// How a drawing is placed and stroked.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Output side in pixels (square).
    pub size: u32,
    /// Stroke width in output pixels.
    pub width: f32,
    /// Empty border around the drawing, in output pixels.
    pub margin: f32,
    pub ink: [u8; 4],
    pub paper: [u8; 4],
}

impl Default for Style {
    fn default() -> Self {
        Self {
            size: 256,
            width: 3.0,
            margin: 12.0,
            ink: [20, 20, 20, 255],
            paper: [255, 255, 255, 255],
        }
    }
}

/// Where a drawing goes in a square of `size` pixels: uniform scale,
/// centred, `margin` pixels free on the longer side. `(x, y)` lands at
/// `(x·scale + ox, y·scale + oy)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub scale: f32,
    pub ox: f32,
    pub oy: f32,
}

impl Placement {
    /// The placement of bounds `b` in a square of `size` with `margin`.
    pub fn fit(b: Bounds, size: f32, margin: f32) -> Self {
        let side = b.width().max(b.height()).max(1.0);
        let scale = (size - 2.0 * margin).max(1.0) / side;
        Self {
            scale,
            ox: (size - b.width() * scale) / 2.0 - b.min_x * scale,
            oy: (size - b.height() * scale) / 2.0 - b.min_y * scale,
        }
    }

    /// Where drawing point (x, y) lands.
    pub fn map(&self, x: f32, y: f32) -> (f32, f32) {
        (x * self.scale + self.ox, y * self.scale + self.oy)
    }
}

/// Renders `d` fitted into a square image (anti-aliased round-capped lines).
pub fn to_image(d: &Drawing, style: &Style) -> RgbaImage {
    grid_image(std::slice::from_ref(d), 1, style)
}

/// Renders several drawings as a grid of `style.size` cells, `cols` wide.
pub fn grid_image(drawings: &[Drawing], cols: usize, style: &Style) -> RgbaImage {
    let all: Vec<usize> = drawings.iter().map(Drawing::num_points).collect();
    grid_image_partial(drawings, &all, cols, style)
}

/// [`grid_image`] with only the first `shown[i]` points of drawing `i`
/// inked, each placed where the whole drawing would be: the frames of an
/// animation of the drawings being drawn.
pub fn grid_image_partial(
    drawings: &[Drawing],
    shown: &[usize],
    cols: usize,
    style: &Style,
) -> RgbaImage {
    let cols = cols.max(1);
    let rows = drawings.len().div_ceil(cols).max(1);
    let mut img = RgbaImage::from_pixel(
        style.size * cols as u32,
        style.size * rows as u32,
        Rgba(style.paper),
    );
    for (i, d) in drawings.iter().enumerate() {
        let (cx, cy) = (
            (i % cols) as u32 * style.size,
            (i / cols) as u32 * style.size,
        );
        draw_into(
            &mut img,
            cx,
            cy,
            d,
            shown.get(i).copied().unwrap_or(0),
            style,
        );
    }
    img
}

/// Inks the first `shown` points of `d` into the cell at (cx, cy).
fn draw_into(img: &mut RgbaImage, cx: u32, cy: u32, d: &Drawing, shown: usize, style: &Style) {
    let Some(b) = d.bounds() else { return };
    let place = Placement::fit(b, style.size as f32, style.margin);
    let r = style.width / 2.0;
    let mut left = shown;
    for stroke in &d.strokes {
        if left == 0 {
            break;
        }
        let k = stroke.points.len().min(left);
        left -= k;
        let pts: Vec<(f32, f32)> = stroke.points[..k]
            .iter()
            .map(|p| place.map(p.x, p.y))
            .collect();
        let segments: Vec<((f32, f32), (f32, f32))> = if pts.len() == 1 {
            vec![(pts[0], pts[0])]
        } else {
            pts.windows(2).map(|w| (w[0], w[1])).collect()
        };
        for (a, bb) in segments {
            stamp_segment(img, cx, cy, style.size, a, bb, r, style.ink);
        }
    }
}

/// Paints a capsule of radius `r` around a–b with coverage-based alpha.
#[allow(clippy::too_many_arguments)]
fn stamp_segment(
    img: &mut RgbaImage,
    cx: u32,
    cy: u32,
    size: u32,
    a: (f32, f32),
    b: (f32, f32),
    r: f32,
    ink: [u8; 4],
) {
    let x0 = (a.0.min(b.0) - r - 1.0).floor().max(0.0) as u32;
    let y0 = (a.1.min(b.1) - r - 1.0).floor().max(0.0) as u32;
    let x1 = ((a.0.max(b.0) + r + 1.0).ceil().max(0.0) as u32).min(size);
    let y1 = ((a.1.max(b.1) + r + 1.0).ceil().max(0.0) as u32).min(size);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    for y in y0..y1 {
        for x in x0..x1 {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let u = if len2 > 0.0 {
                (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let dist = ((px - a.0 - u * dx).powi(2) + (py - a.1 - u * dy).powi(2)).sqrt();
            let cover = (r + 0.5 - dist).clamp(0.0, 1.0);
            if cover <= 0.0 {
                continue;
            }
            let pixel = img.get_pixel_mut(cx + x, cy + y);
            for (channel, &target) in pixel.0.iter_mut().zip(&ink).take(3) {
                let old = *channel as f32;
                let new = old + (target as f32 - old) * cover;
                // Keep the darker value so overlapping segments don't lighten.
                *channel = new.round().min(old) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::drawing::{Point, Stroke};

    fn diagonal() -> Drawing {
        Drawing {
            strokes: vec![Stroke {
                points: vec![Point::xy(0.0, 0.0), Point::xy(100.0, 100.0)],
            }],
            ..Default::default()
        }
    }

    #[test]
    fn renders_ink_along_the_stroke_only() {
        let img = to_image(&diagonal(), &Style::default());
        let dark = |x: u32, y: u32| img.get_pixel(x, y).0[0] < 128;
        assert!(dark(128, 128), "centre of the diagonal is inked");
        assert!(!dark(200, 40), "far from the line stays paper");
        assert!(!dark(2, 2), "margin stays paper");
    }

    #[test]
    fn grid_has_one_cell_per_drawing() {
        let img = grid_image(&[diagonal(), diagonal(), diagonal()], 2, &Style::default());
        assert_eq!(img.dimensions(), (512, 512));
        assert!(img.get_pixel(256 + 128, 128).0[0] < 128);
        assert!(
            img.get_pixel(256 + 128, 256 + 128).0[0] > 200,
            "fourth cell is empty"
        );
    }
}
