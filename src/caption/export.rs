//! Shipping a training run: its best epoch written into a captioner folder
//! as the first decoder or another member of the ensemble
//! (`train-caption --export DIR [--member FILE]`).

use std::path::Path;

use super::captioner::{CONFIG_FILE, CaptionerConfig, DECODER_FILE, VOCAB_FILE};
use super::checkpoint::{self, Precision};
use super::decoder::DecoderConfig;
use super::train::{RunState, TrainError, run_err};
use super::vocab::Vocab;

/// Writes the best epoch of the run in `run` to `dest` as shipped weights:
/// the decoder as `member` (F16), `vocab.json` and `config.json` (sizes, the
/// decoding limit, the ensemble's members, the repeat rule from the training
/// captions in `data` ([`super::repeats`]), and how each member was made:
/// `command`, seed, epochs, training time, the best epoch's dev scores).
///
/// With `member` = [`DECODER_FILE`] and no
/// ensemble in `dest` that it fits, `dest` starts afresh as a single
/// decoder. Otherwise the run joins (or replaces its file in) the ensemble
/// already there, which must have the same sizes and vocabulary. Returns the
/// config.
pub fn export(
    run: &Path,
    dest: &Path,
    data: &Path,
    command: &str,
    member: &str,
) -> Result<CaptionerConfig, TrainError> {
    let state_path = run.join("checkpoint.json");
    let text = std::fs::read_to_string(&state_path).map_err(|e| run_err(&state_path, e))?;
    let state: RunState = serde_json::from_str(&text).map_err(|e| run_err(&state_path, e))?;
    let best = state
        .best_epoch
        .ok_or_else(|| run_err(&state_path, "no epoch has finished yet"))?;
    let params = checkpoint::load(&run.join("best.safetensors"), &state.decoder)?.params;
    let vocab = Vocab::load(&run.join("vocab.json"))?;
    let encoder = super::dataset::cache_encoder(&run.join("features"))?;
    let cpath = dest.join(CONFIG_FILE);
    // The ensemble already in `dest`, if this run fits it: the same sizes and
    // vocabulary; a member other than the first may read another network (an
    // ensemble across encoders), the first defines the folder's.
    let existing = std::fs::read_to_string(&cpath)
        .ok()
        .and_then(|t| serde_json::from_str::<CaptionerConfig>(&t).ok())
        .filter(|c| {
            // Dropout and the attention penalty are how a member was trained,
            // not its shape: members trained with others still join.
            let sizes = DecoderConfig {
                regions: c.decoder.regions,
                dropout: c.decoder.dropout,
                attention_penalty: c.decoder.attention_penalty,
                ..state.decoder.clone()
            };
            c.decoder == sizes
                && (c.encoder == encoder || member != DECODER_FILE)
                && Vocab::load(&dest.join(VOCAB_FILE)).is_ok_and(|v| v == vocab)
        });
    if existing.is_none() && member != DECODER_FILE {
        return Err(run_err(
            dest,
            format!(
                "no ensemble with this run's sizes and vocabulary to add {member} to \
                 (export the first decoder as {DECODER_FILE})"
            ),
        ));
    }
    let report = state.history.iter().find(|r| r.epoch == best);
    let mut made = serde_json::json!({
        "data": "Flickr8k train+restval (6091 photos, 30455 captions); dev = Flickr8k dev",
        "command": command,
        "seed": state.options.seed,
        "options": state.options,
        "epochs_run": state.epochs_done,
        "best_epoch": best,
        "train_seconds": state.train_seconds.round(),
        "dev_greedy_first_photos": state.options.dev_photos,
        "dev_greedy_at_best_epoch": report,
        "dtype": "F16 (trained in F32)",
        "parameters": params.num_params(),
    });
    if let Some(scst) = &state.scst {
        made["self_critical"] = serde_json::json!(scst);
        // How the decoder it started from was made, from the config beside it.
        let init_config = scst.init.with_file_name(CONFIG_FILE);
        let started_from = std::fs::read_to_string(&init_config)
            .ok()
            .and_then(|t| serde_json::from_str::<CaptionerConfig>(&t).ok())
            .and_then(|c| {
                let name = scst.init.file_name()?.to_string_lossy().into_owned();
                c.training.get(&name).cloned()
            });
        made["started_from"] = started_from.unwrap_or(serde_json::Value::Null);
        made["dtype"] =
            "F16 (self-critical stage in F32 from the F16 weights it started from)".into();
        made["dev_greedy_at_start"] =
            serde_json::json!(state.history.iter().find(|r| r.epoch == 0));
    }
    let mut config = existing.unwrap_or_else(|| CaptionerConfig {
        encoder,
        member_encoders: Vec::new(),
        decoder: state.decoder.clone(),
        max_words: state.options.max_words,
        length_alpha: 1.0,
        members: Vec::new(),
        may_repeat: None,
        training: serde_json::json!({}),
    });
    if !config.members.iter().any(|m| m == member) {
        config.members.push(member.to_string());
    }
    if encoder != config.encoder || !config.member_encoders.is_empty() {
        let at = config
            .members
            .iter()
            .position(|m| m == member)
            .expect("added");
        let first = config.encoder;
        config.member_encoders.resize(config.members.len(), first);
        config.member_encoders[at] = encoder;
        if config.member_encoders.iter().all(|&v| v == first) {
            config.member_encoders.clear();
        }
    }
    let captions = super::dataset::Captions::load(data)?;
    config.may_repeat = Some(super::repeats::may_repeat(
        &vocab,
        captions.split_captions("train"),
    ));
    if !config.training.is_object() {
        config.training = serde_json::json!({});
    }
    config.training[member] = made;
    config.check_members().map_err(|e| run_err(dest, e))?;
    std::fs::create_dir_all(dest).map_err(|e| run_err(dest, e))?;
    checkpoint::save(&dest.join(member), &params, Precision::F16, None)?;
    vocab.save(&dest.join(VOCAB_FILE))?;
    let text = serde_json::to_string_pretty(&config).map_err(|e| run_err(&cpath, e))?;
    crate::safe_io::write_atomic(&cpath, text.as_bytes()).map_err(|e| run_err(&cpath, e))?;
    Ok(config)
}
