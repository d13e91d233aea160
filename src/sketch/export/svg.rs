//! SVG export: one `<path>` per stroke, its numbers the drawing's own
//! coordinates (written exactly, so the file reads back to the same
//! strokes), and one `<g>` per drawing whose `transform` fits it into its
//! grid cell. A one-point stroke is `M x y Z`: a zero-length subpath, which
//! round caps show as a dot.

use crate::sketch::Drawing;
use crate::sketch::render::{Placement, Style};
use std::fmt::Write as _;

/// Several drawings as one SVG document, a grid `cols` wide, each fitted to
/// a square of `style.size` units with round caps and joins.
pub fn grid(drawings: &[Drawing], cols: usize, style: &Style) -> String {
    let cols = cols.max(1);
    let rows = drawings.len().div_ceil(cols).max(1);
    let size = style.size as f32;
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
        r#"<g fill="none" stroke="rgb({r},{g},{b})" stroke-linecap="round" stroke-linejoin="round">"#
    );
    for (i, d) in drawings.iter().enumerate() {
        let Some(bounds) = d.bounds() else { continue };
        let p = Placement::fit(bounds, size, style.margin);
        let (cx, cy) = ((i % cols) as f32 * size, (i / cols) as f32 * size);
        // The stroke width is in output units, so it is divided by the scale.
        let _ = writeln!(
            s,
            r#"<g transform="translate({} {}) scale({})" stroke-width="{}">"#,
            cx + p.ox,
            cy + p.oy,
            p.scale,
            style.width / p.scale
        );
        for stroke in &d.strokes {
            let mut path = String::new();
            for (k, q) in stroke.points.iter().enumerate() {
                let _ = write!(path, "{}{} {} ", if k == 0 { 'M' } else { 'L' }, q.x, q.y);
            }
            if stroke.points.len() == 1 {
                path.push('Z');
            }
            let _ = writeln!(s, r#"<path d="{}"/>"#, path.trim_end());
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n</svg>\n");
    s
}
