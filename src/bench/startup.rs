//! `rnn-studio bench startup`: how fast the app opens. Starts this same
//! binary as the app (`RNN_STUDIO_EXIT_AFTER_FIRST_FRAME`), which writes its
//! status (with `first_frame_ms`, process start → first frame presented) and
//! closes; the median over the runs is reported. Then times loading each
//! model the worker loads lazily, in this process.
//!
//! Needs a display (X11 or Wayland); under CI, `xvfb-run`.

use anyhow::{Context, bail};
use serde_json::json;
use std::time::{Duration, Instant};

use super::{Case, elapsed_ms, median, round, time_runs};
use crate::weights::{self, CAPTIONER, RECOGNIZER, SKETCH_RNN};

/// The median, rounded to 0.01 ms.
fn median2(v: &[f64]) -> f64 {
    round(median(v), 2)
}

/// The cases: `startup_first_frame` and one `load_*` per model.
pub fn bench(runs: usize) -> anyhow::Result<Vec<Case>> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!(
            "bench startup opens the window and needs a display (try: xvfb-run -a rnn-studio bench startup)"
        );
    }
    let exe = std::env::current_exe().context("finding this program")?;
    let work = std::env::temp_dir().join(format!("rnn-studio-startup-{}", std::process::id()));
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let mut first_frame = Vec::new();
    let mut wall = Vec::new();
    for run in 0..runs.max(1) + 1 {
        let status = work.join(format!("status{run}.json"));
        let start = Instant::now();
        let mut child = std::process::Command::new(&exe)
            .env("RNN_STUDIO_STATUS_FILE", &status)
            .env("RNN_STUDIO_EXIT_AFTER_FIRST_FRAME", "1")
            .env("XDG_STATE_HOME", work.join("state"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting the app")?;
        loop {
            if child.try_wait()?.is_some() {
                break;
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                bail!("the app did not show a frame and close within 60 s");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let elapsed = elapsed_ms(start);
        let text = std::fs::read_to_string(&status)
            .with_context(|| format!("the app wrote no status to {}", status.display()))?;
        let v: serde_json::Value =
            serde_json::from_str(text.trim()).context("reading the app's status")?;
        let ms = v["first_frame_ms"]
            .as_f64()
            .context("the status has no first_frame_ms")?;
        if run > 0 {
            // The first start warms the page cache, as any later start would find it.
            first_frame.push(ms);
            wall.push(elapsed);
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    let runs = runs.max(1);
    let mut cases = vec![json!({
        "case": "startup_first_frame",
        "median_ms": median2(&first_frame),
        "start_to_exit_ms": median2(&wall),
        "runs": runs,
    })];
    let time = |f: &mut dyn FnMut() -> anyhow::Result<()>| -> anyhow::Result<f64> {
        Ok(median2(&time_runs(0, runs, f)?.ms))
    };
    let root = weights::root_for(RECOGNIZER)?;
    let ms = time(&mut || {
        crate::sketch::recognizer::Recognizer::load(&root)?;
        Ok(())
    })?;
    cases.push(json!({"case": "load_recognizer", "median_ms": ms, "runs": runs}));
    let root = weights::root_for(CAPTIONER)?;
    let ms = time(&mut || {
        crate::caption::captioner::Captioner::load(&root)?;
        Ok(())
    })?;
    cases.push(json!({"case": "load_captioner", "median_ms": ms, "runs": runs}));
    let root = weights::root_for(SKETCH_RNN)?;
    let ms = time(&mut || {
        crate::sketch::sketch_rnn::SketchRnn::load(&root, "bird")?;
        Ok(())
    })?;
    cases.push(json!({"case": "load_sketch_rnn_bird", "median_ms": ms, "runs": runs}));
    Ok(cases)
}
