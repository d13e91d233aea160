//! The command line: a thin shell over the library, one file per subcommand.
//! Only this module knows about flags; it parses them, calls library
//! functions, prints, and turns the outcome into an exit code (0 all good,
//! 1 some inputs were bad, 2 usage error or a file that could not be opened).

pub mod attention_sheet;
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
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::sketch::recognizer::Recognizer;

/// Recurrent networks at work: doodle recognition, sketch-rnn drawing,
/// photo captioning, and a look inside the LSTM. Without a command, opens
/// the desktop app.
#[derive(Debug, Parser)]
#[command(name = "rnn-studio", version, about, long_about = None)]
pub struct Cli {
    /// The language of messages and help: en or pt-BR (default: from LC_ALL, LC_MESSAGES, LANG).
    /// JSON output is the same in every language.
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::i18n::Lang>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    match crate::i18n::Lang::parse(s) {
        Some(lang) => Ok(lang),
        None => Err(crate::t!("cli-bad-lang", value = s)),
    }
}

/// `--lang` from the raw arguments, before clap parses them: the language
/// must be set before clap writes `--help` or an error. A bad value is left
/// for clap to report.
pub fn lang_from_args(args: impl IntoIterator<Item = OsString>) -> Option<crate::i18n::Lang> {
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy().into_owned();
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--lang") {
            Some("") => args.next().map(|v| v.to_string_lossy().into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if let Some(v) = value {
            return crate::i18n::Lang::parse(&v);
        }
    }
    None
}

/// Parses the process's arguments with help in the current language
/// (exits on `--help`, `--version` or a usage error, as clap does).
pub fn parse() -> Cli {
    let matches = localized(Cli::command()).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The command line's `Command` (from the derive) with its help texts in
/// the current language: the message `cli-about-<command path>` replaces a
/// command's about (its `.long` attribute the long about), and
/// `cli-arg-<command path>-<argument>` an argument's help. The English
/// messages repeat the doc comments (tests/cli_help.rs checks they agree).
pub fn localized(cmd: clap::Command) -> clap::Command {
    localize(cmd, "rnn-studio")
}

fn localize(mut cmd: clap::Command, path: &str) -> clap::Command {
    use crate::i18n::{current, has, tr, tr_attr};
    let about = format!("cli-about-{path}");
    if has(current(), &about) {
        cmd = cmd.about(tr(&about));
        if let Some(long) = tr_attr(&about, "long") {
            cmd = cmd.long_about(long);
        }
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = format!("cli-arg-{path}-{id}");
        if has(current(), &key) {
            let long = tr_attr(&key, "long");
            cmd = cmd.mut_arg(&id, |a| {
                let a = a.help(tr(&key));
                match long {
                    Some(l) => a.long_help(l),
                    None => a,
                }
            });
        }
        if current() != crate::i18n::Lang::En {
            cmd = cmd.mut_arg(&id, |a| localize_values(a, path));
        }
    }
    if current() != crate::i18n::Lang::En {
        cmd = clap_words(cmd);
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in subs {
        let sub_path = format!("{path}-{sub}");
        cmd = cmd.mut_subcommand(&sub, |s| localize(s, &sub_path));
    }
    cmd
}

/// An argument whose choices carry help (a `ValueEnum`'s doc comments):
/// clap prints those in English, so clap's list is hidden and the
/// translated one, from `cli-value-<command path>-<argument>-<value>`, is
/// written into the argument's help instead. The parser is untouched.
fn localize_values(arg: clap::Arg, path: &str) -> clap::Arg {
    use crate::i18n::{current, has, tr};
    let values = arg.get_possible_values();
    if values.is_empty() || values.iter().all(|v| v.get_help().is_none()) {
        return arg;
    }
    let id = arg.get_id().to_string();
    let keyed: Vec<(String, String)> = values
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| {
            let name = v.get_name().to_string();
            (format!("cli-value-{path}-{id}-{name}"), name)
        })
        .collect();
    if !keyed.iter().all(|(key, _)| has(current(), key)) {
        return arg;
    }
    let width = keyed
        .iter()
        .map(|(_, n)| n.chars().count())
        .max()
        .unwrap_or(0);
    let list: Vec<String> = keyed
        .iter()
        .map(|(key, name)| format!("- {name:width$}  {}", tr(key)))
        .collect();
    let names: Vec<&str> = keyed.iter().map(|(_, n)| n.as_str()).collect();
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let long = arg
        .get_long_help()
        .map(|h| h.to_string())
        .unwrap_or_else(|| help.clone());
    let short = crate::t!("cli-possible-values-short", values = names.join(", "));
    let heading = crate::t!("cli-possible-values");
    let list = format!("{heading}\n{}", list.join("\n"));
    let join = |text: &str, rest: &str, sep: &str| {
        if text.trim().is_empty() {
            rest.to_string()
        } else {
            format!("{text}{sep}{rest}")
        }
    };
    arg.hide_possible_values(true)
        .help(join(&help, &short, " "))
        .long_help(join(&long, &list, "\n\n"))
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
    /// Write the attention contact sheet: each photo, then the decoder's attention over it for each noun of its caption.
    AttentionSheet(attention_sheet::AttentionSheetArgs),
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
        Command::AttentionSheet(args) => attention_sheet::run(args),
        Command::Lab(args) => lab::run(args),
        Command::Teach(args) => teach::run(args),
        Command::Manual(args) => manual::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", crate::t!("cli-error", error = error_chain(&e)));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes, joined by ": ", each cause left out when the
/// message before it already ends with it (many of our errors print their
/// source in their own message, and `{:#}` would say it twice).
fn error_chain(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
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
            vec![
                bench::sketch_rnn::bench_sample_one(&model, runs),
                bench::sketch_rnn::bench_sample_grid(&model, 6, runs),
            ]
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

/// clap's own words (headings, `--help`, `--version`) in the current
/// language; English keeps clap's defaults untouched.
fn clap_words(mut cmd: clap::Command) -> clap::Command {
    use crate::t;
    use clap::{Arg, ArgAction};
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .filter(|a| a.get_help_heading().is_none())
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let heading = if positional {
            t!("cli-heading-arguments")
        } else {
            t!("cli-heading-options")
        };
        cmd = cmd.mut_arg(&id, |a| a.help_heading(heading));
    }
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t!("cli-heading-usage")
    );
    cmd = cmd
        .help_template(template)
        .subcommand_help_heading(t!("cli-heading-commands"))
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(t!("cli-help-flag"))
                .help_heading(t!("cli-heading-options")),
        );
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t!("cli-version-flag"))
                .help_heading(t!("cli-heading-options")),
        );
    }
    cmd
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
    .with_context(|| crate::t!("cli-cannot-load-recognizer"))
}

/// The captioner (encoder + decoders) of a `--weights ROOT` flag, or the shipped one.
pub fn load_captioner(root: Option<&Path>) -> anyhow::Result<crate::caption::captioner::Captioner> {
    let root = root.map_or_else(
        || weights_root(crate::weights::CAPTIONER),
        Path::to_path_buf,
    );
    crate::caption::captioner::Captioner::load(&root).with_context(|| {
        crate::t!(
            "cli-cannot-load-captioner",
            path = root.display().to_string()
        )
    })
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

#[cfg(test)]
mod tests {
    use super::error_chain;
    use anyhow::Context;

    #[test]
    fn an_error_chain_names_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let inner = crate::nn::safetensors::WeightsError::Io {
            path: "w.safetensors".into(),
            source: io,
        };
        let e = Err::<(), _>(inner)
            .context("building the feature cache")
            .unwrap_err();
        assert_eq!(
            error_chain(&e),
            "building the feature cache: cannot read weights w.safetensors: no such file"
        );
        // A cause that its parent does not repeat is kept.
        let e = anyhow::anyhow!("inner").context("outer");
        assert_eq!(error_chain(&e), "outer: inner");
    }
}
