//! Reading a git repository's objects through the `git` command, without a
//! checkout (DESIGN.md §10).
//!
//! One `git cat-file --batch` process per repository reads every blob the
//! site needs (each distinct object once, however many versions share it);
//! `for-each-ref` lists the refs, `ls-tree -r` lists one commit's files and
//! one `git log` over every published commit gives the last-updated dates.
//! Every command runs with `GIT_NO_LAZY_FETCH=1`, so a partial clone reports
//! an absent object as missing instead of fetching it, and with no pager,
//! no prompt and no replace objects.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// An opened repository.
#[derive(Debug, Clone)]
pub struct Repo {
    /// Absolute path of the repository (its working tree, or the bare folder).
    pub path: PathBuf,
    /// The working tree, when the repository has one.
    pub workdir: Option<PathBuf>,
}

/// One branch, tag or remote-tracking branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefInfo {
    /// Full name, e.g. `refs/heads/main`.
    pub name: String,
    /// Short name: `main`, `1.0`, and `23Q4` for `refs/remotes/origin/23Q4`.
    pub short: String,
    /// Whether it is a tag.
    pub tag: bool,
    /// The commit it points to (tags peeled).
    pub commit: String,
    /// Committer time of that commit (Unix seconds).
    pub time: i64,
}

/// One file of a commit's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// Path in the repository, `/` separators.
    pub path: String,
    /// Blob id.
    pub oid: String,
}

impl Repo {
    /// A `git` command run in this repository.
    fn git(&self) -> Command {
        git_in(&self.path)
    }

    /// Opens the repository at `path`: a working tree's top level or a bare
    /// repository. `Err` says why not (not a repository, git missing, or a
    /// folder inside some other repository).
    pub fn open(path: &Path) -> Result<Repo, String> {
        let abs = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
        let out =
            run(git_in(&abs).args(["rev-parse", "--is-bare-repository", "--absolute-git-dir"]))
                .map_err(|e| {
                    if e.contains("not a git repository") {
                        "not a git repository".to_string()
                    } else {
                        e
                    }
                })?;
        let mut lines = out.lines();
        let bare = lines.next() == Some("true");
        let git_dir = PathBuf::from(lines.next().unwrap_or_default());
        let git_dir = std::fs::canonicalize(&git_dir).unwrap_or(git_dir);
        if bare {
            if git_dir != abs {
                return Err(format!(
                    "not a repository itself but a folder inside {}",
                    git_dir.display()
                ));
            }
            return Ok(Repo {
                path: abs,
                workdir: None,
            });
        }
        let top = run(git_in(&abs).args(["rev-parse", "--show-toplevel"]))?;
        let top = PathBuf::from(top.trim());
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        if top != abs && git_dir != abs {
            return Err(format!(
                "not a repository itself but a folder inside {}",
                top.display()
            ));
        }
        Ok(Repo {
            path: abs,
            workdir: Some(top),
        })
    }

    /// Every branch, tag and remote-tracking branch pointing at a commit.
    pub fn refs(&self) -> Result<Vec<RefInfo>, String> {
        let out = run(self.git().args([
            "for-each-ref",
            "--format=%(refname)%09%(objectname)%09%(*objectname)%09%(committerdate:unix)%09%(*committerdate:unix)%09%(objecttype)%09%(*objecttype)",
            "refs/heads",
            "refs/tags",
            "refs/remotes",
        ]))?;
        let mut refs = Vec::new();
        for line in out.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 7 {
                continue;
            }
            let (commit, time) = match (f[5], f[6]) {
                ("commit", _) => (f[1], f[3]),
                ("tag", "commit") => (f[2], f[4]),
                _ => continue,
            };
            let name = f[0];
            let (short, tag) = if let Some(s) = name.strip_prefix("refs/heads/") {
                (s.to_string(), false)
            } else if let Some(s) = name.strip_prefix("refs/tags/") {
                (s.to_string(), true)
            } else if let Some(s) = name.strip_prefix("refs/remotes/") {
                match s.split_once('/') {
                    Some((_, "HEAD")) | None => continue,
                    Some((_, rest)) => (rest.to_string(), false),
                }
            } else {
                continue;
            };
            refs.push(RefInfo {
                name: name.to_string(),
                short,
                tag,
                commit: commit.to_string(),
                time: time.parse().unwrap_or(0),
            });
        }
        Ok(refs)
    }

    /// Resolves a ref as a user names it: a full ref name, a branch, a tag,
    /// a branch of a remote (`origin` first), or any revision git accepts
    /// (`HEAD`, a commit id). `None` when nothing matches.
    pub fn resolve(&self, refs: &[RefInfo], name: &str) -> Option<RefInfo> {
        let exact = |full: &str| refs.iter().find(|r| r.name == full).cloned();
        let found = exact(name)
            .or_else(|| exact(&format!("refs/heads/{name}")))
            .or_else(|| exact(&format!("refs/tags/{name}")))
            .or_else(|| exact(&format!("refs/remotes/origin/{name}")))
            .or_else(|| {
                refs.iter()
                    .find(|r| r.name.starts_with("refs/remotes/") && r.short == name)
                    .cloned()
            });
        if found.is_some() {
            return found;
        }
        let out = run(self.git().args([
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{name}^{{commit}}"),
        ]))
        .ok()?;
        let commit = out.trim().to_string();
        let time = run(self.git().args(["show", "-s", "--format=%ct", &commit]))
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0);
        Some(RefInfo {
            name: name.to_string(),
            short: name.to_string(),
            tag: false,
            commit,
            time,
        })
    }

    /// The files of a commit's tree (blobs only: no submodules, no symbolic links).
    pub fn list_tree(&self, commit: &str) -> Result<Vec<TreeFile>, String> {
        let out = run_bytes(
            self.git()
                .args(["ls-tree", "-r", "-z", "--full-tree", commit]),
        )?;
        let mut files = Vec::new();
        for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut m = meta.split(' ');
            let (mode, kind, oid) = (m.next(), m.next(), m.next());
            if kind != Some("blob") || mode == Some("120000") {
                continue;
            }
            if let Some(oid) = oid {
                files.push(TreeFile {
                    path: path.to_string(),
                    oid: oid.to_string(),
                });
            }
        }
        Ok(files)
    }

    /// The files of the working tree that git would see: tracked and
    /// untracked, ignored files left out.
    pub fn list_worktree(&self) -> Result<Vec<String>, String> {
        let out = run_bytes(self.git().args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--deduplicate",
        ]))?;
        let mut files: Vec<String> = out
            .split(|&b| b == 0)
            .filter(|e| !e.is_empty())
            .map(|e| String::from_utf8_lossy(e).into_owned())
            .collect();
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// Reads blobs through one `git cat-file --batch` process: id → bytes,
    /// `None` for an object the repository does not have.
    pub fn read_blobs(&self, oids: &[String]) -> Result<HashMap<String, Option<Vec<u8>>>, String> {
        let mut out = HashMap::with_capacity(oids.len());
        if oids.is_empty() {
            return Ok(out);
        }
        let mut child = self
            .git()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("git cat-file has no input")?;
        let requests: String = oids.iter().map(|o| format!("{o}\n")).collect();
        // Written from another thread: git answers while it reads, and both
        // pipes would fill up if one side waited for the other.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(requests.as_bytes());
        });
        let mut reader = BufReader::new(child.stdout.take().ok_or("git cat-file has no output")?);
        let mut header = String::new();
        for oid in oids {
            header.clear();
            if reader.read_line(&mut header).map_err(|e| e.to_string())? == 0 {
                return Err("git cat-file stopped answering".into());
            }
            let parts: Vec<&str> = header.trim_end().split(' ').collect();
            if parts.len() == 2 && parts[1] == "missing" {
                out.insert(oid.clone(), None);
                continue;
            }
            let size: usize = parts
                .get(2)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("unexpected answer from git cat-file: {header}"))?;
            let mut buf = vec![0; size + 1];
            reader.read_exact(&mut buf).map_err(|e| e.to_string())?;
            buf.pop(); // the newline after the contents
            out.insert(oid.clone(), Some(buf));
        }
        let _ = writer.join();
        let _ = child.wait();
        Ok(out)
    }

    /// `remote.origin.url`, if set.
    pub fn origin_url(&self) -> Option<String> {
        run(self.git().args(["config", "--get", "remote.origin.url"]))
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// For each commit of `commits`: path → date (YYYY-MM-DD) of the newest
    /// commit in its history that touched the path. One `git log` over all
    /// of them; each commit's history is then walked in memory.
    pub fn last_updated(&self, commits: &[String]) -> HashMap<String, BTreeMap<String, String>> {
        let mut result = HashMap::new();
        if commits.is_empty() {
            return result;
        }
        let Ok(text) = run(self.git().args(
            [
                "log",
                "--date-order",
                "--format=%x00%H %cs %P",
                "--name-only",
                "--no-renames",
                "-m",
                "--first-parent",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain(commits.iter().cloned())
            .chain(["--".to_string()]),
        )) else {
            return result;
        };
        // Newest first: (commit, date, parents, files).
        let mut log: Vec<(String, String, Vec<String>, Vec<String>)> = Vec::new();
        for line in text.lines() {
            if let Some(head) = line.strip_prefix('\0') {
                let mut f = head.split(' ');
                let id = f.next().unwrap_or_default().to_string();
                let date = f.next().unwrap_or_default().to_string();
                let parents = f.map(str::to_string).collect();
                log.push((id, date, parents, Vec::new()));
            } else if !line.is_empty() {
                if let Some(last) = log.last_mut() {
                    last.3.push(line.to_string());
                }
            }
        }
        let index: HashMap<&str, usize> = log
            .iter()
            .enumerate()
            .map(|(i, c)| (c.0.as_str(), i))
            .collect();
        for start in commits {
            if result.contains_key(start) {
                continue;
            }
            // The commits of this history (first parents, as logged).
            let mut reach = HashSet::new();
            let mut next = index.get(start.as_str()).copied();
            while let Some(i) = next {
                if !reach.insert(i) {
                    break;
                }
                next = log[i]
                    .2
                    .first()
                    .and_then(|p| index.get(p.as_str()).copied());
            }
            let mut dates = BTreeMap::new();
            let mut order: Vec<usize> = reach.into_iter().collect();
            order.sort_unstable();
            for i in order {
                for f in &log[i].3 {
                    dates.entry(f.clone()).or_insert_with(|| log[i].1.clone());
                }
            }
            result.insert(start.clone(), dates);
        }
        result
    }
}

/// A `git -C dir` command that never fetches, prompts or pages.
fn git_in(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(dir)
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env("GIT_PAGER", "cat")
        .stdin(Stdio::null());
    c
}

fn run(cmd: &mut Command) -> Result<String, String> {
    run_bytes(cmd).map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn run_bytes(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd.output().map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        Err(first
            .trim()
            .trim_start_matches("fatal: ")
            .trim_start_matches("error: ")
            .to_string())
    }
}

/// Whether `bytes` is a Git LFS pointer file rather than the object itself.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    bytes.len() < 1024 && bytes.starts_with(b"version https://git-lfs.github.com/spec/")
}

/// Whether `name` matches a `refs:` glob (`*` and `?`; `*` also crosses `/`).
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    globset::GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(name))
}

/// The `edit_url` template for a GitHub remote: `…/edit/<branch>/{path}`
/// for a branch, `…/blob/<tag>/{path}` for a tag. `None` for other hosts.
pub fn github_edit_url(remote: &str, git_ref: &str, tag: bool) -> Option<String> {
    let rest = remote
        .strip_prefix("https://github.com/")
        .or_else(|| remote.strip_prefix("http://github.com/"))
        .or_else(|| remote.strip_prefix("git@github.com:"))
        .or_else(|| remote.strip_prefix("ssh://git@github.com/"))?;
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let (org, name) = rest.split_once('/')?;
    if org.is_empty() || name.is_empty() || name.contains('/') {
        return None;
    }
    let kind = if tag { "blob" } else { "edit" };
    Some(format!(
        "https://github.com/{org}/{name}/{kind}/{git_ref}/{{path}}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_remotes_give_edit_urls() {
        assert_eq!(
            github_edit_url(
                "https://github.com/GovStackWorkingGroup/bb-consent.git",
                "main",
                false
            )
            .as_deref(),
            Some("https://github.com/GovStackWorkingGroup/bb-consent/edit/main/{path}")
        );
        assert_eq!(
            github_edit_url("git@github.com:org/repo.git", "1.0", true).as_deref(),
            Some("https://github.com/org/repo/blob/1.0/{path}")
        );
        assert_eq!(
            github_edit_url("https://gitlab.com/org/repo", "main", false),
            None
        );
    }

    #[test]
    fn ref_globs_cross_slashes() {
        assert!(glob_matches("2*", "23Q4"));
        assert!(glob_matches("release/*", "release/1.0"));
        assert!(!glob_matches("2*", "main"));
    }

    #[test]
    fn lfs_pointers_are_recognised() {
        assert!(is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 12\n"
        ));
        assert!(!is_lfs_pointer(b"# A page\n"));
    }
}
