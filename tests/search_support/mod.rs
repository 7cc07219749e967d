//! Test support for search: the GovStack corpus turned into `SearchDoc`s by a
//! rough markdown reader (pages split at headings, markup stripped), standing
//! in for the real markdown core and glossary until the pipeline is wired.

#![allow(dead_code)]

use specsite::search::{DocKind, SearchDoc};
use std::path::{Path, PathBuf};

/// The corpus folder, or `None` (with a notice) when it is absent.
pub fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/govstack"),
        PathBuf::from("/work/shared/corpus/govstack"),
    ];
    let found = candidates.into_iter().find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("notice: GovStack corpus not found; skipping");
    }
    found
}

/// GitBook-style anchor of a heading (lowercase, spaces to `-`, punctuation dropped).
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if (c == ' ' || c == '-' || c == '/') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Markup stripped roughly: links keep their text, images, tags, GitBook
/// blocks and emphasis marks go.
pub fn strip_markup(s: &str) -> String {
    let re_img = regex::Regex::new(r"!\[[^\]]*\]\([^)]*\)").unwrap();
    let re_link = regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").unwrap();
    let re_tag =
        regex::Regex::new(r"\{%[^%]*%\}|<[^>]{0,300}>|&#x?[0-9a-fA-F]+;|&[a-z]+;").unwrap();
    let s = re_img.replace_all(s, " ");
    let s = re_link.replace_all(&s, "$1");
    let s = re_tag.replace_all(&s, " ");
    let s: String = s
        .chars()
        .map(|c| if "*_`|#>\\".contains(c) { ' ' } else { c })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_url(book: &str, rel: &str) -> String {
    let p = rel.trim_end_matches(".md");
    let p = p.strip_suffix("README").unwrap_or(p).trim_end_matches('/');
    if p.is_empty() {
        format!("{book}/")
    } else {
        format!("{book}/{p}/")
    }
}

fn title_case(book: &str) -> String {
    book.split('-')
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Term name and abbreviation from `Term (ABBR)`.
fn split_abbr(name: &str) -> (String, Vec<String>) {
    let name = name.trim();
    if let Some(open) = name.rfind(" (") {
        if name.ends_with(')') {
            let abbr = &name[open + 2..name.len() - 1];
            if !abbr.is_empty()
                && abbr
                    .chars()
                    .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '-')
            {
                return (name[..open].trim().to_string(), vec![abbr.to_string()]);
            }
        }
    }
    (name.to_string(), Vec::new())
}

/// Docs for one page: a section per heading and, on terminology pages, a
/// term per term heading or table row.
pub fn page_docs(
    book: &str,
    book_title: &str,
    rel: &str,
    src: &str,
    common: bool,
) -> Vec<SearchDoc> {
    let url = page_url(book, rel);
    let body = match src.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---").map_or(rest, |(_, b)| b),
        None => src,
    };
    let terminology = rel.contains("terminology");
    let term_book = if common { "" } else { book };
    let term_book_title = if common { "" } else { book_title };
    let mut docs = Vec::new();
    let mut page_title = String::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut cur: Option<(String, String, Vec<String>, String)> = None; // title, anchor, path, text
    let mut in_code = false;
    let flush = |cur: &mut Option<(String, String, Vec<String>, String)>,
                 docs: &mut Vec<SearchDoc>| {
        if let Some((title, anchor, path, text)) = cur.take() {
            let text = strip_markup(&text);
            let url = if anchor.is_empty() {
                url.clone()
            } else {
                format!("{url}#{anchor}")
            };
            let heading_term = terminology
                && title.len() < 80
                && !title.chars().next().is_some_and(|c| c.is_ascii_digit());
            if heading_term && !path.is_empty() && !text.is_empty() {
                let (name, aliases) = split_abbr(&title);
                docs.push(SearchDoc {
                    kind: DocKind::Term,
                    book: term_book.into(),
                    book_title: term_book_title.into(),
                    version: None,
                    title: name,
                    heading_path: Vec::new(),
                    url: url.clone(),
                    text: text.clone(),
                    aliases,
                });
            }
            docs.push(SearchDoc {
                kind: DocKind::Section,
                book: book.into(),
                book_title: book_title.into(),
                version: None,
                title,
                heading_path: path,
                url,
                text,
                aliases: Vec::new(),
            });
        }
    };
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if !in_code && (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            flush(&mut cur, &mut docs);
            let title = strip_markup(&line[hashes..]);
            if page_title.is_empty() {
                page_title = title.clone();
            }
            stack.retain(|(l, _)| *l < hashes);
            let path: Vec<String> = stack.iter().map(|(_, t)| t.clone()).collect();
            let anchor = if stack.is_empty() && hashes == 1 {
                String::new()
            } else {
                slug(&title)
            };
            stack.push((hashes, title.clone()));
            cur = Some((title, anchor, path, String::new()));
            continue;
        }
        if terminology && line.starts_with("| **") {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() >= 3 && !cells[1].contains("Term") {
                let (name, aliases) = split_abbr(&strip_markup(cells[1]));
                let def = strip_markup(cells[2]);
                if !name.is_empty() && !def.is_empty() {
                    docs.push(SearchDoc {
                        kind: DocKind::Term,
                        book: term_book.into(),
                        book_title: term_book_title.into(),
                        version: None,
                        title: name.clone(),
                        heading_path: Vec::new(),
                        url: format!("{url}#{}", slug(&name)),
                        text: def,
                        aliases,
                    });
                }
            }
        }
        match cur.as_mut() {
            Some(c) => {
                c.3.push_str(line);
                c.3.push('\n');
            }
            None => {
                cur = Some((
                    page_title.clone(),
                    String::new(),
                    Vec::new(),
                    format!("{line}\n"),
                ))
            }
        }
    }
    flush(&mut cur, &mut docs);
    docs.retain(|d| !d.title.is_empty() || !d.text.is_empty());
    docs
}

/// Every doc of the corpus, in a stable order.
pub fn corpus_docs(corpus: &Path) -> Vec<SearchDoc> {
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).unwrap_or_default();
    let mut docs = Vec::new();
    for row in manifest.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 5 {
            continue;
        }
        let (book, root) = (cols[0], cols[4].trim_start_matches("./"));
        let base = corpus.join(book).join(root);
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        let title = title_case(book);
        for f in files {
            let rel = f
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel.ends_with("SUMMARY.md") || rel.starts_with('.') {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(&f) else {
                continue;
            };
            let common = rel.ends_with("common-terminology.md") && !rel.contains('/');
            docs.extend(page_docs(book, &title, &rel, &src, common));
        }
    }
    docs
}

/// Writes a browsable test site into `dir`: the browser index, `search.js`
/// from the default theme, a landing page and one page per doc URL, each
/// carrying the `data-root`/`data-search-manifest` contract of search.js.
pub fn write_site(
    dir: &Path,
    docs: &[SearchDoc],
    offline: bool,
) -> specsite::search::BrowserIndexInfo {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    std::fs::create_dir_all(dir.join("search")).unwrap();
    let info = specsite::search::write_browser_index(docs, &|path, bytes| {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    });
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::copy(js, dir.join("static/search.js")).unwrap();
    let mut pages: Vec<String> = docs
        .iter()
        .map(|d| d.url.split('#').next().unwrap_or("").to_string())
        .collect();
    pages.push(String::new());
    pages.sort();
    pages.dedup();
    for page in pages {
        let depth = page
            .trim_end_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .count();
        let root = "../".repeat(depth);
        let title = if page.is_empty() {
            "Search fixture".to_string()
        } else {
            page.clone()
        };
        let html = format!(
            "<!doctype html>\n<html lang=\"en\" data-root=\"{root}\" data-search-manifest=\"{m}\" data-offline=\"{off}\">\n<head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body>\n<header><form role=\"search\" action=\"#\"><label for=\"search-input\">Search</label> <input id=\"search-input\" type=\"search\" autocomplete=\"off\"><div id=\"search-results\" role=\"listbox\" hidden></div></form></header>\n<main><h1 id=\"top\">{t}</h1></main>\n<script src=\"{root}static/search.js\" defer></script>\n</body>\n</html>\n",
            m = info.manifest,
            off = if offline { "1" } else { "0" },
            t = title.replace('<', "&lt;"),
        );
        let p = dir.join(&page).join("index.html");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, html).unwrap();
    }
    info
}
