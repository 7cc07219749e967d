//! `specsite serve` end to end: the real binary on a free port over a temp
//! copy of `tests/fixtures/serve`, a tiny HTTP client over `TcpStream`
//! (`common::serve`).

mod common;
use common::serve::{wait_for_content, Server, DEADLINE};
use common::{copy_dir, corpus};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve"),
        &root,
    );
    Server::start(root, Some(dir))
}

/// Reads the event stream until an event named `name` arrives; returns its data.
fn wait_event(rx: &Receiver<String>, name: &str) -> String {
    let end = Instant::now() + DEADLINE;
    let mut seen = String::new();
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(chunk) => seen.push_str(&chunk),
            Err(_) => break,
        }
        let marker = format!("event: {name}\n");
        if let Some(i) = seen.find(&marker) {
            let rest = &seen[i + marker.len()..];
            if let Some(end) = rest.find("\n\n") {
                return rest[..end]
                    .lines()
                    .filter_map(|l| l.strip_prefix("data: "))
                    .collect::<Vec<_>>()
                    .join("\n");
            }
        }
    }
    panic!("no `{name}` event within {DEADLINE:?}; stream so far:\n{seen}");
}

#[test]
fn serves_pages_from_memory_with_live_reload_script() {
    let server = start();
    let (status, body) = server.get("/guide/usage/");
    assert_eq!(status, 200);
    assert!(body.contains("consent record"), "{body}");
    assert!(
        body.contains("/__specsite/events"),
        "live-reload script injected"
    );
    assert!(
        !body.contains("https://specs.example.org/guide/usage/"),
        "no canonical site_url in serve mode"
    );
    let (status, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("Serve Fixture"));
    assert!(server
        .head("/guide/usage/")
        .contains("content-type: text/html; charset=utf-8"));
    assert!(server.head("/sitemap.xml").contains("xml"));
    // A folder URL without its slash is redirected, a missing one gets the site's 404 page.
    assert_eq!(server.get("/guide/usage").0, 301);
    let (status, body) = server.get("/guide/no-such-page/");
    assert_eq!(status, 404);
    assert!(
        body.contains("<base href=\"/\">"),
        "404 loads assets from the root"
    );
}

#[test]
fn edit_is_served_and_announced() {
    let server = start();
    let events = server.events();
    assert!(!server.get("/guide/usage/").1.contains("freshly edited"));
    server.write(
        "content/guide/usage.md",
        "# Usage\n\nA freshly edited paragraph.\n",
    );
    wait_for_content(&server, "/guide/usage/", "freshly edited");
    let data = wait_event(&events, "reload");
    assert!(data.contains("guide/usage/index.html"), "{data}");
    assert!(server
        .wait_line(|l| l.contains("[serve] content/guide/usage.md") && l.contains(" ms"))
        .is_some());
    // Reading files (the server's own re-read, an image served from disk)
    // is no change: nothing rebuilds by itself.
    let (_, setup) = server.get("/guide/setup/");
    let src = setup
        .split("src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|s| s.ends_with("pic.svg"))
        .expect("the page shows the picture");
    // Resolve the relative URL as a browser does.
    let mut parts: Vec<&str> = vec!["guide", "setup"];
    for seg in src.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    let url = format!("/{}", parts.join("/"));
    assert_eq!(server.get(&url).0, 200, "{url}");
    assert!(server.head(&url).contains("content-type: image/svg+xml"));
    server.assert_quiet(Duration::from_millis(600));
}

#[test]
fn broken_front_matter_shows_an_overlay_until_fixed() {
    let server = start();
    let events = server.events();
    server.write(
        "content/guide/setup.md",
        "---\ndescription: [unclosed\n---\n# Setup\n\n## Install\n",
    );
    let data = wait_event(&events, "error");
    assert!(data.contains("invalid-yaml"), "{data}");
    assert!(data.contains("content/guide/setup.md"), "{data}");
    assert!(
        server
            .wait_line(|l| l.contains("invalid-yaml") || l.contains("invalid front matter"))
            .is_some(),
        "the terminal shows the finding"
    );
    assert_eq!(server.get("/guide/").0, 200, "still serving");
    // A tab that connects now sees the overlay at once.
    let late = server.events();
    assert!(wait_event(&late, "error").contains("invalid-yaml"));
    server.write(
        "content/guide/setup.md",
        "# Setup\n\n## Install\n\nFixed now.\n",
    );
    wait_event(&events, "clear");
    wait_for_content(&server, "/guide/setup/", "Fixed now.");
}

#[test]
fn serve_misses_whole_books() {
    let server = start();
    let events = server.events();
    // A book added while serving: its folder, then its pages.
    std::fs::create_dir_all(server.root.join("content/added")).unwrap();
    server.write("content/added/README.md", "# Added book\n\nBrand new.\n");
    server.write("content/added/SUMMARY.md", "* [Added](README.md)\n");
    wait_for_content(&server, "/added/", "Brand new.");
    // Its table of contents removed, then restored.
    std::fs::remove_file(server.root.join("content/added/SUMMARY.md")).unwrap();
    let end = Instant::now() + DEADLINE;
    while server.get("/added/").0 == 200 {
        assert!(
            Instant::now() < end,
            "the book without SUMMARY.md is still served"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server.write("content/added/SUMMARY.md", "* [Added](README.md)\n");
    wait_for_content(&server, "/added/", "Brand new.");
    // A listed page deleted: the table of contents now points at nothing.
    std::fs::remove_file(server.root.join("content/guide/usage.md")).unwrap();
    let data = wait_event(&events, "error");
    assert!(data.contains("summary-missing-file"), "{data}");
    assert!(data.contains("content/guide/SUMMARY.md"), "{data}");
    assert!(
        server
            .wait_line(|l| l.contains("summary-missing-file"))
            .is_some(),
        "the terminal shows the finding"
    );
}

#[test]
fn traversal_attempts_never_leave_the_site() {
    let server = start();
    for target in [
        "/../../../../etc/passwd",
        "/guide/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/..%5c..%5cetc/passwd",
        "//etc/passwd",
        "/..\\..\\etc\\passwd",
    ] {
        let (status, body) = server.get(target);
        assert!(
            status == 400 || status == 404,
            "{target} gave status {status}"
        );
        assert!(!body.contains("root:"), "{target} leaked a file");
    }
    // The fixture's own sources are not served either: only output files are.
    assert_eq!(server.get("/specsite.yaml").0, 404);
}

/// Incremental updates on the real corpus give byte-for-byte the site and
/// the findings that a full load of the edited sources gives.
#[test]
fn corpus_incremental_updates_equal_a_full_build() {
    use specsite::serve::incremental::Live;
    use specsite::serve::store::Store;
    use std::sync::Arc;
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("govstack");
    copy_dir(&corpus, &root);
    let build = |root: &Path| {
        let store = Arc::new(Store::default());
        let opts = specsite::Options {
            root: root.to_path_buf(),
            ..Default::default()
        };
        let live = Live::build(opts, "<script></script>".into(), store.clone()).unwrap();
        (live, store)
    };
    let (mut inc, inc_store) = build(&root);
    let edit = |rel: &str, f: &dyn Fn(&str) -> String| {
        let p = root.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, f(&text)).unwrap();
        root.canonicalize().unwrap().join(rel)
    };
    let steps: Vec<Vec<PathBuf>> = vec![
        // A page: new title, a heading renamed (anchors other pages link to).
        vec![edit("consent/spec/2-description.md", &|t| {
            format!("---\ntitle: Described anew\n---\n{}\n\n## A brand new section\n\nMentions a Consent Record.\n", t.replacen("## ", "## Renamed ", 1))
        })],
        // A terminology page: a definition changes and a term is added.
        vec![edit("consent/spec/3-terminology.md", &|t| {
            t.replacen(
                "is created when an individual signs",
                "comes into being when an individual signs",
                1,
            )
            .replacen(
                "| **Delegate**",
                "| **Zebra Crossing Term** | a term added while serving. |\n| **Delegate**",
                1,
            )
        })],
    ];
    for paths in steps {
        let plan = specsite::serve::watch::classify(&inc.analysis.site, None, &paths);
        assert!(plan.full.is_none(), "{plan:?}");
        let out = inc.apply(&plan).unwrap();
        inc.finish().unwrap();
        assert!(out.parsed < inc.analysis.site.pages.len(), "{out:?}");
    }
    let (full, full_store) = build(&root);
    let paths = inc_store.paths();
    assert_eq!(paths, full_store.paths());
    for p in &paths {
        let a = inc_store.get(p).unwrap().bytes().unwrap();
        let b = full_store.get(p).unwrap().bytes().unwrap();
        assert!(a == b, "{p} differs from a full build");
    }
    assert_eq!(inc.analysis.diagnostics, full.analysis.diagnostics);
}
