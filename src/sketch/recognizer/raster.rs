//! A preprocessed drawing as a small grey image, the input of the raster
//! CNN ([`cnn`](super::cnn)): what the drawing *looks like*, where the LSTM
//! reads how it was drawn.
//!
//! The drawing (normally preprocessed, see
//! [`features::preprocess`](crate::sketch::features::preprocess)) has its bounding
//! box scaled into an S×S square with a [`MARGIN`] on every side, centred on
//! its shorter axis, and every segment is stroked with an anti-aliased pen
//! [`PEN`] pixels wide: a pixel's ink is its coverage, 1 − clamp(d − w/2 + ½),
//! with d the distance from the pixel centre to the nearest segment. Ink is
//! 1, paper 0, row-major, one channel. A one-point stroke is a dot.

use crate::sketch::drawing::Drawing;

/// Empty border, as a share of the side.
pub const MARGIN: f32 = 0.06;
/// Pen width in output pixels.
pub const PEN: f32 = 1.5;

/// The S×S image of a preprocessed drawing (row-major, ink 1, paper 0).
pub fn render(d: &Drawing, size: usize) -> Vec<f32> {
    let mut img = vec![0.0f32; size * size];
    render_into(d, size, &mut img);
    img
}

/// [`render`] into `img` (S·S values, overwritten).
pub fn render_into(d: &Drawing, size: usize, img: &mut [f32]) {
    assert_eq!(img.len(), size * size, "raster: image size");
    img.fill(0.0);
    let s = size as f32;
    let m = s * MARGIN;
    // Fit the drawing's own box (for a preprocessed drawing: the 255 frame;
    // for a prefix of one: what was drawn so far, as the live canvas would
    // preprocess it).
    let (mut lo_x, mut lo_y, mut hi_x, mut hi_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in d.strokes.iter().flat_map(|st| &st.points) {
        (lo_x, lo_y) = (lo_x.min(p.x), lo_y.min(p.y));
        (hi_x, hi_y) = (hi_x.max(p.x), hi_y.max(p.y));
    }
    if lo_x > hi_x {
        return;
    }
    let side = (hi_x - lo_x).max(hi_y - lo_y).max(1.0);
    let k = (s - 2.0 * m) / side;
    let off_x = m + (side - (hi_x - lo_x)) * k / 2.0 - lo_x * k;
    let off_y = m + (side - (hi_y - lo_y)) * k / 2.0 - lo_y * k;
    let map = |x: f32, y: f32| (x * k + off_x, y * k + off_y);
    for stroke in &d.strokes {
        let pts: Vec<(f32, f32)> = stroke.points.iter().map(|p| map(p.x, p.y)).collect();
        match pts.len() {
            0 => {}
            1 => segment(img, size, pts[0], pts[0]),
            _ => pts.windows(2).for_each(|w| segment(img, size, w[0], w[1])),
        }
    }
}

/// Strokes the segment a–b (image coordinates) with the pen: each pixel in
/// its reach keeps the larger of its ink and this segment's coverage.
fn segment(img: &mut [f32], size: usize, a: (f32, f32), b: (f32, f32)) {
    let reach = PEN / 2.0 + 0.5;
    let lo = |u: f32, v: f32| ((u.min(v) - reach).floor().max(0.0)) as usize;
    let hi = |u: f32, v: f32| ((u.max(v) + reach).ceil().max(0.0) as usize).min(size);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    for py in lo(a.1, b.1)..hi(a.1, b.1) {
        for px in lo(a.0, b.0)..hi(a.0, b.0) {
            let (cx, cy) = (px as f32 + 0.5, py as f32 + 0.5);
            // The nearest point of the segment to the pixel centre.
            let t = if len2 > 0.0 {
                (((cx - a.0) * dx + (cy - a.1) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (a.0 + t * dx - cx, a.1 + t * dy - cy);
            let ink = (reach - (ex * ex + ey * ey).sqrt()).clamp(0.0, 1.0);
            let v = &mut img[py * size + px];
            *v = v.max(ink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_horizontal_line_inks_one_row_band_and_nothing_else() {
        // A full-width line at y = 0: the drawing is 255 wide and 0 high, so
        // it is centred vertically, on the middle row.
        let img = render(&Drawing::from_xy(&[&[(0.0, 0.0), (255.0, 0.0)]]), 48);
        let row_ink: Vec<f32> = img.chunks(48).map(|r| r.iter().sum()).collect();
        let middle = row_ink
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
            .unwrap();
        assert!((23..=24).contains(&middle), "ink centred, row {middle}");
        // ≈ the pen width times the line length, in pixels.
        let total: f32 = row_ink.iter().sum();
        let length = 48.0 * (1.0 - 2.0 * MARGIN);
        assert!(
            (total - PEN * length).abs() < 0.15 * PEN * length,
            "{total}"
        );
        // Inside the margin columns there is at most the pen's round end.
        let m = (48.0 * MARGIN) as usize;
        for r in img.chunks(48) {
            assert!(r[..m - 1].iter().all(|&v| v == 0.0));
        }
        assert!(img.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn a_dot_is_drawn_and_an_empty_drawing_is_blank() {
        let img = render(&Drawing::from_xy(&[&[(100.0, 100.0)]]), 32);
        assert!(img.iter().sum::<f32>() > 1.0);
        assert!(render(&Drawing::default(), 32).iter().all(|&v| v == 0.0));
    }
}
