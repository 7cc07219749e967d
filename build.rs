//! Embeds the default theme (`themes/default/**`) into the binary, so an
//! installed `specsite` needs no checkout of this repository.
//!
//! Writes `$OUT_DIR/theme_files.rs`: a sorted table of
//! `(path relative to themes/default, bytes)` built with `include_bytes!`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let theme_dir = manifest.join("themes").join("default");
    println!("cargo:rerun-if-changed=build.rs");
    // A directory makes cargo rescan everything below it for changes.
    println!("cargo:rerun-if-changed={}", theme_dir.display());

    let mut files: Vec<(String, PathBuf)> = walkdir::WalkDir::new(&theme_dir)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !is_hidden(e.path()))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(&theme_dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            Some((rel, e.path().to_path_buf()))
        })
        .collect();
    files.sort();

    let mut out = String::from(
        "/// Every file of the embedded default theme: (path under `themes/default/`, bytes).\n",
    );
    out.push_str("pub static THEME_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write to String");
    }
    out.push_str("];\n");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("theme_files.rs"), out).expect("write theme_files.rs");
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.ends_with('~'))
}
