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
        .with_context(|| crate::t!("cli-cannot-load", path = args.data.display().to_string()))?;
    // Generator classes: those with a sketch-rnn model next to the weights.
    let gen_classes =
        crate::sketch::sketch_rnn::list_classes(&super::weights_root(crate::weights::SKETCH_RNN))
            .unwrap_or_default();
    for c in &mut ds.classes {
        c.has_generator = gen_classes.contains(&c.class);
    }
    if ds.classes.iter().map(|c| &c.class).ne(rec.classes().iter()) {
        anyhow::bail!(crate::t!(
            "cli-eval-classes-differ",
            path = args.data.display().to_string(),
            data = ds.classes.len(),
            model = rec.classes().len()
        ));
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(1);
        b.set_style(
            indicatif::ProgressStyle::with_template(&crate::t!("cli-eval-progress-bar"))
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
                eprintln!(
                    "{}",
                    crate::t!("cli-eval-progress", done = done, total = total)
                );
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
    crate::safe_io::write_atomic(&args.confusion, &buf.into_inner()).with_context(|| {
        crate::t!(
            "cli-cannot-write",
            path = args.confusion.display().to_string()
        )
    })?;
    println!(
        "{}",
        crate::t!(
            "cli-eval-confusion",
            path = args.confusion.display().to_string()
        )
    );
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report)?;
        crate::safe_io::write_atomic(path, text.as_bytes())
            .with_context(|| crate::t!("cli-cannot-write", path = path.display().to_string()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &Report) {
    use crate::i18n::{num, pct, pct_with};
    use crate::t;
    let score = |x: f64| num(x, 3);
    println!(
        "{:<16} {:>4} {:>4} {:>6} {:>6}",
        t!("cli-eval-col-class"),
        t!("cli-eval-col-gen"),
        "n",
        "top-1",
        "top-3"
    );
    for c in &r.per_class {
        let has = if c.has_generator {
            t!("cli-eval-yes")
        } else {
            t!("cli-eval-no")
        };
        println!(
            "{:<16} {has:>4} {:>4} {:>6} {:>6}",
            crate::i18n::class_name(&c.class),
            c.n,
            score(f64::from(c.top1)),
            score(f64::from(c.top3))
        );
    }
    let gen_n = r.per_class.iter().filter(|c| c.has_generator).count();
    let macro_line = |key: &str, n: usize, top1: f32, top3: f32| {
        let mut args = crate::i18n::Args::new();
        args.set("n", crate::i18n::arg(n));
        args.set("top1", crate::i18n::arg(score(f64::from(top1))));
        args.set("top3", crate::i18n::arg(score(f64::from(top3))));
        crate::i18n::tr_args(key, &args)
    };
    println!(
        "{}",
        macro_line(
            "cli-eval-macro-all",
            r.per_class.len(),
            r.macro_top1,
            r.macro_top3
        )
    );
    println!(
        "{}",
        macro_line(
            "cli-eval-macro-gen",
            gen_n,
            r.macro_top1_generator,
            r.macro_top3_generator
        )
    );
    println!(
        "{}",
        macro_line(
            "cli-eval-macro-other",
            r.per_class.len() - gen_n,
            r.macro_top1_no_generator,
            r.macro_top3_no_generator
        )
    );
    println!(
        "{}",
        t!(
            "cli-eval-auroc",
            eval = score(f64::from(r.auroc)),
            calibration = score(f64::from(r.auroc_calibration))
        )
    );
    println!(
        "{}",
        t!(
            "cli-eval-unsure",
            known = pct_with(f64::from(r.unsure_rate_known), 1),
            unknown = pct_with(f64::from(r.unsure_rate_unknown), 1)
        )
    );
    let early: Vec<String> = r
        .early
        .iter()
        .map(|(f, a)| format!("{}: {}", pct(f64::from(*f)), score(f64::from(*a))))
        .collect();
    println!("{}", t!("cli-eval-early", scores = early.join("  ")));
}
