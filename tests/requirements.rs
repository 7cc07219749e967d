//! Requirements end to end: extraction of every unit and tag form
//! (`tests/fixtures/requirements/forms/`), the `req-*` rules (one tiny site
//! each under `tests/fixtures/checks/req-*/`), ids kept across renumbering
//! through `requirements lock`, `requirements diff`, and the checklist CSV.

mod common;

use serde_json::Value;
use std::path::Path;

fn json_of(args: &[&str]) -> Value {
    let out = common::run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Every requirement of a site as `id LEVEL type section line:col`.
fn listed(root: &Path) -> Vec<String> {
    let v = json_of(&[
        "requirements",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    v["books"]
        .as_array()
        .expect("books")
        .iter()
        .flat_map(|b| b["requirements"].as_array().expect("reqs").iter())
        .map(|r| {
            format!(
                "{} {} {} {} {}:{}",
                r["id"].as_str().unwrap_or("?"),
                r["level"].as_str().unwrap_or("?"),
                r["type"].as_str().unwrap_or("?"),
                r["section"].as_str().unwrap_or("-"),
                r["line"],
                r["column"]
            )
        })
        .collect()
}

fn requirements(root: &Path) -> Vec<Value> {
    let v = json_of(&[
        "requirements",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    v["books"]
        .as_array()
        .expect("books")
        .iter()
        .flat_map(|b| b["requirements"].as_array().expect("reqs").clone())
        .collect()
}

#[test]
fn every_unit_and_tag_form_is_extracted() {
    let root = common::fixture("requirements/forms");
    assert_eq!(
        listed(&root),
        [
            // A list item on a key digital functionalities page.
            "reg#req-1 REQUIRED key-functionality 4 3:1",
            // GovStack 2.0: tag in the heading, author id under it.
            "govstack-cfr-data#req-1 REQUIRED cross-cutting 5.1 5:1",
            // Level and classifiers on a line of their own under the heading.
            "govstack-cfr-data#req-2 REQUIRED cross-cutting 5.1 11:1",
            // An author id and no tag: RECOMMENDED.
            "govstack-cfr-data#req-3 RECOMMENDED cross-cutting 5.1 19:1",
            // `\[REQUIRED]` prefixes.
            "reg#req-2 REQUIRED cross-cutting 5.2 27:1",
            "reg#req-3 RECOMMENDED cross-cutting 5.2 29:1",
            // A bold line with its paragraph.
            "reg#req-4 REQUIRED cross-cutting 5.2.3 31:1",
            // Three HTML table rows on one source line, told apart by column.
            "reg#req-5 REQUIRED cross-cutting 5.3.1 37:84",
            "reg#req-6 RECOMMENDED cross-cutting 5.3 37:166",
            "reg#req-7 OPTIONAL cross-cutting 5.3 37:237",
            // Markdown table rows; a level cell in another case.
            "reg#req-8 REQUIRED cross-cutting 5.3.4 41:1",
            "reg#req-9 RECOMMENDED cross-cutting 5.3 42:1",
            // List items: nested, lower case beside upper-case siblings,
            // conditional, per-condition levels.
            "reg#req-10 REQUIRED functional 6.1 5:1",
            "reg#req-11 OPTIONAL functional 6.1 6:1",
            "reg#req-12 REQUIRED functional 6.1 7:3",
            "reg#req-13 OPTIONAL functional 6.1 8:1",
            "reg#req-14 REQUIRED functional 6.1 9:1",
            "reg#req-15 OPTIONAL functional 6.1 10:1",
            // Local ids: a tagged heading; a heading over two tagged items
            // (an alias of each); a heading over one tagged paragraph; a
            // tagged heading over tagged items (units nest).
            "DRS-4 REQUIRED functional 6.1 14:1",
            "reg#req-16 REQUIRED functional 6.1 20:1",
            "reg#req-17 RECOMMENDED functional 6.1 21:1",
            "DRS-6 REQUIRED functional 6.1 25:1",
            "DRS-8 REQUIRED functional 6.1 27:1",
            "reg#req-18 REQUIRED functional 6.1 29:1",
            "reg#req-19 REQUIRED functional 6.1 30:1",
            // A service API page.
            "reg#req-20 REQUIRED interface 8 3:1",
        ]
    );
    let reqs = requirements(&root);
    let by_id = |id: &str| {
        reqs.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    let r = by_id("govstack-cfr-data#req-1");
    assert_eq!(
        r["classifiers"],
        serde_json::json!(["IMMUTABLE", "OBSERVABLE"])
    );
    assert_eq!(r["status"], "locked");
    assert_eq!(
        r["statement"],
        "#1 Records are encrypted at rest. Stored records are encrypted with keys kept apart from the data."
    );
    assert_eq!(
        r["url"],
        "reg/5-cross-cutting-requirements/#req-govstack-cfr-data-req-1"
    );
    assert_eq!(
        by_id("govstack-cfr-data#req-2")["classifiers"],
        serde_json::json!(["EXTENSIBLE"])
    );
    assert_eq!(
        by_id("govstack-cfr-data#req-3")["aliases"],
        serde_json::json!(["#3", "previously:5.9"])
    );
    assert_eq!(by_id("reg#req-3")["condition"], "for public clouds");
    assert_eq!(by_id("reg#req-2")["status"], "provisional");
    assert_eq!(
        by_id("reg#req-4")["statement"],
        "5.2.3 Multiple API Gateway. Internal and external traffic pass through separate gateways."
    );
    assert_eq!(
        by_id("reg#req-5")["statement"],
        "5.3.1 Backups run every night."
    );
    assert_eq!(by_id("reg#req-14")["condition"], "conditionally");
    assert_eq!(
        by_id("reg#req-15")["condition"],
        "REQUIRED for low-income applicants, OPTIONAL for others"
    );
    assert_eq!(by_id("reg#req-16")["aliases"], serde_json::json!(["DRS-5"]));
    assert_eq!(
        by_id("reg#req-12")["statement"],
        "Uploaded documents are scanned for malware"
    );
    // Outer statements stop where the inner ones start.
    assert_eq!(by_id("DRS-8")["statement"], "DRS-8: Personal data usage");
    // Not requirements: a list of levels in prose, a tag in code, the data
    // structure table's `Required` column, lower-case prose.
    assert!(!reqs.iter().any(|r| {
        let s = r["statement"].as_str().unwrap_or("");
        s.contains("Register entries") || s.contains("in code") || s.contains("string")
    }));
    assert!(!reqs.iter().any(|r| r["file"]
        .as_str()
        .unwrap_or("")
        .contains("7-data-structures")));
}

#[test]
fn filters_pick_by_level_type_and_book() {
    let root = common::fixture("requirements/forms");
    let root = root.to_str().expect("utf-8");
    let out = common::run(&[
        "requirements",
        "--root",
        root,
        "--level",
        "optional",
        "--type",
        "functional",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.starts_with("reg: 3 requirements (ids provisional)\n"),
        "{text}"
    );
    assert!(text.contains("reg#req-11") && text.contains("reg#req-15"));
    let bad = common::run(&["requirements", "--root", root, "--book", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = common::run(&["requirements", "--root", root, "--level", "MUST"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// Runs `check` on a fixture: (human report, `rule file:line:col` list, exit code).
fn check(case: &str) -> (String, Vec<String>, i32) {
    let root = common::fixture(&format!("checks/{case}"));
    let root = root.to_str().expect("utf-8 path");
    let human = common::run(&["check", "--root", root]);
    let json = common::run(&["check", "--root", root, "--format", "json"]);
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

const PAGE: &str = "book/6-functional-requirements.md";

#[test]
fn req_keyword_case_only_at_the_end_of_an_item_beside_tagged_ones() {
    let (human, found, code) = check("req-keyword-case");
    assert_eq!(found, [format!("req-keyword-case {PAGE}:4:44")]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("req_keyword_case", human);
}

#[test]
fn req_unknown_level_in_tags_and_level_cells() {
    let (human, found, code) = check("req-unknown-level");
    assert_eq!(
        found,
        [
            format!("req-unknown-level {PAGE}:3:27"),
            format!("req-unknown-level {PAGE}:8:25"),
        ]
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("req_unknown_level", human);
}

#[test]
fn req_multiple_levels_in_one_first_line() {
    let (human, found, _) = check("req-multiple-levels");
    assert_eq!(found, [format!("req-multiple-levels {PAGE}:3:1")]);
    insta::assert_snapshot!("req_multiple_levels", human);
}

#[test]
fn req_untagged_outside_tagged_units_only() {
    let (human, found, _) = check("req-untagged");
    // The nested `must` is inside a tagged item; the last item says nothing.
    assert_eq!(found, [format!("req-untagged {PAGE}:5:1")]);
    insta::assert_snapshot!("req_untagged", human);
}

#[test]
fn req_verb_mismatch_both_ways() {
    let (human, found, code) = check("req-verb-mismatch");
    assert_eq!(
        found,
        [
            format!("req-verb-mismatch {PAGE}:3:1"),
            format!("req-verb-mismatch {PAGE}:4:1"),
        ]
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("req_verb_mismatch", human);
}

#[test]
fn req_duplicate_within_a_book() {
    let (human, found, _) = check("req-duplicate");
    assert_eq!(found, [format!("req-duplicate {PAGE}:9:1")]);
    insta::assert_snapshot!("req_duplicate", human);
}

#[test]
fn req_level_conflict_across_books() {
    let (human, found, code) = check("req-level-conflict");
    assert_eq!(
        found,
        ["req-level-conflict other/6-functional-requirements.md:3:1"]
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("req_level_conflict", human);
}

#[test]
fn req_id_duplicate_for_a_local_id_used_twice() {
    let (human, found, code) = check("req-id-duplicate");
    assert_eq!(found, [format!("req-id-duplicate {PAGE}:7:1")]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("req_id_duplicate", human);
}

#[test]
fn req_id_malformed_under_a_heading() {
    let (human, found, code) = check("req-id-malformed");
    assert_eq!(found, [format!("req-id-malformed {PAGE}:5:1")]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("req_id_malformed", human);
}

#[test]
fn req_unlocked_for_a_requirement_the_lock_lacks() {
    let (human, found, _) = check("req-unlocked");
    assert_eq!(found, [format!("req-unlocked {PAGE}:4:1")]);
    // Removed ids are never reused: the new one gets max+1.
    assert!(human.contains("book#req-3"), "{human}");
    insta::assert_snapshot!("req_unlocked", human);
}

#[test]
fn suppression_and_severity_config_apply_to_req_rules() {
    let (_tmp, root) = common::copy_fixture("checks/req-verb-mismatch");
    let page = root.join(PAGE);
    let text = std::fs::read_to_string(&page).expect("page");
    let text = text.replacen(
        "* The system should",
        "<!-- specsite-allow: req-verb-mismatch -->\n* The system should",
        1,
    );
    std::fs::write(&page, text).expect("write");
    std::fs::write(
        root.join("specsite.yaml"),
        "rules:\n  req-verb-mismatch: error\n",
    )
    .expect("config");
    let out = common::run(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = v["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(d.len(), 1, "{v}");
    assert_eq!(d[0]["severity"], "error");
    assert_eq!(d[0]["line"], 5);
    assert_eq!(out.status.code(), Some(1));
}

fn ids_by_statement(root: &Path) -> std::collections::BTreeMap<String, (String, String)> {
    requirements(root)
        .into_iter()
        .map(|r| {
            (
                r["statement"].as_str().unwrap_or("").to_string(),
                (
                    r["id"].as_str().unwrap_or("").to_string(),
                    r["status"].as_str().unwrap_or("").to_string(),
                ),
            )
        })
        .collect()
}

fn edit(root: &Path, rel: &str, f: impl Fn(String) -> String) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).expect("read");
    let new = f(text.clone());
    assert_ne!(new, text, "the edit of {rel} changed nothing");
    std::fs::write(&p, new).expect("write");
}

#[test]
fn locked_ids_survive_renumbering_and_reordering_and_new_ones_get_max_plus_one() {
    let (_tmp, root) = common::copy_fixture("requirements/forms");
    let r = root.to_str().expect("utf-8");
    let check = common::run(&["requirements", "lock", "--root", r, "--check"]);
    assert_eq!(check.status.code(), Some(1), "no lock yet: it would change");
    let lock = common::run(&["requirements", "lock", "--root", r]);
    assert!(lock.status.success());
    assert!(root.join("reg/requirements.lock").is_file());
    let check = common::run(&["requirements", "lock", "--root", r, "--check"]);
    assert_eq!(check.status.code(), Some(0));
    let before = ids_by_statement(&root);
    assert!(before.values().all(|(_, s)| s == "locked"));

    let page = "reg/6-functional-requirements.md";
    // Renumber a heading, reorder a list, add a requirement.
    edit(&root, page, |t| {
        t.replace("## 6.1 Registration", "## 6.4 Registration")
            .replace(
                "* Each applicant is recorded once (REQUIRED)\n* Applicants upload supporting documents (OPTIONAL)\n  * Uploaded documents are scanned for malware (REQUIRED)\n",
                "* Applicants upload supporting documents (OPTIONAL)\n  * Uploaded documents are scanned for malware (REQUIRED)\n* Each applicant is recorded once (REQUIRED)\n",
            )
            .replace(
                "* Analysts set rate limits per client (RECOMMENDED)\n",
                "* Analysts set rate limits per client (RECOMMENDED)\n* Analysts retire an API version with notice (REQUIRED)\n",
            )
    });
    edit(&root, "reg/5-cross-cutting-requirements.md", |t| {
        t.replace(
            "**5.2.3 Multiple API Gateway",
            "**5.2.7 Multiple API Gateway",
        )
    });
    let after = ids_by_statement(&root);
    for (statement, (id, status)) in &before {
        let statement = statement.replace("5.2.3", "5.2.7");
        let now = after
            .get(&statement)
            .unwrap_or_else(|| panic!("{statement}"));
        assert_eq!(now, &(id.clone(), status.clone()), "{statement}");
    }
    assert_eq!(
        after["Analysts retire an API version with notice"],
        ("reg#req-21".to_string(), "provisional".to_string())
    );
    let check = common::run(&["requirements", "lock", "--root", r, "--check"]);
    assert_eq!(check.status.code(), Some(1));
    // Locking again keeps every id and locks the new one.
    assert!(common::run(&["requirements", "lock", "--root", r])
        .status
        .success());
    let locked = ids_by_statement(&root);
    assert_eq!(
        locked["Analysts retire an API version with notice"].1,
        "locked"
    );
    assert_eq!(locked.len(), before.len() + 1);
}

#[test]
fn light_edits_keep_ids_and_removed_ids_are_never_reused() {
    let (_tmp, root) = common::copy_fixture("requirements/forms");
    let r = root.to_str().expect("utf-8");
    assert!(common::run(&["requirements", "lock", "--root", r])
        .status
        .success());
    let before = ids_by_statement(&root);
    let page = "reg/6-functional-requirements.md";
    edit(&root, page, |t| {
        t.replace(
            "* Analysts configure the API of each registry (REQUIRED)\n",
            "* Analysts configure the API of every registry (REQUIRED)\n",
        )
        .replace("* Applicants receive a receipt (optional)\n", "")
    });
    assert!(common::run(&["requirements", "lock", "--root", r])
        .status
        .success());
    let after = ids_by_statement(&root);
    assert_eq!(
        after["Analysts configure the API of every registry"].0,
        before["Analysts configure the API of each registry"].0
    );
    let lock = std::fs::read_to_string(root.join("reg/requirements.lock")).expect("lock");
    assert!(lock.contains("removed: true"), "{lock}");
    // A new requirement after a removal takes max+1, not the removed number.
    edit(&root, page, |t| {
        t.replace(
            "* Analysts set rate limits per client (RECOMMENDED)\n",
            "* Analysts set rate limits per client (RECOMMENDED)\n* Analysts name an owner for each API (REQUIRED)\n",
        )
    });
    let now = ids_by_statement(&root);
    assert_eq!(now["Analysts name an owner for each API"].0, "reg#req-21");
}

#[test]
fn diff_reports_an_added_a_removed_and_a_re_levelled_requirement() {
    let (_tmp, root) = common::copy_fixture("requirements/forms");
    let r = root.to_str().expect("utf-8");
    assert!(common::run(&["requirements", "lock", "--root", r])
        .status
        .success());
    let old = common::run(&["requirements", "--root", r, "--format", "json"]);
    let old_json = root.join("old-requirements.json");
    std::fs::write(&old_json, &old.stdout).expect("write");
    let page = "reg/6-functional-requirements.md";
    edit(&root, page, |t| {
        t.replace("* Each applicant is recorded once (REQUIRED)\n", "")
            .replace(
                "* Analysts set rate limits per client (RECOMMENDED)\n",
                "* Analysts set rate limits per client (REQUIRED)\n* Analysts retire an API version with notice (OPTIONAL)\n",
            )
    });
    let out = common::run(&[
        "requirements",
        "diff",
        old_json.to_str().expect("utf-8"),
        "--root",
        r,
        "--format",
        "json",
    ]);
    // A locked id is gone and a requirement became REQUIRED: breaking.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let changes: Vec<String> = v["books"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["kind"].as_str().unwrap_or("?"),
                c["id"].as_str().unwrap_or("?"),
                c["breaking"]
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            "level-changed reg#req-17 true",
            "added reg#req-21 false",
            "removed reg#req-10 true",
        ]
    );
    let human = common::run(&[
        "requirements",
        "diff",
        old_json.to_str().expect("utf-8"),
        "--root",
        r,
    ]);
    let text = String::from_utf8(human.stdout).expect("utf-8");
    assert!(
        text.contains("level-changed  reg#req-17 (breaking)  RECOMMENDED → REQUIRED"),
        "{text}"
    );
}

/// `kind id breaking` of every change in a `requirements diff --format json`.
fn changes_of(v: &Value) -> Vec<String> {
    v["books"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["kind"].as_str().unwrap_or("?"),
                c["id"].as_str().unwrap_or("?"),
                c["breaking"]
            )
        })
        .collect()
}

/// OLD as a git revision: the site is a sub-folder of a repository, the
/// revision is a tag, and the old sources come from `git archive`.
#[test]
fn diff_against_a_git_revision_of_the_site() {
    let (tmp, root) = common::copy_fixture("requirements/forms");
    let r = root.to_str().expect("utf-8");
    assert!(common::run(&["requirements", "lock", "--root", r])
        .status
        .success());
    common::git(tmp.path(), &["init", "-q"]);
    common::git(tmp.path(), &["add", "-A"]);
    common::git(tmp.path(), &["commit", "-q", "-m", "v1"]);
    common::git(tmp.path(), &["tag", "v1"]);
    edit(&root, "reg/6-functional-requirements.md", |t| {
        t.replace("* Each applicant is recorded once (REQUIRED)\n", "")
            .replace(
                "* Analysts set rate limits per client (RECOMMENDED)\n",
                "* Analysts set rate limits per client (REQUIRED)\n* Analysts retire an API version with notice (OPTIONAL)\n",
            )
    });
    let diff = |rev: &str| {
        let out = common::run(&["requirements", "diff", rev, "--root", r, "--format", "json"]);
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), changes_of(&v))
    };
    assert_eq!(
        diff("v1"),
        (
            Some(1),
            vec![
                "level-changed reg#req-17 true".to_string(),
                "added reg#req-21 false".to_string(),
                "removed reg#req-10 true".to_string(),
            ]
        )
    );
    // The same revision named by its commit: nothing but the working tree's edits.
    let head = common::git(tmp.path(), &["rev-parse", "HEAD"]);
    assert_eq!(diff(&head), diff("v1"));
    // Committed, the edits are no change against HEAD.
    common::git(tmp.path(), &["commit", "-q", "-am", "v2"]);
    assert_eq!(diff("HEAD"), (Some(0), vec![]));
    // A name that is neither a file nor a revision: exit 2, said plainly.
    let bad = common::run(&["requirements", "diff", "no-such-rev", "--root", r]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr)
        .contains("neither a requirements.json nor a git revision"));
}

/// Two folder versions of a book: the latest version's requirements page
/// shows what changed since the previous one (by fingerprint, without locks).
#[test]
fn requirements_page_shows_the_diff_between_folder_versions() {
    let page = |items: &str| format!("# 6 Functional Requirements\n\n{items}");
    let v1 = page(
        "* Each record is kept for five years (REQUIRED)\n\
         * Records can be exported to CSV (RECOMMENDED)\n\
         * Records carry a free-text note (OPTIONAL)\n",
    );
    let v2 = page(
        "* Each record is kept for five years (REQUIRED)\n\
         * Records can be exported to CSV (REQUIRED)\n\
         * Exports are signed by the registry (OPTIONAL)\n",
    );
    let summary =
        "# Summary\n\n* [Home](README.md)\n* [Functional](6-functional-requirements.md)\n";
    let (tmp, root) = common::site(&[
        (
            "specsite.yaml",
            // Versions newest first: a version's predecessor is the next one listed.
            "title: Versions\nbooks:\n  - id: reg\n    title: Registry\n    versions:\n      \
             - { label: \"2.0\", path: content/reg, latest: true }\n      \
             - { label: \"1.0\", path: content/reg-1.0 }\n",
        ),
        ("content/reg-1.0/SUMMARY.md", summary),
        ("content/reg-1.0/README.md", "# Registry\n\nVersion one.\n"),
        ("content/reg-1.0/6-functional-requirements.md", &v1),
        ("content/reg/SUMMARY.md", summary),
        ("content/reg/README.md", "# Registry\n\nVersion two.\n"),
        ("content/reg/6-functional-requirements.md", &v2),
    ]);
    let out = tmp.path().join("out");
    let run = common::run(&[
        "build",
        "--root",
        root.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let main = common::main_of(&common::read(&out, "reg/requirements/index.html")).to_string();
    assert!(main.contains("Changes since 1.0"), "{main}");
    let items: Vec<&str> = main
        .split("<li>")
        .skip(1)
        .map(|li| li.split("</li>").next().unwrap_or(""))
        .filter(|li| li.contains("<code>"))
        .collect();
    assert_eq!(items.len(), 3, "{main}");
    assert!(
        items.iter().any(|li| li.starts_with("level-changed")
            && li.contains("RECOMMENDED → REQUIRED")
            && li.contains("(breaking)")
            && li.contains("Records can be exported to CSV")),
        "{items:#?}"
    );
    assert!(
        items.iter().any(|li| li.starts_with("added")
            && li.contains("OPTIONAL")
            && li.contains("Exports are signed by the registry")),
        "{items:#?}"
    );
    assert!(
        items
            .iter()
            .any(|li| li.starts_with("removed") && li.contains("Records carry a free-text note")),
        "{items:#?}"
    );
    // The kept requirement is no change; the old version's page has no diff.
    assert!(!main.contains("kept for five years</li>"), "{main}");
    let old = common::read(&out, "reg/1.0/requirements/index.html");
    assert!(!common::main_of(&old).contains("Changes since"), "{old}");
}

#[test]
fn checklist_csv_is_rfc_4180_with_bom_and_crlf() {
    let root = common::fixture("requirements/forms");
    let out = common::run(&[
        "requirements",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "csv",
    ]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("\u{feff}book,version,id,aliases,type,section,level,classifiers,condition,statement,url,fulfillment,comment,evidence\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'));
    let rows: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
    assert_eq!(rows.len(), 27);
    assert!(rows.contains(
        &"reg,,reg#req-15,,functional,6.1,OPTIONAL,,\"REQUIRED for low-income applicants, OPTIONAL for others\",Fees are waived,reg/6-functional-requirements/#req-reg-req-15,,,"
    ), "{text}");
}

/// The checklist converts in LibreOffice with every row intact. CI
/// installs LibreOffice and sets `SPECSITE_REQUIRE_SOFFICE`, so there the
/// test fails rather than skips when it is absent.
#[test]
fn checklist_csv_opens_in_libreoffice() {
    let soffice = ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        assert!(
            std::env::var_os("SPECSITE_REQUIRE_SOFFICE").is_none(),
            "LibreOffice must be installed in CI (see .ci/run)"
        );
        eprintln!("notice: LibreOffice is absent; skipping the checklist conversion test");
        return;
    };
    let root = common::fixture("requirements/forms");
    let out = common::run(&[
        "requirements",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "csv",
    ]);
    let tmp = tempfile::tempdir().expect("tmp");
    let csv = tmp.path().join("checklist.csv");
    std::fs::write(&csv, &out.stdout).expect("write");
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        tmp.path().display()
    );
    let run = |args: &[&str], input: &Path| {
        let st = std::process::Command::new(soffice)
            .arg(&profile)
            .arg("--headless")
            .args(args)
            .arg("--outdir")
            .arg(tmp.path().join("out"))
            .arg(input)
            .output()
            .expect("soffice runs");
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
    };
    run(&["--infilter=CSV:44,34,76,1", "--convert-to", "xlsx"], &csv);
    let xlsx = tmp.path().join("out/checklist.xlsx");
    assert!(xlsx.is_file());
    // Back to CSV (UTF-8), compared row by row with what was written.
    let back_dir = tmp.path().join("back");
    std::fs::create_dir_all(&back_dir).expect("mkdir");
    let st = std::process::Command::new(soffice)
        .arg(&profile)
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(&back_dir)
        .arg(&xlsx)
        .output()
        .expect("soffice runs");
    assert!(st.status.success());
    let back = std::fs::read_to_string(back_dir.join("checklist.csv")).expect("csv back");
    let written = String::from_utf8(out.stdout).expect("utf-8");
    let norm = |s: &str| -> Vec<String> {
        s.trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.trim_end_matches('\r').replace('"', ""))
            .filter(|l| !l.is_empty())
            .collect()
    };
    assert_eq!(norm(&back), norm(&written));
}

#[test]
fn build_writes_the_index_json_checklist_and_anchors_on_pages() {
    let root = common::fixture("requirements/forms");
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("site");
    let run = common::run(&[
        "build",
        "--root",
        root.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The book's index: grouped, counted, filterable without JavaScript.
    let index = common::read(&out, "reg/requirements/index.html");
    let main = common::main_of(&index);
    assert!(main.contains("<strong>17</strong> REQUIRED"), "{main}");
    assert!(main
        .contains(r#"<input type="radio" name="level" id="req-level-optional" value="OPTIONAL">"#));
    assert!(main.contains(r#"<section class="req-type" data-type="interface""#));
    assert!(main.contains(r#"<tr id="req-reg-req-5" data-level="REQUIRED">"#));
    assert!(main.contains(r#"href="../5-cross-cutting-requirements/#req-reg-req-5""#));
    assert!(main.contains("ids are provisional"));
    // A page: ids beside requirements, linked to the index; a row's anchor on its <tr>.
    let page = common::read(&out, "reg/5-cross-cutting-requirements/index.html");
    assert!(page.contains(r##"<a class="req-id" id="req-govstack-cfr-data-req-1" href="../requirements/#req-govstack-cfr-data-req-1""##), "{page}");
    assert!(page.contains(
        r#"<tr id="req-reg-req-5"><td><a class="req-id" href="../requirements/#req-reg-req-5""#
    ));
    // Heading anchors are untouched.
    assert!(
        page.contains(
            r#"<h3 id="id-1-records-are-encrypted-at-rest-required-immutable-observable">"#
        ),
        "{page}"
    );
    let print = common::read(&out, "reg/print/index.html");
    assert!(print.contains(">reg#req-20</a>"));
    // llms.txt: each page lists the ids it states; the book links its index.
    let llms = common::read(&out, "llms.txt");
    assert!(
        llms.contains(
            "- [Service APIs](/reg/8-service-apis/index.md): Every API answers in JSON (REQUIRED) \
             (requirements: reg#req-20)\n"
        ),
        "{llms}"
    );
    assert!(
        llms.contains(", reg#req-15, DRS-4, reg#req-16, reg#req-17, DRS-6, DRS-8, "),
        "{llms}"
    );
    assert!(
        llms.contains(
            "- [Requirements](/reg/requirements/): 26 requirements (17 REQUIRED, 5 RECOMMENDED, \
             4 OPTIONAL); every one with its id, level, statement and place in \
             [requirements.json](/reg/requirements.json), as a compliance checklist in \
             [checklist.csv](/reg/checklist.csv)\n"
        ),
        "{llms}"
    );
    // A page without requirements lists none.
    let data = llms
        .lines()
        .find(|l| l.starts_with("- [Data Structures]"))
        .expect("data page");
    assert!(!data.contains("requirements"), "{data}");
    for (path, bytes) in common::tree(&out) {
        if path.ends_with(".html") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("<!--req:"),
                "{path}"
            );
        }
    }
    // requirements.json per book and for the site; the checklist.
    let json: Value =
        serde_json::from_str(&common::read(&out, "reg/requirements.json")).expect("json");
    assert_eq!(json["urn"], "urn:specsite:reg");
    assert_eq!(json["requirements"].as_array().expect("reqs").len(), 26);
    let site: Value = serde_json::from_str(&common::read(&out, "requirements.json")).expect("json");
    assert_eq!(site["books"][0]["book"], "reg");
    let csv = common::read(&out, "reg/checklist.csv");
    assert!(csv.starts_with("\u{feff}book,version,id,"));
    assert_eq!(csv.matches("\r\n").count(), 27);
    let all = common::read(&out, "requirements/index.html");
    assert!(
        common::main_of(&all).contains(r#"<a href="../reg/requirements/">Registry</a>"#),
        "{all}"
    );
    // The README links to a requirement's anchor: no broken-anchor.
    let check = common::run(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&check.stdout).expect("json");
    assert!(
        !v["diagnostics"]
            .as_array()
            .expect("d")
            .iter()
            .any(|d| d["rule"] == "broken-anchor"),
        "{v}"
    );
}

#[test]
fn pages_in_the_reserved_requirements_paths_collide() {
    let (_tmp, root) = common::site(&[
        (
            "book/SUMMARY.md",
            "# Summary\n\n* [Intro](README.md)\n* [Requirements](requirements.md)\n* [Checklist](checklist.csv.md)\n",
        ),
        ("book/README.md", "# Intro\n"),
        ("book/requirements.md", "# Requirements\n"),
        ("book/checklist.csv.md", "# Checklist\n"),
    ]);
    let out = common::run(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let found: Vec<String> = v["diagnostics"]
        .as_array()
        .expect("d")
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["rule"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "output-collision book/checklist.csv.md",
            "output-collision book/requirements.md"
        ]
    );
}

#[test]
fn search_finds_requirements_by_id_alias_and_words() {
    let (_tmp, root) = common::copy_fixture("requirements/forms");
    let r = root.to_str().expect("utf-8");
    let first = |q: &str| -> (String, String, String) {
        let v = json_of(&["search", q, "--root", r, "--json"]);
        let hit = &v["results"][0];
        (
            hit["kind"].as_str().unwrap_or("").to_string(),
            hit["title"].as_str().unwrap_or("").to_string(),
            hit["url"].as_str().unwrap_or("").to_string(),
        )
    };
    assert_eq!(
        first("reg#req-5"),
        (
            "requirement".into(),
            "reg#req-5 (REQUIRED)".into(),
            "reg/5-cross-cutting-requirements/#req-reg-req-5".into()
        )
    );
    assert_eq!(first("DRS-6").1, "DRS-6 (REQUIRED)");
    assert_eq!(first("5.2.3").1, "reg#req-4 (REQUIRED)");
    assert_eq!(
        first("rate limits per client").1,
        "reg#req-17 (RECOMMENDED)"
    );
}
