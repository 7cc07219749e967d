//! The glossary rules (DESIGN.md §6): `term-duplicate`, `term-redefined`,
//! `term-variant`, `term-deprecated`, `abbr-undefined`, `abbr-conflict`.
//! (`term-unknown-ref` is found by the linker, `invalid-yaml` by the loader.)

use super::model::{collapse_ws, same_term_key, word_key, Scope, Term};
use super::{Glossary, TermUse, UseKind};
use crate::content::{PageId, Site};
use crate::diag::suppress::is_suppressed;
use crate::diag::{sort_diagnostics, Diagnostic, Rule, Severity};
use std::collections::{BTreeMap, BTreeSet};

use super::abbreviations::{self, core};

/// Longest definition excerpt quoted in a `term-redefined` message.
const QUOTE_CHARS: usize = 160;

/// Runs every glossary rule over the glossary and the uses the markdown pass
/// recorded (`uses`: per page, its [`TermUse`]s). Findings are sorted.
pub fn check_glossary<U: std::borrow::Borrow<[TermUse]> + Sync>(
    glossary: &Glossary,
    site: &Site,
    uses: &[(PageId, U)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let text_of = |file: &str| -> Option<&str> {
        site.sources
            .get(file)
            .map(|s| &**s)
            .or_else(|| site.page_by_file.get(file).map(|&p| &*site.pages[p].source))
    };
    let push = |d: Diagnostic, out: &mut Vec<Diagnostic>| {
        let text = text_of(&d.file);
        if !text.is_some_and(|t| is_suppressed(t, d.span.start, d.rule)) {
            out.push(d);
        }
    };
    for d in check_definitions(glossary) {
        push(d, &mut out);
    }
    for d in check_uses(glossary, site, uses) {
        push(d, &mut out);
    }
    sort_diagnostics(&mut out);
    out
}

/// `term-duplicate`, `term-redefined` and `abbr-conflict`: the glossary alone.
pub fn check_definitions(g: &Glossary) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let keys: Vec<(String, Option<String>)> = g
        .terms
        .iter()
        .map(|t| {
            (
                same_term_key(&t.name),
                t.abbreviation.as_deref().map(same_term_key),
            )
        })
        .collect();
    let same = |a: usize, b: usize| {
        let (ka, aa) = &keys[a];
        let (kb, ab) = &keys[b];
        (!ka.is_empty() && ka == kb)
            || ab.as_deref() == Some(ka.as_str())
            || aa.as_deref() == Some(kb.as_str())
    };
    let mut by_scope: BTreeMap<&Scope, Vec<usize>> = BTreeMap::new();
    for (i, t) in g.terms.iter().enumerate() {
        by_scope.entry(&t.scope).or_default().push(i);
    }
    // term-duplicate: the same term twice in one scope.
    for members in by_scope.values() {
        for (n, &i) in members.iter().enumerate() {
            if let Some(&j) = members[..n].iter().find(|&&j| same(i, j)) {
                let (t, first) = (&g.terms[i], &g.terms[j]);
                let scope = match &t.scope {
                    Scope::Common => "the common glossary".to_string(),
                    Scope::Book(b) => format!("book `{b}`"),
                };
                out.push(
                    Diagnostic::new(
                        Rule::TermDuplicate,
                        &t.origin.file,
                        t.origin.span.clone(),
                        format!(
                            "`{}` is defined twice in {scope}; first at {}:{} as `{}`",
                            t.name, first.origin.file, first.origin.line, first.name
                        ),
                    )
                    .with_suggestion("keep one definition and remove the other"),
                );
            }
        }
    }
    // term-redefined: a book term that is the same term as a common one.
    let common: Vec<usize> = by_scope.get(&Scope::Common).cloned().unwrap_or_default();
    for (i, t) in g.terms.iter().enumerate() {
        if t.scope == Scope::Common {
            continue;
        }
        let Some(&c) = common.iter().find(|&&c| same(i, c)) else {
            continue;
        };
        let ct = &g.terms[c];
        let mut d = if normalized_definition(t) == normalized_definition(ct) {
            let mut d = Diagnostic::new(
                Rule::TermRedefined,
                &t.origin.file,
                t.origin.span.clone(),
                format!("`{}` is already defined in the common glossary ({}:{}), with the same definition; link to it", t.name, ct.origin.file, ct.origin.line),
            );
            d.severity = Severity::Warning;
            d
        } else {
            Diagnostic::new(
                Rule::TermRedefined,
                &t.origin.file,
                t.origin.span.clone(),
                format!(
                    "`{}` redefines the common term `{}` ({}:{}); here: \"{}\"; common: \"{}\"",
                    t.name,
                    ct.name,
                    ct.origin.file,
                    ct.origin.line,
                    quote(&t.definition_text),
                    quote(&ct.definition_text)
                ),
            )
        };
        d = d.with_suggestion(format!(
            "remove this entry and link to the common term: [{}](term:{})",
            ct.name, ct.slug
        ));
        out.push(d);
    }
    out.extend(check_abbr_conflicts(g));
    out
}

/// `abbr-conflict`: one abbreviation with two different expansions, among
/// definitions that can meet (common with common, a book with itself or common).
fn check_abbr_conflicts(g: &Glossary) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut defs: Vec<&super::AbbrDef> = g.abbreviations.iter().collect();
    defs.sort_by(|a, b| {
        (a.scope != Scope::Common, &a.scope, &a.file, a.span.start).cmp(&(
            b.scope != Scope::Common,
            &b.scope,
            &b.file,
            b.span.start,
        ))
    });
    let mut seen: BTreeMap<&str, Vec<&super::AbbrDef>> = BTreeMap::new();
    for d in defs {
        let abbr = d.abbr.trim();
        let earlier = seen.entry(abbr).or_default();
        let meets = |e: &super::AbbrDef| e.scope == Scope::Common || e.scope == d.scope;
        let key = expansion_key(&d.expansion);
        if let Some(e) = earlier
            .iter()
            .find(|e| meets(e) && expansion_key(&e.expansion) != key)
        {
            let line = g
                .terms
                .iter()
                .find(|t| t.origin.file == e.file && t.origin.span == e.span)
                .map(|t| t.origin.line);
            let at = match line {
                Some(l) => format!("{}:{l}", e.file),
                None => e.file.clone(),
            };
            out.push(
                Diagnostic::new(
                    Rule::AbbrConflict,
                    &d.file,
                    d.span.clone(),
                    format!(
                        "`{abbr}` stands for `{}` here but for `{}` in {at}",
                        d.expansion, e.expansion
                    ),
                )
                .with_suggestion(format!("use one expansion for `{abbr}` everywhere")),
            );
        }
        earlier.push(d);
    }
    out
}

/// Expansions compared for `abbr-conflict`: words, case and `&`/`and` ignored; plurals count.
fn expansion_key(s: &str) -> String {
    word_key(&s.replace('&', " and "))
}

/// `term-variant`, `term-deprecated` and `abbr-undefined`: the recorded uses.
pub fn check_uses<U: std::borrow::Borrow<[TermUse]>>(
    g: &Glossary,
    site: &Site,
    uses: &[(PageId, U)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let book_of = |pid: PageId| {
        site.pages
            .get(pid)
            .map(|p| site.books[p.book].prefix().to_string())
            .unwrap_or_default()
    };
    // Abbreviations known per scope.
    let mut common_known: BTreeSet<String> = abbreviations::KNOWN
        .iter()
        .chain(abbreviations::RFC2119)
        .map(|s| s.to_string())
        .collect();
    common_known.extend(g.known_abbreviations.iter().cloned());
    let mut book_known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |scope: &Scope, s: &str| {
        let set = match scope {
            Scope::Common => &mut common_known,
            Scope::Book(b) => book_known.entry(b.clone()).or_default(),
        };
        for form in abbreviation_forms(s) {
            set.insert(form);
        }
    };
    for a in &g.abbreviations {
        add(&a.scope, &a.abbr);
    }
    for t in &g.terms {
        add(&t.scope, &t.name);
        if let Some(a) = &t.abbreviation {
            add(&t.scope, a);
        }
        for a in &t.aliases {
            add(&t.scope, a);
        }
    }
    for (pid, list) in uses {
        let list: &[TermUse] = list.borrow();
        for u in list.iter().filter(|u| u.kind == UseKind::AcronymIntro) {
            book_known
                .entry(book_of(*pid))
                .or_default()
                .insert(core(&u.surface).to_string());
        }
    }
    // Per page, the acronym uses no glossary, expansion or context rule explains.
    let mut open: Vec<(PageId, Vec<&TermUse>)> = Vec::new();
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    for (pid, list) in uses {
        let list: &[TermUse] = list.borrow();
        let Some(page) = site.pages.get(*pid) else {
            continue;
        };
        let book = book_of(*pid);
        let mut left = Vec::new();
        for u in list {
            match u.term_index() {
                Some(i) => {
                    let t = &g.terms[i];
                    if u.kind == UseKind::Variant {
                        out.push(
                            Diagnostic::new(
                                Rule::TermVariant,
                                &page.file,
                                u.span.clone(),
                                format!("`{}` is a discouraged variant of `{}`", u.surface, t.name),
                            )
                            .with_suggestion(format!("write `{}`", t.name))
                            .with_fix(
                                crate::checks::suggest::replace_variant(
                                    &page.file,
                                    &page.source,
                                    u.span.clone(),
                                    &u.surface,
                                    &t.name,
                                ),
                            ),
                        );
                    }
                    if t.is_deprecated() {
                        out.push(
                            Diagnostic::new(
                                Rule::TermDeprecated,
                                &page.file,
                                u.span.clone(),
                                format!("`{}` is a deprecated term", t.name),
                            )
                            .with_suggestion(deprecation_hint(t)),
                        );
                    }
                }
                None if u.kind == UseKind::Acronym => {
                    let c = core(&u.surface);
                    if common_known.contains(c)
                        || book_known.get(&book).is_some_and(|s| s.contains(c))
                        || abbreviations::skip_by_context(&page.source, &u.span, &u.surface)
                            .is_some()
                    {
                        continue;
                    }
                    candidates.insert(c.to_string());
                    left.push(u);
                }
                None => {}
            }
        }
        if !left.is_empty() {
            open.push((*pid, left));
        }
    }
    // English words in capitals: common words of the site's own prose, and
    // capitalised words next to one.
    let sources: Vec<&str> = site.pages.iter().map(|p| &*p.source).collect();
    let common_words = abbreviations::common_words(&candidates, &sources);
    let reads_as_word =
        |w: &str| abbreviations::FUNCTION_WORDS.contains(&w) || common_words.contains(w);
    for (pid, list) in open {
        let page = &site.pages[pid];
        let mut undefined: BTreeMap<&str, (usize, &TermUse)> = BTreeMap::new();
        for u in list {
            let c = core(&u.surface);
            if reads_as_word(c) {
                continue;
            }
            let (prev, next) = abbreviations::caps_neighbours(&page.source, &u.span);
            if prev.is_some_and(|w| reads_as_word(core(w)))
                || next.is_some_and(|w| reads_as_word(core(w)))
            {
                continue;
            }
            undefined.entry(c).or_insert((0, u)).0 += 1;
        }
        for (c, (n, u)) in undefined {
            let times = if n == 1 {
                String::new()
            } else {
                format!(" ({n} uses on this page)")
            };
            out.push(
                Diagnostic::new(
                    Rule::AbbrUndefined,
                    &page.file,
                    u.span.clone(),
                    format!("`{c}` is used but defined nowhere{times}"),
                )
                .with_suggestion(format!(
                    "write it out on first use as `Expansion ({c})`, or add it to the glossary"
                )),
            );
        }
    }
    out
}

/// The forms under which a glossary abbreviation or name counts as defined:
/// as written, without a plural `s`, and each of its words that is all
/// capitals (`QR Code` → `QR`, `WCAG 2.1 AA` → `WCAG`, `AA`).
fn abbreviation_forms(s: &str) -> Vec<String> {
    let s = s.trim();
    let mut forms = vec![s.to_string(), core(s).to_string()];
    for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let w = core(w);
        if w.len() >= 2
            && w.bytes().all(|b| b.is_ascii_uppercase())
            && !forms.iter().any(|f| f == w)
        {
            forms.push(w.to_string());
        }
    }
    forms
}

fn deprecation_hint(t: &Term) -> String {
    match t.see_also.first() {
        Some(s) => format!("use `{s}` instead"),
        None => "replace it with a current term".to_string(),
    }
}

/// A definition compared for "identical": plain text, whitespace collapsed,
/// case and final punctuation ignored.
fn normalized_definition(t: &Term) -> String {
    collapse_ws(&t.definition_text)
        .trim_end_matches(['.', ' '])
        .to_lowercase()
}

fn quote(s: &str) -> String {
    if s.chars().count() <= QUOTE_CHARS {
        return s.to_string();
    }
    let cut: String = s.chars().take(QUOTE_CHARS).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::{AbbrDef, DefinitionFormat, Origin};

    fn term(name: &str, abbr: Option<&str>, scope: Scope, def: &str, line: usize) -> Term {
        let mut t = Term {
            name: name.into(),
            abbreviation: abbr.map(Into::into),
            scope,
            origin: Origin {
                file: "f.md".into(),
                span: line * 10..line * 10 + 5,
                line,
                ..Default::default()
            },
            ..Default::default()
        };
        t.set_definition(def.into(), DefinitionFormat::Markdown);
        t
    }

    #[test]
    fn duplicate_in_one_scope_but_not_across_books() {
        let g = Glossary::build(
            vec![
                term("Registry", None, Scope::Book("a".into()), "x", 1),
                term("Registries", None, Scope::Book("a".into()), "y", 2),
                term("Registry", None, Scope::Book("b".into()), "x", 3),
            ],
            Vec::new(),
        );
        let d = check_definitions(&g);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule, Rule::TermDuplicate);
        assert_eq!(d[0].span, 20..25);
    }

    #[test]
    fn redefinition_is_error_or_warning_when_identical() {
        let g = Glossary::build(
            vec![
                term(
                    "Building Block",
                    Some("BB"),
                    Scope::Common,
                    "A reusable part.",
                    1,
                ),
                term("Use Case", None, Scope::Common, "A story.", 2),
                term("BB", None, Scope::Book("a".into()), "Something else", 3),
                term("use cases", None, Scope::Book("a".into()), "A  *story*", 4),
                term("Other", None, Scope::Book("a".into()), "A story.", 5),
            ],
            Vec::new(),
        );
        let d = check_definitions(&g);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!((d[0].severity, d[0].span.start), (Severity::Error, 30));
        assert!(
            d[0].message
                .contains("here: \"Something else\"; common: \"A reusable part.\""),
            "{}",
            d[0].message
        );
        assert_eq!((d[1].severity, d[1].span.start), (Severity::Warning, 40));
        assert!(d[1].message.contains("link to it"));
    }

    #[test]
    fn abbreviation_with_two_expansions_conflicts() {
        let row = |abbr: &str, exp: &str, scope: Scope, at: usize| AbbrDef {
            abbr: abbr.into(),
            expansion: exp.into(),
            scope,
            file: "t.md".into(),
            span: at..at + 3,
            term: None,
        };
        let g = Glossary::build(
            vec![term(
                "Functional Requirements",
                Some("FR"),
                Scope::Common,
                "x",
                1,
            )],
            vec![
                row("FR", "Functional Requirement", Scope::Common, 100),
                row("ID", "Identity", Scope::Book("a".into()), 200),
                row("ID", "Identifier", Scope::Book("b".into()), 300),
                row("BB", "Building  Block", Scope::Common, 400),
                row("BB", "building block", Scope::Book("b".into()), 500),
            ],
        );
        let d = check_abbr_conflicts(&g);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].span, 100..103);
        assert!(d[0].message.contains("`FR` stands for `Functional Requirement` here but for `Functional Requirements` in f.md:1"));
    }

    #[test]
    fn acronym_core_strips_plural() {
        assert_eq!(core("APIs"), "API");
        assert_eq!(core("SMS"), "SMS");
        assert_eq!(core("Ss"), "Ss");
        assert_eq!(
            abbreviation_forms("QR Code"),
            vec!["QR Code", "QR Code", "QR"]
        );
        assert_eq!(
            abbreviation_forms("WCAG 2.1 AA"),
            vec!["WCAG 2.1 AA", "WCAG 2.1 AA", "WCAG", "AA"]
        );
    }
}
