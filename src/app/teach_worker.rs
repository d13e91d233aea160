//! The Teach tab's work, done on the [worker](super::worker): the pack (read
//! and written there, every change atomically), learning with its live loss
//! curve, and guesses with the taught classes.
//!
//! Terms: a **view** ([`PackView`]) is the copy of the pack the UI draws;
//! every change sends a fresh one back.

use crate::sketch::drawing::Drawing;
use crate::sketch::recognizer::{Guess, Recognizer};
use crate::sketch::teach::{
    Anchor, EmbedCache, LearnOptions, LearnProgress, Pack, anchors, base_fingerprint,
};
use std::path::PathBuf;

/// What the Teach tab asks of the worker.
#[derive(Debug)]
pub enum TeachJob {
    /// Open the pack in this folder (None: taught classes are off).
    Open(Option<PathBuf>),
    /// Add a drawing as an example of class `name` (made when new).
    Add {
        name: String,
        drawing: Drawing,
    },
    RemoveExample {
        name: String,
        index: usize,
    },
    Rename {
        old: String,
        new: String,
    },
    Delete {
        name: String,
    },
    Export {
        path: PathBuf,
    },
    Import {
        path: PathBuf,
    },
    /// Learn the pack from its examples (the live loss comes back as it goes).
    Learn,
    /// The guess for a drawing, taught classes included.
    Guess {
        generation: u64,
        drawing: Drawing,
    },
}

/// The pack as the UI shows it.
#[derive(Debug, Clone, Default)]
pub struct PackView {
    pub dir: Option<PathBuf>,
    /// (name, examples)
    pub classes: Vec<(String, Vec<Drawing>)>,
    /// The learnt head matches the examples.
    pub learnt: bool,
}

/// What comes back.
#[derive(Debug)]
pub enum TeachEvent {
    /// The pack after a change (or why the change failed; the pack is then
    /// as it was).
    Pack(Result<PackView, String>),
    Progress(LearnProgress),
    /// Learning ended: the loss curve and each example's fit (per class).
    Learnt(Result<(Vec<f32>, Vec<Vec<f32>>), String>),
    /// Something done that deserves a word in the status bar.
    Done(String),
    Guess {
        generation: u64,
        result: Result<Guess, String>,
    },
}

/// The worker's side of teaching.
#[derive(Default)]
pub struct TeachState {
    pack: Option<Pack>,
    /// The anchors' features, embedded on the first learn.
    anchors: Option<Vec<Anchor>>,
    /// The examples' features, so a learn after one more example embeds
    /// only that one.
    embedded: EmbedCache,
}

impl TeachState {
    /// The recognizer with the pack's learnt classes (when current).
    pub fn attach(&self, rec: Recognizer) -> Recognizer {
        let base = rec.with_taught(None);
        let head = self
            .pack
            .as_ref()
            .and_then(|p| p.current_head(&base_fingerprint(&base)))
            .cloned();
        base.with_taught(head)
    }

    fn view(&self) -> PackView {
        match &self.pack {
            None => PackView::default(),
            Some(p) => PackView {
                dir: Some(p.dir.clone()),
                classes: p
                    .classes
                    .iter()
                    .map(|c| (c.name.clone(), c.examples.clone()))
                    .collect(),
                learnt: p.classes.is_empty() || p.is_learnt(),
            },
        }
    }

    /// Does a job with the base recognizer `rec` (or why it is missing);
    /// `send` takes every event. Returns true when the taught classes
    /// changed (the live session must take them).
    pub fn run(
        &mut self,
        job: TeachJob,
        rec: Result<&Recognizer, String>,
        send: &mut (dyn FnMut(TeachEvent) + Send),
    ) -> bool {
        let changed =
            |s: &mut Self, r: Result<(), String>, send: &mut (dyn FnMut(TeachEvent) + Send)| {
                send(TeachEvent::Pack(r.map(|()| s.view())));
            };
        match job {
            TeachJob::Open(dir) => {
                let r = match dir {
                    None => {
                        self.pack = None;
                        Ok(())
                    }
                    Some(d) => Pack::open(&d)
                        .map(|p| self.pack = Some(p))
                        .map_err(|e| e.to_string()),
                };
                changed(self, r, send);
                return true;
            }
            TeachJob::Guess {
                generation,
                drawing,
            } => {
                let result = rec.map(|r| self.attach(r.clone()).classify(&drawing));
                send(TeachEvent::Guess { generation, result });
                return false;
            }
            TeachJob::Learn => return self.learn(rec, send),
            _ => {}
        }
        let Some(pack) = &mut self.pack else {
            send(TeachEvent::Pack(Err(crate::t!("teach-off"))));
            return false;
        };
        let r = match job {
            TeachJob::Add { name, drawing } => pack.add_examples(&name, &[drawing]),
            TeachJob::RemoveExample { name, index } => pack.remove_example(&name, index),
            TeachJob::Rename { old, new } => pack.rename(&old, &new),
            TeachJob::Delete { name } => pack.delete(&name),
            TeachJob::Export { path } => pack.export(&path).inspect(|()| {
                send(TeachEvent::Done(crate::t!(
                    "teach-exported",
                    path = path.display().to_string()
                )));
            }),
            TeachJob::Import { path } => pack.import(&path).map(|n| {
                send(TeachEvent::Done(crate::t!("teach-imported", n = n)));
            }),
            TeachJob::Open(_) | TeachJob::Learn | TeachJob::Guess { .. } => Ok(()),
        };
        changed(self, r.map_err(|e| e.to_string()), send);
        true
    }

    fn learn(
        &mut self,
        rec: Result<&Recognizer, String>,
        send: &mut (dyn FnMut(TeachEvent) + Send),
    ) -> bool {
        let (rec, pack) = match (rec, &mut self.pack) {
            (Ok(r), Some(p)) if !p.classes.is_empty() => (r, p),
            (Err(e), _) => {
                send(TeachEvent::Learnt(Err(e)));
                return false;
            }
            _ => {
                send(TeachEvent::Learnt(Err(crate::t!("teach-nothing-to-learn"))));
                return false;
            }
        };
        let anchors = self.anchors.get_or_insert_with(|| {
            let path = crate::weights::root_for(crate::weights::RECOGNIZER)
                .map(|root| {
                    crate::weights::in_root(&root, crate::weights::RECOGNIZER)
                        .join(anchors::ANCHORS_FILE)
                })
                .ok();
            path.and_then(|p| anchors::read(&p).ok())
                .map(|d| anchors::embed(rec, &d))
                .unwrap_or_default()
        });
        let opts = LearnOptions::default();
        let result = pack.learn_cached(rec, anchors, &opts, &mut self.embedded, &mut |p| {
            send(TeachEvent::Progress(p));
        });
        match result {
            Ok(l) => {
                send(TeachEvent::Learnt(Ok((l.losses, l.fit))));
                send(TeachEvent::Pack(Ok(self.view())));
                true
            }
            Err(e) => {
                send(TeachEvent::Learnt(Err(e.to_string())));
                false
            }
        }
    }
}
