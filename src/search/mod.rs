//! Search: one document model for the CLI (tantivy, [`cli`]) and the browser
//! (sharded JS index, [`browser`]).
//!
//! Producers (the markdown core, one doc per page section; the glossary, one
//! doc per term) build [`SearchDoc`]s; this module indexes them.

pub mod browser;
pub mod cli;
pub mod format;
pub mod text;

pub use browser::{
    index_hash, manifest_path, manifest_path_of, write_browser_index, write_browser_index_hashed,
    BrowserIndexInfo,
};
pub use cli::{did_you_mean, fingerprint, open_or_build_index, Hit, SearchIndex};
pub use format::{format_human, format_json};

use serde::Serialize;

/// What a search document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// A glossary term.
    Term,
    /// A page section (heading to heading).
    Section,
    /// A requirement (found by id, alias or words).
    Requirement,
}

impl DocKind {
    /// The JSON name: `term`, `section` or `requirement`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Term => "term",
            DocKind::Section => "section",
            DocKind::Requirement => "requirement",
        }
    }
}

/// One searchable unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchDoc {
    /// Term or section.
    pub kind: DocKind,
    /// Book id; empty for common glossary terms.
    pub book: String,
    /// Book title; empty for common glossary terms.
    pub book_title: String,
    /// Version label, if the book is versioned.
    pub version: Option<String>,
    /// Section title or term name.
    pub title: String,
    /// Page title and parent headings, outermost first.
    pub heading_path: Vec<String>,
    /// Root-relative URL with `#anchor` (`consent/3-terminology/#consent`).
    pub url: String,
    /// Plain text (for a term: its definition).
    pub text: String,
    /// For terms: abbreviation and aliases (matched like the name); for
    /// requirements: the id and its aliases.
    pub aliases: Vec<String>,
}
