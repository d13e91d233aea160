//! The shipped sketch-rnn format: `CLASS.safetensors` (int16, PyTorch
//! layout) and `CLASS.json` ([`SketchRnnConfig`]) per class in
//! `weights/sketch-rnn/`. Loading dequantises the weights and folds the
//! forget bias in (`from_quantized`), the one place the stored layout turns
//! into the running model.

use super::model::SketchRnn;
use super::{INPUT_SIZE, Result, SketchRnnError, corrupt, read};
use crate::nn::lstm::LstmParams;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Tensor names in the shipped safetensors files (PyTorch's).
pub(super) const WEIGHT_IH: &str = "lstm.weight_ih_l0";
pub(super) const WEIGHT_HH: &str = "lstm.weight_hh_l0";
pub(super) const BIAS_IH: &str = "lstm.bias_ih_l0";
pub(super) const OUT_WEIGHT: &str = "output.weight";
pub(super) const OUT_BIAS: &str = "output.bias";

/// The JSON config shipped next to each model's safetensors (`CLASS.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SketchRnnConfig {
    /// Class name as in the file names, e.g. `palm_tree`.
    pub class: String,
    /// The most decoder steps one drawing may take.
    pub max_seq_len: usize,
    /// S: model units × S = pixels of the simplified frame.
    pub scale_factor: f32,
    /// I (5).
    pub input_size: usize,
    /// H (512).
    pub hidden_size: usize,
    /// M, the number of mixture components (20).
    pub num_mixture: usize,
    /// Every stored int16 `q` stands for the weight `q · dequant_scale`.
    pub dequant_scale: f64,
    /// Added to the f rows of `bias_ih` at load (TensorFlow's forget bias).
    pub forget_bias: f32,
    /// The first decoder input.
    pub start_token: [f32; 5],
    /// Where the weights came from, and how they were converted.
    #[serde(default)]
    pub source: String,
}

/// The int16 weights in PyTorch layout, as stored in the safetensors file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Quantized {
    /// (4H, I), gate rows i, f, g, o
    pub(super) weight_ih: Vec<i16>,
    /// (4H, H)
    pub(super) weight_hh: Vec<i16>,
    /// (4H), without the forget bias
    pub(super) bias_ih: Vec<i16>,
    /// (O, H)
    pub(super) out_weight: Vec<i16>,
    /// (O)
    pub(super) out_bias: Vec<i16>,
}

impl SketchRnn {
    /// Loads the shipped model of `class` from the weights root `root` (its
    /// `sketch-rnn/` folder). An unknown class lists the valid ones.
    pub fn load(root: &Path, class: &str) -> Result<SketchRnn> {
        Self::load_dir(
            &crate::weights::in_root(root, crate::weights::SKETCH_RNN),
            class,
        )
    }

    /// Loads the model of `class` from a folder of converted models
    /// (`CLASS.safetensors` + `CLASS.json`, what [`convert_dir`] writes).
    pub fn load_dir(dir: &Path, class: &str) -> Result<SketchRnn> {
        let valid = list_classes_in(dir)?;
        if !valid.iter().any(|c| c == class) {
            return Err(SketchRnnError::UnknownClass {
                class: class.to_owned(),
                valid,
            });
        }
        Self::load_files(
            &dir.join(format!("{class}.safetensors")),
            &dir.join(format!("{class}.json")),
        )
    }

    /// Loads a model from its safetensors file and JSON config.
    fn load_files(safetensors_path: &Path, config_path: &Path) -> Result<SketchRnn> {
        let config_bytes = read(config_path)?;
        let config: SketchRnnConfig = serde_json::from_slice(&config_bytes)
            .map_err(|e| corrupt(config_path, format!("bad config: {e}")))?;
        check_config(&config, config_path)?;
        let bytes = read(safetensors_path)?;
        let q = read_safetensors(&bytes, &config, safetensors_path)?;
        Ok(Self::from_quantized(&config, &q))
    }

    /// Dequantises and folds the forget bias: the one place the stored
    /// layout turns into the running model.
    pub(super) fn from_quantized(config: &SketchRnnConfig, q: &Quantized) -> SketchRnn {
        let (i, h) = (config.input_size, config.hidden_size);
        let dq = |v: &[i16]| -> Vec<f32> {
            v.iter()
                .map(|&q| (q as f64 * config.dequant_scale) as f32)
                .collect()
        };
        let mut bias_ih = dq(&q.bias_ih);
        for b in &mut bias_ih[h..2 * h] {
            *b += config.forget_bias;
        }
        SketchRnn {
            class: config.class.clone(),
            lstm: LstmParams {
                input_size: i,
                hidden_size: h,
                weight_ih: dq(&q.weight_ih),
                weight_hh: dq(&q.weight_hh),
                bias_ih,
                bias_hh: vec![0.0; 4 * h],
            },
            out_w: dq(&q.out_weight),
            out_b: dq(&q.out_bias),
            scale_factor: config.scale_factor,
            max_seq_len: config.max_seq_len,
            num_mixture: config.num_mixture,
        }
    }
}

/// The classes with a shipped model in the weights root `root`, sorted.
pub fn list_classes(root: &Path) -> Result<Vec<String>> {
    list_classes_in(&crate::weights::in_root(root, crate::weights::SKETCH_RNN))
}

/// The classes with a model in the folder `dir` (names of `*.safetensors`), sorted.
pub fn list_classes_in(dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|source| SketchRnnError::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut classes: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".safetensors").map(str::to_owned)
        })
        .collect();
    classes.sort();
    Ok(classes)
}

pub(super) fn check_config(c: &SketchRnnConfig, path: &Path) -> Result<()> {
    if c.input_size != INPUT_SIZE {
        return Err(corrupt(
            path,
            format!("input_size is {}, expected {INPUT_SIZE}", c.input_size),
        ));
    }
    if c.hidden_size == 0 || c.num_mixture == 0 || c.max_seq_len == 0 {
        return Err(corrupt(
            path,
            "hidden_size, num_mixture and max_seq_len must be positive",
        ));
    }
    if !(c.scale_factor.is_finite() && c.scale_factor > 0.0) {
        return Err(corrupt(
            path,
            format!("scale_factor {} is not a positive number", c.scale_factor),
        ));
    }
    if !(c.dequant_scale.is_finite() && c.dequant_scale > 0.0 && c.forget_bias.is_finite()) {
        return Err(corrupt(
            path,
            "dequant_scale or forget_bias is not a finite number",
        ));
    }
    Ok(())
}

/// The expected (name, shape) of every stored tensor.
pub(super) fn tensor_shapes(c: &SketchRnnConfig) -> [(&'static str, Vec<usize>); 5] {
    let (i, h, o) = (c.input_size, c.hidden_size, 3 + 6 * c.num_mixture);
    [
        (WEIGHT_IH, vec![4 * h, i]),
        (WEIGHT_HH, vec![4 * h, h]),
        (BIAS_IH, vec![4 * h]),
        (OUT_WEIGHT, vec![o, h]),
        (OUT_BIAS, vec![o]),
    ]
}

fn read_safetensors(bytes: &[u8], config: &SketchRnnConfig, path: &Path) -> Result<Quantized> {
    let st = crate::nn::safetensors::parse_raw(bytes, path).map_err(|e| match e {
        crate::nn::safetensors::WeightsError::Format { reason, .. } => {
            corrupt(path, format!("not a safetensors file: {reason}"))
        }
        other => corrupt(path, other.to_string()),
    })?;
    let mut tensors = Vec::with_capacity(5);
    for (name, shape) in tensor_shapes(config) {
        let t = st
            .tensor(name)
            .map_err(|e| corrupt(path, format!("tensor {name}: {e}")))?;
        if t.dtype() != safetensors::Dtype::I16 {
            return Err(corrupt(
                path,
                format!("tensor {name} is {:?}, expected I16", t.dtype()),
            ));
        }
        if t.shape() != shape.as_slice() {
            return Err(corrupt(
                path,
                format!(
                    "tensor {name} has shape {:?}, expected {shape:?}",
                    t.shape()
                ),
            ));
        }
        tensors.push(le_i16(t.data()));
    }
    let mut it = tensors.into_iter();
    let mut next = || it.next().expect("five tensors");
    Ok(Quantized {
        weight_ih: next(),
        weight_hh: next(),
        bias_ih: next(),
        out_weight: next(),
        out_bias: next(),
    })
}

pub(super) fn le_i16(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}
