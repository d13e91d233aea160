//! Saving what was drawn — the user's doodle, a tile of the multi-predict
//! grid, the whole grid — in the formats people take elsewhere, one home per
//! format:
//!
//! - **PNG**: pixels from [`render`](super::render) ([`png`]);
//! - **SVG**: one `<path>` per stroke, in the drawing's own coordinates
//!   ([`svg`]);
//! - **ndjson**: Quick, Draw!'s format, raw coordinates and, where the pen
//!   was recorded, timings (the one writer is [`ndjson::to_line`]);
//! - **GIF**: an animation of the drawings being drawn, point by point
//!   ([`gif`]).
//!
//! Several drawings make a **grid**, `cols` cells wide, each drawing fitted
//! to its own square cell ([`render::Style::size`]).

pub mod gif;
pub mod svg;

use super::Drawing;
use super::ndjson;
use super::render::{self, Style};
use std::path::Path;

/// What went wrong encoding an export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The image encoder failed.
    #[error("cannot encode the {what}: {source}")]
    Encode {
        what: &'static str,
        #[source]
        source: image::ImageError,
    },
    /// The file name asks for a format there is no exporter for.
    #[error("{}: the file must end in .png, .svg, .ndjson or .gif", path.display())]
    UnknownFormat { path: std::path::PathBuf },
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
    Ndjson,
    Gif,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Png, Format::Svg, Format::Ndjson, Format::Gif];

    /// The format a file name's extension asks for (any case).
    pub fn of_path(path: &Path) -> Result<Format, ExportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            Some("ndjson") => Ok(Format::Ndjson),
            Some("gif") => Ok(Format::Gif),
            _ => Err(ExportError::UnknownFormat {
                path: path.to_owned(),
            }),
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Ndjson => "ndjson",
            Format::Gif => "gif",
        }
    }
}

/// `drawings` as a grid `cols` wide (one picture for one drawing; ndjson
/// has one line per drawing and no grid).
pub fn encode(
    format: Format,
    drawings: &[Drawing],
    cols: usize,
    style: &Style,
) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        Format::Png => png(&render::grid_image(drawings, cols, style))?,
        Format::Svg => svg::grid(drawings, cols, style).into_bytes(),
        Format::Ndjson => ndjson_lines(drawings).into_bytes(),
        Format::Gif => gif::animated(drawings, cols, style, &gif::Timing::default())?,
    })
}

/// An image as PNG bytes.
pub fn png(img: &image::RgbaImage) -> Result<Vec<u8>, ExportError> {
    let mut buf = std::io::Cursor::new(Vec::new());
    img.write_to(&mut buf, image::ImageFormat::Png)
        .map_err(|source| ExportError::Encode {
            what: "PNG",
            source,
        })?;
    Ok(buf.into_inner())
}

/// One ndjson line per drawing.
pub fn ndjson_lines(drawings: &[Drawing]) -> String {
    let mut s = String::new();
    for d in drawings {
        s.push_str(&ndjson::to_line(d));
        s.push('\n');
    }
    s
}

/// The number of columns of a near-square grid of `n` drawings.
pub fn square_cols(n: usize) -> usize {
    (n as f64).sqrt().ceil().max(1.0) as usize
}
