//! `rnn-studio eval-sketch`: scores the recognizer on the real validation
//! drawings and the held-out unknown classes.
//!
//! ```text
//! rnn-studio eval-sketch --data DIR [--weights DIR] [--confusion PNG] [--json FILE]
//! ```
//!
//! Prints top-1 / top-3 per class and macro-averaged (all classes, the
//! generator classes, the others), the known-vs-unknown AUROC, how often it
//! says "not sure", and accuracy at 25 / 50 / 100 % of the points; writes the
//! confusion matrix as a PNG and, with `--json`, the whole report.

use crate::sketch::recognizer::dataset;
use crate::sketch::recognizer::eval::{self, Report};
use anyhow::Context;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `rnn-studio eval-sketch`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalSketchArgs {
    /// The data folder (holds quickdraw/ and quickdraw-unknown/).
    #[arg(long)]
    pub data: PathBuf,
    /// Folder of the recognizer (default: recognizer/ in the weights root).
    #[arg(long, long_help = format!("Folder of the recognizer (model.safetensors, config.json). {}", crate::weights::SEARCH_ORDER))]
    pub weights: Option<PathBuf>,
    /// Where to write the confusion-matrix PNG.
    #[arg(long, default_value = "confusion.png")]
    pub confusion: PathBuf,
    /// Also write the whole report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Runs `eval-sketch`.
pub fn run(args: EvalSketchArgs) -> anyhow::Result<ExitCode> {
    let rec = super::load_recognizer(args.weights.as_deref())?;
    let mut ds = dataset::load(&args.data, None, &mut |m| eprintln!("{m}"))
        .with_context(|| format!("cannot load {}", args.data.display()))?;
    // Generator classes: those with a sketch-rnn model next to the weights.
    let gen_classes =
        crate::sketch::sketch_rnn::list_classes(&super::weights_root(crate::weights::SKETCH_RNN))
            .unwrap_or_default();
    for c in &mut ds.classes {
        c.has_generator = gen_classes.contains(&c.class);
    }
    if ds.classes.iter().map(|c| &c.class).ne(rec.classes().iter()) {
        anyhow::bail!(
            "{}: the data's classes differ from the model's ({} vs {})",
            args.data.display(),
            ds.classes.len(),
            rec.classes().len()
        );
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(1);
        b.set_style(
            indicatif::ProgressStyle::with_template("evaluating [{bar:30}] {pos}/{len} eta {eta}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        b
    });
    let mut last_tenth = 0;
    let report = eval::evaluate(&rec, &ds, &mut |done, total| match &bar {
        Some(b) => {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
        None => {
            let tenth = done * 10 / total.max(1);
            if tenth > last_tenth {
                last_tenth = tenth;
                eprintln!("evaluating: {done}/{total}");
            }
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    print_report(&report);
    let img = eval::confusion_png(&report);
    let mut buf = std::io::Cursor::new(Vec::new());
    img.write_to(&mut buf, image::ImageFormat::Png)?;
    crate::safe_io::write_atomic(&args.confusion, &buf.into_inner())
        .with_context(|| format!("cannot write {}", args.confusion.display()))?;
    println!("confusion matrix: {}", args.confusion.display());
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report)?;
        crate::safe_io::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &Report) {
    println!(
        "{:<16} {:>4} {:>4} {:>6} {:>6}",
        "class", "gen", "n", "top-1", "top-3"
    );
    for c in &r.per_class {
        println!(
            "{:<16} {:>4} {:>4} {:>6.3} {:>6.3}",
            c.class,
            if c.has_generator { "y" } else { "n" },
            c.n,
            c.top1,
            c.top3
        );
    }
    let gen_n = r.per_class.iter().filter(|c| c.has_generator).count();
    println!(
        "macro over {} classes:      top-1 {:.3}  top-3 {:.3}",
        r.per_class.len(),
        r.macro_top1,
        r.macro_top3
    );
    println!(
        "macro, {gen_n} generator classes: top-1 {:.3}  top-3 {:.3}",
        r.macro_top1_generator, r.macro_top3_generator
    );
    println!(
        "macro, {} other classes:     top-1 {:.3}  top-3 {:.3}",
        r.per_class.len() - gen_n,
        r.macro_top1_no_generator,
        r.macro_top3_no_generator
    );
    println!(
        "known vs unknown AUROC: {:.3} (evaluation unknown classes), {:.3} (calibration classes)",
        r.auroc, r.auroc_calibration
    );
    println!(
        "\"not sure\": {:.1}% of known validation drawings, {:.1}% of unknown drawings",
        r.unsure_rate_known * 100.0,
        r.unsure_rate_unknown * 100.0
    );
    let early: Vec<String> = r
        .early
        .iter()
        .map(|(f, a)| format!("{:.0}%: {a:.3}", f * 100.0))
        .collect();
    println!("macro top-1 at a share of the points: {}", early.join("  "));
}
