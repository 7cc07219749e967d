//! What counts as an undefined abbreviation (DESIGN.md §6, `abbr-undefined`).
//!
//! The markdown pass records every all-caps token of the prose as a use and
//! hands the plain text of every block to [`find_intros`], which finds the
//! abbreviations a page expands. The check then drops, for each use:
//! - text specsite generated (the span does not hold the word in the file);
//! - identifiers and code: `UC-C-PIC-001`, `NEW_BIRTH`, `-XPOST`, `type=NEW`,
//!   `COUNT(`, path segments such as `/r1/INDIA/`, the second part of `DCAT-AP`;
//! - currency codes next to a number (`US$ 5`, `USD 100`);
//! - roman numerals (`Annex II`, `RISC-V`);
//! - English words written in capitals: function words ([`FUNCTION_WORDS`]),
//!   common words (a word the site's own prose uses in lower case or title
//!   case on at least [`COMMON_WORD_PAGES`] pages), and capitalised words next
//!   to one of those (`USE CASE`);
//! - widely known abbreviations ([`KNOWN`], plus `abbreviations.known`).

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

/// Abbreviations every reader knows; never `abbr-undefined`. General
/// computing and web terms, units, well-known organisations and standards
/// bodies. `specsite check --explain abbr-undefined` prints this list.
pub const KNOWN: &[&str] = &[
    // Computing and the web.
    "AI", "API", "ASCII", "CD", "CI", "CPU", "CSS", "CSV", "DB", "DNS", "DVD", "FAQ", "FTP", "GIF",
    "GPS", "GPU", "GUI", "HD", "HTML", "HTTP", "HTTPS", "ID", "IDE", "IP", "ISP", "IT", "JPEG",
    "JPG", "JSON", "LAN", "LCD", "LED", "ML", "NFC", "OS", "PC", "PDF", "PHP", "PIN", "PNG", "QR",
    "RAM", "REST", "ROM", "RSS", "SDK", "SIM", "SMS", "SMTP", "SQL", "SSD", "SSH", "SSL", "SVG",
    "TCP", "TLS", "TV", "UDP", "UI", "URI", "URL", "USB", "UTC", "UTF", "UUID", "UX", "VPN", "WAN",
    "WIFI", "WWW", "XML", "YAML", "ZIP", // HTTP methods.
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", // Units and time.
    "AM", "PM", "KB", "MB", "GB", "TB", "KM", "KG", "GMT", // Everyday abbreviations.
    "OK", "TBD", "TODO", "NOTE", "FYI", "ASAP", "ETA", "NA", "CV", "CEO", "CFO", "CTO", "HR",
    "VIP", "DNA", "HIV", "AIDS", "COVID", "GDP", "ATM", "SOS", "CCTV", "DIY", "QA",
    // Countries, organisations, standards.
    "EU", "UN", "UK", "US", "USA", "WHO", "UNICEF", "UNDP", "UNESCO", "UNHCR", "USAID", "NATO",
    "OECD", "IMF", "WTO", "ILO", "NGO", "ISO", "IEC", "IEEE", "IETF", "ITU", "NIST", "ETSI",
    "ANSI", "RFC", "GDPR", "FBI", "CIA", "NASA", "MIT", "IBM", "SAP",
];

/// RFC 2119 keywords: capitalised on purpose, never abbreviations.
pub const RFC2119: &[&str] = &[
    "MUST",
    "SHALL",
    "SHOULD",
    "REQUIRED",
    "RECOMMENDED",
    "MAY",
    "OPTIONAL",
    "NOT",
];

/// English function words: written in capitals they are emphasis, never an
/// abbreviation (`AND`, `OR`, `ALL`).
pub const FUNCTION_WORDS: &[&str] = &[
    "ALL", "AN", "AND", "ANY", "ARE", "AS", "AT", "BE", "BOTH", "BUT", "BY", "CAN", "DO", "EACH",
    "EITHER", "EVERY", "FOR", "FROM", "HAS", "HAVE", "HE", "HER", "HIS", "IF", "IN", "INTO", "IS",
    "ITS", "NO", "NONE", "NOR", "OF", "ON", "ONLY", "OR", "OUR", "SHE", "SO", "THAN", "THAT",
    "THE", "THEIR", "THEM", "THEN", "THERE", "THESE", "THEY", "THIS", "TO", "UP", "VERY", "WAS",
    "WE", "WERE", "WHAT", "WHEN", "WHERE", "WHICH", "WHILE", "WILL", "WITH", "YOU", "YOUR",
];

/// A capitalised word that the site's prose also writes in lower or title
/// case on at least this many pages reads as a common word.
pub const COMMON_WORD_PAGES: usize = 3;

/// Active ISO 4217 currency codes: next to a number they are amounts.
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

/// Words an expansion may skip without a letter of its own (`Bank of
/// Tanzania`, `für`).
const LINKING_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "de", "der", "des", "die", "du", "for", "from", "für", "in",
    "la", "le", "of", "on", "or", "the", "to", "und", "with", "&",
];

/// Why an all-caps token is no `abbr-undefined` finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The span does not hold the word: text specsite generated.
    Generated,
    /// Part of an identifier, code or a path.
    Code,
    /// A currency code next to an amount.
    Currency,
    /// A roman numeral.
    Roman,
    /// An English function word.
    FunctionWord,
}

/// `APIs` → `API`.
pub fn core(s: &str) -> &str {
    match s.strip_suffix('s') {
        Some(c) if c.len() >= 2 && c.bytes().all(|b| b.is_ascii_uppercase()) => c,
        _ => s,
    }
}

/// Whether `w` (upper case) is a known abbreviation of the built-in list or an RFC 2119 word.
pub fn is_known(w: &str) -> bool {
    KNOWN.contains(&w) || RFC2119.contains(&w)
}

/// The context rules for one use: `source` is the page file, `span` the
/// token's byte range in it, `surface` the token as the prose has it.
pub fn skip_by_context(source: &str, span: &std::ops::Range<usize>, surface: &str) -> Option<Skip> {
    if source.get(span.clone()) != Some(surface) {
        return Some(Skip::Generated);
    }
    let word = core(surface);
    let before = &source[..span.start];
    let after = &source[span.end..];
    let prev = before.chars().next_back();
    let next = after.chars().next();
    // Identifiers: glued to `_` (also markdown's escaped `\_`), `=`, `.`, `:`, a call's `(`.
    let escaped_underscore_after = after.starts_with("\\_");
    if prev == Some('_')
        || next == Some('_')
        || escaped_underscore_after
        || before.ends_with("\\_")
        || prev == Some('=')
        || next == Some('=')
        || next == Some('(')
        || (next == Some('.') && after[1..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        || (prev == Some('.')
            && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_alphanumeric()))
        || (prev == Some(':') && next == Some(':'))
    {
        return Some(Skip::Code);
    }
    // A command-line flag: `-XPOST`.
    if prev == Some('-') {
        let b2 = before[..before.len() - 1].chars().next_back();
        if b2.is_none_or(|c| c.is_whitespace() || c == '(' || c == '`') {
            return Some(Skip::Code);
        }
        // The qualifier of a compound (`DCAT-AP`): the compound is reported at its head.
        if b2.is_some_and(|c| c.is_ascii_uppercase()) {
            return Some(Skip::Code);
        }
    }
    // A hyphenated chain with three parts or a number part: an identifier
    // (`UC-C-PIC-001`, `SHA-256`); a roman numeral part names a version (`RISC-V`).
    let chain = hyphen_chain(source, span);
    if chain.len() >= 3
        || (chain.len() == 2
            && chain.iter().any(|p| {
                p.bytes().any(|b| b.is_ascii_digit())
                    || (*p != word && p.bytes().all(|b| matches!(b, b'I' | b'V' | b'X')))
            }))
    {
        return Some(Skip::Code);
    }
    if in_path(source, span) {
        return Some(Skip::Code);
    }
    // Currency: `US$`, `USD 100`, `100 USD`.
    if next == Some('$')
        || (CURRENCIES.contains(&word) && (number_after(after) || number_before(before)))
    {
        return Some(Skip::Currency);
    }
    if is_roman(word) {
        let only_ixv = word.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'));
        if only_ixv || title_word_before(before) {
            return Some(Skip::Roman);
        }
    }
    if FUNCTION_WORDS.contains(&word) {
        return Some(Skip::FunctionWord);
    }
    None
}

/// The words right before and after `span` when they are written in
/// capitals and separated from it by one space (`USE CASE`).
pub fn caps_neighbours<'s>(
    source: &'s str,
    span: &std::ops::Range<usize>,
) -> (Option<&'s str>, Option<&'s str>) {
    let caps = |w: &str| {
        w.len() >= 2
            && w.bytes().all(|b| b.is_ascii_uppercase() || b == b's')
            && w.as_bytes()[0].is_ascii_uppercase()
    };
    let prev = source[..span.start].strip_suffix(' ').and_then(|b| {
        let s = b.len()
            - b.bytes()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
        let w = &b[s..];
        (caps(w) && !b[..s].ends_with(|c: char| c.is_ascii_alphanumeric())).then_some(w)
    });
    let next = source[span.end..].strip_prefix(' ').and_then(|a| {
        let e = a.bytes().take_while(|c| c.is_ascii_alphanumeric()).count();
        Some(&a[..e]).filter(|w| caps(w))
    });
    (prev, next)
}

/// The parts of the `-`-joined chain of letters and digits around `span`.
fn hyphen_chain<'s>(source: &'s str, span: &std::ops::Range<usize>) -> Vec<&'s str> {
    let b = source.as_bytes();
    let part = |c: u8| c.is_ascii_alphanumeric();
    let mut s = span.start;
    while s > 1 && b[s - 1] == b'-' && part(b[s - 2]) {
        s -= 1;
        while s > 0 && part(b[s - 1]) {
            s -= 1;
        }
    }
    let mut e = span.end;
    while e + 1 < b.len() && b[e] == b'-' && part(b[e + 1]) {
        e += 1;
        while e < b.len() && part(b[e]) {
            e += 1;
        }
    }
    source[s..e].split('-').collect()
}

/// Whether `span` is a segment of a path: a `/` on both sides (HTML tags
/// between are looked through) in a chain with a lower-case or digit segment.
fn in_path(source: &str, span: &std::ops::Range<usize>) -> bool {
    let left = visible_before(source, span.start, 60);
    let right = visible_after(source, span.end, 60);
    if !left.ends_with('/') || !right.starts_with('/') {
        return false;
    }
    let seg = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.');
    let l: String = left.chars().rev().take_while(|&c| seg(c)).collect();
    let r: String = right.chars().take_while(|&c| seg(c)).collect();
    l.chars()
        .chain(r.chars())
        .any(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// Up to `n` characters of text before `at`, HTML tags left out (in reading order).
fn visible_before(source: &str, at: usize, n: usize) -> String {
    let mut out = Vec::new();
    let mut chars = source[..at].chars().rev();
    while out.len() < n {
        match chars.next() {
            Some('>') => {
                for c in chars.by_ref() {
                    if c == '<' {
                        break;
                    }
                }
            }
            Some(c) => out.push(c),
            None => break,
        }
    }
    out.into_iter().rev().collect()
}

/// Up to `n` characters of text after `at`, HTML tags left out.
fn visible_after(source: &str, at: usize, n: usize) -> String {
    let mut out = String::new();
    let mut chars = source[at..].chars();
    let mut count = 0;
    while count < n {
        match chars.next() {
            Some('<') => {
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
            }
            Some(c) => {
                out.push(c);
                count += 1;
            }
            None => break,
        }
    }
    out
}

fn number_after(after: &str) -> bool {
    after
        .trim_start_matches([' ', '\u{a0}'])
        .starts_with(|c: char| c.is_ascii_digit())
}

fn number_before(before: &str) -> bool {
    before
        .trim_end_matches([' ', '\u{a0}'])
        .ends_with(|c: char| c.is_ascii_digit())
}

/// A title-case word right before (`Annex II`, `Part IV`).
fn title_word_before(before: &str) -> bool {
    let Some(b) = before.strip_suffix(' ') else {
        return false;
    };
    let w: String = b
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut cs = w.chars();
    cs.next().is_some_and(|c| c.is_uppercase()) && w.len() >= 3 && cs.all(|c| c.is_lowercase())
}

/// Whether `w` is a well-formed roman numeral of two or more letters (`II`, `XIV`, `MMXX`).
pub fn is_roman(w: &str) -> bool {
    if w.len() < 2 || !w.bytes().all(|b| b"IVXLCDM".contains(&b)) {
        return false;
    }
    let value = |b: u8| match b {
        b'I' => 1,
        b'V' => 5,
        b'X' => 10,
        b'L' => 50,
        b'C' => 100,
        b'D' => 500,
        _ => 1000,
    };
    let mut n = 0u32;
    let b = w.as_bytes();
    for i in 0..b.len() {
        let v = value(b[i]);
        if b.get(i + 1).is_some_and(|&x| value(x) > v) {
            n = n.wrapping_sub(v);
        } else {
            n = n.wrapping_add(v);
        }
    }
    n > 0 && n < 4000 && to_roman(n) == w
}

fn to_roman(mut n: u32) -> String {
    const T: &[(u32, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for &(v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Whether `text` has two ASCII capitals in a row, as every
/// [`is_candidate`] word does: most text runs have none.
pub fn has_two_capitals(text: &[u8]) -> bool {
    // Eight bytes at a time: the top bit of a byte of `caps` marks an ASCII
    // capital. Each byte is first given its top bit, so the subtractions
    // never borrow from the next byte; bytes of 0x80 and over are left out.
    const TOP: u64 = 0x8080_8080_8080_8080;
    let caps = |w: u64| {
        let x = w | TOP;
        let from_a = x.wrapping_sub(0x4141_4141_4141_4141);
        let past_z = x.wrapping_sub(0x5b5b_5b5b_5b5b_5b5b);
        from_a & !past_z & !w & TOP
    };
    let mut chunks = text.chunks_exact(8);
    let mut last_cap = false;
    for chunk in &mut chunks {
        let c = caps(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        // A capital followed by one, within the chunk or across its start.
        if c & (c >> 8) != 0 || (last_cap && c & 0x80 != 0) {
            return true;
        }
        last_cap = c >> 63 != 0;
    }
    for &b in chunks.remainder() {
        let cap = b.is_ascii_uppercase();
        if cap && last_cap {
            return true;
        }
        last_cap = cap;
    }
    false
}

/// Whether word `w` starts with two ASCII capitals (a cheap test every
/// [`is_candidate`] passes).
pub fn starts_with_two_capitals(w: &[u8]) -> bool {
    w.len() >= 2 && w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase()
}

/// Whether `w` is a candidate abbreviation: 2–6 capitals, optionally a plural `s`.
pub fn is_candidate(w: &str) -> bool {
    let c = core(w);
    (2..=6).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// The abbreviations a block of plain text expands (`text` is one block:
/// a paragraph, heading, list item or table row; table cells are separated
/// by ` | `). Forms: `Expansion (ABBR)`, `ABBR (Expansion)`, and, when the
/// words after it spell its letters, `ABBR – Expansion`, `ABBR - Expansion`,
/// `ABBR = Expansion`, `ABBR: Expansion` and a table row `ABBR | Expansion`.
/// A bracketed or leading compound (`(ISO/TC 211)`, `CI/CD (…)`, `SD-JWT VC (…)`)
/// expands each abbreviation in it.
pub fn find_intros(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let tokens = caps_tokens(text);
    let compounds = compounds(text, &tokens);
    for (n, &(s, e)) in tokens.iter().enumerate() {
        let word = &text[s..e];
        // Extend over the compound the token belongs to.
        let (cs, ce) = compounds[n];
        let before = text[..cs].trim_end_matches(' ');
        let after = &text[ce..];
        let bracketed = before.ends_with('(') && after.trim_start_matches(' ').starts_with(')');
        if bracketed && expanded_before(core(word), before[..before.len() - 1].trim_end()) {
            out.push(core(word).to_string());
            continue;
        }
        if let Some(inner) = after.strip_prefix(" (").or_else(|| after.strip_prefix('(')) {
            let inner = inner.split(')').next().unwrap_or("");
            // A list or a name holding the abbreviation (`LDAP (OpenLDAP, …)`) is
            // no expansion unless its words spell it.
            let loose = !inner.contains(',') && !inner.contains(core(word));
            if loose || expands(core(word), inner) {
                out.push(core(word).to_string());
                continue;
            }
        }
        // The letter-checked forms apply to the token alone.
        let rest = &text[e..];
        let trimmed = rest.trim_start_matches(' ');
        let sep = ["–", "—", "-", "=", ":", "|"]
            .iter()
            .find(|s| trimmed.starts_with(*s) && (trimmed.len() > s.len()));
        let Some(sep) = sep else { continue };
        if *sep == "-" && rest.len() == trimmed.len() && !trimmed[1..].starts_with(' ') {
            continue; // `DCAT-AP`: a compound, not a definition.
        }
        let expansion = &trimmed[sep.len()..];
        let expansion = expansion
            .split(['|', '(', ';', '.', ','])
            .next()
            .unwrap_or("");
        // A spaced dash ends the expansion (`Payments - Postpartum care`).
        let expansion = [" - ", " – ", " — "]
            .iter()
            .fold(expansion, |e, d| e.split(d).next().unwrap_or(""));
        if expands(core(word), expansion) {
            out.push(core(word).to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether the text before `(ABBR)` expands it: any words do, unless they
/// end in a number or a word in capitals (`RFC 2289 (OTP)`): then the last
/// words must spell the letters.
fn expanded_before(abbr: &str, before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric());
    let code_like = last.is_empty()
        || last.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || last
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !code_like {
        return true;
    }
    // Only the last words can spell it: the rest of a long text is not read.
    let mut words: Vec<&str> = before
        .split_whitespace()
        .rev()
        .take(abbr.len() + 4)
        .collect();
    words.reverse();
    let n = words.len();
    (n.saturating_sub(abbr.len() + 4)..n).any(|i| expands(abbr, &words[i..].join(" ")))
}

/// Byte ranges of the candidate abbreviations in `text`.
fn caps_tokens(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if !has_two_capitals(b) {
        return out;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() {
            let s = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if starts_with_two_capitals(&b[s..i]) && is_candidate(&text[s..i]) {
                out.push((s, i));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The extent of the compound around each token: neighbouring tokens joined
/// by `-` or `/`, or by a space when both are capitals, and trailing numbers
/// (`ISO/TC 211`). Found for all tokens in one pass: a run of thousands of
/// joined tokens (a long line of codes) costs its length, not its square.
fn compounds(text: &str, tokens: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let joined = |a: usize, b: usize| {
        let gap = &text[a..b];
        matches!(gap, "-" | "/" | " ")
    };
    let mut out = Vec::with_capacity(tokens.len());
    let mut first = 0;
    while first < tokens.len() {
        let mut last = first;
        while last + 1 < tokens.len() && joined(tokens[last].1, tokens[last + 1].0) {
            last += 1;
        }
        let (s, mut e) = (tokens[first].0, tokens[last].1);
        // A number after the compound (`ISO/TC 211`, `WCAG 2.1`).
        if let Some(r) = text[e..].strip_prefix(' ') {
            let num: usize = r
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b'.' || *b == b':')
                .count();
            if num > 0 && r.as_bytes()[0].is_ascii_digit() {
                e += 1 + num;
            }
        }
        out.extend(std::iter::repeat_n((s, e), last - first + 1));
        first = last + 1;
    }
    out
}

/// Whether the words of `expansion` spell `abbr`: each letter is a word's
/// initial or a capital inside a word (`eXtensible`), in order; linking words
/// (`of`, `and`) may be passed over, and one other word.
pub fn expands(abbr: &str, expansion: &str) -> bool {
    let letters: Vec<char> = abbr.chars().filter(|c| c.is_ascii_uppercase()).collect();
    if letters.len() < 2 {
        return false;
    }
    let words: Vec<&str> = expansion
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&'))
        // A word holding the abbreviation (`OpenLDAP`) does not spell it.
        .filter(|w| !w.is_empty() && !w.contains(abbr))
        .take(letters.len() + 4)
        .collect();
    spell(&letters, &words, 1)
}

fn spell(letters: &[char], words: &[&str], skips: usize) -> bool {
    if letters.is_empty() {
        return true;
    }
    let Some((w, rest)) = words.split_first() else {
        return false;
    };
    let lower = w.to_lowercase();
    if LINKING_WORDS.contains(&lower.as_str()) && spell(letters, rest, skips) {
        return true;
    }
    // Letters this word can give: its initial, then capitals inside it.
    let mut chars = w.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    if first == Some(letters[0]) {
        if spell(&letters[1..], rest, skips) {
            return true;
        }
        // Then letters inside the word, in order (`DataBase`, `Database` for
        // `DB`): up to two of them.
        let inner: Vec<char> = chars.map(|c| c.to_ascii_uppercase()).collect();
        let mut k = 1;
        let mut from = 0;
        while k < letters.len() && k <= 2 {
            let Some(at) = inner[from..].iter().position(|&c| c == letters[k]) else {
                break;
            };
            from += at + 1;
            k += 1;
            if spell(&letters[k..], rest, skips) {
                return true;
            }
        }
    } else {
        let inner: Vec<char> = w
            .chars()
            .skip(1)
            .filter(|c| c.is_ascii_uppercase())
            .collect();
        if inner.first() == Some(&letters[0]) {
            let mut k = 0;
            for c in inner {
                if k < letters.len() && letters[k] == c {
                    k += 1;
                } else {
                    break;
                }
            }
            if spell(&letters[k..], rest, skips) {
                return true;
            }
        }
    }
    skips > 0 && spell(letters, rest, skips - 1)
}

/// Of `candidates` (upper case), the ones the site's prose writes as a word
/// in lower or title case on at least [`COMMON_WORD_PAGES`] of `sources`.
/// Code spans and fenced blocks, and words glued to `/`, `.`, `-`, `_`, `=`,
/// quotes or backticks (addresses, identifiers) are left out. Only words of
/// three letters or more count.
pub fn common_words(candidates: &BTreeSet<String>, sources: &[&str]) -> BTreeSet<String> {
    use rayon::prelude::*;
    // A word that counts is 3 to 7 letters (6 once a plural `s` is taken
    // off): candidates are looked up as numbers, their lowercase letters
    // packed (see [`pack_letters`]); other candidates can never match.
    let wanted: FxHashSet<u64> = candidates
        .iter()
        .filter(|c| c.len() >= 3)
        .filter_map(|c| pack_letters(c.as_bytes()))
        .collect();
    if wanted.is_empty() {
        return BTreeSet::new();
    }
    let pages: FxHashMap<u64, usize> = sources
        .par_iter()
        .map(|text| page_words(text, &wanted))
        .fold(FxHashMap::default, |mut acc, words| {
            for w in words {
                *acc.entry(w).or_insert(0) += 1;
            }
            acc
        })
        .reduce(FxHashMap::default, |mut a, b| {
            // Summing counts: the order does not matter.
            #[allow(clippy::iter_over_hash_type)]
            for (w, n) in b {
                *a.entry(w).or_insert(0) += n;
            }
            a
        });
    // Only filtered and collected into a sorted set.
    #[allow(clippy::iter_over_hash_type)]
    pages
        .into_iter()
        .filter(|(_, n)| *n >= COMMON_WORD_PAGES)
        .map(|(w, _)| unpack_letters(w).to_ascii_uppercase())
        .collect()
}

/// Up to 8 ASCII letters, lowercased, as one number (byte `i` holds letter
/// `i`; letters are never 0, so words of different lengths differ). `None`
/// for anything else.
fn pack_letters(w: &[u8]) -> Option<u64> {
    if w.len() > 8 || !w.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut bytes = [0u8; 8];
    for (b, c) in bytes.iter_mut().zip(w) {
        *b = c.to_ascii_lowercase();
    }
    Some(u64::from_le_bytes(bytes))
}

/// The letters [`pack_letters`] packed.
fn unpack_letters(v: u64) -> String {
    let bytes = v.to_le_bytes();
    bytes
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| *b as char)
        .collect()
}

/// The words of `wanted` (packed) that one page's prose writes in lower or
/// title case, each once.
fn page_words(text: &str, wanted: &FxHashSet<u64>) -> Vec<u64> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let b = line.as_bytes();
        let mut in_code = false;
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'`' {
                in_code = !in_code;
                i += 1;
                continue;
            }
            if !b[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let s = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            if in_code || i - s < 3 || i - s > 7 {
                continue;
            }
            let glued = |c: u8| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        b'/' | b'.' | b'-' | b'_' | b'=' | b'"' | b'\'' | b'@' | b'#' | b'\\'
                    )
                    || c >= 0x80
            };
            if (s > 0 && glued(b[s - 1])) || (i < b.len() && glued(b[i]) && b[i] != b'.') {
                continue;
            }
            if i < b.len()
                && b[i] == b'.'
                && b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            let w = &b[s..i];
            if !w[1..].iter().all(u8::is_ascii_lowercase) {
                continue;
            }
            // The word itself, else its singular (`apis` for `API`).
            let Some(key) = pack_letters(w) else { continue };
            if wanted.contains(&key) {
                found.push(key);
            } else if w.last() == Some(&b's') {
                let singular = pack_letters(&w[..w.len() - 1]).unwrap_or_default();
                if wanted.contains(&singular) {
                    found.push(singular);
                }
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_run_of_codes_costs_its_length() {
        // 40,000 joined capitals on one line: each token's compound was
        // walked again from its start, a cost of the run's square.
        let line = "AB-CD ".repeat(20_000) + "(XY) and Extensible Markup Language (XML)";
        let t = std::time::Instant::now();
        let found = find_intros(&line);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            t.elapsed()
        );
        assert!(found.contains(&"XML".to_string()), "{found:?}");
    }

    use super::*;

    fn skip(text: &str, word: &str) -> Option<Skip> {
        let s = text.find(word).unwrap();
        skip_by_context(text, &(s..s + word.len()), word)
    }

    #[test]
    fn identifiers_and_code_are_skipped() {
        assert_eq!(skip("see UC-C-PIC-001 here", "PIC"), Some(Skip::Code));
        assert_eq!(skip("type=NEW\\_BIRTH now", "NEW"), Some(Skip::Code));
        assert_eq!(skip("type=NEW\\_BIRTH now", "BIRTH"), Some(Skip::Code));
        assert_eq!(skip("curl -XPOST x", "XPOST"), Some(Skip::Code));
        assert_eq!(skip("use COUNT(x)", "COUNT"), Some(Skip::Code));
        assert_eq!(skip("key SDK_SCORE", "SDK"), Some(Skip::Code));
        assert_eq!(skip("as DCAT-AP says", "AP"), Some(Skip::Code));
        assert_eq!(skip("as DCAT-AP says", "DCAT"), None);
        assert_eq!(
            skip("x/r1/<mark>INDIA</mark>/<mark>GOV/y", "INDIA"),
            Some(Skip::Code)
        );
        assert_eq!(skip("ask AK/TD now", "AK"), None);
        assert_eq!(skip("ISO/IEC/IEEE 42010", "IEC"), None);
    }

    #[test]
    fn currency_roman_and_function_words_are_skipped() {
        assert_eq!(skip("costs US$ 5", "US"), Some(Skip::Currency));
        assert_eq!(skip("costs USD 100", "USD"), Some(Skip::Currency));
        assert_eq!(skip("costs 100 KES", "KES"), Some(Skip::Currency));
        assert_eq!(skip("in Annex II of", "II"), Some(Skip::Roman));
        assert_eq!(skip("in Part CD of", "CD"), Some(Skip::Roman));
        assert_eq!(skip("a CD drive", "CD"), None);
        assert_eq!(skip("RISC-V planned", "RISC"), Some(Skip::Code));
        assert_eq!(skip("this AND that", "AND"), Some(Skip::FunctionWord));
        assert!(is_roman("XIV") && !is_roman("IIII") && !is_roman("VX") && !is_roman("I"));
    }

    #[test]
    fn generated_text_is_not_author_text() {
        let text = "{% file src=\"a.pdf\" %}";
        assert_eq!(skip_by_context(text, &(3..5), "KB"), Some(Skip::Generated));
    }

    #[test]
    fn expansions_must_spell_the_letters() {
        assert!(expands("UC", "Use Case"));
        assert!(expands("TOTP", "Time-based One-Time Password"));
        assert!(expands("XML", "eXtensible Markup Language"));
        assert!(expands(
            "GIZ",
            "Deutsche Gesellschaft für Internationale Zusammenarbeit"
        ));
        assert!(expands("BoT", "Bank of Tanzania"));
        assert!(expands("TSDB", "Time Series Database"));
        assert!(!expands("CNCF", "kubernetes, helm, harbor"));
        assert!(!expands("LF", "Linux, KVM, ceph"));
        assert!(!expands("ECO", "digit project"));
    }

    #[test]
    fn finds_every_expansion_form() {
        let got = |t: &str| find_intros(t);
        assert_eq!(got("Request for Qualifications (RFQ)"), ["RFQ"]);
        assert_eq!(got("RFQ (Request for Qualifications) is"), ["RFQ"]);
        assert_eq!(got("SLA – Service Level Agreement"), ["SLA"]);
        assert_eq!(got("SLA - Service Level Agreement"), ["SLA"]);
        assert_eq!(got("UC- Use Case"), ["UC"]);
        assert_eq!(got("SLA = Service Level Agreement"), ["SLA"]);
        assert_eq!(got("SLA: Service Level Agreement"), ["SLA"]);
        assert_eq!(got("SLA | Service Level Agreement | x"), ["SLA"]);
        assert_eq!(
            got("the geographic information committee (ISO/TC 211)"),
            ["ISO", "TC"]
        );
        assert_eq!(
            got("CI/CD (continuous integration and delivery)"),
            ["CD", "CI"]
        );
        assert_eq!(
            got("SD-JWT VC (Selective Disclosure JWT Verifiable Credentials)"),
            ["SD", "VC"]
        );
        assert!(got("CNCF: kubernetes, helm").is_empty());
        assert!(!got("RFC 2289 (OTP), more").contains(&"OTP".to_string()));
        assert!(got("LDAP (OpenLDAP, eDirectory)").is_empty());
        assert!(got("PPIC | Payments - Postpartum and Infant Care").is_empty());
        assert_eq!(got("One Time Password (OTP)"), ["OTP"]);
        assert!(got("framework (GIZ / ITU / DIAL)").is_empty());
        assert!(got("as DCAT-AP says").is_empty());
    }

    #[test]
    fn two_capitals_are_found_eight_bytes_at_a_time() {
        let by_pairs = |t: &[u8]| {
            t.windows(2)
                .any(|p| p[0].is_ascii_uppercase() && p[1].is_ascii_uppercase())
        };
        let letters = [
            "A", "Z", "a", "z", "@", "[", "`", "{", " ", "É", "\u{da}", "Z",
        ];
        for text in crate::testing::random_texts(0x9e37_79b9_7f4a_7c15, 20_000, 40, &letters) {
            assert_eq!(
                has_two_capitals(text.as_bytes()),
                by_pairs(text.as_bytes()),
                "{text:?}"
            );
        }
        for at in 0..20 {
            let mut text = vec![b'a'; 24];
            text[at] = b'Q';
            text[at + 1] = b'R';
            assert!(has_two_capitals(&text), "{at}");
            text[at + 1] = b'r';
            assert!(!has_two_capitals(&text), "{at}");
        }
    }

    #[test]
    fn common_words_need_several_pages() {
        let pages = [
            "A new draft.",
            "New `DRAFT` ideas",
            "The new thing, sla/x",
            "new",
        ];
        let c: BTreeSet<String> = ["NEW", "DRAFT", "SLA"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let got = common_words(&c, &pages);
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["NEW"]);
    }
}
