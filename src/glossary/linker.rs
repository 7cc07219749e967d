//! Per-page term linking: the markdown pass hands every prose text run to a
//! [`PageLinker`], which escapes it, links term mentions and records every use.

use super::abbreviations::is_candidate;
use super::{Glossary, Scope, TermUse, UseKind, NO_TERM};
use crate::config::LinkMode;
use crate::diag::{Diagnostic, Rule};
use std::ops::Range;
use std::sync::Arc;

/// Longest tooltip text, in characters.
const TIP_CHARS: usize = 300;

impl Glossary {
    /// A linker for one page. `book` is the page's book prefix
    /// ([`crate::content::Book::prefix`], the book id for unversioned books);
    /// `page_url` its root-relative output URL (to make relative hrefs to term pages).
    pub fn page_linker<'g>(
        &'g self,
        book: &str,
        page_url: &str,
        offline: bool,
        mode: LinkMode,
    ) -> PageLinker<'g> {
        let info = self.pages.get(page_url);
        // Terms defined on this very page: never matched inside their own definition.
        let own_definitions = self
            .defined_on(page_url)
            .iter()
            .filter_map(|&i| Some((i, self.terms[i].origin.definition_span.clone()?)))
            .collect();
        PageLinker {
            g: self,
            book: book.to_string(),
            book_number: self.matcher.book_number(book),
            page_url: page_url.to_string(),
            offline,
            mode,
            file: info.map(|i| i.file.clone()).unwrap_or_default(),
            source: info.map(|i| i.source.clone()),
            own_definitions,
            linked: std::collections::HashSet::new(),
            uses: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The tooltip text of a term: its plain definition, cut near [`TIP_CHARS`].
    pub fn tooltip(&self, term: usize) -> String {
        let text = &self.terms[term].definition_text;
        if text.chars().count() <= TIP_CHARS {
            return text.clone();
        }
        let cut: String = text.chars().take(TIP_CHARS).collect();
        let cut = match cut.rfind(' ') {
            Some(i) if i > TIP_CHARS / 2 => &cut[..i],
            _ => &cut[..],
        };
        format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
    }
}

/// Per-page state of term linking: which terms were already linked, what was found.
pub struct PageLinker<'g> {
    g: &'g Glossary,
    book: String,
    /// The matcher's number for `book` (`None`: it has no terms of its own).
    book_number: Option<u32>,
    page_url: String,
    offline: bool,
    mode: LinkMode,
    file: String,
    source: Option<Arc<str>>,
    own_definitions: Vec<(usize, Range<usize>)>,
    linked: std::collections::HashSet<usize>,
    uses: Vec<TermUse>,
    diagnostics: Vec<Diagnostic>,
}

impl PageLinker<'_> {
    /// Ranks a term for this page: own book first, then common; other books never.
    fn rank(&self, term: usize) -> Option<u8> {
        match &self.g.terms[term].scope {
            Scope::Common => Some(1),
            Scope::Book(b) if *b == self.book => Some(0),
            Scope::Book(_) => None,
        }
    }

    /// Maps a byte range of `text` to the page file. When entities were decoded
    /// the run is longer in the source; the surface is then looked up in it.
    fn source_span(
        &self,
        text: &str,
        r: &Range<usize>,
        source_range: &Range<usize>,
        cursor: &mut usize,
    ) -> Range<usize> {
        if text.len() == source_range.len() {
            return source_range.start + r.start..source_range.start + r.end;
        }
        if let Some(src) = self
            .source
            .as_deref()
            .and_then(|s| s.get(source_range.clone()))
        {
            let needle = &text[r.clone()];
            if let Some(i) = src.get(*cursor..).and_then(|rest| rest.find(needle)) {
                let start = source_range.start + *cursor + i;
                *cursor += i + needle.len();
                return start..start + needle.len();
            }
        }
        source_range.clone()
    }

    /// Writes a prose text run as HTML into `out`: escaped, with term mentions
    /// linked to their term page. `source_range` is the run's byte range in the
    /// page file (its length may differ from `text` when entities were decoded).
    pub fn text(&mut self, text: &str, source_range: Range<usize>, out: &mut String) {
        let found = self
            .g
            .matcher
            .find(text, self.book_number, |t| self.rank(t));
        let mut cursor = 0;
        let mut written = 0;
        for f in found {
            let span = self.source_span(text, &f.range, &source_range, &mut cursor);
            if self
                .own_definitions
                .iter()
                .any(|(t, d)| *t == f.term && d.start <= span.start && span.start < d.end)
            {
                continue;
            }
            let surface = &text[f.range.clone()];
            self.uses.push(TermUse {
                term: f.term,
                span,
                surface: surface.to_string(),
                kind: f.kind,
            });
            let link = match self.mode {
                LinkMode::None => false,
                LinkMode::All => true,
                LinkMode::First => !self.linked.contains(&f.term),
            };
            if !link {
                continue;
            }
            self.linked.insert(f.term);
            let _ = pulldown_cmark_escape::escape_html_body_text(
                &mut *out,
                &text[written..f.range.start],
            );
            self.write_link(f.term, surface, out);
            written = f.range.end;
        }
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut *out, &text[written..]);
        self.record_acronyms(text, &source_range);
    }

    fn write_link(&self, term: usize, surface: &str, out: &mut String) {
        let t = &self.g.terms[term];
        let href = crate::urls::href(&self.page_url, &t.url(), None, self.offline);
        out.push_str("<a class=\"term\" href=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut *out, &href);
        out.push_str("\">");
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut *out, surface);
        out.push_str("</a>");
    }

    /// Records all-caps tokens (2–6 letters, optional plural `s`) for the
    /// abbreviation checks. Runs of three or more all-caps words are shouting,
    /// not abbreviations. Which abbreviations a page expands is found from
    /// whole blocks ([`super::abbreviations::find_intros`]), not here.
    fn record_acronyms(&mut self, text: &str, source_range: &Range<usize>) {
        let bytes = text.as_bytes();
        // A candidate has two capitals in a row: most runs have none.
        if !super::abbreviations::has_two_capitals(bytes) {
            return;
        }
        let mut words: Vec<(usize, usize, bool)> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphanumeric() {
                let s = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                let glued = (s > 0 && !bytes[s - 1].is_ascii())
                    || (i < bytes.len() && !bytes[i].is_ascii());
                let candidate = !glued
                    && super::abbreviations::starts_with_two_capitals(&bytes[s..i])
                    && is_candidate(&text[s..i]);
                words.push((s, i, candidate));
            } else {
                i += 1;
            }
        }
        let caps_word = |w: &(usize, usize, bool)| {
            w.1 - w.0 >= 2 && text[w.0..w.1].bytes().all(|b| b.is_ascii_uppercase())
        };
        let mut cursor = 0;
        for (n, w) in words.iter().enumerate() {
            if !w.2 {
                continue;
            }
            let prev_caps = n > 0 && caps_word(&words[n - 1]);
            let next_caps = words.get(n + 1).is_some_and(caps_word);
            let prev2_caps = n > 1 && caps_word(&words[n - 2]);
            let next2_caps = words.get(n + 2).is_some_and(caps_word);
            if (prev_caps && (next_caps || prev2_caps)) || (next_caps && next2_caps) {
                continue;
            }
            let span = self.source_span(text, &(w.0..w.1), source_range, &mut cursor);
            self.uses.push(TermUse {
                term: NO_TERM,
                span,
                surface: text[w.0..w.1].to_string(),
                kind: UseKind::Acronym,
            });
        }
    }

    /// Records the abbreviations a block of the page's plain text expands
    /// (one line per block, table cells separated by ` | `; see
    /// [`super::abbreviations::find_intros`]).
    pub fn record_intros(&mut self, text: &str) {
        for line in text.lines() {
            for abbr in super::abbreviations::find_intros(line) {
                self.uses.push(TermUse {
                    term: NO_TERM,
                    span: 0..0,
                    surface: abbr,
                    kind: UseKind::AcronymIntro,
                });
            }
        }
    }

    /// Resolves an explicit `term:<slug>` link: the href to the term page, or
    /// `None` when no such term exists (the linker records `term-unknown-ref`).
    pub fn term_ref(&mut self, slug: &str, span: Range<usize>) -> Option<String> {
        let slug = slug.trim().trim_start_matches('/').trim_end_matches('/');
        match self.g.by_slug(Some(&self.book), slug) {
            Some(i) => {
                self.uses.push(TermUse {
                    term: i,
                    span,
                    surface: slug.to_string(),
                    kind: UseKind::Explicit,
                });
                Some(crate::urls::href(
                    &self.page_url,
                    &self.g.terms[i].url(),
                    None,
                    self.offline,
                ))
            }
            None => {
                let suppressed = self.source.as_deref().is_some_and(|s| {
                    crate::diag::suppress::is_suppressed(s, span.start, Rule::TermUnknownRef)
                });
                if !suppressed {
                    let mut d = Diagnostic::new(
                        Rule::TermUnknownRef,
                        self.file.clone(),
                        span,
                        format!("no glossary term has the slug `{slug}`"),
                    );
                    if let Some(s) = closest_slug(self.g, &self.book, slug) {
                        d = d.with_suggestion(format!("did you mean `term:{s}`?"));
                    }
                    self.diagnostics.push(d);
                }
                None
            }
        }
    }

    /// The mentions found and any findings.
    pub fn finish(self) -> (Vec<TermUse>, Vec<Diagnostic>) {
        (self.uses, self.diagnostics)
    }
}

fn closest_slug(g: &Glossary, book: &str, slug: &str) -> Option<String> {
    g.terms
        .iter()
        .filter(|t| t.scope == Scope::Common || t.scope.book() == Some(book))
        .map(|t| (strsim::levenshtein(&t.slug, slug), t.slug.clone()))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::super::{Glossary, Scope, Term};
    use super::*;

    fn glossary() -> Glossary {
        let mut bb = Term {
            name: "Building Block".into(),
            abbreviation: Some("BB".into()),
            avoid: vec!["building-block".into()],
            ..Default::default()
        };
        bb.set_definition(
            "A reusable & *useful* part.".into(),
            crate::glossary::DefinitionFormat::Markdown,
        );
        let w = Term {
            name: "Wallet Thing".into(),
            scope: Scope::Book("wallet".into()),
            ..Default::default()
        };
        Glossary::build(vec![bb, w], Vec::new())
    }

    fn run(g: &Glossary, book: &str, mode: LinkMode, text: &str) -> (String, Vec<TermUse>) {
        let mut l = g.page_linker(book, "consent/a/", false, mode);
        let mut out = String::new();
        l.text(text, 100..100 + text.len(), &mut out);
        let (uses, _) = l.finish();
        (out, uses)
    }

    #[test]
    fn links_first_mention_with_a_relative_href_and_no_tooltip_text() {
        let g = glossary();
        let (html, uses) = run(&g, "consent", LinkMode::First, "A BB & a building block.");
        assert_eq!(
            html,
            "A <a class=\"term\" href=\"../../glossary/building-block/\">BB</a> &amp; a building block."
        );
        assert_eq!(uses.iter().filter(|u| u.term == 0).count(), 2);
        assert_eq!(uses[0].span, 102..104);
    }

    #[test]
    fn link_modes_all_and_none() {
        let g = glossary();
        let (html, _) = run(&g, "consent", LinkMode::All, "BB BB");
        assert_eq!(html.matches("<a class=\"term\"").count(), 2);
        let (html, uses) = run(&g, "consent", LinkMode::None, "BB BB");
        assert_eq!(html, "BB BB");
        assert_eq!(uses.iter().filter(|u| u.term == 0).count(), 2);
    }

    #[test]
    fn book_terms_only_in_their_book() {
        let g = glossary();
        assert!(run(&g, "consent", LinkMode::First, "a wallet thing")
            .1
            .is_empty());
        assert_eq!(
            run(&g, "wallet", LinkMode::First, "a wallet thing").1.len(),
            1
        );
    }

    #[test]
    fn records_acronyms_but_not_shouting() {
        let g = glossary();
        let (_, uses) = run(
            &g,
            "consent",
            LinkMode::None,
            "The XYZ and APIs. Then THE WHOLE LINE SHOUTS. iOS",
        );
        let acr: Vec<(&str, UseKind)> = uses
            .iter()
            .filter(|u| u.term == NO_TERM)
            .map(|u| (u.surface.as_str(), u.kind))
            .collect();
        assert_eq!(
            acr,
            vec![("XYZ", UseKind::Acronym), ("APIs", UseKind::Acronym),]
        );
    }

    #[test]
    fn unknown_term_ref_is_reported_with_suggestion() {
        let g = glossary();
        let mut l = g.page_linker("consent", "consent/a/", true, LinkMode::First);
        assert_eq!(
            l.term_ref("building-block", 5..20).as_deref(),
            Some("../../glossary/building-block/index.html")
        );
        assert_eq!(l.term_ref("bulding-block", 30..40), None);
        let (uses, diags) = l.finish();
        assert_eq!(uses[0].kind, UseKind::Explicit);
        assert_eq!(diags[0].rule, Rule::TermUnknownRef);
        assert_eq!(diags[0].span, 30..40);
        assert_eq!(
            diags[0].suggestion.as_deref(),
            Some("did you mean `term:building-block`?")
        );
    }
}
