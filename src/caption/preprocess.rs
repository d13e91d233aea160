//! Photo → encoder input: the one squash-resize and normalisation that the app,
//! the command line and the caption trainer's feature cache all call.
//!
//! Terms:
//! - **squash**: resize to exactly the encoder's input size (`224×224` for Lite0,
//!   240 for Lite1, 260 for Lite2) without cropping; the aspect ratio is
//!   not kept (the Flickr8k training photos were squashed the same way).
//! - **Pillow bilinear**: the resize of Pillow's `Image.resize(size, BILINEAR)`, which
//!   the reference outputs were made with. It is a separable triangle (tent) filter
//!   whose support widens with the downscale factor (so it is antialiased), with
//!   output pixel `i` centred at source coordinate `(i + 0.5)·scale`. Pillow runs
//!   the horizontal pass first, in 22-bit fixed point, and rounds the intermediate
//!   image to 8 bits before the vertical pass. [`squash_resize`] reproduces this
//!   bit for bit (`image::imageops::resize(.., Triangle)` has the same weights but a
//!   different pass order and rounding, so a few pixels differ by ±1 level).
//! - **input tensor**: `side·side·3` floats, **HWC** (row-major `y, x, channel`),
//!   channels R, G, B, each `x = (v − 127) / 128` (EfficientNet-Lite's
//!   normalisation; ImageNet mean/std would be wrong for these weights).

use image::RgbImage;

/// Pillow's fixed-point precision for 8-bit resampling (`PRECISION_BITS`).
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// Squash `img` to `side×side` (Pillow bilinear, see the module doc; 224 for
/// EfficientNet-Lite0) and normalise it: returns the `[side, side, 3]` HWC input
/// tensor.
///
/// An empty image (zero width or height) gives an all-zero tensor, i.e. the
/// input of a uniform grey picture.
pub fn photo_to_input(img: &RgbImage, side: usize) -> Vec<f32> {
    let resized = squash_resize(img, side as u32, side as u32);
    normalise(&resized)
}

/// Normalise an 8-bit RGB image to the encoder's input scale: returns `h·w·3`
/// floats, HWC, each `(v − 127) / 128`.
pub fn normalise(img: &RgbImage) -> Vec<f32> {
    img.as_raw()
        .iter()
        .map(|&v| (f32::from(v) - 127.0) / 128.0)
        .collect()
}

/// Resize `img` to `out_w × out_h` exactly like Pillow's
/// `Image.resize((out_w, out_h), Image.BILINEAR)` on an RGB image: horizontal
/// pass first, 8-bit intermediate, 22-bit fixed-point weights.
///
/// An empty input (zero width or height) gives a black image; a zero-sized output
/// is an empty image.
pub fn squash_resize(img: &RgbImage, out_w: u32, out_h: u32) -> RgbImage {
    let (in_w, in_h) = img.dimensions();
    // Nothing to sample from (or nothing to produce): a black image of the asked size.
    if in_w == 0 || in_h == 0 || out_w == 0 || out_h == 0 {
        return RgbImage::new(out_w, out_h);
    }
    let vert = Coeffs::bilinear(in_h as usize, out_h as usize);
    let horiz = Coeffs::bilinear(in_w as usize, out_w as usize);

    // Horizontal pass, only over the source rows the vertical pass will read.
    let first_row = vert.bounds[0].0;
    let (last_start, last_len) = vert.bounds[out_h as usize - 1];
    let rows = last_start + last_len - first_row;
    let src = img.as_raw();
    let src_stride = in_w as usize * 3;
    let mut temp = vec![0u8; rows * out_w as usize * 3];
    if in_w == out_w {
        temp.copy_from_slice(&src[first_row * src_stride..(first_row + rows) * src_stride]);
    } else {
        for (r, temp_row) in temp.chunks_exact_mut(out_w as usize * 3).enumerate() {
            let src_row = &src[(first_row + r) * src_stride..(first_row + r + 1) * src_stride];
            for (xx, out_px) in temp_row.chunks_exact_mut(3).enumerate() {
                let (start, len) = horiz.bounds[xx];
                let k = &horiz.weights[xx * horiz.ksize..xx * horiz.ksize + len];
                let taps = &src_row[start * 3..(start + len) * 3];
                // R, G, B accumulators, starting at Pillow's rounding offset.
                let mut acc = [1i32 << (PRECISION_BITS - 1); 3];
                for (&w, px) in k.iter().zip(taps.chunks_exact(3)) {
                    for (a, &v) in acc.iter_mut().zip(px) {
                        *a += i32::from(v) * w;
                    }
                }
                for (o, a) in out_px.iter_mut().zip(acc) {
                    *o = clip8(a);
                }
            }
        }
    }

    // Vertical pass over the 8-bit intermediate.
    let out_stride = out_w as usize * 3;
    let mut out = vec![0u8; out_h as usize * out_stride];
    if in_h == out_h {
        out.copy_from_slice(&temp);
    } else {
        // One accumulator per output value of the row, so the loops vectorise.
        let mut acc = vec![0i32; out_stride];
        for (yy, out_row) in out.chunks_exact_mut(out_stride).enumerate() {
            let (start, len) = vert.bounds[yy];
            let start = start - first_row;
            let k = &vert.weights[yy * vert.ksize..yy * vert.ksize + len];
            acc.fill(1 << (PRECISION_BITS - 1));
            for (i, &w) in k.iter().enumerate() {
                let row = &temp[(start + i) * out_stride..(start + i + 1) * out_stride];
                for (a, &v) in acc.iter_mut().zip(row) {
                    *a += i32::from(v) * w;
                }
            }
            for (o, &a) in out_row.iter_mut().zip(&acc) {
                *o = clip8(a);
            }
        }
    }
    RgbImage::from_raw(out_w, out_h, out).expect("buffer size matches dimensions")
}

/// Pillow's `clip8`: fixed-point accumulator → `u8`, clamped.
#[inline]
fn clip8(acc: i32) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Resampling coefficients for one axis, as Pillow's `precompute_coeffs` +
/// `normalize_coeffs_8bpc` make them.
struct Coeffs {
    /// Taps per output pixel (stride of `weights`).
    ksize: usize,
    /// Per output pixel: first source index and number of taps.
    bounds: Vec<(usize, usize)>,
    /// `[out, ksize]` fixed-point weights (22 fractional bits).
    weights: Vec<i32>,
}

impl Coeffs {
    /// Triangle filter (support 1), widened by the downscale factor.
    fn bilinear(in_size: usize, out_size: usize) -> Coeffs {
        let scale = in_size as f64 / out_size as f64;
        let filterscale = scale.max(1.0);
        let support = filterscale; // the triangle's support is 1
        let ksize = support.ceil() as usize * 2 + 1;
        let mut bounds = Vec::with_capacity(out_size);
        let mut weights = vec![0i32; out_size * ksize];
        let mut k = vec![0f64; ksize];
        for xx in 0..out_size {
            let center = (xx as f64 + 0.5) * scale;
            // Pillow truncates toward zero (a C cast) and then clamps.
            let xmin = ((center - support + 0.5) as i64).max(0) as usize;
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64) as usize;
            let len = xmax - xmin;
            let mut total = 0.0;
            for (x, kx) in k.iter_mut().enumerate().take(len) {
                let t = ((x + xmin) as f64 - center + 0.5) / filterscale;
                *kx = (1.0 - t.abs()).max(0.0);
                total += *kx;
            }
            for (x, &kx) in k.iter().enumerate().take(len) {
                let w = if total != 0.0 { kx / total } else { kx };
                let fixed = w * f64::from(1u32 << PRECISION_BITS);
                weights[xx * ksize + x] = if fixed < 0.0 {
                    (fixed - 0.5) as i32
                } else {
                    (fixed + 0.5) as i32
                };
            }
            bounds.push((xmin, len));
        }
        Coeffs {
            ksize,
            bounds,
            weights,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_size_is_a_copy() {
        let img = RgbImage::from_fn(5, 4, |x, y| image::Rgb([x as u8 * 40, y as u8 * 60, 7]));
        assert_eq!(squash_resize(&img, 5, 4), img);
    }

    #[test]
    fn constant_image_stays_constant() {
        let img = RgbImage::from_pixel(451, 300, image::Rgb([10, 128, 250]));
        let out = squash_resize(&img, 224, 224);
        assert!(out.pixels().all(|p| p.0 == [10, 128, 250]));
    }

    #[test]
    fn halving_averages_pairs_with_tent_weights() {
        // Downscale 4 → 2 in x: scale 2, support 2, centres at 1 and 3. Taps for
        // output 0: source 0..3 at distances 0.5, 0.5, 1.5 → weights 3/4, 3/4, 1/4
        // (÷ 1.75). Row [0, 100, 200, 40]: (0·3 + 100·3 + 200·1)/7 = 71.43 → 71.
        let img = RgbImage::from_fn(4, 1, |x, _| {
            let v = [0u8, 100, 200, 40][x as usize];
            image::Rgb([v, v, v])
        });
        let out = squash_resize(&img, 2, 1);
        assert_eq!(out.get_pixel(0, 0).0, [71, 71, 71]);
        // Output 1: centre 3, taps 1..4 at distances 1.5, 0.5, 0.5 → (100 + 600 + 120)/7 = 117.1.
        assert_eq!(out.get_pixel(1, 0).0, [117, 117, 117]);
    }

    #[test]
    fn normalise_maps_0_and_255() {
        let img = RgbImage::from_pixel(1, 1, image::Rgb([0, 127, 255]));
        assert_eq!(normalise(&img), vec![-127.0 / 128.0, 0.0, 1.0]);
    }
}
