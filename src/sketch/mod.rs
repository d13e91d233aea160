//! Doodles: the [`drawing`] types, Quick, Draw! [`ndjson`] files and the
//! [`simplify`] normalisation every model input goes through; [`stroke5`]
//! tokens and the [`sketch_rnn`] generators; [`stats`] of drawings.

pub mod drawing;
pub mod ndjson;
pub mod render;
pub mod simplify;
pub mod sketch_rnn;
pub mod stats;
pub mod stroke5;

pub use drawing::{Drawing, Point, Recorder, Stroke};
