//! Glossary YAML files (DESIGN.md §5): one term or a list of terms, in
//! specsite's own schema or GovStack's machine-readable one.

use super::model::{parse_term_name, DefinitionFormat, Origin, Scope, Term};
use crate::diag::{Diagnostic, LineIndex, Rule};
use crate::yaml::Value;
use regex::Regex;
use std::sync::OnceLock;

/// Keys the term model understands; every other key is kept in [`Term::extra`].
const KNOWN_KEYS: &[&str] = &[
    "term",
    "abbreviation",
    "aliases",
    "avoid",
    "definition",
    "definitionFormat",
    "definition_format",
    "see_also",
    "seeAlso",
    "source",
    "status",
    "identifier",
];

/// Reads one glossary YAML file. Terms get [`Scope::Common`]; slugs are
/// assigned later by the glossary. Bad input gives `invalid-yaml` findings.
pub fn load_yaml_terms(text: &str, file: &str) -> (Vec<Term>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let value: Value = match crate::yaml::parse(text) {
        Ok(v) => v,
        Err(e) => {
            let at = e.offset.unwrap_or(0);
            diags.push(Diagnostic::new(
                Rule::InvalidYaml,
                file,
                at..at,
                format!("glossary file does not parse: {}", e.message),
            ));
            return (Vec::new(), diags);
        }
    };
    let entries: Vec<&Value> = match &value {
        Value::Null => Vec::new(),
        Value::Sequence(items) => items.iter().collect(),
        Value::Mapping(m) => match m.get("terms") {
            Some(Value::Sequence(items)) if m.get("term").is_none() => items.iter().collect(),
            _ => vec![&value],
        },
        _ => {
            diags.push(Diagnostic::new(
                Rule::InvalidYaml,
                file,
                0..0,
                "a glossary file holds one term or a list of terms",
            ));
            return (Vec::new(), diags);
        }
    };
    let positions = term_positions(text);
    let index = LineIndex::new(text);
    let mut terms = Vec::new();
    let mut next_pos = 0;
    for (n, entry) in entries.into_iter().enumerate() {
        let Value::Mapping(map) = entry else {
            diags.push(Diagnostic::new(
                Rule::InvalidYaml,
                file,
                0..0,
                format!("glossary entry {} is not a mapping of keys", n + 1),
            ));
            continue;
        };
        let Some(name) = map.get("term").and_then(scalar_string) else {
            diags.push(Diagnostic::new(
                Rule::InvalidYaml,
                file,
                0..0,
                format!("glossary entry {} has no `term`", n + 1),
            ));
            continue;
        };
        let span = positions.get(next_pos).cloned().unwrap_or(0..0);
        next_pos += 1;
        let parsed = parse_term_name(&name);
        let mut term = Term {
            name: parsed.name.clone(),
            abbreviation: map
                .get("abbreviation")
                .and_then(scalar_string)
                .or(parsed.abbreviation.clone()),
            aliases: strings(map.get("aliases")),
            avoid: strings(map.get("avoid")),
            see_also: strings(map.get("see_also").or_else(|| map.get("seeAlso"))),
            source: map.get("source").and_then(scalar_string),
            status: map.get("status").and_then(scalar_string),
            identifier: map.get("identifier").and_then(scalar_string),
            scope: Scope::Common,
            origin: Origin {
                file: file.to_string(),
                line: index.locate(text, span.start).0,
                span: span.clone(),
                ..Default::default()
            },
            ..Default::default()
        };
        for a in parsed.aliases {
            if !term.aliases.contains(&a) {
                term.aliases.push(a);
            }
        }
        let fmt_value = map
            .get("definitionFormat")
            .or_else(|| map.get("definition_format"))
            .and_then(scalar_string);
        let format = match fmt_value {
            None => DefinitionFormat::Markdown,
            Some(f) => DefinitionFormat::from_mime(&f).unwrap_or_else(|| {
                diags.push(Diagnostic::new(
                    Rule::InvalidYaml,
                    file,
                    span.clone(),
                    format!("term `{name}`: unknown definitionFormat `{f}` (text/markdown, text/plain or text/html); read as markdown"),
                ));
                DefinitionFormat::Markdown
            }),
        };
        match map.get("definition").and_then(scalar_string) {
            Some(d) => term.set_definition(d, format),
            None => diags.push(Diagnostic::new(
                Rule::InvalidYaml,
                file,
                span.clone(),
                format!("term `{name}` has no `definition`"),
            )),
        }
        for (k, v) in map {
            let Some(k) = k.as_str() else { continue };
            if !KNOWN_KEYS.contains(&k) {
                if let Ok(j) = serde_json::to_value(v) {
                    term.extra.insert(k.to_string(), j);
                }
            }
        }
        terms.push(term);
    }
    (terms, diags)
}

/// Byte spans of each entry's `term:` value, in file order.
fn term_positions(text: &str) -> Vec<std::ops::Range<usize>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?m)^[ \t]*(?:-[ \t]+)?term[ \t]*:[ \t]*([^\r\n]*)"#).expect("valid regex")
    });
    re.captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| {
            let v = m.as_str().trim_end();
            let (s, e) = (m.start(), m.start() + v.len());
            if v.len() >= 2 && (v.starts_with('"') || v.starts_with('\'')) {
                s + 1..e - 1
            } else {
                s..e
            }
        })
        .collect()
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_string).collect(),
        Some(v) => scalar_string(v).into_iter().collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_govstack_machine_readable_term() {
        let text = "- term: \"Self-Sovereign Identity (SSI)\"\n  identifier: ssi\n  status: deprecated\n  definitionFormat: text/plain\n  definition: An <identity> model.\n  namespace: govstack\n  usedBy: [wallet]\n";
        let (terms, diags) = load_yaml_terms(text, "glossary/terms.yaml");
        assert!(diags.is_empty(), "{diags:?}");
        let t = &terms[0];
        assert_eq!(t.name, "Self-Sovereign Identity");
        assert_eq!(t.abbreviation.as_deref(), Some("SSI"));
        assert_eq!(t.identifier.as_deref(), Some("ssi"));
        assert!(t.is_deprecated());
        assert_eq!(t.definition_html, "<p>An &lt;identity&gt; model.</p>");
        assert_eq!(t.extra["namespace"], serde_json::json!("govstack"));
        assert_eq!(t.extra["usedBy"], serde_json::json!(["wallet"]));
        assert_eq!(
            &text[t.origin.span.clone()],
            "Self-Sovereign Identity (SSI)"
        );
    }

    #[test]
    fn loads_single_mapping_with_specsite_keys() {
        let text = "term: Building Block\nabbreviation: BB\naliases: [building block]\navoid: [building-block]\ndefinition: |\n  A *reusable* part.\nsee_also: [Use Case]\nsource: TOGAF\n";
        let (terms, diags) = load_yaml_terms(text, "g.yaml");
        assert!(diags.is_empty());
        assert_eq!(terms[0].avoid, vec!["building-block".to_string()]);
        assert_eq!(
            terms[0].definition_html.trim(),
            "<p>A <em>reusable</em> part.</p>"
        );
        assert_eq!(terms[0].definition_text, "A reusable part.");
        assert_eq!(terms[0].see_also, vec!["Use Case".to_string()]);
    }

    #[test]
    fn invalid_yaml_is_reported_at_its_position() {
        let text = "- term: A\n  definition: [unclosed\n";
        let (terms, diags) = load_yaml_terms(text, "g.yaml");
        assert!(terms.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].rule, Rule::InvalidYaml);
        assert!(diags[0].span.start > 10, "{:?}", diags[0].span);
    }

    #[test]
    fn entry_without_term_is_invalid() {
        let (terms, diags) = load_yaml_terms("- definition: x\n", "g.yaml");
        assert!(terms.is_empty());
        assert!(diags[0].message.contains("no `term`"));
    }
}
