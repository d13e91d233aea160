//! LSTM layers and stacks: a layer is one direction or two (bidirectional:
//! the reverse direction has its own weights and reads each sequence
//! backwards within its own length), and a stack feeds each layer's output
//! (D·H) to the next.
//!
//! The weights layout is PyTorch's, so checkpoints move between ecosystems:
//! per layer k and direction, `weight_ih_l{k}[_reverse]` (4H×I),
//! `weight_hh_l{k}[_reverse]` (4H×H), `bias_ih…` and `bias_hh…` (4H), gate
//! rows i, f, g, o; [`Lstm::tensors`] lists them in that order, and
//! [`crate::nn::safetensors`] reads and writes them under those names.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::nn::ops::{Float, add_to};

use super::cell::{LstmParams, LstmState};
use super::sequence::{LstmCache, lstm_backward, lstm_forward};

/// One layer of a stack: the forward direction and, when bidirectional, a
/// reverse direction with its own weights that reads each sequence backwards.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmLayer<F: Float = f32> {
    /// reads t = 0 … len−1
    pub forward: LstmParams<F>,
    /// reads t = len−1 … 0 (bidirectional only)
    pub reverse: Option<LstmParams<F>>,
}

impl<F: Float> LstmLayer<F> {
    /// The directions present: forward, then reverse.
    pub fn directions(&self) -> impl Iterator<Item = &LstmParams<F>> {
        std::iter::once(&self.forward).chain(self.reverse.as_ref())
    }

    /// The directions present, mutable.
    pub fn directions_mut(&mut self) -> impl Iterator<Item = &mut LstmParams<F>> {
        std::iter::once(&mut self.forward).chain(self.reverse.as_mut())
    }

    /// D, the number of directions (1 or 2).
    pub fn num_directions(&self) -> usize {
        1 + usize::from(self.reverse.is_some())
    }
}

/// What [`layer_forward`] keeps: each direction's cache and the layer output.
#[derive(Debug, Clone)]
pub struct LayerCache<F: Float = f32> {
    /// the forward direction, step order = time order
    pub forward: LstmCache<F>,
    /// the reverse direction, step s of element b is time `lengths[b] − 1 − s`
    pub reverse: Option<LstmCache<F>>,
    /// (T, B, D·H) h_t of the forward direction, then of the reverse one, in
    /// time order; zeros at padded steps
    pub output: Vec<F>,
}

/// Reverses each sequence of a padded (T, B, W) batch within its own length:
/// row (t, b) ↔ row (len_b − 1 − t, b); padded rows stay where they are. It
/// is its own inverse, so it maps inputs to reverse-step order and reverse
/// outputs back to time order.
pub fn reverse_within_lengths<F: Float>(
    x: &[F],
    batch: usize,
    width: usize,
    lengths: &[usize],
) -> Vec<F> {
    let mut out = x.to_vec();
    for (b, &len) in lengths.iter().enumerate().take(batch) {
        for t in 0..len {
            let (to, from) = ((t * batch + b) * width, ((len - 1 - t) * batch + b) * width);
            out[to..to + width].copy_from_slice(&x[from..from + width]);
        }
    }
    out
}

/// Forward of one layer, both directions (the reverse one on a second
/// thread). `x` is (T, B, I) in time order; see [`lstm_forward`].
pub fn layer_forward<F: Float>(
    layer: &LstmLayer<F>,
    x: &[F],
    batch: usize,
    lengths: &[usize],
) -> LayerCache<F> {
    let (forward, reverse) = join(
        || lstm_forward(&layer.forward, x, batch, lengths, None),
        || {
            layer.reverse.as_ref().map(|p| {
                let x_rev = reverse_within_lengths(x, batch, p.input_size, lengths);
                lstm_forward(p, &x_rev, batch, lengths, None)
            })
        },
    );
    let output = interleave_directions(&forward, reverse.as_ref());
    LayerCache {
        forward,
        reverse,
        output,
    }
}

/// The layer output (T, B, D·H): each row is [h_fwd | h_rev] in time order,
/// zeros at padded steps; read straight from the caches' h.
fn interleave_directions<F: Float>(
    forward: &LstmCache<F>,
    reverse: Option<&LstmCache<F>>,
) -> Vec<F> {
    let Some(rev) = reverse else {
        return forward.output();
    };
    let (nb, nh, nt) = (forward.batch, forward.hidden_size, forward.steps);
    let mut out = vec![F::ZERO; nt * nb * 2 * nh];
    for (b, &len) in forward.lengths.iter().enumerate() {
        for t in 0..len {
            let row = &mut out[(t * nb + b) * 2 * nh..][..2 * nh];
            // h_t of step s sits at index s + 1 of the cached h.
            row[..nh].copy_from_slice(&forward.h[((t + 1) * nb + b) * nh..][..nh]);
            row[nh..].copy_from_slice(&rev.h[((len - t) * nb + b) * nh..][..nh]);
        }
    }
    out
}

/// Backward of one layer, the mirror of [`layer_forward`]: `dy` is
/// (T, B, D·H) ∂L/∂output in time order; weight gradients are added into
/// `grads`; returns ∂L/∂x, (T, B, I). See [`lstm_backward`] for `truncate`.
pub fn layer_backward<F: Float>(
    layer: &LstmLayer<F>,
    cache: &LayerCache<F>,
    dy: &[F],
    truncate: Option<usize>,
    grads: &mut LstmLayer<F>,
) -> Vec<F> {
    let (nb, nh, ni) = (
        cache.forward.batch,
        cache.forward.hidden_size,
        cache.forward.input_size,
    );
    let lengths = &cache.forward.lengths;
    let d = layer.num_directions();
    assert_eq!(
        dy.len(),
        cache.output.len(),
        "lstm layer backward: dy has {} values, expected {}",
        dy.len(),
        cache.output.len()
    );
    // ∂L/∂h_t of each direction, in its own step order.
    let (dy_f, dy_r) = split_directions(dy, nb, nh, d, lengths);
    let (g_fwd, g_rev) = (&mut grads.forward, grads.reverse.as_mut());
    let (mut dx, dx_r) = join(
        || lstm_backward(&layer.forward, &cache.forward, &dy_f, None, truncate, g_fwd).dx,
        || match (&layer.reverse, &cache.reverse, g_rev, &dy_r) {
            (Some(p), Some(c), Some(g), Some(dy_r)) => {
                Some(lstm_backward(p, c, dy_r, None, truncate, g).dx)
            }
            (None, None, None, None) => None,
            _ => panic!(
                "lstm layer backward: layer, cache and gradients disagree on bidirectionality"
            ),
        },
    );
    if let Some(dx_r) = dx_r {
        // Reverse-step order back to time order, added to the forward part.
        for (b, &len) in lengths.iter().enumerate() {
            for t in 0..len {
                let from = &dx_r[((len - 1 - t) * nb + b) * ni..][..ni];
                add_to(&mut dx[(t * nb + b) * ni..][..ni], from);
            }
        }
    }
    dx
}

/// Splits ∂L/∂output (T, B, D·H) into the forward direction's ∂L/∂h (T, B, H)
/// and, when D = 2, the reverse direction's in reverse-step order.
fn split_directions<F: Float>(
    dy: &[F],
    nb: usize,
    nh: usize,
    d: usize,
    lengths: &[usize],
) -> (Vec<F>, Option<Vec<F>>) {
    let dy_f = dy
        .chunks_exact(d * nh)
        .flat_map(|row| &row[..nh])
        .copied()
        .collect();
    if d == 1 {
        return (dy_f, None);
    }
    let nt = dy.len() / (nb * d * nh);
    let mut dy_r = vec![F::ZERO; nt * nb * nh];
    for (b, &len) in lengths.iter().enumerate() {
        for t in 0..len {
            let from = &dy[(t * nb + b) * d * nh + nh..][..nh];
            dy_r[((len - 1 - t) * nb + b) * nh..][..nh].copy_from_slice(from);
        }
    }
    (dy_f, Some(dy_r))
}

/// Runs two closures, the second on another thread of rayon's pool when one
/// is free (rayon's threads live on, so their buffers are reused).
fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    rayon::join(a, b)
}

/// A stack of LSTM layers, optionally bidirectional: layer 0 reads the input
/// (I), layer k > 0 reads layer k−1's output (D·H).
#[derive(Debug, Clone, PartialEq)]
pub struct Lstm<F: Float = f32> {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// layer 0 first
    pub layers: Vec<LstmLayer<F>>,
}

/// What [`Lstm::forward`] keeps: one [`LayerCache`] per layer.
#[derive(Debug, Clone)]
pub struct LstmStackCache<F: Float = f32> {
    /// layer 0 first
    pub layers: Vec<LayerCache<F>>,
}

impl<F: Float> LstmStackCache<F> {
    /// The top layer's output, (T, B, D·H), time order, zeros at padded steps.
    pub fn output(&self) -> &[F] {
        &self
            .layers
            .last()
            .expect("an lstm has at least one layer")
            .output
    }
}

impl<F: Float> Lstm<F> {
    /// A stack with all parameters zero (the shape of its gradients).
    pub fn zeros(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bidirectional: bool,
    ) -> Self {
        Self::build(
            input_size,
            hidden_size,
            num_layers,
            bidirectional,
            |i, h| LstmParams::zeros(i, h),
        )
    }

    /// A stack with PyTorch's initialisation (uniform ±1/√H), seeded.
    pub fn random(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bidirectional: bool,
        seed: u64,
    ) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Self::build(
            input_size,
            hidden_size,
            num_layers,
            bidirectional,
            |i, h| LstmParams::random(i, h, &mut rng),
        )
    }

    fn build(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bidirectional: bool,
        mut make: impl FnMut(usize, usize) -> LstmParams<F>,
    ) -> Self {
        assert!(num_layers > 0, "an lstm needs at least one layer");
        let d = 1 + usize::from(bidirectional);
        let layers = (0..num_layers)
            .map(|k| {
                let ni = if k == 0 { input_size } else { d * hidden_size };
                let forward = make(ni, hidden_size);
                let reverse = bidirectional.then(|| make(ni, hidden_size));
                LstmLayer { forward, reverse }
            })
            .collect();
        Self {
            input_size,
            hidden_size,
            layers,
        }
    }

    /// All-zero parameters of this stack's shape, for its gradients.
    pub fn zeros_like(&self) -> Self {
        Self::zeros(
            self.input_size,
            self.hidden_size,
            self.layers.len(),
            self.bidirectional(),
        )
    }

    /// Whether every layer has a reverse direction.
    pub fn bidirectional(&self) -> bool {
        self.layers[0].reverse.is_some()
    }

    /// D·H, the size of each output row.
    pub fn output_size(&self) -> usize {
        self.layers[0].num_directions() * self.hidden_size
    }

    /// Every layer-direction, layer 0 first, forward before reverse.
    pub fn params(&self) -> impl Iterator<Item = &LstmParams<F>> {
        self.layers.iter().flat_map(LstmLayer::directions)
    }

    /// Every layer-direction, mutable, in the order of [`Lstm::params`].
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut LstmParams<F>> {
        self.layers.iter_mut().flat_map(LstmLayer::directions_mut)
    }

    /// Every parameter tensor, in the order of [`Lstm::params`] and
    /// [`LstmParams::tensors`] (for optimizers and clipping).
    pub fn tensors(&self) -> Vec<&[F]> {
        self.params().flat_map(|p| p.tensors()).collect()
    }

    /// Every parameter tensor, mutable, in the order of [`Lstm::tensors`].
    pub fn tensors_mut(&mut self) -> Vec<&mut [F]> {
        self.params_mut()
            .flat_map(|p| p.tensors_mut().map(|t| t.as_mut_slice()))
            .collect()
    }

    /// Sets every value to zero.
    pub fn fill_zero(&mut self) {
        self.params_mut().for_each(LstmParams::fill_zero);
    }

    /// The same stack in another float type.
    pub fn cast<G: Float>(&self) -> Lstm<G> {
        Lstm {
            input_size: self.input_size,
            hidden_size: self.hidden_size,
            layers: self
                .layers
                .iter()
                .map(|l| LstmLayer {
                    forward: l.forward.cast(),
                    reverse: l.reverse.as_ref().map(LstmParams::cast),
                })
                .collect(),
        }
    }

    /// Forward over a padded batch from the zero state, keeping what backward
    /// needs. `x` is (T, B, I) time-major; `lengths` (B). The output is
    /// [`LstmStackCache::output`], (T, B, D·H).
    pub fn forward(&self, x: &[F], batch: usize, lengths: &[usize]) -> LstmStackCache<F> {
        let mut layers: Vec<LayerCache<F>> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let input = layers.last().map_or(x, |prev| &prev.output);
            let cache = layer_forward(layer, input, batch, lengths);
            layers.push(cache);
        }
        LstmStackCache { layers }
    }

    /// BPTT through the whole stack, top layer first. `dy` is (T, B, D·H)
    /// ∂L/∂output; gradients are added into `grads` (a stack of the same
    /// shape, e.g. from [`Lstm::zeros_like`]); returns ∂L/∂x, (T, B, I).
    pub fn backward(
        &self,
        cache: &LstmStackCache<F>,
        dy: &[F],
        truncate: Option<usize>,
        grads: &mut Lstm<F>,
    ) -> Vec<F> {
        assert_eq!(
            cache.layers.len(),
            self.layers.len(),
            "lstm backward: the cache is from another stack"
        );
        let mut d = dy.to_vec();
        for ((layer, layer_cache), g) in self
            .layers
            .iter()
            .zip(&cache.layers)
            .zip(&mut grads.layers)
            .rev()
        {
            d = layer_backward(layer, layer_cache, &d, truncate, g);
        }
        d
    }

    /// The zero state of every layer, for streaming with [`Lstm::step`].
    pub fn zero_state(&self) -> Vec<LstmState<F>> {
        vec![LstmState::zeros(self.hidden_size); self.layers.len()]
    }

    /// One streaming step of a unidirectional stack for a batch of one: feeds
    /// x_t (I) through every layer, updating `states` (one per layer) in
    /// place; the top layer's h_t is `states.last().h`. Allocation-free once
    /// `scratch` has grown.
    pub fn step(&self, x: &[F], states: &mut [LstmState<F>], scratch: &mut Vec<F>) {
        assert!(
            !self.bidirectional(),
            "lstm step: a bidirectional stack needs the whole sequence, use forward"
        );
        assert_eq!(
            states.len(),
            self.layers.len(),
            "lstm step: {} states for {} layers",
            states.len(),
            self.layers.len()
        );
        self.layers[0]
            .forward
            .step_with_scratch(x, &mut states[0], scratch, false);
        for k in 1..self.layers.len() {
            let (below, above) = states.split_at_mut(k);
            self.layers[k].forward.step_with_scratch(
                &below[k - 1].h,
                &mut above[0],
                scratch,
                false,
            );
        }
    }
}
