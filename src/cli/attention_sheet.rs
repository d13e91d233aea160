//! `rnn-studio attention-sheet`: the attention contact sheet
//! (`caption::sheet`) of photos named on the command line or of the first
//! photos of a Flickr8k split, as a PNG.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::caption::captioner::DEFAULT_BEAM;
use crate::caption::dataset::Captions;
use crate::caption::image_io::load_image;
use crate::caption::sheet::{caption_rows, contact_sheet};

#[derive(Debug, clap::Args)]
pub struct AttentionSheetArgs {
    /// Photos, one row each (or none, with --data).
    pub images: Vec<PathBuf>,
    /// A Flickr8k folder: its first --count photos of --split, in captions.json order, follow the named photos.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// With --data: the split.
    #[arg(long, default_value = "dev")]
    pub split: String,
    /// With --data: how many photos.
    #[arg(long, default_value_t = 12)]
    pub count: usize,
    /// Where to write the picture (PNG).
    #[arg(long)]
    pub out: PathBuf,
    /// Beam width (1 = greedy).
    #[arg(long, default_value_t = DEFAULT_BEAM, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=20))]
    pub beam: usize,
    /// Side of each picture in the sheet, in pixels.
    #[arg(long, default_value_t = 112, value_parser = clap::builder::RangedU64ValueParser::<u32>::new().range(32..=448))]
    pub tile: u32,
    /// Weights root holding encoder/ and captioner/.
    #[arg(long, long_help = format!("Weights root holding encoder/ and captioner/. {}", crate::weights::SEARCH_ORDER))]
    pub weights: Option<PathBuf>,
}

pub fn run(args: AttentionSheetArgs) -> anyhow::Result<ExitCode> {
    let mut paths: Vec<(String, PathBuf)> = args
        .images
        .iter()
        .map(|p| {
            let name = p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            (name, p.clone())
        })
        .collect();
    if let Some(dir) = &args.data {
        let captions = Captions::load(dir)?;
        for i in captions.split(&args.split).into_iter().take(args.count) {
            let file = captions.images[i].file.clone();
            paths.push((file.clone(), dir.join("images").join(file)));
        }
    }
    if paths.is_empty() {
        bail!(crate::t!("cli-sheet-no-photos"));
    }
    let captioner = super::load_captioner(args.weights.as_deref())?;
    let mut photos = Vec::with_capacity(paths.len());
    for (name, path) in paths {
        // The sheet is one picture: a photo that cannot be read stops it.
        let photo = load_image(&path)?;
        photos.push((name, photo.image));
    }
    let rows = caption_rows(&captioner, photos, args.beam);
    let img = contact_sheet(&rows, args.tile);
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )?;
    crate::safe_io::write_atomic(&args.out, &bytes)
        .with_context(|| crate::t!("cli-cannot-write", path = args.out.display().to_string()))?;
    for r in &rows {
        println!("{}\t{}", r.name, r.caption.text);
    }
    eprintln!(
        "{}",
        crate::t!(
            "cli-sheet-wrote",
            path = args.out.display().to_string(),
            n = rows.len(),
            kb = bytes.len() / 1024
        )
    );
    Ok(ExitCode::SUCCESS)
}
