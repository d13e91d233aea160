//! GUI tests of the Lab tab with egui_kittest: Start, Pause and Reset change
//! the lab's state and its curves as a student expects, and a snapshot of the
//! tab after a few seeded epochs.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rnn_studio::app::files::NoPicker;
use rnn_studio::app::lab_tab::LabState;
use rnn_studio::app::{AppOptions, StudioApp, TabId};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn harness() -> Harness<'static, StudioApp> {
    let app = StudioApp::new(AppOptions {
        picker: Arc::new(NoPicker),
        state_dir: None,
        pack_dir: None,
        settings_path: None,
        lang: None,
    });
    Harness::builder()
        .with_size([1000.0, 700.0])
        .build_ui_state(|ui, app: &mut StudioApp| app.show(ui), app)
}

/// Steps the harness until `done` holds (the worker trains meanwhile).
fn wait_until(h: &mut Harness<'_, StudioApp>, what: &str, done: impl Fn(&StudioApp) -> bool) {
    let t = Instant::now();
    while !done(h.state()) {
        assert!(t.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
}

#[test]
fn lab_start_pause_resume_and_reset() {
    let mut h = harness();
    h.run();
    h.get_by_label("Lab").click();
    h.run();
    assert_eq!(h.state().tab, TabId::Lab);
    assert_eq!(h.state().lab.state, LabState::Idle);
    {
        let lab = &mut h.state_mut().lab;
        lab.config.k = 10;
        lab.max_epochs = 1000;
    }

    h.get_by_label("Start").click();
    h.step();
    assert_eq!(h.state().lab.state, LabState::Running);
    wait_until(&mut h, "two epochs arrive", |a| a.lab.reports.len() >= 2);

    h.get_by_label("Pause").click();
    h.step();
    assert_eq!(h.state().lab.state, LabState::Paused);
    // At most the epoch in flight still arrives; then nothing more.
    std::thread::sleep(Duration::from_millis(1500));
    h.step();
    let paused_at = h.state().lab.reports.len();
    std::thread::sleep(Duration::from_millis(1000));
    h.step();
    assert_eq!(
        h.state().lab.reports.len(),
        paused_at,
        "paused means no new epochs"
    );
    let epochs: Vec<usize> = h.state().lab.reports.iter().map(|r| r.epoch).collect();
    assert_eq!(
        epochs,
        (1..=paused_at).collect::<Vec<_>>(),
        "epochs in order"
    );

    // Start resumes the same session: epoch numbers go on.
    h.get_by_label("Start").click();
    h.step();
    assert_eq!(h.state().lab.state, LabState::Running);
    wait_until(&mut h, "training resumes", |a| {
        a.lab.reports.len() > paused_at
    });
    assert_eq!(h.state().lab.reports[paused_at].epoch, paused_at + 1);

    h.get_by_label("Reset").click();
    h.step();
    assert_eq!(h.state().lab.state, LabState::Idle);
    assert!(h.state().lab.reports.is_empty(), "reset clears the curves");
    std::thread::sleep(Duration::from_millis(500));
    h.step();
    assert!(
        h.state().lab.reports.is_empty(),
        "nothing arrives after reset"
    );
    h.run();
}

#[test]
fn lab_refuses_a_bad_text_with_a_reason_and_stays_idle() {
    let mut h = harness();
    h.state_mut().tab = TabId::Lab;
    {
        let lab = &mut h.state_mut().lab;
        lab.config.task = rnn_studio::nn::lab::TaskKind::Charlm;
        lab.text = "aaaa".into();
    }
    h.run();
    h.get_by_label("Start").click();
    h.run();
    assert_eq!(h.state().lab.state, LabState::Idle);
    let err = h.state().lab.error.clone().expect("an error is shown");
    assert!(err.contains("2 different characters"), "{err}");
}

#[test]
fn lab_tab_snapshot_after_five_seeded_epochs() {
    let mut h = harness();
    h.state_mut().tab = TabId::Lab;
    {
        let lab = &mut h.state_mut().lab;
        lab.config.model = rnn_studio::nn::lab::ModelKind::Lstm;
        lab.config.k = 20;
        lab.config.seed = 1;
        lab.max_epochs = 5;
    }
    h.run();
    h.get_by_label("Start").click();
    h.step();
    wait_until(&mut h, "five epochs", |a| a.lab.state == LabState::Finished);
    assert_eq!(h.state().lab.reports.len(), 5);
    h.remove_cursor();
    h.run();
    h.snapshot("lab_tab");
}

#[test]
fn choosing_characters_does_not_move_start() {
    let mut h = harness();
    h.state_mut().tab = TabId::Lab;
    h.run();
    let before = h.get_by_label("Start").rect().top();
    h.get_by_label("Characters").click();
    h.run();
    assert_eq!(
        h.state().lab.config.task,
        rnn_studio::nn::lab::TaskKind::Charlm
    );
    let after = h.get_by_label("Start").rect().top();
    assert!(
        (after - before).abs() < 0.5,
        "Start moved from y={before} to y={after}"
    );
    assert!(h.query_by_label("Text to model").is_some());
}
