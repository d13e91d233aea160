//! `rnn-studio bench teach`: how long teaching takes (issue 21: ten new
//! classes of five drawings each must learn in ≤ 10 s on two cores).
//!
//! Cases (medians of `runs` timed runs after a warm-up, ms, every core):
//! - `learn_10x5`: learn a head for 10 classes × 5 drawings from scratch —
//!   embed each example and its augmented copies, embed the shipped anchors,
//!   then the fit (what `teach` does);
//! - `learn_10x5_anchors_cached`: the same with the anchors embedded once
//!   before (what the app does after its first learn);
//! - `relearn_one_more`: "No, it's a …" — one more example of the first
//!   class after a learn, with the app's cache of the examples' features
//!   (only the new one is embedded; the fit runs whole);
//! - `embed_one` (the baseline): one drawing through the frozen recognizer,
//!   the unit all the rest is made of.
//!
//! The examples are the anchors' own drawings of 10 built-in classes, taught
//! under new names: the time does not depend on what the drawings show.

use super::{Case, median, round};
use crate::sketch::drawing::Drawing;
use crate::sketch::recognizer::Recognizer;
use crate::sketch::teach::{EmbedCache, LearnOptions, anchors, learn, learn_cached};
use std::time::Instant;

/// Runs the cases on `rec` with the anchors in `anchor_drawings`.
pub fn bench_teach(rec: &Recognizer, anchor_drawings: &[Drawing], runs: usize) -> Vec<Case> {
    let mut classes: Vec<(String, Vec<Drawing>)> = Vec::new();
    for d in anchor_drawings {
        let Some(w) = &d.word else { continue };
        let name = format!("taught {w}");
        let full = classes.len() >= 10;
        match classes.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) if v.len() < 5 => v.push(d.clone()),
            Some(_) => {}
            None if !full => classes.push((name, vec![d.clone()])),
            None => {}
        }
    }
    let opts = LearnOptions::default();
    let time = |f: &mut dyn FnMut()| -> Vec<f64> {
        f();
        (0..runs.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect()
    };
    let full = time(&mut || {
        let a = anchors::embed(rec, anchor_drawings);
        learn(rec, &classes, &a, &opts, &mut |_| {});
    });
    let cached_anchors = anchors::embed(rec, anchor_drawings);
    let cached = time(&mut || {
        learn(rec, &classes, &cached_anchors, &opts, &mut |_| {});
    });
    let mut more = classes.clone();
    more[0].1.push(classes[1].1[0].clone());
    // Timed alone: the second learn, after a first that filled the cache.
    let relearn: Vec<f64> = {
        (0..runs.max(1))
            .map(|_| {
                let mut cache = EmbedCache::default();
                learn_cached(
                    rec,
                    &classes,
                    &cached_anchors,
                    &opts,
                    &mut cache,
                    &mut |_| {},
                );
                let t = Instant::now();
                learn_cached(rec, &more, &cached_anchors, &opts, &mut cache, &mut |_| {});
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect()
    };
    let one = time(&mut || {
        rec.features(&classes[0].1[0]);
    });
    let examples: usize = classes.iter().map(|(_, v)| v.len()).sum();
    vec![
        serde_json::json!({"case": "learn_10x5", "median_ms": round(median(&full), 1), "runs": full.len(),
            "classes": classes.len(), "examples": examples, "copies": opts.copies,
            "anchors": anchor_drawings.len(), "steps": opts.steps}),
        serde_json::json!({"case": "learn_10x5_anchors_cached", "median_ms": round(median(&cached), 1),
            "runs": cached.len(), "classes": classes.len(), "examples": examples}),
        serde_json::json!({"case": "relearn_one_more", "median_ms": round(median(&relearn), 1),
            "runs": relearn.len(), "classes": more.len(), "examples": examples + 1}),
        serde_json::json!({"case": "embed_one", "median_ms": round(median(&one), 2), "runs": one.len()}),
    ]
}
