//! Doodles: the [`drawing`] types, Quick, Draw! [`ndjson`] files and the
//! [`simplify`] normalisation every model input goes through; [`stroke5`]
//! tokens and the [`sketch_rnn`] generators; [`stats`] of drawings.
//! The recognizer: [`features`] (the one preprocessing), [`recognizer`]
//! (model, live sessions, guesses), [`dataset`], [`augment`], [`train`].

pub mod augment;
pub mod cnn;
pub mod dataset;
pub mod drawing;
pub mod eval;
pub mod features;
pub mod inspect;
pub mod ndjson;
pub mod raster;
pub mod recognizer;
pub mod render;
pub mod simplify;
pub mod sketch_rnn;
pub mod stats;
pub mod stroke5;
pub mod train;
pub mod train_cnn;

pub use drawing::{Drawing, Point, Recorder, Stroke};
