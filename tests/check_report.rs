//! The `check` back-end end to end through the public API, on an in-memory
//! site: link checks → config → file filter → report → exit code.

use specsite::checks::{apply_config, check_links, exit_code, filter_report};
use specsite::config::Config;
use specsite::content::{Book, Page, Site};
use specsite::diag::render::{render_report, Format, ReportOptions};
use specsite::diag::{sort_diagnostics, Rule};
use specsite::markdown::{Doc, Link, LinkKind};
use specsite::resolve::Target;
use std::collections::BTreeSet;
use std::sync::Arc;

const A: &str = "# A\n\n[b](b.md#missing) [gone](gone.md)\n<!-- specsite-allow: broken-link -->\n[old](old.md)\n";
const B: &str = "# B\n\n## Setup\n\n![x](../../outside.png)\n";

fn page(book: usize, file: &str, text: &str) -> Page {
    Page {
        book,
        file: file.into(),
        path: file.rsplit('/').next().unwrap().into(),
        slug: String::new(),
        source: Arc::from(text),
        front: Default::default(),
        body_start: 0,
        summary_title: None,
        in_summary: true,
        terminology: false,
        common_terminology: false,
    }
}

fn link(text: &str, dest: &str, kind: LinkKind, target: Target) -> Link {
    let start = text.find(dest).unwrap();
    Link {
        kind,
        dest: dest.into(),
        span: start..start + dest.len(),
        target,
    }
}

fn fixture() -> (Site, Vec<Doc>) {
    let mut site = Site::default();
    site.books.push(Book {
        id: "bb".into(),
        repo_dir: "bb".into(),
        url_prefixes: vec!["bb".into()],
        ..Default::default()
    });
    site.pages = vec![page(0, "bb/a.md", A), page(0, "bb/b.md", B)];
    for (i, p) in site.pages.iter().enumerate() {
        site.page_by_file.insert(p.file.clone(), i);
        site.sources.insert(p.file.clone(), p.source.clone());
    }
    let missing = |p: &str| Target::Missing {
        path: p.into(),
        fragment: None,
    };
    let a = Doc {
        anchors: ["a".to_string()].into(),
        links: vec![
            link(
                A,
                "b.md#missing",
                LinkKind::Link,
                Target::Page {
                    page: 1,
                    fragment: Some("missing".into()),
                },
            ),
            link(A, "gone.md", LinkKind::Link, missing("bb/gone.md")),
            link(A, "old.md", LinkKind::Link, missing("bb/old.md")),
        ],
        ..Default::default()
    };
    let b = Doc {
        anchors: ["b".to_string(), "setup".to_string()].into(),
        links: vec![link(
            B,
            "../../outside.png",
            LinkKind::Image,
            Target::OutsideRoot,
        )],
        ..Default::default()
    };
    (site, vec![a, b])
}

fn run(config: &str, keep: Option<&[&str]>) -> Vec<specsite::diag::Diagnostic> {
    let (site, docs) = fixture();
    let mut diags = check_links(&site, &docs);
    apply_config(&mut diags, &Config::parse(config).unwrap(), &site.sources);
    if let Some(keep) = keep {
        let keep: BTreeSet<String> = keep.iter().map(|s| s.to_string()).collect();
        diags = filter_report(diags, &keep, &site, &docs);
    }
    sort_diagnostics(&mut diags);
    diags
}

#[test]
fn whole_site_report_in_json_with_suppression_applied() {
    let diags = run("", None);
    let (site, _) = fixture();
    let json = render_report(
        Format::Json,
        &diags,
        &site.sources,
        &ReportOptions::default(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    // `old.md` is allowed by the comment above it.
    assert_eq!(rules, ["broken-anchor", "broken-link", "path-outside-root"]);
    assert_eq!(v["summary"]["errors"], 3);
    assert_eq!(exit_code(&diags, false), 1);
}

#[test]
fn rules_off_and_lowered_change_the_exit_code() {
    let diags = run(
        "rules:\n  broken-anchor: off\n  broken-link: warning\n  path-outside-root: info\n",
        None,
    );
    assert_eq!(
        diags.iter().map(|d| d.rule).collect::<Vec<_>>(),
        [Rule::BrokenLink, Rule::PathOutsideRoot]
    );
    assert_eq!(exit_code(&diags, false), 0);
    assert_eq!(exit_code(&diags, true), 1);
}

#[test]
fn changing_a_page_reports_links_into_it_from_elsewhere() {
    let diags = run("", Some(&["bb/b.md"]));
    let got: Vec<(&str, Rule)> = diags.iter().map(|d| (d.file.as_str(), d.rule)).collect();
    assert_eq!(
        got,
        [
            ("bb/a.md", Rule::BrokenAnchor),
            ("bb/b.md", Rule::PathOutsideRoot)
        ]
    );
}

#[test]
fn github_and_sarif_agree_on_positions() {
    let diags = run("", Some(&["bb/a.md"]));
    let (site, _) = fixture();
    let opts = ReportOptions {
        color: false,
        git_prefix: "specs".into(),
        ..Default::default()
    };
    let gh = render_report(Format::Github, &diags, &site.sources, &opts);
    assert!(
        gh.starts_with(
            "::error file=specs/bb/a.md,line=3,col=5,endLine=3,endColumn=17,title=broken-anchor::"
        ),
        "{gh}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&render_report(Format::Sarif, &diags, &site.sources, &opts)).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_i64(), region["startColumn"].as_i64()),
        (Some(3), Some(5))
    );
}
