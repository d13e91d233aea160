//! `rnn-studio bench caption`, and the photo encoder's own benchmark.
//!
//! - [`bench_caption`]: `photo_to_caption_beam3`: a whole photo → beam-3
//!   caption on the chelsea photo (scikit-image, CC0) built into the binary,
//!   with the encoder's and decoder's shares and the load time; then
//!   `encode_photo_lite0` / `lite1` / `lite2`: the same photo → grid with each
//!   EfficientNet-Lite network whose weights are in the root's `encoder/`
//!   (what a stronger encoder costs).
//! - [`bench_encoder`]: load time, and one forward pass at each thread count.
//!   A **forward** is [`Encoder::encode_input`] on a ready `[S, S, 3]`
//!   tensor (what PyTorch peers time); a **photo** run is [`Encoder::encode`]
//!   on a 640×480 picture, so it adds the squash-resize.
//!
//! Each case runs 3 times to warm up, then `runs` times; medians are reported.

use std::path::Path;
use std::time::Instant;

use image::RgbImage;

use super::{Case, elapsed_ms, median, time_runs};
use crate::caption::captioner::{CaptionError, Captioner};
use crate::caption::encoder::{Encoder, EncoderError, Variant};

/// Warm-up runs before timing.
const WARMUP: usize = 3;

/// The photo `bench caption` captions: `assets/bench/chelsea.png`, the same
/// file as the encoder's test fixture, built in so the binary needs no source tree.
const CHELSEA_PNG: &[u8] = include_bytes!("../../assets/bench/chelsea.png");

/// Timings at one thread count, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderTiming {
    pub threads: usize,
    /// Median, fastest and slowest forward pass (S×S tensor → grid + logits).
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
    /// Wall time of [`Encoder::load_dir`], ms (the file may be in the page cache).
    pub load_ms: f64,
    /// One entry per asked thread count.
    pub timings: Vec<EncoderTiming>,
}

/// Load the `variant` encoder from its own folder `weights` and time it at
/// each of `threads` (e.g. `&[1, 2]`), `runs` (at least 5) timed runs each.
pub fn bench_encoder(
    weights: &Path,
    variant: Variant,
    threads: &[usize],
    runs: usize,
) -> Result<EncoderBench, EncoderError> {
    let runs = runs.max(5);
    let start = Instant::now();
    let mut encoder = Encoder::load_dir(weights, variant)?;
    let load_ms = elapsed_ms(start);

    // The reference's synthetic input pattern, and a synthetic 640×480 photo.
    let side = variant.input_size();
    let input: Vec<f32> = (0..side * side * 3)
        .map(|i| {
            let (c, x, y) = (i % 3, (i / 3) % side, i / (3 * side));
            ((7 * c + 3 * y + 5 * x) % 256) as f32 / 128.0 - 127.0 / 128.0
        })
        .collect();
    let photo = RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });

    let mut timings = Vec::with_capacity(threads.len());
    for &t in threads {
        encoder.set_threads(t);
        let forward = time_runs(WARMUP, runs, || encoder.encode_input(&input).map(drop))?.ms;
        let photo_times = time_runs::<_, EncoderError>(WARMUP, runs, || {
            encoder.encode(&photo);
            Ok(())
        })?
        .ms;
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
    /// The networks that encoded the photo.
    pub encoders: Vec<Variant>,
}

/// Loads the captioner from the weights root and times `runs` (at least 5)
/// captions of `photo` with beam `beam`, after [`WARMUP`] untimed ones.
pub fn bench_captioner(
    weights_root: &Path,
    photo: &RgbImage,
    beam: usize,
    runs: usize,
) -> Result<CaptionerBench, CaptionError> {
    let runs = runs.max(5);
    let start = Instant::now();
    let captioner = Captioner::load(weights_root)?;
    let load_ms = elapsed_ms(start);
    let timed =
        time_runs::<_, CaptionError>(WARMUP, runs, || Ok(captioner.caption(photo, beam, 1)))?;
    let enc: Vec<f64> = timed.outputs.iter().map(|r| r.encoder_ms).collect();
    let dec: Vec<f64> = timed.outputs.iter().map(|r| r.decoder_ms).collect();
    let caption = timed
        .outputs
        .last()
        .map(|r| r.nbest[0].text.clone())
        .unwrap_or_default();
    Ok(CaptionerBench {
        load_ms,
        median_ms: timed.median_ms(),
        encoder_ms: median(&enc),
        decoder_ms: median(&dec),
        beam,
        runs,
        caption,
        encoders: captioner.config.encoders(),
    })
}

/// The `photo_to_caption_beam3` case: [`bench_captioner`] on the built-in
/// chelsea photo, the captioner loaded from the weights root `weights_root`.
pub fn bench_caption(weights_root: &Path, runs: usize) -> anyhow::Result<Vec<Case>> {
    let photo = crate::caption::image_io::decode_image(CHELSEA_PNG, "chelsea.png")?.image;
    let b = bench_captioner(weights_root, &photo, 3, runs)?;
    let threads = rayon::current_num_threads();
    let mut cases = vec![serde_json::json!({
        "case": "photo_to_caption_beam3",
        "encoder": b.encoders.iter().map(|v| v.name()).collect::<Vec<_>>().join("+"),
        "median_ms": b.median_ms,
        "encoder_ms": b.encoder_ms,
        "decoder_ms": b.decoder_ms,
        "load_ms": b.load_ms,
        "runs": b.runs,
        "threads": threads,
        "caption": b.caption,
    })];
    let dir = crate::weights::in_root(weights_root, crate::weights::ENCODER);
    for variant in Variant::ALL {
        if !dir.join(variant.weights_file()).is_file() {
            continue;
        }
        let encoder = Encoder::load_dir(&dir, variant)?;
        let t = time_runs::<_, EncoderError>(WARMUP, runs.max(5), || Ok(encoder.encode(&photo)))?;
        cases.push(serde_json::json!({
            "case": format!("encode_photo_{}", variant.name()),
            "median_ms": t.median_ms(),
            "input_px": variant.input_size(),
            "grid": format!("{0}x{0}", variant.grid_side()),
            "runs": runs.max(5),
            "threads": threads,
        }));
    }
    Ok(cases)
}
