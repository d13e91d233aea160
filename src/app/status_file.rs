//! The status file: with `RNN_STUDIO_STATUS_FILE` set, the app writes one
//! JSON line describing what it shows whenever that changes. The end-to-end
//! test (`tests/e2e.sh`) reads it to check what a user would see, and
//! `bench startup` reads `first_frame_ms` from it.

use super::StudioApp;
use std::path::PathBuf;

/// Where the status goes, and what was last written there.
pub struct StatusFile {
    /// `None`: the variable is not set, nothing is written.
    path: Option<PathBuf>,
    last_json: String,
}

impl StatusFile {
    /// The file `RNN_STUDIO_STATUS_FILE` names, if any.
    pub fn from_env() -> Self {
        Self {
            path: std::env::var_os("RNN_STUDIO_STATUS_FILE").map(PathBuf::from),
            last_json: String::new(),
        }
    }

    /// Writes `json` (atomically) if it differs from the last line written.
    fn write(&mut self, json: String) {
        let Some(path) = &self.path else {
            return;
        };
        if json != self.last_json {
            let _ = crate::safe_io::write_atomic(path, format!("{json}\n").as_bytes());
            self.last_json = json;
        }
    }
}

impl StudioApp {
    /// What the app shows, as one JSON object (for end-to-end tests).
    pub fn status_json(&self) -> String {
        let d = self.sketch.canvas.drawing();
        serde_json::json!({
            "tab": format!("{:?}", self.tab),
            "strokes": d.strokes.len(),
            "points": d.num_points(),
            "photo": self.caption.shown.as_ref().map(|s| s.name.clone()),
            "photo_size": self.caption.shown.as_ref().map(|s| s.size),
            "photo_error": self.caption.error,
            "guess": self.sketch.guess.as_ref().and_then(|g| g.top.first()).map(|(c, _)| c.clone()),
            "unsure": self.sketch.guess.as_ref().map(|g| g.unsure),
            "caption": self.caption.caption.as_ref().and_then(|c| c.nbest.first()).map(|h| h.text.clone()),
            "status": self.status,
            "first_frame_ms": self.first_frame_ms,
        })
        .to_string()
    }

    /// Writes the status file if what the app shows changed.
    pub(super) fn write_status_file(&mut self) {
        if self.status_file.path.is_none() {
            return;
        }
        let json = self.status_json();
        self.status_file.write(json);
    }
}
