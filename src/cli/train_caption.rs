//! `rnn-studio train-caption`: builds the encoder feature cache (once), then
//! trains the attention decoder on Flickr8k, resuming from the run folder's
//! checkpoint when there is one.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

use crate::caption::captioner::read_config;
use crate::caption::dataset::{
    Captions, MIRRORED_CACHE, build_feature_cache, cache_encoder, cache_matches,
};
use crate::caption::encoder::Variant;
use crate::caption::export::export;
use crate::caption::scst::{Baseline, ScstOptions, train_scst};
use crate::caption::train::{TrainEvent, TrainOptions, train};

#[derive(Debug, clap::Args)]
pub struct TrainCaptionArgs {
    /// Flickr8k folder (captions.json, images/).
    #[arg(long)]
    pub data: PathBuf,
    /// Run folder: feature cache, checkpoints, log.
    #[arg(long, default_value = "runs/caption")]
    pub out: PathBuf,
    /// Encoder weights folder.
    #[arg(long, default_value = "weights/encoder")]
    pub encoder: PathBuf,
    /// Which EfficientNet-Lite network encodes the photos (its weights file in
    /// --encoder): lite0 (224 px, 7×7 grid), lite1 (240 px, 8×8) or lite2
    /// (260 px, 9×9).
    /// (Default lite0; with --scst, the network the --init decoder reads.)
    #[arg(long, value_parser = parse_variant)]
    pub encoder_model: Option<Variant>,
    /// Only build the feature cache.
    #[arg(long)]
    pub cache_only: bool,
    /// Write the run's best epoch as shipped weights into this folder
    /// (e.g. weights/captioner) and stop, without training further.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// With --export: the decoder file to write there. The default starts a
    /// fresh folder (or replaces that file of an ensemble); another name,
    /// e.g. decoder-2.safetensors, adds this run to the ensemble already in
    /// the folder (same sizes and vocabulary).
    #[arg(long, default_value = crate::caption::captioner::DECODER_FILE)]
    pub member: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Photos per batch (each brings its five captions).
    #[arg(long, default_value_t = 12)]
    pub photos_per_batch: usize,
    /// Learning rate (default 4e-4; with --scst 2e-5).
    #[arg(long)]
    pub lr: Option<f32>,
    /// Learning rate factor per epoch.
    #[arg(long, default_value_t = 0.9)]
    pub lr_decay: f32,
    /// Global gradient norm limit.
    #[arg(long, default_value_t = 5.0)]
    pub clip: f32,
    /// Dev photos captioned after each epoch for BLEU-4 (with --scst: CIDEr-D).
    #[arg(long, default_value_t = 500)]
    pub dev_photos: usize,
    /// Epochs without a better dev BLEU-4 (with --scst: CIDEr-D) before stopping.
    #[arg(long, default_value_t = 3)]
    pub patience: usize,
    /// Stop each epoch after this many batches (timing).
    #[arg(long)]
    pub max_batches: Option<usize>,
    #[arg(long, default_value_t = 256)]
    pub embed: usize,
    #[arg(long, default_value_t = 512)]
    pub hidden: usize,
    #[arg(long, default_value_t = 512)]
    pub context: usize,
    #[arg(long, default_value_t = 256)]
    pub attention: usize,
    #[arg(long, default_value_t = 0.5)]
    pub dropout: f32,
    /// Weight λ of the doubly stochastic attention penalty.
    #[arg(long, default_value_t = 1.0)]
    pub attention_penalty: f32,
    /// Self-critical training (REINFORCE on CIDEr-D) of the decoder given by
    /// --init, instead of cross-entropy training; no dropout, sizes from
    /// --init.
    #[arg(long, requires = "init")]
    pub scst: bool,
    /// With --scst: the decoder weights to start from (its folder holds
    /// config.json and vocab.json), e.g. weights/captioner/decoder.safetensors.
    #[arg(long, requires = "scst")]
    pub init: Option<PathBuf>,
    /// With --scst: captions sampled per photo.
    #[arg(long, default_value_t = 5)]
    pub samples: usize,
    /// With --scst: what each sampled caption's reward is compared with.
    #[arg(long, value_enum, default_value_t = BaselineArg::Mean)]
    pub baseline: BaselineArg,
    /// With --scst: weight of the references' cross-entropy mixed into the loss (0: none).
    #[arg(long, default_value_t = 0.0)]
    pub xe_weight: f64,
    /// Start the word embedding from these GloVe vectors (a table trimmed to
    /// the vocabulary by scripts/trim_glove.py); without it, a random start.
    #[arg(long, conflicts_with = "scst")]
    pub glove: Option<PathBuf>,
    /// With --scst: temperature τ of the policy sampled and trained, softmax(logits / τ).
    #[arg(long, default_value_t = 0.5)]
    pub temperature: f64,
    /// Mirror augmentation: read each training photo flipped left-right half the
    /// time ("left" and "right" swapped in its captions), from a second feature
    /// cache of the flipped photos (OUT/features-mirrored, built once).
    #[arg(long)]
    pub mirror: bool,
}

/// The network whose grids the run reads: `--encoder-model`, or with `--scst`
/// the one the `--init` decoder was trained on (they must agree).
fn encoder_variant(args: &TrainCaptionArgs) -> anyhow::Result<Variant> {
    let Some(init) = args.init.as_ref().filter(|_| args.scst) else {
        return Ok(args.encoder_model.unwrap_or_default());
    };
    let dir = init.parent().unwrap_or(std::path::Path::new("."));
    let of_init = read_config(dir)?.encoder;
    match args.encoder_model {
        Some(v) if v != of_init => anyhow::bail!(
            "--encoder-model {v}, but {} reads {} grids",
            init.display(),
            of_init.model()
        ),
        _ => Ok(of_init),
    }
}

/// `lite0`, `lite1`, `lite2` (or `efficientnet-lite2` …).
pub(crate) fn parse_variant(s: &str) -> Result<Variant, String> {
    Variant::parse(s).ok_or_else(|| format!("{s:?} is not lite0, lite1 or lite2"))
}

/// The self-critical baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BaselineArg {
    /// The reward of the photo's greedy caption.
    Greedy,
    /// The mean reward of the photo's other samples.
    Mean,
}

pub fn run(args: TrainCaptionArgs) -> anyhow::Result<ExitCode> {
    if let Some(dest) = &args.export {
        let command = std::env::args().collect::<Vec<_>>().join(" ");
        let cfg = export(&args.out, dest, &args.data, &command, &args.member)?;
        eprintln!(
            "{}",
            crate::t!(
                "cli-train-caption-exported",
                member = &args.member,
                path = dest.display().to_string(),
                vocab = cfg.decoder.vocab,
                members = cfg.members.join(", ")
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    let captions = Captions::load(&args.data)?;
    let cache_dir = args.out.join("features");
    let files: Vec<String> = captions.images.iter().map(|e| e.file.clone()).collect();
    let variant = encoder_variant(&args)?;
    // A run already under way keeps the grids it started with: rebuilding the
    // cache for another network would pull it from under the checkpoint (and
    // from other runs that link to it).
    if let Ok(cached) = cache_encoder(&cache_dir)
        && cached != variant
        && args.out.join("checkpoint.json").exists()
    {
        anyhow::bail!(
            "{}: this run's feature cache holds {} grids, not {}; use another --out",
            cache_dir.display(),
            cached.model(),
            variant.model()
        );
    }
    let mut caches = vec![(cache_dir, false)];
    if args.mirror {
        caches.push((args.out.join(MIRRORED_CACHE), true));
    }
    for (dir, mirrored) in caches {
        if cache_matches(&dir, &files, variant, mirrored) {
            continue;
        }
        let what = if mirrored {
            crate::t!("cli-train-encoding-mirrored")
        } else {
            crate::t!("cli-train-encoding")
        };
        let bar = progress_bar(files.len() as u64, &what);
        let secs = build_feature_cache(
            &args.data,
            &captions,
            &args.encoder,
            variant,
            mirrored,
            &dir,
            &mut |done, total| bar.tick_to(done, total),
        )
        .with_context(|| crate::t!("cli-train-building-cache"))?;
        bar.finish();
        eprintln!(
            "{}",
            crate::t!(
                "cli-train-cache",
                n = files.len(),
                seconds = crate::i18n::num(secs, 0)
            )
        );
    }
    if args.cache_only {
        return Ok(ExitCode::SUCCESS);
    }
    let opts = TrainOptions {
        seed: args.seed,
        epochs: args.epochs,
        photos_per_batch: args.photos_per_batch,
        lr: args.lr.unwrap_or(if args.scst { 2e-5 } else { 4e-4 }),
        lr_decay: args.lr_decay,
        clip: args.clip,
        dev_photos: args.dev_photos,
        patience: args.patience,
        max_batches: args.max_batches,
        embed: args.embed,
        hidden: args.hidden,
        context: args.context,
        attention: args.attention,
        dropout: args.dropout,
        attention_penalty: args.attention_penalty,
        glove: args.glove.clone(),
        mirror: args.mirror,
        ..TrainOptions::default()
    };
    let start = std::time::Instant::now();
    let mut bar: Option<Progress> = None;
    let mut on_event = |ev: TrainEvent| match ev {
        TrainEvent::Batch {
            epoch,
            batch,
            batches,
            loss,
            reward,
        } => {
            let b = bar.get_or_insert_with(|| {
                progress_bar(batches as u64, &crate::t!("lab-epoch", n = epoch + 1))
            });
            let msg = match reward {
                Some(r) => crate::t!("cli-train-reward", reward = crate::i18n::num(r, 3)),
                None => crate::t!("cli-train-loss", loss = crate::i18n::num(loss, 3)),
            };
            b.tick_msg(batch, batches, &msg);
            if batch == batches {
                b.finish();
                bar = None;
            }
        }
        TrainEvent::Epoch(r) => {
            use crate::i18n::{num, sci};
            let bleu: Vec<String> = r.bleu.iter().map(|b| num(*b, 3)).collect();
            eprintln!(
                "{}",
                crate::t!(
                    "cli-train-caption-epoch",
                    epoch = r.epoch,
                    loss = num(r.train_loss, 3),
                    bleu = bleu.join(" "),
                    cider = num(r.cider, 3),
                    lr = sci(f64::from(r.lr), 2),
                    seconds = num(r.seconds, 0),
                    total = num(start.elapsed().as_secs_f64(), 0)
                )
            );
            if let Some(rw) = r.reward {
                eprintln!(
                    "{}",
                    crate::t!(
                        "cli-train-caption-reward",
                        sampled = num(rw.sampled, 3),
                        greedy = num(rw.greedy, 3)
                    )
                );
            }
        }
        TrainEvent::Note(s) => eprintln!("{s}"),
    };
    let scst = match (&args.init, args.scst) {
        (Some(init), true) => Some(ScstOptions {
            init: init.clone(),
            samples: args.samples,
            baseline: match args.baseline {
                BaselineArg::Greedy => Baseline::Greedy,
                BaselineArg::Mean => Baseline::Mean,
            },
            xe_weight: args.xe_weight,
            temperature: args.temperature,
        }),
        _ => None,
    };
    let state = match &scst {
        Some(scst) => train_scst(&args.data, &args.out, &opts, scst, &mut on_event)?,
        None => train(&args.data, &args.out, &opts, &mut on_event)?,
    };
    let best = state
        .best_epoch
        .map_or_else(|| "-".to_string(), |e| e.to_string());
    let seconds = crate::i18n::num(state.train_seconds, 0);
    let done = if scst.is_some() {
        crate::t!(
            "cli-train-caption-done-scst",
            epochs = state.epochs_done,
            cider = crate::i18n::num(state.best_cider, 4),
            best = best,
            seconds = seconds
        )
    } else {
        crate::t!(
            "cli-train-caption-done",
            epochs = state.epochs_done,
            bleu4 = crate::i18n::num(state.best_bleu4, 4),
            best = best,
            seconds = seconds
        )
    };
    eprintln!("{done}");
    Ok(ExitCode::SUCCESS)
}

/// A progress reporter: an indicatif bar on a terminal, plain lines otherwise.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    last_line: std::cell::Cell<std::time::Instant>,
    start: std::time::Instant,
}

/// A progress reporter over `total` units.
pub fn progress_bar(total: u64, label: &str) -> Progress {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}<{eta}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(label.to_owned());
        bar
    });
    Progress {
        bar,
        label: label.to_owned(),
        last_line: std::cell::Cell::new(std::time::Instant::now()),
        start: std::time::Instant::now(),
    }
}

impl Progress {
    /// Reports `done` of `total`.
    pub fn tick_to(&self, done: usize, total: usize) {
        self.tick_msg(done, total, "");
    }

    /// Reports `done` of `total` with a message (loss, …).
    pub fn tick_msg(&self, done: usize, total: usize, msg: &str) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            if !msg.is_empty() {
                bar.set_message(format!("{} {msg}", self.label));
            }
            return;
        }
        let now = std::time::Instant::now();
        // Plain lines at most every 10 s, and at the end.
        if done < total && now.duration_since(self.last_line.get()).as_secs_f64() < 10.0 {
            return;
        }
        let el = self.start.elapsed().as_secs_f64();
        let eta = if done > 0 {
            el * (total - done) as f64 / done as f64
        } else {
            0.0
        };
        eprintln!(
            "{} {done}/{total} {msg} elapsed {el:.0}s eta {eta:.0}s",
            self.label
        );
        self.last_line.set(now);
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}
