//! A definition taken from a terminology page keeps working links on its
//! term page: links and images in it were written relative to the page's
//! source file, and the term page lives elsewhere (`<book>/glossary/<slug>/`).

mod common;

const PNG: &str = "\u{89}PNG\r\n";

#[test]
fn term_pages_resolve_the_links_and_images_of_page_definitions() {
    let (tmp, root) = common::site(&[
        (
            "ledger/SUMMARY.md",
            "# Summary\n\n* [Ledger](README.md)\n* [Keeping](guide/keeping.md)\n* [3 Terminology](guide/3-terminology.md)\n",
        ),
        ("ledger/README.md", "# Ledger\n\nA book about ledgers.\n"),
        (
            "ledger/guide/keeping.md",
            "# Keeping\n\n## Daily close\n\nEntries are closed daily.\n",
        ),
        (
            "ledger/guide/3-terminology.md",
            "# 3 Terminology\n\n### Entry book\n\nA record of entries, closed as in [the daily close](keeping.md#daily-close), drawn in ![the flow](../diagrams/flow.png); see also [Journal](#journal) and [the book](../README.md).\n\n### Journal\n\nA daily list of entries.\n",
        ),
        ("ledger/diagrams/flow.png", PNG),
    ]);
    let out = tmp.path().join("out");
    common::build(&root, &out, false);

    let term = out.join("ledger/glossary/entry-book/index.html");
    let html = std::fs::read_to_string(&term).unwrap();
    let main = common::main_of(&html);
    for expected in [
        "href=\"../../guide/keeping/#daily-close\"",
        "src=\"../../diagrams/flow.png\"",
        "href=\"../../guide/3-terminology/#journal\"",
        "href=\"../../\"",
    ] {
        assert!(main.contains(expected), "{expected} missing from {main}");
    }
    // Every relative link and image of the term page's content lands.
    let dir = term.parent().unwrap();
    let mut checked = 0;
    for (i, _) in main.match_indices(['"']) {
        let before = &main[..i];
        if !(before.ends_with(" href=") || before.ends_with(" src=")) {
            continue;
        }
        let value = &main[i + 1..i + 1 + main[i + 1..].find('"').unwrap()];
        if value.starts_with('#') || value.contains("://") {
            continue;
        }
        let path = value.split('#').next().unwrap();
        let target = dir.join(path);
        let target = if path.is_empty() || path.ends_with('/') {
            target.join("index.html")
        } else {
            target
        };
        assert!(target.exists(), "{value} on the term page names nothing");
        checked += 1;
    }
    assert!(checked >= 4, "{checked} links checked");
}
