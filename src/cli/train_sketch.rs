//! `rnn-studio train-sketch`: trains the doodle recognizer.
//!
//! ```text
//! rnn-studio train-sketch --data DIR [--out runs/sketch] [--seed S] [--minutes M] ...
//! ```
//!
//! Reads `DIR/quickdraw`, `DIR/quickdraw-unknown` and samples sketch-rnn
//! drawings (cached in `OUT/synthetic/`), trains the LSTM, then the raster
//! CNN that is mixed with it (`--cnn false` skips it), with checkpoints in
//! `OUT` (rerun the same command to resume), then calibrates the unsure threshold
//! and writes the model folder `OUT/model/` (copy it to `weights/recognizer/`).
//! The defaults are the recipe of the shipped weights (`weights/README.md`).

use crate::sketch::recognizer::dataset::{self, SynthOptions};
use crate::sketch::recognizer::eval;
use crate::sketch::recognizer::train::{self, CheckpointMeta, Progress, TrainConfig};
use crate::sketch::recognizer::train_cnn::{self, CnnCheckpointMeta, CnnTrainConfig};
use anyhow::Context;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `rnn-studio train-sketch`.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainSketchArgs {
    /// The data folder (holds quickdraw/ and quickdraw-unknown/).
    #[arg(long)]
    pub data: PathBuf,
    /// Output folder: checkpoints, synthetic cache, and the final model/.
    #[arg(long, default_value = "runs/sketch")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// LSTM hidden size H.
    #[arg(long, default_value_t = 192)]
    pub hidden: usize,
    /// The head also reads the running max of the top layer's output over
    /// the points so far (the strongest evidence of each unit, anywhere in
    /// the drawing).
    #[arg(long)]
    pub running_max: bool,
    /// Label smoothing ε of the cross-entropy target.
    #[arg(long, default_value_t = 0.1)]
    pub label_smoothing: f32,
    /// Validate and export an exponential moving average of the weights
    /// with this decay per update (0: the raw weights).
    #[arg(long, default_value_t = 0.998)]
    pub ema: f32,
    /// One output per unknown training class instead of a single "other"
    /// output (p(other) is their sum); `--other-classes false` for one.
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub other_classes: bool,
    /// How many classes' worth of each batch the unknown drawings get.
    #[arg(long, default_value_t = 8.0)]
    pub other_weight: f32,
    /// Augmentation: probability of reordering nearby strokes of a drawing.
    #[arg(long, default_value_t = 0.9)]
    pub stroke_order: f32,
    /// Augmentation: probability of drawing each stroke backwards.
    #[arg(long, default_value_t = 0.3)]
    pub stroke_reverse: f32,
    /// Probability that a generator class's batch element is a sketch-rnn
    /// sample rather than a real drawing.
    #[arg(long, default_value_t = 0.5)]
    pub synth_frac: f32,
    /// LSTM layers.
    #[arg(long, default_value_t = 2)]
    pub layers: usize,
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    #[arg(long, default_value_t = 50)]
    pub steps_per_epoch: usize,
    #[arg(long, default_value_t = 160)]
    pub epochs: usize,
    /// Early stopping: epochs without a better validation score.
    #[arg(long, default_value_t = 60)]
    pub patience: usize,
    #[arg(long, default_value_t = 4e-3)]
    pub lr: f32,
    #[arg(long, default_value_t = 0.25)]
    pub dropout: f32,
    /// Stop training after this many minutes of wall time (then finish normally).
    #[arg(long, default_value_t = 24.0)]
    pub minutes: f64,
    /// sketch-rnn samples per generator class and temperature (0: none).
    #[arg(long, default_value_t = 250)]
    pub synth_count: usize,
    /// sketch-rnn sampling temperatures, comma-separated.
    #[arg(long, default_value = "0.25,0.5", value_delimiter = ',')]
    pub synth_temperatures: Vec<f32>,
    /// Folder of the sketch-rnn models.
    #[arg(long)]
    pub sketch_rnn: Option<PathBuf>,
    /// Worker threads for a batch.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Train the raster CNN after the LSTM and mix the two
    /// (`--cnn false`: the LSTM alone).
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub cnn: bool,
    /// CNN: picture side S (divisible by 2 per block).
    #[arg(long, default_value_t = 48)]
    pub cnn_size: usize,
    /// CNN: channels of each conv block, comma-separated.
    #[arg(long, default_value = "24,48,96,144", value_delimiter = ',')]
    pub cnn_channels: Vec<usize>,
    #[arg(long, default_value_t = 60)]
    pub cnn_epochs: usize,
    #[arg(long, default_value_t = 100)]
    pub cnn_steps_per_epoch: usize,
    #[arg(long, default_value_t = 3e-3)]
    pub cnn_lr: f32,
    /// The CNN's share w of the mixed probabilities.
    #[arg(long, default_value_t = 0.5)]
    pub cnn_weight: f32,
    /// CNN: probability of mirroring a training picture left to right.
    #[arg(long, default_value_t = 0.0)]
    pub cnn_mirror: f32,
    /// CNN: the share of sketch-rnn samples for generator classes (default:
    /// --synth-frac, as the LSTM).
    #[arg(long)]
    pub cnn_synth_frac: Option<f32>,
    /// Stop the CNN stage after this many minutes (then finish normally).
    #[arg(long, default_value_t = 10.0)]
    pub cnn_minutes: f64,
    /// Give the CNN a cosine head of this scale (metric learning; 0: the linear head).
    #[arg(long, default_value_t = 0.0)]
    pub cnn_cosine: f32,
    /// Only write a PNG grid of augmented training drawings to this file and exit.
    #[arg(long)]
    pub preview: Option<PathBuf>,
}

/// Runs `train-sketch`.
pub fn run(args: TrainSketchArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let cnn_cfg = if args.cnn {
        Some(cnn_config(&args)?)
    } else {
        None
    };
    let synth = (args.synth_count > 0).then(|| SynthOptions {
        models: super::sketch_rnn_dir(args.sketch_rnn.as_deref()),
        cache: args.out.join("synthetic"),
        count: args.synth_count,
        temperatures: args.synth_temperatures.clone(),
    });
    let ds = dataset::load(&args.data, synth.as_ref(), &mut |m| eprintln!("{m}")).with_context(
        || {
            crate::t!(
                "cli-train-cannot-load",
                path = args.data.display().to_string()
            )
        },
    )?;
    print_data(&ds);
    let cfg = TrainConfig {
        seed: args.seed,
        hidden: args.hidden,
        layers: args.layers,
        batch: args.batch,
        steps_per_epoch: args.steps_per_epoch,
        max_epochs: args.epochs,
        patience: args.patience,
        lr: args.lr,
        dropout: args.dropout,
        max_minutes: args.minutes,
        threads: args.threads,
        running_max: args.running_max,
        label_smoothing: args.label_smoothing,
        ema: args.ema,
        other_classes: args.other_classes,
        other_weight: args.other_weight,
        stroke_order: args.stroke_order,
        synth_frac: args.synth_frac,
        stroke_reverse: args.stroke_reverse,
        ..TrainConfig::default()
    };
    if let Some(path) = &args.preview {
        write_preview(&ds, &cfg, path)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut bar = Bar::new(cfg.steps_per_epoch as u64);
    let outcome = train::train(&ds, &cfg, &args.out, &mut |p| bar.show(p))?;
    bar.finish();
    let cnn = if let Some(cnn_cfg) = &cnn_cfg {
        let mut bar = Bar::new(cnn_cfg.steps_per_epoch as u64);
        let (cnn, meta) =
            train_cnn::train_cnn(&ds, &cfg, cnn_cfg, &outcome.best, &args.out, &mut |p| {
                bar.show(p)
            })?;
        bar.finish();
        Some((cnn, meta))
    } else {
        None
    };
    eprintln!(
        "{}",
        crate::t!(
            "cli-train-calibrating",
            path = args.out.join("model").display().to_string()
        )
    );
    let cnn_meta = cnn.as_ref().map(|(_, m)| m);
    let training = training_record(&args, &ds, &outcome.meta, synth.as_ref(), cnn_meta, started);
    let rec = eval::export(
        &outcome.best,
        cnn.as_ref().map(|(net, _)| (net, args.cnn_weight)),
        &outcome.meta,
        &ds,
        training,
    )?;
    let dir = args.out.join("model");
    rec.save(&dir)?;
    let minutes =
        (outcome.meta.run.elapsed_s + cnn.as_ref().map_or(0.0, |(_, m)| m.run.elapsed_s)) / 60.0;
    eprintln!(
        "{}",
        crate::t!(
            "cli-train-wrote",
            path = dir.display().to_string(),
            threshold = crate::i18n::num(f64::from(rec.config().unsure_threshold), 3),
            minutes = crate::i18n::num(minutes, 1)
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints what the data folder holds.
fn print_data(ds: &dataset::Dataset) {
    eprintln!(
        "{}",
        crate::t!(
            "cli-train-data",
            classes = ds.classes.len(),
            train = ds.classes.iter().map(|c| c.train.len()).sum::<usize>(),
            val = ds.classes.iter().map(|c| c.val.len()).sum::<usize>(),
            synthetic = ds.classes.iter().map(|c| c.synthetic.len()).sum::<usize>(),
            unknown = format!(
                "{}/{}/{}",
                ds.unknown[0].len(),
                ds.unknown[1].len(),
                ds.unknown[2].len()
            ),
            bad = ds.bad_lines
        )
    );
}

/// `--preview`: a PNG grid of 64 augmented training drawings.
fn write_preview(ds: &dataset::Dataset, cfg: &TrainConfig, path: &Path) -> anyhow::Result<()> {
    let items = train::preview(ds, cfg, 64);
    let drawings: Vec<_> = items.into_iter().map(|(d, _)| d).collect();
    let style = crate::sketch::render::Style {
        size: 96,
        width: 1.5,
        margin: 4.0,
        ..Default::default()
    };
    let img = crate::sketch::render::grid_image(&drawings, 8, &style);
    let mut buf = std::io::Cursor::new(Vec::new());
    img.write_to(&mut buf, image::ImageFormat::Png)?;
    crate::safe_io::write_atomic(path, &buf.into_inner())
        .with_context(|| crate::t!("cli-cannot-write", path = path.display().to_string()))
}

/// How the weights were made, recorded in the exported config.
fn training_record(
    args: &TrainSketchArgs,
    ds: &dataset::Dataset,
    meta: &CheckpointMeta,
    synth: Option<&SynthOptions>,
    cnn: Option<&CnnCheckpointMeta>,
    started: std::time::Instant,
) -> serde_json::Value {
    serde_json::json!({
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "seed": args.seed,
        "train_config": meta.config,
        "epochs": meta.run.epoch,
        "best_epoch": meta.run.best_epoch,
        "training_seconds": meta.run.elapsed_s,
        "history": meta.run.history,
        "synthetic": synth.map(|s| serde_json::json!({
            "count_per_class": s.count, "temperatures": s.temperatures, "seeds": (0..s.temperatures.len()).map(dataset::synth_seed).collect::<Vec<_>>(),
        })),
        "total_seconds_this_invocation": started.elapsed().as_secs_f64(),
        "generator_classes": ds.classes.iter().filter(|c| c.has_generator).map(|c| c.class.clone()).collect::<Vec<_>>(),
        "cnn": cnn.map(|m| serde_json::json!({
            "train_config": m.config,
            "epochs": m.run.epoch,
            "best_epoch": m.run.best_epoch,
            "best_val_macro_top1_mixed": m.run.best_score,
            "training_seconds": m.run.elapsed_s,
            "history": m.run.history,
        })),
    })
}

/// The CNN stage's settings from the flags, checked before any training.
fn cnn_config(args: &TrainSketchArgs) -> anyhow::Result<CnnTrainConfig> {
    let cnn_cfg = CnnTrainConfig {
        size: args.cnn_size,
        channels: args.cnn_channels.clone(),
        epochs: args.cnn_epochs,
        steps_per_epoch: args.cnn_steps_per_epoch,
        lr: args.cnn_lr,
        weight: args.cnn_weight,
        max_minutes: args.cnn_minutes,
        mirror: args.cnn_mirror,
        synth_frac: args.cnn_synth_frac,
        cosine: args.cnn_cosine,
        ..CnnTrainConfig::default()
    };
    if cnn_cfg.size > crate::sketch::recognizer::cnn::MAX_SIDE {
        anyhow::bail!(
            "--cnn-size {} is more than {} pixels",
            cnn_cfg.size,
            crate::sketch::recognizer::cnn::MAX_SIDE
        );
    }
    if cnn_cfg.channels.is_empty()
        || cnn_cfg.size == 0
        || !cnn_cfg.size.is_multiple_of(1 << cnn_cfg.channels.len())
    {
        anyhow::bail!(
            "--cnn-size {} is not divisible by 2^{} (one halving per block of --cnn-channels)",
            cnn_cfg.size,
            cnn_cfg.channels.len()
        );
    }
    if cnn_cfg.channels.contains(&0) {
        anyhow::bail!("--cnn-channels: every block needs at least one channel");
    }
    for (flag, v) in [
        ("--cnn-weight", Some(cnn_cfg.weight)),
        ("--cnn-mirror", Some(cnn_cfg.mirror)),
        ("--cnn-synth-frac", cnn_cfg.synth_frac),
    ] {
        if let Some(v) = v
            && !(0.0..=1.0).contains(&v)
        {
            anyhow::bail!("{flag} {v} is not in [0, 1]");
        }
    }
    Ok(cnn_cfg)
}

/// A progress bar on a terminal, plain lines otherwise.
struct Bar {
    bar: Option<indicatif::ProgressBar>,
}

impl Bar {
    fn new(steps: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(steps);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "epoch {prefix} [{bar:30}] {pos}/{len} {msg} eta {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            b
        });
        Self { bar }
    }

    fn show(&mut self, p: Progress) {
        match p {
            Progress::Message(m) => match &self.bar {
                Some(b) => b.println(m),
                None => eprintln!("{m}"),
            },
            Progress::Step {
                epoch,
                step,
                steps_per_epoch,
                loss,
                acc,
            } => match &self.bar {
                Some(b) => {
                    b.set_prefix(format!("{}", epoch + 1));
                    b.set_position(step as u64);
                    b.set_message(crate::t!(
                        "cli-train-step-msg",
                        loss = crate::i18n::num(f64::from(loss), 3),
                        acc = crate::i18n::num(f64::from(acc), 3)
                    ));
                }
                None if step % 25 == 0 || step == steps_per_epoch => {
                    eprintln!(
                        "{}",
                        crate::t!(
                            "cli-train-step",
                            epoch = epoch + 1,
                            step = step,
                            steps = steps_per_epoch,
                            loss = crate::i18n::num(f64::from(loss), 3),
                            acc = crate::i18n::num(f64::from(acc), 3)
                        )
                    );
                }
                None => {}
            },
            Progress::Epoch {
                epoch,
                max_epochs,
                loss,
                acc,
                val,
                best,
                elapsed_s,
            } => {
                let per_epoch = elapsed_s / (epoch + 1) as f64;
                use crate::i18n::num;
                let line = crate::t!(
                    "cli-train-epoch",
                    epoch = epoch + 1,
                    epochs = max_epochs,
                    loss = num(f64::from(loss), 3),
                    acc = num(f64::from(acc), 3),
                    macro_top1 = num(f64::from(val.macro_top1), 3),
                    micro_top1 = num(f64::from(val.micro_top1), 3),
                    best = if best {
                        crate::t!("cli-train-best")
                    } else {
                        String::new()
                    },
                    minutes = num(elapsed_s / 60.0, 1),
                    per_epoch = num(per_epoch / 60.0, 1)
                );
                match &self.bar {
                    Some(b) => {
                        b.println(line);
                        b.set_position(0);
                    }
                    None => eprintln!("{line}"),
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
