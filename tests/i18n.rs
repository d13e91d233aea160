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
