//! `rnn-studio convert-sketch-rnn --data DIR --out DIR`: converts Magenta's
//! published `*.gen.json` generators into the shipped int16 safetensors +
//! JSON config (see [`crate::sketch::sketch_rnn`]). Run once; the app never
//! parses the base64 JSON.

use crate::sketch::sketch_rnn;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `rnn-studio convert-sketch-rnn`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConvertSketchRnnArgs {
    /// Folder holding `CLASS.gen.json` files.
    #[arg(long)]
    pub data: PathBuf,
    /// Folder to write `CLASS.safetensors` and `CLASS.json` into.
    #[arg(long, default_value = "weights/sketch-rnn")]
    pub out: PathBuf,
}

/// Runs the conversion, one line per model.
pub fn run(args: ConvertSketchRnnArgs) -> anyhow::Result<ExitCode> {
    let converted = sketch_rnn::convert_dir(&args.data, &args.out, &mut |done, total, class| {
        eprintln!(
            "{}",
            crate::t!("cli-converted", done = done, total = total, class = class)
        );
    })?;
    if converted.is_empty() {
        anyhow::bail!(crate::t!(
            "cli-no-gen-json",
            path = args.data.display().to_string()
        ));
    }
    let bytes: u64 = converted.iter().map(|c| c.bytes).sum();
    println!(
        "{}",
        crate::t!(
            "cli-converted-total",
            n = converted.len(),
            mb = crate::i18n::num(bytes as f64 / 1e6, 1),
            path = args.out.display().to_string()
        )
    );
    Ok(ExitCode::SUCCESS)
}
