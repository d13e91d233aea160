//! The app in Brazilian Portuguese, with egui_kittest: a snapshot of every
//! tab in pt-BR at 1024×700 (the smallest size the issue asks to fit; the
//! default window is larger), the language menu switching live and keeping
//! the choice in the settings file, and a bad settings file giving the
//! defaults and a message.
//!
//! Each test speaks pt-BR on its own thread only ([`i18n::ThreadLang`]):
//! the test binary runs tests side by side in one process, and kittest runs
//! the app on the test's thread, so nothing here switches the language of a
//! test next to it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rnn_studio::app::files::NoPicker;
use rnn_studio::app::lab_tab::LabState;
use rnn_studio::app::{AppOptions, StudioApp, TabId};
use rnn_studio::i18n::{self, Lang};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn app(settings_path: Option<PathBuf>, lang: Option<Lang>) -> StudioApp {
    StudioApp::new(AppOptions {
        picker: Arc::new(NoPicker),
        state_dir: None,
        pack_dir: None,
        settings_path,
        lang,
    })
}

fn harness(app: StudioApp) -> Harness<'static, StudioApp> {
    Harness::builder()
        .with_size([1024.0, 700.0])
        .with_max_steps(30)
        .build_ui_state(|ui, app: &mut StudioApp| app.show(ui), app)
}

fn wait_until(h: &mut Harness<'_, StudioApp>, what: &str, done: impl Fn(&StudioApp) -> bool) {
    let t = Instant::now();
    while !done(h.state()) {
        assert!(t.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    h.run();
}

#[test]
fn every_tab_in_portuguese() {
    let _pt = i18n::ThreadLang::new(Lang::PtBr);
    let mut h = harness(app(None, None));
    h.run();
    // The tab bar and the Sketch tab's controls speak Portuguese.
    for label in [
        "Desenho",
        "Legenda",
        "Sobre",
        "Laboratório",
        "Desfazer",
        "Limpar",
    ] {
        h.get_by_label(label);
    }
    let cat = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/quickdraw/sample.ndjson"
    );
    h.state_mut().open_drawing(std::path::Path::new(cat));
    assert!(
        h.state().status.starts_with("aberto: "),
        "{}",
        h.state().status
    );
    h.remove_cursor();
    wait_until(&mut h, "a guess", |a| a.sketch.guess.is_some());
    h.snapshot("pt_sketch_tab");

    h.state_mut().sketch.toggle_inspect();
    wait_until(&mut h, "the inspection", |a| {
        a.sketch.inspect.inspection.is_some()
    });
    h.snapshot("pt_sketch_inspect");
    h.state_mut().sketch.toggle_inspect();

    h.state_mut().tab = TabId::Caption;
    h.run();
    let photo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/photos/chelsea_small.jpg"
    );
    let c = h
        .state_mut()
        .caption
        .request(rnn_studio::app::worker::PhotoSource::File(photo.into()));
    h.state_mut().run_command(c);
    wait_until(&mut h, "photo and caption", |a| {
        a.caption.loading.is_none() && a.caption.captioning.is_none() && a.caption.caption.is_some()
    });
    // The caption itself stays English, and says so.
    h.get_by_label("legenda (em inglês):");
    h.snapshot("pt_caption_tab");

    h.state_mut().tab = TabId::About;
    h.run();
    h.get_by_label("Teclado");
    h.snapshot("pt_about_tab");

    h.state_mut().tab = TabId::Lab;
    {
        let lab = &mut h.state_mut().lab;
        lab.config.model = rnn_studio::nn::lab::ModelKind::Lstm;
        lab.config.k = 20;
        lab.config.seed = 1;
        lab.max_epochs = 5;
    }
    h.run();
    h.get_by_label("Iniciar").click();
    h.step();
    wait_until(&mut h, "five epochs", |a| a.lab.state == LabState::Finished);
    let status = h.state().lab.status_line();
    assert!(
        status.starts_with("época 5 (50 atualizações): perda "),
        "{status}"
    );
    assert!(status.contains(','), "decimal commas: {status}");
    h.remove_cursor();
    h.run();
    h.snapshot("pt_lab_tab");

    // The Teach tab, taught classes off (no pack folder here): its
    // buttons and notes in Portuguese.
    h.state_mut().tab = TabId::Teach;
    h.run();
    h.get_by_label("Aprender");
    h.get_by_label("Importar pacote…");
    h.snapshot("pt_teach_tab");
}

#[test]
fn the_language_menu_switches_live_and_is_kept() {
    let _pt = i18n::ThreadLang::new(Lang::PtBr);
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("rnn-studio/settings.json");
    let mut h = harness(app(Some(settings.clone()), None));
    h.run();
    h.get_by_label("Desfazer");
    h.get_by_label("Idioma").click();
    h.run();
    h.get_by_label("English").click();
    h.run();
    assert_eq!(i18n::current(), Lang::En);
    h.get_by_label("Undo");
    h.get_by_label("Sketch");
    let text = std::fs::read_to_string(&settings).expect("the choice was written");
    assert!(text.contains("\"en\""), "{text}");

    // The next start reads it back, whatever the locale says.
    i18n::set(Lang::PtBr);
    let h = harness(app(Some(settings), None));
    assert_eq!(i18n::current(), Lang::En);
    drop(h);

    // --lang wins over the file for that run.
    let dir2 = tempfile::tempdir().unwrap();
    let s2 = dir2.path().join("settings.json");
    std::fs::write(&s2, "{\"lang\": \"en\"}").unwrap();
    let _h = harness(app(Some(s2), Some(Lang::PtBr)));
    assert_eq!(i18n::current(), Lang::PtBr);
}

#[test]
fn a_bad_settings_file_gives_the_defaults_and_a_message() {
    let _pt = i18n::ThreadLang::new(Lang::PtBr);
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, "{ not json").unwrap();
    let mut h = harness(app(Some(settings.clone()), None));
    h.run();
    let status = h.state().status.clone();
    assert!(status.starts_with("Configurações não lidas"), "{status}");
    assert!(status.contains("settings.json"), "{status}");
    assert_eq!(i18n::current(), Lang::PtBr, "the default stays");
    // The file is left as it was until the user changes a setting.
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), "{ not json");
}

#[test]
fn bad_files_are_explained_in_portuguese() {
    let _pt = i18n::ThreadLang::new(Lang::PtBr);
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(None, None));
    h.run();
    // A drawing file with one bad line and one good one.
    let drawing = dir.path().join("dois.ndjson");
    std::fs::write(
        &drawing,
        "{\"drawing\": 3}\n{\"word\":\"cat\",\"drawing\":[[[0,10,20],[0,10,0]]]}\n",
    )
    .unwrap();
    h.state_mut().open_drawing(&drawing);
    let status = h.state().status.clone();
    assert_eq!(
        status,
        "aberto: dois.ndjson (gato); 1 linha malformada ignorada (linha 1: \"drawing\" precisa ser uma lista de traços)"
    );
    // A file that is not a photo: the previous state stays, the reason is Portuguese.
    let not_photo = dir.path().join("nada.jpg");
    std::fs::write(&not_photo, "isto não é uma foto").unwrap();
    let c = h
        .state_mut()
        .caption
        .request(rnn_studio::app::worker::PhotoSource::File(not_photo));
    h.state_mut().run_command(c);
    wait_until(&mut h, "the photo's error", |a| a.caption.loading.is_none());
    let error = h.state().caption.error.clone().expect("an error");
    assert!(error.contains("não é uma imagem"), "{error}");
}
