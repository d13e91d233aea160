//! Exports read back to what was drawn: SVG paths give back the very
//! strokes (parsed here by a reader of its own, not the writer's code), the
//! ndjson export gives back the strokes and the pen's timings through the
//! app's own ndjson reader, the animated GIF decodes (with `image`'s
//! decoder) to frames that build up to the PNG export of the whole drawing,
//! and `draw --grid` writes the grid's tiles in every format.

use rnn_studio::sketch::drawing::{Drawing, Point, Stroke};
use rnn_studio::sketch::export::{self, Format, gif};
use rnn_studio::sketch::ndjson;
use rnn_studio::sketch::render::{self, Style};

/// A doodle as the canvas records it: fractional coordinates, timings, a
/// one-point stroke (a tap).
fn doodle() -> Drawing {
    let p = |x: f32, y: f32, t: f64| Point { x, y, t: Some(t) };
    Drawing {
        strokes: vec![
            Stroke {
                points: vec![
                    p(10.25, 20.5, 0.0),
                    p(110.125, 24.0, 16.0),
                    p(300.0, 200.75, 33.0),
                ],
            },
            Stroke {
                points: vec![p(150.5, 150.5, 400.0)],
            },
            Stroke {
                points: vec![p(40.0, 260.0, 700.0), p(42.0, 180.0, 716.0)],
            },
        ],
        word: Some("cat".into()),
        ..Default::default()
    }
}

/// An independent reader of the SVG export: the points of every
/// `<path d="M x y L x y …">`, grouped by the `<g transform=…>` (one per
/// drawing) they are in.
fn svg_paths(svg: &str) -> Vec<Vec<Vec<(f32, f32)>>> {
    let mut drawings: Vec<Vec<Vec<(f32, f32)>>> = Vec::new();
    for line in svg.lines() {
        if line.starts_with("<g transform=") {
            drawings.push(Vec::new());
        }
        let Some(rest) = line.strip_prefix("<path d=\"") else {
            continue;
        };
        let d = rest.split('"').next().unwrap();
        let mut pts = Vec::new();
        let mut words = d.split_whitespace();
        while let Some(w) = words.next() {
            if w == "Z" {
                continue;
            }
            let (cmd, x) = w.split_at(1);
            assert!(cmd == "M" || cmd == "L", "unexpected path command in {d}");
            let y = words.next().unwrap();
            pts.push((x.parse().unwrap(), y.parse().unwrap()));
        }
        drawings
            .last_mut()
            .expect("paths sit in a drawing's group")
            .push(pts);
    }
    drawings
}

fn coords(d: &Drawing) -> Vec<Vec<(f32, f32)>> {
    d.strokes
        .iter()
        .map(|s| s.points.iter().map(|p| (p.x, p.y)).collect())
        .collect()
}

#[test]
fn svg_reads_back_to_the_same_strokes() {
    let a = doodle();
    let mut b = doodle();
    b.strokes.truncate(1);
    let svg = export::svg::grid(&[a.clone(), b.clone()], 2, &Style::default());
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<path").count(), 4, "one path per stroke");
    assert_eq!(svg_paths(&svg), vec![coords(&a), coords(&b)]);
    // The second drawing's group is shifted into the second cell.
    let second = svg
        .lines()
        .filter(|l| l.starts_with("<g transform="))
        .nth(1)
        .unwrap();
    let tx: f32 = second
        .trim_start_matches("<g transform=\"translate(")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(tx > 256.0 - 20.0, "{second}");
}

#[test]
fn ndjson_reads_back_with_timings() {
    let d = doodle();
    let bytes = export::encode(
        Format::Ndjson,
        std::slice::from_ref(&d),
        1,
        &Style::default(),
    )
    .unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let back = ndjson::parse_line(text.trim_end()).unwrap();
    assert_eq!(back, d);
    assert!(back.is_timed());
}

/// The GIF's frames: as many as `frames_for` says, the ink growing frame by
/// frame, the last one the PNG export of the whole drawing (up to the GIF
/// palette), shown for the hold time.
#[test]
fn gif_builds_up_to_the_finished_picture() {
    use image::AnimationDecoder;
    let d = doodle();
    let style = Style::default();
    let timing = gif::Timing {
        max_frames: 4,
        ..Default::default()
    };
    let bytes = gif::animated(std::slice::from_ref(&d), 1, &style, &timing).unwrap();
    let frames = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(bytes))
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    let (per_frame, n) = gif::frames_for(d.num_points(), &timing);
    assert_eq!((per_frame, n), (2, 3));
    assert_eq!(frames.len(), n);
    let ink = |img: &image::RgbaImage| img.pixels().filter(|p| p.0[0] < 128).count();
    let counts: Vec<usize> = frames.iter().map(|f| ink(f.buffer())).collect();
    assert!(
        counts.windows(2).all(|w| w[0] < w[1]),
        "ink grows: {counts:?}"
    );
    let png = render::to_image(&d, &style);
    let last = frames.last().unwrap().buffer();
    let differ = png
        .pixels()
        .zip(last.pixels())
        .filter(|(a, b)| (a.0[0] < 128) != (b.0[0] < 128))
        .count();
    assert!(
        differ <= 20,
        "last frame vs PNG export: {differ} pixels differ"
    );
    let (num, den) = frames.last().unwrap().delay().numer_denom_ms();
    assert_eq!(num / den, timing.hold_ms);
    let (num, den) = frames[0].delay().numer_denom_ms();
    assert_eq!(num / den, timing.frame_ms);
}

#[test]
fn formats_come_from_the_extension() {
    use std::path::Path;
    assert_eq!(Format::of_path(Path::new("a.GIF")).unwrap(), Format::Gif);
    for f in Format::ALL {
        let name = format!("x.{}", f.extension());
        assert_eq!(Format::of_path(Path::new(&name)).unwrap(), f);
    }
    let e = Format::of_path(Path::new("dir/a.jpg"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("dir/a.jpg") && e.contains(".gif"), "{e}");
}
