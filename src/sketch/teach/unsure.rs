//! "I'm not sure" with taught classes: the unsure threshold calibrated again
//! for the larger class set (issue 21 §1).
//!
//! The shipped threshold τ₀ was chosen (Youden's J of the recognizer's own
//! unsure score, `calibrate_unsure`) on validation drawings and unknown
//! classes that a running app does not have. What it has when a pack is
//! learnt are the **anchors** (augmented training drawings of the built-in
//! classes and of the unknown classes of part 0) and the taught classes'
//! variants. Their scores are not distributed like validation drawings', so
//! a threshold chosen on them alone would be off by however much they
//! differ; but they differ in the same way with or without the pack. So the
//! pack's threshold is τ₀ moved by what the pack moves the anchors' own
//! threshold:
//!
//! ```text
//! τ_pack = τ₀ + (J*(anchors + variants, with the pack) − J*(anchors, base alone))
//! ```
//!
//! where J*(…) is the Youden threshold of right (top-1 among the known
//! classes) against wrong-or-unknown drawings of the same score.

use super::TaughtHead;
use super::learn::{Anchor, Item};
use crate::sketch::recognizer::UnsureScore;
use crate::sketch::recognizer::eval::youden_threshold;

/// Whether the best of the first `known` logits of `z` is `target`.
fn top1(z: &[f32], known: usize, target: usize) -> bool {
    let t = z[target];
    !z[..known].iter().any(|&v| v > t)
}

/// The Youden threshold of `score` over (right, wrong-or-unknown) drawings
/// given as (joined logits, known count, target: None for an unknown).
fn youden(
    rows: impl Iterator<Item = (Vec<f32>, usize, Option<usize>)>,
    score: UnsureScore,
) -> Option<f32> {
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for (z, known, target) in rows {
        let s = score.of(&z, known);
        match target {
            Some(t) if top1(&z, known, t) => pos.push(s),
            _ => neg.push(s),
        }
    }
    (!pos.is_empty() && !neg.is_empty()).then(|| youden_threshold(&pos, &neg))
}

/// τ_pack (see the module doc) for `head` learnt on `items` against
/// `anchors`, from the shipped `threshold` of `score`; `k` built-in
/// classes. None when the anchors cannot tell (no anchors, or none wrong).
pub fn recalibrate(
    head: &TaughtHead,
    items: &[Item],
    anchors: &[Anchor],
    k: usize,
    score: UnsureScore,
    threshold: f32,
) -> Option<f32> {
    let unknown_or = |a: &Anchor| a.class;
    let base = youden(
        anchors
            .iter()
            .map(|a| (a.features.logits.clone(), k, unknown_or(a))),
        score,
    )?;
    let joined = |f: &super::Features| head.join(&f.logits, k, &f.embedding);
    let with_pack = youden(
        anchors
            .iter()
            .map(|a| {
                let (z, known) = joined(&a.features);
                (z, known, unknown_or(a))
            })
            .chain(items.iter().map(|it| {
                let (z, known) = joined(&it.features);
                (z, known, Some(k + it.class))
            })),
        score,
    )?;
    Some(threshold + (with_pack - base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::teach::Features;

    fn anchor(class: Option<usize>, logits: Vec<f32>) -> Anchor {
        Anchor {
            class,
            features: Features {
                logits,
                embedding: vec![1.0, 0.0],
            },
        }
    }

    /// A head that adds nothing (its class never wins and takes no mass
    /// worth counting) leaves the threshold where it was; one that makes the
    /// anchors' right answers less sure moves it.
    #[test]
    fn the_threshold_moves_with_what_the_pack_changes() {
        // Two built-in classes and one other output.
        let anchors = vec![
            anchor(Some(0), vec![3.0, 0.0, 0.0]),
            anchor(Some(0), vec![2.0, 0.5, 0.0]),
            anchor(Some(1), vec![0.0, 2.5, 0.0]),
            anchor(Some(1), vec![1.2, 1.0, 0.0]),
            anchor(None, vec![0.2, 0.1, 2.0]),
            anchor(None, vec![0.8, 0.0, 1.0]),
        ];
        let silent = TaughtHead {
            classes: vec!["x".into()],
            dim: 2,
            weights: vec![0.0, 1.0],
            scale: 1.0,
            bias: -60.0,
            biases: vec![0.0],
            gate: 0.0,
            unsure_threshold: None,
        };
        let t = recalibrate(&silent, &[], &anchors, 2, UnsureScore::Margin, 0.25).unwrap();
        assert!((t - 0.25).abs() < 1e-4, "{t}");
        // A taught class that everything looks a bit like: every margin
        // shrinks, and so does the threshold that separates them.
        let loud = TaughtHead {
            weights: vec![1.0, 0.0],
            bias: 1.0,
            ..silent
        };
        let t2 = recalibrate(&loud, &[], &anchors, 2, UnsureScore::Margin, 0.25).unwrap();
        assert!(t2 < 0.25, "{t2}");
        assert!(recalibrate(&loud, &[], &[], 2, UnsureScore::Margin, 0.25).is_none());
    }
}
