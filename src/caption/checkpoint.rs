//! Decoder weights in and out of safetensors files.
//!
//! A **weights file** holds the tensors of [`DecoderParams`] under
//! [`TENSOR_NAMES`], F32 or F16 (F16 is how `weights/captioner/` ships; it is
//! widened to f32 at load). A **checkpoint** adds Adam's moments as
//! `adam.m.NAME` / `adam.v.NAME` so training resumes exactly. Every file is
//! written atomically.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use half::f16;
use safetensors::SafeTensors;
use safetensors::tensor::{Dtype, TensorView};

use super::decoder::{DecoderConfig, DecoderParams, TENSOR_NAMES};

/// What went wrong reading or writing decoder weights.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid safetensors.
    #[error("{path}: not a valid safetensors file: {reason}")]
    Format { path: PathBuf, reason: String },
    /// A tensor is missing.
    #[error("{path}: missing tensor `{name}`")]
    Missing { path: PathBuf, name: String },
    /// A tensor has the wrong shape or dtype.
    #[error("{path}: tensor `{name}` is {found}, expected {expected}")]
    Shape {
        path: PathBuf,
        name: String,
        found: String,
        expected: String,
    },
    /// A tensor holds NaN or ±∞.
    #[error("{path}: tensor `{name}` holds a non-finite value")]
    NonFinite { path: PathBuf, name: String },
}

/// Adam's first and second moments, one vector per tensor.
pub type Moments = (Vec<Vec<f32>>, Vec<Vec<f32>>);
/// [`Moments`], borrowed.
pub type MomentsRef<'a> = (&'a [Vec<f32>], &'a [Vec<f32>]);

/// The stored precision of a weights file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    F16,
}

fn to_bytes(values: &[f32], precision: Precision) -> Vec<u8> {
    match precision {
        Precision::F32 => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        Precision::F16 => values
            .iter()
            .flat_map(|&v| f16::from_f32(v).to_le_bytes())
            .collect(),
    }
}

/// Writes `params` (and, for a checkpoint, Adam's moments in tensor order)
/// to `path`.
pub fn save(
    path: &Path,
    params: &DecoderParams<f32>,
    precision: Precision,
    adam: Option<MomentsRef<'_>>,
) -> Result<(), CheckpointError> {
    let shapes = DecoderParams::<f32>::shapes(&params.cfg);
    let mut owned: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (k, ((name, t), shape)) in TENSOR_NAMES
        .iter()
        .zip(params.tensors())
        .zip(&shapes)
        .enumerate()
    {
        owned.push((name.to_string(), shape.clone(), to_bytes(t, precision)));
        if let Some((m, v)) = adam
            && !m.is_empty()
        {
            owned.push((
                format!("adam.m.{name}"),
                shape.clone(),
                to_bytes(&m[k], Precision::F32),
            ));
            owned.push((
                format!("adam.v.{name}"),
                shape.clone(),
                to_bytes(&v[k], Precision::F32),
            ));
        }
    }
    let format_err = |e: String| CheckpointError::Format {
        path: path.to_path_buf(),
        reason: e,
    };
    let mut views = Vec::with_capacity(owned.len());
    for (name, shape, bytes) in &owned {
        let dtype = if name.starts_with("adam.") || precision == Precision::F32 {
            Dtype::F32
        } else {
            Dtype::F16
        };
        let view =
            TensorView::new(dtype, shape.clone(), bytes).map_err(|e| format_err(e.to_string()))?;
        views.push((name.clone(), view));
    }
    let bytes = safetensors::serialize(views, None).map_err(|e| format_err(e.to_string()))?;
    crate::fsutil::write_atomic(path, &bytes).map_err(|source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads one tensor as f32, checking shape, dtype and finiteness.
fn read_tensor(
    st: &SafeTensors,
    path: &Path,
    name: &str,
    shape: &[usize],
) -> Result<Vec<f32>, CheckpointError> {
    let view = st.tensor(name).map_err(|_| CheckpointError::Missing {
        path: path.to_path_buf(),
        name: name.to_string(),
    })?;
    let shape_err = |found: String| CheckpointError::Shape {
        path: path.to_path_buf(),
        name: name.to_string(),
        found,
        expected: format!("{shape:?} F32/F16"),
    };
    if view.shape() != shape {
        return Err(shape_err(format!("{:?}", view.shape())));
    }
    let data = view.data();
    let values: Vec<f32> = match view.dtype() {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect(),
        other => return Err(shape_err(format!("{other:?}"))),
    };
    if values.iter().any(|v| !v.is_finite()) {
        return Err(CheckpointError::NonFinite {
            path: path.to_path_buf(),
            name: name.to_string(),
        });
    }
    Ok(values)
}

/// What [`load`] returns: the parameters, and Adam's moments when the file
/// is a checkpoint.
pub struct Loaded {
    pub params: DecoderParams<f32>,
    pub adam: Option<Moments>,
}

/// Reads a weights file or checkpoint of a decoder configured as `cfg`.
pub fn load(path: &Path, cfg: &DecoderConfig) -> Result<Loaded, CheckpointError> {
    let bytes = std::fs::read(path).map_err(|source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let st = SafeTensors::deserialize(&bytes).map_err(|e| CheckpointError::Format {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let shapes = DecoderParams::<f32>::shapes(cfg);
    let mut params = DecoderParams::<f32>::zeros(cfg);
    for ((name, dst), shape) in TENSOR_NAMES.iter().zip(params.tensors_mut()).zip(&shapes) {
        *dst = read_tensor(&st, path, name, shape)?;
    }
    let names: HashMap<String, ()> = st
        .names()
        .into_iter()
        .map(|n| (n.to_string(), ()))
        .collect();
    let adam = if names.contains_key(&format!("adam.m.{}", TENSOR_NAMES[0])) {
        let mut m = Vec::new();
        let mut v = Vec::new();
        for (name, shape) in TENSOR_NAMES.iter().zip(&shapes) {
            m.push(read_tensor(&st, path, &format!("adam.m.{name}"), shape)?);
            v.push(read_tensor(&st, path, &format!("adam.v.{name}"), shape)?);
        }
        Some((m, v))
    } else {
        None
    };
    Ok(Loaded { params, adam })
}
