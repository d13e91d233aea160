//! Drawing a doodle to pixels (PNG) or to SVG, for export, the CLI and
//! training-data previews. The app draws on screen with egui instead, from
//! the same [`Drawing`].

use super::drawing::{Bounds, Drawing};
use image::{Rgba, RgbaImage};
use std::fmt::Write as _;

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

/// The map from drawing coordinates to a square of `size` pixels: uniform
/// scale, centred, `margin` pixels free on the longer side.
fn fit(b: Bounds, size: f32, margin: f32) -> impl Fn(f32, f32) -> (f32, f32) {
    let side = b.width().max(b.height()).max(1.0);
    let scale = (size - 2.0 * margin).max(1.0) / side;
    let ox = (size - b.width() * scale) / 2.0 - b.min_x * scale;
    let oy = (size - b.height() * scale) / 2.0 - b.min_y * scale;
    move |x, y| (x * scale + ox, y * scale + oy)
}

/// Renders `d` fitted into a square image (anti-aliased round-capped lines).
pub fn to_image(d: &Drawing, style: &Style) -> RgbaImage {
    let mut img = RgbaImage::from_pixel(style.size, style.size, Rgba(style.paper));
    draw_into(&mut img, 0, 0, d, style);
    img
}

/// Renders several drawings as a grid of `style.size` cells, `cols` wide.
pub fn grid_image(drawings: &[Drawing], cols: usize, style: &Style) -> RgbaImage {
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
        draw_into(&mut img, cx, cy, d, style);
    }
    img
}

fn draw_into(img: &mut RgbaImage, cx: u32, cy: u32, d: &Drawing, style: &Style) {
    let Some(b) = d.bounds() else { return };
    let map = fit(b, style.size as f32, style.margin);
    let r = style.width / 2.0;
    for stroke in &d.strokes {
        let pts: Vec<(f32, f32)> = stroke.points.iter().map(|p| map(p.x, p.y)).collect();
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

/// Several drawings as one SVG document, a grid `cols` wide, each fitted to
/// a square of `style.size` units; strokes are polylines with round caps and
/// joins.
pub fn grid_svg(drawings: &[Drawing], cols: usize, style: &Style) -> String {
    let cols = cols.max(1);
    let rows = drawings.len().div_ceil(cols).max(1);
    let (w, h) = (style.size as usize * cols, style.size as usize * rows);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    let [r, g, b, _] = style.paper;
    let _ = writeln!(
        s,
        r#"<rect width="100%" height="100%" fill="rgb({r},{g},{b})"/>"#
    );
    let [r, g, b, _] = style.ink;
    let _ = writeln!(
        s,
        r#"<g fill="none" stroke="rgb({r},{g},{b})" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round">"#,
        style.width
    );
    for (i, d) in drawings.iter().enumerate() {
        let Some(bounds) = d.bounds() else { continue };
        let map = fit(bounds, style.size as f32, style.margin);
        let (ox, oy) = (
            (i % cols) as f32 * style.size as f32,
            (i / cols) as f32 * style.size as f32,
        );
        for stroke in &d.strokes {
            let mut pts = String::new();
            for p in &stroke.points {
                let (x, y) = map(p.x, p.y);
                let _ = write!(pts, "{:.1},{:.1} ", x + ox, y + oy);
            }
            // A one-point stroke still shows as a dot.
            if stroke.points.len() == 1 {
                pts.push_str(pts.clone().trim_end());
            }
            let _ = writeln!(s, r#"<polyline points="{}"/>"#, pts.trim_end());
        }
    }
    s.push_str("</g>\n</svg>\n");
    s
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

    #[test]
    fn svg_has_a_polyline_per_stroke() {
        let svg = grid_svg(&[diagonal()], 1, &Style::default());
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.starts_with("<svg"));
    }
}
