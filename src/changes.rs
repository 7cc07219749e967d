//! What changed between a version of a book and the one before it
//! (DESIGN.md §10): `<out>/<book>/<label>/changes/`.
//!
//! Reads the model already built: the loaded site (each version's pages by
//! path, their sources), the parsed docs (titles) and the glossary (each
//! version's book-scoped terms). A version's predecessor is the next older
//! one in its book's version list. Lists run newest first (DESIGN §10), but a
//! list whose latest version comes last, as in DESIGN §2's folder example
//! (`1.0`, then `development` marked latest), runs oldest first. The page shows the
//! counts first, then pages added, removed and changed (each change sized
//! in words added and removed), then terms added, removed and redefined;
//! every entry links to the page or term in both versions where it exists.

use crate::content::{BookId, PageId, Site};
use crate::glossary::{same_term_key, Glossary, Scope};
use crate::markdown::Doc;
use crate::render::site::Generated;
use crate::urls::{href, join_url};
use serde::Serialize;
use std::collections::BTreeMap;

/// One version and the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionPair {
    /// The newer version.
    pub new: BookId,
    /// Its predecessor.
    pub old: BookId,
}

/// Every version with a predecessor, in site order.
pub fn version_pairs(site: &Site) -> Vec<VersionPair> {
    let mut out = Vec::new();
    for (i, b) in site.books.iter().enumerate() {
        let Some(label) = &b.version else { continue };
        let Some(pos) = b.versions.iter().position(|v| v == label) else {
            continue;
        };
        let prev = if oldest_first(site, b) {
            pos.checked_sub(1).and_then(|q| b.versions.get(q))
        } else {
            b.versions.get(pos + 1)
        };
        let Some(prev) = prev else {
            continue;
        };
        let old = site
            .books
            .iter()
            .position(|o| o.id == b.id && o.version.as_ref() == Some(prev));
        if let Some(old) = old {
            out.push(VersionPair { new: i, old });
        }
    }
    out
}

/// Whether `book`'s version list runs oldest first: its latest version is
/// the last of two or more.
fn oldest_first(site: &Site, book: &crate::content::Book) -> bool {
    let latest = site
        .books
        .iter()
        .find(|o| o.id == book.id && o.latest && o.version.is_some())
        .and_then(|o| o.version.as_ref());
    book.versions.len() > 1 && latest.is_some() && latest == book.versions.last()
}

/// The changes of one version, before it is placed at a URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Pages only in the newer version.
    pub added: Vec<PageId>,
    /// Pages only in the older version.
    pub removed: Vec<PageId>,
    /// Pages in both whose source differs: (new, old, words added, words removed).
    pub changed: Vec<(PageId, PageId, usize, usize)>,
    /// Pages in both with the same source.
    pub unchanged: usize,
    /// Terms only in the newer version (glossary indices).
    pub terms_added: Vec<usize>,
    /// Terms only in the older version.
    pub terms_removed: Vec<usize>,
    /// Terms in both with another definition: (new, old).
    pub terms_redefined: Vec<(usize, usize)>,
}

/// Compares two versions' pages (by path in the page root) and book terms.
pub fn compare(site: &Site, glossary: &Glossary, pair: VersionPair) -> Changes {
    let by_path = |b: BookId| -> BTreeMap<&str, PageId> {
        (site.books[b].pages.iter())
            .map(|&p| (site.pages[p].path.as_str(), p))
            .collect()
    };
    let (new, old) = (by_path(pair.new), by_path(pair.old));
    let mut c = Changes::default();
    for (path, &p) in &new {
        match old.get(path) {
            None => c.added.push(p),
            Some(&q) => {
                let (a, b) = (&site.pages[p].source, &site.pages[q].source);
                if std::sync::Arc::ptr_eq(a, b) || a == b {
                    c.unchanged += 1;
                } else {
                    let (plus, minus) = word_changes(b, a);
                    c.changed.push((p, q, plus, minus));
                }
            }
        }
    }
    c.removed = (old.iter())
        .filter(|(path, _)| !new.contains_key(*path))
        .map(|(_, &q)| q)
        .collect();
    let terms_of = |b: BookId| -> BTreeMap<String, usize> {
        let scope = Scope::Book(site.books[b].prefix().to_string());
        (glossary.terms.iter().enumerate())
            .filter(|(_, t)| t.scope == scope)
            .map(|(i, t)| (same_term_key(&t.name), i))
            .collect()
    };
    let (new_terms, old_terms) = (terms_of(pair.new), terms_of(pair.old));
    for (key, &t) in &new_terms {
        match old_terms.get(key) {
            None => c.terms_added.push(t),
            Some(&u) => {
                if glossary.terms[t].definition_text != glossary.terms[u].definition_text {
                    c.terms_redefined.push((t, u));
                }
            }
        }
    }
    c.terms_removed = (old_terms.iter())
        .filter(|(k, _)| !new_terms.contains_key(*k))
        .map(|(_, &u)| u)
        .collect();
    c
}

/// Words added and removed between two texts (a word diff, whitespace ignored).
pub fn word_changes(old: &str, new: &str) -> (usize, usize) {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(std::time::Duration::from_millis(200))
        .diff_words(old, new);
    let (mut plus, mut minus) = (0, 0);
    for change in diff.iter_all_changes() {
        if change.value().trim().is_empty() {
            continue;
        }
        match change.tag() {
            similar::ChangeTag::Insert => plus += 1,
            similar::ChangeTag::Delete => minus += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    (plus, minus)
}

#[derive(Serialize)]
struct Entry {
    title: String,
    path: String,
    /// In the newer version (this one).
    href: Option<String>,
    /// In the older version.
    previous_href: Option<String>,
    words_added: usize,
    words_removed: usize,
}

#[derive(Serialize)]
struct Counts {
    added: usize,
    removed: usize,
    changed: usize,
    unchanged: usize,
    words_added: usize,
    words_removed: usize,
    terms_added: usize,
    terms_removed: usize,
    terms_redefined: usize,
}

/// The changes pages of a site: one per version with a predecessor, at
/// each of the version's output prefixes (the latest also at the book root).
pub fn changes_pages(
    site: &Site,
    docs: &[Doc],
    glossary: &Glossary,
    reqs: &crate::requirements::SiteRequirements,
    offline: bool,
) -> Vec<Generated> {
    let pairs = version_pairs(site);
    let compared: Vec<(VersionPair, Changes)> = {
        use rayon::prelude::*;
        pairs
            .par_iter()
            .map(|&p| (p, compare(site, glossary, p)))
            .collect()
    };
    let mut out = Vec::new();
    for (pair, c) in &compared {
        let (nb, ob) = (&site.books[pair.new], &site.books[pair.old]);
        for prefix in &nb.url_prefixes {
            let url = join_url(prefix, "changes/");
            let link = |to: &str| href(&url, to, None, offline);
            let here = |p: PageId| link(&join_url(prefix, &site.pages[p].slug));
            let there = |q: PageId| link(&site.pages[q].url(site));
            let title = |p: PageId| crate::render::site::title_of_page(site, docs, p);
            let entry = |p: Option<PageId>, q: Option<PageId>, plus: usize, minus: usize| {
                let any = p.or(q).unwrap_or_default();
                Entry {
                    title: title(any),
                    path: site.pages[any].path.clone(),
                    href: p.map(here),
                    previous_href: q.map(there),
                    words_added: plus,
                    words_removed: minus,
                }
            };
            let term = |t: Option<usize>, u: Option<usize>| {
                let any = &glossary.terms[t.or(u).unwrap_or_default()];
                let url_of = |i: usize| link(&glossary.terms[i].url());
                serde_json::json!({
                    "name": any.name,
                    "href": t.map(url_of),
                    "previous_href": u.map(url_of),
                })
            };
            // The requirement diff of DESIGN.md §9, between the two versions.
            let no_reqs = Vec::new();
            let reqs_of = |b: BookId| reqs.of_book(b).map_or(&no_reqs, |r| &r.requirements);
            let rdiff = crate::requirements::diff::diff_in(
                reqs_of(pair.old),
                &site.books[pair.old].page_root,
                reqs_of(pair.new),
                &site.books[pair.new].page_root,
            );
            let req_href = |r: &crate::requirements::Requirement| {
                let (page, frag) = r.url.split_once('#').unwrap_or((&r.url, ""));
                href(&url, page, (!frag.is_empty()).then_some(frag), offline)
            };
            let requirements: Vec<serde_json::Value> = rdiff
                .changes
                .iter()
                .map(|ch| {
                    serde_json::json!({
                        "kind": ch.kind,
                        "id": ch.id,
                        "breaking": ch.breaking,
                        "statement": ch.new.as_ref().or(ch.old.as_ref()).map(|r| r.statement.clone()),
                        "href": ch.new.as_ref().map(req_href),
                        "previous_href": ch.old.as_ref().map(req_href),
                    })
                })
                .collect();
            let counts = Counts {
                added: c.added.len(),
                removed: c.removed.len(),
                changed: c.changed.len(),
                unchanged: c.unchanged,
                words_added: c.changed.iter().map(|x| x.2).sum(),
                words_removed: c.changed.iter().map(|x| x.3).sum(),
                terms_added: c.terms_added.len(),
                terms_removed: c.terms_removed.len(),
                terms_redefined: c.terms_redefined.len(),
            };
            let data = serde_json::json!({
                "book": nb.title,
                "label": nb.version,
                "previous_label": ob.version,
                "href": link(&join_url(prefix, "")),
                "previous_href": link(&join_url(ob.prefix(), "")),
                "counts": counts,
                "added": c.added.iter().map(|&p| entry(Some(p), None, 0, 0)).collect::<Vec<_>>(),
                "removed": c.removed.iter().map(|&q| entry(None, Some(q), 0, 0)).collect::<Vec<_>>(),
                "changed": c.changed.iter().map(|&(p, q, a, r)| entry(Some(p), Some(q), a, r)).collect::<Vec<_>>(),
                "terms_added": c.terms_added.iter().map(|&t| term(Some(t), None)).collect::<Vec<_>>(),
                "terms_removed": c.terms_removed.iter().map(|&u| term(None, Some(u))).collect::<Vec<_>>(),
                "terms_redefined": c.terms_redefined.iter().map(|&(t, u)| term(Some(t), Some(u))).collect::<Vec<_>>(),
                "requirements": requirements,
            });
            out.push(Generated {
                url,
                template: "changes.html".into(),
                title: format!(
                    "Changes in {} {} since {}",
                    nb.title,
                    nb.version.as_deref().unwrap_or_default(),
                    ob.version.as_deref().unwrap_or_default()
                ),
                book: Some(pair.new),
                data,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_changes_count_words_not_whitespace() {
        assert_eq!(word_changes("one two three", "one two three"), (0, 0));
        assert_eq!(word_changes("one two three", "one 2 three four"), (2, 1));
        assert_eq!(word_changes("a\n\nb", "a b"), (0, 0));
    }
}
