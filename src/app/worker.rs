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

use crate::caption::captioner::{CaptionResult, Captioner};
use crate::caption::image_io::{self, Photo};
use crate::nn::lab::{EpochReport, LabSession};
use crate::sketch::inspect::Inspection;
use crate::sketch::recognizer::{Guess, Recognizer, Session};
use crate::sketch::sketch_rnn::{SampleOptions, SketchRnn};
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
}

/// The UI's handle on the worker thread. Dropping it ends the thread.
pub struct Worker {
    jobs: Sender<Job>,
    replies: Receiver<Reply>,
}

impl Worker {
    /// Starts the worker; `wake` is called after every reply (the app passes
    /// `ctx.request_repaint`).
    pub fn spawn(wake: impl Fn() + Send + 'static) -> Self {
        let (jobs, job_rx) = channel::<Job>();
        let (reply_tx, replies) = channel::<Reply>();
        // A UI thread speaking its own language (a test's, see
        // `i18n::ThreadLang`) hands it to its worker, whose messages it shows.
        let lang = crate::i18n::thread_lang();
        std::thread::Builder::new()
            .name("rnn-studio-worker".into())
            .spawn(move || {
                let _lang = lang.map(crate::i18n::ThreadLang::new);
                let mut models = Models::default();
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
    lab: Option<LabRun>,
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
            Job::Sketch(job) => Reply::Sketched {
                generation: job.generation,
                result: self.sketch(&job),
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

    fn guess(&mut self, drawing: &Drawing, taps: bool) -> Result<Guess, String> {
        let session = self.recognizer.get_or_insert_with(|| {
            let root =
                crate::weights::root_for(crate::weights::RECOGNIZER).map_err(|e| e.to_string())?;
            Recognizer::load(&root)
                .map(|r| r.session())
                .map_err(|e| e.to_string())
        });
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

    fn sketch(&mut self, job: &SketchJob) -> Result<Sketched, String> {
        if !self.sketch_rnn.contains_key(&job.class) {
            let root =
                crate::weights::root_for(crate::weights::SKETCH_RNN).map_err(|e| e.to_string())?;
            let model = SketchRnn::load(&root, &job.class).map_err(|e| e.to_string())?;
            self.sketch_rnn.insert(job.class.clone(), model);
        }
        let model = &self.sketch_rnn[&job.class];
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
