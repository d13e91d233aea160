//! rnn-studio: recurrent networks at work.
//!
//! - [`nn`]: the one LSTM (forward, streaming step, BPTT) and its neighbours.
//! - [`cli`]: the command line's subcommands (benchmarks).

pub mod cli;
pub mod nn;
