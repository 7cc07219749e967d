//! `.gitbook.yaml`: `root:`, `structure.readme`, `structure.summary`, `redirects:`.
//!
//! GitBook's Git Sync reads this file at the top of a repository:
//!
//! ```yaml
//! root: ./spec/            # the page root: where SUMMARY.md and the pages live
//! structure:
//!   readme: README.md      # relative to the page root
//!   summary: SUMMARY.md    # relative to the page root
//! redirects:
//!   old/page: new/page.md  # page-root-relative URL path -> page file
//! ```
//!
//! Every key is optional and unknown keys are ignored (GitBook adds new ones
//! over time). Real files contain U+200B zero-width spaces; [`crate::yaml`]
//! treats them as whitespace.

use crate::yaml::{Value, YamlError};
use serde::Deserialize;

/// The settings of one `.gitbook.yaml`, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitbookConfig {
    /// Page root relative to the repository folder, no `./`, no slashes at the
    /// ends; `""` for the repository folder itself.
    pub root: String,
    /// Readme path relative to the page root.
    pub readme: String,
    /// SUMMARY path relative to the page root.
    pub summary: String,
    /// Redirects in file order: source path → target file, both without a leading `./` or `/`.
    pub redirects: Vec<(String, String)>,
}

impl Default for GitbookConfig {
    fn default() -> Self {
        GitbookConfig {
            root: String::new(),
            readme: "README.md".into(),
            summary: "SUMMARY.md".into(),
            redirects: Vec::new(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawGitbook {
    root: Option<String>,
    structure: RawStructure,
    redirects: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawStructure {
    readme: Option<String>,
    summary: Option<String>,
}

/// Parses `.gitbook.yaml` text. An empty file gives the defaults; an invalid
/// one gives the YAML error (offset into `text`), and the caller keeps the defaults.
pub fn parse_gitbook(text: &str) -> Result<GitbookConfig, YamlError> {
    let blank = text
        .chars()
        .all(|c| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}');
    if blank {
        return Ok(GitbookConfig::default());
    }
    let raw: RawGitbook = crate::yaml::parse(text)?;
    let mut cfg = GitbookConfig::default();
    if let Some(root) = raw.root {
        cfg.root = normalize_rel(&root);
    }
    if let Some(readme) = raw
        .structure
        .readme
        .map(|r| normalize_rel(&r))
        .filter(|r| !r.is_empty())
    {
        cfg.readme = readme;
    }
    if let Some(summary) = raw
        .structure
        .summary
        .map(|s| normalize_rel(&s))
        .filter(|s| !s.is_empty())
    {
        cfg.summary = summary;
    }
    if let Some(Value::Mapping(map)) = raw.redirects {
        for (k, v) in map {
            if let (Some(k), Some(v)) = (scalar(&k), scalar(&v)) {
                cfg.redirects.push((normalize_rel(&k), normalize_rel(&v)));
            }
        }
    }
    Ok(cfg)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Trims whitespace, `./` segments and slashes at the ends: `./spec/` → `spec`.
pub(crate) fn normalize_rel(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    path.split('/')
        .filter(|seg| !seg.is_empty() && *seg != ".")
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_root_and_structure_through_zero_width_spaces() {
        let text = "root: ./spec/\n\n\u{200B}structure:  \n    readme: README.md  \n    summary: SUMMARY.md\u{200B}\n";
        let cfg = parse_gitbook(text).unwrap();
        assert_eq!(cfg.root, "spec");
        assert_eq!(cfg.readme, "README.md");
        assert_eq!(cfg.summary, "SUMMARY.md");
    }

    #[test]
    fn custom_structure_and_redirects_keep_order() {
        let text = "root: ./docs\nstructure:\n  readme: intro.md\n  summary: toc/SUMMARY.md\nredirects:\n  z/old: ./new.md\n  a/old: other.md\n";
        let cfg = parse_gitbook(text).unwrap();
        assert_eq!(cfg.root, "docs");
        assert_eq!(cfg.readme, "intro.md");
        assert_eq!(cfg.summary, "toc/SUMMARY.md");
        assert_eq!(
            cfg.redirects,
            vec![
                ("z/old".into(), "new.md".into()),
                ("a/old".into(), "other.md".into())
            ]
        );
    }

    #[test]
    fn empty_or_invisible_only_file_gives_defaults() {
        assert_eq!(
            parse_gitbook("\u{200B}\n  \n").unwrap(),
            GitbookConfig::default()
        );
        assert_eq!(parse_gitbook("root: ./\n").unwrap().root, "");
    }

    #[test]
    fn invalid_yaml_reports_offset() {
        let text = "root: ./spec/\nstructure: [readme\n";
        let e = parse_gitbook(text).unwrap_err();
        assert!(e.offset.is_some_and(|o| o >= 14), "{e:?}");
    }

    #[test]
    fn unknown_keys_are_ignored() {
        assert_eq!(parse_gitbook("root: a\nfuture: 1\n").unwrap().root, "a");
    }
}
