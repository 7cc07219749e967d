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

/// Byte offsets where the lines of `text` start. A line ends at `\n`, at
/// `\r\n`, or at a `\r` alone (old Mac files), as CommonMark counts them.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for i in break_positions(bytes) {
        if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
            starts.push(i + 1);
        }
    }
    starts
}

/// Positions of every `\n` and `\r` in `bytes` (a vectorised search: every
/// page's text is indexed, and most bytes are neither).
fn break_positions(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
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
        LineIndex {
            starts: line_starts(text),
        }
    }

    /// 0-based line of byte `offset` and the offset clamped to a character
    /// boundary of `text`.
    fn line_of(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line, offset)
    }

    /// 1-based line and column of byte `offset` in `text` (clamped to the text).
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let (line, offset) = self.line_of(text, offset);
        let col = text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte range of line `line` (1-based), without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts.get(line - 1).copied().unwrap_or(text.len());
        let mut end = self.starts.get(line).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }
}

/// A position already counted: its line (0-based), byte offset and column.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    line: usize,
    offset: usize,
    column: usize,
}

/// One file's line index and the last start and end positions counted in
/// it: findings come sorted by position, so the next one's column is
/// counted on from there rather than from the start of its line (a file
/// that is one long line with thousands of findings stays linear).
#[derive(Debug)]
struct FilePositions {
    index: LineIndex,
    starts: Option<Cursor>,
    ends: Option<Cursor>,
}

impl FilePositions {
    fn locate(&mut self, text: &str, offset: usize, end: bool) -> (usize, usize) {
        let (line, offset) = self.index.line_of(text, offset);
        let cursor = if end {
            &mut self.ends
        } else {
            &mut self.starts
        };
        let column = match *cursor {
            Some(c) if c.line == line && c.offset <= offset => {
                c.column + text[c.offset..offset].chars().count()
            }
            _ => text[self.index.starts[line]..offset].chars().count() + 1,
        };
        *cursor = Some(Cursor {
            line,
            offset,
            column,
        });
        (line + 1, column)
    }
}

/// Resolves the positions of many findings: each file's lines are indexed
/// once, however many findings it has (formatters locate every finding of
/// a report through one `Locator`).
#[derive(Debug)]
pub struct Locator<'a, S: std::ops::Deref<Target = str>> {
    sources: &'a std::collections::BTreeMap<String, S>,
    files: std::collections::HashMap<&'a str, FilePositions>,
}

impl<'a, S: std::ops::Deref<Target = str>> Locator<'a, S> {
    /// A locator over `sources` (root-relative file → text).
    pub fn new(sources: &'a std::collections::BTreeMap<String, S>) -> Self {
        Locator {
            sources,
            files: std::collections::HashMap::new(),
        }
    }

    /// `d` with its 1-based positions (1:1 when its file is unknown).
    pub fn locate(&mut self, d: &Diagnostic) -> Located {
        let Some((text, f)) = self.file(&d.file) else {
            return locate(d, None);
        };
        let (line, column) = f.locate(text, d.span.start, false);
        let (end_line, end_column) = f.locate(text, d.span.end.max(d.span.start), true);
        located(d, (line, column, end_line, end_column), |file, span| {
            self.edit_at(file, span)
        })
    }

    /// `file`'s text and its line index, made on first use (`None` when the
    /// file is not among the sources).
    fn file(&mut self, file: &str) -> Option<(&'a str, &mut FilePositions)> {
        let (name, text) = self.sources.get_key_value(file)?;
        let text: &'a str = text;
        let f = self
            .files
            .entry(name.as_str())
            .or_insert_with(|| FilePositions {
                index: LineIndex::new(text),
                starts: None,
                ends: None,
            });
        Some((text, f))
    }

    /// Where an edit of a fix lies (1:1 when its file is unknown).
    fn edit_at(&mut self, file: &str, span: Range<usize>) -> (usize, usize, usize, usize) {
        let Some((text, f)) = self.file(file) else {
            return (1, 1, 1, 1);
        };
        let (l, c) = f.index.locate(text, span.start);
        let (el, ec) = f.index.locate(text, span.end);
        (l, c, el, ec)
    }
}

/// Resolves a diagnostic's span against its file text. `text` is `None` when
/// the file could not be read (or the finding is site-wide): position 1:1.
/// Indexes the text's lines each time: for more than one finding use a
/// [`Locator`].
pub fn locate(d: &Diagnostic, text: Option<&str>) -> Located {
    let at = match text {
        Some(t) => {
            let idx = LineIndex::new(t);
            let (l, c) = idx.locate(t, d.span.start);
            let (el, ec) = idx.locate(t, d.span.end.max(d.span.start));
            (l, c, el, ec)
        }
        None => (1, 1, 1, 1),
    };
    located(d, at, |file, span| match text.filter(|_| file == d.file) {
        Some(t) => {
            let idx = LineIndex::new(t);
            let (l, c) = idx.locate(t, span.start);
            let (el, ec) = idx.locate(t, span.end);
            (l, c, el, ec)
        }
        None => (1, 1, 1, 1),
    })
}

/// `d` located at `at`; `edit_at` locates each of its fix's edits (file,
/// span).
fn located(
    d: &Diagnostic,
    (line, column, end_line, end_column): (usize, usize, usize, usize),
    mut edit_at: impl FnMut(&str, Range<usize>) -> (usize, usize, usize, usize),
) -> Located {
    let fix = d.fix.as_ref().map(|f| LocatedFix {
        safety: f.safety,
        edits: f
            .edits
            .iter()
            .map(|e| {
                let (line, column, end_line, end_column) = edit_at(&e.file, e.span.clone());
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
    fn cr_only_line_endings_count_as_lines() {
        let text = "one\rtwo x\r\nthree y\rfour";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, text.find('x').unwrap()), (2, 5));
        assert_eq!(idx.locate(text, text.find('y').unwrap()), (3, 7));
        assert_eq!(idx.locate(text, text.find("four").unwrap()), (4, 1));
        assert_eq!(&text[idx.line_range(text, 1)], "one");
        assert_eq!(&text[idx.line_range(text, 2)], "two x");
    }

    #[test]
    fn locator_counts_columns_on_from_the_last_finding() {
        let text = "ab ".repeat(1000) + "\nçé x";
        let mut sources = std::collections::BTreeMap::new();
        sources.insert("a.md".to_string(), text.clone());
        let mut loc = Locator::new(&sources);
        for at in (0..3000).step_by(3).chain([text.find('x').unwrap()]) {
            let d = Diagnostic::new(Rule::BrokenLink, "a.md", at..at + 2, "m");
            assert_eq!(loc.locate(&d), locate(&d, Some(&text)), "at {at}");
        }
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let text = "one\ntwo";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, 100), (2, 4));
    }
}
