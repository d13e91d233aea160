//! Teaching the recognizer new classes from a few drawings (few-shot
//! learning on the frozen recognizer).
//!
//! Terms:
//! - **taught class**: a class a user names and draws a few **examples** of
//!   (a new one, or one of the built-in classes, in one's own style);
//! - **embedding** e of a drawing (D): what the frozen recognizer sees, the
//!   top LSTM layer's last h_t (H) and the raster CNN's pooled features g
//!   (C_L), each scaled to unit length, side by side, scaled to unit length
//!   ([`embedding`]). The base model learnt these to tell 44 + 108 classes
//!   apart, so drawings of a new class lie close together in it too;
//! - **prototype** of a taught class: the mean embedding of its examples and
//!   their augmented copies ([`learn`]);
//! - **taught head**: one unit vector w_c (D) per taught class, started at
//!   its prototype and fitted by gradient descent; its logit is a scaled
//!   cosine, t_c = α·(w_c·e) + β ([`TaughtHead::logits`]).
//!
//! ```text
//! z (C) = the recognizer's logits: K built-in classes, then the other outputs
//! t (N) = α·W·e + β + b                       the taught classes
//! p     = softmax([z_known, t, z_other])  one distribution over K + N + other
//! ```
//!
//! The built-in weights never change, so a built-in class's logit is what it
//! was; a built-in drawing is lost only when a taught class's t outbids its
//! logit, and α, β are chosen so that this is rare ([`DEFAULT_SCALE`]).
//!
//! The folder: this file (embedding, head, joining logits); [`learn`] (the
//! augmented examples, the fit, its loss curve); [`pack`] (the taught classes
//! on disk, export and import); [`eval`] (few-shot quality on classes the
//! base never saw).

pub mod anchors;
pub mod eval;
pub mod learn;
pub mod pack;
pub mod unsure;

pub use learn::{Anchor, EmbedCache, LearnOptions, LearnProgress, Learnt, learn, learn_cached};
pub use pack::{Pack, PackError};

use serde::{Deserialize, Serialize};

/// α, the taught logits' scale, and β, their offset. Chosen, with γ and λ,
/// by `eval-teach --part calibrate` (the unknown classes of the calibration
/// part, never the evaluation part; 6–8 draws) as the setting with the best
/// new-class top-1 whose 44-class validation drop stays ≤ 0.005 with both 10
/// and 20 taught classes: half the 0.01 allowed, because the drop on unseen
/// classes ran about twice the calibration part's (README, "Teach").
pub const DEFAULT_SCALE: f32 = 16.0;
/// β (see [`DEFAULT_SCALE`]).
pub const DEFAULT_BIAS: f32 = -5.0;
/// γ (see [`DEFAULT_SCALE`]).
pub const DEFAULT_GATE: f32 = 1.0;
/// λ, the anchors' share of the fit's loss (see [`DEFAULT_SCALE`]).
pub const DEFAULT_ANCHOR_WEIGHT: f32 = 16.0;

/// What a taught class is recognised by, for one drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// The recognizer's logits z (C): the mixture with a CNN.
    pub logits: Vec<f32>,
    /// e (D), unit length
    pub embedding: Vec<f32>,
}

/// e = [h/‖h‖, g/‖g‖]/√2 (D = H + C_L), or h/‖h‖ without a CNN (D = H).
/// Each part is scaled on its own, so the LSTM's and the CNN's views count
/// alike whatever their magnitudes.
pub fn embedding(h: &[f32], g: Option<&[f32]>) -> Vec<f32> {
    let unit = |v: &[f32], scale: f32| -> Vec<f32> {
        let mut u = crate::nn::ops::unit_rows(v, v.len()).0;
        u.iter_mut().for_each(|x| *x *= scale);
        u
    };
    match g {
        Some(g) => {
            let s = std::f32::consts::FRAC_1_SQRT_2;
            let mut e = unit(h, s);
            e.extend(unit(g, s));
            e
        }
        None => unit(h, 1.0),
    }
}

/// The taught classes' logits as one linear layer on the embedding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaughtHead {
    /// The N taught classes, in output order.
    pub classes: Vec<String>,
    /// D
    pub dim: usize,
    /// (N, D), each row of unit length
    pub weights: Vec<f32>,
    /// α
    pub scale: f32,
    /// β
    pub bias: f32,
    /// b_c (N), each class's own offset, learnt (empty: zeros)
    #[serde(default)]
    pub biases: Vec<f32>,
    /// γ, how much a taught class is a kind of "other": its logit gets
    /// γ·ln p(other) of the base, so a drawing the base is sure is a
    /// built-in class is rarely taken by a taught one
    #[serde(default)]
    pub gate: f32,
    /// The unsure threshold with these classes added (None: the built-in one).
    #[serde(default)]
    pub unsure_threshold: Option<f32>,
}

impl TaughtHead {
    /// t (N) = α·W·e + β + γ·ln p_other(z) for an embedding e (D) and the
    /// recognizer's logits z (C) whose first `k` are the built-in classes.
    /// An embedding of another size (a pack learnt with another
    /// recognizer) gives no taught logits.
    pub fn logits(&self, z: &[f32], k: usize, e: &[f32]) -> Vec<f32> {
        if e.len() != self.dim {
            return Vec::new();
        }
        let gate = if self.gate != 0.0 && z.len() > k {
            self.gate * (log_sum_exp(&z[k..]) - log_sum_exp(z))
        } else {
            0.0
        };
        self.weights
            .chunks_exact(self.dim)
            .enumerate()
            .map(|(c, w)| {
                let b_c = self.biases.get(c).copied().unwrap_or(0.0);
                self.scale * dot(w, e) + self.bias + b_c + gate
            })
            .collect()
    }

    /// The joined logits [z_known, t, z_other] and the known count
    /// ([`join_logits`]).
    pub fn join(&self, z: &[f32], k: usize, e: &[f32]) -> (Vec<f32>, usize) {
        join_logits(z, k, &self.logits(z, k, e))
    }
}

fn log_sum_exp(z: &[f32]) -> f32 {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    max + z.iter().map(|v| (v - max).exp()).sum::<f32>().ln()
}

/// [z_known (K), t (N), z_other] from the recognizer's logits z (C) whose
/// first `k` entries are the built-in classes, and the taught logits t; with
/// the number of known (built-in + taught) entries, K + N, which is what
/// every known-ness score reads first.
pub fn join_logits(z: &[f32], k: usize, taught: &[f32]) -> (Vec<f32>, usize) {
    let mut all = Vec::with_capacity(z.len() + taught.len());
    all.extend_from_slice(&z[..k]);
    all.extend_from_slice(taught);
    all.extend_from_slice(&z[k..]);
    (all, k + taught.len())
}

pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A fingerprint of the recognizer's weights, so a pack learnt with other
/// weights (whose embeddings mean something else) is learnt again rather
/// than trusted: FNV-1a over the class names and the LSTM's and CNN's head
/// weights.
pub fn base_fingerprint(rec: &crate::sketch::recognizer::Recognizer) -> String {
    let mut bytes: Vec<u8> = rec.classes().join("\n").into_bytes();
    let heads = [Some(&rec.model().head_w), rec.cnn().map(|c| &c.head_w)];
    for w in heads.into_iter().flatten() {
        bytes.extend(w.iter().flat_map(|x| x.to_le_bytes()));
    }
    format!(
        "{:016x}",
        crate::sketch::recognizer::dataset::fnv1a64(&bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedding_is_unit_length_with_equal_parts() {
        let e = embedding(&[3.0, 4.0], Some(&[0.0, 0.0, 2.0]));
        let norm: f32 = e.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-6, "{norm}");
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let want = [0.6 * s, 0.8 * s, 0.0, 0.0, s];
        for (a, b) in e.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{e:?}");
        }
    }

    #[test]
    fn taught_logits_go_between_known_and_other() {
        let (all, known) = join_logits(&[1.0, 2.0, 9.0], 2, &[5.0]);
        assert_eq!((all, known), (vec![1.0, 2.0, 5.0, 9.0], 3));
        let head = TaughtHead {
            classes: vec!["a".into(), "b".into()],
            dim: 2,
            weights: vec![1.0, 0.0, 0.0, 1.0],
            scale: 10.0,
            bias: -1.0,
            biases: Vec::new(),
            gate: 0.0,
            unsure_threshold: None,
        };
        assert_eq!(head.logits(&[0.0], 1, &[0.6, 0.8]), vec![5.0, 7.0]);
        assert!(head.logits(&[0.0], 1, &[1.0]).is_empty());
        // p(other) = 1/4 of the base: γ = 1 adds ln(1/4).
        let gated = TaughtHead { gate: 1.0, ..head };
        let z = [3f32.ln(), 0.0];
        let t = gated.logits(&z, 1, &[0.6, 0.8]);
        assert!((t[0] - (5.0 + 0.25f32.ln())).abs() < 1e-5, "{t:?}");
    }
}
