//! `rnn-studio classify`: names doodles from ndjson files or stdin.
//!
//! ```text
//! rnn-studio classify [FILE|-]... [--json] [--top K] [--weights DIR] [--pack DIR]
//! ```
//!
//! One drawing per line, raw or simplified Quick, Draw! records or a bare
//! `drawing` array (parsed by [`ndjson::parse_line`]). Files are read line by
//! line, so a 100 000-line file is never held in memory. `--json` prints one
//! object per non-blank input line, in order:
//! `{"line":N,"key_id":"…","top":[{"class":"cat","p":0.91},…],"unsure":false}`
//! or `{"line":N,"error":"…"}` (N counts from 1 in each input; with more than
//! one input a `"file"` field names it). A bad line never stops the run.
//! Exit 0: all lines classified; 1: some lines were bad, or an input held no
//! drawings; 2: usage error or a file that could not be opened (the other
//! files are still read). A line longer than [`ndjson::MAX_LINE_BYTES`]
//! (8 MiB) is a bad line; an input that is one endless line is reported and
//! left after [`ndjson::MAX_SKIP_BYTES`], so memory stays bounded.

use crate::sketch::ndjson;
use crate::sketch::recognizer::{Guess, Recognizer};
use anyhow::Context;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `rnn-studio classify`.
#[derive(Debug, Clone, clap::Args)]
pub struct ClassifyArgs {
    /// ndjson files, `-` for stdin (the default when none is given).
    pub files: Vec<PathBuf>,
    /// One JSON object per input line.
    #[arg(long)]
    pub json: bool,
    /// How many guesses per drawing.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub top: u16,
    /// Folder of the recognizer (default: recognizer/ in the weights root).
    #[arg(long, long_help = format!("Folder of the recognizer (model.safetensors, config.json). {}", crate::weights::SEARCH_ORDER))]
    pub weights: Option<PathBuf>,
    /// Also guess the taught classes of this pack (made by `teach`); a pack
    /// whose learnt weights are out of date is learnt again in memory.
    #[arg(long, value_name = "DIR")]
    pub pack: Option<PathBuf>,
}

/// How a run went, for the exit code.
#[derive(Debug, Default)]
struct Tally {
    /// Non-blank lines read, good or bad.
    lines: usize,
    bad_lines: usize,
    bad_files: usize,
}

/// Runs `classify`.
pub fn run(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let mut rec = super::load_recognizer(args.weights.as_deref())?;
    if let Some(dir) = &args.pack {
        let pack = crate::sketch::teach::Pack::open(dir)?;
        let fingerprint = crate::sketch::teach::base_fingerprint(&rec);
        let anchors = match pack.current_head(&fingerprint) {
            Some(_) => Vec::new(),
            None => super::teach::load_anchors(&rec, args.weights.as_deref()),
        };
        rec = pack.attach(&rec, &anchors, &Default::default());
    }
    let inputs = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let name_files = inputs.len() > 1;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let color = !args.json && std::io::stdout().is_terminal();
    let mut tally = Tally::default();
    for path in &inputs {
        let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            match std::fs::File::open(path) {
                Ok(f) => Box::new(std::io::BufReader::new(f)),
                Err(e) => {
                    eprintln!(
                        "{}",
                        crate::t!(
                            "cli-cannot-open",
                            path = path.display().to_string(),
                            error = e.to_string()
                        )
                    );
                    tally.bad_files += 1;
                    continue;
                }
            }
        };
        let shown = name_files.then(|| path.display().to_string());
        let opts = LineOptions {
            json: args.json,
            top: args.top as usize,
            file: shown.as_deref(),
            color,
        };
        let lines_before = tally.lines;
        match classify_stream(&rec, reader, &opts, &mut out, &mut tally) {
            Ok(()) if tally.lines == lines_before => {
                // Nothing at all to classify is a mistake worth a word, not a silent 0.
                eprintln!("{}", crate::t!("cli-no-drawings", path = shown_name(path)));
                tally.bad_lines += 1;
            }
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            Err(e) => {
                eprintln!(
                    "{}",
                    crate::t!(
                        "cli-cannot-read",
                        path = path.display().to_string(),
                        error = e.to_string()
                    )
                );
                tally.bad_files += 1;
            }
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        r => r.with_context(|| crate::t!("cli-cannot-write-stdout"))?,
    }
    Ok(if tally.bad_files > 0 {
        ExitCode::from(2)
    } else if tally.bad_lines > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

struct LineOptions<'a> {
    json: bool,
    top: usize,
    file: Option<&'a str>,
    color: bool,
}

/// Classifies every line of `reader`, writing one result per non-blank line.
/// Read errors of the stream (not of a line's content) are returned.
fn classify_stream(
    rec: &Recognizer,
    reader: Box<dyn BufRead>,
    opts: &LineOptions<'_>,
    out: &mut impl Write,
    tally: &mut Tally,
) -> std::io::Result<()> {
    for item in ndjson::BoundedLines::new(reader) {
        let (line_no, text) = item?;
        tally.lines += 1;
        match text.and_then(|t| ndjson::parse_line(&t)) {
            Ok(d) => {
                let g = rec.classify(&d);
                write_guess(out, opts, line_no, d.key_id.as_deref(), &g)?;
            }
            Err(e) => {
                tally.bad_lines += 1;
                write_error(out, opts, line_no, &e.to_string())?;
            }
        }
    }
    Ok(())
}

/// How an input is named in messages: its path, or "stdin" for `-`.
fn shown_name(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        crate::t!("cli-stdin")
    } else {
        path.display().to_string()
    }
}

/// A class name as people write it: `palm tree` for `palm_tree`.
fn word(class: &str) -> String {
    class.replace('_', " ")
}

fn write_guess(
    out: &mut impl Write,
    opts: &LineOptions<'_>,
    line: usize,
    key_id: Option<&str>,
    g: &Guess,
) -> std::io::Result<()> {
    let top = g.top_k(opts.top);
    if opts.json {
        let mut obj = serde_json::Map::new();
        if let Some(f) = opts.file {
            obj.insert("file".into(), f.into());
        }
        obj.insert("line".into(), line.into());
        obj.insert(
            "key_id".into(),
            key_id.map_or(serde_json::Value::Null, Into::into),
        );
        let list: Vec<serde_json::Value> = top
            .iter()
            .map(|(c, p)| serde_json::json!({"class": word(c), "p": round4(*p)}))
            .collect();
        obj.insert("top".into(), list.into());
        obj.insert("unsure".into(), g.unsure.into());
        return writeln!(out, "{}", serde_json::Value::Object(obj));
    }
    let prefix = line_prefix(opts.file, line);
    // For people: the class as the current language names it.
    let guesses: Vec<String> = top
        .iter()
        .map(|(c, p)| {
            let pct = crate::i18n::pct_with(f64::from(*p), 1);
            format!("{:<14} {pct:>6}", crate::i18n::class_name(c))
        })
        .collect();
    let unsure = if !g.unsure {
        String::new()
    } else if opts.color {
        format!("  \x1b[33m{}\x1b[0m", crate::t!("cli-not-sure"))
    } else {
        format!("  {}", crate::t!("cli-not-sure"))
    };
    writeln!(out, "{prefix:<10} {}{unsure}", guesses.join("  "))
}

fn write_error(
    out: &mut impl Write,
    opts: &LineOptions<'_>,
    line: usize,
    e: &str,
) -> std::io::Result<()> {
    if opts.json {
        let mut obj = serde_json::Map::new();
        if let Some(f) = opts.file {
            obj.insert("file".into(), f.into());
        }
        obj.insert("line".into(), line.into());
        obj.insert("error".into(), e.into());
        return writeln!(out, "{}", serde_json::Value::Object(obj));
    }
    let prefix = line_prefix(opts.file, line);
    writeln!(
        out,
        "{prefix:<10} {}",
        crate::t!("cli-line-error", error = e)
    )
}

/// "cat.ndjson:3" with several files, else "line 3".
fn line_prefix(file: Option<&str>, line: usize) -> String {
    match file {
        Some(f) => format!("{f}:{line}"),
        None => crate::t!("cli-line", line = line),
    }
}

/// p rounded to 4 decimals, so JSON stays short.
fn round4(p: f32) -> f64 {
    (p as f64 * 1e4).round() / 1e4
}
