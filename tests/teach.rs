//! Taught classes end to end: `teach` then `classify --pack` on small
//! fixtures of simple, distinct shapes (zigzags and spirals, drawn by
//! tests/fixtures/teach/README.md's script), a corrupt pack and a pack with
//! a missing file refused without a change, export and import, and a
//! `kill -9` while learning that loses no example.

use rnn_studio::sketch::ndjson;
use rnn_studio::sketch::teach::Pack;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/teach")
        .join(name)
}

fn lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(fixture(name))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

/// Writes lines `range` of a fixture to `dir/name`.
fn part(dir: &Path, name: &str, range: std::ops::Range<usize>) -> PathBuf {
    let path = dir.join(format!("{name}-{}-{}.ndjson", range.start, range.end));
    std::fs::write(&path, lines(name)[range].join("\n") + "\n").unwrap();
    path
}

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rnn-studio"))
        .args(args)
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every file of a folder with its bytes, to show nothing changed.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Teaches zigzag and spiral from 5 drawings each into `pack`.
fn teach_two(tmp: &Path, pack: &Path) -> serde_json::Value {
    let z = part(tmp, "zigzag.ndjson", 0..5);
    let s = part(tmp, "spiral.ndjson", 0..5);
    let out = cli(&[
        "teach",
        "--pack",
        pack.to_str().unwrap(),
        &format!("zigzag={}", z.display()),
        &format!("spiral={}", s.display()),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out).remove(0)
}

#[test]
fn taught_shapes_are_recognized_after_a_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    let summary = teach_two(tmp.path(), &pack);
    assert_eq!(summary["learnt"], true);
    let classes = summary["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 2);
    for c in classes {
        assert_eq!(c["examples"], 5);
        assert!(c["fit"].as_f64().unwrap() > 0.5, "{c}");
    }
    // The sixth drawing of each, never taught, is named by the pack.
    for name in ["zigzag", "spiral"] {
        let sixth = part(tmp.path(), &format!("{name}.ndjson"), 5..6);
        let out = cli(&[
            "classify",
            "--json",
            "--pack",
            pack.to_str().unwrap(),
            sixth.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r = &json_lines(&out)[0];
        assert_eq!(r["top"][0]["class"], name, "{r}");
    }
    // Without the pack the same drawing is a built-in class.
    let sixth = part(tmp.path(), "zigzag.ndjson", 5..6);
    let out = cli(&["classify", "--json", sixth.to_str().unwrap()]);
    assert_ne!(json_lines(&out)[0]["top"][0]["class"], "zigzag");

    // Export, import into a fresh pack: the same classes and examples.
    let export = tmp.path().join("shapes.rnnpack");
    let out = cli(&[
        "teach",
        "--pack",
        pack.to_str().unwrap(),
        "--export",
        export.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let copy = tmp.path().join("copy");
    let out = cli(&[
        "teach",
        "--pack",
        copy.to_str().unwrap(),
        "--import",
        export.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = (Pack::open(&pack).unwrap(), Pack::open(&copy).unwrap());
    assert_eq!(a.classes, b.classes);
    assert_eq!(
        a.head, b.head,
        "an import into an empty pack keeps the learnt head"
    );

    // Rename and delete.
    let out = cli(&[
        "teach",
        "--pack",
        pack.to_str().unwrap(),
        "--rename",
        "zigzag=lightning",
    ]);
    assert!(out.status.success());
    let out = cli(&[
        "teach",
        "--pack",
        pack.to_str().unwrap(),
        "--delete",
        "spiral",
    ]);
    assert!(out.status.success());
    let p = Pack::open(&pack).unwrap();
    let names: Vec<&str> = p.classes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["lightning"]);
    assert!(!pack.join("spiral.ndjson").exists() && !pack.join("zigzag.ndjson").exists());
}

#[test]
fn a_corrupt_pack_or_one_with_a_missing_file_is_refused_and_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    teach_two(tmp.path(), &pack);
    let more = part(tmp.path(), "zigzag.ndjson", 5..6);
    let add = format!("zigzag={}", more.display());

    // A bad example line.
    let good = std::fs::read(pack.join("spiral.ndjson")).unwrap();
    std::fs::write(
        pack.join("spiral.ndjson"),
        b"{\"drawing\": [[[1,2],[3]]]}\n",
    )
    .unwrap();
    let before = snapshot(&pack);
    let out = cli(&["teach", "--pack", pack.to_str().unwrap(), &add]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("spiral.ndjson") && err.contains("line 1"),
        "{err}"
    );
    assert_eq!(snapshot(&pack), before, "nothing changed");
    let out = cli(&[
        "classify",
        "--pack",
        pack.to_str().unwrap(),
        more.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(pack.join("spiral.ndjson"), good).unwrap();

    // pack.json cut short.
    let index = std::fs::read(pack.join("pack.json")).unwrap();
    std::fs::write(pack.join("pack.json"), &index[..index.len() / 2]).unwrap();
    let before = snapshot(&pack);
    let out = cli(&["teach", "--pack", pack.to_str().unwrap(), &add]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pack.json"));
    assert_eq!(snapshot(&pack), before);

    // Another format version.
    let text = String::from_utf8(index.clone())
        .unwrap()
        .replace("rnn-studio-pack-1", "rnn-studio-pack-9");
    std::fs::write(pack.join("pack.json"), text).unwrap();
    let out = cli(&["teach", "--pack", pack.to_str().unwrap(), &add]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rnn-studio-pack-9"));
    std::fs::write(pack.join("pack.json"), &index).unwrap();

    // A class file gone.
    std::fs::remove_file(pack.join("zigzag.ndjson")).unwrap();
    let before = snapshot(&pack);
    let out = cli(&["teach", "--pack", pack.to_str().unwrap(), &add]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing file") && err.contains("zigzag"),
        "{err}"
    );
    assert_eq!(snapshot(&pack), before);

    // A corrupt export is refused before anything is written.
    let bad = tmp.path().join("bad.rnnpack");
    std::fs::write(
        &bad,
        br#"{"format":"rnn-studio-pack-1","classes":[{"name":"x","drawings":[{"drawing":5}]}]}"#,
    )
    .unwrap();
    let fresh = tmp.path().join("fresh");
    let out = cli(&[
        "teach",
        "--pack",
        fresh.to_str().unwrap(),
        "--import",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!fresh.exists(), "nothing was written");
}

#[test]
fn kill_9_while_learning_loses_no_example() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    // Many examples, so learning (embedding 9 variants of each) takes a while.
    let mut text = String::new();
    for _ in 0..8 {
        text.push_str(&(lines("spiral.ndjson").join("\n") + "\n"));
    }
    let file = tmp.path().join("many.ndjson");
    std::fs::write(&file, &text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rnn-studio"))
        .args(["teach", "--pack", pack.to_str().unwrap()])
        .arg(format!("spiral={}", file.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The examples are written before learning starts: kill as soon as
    // pack.json lists them.
    let t0 = std::time::Instant::now();
    while !pack.join("pack.json").exists() && t0.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let still_learning = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        still_learning,
        "killed after learning had finished: the test proved nothing"
    );
    let p = Pack::open(&pack).unwrap();
    assert_eq!(p.class("spiral").unwrap().examples.len(), 48);
    assert!(p.head.is_none(), "the head was never written");
    // The next run learns, and the examples are still all there.
    let out = cli(&["teach", "--pack", pack.to_str().unwrap()]);
    assert!(out.status.success());
    let s = &json_lines(&out)[0];
    assert_eq!(s["learnt"], true);
    assert_eq!(s["classes"][0]["examples"], 48);
    let parsed: Vec<_> =
        ndjson::parse_lines(&std::fs::read_to_string(pack.join("spiral.ndjson")).unwrap())
            .collect();
    assert_eq!(parsed.len(), 48);
}

/// "No, it's a …" learns again incrementally: one more example embeds only
/// its own variants (the others are kept from the first learn), and the head
/// equals one learnt from scratch; the pack's unsure threshold is set
/// (calibrated again for the larger class set).
#[test]
fn learning_again_embeds_only_the_new_example() {
    use rnn_studio::sketch::recognizer::Recognizer;
    use rnn_studio::sketch::teach::{EmbedCache, LearnOptions, LearnProgress, anchors};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("weights/recognizer");
    let rec = Recognizer::load_dir(&root).unwrap();
    let drawings = |name: &str, n: usize| -> Vec<rnn_studio::sketch::drawing::Drawing> {
        lines(name)[..n]
            .iter()
            .map(|l| ndjson::parse_line(l).unwrap())
            .collect()
    };
    let some_anchors: Vec<_> = anchors::read(&root.join(anchors::ANCHORS_FILE))
        .unwrap()
        .into_iter()
        .step_by(8)
        .collect();
    let anchors = anchors::embed(&rec, &some_anchors);
    let opts = LearnOptions::default();
    let mut classes = vec![
        ("zigzag".to_string(), drawings("zigzag.ndjson", 4)),
        ("spiral".to_string(), drawings("spiral.ndjson", 4)),
    ];
    let mut cache = EmbedCache::default();
    let embedded = |cache: &mut EmbedCache, classes: &[(String, Vec<_>)]| {
        let mut total = 0;
        let l = rnn_studio::sketch::teach::learn_cached(
            &rec,
            classes,
            &anchors,
            &opts,
            cache,
            &mut |p| {
                if let LearnProgress::Embedding { total: t, .. } = p {
                    total = t;
                }
            },
        );
        (l, total)
    };
    let (_, first) = embedded(&mut cache, &classes);
    assert_eq!(first, 8 * (opts.copies + 1));
    classes[0].1 = drawings("zigzag.ndjson", 5);
    let (again, second) = embedded(&mut cache, &classes);
    assert_eq!(second, opts.copies + 1, "only the new example's variants");
    assert_eq!(cache.len(), 9);
    let scratch = rnn_studio::sketch::teach::learn(&rec, &classes, &anchors, &opts, &mut |_| {});
    assert_eq!(again.head, scratch.head);
    let t = again
        .head
        .unsure_threshold
        .expect("calibrated with the pack");
    assert!(t.is_finite() && t > 0.0 && t < 1.0, "{t}");
}

mod gui {
    use egui::Pos2;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use rnn_studio::app::files::NoPicker;
    use rnn_studio::app::{AppOptions, StudioApp, TabId};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    fn step_until(h: &mut Harness<'_, StudioApp>, what: &str, done: impl Fn(&StudioApp) -> bool) {
        let t = Instant::now();
        while !done(h.state()) {
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "{what} never happened"
            );
            std::thread::sleep(Duration::from_millis(5));
            h.step();
        }
        h.run();
    }

    /// A zig-zag dragged across the Teach canvas, `teeth` teeth, like a user drawing.
    fn draw_zigzag(h: &mut Harness<'_, StudioApp>, teeth: usize, lift: f32) {
        let rect = h.state().teach.canvas.rect;
        assert!(rect.width() > 100.0, "canvas was laid out: {rect:?}");
        let at = |u: f32, v: f32| {
            Pos2::new(
                rect.left() + u * rect.width(),
                rect.top() + v * rect.height(),
            )
        };
        let start = at(0.1, 0.5);
        h.hover_at(start);
        h.run();
        h.drag_at(start);
        h.run();
        let n = 2 * teeth;
        for k in 1..=n {
            let u = 0.1 + 0.8 * k as f32 / n as f32;
            let v = if k % 2 == 1 { 0.5 - lift } else { 0.5 };
            h.hover_at(at(u, v));
            h.run();
        }
        h.drop_at(at(0.9, 0.5));
        h.run();
    }

    /// Five zig-zags drawn through the harness and added, Learn, a sixth is
    /// guessed as the taught class; the pack on disk holds the five.
    #[test]
    fn teach_panel_learns_five_drawings_and_guesses_the_sixth() {
        // A fixed folder: the tab shows it, and the snapshot must not change.
        let dir = std::env::temp_dir().join("rnn-studio-teach-gui-test");
        let _ = std::fs::remove_dir_all(&dir);
        let app = StudioApp::new(AppOptions {
            picker: Arc::new(NoPicker),
            state_dir: None,
            pack_dir: Some(dir.clone()),
            settings_path: None,
            lang: None,
        });
        let mut h = Harness::builder()
            .with_size([1000.0, 700.0])
            .with_max_steps(30)
            .build_ui_state(|ui, app: &mut StudioApp| app.show(ui), app);
        h.run();
        h.get_by_label("Teach").click();
        h.run();
        assert_eq!(h.state().tab, TabId::Teach);
        h.get_by_label("Class:").click();
        h.run();
        h.get_by_label("Class:").type_text("zigzag");
        h.run();
        for (i, (teeth, lift)) in [(3, 0.25), (4, 0.2), (3, 0.3), (5, 0.22), (4, 0.28)]
            .into_iter()
            .enumerate()
        {
            draw_zigzag(&mut h, teeth, lift);
            h.get_by_label("Add example").click();
            h.run();
            step_until(&mut h, "the example is kept", |a| {
                a.teach
                    .pack
                    .classes
                    .first()
                    .is_some_and(|c| c.1.len() == i + 1)
            });
        }
        assert_eq!(h.state().teach.pack.classes[0].0, "zigzag");
        h.get_by_label("Learn").click();
        h.step(); // the spinner repaints while it learns
        step_until(&mut h, "learning", |a| {
            !a.teach.learning && a.teach.pack.learnt
        });
        let fit = &h.state().teach.fit;
        assert_eq!(fit.len(), 1);
        assert_eq!(fit[0].len(), 5, "a fit for every example");
        assert!(h.state().teach.losses.len() > 10, "a loss curve");
        draw_zigzag(&mut h, 4, 0.24);
        step_until(&mut h, "the guess of the whole drawing", |a| {
            a.teach.guess.is_some() && a.teach.guess_is_current()
        });
        let g = h.state().teach.guess.clone().unwrap();
        assert_eq!(g.top[0].0, "zigzag", "{:?}", &g.top[..3]);
        h.remove_cursor();
        h.run();
        h.snapshot("teach_tab");
        let pack = rnn_studio::sketch::teach::Pack::open(&dir).unwrap();
        assert_eq!(pack.class("zigzag").unwrap().examples.len(), 5);
        assert!(pack.is_learnt());

        // Export the pack from the tab (no dialog here: a typed path),
        // delete the class, import the file: the five examples are back.
        let file = std::env::temp_dir().join("rnn-studio-teach-gui-test.json");
        let _ = std::fs::remove_file(&file);
        let typed_path = |h: &mut Harness<'_, StudioApp>, button: &str| {
            h.get_by_label(button).click();
            h.run();
            h.run();
            assert!(h.query_by_label_contains("Type the file's path").is_some());
            // The prompt's field has the focus: type into it.
            h.input_mut()
                .events
                .push(egui::Event::Text(file.to_str().unwrap().into()));
            h.run();
            h.key_press(egui::Key::Enter);
            h.run();
        };
        typed_path(&mut h, "Export pack…");
        step_until(&mut h, "the export", |a| {
            a.teach
                .message
                .as_deref()
                .is_some_and(|m| m.contains("exported"))
        });
        assert!(file.exists(), "the pack file was written");
        h.get_by_label("Delete class").click();
        h.run();
        step_until(&mut h, "the class is deleted", |a| {
            a.teach.pack.classes.is_empty()
        });
        typed_path(&mut h, "Import pack…");
        step_until(&mut h, "the import", |a| a.teach.pack.classes.len() == 1);
        assert_eq!(h.state().teach.pack.classes[0].1.len(), 5);
        let pack = rnn_studio::sketch::teach::Pack::open(&dir).unwrap();
        assert_eq!(pack.class("zigzag").unwrap().examples.len(), 5);
        // A file that is not a pack: an error in the tab, nothing changed.
        std::fs::write(&file, b"{ not a pack").unwrap();
        typed_path(&mut h, "Import pack…");
        step_until(&mut h, "the refusal", |a| {
            a.teach
                .message
                .as_deref()
                .is_some_and(|m| m.contains("rnn-studio-teach-gui-test.json"))
        });
        assert_eq!(h.state().teach.pack.classes[0].1.len(), 5);
        drop(h);
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
