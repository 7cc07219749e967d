//! Resolving references: a link's destination as written → a [`Target`] in the site.

use crate::content::PageId;

/// Where a reference points, once the whole site is known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A page of the site, with an optional `#fragment`.
    Page {
        /// The page.
        page: PageId,
        /// Fragment without `#`, percent-decoded.
        fragment: Option<String>,
    },
    /// A fragment on the same page (`#x`).
    SamePage {
        /// Fragment without `#`.
        fragment: String,
    },
    /// A non-markdown file inside the site (root-relative path).
    Asset {
        /// Root-relative path.
        file: String,
    },
    /// An explicit glossary reference `term:<slug>`.
    Term {
        /// The slug.
        slug: String,
    },
    /// An absolute URL outside the site (http, https, ftp…).
    External {
        /// The URL.
        url: String,
    },
    /// `mailto:`, `tel:`, `data:`, `javascript:` and similar: never checked.
    Special,
    /// A GitBook lost-link marker (`broken-reference`, `/broken/pages/<id>`).
    GitbookBroken,
    /// A relative or site-alias path that names nothing in the site.
    Missing {
        /// Root-relative path that was looked for.
        path: String,
        /// Fragment, if any.
        fragment: Option<String>,
    },
    /// A path that would leave the site root.
    OutsideRoot,
}
