//! The message files: both languages hold the same messages with the same
//! arguments, every message the code asks for exists, and each file parses.

use rnn_studio::i18n::{self, Lang, SOURCES};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Message id → the `$arguments` its text (all variants) uses, per file set.
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let (_, files) = SOURCES.iter().find(|(l, _)| *l == lang).unwrap();
    let mut out = BTreeMap::new();
    for (name, text) in *files {
        let res = fluent_syntax::parser::parse(*text)
            .unwrap_or_else(|(_, e)| panic!("{}/{name} does not parse: {e:?}", lang.tag()));
        for entry in res.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                let id = m.id.name.to_string();
                let src = text_of_message(text, &id);
                let args = arguments(&src);
                assert!(
                    out.insert(id.clone(), args).is_none(),
                    "{}: {id} is defined twice",
                    lang.tag()
                );
            }
        }
    }
    out
}

/// The source lines of message `id`: its first line and the indented ones after it.
fn text_of_message(text: &str, id: &str) -> String {
    let mut lines = text
        .lines()
        .skip_while(|l| !(l.starts_with(id) && l[id.len()..].trim_start().starts_with('=')));
    let mut out = String::from(lines.next().unwrap_or(""));
    for l in lines {
        if l.starts_with(' ') || l.is_empty() {
            out.push('\n');
            out.push_str(l);
        } else {
            break;
        }
    }
    out
}

fn arguments(src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = src.as_bytes();
    for (i, _) in src.match_indices('$') {
        let name: String = src[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if !name.is_empty() && b.get(i.wrapping_sub(1)) != Some(&b'\\') {
            out.insert(name);
        }
    }
    out
}

#[test]
fn both_languages_have_the_same_messages_and_arguments() {
    let en = messages(Lang::En);
    let pt = messages(Lang::PtBr);
    let only_en: Vec<_> = en.keys().filter(|k| !pt.contains_key(*k)).collect();
    let only_pt: Vec<_> = pt.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "missing in pt-BR: {only_en:?}");
    assert!(only_pt.is_empty(), "missing in en: {only_pt:?}");
    for (k, args) in &en {
        assert_eq!(
            args, &pt[k],
            "{k}: the two languages use different arguments"
        );
    }
}

/// Every `t!("id"` in the sources names a message that exists.
#[test]
fn every_message_the_code_uses_exists() {
    let mut missing = Vec::new();
    let mut used = 0;
    visit(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &mut |path, text| {
            for (i, _) in text.match_indices("t!(\"") {
                // `t!(`, not `format!(` or `print!(`.
                let before = text[..i].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &text[i + 4..];
                let id = &rest[..rest.find('"').unwrap()];
                used += 1;
                for lang in Lang::ALL {
                    if !i18n::has(lang, id) {
                        missing.push(format!("{}: {id} ({})", path.display(), lang.tag()));
                    }
                }
            }
        },
    );
    assert!(
        missing.is_empty(),
        "messages used but not defined: {missing:#?}"
    );
    assert!(used > 0, "the scan found no t!() at all");
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// No text for people is written into `src/app` itself. The check covers
/// every string literal in the app's code (tests excluded) that is an
/// argument of a call that shows text, directly or as a format string:
/// egui's `label`, `heading`, `small`, `weak`, `monospace`, `button`,
/// `Button::new`, `Label::new`, `RichText::new`, `on_hover_text`,
/// `hint_text`, `text`, `checkbox`, `selectable_label`, `selectable_value`,
/// `colored_label`, `collapsing`, `CollapsingHeader::new`,
/// `WidgetInfo::labeled`, the plots' `Line`/`HLine`/`VLine`/`Text::new`,
/// `with_title`, `selected_text`, the dialogs' `add_filter` and
/// `set_file_name`, every `format!` / `Err(` / `Some(`, and any literal
/// turned into a `String` (`.into()`, `.to_string()`, `.to_owned()`). It
/// fails when such a literal has words of its own (two letters in a row
/// outside `{placeholders}`) and is not one of `NAMES` (proper names and
/// notation, the same in every language, or the ids the code matches on).
/// Files in `NOT_YET` are skipped, each with its reason.
#[test]
fn no_user_visible_literal_in_the_app() {
    const TEXT_CALLS: &[&str] = &[
        "label",
        "heading",
        "small",
        "weak",
        "monospace",
        "strong",
        "button",
        "Button::new",
        "Label::new",
        "RichText::new",
        "on_hover_text",
        "on_disabled_hover_text",
        "hint_text",
        "text",
        "checkbox",
        "radio_value",
        "selectable_label",
        "selectable_value",
        "colored_label",
        "collapsing",
        "CollapsingHeader::new",
        "WidgetInfo::labeled",
        "Line::new",
        "HLine::new",
        "VLine::new",
        "Text::new",
        "with_title",
        "selected_text",
        "from_label",
        "menu_button",
        "add_filter",
        "set_file_name",
        "set_title",
        "format!",
        "Err",
        "Some",
        "Ok",
        "say",
    ];
    // Proper names and notation (the same in both languages) and the
    // `what` ids of `Job::WriteFile` that `app/mod.rs` matches on.
    const NAMES: &[&str] = &[
        "rnn-studio",
        "Elman",
        "Jordan",
        "LSTM",
        "SGD",
        "Adam",
        "tau",
        "drawing",
        "PNG",
        "autosave",
        "rnn-studio-worker",
        "sketch-rnn",
    ];
    // Files another part of the project owns and converts in its own change.
    const NOT_YET: &[&str] = &[];
    let mut found = Vec::new();
    let mut checked = 0;
    visit(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/app")
            .as_path(),
        &mut |path, text| {
            let name = path.file_name().unwrap().to_string_lossy();
            if NOT_YET.contains(&name.as_ref()) {
                return;
            }
            let code = text.split("#[cfg(test)]").next().unwrap();
            for (line_no, start, end, lit) in string_literals(code) {
                if !has_words(&lit) || NAMES.contains(&lit.as_str()) {
                    continue;
                }
                checked += 1;
                let after = &code[end..];
                let to_string = [".into()", ".to_string()", ".to_owned()"]
                    .iter()
                    .any(|m| after.starts_with(m));
                let callee = enclosing_call(&code[..start]);
                let shown = TEXT_CALLS
                    .iter()
                    .any(|c| callee == *c || callee.ends_with(&format!("::{c}")));
                if shown || to_string {
                    found.push(format!("{}:{line_no}: {callee}(\"{lit}\")", path.display()));
                }
            }
        },
    );
    assert!(
        found.is_empty(),
        "user-visible text in src/app outside the message files (use crate::t!): {found:#?}"
    );
    assert!(
        checked > 10,
        "the scan saw only {checked} literals with words"
    );
}

/// Two letters in a row outside `{…}`: the literal says something itself.
fn has_words(lit: &str) -> bool {
    let mut depth = 0;
    let mut run = 0;
    for c in lit.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if depth == 0 && c.is_alphabetic() => {
                run += 1;
                if run >= 2 {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        run = 0;
    }
    false
}

/// (line, byte offsets of the opening and after the closing quote,
/// contents) of each string
/// literal in `code`, skipping comments, char literals and raw strings'
/// prefixes (a raw string's contents are still returned).
fn string_literals(code: &str) -> Vec<(usize, usize, usize, String)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' => {
                // A char literal ('"', '\'') or a lifetime: skip the char.
                if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                    continue;
                }
                if b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'') {
                    i += 4;
                    continue;
                }
            }
            b'"' => {
                let start = i;
                let mut s = String::new();
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    if b[i] == b'\n' {
                        line += 1;
                    }
                    s.push(b[i] as char);
                    i += 1;
                }
                out.push((line, start, i + 1, s));
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The function or macro whose call `code` is inside at its end: "t!",
/// "Plot::new", "on_hover_text", or "" at the top level.
fn enclosing_call(code: &str) -> String {
    let b = code.as_bytes();
    let mut depth = 0i32;
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        match b[i] {
            b')' | b']' => depth += 1,
            b'(' | b'[' if depth > 0 => depth -= 1,
            // An array or slice literal, not a call's argument.
            b'[' => return String::new(),
            b'(' => {
                let name: String = code[..i]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || "_:!".contains(*c))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                return name;
            }
            b'{' | b';' if depth == 0 => return String::new(),
            _ => {}
        }
    }
    String::new()
}
