//! Versioned books on the published site (DESIGN.md §2–3): each version under
//! `/<book>/<version>/`, the latest also at `/<book>/`, a switcher that keeps
//! the reader on the same page, a canonical link to the latest, a banner on
//! older versions, and links and terms resolved within their version.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn build() -> (tempfile::TempDir, PathBuf) {
    let (t, root) = copy_fixture("site-versions");
    let out = t.path().join("out");
    let o = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    (t, out)
}

/// The `href` of the version switcher entry labelled `label`.
fn switcher_href<'a>(html: &'a str, label: &str) -> &'a str {
    let start = html
        .find("class=\"version-switcher\"")
        .expect("page has a version switcher");
    let menu = &html[start..start + html[start..].find("</details>").expect("end")];
    for li in menu.split("<li>").skip(1) {
        let text_start = li.find('>').expect("a") + 1;
        if li[text_start..].starts_with(label) {
            let h = li.find("href=\"").expect("href") + 6;
            return &li[h..h + li[h..].find('"').expect("quote")];
        }
    }
    panic!("no switcher entry {label} in {menu}")
}

fn canonical(html: &str) -> &str {
    let i = html
        .find("<link rel=\"canonical\" href=\"")
        .expect("canonical")
        + 28;
    &html[i..i + html[i..].find('"').expect("quote")]
}

fn exists(out: &Path, rel: &str) -> bool {
    out.join(rel).is_file()
}

#[test]
fn each_version_has_its_own_urls_and_the_latest_is_also_at_the_book_root() {
    let (_t, out) = build();
    for p in [
        "guide/index.html",
        "guide/setup/index.html",
        "guide/setup/tuning/index.html",
        "guide/compass/index.html",
        "guide/1.0/index.html",
        "guide/1.0/setup/index.html",
        "guide/1.0/setup/tuning/index.html",
        "guide/2.0/index.html",
        "guide/2.0/setup/index.html",
        "guide/2.0/compass/index.html",
        "guide/print/index.html",
        "guide/1.0/print/index.html",
    ] {
        assert!(exists(&out, p), "missing {p}");
    }
    assert!(!exists(&out, "guide/1.0/compass/index.html"));
    // Each version shows its own text.
    assert!(read(&out, "guide/1.0/setup/index.html").contains("One-point-oh"));
    assert!(read(&out, "guide/setup/index.html").contains("Two-point-oh"));
    // The latest under its label is a real page (not a redirect) with the
    // latest's content, pointing search engines at the canonical URL.
    let copy = read(&out, "guide/2.0/setup/index.html");
    assert!(copy.contains("Two-point-oh"), "{copy}");
    assert!(!copy.contains("http-equiv=\"refresh\""));
    assert_eq!(canonical(&copy), "https://specs.example.org/guide/setup/");
}

#[test]
fn the_switcher_targets_the_same_page_or_the_version_home() {
    let (_t, out) = build();
    let old = read(&out, "guide/1.0/setup/index.html");
    assert_eq!(switcher_href(&old, "2.0"), "../../setup/");
    assert_eq!(switcher_href(&old, "1.0"), "./");
    let latest = read(&out, "guide/setup/tuning/index.html");
    assert_eq!(switcher_href(&latest, "1.0"), "../../1.0/setup/tuning/");
    // compass.md exists only in 2.0: its 1.0 entry leads to the 1.0 home.
    let only_new = read(&out, "guide/compass/index.html");
    assert_eq!(switcher_href(&only_new, "1.0"), "../1.0/");
    // From the copy under the label, the same holds.
    let copy = read(&out, "guide/2.0/compass/index.html");
    assert_eq!(switcher_href(&copy, "1.0"), "../../1.0/");
}

#[test]
fn older_versions_get_a_banner_and_a_canonical_link_to_the_latest() {
    let (_t, out) = build();
    let old = read(&out, "guide/1.0/setup/index.html");
    assert!(old.contains("banner-old"), "{old}");
    let banner = &old[old.find("banner-old").unwrap()..];
    let banner = &banner[..banner.find("</div>").unwrap()];
    assert!(banner.contains("href=\"../../setup/\""), "{banner}");
    assert_eq!(canonical(&old), "https://specs.example.org/guide/setup/");
    // A 1.0 page missing from the latest is its own canonical.
    let home = read(&out, "guide/1.0/index.html");
    assert_eq!(canonical(&home), "https://specs.example.org/guide/");
    for latest in ["guide/setup/index.html", "guide/2.0/setup/index.html"] {
        assert!(!read(&out, latest).contains("banner-old"), "{latest}");
    }
}

#[test]
fn links_and_terms_resolve_within_their_version() {
    let (_t, out) = build();
    let old = read(&out, "guide/1.0/setup/index.html");
    let old_main = main_of(&old);
    assert!(
        old_main.contains("href=\"tuning/#fine-tuning\""),
        "{old_main}"
    );
    assert!(old_main.contains("src=\"../images/kit.svg\""), "{old_main}");
    assert!(exists(&out, "guide/1.0/images/kit.svg"));
    // The book-scoped term links to the 1.0 glossary, the common one to the site glossary.
    assert!(
        old_main.contains("href=\"../glossary/needle/\""),
        "{old_main}"
    );
    assert!(exists(&out, "guide/1.0/glossary/needle/index.html"));
    assert!(
        old_main.contains("href=\"../../../glossary/beacon/\""),
        "{old_main}"
    );
    let latest = read(&out, "guide/setup/index.html");
    let latest_main = main_of(&latest);
    assert!(
        latest_main.contains("href=\"../glossary/needle/\""),
        "{latest_main}"
    );
    assert!(read(&out, "guide/glossary/needle/index.html").contains("2.0 kit"));
    assert!(read(&out, "guide/1.0/glossary/needle/index.html").contains("1.0 kit"));
}

#[test]
fn links_in_the_latest_copy_under_its_label_stay_correct() {
    let (_t, out) = build();
    let copy = read(&out, "guide/2.0/setup/index.html");
    let m = main_of(&copy);
    // Pages of the same version stay inside the copy…
    assert!(m.contains("href=\"tuning/#fine-tuning\""), "{m}");
    assert!(m.contains("href=\"../compass/#bearings\""), "{m}");
    // …while assets, glossary pages and other books are reached where they are.
    assert!(m.contains("src=\"../../images/kit.svg\""), "{m}");
    assert!(m.contains("href=\"../../glossary/needle/\""), "{m}");
    assert!(m.contains("href=\"../../../glossary/beacon/\""), "{m}");
    assert!(m.contains("href=\"../../../other/\""), "{m}");
    // The navigation, too, stays inside the copy: the copy's pages share
    // their own navigation file, whose hrefs start at the site root.
    let side = &copy[copy.find("id=\"sidebar\"").expect("sidebar")..];
    assert!(
        side.contains("<script src=\"../../../assets/nav/guide/2.0.js\"></script>"),
        "{side}"
    );
    let nav = read(&out, "assets/nav/guide/2.0.js");
    assert!(nav.contains(r#"href=\"guide/2.0/compass/\""#), "{nav}");
    assert!(!nav.contains(r#"href=\"guide/compass/\""#), "{nav}");
    // The copy's home page draws it itself, the page being read marked.
    let home = read(&out, "guide/2.0/index.html");
    assert!(home.contains("href=\"compass/\""), "{home}");
    assert!(home.contains("aria-current=\"page\""), "{home}");
    // Every relative href and src of the copy names a file that exists.
    for (attr, target) in relative_targets(&copy) {
        if target.ends_with("assets/search.js") {
            continue; // written by the search stage, not the renderer
        }
        let base = out.join("guide/2.0/setup");
        let mut path = base.join(&target);
        if target.ends_with('/') || target.is_empty() {
            path = path.join("index.html");
        }
        assert!(path.exists(), "{attr}={target} from guide/2.0/setup/");
    }
}

/// Every relative `href`/`src` value of an HTML page (fragment dropped, percent-decoded).
fn relative_targets(html: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r##"\s(href|src)="([^"#?]*)[^"]*""##).unwrap();
    re.captures_iter(html)
        .filter(|c| {
            let v = &c[2];
            !v.is_empty() && !v.starts_with('/') && !v.contains(':')
        })
        .map(|c| (c[1].to_string(), c[2].replace("%20", " ")))
        .collect()
}

#[test]
fn a_version_list_with_its_latest_last_runs_oldest_first() {
    // The fixture lists 1.0, then 2.0 marked latest: 2.0 is the newer, so it
    // gets "changes since 1.0", and the oldest, 1.0, has no changes page.
    let (_t, out) = build();
    assert!(exists(&out, "guide/2.0/changes/index.html"));
    assert!(!exists(&out, "guide/1.0/changes/index.html"));
    let page = std::fs::read_to_string(out.join("guide/2.0/changes/index.html")).unwrap();
    assert!(
        page.contains("changes since <a href=\"../../1.0/\">1.0</a>"),
        "{page}"
    );
}
