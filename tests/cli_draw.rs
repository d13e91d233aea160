//! `rnn-studio draw` end to end through its clap arguments: each output
//! format, `--all-classes` training data, reproducibility by seed, and the
//! errors a user sees (unknown class listing the valid ones, bad extension,
//! bad temperature).

use clap::Parser;
use rnn_studio::cli::draw::{DrawArgs, run};
use rnn_studio::sketch::ndjson;
use std::path::Path;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    draw: DrawArgs,
}

fn draw(args: &[&str]) -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::try_parse_from(std::iter::once("draw").chain(args.iter().copied()))?;
    run(cli.draw)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn writes_ndjson_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let nd = dir.path().join("cats.ndjson");
    draw(&[
        "bird",
        "--count",
        "3",
        "--seed",
        "5",
        "--out",
        nd.to_str().unwrap(),
    ])
    .unwrap();
    let got = lines(&nd);
    assert_eq!(got.len(), 3);
    for l in &got {
        let d = ndjson::parse_line(l).unwrap();
        assert_eq!(d.word.as_deref(), Some("bird"));
    }
    // Same seed, same file; the first drawings do not depend on --count.
    let again = dir.path().join("again.ndjson");
    draw(&[
        "Bird",
        "--count",
        "2",
        "--seed",
        "5",
        "--out",
        again.to_str().unwrap(),
    ])
    .unwrap();
    assert_eq!(lines(&again), got[..2]);

    let svg = dir.path().join("grid.svg");
    draw(&["palm tree", "--count", "4", "--out", svg.to_str().unwrap()]).unwrap();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("<path d=\"M"));

    let png = dir.path().join("one.png");
    draw(&[
        "rain",
        "--temperature",
        "0.1",
        "--out",
        png.to_str().unwrap(),
    ])
    .unwrap();
    let img = image::open(&png).unwrap();
    assert_eq!((img.width(), img.height()), (256, 256));
    // Nothing but the outputs is left behind (atomic writes).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}

#[test]
fn all_classes_writes_one_file_per_class() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("train");
    let o = out.to_str().unwrap();
    draw(&["--all-classes", "--count", "2", "--seed", "1", "--out", o]).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files.len(), 27);
    assert_eq!(files[0], "ambulance.ndjson");
    let dog = lines(&out.join("dog.ndjson"));
    assert_eq!(dog.len(), 2);
    assert!(dog.iter().all(|l| ndjson::parse_line(l).is_ok()));
    // Drawing i of a class is the one `draw CLASS --seed S` gives at the training temperature.
    let single = dir.path().join("dog.ndjson");
    draw(&[
        "dog",
        "--count",
        "2",
        "--seed",
        "1",
        "--temperature",
        "0.5",
        "--out",
        single.to_str().unwrap(),
    ])
    .unwrap();
    assert_eq!(lines(&single), dog);
}

#[test]
fn user_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("x.png");
    let p = png.to_str().unwrap();
    let e = draw(&["unicorn", "--out", p]).unwrap_err().to_string();
    assert!(
        e.contains("\"unicorn\"") && e.contains("bird") && e.contains("trombone"),
        "{e}"
    );
    let e = draw(&["bird", "--out", dir.path().join("x.jpg").to_str().unwrap()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("x.jpg") && e.contains(".png, .svg, .ndjson or .gif"),
        "{e}"
    );
    let e = draw(&["bird", "--temperature", "0", "--out", p])
        .unwrap_err()
        .to_string();
    assert!(e.contains("--temperature"), "{e}");
    let e = draw(&[
        "bird",
        "--out",
        dir.path().join("no/such/dir/x.png").to_str().unwrap(),
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("x.png"), "{e}");
    assert!(draw(&["bird"]).is_err(), "--out is required");
    assert!(draw(&["--list", "--out", p]).is_ok());
    assert!(!png.exists());
}

/// `draw --grid 3x2`: the app's grid (tile k has seed S + k, row r the r-th
/// row temperature), written in every format at once; each tile is what
/// `draw CLASS --seed S+k` draws alone at its row's temperature.
#[test]
fn grid_writes_every_format_and_each_tile_redraws_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();
    let (svg, gif, png, nd) = (
        path("g.svg"),
        path("g.gif"),
        path("g.png"),
        path("g.ndjson"),
    );
    draw(&[
        "bird",
        "--seed",
        "42",
        "--grid",
        "3x2",
        "--row-temperatures",
        "0.1,0.5",
        "--svg",
        &svg,
        "--gif",
        &gif,
        "--png",
        &png,
        "--ndjson",
        &nd,
    ])
    .unwrap();
    let tiles = lines(Path::new(&nd));
    assert_eq!(tiles.len(), 6);
    assert_eq!(
        std::fs::read_to_string(&svg)
            .unwrap()
            .matches("<g transform")
            .count(),
        6
    );
    let img = image::open(&png).unwrap();
    assert_eq!((img.width(), img.height()), (3 * 256, 2 * 256));
    let gif_bytes = std::fs::read(&gif).unwrap();
    assert!(gif_bytes.starts_with(b"GIF89a"));
    for (k, temperature) in [(0, "0.1"), (4, "0.5")] {
        let alone = path(&format!("alone{k}.ndjson"));
        let seed = (42 + k).to_string();
        draw(&[
            "bird",
            "--seed",
            &seed,
            "--temperature",
            temperature,
            "--out",
            &alone,
        ])
        .unwrap();
        let a = ndjson::parse_line(&lines(Path::new(&alone))[0]).unwrap();
        let t = ndjson::parse_line(&tiles[k]).unwrap();
        assert_eq!(t.strokes, a.strokes, "tile {k}");
    }
    let e = draw(&["bird", "--grid", "5x3", "--svg", &svg])
        .unwrap_err()
        .to_string();
    assert!(e.contains("5x3"), "{e}");
}
