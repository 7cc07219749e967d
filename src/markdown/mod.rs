//! Parsing and rendering one page: pulldown-cmark events → [`Doc`].
//!
//! Each page is parsed exactly once. The pass records everything later stages
//! need (headings and anchors, links with their resolved targets, term uses,
//! search sections) and produces the page body HTML with links already
//! rewritten to relative output URLs.

pub mod anchors;
pub mod compact;
pub mod dialect;
pub mod highlight;
pub mod parse;

pub use parse::{parse_page, ParseEnv};

use crate::diag::Diagnostic;
use crate::resolve::Target;
use std::collections::BTreeSet;
use std::ops::Range;

/// The parsed, rendered form of one page.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Body HTML (inside `<main>`), links rewritten.
    pub html: String,
    /// Text of the first level-1 heading, entities and markup removed.
    pub h1: Option<String>,
    /// Every heading in order.
    pub headings: Vec<Heading>,
    /// Every id a `#fragment` may name on this page: heading ids, their
    /// alternative GitBook forms, explicit `<a id>`/`name` anchors.
    pub anchors: BTreeSet<String>,
    /// Every link, image and source reference, in source order.
    pub links: Vec<Link>,
    /// Glossary term mentions found in prose.
    pub term_uses: Vec<crate::glossary::TermUse>,
    /// Search sections: text between headings.
    pub sections: Vec<Section>,
    /// Findings while parsing (dialect, front matter…), spans in the page file.
    pub diagnostics: Vec<Diagnostic>,
    /// The page's block structure (headings, list items, paragraphs, table
    /// rows) with plain text and source spans, in source order: what the
    /// requirements extraction reads instead of parsing the page again.
    pub blocks: Vec<Block>,
}

/// What kind of block a [`Block`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading; `index` into [`Doc::headings`].
    Heading {
        /// 1–6.
        level: u8,
        /// Index into [`Doc::headings`].
        index: usize,
    },
    /// A list item; `list` numbers the list it belongs to (page-wide).
    Item {
        /// The list, numbered in page order.
        list: u32,
    },
    /// A paragraph outside list items.
    Paragraph,
    /// A table row (markdown or HTML).
    Row {
        /// The table, numbered in page order.
        table: u32,
        /// A header row.
        head: bool,
    },
}

/// One block of a page: its plain text (markup removed, entities decoded,
/// code blocks left out) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Kind.
    pub kind: BlockKind,
    /// Byte span in the page file.
    pub span: Range<usize>,
    /// Plain text; a list item's own text (not its nested items').
    pub text: String,
    /// Byte length of the first line of `text` (up to the first line break
    /// or the end of the first paragraph).
    pub first_line: usize,
    /// Ranges of `text` written as code: never read as tags.
    pub code: Vec<Range<usize>>,
    /// Byte length of a leading bold run (`**…**` opening the block), 0 if none.
    pub bold: usize,
    /// A table row's cells: range in `text` and byte offset in the page file.
    pub cells: Vec<(Range<usize>, usize)>,
    /// The innermost enclosing block (a list item for nested items), if any.
    pub parent: Option<usize>,
}

/// A heading with its anchors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// Plain text, entities decoded, markup and trailing whitespace removed.
    pub text: String,
    /// The id written on the element (GitBook's current form).
    pub id: String,
    /// Other anchors that also land here (GitBook's older numeric form, explicit ids inside the heading).
    pub alt_ids: Vec<String>,
    /// Byte span of the heading in the page file.
    pub span: Range<usize>,
}

/// What kind of reference a [`Link`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// Markdown or HTML `<a href>` link.
    Link,
    /// Markdown image or HTML `<img src>`/`<source srcset>`.
    Image,
    /// A GitBook block's `src`/`url` (file, content-ref, embed, swagger…).
    BlockSrc,
}

/// One reference in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Kind of reference.
    pub kind: LinkKind,
    /// Destination exactly as written.
    pub dest: String,
    /// Byte span in the page file (the destination when known, else the whole link).
    pub span: Range<usize>,
    /// Where it points.
    pub target: Target,
}

/// A search section: one heading and the prose under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// Heading texts from the page title down to this section's heading.
    pub heading_path: Vec<String>,
    /// The section's own title (the page title for the intro section).
    pub title: String,
    /// Anchor id, None for the intro before the first heading.
    pub anchor: Option<String>,
    /// Text without markup, whitespace collapsed.
    pub text: String,
}
