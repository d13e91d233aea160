//! Neural-network building blocks shared by every model: the one LSTM
//! ([`lstm`]), and the small pieces around it.
//!
//! Nothing here knows about doodles, photos or egui; the models in
//! [`crate::sketch`] and [`crate::caption`] are built from these parts.

pub mod lstm;
