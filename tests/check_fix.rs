//! `check --fix`, `--diff` and the fixes in reports, over
//! `tests/fixtures/fix-all/`: a book with one defect of every fixable kind
//! (a discouraged variant, a renumbered page, a link through the
//! repository's `spec/` folder, a fragment differing in case, a fragment
//! missing GitBook's `id-` prefix on an explicit id, an image whose name
//! differs in case, a requirement level tag in lower case in a list item
//! and in a table's level column), in a file with CRLF line ends, beside a
//! file with a BOM and no final newline.

mod common;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("under root");
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

fn report(root: &str) -> Vec<Value> {
    let out = common::run(&["check", "--root", root, "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["diagnostics"].as_array().expect("diagnostics").clone()
}

#[test]
fn fix_removes_every_fixable_finding_and_changes_nothing_else() {
    let (_tmp, root) = common::copy_fixture("fix-all");
    let r = root.to_str().expect("utf-8");
    let before = files(&root);
    let found = report(r);
    let rules: BTreeSet<&str> = found.iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        BTreeSet::from([
            "broken-anchor",
            "broken-link",
            "missing-asset",
            "req-keyword-case",
            "term-variant"
        ])
    );
    assert_eq!(found.len(), 9);
    assert!(
        found.iter().all(|d| d["fix"]["safety"] == "safe"),
        "{found:#?}"
    );
    // The lines that had findings, per file.
    let mut lines: BTreeSet<(String, usize)> = BTreeSet::new();
    for d in &found {
        lines.insert((
            d["file"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap() as usize,
        ));
    }

    // --diff prints the edits and writes nothing.
    let diff = common::run(&["check", "--root", r, "--diff"]);
    assert_eq!(diff.status.code(), Some(1));
    let text = String::from_utf8(diff.stdout).unwrap();
    assert!(
        text.contains("--- a/bb/spec/README.md\n+++ b/bb/spec/README.md\n"),
        "{text}"
    );
    assert!(text.contains("+See [setup](3-setup.md) and"), "{text}");
    assert_eq!(files(&root), before);

    let fixed = common::run(&["check", "--root", r, "--fix"]);
    assert_eq!(fixed.status.code(), Some(0));
    let err = String::from_utf8(fixed.stderr).unwrap();
    assert!(
        err.contains("fixed 9 finding(s) (broken-anchor: 2, broken-link: 2, missing-asset: 1, req-keyword-case: 2, term-variant: 2)"),
        "{err}"
    );
    assert!(report(r).is_empty());
    let after = files(&root);
    for (file, old) in &before {
        let new = &after[file];
        let old_lines: Vec<&[u8]> = old.split(|&b| b == b'\n').collect();
        let new_lines: Vec<&[u8]> = new.split(|&b| b == b'\n').collect();
        assert_eq!(old_lines.len(), new_lines.len(), "{file}: line count");
        for (i, (o, n)) in old_lines.iter().zip(&new_lines).enumerate() {
            if o != n {
                assert!(
                    lines.contains(&(file.clone(), i + 1)),
                    "{file}:{} changed",
                    i + 1
                );
                // Line ends stay as they were.
                assert_eq!(o.ends_with(b"\r"), n.ends_with(b"\r"), "{file}:{}", i + 1);
            }
        }
    }
    assert_eq!(
        after["bb/spec/README.md"],
        b"# Home\r\n\r\nEach Building Block is described here.\r\n\r\nSee [setup](3-setup.md) and the [setup steps](3-setup.md#install-steps).\r\n\r\nThe [old id](3-setup.md#id-legacy) and the [digits](3-setup.md#4.1-options).\r\n\r\n![Diagram](.gitbook/assets/diagram.png)\r\n\r\nA line nobody touches.\r\n"
    );
    assert_eq!(after["bb/spec/3-setup.md"], before["bb/spec/3-setup.md"]);
    // The tag is upper-cased, not the same word earlier in the item.
    let reqs = String::from_utf8(after["bb/spec/6-functional-requirements.md"].clone()).unwrap();
    assert!(
        reqs.contains("* Records in the optional archive can be exported (OPTIONAL)\n"),
        "{reqs}"
    );
    assert!(
        reqs.contains("| Exports are compressed | RECOMMENDED |\n"),
        "{reqs}"
    );

    // A second run changes nothing.
    let again = common::run(&["check", "--root", r, "--fix"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8(again.stderr)
        .unwrap()
        .contains("no fixes applied"));
    assert_eq!(files(&root), after);
}

#[test]
fn fix_with_files_edits_only_those_files() {
    let (_tmp, root) = common::copy_fixture("fix-all");
    let r = root.to_str().expect("utf-8");
    let before = files(&root);
    let flows = root.join("bb/spec/use-cases/flows.md");
    let out = common::run(&["check", "--root", r, "--fix", flows.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let after = files(&root);
    let changed: Vec<&String> = before.keys().filter(|f| before[*f] != after[*f]).collect();
    assert_eq!(changed, ["bb/spec/use-cases/flows.md"]);
    // What is left is reported: the other file's findings are outside FILE..., so none.
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("fixed 2 finding(s)"));
}

/// An HTML `src` through the repository's `spec/` folder: the fix drops the
/// folder and keeps the author's spelling of the file name, parentheses
/// included (they are valid in a URL path), in both HTML and markdown.
#[test]
fn fix_keeps_the_authors_spelling_of_an_asset_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = tmp.path().join("bb/spec");
    std::fs::create_dir_all(spec.join(".gitbook/assets")).unwrap();
    std::fs::write(tmp.path().join("bb/.gitbook.yaml"), "root: ./spec/\n").unwrap();
    std::fs::write(
        spec.join("SUMMARY.md"),
        "# Summary\n\n* [Home](README.md)\n",
    )
    .unwrap();
    std::fs::write(spec.join(".gitbook/assets/image (1).png"), b"png").unwrap();
    std::fs::write(
        spec.join("README.md"),
        "# Home\n\n<img src=\"spec/.gitbook/assets/image (1).png\" alt=\"x\">\n\n\
         ![y](spec/.gitbook/assets/image%20(1).png)\n",
    )
    .unwrap();
    let r = tmp.path().to_str().unwrap();
    let out = common::run(&["check", "--root", r, "--fix"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let after = std::fs::read_to_string(spec.join("README.md")).unwrap();
    assert_eq!(
        after,
        "# Home\n\n<img src=\".gitbook/assets/image%20(1).png\" alt=\"x\">\n\n\
         ![y](.gitbook/assets/image%20(1).png)\n"
    );
}
