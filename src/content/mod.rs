//! Loading: discover books, read `.gitbook.yaml`, SUMMARY.md, front matter, and
//! walk every book's files once (DESIGN.md §1–2).
//!
//! The result is a [`Site`]: every book, every page with its full text, every
//! asset path. Nothing here renders or resolves links.

mod assemble;
pub mod discover;
pub mod frontmatter;
pub mod git;
pub mod gitbook;
pub mod sources;
pub mod summary;
mod walk;

use crate::config::Config;
use crate::diag::Diagnostic;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

pub use summary::{Summary, SummaryItem};

/// Index of a book in [`Site::books`].
pub type BookId = usize;
/// Index of a page in [`Site::pages`].
pub type PageId = usize;

/// Everything loaded from disk, before parsing.
#[derive(Debug, Default)]
pub struct Site {
    /// Absolute, canonical site root.
    pub root: PathBuf,
    /// The configuration (default when there is no `specsite.yaml`).
    pub config: Config,
    /// Books in display order. A versioned book has one entry per version.
    pub books: Vec<Book>,
    /// Every markdown page of every book, sorted by `file`.
    pub pages: Vec<Page>,
    /// Root-relative path (`/` separators) → page, for link resolution.
    pub page_by_file: BTreeMap<String, PageId>,
    /// Root-relative paths of every non-markdown file inside a book's repository
    /// folder (assets), sorted.
    pub assets: Vec<String>,
    /// Root-relative paths of YAML glossary files (`glossary/*.yaml`), sorted.
    pub glossary_files: Vec<String>,
    /// Text of every loaded text file (pages, SUMMARY, YAML), by root-relative
    /// path, so diagnostics can show snippets.
    pub sources: BTreeMap<String, Arc<str>>,
    /// Findings while loading (invalid YAML, encoding, missing summary entries…).
    pub diagnostics: Vec<Diagnostic>,
    /// The versions read from `sources:` (DESIGN.md §10), whose files live
    /// under the virtual folders `<book>@<label>`.
    pub git_versions: Vec<GitVersion>,
    /// Bytes of the assets read from git, by root-relative path (they are
    /// nowhere on disk).
    pub git_blobs: std::collections::HashMap<String, Arc<[u8]>>,
    /// The larger assets read from git, left in their repositories until
    /// they are written.
    pub git_objects: git::ObjectStore,
    /// `check --all-versions`: findings in older versions keep their
    /// severity instead of becoming `info`.
    pub all_versions: bool,
}

/// One version of a `sources:` book: where its files came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitVersion {
    /// The virtual root-relative folder of its files: `<book>@<label>`.
    pub dir: String,
    /// Book id.
    pub book: String,
    /// Version label.
    pub label: String,
    /// The repository as the config names it.
    pub repo: String,
    /// The repository's absolute path.
    pub repo_path: PathBuf,
    /// The ref read (`refs/heads/main`); `None` for the working tree.
    pub git_ref: Option<String>,
    /// The commit read; `None` for the working tree.
    pub commit: Option<String>,
    /// For a `worktree: true` version: the working tree its files are read from.
    pub workdir: Option<PathBuf>,
    /// The version also published at the book's own URL.
    pub latest: bool,
}

impl Site {
    /// The `sources:` version a root-relative file belongs to, with the
    /// file's path inside the repository.
    pub fn git_version_of<'a>(&self, file: &'a str) -> Option<(&GitVersion, &'a str)> {
        let (dir, rest) = file.split_once('/')?;
        if !dir.contains('@') {
            return None;
        }
        let v = self.git_versions.iter().find(|v| v.dir == dir)?;
        Some((v, rest))
    }

    /// Where a root-relative file is on disk: under the root, or in the
    /// working tree of a `worktree: true` version; `None` for a file read
    /// from git objects.
    pub fn disk_path(&self, file: &str) -> Option<PathBuf> {
        match self.git_version_of(file) {
            Some((v, rest)) => v.workdir.as_ref().map(|w| w.join(rest)),
            None => Some(self.root.join(file)),
        }
    }

    /// A root-relative file's bytes, from git or from disk.
    pub fn read_bytes(&self, file: &str) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        if let Some(b) = self.git_blobs.get(file) {
            return Ok(std::borrow::Cow::Borrowed(b));
        }
        if self.git_objects.contains(file) {
            return self.git_objects.read(file).map(std::borrow::Cow::Owned);
        }
        if let Some(t) = self.sources.get(file) {
            return Ok(std::borrow::Cow::Borrowed(t.as_bytes()));
        }
        match self.disk_path(file) {
            Some(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("`{file}` is not in the repository's objects"),
            )),
        }
    }

    /// Whether a root-relative file exists (on disk or in a git version).
    pub fn file_exists(&self, file: &str) -> bool {
        if self.git_blobs.contains_key(file)
            || self.git_objects.contains(file)
            || self.page_by_file.contains_key(file)
        {
            return true;
        }
        match self.disk_path(file) {
            Some(p) => p.is_file(),
            None => self
                .assets
                .binary_search_by(|a| a.as_str().cmp(file))
                .is_ok(),
        }
    }

    /// The size of a root-relative file in bytes, if it exists.
    pub fn file_len(&self, file: &str) -> Option<u64> {
        if let Some(b) = self.git_blobs.get(file) {
            return Some(b.len() as u64);
        }
        if let Some(size) = self.git_objects.size(file) {
            return Some(size);
        }
        match self.disk_path(file) {
            Some(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
            None => None,
        }
    }
}

/// One book (or one version of a versioned book).
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Book id: first URL segment.
    pub id: String,
    /// Display title: config, else SUMMARY/README first heading, else id.
    pub title: String,
    /// Landing-page description (config, else README front matter/lead).
    pub description: Option<String>,
    /// Version label when the book is versioned.
    pub version: Option<String>,
    /// Whether this version is the latest (also served at `/<id>/`). True for unversioned books.
    pub latest: bool,
    /// All version labels of this book id, in config order (empty when unversioned).
    pub versions: Vec<String>,
    /// Output prefixes (relative to the output folder, no slashes at the ends)
    /// where this book's pages are written. The first is canonical:
    /// `consent/1.0` for a version, `consent` for the latest (which is also
    /// written under `consent/<label>`).
    pub url_prefixes: Vec<String>,
    /// Root-relative folder holding `.gitbook.yaml` (the repository folder); `""` for the root.
    pub repo_dir: String,
    /// Root-relative page root (`.gitbook.yaml` `root:`), e.g. `consent/spec`.
    pub page_root: String,
    /// Root-relative path of SUMMARY.md.
    pub summary_file: String,
    /// Page-root-relative path of the readme (`structure.readme`, default README.md).
    pub readme: String,
    /// The parsed table of contents (None when SUMMARY.md is missing).
    pub summary: Option<Summary>,
    /// Pages of this book, in SUMMARY order first, then orphans by path.
    pub pages: Vec<PageId>,
    /// `.gitbook.yaml` redirects: page-root-relative source path → target path.
    pub redirects: Vec<(String, String)>,
    /// "Edit this page" template from config.
    pub edit_url: Option<String>,
}

impl Site {
    /// Books by URL prefix ([`Book::prefix`]), the first book of a prefix
    /// winning: for lookups by prefix without scanning every book.
    pub fn books_by_prefix(&self) -> std::collections::HashMap<&str, BookId> {
        let mut m = std::collections::HashMap::new();
        for (i, b) in self.books.iter().enumerate() {
            m.entry(b.prefix()).or_insert(i);
        }
        m
    }
}

/// The site's books counted for a summary line, versions apart: `2 books`,
/// `1 book in 2 versions`, `3 books, 5 versions`.
pub fn count_books(site: &Site) -> String {
    let mut ids: Vec<&str> = site.books.iter().map(|b| b.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let versions = site.books.iter().filter(|b| b.version.is_some()).count();
    let books = match ids.len() {
        1 => "1 book".to_string(),
        n => format!("{n} books"),
    };
    match versions {
        0 => books,
        1 if ids.len() == 1 => format!("{books} in 1 version"),
        n if ids.len() == 1 => format!("{books} in {n} versions"),
        1 => format!("{books}, 1 version"),
        n => format!("{books}, {n} versions"),
    }
}

impl Book {
    /// The canonical output prefix, e.g. `consent` or `consent/1.0`.
    pub fn prefix(&self) -> &str {
        &self.url_prefixes[0]
    }
}

/// One markdown page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The book it belongs to.
    pub book: BookId,
    /// Root-relative source path, `/` separators, e.g. `consent/spec/3-terminology.md`.
    pub file: String,
    /// Page-root-relative path, e.g. `3-terminology.md`.
    pub path: String,
    /// Output path relative to the book prefix, with trailing `/` unless empty:
    /// `3-terminology/`; the book's readme is `""`; `a/README.md` is `a/`.
    pub slug: String,
    /// Full source text (front matter included).
    pub source: Arc<str>,
    /// Parsed front matter.
    pub front: frontmatter::FrontMatter,
    /// Byte offset where the markdown body starts (after front matter).
    pub body_start: usize,
    /// Title from the SUMMARY entry (None for orphans; the parser then uses the first H1).
    pub summary_title: Option<String>,
    /// Reached from the book's SUMMARY.md.
    pub in_summary: bool,
    /// A terminology page (DESIGN.md §1): reached from SUMMARY and has
    /// `terminology` in a file or folder name.
    pub terminology: bool,
    /// A terminology page that belongs to the common glossary.
    pub common_terminology: bool,
}

impl Page {
    /// Output URL relative to the site root, canonical prefix: `consent/3-terminology/`.
    pub fn url(&self, site: &Site) -> String {
        crate::urls::join_url(site.books[self.book].prefix(), &self.slug)
    }
}

/// A span in a file, for findings that point into sources other than pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpan {
    /// Root-relative file.
    pub file: String,
    /// Byte range.
    pub span: Range<usize>,
}

/// Why loading could not even start (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The root is missing or unreadable.
    #[error("cannot read site root {0}: {1}")]
    Root(String, String),
    /// No book was found under the root.
    #[error("no books found under {root}: looked for SUMMARY.md or .gitbook.yaml in the root itself, in content/*/, and in each sub-folder")]
    NoBooks {
        /// The root as given.
        root: String,
    },
    /// The config file does not parse; the diagnostic says where.
    #[error("invalid config {file}: {message}")]
    Config {
        /// The config file.
        file: String,
        /// Parser message.
        message: String,
        /// The finding with its position.
        diagnostic: Box<Diagnostic>,
        /// The config text, for the snippet.
        text: Arc<str>,
    },
    /// A `books:` entry whose folder does not exist.
    #[error("{0}")]
    Other(String),
    /// A `sources:` repository that cannot be read, or a ref it does not
    /// have (`source-unreadable`); the message names the source.
    #[error("{message}")]
    Source {
        /// The source's `repo:` as the config gives it.
        repo: String,
        /// What went wrong, naming the source.
        message: String,
        /// The `source-unreadable` finding, at the source in the config.
        diagnostic: Box<Diagnostic>,
        /// The config text, for the snippet.
        text: Arc<str>,
    },
}

/// Options for loading.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The site root as given on the command line.
    pub root: PathBuf,
    /// Explicit config file (`--config`); default `<root>/specsite.yaml`.
    pub config: Option<PathBuf>,
    /// Output folder to exclude from the walk (absolute or relative to cwd).
    pub out: Option<PathBuf>,
    /// Leave YAML/JSON text assets (OpenAPI specs) unread: they are still
    /// listed in [`Site::assets`], but not in [`Site::sources`]. A build
    /// reads the specs it renders itself, and its report reads back any a
    /// finding points into.
    pub skip_text_assets: bool,
}

pub use assemble::page_slug;
pub use discover::load_site;
