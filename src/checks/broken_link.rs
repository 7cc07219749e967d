//! `broken-link`: a link to a page or file that does not exist, or one that
//! GitBook itself lost (see [`Rule::BrokenLink`] for the user documentation).

use super::suggest::{case_variant, dest_to, file_name, rel_path, replace_dest, wrong_folder};
use crate::content::{Page, Site};
use crate::diag::{Diagnostic, Rule, Safety};
use crate::markdown::Link;
#[cfg(test)]
use crate::resolve::page_stem;
use crate::resolve::unnumbered;
use crate::resolve::Resolver;

/// A link whose resolved path names nothing in the site. The suggestion, in
/// order of preference: the same path read from the folder it was written
/// for (a link that includes the repository's `spec/` folder), a file that
/// differs only in case, a page with the same file name (same book first),
/// a book of that name (links between repositories).
pub fn missing(resolver: &Resolver, page: &Page, link: &Link, path: &str) -> Diagnostic {
    let site = resolver.site();
    let message = if link.dest.trim_start_matches("./") == path || path.is_empty() {
        format!("link to `{}`, which does not exist", link.dest)
    } else {
        format!(
            "link to `{}`, which does not exist (looked for `{path}`)",
            link.dest
        )
    };
    let d = Diagnostic::new(Rule::BrokenLink, &page.file, link.span.clone(), message);
    if link.dest.contains("://") {
        // A site URL: relative readings do not apply.
        return d;
    }
    if let Some((s, fix)) = wrong_folder(resolver, page, link) {
        return d.with_suggestion(s).with_fix(fix);
    }
    if let Some(f) = case_variant(resolver, path) {
        let fix = replace_dest(
            &page.file,
            &page.source,
            link,
            &dest_to(page, f, link),
            Safety::Safe,
        );
        return d
            .with_suggestion(format!(
                "file names are case-sensitive once published: `{}` exists",
                rel_path(&page.file, f)
            ))
            .with_fix(fix);
    }
    if let Some((other, only)) = same_name_page(resolver, page, path) {
        // The one page a renumbering or a move left with this name is certain.
        let safety = if only { Safety::Safe } else { Safety::Unsafe };
        let fix = replace_dest(
            &page.file,
            &page.source,
            link,
            &dest_to(page, other, link),
            safety,
        );
        return d
            .with_suggestion(format!(
                "a page with {} name exists: `{}`",
                if file_name(other) == file_name(path) {
                    "that"
                } else {
                    "a similar"
                },
                rel_path(&page.file, other)
            ))
            .with_fix(fix);
    }
    let last = file_name(path);
    if let Some(b) = site.books.iter().find(|b| b.id == last && b.latest) {
        return d.with_suggestion(format!(
            "`{}` is another book (`{}`); link to its published URL instead of a path outside this book",
            b.id, b.page_root
        ));
    }
    d
}

/// A site URL whose first segment names no book of the site.
/// `file` is the root-relative file holding the link (a page or a SUMMARY.md).
pub fn unknown_book(site: &Site, file: &str, link: &Link, segment: &str) -> Diagnostic {
    let mut ids: Vec<&str> = site.books.iter().map(|b| b.id.as_str()).collect();
    ids.dedup();
    let d = Diagnostic::new(
        Rule::BrokenLink,
        file,
        link.span.clone(),
        format!(
            "`{}` points into this site, but no book is called `{segment}`",
            link.dest
        ),
    );
    // A published name is often the folder name shortened at one end
    // (`registries` for `digital-registries`).
    let close = ids
        .iter()
        .filter(|id| {
            segment.len() >= 4
                && (id.starts_with(segment) || id.ends_with(segment) || segment.starts_with(**id))
        })
        .min_by_key(|id| id.len());
    match close {
        Some(id) => d.with_suggestion(format!(
            "if `{segment}` is the published name of book `{id}`, add `book_aliases: {{{segment}: {id}}}` to specsite.yaml"
        )),
        None => d.with_suggestion(format!(
            "map it to a book with `book_aliases: {{{segment}: <book id>}}` in specsite.yaml, or link to a book this site holds"
        )),
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

/// A page of the same book (else any book) whose file name is `path`'s
/// (else whose name without its number is), nearest to `page` first; and
/// whether it is the only such page of its book.
fn same_name_page<'a>(resolver: &'a Resolver, page: &Page, path: &str) -> Option<(&'a str, bool)> {
    let site = resolver.site();
    let files = resolver.files();
    let name = file_name(path);
    if name.is_empty() || name.eq_ignore_ascii_case("README.md") {
        return None; // every folder has one: no useful guess
    }
    let stem = unnumbered(name.strip_suffix(".md").unwrap_or(name));
    let nearest = |candidates: &[usize]| {
        let ranked: Vec<(bool, usize, &str)> = candidates
            .iter()
            .map(|&p| &site.pages[p])
            .filter(|p| p.file != page.file)
            .map(|p| {
                (
                    p.book != page.book,
                    rel_path(&page.file, &p.file).len(),
                    p.file.as_str(),
                )
            })
            .collect();
        let best = ranked.iter().min()?;
        let rivals = ranked.iter().filter(|r| r.0 == best.0).count();
        Some((best.2, rivals == 1))
    };
    nearest(files.pages_named(name)).or_else(|| {
        if stem.is_empty() {
            None
        } else {
            nearest(files.pages_with_stem(stem))
        }
    })
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
        let d = missing(
            &crate::resolve::Resolver::new(&site),
            &site.pages[1],
            &link,
            "consent/spec/old/guide.md",
        );
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
    fn section_numbers_are_ignored_when_matching_page_names() {
        assert_eq!(unnumbered("3.1-user-centred-design"), "user-centred-design");
        assert_eq!(unnumbered("1.-user-centred-design"), "user-centred-design");
        assert_eq!(unnumbered("design"), "design");
        assert_eq!(unnumbered("2024"), "2024");
        assert_eq!(page_stem("a/3-setup/README.md"), "3-setup");
        let site = site();
        let link = link(INTRO, LinkKind::Link, "gone.md", Target::GitbookBroken);
        let d = missing(
            &crate::resolve::Resolver::new(&site),
            &site.pages[1],
            &link,
            "consent/spec/9-guide.md",
        );
        assert_eq!(
            d.suggestion.as_deref(),
            Some("a page with a similar name exists: `guide.md`")
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
