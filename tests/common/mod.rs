//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The specsite binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_specsite"))
}

/// Runs specsite with `args`.
pub fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("specsite runs")
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture into a fresh temp dir and returns (guard, root).
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join(name);
    copy_dir(&fixture(name), &root);
    (tmp, root)
}

/// Recursively copies `from` to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// The real GovStack corpus, or None (with a printed notice) when `../shared` is absent.
pub fn corpus() -> Option<PathBuf> {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/govstack"),
        PathBuf::from("/work/shared/corpus/govstack"),
    ];
    for c in candidates {
        if c.join("MANIFEST.tsv").exists() {
            return Some(c);
        }
    }
    eprintln!("notice: ../shared/corpus/govstack is absent; skipping the corpus test");
    None
}

/// Every file under `dir` with its bytes, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            m.insert(rel, std::fs::read(e.path()).expect("read"));
        }
    }
    m
}

/// Reads an output file as a string.
pub fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `<main>` element of an HTML page.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html[start..]
        .find("</main>")
        .map(|i| start + i + 7)
        .expect("</main>");
    &html[start..end]
}

/// Writes `files` (root-relative path → text) under `root`, creating folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

/// A site of `files` in a fresh temp dir: (guard, root), the root being the
/// temp dir's `site/` folder.
pub fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    write_files(&root, files);
    (tmp, root)
}

/// Runs git in `dir` with a fixed identity and no user or system config;
/// panics unless it succeeds, and returns its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Builds `root` into `out` and panics, with the report, unless the build
/// succeeds (exit 0; with `findings_allowed`, exit 1 too).
pub fn build(root: &Path, out: &Path, findings_allowed: bool) -> Output {
    let o = bin()
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .expect("specsite runs");
    let ok = match o.status.code() {
        Some(0) => true,
        Some(1) => findings_allowed,
        _ => false,
    };
    assert!(
        ok,
        "build of {} exited {:?}\n{}",
        root.display(),
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// xorshift64*: a small generator, seeded, the same on every machine.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
