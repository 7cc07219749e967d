//! The glossary: one term model for YAML files and terminology pages, term
//! mention matching, cross-links and term-consistency checks (DESIGN.md §1, §5, §6).
//!
//! TODO(glossary): implement. The signatures below are the contract the
//! markdown pass calls; keep them (extend if needed).

use crate::config::LinkMode;
use crate::diag::Diagnostic;
use std::ops::Range;

/// The whole glossary: common terms and every book's own terms.
#[derive(Debug, Default)]
pub struct Glossary {}

/// A term mention found in a page's prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermUse {
    /// Index of the term in the glossary.
    pub term: usize,
    /// Byte span of the mention in the page file.
    pub span: Range<usize>,
    /// The text as written.
    pub surface: String,
}

impl Glossary {
    /// A linker for one page. `book` is the page's book id; `page_url` its
    /// root-relative output URL (to make relative hrefs to term pages).
    pub fn page_linker<'g>(&'g self, book: &str, page_url: &str, offline: bool, mode: LinkMode) -> PageLinker<'g> {
        let _ = (book, page_url, offline, mode);
        PageLinker { _g: self, uses: Vec::new(), diagnostics: Vec::new() }
    }
}

/// Per-page state of term linking: which terms were already linked, what was found.
pub struct PageLinker<'g> {
    _g: &'g Glossary,
    uses: Vec<TermUse>,
    diagnostics: Vec<Diagnostic>,
}

impl PageLinker<'_> {
    /// Writes a prose text run as HTML into `out`: escaped, with term mentions
    /// linked to their term page. `source_range` is the run's byte range in the
    /// page file (its length may differ from `text` when entities were decoded).
    pub fn text(&mut self, text: &str, source_range: Range<usize>, out: &mut String) {
        let _ = source_range;
        let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
    }

    /// Resolves an explicit `term:<slug>` link: the href to the term page, or
    /// `None` when no such term exists (the linker records `term-unknown-ref`).
    pub fn term_ref(&mut self, slug: &str, span: Range<usize>) -> Option<String> {
        let _ = (slug, span);
        None
    }

    /// The mentions found and any findings.
    pub fn finish(self) -> (Vec<TermUse>, Vec<Diagnostic>) {
        (self.uses, self.diagnostics)
    }
}
