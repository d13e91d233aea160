//! Decoding photos from files, bytes or the clipboard, with limits.
//!
//! Every image a user hands us goes through here: the format is sniffed from
//! the bytes (not the file name), and `image`'s `Limits` refuse anything over
//! [`MAX_SIDE`] pixels a side or [`MAX_ALLOC`] bytes of decoding memory
//! *before* the pixels are allocated, so a decompression bomb costs nothing.

use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;
use std::path::Path;

/// The largest width or height we decode.
pub const MAX_SIDE: u32 = 16_384;
/// The most memory one decode may allocate.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// The largest image file we read. Far above any photo, and read with a
/// cap, so naming `/dev/zero` or a huge file by mistake costs nothing.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a photo could not be loaded. Messages name the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageLoadError {
    #[error("{name}: cannot read file: {source}")]
    Read {
        name: String,
        source: std::io::Error,
    },
    #[error("{name}: file is empty")]
    Empty { name: String },
    #[error("{name}: not an image (supported: JPEG, PNG, WebP, BMP, GIF)")]
    UnknownFormat { name: String },
    #[error(
        "{name}: image is too large ({width}×{height} px); at most {MAX_SIDE} px a side are accepted"
    )]
    TooLarge {
        name: String,
        width: u32,
        height: u32,
    },
    #[error(
        "{name}: decoding this {width}×{height} px image needs more memory than the decoder's cap of {} MiB",
        MAX_ALLOC >> 20
    )]
    OverMemoryCap {
        name: String,
        width: u32,
        height: u32,
    },
    #[error("{name}: file is larger than the limit of {} MiB", MAX_FILE_BYTES >> 20)]
    FileTooLarge { name: String },
    #[error("{name}: image is damaged or truncated: {detail}")]
    Corrupt { name: String, detail: String },
    #[error("{name}: image has no pixels")]
    NoPixels { name: String },
}

/// A decoded photo and where it came from.
#[derive(Debug, Clone)]
pub struct Photo {
    /// File name (or "clipboard") for display and messages.
    pub name: String,
    pub image: RgbImage,
}

impl Photo {
    pub fn width(&self) -> u32 {
        self.image.width()
    }
    pub fn height(&self) -> u32 {
        self.image.height()
    }
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// Loads a photo from a file.
pub fn load_image(path: &Path) -> Result<Photo, ImageLoadError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let bytes = crate::safe_io::read_capped(path, MAX_FILE_BYTES).map_err(|e| match e {
        crate::safe_io::ReadCappedError::Io { path, source } => {
            ImageLoadError::Read { name: path, source }
        }
        crate::safe_io::ReadCappedError::TooLarge { path, .. } => {
            ImageLoadError::FileTooLarge { name: path }
        }
    })?;
    decode_image(&bytes, &name)
}

/// Decodes a photo from bytes in any supported format; `name` is used in
/// messages. GIFs give their first frame.
pub fn decode_image(bytes: &[u8], name: &str) -> Result<Photo, ImageLoadError> {
    let name = name.to_owned();
    if bytes.is_empty() {
        return Err(ImageLoadError::Empty { name });
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageLoadError::Corrupt {
            name: name.clone(),
            detail: e.to_string(),
        })?;
    if reader.format().is_none() {
        return Err(ImageLoadError::UnknownFormat { name });
    }
    let format = reader.format();
    // The header's size first, so the error can say which limit was hit.
    let size = ImageReader::with_format(Cursor::new(bytes), format.unwrap_or(ImageFormat::Png))
        .into_dimensions()
        .ok();
    if let Some((width, height)) = size
        && (width > MAX_SIDE || height > MAX_SIDE)
    {
        return Err(ImageLoadError::TooLarge {
            name,
            width,
            height,
        });
    }
    if format == Some(ImageFormat::Jpeg) && !jpeg_is_complete(bytes) {
        // The JPEG decoder fills a cut-off scan with grey and says nothing.
        return Err(ImageLoadError::Corrupt {
            name,
            detail: "the JPEG data ends before its end-of-image marker".into(),
        });
    }
    reader.limits(limits());
    let image = reader.decode().map_err(|e| classify(e, &name, size))?;
    finish(image, name)
}

/// Returns true if and only if the JPEG has an end-of-image marker (FF D9)
/// after its last start-of-scan (FF DA). Inside a scan every FF byte is
/// stuffed as FF 00, so FF D9 there can only be the real marker; bytes
/// after it (some cameras append data) are allowed.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let marker = |m: u8| bytes.windows(2).rposition(|w| w == [0xff, m]);
    match (marker(0xda), marker(0xd9)) {
        (Some(sos), Some(eoi)) => eoi > sos,
        _ => false,
    }
}

/// Builds a photo from raw RGBA pixels (what the clipboard hands over).
pub fn from_rgba(
    width: usize,
    height: usize,
    rgba: &[u8],
    name: &str,
) -> Result<Photo, ImageLoadError> {
    let name = name.to_owned();
    if width as u64 > MAX_SIDE as u64 || height as u64 > MAX_SIDE as u64 {
        return Err(ImageLoadError::TooLarge {
            name,
            width: width.min(u32::MAX as usize) as u32,
            height: height.min(u32::MAX as usize) as u32,
        });
    }
    if rgba.len() != width * height * 4 {
        return Err(ImageLoadError::Corrupt {
            name,
            detail: format!("{} bytes for {width}×{height} RGBA", rgba.len()),
        });
    }
    let img = image::RgbaImage::from_raw(width as u32, height as u32, rgba.to_vec()).ok_or_else(
        || ImageLoadError::Corrupt {
            name: name.clone(),
            detail: "pixel buffer does not match its size".into(),
        },
    )?;
    finish(DynamicImage::ImageRgba8(img), name)
}

fn finish(image: DynamicImage, name: String) -> Result<Photo, ImageLoadError> {
    if image.width() == 0 || image.height() == 0 {
        return Err(ImageLoadError::NoPixels { name });
    }
    Ok(Photo {
        name,
        image: image.to_rgb8(),
    })
}

fn classify(e: image::ImageError, name: &str, size: Option<(u32, u32)>) -> ImageLoadError {
    let name = name.to_owned();
    match e {
        image::ImageError::Limits(_) => {
            let (width, height) = size.unwrap_or((0, 0));
            ImageLoadError::OverMemoryCap {
                name,
                width,
                height,
            }
        }
        image::ImageError::Unsupported(u) => ImageLoadError::UnknownFormat {
            name: format!("{name} ({u})"),
        },
        other => ImageLoadError::Corrupt {
            name,
            detail: other.to_string(),
        },
    }
}

/// A copy no larger than `max_side` a side, for display (aspect kept).
pub fn thumbnail(img: &RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    if w <= max_side && h <= max_side {
        return img.clone();
    }
    let s = max_side as f32 / w.max(h) as f32;
    let (nw, nh) = (
        ((w as f32 * s).round() as u32).max(1),
        ((h as f32 * s).round() as u32).max(1),
    );
    image::imageops::resize(img, nw, nh, image::imageops::FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(w, h, image::Rgb([200, 10, 10]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn decodes_each_supported_format() {
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(5, 3, image::Rgb([1, 2, 3])));
        for fmt in [
            image::ImageFormat::Png,
            image::ImageFormat::Jpeg,
            image::ImageFormat::Bmp,
            image::ImageFormat::Gif,
            image::ImageFormat::WebP,
        ] {
            let mut bytes = Vec::new();
            img.write_to(&mut Cursor::new(&mut bytes), fmt).unwrap();
            let p = decode_image(&bytes, "x").unwrap_or_else(|e| panic!("{fmt:?}: {e}"));
            assert_eq!((p.width(), p.height()), (5, 3), "{fmt:?}");
        }
    }

    #[test]
    fn zero_bytes_non_image_and_truncated_are_refused() {
        assert!(matches!(
            decode_image(&[], "a.png"),
            Err(ImageLoadError::Empty { .. })
        ));
        let e = decode_image(b"hello, this is text", "notes.txt").unwrap_err();
        assert!(matches!(e, ImageLoadError::UnknownFormat { .. }), "{e}");
        let mut png = png_bytes(64, 64);
        png.truncate(png.len() / 2);
        let e = decode_image(&png, "half.png").unwrap_err();
        assert!(matches!(e, ImageLoadError::Corrupt { .. }), "{e}");
        assert!(e.to_string().starts_with("half.png: "));
    }

    #[test]
    fn a_jpeg_cut_short_is_refused_and_a_whole_one_with_trailing_bytes_is_not() {
        let img = RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&img)
            .unwrap();
        assert!(decode_image(&jpeg, "whole.jpg").is_ok());
        let mut appended = jpeg.clone();
        appended.extend_from_slice(b"camera maker notes");
        assert!(decode_image(&appended, "appended.jpg").is_ok());
        for cut in [jpeg.len() / 2, jpeg.len() - 2] {
            let e = decode_image(&jpeg[..cut], "half.jpg").unwrap_err();
            assert!(
                e.to_string().contains("damaged or truncated"),
                "cut at {cut}: {e}"
            );
        }
    }

    #[test]
    fn an_image_file_is_read_with_a_cap() {
        let t = std::time::Instant::now();
        let e = load_image(Path::new("/dev/zero")).unwrap_err();
        assert!(matches!(e, ImageLoadError::FileTooLarge { .. }), "{e}");
        assert!(e.to_string().contains("/dev/zero"), "{e}");
        assert!(t.elapsed().as_secs_f32() < 10.0);
    }

    #[test]
    fn decompression_bomb_is_refused_before_decoding() {
        // A valid PNG header claiming 30000×30000 pixels, with no real data.
        let mut png = png_bytes(1, 1);
        png[16..20].copy_from_slice(&30000u32.to_be_bytes());
        png[20..24].copy_from_slice(&30000u32.to_be_bytes());
        let crc = crc32(&png[12..29]); // IHDR chunk type + data
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let t = std::time::Instant::now();
        let e = decode_image(&png, "bomb.png").unwrap_err();
        assert!(matches!(e, ImageLoadError::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("30000×30000"), "{e}");
        assert!(t.elapsed().as_secs_f32() < 1.0);

        // Within the side limit, but over the decoder's memory cap: say so.
        png[16..20].copy_from_slice(&16000u32.to_be_bytes());
        png[20..24].copy_from_slice(&16000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = decode_image(&png, "big.png").unwrap_err();
        assert!(matches!(e, ImageLoadError::OverMemoryCap { .. }), "{e}");
        assert!(e.to_string().contains("memory") && e.to_string().contains("16000×16000"));
    }

    /// CRC-32 (IEEE) as PNG chunks use it, bit by bit.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn clipboard_pixels_must_match_their_size() {
        assert!(from_rgba(2, 2, &[0; 16], "clipboard").is_ok());
        assert!(from_rgba(2, 2, &[0; 15], "clipboard").is_err());
        assert!(from_rgba(100_000, 1, &[], "clipboard").is_err());
    }

    #[test]
    fn missing_file_names_the_path() {
        let e = load_image(Path::new("/no/such/photo.jpg")).unwrap_err();
        assert!(e.to_string().contains("/no/such/photo.jpg"), "{e}");
    }

    #[test]
    fn thumbnail_keeps_aspect() {
        let img = RgbImage::new(4000, 1000);
        assert_eq!(thumbnail(&img, 1000).dimensions(), (1000, 250));
    }
}
