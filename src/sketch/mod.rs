//! Doodles: the [`drawing`] types, Quick, Draw! [`ndjson`] files and the
//! [`simplify`] normalisation every model input goes through, with
//! [`features`] (the one preprocessing of a model's rows); [`render`] and
//! [`stats`] of drawings; [`export`] (PNG, SVG, ndjson, animated GIF);
//! [`stroke5`] tokens.
//!
//! Two models, a folder each:
//! - [`recognizer`]: names a drawing after every point (an LSTM, with a raster
//!   CNN mixed in), its training, evaluation and files;
//! - [`sketch_rnn`]: Magenta's generators, which draw a class or finish a
//!   doodle.
//!
//! [`inspect`] renders what the recognizer's gates do over a drawing.

pub mod drawing;
pub mod export;
pub mod features;
pub mod inspect;
pub mod ndjson;
pub mod recognizer;
pub mod render;
pub mod simplify;
pub mod sketch_rnn;
pub mod stats;
pub mod stroke5;

pub use drawing::{Drawing, Point, Recorder, Stroke};
