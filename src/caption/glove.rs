//! Starting the decoder's word embedding from GloVe (Pennington, Socher &
//! Manning, "GloVe: Global Vectors for Word Representation", EMNLP 2014)
//! instead of at random: words that mean alike start near each other, so what
//! the decoder learns about "puppy" from its few captions can lean on "dog".
//!
//! The vectors are 50-d (glove.6B, PDDL-1.0), the embedding is E-d (256): each
//! known word's row is `s · P g`, with `P` a random E×50 matrix of orthonormal
//! columns (so inner products and norms of the GloVe vectors are kept, only
//! scaled) and `s` chosen so that the rows' mean norm is the random
//! initialisation's. Words GloVe lacks (`<start>`, `<end>`, `<unk>`, rare
//! compounds) keep their random rows. Training then moves every row freely.
//!
//! File: `{"dim": 50, "vectors": {"dog": [..50 numbers..], …}}`, written for the
//! vocabulary by `scripts/trim_glove.py` (the 80 MB table never enters the
//! repository).

use std::collections::HashMap;
use std::path::Path;

use rand::Rng;
use serde::Deserialize;

use super::vocab::Vocab;

/// A trimmed table of word vectors.
#[derive(Debug, Clone, Deserialize)]
pub struct WordVectors {
    pub dim: usize,
    pub vectors: HashMap<String, Vec<f32>>,
}

impl WordVectors {
    /// Reads a trimmed table; errors name the file and what is wrong.
    pub fn load(path: &Path) -> Result<WordVectors, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let wv: WordVectors =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if wv.dim == 0 {
            return Err(format!("{}: \"dim\" is 0", path.display()));
        }
        for (word, v) in &wv.vectors {
            if v.len() != wv.dim || !v.iter().all(|x| x.is_finite()) {
                return Err(format!(
                    "{}: the vector of {word:?} has {} values (or a non-finite one), expected {}",
                    path.display(),
                    v.len(),
                    wv.dim
                ));
            }
        }
        Ok(wv)
    }
}

/// Overwrites the rows of `embed` (`vocab.len()` × `width`, row-major) of the
/// words `wv` knows, as the module doc says; returns how many rows it set.
pub fn init_embedding(
    embed: &mut [f32],
    width: usize,
    vocab: &Vocab,
    wv: &WordVectors,
    rng: &mut impl Rng,
) -> usize {
    assert_eq!(embed.len(), vocab.len() * width, "glove: embedding shape");
    assert!(wv.dim <= width, "glove: vectors wider than the embedding");
    let p = orthonormal_columns(width, wv.dim, rng);
    let norm = |v: &[f32]| v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let known: Vec<(usize, &Vec<f32>)> = vocab
        .words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| wv.vectors.get(w).map(|v| (i, v)))
        .collect();
    if known.is_empty() {
        return 0;
    }
    let random_norm = embed.chunks_exact(width).map(norm).sum::<f64>() / vocab.len().max(1) as f64;
    let glove_norm = known.iter().map(|(_, v)| norm(v)).sum::<f64>() / known.len() as f64;
    let scale = random_norm / glove_norm.max(1e-12);
    for &(i, g) in &known {
        let row = &mut embed[i * width..(i + 1) * width];
        for (r, out) in row.iter_mut().enumerate() {
            let dot: f64 = (0..wv.dim)
                .map(|k| p[r * wv.dim + k] * f64::from(g[k]))
                .sum();
            *out = (scale * dot) as f32;
        }
    }
    known.len()
}

/// A `rows` × `cols` matrix (row-major, cols ≤ rows) whose columns are
/// orthonormal: Gaussian columns, Gram–Schmidt (twice, for round-off).
fn orthonormal_columns(rows: usize, cols: usize, rng: &mut impl Rng) -> Vec<f64> {
    let gaussian = |rng: &mut dyn rand::RngCore| {
        // Box–Muller: a standard normal from two uniforms.
        let u: f64 = 1.0 - rng.random::<f64>();
        let v: f64 = rng.random::<f64>();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let mut m = vec![0.0f64; rows * cols];
    for x in m.iter_mut() {
        *x = gaussian(rng);
    }
    for c in 0..cols {
        for _ in 0..2 {
            for prev in 0..c {
                let dot: f64 = (0..rows)
                    .map(|r| m[r * cols + c] * m[r * cols + prev])
                    .sum();
                for r in 0..rows {
                    m[r * cols + c] -= dot * m[r * cols + prev];
                }
            }
        }
        let n: f64 = (0..rows)
            .map(|r| m[r * cols + c].powi(2))
            .sum::<f64>()
            .sqrt();
        for r in 0..rows {
            m[r * cols + c] /= n;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn vocab(words: &[&str]) -> Vocab {
        Vocab::from_words(words.iter().map(|w| w.to_string()).collect(), 1)
    }

    /// Known words' rows keep GloVe's geometry (cosines exactly), unknown rows
    /// stay as they were, and the rows' mean norm is the random init's.
    #[test]
    fn known_rows_keep_the_cosines_and_unknown_rows_stay() {
        let v = vocab(&["<start>", "<end>", "<unk>", "dog", "puppy", "car"]);
        let wv = WordVectors {
            dim: 3,
            vectors: HashMap::from([
                ("dog".to_string(), vec![1.0, 2.0, 0.5]),
                ("puppy".to_string(), vec![0.9, 2.1, 0.4]),
                ("car".to_string(), vec![-2.0, 0.1, 1.0]),
            ]),
        };
        let width = 8;
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut embed: Vec<f32> = (0..v.len() * width)
            .map(|_| rng.random_range(-0.1..0.1))
            .collect();
        let before = embed.clone();
        let set = init_embedding(&mut embed, width, &v, &wv, &mut rng);
        assert_eq!(set, 3);
        assert_eq!(
            embed[..3 * width],
            before[..3 * width],
            "specials untouched"
        );
        let row = |e: &[f32], i: usize| e[i * width..(i + 1) * width].to_vec();
        let cos = |a: &[f32], b: &[f32]| {
            let d: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x * *y)).sum();
            let n = |x: &[f32]| x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>().sqrt();
            d / (n(a) * n(b))
        };
        for (a, b) in [("dog", "puppy"), ("dog", "car"), ("puppy", "car")] {
            let want = cos(&wv.vectors[a], &wv.vectors[b]);
            let got = cos(&row(&embed, v.id(a)), &row(&embed, v.id(b)));
            assert!((got - want).abs() < 1e-5, "{a}/{b}: {got} vs {want}");
        }
        let mean_norm = |e: &[f32]| {
            e.chunks_exact(width)
                .map(|r| r.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt())
                .sum::<f64>()
                / v.len() as f64
        };
        let known_mean = (3..6)
            .map(|i| {
                row(&embed, i)
                    .iter()
                    .map(|x| f64::from(*x).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .sum::<f64>()
            / 3.0;
        assert!((known_mean - mean_norm(&before)).abs() < 1e-5);
    }

    #[test]
    fn a_bad_table_is_refused_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        std::fs::write(&path, r#"{"dim": 3, "vectors": {"dog": [1, 2]}}"#).unwrap();
        let e = WordVectors::load(&path).unwrap_err();
        assert!(e.contains("g.json") && e.contains("\"dog\""), "{e}");
        std::fs::write(&path, "not json").unwrap();
        assert!(WordVectors::load(&path).unwrap_err().contains("g.json"));
    }
}
