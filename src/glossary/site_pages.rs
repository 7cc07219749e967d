//! Generated glossary pages (DESIGN.md §3): the A–Z index of common terms
//! (`glossary/`), one index per book with own terms (`<book>/glossary/`), one
//! page per term, and the term × book usage matrix (`glossary/matrix/`); plus
//! the glossary's search documents.
//!
//! Each page is data for a theme template; every href in it is already relative
//! to the page's own URL.

use super::model::{same_term_key, Scope, Term};
use super::{Glossary, TermUse};
use crate::content::{PageId, Site};
use crate::search::{DocKind, SearchDoc};
use crate::urls::href;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A page the renderer writes: `template` rendered with `data` plus the site context.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedPage {
    /// Root-relative folder URL, e.g. `glossary/building-block/`.
    pub url: String,
    /// Template name: `glossary.html`, `term.html` or `matrix.html`.
    pub template: &'static str,
    /// Page title.
    pub title: String,
    /// Template data (context key `data`); hrefs already relative to `url`.
    pub data: Value,
}

/// URL of the common glossary index.
pub const GLOSSARY_URL: &str = "glossary/";
/// URL of the usage matrix.
pub const MATRIX_URL: &str = "glossary/matrix/";

/// Root-relative URL of a book's glossary index.
pub fn book_glossary_url(book: &str) -> String {
    format!("{book}/glossary/")
}

struct Ctx<'a> {
    g: &'a Glossary,
    site: &'a Site,
    offline: bool,
    /// Per term: page → number of uses.
    counts: Vec<BTreeMap<PageId, usize>>,
    /// Per common term: book terms that are the same term.
    redefinitions: Vec<Vec<usize>>,
    /// Per book term: the common term it redefines.
    redefines: Vec<Option<usize>>,
    /// [`Site::books_by_prefix`].
    books_by_prefix: std::collections::HashMap<&'a str, crate::content::BookId>,
    /// Resolves the links of definitions taken from terminology pages.
    resolver: crate::resolve::Resolver<'a>,
}

impl Ctx<'_> {
    fn href(&self, from: &str, to: &str, fragment: Option<&str>) -> String {
        href(from, to, fragment, self.offline)
    }

    fn book_title(&self, prefix: &str) -> String {
        self.books_by_prefix
            .get(prefix)
            .map_or_else(|| prefix.to_string(), |&b| self.site.books[b].title.clone())
    }

    fn page_title(&self, pid: PageId) -> String {
        let p = &self.site.pages[pid];
        p.summary_title
            .clone()
            .or_else(|| p.front.title.clone())
            .unwrap_or_else(|| p.path.clone())
    }

    /// Where the term is defined: file, line and (for pages) a link to the entry.
    fn defined_in(&self, t: &Term, from: &str) -> Value {
        let link = t
            .origin
            .page_url
            .as_ref()
            .map(|u| self.href(from, u, t.origin.anchor.as_deref()));
        let title = t
            .origin
            .page
            .map(|p| self.page_title(p))
            .unwrap_or_else(|| t.origin.file.clone());
        json!({"file": t.origin.file, "line": t.origin.line, "title": title, "href": link})
    }

    /// A term's definition as HTML for the page at `from`. A definition
    /// taken from a terminology page was written there: its links and images
    /// are relative to that page's source file (`3-terminology.md#x`,
    /// `../diagrams/a.png`). They are resolved as that page resolves them and
    /// linked from `from`; one that names nothing in the site is left as
    /// written (the page's own check reports it). YAML definitions are
    /// returned as written.
    fn definition_html(&self, t: &Term, from: &str) -> String {
        let html = &t.definition_html;
        let (Some(pid), Some(page_url)) = (t.origin.page, t.origin.page_url.as_deref()) else {
            return html.clone();
        };
        if !html.contains(" href=\"") && !html.contains(" src=\"") {
            return html.clone();
        }
        let page = &self.site.pages[pid];
        let mut out = String::with_capacity(html.len() + 64);
        let mut last = 0;
        for cap in link_attr_regex().captures_iter(html) {
            let Some(val) = cap.get(1) else { continue };
            let dest = unescape_attr(val.as_str());
            use crate::resolve::Target;
            let to = match self.resolver.resolve(page.book, &page.file, &dest) {
                Target::Page { page: p, fragment } => Some(self.href(
                    from,
                    &self.site.pages[p].url(self.site),
                    fragment.as_deref(),
                )),
                Target::SamePage { fragment } => Some(self.href(from, page_url, Some(&fragment))),
                Target::Asset { file } => {
                    crate::resolve::asset_url(self.site, &file).map(|u| self.href(from, &u, None))
                }
                _ => None,
            };
            if let Some(to) = to {
                out.push_str(&html[last..val.start()]);
                let _ = pulldown_cmark_escape::escape_href(&mut out, &to);
                last = val.end();
            }
        }
        out.push_str(&html[last..]);
        out
    }

    fn entry(&self, i: usize, from: &str) -> Value {
        let t = &self.g.terms[i];
        let redefined_in: Vec<Value> = self.redefinitions[i]
            .iter()
            .map(|&b| {
                let bt = &self.g.terms[b];
                let book = bt.scope.book().unwrap_or_default();
                json!({"book": book, "title": self.book_title(book), "href": self.href(from, &bt.url(), None)})
            })
            .collect();
        json!({
            "name": t.name,
            "abbreviation": t.abbreviation,
            "href": self.href(from, &t.url(), None),
            "summary": self.g.tooltip(i),
            "deprecated": t.is_deprecated(),
            "redefined_in": redefined_in,
            "redefines": self.redefines[i].is_some(),
        })
    }
}

/// The `href` and `src` values of rendered markdown.
fn link_attr_regex() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r#"\s(?:href|src)="([^"]*)""#).expect("valid regex"))
}

/// An attribute value as written before HTML escaping.
fn unescape_attr(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn sort_key(name: &str) -> (String, String) {
    (name.to_lowercase(), name.to_string())
}

/// Groups terms A–Z by their first letter (`#` for others).
fn letters(ctx: &Ctx, mut ids: Vec<usize>, from: &str) -> Vec<Value> {
    ids.sort_by_key(|&i| sort_key(&ctx.g.terms[i].name));
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for i in ids {
        let first = ctx.g.terms[i]
            .name
            .chars()
            .find(|c| c.is_alphanumeric())
            .map(|c| c.to_uppercase().to_string());
        let letter = first
            .filter(|l| l.chars().all(|c| c.is_alphabetic()))
            .unwrap_or_else(|| "#".to_string());
        groups.entry(letter).or_default().push(ctx.entry(i, from));
    }
    groups
        .into_iter()
        .map(|(letter, terms)| {
            let anchor = format!("letter-{}", letter.to_lowercase());
            object([
                ("letter", json!(letter)),
                ("anchor", json!(anchor)),
                ("terms", Value::Array(terms)),
            ])
        })
        .collect()
}

/// The glossary pages of a site, each made on demand: a large site has
/// thousands of term pages whose data (every page using the term) need not
/// all exist at once. Page `i` of [`GlossaryPlan::len`]: the common index,
/// then one index per book, one page per term, and the usage matrix.
pub struct GlossaryPlan<'a> {
    ctx: Ctx<'a>,
    books: Vec<String>,
    common: Vec<usize>,
    /// Each book's own terms, in glossary order.
    book_terms: std::collections::HashMap<String, Vec<usize>>,
}

impl<'a> GlossaryPlan<'a> {
    /// Counts every term's uses (`uses`: each page's term uses).
    pub fn new(
        glossary: &'a Glossary,
        site: &'a Site,
        uses: &[(PageId, impl std::borrow::Borrow<[TermUse]>)],
        offline: bool,
    ) -> Self {
        let n = glossary.terms.len();
        let mut counts = vec![BTreeMap::new(); n];
        for (pid, list) in uses {
            for u in list.borrow() {
                if let Some(i) = u.term_index().filter(|&i| i < n) {
                    *counts[i].entry(*pid).or_insert(0) += 1;
                }
            }
        }
        let mut redefinitions = vec![Vec::new(); n];
        let mut redefines = vec![None; n];
        for (i, t) in glossary.terms.iter().enumerate() {
            if t.scope != Scope::Common {
                if let Some(&c) = glossary.common_matches(t).first() {
                    redefinitions[c].push(i);
                    redefines[i] = Some(c);
                }
            }
        }
        GlossaryPlan {
            ctx: Ctx {
                g: glossary,
                site,
                offline,
                counts,
                redefinitions,
                redefines,
                books_by_prefix: site.books_by_prefix(),
                resolver: crate::resolve::Resolver::new(site),
            },
            books: glossary.books(),
            common: (0..n)
                .filter(|&i| glossary.terms[i].scope == Scope::Common)
                .collect(),
            book_terms: {
                let mut m: std::collections::HashMap<String, Vec<usize>> = Default::default();
                for (i, t) in glossary.terms.iter().enumerate() {
                    if let Some(b) = t.scope.book() {
                        m.entry(b.to_string()).or_default().push(i);
                    }
                }
                m
            },
        }
    }

    /// Number of pages.
    pub fn len(&self) -> usize {
        self.books.len() + self.ctx.g.terms.len() + 2
    }

    /// The books with terms of their own (each has a glossary index page).
    pub fn books(&self) -> &[String] {
        &self.books
    }

    /// Whether there are no pages (never: the common index always exists).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Root-relative URL of page `i`, without making the page.
    pub fn url(&self, i: usize) -> String {
        let nb = self.books.len();
        match i {
            0 => GLOSSARY_URL.to_string(),
            i if i <= nb => book_glossary_url(&self.books[i - 1]),
            i if i <= nb + self.ctx.g.terms.len() => self.ctx.g.terms[i - 1 - nb].url(),
            _ => MATRIX_URL.to_string(),
        }
    }

    /// Makes page `i`.
    pub fn page(&self, i: usize) -> GeneratedPage {
        let nb = self.books.len();
        match i {
            0 => self.common_index(),
            i if i <= nb => self.book_index(&self.books[i - 1]),
            i if i <= nb + self.ctx.g.terms.len() => term_page(&self.ctx, i - 1 - nb),
            _ => matrix_page(&self.ctx, &self.common, &self.books),
        }
    }

    fn common_index(&self) -> GeneratedPage {
        let ctx = &self.ctx;
        let book_links: Vec<Value> = self
            .books
            .iter()
            .map(|b| {
                let count = self.book_terms.get(b).map_or(0, Vec::len);
                json!({"id": b, "title": ctx.book_title(b), "href": ctx.href(GLOSSARY_URL, &book_glossary_url(b), None), "count": count})
            })
            .collect();
        GeneratedPage {
            url: GLOSSARY_URL.to_string(),
            template: "glossary.html",
            title: "Glossary".to_string(),
            data: json!({
                "scope": "common",
                "book": null,
                "book_title": null,
                "count": self.common.len(),
                "letters": letters(ctx, self.common.clone(), GLOSSARY_URL),
                "books": book_links,
                "matrix_href": ctx.href(GLOSSARY_URL, MATRIX_URL, None),
                "common_href": null,
            }),
        }
    }

    fn book_index(&self, b: &str) -> GeneratedPage {
        let ctx = &self.ctx;
        let url = book_glossary_url(b);
        let ids: Vec<usize> = self.book_terms.get(b).cloned().unwrap_or_default();
        let title = ctx.book_title(b);
        GeneratedPage {
            url: url.clone(),
            template: "glossary.html",
            title: format!("{title}: glossary"),
            data: json!({
                "scope": "book",
                "book": b,
                "book_title": title,
                "count": ids.len(),
                "letters": letters(ctx, ids, &url),
                "books": [],
                "matrix_href": ctx.href(&url, MATRIX_URL, None),
                "common_href": ctx.href(&url, GLOSSARY_URL, None),
            }),
        }
    }
}

/// Every generated glossary page, in a stable order (made in parallel).
pub fn glossary_pages(
    glossary: &Glossary,
    site: &Site,
    uses: &[(PageId, impl std::borrow::Borrow<[TermUse]>)],
    offline: bool,
) -> Vec<GeneratedPage> {
    use rayon::prelude::*;
    let plan = GlossaryPlan::new(glossary, site, uses, offline);
    (0..plan.len())
        .into_par_iter()
        .map(|i| plan.page(i))
        .collect()
}

fn term_page(ctx: &Ctx, i: usize) -> GeneratedPage {
    let g = ctx.g;
    let t = &g.terms[i];
    let url = t.url();
    let book = t.scope.book();
    let index_url = book.map_or_else(|| GLOSSARY_URL.to_string(), book_glossary_url);
    let see_also: Vec<Value> = t
        .see_also
        .iter()
        .map(|name| {
            let key = same_term_key(name);
            let target = g.by_slug(book, name).or_else(|| {
                g.terms.iter().position(|o| {
                    (o.scope == Scope::Common || o.scope == t.scope)
                        && same_term_key(&o.name) == key
                })
            });
            json!({"name": name, "href": target.map(|j| ctx.href(&url, &g.terms[j].url(), None))})
        })
        .collect();
    // Used in: by book, then page.
    let mut by_book: BTreeMap<String, Vec<(PageId, usize)>> = BTreeMap::new();
    for (&pid, &c) in &ctx.counts[i] {
        let p = &ctx.site.pages[pid];
        by_book
            .entry(ctx.site.books[p.book].prefix().to_string())
            .or_default()
            .push((pid, c));
    }
    let total: usize = ctx.counts[i].values().sum();
    let used_in: Vec<Value> = by_book
        .into_iter()
        .map(|(b, pages)| {
            let sum: usize = pages.iter().map(|p| p.1).sum();
            let pages: Vec<Value> = pages
                .into_iter()
                .map(|(pid, c)| json!({"title": ctx.page_title(pid), "href": ctx.href(&url, &ctx.site.pages[pid].url(ctx.site), None), "count": c}))
                .collect();
            object([
                ("book", json!(b)),
                ("title", json!(ctx.book_title(&b))),
                ("total", json!(sum)),
                ("pages", Value::Array(pages)),
            ])
        })
        .collect();
    let redefinitions: Vec<Value> = ctx.redefinitions[i]
        .iter()
        .map(|&j| {
            let bt = &g.terms[j];
            let b = bt.scope.book().unwrap_or_default();
            json!({
                "book": b,
                "book_title": ctx.book_title(b),
                "name": bt.name,
                "definition_html": ctx.definition_html(bt, &url),
                "href": ctx.href(&url, &bt.url(), None),
                "defined_in": ctx.defined_in(bt, &url),
                "identical": bt.definition_text.trim_end_matches('.').eq_ignore_ascii_case(t.definition_text.trim_end_matches('.')),
            })
        })
        .collect();
    let common = ctx.redefines[i].map(|c| {
        let ct = &g.terms[c];
        json!({"name": ct.name, "href": ctx.href(&url, &ct.url(), None), "definition_html": ctx.definition_html(ct, &url)})
    });
    let extra: Vec<Value> = t
        .extra
        .iter()
        .map(|(k, v)| {
            let shown = match v {
                Value::String(s) => s.clone(),
                Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            json!({"key": k, "value": shown})
        })
        .collect();
    GeneratedPage {
        url: url.clone(),
        template: "term.html",
        title: t.name.clone(),
        data: object([
            (
                "term",
                json!({
                    "name": t.name,
                    "abbreviation": t.abbreviation,
                    "aliases": t.aliases,
                    "avoid": t.avoid,
                    "status": t.status,
                    "deprecated": t.is_deprecated(),
                    "source": t.source,
                    "identifier": t.identifier,
                    "slug": t.slug,
                    "scope": if book.is_some() { "book" } else { "common" },
                    "book": book,
                    "book_title": book.map(|b| ctx.book_title(b)),
                    "definition_html": ctx.definition_html(t, &url),
                    "definition_text": t.definition_text,
                    "extra": extra,
                    "defined_in": ctx.defined_in(t, &url),
                }),
            ),
            ("see_also", Value::Array(see_also)),
            ("used_in", Value::Array(used_in)),
            ("total_uses", json!(total)),
            ("redefinitions", Value::Array(redefinitions)),
            ("common", common.unwrap_or(Value::Null)),
            ("index_href", json!(ctx.href(&url, &index_url, None))),
        ]),
    }
}

/// A JSON object of `pairs`, the values moved in: `json!` serialises each
/// value it is given again, copying a nested array (a common term's uses
/// across every book) whole.
fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn matrix_page(ctx: &Ctx, common: &[usize], books: &[String]) -> GeneratedPage {
    // Columns: every book (latest versions first as the site orders them), deduplicated by prefix.
    let mut columns: Vec<String> = Vec::new();
    for b in &ctx.site.books {
        if !columns.iter().any(|c| c == b.prefix()) {
            columns.push(b.prefix().to_string());
        }
    }
    for b in books {
        if !columns.contains(b) {
            columns.push(b.clone());
        }
    }
    let mut ids = common.to_vec();
    ids.sort_by_key(|&i| sort_key(&ctx.g.terms[i].name));
    let rows: Vec<Value> = ids
        .iter()
        .map(|&i| {
            let t = &ctx.g.terms[i];
            let cells: Vec<Value> = columns
                .iter()
                .map(|col| {
                    let count: usize = ctx.counts[i].iter().filter(|(&pid, _)| ctx.site.books[ctx.site.pages[pid].book].prefix() == col).map(|(_, c)| c).sum();
                    let redef = ctx.redefinitions[i].iter().find(|&&j| ctx.g.terms[j].scope.book() == Some(col));
                    json!({
                        "book": col,
                        "count": count,
                        "redefined": redef.is_some(),
                        "redefinition_href": redef.map(|&j| ctx.href(MATRIX_URL, &ctx.g.terms[j].url(), None)),
                    })
                })
                .collect();
            let total: usize = ctx.counts[i].values().sum();
            json!({"name": t.name, "href": ctx.href(MATRIX_URL, &t.url(), None), "total": total, "redefinitions": ctx.redefinitions[i].len(), "cells": cells})
        })
        .collect();
    let cols: Vec<Value> = columns
        .iter()
        .map(|c| json!({"id": c, "title": ctx.book_title(c)}))
        .collect();
    GeneratedPage {
        url: MATRIX_URL.to_string(),
        template: "matrix.html",
        title: "Glossary usage by book".to_string(),
        data: json!({"books": cols, "rows": rows, "index_href": ctx.href(MATRIX_URL, GLOSSARY_URL, None)}),
    }
}

/// One search document per term (kind `term`), definition as text, abbreviation
/// and aliases matched like the name.
pub fn search_docs(glossary: &Glossary, site: &Site) -> Vec<SearchDoc> {
    let by_prefix = site.books_by_prefix();
    glossary
        .terms
        .iter()
        .map(|t| {
            let book = t.scope.book().unwrap_or_default().to_string();
            let b = by_prefix.get(book.as_str()).map(|&i| &site.books[i]);
            let mut aliases: Vec<String> = t.abbreviation.iter().cloned().collect();
            aliases.extend(t.aliases.iter().cloned());
            SearchDoc {
                kind: DocKind::Term,
                book_title: b.map(|b| b.title.clone()).unwrap_or_default(),
                version: b.and_then(|b| b.version.clone()),
                book,
                title: t.name.clone(),
                heading_path: vec!["Glossary".to_string()],
                url: t.url(),
                text: t.definition_text.clone(),
                aliases,
            }
        })
        .collect()
}
