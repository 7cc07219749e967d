//! `github`: GitHub Actions workflow commands, one line per finding:
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::message`.
//!
//! Paths are relative to the git top level (the `git_prefix` option), errors
//! come first because GitHub shows only the first annotations of each kind
//! per step. Values are escaped per GitHub's workflow-command rules: `%`,
//! `\r`, `\n` everywhere, and `:` and `,` too inside properties.

use super::{prefixed, Formatter, ReportOptions};
use crate::diag::Locator;
use crate::diag::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

/// The `github` formatter.
pub struct Github;

impl Formatter for Github {
    fn render(
        &self,
        diags: &[Diagnostic],
        sources: &BTreeMap<String, Arc<str>>,
        opts: &ReportOptions,
    ) -> String {
        let mut order: Vec<&Diagnostic> = diags.iter().collect();
        order.sort_by_key(|d| std::cmp::Reverse(d.severity)); // stable: keeps file order within a severity
        let mut at = Locator::new(sources);
        let mut out = String::new();
        for d in order {
            let l = at.locate(d);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = d.message.clone();
            if let Some(s) = &d.suggestion {
                message.push_str("\nhelp: ");
                message.push_str(s);
            }
            let _ = write!(out, "::{command} ");
            // A file read from git objects is nowhere in the checked-out
            // tree that GitHub annotates: the finding names it in its
            // message only. A working tree's file is on disk like a folder
            // book's.
            let path = match opts.git_source_of(&d.file) {
                Some((_, src, rel)) => src.disk_path(&opts.git_prefix, rel),
                None => (!d.file.is_empty()).then(|| prefixed(&opts.git_prefix, &d.file)),
            };
            if path.is_none() && !d.file.is_empty() {
                message = format!("{}: {message}", d.file);
            }
            if let Some(path) = path {
                let _ = write!(
                    out,
                    "file={},line={},col={},endLine={},endColumn={},",
                    escape_property(&path),
                    l.line,
                    l.column,
                    l.end_line,
                    l.end_column
                );
            }
            let _ = writeln!(
                out,
                "title={}::{}",
                escape_property(d.rule.name()),
                escape_data(&message)
            );
        }
        out
    }
}

/// Escapes a workflow-command message: `%`, `\r`, `\n`.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value: as [`escape_data`], plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::fixtures;

    #[test]
    fn github_annotations_put_errors_first_with_git_paths() {
        let opts = ReportOptions {
            git_prefix: "specs".into(),
            ..Default::default()
        };
        let out = Github.render(&fixtures::diags(), &fixtures::sources(), &opts);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(
            lines[..4].iter().all(|l| l.starts_with("::error ")),
            "{out}"
        );
        assert!(lines[4].starts_with("::warning "));
        assert!(lines[5].starts_with("::notice "));
        assert!(lines[0].starts_with(
            "::error file=specs/consent/spec/intro.md,line=3,col=16,endLine=3,endColumn=28,title=broken-link::"
        ));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn working_tree_files_keep_file_and_git_objects_do_not() {
        let mut opts = ReportOptions {
            git_prefix: "site".into(),
            ..Default::default()
        };
        let source = |on_disk| super::super::GitSource {
            repo: "../repos/bb-consent".into(),
            on_disk,
            ..Default::default()
        };
        opts.git_sources
            .insert("consent@preview".into(), source(true));
        opts.git_sources.insert("consent@1.0".into(), source(false));
        let d = |file: &str| {
            crate::diag::Diagnostic::new(crate::diag::Rule::BrokenLink, file, 0..0, "broken")
        };
        let out = Github.render(
            &[d("consent@preview/spec/a.md"), d("consent@1.0/spec/a.md")],
            &BTreeMap::new(),
            &opts,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with("::error file=repos/bb-consent/spec/a.md,line=1,"),
            "{out}"
        );
        assert_eq!(
            lines[1],
            "::error title=broken-link::consent@1.0/spec/a.md: broken"
        );
        // Outside the root's git top level: named in the message.
        opts.git_prefix = String::new();
        let out = Github.render(&[d("consent@preview/spec/a.md")], &BTreeMap::new(), &opts);
        assert_eq!(
            out,
            "::error title=broken-link::consent@preview/spec/a.md: broken\n"
        );
    }

    #[test]
    fn escapes_workflow_command_characters() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn suggestion_becomes_a_second_message_line() {
        let out = Github.render(
            &fixtures::diags()[1..2],
            &fixtures::sources(),
            &ReportOptions::default(),
        );
        assert!(
            out.ends_with(
                "::no heading or id `nowhere` on this page%0Ahelp: did you mean `#intro`?\n"
            ),
            "{out}"
        );
    }
}
