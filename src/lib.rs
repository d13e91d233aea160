//! rnn-studio: recurrent networks at work.
//!
//! - [`nn`]: the one LSTM (forward, streaming step, BPTT) and its neighbours.
//! - [`sketch`]: doodles — drawings, Quick, Draw! files, normalisation, rendering.
//! - [`fsutil`]: crash-safe file writing.

pub mod fsutil;
pub mod nn;
pub mod sketch;
