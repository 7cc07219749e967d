//! Rendering every output file of a site into a [`Sink`].
//!
//! Everything that does not depend on the page being rendered (page URLs and
//! titles, each book's navigation tree, reading order and breadcrumbs) is
//! computed once per build in [`Prepared`]; rendering a page then only makes
//! those URLs relative to it.
//!
//! Versions: each version of a book is rendered under its own prefix
//! (`guide/1.0/…`); the latest is rendered at the book root (`guide/…`, its
//! canonical URL) and again, as real pages, under its label (`guide/2.0/…`)
//! with navigation and links between its pages kept inside that copy.

use super::context::*;
use super::extras::rebase_html;
use super::theme::Theme;
use crate::config::AssetsMode;
use crate::content::{Book, BookId, PageId, Site, SummaryItem};
use crate::markdown::Doc;
use crate::output::Sink;
use crate::resolve::{asset_url, Target};
use crate::urls::{href, join_url, rel_root};
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Everything the renderer reads.
pub struct RenderEnv<'a> {
    /// The loaded site.
    pub site: &'a Site,
    /// `docs[i]` is the parsed form of `site.pages[i]`.
    pub docs: &'a [Doc],
    /// The theme.
    pub theme: &'a Theme,
    /// Links name `index.html`.
    pub offline: bool,
    /// Root-relative path of the browser search manifest ("" when none).
    pub search_manifest: String,
    /// Trusted HTML injected before `</body>` (live reload).
    pub body_end_html: String,
    /// Output prefixes of the books (or book versions) that have their own
    /// glossary pages (`consent`, `consent/1.0`); plain book ids also match
    /// every version of that book.
    pub books_with_glossary: std::collections::BTreeSet<String>,
    /// Root-relative file → last-updated date (empty unless `last_updated: true`).
    pub last_updated: std::collections::BTreeMap<String, String>,
    /// The requirements extracted from the pages (their ids go into `llms.txt`).
    pub requirements: &'a crate::requirements::SiteRequirements,
}

/// A page generated from data rather than markdown (glossary pages, etc.).
#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    /// Root-relative folder URL, e.g. `glossary/building-block/`.
    pub url: String,
    /// Template name.
    pub template: String,
    /// Page title.
    pub title: String,
    /// Book the page belongs to, if any (for navigation).
    pub book: Option<BookId>,
    /// Template data, available as `data`.
    pub data: serde_json::Value,
}

/// Generated pages as the renderer reads them: counted and located up
/// front, each made only when it is rendered (so a large site never holds
/// every page's data at once). A slice of ready [`Generated`] pages is one
/// (pass `&slice`).
pub trait GeneratedPages: Sync {
    /// Number of pages.
    fn count(&self) -> usize;
    /// Root-relative folder URL of page `i`.
    fn url(&self, i: usize) -> String;
    /// Page `i`, made now if it is not ready.
    fn page(&self, i: usize) -> std::borrow::Cow<'_, Generated>;
}

impl GeneratedPages for &[Generated] {
    fn count(&self) -> usize {
        self.len()
    }
    fn url(&self, i: usize) -> String {
        self[i].url.clone()
    }
    fn page(&self, i: usize) -> std::borrow::Cow<'_, Generated> {
        std::borrow::Cow::Borrowed(&self[i])
    }
}

/// A navigation entry before it is made relative to one page.
#[derive(Debug, Clone)]
struct NavNode {
    kind: &'static str,
    title: String,
    /// External URL (for external links only; pages are found through `page`).
    external_url: Option<String>,
    page: Option<PageId>,
    children: Vec<NavNode>,
    /// Pages in this node's subtree (itself excluded), sorted: makes "is the
    /// current page below?" a binary search instead of a walk.
    below: Vec<PageId>,
}

/// Per-book data that does not depend on the page being rendered.
struct BookData {
    nav: Vec<NavNode>,
    /// SUMMARY pages in reading order.
    order: Vec<PageId>,
    /// Page → its index in `order`.
    pos: HashMap<PageId, usize>,
    /// Page → the titled, linked entries above it in SUMMARY (outermost first).
    crumbs: HashMap<PageId, Vec<Crumb>>,
    /// Canonical URL of each page of the book → the page.
    by_url: HashMap<String, PageId>,
}

#[derive(Clone)]
struct Crumb {
    title: String,
    page: Option<PageId>,
    external_url: Option<String>,
}

/// Site-wide data computed once per build.
struct Prepared {
    /// Canonical URL of each page.
    urls: Vec<String>,
    /// Title of each page.
    titles: Vec<String>,
    books: Vec<BookData>,
    /// Rendered navigation HTML of generated pages, by book and hrefs.
    nav_cache: std::sync::Mutex<HashMap<(BookId, String), String>>,
}

/// Where a page is being rendered: its book's canonical prefix, or the label
/// prefix of the latest version's copy.
#[derive(Clone, Copy)]
struct Place<'a> {
    /// Output prefix the book's pages are linked under.
    prefix: &'a str,
    /// Whether `prefix` is the book's canonical one.
    canonical: bool,
}

fn page_title(site: &Site, docs: &[Doc], p: PageId) -> String {
    let page = &site.pages[p];
    page.front
        .title
        .clone()
        .or_else(|| page.summary_title.clone())
        .or_else(|| docs.get(p).and_then(|d| d.h1.clone()))
        .unwrap_or_else(|| {
            let stem = page.path.rsplit('/').next().unwrap_or(&page.path);
            stem.trim_end_matches(".md").to_string()
        })
}

fn nav_nodes(items: &[SummaryItem]) -> Vec<NavNode> {
    items
        .iter()
        .map(|it| match it {
            SummaryItem::Part { title, .. } => NavNode {
                kind: "part",
                title: title.clone(),
                external_url: None,
                page: None,
                children: Vec::new(),
                below: Vec::new(),
            },
            SummaryItem::Separator => NavNode {
                kind: "separator",
                title: String::new(),
                external_url: None,
                page: None,
                children: Vec::new(),
                below: Vec::new(),
            },
            SummaryItem::Link {
                title,
                dest,
                page,
                external,
                children,
                ..
            } => {
                let children = nav_nodes(children);
                let mut below: Vec<PageId> = children
                    .iter()
                    .flat_map(|c| c.page.into_iter().chain(c.below.iter().copied()))
                    .collect();
                below.sort_unstable();
                below.dedup();
                NavNode {
                    kind: "link",
                    title: title.clone(),
                    external_url: match (page, external) {
                        (None, true) => dest.clone(),
                        _ => None,
                    },
                    page: *page,
                    children,
                    below,
                }
            }
        })
        .collect()
}

/// Records, for each page, the linked entries above its first occurrence.
fn collect_crumbs(
    nodes: &[NavNode],
    trail: &mut Vec<Crumb>,
    out: &mut HashMap<PageId, Vec<Crumb>>,
) {
    for n in nodes {
        if let Some(p) = n.page {
            out.entry(p).or_insert_with(|| trail.clone());
        }
        let linked = n.page.is_some() || n.external_url.is_some();
        if linked {
            trail.push(Crumb {
                title: n.title.clone(),
                page: n.page,
                external_url: n.external_url.clone(),
            });
        }
        collect_crumbs(&n.children, trail, out);
        if linked {
            trail.pop();
        }
    }
}

impl Prepared {
    fn new(site: &Site, docs: &[Doc]) -> Prepared {
        let urls: Vec<String> = site.pages.iter().map(|p| p.url(site)).collect();
        let titles = (0..site.pages.len())
            .map(|p| page_title(site, docs, p))
            .collect();
        let books = site
            .books
            .iter()
            .map(|b| {
                let nav = b
                    .summary
                    .as_ref()
                    .map(|s| nav_nodes(&s.items))
                    .unwrap_or_default();
                let order: Vec<PageId> = b
                    .pages
                    .iter()
                    .copied()
                    .filter(|&q| site.pages[q].in_summary)
                    .collect();
                let pos = order.iter().enumerate().map(|(i, &p)| (p, i)).collect();
                let mut crumbs = HashMap::new();
                collect_crumbs(&nav, &mut Vec::new(), &mut crumbs);
                let by_url = b.pages.iter().map(|&p| (urls[p].clone(), p)).collect();
                BookData {
                    nav,
                    order,
                    pos,
                    crumbs,
                    by_url,
                }
            })
            .collect();
        Prepared {
            urls,
            titles,
            books,
            nav_cache: Default::default(),
        }
    }

    /// URL of page `p` when its book is placed at `place`.
    fn url_at(&self, site: &Site, p: PageId, place: Place) -> String {
        if place.canonical {
            self.urls[p].clone()
        } else {
            join_url(place.prefix, &site.pages[p].slug)
        }
    }
}

impl RenderEnv<'_> {
    fn site_ctx(&self, from: &str, current_book: Option<&str>) -> SiteCtx {
        self.site_ctx_with(from, current_book, true)
    }

    /// `list_books`: fill `site.books` (the landing page and pages outside any
    /// book list them). Book pages never do, and computing the list for every
    /// page of a large site would cost books × pages.
    fn site_ctx_with(&self, from: &str, current_book: Option<&str>, list_books: bool) -> SiteCtx {
        let site = self.site;
        let rr = rel_root(from);
        SiteCtx {
            title: site
                .config
                .title
                .clone()
                .unwrap_or_else(|| "Specifications".to_string()),
            language: site.config.language().to_string(),
            rel_root: rr.clone(),
            home_href: href(from, "", None, self.offline),
            glossary_href: href(from, "glossary/", None, self.offline),
            offline: self.offline,
            books: site
                .books
                .iter()
                .filter(|b| list_books && b.latest)
                .map(|b| BookLink {
                    id: b.id.clone(),
                    title: b.title.clone(),
                    description: b.description.clone().unwrap_or_default(),
                    href: href(from, &self.book_home(b), None, self.offline),
                    pages: b
                        .pages
                        .iter()
                        .filter(|&&p| site.pages[p].in_summary)
                        .count(),
                    current: current_book == Some(b.id.as_str()),
                })
                .collect(),
            css: Vec::new(),
            js: Vec::new(),
            body_end_html: self.body_end_html.clone(),
            site_url: site.config.site_url.clone(),
        }
    }

    /// Root-relative URL of a book's home page.
    fn book_home(&self, b: &Book) -> String {
        self.book_home_at(b, b.prefix())
    }

    /// A book's home page when the book is placed under `prefix`.
    fn book_home_at(&self, b: &Book, prefix: &str) -> String {
        b.pages
            .iter()
            .find(|&&p| self.site.pages[p].slug.is_empty())
            .or_else(|| b.pages.first())
            .map(|&p| join_url(prefix, &self.site.pages[p].slug))
            .unwrap_or_else(|| join_url(prefix, ""))
    }

    fn has_glossary(&self, b: &Book) -> bool {
        self.books_with_glossary.contains(b.prefix())
            || (b.version.is_none() && self.books_with_glossary.contains(&b.id))
    }

    /// `site`, `page_kind` and `search_manifest`. Pages of a book insert
    /// their own `book` context (it depends on the page and its place).
    fn base_context(&self, from: &str, kind: &str, book: Option<&Book>) -> tera::Context {
        self.context(
            &self.site_ctx_with(from, book.map(|b| b.id.as_str()), book.is_none()),
            kind,
        )
    }

    /// A context with `site` (given), `page_kind` and `search_manifest`.
    fn context(&self, site: &SiteCtx, kind: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("site", site);
        ctx.insert("page_kind", kind);
        ctx.insert("search_manifest", &self.search_manifest);
        ctx
    }

    /// The other versions of `b` (all entries with its id), in config order.
    fn versions_of<'s>(&'s self, b: &Book) -> Vec<&'s Book> {
        self.site
            .books
            .iter()
            .filter(|o| o.id == b.id && o.version.is_some())
            .collect()
    }

    /// Root-relative URL of the page with slug `slug` in version `o`, if any.
    fn same_page_in(&self, o: &Book, slug: &str) -> Option<String> {
        o.pages
            .iter()
            .find(|&&q| self.site.pages[q].slug == slug)
            .map(|&q| self.site.pages[q].url(self.site))
    }

    fn book_ctx(&self, b: &Book, from: &str, page: Option<PageId>, prefix: &str) -> BookCtx {
        let site = self.site;
        let siblings = self.versions_of(b);
        let slug = page.map(|p| site.pages[p].slug.as_str());
        let link_to = |o: &Book| -> String {
            let target = slug
                .and_then(|s| self.same_page_in(o, s))
                .unwrap_or_else(|| self.book_home(o));
            href(from, &target, None, self.offline)
        };
        BookCtx {
            id: b.id.clone(),
            title: b.title.clone(),
            href: href(from, &self.book_home_at(b, prefix), None, self.offline),
            glossary_href: self
                .has_glossary(b)
                .then(|| href(from, &join_url(b.prefix(), "glossary/"), None, self.offline)),
            print_href: href(from, &join_url(b.prefix(), "print/"), None, self.offline),
            version: b.version.clone(),
            versions: siblings
                .iter()
                .map(|o| VersionLink {
                    label: o.version.clone().unwrap_or_default(),
                    // The version being read links to this very page.
                    href: if o.version == b.version {
                        href(from, from, None, self.offline)
                    } else {
                        link_to(o)
                    },
                    current: o.version == b.version,
                    latest: o.latest,
                })
                .collect(),
            latest_href: if b.latest {
                None
            } else {
                siblings.iter().find(|o| o.latest).map(|o| link_to(o))
            },
        }
    }

    /// Makes nav nodes relative to `from`, marking the current page.
    fn nav_items(
        &self,
        prep: &Prepared,
        nodes: &[NavNode],
        from: &str,
        current: Option<PageId>,
        place: Place,
    ) -> Vec<NavItem> {
        nodes
            .iter()
            .map(|n| {
                let is_current = current.is_some() && n.page == current;
                let below = current.is_some_and(|c| n.below.binary_search(&c).is_ok());
                NavItem {
                    kind: n.kind,
                    title: n.title.clone(),
                    href: match (n.page, &n.external_url) {
                        (Some(p), _) => Some(href(
                            from,
                            &prep.url_at(self.site, p, place),
                            None,
                            self.offline,
                        )),
                        (None, Some(u)) => Some(u.clone()),
                        _ => None,
                    },
                    external: n.external_url.is_some(),
                    current: is_current,
                    active: is_current || below,
                    children: self.nav_items(prep, &n.children, from, current, place),
                }
            })
            .collect()
    }

    /// The sidebar's stand-in for book `b`'s navigation (placed at
    /// `prefix`) on the page at `from`: [`super::theme::nav_loader`].
    /// `current` is the page itself, when the navigation lists it.
    fn nav_loader(&self, b: &Book, from: &str, prefix: &str, current: Option<&LinkCtx>) -> String {
        super::theme::nav_loader(
            &format!("{}{}", rel_root(from), nav_file(prefix)),
            &href(from, &self.book_home_at(b, prefix), None, self.offline),
            current,
        )
    }

    /// The shared navigation file of book `bi` placed at `place`
    /// ([`super::theme::nav_script`]): the tree with hrefs from the site root.
    fn nav_script(&self, prep: &Prepared, bi: BookId, place: Place) -> String {
        let items = self.nav_items(prep, &prep.books[bi].nav, "", None, place);
        let b = &self.site.books[bi];
        let book = self.book_ctx(b, "", None, place.prefix);
        let glossary = href("", "glossary/", None, self.offline);
        super::theme::nav_script(&book_sidebar(
            &book,
            &glossary,
            &super::theme::nav_html(&items),
        ))
    }

    /// The site's shared sidebar (`assets/nav/site.js`), for the pages of
    /// no book.
    fn site_nav_script(&self) -> String {
        let site = self.site_ctx_with("", None, true);
        let books: Vec<(&str, &str)> = (site.books.iter())
            .map(|b| (b.title.as_str(), b.href.as_str()))
            .collect();
        super::theme::nav_script(&super::theme::site_sidebar(&books, &site.glossary_href))
    }

    /// Canonical URL of page `p` for search engines: the latest version's
    /// page with the same path when there is one, else the page itself.
    fn canonical_url(&self, prep: &Prepared, p: PageId) -> Option<String> {
        let base = self.site.config.site_url.as_ref()?;
        let site = self.site;
        let book = &site.books[site.pages[p].book];
        let url = if book.latest {
            prep.urls[p].clone()
        } else {
            self.versions_of(book)
                .into_iter()
                .find(|o| o.latest)
                .and_then(|o| self.same_page_in(o, &site.pages[p].slug))
                .unwrap_or_else(|| prep.urls[p].clone())
        };
        Some(format!("{}/{}", base.trim_end_matches('/'), url))
    }

    /// Renders one markdown page at `place`.
    fn render_page(&self, prep: &Prepared, p: PageId, place: Place) -> Result<String> {
        let site = self.site;
        let page = &site.pages[p];
        let doc = &self.docs[p];
        let book = &site.books[page.book];
        let data = &prep.books[page.book];
        let from = prep.url_at(site, p, place);
        let site_ctx = self.site_ctx_with(&from, Some(book.id.as_str()), false);
        let book_ctx = self.book_ctx(book, &from, Some(p), place.prefix);
        // With the default templates the book's home page carries the whole
        // navigation and every other page loads it from the book's shared
        // file; a theme of its own draws it on every page.
        let home = from == self.book_home_at(book, place.prefix);
        let shared = self.theme.default_nav() && !home;
        let nav = if shared {
            Vec::new()
        } else {
            self.nav_items(prep, &data.nav, &from, Some(p), place)
        };
        let pos = data.pos.get(&p).copied();
        let link_to = |q: PageId| LinkCtx {
            title: prep.titles[q].clone(),
            href: href(&from, &prep.url_at(site, q, place), None, self.offline),
        };
        let crumbs: Vec<LinkCtx> = data
            .crumbs
            .get(&p)
            .map(|trail| {
                trail
                    .iter()
                    .map(|c| LinkCtx {
                        title: c.title.clone(),
                        href: match (c.page, &c.external_url) {
                            (Some(q), _) => {
                                href(&from, &prep.url_at(site, q, place), None, self.offline)
                            }
                            (None, Some(u)) => u.clone(),
                            _ => String::new(),
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        // With the default templates the renderer draws the whole sidebar.
        let sidebar_html = if shared {
            let current = LinkCtx {
                title: prep.titles[p].clone(),
                href: href(&from, &from, None, self.offline),
            };
            let in_nav = data.crumbs.contains_key(&p);
            (!data.nav.is_empty())
                .then(|| self.nav_loader(book, &from, place.prefix, in_nav.then_some(&current)))
        } else {
            (self.theme.default_nav() && !nav.is_empty()).then(|| {
                book_sidebar(
                    &book_ctx,
                    &site_ctx.glossary_href,
                    &super::theme::nav_html(&nav),
                )
            })
        };
        let content = if place.canonical {
            doc.html.clone()
        } else {
            // The copy under the label: links between the book's pages stay
            // in the copy; everything else is linked where it is.
            let map = |target: &str, fragment: Option<&str>| {
                data.by_url
                    .get(target)
                    .map(|&q| href(&from, &prep.url_at(site, q, place), fragment, self.offline))
            };
            rebase_html(&doc.html, &prep.urls[p], &from, self.offline, None, &map)
        };
        let (heading, content) = split_heading(content);
        let pctx = PageCtx {
            title: prep.titles[p].clone(),
            description: page.front.description.clone().unwrap_or_default(),
            content,
            heading,
            toc: doc
                .headings
                .iter()
                // An empty heading (`###` alone) would be a link with no text.
                .filter(|h| (2..=3).contains(&h.level) && !h.text.trim().is_empty())
                .map(|h| TocItem {
                    level: h.level,
                    title: h.text.clone(),
                    id: h.id.clone(),
                })
                .collect(),
            breadcrumbs: crumbs,
            prev: pos
                .and_then(|i| i.checked_sub(1))
                .map(|i| link_to(data.order[i])),
            next: pos.and_then(|i| data.order.get(i + 1)).map(|&q| link_to(q)),
            edit_url: book
                .edit_url
                .as_ref()
                .map(|t| t.replace("{path}", &page.path)),
            last_updated: self.last_updated.get(&page.file).cloned(),
            canonical: self.canonical_url(prep, p),
            source_href: Some("index.md".to_string()),
            url: from.clone(),
            term_tips: crate::glossary::tips::links_terms(&doc.html).then(|| {
                format!(
                    "{}{}",
                    rel_root(&from),
                    crate::glossary::tips::tips_file(book.prefix())
                )
            }),
        };
        if let Some(icons) = self.theme.native_layouts() {
            return Ok(super::native::page(&super::native::Layout {
                site: &site_ctx,
                kind: "page",
                search_manifest: &self.search_manifest,
                book: Some(&book_ctx),
                page: &pctx,
                sidebar_html: sidebar_html.as_deref(),
                icons,
            }));
        }
        let mut ctx = self.context(&site_ctx, "page");
        ctx.insert("book", &book_ctx);
        match &sidebar_html {
            Some(html) => ctx.insert("sidebar_html", html),
            None => ctx.insert("nav", &nav),
        }
        ctx.insert("page", &pctx);
        self.theme
            .render("page.html", &ctx)
            .with_context(|| format!("rendering {}", page.file))
    }

    /// Renders a generated page.
    pub fn render_generated(&self, g: &Generated) -> Result<String> {
        let prep = Prepared::new(self.site, self.docs);
        self.render_generated_with(&prep, g)
    }

    fn render_generated_with(&self, prep: &Prepared, g: &Generated) -> Result<String> {
        let book = g.book.map(|b| &self.site.books[b]);
        let kind = g.template.trim_end_matches(".html");
        let site_ctx = self.site_ctx_with(&g.url, book.map(|b| b.id.as_str()), book.is_none());
        let book_ctx = book.map(|b| self.book_ctx(b, &g.url, None, b.prefix()));
        let mut nav_html = None;
        // With the default templates the renderer draws the whole sidebar:
        // the loader of the book's shared one, or of the site's.
        let mut sidebar_html = None;
        if book.is_none() && self.theme.default_nav() {
            sidebar_html = Some(super::theme::site_sidebar_loader(
                &format!("{}{SITE_NAV_FILE}", rel_root(&g.url)),
                &site_ctx.home_href,
                &site_ctx.glossary_href,
            ));
        }
        if let (Some(b), Some(bi)) = (book, g.book) {
            if self.theme.default_nav() {
                sidebar_html = (!prep.books[bi].nav.is_empty())
                    .then(|| self.nav_loader(b, &g.url, b.prefix(), None));
            } else if b.summary.is_some() {
                let place = Place {
                    prefix: b.prefix(),
                    canonical: true,
                };
                let items = self.nav_items(prep, &prep.books[bi].nav, &g.url, None, place);
                // With no current page the HTML depends only on the hrefs:
                // the many glossary pages of one book share one rendering.
                let mut key = String::new();
                nav_key(&items, &mut key);
                let cached = prep
                    .nav_cache
                    .lock()
                    .ok()
                    .and_then(|c| c.get(&(bi, key.clone())).cloned());
                nav_html = Some(match cached {
                    Some(h) => h,
                    None => {
                        let h = if self.theme.default_nav() && !items.is_empty() {
                            super::theme::nav_html(&items)
                        } else {
                            let mut nctx = tera::Context::new();
                            nctx.insert("nav", &items);
                            self.theme.render("nav.html", &nctx)?
                        };
                        if let Ok(mut c) = prep.nav_cache.lock() {
                            c.insert((bi, key), h.clone());
                        }
                        h
                    }
                });
            }
        }
        let pctx = PageCtx {
            title: g.title.clone(),
            url: g.url.clone(),
            ..PageCtx::default()
        };
        if let Some(icons) = self.theme.native_layouts() {
            let layout = super::native::Layout {
                site: &site_ctx,
                kind,
                search_manifest: &self.search_manifest,
                book: book_ctx.as_ref(),
                page: &pctx,
                sidebar_html: sidebar_html.as_deref(),
                icons,
            };
            match g.template.as_str() {
                "term.html" => return Ok(super::native::term(&layout, &g.data)),
                "glossary.html" => return Ok(super::native::glossary(&layout, &g.data)),
                _ => {}
            }
        }
        let mut ctx = self.context(&site_ctx, kind);
        if let Some(b) = &book_ctx {
            ctx.insert("book", b);
        }
        if let Some(html) = &nav_html {
            ctx.insert("nav_html", html);
        }
        if let Some(html) = &sidebar_html {
            ctx.insert("sidebar_html", html);
        }
        ctx.insert("data", &g.data);
        ctx.insert("page", &pctx);
        self.theme
            .render(&g.template, &ctx)
            .with_context(|| format!("rendering {}", g.url))
    }
}

/// Root-relative path of the navigation shared by the pages of the book
/// placed at `prefix` (`assets/nav/consent.js`, `assets/nav/guide/1.0.js`).
fn nav_file(prefix: &str) -> String {
    format!("assets/nav/{prefix}.js")
}

/// Root-relative path of the sidebar shared by the pages of no book (the
/// common glossary and its terms): outside `assets/nav/`, where any book
/// id may stand.
const SITE_NAV_FILE: &str = "assets/site-nav.js";
/// The theme's stylesheet, which also carries the code colours
/// ([`crate::markdown::highlight::highlight_css`]).
const THEME_CSS: &str = "assets/specsite.css";

/// A book's whole sidebar (title, navigation, links to the glossaries and
/// the print view) with the hrefs of `book` and `glossary`.
fn book_sidebar(book: &BookCtx, glossary: &str, nav: &str) -> String {
    super::theme::book_sidebar(
        &book.title,
        &book.href,
        nav,
        book.glossary_href.as_deref(),
        glossary,
        &book.print_href,
    )
}

/// Appends every href of a navigation tree to `key`.
fn nav_key(items: &[NavItem], key: &mut String) {
    for i in items {
        key.push_str(i.href.as_deref().unwrap_or("-"));
        key.push('\n');
        if !i.children.is_empty() {
            key.push('[');
            nav_key(&i.children, key);
            key.push(']');
        }
    }
}

/// Splits a leading `<h1 …>…</h1>` (after white space) off body HTML.
fn split_heading(mut html: String) -> (String, String) {
    let start = html.len() - html.trim_start().len();
    if !html[start..].starts_with("<h1") {
        return (String::new(), html);
    }
    match html[start..].find("</h1>") {
        Some(end) => {
            let end = start + end + "</h1>".len();
            let rest = html[end..].trim_start().to_string();
            html.truncate(end);
            (html[start..].to_string(), rest)
        }
        None => (String::new(), html),
    }
}

/// Each SUMMARY page's nesting depth (0 = top level).
fn summary_depths(b: &Book) -> HashMap<PageId, usize> {
    fn walk(items: &[SummaryItem], depth: usize, out: &mut HashMap<PageId, usize>) {
        for it in items {
            if let SummaryItem::Link { page, children, .. } = it {
                if let Some(p) = page {
                    out.entry(*p).or_insert(depth);
                }
                walk(children, depth + 1, out);
            }
        }
    }
    let mut out = HashMap::new();
    if let Some(s) = &b.summary {
        walk(&s.items, 0, &mut out);
    }
    out
}

/// Renders and writes every file of the site; returns the root-relative URLs
/// of the HTML pages written (for the sitemap), sorted. Copies of the latest
/// version under its label and redirect pages are written but not returned.
pub fn render_site(
    env: &RenderEnv,
    generated: &dyn GeneratedPages,
    sink: &dyn Sink,
) -> Result<Vec<String>> {
    let site = env.site;
    let mut t = crate::timing::Stages::start();
    let prep = Prepared::new(site, env.docs);
    t.mark("r:prep");
    for (path, mut bytes) in env.theme.static_files() {
        // The code colours travel in the theme's stylesheet: one file, one
        // request and one `<link>` a page.
        if path == THEME_CSS {
            bytes.push(b'\n');
            bytes.extend_from_slice(crate::markdown::highlight::highlight_css().as_bytes());
        }
        sink.write(&path, &bytes)?;
    }
    let all: Vec<PageId> = (0..site.pages.len()).collect();
    render_pages_with(env, &prep, &all, sink)?;
    if env.theme.default_nav() {
        sink.write(SITE_NAV_FILE, env.site_nav_script().as_bytes())?;
    }
    t.mark("r:pages");
    copy_assets(site, &published_assets(site, env.docs), sink)?;
    t.mark("r:assets");
    render_generated_with(env, &prep, generated, sink)?;
    t.mark("r:gen");
    // Landing page and 404.
    let ctx = env.base_context("", "landing", None);
    sink.write(
        "index.html",
        env.theme.render("landing.html", &ctx)?.as_bytes(),
    )?;
    sink.write("404.html", render_not_found(env)?.as_bytes())?;
    // `.gitbook.yaml` redirects: old paths lead to their new pages.
    for b in &site.books {
        for (from, to) in &b.redirects {
            let target = site
                .page_by_file
                .get(&crate::resolve::normalize_join(&b.page_root, to).unwrap_or_default())
                .copied();
            let Some(target) = target else { continue };
            let from_path = from.trim_matches('/').trim_end_matches(".md");
            let url = join_url(b.prefix(), &format!("{from_path}/"));
            if prep.urls.contains(&url) {
                continue; // a real page wins over a redirect
            }
            let mut ctx = tera::Context::new();
            ctx.insert(
                "target_href",
                &href(&url, &prep.urls[target], None, env.offline),
            );
            ctx.insert("site", &env.site_ctx(&url, Some(&b.id)));
            sink.write(
                &format!("{url}index.html"),
                env.theme.render("redirect.html", &ctx)?.as_bytes(),
            )?;
        }
    }
    let mut urls: Vec<String> = prep.urls.clone();
    let books: Vec<BookId> = (0..site.books.len()).collect();
    t.mark("r:misc");
    // llms.txt is written beside the print views, the last pages made.
    let (printed, llms) = rayon::join(
        || render_print_with(env, &prep, &books, sink),
        || render_llms_with(env, &prep, sink),
    );
    urls.extend(printed?);
    llms?;
    t.mark("r:print+llms");
    // A generated page of the latest version is written under the book root
    // and again under its label; only the first is the page's own URL.
    let copies: Vec<String> = (site.books.iter())
        .flat_map(|b| b.url_prefixes.iter().skip(1))
        .map(|p| format!("{p}/"))
        .collect();
    urls.extend(
        (0..generated.count())
            .map(|i| generated.url(i))
            .filter(|u| !copies.iter().any(|c| u.starts_with(c.as_str()))),
    );
    urls.push(String::new());
    urls.sort();
    urls.dedup();
    sink.write(
        "sitemap.xml",
        super::extras::sitemap(site, &urls).as_bytes(),
    )?;
    t.mark("r:sitemap");
    Ok(urls)
}

/// The assets a build publishes, sorted: with `assets: referenced` (the
/// default) those a page shows or links to (a link, image or raw HTML
/// attribute of a parsed page that resolved to the file), with `assets: all`
/// every one.
pub fn published_assets<'a>(site: &'a Site, docs: &'a [Doc]) -> Vec<&'a str> {
    if site.config.assets == AssetsMode::All {
        return site.assets.iter().map(String::as_str).collect();
    }
    let mut used: Vec<&str> = (docs.iter())
        .flat_map(|d| &d.links)
        .filter_map(|l| match &l.target {
            Target::Asset { file } => Some(file.as_str()),
            _ => None,
        })
        .collect();
    used.sort_unstable();
    used.dedup();
    // Only files the site holds (a link resolves to nothing else).
    used.retain(|a| site.assets.binary_search_by(|x| x.as_str().cmp(a)).is_ok());
    used
}

/// Writes `assets` (root-relative, each in [`Site::assets`]) to their
/// output paths. Assets left in git repositories: each distinct blob read
/// once, then written for every version that has it.
pub fn copy_assets(site: &Site, assets: &[&str], sink: &dyn Sink) -> Result<()> {
    let mut stored: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for &a in assets {
        if let Some(oid) = site.git_objects.oid(a) {
            stored.entry(oid).or_default().push(a);
        }
    }
    let stored: Vec<Vec<&str>> = stored.into_values().collect();
    stored.par_iter().try_for_each(|files| -> Result<()> {
        site.git_objects
            .with_bytes(files[0], |bytes| -> Result<()> {
                for a in files {
                    if let Some(u) = asset_url(site, a) {
                        sink.write(&u, bytes)?;
                    }
                }
                Ok(())
            })?
    })?;
    assets.par_iter().try_for_each(|&a| -> Result<()> {
        if site.git_objects.contains(a) {
            return Ok(());
        }
        if let Some(u) = asset_url(site, a) {
            // Assets of git versions are bytes in memory; an absent object
            // (already reported) is left out.
            match (site.git_blobs.get(a), site.disk_path(a)) {
                (Some(bytes), _) => sink.write(&u, bytes)?,
                (None, Some(path)) => sink.copy(&u, &path)?,
                // A text asset read from git (YAML) is kept as text.
                (None, None) => {
                    if let Some(text) = site.sources.get(a) {
                        sink.write(&u, text.as_bytes())?
                    }
                }
            }
        }
        Ok(())
    })
}

/// Renders `pages` (at their canonical place, and again under the latest
/// version's label) with their markdown sources beside them.
pub fn render_pages(env: &RenderEnv, pages: &[PageId], sink: &dyn Sink) -> Result<()> {
    render_pages_with(env, &Prepared::new(env.site, env.docs), pages, sink)
}

fn render_pages_with(
    env: &RenderEnv,
    prep: &Prepared,
    pages: &[PageId],
    sink: &dyn Sink,
) -> Result<()> {
    let site = env.site;
    let mut jobs: Vec<(PageId, Place)> = Vec::with_capacity(pages.len());
    for &p in pages {
        let b = &site.books[site.pages[p].book];
        jobs.push((
            p,
            Place {
                prefix: b.prefix(),
                canonical: true,
            },
        ));
        for alias in b.url_prefixes.iter().skip(1) {
            jobs.push((
                p,
                Place {
                    prefix: alias.as_str(),
                    canonical: false,
                },
            ));
        }
    }
    // Each book's shared navigation, once per place its pages are drawn at.
    if env.theme.default_nav() {
        let mut places: Vec<(BookId, &str, bool)> = jobs
            .iter()
            .map(|(p, place)| (site.pages[*p].book, place.prefix, place.canonical))
            .collect();
        places.sort_unstable();
        places.dedup();
        places
            .par_iter()
            .try_for_each(|&(bi, prefix, canonical)| -> Result<()> {
                if prep.books[bi].nav.is_empty() {
                    return Ok(());
                }
                let js = env.nav_script(prep, bi, Place { prefix, canonical });
                sink.write(&nav_file(prefix), js.as_bytes())
            })?;
    }
    jobs.par_iter().try_for_each(|&(p, place)| -> Result<()> {
        let page = &site.pages[p];
        let html = env.render_page(prep, p, place)?;
        let url = prep.url_at(site, p, place);
        sink.write(&format!("{url}index.html"), html.as_bytes())?;
        // The source as it is: linked to the file when the sink can.
        match site.disk_path(&page.file) {
            Some(path) => {
                sink.write_copy_of(&format!("{url}index.md"), page.source.as_bytes(), &path)?
            }
            None => sink.write(&format!("{url}index.md"), page.source.as_bytes())?,
        }
        Ok(())
    })
}

/// Renders generated pages (glossary pages).
pub fn render_generated_pages(
    env: &RenderEnv,
    generated: &[Generated],
    sink: &dyn Sink,
) -> Result<()> {
    render_generated_with(env, &Prepared::new(env.site, env.docs), &generated, sink)
}

fn render_generated_with(
    env: &RenderEnv,
    prep: &Prepared,
    generated: &dyn GeneratedPages,
    sink: &dyn Sink,
) -> Result<()> {
    (0..generated.count())
        .into_par_iter()
        .try_for_each(|i| -> Result<()> {
            let g = generated.page(i);
            let html = env.render_generated_with(prep, &g)?;
            sink.write(&format!("{}index.html", g.url), html.as_bytes())
        })
}

/// Renders the print views of `books`; returns their URLs.
pub fn render_print(env: &RenderEnv, books: &[BookId], sink: &dyn Sink) -> Result<Vec<String>> {
    render_print_with(env, &Prepared::new(env.site, env.docs), books, sink)
}

fn render_print_with(
    env: &RenderEnv,
    prep: &Prepared,
    books: &[BookId],
    sink: &dyn Sink,
) -> Result<Vec<String>> {
    let site = env.site;
    let t = crate::timing::Stages::start();
    // Each print view holds a whole book: render them in parallel.
    let done: Vec<(String, usize)> = books
        .par_iter()
        .map(|&bi| -> Result<(String, usize)> {
            let b = &site.books[bi];
            let url = join_url(b.prefix(), "print/");
            let depths = summary_depths(b);
            let pages: Vec<PrintPageCtx> =
                super::extras::print_body(site, env.docs, b, &url, env.offline)
                    .into_iter()
                    .enumerate()
                    .map(|(i, (p, content))| PrintPageCtx {
                        title: prep.titles[p].clone(),
                        anchor: format!("p{i}"),
                        depth: depths.get(&p).copied().unwrap_or(0),
                        description: site.pages[p].front.description.clone().unwrap_or_default(),
                        // Trimmed so the template can test for a leading <h1>.
                        content: match content.trim_start() {
                            t if t.len() == content.len() => content,
                            t => t.to_string(),
                        },
                    })
                    .collect();
            let mut ctx = env.base_context(&url, "print", Some(b));
            ctx.insert("book", &env.book_ctx(b, &url, None, b.prefix()));
            let place = Place {
                prefix: b.prefix(),
                canonical: true,
            };
            ctx.insert(
                "nav",
                &env.nav_items(prep, &prep.books[bi].nav, &url, None, place),
            );
            ctx.insert("print_pages", &pages);
            ctx.insert(
                "page",
                &PageCtx {
                    title: format!("{} (print)", b.title),
                    url: url.clone(),
                    ..PageCtx::default()
                },
            );
            let html = env
                .theme
                .render("print.html", &ctx)
                .with_context(|| format!("rendering {url}"))?;
            sink.write(&format!("{url}index.html"), html.as_bytes())?;
            Ok((url, html.len()))
        })
        .collect::<Result<_>>()?;
    if let Some((url, most)) = done.iter().max_by_key(|(_, n)| *n) {
        t.note(&format!(
            "print views: {} ({} bytes), largest {url} ({most} bytes)",
            done.len(),
            done.iter().map(|(_, n)| n).sum::<usize>()
        ));
    }
    Ok(done.into_iter().map(|(url, _)| url).collect())
}

/// Writes `llms.txt`.
pub fn render_llms(env: &RenderEnv, sink: &dyn Sink) -> Result<()> {
    render_llms_with(env, &Prepared::new(env.site, env.docs), sink)
}

fn render_llms_with(env: &RenderEnv, prep: &Prepared, sink: &dyn Sink) -> Result<()> {
    sink.write(
        "llms.txt",
        super::extras::llms_txt(env.site, env.docs, env.requirements, |p| {
            prep.titles[p].clone()
        })
        .as_bytes(),
    )
}

/// The title shown for page `p`: front matter, SUMMARY entry, first heading, or file name.
pub fn title_of_page(site: &Site, docs: &[Doc], p: PageId) -> String {
    page_title(site, docs, p)
}

/// `404.html`: served for any missing path at any depth, so its links may
/// not be relative to where it lies. With `site_url` the template sets
/// `<base href>`; without, links start at the server root (`/`).
fn render_not_found(env: &RenderEnv) -> Result<String> {
    let mut ctx = tera::Context::new();
    let mut sctx = env.site_ctx("", None);
    if sctx.site_url.is_none() {
        let abs = |h: &str| {
            if h == "./" {
                "/".to_string()
            } else {
                format!("/{h}")
            }
        };
        sctx.rel_root = "/".to_string();
        sctx.home_href = abs(&sctx.home_href);
        sctx.glossary_href = abs(&sctx.glossary_href);
        for b in &mut sctx.books {
            b.href = abs(&b.href);
        }
        for c in &mut sctx.css {
            *c = abs(c);
        }
    }
    ctx.insert("site", &sctx);
    ctx.insert("page_kind", "404");
    ctx.insert("search_manifest", &env.search_manifest);
    ctx.insert(
        "page",
        &PageCtx {
            title: "Page not found".into(),
            ..PageCtx::default()
        },
    );
    env.theme.render("404.html", &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The native page layouts ([`super::super::native`]) equal what the
    /// default templates draw: every page and every glossary page of the
    /// demo site, the real corpus and the fixture sites with versions,
    /// edit links, redefinitions and variants; online and offline, with
    /// last-updated dates and injected HTML.
    #[test]
    fn native_layouts_match_the_templates() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixtures = repo.join("tests/fixtures");
        // The demo, then every fixture site that loads on its own.
        let mut roots: Vec<(std::path::PathBuf, Option<std::path::PathBuf>)> =
            vec![(repo.to_path_buf(), None)];
        let mut dirs: Vec<_> = std::fs::read_dir(&fixtures)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        roots.extend(dirs.into_iter().map(|d| (d, None)));
        let corpus = repo.join("../shared/corpus/govstack");
        if corpus.is_dir() {
            roots.push((corpus, Some(fixtures.join("corpus-config/specsite.yaml"))));
        } else {
            eprintln!(
                "note: ../shared/corpus absent; comparing on the demo and fixture sites only"
            );
        }
        let (mut pages, mut generated) = (0, 0);
        for (root, config) in roots {
            let Ok(a) = crate::analyse(&crate::Options {
                root: root.clone(),
                config,
                ..Default::default()
            }) else {
                continue; // a fixture of a load error, or a partial site
            };
            let native = Theme::load(&a.site.root, None).unwrap();
            assert!(native.native_layouts().is_some(), "{}", root.display());
            let templates = Theme::load(&a.site.root, None)
                .unwrap()
                .without_native_layouts();
            for offline in [false, true] {
                let env = |theme| RenderEnv {
                    site: &a.site,
                    docs: &a.docs,
                    theme,
                    offline,
                    search_manifest: "search/manifest.0123456789.js".into(),
                    body_end_html: if offline {
                        "<script>/* injected */</script>".into()
                    } else {
                        String::new()
                    },
                    books_with_glossary: a.site.books.iter().map(|b| b.id.clone()).collect(),
                    last_updated: if offline {
                        a.site
                            .pages
                            .iter()
                            .map(|p| (p.file.clone(), "2026-01-02".to_string()))
                            .collect()
                    } else {
                        Default::default()
                    },
                    requirements: &a.requirements,
                };
                let (fast, slow) = (env(&native), env(&templates));
                let prep = Prepared::new(&a.site, &a.docs);
                for (p, page) in a.site.pages.iter().enumerate() {
                    let b = &a.site.books[page.book];
                    let places = std::iter::once(Place {
                        prefix: b.prefix(),
                        canonical: true,
                    })
                    .chain(b.url_prefixes.iter().skip(1).map(|alias| Place {
                        prefix: alias.as_str(),
                        canonical: false,
                    }));
                    for place in places {
                        let want = slow.render_page(&prep, p, place).unwrap();
                        let got = fast.render_page(&prep, p, place).unwrap();
                        assert_same(&got, &want, &page.file);
                        pages += 1;
                    }
                }
                for g in crate::glossary_generated(&a, offline) {
                    let want = slow.render_generated_with(&prep, &g).unwrap();
                    let got = fast.render_generated_with(&prep, &g).unwrap();
                    assert_same(&got, &want, &g.url);
                    generated += 1;
                }
            }
        }
        assert!(
            pages > 100 && generated > 50,
            "{pages} pages, {generated} generated"
        );
    }

    /// Equal strings, or a failure showing where they part.
    fn assert_same(got: &str, want: &str, what: &str) {
        if got == want {
            return;
        }
        let at = got
            .bytes()
            .zip(want.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()));
        let from = at.saturating_sub(120);
        let cut = |s: &str| {
            let mut a = from.min(s.len());
            while !s.is_char_boundary(a) {
                a -= 1;
            }
            let mut e = (at + 120).min(s.len());
            while !s.is_char_boundary(e) {
                e += 1;
            }
            s[a..e].to_string()
        };
        panic!(
            "{what}: native and template differ at byte {at}\n--- native:\n{}\n--- template:\n{}",
            cut(got),
            cut(want)
        );
    }

    /// The native navigation equals what the default `nav.html` template
    /// draws, on every page of the demo site and of the real corpus.
    #[test]
    fn native_navigation_matches_the_template() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = repo.join("../shared/corpus/govstack");
        let mut roots = vec![repo.to_path_buf()];
        if corpus.is_dir() {
            roots.push(corpus);
        } else {
            eprintln!("note: ../shared/corpus absent; comparing on the demo site only");
        }
        for root in roots {
            let a = crate::analyse(&crate::Options {
                root: root.clone(),
                ..Default::default()
            })
            .unwrap();
            let theme = Theme::load(&a.site.root, None).unwrap();
            assert!(theme.default_nav());
            let env = RenderEnv {
                site: &a.site,
                docs: &a.docs,
                theme: &theme,
                offline: false,
                search_manifest: String::new(),
                body_end_html: String::new(),
                books_with_glossary: Default::default(),
                last_updated: Default::default(),
                requirements: &a.requirements,
            };
            let prep = Prepared::new(&a.site, &a.docs);
            let mut compared = 0;
            for (p, page) in a.site.pages.iter().enumerate() {
                let place = Place {
                    prefix: a.site.books[page.book].prefix(),
                    canonical: true,
                };
                let from = prep.url_at(&a.site, p, place);
                let items = env.nav_items(&prep, &prep.books[page.book].nav, &from, Some(p), place);
                if items.is_empty() {
                    continue;
                }
                let mut ctx = tera::Context::new();
                ctx.insert("nav", &items);
                let expected = theme.render("nav.html", &ctx).unwrap();
                assert_eq!(
                    super::super::theme::nav_html(&items),
                    expected,
                    "{}",
                    page.file
                );
                compared += 1;
            }
            assert!(
                compared > 10,
                "{}: only {compared} pages compared",
                root.display()
            );
        }
    }
}
