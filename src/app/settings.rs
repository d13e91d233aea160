//! The app's settings file: what the user chose and the app keeps between
//! runs (today, the language). JSON in the XDG config folder
//! (`$XDG_CONFIG_HOME/rnn-studio/settings.json`, else
//! `~/.config/rnn-studio/settings.json`), written atomically and read with
//! a cap. A missing file is the defaults; a bad one is the defaults and a
//! message in the status bar, and it is only replaced once the user
//! changes a setting.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The settings file is a few bytes; anything past this is not ours.
const MAX_SETTINGS_BYTES: u64 = 64 * 1024;

/// What the settings file holds. Unknown fields are ignored and missing
/// ones take their defaults, so an older or newer file still loads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The language picked in the menu; `None`: follow the locale.
    #[serde(with = "lang_tag")]
    pub lang: Option<Lang>,
}

/// Where the settings file lives, from the XDG base directories.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("rnn-studio").join("settings.json"))
}

impl Settings {
    /// The settings in `path`, and a message for the status bar when the
    /// file is there but cannot be used (the defaults are used instead).
    pub fn load(path: &Path) -> (Settings, Option<String>) {
        let bytes = match crate::safe_io::read_capped(path, MAX_SETTINGS_BYTES) {
            Ok(b) => b,
            Err(crate::safe_io::ReadCappedError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return (Settings::default(), None);
            }
            Err(e) => return (Settings::default(), Some(bad(e.to_string()))),
        };
        match serde_json::from_slice::<Settings>(&bytes) {
            Ok(s) => (s, None),
            Err(e) => (
                Settings::default(),
                Some(bad(format!("{}: {e}", path.display()))),
            ),
        }
    }

    /// Writes the settings to `path` (atomically, creating the folder).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        crate::safe_io::write_atomic(path, text.as_bytes())
    }
}

fn bad(error: String) -> String {
    crate::t!("settings-bad", error = error)
}

/// The language as its tag ("pt-BR"), so the file reads as it is typed on
/// the command line; an unknown tag is the locale's default.
mod lang_tag {
    use crate::i18n::Lang;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(lang: &Option<Lang>, s: S) -> Result<S::Ok, S::Error> {
        match lang {
            Some(l) => s.serialize_str(l.tag()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Lang>, D::Error> {
        let tag: Option<String> = Option::deserialize(d)?;
        Ok(tag.as_deref().and_then(Lang::parse))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_survives_a_save_and_a_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(Settings::load(&path), (Settings::default(), None));
        let s = Settings {
            lang: Some(Lang::PtBr),
        };
        s.save(&path).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("\"pt-BR\"")
        );
        assert_eq!(Settings::load(&path), (s, None));
    }

    #[test]
    fn a_bad_file_gives_the_defaults_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{\"lang\": 3").unwrap();
        let (s, message) = Settings::load(&path);
        assert_eq!(s, Settings::default());
        assert!(message.unwrap().contains("settings.json"));
        std::fs::write(&path, vec![b' '; MAX_SETTINGS_BYTES as usize + 1]).unwrap();
        let (s, message) = Settings::load(&path);
        assert_eq!(s, Settings::default());
        assert!(message.is_some(), "an oversized file is refused");
    }
}
