//! Term tooltips, kept out of the pages.
//!
//! What it does: writes, for each book whose pages link to glossary terms,
//! one script `assets/terms/<book prefix>.js` holding the short definition
//! ([`Glossary::tooltip`]) of every term those pages mention, keyed by the
//! term page's root-relative URL. A page that links to terms loads its
//! book's file with `<script defer src>`; `specsite.js` gives each term link
//! its tooltip on hover, keyboard focus and tap.
//!
//! Why: a tooltip written into every term link was 0.76 MB of the corpus's
//! HTML, the same definitions repeated on page after page. As one file per
//! book a reader downloads each definition once, and the term link itself
//! stays a plain link to the term page, which holds the whole definition,
//! for readers without JavaScript. A `<script src>` (not a fetch) works from
//! disk as well as over http.
//!
//! Example: a page of book `consent` saying "Building Block" gets
//! `<a class="term" href="../../glossary/building-block/">Building Block</a>`
//! and `<script defer src="../../assets/terms/consent.js">`, and that file
//! holds `{"glossary/building-block/":"A reusable software component…"}`.

use super::{Glossary, TermUse, NO_TERM};
use crate::content::{PageId, Site};
use crate::markdown::Doc;
use std::collections::{BTreeMap, BTreeSet};

/// The opening every term link starts with ([`super::PageLinker`]).
const TERM_LINK: &str = "<a class=\"term\" ";

/// The page body links to at least one glossary term.
pub fn links_terms(html: &str) -> bool {
    html.contains(TERM_LINK)
}

/// Root-relative path of the tooltip script of the book placed at `prefix`.
pub fn tips_file(prefix: &str) -> String {
    format!("assets/terms/{prefix}.js")
}

/// One tooltip script per book whose pages link to terms, as (root-relative
/// path, bytes), sorted by path: the terms `uses` records on each page whose
/// body (`docs`) links to terms. Same input, same bytes.
pub fn tip_files(
    g: &Glossary,
    site: &Site,
    docs: &[Doc],
    uses: &[(PageId, impl std::borrow::Borrow<[TermUse]>)],
) -> Vec<(String, Vec<u8>)> {
    let mut by_book: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (p, page_uses) in uses {
        let (Some(page), Some(doc)) = (site.pages.get(*p), docs.get(*p)) else {
            continue;
        };
        if !links_terms(&doc.html) {
            continue;
        }
        let terms = by_book.entry(site.books[page.book].prefix()).or_default();
        terms.extend(
            (page_uses.borrow().iter())
                .map(|u| u.term)
                .filter(|&t| t != NO_TERM && t < g.terms.len()),
        );
    }
    by_book
        .into_iter()
        .map(|(prefix, terms)| {
            let tips: BTreeMap<String, String> = terms
                .into_iter()
                .map(|t| (g.terms[t].url(), g.tooltip(t)))
                .collect();
            (tips_file(prefix), script(&tips).into_bytes())
        })
        .collect()
}

/// The script of `tips` (term page URL → short definition): hands them to
/// `specsite.js` (`window.specsiteTermTips`) whichever of the two runs first.
pub fn script(tips: &BTreeMap<String, String>) -> String {
    let json = serde_json::to_string(tips).unwrap_or_else(|_| "{}".into());
    format!(
        "/* specsite: the short definitions of the terms this book's pages link to. */\n\
         (function(t){{var f=window.specsiteTermTips;if(typeof f==\"function\")f(t);else window.specsiteTermTips=t}})({json});\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_hands_the_tips_over_in_key_order() {
        let tips: BTreeMap<String, String> = [
            ("glossary/z/".to_string(), "Last \"quoted\".".to_string()),
            ("glossary/a/".to_string(), "First </script>.".to_string()),
        ]
        .into_iter()
        .collect();
        let s = script(&tips);
        assert!(s.ends_with(
            "({\"glossary/a/\":\"First </script>.\",\"glossary/z/\":\"Last \\\"quoted\\\".\"});\n"
        ));
        assert!(s.contains("window.specsiteTermTips"));
    }

    #[test]
    fn term_links_are_recognised_by_their_opening() {
        assert!(links_terms(
            "<p>A <a class=\"term\" href=\"../g/bb/\">BB</a></p>"
        ));
        assert!(!links_terms("<p>A <a href=\"../g/bb/\">BB</a></p>"));
        assert_eq!(tips_file("consent/1.0"), "assets/terms/consent/1.0.js");
    }
}
