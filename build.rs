//! Lists the message files (assets/i18n/<lang>/*.ftl) for src/i18n, so that
//! a new file is compiled in without editing a list by hand.

use std::path::Path;

fn main() {
    let root = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("assets/i18n");
    // A directory: cargo rescans it, so added and removed files count too.
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::new();
    for (name, dir) in [("EN", "en"), ("PT_BR", "pt-BR")] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("assets/i18n/{dir}: {e}"))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        out.push_str(&format!("pub const {name}: &[(&str, &str)] = &[\n"));
        for f in files {
            let file = f.file_name().unwrap().to_string_lossy().to_string();
            out.push_str(&format!(
                "    ({file:?}, include_str!({:?})),\n",
                f.display().to_string()
            ));
        }
        out.push_str("];\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("i18n_sources.rs");
    std::fs::write(dest, out).unwrap();
}
