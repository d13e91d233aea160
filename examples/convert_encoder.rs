//! Convert the published EfficientNet-Lite0 weights into `weights/encoder/`.
//!
//! `cargo run --release --example convert_encoder -- SRC_DIR [DST_DIR]`
//! (SRC_DIR holds `efficientnet_lite0.safetensors`, `LICENSE`, `NOTICE.md`,
//! `imagenet_classes.txt`; DST_DIR defaults to `weights/encoder`).

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let src = PathBuf::from(
        args.next()
            .ok_or_else(|| anyhow::anyhow!("usage: convert_encoder SRC_DIR [DST_DIR]"))?,
    );
    let dst = args
        .next()
        .map_or_else(|| PathBuf::from("weights/encoder"), PathBuf::from);
    let report = rnn_studio::caption::convert::convert_encoder_weights(&src, &dst)?;
    println!(
        "wrote {} ({} bytes; {} F16 tensors, {} F32 tensors)",
        report.weights.display(),
        report.bytes,
        report.f16_tensors,
        report.f32_tensors
    );
    Ok(())
}
