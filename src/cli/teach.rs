//! `rnn-studio teach`: creates or extends a pack of taught classes, and
//! renames, deletes, exports or imports them.
//!
//! ```text
//! rnn-studio teach [--pack DIR] NAME=FILE.ndjson [NAME=FILE.ndjson …]
//! rnn-studio teach [--pack DIR] --list | --rename OLD=NEW | --delete NAME
//! rnn-studio teach [--pack DIR] --export FILE | --import FILE
//! ```
//!
//! Every drawing of FILE becomes an example of NAME; then the pack is learnt
//! again and a JSON summary printed:
//! `{"pack":"…","classes":[{"name":"cactus","examples":5,"fit":0.93}],"learnt":true,"seconds":1.2,"loss":[2.1,0.4]}`.
//! Input is all or nothing: a bad line or a bad pack is an error naming the
//! file and line (exit 2), and the pack is left as it was. The examples are
//! written before learning starts, so an interrupted run loses none of them
//! (the next run, or `classify --pack`, learns again).

use crate::sketch::drawing::Drawing;
use crate::sketch::ndjson;
use crate::sketch::recognizer::Recognizer;
use crate::sketch::teach::{Anchor, LearnOptions, Pack, anchors};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `rnn-studio teach`.
#[derive(Debug, Clone, clap::Args)]
pub struct TeachArgs {
    /// NAME=FILE.ndjson pairs: every drawing in FILE becomes an example of NAME.
    pub pairs: Vec<String>,
    /// The pack folder (default: $XDG_DATA_HOME/rnn-studio/classes, else
    /// ~/.local/share/rnn-studio/classes).
    #[arg(long)]
    pub pack: Option<PathBuf>,
    /// Folder of the recognizer (default: recognizer/ in the weights root).
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// Print the pack's classes as JSON and change nothing.
    #[arg(long)]
    pub list: bool,
    /// Rename a class: OLD=NEW.
    #[arg(long, value_name = "OLD=NEW")]
    pub rename: Option<String>,
    /// Delete a class and its examples.
    #[arg(long, value_name = "NAME")]
    pub delete: Option<String>,
    /// Write the whole pack as one file.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Add the classes of an exported file.
    #[arg(long, value_name = "FILE")]
    pub import: Option<PathBuf>,
}

/// The pack folder of a `--pack` flag, or the default one.
pub fn pack_dir(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    match flag {
        Some(p) => Ok(p.to_path_buf()),
        None => crate::sketch::teach::pack::default_dir()
            .context("no pack folder: set --pack, XDG_DATA_HOME or HOME"),
    }
}

/// The anchors next to the recognizer's weights, embedded; none (with a
/// warning) when the file is missing.
pub fn load_anchors(rec: &Recognizer, weights: Option<&Path>) -> Vec<Anchor> {
    let dir = weights.map_or_else(
        || {
            crate::weights::in_root(
                &super::weights_root(crate::weights::RECOGNIZER),
                crate::weights::RECOGNIZER,
            )
        },
        Path::to_path_buf,
    );
    let path = dir.join(anchors::ANCHORS_FILE);
    match anchors::read(&path) {
        Ok(d) => anchors::embed(rec, &d),
        Err(e) => {
            eprintln!(
                "rnn-studio: warning: no anchors ({e}); taught classes may take built-in drawings"
            );
            Vec::new()
        }
    }
}

/// Every drawing of an ndjson file; the first bad line is an error.
fn read_examples(path: &Path) -> anyhow::Result<Vec<Drawing>> {
    let bytes = crate::safe_io::read_capped(path, crate::sketch::teach::pack::MAX_FILE_BYTES)?;
    let text =
        String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8", path.display()))?;
    let mut out = Vec::new();
    for (line, d) in ndjson::parse_lines(&text) {
        out.push(d.map_err(|e| anyhow::anyhow!("{}:{line}: {e}", path.display()))?);
    }
    if out.is_empty() {
        bail!("no drawings in {}", path.display());
    }
    Ok(out)
}

fn split_pair(pair: &str) -> anyhow::Result<(&str, &str)> {
    pair.split_once('=')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .with_context(|| format!("expected NAME=FILE or OLD=NEW, got {pair:?}"))
}

fn summary(
    pack: &Pack,
    learnt: Option<&crate::sketch::teach::Learnt>,
    seconds: f64,
) -> serde_json::Value {
    let classes: Vec<serde_json::Value> = pack
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let fit = learnt.and_then(|l| {
                let f = l.fit.get(i)?;
                (!f.is_empty()).then(|| f.iter().sum::<f32>() / f.len() as f32)
            });
            serde_json::json!({"name": c.name, "examples": c.examples.len(), "fit": fit})
        })
        .collect();
    serde_json::json!({
        "pack": pack.dir.display().to_string(),
        "classes": classes,
        "learnt": learnt.is_some(),
        "seconds": seconds,
        "loss": learnt.map(|l| [l.losses.first().copied(), l.losses.last().copied()]),
    })
}

/// Runs `teach`.
pub fn run(args: TeachArgs) -> anyhow::Result<ExitCode> {
    let dir = pack_dir(args.pack.as_deref())?;
    let mut pack = Pack::open(&dir)?;
    if args.list {
        println!("{}", summary(&pack, None, 0.0));
        return Ok(ExitCode::SUCCESS);
    }
    // Read every input before changing anything.
    let mut adds = Vec::new();
    for pair in &args.pairs {
        let (name, file) = split_pair(pair)?;
        crate::sketch::teach::pack::check_name(name)?;
        adds.push((name.to_string(), read_examples(Path::new(file))?));
    }
    if let Some(r) = &args.rename {
        let (old, new) = split_pair(r)?;
        pack.rename(old, new)?;
    }
    if let Some(name) = &args.delete {
        pack.delete(name)?;
    }
    if let Some(file) = &args.import {
        pack.import(file)?;
    }
    for (name, examples) in &adds {
        pack.add_examples(name, examples)?;
    }
    let rec = super::load_recognizer(args.weights.as_deref())?;
    let fingerprint = crate::sketch::teach::base_fingerprint(&rec);
    let t0 = std::time::Instant::now();
    let learnt = if !pack.classes.is_empty() && pack.current_head(&fingerprint).is_none() {
        let anchors = load_anchors(&rec, args.weights.as_deref());
        Some(pack.learn(&rec, &anchors, &LearnOptions::default(), &mut |_| {})?)
    } else {
        None
    };
    let seconds = t0.elapsed().as_secs_f64();
    if let Some(file) = &args.export {
        pack.export(file)?;
    }
    println!("{}", summary(&pack, learnt.as_ref(), seconds));
    Ok(ExitCode::SUCCESS)
}
