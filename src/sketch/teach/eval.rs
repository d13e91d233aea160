//! Few-shot quality: classes the base model never trained on, taught from
//! K drawings each, in the setting "44 + N new".
//!
//! Protocol (issue 21 §6):
//! - **classes**: the unknown classes of one part ([`unknown_part`]): 2
//!   *evaluate* for the reported figures, 1 *calibrate* for choosing α, β;
//!   part 0 trained the base's other outputs and is never used here;
//! - **shots**: the first K drawings of a class's file are its examples, the
//!   rest its test drawings;
//! - **draws**: N classes are drawn at random from the part, `draws` times
//!   (seeded); every figure is the mean over the draws;
//! - **new-class macro top-1 / top-3**: of the taught classes' test drawings
//!   among all K + N classes;
//! - **44-class validation macro top-1**, before and after (the built-in
//!   classes' validation drawings, with the taught classes competing);
//! - **AUROC with the pack**: known = the 44 classes' validation drawings and
//!   the taught classes' test drawings, unknown = the part's classes not
//!   taught; the known-ness score is the recognizer's own, on the joined
//!   logits. Before: known = the 44 classes' validation drawings, unknown =
//!   all of the part.
//!
//! [`unknown_part`]: crate::sketch::recognizer::dataset::unknown_part

use super::learn::{Item, LearnOptions, features_of, fit, variants};
use super::unsure::recalibrate;
use super::{Features, TaughtHead};
use crate::sketch::drawing::Drawing;
use crate::sketch::recognizer::Recognizer;
use crate::sketch::recognizer::dataset::Dataset;
use crate::sketch::recognizer::eval::auroc;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::Serialize;

/// What to measure.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// 1 calibrate or 2 evaluate
    pub part: usize,
    pub shots: Vec<usize>,
    pub new: Vec<usize>,
    pub draws: usize,
    /// (α, β, γ) to try; the learn options' own when empty
    pub heads: Vec<(f32, f32, f32)>,
    pub learn: LearnOptions,
    pub seed: u64,
    /// anchors: training drawings per built-in class, per part-0 unknown
    /// class, and augmented copies of each (0: the drawings themselves)
    pub anchors: (usize, usize, usize),
}

/// One setting's figures, means over the draws.
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub shots: usize,
    pub new: usize,
    pub scale: f32,
    pub bias: f32,
    pub gate: f32,
    pub draws: usize,
    pub new_macro_top1: f32,
    pub new_macro_top3: f32,
    pub val_macro_top1_before: f32,
    pub val_macro_top1_after: f32,
    pub val_drop: f32,
    pub auroc_before: f32,
    pub auroc_with_pack: f32,
    /// mean seconds of the fit (the embedding of the examples excluded)
    pub fit_seconds: f32,
    /// The mean unsure threshold the pack gets ([`recalibrate`]), against the
    /// built-in one.
    pub unsure_threshold_with_pack: f32,
    pub unsure_threshold_builtin: f32,
    /// Youden's J (true positive rate − false positive rate) of "It's a …"
    /// with the pack loaded, at the built-in threshold and at the pack's:
    /// right = a known drawing (validation or a taught class's test
    /// drawing) whose top guess is right; wrong = the others and the part's
    /// classes not taught.
    pub unsure_j_builtin: f32,
    pub unsure_j_with_pack: f32,
}

/// A class's drawings, with their features (None: no points).
struct Class {
    /// every drawing, features unaugmented
    all: Vec<Option<Features>>,
    /// per example i (< the largest K), the features of its augmented copies
    copies: Vec<Vec<Option<Features>>>,
}

/// Top-1 and top-3 hits of `target` among the first `known` logits.
fn hits(z: &[f32], known: usize, target: usize) -> (bool, bool) {
    let t = z[target];
    let better = z[..known].iter().filter(|&&v| v > t).count();
    (better == 0, better < 3)
}

/// Runs the protocol; `progress` gets a line per stage.
pub fn evaluate(
    rec: &Recognizer,
    ds: &Dataset,
    opts: &EvalOptions,
    progress: &mut dyn FnMut(&str),
) -> Vec<Setting> {
    let rec = rec.with_taught(None);
    let k = rec.classes().len();
    let kmax = opts.shots.iter().copied().max().unwrap_or(1);
    // The built-in validation drawings.
    let val: Vec<(usize, Drawing)> = ds
        .classes
        .iter()
        .enumerate()
        .flat_map(|(c, d)| d.val.iter().map(move |v| (c, v.clone())))
        .collect();
    progress(&format!("embedding {} validation drawings", val.len()));
    let val_drawings: Vec<Drawing> = val.iter().map(|(_, d)| d.clone()).collect();
    let val_f = features_of(&rec, &val_drawings, &|_| {});
    // The part's classes, drawings in file order.
    let mut names: Vec<String> = Vec::new();
    let mut by_class: Vec<Vec<Drawing>> = Vec::new();
    for (name, d) in &ds.unknown[opts.part] {
        if names.last() != Some(name) {
            names.push(name.clone());
            by_class.push(Vec::new());
        }
        by_class.last_mut().expect("pushed").push(d.clone());
    }
    progress(&format!(
        "embedding {} classes of unknown part {} ({} drawings, {} augmented copies each of the first {kmax})",
        names.len(),
        opts.part,
        by_class.iter().map(Vec::len).sum::<usize>(),
        opts.learn.copies
    ));
    let classes: Vec<Class> = names
        .iter()
        .zip(&by_class)
        .map(|(name, drawings)| {
            let all = features_of(&rec, drawings, &|_| {});
            let copies = drawings
                .iter()
                .take(kmax)
                .enumerate()
                .map(|(i, d)| {
                    let v = variants(d, name, i, opts.learn.copies);
                    features_of(&rec, &v[1..], &|_| {})
                })
                .collect();
            Class { all, copies }
        })
        .collect();
    let anchor_drawings =
        super::anchors::select(ds, opts.anchors.0, opts.anchors.1, opts.anchors.2);
    progress(&format!("embedding {} anchors", anchor_drawings.len()));
    let anchors = super::anchors::embed(&rec, &anchor_drawings);
    let score = rec.config().unsure_score;
    // Before: the base alone.
    let val_top1_before = macro_top1(val.iter().map(|(c, _)| *c), &val_f, k, |f| {
        (f.logits.clone(), k)
    });
    let known_before: Vec<f32> = val_f
        .iter()
        .flatten()
        .map(|f| score.of(&f.logits, k))
        .collect();
    let unknown_before: Vec<f32> = classes
        .iter()
        .flat_map(|c| c.all.iter().flatten())
        .map(|f| score.of(&f.logits, k))
        .collect();
    let auroc_before = auroc(&known_before, &unknown_before);
    let heads = if opts.heads.is_empty() {
        vec![(opts.learn.scale, opts.learn.bias, opts.learn.gate)]
    } else {
        opts.heads.clone()
    };
    let mut out = Vec::new();
    for &(scale, bias, gate) in &heads {
        for &shots in &opts.shots {
            for &n in &opts.new {
                let n = n.min(names.len());
                progress(&format!(
                    "K = {shots}, N = {n}, α = {scale}, β = {bias}, γ = {gate}"
                ));
                let mut sums = [0.0f32; 7];
                let mut thresholds = 0.0f32;
                let mut fit_s = 0.0f32;
                for draw in 0..opts.draws {
                    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
                        opts.seed ^ (draw as u64 * 7919 + n as u64),
                    );
                    let mut order: Vec<usize> = (0..names.len()).collect();
                    order.shuffle(&mut rng);
                    let chosen = &order[..n];
                    let lo = LearnOptions {
                        scale,
                        bias,
                        gate,
                        ..opts.learn.clone()
                    };
                    let mut items = Vec::new();
                    for (j, &c) in chosen.iter().enumerate() {
                        for i in 0..shots.min(classes[c].all.len()) {
                            let originals = classes[c].all[i].iter().map(|f| (f, true));
                            let copies = classes[c].copies[i].iter().flatten().map(|f| (f, false));
                            for (f, original) in originals.chain(copies) {
                                items.push(Item {
                                    class: j,
                                    original,
                                    features: f.clone(),
                                });
                            }
                        }
                    }
                    let taught: Vec<String> = chosen.iter().map(|&c| names[c].clone()).collect();
                    let t0 = std::time::Instant::now();
                    let mut head = fit(&taught, &items, &anchors, k, &lo, &mut |_| {}).head;
                    fit_s += t0.elapsed().as_secs_f32();
                    head.unsure_threshold = recalibrate(
                        &head,
                        &items,
                        &anchors,
                        k,
                        score,
                        rec.config().unsure_threshold,
                    );
                    thresholds += head
                        .unsure_threshold
                        .unwrap_or(rec.config().unsure_threshold);
                    let joined = |f: &Features| head.join(&f.logits, k, &f.embedding);
                    let r = score_draw(
                        &head,
                        &classes,
                        chosen,
                        shots,
                        &val,
                        &val_f,
                        k,
                        joined,
                        score,
                        rec.config().unsure_threshold,
                    );
                    for (s, v) in sums.iter_mut().zip(r) {
                        *s += v;
                    }
                }
                let d = opts.draws.max(1) as f32;
                let [top1, top3, after, auc, _, j_builtin, j_pack] = sums.map(|s| s / d);
                out.push(Setting {
                    shots,
                    new: n,
                    scale,
                    bias,
                    gate,
                    draws: opts.draws,
                    new_macro_top1: top1,
                    new_macro_top3: top3,
                    val_macro_top1_before: val_top1_before,
                    val_macro_top1_after: after,
                    val_drop: val_top1_before - after,
                    auroc_before,
                    auroc_with_pack: auc,
                    fit_seconds: fit_s / d,
                    unsure_threshold_with_pack: thresholds / d,
                    unsure_threshold_builtin: rec.config().unsure_threshold,
                    unsure_j_builtin: j_builtin,
                    unsure_j_with_pack: j_pack,
                });
            }
        }
    }
    out
}

/// Macro top-1 of drawings of classes `targets` with features `f`, logits
/// and known count from `joined`.
fn macro_top1(
    targets: impl Iterator<Item = usize>,
    f: &[Option<Features>],
    classes: usize,
    joined: impl Fn(&Features) -> (Vec<f32>, usize),
) -> f32 {
    let mut per = vec![(0usize, 0usize); classes];
    for (t, f) in targets.zip(f) {
        per[t].1 += 1;
        if let Some(f) = f {
            let (z, known) = joined(f);
            per[t].0 += usize::from(hits(&z, known, t).0);
        }
    }
    let seen: Vec<f32> = per
        .iter()
        .filter(|p| p.1 > 0)
        .map(|p| p.0 as f32 / p.1 as f32)
        .collect();
    seen.iter().sum::<f32>() / seen.len().max(1) as f32
}

/// [new top-1, new top-3, 44-class top-1 after, AUROC with the pack, 0,
/// unsure J at the built-in threshold, at the pack's] of one draw.
#[allow(clippy::too_many_arguments)]
fn score_draw(
    head: &TaughtHead,
    classes: &[Class],
    chosen: &[usize],
    shots: usize,
    val: &[(usize, Drawing)],
    val_f: &[Option<Features>],
    k: usize,
    joined: impl Fn(&Features) -> (Vec<f32>, usize),
    score: crate::sketch::recognizer::UnsureScore,
    builtin_threshold: f32,
) -> [f32; 7] {
    let (mut t1, mut t3) = (0.0f32, 0.0f32);
    let mut known_s = Vec::new();
    // (score, right) of every known drawing, for the unsure J.
    let mut known_r: Vec<(f32, bool)> = Vec::new();
    for (j, &c) in chosen.iter().enumerate() {
        let test: Vec<&Features> = classes[c].all.iter().skip(shots).flatten().collect();
        let (mut a, mut b) = (0usize, 0usize);
        for f in &test {
            let (z, known) = joined(f);
            let (h1, h3) = hits(&z, known, k + j);
            a += usize::from(h1);
            b += usize::from(h3);
            known_s.push(score.of(&z, known));
            known_r.push((score.of(&z, known), h1));
        }
        t1 += a as f32 / test.len().max(1) as f32;
        t3 += b as f32 / test.len().max(1) as f32;
    }
    let n = head.classes.len().max(1) as f32;
    let after = macro_top1(val.iter().map(|(c, _)| *c), val_f, k, &joined);
    for ((c, _), f) in val.iter().zip(val_f) {
        let Some(f) = f else { continue };
        let (z, known) = joined(f);
        let s = score.of(&z, known);
        known_s.push(s);
        known_r.push((s, hits(&z, known, *c).0));
    }
    let unknown_s: Vec<f32> = (0..classes.len())
        .filter(|c| !chosen.contains(c))
        .flat_map(|c| classes[c].all.iter().flatten())
        .map(|f| {
            let (z, known) = joined(f);
            score.of(&z, known)
        })
        .collect();
    // Youden's J at threshold τ: right drawings said (s ≥ τ) minus wrong or
    // unknown ones said.
    let j = |tau: f32| {
        let right = known_r.iter().filter(|r| r.1).count().max(1) as f32;
        let wrong = (known_r.iter().filter(|r| !r.1).count() + unknown_s.len()).max(1) as f32;
        let tp = known_r.iter().filter(|r| r.1 && r.0 >= tau).count() as f32;
        let fp = known_r.iter().filter(|r| !r.1 && r.0 >= tau).count()
            + unknown_s.iter().filter(|&&s| s >= tau).count();
        tp / right - fp as f32 / wrong
    };
    let pack_tau = head.unsure_threshold.unwrap_or(builtin_threshold);
    [
        t1 / n,
        t3 / n,
        after,
        auroc(&known_s, &unknown_s),
        0.0,
        j(builtin_threshold),
        j(pack_tau),
    ]
}
