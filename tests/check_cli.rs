//! `specsite check` as CI and pre-commit run it: report formats, exit codes,
//! the `FILE...` filter and `--changed-since` in a real git repository.

mod common;

use serde_json::Value;

fn fixture(case: &str) -> String {
    common::fixture(&format!("checks/{case}"))
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

#[test]
fn json_report_has_every_documented_field() {
    let out = common::run(&[
        "check",
        "--root",
        &fixture("spec-prefix"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["summary"]["errors"], 5);
    assert_eq!(v["summary"]["warnings"], 0);
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "broken-link");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "bb/spec/README.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(13))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(34))
    );
    assert_eq!(
        d["suggestion"],
        "the path includes the repository's `spec/` folder; from this page it is `terms.md#privacy`"
    );
}

#[test]
fn sarif_report_parses_back_with_rules_and_regions() {
    let out = common::run(&[
        "check",
        "--root",
        &fixture("html-links"),
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("sarif is json");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        assert!(rules.contains(&id), "{id} not in {rules:?}");
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx], id);
    }
    let srcset = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap_or("")
                .contains("dark pic.png")
        })
        .expect("the srcset finding");
    assert_eq!(srcset["ruleId"], "missing-asset");
    let loc = &srcset["locations"][0]["physicalLocation"];
    let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
    assert!(
        uri.ends_with("tests/fixtures/checks/html-links/book/README.md"),
        "{uri}"
    );
    assert_eq!(loc["region"]["startLine"], 10);
    assert_eq!(loc["region"]["startColumn"], 34);
    assert_eq!(loc["region"]["endColumn"], 62);
}

#[test]
fn github_annotations_name_the_file_from_the_repository_top() {
    let out = common::run(&[
        "check",
        "--root",
        &fixture("gitbook-markers"),
        "--format",
        "github",
    ]);
    let text = stdout(&out);
    let first = text.lines().next().expect("an annotation");
    assert_eq!(
        first,
        "::error file=tests/fixtures/checks/gitbook-markers/book/README.md,line=3,col=15,endLine=3,endColumn=31,title=broken-link::`broken-reference` is GitBook's marker for a link whose target page was moved or deleted%0Ahelp: point the link at the page's current path"
    );
    assert_eq!(text.lines().filter(|l| l.starts_with("::error")).count(), 3);
}

#[test]
fn deny_warnings_turns_a_warning_only_report_into_a_failure() {
    let root = fixture("rules-override");
    let plain = common::run(&["check", "--root", &root]);
    assert_eq!(plain.status.code(), Some(0));
    let strict = common::run(&["check", "--root", &root, "--deny-warnings"]);
    assert_eq!(strict.status.code(), Some(1));
    // mailto:, tel: and external links are no warnings; the fixture's
    // javascript:, ftp: and data: links are `unsafe-link` warnings.
    let special = common::run(&["check", "--root", &fixture("special-links")]);
    assert_eq!(special.status.code(), Some(0));
    let clean = common::run(&[
        "check",
        "--root",
        &fixture("special-links"),
        "--deny-warnings",
    ]);
    assert_eq!(clean.status.code(), Some(1));
    let clean = common::run(&[
        "check",
        "--root",
        &format!("{}/tests/fixtures/serve", env!("CARGO_MANIFEST_DIR")),
        "--deny-warnings",
    ]);
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn unreadable_root_is_exit_two() {
    let out = common::run(&["check", "--root", "/nonexistent/specsite-root"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn file_arguments_keep_only_their_findings() {
    let root = common::fixture("checks/broken-link");
    let out = common::bin()
        .current_dir(&root)
        .args([
            "check",
            "--root",
            ".",
            "--format",
            "json",
            "book/guide/setup.md",
        ])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files, ["book/guide/setup.md"]);
    assert_eq!(out.status.code(), Some(1));
    // A file without findings: nothing left, success.
    let out = common::bin()
        .current_dir(&root)
        .args(["check", "--root", ".", "book/notes.md"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn changed_since_keeps_findings_on_links_into_changed_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let book = root.join("book");
    std::fs::create_dir_all(&book).expect("mkdir");
    let write = |name: &str, text: &str| std::fs::write(book.join(name), text).expect("write");
    write(
        "SUMMARY.md",
        "# Summary\n\n* [A](a.md)\n* [B](b.md)\n* [C](c.md)\n",
    );
    write("a.md", "# A\n\n## Setup\n\nText.\n");
    write("b.md", "# B\n\nSee [setup](a.md#setup).\n");
    write("c.md", "# C\n\nAn old [broken link](gone.md).\n");
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "start"]);
    common::git(root, &["tag", "base"]);
    // Rename the heading in A: the link in B breaks, though B did not change.
    write("a.md", "# A\n\n## Installation\n\nText.\n");
    let root_s = root.to_str().expect("utf-8");
    let all = common::run(&["check", "--root", root_s, "--format", "json"]);
    let v: Value = serde_json::from_slice(&all.stdout).expect("json");
    assert_eq!(v["summary"]["errors"], 2, "{v}");
    let changed = common::run(&[
        "check",
        "--root",
        root_s,
        "--format",
        "json",
        "--changed-since",
        "base",
    ]);
    let v: Value = serde_json::from_slice(&changed.stdout).expect("json");
    let kept: Vec<String> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["rule"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"]
            )
        })
        .collect();
    // B's finding stays (its target A changed); C's old one is left out.
    assert_eq!(kept, ["broken-anchor book/b.md:3:13"]);
    assert_eq!(changed.status.code(), Some(1));
    // Committed changes count too; an unknown revision is exit 2.
    common::git(root, &["commit", "-qam", "rename"]);
    let again = common::run(&["check", "--root", root_s, "--changed-since", "base"]);
    assert_eq!(again.status.code(), Some(1));
    let bad = common::run(&["check", "--root", root_s, "--changed-since", "no-such-rev"]);
    assert_eq!(bad.status.code(), Some(2));
}
