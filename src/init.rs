//! `specsite init DIR`: writes a small working site to start from.
//!
//! The starter is one book (`content/handbook/`, three pages including a
//! terminology page), a common glossary with three terms and a commented
//! `specsite.yaml` describing every key. The files are templates under
//! `src/init/`, embedded in the binary so `init` needs nothing on disk.

use anyhow::{bail, Context};
use std::fs;
use std::path::Path;

/// The starter site: path relative to DIR (with `/` separators) → contents.
const STARTER_FILES: &[(&str, &str)] = &[
    ("specsite.yaml", include_str!("init/specsite.yaml")),
    (
        "glossary/terms.yaml",
        include_str!("init/glossary/terms.yaml"),
    ),
    (
        "content/handbook/SUMMARY.md",
        include_str!("init/content/handbook/SUMMARY.md"),
    ),
    (
        "content/handbook/README.md",
        include_str!("init/content/handbook/README.md"),
    ),
    (
        "content/handbook/1-overview.md",
        include_str!("init/content/handbook/1-overview.md"),
    ),
    (
        "content/handbook/2-terminology.md",
        include_str!("init/content/handbook/2-terminology.md"),
    ),
];

/// Writes the starter site into `dir`, creating it when it does not exist.
///
/// Refuses (with an error naming the folder) when `dir` is a file or a
/// folder that already holds anything, so nothing is ever overwritten.
pub fn init_site(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        if !dir.is_dir() {
            bail!("{} exists and is not a folder", dir.display());
        }
        let mut entries =
            fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty; `specsite init` only writes into a new or empty folder",
                dir.display()
            );
        }
    }
    for (rel, text) in STARTER_FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Root-relative paths of the files [`init_site`] writes, in writing order.
pub fn starter_files() -> impl Iterator<Item = &'static str> {
    STARTER_FILES.iter().map(|(rel, _)| *rel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, LinkMode};

    #[test]
    fn writes_every_starter_file_into_a_new_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        init_site(&dir).unwrap();
        for rel in starter_files() {
            let text = fs::read_to_string(dir.join(rel)).unwrap();
            assert!(!text.trim().is_empty(), "{rel} is empty");
        }
        assert!(dir.join("content/handbook/SUMMARY.md").is_file());
        assert!(dir.join("glossary/terms.yaml").is_file());
    }

    #[test]
    fn writes_into_an_existing_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        init_site(tmp.path()).unwrap();
        assert!(tmp.path().join("specsite.yaml").is_file());
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "keep me").unwrap();
        let err = init_site(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("not empty"), "{err}");
        assert_eq!(
            fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
            "keep me"
        );
        assert!(!tmp.path().join("specsite.yaml").exists());
    }

    #[test]
    fn refuses_a_path_that_is_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("site");
        fs::write(&file, "").unwrap();
        assert!(init_site(&file).is_err());
    }

    #[test]
    fn starter_config_parses_with_its_documented_keys() {
        let cfg = Config::parse(include_str!("init/specsite.yaml")).unwrap();
        assert_eq!(cfg.title.as_deref(), Some("My Specifications"));
        assert_eq!(cfg.glossary.link, LinkMode::First);
        assert_eq!(cfg.abbreviations.known, ["JSON", "YAML"]);
    }

    #[test]
    fn starter_config_examples_are_valid_keys_when_uncommented() {
        // Commented-out examples are documentation: uncommented, they must
        // still parse, so a renamed key cannot leave a stale example behind.
        let example = regex::Regex::new(r"^# (\s*[a-z_-]+:|\s+- )").unwrap();
        let text: String = include_str!("init/specsite.yaml")
            .lines()
            .map(|l| if example.is_match(l) { &l[2..] } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        let cfg = Config::parse(&text).unwrap_or_else(|e| panic!("{}\n{text}", e.message));
        assert!(cfg.site_url.is_some());
        assert_eq!(cfg.site_url_aliases.len(), 1);
        assert_eq!(cfg.book_aliases.len(), 1);
        assert!(cfg.theme.is_some());
        assert!(cfg.common_glossary.is_some());
        assert_eq!(cfg.openapi_specs.len(), 1);
        let books = cfg.books.expect("books example");
        assert_eq!(books[0].versions.len(), 2);
        assert_eq!(cfg.sources[0].versions.len(), 3);
        assert_eq!(cfg.rules.len(), 2);
        assert_eq!(cfg.ignore, ["**/drafts/**"]);
    }

    #[test]
    fn demo_site_config_parses() {
        let cfg = Config::parse(include_str!("../specsite.yaml")).unwrap();
        assert_eq!(cfg.glossary.link, LinkMode::First);
        assert!(cfg.title.is_some());
    }
}
