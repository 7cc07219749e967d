//! What every fuzz target shares: a small site on disk, loaded once, whose
//! files the targets replace in memory, and the checks made on every run
//! (no panic, a JSON report that parses, every position inside its file).
#![allow(dead_code)]

use specsite::content::Site;
use specsite::diag::render::{render_report, Format, ReportOptions};
use specsite::diag::Diagnostic;
use specsite::glossary::Glossary;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// The loaded fixture site and its glossary.
pub struct Fixture {
    pub site: Site,
    pub glossary: Glossary,
    pub dir: PathBuf,
}

const FILES: &[(&str, &str)] = &[
    ("specsite.yaml", "title: Fuzz\n"),
    (
        "content/book/SUMMARY.md",
        "# Summary\n\n* [A](a.md)\n* [B](b.md)\n* [Terminology](terminology.md)\n",
    ),
    ("content/book/a.md", "# A\n\nText.\n"),
    (
        "content/book/b.md",
        "# B\n\n## Section\n\nSee [A](a.md) and the Building Block.\n",
    ),
    (
        "content/book/terminology.md",
        "# Terminology\n\n### Registry\n\nA list of records.\n\n| Abbreviation | Meaning |\n| --- | --- |\n| API | Application Programming Interface |\n",
    ),
    (
        "content/book/api.yaml",
        "openapi: 3.0.0\ninfo:\n  title: Pets\n  version: '1'\npaths:\n  /pets:\n    get:\n      summary: List pets\n      responses:\n        '200':\n          description: ok\n",
    ),
    (
        "glossary/common.yaml",
        "- term: Building Block\n  definition: A reusable part.\n  avoid: [building-block]\n",
    ),
];

/// The fixture, loaded on first use (in the system's temp folder).
pub fn fixture() -> MutexGuard<'static, Fixture> {
    static F: OnceLock<Mutex<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("specsite-fuzz-{}", std::process::id()));
        for (path, text) in FILES {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let opts = specsite::Options {
            root: dir.clone(),
            ..Default::default()
        };
        let site = specsite::load(&opts).unwrap_or_else(|e| panic!("fixture loads: {e}"));
        let (glossary, _) = specsite::glossary::load_glossary(&site);
        Mutex::new(Fixture {
            site,
            glossary,
            dir,
        })
    })
    .lock()
    .unwrap_or_else(|e| e.into_inner())
}

impl Fixture {
    /// Replaces the text of page `file` (its front matter split again).
    pub fn set_page(&mut self, file: &str, text: &str) -> usize {
        let p = self.site.page_by_file[file];
        let (front, body_start, _) = specsite::content::frontmatter::split_front_matter(text);
        let page = &mut self.site.pages[p];
        page.source = Arc::from(text);
        page.front = front;
        page.body_start = body_start;
        self.site.sources.insert(file.to_string(), page.source.clone());
        p
    }

    /// Replaces the text of a non-page source (a glossary file).
    pub fn set_source(&mut self, file: &str, text: &str) {
        self.site.sources.insert(file.to_string(), Arc::from(text));
    }

    /// Parses every page, runs every check, renders the report: the checks
    /// every target makes.
    pub fn check_site(&mut self) {
        let (glossary, gdiags) = specsite::glossary::load_glossary(&self.site);
        self.glossary = glossary;
        let all: Vec<usize> = (0..self.site.pages.len()).collect();
        let docs = specsite::parse_docs(&self.site, &self.glossary, false, true, &all);
        let reqs = specsite::requirements::extract_site(&self.site, &docs);
        let diags =
            specsite::collect_diagnostics(&self.site, &self.glossary, &gdiags, &docs, &reqs);
        check_report(&diags, &self.site.sources);
    }

    /// Parses page `p` alone and checks its own findings.
    pub fn check_page(&self, p: usize) {
        let docs = specsite::parse_docs(&self.site, &self.glossary, false, true, &[p]);
        let diags: Vec<Diagnostic> =
            specsite::doc_diagnostics(&self.site, p, &docs[0]).collect();
        check_report(&diags, &self.site.sources);
    }
}

/// Every finding's span lies inside its file, and the JSON report parses
/// with every position inside its file.
pub fn check_report(
    diags: &[Diagnostic],
    sources: &std::collections::BTreeMap<String, Arc<str>>,
) {
    for d in diags {
        if let Some(text) = sources.get(&d.file) {
            assert!(
                d.span.start <= d.span.end && d.span.end <= text.len(),
                "{d:?} outside its file of {} bytes",
                text.len()
            );
        }
    }
    let json = render_report(Format::Json, diags, sources, &ReportOptions::default());
    let v: serde_json::Value = serde_json::from_str(&json).expect("the JSON report parses");
    for d in v["diagnostics"].as_array().expect("a diagnostics list") {
        let file = d["file"].as_str().unwrap_or("");
        let Some(text) = sources.get(file) else {
            continue;
        };
        let lines = specsite::diag::line_starts(text).len() as u64;
        let line = d["line"].as_u64().unwrap();
        let end_line = d["end_line"].as_u64().unwrap();
        assert!(
            line >= 1 && line <= end_line && end_line <= lines,
            "{d} outside {file} of {lines} lines"
        );
    }
}
