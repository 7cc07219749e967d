//! Books read straight from git repositories (`sources:`, DESIGN.md §10):
//! real repositories made in temporary folders (a clone with a branch and a
//! tag, a bare one), built and checked through `sources:` beside a folder book.

mod common;
use common::serve::{wait_for_content, Server};
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs git in `dir` with a fixed identity and commit date `day` (so refs
/// sort the same every run).
fn git_at(dir: &Path, day: u32, args: &[&str]) -> String {
    let date = format!("2024-01-{day:02}T12:00:00Z");
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn commit_all(dir: &Path, day: u32, msg: &str) {
    git_at(dir, day, &["add", "-A"]);
    git_at(dir, day, &["commit", "-qm", msg]);
}

/// A site root beside two repositories:
/// - `repos/bb-consent`: a clone with a working tree; `main` (2 commits),
///   tag `1.0` on the first, branch `23Q4` off the first with its own commit;
/// - `repos/payments.git`: a bare repository with `main` and tag `v1`;
/// - `site/content/other`: a folder book.
fn setup(config: &str) -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let consent = t.path().join("repos/bb-consent");
    std::fs::create_dir_all(&consent).unwrap();
    git_at(&consent, 1, &["init", "-q", "-b", "main"]);
    write(&consent, ".gitbook.yaml", "root: ./spec/\n");
    write(
        &consent,
        "spec/SUMMARY.md",
        "# Summary\n\n* [Consent](README.md)\n* [Setup](setup.md)\n* [Terminology](3-terminology.md)\n",
    );
    write(
        &consent,
        "spec/README.md",
        "# Consent\n\nThe consent book.\n",
    );
    write(
        &consent,
        "spec/setup.md",
        "# Setup\n\nOne-point-oh setup steps, see [the missing page](gone.md).\n\n![logo](.gitbook/assets/logo.png)\n",
    );
    write(
        &consent,
        "spec/3-terminology.md",
        "# Terminology\n\n### **Consent Record**\n\nA record of consent.\n\n### **Purpose**\n\nWhy data is used.\n",
    );
    write(&consent, "spec/.gitbook/assets/logo.png", "PNG-one");
    write(
        &consent,
        "README.md",
        "repository readme, outside the page root\n",
    );
    commit_all(&consent, 1, "first");
    git_at(&consent, 1, &["tag", "1.0"]);
    git_at(&consent, 2, &["checkout", "-q", "-b", "23Q4"]);
    write(
        &consent,
        "spec/README.md",
        "# Consent\n\nThe 23Q4 consent book.\n",
    );
    commit_all(&consent, 2, "23Q4 edit");
    git_at(&consent, 3, &["checkout", "-q", "main"]);
    write(
        &consent,
        "spec/setup.md",
        "# Setup\n\nTwo-point-oh setup steps, more words added here today.\n\n![logo](.gitbook/assets/logo.png)\n\n## 5.1 Requirements\n\n* The consent record must be signed (REQUIRED)\n",
    );
    write(
        &consent,
        "spec/SUMMARY.md",
        "# Summary\n\n* [Consent](README.md)\n* [Setup](setup.md)\n* [New things](new.md)\n* [Terminology](3-terminology.md)\n",
    );
    write(
        &consent,
        "spec/new.md",
        "# New things\n\nOnly in development. [Old setup](https://specs.example.org/consent/v/1.0/setup).\n",
    );
    write(
        &consent,
        "spec/3-terminology.md",
        "# Terminology\n\n### **Consent Record**\n\nA signed record of consent.\n\n### **Data Subject**\n\nThe person.\n",
    );
    commit_all(&consent, 3, "second");
    git_at(
        &consent,
        3,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/example/bb-consent.git",
        ],
    );

    let work = t.path().join("payments-work");
    std::fs::create_dir_all(&work).unwrap();
    git_at(&work, 1, &["init", "-q", "-b", "main"]);
    write(&work, "SUMMARY.md", "* [Payments](README.md)\n");
    write(&work, "README.md", "# Payments\n\nVersion one payments.\n");
    commit_all(&work, 1, "one");
    git_at(&work, 1, &["tag", "-a", "v1", "-m", "v1"]);
    write(&work, "README.md", "# Payments\n\nMain payments.\n");
    commit_all(&work, 4, "two");
    let bare = t.path().join("repos/payments.git");
    git_at(
        t.path(),
        4,
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    std::fs::remove_dir_all(&work).unwrap();

    let site = t.path().join("site");
    write(&site, "content/other/SUMMARY.md", "* [Other](README.md)\n");
    write(
        &site,
        "content/other/README.md",
        "# Other\n\nA folder book.\n",
    );
    write(&site, "specsite.yaml", config);
    (t, site)
}

const CONFIG: &str = "title: Git site
site_url: https://specs.example.org/
sources:
  - repo: ../repos/bb-consent
    versions:
      - { ref: main, label: development, latest: true }
      - { ref: 23Q4 }
      - { ref: \"1.0\" }
  - repo: ../repos/payments.git
    refs: [\"main\", \"v*\"]
";

fn build(site: &Path) -> (PathBuf, String) {
    let out = site.parent().unwrap().join("out");
    let o = run(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    (out, stderr)
}

fn page(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `check --format json` on `site` with `extra` arguments: the exit code and
/// the report.
fn check_json(site: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec![
        "check",
        "--root",
        site.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(extra);
    let o = run(&args);
    let v = serde_json::from_slice(&o.stdout).expect("a json report");
    (o.status.code(), v)
}

#[test]
fn every_ref_is_a_version_with_its_own_pages() {
    let (_t, site) = setup(CONFIG);
    let (out, stderr) = build(&site);
    // The latest at the book root and under its label; each other version under its label.
    assert!(page(&out, "consent/setup/index.html").contains("Two-point-oh"));
    assert!(page(&out, "consent/development/setup/index.html").contains("Two-point-oh"));
    assert!(page(&out, "consent/1.0/setup/index.html").contains("One-point-oh"));
    assert!(page(&out, "consent/23Q4/index.html").contains("The 23Q4 consent book"));
    assert!(page(&out, "consent/1.0/index.html").contains("The consent book."));
    assert!(out.join("consent/new/index.html").is_file());
    assert!(!out.join("consent/1.0/new/index.html").exists());
    // Assets come from each version's tree; files outside the page root are not pages.
    assert_eq!(
        std::fs::read(out.join("consent/1.0/.gitbook/assets/logo.png")).unwrap(),
        b"PNG-one"
    );
    // The bare repository: `refs:` globs, newest commit first, so `main` is the latest.
    assert!(page(&out, "payments/index.html").contains("Main payments"));
    assert!(page(&out, "payments/v1/index.html").contains("Version one payments"));
    // The folder book builds beside them.
    assert!(page(&out, "other/index.html").contains("A folder book"));
    assert!(
        stderr.contains("from 3 books, 5 versions"),
        "summary counts books and versions apart: {stderr}"
    );
    // Nothing was checked out: the clone's working tree is untouched.
    let consent = site.parent().unwrap().join("repos/bb-consent");
    assert_eq!(git_at(&consent, 5, &["status", "--porcelain"]), "");
}

#[test]
fn the_switcher_keeps_the_reader_on_the_same_page() {
    let (_t, site) = setup(CONFIG);
    let (out, _) = build(&site);
    let html = page(&out, "consent/1.0/setup/index.html");
    let start = html.find("class=\"version-switcher\"").expect("switcher");
    let menu = &html[start..start + html[start..].find("</details>").unwrap()];
    assert!(menu.contains("href=\"../../setup/\""), "{menu}");
    assert!(menu.contains("href=\"../../23Q4/setup/\""), "{menu}");
    // GitBook's `/v/<label>/` URLs land in that version.
    let html = page(&out, "consent/new/index.html");
    assert!(
        html.contains("<a href=\"../1.0/setup/\">Old setup</a>"),
        "{html}"
    );
    // A page the other version lacks: that version's start page.
    let html = page(&out, "consent/new/index.html");
    let start = html.find("class=\"version-switcher\"").expect("switcher");
    let menu = &html[start..start + html[start..].find("</details>").unwrap()];
    assert!(menu.contains("href=\"../1.0/\""), "{menu}");
    // Older versions point search engines at the latest.
    assert!(html.contains("https://specs.example.org/consent/new/"));
    // The edit link comes from the GitHub remote, the page root included.
    let html = page(&out, "consent/setup/index.html");
    assert!(
        html.contains("https://github.com/example/bb-consent/edit/main/spec/setup.md"),
        "edit link"
    );
    let html = page(&out, "consent/1.0/setup/index.html");
    assert!(html.contains("https://github.com/example/bb-consent/blob/1.0/spec/setup.md"));
}

#[test]
fn findings_name_the_version_and_older_versions_are_info() {
    let (_t, site) = setup(CONFIG);
    let check = |extra: &[&str]| check_json(&site, extra);
    let (code, v) = check(&[]);
    let diags = v["diagnostics"].as_array().unwrap();
    let broken: Vec<&serde_json::Value> = diags
        .iter()
        .filter(|d| d["rule"] == "broken-link")
        .collect();
    assert_eq!(broken.len(), 2, "{v:#}");
    let old = broken
        .iter()
        .find(|d| d["file"] == "consent@1.0/spec/setup.md")
        .expect("finding in 1.0");
    assert_eq!(old["severity"], "info");
    assert_eq!(old["line"], 3);
    assert_eq!(old["source"]["repo"], "../repos/bb-consent");
    assert_eq!(old["source"]["ref"], "refs/tags/1.0");
    assert_eq!(old["source"]["path"], "spec/setup.md");
    assert_eq!(old["source"]["commit"].as_str().unwrap().len(), 40);
    assert!(broken
        .iter()
        .any(|d| d["file"] == "consent@23Q4/spec/setup.md"));
    // Only info findings: the latest version is clean.
    assert_eq!(code, Some(0), "{v:#}");
    let (code, v) = check(&["--all-versions"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["summary"]["errors"], 2, "{v:#}");

    // SARIF: the path in the repository, relative to the version.
    let o = run(&[
        "check",
        "--root",
        site.to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let loc = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .find(|a| a["uriBaseId"] == "consent@1.0")
        .expect("a result in consent@1.0");
    assert_eq!(loc["uri"], "spec/setup.md");
    // github: no file= for a file that is not in the checked-out tree.
    let o = run(&[
        "check",
        "--root",
        site.to_str().unwrap(),
        "--format",
        "github",
        "--all-versions",
    ]);
    let gh = String::from_utf8_lossy(&o.stdout);
    let line = gh
        .lines()
        .find(|l| l.contains("consent@1.0"))
        .expect("github line");
    assert!(!line.contains("file="), "{line}");
}

#[test]
fn a_missing_ref_or_repository_stops_the_build() {
    let (_t, site) = setup(&CONFIG.replace("ref: 23Q4", "ref: 24Q1"));
    let o = run(&["check", "--root", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("source-unreadable"), "{stderr}");
    assert!(stderr.contains("../repos/bb-consent"), "{stderr}");
    assert!(stderr.contains("`24Q1` does not exist"), "{stderr}");

    let (_t, site) = setup(&CONFIG.replace("../repos/payments.git", "../repos"));
    let o = run(&["build", "--root", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`../repos`: not a git repository"),
        "{stderr}"
    );
}

#[test]
fn a_version_label_that_specsite_writes_itself_is_refused() {
    // `changes/` is the changes page of every version: a version there
    // would be overwritten by it.
    let (_t, site) = setup(&CONFIG.replace("ref: 23Q4 }", "ref: 23Q4, label: changes }"));
    let o = run(&["build", "--root", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("source-unreadable"), "{stderr}");
    assert!(stderr.contains("`../repos/bb-consent`"), "{stderr}");
    assert!(
        stderr.contains("the version label `changes` is a name specsite writes inside every book"),
        "{stderr}"
    );
    // The same for a folder book's versions.
    let (_t, site) = setup(
        "books:\n  - id: other\n    versions:\n      - { label: main, path: content/other }\n      - { label: print, path: content/other }\n",
    );
    let o = run(&["check", "--root", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("books: `other`: the version label `print` is a name specsite writes"),
        "{stderr}"
    );
}

#[test]
fn a_book_id_used_twice_is_an_error() {
    let (_t, site) = setup(&format!(
        "{CONFIG}  - repo: ../repos/payments.git\n    book: other\n"
    ));
    let o = run(&["check", "--root", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the book id `other` is used twice"),
        "{stderr}"
    );
}

#[test]
fn a_missing_blob_is_one_warning_and_the_rest_builds() {
    let (_t, site) =
        setup("sources:\n  - repo: ../repos/bb-consent\n    versions:\n      - { ref: main }\n");
    let repo = site.parent().unwrap().join("repos/bb-consent");
    // The logo's blob, a loose object in this fresh repository.
    let oid = git_at(
        &repo,
        5,
        &["rev-parse", "main:spec/.gitbook/assets/logo.png"],
    );
    let object = repo.join(".git/objects").join(&oid[..2]).join(&oid[2..]);
    std::fs::remove_file(&object).expect("loose object");
    let out = site.parent().unwrap().join("out");
    let o = run(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let json = &stderr[..stderr.rfind("}\n").unwrap() + 1];
    let v: serde_json::Value = serde_json::from_str(json).expect("json report");
    let warnings: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "warning")
        .collect();
    assert_eq!(warnings.len(), 1, "{v:#}");
    assert_eq!(warnings[0]["rule"], "source-missing-object");
    assert_eq!(
        warnings[0]["file"],
        "consent@main/spec/.gitbook/assets/logo.png"
    );
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(page(&out, "consent/setup/index.html").contains("Two-point-oh"));
    assert!(!out.join("consent/main/.gitbook/assets/logo.png").exists());
}

#[test]
fn a_worktree_version_shows_uncommitted_edits() {
    let (_t, site) = setup(
        "sources:\n  - repo: ../repos/bb-consent\n    versions:\n      - { ref: main, latest: true }\n      - { worktree: true, label: preview }\n",
    );
    let repo = site.parent().unwrap().join("repos/bb-consent");
    write(
        &repo,
        "spec/setup.md",
        "# Setup\n\nUncommitted words, [broken](nowhere.md).\n",
    );
    let out = site.parent().unwrap().join("out");
    let o = run(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    // The working tree's finding keeps its severity: it is what the author is editing.
    assert_eq!(o.status.code(), Some(1));
    assert!(page(&out, "consent/preview/setup/index.html").contains("Uncommitted words"));
    assert!(page(&out, "consent/setup/index.html").contains("Two-point-oh"));
    let (_, v) = check_json(&site, &[]);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "consent@preview/spec/setup.md")
        .expect("worktree finding");
    assert_eq!(d["severity"], "error");
    assert!(d["source"]["ref"].is_null());
    // `github`: the working tree's file is on disk, so it is annotated like
    // a folder book's, by its path from the git top level (here the folder
    // holding the site and the repositories).
    git_at(site.parent().unwrap(), 5, &["init", "-q", "-b", "main"]);
    let o = run(&[
        "check",
        "--root",
        site.to_str().unwrap(),
        "--format",
        "github",
    ]);
    let gh = String::from_utf8_lossy(&o.stdout);
    let line = gh
        .lines()
        .find(|l| l.contains("title=broken-link"))
        .expect("github line");
    assert!(
        line.starts_with("::error file=repos/bb-consent/spec/setup.md,line=3,"),
        "{gh}"
    );
}

#[test]
fn each_version_with_a_predecessor_has_a_changes_page() {
    let (_t, site) = setup(CONFIG);
    let (out, _) = build(&site);
    assert!(!out.join("consent/1.0/changes/index.html").exists());
    // The latest's page, at the book root and under its label.
    let copy = page(&out, "consent/development/changes/index.html");
    assert!(
        copy.contains("<a href=\"../../23Q4/setup/\">before</a>"),
        "{copy}"
    );
    let html = page(&out, "consent/changes/index.html");
    let main = &html[html
        .find("<article class=\"version-changes\"")
        .expect("changes page")..];
    // Counts first.
    let counts = &main[..main.find("</ul>").unwrap()];
    assert!(counts.contains("<strong>1</strong> page added"), "{counts}");
    assert!(counts.contains("<strong>3</strong> changed"), "{counts}");
    assert!(counts.contains("<strong>1</strong> term added, <strong>1</strong> removed, <strong>1</strong> redefined"), "{counts}");
    // Each entry links to both versions.
    assert!(main.contains("<a href=\"../setup/\">Setup</a>"), "{main}");
    assert!(
        main.contains("<a href=\"../23Q4/setup/\">before</a>"),
        "{main}"
    );
    assert!(
        main.contains("<a href=\"../new/\">New things</a>"),
        "{main}"
    );
    assert!(main.contains(">Data Subject</a>"), "{main}");
    assert!(main.contains(">Purpose</a> (in 23Q4)"), "{main}");
    // The requirement diff: one requirement added in development.
    assert!(main.contains("id=\"changed-requirements\""), "{main}");
    assert!(main.contains("<td>added</td>"), "{main}");
    // The older pair: only the readme changed.
    let html = page(&out, "consent/23Q4/changes/index.html");
    assert!(html.contains("<strong>1</strong> changed"), "{html}");
    assert!(html.contains("<a href=\"../../1.0/\">"), "{html}");
}

#[test]
fn serve_rebuilds_when_a_published_branch_moves() {
    let (_t, site) = setup(CONFIG);
    let server = Server::start(site.clone(), None);
    assert!(server.get("/consent/setup/").1.contains("Two-point-oh"));
    // A commit on `main`, the published latest version.
    let repo = site.parent().unwrap().join("repos/bb-consent");
    write(
        &repo,
        "spec/setup.md",
        "# Setup\n\nThree-point-oh setup steps.\n",
    );
    commit_all(&repo, 6, "third");
    wait_for_content(&server, "/consent/setup/", "Three-point-oh");
    // The other versions are untouched.
    assert!(server.get("/consent/1.0/setup/").1.contains("One-point-oh"));
}

#[test]
fn serve_redoes_only_the_edited_page_of_a_worktree_version() {
    let (_t, site) = setup(
        "sources:\n  - repo: ../repos/bb-consent\n    versions:\n      - { worktree: true, label: preview }\n      - { ref: \"1.0\" }\n",
    );
    let server = Server::start(site.clone(), None);
    wait_for_content(&server, "/consent/", "The consent book.");
    let repo = site.parent().unwrap().join("repos/bb-consent");
    // One sentence edited: the page's headings and links stay.
    write(
        &repo,
        "spec/README.md",
        "# Consent\n\nThe edited consent book.\n",
    );
    wait_for_content(&server, "/consent/", "The edited consent book.");
    // Like a folder book's page: that page parsed again, not the site.
    let line = server
        .wait_line(|l| l.starts_with("[serve]"))
        .expect("serve reports the rebuild");
    assert!(
        line.starts_with("[serve] consent@preview/spec/README.md: 1 parsed,"),
        "{line}"
    );
    assert!(server.get("/consent/1.0/").1.contains("The consent book."));
}

#[test]
fn file_arguments_select_worktree_files_on_disk() {
    let (_t, site) = setup(
        "sources:\n  - repo: ../repos/bb-consent\n    versions:\n      - { ref: main, latest: true }\n      - { worktree: true, label: preview }\n      - { ref: \"1.0\" }\n",
    );
    let repo = site.parent().unwrap().join("repos/bb-consent");
    write(&repo, "spec/setup.md", "# Setup\n\n[broken](nowhere.md).\n");
    let file = repo.join("spec/setup.md");
    let (_, v) = check_json(&site, &["--all-versions", file.to_str().unwrap()]);
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    // The worktree's file only: not the same path read from `1.0`'s objects.
    assert_eq!(files, ["consent@preview/spec/setup.md"], "{v:#}");
}

#[test]
fn last_updated_comes_from_each_refs_own_history() {
    let (_t, site) = setup(&format!("last_updated: true\n{CONFIG}"));
    let (out, _) = build(&site);
    let date = |rel: &str| {
        let html = page(&out, rel);
        let i = html.find("<time datetime=\"").expect("a date") + 16;
        html[i..i + 10].to_string()
    };
    assert_eq!(date("consent/setup/index.html"), "2024-01-03");
    assert_eq!(date("consent/1.0/setup/index.html"), "2024-01-01");
    assert_eq!(date("consent/23Q4/index.html"), "2024-01-02");
    assert_eq!(date("consent/23Q4/setup/index.html"), "2024-01-01");
}

#[test]
fn a_repository_inside_the_root_is_never_a_folder_book() {
    let (t, _) = setup(CONFIG);
    // The site root holds the clone itself, and nothing else.
    let root = t.path().join("repos");
    write(
        &root,
        "specsite.yaml",
        "sources:\n  - repo: bb-consent\n    versions:\n      - { ref: main }\n",
    );
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
    assert!(stderr.contains("from 1 book in 1 version"), "{stderr}");
    assert!(page(&out, "consent/setup/index.html").contains("Two-point-oh"));
    assert!(!out.join("bb-consent").exists());
}

#[test]
fn versions_share_the_preprocessing_of_unchanged_pages() {
    let (_t, site) = setup(
        "sources:\n  - repo: ../repos/bb-consent\n    versions:\n      - { ref: 23Q4-fix }\n      - { ref: 23Q4 }\n      - { ref: \"1.0\" }\n",
    );
    let repo = site.parent().unwrap().join("repos/bb-consent");
    git_at(&repo, 4, &["checkout", "-q", "23Q4"]);
    // A card that shows another file's size: its result depends on the
    // version, so it is done again for every version that has the page.
    write(
        &repo,
        "spec/setup.md",
        "# Setup\n\n{% file src=\".gitbook/assets/logo.png\" %}\n",
    );
    // An unknown block: a finding of the dialect stage, in a page shared as it is.
    write(
        &repo,
        "spec/3-terminology.md",
        "# Terminology\n\n{% fancy %}\n\n### **Purpose**\n\nWhy data is used.\n",
    );
    // An operation card: the page reads a spec, the same blob in both
    // 23Q4 versions, which is parsed once for them.
    let mut spec = String::from("openapi: 3.0.0\ninfo:\n  title: Consent API\n  version: '1'\npaths:\n  /records:\n    get:\n      summary: List consent records\n      responses:\n        '200':\n          description: The records\n");
    for i in 0..40 {
        spec.push_str(&format!("  /padding/{i}:\n    get:\n      responses:\n        '200':\n          description: ok\n"));
    }
    write(&repo, "spec/.gitbook/assets/api.yaml", &spec);
    write(
        &repo,
        "spec/api.md",
        "# API\n\n{% swagger src=\".gitbook/assets/api.yaml\" path=\"/records\" method=\"get\" %}\n{% endswagger %}\n",
    );
    commit_all(&repo, 4, "23Q4 cards");
    git_at(&repo, 5, &["checkout", "-q", "-b", "23Q4-fix"]);
    write(&repo, "spec/extra.md", "# Extra\n\nOnly in the fix.\n");
    commit_all(&repo, 5, "fix");
    git_at(&repo, 5, &["checkout", "-q", "main"]);
    let out = site.parent().unwrap().join("out");
    let o = bin()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&out)
        .env("SPECSITE_TIMINGS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    // 13 pages: 1.0 has 3, 23Q4 4, 23Q4-fix 5, the folder book 1. The
    // fix's README and terminology are 23Q4's blobs; its setup and API pages
    // read other files, so they are preprocessed again; 1.0's pages are
    // other blobs.
    assert!(
        stderr.contains("timing: dialect: 11 of 13 pages preprocessed, 2 shared with another version; OpenAPI specs parsed: 1\n"),
        "{stderr}"
    );
    for label in ["23Q4", "23Q4-fix"] {
        let html = page(&out, &format!("consent/{label}/api/index.html"));
        assert!(html.contains("List consent records"), "{html}");
    }
    for label in ["23Q4", "23Q4-fix"] {
        let html = page(&out, &format!("consent/{label}/setup/index.html"));
        assert!(
            html.contains("<span class=\"file-size\">(7 B)</span>"),
            "{html}"
        );
        assert!(
            page(&out, &format!("consent/{label}/3-terminology/index.html"))
                .contains("Why data is used")
        );
    }
    // The shared page's finding is reported in each version's file.
    let (_, v) = check_json(&site, &[]);
    let mut files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unknown-block")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "consent@23Q4-fix/spec/3-terminology.md",
            "consent@23Q4/spec/3-terminology.md"
        ]
    );
}
