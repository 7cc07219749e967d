//! Requirements: every unit of a book that carries a level tag, with an id
//! that survives renumbering (DESIGN.md §9).
//!
//! Reads the model the pipeline already built: the parsed pages' block
//! structure ([`crate::markdown::Block`]) and the [`Site`]. Nothing here
//! parses markdown again.
//!
//! - [`tags`]: level tags and near misses in a line.
//! - [`extract`]: units (list items, headings with their bodies, bold lines,
//!   paragraphs, table rows) of one page, with type, section and aliases.
//! - [`ids`]: fingerprints, `requirements.lock`, locked and provisional ids.
//! - [`report`]: the index as JSON, CSV (the compliance checklist) and a table.
//! - [`diff`]: what changed between two requirement sets.

pub mod cli;
pub mod diff;
pub mod extract;
pub mod ids;
pub mod report;
pub mod tags;

use crate::content::{BookId, PageId, Site};
use crate::diag::Diagnostic;
use crate::markdown::Doc;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::ops::Range;

pub use diff::{diff, Diff};
pub use tags::Level;

/// Where a requirement's type comes from (DESIGN.md §9, "Type").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReqType {
    /// Cross-cutting (or cross-functional) requirements.
    CrossCutting,
    /// Functional requirements.
    Functional,
    /// Key digital functionalities.
    KeyFunctionality,
    /// Service APIs.
    Interface,
    /// Anything else.
    Other,
}

impl ReqType {
    /// Every type, in index order.
    pub const ALL: [ReqType; 5] = [
        ReqType::CrossCutting,
        ReqType::Functional,
        ReqType::KeyFunctionality,
        ReqType::Interface,
        ReqType::Other,
    ];

    /// The name as written in outputs and `--type`.
    pub fn name(self) -> &'static str {
        match self {
            ReqType::CrossCutting => "cross-cutting",
            ReqType::Functional => "functional",
            ReqType::KeyFunctionality => "key-functionality",
            ReqType::Interface => "interface",
            ReqType::Other => "other",
        }
    }

    /// The type a name gives.
    pub fn parse(s: &str) -> Option<ReqType> {
        ReqType::ALL.into_iter().find(|t| t.name() == s)
    }

    /// The type a page path, title or heading names, if any: the first
    /// match of `cross-cutting`/`cross-functional`, `functional-requirement`,
    /// `key-digital-functionalit`, `service-api`, words joined by `-`.
    pub fn of_text(text: &str) -> Option<ReqType> {
        let slug: String = text
            .chars()
            .map(|c| {
                if c.is_whitespace() || c == '_' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        if slug.contains("cross-cutting") || slug.contains("cross-functional") {
            Some(ReqType::CrossCutting)
        } else if slug.contains("functional-requirement") {
            Some(ReqType::Functional)
        } else if slug.contains("key-digital-functionalit") {
            Some(ReqType::KeyFunctionality)
        } else if slug.contains("service-api") {
            Some(ReqType::Interface)
        } else {
            None
        }
    }
}

/// Whether a requirement's id comes from the lock file (or the author).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The author's id, or one `requirements.lock` holds.
    Locked,
    /// Assigned for this run only: no lock file, or missing from it.
    Provisional,
}

/// One requirement. Serialises as a `requirements.json` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// `govstack-…#req-N`, a local id such as `DRS-3`, or `<book>#req-N`.
    pub id: String,
    /// Locked or provisional.
    pub status: Status,
    /// Section numbers, local ids, `previously:X`.
    pub aliases: Vec<String>,
    /// Level.
    pub level: Level,
    /// Classifiers, upper case.
    pub classifiers: Vec<String>,
    /// Condition words of the tag.
    pub condition: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub kind: ReqType,
    /// The unit's own leading number, else the nearest numbered heading's.
    pub section: Option<String>,
    /// The unit's text, tags removed.
    pub statement: String,
    /// Root-relative source file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (Unicode characters).
    pub column: usize,
    /// Site-relative URL of its place (`<page url>#req-<anchor>`).
    pub url: String,
    /// Everything below is not part of the published index.
    #[serde(skip)]
    pub extra: Extra,
}

/// What the build knows about a requirement beyond its index entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    /// The page.
    pub page: PageId,
    /// The unit's byte span in the page file.
    pub span: Range<usize>,
    /// Byte span of the (first) level tag, when written in the text.
    pub tag_span: Option<Range<usize>>,
    /// The id came from the author (not from the lock).
    pub author_id: bool,
    /// A table row (its anchor goes on the `<tr>`).
    pub row: bool,
}

impl Requirement {
    /// The page anchor: `req-` + the id lowercased, `#` → `-`.
    pub fn anchor(&self) -> String {
        anchor_of(&self.id)
    }

    /// The statement lowercased with tags, numbers and markup removed: what
    /// identifies a requirement across edits that move or renumber it.
    pub fn fingerprint(&self) -> String {
        ids::fingerprint(&self.statement)
    }
}

/// The page anchor of an id: `req-` + the id lowercased, `#` → `-`.
pub fn anchor_of(id: &str) -> String {
    let mut s = String::from("req-");
    for c in id.chars() {
        match c {
            '#' => s.push('-'),
            c if c.is_alphanumeric() || c == '-' || c == '.' || c == '_' => {
                s.extend(c.to_lowercase())
            }
            _ => s.push('-'),
        }
    }
    s
}

/// One book's requirements (one version of it).
#[derive(Debug, Clone, Default)]
pub struct BookRequirements {
    /// The book.
    pub book: BookId,
    /// In reading order (SUMMARY order, then source order).
    pub requirements: Vec<Requirement>,
    /// A lock file exists for the book.
    pub locked: bool,
}

/// Every book's requirements and the findings made while extracting them.
#[derive(Debug, Clone, Default)]
pub struct SiteRequirements {
    /// Per book, in site order.
    pub books: Vec<BookRequirements>,
    /// `req-*` findings.
    pub diagnostics: Vec<Diagnostic>,
}

impl SiteRequirements {
    /// The requirements of book `b`, if it has any entry.
    pub fn of_book(&self, b: BookId) -> Option<&BookRequirements> {
        self.books.iter().find(|r| r.book == b)
    }
}

/// Extracts every requirement of the site from the parsed pages, assigns
/// ids from each book's lock file (read, never written), and runs the
/// `req-*` checks. Pages are read in parallel.
pub fn extract_site(site: &Site, docs: &[Doc]) -> SiteRequirements {
    let per_page: Vec<(Vec<Requirement>, Vec<Diagnostic>)> = (0..site.pages.len())
        .into_par_iter()
        .map(|p| {
            if site.pages[p].in_summary {
                extract::extract_page(site, p, &docs[p])
            } else {
                Default::default()
            }
        })
        .collect();
    let mut per_page: Vec<Option<(Vec<Requirement>, Vec<Diagnostic>)>> =
        per_page.into_iter().map(Some).collect();
    let mut out = SiteRequirements::default();
    for (b, book) in site.books.iter().enumerate() {
        let mut reqs = Vec::new();
        for &p in &book.pages {
            if let Some((r, d)) = per_page.get_mut(p).and_then(Option::take) {
                reqs.extend(r);
                out.diagnostics.extend(d);
            }
        }
        let lock = ids::read_lock(site, b);
        let locked = matches!(lock, Ok(Some(_)));
        match lock {
            Ok(lock) => {
                let found = ids::assign_ids(site, b, &mut reqs, lock.as_ref());
                out.diagnostics.extend(found);
            }
            Err(d) => {
                out.diagnostics.push(*d);
                ids::assign_ids(site, b, &mut reqs, None);
            }
        }
        out.books.push(BookRequirements {
            book: b,
            requirements: reqs,
            locked,
        });
    }
    out.diagnostics.extend(checks_site(site, &out));
    out
}

/// Site-wide `req-*` checks over the assigned requirements.
fn checks_site(site: &Site, reqs: &SiteRequirements) -> Vec<Diagnostic> {
    extract::check_books(site, reqs)
}
