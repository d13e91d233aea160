//! Scoring the recognizer on real validation drawings, and "I'm not sure".
//!
//! Terms:
//! - **top-k** of a class: the share of its validation drawings whose class is
//!   among the k best guesses; **macro** averages the classes (each counts
//!   once, however many drawings it has).
//! - **known-ness score** s: max known p, 1 − p(other) or the energy of the
//!   known logits, whichever separates best on the calibration classes
//!   ([`UnsureScore`]).
//! - **AUROC**: the probability that a random known (validation) drawing has
//!   a higher s than a random drawing of an unknown class (ties count half).
//! - **Unsure threshold**: the s that maximises TPR(known) − FPR(unknown)
//!   (Youden's J) on the validation drawings against the *calibration*
//!   unknown classes; the AUROC is measured on the *evaluation* unknown classes.
//! - **Accuracy at f of the points**: the guess after the first ⌈f·T⌉ rows of
//!   the preprocessed drawing (the live guess when that much is drawn).

use super::cnn::RasterCnn;
use super::dataset::Dataset;
use super::files::FORMAT;
use super::model::{RecognizerModel, predict_last};
use super::train::CheckpointMeta;
use super::train_cnn::cnn_logits;
use super::{
    CnnConfig, Normalisation, OTHER, Recognizer, RecognizerConfig, UnsureScore, mix_logits,
};
use crate::png_text::{draw_text, label_font, scaled, text_width};
use crate::sketch::drawing::Drawing;
use crate::sketch::features;
use image::{Rgb, RgbImage};
use serde::Serialize;

/// AUROC of `pos` (should score high) against `neg`.
pub fn auroc(pos: &[f32], neg: &[f32]) -> f32 {
    if pos.is_empty() || neg.is_empty() {
        return f32::NAN;
    }
    // Rank-sum (Mann–Whitney U) with average ranks for ties.
    let mut all: Vec<(f32, bool)> = pos
        .iter()
        .map(|&s| (s, true))
        .chain(neg.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0f64;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += all[i..=j].iter().filter(|x| x.1).count() as f64 * avg;
        i = j + 1;
    }
    let (np, nn) = (pos.len() as f64, neg.len() as f64);
    ((rank_sum - np * (np + 1.0) / 2.0) / (np * nn)) as f32
}

/// The threshold maximising TPR(pos ≥ t) − FPR(neg ≥ t).
pub fn youden_threshold(pos: &[f32], neg: &[f32]) -> f32 {
    let mut cands: Vec<f32> = pos.iter().chain(neg).copied().collect();
    cands.sort_by(f32::total_cmp);
    cands.dedup();
    let mut best = (f32::NEG_INFINITY, 0.5);
    for &t in &cands {
        let tpr = pos.iter().filter(|&&s| s >= t).count() as f32 / pos.len().max(1) as f32;
        let fpr = neg.iter().filter(|&&s| s >= t).count() as f32 / neg.len().max(1) as f32;
        if tpr - fpr > best.0 {
            best = (tpr - fpr, t);
        }
    }
    best.1
}

/// What [`calibrate_unsure`] chose.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnsureCalibration {
    pub score: UnsureScore,
    pub threshold: f32,
    /// every score's AUROC of right against wrong-or-unknown
    pub auroc_per_score: Vec<(UnsureScore, f32)>,
}

/// The one calibration of "I'm not sure", for the built-in classes and with
/// taught classes alike. "It's a …" should be said when, and only when, the
/// top guess is right, so the **positives** are known drawings whose top
/// guess is right (`known`: their logits and whether it was), the
/// **negatives** the known ones it got wrong and drawings of unknown classes
/// (`unknown`). The score (of those the model has: 1 − p(other) needs an
/// other output) that separates them best by AUROC is chosen, and its
/// Youden threshold. `k`: the known entries at the front of every z. Call it
/// with validation or training drawings only, never a test split.
pub fn calibrate_unsure(
    known: &[(Vec<f32>, bool)],
    unknown: &[Vec<f32>],
    k: usize,
    has_other: bool,
) -> UnsureCalibration {
    let mut best = (UnsureScore::MaxP, f32::NEG_INFINITY, 0.0);
    let mut per = Vec::new();
    for method in UnsureScore::ALL {
        let needs_other = matches!(method, UnsureScore::NotOther);
        if needs_other && !has_other {
            continue;
        }
        let pos: Vec<f32> = known
            .iter()
            .filter(|(_, ok)| *ok)
            .map(|(z, _)| method.of(z, k))
            .collect();
        let neg: Vec<f32> = known
            .iter()
            .filter(|(_, ok)| !*ok)
            .map(|(z, _)| z)
            .chain(unknown)
            .map(|z| method.of(z, k))
            .collect();
        let a = auroc(&pos, &neg);
        per.push((method, a));
        if a > best.1 {
            let t = if neg.is_empty() {
                0.0
            } else {
                youden_threshold(&pos, &neg)
            };
            best = (method, a, t);
        }
    }
    UnsureCalibration {
        score: best.0,
        threshold: best.2,
        auroc_per_score: per,
    }
}

/// Builds the shipped recognizer from the best model: calibrates the unsure
/// threshold and fills the config.
pub fn export(
    model: &RecognizerModel,
    cnn: Option<(&RasterCnn, f32)>,
    meta: &CheckpointMeta,
    ds: &Dataset,
    training: serde_json::Value,
) -> anyhow::Result<Recognizer> {
    let k = meta.classes.len();
    let threads = meta.config.threads;
    let val: Vec<Drawing> = ds
        .classes
        .iter()
        .flat_map(|c| c.val.iter().cloned())
        .collect();
    let calib: Vec<Drawing> = ds.unknown[1].iter().map(|(_, d)| d.clone()).collect();
    // What the recognizer will compute: the LSTM's logits, mixed with the CNN's.
    let recognizer_logits = |drawings: &[Drawing]| {
        let items: Vec<(Drawing, usize)> = drawings.iter().map(|d| (d.clone(), 0)).collect();
        let z = predict_last(model, &items, threads);
        match cnn {
            None => z,
            Some((net, w)) => {
                let refs: Vec<&Drawing> = drawings.iter().collect();
                let c = cnn_logits(net, &refs, threads);
                z.iter().zip(&c).map(|(a, b)| mix_logits(a, b, w)).collect()
            }
        }
    };
    let pos_z = recognizer_logits(&val);
    let neg_z = recognizer_logits(&calib);
    let targets = ds
        .classes
        .iter()
        .enumerate()
        .flat_map(|(c, cd)| std::iter::repeat_n(c, cd.val.len()));
    let known: Vec<(Vec<f32>, bool)> = pos_z
        .into_iter()
        .zip(targets)
        .map(|(z, c)| {
            let best = (0..k).max_by(|&a, &b| z[a].total_cmp(&z[b]));
            let right = best == Some(c);
            (z, right)
        })
        .collect();
    let cal = calibrate_unsure(&known, &neg_z, k, meta.other_output);
    let (method, threshold) = (cal.score, cal.threshold);
    let calib_auroc = cal
        .auroc_per_score
        .iter()
        .find(|(m, _)| *m == method)
        .map_or(f32::NAN, |(_, a)| *a);
    let per_method: serde_json::Map<String, serde_json::Value> = cal
        .auroc_per_score
        .iter()
        .map(|(m, a)| (format!("{m:?}"), (*a).into()))
        .collect();
    let config = RecognizerConfig {
        format: FORMAT.into(),
        classes: meta.classes.clone(),
        other_output: meta.other_output,
        other_classes: meta.other_classes.clone(),
        input_size: features::INPUT_SIZE,
        hidden_size: model.lstm.hidden_size,
        num_layers: model.lstm.layers.len(),
        normalisation: Normalisation::default(),
        unsure_score: method,
        unsure_threshold: threshold,
        cnn: cnn.map(|(net, weight)| CnnConfig {
            size: net.size,
            channels: net.channels.clone(),
            weight,
        }),
        training,
        scores: serde_json::json!({
            "calibration_auroc": calib_auroc,
            "calibration_auroc_per_score": per_method,
            "other_label": OTHER,
        }),
    };
    Recognizer::with_cnn(model.clone(), cnn.map(|(net, _)| net.clone()), config)
        .map_err(anyhow::Error::msg)
}

/// Per-class results.
#[derive(Debug, Clone, Serialize)]
pub struct ClassReport {
    pub class: String,
    pub has_generator: bool,
    pub n: usize,
    pub top1: f32,
    pub top3: f32,
}

/// Everything `eval-sketch` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub per_class: Vec<ClassReport>,
    pub macro_top1: f32,
    pub macro_top3: f32,
    pub macro_top1_generator: f32,
    pub macro_top3_generator: f32,
    pub macro_top1_no_generator: f32,
    pub macro_top3_no_generator: f32,
    /// known validation vs evaluation unknown classes
    pub auroc: f32,
    /// known validation vs calibration unknown classes
    pub auroc_calibration: f32,
    /// share of validation drawings flagged unsure, and of evaluation unknowns
    pub unsure_rate_known: f32,
    pub unsure_rate_unknown: f32,
    /// (fraction, macro top-1) at 25 / 50 / 100 % of the points
    pub early: Vec<(f32, f32)>,
    /// (K, K) counts, row = true class, column = top-1 guess
    pub confusion: Vec<Vec<usize>>,
    pub classes: Vec<String>,
}

/// Scores a recognizer on the dataset's validation drawings and unknown
/// classes, through the same session path `classify` uses.
/// `progress` gets (done, total).
pub fn evaluate(rec: &Recognizer, ds: &Dataset, progress: &mut dyn FnMut(usize, usize)) -> Report {
    let k = rec.classes().len();
    let fractions = [0.25f32, 0.5, 1.0];
    let total: usize = ds.classes.iter().map(|c| c.val.len()).sum::<usize>()
        + ds.unknown[1].len()
        + ds.unknown[2].len();
    let mut done = 0;
    let mut confusion = vec![vec![0usize; k]; k];
    let mut per_class = Vec::with_capacity(k);
    let mut early_hits = vec![vec![(0usize, 0usize); k]; fractions.len()];
    let mut known_scores = Vec::new();
    for (c, cd) in ds.classes.iter().enumerate() {
        let (mut t1, mut t3) = (0, 0);
        for d in &cd.val {
            let mut session = rec.session();
            session.update(d);
            let steps = session.rows().len();
            done += 1;
            progress(done, total);
            if steps == 0 {
                continue;
            }
            let g = session.guess();
            known_scores.push(g.score);
            let rank = g.top.iter().position(|(name, _)| *name == cd.class);
            t1 += usize::from(rank == Some(0));
            t3 += usize::from(rank.is_some_and(|r| r < 3));
            if let Some(best) = rec.classes().iter().position(|n| *n == g.top[0].0) {
                confusion[c][best] += 1;
            }
            for (fi, f) in fractions.iter().enumerate() {
                let at = ((steps as f32 * f).ceil() as usize).clamp(1, steps) - 1;
                let g = rec.guess_from_logits(&session.logits_after(at));
                early_hits[fi][c].0 += usize::from(g.top[0].0 == cd.class);
                early_hits[fi][c].1 += 1;
            }
        }
        let n = cd.val.len().max(1) as f32;
        per_class.push(ClassReport {
            class: cd.class.clone(),
            has_generator: cd.has_generator,
            n: cd.val.len(),
            top1: t1 as f32 / n,
            top3: t3 as f32 / n,
        });
    }
    let mut unknown_scores = |part: usize, done: &mut usize| -> (Vec<f32>, usize) {
        let mut s = Vec::new();
        let mut unsure = 0;
        for (_, d) in &ds.unknown[part] {
            let g = rec.classify(d);
            unsure += usize::from(g.unsure);
            s.push(g.score);
            *done += 1;
            progress(*done, total);
        }
        (s, unsure)
    };
    let (calib, _) = unknown_scores(1, &mut done);
    let (evals, unsure_unknown) = unknown_scores(2, &mut done);
    let mean = |v: Vec<f32>| v.iter().sum::<f32>() / v.len().max(1) as f32;
    let pick = |generator: Option<bool>, f: fn(&ClassReport) -> f32| {
        mean(
            per_class
                .iter()
                .filter(|c| c.n > 0 && generator.is_none_or(|g| c.has_generator == g))
                .map(f)
                .collect(),
        )
    };
    let threshold = rec.config().unsure_threshold;
    Report {
        macro_top1: pick(None, |c| c.top1),
        macro_top3: pick(None, |c| c.top3),
        macro_top1_generator: pick(Some(true), |c| c.top1),
        macro_top3_generator: pick(Some(true), |c| c.top3),
        macro_top1_no_generator: pick(Some(false), |c| c.top1),
        macro_top3_no_generator: pick(Some(false), |c| c.top3),
        auroc: auroc(&known_scores, &evals),
        auroc_calibration: auroc(&known_scores, &calib),
        unsure_rate_known: known_scores.iter().filter(|&&s| s < threshold).count() as f32
            / known_scores.len().max(1) as f32,
        unsure_rate_unknown: unsure_unknown as f32 / evals.len().max(1) as f32,
        early: fractions
            .iter()
            .zip(&early_hits)
            .map(|(&f, hits)| {
                let accs: Vec<f32> = hits
                    .iter()
                    .filter(|h| h.1 > 0)
                    .map(|h| h.0 as f32 / h.1 as f32)
                    .collect();
                (f, mean(accs))
            })
            .collect(),
        confusion,
        classes: rec.classes().to_vec(),
        per_class,
    }
}

/// The confusion matrix as a picture: one cell per (true, guessed) pair,
/// darker = larger share of the true class's drawings (green on the
/// diagonal, red off it); true classes are named down the left side,
/// guesses along the top (reading upwards), in egui's monospace font.
pub fn confusion_png(report: &Report) -> RgbImage {
    let font = label_font();
    let font = scaled(&font);
    let k = report.classes.len() as u32;
    let cell = 14u32;
    let widest = report
        .classes
        .iter()
        .map(|c| text_width(&font, c))
        .fold(0.0f32, f32::max);
    let label_w = widest.ceil() as u32 + 8;
    let side = label_w + cell * k + 4;
    let mut img = RgbImage::from_pixel(side, side, Rgb([255, 255, 255]));
    for (r, row) in report.confusion.iter().enumerate() {
        let n: usize = row.iter().sum();
        for (c, &v) in row.iter().enumerate() {
            let share = if n > 0 { v as f32 / n as f32 } else { 0.0 };
            let shade = (255.0 * (1.0 - share)) as u8;
            let color = if r == c {
                Rgb([shade, 255 - (255 - shade) / 3, shade])
            } else {
                Rgb([255, shade, shade])
            };
            let (x0, y0) = (label_w + c as u32 * cell, label_w + r as u32 * cell);
            for y in y0..y0 + cell - 1 {
                for x in x0..x0 + cell - 1 {
                    img.put_pixel(x, y, color);
                }
            }
        }
    }
    for (i, name) in report.classes.iter().enumerate() {
        let at = (label_w + i as u32 * cell) as f32;
        // Right-aligned against the grid, centred on the cell.
        let w = text_width(&font, name);
        let left = label_w as f32 - 4.0 - w;
        draw_text(&mut img, &font, name, left, at, false);
        draw_text(&mut img, &font, name, at, label_w as f32 - 4.0, true);
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auroc_matches_hand_counts() {
        assert_eq!(auroc(&[0.9, 0.8], &[0.1, 0.2]), 1.0);
        assert_eq!(auroc(&[0.1], &[0.9]), 0.0);
        // pos {0.5, 0.7}, neg {0.5, 0.6}: pairs (0.5,0.5) tie ½, (0.5,0.6) 0, (0.7,·) 2 → 2.5/4
        assert_eq!(auroc(&[0.5, 0.7], &[0.5, 0.6]), 0.625);
    }

    #[test]
    fn youden_separates() {
        let t = youden_threshold(&[0.8, 0.9, 0.7], &[0.1, 0.3, 0.2]);
        assert!(t > 0.3 && t <= 0.7, "{t}");
    }
}
