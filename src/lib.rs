//! rnn-studio: recurrent networks at work.
//!
//! - [`nn`]: the one LSTM (forward, streaming step, BPTT) and its neighbours.

pub mod nn;
