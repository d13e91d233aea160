//! rnn-studio: recurrent networks at work.
//!
//! - [`nn`]: the one LSTM (forward, streaming step, BPTT) and its neighbours.
//! - [`sketch`]: doodles — drawings, Quick, Draw! files, normalisation, rendering.
//! - [`caption`]: photos — decoding with limits, and the captioner.
//! - [`bench`]: the speed benchmarks, one module per model.
//! - [`app`]: the desktop app (egui); [`cli`]: the command line. Both are
//!   shells over the library above.
//! - [`i18n`]: the messages in English and Brazilian Portuguese ([`t!`]).
//! - [`png_text`]: labels in the pictures the program writes.
//! - [`safe_io`]: crash-safe file writing and reading with a cap; [`weights`]: finding the shipped models;
//!   [`startup`]: the process's age, for start-up timing.

pub mod app;
pub mod bench;
pub mod caption;
pub mod cli;
pub mod i18n;
pub mod nn;
pub mod png_text;
pub mod safe_io;
pub mod sketch;
pub mod startup;
pub mod weights;
