//! SUMMARY.md: a book's table of contents (GitBook dialect).
//!
//! TODO(loader): document the dialect here and implement `parse_summary`.

use std::ops::Range;

/// A parsed SUMMARY.md.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The first `# Heading`, if any (usually "Table of contents").
    pub title: Option<String>,
    /// Top-level entries in order.
    pub items: Vec<SummaryItem>,
}

/// One entry of a SUMMARY.md.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryItem {
    /// A `## Part` heading grouping the entries after it.
    Part {
        /// Heading text, markup removed.
        title: String,
        /// Byte span of the heading line.
        span: Range<usize>,
    },
    /// A linked (or unlinked) entry with optional nested entries.
    Link {
        /// Link text, markup and entities removed.
        title: String,
        /// Destination as written (angle brackets stripped, percent-decoded),
        /// relative to the page root; `None` for an entry without a link.
        dest: Option<String>,
        /// Byte span of the destination (or the entry) in SUMMARY.md.
        span: Range<usize>,
        /// Filled by the loader: the page this entry reaches.
        page: Option<crate::content::PageId>,
        /// The destination is an absolute URL (http:, https:, mailto:…).
        external: bool,
        /// Nested entries.
        children: Vec<SummaryItem>,
    },
    /// A `---` separator line.
    Separator,
}

/// Parses SUMMARY.md text.
pub fn parse_summary(_text: &str) -> Summary {
    Summary::default()
}
