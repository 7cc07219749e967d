//! The published site's derived outputs (DESIGN.md §3): the one-page print
//! view, `sitemap.xml`, `llms.txt`, each page's markdown source, `404.html`,
//! description/Open Graph meta, and `.gitbook.yaml` redirect pages.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn build(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let (t, root) = copy_fixture("site-versions");
    let out = t.path().join("out");
    let mut all = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let o = run(&all);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    (t, out)
}

fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let s = &html[i + pat.len()..];
            &s[..s.find('"').expect("closing quote")]
        })
        .collect()
}

#[test]
fn print_view_holds_every_page_in_summary_order_with_in_page_links() {
    let (_t, out) = build(&[]);
    let html = read(&out, "guide/print/index.html");
    let main = main_of(&html);
    // SUMMARY order: README, Setup, Tuning, Compass, Terminology, one section each.
    let markers = [
        "Start with",
        "Two-point-oh",
        "Turn slowly",
        "North is up",
        "magnetised",
    ];
    let starts: Vec<usize> = (0..markers.len())
        .map(|i| {
            // Top-level pages carry no depth class.
            let depth = if i == 2 { " print-depth-1" } else { "" };
            main.find(&format!("<section class=\"print-page{depth}\" id=\"p{i}\""))
                .unwrap_or_else(|| panic!("section p{i} missing"))
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    for (i, m) in markers.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(main.len());
        assert!(main[starts[i]..end].contains(m), "section p{i} lacks {m}");
    }
    // Every id is unique.
    let ids = attr_values(main, "id");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids: {ids:?}");
    // Links between pages of the book are in-page anchors that exist.
    for h in attr_values(main, "href")
        .iter()
        .filter(|h| h.starts_with('#'))
    {
        assert!(
            unique.contains(&h[1..]),
            "{h} names no id in the print view"
        );
    }
    // setup.md → setup/tuning.md#fine-tuning, tuning.md → ../setup.md#checklist.
    let section = |n: usize| format!("id=\"p{n}\"");
    assert!(main.contains(&section(2)));
    assert!(main.contains("href=\"#p2-fine-tuning\""), "{main}");
    assert!(main.contains("href=\"#p1-checklist\""), "{main}");
    assert!(main.contains("href=\"#p3-bearings\""), "{main}");
    // A heading that starts with a digit has two anchors on its page (GitBook's
    // current and older forms); the print view keeps the current one, and a
    // link to either lands on it.
    assert_eq!(
        main.matches("href=\"#p3-id-3.2-declination\"").count(),
        2,
        "{main}"
    );
    assert!(
        main.contains("<h2 id=\"p3-id-3.2-declination\">3.2 Declination"),
        "{main}"
    );
    assert!(!main.contains("id=\"p3-3.2-declination\""), "{main}");
    let compass = read(&out, "guide/compass/index.html");
    assert!(
        compass.contains("<h2 id=\"id-3.2-declination\"><a id=\"3.2-declination\"></a>"),
        "{compass}"
    );
    // Links leaving the book and images are correct from the print URL.
    assert!(main.contains("href=\"../../other/\""), "{main}");
    assert!(main.contains("src=\"../images/kit.svg\""), "{main}");
    assert!(out.join("guide/images/kit.svg").is_file());
    // Term links become their words: the book's pages link the terms.
    assert!(
        main.contains("Place a Beacon before you start. Calibrate the Needle as"),
        "{main}"
    );
    assert!(!main.contains("class=\"term\""), "{main}");
    let page = read(&out, "guide/setup/index.html");
    assert!(page.contains("href=\"../../glossary/beacon/\""), "{page}");
    // The older version has its own print view, of its own pages.
    let old = read(&out, "guide/1.0/print/index.html");
    assert!(old.contains("One-point-oh") && !old.contains("North is up"));
}

#[test]
fn sitemap_is_xml_listing_every_page_once() {
    let (_t, out) = build(&[]);
    let xml = read(&out, "sitemap.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset"));
    assert!(xml.trim_end().ends_with("</urlset>"));
    assert_eq!(xml.matches("<url>").count(), xml.matches("</url>").count());
    let locs: Vec<&str> = xml
        .split("<loc>")
        .skip(1)
        .map(|s| &s[..s.find("</loc>").expect("</loc>")])
        .collect();
    let set: BTreeSet<&str> = locs.iter().copied().collect();
    assert_eq!(set.len(), locs.len(), "a location is listed twice");
    for u in [
        "https://specs.example.org/",
        "https://specs.example.org/guide/",
        "https://specs.example.org/guide/setup/tuning/",
        "https://specs.example.org/guide/compass/",
        "https://specs.example.org/guide/1.0/setup/",
        "https://specs.example.org/other/",
        "https://specs.example.org/glossary/beacon/",
        "https://specs.example.org/guide/glossary/needle/",
    ] {
        assert!(set.contains(u), "{u} missing from {locs:?}");
    }
    // Duplicates of the latest under its label and redirect pages are not listed.
    assert!(!locs.iter().any(|l| l.contains("/guide/2.0/")), "{locs:?}");
    assert!(!locs.iter().any(|l| l.contains("old-name")), "{locs:?}");
    // Every listed location exists in the output.
    for l in &locs {
        let rel = l.trim_start_matches("https://specs.example.org/");
        assert!(out.join(rel).join("index.html").is_file(), "{l}");
    }
}

#[test]
fn llms_txt_lists_books_and_pages_with_descriptions_and_sources() {
    let (_t, out) = build(&[]);
    let txt = read(&out, "llms.txt");
    assert!(txt.starts_with("# Versioned Specs\n"), "{txt}");
    assert!(txt.contains("\n## Field Guide\n"), "{txt}");
    assert!(txt.contains("\n## Other Book\n"), "{txt}");
    // Pages of the latest version, linking to their markdown source, with the
    // front matter description (else the first sentence).
    assert!(
        txt.contains("- [Setup](https://specs.example.org/guide/setup/index.md): How to set up your kit (2.0)."),
        "{txt}"
    );
    assert!(
        txt.contains("(https://specs.example.org/guide/compass/index.md): Only in version 2.0."),
        "{txt}"
    );
    assert!(
        !txt.contains("(1.0)"),
        "older versions are not listed: {txt}"
    );
    // Each listed source exists beside its page and holds the markdown.
    let src = read(&out, "guide/setup/index.md");
    assert!(
        src.starts_with("---\ndescription: How to set up your kit (2.0).")
            && src.contains("## Checklist")
    );
    assert!(read(&out, "guide/1.0/setup/index.md").contains("One-point-oh"));
}

#[test]
fn pages_carry_description_and_open_graph_meta() {
    let (_t, out) = build(&[]);
    let html = read(&out, "guide/setup/index.html");
    assert!(html.contains("<meta name=\"description\" content=\"How to set up your kit (2.0).\">"));
    // Link previews take the title and description from `<title>` and the
    // description; Open Graph adds only what those do not say.
    assert!(html.contains("<title>Setup · "));
    assert!(html.contains("<meta property=\"og:site_name\" content=\""));
    for said_elsewhere in ["og:title", "og:description", "og:type"] {
        assert!(!html.contains(said_elsewhere), "{said_elsewhere}");
    }
    assert!(html
        .contains("<meta property=\"og:url\" content=\"https://specs.example.org/guide/setup/\">"));
}

#[test]
fn gitbook_redirects_lead_to_their_targets() {
    let (_t, out) = build(&[]);
    for (page, target) in [
        ("other/old-name/index.html", "../"),
        ("other/moved/deep/index.html", "../../"),
    ] {
        let html = read(&out, page);
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
            )),
            "{page}: {html}"
        );
    }
    let (_t2, off) = build(&["--offline"]);
    let html = read(&off, "other/old-name/index.html");
    assert!(html.contains("url=../index.html\""), "{html}");
}

#[test]
fn not_found_page_works_at_any_depth() {
    let (_t, out) = build(&[]);
    let html = read(&out, "404.html");
    // With site_url the page sets <base>, so relative links work wherever it is served.
    assert!(
        html.contains("<base href=\"https://specs.example.org/\">"),
        "{html}"
    );
    for h in attr_values(&html, "href") {
        assert!(
            !h.starts_with("../"),
            "{h} would depend on the depth the 404 is served at"
        );
    }
}

#[test]
fn not_found_page_without_site_url_links_from_the_site_root() {
    let (t, root) = copy_fixture("site-versions");
    let cfg = root.join("specsite.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace("site_url: https://specs.example.org/\n", ""),
    )
    .unwrap();
    let out = t.path().join("out");
    let o = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = read(&out, "404.html");
    assert!(html.contains("href=\"/assets/specsite.css\""), "{html}");
    for h in attr_values(&html, "href")
        .into_iter()
        .chain(attr_values(&html, "src"))
    {
        assert!(
            h.starts_with('/') || h.starts_with('#') || h.contains(':'),
            "{h} is relative: it breaks when the 404 is served below the root"
        );
    }
}

/// A book's navigation is written once per place its pages are drawn at
/// and loaded by each page; the book's home page draws it itself, and a
/// reader without scripts gets a link to it (the page's breadcrumbs lead
/// down to the page).
#[test]
fn pages_share_their_book_navigation_and_keep_a_way_without_scripts() {
    for (args, suffix) in [(&[][..], ""), (&["--offline"][..], "index.html")] {
        let (_t, out) = build(args);
        let nav = read(&out, "assets/nav/guide.js");
        // Every page of the SUMMARY, linked from the site root, nothing current.
        for url in [
            "guide/",
            "guide/setup/",
            "guide/setup/tuning/",
            "guide/compass/",
        ] {
            assert!(
                nav.contains(&format!(r#"href=\"{url}{suffix}\""#)),
                "{url}: {nav}"
            );
        }
        let tree = &nav[nav.rfind("})(").unwrap()..];
        assert!(
            !tree.contains("aria-current") && !tree.contains(" open"),
            "{tree}"
        );
        // The old version has its own file; the latest's copy under its label too.
        assert!(read(&out, "assets/nav/guide/1.0.js").contains(r#"guide/1.0/setup/"#));
        assert!(read(&out, "assets/nav/guide/2.0.js").contains(r#"guide/2.0/setup/"#));

        let tuning = read(&out, "guide/setup/tuning/index.html");
        let side = &tuning[tuning.find("id=\"sidebar\"").unwrap()..tuning.find("</nav>").unwrap()];
        assert!(
            side.contains(r#"<script src="../../../assets/nav/guide.js"></script>"#),
            "{side}"
        );
        assert!(
            !side.contains("Compass"),
            "no whole tree in the page: {side}"
        );
        // Without scripts: the book's contents and the page, marked; the way
        // down to it is its breadcrumbs (Setup), not repeated in the sidebar.
        let noscript = &side[side.find("<noscript>").unwrap()..side.find("</noscript>").unwrap()];
        assert!(
            noscript.contains(&format!(r#"href="../../{suffix}">Table of contents</a>"#)),
            "{noscript}"
        );
        let here = if suffix.is_empty() { "./" } else { suffix };
        assert!(
            noscript.contains(&format!(r#"href="{here}" aria-current="page">Tuning</a>"#)),
            "{noscript}"
        );
        assert!(!noscript.contains("Setup"), "{noscript}");
        let crumbs = &tuning[tuning.find("class=\"breadcrumbs\"").unwrap()..];
        let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
        assert!(
            crumbs.contains(&format!(r#"href="../{suffix}">Setup</a>"#)),
            "{crumbs}"
        );
        assert!(tuning.contains(">Tuning</h1>"), "{tuning}");

        // The home page lists every page itself, itself current.
        let home = read(&out, "guide/index.html");
        let side = &home[home.find("id=\"sidebar\"").unwrap()..home.find("</nav>").unwrap()];
        assert!(!side.contains("<script"), "{side}");
        assert!(
            side.contains(&format!(r#"href="compass/{suffix}">Compass</a>"#)),
            "{side}"
        );
        assert!(
            side.contains(r#"aria-current="page">Field Guide</a>"#),
            "{side}"
        );
    }
}

#[test]
fn on_this_page_lists_headings_with_text_and_leaves_out_empty_ones() {
    let (tmp, root) = site(&[
        (
            "b/SUMMARY.md",
            "# Summary\n\n* [B](README.md)\n* [Page](page.md)\n",
        ),
        ("b/README.md", "# B\n"),
        (
            "b/page.md",
            "# Page\n\n## First\n\ntext\n\n###\n\nunder an empty heading\n\n### Second\n\ntext\n",
        ),
    ]);
    let out = tmp.path().join("out");
    common::build(&root, &out, false);
    let html = read(&out, "b/page/index.html");
    let toc = &html[html.find("<aside class=\"toc\"").expect("toc")..];
    let toc = &toc[..toc.find("</aside>").unwrap()];
    assert!(
        toc.contains(">First</a>") && toc.contains(">Second</a>"),
        "{toc}"
    );
    assert!(!toc.contains("></a>"), "a link with no text: {toc}");
}
