//! Diagnostics: findings are data, not errors.
//!
//! A [`Diagnostic`] keeps a byte range into its source file; line and column
//! numbers are computed only when a report is printed, through [`LineIndex`].
//! Columns count Unicode scalar values, 1-based, as DESIGN.md §6 requires.

pub mod fix;
pub mod render;
pub mod rules;
pub mod suppress;

use serde::Serialize;
use std::ops::Range;

pub use fix::{Edit, Fix, Safety};
pub use rules::Rule;

/// How serious a finding is. Ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Fails a run only with `--deny-warnings`.
    Warning,
    /// Fails a run (exit 1).
    Error,
}

impl Severity {
    /// The lowercase name used in config files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding: a rule, where it applies and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that produced the finding.
    pub rule: Rule,
    /// Severity after config overrides are applied.
    pub severity: Severity,
    /// One sentence for the reader.
    pub message: String,
    /// File relative to the site root, `/` separators. Empty for site-wide findings.
    pub file: String,
    /// Byte range in the file's text (may be empty, e.g. `0..0` for the whole file).
    pub span: Range<usize>,
    /// A concrete fix, if one is known.
    pub suggestion: Option<String>,
    /// Edits that repair the finding, if they are known.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding with the rule's default severity.
    pub fn new(
        rule: Rule,
        file: impl Into<String>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            file: file.into(),
            span,
            suggestion: None,
            fix: None,
        }
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Adds a suggestion.
    pub fn with_suggestion(mut self, s: impl Into<String>) -> Self {
        self.suggestion = Some(s.into());
        self
    }

    /// Sort key making reports deterministic: file, position, rule, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &'static str, &str) {
        (
            &self.file,
            self.span.start,
            self.span.end,
            self.rule.name(),
            &self.message,
        )
    }
}

/// Sorts and de-duplicates diagnostics so reports are byte-identical run to run.
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// A diagnostic with its 1-based position resolved, ready for a formatter.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Located {
    /// Rule name (DESIGN.md §6).
    pub rule: &'static str,
    /// Severity name.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// File relative to the root.
    pub file: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (Unicode characters) of the start.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column just past the last character.
    pub end_column: usize,
    /// Suggested fix, or null.
    pub suggestion: Option<String>,
    /// Edits that repair the finding, or null.
    pub fix: Option<LocatedFix>,
}

/// A [`Fix`] with its edits' positions resolved.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LocatedFix {
    /// `safe` or `unsafe`.
    pub safety: Safety,
    /// The edits.
    pub edits: Vec<LocatedEdit>,
}

/// An [`Edit`] with 1-based positions (columns in characters).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LocatedEdit {
    /// File relative to the root.
    pub file: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column just past the last character replaced.
    pub end_column: usize,
    /// The new text.
    pub replacement: String,
}

/// Maps byte offsets to 1-based (line, column) with columns in characters.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column of byte `offset` in `text` (clamped to the text).
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte range of line `line` (1-based), without its newline.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts.get(line - 1).copied().unwrap_or(text.len());
        let end = self.starts.get(line).map(|e| e - 1).unwrap_or(text.len());
        start..end.max(start)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }
}

/// Resolves a diagnostic's span against its file text. `text` is `None` when
/// the file could not be read (or the finding is site-wide): position 1:1.
pub fn locate(d: &Diagnostic, text: Option<&str>) -> Located {
    let (line, column, end_line, end_column) = match text {
        Some(t) => {
            let idx = LineIndex::new(t);
            let (l, c) = idx.locate(t, d.span.start);
            let (el, ec) = idx.locate(t, d.span.end.max(d.span.start));
            (l, c, el, ec)
        }
        None => (1, 1, 1, 1),
    };
    let fix = d.fix.as_ref().map(|f| LocatedFix {
        safety: f.safety,
        edits: f
            .edits
            .iter()
            .map(|e| {
                // Edits are in the diagnostic's file (the only text at hand here).
                let (line, column, end_line, end_column) = match text.filter(|_| e.file == d.file) {
                    Some(t) => {
                        let idx = LineIndex::new(t);
                        let (l, c) = idx.locate(t, e.span.start);
                        let (el, ec) = idx.locate(t, e.span.end);
                        (l, c, el, ec)
                    }
                    None => (1, 1, 1, 1),
                };
                LocatedEdit {
                    file: e.file.clone(),
                    line,
                    column,
                    end_line,
                    end_column,
                    replacement: e.replacement.clone(),
                }
            })
            .collect(),
    });
    Located {
        rule: d.rule.name(),
        severity: d.severity,
        message: d.message.clone(),
        file: d.file.clone(),
        line,
        column,
        end_line,
        end_column,
        suggestion: d.suggestion.clone(),
        fix,
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of infos.
    pub infos: usize,
}

impl Summary {
    /// Counts `diags` by severity.
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut s = Summary::default();
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ab\nçé x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.locate(text, x), (2, 4));
        assert_eq!(idx.locate(text, 0), (1, 1));
        assert_eq!(idx.line_range(text, 2), 3..9);
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let text = "one\ntwo";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, 100), (2, 4));
    }
}
