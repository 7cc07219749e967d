//! Link rules end to end: `specsite check` over the tiny sites in
//! `tests/fixtures/checks/<rule-or-form>/`. Each test pins every finding's
//! rule and `file:line:col`, and snapshots the human report so review sees
//! what the user reads.

mod common;

use serde_json::Value;

/// Runs `check` on a fixture: (human report, `rule file:line:col` list, exit code).
fn check(case: &str) -> (String, Vec<String>, i32) {
    let root = common::fixture(&format!("checks/{case}"));
    let root = root.to_str().expect("utf-8 path");
    let human = common::run(&["check", "--root", root]);
    let json = common::run(&["check", "--root", root, "--format", "json"]);
    assert_eq!(human.status.code(), json.status.code());
    let v: Value = serde_json::from_slice(&json.stdout).expect("json report");
    let found = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["rule"].as_str().unwrap_or("?"),
                d["file"].as_str().unwrap_or("?"),
                d["line"],
                d["column"]
            )
        })
        .collect();
    (
        String::from_utf8(human.stdout).expect("utf-8"),
        found,
        human.status.code().unwrap_or(-1),
    )
}

#[test]
fn broken_link_relative_folder_reference_table_block_and_orphan_forms() {
    let (human, found, code) = check("broken-link");
    assert_eq!(
        found,
        [
            "broken-link book/README.md:5:24",
            "broken-link book/README.md:5:53",
            "broken-link book/README.md:6:32",
            "broken-link book/README.md:8:21",
            "broken-link book/README.md:15:19",
            "broken-link book/guide/setup.md:3:42",
            "orphan-page book/orphan.md:1:1",
            "broken-link book/orphan.md:3:42",
        ]
    );
    assert_eq!(code, 1);
    // Folder links, `folder.md` for a folder's README, `../` and reference
    // links that resolve produce nothing.
    assert!(!human.contains("guide/`") && !human.contains("`guide.md`"));
    insta::assert_snapshot!("broken_link", human);
}

#[test]
fn links_that_include_the_repositorys_spec_folder_get_the_corrected_path() {
    let (human, found, _) = check("spec-prefix");
    assert_eq!(
        found,
        [
            "broken-link bb/spec/README.md:3:13",
            "missing-asset bb/spec/README.md:4:12",
            "missing-asset bb/spec/README.md:5:17",
            "missing-asset bb/spec/README.md:6:12",
            "broken-link bb/spec/use-cases/flows.md:3:17",
        ]
    );
    assert!(human.contains("from this page it is `terms.md#privacy`"));
    assert!(human.contains("from this page it is `../terms.md`"));
    insta::assert_snapshot!("spec_prefix", human);
}

#[test]
fn anchors_accept_both_gitbook_forms_explicit_ids_and_numbered_duplicates() {
    let (human, found, _) = check("anchors");
    assert_eq!(
        found,
        [
            "broken-anchor book/README.md:7:11",
            "broken-anchor book/README.md:8:21",
            "broken-anchor book/README.md:9:16",
            "broken-anchor book/README.md:10:46",
        ]
    );
    assert!(human.contains("did you mean `#id-4.16-bulk-payment-status`?"));
    insta::assert_snapshot!("anchors", human);
}

#[test]
fn html_href_src_and_srcset_are_checked_where_they_are_written() {
    let (human, found, _) = check("html-links");
    assert_eq!(
        found,
        [
            "broken-link book/README.md:4:56",
            "missing-asset book/README.md:5:21",
            "missing-asset book/README.md:10:34",
            "missing-asset book/README.md:12:42",
            "broken-anchor book/README.md:14:17",
        ]
    );
    insta::assert_snapshot!("html_links", human);
}

#[test]
fn gitbook_lost_link_markers_are_broken_links_but_similar_names_are_not() {
    let (human, found, _) = check("gitbook-markers");
    assert_eq!(
        found,
        [
            "broken-link book/README.md:3:15",
            "broken-link book/README.md:3:51",
            "broken-link book/README.md:4:44",
        ]
    );
    insta::assert_snapshot!("gitbook_markers", human);
}

#[test]
fn missing_assets_suggest_the_asset_with_the_same_name_or_case() {
    let (human, found, _) = check("missing-asset");
    assert_eq!(
        found,
        [
            "missing-asset book/README.md:3:10",
            "missing-asset book/README.md:4:9",
            "missing-asset book/README.md:6:12",
            "missing-asset book/README.md:8:14",
        ]
    );
    assert!(human.contains("use `.gitbook/assets/chart.png`"));
    assert!(human.contains("file `.gitbook/assets/spec.pdf` does not exist"));
    insta::assert_snapshot!("missing_asset", human);
}

#[test]
fn paths_leaving_the_root_are_reported_not_read() {
    let (human, found, _) = check("path-outside-root");
    assert_eq!(
        found,
        [
            "path-outside-root book/README.md:3:12",
            "path-outside-root book/README.md:3:52",
            "path-outside-root book/README.md:4:12",
        ]
    );
    insta::assert_snapshot!("path_outside_root", human);
}

#[test]
fn summary_entries_to_missing_files_are_reported_with_the_closest_page() {
    let (human, found, _) = check("summary-missing-file");
    assert_eq!(
        found,
        [
            "summary-missing-file book/SUMMARY.md:4:10",
            "summary-missing-file book/SUMMARY.md:5:10",
            "orphan-page book/setup.md:1:1",
        ]
    );
    assert!(human.contains("did you mean `setup.md`?"));
    insta::assert_snapshot!("summary_missing_file", human);
}

#[test]
fn mailto_tel_data_and_external_links_are_never_errors() {
    let (human, found, code) = check("special-links");
    // ftp:, a data: link (not an image) and javascript: are never links:
    // shown as text with an `unsafe-link` warning, never an error.
    assert_eq!(
        found,
        [
            "unsafe-link book/README.md:4:67",
            "unsafe-link book/README.md:5:19",
            "unsafe-link book/README.md:5:70",
        ]
    );
    assert_eq!(code, 0);
    assert!(
        human.trim().ends_with("0 errors, 3 warnings, 0 infos"),
        "{human}"
    );
}

#[test]
fn allow_comment_silences_its_rule_on_its_line_and_the_next() {
    let (human, found, _) = check("suppression");
    assert_eq!(found, ["broken-link book/README.md:8:43"]);
    insta::assert_snapshot!("suppression", human);
}

#[test]
fn rules_config_lowers_a_rule_and_turns_one_off() {
    let (human, found, code) = check("rules-override");
    assert_eq!(found, ["broken-link book/README.md:3:17"]);
    assert!(human.starts_with("warning[broken-link]"), "{human}");
    assert_eq!(code, 0, "a warning alone passes");
    insta::assert_snapshot!("rules_override", human);
}

#[test]
fn site_url_aliases_and_book_aliases_make_absolute_links_internal() {
    let (human, found, _) = check("site-alias");
    assert_eq!(
        found,
        [
            "broken-anchor handbook/README.md:5:18",
            "broken-link handbook/README.md:6:15",
            "broken-link handbook/README.md:8:18",
            "broken-link handbook/SUMMARY.md:5:10",
        ]
    );
    // The alias, the plain id, a folder alias and another site: no finding.
    for ok in [":3:", ":4:", ":7:", ":9:"] {
        assert!(!human.contains(&format!("handbook/README.md{ok}")), "{ok}");
    }
    insta::assert_snapshot!("site_alias", human);
}

#[test]
fn abbr_undefined_skips_words_code_numerals_known_and_expanded_abbreviations() {
    let (human, found, code) = check("abbr-undefined");
    // Left: an abbreviation nobody expands, one expanded nowhere in the book,
    // and one whose `ABBR: …` line does not spell it. Capitalised words,
    // identifiers, paths, currency, roman numerals, known abbreviations,
    // every expansion form (heading, `–`, `=`, `:`, markdown and HTML table
    // rows, bracketed compounds) and the generated file-size label are not findings.
    assert_eq!(
        found,
        [
            "abbr-undefined book/README.md:3:5",
            "abbr-undefined book/README.md:13:44",
            "abbr-undefined book/forms.md:6:20",
        ]
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("abbr_undefined", human);
}
