//! The requirement outputs of a build: `<book>/requirements/` (the book's
//! index, grouped by type and section, filterable by level and type without
//! JavaScript), `requirements/` (every book's counts, requirements shared
//! between books, level conflicts), `<book>/requirements.json`,
//! `<book>/checklist.csv` and the site-wide `requirements.json`.

use super::diff::diff_in;
use super::report::{book_index, checklist_csv, BookIndex};
use super::{Level, ReqType, Requirement, SiteRequirements};
use crate::content::Site;
use crate::render::site::Generated;
use crate::urls::{href, join_url};
use serde_json::json;
use std::collections::BTreeMap;

/// Files every book (version) with requirements gets, and the site-wide one.
pub fn files(site: &Site, reqs: &SiteRequirements) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    // The site-wide file is the books' files in a list: made from their
    // bytes rather than serialised again.
    let mut all: Vec<u8> = b"{\"books\":[".to_vec();
    let mut any = false;
    for br in &reqs.books {
        if br.requirements.is_empty() {
            continue;
        }
        let book = &site.books[br.book];
        let ix = book_index(site, br, &|_| true);
        let json = serde_json::to_vec(&ix).unwrap_or_default();
        let csv = checklist_csv(&ix, site.config.site_url.as_deref());
        for prefix in &book.url_prefixes {
            out.push((join_url(prefix, "requirements.json"), json.clone()));
            out.push((join_url(prefix, "checklist.csv"), csv.clone().into_bytes()));
        }
        if any {
            all.push(b',');
        }
        all.extend_from_slice(&json);
        any = true;
    }
    if any {
        all.extend_from_slice(b"]}");
        out.push(("requirements.json".to_string(), all));
    }
    out
}

fn esc(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(&mut *out, s);
}

/// One row of the index table. Written here rather than in the template:
/// the template engine's loop costs more than the rest of the page.
fn row_html(r: &Requirement, href: &str) -> String {
    let mut out = String::with_capacity(r.statement.len() + 256);
    out.push_str("<tr id=\"");
    esc(&mut out, &r.anchor());
    out.push_str("\" data-level=\"");
    out.push_str(r.level.name());
    out.push_str("\"><td><code>");
    esc(&mut out, &r.id);
    out.push_str("</code>");
    if !r.aliases.is_empty() {
        out.push_str("<br><small>");
        esc(&mut out, &r.aliases.join(", "));
        out.push_str("</small>");
    }
    out.push_str("</td><td>");
    out.push_str(r.level.name());
    if !r.classifiers.is_empty() {
        out.push_str("<br><small>");
        esc(&mut out, &r.classifiers.join(" "));
        out.push_str("</small>");
    }
    if let Some(c) = &r.condition {
        out.push_str("<br><small>");
        esc(&mut out, c);
        out.push_str("</small>");
    }
    out.push_str("</td><td><a href=\"");
    esc(&mut out, href);
    out.push_str("\">");
    esc(&mut out, &r.statement);
    out.push_str("</a></td></tr>\n");
    out
}

fn type_title(t: ReqType) -> &'static str {
    match t {
        ReqType::CrossCutting => "Cross-cutting requirements",
        ReqType::Functional => "Functional requirements",
        ReqType::KeyFunctionality => "Key digital functionalities",
        ReqType::Interface => "Service APIs",
        ReqType::Other => "Other requirements",
    }
}

fn counts(reqs: &[Requirement]) -> Vec<serde_json::Value> {
    Level::ALL
        .iter()
        .map(|l| {
            let n = reqs.iter().filter(|r| r.level == *l).count();
            json!({ "level": l.name(), "slug": l.name().to_ascii_lowercase(), "count": n })
        })
        .filter(|v| v["count"] != 0)
        .collect()
}

/// The generated index pages: one per book (version) with requirements,
/// at each of its URL prefixes, and the site-wide one.
pub fn generated(site: &Site, reqs: &SiteRequirements, offline: bool) -> Vec<Generated> {
    let pairs = crate::changes::version_pairs(site);
    let mut out = Vec::new();
    for br in &reqs.books {
        if br.requirements.is_empty() {
            continue;
        }
        let book = &site.books[br.book];
        let previous = pairs
            .iter()
            .find(|p| p.new == br.book)
            .and_then(|p| reqs.of_book(p.old))
            .map(|old| {
                (
                    site.books[old.book].version.clone(),
                    diff_in(
                        &old.requirements,
                        &site.books[old.book].page_root,
                        &br.requirements,
                        &book.page_root,
                    ),
                )
            });
        for prefix in &book.url_prefixes {
            let url = join_url(prefix, "requirements/");
            let link = |to: &str, fragment: Option<&str>| href(&url, to, fragment, offline);
            let mut groups = Vec::new();
            for t in ReqType::ALL {
                let of_type: Vec<&Requirement> =
                    br.requirements.iter().filter(|r| r.kind == t).collect();
                if of_type.is_empty() {
                    continue;
                }
                let mut sections: Vec<(String, String)> = Vec::new();
                for r in of_type {
                    let section = r.section.clone().unwrap_or_default();
                    let (page_url, fragment) = r.url.split_once('#').unwrap_or((&r.url, ""));
                    let page_url = match page_url.strip_prefix(book.prefix()) {
                        Some(rest) => join_url(prefix, rest.trim_start_matches('/')),
                        None => page_url.to_string(),
                    };
                    let row = row_html(r, &link(&page_url, Some(fragment)));
                    match sections.iter_mut().find(|(s, _)| *s == section) {
                        Some((_, rows)) => rows.push_str(&row),
                        None => sections.push((section, row)),
                    }
                }
                groups.push(json!({
                    "type": t.name(),
                    "title": type_title(t),
                    "count": br.requirements.iter().filter(|r| r.kind == t).count(),
                    "sections": sections.into_iter().map(|(s, rows)| json!({"section": s, "rows_html": rows})).collect::<Vec<_>>(),
                }));
            }
            let types: Vec<serde_json::Value> = ReqType::ALL
                .iter()
                .filter(|t| br.requirements.iter().any(|r| r.kind == **t))
                .map(|t| json!({"type": t.name(), "title": type_title(*t)}))
                .collect();
            let changes = previous.as_ref().map(|(label, d)| {
                json!({
                    "label": label,
                    "changes": d.changes.iter().map(|c| {
                        let r = c.new.as_ref().or(c.old.as_ref());
                        json!({
                            "kind": c.kind,
                            "id": c.id,
                            "breaking": c.breaking,
                            "level": r.map(|r| r.level.name()),
                            "old_level": c.old.as_ref().map(|r| r.level.name()),
                            "statement": r.map(|r| r.statement.clone()),
                        })
                    }).collect::<Vec<_>>(),
                })
            });
            let data = json!({
                "book": book.title,
                "version": book.version,
                "locked": br.locked,
                "total": br.requirements.len(),
                "counts": counts(&br.requirements),
                "types": types,
                "groups": groups,
                "json_href": link(&join_url(prefix, "requirements.json"), None),
                "csv_href": link(&join_url(prefix, "checklist.csv"), None),
                "site_href": link("requirements/", None),
                "previous": changes,
            });
            out.push(Generated {
                url,
                template: "requirements.html".into(),
                title: format!("{}: requirements", book.title),
                book: Some(br.book),
                data,
            });
        }
    }
    if let Some(g) = site_page(site, reqs, offline) {
        out.push(g);
    }
    out
}

/// `<out>/requirements/`: the latest version of every book.
fn site_page(site: &Site, reqs: &SiteRequirements, offline: bool) -> Option<Generated> {
    let url = "requirements/".to_string();
    let latest: Vec<BookIndex> = reqs
        .books
        .iter()
        .filter(|br| site.books[br.book].latest && !br.requirements.is_empty())
        .map(|br| book_index(site, br, &|_| true))
        .collect();
    if latest.is_empty() {
        return None;
    }
    let link = |to: &str, fragment: Option<&str>| href(&url, to, fragment, offline);
    let books: Vec<serde_json::Value> = reqs
        .books
        .iter()
        .filter(|br| site.books[br.book].latest && !br.requirements.is_empty())
        .map(|br| {
            let b = &site.books[br.book];
            json!({
                "title": b.title,
                "href": link(&join_url(b.prefix(), "requirements/"), None),
                "total": br.requirements.len(),
                "counts": Level::ALL.iter().map(|l| br.requirements.iter().filter(|r| r.level == *l).count()).collect::<Vec<_>>(),
                "locked": br.locked,
            })
        })
        .collect();
    // The same fingerprint in several books.
    let mut by_fp: BTreeMap<String, Vec<(&str, &Requirement)>> = BTreeMap::new();
    for ix in &latest {
        for r in &ix.requirements {
            let fp = r.fingerprint();
            if fp.split(' ').count() >= 3 {
                by_fp.entry(fp).or_default().push((&ix.book, r));
            }
        }
    }
    let mut shared = Vec::new();
    let mut conflicts = Vec::new();
    for list in by_fp.values() {
        let mut books: Vec<&str> = list.iter().map(|(b, _)| *b).collect();
        books.dedup();
        if books.len() < 2 {
            continue;
        }
        let places: Vec<serde_json::Value> = list
            .iter()
            .map(|(b, r)| {
                let (page, fragment) = r.url.split_once('#').unwrap_or((&r.url, ""));
                json!({
                    "book": b,
                    "id": r.id,
                    "level": r.level.name(),
                    "href": link(page, Some(fragment)),
                })
            })
            .collect();
        let entry = json!({
            "statement": list[0].1.statement,
            "places": places,
        });
        if list.iter().any(|(_, r)| r.level != list[0].1.level) {
            conflicts.push(entry.clone());
        }
        shared.push(entry);
    }
    Some(Generated {
        url: url.clone(),
        template: "requirements.html".into(),
        title: "Requirements".into(),
        book: None,
        data: json!({
            "site": true,
            "levels": Level::ALL.iter().map(|l| l.name()).collect::<Vec<_>>(),
            "books": books,
            "shared": shared,
            "conflicts": conflicts,
            "json_href": link("requirements.json", None),
        }),
    })
}
