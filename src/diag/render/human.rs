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
use codespan_reporting::files::SimpleFiles;
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
    let mut files = SimpleFiles::new();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diags {
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Info => CsDiagnostic::note(),
        }
        .with_code(d.rule.name())
        .with_message(&d.message);
        let text = sources.get(&d.file);
        if let Some(text) = text {
            let id = *ids
                .entry(d.file.as_str())
                .or_insert_with(|| files.add(d.file.as_str(), &**text));
            cs = cs.with_label(Label::primary(id, clamp_span(text, d.span.clone())));
        }
        if let Some(s) = &d.suggestion {
            if text.is_some() {
                cs = cs.with_note(format!("help: {s}"));
            }
        }
        if text.is_none() {
            // No text to show (a site-wide finding or an unreadable file): header, file, help.
            write_plain(w, d, &config, color);
            continue;
        }
        // Writing into a Vec cannot fail; a span codespan rejects falls back to the plain form.
        if term::emit(w, &config, &files, &cs).is_err() {
            write_plain(w, d, &config, color);
        }
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
}
