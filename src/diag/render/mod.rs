//! Report formatters: `human`, `json`, `github`, `sarif`, `rdjson` (DESIGN.md §7).
//!
//! Each format is one [`Formatter`] in its own file. All of them receive the
//! findings already filtered and with their final severity, plus the text of
//! every source file so spans can become 1-based line:column positions
//! (columns count Unicode characters). Output is deterministic: formatters
//! never reorder findings except where a format demands it (`github` puts
//! errors first).

mod github;
mod human;
mod json;
mod rdjson;
mod sarif;

use super::Diagnostic;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use github::escape_data as github_escape_data;

/// The report formats `specsite check --format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets with carets; colour on a terminal.
    #[default]
    Human,
    /// `{"diagnostics": […], "summary": {…}}`.
    Json,
    /// GitHub Actions workflow commands (`::error file=…::message`).
    Github,
    /// SARIF 2.1.0 for code-scanning upload.
    Sarif,
    /// reviewdog's diagnostic format; fixes become suggested changes.
    Rdjson,
}

/// Options shared by every formatter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// Emit ANSI colours (`human` only). The CLI decides from the terminal and `NO_COLOR`.
    pub color: bool,
    /// Path from the git top level to the site root (`""` when they are the
    /// same, else e.g. `docs/spec`), prefixed to file paths in `github` and
    /// `sarif` output.
    pub git_prefix: String,
    /// Where the files of `sources:` versions come from, by their virtual
    /// folder (`<book>@<label>`): `json` adds it to their findings, `sarif`
    /// makes the folder their `uriBaseId`, `github` leaves out their `file=`.
    pub git_sources: BTreeMap<String, GitSource>,
}

/// Where a `sources:` version's files come from (DESIGN.md §10).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GitSource {
    /// The repository as the config names it.
    pub repo: String,
    /// The ref read (`refs/heads/main`); null for a working tree.
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// The commit read; null for a working tree.
    pub commit: Option<String>,
    /// Whether the files are on disk (a `worktree: true` version).
    #[serde(skip)]
    pub on_disk: bool,
}

impl GitSource {
    /// For a file of a `worktree: true` version (`path` in the repository):
    /// its path from the git top level of the site root, which is what
    /// `github` annotates, given the root's `git_prefix`. `None` for a file
    /// read from git objects, from an absolute `repo:`, or outside that top
    /// level.
    pub fn disk_path(&self, git_prefix: &str, path: &str) -> Option<String> {
        if !self.on_disk || self.repo.starts_with('/') || self.repo.contains(':') {
            return None;
        }
        let joined = prefixed(git_prefix, &format!("{}/{path}", self.repo));
        crate::resolve::normalize_join("", &joined.replace('\\', "/"))
    }
}

/// A finding's source as `json` prints it: the version's, plus the path in the repository.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceRef<'a> {
    /// The repository as the config names it.
    pub repo: &'a str,
    /// The ref read; null for a working tree.
    #[serde(rename = "ref")]
    pub git_ref: Option<&'a str>,
    /// The commit read; null for a working tree.
    pub commit: Option<&'a str>,
    /// The file's path in the repository.
    pub path: &'a str,
}

impl ReportOptions {
    /// Fills [`ReportOptions::git_sources`] from a loaded site.
    pub fn with_git_sources(mut self, site: &crate::content::Site) -> Self {
        for v in &site.git_versions {
            self.git_sources.insert(
                v.dir.clone(),
                GitSource {
                    repo: v.repo.clone(),
                    git_ref: v.git_ref.clone(),
                    commit: v.commit.clone(),
                    on_disk: v.workdir.is_some(),
                },
            );
        }
        self
    }

    /// The version folder a finding's file lies in and the file's path in
    /// the repository, for a file of a `sources:` version.
    pub fn git_source_of<'a>(&'a self, file: &'a str) -> Option<(&'a str, &'a GitSource, &'a str)> {
        let (dir, rest) = file.split_once('/')?;
        let (key, src) = self.git_sources.get_key_value(dir)?;
        Some((key.as_str(), src, rest))
    }

    /// The [`SourceRef`] of a finding's file, for a file of a `sources:` version.
    pub fn source_ref<'a>(&'a self, file: &'a str) -> Option<SourceRef<'a>> {
        let (_, src, path) = self.git_source_of(file)?;
        Some(SourceRef {
            repo: &src.repo,
            git_ref: src.git_ref.as_deref(),
            commit: src.commit.as_deref(),
            path,
        })
    }
}

impl ReportOptions {
    /// Options for printing `format` to standard output: colour when stdout
    /// is a terminal and `NO_COLOR` is unset or empty (https://no-color.org),
    /// and, for the formats that print paths from the git top level
    /// (`github`, `sarif`), the git prefix of `root` (empty outside a git
    /// repository; the others do not run git).
    pub fn for_stdout(root: &std::path::Path, format: Format) -> Self {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let git_prefix = match format {
            Format::Github | Format::Sarif | Format::Rdjson => {
                crate::checks::git_prefix(root).unwrap_or_default()
            }
            Format::Human | Format::Json => String::new(),
        };
        ReportOptions {
            color: !no_color && std::io::stdout().is_terminal(),
            git_prefix,
            git_sources: BTreeMap::new(),
        }
    }
}

/// One report format.
pub trait Formatter {
    /// Renders the whole report. `sources` maps root-relative file → text.
    fn render(
        &self,
        diags: &[Diagnostic],
        sources: &BTreeMap<String, Arc<str>>,
        opts: &ReportOptions,
    ) -> String;
}

impl Format {
    /// The formatter for this format.
    pub fn formatter(self) -> &'static dyn Formatter {
        match self {
            Format::Human => &human::Human,
            Format::Json => &json::Json,
            Format::Github => &github::Github,
            Format::Sarif => &sarif::Sarif,
            Format::Rdjson => &rdjson::Rdjson,
        }
    }
}

/// Renders `diags` in `format`. The returned text ends with a newline
/// (except an empty `github` report, which is empty).
pub fn render_report(
    format: Format,
    diags: &[Diagnostic],
    sources: &BTreeMap<String, Arc<str>>,
    opts: &ReportOptions,
) -> String {
    format.formatter().render(diags, sources, opts)
}

/// Joins the git prefix and a root-relative file with `/`.
pub(crate) fn prefixed(prefix: &str, file: &str) -> String {
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() || prefix == "." {
        file.to_string()
    } else if file.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}/{file}")
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A small hand-made set of findings shared by the formatter tests.
    use crate::diag::{Diagnostic, Rule, Severity};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    /// Sources: one page with a non-ASCII line, one SUMMARY.
    pub fn sources() -> BTreeMap<String, Arc<str>> {
        let mut m = BTreeMap::new();
        m.insert(
            "consent/spec/intro.md".to_string(),
            Arc::from("# Intro\n\nSee [the café](./missing.md) and [x](#nowhere).\n![logo](img/logo.png)\n"),
        );
        m.insert(
            "consent/SUMMARY.md".to_string(),
            Arc::from("* [Intro](spec/intro.md)\n* [Old](old.md)\n"),
        );
        m
    }

    /// Four findings of three severities, one site-wide.
    pub fn diags() -> Vec<Diagnostic> {
        let src = sources();
        let page = &src["consent/spec/intro.md"];
        let dest = page.find("./missing.md").unwrap();
        let frag = page.find("#nowhere").unwrap();
        let img = page.find("img/logo.png").unwrap();
        let summary = &src["consent/SUMMARY.md"];
        let old = summary.find("old.md").unwrap();
        let mut orphan = Diagnostic::new(
            Rule::OrphanPage,
            "consent/spec/notes.md",
            0..0,
            "no SUMMARY.md links to this page",
        );
        orphan.severity = Severity::Info;
        vec![
            Diagnostic::new(
                Rule::BrokenLink,
                "consent/spec/intro.md",
                dest..dest + "./missing.md".len(),
                "link to `./missing.md`, which does not exist",
            ),
            Diagnostic::new(
                Rule::BrokenAnchor,
                "consent/spec/intro.md",
                frag..frag + "#nowhere".len(),
                "no heading or id `nowhere` on this page",
            )
            .with_suggestion("did you mean `#intro`?"),
            Diagnostic::new(
                Rule::MissingAsset,
                "consent/spec/intro.md",
                img..img + 12,
                "image `img/logo.png` does not exist",
            )
            .with_suggestion(
                "an asset with that name exists at `consent/.gitbook/assets/logo.png`",
            ),
            Diagnostic::new(
                Rule::SummaryMissingFile,
                "consent/SUMMARY.md",
                old..old + 6,
                "SUMMARY.md entry `old.md`: file does not exist",
            ),
            {
                let mut w = Diagnostic::new(
                    Rule::UnknownBlock,
                    "consent/spec/intro.md",
                    0..1,
                    "unclosed `hint` block: 50%, done, a:b",
                );
                w.severity = Severity::Warning;
                w
            },
            orphan,
        ]
    }
}
