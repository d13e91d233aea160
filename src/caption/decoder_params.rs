//! The decoder's parameters: its sizes ([`DecoderConfig`]), every weight
//! with its shape (PyTorch's `(out, in)` Linear layout), their names in the
//! safetensors file, initialisation and the flat views the optimiser and the
//! checkpoint walk. The computation on them is in [`super::decoder`].

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::nn::lstm::LstmParams;
use crate::nn::ops::Float;

/// The decoder's sizes and regularisers, saved in `config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecoderConfig {
    /// V
    pub vocab: usize,
    /// L
    pub regions: usize,
    /// D
    pub features: usize,
    /// C
    pub context: usize,
    /// A
    pub attention: usize,
    /// E
    pub embed: usize,
    /// H
    pub hidden: usize,
    /// Dropout probability on o_t before the output layer (training only).
    pub dropout: f32,
    /// λ of the doubly stochastic attention penalty.
    pub attention_penalty: f32,
}

/// Every weight of the decoder, row-major, `(out, in)` like PyTorch's Linear.
#[derive(Debug, Clone, PartialEq)]
pub struct DecoderParams<F: Float = f32> {
    pub cfg: DecoderConfig,
    /// W_v (C, D)
    pub region_w: Vec<F>,
    /// b_v (C)
    pub region_b: Vec<F>,
    /// W_a (A, C)
    pub att_key_w: Vec<F>,
    /// b_a (A)
    pub att_key_b: Vec<F>,
    /// W_q (A, H)
    pub att_query_w: Vec<F>,
    /// w (A)
    pub att_score: Vec<F>,
    /// W_h0 (H, C)
    pub init_h_w: Vec<F>,
    /// b_h0 (H)
    pub init_h_b: Vec<F>,
    /// W_c0 (H, C)
    pub init_c_w: Vec<F>,
    /// b_c0 (H)
    pub init_c_b: Vec<F>,
    /// E (V, E)
    pub embed: Vec<F>,
    /// The LSTM, input E + C, hidden H.
    pub lstm: LstmParams<F>,
    /// L_h (E, H)
    pub out_h_w: Vec<F>,
    /// L_z (E, C)
    pub out_z_w: Vec<F>,
    /// b_o (E)
    pub out_b: Vec<F>,
    /// W_out (V, E)
    pub logit_w: Vec<F>,
    /// b_out (V)
    pub logit_b: Vec<F>,
}

/// Gradients mirror the parameters.
pub type DecoderGrads<F = f32> = DecoderParams<F>;

/// The tensor names in the safetensors file, in [`DecoderParams::tensors`] order.
pub const TENSOR_NAMES: [&str; 20] = [
    "region.weight",
    "region.bias",
    "att_key.weight",
    "att_key.bias",
    "att_query.weight",
    "att_score.weight",
    "init_h.weight",
    "init_h.bias",
    "init_c.weight",
    "init_c.bias",
    "embed.weight",
    "lstm.weight_ih_l0",
    "lstm.weight_hh_l0",
    "lstm.bias_ih_l0",
    "lstm.bias_hh_l0",
    "out_h.weight",
    "out_z.weight",
    "out.bias",
    "logit.weight",
    "logit.bias",
];

impl<F: Float> DecoderParams<F> {
    /// All-zero parameters of the configured sizes.
    pub fn zeros(cfg: &DecoderConfig) -> Self {
        let z = |n: usize| vec![F::ZERO; n];
        let (d, c, a, e, h, v) = (
            cfg.features,
            cfg.context,
            cfg.attention,
            cfg.embed,
            cfg.hidden,
            cfg.vocab,
        );
        Self {
            cfg: cfg.clone(),
            region_w: z(c * d),
            region_b: z(c),
            att_key_w: z(a * c),
            att_key_b: z(a),
            att_query_w: z(a * h),
            att_score: z(a),
            init_h_w: z(h * c),
            init_h_b: z(h),
            init_c_w: z(h * c),
            init_c_b: z(h),
            embed: z(v * e),
            lstm: LstmParams::zeros(e + c, h),
            out_h_w: z(e * h),
            out_z_w: z(e * c),
            out_b: z(e),
            logit_w: z(v * e),
            logit_b: z(v),
        }
    }

    /// Seeded initialisation: Linear weights uniform ±1/√fan_in, biases 0,
    /// embeddings ±0.1, the LSTM PyTorch's way with forget-gate bias 1.
    pub fn random(cfg: &DecoderConfig, rng: &mut impl Rng) -> Self {
        let mut p = Self::zeros(cfg);
        let mut fill = |w: &mut Vec<F>, bound: f64| {
            for v in w.iter_mut() {
                *v = F::from_f64(rng.random_range(-bound..bound));
            }
        };
        let inv = |n: usize| 1.0 / (n as f64).sqrt();
        fill(&mut p.region_w, inv(cfg.features));
        fill(&mut p.att_key_w, inv(cfg.context));
        fill(&mut p.att_query_w, inv(cfg.hidden));
        fill(&mut p.att_score, inv(cfg.attention));
        fill(&mut p.init_h_w, inv(cfg.context));
        fill(&mut p.init_c_w, inv(cfg.context));
        fill(&mut p.embed, 0.1);
        fill(&mut p.out_h_w, inv(cfg.hidden));
        fill(&mut p.out_z_w, inv(cfg.context));
        fill(&mut p.logit_w, inv(cfg.embed));
        let lstm = LstmParams::random(cfg.embed + cfg.context, cfg.hidden, rng);
        p.lstm = lstm;
        let h = cfg.hidden;
        for b in &mut p.lstm.bias_ih[h..2 * h] {
            *b = F::from_f64(1.0);
        }
        for b in &mut p.lstm.bias_hh[h..2 * h] {
            *b = F::ZERO;
        }
        p
    }

    /// The tensors in [`TENSOR_NAMES`] order.
    pub fn tensors(&self) -> Vec<&[F]> {
        let [wi, wh, bi, bh] = self.lstm.tensors();
        vec![
            &self.region_w,
            &self.region_b,
            &self.att_key_w,
            &self.att_key_b,
            &self.att_query_w,
            &self.att_score,
            &self.init_h_w,
            &self.init_h_b,
            &self.init_c_w,
            &self.init_c_b,
            &self.embed,
            wi,
            wh,
            bi,
            bh,
            &self.out_h_w,
            &self.out_z_w,
            &self.out_b,
            &self.logit_w,
            &self.logit_b,
        ]
    }

    /// The tensors, mutable, in [`TENSOR_NAMES`] order.
    pub fn tensors_mut(&mut self) -> Vec<&mut Vec<F>> {
        let [wi, wh, bi, bh] = self.lstm.tensors_mut();
        vec![
            &mut self.region_w,
            &mut self.region_b,
            &mut self.att_key_w,
            &mut self.att_key_b,
            &mut self.att_query_w,
            &mut self.att_score,
            &mut self.init_h_w,
            &mut self.init_h_b,
            &mut self.init_c_w,
            &mut self.init_c_b,
            &mut self.embed,
            wi,
            wh,
            bi,
            bh,
            &mut self.out_h_w,
            &mut self.out_z_w,
            &mut self.out_b,
            &mut self.logit_w,
            &mut self.logit_b,
        ]
    }

    /// The expected shape of each tensor, in [`TENSOR_NAMES`] order.
    pub fn shapes(cfg: &DecoderConfig) -> Vec<Vec<usize>> {
        let (d, c, a, e, h, v) = (
            cfg.features,
            cfg.context,
            cfg.attention,
            cfg.embed,
            cfg.hidden,
            cfg.vocab,
        );
        vec![
            vec![c, d],
            vec![c],
            vec![a, c],
            vec![a],
            vec![a, h],
            vec![a],
            vec![h, c],
            vec![h],
            vec![h, c],
            vec![h],
            vec![v, e],
            vec![4 * h, e + c],
            vec![4 * h, h],
            vec![4 * h],
            vec![4 * h],
            vec![e, h],
            vec![e, c],
            vec![e],
            vec![v, e],
            vec![v],
        ]
    }

    /// Sets every value to zero (gradients start here).
    pub fn fill_zero(&mut self) {
        for t in self.tensors_mut() {
            t.fill(F::ZERO);
        }
    }

    /// The same parameters in another float type.
    pub fn cast<G: Float>(&self) -> DecoderParams<G> {
        let mut out = DecoderParams::<G>::zeros(&self.cfg);
        for (dst, src) in out.tensors_mut().into_iter().zip(self.tensors()) {
            for (d, s) in dst.iter_mut().zip(src) {
                *d = G::from_f64(s.to_f64());
            }
        }
        out
    }

    /// Number of scalar parameters.
    pub fn num_params(&self) -> usize {
        self.tensors().iter().map(|t| t.len()).sum()
    }
}
