//! Learning the taught head from a few examples a class.
//!
//! 1. **Augment**: each example and `copies` random variants of it (the
//!    recognizer's own training augmentation, stroke order and direction
//!    included: a user's five cats show five orders, other drawings of a cat
//!    many more), seeded by the class name and the example's place, so the
//!    same examples always learn the same head.
//! 2. **Embed**: the frozen recognizer's logits z and embedding e of every
//!    variant ([`Recognizer::features`]) — the slow part (one LSTM run and one
//!    CNN forward each), in parallel.
//! 3. **Prototypes**: w_c = the mean e of class c's variants, to unit length.
//! 4. **Fit**: full-batch Adam on the mean cross-entropy of the joined
//!    softmax (see [`super`]) over every variant, the built-in logits fixed;
//!    w_c = v_c/‖v_c‖, so with t_c = α·ŵ_c·e + β,
//!
//!    ```text
//!    ∂loss/∂t_c = p_c − [c = y]
//!    ∂t_c/∂v_c  = α·(e − (ŵ_c·e)·ŵ_c) / ‖v_c‖
//!    ```
//!
//!    It moves each w_c off its prototype where the built-in classes or
//!    another taught class compete for its examples. The loss after every
//!    step is the **loss curve**; the **fit** of an example is the p its own
//!    class gets, unaugmented, at the end.

use super::{Features, TaughtHead};
use crate::nn::ops::{softmax_in_place, unit_rows, unit_rows_backward};
use crate::sketch::drawing::Drawing;
use crate::sketch::recognizer::Recognizer;
use crate::sketch::recognizer::augment::{AugmentOptions, augment};
use crate::sketch::recognizer::dataset::fnv1a64;
use rand::SeedableRng;
use rayon::prelude::*;

/// How to learn.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnOptions {
    /// augmented variants per example (besides the example itself)
    pub copies: usize,
    /// Adam steps of the fit (0: the prototypes alone)
    pub steps: usize,
    pub lr: f32,
    /// α
    pub scale: f32,
    /// β
    pub bias: f32,
    /// γ
    pub gate: f32,
    /// λ, the anchors' share of the loss
    pub anchor_weight: f32,
}

impl Default for LearnOptions {
    fn default() -> Self {
        Self {
            copies: 8,
            steps: 60,
            lr: 0.01,
            scale: super::DEFAULT_SCALE,
            bias: super::DEFAULT_BIAS,
            gate: super::DEFAULT_GATE,
            anchor_weight: super::DEFAULT_ANCHOR_WEIGHT,
        }
    }
}

/// How far learning is, for a progress bar and the live loss curve.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnProgress {
    /// `done` of `total` variants embedded
    Embedding { done: usize, total: usize },
    /// the loss after fit step `step` (1-based) of `steps`
    Step {
        step: usize,
        steps: usize,
        loss: f32,
    },
}

/// What learning made.
#[derive(Debug, Clone)]
pub struct Learnt {
    pub head: TaughtHead,
    /// the loss before the fit and after each step
    pub losses: Vec<f32>,
    /// per class, per example: the p of its own class, unaugmented
    pub fit: Vec<Vec<f32>>,
}

/// The variants of one example: the example, then `copies` augmentations.
pub fn variants(d: &Drawing, class: &str, index: usize, copies: usize) -> Vec<Drawing> {
    let opts = AugmentOptions {
        stroke_order: 0.9,
        stroke_reverse: 0.3,
        ..AugmentOptions::default()
    };
    let seed = fnv1a64(format!("teach:{class}:{index}").as_bytes());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut out = vec![d.clone()];
    out.extend((0..copies).map(|_| augment(d, &opts, &mut rng)));
    out
}

/// Features of drawings, in parallel; `progress` gets the count done. A
/// drawing without points has none.
pub fn features_of(
    rec: &Recognizer,
    drawings: &[Drawing],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Option<Features>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let base = rec.with_taught(None);
    drawings
        .par_iter()
        .map(|d| {
            let f = base.features(d);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n);
            f
        })
        .collect()
}

/// One variant to fit: its taught class y and its features.
#[derive(Debug, Clone)]
pub struct Item {
    pub class: usize,
    /// whether it is an example itself (its p is the example's fit)
    pub original: bool,
    pub features: Features,
}

/// The features of examples' variants already embedded, so that learning
/// again after one more example ("No, it's a …") embeds only that example's
/// variants; the fit itself is fast and runs whole, so the head is the same
/// as a learn from scratch. A variant's features depend on the recognizer,
/// the example, its class and place (they seed the augmentation) and the
/// number of copies, and are looked up by all of them.
#[derive(Debug, Default)]
pub struct EmbedCache {
    /// [`base_fingerprint`](super::base_fingerprint) of the recognizer the
    /// entries were embedded with
    base: String,
    entries: std::collections::HashMap<u64, Vec<Option<Features>>>,
}

impl EmbedCache {
    /// Examples whose variants are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn key(class: &str, index: usize, copies: usize, d: &Drawing) -> u64 {
        let line = crate::sketch::ndjson::to_line(d);
        fnv1a64(format!("{class}\n{index}\n{copies}\n{line}").as_bytes())
    }
}

/// Learns a head for `classes` (name, examples) on the frozen `rec`.
pub fn learn(
    rec: &Recognizer,
    classes: &[(String, Vec<Drawing>)],
    anchors: &[Anchor],
    opts: &LearnOptions,
    progress: &mut (dyn FnMut(LearnProgress) + Send),
) -> Learnt {
    learn_cached(
        rec,
        classes,
        anchors,
        opts,
        &mut EmbedCache::default(),
        progress,
    )
}

/// [`learn`], embedding only the examples `cache` does not hold yet (and
/// keeping theirs in it); the progress counts those.
pub fn learn_cached(
    rec: &Recognizer,
    classes: &[(String, Vec<Drawing>)],
    anchors: &[Anchor],
    opts: &LearnOptions,
    cache: &mut EmbedCache,
    progress: &mut (dyn FnMut(LearnProgress) + Send),
) -> Learnt {
    let fingerprint = super::base_fingerprint(rec);
    if cache.base != fingerprint {
        *cache = EmbedCache {
            base: fingerprint,
            ..EmbedCache::default()
        };
    }
    // The examples to embed: those the cache lacks.
    let mut keys = Vec::new();
    let mut drawings = Vec::new();
    let mut spans = Vec::new();
    for (name, examples) in classes {
        for (i, d) in examples.iter().enumerate() {
            let key = EmbedCache::key(name, i, opts.copies, d);
            keys.push(key);
            // (class, place) make every key of a pack different.
            if !cache.entries.contains_key(&key) {
                let v = variants(d, name, i, opts.copies);
                spans.push((key, v.len()));
                drawings.extend(v);
            }
        }
    }
    let total = drawings.len();
    let progress = std::sync::Mutex::new(progress);
    let feats = features_of(rec, &drawings, &|done| {
        if let Ok(mut p) = progress.lock() {
            p(LearnProgress::Embedding { done, total });
        }
    });
    let progress = progress.into_inner().expect("no panic while embedding");
    let mut feats = feats.into_iter();
    for (key, n) in spans {
        cache.entries.insert(key, feats.by_ref().take(n).collect());
    }
    // Forget examples that are gone (removed, or a class renamed).
    let wanted: std::collections::HashSet<u64> = keys.iter().copied().collect();
    cache.entries.retain(|k, _| wanted.contains(k));
    let mut items = Vec::new();
    let mut key = keys.iter();
    for (c, (_, examples)) in classes.iter().enumerate() {
        for _ in examples {
            let k = key.next().expect("a key per example");
            for (j, f) in cache.entries[k].iter().enumerate() {
                if let Some(f) = f {
                    items.push(Item {
                        class: c,
                        original: j == 0,
                        features: f.clone(),
                    });
                }
            }
        }
    }
    let names: Vec<String> = classes.iter().map(|(n, _)| n.clone()).collect();
    let k = rec.classes().len();
    let mut learnt = fit(&names, &items, anchors, k, opts, progress);
    let cfg = rec.config();
    learnt.head.unsure_threshold = super::unsure::recalibrate(
        &learnt.head,
        &items,
        anchors,
        k,
        cfg.unsure_score,
        cfg.unsure_threshold,
    );
    learnt
}

/// A drawing the taught classes must leave alone: one of a built-in class
/// (its output index) or of an unknown class (the other outputs), with its
/// features. Anchors come from training drawings, never validation ones
/// ([`anchors`](super::anchors)).
#[derive(Debug, Clone)]
pub struct Anchor {
    /// Some(c): built-in class c; None: an unknown class
    pub class: Option<usize>,
    pub features: Features,
}

/// Prototypes, then the fit (see the module doc), on embedded items and
/// anchors; `k` is the number of built-in classes.
pub fn fit(
    names: &[String],
    items: &[Item],
    anchors: &[Anchor],
    k: usize,
    opts: &LearnOptions,
    progress: &mut dyn FnMut(LearnProgress),
) -> Learnt {
    let n = names.len();
    let dim = items.first().map_or(0, |i| i.features.embedding.len());
    let mut v = vec![0.0f32; n * dim];
    for it in items {
        let row = &mut v[it.class * dim..(it.class + 1) * dim];
        row.iter_mut()
            .zip(&it.features.embedding)
            .for_each(|(a, b)| *a += b);
    }
    let mut head = TaughtHead {
        classes: names.to_vec(),
        dim,
        weights: unit_rows(&v, dim).0,
        scale: opts.scale,
        bias: opts.bias,
        biases: vec![0.0; n],
        gate: opts.gate,
        unsure_threshold: None,
    };
    v.clone_from(&head.weights);
    // Adam over [v (N·D), b (N)].
    let np = v.len() + n;
    let (mut m, mut s) = (vec![0.0f32; np], vec![0.0f32; np]);
    let (b1, b2) = (0.9f32, 0.999f32);
    let mut losses = Vec::with_capacity(opts.steps + 1);
    for step in 0..=opts.steps {
        let (loss, grad) = loss_and_grad(&head, &v, items, anchors, opts.anchor_weight, k);
        losses.push(loss);
        if step > 0 {
            progress(LearnProgress::Step {
                step,
                steps: opts.steps,
                loss,
            });
        }
        if step == opts.steps {
            break;
        }
        let t = (step + 1) as i32;
        for i in 0..np {
            m[i] = b1 * m[i] + (1.0 - b1) * grad[i];
            s[i] = b2 * s[i] + (1.0 - b2) * grad[i] * grad[i];
            let mh = m[i] / (1.0 - b1.powi(t));
            let sh = s[i] / (1.0 - b2.powi(t));
            let delta = opts.lr * mh / (sh.sqrt() + 1e-8);
            match i.checked_sub(v.len()) {
                None => v[i] -= delta,
                Some(c) => head.biases[c] -= delta,
            }
        }
        head.weights = unit_rows(&v, dim).0;
    }
    let mut fit = vec![Vec::new(); n];
    for it in items.iter().filter(|i| i.original) {
        let p = joined_p(&head, &it.features, k);
        fit[it.class].push(p[k + it.class]);
    }
    Learnt { head, losses, fit }
}

/// The joined softmax p of one item.
fn joined_p(head: &TaughtHead, f: &Features, k: usize) -> Vec<f32> {
    let (mut p, _) = head.join(&f.logits, k, &f.embedding);
    softmax_in_place(&mut p);
    p
}

/// The loss, mean cross-entropy over the taught items plus λ times the
/// same over the anchors, and its gradient with respect to [v (N, D), b (N)], v the
/// unnormalised rows of the head's weights. An anchor of an unknown class
/// has the loss −ln Σ p(other); for every target, ∂loss/∂t_c is
/// p_c − [c is the target].
fn loss_and_grad(
    head: &TaughtHead,
    v: &[f32],
    items: &[Item],
    anchors: &[Anchor],
    anchor_weight: f32,
    k: usize,
) -> (f32, Vec<f32>) {
    let (dim, n) = (head.dim, head.classes.len());
    let mut grad = vec![0.0f32; v.len() + n];
    let mut loss = 0.0f32;
    // ∂loss/∂ŵ_c = Σ ∂t_c·α·e over the items and anchors, then once through
    // the normalisation ŵ = v/‖v‖.
    let mut d_unit = vec![0.0f32; v.len()];
    let mut add = |f: &Features, own: Option<usize>, p: &[f32], per: f32| {
        for c in 0..n {
            let dt = (p[k + c] - f32::from(own == Some(c))) * per;
            grad[v.len() + c] += dt;
            let g = &mut d_unit[c * dim..(c + 1) * dim];
            g.iter_mut()
                .zip(&f.embedding)
                .for_each(|(g, e)| *g += dt * head.scale * e);
        }
    };
    let per = 1.0 / items.len().max(1) as f32;
    for it in items {
        let p = joined_p(head, &it.features, k);
        loss -= p[k + it.class].max(1e-30).ln() * per;
        add(&it.features, Some(it.class), &p, per);
    }
    let per = anchor_weight / anchors.len().max(1) as f32;
    for a in anchors {
        let p = joined_p(head, &a.features, k);
        let target = match a.class {
            Some(c) => p[c],
            None => p[k + n..].iter().sum(),
        };
        loss -= target.max(1e-30).ln() * per;
        add(&a.features, None, &p, per);
    }
    let (unit, norms) = unit_rows(v, dim);
    unit_rows_backward(&unit, &norms, &d_unit, &mut grad[..v.len()]);
    (loss, grad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(class: usize, logits: Vec<f32>, e: Vec<f32>) -> Item {
        Item {
            class,
            original: true,
            features: Features {
                logits,
                embedding: e,
            },
        }
    }

    /// The hand-written gradient against central finite differences in v.
    #[test]
    fn gradient_matches_finite_differences() {
        let items = vec![
            item(0, vec![0.5, -1.0, 0.2], vec![0.6, 0.8, 0.0]),
            item(1, vec![1.5, 0.0, -0.3], vec![0.0, 0.6, 0.8]),
            item(0, vec![-0.5, 0.3, 0.1], vec![0.8, 0.0, 0.6]),
        ];
        let v = vec![0.9, 0.3, -0.2, 0.1, 0.7, 0.5];
        let head = |v: &[f32]| TaughtHead {
            classes: vec!["a".into(), "b".into()],
            dim: 3,
            weights: unit_rows(v, 3).0,
            scale: 4.0,
            bias: -1.0,
            biases: vec![0.3, -0.2],
            gate: 0.0,
            unsure_threshold: None,
        };
        let anchors = vec![
            Anchor {
                class: Some(1),
                features: Features {
                    logits: vec![0.1, 0.9, -0.4],
                    embedding: vec![0.6, 0.0, 0.8],
                },
            },
            Anchor {
                class: None,
                features: Features {
                    logits: vec![0.0, -0.2, 1.1],
                    embedding: vec![0.0, 0.8, 0.6],
                },
            },
        ];
        let loss = |v: &[f32]| loss_and_grad(&head(v), v, &items, &anchors, 1.5, 2).0;
        let (_, grad) = loss_and_grad(&head(&v), &v, &items, &anchors, 1.5, 2);
        let eps = 1e-3;
        let mut worst = 0.0f32;
        for i in 0..v.len() {
            let (mut up, mut down) = (v.clone(), v.clone());
            up[i] += eps;
            down[i] -= eps;
            let fd = (loss(&up) - loss(&down)) / (2.0 * eps);
            worst = worst.max((fd - grad[i]).abs());
        }
        // ∂loss/∂b_c: the head's biases moved directly.
        for c in 0..2 {
            let shifted = |d: f32| {
                let mut h = head(&v);
                h.biases[c] += d;
                loss_and_grad(&h, &v, &items, &anchors, 1.5, 2).0
            };
            let fd = (shifted(eps) - shifted(-eps)) / (2.0 * eps);
            worst = worst.max((fd - grad[v.len() + c]).abs());
        }
        assert!(worst < 2e-3, "max |fd - grad| = {worst}");
    }

    /// Two separable classes: the fit lowers the loss and each example's
    /// own class wins.
    #[test]
    fn fit_lowers_the_loss() {
        let items = vec![
            item(0, vec![0.0, 0.0], vec![1.0, 0.0]),
            item(0, vec![0.0, 0.0], vec![0.8, 0.6]),
            item(1, vec![0.0, 0.0], vec![0.0, 1.0]),
            item(1, vec![0.0, 0.0], vec![0.6, 0.8]),
        ];
        let opts = LearnOptions {
            steps: 30,
            lr: 0.05,
            scale: 8.0,
            bias: 0.0,
            ..LearnOptions::default()
        };
        let names = ["a".to_string(), "b".to_string()];
        let l = fit(&names, &items, &[], 1, &opts, &mut |_| {});
        assert!(l.losses.last() < l.losses.first(), "{:?}", l.losses);
        assert!(l.fit.iter().flatten().all(|&p| p > 0.5), "{:?}", l.fit);
    }
}
