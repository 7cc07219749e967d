//! `broken-link`: a link to a page or file that does not exist, or one that
//! GitBook itself lost (see [`Rule::BrokenLink`] for the user documentation).

use super::links::{file_name, rel_path};
use crate::content::{Page, Site};
use crate::diag::{Diagnostic, Rule};
use crate::markdown::Link;

/// A link whose resolved path names nothing in the site. Suggests a page
/// with the same file name in the same book, when there is one.
pub fn missing(site: &Site, page: &Page, link: &Link, path: &str) -> Diagnostic {
    let message = if link.dest.trim_start_matches("./") == path || path.is_empty() {
        format!("link to `{}`, which does not exist", link.dest)
    } else {
        format!(
            "link to `{}`, which does not exist (looked for `{path}`)",
            link.dest
        )
    };
    let d = Diagnostic::new(Rule::BrokenLink, &page.file, link.span.clone(), message);
    match same_name_page(site, page, path) {
        Some(other) => d.with_suggestion(format!(
            "a page with that name exists: `{}`",
            rel_path(&page.file, other)
        )),
        None => d,
    }
}

/// A GitBook lost-link marker (`broken-reference`, `/broken/pages/<id>`).
pub fn gitbook_lost(page: &Page, link: &Link) -> Diagnostic {
    Diagnostic::new(
        Rule::BrokenLink,
        &page.file,
        link.span.clone(),
        format!(
            "`{}` is GitBook's marker for a link whose target page was moved or deleted",
            link.dest
        ),
    )
    .with_suggestion("point the link at the page's current path")
}

/// A page of the same book (else any book) whose file name is `path`'s,
/// nearest to `page` first.
fn same_name_page<'a>(site: &'a Site, page: &Page, path: &str) -> Option<&'a str> {
    let name = file_name(path);
    if name.is_empty() || name.eq_ignore_ascii_case("README.md") {
        return None; // every folder has one: no useful guess
    }
    site.pages
        .iter()
        .filter(|p| file_name(&p.file) == name && p.file != page.file)
        .map(|p| {
            (
                p.book != page.book,
                rel_path(&page.file, &p.file).len(),
                p.file.as_str(),
            )
        })
        .min()
        .map(|(_, _, f)| f)
}

#[cfg(test)]
mod tests {
    use super::super::links::testsite::*;
    use super::*;
    use crate::markdown::LinkKind;
    use crate::resolve::Target;

    #[test]
    fn suggests_a_page_with_the_same_name_elsewhere_in_the_book() {
        let site = site();
        let link = link(
            INTRO,
            LinkKind::Link,
            "gone.md",
            Target::Missing {
                path: "x/guide.md".into(),
                fragment: None,
            },
        );
        let d = missing(&site, &site.pages[1], &link, "consent/spec/old/guide.md");
        assert_eq!(d.rule, Rule::BrokenLink);
        assert!(
            d.message.contains("`gone.md`") && d.message.contains("consent/spec/old/guide.md"),
            "{}",
            d.message
        );
        assert_eq!(
            d.suggestion.as_deref(),
            Some("a page with that name exists: `guide.md`")
        );
    }

    #[test]
    fn gitbook_marker_says_what_happened() {
        let site = site();
        let link = link(INTRO, LinkKind::Link, "gone.md", Target::GitbookBroken);
        let d = gitbook_lost(&site.pages[1], &link);
        assert!(d.message.contains("moved or deleted"));
        assert_eq!(d.span, link.span);
    }
}
