//! Book discovery and the whole loading stage (DESIGN.md §1–2).
//!
//! [`load_site`] runs, in order:
//! 1. read the config (`--config` or `<root>/specsite.yaml`);
//! 2. find the books: `books:` from the config, else the first rule of
//!    DESIGN.md §1 that matches (the root itself, `content/*/`, each
//!    sub-folder; when `content/` holds no book, the sub-folder rule still
//!    applies), and read each book's `.gitbook.yaml`;
//! 3. walk the root once ([`super::walk`]) and read the files it keeps in
//!    parallel;
//! 4. assemble pages, SUMMARY entries, orphans and collisions ([`super::assemble`]).

use super::gitbook::{normalize_rel, parse_gitbook, GitbookConfig};
use super::{assemble, walk, LoadError, LoadOptions, Site};
use crate::config::{BookConfig, Config};
use crate::diag::{Diagnostic, Rule};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A book found before the walk: where it is and how it is published.
#[derive(Debug, Clone)]
pub(crate) struct BookSpec {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub edit_url: Option<String>,
    pub version: Option<String>,
    pub latest: bool,
    pub versions: Vec<String>,
    pub url_prefixes: Vec<String>,
    /// Root-relative repository folder (`""` for the root).
    pub dir: String,
    /// Its `.gitbook.yaml` settings (defaults when absent or invalid).
    pub gitbook: GitbookConfig,
}

impl BookSpec {
    /// Root-relative page root.
    pub fn page_root(&self) -> String {
        join_rel(&self.dir, &self.gitbook.root)
    }

    /// Root-relative SUMMARY.md path.
    pub fn summary_file(&self) -> String {
        join_rel(&self.page_root(), &self.gitbook.summary)
    }
}

/// Loads the whole site: config, books, pages, assets, glossary files.
pub fn load_site(opts: &LoadOptions) -> Result<Site, LoadError> {
    load_site_beside(opts, |_, _| ()).map(|(site, ())| site)
}

/// [`load_site`], running `beside` on the site root and its config while
/// the books are found, walked and read (which keeps only part of the
/// machine busy); its result comes with the site.
pub fn load_site_beside<R: Send>(
    opts: &LoadOptions,
    beside: impl FnOnce(&Path, &Config) -> R + Send,
) -> Result<(Site, R), LoadError> {
    let mut t = crate::timing::Stages::start();
    let shown_root = opts.root.display().to_string();
    let root = std::fs::canonicalize(&opts.root)
        .map_err(|e| LoadError::Root(shown_root.clone(), e.to_string()))?;
    if !root.is_dir() {
        return Err(LoadError::Root(shown_root, "not a folder".into()));
    }
    std::fs::read_dir(&root).map_err(|e| LoadError::Root(shown_root.clone(), e.to_string()))?;

    let mut sources: BTreeMap<String, Arc<str>> = BTreeMap::new();
    let loaded = load_config(&root, opts, &mut sources)?;
    let mut skip =
        walk::Skip::new(opts.out.as_deref(), &loaded.config).map_err(|(pattern, message)| {
            let offset = loaded.text.find(pattern.as_str()).unwrap_or(0);
            let err = crate::yaml::YamlError {
                message: message.clone(),
                offset: Some(offset),
            };
            let d = yaml_diagnostic(&loaded.shown, &loaded.text, &err, "invalid config");
            LoadError::Config {
                file: loaded.shown.clone(),
                message,
                diagnostic: Box::new(d),
                text: loaded.text.clone(),
            }
        })?;
    // A book id or version label is a folder of the output: one that would
    // lead out of it stops the command here, `check` as well as `build`.
    let names = (loaded.config.books.iter().flatten()).flat_map(|b| {
        std::iter::once(("id", &b.id)).chain(b.versions.iter().map(|v| ("label", &v.label)))
    });
    for (key, name) in names {
        let bad = name.is_empty()
            || name.starts_with('/')
            || name.contains('\\')
            || name
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..");
        if bad {
            let span = (loaded.text.find(name.as_str()))
                .filter(|_| !name.is_empty())
                .map_or(0..0, |s| s..s + name.len());
            let message =
                format!("books: {key} `{name}` would be written outside the output folder");
            let d = Diagnostic::new(Rule::PathOutsideRoot, &loaded.shown, span, &message)
                .with_suggestion("use a plain name such as `consent` or `1.0`");
            return Err(LoadError::Config {
                file: loaded.shown.clone(),
                message,
                diagnostic: Box::new(d),
                text: loaded.text.clone(),
            });
        }
    }
    let config = loaded.config;
    let config_rel = loaded.rel;
    skip.exclude(
        (config.sources.iter())
            .filter_map(|s| std::fs::canonicalize(root.join(&s.repo)).ok())
            .filter(|p| p.starts_with(&root)),
    );

    let mut diagnostics = Vec::new();
    // The repositories are read while the folders are found and walked.
    let (extra, (git, folder)) = rayon::join(
        || beside(&root, &config),
        || {
            rayon::join(
                || super::sources::load_sources(&root, &config, &skip, opts.skip_text_assets),
                || -> Result<_, LoadError> {
                    let mut specs = find_books(&root, &config, &skip)?;
                    let mut sources = BTreeMap::new();
                    let mut diagnostics = Vec::new();
                    for spec in &mut specs {
                        read_gitbook(&root, spec, &mut sources, &mut diagnostics);
                    }
                    let found = walk::walk_root(&root, &skip, &specs, config_rel.as_deref());
                    let read = walk::read_all(&root, &found, opts.skip_text_assets);
                    Ok((specs, sources, diagnostics, found, read))
                },
            )
        },
    );
    // Place a source's error at its `repo:` in the config.
    let git = git.map_err(|e| match e {
        LoadError::Source {
            repo,
            message,
            mut diagnostic,
            ..
        } => {
            let at = loaded
                .text
                .find(&format!("repo: {repo}"))
                .map(|i| i + "repo: ".len())
                .or_else(|| loaded.text.find(repo.as_str()));
            diagnostic.file = loaded.shown.clone();
            diagnostic.span = at.map_or(0..0, |i| i..i + repo.len());
            LoadError::Source {
                repo,
                message,
                diagnostic,
                text: loaded.text.clone(),
            }
        }
        other => other,
    })?;
    let (mut specs, more_sources, more_diags, mut found, mut read) = folder?;
    sources.extend(more_sources);
    diagnostics.extend(more_diags);
    if specs.is_empty() && git.specs.is_empty() {
        return Err(LoadError::NoBooks { root: shown_root });
    }
    t.mark("l:books+walk+read");
    // The sources' versions come after the folder books.
    for spec in &git.specs {
        if let Some(b) = specs.iter().find(|b| b.id == spec.id) {
            let what = if b.dir.contains('@') {
                "two `sources:` entries"
            } else {
                "a folder book and a `sources:` entry"
            };
            return Err(LoadError::Other(format!(
                "the book id `{}` is used twice ({what}); give one of them another id (`book:` in `sources:`)",
                spec.id
            )));
        }
    }
    let offset = specs.len();
    specs.extend(git.specs.iter().cloned());
    (found.pages).extend(git.found.pages.into_iter().map(|(b, f)| (b + offset, f)));
    found.pages.sort_by(|a, b| a.1.cmp(&b.1));
    found.summaries.extend(git.found.summaries);
    found.assets.extend(git.found.assets);
    found.assets.sort();
    found.text_assets.extend(git.found.text_assets);
    found.text_assets.sort();
    read.extend(git.read);
    sources.extend(git.sources);
    diagnostics.extend(git.diagnostics);
    let config_src = (loaded.shown, loaded.text);
    let mut site = assemble::assemble(root, config, &config_src, specs, found, read, sources);
    t.mark("l:assemble");
    site.git_versions = git.versions;
    site.git_blobs = git.blobs;
    site.git_objects = git.store;
    site.diagnostics.extend(diagnostics);
    crate::diag::sort_diagnostics(&mut site.diagnostics);
    Ok((site, extra))
}

/// The parsed config and where it came from.
struct LoadedConfig {
    config: Config,
    /// Root-relative path, when the file lies inside the root.
    rel: Option<String>,
    /// The path to show in findings: `rel`, else the path as given.
    shown: String,
    /// The file's text (empty without a file).
    text: Arc<str>,
}

/// Reads and parses the config; a missing default config is the default config.
fn load_config(
    root: &Path,
    opts: &LoadOptions,
    sources: &mut BTreeMap<String, Arc<str>>,
) -> Result<LoadedConfig, LoadError> {
    let path = match &opts.config {
        Some(p) => p.clone(),
        None => {
            let p = root.join("specsite.yaml");
            if !p.is_file() {
                return Ok(LoadedConfig {
                    config: Config::default(),
                    rel: None,
                    shown: "specsite.yaml".into(),
                    text: "".into(),
                });
            }
            p
        }
    };
    let bytes = std::fs::read(&path)
        .map_err(|e| LoadError::Other(format!("cannot read config {}: {e}", path.display())))?;
    let rel = std::fs::canonicalize(&path)
        .ok()
        .and_then(|abs| rel_path(root, &abs));
    let shown = rel.clone().unwrap_or_else(|| path.display().to_string());
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(t) => t.into(),
        Err(e) => {
            let msg = format!(
                "not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            );
            let d = Diagnostic::new(
                Rule::InvalidEncoding,
                shown.clone(),
                0..0,
                format!("config file is {msg}"),
            );
            return Err(LoadError::Config {
                file: shown,
                message: msg,
                diagnostic: Box::new(d),
                text: "".into(),
            });
        }
    };
    match Config::parse(&text) {
        Ok(cfg) => {
            if let Some(r) = &rel {
                sources.insert(r.clone(), text.clone());
            }
            Ok(LoadedConfig {
                config: cfg,
                rel,
                shown,
                text,
            })
        }
        Err(e) => {
            let d = yaml_diagnostic(&shown, &text, &e, "invalid config");
            Err(LoadError::Config {
                file: shown,
                message: e.message,
                diagnostic: Box::new(d),
                text,
            })
        }
    }
}

/// An `invalid-yaml` finding spanning from the error's offset to the end of its line.
pub(crate) fn yaml_diagnostic(
    file: &str,
    text: &str,
    err: &crate::yaml::YamlError,
    what: &str,
) -> Diagnostic {
    let mut start = err.offset.unwrap_or(0).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = start + text[start..line_end].trim_end().len();
    // serde_yaml appends " at line L column C" which the report already shows.
    let message = match err.message.find(" at line ") {
        Some(i) => &err.message[..i],
        None => &err.message,
    };
    Diagnostic::new(
        Rule::InvalidYaml,
        file,
        start..end,
        format!("{what}: {message}"),
    )
}

/// Finds the books in config order or by discovery (DESIGN.md §1).
fn find_books(root: &Path, config: &Config, skip: &walk::Skip) -> Result<Vec<BookSpec>, LoadError> {
    if let Some(books) = &config.books {
        return books_from_config(root, books);
    }
    let unversioned = |id: String, dir: String| BookSpec {
        url_prefixes: vec![id.clone()],
        id,
        title: None,
        description: None,
        edit_url: None,
        version: None,
        latest: true,
        versions: Vec::new(),
        dir,
        gitbook: GitbookConfig::default(),
    };
    if holds_book(root) {
        let id = config
            .id
            .clone()
            .or_else(|| root.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "book".into());
        return Ok(vec![unversioned(id, String::new())]);
    }
    let content = root.join("content");
    if content.is_dir() && !skip.skips_dir(&content, "content") {
        let found: Vec<BookSpec> = sub_folders(&content, skip, "content/")
            .into_iter()
            .map(|(name, rel)| unversioned(name, rel))
            .collect();
        if !found.is_empty() {
            return Ok(found);
        }
    }
    Ok(sub_folders(root, skip, "")
        .into_iter()
        .map(|(name, rel)| unversioned(name, rel))
        .collect())
}

/// Sub-folders of `dir` that hold a book, sorted by name: (name, root-relative path).
fn sub_folders(dir: &Path, skip: &walk::Skip, rel_prefix: &str) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let rel = format!("{rel_prefix}{name}");
            (!skip.skips_dir(&e.path(), &rel) && holds_book(&e.path())).then_some((name, rel))
        })
        .collect();
    out.sort();
    out
}

/// A folder is a book when it holds a SUMMARY.md or a .gitbook.yaml.
fn holds_book(dir: &Path) -> bool {
    dir.join("SUMMARY.md").is_file() || dir.join(".gitbook.yaml").is_file()
}

/// One `BookSpec` per configured book, one per version for versioned books.
fn books_from_config(root: &Path, books: &[BookConfig]) -> Result<Vec<BookSpec>, LoadError> {
    let mut out: Vec<BookSpec> = Vec::new();
    for b in books {
        let base = BookSpec {
            id: b.id.clone(),
            title: b.title.clone(),
            description: b.description.clone(),
            edit_url: b.edit_url.clone(),
            version: None,
            latest: true,
            versions: Vec::new(),
            url_prefixes: vec![b.id.clone()],
            dir: String::new(),
            gitbook: GitbookConfig::default(),
        };
        if b.versions.is_empty() {
            let dir = match &b.path {
                Some(p) => normalize_rel(p),
                None if root.join("content").join(&b.id).is_dir() => format!("content/{}", b.id),
                None => b.id.clone(),
            };
            out.push(BookSpec {
                dir: check_dir(root, &b.id, dir)?,
                ..base
            });
            continue;
        }
        let labels: Vec<String> = b.versions.iter().map(|v| v.label.clone()).collect();
        // The version marked `latest` (the first one marked), else the first listed.
        let latest = b.versions.iter().position(|v| v.latest).unwrap_or(0);
        for (i, v) in b.versions.iter().enumerate() {
            if v.label.is_empty() || v.label.contains('/') {
                return Err(LoadError::Other(format!(
                    "books: `{}`: version label `{}` must be a non-empty name without `/`",
                    b.id, v.label
                )));
            }
            if let Some(r) = super::sources::reserved_label(&v.label) {
                return Err(LoadError::Other(format!(
                    "books: `{}`: the version label `{}` is a name specsite writes inside every book (`<book>/{r}`); give the version another `label:`",
                    b.id, v.label
                )));
            }
            let own = format!("{}/{}", b.id, v.label);
            let url_prefixes = if i == latest {
                vec![b.id.clone(), own]
            } else {
                vec![own]
            };
            out.push(BookSpec {
                dir: check_dir(
                    root,
                    &format!("{}@{}", b.id, v.label),
                    normalize_rel(&v.path),
                )?,
                version: Some(v.label.clone()),
                latest: i == latest,
                versions: labels.clone(),
                url_prefixes,
                ..base.clone()
            });
        }
    }
    for (i, a) in out.iter().enumerate() {
        if let Some(b) = out[..i].iter().find(|b| b.dir == a.dir) {
            return Err(LoadError::Other(format!(
                "books: `{}` and `{}` both use the folder `{}`",
                b.id, a.id, a.dir
            )));
        }
        if let Some(b) = out[..i]
            .iter()
            .find(|b| b.id == a.id && b.version == a.version)
        {
            return Err(LoadError::Other(format!(
                "books: the id `{}` is listed twice",
                b.id
            )));
        }
    }
    Ok(out)
}

fn check_dir(root: &Path, what: &str, dir: String) -> Result<String, LoadError> {
    if dir.is_empty() || dir.split('/').any(|s| s == "..") {
        return Err(LoadError::Other(format!(
            "books: `{what}`: path `{dir}` must be a folder inside the root"
        )));
    }
    if !root.join(&dir).is_dir() {
        return Err(LoadError::Other(format!(
            "books: `{what}`: folder `{dir}` does not exist under {}",
            root.display()
        )));
    }
    Ok(dir)
}

/// Reads a book's `.gitbook.yaml`; an invalid one is reported and the defaults kept.
fn read_gitbook(
    root: &Path,
    spec: &mut BookSpec,
    sources: &mut BTreeMap<String, Arc<str>>,
    diags: &mut Vec<Diagnostic>,
) {
    let rel = join_rel(&spec.dir, ".gitbook.yaml");
    let Ok(bytes) = std::fs::read(root.join(&rel)) else {
        return;
    };
    apply_gitbook(&rel, bytes, spec, sources, diags);
}

/// Applies the `.gitbook.yaml` at root-relative `rel` (its bytes given) to
/// a book; an invalid one is reported and the defaults kept.
pub(crate) fn apply_gitbook(
    rel: &str,
    bytes: Vec<u8>,
    spec: &mut BookSpec,
    sources: &mut BTreeMap<String, Arc<str>>,
    diags: &mut Vec<Diagnostic>,
) {
    let rel = rel.to_string();
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(t) => t.into(),
        Err(e) => {
            let msg = format!(
                "`.gitbook.yaml` is not UTF-8 (invalid byte at offset {}); using the defaults",
                e.utf8_error().valid_up_to()
            );
            diags.push(Diagnostic::new(Rule::InvalidEncoding, rel, 0..0, msg));
            return;
        }
    };
    match parse_gitbook(&text) {
        Ok(cfg) => spec.gitbook = paths_inside(cfg, &spec.dir, &rel, &text, diags),
        Err(e) => diags.push(
            yaml_diagnostic(&rel, &text, &e, "invalid .gitbook.yaml").with_suggestion(
                "fix the YAML; until then the book uses root `./`, README.md and SUMMARY.md",
            ),
        ),
    }
    sources.insert(rel, text);
}

/// `cfg` with every path that would leave the site root (`root:`,
/// `structure:`, redirects) reported as `path-outside-root` at its place in
/// `.gitbook.yaml` (`rel`, whose text is `text`) and set back to its default
/// (a redirect is dropped). `dir` is the book's repository folder.
fn paths_inside(
    mut cfg: GitbookConfig,
    dir: &str,
    rel: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> GitbookConfig {
    let defaults = GitbookConfig::default();
    let mut report = |key: &str, value: &str| {
        // The value's place in the file: its last segment is written as is.
        let seg = value
            .rsplit('/')
            .find(|s| !s.is_empty() && *s != "..")
            .unwrap_or(value);
        let span = text
            .find(value)
            .map(|s| s..s + value.len())
            .or_else(|| text.find(seg).map(|s| s..s + seg.len()))
            .unwrap_or(0..0);
        diags.push(
            Diagnostic::new(
                Rule::PathOutsideRoot,
                rel,
                span,
                format!(
                    "`{key}: {value}` in .gitbook.yaml leads outside the site root; it is ignored"
                ),
            )
            .with_suggestion("name a path inside the book's repository"),
        );
    };
    let outside = |base: &str, p: &str| crate::resolve::normalize_join(base, p).is_none();
    if outside(dir, &cfg.root) {
        report("root", &cfg.root);
        cfg.root = defaults.root.clone();
    }
    let page_root = join_rel(dir, &cfg.root);
    if outside(&page_root, &cfg.readme) {
        report("readme", &cfg.readme);
        cfg.readme = defaults.readme.clone();
    }
    if outside(&page_root, &cfg.summary) {
        report("summary", &cfg.summary);
        cfg.summary = defaults.summary.clone();
    }
    cfg.redirects.retain(|(from, to)| {
        // The old path becomes an output folder: no `..` in it at all.
        let from_bad = from.split('/').any(|s| s == "..");
        let bad = (from_bad.then_some(from)).or_else(|| outside(&page_root, to).then_some(to));
        if let Some(p) = bad {
            report("redirects", p);
        }
        bad.is_none()
    });
    cfg
}

/// Joins two root-relative paths, either of which may be empty.
pub(crate) fn join_rel(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (false, true) => a.to_string(),
        (false, false) => format!("{a}/{b}"),
    }
}

/// `abs` relative to `root` with `/` separators, when it lies inside it.
pub(crate) fn rel_path(root: &Path, abs: &Path) -> Option<String> {
    let rel = abs.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// An absolute, lexically normalised form of `p` (canonical when it exists).
pub(crate) fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_diagnostic_spans_rest_of_line_and_drops_position_suffix() {
        let text = "a: 1\nb: [x\n";
        let err = crate::yaml::YamlError {
            message: "bad thing at line 2 column 4".into(),
            offset: Some(8),
        };
        let d = yaml_diagnostic("f.yaml", text, &err, "invalid");
        assert_eq!(&text[d.span.clone()], "[x");
        assert_eq!(d.message, "invalid: bad thing");
    }

    #[test]
    fn join_rel_handles_empty_sides() {
        assert_eq!(join_rel("", "a"), "a");
        assert_eq!(join_rel("a", ""), "a");
        assert_eq!(join_rel("a", "b"), "a/b");
    }
}
