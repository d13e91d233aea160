//! Training survives `kill -9`: a run of `train-sketch` and of `train-caption`
//! is killed with SIGKILL after it wrote a checkpoint, rerun with the same
//! command, and must resume from the last completed epoch and end with
//! exactly the weights of a run that was never interrupted (every epoch's
//! shuffling, dropout and learning rate depend only on the seed and the epoch).
//!
//! The data are made here: small procedural doodles (three shapes) and a
//! handful of generated photos with captions, so the test needs no `shared/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rnn-studio");

/// A simplified Quick, Draw! line for a drawing given as strokes of points.
fn ndjson_line(class: &str, key: u64, strokes: &[Vec<(f32, f32)>]) -> String {
    let strokes: Vec<serde_json::Value> = strokes
        .iter()
        .map(|s| {
            let xs: Vec<i64> = s.iter().map(|p| p.0.round() as i64).collect();
            let ys: Vec<i64> = s.iter().map(|p| p.1.round() as i64).collect();
            serde_json::json!([xs, ys])
        })
        .collect();
    serde_json::json!({
        "word": class, "countrycode": "XX", "timestamp": "2017-01-01 00:00:00.0",
        "recognized": true, "key_id": key.to_string(), "drawing": strokes
    })
    .to_string()
}

/// Three classes of 16 doodles each: a circle, a square, a zig-zag, each
/// jittered by a cheap deterministic hash.
fn doodle_data(dir: &Path) {
    let known = dir.join("quickdraw");
    std::fs::create_dir_all(&known).unwrap();
    let jitter = |k: u64, i: u64| ((k * 7919 + i * 104_729) % 21) as f32 - 10.0;
    for (c, class) in ["circle", "square", "zigzag"].into_iter().enumerate() {
        let mut text = String::new();
        for k in 0..16u64 {
            let key = 1000 * c as u64 + k;
            let pts: Vec<(f32, f32)> = (0..12u64)
                .map(|i| {
                    let a = i as f32 / 11.0;
                    let (x, y) = match class {
                        "circle" => (
                            128.0 + 100.0 * (a * std::f32::consts::TAU).cos(),
                            128.0 + 100.0 * (a * std::f32::consts::TAU).sin(),
                        ),
                        "square" => {
                            let s = (a * 4.0).min(3.999);
                            let f = s.fract() * 200.0;
                            match s as u32 {
                                0 => (28.0 + f, 28.0),
                                1 => (228.0, 28.0 + f),
                                2 => (228.0 - f, 228.0),
                                _ => (28.0, 228.0 - f),
                            }
                        }
                        _ => (a * 255.0, if i % 2 == 0 { 40.0 } else { 210.0 }),
                    };
                    (
                        (x + jitter(key, i)).clamp(0.0, 255.0),
                        (y + jitter(key, i + 50)).clamp(0.0, 255.0),
                    )
                })
                .collect();
            text.push_str(&ndjson_line(class, key, &[pts]));
            text.push('\n');
        }
        std::fs::write(known.join(format!("{class}.ndjson")), text).unwrap();
    }
}

/// Six small photos (colour fields) with five captions each; four train, two dev.
fn photo_data(dir: &Path) {
    let images = dir.join("images");
    std::fs::create_dir_all(&images).unwrap();
    let scenes = [
        ("red", "a red wall"),
        ("green", "a green field"),
        ("blue", "a blue sky"),
        ("red", "a red car"),
        ("green", "a green tree"),
        ("blue", "a blue sea"),
    ];
    let mut entries = Vec::new();
    for (k, (colour, caption)) in scenes.iter().enumerate() {
        let rgb = match *colour {
            "red" => [200u8, 30, 30],
            "green" => [30, 180, 40],
            _ => [30, 60, 200],
        };
        let img = image::RgbImage::from_fn(64, 48, |x, y| {
            let s = ((x * 3 + y * 5 + k as u32 * 11) % 40) as u8;
            image::Rgb([rgb[0].saturating_add(s), rgb[1].saturating_add(s), rgb[2]])
        });
        let file = format!("photo{k}.png");
        img.save(images.join(&file)).unwrap();
        let captions: Vec<String> = (0..5)
            .map(|j| match j % 3 {
                0 => caption.to_string(),
                1 => format!("there is {caption}"),
                _ => format!("{caption} in the picture"),
            })
            .collect();
        entries.push(serde_json::json!({
            "file": file,
            "split": if k < 4 { "train" } else { "dev" },
            "captions": captions,
        }));
    }
    std::fs::write(
        dir.join("captions.json"),
        serde_json::json!({ "images": entries }).to_string(),
    )
    .unwrap();
}

/// The epoch `checkpoint.json` in `out` says is complete, if any.
fn checkpoint_epoch(out: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(out.join("checkpoint.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("epoch")
        .or_else(|| v.get("epochs_done"))
        .and_then(serde_json::Value::as_u64)
}

/// Runs `args` to the end; panics with its output if it fails.
fn run_to_end(args: &[String]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("running rnn-studio");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?} failed:\n{text}");
    text
}

/// Starts `args`, SIGKILLs it once `out` holds a checkpoint of at least
/// `epoch` epochs, and returns that epoch.
fn kill_after(args: &[String], out: &Path, epoch: u64) -> u64 {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting rnn-studio");
    let start = Instant::now();
    loop {
        if checkpoint_epoch(out).is_some_and(|e| e >= epoch) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before its checkpoint of epoch {epoch}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "no checkpoint of epoch {epoch} in 240 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success(), "it was killed, not finished: {status}");
    checkpoint_epoch(out).expect("the checkpoint survives the kill")
}

fn files_equal(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(
        x == y,
        "{} and {} differ: the resumed run is not the uninterrupted one",
        a.display(),
        b.display()
    );
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn train_sketch_resumes_after_kill_9_to_the_same_weights() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    doodle_data(&data);
    let args = |out: &PathBuf| {
        let mut a = strings(&[
            "train-sketch",
            "--hidden",
            "16",
            "--layers",
            "1",
            "--batch",
            "16",
            "--steps-per-epoch",
            "4",
            "--epochs",
            "60",
            "--patience",
            "1000",
            "--minutes",
            "30",
            "--synth-count",
            "0",
            "--threads",
            "1",
            "--seed",
            "3",
            // A small CNN stage after the LSTM's.
            "--cnn-size",
            "16",
            "--cnn-channels",
            "4,8",
            "--cnn-epochs",
            "3",
            "--cnn-steps-per-epoch",
            "4",
        ]);
        a.extend(["--data".into(), data.display().to_string()]);
        a.extend(["--out".into(), out.display().to_string()]);
        a
    };
    let whole = tmp.path().join("whole");
    run_to_end(&args(&whole));

    let killed = tmp.path().join("killed");
    let at = kill_after(&args(&killed), &killed, 3);
    assert!(at < 60, "killed before the end (checkpoint of epoch {at})");
    assert!(
        !killed.join("model").exists(),
        "the killed run had not finished"
    );
    let log = run_to_end(&args(&killed));
    assert!(
        log.contains(&format!("resuming after epoch {at}")),
        "resumed from the checkpoint of epoch {at}:\n{log}"
    );
    for file in ["model.safetensors", "cnn.safetensors"] {
        files_equal(
            &whole.join("model").join(file),
            &killed.join("model").join(file),
        );
    }
}

#[test]
fn train_caption_resumes_after_kill_9_to_the_same_weights() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("flickr");
    photo_data(&data);
    let encoder = concat!(env!("CARGO_MANIFEST_DIR"), "/weights/encoder");
    let args = |out: &PathBuf| {
        let mut a = strings(&[
            "train-caption",
            "--epochs",
            "40",
            "--photos-per-batch",
            "2",
            "--patience",
            "1000",
            "--dev-photos",
            "2",
            "--embed",
            "8",
            "--hidden",
            "16",
            "--context",
            "16",
            "--attention",
            "8",
            "--seed",
            "5",
        ]);
        a.extend(["--data".into(), data.display().to_string()]);
        a.extend(["--out".into(), out.display().to_string()]);
        a.extend(["--encoder".into(), encoder.into()]);
        a
    };
    let whole = tmp.path().join("whole");
    run_to_end(&args(&whole));
    // The killed run reuses the feature cache of the first (same photos).
    let killed = tmp.path().join("killed");
    std::fs::create_dir_all(killed.join("features")).unwrap();
    for f in ["features.f16", "features.json"] {
        std::fs::copy(
            whole.join("features").join(f),
            killed.join("features").join(f),
        )
        .unwrap();
    }
    let at = kill_after(&args(&killed), &killed, 3);
    assert!(at < 40, "killed before the end (checkpoint of epoch {at})");
    let log = run_to_end(&args(&killed));
    assert!(
        log.contains(&format!("resuming after epoch {at}")),
        "resumed from the checkpoint of epoch {at}:\n{log}"
    );
    files_equal(
        &whole.join("best.safetensors"),
        &killed.join("best.safetensors"),
    );
}
