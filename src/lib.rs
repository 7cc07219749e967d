//! specsite: compile GitBook-style specification books and a common glossary
//! into a cross-linked, searchable static site, checking terms and links as it
//! builds.
//!
//! A build is a pipeline: load → parse → resolve → check → render/index →
//! write. Each stage lives in its own module with a small, typed interface.

#![warn(missing_docs)]

pub mod changes;
pub mod checks;
pub mod config;
pub mod content;
pub mod diag;
pub mod gitinfo;
pub mod glossary;
pub mod init;
pub mod markdown;
pub mod output;
pub mod render;
pub mod requirements;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod timing;
pub mod urls;
pub mod yaml;

use content::{LoadError, LoadOptions, Site};
use diag::Diagnostic;
use markdown::Doc;
use output::Sink as _;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Everything known about a site after analysis: loaded, parsed, checked.
pub struct Analysis {
    /// The loaded site.
    pub site: Site,
    /// The glossary.
    pub glossary: glossary::Glossary,
    /// `docs[i]` is `site.pages[i]` parsed.
    pub docs: Vec<Doc>,
    /// Every finding, config severities applied, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Every book's requirements (DESIGN.md §9).
    pub requirements: requirements::SiteRequirements,
}

/// Options shared by `build` and `check`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Site root.
    pub root: PathBuf,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// Output folder (excluded from loading).
    pub out: Option<PathBuf>,
    /// Links name `index.html` (also when the config says `offline: true`).
    pub offline: bool,
    /// Skip building page HTML: what `check` sets, since it renders nothing.
    /// Findings, links and anchors are the same either way.
    pub skip_html: bool,
    /// `check --all-versions`: findings in versions other than the latest
    /// (and a working tree) keep their severity instead of becoming `info`.
    pub all_versions: bool,
}

/// A build or check could not run at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    /// Loading failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The output folder is not acceptable.
    #[error("{0}")]
    Out(String),
    /// Any other failure (I/O, templates).
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

impl Fatal {
    /// The failure as a finding, with the text of the file it points into
    /// when there is one, so that machine formats can print a report on
    /// exit 2: `invalid-yaml` for a config file that does not parse,
    /// `book-without-summary` when no book is found, `output-collision` for
    /// a refused `--out`, and `source-unreadable` for a root or source that
    /// cannot be read and any other failure.
    pub fn finding(&self) -> (Diagnostic, Option<std::sync::Arc<str>>) {
        use diag::Rule;
        let site_wide = |rule: Rule| Diagnostic::new(rule, "", 0..0, self.to_string());
        match self {
            Fatal::Load(LoadError::Config {
                diagnostic, text, ..
            }) => ((**diagnostic).clone(), Some(text.clone())),
            Fatal::Load(LoadError::NoBooks { .. }) => (site_wide(Rule::BookWithoutSummary), None),
            Fatal::Out(_) => (site_wide(Rule::OutputCollision), None),
            Fatal::Load(_) | Fatal::Other(_) => (site_wide(Rule::SourceUnreadable), None),
        }
    }
}

/// Load → glossary → parse → check. Writes nothing.
pub fn analyse(opts: &Options) -> Result<Analysis, Fatal> {
    let (mut a, glossary_diags, ()) = analyse_unchecked(opts, false, |_, _| ())?;
    let mut t = timing::Stages::start();
    a.requirements = requirements::extract_site(&a.site, &a.docs);
    let offline = opts.offline || a.site.config.offline;
    requirements::place_in_docs(&a.site, &mut a.docs, &a.requirements, offline);
    t.mark("requirements");
    a.diagnostics = collect_diagnostics(
        &a.site,
        &a.glossary,
        &glossary_diags,
        &a.docs,
        &a.requirements,
    );
    t.mark("check");
    Ok(a)
}

/// [`analyse`] up to the parse stage: the analysis has no diagnostics yet;
/// the glossary's own findings are returned beside it, for
/// [`collect_diagnostics`]. `beside` runs on the site root and config while
/// the books are walked and read (a build loads its theme there); its
/// result comes last. `skip_text_assets`: see
/// [`LoadOptions::skip_text_assets`].
fn analyse_unchecked<R: Send>(
    opts: &Options,
    skip_text_assets: bool,
    beside: impl FnOnce(&std::path::Path, &config::Config) -> R + Send,
) -> Result<(Analysis, Vec<Diagnostic>, R), Fatal> {
    let mut t = timing::Stages::start();
    let (site, extra) = load_with(opts, skip_text_assets, beside)?;
    t.mark("load");
    let offline = opts.offline || site.config.offline;
    let all: Vec<content::PageId> = (0..site.pages.len()).collect();
    // The dialect stage needs no glossary: it runs while the glossary is
    // read (which keeps only part of the machine busy).
    let ((glossary, glossary_diags), pre) = rayon::join(
        || glossary::load_glossary(&site),
        || {
            // Timed alone too: it runs beside the glossary, under `terms`.
            let mut t = timing::Stages::start();
            let pre = preprocess_pages(&site, &all);
            t.mark("a:dialect");
            pre
        },
    );
    t.mark("terms");
    let docs = parse_preprocessed_pages(&site, &glossary, offline, !opts.skip_html, &all, pre);
    t.mark("parse");
    Ok((
        Analysis {
            site,
            glossary,
            docs,
            diagnostics: Vec::new(),
            requirements: Default::default(),
        },
        glossary_diags,
        extra,
    ))
}

/// The load stage of [`analyse`]: config, books, pages, assets.
pub fn load(opts: &Options) -> Result<Site, Fatal> {
    load_with(opts, false, |_, _| ()).map(|(site, ())| site)
}

fn load_with<R: Send>(
    opts: &Options,
    skip_text_assets: bool,
    beside: impl FnOnce(&std::path::Path, &config::Config) -> R + Send,
) -> Result<(Site, R), Fatal> {
    let (mut site, extra) = content::discover::load_site_beside(
        &LoadOptions {
            root: opts.root.clone(),
            config: opts.config.clone(),
            out: opts.out.clone(),
            skip_text_assets,
        },
        beside,
    )?;
    site.all_versions = opts.all_versions;
    Ok((site, extra))
}

/// The parse stage of [`analyse`] for some pages: `result[i]` is `pages[i]`
/// parsed (in parallel). `offline` makes links name `index.html`; without
/// `html` only the facts checks need are recorded (faster `check`).
pub fn parse_docs(
    site: &Site,
    glossary: &glossary::Glossary,
    offline: bool,
    html: bool,
    pages: &[content::PageId],
) -> Vec<Doc> {
    let pre = preprocess_pages(site, pages);
    parse_preprocessed_pages(site, glossary, offline, html, pages, pre)
}

/// The dialect stage of [`parse_docs`]: `result[i]` is `pages[i]`'s body
/// with GitBook blocks rendered. Books, and pages within a book, in parallel;
/// each book has its own cache of parsed OpenAPI specs, dropped when its
/// pages are done.
///
/// The versions of one git repository are done together and share their
/// unchanged blobs: one cache of specs, in which a spec blob several
/// versions have is parsed once; and a page whose text is the same blob, at
/// the same path, as a page of another version is preprocessed once, the
/// result reused when it did not depend on the rest of the version (no
/// other file, spec or setting was read:
/// [`markdown::dialect::Preprocessed::consulted_site`]).
pub fn preprocess_pages(
    site: &Site,
    pages: &[content::PageId],
) -> Vec<markdown::dialect::Preprocessed> {
    // A folder book by its index, the versions of a repository by its path.
    let mut groups: BTreeMap<(content::BookId, Option<&std::path::Path>), Vec<usize>> =
        BTreeMap::new();
    for (i, &p) in pages.iter().enumerate() {
        let page = &site.pages[p];
        let key = match site.git_version_of(&page.file) {
            Some((v, _)) => (0, Some(v.repo_path.as_path())),
            None => (page.book, None),
        };
        groups.entry(key).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    let done: Vec<(Vec<(usize, markdown::dialect::Preprocessed)>, Shared)> = groups
        .par_iter()
        .map(|group| preprocess_group(site, pages, group))
        .collect();
    let mut out: Vec<markdown::dialect::Preprocessed> = Vec::new();
    out.resize_with(pages.len(), Default::default);
    let mut total = Shared::default();
    for (pres, shared) in done {
        total.pages += shared.pages;
        total.specs += shared.specs;
        for (i, pre) in pres {
            out[i] = pre;
        }
    }
    timing::Stages::start().note(&format!(
        "dialect: {} of {} pages preprocessed, {} shared with another version; OpenAPI specs parsed: {}",
        pages.len() - total.pages,
        pages.len(),
        total.pages,
        total.specs
    ));
    out
}

/// What one group of [`preprocess_pages`] shared: pages whose result was
/// reused, and specs parsed.
#[derive(Default)]
struct Shared {
    pages: usize,
    specs: usize,
}

/// [`preprocess_pages`] for one book, or for the versions of one repository.
fn preprocess_group(
    site: &Site,
    pages: &[content::PageId],
    group: &[usize],
) -> (Vec<(usize, markdown::dialect::Preprocessed)>, Shared) {
    let openapi = markdown::dialect::OpenApiCache::default();
    // The first page of each blob (and path) leads; the others follow it.
    // A working tree's texts are read from disk, each its own.
    let mut leaders: std::collections::HashMap<(usize, &str), usize> = Default::default();
    let (mut first, mut follows) = (Vec::new(), Vec::new());
    for &i in group {
        let page = &site.pages[pages[i]];
        let from_objects = site
            .git_version_of(&page.file)
            .is_some_and(|(v, _)| v.workdir.is_none());
        let blob = std::sync::Arc::as_ptr(&page.source) as *const u8 as usize;
        match leaders.entry((blob, page.path.as_str())) {
            std::collections::hash_map::Entry::Occupied(e) if from_objects => {
                follows.push((i, *e.get()));
            }
            std::collections::hash_map::Entry::Vacant(e) if from_objects => {
                e.insert(i);
                first.push(i);
            }
            _ => first.push(i),
        }
    }
    let run = |which: &[usize]| -> Vec<(usize, markdown::dialect::Preprocessed)> {
        which
            .par_iter()
            .map(|&i| {
                (
                    i,
                    markdown::parse::preprocess_page(site, &openapi, pages[i]),
                )
            })
            .collect()
    };
    let mut done = run(&first);
    let at: std::collections::HashMap<usize, usize> =
        done.iter().enumerate().map(|(k, (i, _))| (*i, k)).collect();
    // A follower whose leader read the rest of its version is done again.
    let (reused, again): (Vec<_>, Vec<_>) = follows
        .into_iter()
        .partition(|&(_, leader): &(usize, usize)| !done[at[&leader]].1.consulted_site);
    let again: Vec<usize> = again.into_iter().map(|(i, _)| i).collect();
    let mut more = run(&again);
    for &(i, leader) in &reused {
        let mut pre = done[at[&leader]].1.clone();
        for d in &mut pre.diagnostics {
            d.file = site.pages[pages[i]].file.clone();
        }
        more.push((i, pre));
    }
    done.extend(more);
    let shared = Shared {
        pages: reused.len(),
        specs: openapi.parsed(),
    };
    (done, shared)
}

/// The rest of [`parse_docs`] after [`preprocess_pages`]: `pre[i]` is
/// `pages[i]`'s preprocessed body.
fn parse_preprocessed_pages(
    site: &Site,
    glossary: &glossary::Glossary,
    offline: bool,
    html: bool,
    pages: &[content::PageId],
    pre: Vec<markdown::dialect::Preprocessed>,
) -> Vec<Doc> {
    let resolver = resolve::Resolver::new(site);
    let env = markdown::ParseEnv {
        resolver: &resolver,
        glossary,
        offline,
        link_mode: site.config.glossary.link,
        html,
    };
    pages
        .par_iter()
        .zip(pre)
        .map(|(&p, pre)| markdown::parse::parse_preprocessed(&env, p, pre))
        .collect()
}

/// The check stage of [`analyse`]: loading findings, each doc's own findings,
/// `glossary_diags` (from [`glossary::load_glossary`]), link and glossary
/// checks, the requirements' findings; config severities applied, sorted.
pub fn collect_diagnostics(
    site: &Site,
    glossary: &glossary::Glossary,
    glossary_diags: &[Diagnostic],
    docs: &[Doc],
    reqs: &requirements::SiteRequirements,
) -> Vec<Diagnostic> {
    collect_diagnostics_with(site, glossary, glossary_diags, docs, &term_uses(docs), reqs)
}

/// [`collect_diagnostics`] with every page's term uses given apart from the
/// docs (a build moves them out, to free them once the checks are done).
fn collect_diagnostics_with<U: std::borrow::Borrow<[glossary::TermUse]> + Sync>(
    site: &Site,
    glossary: &glossary::Glossary,
    glossary_diags: &[Diagnostic],
    docs: &[Doc],
    uses: &[(content::PageId, U)],
    reqs: &requirements::SiteRequirements,
) -> Vec<Diagnostic> {
    let mut diagnostics = own_diagnostics(site, docs);
    diagnostics.extend(reqs.diagnostics.iter().cloned());
    diagnostics.extend(glossary_diags.iter().cloned());
    diagnostics.extend(checks::check_links(site, docs));
    diagnostics.extend(glossary::check_glossary(glossary, site, uses));
    settle(site, diagnostics)
}

/// Loading's findings and each page's own.
fn own_diagnostics(site: &Site, docs: &[Doc]) -> Vec<Diagnostic> {
    let mut diagnostics = site.diagnostics.clone();
    for (p, d) in docs.iter().enumerate() {
        diagnostics.extend(doc_diagnostics(site, p, d));
    }
    diagnostics
}

/// Findings with the config's severities applied, sorted.
fn settle(site: &Site, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    checks::apply_config(&mut diagnostics, &site.config, &site.sources);
    checks::demote_old_versions(&mut diagnostics, site);
    diag::sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// A doc's own findings, with the page's file filled in where a finding has none.
pub fn doc_diagnostics<'a>(
    site: &'a Site,
    p: content::PageId,
    doc: &'a Doc,
) -> impl Iterator<Item = Diagnostic> + 'a {
    doc.diagnostics.iter().map(move |diag| {
        let mut diag = diag.clone();
        if diag.file.is_empty() {
            diag.file = site.pages[p].file.clone();
        }
        diag
    })
}

/// Loads the site and its glossary only (no page parsing): what `define` needs.
pub fn load_glossary_only(opts: &Options) -> Result<(Site, glossary::Glossary), Fatal> {
    let site = load(opts)?;
    let (g, _) = glossary::load_glossary(&site);
    Ok((site, g))
}

/// Every page's term uses, as the glossary checks and pages want them.
pub fn term_uses(docs: &[Doc]) -> Vec<(content::PageId, &[glossary::TermUse])> {
    docs.iter()
        .enumerate()
        .map(|(p, d)| (p, d.term_uses.as_slice()))
        .collect()
}

/// The glossary pages as generated pages for the renderer.
pub fn glossary_generated(a: &Analysis, offline: bool) -> Vec<render::site::Generated> {
    let site = &a.site;
    let books = BookPrefixes::new(site);
    glossary::glossary_pages(&a.glossary, site, &term_uses(&a.docs), offline)
        .into_iter()
        .map(|g| books.generated(g))
        .collect()
}

/// Books by URL prefix (the first book with a prefix wins), to place
/// glossary pages in their book.
struct BookPrefixes(std::collections::HashMap<String, content::BookId>);

impl BookPrefixes {
    fn new(site: &Site) -> Self {
        BookPrefixes(
            (site.books_by_prefix().into_iter())
                .map(|(p, b)| (p.to_string(), b))
                .collect(),
        )
    }

    /// The book whose glossary holds the page at `url` (`<prefix>/glossary/…`).
    fn book_of(&self, url: &str) -> Option<content::BookId> {
        let at = url.find("/glossary/")?;
        self.0.get(&url[..at]).copied()
    }

    /// A glossary page as the renderer takes it: with the book it belongs to.
    fn generated(&self, g: glossary::GeneratedPage) -> render::site::Generated {
        render::site::Generated {
            book: self.book_of(&g.url),
            url: g.url,
            template: g.template.to_string(),
            title: g.title,
            data: g.data,
        }
    }
}

/// The glossary pages of a build, each made when it is rendered.
struct LazyGlossary<'a> {
    plan: glossary::GlossaryPlan<'a>,
    books: BookPrefixes,
}

impl render::site::GeneratedPages for LazyGlossary<'_> {
    fn count(&self) -> usize {
        self.plan.len()
    }
    fn url(&self, i: usize) -> String {
        self.plan.url(i)
    }
    fn page(&self, i: usize) -> std::borrow::Cow<'_, render::site::Generated> {
        std::borrow::Cow::Owned(self.books.generated(self.plan.page(i)))
    }
}

/// Two lists of generated pages as one: the first's, then the second's.
struct Generated2<A>(A, Vec<render::site::Generated>);

impl<A: render::site::GeneratedPages> render::site::GeneratedPages for Generated2<A> {
    fn count(&self) -> usize {
        self.0.count() + self.1.len()
    }
    fn url(&self, i: usize) -> String {
        match i.checked_sub(self.0.count()) {
            Some(j) => self.1[j].url.clone(),
            None => self.0.url(i),
        }
    }
    fn page(&self, i: usize) -> std::borrow::Cow<'_, render::site::Generated> {
        match i.checked_sub(self.0.count()) {
            Some(j) => std::borrow::Cow::Borrowed(&self.1[j]),
            None => self.0.page(i),
        }
    }
}

/// Every search document of an analysed site: one per page section (latest
/// versions only) and one per glossary term.
pub fn search_docs(a: &Analysis) -> Vec<search::SearchDoc> {
    let mut docs = glossary::search_docs(&a.glossary, &a.site);
    for (p, d) in a.docs.iter().enumerate() {
        section_docs(&a.site, p, d.sections.iter().cloned(), &mut docs);
    }
    requirement_docs(&a.site, &a.requirements, &mut docs);
    docs
}

/// [`search_docs`] for a build: moves the section texts out of the docs
/// instead of copying them (a large site holds its whole prose there), keeping
/// each page's first section for `llms.txt`.
fn take_search_docs(
    glossary: &glossary::Glossary,
    site: &Site,
    pages: &mut [Doc],
    reqs: &requirements::SiteRequirements,
) -> Vec<search::SearchDoc> {
    let (mut docs, per_page) = rayon::join(
        || glossary::search_docs(glossary, site),
        || {
            (pages.par_iter_mut().enumerate())
                .map(|(p, d)| {
                    let sections = std::mem::take(&mut d.sections);
                    if let Some(first) = sections.first() {
                        d.sections.push(first.clone());
                    }
                    let mut out = Vec::with_capacity(sections.len());
                    section_docs(site, p, sections.into_iter(), &mut out);
                    out
                })
                .collect::<Vec<_>>()
        },
    );
    // Sized once: at ×50 the list holds ~100,000 docs, and growing it copies
    // them into fresh memory again and again.
    docs.reserve(per_page.iter().map(Vec::len).sum());
    for page_docs in per_page {
        docs.extend(page_docs);
    }
    requirement_docs(site, reqs, &mut docs);
    docs
}

/// One search document per requirement of the latest book versions: the id
/// as title, the statement as text, id and aliases matched like names.
fn requirement_docs(
    site: &Site,
    reqs: &requirements::SiteRequirements,
    out: &mut Vec<search::SearchDoc>,
) {
    for br in &reqs.books {
        let book = &site.books[br.book];
        if !book.latest {
            continue;
        }
        for r in &br.requirements {
            let mut aliases = vec![r.id.clone()];
            aliases.extend(r.aliases.iter().cloned());
            let page = &site.pages[r.extra.page];
            let mut heading_path = vec![page
                .front
                .title
                .clone()
                .or_else(|| page.summary_title.clone())
                .unwrap_or_else(|| page.path.clone())];
            if let Some(s) = &r.section {
                heading_path.push(s.clone());
            }
            out.push(search::SearchDoc {
                kind: search::DocKind::Requirement,
                book: book.id.clone(),
                book_title: book.title.clone(),
                version: book.version.clone(),
                title: format!("{} ({})", r.id, r.level),
                heading_path,
                url: r.url.clone(),
                text: r.statement.clone(),
                aliases,
            });
        }
    }
}

fn section_docs(
    site: &Site,
    p: content::PageId,
    sections: impl Iterator<Item = markdown::Section>,
    out: &mut Vec<search::SearchDoc>,
) {
    let page = &site.pages[p];
    let book = &site.books[page.book];
    if !book.latest {
        return;
    }
    let url = page.url(site);
    for sec in sections {
        out.push(search::SearchDoc {
            kind: search::DocKind::Section,
            book: book.id.clone(),
            book_title: book.title.clone(),
            version: book.version.clone(),
            title: sec.title,
            heading_path: sec.heading_path,
            url: match &sec.anchor {
                Some(a) => format!("{url}#{a}"),
                None => url.clone(),
            },
            text: sec.text,
            aliases: Vec::new(),
        });
    }
}

/// A cheap fingerprint of every source the search index depends on (paths,
/// sizes, modification times), so the index is rebuilt only when they change.
/// Each book's `requirements.lock` counts too (it gives the requirements
/// their ids), whether or not it exists yet.
pub fn source_fingerprint(site: &Site) -> u64 {
    let stat = |path: &std::path::Path| {
        std::fs::metadata(path)
            .map(|m| {
                let t = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos() as i64)
                    .unwrap_or(0);
                (m.len(), t)
            })
            .unwrap_or((0, 0))
    };
    let mut files: Vec<(String, u64, i64)> = site
        .sources
        .keys()
        .filter_map(|f| Some((f, site.disk_path(f)?)))
        .map(|(f, path)| {
            let (size, mtime) = stat(&path);
            (f.clone(), size, mtime)
        })
        .collect();
    for b in 0..site.books.len() {
        let lock = requirements::ids::lock_path(site, b);
        let (size, mtime) = stat(&site.root.join(&lock));
        files.push((lock, size, mtime));
    }
    // Files read from git change only with the commit read.
    for v in &site.git_versions {
        files.push((
            format!("{}@{}", v.dir, v.commit.as_deref().unwrap_or("")),
            0,
            0,
        ));
    }
    search::fingerprint(&files) ^ u64::from(env!("CARGO_PKG_VERSION").len() as u32)
}

/// Opens the CLI search index in `cache` (default `<root>/.specsite`),
/// rebuilding it only when the sources changed.
pub fn open_search_index(
    opts: &Options,
    cache: Option<&std::path::Path>,
) -> Result<search::SearchIndex, Fatal> {
    let site = load(opts)?;
    let cache = cache
        .map(|c| c.to_path_buf())
        .unwrap_or_else(|| site.root.join(".specsite"));
    let fp = source_fingerprint(&site);
    let opts = opts.clone();
    let mut failure = None;
    let index = search::open_or_build_index(&cache, fp, || match analyse(&opts) {
        Ok(a) => search_docs(&a),
        Err(e) => {
            failure = Some(e);
            Vec::new()
        }
    })?;
    match failure {
        Some(e) => Err(e),
        None => Ok(index),
    }
}

/// Result of a build.
pub struct BuildResult {
    /// The analysis the site was rendered from.
    pub analysis: Analysis,
    /// Number of HTML pages written.
    pub pages_written: usize,
    /// Removes the replaced output folder in the background; dropping it
    /// waits for that to finish.
    pub cleanup: output::Cleanup,
}

/// Reads the text assets (YAML and JSON files such as OpenAPI specs, which a
/// build does not load) that a finding points into, so the report can show
/// their lines.
fn text_assets_of(site: &Site, diagnostics: &[Diagnostic]) -> Vec<(String, Arc<str>)> {
    let assets: std::collections::HashSet<&str> = site.assets.iter().map(String::as_str).collect();
    let wanted: std::collections::BTreeSet<&str> = diagnostics
        .iter()
        .filter(|d| assets.contains(d.file.as_str()) && !site.sources.contains_key(&d.file))
        .map(|d| d.file.as_str())
        .collect();
    wanted
        .into_iter()
        .filter_map(|f| {
            let bytes = site.read_bytes(f).ok()?;
            let text = String::from_utf8(bytes.into_owned()).ok()?;
            Some((f.to_string(), text.into()))
        })
        .collect()
}

/// Builds the site into `out` atomically.
pub fn build(opts: &Options, out: &std::path::Path) -> Result<BuildResult, Fatal> {
    build_with_report(opts, out, |_, _, _| ()).map(|(b, ())| b)
}

/// [`build`], handing the findings to `report` as soon as they are known,
/// with the site and every source text they point into; it runs beside the
/// rendering and the search index (a report of hundreds of findings takes a
/// while to lay out). Returns the build and what `report` returned.
pub fn build_with_report<R: Send>(
    opts: &Options,
    out: &std::path::Path,
    report: impl FnOnce(&Site, &[Diagnostic], &BTreeMap<String, Arc<str>>) -> R + Send,
) -> Result<(BuildResult, R), Fatal> {
    let opts = Options {
        out: Some(out.to_path_buf()),
        skip_html: false,
        ..opts.clone()
    };
    // Refuse the root or an ancestor before anything is read.
    output::check_out_dir(&opts.root, out, []).map_err(Fatal::Out)?;
    // Taken before anything is read: a second build into the same folder
    // waits here, and what killed builds left beside it is removed (with the
    // default `--out` it would sit inside the root).
    let lock = output::OutLock::acquire(out)?;
    let mut t = timing::Stages::start();
    // Text assets are not read: the OpenAPI cache reads the specs it
    // renders, and the report reads back any a finding points into.
    let (mut analysis, glossary_diags, theme) = analyse_unchecked(&opts, true, |root, config| {
        render::theme::Theme::load(root, config.theme.as_deref())
    })?;
    let theme = theme?;
    t.mark("analyse");
    analysis.requirements = requirements::extract_site_unchecked(&analysis.site, &analysis.docs);
    t.mark("requirements");
    let offline = opts.offline || analysis.site.config.offline;
    // The site-wide requirement checks run beside the requirements' anchors
    // and the search docs (and the name of the index those make).
    let Analysis {
        site,
        glossary,
        docs,
        requirements: reqs,
        ..
    } = &mut analysis;
    let (site, glossary, reqs) = (&*site, &*glossary, &*reqs);
    let (req_checks, (search_docs, search_hash)) = rayon::join(
        || requirements::checks_site(site, reqs),
        || {
            // The pages' block lists served the requirements alone: their
            // memory goes back for the render and the index to reuse.
            docs.par_iter_mut().for_each(|d| d.blocks = Vec::new());
            requirements::place_in_docs(site, docs, reqs, offline);
            let search_docs = take_search_docs(glossary, site, docs, reqs);
            let hash = search::index_hash(&search_docs);
            (search_docs, hash)
        },
    );
    analysis.requirements.diagnostics.extend(req_checks);
    // The term uses are moved out of the docs: the glossary pages need only
    // their counts (taken now), and the checks free them when done.
    let uses: Vec<(content::PageId, Vec<glossary::TermUse>)> = analysis
        .docs
        .iter_mut()
        .enumerate()
        .map(|(p, d)| (p, std::mem::take(&mut d.term_uses)))
        .collect();
    t.mark("checks+anchors+searchdocs");
    let site = &analysis.site;
    output::check_out_dir(
        &site.root,
        out,
        site.pages.iter().filter_map(|p| site.disk_path(&p.file)),
    )
    .map_err(Fatal::Out)?;
    t.mark("checkout");
    let offline = opts.offline || site.config.offline;
    let sink = output::DiskSink::new(out, lock)?;
    let search_manifest = search::manifest_path_of(&search_hash);
    t.mark("theme");
    // The browser index and the pages are written side by side: pages only
    // need the manifest's name, which depends on the search docs alone.
    let index_job = || {
        // Written as it is produced, so its files never all sit in memory.
        let write_error = std::sync::Mutex::new(None);
        search::write_browser_index_hashed(
            &search_docs,
            &search_hash,
            &|path: &str, bytes: Vec<u8>| {
                if let Err(e) = sink.write(path, &bytes) {
                    if let Ok(mut first) = write_error.lock() {
                        first.get_or_insert(e);
                    }
                }
            },
        );
        drop(search_docs);
        match write_error.into_inner().ok().flatten() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    };
    let (a_glossary, a_docs, g_diags) = (&analysis.glossary, &analysis.docs, &glossary_diags);
    let (a_reqs, a_uses) = (&analysis.requirements, &uses);
    // The generated pages' plan is made in the render job, beside the
    // index and the checks.
    let render_job = || -> anyhow::Result<Vec<String>> {
        let mut t = timing::Stages::start();
        let generated = Generated2(
            LazyGlossary {
                plan: glossary::GlossaryPlan::new(a_glossary, site, a_uses, offline),
                books: BookPrefixes::new(site),
            },
            {
                let mut pages = changes::changes_pages(site, a_docs, a_glossary, a_reqs, offline);
                pages.extend(requirements::pages::generated(site, a_reqs, offline));
                pages
            },
        );
        for (path, bytes) in requirements::pages::files(site, a_reqs) {
            sink.write(&path, &bytes)?;
        }
        for (path, bytes) in glossary::tip_files(a_glossary, site, a_docs, a_uses) {
            sink.write(&path, &bytes)?;
        }
        t.mark("r:plan");
        let books_with_glossary = (generated.0.plan.books().iter())
            .filter(|b| generated.0.books.0.contains_key(*b))
            .cloned()
            .collect();
        let env = render::site::RenderEnv {
            site,
            docs: a_docs,
            theme: &theme,
            offline,
            search_manifest,
            body_end_html: String::new(),
            books_with_glossary,
            last_updated: if site.config.last_updated {
                gitinfo::site_last_updated(site)
            } else {
                Default::default()
            },
            requirements: a_reqs,
        };
        render::site::render_site(&env, &generated, &sink)
    };
    let check_job = move || {
        let found = collect_diagnostics_with(site, a_glossary, g_diags, a_docs, a_uses, a_reqs);
        // The report shows lines of the text assets findings point into,
        // which a build does not otherwise read.
        let texts = text_assets_of(site, &found);
        let reported = if texts.is_empty() {
            report(site, &found, &site.sources)
        } else {
            let mut sources = site.sources.clone();
            sources.extend(texts.iter().cloned());
            report(site, &found, &sources)
        };
        (found, texts, reported)
    };
    // Findings, the index and the pages all read the analysis only: run them
    // side by side. What each costs alone is measured by `benches/stages.rs`.
    let ((diagnostics, texts, reported), (indexed, rendered)) =
        rayon::join(check_job, || rayon::join(index_job, render_job));
    drop(uses);
    t.mark("render+index");
    analysis.site.sources.extend(texts);
    analysis.diagnostics = diagnostics;
    match indexed.and(rendered) {
        Ok(urls) => {
            // Whether the replaced site stays (else the unchanged files are
            // linked into the new folder now, and counted below).
            sink.settle()?;
            // Counting the folders walks every path: only for the timings.
            t.note_with(|| {
                let made = sink.stats();
                format!(
                    "output: {} files written ({} bytes), {} unchanged kept from the replaced site, {} copied from the sources, {} folders",
                    made.written, made.written_bytes, made.reused, made.linked, made.folders
                )
            });
            let cleanup = sink.commit()?;
            if cleanup.left_in_place() {
                t.note("output: no file differs from the replaced site's: left in place");
            }
            t.mark("commit");
            Ok((
                BuildResult {
                    pages_written: urls.len(),
                    analysis,
                    cleanup,
                },
                reported,
            ))
        }
        Err(e) => {
            sink.abort();
            Err(Fatal::Other(e))
        }
    }
}

/// Helpers shared by unit tests.
#[cfg(test)]
pub(crate) mod testing {
    /// `rounds` texts, each of up to `max_pieces - 1` of `pieces` drawn at
    /// random (xorshift from `seed`): inputs for comparing a function with a
    /// simpler version of it.
    pub(crate) fn random_texts<'a>(
        mut seed: u64,
        rounds: usize,
        max_pieces: u64,
        pieces: &'a [&'a str],
    ) -> impl Iterator<Item = String> + 'a {
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..rounds).map(move |_| {
            let n = next() % max_pieces;
            (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect()
        })
    }
}
