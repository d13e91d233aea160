//! The command line's help in both languages: every subcommand and flag has
//! a message (`cli-about-…`, `cli-arg-…` in cli.ftl), the English messages
//! say what the doc comments say (so the two never drift apart), and
//! `--lang pt-BR` prints Portuguese help and errors while JSON stays the same.

use clap::CommandFactory;
use rnn_studio::i18n::{self, Lang};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rnn-studio");

/// Commands whose help another part owns (their messages live in its own
/// .ftl file and are checked there, if present).
const ELSEWHERE: &[&str] = &["rnn-studio-draw"];

/// (message id, attribute, the derive's English text) for every help text.
fn help_texts() -> Vec<(String, Option<&'static str>, String)> {
    let mut out = Vec::new();
    walk(&rnn_studio::cli::Cli::command(), "rnn-studio", &mut out);
    out
}

fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, Option<&'static str>, String)>) {
    if ELSEWHERE.contains(&path) {
        return;
    }
    let key = format!("cli-about-{path}");
    if let Some(about) = cmd.get_about() {
        out.push((key.clone(), None, about.to_string()));
    }
    if let Some(long) = cmd.get_long_about() {
        out.push((key, Some("long"), long.to_string()));
    }
    for arg in cmd.get_arguments() {
        let key = format!("cli-arg-{path}-{}", arg.get_id());
        if let Some(help) = arg.get_help() {
            out.push((key.clone(), None, help.to_string()));
        }
        if let Some(long) = arg.get_long_help() {
            out.push((key, Some("long"), long.to_string()));
        }
        // A choice's own help (a ValueEnum variant's doc comment).
        for value in arg.get_possible_values() {
            if let Some(help) = value.get_help() {
                let key = format!("cli-value-{path}-{}-{}", arg.get_id(), value.get_name());
                out.push((key, None, help.to_string()));
            }
        }
    }
    for sub in cmd.get_subcommands() {
        walk(sub, &format!("{path}-{}", sub.get_name()), out);
    }
}

fn message(lang: Lang, key: &str, attr: Option<&str>) -> Option<String> {
    let _l = i18n::ThreadLang::new(lang);
    match attr {
        None => i18n::has(lang, key).then(|| i18n::tr(key)),
        Some(a) => i18n::tr_attr(key, a),
    }
}

#[test]
fn every_help_text_has_a_message_in_both_languages_and_english_matches_the_doc_comment() {
    let mut problems = Vec::new();
    let texts = help_texts();
    assert!(
        texts.len() > 50,
        "the walk found {} help texts",
        texts.len()
    );
    for (key, attr, english) in &texts {
        let name = format!("{key}{}", attr.map_or(String::new(), |a| format!(".{a}")));
        match message(Lang::En, key, *attr) {
            None => problems.push(format!("{name}: no English message")),
            Some(m) if m != *english => problems.push(format!(
                "{name}: English message {m:?} != doc comment {english:?}"
            )),
            Some(_) => {}
        }
        match message(Lang::PtBr, key, *attr) {
            None => problems.push(format!("{name}: no pt-BR message")),
            Some(m) if m == *english && english.split_whitespace().count() > 2 => {
                problems.push(format!("{name}: pt-BR is still English"))
            }
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Prints the English messages from the doc comments, for a translator:
/// `cargo test --release --test cli_help -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_english_messages() {
    let mut last = String::new();
    for (key, attr, text) in help_texts() {
        let text = text.replace('\n', "\n    ");
        match attr {
            None => println!("{key} = {text}"),
            Some(a) => {
                if last != key {
                    println!("{key} = {{ \"\" }}");
                }
                println!("    .{a} = {text}")
            }
        }
        last = key;
    }
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .output()
        .unwrap()
}

#[test]
fn help_follows_the_language() {
    let pt = String::from_utf8(run(&["--lang", "pt-BR", "classify", "--help"]).stdout).unwrap();
    assert!(pt.contains("Uso:") && pt.contains("Opções:"), "{pt}");
    assert!(pt.contains("desenho"), "the about is Portuguese: {pt}");
    let en = String::from_utf8(run(&["classify", "--help"]).stdout).unwrap();
    assert!(en.contains("Usage:") && en.contains("Options:"), "{en}");
    assert!(en.contains("Name doodles"), "{en}");
}

#[test]
fn errors_follow_the_language_and_json_does_not() {
    let missing = "/nonexistent/rnn-studio-test.ndjson";
    let pt = run(&["--lang", "pt-BR", "classify", missing]);
    let err = String::from_utf8_lossy(&pt.stderr);
    assert!(err.contains("não foi possível abrir"), "{err}");
    assert_eq!(pt.status.code(), Some(2));
    let en = run(&["classify", missing]);
    assert!(String::from_utf8_lossy(&en.stderr).contains("cannot open"));

    // A bad line in --json output: the same bytes in both languages.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ndjson");
    std::fs::write(&bad, "not json\n").unwrap();
    let bad = bad.to_str().unwrap();
    let pt = run(&["--lang", "pt-BR", "classify", "--json", bad]);
    let en = run(&["classify", "--json", bad]);
    assert_eq!(pt.stdout, en.stdout);
    assert!(String::from_utf8_lossy(&en.stdout).contains("\"error\""));
}

#[test]
fn a_bad_language_is_a_usage_error() {
    let out = run(&["--lang", "fr", "lab", "--epochs", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pt-BR"));
}

/// The choices' help (`bench`'s cases) is Portuguese under `--lang pt-BR`;
/// clap's own English list is gone, and English keeps clap's.
#[test]
fn the_choices_of_a_value_are_explained_in_portuguese() {
    let help = |args: &[&str]| {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let pt = help(&["--lang", "pt-BR", "bench", "--help"]);
    assert!(pt.contains("Valores possíveis:"), "{pt}");
    assert!(pt.contains("O reconhecedor de rabiscos"), "{pt}");
    assert!(!pt.contains("The doodle recognizer"), "{pt}");
    assert!(!pt.contains("Possible values"), "{pt}");
    let short = help(&["--lang", "pt-BR", "lab", "-h"]);
    assert!(
        short.contains("[valores possíveis: recall, charlm]"),
        "{short}"
    );
    let en = help(&["--lang", "en", "bench", "--help"]);
    assert!(
        en.contains("Possible values:") && en.contains("The doodle recognizer"),
        "{en}"
    );
}
