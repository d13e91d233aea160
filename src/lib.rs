//! rnn-studio: recurrent networks at work.
//!
//! - [`nn`]: the one LSTM (forward, streaming step, BPTT) and its neighbours.
//! - [`sketch`]: doodles — drawings, Quick, Draw! files, normalisation, rendering.
//! - [`cli`]: the command line, a shell over the library.
//! - [`fsutil`]: crash-safe file writing.

pub mod cli;
pub mod fsutil;
pub mod nn;
pub mod sketch;
