//! The worker thread: owns everything slow (decoding photos, file I/O, the
//! models as they arrive, and the gradient lab's training run), so the UI
//! thread only draws and collects input.
//!
//! Terms: a **job** goes from the UI to the worker over a channel; a
//! **reply** comes back and the worker wakes the UI with `request_repaint`.
//! Every job that produces something the user waits for carries a
//! **generation** number; the UI drops replies whose generation is no longer
//! the current one (the user opened another photo meanwhile).
//!
//! While the lab's run is training, the worker trains one epoch whenever no
//! job waits, so a photo or a guess waits for at most the epoch in progress,
//! and the run goes on without the UI drawing frames.

use super::teach_worker::{TeachEvent, TeachJob, TeachState};
use crate::caption::captioner::{CaptionResult, Captioner};
use crate::caption::image_io::{self, Photo};
use crate::nn::lab::{EpochReport, LabSession};
use crate::sketch::inspect::Inspection;
use crate::sketch::recognizer::{Guess, Recognizer, Session};
use crate::sketch::sketch_rnn::{GridSampler, SampleOptions, SketchRnn, TileSpec};
use crate::sketch::{Drawing, Stroke};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

/// The largest side of the copy of a photo the UI shows.
pub const DISPLAY_SIDE: u32 = 2048;

/// How many classes the Inspect view follows over time.
pub const INSPECT_TOP: usize = 5;

/// Where a photo comes from.
#[derive(Debug, Clone)]
pub enum PhotoSource {
    File(PathBuf),
    /// The system clipboard, read on the worker (it can take a while on X11).
    Clipboard,
}

/// Work for the worker.
#[derive(Debug)]
pub enum Job {
    LoadPhoto {
        generation: u64,
        source: PhotoSource,
    },
    /// Write `bytes` to `path` atomically; `what` names it in messages.
    WriteFile {
        path: PathBuf,
        bytes: Vec<u8>,
        what: String,
    },
    /// Let sketch-rnn draw `class`: a whole new drawing, or the rest of
    /// `continue_from` (the user's drawing, canvas units).
    Sketch(SketchJob),
    /// The multi-predict grid: several drawings at once, each judged by the
    /// recognizer.
    SketchGrid(GridJob),
    /// Put an image on the system clipboard; `what` names it in messages.
    CopyImage {
        image: image::RgbaImage,
        what: String,
    },
    /// The recognizer's guess for the drawing so far (the live session keeps
    /// its state, so only the new points are stepped); with `inspect`, also
    /// what its LSTM did at every point.
    Guess {
        generation: u64,
        drawing: Drawing,
        inspect: bool,
    },
    /// Caption a photo with a beam of `beam`.
    Caption {
        generation: u64,
        image: std::sync::Arc<image::RgbImage>,
        beam: usize,
    },
    /// The gradient lab's run.
    Lab(LabJob),
    /// The Teach tab's pack, learning and guesses.
    Teach(TeachJob),
}

/// What the gradient lab asks of the worker.
pub enum LabJob {
    /// Take over a new session (ending any other) and wait for `Run`;
    /// replies carry `generation`.
    Start {
        generation: u64,
        session: Box<LabSession>,
        max_epochs: usize,
    },
    /// Train an epoch at a time until the budget is used up or `Pause`.
    Run,
    /// Stop between epochs; `Run` goes on where it stopped.
    Pause,
    /// Sample `len` characters at `temperature` (charlm only).
    Sample { temperature: f32, len: usize },
    /// End the session (the tab was reset).
    End,
}

// By hand: a session is a whole model and its data, too much to print.
impl std::fmt::Debug for LabJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LabJob::Start {
                generation,
                max_epochs,
                ..
            } => f
                .debug_struct("Start")
                .field("generation", generation)
                .field("max_epochs", max_epochs)
                .finish_non_exhaustive(),
            LabJob::Run => f.write_str("Run"),
            LabJob::Pause => f.write_str("Pause"),
            LabJob::Sample { temperature, len } => f
                .debug_struct("Sample")
                .field("temperature", temperature)
                .field("len", len)
                .finish(),
            LabJob::End => f.write_str("End"),
        }
    }
}

/// What the lab's run sends back.
#[derive(Debug)]
pub enum LabEvent {
    /// An epoch's report; `finished` once the epoch budget is used up.
    Epoch {
        report: Box<EpochReport>,
        finished: bool,
    },
    Sample(String),
}

/// What sketch-rnn should draw.
#[derive(Debug, Clone)]
pub struct SketchJob {
    pub generation: u64,
    pub class: String,
    pub temperature: f32,
    pub seed: u64,
    pub continue_from: Option<Drawing>,
}

/// The multi-predict grid to sample: tile `k` is `tiles[k]` (a class and
/// its seed and τ), continuing `continue_from` (canvas units) when given.
#[derive(Debug, Clone)]
pub struct GridJob {
    pub generation: u64,
    pub tiles: Vec<(String, TileSpec)>,
    pub continue_from: Option<Drawing>,
}

/// One sampled tile and the recognizer's verdict on it.
#[derive(Debug, Clone)]
pub struct GridTile {
    pub class: String,
    pub spec: TileSpec,
    /// As in [`Sketched`]: the new strokes in the user's coordinates for a
    /// continuation, the whole drawing in the 0–255 frame otherwise.
    pub strokes: Vec<Stroke>,
    /// The recognizer's top class and its probability for the finished
    /// drawing (the user's strokes and the tile's), if it is loaded.
    pub judged: Option<(String, f32)>,
}

/// sketch-rnn's strokes: for a new drawing in the 0–255 simplified frame,
/// for a continuation in the coordinates of the drawing it continues.
#[derive(Debug, Clone)]
pub struct Sketched {
    pub strokes: Vec<Stroke>,
    pub continuation: bool,
}

/// A photo ready for the UI.
#[derive(Debug, Clone)]
pub struct LoadedPhoto {
    pub photo: Photo,
    /// A copy at most [`DISPLAY_SIDE`] a side, for the texture.
    pub display: image::RgbImage,
}

/// What the worker sends back.
#[derive(Debug)]
pub enum Reply {
    Photo {
        generation: u64,
        result: Result<Box<LoadedPhoto>, String>,
    },
    Written {
        what: String,
        result: Result<PathBuf, String>,
    },
    Sketched {
        generation: u64,
        result: Result<Sketched, String>,
    },
    Grid {
        generation: u64,
        result: Result<Vec<GridTile>, String>,
    },
    /// The clipboard took the image, or why not.
    Copied {
        what: String,
        result: Result<(), String>,
    },
    Guessed {
        generation: u64,
        result: Result<Guess, String>,
        inspection: Option<Box<Inspection>>,
    },
    Captioned {
        generation: u64,
        result: Result<Box<CaptionResult>, String>,
    },
    Lab {
        generation: u64,
        event: LabEvent,
    },
    Teach(TeachEvent),
}

/// The UI's handle on the worker thread. Dropping it ends the thread.
pub struct Worker {
    jobs: Sender<Job>,
    replies: Receiver<Reply>,
}

impl Worker {
    /// Starts the worker; `wake` is called after every reply (the app passes
    /// `ctx.request_repaint`).
    pub fn spawn(wake: impl Fn() + Send + Sync + 'static) -> Self {
        let (jobs, job_rx) = channel::<Job>();
        let (reply_tx, replies) = channel::<Reply>();
        let wake = std::sync::Arc::new(wake);
        let (teach_tx, teach_wake) = (reply_tx.clone(), wake.clone());
        // A UI thread speaking its own language (a test's, see
        // `i18n::ThreadLang`) hands it to its worker, whose messages it shows.
        let lang = crate::i18n::thread_lang();
        std::thread::Builder::new()
            .name("rnn-studio-worker".into())
            .spawn(move || {
                let _lang = lang.map(crate::i18n::ThreadLang::new);
                let mut models = Models {
                    // A teach job sends events while it runs (the live loss).
                    teach_send: Some(Box::new(move |event| {
                        let _ = teach_tx.send(Reply::Teach(event));
                        teach_wake();
                    })),
                    ..Models::default()
                };
                loop {
                    let job = if models.lab.as_ref().is_some_and(|l| l.running) {
                        match job_rx.try_recv() {
                            Ok(job) => Some(job),
                            Err(TryRecvError::Empty) => None,
                            Err(TryRecvError::Disconnected) => break, // the UI is gone
                        }
                    } else {
                        match job_rx.recv() {
                            Ok(job) => Some(job),
                            Err(_) => break, // the UI is gone
                        }
                    };
                    let reply = match job {
                        Some(job) => models.run(job),
                        // No job waits: the lab's next epoch.
                        None => models.lab_epoch(),
                    };
                    let Some(reply) = reply else { continue };
                    if reply_tx.send(reply).is_err() {
                        break; // the UI is gone
                    }
                    wake();
                }
            })
            .expect("spawning the worker thread");
        Self { jobs, replies }
    }

    pub fn send(&self, job: Job) {
        // A send only fails when the worker died; the UI keeps running without it.
        let _ = self.jobs.send(job);
    }

    /// The next reply, if one is waiting.
    pub fn try_recv(&self) -> Option<Reply> {
        self.replies.try_recv().ok()
    }

    /// Waits up to `timeout` for the next reply (tests and the CLI).
    pub fn recv_timeout(&self, timeout: std::time::Duration) -> Option<Reply> {
        self.replies.recv_timeout(timeout).ok()
    }
}

/// The models the worker has loaded so far; each loads on first use.
#[derive(Default)]
struct Models {
    sketch_rnn: HashMap<String, SketchRnn>,
    /// The recognizer's live session, or why it could not load.
    recognizer: Option<Result<Session, String>>,
    captioner: Option<Result<Captioner, String>>,
    /// The recognizer that judges the grid's tiles (apart from the live
    /// session, whose state follows the canvas).
    judge: Option<Result<Recognizer, String>>,
    /// Kept while the app runs: on X11 the image lives as long as its owner
    /// (Xvfb and many desktops have no clipboard manager to take it over).
    clipboard: Option<arboard::Clipboard>,
    lab: Option<LabRun>,
    teach: TeachState,
    teach_send: Option<Box<dyn FnMut(TeachEvent) + Send>>,
}

/// The gradient lab's session on the worker.
struct LabRun {
    generation: u64,
    session: LabSession,
    max_epochs: usize,
    /// Training an epoch whenever no job waits.
    running: bool,
}

impl Models {
    /// Does a job; `None` for the ones that answer nothing.
    fn run(&mut self, job: Job) -> Option<Reply> {
        Some(match job {
            Job::Lab(job) => return self.lab(job),
            Job::Teach(job) => {
                self.teach(job);
                return None;
            }
            Job::Sketch(job) => Reply::Sketched {
                generation: job.generation,
                result: self.sketch(&job),
            },
            Job::SketchGrid(job) => Reply::Grid {
                generation: job.generation,
                result: self.sketch_grid(&job),
            },
            Job::CopyImage { image, what } => Reply::Copied {
                what,
                result: copy_image(&mut self.clipboard, &image),
            },
            Job::Guess {
                generation,
                drawing,
                inspect,
            } => {
                let result = self.guess(&drawing, inspect);
                let inspection = match (&result, &self.recognizer) {
                    (Ok(_), Some(Ok(session))) if inspect => Some(Box::new(
                        Inspection::of_session(session, &drawing, INSPECT_TOP),
                    )),
                    _ => None,
                };
                Reply::Guessed {
                    generation,
                    result,
                    inspection,
                }
            }
            Job::Caption {
                generation,
                image,
                beam,
            } => Reply::Captioned {
                generation,
                result: self.caption(&image, beam).map(Box::new),
            },
            Job::LoadPhoto { generation, source } => Reply::Photo {
                generation,
                result: load_photo(source).map(Box::new),
            },
            Job::WriteFile { path, bytes, what } => Reply::Written {
                what,
                result: crate::safe_io::write_atomic(&path, &bytes)
                    .map(|()| path.clone())
                    .map_err(|e| format!("{}: {e}", path.display())),
            },
        })
    }

    fn lab(&mut self, job: LabJob) -> Option<Reply> {
        match job {
            LabJob::Start {
                generation,
                session,
                max_epochs,
            } => {
                self.lab = Some(LabRun {
                    generation,
                    session: *session,
                    max_epochs,
                    running: false,
                });
            }
            LabJob::Run => {
                if let Some(run) = &mut self.lab {
                    run.running = run.session.epochs() < run.max_epochs;
                }
            }
            LabJob::Pause => {
                if let Some(run) = &mut self.lab {
                    run.running = false;
                }
            }
            LabJob::Sample { temperature, len } => {
                let run = self.lab.as_ref()?;
                let seed = run.session.epochs() as u64;
                let text = run.session.sample(temperature, len, seed)?;
                return Some(Reply::Lab {
                    generation: run.generation,
                    event: LabEvent::Sample(text),
                });
            }
            LabJob::End => self.lab = None,
        }
        None
    }

    /// Trains the lab's next epoch; stops the run once its budget is used up.
    fn lab_epoch(&mut self) -> Option<Reply> {
        let run = self.lab.as_mut()?;
        let report = run.session.epoch();
        let finished = run.session.epochs() >= run.max_epochs;
        if finished {
            run.running = false;
        }
        Some(Reply::Lab {
            generation: run.generation,
            event: LabEvent::Epoch {
                report: Box::new(report),
                finished,
            },
        })
    }

    /// A teach job; when the taught classes changed, the live session
    /// takes them (the next guess re-runs the drawing).
    fn teach(&mut self, job: TeachJob) {
        let rec = self
            .live_session()
            .as_ref()
            .map(|s| s.recognizer().clone())
            .map_err(Clone::clone);
        let Some(send) = &mut self.teach_send else {
            return;
        };
        if self
            .teach
            .run(job, rec.as_ref().map_err(Clone::clone), send.as_mut())
            && let Ok(r) = rec
        {
            self.recognizer = Some(Ok(self.teach.attach(r).session()));
        }
    }

    /// The live session, loaded (with the taught classes) on first use.
    fn live_session(&mut self) -> &mut Result<Session, String> {
        let teach = &self.teach;
        self.recognizer.get_or_insert_with(|| {
            let root =
                crate::weights::root_for(crate::weights::RECOGNIZER).map_err(|e| e.to_string())?;
            Recognizer::load(&root)
                .map(|r| teach.attach(r).session())
                .map_err(|e| e.to_string())
        })
    }

    fn guess(&mut self, drawing: &Drawing, taps: bool) -> Result<Guess, String> {
        let session = self.live_session();
        match session {
            Ok(s) => {
                if taps {
                    s.record_taps();
                }
                Ok(s.update(drawing))
            }
            Err(e) => Err(e.clone()),
        }
    }

    fn caption(&mut self, image: &image::RgbImage, beam: usize) -> Result<CaptionResult, String> {
        let captioner = self.captioner.get_or_insert_with(|| {
            let root =
                crate::weights::root_for(crate::weights::CAPTIONER).map_err(|e| e.to_string())?;
            Captioner::load(&root).map_err(|e| e.to_string())
        });
        match captioner {
            Ok(c) => Ok(c.caption(image, beam.max(1), 5)),
            Err(e) => Err(e.clone()),
        }
    }

    /// The generator of `class`, loaded on first use.
    fn generator(&mut self, class: &str) -> Result<&SketchRnn, String> {
        if !self.sketch_rnn.contains_key(class) {
            let root =
                crate::weights::root_for(crate::weights::SKETCH_RNN).map_err(|e| e.to_string())?;
            let model = SketchRnn::load(&root, class).map_err(|e| e.to_string())?;
            self.sketch_rnn.insert(class.to_owned(), model);
        }
        Ok(&self.sketch_rnn[class])
    }

    /// Samples the grid, the tiles of each class together
    /// ([`GridSampler`]), and judges every finished drawing.
    fn sketch_grid(&mut self, job: &GridJob) -> Result<Vec<GridTile>, String> {
        let user = job.continue_from.as_ref().filter(|d| !d.is_empty());
        let mut tiles: Vec<Option<GridTile>> = vec![None; job.tiles.len()];
        let mut classes: Vec<&str> = job.tiles.iter().map(|(c, _)| c.as_str()).collect();
        classes.dedup();
        classes.sort_unstable();
        classes.dedup();
        for class in classes {
            let (index, specs): (Vec<usize>, Vec<TileSpec>) = job
                .tiles
                .iter()
                .enumerate()
                .filter(|(_, (c, _))| c == class)
                .map(|(k, (_, spec))| (k, *spec))
                .unzip();
            let model = self.generator(class)?;
            for (k, tile) in index
                .into_iter()
                .zip(GridSampler::new(model, user, &specs, None).run_to_end())
            {
                tiles[k] = Some(GridTile {
                    class: class.to_owned(),
                    spec: tile.spec,
                    strokes: tile.strokes,
                    judged: None,
                });
            }
        }
        let judge = self.judge.get_or_insert_with(|| {
            let root =
                crate::weights::root_for(crate::weights::RECOGNIZER).map_err(|e| e.to_string())?;
            Recognizer::load(&root).map_err(|e| e.to_string())
        });
        let mut out: Vec<GridTile> = tiles.into_iter().flatten().collect();
        if let Ok(rec) = judge {
            for tile in &mut out {
                let mut whole = user.cloned().unwrap_or_default();
                whole.strokes.extend(tile.strokes.iter().cloned());
                if !whole.is_empty() {
                    tile.judged = rec.classify(&whole).top.first().cloned();
                }
            }
        }
        Ok(out)
    }

    fn sketch(&mut self, job: &SketchJob) -> Result<Sketched, String> {
        let model = self.generator(&job.class)?;
        let opts = SampleOptions::with_temperature(job.temperature);
        let mut rng = crate::sketch::sketch_rnn::drawing_rng(job.seed, &job.class, 0);
        Ok(match &job.continue_from {
            Some(user) if !user.is_empty() => Sketched {
                strokes: model
                    .continue_from(user, &opts, &mut rng)
                    .strokes_in_user_frame(),
                continuation: true,
            },
            _ => {
                // A model may end at once; a few more draws give a drawing.
                let mut d = model.sample(&opts, &mut rng);
                for _ in 0..8 {
                    if !d.is_empty() {
                        break;
                    }
                    d = model.sample(&opts, &mut rng);
                }
                Sketched {
                    strokes: d.strokes,
                    continuation: false,
                }
            }
        })
    }
}

fn load_photo(source: PhotoSource) -> Result<LoadedPhoto, String> {
    let photo = match source {
        PhotoSource::File(path) => image_io::load_image(&path),
        PhotoSource::Clipboard => return clipboard_photo(),
    }
    .map_err(|e| photo_error(&e))?;
    let display = image_io::thumbnail(&photo.image, DISPLAY_SIDE);
    Ok(LoadedPhoto { photo, display })
}

/// Why a photo did not load, for the status line in the current language
/// (the library's own message is English, as the CLI's JSON needs it).
fn photo_error(e: &image_io::ImageLoadError) -> String {
    use crate::t;
    use image_io::ImageLoadError as E;
    match e {
        E::Read { name, source } => t!("photo-read", name = name, error = source.to_string()),
        E::Empty { name } => t!("photo-empty", name = name),
        E::UnknownFormat { name } => t!("photo-unknown-format", name = name),
        E::TooLarge {
            name,
            width,
            height,
        } => t!(
            "photo-too-large",
            name = name,
            width = *width,
            height = *height,
            max = image_io::MAX_SIDE
        ),
        E::OverMemoryCap {
            name,
            width,
            height,
        } => t!(
            "photo-over-memory",
            name = name,
            width = *width,
            height = *height,
            mib = image_io::MAX_ALLOC >> 20
        ),
        E::FileTooLarge { name } => t!(
            "photo-file-too-large",
            name = name,
            mib = image_io::MAX_FILE_BYTES >> 20
        ),
        E::Corrupt { name, detail } => t!("photo-corrupt", name = name, detail = detail),
        E::NoPixels { name } => t!("photo-no-pixels", name = name),
    }
}

/// Puts `image` on the clipboard, opening it on first use.
fn copy_image(
    clipboard: &mut Option<arboard::Clipboard>,
    image: &image::RgbaImage,
) -> Result<(), String> {
    if clipboard.is_none() {
        *clipboard = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
    }
    let Some(clipboard) = clipboard.as_mut() else {
        unreachable!("opened above")
    };
    clipboard
        .set_image(arboard::ImageData {
            width: image.width() as usize,
            height: image.height() as usize,
            bytes: std::borrow::Cow::Borrowed(image.as_raw()),
        })
        .map_err(|e| e.to_string())
}

fn clipboard_photo() -> Result<LoadedPhoto, String> {
    let mut clipboard = arboard::Clipboard::new()
        .map_err(|e| crate::t!("clipboard-unavailable", error = e.to_string()))?;
    let photo = match clipboard.get_image() {
        Ok(img) => image_io::from_rgba(img.width, img.height, &img.bytes, "clipboard"),
        // Some apps put a copied file's path on the clipboard instead of pixels.
        Err(_) => match clipboard.get_text() {
            Ok(text) if std::path::Path::new(text.trim()).is_file() => {
                image_io::load_image(std::path::Path::new(text.trim()))
            }
            _ => return Err(crate::t!("clipboard-no-image")),
        },
    }
    .map_err(|e| photo_error(&e))?;
    let display = image_io::thumbnail(&photo.image, DISPLAY_SIDE);
    Ok(LoadedPhoto { photo, display })
}
