//! Widgets shared by more than one tab.

pub mod gate_maps;

pub use gate_maps::GateMaps;
