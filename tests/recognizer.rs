//! The doodle recognizer end to end: one preprocessing for files and the
//! canvas, live sessions equal whole-drawing classification, the `classify`
//! command's per-line results and exit codes, a tiny seeded training run, and
//! the shipped model's accuracy on a committed fixture of real validation
//! drawings (a few per class, never trained on).

use rnn_studio::sketch::features;
use rnn_studio::sketch::ndjson;
use rnn_studio::sketch::recognizer::dataset::{ClassData, Dataset};
use rnn_studio::sketch::recognizer::train::{TrainConfig, train};
use rnn_studio::sketch::recognizer::{Recognizer, RecognizerModel};
use rnn_studio::sketch::{Drawing, Recorder};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

fn read_drawings(path: &Path) -> Vec<Drawing> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| ndjson::parse_line(l).unwrap())
        .collect()
}

fn shipped() -> Recognizer {
    Recognizer::load(&root().join("weights")).expect("shipped recognizer loads")
}

/// Replays a drawing point by point through the canvas's recorder, with its
/// own timestamps when it has them.
fn replay(d: &Drawing) -> Drawing {
    let mut r = Recorder::new();
    let mut clock = 100.0;
    for s in &d.strokes {
        for (j, p) in s.points.iter().enumerate() {
            clock = p.t.map_or(clock + 0.016, |t| 100.0 + t / 1000.0);
            if j == 0 {
                r.pen_down(p.x, p.y, clock);
            } else {
                r.pen_move(p.x, p.y, clock);
            }
        }
        r.pen_up();
    }
    r.drawing().clone()
}

#[test]
fn file_and_canvas_replay_give_the_same_model_input() {
    let mut drawings = read_drawings(&fixture("quickdraw/sample.ndjson"));
    drawings.extend(read_drawings(&fixture("recognizer/val.ndjson")));
    let mut timed = 0;
    for d in &drawings {
        timed += usize::from(d.is_timed());
        let from_file = features::model_input(d);
        let from_canvas = features::model_input(&replay(d));
        assert!(!from_file.is_empty());
        assert_eq!(from_file, from_canvas, "key_id {:?}", d.key_id);
    }
    assert!(
        timed >= 40,
        "the fixtures hold raw, timed drawings ({timed})"
    );
}

#[test]
fn a_live_session_equals_classifying_the_drawing_so_far() {
    let rec = shipped();
    let d = &read_drawings(&fixture("recognizer/val.ndjson"))[7];
    let mut session = rec.session();
    let mut so_far = Drawing::default();
    let mut checked = 0;
    for s in &d.strokes {
        for (j, p) in s.points.iter().enumerate() {
            if j == 0 {
                so_far.strokes.push(Default::default());
            }
            so_far.strokes.last_mut().unwrap().points.push(*p);
            let live = session.push_point(p.x, p.y, j == 0);
            // Every few points, compare against a fresh whole-drawing pass.
            if checked % 5 == 0 {
                let whole = rec.classify(&so_far);
                assert_eq!(live.top, whole.top);
                assert_eq!(live.unsure, whole.unsure);
            }
            checked += 1;
        }
    }
    assert_eq!(session.guess(), rec.classify(d));
    // Undo: a shorter drawing rewinds the session to its common prefix.
    let mut shorter = d.clone();
    shorter.strokes.pop();
    assert_eq!(session.update(&shorter), rec.classify(&shorter));
}

/// With taps on (the Inspect view) a session keeps the CNN's verdict on
/// every prefix and computes only the new ones; after a point-by-point
/// drawing, and after an undo, the guess after every point still equals a
/// fresh session's.
#[test]
fn the_guess_after_every_point_survives_live_updates_and_undo() {
    let rec = shipped();
    let d = &read_drawings(&fixture("recognizer/val.ndjson"))[7];
    let mut live = rec.session().with_taps();
    for s in &d.strokes {
        for (j, p) in s.points.iter().enumerate() {
            live.push_point(p.x, p.y, j == 0);
        }
    }
    let mut fresh = rec.session();
    fresh.update(live.drawing());
    assert!(live.guesses().len() > 20);
    assert_eq!(live.guesses(), fresh.guesses());
    let mut shorter = live.drawing().clone();
    shorter.strokes.pop();
    live.update(&shorter);
    let mut fresh = rec.session();
    fresh.update(&shorter);
    assert_eq!(live.guesses(), fresh.guesses());
}

#[test]
fn taps_cover_every_step_and_layer() {
    let rec = shipped();
    let d = &read_drawings(&fixture("recognizer/val.ndjson"))[0];
    let mut s = rec.session().with_taps();
    let g = s.update(d);
    let taps = s.taps().unwrap();
    assert_eq!(taps.len(), s.rows().len());
    assert_eq!(taps[0].len(), rec.config().num_layers);
    assert_eq!(taps[0][0].f.len(), rec.config().hidden_size);
    assert_eq!(g, rec.classify(d), "taps do not change the guess");
}

fn run_classify(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rnn-studio"));
    cmd.arg("classify").args(args);
    cmd.stdin(std::process::Stdio::piped());
    cmd.stdout(std::process::Stdio::piped());
    cmd.stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn classify_reports_every_line_and_the_right_exit_code() {
    let path = fixture("recognizer/classify_mixed.ndjson");
    let (code, out, _) = run_classify(&["--json", "--top", "2", path.to_str().unwrap()], None);
    assert_eq!(code, 1, "some lines are bad");
    let objs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lines: Vec<u64> = objs.iter().map(|o| o["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2, 3, 4, 6, 7, 8, 9], "blank line 5 is skipped");
    let bad: Vec<u64> = objs
        .iter()
        .filter(|o| o.get("error").is_some())
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert_eq!(bad, [2, 3, 7, 8, 9]);
    let first = &objs[0];
    assert_eq!(first["key_id"], "4588177509580800");
    assert_eq!(first["top"].as_array().unwrap().len(), 2);
    assert!(first["top"][0]["class"].is_string());
    assert!(first["top"][0]["p"].as_f64().unwrap() >= first["top"][1]["p"].as_f64().unwrap());
    assert!(first["unsure"].is_boolean());
    assert!(
        objs[4]["key_id"].is_null(),
        "a bare drawing array has no key_id"
    );

    // All good from stdin: exit 0, and `-` reads stdin too.
    let good = std::fs::read_to_string(fixture("quickdraw/sample.ndjson")).unwrap();
    let (code, out, _) = run_classify(&["--json"], Some(&good));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), good.lines().count());
    let (code, out2, _) = run_classify(&["--json", "-"], Some(&good));
    assert_eq!((code, &out2), (0, &out));

    // A file that cannot be opened: exit 2, the other inputs still classified.
    let (code, out, err) = run_classify(&["--json", "/no/such/file.ndjson", "-"], Some(&good));
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/file.ndjson"), "{err}");
    assert_eq!(out.lines().count(), good.lines().count());

    // People's output: one line per drawing.
    let (code, out, _) = run_classify(&[], Some(&good));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), good.lines().count());
}

#[test]
fn classify_bounds_every_line_and_says_when_there_is_nothing() {
    // An empty input is not a silent success.
    let (code, out, err) = run_classify(&["--json"], Some(""));
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("no drawings in stdin"), "{err}");

    // A line over the limit is one bad line; the next line is still read.
    let good = std::fs::read_to_string(fixture("quickdraw/sample.ndjson")).unwrap();
    let first = good.lines().next().unwrap();
    let long = format!("{}\n{first}\n", "[".repeat(ndjson::MAX_LINE_BYTES + 1));
    let (code, out, _) = run_classify(&["--json"], Some(&long));
    assert_eq!(code, 1);
    let objs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 2);
    assert!(
        objs[0]["error"].as_str().unwrap().contains("8 MiB"),
        "{out}"
    );
    assert_eq!(objs[1]["line"], 2);
    assert!(objs[1]["top"].is_array());

    // An explicit weights location that holds no weights is refused, not
    // replaced by the shipped ones.
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rnn-studio"))
        .args(["classify", "--json"])
        .arg(fixture("quickdraw/sample.ndjson"))
        .env("RNN_STUDIO_WEIGHTS", empty.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&*empty.path().to_string_lossy()), "{err}");
    assert!(out.stdout.is_empty());

    // An endless file fails fast, in bounded memory.
    let t = std::time::Instant::now();
    let (code, out, _) = run_classify(&["--json", "/dev/zero"], None);
    assert_eq!(code, 1);
    assert!(out.contains("no end"), "{out}");
    assert!(t.elapsed().as_secs_f32() < 10.0);
}

fn tiny_dataset() -> Dataset {
    let all = read_drawings(&fixture("recognizer/val.ndjson"));
    let mut ds = Dataset::default();
    for word in ["eye", "star", "umbrella"] {
        let train: Vec<Drawing> = all
            .iter()
            .filter(|d| d.word.as_deref() == Some(word))
            .map(features::preprocess)
            .collect();
        ds.classes.push(ClassData {
            class: word.into(),
            train: train.clone(),
            val: train,
            ..Default::default()
        });
    }
    ds
}

fn tiny_config() -> TrainConfig {
    TrainConfig {
        seed: 7,
        hidden: 16,
        layers: 1,
        batch: 12,
        steps_per_epoch: 8,
        max_epochs: 3,
        lr: 1e-2,
        other_weight: 0.0,
        threads: 2,
        ..TrainConfig::default()
    }
}

#[test]
fn a_tiny_seeded_training_run_lowers_the_loss_and_resumes() {
    let ds = tiny_dataset();
    let dir = tempfile::tempdir().unwrap();
    let cfg = tiny_config();
    let a = train(&ds, &cfg, dir.path(), &mut |_| {}).unwrap();
    let loss = |h: &serde_json::Value| h["loss"].as_f64().unwrap();
    let first = loss(&a.meta.run.history[0]);
    let last = loss(a.meta.run.history.last().unwrap());
    assert!(last < first, "loss {first} -> {last}");
    // Resume: two epochs, then the same command to three, equals three at once.
    let dir2 = tempfile::tempdir().unwrap();
    let two = TrainConfig {
        max_epochs: 2,
        ..cfg.clone()
    };
    train(&ds, &two, dir2.path(), &mut |_| {}).unwrap();
    // A checkpoint from other settings is refused, not silently mixed.
    assert!(train(&ds, &cfg, dir2.path(), &mut |_| {}).is_err());
    let dir3 = tempfile::tempdir().unwrap();
    train(&ds, &cfg, dir3.path(), &mut |_| {}).unwrap();
    let again = train(&ds, &cfg, dir3.path(), &mut |_| {}).unwrap();
    assert_eq!(again.meta.run.epoch, 3, "a finished run stays finished");
    assert_eq!(again.best, a.best, "same seed, same weights");
}

#[test]
fn the_shipped_model_fits_its_budget_and_names_real_drawings() {
    let rec = shipped();
    // The budget covers both models of the mixture.
    let bytes: u64 = ["model.safetensors", "cnn.safetensors"]
        .iter()
        .map(|f| {
            std::fs::metadata(root().join("weights/recognizer").join(f))
                .unwrap()
                .len()
        })
        .sum();
    assert!(
        rec.cnn().is_some(),
        "the shipped recognizer mixes in its CNN"
    );
    assert!(bytes <= 5_000_000, "{bytes} bytes");
    assert_eq!(rec.classes().len(), 44);
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("recognizer/expected.json")).unwrap(),
    )
    .unwrap();
    let drawings = read_drawings(&fixture("recognizer/val.ndjson"));
    let (mut top1, mut top3) = (0, 0);
    for d in &drawings {
        let want = d.word.as_deref().unwrap().replace(' ', "_");
        let g = rec.classify(d);
        let rank = g.top.iter().position(|(c, _)| *c == want);
        top1 += usize::from(rank == Some(0));
        top3 += usize::from(rank.is_some_and(|r| r < 3));
    }
    let n = drawings.len() as f64;
    let (a1, a3) = (top1 as f64 / n, top3 as f64 / n);
    let claim1 = expected["fixture_top1"].as_f64().unwrap();
    let claim3 = expected["fixture_top3"].as_f64().unwrap();
    // One drawing of slack, for float differences between CPUs.
    assert!(a1 >= claim1 - 1.5 / n, "top-1 {a1} < claimed {claim1}");
    assert!(a3 >= claim3 - 1.5 / n, "top-3 {a3} < claimed {claim3}");
}

/// C of the shipped model: 44 classes and its other output(s).
fn shipped_outputs() -> usize {
    shipped().config().num_outputs()
}

/// A recognizer around `model` (with [`shipped_outputs`] outputs), with the
/// shipped config's classes and the model's hidden size, without a CNN.
fn with_shipped_config(model: RecognizerModel) -> Recognizer {
    let cfg = rnn_studio::sketch::recognizer::RecognizerConfig {
        hidden_size: model.lstm.hidden_size,
        cnn: None,
        ..shipped().config().clone()
    };
    Recognizer::new(model, cfg).unwrap()
}

#[test]
fn a_random_model_saves_and_loads() {
    let model = RecognizerModel::random(8, 2, shipped_outputs(), false, 3);
    let r = with_shipped_config(model);
    let dir = tempfile::tempdir().unwrap();
    r.save(dir.path()).unwrap();
    let back = Recognizer::load_dir(dir.path()).unwrap();
    assert_eq!(back.model(), r.model());
    // A corrupt weights file is a clear error naming the file.
    std::fs::write(dir.path().join("model.safetensors"), b"junk").unwrap();
    let e = Recognizer::load_dir(dir.path()).unwrap_err().to_string();
    assert!(e.contains("model.safetensors"), "{e}");
}

/// Deterministic feature rows for gradient checks: n points of drawing k.
fn wavy_rows(n: usize, k: u32) -> Vec<features::Row> {
    (0..n)
        .map(|t| {
            let f = |j: u32| ((t as f32 + 1.0) * (j as f32 + 1.7) * (k as f32 + 0.3)).sin();
            let pen = if t % 3 == 0 { 1.0 } else { 0.0 };
            [f(0), f(1), 0.5 * f(2), 0.5 * f(3), pen]
        })
        .collect()
}

/// The head that also reads the running max: the training gradient (the
/// max's gradient goes back to the step each maximum came from, then BPTT)
/// equals central differences of the loss, in the head and in both layers.
#[test]
fn running_max_head_gradients_match_finite_differences() {
    use rnn_studio::sketch::recognizer::model::{Batch, Grads, backward, forward, loss};
    let nc = 4;
    let mut model = RecognizerModel::random(6, 2, nc, true, 5);
    assert!(model.running_max());
    assert_eq!(model.head_inputs(), 12);
    // Two drawings of different lengths: the shorter one is padded.
    let batch = Batch::from_rows(&[wavy_rows(7, 1), wavy_rows(4, 2)], vec![1, 3]);
    let cache = forward(&model, &batch, 0.0, None);
    let (_, _, dz) = loss(&batch, &cache.logits, nc, 0.1);
    let mut g = Grads::zeros_like(&model);
    backward(&model, &batch, &cache, &dz, &mut g);

    let total = |m: &RecognizerModel| -> f64 {
        let c = forward(m, &batch, 0.0, None);
        loss(&batch, &c.logits, nc, 0.1).0 as f64
    };
    let eps = 1e-2f32;
    let mut worst = 0.0f64;
    let mut check = |name: &str, get: &dyn Fn(&mut RecognizerModel) -> &mut f32, analytic: f32| {
        let v = *get(&mut model);
        *get(&mut model) = v + eps;
        let up = total(&model);
        *get(&mut model) = v - eps;
        let down = total(&model);
        *get(&mut model) = v;
        let numeric = (up - down) / (2.0 * eps as f64);
        let err = (numeric - analytic as f64).abs();
        assert!(
            err < 1e-3 + 2e-2 * numeric.abs(),
            "{name}: analytic {analytic}, numeric {numeric}"
        );
        worst = worst.max(err);
    };
    let nh = 6;
    for c in 0..nc {
        for j in [0, 3, nh, nh + 2, nh + 5] {
            let at = c * 2 * nh + j;
            check(
                &format!("head_w[{c}][{j}]"),
                &|m| &mut m.head_w[at],
                g.head_w[at],
            );
        }
        check(&format!("head_b[{c}]"), &|m| &mut m.head_b[c], g.head_b[c]);
    }
    for layer in 0..2 {
        for i in [0, 7, 19] {
            check(
                &format!("layer {layer} weight_ih[{i}]"),
                &|m| &mut m.lstm.layers[layer].forward.weight_ih[i],
                g.lstm.layers[layer].forward.weight_ih[i],
            );
            check(
                &format!("layer {layer} weight_hh[{i}]"),
                &|m| &mut m.lstm.layers[layer].forward.weight_hh[i],
                g.lstm.layers[layer].forward.weight_hh[i],
            );
        }
    }
    println!("running-max head: worst |analytic − numeric| {worst:.2e}");
}

/// A live session with the running-max head gives, at every point, the
/// logits of the batched training forward on the same rows.
#[test]
fn running_max_session_equals_the_batched_forward() {
    use rnn_studio::sketch::recognizer::model::{Batch, forward};
    let nc = shipped_outputs();
    let model = RecognizerModel::random(6, 2, nc, true, 8);
    let r = with_shipped_config(model.clone());
    let rows = wavy_rows(9, 4);
    let streamed = r.logits_per_step(&rows);
    let batched = forward(&model, &Batch::from_rows(&[rows], vec![0]), 0.0, None).logits;
    assert_eq!(streamed.len(), 9);
    for (t, z) in streamed.iter().enumerate() {
        for (c, v) in z.iter().enumerate() {
            let want = batched[t * nc + c];
            assert!(
                (v - want).abs() < 1e-5,
                "step {t}, output {c}: {v} vs {want}"
            );
        }
    }
    // It saves and loads as a running-max model.
    let dir = tempfile::tempdir().unwrap();
    r.save(dir.path()).unwrap();
    assert!(
        Recognizer::load_dir(dir.path())
            .unwrap()
            .model()
            .running_max()
    );
}

/// Unknown classes with an output each, label smoothing and weight
/// averaging: the run trains K + U outputs, exports them with the unknown
/// classes' names, p(other) is the sum of their probabilities, and a run
/// resumed from its checkpoint (averaged weights included) ends where the
/// uninterrupted one does.
#[test]
fn unknown_classes_with_their_own_outputs_train_export_and_resume() {
    use rnn_studio::nn::ops::softmax_in_place;
    use rnn_studio::sketch::recognizer::eval::export;
    let mut ds = tiny_dataset();
    let all = read_drawings(&fixture("recognizer/val.ndjson"));
    for word in ["sun", "apple"] {
        ds.unknown[0].extend(
            all.iter()
                .filter(|d| d.word.as_deref() == Some(word))
                .map(|d| (word.to_string(), features::preprocess(d))),
        );
    }
    let cfg = TrainConfig {
        other_weight: 1.0,
        other_classes: true,
        label_smoothing: 0.1,
        ema: 0.9,
        max_epochs: 2,
        ..tiny_config()
    };
    let dir = tempfile::tempdir().unwrap();
    let a = train(&ds, &cfg, dir.path(), &mut |_| {}).unwrap();
    assert_eq!(a.best.num_outputs(), 3 + 2);
    assert_eq!(a.meta.other_classes, ["apple", "sun"]);

    let dir2 = tempfile::tempdir().unwrap();
    let one = TrainConfig {
        max_epochs: 1,
        ..cfg.clone()
    };
    train(&ds, &one, dir2.path(), &mut |_| {}).unwrap();
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir2.path().join("checkpoint.json")).unwrap())
            .unwrap();
    // Resume the one-epoch run as if it had been started for two.
    meta["config"]["max_epochs"] = 2.into();
    std::fs::write(
        dir2.path().join("checkpoint.json"),
        serde_json::to_vec(&meta).unwrap(),
    )
    .unwrap();
    let b = train(&ds, &cfg, dir2.path(), &mut |_| {}).unwrap();
    assert_eq!(b.best, a.best, "resumed with its averaged weights");

    let rec = export(&a.best, None, &a.meta, &ds, serde_json::Value::Null).unwrap();
    let saved = tempfile::tempdir().unwrap();
    rec.save(saved.path()).unwrap();
    let back = Recognizer::load_dir(saved.path()).unwrap();
    assert_eq!(back.config().other_classes, ["apple", "sun"]);
    let d = &ds.classes[0].val[0];
    let g = back.classify(d);
    let mut p = back.logits_per_step(&features::inputs(d)).pop().unwrap();
    softmax_in_place(&mut p);
    assert!(
        (g.p_other - (p[3] + p[4])).abs() < 1e-6,
        "{} vs {:?}",
        g.p_other,
        p
    );
    assert_eq!(g.top.len(), 3, "the guess ranks the known classes only");
}

/// The raster CNN stage: it lowers its loss, resumes exactly, and the
/// exported recognizer saves both models, reloads them, and guesses with the
/// mixture (1 − w)·p_lstm + w·p_cnn, live and whole alike.
#[test]
fn the_cnn_stage_trains_resumes_and_mixes_with_the_lstm() {
    use rnn_studio::nn::ops::softmax_in_place;
    use rnn_studio::sketch::recognizer::eval::export;
    use rnn_studio::sketch::recognizer::train_cnn::{CnnTrainConfig, train_cnn};
    let ds = tiny_dataset();
    let run = TrainConfig {
        max_epochs: 1,
        ..tiny_config()
    };
    let dir = tempfile::tempdir().unwrap();
    let lstm = train(&ds, &run, dir.path(), &mut |_| {}).unwrap();
    let cfg = CnnTrainConfig {
        size: 16,
        channels: vec![4, 8],
        batch: 12,
        steps_per_epoch: 6,
        epochs: 3,
        lr: 1e-2,
        weight: 0.4,
        mirror: 0.5,
        ..CnnTrainConfig::default()
    };
    let (cnn, meta) = train_cnn(&ds, &run, &cfg, &lstm.best, dir.path(), &mut |_| {}).unwrap();
    let loss = |h: &serde_json::Value| h["loss"].as_f64().unwrap();
    let (first, last) = (
        loss(&meta.run.history[0]),
        loss(meta.run.history.last().unwrap()),
    );
    assert!(last < first, "CNN loss {first} -> {last}");
    assert_eq!(cnn.num_outputs(), 3);

    // Two epochs, then resumed to three, equals three at once.
    let dir2 = tempfile::tempdir().unwrap();
    let two = CnnTrainConfig {
        epochs: 2,
        ..cfg.clone()
    };
    train_cnn(&ds, &run, &two, &lstm.best, dir2.path(), &mut |_| {}).unwrap();
    assert!(
        train_cnn(&ds, &run, &cfg, &lstm.best, dir2.path(), &mut |_| {}).is_err(),
        "a checkpoint of other settings is refused"
    );
    let path = dir2.path().join("cnn_checkpoint.json");
    let mut saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    saved["config"]["epochs"] = 3.into();
    std::fs::write(&path, serde_json::to_vec(&saved).unwrap()).unwrap();
    let (resumed, _) = train_cnn(&ds, &run, &cfg, &lstm.best, dir2.path(), &mut |_| {}).unwrap();
    assert_eq!(
        resumed, cnn,
        "resumed with Adam's moments and averaged weights"
    );

    // A cosine head (`--cnn-cosine`) trains too, and the saved recognizer
    // keeps it.
    let cos_cfg = CnnTrainConfig {
        cosine: 8.0,
        ..cfg.clone()
    };
    let dir3 = tempfile::tempdir().unwrap();
    let (cos, cos_meta) =
        train_cnn(&ds, &run, &cos_cfg, &lstm.best, dir3.path(), &mut |_| {}).unwrap();
    let cos_losses: Vec<f64> = cos_meta.run.history.iter().map(loss).collect();
    assert!(
        cos_losses[2] < cos_losses[0],
        "cosine CNN loss {cos_losses:?}"
    );
    assert_eq!(cos.cosine, 8.0);
    // The LSTM and a CNN exported, saved and read back (and the folder).
    let saved_and_loaded = |cnn, weight| {
        let rec = export(
            &lstm.best,
            Some((cnn, weight)),
            &lstm.meta,
            &ds,
            serde_json::Value::Null,
        )
        .unwrap();
        let out = tempfile::tempdir().unwrap();
        rec.save(out.path()).unwrap();
        (Recognizer::load_dir(out.path()).unwrap(), out)
    };
    assert_eq!(saved_and_loaded(&cos, cos_cfg.weight).0.cnn(), Some(&cos));

    let (back, out) = saved_and_loaded(&cnn, cfg.weight);
    assert_eq!(back.cnn(), Some(&cnn));
    let d = &ds.classes[2].val[0];
    let g = back.classify(d);
    let simple = features::preprocess(d);
    let mut p = back
        .logits_per_step(&features::inputs(&simple))
        .pop()
        .unwrap();
    softmax_in_place(&mut p);
    let mut q = cnn.logits(&simple);
    softmax_in_place(&mut q);
    for (class, prob) in &g.top {
        let c = back.classes().iter().position(|n| n == class).unwrap();
        let want = 0.6 * p[c] + 0.4 * q[c];
        assert!((prob - want).abs() < 1e-5, "{class}: {prob} vs {want}");
    }
    // Live: point by point, the same guess as the whole drawing.
    let mut session = back.session();
    for s in &d.strokes {
        for (j, pt) in s.points.iter().enumerate() {
            session.push_point(pt.x, pt.y, j == 0);
        }
    }
    assert_eq!(session.guess(), g);
    // A config that disagrees with the CNN file is an error naming the file.
    let cp = out.path().join("config.json");
    let good = std::fs::read(&cp).unwrap();
    let mut c: serde_json::Value = serde_json::from_slice(&good).unwrap();
    c["cnn"]["channels"] = serde_json::json!([4, 9]);
    std::fs::write(&cp, serde_json::to_vec(&c).unwrap()).unwrap();
    let e = Recognizer::load_dir(out.path()).unwrap_err().to_string();
    assert!(
        e.contains("cnn.safetensors") && e.contains("channels"),
        "{e}"
    );
    std::fs::write(&cp, good).unwrap();
    // A damaged CNN file is an error that names it.
    std::fs::write(out.path().join("cnn.safetensors"), b"junk").unwrap();
    let e = Recognizer::load_dir(out.path()).unwrap_err().to_string();
    assert!(e.contains("cnn.safetensors"), "{e}");
}
