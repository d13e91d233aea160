//! The fused LSTM as a candle custom op, so a model can mix it with candle
//! ops (a `Linear` head, a loss) and train everything with `.backward()`.
//!
//! One op per *layer* runs the whole sequence (both directions) forward and,
//! when candle walks the graph back, its whole BPTT — so an autograd graph
//! is O(layers), not O(time). Terms:
//!
//! - **flat parameters**: a layer's tensors packed in one 1-D `Var`, because a
//!   custom op takes at most three tensors. Order: forward direction
//!   `weight_ih (4H·I), weight_hh (4H·H), bias_ih (4H), bias_hh (4H)`, then the
//!   same for the reverse direction ([`pack_layer`] / [`unpack_layer`]).
//! - [`LstmVars`]: a stack as one flat `Var` per layer, with
//!   [`LstmVars::forward`] on a batch-first (B, T, I) tensor.
//!
//! The op's forward keeps the [`LayerCache`] inside the op (candle keeps the
//! op alive in the graph), and `bwd` consumes it; calling backward without
//! the forward having run is an error, not a silent zero.

use std::sync::Mutex;

use candle_core::{CpuStorage, CustomOp2, DType, Device, Layout, Shape, Tensor, Var};

use super::{LayerCache, Lstm, LstmLayer, LstmParams, layer_backward, layer_forward};

/// Shape of one layer: I, H and whether it has a reverse direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerShape {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// D = 2 when set
    pub bidirectional: bool,
}

impl LayerShape {
    /// D
    pub fn directions(&self) -> usize {
        1 + usize::from(self.bidirectional)
    }

    /// Length of the flat parameter vector: D·4H·(I + H + 2).
    pub fn flat_len(&self) -> usize {
        let h = self.hidden_size;
        self.directions() * 4 * h * (self.input_size + h + 2)
    }
}

/// A layer's tensors in one flat vector (see the module docs for the order).
pub fn pack_layer(layer: &LstmLayer) -> Vec<f32> {
    layer
        .directions()
        .flat_map(|p| p.tensors().into_iter().flatten().copied())
        .collect()
}

/// The inverse of [`pack_layer`].
pub fn unpack_layer(flat: &[f32], shape: LayerShape) -> LstmLayer {
    assert_eq!(
        flat.len(),
        shape.flat_len(),
        "lstm op: flat parameters have {} values, expected {}",
        flat.len(),
        shape.flat_len()
    );
    let one = shape.flat_len() / shape.directions();
    let read = |chunk: &[f32]| {
        let mut p = LstmParams::zeros(shape.input_size, shape.hidden_size);
        let mut at = 0;
        for t in p.tensors_mut() {
            let n = t.len();
            t.copy_from_slice(&chunk[at..at + n]);
            at += n;
        }
        p
    };
    LstmLayer {
        forward: read(&flat[..one]),
        reverse: shape.bidirectional.then(|| read(&flat[one..])),
    }
}

/// (B, T, W) ↔ (T, B, W): swaps the first two axes of a contiguous buffer.
fn swap_batch_time(x: &[f32], d0: usize, d1: usize, width: usize) -> Vec<f32> {
    let mut out = vec![0.0; x.len()];
    for i in 0..d0 {
        for j in 0..d1 {
            let (from, to) = ((i * d1 + j) * width, (j * d0 + i) * width);
            out[to..to + width].copy_from_slice(&x[from..from + width]);
        }
    }
    out
}

/// One LSTM layer over a whole padded batch as a candle op:
/// `(x (B, T, I), flat parameters) → output (B, T, D·H)`.
pub struct LstmLayerOp {
    shape: LayerShape,
    lengths: Vec<usize>,
    truncate: Option<usize>,
    /// filled by forward, consumed by backward: (T, the weights, the cache)
    saved: Mutex<Option<(usize, LstmLayer, LayerCache)>>,
}

impl LstmLayerOp {
    /// An op for one layer; `lengths` (B) are the valid steps of each element,
    /// `truncate` as in [`super::lstm_backward`].
    pub fn new(shape: LayerShape, lengths: Vec<usize>, truncate: Option<usize>) -> Self {
        Self {
            shape,
            lengths,
            truncate,
            saved: Mutex::new(None),
        }
    }
}

/// The contiguous f32 values of a storage, or an error naming what is wrong.
fn f32_values<'a>(
    storage: &'a CpuStorage,
    layout: &Layout,
    what: &str,
) -> candle_core::Result<&'a [f32]> {
    let CpuStorage::F32(data) = storage else {
        candle_core::bail!("lstm op: {what} must be f32");
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("lstm op: {what} must be contiguous (call .contiguous() first)");
    };
    Ok(&data[start..end])
}

impl CustomOp2 for LstmLayerOp {
    fn name(&self) -> &'static str {
        "fused-lstm-layer"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = f32_values(s1, l1, "the input")?;
        let flat = f32_values(s2, l2, "the flat parameters")?;
        let &[nb, nt, ni] = l1.dims() else {
            candle_core::bail!("lstm op: input must be (B, T, I), got {:?}", l1.dims());
        };
        if ni != self.shape.input_size
            || nb != self.lengths.len()
            || flat.len() != self.shape.flat_len()
        {
            candle_core::bail!(
                "lstm op: input (B={nb}, T={nt}, I={ni}) and {} parameters do not fit I={}, {} lengths, {} parameters",
                flat.len(),
                self.shape.input_size,
                self.lengths.len(),
                self.shape.flat_len()
            );
        }
        if let Some(&l) = self.lengths.iter().find(|&&l| l > nt) {
            candle_core::bail!("lstm op: a length of {l} is longer than the {nt} time steps given");
        }
        let layer = unpack_layer(flat, self.shape);
        let cache = layer_forward(&layer, &swap_batch_time(x, nb, nt, ni), nb, &self.lengths);
        let dh = self.shape.directions() * self.shape.hidden_size;
        let y = swap_batch_time(&cache.output, nt, nb, dh);
        *self.saved.lock().expect("lstm op cache lock") = Some((nt, layer, cache));
        Ok((CpuStorage::F32(y), Shape::from((nb, nt, dh))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        _flat: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let Some((nt, layer, cache)) = self.saved.lock().expect("lstm op cache lock").take() else {
            candle_core::bail!("lstm op: backward without a forward (or backward run twice)");
        };
        let nb = self.lengths.len();
        let dh = self.shape.directions() * self.shape.hidden_size;
        let dy: Vec<f32> = grad_res.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?;
        let dy = swap_batch_time(&dy, nb, nt, dh);
        let mut grads = LstmLayer {
            forward: LstmParams::zeros(self.shape.input_size, self.shape.hidden_size),
            reverse: layer
                .reverse
                .as_ref()
                .map(|p| LstmParams::zeros(p.input_size, p.hidden_size)),
        };
        let dx = layer_backward(&layer, &cache, &dy, self.truncate, &mut grads);
        let dx = swap_batch_time(&dx, nt, nb, self.shape.input_size);
        let dx = Tensor::from_vec(dx, x.shape(), x.device())?;
        let dflat = Tensor::from_vec(pack_layer(&grads), self.shape.flat_len(), x.device())?;
        Ok((Some(dx), Some(dflat)))
    }
}

/// A stack as candle `Var`s (one flat vector per layer), for models trained
/// with candle autograd.
#[derive(Debug, Clone)]
pub struct LstmVars {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// D = 2 when set
    pub bidirectional: bool,
    /// one flat parameter vector per layer, layer 0 first
    pub layers: Vec<Var>,
}

impl LstmVars {
    /// Vars holding a copy of `lstm`'s weights, on the CPU.
    pub fn from_lstm(lstm: &Lstm) -> candle_core::Result<Self> {
        let layers = lstm
            .layers
            .iter()
            .map(|l| {
                let flat = pack_layer(l);
                let n = flat.len();
                Var::from_tensor(&Tensor::from_vec(flat, n, &Device::Cpu)?)
            })
            .collect::<candle_core::Result<_>>()?;
        Ok(Self {
            input_size: lstm.input_size,
            hidden_size: lstm.hidden_size,
            bidirectional: lstm.bidirectional(),
            layers,
        })
    }

    /// The shape of layer k.
    pub fn layer_shape(&self, k: usize) -> LayerShape {
        let d = 1 + usize::from(self.bidirectional);
        LayerShape {
            input_size: if k == 0 {
                self.input_size
            } else {
                d * self.hidden_size
            },
            hidden_size: self.hidden_size,
            bidirectional: self.bidirectional,
        }
    }

    /// Forward through every layer, recorded for `.backward()`: `x` is
    /// (B, T, I) f32 on the CPU, `lengths` (B); returns (B, T, D·H), zeros at
    /// padded steps.
    pub fn forward(
        &self,
        x: &Tensor,
        lengths: &[usize],
        truncate: Option<usize>,
    ) -> candle_core::Result<Tensor> {
        let mut h = x.contiguous()?;
        for (k, var) in self.layers.iter().enumerate() {
            let op = LstmLayerOp::new(self.layer_shape(k), lengths.to_vec(), truncate);
            h = h.apply_op2(var.as_tensor(), op)?;
        }
        Ok(h)
    }
}
