//! The recognizer's files, all of them: the shipped model folder
//! (`model.safetensors`, `cnn.safetensors`, `config.json`, written by
//! [`save_files`], read by [`read_files`]) and a training run's checkpoints
//! (the weights with Adam's moments, the best and the averaged weights, and a
//! JSON meta file written last, which marks the checkpoint complete). Every
//! tensor goes through [`crate::nn::safetensors`].
//!
//! `model.safetensors` holds PyTorch names: `lstm.weight_ih_l{k}` … and
//! `head.weight` (C, H or 2H), `head.bias` (C). A checkpoint adds Adam's
//! moments as `adam.m.{i}` / `adam.v.{i}`, in the order of the parameter list
//! (`model::model_tensors`).

use super::cnn::RasterCnn;
use super::model::{RecognizerModel, model_tensors};
use super::{RecognizerConfig, RecognizerError};
use crate::nn::optim::Adam;
use crate::nn::safetensors::{
    self, WeightsError, lstm_from_tensors, lstm_to_tensors, tensors_to_bytes,
};
use crate::sketch::features::INPUT_SIZE;
use candle_core::{Device, Tensor};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The weights file inside a model folder.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// The raster CNN's weights inside a model folder (when the config has `cnn`).
pub const CNN_FILE: &str = "cnn.safetensors";
/// The config file inside a model folder.
pub const CONFIG_FILE: &str = "config.json";
/// Tensor-name prefix of the LSTM.
const LSTM_PREFIX: &str = "lstm.";
const HEAD_WEIGHT: &str = "head.weight";
const HEAD_BIAS: &str = "head.bias";
/// The config format this code reads and writes.
pub const FORMAT: &str = "rnn-studio-recognizer-1";

impl RecognizerModel {
    /// Every tensor under its stored name.
    pub fn to_tensors(&self) -> candle_core::Result<HashMap<String, Tensor>> {
        let mut t = lstm_to_tensors(&self.lstm, LSTM_PREFIX)?;
        let (c, ni) = (self.num_outputs(), self.head_inputs());
        t.insert(
            HEAD_WEIGHT.into(),
            Tensor::from_slice(&self.head_w, (c, ni), &Device::Cpu)?,
        );
        t.insert(
            HEAD_BIAS.into(),
            Tensor::from_slice(&self.head_b, c, &Device::Cpu)?,
        );
        Ok(t)
    }

    /// The safetensors bytes of the model.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        tensors_to_bytes(&self.to_tensors().map_err(|e| e.to_string())?)
    }

    /// Reads a model from safetensors bytes; `path` names the source in errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Self, RecognizerError> {
        let bad = |message: String| RecognizerError::Weights {
            path: path.to_path_buf(),
            message,
        };
        let tensors = parse_tensors(bytes, path).map_err(bad)?;
        let lstm =
            lstm_from_tensors(&tensors, LSTM_PREFIX, path).map_err(|e| bad(e.to_string()))?;
        if lstm.bidirectional() || lstm.input_size != INPUT_SIZE {
            return Err(bad(format!(
                "expected a unidirectional lstm reading {INPUT_SIZE} features, found input {} bidirectional {}",
                lstm.input_size,
                lstm.bidirectional()
            )));
        }
        let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>), RecognizerError> {
            let t = tensors
                .get(name)
                .ok_or_else(|| bad(format!("missing tensor {name}")))?;
            let v: Vec<f32> = t
                .to_dtype(candle_core::DType::F32)
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1())
                .map_err(|e| bad(format!("tensor {name}: {e}")))?;
            if v.iter().any(|x| !x.is_finite()) {
                return Err(bad(format!("tensor {name} has non-finite values")));
            }
            Ok((t.dims().to_vec(), v))
        };
        let (w_shape, head_w) = get(HEAD_WEIGHT)?;
        let (b_shape, head_b) = get(HEAD_BIAS)?;
        let nh = lstm.hidden_size;
        let fits = w_shape.len() == 2
            && (w_shape[1] == nh || w_shape[1] == 2 * nh)
            && w_shape[0] > 0
            && b_shape == [w_shape[0]];
        if !fits {
            return Err(bad(format!(
                "head shapes {w_shape:?} and {b_shape:?} do not fit hidden size {nh} \
                 (the head reads H or 2H values)"
            )));
        }
        Ok(Self {
            lstm,
            head_w,
            head_b,
        })
    }
}

/// Reads a model folder (what [`save_files`] writes): the config, the LSTM
/// and, when the config names one, the CNN. Their shapes are not checked
/// against the config here.
pub fn read_files(
    dir: &Path,
) -> Result<(RecognizerModel, Option<RasterCnn>, RecognizerConfig), RecognizerError> {
    let config_path = dir.join(CONFIG_FILE);
    let weights_path = dir.join(WEIGHTS_FILE);
    // Capped, like every weights read: a wrong path such as /dev/zero is an
    // error, not a full memory.
    let read = |p: &Path| {
        crate::safe_io::read_capped(p, safetensors::MAX_FILE_BYTES).map_err(|e| {
            RecognizerError::Read {
                path: p.to_path_buf(),
                source: match e {
                    crate::safe_io::ReadCappedError::Io { source, .. } => source,
                    crate::safe_io::ReadCappedError::TooLarge { limit, .. } => {
                        std::io::Error::other(format!(
                            "larger than the limit of {}",
                            crate::safe_io::mib(limit)
                        ))
                    }
                },
            }
        })
    };
    let config: RecognizerConfig =
        serde_json::from_slice(&read(&config_path)?).map_err(|e| RecognizerError::Config {
            path: config_path.clone(),
            message: e.to_string(),
        })?;
    let model = RecognizerModel::from_bytes(&read(&weights_path)?, &weights_path)?;
    let cnn = match &config.cnn {
        None => None,
        Some(c) => {
            let path = dir.join(CNN_FILE);
            let bad = |message: String| RecognizerError::Weights {
                path: path.clone(),
                message,
            };
            let t = parse_tensors(&read(&path)?, &path).map_err(bad)?;
            Some(RasterCnn::from_tensors(&t, c.size).map_err(bad)?)
        }
    };
    Ok((model, cnn, config))
}

/// Writes a model folder (weights and config), each file atomically.
pub fn save_files(
    dir: &Path,
    model: &RecognizerModel,
    cnn: Option<&RasterCnn>,
    config: &RecognizerConfig,
) -> Result<(), RecognizerError> {
    let werr = |path: &Path, message: String| RecognizerError::Write {
        path: path.to_path_buf(),
        message,
    };
    std::fs::create_dir_all(dir).map_err(|e| werr(dir, e.to_string()))?;
    let wp = dir.join(WEIGHTS_FILE);
    let bytes = model.to_bytes().map_err(|m| werr(&wp, m))?;
    crate::safe_io::write_atomic(&wp, &bytes).map_err(|e| werr(&wp, e.to_string()))?;
    if let Some(cnn) = cnn {
        let path = dir.join(CNN_FILE);
        let tensors = cnn.to_tensors().map_err(|e| werr(&path, e.to_string()))?;
        let bytes = tensors_to_bytes(&tensors).map_err(|m| werr(&path, m))?;
        crate::safe_io::write_atomic(&path, &bytes).map_err(|e| werr(&path, e.to_string()))?;
    }
    let cp = dir.join(CONFIG_FILE);
    let mut json = serde_json::to_string_pretty(config).map_err(|e| werr(&cp, e.to_string()))?;
    json.push('\n');
    crate::safe_io::write_atomic(&cp, json.as_bytes()).map_err(|e| werr(&cp, e.to_string()))
}

/// A file of a training run that could not be read or written.
#[derive(Debug)]
pub struct CheckpointError {
    pub path: PathBuf,
    pub message: String,
}

fn ck_err(path: &Path, message: String) -> CheckpointError {
    CheckpointError {
        path: path.to_path_buf(),
        message,
    }
}

/// The files of one training stage inside the run folder.
pub struct RunPaths {
    /// the weights and Adam's moments
    pub checkpoint: PathBuf,
    /// the meta file (epochs, history, the settings), written last
    pub meta: PathBuf,
    /// the weights that scored best on validation
    pub best: PathBuf,
    /// the averaged weights (with weight averaging)
    pub ema: PathBuf,
}

impl RunPaths {
    /// The LSTM stage's files.
    pub fn lstm(out: &Path) -> Self {
        Self::with_prefix(out, "")
    }

    /// The CNN stage's files (`cnn_checkpoint.*`, …).
    pub fn cnn(out: &Path) -> Self {
        Self::with_prefix(out, "cnn_")
    }

    fn with_prefix(out: &Path, p: &str) -> Self {
        Self {
            checkpoint: out.join(format!("{p}checkpoint.safetensors")),
            meta: out.join(format!("{p}checkpoint.json")),
            best: out.join(format!("{p}best.safetensors")),
            ema: out.join(format!("{p}ema.safetensors")),
        }
    }
}

/// Weights stored as named tensors: the LSTM with its head, or the CNN.
pub trait NamedTensors {
    fn named_tensors(&self) -> candle_core::Result<HashMap<String, Tensor>>;
}

impl NamedTensors for RecognizerModel {
    fn named_tensors(&self) -> candle_core::Result<HashMap<String, Tensor>> {
        self.to_tensors()
    }
}

impl NamedTensors for RasterCnn {
    fn named_tensors(&self) -> candle_core::Result<HashMap<String, Tensor>> {
        self.to_tensors()
    }
}

/// Writes a stage's checkpoint: the weights with Adam's moments, the best
/// and (when given) the averaged weights, then the meta file, each
/// atomically.
pub fn save_checkpoint<W: NamedTensors>(
    paths: &RunPaths,
    model: &W,
    adam: &Adam,
    best: &W,
    ema: Option<&W>,
    meta: &impl Serialize,
) -> Result<(), CheckpointError> {
    let with_adam = model
        .named_tensors()
        .and_then(|mut t| insert_adam_moments(adam, &mut t).map(|()| t))
        .map_err(|e| ck_err(&paths.checkpoint, e.to_string()))?;
    let bytes = tensors_to_bytes(&with_adam).map_err(|e| ck_err(&paths.checkpoint, e))?;
    crate::safe_io::write_atomic(&paths.checkpoint, &bytes)
        .map_err(|e| ck_err(&paths.checkpoint, e.to_string()))?;
    for (path, w) in [(&paths.best, Some(best)), (&paths.ema, ema)] {
        if let Some(w) = w {
            let t = w.named_tensors().map_err(|e| ck_err(path, e.to_string()))?;
            let bytes = tensors_to_bytes(&t).map_err(|e| ck_err(path, e))?;
            crate::safe_io::write_atomic(path, &bytes).map_err(|e| ck_err(path, e.to_string()))?;
        }
    }
    let json =
        serde_json::to_string_pretty(meta).map_err(|e| ck_err(&paths.meta, e.to_string()))?;
    // The meta file last: it marks the checkpoint complete.
    crate::safe_io::write_atomic(&paths.meta, json.as_bytes())
        .map_err(|e| ck_err(&paths.meta, e.to_string()))
}

/// A stage's meta file.
pub fn read_meta<M: DeserializeOwned>(paths: &RunPaths) -> Result<M, CheckpointError> {
    let bytes = std::fs::read(&paths.meta).map_err(|e| ck_err(&paths.meta, e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| ck_err(&paths.meta, e.to_string()))
}

/// Adds Adam's moments to a checkpoint's tensors: `adam.m.{i}` /
/// `adam.v.{i}` in the order of the parameter list.
fn insert_adam_moments(
    adam: &Adam,
    tensors: &mut std::collections::HashMap<String, candle_core::Tensor>,
) -> candle_core::Result<()> {
    let (_, m, v) = adam.state();
    for (i, (mi, vi)) in m.iter().zip(v).enumerate() {
        for (name, data) in [(format!("adam.m.{i}"), mi), (format!("adam.v.{i}"), vi)] {
            let t = candle_core::Tensor::from_slice(data, data.len(), &candle_core::Device::Cpu)?;
            tensors.insert(name, t);
        }
    }
    Ok(())
}

/// Adam's first or second moments, one vector per parameter tensor.
type Moments = Vec<Vec<f32>>;

/// Adam's moments of `n` parameter tensors, read back from a checkpoint.
fn read_adam_moments(
    tensors: &std::collections::HashMap<String, candle_core::Tensor>,
    n: usize,
) -> Result<(Moments, Moments), String> {
    let read = |name: String| -> Result<Vec<f32>, String> {
        tensors
            .get(&name)
            .ok_or_else(|| format!("missing {name}"))?
            .to_vec1::<f32>()
            .map_err(|e| format!("{name}: {e}"))
    };
    let m = (0..n)
        .map(|i| read(format!("adam.m.{i}")))
        .collect::<Result<_, _>>()?;
    let v = (0..n)
        .map(|i| read(format!("adam.v.{i}")))
        .collect::<Result<_, _>>()?;
    Ok((m, v))
}

/// A model file of the run folder (the best or the averaged weights).
pub fn read_model(path: &Path) -> Result<RecognizerModel, CheckpointError> {
    let bytes = std::fs::read(path).map_err(|e| ck_err(path, e.to_string()))?;
    RecognizerModel::from_bytes(&bytes, path).map_err(|e| ck_err(path, e.to_string()))
}

/// The LSTM stage's checkpoint: the weights (which must have `nc` outputs)
/// and Adam's moments.
pub fn read_lstm_checkpoint(
    paths: &RunPaths,
    nc: usize,
) -> Result<(RecognizerModel, Moments, Moments), CheckpointError> {
    let path = &paths.checkpoint;
    let bytes = std::fs::read(path).map_err(|e| ck_err(path, e.to_string()))?;
    let model =
        RecognizerModel::from_bytes(&bytes, path).map_err(|e| ck_err(path, e.to_string()))?;
    if model.num_outputs() != nc {
        return Err(ck_err(
            path,
            format!("has {} outputs, expected {nc}", model.num_outputs()),
        ));
    }
    let tensors = parse_tensors(&bytes, path).map_err(|e| ck_err(path, e))?;
    let (m, v) =
        read_adam_moments(&tensors, model_tensors(&model).len()).map_err(|e| ck_err(path, e))?;
    Ok((model, m, v))
}

/// A CNN file of the run folder, with Adam's moments when `with_adam`.
pub fn read_cnn(
    path: &Path,
    size: usize,
    with_adam: bool,
) -> Result<(RasterCnn, Moments, Moments), CheckpointError> {
    let err = |message: String| ck_err(path, message);
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let t = parse_tensors(&bytes, path).map_err(err)?;
    let model = RasterCnn::from_tensors(&t, size).map_err(err)?;
    let (m, v) = if with_adam {
        read_adam_moments(&t, model.tensors().len()).map_err(err)?
    } else {
        (Vec::new(), Vec::new())
    };
    Ok((model, m, v))
}

/// The tensors of a weights file's bytes through the one reader
/// ([`safetensors::candle_tensors`]); the message leaves the path to the caller.
fn parse_tensors(bytes: &[u8], path: &Path) -> Result<HashMap<String, Tensor>, String> {
    safetensors::candle_tensors(bytes, path).map_err(|e| match e {
        WeightsError::Format { reason, .. } => reason,
        other => other.to_string(),
    })
}
