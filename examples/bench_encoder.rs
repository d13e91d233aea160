//! Time the photo encoder at 1 and 2 threads until `rnn-studio bench caption`
//! is wired: `cargo run --release --example bench_encoder -- [WEIGHTS_DIR] [RUNS] [lite0|lite1|lite2]`.

use std::path::PathBuf;

use rnn_studio::caption::encoder::Variant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let weights = args
        .next()
        .map_or_else(|| PathBuf::from("weights/encoder"), PathBuf::from);
    let runs = args.next().map_or(Ok(20), |s| s.parse())?;
    let variant = args.next().map_or(Ok(Variant::Lite0), |s| {
        Variant::parse(&s).ok_or_else(|| anyhow::anyhow!("{s}: not lite0, lite1 or lite2"))
    })?;
    let bench = rnn_studio::bench::caption::bench_encoder(&weights, variant, &[1, 2], runs)?;
    println!("load: {:.1} ms", bench.load_ms);
    for t in &bench.timings {
        println!(
            "threads {}: forward median {:.2} ms (min {:.2}, max {:.2}); photo 640x480 median {:.2} ms; {} runs",
            t.threads,
            t.forward_median_ms,
            t.forward_min_ms,
            t.forward_max_ms,
            t.photo_median_ms,
            t.runs
        );
    }
    Ok(())
}
