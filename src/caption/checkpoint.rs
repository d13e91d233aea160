//! Decoder weights in and out of safetensors files.
//!
//! A **weights file** holds the tensors of [`DecoderParams`] under
//! [`TENSOR_NAMES`], F32 or F16 (F16 is how `weights/captioner/` ships; it is
//! widened to f32 at load). A **checkpoint** adds Adam's moments as
//! `adam.m.NAME` / `adam.v.NAME` so training resumes exactly. Every file is
//! written atomically.

use std::path::Path;

use half::f16;
use safetensors::Dtype;

use super::decoder::{DecoderConfig, DecoderParams, TENSOR_NAMES};
use crate::nn::safetensors::{self as weights, RawTensor, Tensors, WeightsError, f32_bytes};

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
        Precision::F32 => f32_bytes(values),
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
) -> Result<(), WeightsError> {
    let shapes = DecoderParams::<f32>::shapes(&params.cfg);
    let dtype = match precision {
        Precision::F32 => Dtype::F32,
        Precision::F16 => Dtype::F16,
    };
    let raw = |name: String, dtype, shape: &[usize], data| RawTensor {
        name,
        dtype,
        shape: shape.to_vec(),
        data,
    };
    let mut owned = Vec::new();
    for (k, ((name, t), shape)) in TENSOR_NAMES
        .iter()
        .zip(params.tensors())
        .zip(&shapes)
        .enumerate()
    {
        owned.push(raw(name.to_string(), dtype, shape, to_bytes(t, precision)));
        if let Some((m, v)) = adam
            && !m.is_empty()
        {
            owned.push(raw(
                format!("adam.m.{name}"),
                Dtype::F32,
                shape,
                f32_bytes(&m[k]),
            ));
            owned.push(raw(
                format!("adam.v.{name}"),
                Dtype::F32,
                shape,
                f32_bytes(&v[k]),
            ));
        }
    }
    let bytes = weights::serialize(&owned, None).map_err(|reason| WeightsError::Write {
        path: path.to_path_buf(),
        reason,
    })?;
    weights::write(path, &bytes)
}

/// What [`load`] returns: the parameters, and Adam's moments when the file
/// is a checkpoint.
pub struct Loaded {
    pub params: DecoderParams<f32>,
    pub adam: Option<Moments>,
}

/// Reads a weights file or checkpoint of a decoder configured as `cfg`.
pub fn load(path: &Path, cfg: &DecoderConfig) -> Result<Loaded, WeightsError> {
    let bytes = weights::read(path)?;
    let st = Tensors::parse(&bytes, path)?;
    let shapes = DecoderParams::<f32>::shapes(cfg);
    let mut params = DecoderParams::<f32>::zeros(cfg);
    for ((name, dst), shape) in TENSOR_NAMES.iter().zip(params.tensors_mut()).zip(&shapes) {
        *dst = st.f32(name, shape)?;
    }
    let adam = if st.contains(&format!("adam.m.{}", TENSOR_NAMES[0])) {
        let mut m = Vec::new();
        let mut v = Vec::new();
        for (name, shape) in TENSOR_NAMES.iter().zip(&shapes) {
            m.push(st.f32(&format!("adam.m.{name}"), shape)?);
            v.push(st.f32(&format!("adam.v.{name}"), shape)?);
        }
        Some((m, v))
    } else {
        None
    };
    Ok(Loaded { params, adam })
}
