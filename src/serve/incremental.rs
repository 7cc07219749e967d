//! The live site: a full build kept in memory with what an edit needs to
//! redo only its share of the work.
//!
//! What each output depends on, and so what an edit redoes:
//! - a page's HTML (its [`Doc`]) depends on its own source, the site's
//!   structure (which files exist, their URLs), the glossary (term links and
//!   tooltips) and the assets it embeds (OpenAPI files). An edited page is
//!   re-parsed alone; a glossary edit re-parses the pages whose text holds a
//!   spelling of a term that was added, removed or changed; an asset edit
//!   re-parses the pages that reference it ([`Deps::asset_users`]).
//! - a page's rendered file adds the book's navigation and its neighbours'
//!   titles (previous/next): a title change re-renders the pages next to it
//!   in the book's order, and `llms.txt`.
//! - `broken-anchor` findings of page A depend on the anchors of the pages A
//!   links to: when a page's anchors change, the pages linking to it
//!   ([`Deps::linked_by`], the reverse link map) are checked again.
//! - the print view of a book holds every page of it; the glossary pages list
//!   where each term is used: both are regenerated and re-rendered when their
//!   input changed.
//! - SUMMARY.md, the config, `.gitbook.yaml`, an added or removed file: the
//!   site's structure, so everything is loaded again (still in memory).

use super::store::{MapSink, Store};
use super::watch::Plan;
use crate::content::{PageId, Site};
use crate::diag::{Diagnostic, Rule, Severity};
use crate::glossary::{Term, NO_TERM};
use crate::markdown::Doc;
use crate::render::site::{self as render_site, Generated, RenderEnv};
use crate::render::theme::Theme;
use crate::resolve::Target;
use crate::{Analysis, Fatal, Options};
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Who depends on whom, rebuilt from the docs after every parse.
#[derive(Debug, Default)]
pub struct Deps {
    /// `linked_by[q]`: the pages with a link to page `q` (reverse link map).
    pub linked_by: Vec<BTreeSet<PageId>>,
    /// Root-relative asset → the pages that reference it.
    pub asset_users: BTreeMap<String, BTreeSet<PageId>>,
}

impl Deps {
    fn of(docs: &[Doc]) -> Deps {
        let mut deps = Deps {
            linked_by: vec![BTreeSet::new(); docs.len()],
            asset_users: BTreeMap::new(),
        };
        for (p, d) in docs.iter().enumerate() {
            deps.add(p, d);
        }
        deps
    }

    fn add(&mut self, p: PageId, doc: &Doc) {
        for l in &doc.links {
            match &l.target {
                Target::Page { page, .. } if *page != p => {
                    if let Some(set) = self.linked_by.get_mut(*page) {
                        set.insert(p);
                    }
                }
                Target::Asset { file } => {
                    self.asset_users.entry(file.clone()).or_default().insert(p);
                }
                _ => {}
            }
        }
    }

    fn remove(&mut self, p: PageId, doc: &Doc) {
        for l in &doc.links {
            match &l.target {
                Target::Page { page, .. } => {
                    if let Some(set) = self.linked_by.get_mut(*page) {
                        set.remove(&p);
                    }
                }
                Target::Asset { file } => {
                    if let Some(set) = self.asset_users.get_mut(file) {
                        set.remove(&p);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The assets `doc` links to or shows.
fn asset_targets(doc: &Doc) -> impl Iterator<Item = String> + '_ {
    doc.links.iter().filter_map(|l| match &l.target {
        Target::Asset { file } => Some(file.clone()),
        _ => None,
    })
}

/// What one rebuild did, for the status line and the browser.
#[derive(Debug, Default)]
pub struct Outcome {
    /// What changed, in a few words.
    pub what: String,
    /// Pages parsed again.
    pub parsed: usize,
    /// Output files rendered again.
    pub rendered: usize,
    /// Output paths whose bytes changed.
    pub changed: Vec<String>,
    /// Everything was loaded again.
    pub full: bool,
}

/// The second half of an edit, done after the edited pages are announced.
#[derive(Debug, Default)]
struct Pending {
    /// Books whose print view needs rendering.
    books: BTreeSet<usize>,
    /// The glossary pages' input may have changed.
    glossary_pages: bool,
}

/// The site being served, with everything needed to update it.
pub struct Live {
    opts: Options,
    body_end_html: String,
    /// Site, glossary, docs and every finding, as `analyse` would give them.
    pub analysis: Analysis,
    glossary_diags: Vec<Diagnostic>,
    link_diags: Vec<Vec<Diagnostic>>,
    theme: Theme,
    generated: Vec<Generated>,
    books_with_glossary: BTreeSet<String>,
    /// `last_updated` dates, read from git once per full load.
    last_updated: BTreeMap<String, String>,
    /// The dependency graph.
    pub deps: Deps,
    /// The current update reloaded the glossary.
    glossary_reloaded: bool,
    /// Work left for [`Live::finish`].
    pending: Option<Pending>,
    store: Arc<Store>,
}

/// Serve keeps the search manifest at one name, so pages need not change
/// when the index does (the server sends no-store headers).
const SEARCH_MANIFEST: &str = "search/manifest.js";

/// Serve renders with no `site_url`, so the pages and their assets load from
/// this server; the URL still resolves absolute links back into the site.
fn local_config(site: &mut Site) {
    if let Some(url) = site.config.site_url.take() {
        site.config.site_url_aliases.push(url);
    }
}

impl Live {
    /// Loads, parses, checks and renders the whole site into `store`.
    pub fn build(opts: Options, body_end_html: String, store: Arc<Store>) -> Result<Live, Fatal> {
        let (analysis, glossary_diags, link_diags) = analyse_all(&opts)?;
        let site = &analysis.site;
        let theme = Theme::load(&site.root, site.config.theme.as_deref())?;
        let mut live = Live {
            opts,
            body_end_html,
            deps: Deps::of(&analysis.docs),
            analysis,
            glossary_diags,
            link_diags,
            theme,
            generated: Vec::new(),
            books_with_glossary: BTreeSet::new(),
            last_updated: BTreeMap::new(),
            glossary_reloaded: false,
            pending: None,
            store,
        };
        live.last_updated = live.read_last_updated();
        live.refresh_generated();
        live.render_all()?;
        Ok(live)
    }

    fn offline(&self) -> bool {
        self.opts.offline || self.analysis.site.config.offline
    }

    /// Applies one batch of changes: re-parses and re-renders the edited
    /// pages (and what must change with them) and serves them; the rest of
    /// the work waits for [`Live::finish`]. An `Err` leaves the previous
    /// site served.
    pub fn apply(&mut self, plan: &Plan) -> Result<Outcome, Fatal> {
        if let Some(why) = &plan.full {
            return self.rebuild(why.clone());
        }
        // A batch never starts on top of an unfinished one.
        let earlier = self.finish()?;
        let mut what = Vec::new();
        let mut reparse: BTreeSet<PageId> = BTreeSet::new();
        let mut glossary_dirty = !plan.glossary_files.is_empty();
        let old_titles: BTreeMap<PageId, String> = plan
            .pages
            .iter()
            .map(|&p| {
                (
                    p,
                    render_site::title_of_page(&self.analysis.site, &self.analysis.docs, p),
                )
            })
            .collect();
        for &p in &plan.pages {
            let page = &self.analysis.site.pages[p];
            let (was_readme, old_desc) = (page.slug.is_empty(), page.front.description.clone());
            match self.reload_page(p) {
                Some(true)
                    if was_readme && old_desc != self.analysis.site.pages[p].front.description =>
                {
                    // The book's description comes from its readme.
                    return self.rebuild(format!(
                        "{} (book description)",
                        self.analysis.site.pages[p].file
                    ));
                }
                Some(true) => {
                    reparse.insert(p);
                    glossary_dirty |= self.analysis.site.pages[p].terminology;
                    what.push(self.analysis.site.pages[p].file.clone());
                }
                Some(false) => {}
                None => {
                    return self.rebuild(format!("{} unreadable", self.analysis.site.pages[p].file))
                }
            }
        }
        for f in &plan.glossary_files {
            if !self.reload_source(f) {
                return self.rebuild(format!("glossary {f} unreadable"));
            }
            what.push(f.clone());
        }
        for a in &plan.assets {
            if self.analysis.site.sources.contains_key(a) && !self.reload_source(a) {
                return self.rebuild(format!("asset {a} unreadable"));
            }
            reparse.extend(self.deps.asset_users.get(a).into_iter().flatten());
            what.push(a.clone());
        }
        if glossary_dirty {
            reparse.extend(self.reload_glossary());
        }
        self.glossary_reloaded = glossary_dirty;
        if plan.theme {
            what.push("theme".into());
        }
        if what.is_empty() {
            return Ok(earlier);
        }
        let mut outcome = self.update(&reparse, &old_titles, plan.theme)?;
        outcome.what = what.join(", ");
        outcome.changed.extend(earlier.changed);
        Ok(outcome)
    }

    /// Reloads everything (structure changed).
    pub fn rebuild(&mut self, why: String) -> Result<Outcome, Fatal> {
        let (analysis, glossary_diags, link_diags) = analyse_all(&self.opts)?;
        let theme = Theme::load(&analysis.site.root, analysis.site.config.theme.as_deref())?;
        self.deps = Deps::of(&analysis.docs);
        self.pending = None;
        self.analysis = analysis;
        self.glossary_diags = glossary_diags;
        self.link_diags = link_diags;
        self.theme = theme;
        self.last_updated = self.read_last_updated();
        self.refresh_generated();
        let rendered = self.render_all()?;
        Ok(Outcome {
            what: why,
            parsed: self.analysis.site.pages.len(),
            rendered,
            changed: vec!["*".into()],
            full: true,
        })
    }

    /// Reads page `p` again. `Some(true)`: its text changed; `None`: it
    /// cannot be read as UTF-8 (the loader reports that).
    fn reload_page(&mut self, p: PageId) -> Option<bool> {
        let site = &mut self.analysis.site;
        let file = site.pages[p].file.clone();
        // A folder book's page, or a `worktree: true` version's.
        let text = std::fs::read_to_string(site.disk_path(&file)?).ok()?;
        if *site.pages[p].source == *text {
            return Some(false);
        }
        let (front, body_start, err) = crate::content::frontmatter::split_front_matter(&text);
        site.diagnostics
            .retain(|d| !(d.file == file && d.rule == Rule::InvalidYaml));
        if let Some(e) = err {
            site.diagnostics
                .push(crate::content::discover::yaml_diagnostic(
                    &file,
                    &text,
                    &e,
                    "invalid front matter",
                ));
        }
        let source: Arc<str> = text.into();
        site.sources.insert(file, source.clone());
        let url = site.pages[p].url(site);
        let page = &mut site.pages[p];
        page.source = source.clone();
        page.front = front;
        page.body_start = body_start;
        if let Some(info) = self.analysis.glossary.pages.get_mut(&url) {
            info.source = source;
        }
        Some(true)
    }

    /// Reads a text source (glossary YAML, text asset) again; false when unreadable.
    fn reload_source(&mut self, rel: &str) -> bool {
        let site = &mut self.analysis.site;
        match std::fs::read_to_string(site.root.join(rel)) {
            Ok(text) => {
                site.sources.insert(rel.to_string(), text.into());
                true
            }
            Err(_) => false,
        }
    }

    /// Loads the glossary again; returns the pages whose text may mention a
    /// term that was added, removed or changed. The other pages keep their
    /// docs, with term indices moved to the new glossary.
    fn reload_glossary(&mut self) -> BTreeSet<PageId> {
        let site = &self.analysis.site;
        let (new, diags) = crate::glossary::load_glossary(site);
        let old = &self.analysis.glossary;
        let key = |t: &Term| (t.scope.clone(), t.slug.clone());
        let mut new_by_key: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (i, t) in new.terms.iter().enumerate() {
            new_by_key.entry(key(t)).or_default().push(i);
        }
        let mut seen: BTreeMap<_, usize> = BTreeMap::new();
        let mut remap = vec![None; old.terms.len()];
        let mut spellings: BTreeSet<String> = BTreeSet::new();
        let mut matched = vec![false; new.terms.len()];
        for (i, t) in old.terms.iter().enumerate() {
            let k = key(t);
            let n = seen.entry(k.clone()).or_insert(0);
            let j = new_by_key.get(&k).and_then(|v| v.get(*n)).copied();
            *n += 1;
            match j {
                Some(j) if same_meaning(t, &new.terms[j]) => {
                    remap[i] = Some(j);
                    matched[j] = true;
                }
                _ => spellings.extend(term_spellings(t)),
            }
        }
        for (j, t) in new.terms.iter().enumerate() {
            if !matched[j] {
                spellings.extend(term_spellings(t));
            }
        }
        let strip =
            |a: &crate::glossary::AbbrDef| (a.abbr.clone(), a.expansion.clone(), a.scope.clone());
        let old_abbr: BTreeSet<_> = old.abbreviations.iter().map(strip).collect();
        let new_abbr: BTreeSet<_> = new.abbreviations.iter().map(strip).collect();
        for (abbr, ..) in old_abbr.symmetric_difference(&new_abbr) {
            spellings.insert(abbr.to_lowercase());
        }
        let affected = pages_mentioning(site, &spellings);
        for (p, doc) in self.analysis.docs.iter_mut().enumerate() {
            if affected.contains(&p) {
                continue;
            }
            for u in &mut doc.term_uses {
                if u.term != NO_TERM {
                    // Every unmatched term's spellings sent its pages to `affected`.
                    u.term = remap.get(u.term).copied().flatten().unwrap_or(NO_TERM);
                }
            }
        }
        self.analysis.glossary = new;
        self.glossary_diags = diags;
        affected
    }

    /// Re-parses `reparse`, re-checks and re-renders what depends on them.
    /// `old_titles`: the titles of the edited pages before the edit.
    fn update(
        &mut self,
        reparse: &BTreeSet<PageId>,
        old_titles: &BTreeMap<PageId, String>,
        theme_changed: bool,
    ) -> Result<Outcome, Fatal> {
        let pages: Vec<PageId> = reparse.iter().copied().collect();
        let site = &self.analysis.site;
        let offline = self.offline();
        let docs = crate::parse_docs(site, &self.analysis.glossary, offline, true, &pages);
        let mut recheck: BTreeSet<PageId> = reparse.clone();
        let mut rerender: BTreeSet<PageId> = reparse.clone();
        let mut books: BTreeSet<usize> = BTreeSet::new();
        // Glossary pages list where each term is used, under the pages' titles.
        let mut glossary_pages_dirty = self.glossary_reloaded;
        // Assets the edited pages referenced before or reference now.
        let mut assets: BTreeSet<String> = BTreeSet::new();
        for (&p, doc) in pages.iter().zip(docs) {
            let old = std::mem::replace(&mut self.analysis.docs[p], doc);
            self.deps.remove(p, &old);
            self.deps.add(p, &self.analysis.docs[p]);
            assets.extend(asset_targets(&old).chain(asset_targets(&self.analysis.docs[p])));
            let site = &self.analysis.site;
            let new = &self.analysis.docs[p];
            let page = &site.pages[p];
            let book = &site.books[page.book];
            let is_readme = page.slug.is_empty();
            if is_readme && old.h1 != new.h1 {
                // The book's title may come from its readme's heading.
                return self.rebuild(format!("{} (book title)", page.file));
            }
            glossary_pages_dirty |= term_counts(&old) != term_counts(new);
            if old.anchors != new.anchors {
                recheck.extend(self.deps.linked_by[p].iter().copied());
            }
            let title = render_site::title_of_page(site, &self.analysis.docs, p);
            if old_titles.get(&p).is_some_and(|t| *t != title) {
                glossary_pages_dirty |= !new.term_uses.is_empty();
                let order: Vec<PageId> = book
                    .pages
                    .iter()
                    .copied()
                    .filter(|&q| site.pages[q].in_summary)
                    .collect();
                if let Some(i) = order.iter().position(|&q| q == p) {
                    rerender.extend(i.checked_sub(1).map(|i| order[i]));
                    rerender.extend(order.get(i + 1).copied());
                }
            }
            books.insert(page.book);
        }
        // Requirements: any change to them (ids, text, places) is rare and
        // reaches other pages' ids and the index pages: rebuild. Otherwise
        // the new pages get their requirement anchors.
        let reqs = crate::requirements::extract_site(&self.analysis.site, &self.analysis.docs);
        let same = reqs.books.len() == self.analysis.requirements.books.len()
            && (reqs.books.iter())
                .zip(&self.analysis.requirements.books)
                .all(|(a, b)| a.requirements == b.requirements);
        if !same {
            return self.rebuild("requirements changed".into());
        }
        let offline = self.offline();
        crate::requirements::place_in_docs(
            &self.analysis.site,
            &mut self.analysis.docs,
            &reqs,
            offline,
        );
        self.analysis.requirements = reqs;
        for &q in &recheck {
            self.link_diags[q] =
                crate::checks::links::check_page_links(&self.analysis.site, &self.analysis.docs, q);
        }
        if theme_changed {
            let site = &self.analysis.site;
            self.theme = Theme::load(&site.root, site.config.theme.as_deref())?;
        }
        let assets_changed = self.publish_assets(&assets)?;
        let pending = Pending {
            books,
            glossary_pages: glossary_pages_dirty,
        };
        let rerender: Vec<PageId> = rerender.into_iter().collect();
        if theme_changed || self.glossary_reloaded {
            // Rare and wide: do it all at once.
            let mut out = self.finish_pending(pending, &rerender, theme_changed)?;
            out.parsed = pages.len();
            out.changed.extend(assets_changed);
            return Ok(out);
        }
        let sink = MapSink::default();
        render_site::render_pages(&self.render_env(), &rerender, &sink)?;
        // The edited pages may link to other terms: their books' tooltips.
        let stale_tips = self.stale(&self.write_tips(&sink)?, "assets/terms/");
        self.pending = Some(pending);
        let mut changed = self.store.merge(sink.into_files());
        changed.extend(self.store.remove(&stale_tips));
        changed.extend(assets_changed);
        Ok(Outcome {
            parsed: pages.len(),
            rendered: rerender.len(),
            changed,
            ..Outcome::default()
        })
    }

    /// Serves the assets of `touched` that a page now references and drops
    /// those no page references any more, as a full build would publish
    /// them ([`render_site::published_assets`]); returns the output paths
    /// that changed.
    fn publish_assets(&self, touched: &BTreeSet<String>) -> Result<Vec<String>, Fatal> {
        let site = &self.analysis.site;
        if site.config.assets == crate::config::AssetsMode::All || touched.is_empty() {
            return Ok(Vec::new());
        }
        let used = |a: &str| self.deps.asset_users.get(a).is_some_and(|u| !u.is_empty());
        let add: Vec<&str> = (touched.iter())
            .map(String::as_str)
            .filter(|a| used(a) && site.assets.binary_search_by(|x| x.as_str().cmp(a)).is_ok())
            .collect();
        let gone: Vec<String> = (touched.iter())
            .filter(|a| !used(a))
            .filter_map(|a| crate::resolve::asset_url(site, a))
            .collect();
        let sink = MapSink::default();
        render_site::copy_assets(site, &add, &sink)?;
        let mut changed = self.store.merge(sink.into_files());
        changed.extend(self.store.remove(&gone));
        Ok(changed)
    }

    /// The second half of an edit, after the edited pages are served and
    /// announced: findings, glossary pages, the book's print view,
    /// `sitemap.xml` and `llms.txt`. Does nothing when nothing is pending.
    pub fn finish(&mut self) -> Result<Outcome, Fatal> {
        match self.pending.take() {
            Some(p) => self.finish_pending(p, &[], false),
            None => Ok(Outcome::default()),
        }
    }

    fn finish_pending(
        &mut self,
        pending: Pending,
        pages: &[PageId],
        theme_changed: bool,
    ) -> Result<Outcome, Fatal> {
        let stale_urls: Vec<String> = self.generated.iter().map(|g| g.url.clone()).collect();
        let old_generated = if pending.glossary_pages {
            self.refresh_generated_changed()
        } else {
            Some(Vec::new())
        };
        let urls_changed = stale_urls.len() != self.generated.len()
            || stale_urls
                .iter()
                .zip(&self.generated)
                .any(|(a, g)| *a != g.url);
        let gone: Vec<String> = stale_urls
            .into_iter()
            .filter(|u| !self.generated.iter().any(|g| g.url == *u))
            .map(|u| format!("{u}index.html"))
            .collect();
        self.analysis.diagnostics = self.diagnostics();
        let Some(changed_generated) = old_generated.filter(|_| !theme_changed) else {
            let rendered = self.render_all()?;
            return Ok(Outcome {
                rendered,
                changed: vec!["*".into()],
                ..Outcome::default()
            });
        };
        let env = self.render_env();
        let sink = MapSink::default();
        render_site::render_pages(&env, pages, &sink)?;
        let books: Vec<usize> = pending.books.into_iter().collect();
        render_site::render_print(&env, &books, &sink)?;
        render_site::render_generated_pages(&env, &changed_generated, &sink)?;
        if urls_changed {
            self.render_sitemap(&sink)?;
        }
        // llms.txt lists every page with its title and lead.
        render_site::render_llms(&env, &sink)?;
        // The browser search index follows every edit; old shards go.
        let written = self.write_search(&sink)?;
        let stale_search = self.stale(&written, "search/");
        // Definitions may have changed: the term tooltips too.
        let stale_tips = self.stale(&self.write_tips(&sink)?, "assets/terms/");
        let rendered = pages.len() + books.len() + changed_generated.len() + 1;
        let mut changed = self.store.merge(sink.into_files());
        changed.extend(self.store.remove(&gone));
        changed.extend(self.store.remove(&stale_search));
        changed.extend(self.store.remove(&stale_tips));
        Ok(Outcome {
            rendered,
            changed,
            ..Outcome::default()
        })
    }

    /// Writes the term tooltip scripts ([`crate::glossary::tip_files`]);
    /// returns the paths written.
    fn write_tips(&self, sink: &MapSink) -> Result<BTreeSet<String>, Fatal> {
        use crate::output::Sink as _;
        let a = &self.analysis;
        let mut written = BTreeSet::new();
        for (path, bytes) in
            crate::glossary::tip_files(&a.glossary, &a.site, &a.docs, &crate::term_uses(&a.docs))
        {
            sink.write(&path, &bytes)?;
            written.insert(path);
        }
        Ok(written)
    }

    /// Stored files under `prefix` that are not in `written`.
    fn stale(&self, written: &BTreeSet<String>, prefix: &str) -> Vec<String> {
        (self.store.paths().into_iter())
            .filter(|p| p.starts_with(prefix) && !written.contains(p))
            .collect()
    }

    /// Writes the browser search index, its manifest also at the fixed
    /// [`SEARCH_MANIFEST`] name; returns the paths written.
    fn write_search(&self, sink: &MapSink) -> Result<BTreeSet<String>, Fatal> {
        use crate::output::Sink as _;
        let files = std::sync::Mutex::new(Vec::new());
        let info = crate::search::write_browser_index(
            &crate::search_docs(&self.analysis),
            &|p: &str, b: Vec<u8>| {
                if let Ok(mut f) = files.lock() {
                    f.push((p.to_string(), b));
                }
            },
        );
        let mut files = files.into_inner().unwrap_or_default();
        files.sort();
        let mut written = BTreeSet::new();
        for (p, b) in &files {
            sink.write(p, b)?;
            if *p == info.manifest {
                sink.write(SEARCH_MANIFEST, b)?;
            }
            written.insert(p.clone());
        }
        written.insert(SEARCH_MANIFEST.to_string());
        Ok(written)
    }

    /// Every finding, as `analyse` computes them, from the cached parts.
    fn diagnostics(&self) -> Vec<Diagnostic> {
        let a = &self.analysis;
        let site = &a.site;
        let mut d = site.diagnostics.clone();
        for (p, doc) in a.docs.iter().enumerate() {
            d.extend(crate::doc_diagnostics(site, p, doc));
        }
        d.extend(a.requirements.diagnostics.iter().cloned());
        d.extend(self.glossary_diags.iter().cloned());
        d.extend(self.link_diags.iter().flatten().cloned());
        d.extend(crate::glossary::check_glossary(
            &a.glossary,
            site,
            &crate::term_uses(&a.docs),
        ));
        crate::checks::apply_config(&mut d, &site.config, &site.sources);
        crate::diag::sort_diagnostics(&mut d);
        d
    }

    /// The overlay-worthy findings in `files`: errors, and dialect problems
    /// such as an unclosed block.
    pub fn problems_in(&self, files: &BTreeSet<String>) -> Vec<Diagnostic> {
        self.analysis
            .diagnostics
            .iter()
            .filter(|d| files.contains(&d.file))
            .filter(|d| d.severity == Severity::Error || d.rule == Rule::UnknownBlock)
            .cloned()
            .collect()
    }

    fn refresh_generated(&mut self) {
        let mut generated = crate::glossary_generated(&self.analysis, self.offline());
        self.books_with_glossary = books_with_glossary(&self.analysis.site, &generated);
        // The versions' changes pages (they read the glossary too).
        let a = &self.analysis;
        generated.extend(crate::changes::changes_pages(
            &a.site,
            &a.docs,
            &a.glossary,
            &a.requirements,
            self.offline(),
        ));
        generated.extend(crate::requirements::pages::generated(
            &a.site,
            &a.requirements,
            self.offline(),
        ));
        self.generated = generated;
    }

    /// Regenerates the glossary pages; returns those that differ from
    /// before, or `None` when the set of books with a glossary changed (every
    /// page's navigation then changes).
    fn refresh_generated_changed(&mut self) -> Option<Vec<Generated>> {
        let old: BTreeMap<String, Generated> = self
            .generated
            .iter()
            .map(|g| (g.url.clone(), g.clone()))
            .collect();
        let old_books = self.books_with_glossary.clone();
        self.refresh_generated();
        if old_books != self.books_with_glossary {
            return None;
        }
        let same = |a: &Generated, b: &Generated| {
            a.template == b.template && a.title == b.title && a.book == b.book && a.data == b.data
        };
        Some(
            self.generated
                .iter()
                .filter(|g| !old.get(&g.url).is_some_and(|o| same(o, g)))
                .cloned()
                .collect(),
        )
    }

    fn render_env(&self) -> RenderEnv<'_> {
        let site = &self.analysis.site;
        RenderEnv {
            site,
            docs: &self.analysis.docs,
            theme: &self.theme,
            offline: self.offline(),
            search_manifest: SEARCH_MANIFEST.to_string(),
            body_end_html: self.body_end_html.clone(),
            books_with_glossary: self.books_with_glossary.clone(),
            last_updated: self.last_updated.clone(),
            requirements: &self.analysis.requirements,
        }
    }

    fn read_last_updated(&self) -> BTreeMap<String, String> {
        let site = &self.analysis.site;
        if site.config.last_updated {
            crate::gitinfo::last_updated(&site.root)
        } else {
            BTreeMap::new()
        }
    }

    /// Renders every output file into a fresh map and swaps it in; returns
    /// the number of files.
    fn render_all(&self) -> Result<usize, Fatal> {
        let sink = MapSink::default();
        self.write_search(&sink)?;
        {
            use crate::output::Sink as _;
            let a = &self.analysis;
            for (path, bytes) in crate::requirements::pages::files(&a.site, &a.requirements) {
                sink.write(&path, &bytes)?;
            }
        }
        self.write_tips(&sink)?;
        render_site::render_site(&self.render_env(), &self.generated.as_slice(), &sink)?;
        let files = sink.into_files();
        let n = files.len();
        self.store.replace_all(files);
        Ok(n)
    }

    /// Writes `sitemap.xml` as `render_site` does: pages, print views,
    /// generated pages and the landing page.
    fn render_sitemap(&self, sink: &MapSink) -> Result<(), Fatal> {
        use crate::output::Sink as _;
        let site = &self.analysis.site;
        let mut urls: Vec<String> = site.pages.iter().map(|p| p.url(site)).collect();
        urls.extend(
            site.books
                .iter()
                .map(|b| crate::urls::join_url(b.prefix(), "print/")),
        );
        urls.extend(self.generated.iter().map(|g| g.url.clone()));
        urls.push(String::new());
        urls.sort();
        urls.dedup();
        sink.write(
            "sitemap.xml",
            crate::render::extras::sitemap(site, &urls).as_bytes(),
        )?;
        Ok(())
    }

    /// Every output path currently served, sorted.
    pub fn store_paths(&self) -> Vec<String> {
        self.store.paths()
    }

    /// The site root (canonical).
    pub fn root(&self) -> &std::path::Path {
        &self.analysis.site.root
    }
}

/// `analyse`, keeping the glossary and per-page link findings apart so an
/// edit can recompute its share.
/// An analysis with the glossary's loading findings and each page's link findings.
type Parts = (Analysis, Vec<Diagnostic>, Vec<Vec<Diagnostic>>);

fn analyse_all(opts: &Options) -> Result<Parts, Fatal> {
    let mut site = crate::load(opts)?;
    local_config(&mut site);
    let offline = opts.offline || site.config.offline;
    let (glossary, glossary_diags) = crate::glossary::load_glossary(&site);
    let all: Vec<PageId> = (0..site.pages.len()).collect();
    let docs = crate::parse_docs(&site, &glossary, offline, true, &all);
    let link_diags: Vec<Vec<Diagnostic>> = all
        .par_iter()
        .map(|&p| crate::checks::links::check_page_links(&site, &docs, p))
        .collect();
    let mut docs = docs;
    let requirements = crate::requirements::extract_site(&site, &docs);
    crate::requirements::place_in_docs(&site, &mut docs, &requirements, offline);
    let diagnostics =
        crate::collect_diagnostics(&site, &glossary, &glossary_diags, &docs, &requirements);
    Ok((
        Analysis {
            site,
            glossary,
            docs,
            diagnostics,
            requirements,
        },
        glossary_diags,
        link_diags,
    ))
}

/// How often a doc uses each term.
fn term_counts(doc: &Doc) -> BTreeMap<usize, usize> {
    let mut out = BTreeMap::new();
    for u in &doc.term_uses {
        *out.entry(u.term).or_insert(0) += 1;
    }
    out
}

fn books_with_glossary(site: &Site, generated: &[Generated]) -> BTreeSet<String> {
    generated
        .iter()
        .filter_map(|g| g.book.map(|b| site.books[b].prefix().to_string()))
        .collect()
}

/// Whether two versions of a term mean the same to the pages that mention
/// it (positions in the defining file may differ).
fn same_meaning(a: &Term, b: &Term) -> bool {
    let strip = |t: &Term| {
        let mut t = t.clone();
        t.origin.span = 0..0;
        t.origin.line = 0;
        t.origin.definition_span = None;
        t
    };
    strip(a) == strip(b)
}

/// Lowercased spellings under which a term can appear in a page.
fn term_spellings(t: &Term) -> Vec<String> {
    let mut out = vec![t.name.to_lowercase(), t.slug.to_lowercase()];
    out.extend(t.abbreviation.iter().map(|a| a.to_lowercase()));
    out.extend(t.aliases.iter().map(|a| a.to_lowercase()));
    out.extend(t.avoid.iter().map(|a| a.to_lowercase()));
    out.retain(|s| !s.trim().is_empty());
    out
}

/// Pages whose source contains any of `spellings` (ASCII case-insensitive).
fn pages_mentioning(site: &Site, spellings: &BTreeSet<String>) -> BTreeSet<PageId> {
    if spellings.is_empty() {
        return BTreeSet::new();
    }
    let Ok(ac) = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(spellings.iter())
    else {
        return (0..site.pages.len()).collect();
    };
    site.pages
        .par_iter()
        .enumerate()
        .filter(|(_, page)| {
            // Non-ASCII spellings: fall back to a lowercase comparison.
            ac.is_match(&*page.source)
                || spellings
                    .iter()
                    .filter(|s| !s.is_ascii())
                    .any(|s| page.source.to_lowercase().contains(s.as_str()))
        })
        .map(|(p, _)| p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn copy_dir(from: &Path, to: &Path) {
        for e in walkdir::WalkDir::new(from) {
            let e = e.unwrap();
            let dest = to.join(e.path().strip_prefix(from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
    }

    fn fixture() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve"),
            &root,
        );
        (dir, root)
    }

    fn live(root: &Path) -> (Live, Arc<Store>) {
        let store = Arc::new(Store::default());
        let opts = Options {
            root: root.to_path_buf(),
            ..Options::default()
        };
        let live = Live::build(opts, "<script>r()</script>".into(), store.clone()).unwrap();
        (live, store)
    }

    fn snapshot(store: &Store, live: &Live) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        for path in live.store_paths() {
            out.insert(
                path.clone(),
                store.get(&path).unwrap().bytes().unwrap().to_vec(),
            );
        }
        let _ = store;
        out
    }

    /// Applies the edit incrementally, then checks every output file and
    /// every finding against a fresh full build of the edited site.
    fn edit_matches_full_build(root: &Path, edits: &[(&str, &str)]) -> Outcome {
        let (mut inc, inc_store) = live(root);
        for (rel, text) in edits {
            std::fs::write(root.join(rel), text).unwrap();
        }
        let paths: Vec<PathBuf> = edits.iter().map(|(r, _)| inc.root().join(r)).collect();
        let plan = super::super::watch::classify(&inc.analysis.site, None, &paths);
        assert!(plan.full.is_none(), "{plan:?}");
        let mut outcome = inc.apply(&plan).unwrap();
        let rest = inc.finish().unwrap();
        outcome.changed.extend(rest.changed);
        assert!(inc.finish().unwrap().changed.is_empty(), "nothing left");
        let (full, full_store) = live(root);
        let a = snapshot(&inc_store, &inc);
        let b = snapshot(&full_store, &full);
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            assert!(
                a.get(k) == b.get(k),
                "{k} differs after {edits:?}:\nincremental: {:?}\nfull: {:?}",
                a.get(k).map(|v| String::from_utf8_lossy(v).into_owned()),
                b.get(k).map(|v| String::from_utf8_lossy(v).into_owned())
            );
        }
        assert_eq!(inc.analysis.diagnostics, full.analysis.diagnostics);
        outcome
    }

    #[test]
    fn page_edit_reparses_one_page_and_equals_a_full_build() {
        let (_d, root) = fixture();
        let out = edit_matches_full_build(
            &root,
            &[(
                "content/guide/usage.md",
                "# Usage\n\nNew words about a Building Block.\n",
            )],
        );
        assert_eq!(out.parsed, 1);
        assert!(
            out.changed.iter().any(|c| c == "guide/usage/index.html"),
            "{:?}",
            out.changed
        );
        assert!(!out.changed.iter().any(|c| c == "other/index.html"));
    }

    #[test]
    fn removed_anchor_is_reported_in_the_pages_linking_to_it() {
        let (_d, root) = fixture();
        edit_matches_full_build(
            &root,
            &[(
                "content/guide/setup.md",
                "# Setup\n\n## Installing\n\nText.\n",
            )],
        );
        let (l, _) = live(&root);
        assert!(l
            .analysis
            .diagnostics
            .iter()
            .any(|d| d.rule == Rule::BrokenAnchor && d.file == "content/other/README.md"));
    }

    #[test]
    fn title_change_rerenders_neighbours() {
        let (_d, root) = fixture();
        let out = edit_matches_full_build(
            &root,
            &[(
                "content/guide/setup.md",
                "---\ntitle: Installation\n---\n# Setup\n\n## Install\n",
            )],
        );
        assert!(
            out.changed.iter().any(|c| c == "guide/usage/index.html"),
            "{:?}",
            out.changed
        );
        assert!(out.changed.iter().any(|c| c == "llms.txt"));
    }

    #[test]
    fn broken_front_matter_is_a_finding_and_fixing_it_clears_it() {
        let (_d, root) = fixture();
        let broken = "---\ndescription: [oops\n---\n# Setup\n\n## Install\n";
        edit_matches_full_build(&root, &[("content/guide/setup.md", broken)]);
        let (l, _) = live(&root);
        let files = BTreeSet::from(["content/guide/setup.md".to_string()]);
        assert_eq!(l.problems_in(&files)[0].rule, Rule::InvalidYaml);
        edit_matches_full_build(
            &root,
            &[("content/guide/setup.md", "# Setup\n\n## Install\n")],
        );
    }

    #[test]
    fn glossary_edit_reparses_only_pages_mentioning_changed_terms() {
        let (_d, root) = fixture();
        let yaml = "- term: Building Block (BB)\n  aliases: [building-block unit]\n  definition: A changed definition.\n- term: Consent Record\n  definition: What a person agreed to, and when.\n";
        let out = edit_matches_full_build(&root, &[("glossary/terms.yaml", yaml)]);
        // README and setup mention the building block; usage and other do not.
        assert_eq!(out.parsed, 2, "{out:?}");
    }

    #[test]
    fn glossary_term_added_and_removed_keeps_term_links_right() {
        let (_d, root) = fixture();
        let yaml = "- term: Another Term\n  definition: First in the file.\n- term: Consent Record\n  definition: What a person agreed to, and when.\n- term: Setup\n  definition: Getting ready.\n";
        edit_matches_full_build(&root, &[("glossary/terms.yaml", yaml)]);
    }

    #[test]
    fn asset_and_theme_edits_equal_a_full_build() {
        let (_d, root) = fixture();
        edit_matches_full_build(
            &root,
            &[("content/guide/.gitbook/assets/pic.svg", "<svg/>")],
        );
    }

    #[test]
    fn an_asset_is_served_while_a_page_references_it() {
        let (_d, root) = fixture();
        let spare = "content/guide/.gitbook/assets/spare.svg";
        std::fs::write(root.join(spare), "<svg id=\"spare\"/>").unwrap();
        let (l, store) = live(&root);
        assert!(store.contains("guide/.gitbook/assets/pic.svg"));
        assert!(!store.contains("guide/.gitbook/assets/spare.svg"), "unused");
        drop(l);
        // A page starts showing it: it is served, as after a full build.
        let shows = "# Usage\n\n![Spare](.gitbook/assets/spare.svg)\n";
        let spare_changes = |page: &str| {
            let out = edit_matches_full_build(&root, &[("content/guide/usage.md", page)]);
            assert!(
                (out.changed.iter()).any(|c| c == "guide/.gitbook/assets/spare.svg"),
                "{:?}",
                out.changed
            );
        };
        spare_changes(shows);
        // And no longer: it goes.
        spare_changes("# Usage\n");
        let (_, store) = live(&root);
        assert!(!store.contains("guide/.gitbook/assets/spare.svg"));
        // With `assets: all` every file is served from the start.
        let config = std::fs::read_to_string(root.join("specsite.yaml")).unwrap();
        std::fs::write(
            root.join("specsite.yaml"),
            format!("{config}\nassets: all\n"),
        )
        .unwrap();
        let (_, store) = live(&root);
        assert!(store.contains("guide/.gitbook/assets/spare.svg"));
    }
}
