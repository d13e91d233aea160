//! Weights files: the one reader and writer of safetensors in rnn-studio,
//! with one error type, [`WeightsError`], whose every variant names the file
//! and, where there is one, the tensor.
//!
//! - Reading: [`read`] the bytes, [`Tensors::parse`] them, then
//!   [`Tensors::f32`] each tensor (F32, F16 or BF16 widened to f32, checked
//!   for shape and finiteness).
//! - Writing: [`tensors_to_bytes`] (named candle tensors, f32) or
//!   [`serialize`] (raw [`RawTensor`]s of any dtype, with metadata), then
//!   [`write()`], which goes through a temporary file and a rename so a crash
//!   never leaves half a file.
//!
//! LSTM stacks are stored under PyTorch's names, after an optional prefix
//! (e.g. `"encoder."`):
//!
//! ```text
//! {prefix}weight_ih_l{k}[_reverse]   (4H, I_k)   gate rows i, f, g, o
//! {prefix}weight_hh_l{k}[_reverse]   (4H, H)
//! {prefix}bias_ih_l{k}[_reverse]     (4H)
//! {prefix}bias_hh_l{k}[_reverse]     (4H)
//! ```
//!
//! where k is the layer, I_0 the input size and I_k = D·H above it, and
//! `_reverse` marks a bidirectional stack's reverse direction. So a PyTorch
//! `state_dict()` saved with `safetensors.torch.save_file` loads as-is, and
//! [`lstm_to_tensors`] gives a map `candle_nn::VarBuilder::from_tensors` can
//! build `candle_nn::LSTM`s from. Weights in other layouts are converted here
//! once, at load: [`from_tensorflow_ijfo`] for TensorFlow's i, j, f, o cells.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ::safetensors::tensor::TensorView;
use ::safetensors::{Dtype, SafeTensors};
use candle_core::{DType, Device, Tensor};

use super::lstm::{Lstm, LstmParams};

/// What went wrong reading or writing a weights file; every variant names
/// the file and, where there is one, the tensor.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WeightsError {
    /// The file could not be read.
    #[error("cannot read weights {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid safetensors, or a tensor's bytes are not.
    #[error("{path}: not a valid safetensors file: {reason}")]
    Format { path: PathBuf, reason: String },
    /// The file could not be written.
    #[error("cannot write weights to {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    /// A tensor the model needs is not in the file.
    #[error("{path}: missing tensor `{name}`")]
    Missing { path: PathBuf, name: String },
    /// A tensor has the wrong shape.
    #[error("{path}: tensor `{name}` has shape {found:?}, expected {expected:?}")]
    Shape {
        path: PathBuf,
        name: String,
        found: Vec<usize>,
        expected: Vec<usize>,
    },
    /// A tensor is stored in a dtype the reader does not take.
    #[error("{path}: tensor `{name}` has dtype {dtype}, expected {expected}")]
    DType {
        path: PathBuf,
        name: String,
        dtype: String,
        expected: &'static str,
    },
    /// A tensor holds NaN or ±∞ (a corrupt or badly converted file).
    #[error("{path}: tensor `{name}` holds a non-finite value")]
    NonFinite { path: PathBuf, name: String },
}

/// The bytes of the weights file at `path`.
pub fn read(path: &Path) -> Result<Vec<u8>, WeightsError> {
    crate::safe_io::read_capped(path, MAX_FILE_BYTES).map_err(|e| match e {
        crate::safe_io::ReadCappedError::Io { source, .. } => WeightsError::Io {
            path: path.to_path_buf(),
            source,
        },
        crate::safe_io::ReadCappedError::TooLarge { .. } => WeightsError::Format {
            path: path.to_path_buf(),
            reason: format!(
                "file is larger than the limit of {} MiB",
                MAX_FILE_BYTES >> 20
            ),
        },
    })
}

/// The largest weights file read (every shipped one is under 12 MB).
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// The largest JSON header accepted (the encoder's 247 tensors need 30 KB);
/// the safetensors crate alone would parse up to 100 MB of it.
pub const MAX_HEADER_BYTES: u64 = 1 << 20;

/// Checks the 8-byte header length before anything parses the header.
fn check_header(bytes: &[u8], path: &Path) -> Result<(), WeightsError> {
    let n = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")));
    match n {
        Some(n) if n > MAX_HEADER_BYTES => Err(WeightsError::Format {
            path: path.to_path_buf(),
            reason: format!(
                "its header claims {n} bytes; at most {} MiB are accepted",
                MAX_HEADER_BYTES >> 20
            ),
        }),
        _ => Ok(()),
    }
}

/// The safetensors view of a file's bytes (header bounded), for readers of
/// dtypes [`Tensors`] does not widen (sketch-rnn's int16).
pub fn parse_raw<'a>(bytes: &'a [u8], path: &Path) -> Result<SafeTensors<'a>, WeightsError> {
    check_header(bytes, path)?;
    SafeTensors::deserialize(bytes).map_err(|e| WeightsError::Format {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Every tensor in a safetensors file's bytes, as candle tensors on the CPU
/// (for the models that load through candle).
pub fn candle_tensors(bytes: &[u8], path: &Path) -> Result<HashMap<String, Tensor>, WeightsError> {
    check_header(bytes, path)?;
    candle_core::safetensors::load_buffer(bytes, &Device::Cpu).map_err(|e| WeightsError::Format {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), WeightsError> {
    crate::safe_io::write_atomic(path, bytes).map_err(|e| WeightsError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The tensors of one safetensors file, with the file's path for errors.
pub struct Tensors<'a> {
    path: &'a Path,
    st: SafeTensors<'a>,
}

impl<'a> Tensors<'a> {
    /// Parses the bytes of the file at `path` (named in errors).
    pub fn parse(bytes: &'a [u8], path: &'a Path) -> Result<Self, WeightsError> {
        Ok(Self {
            path,
            st: parse_raw(bytes, path)?,
        })
    }

    /// Whether the file holds a tensor `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.st.tensor(name).is_ok()
    }

    /// Tensor `name` as f32 (F32, or F16/BF16 widened), checked to have
    /// `shape` and finite values.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, WeightsError> {
        let path = || self.path.to_path_buf();
        let view = self.st.tensor(name).map_err(|_| WeightsError::Missing {
            path: path(),
            name: name.to_string(),
        })?;
        if view.shape() != shape {
            return Err(WeightsError::Shape {
                path: path(),
                name: name.to_string(),
                found: view.shape().to_vec(),
                expected: shape.to_vec(),
            });
        }
        let data = view.data();
        let values: Vec<f32> = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F16 => data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            Dtype::BF16 => data
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            other => {
                return Err(WeightsError::DType {
                    path: path(),
                    name: name.to_string(),
                    dtype: format!("{other:?}"),
                    expected: "F32, F16 or BF16",
                });
            }
        };
        if !values.iter().all(|v| v.is_finite()) {
            return Err(WeightsError::NonFinite {
                path: path(),
                name: name.to_string(),
            });
        }
        Ok(values)
    }
}

/// One tensor to write: its name, dtype, shape and little-endian bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTensor {
    pub name: String,
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    pub data: Vec<u8>,
}

/// The little-endian bytes of f32 values.
pub fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Safetensors bytes of `tensors` (any order: the format sorts them), with
/// optional string metadata.
pub fn serialize(
    tensors: &[RawTensor],
    metadata: Option<HashMap<String, String>>,
) -> Result<Vec<u8>, String> {
    let views = tensors
        .iter()
        .map(|t| {
            TensorView::new(t.dtype, t.shape.clone(), &t.data)
                .map(|v| (t.name.clone(), v))
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    ::safetensors::serialize(views, metadata).map_err(|e| e.to_string())
}

/// Safetensors bytes of named f32 tensors.
pub fn tensors_to_bytes(tensors: &HashMap<String, Tensor>) -> Result<Vec<u8>, String> {
    let mut raw = Vec::with_capacity(tensors.len());
    for (name, t) in tensors {
        let v: Vec<f32> = t
            .flatten_all()
            .and_then(|t| t.to_vec1())
            .map_err(|e| e.to_string())?;
        raw.push(RawTensor {
            name: name.clone(),
            dtype: Dtype::F32,
            shape: t.dims().to_vec(),
            data: f32_bytes(&v),
        });
    }
    raw.sort_by(|a, b| a.name.cmp(&b.name));
    serialize(&raw, None)
}

/// The four PyTorch names of layer `k`'s weights in one direction:
/// weight_ih, weight_hh, bias_ih, bias_hh (the order of [`LstmParams::tensors`]).
pub fn lstm_tensor_names(prefix: &str, k: usize, reverse: bool) -> [String; 4] {
    let dir = if reverse { "_reverse" } else { "" };
    ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map(|t| format!("{prefix}{t}_l{k}{dir}"))
}

/// Every tensor of a stack under its PyTorch name, as f32 CPU tensors.
pub fn lstm_to_tensors(lstm: &Lstm, prefix: &str) -> candle_core::Result<HashMap<String, Tensor>> {
    let mut out = HashMap::new();
    for (k, layer) in lstm.layers.iter().enumerate() {
        for (reverse, p) in [
            (false, Some(&layer.forward)),
            (true, layer.reverse.as_ref()),
        ] {
            let Some(p) = p else { continue };
            let names = lstm_tensor_names(prefix, k, reverse);
            let g4 = 4 * p.hidden_size;
            let shapes = [
                vec![g4, p.input_size],
                vec![g4, p.hidden_size],
                vec![g4],
                vec![g4],
            ];
            for ((name, data), shape) in names.into_iter().zip(p.tensors()).zip(shapes) {
                out.insert(name, Tensor::from_slice(data, shape, &Device::Cpu)?);
            }
        }
    }
    Ok(out)
}

/// Builds a stack from tensors named the PyTorch way. The number of layers,
/// H, I and bidirectionality are read from the tensors themselves
/// (`weight_ih_l0` and `weight_hh_l0` must exist); `source` names the file
/// in errors.
pub fn lstm_from_tensors(
    tensors: &HashMap<String, Tensor>,
    prefix: &str,
    source: &Path,
) -> Result<Lstm, WeightsError> {
    let first = lstm_tensor_names(prefix, 0, false);
    let shape_of = |name: &str| -> Result<Vec<usize>, WeightsError> {
        tensors
            .get(name)
            .map(|t| t.dims().to_vec())
            .ok_or_else(|| WeightsError::Missing {
                path: source.to_path_buf(),
                name: name.to_string(),
            })
    };
    let ih = shape_of(&first[0])?;
    let hh = shape_of(&first[1])?;
    let bad_shape = |name: &str, found: Vec<usize>, expected: Vec<usize>| WeightsError::Shape {
        path: source.to_path_buf(),
        name: name.to_string(),
        found,
        expected,
    };
    let [g4, nh] = hh[..] else {
        return Err(bad_shape(&first[1], hh.clone(), vec![0, 0]));
    };
    if g4 != 4 * nh || nh == 0 {
        return Err(bad_shape(
            &first[1],
            hh.clone(),
            vec![4 * nh.max(1), nh.max(1)],
        ));
    }
    let [_, ni] = ih[..] else {
        return Err(bad_shape(&first[0], ih.clone(), vec![g4, 0]));
    };
    let bidirectional = tensors.contains_key(&lstm_tensor_names(prefix, 0, true)[0]);
    let num_layers = (0..)
        .take_while(|&k| tensors.contains_key(&lstm_tensor_names(prefix, k, false)[0]))
        .count();
    let d = 1 + usize::from(bidirectional);
    let mut lstm = Lstm::zeros(ni, nh, num_layers, bidirectional);
    for (k, layer) in lstm.layers.iter_mut().enumerate() {
        let input = if k == 0 { ni } else { d * nh };
        layer.forward = read_params(
            tensors,
            &lstm_tensor_names(prefix, k, false),
            input,
            nh,
            source,
        )?;
        if bidirectional {
            let names = lstm_tensor_names(prefix, k, true);
            layer.reverse = Some(read_params(tensors, &names, input, nh, source)?);
        }
    }
    Ok(lstm)
}

/// Reads one layer-direction's four tensors, checking shapes and values.
fn read_params(
    tensors: &HashMap<String, Tensor>,
    names: &[String; 4],
    ni: usize,
    nh: usize,
    source: &Path,
) -> Result<LstmParams, WeightsError> {
    let mut p = LstmParams::zeros(ni, nh);
    let shapes = [
        vec![4 * nh, ni],
        vec![4 * nh, nh],
        vec![4 * nh],
        vec![4 * nh],
    ];
    for ((name, dst), expected) in names.iter().zip(p.tensors_mut()).zip(shapes) {
        let t = tensors.get(name).ok_or_else(|| WeightsError::Missing {
            path: source.to_path_buf(),
            name: name.clone(),
        })?;
        if t.dims() != expected.as_slice() {
            return Err(WeightsError::Shape {
                path: source.to_path_buf(),
                name: name.clone(),
                found: t.dims().to_vec(),
                expected,
            });
        }
        let bad_dtype = |dtype: String| WeightsError::DType {
            path: source.to_path_buf(),
            name: name.clone(),
            dtype,
            expected: "a float type",
        };
        if !t.dtype().is_float() {
            return Err(bad_dtype(format!("{:?}", t.dtype())));
        }
        let v: Vec<f32> = t
            .to_dtype(DType::F32)
            .and_then(|t| t.flatten_all())
            .and_then(|t| t.to_vec1())
            .map_err(|e| WeightsError::Format {
                path: source.to_path_buf(),
                reason: format!("tensor `{name}`: {e}"),
            })?;
        if !v.iter().all(|x| x.is_finite()) {
            return Err(WeightsError::NonFinite {
                path: source.to_path_buf(),
                name: name.clone(),
            });
        }
        *dst = v;
    }
    Ok(p)
}

/// Loads a stack from a safetensors file (PyTorch names after `prefix`).
pub fn load_lstm(path: impl AsRef<Path>, prefix: &str) -> Result<Lstm, WeightsError> {
    let path = path.as_ref();
    let tensors = candle_tensors(&read(path)?, path)?;
    lstm_from_tensors(&tensors, prefix, path)
}

/// Saves a stack to a safetensors file (PyTorch names after `prefix`),
/// through a temporary file and a rename.
pub fn save_lstm(path: impl AsRef<Path>, lstm: &Lstm, prefix: &str) -> Result<(), WeightsError> {
    let path = path.as_ref();
    let bytes = lstm_to_tensors(lstm, prefix)
        .map_err(|e| e.to_string())
        .and_then(|t| tensors_to_bytes(&t))
        .map_err(|reason| WeightsError::Write {
            path: path.to_path_buf(),
            reason,
        })?;
    write(path, &bytes)
}

/// Converts one TensorFlow `LSTMCell` (as in sketch-rnn) into our layout.
///
/// TensorFlow computes `[x, h]·W + b` with `W` ((I+H), 4H) and gate columns
/// **i, j, f, o** (j = the candidate C̃), and adds `forget_bias` inside the
/// forget gate's σ. Here: `kernel` is ((I+H), 4H) row-major, `bias` (4H).
/// The result has gate rows i, f, g, o, the forget bias folded into
/// `bias_ih`, and `bias_hh` zero.
pub fn from_tensorflow_ijfo(
    kernel: &[f32],
    bias: &[f32],
    input_size: usize,
    hidden_size: usize,
    forget_bias: f32,
) -> LstmParams {
    let (ni, nh) = (input_size, hidden_size);
    assert_eq!(
        kernel.len(),
        (ni + nh) * 4 * nh,
        "tensorflow kernel: expected ({}, {}) values",
        ni + nh,
        4 * nh
    );
    assert_eq!(
        bias.len(),
        4 * nh,
        "tensorflow bias: expected {} values",
        4 * nh
    );
    // Our gate block q (i, f, g, o) is TensorFlow's block tf_of[q] (i, j, f, o).
    let tf_of = [0, 2, 1, 3];
    let mut p = LstmParams::zeros(ni, nh);
    for (q, &tq) in tf_of.iter().enumerate() {
        for k in 0..nh {
            let (row, col) = (q * nh + k, tq * nh + k);
            for j in 0..ni {
                p.weight_ih[row * ni + j] = kernel[j * 4 * nh + col];
            }
            for j in 0..nh {
                p.weight_hh[row * nh + j] = kernel[(ni + j) * 4 * nh + col];
            }
            p.bias_ih[row] = bias[col] + if q == 1 { forget_bias } else { 0.0 };
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_claiming_too_much_is_refused_before_parsing() {
        let path = Path::new("huge.safetensors");
        let mut bytes = (MAX_HEADER_BYTES + 1).to_le_bytes().to_vec();
        bytes.extend_from_slice(b"{}");
        for e in [
            Tensors::parse(&bytes, path).err().unwrap(),
            candle_tensors(&bytes, path).err().unwrap(),
        ] {
            let msg = e.to_string();
            assert!(
                msg.contains("huge.safetensors") && msg.contains("at most 1 MiB"),
                "{msg}"
            );
        }
        // A small valid file still parses.
        let t = HashMap::from([(
            "w".to_string(),
            Tensor::from_slice(&[1f32, 2.0], 2, &Device::Cpu).unwrap(),
        )]);
        let ok = tensors_to_bytes(&t).unwrap();
        assert_eq!(
            Tensors::parse(&ok, path).unwrap().f32("w", &[2]).unwrap(),
            [1.0, 2.0]
        );
        assert_eq!(candle_tensors(&ok, path).unwrap().len(), 1);
    }

    #[test]
    fn weights_files_are_read_with_a_cap() {
        let e = read(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.contains("/dev/zero") && e.contains("256 MiB"), "{e}");
    }
}
