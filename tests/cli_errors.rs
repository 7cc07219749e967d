//! Bad input through the real command line: findings with file:line:col and
//! exit 1, or one clear line and exit 2 — never a panic.

mod common;
use common::*;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn root_without_books_exits_2_naming_the_root() {
    let (_t, root) = copy_fixture("load-no-books");
    let out = root.parent().unwrap().join("out");
    let o = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no books found") && e.contains("SUMMARY.md"),
        "{e}"
    );
    assert!(!e.contains("panicked"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn unreadable_root_exits_2() {
    let o = run(&["check", "--root", "/nonexistent/specsite-root"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent/specsite-root"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn broken_config_exits_2_with_a_located_invalid_yaml() {
    let (_t, root) = copy_fixture("load-broken-config");
    let o = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("invalid-yaml") && e.contains("specsite.yaml:"),
        "{e}"
    );
}

#[test]
fn unknown_config_key_is_named() {
    let (_t, root) = copy_fixture("load-unknown-key");
    let o = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown field"), "{}", stderr(&o));
}

#[test]
fn bad_pages_are_findings_and_the_rest_still_builds() {
    // rustc-style location line: --> file:line:col
    let location = regex::Regex::new(r"--> [^\s]+:\d+:\d+").unwrap();
    for (fixture, rule) in [
        ("load-invalid-frontmatter", "invalid-yaml"),
        ("load-invalid-gitbook", "invalid-yaml"),
        ("load-non-utf8", "invalid-encoding"),
        ("load-missing-entry", "summary-missing-file"),
        ("load-no-summary", "book-without-summary"),
    ] {
        let (_t, root) = copy_fixture(fixture);
        let out = root.parent().unwrap().join("out");
        let o = run(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{fixture}: {e}");
        assert!(e.contains(&format!("error[{rule}]")), "{fixture}: {e}");
        assert!(location.is_match(&e), "{fixture}: {e}");
        assert!(
            out.join("index.html").exists(),
            "{fixture}: the site still builds"
        );
        assert!(!e.contains("panicked"));
    }
}

#[test]
fn init_writes_a_starter_that_builds_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("starter");
    assert_eq!(run(&["init", dir.to_str().unwrap()]).status.code(), Some(0));
    let o = run(&["check", "--root", dir.to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    let out = tmp.path().join("site");
    let o = run(&[
        "build",
        "--root",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Refuses a non-empty folder.
    assert_ne!(run(&["init", dir.to_str().unwrap()]).status.code(), Some(0));
}

#[test]
fn demo_site_checks_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(&["check", "--root", root.to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
