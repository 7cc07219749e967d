//! Regression tests for reliability defects: each test is named after the
//! defect it guards against, and failed before its fix.

mod common;

use common::run;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Writes a small site of `files` (root-relative path → text) into a temp dir.
fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    (tmp, root)
}

/// The fastest of five runs of `small` and of `large`, run in turns (so
/// that a busy machine slows both alike), and how many times slower
/// `large` is.
fn cost_ratio(mut small: impl FnMut(), mut large: impl FnMut()) -> (Duration, Duration, f64) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut s, mut l) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        s = s.min(time(&mut small));
        l = l.min(time(&mut large));
    }
    (s, l, l.as_secs_f64() / s.as_secs_f64())
}

/// A one-book site whose page `a.md` is `page`.
fn one_page_site(page: &str) -> (tempfile::TempDir, PathBuf) {
    site(&[
        ("content/book/SUMMARY.md", "# Summary\n\n* [A](a.md)\n"),
        ("content/book/a.md", page),
    ])
}

fn analyse(root: &Path) -> specsite::Analysis {
    let opts = specsite::Options {
        root: root.to_path_buf(),
        skip_html: true,
        ..Default::default()
    };
    match specsite::analyse(&opts) {
        Ok(a) => a,
        Err(e) => panic!("analyse: {e}"),
    }
}

/// A page of `n` links to a page that exists, a few per line.
fn page_of_links(n: usize) -> String {
    let mut page = String::from("# Links\n\n");
    for i in 0..n {
        page.push_str(&format!("[link {i}](a.md) "));
        if i % 4 == 3 {
            page.push('\n');
        }
    }
    page
}

#[test]
fn quadratic_in_links_per_page() {
    // Eight times the links must cost about eight times as much (quadratic
    // cost made it up to 64).
    let (_t1, small) = one_page_site(&page_of_links(4_000));
    let (_t2, large) = one_page_site(&page_of_links(32_000));
    let a = analyse(&large);
    assert_eq!(a.docs[0].links.len(), 32_000);
    let (t_small, t_large, ratio) = cost_ratio(|| drop(analyse(&small)), || drop(analyse(&large)));
    assert!(
        ratio < 20.0,
        "4k links: {t_small:?}, 32k links: {t_large:?} (x{ratio:.1})"
    );
}

#[test]
fn quadratic_in_findings_per_file_for_machine_formats() {
    use specsite::diag::render::{render_report, Format, ReportOptions};
    use specsite::diag::{Diagnostic, Rule};
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let findings = |n: usize| {
        let line = "see [x](missing.md) here\n";
        let text: Arc<str> = Arc::from(line.repeat(n));
        let diags: Vec<Diagnostic> = (0..n)
            .map(|i| {
                let at = i * line.len() + 8;
                Diagnostic::new(Rule::BrokenLink, "a.md", at..at + 10, "broken")
            })
            .collect();
        let mut sources = BTreeMap::new();
        sources.insert("a.md".to_string(), text);
        (diags, sources)
    };
    let (small, small_src) = findings(4_000);
    let (large, large_src) = findings(32_000);
    for format in [Format::Json, Format::Sarif, Format::Github] {
        let opts = ReportOptions::default();
        let (t_small, t_large, ratio) = cost_ratio(
            || drop(render_report(format, &small, &small_src, &opts)),
            || drop(render_report(format, &large, &large_src, &opts)),
        );
        assert!(
            ratio < 20.0,
            "{format:?}: 4k findings {t_small:?}, 32k findings {t_large:?} (x{ratio:.1})"
        );
    }
    // And the positions are right: the last finding is on the last line.
    let report = render_report(Format::Json, &large, &large_src, &ReportOptions::default());
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    let last = &v["diagnostics"][32_000 - 1];
    assert_eq!(
        (last["line"].as_u64(), last["column"].as_u64()),
        (Some(32_000), Some(9))
    );
}

#[test]
fn cr_only_line_endings() {
    let page = "# Title\r\rSome text.\r\rSee [x](missing.md) here.\r";
    let (_t, root) = one_page_site(page);
    let out = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "broken-link")
        .unwrap();
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(9)),
        "{d}"
    );
    let human = run(&["check", "--root", root.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("content/book/a.md:5:9"), "{text}");
    assert!(!text.contains('\r'), "{text:?}");
}

#[test]
fn machine_formats_print_nothing_on_invalid_config() {
    let (_t, root) = site(&[
        ("specsite.yaml", "title: [unclosed\n"),
        ("content/book/SUMMARY.md", "* [A](a.md)\n"),
        ("content/book/a.md", "# A\n"),
    ]);
    let root = root.to_str().unwrap();
    for format in ["json", "sarif", "github"] {
        let out = run(&["check", "--root", root, "--format", format]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        match format {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let d = &v["diagnostics"][0];
                assert_eq!(d["rule"], "invalid-yaml", "{v}");
                assert_eq!(
                    (d["file"].as_str(), d["line"].as_u64()),
                    (Some("specsite.yaml"), Some(1))
                );
                assert_eq!(v["summary"]["errors"], 1);
            }
            "sarif" => {
                let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let r = &v["runs"][0]["results"][0];
                assert_eq!(r["ruleId"], "invalid-yaml", "{v}");
            }
            _ => assert!(
                stdout.starts_with("::error file=specsite.yaml,line=1,"),
                "{stdout}"
            ),
        }
    }
    // Without any book: still a report, holding the failure.
    let (_t2, empty) = site(&[("notes.txt", "nothing here\n")]);
    let out = run(&[
        "check",
        "--root",
        empty.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["rule"], "book-without-summary", "{v}");
    // build --format json prints it to stderr, where its report goes.
    let out = run(&["build", "--root", root, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let json_end = stderr.rfind("}\n").unwrap() + 2;
    let v: serde_json::Value = serde_json::from_str(&stderr[..json_end]).unwrap();
    assert_eq!(v["diagnostics"][0]["rule"], "invalid-yaml");
}

#[test]
fn search_limit_overflow_panics() {
    let (_t, root) = one_page_site("# Consent\n\nConsent management for people.\n");
    let cache = root.join(".cache");
    let out = run(&[
        "search",
        "consent",
        "--root",
        root.to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
        "--json",
        "--limit",
        "18446744073709551615",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["results"].as_array().unwrap().is_empty(), "{v}");
}
