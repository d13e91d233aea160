//! Animated GIF export: the drawings being drawn, a few points per frame,
//! every tile of a grid at once, then the finished picture held before the
//! animation loops. Frames come from [`render::grid_image_partial`], so each
//! is exactly the PNG export of the points drawn so far; `image`'s GIF
//! encoder makes the palette.

use super::ExportError;
use crate::sketch::Drawing;
use crate::sketch::render::{self, Style};
use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, Frame};

/// How the animation runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Each frame shows this long, ms.
    pub frame_ms: u32,
    /// The finished picture shows this long before the loop starts again, ms.
    pub hold_ms: u32,
    /// The most frames (a long drawing draws more points per frame); the
    /// file's size and the encoding time grow with it.
    pub max_frames: usize,
}

impl Default for Timing {
    fn default() -> Self {
        // 25 frames a second, a 1.5 s look at the result, at most 6 s of drawing.
        Self {
            frame_ms: 40,
            hold_ms: 1500,
            max_frames: 150,
        }
    }
}

/// How many points each frame adds, and how many frames, for drawings whose
/// longest has `longest` points.
pub fn frames_for(longest: usize, timing: &Timing) -> (usize, usize) {
    let per_frame = longest.div_ceil(timing.max_frames.max(1)).max(1);
    (per_frame, longest.div_ceil(per_frame).max(1))
}

/// The animation of `drawings` (a grid `cols` wide), as GIF bytes.
pub fn animated(
    drawings: &[Drawing],
    cols: usize,
    style: &Style,
    timing: &Timing,
) -> Result<Vec<u8>, ExportError> {
    let longest = drawings.iter().map(Drawing::num_points).max().unwrap_or(0);
    let (per_frame, frames) = frames_for(longest, timing);
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut bytes, 10);
        let err = |source| ExportError::Encode {
            what: "GIF",
            source,
        };
        encoder.set_repeat(Repeat::Infinite).map_err(err)?;
        for f in 1..=frames {
            let shown: Vec<usize> = drawings
                .iter()
                .map(|d| (f * per_frame).min(d.num_points()))
                .collect();
            let img = render::grid_image_partial(drawings, &shown, cols, style);
            let ms = if f == frames {
                timing.hold_ms
            } else {
                timing.frame_ms
            };
            let frame = Frame::from_parts(img, 0, 0, Delay::from_numer_denom_ms(ms, 1));
            encoder.encode_frame(frame).map_err(err)?;
        }
    }
    Ok(bytes)
}
