//! Photo captioning: a CNN encoder turns a photo into a grid of region features;
//! an attention LSTM decoder turns the grid into words.
//!
//! - [`image_io`]: decoding photos from files, bytes or the clipboard, with limits.
//! - [`preprocess`]: the one squash-resize (Pillow bilinear) and normalisation of a
//!   decoded photo into the encoder's `[S, S, 3]` input (S = 224 for Lite0).
//! - [`conv`]: the convolution kernels (TF-SAME padding, depthwise, pointwise GEMM)
//!   over plain HWC slices.
//! - [`encoder`]: EfficientNet-Lite0, Lite1 or Lite2 → `[L, 1280]` grid (L = 49,
//!   64, 81), `[1280]` pooled vector, `[1000]` ImageNet logits.
//! - [`convert`]: turns the published F32 weights into the (mostly F16) file in `weights/encoder/`.
//! - [`vocab`]: the tokenizer and the caption vocabulary (`<start>`, `<end>`, `<unk>`).
//! - [`dataset`]: Flickr8k's `captions.json` and the encoder feature cache.
//! - [`decoder`]: the attention LSTM decoder (Show, Attend and Tell), forward and
//!   hand-written backward (its soft attention in `attention.rs`, its linear
//!   layers in `linear.rs`); [`decoder_params`]: its sizes, weights, names and
//!   initialisation; [`checkpoint`]: its weights in safetensors.
//! - [`glove`]: starting the word embedding from GloVe vectors (training only).
//! - [`beam`]: beam search (N-best, length-normalised), batched greedy decoding
//!   and sampling; [`repeats`]: which words a caption may say twice.
//! - [`metrics`]: corpus BLEU-1..4 and CIDEr-D as coco-caption computes them.
//! - [`train`]: training on cached features (Adam, clipping, early stopping,
//!   resumable checkpoints); [`mirror`]: its optional left-right mirror
//!   augmentation; [`scst`]: the self-critical stage after it (REINFORCE on
//!   CIDEr-D); [`export`]: a run into `weights/captioner/`; [`eval`]: scoring a split.
//! - [`domain`]: what the captioner was trained on, and when the encoder's
//!   ImageNet label names an animal the caption does not.
//! - [`overlay`]: an attention map over its photo in pixels (the app and the
//!   sheet); [`sheet`]: the attention contact sheet (`docs/attention.png`).
//! - [`captioner`]: encoder + decoder + vocabulary as one value — the API the CLI
//!   and the app call ([`captioner::Captioner::caption`]).
//!
//! Nothing here knows about egui.

mod attention;
pub mod beam;
pub mod captioner;
pub mod checkpoint;
pub mod conv;
pub mod convert;
pub mod dataset;
pub mod decoder;
pub mod decoder_params;
pub mod domain;
pub mod encoder;
pub mod eval;
pub mod export;
pub mod glove;
pub mod image_io;
mod linear;
pub mod metrics;
pub mod mirror;
pub mod overlay;
pub mod preprocess;
pub mod repeats;
pub mod scst;
pub mod sheet;
pub mod train;
pub mod vocab;
