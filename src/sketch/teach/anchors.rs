//! **Anchors**: a few training drawings of every built-in class and of the
//! unknown classes the base's other outputs learnt from (unknown part 0),
//! which the fit must keep on their own outputs, so that a taught class
//! learns where the built-in ones are and does not take their drawings.
//!
//! They ship as `anchors.ndjson` next to the recognizer's weights (one
//! simplified drawing a line, `word` its class), written by `eval-teach
//! --write-anchors` from the data's training split: never a validation
//! drawing, never the unknown parts that calibrate or evaluate. They are
//! drawings, not features, so they stay valid when the weights change; the
//! caller embeds them once ([`embed`]) and keeps the result.

use super::learn::{Anchor, features_of};
use crate::safe_io::read_capped;
use crate::sketch::drawing::Drawing;
use crate::sketch::ndjson;
use crate::sketch::recognizer::Recognizer;
use crate::sketch::recognizer::dataset::Dataset;
use std::path::Path;

/// The anchors' file name in the recognizer's folder.
pub const ANCHORS_FILE: &str = "anchors.ndjson";
/// The largest anchors file read.
const MAX_BYTES: u64 = 32 << 20;

/// The first `per_class` training drawings of every built-in class and
/// the first `per_other` of every unknown class of part 0, `word` set; with
/// `copies` > 0, each is replaced by that many augmented copies of it
/// ([`augmented`]).
pub fn select(ds: &Dataset, per_class: usize, per_other: usize, copies: usize) -> Vec<Drawing> {
    let mut out = Vec::new();
    for c in &ds.classes {
        out.extend(c.train.iter().take(per_class).map(|d| Drawing {
            word: Some(c.class.clone()),
            ..d.clone()
        }));
    }
    let mut taken: Vec<(&str, usize)> = Vec::new();
    for (class, d) in &ds.unknown[0] {
        match taken.iter_mut().find(|(c, _)| c == class) {
            Some((_, n)) if *n >= per_other => continue,
            Some((_, n)) => *n += 1,
            None => taken.push((class, 1)),
        }
        if per_other > 0 {
            out.push(Drawing {
                word: Some(class.clone()),
                ..d.clone()
            });
        }
    }
    if copies == 0 {
        return out;
    }
    augmented(&out, copies)
}

/// `copies` augmented copies of each anchor (the teach augmentation, seeded
/// by the anchor's class and place), the anchor itself left out. The idea:
/// the base has learnt its training drawings almost by heart (top-1 0.96,
/// mean max log p −0.24, against 0.88 and −0.48 on validation drawings), and
/// augmented copies look to it like validation drawings do (0.90, −0.50), so
/// the fit would see how far a taught class may reach on drawings like a
/// user's. Measured on the calibration part it did not move the trade-off
/// between new-class top-1 and the 44-class drop (README, "Taught
/// classes"), so the shipped anchors are the drawings themselves
/// (`eval-teach --anchor-copies 0`, the default).
pub fn augmented(anchors: &[Drawing], copies: usize) -> Vec<Drawing> {
    anchors
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            let word = d.word.clone().unwrap_or_default();
            super::learn::variants(d, &format!("anchor:{word}"), i, copies)
                .into_iter()
                .skip(1)
                .map(move |v| Drawing {
                    word: Some(word.clone()),
                    ..v
                })
        })
        .collect()
}

/// Writes anchors as ndjson (atomically).
pub fn write(path: &Path, anchors: &[Drawing]) -> std::io::Result<()> {
    let mut text = String::new();
    for d in anchors {
        text.push_str(&ndjson::to_line(d));
        text.push('\n');
    }
    crate::safe_io::write_atomic(path, text.as_bytes())
}

/// Reads an anchors file; a bad line is an error naming it.
pub fn read(path: &Path) -> Result<Vec<Drawing>, String> {
    let bytes = read_capped(path, MAX_BYTES).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    ndjson::parse_lines(&text)
        .map(|(line, d)| d.map_err(|e| format!("{}:{line}: {e}", path.display())))
        .collect()
}

/// The anchors' features on `rec`: a drawing whose `word` is a built-in
/// class anchors that class, any other anchors the other outputs.
pub fn embed(rec: &Recognizer, drawings: &[Drawing]) -> Vec<Anchor> {
    features_of(rec, drawings, &|_| {})
        .into_iter()
        .zip(drawings)
        .filter_map(|(f, d)| {
            let class = d
                .word
                .as_ref()
                .and_then(|w| rec.classes().iter().position(|c| c == w));
            Some(Anchor {
                class,
                features: f?,
            })
        })
        .collect()
}
