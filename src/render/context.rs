//! The template context: what every theme template can use.
//!
//! Every template gets `site` and `page_kind`; page templates also get `book`,
//! `page` and `nav`. All hrefs are already relative to the page being rendered
//! (and name `index.html` in offline mode), so templates never compute URLs.
//! `rel_root` is the `../` prefix back to the site root, for theme assets:
//! `{{ site.rel_root }}assets/specsite.css`.

use serde::Serialize;

/// Site-wide values.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteCtx {
    /// Site title.
    pub title: String,
    /// `<html lang>`.
    pub language: String,
    /// `../` prefix from this page to the site root ("" at the root).
    pub rel_root: String,
    /// Href of the landing page.
    pub home_href: String,
    /// Href of the common glossary index.
    pub glossary_href: String,
    /// Links must name `index.html` (build --offline).
    pub offline: bool,
    /// Every book (latest versions), for the header/landing.
    pub books: Vec<BookLink>,
    /// Hrefs of the theme's stylesheets, in order.
    pub css: Vec<String>,
    /// Hrefs of the theme's scripts (deferred), in order.
    pub js: Vec<String>,
    /// Extra HTML injected before `</body>` (live reload in `serve`), trusted.
    pub body_end_html: String,
    /// Canonical base URL from config, if any.
    pub site_url: Option<String>,
}

/// A link to a book.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BookLink {
    /// Book id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description (plain text) or empty.
    pub description: String,
    /// Href to the book's first page.
    pub href: String,
    /// Number of pages.
    pub pages: usize,
    /// This is the current page's book.
    pub current: bool,
}

/// The current book.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BookCtx {
    /// Book id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Href to the book's home page.
    pub href: String,
    /// Href to the book's glossary index, if the book defines terms.
    pub glossary_href: Option<String>,
    /// Href to the book's print view.
    pub print_href: String,
    /// Current version label, if versioned.
    pub version: Option<String>,
    /// All versions, for the switcher (empty when unversioned).
    pub versions: Vec<VersionLink>,
    /// When this is not the latest version: href to the same page (or the
    /// book home) in the latest version, for the "old version" banner.
    pub latest_href: Option<String>,
}

/// An entry of the version switcher.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VersionLink {
    /// Version label.
    pub label: String,
    /// Href to the same page in that version, or its home when the page does not exist there.
    pub href: String,
    /// The version being viewed.
    pub current: bool,
    /// The latest version.
    pub latest: bool,
}

/// A navigation tree entry (from SUMMARY.md).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NavItem {
    /// `part` (a heading), `link`, or `separator`.
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Href, None for unlinked entries and parts.
    pub href: Option<String>,
    /// The entry is an external URL.
    pub external: bool,
    /// The entry is the current page.
    pub current: bool,
    /// The current page is this entry or below it (open it).
    pub active: bool,
    /// Nested entries.
    pub children: Vec<NavItem>,
}

/// A simple titled link.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkCtx {
    /// Title.
    pub title: String,
    /// Href.
    pub href: String,
}

/// An on-page table of contents entry.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TocItem {
    /// Heading level (2–4 are listed).
    pub level: u8,
    /// Heading text.
    pub title: String,
    /// Anchor id.
    pub id: String,
}

/// The current page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PageCtx {
    /// Title (for `<title>` and the header).
    pub title: String,
    /// Lead/description (plain text) or empty.
    pub description: String,
    /// Body HTML (trusted: rendered by specsite).
    pub content: String,
    /// The page's own leading `<h1>` element (trusted HTML), split off the
    /// start of `content` so the header can show it above the lead; empty
    /// when the body does not start with one.
    pub heading: String,
    /// On-page TOC.
    pub toc: Vec<TocItem>,
    /// From the book home to the parent of this page.
    pub breadcrumbs: Vec<LinkCtx>,
    /// Previous page in SUMMARY order.
    pub prev: Option<LinkCtx>,
    /// Next page in SUMMARY order.
    pub next: Option<LinkCtx>,
    /// "Edit this page" URL (absolute).
    pub edit_url: Option<String>,
    /// Last-updated date (YYYY-MM-DD) from git, if configured.
    pub last_updated: Option<String>,
    /// Absolute canonical URL, if `site_url` is set.
    pub canonical: Option<String>,
    /// Href to the markdown source written beside the page (`index.md`).
    pub source_href: Option<String>,
    /// Root-relative URL of this page (for the search script and copy-link).
    pub url: String,
    /// Href of the script holding the short definitions of the terms this
    /// page links to (`assets/terms/<book>.js`), when it links to any: the
    /// tooltips specsite.js shows on hover and focus.
    pub term_tips: Option<String>,
}

/// One page of a book's print view (`print.html`, context key `print_pages`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PrintPageCtx {
    /// Page title.
    pub title: String,
    /// Anchor id of the page's section in the print view (unique in it).
    pub anchor: String,
    /// Nesting depth in SUMMARY.md (0 = top level).
    pub depth: usize,
    /// Lead/description (plain text) or empty.
    pub description: String,
    /// Body HTML (trusted), with in-book links rewritten to print anchors.
    pub content: String,
}

/// The kind of page being rendered; templates may branch on it.
pub const PAGE_KINDS: &[&str] = &[
    "page", "landing", "glossary", "term", "matrix", "print", "404", "redirect",
];
