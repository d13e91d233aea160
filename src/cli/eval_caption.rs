//! `rnn-studio eval-caption`: BLEU-1..4 and CIDEr-D of the shipped captioner
//! on a Flickr8k split, and a few sample captions.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::train_caption::progress_bar;
use crate::caption::captioner::DEFAULT_BEAM;
use crate::caption::dataset::FeatureCache;
use crate::caption::eval::evaluate;

#[derive(Debug, clap::Args)]
pub struct EvalCaptionArgs {
    /// Flickr8k folder (captions.json, images/).
    #[arg(long)]
    pub data: PathBuf,
    /// Split to score: dev (test is held out).
    #[arg(long, default_value = "dev")]
    pub split: String,
    /// Beam width (1 = greedy).
    #[arg(long, default_value_t = DEFAULT_BEAM)]
    pub beam: usize,
    /// Score only the first N photos of the split.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Length normalisation α of the beam (log p ÷ tokens^α; default: the captioner's config).
    #[arg(long)]
    pub length_alpha: Option<f64>,
    /// A feature cache from train-caption (RUN/features) to skip the encoder.
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Weights root holding encoder/ and captioner/.
    #[arg(long, long_help = format!("Weights root holding encoder/ and captioner/. {}", crate::weights::SEARCH_ORDER))]
    pub weights: Option<PathBuf>,
    /// Sample captions shown.
    #[arg(long, default_value_t = 5)]
    pub samples: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: EvalCaptionArgs) -> anyhow::Result<ExitCode> {
    let mut captioner = super::load_captioner(args.weights.as_deref())?;
    if let Some(alpha) = args.length_alpha {
        captioner.config.length_alpha = alpha;
    }
    let cache = match &args.cache {
        Some(dir) => Some(FeatureCache::load(dir)?),
        None => None,
    };
    let bar = progress_bar(0, &crate::t!("cli-captioning-split", split = &args.split));
    let bar = std::sync::Mutex::new(bar);
    let report = evaluate(
        &captioner,
        &args.data,
        &args.split,
        args.beam.max(1),
        args.limit,
        cache.as_ref(),
        &|done, total| {
            if let Ok(b) = bar.lock() {
                b.tick_to(done, total);
            }
        },
    )?;
    if let Ok(b) = bar.lock() {
        b.finish();
    }
    let step = (report.samples.len() / args.samples.max(1)).max(1);
    let shown: Vec<_> = report
        .samples
        .iter()
        .step_by(step)
        .take(args.samples)
        .collect();
    if args.json {
        println!(
            "{}",
            json!({
                "split": report.split, "photos": report.samples.len(), "beam": report.beam,
                "length_alpha": captioner.config.length_alpha,
                "bleu1": report.bleu[0], "bleu2": report.bleu[1], "bleu3": report.bleu[2], "bleu4": report.bleu[3],
                "cider_d": report.cider, "seconds": report.seconds,
                "samples": shown.iter().map(|s| json!({"file": s.file, "caption": s.caption, "reference": s.references[0]})).collect::<Vec<_>>(),
            })
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}",
        crate::t!(
            "cli-eval-caption-header",
            n = report.samples.len(),
            split = &report.split,
            beam = report.beam,
            seconds = crate::i18n::num(report.seconds, 0)
        )
    );
    for (k, b) in report.bleu.iter().enumerate() {
        println!("BLEU-{}   {}", k + 1, crate::i18n::num(*b, 4));
    }
    println!("CIDEr-D  {}", crate::i18n::num(report.cider, 4));
    for s in shown {
        println!(
            "\n{}\n{}\n{}",
            s.file,
            crate::t!("cli-eval-caption-model", caption = &s.caption),
            crate::t!("cli-eval-caption-reference", caption = &s.references[0])
        );
    }
    Ok(ExitCode::SUCCESS)
}
