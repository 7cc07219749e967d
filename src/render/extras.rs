//! Machine-readable and derived outputs: `sitemap.xml`, `llms.txt`, and the
//! one-page print view of each book.

use crate::content::{Book, Site};
use crate::markdown::Doc;
use crate::resolve::{asset_url, Target};
use crate::urls::href;
use regex::Regex;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

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
/// to each page's markdown source (`index.md`).
pub fn llms_txt(site: &Site, docs: &[Doc], title_of: impl Fn(usize) -> String) -> String {
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
        for &p in b.pages.iter().filter(|&&p| site.pages[p].in_summary) {
            let page = &site.pages[p];
            let url = absolute(site, &format!("{}index.md", page.url(site)));
            let desc = page.front.description.clone().or_else(|| {
                docs.get(p)
                    .and_then(|d| d.sections.first())
                    .map(|sec| first_sentence(&sec.text))
                    .filter(|t| !t.is_empty())
            });
            match desc {
                Some(d) => {
                    let _ = writeln!(s, "- [{}]({}): {}", title_of(p), url, d.replace('\n', " "));
                }
                None => {
                    let _ = writeln!(s, "- [{}]({})", title_of(p), url);
                }
            }
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

fn attr_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"\s(href|src|id)="([^"]*)""#).expect("valid regex"))
}

/// The print view of `book`: every SUMMARY page in order, each in a
/// `<section>`, with ids prefixed per page and links between pages of the
/// book turned into in-page anchors. Returns each page with its rewritten
/// body HTML; page `order[i]` has the section id `p{i}`.
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
    let index: HashMap<usize, usize> = order.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let anchor = |i: usize, frag: Option<&str>| match frag {
        Some(f) => format!("#p{i}-{f}"),
        None => format!("#p{i}"),
    };
    let mut out = Vec::new();
    for (i, &p) in order.iter().enumerate() {
        let page_url = site.pages[p].url(site);
        // What each emitted href/src was, and what it becomes here.
        let mut map: HashMap<String, String> = HashMap::new();
        for l in &docs[p].links {
            let (old, new) = match &l.target {
                Target::Page { page, fragment } => {
                    let to = site.pages[*page].url(site);
                    let old = href(&page_url, &to, fragment.as_deref(), offline);
                    let new = match index.get(page) {
                        Some(&j) => anchor(j, fragment.as_deref()),
                        None => href(print_url, &to, fragment.as_deref(), offline),
                    };
                    (old, new)
                }
                Target::SamePage { fragment } => {
                    (format!("#{fragment}"), anchor(i, Some(fragment)))
                }
                Target::Asset { file } => match asset_url(site, file) {
                    Some(u) => (
                        href(&page_url, &u, None, false),
                        href(print_url, &u, None, false),
                    ),
                    None => continue,
                },
                _ => continue,
            };
            map.insert(old, new);
        }
        let html = &docs[p].html;
        let mut body = String::with_capacity(html.len());
        let mut last = 0;
        for cap in attr_regex().captures_iter(html) {
            let (Some(name), Some(val)) = (cap.get(1), cap.get(2)) else {
                continue;
            };
            let replacement = if name.as_str() == "id" {
                Some(format!("p{i}-{}", val.as_str()))
            } else {
                map.get(val.as_str()).cloned()
            };
            if let Some(r) = replacement {
                body.push_str(&html[last..val.start()]);
                body.push_str(&r);
                last = val.end();
            }
        }
        body.push_str(&html[last..]);
        out.push((p, body));
    }
    out
}
