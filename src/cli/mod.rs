//! The command line: a thin shell over the library, one file per subcommand.
//! Only this module knows about flags; it parses them, calls library
//! functions, prints, and turns the outcome into an exit code (0 all good,
//! 1 some inputs were bad, 2 usage error or a file that could not be opened).

pub mod caption;
pub mod classify;
pub mod convert_sketch_rnn;
pub mod draw;
pub mod eval_caption;
pub mod eval_sketch;
pub mod eval_teach;
pub mod inspect;
pub mod lab;
pub mod manual;
pub mod teach;
pub mod train_caption;
pub mod train_sketch;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::sketch::recognizer::Recognizer;

/// Recurrent networks at work: doodle recognition, sketch-rnn drawing,
/// photo captioning, and a look inside the LSTM. Without a command, opens
/// the desktop app.
#[derive(Debug, Parser)]
#[command(name = "rnn-studio", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure speed: medians of repeated runs, in ms, with baselines measured in the same run.
    Bench(BenchArgs),
    /// Draw doodles with a sketch-rnn generator (`--list` shows the classes).
    Draw(draw::DrawArgs),
    /// Convert sketch-rnn `.gen.json` generators into the shipped safetensors format.
    ConvertSketchRnn(convert_sketch_rnn::ConvertSketchRnnArgs),
    /// Name doodles: ndjson files or stdin, one drawing per line.
    ///
    /// Limits: a line may be at most 8 MiB long and a drawing at most 100 000
    /// points and 10 000 strokes, with coordinates within ±1e6; a longer line
    /// is reported as a bad line and the run goes on with the next one. An
    /// input with no drawings is reported on stderr (exit 1).
    Classify(classify::ClassifyArgs),
    /// Score the doodle recognizer on real validation drawings and unknown classes.
    EvalSketch(eval_sketch::EvalSketchArgs),
    /// Teach the recognizer new classes from a few drawings (a pack of taught classes).
    ///
    /// `teach NAME=FILE.ndjson …` adds every drawing of FILE as an example of
    /// NAME and learns again; `--list`, `--rename OLD=NEW`, `--delete NAME`,
    /// `--export FILE` and `--import FILE` manage the pack. The pack lives in
    /// $XDG_DATA_HOME/rnn-studio/classes (else ~/.local/share/rnn-studio/classes)
    /// unless `--pack DIR` names another; `classify --pack DIR` and the app use it.
    Teach(teach::TeachArgs),
    /// Score taught classes: teach K drawings of each of N unknown classes, test on the rest.
    EvalTeach(eval_teach::EvalTeachArgs),
    /// Render the recognizer's gates and guesses over time for a drawing.
    Inspect(inspect::InspectArgs),
    /// Train the doodle recognizer (resumable: rerun the same command).
    TrainSketch(train_sketch::TrainSketchArgs),
    /// Caption photos with the shipped captioner.
    Caption(caption::CaptionArgs),
    /// Score the shipped captioner on a Flickr8k split (BLEU-1..4, CIDEr-D).
    EvalCaption(eval_caption::EvalCaptionArgs),
    /// Train the photo captioner's attention decoder on Flickr8k.
    TrainCaption(train_caption::TrainCaptionArgs),
    /// The gradient lab: train an Elman RNN, a Jordan RNN or an LSTM on recall or a
    /// character model and print loss, accuracy and the gradient-norm profile per epoch.
    Lab(lab::LabArgs),
    /// Write the man pages and the shell completions (for packagers).
    #[command(hide = true)]
    Manual(manual::ManualArgs),
}

/// Which benchmark to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchWhich {
    /// The fused LSTM against composed candle (training step, streaming step).
    Lstm,
    /// sketch-rnn: sampling one whole drawing (the bird model, default temperature).
    SketchRnn,
    /// The doodle recognizer: live update and whole-drawing classify.
    Sketch,
    /// The photo captioner: load, encoder, beam-3 decoder, whole caption.
    Caption,
    /// The app: process start to first frame (needs a display), and model loads.
    Startup,
    /// Teaching: learning 10 new classes of 5 drawings each (anchors fresh and cached).
    Teach,
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    pub which: BenchWhich,
    /// Print one JSON object per case.
    #[arg(long)]
    pub json: bool,
    /// Timed runs per case (after a warm-up run).
    #[arg(long, default_value_t = 7)]
    pub runs: usize,
    /// Skip the slow baselines (composed candle takes seconds per run).
    #[arg(long)]
    pub no_baseline: bool,
}

/// Runs one subcommand.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Bench(args) => run_bench(&args),
        Command::Draw(args) => draw::run(args),
        Command::ConvertSketchRnn(args) => convert_sketch_rnn::run(args),
        Command::TrainSketch(args) => train_sketch::run(args),
        Command::Classify(args) => classify::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::EvalSketch(args) => eval_sketch::run(args),
        Command::EvalTeach(args) => eval_teach::run(args),
        Command::TrainCaption(args) => train_caption::run(args),
        Command::Caption(args) => caption::run(args),
        Command::EvalCaption(args) => eval_caption::run(args),
        Command::Lab(args) => lab::run(args),
        Command::Teach(args) => teach::run(args),
        Command::Manual(args) => manual::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rnn-studio: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_bench(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    use crate::bench;
    let runs = args.runs.max(5);
    let cases = match args.which {
        BenchWhich::Lstm => bench::lstm::bench_lstm(&bench::lstm::BenchOptions {
            runs,
            skip_baseline: args.no_baseline,
            ..Default::default()
        })?,
        BenchWhich::SketchRnn => {
            let root = weights_root(crate::weights::SKETCH_RNN);
            let model = crate::sketch::sketch_rnn::SketchRnn::load(&root, "bird")?;
            vec![bench::sketch_rnn::bench_sample_one(&model, runs)]
        }
        BenchWhich::Sketch => {
            bench::sketch::bench_sketch(&load_recognizer(None)?, runs, !args.no_baseline)
        }
        BenchWhich::Caption => {
            bench::caption::bench_caption(&weights_root(crate::weights::CAPTIONER), args.runs)?
        }
        BenchWhich::Startup => bench::startup::bench(args.runs)?,
        BenchWhich::Teach => {
            let rec = load_recognizer(None)?;
            let dir = crate::weights::in_root(
                &weights_root(crate::weights::RECOGNIZER),
                crate::weights::RECOGNIZER,
            );
            let path = dir.join(crate::sketch::teach::anchors::ANCHORS_FILE);
            let anchors = crate::sketch::teach::anchors::read(&path).map_err(anyhow::Error::msg)?;
            bench::teach::bench_teach(&rec, &anchors, args.runs.clamp(3, 7))
        }
    };
    print_cases(&cases, args.json);
    Ok(ExitCode::SUCCESS)
}

/// The weights root holding `model` (see [`crate::weights`]); when none
/// does, the first place looked, so that the load's error names a path.
pub fn weights_root(model: &str) -> PathBuf {
    crate::weights::root_for(model).unwrap_or_else(|e| e.looked[0].clone())
}

/// The recognizer of a `--weights DIR` flag (the recognizer's own folder,
/// e.g. a training run's `model/`), or the shipped one.
pub fn load_recognizer(dir: Option<&Path>) -> anyhow::Result<Recognizer> {
    match dir {
        Some(dir) => Recognizer::load_dir(dir),
        None => Recognizer::load(&weights_root(crate::weights::RECOGNIZER)),
    }
    .context("cannot load the recognizer")
}

/// The captioner (encoder + decoders) of a `--weights ROOT` flag, or the shipped one.
pub fn load_captioner(root: Option<&Path>) -> anyhow::Result<crate::caption::captioner::Captioner> {
    let root = root.map_or_else(
        || weights_root(crate::weights::CAPTIONER),
        Path::to_path_buf,
    );
    crate::caption::captioner::Captioner::load(&root)
        .with_context(|| format!("cannot load the captioner from {}", root.display()))
}

/// The folder of converted sketch-rnn models: a `--weights`-style flag's, or the shipped one.
pub fn sketch_rnn_dir(flag: Option<&Path>) -> PathBuf {
    use crate::weights::{SKETCH_RNN, in_root};
    flag.map_or_else(
        || in_root(&weights_root(SKETCH_RNN), SKETCH_RNN),
        Path::to_path_buf,
    )
}

/// Prints benchmark cases as JSON lines, or aligned for people.
pub fn print_cases(cases: &[serde_json::Value], json: bool) {
    for case in cases {
        if json {
            println!("{case}");
            continue;
        }
        let Some(obj) = case.as_object() else {
            continue;
        };
        let name = obj.get("case").and_then(|v| v.as_str()).unwrap_or("?");
        let rest: Vec<String> = obj
            .iter()
            .filter(|(k, _)| k.as_str() != "case")
            .map(|(k, v)| match v.as_f64() {
                Some(f) => format!("{k} {f:.3}"),
                None => format!("{k} {v}"),
            })
            .collect();
        println!("{name:<32} {}", rest.join("  "));
    }
}
