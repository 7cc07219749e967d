//! Rendering every output file of a site into a [`Sink`].

use super::context::*;
use super::theme::Theme;
use crate::content::{Book, BookId, PageId, Site, SummaryItem};
use crate::markdown::Doc;
use crate::output::Sink;
use crate::resolve::asset_url;
use crate::urls::{href, rel_root};
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;

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
    /// Book ids that have their own glossary pages.
    pub books_with_glossary: std::collections::BTreeSet<String>,
    /// Root-relative file → last-updated date (empty unless `last_updated: true`).
    pub last_updated: std::collections::BTreeMap<String, String>,
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

/// A navigation entry before it is made relative to one page.
#[derive(Debug, Clone)]
pub(crate) struct NavNode {
    kind: &'static str,
    title: String,
    url: Option<String>,
    external: bool,
    page: Option<PageId>,
    children: Vec<NavNode>,
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

fn nav_nodes(site: &Site, items: &[SummaryItem]) -> Vec<NavNode> {
    items
        .iter()
        .map(|it| match it {
            SummaryItem::Part { title, .. } => NavNode {
                kind: "part",
                title: title.clone(),
                url: None,
                external: false,
                page: None,
                children: Vec::new(),
            },
            SummaryItem::Separator => NavNode {
                kind: "separator",
                title: String::new(),
                url: None,
                external: false,
                page: None,
                children: Vec::new(),
            },
            SummaryItem::Link {
                title,
                dest,
                page,
                external,
                children,
                ..
            } => NavNode {
                kind: "link",
                title: title.clone(),
                url: match (page, external) {
                    (Some(p), _) => Some(site.pages[*p].url(site)),
                    (None, true) => dest.clone(),
                    _ => None,
                },
                external: *external,
                page: *page,
                children: nav_nodes(site, children),
            },
        })
        .collect()
}

/// Makes nav nodes relative to `from`, marking the current page; returns
/// whether the current page is in this subtree.
fn nav_items(
    nodes: &[NavNode],
    from: &str,
    current: Option<PageId>,
    offline: bool,
) -> (Vec<NavItem>, bool) {
    let mut any = false;
    let items = nodes
        .iter()
        .map(|n| {
            let (children, below) = nav_items(&n.children, from, current, offline);
            let is_current = current.is_some() && n.page == current;
            any |= is_current || below;
            NavItem {
                kind: n.kind,
                title: n.title.clone(),
                href: n.url.as_ref().map(|u| {
                    if n.external {
                        u.clone()
                    } else {
                        href(from, u, None, offline)
                    }
                }),
                external: n.external,
                current: is_current,
                active: is_current || below,
                children,
            }
        })
        .collect();
    (items, any)
}

fn breadcrumbs(
    nodes: &[NavNode],
    current: PageId,
    from: &str,
    offline: bool,
    trail: &mut Vec<LinkCtx>,
) -> bool {
    for n in nodes {
        if n.page == Some(current) {
            return true;
        }
        if let Some(u) = &n.url {
            trail.push(LinkCtx {
                title: n.title.clone(),
                href: href(from, u, None, offline),
            });
        }
        if breadcrumbs(&n.children, current, from, offline, trail) {
            return true;
        }
        if n.url.is_some() {
            trail.pop();
        }
    }
    false
}

impl RenderEnv<'_> {
    fn site_ctx(&self, from: &str, current_book: Option<&str>) -> SiteCtx {
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
                .filter(|b| b.latest)
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
            css: vec![format!("{rr}assets/highlight.css")],
            js: Vec::new(),
            body_end_html: self.body_end_html.clone(),
            site_url: site.config.site_url.clone(),
        }
    }

    /// Root-relative URL of a book's home page.
    fn book_home(&self, b: &Book) -> String {
        b.pages
            .iter()
            .find(|&&p| self.site.pages[p].slug.is_empty())
            .or_else(|| b.pages.first())
            .map(|&p| self.site.pages[p].url(self.site))
            .unwrap_or_else(|| crate::urls::join_url(b.prefix(), ""))
    }

    fn base_context(&self, from: &str, kind: &str, book: Option<&Book>) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site_ctx(from, book.map(|b| b.id.as_str())));
        ctx.insert("page_kind", kind);
        ctx.insert("search_manifest", &self.search_manifest);
        if let Some(b) = book {
            ctx.insert("book", &self.book_ctx(b, from, None));
        }
        ctx
    }

    fn book_ctx(&self, b: &Book, from: &str, page: Option<PageId>) -> BookCtx {
        let site = self.site;
        let siblings: Vec<&Book> = site
            .books
            .iter()
            .filter(|o| o.id == b.id && o.version.is_some())
            .collect();
        let same_page_in = |o: &Book| -> String {
            let slug = page.map(|p| site.pages[p].slug.as_str());
            let target = slug
                .and_then(|s| o.pages.iter().find(|&&q| site.pages[q].slug == s))
                .map(|&q| site.pages[q].url(site))
                .unwrap_or_else(|| self.book_home(o));
            href(from, &target, None, self.offline)
        };
        BookCtx {
            id: b.id.clone(),
            title: b.title.clone(),
            href: href(from, &self.book_home(b), None, self.offline),
            glossary_href: self.books_with_glossary.contains(&b.id).then(|| {
                href(
                    from,
                    &crate::urls::join_url(b.prefix(), "glossary/"),
                    None,
                    self.offline,
                )
            }),
            print_href: href(
                from,
                &crate::urls::join_url(b.prefix(), "print/"),
                None,
                self.offline,
            ),
            version: b.version.clone(),
            versions: siblings
                .iter()
                .map(|o| VersionLink {
                    label: o.version.clone().unwrap_or_default(),
                    href: same_page_in(o),
                    current: o.version == b.version,
                    latest: o.latest,
                })
                .collect(),
            latest_href: if b.latest {
                None
            } else {
                siblings.iter().find(|o| o.latest).map(|o| same_page_in(o))
            },
        }
    }

    /// Renders one markdown page.
    fn render_page(&self, p: PageId, nav: &[NavNode]) -> Result<String> {
        let site = self.site;
        let page = &site.pages[p];
        let doc = &self.docs[p];
        let book = &site.books[page.book];
        let from = page.url(site);
        let mut ctx = self.base_context(&from, "page", None);
        ctx.insert("book", &self.book_ctx(book, &from, Some(p)));
        let (nav_items, _) = nav_items(nav, &from, Some(p), self.offline);
        ctx.insert("nav", &nav_items);
        let order: Vec<PageId> = book
            .pages
            .iter()
            .copied()
            .filter(|&q| site.pages[q].in_summary)
            .collect();
        let pos = order.iter().position(|&q| q == p);
        let link_to = |q: PageId| LinkCtx {
            title: page_title(site, self.docs, q),
            href: href(&from, &site.pages[q].url(site), None, self.offline),
        };
        let mut crumbs = Vec::new();
        if let Some(sum) = &book.summary {
            let nodes = nav_nodes(site, &sum.items);
            if !breadcrumbs(&nodes, p, &from, self.offline, &mut crumbs) {
                crumbs.clear();
            }
        }
        let pctx = PageCtx {
            title: page_title(site, self.docs, p),
            description: page.front.description.clone().unwrap_or_default(),
            content: doc.html.clone(),
            toc: doc
                .headings
                .iter()
                .filter(|h| (2..=3).contains(&h.level))
                .map(|h| TocItem {
                    level: h.level,
                    title: h.text.clone(),
                    id: h.id.clone(),
                })
                .collect(),
            breadcrumbs: crumbs,
            prev: pos
                .and_then(|i| i.checked_sub(1))
                .map(|i| link_to(order[i])),
            next: pos.and_then(|i| order.get(i + 1)).map(|&q| link_to(q)),
            edit_url: book
                .edit_url
                .as_ref()
                .map(|t| t.replace("{path}", &page.path)),
            last_updated: self.last_updated.get(&page.file).cloned(),
            canonical: site
                .config
                .site_url
                .as_ref()
                .map(|u| format!("{}/{}", u.trim_end_matches('/'), from)),
            source_href: Some("index.md".to_string()),
            url: from.clone(),
        };
        ctx.insert("page", &pctx);
        self.theme
            .render("page.html", &ctx)
            .with_context(|| format!("rendering {}", page.file))
    }

    /// Renders a generated page.
    pub fn render_generated(&self, g: &Generated) -> Result<String> {
        let book = g.book.map(|b| &self.site.books[b]);
        let mut ctx = self.base_context(&g.url, g.template.trim_end_matches(".html"), book);
        if let Some(b) = book {
            if let Some(sum) = &b.summary {
                let (items, _) = nav_items(
                    &nav_nodes(self.site, &sum.items),
                    &g.url,
                    None,
                    self.offline,
                );
                ctx.insert("nav", &items);
            }
        }
        ctx.insert("data", &g.data);
        ctx.insert(
            "page",
            &PageCtx {
                title: g.title.clone(),
                url: g.url.clone(),
                ..PageCtx::default()
            },
        );
        self.theme
            .render(&g.template, &ctx)
            .with_context(|| format!("rendering {}", g.url))
    }
}

/// Each SUMMARY page's nesting depth (0 = top level).
fn summary_depths(b: &Book) -> std::collections::HashMap<PageId, usize> {
    fn walk(
        items: &[SummaryItem],
        depth: usize,
        out: &mut std::collections::HashMap<PageId, usize>,
    ) {
        for it in items {
            if let SummaryItem::Link { page, children, .. } = it {
                if let Some(p) = page {
                    out.entry(*p).or_insert(depth);
                }
                walk(children, depth + 1, out);
            }
        }
    }
    let mut out = std::collections::HashMap::new();
    if let Some(s) = &b.summary {
        walk(&s.items, 0, &mut out);
    }
    out
}

/// Renders and writes every file of the site; returns the root-relative URLs
/// of the HTML pages written (for the sitemap), sorted.
pub fn render_site(
    env: &RenderEnv,
    generated: &[Generated],
    sink: &dyn Sink,
) -> Result<Vec<String>> {
    let site = env.site;
    for (path, bytes) in env.theme.static_files() {
        sink.write(&path, &bytes)?;
    }
    sink.write(
        "assets/highlight.css",
        crate::markdown::highlight::highlight_css().as_bytes(),
    )?;
    let all: Vec<PageId> = (0..site.pages.len()).collect();
    render_pages(env, &all, sink)?;
    site.assets.par_iter().try_for_each(|a| -> Result<()> {
        if let Some(u) = asset_url(site, a) {
            sink.copy(&u, &site.root.join(a))?;
        }
        Ok(())
    })?;
    render_generated_pages(env, generated, sink)?;
    // Landing page and 404.
    let ctx = env.base_context("", "landing", None);
    sink.write(
        "index.html",
        env.theme.render("landing.html", &ctx)?.as_bytes(),
    )?;
    let mut ctx = env.base_context("", "404", None);
    ctx.insert(
        "page",
        &PageCtx {
            title: "Page not found".into(),
            ..PageCtx::default()
        },
    );
    sink.write("404.html", env.theme.render("404.html", &ctx)?.as_bytes())?;
    // `.gitbook.yaml` redirects: old paths lead to their new pages.
    for b in &site.books {
        for (from, to) in &b.redirects {
            let target = site
                .page_by_file
                .get(&crate::resolve::normalize_join(&b.page_root, to).unwrap_or_default())
                .copied();
            let Some(target) = target else { continue };
            let from_path = from.trim_matches('/').trim_end_matches(".md");
            let url = crate::urls::join_url(b.prefix(), &format!("{from_path}/"));
            if site.pages.iter().any(|p| p.url(site) == url) {
                continue; // a real page wins over a redirect
            }
            let mut ctx = tera::Context::new();
            ctx.insert(
                "target_href",
                &href(&url, &site.pages[target].url(site), None, env.offline),
            );
            ctx.insert("site", &env.site_ctx(&url, Some(&b.id)));
            sink.write(
                &format!("{url}index.html"),
                env.theme.render("redirect.html", &ctx)?.as_bytes(),
            )?;
        }
    }
    // The latest version is also reachable under its label: redirect there.
    for b in &site.books {
        for alias in b.url_prefixes.iter().skip(1) {
            for &p in &b.pages {
                let page = &site.pages[p];
                let from = crate::urls::join_url(alias, &page.slug);
                let mut ctx = tera::Context::new();
                ctx.insert(
                    "target_href",
                    &href(&from, &page.url(site), None, env.offline),
                );
                ctx.insert("site", &env.site_ctx(&from, Some(&b.id)));
                sink.write(
                    &format!("{from}index.html"),
                    env.theme.render("redirect.html", &ctx)?.as_bytes(),
                )?;
            }
        }
    }
    // One-page print view per book.
    let mut urls: Vec<String> = site.pages.iter().map(|p| p.url(site)).collect();
    let books: Vec<BookId> = (0..site.books.len()).collect();
    urls.extend(render_print(env, &books, sink)?);
    urls.extend(generated.iter().map(|g| g.url.clone()));
    urls.push(String::new());
    urls.sort();
    urls.dedup();
    sink.write(
        "sitemap.xml",
        super::extras::sitemap(site, &urls).as_bytes(),
    )?;
    render_llms(env, sink)?;
    Ok(urls)
}

/// Every book's navigation tree, by [`BookId`].
fn book_navs(site: &Site) -> Vec<Vec<NavNode>> {
    site.books
        .iter()
        .map(|b| {
            b.summary
                .as_ref()
                .map(|s| nav_nodes(site, &s.items))
                .unwrap_or_default()
        })
        .collect()
}

/// Renders and writes some markdown pages (`index.html` and `index.md` each),
/// in parallel. [`render_site`] calls it with every page; `serve` with the
/// pages an edit touched.
pub fn render_pages(env: &RenderEnv, pages: &[PageId], sink: &dyn Sink) -> Result<()> {
    let site = env.site;
    let navs = book_navs(site);
    pages.par_iter().try_for_each(|&p| -> Result<()> {
        let page = &site.pages[p];
        let html = env.render_page(p, &navs[page.book])?;
        let url = page.url(site);
        sink.write(&format!("{url}index.html"), html.as_bytes())?;
        sink.write(&format!("{url}index.md"), page.source.as_bytes())?;
        Ok(())
    })
}

/// Renders and writes generated pages (glossary…), in parallel.
pub fn render_generated_pages(
    env: &RenderEnv,
    generated: &[Generated],
    sink: &dyn Sink,
) -> Result<()> {
    generated.par_iter().try_for_each(|g| -> Result<()> {
        let html = env.render_generated(g)?;
        sink.write(&format!("{}index.html", g.url), html.as_bytes())
    })
}

/// Renders and writes the one-page print view of some books; returns their
/// root-relative URLs in the order given.
pub fn render_print(env: &RenderEnv, books: &[BookId], sink: &dyn Sink) -> Result<Vec<String>> {
    let site = env.site;
    let navs = book_navs(site);
    let title_of = |p: PageId| page_title(site, env.docs, p);
    let mut urls = Vec::with_capacity(books.len());
    for &bi in books {
        let b = &site.books[bi];
        let url = crate::urls::join_url(b.prefix(), "print/");
        let depths = summary_depths(b);
        let pages: Vec<PrintPageCtx> =
            super::extras::print_body(site, env.docs, b, &url, env.offline)
                .into_iter()
                .enumerate()
                .map(|(i, (p, content))| PrintPageCtx {
                    title: title_of(p),
                    anchor: format!("p{i}"),
                    depth: depths.get(&p).copied().unwrap_or(0),
                    description: site.pages[p].front.description.clone().unwrap_or_default(),
                    content,
                })
                .collect();
        let mut ctx = env.base_context(&url, "print", None);
        ctx.insert("book", &env.book_ctx(b, &url, None));
        ctx.insert("nav", &nav_items(&navs[bi], &url, None, env.offline).0);
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
        urls.push(url);
    }
    Ok(urls)
}

/// Writes `llms.txt` (page titles and URLs).
pub fn render_llms(env: &RenderEnv, sink: &dyn Sink) -> Result<()> {
    let site = env.site;
    sink.write(
        "llms.txt",
        super::extras::llms_txt(site, env.docs, |p| page_title(site, env.docs, p)).as_bytes(),
    )
}

/// The title a page is shown under: front matter, SUMMARY entry, first H1, file stem.
pub fn title_of_page(site: &Site, docs: &[Doc], p: PageId) -> String {
    page_title(site, docs, p)
}
