//! Asking git which files a change touched, for `check --changed-since REV`,
//! and where the site root sits in the repository, for `--format github`.
//!
//! specsite shells out to the `git` on `PATH` rather than linking a git
//! library: CI runners and pre-commit always have it.

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Runs `git -C root ARGS` and returns its stdout.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .with_context(|| format!("cannot run git in {}", root.display()))?;
    if !out.status.success() {
        bail!(
            "git {} failed in {}: {}",
            args.join(" "),
            root.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// NUL-separated git output → paths.
fn split_z(out: &[u8]) -> impl Iterator<Item = String> + '_ {
    out.split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
}

/// Files under `root` changed since `rev`, as root-relative paths with `/`
/// separators: committed since `rev`, staged, unstaged, deleted (so links to a
/// removed page are reported) and untracked (not ignored) files. Renames
/// count as a deletion plus an addition. Fails when `root` is not in a git
/// repository or `rev` does not name a commit.
pub fn changed_files(root: &Path, rev: &str) -> Result<BTreeSet<String>> {
    // Check the revision first, for a clear error instead of diff's usage text.
    let commit = format!("{rev}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &commit])
        .with_context(|| format!("unknown revision `{rev}`"))?;
    let mut files = BTreeSet::new();
    // `--relative` makes paths relative to `root` and leaves out files outside it.
    let diff = git(
        root,
        &[
            "diff",
            "--name-only",
            "--no-renames",
            "--relative",
            "-z",
            rev,
            "--",
        ],
    )?;
    files.extend(split_z(&diff));
    let untracked = git(
        root,
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--",
            ".",
        ],
    )?;
    files.extend(split_z(&untracked));
    Ok(files)
}

/// The path from the git top level to `root` (`""` at the top, else e.g.
/// `docs/spec`), for [`crate::diag::render::ReportOptions::git_prefix`].
/// `None` outside a git repository.
pub fn git_prefix(root: &Path) -> Option<String> {
    let out = git(root, &["rev-parse", "--show-prefix"]).ok()?;
    Some(
        String::from_utf8_lossy(&out)
            .trim()
            .trim_end_matches('/')
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.org",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
    }

    /// A repository with the site in `site/`: a.md, b.md, c.md, outside.md at the top.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        run(d, &["init", "-q", "-b", "main"]);
        fs::create_dir_all(d.join("site/sub dir")).unwrap();
        for f in [
            "site/a.md",
            "site/b.md",
            "site/c.md",
            "site/sub dir/é.md",
            "outside.md",
        ] {
            fs::write(d.join(f), "x\n").unwrap();
        }
        fs::write(d.join(".gitignore"), "ignored.md\n").unwrap();
        run(d, &["add", "-A"]);
        run(d, &["commit", "-q", "-m", "base"]);
        run(d, &["tag", "base"]);
        dir
    }

    #[test]
    fn changed_since_covers_committed_staged_unstaged_deleted_and_untracked() {
        let dir = repo();
        let d = dir.path();
        fs::write(d.join("site/a.md"), "committed\n").unwrap();
        run(d, &["commit", "-q", "-am", "change a"]);
        fs::write(d.join("site/b.md"), "staged\n").unwrap();
        run(d, &["add", "site/b.md"]);
        fs::write(d.join("site/sub dir/é.md"), "unstaged\n").unwrap();
        fs::remove_file(d.join("site/c.md")).unwrap();
        fs::write(d.join("site/new.md"), "untracked\n").unwrap();
        fs::write(d.join("site/ignored.md"), "ignored\n").unwrap();
        fs::write(d.join("outside.md"), "outside the root\n").unwrap();
        let got = changed_files(&d.join("site"), "base").unwrap();
        let want: BTreeSet<String> = ["a.md", "b.md", "c.md", "new.md", "sub dir/é.md"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn nothing_changed_gives_an_empty_set() {
        let dir = repo();
        assert!(changed_files(dir.path(), "HEAD").unwrap().is_empty());
    }

    #[test]
    fn renamed_file_counts_under_both_names() {
        let dir = repo();
        let d = dir.path();
        run(d, &["mv", "site/a.md", "site/renamed.md"]);
        run(d, &["commit", "-q", "-m", "rename"]);
        let got = changed_files(&d.join("site"), "base").unwrap();
        assert!(
            got.contains("a.md") && got.contains("renamed.md"),
            "{got:?}"
        );
    }

    #[test]
    fn unknown_revision_is_an_error_naming_it() {
        let dir = repo();
        let e = changed_files(dir.path(), "no-such-rev").unwrap_err();
        assert!(format!("{e:#}").contains("no-such-rev"), "{e:#}");
    }

    #[test]
    fn prefix_is_the_root_inside_the_repository() {
        let dir = repo();
        assert_eq!(
            git_prefix(&dir.path().join("site/sub dir")).as_deref(),
            Some("site/sub dir")
        );
        assert_eq!(git_prefix(dir.path()).as_deref(), Some(""));
        let outside = tempfile::tempdir().unwrap();
        assert_eq!(git_prefix(outside.path()), None);
    }
}
