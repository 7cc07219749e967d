//! Machine-readable and derived outputs: `sitemap.xml`, `llms.txt`, and the
//! one-page print view of each book.

use crate::content::{Book, Site};
use crate::markdown::Doc;
use crate::requirements::{Level, SiteRequirements};
use std::collections::HashMap;
use std::fmt::Write as _;

fn absolute(site: &Site, url: &str) -> String {
    match &site.config.site_url {
        Some(base) => format!("{}/{}", base.trim_end_matches('/'), url),
        None => format!("/{url}"),
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `sitemap.xml` listing `urls` (root-relative, sorted). Locations are
/// absolute when `site_url` is configured, root-absolute paths otherwise.
pub fn sitemap(site: &Site, urls: &[String]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in urls {
        let _ = writeln!(
            s,
            "  <url><loc>{}</loc></url>",
            xml_escape(&absolute(site, u))
        );
    }
    s.push_str("</urlset>\n");
    s
}

/// `llms.txt`: the site, its books and their pages with descriptions, linking
/// to each page's markdown source (`index.md`). A page that states
/// requirements lists their ids, and a book with requirements links its
/// requirement index, `requirements.json` and `checklist.csv` with the counts
/// per level.
pub fn llms_txt(
    site: &Site,
    docs: &[Doc],
    reqs: &SiteRequirements,
    title_of: impl Fn(usize) -> String,
) -> String {
    let title = site
        .config
        .title
        .clone()
        .unwrap_or_else(|| "Specifications".into());
    let mut s = format!("# {title}\n\n");
    let books: Vec<&Book> = site.books.iter().filter(|b| b.latest).collect();
    let _ = writeln!(
        s,
        "> {} specification books with a common glossary.\n",
        books.len()
    );
    for b in books {
        let _ = writeln!(s, "## {}\n", b.title);
        if let Some(d) = &b.description {
            let _ = writeln!(s, "{}\n", d.trim());
        }
        let book_reqs = site
            .books
            .iter()
            .position(|x| std::ptr::eq(x, b))
            .and_then(|i| reqs.of_book(i))
            .map_or(&[][..], |br| br.requirements.as_slice());
        for &p in b.pages.iter().filter(|&&p| site.pages[p].in_summary) {
            let page = &site.pages[p];
            let url = absolute(site, &format!("{}index.md", page.url(site)));
            let desc = page.front.description.clone().or_else(|| {
                docs.get(p)
                    .and_then(|d| d.sections.first())
                    .map(|sec| first_sentence(&sec.text))
                    .filter(|t| !t.is_empty())
            });
            let ids: Vec<&str> = (book_reqs.iter())
                .filter(|r| r.extra.page == p)
                .map(|r| r.id.as_str())
                .collect();
            let _ = write!(s, "- [{}]({})", title_of(p), url);
            match (desc, ids.is_empty()) {
                (Some(d), true) => {
                    let _ = write!(s, ": {}", d.replace('\n', " "));
                }
                (Some(d), false) => {
                    let _ = write!(
                        s,
                        ": {} (requirements: {})",
                        d.replace('\n', " "),
                        ids.join(", ")
                    );
                }
                (None, false) => {
                    let _ = write!(s, ": requirements {}", ids.join(", "));
                }
                (None, true) => {}
            }
            s.push('\n');
        }
        if !book_reqs.is_empty() {
            let counts: Vec<String> = Level::ALL
                .iter()
                .filter_map(|l| {
                    let n = book_reqs.iter().filter(|r| r.level == *l).count();
                    (n > 0).then(|| format!("{n} {}", l.name()))
                })
                .collect();
            let at = |file: &str| absolute(site, &crate::urls::join_url(b.prefix(), file));
            let _ = writeln!(
                s,
                "- [Requirements]({}): {} requirements ({}); every one with its id, level, \
                 statement and place in [requirements.json]({}), as a compliance checklist \
                 in [checklist.csv]({})",
                at("requirements/"),
                book_reqs.len(),
                counts.join(", "),
                at("requirements.json"),
                at("checklist.csv"),
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "## Glossary\n\n- [Common glossary]({})",
        absolute(site, "glossary/")
    );
    s
}

fn first_sentence(text: &str) -> String {
    let t: String = text.chars().take(200).collect();
    match t.find(". ") {
        Some(i) => t[..=i].to_string(),
        None => t,
    }
}

/// The print view of `book`: every SUMMARY page in order, each in a
/// `<section>`, with ids prefixed per page (`p{i}-`), links between pages of
/// the book turned into in-page anchors, and every other relative link and
/// image made relative to the print view's URL, and term links turned into
/// their words ([`unlink_terms`]). Returns each page with its
/// rewritten body HTML; page `order[i]` has the section id `p{i}`.
pub fn print_body(
    site: &Site,
    docs: &[Doc],
    book: &Book,
    print_url: &str,
    offline: bool,
) -> Vec<(usize, String)> {
    let order: Vec<usize> = book
        .pages
        .iter()
        .copied()
        .filter(|&p| site.pages[p].in_summary)
        .collect();
    let index: rustc_hash::FxHashMap<String, usize> = order
        .iter()
        .enumerate()
        .map(|(i, &p)| (site.pages[p].url(site), i))
        .collect();
    // A heading's other anchors (GitBook's older form, ids written inside
    // it) by page: links to them go to the heading's own id, so nothing
    // refers to them and the print view leaves them out
    // ([`drop_unreferenced_ids`]).
    let alts: Vec<HashMap<&str, &str>> = order
        .iter()
        .map(|&p| {
            (docs[p].headings.iter())
                .flat_map(|h| h.alt_ids.iter().map(|a| (a.as_str(), h.id.as_str())))
                .collect()
        })
        .collect();
    let map = |target: &str, fragment: Option<&str>| {
        index.get(target).map(|&j| match fragment {
            Some(f) if !f.is_empty() => {
                format!("#p{j}-{}", alts[j].get(f).copied().unwrap_or(f))
            }
            _ => format!("#p{j}"),
        })
    };
    // Pages rebase in parallel (a large book's print view is one long job
    // otherwise); the order is kept.
    use rayon::prelude::*;
    let mut pages: Vec<(usize, String)> = order
        .par_iter()
        .enumerate()
        .map(|(i, &p)| {
            let page_url = site.pages[p].url(site);
            let prefix = format!("p{i}-");
            let body = rebase_html(
                &docs[p].html,
                &page_url,
                print_url,
                offline,
                Some(&prefix),
                &map,
            );
            (p, body)
        })
        .collect();
    draw_schemas_once(&mut pages);
    for (_, body) in pages.iter_mut() {
        unlink_terms(body);
    }
    drop_unreferenced_ids(&mut pages);
    pages
}

/// Takes out of a print view's pages the ids nothing in it refers to (by a
/// `#` link, `for` or an `aria-*` reference): a print view is read on paper
/// or straight through, and its ids (every one prefixed with its page's
/// `p<i>-`) are no address anyone keeps. An empty `<a id>` anchor goes
/// whole. Every page keeps all of its own anchors.
fn drop_unreferenced_ids(pages: &mut [(usize, String)]) {
    use rayon::prelude::*;
    let referred: rustc_hash::FxHashSet<String> = pages
        .par_iter()
        .map(|(_, body)| {
            let mut ids = Vec::new();
            for (name, val) in UrlAttrs::new(body) {
                let v = &body[val];
                match name {
                    "href" => ids.extend(v.strip_prefix('#').map(str::to_string)),
                    "id" | "src" => {}
                    _ => ids.extend(v.split(' ').filter(|s| !s.is_empty()).map(str::to_string)),
                }
            }
            ids
        })
        .flatten_iter()
        .collect();
    pages.par_iter_mut().for_each(|(_, body)| {
        let html = body.as_str();
        let mut out = String::with_capacity(html.len());
        let mut last = 0;
        for (name, val) in UrlAttrs::new(html) {
            if name != "id" || referred.contains(&html[val.clone()]) {
                continue;
            }
            // The attribute: from the white space before `id="` to the
            // closing quote.
            let name_at = val.start - "id=\"".len();
            let space = html[..name_at]
                .chars()
                .next_back()
                .map_or(0, char::len_utf8);
            let attr = name_at - space..val.end + 1;
            let anchor =
                html[..attr.start].ends_with("<a") && html[attr.end..].starts_with("></a>");
            let cut = if anchor {
                attr.start - 2..attr.end + "></a>".len()
            } else {
                attr
            };
            if cut.start < last {
                continue;
            }
            out.push_str(&html[last..cut.start]);
            last = cut.end;
        }
        if last > 0 {
            out.push_str(&html[last..]);
            *body = out;
        }
    });
}

const TERM_LINK: &str = "<a class=\"term\" href=\"";

/// The first `needle` in `hay` (a byte offset; the needles here start with
/// an ASCII character, so it is a character boundary), found with SIMD.
fn find(hay: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(hay.as_bytes(), needle.as_bytes())
}

/// Turns the glossary term links of a print view back into their words: a
/// print view is read on paper or straight through, the book's pages link
/// the terms, and the links were a twentieth of the print views' bytes.
/// A term link holds only its escaped words ([`crate::glossary::PageLinker`]).
fn unlink_terms(body: &mut String) {
    if find(body, TERM_LINK).is_none() {
        return;
    }
    let mut out = String::with_capacity(body.len());
    let mut rest = body.as_str();
    while let Some(at) = find(rest, TERM_LINK) {
        out.push_str(&rest[..at]);
        let link = &rest[at..];
        let words = link
            .find('>')
            .and_then(|open| Some((open, find(&link[open..], "</a>")? + open)));
        match words {
            Some((open, close)) if !link[open + 1..close].contains('<') => {
                out.push_str(&link[open + 1..close]);
                rest = &link[close + "</a>".len()..];
            }
            _ => {
                out.push_str(&link[..TERM_LINK.len()]);
                rest = &link[TERM_LINK.len()..];
            }
        }
    }
    out.push_str(rest);
    *body = out;
}

const SCHEMA_DEF: &str = "<section class=\"api-schema-def\" id=\"";

/// Keeps the first drawing of each named API schema in a book's print view
/// (pages draw the schemas they use, so several pages may draw one): a later
/// drawing becomes a short note, under the same id, linking to the first,
/// and its page's links to it go to the first directly.
fn draw_schemas_once(pages: &mut [(usize, String)]) {
    let mut first: HashMap<String, String> = HashMap::new();
    for (_, body) in pages.iter_mut() {
        if find(body, SCHEMA_DEF).is_none() {
            continue;
        }
        let mut out = String::with_capacity(body.len());
        // A moved drawing's id → the first drawing's id.
        let mut moved: HashMap<String, String> = HashMap::new();
        let mut rest = body.as_str();
        while let Some(at) = find(rest, SCHEMA_DEF) {
            out.push_str(&rest[..at]);
            let def = &rest[at..];
            let Some(len) = find(def, "</section>").map(|e| e + "</section>".len()) else {
                break;
            };
            let (id, key) = def_id_and_key(&def[..len]);
            match first.get(key) {
                Some(earlier) => {
                    let name = key.rsplit_once('#').map_or(key, |(_, n)| n);
                    let _ = write!(
                        out,
                        "<p class=\"api-schema-ref\" id=\"{id}\">Schema <code>{name}</code>: see <a href=\"#{earlier}\"><code>{name}</code></a> above.</p>"
                    );
                    moved.insert(id.to_string(), earlier.clone());
                }
                None => {
                    first.insert(key.to_string(), id.to_string());
                    out.push_str(&def[..len]);
                }
            }
            rest = &def[len..];
        }
        out.push_str(rest);
        *body = if moved.is_empty() {
            out
        } else {
            retarget_links(&out, &moved)
        };
    }
}

/// `html` with every `href="#id"` whose id `moved` maps retargeted to the
/// id it maps to, in one pass (ids end at the closing quote).
fn retarget_links(html: &str, moved: &HashMap<String, String>) -> String {
    const HREF: &str = "href=\"#";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = find(rest, HREF) {
        let value = at + HREF.len();
        let Some(len) = rest[value..].find('"') else {
            break;
        };
        out.push_str(&rest[..value]);
        let id = &rest[value..value + len];
        out.push_str(moved.get(id).map_or(id, String::as_str));
        rest = &rest[value + len..];
    }
    out.push_str(rest);
    out
}

/// The id and `data-schema` key of a schema drawing's opening tag.
fn def_id_and_key(def: &str) -> (&str, &str) {
    let attr = |name: &str| {
        let open = format!(" {name}=\"");
        def.find(&open)
            .map(|i| &def[i + open.len()..])
            .and_then(|v| v.find('"').map(|e| &v[..e]))
            .unwrap_or("")
    };
    (attr("id"), attr("data-schema"))
}

/// Whether an href/src value is relative to the page (not a scheme, not
/// root- or protocol-relative, not empty).
fn is_relative(v: &str) -> bool {
    if v.is_empty() || v.starts_with('/') {
        return false;
    }
    // A scheme is letters/digits/`+.-` before the first `:`, with no `/`, `?`, `#` earlier.
    match v.find([':', '/', '?', '#']) {
        Some(i) => v.as_bytes()[i] != b':',
        None => true,
    }
}

/// Resolves relative path `rel` (no query or fragment) against the folder of
/// root-relative page URL `base`; `None` when it climbs above the root.
pub fn resolve_url(base: &str, rel: &str) -> Option<String> {
    let mut segs: Vec<&str> = base.split('/').collect();
    segs.pop(); // the file name part (empty for folder URLs)
    segs.retain(|s| !s.is_empty());
    let parts: Vec<&str> = rel.split('/').collect();
    let folder = rel.is_empty() || matches!(parts[parts.len() - 1], "" | "." | "..");
    for p in parts {
        match p {
            ".." => {
                segs.pop()?;
            }
            "." | "" => {}
            s => segs.push(s),
        }
    }
    let mut out = segs.join("/");
    if folder && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Rewrites the page-relative URLs (`href`, `src`) of `html`, written for a
/// page at root-relative URL `old_from`, so that they work at `new_from`.
/// `map` sees each target (root-relative; folder URLs end in `/`, also in
/// offline output) and its fragment, and may return the href to use
/// instead; otherwise the target is linked relative to `new_from`. With
/// `id_prefix`, every `id` and id reference (`for`, `aria-*`) gets the
/// prefix, and so do same-page fragments (`#x` → `#<prefix>x`) unless `map`
/// answers them.
pub fn rebase_html(
    html: &str,
    old_from: &str,
    new_from: &str,
    offline: bool,
    id_prefix: Option<&str>,
    map: &dyn Fn(&str, Option<&str>) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut last = 0;
    for (name, val) in UrlAttrs::new(html) {
        let v = &html[val.clone()];
        let new = match name {
            "href" | "src" => rebase_url(v, old_from, new_from, offline, id_prefix, map),
            _ => id_prefix.map(|pre| {
                v.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("{pre}{s}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        };
        if let Some(r) = new {
            out.push_str(&html[last..val.start]);
            out.push_str(&r);
            last = val.end;
        }
    }
    out.push_str(&html[last..]);
    out
}

/// The attributes [`rebase_html`] rewrites.
const URL_ATTRS: [&str; 7] = [
    "href",
    "src",
    "id",
    "for",
    "aria-describedby",
    "aria-labelledby",
    "aria-controls",
];

/// The double-quoted [`URL_ATTRS`] of an HTML text, each preceded by white
/// space, in order: (name, byte range of the value). What the pattern
/// `\s(href|src|id|…)="([^"]*)"` finds, found by looking at each `="`
/// (pages are long and most of their `="` are such attributes).
struct UrlAttrs<'h> {
    html: &'h str,
    /// Where the search goes on: the end of the last attribute found.
    pos: usize,
    /// Where the next `="` is looked for.
    next: usize,
}

impl<'h> UrlAttrs<'h> {
    fn new(html: &'h str) -> Self {
        UrlAttrs {
            html,
            pos: 0,
            next: 0,
        }
    }
}

impl<'h> Iterator for UrlAttrs<'h> {
    type Item = (&'h str, std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let html = self.html;
        static EQ_QUOTE: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
            std::sync::OnceLock::new();
        let finder = EQ_QUOTE.get_or_init(|| memchr::memmem::Finder::new("=\""));
        loop {
            // The next `="` whose quote is at or after `next`.
            let from = self.next.saturating_sub(1);
            let eq = from + finder.find(html.as_bytes().get(from..)?)?;
            let quote = eq + 1;
            self.next = quote + 1;
            if eq < self.pos {
                continue;
            }
            let before = &html[self.pos..eq];
            let Some(name) = URL_ATTRS.iter().find(|n| before.ends_with(*n)) else {
                continue;
            };
            let space = before[..before.len() - name.len()].chars().next_back();
            if !space.is_some_and(char::is_whitespace) {
                continue;
            }
            let start = eq + 2;
            // No closing quote: no attribute further on has one either.
            let end = start + html[start..].find('"')?;
            self.pos = end + 1;
            self.next = end + 1;
            return Some((name, start..end));
        }
    }
}

fn rebase_url(
    v: &str,
    old_from: &str,
    new_from: &str,
    offline: bool,
    id_prefix: Option<&str>,
    map: &dyn Fn(&str, Option<&str>) -> Option<String>,
) -> Option<String> {
    let v = unescape_attr(v);
    let out = if let Some(frag) = v.strip_prefix('#') {
        match map(&folder_of(old_from), Some(frag)) {
            Some(m) => m,
            None => format!("#{}{frag}", id_prefix?),
        }
    } else {
        if !is_relative(&v) {
            return None;
        }
        let cut = v.find(['?', '#']).unwrap_or(v.len());
        let (path, rest) = v.split_at(cut);
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let mut target = resolve_url(old_from, &path)?;
        if offline {
            if let Some(dir) = target.strip_suffix("index.html") {
                if dir.is_empty() || dir.ends_with('/') {
                    target = dir.to_string();
                }
            }
        }
        let fragment = rest.strip_prefix('#');
        match map(&target, fragment).filter(|_| !rest.starts_with('?')) {
            Some(m) => m,
            None => {
                let mut h = crate::urls::href(new_from, &target, fragment, offline);
                if rest.starts_with('?') {
                    h.push_str(rest);
                }
                h
            }
        }
    };
    let mut escaped = String::with_capacity(out.len());
    let _ = pulldown_cmark_escape::escape_href(&mut escaped, &out);
    Some(escaped)
}

/// Undoes the entity escaping of an attribute value (`&amp;` and friends).
fn unescape_attr(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains('&') {
        return v.into();
    }
    v.replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .into()
}

/// The folder URL a page URL names (`a/` for `a/` and for `a/index.html`).
fn folder_of(url: &str) -> String {
    match url.rfind('/') {
        Some(i) => url[..=i].to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_attributes_are_what_the_pattern_finds() {
        let re = regex::Regex::new(
            r#"\s(href|src|id|for|aria-describedby|aria-labelledby|aria-controls)="([^"]*)""#,
        )
        .unwrap();
        let pieces = [
            " href=\"a\"",
            " src=\"b c\"",
            "<a",
            ">",
            " id=\"x\"",
            "\tfor=\"y\"",
            "\nid=\"\"",
            "data-id=\"no\"",
            " xhref=\"no\"",
            " aria-controls=\"m\"",
            " title=\" href=\"",
            "=\"",
            "\"",
            " ",
            "\u{a0}src=\"nb\"",
            "é",
            " aria-labelledby=\"l\"",
            " ID=\"up\"",
            "id=\"",
            " for =\"sp\"",
            "\u{2003}href=\"em\"",
        ];
        // Every sequence of up to four pieces, and a few long ones.
        let mut texts: Vec<String> = vec![String::new()];
        for _ in 0..3 {
            let mut more = Vec::new();
            for t in &texts {
                for p in pieces {
                    more.push(format!("{t}{p}"));
                }
            }
            texts.extend(more);
            texts.dedup();
        }
        texts.push(pieces.concat());
        texts.push(pieces.iter().rev().copied().collect::<Vec<_>>().concat());
        for t in &texts {
            let want: Vec<(&str, std::ops::Range<usize>)> = re
                .captures_iter(t)
                .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().range()))
                .collect();
            let got: Vec<(&str, std::ops::Range<usize>)> = UrlAttrs::new(t).collect();
            assert_eq!(got, want, "{t:?}");
        }
    }

    #[test]
    fn resolves_relative_paths_against_the_page_folder() {
        assert_eq!(resolve_url("a/b/", "../c/").as_deref(), Some("a/c/"));
        assert_eq!(resolve_url("a/b/", "x.png").as_deref(), Some("a/b/x.png"));
        assert_eq!(resolve_url("a/b/", "./").as_deref(), Some("a/b/"));
        assert_eq!(resolve_url("a/", "..").as_deref(), Some(""));
        assert_eq!(resolve_url("a/", "../../x/"), None);
        assert_eq!(resolve_url("404.html", "g/").as_deref(), Some("g/"));
    }

    #[test]
    fn rebases_links_for_a_deeper_page_and_keeps_absolute_ones() {
        let html = concat!(
            r##"<a href="../glossary/x/">t</a><img src="img/a%20b.png">"##,
            r##"<a href="https://e.org/">e</a><a href="#top">s</a>"##
        );
        let none = |_: &str, _: Option<&str>| None;
        let out = rebase_html(html, "book/", "book/print/", false, None, &none);
        let want = concat!(
            r##"<a href="../../glossary/x/">t</a><img src="../img/a%20b.png">"##,
            r##"<a href="https://e.org/">e</a><a href="#top">s</a>"##
        );
        assert_eq!(out, want);
    }

    #[test]
    fn print_view_keeps_only_the_ids_something_refers_to() {
        let mut pages = vec![
            (
                0,
                concat!(
                    r##"<h2 id="p0-kept"><a id="p0-old-form"></a>A</h2><h2 id="p0-gone">B</h2>"##,
                    r##"<a id="p0-anchor"></a>"##,
                    r##"<a id="p0-link" href="https://x">x</a><table><tr id="p0-row">"##,
                    r##"<div role="tabpanel" id="p0-panel" aria-labelledby="p0-tab">"##,
                    "<button\nid=\"p0-tab\" aria-controls=\"p0-panel\">t</button>",
                )
                .to_string(),
            ),
            (
                1,
                r##"<a href="#p0-kept">to A</a><h3 id="p1-x">X</h3>"##.to_string(),
            ),
        ];
        drop_unreferenced_ids(&mut pages);
        assert_eq!(
            pages[0].1,
            concat!(
                r##"<h2 id="p0-kept">A</h2><h2>B</h2>"##,
                r##"<a href="https://x">x</a><table><tr>"##,
                r##"<div role="tabpanel" id="p0-panel" aria-labelledby="p0-tab">"##,
                "<button\nid=\"p0-tab\" aria-controls=\"p0-panel\">t</button>",
            )
        );
        assert_eq!(pages[1].1, r##"<a href="#p0-kept">to A</a><h3>X</h3>"##);
    }

    #[test]
    fn prefixes_ids_and_maps_targets() {
        let html = concat!(
            r##"<h2 id="x">X</h2><a href="#x">here</a>"##,
            r##"<a href="../b/index.html#y">b</a><label for="x">l</label>"##
        );
        let map =
            |t: &str, f: Option<&str>| (t == "book/b/").then(|| format!("#B-{}", f.unwrap_or("")));
        let out = rebase_html(html, "book/a/", "book/print/", true, Some("p1-"), &map);
        let want = concat!(
            r##"<h2 id="p1-x">X</h2><a href="#p1-x">here</a>"##,
            r##"<a href="#B-y">b</a><label for="p1-x">l</label>"##
        );
        assert_eq!(out, want);
    }

    #[test]
    fn print_view_draws_each_named_schema_once() {
        let def = |page: &str, name: &str| {
            format!(
                "<section class=\"api-schema-def\" id=\"{page}-schema-a-{name}\" data-schema=\"api/a.yaml#{name}\">\n<table>{name} rows</table>\n</section>\n"
            )
        };
        let mut pages = vec![
            (
                0,
                format!("<a href=\"#p0-schema-a-pet\">Pet</a>{}", def("p0", "pet")),
            ),
            (
                1,
                format!(
                    "<a href=\"#p1-schema-a-pet\">Pet</a><a href=\"#p1-schema-a-tag\">Tag</a>{}{}",
                    def("p1", "pet"),
                    def("p1", "tag")
                ),
            ),
        ];
        draw_schemas_once(&mut pages);
        assert_eq!(pages[0].1.matches("pet rows").count(), 1);
        let second = &pages[1].1;
        assert!(!second.contains("pet rows"), "{second}");
        assert!(second.contains("tag rows"), "{second}");
        // The later drawing keeps its id as a note pointing at the first,
        // and the page's own links go to the first directly.
        assert!(second.contains(
            "<p class=\"api-schema-ref\" id=\"p1-schema-a-pet\">Schema <code>pet</code>: see <a href=\"#p0-schema-a-pet\">"
        ));
        assert!(
            second.starts_with("<a href=\"#p0-schema-a-pet\">Pet</a><a href=\"#p1-schema-a-tag\">")
        );
    }

    #[test]
    fn print_view_term_links_become_their_words() {
        let mut body = concat!(
            r#"<p>A <a class="term" href="../g/bb/">BB</a> &amp; "#,
            r#"<a class="term" href="../g/x/">X &amp; Y</a>, <a href="../y/">kept</a>.</p>"#
        )
        .to_string();
        unlink_terms(&mut body);
        assert_eq!(
            body,
            r#"<p>A BB &amp; X &amp; Y, <a href="../y/">kept</a>.</p>"#
        );
    }
}
