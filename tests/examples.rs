//! Every example a user can copy runs: the `rnn-studio …` lines in the
//! README's shell blocks (and README.pt-BR.md's), in `--help` and in the man
//! pages.
//!
//! Each example is first parsed by the real command-line parser, so a
//! renamed flag or a wrong value fails here. Then the ones that need only
//! what a fresh clone has are run for real, in a scratch folder that holds
//! the files the READMEs name (`drawings.ndjson` or `desenhos.ndjson`,
//! `photo.jpg`, `other.png`, made from the fixtures), and must exit 0 with
//! output. Three adjustments, all to keep the suite short: `bench` runs
//! with `--no-baseline` (its candle baseline alone takes 40 s), `draw
//! --judge` with `--count 1` (50 drawings of each class at each temperature
//! take minutes), and examples that read a dataset
//! (`--data DATA…`: the datasets are not in a clone) are parsed only.
//! Class names offered as examples in `--help` ("e.g. `bird`") must be
//! classes the command accepts.

use clap::Parser;
use rnn_studio::cli::Cli;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rnn-studio");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Where an example was found, for the failure message.
struct Example {
    source: String,
    line: String,
}

/// The `rnn-studio …` lines of a Markdown file's ```sh blocks, with their
/// trailing `# comments` removed.
fn markdown_examples(path: &Path) -> Vec<Example> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut out = Vec::new();
    let mut in_sh = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with("```") {
            in_sh = !in_sh && t.trim_start_matches('`').starts_with("sh");
            continue;
        }
        if in_sh && t.starts_with("rnn-studio ") {
            out.push(Example {
                source: format!("{name}:{}", i + 1),
                line: strip_comment(t).to_string(),
            });
        }
    }
    out
}

/// A line up to its first ` #` outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\'' => quoted = !quoted,
            b'#' if !quoted && i > 0 && b[i - 1].is_ascii_whitespace() => {
                return line[..i].trim_end();
            }
            _ => {}
        }
    }
    line.trim_end()
}

/// Splits a command line into words (single quotes group, as in sh).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn help_text(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?} --help failed");
    String::from_utf8(out.stdout).unwrap()
}

fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect()
}

/// `rnn-studio …` lines in every `--help` (not the `Usage:` lines) and
/// every man page (roff, with its escapes undone).
fn help_and_man_examples(scratch: &Path) -> Vec<Example> {
    let mut out = Vec::new();
    let mut texts = Vec::new();
    for lang in ["en", "pt-BR"] {
        texts.push((
            format!("--lang {lang} --help"),
            help_text(&["--lang", lang]),
        ));
        for sub in subcommands() {
            let text = help_text(&["--lang", lang, &sub]);
            texts.push((format!("--lang {lang} {sub} --help"), text));
        }
    }
    let man = scratch.join("manual");
    let status = Command::new(BIN)
        .args(["manual", "--out"])
        .arg(&man)
        .status()
        .unwrap();
    assert!(status.success(), "rnn-studio manual failed");
    // Every page, the Portuguese ones (man/pt_BR/man1/) included.
    let mut pages = Vec::new();
    walk(&man.join("man"), &mut pages);
    for path in pages {
        let roff = std::fs::read_to_string(&path).unwrap();
        let plain = roff
            .replace("\\-", "-")
            .replace("\\fB", "")
            .replace("\\fR", "");
        let name = path.strip_prefix(&man).unwrap().display().to_string();
        texts.push((name, plain));
    }
    for (source, text) in texts {
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            // Not a synopsis ("rnn-studio [OPTIONS] <FILE>") nor a man
            // page's NAME line ("rnn-studio - Recurrent networks…").
            let synopsis = t.contains('[') || t.contains('<') || t.starts_with("rnn-studio - ");
            if t.starts_with("rnn-studio ") && !synopsis {
                out.push(Example {
                    source: format!("{source}:{}", i + 1),
                    line: strip_comment(t).to_string(),
                });
            }
        }
    }
    out
}

/// The `.1` files under `dir`, at any depth.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "1") {
            out.push(path);
        }
    }
}

/// The scratch folder an example runs in, with the files the README names.
fn scratch_with_inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(ROOT).join("tests/fixtures");
    // The English README's name, and the Portuguese one's.
    for name in ["drawings.ndjson", "desenhos.ndjson"] {
        std::fs::copy(
            fixtures.join("quickdraw/sample.ndjson"),
            dir.path().join(name),
        )
        .unwrap();
    }
    let photo = fixtures.join("photos/chelsea_small.jpg");
    std::fs::copy(&photo, dir.path().join("photo.jpg")).unwrap();
    image::open(&photo)
        .unwrap()
        .save(dir.path().join("other.png"))
        .unwrap();
    dir
}

fn needs_dataset(w: &[String]) -> bool {
    w.iter().any(|a| a == "--data") || w.iter().any(|a| a.contains("DATA"))
}

fn check(example: &Example, scratch: &Path) -> Result<(), String> {
    let w = words(&example.line);
    let ctx = || format!("{} `{}`", example.source, example.line);
    if let Err(e) = Cli::try_parse_from(&w) {
        use clap::error::ErrorKind;
        // `--help` and `--version` are what those examples ask for.
        if !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
            return Err(format!("{}: does not parse: {e}", ctx()));
        }
    }
    if needs_dataset(&w) {
        return Ok(());
    }
    let mut args: Vec<String> = w[1..].to_vec();
    if args.first().is_some_and(|a| a == "bench") && !args.iter().any(|a| a == "--no-baseline") {
        args.push("--no-baseline".into());
    }
    if args.iter().any(|a| a == "--judge") {
        // One drawing per class and temperature, not 50: the same code path.
        if let Some(i) = args.iter().position(|a| a == "--count") {
            args[i + 1] = "1".into();
        }
    }
    let before = files_in(scratch);
    let out = Command::new(BIN)
        .args(&args)
        .current_dir(scratch)
        .env("RNN_STUDIO_WEIGHTS", Path::new(ROOT).join("weights"))
        .output()
        .map_err(|e| format!("{}: {e}", ctx()))?;
    if !out.status.success() {
        return Err(format!(
            "{}: exit {:?}\n{}",
            ctx(),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    if out.stdout.is_empty() && files_in(scratch) == before {
        return Err(format!("{}: printed nothing and wrote nothing", ctx()));
    }
    if args.iter().any(|a| a == "--json") {
        for l in String::from_utf8_lossy(&out.stdout).lines() {
            serde_json::from_str::<serde_json::Value>(l)
                .map_err(|e| format!("{}: not JSON lines ({e}): {l}", ctx()))?;
        }
    }
    Ok(())
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_example_in_readme_help_and_man_runs() {
    let scratch = scratch_with_inputs();
    let root = Path::new(ROOT);
    let mut examples = markdown_examples(&root.join("README.md"));
    examples.extend(markdown_examples(&root.join("README.pt-BR.md")));
    let from_readme = examples.len();
    examples.extend(help_and_man_examples(scratch.path()));
    assert!(from_readme >= 5, "the README's examples were not found");
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|e| check(e, scratch.path()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// "e.g. `bird` or `palm_tree`" in `draw --help` must name generator classes.
#[test]
fn classes_named_in_help_exist() {
    let list = Command::new(BIN)
        .args(["draw", "--list"])
        .env("RNN_STUDIO_WEIGHTS", Path::new(ROOT).join("weights"))
        .output()
        .unwrap();
    let classes = String::from_utf8(list.stdout).unwrap();
    let classes: Vec<&str> = classes.lines().map(str::trim).collect();
    let help = help_text(&["draw"]);
    let mut named = 0;
    for line in help.lines().filter(|l| l.contains("e.g.")) {
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 1 && !part.starts_with('-') {
                named += 1;
                assert!(
                    classes.contains(&part),
                    "draw --help offers `{part}`, which is not a generator class"
                );
            }
        }
    }
    assert!(named > 0, "draw --help names no example class");
}

#[test]
fn the_comment_and_word_splitting_follow_sh() {
    assert_eq!(
        strip_comment("rnn-studio classify - # or '#' x"),
        "rnn-studio classify -"
    );
    assert_eq!(words("a 'b c' d"), ["a", "b c", "d"]);
}
