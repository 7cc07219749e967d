//! The single walk over the site root, and the parallel read that follows it.
//!
//! What the walk never enters: the output folder (wherever it is), `.git`,
//! `node_modules`, `target`, `.specsite`, hidden folders other than `.gitbook`
//! (GitBook keeps uploads in `.gitbook/assets`), and paths matching an
//! `ignore:` glob (relative to the root; `*` stops at `/`, `**` crosses
//! folders). Symbolic links are not followed into folders; a link to a file
//! is kept only when its target lies inside the root.
//!
//! Each file kept is sorted into one bin:
//! - `glossary/*.yaml` / `*.yml` directly under the root: glossary files;
//! - a book's SUMMARY file (per its `.gitbook.yaml`);
//! - markdown (`.md`, `.markdown`) under a book's page root, outside hidden
//!   folders: a page; any other file named `SUMMARY.md` there is ignored;
//! - any other file inside a book's repository folder whose name does not
//!   start with `.`: an asset (YAML assets also have their text kept).

use super::discover::{absolute, rel_path, BookSpec};
use crate::config::Config;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// Folders the walk never enters, by name.
pub(crate) const SKIPPED_DIRS: [&str; 4] = [".git", "node_modules", "target", ".specsite"];

/// Decides which folders and files the walk leaves out.
#[derive(Debug)]
pub(crate) struct Skip {
    out: Option<PathBuf>,
    /// Folders never entered besides the output: `sources:` repositories
    /// inside the root (a folder inside one is never a folder book).
    excluded: Vec<PathBuf>,
    ignore: GlobSet,
}

impl Skip {
    /// Builds the filter from the output folder and the config's `ignore:`
    /// globs; an invalid glob gives (the pattern, why).
    pub fn new(out: Option<&Path>, config: &Config) -> Result<Skip, (String, String)> {
        let mut set = GlobSetBuilder::new();
        for pattern in &config.ignore {
            let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    (
                        pattern.clone(),
                        format!("ignore: invalid glob `{pattern}`: {e}"),
                    )
                })?;
            set.add(glob);
        }
        let ignore = set
            .build()
            .map_err(|e| (String::new(), format!("ignore: {e}")))?;
        Ok(Skip {
            out: out.map(absolute),
            excluded: Vec::new(),
            ignore,
        })
    }

    /// Also leaves out these folders (absolute).
    pub fn exclude(&mut self, dirs: impl IntoIterator<Item = PathBuf>) {
        self.excluded.extend(dirs);
    }

    /// Whether the walk leaves out the folder `abs` (root-relative `rel`).
    pub fn skips_dir(&self, abs: &Path, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if SKIPPED_DIRS.contains(&name) || (name.starts_with('.') && name != ".gitbook") {
            return true;
        }
        if self.out.as_deref().is_some_and(|o| o == abs) || self.excluded.iter().any(|e| e == abs) {
            return true;
        }
        self.ignores(rel)
    }

    /// Whether root-relative `rel` matches an `ignore:` glob.
    pub fn ignores(&self, rel: &str) -> bool {
        !self.ignore.is_empty() && self.ignore.is_match(rel)
    }
}

/// What the walk found, sorted into bins. Paths are root-relative.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// (book index, file) of every page.
    pub pages: Vec<(usize, String)>,
    /// SUMMARY files that exist.
    pub summaries: Vec<String>,
    /// Glossary YAML files, sorted.
    pub glossary: Vec<String>,
    /// Assets, sorted.
    pub assets: Vec<String>,
    /// Assets whose text is kept in `Site::sources` (YAML).
    pub text_assets: Vec<String>,
}

/// Walks the root once and sorts every file into a [`Found`] bin.
pub(crate) fn walk_root(
    root: &Path,
    skip: &Skip,
    books: &[BookSpec],
    config_rel: Option<&str>,
) -> Found {
    // Deepest folders first, so nested books take their own files.
    let mut page_roots: Vec<(String, usize)> = books
        .iter()
        .enumerate()
        .map(|(i, b)| (b.page_root(), i))
        .collect();
    page_roots.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
    let mut repos: Vec<(String, usize)> = books
        .iter()
        .enumerate()
        .map(|(i, b)| (b.dir.clone(), i))
        .collect();
    repos.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
    let summary_files: Vec<String> = books.iter().map(BookSpec::summary_file).collect();

    let mut found = Found::default();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    let entries = walker.filter_entry(|e| {
        if e.depth() == 0 || !e.file_type().is_dir() {
            return true;
        }
        rel_path(root, e.path()).is_none_or(|rel| !skip.skips_dir(e.path(), &rel))
    });
    for entry in entries.filter_map(Result::ok) {
        let ft = entry.file_type();
        let is_file = if ft.is_symlink() {
            // Keep a link to a file only when it points inside the root.
            std::fs::canonicalize(entry.path()).is_ok_and(|t| t.starts_with(root) && t.is_file())
        } else {
            ft.is_file()
        };
        if !is_file {
            continue;
        }
        let Some(rel) = rel_path(root, entry.path()) else {
            continue;
        };
        if skip.ignores(&rel) || Some(rel.as_str()) == config_rel {
            continue;
        }
        classify(&mut found, rel, &page_roots, &repos, &summary_files);
    }
    found.glossary.sort();
    found.assets.sort();
    found.text_assets.sort();
    found.pages.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

/// Sorts one root-relative file into its [`Found`] bin. `page_roots` and
/// `repos` are sorted deepest first. Returns, for a file kept as an asset,
/// whether its text is kept too (YAML); `None` for anything else.
pub(crate) fn classify(
    found: &mut Found,
    rel: String,
    page_roots: &[(String, usize)],
    repos: &[(String, usize)],
    summaries: &[String],
) -> Option<bool> {
    let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let is_yaml = ext == "yaml" || ext == "yml";
    if is_yaml
        && rel
            .strip_prefix("glossary/")
            .is_some_and(|n| !n.contains('/'))
    {
        found.glossary.push(rel);
        return None;
    }
    if summaries.contains(&rel) {
        found.summaries.push(rel);
        return None;
    }
    let is_md = ext == "md" || ext == "markdown";
    if is_md {
        if let Some((page_root, book)) = page_roots.iter().find(|(d, _)| inside(&rel, d)) {
            let in_page_root = if page_root.is_empty() {
                rel.as_str()
            } else {
                &rel[page_root.len() + 1..]
            };
            if !in_page_root.split('/').any(|seg| seg.starts_with('.')) {
                if !name.eq_ignore_ascii_case("SUMMARY.md") {
                    found.pages.push((*book, rel));
                }
                return None;
            }
        }
    }
    if name.starts_with('.') || name.eq_ignore_ascii_case("SUMMARY.md") {
        return None;
    }
    if repos.iter().any(|(d, _)| inside(&rel, d)) {
        if is_yaml {
            found.text_assets.push(rel.clone());
        }
        found.assets.push(rel);
        return Some(is_yaml);
    }
    None
}

/// Whether root-relative `rel` lies inside root-relative folder `dir` (`""` is the root).
pub(crate) fn inside(rel: &str, dir: &str) -> bool {
    dir.is_empty()
        || (rel.len() > dir.len() && rel.starts_with(dir) && rel.as_bytes()[dir.len()] == b'/')
}

/// A file that could not be used as text.
#[derive(Debug, Clone)]
pub(crate) enum ReadError {
    /// Not UTF-8; the first invalid byte is at this offset.
    Encoding(usize),
    /// The file could not be read at all.
    Io(String),
    /// The file's object is absent from its git repository; the text says so.
    Missing(String),
}

/// Reads every text file the walk kept, in parallel: path → text or why not.
/// Text assets are left out with `skip_text_assets`.
pub(crate) fn read_all(
    root: &Path,
    found: &Found,
    skip_text_assets: bool,
) -> BTreeMap<String, Result<Arc<str>, ReadError>> {
    let mut jobs: Vec<&String> = found.pages.iter().map(|(_, f)| f).collect();
    jobs.extend(&found.summaries);
    jobs.extend(&found.glossary);
    if !skip_text_assets {
        jobs.extend(&found.text_assets);
    }
    jobs.par_iter()
        .map(|rel| {
            let res = match std::fs::read(root.join(rel.as_str())) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map(Arc::from)
                    .map_err(|e| ReadError::Encoding(e.utf8_error().valid_up_to())),
                Err(e) => Err(ReadError::Io(e.to_string())),
            };
            ((*rel).clone(), res)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_respects_folder_boundaries() {
        assert!(inside("a/b.md", "a"));
        assert!(!inside("ab/b.md", "a"));
        assert!(!inside("a", "a"));
        assert!(inside("x.md", ""));
    }

    #[test]
    fn skips_hidden_dirs_but_not_gitbook_and_matches_globs() {
        let cfg = Config {
            ignore: vec!["**/drafts/**".into(), "scratch".into()],
            ..Config::default()
        };
        let skip = Skip::new(Some(Path::new("/r/public")), &cfg).unwrap();
        assert!(skip.skips_dir(Path::new("/r/.git"), ".git"));
        assert!(skip.skips_dir(Path::new("/r/b/.cache"), "b/.cache"));
        assert!(!skip.skips_dir(Path::new("/r/b/.gitbook"), "b/.gitbook"));
        assert!(skip.skips_dir(Path::new("/r/public"), "public"));
        assert!(skip.skips_dir(Path::new("/r/scratch"), "scratch"));
        assert!(skip.ignores("b/drafts/x.md"));
        assert!(!skip.ignores("b/final/x.md"));
    }
}
