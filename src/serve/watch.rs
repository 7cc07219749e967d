//! Watching the site root and sorting each changed path into the kind of
//! change it is, so the rebuild redoes as little as it can.
//!
//! | path | change |
//! |---|---|
//! | a known page (edited) | [`Plan::pages`]: re-parse it alone |
//! | a glossary YAML file (edited) | [`Plan::glossary_files`]: reload the glossary |
//! | a known asset (edited) | [`Plan::assets`]: re-parse the pages that embed it |
//! | under `themes/` | [`Plan::theme`]: re-render without re-parsing |
//! | SUMMARY.md, the config, `.gitbook.yaml`, a file added or removed | [`Plan::full`] |
//!
//! Hidden files and editor leftovers (`.x.swp`, `x~`, `4913`) that the site
//! does not know are ignored, as is anything under `.git`, `.specsite`,
//! `node_modules`, `target` and the `public` output folder.

use crate::content::{PageId, Site};
use notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// How long the watcher waits for a burst of writes to settle. Editors write
/// a save in a few milliseconds; 25 ms absorbs that burst while keeping
/// write → reload under 50 ms.
pub const DEBOUNCE: Duration = Duration::from_millis(25);

/// What a batch of changed paths asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Reload everything (the reason, for the status line).
    pub full: Option<String>,
    /// The theme changed.
    pub theme: bool,
    /// Edited pages.
    pub pages: BTreeSet<PageId>,
    /// Edited glossary YAML files (root-relative).
    pub glossary_files: BTreeSet<String>,
    /// Edited assets (root-relative).
    pub assets: BTreeSet<String>,
    /// Every root-relative path that mattered, for the status line and the
    /// error overlay.
    pub files: BTreeSet<String>,
}

impl Plan {
    /// Whether nothing needs doing.
    pub fn is_empty(&self) -> bool {
        self.full.is_none()
            && !self.theme
            && self.pages.is_empty()
            && self.glossary_files.is_empty()
            && self.assets.is_empty()
    }

    fn full(&mut self, why: String) {
        if self.full.is_none() {
            self.full = Some(why);
        }
    }
}

/// Starts watching `root` (recursively) and the folder of an explicit config
/// file outside it; debounced batches arrive on the receiver.
pub fn watch(
    root: &Path,
    config: Option<&Path>,
    sources: &[crate::content::GitVersion],
) -> notify::Result<(
    Debouncer<notify::RecommendedWatcher>,
    Receiver<DebounceEventResult>,
)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, tx)?;
    debouncer.watcher().watch(root, RecursiveMode::Recursive)?;
    // `sources:`: each repository's refs (a commit on a published branch
    // moves one), and the working tree of a `worktree: true` version.
    let mut watched: Vec<PathBuf> = Vec::new();
    for v in sources {
        let git_dir = git_dir_of(&v.repo_path);
        for (dir, mode) in [
            (git_dir.clone(), RecursiveMode::NonRecursive),
            (git_dir.join("refs"), RecursiveMode::Recursive),
        ] {
            if !watched.contains(&dir) && !dir.starts_with(root) {
                debouncer.watcher().watch(&dir, mode)?;
                watched.push(dir);
            }
        }
        if let Some(w) = &v.workdir {
            if !watched.contains(w) && !w.starts_with(root) {
                debouncer.watcher().watch(w, RecursiveMode::Recursive)?;
                watched.push(w.clone());
            }
        }
    }
    if let Some(dir) = config.and_then(|c| c.parent()) {
        if !dir.starts_with(root) {
            debouncer
                .watcher()
                .watch(dir, RecursiveMode::NonRecursive)?;
        }
    }
    Ok((debouncer, rx))
}

/// Size and modification time of a file (`None`: gone, or a folder).
type Stamp = Option<(std::time::SystemTime, u64)>;

fn stat(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some((m.modified().ok()?, m.len()))
}

/// The last seen size and modification time of every file, so that events
/// which change nothing are dropped. The watcher also reports files being
/// opened: without this, the server's own reads (a page re-read, an image
/// served, the loader during a full rebuild) would trigger rebuilds forever.
#[derive(Debug, Default)]
pub struct Stamps(std::collections::HashMap<PathBuf, Stamp>);

impl Stamps {
    /// Keeps the paths whose size or modification time differs from the last
    /// seen (or that were never seen), and remembers what they are now. Call
    /// it before reading the files, so a write during the rebuild is not lost.
    pub fn changed(&mut self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        paths
            .into_iter()
            .filter(|p| {
                let now = stat(p);
                self.0.insert(p.clone(), now) != Some(now)
            })
            .collect()
    }

    /// Remembers files not seen yet (after a load reads them).
    pub fn record_new(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for p in paths {
            if let std::collections::hash_map::Entry::Vacant(e) = self.0.entry(p) {
                let now = stat(e.key());
                e.insert(now);
            }
        }
    }
}

/// Every file a load reads or the server serves from disk (absolute):
/// pages, assets, glossary files, SUMMARY and `.gitbook.yaml` files, the
/// config, the theme's files.
pub fn known_files(site: &Site, config: Option<&Path>) -> Vec<PathBuf> {
    let root = &site.root;
    // Files of `sources:` versions are in their working tree (a
    // `worktree: true` version) or nowhere on disk.
    let on_disk = |f: &str| site.disk_path(f);
    let mut out: Vec<PathBuf> = (site.pages.iter().map(|p| p.file.as_str()))
        .chain(site.assets.iter().map(String::as_str))
        .chain(site.glossary_files.iter().map(String::as_str))
        .chain(site.books.iter().map(|b| b.summary_file.as_str()))
        .filter_map(on_disk)
        .chain(site.books.iter().filter_map(|b| {
            let file = crate::content::discover::join_rel(&b.repo_dir, ".gitbook.yaml");
            on_disk(&file)
        }))
        .collect();
    out.push(config.map_or_else(|| root.join("specsite.yaml"), Path::to_path_buf));
    if let Some(theme) = &site.config.theme {
        let dir = root.join("themes").join(theme);
        out.extend(
            walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path()),
        );
    }
    out
}

/// The git folder of a repository: `<repo>/.git`, or the bare repository itself.
fn git_dir_of(repo: &Path) -> PathBuf {
    let dot = repo.join(".git");
    if dot.is_dir() {
        dot
    } else {
        repo.to_path_buf()
    }
}

/// What a change inside a `sources:` repository needs.
enum SourceChange {
    /// Nothing (the repository's own files, a scratch file).
    Nothing,
    /// A full rebuild, and why (a published ref moved, a file of a
    /// `worktree: true` version added, removed or not a page).
    Full(String),
    /// An edited page of a `worktree: true` version, redone like a folder
    /// book's page.
    Page(PageId, String),
}

/// For a change inside a `sources:` repository: what it needs, or `None`
/// for a path outside every repository.
fn source_change(site: &Site, path: &Path) -> Option<SourceChange> {
    for v in &site.git_versions {
        let git_dir = git_dir_of(&v.repo_path);
        if path.starts_with(&git_dir) {
            if v.git_ref.is_none() {
                continue;
            }
            return Some(match crate::content::sources::moved_ref(site) {
                Some(why) => SourceChange::Full(why),
                None => SourceChange::Nothing,
            });
        }
        if let Some(w) = &v.workdir {
            if let Ok(rel) = path.strip_prefix(w) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                let name = rel.rsplit('/').next().unwrap_or(&rel);
                if rel.is_empty() || scratch(name) || path.is_dir() {
                    return Some(SourceChange::Nothing);
                }
                let file = format!("{}/{rel}", v.dir);
                return Some(match site.page_by_file.get(&file) {
                    Some(&p) if path.is_file() => SourceChange::Page(p, file),
                    _ => SourceChange::Full(file),
                });
            }
        }
    }
    None
}

/// Sorts changed paths (absolute, as the watcher reports them) into a [`Plan`].
/// `config` is the config file in use (absolute), if any.
pub fn classify(site: &Site, config: Option<&Path>, paths: &[PathBuf]) -> Plan {
    let mut plan = Plan::default();
    for path in paths {
        if config.is_some_and(|c| c == path) {
            plan.files.insert(path.display().to_string());
            plan.full(format!("config {}", path.display()));
            continue;
        }
        match source_change(site, path) {
            Some(SourceChange::Nothing) => continue,
            Some(SourceChange::Full(why)) => {
                plan.full(why);
                continue;
            }
            Some(SourceChange::Page(p, file)) => {
                plan.pages.insert(p);
                plan.files.insert(file);
                continue;
            }
            None => {}
        }
        let Ok(rel) = path.strip_prefix(&site.root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.is_empty() || ignored(&rel) {
            continue;
        }
        let exists = path.exists();
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if rel == "specsite.yaml" {
            plan.full("config specsite.yaml".into());
        } else if name == ".gitbook.yaml" {
            plan.full(rel.to_string());
        } else if site.books.iter().any(|b| b.summary_file == rel) {
            plan.full(format!("table of contents {rel}"));
        } else if rel.starts_with("themes/") {
            if path.is_dir() {
                continue;
            }
            plan.theme = true;
        } else if let Some(&p) = site.page_by_file.get(&rel) {
            if exists {
                plan.pages.insert(p);
            } else {
                plan.full(format!("page {rel} removed"));
            }
        } else if site.glossary_files.contains(&rel) {
            if exists {
                plan.glossary_files.insert(rel.clone());
            } else {
                plan.full(format!("glossary {rel} removed"));
            }
        } else if site.assets.binary_search(&rel).is_ok() {
            if exists {
                plan.assets.insert(rel.clone());
            } else {
                plan.full(format!("asset {rel} removed"));
            }
        } else if exists {
            // A table of contents, or a folder holding one, may be a book
            // the site does not know yet (added, or its SUMMARY.md restored).
            let new_book = if path.is_dir() {
                let known = site.books.iter().any(|b| {
                    b.repo_dir == rel || b.summary_file.strip_suffix("/SUMMARY.md") == Some(&rel)
                });
                !known
                    && (path.join("SUMMARY.md").is_file() || path.join(".gitbook.yaml").is_file())
            } else {
                name == "SUMMARY.md"
            };
            if new_book {
                plan.full(format!("book {rel} added"));
                plan.files.insert(rel);
                continue;
            }
            if path.is_dir() || scratch(name) || !might_be_loaded(site, &rel) {
                continue;
            }
            plan.full(format!("{rel} added"));
        } else {
            // Gone: a folder holding known files, or something never loaded.
            let prefix = format!("{rel}/");
            let held = site.page_by_file.keys().any(|f| f.starts_with(&prefix))
                || site.assets.iter().any(|a| a.starts_with(&prefix));
            if !held {
                continue;
            }
            plan.full(format!("{rel} removed"));
        }
        plan.files.insert(rel);
    }
    plan
}

/// Paths the loader never reads.
fn ignored(rel: &str) -> bool {
    let first = rel.split('/').next().unwrap_or("");
    first == "public"
        || rel
            .split('/')
            .any(|s| matches!(s, ".git" | ".specsite" | "node_modules" | "target"))
}

/// Editor swap and backup files.
fn scratch(name: &str) -> bool {
    name.starts_with('.') && name != ".gitbook.yaml"
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Whether a new file would be loaded: a glossary file, or anything inside
/// a book's repository folder.
fn might_be_loaded(site: &Site, rel: &str) -> bool {
    if rel.starts_with("glossary/") && (rel.ends_with(".yaml") || rel.ends_with(".yml")) {
        return true;
    }
    site.books
        .iter()
        .any(|b| b.repo_dir.is_empty() || rel.starts_with(&format!("{}/", b.repo_dir)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Book, Page};

    fn site(root: &Path) -> Site {
        let page = |file: &str| Page {
            book: 0,
            file: file.into(),
            path: file.trim_start_matches("content/a/").into(),
            slug: String::new(),
            source: "".into(),
            front: Default::default(),
            body_start: 0,
            summary_title: None,
            in_summary: true,
            terminology: false,
            common_terminology: false,
        };
        let pages = vec![page("content/a/README.md"), page("content/a/x.md")];
        Site {
            root: root.to_path_buf(),
            books: vec![Book {
                id: "a".into(),
                url_prefixes: vec!["a".into()],
                repo_dir: "content/a".into(),
                page_root: "content/a".into(),
                summary_file: "content/a/SUMMARY.md".into(),
                ..Book::default()
            }],
            page_by_file: pages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.file.clone(), i))
                .collect(),
            pages,
            assets: vec!["content/a/pic.png".into()],
            glossary_files: vec!["glossary/terms.yaml".into()],
            ..Site::default()
        }
    }

    fn plan_for(rels: &[&str]) -> Plan {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "content/a/README.md",
            "content/a/x.md",
            "content/a/SUMMARY.md",
            "content/a/pic.png",
            "content/a/new.md",
            "content/a/.x.md.swp",
            "glossary/terms.yaml",
            "themes/t/templates/page.html",
            "notes.txt",
        ] {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let s = site(dir.path());
        let paths: Vec<PathBuf> = rels.iter().map(|r| dir.path().join(r)).collect();
        classify(&s, None, &paths)
    }

    #[test]
    fn an_edited_page_is_reparsed_alone() {
        let plan = plan_for(&["content/a/x.md"]);
        assert_eq!(plan.pages, BTreeSet::from([1]));
        assert!(plan.full.is_none() && !plan.theme);
    }

    #[test]
    fn structure_changes_rebuild_everything() {
        assert!(plan_for(&["content/a/SUMMARY.md"]).full.is_some());
        assert!(plan_for(&["specsite.yaml"]).full.is_some());
        assert!(plan_for(&["content/a/.gitbook.yaml"]).full.is_some());
        assert!(plan_for(&["content/a/new.md"]).full.is_some(), "added page");
        assert!(
            plan_for(&["content/a/gone.md"]).full.is_none(),
            "never known"
        );
    }

    #[test]
    fn sorts_glossary_theme_and_asset_changes() {
        let plan = plan_for(&[
            "glossary/terms.yaml",
            "themes/t/templates/page.html",
            "content/a/pic.png",
        ]);
        assert!(plan.full.is_none());
        assert!(plan.theme);
        assert_eq!(
            plan.glossary_files,
            BTreeSet::from(["glossary/terms.yaml".to_string()])
        );
        assert_eq!(
            plan.assets,
            BTreeSet::from(["content/a/pic.png".to_string()])
        );
    }

    #[test]
    fn stamps_drop_events_that_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("page.md");
        std::fs::write(&f, "one").unwrap();
        let mut stamps = Stamps::default();
        stamps.record_new([f.clone()]);
        assert!(
            stamps.changed(vec![f.clone()]).is_empty(),
            "opened, not changed"
        );
        std::fs::write(&f, "longer").unwrap();
        assert_eq!(stamps.changed(vec![f.clone()]), vec![f.clone()]);
        assert!(stamps.changed(vec![f.clone()]).is_empty());
        std::fs::remove_file(&f).unwrap();
        assert_eq!(stamps.changed(vec![f.clone()]), vec![f]);
    }

    #[test]
    fn ignores_editor_scratch_files_and_unrelated_paths() {
        assert!(plan_for(&["content/a/.x.md.swp", "notes.txt", "public/index.html"]).is_empty());
    }
}
