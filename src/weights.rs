//! Finding the shipped weights, for the app, the CLI and the tests alike.
//!
//! A **weights root** is a folder holding one **model folder** per model
//! ([`RECOGNIZER`], [`CAPTIONER`], [`ENCODER`], [`SKETCH_RNN`]). Every model's
//! `load` takes a root and finds its folder with [`in_root`], the one place
//! that names it. Roots are looked for in this order, and the first that
//! holds the model folder wins:
//!
//! 1. `$RNN_STUDIO_WEIGHTS` — an explicit setting is used or refused, never
//!    replaced: when it is set, it is the only root tried, so a mistyped or
//!    empty folder is an error naming it instead of a silent fallback;
//! 2. next to the binary: `weights/` beside it, and the source tree's
//!    `weights/` when the binary runs from `target/release` or `target/debug`;
//! 3. the install locations: `~/.local/share/rnn-studio/weights`,
//!    `/usr/local/share/rnn-studio/weights`, `/usr/share/rnn-studio/weights`;
//! 4. the source tree the binary was built from (for `cargo run` / tests).
//!
//! When none holds it, the error lists every place that was tried, so the
//! app can say plainly which model is missing and where it looked.

use std::path::{Path, PathBuf};

/// Where the weights are looked for, in words, for `--help` texts.
pub const SEARCH_ORDER: &str = "Without it, the first of these that holds the model is used: \
    $RNN_STUDIO_WEIGHTS (when set, the only place tried), weights/ beside the binary, \
    the source tree's weights/ when run from target/, ~/.local/share/rnn-studio/weights, \
    /usr/local/share/rnn-studio/weights, /usr/share/rnn-studio/weights.";

/// The doodle recognizer's folder (`model.safetensors`, `config.json`, optional `cnn.safetensors`).
pub const RECOGNIZER: &str = "recognizer";
/// The caption decoders' folder (`config.json`, `vocab.json`, the members).
pub const CAPTIONER: &str = "captioner";
/// The photo encoder's folder (`efficientnet_lite0.safetensors`).
pub const ENCODER: &str = "encoder";
/// The sketch-rnn generators' folder (`CLASS.safetensors` + `CLASS.json`).
pub const SKETCH_RNN: &str = "sketch-rnn";

/// The folder of `model` (one of the constants above) in the weights root `root`.
pub fn in_root(root: &Path, model: &str) -> PathBuf {
    root.join(model)
}

/// A model folder that is in none of the weights roots.
#[derive(Debug, Clone, thiserror::Error)]
#[error("model {model:?} not found; looked in: {}", looked.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
pub struct NotFound {
    pub model: String,
    pub looked: Vec<PathBuf>,
}

/// The weights roots to try, in order (they need not exist).
pub fn candidates() -> Vec<PathBuf> {
    candidates_with(std::env::var_os("RNN_STUDIO_WEIGHTS").map(PathBuf::from))
}

/// [`candidates`] with `explicit` standing for `$RNN_STUDIO_WEIGHTS`.
fn candidates_with(explicit: Option<PathBuf>) -> Vec<PathBuf> {
    if let Some(dir) = explicit.filter(|d| !d.as_os_str().is_empty()) {
        return vec![dir];
    }
    let mut dirs = Vec::new();
    if let Ok(exe) = std::env::current_exe()
        && let Some(bin_dir) = exe.parent()
    {
        dirs.push(bin_dir.join("weights"));
        // target/release/rnn-studio (or target/release/deps/test-binary) in a source tree.
        for up in bin_dir.ancestors().skip(1).take(3) {
            if up.file_name().is_some_and(|n| n == "target")
                && let Some(root) = up.parent()
            {
                dirs.push(root.join("weights"));
            }
        }
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".local/share/rnn-studio/weights"));
    }
    dirs.push(PathBuf::from("/usr/local/share/rnn-studio/weights"));
    dirs.push(PathBuf::from("/usr/share/rnn-studio/weights"));
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("weights"));
    dirs.dedup();
    dirs
}

/// The first weights root that holds the folder of `model` (e.g. [`SKETCH_RNN`]).
pub fn root_for(model: &str) -> Result<PathBuf, NotFound> {
    let looked = candidates();
    match looked.iter().position(|d| in_root(d, model).is_dir()) {
        Some(i) => Ok(looked[i].clone()),
        None => Err(NotFound {
            model: model.to_owned(),
            looked,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_source_tree_weights_and_names_what_it_tried() {
        assert!(in_root(&root_for(SKETCH_RNN).unwrap(), SKETCH_RNN).is_dir());
        let e = root_for("no-such-model").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("no-such-model") && msg.contains("/usr/share/rnn-studio/weights"),
            "{msg}"
        );
        assert!(e.looked.len() >= 3);
    }

    #[test]
    fn an_explicit_root_is_the_only_one_tried() {
        let empty = tempfile::tempdir().unwrap();
        let dirs = candidates_with(Some(empty.path().to_owned()));
        assert_eq!(dirs, [empty.path()]);
        // Set but empty counts as unset, as shells write `VAR= cmd`.
        assert!(candidates_with(Some(PathBuf::new())).len() >= 3);
    }
}
