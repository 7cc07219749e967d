//! `human`: rustc-style reports with source snippets, rendered by codespan-reporting.
//!
//! ```text
//! error[broken-link]: link to `./missing.md`, which does not exist
//!  --> consent/spec/intro.md:3:16
//!   |
//! 3 | See [the café](./missing.md) and [x](#nowhere).
//!   |                ^^^^^^^^^^^^
//!   = help: …
//! ```

use super::{Formatter, ReportOptions};
use crate::diag::{Diagnostic, Severity, Summary};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::Error as FilesError;
use codespan_reporting::term::termcolor::{Ansi, ColorSpec, NoColor, WriteColor};
use codespan_reporting::term::{self, Chars};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The `human` formatter.
pub struct Human;

impl Formatter for Human {
    fn render(
        &self,
        diags: &[Diagnostic],
        sources: &BTreeMap<String, Arc<str>>,
        opts: &ReportOptions,
    ) -> String {
        // Each finding renders on its own, so chunks of them render in
        // parallel (a corpus has hundreds) and are joined in order.
        use rayon::prelude::*;
        let color = opts.color;
        let parts: Vec<String> = diags
            .par_chunks(32)
            .map(|chunk| to_text(color, |w| write_findings(w, chunk, sources, color)))
            .collect();
        let mut out = parts.concat();
        out.push_str(&to_text(color, |w| write_summary(w, diags, color)));
        out
    }
}

/// What `write` writes, with ANSI colours or without.
fn to_text(color: bool, write: impl FnOnce(&mut dyn WriteColor)) -> String {
    let bytes = if color {
        let mut w = Ansi::new(Vec::new());
        write(&mut w);
        w.into_inner()
    } else {
        let mut w = NoColor::new(Vec::new());
        write(&mut w);
        w.into_inner()
    };
    String::from_utf8_lossy(&bytes).into_owned()
}

fn write_findings(
    w: &mut dyn WriteColor,
    diags: &[Diagnostic],
    sources: &BTreeMap<String, Arc<str>>,
    color: bool,
) {
    let config = term::Config {
        chars: Chars::ascii(),
        ..term::Config::default()
    };
    // Line starts of each file, found once for the chunk.
    let mut starts: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for d in diags {
        let Some(text) = sources.get(&d.file) else {
            // No text to show (a site-wide finding or an unreadable file): header, file, help.
            write_plain(w, d, &config, color);
            continue;
        };
        let line_starts = starts
            .entry(d.file.as_str())
            .or_insert_with(|| crate::diag::line_starts(text));
        let excerpt = Excerpt::new(&d.file, text, line_starts, clamp_span(text, d.span.clone()));
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Info => CsDiagnostic::note(),
        }
        .with_code(d.rule.name())
        .with_message(&d.message)
        .with_label(Label::primary((), excerpt.span.clone()));
        if let Some(s) = &d.suggestion {
            cs = cs.with_note(format!("help: {s}"));
        }
        // Writing into a Vec cannot fail; a span codespan rejects falls back to the plain form.
        if term::emit(w, &config, &excerpt, &cs).is_err() {
            write_plain(w, d, &config, color);
        }
    }
}

/// Source lines longer than this many characters are cut to a window around
/// the finding, as rustc does: GitBook tables put whole rows of hundreds or
/// thousands of characters on one line.
const LONG_LINE: usize = 200;
/// Characters a cut line shows at least.
const WINDOW: usize = 120;
/// Characters kept on each side of the finding in a cut line.
const CONTEXT: usize = 40;
/// Most characters of the finding itself shown in a cut line.
const SPAN_SHOWN: usize = 160;
/// Marks where a line was cut.
const CUT: &str = "...";

/// The lines a finding's span covers, as codespan is given them: long lines
/// cut to a window around the span, every line numbered and every column
/// counted as in the file.
struct Excerpt<'a> {
    name: &'a str,
    source: &'a str,
    /// The lines shown, each with its line break.
    text: String,
    lines: Vec<ExcerptLine>,
    /// 0-based line index in the file of the first line shown.
    first_line: usize,
    /// The span in `text`.
    span: std::ops::Range<usize>,
}

struct ExcerptLine {
    /// Where the line starts in `text`.
    start: usize,
    /// Where the line starts in the file.
    real_start: usize,
    /// Where the shown part starts in the file.
    real_from: usize,
    /// Bytes of [`CUT`] before the shown part.
    prefix: usize,
}

/// The byte offset `n` characters before `at` (not before `floor`).
fn chars_back(s: &str, at: usize, n: usize, floor: usize) -> usize {
    s[floor..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(floor, |(i, _)| floor + i)
}

/// The byte offset `n` characters after `at` (not after `ceil`).
fn chars_fwd(s: &str, at: usize, n: usize, ceil: usize) -> usize {
    s[at..ceil]
        .char_indices()
        .nth(n)
        .map_or(ceil, |(i, _)| at + i)
}

impl<'a> Excerpt<'a> {
    fn new(name: &'a str, source: &'a str, starts: &[usize], span: std::ops::Range<usize>) -> Self {
        let line_of = |o: usize| starts.partition_point(|&s| s <= o).saturating_sub(1);
        let (first, last) = (line_of(span.start), line_of(span.end));
        let mut e = Excerpt {
            name,
            source,
            text: String::new(),
            lines: Vec::new(),
            first_line: first,
            span: 0..0,
        };
        for li in first..=last {
            let ls = starts[li];
            let le = starts.get(li + 1).copied().unwrap_or(source.len());
            let content_end = ls + source[ls..le].trim_end_matches(['\n', '\r']).len();
            let (mut from, mut to) = (ls, content_end);
            if source[ls..content_end].chars().nth(LONG_LINE).is_some() {
                let a = if li == first {
                    span.start.min(content_end)
                } else {
                    ls
                };
                let b = if li == last {
                    span.end.min(content_end)
                } else {
                    content_end
                };
                if li == first {
                    from = chars_back(source, a, CONTEXT, ls);
                    let shown_end = chars_fwd(source, a, SPAN_SHOWN, content_end);
                    to = if li == last { b.min(shown_end) } else { a };
                    to = chars_fwd(source, to, CONTEXT, content_end);
                } else if li == last {
                    to = chars_fwd(source, b, CONTEXT, content_end);
                    from = chars_back(source, b, WINDOW - CONTEXT, ls);
                } else {
                    to = chars_fwd(source, ls, WINDOW, content_end);
                }
                to = to.max(chars_fwd(source, from, WINDOW, content_end));
            }
            let start = e.text.len();
            if from > ls {
                e.text.push_str(CUT);
            }
            let prefix = e.text.len() - start;
            e.text.push_str(&source[from..to]);
            if to < content_end {
                e.text.push_str(CUT);
            }
            // A line that ends in a lone `\r` is shown ending in `\n`, the
            // only line break codespan knows.
            match &source[content_end..le] {
                "\r" => e.text.push('\n'),
                brk => e.text.push_str(brk),
            }
            let map = |o: usize| start + prefix + (o.clamp(from, to) - from);
            if li == first {
                e.span.start = map(span.start);
            }
            if li == last {
                e.span.end = map(span.end).max(e.span.start);
            }
            e.lines.push(ExcerptLine {
                start,
                real_start: ls,
                real_from: from,
                prefix,
            });
        }
        e
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .lines
            .partition_point(|l| l.start <= byte_index)
            .saturating_sub(1))
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.first_line + line_index + 1)
    }

    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let l = self.line(line_index)?;
        let mut real = l.real_from + byte_index.saturating_sub(l.start + l.prefix);
        real = real.min(self.source.len());
        while !self.source.is_char_boundary(real) {
            real -= 1;
        }
        Ok(self.source[l.real_start..real.max(l.real_start)]
            .chars()
            .count()
            + 1)
    }

    fn line_range(
        &'a self,
        (): (),
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let start = self.line(line_index)?.start;
        let end = self
            .lines
            .get(line_index + 1)
            .map_or(self.text.len(), |l| l.start);
        Ok(start..end)
    }
}

impl Excerpt<'_> {
    fn line(&self, line_index: usize) -> Result<&ExcerptLine, FilesError> {
        self.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: self.lines.len().saturating_sub(1),
        })
    }
}

/// The closing count line.
fn write_summary(w: &mut dyn WriteColor, diags: &[Diagnostic], color: bool) {
    let s = Summary::of(diags);
    if color {
        let mut spec = ColorSpec::new();
        spec.set_bold(true);
        let _ = w.set_color(&spec);
    }
    let _ = write!(w, "{}", summary_line(s));
    if color {
        let _ = w.reset();
    }
    let _ = writeln!(w);
}

/// A finding without a snippet, laid out like codespan's.
fn write_plain(w: &mut dyn WriteColor, d: &Diagnostic, config: &term::Config, color: bool) {
    if color {
        let spec = match d.severity {
            Severity::Error => &config.styles.header_error,
            Severity::Warning => &config.styles.header_warning,
            Severity::Info => &config.styles.header_note,
        };
        let _ = w.set_color(spec);
    }
    let _ = write!(w, "{}[{}]", header_word(d.severity), d.rule.name());
    if color {
        let _ = w.set_color(&config.styles.header_message);
    }
    let _ = write!(w, ": {}", d.message);
    if color {
        let _ = w.reset();
    }
    let _ = writeln!(w);
    if !d.file.is_empty() {
        // No text to show (unreadable or non-UTF-8 file): point at its start.
        let _ = writeln!(w, "  --> {}:1:1", d.file);
    }
    if let Some(s) = &d.suggestion {
        let _ = writeln!(w, "  = help: {s}");
    }
    let _ = writeln!(w);
}

fn header_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `2 errors, 1 warning, 0 infos`.
pub(crate) fn summary_line(s: Summary) -> String {
    fn n(count: usize, word: &str) -> String {
        format!("{count} {word}{}", if count == 1 { "" } else { "s" })
    }
    format!(
        "{}, {}, {}",
        n(s.errors, "error"),
        n(s.warnings, "warning"),
        n(s.infos, "info")
    )
}

/// Keeps a span inside the text and on character boundaries.
fn clamp_span(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let fix = |mut o: usize| {
        o = o.min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let start = fix(span.start);
    start..fix(span.end).max(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::fixtures;

    #[test]
    fn renders_rustc_style_snippets_without_colour() {
        let out = Human.render(
            &fixtures::diags(),
            &fixtures::sources(),
            &ReportOptions::default(),
        );
        assert!(!out.contains('\u{1b}'));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn colour_uses_ansi_escapes_only_when_asked() {
        let opts = ReportOptions {
            color: true,
            ..Default::default()
        };
        let out = Human.render(&fixtures::diags(), &fixtures::sources(), &opts);
        assert!(out.contains("\u{1b}["));
    }

    #[test]
    fn carets_count_characters_after_non_ascii_text() {
        let out = Human.render(
            &fixtures::diags()[..1],
            &fixtures::sources(),
            &ReportOptions::default(),
        );
        let line = out.lines().find(|l| l.contains("See [the café]")).unwrap();
        let carets = out.lines().find(|l| l.contains('^')).unwrap();
        let col_line = line.chars().position(|c| c == '(').unwrap() + 1;
        let col_caret = carets.chars().position(|c| c == '^').unwrap();
        assert_eq!(col_line, col_caret);
        assert_eq!(carets.matches('^').count(), "./missing.md".len());
        assert!(out.contains("--> consent/spec/intro.md:3:16"), "{out}");
    }

    #[test]
    fn summary_line_counts_each_severity() {
        assert_eq!(
            summary_line(Summary {
                errors: 2,
                warnings: 1,
                infos: 0
            }),
            "2 errors, 1 warning, 0 infos"
        );
    }

    #[test]
    fn edge_spans_render_without_panicking() {
        let mut sources = BTreeMap::new();
        sources.insert("empty.md".to_string(), Arc::<str>::from(""));
        sources.insert("end.md".to_string(), Arc::<str>::from("abc\n"));
        sources.insert("multi.md".to_string(), Arc::<str>::from("one\ntwo\nthree"));
        let d = |file: &str, span: std::ops::Range<usize>| {
            Diagnostic::new(crate::diag::Rule::OrphanPage, file, span, "m")
        };
        let diags = [
            d("empty.md", 0..0),
            d("end.md", 4..4),
            d("end.md", 3..4),
            d("multi.md", 2..9),
            d("", 0..0),
        ];
        for one in &diags {
            let out = Human.render(
                std::slice::from_ref(one),
                &sources,
                &ReportOptions::default(),
            );
            assert!(out.starts_with("warning[orphan-page]: m\n"), "{out}");
        }
        let multi = Human.render(&diags[3..4], &sources, &ReportOptions::default());
        assert!(multi.contains("--> multi.md:1:3"), "{multi}");
    }

    #[test]
    fn span_outside_text_does_not_panic() {
        let mut d = fixtures::diags()[0].clone();
        d.span = 500..900;
        let out = Human.render(&[d], &fixtures::sources(), &ReportOptions::default());
        assert!(out.contains("error[broken-link]"));
    }

    #[test]
    fn long_lines_are_cut_around_the_finding_keeping_line_and_column() {
        let row = format!(
            "| {} | see [x](./gone.md) and {} |\nnext\n",
            "a".repeat(300),
            "é".repeat(300)
        );
        let at = row.find("./gone.md").unwrap();
        let mut sources = BTreeMap::new();
        sources.insert("t.md".to_string(), Arc::<str>::from(format!("# T\n{row}")));
        let d = Diagnostic::new(
            crate::diag::Rule::BrokenLink,
            "t.md",
            4 + at..4 + at + 9,
            "m",
        );
        let out = Human.render(&[d], &sources, &ReportOptions::default());
        assert!(out.contains(&format!("--> t.md:2:{}", at + 1)), "{out}");
        let line = out.lines().find(|l| l.contains("./gone.md")).unwrap();
        assert!(
            line.starts_with("2 | ...") && line.ends_with("..."),
            "{line}"
        );
        assert!(line.chars().count() < 200, "{line}");
        let carets = out.lines().find(|l| l.contains('^')).unwrap();
        let col_line = line.find("./gone.md").unwrap();
        assert_eq!(carets.find('^'), Some(col_line), "{out}");
        assert_eq!(carets.matches('^').count(), 9);

        // A span over two long lines: both cut, the marks at their ends.
        let text = format!("{}\n{}\n", "b".repeat(400), "c".repeat(400));
        sources.insert("m.md".to_string(), Arc::<str>::from(text));
        let d = Diagnostic::new(crate::diag::Rule::BrokenLink, "m.md", 390..410, "m");
        let out = Human.render(&[d], &sources, &ReportOptions::default());
        assert!(out.contains("--> m.md:1:391"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
        assert!(out.contains("2 | ") && out.contains("1 | "), "{out}");
    }
}
