//! Self-critical sequence training (Rennie et al. 2017, "Self-critical
//! Sequence Training for Image Captioning"): after the cross-entropy stage,
//! the decoder is fine-tuned to raise the CIDEr-D of its own captions.
//!
//! Per training photo, `samples` captions w^s are drawn from the decoder's
//! policy p_τ = softmax(logits / τ) ([`sample_batch`]: the full softmax,
//! no dropout, up to `max_words` + 1 tokens; τ = `temperature`, 1 the
//! model's own distribution; greedy decoding is the same arg-max for every
//! τ, and with τ < 1 the samples stay nearer the greedy caption, so their
//! rewards say more about it). Each gets the reward r(w^s), its CIDEr-D
//! against the photo's references with document frequencies of the whole
//! training set ([`CiderD`]). The loss is REINFORCE with a baseline b,
//!
//! ```text
//! L = Σ_s (r(w^s) − b) · Σ_t −log p_τ(w^s_t)  ÷ tokens  (+ the attention penalty)
//! ```
//!
//! and with the samples held fixed its gradient is the teacher-forced
//! cross-entropy gradient on the sampled words, each caption weighted by
//! its advantage r − b, so the one hand-written backward of
//! [`DecoderParams::backward`] serves (through
//! [`DecoderParams::forward_train_weighted`]). The baseline is the reward of
//! the photo's greedy caption (the "self-critical" one, [`Baseline::Greedy`])
//! or the mean reward of the photo's other samples ([`Baseline::Mean`]).
//! With `xe_weight` > 0 the photo's reference captions join the batch with
//! that weight (teacher-forced cross-entropy: a mixed objective that keeps
//! the captions fluent); the denominator "tokens" then counts theirs too.
//!
//! Dropout is off in this stage: sampling and the gradient pass must see the
//! same policy, and with dropout the sampled words' probabilities would
//! depend on masks the gradient pass would have to replay. The attention
//! penalty keeps its cross-entropy form, unweighted, at
//! `attention_penalty` (λ of [`TrainOptions`]).
//!
//! The run starts from a shipped decoder (`init`: a weights file next to
//! its `config.json` and `vocab.json`, F16 widened to F32), scores it on the
//! dev photos as "epoch 0", and then runs the same epochs, checkpoints,
//! resumption and export as [`super::train`], keeping the epoch with the
//! best dev CIDEr-D (greedy, first `dev_photos` dev photos). The shipped
//! decoders were tuned with τ = 0.5 and the mean baseline, the command's
//! defaults: at τ = 1 the samples were so much worse than the greedy
//! caption that dev CIDEr-D did not move (`weights/README.md`). Sampling in
//! batch k of epoch e draws from seed·1 000 003 + e·100 000 + k, so a
//! resumed run equals an uninterrupted one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::nn::optim::Adam;

use super::beam::{greedy_batch, sample_batch};
use super::captioner::load_decoders;
use super::checkpoint;
use super::dataset::{Captions, FeatureCache};
use super::decoder::{DecoderParams, TrainCaption};
use super::metrics::CiderD;
use super::mirror::{Mirror, as_read, mirrored_cache, part_grids};
use super::train::{
    EpochData, EpochReport, Rewards, RunState, Sample, TrainError, TrainEvent, TrainOptions,
    evaluate_greedy, finish_epoch, over_two_cores, references, resume_or_start, run_epochs,
    run_err, samples,
};
use super::vocab::Vocab;

/// What each sampled caption's reward is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Baseline {
    /// The reward of the photo's greedy caption (test-time decoding).
    Greedy,
    /// The mean reward of the photo's other sampled captions.
    Mean,
}

/// The self-critical stage's own settings (saved in `checkpoint.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScstOptions {
    /// The decoder weights it starts from.
    pub init: PathBuf,
    /// Captions sampled per photo.
    pub samples: usize,
    pub baseline: Baseline,
    /// Weight of the photo's reference captions, fed with the samples as
    /// ordinary teacher-forced cross-entropy (a mixed objective; 0: pure
    /// self-critical training).
    #[serde(default)]
    pub xe_weight: f64,
    /// τ of the policy trained and sampled, softmax(logits / τ); greedy
    /// decoding takes the same arg-max at every τ, and below 1 the samples
    /// stay nearer the greedy caption.
    #[serde(default = "one")]
    pub temperature: f64,
}

fn one() -> f64 {
    1.0
}

/// The rewards and advantages of one photo's samples.
pub fn advantages(rewards: &[f64], greedy: f64, baseline: Baseline) -> Vec<f64> {
    let n = rewards.len();
    match baseline {
        Baseline::Greedy => rewards.iter().map(|r| r - greedy).collect(),
        Baseline::Mean if n < 2 => vec![0.0; n],
        Baseline::Mean => {
            let sum: f64 = rewards.iter().sum();
            rewards
                .iter()
                .map(|r| r - (sum - r) / (n - 1) as f64)
                .collect()
        }
    }
}

/// What one half-batch computed.
struct Half {
    loss: f64,
    sampled: f64,
    greedy: f64,
}

/// One self-critical gradient over `part`: sample, score, weight, and the
/// weighted cross-entropy's backward into `out` (zeroed first).
#[allow(clippy::too_many_arguments)]
fn scst_part(
    dec: &DecoderParams<f32>,
    cache: &FeatureCache,
    mirror: Option<&Mirror<'_>>,
    part: &[&Sample],
    scorer: &CiderD,
    set_of_row: &[usize],
    vocab: &Vocab,
    scst: &ScstOptions,
    max_len: usize,
    seed: u64,
    out: &mut DecoderParams<f32>,
) -> Half {
    let (grid, flipped) = part_grids(cache, mirror, part, seed);
    let ctx = dec.photo_context(&grid, false);
    let ns = scst.samples.max(1);
    let rows: Vec<usize> = (0..part.len()).flat_map(|k| vec![k; ns]).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sampled = sample_batch(dec, &ctx, &rows, max_len, scst.temperature as f32, &mut rng);
    // A mirrored photo's caption is mirrored back to be scored against the
    // photo's own references.
    let score = |k: usize, words: &[usize]| {
        let words = as_read(mirror, flipped[k], words);
        scorer.score(&vocab.decode(&words).join(" "), set_of_row[part[k].row])
    };
    // Scored with either baseline: the greedy reward is what the dev
    // evaluation measures, so it is the progress worth logging.
    let greedy: Vec<f64> = greedy_batch(dec, &ctx, max_len.saturating_sub(1))
        .iter()
        .enumerate()
        .map(|(k, w)| score(k, w))
        .collect();
    let mut caps = Vec::with_capacity(rows.len());
    let mut weights = Vec::with_capacity(rows.len());
    let mut reward_sum = 0.0;
    for (k, words) in sampled.chunks(ns).enumerate() {
        let rewards: Vec<f64> = words.iter().map(|w| score(k, w)).collect();
        reward_sum += rewards.iter().sum::<f64>();
        weights.extend(advantages(&rewards, greedy[k], scst.baseline));
        caps.extend(words.iter().map(|w| TrainCaption {
            photo: k,
            words: w.clone(),
        }));
    }
    let sampled_captions = caps.len();
    if scst.xe_weight > 0.0 {
        for (k, s) in part.iter().enumerate() {
            for w in &s.captions {
                caps.push(TrainCaption {
                    photo: k,
                    words: as_read(mirror, flipped[k], w),
                });
                weights.push(scst.xe_weight);
            }
        }
    }
    let fc = dec.forward_train_weighted(&grid, &caps, &weights, scst.temperature, None);
    out.fill_zero();
    dec.backward(&fc, out);
    Half {
        loss: DecoderParams::loss(&fc),
        sampled: reward_sum / sampled_captions.max(1) as f64,
        greedy: greedy.iter().sum::<f64>() / part.len().max(1) as f64,
    }
}

/// Reads the decoder `init` and the `config.json` and `vocab.json` next to it.
fn load_init(init: &Path) -> Result<(DecoderParams<f32>, Vocab), TrainError> {
    let dir = init.parent().unwrap_or(Path::new("."));
    let (_, vocab, config) =
        load_decoders(dir).map_err(|e| run_err(init, format!("its folder: {e}")))?;
    let params = checkpoint::load(init, &config.decoder)?.params;
    Ok((params, vocab))
}

/// Self-critical training (or its resumption) in `out`, starting from the
/// decoder `scst.init`, on the cached features in `out/features`. `opts`
/// gives the seed, epochs, batch size, learning rate, clipping, dev photos,
/// patience and λ; its sizes and dropout are not used (the sizes are the
/// initial decoder's, dropout is off). Returns the final state.
pub fn train_scst(
    data_dir: &Path,
    out: &Path,
    opts: &TrainOptions,
    scst: &ScstOptions,
    progress: &mut dyn FnMut(TrainEvent),
) -> Result<RunState, TrainError> {
    let captions = Captions::load(data_dir)?;
    let train_idx = captions.split("train");
    let dev_idx = captions.split("dev");
    let (init, vocab) = load_init(&scst.init)?;
    let cfg = init.cfg.clone();
    std::fs::create_dir_all(out).map_err(|e| run_err(out, e))?;
    vocab.save(&out.join("vocab.json"))?;
    let cache = super::train::checked_cache(out, &captions)?;
    if cache.regions() != cfg.regions {
        return Err(run_err(
            &out.join("features"),
            format!(
                "the feature cache holds {} grids of {} regions, the decoder {} reads {}",
                cache.encoder.model(),
                cache.regions(),
                scst.init.display(),
                cfg.regions
            ),
        ));
    }
    let opts = TrainOptions {
        dropout: 0.0,
        embed: cfg.embed,
        hidden: cfg.hidden,
        context: cfg.context,
        attention: cfg.attention,
        ..opts.clone()
    };
    let mirrored = mirrored_cache(out, &opts, &cache)?;
    let mirror = mirrored.as_ref().map(|m| Mirror::new(m, &vocab));
    let train_set = samples(&captions, &train_idx, &vocab, opts.max_words);
    let dev_rows: Vec<usize> = dev_idx.iter().copied().take(opts.dev_photos).collect();
    let scorer = CiderD::new(&references(&captions, &train_idx));
    let mut set_of_row = vec![usize::MAX; captions.images.len()];
    for (k, &i) in train_idx.iter().enumerate() {
        set_of_row[i] = k;
    }
    progress(TrainEvent::Note(format!(
        "self-critical from {}: {} train photos × {} samples, baseline {:?}, {} dev photos scored",
        scst.init.display(),
        train_set.len(),
        scst.samples,
        scst.baseline,
        dev_rows.len()
    )));

    let mut adam = Adam::new(opts.lr);
    let (mut dec, state) = resume_or_start(
        out,
        &opts,
        &cfg,
        Some(scst),
        &mut adam,
        progress,
        &mut |p| {
            // Epoch 0 is the decoder as it came: the bar to beat.
            let start = Instant::now();
            let (bleu, cider) =
                evaluate_greedy(&init, &vocab, &cache, &captions, &dev_rows, opts.max_words);
            let report = EpochReport {
                epoch: 0,
                train_loss: 0.0,
                bleu,
                cider,
                lr: 0.0,
                seconds: start.elapsed().as_secs_f64(),
                reward: None,
            };
            let mut state = RunState::new(&opts, &cfg);
            state.scst = Some(scst.clone());
            finish_epoch(out, &mut state, &report, &init, &Adam::new(opts.lr))?;
            p(TrainEvent::Epoch(report));
            Ok((init.clone(), state))
        },
    )?;
    // The penalty of this stage; the stored config keeps the initial one.
    dec.cfg.attention_penalty = opts.attention_penalty;
    let data = EpochData {
        out,
        opts: &opts,
        vocab: &vocab,
        cache: &cache,
        captions: &captions,
        train_set: &train_set,
        dev_rows: &dev_rows,
    };
    let max_len = opts.max_words + 1;
    run_epochs(
        &data,
        dec,
        state,
        &mut adam,
        progress,
        &mut |dec, batch, seed, grads, scratch| {
            let halves = over_two_cores(batch, seed, grads, scratch, |part, seed, out| {
                scst_part(
                    dec,
                    &cache,
                    mirror.as_ref(),
                    part,
                    &scorer,
                    &set_of_row,
                    &vocab,
                    scst,
                    max_len,
                    seed,
                    out,
                )
            });
            let mean = |f: fn(&Half) -> f64| halves.iter().map(|(h, w)| w * f(h)).sum::<f64>();
            (
                mean(|h| h.loss),
                Some(Rewards {
                    sampled: mean(|h| h.sampled),
                    greedy: mean(|h| h.greedy),
                }),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caption::decoder::{DecoderConfig, TENSOR_NAMES};

    fn tiny() -> DecoderParams<f64> {
        let cfg = DecoderConfig {
            attention_penalty: 0.5,
            ..crate::caption::decoder::tests::tiny_config()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut p = DecoderParams::<f64>::random(&cfg, &mut rng);
        for v in &mut p.att_score {
            *v *= 3.0;
        }
        p
    }

    /// The self-critical surrogate written out independently of
    /// `forward_train_weighted`'s batching: each caption stepped on its own,
    /// Σ_b (r_b − b_b) Σ_t −log p_τ(w_bt) ÷ tokens + λ·mean_{b,i}(1 − Σ_t α)²
    /// with p_τ = softmax(logits / τ).
    fn surrogate(
        p: &DecoderParams<f64>,
        grid: &[f64],
        caps: &[TrainCaption],
        adv: &[f64],
        tau: f64,
    ) -> f64 {
        let ctx = p.photo_context(grid, false);
        let (nh, nl) = (p.cfg.hidden, p.cfg.regions);
        let (mut sum, mut tokens, mut pen) = (0.0, 0usize, 0.0);
        for (cap, a) in caps.iter().zip(adv) {
            let ph = cap.photo;
            let mut h = ctx.h0[ph * nh..(ph + 1) * nh].to_vec();
            let mut c = ctx.c0[ph * nh..(ph + 1) * nh].to_vec();
            let mut input = crate::caption::vocab::START;
            let mut alpha = vec![0.0; nl];
            for &w in &cap.words {
                let s = p.step(&ctx, &[ph], &[input], &h, &c, None);
                // log softmax(logits / τ), written out.
                let z: Vec<f64> = s.logits.iter().map(|l| l / tau).collect();
                let lse = z.iter().map(|v| v.exp()).sum::<f64>().ln();
                sum -= a * (z[w] - lse);
                tokens += 1;
                for (x, y) in alpha.iter_mut().zip(&s.alpha) {
                    *x += y;
                }
                (h, c, input) = (s.h, s.c, w);
            }
            pen += alpha.iter().map(|s| (1.0 - s).powi(2)).sum::<f64>();
        }
        sum / tokens as f64 + p.cfg.attention_penalty as f64 * pen / (caps.len() * nl) as f64
    }

    /// The self-critical gradient (captions sampled at τ = 0.7, CIDEr-D
    /// rewards, both baselines, advantages as caption weights through the
    /// one backward)
    /// against central differences of the independently written surrogate,
    /// every parameter, in f64.
    #[test]
    fn scst_gradient_matches_finite_differences() {
        let mut p = tiny();
        let grid: Vec<f64> = (0..2 * 3 * 5).map(|i| ((i as f64) * 0.37).cos()).collect();
        let ctx = p.photo_context(&grid, false);
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let ns = 4;
        let rows: Vec<usize> = (0..2).flat_map(|k| vec![k; ns]).collect();
        let tau = 0.7;
        let sampled = sample_batch(&p, &ctx, &rows, 6, tau as f32, &mut rng);
        let greedy = greedy_batch(&p, &ctx, 5);
        let text = |w: &[usize]| {
            w.iter()
                .take_while(|&&x| x != crate::caption::vocab::END)
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        // References over the word ids (as text), one set per photo: its two
        // longest samples and the other photo's longest, so rewards differ.
        let longest = |k: usize| {
            let mut s: Vec<&Vec<usize>> = sampled[k * ns..(k + 1) * ns].iter().collect();
            s.sort_by_key(|w| std::cmp::Reverse(w.len()));
            s
        };
        let refs: Vec<Vec<String>> = (0..2)
            .map(|k| {
                vec![
                    text(longest(k)[0]),
                    text(longest(k)[1]),
                    text(longest(1 - k)[0]),
                ]
            })
            .collect();
        let scorer = CiderD::new(&refs);
        let mut caps = Vec::new();
        let mut adv = Vec::new();
        for (k, words) in sampled.chunks(ns).enumerate() {
            let rewards: Vec<f64> = words.iter().map(|w| scorer.score(&text(w), k)).collect();
            // Both baselines: the mean of the others for photo 0, greedy for 1.
            let baseline = [Baseline::Mean, Baseline::Greedy][k];
            adv.extend(advantages(
                &rewards,
                scorer.score(&text(&greedy[k]), k),
                baseline,
            ));
            caps.extend(words.iter().map(|w| TrainCaption {
                photo: k,
                words: w.clone(),
            }));
        }
        assert!(
            adv.iter().any(|a| *a > 0.0) && adv.iter().any(|a| *a < 0.0),
            "{adv:?}"
        );
        assert!(caps.iter().any(|c| c.words.len() > 2), "{caps:?}");
        let fc = p.forward_train_weighted(&grid, &caps, &adv, tau, None);
        let direct = surrogate(&p, &grid, &caps, &adv, tau);
        assert!((DecoderParams::loss(&fc) - direct).abs() < 1e-10);
        let mut g = DecoderParams::<f64>::zeros(&p.cfg);
        p.backward(&fc, &mut g);
        let eps = 1e-6;
        for (k, name) in TENSOR_NAMES.iter().enumerate() {
            for j in 0..p.tensors()[k].len() {
                let orig = p.tensors()[k][j];
                p.tensors_mut()[k][j] = orig + eps;
                let lp = surrogate(&p, &grid, &caps, &adv, tau);
                p.tensors_mut()[k][j] = orig - eps;
                let lm = surrogate(&p, &grid, &caps, &adv, tau);
                p.tensors_mut()[k][j] = orig;
                let fd = (lp - lm) / (2.0 * eps);
                let an = g.tensors()[k][j];
                let err = (fd - an).abs() / (1e-6 + fd.abs().max(an.abs()));
                assert!(
                    err < 1e-5 || (fd - an).abs() < 1e-9,
                    "{name}[{j}]: analytic {an:e}, finite difference {fd:e}"
                );
            }
        }
    }

    #[test]
    fn baselines_compare_with_the_greedy_caption_or_the_other_samples() {
        let close = |a: Vec<f64>, b: &[f64]| {
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
            }
        };
        close(
            advantages(&[1.0, 0.5], 0.75, Baseline::Greedy),
            &[0.25, -0.25],
        );
        close(
            advantages(&[1.0, 0.4, 0.1], 9.0, Baseline::Mean),
            &[0.75, -0.15, -0.6],
        );
        close(advantages(&[1.0], 0.0, Baseline::Mean), &[0.0]);
    }
}
