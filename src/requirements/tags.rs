//! Level tags: `(REQUIRED)`, `[REQUIRED]` prefixes, `(REQUIRED IMMUTABLE
//! OBSERVABLE)`, `(REQUIRED for public clouds)`, `(CONDITIONALLY REQUIRED)`,
//! a line holding only a level and classifiers, and level cells of tables.
//!
//! A tag is read from a unit's first line only, never from text written as
//! code. Levels are canonicalised to upper case; a tag written in another
//! case is kept apart (`upper: false`) because it counts only in one place
//! (the end of a list item with an upper-case tagged sibling). A parenthesis
//! that merely lists levels (`(REQUIRED, RECOMMENDED or OPTIONAL)`) is prose.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A requirement level, strongest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Must be met.
    #[default]
    Required,
    /// Should be met.
    Recommended,
    /// May be met.
    Optional,
    /// Proposed, not yet in force.
    Draft,
    /// On its way out.
    Deprecated,
}

impl Level {
    /// Every level, strongest first.
    pub const ALL: [Level; 5] = [
        Level::Required,
        Level::Recommended,
        Level::Optional,
        Level::Draft,
        Level::Deprecated,
    ];

    /// The upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Required => "REQUIRED",
            Level::Recommended => "RECOMMENDED",
            Level::Optional => "OPTIONAL",
            Level::Draft => "DRAFT",
            Level::Deprecated => "DEPRECATED",
        }
    }

    /// The level a word names, in any case.
    pub fn parse(word: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(word))
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The classifiers of GovStack's requirements model.
pub const CLASSIFIERS: [&str; 6] = [
    "IMMUTABLE",
    "EXTENSIBLE",
    "REPLACEABLE",
    "INAPPLICABLE",
    "OBSERVABLE",
    "AUDITABLE",
];

/// One tag found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Level (the lowest, when the tag gives one per condition).
    pub level: Level,
    /// Classifiers, upper case, in the order written.
    pub classifiers: Vec<String>,
    /// Words after the level that are no classifiers (`for public clouds`),
    /// `conditionally` for `CONDITIONALLY REQUIRED`, or the whole tag text
    /// when it gives levels per condition.
    pub condition: Option<String>,
    /// The level word was written in upper case.
    pub upper: bool,
    /// Byte range of the whole tag (brackets included) in the text.
    pub range: Range<usize>,
    /// Byte range of the level word in the text.
    pub word: Range<usize>,
}

/// A near miss of a level word in a tag position (`(REQUIRE)`, `RECOMENDED`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// The word as written.
    pub word: String,
    /// The level it probably means.
    pub meant: Level,
    /// Byte range of the word in the text.
    pub range: Range<usize>,
}

/// What a scan of a first line found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// Tags in order.
    pub tags: Vec<Tag>,
    /// Near misses in tag positions.
    pub near: Vec<NearMiss>,
}

fn in_code(code: &[Range<usize>], r: &Range<usize>) -> bool {
    code.iter().any(|c| c.start < r.end && r.start < c.end)
}

/// Tags in `text` (a unit's first line): parentheses anywhere, a bracket
/// group only as a prefix. `code` ranges are skipped.
pub fn find_tags(text: &str, code: &[Range<usize>]) -> Found {
    let mut found = Found::default();
    // A `[…]` prefix (GitBook escapes it as `\[…]`, which reads as `[…]`).
    let lead = text.len() - text.trim_start().len();
    if text[lead..].starts_with('[') {
        if let Some(close) = text[lead..].find(']') {
            let r = lead..lead + close + 1;
            if !in_code(code, &r) {
                read_group(text, lead + 1, lead + close, r, &mut found);
            }
        }
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'(' {
            if let Some(close) = text[i + 1..].find([')', '(']) {
                let end = i + 1 + close;
                if bytes[end] == b')' {
                    let r = i..end + 1;
                    if !in_code(code, &r) {
                        read_group(text, i + 1, end, r, &mut found);
                    }
                    i = end + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    found
}

/// Words of `text[start..end]` with their byte ranges in `text`.
fn words(text: &str, start: usize, end: usize) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let s = &text[start..end];
    let mut at = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let part = c.is_alphanumeric() || c == '-' || c == '_';
        match (part, at) {
            (true, None) => at = Some(i),
            (false, Some(a)) => {
                out.push((&s[a..i], start + a..start + i));
                at = None;
            }
            _ => {}
        }
    }
    out
}

/// Reads the group `text[start..end]` (inside its brackets `whole`) as a tag.
fn read_group(text: &str, start: usize, end: usize, whole: Range<usize>, found: &mut Found) {
    let ws = words(text, start, end);
    let Some((first, _)) = ws.first().cloned() else {
        return;
    };
    let mut idx = 0;
    let mut condition_words: Vec<&str> = Vec::new();
    if first.eq_ignore_ascii_case("conditionally") && ws.len() > 1 {
        condition_words.push("conditionally");
        idx = 1;
    }
    let (word, word_r) = ws[idx].clone();
    let Some(level) = Level::parse(word) else {
        if let Some(meant) = near_miss(word) {
            found.near.push(NearMiss {
                word: word.to_string(),
                meant,
                range: word_r,
            });
        }
        return;
    };
    let upper = word.chars().all(|c| c.is_ascii_uppercase());
    let rest = &ws[idx + 1..];
    let levels_after: Vec<Level> = rest.iter().filter_map(|(w, _)| level_word(w)).collect();
    if !levels_after.is_empty() {
        // Only levels and joining words: a list of levels in prose.
        let only_levels = rest.iter().all(|(w, _)| {
            level_word(w).is_some() || matches!(w.to_ascii_lowercase().as_str(), "or" | "and")
        });
        if only_levels || !upper {
            return;
        }
        // Levels per condition: the lowest counts, the text is the condition.
        let lowest = levels_after.iter().copied().chain([level]).max();
        found.tags.push(Tag {
            level: lowest.unwrap_or(level),
            classifiers: Vec::new(),
            condition: Some(collapse(&text[start..end])),
            upper,
            range: whole,
            word: word_r,
        });
        return;
    }
    let mut classifiers = Vec::new();
    let mut k = 0;
    while k < rest.len() && CLASSIFIERS.contains(&rest[k].0) {
        classifiers.push(rest[k].0.to_string());
        k += 1;
    }
    if k < rest.len() {
        // The condition: what follows the level and classifiers, as written.
        let from = rest[k].1.start;
        condition_words.push(text[from..end].trim());
    }
    let condition = if condition_words.is_empty() {
        None
    } else {
        Some(collapse(&condition_words.join(" ")))
    };
    if !upper && (condition.is_some() || !classifiers.is_empty()) {
        // `(optional: XLS file format)`: a lower-case word opening prose.
        return;
    }
    found.tags.push(Tag {
        level,
        classifiers,
        condition,
        upper,
        range: whole,
        word: word_r,
    });
}

fn level_word(w: &str) -> Option<Level> {
    Level::parse(w).filter(|_| w.chars().all(|c| c.is_ascii_uppercase()))
}

/// An upper-case word a letter or two away from a level (`REQUIRE`,
/// `RECOMENDED`, `OPTINAL`), as long as it is no level itself.
pub fn near_miss(word: &str) -> Option<Level> {
    if word.len() < 5 || !word.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    if Level::parse(word).is_some() || CLASSIFIERS.contains(&word) {
        return None;
    }
    Level::ALL.into_iter().find(|l| {
        let name = l.name();
        name.as_bytes()[0] == word.as_bytes()[0] && strsim::levenshtein(name, word) <= 2
    })
}

/// The whole of `text`, as a level and classifiers only (a level line under
/// a heading, a level cell): `REQUIRED`, `REQUIRED IMMUTABLE OBSERVABLE`.
/// Any case is read; `upper` says whether the level was upper case.
pub fn whole_tag(text: &str) -> Option<Tag> {
    let t = text.trim().trim_end_matches(['.', ':']);
    let t = t
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .or_else(|| t.strip_prefix('(').and_then(|t| t.strip_suffix(')')))
        .unwrap_or(t);
    let mut it = t.split_whitespace();
    let first = it.next()?;
    let level = Level::parse(first)?;
    let mut classifiers = Vec::new();
    for w in it {
        let up = w.to_ascii_uppercase();
        if !CLASSIFIERS.contains(&up.as_str()) {
            return None;
        }
        classifiers.push(up);
    }
    let start = text.find(first).unwrap_or(0);
    Some(Tag {
        level,
        classifiers,
        condition: None,
        upper: first.chars().all(|c| c.is_ascii_uppercase()),
        range: 0..text.len(),
        word: start..start + first.len(),
    })
}

/// Runs of white space as single spaces, ends trimmed.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Tag {
        let f = find_tags(text, &[]);
        assert_eq!(f.tags.len(), 1, "{text}: {f:?}");
        f.tags[0].clone()
    }

    #[test]
    fn reads_levels_classifiers_and_conditions() {
        let t = one("#1 Source code uses version control (REQUIRED EXTENSIBLE AUDITABLE)");
        assert_eq!(t.level, Level::Required);
        assert_eq!(t.classifiers, ["EXTENSIBLE", "AUDITABLE"]);
        assert_eq!(t.condition, None);
        let t = one("Backups are encrypted (REQUIRED for public clouds)");
        assert_eq!(t.condition.as_deref(), Some("for public clouds"));
        let t = one("Use a gateway (CONDITIONALLY REQUIRED)");
        assert_eq!(
            (t.level, t.condition.as_deref()),
            (Level::Required, Some("conditionally"))
        );
    }

    #[test]
    fn per_condition_levels_take_the_lowest() {
        let t = one("Audit (REQUIRED for payments, OPTIONAL for others)");
        assert_eq!(t.level, Level::Optional);
        assert_eq!(
            t.condition.as_deref(),
            Some("REQUIRED for payments, OPTIONAL for others")
        );
    }

    #[test]
    fn a_list_of_levels_is_prose_and_code_is_never_a_tag() {
        assert!(
            find_tags("Tagged (REQUIRED, RECOMMENDED or OPTIONAL) as below", &[])
                .tags
                .is_empty()
        );
        let text = "Write `(REQUIRED)` after it";
        let code = vec![std::ops::Range { start: 6, end: 18 }];
        assert!(find_tags(text, &code).tags.is_empty());
    }

    #[test]
    fn bracket_prefix_counts_only_at_the_start() {
        let t = one("[REQUIRED] The system logs every access");
        assert_eq!(t.range, 0..10);
        assert!(find_tags("From [RECOMMENDED] to", &[]).tags.is_empty());
    }

    #[test]
    fn other_case_is_kept_apart_and_prose_in_lower_case_is_not_a_tag() {
        let t = one("Latitude (optional)");
        assert!(!t.upper);
        assert!(find_tags("export (optional: XLS file format)", &[])
            .tags
            .is_empty());
    }

    #[test]
    fn near_misses_are_reported() {
        let f = find_tags("Logs (REQUIRE)", &[]);
        assert!(f.tags.is_empty());
        assert_eq!(f.near[0].meant, Level::Required);
        assert_eq!(near_miss("RECOMENDED"), Some(Level::Recommended));
        assert_eq!(near_miss("API"), None);
        assert_eq!(near_miss("REQUEST"), None);
    }

    #[test]
    fn whole_line_tags() {
        let t = whole_tag("REQUIRED IMMUTABLE OBSERVABLE").unwrap();
        assert_eq!(t.classifiers, ["IMMUTABLE", "OBSERVABLE"]);
        assert!(whole_tag("Required").is_some_and(|t| !t.upper));
        assert!(whole_tag("REQUIRED because").is_none());
    }
}
