//! Facts from git: last-updated dates for every file, in one `git log` call.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// [`last_updated`] for a whole site: the root's repository, plus each
/// `sources:` version's dates from its own ref's history (one `git log` per
/// repository), keyed `<book>@<label>/<path>`.
pub fn site_last_updated(site: &crate::content::Site) -> BTreeMap<String, String> {
    let mut dates = last_updated(&site.root);
    let mut by_repo: BTreeMap<&Path, Vec<&crate::content::GitVersion>> = BTreeMap::new();
    for v in &site.git_versions {
        by_repo.entry(v.repo_path.as_path()).or_default().push(v);
    }
    for (path, versions) in by_repo {
        let repo = crate::content::git::Repo {
            path: path.to_path_buf(),
            workdir: None,
        };
        // A working tree's files are dated by the commit it stands on.
        let head = || {
            let r = repo.refs().unwrap_or_default();
            repo.resolve(&r, "HEAD").map(|r| r.commit)
        };
        let commits: Vec<(String, &crate::content::GitVersion)> = versions
            .iter()
            .filter_map(|v| Some((v.commit.clone().or_else(head)?, *v)))
            .collect();
        let wanted: Vec<String> = commits.iter().map(|(c, _)| c.clone()).collect();
        let per_commit = repo.last_updated(&wanted);
        for (commit, v) in commits {
            for (file, date) in per_commit.get(&commit).into_iter().flatten() {
                dates.insert(format!("{}/{file}", v.dir), date.clone());
            }
        }
    }
    dates
}

/// Root-relative path → date (YYYY-MM-DD) of the last commit touching it.
/// Empty when `root` is not in a git work tree or git is missing.
pub fn last_updated(root: &Path) -> BTreeMap<String, String> {
    let mut dates = BTreeMap::new();
    let prefix = match Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-prefix"])
        .output()
    {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => return dates,
    };
    let Ok(out) = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "--format=%x00%cs",
            "--name-only",
            "--no-renames",
            "--",
            ".",
        ])
        .output()
    else {
        return dates;
    };
    if !out.status.success() {
        return dates;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut current = "";
    for line in text.lines() {
        if let Some(d) = line.strip_prefix('\0') {
            current = d;
        } else if !line.is_empty() {
            // git prints paths relative to the top level; make them root-relative.
            if let Some(rel) = line.strip_prefix(prefix.as_str()) {
                // Newest commits come first: keep the first date seen.
                dates
                    .entry(rel.to_string())
                    .or_insert_with(|| current.to_string());
            }
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_relative_to_a_subfolder_root() {
        let d = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let ok = Command::new("git")
                .arg("-C")
                .arg(d.path())
                .args(args)
                .output()
                .map(|o| o.status.success());
            ok.unwrap_or(false)
        };
        if !git(&["init", "-q"]) {
            return; // git unavailable
        }
        std::fs::create_dir_all(d.path().join("site/content")).unwrap();
        std::fs::write(d.path().join("site/content/a.md"), "a").unwrap();
        git(&["add", "."]);
        assert!(git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "x"
        ]));
        let dates = last_updated(&d.path().join("site"));
        let date = dates.get("content/a.md").expect("dated");
        assert_eq!(date.len(), 10);
    }
}
