//! Waiting in the GUI tests: the worker answers on its own thread, so a test
//! steps the harness until what it waits for holds.

use egui_kittest::Harness;
use rnn_studio::app::StudioApp;
use std::time::{Duration, Instant};

/// Steps the harness until `done` holds, failing after 60 s.
pub fn step_until(h: &mut Harness<'_, StudioApp>, what: &str, done: impl Fn(&StudioApp) -> bool) {
    let t = Instant::now();
    while !done(h.state()) {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "{what} never happened"
        );
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
}
