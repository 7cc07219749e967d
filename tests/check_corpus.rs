//! `check` on the real GovStack corpus (skipped when it is absent), with and
//! without the corpus config kept in `tests/fixtures/corpus-config/`.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;

fn check(config: bool) -> Option<Vec<Value>> {
    let corpus = common::corpus()?;
    let root = corpus.to_str().expect("utf-8").to_string();
    let cfg = common::fixture("corpus-config/specsite.yaml");
    let mut args = vec!["check", "--root", &root, "--format", "json"];
    let cfg = cfg.to_str().expect("utf-8").to_string();
    if config {
        args.extend(["--config", &cfg]);
    }
    let out = common::run(&args);
    assert_eq!(out.status.code(), Some(1), "the corpus has broken links");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    Some(v["diagnostics"].as_array().expect("diagnostics").clone())
}

fn link_rule_counts(diags: &[Value]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for d in diags {
        let rule = d["rule"].as_str().unwrap_or("").to_string();
        if [
            "broken-link",
            "broken-anchor",
            "missing-asset",
            "path-outside-root",
            "summary-missing-file",
        ]
        .contains(&rule.as_str())
        {
            *m.entry(rule).or_default() += 1;
        }
    }
    m
}

fn at(d: &Value) -> String {
    format!(
        "{}:{}:{}",
        d["file"].as_str().unwrap_or(""),
        d["line"],
        d["column"]
    )
}

#[test]
fn corpus_link_findings_without_config() {
    let Some(diags) = check(false) else { return };
    let counts = link_rule_counts(&diags);
    assert_eq!(counts.get("broken-link"), Some(&30), "{counts:?}");
    assert_eq!(counts.get("broken-anchor"), Some(&4), "{counts:?}");
    assert_eq!(counts.get("missing-asset"), Some(&3), "{counts:?}");
    // Absolute site URLs are external without the config.
    assert!(!diags.iter().any(|d| d["message"]
        .as_str()
        .unwrap_or("")
        .contains("specs.govstack.global")));
    // Links that include the repository's `spec/` folder get the corrected path.
    let spec_prefix: Vec<String> = diags
        .iter()
        .filter(|d| {
            d["suggestion"]
                .as_str()
                .is_some_and(|s| s.contains("includes the repository's `spec/` folder"))
        })
        .map(at)
        .collect();
    assert_eq!(
        spec_prefix,
        [
            "wallet/spec/5-cross-cutting-requirements.md:17:19",
            "wallet/spec/5-cross-cutting-requirements.md:28:68",
            "wallet/spec/5-cross-cutting-requirements.md:89:19",
            "wallet/spec/6-functional-requirements.md:9:141",
            "wallet/spec/7-data-structures.md:211:138",
            "wallet/spec/7-data-structures.md:302:111",
            "wallet/spec/7-data-structures.md:327:374",
        ]
    );
}

#[test]
fn corpus_site_links_resolve_or_name_the_missing_book() {
    let Some(diags) = check(true) else { return };
    let site: Vec<(String, String)> = diags
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap_or("")
                .contains("specs.govstack.global")
        })
        .map(|d| (at(d), d["message"].as_str().unwrap_or("").to_string()))
        .collect();
    let books: Vec<&str> = site
        .iter()
        .map(|(_, m)| {
            assert!(
                m.contains("points into this site, but no book is called"),
                "{m}"
            );
            m.rsplit('`').nth(1).unwrap_or("")
        })
        .collect();
    // 22 site links: 15 resolve (through `registries`, `cloud-infrastructure`,
    // `security-requirements`, `messaging` aliases and plain ids, anchors
    // included); these 7 name spaces the corpus does not hold.
    assert_eq!(
        books,
        [
            "ai-readiness",
            "security",
            "ux-switching-and-handover",
            "content-management-system",
            "emarketplace",
            "esignature",
            "gis"
        ]
    );
    assert_eq!(site[0].0, "architecture/spec/SUMMARY.md:29:18");
    assert_eq!(site[6].0, "specifications/building-blocks.md:31:39");
    let counts = link_rule_counts(&diags);
    assert_eq!(counts.get("broken-link"), Some(&37), "{counts:?}");
    // GitBook's cut ids make the two long architecture anchors resolve.
    assert_eq!(counts.get("broken-anchor"), Some(&4), "{counts:?}");
}
