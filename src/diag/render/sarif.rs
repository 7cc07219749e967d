//! `sarif`: a SARIF 2.1.0 log for code-scanning upload, built with serde-sarif.
//!
//! One run; `tool.driver.rules` describes every rule specsite has (so results
//! can be matched to help text even for rules that found nothing), and
//! columns are Unicode code points, as in every other format. Artifact URIs
//! are relative to the git top level (the `git_prefix` option), as code
//! scanning expects.

use super::{prefixed, Formatter, ReportOptions};
use crate::diag::Locator;
use crate::diag::{Diagnostic, Rule, Severity};
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix as SarifFix, Location, Message,
    MultiformatMessageString, PhysicalLocation, Region, Replacement, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif as SarifLog, Tool,
    ToolComponent,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The `sarif` formatter.
pub struct Sarif;

fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result_level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn rule_descriptor(rule: Rule) -> ReportingDescriptor {
    let help = rule.help().trim_end().to_string();
    ReportingDescriptor::builder()
        .id(rule.name())
        .name(rule.name())
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(help.clone())
                .build(),
        )
        .help(MultiformatMessageString::builder().text(help).build())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::json!(level_name(rule.default_severity())))
                .build(),
        )
        .build()
}

impl Formatter for Sarif {
    fn render(
        &self,
        diags: &[Diagnostic],
        sources: &BTreeMap<String, Arc<str>>,
        opts: &ReportOptions,
    ) -> String {
        let rules: Vec<ReportingDescriptor> =
            Rule::ALL.iter().map(|r| rule_descriptor(*r)).collect();
        let mut at = Locator::new(sources);
        let results: Vec<SarifResult> = diags
            .iter()
            .map(|d| {
                let l = at.locate(d);
                let mut text = d.message.clone();
                if let Some(s) = &d.suggestion {
                    text.push_str("\nhelp: ");
                    text.push_str(s);
                }
                let rule_index = Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or(0) as i64;
                let builder = SarifResult::builder()
                    .rule_id(d.rule.name())
                    .rule_index(rule_index)
                    .level(result_level(d.severity))
                    .message(Message::builder().text(text).build());
                if d.file.is_empty() {
                    return builder.build();
                }
                let region = Region::builder()
                    .start_line(l.line as i64)
                    .start_column(l.column as i64)
                    .end_line(l.end_line as i64)
                    .end_column(l.end_column as i64)
                    .build();
                // A file read from git: its path in the repository, relative
                // to the version (`uriBaseId` `<book>@<label>`).
                let artifact = match opts.git_source_of(&d.file) {
                    Some((base, _, path)) => ArtifactLocation::builder()
                        .uri(uri_path(path))
                        .uri_base_id(base)
                        .build(),
                    None => ArtifactLocation::builder()
                        .uri(uri_path(&prefixed(&opts.git_prefix, &d.file)))
                        .build(),
                };
                let physical = PhysicalLocation::builder()
                    .artifact_location(artifact.clone())
                    .region(region)
                    .build();
                let located = builder.locations(vec![Location::builder()
                    .physical_location(physical)
                    .build()]);
                // A fix: one replacement per edit (every edit is in the finding's file).
                match &l.fix {
                    Some(f) => {
                        let replacements: Vec<Replacement> = f
                            .edits
                            .iter()
                            .map(|e| {
                                Replacement::builder()
                                    .deleted_region(
                                        Region::builder()
                                            .start_line(e.line as i64)
                                            .start_column(e.column as i64)
                                            .end_line(e.end_line as i64)
                                            .end_column(e.end_column as i64)
                                            .build(),
                                    )
                                    .inserted_content(
                                        ArtifactContent::builder()
                                            .text(e.replacement.clone())
                                            .build(),
                                    )
                                    .build()
                            })
                            .collect();
                        let change = ArtifactChange::builder()
                            .artifact_location(artifact)
                            .replacements(replacements)
                            .build();
                        let fix = SarifFix::builder()
                            .description(
                                Message::builder()
                                    .text(format!(
                                        "{} fix: {}",
                                        f.safety.as_str(),
                                        d.suggestion.as_deref().unwrap_or("apply the edit")
                                    ))
                                    .build(),
                            )
                            .artifact_changes(vec![change])
                            .build();
                        located.fixes(vec![fix]).build()
                    }
                    None => located.build(),
                }
            })
            .collect();
        let driver = ToolComponent::builder()
            .name("specsite")
            .version(env!("CARGO_PKG_VERSION"))
            .rules(rules)
            .build();
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .column_kind(serde_json::json!("unicodeCodePoints"))
            .results(results)
            .build();
        let log = SarifLog::builder()
            .schema(serde_sarif::sarif::SCHEMA_URL)
            .version(serde_json::json!("2.1.0"))
            .runs(vec![run])
            .build();
        let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// A root-relative path as a relative URI reference: percent-encodes what a
/// URI may not hold (spaces, `%`, `#`, `?`, non-ASCII), keeps `/`.
fn uri_path(file: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    utf8_percent_encode(file, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::fixtures;

    fn render() -> String {
        Sarif.render(
            &fixtures::diags(),
            &fixtures::sources(),
            &ReportOptions::default(),
        )
    }

    #[test]
    fn sarif_parses_back_with_rules_results_and_regions() {
        let v: serde_json::Value = serde_json::from_str(&render()).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        let broken = rules.iter().find(|r| r["id"] == "broken-link").unwrap();
        assert_eq!(
            broken["shortDescription"]["text"],
            Rule::BrokenLink.summary()
        );
        assert!(broken["help"]["text"].as_str().unwrap().contains("Why:"));
        assert_eq!(broken["defaultConfiguration"]["level"], "error");
        let orphan = rules.iter().find(|r| r["id"] == "orphan-page").unwrap();
        assert_eq!(orphan["defaultConfiguration"]["level"], "warning");
        let first = &run["results"][0];
        assert_eq!(first["ruleId"], "broken-link");
        assert_eq!(first["level"], "error");
        let loc = &first["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "consent/spec/intro.md");
        assert_eq!(loc["region"]["startLine"], 3);
        assert_eq!(loc["region"]["startColumn"], 16);
        assert_eq!(loc["region"]["endColumn"], 28);
        assert_eq!(run["results"][5]["level"], "note");
    }

    #[test]
    fn sarif_deserialises_with_serde_sarif() {
        let log: serde_sarif::sarif::Sarif = serde_json::from_str(&render()).unwrap();
        assert_eq!(log.runs.len(), 1);
        assert_eq!(log.runs[0].results.as_ref().unwrap().len(), 6);
    }

    #[test]
    fn sarif_snapshot() {
        let v: serde_json::Value = serde_json::from_str(&render()).unwrap();
        // The rules table is long and checked above; snapshot the results.
        insta::assert_snapshot!(serde_json::to_string_pretty(&v["runs"][0]["results"]).unwrap());
    }

    #[test]
    fn artifact_uris_are_relative_to_the_git_top_level() {
        let opts = ReportOptions {
            git_prefix: "docs/site".into(),
            ..Default::default()
        };
        let out = Sarif.render(&fixtures::diags()[..1], &fixtures::sources(), &opts);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let uri = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            ["artifactLocation"]["uri"];
        assert_eq!(uri, "docs/site/consent/spec/intro.md");
    }

    #[test]
    fn uri_escapes_spaces_and_non_ascii() {
        assert_eq!(uri_path("a b/é#.md"), "a%20b/%C3%A9%23.md");
    }
}
