//! Review tools for the sketch-rnn port, run by hand (not part of the app):
//!
//! ```text
//! cargo run --release --example sketch_rnn_review -- convert DATA_DIR OUT_DIR
//! cargo run --release --example sketch_rnn_review -- grid WEIGHTS CLASS TEMP N OUT.png [SEED]
//! cargo run --release --example sketch_rnn_review -- real-grid CLASS.ndjson N OUT.png
//! cargo run --release --example sketch_rnn_review -- real-stats QUICKDRAW_DIR WEIGHTS OUT.json
//! cargo run --release --example sketch_rnn_review -- sample-stats WEIGHTS FIXTURE.json TEMP N [CLASS...]
//! cargo run --release --example sketch_rnn_review -- bench WEIGHTS CLASS...
//! ```
//!
//! `real-stats` measures the real Quick, Draw! drawings of every class with a
//! generator (after `simplify`) and writes the fixture the statistics test
//! reads; `sample-stats` samples N drawings per class and prints them next to
//! the real ones; `grid` renders samples to look at.

use rnn_studio::sketch::ndjson;
use rnn_studio::sketch::render::{self, Style};
use rnn_studio::sketch::sketch_rnn::{self, SampleOptions, SketchRnn};
use rnn_studio::sketch::stats::{self, Summary};
use std::collections::BTreeMap;
use std::path::Path;

type Stats = BTreeMap<String, BTreeMap<String, Summary>>;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    match a(0) {
        "convert" => {
            let done = sketch_rnn::convert_dir(
                Path::new(a(1)),
                Path::new(a(2)),
                &mut |n, total, class| {
                    eprintln!("converted {n}/{total}: {class}");
                },
            )?;
            let bytes: u64 = done.iter().map(|c| c.bytes).sum();
            println!("{} models, {bytes} bytes", done.len());
        }
        "grid" => {
            let model = SketchRnn::load_dir(Path::new(a(1)), a(2))?;
            let opts = SampleOptions::with_temperature(a(3).parse()?);
            let n: usize = a(4).parse()?;
            let seed: u64 = a(6).parse().unwrap_or(1);
            let drawings = model.sample_many(&opts, seed, n, &mut |_| {});
            let cols = (n as f64).sqrt().ceil() as usize;
            let style = Style {
                size: 160,
                width: 2.0,
                margin: 8.0,
                ..Style::default()
            };
            render::grid_image(&drawings, cols, &style).save(a(5))?;
        }
        "continue" => {
            // continue WEIGHTS CLASS REAL.ndjson KEEP_STROKES OUT.png: the first
            // KEEP strokes of the first real drawings (raw canvas coordinates), then
            // each with the model's continuation mapped back over it.
            let model = SketchRnn::load_dir(Path::new(a(1)), a(2))?;
            let keep: usize = a(4).parse()?;
            let text = std::fs::read_to_string(a(3))?;
            let mut cells = Vec::new();
            for (i, d) in ndjson::parse_lines(&text)
                .filter_map(|(_, d)| d.ok())
                .take(4)
                .enumerate()
            {
                let mut user = d.clone();
                user.strokes.truncate(keep);
                let mut rng = sketch_rnn::drawing_rng(1, a(2), i as u64);
                let c = model.continue_from(&user, &SampleOptions::default(), &mut rng);
                let mut both = user.clone();
                both.strokes.extend(c.strokes_in_user_frame());
                cells.push(user);
                cells.push(both);
            }
            let style = Style {
                size: 200,
                width: 2.0,
                margin: 8.0,
                ..Style::default()
            };
            render::grid_image(&cells, 2, &style).save(a(5))?;
        }
        "real-grid" => {
            let text = std::fs::read_to_string(a(1))?;
            let n: usize = a(2).parse()?;
            let drawings: Vec<_> = ndjson::parse_lines(&text)
                .filter_map(|(_, d)| d.ok())
                .take(n)
                .map(|d| rnn_studio::sketch::simplify::simplify(&d))
                .collect();
            let cols = (n as f64).sqrt().ceil() as usize;
            let style = Style {
                size: 160,
                width: 2.0,
                margin: 8.0,
                ..Style::default()
            };
            render::grid_image(&drawings, cols, &style).save(a(3))?;
        }
        "real-stats" => {
            let mut out = Stats::new();
            for class in sketch_rnn::list_classes_in(Path::new(a(2)))? {
                let text =
                    std::fs::read_to_string(Path::new(a(1)).join(format!("{class}.ndjson")))?;
                let drawings: Vec<_> = ndjson::parse_lines(&text)
                    .filter_map(|(_, d)| d.ok())
                    .collect();
                let s = stats::summarize(&drawings)
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                out.insert(class, s);
            }
            std::fs::write(a(3), serde_json::to_string_pretty(&out)? + "\n")?;
        }
        "sample-stats" => {
            let real: Stats = serde_json::from_str(&std::fs::read_to_string(a(2))?)?;
            let opts = SampleOptions::with_temperature(a(3).parse()?);
            let n: usize = a(4).parse()?;
            let classes: Vec<String> = if args.len() > 5 {
                args[5..].to_vec()
            } else {
                real.keys().cloned().collect()
            };
            println!("class stat: sample p25/median/p75 | real min/p25/median/p75/max");
            for class in classes {
                let model = SketchRnn::load_dir(Path::new(a(1)), &class)?;
                let t0 = std::time::Instant::now();
                let drawings = model.sample_many(&opts, 2024, n, &mut |_| {});
                let ms = t0.elapsed().as_secs_f64() * 1e3 / n as f64;
                for (name, s) in stats::summarize(&drawings) {
                    let r = &real[&class][name];
                    // The test's criterion (tests/sketch_rnn.rs `check_stats`), and p10–p90 for information.
                    let pass =
                        s.median >= r.min && s.median <= r.max && s.p25 <= r.p75 && s.p75 >= r.p25;
                    let inside = s.median >= r.p10 && s.median <= r.p90;
                    println!(
                        "{class:15} {name:17} {:6.1} {:6.1} {:6.1} | {:6.1} {:6.1} {:6.1} {:6.1} {:6.1} {} {}",
                        s.p25,
                        s.median,
                        s.p75,
                        r.min,
                        r.p25,
                        r.median,
                        r.p75,
                        r.max,
                        if pass { "pass" } else { "FAIL" },
                        if inside {
                            ""
                        } else {
                            "(median outside real p10-p90)"
                        }
                    );
                }
                println!("{class:15} {:.1} ms per drawing", ms);
            }
        }
        "bench" => {
            // Wall time (the library's bench) and this thread's CPU time (Linux
            // schedstat), which a busy machine inflates much less.
            let cpu_ns = || -> u64 {
                std::fs::read_to_string("/proc/thread-self/schedstat")
                    .ok()
                    .and_then(|s| s.split_whitespace().next()?.parse().ok())
                    .unwrap_or(0)
            };
            for class in &args[2..] {
                let model = SketchRnn::load_dir(Path::new(a(1)), class)?;
                let r = rnn_studio::bench::sketch_rnn::bench_sample_one(&model, 21);
                let opts = SampleOptions::default();
                let mut cpu: Vec<f64> = (0..21u64)
                    .map(|i| {
                        let mut rng = sketch_rnn::drawing_rng(i, class, 0);
                        let t0 = cpu_ns();
                        std::hint::black_box(model.sample(&opts, &mut rng));
                        (cpu_ns() - t0) as f64 / 1e6
                    })
                    .collect();
                cpu.sort_by(f64::total_cmp);
                println!(
                    "{class}: {} cpu_median_ms {:.1}",
                    serde_json::to_string(&r)?,
                    cpu[cpu.len() / 2]
                );
            }
        }
        _ => anyhow::bail!("usage: see the module doc of examples/sketch_rnn_review.rs"),
    }
    Ok(())
}
