//! `rnn-studio caption IMAGE...`: captions photos with the shipped
//! captioner. Models load once; a photo that cannot be read is reported on its
//! own line and the run goes on. Exit 0: all captioned; 1: some photos were
//! bad; 2: usage error or the models could not be loaded.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use crate::caption::captioner::{CaptionResult, DEFAULT_BEAM};
use crate::caption::image_io::load_image;

#[derive(Debug, clap::Args)]
pub struct CaptionArgs {
    /// Photos to caption (JPEG, PNG, WebP, BMP, GIF).
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// Print one JSON object per photo.
    #[arg(long)]
    pub json: bool,
    /// Beam width (1 = greedy).
    #[arg(long, default_value_t = DEFAULT_BEAM, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=20))]
    pub beam: usize,
    /// Captions listed per photo (at most the beam width).
    #[arg(long, default_value_t = 1, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=20))]
    pub nbest: usize,
    /// Also write the captions in COCO results format (`[{"image_id":…,"caption":…}]`).
    #[arg(long)]
    pub results_json: Option<PathBuf>,
    /// Weights root holding encoder/ and captioner/.
    #[arg(long, long_help = format!("Weights root holding encoder/ and captioner/. {}", crate::weights::SEARCH_ORDER))]
    pub weights: Option<PathBuf>,
}

/// The COCO image id of a file: its stem (Flickr8k names like `1000268201_693b08cb0e`).
fn image_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn json_line(file: &str, r: &CaptionResult) -> serde_json::Value {
    let best = &r.nbest[0];
    json!({
        "file": file,
        "caption": best.text,
        "logprob": round4(best.logprob),
        "nbest": r.nbest.iter().map(|h| json!({"caption": h.text, "logprob": round4(h.logprob)})).collect::<Vec<_>>(),
        "labels": r.labels.iter().map(|(c, p)| json!({"class": c, "p": round4(*p as f64)})).collect::<Vec<_>>(),
    })
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

pub fn run(args: CaptionArgs) -> anyhow::Result<ExitCode> {
    let captioner = super::load_captioner(args.weights.as_deref())?;
    let nbest = args.nbest.min(args.beam);
    let width = args
        .images
        .iter()
        .map(|p| p.display().to_string().chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let mut bad = 0;
    let mut results = Vec::new();
    for path in &args.images {
        let file = path.display().to_string();
        let photo = match load_image(path) {
            Ok(p) => p,
            Err(e) => {
                bad += 1;
                if args.json {
                    println!("{}", json!({"file": file, "error": e.to_string()}));
                } else {
                    let error = crate::t!("cli-line-error", error = e.to_string());
                    eprintln!("{file:<width$}  {error}");
                }
                continue;
            }
        };
        let r = captioner.caption(&photo.image, args.beam, nbest);
        results.push(json!({"image_id": image_id(path), "caption": r.nbest[0].text}));
        if args.json {
            println!("{}", json_line(&file, &r));
            continue;
        }
        println!("{file:<width$}  {}", r.nbest[0].text);
        if nbest > 1 {
            for h in &r.nbest {
                let logp = crate::i18n::num(h.logprob, 3);
                println!("{:<width$}    {logp:>8}  {}", "", h.text);
            }
        }
    }
    if let Some(out) = &args.results_json {
        let text = serde_json::to_string_pretty(&results)?;
        crate::safe_io::write_atomic(out, text.as_bytes())
            .with_context(|| crate::t!("cli-cannot-write", path = out.display().to_string()))?;
    }
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
