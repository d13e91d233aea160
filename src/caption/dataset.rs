//! The Flickr8k captions and the encoder feature cache training reads.
//!
//! Terms: a **data dir** holds `captions.json`
//! (`{"images":[{"file":…,"split":"train|dev","captions":[…]}]}`) and
//! `images/`; the **feature cache** is every photo's encoder grid, computed
//! once by [`build_feature_cache`]: `features.f16` (N × L × `FEATURES`
//! little-endian f16, L the network's regions, photos in `captions.json` order)
//! and `features.json` (the file names, the network and the shape). The cache lives under the run folder and is never committed.
//! A **mirrored cache** ([`MIRRORED_CACHE`]) holds the grids of the same
//! photos flipped left-right, for training's mirror augmentation.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use half::f16;
use serde::{Deserialize, Serialize};

use super::encoder::{Encoder, EncoderError, FEATURES, Variant};
use super::image_io::load_image;

/// The run folder's cache of the mirrored photos' grids (`--mirror`), beside
/// `features`.
pub const MIRRORED_CACHE: &str = "features-mirrored";

/// What went wrong reading the data or the cache.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file has the wrong content.
    #[error("{path}: {reason}")]
    Format { path: PathBuf, reason: String },
    /// A photo could not be decoded.
    #[error("{0}")]
    Image(#[from] super::image_io::ImageLoadError),
    /// The encoder could not be loaded.
    #[error(transparent)]
    Encoder(#[from] EncoderError),
}

/// One photo and its reference captions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageEntry {
    pub file: String,
    /// `train` (restval included) or `dev`.
    pub split: String,
    /// The raw captions (five in Flickr8k).
    pub captions: Vec<String>,
}

/// The whole `captions.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Captions {
    pub images: Vec<ImageEntry>,
}

impl Captions {
    /// Reads `DIR/captions.json`.
    pub fn load(data_dir: &Path) -> Result<Self, DatasetError> {
        read_json(&data_dir.join("captions.json"))
    }

    /// Indices of the photos of one split.
    pub fn split(&self, name: &str) -> Vec<usize> {
        (0..self.images.len())
            .filter(|&i| self.images[i].split == name)
            .collect()
    }

    /// Every raw caption of the photos of one split (what the vocabulary
    /// and the repeat rule are built from).
    pub fn split_captions<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.images
            .iter()
            .filter(move |e| e.split == name)
            .flat_map(|e| e.captions.iter().map(String::as_str))
    }
}

/// The index half of the cache, `features.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CacheIndex {
    files: Vec<String>,
    /// The network that made the grids (caches from before Lite1/Lite2 were
    /// Lite0's).
    #[serde(default)]
    encoder: Variant,
    regions: usize,
    features: usize,
    dtype: String,
    /// The photos were flipped left-right before encoding.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    mirrored: bool,
}

/// Every photo's encoder grid, f16, in memory.
pub struct FeatureCache {
    /// Photo file names, in row order.
    pub files: Vec<String>,
    /// The network that made the grids.
    pub encoder: Variant,
    /// The grids are of the photos flipped left-right.
    pub mirrored: bool,
    /// (N, L, FEATURES), L = `encoder.regions()`
    data: Vec<f16>,
}

impl FeatureCache {
    /// Number of photos.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Returns true if and only if the cache holds no photo.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// A cache from f32 grids of `encoder`'s shape (tests and tiny fixtures).
    pub fn from_grids(files: Vec<String>, encoder: Variant, grids: &[f32]) -> Self {
        assert_eq!(grids.len(), files.len() * encoder.regions() * FEATURES);
        Self {
            files,
            encoder,
            mirrored: false,
            data: grids.iter().map(|&v| f16::from_f32(v)).collect(),
        }
    }

    /// The same cache, marked as the mirrored photos' grids (tests).
    pub fn into_mirrored(self) -> Self {
        Self {
            mirrored: true,
            ..self
        }
    }

    /// Regions of each photo's grid.
    pub fn regions(&self) -> usize {
        self.encoder.regions()
    }

    /// Values in one photo's grid, L × FEATURES.
    pub fn grid_len(&self) -> usize {
        self.regions() * FEATURES
    }

    /// Photo `n`'s grid as f32 into `out` (L × FEATURES).
    pub fn grid_into(&self, n: usize, out: &mut [f32]) {
        let g = self.grid_len();
        for (o, v) in out.iter_mut().zip(&self.data[n * g..(n + 1) * g]) {
            *o = v.to_f32();
        }
    }

    /// Writes the cache into `dir` (`features.f16`, then `features.json`).
    pub fn save(&self, dir: &Path) -> Result<(), DatasetError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let bytes: Vec<u8> = self.data.iter().flat_map(|v| v.to_le_bytes()).collect();
        let dpath = dir.join("features.f16");
        crate::safe_io::write_atomic(&dpath, &bytes).map_err(io_err(&dpath))?;
        write_index(dir, self.files.clone(), self.encoder, self.mirrored)
    }

    /// Reads the cache from `dir` (`features.json` + `features.f16`).
    pub fn load(dir: &Path) -> Result<Self, DatasetError> {
        let index: CacheIndex = read_json(&dir.join("features.json"))?;
        let dpath = dir.join("features.f16");
        let bytes = std::fs::read(&dpath).map_err(io_err(&dpath))?;
        let regions = index.encoder.regions();
        let want = index.files.len() * regions * FEATURES * 2;
        if bytes.len() != want || index.regions != regions || index.features != FEATURES {
            return Err(DatasetError::Format {
                path: dpath,
                reason: format!(
                    "{} bytes of {} × {} grids, expected {want} bytes of {} {regions} × {FEATURES} grids",
                    bytes.len(),
                    index.regions,
                    index.features,
                    index.encoder.model()
                ),
            });
        }
        let data = bytes
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]))
            .collect();
        Ok(Self {
            files: index.files,
            encoder: index.encoder,
            mirrored: index.mirrored,
            data,
        })
    }
}

/// The network that made the cache in `dir` (read from its index alone).
pub fn cache_encoder(dir: &Path) -> Result<Variant, DatasetError> {
    read_json::<CacheIndex>(&dir.join("features.json")).map(|i| i.encoder)
}

/// Returns true if and only if `dir` holds a complete cache of `encoder`'s grids
/// for exactly these files, mirrored or not as asked.
pub fn cache_matches(dir: &Path, files: &[String], encoder: Variant, mirrored: bool) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("features.json")) else {
        return false;
    };
    let Ok(index) = serde_json::from_str::<CacheIndex>(&text) else {
        return false;
    };
    let size = std::fs::metadata(dir.join("features.f16")).map_or(0, |m| m.len() as usize);
    index.files == files
        && index.encoder == encoder
        && index.mirrored == mirrored
        && size == files.len() * encoder.regions() * FEATURES * 2
}

/// Encodes every photo of `captions` with the `encoder` network in `encoder_dir`
/// (each flipped left-right first when `mirrored`) and writes the cache into
/// `out_dir` (the data file first, under a temporary name, then renamed; the
/// index last). `progress(done, total)` is called after each chunk of photos.
pub fn build_feature_cache(
    data_dir: &Path,
    captions: &Captions,
    encoder_dir: &Path,
    variant: Variant,
    mirrored: bool,
    out_dir: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<f64, DatasetError> {
    let start = Instant::now();
    let encoder = Encoder::load_dir(encoder_dir, variant)?;
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let dpath = out_dir.join("features.f16");
    let tmp = out_dir.join(".features.f16.tmp");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io_err(&tmp))?);
    let total = captions.images.len();
    let chunk = 32;
    for (k, entries) in captions.images.chunks(chunk).enumerate() {
        let photos = entries
            .iter()
            .map(|e| {
                load_image(&data_dir.join("images").join(&e.file)).map(|p| {
                    if mirrored {
                        image::imageops::flip_horizontal(&p.image)
                    } else {
                        p.image
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        for enc in encoder.encode_batch(&photos) {
            let bytes: Vec<u8> = enc
                .grid
                .iter()
                .flat_map(|&v| f16::from_f32(v).to_le_bytes())
                .collect();
            file.write_all(&bytes).map_err(io_err(&tmp))?;
        }
        progress((k * chunk + entries.len()).min(total), total);
    }
    file.into_inner()
        .map_err(|e| DatasetError::Io {
            path: tmp.clone(),
            source: e.into_error(),
        })?
        .sync_all()
        .map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, &dpath).map_err(io_err(&dpath))?;
    write_index(
        out_dir,
        captions.images.iter().map(|e| e.file.clone()).collect(),
        variant,
        mirrored,
    )?;
    Ok(start.elapsed().as_secs_f64())
}

/// Writes the cache index `dir/features.json` for these photo files.
fn write_index(
    dir: &Path,
    files: Vec<String>,
    encoder: Variant,
    mirrored: bool,
) -> Result<(), DatasetError> {
    let index = CacheIndex {
        files,
        encoder,
        regions: encoder.regions(),
        features: FEATURES,
        dtype: "f16".into(),
        mirrored,
    };
    let ipath = dir.join("features.json");
    crate::safe_io::write_atomic(&ipath, serde_json::to_string(&index).unwrap().as_bytes())
        .map_err(io_err(&ipath))
}

/// Reads and parses the JSON file at `path`.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DatasetError> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    serde_json::from_str(&text).map_err(|e| DatasetError::Format {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Turns an I/O error on `path` into [`DatasetError::Io`].
fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DatasetError + use<> {
    let path = path.to_path_buf();
    move |source| DatasetError::Io { path, source }
}
