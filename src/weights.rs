//! Finding the shipped weights, for the app, the CLI and the tests alike.
//!
//! A **model folder** is a subfolder of a weights folder (`sketch-rnn`,
//! `encoder`, `recognizer`, `captioner`). Weights folders are looked for in
//! this order, and the first that holds the model folder wins:
//!
//! 1. `$RNN_STUDIO_WEIGHTS` — an explicit setting beats every guess;
//! 2. next to the binary: `weights/` beside it, and the source tree's
//!    `weights/` when the binary runs from `target/release` or `target/debug`;
//! 3. the install locations: `~/.local/share/rnn-studio/weights`,
//!    `/usr/local/share/rnn-studio/weights`, `/usr/share/rnn-studio/weights`;
//! 4. the source tree the binary was built from (for `cargo run` / tests).
//!
//! When none holds it, the error lists every place that was tried, so the
//! app can say plainly which model is missing and where it looked.

use std::path::{Path, PathBuf};

/// A model folder that is in none of the weights folders.
#[derive(Debug, Clone, thiserror::Error)]
#[error("model {model:?} not found; looked in: {}", looked.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
pub struct NotFound {
    pub model: String,
    pub looked: Vec<PathBuf>,
}

/// The weights folders to try, in order (they need not exist).
pub fn candidates() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("RNN_STUDIO_WEIGHTS") {
        dirs.push(PathBuf::from(dir));
    }
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

/// The folder of `model` (e.g. `"sketch-rnn"`) in the first weights folder that has it.
pub fn model_dir(model: &str) -> Result<PathBuf, NotFound> {
    let looked = candidates();
    looked
        .iter()
        .map(|d| d.join(model))
        .find(|d| d.is_dir())
        .ok_or_else(|| NotFound {
            model: model.to_owned(),
            looked,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_source_tree_weights_and_names_what_it_tried() {
        assert!(model_dir("sketch-rnn").is_ok());
        let e = model_dir("no-such-model").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("no-such-model") && msg.contains("/usr/share/rnn-studio/weights"),
            "{msg}"
        );
        assert!(e.looked.len() >= 3);
    }
}
