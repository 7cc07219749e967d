//! Loading: discover books, read `.gitbook.yaml`, SUMMARY.md, front matter, and
//! walk every book's files once (DESIGN.md §1–2).
//!
//! The result is a [`Site`]: every book, every page with its full text, every
//! asset path. Nothing here renders or resolves links.

mod assemble;
pub mod discover;
pub mod frontmatter;
pub mod gitbook;
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
