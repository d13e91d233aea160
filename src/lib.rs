//! rnn-studio: recurrent networks at work.
//!
//! - [`nn`]: the one LSTM (forward, streaming step, BPTT) and its neighbours.
//! - [`caption`]: photo captioning (EfficientNet-Lite0 encoder, …).

pub mod caption;
pub mod nn;
