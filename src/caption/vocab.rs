//! The caption vocabulary and the one tokenizer every caption goes through.
//!
//! Terms: a **token** is a lowercase word after [`tokenize`] (punctuation
//! dropped, roughly what coco-caption's PTBTokenizer leaves); a **word id** is
//! a token's index in the [`Vocab`]. Ids 0, 1, 2 are the special tokens
//! `<start>` (fed before the first word), `<end>` (the decoder emits it to
//! stop) and `<unk>` (any token seen fewer than `min_count` times in the
//! training captions). The vocabulary is saved beside the decoder weights as
//! `vocab.json`: `{"min_count":5,"words":["<start>","<end>","<unk>",…]}`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Id of `<start>`.
pub const START: usize = 0;
/// Id of `<end>`.
pub const END: usize = 1;
/// Id of `<unk>`.
pub const UNK: usize = 2;
/// The special tokens, in id order.
pub const SPECIALS: [&str; 3] = ["<start>", "<end>", "<unk>"];

/// What went wrong reading or writing a vocabulary file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VocabError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not the expected JSON.
    #[error("{path}: not a vocabulary file: {reason}")]
    Format { path: PathBuf, reason: String },
}

/// Splits a raw caption into tokens: lowercase, every character other than a
/// letter, digit, hyphen or apostrophe is a separator, and hyphens and
/// apostrophes at either end of a token are dropped ("dog's" stays one token).
pub fn tokenize(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .map(|t| t.trim_matches(|c| c == '-' || c == '\''))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Word ↔ id, with the special tokens first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocab {
    /// Tokens seen fewer times than this became `<unk>`.
    pub min_count: usize,
    /// Id → token; ids 0..3 are [`SPECIALS`].
    pub words: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Vocab {
    /// Builds the vocabulary of `captions` (raw text): every token seen at
    /// least `min_count` times, most frequent first (ties alphabetical).
    pub fn build<'a>(captions: impl IntoIterator<Item = &'a str>, min_count: usize) -> Self {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for c in captions {
            for t in tokenize(c) {
                *counts.entry(t).or_default() += 1;
            }
        }
        let mut kept: Vec<(String, usize)> = counts
            .into_iter()
            .filter(|(_, n)| *n >= min_count)
            .collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let words = SPECIALS
            .iter()
            .map(|s| s.to_string())
            .chain(kept.into_iter().map(|(w, _)| w))
            .collect();
        Self::from_words(words, min_count)
    }

    /// A vocabulary from its id-ordered word list.
    pub fn from_words(words: Vec<String>, min_count: usize) -> Self {
        let index = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i))
            .collect();
        Self {
            min_count,
            words,
            index,
        }
    }

    /// Number of ids, the specials included.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Returns true if and only if there are no ids at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The id of a token (`<unk>` if unknown).
    pub fn id(&self, token: &str) -> usize {
        self.index.get(token).copied().unwrap_or(UNK)
    }

    /// A raw caption as ids, ending with `<end>`; at most `max_words` words
    /// are kept before the `<end>`.
    pub fn encode(&self, caption: &str, max_words: usize) -> Vec<usize> {
        let mut ids: Vec<usize> = tokenize(caption)
            .iter()
            .take(max_words)
            .map(|t| self.id(t))
            .collect();
        ids.push(END);
        ids
    }

    /// The words of `ids` up to the first `<end>`, specials other than
    /// `<unk>` skipped.
    pub fn decode(&self, ids: &[usize]) -> Vec<String> {
        ids.iter()
            .take_while(|&&i| i != END)
            .filter(|&&i| i != START)
            .map(|&i| self.words.get(i).cloned().unwrap_or_else(|| "<unk>".into()))
            .collect()
    }

    /// Reads `vocab.json`.
    pub fn load(path: &Path) -> Result<Self, VocabError> {
        let bytes = std::fs::read(path).map_err(|source| VocabError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&bytes, path)
    }

    /// Reads the contents of a `vocab.json`; `path` names it in errors.
    pub fn from_json(bytes: &[u8], path: &Path) -> Result<Self, VocabError> {
        let v: Vocab = serde_json::from_slice(bytes).map_err(|e| VocabError::Format {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        if v.words.len() < SPECIALS.len() || v.words[..3] != SPECIALS {
            return Err(VocabError::Format {
                path: path.to_path_buf(),
                reason: "the first three words must be <start>, <end>, <unk>".into(),
            });
        }
        Ok(Self::from_words(v.words, v.min_count))
    }

    /// Writes `vocab.json` atomically.
    pub fn save(&self, path: &Path) -> Result<(), VocabError> {
        let text = serde_json::to_string(self).expect("a vocabulary serialises");
        crate::safe_io::write_atomic(path, text.as_bytes()).map_err(|source| VocabError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_drops_punctuation_and_lowercases() {
        assert_eq!(
            tokenize("A black dog, and a tri-colored dog's toy ."),
            [
                "a",
                "black",
                "dog",
                "and",
                "a",
                "tri-colored",
                "dog's",
                "toy"
            ]
        );
        assert_eq!(tokenize(" -- 'quoted' "), ["quoted"]);
    }

    #[test]
    fn build_counts_and_orders() {
        let v = Vocab::build(["a dog runs", "a dog sits", "a cat"], 2);
        assert_eq!(v.words, ["<start>", "<end>", "<unk>", "a", "dog"]);
        assert_eq!(v.encode("A dog flies.", 10), vec![3, 4, UNK, END]);
        assert_eq!(v.encode("a dog flies", 1), vec![3, END]);
        assert_eq!(v.decode(&[START, 3, 4, END, 3]), ["a", "dog"]);
    }
}
