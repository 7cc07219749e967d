//! Integration tests for the loading stage: fixture sites under
//! `tests/fixtures/load-*/` and the GovStack corpus.

use specsite::content::{load_site, LoadError, LoadOptions, Site, SummaryItem};
use specsite::diag::{locate, Located};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn load(name: &str) -> Site {
    load_site(&LoadOptions { root: fixture(name), ..LoadOptions::default() }).expect("site loads")
}

/// Every diagnostic as `rule file:line:col`, in report order.
fn findings(site: &Site) -> Vec<String> {
    site.diagnostics
        .iter()
        .map(|d| {
            let l: Located = locate(d, site.sources.get(&d.file).map(|t| &**t));
            format!("{} {}:{}:{}", l.rule, l.file, l.line, l.column)
        })
        .collect()
}

/// The corpus, read in place; `None` (skip) when it is not on this machine.
fn corpus() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/govstack");
    let shared = PathBuf::from("/work/shared/corpus/govstack");
    let found = [beside, shared].into_iter().find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("GovStack corpus not found: skipping");
    }
    found
}

#[test]
fn corpus_loads_thirteen_books_and_their_summary_pages() {
    let Some(root) = corpus() else { return };
    let start = std::time::Instant::now();
    let site = load_site(&LoadOptions { root, ..LoadOptions::default() }).expect("corpus loads");
    eprintln!("loaded in {:?}", start.elapsed());
    assert_eq!(site.books.len(), 13);
    let reached = site.pages.iter().filter(|p| p.in_summary).count();
    for d in &site.diagnostics {
        eprintln!("{:?} {} {}", d.rule, d.file, d.message);
    }
    assert_eq!(reached, 234);
}
