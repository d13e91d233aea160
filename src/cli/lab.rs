//! `rnn-studio lab`: the gradient lab from the command line.
//!
//! ```text
//! rnn-studio lab --model lstm|elman|jordan --task recall|charlm [--k 40]
//!     [--truncate K] [--clip T] [--optimizer adam|sgd] [--lr LR] [--seed S]
//!     [--epochs N] [--text FILE] [--temperature T] [--json]
//! ```
//!
//! A shell over [`crate::nn::lab::LabSession`], the trainer the app's Lab tab
//! runs. With `--json`, one JSON object per epoch: `epoch`, `updates`,
//! `loss`, `accuracy`, `chance`, `grad_norm_before_clip` and
//! `grad_norm_after_clip` (one per update), `dj_dh_by_distance`
//! (‖∂J/∂h_{t-d}‖ for d = 0 … T−1), and for `charlm` a `sample` of text.
//! Without it, one aligned line per epoch for people.

use crate::nn::lab::{EpochReport, LabConfig, LabSession, ModelKind, Optimizer, TaskKind};
use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;

/// The networks, as the CLI spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelArg {
    Lstm,
    Elman,
    Jordan,
}

/// The tasks, as the CLI spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TaskArg {
    /// Output the symbol seen k steps ago.
    Recall,
    /// Predict the next character of a text (windows of k characters).
    Charlm,
}

/// The update rules, as the CLI spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OptimizerArg {
    Adam,
    Sgd,
}

/// Arguments of `rnn-studio lab`.
#[derive(Debug, Clone, clap::Args)]
pub struct LabArgs {
    /// The network: Elman RNN, Jordan RNN or LSTM (same hidden size).
    #[arg(long, value_enum, default_value_t = ModelArg::Lstm)]
    pub model: ModelArg,
    /// The task.
    #[arg(long, value_enum, default_value_t = TaskArg::Recall)]
    pub task: TaskArg,
    /// recall: how many steps back the answer lies; charlm: the window length.
    #[arg(long, default_value_t = 20)]
    pub k: usize,
    /// Truncated BPTT: the gradient goes back at most K steps (default: full BPTT).
    #[arg(long, value_name = "K")]
    pub truncate: Option<usize>,
    /// Clip the global gradient norm to T (default: no clipping).
    #[arg(long, value_name = "T")]
    pub clip: Option<f32>,
    #[arg(long, value_enum, default_value_t = OptimizerArg::Adam)]
    pub optimizer: OptimizerArg,
    /// Learning rate.
    #[arg(long, default_value_t = 0.01)]
    pub lr: f32,
    /// Seeds the weights and the data; the same seed gives the same numbers.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of epochs (each is --updates updates).
    #[arg(long, default_value_t = 30)]
    pub epochs: usize,
    /// Updates per epoch.
    #[arg(long, default_value_t = 10)]
    pub updates: usize,
    /// Hidden size H (the same for every model).
    #[arg(long, default_value_t = 32)]
    pub hidden: usize,
    /// Sequences per update.
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// recall: the number of answer symbols (chance is 1/S).
    #[arg(long, default_value_t = 4)]
    pub symbols: usize,
    /// recall: the number of distractor symbols that fill the lag.
    #[arg(long, default_value_t = 4)]
    pub distractors: usize,
    /// LSTM only: the forget gate's initial bias (σ(5) ≈ 0.993 keeps the memory open).
    #[arg(long, default_value_t = 5.0)]
    pub forget_bias: f32,
    /// charlm: a UTF-8 text file to model (default: the lecture's {C, E, F, T} text).
    #[arg(long)]
    pub text: Option<PathBuf>,
    /// charlm: sampling temperature (0 = always the most likely character).
    #[arg(long, default_value_t = 1.0)]
    pub temperature: f32,
    /// charlm: characters to sample after each epoch.
    #[arg(long, default_value_t = 80)]
    pub sample_len: usize,
    /// Print one JSON object per epoch.
    #[arg(long)]
    pub json: bool,
}

impl LabArgs {
    /// The validated lab configuration these flags ask for.
    fn config(&self) -> anyhow::Result<LabConfig> {
        let text = match &self.text {
            Some(path) => std::fs::read_to_string(path).with_context(|| {
                crate::t!(
                    "cli-lab-cannot-read-text",
                    path = path.display().to_string()
                )
            })?,
            None => String::new(),
        };
        Ok(LabConfig {
            model: match self.model {
                ModelArg::Lstm => ModelKind::Lstm,
                ModelArg::Elman => ModelKind::Elman,
                ModelArg::Jordan => ModelKind::Jordan,
            },
            task: match self.task {
                TaskArg::Recall => TaskKind::Recall,
                TaskArg::Charlm => TaskKind::Charlm,
            },
            k: self.k,
            symbols: self.symbols,
            distractors: self.distractors,
            hidden: self.hidden,
            batch: self.batch,
            updates_per_epoch: self.updates,
            truncate: self.truncate,
            clip: self.clip,
            optimizer: match self.optimizer {
                OptimizerArg::Adam => Optimizer::Adam,
                OptimizerArg::Sgd => Optimizer::Sgd,
            },
            lr: self.lr,
            seed: self.seed,
            text,
            forget_bias: self.forget_bias,
        })
    }
}

/// Runs `rnn-studio lab`.
pub fn run(args: LabArgs) -> anyhow::Result<ExitCode> {
    let cfg = args.config()?;
    let mut session = LabSession::new(&cfg)?;
    if !args.json {
        let bptt = match cfg.truncate {
            None => crate::t!("cli-lab-full-bptt"),
            Some(k) => crate::t!("cli-lab-truncated-bptt", k = k),
        };
        let clip = match cfg.clip {
            None => crate::t!("cli-lab-clip-off"),
            Some(t) => crate::i18n::localize(t.to_string()),
        };
        println!(
            "{}",
            crate::t!(
                "cli-lab-header",
                model = cfg.model.name(),
                task = cfg.task.name(),
                k = cfg.k,
                hidden = cfg.hidden,
                bptt = bptt,
                clip = clip,
                optimizer = format!("{:?}", cfg.optimizer),
                lr = crate::i18n::localize(cfg.lr.to_string()),
                chance = crate::i18n::pct_with(f64::from(session.chance()), 1)
            )
        );
    }
    for _ in 0..args.epochs {
        let report = session.epoch();
        let sample = session.sample(args.temperature, args.sample_len, args.seed);
        if args.json {
            let mut value = serde_json::to_value(&report)?;
            if let (Some(s), Some(obj)) = (&sample, value.as_object_mut()) {
                obj.insert("sample".into(), s.clone().into());
            }
            println!("{value}");
        } else {
            println!("{}", human_line(&report));
            if let Some(s) = sample {
                println!("{}", crate::t!("cli-lab-sample", text = s));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One epoch for people: loss, accuracy, the clipping, and the profile at a
/// few distances with its far/near ratio.
fn human_line(r: &EpochReport) -> String {
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
    let p = &r.dj_dh_by_distance;
    let far = p.len().saturating_sub(1);
    let ratio = if p[0] > 0.0 { p[far] / p[0] } else { 0.0 };
    use crate::i18n::{num, pct_with, sci};
    crate::t!(
        "cli-lab-epoch",
        epoch = format!("{:>3}", r.epoch),
        loss = num(f64::from(r.loss), 3),
        accuracy = format!("{:>6}", pct_with(f64::from(r.accuracy), 1)),
        before = num(f64::from(mean(&r.grad_norm_before_clip)), 3),
        after = num(f64::from(mean(&r.grad_norm_after_clip)), 3),
        near = sci(f64::from(p[0]), 2),
        far = far,
        far_value = sci(f64::from(p[far]), 2),
        ratio = sci(f64::from(ratio), 1)
    )
}
