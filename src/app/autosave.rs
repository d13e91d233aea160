//! Autosave: the canvas is written at every pen-up and after every other
//! change (Undo, Clear, Open; on the worker, atomically), during a long
//! stroke every couple of seconds, and when the app closes; it comes back
//! when the app starts again, even after a crash or `kill -9`.

use super::canvas::Canvas;
use super::worker::{Job, Worker};
use crate::sketch::ndjson;
use std::path::PathBuf;

/// While the pen is down, the longest a change waits to be saved, in seconds.
const AUTOSAVE_DELAY: f64 = 2.0;

/// Where the canvas is autosaved and when it is due.
pub struct Autosave {
    /// `None`: autosave is off.
    path: Option<PathBuf>,
    /// When the pending save is due (egui time, seconds).
    due_at: Option<f64>,
    /// The canvas revision the last save was scheduled for.
    saved_revision: u64,
}

/// `$XDG_STATE_HOME/rnn-studio`, else `~/.local/state/rnn-studio`.
pub fn default_state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("rnn-studio"))
}

impl Autosave {
    /// Autosaves into `state_dir`; `None` turns autosave off.
    pub fn new(state_dir: Option<PathBuf>) -> Self {
        Self {
            path: state_dir.map(|d| d.join("canvas.ndjson")),
            due_at: None,
            saved_revision: 0,
        }
    }

    /// Brings back the drawing that was on the canvas when the app last
    /// closed; a message when the file is there but bad.
    pub fn restore(&self, canvas: &mut Canvas) -> Option<String> {
        let path = self.path.as_ref()?;
        let text = std::fs::read_to_string(path).ok()?;
        match ndjson::parse_lines(&text).next() {
            Some((_, Ok(d))) => {
                canvas.recorder.set_drawing(d);
                None
            }
            Some((line, Err(e))) => Some(crate::t!(
                "autosave-not-restored",
                path = path.display().to_string(),
                line = line,
                error = super::files::drawing_error(&e)
            )),
            None => None,
        }
    }

    /// Writes the canvas now (on exit), synchronously.
    pub fn save_now(&self, canvas: &Canvas) {
        if let Some(path) = &self.path {
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(path));
            let _ = crate::safe_io::write_atomic(path, canvas.to_ndjson().as_bytes());
        }
    }

    /// Call every frame: saves the canvas on the worker a little after it changed.
    pub fn tick(&mut self, ctx: &egui::Context, canvas: &Canvas, worker: &Worker) {
        let Some(path) = &self.path else {
            return;
        };
        let now = ctx.input(|i| i.time);
        let revision = canvas.revision();
        if revision != self.saved_revision {
            self.saved_revision = revision;
            if !canvas.recorder.is_pen_down() {
                // A stroke just ended (or Undo, Clear, Open): a crash a moment
                // from now must not lose it. The write (mostly its fsync) runs
                // on the worker, never on the UI thread.
                self.due_at = Some(now);
            } else if self.due_at.is_none() {
                // Mid-stroke: at most one save per AUTOSAVE_DELAY.
                self.due_at = Some(now + AUTOSAVE_DELAY);
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(AUTOSAVE_DELAY));
            }
        }
        if let Some(at) = self.due_at
            && now >= at
        {
            self.due_at = None;
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(path));
            worker.send(Job::WriteFile {
                path: path.clone(),
                bytes: canvas.to_ndjson().into_bytes(),
                what: "autosave".into(),
            });
        }
    }
}
