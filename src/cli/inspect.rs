//! `rnn-studio inspect DRAWING.ndjson --png OUT.png`: the recognizer's LSTM
//! seen from inside for one drawing — the gate heat maps (f, i, o, C; a row
//! per unit, most active first; a column per point) and the probability of
//! the top classes point by point, as one picture.

use crate::sketch::inspect::{self, CLASS_COLOURS};
use crate::sketch::ndjson;
use crate::sketch::recognizer::Recognizer;
use anyhow::{Context, bail};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// A Quick, Draw! ndjson file; its first drawing is inspected.
    pub drawing: PathBuf,
    /// Where to write the picture.
    #[arg(long)]
    pub png: PathBuf,
    /// Which LSTM layer to show (0 = the one reading the points).
    #[arg(long, default_value_t = 0)]
    pub layer: usize,
    /// How many of the final top classes to follow over time.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=5))]
    pub top: u16,
}

pub fn run(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.drawing).with_context(|| {
        crate::t!(
            "cli-cannot-read-file",
            path = args.drawing.display().to_string()
        )
    })?;
    let drawing = match ndjson::parse_lines(&text).next() {
        Some((_, Ok(d))) => d,
        Some((line, Err(e))) => bail!("{}:{line}: {e}", args.drawing.display()),
        None => bail!(crate::t!(
            "no-drawing-in-file",
            path = args.drawing.display().to_string()
        )),
    };
    let rec = Recognizer::load(&crate::weights::root_for(crate::weights::RECOGNIZER)?)?;
    let ins = inspect::inspect(&rec, &drawing, args.top as usize);
    if args.layer >= ins.layers.len() {
        bail!(crate::t!(
            "cli-inspect-bad-layer",
            layer = args.layer,
            n = ins.layers.len()
        ));
    }
    let img = inspect::render(&ins, args.layer);
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )?;
    crate::safe_io::write_atomic(&args.png, &bytes)
        .with_context(|| crate::t!("cli-cannot-write", path = args.png.display().to_string()))?;
    let maps = &ins.layers[args.layer];
    println!(
        "{}",
        crate::t!(
            "cli-inspect-written",
            path = args.png.display().to_string(),
            points = maps.steps,
            layer = args.layer,
            layers = ins.layers.len(),
            units = maps.units
        )
    );
    for (k, class) in ins.classes.iter().enumerate() {
        let [r, g, b] = CLASS_COLOURS[k % CLASS_COLOURS.len()];
        let p = ins.probs[k].last().copied().unwrap_or(0.0);
        println!(
            "{}",
            crate::t!(
                "cli-inspect-line",
                rgb = format!("rgb({r},{g},{b})"),
                class = crate::i18n::class_name(class),
                p = crate::i18n::num(f64::from(p), 2)
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
