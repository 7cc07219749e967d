//! `sources:`: books read from git repositories (DESIGN.md §10), another way
//! of filling the [`super::Site`] beside folder books.
//!
//! Each published ref becomes one version of the book, its files placed
//! under the virtual root-relative folder `<book>@<label>` (which is also
//! how findings name them). Nothing is checked out: [`super::git`] lists each
//! ref's tree and reads the blobs, every distinct blob of a repository once,
//! through one `git cat-file --batch` process. A `worktree: true` version
//! reads the repository's working tree from disk instead.
//!
//! From here on the versions are ordinary books: the files are sorted into
//! pages, SUMMARY files and assets by the same rules as a folder's
//! ([`super::walk::classify`]), and the texts go through the same
//! assembly.

use super::discover::{apply_gitbook, BookSpec};
use super::git::{self, RefInfo, Repo};
use super::gitbook::GitbookConfig;
use super::walk::{self, Found, ReadError};
use super::{GitVersion, LoadError};
use crate::config::{Config, SourceConfig};
use crate::diag::{Diagnostic, Rule};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// Everything read from the sources, ready to be merged with the folder books.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// One spec per version, in config order.
    pub specs: Vec<BookSpec>,
    /// The versions' files, root-relative (`<book>@<label>/<path>`).
    pub found: Found,
    /// Text of every page, SUMMARY and text asset, or why there is none.
    pub read: BTreeMap<String, Result<Arc<str>, ReadError>>,
    /// Bytes of the small assets read from git.
    pub blobs: HashMap<String, Arc<[u8]>>,
    /// The other assets, read from their repositories when written.
    pub store: git::ObjectStore,
    /// What was read, version by version.
    pub versions: Vec<GitVersion>,
    /// Texts of the `.gitbook.yaml` files read.
    pub sources: BTreeMap<String, Arc<str>>,
    /// `source-missing-object` and `.gitbook.yaml` findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// A version chosen from the config, before its tree is read.
struct Chosen {
    label: String,
    latest: bool,
    /// `None` for the working tree.
    git_ref: Option<RefInfo>,
}

/// Reads every source of the config. A repository that cannot be read, or a
/// ref it does not have, is `source-unreadable` (exit 2).
pub(crate) fn load_sources(
    root: &Path,
    config: &Config,
    skip: &walk::Skip,
    skip_text_assets: bool,
) -> Result<Loaded, LoadError> {
    // On the pool's threads: a thread of its own per source would set up
    // a fresh allocator heap (zeroed pages) for each.
    let per_source: Vec<Result<Loaded, LoadError>> = config
        .sources
        .par_iter()
        .map(|s| load_source(root, s, skip, skip_text_assets))
        .collect();
    let mut all = Loaded::default();
    for loaded in per_source {
        let l = loaded?;
        let offset = all.specs.len();
        all.specs.extend(l.specs);
        (all.found.pages).extend(l.found.pages.into_iter().map(|(b, f)| (b + offset, f)));
        all.found.summaries.extend(l.found.summaries);
        all.found.assets.extend(l.found.assets);
        all.found.text_assets.extend(l.found.text_assets);
        all.read.extend(l.read);
        all.blobs.extend(l.blobs);
        all.store.extend(l.store);
        all.versions.extend(l.versions);
        all.sources.extend(l.sources);
        all.diagnostics.extend(l.diagnostics);
    }
    Ok(all)
}

/// The book id a source gets without `book:`: the folder name, `.git` and
/// a `bb-` prefix dropped (`../repos/bb-consent.git` → `consent`).
pub fn default_book_id(repo: &str) -> String {
    let name = repo
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(repo);
    let name = name.strip_suffix(".git").unwrap_or(name);
    let name = name.strip_prefix("bb-").unwrap_or(name);
    name.to_string()
}

/// The output name a version label would collide with, if any: the label
/// is a folder of the book's output, beside the folders and files specsite
/// generates there (`changes/`, `print/`, `requirements.json`…).
pub(crate) fn reserved_label(label: &str) -> Option<&'static str> {
    super::assemble::RESERVED
        .iter()
        .find(|r| r.eq_ignore_ascii_case(label))
        .copied()
}

/// A ref's short name as a version label: characters other than letters,
/// digits, `.`, `_` and `-` become `-`.
pub fn label_of(short: &str) -> String {
    let mut out = String::new();
    for c in short.chars() {
        if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn unreadable(repo: &str, why: impl std::fmt::Display) -> LoadError {
    let message = format!("sources: `{repo}`: {why}");
    LoadError::Source {
        repo: repo.to_string(),
        diagnostic: Box::new(Diagnostic::new(
            Rule::SourceUnreadable,
            "",
            0..0,
            message.clone(),
        )),
        message: format!("source-unreadable: {message}"),
        text: "".into(),
    }
}

fn load_source(
    root: &Path,
    src: &SourceConfig,
    skip: &walk::Skip,
    skip_text_assets: bool,
) -> Result<Loaded, LoadError> {
    let path = root.join(&src.repo);
    let repo = Repo::open(&path).map_err(|e| unreadable(&src.repo, e))?;
    let book = src
        .book
        .clone()
        .unwrap_or_else(|| default_book_id(&src.repo));
    if book.is_empty() || book.contains('/') || book.contains('@') {
        return Err(unreadable(
            &src.repo,
            format!("the book id `{book}` must be a name without `/` or `@`"),
        ));
    }
    // Explicit `versions:` are looked up in the object database; globs
    // and `HEAD` need the list of refs.
    let refs = if src.versions.is_empty() {
        repo.refs().map_err(|e| unreadable(&src.repo, e))?
    } else {
        Vec::new()
    };
    let mut batch = repo.batch().map_err(|e| unreadable(&src.repo, e))?;
    let (chosen, versioned) = choose_versions(&mut batch, &refs, src)?;
    let labels: Vec<String> = chosen.iter().map(|c| c.label.clone()).collect();
    for (i, l) in labels.iter().enumerate() {
        if l.is_empty() || l.contains('/') {
            return Err(unreadable(
                &src.repo,
                format!("version label `{l}` must be a non-empty name without `/`"),
            ));
        }
        if let Some(r) = reserved_label(l) {
            return Err(unreadable(
                &src.repo,
                format!("the version label `{l}` is a name specsite writes inside every book (`<book>/{r}`); give the version another `label:`"),
            ));
        }
        if labels[..i].contains(l) {
            return Err(unreadable(
                &src.repo,
                format!("the label `{l}` is used twice"),
            ));
        }
    }
    let origin = repo.origin_url();

    // Every version's file list, then every distinct blob once.
    let mut trees: Vec<Vec<git::TreeFile>> = Vec::new();
    let mut absent_dirs: Vec<Diagnostic> = Vec::new();
    for c in &chosen {
        let dir = format!("{book}@{}", c.label);
        let mut tree = match &c.git_ref {
            Some(r) => {
                let (files, absent) = batch
                    .list_tree(&r.commit)
                    .map_err(|e| unreadable(&src.repo, format!("`{}`: {e}", r.short)))?;
                for d in absent {
                    let rel = format!("{dir}/{d}");
                    let why = format!(
                        "the folder `{rel}` is not in the repository's objects (a partial clone?); its files were left out"
                    );
                    absent_dirs.push(missing(&rel, why));
                }
                files
            }
            None => Vec::new(),
        };
        tree.retain(|f| walked(&f.path) && !skip.ignores(&format!("{dir}/{}", f.path)));
        trees.push(tree);
    }
    // Texts are read now; assets are only sized (`--batch-check`), and
    // stay in the repository until they are written, unless small enough
    // to be a Git LFS pointer.
    let of = |want: Want| -> Vec<String> {
        let mut v: Vec<String> = (trees.iter().flatten())
            .filter(|f| wanted_file(&f.path, skip_text_assets) == want)
            .map(|f| f.oid.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let sizes = git::object_sizes(&repo, &of(Want::Bytes)).map_err(|e| unreadable(&src.repo, e))?;
    let mut wanted = of(Want::Text);
    wanted.extend(
        (sizes.iter())
            .filter(|(_, s)| s.is_some_and(|s| s < git::LFS_POINTER_MAX))
            .map(|(o, _)| o.clone()),
    );
    wanted.sort();
    wanted.dedup();
    // Each blob converted once: UTF-8 text shared by every version (and
    // page) that has it, other bytes as they are.
    let text_oids: std::collections::HashSet<String> = of(Want::Text).into_iter().collect();
    let blobs: HashMap<String, Option<Blob>> = batch
        .read_blobs(&wanted)
        .map_err(|e| unreadable(&src.repo, e))?
        .into_iter()
        .map(|(k, v)| {
            let blob = v.map(|bytes| {
                if !text_oids.contains(&k) || git::is_lfs_pointer(&bytes) {
                    return Blob::Bytes(bytes.into());
                }
                match String::from_utf8(bytes) {
                    Ok(t) => Blob::Text(t.into()),
                    Err(e) => Blob::NotUtf8(e.utf8_error().valid_up_to()),
                }
            });
            (k, blob)
        })
        .collect();

    let mut out = Loaded {
        diagnostics: absent_dirs,
        ..Loaded::default()
    };
    // The batch process stays, to read the assets left in the repository
    // when they are written.
    let stored = sizes
        .values()
        .any(|s| s.is_some_and(|s| s >= git::LFS_POINTER_MAX))
        .then(|| out.store.add_repo(repo.clone(), batch));
    for (c, tree) in chosen.iter().zip(trees) {
        let dir = format!("{book}@{}", c.label);
        let mut files: Vec<(String, FileData)> = match &c.git_ref {
            Some(_) => tree
                .into_iter()
                .map(|f| {
                    let data = match (blobs.get(&f.oid), sizes.get(&f.oid)) {
                        (Some(Some(b)), _) => FileData::Bytes(b.clone()),
                        (Some(None), _) | (None, Some(None)) => FileData::Missing,
                        (None, Some(Some(size))) => FileData::Stored(f.oid.clone(), *size),
                        (None, None) => FileData::Unread,
                    };
                    (f.path, data)
                })
                .collect(),
            None => read_worktree(&repo, &src.repo, skip_text_assets)?
                .into_iter()
                .filter(|(p, _)| walked(p) && !skip.ignores(&format!("{dir}/{p}")))
                .collect(),
        };
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut spec = BookSpec {
            id: book.clone(),
            title: src.title.clone(),
            description: src.description.clone(),
            edit_url: src.edit_url.clone(),
            version: versioned.then(|| c.label.clone()),
            latest: c.latest,
            versions: if versioned {
                labels.clone()
            } else {
                Vec::new()
            },
            url_prefixes: if !versioned {
                vec![book.clone()]
            } else if c.latest {
                vec![book.clone(), format!("{book}/{}", c.label)]
            } else {
                vec![format!("{book}/{}", c.label)]
            },
            dir: dir.clone(),
            gitbook: GitbookConfig::default(),
        };
        let gitbook = files.iter().find(|(p, _)| p == ".gitbook.yaml");
        let gitbook_file = format!("{dir}/.gitbook.yaml");
        match gitbook {
            Some((_, FileData::Bytes(Blob::Text(t)))) => apply_gitbook(
                &gitbook_file,
                t.as_bytes().to_vec(),
                &mut spec,
                &mut out.sources,
                &mut out.diagnostics,
            ),
            Some((_, FileData::Bytes(Blob::NotUtf8(at)))) => out.diagnostics.push(Diagnostic::new(
                Rule::InvalidEncoding,
                gitbook_file.clone(),
                0..0,
                format!("`.gitbook.yaml` is not UTF-8 (invalid byte at offset {at}); using the defaults"),
            )),
            Some((_, FileData::Bytes(Blob::Bytes(_)) | FileData::Missing)) => out.diagnostics.push(missing(
                &gitbook_file,
                format!("`{gitbook_file}` is not in the repository's objects; the book uses root `./`, README.md and SUMMARY.md"),
            )),
            _ => {}
        }
        if spec.edit_url.is_none() {
            if let (Some(url), Some(r)) = (&origin, &c.git_ref) {
                spec.edit_url = git::github_edit_url(url, &r.short, r.tag).map(|t| {
                    if spec.gitbook.root.is_empty() {
                        t
                    } else {
                        t.replace("{path}", &format!("{}/{{path}}", spec.gitbook.root))
                    }
                });
            }
        }
        let index = out.specs.len();
        let page_roots = [(spec.page_root(), index)];
        let repos = [(dir.clone(), index)];
        let summaries = [spec.summary_file()];
        for (path, data) in files {
            let rel = format!("{dir}/{path}");
            let asset =
                walk::classify(&mut out.found, rel.clone(), &page_roots, &repos, &summaries);
            let want = wanted_file(&path, skip_text_assets);
            match data {
                FileData::Missing => {
                    let why = format!(
                        "`{rel}` is not in the repository's objects (a partial clone or a snapshot?); it was left out"
                    );
                    if asset.is_some() {
                        out.diagnostics.push(missing(&rel, why));
                    } else if want == Want::Text {
                        out.read.insert(rel, Err(ReadError::Missing(why)));
                    }
                }
                FileData::Bytes(Blob::Bytes(bytes)) if git::is_lfs_pointer(&bytes) => {
                    let why = format!(
                        "`{rel}` is a Git LFS pointer; the file itself is not in the repository (run `git lfs pull`); it was left out"
                    );
                    if asset.is_some() {
                        out.diagnostics.push(missing(&rel, why));
                    } else if want == Want::Text {
                        out.read.insert(rel, Err(ReadError::Missing(why)));
                    }
                }
                // Texts (pages, SUMMARY files, YAML assets) go to the
                // assembly; a text asset is copied into the output from them.
                FileData::Bytes(Blob::Text(text)) => {
                    if want == Want::Text || asset == Some(true) {
                        out.read.insert(rel.clone(), Ok(text));
                    }
                }
                FileData::Bytes(Blob::NotUtf8(at)) => {
                    out.read.insert(rel, Err(ReadError::Encoding(at)));
                }
                FileData::Bytes(Blob::Bytes(bytes)) => {
                    if asset.is_some() {
                        out.blobs.insert(rel, bytes);
                    }
                }
                FileData::Stored(oid, size) => {
                    if let (Some(_), Some(r)) = (asset, stored) {
                        out.store.add_file(rel, r, oid, size);
                    }
                }
                FileData::Unread => {}
            }
        }
        out.versions.push(GitVersion {
            dir,
            book: book.clone(),
            label: c.label.clone(),
            repo: src.repo.clone(),
            repo_path: repo.path.clone(),
            git_ref: c.git_ref.as_ref().map(|r| r.name.clone()),
            commit: c.git_ref.as_ref().map(|r| r.commit.clone()),
            workdir: if c.git_ref.is_none() {
                repo.workdir.clone()
            } else {
                None
            },
            latest: c.latest,
        });
        out.specs.push(spec);
    }
    Ok(out)
}

/// Why a site loaded from `sources:` is out of date: the first published
/// ref that no longer names the commit that was read (`None`: all still do).
/// One `for-each-ref` per repository.
pub fn moved_ref(site: &super::Site) -> Option<String> {
    let mut by_repo: BTreeMap<&Path, Vec<&GitVersion>> = BTreeMap::new();
    for v in site.git_versions.iter().filter(|v| v.git_ref.is_some()) {
        by_repo.entry(v.repo_path.as_path()).or_default().push(v);
    }
    for (path, versions) in by_repo {
        let repo = Repo {
            path: path.to_path_buf(),
            workdir: None,
        };
        let refs = repo.refs().unwrap_or_default();
        let mut batch = repo.batch().ok()?;
        for v in versions {
            let name = v.git_ref.as_deref().unwrap_or_default();
            let now = batch.resolve(&refs, name).map(|r| r.commit);
            if now.as_deref() != v.commit.as_deref() {
                return Some(format!("{} moved ({}@{})", name, v.book, v.label));
            }
        }
    }
    None
}

fn missing(rel: &str, why: String) -> Diagnostic {
    Diagnostic::new(Rule::SourceMissingObject, rel, 0..0, why).with_suggestion(
        "fetch the object (`git fetch`, `git lfs pull`), or ignore this if the file is not needed",
    )
}

/// A file's contents: read, absent from the repository, or not needed.
enum FileData {
    Bytes(Blob),
    /// Left in the repository: its id and size.
    Stored(String, u64),
    Missing,
    Unread,
}

/// A blob as read: text when the load wants its text and it is UTF-8.
#[derive(Clone)]
enum Blob {
    Text(Arc<str>),
    /// Wanted as text, but not UTF-8: the first invalid byte.
    NotUtf8(usize),
    Bytes(Arc<[u8]>),
}

/// How much of a file the load needs.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Want {
    /// Its text (pages, SUMMARY files, `.gitbook.yaml`, YAML assets).
    Text,
    /// Its bytes (assets, copied into the output).
    Bytes,
    /// Only that it exists.
    Listed,
}

fn wanted_file(path: &str, skip_text_assets: bool) -> Want {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if name == ".gitbook.yaml" || ext == "md" || ext == "markdown" {
        return Want::Text;
    }
    if (ext == "yaml" || ext == "yml") && !skip_text_assets {
        return Want::Text;
    }
    if name.starts_with('.') {
        return Want::Listed;
    }
    Want::Bytes
}

/// Whether the folder walk would enter a file's folders (DESIGN.md §1 and
/// [`super::walk`]): no hidden folder but `.gitbook`, no `node_modules`…
fn walked(path: &str) -> bool {
    let folders = path.rsplit_once('/').map_or("", |(d, _)| d);
    !folders
        .split('/')
        .any(|s| walk::SKIPPED_DIRS.contains(&s) || (s.starts_with('.') && s != ".gitbook"))
}

/// The working tree's files, read from disk.
fn read_worktree(
    repo: &Repo,
    shown: &str,
    skip_text_assets: bool,
) -> Result<Vec<(String, FileData)>, LoadError> {
    let Some(workdir) = &repo.workdir else {
        return Err(unreadable(
            shown,
            "`worktree: true` needs a repository with a working tree, and this one is bare",
        ));
    };
    let files = repo.list_worktree().map_err(|e| unreadable(shown, e))?;
    Ok(files
        .into_par_iter()
        .filter_map(|f| {
            let path = workdir.join(&f);
            let data = match wanted_file(&f, skip_text_assets) {
                // Deleted but not yet staged: not part of the tree.
                _ if !path.is_file() => return None,
                // Assets are copied from disk when written.
                Want::Listed | Want::Bytes => FileData::Unread,
                Want::Text => match std::fs::read(&path) {
                    Ok(b) => FileData::Bytes(match String::from_utf8(b) {
                        Ok(t) => Blob::Text(t.into()),
                        Err(e) => Blob::NotUtf8(e.utf8_error().valid_up_to()),
                    }),
                    // Deleted but not yet staged: not part of the tree.
                    Err(_) => return None,
                },
            };
            Some((f, data))
        })
        .collect())
}

/// The versions a source publishes, newest first, and whether the book is
/// versioned at all (a source with neither `versions:` nor `refs:` is one
/// unversioned book from `HEAD`).
fn choose_versions(
    repo: &mut git::Batch,
    refs: &[RefInfo],
    src: &SourceConfig,
) -> Result<(Vec<Chosen>, bool), LoadError> {
    if !src.versions.is_empty() {
        let mut out = Vec::new();
        for v in &src.versions {
            let chosen = match &v.git_ref {
                Some(name) => {
                    let r = repo.resolve(refs, name).ok_or_else(|| {
                        unreadable(&src.repo, format!("the ref `{name}` does not exist"))
                    })?;
                    Chosen {
                        label: v.label.clone().unwrap_or_else(|| label_of(&r.short)),
                        latest: v.latest,
                        git_ref: Some(r),
                    }
                }
                None => Chosen {
                    label: v.label.clone().unwrap_or_else(|| "worktree".into()),
                    latest: v.latest,
                    git_ref: None,
                },
            };
            out.push(chosen);
        }
        if !out.iter().any(|c| c.latest) {
            out[0].latest = true;
        } else {
            // Only the first one marked.
            let first = out.iter().position(|c| c.latest).unwrap_or(0);
            for (i, c) in out.iter_mut().enumerate() {
                c.latest = i == first;
            }
        }
        return Ok((out, true));
    }
    if !src.refs.is_empty() {
        let mut matched: Vec<&RefInfo> = Vec::new();
        for r in refs {
            if !src.refs.iter().any(|g| git::glob_matches(g, &r.short)) {
                continue;
            }
            // One version per short name: a local branch wins over a tag,
            // a tag over a remote-tracking branch.
            let rank = |x: &RefInfo| {
                if x.name.starts_with("refs/heads/") {
                    0
                } else if x.tag {
                    1
                } else {
                    2
                }
            };
            match matched.iter_mut().find(|m| m.short == r.short) {
                Some(m) if rank(r) < rank(m) => *m = r,
                Some(_) => {}
                None => matched.push(r),
            }
        }
        if matched.is_empty() {
            return Err(unreadable(
                &src.repo,
                format!("no branch or tag matches `refs: {:?}`", src.refs),
            ));
        }
        matched.sort_by(|a, b| b.time.cmp(&a.time).then(a.short.cmp(&b.short)));
        let out = matched
            .into_iter()
            .enumerate()
            .map(|(i, r)| Chosen {
                label: label_of(&r.short),
                latest: i == 0,
                git_ref: Some(r.clone()),
            })
            .collect();
        return Ok((out, true));
    }
    let head = repo
        .resolve(refs, "HEAD")
        .ok_or_else(|| unreadable(&src.repo, "`HEAD` names no commit"))?;
    let short = refs
        .iter()
        .find(|r| r.commit == head.commit && r.name.starts_with("refs/heads/"))
        .map_or_else(|| "HEAD".to_string(), |r| r.short.clone());
    Ok((
        vec![Chosen {
            label: label_of(&short),
            latest: true,
            git_ref: Some(RefInfo { short, ..head }),
        }],
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_ids_drop_git_and_bb_prefix() {
        assert_eq!(default_book_id("../repos/bb-consent"), "consent");
        assert_eq!(default_book_id("repos/payments.git"), "payments");
        assert_eq!(default_book_id("bb-x/"), "x");
    }

    #[test]
    fn labels_are_slugged_short_names() {
        assert_eq!(label_of("23Q4"), "23Q4");
        assert_eq!(label_of("release/1.0"), "release-1.0");
        assert_eq!(label_of("a b"), "a-b");
    }
}
