//! The default theme's page layouts drawn without the template engine.
//!
//! Tera spends most of a page's rendering time looking values up by path;
//! pages (`page.html`), term pages (`term.html`) and glossary indexes
//! (`glossary.html`), all on `base.html`, are most of a site's files. While a
//! theme leaves those templates as the default theme has them
//! ([`super::theme::Theme::native_layouts`]), the renderer draws them here,
//! byte for byte what the templates give: a test renders every page of the
//! demo site and of the real corpus both ways and compares them. A theme
//! that overrides any of them gets the templates.
//!
//! Keeping the two in step: a change to one of those templates needs the
//! same change here (the test fails until it is made).

use super::context::{BookCtx, PageCtx, SiteCtx};
use serde_json::Value;

/// What `base.html` reads.
pub struct Layout<'a> {
    /// `site`.
    pub site: &'a SiteCtx,
    /// `page_kind`.
    pub kind: &'a str,
    /// `search_manifest`.
    pub search_manifest: &'a str,
    /// `book`, when the page belongs to one.
    pub book: Option<&'a BookCtx>,
    /// `page`.
    pub page: &'a PageCtx,
    /// `nav_html`: the book navigation, already drawn.
    pub nav_html: Option<&'a str>,
    /// The theme's icons by name (`menu`, `search`, `moon`, `sun`, `edit`),
    /// as the `icon` macro draws them.
    pub icons: &'a Icons,
}

/// The `icon` macro's output for each icon the layouts use.
#[derive(Debug, Clone, Default)]
pub struct Icons {
    /// `menu`.
    pub menu: String,
    /// `search`.
    pub search: String,
    /// `moon`.
    pub moon: String,
    /// `sun`.
    pub sun: String,
    /// `edit`.
    pub edit: String,
}

use super::theme::escape_html_into as esc;

const HEAD_SCRIPT: &str = "\n<script>\n(function(){var d=document.documentElement,t;d.className+=\" js\";try{t=localStorage.getItem(\"specsite-theme\")}catch(e){}if(t!==\"light\"&&t!==\"dark\"){t=window.matchMedia&&matchMedia(\"(prefers-color-scheme: dark)\").matches?\"dark\":\"light\"}d.setAttribute(\"data-theme\",t)})();\n</script>";

const LOGO: &str = "<span class=\"site-logo\" aria-hidden=\"true\"></span>";

/// `base.html`, with the `title` and `content` blocks drawn by the callers.
fn base(
    out: &mut String,
    l: &Layout,
    title: impl FnOnce(&mut String),
    content: impl FnOnce(&mut String),
) {
    let (site, page) = (l.site, l.page);
    let rr = site.rel_root.as_str();
    let has_nav = l.nav_html.is_some();
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    esc(out, &site.language);
    out.push_str("\" data-root=\"");
    esc(out, rr);
    out.push_str("\" data-search-manifest=\"");
    esc(out, l.search_manifest);
    out.push_str("\" data-offline=\"");
    out.push_str(if site.offline { "1" } else { "0" });
    out.push_str("\" data-page-kind=\"");
    esc(out, l.kind);
    out.push_str("\" data-url=\"");
    esc(out, &page.url);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
    title(out);
    out.push_str("</title>");
    if !page.description.is_empty() {
        out.push_str("\n<meta name=\"description\" content=\"");
        esc(out, &page.description);
        out.push_str("\">\n<meta property=\"og:description\" content=\"");
        esc(out, &page.description);
        out.push_str("\">");
    }
    out.push_str("\n<meta property=\"og:title\" content=\"");
    esc(
        out,
        if page.title.is_empty() {
            &site.title
        } else {
            &page.title
        },
    );
    out.push_str("\">\n<meta property=\"og:site_name\" content=\"");
    esc(out, &site.title);
    out.push_str("\">\n<meta property=\"og:type\" content=\"");
    out.push_str(if l.kind == "page" {
        "article"
    } else {
        "website"
    });
    out.push_str("\">");
    if let Some(c) = page.canonical.as_deref() {
        out.push_str("\n<link rel=\"canonical\" href=\"");
        esc(out, c);
        out.push_str("\">\n<meta property=\"og:url\" content=\"");
        esc(out, c);
        out.push_str("\">");
    }
    out.push_str(HEAD_SCRIPT);
    let own_css = format!("{rr}assets/specsite.css");
    out.push_str("\n<link rel=\"stylesheet\" href=\"");
    esc(out, &own_css);
    out.push_str("\">");
    for href in site.css.iter().filter(|h| **h != own_css) {
        out.push_str("\n<link rel=\"stylesheet\" href=\"");
        esc(out, href);
        out.push_str("\">");
    }
    let (own_js, search_js) = (
        format!("{rr}assets/specsite.js"),
        format!("{rr}assets/search.js"),
    );
    for src in [&own_js, &search_js] {
        out.push_str("\n<script defer src=\"");
        esc(out, src);
        out.push_str("\"></script>");
    }
    for src in site.js.iter().filter(|h| **h != own_js && **h != search_js) {
        out.push_str("\n<script defer src=\"");
        esc(out, src);
        out.push_str("\"></script>");
    }
    out.push_str("\n\n</head>\n<body class=\"kind-");
    esc(out, l.kind);
    out.push_str("\">\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n<input type=\"checkbox\" id=\"nav-drawer\" class=\"nav-drawer-state\" aria-label=\"Show navigation\">\n<header class=\"site-header\">\n  <div class=\"header-inner\">\n    <label for=\"nav-drawer\" class=\"icon-button menu-button\" title=\"Navigation\">");
    out.push_str(&l.icons.menu);
    out.push_str("<span class=\"visually-hidden\">Navigation</span></label>\n    <a class=\"site-title\" href=\"");
    esc(out, &site.home_href);
    out.push_str("\">");
    out.push_str(LOGO);
    out.push_str("<span class=\"site-name\">");
    esc(out, &site.title);
    out.push_str("</span></a>");
    if let Some(b) = l.book {
        out.push_str("\n    <span class=\"header-sep\" aria-hidden=\"true\">/</span>\n    <a class=\"header-book\" href=\"");
        esc(out, &b.href);
        out.push_str("\">");
        esc(out, &b.title);
        if let Some(v) = b.version.as_deref().filter(|v| !v.is_empty()) {
            out.push_str(" <span class=\"version-tag\">");
            esc(out, v);
            out.push_str("</span>");
        }
        out.push_str("</a>");
    }
    out.push_str("\n    <div class=\"header-spacer\"></div>\n    <form role=\"search\" class=\"site-search\" action=\"#\" onsubmit=\"return false\">\n      <span class=\"search-icon\">");
    out.push_str(&l.icons.search);
    out.push_str("</span>\n      <input id=\"search-input\" type=\"search\" aria-label=\"Search\" placeholder=\"Search…\" autocomplete=\"off\" spellcheck=\"false\" aria-controls=\"search-results\">\n      <kbd class=\"search-key\" aria-hidden=\"true\">/</kbd>\n      <div id=\"search-results\" role=\"listbox\" aria-label=\"Search results\" hidden></div>\n    </form>\n    <button type=\"button\" class=\"icon-button theme-toggle\" aria-label=\"Dark theme\" aria-pressed=\"false\" title=\"Toggle dark theme\">");
    out.push_str(&l.icons.moon);
    out.push_str(&l.icons.sun);
    out.push_str("</button>\n  </div>\n</header>\n<div class=\"layout");
    if !page.toc.is_empty() {
        out.push_str(" has-toc");
    }
    out.push_str("\">\n  <label for=\"nav-drawer\" class=\"drawer-backdrop\" aria-hidden=\"true\"></label>\n  <nav id=\"sidebar\" class=\"sidebar\" aria-label=\"");
    out.push_str(if has_nav { "Book" } else { "Site" });
    out.push_str("\">\n    <div class=\"sidebar-inner\">");
    match l.nav_html {
        Some(nav) => {
            if let Some(b) = l.book {
                out.push_str("\n      <a class=\"sidebar-book\" href=\"");
                esc(out, &b.href);
                out.push_str("\">");
                esc(out, &b.title);
                out.push_str("</a>");
            }
            out.push_str("\n      ");
            out.push_str(nav);
            if let Some(b) = l.book {
                out.push_str("\n      <ul class=\"nav-list nav-extra\">");
                if let Some(g) = b.glossary_href.as_deref().filter(|g| !g.is_empty()) {
                    out.push_str("\n        <li class=\"nav-item\"><a class=\"nav-link\" href=\"");
                    esc(out, g);
                    out.push_str("\">Book glossary</a></li>");
                }
                out.push_str("\n        <li class=\"nav-item\"><a class=\"nav-link\" href=\"");
                esc(out, &site.glossary_href);
                out.push_str("\">Common glossary</a></li>\n        <li class=\"nav-item\"><a class=\"nav-link\" href=\"");
                esc(out, &b.print_href);
                out.push_str("\">Print this book</a></li>\n        <li class=\"nav-item\"><a class=\"nav-link\" href=\"");
                esc(out, &site.home_href);
                out.push_str("\">All specifications</a></li>\n      </ul>");
            }
        }
        None => {
            out.push_str("\n      <h2 class=\"nav-part-title\">Specifications</h2>\n      <ul class=\"nav-list\">");
            for b in &site.books {
                out.push_str("\n        <li class=\"nav-item\"><a class=\"nav-link\" href=\"");
                esc(out, &b.href);
                out.push('"');
                if b.current {
                    out.push_str(" aria-current=\"true\"");
                }
                out.push('>');
                esc(out, &b.title);
                out.push_str("</a></li>");
            }
            out.push_str("\n      </ul>\n      <h2 class=\"nav-part-title\">Reference</h2>\n      <ul class=\"nav-list\">\n        <li class=\"nav-item\"><a class=\"nav-link\" href=\"");
            esc(out, &site.glossary_href);
            out.push('"');
            if l.kind == "glossary" {
                out.push_str(" aria-current=\"page\"");
            }
            out.push_str(">Glossary</a></li>\n      </ul>");
        }
    }
    out.push_str("\n    </div>\n  </nav>\n  <main id=\"main\" tabindex=\"-1\">\n");
    content(out);
    out.push_str("\n  </main>");
    if !page.toc.is_empty() {
        out.push_str("\n  <aside class=\"toc\" aria-labelledby=\"toc-title\">\n    <div class=\"toc-inner\">\n      <h2 id=\"toc-title\" class=\"toc-title\">On this page</h2>\n      <ul>");
        for t in &page.toc {
            out.push_str("\n        <li class=\"toc-l");
            out.push_str(&t.level.to_string());
            out.push_str("\"><a href=\"#");
            esc(out, &t.id);
            out.push_str("\">");
            esc(out, &t.title);
            out.push_str("</a></li>");
        }
        out.push_str("\n      </ul>\n    </div>\n  </aside>");
    }
    out.push_str(
        "\n</div>\n<footer class=\"site-footer\">\n  <div class=\"footer-inner\">\n    <p>",
    );
    esc(out, &site.title);
    if let Some(b) = l.book {
        out.push_str(" · ");
        esc(out, &b.title);
    }
    out.push_str("</p>\n    <ul class=\"footer-links\">\n      <li><a href=\"");
    esc(out, &site.home_href);
    out.push_str("\">All specifications</a></li>\n      <li><a href=\"");
    esc(out, &site.glossary_href);
    out.push_str("\">Glossary</a></li>");
    if let Some(b) = l.book {
        out.push_str("\n      <li><a href=\"");
        esc(out, &b.print_href);
        out.push_str("\">Print view</a></li>");
    }
    out.push_str(
        "\n    </ul>\n    <p class=\"built-with\">Built with specsite</p>\n  </div>\n</footer>\n",
    );
    out.push_str(&site.body_end_html);
    out.push_str("\n</body>\n</html>\n");
}

/// `page.html`: a markdown page.
pub fn page(l: &Layout) -> String {
    let (site, page) = (l.site, l.page);
    let mut out = String::with_capacity(page.content.len() + page.heading.len() + 12_000);
    let title = |out: &mut String| {
        if !page.title.is_empty() && page.title != site.title {
            esc(out, &page.title);
            out.push_str(" · ");
        }
        if let Some(b) = l.book.filter(|b| !b.title.is_empty() && l.kind == "page") {
            if page.title != b.title {
                esc(out, &b.title);
                out.push_str(" · ");
            }
        }
        esc(out, &site.title);
    };
    let content = |out: &mut String| page_content(out, l);
    base(&mut out, l, title, content);
    out
}

fn page_content(out: &mut String, l: &Layout) {
    let page = l.page;
    let book = l.book;
    let version = book.and_then(|b| b.version.as_deref()).unwrap_or("");
    out.push_str("\n<article class=\"doc\">");
    if let Some(b) = book {
        if let Some(latest) = b.latest_href.as_deref().filter(|h| !h.is_empty()) {
            out.push_str("\n  <div class=\"banner banner-old\" role=\"note\">\n    <p>You are reading version <strong>");
            esc(out, version);
            out.push_str("</strong> of ");
            esc(out, &b.title);
            out.push_str(", which is not the latest. <a href=\"");
            esc(out, latest);
            out.push_str("\">Read the latest version</a>.</p>\n  </div>");
        }
    }
    let versions = book.map(|b| b.versions.as_slice()).unwrap_or_default();
    if !page.breadcrumbs.is_empty() || !versions.is_empty() {
        out.push_str("\n  <div class=\"doc-top\">");
        if !page.breadcrumbs.is_empty() {
            out.push_str(
                "\n    <nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\">\n      <ol>",
            );
            for c in &page.breadcrumbs {
                out.push_str("\n        <li><a href=\"");
                esc(out, &c.href);
                out.push_str("\">");
                esc(out, &c.title);
                out.push_str("</a></li>");
            }
            out.push_str("\n      </ol>\n    </nav>");
        }
        if !versions.is_empty() {
            out.push_str("\n    <details class=\"version-switcher\">\n      <summary>Version <span class=\"version-current\">");
            esc(out, version);
            out.push_str("</span></summary>\n      <ul>");
            for v in versions {
                out.push_str("\n        <li><a href=\"");
                esc(out, &v.href);
                out.push('"');
                if v.current {
                    out.push_str(" aria-current=\"page\"");
                }
                out.push('>');
                esc(out, &v.label);
                if v.latest {
                    out.push_str(" <span class=\"badge\">latest</span>");
                }
                out.push_str("</a></li>");
            }
            out.push_str("\n      </ul>\n    </details>");
        }
        out.push_str("\n  </div>");
    }
    let lead = |out: &mut String| {
        if !page.description.is_empty() {
            out.push_str("\n    <p class=\"lead\">");
            esc(out, &page.description);
            out.push_str("</p>");
        }
    };
    if !page.heading.is_empty() {
        out.push_str("\n  <header class=\"doc-header\">\n    ");
        out.push_str(&page.heading);
        lead(out);
        out.push_str("\n  </header>");
    } else {
        let own_h1 = page.content.trim_start().starts_with("<h1");
        if !own_h1 || !page.description.is_empty() {
            out.push_str("\n  <header class=\"doc-header\">");
            if !own_h1 {
                out.push_str("\n    <h1>");
                esc(out, &page.title);
                out.push_str("</h1>");
            }
            lead(out);
            out.push_str("\n  </header>");
        }
    }
    out.push_str("\n  <div class=\"doc-body\">\n");
    out.push_str(&page.content);
    out.push_str("\n  </div>\n  <footer class=\"doc-footer\">\n    <div class=\"doc-meta\">");
    if let Some(e) = page.edit_url.as_deref().filter(|e| !e.is_empty()) {
        out.push_str("\n      <a class=\"edit-link\" href=\"");
        esc(out, e);
        out.push_str("\" rel=\"noopener\">");
        out.push_str(&l.icons.edit);
        out.push_str(" Edit this page</a>");
    }
    if let Some(s) = page.source_href.as_deref().filter(|s| !s.is_empty()) {
        out.push_str("\n      <a class=\"source-link\" href=\"");
        esc(out, s);
        out.push_str("\">View markdown</a>");
    }
    if let Some(d) = page.last_updated.as_deref().filter(|d| !d.is_empty()) {
        out.push_str("\n      <span class=\"last-updated\">Last updated <time datetime=\"");
        esc(out, d);
        out.push_str("\">");
        esc(out, d);
        out.push_str("</time></span>");
    }
    out.push_str("\n    </div>");
    if page.prev.is_some() || page.next.is_some() {
        out.push_str("\n    <nav class=\"pager\" aria-label=\"Previous and next page\">");
        for (link, class, rel, dir) in [
            (&page.prev, "pager-prev", "prev", "Previous"),
            (&page.next, "pager-next", "next", "Next"),
        ] {
            if let Some(link) = link {
                out.push_str("\n      <a class=\"pager-link ");
                out.push_str(class);
                out.push_str("\" href=\"");
                esc(out, &link.href);
                out.push_str("\" rel=\"");
                out.push_str(rel);
                out.push_str("\"><span class=\"pager-dir\">");
                out.push_str(dir);
                out.push_str("</span><span class=\"pager-title\">");
                esc(out, &link.title);
                out.push_str("</span></a>");
            }
        }
        out.push_str("\n    </nav>");
    }
    out.push_str("\n  </footer>\n</article>\n");
}

// ---- Generated pages: their data is JSON, read with Tera's rules. ----

/// `a.b.c` in `v`.
fn get<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// Tera's truthiness: undefined, null, false, 0, "" and empty arrays and
/// objects are false.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// `{{ v }}` of a scalar: strings as they are, numbers and booleans printed,
/// null and undefined empty; escaped.
fn put(out: &mut String, v: Option<&Value>) {
    match v {
        Some(Value::String(s)) => esc(out, s),
        Some(Value::Number(n)) => out.push_str(&n.to_string()),
        Some(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        _ => {}
    }
}

/// `{{ v | safe }}`: a string as it is.
fn put_safe(out: &mut String, v: Option<&Value>) {
    match v {
        Some(Value::String(s)) => out.push_str(s),
        other => put(out, other),
    }
}

fn str_of(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or("")
}

fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// `v | length`.
fn len(v: Option<&Value>) -> usize {
    match v {
        Some(Value::Array(a)) => a.len(),
        Some(Value::String(s)) => s.chars().count(),
        Some(Value::Object(o)) => o.len(),
        _ => 0,
    }
}

/// `v | join(sep=", ")` of an array of strings, escaped.
fn put_joined(out: &mut String, v: Option<&Value>) {
    for (i, x) in items(v).iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        put(out, Some(x));
    }
}

/// `<a href="{{ href }}">{{ text }}</a>`.
fn put_link(out: &mut String, href: Option<&Value>, text: Option<&Value>) {
    out.push_str("<a href=\"");
    put(out, href);
    out.push_str("\">");
    put(out, text);
    out.push_str("</a>");
}

/// `n book` or `n books` (the templates' `{% if n == 1 %}…`).
fn put_count(out: &mut String, n: u64, one: &str, many: &str) {
    out.push_str(&n.to_string());
    out.push(' ');
    out.push_str(if n == 1 { one } else { many });
}

/// `term.html`: one glossary term.
pub fn term(l: &Layout, data: &Value) -> String {
    let mut out = String::with_capacity(12_000);
    let t = get(data, "term");
    let tv = |k: &str| t.and_then(|t| t.get(k));
    let title = |out: &mut String| put(out, tv("name"));
    let content = |out: &mut String| {
        out.push_str("\n<article class=\"term-page\">\n  <nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\"><a href=\"");
        put(out, data.get("index_href"));
        out.push_str("\">");
        if truthy(tv("book_title")) {
            put(out, tv("book_title"));
            out.push_str(": glossary");
        } else {
            out.push_str("Glossary");
        }
        out.push_str("</a></nav>\n  <header>\n    <h1>");
        put(out, tv("name"));
        if truthy(tv("abbreviation")) {
            out.push_str(" <abbr>(");
            put(out, tv("abbreviation"));
            out.push_str(")</abbr>");
        }
        out.push_str("</h1>\n    <p class=\"term-meta\">\n      ");
        if str_of(tv("scope")) == "book" {
            out.push_str("<span class=\"badge\">");
            put(out, tv("book_title"));
            out.push_str(" only</span>");
        } else {
            out.push_str("<span class=\"badge\">common term</span>");
        }
        out.push_str("\n      ");
        let deprecated = truthy(tv("deprecated"));
        if deprecated {
            out.push_str("<span class=\"badge badge-deprecated\">deprecated</span>");
        } else if truthy(tv("status")) {
            out.push_str("<span class=\"badge\">");
            put(out, tv("status"));
            out.push_str("</span>");
        }
        out.push_str("\n    </p>\n  </header>\n  ");
        if deprecated {
            out.push_str("\n  <div class=\"hint hint-warning\" role=\"note\"><p>This term is deprecated: avoid it in new text.</p></div>\n  ");
        }
        out.push_str("\n  <section class=\"term-definition\" aria-label=\"Definition\">");
        put_safe(out, tv("definition_html"));
        out.push_str("</section>\n  <dl class=\"term-facts\">\n    ");
        if len(tv("aliases")) > 0 {
            out.push_str("<dt>Also written</dt><dd>");
            put_joined(out, tv("aliases"));
            out.push_str("</dd>");
        }
        out.push_str("\n    ");
        if len(tv("avoid")) > 0 {
            out.push_str("<dt>Avoid</dt><dd>");
            put_joined(out, tv("avoid"));
            out.push_str("</dd>");
        }
        out.push_str("\n    ");
        if truthy(tv("source")) {
            out.push_str("<dt>Source</dt><dd>");
            put(out, tv("source"));
            out.push_str("</dd>");
        }
        out.push_str("\n    ");
        if truthy(tv("identifier")) {
            out.push_str("<dt>Identifier</dt><dd><code>");
            put(out, tv("identifier"));
            out.push_str("</code></dd>");
        }
        out.push_str("\n    ");
        for x in items(tv("extra")) {
            out.push_str("<dt>");
            put(out, x.get("key"));
            out.push_str("</dt><dd>");
            put(out, x.get("value"));
            out.push_str("</dd>");
        }
        out.push_str("\n    <dt>Defined in</dt>\n    <dd>");
        let defined_in = tv("defined_in");
        let din = |k: &str| defined_in.and_then(|d| d.get(k));
        if truthy(din("href")) {
            put_link(out, din("href"), din("title"));
        } else {
            out.push_str("<code>");
            put(out, din("file"));
            out.push_str("</code>");
        }
        out.push_str("</dd>\n    ");
        let see_also = data.get("see_also");
        if len(see_also) > 0 {
            out.push_str("\n    <dt>See also</dt>\n    <dd><ul class=\"inline-list\">");
            for s in items(see_also) {
                out.push_str("<li>");
                if truthy(s.get("href")) {
                    put_link(out, s.get("href"), s.get("name"));
                } else {
                    put(out, s.get("name"));
                }
                out.push_str("</li>");
            }
            out.push_str("</ul></dd>\n    ");
        }
        out.push_str("\n  </dl>\n  ");
        let common = data.get("common");
        if truthy(common) {
            out.push_str("\n  <section class=\"term-common\" aria-labelledby=\"common-definition\">\n    <h2 id=\"common-definition\">Common definition</h2>\n    <p>This book redefines the common term <a href=\"");
            put(out, common.and_then(|c| c.get("href")));
            out.push_str("\">");
            put(out, common.and_then(|c| c.get("name")));
            out.push_str("</a>:</p>\n    <blockquote>");
            put_safe(out, common.and_then(|c| c.get("definition_html")));
            out.push_str("</blockquote>\n  </section>\n  ");
        }
        out.push_str("\n  ");
        let redefs = data.get("redefinitions");
        let n = len(redefs);
        if n > 0 {
            out.push_str("\n  <section class=\"term-redefinitions\" aria-labelledby=\"redefinitions\">\n    <h2 id=\"redefinitions\">Redefined in ");
            put_count(out, n as u64, "book", "books");
            out.push_str("</h2>\n    ");
            for r in items(redefs) {
                let identical = truthy(r.get("identical"));
                out.push_str("\n    <div class=\"compare");
                if identical {
                    out.push_str(" compare-identical");
                }
                out.push_str("\">\n      <h3><a href=\"");
                put(out, r.get("href"));
                out.push_str("\">");
                put(out, r.get("book_title"));
                out.push_str(": ");
                put(out, r.get("name"));
                out.push_str("</a>");
                if identical {
                    out.push_str(" <span class=\"badge\">same wording</span>");
                }
                out.push_str(
                    "</h3>\n      <div class=\"compare-columns\">\n        <div><h4>Common</h4>",
                );
                put_safe(out, tv("definition_html"));
                out.push_str("</div>\n        <div><h4>");
                put(out, r.get("book_title"));
                out.push_str("</h4>");
                put_safe(out, r.get("definition_html"));
                out.push_str("</div>\n      </div>\n    </div>\n    ");
            }
            out.push_str("\n  </section>\n  ");
        }
        out.push_str("\n  <section class=\"term-uses\" aria-labelledby=\"used-in\">\n    <h2 id=\"used-in\">Used in</h2>\n    ");
        let total = data.get("total_uses").and_then(Value::as_u64).unwrap_or(0);
        if total == 0 {
            out.push_str("\n    <p>No page mentions this term.</p>\n    ");
        } else {
            out.push_str("\n    <p>");
            put_count(out, total, "mention", "mentions");
            out.push_str(".</p>\n    ");
            for b in items(data.get("used_in")) {
                out.push_str("\n    <h3>");
                put(out, b.get("title"));
                out.push_str(" <span class=\"count\">(");
                put(out, b.get("total"));
                out.push_str(")</span></h3>\n    <ul>");
                for p in items(b.get("pages")) {
                    out.push_str("<li>");
                    put_link(out, p.get("href"), p.get("title"));
                    out.push_str(" <span class=\"count\">(");
                    put(out, p.get("count"));
                    out.push_str(")</span></li>");
                }
                out.push_str("</ul>\n    ");
            }
            out.push_str("\n    ");
        }
        out.push_str("\n  </section>\n</article>\n");
    };
    base(&mut out, l, title, content);
    out
}

/// `glossary.html`: the common glossary or a book's glossary.
pub fn glossary(l: &Layout, data: &Value) -> String {
    let mut out = String::with_capacity(16_000);
    let book_scope = str_of(data.get("scope")) == "book";
    let title = |out: &mut String| {
        if book_scope {
            put(out, data.get("book_title"));
            out.push_str(": glossary");
        } else {
            out.push_str("Glossary");
        }
    };
    let content = |out: &mut String| {
        out.push_str("\n<article class=\"glossary-index\">\n  <header>\n    ");
        if book_scope {
            out.push_str("\n    <h1>");
            put(out, data.get("book_title"));
            out.push_str(": glossary</h1>\n    <p>");
            put(out, data.get("count"));
            out.push_str(" terms defined by this book only. Terms shared by every book are in the <a href=\"");
            put(out, data.get("common_href"));
            out.push_str("\">common glossary</a>.</p>\n    ");
        } else {
            out.push_str("\n    <h1>Glossary</h1>\n    <p>");
            put(out, data.get("count"));
            out.push_str(" common terms. Building Block specifications use these terms and do not redefine them.\n      <a href=\"");
            put(out, data.get("matrix_href"));
            out.push_str("\">Usage by book</a>.</p>\n    ");
        }
        out.push_str("\n  </header>\n  ");
        let letters = items(data.get("letters"));
        if !letters.is_empty() {
            out.push_str("\n  <nav class=\"glossary-letters\" aria-label=\"Letters\">\n    <ul>");
            for g in letters {
                out.push_str("<li><a href=\"#");
                put(out, g.get("anchor"));
                out.push_str("\">");
                put(out, g.get("letter"));
                out.push_str("</a></li>");
            }
            out.push_str("</ul>\n  </nav>\n  ");
        }
        out.push_str("\n  ");
        for g in letters {
            out.push_str("\n  <section class=\"glossary-letter\" aria-labelledby=\"");
            put(out, g.get("anchor"));
            out.push_str("\">\n    <h2 id=\"");
            put(out, g.get("anchor"));
            out.push_str("\">");
            put(out, g.get("letter"));
            out.push_str("</h2>\n    <dl>\n      ");
            for t in items(g.get("terms")) {
                out.push_str("\n      <dt>\n        ");
                put_link(out, t.get("href"), t.get("name"));
                if truthy(t.get("abbreviation")) {
                    out.push_str(" <abbr>(");
                    put(out, t.get("abbreviation"));
                    out.push_str(")</abbr>");
                }
                out.push_str("\n        ");
                if truthy(t.get("deprecated")) {
                    out.push_str("<span class=\"badge badge-deprecated\">deprecated</span>");
                }
                out.push_str("\n        ");
                if truthy(t.get("redefines")) {
                    out.push_str("<span class=\"badge badge-redefined\" title=\"Redefines a common term\">redefines a common term</span>");
                }
                out.push_str("\n        ");
                let n = len(t.get("redefined_in"));
                if n > 0 {
                    out.push_str("<span class=\"badge badge-redefined\">redefined in ");
                    put_count(out, n as u64, "book", "books");
                    out.push_str("</span>");
                }
                out.push_str("\n      </dt>\n      <dd>");
                put(out, t.get("summary"));
                out.push_str("</dd>\n      ");
            }
            out.push_str("\n    </dl>\n  </section>\n  ");
        }
        out.push_str("\n  ");
        let books = items(data.get("books"));
        if !books.is_empty() {
            out.push_str("\n  <section class=\"glossary-books\" aria-labelledby=\"book-glossaries\">\n    <h2 id=\"book-glossaries\">Book glossaries</h2>\n    <ul>");
            for b in books {
                out.push_str("<li>");
                put_link(out, b.get("href"), b.get("title"));
                out.push_str(" (");
                put(out, b.get("count"));
                out.push_str(")</li>");
            }
            out.push_str("</ul>\n  </section>\n  ");
        }
        out.push_str("\n</article>\n");
    };
    base(&mut out, l, title, content);
    out
}
