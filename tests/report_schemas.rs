//! The `rdjson` and `sarif` reports validate against the schemas their
//! consumers publish: reviewdog's Diagnostic Format and the OASIS SARIF 2.1.0
//! schema, vendored unchanged in `tests/fixtures/schemas/` (see the notices
//! there). The fixture is `fix-all`, whose findings all carry fixes, so the
//! suggestions and `fixes` parts are exercised too. Validation is offline:
//! every `$ref` of these schemas points into the schema's own file, and the
//! validator is built without its network and file retrievers.

mod common;

use serde_json::Value;

fn schema(rel: &str) -> Value {
    let path = common::fixture("schemas").join(rel);
    let text = std::fs::read_to_string(&path).expect("schema file");
    serde_json::from_str(&text).expect("schema parses")
}

fn report(format: &str) -> Value {
    let root = common::fixture("fix-all");
    let out = common::run(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        format,
    ]);
    // Findings at error severity: exit 1, report on stdout.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("report is JSON")
}

/// Every violation of `instance` against `schema`, one line each.
fn violations(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles offline");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn rdjson_validates_against_reviewdogs_schemas() {
    let report = report("rdjson");
    let diags = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diags.len(), 9, "{report:#}");
    // The fixes travel as suggestions.
    assert!(
        diags
            .iter()
            .all(|d| !d["suggestions"].as_array().expect("suggestions").is_empty()),
        "{report:#}"
    );
    let errors = violations(&schema("reviewdog/DiagnosticResult.jsonschema"), &report);
    assert!(errors.is_empty(), "{errors:#?}");
    let one = schema("reviewdog/Diagnostic.jsonschema");
    for d in diags {
        let errors = violations(&one, d);
        assert!(errors.is_empty(), "{d:#}: {errors:#?}");
    }
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let report = report("sarif");
    let results = report["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 9, "{report:#}");
    assert!(
        results
            .iter()
            .all(|r| !r["fixes"].as_array().expect("fixes").is_empty()),
        "{report:#}"
    );
    let errors = violations(&schema("sarif/sarif-schema-2.1.0.json"), &report);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The validator does reject what the schemas forbid, so the two tests
/// above cannot pass by validating nothing.
#[test]
fn the_schemas_reject_malformed_reports() {
    let mut rd = report("rdjson");
    rd["diagnostics"][0]["location"]["range"]["start"]["line"] = Value::from("three");
    assert!(!violations(&schema("reviewdog/DiagnosticResult.jsonschema"), &rd).is_empty());

    let mut sarif = report("sarif");
    sarif["runs"][0]["results"][0]["level"] = Value::from("fatal");
    sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"] = Value::Array(vec![]);
    let errors = violations(&schema("sarif/sarif-schema-2.1.0.json"), &sarif);
    assert!(errors.len() >= 2, "{errors:#?}");
}
