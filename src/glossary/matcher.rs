//! Finding term mentions: one Aho-Corasick automaton over every surface form
//! of every term (canonical name, aliases, abbreviations, simple plurals,
//! avoid-variants). Whole words only; case-insensitive except abbreviations;
//! the longest match wins.

use super::model::Term;
use super::UseKind;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::FxHashMap;
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

/// What each surface stands for, and how surfaces are found.
///
/// A mention starts where a word starts and ends where a word ends (see
/// [`is_word_boundary`]), so it begins with a whole word of the text: each
/// surface is filed under its first word (lowercase), and a text is read
/// word by word, each word looked up once. Surfaces that start with
/// something other than a word character (rare) are found by an
/// Aho-Corasick automaton over the text instead.
#[derive(Debug, Default)]
pub struct Matcher {
    /// First word (ASCII-lowercase) → the surfaces that start with it.
    by_first_word: FxHashMap<Box<[u8]>, Vec<u32>>,
    /// A cheap test a word must pass before it is looked up: one bit per
    /// (first byte, last byte, length) of the first words.
    seen: Box<[u64]>,
    /// Every surface, ASCII-lowercase, by pattern number.
    surfaces: Vec<Box<[u8]>>,
    /// The automaton over the surfaces not starting with a word character,
    /// and their pattern numbers.
    loose: Option<(AhoCorasick, Vec<u32>)>,
    patterns: Vec<PatternTerms>,
    /// Book prefix → book number, for books with terms of their own.
    books: std::collections::HashMap<String, u32>,
}

/// Words of the [`Matcher::seen`] filter: 8,192 bits.
const SEEN_WORDS: usize = 128;

/// The filter bit of a word (not empty; ASCII case does not matter).
fn seen_bit(word: &[u8]) -> usize {
    let first = word[0].to_ascii_lowercase() as usize;
    let last = word[word.len() - 1].to_ascii_lowercase() as usize;
    (first.wrapping_mul(31) ^ last.wrapping_mul(131) ^ word.len().wrapping_mul(2_654_435_761))
        % (SEEN_WORDS * 64)
}

/// Letters, digits, `_` and `-` glue a mention to what is around it.
fn glued(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// [`glued`] for each ASCII byte.
static GLUED_ASCII: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    t
};

/// The end of the run of glued characters starting at byte `at` of `text`.
#[inline]
fn word_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if !GLUED_ASCII[b as usize] {
                break;
            }
            i += 1;
        } else {
            match text[i..].chars().next() {
                Some(c) if glued(c) => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    i
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
        let mut by_first_word: FxHashMap<Box<[u8]>, Vec<u32>> = FxHashMap::default();
        let mut seen = vec![0u64; SEEN_WORDS].into_boxed_slice();
        let mut loose: Vec<u32> = Vec::new();
        for (i, surface) in surfaces.iter().enumerate() {
            let first = &surface.as_bytes()[..word_end(surface, 0)];
            if first.is_empty() {
                loose.push(i as u32);
                continue;
            }
            let bit = seen_bit(first);
            seen[bit / 64] |= 1 << (bit % 64);
            by_first_word
                .entry(first.into())
                .or_default()
                .push(i as u32);
        }
        let loose = (!loose.is_empty())
            .then(|| {
                let ac = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(loose.iter().map(|&i| &surfaces[i as usize]))
                    .ok()?;
                Some((ac, loose))
            })
            .flatten();
        let surfaces = surfaces
            .into_iter()
            .map(|s| s.into_bytes().into_boxed_slice())
            .collect();
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
            by_first_word,
            seen,
            surfaces,
            loose,
            patterns,
            books,
        }
    }

    /// The number [`Matcher::find`] takes for the book with URL prefix
    /// `book`; `None` when that book has no terms of its own.
    pub fn book_number(&self, book: &str) -> Option<u32> {
        self.books.get(book).copied()
    }

    /// Every (start, end, pattern) where a surface is written in `text` as
    /// whole words, overlapping ones included.
    fn spans(&self, text: &str) -> Vec<(usize, usize, u32)> {
        let mut spans: Vec<(usize, usize, u32)> = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() && !GLUED_ASCII[b as usize] {
                i += 1;
                continue;
            }
            let end = word_end(text, i);
            if end == i {
                // Not a word character: step over it.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let word = &bytes[i..end];
            let bit = seen_bit(word);
            if self.seen[bit / 64] & (1 << (bit % 64)) != 0 {
                let mut buf = [0u8; 64];
                let heap: Vec<u8>;
                let lower: &[u8] = if word.len() <= buf.len() {
                    let b = &mut buf[..word.len()];
                    for (l, c) in b.iter_mut().zip(word) {
                        *l = c.to_ascii_lowercase();
                    }
                    b
                } else {
                    heap = word.to_ascii_lowercase();
                    &heap
                };
                for &p in self.by_first_word.get(lower).into_iter().flatten() {
                    let surface = &self.surfaces[p as usize];
                    let e = i + surface.len();
                    if bytes
                        .get(i..e)
                        .is_some_and(|t| t.eq_ignore_ascii_case(surface))
                        && is_word_boundary(text, i, e)
                    {
                        spans.push((i, e, p));
                    }
                }
            }
            i = end;
        }
        if let Some((ac, numbers)) = &self.loose {
            for m in ac.find_overlapping_iter(text) {
                if is_word_boundary(text, m.start(), m.end()) {
                    spans.push((m.start(), m.end(), numbers[m.pattern().as_usize()]));
                }
            }
        }
        spans
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
        if self.patterns.is_empty() {
            return Vec::new();
        }
        let mut all: Vec<(usize, usize, u8, u8, usize, UseKind)> = Vec::new();
        for (s, e, pattern) in self.spans(text) {
            let p = &self.patterns[pattern as usize];
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

    /// The mentions a plain search finds: every place any surface is
    /// written (ASCII case aside) as whole words, over every start.
    fn every_mention(surfaces: &[&str], text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        for (start, _) in text.char_indices() {
            for s in surfaces {
                let end = start + s.len();
                let same = text
                    .as_bytes()
                    .get(start..end)
                    .is_some_and(|t| t.eq_ignore_ascii_case(s.as_bytes()));
                if same && text.is_char_boundary(end) && is_word_boundary(text, start, end) {
                    out.push((start, end, s.to_ascii_lowercase()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn word_lookup_finds_what_a_plain_search_finds() {
        let names = [
            "data",
            "data sharing",
            "data-sharing agreement",
            "ID",
            "e-Signature",
            "café menu",
            "Naïve Bayes",
            "(beta) feature",
            "x_y",
            "API key",
        ];
        let terms: Vec<Term> = names.iter().map(|n| term(n, None)).collect();
        let m = Matcher::build(&terms);
        let surfaces: Vec<&str> = m
            .surfaces
            .iter()
            .map(|s| std::str::from_utf8(s).unwrap())
            .collect();
        assert!(
            m.loose.is_some(),
            "a surface starting with `(` is searched apart"
        );
        let pieces = [
            "data",
            "Data",
            "DATA",
            " ",
            "  ",
            "-",
            "_",
            "sharing",
            "agreement",
            "id",
            "ID",
            "ids",
            "e",
            "signature",
            "Signatures",
            "café",
            "menu",
            "naïve",
            "bayes",
            "(",
            ")",
            "beta",
            "feature",
            "x",
            "y",
            ",",
            ".",
            "é",
            "api",
            "key",
            "keys",
            "\u{2014}",
        ];
        // A fixed linear congruential sequence: the same texts every run.
        let mut state: u64 = 0x5eed;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 12 + 1) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let mut got: Vec<(usize, usize, String)> = Vec::new();
            // Every span the lookup considers, before one is chosen per place.
            let all = m.spans(&text);
            for (s, e, p) in all {
                got.push((s, e, surfaces[p as usize].to_string()));
            }
            got.sort();
            assert_eq!(got, every_mention(&surfaces, &text), "in {text:?}");
        }
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
