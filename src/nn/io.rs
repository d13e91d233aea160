//! LSTM weights in and out of safetensors files, under PyTorch's names.
//!
//! A stack's tensors are named exactly as `torch.nn.LSTM` and `candle_nn`
//! name them, after an optional prefix (e.g. `"encoder."`):
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
//!
//! Files are written to a temporary name and renamed, so a crash never leaves
//! half a checkpoint.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};

use super::lstm::{Lstm, LstmLayer, LstmParams};

/// What went wrong reading or writing LSTM weights; every variant names the
/// file (or source) and, where there is one, the tensor.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// The file could not be read or parsed as safetensors.
    #[error("cannot read weights from {path}: {message}")]
    Read { path: PathBuf, message: String },
    /// The file could not be written.
    #[error("cannot write weights to {path}: {message}")]
    Write { path: PathBuf, message: String },
    /// A tensor the LSTM needs is not there.
    #[error("{path}: missing tensor {name}")]
    Missing { path: PathBuf, name: String },
    /// A tensor has the wrong shape.
    #[error("{path}: tensor {name} has shape {found:?}, expected {expected:?}")]
    Shape {
        path: PathBuf,
        name: String,
        found: Vec<usize>,
        expected: Vec<usize>,
    },
    /// A tensor holds something other than floats, or non-finite values.
    #[error("{path}: tensor {name}: {message}")]
    Values {
        path: PathBuf,
        name: String,
        message: String,
    },
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
) -> Result<Lstm, IoError> {
    let first = lstm_tensor_names(prefix, 0, false);
    let shape_of = |name: &str| -> Result<Vec<usize>, IoError> {
        tensors
            .get(name)
            .map(|t| t.dims().to_vec())
            .ok_or_else(|| IoError::Missing {
                path: source.to_path_buf(),
                name: name.to_string(),
            })
    };
    let ih = shape_of(&first[0])?;
    let hh = shape_of(&first[1])?;
    let bad_shape = |name: &str, found: Vec<usize>, expected: Vec<usize>| IoError::Shape {
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
) -> Result<LstmParams, IoError> {
    let mut p = LstmParams::zeros(ni, nh);
    let shapes = [
        vec![4 * nh, ni],
        vec![4 * nh, nh],
        vec![4 * nh],
        vec![4 * nh],
    ];
    for ((name, dst), expected) in names.iter().zip(p.tensors_mut()).zip(shapes) {
        let t = tensors.get(name).ok_or_else(|| IoError::Missing {
            path: source.to_path_buf(),
            name: name.clone(),
        })?;
        if t.dims() != expected.as_slice() {
            return Err(IoError::Shape {
                path: source.to_path_buf(),
                name: name.clone(),
                found: t.dims().to_vec(),
                expected,
            });
        }
        let values = |message: String| IoError::Values {
            path: source.to_path_buf(),
            name: name.clone(),
            message,
        };
        if !t.dtype().is_float() {
            return Err(values(format!(
                "holds {:?}, expected a float type",
                t.dtype()
            )));
        }
        let v: Vec<f32> = t
            .to_dtype(DType::F32)
            .and_then(|t| t.flatten_all())
            .and_then(|t| t.to_vec1())
            .map_err(|e| values(e.to_string()))?;
        if let Some(bad) = v.iter().position(|x| !x.is_finite()) {
            return Err(values(format!(
                "value {} at index {bad} is not finite",
                v[bad]
            )));
        }
        *dst = v;
    }
    Ok(p)
}

/// Loads a stack from a safetensors file (PyTorch names after `prefix`).
pub fn load_lstm(path: impl AsRef<Path>, prefix: &str) -> Result<Lstm, IoError> {
    let path = path.as_ref();
    let tensors =
        candle_core::safetensors::load(path, &Device::Cpu).map_err(|e| IoError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    lstm_from_tensors(&tensors, prefix, path)
}

/// Saves a stack to a safetensors file (PyTorch names after `prefix`),
/// through a temporary file and a rename.
pub fn save_lstm(path: impl AsRef<Path>, lstm: &Lstm, prefix: &str) -> Result<(), IoError> {
    let path = path.as_ref();
    let write_err = |message: String| IoError::Write {
        path: path.to_path_buf(),
        message,
    };
    let tensors = lstm_to_tensors(lstm, prefix).map_err(|e| write_err(e.to_string()))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    candle_core::safetensors::save(&tensors, &tmp).map_err(|e| write_err(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| write_err(e.to_string()))
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

/// Builds the stack a [`LstmLayer`] list describes (a convenience for
/// converted weights): every layer must chain (I_k = D·H for k > 0).
pub fn lstm_from_layers(layers: Vec<LstmLayer>) -> Lstm {
    let first = &layers[0].forward;
    let (ni, nh) = (first.input_size, first.hidden_size);
    let d = layers[0].num_directions();
    for (k, l) in layers.iter().enumerate().skip(1) {
        assert_eq!(
            l.forward.input_size,
            d * nh,
            "lstm layer {k}: input size does not match the layer below"
        );
    }
    Lstm {
        input_size: ni,
        hidden_size: nh,
        layers,
    }
}
