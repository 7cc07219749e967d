//! Regression tests for reliability defects: each test is named after the
//! defect it guards against, and failed before its fix.

mod common;

use common::{run, site};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The fastest of five runs of `small` and of `large`, run in turns, in CPU
/// time of the calling thread, and how many times slower `large` is. Time
/// spent waiting for a core on a loaded machine is not counted, so a long
/// run is not stretched more than a short one; the work must run on this
/// thread.
fn thread_cpu_cost_ratio(
    mut small: impl FnMut(),
    mut large: impl FnMut(),
) -> (Duration, Duration, f64) {
    fn thread_cpu() -> Duration {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid timespec for the call to write.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
    let time = |f: &mut dyn FnMut()| {
        let t = thread_cpu();
        f();
        thread_cpu() - t
    };
    let (mut s, mut l) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        s = s.min(time(&mut small));
        l = l.min(time(&mut large));
    }
    (s, l, l.as_secs_f64() / s.as_secs_f64().max(1e-6))
}

/// [`thread_cpu_cost_ratio`] of `analyse` on the sites at `small` and
/// `large`, in a one-thread pool made of this thread: the analysis runs
/// here, so its cost is this thread's CPU time, which a loaded machine does
/// not stretch (wall time did, once, past the bound).
fn analysis_cost_ratio(
    small: &Path,
    large: &Path,
    analyse: impl Fn(&Path) -> specsite::Analysis + Sync,
) -> (Duration, Duration, f64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .unwrap();
    thread_cpu_cost_ratio(
        || pool.install(|| drop(analyse(small))),
        || pool.install(|| drop(analyse(large))),
    )
}

/// A one-book site whose page `a.md` is `page`.
fn one_page_site(page: &str) -> (tempfile::TempDir, PathBuf) {
    site(&[
        ("content/book/SUMMARY.md", "# Summary\n\n* [A](a.md)\n"),
        ("content/book/a.md", page),
    ])
}

fn analyse(root: &Path) -> specsite::Analysis {
    let opts = specsite::Options {
        root: root.to_path_buf(),
        skip_html: true,
        ..Default::default()
    };
    match specsite::analyse(&opts) {
        Ok(a) => a,
        Err(e) => panic!("analyse: {e}"),
    }
}

/// A page of `n` links to a page that exists, a few per line.
fn page_of_links(n: usize) -> String {
    let mut page = String::from("# Links\n\n");
    for i in 0..n {
        page.push_str(&format!("[link {i}](a.md) "));
        if i % 4 == 3 {
            page.push('\n');
        }
    }
    page
}

#[test]
fn quadratic_in_links_per_page() {
    // Eight times the links must cost about eight times as much (quadratic
    // cost made it up to 64).
    let (_t1, small) = one_page_site(&page_of_links(4_000));
    let (_t2, large) = one_page_site(&page_of_links(32_000));
    let a = analyse(&large);
    assert_eq!(a.docs[0].links.len(), 32_000);
    let (t_small, t_large, ratio) = analysis_cost_ratio(&small, &large, analyse);
    eprintln!("4k links: {t_small:?}, 32k links: {t_large:?} (x{ratio:.1})");
    assert!(
        ratio < 20.0,
        "4k links: {t_small:?}, 32k links: {t_large:?} (x{ratio:.1})"
    );
}

#[test]
fn quadratic_in_requirement_blocks_per_page() {
    // Each list item naming a level gets a marker in the page's HTML; they
    // were inserted one by one, each moving the rest of the page. Eight
    // times the items must cost about eight times as much (x8 here; the
    // insertions made it x20 at 3k against 24k, and worse beyond).
    let page = |n: usize| {
        let mut p = String::from("# Requirements\n\n");
        for i in 0..n {
            p.push_str(&format!("* The service logs event {i} (REQUIRED)\n"));
        }
        p
    };
    let (_t1, small) = one_page_site(&page(4_000));
    let (_t2, large) = one_page_site(&page(32_000));
    let analyse_html = |root: &Path| {
        let opts = specsite::Options {
            root: root.to_path_buf(),
            ..Default::default()
        };
        specsite::analyse(&opts).unwrap_or_else(|e| panic!("analyse: {e}"))
    };
    let a = analyse_html(&large);
    let found: usize = a
        .requirements
        .books
        .iter()
        .map(|b| b.requirements.len())
        .sum();
    assert_eq!(found, 32_000);
    let (t_small, t_large, ratio) = analysis_cost_ratio(&small, &large, analyse_html);
    eprintln!("4k items: {t_small:?}, 32k items: {t_large:?} (x{ratio:.1})");
    assert!(
        ratio < 16.0,
        "4k items: {t_small:?}, 32k items: {t_large:?} (x{ratio:.1})"
    );
}

#[test]
fn quadratic_in_findings_per_file_for_machine_formats() {
    use specsite::diag::render::{render_report, Format, ReportOptions};
    use specsite::diag::{Diagnostic, Rule};
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let findings = |n: usize| {
        let line = "see [x](missing.md) here\n";
        let text: Arc<str> = Arc::from(line.repeat(n));
        let diags: Vec<Diagnostic> = (0..n)
            .map(|i| {
                let at = i * line.len() + 8;
                Diagnostic::new(Rule::BrokenLink, "a.md", at..at + 10, "broken")
            })
            .collect();
        let mut sources = BTreeMap::new();
        sources.insert("a.md".to_string(), text);
        (diags, sources)
    };
    let (small, small_src) = findings(4_000);
    let (large, large_src) = findings(32_000);
    for format in [Format::Json, Format::Sarif, Format::Github] {
        let opts = ReportOptions::default();
        // The machine formats render on the calling thread.
        let (t_small, t_large, ratio) = thread_cpu_cost_ratio(
            || drop(render_report(format, &small, &small_src, &opts)),
            || drop(render_report(format, &large, &large_src, &opts)),
        );
        eprintln!("{format:?}: 4k findings {t_small:?}, 32k findings {t_large:?} (x{ratio:.1})");
        assert!(
            ratio < 20.0,
            "{format:?}: 4k findings {t_small:?}, 32k findings {t_large:?} (x{ratio:.1})"
        );
    }
    // And the positions are right: the last finding is on the last line.
    let report = render_report(Format::Json, &large, &large_src, &ReportOptions::default());
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    let last = &v["diagnostics"][32_000 - 1];
    assert_eq!(
        (last["line"].as_u64(), last["column"].as_u64()),
        (Some(32_000), Some(9))
    );
}

#[test]
fn cr_only_line_endings() {
    let page = "# Title\r\rSome text.\r\rSee [x](missing.md) here.\r";
    let (_t, root) = one_page_site(page);
    let out = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "broken-link")
        .unwrap();
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(9)),
        "{d}"
    );
    let human = run(&["check", "--root", root.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("content/book/a.md:5:9"), "{text}");
    assert!(!text.contains('\r'), "{text:?}");
}

#[test]
fn machine_formats_print_nothing_on_invalid_config() {
    let (_t, root) = site(&[
        ("specsite.yaml", "title: [unclosed\n"),
        ("content/book/SUMMARY.md", "* [A](a.md)\n"),
        ("content/book/a.md", "# A\n"),
    ]);
    let root = root.to_str().unwrap();
    for format in ["json", "sarif", "github"] {
        let out = run(&["check", "--root", root, "--format", format]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        match format {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let d = &v["diagnostics"][0];
                assert_eq!(d["rule"], "invalid-yaml", "{v}");
                assert_eq!(
                    (d["file"].as_str(), d["line"].as_u64()),
                    (Some("specsite.yaml"), Some(1))
                );
                assert_eq!(v["summary"]["errors"], 1);
            }
            "sarif" => {
                let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let r = &v["runs"][0]["results"][0];
                assert_eq!(r["ruleId"], "invalid-yaml", "{v}");
            }
            _ => assert!(
                stdout.starts_with("::error file=specsite.yaml,line=1,"),
                "{stdout}"
            ),
        }
    }
    // Without any book: still a report, holding the failure.
    let (_t2, empty) = site(&[("notes.txt", "nothing here\n")]);
    let out = run(&[
        "check",
        "--root",
        empty.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["rule"], "book-without-summary", "{v}");
    // build --format json prints it to stderr, where its report goes.
    let out = run(&["build", "--root", root, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let json_end = stderr.rfind("}\n").unwrap() + 2;
    let v: serde_json::Value = serde_json::from_str(&stderr[..json_end]).unwrap();
    assert_eq!(v["diagnostics"][0]["rule"], "invalid-yaml");
}

#[test]
fn search_limit_overflow_panics() {
    let (_t, root) = one_page_site("# Consent\n\nConsent management for people.\n");
    let cache = root.join(".cache");
    let out = run(&[
        "search",
        "consent",
        "--root",
        root.to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
        "--json",
        "--limit",
        "18446744073709551615",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["results"].as_array().unwrap().is_empty(), "{v}");
}

/// A site with a page, a nested page and an image, for the build tests.
fn build_site() -> (tempfile::TempDir, PathBuf) {
    site(&[
        ("content/book/SUMMARY.md", "* [A](a.md)\n* [B](sub/b.md)\n"),
        (
            "content/book/a.md",
            "# A\n\n![logo](.gitbook/assets/logo.png)\n",
        ),
        ("content/book/sub/b.md", "# B\n\nSee [A](../a.md).\n"),
        (
            "content/book/.gitbook/assets/logo.png",
            "not really a png\n",
        ),
    ])
}

fn build(root: &Path, out: &Path) -> std::process::Output {
    run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// [`build`], which must succeed with exit 0 (its stderr shown if not).
fn build_ok(root: &Path, out: &Path) {
    let b = build(root, out);
    assert_eq!(
        b.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
}

/// Names in `dir` (not recursive), sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn output_files_are_hard_links_to_sources() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, root) = build_site();
    let out = tmp.path().join("out");
    build_ok(&root, &out);
    let inode = |p: &Path| {
        let m = std::fs::metadata(p).unwrap();
        (m.dev(), m.ino())
    };
    let sources: std::collections::HashSet<(u64, u64)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| inode(e.path()))
        .collect();
    let mut copies = 0;
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            assert!(
                !sources.contains(&inode(e.path())),
                "{} shares a source's inode",
                e.path().display()
            );
            assert_eq!(
                std::fs::metadata(e.path()).unwrap().nlink(),
                1,
                "{}",
                e.path().display()
            );
            copies += 1;
        }
    }
    assert!(copies > 5);
    // Appending to the output leaves the sources as they were.
    let page_copy = out.join("book/a/index.md");
    let asset_copy = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.file_name().is_some_and(|n| n == "logo.png"))
        .expect("the asset is copied");
    for copy in [&page_copy, &asset_copy] {
        let mut f = std::fs::OpenOptions::new().append(true).open(copy).unwrap();
        std::io::Write::write_all(&mut f, b"appended\n").unwrap();
    }
    assert_eq!(
        common::read(&root, "content/book/a.md"),
        "# A\n\n![logo](.gitbook/assets/logo.png)\n"
    );
    assert_eq!(
        common::read(&root, "content/book/.gitbook/assets/logo.png"),
        "not really a png\n"
    );
}

/// Every file under `dir`, output-relative, with its bytes.
fn files_of(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn rebuild_keeps_unchanged_files_and_equals_a_fresh_build() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, root) = build_site();
    let out = tmp.path().join("out");
    build_ok(&root, &out);
    let ino = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
    let asset = files_of(&out)
        .into_keys()
        .find(|p| p.ends_with("logo.png"))
        .expect("the asset is copied");
    let kept = ["book/sub/b/index.md", asset.as_str()];
    let before: Vec<u64> = kept.iter().map(|p| ino(p)).collect();
    let page_before = ino("book/a/index.md");
    // One page edited; the other page and the asset are not.
    std::fs::write(
        root.join("content/book/a.md"),
        "# A\n\n![logo](.gitbook/assets/logo.png)\n\nOne more line.\n",
    )
    .unwrap();
    build_ok(&root, &out);
    for (p, was) in kept.iter().zip(&before) {
        assert_eq!(ino(p), *was, "{p} kept from the replaced site");
        assert_eq!(std::fs::metadata(out.join(p)).unwrap().nlink(), 1, "{p}");
    }
    assert_ne!(
        ino("book/a/index.md"),
        page_before,
        "the edited page's copy is new"
    );
    assert!(common::read(&out, "book/a/index.md").contains("One more line."));
    // What a rebuild leaves is what a build into an empty folder writes.
    let fresh = tmp.path().join("fresh");
    build_ok(&root, &fresh);
    let (rebuilt, fresh) = (files_of(&out), files_of(&fresh));
    assert_eq!(
        rebuilt.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (p, bytes) in &rebuilt {
        assert!(fresh[p] == *bytes, "{p} differs from a fresh build's");
    }
}

#[test]
fn a_rebuild_of_unchanged_sources_leaves_the_site_untouched() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, root) = build_site();
    let out = tmp.path().join("out");
    build_ok(&root, &out);
    let stamp = |rel: &str| {
        let m = std::fs::symlink_metadata(out.join(rel)).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let files: Vec<String> = files_of(&out).into_keys().collect();
    let before: Vec<_> = std::iter::once(String::new())
        .chain(files.iter().cloned())
        .map(|p| stamp(&p))
        .collect();
    build_ok(&root, &out);
    let after: Vec<_> = std::iter::once(String::new())
        .chain(files.iter().cloned())
        .map(|p| stamp(&p))
        .collect();
    assert_eq!(after, before, "the folder and every file as they were");
    assert_eq!(files_of(&out).into_keys().collect::<Vec<_>>(), files);
    assert_eq!(names_in(tmp.path()), ["out", "site"], "nothing left beside");
    // One page edited: the site is rebuilt in a new folder, equal to a
    // fresh build.
    std::fs::write(root.join("content/book/a.md"), "# A\n\nEdited.\n").unwrap();
    build_ok(&root, &out);
    assert_ne!(stamp(""), before[0], "a new folder swapped in");
    assert!(common::read(&out, "book/a/index.md").contains("Edited."));
    let fresh = tmp.path().join("fresh");
    build_ok(&root, &fresh);
    assert_eq!(files_of(&out), files_of(&fresh));
}

#[test]
fn interrupted_builds_leave_temp_folders() {
    let (tmp, root) = build_site();
    let out = tmp.path().join("out");
    // What killed builds left: a half-written site and an old one moved aside.
    for stale in [".out.specsite-tmp-a1B2c3", ".out.specsite-old-x9Y8z7"] {
        std::fs::create_dir_all(tmp.path().join(stale).join("book/sub")).unwrap();
        std::fs::write(tmp.path().join(stale).join("book/sub/index.html"), "stale").unwrap();
    }
    // Another folder's leftovers and the user's own files stay.
    std::fs::create_dir_all(tmp.path().join(".other.specsite-tmp-q")).unwrap();
    build_ok(&root, &out);
    assert_eq!(
        names_in(tmp.path()),
        [".other.specsite-tmp-q", "out", "site"]
    );
    // With the default --out the leftovers sit inside the root, and go too.
    std::fs::create_dir_all(root.join(".public.specsite-tmp-zz/book")).unwrap();
    std::fs::write(
        root.join(".public.specsite-tmp-zz/book/index.md"),
        "# Stale\n",
    )
    .unwrap();
    let b = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(
        b.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(names_in(&root), ["content", "public"]);
}

#[test]
fn swap_into_out_is_two_renames() {
    use std::os::unix::io::AsRawFd;
    let (tmp, root) = build_site();
    let out = tmp.path().join("out");
    build_ok(&root, &out);
    assert!(out.join("book/a/index.html").exists());
    // While another build holds the folder, a build waits its turn.
    let held = std::fs::File::open(tmp.path()).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX) }, 0);
    let mut waiting = common::bin()
        .args([
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the second build did not wait"
    );
    drop(held);
    let done = waiting.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&done.stderr).contains("waiting for another specsite build"));
    // Builds racing into one --out all succeed, and --out never goes
    // missing while they swap.
    let watcher_out = out.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let watcher = std::thread::spawn(move || {
        let mut missing = 0;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            if !watcher_out.join("book/a/index.html").exists() {
                missing += 1;
            }
        }
        missing
    });
    let builds: Vec<_> = (0..4)
        .map(|_| {
            common::bin()
                .args([
                    "build",
                    "--root",
                    root.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                ])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for b in builds {
        let o = b.wait_with_output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(
        watcher.join().unwrap(),
        0,
        "--out was missing while a build swapped"
    );
    assert_eq!(names_in(tmp.path()), ["out", "site"]);
}

#[test]
fn out_naming_an_existing_regular_file() {
    let (tmp, root) = build_site();
    let file = tmp.path().join("site.html");
    std::fs::write(&file, "mine").unwrap();
    let b = build(&root, &file);
    assert_eq!(b.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&b.stderr);
    assert!(stderr.contains("is a file, not a folder"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    assert_eq!(names_in(tmp.path()), ["site", "site.html"]);
}

/// Every file under `dir` whose contents contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    common::tree(dir)
        .into_iter()
        .filter(|(_, b)| {
            String::from_utf8_lossy(b)
                .to_ascii_lowercase()
                .contains(needle)
        })
        .map(|(p, _)| p)
        .collect()
}

fn json_check(root: &Path) -> (Option<i32>, serde_json::Value) {
    let out = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

/// `rule file:line:col` of every finding of `rule`.
fn found(v: &serde_json::Value, rule: &str) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect()
}

#[test]
fn javascript_urls_become_live_hrefs() {
    let (tmp, root) = site(&[
        (
            "specsite.yaml",
            "books:\n  - id: book\n    edit_url: \"javascript:alert(1)//{path}\"\n",
        ),
        ("content/book/SUMMARY.md", "* [A](a.md)\n"),
        (
            "content/book/a.md",
            "# A\n\n[click](javascript:alert(1)) and [ok](https://example.org)\n\n![img](JavaScript:alert(2))\n\n<a href=\"javascript:alert(3)\">raw</a> <a href=\"&#106;avascript:alert(4)\">ent</a>\n\n{% embed url=\"javascript:alert(5)\" %}\nCaption\n{% endembed %}\n",
        ),
    ]);
    let (code, v) = json_check(&root);
    assert_eq!(code, Some(0), "warnings only: {v}");
    assert_eq!(
        found(&v, "unsafe-link"),
        [
            "content/book/a.md:3:9",
            "content/book/a.md:5:8",
            "content/book/a.md:7:10",
            "content/book/a.md:7:48",
            "content/book/a.md:9:15",
            "specsite.yaml:3:16",
        ]
    );
    let out = tmp.path().join("out");
    build_ok(&root, &out);
    let html = common::read(&out, "book/a/index.html");
    for attr in ["href=\"javascript:", "src=\"javascript:", "href=\"&#106;"] {
        let live: Vec<String> = files_containing(&out, attr)
            .into_iter()
            .filter(|f| !f.ends_with(".md")) // the page's source, copied as it is
            .collect();
        assert!(live.is_empty(), "{attr}: {live:?}");
    }
    // Shown as text instead.
    assert!(common::main_of(&html).contains("javascript:alert(5)"));
    assert!(
        !html.contains("avascript:alert(4)"),
        "an entity-encoded scheme is dropped too"
    );
    let main = common::main_of(&html);
    assert!(
        main.contains("click") && main.contains("href=\"https://example.org\""),
        "{main}"
    );
}

#[test]
fn term_identifier_with_quotes_or_angle_brackets() {
    let (tmp, root) = site(&[
        ("content/book/SUMMARY.md", "* [A](a.md)\n"),
        ("content/book/a.md", "# A\n\nThe Registry keeps records.\n"),
        (
            "glossary/common.yaml",
            "- term: Registry\n  identifier: '\"><img src=x onerror=alert(1)>'\n  definition: Keeps records.\n- term: Dots\n  identifier: '../../escape'\n  definition: Tries to leave.\n",
        ),
    ]);
    let out = tmp.path().join("out");
    build_ok(&root, &out);
    let folders = names_in(&out.join("glossary"));
    assert!(
        folders.contains(&"img-srcx-onerroralert1".to_string()),
        "{folders:?}"
    );
    assert!(folders.contains(&"escape".to_string()), "{folders:?}");
    assert!(
        folders.iter().all(|f| !f.contains(['"', '<', '>', '\''])),
        "{folders:?}"
    );
    assert_eq!(names_in(tmp.path()), ["out", "site"]);
}

#[test]
fn long_term_name_fails_the_whole_build() {
    let long = "Very long term ".repeat(20) + "end";
    let cjk = "術語".repeat(60);
    let other = "Very long term ".repeat(20) + "other end";
    let yaml = format!(
        "- term: {long}\n  definition: One.\n- term: {other}\n  definition: Two.\n- term: {cjk}\n  definition: Three.\n- term: Short\n  definition: Four.\n"
    );
    let (tmp, root) = site(&[
        ("content/book/SUMMARY.md", "* [A](a.md)\n"),
        ("content/book/a.md", "# A\n"),
        ("glossary/common.yaml", &yaml),
    ]);
    let (code, v) = json_check(&root);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(
        found(&v, "name-too-long"),
        [
            "glossary/common.yaml:1:9",
            "glossary/common.yaml:3:9",
            "glossary/common.yaml:5:9"
        ]
    );
    let out = tmp.path().join("out");
    build_ok(&root, &out);
    let folders = names_in(&out.join("glossary"));
    assert!(
        folders.contains(&"short".to_string()),
        "names that fit stay: {folders:?}"
    );
    let cut: Vec<&String> = folders.iter().filter(|f| f.len() > 100).collect();
    assert_eq!(cut.len(), 3, "{folders:?}");
    assert!(cut.iter().all(|f| f.len() <= 200), "{cut:?}");
    assert_eq!(cut[0][..150], cut[1][..150]);
    assert_ne!(
        cut[0], cut[1],
        "the two that begin alike differ by their hash"
    );
    // The same names are cut the same way by the next build.
    let again = tmp.path().join("again");
    build_ok(&root, &again);
    assert_eq!(names_in(&again.join("glossary")), folders);
}

#[test]
fn book_id_or_redirect_outside_the_output_is_found_by_check() {
    let (_t, root) = site(&[
        (
            "specsite.yaml",
            "books:\n  - id: ../escape\n    path: content/book\n",
        ),
        ("content/book/SUMMARY.md", "* [A](a.md)\n"),
        ("content/book/a.md", "# A\n"),
    ]);
    let (code, v) = json_check(&root);
    assert_eq!(code, Some(2));
    assert_eq!(found(&v, "path-outside-root"), ["specsite.yaml:2:9"]);
    let (_t2, root) = site(&[
        (
            "content/book/.gitbook.yaml",
            "redirects:\n  ../../../outside: a.md\n  old: a.md\n",
        ),
        ("content/book/SUMMARY.md", "* [A](a.md)\n"),
        ("content/book/a.md", "# A\n"),
    ]);
    let (code, v) = json_check(&root);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(
        found(&v, "path-outside-root"),
        ["content/book/.gitbook.yaml:2:3"]
    );
    let out = root.join("public");
    let b = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(
        b.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    assert!(out.join("book/old/index.html").exists());
}

#[test]
fn summary_and_gitbook_paths_outside_root_say_does_not_exist() {
    let (_t, root) = site(&[
        (
            "content/book/.gitbook.yaml",
            "root: ../../..\nstructure:\n  summary: ../../../../SUMMARY.md\n",
        ),
        (
            "content/book/SUMMARY.md",
            "* [A](a.md)\n* [Secret](../../../../etc/passwd)\n",
        ),
        ("content/book/a.md", "# A\n"),
    ]);
    let (code, v) = json_check(&root);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(
        found(&v, "path-outside-root"),
        [
            "content/book/.gitbook.yaml:1:7",
            "content/book/.gitbook.yaml:3:12",
            "content/book/SUMMARY.md:2:12",
        ]
    );
    assert!(found(&v, "summary-missing-file").is_empty(), "{v}");
}
