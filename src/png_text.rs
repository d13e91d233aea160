//! Text drawn into the pictures the program writes (the confusion matrix,
//! the attention contact sheet): one rasteriser, egui's bundled monospace
//! font through `ab_glyph`, black on whatever is below.

use ab_glyph::{Font, FontRef, PxScale, PxScaleFont, ScaleFont, point};
use image::RgbImage;

/// The label size in pixels (a line box is [`LINE_PX`]).
pub const LABEL_PX: f32 = 12.0;
/// The height of one line of labels.
pub const LINE_PX: f32 = 14.0;

/// egui's monospace font, the one the app shows, for labels in pictures.
pub fn label_font() -> FontRef<'static> {
    FontRef::try_from_slice(epaint_default_fonts::HACK_REGULAR).expect("egui's bundled font parses")
}

/// The font at [`LABEL_PX`].
pub fn scaled<'a>(font: &'a FontRef<'static>) -> PxScaleFont<&'a FontRef<'static>> {
    font.as_scaled(PxScale::from(LABEL_PX))
}

/// The advance width of `text` in pixels.
pub fn text_width(font: &PxScaleFont<&FontRef>, text: &str) -> f32 {
    text.chars().map(|c| font.h_advance(font.glyph_id(c))).sum()
}

/// Draws `text` in black. Horizontal: the line box's top-left is at
/// (x, y). `vertical`: rotated to read upwards, the line box's left edge at
/// x and the text ending at y.
pub fn draw_text(
    img: &mut RgbImage,
    font: &PxScaleFont<&FontRef>,
    text: &str,
    x: f32,
    y: f32,
    vertical: bool,
) {
    // Centre the line box (ascent to descent) in a LINE_PX-pixel line.
    let pad = ((LINE_PX - (font.ascent() - font.descent())) / 2.0).max(0.0);
    let mut caret = 0.0;
    for ch in text.chars() {
        let id = font.glyph_id(ch);
        let glyph = id.with_scale_and_position(font.scale(), point(caret, pad + font.ascent()));
        caret += font.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue; // a space
        };
        let b = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            // (u, v): along the text, across it, from the line box's corner.
            let (u, v) = (b.min.x + gx as f32, b.min.y + gy as f32);
            let (px, py) = if vertical {
                (x + v, y - u)
            } else {
                (x + u, y + v)
            };
            if px < 0.0 || py < 0.0 || px as u32 >= img.width() || py as u32 >= img.height() {
                return;
            }
            let p = img.get_pixel_mut(px as u32, py as u32);
            for ch in &mut p.0 {
                *ch = (*ch as f32 * (1.0 - coverage.min(1.0))).round() as u8;
            }
        });
    }
}
