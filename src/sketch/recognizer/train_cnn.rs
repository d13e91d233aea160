//! Training the raster CNN ([`cnn`](super::cnn)), the second stage of
//! `train-sketch`, after the LSTM.
//!
//! It sees exactly the batches the LSTM stage draws (the same class-balanced
//! sampling of real, sketch-rnn and unknown drawings, the same augmentation,
//! through [`sample_item`]), rendered to pictures, and the same loss
//! (smoothed cross-entropy on the one output). Adam with global-norm
//! clipping, a cosine learning rate over the epochs, weight averaging.
//!
//! **Which epoch is kept**: the one whose averaged weights, *mixed with the
//! finished LSTM* the way the recognizer mixes them, have the best macro
//! top-1 on the real validation drawings; the CNN alone is logged beside it.
//!
//! Checkpoints (`cnn_checkpoint.*`, `cnn_best.safetensors`,
//! `cnn_ema.safetensors` in the run folder) after every epoch; a rerun
//! resumes exactly, as the LSTM stage does (the data of epoch e come from a
//! generator seeded by (seed, e)).

use super::cnn::RasterCnn;
use super::dataset::Dataset;
use super::files::{self, RunPaths};
use super::mix_logits;
use super::model::{Batch, RecognizerModel, loss, predict_last};
use super::train::{
    Clock, EpochSums, Progress, RunState, Stage, StageMeta, TrainConfig, TrainError, adamw,
    augment_options, average_into, epoch_rng, other_labels, sample_item, score, summed_gradients,
    update,
};
use crate::sketch::drawing::Drawing;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Everything that decides the CNN stage (the sampling settings come from
/// the run's [`TrainConfig`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CnnTrainConfig {
    /// S
    pub size: usize,
    /// C_l of each block
    pub channels: Vec<usize>,
    pub batch: usize,
    pub steps_per_epoch: usize,
    pub epochs: usize,
    /// Adam step size at the start, cosine-decayed to 5% over the epochs
    pub lr: f32,
    pub clip: f32,
    pub dropout: f32,
    pub weight_decay: f32,
    pub ema: f32,
    pub label_smoothing: f32,
    /// the CNN's share w of the mixed probabilities
    pub weight: f32,
    /// stop (and finish normally) after this much wall time of this stage
    pub max_minutes: f64,
    /// probability of mirroring a training picture left to right (a dog
    /// facing left is as much a dog; the LSTM's stroke changes have no
    /// picture counterpart)
    #[serde(default)]
    pub mirror: f32,
    /// the share of sketch-rnn samples for generator classes in this
    /// stage's batches (None: the run's, as the LSTM had)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synth_frac: Option<f32>,
    /// s of a cosine head (metric learning, [`RasterCnn::cosine`]); 0: the
    /// linear head
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cosine: f32,
}

fn is_zero(v: &f32) -> bool {
    *v == 0.0
}

impl Default for CnnTrainConfig {
    fn default() -> Self {
        Self {
            size: 48,
            channels: vec![24, 48, 96, 144],
            batch: 64,
            steps_per_epoch: 100,
            epochs: 60,
            lr: 3e-3,
            clip: 5.0,
            dropout: 0.3,
            weight_decay: 5e-4,
            ema: 0.998,
            label_smoothing: 0.1,
            weight: 0.5,
            max_minutes: 10.0,
            mirror: 0.0,
            synth_frac: None,
            cosine: 0.0,
        }
    }
}

/// The CNN stage's state saved after every epoch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CnnCheckpointMeta {
    pub config: CnnTrainConfig,
    /// the run's seed (the data come from it)
    pub seed: u64,
    /// its best score is the macro top-1 of the mixture
    #[serde(flatten)]
    pub run: RunState,
}

impl StageMeta for CnnCheckpointMeta {
    fn run_mut(&mut self) -> &mut RunState {
        &mut self.run
    }
}

/// The CNN's logits for preprocessed drawings, on `threads` threads.
pub fn cnn_logits(cnn: &RasterCnn, drawings: &[&Drawing], threads: usize) -> Vec<Vec<f32>> {
    let per = drawings.len().div_ceil(threads.max(1)).max(1);
    let nc = cnn.num_outputs();
    let parts: Vec<Vec<Vec<f32>>> = drawings
        .par_chunks(per)
        .map(|chunk| {
            chunk
                .chunks(32)
                .flat_map(|c| {
                    let img = cnn.images(c.iter().copied());
                    cnn.forward(&img, c.len(), 0.0, None)
                        .logits
                        .chunks_exact(nc)
                        .map(<[f32]>::to_vec)
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .collect();
    parts.into_iter().flatten().collect()
}

/// Trains (or resumes) the CNN on `ds` next to the finished `lstm`; the
/// sampling settings and seed are `run`'s.
pub fn train_cnn(
    ds: &Dataset,
    run: &TrainConfig,
    cfg: &CnnTrainConfig,
    lstm: &RecognizerModel,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<(RasterCnn, CnnCheckpointMeta), TrainError> {
    let (labels, _) = other_labels(ds, run);
    let nc = lstm.num_outputs();
    let k = ds.classes.len();
    let threads = run.threads.max(1);
    // The validation drawings and the LSTM's verdict on them, once.
    let val: Vec<(Drawing, usize)> = ds
        .classes
        .iter()
        .enumerate()
        .flat_map(|(c, cd)| cd.val.iter().take(run.val_cap).map(move |d| (d.clone(), c)))
        .collect();
    let val_refs: Vec<&Drawing> = val.iter().map(|(d, _)| d).collect();
    let val_y: Vec<usize> = val.iter().map(|(_, y)| *y).collect();
    let lstm_z = predict_last(lstm, &val, threads);
    let (mut st, mut meta) = start_cnn(run, cfg, nc, out, progress)?;
    progress(Progress::Message(format!(
        "CNN: {}×{} picture, channels {:?}, {} outputs, {} parameters ({:.2} MB f32)",
        cfg.size,
        cfg.size,
        cfg.channels,
        nc,
        st.model.num_params(),
        st.model.num_params() as f64 * 4.0 / 1e6
    )));
    let aug = augment_options(run);
    let sampling = TrainConfig {
        synth_frac: cfg.synth_frac.unwrap_or(run.synth_frac),
        ..run.clone()
    };
    let clock = Clock::new(meta.run.elapsed_s);
    while meta.run.epoch < cfg.epochs {
        if clock.elapsed_s() > cfg.max_minutes * 60.0 {
            progress(Progress::Message(format!(
                "CNN: time budget of {} min reached",
                cfg.max_minutes
            )));
            break;
        }
        let epoch = meta.run.epoch;
        // Its own stream of batches: not the LSTM's epoch e again.
        let mut rng = epoch_rng(run.seed ^ 0xc22_c22, epoch);
        let phase = epoch as f32 / cfg.epochs.max(1) as f32;
        st.adam.lr = cfg.lr * (0.05 + 0.95 * 0.5 * (1.0 + (std::f32::consts::PI * phase).cos()));
        let mut sums = EpochSums::default();
        for step in 0..cfg.steps_per_epoch {
            let items: Vec<(Drawing, usize)> = (0..cfg.batch)
                .map(|_| sample_item(ds, &sampling, labels.as_deref(), &aug, &mut rng))
                .collect();
            let mut grads = cnn_gradients(&st.model, &items, cfg, threads, &mut rng, &mut sums);
            sums.seen += cfg.batch;
            let mut gt: Vec<&mut [f32]> = grads.iter_mut().map(Vec::as_mut_slice).collect();
            update(
                &mut st.adam,
                &mut st.model.tensors_mut(),
                &mut gt,
                cfg.batch,
                cfg.clip,
            );
            average_into(
                st.ema.tensors_mut(),
                st.model.tensors(),
                cfg.ema,
                st.adam.steps(),
            );
            progress(sums.step(epoch, step, cfg.steps_per_epoch));
        }
        let cnn_z = cnn_logits(&st.ema, &val_refs, threads);
        let alone = score(&cnn_z, &val_y, k);
        let mixed: Vec<Vec<f32>> = lstm_z
            .iter()
            .zip(&cnn_z)
            .map(|(a, b)| mix_logits(a, b, cfg.weight))
            .collect();
        let val = score(&mixed, &val_y, k);
        let scores = [
            ("val_macro_top1_mixed", val.macro_top1),
            ("val_macro_top1_cnn", alone.macro_top1),
        ];
        let is_best = st.end_epoch(&mut meta, &sums, scores, clock.elapsed_s())?;
        progress(Progress::Message(format!(
            "CNN epoch {}/{}: loss {:.3} train acc {:.3} val macro top-1 {:.3} alone, {:.3} mixed with the LSTM{} — {:.1} min",
            epoch + 1,
            cfg.epochs,
            sums.loss(),
            sums.acc(),
            alone.macro_top1,
            val.macro_top1,
            if is_best { " best" } else { "" },
            meta.run.elapsed_s / 60.0
        )));
    }
    Ok((st.best, meta))
}

/// The CNN stage from scratch, or resumed from the `cnn_*` checkpoint in
/// `out`, which must come from the same settings and seed.
fn start_cnn(
    run: &TrainConfig,
    cfg: &CnnTrainConfig,
    nc: usize,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Stage<RasterCnn>, CnnCheckpointMeta), TrainError> {
    let model = RasterCnn {
        cosine: cfg.cosine,
        ..RasterCnn::random(cfg.size, &cfg.channels, nc, run.seed)
    };
    let adam = adamw(cfg.lr, cfg.weight_decay);
    let mut st = Stage::new(model, adam, true, RunPaths::cnn(out));
    let mut meta = CnnCheckpointMeta {
        config: cfg.clone(),
        seed: run.seed,
        run: RunState::default(),
    };
    if st.paths.meta.is_file() {
        let saved: CnnCheckpointMeta = files::read_meta(&st.paths)?;
        if saved.config != *cfg || saved.seed != run.seed {
            return Err(TrainError::Checkpoint {
                path: st.paths.meta,
                message: "was written by a CNN stage with other settings; use another --out or delete the cnn_* files"
                    .into(),
            });
        }
        let (m, mo, v) = files::read_cnn(&st.paths.checkpoint, cfg.size, true)?;
        st.model = m;
        st.adam.restore(saved.run.adam_steps, mo, v);
        st.ema = files::read_cnn(&st.paths.ema, cfg.size, false)?.0;
        st.best = files::read_cnn(&st.paths.best, cfg.size, false)?.0;
        meta = saved;
        progress(Progress::Message(format!(
            "CNN: resuming after epoch {} ({:.0} s so far)",
            meta.run.epoch, meta.run.elapsed_s
        )));
    }
    if st.model.num_outputs() != nc {
        return Err(TrainError::Checkpoint {
            path: st.paths.checkpoint,
            message: format!("has {} outputs, expected {nc}", st.model.num_outputs()),
        });
    }
    Ok((st, meta))
}

/// The summed gradients of one batch: one part per thread, rendered (and
/// mirrored, with `cfg.mirror`), with dropout.
fn cnn_gradients(
    model: &RasterCnn,
    items: &[(Drawing, usize)],
    cfg: &CnnTrainConfig,
    threads: usize,
    rng: &mut ChaCha8Rng,
    sums: &mut EpochSums,
) -> Vec<Vec<f32>> {
    let nc = model.num_outputs();
    let part = |chunk: &[(Drawing, usize)], drng: &mut ChaCha8Rng| {
        let mut img = model.images(chunk.iter().map(|(d, _)| d));
        if cfg.mirror > 0.0 {
            for pic in img.chunks_exact_mut(cfg.size * cfg.size) {
                if drng.random::<f32>() < cfg.mirror {
                    pic.chunks_exact_mut(cfg.size).for_each(<[f32]>::reverse);
                }
            }
        }
        let cache = model.forward(&img, chunk.len(), cfg.dropout, Some(drng));
        let batch = Batch {
            x: Vec::new(),
            lengths: vec![1; chunk.len()],
            targets: chunk.iter().map(|(_, y)| *y).collect(),
            steps: 1,
        };
        let (l, c, dz) = loss(&batch, &cache.logits, nc, cfg.label_smoothing);
        let mut g: Vec<Vec<f32>> = model.tensors().iter().map(|t| vec![0.0; t.len()]).collect();
        model.backward(&cache, &dz, &mut g);
        (l, c, g)
    };
    let add = |acc: &mut Vec<Vec<f32>>, g: &Vec<Vec<f32>>| {
        acc.iter_mut()
            .zip(g)
            .for_each(|(a, b)| a.iter_mut().zip(b).for_each(|(x, y)| *x += y))
    };
    let part_size = cfg.batch.div_ceil(threads).max(1);
    summed_gradients(items, part_size, rng, sums, part, add)
}
