//! `rnn-studio bench lstm`: the fused LSTM against composed candle, measured
//! side by side in one run.
//!
//! Cases (each reported as one JSON object, times are medians in ms):
//!
//! - `train_step_b64_t150_bi3x128`: one training step — batch 64, 150 time
//!   steps, input 3, a 3-layer bidirectional LSTM-128, a linear head on the
//!   last step's output, cross-entropy over 10 classes, backward, then the
//!   update. *Fused*: the LSTM as one candle custom op per layer
//!   ([`crate::nn::lstm::candle_op::LstmVars`]) + candle head and loss, global-norm
//!   clipping and our Adam. *Candle*: `candle_nn::rnn::lstm` + `seq` per
//!   layer and direction (the reverse one by flipping time), the same head and
//!   loss, candle autograd and candle's AdamW.
//! - `stream_step_3x128`: one streaming step (batch 1, one point) through a
//!   3-layer unidirectional LSTM-128 on one thread: [`crate::nn::lstm::Lstm::step`]
//!   against `candle_nn`'s `step` per layer.

use anyhow::Context;
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::rnn::{Direction, LSTMConfig, RNN};
use candle_nn::{Module, Optimizer};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::{Case, round, time_runs};
use crate::nn::lstm::Lstm;
use crate::nn::lstm::candle_op::LstmVars;
use crate::nn::optim::{Adam, clip_grad_store};

/// How much to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchOptions {
    /// timed runs of each fused case (after one warm-up run)
    pub runs: usize,
    /// timed runs of the slow composed-candle training step
    pub baseline_runs: usize,
    /// skip the composed-candle baselines
    pub skip_baseline: bool,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            runs: 7,
            baseline_runs: 3,
            skip_baseline: false,
        }
    }
}

const BATCH: usize = 64;
const STEPS: usize = 150;
const INPUT: usize = 3;
const HIDDEN: usize = 128;
const LAYERS: usize = 3;
const CLASSES: usize = 10;

/// Runs every LSTM case; one JSON object per case.
pub fn bench_lstm(opts: &BenchOptions) -> anyhow::Result<Vec<Case>> {
    Ok(vec![bench_train_step(opts)?, bench_stream_step(opts)?])
}

/// One warm-up run, then `runs`; the median in ms.
fn median_of_runs(runs: usize, f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    Ok(time_runs(1, runs, f)?.median_ms())
}

/// A fixed random batch: x (B, T, I) and labels (B).
fn train_batch(rng: &mut impl Rng) -> anyhow::Result<(Tensor, Tensor)> {
    let x: Vec<f32> = (0..BATCH * STEPS * INPUT)
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    let y: Vec<u32> = (0..BATCH)
        .map(|_| rng.random_range(0..CLASSES as u32))
        .collect();
    let x = Tensor::from_vec(x, (BATCH, STEPS, INPUT), &Device::Cpu)?;
    let y = Tensor::from_vec(y, BATCH, &Device::Cpu)?;
    Ok((x, y))
}

fn bench_train_step(opts: &BenchOptions) -> anyhow::Result<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let (x, y) = train_batch(&mut rng)?;
    let lstm = Lstm::<f32>::random(INPUT, HIDDEN, LAYERS, true, 0);
    let fused_ms =
        time_fused_train_step(&lstm, &x, &y, opts.runs).context("fused training step")?;
    let mut case = json!({"case": "train_step_b64_t150_bi3x128", "fused_ms": round(fused_ms, 2)});
    if !opts.skip_baseline {
        let candle_ms = time_candle_train_step(&lstm, &x, &y, opts.baseline_runs)
            .context("candle training step")?;
        case["candle_ms"] = json!(round(candle_ms, 2));
        case["speedup"] = json!(round(candle_ms / fused_ms, 2));
        case["candle_runs"] = json!(opts.baseline_runs);
    }
    case["runs"] = json!(opts.runs);
    Ok(case)
}

/// The head every variant shares: logits = W·h_last + b, W (10, 2H).
fn head_vars(rng: &mut impl Rng) -> anyhow::Result<(Var, Var)> {
    let bound = 1.0 / ((2 * HIDDEN) as f32).sqrt();
    let w: Vec<f32> = (0..CLASSES * 2 * HIDDEN)
        .map(|_| rng.random_range(-bound..bound))
        .collect();
    let w = Var::from_tensor(&Tensor::from_vec(w, (CLASSES, 2 * HIDDEN), &Device::Cpu)?)?;
    let b = Var::from_tensor(&Tensor::zeros(CLASSES, DType::F32, &Device::Cpu)?)?;
    Ok((w, b))
}

/// Cross-entropy of the head on the last step's output (B, T, 2H).
fn head_loss(out: &Tensor, w: &Var, b: &Var, y: &Tensor) -> candle_core::Result<Tensor> {
    let last = out.narrow(1, STEPS - 1, 1)?.squeeze(1)?;
    let logits = candle_nn::Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()))
        .forward(&last)?;
    candle_nn::loss::cross_entropy(&logits, y)
}

fn time_fused_train_step(lstm: &Lstm, x: &Tensor, y: &Tensor, runs: usize) -> anyhow::Result<f64> {
    let vars = LstmVars::from_lstm(lstm)?;
    let (w, b) = head_vars(&mut ChaCha8Rng::seed_from_u64(1))?;
    let mut all_vars = vars.layers.clone();
    all_vars.extend([w.clone(), b.clone()]);
    let mut adam = Adam::new(1e-3);
    let lengths = vec![STEPS; BATCH];
    median_of_runs(runs, || {
        let out = vars.forward(x, &lengths, None)?;
        let loss = head_loss(&out, &w, &b, y)?;
        let mut grads = loss.backward()?;
        clip_grad_store(&mut grads, &all_vars, 1.0)?;
        adam.step_vars(&all_vars, &grads)?;
        Ok(())
    })
}

fn time_candle_train_step(lstm: &Lstm, x: &Tensor, y: &Tensor, runs: usize) -> anyhow::Result<f64> {
    let dev = Device::Cpu;
    let varmap = candle_nn::VarMap::new();
    {
        let mut data = varmap
            .data()
            .lock()
            .map_err(|_| anyhow::anyhow!("varmap lock poisoned"))?;
        for (name, t) in crate::nn::safetensors::lstm_to_tensors(lstm, "")? {
            data.insert(name, Var::from_tensor(&t)?);
        }
    }
    let vb = candle_nn::VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let mut layers = Vec::new();
    for k in 0..LAYERS {
        let in_dim = if k == 0 { INPUT } else { 2 * HIDDEN };
        let make = |direction| {
            let cfg = LSTMConfig {
                layer_idx: k,
                direction,
                ..Default::default()
            };
            candle_nn::rnn::lstm(in_dim, HIDDEN, cfg, vb.clone())
        };
        layers.push((make(Direction::Forward)?, make(Direction::Backward)?));
    }
    let (w, b) = head_vars(&mut ChaCha8Rng::seed_from_u64(1))?;
    let mut vars = varmap.all_vars();
    vars.extend([w.clone(), b.clone()]);
    let mut opt = candle_nn::AdamW::new(
        vars,
        candle_nn::ParamsAdamW {
            lr: 1e-3,
            ..Default::default()
        },
    )?;
    median_of_runs(runs, || {
        let mut h = x.clone();
        for (fwd, rev) in &layers {
            let y_f = fwd.states_to_tensor(&fwd.seq(&h)?)?;
            let y_r = rev
                .states_to_tensor(&rev.seq(&h.flip(&[1])?)?)?
                .flip(&[1])?;
            h = Tensor::cat(&[&y_f, &y_r], 2)?;
        }
        let loss = head_loss(&h, &w, &b, y)?;
        opt.backward_step(&loss)?;
        Ok(())
    })
}

/// Points fed per timed run of the streaming case.
const STREAM_POINTS: usize = 2000;

fn bench_stream_step(opts: &BenchOptions) -> anyhow::Result<Case> {
    let lstm = Lstm::<f32>::random(INPUT, HIDDEN, LAYERS, false, 2);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let points: Vec<f32> = (0..STREAM_POINTS * INPUT)
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    let mut states = lstm.zero_state();
    let mut scratch = Vec::new();
    let fused_ms = median_of_runs(opts.runs, || {
        for x in points.chunks_exact(INPUT) {
            lstm.step(x, &mut states, &mut scratch);
        }
        Ok(())
    })? / STREAM_POINTS as f64;
    let mut case = json!({"case": "stream_step_3x128", "fused_ms": round(fused_ms, 4)});
    if !opts.skip_baseline {
        let candle_ms = time_candle_stream_step(&lstm, &points)?;
        case["candle_ms"] = json!(round(candle_ms, 4));
        case["speedup"] = json!(round(candle_ms / fused_ms, 2));
    }
    case["runs"] = json!(opts.runs);
    Ok(case)
}

/// candle_nn's `step` per layer, batch 1, per point (fewer points: it is slow).
fn time_candle_stream_step(lstm: &Lstm, points: &[f32]) -> anyhow::Result<f64> {
    let dev = Device::Cpu;
    let vb = candle_nn::VarBuilder::from_tensors(
        crate::nn::safetensors::lstm_to_tensors(lstm, "")?,
        DType::F32,
        &dev,
    );
    let layers = (0..LAYERS)
        .map(|k| {
            let in_dim = if k == 0 { INPUT } else { HIDDEN };
            let cfg = LSTMConfig {
                layer_idx: k,
                ..Default::default()
            };
            candle_nn::rnn::lstm(in_dim, HIDDEN, cfg, vb.clone())
        })
        .collect::<candle_core::Result<Vec<_>>>()?;
    let n = 200;
    let xs = (0..n)
        .map(|k| Tensor::from_slice(&points[k * INPUT..(k + 1) * INPUT], (1, INPUT), &dev))
        .collect::<candle_core::Result<Vec<_>>>()?;
    let mut states = layers
        .iter()
        .map(|l| l.zero_state(1))
        .collect::<candle_core::Result<Vec<_>>>()?;
    let ms = median_of_runs(5, || {
        for x in &xs {
            let mut input = x.clone();
            for (layer, state) in layers.iter().zip(states.iter_mut()) {
                *state = layer.step(&input, state)?;
                input = state.h.clone();
            }
        }
        Ok(())
    })?;
    Ok(ms / n as f64)
}
