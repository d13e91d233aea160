//! `rnn-studio draw`: sketch-rnn doodles from the command line.
//!
//! ```text
//! rnn-studio draw CLASS [--temperature T] [--count N] [--seed S] --out FILE(.ndjson|.svg|.png)
//! rnn-studio draw --list
//! rnn-studio draw --all-classes --count N [--seed S] --out DIR     training data: DIR/CLASS.ndjson
//! ```
//!
//! The default temperature is 0.25 for pictures and 0.5 for training data
//! (see [`TRAINING_TEMPERATURE`] for why).
//!
//! ```text
//! ```
//!
//! A shell over [`crate::sketch::sketch_rnn`]: drawing `i` of a class depends
//! only on (seed, class, i), so a run is reproducible and `--count 10` starts
//! with the same drawings as `--count 5`. Drawings are in the Quick, Draw!
//! simplified format, so they load like real ones.

use crate::sketch::render::{self, Style};
use crate::sketch::sketch_rnn::{
    self, DEFAULT_TEMPERATURE, SampleOptions, SketchRnn, TRAINING_TEMPERATURE,
};
use crate::sketch::{Drawing, ndjson};
use anyhow::{Context, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `rnn-studio draw`.
#[derive(Debug, Clone, clap::Args)]
pub struct DrawArgs {
    /// The class to draw, e.g. `bird` or `palm_tree` (see --list).
    #[arg(required_unless_present_any = ["list", "all_classes"])]
    pub class: Option<String>,
    /// Sampling temperature τ in (0, 2]: smaller is tidier, larger wilder
    /// [default: 0.25; 0.5 with --all-classes, chosen to look like real drawings].
    #[arg(long)]
    pub temperature: Option<f32>,
    /// How many drawings (per class with --all-classes).
    #[arg(long, default_value_t = 1)]
    pub count: usize,
    /// Random seed; the same seed gives the same drawings.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output file (.ndjson, .svg or .png; a grid when --count > 1), or a
    /// folder with --all-classes.
    #[arg(long, required_unless_present = "list")]
    pub out: Option<PathBuf>,
    /// List the classes and exit.
    #[arg(long, conflicts_with_all = ["class", "all_classes"])]
    pub list: bool,
    /// Write --count drawings of every class to OUT/CLASS.ndjson (training data).
    #[arg(long, conflicts_with = "class")]
    pub all_classes: bool,
    /// Take the most likely move every step (deterministic, ignores --seed).
    #[arg(long)]
    pub greedy: bool,
    /// The most pen moves per drawing (default: the model's own limit).
    #[arg(long)]
    pub max_len: Option<usize>,
    /// Folder of the converted models (default: sketch-rnn/ in the weights root).
    #[arg(long, long_help = format!("Folder of the converted sketch-rnn models (CLASS.safetensors + CLASS.json). {}", crate::weights::SEARCH_ORDER))]
    pub weights: Option<PathBuf>,
}

/// What the output file's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Ndjson,
    Svg,
    Png,
}

fn format_of(path: &Path) -> anyhow::Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("ndjson") => Ok(Format::Ndjson),
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => bail!(
            "{}: the output must end in .ndjson, .svg or .png",
            path.display()
        ),
    }
}

/// Runs `rnn-studio draw`.
pub fn run(args: DrawArgs) -> anyhow::Result<ExitCode> {
    let dir = super::sketch_rnn_dir(args.weights.as_deref());
    if args.list {
        for class in sketch_rnn::list_classes_in(&dir)? {
            println!("{class}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let default = if args.all_classes {
        TRAINING_TEMPERATURE
    } else {
        DEFAULT_TEMPERATURE
    };
    let temperature = args.temperature.unwrap_or(default);
    if !(temperature.is_finite() && temperature > 0.0 && temperature <= 2.0) {
        bail!("--temperature must be in (0, 2], got {temperature}");
    }
    let opts = SampleOptions {
        max_len: args.max_len,
        greedy: args.greedy,
        ..SampleOptions::with_temperature(temperature)
    };
    let out = args.out.clone().context("--out is required")?;
    if args.all_classes {
        return write_training_data(&dir, &out, &opts, args.seed, args.count);
    }
    // "palm tree", "Palm_Tree" and "palm_tree" all name the same model.
    let class = args
        .class
        .as_deref()
        .context("a class is required (see --list)")?
        .trim()
        .to_lowercase()
        .replace(' ', "_");
    let class = class.as_str();
    let format = format_of(&out)?;
    let model = SketchRnn::load_dir(&dir, class)?;
    let mut bar = Progress::new(args.count as u64, class);
    let drawings = model.sample_many(&opts, args.seed, args.count, &mut |n| bar.set(n as u64));
    bar.finish();
    write_drawings(&out, format, &drawings)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `drawings` as ndjson lines, or as an SVG/PNG grid (one picture
/// when there is one drawing).
fn write_drawings(out: &Path, format: Format, drawings: &[Drawing]) -> anyhow::Result<()> {
    let cols = (drawings.len() as f64).sqrt().ceil().max(1.0) as usize;
    let style = Style::default();
    let bytes = match format {
        Format::Ndjson => ndjson_bytes(drawings),
        Format::Svg => render::grid_svg(drawings, cols, &style).into_bytes(),
        Format::Png => {
            let img = render::grid_image(drawings, cols, &style);
            let mut buf = std::io::Cursor::new(Vec::new());
            img.write_to(&mut buf, image::ImageFormat::Png)
                .with_context(|| format!("cannot encode {}", out.display()))?;
            buf.into_inner()
        }
    };
    crate::safe_io::write_atomic(out, &bytes)
        .with_context(|| format!("cannot write {}", out.display()))
}

fn ndjson_bytes(drawings: &[Drawing]) -> Vec<u8> {
    let mut s = String::new();
    for d in drawings {
        s.push_str(&ndjson::to_line(d));
        s.push('\n');
    }
    s.into_bytes()
}

/// `--all-classes`: `count` drawings of every class into `out/CLASS.ndjson`,
/// classes spread over the CPU cores (results do not depend on the split).
fn write_training_data(
    dir: &Path,
    out: &Path,
    opts: &SampleOptions,
    seed: u64,
    count: usize,
) -> anyhow::Result<ExitCode> {
    let classes = sketch_rnn::list_classes_in(dir)?;
    if classes.is_empty() {
        bail!("{}: no sketch-rnn models found", dir.display());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(classes.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<anyhow::Result<()>>();
    let mut bar = Progress::new((classes.len() * count) as u64, "all classes");
    let mut first_error = None;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (tx, next, classes) = (tx.clone(), &next, &classes);
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(class) = classes.get(k) else { break };
                    let result = SketchRnn::load_dir(dir, class)
                        .map_err(anyhow::Error::from)
                        .and_then(|model| {
                            let drawings = model.sample_many(opts, seed, count, &mut |_| {
                                let _ = tx.send(Ok(()));
                            });
                            let path = out.join(format!("{class}.ndjson"));
                            crate::safe_io::write_atomic(&path, &ndjson_bytes(&drawings))
                                .with_context(|| format!("cannot write {}", path.display()))
                        });
                    if result.is_err() {
                        let _ = tx.send(result);
                    }
                }
            });
        }
        drop(tx);
        let mut done = 0u64;
        for msg in rx {
            match msg {
                Ok(()) => {
                    done += 1;
                    bar.set(done);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
    });
    bar.finish();
    match first_error {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// An indicatif bar on a terminal, a plain line every 10% otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    label: String,
    last_tenth: u64,
}

impl Progress {
    fn new(total: u64, label: &str) -> Self {
        let bar = (std::io::stderr().is_terminal() && total > 1).then(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {eta}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            b.set_message(format!("drawing {label}"));
            b
        });
        Self {
            bar,
            total,
            label: label.to_owned(),
            last_tenth: 0,
        }
    }

    fn set(&mut self, done: u64) {
        if let Some(b) = &self.bar {
            b.set_position(done);
            return;
        }
        let tenth = done * 10 / self.total.max(1);
        if self.total >= 20 && tenth > self.last_tenth {
            self.last_tenth = tenth;
            eprintln!("drawing {}: {done}/{}", self.label, self.total);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_format_comes_from_the_extension() {
        assert_eq!(format_of(Path::new("a.NDJSON")).unwrap(), Format::Ndjson);
        assert_eq!(format_of(Path::new("x/a.svg")).unwrap(), Format::Svg);
        assert_eq!(format_of(Path::new("a.png")).unwrap(), Format::Png);
        assert!(
            format_of(Path::new("a.jpg"))
                .unwrap_err()
                .to_string()
                .contains("a.jpg")
        );
        assert!(format_of(Path::new("a")).is_err());
    }
}
