//! Runs the LSTM benchmark and prints one JSON object per case (the same
//! numbers `rnn-studio bench lstm --json` prints). `--fused-only` skips the
//! slow candle baselines.

fn main() -> anyhow::Result<()> {
    let skip_baseline = std::env::args().any(|a| a == "--fused-only");
    let opts = rnn_studio::cli::bench::BenchOptions {
        skip_baseline,
        ..Default::default()
    };
    for case in rnn_studio::cli::bench::bench_lstm(&opts)? {
        println!("{case}");
    }
    Ok(())
}
