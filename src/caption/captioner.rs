//! The photo captioner as one value: encoder + decoder + vocabulary, loaded
//! once, captioning photos with beam search. The CLI (`rnn-studio caption`),
//! the benchmark and the app's worker all call [`Captioner::caption`].
//!
//! Terms: the **weights root** holds `encoder/` (EfficientNet-Lite0) and
//! `captioner/` (`decoder.safetensors`, `vocab.json`, `config.json`); a
//! **hypothesis** is one caption of the N-best list with its log-probability
//! and one attention map over the 7×7 regions per generated token; a **gate
//! tap** is the decoder LSTM's f, i, o and C at one generated token.

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::RgbImage;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::nn::lstm::GateTap;

use super::beam::{Member, ensemble_beam_search};
use super::checkpoint;
use super::decoder::{DecoderConfig, DecoderParams};
use super::encoder::{Encoded, Encoder, EncoderError, Variant};
use super::vocab::{Vocab, VocabError};
use crate::nn::safetensors::WeightsError;

/// The (first) decoder weights file in `captioner/`.
pub const DECODER_FILE: &str = "decoder.safetensors";
/// The vocabulary file in `captioner/`.
pub const VOCAB_FILE: &str = "vocab.json";
/// The config file in `captioner/`.
pub const CONFIG_FILE: &str = "config.json";
/// The default beam width.
pub const DEFAULT_BEAM: usize = 3;

/// What went wrong loading the captioner.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptionError {
    #[error(transparent)]
    Encoder(#[from] EncoderError),
    #[error(transparent)]
    Decoder(#[from] WeightsError),
    #[error(transparent)]
    Vocab(#[from] VocabError),
    /// `config.json` is missing or malformed.
    #[error("{path}: {reason}")]
    Config { path: PathBuf, reason: String },
}

/// `captioner/config.json`: the decoder's sizes, the decoding limits, the
/// ensemble's decoder files and how the weights were made (free-form
/// `training`, one entry per decoder file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptionerConfig {
    /// The network whose grids the decoders read (`decoder.regions` is its
    /// region count); folders from before Lite1/Lite2 were Lite0's.
    #[serde(default)]
    pub encoder: Variant,
    /// The network each member reads, in `members` order, for an ensemble
    /// across encoders (the first is `encoder`); empty: every member reads
    /// `encoder`. A member's decoder sizes are `decoder`'s, its region count
    /// its network's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_encoders: Vec<Variant>,
    pub decoder: DecoderConfig,
    /// Words generated at most per caption.
    pub max_words: usize,
    /// The beam's length normalisation: finished captions are ranked by
    /// log p ÷ tokens^α (`caption::beam`); chosen on the dev split.
    #[serde(default = "mean_per_token")]
    pub length_alpha: f64,
    /// The decoders of the ensemble, file names in `captioner/`: trained
    /// apart (other seeds), same sizes and vocabulary; beam search averages
    /// their word probabilities. One file is a single decoder.
    #[serde(default = "single_decoder")]
    pub members: Vec<String>,
    /// The words a caption may say twice; every other word appears at most
    /// once ([`super::repeats`]). Absent: any word may repeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub may_repeat: Option<Vec<String>>,
    #[serde(default)]
    pub training: serde_json::Value,
}

fn mean_per_token() -> f64 {
    1.0
}

fn single_decoder() -> Vec<String> {
    vec![DECODER_FILE.to_string()]
}

impl CaptionerConfig {
    /// The network member `i` reads.
    pub fn member_encoder(&self, i: usize) -> Variant {
        self.member_encoders.get(i).copied().unwrap_or(self.encoder)
    }

    /// Member `i`'s decoder sizes: `decoder`'s, with its network's regions.
    pub fn member_decoder(&self, i: usize) -> DecoderConfig {
        DecoderConfig {
            regions: self.member_encoder(i).regions(),
            ..self.decoder.clone()
        }
    }

    /// The networks the members read, each once, the first member's first.
    pub fn encoders(&self) -> Vec<Variant> {
        let mut out = vec![self.encoder];
        for v in &self.member_encoders {
            if !out.contains(v) {
                out.push(*v);
            }
        }
        out
    }

    /// Checks that `members` names one or more plain `.safetensors` files of
    /// the folder (never a path that leaves it), each once, and that
    /// `member_encoders`, when given, names one network a member, the first
    /// being `encoder`.
    pub fn check_members(&self) -> Result<(), String> {
        if !self.member_encoders.is_empty()
            && (self.member_encoders.len() != self.members.len()
                || self.member_encoders[0] != self.encoder)
        {
            return Err(format!(
                "\"member_encoders\" names {} networks for {} members (the first must be \"encoder\", {})",
                self.member_encoders.len(),
                self.members.len(),
                self.encoder
            ));
        }
        if self.decoder.regions != self.encoder.regions() {
            return Err(format!(
                "the decoder reads {} regions, {} makes {}",
                self.decoder.regions,
                self.encoder.model(),
                self.encoder.regions()
            ));
        }
        if self.members.is_empty() {
            return Err("\"members\" names no decoder file".into());
        }
        for (i, m) in self.members.iter().enumerate() {
            let plain = !m.is_empty()
                && m.ends_with(".safetensors")
                && !m.starts_with('.')
                && !m.contains(['/', '\\']);
            if !plain {
                return Err(format!(
                    "\"members\"[{i}] = {m:?} is not a .safetensors file name in this folder"
                ));
            }
            if self.members[..i].contains(m) {
                return Err(format!("\"members\" names {m:?} twice"));
            }
        }
        Ok(())
    }
}

/// One caption of the N-best list.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    pub words: Vec<String>,
    /// The words joined by spaces.
    pub text: String,
    /// Σ log p over the words and the `<end>`.
    pub logprob: f64,
    /// `logprob` ÷ tokens^α: the ranking score (length-normalised; α is
    /// the config's `length_alpha`).
    pub score: f64,
    /// One map over the grid's regions (row r = y·side + x, side =
    /// [`CaptionResult::grid_side`]) per generated token, the `<end>`
    /// included; each sums to 1.
    pub attention: Vec<Vec<f32>>,
    /// For each token, the index of the beam row it grew from (the beam tree).
    pub parents: Vec<usize>,
}

impl Hypothesis {
    /// The mean log-probability per generated token (the `<end>`
    /// included): how sure the model was of a word, on average.
    pub fn mean_logprob(&self) -> f64 {
        self.logprob / self.attention.len().max(1) as f64
    }
}

/// What [`Captioner::caption`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptionResult {
    /// Best first; never empty.
    pub nbest: Vec<Hypothesis>,
    /// The encoder's top-5 ImageNet labels with probabilities.
    pub labels: Vec<(String, f32)>,
    /// The decoder LSTM's gates at each token of the best hypothesis (the
    /// first decoder's, in an ensemble).
    pub taps: Option<Vec<GateTap<f32>>>,
    /// How many decoders wrote the caption (the ensemble's size).
    pub decoders: usize,
    /// Side of the encoder's square grid the attention maps cover.
    pub grid_side: usize,
    pub encoder_ms: f64,
    pub decoder_ms: f64,
}

/// Encoder(s), decoder(s) and vocabulary, ready to caption.
pub struct Captioner {
    /// The networks the decoders read, in [`CaptionerConfig::encoders`]
    /// order: the first member's first (its ImageNet labels are shown).
    pub encoders: Vec<Encoder>,
    /// The ensemble's decoders, in `config.members` order (at least one).
    pub decoders: Vec<DecoderParams<f32>>,
    /// For each decoder, the index of its network in `encoders`.
    member_encoder: Vec<usize>,
    pub vocab: Vocab,
    pub config: CaptionerConfig,
    /// The repeat rule by word id, from `config.may_repeat`.
    once: Option<Vec<bool>>,
}

impl Captioner {
    /// Loads `ROOT/captioner/` and the encoder its config names from `ROOT/encoder/`.
    pub fn load(weights_root: &Path) -> Result<Captioner, CaptionError> {
        let (decoders, vocab, config) = load_decoders(&crate::weights::in_root(
            weights_root,
            crate::weights::CAPTIONER,
        ))?;
        let variants = config.encoders();
        let encoders = variants
            .iter()
            .map(|&v| Encoder::load(weights_root, v))
            .collect::<Result<Vec<_>, _>>()?;
        let member_encoder = (0..decoders.len())
            .map(|i| {
                let v = config.member_encoder(i);
                variants.iter().position(|&x| x == v).expect("listed")
            })
            .collect();
        let once = super::repeats::once_only(&vocab, config.may_repeat.as_deref());
        Ok(Captioner {
            encoders,
            decoders,
            member_encoder,
            vocab,
            config,
            once,
        })
    }

    /// Captions a decoded photo (any size: it is squashed to the encoder's
    /// input size, 224×224 for Lite0) with a
    /// beam of width `beam` (1 = greedy), returning up to `nbest` captions.
    pub fn caption(&self, img: &RgbImage, beam: usize, nbest: usize) -> CaptionResult {
        let start = Instant::now();
        // One network uses every core; several run side by side, one core
        // each (a layer split over two cores gains little: bench caption).
        let encoded: Vec<Encoded> = match self.encoders.as_slice() {
            [one] => vec![one.encode(img)],
            many => many.par_iter().map(|e| e.encode_on(img, 1)).collect(),
        };
        let encoder_ms = start.elapsed().as_secs_f64() * 1e3;
        let grids: Vec<&[f32]> = encoded.iter().map(|e| e.grid.as_slice()).collect();
        let mut result = self.caption_grids(&grids, beam, nbest);
        result.encoder_ms = encoder_ms;
        result.labels = encoded[0]
            .top_labels(5)
            .into_iter()
            .map(|(n, p)| (n.to_string(), p))
            .collect();
        result
    }

    /// Like [`Captioner::caption`], from the grids (`L × FEATURES`) of the
    /// networks in `encoders` order alone; `labels` is left empty.
    pub fn caption_grids(&self, grids: &[&[f32]], beam: usize, nbest: usize) -> CaptionResult {
        assert_eq!(grids.len(), self.encoders.len(), "one grid a network");
        let start = Instant::now();
        let contexts: Vec<_> = self
            .decoders
            .iter()
            .zip(&self.member_encoder)
            .map(|(d, &e)| d.photo_context(grids[e], false))
            .collect();
        let members: Vec<Member> = self
            .decoders
            .iter()
            .zip(&contexts)
            .map(|(dec, ctx)| Member { dec, ctx })
            .collect();
        let hyps = ensemble_beam_search(
            &members,
            beam,
            nbest,
            self.config.max_words,
            true,
            self.config.length_alpha,
            self.once.as_deref(),
        );
        let decoder_ms = start.elapsed().as_secs_f64() * 1e3;
        let taps = hyps.first().map(|h| h.taps.clone());
        let nbest = hyps
            .into_iter()
            .map(|h| {
                let words = self.vocab.decode(&h.words);
                Hypothesis {
                    text: words.join(" "),
                    words,
                    logprob: h.logprob,
                    score: h.score,
                    attention: h.attention,
                    parents: h.parents,
                }
            })
            .collect();
        CaptionResult {
            nbest,
            labels: Vec::new(),
            taps,
            decoders: self.decoders.len(),
            grid_side: self.config.encoder.grid_side(),
            encoder_ms: 0.0,
            decoder_ms,
        }
    }
}

/// Reads and parses a `captioner/` folder's `config.json` alone.
pub fn read_config(dir: &Path) -> Result<CaptionerConfig, CaptionError> {
    let cpath = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&cpath).map_err(|e| CaptionError::Config {
        path: cpath.clone(),
        reason: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| CaptionError::Config {
        path: cpath,
        reason: e.to_string(),
    })
}

/// Reads `config.json`, `vocab.json` and the decoders' weights from a
/// `captioner/` folder.
pub fn load_decoders(
    dir: &Path,
) -> Result<(Vec<DecoderParams<f32>>, Vocab, CaptionerConfig), CaptionError> {
    let cpath = dir.join(CONFIG_FILE);
    let config = read_config(dir)?;
    let vocab = Vocab::load(&dir.join(VOCAB_FILE))?;
    if vocab.len() != config.decoder.vocab {
        return Err(CaptionError::Config {
            path: cpath,
            reason: format!(
                "the decoder expects {} words, vocab.json has {}",
                config.decoder.vocab,
                vocab.len()
            ),
        });
    }
    config
        .check_members()
        .map_err(|reason| CaptionError::Config {
            path: cpath.clone(),
            reason,
        })?;
    let decoders = config
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| Ok(checkpoint::load(&dir.join(m), &config.member_decoder(i))?.params))
        .collect::<Result<Vec<_>, CaptionError>>()?;
    Ok((decoders, vocab, config))
}
