//! Facts from git: last-updated dates for every file, in one `git log` call.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

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
