//! End-to-end builds: fixture sites and the real GovStack corpus.

mod common;
use common::*;

#[test]
fn builds_pages_at_gitbook_paths_with_rewritten_links() {
    let (_t, root) = copy_fixture("build-basic");
    let out = root.join("public");
    let o = run(&["build", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    // DESIGN §3 paths: README stands for its folder; spaces and parentheses kept.
    for p in [
        "index.html",
        "alpha/index.html",
        "alpha/guide/index.html",
        "alpha/guide/setup (v2)/index.html",
        "beta/index.html",
        "beta/stray/index.html",
        "404.html",
        "sitemap.xml",
        "llms.txt",
        "alpha/print/index.html",
    ] {
        assert!(
            out.join(p).exists(),
            "missing {p}; have {:?}",
            tree(&out).keys().collect::<Vec<_>>()
        );
    }
    let alpha = read(&out, "alpha/index.html");
    let main = main_of(&alpha);
    assert!(
        main.contains(r#"href="guide/setup%20(v2)/#id-2.1-install-the-tool""#),
        "{main}"
    );
    assert!(main.contains(r#"href="../beta/""#), "{main}");
    assert!(
        main.contains(r#"src=".gitbook/assets/diagram.svg""#),
        "{main}"
    );
    assert!(
        main.contains(r#"id="overview""#) && main.contains(r#"id="overview-1""#),
        "{main}"
    );
    assert!(out.join("alpha/.gitbook/assets/diagram.svg").exists());
    let setup = read(&out, "alpha/guide/setup (v2)/index.html");
    assert!(
        setup.contains(r#"id="id-2.1-install-the-tool""#)
            && setup.contains(r#"id="2.1-install-the-tool""#),
        "{setup}"
    );
    assert!(
        !main_of(&setup).contains("&amp;#x20;") && !main_of(&setup).contains("#x20"),
        "entity leaked"
    );
    assert!(
        setup.contains(r#"src="../../.gitbook/assets/diagram.svg""#),
        "{setup}"
    );
    // Theme override: the custom landing page is used.
    assert!(read(&out, "index.html").contains("custom-landing"));
    // Orphan page is rendered but reported.
    assert!(stderr.contains("orphan-page"), "{stderr}");
    assert!(stderr.contains("content/beta/stray.md"), "{stderr}");
}

#[test]
fn two_builds_are_byte_identical() {
    let (_t, root) = copy_fixture("build-basic");
    let a = root.parent().unwrap().join("a");
    let b = root.parent().unwrap().join("b");
    assert!(
        run(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            a.to_str().unwrap()
        ])
        .status
        .code()
        .unwrap()
            < 2
    );
    assert!(
        run(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            b.to_str().unwrap()
        ])
        .status
        .code()
        .unwrap()
            < 2
    );
    assert_eq!(tree(&a), tree(&b));
}

#[test]
fn refuses_out_that_is_root_ancestor_or_source() {
    let (_t, root) = copy_fixture("build-basic");
    for out in [
        root.clone(),
        root.parent().unwrap().to_path_buf(),
        root.join("content"),
    ] {
        let o = run(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", out.display());
        assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
    }
    assert!(
        root.join("content/alpha/README.md").exists(),
        "sources untouched"
    );
}

#[test]
fn failed_build_keeps_previous_output() {
    let (_t, root) = copy_fixture("build-basic");
    let out = root.parent().unwrap().join("site");
    assert_eq!(
        run(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let before = tree(&out);
    // A template that fails while rendering pages.
    std::fs::write(
        root.join("themes/custom/templates/page.html"),
        "{{ no_such_variable.field }}",
    )
    .unwrap();
    let o = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(tree(&out), before, "old site left as it was");
    let leftovers: Vec<_> = std::fs::read_dir(root.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temp folders left: {leftovers:?}");
}

#[test]
fn builds_the_govstack_corpus() {
    let Some(corpus) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let o = run(&[
        "build",
        "--root",
        corpus.to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Every page a SUMMARY.md reaches is written at its DESIGN §3 path.
    let mut reached = 0;
    let entry_re = regex::Regex::new(r"\]\(<?([^)>]+\.md)>?\)").unwrap();
    for summary in walkdir::WalkDir::new(&corpus)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() == "SUMMARY.md")
    {
        let dir = summary.path().parent().unwrap();
        let book_dir = if dir.file_name().unwrap() == "spec" {
            dir.parent().unwrap()
        } else {
            dir
        };
        if book_dir.parent().unwrap() != corpus {
            continue; // a SUMMARY.md nested inside a book is not a table of contents
        }
        let book = book_dir.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(summary.path()).unwrap();
        for cap in entry_re.captures_iter(&text) {
            let path = percent_encoding::percent_decode_str(&cap[1])
                .decode_utf8_lossy()
                .to_string();
            if !dir.join(&path).exists() {
                continue;
            }
            reached += 1;
            let slug = if path == "README.md" {
                String::new()
            } else if let Some(d) = path.strip_suffix("/README.md") {
                format!("{d}/")
            } else {
                format!("{}/", path.trim_end_matches(".md"))
            };
            let want = a.join(book).join(&slug).join("index.html");
            assert!(want.exists(), "missing {}", want.display());
        }
    }
    assert!(reached >= 234, "reached {reached}");
    let b = tmp.path().join("b");
    run(&[
        "build",
        "--root",
        corpus.to_str().unwrap(),
        "--out",
        b.to_str().unwrap(),
    ]);
    let built = tree(&a);
    assert!(built == tree(&b), "two corpus builds differ");
    // No GitBook tag survives outside code: every block became a component.
    let code = regex::Regex::new(r"(?s)<pre.*?</pre>|<code.*?</code>").unwrap();
    let mut leaks = Vec::new();
    for (path, bytes) in &built {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let outside = code.replace_all(&html, "");
        if outside.contains("{%") {
            leaks.push(path.clone());
        }
    }
    assert!(leaks.is_empty(), "literal {{% outside code in {leaks:?}");
    // Book titles: SUMMARY title or heading, but not a generic first-page
    // name: the `specifications` book's readme is `# Introduction`.
    let header_book = |book: &str| {
        let html = String::from_utf8_lossy(&built[&format!("{book}/index.html")]).to_string();
        // The header's second link (after the site title) is the book.
        let header = &html[html.find("<header>").unwrap()..];
        let header = &header[..header.find("</header>").unwrap()];
        let text = &header[header.match_indices("<a href=").nth(1).unwrap().0..];
        text[text.find('>').unwrap() + 1..text.find("</a>").unwrap()].to_string()
    };
    assert_eq!(header_book("specifications"), "Specifications");
    assert_eq!(header_book("consent"), "Consent");
    assert_eq!(header_book("architecture"), "GovStack Architecture");
    // Entities such as &#x20; never leak into titles or navigation.
    for (path, bytes) in &built {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            assert!(
                !html.contains("&amp;#x20;"),
                "escaped entity leaked in {path}"
            );
            let title = html
                .split("<title>")
                .nth(1)
                .and_then(|t| t.split("</title>").next())
                .unwrap_or("");
            assert!(
                !title.contains("#x20"),
                "entity in title of {path}: {title}"
            );
        }
    }
}

/// A symlinked asset (inside the root) arrives as the file it names, not as
/// a copy of the link, which would dangle in the output; each page's
/// markdown source sits beside it byte for byte.
#[cfg(unix)]
#[test]
fn symlinked_assets_arrive_as_files_and_sources_beside_pages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("book/img")).unwrap();
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::write(
        root.join("book/SUMMARY.md"),
        "# Book\n\n* [Intro](README.md)\n",
    )
    .unwrap();
    let intro = "# Intro\n\nSee ![the plan](img/plan.png).\n";
    std::fs::write(root.join("book/README.md"), intro).unwrap();
    std::fs::write(root.join("shared/plan.png"), b"not really a PNG").unwrap();
    std::os::unix::fs::symlink("../../shared/plan.png", root.join("book/img/plan.png")).unwrap();
    let out = tmp.path().join("out");
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
    let asset = out.join("book/img/plan.png");
    let meta = std::fs::symlink_metadata(&asset).expect("asset written");
    assert!(meta.file_type().is_file(), "{:?}", meta.file_type());
    assert_eq!(std::fs::read(&asset).unwrap(), b"not really a PNG");
    assert_eq!(read(&out, "book/index.md"), intro);
    assert!(main_of(&read(&out, "book/index.html")).contains(r#"src="img/plan.png""#));
}

/// `SPECSITE_TIMINGS` names the stages a build spends its time in (the
/// dialect, print views, what was written) and changes nothing it writes.
#[test]
fn timings_report_stages_and_output_and_change_nothing() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = tempfile::tempdir().unwrap();
    let (plain, timed) = (t.path().join("plain"), t.path().join("timed"));
    let args = |out: &std::path::Path| {
        vec![
            "build".to_string(),
            "--root".into(),
            demo.to_str().unwrap().into(),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    let o = bin().args(args(&plain)).output().unwrap();
    assert!(o.status.code().unwrap() <= 1, "{o:?}");
    let o = bin()
        .env("SPECSITE_TIMINGS", "1")
        .args(args(&timed))
        .output()
        .unwrap();
    assert!(o.status.code().unwrap() <= 1, "{o:?}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    for stage in [
        "timing: a:dialect",
        "timing: r:print",
        "timing: print views: ",
    ] {
        assert!(stderr.contains(stage), "{stage} missing from {stderr}");
    }
    let written = tree(&timed);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("timing: output: "))
        .unwrap_or_else(|| panic!("no output line in {stderr}"));
    let files: usize = line["timing: output: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        files > 0 && files <= written.len(),
        "{line}: {} files",
        written.len()
    );
    assert_eq!(tree(&plain), written);
}

/// A book whose page root is `spec/`, with uploads used and unused, a raw
/// HTML image, a linked download and repository files outside the page root.
fn assets_site(config: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    site(&[
        ("specsite.yaml", config),
        ("guide/.gitbook.yaml", "root: ./spec/\n"),
        (
            "guide/spec/SUMMARY.md",
            "# Summary\n\n* [Home](README.md)\n",
        ),
        (
            "guide/spec/README.md",
            "# Home\n\n![Shown](.gitbook/assets/shown.png)\n\n\
             <img src=\".gitbook/assets/raw.png\" alt=\"raw\">\n\n\
             The [slides](files/slides.pdf) and the [API](../api/used.yaml).\n",
        ),
        ("guide/spec/.gitbook/assets/shown.png", "png"),
        ("guide/spec/.gitbook/assets/raw.png", "png"),
        ("guide/spec/.gitbook/assets/orphan.png", "png"),
        ("guide/spec/files/slides.pdf", "pdf"),
        ("guide/api/used.yaml", "openapi: 3.0.0\n"),
        ("guide/api/unused.yaml", "openapi: 3.0.0\n"),
    ])
}

#[test]
fn only_the_assets_pages_reference_are_published_unless_all_are_asked_for() {
    let referenced = [
        "guide/.gitbook/assets/shown.png",
        "guide/.gitbook/assets/raw.png",
        "guide/files/slides.pdf",
        "guide/_repo/api/used.yaml",
    ];
    let unreferenced = [
        "guide/.gitbook/assets/orphan.png",
        "guide/_repo/api/unused.yaml",
    ];
    for (config, all) in [("title: T\n", false), ("title: T\nassets: all\n", true)] {
        let (_t, root) = assets_site(config);
        let out = root.join("public");
        let o = run(&["build", "--root", root.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        let files = tree(&out);
        for p in referenced {
            assert!(files.contains_key(p), "{config}: {p} missing");
        }
        for p in unreferenced {
            assert_eq!(files.contains_key(p), all, "{config}: {p}");
        }
        // Every local src/href of the page names a file of the output.
        let page = read(&out, "guide/index.html");
        for attr in ["src=\"", "href=\""] {
            for (i, _) in page.match_indices(attr) {
                let value = &page[i + attr.len()..];
                let value = &value[..value.find('"').unwrap()];
                if value.contains("://") || value.starts_with('#') || value.ends_with('/') {
                    continue;
                }
                let target = std::path::Path::new("guide").join(value.split('#').next().unwrap());
                let mut parts: Vec<String> = Vec::new();
                for c in target.components() {
                    match c {
                        std::path::Component::ParentDir => {
                            parts.pop();
                        }
                        std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into()),
                        _ => {}
                    }
                }
                let rel = parts.join("/");
                assert!(
                    files.contains_key(&rel),
                    "{config}: {value} ({rel}) not written"
                );
            }
        }
    }
}

#[test]
fn check_accepts_unpublished_files_and_still_reports_missing_ones() {
    let (_t, root) = assets_site("title: T\n");
    write_files(
        &root,
        &[(
            "guide/spec/README.md",
            "# Home\n\n![Shown](.gitbook/assets/shown.png)\n\n![Gone](.gitbook/assets/gone.png)\n",
        )],
    );
    let o = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let missing: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "missing-asset")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("gone.png"), "{missing:?}");
}
