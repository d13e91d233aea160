//! An attention map over its photo, in pixels: the one upsampling of the
//! encoder's grid of weights (7×7 for Lite0, 9×9 for Lite2) and the one shade, for the app's Caption tab (the
//! hovered word's map) and the attention contact sheet
//! ([`super::sheet`]).
//!
//! Smooth upsampling is bilinear between cell centres, as a GPU's linear
//! texture filter does it: pixel (x, y) of a w×h picture samples the map at
//! ((x + ½)/w, (y + ½)/h) of its width and height, cell i is centred on
//! (i + ½)/side, and outside the outer centres the edge cells' values hold.
//! Raw upsampling is the cell under each pixel.

use image::RgbImage;

/// The side of a square map of `map.len()` weights (49 → 7).
pub fn side_of(map: &[f32]) -> usize {
    let side = (map.len() as f64).sqrt().round() as usize;
    assert_eq!(side * side, map.len(), "overlay: the map is not square");
    side
}

/// The map (`side`×`side` weights, row-major) at `w`×`h` pixels.
pub fn upsample(map: &[f32], side: usize, w: usize, h: usize, smooth: bool) -> Vec<f32> {
    assert_eq!(
        map.len(),
        side * side,
        "overlay: the map is not side × side"
    );
    // Each output coordinate's two neighbouring cells and the second's weight.
    let axis = |n: usize| -> Vec<(usize, usize, f32)> {
        (0..n)
            .map(|x| {
                let u = (x as f32 + 0.5) / n as f32 * side as f32;
                if !smooth {
                    let i = (u as usize).min(side - 1);
                    return (i, i, 0.0);
                }
                let c = (u - 0.5).clamp(0.0, (side - 1) as f32);
                let i = (c.floor() as usize).min(side - 1);
                let j = (i + 1).min(side - 1);
                (i, j, c - i as f32)
            })
            .collect()
    };
    let (xs, ys) = (axis(w), axis(h));
    let mut out = Vec::with_capacity(w * h);
    for &(y0, y1, fy) in &ys {
        for &(x0, x1, fx) in &xs {
            let at = |y: usize, x: usize| map[y * side + x];
            let top = at(y0, x0) * (1.0 - fx) + at(y0, x1) * fx;
            let bottom = at(y1, x0) * (1.0 - fx) + at(y1, x1) * fx;
            out.push(top * (1.0 - fy) + bottom * fy);
        }
    }
    out
}

/// A map moved onto a `side`×`side` grid (an ensemble member reading another
/// network's grid, averaged onto the first member's): sampled smoothly at the
/// new cells' centres, then scaled back to the map's sum (a distribution
/// stays one).
pub fn regrid(map: &[f32], side: usize) -> Vec<f32> {
    let mut out = upsample(map, side_of(map), side, side, true);
    let (was, now) = (map.iter().sum::<f32>(), out.iter().sum::<f32>());
    if now > 0.0 {
        out.iter_mut().for_each(|v| *v *= was / now);
    }
    out
}

/// How dark (alpha of black, 0–200 of 255) the photo is at each of `w`×`h`
/// pixels: transparent where the weight is the map's largest, darker as it
/// falls, 200 where the decoder did not look at all.
pub fn shade(map: &[f32], side: usize, w: usize, h: usize, smooth: bool) -> Vec<u8> {
    let max = map.iter().copied().fold(1e-6f32, f32::max);
    upsample(map, side, w, h, smooth)
        .into_iter()
        .map(|a| ((1.0 - (a / max).clamp(0.0, 1.0)) * 200.0).round() as u8)
        .collect()
}

/// `photo` darkened by [`shade`] (smooth), as the app shows it.
pub fn shade_photo(photo: &RgbImage, map: &[f32], side: usize) -> RgbImage {
    let (w, h) = (photo.width() as usize, photo.height() as usize);
    let alpha = shade(map, side, w, h, true);
    let mut out = photo.clone();
    for (p, &a) in out.pixels_mut().zip(&alpha) {
        for c in &mut p.0 {
            *c = (f32::from(*c) * (1.0 - f32::from(a) / 255.0)).round() as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smooth_upsampling_hits_cell_centres_and_interpolates_between() {
        // 2×2 map at 4×4: pixel centres at 0.25, 0.75, … of a cell.
        let map = [0.0, 1.0, 2.0, 3.0];
        let up = upsample(&map, 2, 4, 4, true);
        // Outside the outer centres the edge values hold.
        assert_eq!(up[0], 0.0);
        assert_eq!(up[15], 3.0);
        // Pixel 1 is at u = 0.75 cells: a quarter of the way to cell 1's centre.
        assert!((up[1] - 0.25).abs() < 1e-6, "{up:?}");
        assert!((up[4] - 0.5).abs() < 1e-6, "{up:?}");
        let raw = upsample(&map, 2, 4, 4, false);
        assert_eq!(&raw[..4], &[0.0, 0.0, 1.0, 1.0]);
        assert_eq!(&raw[12..], &[2.0, 2.0, 3.0, 3.0]);
    }

    /// A 9×9 map looking at its centre, moved onto 7×7, looks at the centre
    /// and still sums to one; a top-left look stays top-left.
    #[test]
    fn regridding_keeps_where_the_map_looked_and_its_sum() {
        let mut map = vec![0.0f32; 81];
        map[40] = 0.8;
        map[0] = 0.2;
        let on7 = regrid(&map, 7);
        assert_eq!(on7.len(), 49);
        assert!((on7.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        let peak = (0..49).max_by(|&a, &b| on7[a].total_cmp(&on7[b])).unwrap();
        assert_eq!(peak, 24, "{on7:?}");
        assert!(on7[0] > on7[6] && on7[0] > on7[48]);
        assert_eq!(side_of(&on7), 7);
    }

    #[test]
    fn the_shade_is_clear_at_the_peak_and_dark_where_nothing_looked() {
        let mut map = vec![0.0f32; 49];
        map[24] = 1.0;
        let s = shade(&map, 7, 7, 7, false);
        assert_eq!(s[24], 0);
        assert_eq!(s[0], 200);
    }
}
