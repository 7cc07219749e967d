//! `path-outside-root`: a link, `src` or `file` that would read outside the
//! site root (see [`Rule::PathOutsideRoot`]).

use crate::content::Page;
use crate::diag::{Diagnostic, Rule};
use crate::markdown::Link;

/// The finding for a reference resolved to [`crate::resolve::Target::OutsideRoot`].
pub fn outside(page: &Page, link: &Link) -> Diagnostic {
    Diagnostic::new(
        Rule::PathOutsideRoot,
        &page.file,
        link.span.clone(),
        format!(
            "`{}` points outside the site root; specsite never reads or publishes files there",
            link.dest
        ),
    )
}
