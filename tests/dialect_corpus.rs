//! Runs the GitBook dialect over every page of the GovStack corpus: no
//! panic, no `{%` left outside code, and a count of API cards rendered versus
//! `openapi-missing` findings (printed with their reasons; `--nocapture`).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use specsite::content::{Book, Page, Site};
use specsite::markdown::dialect::{finish, preprocess, DialectEnv, OpenApiCache};
use specsite::markdown::highlight::highlight;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn corpus() -> Option<PathBuf> {
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/govstack");
    [local, PathBuf::from("/work/shared/corpus/govstack")]
        .into_iter()
        .find(|p| p.is_dir())
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A hand-built site: one book per corpus folder, page root from `.gitbook.yaml`.
fn load(root: &Path) -> Site {
    let mut site = Site {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = rel(root, &dir);
        let page_root = match std::fs::read_to_string(dir.join(".gitbook.yaml")) {
            Ok(y) => y
                .replace('\u{200b}', "")
                .lines()
                .find_map(|l| {
                    l.trim().strip_prefix("root:").map(|r| {
                        r.trim()
                            .trim_start_matches("./")
                            .trim_end_matches('/')
                            .to_string()
                    })
                })
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        let page_root = if page_root.is_empty() {
            id.clone()
        } else {
            format!("{id}/{page_root}")
        };
        let book = site.books.len();
        site.books.push(Book {
            id: id.clone(),
            repo_dir: id.clone(),
            page_root: page_root.clone(),
            url_prefixes: vec![id.clone()],
            ..Default::default()
        });
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let file = rel(root, entry.path());
            if !file.ends_with(".md") {
                site.assets.push(file);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let (front, body_start, _) = specsite::content::frontmatter::split_front_matter(&text);
            site.pages.push(Page {
                book,
                path: file
                    .strip_prefix(&format!("{page_root}/"))
                    .unwrap_or(&file)
                    .to_string(),
                file,
                slug: String::new(),
                source: Arc::from(text.as_str()),
                front,
                body_start,
                summary_title: None,
                in_summary: true,
                terminology: false,
                common_terminology: false,
            });
        }
    }
    site.assets.sort();
    site
}

/// Text outside code in rendered-to-be markdown that still holds `{%`.
fn leftover_tags(markdown: &str) -> Vec<String> {
    let mut in_code = 0;
    let mut found = Vec::new();
    for ev in Parser::new_ext(markdown, pulldown_cmark::Options::all()) {
        match ev {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code -= 1,
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t)
                if in_code == 0 && t.contains("{%") =>
            {
                found.push(t.to_string())
            }
            _ => {}
        }
    }
    found
}

#[test]
fn corpus_preprocesses_cleanly_and_renders_api_cards() {
    let Some(root) = corpus() else {
        eprintln!("GovStack corpus not found; skipping");
        return;
    };
    let site = load(&root);
    let cache = OpenApiCache::default();
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut other: BTreeMap<&str, usize> = BTreeMap::new();
    let mut leftovers = Vec::new();
    let mut pre_time = Duration::ZERO;
    let mut code_blocks: Vec<(String, String)> = Vec::new();
    for page in &site.pages {
        let env = DialectEnv::new(&site, page, &cache);
        let body = &page.source[page.body_start..];
        let t = Instant::now();
        let pre = preprocess(body, page.body_start, &env);
        pre_time += t.elapsed();
        for l in leftover_tags(&pre.text) {
            leftovers.push(format!(
                "{}: {}",
                page.file,
                l.chars().take(80).collect::<String>()
            ));
        }
        // Every span lies inside the page.
        for d in &pre.diagnostics {
            assert!(
                d.span.end <= page.source.len() && d.span.start <= d.span.end,
                "{d:?}"
            );
            assert_eq!(d.file, page.file);
        }
        assert!(pre.map.to_source(pre.text.len().saturating_sub(1)) <= page.source.len());
        for d in &pre.diagnostics {
            match d.rule.name() {
                "openapi-missing" => {
                    let reason = d
                        .message
                        .split_once(": ")
                        .map_or(d.message.as_str(), |(_, r)| r);
                    let hint = d
                        .suggestion
                        .as_deref()
                        .map(|s| format!(" (suggestion: {s})"))
                        .unwrap_or_default();
                    *reasons
                        .entry(format!("{} — {}{hint}", page.file, reason))
                        .or_default() += 1;
                }
                name => *other.entry(name).or_default() += 1,
            }
        }
        // Count API blocks: each tag opener in the source, outcome by fragment.
        let mut frags = pre
            .fragments
            .iter()
            .filter(|f| f.contains("class=\"api-op"));
        for line in body.lines() {
            let l = line.trim_start();
            let kind = ["openapi-operation", "openapi", "swagger"]
                .into_iter()
                .find(|k| l.starts_with(&format!("{{% {k} ")));
            if let Some(kind) = kind {
                let entry = counts.entry(kind).or_default();
                match frags.next() {
                    Some(f) if !f.contains("api-op-missing") => entry.0 += 1,
                    _ => entry.1 += 1,
                }
            }
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new(&pre.text));
        finish(&mut html, &pre.fragments);
        assert!(!html.contains("<!--specsite:frag:"), "{}", page.file);
        // Collect fenced code for the highlighting measurement.
        let mut lang = None;
        for ev in Parser::new(&pre.text) {
            match ev {
                Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(l))) => {
                    lang = Some((l.to_string(), String::new()))
                }
                Event::Text(t) => {
                    if let Some((_, code)) = lang.as_mut() {
                        code.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => code_blocks.extend(lang.take()),
                _ => {}
            }
        }
    }
    let t = Instant::now();
    let bytes: usize = code_blocks.iter().map(|(_, c)| c.len()).sum();
    for (lang, code) in &code_blocks {
        let _ = highlight(lang, code);
    }
    let hl_time = t.elapsed();

    println!(
        "pages: {}, spec files loaded: {}",
        site.pages.len(),
        cache.len()
    );
    // Second pass: specs are cached now, so this is the rendering cost alone.
    let t = Instant::now();
    let mut frag_bytes = 0;
    for page in &site.pages {
        let env = DialectEnv::new(&site, page, &cache);
        let pre = preprocess(&page.source[page.body_start..], page.body_start, &env);
        frag_bytes += pre.fragments.iter().map(String::len).sum::<usize>();
    }
    println!(
        "preprocess again (specs cached): {:?}, fragment HTML {} bytes",
        t.elapsed(),
        frag_bytes
    );
    println!(
        "preprocess total: {pre_time:?}; highlighting {} blocks ({bytes} bytes): {hl_time:?}",
        code_blocks.len()
    );
    for (kind, (ok, missing)) in &counts {
        println!("{kind}: {ok} cards, {missing} openapi-missing");
    }
    for (reason, n) in &reasons {
        println!("  {n} × {reason}");
    }
    println!("other findings: {other:?}");
    assert!(
        leftovers.is_empty(),
        "tags left outside code:\n{}",
        leftovers.join("\n")
    );
    let total: usize = counts.values().map(|(ok, m)| ok + m).sum();
    assert_eq!(
        total,
        137 + 37 + 35,
        "every API block in the corpus is counted"
    );
    let cards: usize = counts.values().map(|(ok, _)| ok).sum();
    assert!(
        cards > total / 2,
        "most API blocks render a card ({cards} of {total})"
    );
}
