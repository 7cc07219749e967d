//! The glossary: one term model for YAML files and terminology pages, term
//! mention matching, cross-links and term-consistency checks (DESIGN.md §1, §5, §6).
//!
//! Pipeline: [`load_glossary`] reads every source into a [`Glossary`]; the
//! markdown pass calls [`Glossary::page_linker`] once per page and feeds it
//! every prose text run and `term:` link; [`check_glossary`] turns the
//! glossary and the recorded [`TermUse`]s into findings; [`glossary_pages`]
//! and [`search_docs`] feed the renderer and the search index.

pub mod abbreviations;
pub mod checks;
pub mod cli;
pub mod linker;
pub mod matcher;
pub mod model;
pub mod pages;
pub mod site_pages;
pub mod tips;
pub mod yaml;

pub use checks::check_glossary;
pub use cli::{define, import_terms, DefineResult};
pub use linker::PageLinker;
pub use model::{same_term_key, DefinitionFormat, Origin, Scope, Term};
pub use site_pages::{glossary_pages, search_docs, GeneratedPage, GlossaryPlan};
pub use tips::tip_files;

use crate::content::{PageId, Site};
use crate::diag::{Diagnostic, LineIndex, Rule};
use model::gitbook_slug;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

/// `TermUse::term` of a use that names no glossary term (an all-caps token).
pub const NO_TERM: usize = usize::MAX;

/// How a mention was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum UseKind {
    /// The canonical name (or its plural).
    Name,
    /// An alias.
    Alias,
    /// The abbreviation.
    Abbreviation,
    /// An `avoid:` variant (a `term-variant` finding).
    Variant,
    /// An explicit `[x](term:slug)` reference.
    Explicit,
    /// An all-caps token (2–6 letters, optional plural `s`), for `abbr-undefined`;
    /// `term` is [`NO_TERM`].
    Acronym,
    /// An abbreviation the page expands, in any form
    /// [`abbreviations::find_intros`] knows; `term` is [`NO_TERM`], the span empty.
    AcronymIntro,
}

/// A term mention found in a page's prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermUse {
    /// Index of the term in [`Glossary::terms`], or [`NO_TERM`] for acronym tokens.
    pub term: usize,
    /// Byte span of the mention in the page file.
    pub span: Range<usize>,
    /// The text as written.
    pub surface: String,
    /// How it was written.
    pub kind: UseKind,
}

impl TermUse {
    /// The term index, unless this is a bare acronym token.
    pub fn term_index(&self) -> Option<usize> {
        (self.term != NO_TERM).then_some(self.term)
    }
}

/// An abbreviation with its expansion, from a term (`Building Block (BB)`) or an
/// abbreviation table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbbrDef {
    /// The abbreviation as written.
    pub abbr: String,
    /// What it stands for.
    pub expansion: String,
    /// Scope of the defining source.
    pub scope: Scope,
    /// File and span of the definition.
    pub file: String,
    /// Byte span in `file`.
    pub span: Range<usize>,
    /// The term giving it, if it comes from a term (not a table row).
    pub term: Option<usize>,
}

/// What the linker needs to know about a page, by its URL.
#[derive(Debug, Clone)]
pub(crate) struct PageInfo {
    pub file: String,
    pub source: Arc<str>,
}

/// The common terms by [`same_term_key`] of their name and of their
/// abbreviation, for [`Glossary::common_matches`].
#[derive(Debug, Default)]
struct CommonKeys {
    by_name: std::collections::HashMap<String, Vec<usize>>,
    by_abbreviation: std::collections::HashMap<String, Vec<usize>>,
}

/// The whole glossary: common terms and every book's own terms.
#[derive(Debug, Default)]
pub struct Glossary {
    /// Every term: YAML files first (sorted by file), then terminology pages in
    /// page order, each in source order.
    pub terms: Vec<Term>,
    /// Every abbreviation definition (terms' abbreviations and table rows).
    pub abbreviations: Vec<AbbrDef>,
    /// Abbreviations that are never `abbr-undefined` (`abbreviations.known`).
    pub known_abbreviations: BTreeSet<String>,
    pub(crate) matcher: matcher::Matcher,
    pub(crate) pages: BTreeMap<String, PageInfo>,
    /// (scope, slug) → term.
    by_slug: BTreeMap<(Scope, String), usize>,
    /// Page URL → the terms defined on that page (built on first use).
    by_origin_page: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
    /// Common terms by the same-term key of their name and abbreviation
    /// (built on first use).
    same_keys: std::sync::OnceLock<CommonKeys>,
}

/// Reads the glossary from `site.glossary_files` and the terminology pages.
pub fn load_glossary(site: &Site) -> (Glossary, Vec<Diagnostic>) {
    let mut t = crate::timing::Stages::start();
    let mut terms = Vec::new();
    let mut rows = Vec::new();
    let mut diags = Vec::new();
    for file in &site.glossary_files {
        let Some(text) = site.sources.get(file) else {
            continue;
        };
        let (t, d) = yaml::load_yaml_terms(text, file);
        terms.extend(t);
        diags.extend(d);
    }
    // Terminology pages are read in parallel, their terms kept in page order.
    use rayon::prelude::*;
    let term_pages: Vec<PageId> = (0..site.pages.len())
        .filter(|&p| site.pages[p].terminology)
        .collect();
    let found: Vec<(Vec<Term>, Vec<AbbrDef>)> = term_pages
        .par_iter()
        .map(|&pid| {
            let page = &site.pages[pid];
            let scope = if page.common_terminology {
                Scope::Common
            } else {
                Scope::Book(site.books[page.book].prefix().to_string())
            };
            terms_of_page(
                &page.source,
                page.body_start,
                &page.file,
                scope,
                Some((pid, page.url(site))),
            )
        })
        .collect();
    for (t, r) in found {
        terms.extend(t);
        rows.extend(r);
    }
    t.mark("g:pages");
    let mut g = Glossary::build(terms, rows);
    t.mark("g:build");
    diags.extend(long_slugs(&g));
    g.known_abbreviations = site.config.abbreviations.known.iter().cloned().collect();
    for page in &site.pages {
        g.pages.insert(
            page.url(site),
            PageInfo {
                file: page.file.clone(),
                source: page.source.clone(),
            },
        );
    }
    t.mark("g:index");
    (g, diags)
}

/// A `name-too-long` finding where each term whose slug was cut is defined.
fn long_slugs(g: &Glossary) -> Vec<Diagnostic> {
    g.terms
        .iter()
        .filter(|t| {
            let whole = t.identifier.as_deref().map(gitbook_slug);
            let whole = whole.filter(|s| !s.is_empty());
            whole.unwrap_or_else(|| gitbook_slug(&t.name)).len() > model::MAX_SLUG
        })
        .map(|t| {
            Diagnostic::new(
                Rule::NameTooLong,
                t.origin.file.clone(),
                t.origin.span.clone(),
                format!(
                    "the term's page folder would be longer than a file name may be; it is cut to `{}`",
                    t.slug
                ),
            )
            .with_suggestion("give the term a short `identifier`")
        })
        .collect()
}

/// Terms and abbreviation rows of one terminology page, as glossary entries.
pub fn terms_of_page(
    text: &str,
    body_start: usize,
    file: &str,
    scope: Scope,
    page: Option<(PageId, String)>,
) -> (Vec<Term>, Vec<AbbrDef>) {
    let found = pages::extract_page_terms(text, body_start);
    let index = LineIndex::new(text);
    let terms = found
        .terms
        .into_iter()
        .map(|pt| {
            let mut t = Term {
                name: pt.parsed.name,
                abbreviation: pt.parsed.abbreviation,
                aliases: pt.parsed.aliases,
                scope: scope.clone(),
                origin: Origin {
                    file: file.to_string(),
                    line: index.locate(text, pt.span.start).0,
                    span: pt.span,
                    page: page.as_ref().map(|p| p.0),
                    page_url: page.as_ref().map(|p| p.1.clone()),
                    anchor: pt.anchor,
                    definition_span: Some(pt.definition_span),
                },
                ..Default::default()
            };
            t.set_definition(pt.definition, pt.format);
            t
        })
        .collect();
    let rows = found
        .abbreviations
        .into_iter()
        .map(|r| AbbrDef {
            abbr: r.abbr,
            expansion: r.expansion,
            scope: scope.clone(),
            file: file.to_string(),
            span: r.span,
            term: None,
        })
        .collect();
    (terms, rows)
}

impl Glossary {
    /// Builds a glossary from terms and abbreviation-table rows: assigns unique
    /// slugs per scope, joins table rows to their terms, builds the matcher.
    pub fn build(mut terms: Vec<Term>, table_rows: Vec<AbbrDef>) -> Glossary {
        let mut by_slug = BTreeMap::new();
        for (i, t) in terms.iter_mut().enumerate() {
            let base = model::term_slug(t.identifier.as_deref(), &t.name);
            let base = if base.is_empty() {
                format!("term-{i}")
            } else {
                base
            };
            let mut slug = base.clone();
            let mut n = 0;
            while by_slug.contains_key(&(t.scope.clone(), slug.clone())) {
                n += 1;
                slug = format!("{base}-{n}");
            }
            t.slug = slug.clone();
            by_slug.insert((t.scope.clone(), slug), i);
        }
        // A table row fills in a term's missing abbreviation (or names a term by its abbreviation).
        let keys: Vec<String> = if table_rows.is_empty() {
            Vec::new()
        } else {
            terms.iter().map(|t| same_term_key(&t.name)).collect()
        };
        for row in &table_rows {
            let exp_key = same_term_key(&row.expansion);
            let abbr_key = same_term_key(&row.abbr);
            let find = |terms: &[Term], want: &str, need_no_abbr: bool| {
                (0..terms.len()).find(|&i| {
                    terms[i].scope == row.scope
                        && keys[i] == want
                        && (!need_no_abbr || terms[i].abbreviation.is_none())
                })
            };
            if let Some(t) = find(&terms, &exp_key, false).map(|i| &mut terms[i]) {
                if t.abbreviation.is_none() {
                    t.abbreviation = Some(row.abbr.clone());
                    // `Publish/Subscribe (Pubsub)` read as a qualifier is now `Publish/Subscribe` + `Pubsub`.
                    if let Some((outer, inner)) = model::strip_trailing_paren(&t.name) {
                        if inner == row.abbr {
                            let outer = outer.to_string();
                            t.aliases.retain(|a| *a != outer);
                            t.name = outer;
                        }
                    }
                }
            } else if let Some(t) = find(&terms, &abbr_key, true).map(|i| &mut terms[i]) {
                if !t.aliases.contains(&row.expansion) {
                    t.aliases.push(row.expansion.clone());
                }
            }
        }
        let mut abbreviations: Vec<AbbrDef> = terms
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let a = t.abbreviation.clone()?;
                Some(AbbrDef {
                    expansion: model::best_expansion(&a, &t.name, &t.aliases),
                    abbr: a,
                    scope: t.scope.clone(),
                    file: t.origin.file.clone(),
                    span: t.origin.span.clone(),
                    term: Some(i),
                })
            })
            .collect();
        abbreviations.extend(table_rows);
        let matcher = matcher::Matcher::build(&terms);
        Glossary {
            terms,
            abbreviations,
            known_abbreviations: BTreeSet::new(),
            matcher,
            pages: BTreeMap::new(),
            by_slug,
            by_origin_page: Default::default(),
            same_keys: Default::default(),
        }
    }

    /// The terms defined on the page at `page_url`, in term order.
    pub fn defined_on(&self, page_url: &str) -> &[usize] {
        let map = self.by_origin_page.get_or_init(|| {
            let mut m: std::collections::HashMap<String, Vec<usize>> = Default::default();
            for (i, t) in self.terms.iter().enumerate() {
                if let Some(u) = &t.origin.page_url {
                    m.entry(u.clone()).or_default().push(i);
                }
            }
            m
        });
        map.get(page_url).map_or(&[], Vec::as_slice)
    }

    /// The term with `slug` visible from `book` (the book's own terms first, then common).
    pub fn by_slug(&self, book: Option<&str>, slug: &str) -> Option<usize> {
        if let Some(b) = book {
            if let Some(&i) = self
                .by_slug
                .get(&(Scope::Book(b.to_string()), slug.to_string()))
            {
                return Some(i);
            }
        }
        self.by_slug
            .get(&(Scope::Common, slug.to_string()))
            .copied()
    }

    /// Book prefixes that define terms of their own, sorted.
    pub fn books(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.terms.iter().filter_map(|t| t.scope.book()).collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Whether two terms are "the same term" (DESIGN.md §5): names equal
    /// ignoring case, markup, entities, a trailing `(ABBR)` and a plural, or one's
    /// name is the other's abbreviation.
    pub fn same_term(a: &Term, b: &Term) -> bool {
        let (ka, kb) = (same_term_key(&a.name), same_term_key(&b.name));
        if ka == kb && !ka.is_empty() {
            return true;
        }
        let abbr_is = |t: &Term, k: &str| {
            t.abbreviation
                .as_deref()
                .is_some_and(|x| same_term_key(x) == k)
        };
        abbr_is(b, &ka) || abbr_is(a, &kb)
    }

    /// Common terms that are the same term as `t`, in glossary order.
    /// The same as testing [`Glossary::same_term`] against every common term,
    /// with the common terms' keys computed once per glossary.
    pub fn common_matches(&self, t: &Term) -> Vec<usize> {
        let keys = self.same_keys.get_or_init(|| {
            let mut k = CommonKeys::default();
            for (i, c) in self.terms.iter().enumerate() {
                if c.scope == Scope::Common {
                    k.by_name.entry(same_term_key(&c.name)).or_default().push(i);
                    if let Some(a) = c.abbreviation.as_deref() {
                        k.by_abbreviation
                            .entry(same_term_key(a))
                            .or_default()
                            .push(i);
                    }
                }
            }
            k
        });
        let kt = same_term_key(&t.name);
        let at = t.abbreviation.as_deref().map(same_term_key);
        let mut found: Vec<usize> = Vec::new();
        // Its name is a common term's name (an empty key names nothing).
        if !kt.is_empty() {
            found.extend(keys.by_name.get(&kt).into_iter().flatten());
        }
        // Its abbreviation is a common term's name.
        if let Some(at) = &at {
            found.extend(keys.by_name.get(at).into_iter().flatten());
        }
        // Its name is a common term's abbreviation.
        found.extend(keys.by_abbreviation.get(&kt).into_iter().flatten());
        found.sort_unstable();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_per_scope_and_prefer_identifier() {
        let t = |n: &str, id: Option<&str>, s: Scope| Term {
            name: n.into(),
            identifier: id.map(Into::into),
            scope: s,
            ..Default::default()
        };
        let g = Glossary::build(
            vec![
                t("Building Block", None, Scope::Common),
                t("Building Block", None, Scope::Common),
                t("Building Block", None, Scope::Book("consent".into())),
                t("Self-Sovereign Identity", Some("ssi"), Scope::Common),
            ],
            Vec::new(),
        );
        let slugs: Vec<&str> = g.terms.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(
            slugs,
            vec![
                "building-block",
                "building-block-1",
                "building-block",
                "ssi"
            ]
        );
        assert_eq!(g.terms[2].url(), "consent/glossary/building-block/");
        assert_eq!(g.by_slug(Some("consent"), "building-block"), Some(2));
        assert_eq!(g.by_slug(Some("wallet"), "building-block"), Some(0));
        assert_eq!(g.by_slug(None, "ssi"), Some(3));
    }

    #[test]
    fn same_term_by_name_or_abbreviation() {
        let t = |n: &str, a: Option<&str>| Term {
            name: n.into(),
            abbreviation: a.map(Into::into),
            ..Default::default()
        };
        assert!(Glossary::same_term(
            &t("Building Block", Some("BB")),
            &t("building blocks", None)
        ));
        assert!(Glossary::same_term(
            &t("Universally Unique Identifier", Some("UUID")),
            &t("UUID", None)
        ));
        assert!(!Glossary::same_term(
            &t("Electronic Identity", Some("eID")),
            &t("Electronic Identifier", Some("eID"))
        ));
    }

    #[test]
    fn table_row_fills_missing_abbreviation() {
        let t = Term {
            name: "Software Bill of Materials".into(),
            ..Default::default()
        };
        let row = AbbrDef {
            abbr: "SBOM".into(),
            expansion: "Software Bill of Materials".into(),
            scope: Scope::Common,
            file: "f".into(),
            span: 0..4,
            term: None,
        };
        let g = Glossary::build(vec![t], vec![row]);
        assert_eq!(g.terms[0].abbreviation.as_deref(), Some("SBOM"));
    }
}
