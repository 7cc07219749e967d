//! `rdjson`: reviewdog's Diagnostic Format (`DiagnosticResult`), so
//! `reviewdog -f=rdjson` posts findings as review comments and their fixes
//! as suggested changes.
//!
//! reviewdog counts columns in UTF-8 bytes (1-based, end exclusive), unlike
//! every other format here, so positions are computed from the byte spans.
//! Paths are relative to the git top level, as in `github` and `sarif`.

use super::{prefixed, Formatter, ReportOptions};
use crate::diag::{Diagnostic, LineIndex, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The `rdjson` formatter.
pub struct Rdjson;

/// A byte offset as reviewdog's `{line, column}` (column in UTF-8 bytes).
fn position(text: &str, idx: &LineIndex, offset: usize) -> Value {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let (line, _) = idx.locate(text, offset);
    let start = idx.line_start(line).unwrap_or(0);
    json!({"line": line, "column": offset - start + 1})
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

impl Formatter for Rdjson {
    fn render(
        &self,
        diags: &[Diagnostic],
        sources: &BTreeMap<String, Arc<str>>,
        opts: &ReportOptions,
    ) -> String {
        let mut indexes: BTreeMap<&str, LineIndex> = BTreeMap::new();
        let out: Vec<Value> = diags
            .iter()
            .map(|d| {
                let mut message = d.message.clone();
                if let Some(s) = &d.suggestion {
                    message.push_str("\nhelp: ");
                    message.push_str(s);
                }
                let mut v = json!({
                    "message": message,
                    "severity": severity(d.severity),
                    "source": {"name": "specsite"},
                    "code": {"value": d.rule.name()},
                });
                if d.file.is_empty() {
                    return v;
                }
                let path = prefixed(&opts.git_prefix, &d.file);
                let Some(text) = sources.get(&d.file) else {
                    v["location"] = json!({"path": path});
                    return v;
                };
                let idx = indexes
                    .entry(d.file.as_str())
                    .or_insert_with(|| LineIndex::new(text));
                let range = |r: &std::ops::Range<usize>| {
                    json!({"start": position(text, idx, r.start), "end": position(text, idx, r.end.max(r.start))})
                };
                v["location"] = json!({"path": path, "range": range(&d.span)});
                // reviewdog applies suggestions to the finding's file only.
                if let Some(f) = &d.fix {
                    if f.edits.iter().all(|e| e.file == d.file) {
                        let s: Vec<Value> = f
                            .edits
                            .iter()
                            .map(|e| json!({"range": range(&e.span), "text": e.replacement}))
                            .collect();
                        v["suggestions"] = Value::Array(s);
                    }
                }
                v
            })
            .collect();
        let report = json!({
            "source": {"name": "specsite"},
            "diagnostics": out,
        });
        let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{diags, sources};
    use super::*;

    #[test]
    fn columns_are_utf8_bytes_and_fixes_are_suggestions() {
        let src = sources();
        let mut ds = diags();
        let text = &src["consent/spec/intro.md"];
        let at = text.find("./missing.md").unwrap();
        ds[0].fix = Some(crate::diag::Fix::replace(
            crate::diag::Safety::Safe,
            "consent/spec/intro.md",
            at..at + 12,
            "./present.md",
        ));
        let out = Rdjson.render(&ds, &src, &ReportOptions::default());
        let v: Value = serde_json::from_str(&out).unwrap();
        let first = &v["diagnostics"][0];
        assert_eq!(first["code"]["value"], "broken-link");
        assert_eq!(first["severity"], "ERROR");
        // "See [the café](" is 15 characters but 16 bytes.
        assert_eq!(
            first["location"]["range"]["start"],
            json!({"line": 3, "column": 17})
        );
        assert_eq!(first["suggestions"][0]["text"], "./present.md");
        assert_eq!(
            first["suggestions"][0]["range"]["end"],
            json!({"line": 3, "column": 29})
        );
    }
}
