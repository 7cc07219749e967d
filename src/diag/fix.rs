//! Fixes: edits a diagnostic carries (DESIGN.md §6 "Fixes"), and applying
//! them to the files' text.
//!
//! A fix is `safe` when it changes nothing a reader would notice besides the
//! defect, `unsafe` when it is a guess or has a side effect (a heading's
//! anchor). Edits are byte ranges of the file as loaded; [`apply`] replaces
//! exactly those bytes, so line endings, a BOM and the final newline stay as
//! they were.

use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// Whether `check --fix` applies a fix by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Applied by `--fix`.
    Safe,
    /// Applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// One replacement in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Root-relative file.
    pub file: String,
    /// Byte range replaced.
    pub span: Range<usize>,
    /// The new text.
    pub replacement: String,
}

/// The edits that repair a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Safe or unsafe.
    pub safety: Safety,
    /// The edits, applied together or not at all.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix replacing `span` of `file` with `replacement`.
    pub fn replace(
        safety: Safety,
        file: impl Into<String>,
        span: Range<usize>,
        replacement: impl Into<String>,
    ) -> Self {
        Fix {
            safety,
            edits: vec![Edit {
                file: file.into(),
                span,
                replacement: replacement.into(),
            }],
        }
    }
}

/// The new text of every file the chosen fixes change. `fixes` are applied
/// in order of position; a fix whose edits overlap one already taken, or
/// fall outside its file's text, is left for the next run. Returns the new
/// texts and how many fixes were applied per index into `fixes`.
pub fn apply<'f>(
    sources: &BTreeMap<String, std::sync::Arc<str>>,
    fixes: impl IntoIterator<Item = &'f Fix>,
) -> (BTreeMap<String, String>, Vec<&'f Fix>) {
    let mut fixes: Vec<&Fix> = fixes.into_iter().collect();
    fixes.sort_by(|a, b| {
        let key = |f: &Fix| f.edits.first().map(|e| (e.file.clone(), e.span.start));
        key(a).cmp(&key(b))
    });
    let mut taken: BTreeMap<&str, Vec<(Range<usize>, &str)>> = BTreeMap::new();
    let mut applied = Vec::new();
    for fix in fixes {
        let fits = fix.edits.iter().all(|e| {
            let Some(text) = sources.get(&e.file) else {
                return false;
            };
            e.span.start <= e.span.end
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
                && e.span.end <= text.len()
                && !taken.get(e.file.as_str()).is_some_and(|t| {
                    t.iter().any(|(r, _)| {
                        r.start < e.span.end.max(e.span.start + 1)
                            && e.span.start < r.end.max(r.start + 1)
                    })
                })
        });
        if !fits {
            continue;
        }
        for e in &fix.edits {
            taken
                .entry(e.file.as_str())
                .or_default()
                .push((e.span.clone(), e.replacement.as_str()));
        }
        applied.push(fix);
    }
    let mut out = BTreeMap::new();
    for (file, mut edits) in taken {
        let text = &sources[file];
        edits.sort_by_key(|(r, _)| r.start);
        let mut new = String::with_capacity(text.len());
        let mut at = 0;
        for (r, rep) in edits {
            new.push_str(&text[at..r.start]);
            new.push_str(rep);
            at = r.end;
        }
        new.push_str(&text[at..]);
        if new != **text {
            out.insert(file.to_string(), new);
        }
    }
    (out, applied)
}

/// A unified diff of `old` → `new` for `file` (`a/` and `b/` prefixes, three lines of context).
pub fn unified_diff(file: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sources(text: &str) -> BTreeMap<String, Arc<str>> {
        let mut m = BTreeMap::new();
        m.insert("a.md".to_string(), Arc::from(text));
        m
    }

    #[test]
    fn edits_keep_bom_line_endings_and_final_newline() {
        let text = "\u{feff}one\r\ntwo building-block\r\n";
        let s = sources(text);
        let at = text.find("building-block").unwrap();
        let fix = Fix::replace(Safety::Safe, "a.md", at..at + 14, "Building Block");
        let (new, applied) = apply(&s, [&fix]);
        assert_eq!(applied.len(), 1);
        assert_eq!(new["a.md"], "\u{feff}one\r\ntwo Building Block\r\n");
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_run() {
        let s = sources("abcdef");
        let a = Fix::replace(Safety::Safe, "a.md", 1..3, "X");
        let b = Fix::replace(Safety::Safe, "a.md", 2..4, "Y");
        let c = Fix::replace(Safety::Safe, "a.md", 4..5, "Z");
        let (new, applied) = apply(&s, [&a, &b, &c]);
        assert_eq!(applied.len(), 2);
        assert_eq!(new["a.md"], "aXdZf");
    }

    #[test]
    fn diff_is_unified() {
        let d = unified_diff("a.md", "one\ntwo\n", "one\nthree\n");
        assert!(
            d.starts_with("--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n"),
            "{d}"
        );
        assert!(d.contains("-two\n+three\n"));
    }
}
