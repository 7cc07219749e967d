//! Text handling shared by the CLI index and the browser index: word
//! splitting, diacritic folding, a light English stemmer for the browser,
//! query-word matching and snippets with highlight ranges.

use std::ops::Range;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lowercases `s` and removes diacritics (`Ré­sumé` → `resume`): NFKD, then
/// combining marks dropped.
pub fn fold(s: &str) -> String {
    let mut out = String::new();
    fold_into(s, &mut out);
    out
}

/// [`fold`] into `out` (cleared first), reusing its buffer.
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    // Most words are ASCII: decomposition is then the identity, so lowercasing
    // is all there is to do (same result, far cheaper).
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
        return;
    }
    out.extend(
        s.nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase),
    );
}

/// The words of `text` with their byte ranges in `text`. A word is a run of
/// alphanumeric characters (combining marks stay inside the word).
pub fn word_spans(text: &str) -> Vec<Range<usize>> {
    words(text).collect()
}

/// [`word_spans`] as an iterator, allocating nothing.
pub fn words(text: &str) -> Words<'_> {
    Words {
        text,
        pos: 0,
        ascii: text.is_ascii(),
    }
}

/// Whether each byte is an ASCII letter or digit (a table: one load a byte
/// where the range tests took several).
static ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The iterator [`words`] returns.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
    /// The text is ASCII: words are runs of ASCII letters and digits, found
    /// a byte at a time.
    ascii: bool,
}

impl Words<'_> {
    /// The character at byte `i` and its length; ASCII without decoding.
    fn char_at(&self, i: usize) -> Option<(char, usize)> {
        match self.text.as_bytes().get(i) {
            None => None,
            Some(&b) if b.is_ascii() => Some((b as char, 1)),
            Some(_) => self.text[i..].chars().next().map(|c| (c, c.len_utf8())),
        }
    }
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.ascii {
            let b = self.text.as_bytes();
            let mut start = self.pos;
            while start < b.len() && !ASCII_ALNUM[b[start] as usize] {
                start += 1;
            }
            if start == b.len() {
                self.pos = start;
                return None;
            }
            let mut end = start + 1;
            while end < b.len() && ASCII_ALNUM[b[end] as usize] {
                end += 1;
            }
            self.pos = end;
            return Some(start..end);
        }
        let mut i = self.pos;
        // Skip to a word's first character (a combining mark does not start one).
        let start = loop {
            let (c, n) = self.char_at(i)?;
            if c.is_alphanumeric() {
                break i;
            }
            i += n;
        };
        while let Some((c, n)) = self.char_at(i) {
            if !(c.is_alphanumeric() || is_combining_mark(c)) {
                break;
            }
            i += n;
        }
        self.pos = i;
        Some(start..i)
    }
}

/// The folded words of `text`, in order.
pub fn tokenize(text: &str) -> Vec<String> {
    word_spans(text)
        .into_iter()
        .map(|r| fold(&text[r]))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Words too common to index in the browser (their posting lists would be
/// most of the index and rank nothing).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "this", "to", "with",
];

/// Whether `word` (folded) is one of [`STOP_WORDS`]. Called for every word
/// indexed: the word is packed into a number with its length and compared
/// with the packed stop words, no string comparison.
pub fn is_stop_word(word: &str) -> bool {
    word.len() <= STOP_WORD_MAX && PACKED_STOP_WORDS.contains(&pack_short(word.as_bytes()))
}

/// The longest stop word, in bytes.
const STOP_WORD_MAX: usize = 4;

/// Up to [`STOP_WORD_MAX`] bytes and their count as one number.
const fn pack_short(b: &[u8]) -> u64 {
    let mut v = b.len() as u64;
    let mut i = 0;
    while i < b.len() {
        v |= (b[i] as u64) << (8 * (i + 1));
        i += 1;
    }
    v
}

/// [`STOP_WORDS`] packed by [`pack_short`].
const PACKED_STOP_WORDS: [u64; STOP_WORDS.len()] = {
    let mut out = [0u64; STOP_WORDS.len()];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        assert!(STOP_WORDS[i].len() <= STOP_WORD_MAX);
        out[i] = pack_short(STOP_WORDS[i].as_bytes());
        i += 1;
    }
    out
};

/// A light English stemmer used by the browser index (and mirrored in
/// `search.js`): strips plural endings only, so `registries` and `registry`,
/// `boxes` and `box`, `payments` and `payment` meet while other words keep
/// their spelling (the browser matches prefixes and one typo besides).
/// Folded input expected.
pub fn light_stem(w: &str) -> String {
    let (stem, y) = light_stem_parts(w);
    let mut out = stem.to_string();
    if y {
        out.push('y');
    }
    out
}

/// [`light_stem`] without allocating: the stem is the returned prefix of
/// `w`, followed by `y` when the flag is set (`registries` → `registr` + y).
pub fn light_stem_parts(w: &str) -> (&str, bool) {
    let n = w.len();
    if n <= 3 || !w.is_ascii() {
        return (w, false);
    }
    if n >= 5 && w.ends_with("ies") {
        return (&w[..n - 3], true);
    }
    if w.ends_with("sses")
        || w.ends_with("xes")
        || w.ends_with("zes")
        || w.ends_with("ches")
        || w.ends_with("shes")
    {
        return (&w[..n - 2], false);
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return (&w[..n - 1], false);
    }
    (w, false)
}

/// One word of a query, with how it may match a word of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// The folded word.
    pub folded: String,
    /// Its English stem (tantivy's Snowball stemmer for the CLI).
    pub stem: String,
    /// Whether the word is still being typed (the last word): prefixes match.
    pub prefix: bool,
}

impl QueryWord {
    /// Whether a word may be one typo away (4+ letters).
    pub fn fuzzy(&self) -> bool {
        self.folded.chars().count() >= 4
    }

    /// Whether document word `word` (folded) with stem `stem` matches.
    pub fn matches(&self, word: &str, stem: &str) -> bool {
        stem == self.stem
            || word == self.folded
            || (self.prefix && self.folded.len() >= 3 && word.starts_with(&self.folded))
            || (self.fuzzy() && (near(word, &self.folded) || near(stem, &self.stem)))
    }
}

/// Whether `a` and `b` are at most one edit (or swap) apart.
fn near(a: &str, b: &str) -> bool {
    a.len().abs_diff(b.len()) <= 1 && strsim::damerau_levenshtein(a, b) <= 1
}

/// A stretch of document text around the query's matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The text, with `…` where it was cut.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<Range<usize>>,
}

/// Cuts a snippet of about `width` characters from `text` around the window
/// holding the most distinct query words; without matches, the text's start.
/// `stem` gives a folded word's stem.
pub fn make_snippet(
    text: &str,
    words: &[QueryWord],
    width: usize,
    stem: &dyn Fn(&str) -> String,
) -> Snippet {
    let spans = word_spans(text);
    // (span, index of the query word matched)
    let mut hits: Vec<(Range<usize>, usize)> = Vec::new();
    for r in &spans {
        let w = fold(&text[r.clone()]);
        let s = stem(&w);
        if let Some(q) = words.iter().position(|q| q.matches(&w, &s)) {
            hits.push((r.clone(), q));
        }
    }
    let byte_width = |from: usize| -> usize {
        text[from..]
            .char_indices()
            .nth(width)
            .map_or(text.len(), |(i, _)| from + i)
    };
    // Best window: most distinct words, then most hits, earliest first.
    let mut best = (0usize, 0usize, 0usize); // (distinct, count, start)
    for (i, (r, _)) in hits.iter().enumerate() {
        let end = byte_width(r.start);
        let mut seen = vec![false; words.len()];
        let mut count = 0;
        for (r2, q) in &hits[i..] {
            if r2.end > end {
                break;
            }
            seen[*q] = true;
            count += 1;
        }
        let distinct = seen.iter().filter(|s| **s).count();
        if (distinct, count) > (best.0, best.1) {
            best = (distinct, count, r.start);
        }
    }
    // Start a little before the first match, on a word boundary.
    let mut start = if best.1 == 0 { 0 } else { best.2 };
    if start > 0 {
        let lead = width / 5;
        let back = text[..start]
            .char_indices()
            .rev()
            .nth(lead)
            .map_or(0, |(i, _)| i);
        start = spans
            .iter()
            .find(|r| r.start >= back)
            .map_or(back, |r| r.start);
    }
    let mut end = byte_width(start);
    if end < text.len() {
        // Do not cut a word in half.
        if let Some(r) = spans.iter().find(|r| r.start < end && r.end > end) {
            end = if r.start > start { r.start } else { r.end };
        }
    }
    let body = text[start..end].trim_end();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let offset = out.len() as isize - start as isize;
    out.push_str(body);
    if start + body.len() < text.len() {
        out.push('…');
    }
    let highlights = hits
        .iter()
        .filter(|(r, _)| r.start >= start && r.end <= start + body.len())
        .map(|(r, _)| (r.start as isize + offset) as usize..(r.end as isize + offset) as usize)
        .collect();
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qw(w: &str, prefix: bool) -> QueryWord {
        QueryWord {
            folded: fold(w),
            stem: light_stem(&fold(w)),
            prefix,
        }
    }

    #[test]
    fn folds_diacritics_and_case() {
        assert_eq!(fold("Résumé ÅNGSTRÖM"), "resume angstrom");
        assert_eq!(
            tokenize("Zoë's e-Signature (v2.0)"),
            vec!["zoe", "s", "e", "signature", "v2", "0"]
        );
    }

    #[test]
    fn splits_words_with_byte_ranges() {
        let t = "¡Hola, señor!";
        let spans = word_spans(t);
        let words: Vec<&str> = spans.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(words, vec!["Hola", "señor"]);
    }

    #[test]
    fn combining_marks_stay_inside_words_but_start_none() {
        // "e" + U+0301 (combining acute) inside a word; a lone mark after a
        // space starts no word; digits are word characters; CJK too.
        let t = "cafe\u{301} \u{301}x 42ab 東京-x";
        let words: Vec<&str> = words(t).map(|r| &t[r]).collect();
        assert_eq!(words, vec!["cafe\u{301}", "x", "42ab", "東京", "x"]);
        assert_eq!(words.len(), super::words(t).count());
        assert!(super::words("").next().is_none());
        let ascii = "x1y-2z_3  ASCII only, 42 words?";
        let words: Vec<&str> = super::words(ascii).map(|r| &ascii[r]).collect();
        assert_eq!(
            words,
            vec!["x1y", "2z", "3", "ASCII", "only", "42", "words"]
        );
        assert!(super::words(" ,;").next().is_none());
    }

    #[test]
    fn light_stem_joins_plurals() {
        assert_eq!(light_stem("registries"), light_stem("registry"));
        assert_eq!(light_stem("payments"), "payment");
        assert_eq!(light_stem("process"), "process");
        assert_eq!(light_stem("status"), "status");
        assert_eq!(light_stem("bus"), "bus");
        assert_eq!(light_stem("boxes"), "box");
        assert_eq!(light_stem("places"), "place");
        assert_eq!(light_stem("analysis"), "analysis");
        assert_eq!(light_stem("defined"), "defined");
    }

    #[test]
    fn query_word_tolerates_one_typo_from_four_letters() {
        let q = qw("regstry", false);
        assert!(q.matches("registry", &light_stem("registry")));
        assert!(!qw("cat", false).matches("cut", "cut"));
        assert!(!q.matches("ministry", "ministry"));
    }

    #[test]
    fn last_word_matches_as_prefix() {
        assert!(qw("regis", true).matches("registration", "registration"));
        assert!(!qw("regis", false).matches("registration", "registration"));
    }

    #[test]
    fn snippet_centres_on_matches_and_marks_them() {
        let text = "Lorem ipsum dolor sit amet. ".repeat(10)
            + "The consent agreement is signed here. "
            + &"More filler words. ".repeat(10);
        let words = vec![qw("consent", false), qw("agreement", false)];
        let s = make_snippet(&text, &words, 80, &|w| light_stem(w));
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        let marked: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, vec!["consent", "agreement"]);
        assert!(s.text.chars().count() <= 82);
    }

    #[test]
    fn snippet_without_match_is_the_start() {
        let s = make_snippet("short text", &[qw("zzz", false)], 80, &|w| w.to_string());
        assert_eq!(s.text, "short text");
        assert!(s.highlights.is_empty());
    }

    #[test]
    fn is_stop_word_is_exactly_the_stop_word_list() {
        for w in STOP_WORDS {
            assert!(is_stop_word(w), "{w}");
        }
        for w in [
            "", "ab", "thee", "to ", "registry", "And", "wit", "fro", "a\0", "\0a", "tha", "theт",
        ] {
            assert_eq!(is_stop_word(w), STOP_WORDS.contains(&w), "{w}");
        }
    }
}
