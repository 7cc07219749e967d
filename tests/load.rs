//! Integration tests for the loading stage: fixture sites under
//! `tests/fixtures/load-*/` and the GovStack corpus.

use specsite::content::{load_site, LoadError, LoadOptions, Site, SummaryItem};
use specsite::diag::{locate, Located};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(name: &str) -> Site {
    load_site(&LoadOptions {
        root: fixture(name),
        ..LoadOptions::default()
    })
    .expect("site loads")
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
    let site = load_site(&LoadOptions {
        root,
        ..LoadOptions::default()
    })
    .expect("corpus loads");
    eprintln!("loaded in {:?}", start.elapsed());
    assert_eq!(site.books.len(), 13);
    let reached = site.pages.iter().filter(|p| p.in_summary).count();
    for d in &site.diagnostics {
        eprintln!("{:?} {} {}", d.rule, d.file, d.message);
    }
    assert_eq!(reached, 234);
}

fn page<'a>(site: &'a Site, file: &str) -> &'a specsite::content::Page {
    &site.pages[*site
        .page_by_file
        .get(file)
        .unwrap_or_else(|| panic!("no page {file}"))]
}

#[test]
fn single_book_root_uses_gitbook_root_and_config_id() {
    let site = load("load-single-book");
    assert_eq!(site.books.len(), 1);
    let book = &site.books[0];
    assert_eq!(book.id, "handbook");
    assert_eq!(
        (book.repo_dir.as_str(), book.page_root.as_str()),
        ("", "spec")
    );
    assert_eq!(book.summary_file, "spec/SUMMARY.md");
    assert_eq!(book.url_prefixes, vec!["handbook"]);
    assert!(book.latest && book.version.is_none() && book.versions.is_empty());
    assert_eq!(
        book.title, "Handbook",
        "title from the readme's SUMMARY entry, entity removed"
    );
    assert_eq!(book.description.as_deref(), Some("A small handbook."));
    assert_eq!(
        book.redirects,
        vec![("old/place".to_string(), "a/b.md".to_string())]
    );

    let order: Vec<&str> = book
        .pages
        .iter()
        .map(|&id| site.pages[id].path.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "README.md",
            "2-common-terminology.md",
            "3-terminology.md",
            "a/README.md",
            "a/b.md",
            "file with (1) spaces.md",
            "my page.md",
            "orphan.md"
        ]
    );
    let slugs: Vec<&str> = book
        .pages
        .iter()
        .map(|&id| site.pages[id].slug.as_str())
        .collect();
    assert_eq!(
        slugs,
        [
            "",
            "2-common-terminology/",
            "3-terminology/",
            "a/",
            "a/b/",
            "file with (1) spaces/",
            "my page/",
            "orphan/"
        ]
    );
    let files: Vec<&str> = site.pages.iter().map(|p| p.file.as_str()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "Site::pages is sorted by file");

    assert_eq!(
        page(&site, "spec/a/b.md").summary_title.as_deref(),
        Some("B"),
        "first occurrence wins"
    );
    assert_eq!(
        page(&site, "spec/3-terminology.md")
            .summary_title
            .as_deref(),
        Some("3 Terminology")
    );
    assert!(!page(&site, "spec/orphan.md").in_summary);
    let common = page(&site, "spec/2-common-terminology.md");
    assert!(common.terminology && common.common_terminology);
    let scoped = page(&site, "spec/3-terminology.md");
    assert!(scoped.terminology && !scoped.common_terminology);
    assert!(!page(&site, "spec/a/b.md").terminology);
    assert_eq!(
        page(&site, "spec/README.md").front.description.as_deref(),
        Some("A small handbook.")
    );
    let readme = page(&site, "spec/README.md");
    assert_eq!(
        &readme.source[readme.body_start..],
        "# The Handbook\n\nWelcome.\n"
    );
    assert_eq!(readme.url(&site), "handbook/");
    assert_eq!(page(&site, "spec/a/b.md").url(&site), "handbook/a/b/");

    assert_eq!(
        site.assets,
        [
            "LICENSE",
            "api/x.yaml",
            "spec/.gitbook/assets/pic.png",
            "spec/.gitbook/includes/snippet.md"
        ]
    );
    assert_eq!(site.glossary_files, ["glossary/terms.yaml"]);
    for f in [
        ".gitbook.yaml",
        "specsite.yaml",
        "spec/SUMMARY.md",
        "glossary/terms.yaml",
        "api/x.yaml",
        "spec/my page.md",
    ] {
        assert!(site.sources.contains_key(f), "sources lacks {f}");
    }
    assert!(
        !site.sources.contains_key("spec/sub/SUMMARY.md"),
        "other SUMMARY.md files are ignored"
    );
    assert!(!site.page_by_file.contains_key("spec/sub/SUMMARY.md"));
    assert!(
        !site
            .page_by_file
            .contains_key("spec/.gitbook/includes/snippet.md"),
        "hidden folders hold no pages"
    );
    assert_eq!(findings(&site), ["orphan-page spec/orphan.md:1:1"]);
}

#[test]
fn single_book_summary_keeps_structure_and_fills_pages() {
    let site = load("load-single-book");
    let summary = site.books[0].summary.as_ref().expect("summary");
    assert_eq!(summary.title.as_deref(), Some("Table of contents"));
    let kinds: Vec<String> = summary
        .items
        .iter()
        .map(|i| match i {
            SummaryItem::Link {
                title,
                page,
                external,
                ..
            } => {
                format!(
                    "{title}|{}|{external}",
                    page.map_or("-".to_string(), |p| site.pages[p].path.clone())
                )
            }
            SummaryItem::Part { title, .. } => format!("part {title}"),
            SummaryItem::Separator => "---".into(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Handbook|README.md|false",
            "2 Common Terminology|2-common-terminology.md|false",
            "3 Terminology|3-terminology.md|false",
            "A|a/README.md|false",
            "My page|my page.md|false",
            "---",
            "part Elsewhere",
            "Upstream|-|true",
            "Unlinked heading|-|false"
        ]
    );
    let SummaryItem::Link { children, .. } = &summary.items[3] else {
        panic!()
    };
    let SummaryItem::Link {
        children: grand, ..
    } = &children[0]
    else {
        panic!()
    };
    let SummaryItem::Link {
        page: Some(odd), ..
    } = &grand[0]
    else {
        panic!()
    };
    assert_eq!(site.pages[*odd].path, "file with (1) spaces.md");
    let SummaryItem::Link {
        children: under_unlinked,
        ..
    } = &summary.items[8]
    else {
        panic!()
    };
    let SummaryItem::Link {
        page: Some(again), ..
    } = &under_unlinked[0]
    else {
        panic!()
    };
    assert_eq!(
        site.pages[*again].path, "a/b.md",
        "duplicate entries reach the same page"
    );
}

#[test]
fn content_root_finds_books_in_content_only() {
    let site = load("load-content-root");
    let ids: Vec<&str> = site.books.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        ["alpha", "beta"],
        "notabook has no SUMMARY, other/ is outside content/"
    );
    let beta = &site.books[1];
    assert_eq!(
        (beta.repo_dir.as_str(), beta.page_root.as_str()),
        ("content/beta", "content/beta/docs")
    );
    assert_eq!(beta.readme, "intro.md");
    assert_eq!(beta.title, "Beta intro");
    assert_eq!(site.books[0].title, "Alpha");
    assert_eq!(page(&site, "content/beta/docs/intro.md").slug, "");
    let terms = page(&site, "content/beta/docs/terminology/README.md");
    assert_eq!(terms.slug, "terminology/");
    assert!(
        terms.terminology && !terms.common_terminology,
        "a terminology folder makes a book-scoped terminology page"
    );
    assert_eq!(site.assets, ["content/beta/notes.txt"]);
    assert!(site
        .page_by_file
        .contains_key("content/alpha/_site/page.md"));
    assert!(!site.page_by_file.contains_key("other/x.md"));
}

#[test]
fn output_folder_is_never_read_wherever_it_is() {
    let root = fixture("load-content-root");
    let out = root.join("content/alpha/_site");
    let site = load_site(&LoadOptions {
        root,
        out: Some(out),
        ..LoadOptions::default()
    })
    .unwrap();
    assert!(!site
        .page_by_file
        .contains_key("content/alpha/_site/page.md"));
    assert!(findings(&site).is_empty(), "{:?}", findings(&site));
}

#[test]
fn subfolder_root_skips_hidden_and_build_folders() {
    let site = load("load-subfolders");
    let ids: Vec<&str> = site.books.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        ["one", "two"],
        "content/ without books falls through to the sub-folder rule"
    );
    assert_eq!(site.books[1].page_root, "two/spec");
    assert_eq!(site.books[1].title, "Two");
    assert_eq!(site.pages.len(), 2);
}

#[test]
fn explicit_config_file_elsewhere_lists_the_books() {
    let site = load_site(&LoadOptions {
        root: fixture("load-subfolders"),
        config: Some(fixture("load-external-config.yaml")),
        ..LoadOptions::default()
    })
    .unwrap();
    let ids: Vec<&str> = site.books.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["solo"]);
    assert_eq!(site.books[0].repo_dir, "one");
    assert_eq!(site.books[0].title, "Solo title");
}

#[test]
fn versions_become_one_book_each_with_prefixes() {
    let site = load("load-versions");
    let ids: Vec<(String, Option<String>)> = site
        .books
        .iter()
        .map(|b| (b.id.clone(), b.version.clone()))
        .collect();
    assert_eq!(
        ids,
        [
            ("other".to_string(), None),
            ("consent".to_string(), Some("1.0".to_string())),
            ("consent".to_string(), Some("development".to_string()))
        ]
    );
    let other = &site.books[0];
    assert_eq!(
        (other.title.as_str(), other.description.as_deref()),
        ("Other Book", Some("Configured description."))
    );
    assert_eq!(other.url_prefixes, ["other"]);
    let old = &site.books[1];
    assert!(!old.latest);
    assert_eq!(old.url_prefixes, ["consent/1.0"]);
    assert_eq!(old.versions, ["1.0", "development"]);
    assert_eq!(old.title, "Consent 1.0");
    assert_eq!(
        old.edit_url.as_deref(),
        Some("https://example.org/edit/{path}")
    );
    let dev = &site.books[2];
    assert!(dev.latest);
    assert_eq!(dev.url_prefixes, ["consent", "consent/development"]);
    assert_eq!(dev.repo_dir, "content/consent");
    assert_eq!(
        page(&site, "content/consent-1.0/README.md").url(&site),
        "consent/1.0/"
    );
    assert!(
        !site
            .page_by_file
            .keys()
            .any(|f| f.starts_with("content/unlisted")),
        "books: turns discovery off"
    );
    assert_eq!(
        findings(&site),
        [
            "output-collision content/consent/1.0/x.md:1:1",
            "output-collision content/consent/a/README.md:1:1",
            "output-collision content/consent/glossary/terms.md:1:1"
        ]
    );
    let x = page(&site, "content/consent/1.0/x.md");
    assert_eq!(x.slug, "1.0/x/", "a colliding page keeps its path");
}

#[test]
fn ignore_globs_build_folders_and_outside_links_are_never_loaded() {
    let site = load("load-ignore");
    let files: Vec<&str> = site.pages.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files,
        ["book/README.md", "book/final/page.md", "book/inside.md"],
        "drafts/, secret.md, target/ and the link leaving the root are left out; a linked folder is not entered"
    );
    assert!(site.assets.is_empty(), "{:?}", site.assets);
    assert_eq!(findings(&site), ["orphan-page book/inside.md:1:1"]);
}

#[test]
fn common_glossary_key_replaces_the_naming_rule() {
    let site = load("load-common-glossary");
    let listed = page(&site, "glossary-page.md");
    assert!(listed.terminology && listed.common_terminology);
    let named = page(&site, "2-common-terminology.md");
    assert!(
        named.terminology && !named.common_terminology,
        "with common_glossary:, names no longer decide"
    );
    assert_eq!(
        findings(&site),
        ["broken-link specsite.yaml:1:37"],
        "points at `./missing.md` as written"
    );
    assert!(site.diagnostics[0].message.contains("missing.md"));
}

#[test]
fn invalid_ignore_glob_is_a_config_error_at_the_pattern() {
    let (at, message) = config_error("load-bad-glob");
    assert_eq!(at, "invalid-yaml specsite.yaml:3:6");
    assert!(message.contains("a/[bad"), "{message}");
}

#[test]
fn invalid_gitbook_yaml_is_reported_and_defaults_kept() {
    let site = load("load-invalid-gitbook");
    let book = &site.books[0];
    assert_eq!(book.page_root, "book");
    assert_eq!(book.pages.len(), 1);
    assert!(site.pages[0].in_summary);
    assert_eq!(
        findings(&site),
        ["invalid-yaml book/.gitbook.yaml:2:13"],
        "the `[`, counting the zero-width space"
    );
}

#[test]
fn invalid_front_matter_is_reported_and_page_kept() {
    let site = load("load-invalid-frontmatter");
    let bad = page(&site, "bad.md");
    assert!(bad.in_summary);
    assert_eq!(bad.front.description, None);
    assert_eq!(&bad.source[bad.body_start..], "# Bad page\n");
    assert_eq!(
        findings(&site),
        ["invalid-yaml bad.md:3:14"],
        "points at the unclosed `[`"
    );
}

#[test]
fn non_utf8_page_is_reported_and_skipped() {
    let site = load("load-non-utf8");
    assert!(!site.page_by_file.contains_key("latin1.md"));
    assert!(!site.sources.contains_key("latin1.md"));
    assert_eq!(
        findings(&site),
        ["invalid-encoding latin1.md:1:1"],
        "no summary-missing-file for a file that exists"
    );
    assert!(
        site.diagnostics[0].message.contains("offset 5"),
        "{}",
        site.diagnostics[0].message
    );
}

#[test]
fn missing_summary_entries_point_at_their_destination() {
    let site = load("load-missing-entry");
    assert_eq!(
        site.books[0].id, "load-missing-entry",
        "single-book id defaults to the folder name"
    );
    assert_eq!(
        findings(&site),
        [
            "summary-missing-file SUMMARY.md:4:13",
            "summary-missing-file SUMMARY.md:5:11",
            "orphan-page introductio.md:1:1"
        ]
    );
    let missing = &site.diagnostics[0];
    assert_eq!(
        missing.suggestion.as_deref(),
        Some("did you mean `introductio.md`?")
    );
    assert_eq!(
        &site.sources["SUMMARY.md"][site.diagnostics[1].span.clone()],
        "gone page.md"
    );
}

#[test]
fn book_without_summary_loads_with_orphans_only() {
    let site = load("load-no-summary");
    let book = &site.books[0];
    assert_eq!(book.id, "nosum");
    assert!(book.summary.is_none());
    assert_eq!(
        book.title, "No summary",
        "title falls back to the readme heading"
    );
    assert_eq!(book.pages.len(), 2);
    assert!(site.pages.iter().all(|p| !p.in_summary));
    assert_eq!(
        findings(&site),
        ["book-without-summary content/nosum/spec/SUMMARY.md:1:1"]
    );
}

#[test]
fn no_books_is_an_error_naming_the_root() {
    let err = load_site(&LoadOptions {
        root: fixture("load-no-books"),
        ..LoadOptions::default()
    })
    .unwrap_err();
    assert!(
        matches!(&err, LoadError::NoBooks { root } if root.ends_with("load-no-books")),
        "{err}"
    );
}

#[test]
fn missing_root_is_a_root_error() {
    let err = load_site(&LoadOptions {
        root: fixture("load-does-not-exist"),
        ..LoadOptions::default()
    })
    .unwrap_err();
    assert!(matches!(err, LoadError::Root(..)), "{err}");
}

fn config_error(name: &str) -> (String, String) {
    match load_site(&LoadOptions {
        root: fixture(name),
        ..LoadOptions::default()
    }) {
        Err(LoadError::Config {
            file,
            diagnostic,
            text,
            message,
        }) => {
            let l = locate(&diagnostic, Some(&text));
            (
                format!("{} {}:{}:{}", l.rule, file, l.line, l.column),
                message,
            )
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn broken_config_is_an_invalid_yaml_config_error() {
    let (at, _) = config_error("load-broken-config");
    assert_eq!(at, "invalid-yaml specsite.yaml:3:1");
}

#[test]
fn unknown_config_key_is_an_error_naming_it() {
    let (at, message) = config_error("load-unknown-key");
    assert_eq!(at, "invalid-yaml specsite.yaml:3:1");
    assert!(message.contains("titel"), "{message}");
}

/// `skip_text_assets` leaves the OpenAPI specs unread but still listed; by
/// default they are read into the sources.
#[test]
fn text_assets_are_listed_but_left_unread_on_request() {
    let Some(root) = corpus() else { return };
    let load = |skip| {
        load_site(&LoadOptions {
            root: root.clone(),
            skip_text_assets: skip,
            ..LoadOptions::default()
        })
        .expect("corpus loads")
    };
    let (read, skipped) = (load(false), load(true));
    let spec = "payments/spec/.gitbook/assets/VoucherActivate.yml";
    for site in [&read, &skipped] {
        assert!(site.assets.iter().any(|a| a == spec), "{spec} not listed");
    }
    assert!(read.sources.contains_key(spec));
    assert!(!skipped.sources.contains_key(spec));
    // Everything else is the same.
    assert_eq!(read.pages.len(), skipped.pages.len());
    let markdown = |s: &specsite::content::Site| {
        s.sources
            .keys()
            .filter(|k| !k.ends_with(".yml") && !k.ends_with(".yaml") && !k.ends_with(".json"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(markdown(&read), markdown(&skipped));
}
