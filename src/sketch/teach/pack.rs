//! A **pack**: the taught classes on disk, a folder (by default
//! `$XDG_DATA_HOME/rnn-studio/classes/`, else `~/.local/share/rnn-studio/classes/`):
//!
//! ```text
//! DIR/pack.json        {"format":"rnn-studio-pack-1","classes":[{"name","file","examples"}],"head":…}
//! DIR/NAME.ndjson      the examples of one class, Quick, Draw! ndjson, one drawing a line
//! ```
//!
//! The examples are the truth and the head (the learnt weights, with the
//! base recognizer's fingerprint and the example counts it was learnt from)
//! a cache of them: a head that no longer matches is **stale** and learnt
//! again. Every file is written atomically, examples before `pack.json`, so
//! a `kill -9` at any moment (while learning, say) loses no example that was
//! added: an example file that `pack.json` does not list yet is adopted when
//! the pack is opened. File names are the class name with every byte outside
//! `[A-Za-z0-9_-]` written `%XX`.
//!
//! **Export** is one JSON file with the same fields and the drawings inline
//! (`"drawings":[…]` per class). Reading is all-or-nothing: a pack or export
//! that is corrupt, from another format version, or names a missing file is
//! an error naming the file (and line), and nothing is changed.

use super::learn::{Anchor, EmbedCache, LearnOptions, LearnProgress, Learnt, learn, learn_cached};
use super::{TaughtHead, base_fingerprint};
use crate::safe_io::{read_capped, write_atomic};
use crate::sketch::drawing::Drawing;
use crate::sketch::ndjson;
use crate::sketch::recognizer::Recognizer;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The format written; any other is refused.
pub const FORMAT: &str = "rnn-studio-pack-1";
const PACK_FILE: &str = "pack.json";
/// The largest pack.json, class file or export read.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The most examples a class keeps.
pub const MAX_EXAMPLES: usize = 1000;
/// The most classes a pack holds.
pub const MAX_CLASSES: usize = 500;
/// The longest class name, in characters.
pub const MAX_NAME: usize = 64;

/// What went wrong with a pack; every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    #[error("cannot read {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not what a pack holds.
    #[error("{}: corrupt pack: {message}", path.display())]
    Corrupt { path: PathBuf, message: String },
    /// Written by another version of rnn-studio.
    #[error("{}: pack format {found:?}, this version reads {FORMAT:?}", path.display())]
    Version { path: PathBuf, found: String },
    /// pack.json lists a class whose file is gone.
    #[error("{}: missing file of class {class:?}", path.display())]
    Missing { path: PathBuf, class: String },
    /// A name that cannot be a class.
    #[error("bad class name {name:?}: {message}")]
    Name { name: String, message: String },
    #[error("no class named {0:?} in the pack")]
    NoClass(String),
}

/// One taught class.
#[derive(Debug, Clone, PartialEq)]
pub struct TaughtClass {
    pub name: String,
    pub examples: Vec<Drawing>,
}

/// The learnt head as stored, with what it was learnt from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredHead {
    /// [`super::base_fingerprint`] of the recognizer it was learnt with
    pub base: String,
    /// the example count of each class, in order, when it was learnt
    pub examples: Vec<usize>,
    pub head: TaughtHead,
}

/// A pack in memory, with the folder it lives in.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    pub dir: PathBuf,
    pub classes: Vec<TaughtClass>,
    pub head: Option<StoredHead>,
}

#[derive(Serialize, Deserialize)]
struct ClassEntry {
    name: String,
    file: String,
    examples: usize,
}

#[derive(Serialize, Deserialize)]
struct PackFile {
    format: String,
    classes: Vec<ClassEntry>,
    #[serde(default)]
    head: Option<StoredHead>,
}

#[derive(Serialize, Deserialize)]
struct ExportClass {
    name: String,
    drawings: Vec<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
struct ExportFile {
    format: String,
    classes: Vec<ExportClass>,
    #[serde(default)]
    head: Option<StoredHead>,
}

/// The default pack folder: `$XDG_DATA_HOME/rnn-studio/classes`, else
/// `~/.local/share/rnn-studio/classes`.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("rnn-studio").join("classes"))
}

/// The file name of a class: its name, bytes outside `[A-Za-z0-9_-]` as `%XX`.
pub fn file_name(name: &str) -> String {
    let mut s = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s + ".ndjson"
}

/// The class name of a file name made by [`file_name`].
fn name_of_file(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".ndjson")?;
    let mut bytes = Vec::new();
    let mut it = stem.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

/// A name a class may have: not empty, not too long, no control characters.
pub fn check_name(name: &str) -> Result<(), PackError> {
    let bad = |message: &str| {
        Err(PackError::Name {
            name: name.into(),
            message: message.into(),
        })
    };
    if name.trim().is_empty() {
        return bad("it is empty");
    }
    if name.trim() != name {
        return bad("it starts or ends with a space");
    }
    if name.chars().count() > MAX_NAME {
        return bad(&format!("it is longer than {MAX_NAME} characters"));
    }
    if name.chars().any(char::is_control) {
        return bad("it holds a control character");
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, PackError> {
    let bytes = read_capped(path, MAX_FILE_BYTES).map_err(|e| PackError::Read {
        path: path.into(),
        message: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|_| PackError::Corrupt {
        path: path.into(),
        message: "not UTF-8 text".into(),
    })
}

/// Every drawing of an ndjson text; the first bad line is an error.
fn parse_examples(path: &Path, text: &str) -> Result<Vec<Drawing>, PackError> {
    let mut out = Vec::new();
    for (line, d) in ndjson::parse_lines(text) {
        let d = d.map_err(|e| PackError::Corrupt {
            path: path.into(),
            message: format!("line {line}: {e}"),
        })?;
        out.push(d);
    }
    Ok(out)
}

fn examples_text(examples: &[Drawing]) -> String {
    let mut text = String::new();
    for d in examples {
        text.push_str(&ndjson::to_line(d));
        text.push('\n');
    }
    text
}

impl Pack {
    /// An empty pack that will live in `dir`.
    pub fn empty(dir: &Path) -> Pack {
        Pack {
            dir: dir.to_path_buf(),
            classes: Vec::new(),
            head: None,
        }
    }

    /// Opens the pack in `dir`: a folder without `pack.json` (or no folder)
    /// is an empty pack; example files it does not list are adopted.
    pub fn open(dir: &Path) -> Result<Pack, PackError> {
        let path = dir.join(PACK_FILE);
        let mut pack = Pack::empty(dir);
        if path.is_file() {
            let text = read_text(&path)?;
            let version: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| PackError::Corrupt {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            let found = version.get("format").and_then(|f| f.as_str()).unwrap_or("");
            if found != FORMAT {
                return Err(PackError::Version {
                    path,
                    found: found.into(),
                });
            }
            let file: PackFile =
                serde_json::from_value(version).map_err(|e| PackError::Corrupt {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            for entry in &file.classes {
                check_name(&entry.name).map_err(|e| PackError::Corrupt {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                if entry.file != file_name(&entry.name) {
                    return Err(PackError::Corrupt {
                        path: path.clone(),
                        message: format!("class {:?} has file {:?}", entry.name, entry.file),
                    });
                }
                let class_path = dir.join(&entry.file);
                if !class_path.is_file() {
                    return Err(PackError::Missing {
                        path: class_path,
                        class: entry.name.clone(),
                    });
                }
                let examples = parse_examples(&class_path, &read_text(&class_path)?)?;
                pack.push_class(&path, entry.name.clone(), examples)?;
            }
            pack.head = file.head;
        }
        pack.adopt_orphans()?;
        Ok(pack)
    }

    fn push_class(
        &mut self,
        path: &Path,
        name: String,
        examples: Vec<Drawing>,
    ) -> Result<(), PackError> {
        let corrupt = |message: String| PackError::Corrupt {
            path: path.into(),
            message,
        };
        if self.classes.iter().any(|c| c.name == name) {
            return Err(corrupt(format!("class {name:?} is listed twice")));
        }
        if self.classes.len() >= MAX_CLASSES {
            return Err(corrupt(format!("more than {MAX_CLASSES} classes")));
        }
        if examples.len() > MAX_EXAMPLES {
            return Err(corrupt(format!(
                "class {name:?} has more than {MAX_EXAMPLES} examples"
            )));
        }
        self.classes.push(TaughtClass { name, examples });
        Ok(())
    }

    /// Example files written before a kill left `pack.json` unwritten.
    fn adopt_orphans(&mut self) -> Result<(), PackError> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(());
        };
        let mut files: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|f| !f.starts_with('.'))
            .collect();
        files.sort();
        for f in files {
            let Some(name) = name_of_file(&f) else {
                continue;
            };
            if self.classes.iter().any(|c| c.name == name) || check_name(&name).is_err() {
                continue;
            }
            let path = self.dir.join(&f);
            let examples = parse_examples(&path, &read_text(&path)?)?;
            self.push_class(&path, name, examples)?;
        }
        Ok(())
    }

    /// The class named `name`.
    pub fn class(&self, name: &str) -> Option<&TaughtClass> {
        self.classes.iter().find(|c| c.name == name)
    }

    /// (name, examples) of every class, for [`super::learn`].
    pub fn training_set(&self) -> Vec<(String, Vec<Drawing>)> {
        self.classes
            .iter()
            .map(|c| (c.name.clone(), c.examples.clone()))
            .collect()
    }

    /// The head, when it was learnt from exactly these examples with the
    /// recognizer of fingerprint `base`.
    pub fn current_head(&self, base: &str) -> Option<&TaughtHead> {
        let stored = self.head.as_ref()?;
        let counts: Vec<usize> = self.classes.iter().map(|c| c.examples.len()).collect();
        let names: Vec<&String> = self.classes.iter().map(|c| &c.name).collect();
        let same = stored.base == base
            && stored.examples == counts
            && stored.head.classes.iter().collect::<Vec<_>>() == names;
        same.then_some(&stored.head)
    }

    /// Whether the stored head was learnt from exactly these examples (with
    /// whichever recognizer).
    pub fn is_learnt(&self) -> bool {
        self.head.as_ref().is_some_and(|h| {
            h.examples
                == self
                    .classes
                    .iter()
                    .map(|c| c.examples.len())
                    .collect::<Vec<_>>()
                && h.head
                    .classes
                    .iter()
                    .eq(self.classes.iter().map(|c| &c.name))
        })
    }

    /// Adds examples to the class `name` (made when new) and writes its
    /// file, then `pack.json`. The head goes stale.
    pub fn add_examples(&mut self, name: &str, examples: &[Drawing]) -> Result<(), PackError> {
        check_name(name)?;
        let at = match self.classes.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                let path = self.dir.join(PACK_FILE);
                self.push_class(&path, name.into(), Vec::new())
                    .map_err(|e| PackError::Name {
                        name: name.into(),
                        message: e.to_string(),
                    })?;
                self.classes.len() - 1
            }
        };
        let class = &mut self.classes[at];
        if class.examples.len() + examples.len() > MAX_EXAMPLES {
            return Err(PackError::Name {
                name: name.into(),
                message: format!("a class keeps at most {MAX_EXAMPLES} examples"),
            });
        }
        class.examples.extend_from_slice(examples);
        self.write_class(at)?;
        self.write_index()
    }

    /// Removes example `index` of class `name`.
    pub fn remove_example(&mut self, name: &str, index: usize) -> Result<(), PackError> {
        let at = self.index_of(name)?;
        if index < self.classes[at].examples.len() {
            self.classes[at].examples.remove(index);
            self.write_class(at)?;
            self.write_index()?;
        }
        Ok(())
    }

    /// Renames a class (its examples and learnt weights stay).
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), PackError> {
        check_name(new)?;
        let at = self.index_of(old)?;
        if old == new {
            return Ok(());
        }
        if self.class(new).is_some() {
            return Err(PackError::Name {
                name: new.into(),
                message: "a class of that name exists".into(),
            });
        }
        self.classes[at].name = new.into();
        if let Some(stored) = &mut self.head
            && let Some(n) = stored.head.classes.iter_mut().find(|n| *n == old)
        {
            *n = new.into();
        }
        self.write_class(at)?;
        self.write_index()?;
        remove_if_there(&self.dir.join(file_name(old)))
    }

    /// Deletes a class: out of `pack.json` first, then its file.
    pub fn delete(&mut self, name: &str) -> Result<(), PackError> {
        let at = self.index_of(name)?;
        self.classes.remove(at);
        self.write_index()?;
        remove_if_there(&self.dir.join(file_name(name)))
    }

    /// Stores a learnt head (learnt from the current examples with the
    /// recognizer of fingerprint `base`).
    pub fn set_head(&mut self, base: &str, head: TaughtHead) -> Result<(), PackError> {
        self.head = Some(StoredHead {
            base: base.into(),
            examples: self.classes.iter().map(|c| c.examples.len()).collect(),
            head,
        });
        self.write_index()
    }

    /// The recognizer with this pack's classes: the stored head when it is
    /// current, else one learnt now from the examples (in memory; call
    /// [`Pack::learn`] to keep it). An empty pack adds nothing.
    pub fn attach(&self, rec: &Recognizer, anchors: &[Anchor], opts: &LearnOptions) -> Recognizer {
        let base = rec.with_taught(None);
        if self.classes.is_empty() {
            return base;
        }
        let head = match self.current_head(&base_fingerprint(&base)) {
            Some(h) => h.clone(),
            None => learn(&base, &self.training_set(), anchors, opts, &mut |_| {}).head,
        };
        base.with_taught(Some(head))
    }

    /// Learns the head from the examples (see [`learn`]) and stores it.
    pub fn learn(
        &mut self,
        rec: &Recognizer,
        anchors: &[Anchor],
        opts: &LearnOptions,
        progress: &mut (dyn FnMut(LearnProgress) + Send),
    ) -> Result<Learnt, PackError> {
        self.learn_cached(rec, anchors, opts, &mut EmbedCache::default(), progress)
    }

    /// [`Pack::learn`], embedding only the examples `cache` lacks (the app
    /// keeps one, so learning again after one more example is quick).
    pub fn learn_cached(
        &mut self,
        rec: &Recognizer,
        anchors: &[Anchor],
        opts: &LearnOptions,
        cache: &mut EmbedCache,
        progress: &mut (dyn FnMut(LearnProgress) + Send),
    ) -> Result<Learnt, PackError> {
        let base = rec.with_taught(None);
        let learnt = learn_cached(&base, &self.training_set(), anchors, opts, cache, progress);
        self.set_head(&base_fingerprint(&base), learnt.head.clone())?;
        Ok(learnt)
    }

    fn index_of(&self, name: &str) -> Result<usize, PackError> {
        self.classes
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| PackError::NoClass(name.into()))
    }

    fn ensure_dir(&self) -> Result<(), PackError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| PackError::Write {
            path: self.dir.clone(),
            source,
        })
    }

    fn write_class(&self, at: usize) -> Result<(), PackError> {
        self.ensure_dir()?;
        let c = &self.classes[at];
        let path = self.dir.join(file_name(&c.name));
        write_atomic(&path, examples_text(&c.examples).as_bytes())
            .map_err(|source| PackError::Write { path, source })
    }

    fn write_index(&self) -> Result<(), PackError> {
        self.ensure_dir()?;
        let file = PackFile {
            format: FORMAT.into(),
            classes: self
                .classes
                .iter()
                .map(|c| ClassEntry {
                    name: c.name.clone(),
                    file: file_name(&c.name),
                    examples: c.examples.len(),
                })
                .collect(),
            head: self.head.clone(),
        };
        let path = self.dir.join(PACK_FILE);
        let text = serde_json::to_string_pretty(&file).expect("a pack serialises");
        write_atomic(&path, text.as_bytes()).map_err(|source| PackError::Write { path, source })
    }

    /// Writes the whole pack as one file (atomically).
    pub fn export(&self, path: &Path) -> Result<(), PackError> {
        let file = ExportFile {
            format: FORMAT.into(),
            classes: self
                .classes
                .iter()
                .map(|c| ExportClass {
                    name: c.name.clone(),
                    drawings: c
                        .examples
                        .iter()
                        .map(|d| serde_json::from_str(&ndjson::to_line(d)).expect("ndjson is JSON"))
                        .collect(),
                })
                .collect(),
            head: self.head.clone(),
        };
        let text = serde_json::to_string(&file).expect("an export serialises");
        write_atomic(path, text.as_bytes()).map_err(|source| PackError::Write {
            path: path.into(),
            source,
        })
    }

    /// Reads an export file whole (nothing is written): its classes and head.
    pub fn read_export(path: &Path) -> Result<(Vec<TaughtClass>, Option<StoredHead>), PackError> {
        let text = read_text(path)?;
        let corrupt = |message: String| PackError::Corrupt {
            path: path.into(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        let found = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if found != FORMAT {
            return Err(PackError::Version {
                path: path.into(),
                found: found.into(),
            });
        }
        let file: ExportFile = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
        let mut classes = Vec::new();
        for c in file.classes {
            check_name(&c.name).map_err(|e| corrupt(e.to_string()))?;
            let mut examples = Vec::new();
            for (i, v) in c.drawings.iter().enumerate() {
                let d = ndjson::parse_line(&v.to_string())
                    .map_err(|e| corrupt(format!("class {:?}, drawing {}: {e}", c.name, i + 1)))?;
                examples.push(d);
            }
            classes.push(TaughtClass {
                name: c.name,
                examples,
            });
        }
        Ok((classes, file.head))
    }

    /// Imports an export file: every class is added (examples of a class
    /// already here are appended). The file is checked whole first, so a
    /// bad one changes nothing. The imported head is kept when this pack
    /// was empty, else the head goes stale.
    pub fn import(&mut self, path: &Path) -> Result<usize, PackError> {
        let (classes, head) = Self::read_export(path)?;
        let mut trial = self.clone();
        let was_empty = trial.classes.is_empty();
        for c in &classes {
            match trial.classes.iter_mut().find(|t| t.name == c.name) {
                Some(t) => t.examples.extend_from_slice(&c.examples),
                None => trial.push_class(path, c.name.clone(), c.examples.clone())?,
            }
        }
        if let Some(c) = trial
            .classes
            .iter()
            .find(|c| c.examples.len() > MAX_EXAMPLES)
        {
            return Err(PackError::Corrupt {
                path: path.into(),
                message: format!("class {:?} would have more than {MAX_EXAMPLES}", c.name),
            });
        }
        trial.head = if was_empty { head } else { None };
        for at in 0..trial.classes.len() {
            trial.write_class(at)?;
        }
        trial.write_index()?;
        *self = trial;
        Ok(classes.len())
    }
}

fn remove_if_there(path: &Path) -> Result<(), PackError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(PackError::Write {
            path: path.into(),
            source: e,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip() {
        for name in ["cactus", "my cat's face", "letter A", "ação/..", "%41"] {
            let f = file_name(name);
            assert!(!f.contains('/') && !f.starts_with('.'), "{f}");
            assert_eq!(name_of_file(&f).as_deref(), Some(name));
        }
    }
}
