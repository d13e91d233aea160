//! `rnn-studio eval-teach`: few-shot quality of taught classes, measured on
//! unknown classes the base recognizer never trained on.
//!
//! ```text
//! rnn-studio eval-teach --data DIR [--part evaluate|calibrate] [--shots 1,5,10]
//!     [--new 10,20] [--draws 5] [--scale A,…] [--bias B,…] [--steps S] [--json]
//! ```
//!
//! See [`teach::eval`](crate::sketch::teach::eval) for the protocol. With
//! several `--scale` and `--bias` values every pair is measured (choose
//! them on `--part calibrate`, never on the evaluation part).

use crate::sketch::recognizer::dataset;
use crate::sketch::teach::LearnOptions;
use crate::sketch::teach::eval::{EvalOptions, evaluate};
use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;

/// Which unknown classes are taught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// Part 1: for choosing the method's settings.
    Calibrate,
    /// Part 2: the reported figures.
    Evaluate,
}

/// Arguments of `rnn-studio eval-teach`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalTeachArgs {
    /// The data folder (holds quickdraw/ and quickdraw-unknown/).
    #[arg(long)]
    pub data: PathBuf,
    /// Folder of the recognizer (default: recognizer/ in the weights root).
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// Which unknown classes to teach.
    #[arg(long, value_enum, default_value = "evaluate")]
    pub part: Part,
    /// K, examples per class (the first K drawings of its file).
    #[arg(long, value_delimiter = ',', default_values_t = [1, 5, 10])]
    pub shots: Vec<usize>,
    /// N, new classes added to the built-in ones.
    #[arg(long, value_delimiter = ',', default_values_t = [10, 20])]
    pub new: Vec<usize>,
    /// Random draws of the N classes; figures are means over them.
    #[arg(long, default_value_t = 5)]
    pub draws: usize,
    /// α values (the taught logits' scale).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub scale: Vec<f32>,
    /// β values (the taught logits' offset).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub bias: Vec<f32>,
    /// γ values (how much a taught class is a kind of "other").
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub gate: Vec<f32>,
    /// Fit steps (0: prototypes alone).
    #[arg(long)]
    pub steps: Option<usize>,
    /// λ, the anchors' share of the fit's loss.
    #[arg(long)]
    pub anchor_weight: Option<f32>,
    /// Augmented copies per example.
    #[arg(long)]
    pub copies: Option<usize>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Anchors: training drawings per built-in class.
    #[arg(long, default_value_t = 25)]
    pub anchors: usize,
    /// Anchors: training drawings per unknown class of part 0.
    #[arg(long, default_value_t = 2)]
    pub other_anchors: usize,
    /// Anchors: augmented copies of each anchor drawing, in its place (0: the
    /// training drawings themselves).
    #[arg(long, default_value_t = 0)]
    pub anchor_copies: usize,
    /// Write the anchors (the first --anchors training drawings of every
    /// built-in class, --other-anchors of every unknown class of part 0) to
    /// FILE, for shipping as recognizer/anchors.ndjson, and stop.
    #[arg(long, value_name = "FILE")]
    pub write_anchors: Option<PathBuf>,
    /// Instead of teaching: calibrate "I'm not sure" again (issue 20 item 11)
    /// with `calibrate_unsure` on the validation drawings and the calibration
    /// unknowns, and print the unsure AUROC (known validation vs the
    /// evaluation unknowns) and the precision of "It's a …" on the validation
    /// drawings, before and after.
    #[arg(long)]
    pub calibrate_unsure: bool,
    /// With --calibrate-unsure: write the new score and threshold into the
    /// recognizer's config.json (atomically).
    #[arg(long, requires = "calibrate_unsure")]
    pub write_config: bool,
    /// Print JSON (one object) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `eval-teach`.
pub fn run(args: EvalTeachArgs) -> anyhow::Result<ExitCode> {
    let rec = super::load_recognizer(args.weights.as_deref())?;
    let ds = dataset::load(&args.data, None, &mut |m| eprintln!("{m}"))
        .with_context(|| format!("cannot load {}", args.data.display()))?;
    if let Some(path) = &args.write_anchors {
        let anchors = crate::sketch::teach::anchors::select(
            &ds,
            args.anchors,
            args.other_anchors,
            args.anchor_copies,
        );
        crate::sketch::teach::anchors::write(path, &anchors)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {} anchors to {}", anchors.len(), path.display());
        return Ok(ExitCode::SUCCESS);
    }
    if args.calibrate_unsure {
        return calibrate(&rec, &ds, &args);
    }
    let defaults = LearnOptions::default();
    let learn = LearnOptions {
        steps: args.steps.unwrap_or(defaults.steps),
        copies: args.copies.unwrap_or(defaults.copies),
        anchor_weight: args.anchor_weight.unwrap_or(defaults.anchor_weight),
        ..defaults
    };
    let scales = if args.scale.is_empty() {
        vec![learn.scale]
    } else {
        args.scale.clone()
    };
    let biases = if args.bias.is_empty() {
        vec![learn.bias]
    } else {
        args.bias.clone()
    };
    let gates = if args.gate.is_empty() {
        vec![learn.gate]
    } else {
        args.gate.clone()
    };
    let mut heads = Vec::new();
    for &a in &scales {
        for &b in &biases {
            heads.extend(gates.iter().map(|&g| (a, b, g)));
        }
    }
    let opts = EvalOptions {
        part: match args.part {
            Part::Calibrate => 1,
            Part::Evaluate => 2,
        },
        shots: args.shots.clone(),
        new: args.new.clone(),
        draws: args.draws.max(1),
        heads,
        learn: learn.clone(),
        seed: args.seed,
        anchors: (args.anchors, args.other_anchors, args.anchor_copies),
    };
    let t0 = std::time::Instant::now();
    let settings = evaluate(&rec, &ds, &opts, &mut |m| eprintln!("{m}"));
    if args.json {
        let out = serde_json::json!({
            "part": format!("{:?}", args.part).to_lowercase(),
            "draws": opts.draws,
            "steps": learn.steps,
            "copies": learn.copies,
            "seed": args.seed,
            "seconds": t0.elapsed().as_secs_f32(),
            "settings": settings,
        });
        println!("{out}");
    } else {
        println!(
            "{:>3} {:>3} {:>6} {:>6} {:>5}  {:>8} {:>8}  {:>10} {:>9} {:>7}  {:>12} {:>12}  {:>8} {:>8}",
            "K",
            "N",
            "alpha",
            "beta",
            "gamma",
            "new top1",
            "new top3",
            "44 before",
            "44 after",
            "drop",
            "AUROC before",
            "AUROC pack",
            "J tau0",
            "J pack"
        );
        for s in &settings {
            println!(
                "{:>3} {:>3} {:>6.1} {:>6.1} {:>5.2}  {:>8.3} {:>8.3}  {:>10.3} {:>9.3} {:>7.3}  {:>12.3} {:>12.3}  {:>8.3} {:>8.3}",
                s.shots,
                s.new,
                s.scale,
                s.bias,
                s.gate,
                s.new_macro_top1,
                s.new_macro_top3,
                s.val_macro_top1_before,
                s.val_macro_top1_after,
                s.val_drop,
                s.auroc_before,
                s.auroc_with_pack,
                s.unsure_j_builtin,
                s.unsure_j_with_pack
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--calibrate-unsure`: the built-in classes' unsure decision, before and after.
fn calibrate(
    rec: &crate::sketch::recognizer::Recognizer,
    ds: &dataset::Dataset,
    args: &EvalTeachArgs,
) -> anyhow::Result<ExitCode> {
    use crate::sketch::recognizer::UnsureScore;
    use crate::sketch::recognizer::eval::{auroc, calibrate_unsure};
    use crate::sketch::teach::learn::features_of;
    let k = rec.classes().len();
    let logits = |drawings: Vec<crate::sketch::Drawing>| -> Vec<Vec<f32>> {
        features_of(rec, &drawings, &|_| {})
            .into_iter()
            .flatten()
            .map(|f| f.logits)
            .collect()
    };
    let mut known = Vec::new();
    for (c, cd) in ds.classes.iter().enumerate() {
        for z in logits(cd.val.clone()) {
            let best = (0..k).max_by(|&a, &b| z[a].total_cmp(&z[b]));
            known.push((z, best == Some(c)));
        }
    }
    let part = |p: usize| logits(ds.unknown[p].iter().map(|(_, d)| d.clone()).collect());
    let (calib, evals) = (part(1), part(2));
    let judge = |score: UnsureScore, threshold: f32| {
        let s: Vec<f32> = known.iter().map(|(z, _)| score.of(z, k)).collect();
        let said: Vec<bool> = known
            .iter()
            .map(|(_, ok)| *ok)
            .zip(&s)
            .filter(|(_, v)| **v >= threshold)
            .map(|(ok, _)| ok)
            .collect();
        let unknown: Vec<f32> = evals.iter().map(|z| score.of(z, k)).collect();
        let unsure_unknown = unknown.iter().filter(|&&v| v < threshold).count();
        serde_json::json!({
            "score": score,
            "threshold": threshold,
            "auroc_known_vs_unknown": auroc(&s, &unknown),
            "its_a_precision": said.iter().filter(|&&ok| ok).count() as f32 / said.len().max(1) as f32,
            "its_a_coverage": said.len() as f32 / s.len().max(1) as f32,
            "unsure_rate_unknown": unsure_unknown as f32 / unknown.len().max(1) as f32,
        })
    };
    let cfg = rec.config();
    let cal = calibrate_unsure(&known, &calib, k, cfg.other_output);
    let out = serde_json::json!({
        "validation_drawings": known.len(),
        "top1_right": known.iter().filter(|(_, ok)| *ok).count(),
        "before": judge(cfg.unsure_score, cfg.unsure_threshold),
        "after": judge(cal.score, cal.threshold),
        "auroc_right_vs_wrong_or_unknown_per_score": cal.auroc_per_score,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    if args.write_config {
        let dir = args.weights.clone().unwrap_or_else(|| {
            crate::weights::in_root(
                &super::weights_root(crate::weights::RECOGNIZER),
                crate::weights::RECOGNIZER,
            )
        });
        let path = dir.join(crate::sketch::recognizer::files::CONFIG_FILE);
        let mut new = cfg.clone();
        new.unsure_score = cal.score;
        new.unsure_threshold = cal.threshold;
        let text = serde_json::to_string_pretty(&new)? + "\n";
        crate::safe_io::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
