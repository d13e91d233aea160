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
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the text", path.display()))?,
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
        println!(
            "{} on {} (k = {}, H = {}, {}, clip {}, {:?} lr {}), chance {:.1}%",
            cfg.model.name(),
            cfg.task.name(),
            cfg.k,
            cfg.hidden,
            cfg.truncate.map_or("full BPTT".to_string(), |k| format!(
                "truncated BPTT k = {k}"
            )),
            cfg.clip.map_or("off".to_string(), |t| format!("{t}")),
            cfg.optimizer,
            cfg.lr,
            100.0 * session.chance()
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
                println!("    sample: {s}");
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
    format!(
        "epoch {:>3}  loss {:.3}  accuracy {:>5.1}%  |g| {:.3} -> {:.3}  |dJ/dh| d=0 {:.2e}  d={far} {:.2e}  ratio {ratio:.1e}",
        r.epoch,
        r.loss,
        100.0 * r.accuracy,
        mean(&r.grad_norm_before_clip),
        mean(&r.grad_norm_after_clip),
        p[0],
        p[far],
    )
}
