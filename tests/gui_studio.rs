//! GUI tests of the sketch studio with egui_kittest: the multi-predict grid
//! (a snapshot; a tile adopted onto the canvas and undone; the grid from the
//! user's doodle), switching class while the grid is being drawn, and the
//! panel at 640×480.

use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rnn_studio::app::files::NoPicker;
use rnn_studio::app::{AppOptions, StudioApp};
mod gui_common;
use gui_common::step_until;
use std::sync::Arc;
use std::time::Duration;

fn app() -> StudioApp {
    StudioApp::new(AppOptions {
        picker: Arc::new(NoPicker),
        state_dir: None,
        settings_path: None,
        lang: None,
        pack_dir: None,
    })
}

fn harness(app: StudioApp, size: [f32; 2]) -> Harness<'static, StudioApp> {
    Harness::builder()
        .with_size(size)
        .with_max_steps(30)
        .build_ui_state(|ui, app: &mut StudioApp| app.show(ui), app)
}

fn grid_done(h: &mut Harness<'_, StudioApp>) {
    step_until(h, "the grid drawn", |a| {
        let g = &a.sketch.sketch_rnn.grid;
        !g.is_busy() && (!g.tiles.is_empty() || g.error.is_some())
    });
    let g = &h.state().sketch.sketch_rnn.grid;
    assert!(g.error.is_none(), "the grid failed: {:?}", g.error);
    h.run();
}

/// Waits for the guess of the drawing on the canvas, so the panels have
/// their final layout before a button is clicked (a click aims at where the
/// button was in the last frame).
fn guess_settled(h: &mut Harness<'_, StudioApp>) {
    step_until(h, "the guess", |a| a.sketch.guess.is_some());
    h.run();
}

/// A stroke across the canvas, as a user drags it.
fn draw_stroke(h: &mut Harness<'_, StudioApp>, from: (f32, f32), to: (f32, f32)) {
    let rect = h.state().sketch.canvas.rect;
    let at = |u: f32, v: f32| {
        Pos2::new(
            rect.left() + u * rect.width(),
            rect.top() + v * rect.height(),
        )
    };
    h.hover_at(at(from.0, from.1));
    h.run();
    h.drag_at(at(from.0, from.1));
    h.run();
    for k in 1..=8 {
        let s = k as f32 / 8.0;
        h.hover_at(at(
            from.0 + (to.0 - from.0) * s,
            from.1 + (to.1 - from.1) * s + 0.02 * (k % 2) as f32,
        ));
        h.run();
    }
    h.drop_at(at(to.0, to.1));
    h.run();
}

/// The grid of 6 from nothing: six bird tiles, rows at τ 0.1 and 0.25,
/// seeds 1…6, each judged by the recognizer; then a click adopts a tile
/// onto the canvas and Undo takes it back.
#[test]
fn grid_snapshot_then_adopt_a_tile_and_undo() {
    let mut h = harness(app(), [1000.0, 760.0]);
    h.run();
    let bird = h
        .state()
        .sketch
        .sketch_rnn
        .classes
        .iter()
        .position(|c| c == "bird")
        .unwrap();
    h.state_mut().sketch.sketch_rnn.class = bird;
    h.get_by_label("Show ideas").click();
    h.step();
    grid_done(&mut h);
    let grid = &h.state().sketch.sketch_rnn.grid;
    assert_eq!(grid.tiles.len(), 6);
    let seeds: Vec<u64> = grid.tiles.iter().map(|t| t.spec.seed).collect();
    let taus: Vec<f32> = grid.tiles.iter().map(|t| t.spec.temperature).collect();
    assert_eq!(seeds, [1, 2, 3, 4, 5, 6]);
    assert_eq!(taus, [0.1, 0.1, 0.1, 0.25, 0.25, 0.25]);
    assert!(
        grid.tiles
            .iter()
            .all(|t| t.class == "bird" && t.judged.is_some())
    );
    // Each tile is the library's tile for its seed, sampled one by one.
    let model = rnn_studio::sketch::sketch_rnn::SketchRnn::load(
        &rnn_studio::weights::root_for(rnn_studio::weights::SKETCH_RNN).unwrap(),
        "bird",
    )
    .unwrap();
    for t in &grid.tiles {
        assert_eq!(t.strokes, model.sample_tile(None, t.spec).strokes);
    }
    assert_eq!(
        h.state().sketch.sketch_rnn.seed,
        7,
        "Again would start at seed 7"
    );
    h.remove_cursor();
    h.run();
    h.snapshot("studio_grid");

    // The grid's and a tile's exports: a 3×2 PNG, an SVG with the tile's
    // strokes, a GIF; the empty canvas has nothing to export.
    use rnn_studio::app::studio_grid::ExportTarget;
    use rnn_studio::sketch::export::Format;
    let (panel, canvas) = (&h.state().sketch.sketch_rnn, &h.state().sketch.canvas);
    let png = panel
        .export_bytes(ExportTarget::Grid, Format::Png, canvas)
        .unwrap();
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), (3 * 512, 2 * 512));
    let svg = panel
        .export_bytes(ExportTarget::Tile(1), Format::Svg, canvas)
        .unwrap();
    let svg = String::from_utf8(svg).unwrap();
    assert_eq!(
        svg.matches("<path").count(),
        panel.grid.tiles[1].strokes.len()
    );
    let gif = panel
        .export_bytes(ExportTarget::Grid, Format::Gif, canvas)
        .unwrap();
    assert!(gif.starts_with(b"GIF89a"));
    let e = panel
        .export_bytes(ExportTarget::Canvas, Format::Png, canvas)
        .unwrap_err();
    assert!(e.contains("nothing to export"), "{e}");

    // Adopt the second tile: the canvas shows it; Undo empties the canvas again.
    assert!(h.state().sketch.canvas.drawing().is_empty());
    h.get_by_label("bird, seed 2, τ 0.10").click();
    h.run();
    let on_canvas = h.state().sketch.canvas.drawing().clone();
    assert_eq!(
        on_canvas.strokes.len(),
        h.state().sketch.sketch_rnn.grid.tiles[1].strokes.len()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(
        h.state().sketch.canvas.drawing().is_empty(),
        "one Undo takes the tile back"
    );
}

/// From the user's doodle, the tiles continue it in its own coordinates;
/// adopting one puts it in the overlay and leaves the user's strokes alone.
#[test]
fn grid_continues_the_doodle_and_adopting_leaves_it_untouched() {
    let mut h = harness(app(), [1000.0, 760.0]);
    h.run();
    draw_stroke(&mut h, (0.3, 0.3), (0.7, 0.35));
    guess_settled(&mut h);
    let mine = h.state().sketch.canvas.drawing().clone();
    h.get_by_label("Continue my doodle in a grid").click();
    h.step();
    grid_done(&mut h);
    let grid = &h.state().sketch.sketch_rnn.grid;
    assert_eq!(grid.continued.as_ref(), Some(&mine));
    let first = grid.tiles[0].clone();
    let class = crate_class_name(&first.class);
    h.get_by_label(&format!("{class}, seed 1, τ 0.10")).click();
    h.run();
    assert_eq!(
        h.state().sketch.canvas.drawing(),
        &mine,
        "the user's strokes stay"
    );
    assert_eq!(h.state().sketch.canvas.overlay, first.strokes);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().sketch.canvas.overlay.is_empty());
    assert_eq!(h.state().sketch.canvas.drawing(), &mine);
}

fn crate_class_name(class: &str) -> String {
    rnn_studio::i18n::class_name(class)
}

/// Switching the class while the grid is being revealed cancels it: the
/// old grid's reply, even if it arrives late, is dropped; the new grid is
/// all of the new class, with the same seeds, and revealed from the start.
#[test]
fn switching_class_mid_animation_cancels_cleanly() {
    let mut h = harness(app(), [1000.0, 760.0]);
    h.run();
    let classes = h.state().sketch.sketch_rnn.classes.clone();
    let (bird, cat) = (
        classes.iter().position(|c| c == "bird").unwrap(),
        classes.iter().position(|c| c == "sheep").unwrap(),
    );
    h.state_mut().sketch.sketch_rnn.class = bird;
    h.get_by_label("Show ideas").click();
    h.step();
    step_until(&mut h, "the bird grid arrives", |a| {
        a.sketch.sketch_rnn.grid.pending.is_none()
    });
    h.step();
    let old = h.state().sketch.sketch_rnn.grid.tiles.clone();
    assert!(old.iter().all(|t| t.class == "bird"));
    assert!(
        h.state().sketch.sketch_rnn.grid.is_busy(),
        "still being revealed"
    );

    // Mid-animation: another class.
    let user = h.state().sketch.canvas.drawing().clone();
    let c = h
        .state_mut()
        .sketch
        .sketch_rnn
        .choose_class(cat, &user)
        .expect("an open grid is redrawn");
    h.state_mut().run_command(c);
    let grid = &h.state().sketch.sketch_rnn.grid;
    assert!(
        grid.tiles.is_empty() && grid.pending.is_some(),
        "the bird grid is gone"
    );
    // A late reply of the cancelled request changes nothing.
    let stale = grid.pending.unwrap() - 1;
    h.state_mut()
        .sketch
        .sketch_rnn
        .grid
        .receive(0.0, stale, Ok(old.clone()));
    assert!(h.state().sketch.sketch_rnn.grid.tiles.is_empty());
    grid_done(&mut h);
    let grid = &h.state().sketch.sketch_rnn.grid;
    assert_eq!(grid.tiles.len(), 6);
    assert!(
        grid.tiles.iter().all(|t| t.class == classes[cat]),
        "only the new class"
    );
    let seeds: Vec<u64> = grid.tiles.iter().map(|t| t.spec.seed).collect();
    assert_eq!(
        seeds,
        old.iter().map(|t| t.spec.seed).collect::<Vec<_>>(),
        "same seeds"
    );
    let full: Vec<usize> = grid
        .tiles
        .iter()
        .map(|t| t.strokes.iter().map(|s| s.points.len()).sum())
        .collect();
    assert_eq!(grid.shown, full, "revealed to the end");
}

/// At 640×480 with the grid open, the sketch-rnn controls stay on screen
/// (the panel scrolls), the canvas keeps its room, and the tiles scroll.
#[test]
fn small_window_keeps_the_controls_and_the_canvas() {
    let mut h = harness(app(), [640.0, 480.0]);
    h.run();
    // "Show ideas" is further down the panel, which scrolls; ask for it directly.
    let user = h.state().sketch.canvas.drawing().clone();
    let c = h.state_mut().sketch.sketch_rnn.request_grid(&user);
    h.state_mut().run_command(c);
    grid_done(&mut h);
    h.snapshot("studio_small");
    let draw = h.get_by_label("Draw it for me").rect();
    assert!(
        draw.bottom() <= 480.0 && draw.top() >= 0.0,
        "Draw it for me at {draw:?}"
    );
    let canvas = h.state().sketch.canvas.rect;
    assert!(canvas.height() >= 150.0, "canvas {canvas:?}");
}

/// "Predict as I draw" (off by default): after a pen-up a faint
/// continuation is offered; drawing on dismisses it; Tab keeps the next one
/// (it becomes the overlay, so Undo removes it).
#[test]
fn predict_as_you_draw_offers_dismisses_and_tab_keeps() {
    let mut h = harness(app(), [1000.0, 760.0]);
    h.run();
    assert!(!h.state().sketch.sketch_rnn.predict, "off by default");
    h.get_by_label("Predict as I draw").click();
    h.run();
    draw_stroke(&mut h, (0.3, 0.3), (0.7, 0.35));
    step_until(&mut h, "a faint continuation", |a| {
        a.sketch.sketch_rnn.ghost.is_some()
    });
    assert!(
        h.state().sketch.canvas.overlay.is_empty(),
        "only offered, not drawn"
    );
    let first = h.state().sketch.sketch_rnn.ghost.clone().unwrap();
    assert_eq!(first.1, h.state().sketch.canvas.revision());
    // Drawing on dismisses it (a new one follows for the longer drawing).
    draw_stroke(&mut h, (0.3, 0.6), (0.7, 0.65));
    assert!(
        h.state()
            .sketch
            .sketch_rnn
            .ghost
            .as_ref()
            .is_none_or(|g| g.1 != first.1),
        "the old offer is gone"
    );
    step_until(&mut h, "the next continuation", |a| {
        a.sketch.sketch_rnn.ghost.is_some()
    });
    let offer = h.state().sketch.sketch_rnn.ghost.clone().unwrap().0;
    let mine = h.state().sketch.canvas.drawing().clone();
    h.key_press(Key::Tab);
    h.run();
    assert_eq!(h.state().sketch.canvas.overlay, offer, "Tab keeps it");
    assert_eq!(h.state().sketch.canvas.drawing(), &mine);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(
        h.state().sketch.canvas.overlay.is_empty(),
        "Undo removes it"
    );
}

/// Copy image goes through the worker to the system clipboard: under an X
/// server (run the suite with `xvfb-run`), the image reads back exactly;
/// without one, the reply says why, and nothing panics.
#[test]
fn copy_image_reaches_the_clipboard() {
    use rnn_studio::app::worker::{Job, Reply, Worker};
    let worker = Worker::spawn(|| {});
    let image = image::RgbaImage::from_fn(7, 5, |x, y| {
        image::Rgba([x as u8 * 30, y as u8 * 40, 9, 255])
    });
    worker.send(Job::CopyImage {
        image: image.clone(),
        what: "the test image".into(),
    });
    let reply = worker
        .recv_timeout(Duration::from_secs(20))
        .expect("a reply");
    let Reply::Copied { what, result } = reply else {
        panic!("unexpected reply {reply:?}")
    };
    assert_eq!(what, "the test image");
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        assert!(result.is_err(), "no display, no clipboard");
        return;
    }
    result.expect("copied");
    // The worker keeps its clipboard alive, so another reader sees the image.
    let got = arboard::Clipboard::new()
        .unwrap()
        .get_image()
        .expect("an image on the clipboard");
    assert_eq!((got.width, got.height), (7, 5));
    assert_eq!(got.bytes.as_ref(), image.as_raw().as_slice());
}
