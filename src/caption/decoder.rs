//! The attention LSTM decoder, in the spirit of Show, Attend and Tell (Xu et
//! al., 2015, soft attention): forward, backward written by hand, one step
//! shared by training and beam search.
//!
//! Shapes legend: **P** photos, **L** regions (49), **D** encoder channels
//! (1280), **C** projected region size, **A** attention size, **E** word
//! embedding size, **H** LSTM hidden size, **V** vocabulary size, **R** rows
//! of one step (captions or beams), **T** steps.
//!
//! Per photo, once ([`DecoderParams::photo_context`]):
//!
//! ```text
//! v_i  = W_v·a_i + b_v                  (L, C)  region features a_i ∈ ℝᴰ projected
//! u_i  = W_a·v_i + b_a                  (L, A)  the regions' attention keys
//! h_0  = tanh(W_h0·mean_i v_i + b_h0)   C_0 = tanh(W_c0·mean_i v_i + b_c0)
//! ```
//!
//! Per generated word ([`DecoderParams::step`]), with y_{t-1} the previous word
//! (`<start>` first):
//!
//! ```text
//! k_ti = tanh(u_i + W_q·h_{t-1})         e_ti = w·k_ti        α_t = softmax_i(e_t)
//! z_t  = Σ_i α_ti v_i                    the context: where the decoder looks
//! x_t  = [E·y_{t-1}, z_t]                (h_t, C_t) = LSTM(x_t, h_{t-1}, C_{t-1})
//! o_t  = tanh(E·y_{t-1} + L_h·h_t + L_z·z_t + b_o)     deep output
//! p(y_t) = softmax(W_out·dropout(o_t) + b_out)
//! ```
//!
//! The LSTM cell is [`crate::nn::lstm`]'s (`activate_gates`, `cell_update`,
//! `cell_backward`): one LSTM in the project. The training loss is the mean
//! cross-entropy per word plus the doubly stochastic attention penalty
//! λ·mean_{b,i}(1 − Σ_t α_bti)², which asks every region to be looked at about
//! once over a caption.
//!
//! Training batches are sorted by caption length, longest first, so step t
//! runs on the first R_t rows only (those still speaking).

use rand::Rng;

use crate::nn::lstm::{GateTap, activate_gates, cell_backward, cell_update};
use crate::nn::ops::{Float, add_to};

use super::attention;
use super::linear::{add_bias, bias_grad, linear, linear_dw, linear_dx};
use super::vocab::START;

pub use super::decoder_params::{DecoderConfig, DecoderGrads, DecoderParams, TENSOR_NAMES};

/// One photo batch's per-photo values (see the module doc).
#[derive(Debug, Clone)]
pub struct PhotoContext<F: Float = f32> {
    /// P
    pub photos: usize,
    /// a (P, L, D), kept for the gradient of W_v (empty at inference)
    pub grid: Vec<F>,
    /// v (P, L, C)
    pub v: Vec<F>,
    /// u (P, L, A)
    pub keys: Vec<F>,
    /// mean_i v_i (P, C)
    pub mean: Vec<F>,
    /// h_0 (P, H)
    pub h0: Vec<F>,
    /// C_0 (P, H)
    pub c0: Vec<F>,
}

/// Everything one step computed for R rows; backward reads it, beam search
/// takes α and the gates from it.
#[derive(Debug, Clone)]
pub struct StepCache<F: Float = f32> {
    /// R
    pub rows: usize,
    /// (R) photo of each row
    pub photo: Vec<usize>,
    /// (R) word fed at this step
    pub input: Vec<usize>,
    /// (R, H) h_{t-1}, C_{t-1}
    pub h_prev: Vec<F>,
    pub c_prev: Vec<F>,
    /// (R, L, A) k_ti
    pub k: Vec<F>,
    /// (R, L) α_t
    pub alpha: Vec<F>,
    /// (R, E + C) x_t = [E·y_{t-1}, z_t]
    pub x: Vec<F>,
    /// (R, 4H) activated gates i, f, g, o
    pub gates: Vec<F>,
    /// (R, H) C_t, tanh C_t, h_t
    pub c: Vec<F>,
    pub tanh_c: Vec<F>,
    pub h: Vec<F>,
    /// (R, E) o_t
    pub o: Vec<F>,
    /// (R, E) dropout multipliers (0 or 1/(1−p)); empty without dropout
    pub mask: Vec<F>,
    /// (R, V) the output scores before the softmax
    pub logits: Vec<F>,
}

impl<F: Float> StepCache<F> {
    /// The gate values of row r (for the inspector).
    pub fn tap(&self, r: usize) -> GateTap<F> {
        let nh = self.c.len() / self.rows;
        let g = &self.gates[r * 4 * nh..(r + 1) * 4 * nh];
        GateTap {
            i: g[..nh].to_vec(),
            f: g[nh..2 * nh].to_vec(),
            o: g[3 * nh..].to_vec(),
            c: self.c[r * nh..(r + 1) * nh].to_vec(),
        }
    }

    /// Row r's log-probabilities over the vocabulary (V).
    pub fn log_probs(&self, r: usize) -> Vec<F> {
        self.log_probs_at(r, 1.0)
    }

    /// Row r's log-probabilities at temperature τ: log softmax(logits / τ).
    pub fn log_probs_at(&self, r: usize, temperature: f64) -> Vec<F> {
        let nv = self.logits.len() / self.rows;
        let inv_t = F::from_f64(1.0 / temperature);
        // One vector, scaled and then shifted in place: this runs for every
        // word of every caption in training, forward and backward.
        let mut row = self.logits[r * nv..(r + 1) * nv].to_vec();
        if temperature != 1.0 {
            row.iter_mut().for_each(|z| *z *= inv_t);
        }
        let max = row
            .iter()
            .copied()
            .fold(row[0], |a, b| if b > a { b } else { a });
        let sum: F = row.iter().map(|&z| (z - max).exp()).sum();
        let lse = max + F::from_f64(sum.to_f64().ln());
        row.iter_mut().for_each(|z| *z -= lse);
        row
    }
}

/// One training caption: its photo (index into the batch's grids) and its
/// word ids, ending with `<end>`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainCaption {
    pub photo: usize,
    pub words: Vec<usize>,
}

/// What [`DecoderParams::forward_train`] keeps for backward.
#[derive(Debug, Clone)]
pub struct TrainCache<F: Float = f32> {
    pub ctx: PhotoContext<F>,
    /// The captions, longest first.
    pub captions: Vec<TrainCaption>,
    pub steps: Vec<StepCache<F>>,
    /// (B, L) Σ_t α_bti over each caption's steps
    pub alpha_sum: Vec<F>,
    /// (B) each caption's weight, in `captions` order (1 for plain
    /// cross-entropy; the advantage r − b for self-critical training)
    pub weights: Vec<f64>,
    /// τ of the word distribution softmax(logits / τ).
    pub temperature: f64,
    /// Words predicted (the cross-entropy's denominator).
    pub tokens: usize,
    /// Σ_b weight_b · Σ_t −log p(w_bt) ÷ tokens: the mean cross-entropy
    /// per word when every weight is 1.
    pub ce: f64,
    /// λ·mean(1 − Σ_t α)².
    pub penalty: f64,
}

/// The z_t half of each row of x (R, E + C) = [E·y_{t-1}, z_t], as (R, C).
fn context_part<F: Float>(x: &[F], ni: usize, ne: usize) -> Vec<F> {
    x.chunks_exact(ni)
        .flat_map(|row| row[ne..].iter().copied())
        .collect()
}

/// n dropout multipliers: 1/(1−p) kept, 0 dropped, so the expectation is unchanged.
fn dropout_mask<F: Float>(n: usize, p: f32, rng: &mut dyn rand::RngCore) -> Vec<F> {
    let keep = 1.0 - p as f64;
    let scale = F::from_f64(1.0 / keep);
    (0..n)
        .map(|_| {
            if rng.random::<f64>() < keep {
                scale
            } else {
                F::ZERO
            }
        })
        .collect()
}

/// o ⊙ mask, the dropped deep output.
fn masked<F: Float>(o: &[F], mask: &[F]) -> Vec<F> {
    o.iter().zip(mask).map(|(&a, &m)| a * m).collect()
}

impl<F: Float> DecoderParams<F> {
    /// The per-photo values for P photos; `grid` is (P, L, D). `keep_grid`
    /// keeps a copy of the grid for training.
    pub fn photo_context(&self, grid: &[F], keep_grid: bool) -> PhotoContext<F> {
        let cfg = &self.cfg;
        let (nl, nd, nc, na, nh) = (
            cfg.regions,
            cfg.features,
            cfg.context,
            cfg.attention,
            cfg.hidden,
        );
        let np = grid.len() / (nl * nd);
        assert_eq!(grid.len(), np * nl * nd, "decoder: grid is not (P, L, D)");
        let mut v = vec![F::ZERO; np * nl * nc];
        linear(&mut v, grid, &self.region_w, np * nl, nd, false);
        add_bias(&mut v, &self.region_b);
        let mut keys = vec![F::ZERO; np * nl * na];
        linear(&mut keys, &v, &self.att_key_w, np * nl, nc, false);
        add_bias(&mut keys, &self.att_key_b);
        let mut mean = vec![F::ZERO; np * nc];
        let inv_l = F::from_f64(1.0 / nl as f64);
        for p in 0..np {
            let m = &mut mean[p * nc..(p + 1) * nc];
            for row in v[p * nl * nc..(p + 1) * nl * nc].chunks_exact(nc) {
                add_to(m, row);
            }
            for x in m.iter_mut() {
                *x *= inv_l;
            }
        }
        let mut h0 = vec![F::ZERO; np * nh];
        linear(&mut h0, &mean, &self.init_h_w, np, nc, false);
        add_bias(&mut h0, &self.init_h_b);
        F::tanh_in_place(&mut h0);
        let mut c0 = vec![F::ZERO; np * nh];
        linear(&mut c0, &mean, &self.init_c_w, np, nc, false);
        add_bias(&mut c0, &self.init_c_b);
        F::tanh_in_place(&mut c0);
        PhotoContext {
            photos: np,
            grid: if keep_grid { grid.to_vec() } else { Vec::new() },
            v,
            keys,
            mean,
            h0,
            c0,
        }
    }

    /// One decoder step for R rows: row r looks at photo `photo[r]` of `ctx`,
    /// was fed word `input[r]`, and starts from (`h_prev`, `c_prev`), (R, H)
    /// each. With `dropout` (training) o_t is dropped with the configured
    /// probability, masks drawn from the given generator.
    pub fn step(
        &self,
        ctx: &PhotoContext<F>,
        photo: &[usize],
        input: &[usize],
        h_prev: &[F],
        c_prev: &[F],
        dropout: Option<&mut dyn rand::RngCore>,
    ) -> StepCache<F> {
        let cfg = &self.cfg;
        let (nl, nc, na, ne, nh, nv) = (
            cfg.regions,
            cfg.context,
            cfg.attention,
            cfg.embed,
            cfg.hidden,
            cfg.vocab,
        );
        let nr = input.len();
        let ni = ne + nc;
        // q = h_{t-1}·W_qᵀ, then the attention gives α and z.
        let mut q = vec![F::ZERO; nr * na];
        linear(&mut q, h_prev, &self.att_query_w, nr, nh, false);
        let mut k = vec![F::ZERO; nr * nl * na];
        let mut alpha = vec![F::ZERO; nr * nl];
        let mut x = vec![F::ZERO; nr * ni];
        for r in 0..nr {
            let p = photo[r];
            // x_t = [E·y_{t-1}, z_t]
            let xr = &mut x[r * ni..(r + 1) * ni];
            xr[..ne].copy_from_slice(&self.embed[input[r] * ne..(input[r] + 1) * ne]);
            attention::attend(
                &ctx.keys[p * nl * na..(p + 1) * nl * na],
                &ctx.v[p * nl * nc..(p + 1) * nl * nc],
                &q[r * na..(r + 1) * na],
                &self.att_score,
                &mut k[r * nl * na..(r + 1) * nl * na],
                &mut alpha[r * nl..(r + 1) * nl],
                &mut xr[ne..],
            );
        }
        // The LSTM: z = x·W_ihᵀ + h·W_hhᵀ + b, then the shared cell.
        let mut gates = vec![F::ZERO; nr * 4 * nh];
        for row in gates.chunks_exact_mut(4 * nh) {
            for ((g, &bi), &bh) in row
                .iter_mut()
                .zip(&self.lstm.bias_ih)
                .zip(&self.lstm.bias_hh)
            {
                *g = bi + bh;
            }
        }
        linear(&mut gates, &x, &self.lstm.weight_ih, nr, ni, true);
        linear(&mut gates, h_prev, &self.lstm.weight_hh, nr, nh, true);
        let mut c = vec![F::ZERO; nr * nh];
        let mut tanh_c = vec![F::ZERO; nr * nh];
        let mut h = vec![F::ZERO; nr * nh];
        for r in 0..nr {
            let g = &mut gates[r * 4 * nh..(r + 1) * 4 * nh];
            activate_gates(g);
            let rows = r * nh..(r + 1) * nh;
            cell_update(
                g,
                &c_prev[rows.clone()],
                &mut c[rows.clone()],
                &mut tanh_c[rows.clone()],
                &mut h[rows],
            );
        }
        // Deep output o_t = tanh(E·y + L_h·h + L_z·z + b_o).
        let mut o = vec![F::ZERO; nr * ne];
        for r in 0..nr {
            let or = &mut o[r * ne..(r + 1) * ne];
            or.copy_from_slice(&x[r * ni..r * ni + ne]);
            add_to(or, &self.out_b);
        }
        linear(&mut o, &h, &self.out_h_w, nr, nh, true);
        let z_view = context_part(&x, ni, ne);
        linear(&mut o, &z_view, &self.out_z_w, nr, nc, true);
        F::tanh_in_place(&mut o);
        let mask = match dropout {
            Some(rng) if cfg.dropout > 0.0 => dropout_mask(nr * ne, cfg.dropout, rng),
            _ => Vec::new(),
        };
        let dropped;
        let out_in: &[F] = if mask.is_empty() {
            &o
        } else {
            dropped = masked(&o, &mask);
            &dropped
        };
        let mut logits = vec![F::ZERO; nr * nv];
        for row in logits.chunks_exact_mut(nv) {
            row.copy_from_slice(&self.logit_b);
        }
        linear(&mut logits, out_in, &self.logit_w, nr, ne, true);
        StepCache {
            rows: nr,
            photo: photo.to_vec(),
            input: input.to_vec(),
            h_prev: h_prev.to_vec(),
            c_prev: c_prev.to_vec(),
            k,
            alpha,
            x,
            gates,
            c,
            tanh_c,
            h,
            o,
            mask,
            logits,
        }
    }

    /// Teacher-forced forward over a batch: `grid` (P, L, D) holds the
    /// batch's photos; each caption names its photo. Captions are sorted
    /// longest first inside. `rng` draws the dropout masks (None: no dropout).
    pub fn forward_train(
        &self,
        grid: &[F],
        captions: &[TrainCaption],
        rng: Option<&mut dyn rand::RngCore>,
    ) -> TrainCache<F> {
        self.forward_train_weighted(grid, captions, &vec![1.0; captions.len()], 1.0, rng)
    }

    /// [`Self::forward_train`] with caption b's cross-entropy terms weighted
    /// by `weights[b]`. Self-critical training is exactly this: the
    /// REINFORCE gradient −(r − b)·∇Σ_t log p(w_t) of a sampled caption is
    /// the teacher-forced cross-entropy gradient on its words, scaled by its
    /// advantage, so [`Self::backward`] serves both stages. The attention
    /// penalty is not weighted. The word probabilities are those of the
    /// policy at `temperature` τ, softmax(logits / τ) (1: the model's own).
    pub fn forward_train_weighted(
        &self,
        grid: &[F],
        captions: &[TrainCaption],
        weights: &[f64],
        temperature: f64,
        mut rng: Option<&mut dyn rand::RngCore>,
    ) -> TrainCache<F> {
        assert_eq!(
            weights.len(),
            captions.len(),
            "decoder: one weight per caption"
        );
        let cfg = &self.cfg;
        let (nl, nh, nv) = (cfg.regions, cfg.hidden, cfg.vocab);
        let ctx = self.photo_context(grid, true);
        // Longest first (a stable sort, so ties keep their order).
        let mut order: Vec<usize> = (0..captions.len()).collect();
        order.sort_by_key(|&b| std::cmp::Reverse(captions[b].words.len()));
        let caps: Vec<TrainCaption> = order.iter().map(|&b| captions[b].clone()).collect();
        let weights: Vec<f64> = order.iter().map(|&b| weights[b]).collect();
        let nb = caps.len();
        let nt = caps.first().map_or(0, |c| c.words.len());
        let photo: Vec<usize> = caps.iter().map(|c| c.photo).collect();
        let mut h: Vec<F> = photo
            .iter()
            .flat_map(|&p| ctx.h0[p * nh..(p + 1) * nh].iter().copied())
            .collect();
        let mut c: Vec<F> = photo
            .iter()
            .flat_map(|&p| ctx.c0[p * nh..(p + 1) * nh].iter().copied())
            .collect();
        let mut steps = Vec::with_capacity(nt);
        let mut alpha_sum = vec![F::ZERO; nb * nl];
        let (mut ce, mut tokens) = (0.0f64, 0usize);
        for t in 0..nt {
            let nr = caps.iter().take_while(|c| c.words.len() > t).count();
            let input: Vec<usize> = caps[..nr]
                .iter()
                .map(|c| if t == 0 { START } else { c.words[t - 1] })
                .collect();
            let s = self.step(
                &ctx,
                &photo[..nr],
                &input,
                &h[..nr * nh],
                &c[..nr * nh],
                match rng.as_mut() {
                    Some(g) => Some(&mut **g),
                    None => None,
                },
            );
            for r in 0..nr {
                add_to(
                    &mut alpha_sum[r * nl..(r + 1) * nl],
                    &s.alpha[r * nl..(r + 1) * nl],
                );
                let lp = s.log_probs_at(r, temperature);
                ce -= weights[r] * lp[caps[r].words[t]].to_f64();
                tokens += 1;
            }
            debug_assert_eq!(s.logits.len(), nr * nv);
            h[..nr * nh].copy_from_slice(&s.h);
            c[..nr * nh].copy_from_slice(&s.c);
            steps.push(s);
        }
        let penalty = cfg.attention_penalty as f64
            * alpha_sum
                .iter()
                .map(|&s| (1.0 - s.to_f64()).powi(2))
                .sum::<f64>()
            / (nb * nl).max(1) as f64;
        TrainCache {
            ctx,
            captions: caps,
            steps,
            alpha_sum,
            weights,
            temperature,
            tokens,
            ce: ce / tokens.max(1) as f64,
            penalty,
        }
    }

    /// The loss [`DecoderParams::forward_train`] computed: mean cross-entropy
    /// plus the attention penalty.
    pub fn loss(cache: &TrainCache<F>) -> f64 {
        cache.ce + cache.penalty
    }

    /// Backward of [`DecoderParams::forward_train`]'s loss: *adds* every
    /// parameter's gradient into `grads`.
    pub fn backward(&self, cache: &TrainCache<F>, grads: &mut DecoderGrads<F>) {
        let cfg = &self.cfg;
        let (nl, nd, nc, na, ne, nh, nv) = (
            cfg.regions,
            cfg.features,
            cfg.context,
            cfg.attention,
            cfg.embed,
            cfg.hidden,
            cfg.vocab,
        );
        let ni = ne + nc;
        let nb = cache.captions.len();
        let ctx = &cache.ctx;
        let np = ctx.photos;
        let inv_tok = F::from_f64(1.0 / cache.tokens.max(1) as f64);
        // ∂penalty/∂α_bti = −2λ(1 − Σ_t α_bti)/(B·L), the same at every step.
        let pen_scale = -2.0 * cfg.attention_penalty as f64 / (nb * nl).max(1) as f64;
        let dalpha_pen: Vec<F> = cache
            .alpha_sum
            .iter()
            .map(|&s| F::from_f64(pen_scale * (1.0 - s.to_f64())))
            .collect();
        let mut dh = vec![F::ZERO; nb * nh];
        let mut dc = vec![F::ZERO; nb * nh];
        let mut dv = vec![F::ZERO; np * nl * nc];
        let mut dkeys = vec![F::ZERO; np * nl * na];

        for (t, s) in cache.steps.iter().enumerate().rev() {
            let nr = s.rows;
            // Cross-entropy: ∂/∂logits = weight·(softmax(logits/τ) − onehot)/(τ·tokens).
            let mut dlogits = vec![F::ZERO; nr * nv];
            for r in 0..nr {
                let lp = s.log_probs_at(r, cache.temperature);
                let scale = inv_tok * F::from_f64(cache.weights[r] / cache.temperature);
                let row = &mut dlogits[r * nv..(r + 1) * nv];
                for (d, &l) in row.iter_mut().zip(&lp) {
                    *d = l.exp() * scale;
                }
                row[cache.captions[r].words[t]] -= scale;
            }
            let dropped = if s.mask.is_empty() {
                s.o.clone()
            } else {
                masked(&s.o, &s.mask)
            };
            linear_dw(&mut grads.logit_w, &dlogits, &dropped, nr, ne);
            bias_grad(&mut grads.logit_b, &dlogits);
            let mut dpre = vec![F::ZERO; nr * ne];
            linear_dx(&mut dpre, &dlogits, &self.logit_w, nr, ne, false);
            for (j, d) in dpre.iter_mut().enumerate() {
                let m = if s.mask.is_empty() { F::ONE } else { s.mask[j] };
                let o = s.o[j];
                *d = *d * m * (F::ONE - o * o);
            }
            // Deep output: o = tanh(E·y + L_h·h + L_z·z + b_o).
            let z_view = context_part(&s.x, ni, ne);
            linear_dw(&mut grads.out_h_w, &dpre, &s.h, nr, nh);
            linear_dw(&mut grads.out_z_w, &dpre, &z_view, nr, nc);
            bias_grad(&mut grads.out_b, &dpre);
            linear_dx(&mut dh[..nr * nh], &dpre, &self.out_h_w, nr, nh, true);
            let mut dx = vec![F::ZERO; nr * ni];
            // dx = [dE from the deep output, dz from L_z], plus the LSTM's below.
            for r in 0..nr {
                dx[r * ni..r * ni + ne].copy_from_slice(&dpre[r * ne..(r + 1) * ne]);
            }
            let mut dz_out = vec![F::ZERO; nr * nc];
            linear_dx(&mut dz_out, &dpre, &self.out_z_w, nr, nc, false);
            for r in 0..nr {
                add_to(
                    &mut dx[r * ni + ne..(r + 1) * ni],
                    &dz_out[r * nc..(r + 1) * nc],
                );
            }
            // The LSTM cell, then its weights.
            let mut dgates = vec![F::ZERO; nr * 4 * nh];
            let mut dc_prev = vec![F::ZERO; nr * nh];
            for r in 0..nr {
                let rows = r * nh..(r + 1) * nh;
                cell_backward(
                    &s.gates[r * 4 * nh..(r + 1) * 4 * nh],
                    &s.c_prev[rows.clone()],
                    &s.tanh_c[rows.clone()],
                    &dh[rows.clone()],
                    &dc[rows.clone()],
                    &mut dgates[r * 4 * nh..(r + 1) * 4 * nh],
                    &mut dc_prev[rows],
                );
            }
            linear_dw(&mut grads.lstm.weight_ih, &dgates, &s.x, nr, ni);
            linear_dw(&mut grads.lstm.weight_hh, &dgates, &s.h_prev, nr, nh);
            bias_grad(&mut grads.lstm.bias_ih, &dgates);
            bias_grad(&mut grads.lstm.bias_hh, &dgates);
            linear_dx(&mut dx, &dgates, &self.lstm.weight_ih, nr, ni, true);
            let mut dh_prev = vec![F::ZERO; nr * nh];
            linear_dx(&mut dh_prev, &dgates, &self.lstm.weight_hh, nr, nh, false);
            // The word embedding of the input.
            for r in 0..nr {
                let w = s.input[r];
                add_to(
                    &mut grads.embed[w * ne..(w + 1) * ne],
                    &dx[r * ni..r * ni + ne],
                );
            }
            // Attention, then its query q = W_q·h_{t-1}.
            let mut dq = vec![F::ZERO; nr * na];
            for r in 0..nr {
                let p = s.photo[r];
                attention::attend_backward(
                    &dx[r * ni + ne..(r + 1) * ni],
                    &dalpha_pen[r * nl..(r + 1) * nl],
                    &s.alpha[r * nl..(r + 1) * nl],
                    &s.k[r * nl * na..(r + 1) * nl * na],
                    &ctx.v[p * nl * nc..(p + 1) * nl * nc],
                    &self.att_score,
                    &mut dv[p * nl * nc..(p + 1) * nl * nc],
                    &mut dkeys[p * nl * na..(p + 1) * nl * na],
                    &mut grads.att_score,
                    &mut dq[r * na..(r + 1) * na],
                );
            }
            linear_dw(&mut grads.att_query_w, &dq, &s.h_prev, nr, nh);
            linear_dx(&mut dh_prev, &dq, &self.att_query_w, nr, nh, true);
            dh[..nr * nh].copy_from_slice(&dh_prev);
            dc[..nr * nh].copy_from_slice(&dc_prev);
        }
        // h_0 = tanh(W_h0·mean + b), C_0 likewise, per caption from its photo.
        let mut dmean = vec![F::ZERO; np * nc];
        for (which, d_state) in [(0, &dh), (1, &dc)] {
            let (w, state0) = if which == 0 {
                (&self.init_h_w, &ctx.h0)
            } else {
                (&self.init_c_w, &ctx.c0)
            };
            let mut dpre = vec![F::ZERO; np * nh];
            for (b, cap) in cache.captions.iter().enumerate() {
                let p = cap.photo;
                for j in 0..nh {
                    let s0 = state0[p * nh + j];
                    dpre[p * nh + j] += d_state[b * nh + j] * (F::ONE - s0 * s0);
                }
            }
            let (gw, gb) = if which == 0 {
                (&mut grads.init_h_w, &mut grads.init_h_b)
            } else {
                (&mut grads.init_c_w, &mut grads.init_c_b)
            };
            linear_dw(gw, &dpre, &ctx.mean, np, nc);
            bias_grad(gb, &dpre);
            linear_dx(&mut dmean, &dpre, w, np, nc, true);
        }
        let inv_l = F::from_f64(1.0 / nl as f64);
        for p in 0..np {
            for i in 0..nl {
                let dvi = &mut dv[(p * nl + i) * nc..(p * nl + i + 1) * nc];
                for (d, &m) in dvi.iter_mut().zip(&dmean[p * nc..(p + 1) * nc]) {
                    *d += m * inv_l;
                }
            }
        }
        // Keys u = W_a·v + b_a, then v = W_v·a + b_v.
        linear_dw(&mut grads.att_key_w, &dkeys, &ctx.v, np * nl, nc);
        bias_grad(&mut grads.att_key_b, &dkeys);
        linear_dx(&mut dv, &dkeys, &self.att_key_w, np * nl, nc, true);
        linear_dw(&mut grads.region_w, &dv, &ctx.grid, np * nl, nd);
        bias_grad(&mut grads.region_b, &dv);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    pub(crate) fn tiny_config() -> DecoderConfig {
        DecoderConfig {
            vocab: 7,
            regions: 3,
            features: 5,
            context: 4,
            attention: 3,
            embed: 4,
            hidden: 5,
            dropout: 0.3,
            attention_penalty: 1.0,
        }
    }

    fn loss(p: &DecoderParams<f64>, grid: &[f64], caps: &[TrainCaption]) -> (f64, TrainCache<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let cache = p.forward_train(grid, caps, Some(&mut rng));
        (DecoderParams::loss(&cache), cache)
    }

    /// Every parameter's gradient against central differences in f64
    /// (dropout on, with the same masks each run; the penalty on).
    #[test]
    fn backward_matches_finite_differences() {
        let cfg = tiny_config();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut p = DecoderParams::<f64>::random(&cfg, &mut rng);
        // Larger attention weights so the softmax is far from uniform.
        for v in &mut p.att_score {
            *v *= 3.0;
        }
        let grid: Vec<f64> = (0..2 * 3 * 5).map(|i| ((i as f64) * 0.7).sin()).collect();
        let caps = vec![
            TrainCaption {
                photo: 1,
                words: vec![3, 4, 1],
            },
            TrainCaption {
                photo: 0,
                words: vec![5, 6, 3, 2, 1],
            },
            TrainCaption {
                photo: 1,
                words: vec![1],
            },
        ];
        let (_, cache) = loss(&p, &grid, &caps);
        let mut g = DecoderParams::<f64>::zeros(&cfg);
        p.backward(&cache, &mut g);
        let eps = 1e-6;
        let mut worst = 0.0f64;
        for (k, name) in TENSOR_NAMES.iter().enumerate() {
            let n = p.tensors()[k].len();
            for j in 0..n {
                let orig = p.tensors()[k][j];
                p.tensors_mut()[k][j] = orig + eps;
                let (lp, _) = loss(&p, &grid, &caps);
                p.tensors_mut()[k][j] = orig - eps;
                let (lm, _) = loss(&p, &grid, &caps);
                p.tensors_mut()[k][j] = orig;
                let fd = (lp - lm) / (2.0 * eps);
                let an = g.tensors()[k][j];
                let err = (fd - an).abs() / (1e-6 + fd.abs().max(an.abs()));
                worst = worst.max((fd - an).abs());
                assert!(
                    err < 1e-5 || (fd - an).abs() < 1e-9,
                    "{name}[{j}]: analytic {an:e}, finite difference {fd:e}"
                );
            }
        }
        println!("decoder gradients: max abs diff {worst:e}");
    }
}
