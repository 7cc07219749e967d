//! Finding term mentions: one Aho-Corasick automaton over every surface form
//! of every term (canonical name, aliases, abbreviations, simple plurals,
//! avoid-variants). Whole words only; case-insensitive except abbreviations;
//! the longest match wins.

use super::model::Term;
use super::UseKind;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct Candidate {
    term: usize,
    kind: UseKind,
    /// Required exact spelling (abbreviations); `None` = ASCII case-insensitive.
    exact: Option<String>,
}

/// A mention found in a text run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range in the searched text.
    pub range: std::ops::Range<usize>,
    /// Term index.
    pub term: usize,
    /// How it was written.
    pub kind: UseKind,
}

/// What one pattern stands for: common terms, and each book's own terms
/// apart, so that a page looks only at its own book's (a site of many books
/// that define the same names would otherwise test every book's term at
/// every mention).
#[derive(Debug, Default)]
struct PatternTerms {
    common: Vec<Candidate>,
    /// (book number, its terms), sorted by book number.
    books: Vec<(u32, Vec<Candidate>)>,
}

/// The automaton and what each pattern stands for.
#[derive(Debug, Default)]
pub struct Matcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<PatternTerms>,
    /// Book prefix → book number, for books with terms of their own.
    books: std::collections::HashMap<String, u32>,
}

/// Simple English plural of the last word.
pub fn plural(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    if lower.ends_with('y')
        && !lower.ends_with("ay")
        && !lower.ends_with("ey")
        && !lower.ends_with("oy")
        && !lower.ends_with("uy")
    {
        format!("{}ies", &s[..s.len() - 1])
    } else if lower.ends_with('s')
        || lower.ends_with('x')
        || lower.ends_with('z')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        format!("{s}es")
    } else {
        format!("{s}s")
    }
}

/// Simple singular of the last word, if it looks plural.
pub fn singular(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    if lower.ends_with("ies") && s.len() > 4 {
        Some(format!("{}y", &s[..s.len() - 3]))
    } else if lower.ends_with('s') && !lower.ends_with("ss") && s.len() > 3 {
        Some(s[..s.len() - 1].to_string())
    } else {
        None
    }
}

/// A single word with two or more capitals (`UUID`, `OpenAPI`) or a lowercase
/// prefix before capitals (`eIDAS`) is matched with its exact case.
fn is_case_sensitive_name(s: &str) -> bool {
    !s.contains(char::is_whitespace) && super::model::looks_like_abbreviation(s)
}

impl Matcher {
    /// Builds the automaton over every term's surface forms.
    pub fn build(terms: &[Term]) -> Matcher {
        let mut books: std::collections::HashMap<String, u32> = Default::default();
        let term_book: Vec<Option<u32>> = terms
            .iter()
            .map(|t| {
                let b = t.scope.book()?;
                let next = books.len() as u32;
                Some(*books.entry(b.to_string()).or_insert(next))
            })
            .collect();
        let mut by_surface: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
        let mut add = |surface: &str, term: usize, kind: UseKind, exact: bool| {
            let surface = surface.trim();
            if surface.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                return;
            }
            let cands = by_surface.entry(surface.to_ascii_lowercase()).or_default();
            let exact = exact.then(|| surface.to_string());
            if !cands.iter().any(|c| c.term == term && c.exact == exact) {
                cands.push(Candidate { term, kind, exact });
            }
        };
        for (i, t) in terms.iter().enumerate() {
            let mut words: Vec<(&str, UseKind)> = vec![(t.name.as_str(), UseKind::Name)];
            words.extend(t.aliases.iter().map(|a| (a.as_str(), UseKind::Alias)));
            for (w, kind) in words {
                let exact = is_case_sensitive_name(w);
                add(w, i, kind, exact);
                add(&plural(w), i, kind, exact);
                if let Some(s) = singular(w) {
                    add(&s, i, kind, exact);
                }
            }
            if let Some(a) = &t.abbreviation {
                add(a, i, UseKind::Abbreviation, true);
                if !a.ends_with('s') {
                    add(&format!("{a}s"), i, UseKind::Abbreviation, true);
                }
            }
            for v in &t.avoid {
                add(v, i, UseKind::Variant, false);
            }
        }
        if by_surface.is_empty() {
            return Matcher::default();
        }
        let (surfaces, candidates): (Vec<String>, Vec<Vec<Candidate>>) =
            by_surface.into_iter().unzip();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&surfaces)
            .ok();
        let patterns = candidates
            .into_iter()
            .map(|cands| {
                let mut p = PatternTerms::default();
                for c in cands {
                    match term_book[c.term] {
                        None => p.common.push(c),
                        Some(b) => match p.books.binary_search_by_key(&b, |e| e.0) {
                            Ok(at) => p.books[at].1.push(c),
                            Err(at) => p.books.insert(at, (b, vec![c])),
                        },
                    }
                }
                p
            })
            .collect();
        Matcher {
            ac,
            patterns,
            books,
        }
    }

    /// The number [`Matcher::find`] takes for the book with URL prefix
    /// `book`; `None` when that book has no terms of its own.
    pub fn book_number(&self, book: &str) -> Option<u32> {
        self.books.get(book).copied()
    }

    /// Finds non-overlapping whole-word mentions in `text` of common terms
    /// and of the terms of book `book` (a [`Matcher::book_number`]). `rank`
    /// says whether a term may match here and with what priority (lower wins
    /// on the same span); `None` excludes it.
    pub fn find(
        &self,
        text: &str,
        book: Option<u32>,
        rank: impl Fn(usize) -> Option<u8>,
    ) -> Vec<Found> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut all: Vec<(usize, usize, u8, u8, usize, UseKind)> = Vec::new();
        for m in ac.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if !is_word_boundary(text, s, e) {
                continue;
            }
            let p = &self.patterns[m.pattern().as_usize()];
            let own = book
                .and_then(|b| p.books.binary_search_by_key(&b, |e| e.0).ok())
                .map_or(&[][..], |at| &p.books[at].1[..]);
            for c in p.common.iter().chain(own) {
                if c.exact.as_deref().is_some_and(|x| &text[s..e] != x) {
                    continue;
                }
                if let Some(r) = rank(c.term) {
                    all.push((s, e, r, c.kind as u8, c.term, c.kind));
                }
            }
        }
        // Leftmost, then longest, then best rank.
        all.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
                .then(a.4.cmp(&b.4))
        });
        let mut out = Vec::new();
        let mut pos = 0;
        for (s, e, _, _, term, kind) in all {
            if s < pos {
                continue;
            }
            out.push(Found {
                range: s..e,
                term,
                kind,
            });
            pos = e;
        }
        out
    }
}

/// A mention must not continue a word: letters, digits, `_` and `-` glue.
fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let glued = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(glued) && !after.is_some_and(glued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(name: &str, abbr: Option<&str>) -> Term {
        Term {
            name: name.into(),
            abbreviation: abbr.map(Into::into),
            ..Default::default()
        }
    }

    fn found(m: &Matcher, text: &str) -> Vec<(String, usize)> {
        m.find(text, None, |_| Some(0))
            .into_iter()
            .map(|f| (text[f.range].to_string(), f.term))
            .collect()
    }

    #[test]
    fn longest_match_wins() {
        let m = Matcher::build(&[
            term("Digital Credential", None),
            term("Digital Credential Wallet", None),
        ]);
        assert_eq!(
            found(
                &m,
                "A digital credential wallet holds a Digital Credential."
            ),
            vec![
                ("digital credential wallet".into(), 1),
                ("Digital Credential".into(), 0)
            ]
        );
    }

    #[test]
    fn whole_words_only() {
        let m = Matcher::build(&[term("Service", None)]);
        assert!(found(&m, "microservices and self-service and Services_x").is_empty());
        assert_eq!(found(&m, "a service, two services.").len(), 2);
    }

    #[test]
    fn abbreviations_match_exact_case_names_do_not() {
        let m = Matcher::build(&[term("Building Block", Some("BB"))]);
        assert_eq!(
            found(&m, "BUILDING BLOCK, bb, BB, BBs"),
            vec![
                ("BUILDING BLOCK".into(), 0),
                ("BB".into(), 0),
                ("BBs".into(), 0)
            ]
        );
    }

    #[test]
    fn plurals_match() {
        let m = Matcher::build(&[term("Registry", None), term("Verifiable Credentials", None)]);
        assert_eq!(
            found(&m, "registries hold a verifiable credential").len(),
            2
        );
    }

    #[test]
    fn rank_excludes_and_prefers() {
        let m = Matcher::build(&[term("Credential", None), term("Credential", None)]);
        let f = m.find(
            "Credential",
            None,
            |t| if t == 1 { Some(0) } else { Some(1) },
        );
        assert_eq!(f[0].term, 1);
        let f = m.find("Credential", None, |t| (t == 0).then_some(1));
        assert_eq!(f[0].term, 0);
    }

    #[test]
    fn a_page_sees_common_terms_and_its_own_books_only() {
        let scoped = |name: &str, book: Option<&str>| Term {
            scope: book.map_or(super::super::Scope::Common, |b| {
                super::super::Scope::Book(b.into())
            }),
            ..term(name, None)
        };
        let m = Matcher::build(&[
            scoped("Token", Some("a")),
            scoped("Token", Some("b")),
            scoped("Token", None),
            scoped("Ledger", Some("b")),
        ]);
        let terms = |book: Option<&str>| -> Vec<usize> {
            let n = book.and_then(|b| m.book_number(b));
            let mut t: Vec<usize> = m
                .find("Token Ledger", n, |_| Some(0))
                .into_iter()
                .map(|f| f.term)
                .collect();
            t.sort();
            t
        };
        assert_eq!(m.book_number("c"), None);
        assert_eq!(terms(None), vec![2]);
        assert_eq!(terms(Some("c")), vec![2]);
        // Same rank: the lower term index wins the span.
        assert_eq!(terms(Some("a")), vec![0]);
        assert_eq!(terms(Some("b")), vec![1, 3]);
    }
}
