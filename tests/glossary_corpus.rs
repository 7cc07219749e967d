//! The glossary over the real GovStack corpus: terminology pages of every book,
//! the common terminology page, redefinitions and abbreviation conflicts.
//!
//! The site is assembled by hand here (DESIGN.md §1 rules for terminology and
//! common pages) so this test does not depend on the loader.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use specsite::config::LinkMode;
use specsite::content::{Book, Page, Site};
use specsite::diag::{locate, Rule};
use specsite::glossary::{self, Glossary, Scope};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn corpus() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/govstack");
    [local, PathBuf::from("/work/shared/corpus/govstack")]
        .into_iter()
        .find(|p| p.is_dir())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

fn body_start(text: &str) -> usize {
    glossary::pages::body_start(text)
}

/// Builds a Site from the corpus: one book per folder, pages under its page root.
fn corpus_site(root: &Path) -> Site {
    let mut site = Site {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut pages: Vec<Page> = Vec::new();
    for folder in folders {
        let id = folder.file_name().unwrap().to_string_lossy().to_string();
        let page_root = if folder.join("spec/SUMMARY.md").is_file() {
            folder.join("spec")
        } else {
            folder.clone()
        };
        let Ok(summary) = std::fs::read_to_string(page_root.join("SUMMARY.md")) else {
            continue;
        };
        let rel_root = page_root
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let book_index = site.books.len();
        site.books.push(Book {
            id: id.clone(),
            title: id.clone(),
            latest: true,
            url_prefixes: vec![id.clone()],
            page_root: rel_root.clone(),
            ..Default::default()
        });
        let mut files = Vec::new();
        walk(&page_root, &mut files);
        for f in files {
            let path = f
                .strip_prefix(&page_root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.ends_with("SUMMARY.md") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let file = if rel_root.is_empty() {
                path.clone()
            } else {
                format!("{rel_root}/{path}")
            };
            let in_summary = summary.contains(&format!("({path})"));
            let terminology = in_summary && path.split('/').any(|s| s.contains("terminology"));
            let name = path.rsplit('/').next().unwrap();
            let common = terminology
                && !path.contains('/')
                && (name == "common-terminology.md"
                    || name.split_once('-').is_some_and(|(n, rest)| {
                        n.chars().all(|c| c.is_ascii_digit()) && rest == "common-terminology.md"
                    }));
            let stem = path.trim_end_matches(".md");
            let slug = if stem == "README" {
                String::new()
            } else if let Some(dir) = stem.strip_suffix("/README") {
                format!("{dir}/")
            } else {
                format!("{stem}/")
            };
            let source: Arc<str> = text.into();
            site.sources.insert(file.clone(), source.clone());
            pages.push(Page {
                book: book_index,
                file,
                path,
                slug,
                body_start: body_start(&source),
                source,
                front: Default::default(),
                summary_title: None,
                in_summary,
                terminology,
                common_terminology: common,
            });
        }
    }
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    for (i, p) in pages.iter().enumerate() {
        site.page_by_file.insert(p.file.clone(), i);
        site.books[p.book].pages.push(i);
    }
    site.pages = pages;
    site
}

/// Feeds prose text runs to the linker the way the markdown pass does: no
/// headings, code, link text or front matter.
fn link_page(
    g: &Glossary,
    site: &Site,
    pid: usize,
) -> (
    String,
    Vec<glossary::TermUse>,
    Vec<specsite::diag::Diagnostic>,
) {
    let page = &site.pages[pid];
    let body = &page.source[page.body_start..];
    let mut linker = g.page_linker(
        site.books[page.book].prefix(),
        &page.url(site),
        false,
        LinkMode::First,
    );
    let mut out = String::new();
    let (mut heading, mut link, mut code) = (0, 0, 0);
    for (ev, r) in Parser::new_ext(body, glossary::model::md_options()).into_offset_iter() {
        let r = r.start + page.body_start..r.end + page.body_start;
        match ev {
            Event::Start(Tag::Heading { .. }) => heading += 1,
            Event::End(TagEnd::Heading(_)) => heading -= 1,
            Event::Start(Tag::Link { .. }) => link += 1,
            Event::End(TagEnd::Link) => link -= 1,
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code -= 1,
            Event::Text(t) if heading == 0 && link == 0 && code == 0 => {
                linker.text(&t, r, &mut out)
            }
            _ => {}
        }
    }
    let (uses, diags) = linker.finish();
    (out, uses, diags)
}

#[test]
fn corpus_redefinitions_and_abbreviation_conflicts() {
    let Some(root) = corpus() else {
        eprintln!("corpus not found; skipping");
        return;
    };
    let site = corpus_site(&root);
    let t0 = std::time::Instant::now();
    let (g, load_diags) = glossary::load_glossary(&site);
    let load_time = t0.elapsed();
    assert!(load_diags.is_empty(), "{load_diags:?}");
    let t1 = std::time::Instant::now();
    let mut uses = Vec::new();
    for pid in 0..site.pages.len() {
        let (_, u, d) = link_page(&g, &site, pid);
        assert!(d.is_empty());
        uses.push((pid, u));
    }
    let link_time = t1.elapsed();
    let diags = glossary::check_glossary(&g, &site, &uses);

    let common = g.terms.iter().filter(|t| t.scope == Scope::Common).count();
    println!(
        "terms: {} ({} common), abbreviation defs: {}, pages: {}",
        g.terms.len(),
        common,
        g.abbreviations.len(),
        site.pages.len()
    );
    println!("load: {load_time:?}, linking all pages: {link_time:?}");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &diags {
        *counts.entry(d.rule.name()).or_default() += 1;
    }
    println!("per rule: {counts:?}");

    // The indexed lookup agrees with testing every common term.
    for t in &g.terms {
        let brute: Vec<usize> = (g.terms.iter().enumerate())
            .filter(|(_, c)| {
                c.scope == Scope::Common && specsite::glossary::Glossary::same_term(t, c)
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(g.common_matches(t), brute, "{}", t.name);
    }

    // Every book term that is the same term as a common one is term-redefined, at its own line.
    let mut expected = Vec::new();
    for t in g.terms.iter().filter(|t| t.scope != Scope::Common) {
        if !g.common_matches(t).is_empty() {
            expected.push((t.origin.file.clone(), t.origin.span.start));
        }
    }
    let mut got: Vec<(String, usize)> = diags
        .iter()
        .filter(|d| d.rule == Rule::TermRedefined)
        .map(|d| (d.file.clone(), d.span.start))
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    let books: std::collections::BTreeSet<&str> = diags
        .iter()
        .filter(|d| d.rule == Rule::TermRedefined)
        .map(|d| d.file.split('/').next().unwrap())
        .collect();
    println!(
        "term-redefined: {} entries in {} books: {books:?}",
        got.len(),
        books.len()
    );
    assert!(got.len() >= 70, "{}", got.len());
    assert!(books.len() >= 10, "{books:?}");

    let show = |d: &specsite::diag::Diagnostic| {
        let l = locate(d, site.sources.get(&d.file).map(|s| &**s));
        format!(
            "{}:{}:{} {} {}",
            l.file, l.line, l.column, l.rule, l.message
        )
    };
    for d in diags
        .iter()
        .filter(|d| d.rule == Rule::TermRedefined)
        .step_by(4)
        .take(25)
    {
        println!("  {}", show(d));
    }
    // The common page's abbreviation table disagrees with its own headings exactly twice.
    let common_file = "architecture/spec/2-common-terminology.md";
    let conflicts: Vec<String> = diags
        .iter()
        .filter(|d| d.rule == Rule::AbbrConflict && d.file == common_file)
        .map(show)
        .collect();
    for c in &conflicts {
        println!("  {c}");
    }
    assert_eq!(conflicts.len(), 2, "{conflicts:#?}");
    assert!(conflicts
        .iter()
        .any(|c| c.contains("`CFR` stands for `Cross-Functional Requirement` here")));
    assert!(conflicts
        .iter()
        .any(|c| c.contains("`FR` stands for `Functional Requirement` here")));
    for d in diags.iter().filter(|d| {
        matches!(d.rule, Rule::AbbrConflict | Rule::TermDuplicate) && d.file != common_file
    }) {
        println!("  {}", show(d));
    }
}

#[test]
#[ignore = "diagnostic listing for hand checks"]
fn corpus_list_findings() {
    let Some(root) = corpus() else { return };
    let site = corpus_site(&root);
    let (g, _) = glossary::load_glossary(&site);
    let uses: Vec<_> = (0..site.pages.len())
        .map(|pid| (pid, link_page(&g, &site, pid).1))
        .collect();
    let rule = std::env::var("RULE").unwrap_or_else(|_| "abbr-undefined".into());
    for d in glossary::check_glossary(&g, &site, &uses)
        .iter()
        .filter(|d| d.rule.name() == rule)
    {
        let l = locate(d, site.sources.get(&d.file).map(|s| &**s));
        println!(
            "{}:{}:{} {:?} {}",
            l.file, l.line, l.column, l.severity, l.message
        );
    }
}
