//! Reading a git repository's objects through the `git` command, without a
//! checkout (DESIGN.md §10).
//!
//! A repository costs two processes: `for-each-ref` lists the refs, and one
//! `git cat-file --batch` reads every object the site needs: the commits,
//! the trees (each distinct tree once, so a folder unchanged between
//! versions is listed once) and then every blob, each distinct object once
//! however many versions share it, requests pipelined. With `last_updated`,
//! one `git log` over every published commit gives the dates.
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

    /// Opens the repository at `path`: a working tree's top level (holding
    /// `.git`) or a bare repository (holding `HEAD` and `objects/`). `Err`
    /// says why not. Runs nothing: git itself reports a broken repository
    /// when its refs are listed.
    pub fn open(path: &Path) -> Result<Repo, String> {
        let abs = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
        if !abs.is_dir() {
            return Err("not a folder".into());
        }
        if abs.join(".git").exists() {
            return Ok(Repo {
                workdir: Some(abs.clone()),
                path: abs,
            });
        }
        if abs.join("HEAD").is_file() && abs.join("objects").is_dir() {
            return Ok(Repo {
                path: abs,
                workdir: None,
            });
        }
        Err("not a git repository (no `.git` in it, and not a bare repository)".into())
    }

    /// A `git cat-file --batch` process for reading this repository's objects.
    pub fn batch(&self) -> Result<Batch, String> {
        let mut child = self
            .git()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let stdin = child.stdin.take().ok_or("git cat-file has no input")?;
        let stdout = child.stdout.take().ok_or("git cat-file has no output")?;
        Ok(Batch {
            child,
            stdin: Some(std::io::BufWriter::new(stdin)),
            stdout: BufReader::with_capacity(1 << 16, stdout),
            trees: HashMap::new(),
            buffer: Vec::new(),
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

    /// [`Batch::resolve`] through a batch process of its own.
    pub fn resolve(&self, refs: &[RefInfo], name: &str) -> Option<RefInfo> {
        self.batch().ok()?.resolve(refs, name)
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

    /// `remote.origin.url`, if set (read from the repository's `config`).
    pub fn origin_url(&self) -> Option<String> {
        let git_dir = match &self.workdir {
            Some(w) => {
                let dot = w.join(".git");
                match std::fs::read_to_string(&dot) {
                    // A linked worktree or submodule: `gitdir: <path>`.
                    Ok(text) => {
                        let d = PathBuf::from(text.trim().strip_prefix("gitdir:")?.trim());
                        let d = if d.is_absolute() { d } else { w.join(d) };
                        // A linked worktree keeps its config in the common folder.
                        match std::fs::read_to_string(d.join("commondir")) {
                            Ok(c) => d.join(c.trim()),
                            Err(_) => d,
                        }
                    }
                    Err(_) => dot,
                }
            }
            None => self.path.clone(),
        };
        let text = std::fs::read_to_string(git_dir.join("config")).ok()?;
        config_value(&text, "remote \"origin\"", "url")
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

/// Sizes of objects, through one `git cat-file --batch-check` (requests
/// pipelined): id → size, `None` for an object the repository does not have.
pub fn object_sizes(repo: &Repo, oids: &[String]) -> Result<HashMap<String, Option<u64>>, String> {
    let mut out = HashMap::with_capacity(oids.len());
    if oids.is_empty() {
        return Ok(out);
    }
    let mut child = repo
        .git()
        .args(["cat-file", "--batch-check"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("git cat-file has no input")?;
    let stdout = child.stdout.take().ok_or("git cat-file has no output")?;
    let requests: String = oids.iter().map(|o| format!("{o}\n")).collect();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(requests.as_bytes());
    });
    let mut lines = BufReader::new(stdout).lines();
    for oid in oids {
        let line = lines
            .next()
            .ok_or("git cat-file stopped answering")?
            .map_err(|e| e.to_string())?;
        let parts: Vec<&str> = line.split(' ').collect();
        let size = if parts.last() == Some(&"missing") {
            None
        } else {
            Some(parts.get(2).and_then(|s| s.parse().ok()).unwrap_or(0))
        };
        out.insert(oid.clone(), size);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

/// Blobs of `sources:` versions that stay in their repositories until they
/// are written (large assets): each file's repository, id and size, and one
/// `git cat-file --batch` per repository, started on first use.
#[derive(Default)]
pub struct ObjectStore {
    repos: Vec<(Repo, std::sync::Mutex<Option<Batch>>)>,
    files: HashMap<String, (usize, String, u64)>,
}

impl std::fmt::Debug for ObjectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStore")
            .field("files", &self.files.len())
            .finish()
    }
}

impl ObjectStore {
    /// Adds a repository (with a batch process to reuse, if one is open);
    /// returns its index for [`ObjectStore::add_file`].
    pub fn add_repo(&mut self, repo: Repo, batch: Batch) -> usize {
        self.repos.push((repo, std::sync::Mutex::new(Some(batch))));
        self.repos.len() - 1
    }

    /// Records that root-relative `file` is blob `oid` of repository `repo`.
    pub fn add_file(&mut self, file: String, repo: usize, oid: String, size: u64) {
        self.files.insert(file, (repo, oid, size));
    }

    /// Takes in another store's repositories and files.
    pub fn extend(&mut self, other: ObjectStore) {
        let base = self.repos.len();
        self.repos.extend(other.repos);
        (self.files).extend(
            other
                .files
                .into_iter()
                .map(|(f, (r, o, s))| (f, (r + base, o, s))),
        );
    }

    /// Whether root-relative `file` is kept here.
    pub fn contains(&self, file: &str) -> bool {
        self.files.contains_key(file)
    }

    /// The size of `file`, if it is kept here.
    pub fn size(&self, file: &str) -> Option<u64> {
        self.files.get(file).map(|f| f.2)
    }

    /// The blob id of `file`, if it is kept here.
    pub fn oid(&self, file: &str) -> Option<&str> {
        self.files.get(file).map(|f| f.1.as_str())
    }

    /// Reads `file`'s bytes from its repository.
    pub fn read(&self, file: &str) -> std::io::Result<Vec<u8>> {
        self.with_bytes(file, <[u8]>::to_vec)
    }

    /// Calls `f` with `file`'s bytes, read from its repository into the
    /// reader's own buffer (reused, so writing many large assets allocates
    /// no fresh memory for each).
    pub fn with_bytes<R>(&self, file: &str, f: impl FnOnce(&[u8]) -> R) -> std::io::Result<R> {
        let err = |m: String| std::io::Error::other(m);
        let (repo, oid, _) = self
            .files
            .get(file)
            .ok_or_else(|| err(format!("`{file}` is not in a git source")))?;
        let (r, cell) = &self.repos[*repo];
        let mut guard = cell.lock().map_err(|_| err("git reader poisoned".into()))?;
        if guard.is_none() {
            *guard = Some(r.batch().map_err(err)?);
        }
        let batch = guard.as_mut().ok_or_else(|| err("no git reader".into()))?;
        let mut buf = std::mem::take(&mut batch.buffer);
        let found = batch.get_into(oid, &mut buf).map_err(err)?;
        let result = found.then(|| f(&buf));
        batch.buffer = buf;
        result.ok_or_else(|| err(format!("`{file}` is not in the repository's objects")))
    }
}

/// One object read by a [`Batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Its id.
    pub oid: String,
    /// `commit`, `tree`, `blob` or `tag`.
    pub kind: String,
    /// Its contents.
    pub data: Vec<u8>,
}

/// A tree's entries: (name, mode, id).
type TreeEntries = std::sync::Arc<Vec<(String, String, String)>>;

/// A running `git cat-file --batch`: objects by name, one at a time or many
/// pipelined. Trees read are kept, so each distinct tree is read once.
pub struct Batch {
    child: std::process::Child,
    stdin: Option<std::io::BufWriter<std::process::ChildStdin>>,
    stdout: BufReader<std::process::ChildStdout>,
    trees: HashMap<String, Option<TreeEntries>>,
    /// Reused by [`ObjectStore::with_bytes`].
    buffer: Vec<u8>,
}

impl Drop for Batch {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

impl Batch {
    /// Reads one answer: `None` for a missing object.
    fn answer(&mut self) -> Result<Option<Object>, String> {
        let mut header = String::new();
        if self
            .stdout
            .read_line(&mut header)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Err("git cat-file stopped answering".into());
        }
        let parts: Vec<&str> = header.trim_end().split(' ').collect();
        if parts.last() == Some(&"missing") || parts.last() == Some(&"ambiguous") {
            return Ok(None);
        }
        let size: usize = parts
            .get(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("unexpected answer from git cat-file: {header}"))?;
        let mut data = vec![0; size + 1];
        self.stdout
            .read_exact(&mut data)
            .map_err(|e| e.to_string())?;
        data.pop(); // the newline after the contents
        Ok(Some(Object {
            oid: parts[0].to_string(),
            kind: parts[1].to_string(),
            data,
        }))
    }

    /// The object `name` names (an id, or any revision git accepts).
    pub fn get(&mut self, name: &str) -> Result<Option<Object>, String> {
        if name.contains('\n') {
            return Ok(None);
        }
        let stdin = self.stdin.as_mut().ok_or("git cat-file is closed")?;
        writeln!(stdin, "{name}").map_err(|e| e.to_string())?;
        stdin.flush().map_err(|e| e.to_string())?;
        self.answer()
    }

    /// Reads object `name` into `buf` (its contents only); `false` when
    /// the object is absent.
    pub fn get_into(&mut self, name: &str, buf: &mut Vec<u8>) -> Result<bool, String> {
        let stdin = self.stdin.as_mut().ok_or("git cat-file is closed")?;
        writeln!(stdin, "{name}").map_err(|e| e.to_string())?;
        stdin.flush().map_err(|e| e.to_string())?;
        read_answer(&mut self.stdout, buf)
    }

    /// Reads many blobs, requests written while answers are read: id →
    /// bytes, `None` for an object the repository does not have.
    pub fn read_blobs(
        &mut self,
        oids: &[String],
    ) -> Result<HashMap<String, Option<Vec<u8>>>, String> {
        let mut out = HashMap::with_capacity(oids.len());
        let Some(stdin) = self.stdin.as_mut() else {
            return Err("git cat-file is closed".into());
        };
        let written = std::thread::scope(|scope| -> Result<(), String> {
            // Written from another thread: git answers while it reads, and
            // both pipes would fill up if one side waited for the other.
            let writer = scope.spawn(move || -> std::io::Result<()> {
                for o in oids {
                    writeln!(stdin, "{o}")?;
                }
                stdin.flush()
            });
            for oid in oids {
                let mut buf = Vec::new();
                let found = read_answer(&mut self.stdout, &mut buf)?;
                out.insert(oid.clone(), found.then_some(buf));
            }
            writer
                .join()
                .map_err(|_| "writing to git cat-file failed".to_string())?
                .map_err(|e| e.to_string())
        });
        written?;
        Ok(out)
    }

    /// Resolves a ref as a user names it: a full ref name, a branch, a tag,
    /// a branch of a remote (`origin` first), or any revision git accepts
    /// (`HEAD`, a commit id). `None` when nothing matches.
    /// With `refs` empty (not listed), the same places are asked of the
    /// object database directly, one request each.
    pub fn resolve(&mut self, refs: &[RefInfo], name: &str) -> Option<RefInfo> {
        if refs.is_empty() && !name.starts_with('-') {
            let mut candidates = vec![
                format!("refs/heads/{name}"),
                format!("refs/tags/{name}"),
                format!("refs/remotes/origin/{name}"),
            ];
            if name.starts_with("refs/") {
                candidates.insert(0, name.to_string());
            }
            for full in candidates {
                let Ok(Some(c)) = self.get(&format!("{full}^{{commit}}")) else {
                    continue;
                };
                if c.kind != "commit" {
                    continue;
                }
                let short = (full.strip_prefix("refs/heads/"))
                    .or_else(|| full.strip_prefix("refs/tags/"))
                    .or_else(|| full.strip_prefix("refs/remotes/origin/"))
                    .unwrap_or(&full)
                    .to_string();
                return Some(RefInfo {
                    tag: full.starts_with("refs/tags/"),
                    short,
                    time: commit_time(&c.data).unwrap_or(0),
                    commit: c.oid,
                    name: full,
                });
            }
        }
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
        if name.starts_with('-') {
            return None;
        }
        let commit = self.get(&format!("{name}^{{commit}}")).ok()??;
        if commit.kind != "commit" {
            return None;
        }
        Some(RefInfo {
            name: name.to_string(),
            short: name.to_string(),
            tag: false,
            time: commit_time(&commit.data).unwrap_or(0),
            commit: commit.oid,
        })
    }

    /// The entries of a tree (cached): `None` when the object is absent.
    fn tree(&mut self, oid: &str) -> Result<Option<TreeEntries>, String> {
        if let Some(t) = self.trees.get(oid) {
            return Ok(t.clone());
        }
        let entries = match self.get(oid)? {
            Some(o) if o.kind == "tree" => {
                Some(std::sync::Arc::new(parse_tree(&o.data, oid.len() / 2)))
            }
            Some(o) => return Err(format!("`{oid}` is a {}, not a tree", o.kind)),
            None => None,
        };
        self.trees.insert(oid.to_string(), entries.clone());
        Ok(entries)
    }

    /// The files of a commit's tree (blobs only: no submodules, no symbolic
    /// links), and the folders whose tree object is absent.
    pub fn list_tree(&mut self, commit: &str) -> Result<(Vec<TreeFile>, Vec<String>), String> {
        let c = self
            .get(commit)?
            .ok_or_else(|| format!("the commit {commit} is not in the repository"))?;
        let text = String::from_utf8_lossy(&c.data);
        let root = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("tree "))
            .ok_or_else(|| format!("{commit} is not a commit"))?
            .to_string();
        let (mut files, mut missing) = (Vec::new(), Vec::new());
        let mut stack = vec![(String::new(), root)];
        while let Some((dir, oid)) = stack.pop() {
            let Some(entries) = self.tree(&oid)? else {
                missing.push(dir);
                continue;
            };
            for (name, mode, id) in entries.iter() {
                let path = if dir.is_empty() {
                    name.clone()
                } else {
                    format!("{dir}/{name}")
                };
                match mode.as_str() {
                    "40000" | "040000" => stack.push((path, id.clone())),
                    "100644" | "100755" | "100664" => files.push(TreeFile {
                        path,
                        oid: id.clone(),
                    }),
                    _ => {} // symbolic links, submodules
                }
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        missing.sort();
        Ok((files, missing))
    }
}

/// A tree object's entries: `<mode> <name>\0<id bytes>` each.
fn parse_tree(data: &[u8], id_len: usize) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let Some(sp) = rest.iter().position(|&b| b == b' ') else {
            break;
        };
        let Some(nul) = rest.iter().position(|&b| b == 0) else {
            break;
        };
        if nul < sp || rest.len() < nul + 1 + id_len {
            break;
        }
        let mode = String::from_utf8_lossy(&rest[..sp]).into_owned();
        let name = String::from_utf8_lossy(&rest[sp + 1..nul]).into_owned();
        let id: String = rest[nul + 1..nul + 1 + id_len]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        out.push((name, mode, id));
        rest = &rest[nul + 1 + id_len..];
    }
    out
}

/// The committer time (Unix seconds) of a commit object.
fn commit_time(data: &[u8]) -> Option<i64> {
    let text = String::from_utf8_lossy(data);
    let line = text.lines().find(|l| l.starts_with("committer "))?;
    let mut f = line.rsplit(' ');
    f.next(); // time zone
    f.next()?.parse().ok()
}

/// A value from git config text: `key` in section `section` (e.g.
/// `remote "origin"`), the last one set winning as in git.
fn config_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut inside = false;
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let name = line.trim_start_matches('[').split(']').next().unwrap_or("");
            inside = name.trim().eq_ignore_ascii_case(section) || name.trim() == section;
            continue;
        }
        if !inside {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            if k.trim().eq_ignore_ascii_case(key) {
                found = Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    found.filter(|v| !v.is_empty())
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

/// Git LFS pointer files are smaller than this (in bytes).
pub const LFS_POINTER_MAX: u64 = 1024;

/// Whether `bytes` is a Git LFS pointer file rather than the object itself.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    (bytes.len() as u64) < LFS_POINTER_MAX
        && bytes.starts_with(b"version https://git-lfs.github.com/spec/")
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

/// Reads one `cat-file --batch` answer into `buf`: `false` for an object the
/// repository does not have.
fn read_answer(stdout: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<bool, String> {
    let mut header = String::new();
    if stdout.read_line(&mut header).map_err(|e| e.to_string())? == 0 {
        return Err("git cat-file stopped answering".into());
    }
    let parts: Vec<&str> = header.trim_end().split(' ').collect();
    if parts.last() == Some(&"missing") {
        return Ok(false);
    }
    let size: usize = parts
        .get(2)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("unexpected answer from git cat-file: {header}"))?;
    buf.clear();
    buf.resize(size + 1, 0);
    stdout.read_exact(buf).map_err(|e| e.to_string())?;
    buf.pop();
    Ok(true)
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
    fn tree_entries_and_config_values_parse() {
        let mut data = b"100644 a.md\0".to_vec();
        data.extend([0xab; 20]);
        data.extend(b"40000 spec\0");
        data.extend([0x01; 20]);
        let e = parse_tree(&data, 20);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].0, "a.md");
        assert_eq!(e[0].2, "ab".repeat(20));
        assert_eq!(e[1].1, "40000");
        let cfg = "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:o/r.git\n";
        assert_eq!(
            config_value(cfg, "remote \"origin\"", "url").as_deref(),
            Some("git@github.com:o/r.git")
        );
        assert_eq!(
            commit_time(b"tree x\nauthor a <a> 1 +0000\ncommitter c <c> 1704283200 +0000\n\nmsg"),
            Some(1704283200)
        );
    }

    #[test]
    fn lfs_pointers_are_recognised() {
        assert!(is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 12\n"
        ));
        assert!(!is_lfs_pointer(b"# A page\n"));
    }
}
