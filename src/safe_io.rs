//! Files in and out, safely: writing so that a crash never leaves half a
//! file (write to a temporary name in the same folder, flush to disk, then
//! rename over the target: rename is atomic on one filesystem), and reading
//! with a cap, so that `/dev/zero` or a 50 GB file named by mistake is an
//! error after `limit` bytes instead of exhausting memory.

use std::io::{Read, Write};
use std::path::Path;

/// A file that could not be read whole within its cap.
#[derive(Debug, thiserror::Error)]
pub enum ReadCappedError {
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: file is larger than the limit of {}", mib(*limit))]
    TooLarge { path: String, limit: u64 },
}

/// `bytes` as people say it: "64 MiB", or "1500 bytes" below a MiB.
pub fn mib(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads `path` whole, refusing it once more than `limit` bytes arrive.
/// The cap is checked while reading (not from the file's metadata), so
/// endless files such as `/dev/zero` and pipes are refused too.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ReadCappedError> {
    let io = |source| ReadCappedError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadCappedError::TooLarge {
            path: path.display().to_string(),
            limit,
        });
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "path has no file name")
    })?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn reading_stops_at_the_cap_even_for_endless_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bin");
        std::fs::write(&p, [7u8; 100]).unwrap();
        assert_eq!(read_capped(&p, 100).unwrap().len(), 100);
        let e = read_capped(&p, 99).unwrap_err().to_string();
        assert!(e.contains("a.bin") && e.contains("99 bytes"), "{e}");
        let t = std::time::Instant::now();
        let e = read_capped(Path::new("/dev/zero"), 8 << 20).unwrap_err();
        assert!(e.to_string().contains("8 MiB"), "{e}");
        assert!(t.elapsed().as_secs_f32() < 5.0);
        assert!(matches!(
            read_capped(&dir.path().join("none"), 10),
            Err(ReadCappedError::Io { .. })
        ));
    }

    #[test]
    fn missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(&dir.path().join("no/such/file"), b"x").is_err());
    }
}
