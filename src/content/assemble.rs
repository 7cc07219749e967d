//! Turns the walked and read files into a [`Site`]: pages with their slugs and
//! front matter, each book's SUMMARY resolved to pages, orphans, terminology
//! flags, titles, and output collisions (DESIGN.md §1, §3).

use super::discover::{join_rel, yaml_diagnostic, BookSpec};
use super::frontmatter::split_front_matter;
use super::gitbook::normalize_rel;
use super::summary::{first_h1, parse_summary};
use super::walk::{inside, Found, ReadError};
use super::{Book, Page, PageId, Site};
use crate::config::Config;
use crate::diag::{Diagnostic, Rule};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Output folders and files specsite generates inside every book (and
/// every version of one): a page or a version label there would collide.
pub(crate) const RESERVED: [&str; 6] = [
    "glossary",
    "print",
    "changes",
    "requirements",
    "requirements.json",
    "checklist.csv",
];

/// Builds the site from what the walk found and read.
pub(crate) fn assemble(
    root: PathBuf,
    config: Config,
    config_src: &(String, Arc<str>),
    specs: Vec<BookSpec>,
    found: Found,
    mut read: BTreeMap<String, Result<Arc<str>, ReadError>>,
    mut sources: BTreeMap<String, Arc<str>>,
) -> Site {
    let mut diags = Vec::new();
    // Files that exist but could not be read: SUMMARY entries naming them are
    // not reported again as missing.
    let mut other_files: Vec<String> = read
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(f, _)| f.clone())
        .collect();
    other_files.extend(found.assets.iter().cloned());
    other_files.sort();
    let mut books: Vec<Book> = specs.iter().map(book_from_spec).collect();

    let mut glossary_files = Vec::new();
    for file in found.glossary {
        if let Some(text) = take_text(&mut read, &file, &mut diags) {
            sources.insert(file.clone(), text);
            glossary_files.push(file);
        }
    }
    for file in &found.text_assets {
        if let Some(Ok(text)) = read.remove(file) {
            sources.insert(file.clone(), text);
        }
    }

    let mut texts = Vec::with_capacity(found.pages.len());
    for (book, file) in found.pages {
        if let Some(source) = take_text(&mut read, &file, &mut diags) {
            texts.push((book, file, source));
        }
    }
    // Every page's front matter (YAML) at once.
    let fronts: Vec<_> = {
        use rayon::prelude::*;
        (texts.par_iter())
            .map(|(_, _, source)| split_front_matter(source))
            .collect()
    };
    let mut pages: Vec<Page> = Vec::with_capacity(texts.len());
    for ((book, file, source), (front, body_start, err)) in texts.into_iter().zip(fronts) {
        let b = &books[book];
        let path = if b.page_root.is_empty() {
            file.clone()
        } else {
            file[b.page_root.len() + 1..].to_string()
        };
        if let Some(e) = err {
            diags.push(yaml_diagnostic(&file, &source, &e, "invalid front matter"));
        }
        sources.insert(file.clone(), source.clone());
        pages.push(Page {
            book,
            slug: page_slug(&path, &b.readme),
            file,
            path,
            source,
            front,
            body_start,
            summary_title: None,
            in_summary: false,
            terminology: false,
            common_terminology: false,
        });
    }
    let page_by_file: BTreeMap<String, PageId> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.clone(), i))
        .collect();

    // Each book's SUMMARY.md: parse, resolve entries to pages.
    let mut reached: Vec<Vec<PageId>> = vec![Vec::new(); books.len()];
    for (bi, book) in books.iter_mut().enumerate() {
        let file = book.summary_file.clone();
        if !found.summaries.contains(&file) {
            diags.push(
                Diagnostic::new(
                    Rule::BookWithoutSummary,
                    file.clone(),
                    0..0,
                    format!(
                        "book `{}` has no table of contents: `{file}` does not exist",
                        book.id
                    ),
                )
                .with_suggestion("add a SUMMARY.md listing the book's pages"),
            );
            continue;
        }
        let Some(text) = take_text(&mut read, &file, &mut diags) else {
            continue;
        };
        sources.insert(file.clone(), text.clone());
        let mut summary = parse_summary(&text);
        let summary_dir = file.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let mut seen = BTreeSet::new();
        summary.visit_links_mut(&mut |dest, title, span, page| {
            let Some(dest) = dest else { return };
            match resolve_entry(
                dest,
                &summary_dir,
                &book.page_root,
                &page_by_file,
                &other_files,
            ) {
                Entry::Page(id) => {
                    *page = Some(id);
                    let p = &mut pages[id];
                    p.in_summary = true;
                    let first_own = p.book == bi && seen.insert(id);
                    // The page's own book names it, even when another book's
                    // SUMMARY reached it first.
                    if !title.is_empty() && (first_own || p.summary_title.is_none()) {
                        p.summary_title = Some(title.to_string());
                    }
                    if first_own {
                        reached[bi].push(id);
                    }
                }
                Entry::Other => {}
                Entry::Outside => diags.push(
                    Diagnostic::new(
                        Rule::PathOutsideRoot,
                        file.clone(),
                        span.clone(),
                        format!("SUMMARY.md entry `{title}` points to `{dest}`, outside the site root; it is not read"),
                    )
                    .with_suggestion("list a page inside the book"),
                ),
                Entry::Missing(path) => {
                    let mut d = Diagnostic::new(
                        Rule::SummaryMissingFile,
                        file.clone(),
                        span.clone(),
                        format!(
                            "SUMMARY.md entry `{title}` points to `{path}`, which does not exist"
                        ),
                    );
                    if let Some(s) = closest_page(&path, &page_by_file, &book.page_root) {
                        d = d.with_suggestion(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                }
            }
        });
        book.summary = Some(summary);
    }

    // Terminology flags (DESIGN.md §1).
    // A path into a `sources:` book names its latest version:
    // `consent/spec/x.md` is `consent@<latest>/spec/x.md`.
    let in_latest = |raw: &str| -> String {
        let path = normalize_rel(raw);
        if page_by_file.contains_key(&path) {
            return path;
        }
        let Some((id, rest)) = path.split_once('/') else {
            return path;
        };
        books
            .iter()
            .find(|b| b.id == id && b.latest && b.repo_dir.contains('@'))
            .map_or(path.clone(), |b| format!("{}/{rest}", b.repo_dir))
    };
    let common_list: Option<BTreeSet<String>> = config
        .common_glossary
        .as_ref()
        .map(|l| l.iter().map(|f| in_latest(f)).collect());
    let (config_file, config_text) = config_src;
    for raw in config.common_glossary.iter().flatten() {
        if !page_by_file.contains_key(&in_latest(raw)) {
            let span = config_text
                .find(raw.as_str())
                .map_or(0..0, |s| s..s + raw.len());
            diags.push(Diagnostic::new(
                Rule::BrokenLink,
                config_file.clone(),
                span,
                format!("common_glossary: `{raw}` is not a page of any book"),
            ));
        }
    }
    // An `edit_url` with a scheme that may not be an href is dropped.
    for b in books.iter_mut() {
        let Some(e) = b.edit_url.as_deref() else {
            continue;
        };
        if crate::urls::is_safe_link(e, false) {
            continue;
        }
        let span = config_text.find(e).map_or(0..0, |s| s..s + e.len());
        diags.push(
            Diagnostic::new(
                Rule::UnsafeLink,
                config_file.clone(),
                span,
                format!(
                    "edit_url of book `{}` is not an http(s) URL; no edit link is shown",
                    b.id
                ),
            )
            .with_suggestion("use the https:// URL of the book's repository"),
        );
        b.edit_url = None;
    }
    for p in &mut pages {
        let listed = common_list.as_ref().is_some_and(|l| l.contains(&p.file));
        p.terminology =
            listed || (p.in_summary && p.path.to_ascii_lowercase().contains("terminology"));
        // Only the latest version of a book holds common terms: older
        // versions' copies of the page would define them all again.
        p.common_terminology = listed
            || (common_list.is_none()
                && p.terminology
                && is_common_name(&p.path)
                && books[p.book].latest);
    }

    // Book page lists: SUMMARY order, then everything else by path.
    for (bi, book) in books.iter_mut().enumerate() {
        let mut list = std::mem::take(&mut reached[bi]);
        let listed: BTreeSet<PageId> = list.iter().copied().collect();
        let mut rest: Vec<PageId> = (0..pages.len())
            .filter(|&i| pages[i].book == bi && !listed.contains(&i))
            .collect();
        rest.sort_by(|&a, &b| pages[a].path.cmp(&pages[b].path));
        for &id in &rest {
            if book.summary.is_some() && !pages[id].in_summary {
                diags.push(
                    Diagnostic::new(
                        Rule::OrphanPage,
                        pages[id].file.clone(),
                        0..0,
                        format!("`{}` is not reached from any SUMMARY.md", pages[id].file),
                    )
                    .with_suggestion(format!("list it in `{}`, or delete it", book.summary_file)),
                );
            }
        }
        list.extend(rest);
        book.pages = list;
    }

    for book in &mut books {
        fill_title(book, &pages, &page_by_file);
    }
    check_collisions(&books, &pages, &mut diags);

    Site {
        root,
        config,
        books,
        pages,
        page_by_file,
        assets: found.assets,
        glossary_files,
        sources,
        diagnostics: diags,
        ..Site::default()
    }
}

fn book_from_spec(s: &BookSpec) -> Book {
    Book {
        id: s.id.clone(),
        title: s.title.clone().unwrap_or_default(),
        description: s.description.clone(),
        version: s.version.clone(),
        latest: s.latest,
        versions: s.versions.clone(),
        url_prefixes: s.url_prefixes.clone(),
        repo_dir: s.dir.clone(),
        page_root: s.page_root(),
        summary_file: s.summary_file(),
        readme: s.gitbook.readme.clone(),
        summary: None,
        pages: Vec::new(),
        redirects: s.gitbook.redirects.clone(),
        edit_url: s.edit_url.clone(),
    }
}

/// Takes a file's text out of the read results, reporting why when there is none.
fn take_text(
    read: &mut BTreeMap<String, Result<Arc<str>, ReadError>>,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<str>> {
    match read.remove(file)? {
        Ok(text) => Some(text),
        Err(ReadError::Encoding(at)) => {
            diags.push(
                Diagnostic::new(
                    Rule::InvalidEncoding,
                    file,
                    0..0,
                    format!("`{file}` is not UTF-8 (invalid byte at offset {at}); it was skipped"),
                )
                .with_suggestion("re-save the file as UTF-8"),
            );
            None
        }
        Err(ReadError::Missing(why)) => {
            diags.push(
                Diagnostic::new(Rule::SourceMissingObject, file, 0..0, why).with_suggestion(
                    "fetch the object (`git fetch`, `git lfs pull`), or ignore this if the file is not needed",
                ),
            );
            None
        }
        Err(ReadError::Io(e)) => {
            diags.push(Diagnostic::new(
                Rule::InvalidEncoding,
                file,
                0..0,
                format!("`{file}` cannot be read ({e}); it was skipped"),
            ));
            None
        }
    }
}

/// The output slug of a page (DESIGN.md §3): `a/b.md` → `a/b/`, `a/README.md`
/// → `a/`, the book's readme → `""`.
pub fn page_slug(path: &str, readme: &str) -> String {
    if path == readme {
        return String::new();
    }
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let lower = name.to_ascii_lowercase();
    let stem_len = if lower.ends_with(".markdown") {
        name.len() - ".markdown".len()
    } else if lower.ends_with(".md") {
        name.len() - ".md".len()
    } else {
        name.len()
    };
    let stem = &name[..stem_len];
    if stem.eq_ignore_ascii_case("readme") {
        return if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
    }
    if dir.is_empty() {
        format!("{stem}/")
    } else {
        format!("{dir}/{stem}/")
    }
}

/// `common-terminology.md` or `<number>-common-terminology.md` directly in the page root.
fn is_common_name(path: &str) -> bool {
    if path.contains('/') {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let Some(stem) = lower.strip_suffix(".md") else {
        return false;
    };
    let Some(prefix) = stem.strip_suffix("common-terminology") else {
        return false;
    };
    prefix.is_empty()
        || prefix
            .strip_suffix('-')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// What a SUMMARY destination names.
enum Entry {
    Page(PageId),
    /// An existing non-page file (asset, other_files page), or a bare `#fragment`.
    Other,
    /// Nothing: the root-relative path looked for.
    Missing(String),
    /// A path that leaves the site root.
    Outside,
}

fn resolve_entry(
    dest: &str,
    summary_dir: &str,
    page_root: &str,
    page_by_file: &BTreeMap<String, PageId>,
    other_files: &[String],
) -> Entry {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() {
        return Entry::Other;
    }
    let (base, path) = match path.strip_prefix('/') {
        Some(p) => (page_root, p),
        None => (summary_dir, path),
    };
    let Some(full) = crate::resolve::normalize_join(base, path) else {
        return Entry::Outside;
    };
    let mut candidates = vec![full.clone()];
    if path.ends_with('/') || full.is_empty() {
        candidates = vec![join_rel(&full, "README.md")];
    }
    for c in &candidates {
        if let Some(&id) = page_by_file.get(c) {
            return Entry::Page(id);
        }
        if other_files.binary_search(c).is_ok() {
            return Entry::Other;
        }
    }
    Entry::Missing(candidates.swap_remove(0))
}

/// The page of the book closest in spelling to a missing path, for a suggestion.
fn closest_page(
    missing: &str,
    page_by_file: &BTreeMap<String, PageId>,
    page_root: &str,
) -> Option<String> {
    let prefix = if page_root.is_empty() {
        String::new()
    } else {
        format!("{page_root}/")
    };
    let want = missing.strip_prefix(&prefix).unwrap_or(missing);
    page_by_file
        .keys()
        .filter(|f| inside(f, page_root))
        .map(|f| {
            let rel = &f[prefix.len()..];
            (strsim::normalized_levenshtein(want, rel), rel)
        })
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, rel)| rel.to_string())
}

/// Book title: config, else the readme's SUMMARY title, else its first `#`
/// heading, else the id written as words (`digital-registries` →
/// `Digital Registries`). A SUMMARY title or heading that names a part of a
/// book rather than the book (`Introduction`, `Overview`, as GitBook spaces
/// call their first page) is passed over. Description: config, else readme
/// front matter.
fn fill_title(book: &mut Book, pages: &[Page], page_by_file: &BTreeMap<String, PageId>) {
    let readme_id = page_by_file
        .get(&join_rel(&book.page_root, &book.readme))
        .copied();
    let readme = readme_id.map(|id| &pages[id]);
    if book.title.is_empty() {
        let from_summary = readme_id.and_then(|rid| {
            book.summary
                .as_ref()?
                .links()
                .into_iter()
                .find_map(|item| match item {
                    super::SummaryItem::Link {
                        title,
                        page: Some(id),
                        ..
                    } if *id == rid && !title.is_empty() => Some(title.clone()),
                    _ => None,
                })
        });
        book.title = from_summary
            .filter(|t| !is_generic_title(t))
            .or_else(|| readme.and_then(|p| first_h1(&p.source[p.body_start..])))
            .filter(|t| !is_generic_title(t))
            .unwrap_or_else(|| title_from_id(&book.id));
    }
    if book.description.is_none() {
        book.description = readme.and_then(|p| p.front.description.clone());
    }
}

/// Whether a readme's title names a part of a book, not the book.
fn is_generic_title(title: &str) -> bool {
    const GENERIC: &[&str] = &[
        "introduction",
        "overview",
        "home",
        "welcome",
        "readme",
        "about",
        "start here",
        "getting started",
        "table of contents",
        "contents",
    ];
    let t = title.trim().trim_end_matches(['.', ':']).to_lowercase();
    GENERIC.contains(&t.as_str())
}

/// A book id as a title: `-` and `_` as spaces, each word capitalised.
fn title_from_id(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reports pages written to the same URL, or into a generated folder.
fn check_collisions(books: &[Book], pages: &[Page], diags: &mut Vec<Diagnostic>) {
    for book in books
        .iter()
        .filter(|b| (b.id == "glossary" || b.id == "requirements") && b.latest)
    {
        diags.push(
            Diagnostic::new(
                Rule::OutputCollision,
                book.summary_file.clone(),
                0..0,
                format!(
                    "a book with the id `{}` would be written where the site's {} goes",
                    book.id,
                    if book.id == "glossary" {
                        "common glossary"
                    } else {
                        "requirements index"
                    }
                ),
            )
            .with_suggestion("give the book another id (`books:` in specsite.yaml)"),
        );
    }
    let mut taken: BTreeMap<String, PageId> = BTreeMap::new();
    for (id, p) in pages.iter().enumerate() {
        let book = &books[p.book];
        let first = p.slug.split('/').next().unwrap_or("");
        let reserved = !p.slug.is_empty()
            && (RESERVED.contains(&first) || book.versions.iter().any(|v| v == first));
        if reserved {
            let url = crate::urls::join_url(book.prefix(), &p.slug);
            diags.push(
                Diagnostic::new(
                    Rule::OutputCollision,
                    p.file.clone(),
                    0..0,
                    format!("`{}` would be written to `{url}`, inside `{first}/` which specsite generates", p.file),
                )
                .with_suggestion(format!("rename or move the page out of `{first}/`")),
            );
        }
        let mut reported = false;
        for prefix in &book.url_prefixes {
            let url = crate::urls::join_url(prefix, &p.slug);
            match taken.get(&url) {
                Some(&other) if other != id => {
                    // One finding per page, even when several prefixes collide.
                    if reported {
                        continue;
                    }
                    reported = true;
                    diags.push(
                        Diagnostic::new(
                            Rule::OutputCollision,
                            p.file.clone(),
                            0..0,
                            format!(
                                "`{}` and `{}` would both be written to `{url}`",
                                pages[other].file, p.file
                            ),
                        )
                        .with_suggestion("rename one of the two pages"),
                    );
                }
                Some(_) => {}
                None => {
                    taken.insert(url, id);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_gitbook_paths() {
        assert_eq!(page_slug("a/b.md", "README.md"), "a/b/");
        assert_eq!(page_slug("3-terminology.md", "README.md"), "3-terminology/");
        assert_eq!(page_slug("a/README.md", "README.md"), "a/");
        assert_eq!(page_slug("a/readme.md", "README.md"), "a/");
        assert_eq!(page_slug("README.md", "README.md"), "");
        assert_eq!(page_slug("intro.md", "intro.md"), "");
        assert_eq!(page_slug("README.md", "intro.md"), "");
        assert_eq!(page_slug("notes.markdown", "README.md"), "notes/");
    }

    #[test]
    fn common_terminology_names() {
        assert!(is_common_name("common-terminology.md"));
        assert!(is_common_name("2-common-terminology.md"));
        assert!(!is_common_name("x-common-terminology.md"));
        assert!(!is_common_name("a/2-common-terminology.md"));
        assert!(!is_common_name("3-terminology.md"));
    }

    #[test]
    fn destinations_resolve_relative_to_the_summary() {
        let pages: BTreeMap<String, PageId> = [
            ("b/spec/a.md".to_string(), 0),
            ("b/spec/d/README.md".to_string(), 1),
        ]
        .into();
        let assets = vec!["b/spec/f.pdf".to_string()];
        assert!(matches!(
            resolve_entry("./a.md#x", "b/spec", "b/spec", &pages, &assets),
            Entry::Page(0)
        ));
        assert!(matches!(
            resolve_entry("d/", "b/spec", "b/spec", &pages, &assets),
            Entry::Page(1)
        ));
        assert!(matches!(
            resolve_entry("/a.md", "b/spec/sub", "b/spec", &pages, &assets),
            Entry::Page(0)
        ));
        assert!(matches!(
            resolve_entry("f.pdf", "b/spec", "b/spec", &pages, &assets),
            Entry::Other
        ));
        assert!(
            matches!(resolve_entry("x.md", "b/spec", "b/spec", &pages, &assets), Entry::Missing(p) if p == "b/spec/x.md")
        );
        assert!(matches!(
            resolve_entry("../../../x.md", "b/spec", "b/spec", &pages, &assets),
            Entry::Outside
        ));
    }

    #[test]
    fn generic_readme_titles_give_way_to_the_book_id() {
        for t in [
            "Introduction",
            "overview",
            " Welcome ",
            "README",
            "Table of contents",
        ] {
            assert!(is_generic_title(t), "{t}");
        }
        for t in [
            "Consent",
            "GovStack Architecture",
            "Introduction to Payments",
        ] {
            assert!(!is_generic_title(t), "{t}");
        }
        assert_eq!(title_from_id("specifications"), "Specifications");
        assert_eq!(title_from_id("digital-registries"), "Digital Registries");
        assert_eq!(title_from_id("bb_x--y"), "Bb X Y");
    }
}
