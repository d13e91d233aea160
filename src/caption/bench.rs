//! The encoder benchmark behind `rnn-studio bench caption`: load time, and the
//! median time of one forward pass at each thread count.
//!
//! Terms: a **forward** is [`Encoder::encode_input`] on a ready `[224, 224, 3]`
//! tensor (what PyTorch peers time); a **photo** run is [`Encoder::encode`] on a
//! 640×480 picture, so it adds the squash-resize. Each case runs 3 times to warm
//! up, then `runs` times; the median is reported. Nothing is printed: the caller
//! formats the numbers.

use std::path::Path;
use std::time::Instant;

use image::RgbImage;

use super::encoder::{Encoder, EncoderError};
use super::preprocess::INPUT_SIZE;

/// Warm-up runs before timing.
const WARMUP: usize = 3;

/// Timings at one thread count, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderTiming {
    pub threads: usize,
    /// Median, fastest and slowest forward pass (224×224 tensor → grid + logits).
    pub forward_median_ms: f64,
    pub forward_min_ms: f64,
    pub forward_max_ms: f64,
    /// Median of a whole photo (640×480 → resize → forward).
    pub photo_median_ms: f64,
    /// Timed runs per case.
    pub runs: usize,
}

/// What [`bench_encoder`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderBench {
    /// Wall time of [`Encoder::load`], ms (the file may be in the page cache).
    pub load_ms: f64,
    /// One entry per asked thread count.
    pub timings: Vec<EncoderTiming>,
}

/// Load the encoder from `weights` and time it at each of `threads` (e.g.
/// `&[1, 2]`), `runs` (at least 5) timed runs each.
pub fn bench_encoder(
    weights: &Path,
    threads: &[usize],
    runs: usize,
) -> Result<EncoderBench, EncoderError> {
    let runs = runs.max(5);
    let start = Instant::now();
    let mut encoder = Encoder::load(weights)?;
    let load_ms = start.elapsed().as_secs_f64() * 1e3;

    // The reference's synthetic input pattern, and a synthetic 640×480 photo.
    let input: Vec<f32> = (0..INPUT_SIZE * INPUT_SIZE * 3)
        .map(|i| {
            let (c, x, y) = (i % 3, (i / 3) % INPUT_SIZE, i / (3 * INPUT_SIZE));
            ((7 * c + 3 * y + 5 * x) % 256) as f32 / 128.0 - 127.0 / 128.0
        })
        .collect();
    let photo = RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });

    let mut timings = Vec::with_capacity(threads.len());
    for &t in threads {
        encoder.set_threads(t);
        let forward = time_runs(runs, || encoder.encode_input(&input).map(drop))?;
        let photo_times = time_runs(runs, || {
            encoder.encode(&photo);
            Ok(())
        })?;
        timings.push(EncoderTiming {
            threads: encoder.threads(),
            forward_median_ms: median(&forward),
            forward_min_ms: forward.iter().copied().fold(f64::INFINITY, f64::min),
            forward_max_ms: forward.iter().copied().fold(0.0, f64::max),
            photo_median_ms: median(&photo_times),
            runs,
        });
    }
    Ok(EncoderBench { load_ms, timings })
}

/// Run `f` [`WARMUP`] times, then `runs` times; returns the timed runs in ms.
fn time_runs(
    runs: usize,
    mut f: impl FnMut() -> Result<(), EncoderError>,
) -> Result<Vec<f64>, EncoderError> {
    for _ in 0..WARMUP {
        f()?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    Ok(times)
}

/// Median of a non-empty sample.
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// What [`bench_captioner`] measured, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptionerBench {
    /// Wall time of [`Captioner::load`] (encoder + decoder + vocabulary).
    pub load_ms: f64,
    /// Median of a whole caption (photo → encoder → beam search).
    pub median_ms: f64,
    /// Medians of the two halves.
    pub encoder_ms: f64,
    pub decoder_ms: f64,
    pub beam: usize,
    pub runs: usize,
    /// The caption produced (a sanity check for the reader).
    pub caption: String,
}

/// Loads the captioner from the weights root and times `runs` (at least 5)
/// captions of `photo` with beam `beam`, after [`WARMUP`] untimed ones.
pub fn bench_captioner(
    weights_root: &Path,
    photo: &RgbImage,
    beam: usize,
    runs: usize,
) -> Result<CaptionerBench, super::captioner::CaptionError> {
    let runs = runs.max(5);
    let start = Instant::now();
    let captioner = super::captioner::Captioner::load(weights_root)?;
    let load_ms = start.elapsed().as_secs_f64() * 1e3;
    for _ in 0..WARMUP {
        captioner.caption(photo, beam, 1);
    }
    let (mut total, mut enc, mut dec) = (Vec::new(), Vec::new(), Vec::new());
    let mut caption = String::new();
    for _ in 0..runs {
        let start = Instant::now();
        let r = captioner.caption(photo, beam, 1);
        total.push(start.elapsed().as_secs_f64() * 1e3);
        enc.push(r.encoder_ms);
        dec.push(r.decoder_ms);
        caption = r.nbest[0].text.clone();
    }
    Ok(CaptionerBench {
        load_ms,
        median_ms: median(&total),
        encoder_ms: median(&enc),
        decoder_ms: median(&dec),
        beam,
        runs,
        caption,
    })
}
