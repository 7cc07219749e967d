//! `json`: `{"diagnostics": [{rule, severity, message, file, line, column,
//! end_line, end_column, suggestion}], "summary": {errors, warnings, infos}}`.

use super::{Formatter, ReportOptions, SourceRef};
use crate::diag::{Diagnostic, Located, Locator, Summary};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The `json` formatter.
pub struct Json;

#[derive(Serialize)]
struct Report<'a> {
    diagnostics: Vec<Entry<'a>>,
    summary: Summary,
}

/// A finding, with `source` for a file read from git (DESIGN.md §10).
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    located: Located,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<SourceRef<'a>>,
}

impl Formatter for Json {
    fn render(
        &self,
        diags: &[Diagnostic],
        sources: &BTreeMap<String, Arc<str>>,
        opts: &ReportOptions,
    ) -> String {
        let mut at = Locator::new(sources);
        let report = Report {
            diagnostics: diags
                .iter()
                .map(|d| Entry {
                    located: at.locate(d),
                    source: opts.source_ref(&d.file),
                })
                .collect(),
            summary: Summary::of(diags),
        };
        // Serialising plain strings and numbers cannot fail.
        let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::fixtures;

    #[test]
    fn json_report_has_the_documented_shape() {
        let out = Json.render(
            &fixtures::diags(),
            &fixtures::sources(),
            &ReportOptions::default(),
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let first = &v["diagnostics"][0];
        let keys: Vec<&str> = first
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut expected = vec![
            "rule",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "suggestion",
            "fix",
        ];
        expected.sort();
        let mut keys = keys;
        keys.sort();
        assert_eq!(keys, expected);
        assert_eq!(first["rule"], "broken-link");
        assert_eq!(first["line"], 3);
        // "See [the café](" is 15 characters but 16 bytes, so the link starts at column 16: columns count characters.
        assert_eq!(first["column"], 16);
        assert_eq!(first["end_column"], 28);
        assert!(first["suggestion"].is_null());
        assert!(first["fix"].is_null());
        assert_eq!(
            v["summary"],
            serde_json::json!({"errors": 4, "warnings": 1, "infos": 1})
        );
        insta::assert_snapshot!(out);
    }
}
