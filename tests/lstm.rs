//! Checks of the one LSTM against independent references: a step worked by
//! hand, the plain reference step, `candle_nn::LSTM` (forward and autograd),
//! and central finite differences in f64 through the very same kernels.
//!
//! Every comparison prints its max abs (and where useful relative) error and
//! asserts a stated tolerance.

use std::collections::HashMap;

use candle_core::{D, DType, Device, IndexOp, Tensor, Var};
use candle_nn::rnn::{Direction, LSTMConfig, RNN};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rnn_studio::nn::lstm::candle_op::LstmVars;
use rnn_studio::nn::lstm::{
    Lstm, LstmParams, LstmState, lstm_backward, lstm_forward, reverse_within_lengths,
};
use rnn_studio::nn::ops::Float;
use rnn_studio::nn::safetensors::{
    from_tensorflow_ijfo, load_lstm, lstm_from_tensors, lstm_tensor_names, lstm_to_tensors,
    save_lstm,
};

mod common;
use common::{compare_grads, finite_differences, max_abs_diff};

fn random_vec<F: Float>(n: usize, scale: f64, rng: &mut impl Rng) -> Vec<F> {
    (0..n)
        .map(|_| F::from_f64(rng.random_range(-scale..scale)))
        .collect()
}

/// A 1×1 LSTM step worked by hand. x = 1, h₀ = 0, C₀ = 0.5;
/// W_ih = (i 0.5, f −0.5, g 1.0, o 0.25), b_ih = (0, 1, 0, 0), W_hh, b_hh = 0:
///
/// ```text
/// i_t = σ(0.5)  = 0.622459      f_t = σ(−0.5 + 1) = 0.622459
/// C̃_t = tanh(1) = 0.761594      o_t = σ(0.25)     = 0.562177
/// C_t = 0.622459·0.5 + 0.622459·0.761594 = 0.785291
/// h_t = 0.562177·tanh(0.785291) = 0.562177·0.655733 = 0.368638
/// ```
#[test]
fn one_step_worked_by_hand() {
    let mut p = LstmParams::<f32>::zeros(1, 1);
    p.weight_ih = vec![0.5, -0.5, 1.0, 0.25];
    p.weight_hh = vec![0.3, 0.3, 0.3, 0.3]; // multiplies h₀ = 0
    p.bias_ih = vec![0.0, 1.0, 0.0, 0.0];
    for step in [LstmParams::step, LstmParams::step_reference] {
        let mut state = LstmState {
            h: vec![0.0],
            c: vec![0.5],
        };
        let tap = step(&p, &[1.0], &mut state, true).expect("tap requested");
        let close = |a: f32, b: f32| (a - b).abs() < 1e-5;
        assert!(
            close(tap.i[0], 0.622459) && close(tap.f[0], 0.622459),
            "{tap:?}"
        );
        assert!(close(tap.o[0], 0.562177), "{tap:?}");
        assert!(
            close(state.c[0], 0.785291) && close(tap.c[0], 0.785291),
            "{state:?}"
        );
        assert!(close(state.h[0], 0.368638), "{state:?}");
    }
}

#[test]
fn fast_step_equals_reference_step() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for (ni, nh) in [(3, 128), (17, 5), (128, 128), (1, 1)] {
        let p = LstmParams::<f32>::random(ni, nh, &mut rng);
        let (mut fast, mut slow) = (LstmState::zeros(nh), LstmState::zeros(nh));
        let mut worst = 0.0f64;
        for _ in 0..20 {
            let x: Vec<f32> = random_vec(ni, 2.0, &mut rng);
            let tf = p.step(&x, &mut fast, true).unwrap();
            let ts = p.step_reference(&x, &mut slow, true).unwrap();
            for (a, b) in [
                (&fast.h, &slow.h),
                (&fast.c, &slow.c),
                (&tf.f, &ts.f),
                (&tf.i, &ts.i),
                (&tf.o, &ts.o),
                (&tf.c, &ts.c),
            ] {
                worst = worst.max(max_abs_diff(a, b));
            }
        }
        println!("step I={ni} H={nh}: fast vs reference, 20 steps, max abs diff {worst:.2e}");
        assert!(worst < 2e-6, "I={ni} H={nh}: max abs diff {worst}");
    }
}

/// The batch step (sketch-rnn's multi-predict grid) gives every sequence
/// bit for bit what stepping it alone gives, also when the batch shrinks as
/// sequences end; and it stays close to the plain reference loop.
#[test]
fn batch_step_equals_stepping_each_alone() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for (ni, nh, nb) in [(5, 64, 6), (3, 17, 12), (1, 1, 1)] {
        let p = LstmParams::<f32>::random(ni, nh, &mut rng);
        let mut alone: Vec<LstmState<f32>> = (0..nb).map(|_| LstmState::zeros(nh)).collect();
        let mut batched = alone.clone();
        let mut reference = alone.clone();
        let mut scratch = Vec::new();
        let mut worst = 0.0f64;
        for t in 0..10 {
            // From step 5 on, the batch is only its even members.
            let live: Vec<usize> = (0..nb).filter(|b| t < 5 || b % 2 == 0).collect();
            let xs: Vec<f32> = random_vec(live.len() * ni, 2.0, &mut rng);
            for (k, &b) in live.iter().enumerate() {
                let x = &xs[k * ni..(k + 1) * ni];
                p.step(x, &mut alone[b], false);
                p.step_reference(x, &mut reference[b], false);
            }
            let mut states: Vec<&mut LstmState<f32>> = batched
                .iter_mut()
                .enumerate()
                .filter(|(b, _)| live.contains(b))
                .map(|(_, s)| s)
                .collect();
            p.step_batch(&xs, &mut states, &mut scratch);
        }
        for b in 0..nb {
            assert_eq!(batched[b], alone[b], "I={ni} H={nh} B={nb}: sequence {b}");
            worst = worst
                .max(max_abs_diff(&batched[b].h, &reference[b].h))
                .max(max_abs_diff(&batched[b].c, &reference[b].c));
        }
        println!(
            "batch step I={ni} H={nh} B={nb}: equal to alone; vs reference max abs diff {worst:.2e}"
        );
        assert!(worst < 2e-6, "vs reference: {worst}");
    }
}

#[test]
fn sequence_forward_equals_looping_the_reference_step_with_padding_and_taps() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (ni, nh, nb, nt) = (5, 7, 4, 9);
    let lengths = [9, 4, 0, 7];
    let p = LstmParams::<f32>::random(ni, nh, &mut rng);
    let x: Vec<f32> = random_vec(nt * nb * ni, 1.5, &mut rng);
    let h0: Vec<f32> = random_vec(nb * nh, 0.5, &mut rng);
    let c0: Vec<f32> = random_vec(nb * nh, 0.5, &mut rng);
    let cache = lstm_forward(&p, &x, nb, &lengths, Some((&h0, &c0)));
    let y = cache.output();
    let mut worst = 0.0f64;
    for b in 0..nb {
        let mut state = LstmState {
            h: h0[b * nh..(b + 1) * nh].to_vec(),
            c: c0[b * nh..(b + 1) * nh].to_vec(),
        };
        let taps = cache.taps(b);
        assert_eq!(taps.len(), lengths[b]);
        for t in 0..nt {
            let row = (t * nb + b) * nh..(t * nb + b + 1) * nh;
            if t >= lengths[b] {
                assert!(
                    y[row].iter().all(|&v| v == 0.0),
                    "padded output must be zero"
                );
                continue;
            }
            let tap = p
                .step_reference(&x[(t * nb + b) * ni..][..ni], &mut state, true)
                .unwrap();
            worst = worst.max(max_abs_diff(&y[row], &state.h));
            for (a, b) in [
                (&taps[t].f, &tap.f),
                (&taps[t].i, &tap.i),
                (&taps[t].o, &tap.o),
                (&taps[t].c, &tap.c),
            ] {
                worst = worst.max(max_abs_diff(a, b));
            }
        }
        // The final state is the state after the last valid step.
        let (hn, cn) = cache.final_state();
        worst = worst.max(max_abs_diff(&hn[b * nh..(b + 1) * nh], &state.h));
        worst = worst.max(max_abs_diff(&cn[b * nh..(b + 1) * nh], &state.c));
    }
    println!(
        "sequence forward vs looped reference step (outputs, taps, final state): max abs diff {worst:.2e}"
    );
    assert!(worst < 2e-6, "max abs diff {worst}");
}

#[test]
fn stack_streaming_step_equals_stack_forward() {
    let lstm = Lstm::<f32>::random(3, 32, 3, false, 3);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let nt = 25;
    let x: Vec<f32> = random_vec(nt * 3, 1.0, &mut rng);
    let cache = lstm.forward(&x, 1, &[nt]);
    let mut states = lstm.zero_state();
    let mut scratch = Vec::new();
    let mut worst = 0.0f64;
    for t in 0..nt {
        lstm.step(&x[t * 3..(t + 1) * 3], &mut states, &mut scratch);
        worst = worst.max(max_abs_diff(
            &states[2].h,
            &cache.output()[t * 32..(t + 1) * 32],
        ));
    }
    println!("3-layer stack: streaming step vs sequence forward, max abs diff {worst:.2e}");
    assert!(worst < 2e-6, "max abs diff {worst}");
}

/// Runs a stack the `candle_nn` way, one sequence at a time at its own length
/// (candle_nn has no padding): `seq` per layer, the reverse direction by
/// flipping time. Returns (len, D·H) per element.
fn candle_reference(lstm: &Lstm, x: &[f32], nb: usize, lengths: &[usize]) -> Vec<Tensor> {
    let dev = Device::Cpu;
    let vb =
        candle_nn::VarBuilder::from_tensors(lstm_to_tensors(lstm, "").unwrap(), DType::F32, &dev);
    let ni = lstm.input_size;
    let mut outs = Vec::new();
    for (b, &len) in lengths.iter().enumerate() {
        let rows: Vec<f32> = (0..len)
            .flat_map(|t| x[(t * nb + b) * ni..][..ni].to_vec())
            .collect();
        let mut h = Tensor::from_vec(rows, (1, len, ni), &dev).unwrap();
        for (k, layer) in lstm.layers.iter().enumerate() {
            let in_dim = layer.forward.input_size;
            let run = |direction| {
                let cfg = LSTMConfig {
                    layer_idx: k,
                    direction,
                    ..Default::default()
                };
                candle_nn::rnn::lstm(in_dim, lstm.hidden_size, cfg, vb.clone()).unwrap()
            };
            let fwd = run(Direction::Forward);
            let y_f = fwd.states_to_tensor(&fwd.seq(&h).unwrap()).unwrap();
            h = if layer.reverse.is_some() {
                let rev = run(Direction::Backward);
                let flipped = h.flip(&[1]).unwrap();
                let y_r = rev
                    .states_to_tensor(&rev.seq(&flipped).unwrap())
                    .unwrap()
                    .flip(&[1])
                    .unwrap();
                Tensor::cat(&[&y_f, &y_r], D::Minus1).unwrap()
            } else {
                y_f
            };
        }
        outs.push(h.i(0).unwrap());
    }
    outs
}

#[test]
fn forward_matches_candle_nn_lstm_uni_and_bidirectional_with_padding() {
    for bidirectional in [false, true] {
        let (ni, nh, nb, nt) = (3, 16, 4, 12);
        let lengths = [12, 5, 9, 1];
        let lstm = Lstm::<f32>::random(ni, nh, 3, bidirectional, 4);
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let x: Vec<f32> = random_vec(nt * nb * ni, 2.0, &mut rng);
        let ours = lstm.forward(&x, nb, &lengths);
        let y = ours.output();
        let dh = lstm.output_size();
        let theirs = candle_reference(&lstm, &x, nb, &lengths);
        let mut worst = 0.0f64;
        for (b, want) in theirs.iter().enumerate() {
            let want: Vec<Vec<f32>> = want.to_vec2().unwrap();
            for t in 0..nt {
                let row = &y[(t * nb + b) * dh..][..dh];
                if t < lengths[b] {
                    worst = worst.max(max_abs_diff(row, &want[t]));
                } else {
                    assert!(row.iter().all(|&v| v == 0.0), "padded output must be zero");
                }
            }
        }
        println!(
            "3-layer LSTM-16 (bidirectional: {bidirectional}), padded batch vs candle_nn per sequence: max abs diff {worst:.2e}"
        );
        assert!(worst < 1e-5, "max abs diff {worst}");
    }
}

#[test]
fn one_direction_gradients_match_finite_differences_f64() {
    // Loss L = Σ r·y + Σ r_h·h_n + Σ r_c·C_n, over a padded batch with a
    // non-zero initial state, for full BPTT and for 2-step truncation's
    // stream machinery at k ≥ T.
    let (ni, nh, nb, nt) = (3, 4, 3, 6);
    let lengths = [6, 2, 4];
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let p = LstmParams::<f64>::random(ni, nh, &mut rng);
    let x: Vec<f64> = random_vec(nt * nb * ni, 1.0, &mut rng);
    let h0: Vec<f64> = random_vec(nb * nh, 0.5, &mut rng);
    let c0: Vec<f64> = random_vec(nb * nh, 0.5, &mut rng);
    let r: Vec<f64> = random_vec(nt * nb * nh, 1.0, &mut rng);
    let rh: Vec<f64> = random_vec(nb * nh, 1.0, &mut rng);
    let rc: Vec<f64> = random_vec(nb * nh, 1.0, &mut rng);
    let loss = |p: &LstmParams<f64>, x: &[f64], h0: &[f64], c0: &[f64]| -> f64 {
        let cache = lstm_forward(p, x, nb, &lengths, Some((h0, c0)));
        let (hn, cn) = cache.final_state();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(u, v)| u * v).sum::<f64>();
        dot(&cache.output(), &r) + dot(hn, &rh) + dot(cn, &rc)
    };
    let cache = lstm_forward(&p, &x, nb, &lengths, Some((&h0, &c0)));
    let mut grads = LstmParams::zeros(ni, nh);
    let ig = lstm_backward(&p, &cache, &r, Some((&rh, &rc)), None, &mut grads);
    println!(
        "one direction, I={ni} H={nh} B={nb} T={nt}, lengths {lengths:?}, f64 4th-order central differences:"
    );
    let mut x_mut = x.clone();
    compare_grads(
        "x",
        &ig.dx,
        &finite_differences(&mut x_mut, |x| loss(&p, x, &h0, &c0)),
    );
    let mut h_mut = h0.clone();
    compare_grads(
        "h0",
        &ig.dh0,
        &finite_differences(&mut h_mut, |h| loss(&p, &x, h, &c0)),
    );
    let mut c_mut = c0.clone();
    compare_grads(
        "c0",
        &ig.dc0,
        &finite_differences(&mut c_mut, |c| loss(&p, &x, &h0, c)),
    );
    for (k, name) in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
        .iter()
        .enumerate()
    {
        let mut q = p.clone();
        let mut values = q.tensors()[k].to_vec();
        let numeric = finite_differences(&mut values, |v| {
            q.tensors_mut()[k].copy_from_slice(v);
            loss(&q, &x, &h0, &c0)
        });
        compare_grads(name, grads.tensors()[k], &numeric);
    }

    // Truncation with k ≥ T runs the k-stream code and must give the same.
    let mut g_trunc = LstmParams::zeros(ni, nh);
    let it = lstm_backward(&p, &cache, &r, Some((&rh, &rc)), Some(nt), &mut g_trunc);
    let mut worst = max_abs_diff(&it.dx, &ig.dx)
        .max(max_abs_diff(&it.dh0, &ig.dh0))
        .max(max_abs_diff(&it.dc0, &ig.dc0));
    for (a, b) in g_trunc.tensors().iter().zip(grads.tensors()) {
        worst = worst.max(max_abs_diff(a, b));
    }
    println!("  truncate k = T vs full BPTT: max abs diff {worst:.2e}");
    assert!(
        worst < 1e-12,
        "truncation k = T differs from full BPTT by {worst}"
    );
}

#[test]
fn stack_gradients_match_finite_differences_f64_bidirectional_padded() {
    let (ni, nh, nb, nt) = (3, 4, 3, 5);
    let lengths = [5, 3, 1];
    let lstm = Lstm::<f32>::random(ni, nh, 2, true, 6).cast::<f64>();
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let x: Vec<f64> = random_vec(nt * nb * ni, 1.0, &mut rng);
    let r: Vec<f64> = random_vec(nt * nb * 2 * nh, 1.0, &mut rng);
    let loss = |lstm: &Lstm<f64>, x: &[f64]| -> f64 {
        lstm.forward(x, nb, &lengths)
            .output()
            .iter()
            .zip(&r)
            .map(|(a, b)| a * b)
            .sum()
    };
    let cache = lstm.forward(&x, nb, &lengths);
    let mut grads = lstm.zeros_like();
    let dx = lstm.backward(&cache, &r, None, &mut grads);
    println!(
        "2-layer bidirectional stack, I={ni} H={nh} B={nb} T={nt}, lengths {lengths:?}, f64 central differences:"
    );
    let mut x_mut = x.clone();
    let mut worst = compare_grads(
        "x",
        &dx,
        &finite_differences(&mut x_mut, |x| loss(&lstm, x)),
    );
    let analytic: Vec<Vec<f64>> = grads.tensors().iter().map(|t| t.to_vec()).collect();
    let names: Vec<String> = (0..2)
        .flat_map(|k| [false, true].map(|rev| lstm_tensor_names("", k, rev)))
        .flatten()
        .collect();
    for (ti, name) in names.iter().enumerate() {
        let mut q = lstm.clone();
        let mut values = q.tensors()[ti].to_vec();
        let numeric = finite_differences(&mut values, |v| {
            q.tensors_mut()[ti].copy_from_slice(v);
            loss(&q, &x)
        });
        worst = worst.max(compare_grads(name, &analytic[ti], &numeric));
    }
    println!("  worst relative error over all tensors: {worst:.2e}");
}

#[test]
fn truncated_bptt_is_full_bptt_on_a_k_step_window_per_loss() {
    // Independent definition of k-step truncation: the gradient of the loss
    // at step t is full BPTT through steps t−k+1 … t alone, started from the
    // (constant) state the forward reached at step t−k. Summing those windows
    // over all loss-bearing steps must equal the truncated backward.
    let (ni, nh, nb, nt, k) = (2, 3, 1, 9, 3);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let p = LstmParams::<f64>::random(ni, nh, &mut rng);
    let x: Vec<f64> = random_vec(nt * ni, 1.0, &mut rng);
    let dy: Vec<f64> = random_vec(nt * nh, 1.0, &mut rng);
    let cache = lstm_forward(&p, &x, nb, &[nt], None);
    let mut g_trunc = LstmParams::zeros(ni, nh);
    let trunc = lstm_backward(&p, &cache, &dy, None, Some(k), &mut g_trunc);

    let mut g_want = LstmParams::zeros(ni, nh);
    let mut dx_want = vec![0.0; nt * ni];
    for t in 0..nt {
        let start = (t + 1).saturating_sub(k);
        let h_start = &cache.h[start * nh..(start + 1) * nh];
        let c_start = &cache.c[start * nh..(start + 1) * nh];
        let window = lstm_forward(
            &p,
            &x[start * ni..(t + 1) * ni],
            1,
            &[t + 1 - start],
            Some((h_start, c_start)),
        );
        let mut dy_w = vec![0.0; (t + 1 - start) * nh];
        dy_w[(t - start) * nh..].copy_from_slice(&dy[t * nh..(t + 1) * nh]);
        let ig = lstm_backward(&p, &window, &dy_w, None, None, &mut g_want);
        for (d, s) in dx_want[start * ni..(t + 1) * ni].iter_mut().zip(&ig.dx) {
            *d += s;
        }
    }
    let mut worst = max_abs_diff(&trunc.dx, &dx_want);
    for (a, b) in g_trunc.tensors().iter().zip(g_want.tensors()) {
        worst = worst.max(max_abs_diff(a, b));
    }
    println!(
        "truncated BPTT k={k}, T={nt}: vs sum of per-loss {k}-step windows, max abs diff {worst:.2e}"
    );
    assert!(worst < 1e-12, "max abs diff {worst}");

    // And it really is different from full BPTT.
    let mut g_full = LstmParams::zeros(ni, nh);
    let full = lstm_backward(&p, &cache, &dy, None, None, &mut g_full);
    let gap = max_abs_diff(&full.dx, &trunc.dx);
    println!("  full vs truncated ∂L/∂x differ by up to {gap:.2e}");
    assert!(gap > 1e-4, "truncation changed nothing");
}

#[test]
fn truncated_bptt_sends_nothing_further_than_k_steps_back() {
    // Loss only at the last step: with k-step truncation, inputs more than
    // k − 1 steps before it get exactly zero gradient; the k nearest do not.
    let (ni, nh, nt) = (2, 5, 12);
    let lstm = Lstm::<f32>::random(ni, nh, 2, true, 8).cast::<f64>();
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let x: Vec<f64> = random_vec(nt * ni, 1.0, &mut rng);
    let cache = lstm.forward(&x, 1, &[nt]);
    let mut dy = vec![0.0; nt * 2 * nh];
    // Only the forward half of the last step's output bears loss, so the
    // reverse direction (which reads the last step first) sees it at step 0.
    dy[(nt - 1) * 2 * nh..(nt - 1) * 2 * nh + nh].fill(1.0);
    for k in [1usize, 3, 5] {
        let mut grads = lstm.zeros_like();
        let dx = lstm.backward(&cache, &dy, Some(k), &mut grads);
        // Two stacked layers: each truncates to k steps, so reach is 2k − 1.
        let reach = 2 * k - 1;
        for t in 0..nt {
            let g = dx[t * ni..(t + 1) * ni]
                .iter()
                .map(|v: &f64| v.abs())
                .fold(0.0, f64::max);
            if t + reach < nt {
                assert_eq!(g, 0.0, "k={k}: input at t={t} got gradient {g}");
            } else {
                assert!(g > 0.0, "k={k}: input at t={t} got no gradient");
            }
        }
        println!(
            "k={k}: ∂L/∂x_t is exactly 0 for t < {} and non-zero after",
            nt - reach
        );
    }
}

#[test]
fn candle_op_gradients_match_candle_autograd_of_candle_nn_lstm() {
    // Same weights, same loss Σ r·y: the fused op's backward vs candle's own
    // autograd through candle_nn::LSTM (reverse direction by flipping time).
    let (ni, nh, nb, nt) = (3, 8, 2, 7);
    let lstm = Lstm::<f32>::random(ni, nh, 2, true, 9);
    let dev = Device::Cpu;
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let x_bt: Vec<f32> = random_vec(nb * nt * ni, 1.0, &mut rng);
    let r = Tensor::from_vec(
        random_vec::<f32>(nb * nt * 2 * nh, 1.0, &mut rng),
        (nb, nt, 2 * nh),
        &dev,
    )
    .unwrap();

    // Fused.
    let vars = LstmVars::from_lstm(&lstm).unwrap();
    let x_var =
        Var::from_tensor(&Tensor::from_vec(x_bt.clone(), (nb, nt, ni), &dev).unwrap()).unwrap();
    let y = vars.forward(x_var.as_tensor(), &[nt; 2], None).unwrap();
    let grads = (&y * &r).unwrap().sum_all().unwrap().backward().unwrap();
    let fused_dx: Vec<f32> = grads
        .get(x_var.as_tensor())
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();

    // candle_nn + autograd, weights as Vars.
    let named: HashMap<String, Var> = lstm_to_tensors(&lstm, "")
        .unwrap()
        .into_iter()
        .map(|(k, t)| (k, Var::from_tensor(&t).unwrap()))
        .collect();
    let vb = candle_nn::VarBuilder::from_tensors(
        named
            .iter()
            .map(|(k, v)| (k.clone(), v.as_tensor().clone()))
            .collect(),
        DType::F32,
        &dev,
    );
    let x_ref = Var::from_tensor(&Tensor::from_vec(x_bt, (nb, nt, ni), &dev).unwrap()).unwrap();
    let mut h = x_ref.as_tensor().clone();
    for k in 0..2 {
        let in_dim = if k == 0 { ni } else { 2 * nh };
        let make = |direction| {
            let cfg = LSTMConfig {
                layer_idx: k,
                direction,
                ..Default::default()
            };
            candle_nn::rnn::lstm(in_dim, nh, cfg, vb.clone()).unwrap()
        };
        let (fwd, rev) = (make(Direction::Forward), make(Direction::Backward));
        let y_f = fwd.states_to_tensor(&fwd.seq(&h).unwrap()).unwrap();
        let y_r = rev
            .states_to_tensor(&rev.seq(&h.flip(&[1]).unwrap()).unwrap())
            .unwrap()
            .flip(&[1])
            .unwrap();
        h = Tensor::cat(&[&y_f, &y_r], D::Minus1).unwrap();
    }
    let ref_grads = (&h * &r).unwrap().sum_all().unwrap().backward().unwrap();
    let ref_dx: Vec<f32> = ref_grads
        .get(x_ref.as_tensor())
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let y_diff = max_abs_diff(
        &y.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
        &h.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
    );
    let dx_diff = max_abs_diff(&fused_dx, &ref_dx);
    println!(
        "fused op vs candle_nn + autograd (2-layer bi LSTM-{nh}): output {y_diff:.2e}, ∂x {dx_diff:.2e}"
    );
    assert!(y_diff < 1e-5 && dx_diff < 1e-5);

    // Weight gradients, unpacked from each layer's flat gradient.
    let mut worst = 0.0f64;
    for k in 0..2 {
        let flat: Vec<f32> = grads
            .get(vars.layers[k].as_tensor())
            .unwrap()
            .to_vec1()
            .unwrap();
        let layer = rnn_studio::nn::lstm::candle_op::unpack_layer(&flat, vars.layer_shape(k));
        for (rev, p) in [
            (false, &layer.forward),
            (true, layer.reverse.as_ref().unwrap()),
        ] {
            for (name, ours) in lstm_tensor_names("", k, rev).iter().zip(p.tensors()) {
                let theirs: Vec<f32> = ref_grads
                    .get(named[name].as_tensor())
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1()
                    .unwrap();
                let d = max_abs_diff(ours, &theirs);
                worst = worst.max(d);
            }
        }
    }
    println!("  all 16 weight/bias gradients: max abs diff {worst:.2e}");
    assert!(worst < 1e-4, "max abs diff {worst}");
}

#[test]
fn safetensors_round_trip_and_clear_errors() {
    let lstm = Lstm::<f32>::random(3, 6, 2, true, 10);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lstm.safetensors");
    save_lstm(&path, &lstm, "rnn.").unwrap();
    assert_eq!(load_lstm(&path, "rnn.").unwrap(), lstm);

    let tensors = candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
    let mut names: Vec<&String> = tensors.keys().collect();
    names.sort();
    assert_eq!(names[0], "rnn.bias_hh_l0");
    assert!(tensors.contains_key("rnn.weight_hh_l1_reverse"));
    assert_eq!(tensors["rnn.weight_ih_l1"].dims(), &[24, 12]);

    let err = load_lstm(&path, "other.").unwrap_err().to_string();
    assert!(
        err.contains("lstm.safetensors") && err.contains("other.weight_ih_l0"),
        "{err}"
    );
    let mut broken = tensors.clone();
    broken.insert(
        "rnn.bias_ih_l1_reverse".into(),
        Tensor::zeros(7, DType::F32, &Device::Cpu).unwrap(),
    );
    let err = lstm_from_tensors(&broken, "rnn.", &path)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("rnn.bias_ih_l1_reverse") && err.contains("[7]"),
        "{err}"
    );
    std::fs::write(dir.path().join("junk.safetensors"), b"not a tensor file").unwrap();
    let err = load_lstm(dir.path().join("junk.safetensors"), "")
        .unwrap_err()
        .to_string();
    assert!(err.contains("junk.safetensors"), "{err}");
}

#[test]
fn tensorflow_ijfo_cell_converts_to_the_same_step() {
    // TensorFlow: z = [x, h]·W + b, gates i, j, f, o, C = C·σ(f + fb) + σ(i)·tanh(j).
    let (ni, nh, fb) = (3, 4, 1.0f32);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let kernel: Vec<f32> = random_vec((ni + nh) * 4 * nh, 0.5, &mut rng);
    let bias: Vec<f32> = random_vec(4 * nh, 0.5, &mut rng);
    let x: Vec<f32> = random_vec(ni, 1.0, &mut rng);
    let h: Vec<f32> = random_vec(nh, 1.0, &mut rng);
    let c: Vec<f32> = random_vec(nh, 1.0, &mut rng);
    let xh: Vec<f32> = x.iter().chain(&h).copied().collect();
    let z: Vec<f32> = (0..4 * nh)
        .map(|col| {
            bias[col]
                + xh.iter()
                    .enumerate()
                    .map(|(r, v)| v * kernel[r * 4 * nh + col])
                    .sum::<f32>()
        })
        .collect();
    let s = |v: f32| 1.0 / (1.0 + (-v).exp());
    let want_c: Vec<f32> = (0..nh)
        .map(|k| c[k] * s(z[2 * nh + k] + fb) + s(z[k]) * z[nh + k].tanh())
        .collect();
    let want_h: Vec<f32> = (0..nh)
        .map(|k| s(z[3 * nh + k]) * want_c[k].tanh())
        .collect();

    let p = from_tensorflow_ijfo(&kernel, &bias, ni, nh, fb);
    let mut state = LstmState { h, c };
    p.step(&x, &mut state, false);
    let d = max_abs_diff(&state.h, &want_h).max(max_abs_diff(&state.c, &want_c));
    println!("tensorflow i,j,f,o cell vs converted step: max abs diff {d:.2e}");
    assert!(d < 1e-6);
}

#[test]
fn reverse_within_lengths_is_its_own_inverse() {
    let x: Vec<f32> = (0..4 * 2).map(|v| v as f32).collect(); // (T=4, B=2, W=1)
    let r = reverse_within_lengths(&x, 2, 1, &[4, 2]);
    assert_eq!(r, vec![6.0, 3.0, 4.0, 1.0, 2.0, 5.0, 0.0, 7.0]);
    assert_eq!(reverse_within_lengths(&r, 2, 1, &[4, 2]), x);
}

#[test]
fn clipping_a_candle_grad_store_gives_exactly_tau_and_reports_the_norm() {
    use rnn_studio::nn::optim::{Adam, clip_grad_store, global_norm};
    let dev = Device::Cpu;
    let a = Var::from_tensor(&Tensor::new(&[3.0f32, 0.0], &dev).unwrap()).unwrap();
    let b = Var::from_tensor(&Tensor::new(&[4.0f32, 12.0], &dev).unwrap()).unwrap();
    // L = ½‖a‖² + ½‖b‖², so ∂L/∂a = a, ∂L/∂b = b and ‖g‖ = 13.
    let loss = || {
        let l = (a.as_tensor().sqr().unwrap().sum_all().unwrap()
            + b.as_tensor().sqr().unwrap().sum_all().unwrap())
        .unwrap();
        l.affine(0.5, 0.0).unwrap()
    };
    let vars = [a.clone(), b.clone()];
    let mut grads = loss().backward().unwrap();
    let norm = clip_grad_store(&mut grads, &vars, 6.5).unwrap();
    let ga: Vec<f32> = grads.get(a.as_tensor()).unwrap().to_vec1().unwrap();
    let gb: Vec<f32> = grads.get(b.as_tensor()).unwrap().to_vec1().unwrap();
    let after = global_norm(&[&ga, &gb]);
    println!("candle grad store: norm before {norm}, after clipping to 6.5: {after}");
    assert!((norm - 13.0).abs() < 1e-5 && (after - 6.5).abs() < 1e-5);
    assert_eq!((ga, gb), (vec![1.5, 0.0], vec![2.0, 6.0]));

    let mut grads = loss().backward().unwrap();
    assert!((clip_grad_store(&mut grads, &vars, 20.0).unwrap() - 13.0).abs() < 1e-5);
    let ga: Vec<f32> = grads.get(a.as_tensor()).unwrap().to_vec1().unwrap();
    assert_eq!(ga, vec![3.0, 0.0], "below τ nothing changes");

    // One Adam step on the vars moves each value by lr against its gradient's sign.
    let mut adam = Adam::new(0.1);
    adam.step_vars(&vars, &grads).unwrap();
    let a_now: Vec<f32> = a.as_tensor().to_vec1().unwrap();
    assert!(
        (a_now[0] - 2.9).abs() < 1e-5 && a_now[1] == 0.0,
        "{a_now:?}"
    );
}
