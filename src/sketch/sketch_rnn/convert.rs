//! The Magenta `.gen.json` converter: the published files (format:
//! `shared/data/SKETCH_RNN_FORMAT.md`: TensorFlow kernels as base64 int16,
//! gates i, j, f, o, `y = x·W`) become the shipped safetensors + JSON pair of
//! [`weights`](super::weights), losslessly. Run once by
//! `rnn-studio convert-sketch-rnn`; the app never reads `.gen.json`.

use super::model::SketchRnn;
use super::weights::{Quantized, SketchRnnConfig, check_config, le_i16, tensor_shapes};
use super::{DEQUANT_SCALE, FORGET_BIAS, INPUT_SIZE, Result, SketchRnnError, corrupt, read, write};
use crate::nn::safetensors::{RawTensor, serialize as serialize_tensors};
use crate::sketch::stroke5::Token;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

impl SketchRnn {
    /// Loads a published `.gen.json` file directly (slow: ~3 MB of base64).
    pub fn from_gen_json(path: &Path) -> Result<SketchRnn> {
        let (config, q) = parse_gen_json(&read(path)?, path)?;
        Ok(Self::from_quantized(&config, &q))
    }
}

/// Parses a `.gen.json` file into its config and int16 weights in PyTorch layout.
fn parse_gen_json(bytes: &[u8], path: &Path) -> Result<(SketchRnnConfig, Quantized)> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(path, format!("not valid JSON: {e}")))?;
    let parts = v
        .as_array()
        .filter(|a| a.len() == 3)
        .ok_or_else(|| corrupt(path, "expected a JSON array [info, dims, blobs]"))?;
    let (info, dims, blobs) = (&parts[0], &parts[1], &parts[2]);
    let mode_ok = info
        .get("mode")
        .is_some_and(|m| m.as_i64() == Some(2) || m.as_str() == Some("gen"));
    if !mode_ok {
        return Err(corrupt(
            path,
            "not a decoder-only (\"gen\") model: info.mode is not 2 or \"gen\"",
        ));
    }
    let class = info
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or_else(|| corrupt(path, "info.name is missing"))?
        .to_owned();
    let max_seq_len =
        info.get("max_seq_len")
            .and_then(|n| n.as_u64())
            .ok_or_else(|| corrupt(path, "info.max_seq_len is missing"))? as usize;
    let scale_factor =
        info.get("scale_factor")
            .and_then(|n| n.as_f64())
            .ok_or_else(|| corrupt(path, "info.scale_factor is missing"))? as f32;
    let shapes: Vec<Vec<usize>> = dims
        .as_array()
        .filter(|d| d.len() == 5)
        .and_then(|d| {
            d.iter()
                .map(|s| {
                    s.as_array()?
                        .iter()
                        .map(|n| n.as_u64().map(|n| n as usize))
                        .collect()
                })
                .collect()
        })
        .ok_or_else(|| corrupt(path, "dims must be 5 arrays of sizes"))?;
    let blobs = blobs
        .as_array()
        .filter(|b| b.len() == 5)
        .ok_or_else(|| corrupt(path, "blobs must be 5 strings"))?;
    // Shapes: out_W (H, O), out_b (O), W_xh (I, 4H), W_hh (H, 4H), lstm_b (4H).
    let (h, o) = match shapes[0].as_slice() {
        &[h, o] => (h, o),
        _ => return Err(corrupt(path, "dims[0] (out_W) must be 2-D")),
    };
    let i = shapes[2].first().copied().unwrap_or(0);
    let consistent = o >= 9
        && (o - 3) % 6 == 0
        && shapes[1] == [o]
        && shapes[2] == [i, 4 * h]
        && shapes[3] == [h, 4 * h]
        && shapes[4] == [4 * h]
        && i == INPUT_SIZE;
    if !consistent {
        return Err(corrupt(path, format!("inconsistent dims {shapes:?}")));
    }
    let mut tensors = Vec::with_capacity(5);
    for (k, (blob, shape)) in blobs.iter().zip(&shapes).enumerate() {
        let text = blob
            .as_str()
            .ok_or_else(|| corrupt(path, format!("blob {k} is not a string")))?;
        let raw = base64_decode(text).map_err(|e| corrupt(path, format!("blob {k}: {e}")))?;
        let want: usize = shape.iter().product();
        if raw.len() != 2 * want {
            return Err(corrupt(
                path,
                format!(
                    "blob {k} holds {} bytes, dims {shape:?} need {}",
                    raw.len(),
                    2 * want
                ),
            ));
        }
        tensors.push(le_i16(&raw));
    }
    let config = SketchRnnConfig {
        class,
        max_seq_len,
        scale_factor,
        input_size: i,
        hidden_size: h,
        num_mixture: (o - 3) / 6,
        dequant_scale: DEQUANT_SCALE,
        forget_bias: FORGET_BIAS,
        start_token: Token::START,
        source: String::new(),
    };
    check_config(&config, path)?;
    let q = tf_to_pytorch(
        &tensors[0],
        &tensors[1],
        &tensors[2],
        &tensors[3],
        &tensors[4],
        i,
        h,
        o,
    );
    Ok((config, q))
}

/// TensorFlow kernels (`y = x·W`, gate columns i, j, f, o) to PyTorch rows
/// (`y = W·x`, gate rows i, f, g(=j), o). Pure index shuffling on int16, so
/// it is lossless.
#[allow(clippy::too_many_arguments)]
pub(super) fn tf_to_pytorch(
    out_w: &[i16],
    out_b: &[i16],
    w_xh: &[i16],
    w_hh: &[i16],
    lstm_b: &[i16],
    i: usize,
    h: usize,
    o: usize,
) -> Quantized {
    // PyTorch gate block p (i, f, g, o) is TensorFlow block TF_BLOCK[p] (of i, j, f, o).
    const TF_BLOCK: [usize; 4] = [0, 2, 1, 3];
    let tf_col = |r: usize| TF_BLOCK[r / h] * h + r % h;
    let transpose = |w: &[i16], rows_in: usize| -> Vec<i16> {
        (0..4 * h)
            .flat_map(|r| (0..rows_in).map(move |c| (r, c)))
            .map(|(r, c)| w[c * 4 * h + tf_col(r)])
            .collect()
    };
    Quantized {
        weight_ih: transpose(w_xh, i),
        weight_hh: transpose(w_hh, h),
        bias_ih: (0..4 * h).map(|r| lstm_b[tf_col(r)]).collect(),
        out_weight: (0..o)
            .flat_map(|r| (0..h).map(move |c| out_w[c * o + r]))
            .collect(),
        out_bias: out_b.to_vec(),
    }
}

/// Decodes standard base64 (RFC 4648, `=` padding optional).
fn base64_decode(text: &str) -> std::result::Result<Vec<u8>, String> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let body = text.trim_end_matches('=').as_bytes();
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return Err(format!("base64 of length {} is truncated", text.len()));
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            let v = sextet(c).ok_or_else(|| format!("invalid base64 character {:?}", c as char))?;
            n |= v << (18 - 6 * k);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Ok(out)
}

/// One converted model: its class and the bytes written.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub class: String,
    pub bytes: u64,
}

/// Converts one `.gen.json` into `out_dir/CLASS.safetensors` + `CLASS.json`
/// (int16, PyTorch layout, lossless). `source` is recorded in the config.
pub fn convert_gen_json(src: &Path, out_dir: &Path, source: &str) -> Result<Converted> {
    let (mut config, q) = parse_gen_json(&read(src)?, src)?;
    config.source = source.to_owned();
    let as_bytes = |v: &[i16]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
    let tensors: Vec<RawTensor> = tensor_shapes(&config)
        .into_iter()
        .zip([
            &q.weight_ih,
            &q.weight_hh,
            &q.bias_ih,
            &q.out_weight,
            &q.out_bias,
        ])
        .map(|((name, shape), v)| RawTensor {
            name: name.to_owned(),
            dtype: safetensors::Dtype::I16,
            shape,
            data: as_bytes(v),
        })
        .collect();
    let meta = HashMap::from([("format".to_owned(), "pt".to_owned())]);
    let st_path = out_dir.join(format!("{}.safetensors", config.class));
    let st = serialize_tensors(&tensors, Some(meta))
        .map_err(|e| corrupt(&st_path, format!("cannot serialise: {e}")))?;
    let json_path = out_dir.join(format!("{}.json", config.class));
    let json = serde_json::to_string_pretty(&config).expect("config serialises") + "\n";
    write(&st_path, &st)?;
    write(&json_path, json.as_bytes())?;
    Ok(Converted {
        class: config.class,
        bytes: (st.len() + json.len()) as u64,
    })
}

/// Converts every `*.gen.json` in `data_dir` into `out_dir`, sorted by name;
/// `progress(done, total, class)` after each.
pub fn convert_dir(
    data_dir: &Path,
    out_dir: &Path,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Vec<Converted>> {
    let entries = std::fs::read_dir(data_dir).map_err(|source| SketchRnnError::Read {
        path: data_dir.to_owned(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gen.json"))
        .collect();
    files.sort();
    std::fs::create_dir_all(out_dir).map_err(|source| SketchRnnError::Write {
        path: out_dir.to_owned(),
        source,
    })?;
    let sha256 = manifest_sha256(&data_dir.join("manifest.json"));
    let mut done = Vec::with_capacity(files.len());
    for (n, f) in files.iter().enumerate() {
        let name = f
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let digest = sha256
            .get(&name)
            .map(|d| format!(" sha256 {d}"))
            .unwrap_or_default();
        let source = format!(
            "Google Magenta sketch-rnn {name}{digest} (quickdraw-models/sketchRNN/large_models, Apache-2.0), \
             converted by `rnn-studio convert-sketch-rnn`: int16 kept, TF gates i,j,f,o -> PyTorch rows i,f,g,o"
        );
        let c = convert_gen_json(f, out_dir, &source)?;
        progress(n + 1, files.len(), &c.class);
        done.push(c);
    }
    Ok(done)
}

/// File name → sha256 from the data folder's `manifest.json`
/// (`{"models":[{"file":…,"sha256":…}]}`), if there is one; empty otherwise.
fn manifest_sha256(path: &Path) -> HashMap<String, String> {
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new(); // no manifest: nothing to record
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    v["models"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some((
                m["file"].as_str()?.to_owned(),
                m["sha256"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(base64_decode("").unwrap(), b"");
        // The first 8 characters of bird's out_W blob: int16 114, −951, 2191 (§6).
        let q = le_i16(&base64_decode("cgBJ/I8I").unwrap());
        assert_eq!(q, [114, -951, 2191]);
        assert!(base64_decode("a$==").is_err());
        assert!(base64_decode("abcde").is_err());
    }

    #[test]
    fn tf_gates_land_in_pytorch_rows() {
        // H = 1, I = 1: TF columns (i, j, f, o) = (1, 2, 3, 4) → PyTorch rows (i, f, g, o) = (1, 3, 2, 4).
        let q = tf_to_pytorch(
            &[7, 8, 9],
            &[5, 6, 7],
            &[1, 2, 3, 4],
            &[11, 12, 13, 14],
            &[21, 22, 23, 24],
            1,
            1,
            3,
        );
        assert_eq!(q.weight_ih, [1, 3, 2, 4]);
        assert_eq!(q.weight_hh, [11, 13, 12, 14]);
        assert_eq!(q.bias_ih, [21, 23, 22, 24]);
        assert_eq!(q.out_weight, [7, 8, 9]);
    }
}
