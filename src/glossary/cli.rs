//! Back-ends of `specsite define` and `specsite import-terms` (DESIGN.md §7).

use super::model::{same_term_key, DefinitionFormat, Scope, Term};
use super::Glossary;
use serde::Serialize;

/// One term as `define --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinedTerm {
    /// Canonical name.
    pub term: String,
    /// Abbreviation or null.
    pub abbreviation: Option<String>,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Definition as plain text.
    pub definition: String,
    /// `common` or `book`.
    pub scope: &'static str,
    /// Book prefix for book terms, else null.
    pub book: Option<String>,
    /// Root-relative file defining it.
    pub file: String,
    /// 1-based line of the definition.
    pub line: usize,
    /// Root-relative URL of the term page.
    pub url: String,
    /// Status (`deprecated`…) or null.
    pub status: Option<String>,
}

/// What `define` found: exact matches, else "did you mean" names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DefineResult {
    /// Terms whose name, alias or abbreviation equals the query.
    pub terms: Vec<DefinedTerm>,
    /// Up to five closest names when nothing matched exactly.
    pub did_you_mean: Vec<String>,
}

impl DefineResult {
    /// Whether anything was found (exit 0) or not (exit 1).
    pub fn found(&self) -> bool {
        !self.terms.is_empty()
    }

    /// The JSON form: `{"terms": [...], "did_you_mean": [...]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{\"terms\": []}".to_string())
    }

    /// The human form: each term with its definition and where it is defined.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for t in &self.terms {
            s.push_str(&t.term);
            if let Some(a) = &t.abbreviation {
                s.push_str(&format!(" ({a})"));
            }
            match &t.book {
                Some(b) => s.push_str(&format!("  [book: {b}]")),
                None => s.push_str("  [common]"),
            }
            if let Some(st) = &t.status {
                s.push_str(&format!("  [{st}]"));
            }
            s.push('\n');
            s.push_str(&format!("  {}\n", t.definition));
            if !t.aliases.is_empty() {
                s.push_str(&format!("  also: {}\n", t.aliases.join(", ")));
            }
            s.push_str(&format!(
                "  defined in {}:{}  →  {}\n\n",
                t.file, t.line, t.url
            ));
        }
        if self.terms.is_empty() {
            s.push_str("no such term\n");
            if !self.did_you_mean.is_empty() {
                s.push_str(&format!(
                    "did you mean: {}?\n",
                    self.did_you_mean.join(", ")
                ));
            }
        }
        s
    }
}

fn defined(t: &Term) -> DefinedTerm {
    DefinedTerm {
        term: t.name.clone(),
        abbreviation: t.abbreviation.clone(),
        aliases: t.aliases.clone(),
        definition: t.definition_text.clone(),
        scope: if t.scope == Scope::Common {
            "common"
        } else {
            "book"
        },
        book: t.scope.book().map(str::to_string),
        file: t.origin.file.clone(),
        line: t.origin.line,
        url: t.url(),
        status: t.status.clone(),
    }
}

/// Looks `query` up by name, alias, abbreviation or slug (case-insensitive;
/// plurals and markup ignored). Common terms come first. With no match, up to
/// five closest names by Jaro-Winkler similarity.
pub fn define(glossary: &Glossary, query: &str) -> DefineResult {
    let q = query.trim();
    let ql = q.to_lowercase();
    let qk = same_term_key(q);
    let mut hits: Vec<&Term> = glossary
        .terms
        .iter()
        .filter(|t| {
            t.name.to_lowercase() == ql
                || (!qk.is_empty() && same_term_key(&t.name) == qk)
                || t.aliases.iter().any(|a| a.to_lowercase() == ql)
                || t.abbreviation
                    .as_deref()
                    .is_some_and(|a| a.to_lowercase() == ql || same_term_key(a) == qk)
                || t.slug == ql
        })
        .collect();
    hits.sort_by_key(|t| (t.scope != Scope::Common, t.scope.clone()));
    if !hits.is_empty() {
        return DefineResult {
            terms: hits.into_iter().map(defined).collect(),
            did_you_mean: Vec::new(),
        };
    }
    let mut scored: Vec<(u64, String)> = Vec::new();
    for t in &glossary.terms {
        let mut names = vec![t.name.clone()];
        names.extend(t.abbreviation.iter().cloned());
        names.extend(t.aliases.iter().cloned());
        let best = names
            .iter()
            .map(|n| strsim::jaro_winkler(&n.to_lowercase(), &ql))
            .fold(0.0, f64::max);
        if best >= 0.75 {
            scored.push(((best * 1e6) as u64, t.name.clone()));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut did_you_mean: Vec<String> = Vec::new();
    for (_, n) in scored {
        if !did_you_mean.contains(&n) {
            did_you_mean.push(n);
        }
        if did_you_mean.len() == 5 {
            break;
        }
    }
    DefineResult {
        terms: Vec::new(),
        did_you_mean,
    }
}

#[derive(Serialize)]
struct ImportEntry {
    term: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    abbreviation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    definition: String,
    #[serde(rename = "definitionFormat", skip_serializing_if = "Option::is_none")]
    definition_format: Option<&'static str>,
}

/// A terminology page as glossary YAML (DESIGN.md §5 schema): every term
/// heading, table row and bold-line entry, with abbreviation-table rows joined
/// to their terms. `file` is named in the header comment.
pub fn import_terms(path_text: &str, file: &str) -> String {
    let start = super::pages::body_start(path_text);
    let (terms, rows) = super::terms_of_page(path_text, start, file, Scope::Common, None);
    let g = Glossary::build(terms, rows);
    let entries: Vec<ImportEntry> = g
        .terms
        .iter()
        .map(|t| ImportEntry {
            term: t.name.clone(),
            abbreviation: t.abbreviation.clone(),
            aliases: t.aliases.clone(),
            definition: t.definition.trim().to_string(),
            definition_format: match t.definition_format {
                DefinitionFormat::Markdown => None,
                DefinitionFormat::Plain => Some("text/plain"),
                DefinitionFormat::Html => Some("text/html"),
            },
        })
        .collect();
    let body = if entries.is_empty() {
        "[]\n".to_string()
    } else {
        crate::yaml::to_string(&entries).unwrap_or_default()
    };
    format!("# Glossary terms imported from {file} by `specsite import-terms`.\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> Glossary {
        let page =
            "# T\n\n### Building Block (BB)\n\nA reusable part.\n\n### Use Case\n\nA story.\n";
        let (terms, rows) =
            super::super::terms_of_page(page, 0, "arch/terms.md", Scope::Common, None);
        Glossary::build(terms, rows)
    }

    #[test]
    fn defines_by_name_abbreviation_case_insensitively() {
        let g = glossary();
        for q in [
            "building block",
            "BB",
            "bb",
            "Building Blocks",
            "building-block",
        ] {
            let r = define(&g, q);
            assert_eq!(r.terms.len(), 1, "{q}");
            assert_eq!(r.terms[0].term, "Building Block");
            assert_eq!(r.terms[0].line, 3);
            assert_eq!(r.terms[0].url, "glossary/building-block/");
        }
        let json: serde_json::Value = serde_json::from_str(&define(&g, "bb").to_json()).unwrap();
        assert_eq!(json["terms"][0]["scope"], "common");
        assert_eq!(json["terms"][0]["definition"], "A reusable part.");
        assert!(json["terms"][0]["book"].is_null());
    }

    #[test]
    fn suggests_close_names() {
        let r = define(&glossary(), "Bulding Blok");
        assert!(!r.found());
        assert_eq!(r.did_you_mean, vec!["Building Block".to_string()]);
        assert!(r.to_text().contains("did you mean: Building Block?"));
    }

    #[test]
    fn imports_page_as_yaml_that_loads_back() {
        let page = "---\ndescription: x\n---\n# T\n\n#### **Building Block**\n\nA *reusable* part.\n\n## Abbreviations\n\n| Abbreviation | Full Term |\n|---|---|\n| BB | Building Block |\n";
        let yaml = import_terms(page, "a/terms.md");
        assert!(yaml.starts_with("# Glossary terms imported from a/terms.md"));
        let (terms, diags) = super::super::yaml::load_yaml_terms(&yaml, "g.yaml");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(terms[0].name, "Building Block");
        assert_eq!(terms[0].abbreviation.as_deref(), Some("BB"));
        assert_eq!(terms[0].definition, "A *reusable* part.");
    }
}
