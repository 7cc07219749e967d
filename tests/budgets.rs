//! Size budgets on the real corpus, so that API pages stay light as specs
//! grow: no page over max(400 kB, 3 × the bytes of the spec files it draws),
//! no print view over 4 MB, page chrome that does not repeat the book's
//! navigation, and the whole HTML output well under what the build wrote
//! before named schemas were drawn once.
//!
//! Runs on the GovStack corpus (`../shared/corpus/govstack`); without it the
//! test says so and checks nothing (`tests/common::corpus`).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// Total bytes of the `.html` files that commit 7dccc61 (before named schemas
/// were drawn once) wrote for the corpus: measured with that commit's release
/// binary, `specsite build --root ../shared/corpus/govstack --out X`, then
/// `find X -name '*.html' -printf '%s\n'` summed.
const HTML_BYTES_AT_7DCCC61: u64 = 16_582_925;
// Its heaviest page was consent/8-service-apis/ (737,693 bytes), its largest
// print view consent/print/ (931,203 bytes), measured the same way.

/// The page chrome (everything outside `<main>` but the page's own "On this
/// page" list) of a page that loads its book's shared sidebar: a page that
/// drew its book's navigation again (4.6 kB on average, up to 15 kB), the
/// header's search box and theme toggle (0.9 kB), a site footer (0.36 kB)
/// or an inline theme script would not pass it. The corpus's pages carry
/// 1.9 kB on average (long titles and descriptions make the most).
const CHROME_MAX: u64 = 3_300;

/// The whole HTML output of the corpus: at most half of what 7dccc61 wrote
/// (16,582,925 B). The way down, in docs/bench.md: 9,234,579 B with the page
/// chrome cut down, tooltips in one script per book and print views without
/// term links; 9,001,902 B with leaner API tables and print views; 8,651,063 B
/// once pages stopped repeating their URL, a colour-scheme meta, a second
/// stylesheet and the search script's tag, among others; 8,276,370 B once the
/// page frame dropped its classes (the stylesheet finds its parts by place),
/// Open Graph stopped repeating the title and description, and page bodies
/// lost the line breaks between block elements.
const HTML_MAX: u64 = HTML_BYTES_AT_7DCCC61 / 2;

const PAGE_FLOOR: u64 = 400_000;
const PRINT_MAX: u64 = 4_000_000;

fn html_files(dir: &Path) -> Vec<(String, u64, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        let p = e.path();
        if p.extension().is_some_and(|x| x == "html") {
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let text = std::fs::read_to_string(p).unwrap();
            out.push((rel, text.len() as u64, text));
        }
    }
    out.sort();
    out
}

/// The spec files a page draws schemas from (`data-schema="<file>#<name>"`).
fn spec_files(html: &str) -> BTreeSet<&str> {
    html.match_indices(" data-schema=\"")
        .filter_map(|(i, m)| {
            let rest = &html[i + m.len()..];
            let value = &rest[..rest.find('"')?];
            Some(value.rsplit_once('#').map_or(value, |(f, _)| f))
        })
        .collect()
}

#[test]
fn corpus_pages_print_views_and_output_stay_within_budget() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    common::build(&corpus, &out, true);
    let files = html_files(&out);
    let mut total = 0;
    let mut api_pages = 0;
    let mut over = Vec::new();
    let mut sharing = 0;
    for (rel, bytes, html) in &files {
        total += bytes;
        if html.contains("assets/nav/") {
            sharing += 1;
            let chrome = chrome_bytes(html);
            if chrome > CHROME_MAX {
                over.push(format!("{rel}: {chrome} bytes of chrome > {CHROME_MAX}"));
            }
        }
        if rel.contains("print/") {
            if *bytes > PRINT_MAX {
                over.push(format!("print view {rel}: {bytes} bytes > {PRINT_MAX}"));
            }
            continue;
        }
        let specs = spec_files(html);
        if !specs.is_empty() {
            api_pages += 1;
        }
        let spec_bytes: u64 = specs
            .iter()
            .map(|f| std::fs::metadata(corpus.join(f)).map_or(0, |m| m.len()))
            .sum();
        let limit = PAGE_FLOOR.max(3 * spec_bytes);
        if *bytes > limit {
            over.push(format!("{rel}: {bytes} bytes > {limit} (specs {specs:?})"));
        }
    }
    assert!(over.is_empty(), "over budget:\n{}", over.join("\n"));
    // The corpus has API pages, and the budget saw them.
    assert!(api_pages >= 5, "{api_pages} pages draw named schemas");
    // Most pages share their book's navigation (the others: book home
    // pages, print views and the pages outside any book).
    assert!(sharing >= 400, "{sharing} pages load a shared navigation");
    // At most half of what 7dccc61 wrote (docs/bench.md has the way down).
    assert!(
        total <= HTML_MAX,
        "{total} bytes of HTML, more than {HTML_MAX} ({} % of {HTML_BYTES_AT_7DCCC61} at 7dccc61)",
        total * 100 / HTML_BYTES_AT_7DCCC61
    );
}

/// Bytes of a page outside `<main>…</main>`, less its "On this page" list.
fn chrome_bytes(html: &str) -> u64 {
    let inner = match (html.find("<main"), html.rfind("</main>")) {
        (Some(a), Some(b)) if a < b => b - a,
        _ => 0,
    };
    let toc = match (html.find("<aside class=\"toc\""), html.find("</aside>")) {
        (Some(a), Some(b)) if a < b => b - a,
        _ => 0,
    };
    (html.len() - inner - toc) as u64
}
