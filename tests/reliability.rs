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

/// The fastest of three runs of `f`.
fn fastest(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
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
    // Four times the links must cost about four times as much (quadratic
    // cost made it sixteen).
    let (_t1, small) = one_page_site(&page_of_links(5_000));
    let (_t2, large) = one_page_site(&page_of_links(20_000));
    let a = analyse(&large);
    assert_eq!(a.docs[0].links.len(), 20_000);
    let t_small = fastest(|| drop(analyse(&small)));
    let t_large = fastest(|| drop(analyse(&large)));
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    assert!(
        ratio < 8.0,
        "5k links: {t_small:?}, 20k links: {t_large:?} (x{ratio:.1})"
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
    let (small, small_src) = findings(8_000);
    let (large, large_src) = findings(32_000);
    for format in [Format::Json, Format::Sarif, Format::Github] {
        let opts = ReportOptions::default();
        let t_small = fastest(|| drop(render_report(format, &small, &small_src, &opts)));
        let t_large = fastest(|| drop(render_report(format, &large, &large_src, &opts)));
        let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
        assert!(
            ratio < 8.0,
            "{format:?}: 8k findings {t_small:?}, 32k findings {t_large:?} (x{ratio:.1})"
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
