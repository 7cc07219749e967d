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
pub mod pages;
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
    /// The unit's block in its page's [`Doc::blocks`].
    pub block: usize,
    /// [`Requirement::fingerprint`], computed once.
    pub fingerprint: String,
}

impl Requirement {
    /// The page anchor: `req-` + the id lowercased, `#` → `-`.
    pub fn anchor(&self) -> String {
        anchor_of(&self.id)
    }

    /// The statement lowercased with tags, numbers and markup removed: what
    /// identifies a requirement across edits that move or renumber it.
    pub fn fingerprint(&self) -> String {
        if self.extra.fingerprint.is_empty() {
            ids::fingerprint(&self.statement)
        } else {
            self.extra.fingerprint.clone()
        }
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
    let mut out = extract_site_unchecked(site, docs);
    let found = checks_site(site, &out);
    out.diagnostics.extend(found);
    out
}

/// [`extract_site`] without the site-wide checks ([`checks_site`]), which
/// a build runs beside the work that follows.
pub fn extract_site_unchecked(site: &Site, docs: &[Doc]) -> SiteRequirements {
    let mut t = crate::timing::Stages::start();
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
    t.mark("q:extract");
    let mut per_page: Vec<Option<(Vec<Requirement>, Vec<Diagnostic>)>> =
        per_page.into_iter().map(Some).collect();
    // Each book's pages' findings and requirements, in page order; the
    // books then number their requirements side by side.
    let books: Vec<(Vec<Requirement>, Vec<Diagnostic>)> = (site.books.iter())
        .map(|book| {
            let (mut reqs, mut diags) = (Vec::new(), Vec::new());
            for &p in &book.pages {
                if let Some((r, d)) = per_page.get_mut(p).and_then(Option::take) {
                    reqs.extend(r);
                    diags.extend(d);
                }
            }
            (reqs, diags)
        })
        .collect();
    let done: Vec<(BookRequirements, Vec<Diagnostic>)> = books
        .into_par_iter()
        .enumerate()
        .map(|(b, (mut reqs, mut diags))| {
            for r in &mut reqs {
                r.extra.fingerprint = ids::fingerprint(&r.statement);
            }
            let lock = ids::read_lock(site, b);
            let locked = matches!(lock, Ok(Some(_)));
            match lock {
                Ok(lock) => {
                    let found = ids::assign_ids(site, b, &mut reqs, lock.as_ref());
                    diags.extend(found);
                }
                Err(d) => {
                    diags.push(*d);
                    ids::assign_ids(site, b, &mut reqs, None);
                }
            }
            let book = BookRequirements {
                book: b,
                requirements: reqs,
                locked,
            };
            (book, diags)
        })
        .collect();
    t.mark("q:ids");
    let mut out = SiteRequirements::default();
    for (book, diags) in done {
        out.diagnostics.extend(diags);
        out.books.push(book);
    }
    out
}

/// Gives every requirement its anchor on its page: adds `req-<id>` to the
/// page's anchors (after the heading ids, which keep theirs) and, where the
/// page HTML was built, turns the parse pass's block markers into the id,
/// linked to the book's requirement index (on a table row, the anchor is the
/// `<tr>`'s id); markers of blocks that hold no requirement are dropped.
pub fn place_in_docs(site: &Site, docs: &mut [Doc], reqs: &SiteRequirements, offline: bool) {
    let mut by_page: Vec<Vec<&Requirement>> = vec![Vec::new(); docs.len()];
    for br in &reqs.books {
        for r in &br.requirements {
            if let Some(list) = by_page.get_mut(r.extra.page) {
                list.push(r);
            }
        }
    }
    docs.par_iter_mut()
        .zip(by_page.par_iter())
        .enumerate()
        .for_each(|(p, (doc, list))| {
            for r in list {
                doc.anchors.insert(r.anchor());
            }
            if !doc.html.contains("<!--req:") {
                return;
            }
            let page = &site.pages[p];
            let book = &site.books[page.book];
            let page_url = page.url(site);
            let index = crate::urls::join_url(book.prefix(), "requirements/");
            let by_block: std::collections::HashMap<usize, &Requirement> =
                list.iter().map(|r| (r.extra.block, *r)).collect();
            doc.html = mark_html(&doc.html, |b| {
                by_block.get(&b).map(|r| {
                    let anchor = r.anchor();
                    let href = crate::urls::href(&page_url, &index, Some(&anchor), offline);
                    (anchor, href, r.id.clone(), r.extra.row)
                })
            });
        });
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// `html` with each `<!--req:N-->` marker replaced by what `of(N)` gives
/// (anchor, index href, id, is a row), or removed.
fn mark_html(html: &str, of: impl Fn(usize) -> Option<(String, String, String, bool)>) -> String {
    const OPEN: &str = "<!--req:";
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len()..];
        let Some(close) = after.find("-->") else {
            out.push_str(&rest[i..]);
            return out;
        };
        rest = &after[close + 3..];
        let Some((anchor, href, id, row)) = after[..close].parse().ok().and_then(&of) else {
            continue;
        };
        let badge = |with_id: bool| {
            let id_attr = if with_id {
                format!(" id=\"{}\"", escape(&anchor))
            } else {
                String::new()
            };
            format!(
                "<a class=\"req-id\"{id_attr} href=\"{}\">{}</a>",
                escape(&href),
                escape(&id)
            )
        };
        if !row {
            out.push_str(&badge(true));
            continue;
        }
        // A row: the anchor is the `<tr>`'s id, the badge opens its first cell.
        if let Some(tr) = out.rfind("<tr") {
            out.insert_str(tr + 3, &format!(" id=\"{}\"", escape(&anchor)));
        }
        // The first cell: a `<td`, or a `<th` before it (never searching
        // the rest of the page for one).
        let td = rest.find("<td");
        let cell = match rest[..td.unwrap_or(rest.len()).min(rest.len())].find("<th") {
            Some(th) => Some(th),
            None => td,
        };
        if let Some(c) = cell {
            if let Some(gt) = rest[c..].find('>') {
                let at = c + gt + 1;
                out.push_str(&rest[..at]);
                out.push_str(&badge(false));
                rest = &rest[at..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Site-wide `req-*` checks over the assigned requirements.
pub fn checks_site(site: &Site, reqs: &SiteRequirements) -> Vec<Diagnostic> {
    extract::check_books(site, reqs)
}
