//! Caption metrics, computed exactly as coco-caption (pycocoevalcap) does,
//! on already tokenized text (tokens joined by single spaces).
//!
//! - **BLEU-1..4** (corpus level): clipped n-gram matches summed over the
//!   corpus, geometric mean of the precisions up to n, times the brevity
//!   penalty exp(1 − r/c) when the candidate total c is shorter than r, the
//!   sum over sentences of the *closest* reference length (ties: the shorter).
//!   Like coco-caption, precisions get 1e-15 added above and 1e-9 below.
//! - **CIDEr-D**: per n-gram order 1..4, TF-IDF vectors (document frequency
//!   counted over the reference sets of the evaluated corpus), the candidate's
//!   weights clipped to each reference's, cosine similarity times the length
//!   penalty exp(−δ²/2σ²) with σ = 6, averaged over orders and references,
//!   times 10; the corpus score is the mean ([`cider_d`]; [`CiderD`] keeps
//!   the document frequencies of a reference corpus to score candidates one
//!   by one, as self-critical training does). As in coco-caption's
//!   `cider_scorer.py`, the "length" in δ counts the sentence's bigrams.
//!
//! `tests/caption.rs` checks both against numbers from pycocoevalcap on a
//! fixed fixture.

use std::collections::HashMap;

/// n-gram orders used by both metrics.
const N: usize = 4;
/// σ of CIDEr-D's length penalty.
const SIGMA: f64 = 6.0;

type Counts = HashMap<Vec<String>, usize>;

/// n-gram counts of orders 1..=4 of a tokenized sentence.
fn ngrams(sentence: &str) -> (Counts, usize) {
    let words: Vec<String> = sentence.split_whitespace().map(str::to_owned).collect();
    let mut counts = Counts::new();
    for n in 1..=N {
        for w in words.windows(n) {
            *counts.entry(w.to_vec()).or_default() += 1;
        }
    }
    (counts, words.len())
}

/// Corpus BLEU-1..4 of `candidates[i]` against `references[i]`.
pub fn bleu(candidates: &[String], references: &[Vec<String>]) -> [f64; 4] {
    assert_eq!(candidates.len(), references.len());
    let (mut guess, mut correct) = ([0usize; N], [0usize; N]);
    let (mut test_len, mut ref_len) = (0usize, 0usize);
    for (cand, refs) in candidates.iter().zip(references) {
        let mut max_ref: Counts = Counts::new();
        let mut lens = Vec::with_capacity(refs.len());
        for r in refs {
            let (c, l) = ngrams(r);
            lens.push(l);
            for (g, n) in c {
                let m = max_ref.entry(g).or_default();
                *m = (*m).max(n);
            }
        }
        let (counts, len) = ngrams(cand);
        test_len += len;
        // The closest reference length; ties go to the shorter one.
        ref_len += lens
            .iter()
            .copied()
            .min_by_key(|&l| ((l as i64 - len as i64).abs(), l))
            .unwrap_or(0);
        for (k, g) in guess.iter_mut().enumerate() {
            *g += len.saturating_sub(k);
        }
        for (g, n) in counts {
            correct[g.len() - 1] += n.min(max_ref.get(&g).copied().unwrap_or(0));
        }
    }
    let (tiny, small) = (1e-15, 1e-9);
    let mut out = [0.0; N];
    let mut product = 1.0f64;
    for k in 0..N {
        product *= (correct[k] as f64 + tiny) / (guess[k] as f64 + small);
        out[k] = product.powf(1.0 / (k + 1) as f64);
    }
    let ratio = (test_len as f64 + tiny) / (ref_len as f64 + small);
    if ratio < 1.0 {
        for b in &mut out {
            *b *= (1.0 - 1.0 / ratio).exp();
        }
    }
    out
}

/// A sentence as CIDEr's TF-IDF vectors: per order, n-gram → weight; the
/// per-order norms; and its "length" (bigram count, see the module doc).
struct TfIdf {
    vec: [HashMap<Vec<String>, f64>; N],
    norm: [f64; N],
    length: f64,
}

fn tfidf(counts: &Counts, df: &HashMap<Vec<String>, usize>, log_refs: f64) -> TfIdf {
    let mut vec: [HashMap<Vec<String>, f64>; N] = Default::default();
    let mut norm = [0.0; N];
    let mut length = 0.0;
    for (g, &tf) in counts {
        let d = (df.get(g).copied().unwrap_or(0) as f64).max(1.0).ln();
        let n = g.len() - 1;
        let w = tf as f64 * (log_refs - d);
        vec[n].insert(g.clone(), w);
        norm[n] += w * w;
        if n == 1 {
            length += tf as f64;
        }
    }
    TfIdf {
        vec,
        norm: norm.map(f64::sqrt),
        length,
    }
}

/// A CIDEr-D scorer over fixed reference sets: the document frequencies and
/// every reference's TF-IDF vectors are computed once, so candidates can be
/// scored one at a time (self-critical training scores millions of sampled
/// captions against the training references, whose n-gram statistics are
/// those of the whole training set, not of one batch).
pub struct CiderD {
    df: HashMap<Vec<String>, usize>,
    log_refs: f64,
    /// Per reference set, its references' TF-IDF vectors.
    refs: Vec<Vec<TfIdf>>,
}

impl CiderD {
    /// Document frequency over `references` (one set per photo, as
    /// coco-caption counts it: an n-gram counts once per set).
    pub fn new(references: &[Vec<String>]) -> Self {
        let ref_counts: Vec<Vec<Counts>> = references
            .iter()
            .map(|refs| refs.iter().map(|r| ngrams(r).0).collect())
            .collect();
        let mut df: HashMap<Vec<String>, usize> = HashMap::new();
        for refs in &ref_counts {
            let mut seen: std::collections::HashSet<&Vec<String>> = Default::default();
            for r in refs {
                seen.extend(r.keys());
            }
            for g in seen {
                *df.entry(g.clone()).or_default() += 1;
            }
        }
        let log_refs = (references.len() as f64).ln();
        let refs = ref_counts
            .iter()
            .map(|set| set.iter().map(|r| tfidf(r, &df, log_refs)).collect())
            .collect();
        Self { df, log_refs, refs }
    }

    /// Number of reference sets.
    pub fn len(&self) -> usize {
        self.refs.len()
    }

    /// Returns true if and only if there is no reference set.
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    /// CIDEr-D of one tokenized candidate against reference set `set`.
    pub fn score(&self, candidate: &str, set: usize) -> f64 {
        let h = tfidf(&ngrams(candidate).0, &self.df, self.log_refs);
        let refs = &self.refs[set];
        let mut total = [0.0; N];
        for r in refs {
            let delta = h.length - r.length;
            for (n, tot) in total.iter_mut().enumerate() {
                let mut val = 0.0;
                for (g, &w) in &h.vec[n] {
                    let wr = r.vec[n].get(g).copied().unwrap_or(0.0);
                    val += w.min(wr) * wr;
                }
                if h.norm[n] != 0.0 && r.norm[n] != 0.0 {
                    val /= h.norm[n] * r.norm[n];
                }
                *tot += val * (-(delta * delta) / (2.0 * SIGMA * SIGMA)).exp();
            }
        }
        let mean = total.iter().sum::<f64>() / N as f64;
        mean / refs.len().max(1) as f64 * 10.0
    }
}

/// CIDEr-D of each candidate and their mean (the corpus score), document
/// frequencies from these references.
pub fn cider_d(candidates: &[String], references: &[Vec<String>]) -> (f64, Vec<f64>) {
    assert_eq!(candidates.len(), references.len());
    let scorer = CiderD::new(references);
    let scores: Vec<f64> = candidates
        .iter()
        .enumerate()
        .map(|(i, cand)| scorer.score(cand, i))
        .collect();
    let corpus = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
    (corpus, scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_candidate_scores_full_bleu() {
        let c = vec!["a dog runs on the grass".to_string()];
        let r = vec![vec!["a dog runs on the grass".to_string()]];
        let b = bleu(&c, &r);
        for v in b {
            assert!((v - 1.0).abs() < 1e-9, "{b:?}");
        }
    }

    #[test]
    fn short_candidate_pays_the_brevity_penalty() {
        let c = vec!["a dog".to_string()];
        let r = vec![vec!["a dog runs".to_string()]];
        let b = bleu(&c, &r);
        assert!((b[0] - (1.0f64 - 1.5).exp()).abs() < 1e-9, "{b:?}");
    }
}
