//! `rnn-studio draw`: sketch-rnn doodles from the command line.
//!
//! ```text
//! rnn-studio draw CLASS [--temperature T] [--count N] [--seed S] --out FILE(.ndjson|.svg|.png|.gif)
//! rnn-studio draw CLASS --seed S --grid 3x2 [--row-temperatures 0.1,0.25] --svg OUT.svg --gif OUT.gif --png OUT.png --ndjson OUT.ndjson
//! rnn-studio draw --judge [--count 50] [--judge-temperatures 0.1,0.25,0.5] [--seed S] [--json]
//! rnn-studio draw --list
//! rnn-studio draw --all-classes --count N [--seed S] --out DIR     training data: DIR/CLASS.ndjson
//! ```
//!
//! The default temperature is 0.25 for pictures and 0.5 for training data
//! (see [`TRAINING_TEMPERATURE`] for why).
//!
//! A shell over [`crate::sketch::sketch_rnn`] and [`crate::sketch::export`]:
//! drawing `i` of a class depends only on (seed, class, i), so a run is
//! reproducible and `--count 10` starts with the same drawings as `--count
//! 5`. `--grid CxR` is the app's multi-predict grid: C·R tiles sampled
//! together, tile `k` with seed S + k (so `draw CLASS --seed S+k` redraws it
//! alone), row `r` at the `r`-th of `--row-temperatures`. Drawings are in
//! the Quick, Draw! simplified format, so they load like real ones.

use crate::sketch::Drawing;
use crate::sketch::export::{self, Format};
use crate::sketch::render::Style;
use crate::sketch::sketch_rnn::{
    self, DEFAULT_TEMPERATURE, SampleOptions, SketchRnn, TRAINING_TEMPERATURE, TileSpec,
};
use crate::t;
use anyhow::{Context, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `rnn-studio draw`.
#[derive(Debug, Clone, clap::Args)]
pub struct DrawArgs {
    /// The class to draw, e.g. `bird` or `palm_tree` (see --list).
    #[arg(required_unless_present_any = ["list", "all_classes", "judge"])]
    pub class: Option<String>,
    /// Sampling temperature τ in (0, 2]: smaller is tidier, larger wilder
    /// [default: 0.25; 0.5 with --all-classes, chosen to look like real drawings].
    #[arg(long)]
    pub temperature: Option<f32>,
    /// How many drawings (per class with --all-classes) [default: 1].
    #[arg(long)]
    pub count: Option<usize>,
    /// Random seed; the same seed gives the same drawings.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output file (.ndjson, .svg, .png or .gif, an animation of the
    /// drawing being drawn; a grid when there are several drawings), or a
    /// folder with --all-classes.
    #[arg(long, required_unless_present_any = ["list", "svg", "png", "gif", "ndjson", "judge"])]
    pub out: Option<PathBuf>,
    /// Also write an SVG (one path per stroke).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Also write a PNG.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Also write an animated GIF of the drawings being drawn.
    #[arg(long, value_name = "FILE")]
    pub gif: Option<PathBuf>,
    /// Also write Quick, Draw! ndjson, one line per drawing.
    #[arg(long, value_name = "FILE")]
    pub ndjson: Option<PathBuf>,
    /// The app's multi-predict grid, COLSxROWS (e.g. 3x2, 4 to 12 tiles):
    /// tiles sampled together, tile k with seed --seed + k.
    #[arg(long, value_name = "COLSxROWS", value_parser = parse_grid, conflicts_with_all = ["count", "all_classes"])]
    pub grid: Option<(usize, usize)>,
    /// The recognizer judges the generator: for every class (or CLASS),
    /// how often the doodle recognizer names the class asked for, over
    /// --count drawings (default 50) at each of --judge-temperatures.
    #[arg(long, conflicts_with_all = ["out", "svg", "png", "gif", "ndjson", "grid", "all_classes", "list"])]
    pub judge: bool,
    /// With --judge: the temperatures to judge at.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0.1,0.25,0.5",
        requires = "judge"
    )]
    pub judge_temperatures: Vec<f32>,
    /// With --judge: one JSON object per class and temperature, then a summary.
    #[arg(long, requires = "judge")]
    pub json: bool,
    /// With --grid: one temperature per row, e.g. 0.1,0.25 (default: --temperature for all).
    #[arg(long, value_delimiter = ',', requires = "grid")]
    pub row_temperatures: Vec<f32>,
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

/// `COLSxROWS`, each at least 1, with 4 to 12 tiles in all.
fn parse_grid(s: &str) -> Result<(usize, usize), String> {
    let bad = || t!("draw-error-grid", value = s);
    let (c, r) = s
        .to_ascii_lowercase()
        .split_once('x')
        .map_or(Err(bad()), |(c, r)| {
            Ok((
                c.trim().parse::<usize>().map_err(|_| bad())?,
                r.trim().parse::<usize>().map_err(|_| bad())?,
            ))
        })?;
    if c == 0 || r == 0 || !sketch_rnn::GRID_SIZES.contains(&(c * r)) {
        return Err(bad());
    }
    Ok((c, r))
}

fn check_temperature(t: f32) -> anyhow::Result<()> {
    if !(t.is_finite() && t > 0.0 && t <= 2.0) {
        bail!("{}", t!("draw-error-temperature", value = t.to_string()));
    }
    Ok(())
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
    check_temperature(temperature)?;
    for &t in &args.row_temperatures {
        check_temperature(t)?;
    }
    let opts = SampleOptions {
        max_len: args.max_len,
        greedy: args.greedy,
        ..SampleOptions::with_temperature(temperature)
    };
    if args.judge {
        return judge(&dir, &args);
    }
    let count = args.count.unwrap_or(1);
    if args.all_classes {
        let out = args
            .out
            .clone()
            .with_context(|| t!("draw-error-out-required"))?;
        return write_training_data(&dir, &out, &opts, args.seed, count);
    }
    let mut outputs: Vec<(PathBuf, Format)> = Vec::new();
    if let Some(out) = &args.out {
        outputs.push((out.clone(), Format::of_path(out)?));
    }
    for (path, format) in [
        (&args.svg, Format::Svg),
        (&args.png, Format::Png),
        (&args.gif, Format::Gif),
        (&args.ndjson, Format::Ndjson),
    ] {
        if let Some(p) = path {
            outputs.push((p.clone(), format));
        }
    }
    if outputs.is_empty() {
        bail!("{}", t!("draw-error-out-required"));
    }
    // "palm tree", "Palm_Tree" and "palm_tree" all name the same model.
    let class = args
        .class
        .as_deref()
        .with_context(|| t!("draw-error-class-required"))?
        .trim()
        .to_lowercase()
        .replace(' ', "_");
    let class = class.as_str();
    let model = SketchRnn::load_dir(&dir, class)?;
    let (drawings, cols) = match args.grid {
        Some((cols, rows)) => {
            let temps = if args.row_temperatures.is_empty() {
                vec![temperature]
            } else {
                args.row_temperatures.clone()
            };
            let specs = TileSpec::by_row(cols * rows, cols, args.seed, &temps);
            let tiles =
                crate::sketch::sketch_rnn::GridSampler::new(&model, None, &specs, args.max_len)
                    .run_to_end();
            let drawings = tiles
                .into_iter()
                .map(|tile| Drawing {
                    strokes: tile.strokes,
                    word: Some(model.word()),
                    key_id: Some(format!(
                        "sketch-rnn:{class}:{}:t{}",
                        tile.spec.seed, tile.spec.temperature
                    )),
                })
                .collect();
            (drawings, cols)
        }
        None => {
            let mut bar = Progress::new(count as u64, class);
            let drawings = model.sample_many(&opts, args.seed, count, &mut |n| bar.set(n as u64));
            bar.finish();
            let cols = export::square_cols(drawings.len());
            (drawings, cols)
        }
    };
    let style = Style::default();
    for (path, format) in outputs {
        let bytes = export::encode(format, &drawings, cols, &style)?;
        crate::safe_io::write_atomic(&path, &bytes)
            .with_context(|| t!("draw-error-write", path = path.display().to_string()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `--judge`: the recognizer's agreement with the class asked for, per
/// class and temperature, as a Markdown table (or JSON lines).
fn judge(dir: &Path, args: &DrawArgs) -> anyhow::Result<ExitCode> {
    for &t in &args.judge_temperatures {
        check_temperature(t)?;
    }
    let count = args.count.unwrap_or(50);
    let classes = match &args.class {
        Some(c) => vec![c.trim().to_lowercase().replace(' ', "_")],
        None => sketch_rnn::list_classes_in(dir)?,
    };
    let recognizer = super::load_recognizer(None)?;
    let temps = &args.judge_temperatures;
    if !args.json {
        let head: Vec<String> = temps.iter().map(|t| format!("τ {t}")).collect();
        println!("| {} | {} |", t!("draw-judge-class"), head.join(" | "));
        println!("|---|{}", "---:|".repeat(temps.len()));
    }
    let mut total = vec![(0usize, 0usize); temps.len()];
    for class in &classes {
        let model = SketchRnn::load_dir(dir, class)?;
        let mut row = Vec::new();
        for (k, &t) in temps.iter().enumerate() {
            let a = sketch_rnn::agreement(&model, t, args.seed, count, &mut |d| {
                recognizer.classify(d).top.first().map(|(c, _)| c.clone())
            });
            total[k].0 += a.agree;
            total[k].1 += a.count;
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "class": class, "temperature": t, "agree": a.agree,
                        "count": a.count, "rate": a.rate(),
                    })
                );
            }
            row.push(format!("{}/{}", a.agree, a.count));
        }
        if !args.json {
            println!("| {} | {} |", class.replace('_', " "), row.join(" | "));
        }
    }
    let summary: Vec<String> = total
        .iter()
        .map(|&(a, n)| format!("{:.1}%", 100.0 * a as f64 / n.max(1) as f64))
        .collect();
    if args.json {
        let rates: Vec<f64> = total
            .iter()
            .map(|&(a, n)| a as f64 / n.max(1) as f64)
            .collect();
        println!(
            "{}",
            serde_json::json!({"summary": true, "temperatures": temps, "rate": rates, "count_per_class": count, "seed": args.seed})
        );
    } else {
        println!("| **{}** | {} |", t!("draw-judge-all"), summary.join(" | "));
    }
    Ok(ExitCode::SUCCESS)
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
        bail!(
            "{}",
            t!("draw-error-no-models", path = dir.display().to_string())
        );
    }
    std::fs::create_dir_all(out)
        .with_context(|| t!("draw-error-create", path = out.display().to_string()))?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(classes.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<anyhow::Result<()>>();
    let mut bar = Progress::new((classes.len() * count) as u64, &t!("draw-all-classes"));
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
                            crate::safe_io::write_atomic(
                                &path,
                                export::ndjson_lines(&drawings).as_bytes(),
                            )
                            .with_context(|| {
                                t!("draw-error-write", path = path.display().to_string())
                            })
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
            b.set_message(t!("draw-progress", class = label));
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
            eprintln!(
                "{}",
                t!(
                    "draw-progress-line",
                    class = self.label.as_str(),
                    done = done,
                    total = self.total
                )
            );
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
    fn grid_sizes_are_cols_x_rows_with_4_to_12_tiles() {
        assert_eq!(parse_grid("3x2"), Ok((3, 2)));
        assert_eq!(parse_grid("4X3"), Ok((4, 3)));
        for bad in ["3", "3x", "x2", "0x5", "1x3", "5x3", "ax2"] {
            let e = parse_grid(bad).unwrap_err();
            assert!(e.contains(bad), "{bad}: {e}");
        }
    }
}
