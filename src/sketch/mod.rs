//! Doodles: the [`drawing`] types, Quick, Draw! [`ndjson`] files and the
//! [`simplify`] normalisation every model input goes through.

pub mod drawing;
pub mod ndjson;
pub mod render;
pub mod simplify;

pub use drawing::{Drawing, Point, Recorder, Stroke};
