//! Convert the published EfficientNet-Lite weights into `weights/encoder/`.
//!
//! `cargo run --release --example convert_encoder -- SRC_DIR [DST_DIR] [lite0|lite1|lite2]`
//! (SRC_DIR holds `efficientnet_lite{N}.safetensors` in F32, and `LICENSE`,
//! `NOTICE.md`, `imagenet_classes.txt` for Lite0; DST_DIR defaults to
//! `weights/encoder`, the network to lite0).

use std::path::PathBuf;

use rnn_studio::caption::encoder::Variant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let src = PathBuf::from(
        args.next()
            .ok_or_else(|| anyhow::anyhow!("usage: convert_encoder SRC_DIR [DST_DIR]"))?,
    );
    let dst = args
        .next()
        .map_or_else(|| PathBuf::from("weights/encoder"), PathBuf::from);
    let variant = match args.next() {
        Some(s) => {
            let s = s.to_string_lossy();
            Variant::parse(&s).ok_or_else(|| anyhow::anyhow!("{s}: not lite0, lite1 or lite2"))?
        }
        None => Variant::Lite0,
    };
    let report = rnn_studio::caption::convert::convert_encoder_weights(&src, &dst, variant)?;
    println!(
        "wrote {} ({} bytes; {} F16 tensors, {} F32 tensors)",
        report.weights.display(),
        report.bytes,
        report.f16_tensors,
        report.f32_tensors
    );
    Ok(())
}
