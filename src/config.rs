//! `specsite.yaml`: the site configuration (DESIGN.md §2).
//!
//! Every key is optional; an unknown key is an error naming it.

use crate::diag::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole site configuration.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Single-book root: the book's id (default: the root folder's name).
    pub id: Option<String>,
    /// Site title shown in the header and landing page.
    pub title: Option<String>,
    /// `<html lang>`; default `en`.
    pub language: Option<String>,
    /// Canonical base URL of the published site.
    pub site_url: Option<String>,
    /// Absolute URL prefixes that point back into this site.
    pub site_url_aliases: Vec<String>,
    /// First URL segment under an alias → book id, optionally followed by a
    /// folder inside the book (`security: specifications/security-requirements`).
    pub book_aliases: BTreeMap<String, String>,
    /// `themes/<name>/` overrides the embedded theme.
    pub theme: Option<String>,
    /// Terminology pages forming the common glossary, relative to the root.
    pub common_glossary: Option<Vec<String>>,
    /// Glossary behaviour.
    pub glossary: GlossaryConfig,
    /// Abbreviation settings.
    pub abbreviations: AbbreviationsConfig,
    /// `openapi-operation` spec names → files relative to the root.
    pub openapi_specs: BTreeMap<String, String>,
    /// The books, in order; when given, discovery is off.
    pub books: Option<Vec<BookConfig>>,
    /// Books read from git repositories (DESIGN.md §10).
    pub sources: Vec<SourceConfig>,
    /// Per-rule severity overrides.
    pub rules: BTreeMap<String, RuleLevel>,
    /// Globs of paths (relative to the root) that are never loaded.
    pub ignore: Vec<String>,
    /// Internal links name `index.html` so the site browses from disk.
    pub offline: bool,
    /// Show "last updated" from git history.
    pub last_updated: bool,
    /// Which asset files (images, downloads) a build publishes.
    pub assets: AssetsMode,
}

/// `assets:`: which of the books' files other than pages a build publishes.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AssetsMode {
    /// The files a page shows or links to. GitBook keeps every upload in
    /// `.gitbook/assets/`, also those no page uses any more.
    #[default]
    Referenced,
    /// Every file.
    All,
}

/// `glossary:` settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GlossaryConfig {
    /// Which term mentions get linked.
    pub link: LinkMode,
}

/// Which term mentions are cross-linked on a page.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LinkMode {
    /// The first mention of each term per page.
    #[default]
    First,
    /// Every mention.
    All,
    /// No automatic links.
    None,
}

/// `abbreviations:` settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AbbreviationsConfig {
    /// Abbreviations that are never `abbr-undefined`.
    pub known: Vec<String>,
}

/// One entry of `books:`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BookConfig {
    /// Book id (first URL segment).
    pub id: String,
    /// Display title (default: the SUMMARY/README title).
    pub title: Option<String>,
    /// Folder of the book relative to the root (default `content/<id>` or `<id>`).
    pub path: Option<String>,
    /// "Edit this page" URL template; `{path}` is the page path in the book.
    pub edit_url: Option<String>,
    /// Versions of the book; the one with `latest: true` is also served at `/<id>/`.
    pub versions: Vec<VersionConfig>,
    /// Short description for the landing page.
    pub description: Option<String>,
}

/// One version of a book.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct VersionConfig {
    /// Label, also the URL segment.
    pub label: String,
    /// Folder of this version relative to the root.
    pub path: String,
    /// The version also served at the book's own URL.
    pub latest: bool,
}

/// One entry of `sources:`: a book read from a git repository.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SourceConfig {
    /// The repository (a clone or a bare repository), relative to the root.
    pub repo: String,
    /// Book id (default: the folder name, `.git` and a `bb-` prefix dropped).
    pub book: Option<String>,
    /// Display title (default: the SUMMARY/README title).
    pub title: Option<String>,
    /// Short description for the landing page.
    pub description: Option<String>,
    /// "Edit this page" URL template (default: from a GitHub `origin` remote).
    pub edit_url: Option<String>,
    /// Refs to publish, newest first.
    pub versions: Vec<SourceVersionConfig>,
    /// Globs over branch and tag names, newest commit first (instead of `versions:`).
    pub refs: Vec<String>,
}

/// One version of a `sources:` book.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SourceVersionConfig {
    /// Branch, tag or other revision to read.
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// Label, also the URL segment (default: the ref's short name, slugged).
    pub label: Option<String>,
    /// The version also served at the book's own URL.
    pub latest: bool,
    /// The repository's working tree, uncommitted edits included.
    pub worktree: bool,
}

/// A severity override for one rule.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Error.
    Error,
    /// Warning.
    Warning,
    /// Info.
    Info,
    /// Rule disabled.
    Off,
}

impl RuleLevel {
    /// The severity, or `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Error => Some(Severity::Error),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Off => None,
        }
    }
}

impl Config {
    /// Parses a config file's text. Unknown rule names are reported as errors too.
    pub fn parse(text: &str) -> Result<Config, crate::yaml::YamlError> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Config = crate::yaml::parse(text)?;
        for name in cfg.rules.keys() {
            if crate::diag::Rule::from_name(name).is_none() {
                return Err(crate::yaml::YamlError {
                    message: format!("rules: unknown rule `{name}`"),
                    offset: text.find(name.as_str()),
                });
            }
        }
        if let Some(books) = &cfg.books {
            for b in books {
                if b.id.is_empty() {
                    return Err(crate::yaml::YamlError {
                        message: "books: every entry needs an `id`".into(),
                        offset: text.find("books:"),
                    });
                }
            }
        }
        for (i, src) in cfg.sources.iter().enumerate() {
            let at = || text.find("sources:");
            let fail = |message: String| crate::yaml::YamlError {
                message,
                offset: at(),
            };
            if src.repo.trim().is_empty() {
                return Err(fail(format!("sources: entry {} needs a `repo`", i + 1)));
            }
            if !src.versions.is_empty() && !src.refs.is_empty() {
                return Err(fail(format!(
                    "sources: `{}`: give `versions:` or `refs:`, not both",
                    src.repo
                )));
            }
            for v in &src.versions {
                if v.worktree == v.git_ref.is_some() {
                    return Err(fail(format!(
                        "sources: `{}`: each version needs either `ref:` or `worktree: true`",
                        src.repo
                    )));
                }
            }
        }
        Ok(cfg)
    }

    /// The configured language, default `en`.
    pub fn language(&self) -> &str {
        self.language.as_deref().unwrap_or("en")
    }

    /// Applies `rules:` to a diagnostic's severity; `None` drops it.
    pub fn severity_for(&self, rule: crate::diag::Rule) -> Option<Severity> {
        match self.rules.get(rule.name()) {
            Some(level) => level.severity(),
            None => Some(rule.default_severity()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let e = Config::parse("titel: x\n").unwrap_err();
        assert!(e.message.contains("titel"), "{}", e.message);
    }

    #[test]
    fn parses_full_example() {
        let c = Config::parse(
            "title: T\nglossary:\n  link: all\nrules:\n  orphan-page: info\nbooks:\n  - id: a\n    versions:\n      - { label: \"1.0\", path: content/a-1.0 }\n",
        )
        .unwrap();
        assert_eq!(c.glossary.link, LinkMode::All);
        assert_eq!(c.books.unwrap()[0].versions[0].label, "1.0");
    }

    #[test]
    fn unknown_rule_is_an_error() {
        assert!(Config::parse("rules:\n  no-such-rule: off\n").is_err());
    }
}
