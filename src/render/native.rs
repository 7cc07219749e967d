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
    /// `sidebar_html`: the whole sidebar, already drawn (a book's, or the
    /// loader of a shared one); without it the sidebar lists the books.
    pub sidebar_html: Option<&'a str>,
    /// The theme's icons by name (`edit`, the only one the layouts draw;
    /// the header's are stylesheet rules), as the `icon` macro draws them.
    pub icons: &'a Icons,
}

/// The `icon` macro's output for each icon the layouts use.
#[derive(Debug, Clone, Default)]
pub struct Icons {
    /// `edit`.
    pub edit: String,
}

use super::theme::escape_html_into as esc;

/// `base.html`, with the `title` and `content` blocks drawn by the callers.
fn base(
    out: &mut String,
    l: &Layout,
    title: impl FnOnce(&mut String),
    content: impl FnOnce(&mut String),
) {
    let (site, page) = (l.site, l.page);
    let rr = site.rel_root.as_str();
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    esc(out, &site.language);
    out.push_str("\" data-root=\"");
    esc(out, rr);
    out.push_str("\" data-search-manifest=\"");
    esc(out, l.search_manifest);
    out.push('"');
    if site.offline {
        out.push_str(" data-offline=\"1\"");
    }
    out.push_str(">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    title(out);
    out.push_str("</title>");
    // Link previews read `<title>` and the description when `og:title` and
    // `og:description` are absent, and `og:type` defaults to `website`: only
    // the site's name, which the title may not carry, is said again.
    if !page.description.is_empty() {
        out.push_str("<meta name=\"description\" content=\"");
        esc(out, &page.description);
        out.push_str("\">");
    }
    out.push_str("<meta property=\"og:site_name\" content=\"");
    esc(out, &site.title);
    out.push_str("\">");
    if let Some(c) = page.canonical.as_deref() {
        out.push_str("<link rel=\"canonical\" href=\"");
        esc(out, c);
        out.push_str("\"><meta property=\"og:url\" content=\"");
        esc(out, c);
        out.push_str("\">");
    }
    out.push_str("<script src=\"");
    esc(out, rr);
    out.push_str("assets/theme.js\"></script>");
    let own_css = format!("{rr}assets/specsite.css");
    out.push_str("<link rel=\"stylesheet\" href=\"");
    esc(out, &own_css);
    out.push_str("\">");
    for href in site.css.iter().filter(|h| **h != own_css) {
        out.push_str("<link rel=\"stylesheet\" href=\"");
        esc(out, href);
        out.push_str("\">");
    }
    // search.js is loaded by specsite.js when the search box is first used.
    let (own_js, search_js) = (
        format!("{rr}assets/specsite.js"),
        format!("{rr}assets/search.js"),
    );
    let scripts = std::iter::once(&own_js)
        .chain(site.js.iter().filter(|h| **h != own_js && **h != search_js));
    for src in scripts.chain(page.term_tips.as_ref()) {
        out.push_str("<script defer src=\"");
        esc(out, src);
        out.push_str("\"></script>");
    }
    out.push_str("</head>\n<body class=\"kind-");
    esc(out, l.kind);
    out.push_str("\"><a href=\"#main\">Skip to content</a><input type=\"checkbox\" id=\"nav-drawer\" aria-label=\"Show navigation\"><header><label for=\"nav-drawer\"></label><a href=\"");
    esc(out, &site.home_href);
    out.push_str("\">");
    esc(out, &site.title);
    out.push_str("</a>");
    if let Some(b) = l.book {
        out.push_str("<a href=\"");
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
    out.push_str("<div></div></header><div class=\"layout");
    if !page.toc.is_empty() {
        out.push_str(" has-toc");
    }
    out.push_str("\"><label for=\"nav-drawer\" aria-hidden=\"true\"></label><nav id=\"sidebar\" aria-label=\"");
    let book_sidebar = l.book.is_some() && l.sidebar_html.is_some();
    out.push_str(if book_sidebar { "Book" } else { "Site" });
    out.push_str("\">");
    match l.sidebar_html {
        Some(sidebar) => out.push_str(sidebar),
        None => {
            out.push_str("<h2 class=\"nav-part-title\">Specifications</h2><ul class=\"nav-list\">");
            for b in &site.books {
                out.push_str("<li class=\"nav-item\"><a class=\"nav-link\" href=\"");
                esc(out, &b.href);
                out.push('"');
                if b.current {
                    out.push_str(" aria-current=\"true\"");
                }
                out.push('>');
                esc(out, &b.title);
                out.push_str("</a></li>");
            }
            out.push_str("</ul><h2 class=\"nav-part-title\">Reference</h2><ul class=\"nav-list\"><li class=\"nav-item\"><a class=\"nav-link\" href=\"");
            esc(out, &site.glossary_href);
            out.push('"');
            if l.kind == "glossary" {
                out.push_str(" aria-current=\"page\"");
            }
            out.push_str(">Glossary</a></li></ul>");
        }
    }
    out.push_str("</nav><main id=\"main\" tabindex=\"-1\">");
    content(out);
    out.push_str("</main>");
    if !page.toc.is_empty() {
        out.push_str("<aside class=\"toc\" aria-labelledby=\"toc-title\"><div><h2 id=\"toc-title\">On this page</h2><ul>");
        for t in &page.toc {
            out.push_str("<li");
            if t.level != 2 {
                out.push_str(" class=\"toc-l");
                out.push_str(&t.level.to_string());
                out.push('"');
            }
            out.push_str("><a href=\"#");
            esc(out, &t.id);
            out.push_str("\">");
            esc(out, &t.title);
            out.push_str("</a></li>");
        }
        out.push_str("</ul></div></aside>");
    }
    out.push_str("</div>\n");
    out.push_str(&site.body_end_html);
    out.push_str("</body>\n</html>\n");
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
    out.push_str("<article class=\"doc\">");
    if let Some(b) = book {
        if let Some(latest) = b.latest_href.as_deref().filter(|h| !h.is_empty()) {
            out.push_str(
                "<div class=\"banner banner-old\" role=\"note\"><p>You are reading version <strong>",
            );
            esc(out, version);
            out.push_str("</strong> of ");
            esc(out, &b.title);
            out.push_str(", which is not the latest. <a href=\"");
            esc(out, latest);
            out.push_str("\">Read the latest version</a>.</p></div>");
        }
    }
    let versions = book.map(|b| b.versions.as_slice()).unwrap_or_default();
    if !page.breadcrumbs.is_empty() || !versions.is_empty() {
        out.push_str("<div class=\"doc-top\">");
        if !page.breadcrumbs.is_empty() {
            out.push_str("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\"><ol>");
            for c in &page.breadcrumbs {
                out.push_str("<li><a href=\"");
                esc(out, &c.href);
                out.push_str("\">");
                esc(out, &c.title);
                out.push_str("</a></li>");
            }
            out.push_str("</ol></nav>");
        }
        if !versions.is_empty() {
            out.push_str("<details class=\"version-switcher\"><summary>Version <span class=\"version-current\">");
            esc(out, version);
            out.push_str("</span></summary><ul>");
            for v in versions {
                out.push_str("<li><a href=\"");
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
            out.push_str("</ul></details>");
        }
        out.push_str("</div>");
    }
    let lead = |out: &mut String| {
        if !page.description.is_empty() {
            out.push_str("<p class=\"lead\">");
            esc(out, &page.description);
            out.push_str("</p>");
        }
    };
    if !page.heading.is_empty() {
        out.push_str("<header class=\"doc-header\">");
        out.push_str(&page.heading);
        lead(out);
        out.push_str("</header>");
    } else {
        let own_h1 = page.content.trim_start().starts_with("<h1");
        if !own_h1 || !page.description.is_empty() {
            out.push_str("<header class=\"doc-header\">");
            if !own_h1 {
                out.push_str("<h1>");
                esc(out, &page.title);
                out.push_str("</h1>");
            }
            lead(out);
            out.push_str("</header>");
        }
    }
    out.push_str("<div class=\"doc-body\">\n");
    out.push_str(&page.content);
    out.push_str("\n</div>");
    let edit = page.edit_url.as_deref().filter(|e| !e.is_empty());
    let source = page.source_href.as_deref().filter(|s| !s.is_empty());
    let updated = page.last_updated.as_deref().filter(|d| !d.is_empty());
    let meta = edit.is_some() || source.is_some() || updated.is_some();
    let pager = page.prev.is_some() || page.next.is_some();
    if meta || pager {
        out.push_str("<footer class=\"doc-footer\">");
    }
    if meta {
        out.push_str("<div class=\"doc-meta\">");
        if let Some(e) = edit {
            out.push_str("<a class=\"edit-link\" href=\"");
            esc(out, e);
            out.push_str("\" rel=\"noopener\">");
            out.push_str(&l.icons.edit);
            out.push_str(" Edit this page</a>");
        }
        if let Some(s) = source {
            out.push_str("<a class=\"source-link\" href=\"");
            esc(out, s);
            out.push_str("\">View markdown</a>");
        }
        if let Some(d) = updated {
            out.push_str("<span class=\"last-updated\">Last updated <time datetime=\"");
            esc(out, d);
            out.push_str("\">");
            esc(out, d);
            out.push_str("</time></span>");
        }
        out.push_str("</div>");
    }
    if pager {
        out.push_str("<nav class=\"pager\" aria-label=\"Previous and next page\">");
        for (link, class, rel, dir) in [
            (&page.prev, "pager-prev", "prev", "Previous"),
            (&page.next, "pager-next", "next", "Next"),
        ] {
            if let Some(link) = link {
                out.push_str("<a class=\"pager-link ");
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
        out.push_str("</nav>");
    }
    if meta || pager {
        out.push_str("</footer>");
    }
    out.push_str("</article>");
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
    let mut out = String::with_capacity(8_000);
    let t = get(data, "term");
    let tv = |k: &str| t.and_then(|t| t.get(k));
    let title = |out: &mut String| put(out, tv("name"));
    let content = |out: &mut String| {
        out.push_str("<article class=\"term-page\"><nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\"><a href=\"");
        put(out, data.get("index_href"));
        out.push_str("\">");
        if truthy(tv("book_title")) {
            put(out, tv("book_title"));
            out.push_str(": glossary");
        } else {
            out.push_str("Glossary");
        }
        out.push_str("</a></nav><header><h1>");
        put(out, tv("name"));
        if truthy(tv("abbreviation")) {
            out.push_str(" <abbr>(");
            put(out, tv("abbreviation"));
            out.push_str(")</abbr>");
        }
        out.push_str("</h1><p class=\"term-meta\">");
        if str_of(tv("scope")) == "book" {
            out.push_str("<span class=\"badge\">");
            put(out, tv("book_title"));
            out.push_str(" only</span>");
        } else {
            out.push_str("<span class=\"badge\">common term</span>");
        }
        let deprecated = truthy(tv("deprecated"));
        if deprecated {
            out.push_str(" <span class=\"badge badge-deprecated\">deprecated</span>");
        } else if truthy(tv("status")) {
            out.push_str(" <span class=\"badge\">");
            put(out, tv("status"));
            out.push_str("</span>");
        }
        out.push_str("</p></header>");
        if deprecated {
            out.push_str("<div class=\"hint hint-warning\" role=\"note\"><p>This term is deprecated: avoid it in new text.</p></div>");
        }
        out.push_str("<section class=\"term-definition\" aria-label=\"Definition\">");
        put_safe(out, tv("definition_html"));
        out.push_str("</section><dl class=\"term-facts\">");
        if len(tv("aliases")) > 0 {
            out.push_str("<dt>Also written</dt><dd>");
            put_joined(out, tv("aliases"));
            out.push_str("</dd>");
        }
        if len(tv("avoid")) > 0 {
            out.push_str("<dt>Avoid</dt><dd>");
            put_joined(out, tv("avoid"));
            out.push_str("</dd>");
        }
        if truthy(tv("source")) {
            out.push_str("<dt>Source</dt><dd>");
            put(out, tv("source"));
            out.push_str("</dd>");
        }
        if truthy(tv("identifier")) {
            out.push_str("<dt>Identifier</dt><dd><code>");
            put(out, tv("identifier"));
            out.push_str("</code></dd>");
        }
        for x in items(tv("extra")) {
            out.push_str("<dt>");
            put(out, x.get("key"));
            out.push_str("</dt><dd>");
            put(out, x.get("value"));
            out.push_str("</dd>");
        }
        out.push_str("<dt>Defined in</dt><dd>");
        let defined_in = tv("defined_in");
        let din = |k: &str| defined_in.and_then(|d| d.get(k));
        if truthy(din("href")) {
            put_link(out, din("href"), din("title"));
        } else {
            out.push_str("<code>");
            put(out, din("file"));
            out.push_str("</code>");
        }
        out.push_str("</dd>");
        let see_also = data.get("see_also");
        if len(see_also) > 0 {
            out.push_str("<dt>See also</dt><dd><ul class=\"inline-list\">");
            for s in items(see_also) {
                out.push_str("<li>");
                if truthy(s.get("href")) {
                    put_link(out, s.get("href"), s.get("name"));
                } else {
                    put(out, s.get("name"));
                }
                out.push_str("</li>");
            }
            out.push_str("</ul></dd>");
        }
        out.push_str("</dl>");
        let common = data.get("common");
        if truthy(common) {
            out.push_str("<section class=\"term-common\" aria-labelledby=\"common-definition\"><h2 id=\"common-definition\">Common definition</h2><p>This book redefines the common term <a href=\"");
            put(out, common.and_then(|c| c.get("href")));
            out.push_str("\">");
            put(out, common.and_then(|c| c.get("name")));
            out.push_str("</a>:</p><blockquote>");
            put_safe(out, common.and_then(|c| c.get("definition_html")));
            out.push_str("</blockquote></section>");
        }
        let redefs = data.get("redefinitions");
        let n = len(redefs);
        if n > 0 {
            out.push_str("<section class=\"term-redefinitions\" aria-labelledby=\"redefinitions\"><h2 id=\"redefinitions\">Redefined in ");
            put_count(out, n as u64, "book", "books");
            out.push_str("</h2>");
            for r in items(redefs) {
                let identical = truthy(r.get("identical"));
                out.push_str("<div class=\"compare");
                if identical {
                    out.push_str(" compare-identical");
                }
                out.push_str("\"><h3><a href=\"");
                put(out, r.get("href"));
                out.push_str("\">");
                put(out, r.get("book_title"));
                out.push_str(": ");
                put(out, r.get("name"));
                out.push_str("</a>");
                if identical {
                    out.push_str(" <span class=\"badge\">same wording</span>");
                }
                out.push_str("</h3><div class=\"compare-columns\"><div><h4>Common</h4>");
                put_safe(out, tv("definition_html"));
                out.push_str("</div><div><h4>");
                put(out, r.get("book_title"));
                out.push_str("</h4>");
                put_safe(out, r.get("definition_html"));
                out.push_str("</div></div></div>");
            }
            out.push_str("</section>");
        }
        out.push_str("<section class=\"term-uses\" aria-labelledby=\"used-in\"><h2 id=\"used-in\">Used in</h2>");
        let total = data.get("total_uses").and_then(Value::as_u64).unwrap_or(0);
        if total == 0 {
            out.push_str("<p>No page mentions this term.</p>");
        } else {
            out.push_str("<p>");
            put_count(out, total, "mention", "mentions");
            out.push_str(".</p>");
            for b in items(data.get("used_in")) {
                out.push_str("<h3>");
                put(out, b.get("title"));
                out.push_str(" <span class=\"count\">(");
                put(out, b.get("total"));
                out.push_str(")</span></h3><ul>");
                for p in items(b.get("pages")) {
                    out.push_str("<li>");
                    put_link(out, p.get("href"), p.get("title"));
                    out.push_str(" (");
                    put(out, p.get("count"));
                    out.push_str(")</li>");
                }
                out.push_str("</ul>");
            }
        }
        out.push_str("</section></article>");
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
        out.push_str("<article class=\"glossary-index\"><header>");
        if book_scope {
            out.push_str("<h1>");
            put(out, data.get("book_title"));
            out.push_str(": glossary</h1><p>");
            put(out, data.get("count"));
            out.push_str(" terms defined by this book only. Terms shared by every book are in the <a href=\"");
            put(out, data.get("common_href"));
            out.push_str("\">common glossary</a>.</p>");
        } else {
            out.push_str("<h1>Glossary</h1><p>");
            put(out, data.get("count"));
            out.push_str(" common terms. Building Block specifications use these terms and do not redefine them. <a href=\"");
            put(out, data.get("matrix_href"));
            out.push_str("\">Usage by book</a>.</p>");
        }
        out.push_str("</header>");
        let letters = items(data.get("letters"));
        if !letters.is_empty() {
            out.push_str("<nav class=\"glossary-letters\" aria-label=\"Letters\"><ul>");
            for g in letters {
                out.push_str("<li><a href=\"#");
                put(out, g.get("anchor"));
                out.push_str("\">");
                put(out, g.get("letter"));
                out.push_str("</a></li>");
            }
            out.push_str("</ul></nav>");
        }
        for g in letters {
            out.push_str("<section class=\"glossary-letter\" aria-labelledby=\"");
            put(out, g.get("anchor"));
            out.push_str("\"><h2 id=\"");
            put(out, g.get("anchor"));
            out.push_str("\">");
            put(out, g.get("letter"));
            out.push_str("</h2><dl>");
            for t in items(g.get("terms")) {
                out.push_str("<dt>");
                put_link(out, t.get("href"), t.get("name"));
                if truthy(t.get("abbreviation")) {
                    out.push_str(" <abbr>(");
                    put(out, t.get("abbreviation"));
                    out.push_str(")</abbr>");
                }
                if truthy(t.get("deprecated")) {
                    out.push_str(" <span class=\"badge badge-deprecated\">deprecated</span>");
                }
                if truthy(t.get("redefines")) {
                    out.push_str(
                        " <span class=\"badge badge-redefined\">redefines a common term</span>",
                    );
                }
                let n = len(t.get("redefined_in"));
                if n > 0 {
                    out.push_str(" <span class=\"badge badge-redefined\">redefined in ");
                    put_count(out, n as u64, "book", "books");
                    out.push_str("</span>");
                }
                out.push_str("</dt><dd>");
                put(out, t.get("summary"));
                out.push_str("</dd>");
            }
            out.push_str("</dl></section>");
        }
        let books = items(data.get("books"));
        if !books.is_empty() {
            out.push_str("<section class=\"glossary-books\" aria-labelledby=\"book-glossaries\"><h2 id=\"book-glossaries\">Book glossaries</h2><ul>");
            for b in books {
                out.push_str("<li>");
                put_link(out, b.get("href"), b.get("title"));
                out.push_str(" (");
                put(out, b.get("count"));
                out.push_str(")</li>");
            }
            out.push_str("</ul></section>");
        }
        out.push_str("</article>");
    };
    base(&mut out, l, title, content);
    out
}
