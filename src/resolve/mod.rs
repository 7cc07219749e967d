//! Resolving references: a link's destination as written → a [`Target`] in the site.

use crate::content::PageId;

/// Where a reference points, once the whole site is known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A page of the site, with an optional `#fragment`.
    Page {
        /// The page.
        page: PageId,
        /// Fragment without `#`, percent-decoded.
        fragment: Option<String>,
    },
    /// A fragment on the same page (`#x`).
    SamePage {
        /// Fragment without `#`.
        fragment: String,
    },
    /// A non-markdown file inside the site (root-relative path).
    Asset {
        /// Root-relative path.
        file: String,
    },
    /// An explicit glossary reference `term:<slug>`.
    Term {
        /// The slug.
        slug: String,
    },
    /// An absolute URL outside the site (http, https, ftp…).
    External {
        /// The URL.
        url: String,
    },
    /// `mailto:`, `tel:`, `data:`, `javascript:` and similar: never checked.
    Special,
    /// A GitBook lost-link marker (`broken-reference`, `/broken/pages/<id>`).
    GitbookBroken,
    /// A site URL (under `site_url` or a `site_url_aliases` prefix) whose
    /// first segment names no book of the site, even through `book_aliases`.
    UnknownBook {
        /// The first URL segment, as written.
        segment: String,
    },
    /// A relative or site-alias path that names nothing in the site.
    Missing {
        /// Root-relative path that was looked for.
        path: String,
        /// Fragment, if any.
        fragment: Option<String>,
    },
    /// A path that would leave the site root.
    OutsideRoot,
}

use crate::content::{Book, Site};
use percent_encoding::percent_decode_str;

mod files;
pub use files::{file_name, page_stem, unnumbered, FileIndex};

/// Resolves destinations against a loaded site. Cheap to build; shared by all
/// parallel page passes.
#[derive(Debug)]
pub struct Resolver<'a> {
    site: &'a Site,
    /// Normalised URL prefixes (ending in `/`) that point back into the site.
    site_prefixes: Vec<String>,
    /// Name lookups for fix suggestions, built on first use.
    files: std::sync::OnceLock<FileIndex>,
}

impl<'a> Resolver<'a> {
    /// A resolver over `site`, with `site_url` and `site_url_aliases` from its config.
    pub fn new(site: &'a Site) -> Self {
        let mut site_prefixes: Vec<String> = site
            .config
            .site_url
            .iter()
            .chain(site.config.site_url_aliases.iter())
            .map(|u| {
                let mut u = u.trim().to_string();
                if !u.ends_with('/') {
                    u.push('/');
                }
                u
            })
            .collect();
        // Longest first, so a more specific alias wins.
        site_prefixes.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        Resolver {
            site,
            site_prefixes,
            files: std::sync::OnceLock::new(),
        }
    }

    /// Pages and assets by name (built the first time it is asked for).
    pub fn files(&self) -> &FileIndex {
        self.files.get_or_init(|| FileIndex::new(self.site))
    }

    /// The site this resolver works on.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// Resolves `dest` as written in root-relative file `from_file` of book `book`.
    pub fn resolve(&self, book: usize, from_file: &str, dest: &str) -> Target {
        let dest = dest.trim();
        if dest.is_empty() {
            return Target::Special;
        }
        if let Some(frag) = dest.strip_prefix('#') {
            return Target::SamePage {
                fragment: decode(frag),
            };
        }
        if let Some(slug) = dest.strip_prefix("term:") {
            return Target::Term {
                slug: slug.trim_start_matches('/').to_string(),
            };
        }
        if is_gitbook_lost(dest) {
            return Target::GitbookBroken;
        }
        let lower = dest.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            for prefix in &self.site_prefixes {
                if let Some(rest) = strip_prefix_ci(dest, prefix) {
                    return self.resolve_site_url(rest);
                }
                if dest.len() + 1 == prefix.len()
                    && prefix.eq_ignore_ascii_case(&format!("{dest}/"))
                {
                    return self.resolve_site_url("");
                }
            }
            return Target::External {
                url: dest.to_string(),
            };
        }
        if dest.starts_with("//") || has_scheme(dest) {
            return if lower.starts_with("ftp:") || dest.starts_with("//") {
                Target::External {
                    url: dest.to_string(),
                }
            } else {
                Target::Special
            };
        }
        let (path, fragment) = split_fragment(dest);
        let path = decode(path);
        let b = &self.site.books[book];
        let base_dir = if path.starts_with('/') {
            b.page_root.clone()
        } else {
            parent_dir(from_file).to_string()
        };
        let Some(joined) = normalize_join(&base_dir, path.trim_start_matches('/')) else {
            return Target::OutsideRoot;
        };
        self.lookup(&joined, fragment)
    }

    /// Looks up a root-relative path: a page, a folder's README, or an asset.
    pub fn lookup(&self, path: &str, fragment: Option<String>) -> Target {
        let site = self.site;
        let path = path.trim_end_matches('/');
        if let Some(&page) = site.page_by_file.get(path) {
            return Target::Page { page, fragment };
        }
        if site
            .assets
            .binary_search_by(|a| a.as_str().cmp(path))
            .is_ok()
        {
            return Target::Asset {
                file: path.to_string(),
            };
        }
        // A folder link, or a GitBook-style path without `.md`.
        let candidates = [
            join2(path, "README.md"),
            join2(path, "readme.md"),
            format!("{path}.md"),
        ];
        for c in &candidates {
            if let Some(&page) = site.page_by_file.get(c.as_str()) {
                return Target::Page { page, fragment };
            }
        }
        // `folder.md` for a folder whose page is its README (GitBook writes
        // such links when a page gains sub-pages).
        if let Some(stem) = path.strip_suffix(".md") {
            if let Some(&page) = site.page_by_file.get(join2(stem, "README.md").as_str()) {
                return Target::Page { page, fragment };
            }
        }
        // A book's page root itself (e.g. a link to `spec/`).
        for b in &site.books {
            if b.page_root == path || (path.is_empty() && b.page_root.is_empty()) {
                if let Some(p) = self.readme_page(b) {
                    return Target::Page { page: p, fragment };
                }
            }
        }
        Target::Missing {
            path: path.to_string(),
            fragment,
        }
    }

    fn readme_page(&self, b: &Book) -> Option<usize> {
        let f = join2(&b.page_root, &b.readme);
        self.site.page_by_file.get(f.as_str()).copied()
    }

    /// Maps the part of a site URL after its base (`consent/2-description#x`) to a target.
    ///
    /// The first segment is a book id, or a key of `book_aliases`. An alias
    /// value may carry a folder after the book id (`security:
    /// specifications/security-requirements`): the rest of the URL is then
    /// taken inside that folder of the book.
    fn resolve_site_url(&self, rest: &str) -> Target {
        let (path, fragment) = split_fragment(rest);
        let path = path.split('?').next().unwrap_or("");
        let path = decode(path);
        let mut segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if segs.is_empty() {
            // The site's own landing page.
            return Target::External {
                url: rest.to_string(),
            };
        }
        let first = segs.remove(0);
        let aliased = self.site.config.book_aliases.get(first).map(String::as_str);
        let (book_id, folder) = match aliased {
            Some(v) => match v.trim_matches('/').split_once('/') {
                Some((b, f)) => (b, Some(f)),
                None => (v.trim_matches('/'), None),
            },
            None => (first, None),
        };
        // A version label right after the book id selects that version, as
        // does GitBook's `v/<label>`.
        let mut candidates: Vec<&Book> =
            self.site.books.iter().filter(|b| b.id == book_id).collect();
        if segs.len() >= 2 && segs[0] == "v" {
            let label = segs[1];
            if let Some(vb) = candidates
                .iter()
                .find(|b| b.version.as_deref() == Some(label))
            {
                candidates = vec![*vb];
                segs.drain(..2);
            }
        }
        if let Some(v) = segs.first().filter(|_| candidates.len() > 1) {
            if let Some(vb) = candidates
                .iter()
                .find(|b| b.version.as_deref() == Some(*v))
                .copied()
            {
                segs.remove(0);
                candidates = vec![vb];
            }
        }
        let Some(book) = candidates
            .iter()
            .find(|b| b.latest)
            .or(candidates.first())
            .copied()
        else {
            return Target::UnknownBook {
                segment: first.to_string(),
            };
        };
        let mut parts: Vec<&str> = folder
            .map(|f| f.split('/').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        parts.extend(segs);
        let slug = if parts.is_empty() {
            String::new()
        } else {
            format!("{}/", parts.join("/"))
        };
        for &p in &book.pages {
            if self.site.pages[p].slug == slug {
                return Target::Page { page: p, fragment };
            }
        }
        // GitBook serves a page's path with or without a trailing `.md`-less
        // segment; a folder path falls back to the ordinary file lookup.
        match self.lookup(&join2(&book.page_root, &parts.join("/")), fragment) {
            t @ (Target::Page { .. } | Target::Asset { .. }) => t,
            Target::Missing { fragment, .. } => Target::Missing {
                path: join2(&book.page_root, &parts.join("/")),
                fragment,
            },
            other => other,
        }
    }

    /// Where `dest` (a relative link written in `from_file`) would point if
    /// it had been written relative to another folder: the book's
    /// repository folder (links that include the repository's `spec/`
    /// folder), its page root, or a folder between the page and the
    /// repository. Returns the first such folder whose join names a page or
    /// asset, with the target. Used for suggestions only.
    pub fn resolve_elsewhere(&self, book: usize, from_file: &str, dest: &str) -> Option<Target> {
        let (path, fragment) = split_fragment(dest.trim());
        let path = decode(path);
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            return None;
        }
        let b = self.site.books.get(book)?;
        let mut bases: Vec<String> = vec![b.repo_dir.clone(), b.page_root.clone()];
        let mut dir = parent_dir(from_file);
        while in_dir(dir, &b.repo_dir) && dir != b.repo_dir {
            dir = parent_dir(dir);
            bases.push(dir.to_string());
        }
        let stripped: &str = path.trim_start_matches("./");
        let stripped = stripped.trim_start_matches("../");
        let own = normalize_join(parent_dir(from_file), path);
        for base in &bases {
            for rel in [path, stripped] {
                let Some(joined) = normalize_join(base, rel) else {
                    continue;
                };
                if Some(&joined) == own.as_ref() {
                    continue;
                }
                if let t @ (Target::Page { .. } | Target::Asset { .. }) =
                    self.lookup(&joined, fragment.clone())
                {
                    return Some(t);
                }
            }
        }
        None
    }
}

/// Whether `dest` is one of GitBook's lost-link markers: a `broken-reference`
/// path segment (GitBook writes it where a link's target page was deleted,
/// also inside GitHub URLs it generated) or `/broken/pages/<id>`.
pub fn is_gitbook_lost(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    path.split('/').any(|s| s == "broken-reference") || path.contains("/broken/pages/")
}

/// The output URL (root-relative) of an asset file, for the book that holds it.
/// Files under the page root keep their page-root-relative path under the book
/// prefix; other files of the book's repository go under `<prefix>/_repo/`.
pub fn asset_url(site: &Site, file: &str) -> Option<String> {
    let mut best: Option<&Book> = None;
    for b in &site.books {
        if in_dir(file, &b.repo_dir)
            && best.is_none_or(|x| b.repo_dir.len() > x.repo_dir.len())
            && b.latest
        {
            best = Some(b);
        }
    }
    let b = best.or_else(|| site.books.iter().find(|b| in_dir(file, &b.repo_dir)))?;
    if in_dir(file, &b.page_root) {
        Some(crate::urls::join_url(
            b.prefix(),
            rel_to(file, &b.page_root),
        ))
    } else {
        Some(crate::urls::join_url(
            &format!("{}/_repo", b.prefix()),
            rel_to(file, &b.repo_dir),
        ))
    }
}

/// Whether root-relative `path` is inside root-relative folder `dir` ("" is the root).
pub fn in_dir(path: &str, dir: &str) -> bool {
    dir.is_empty() || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// `path` relative to `dir` (which must contain it).
pub fn rel_to<'p>(path: &'p str, dir: &str) -> &'p str {
    if dir.is_empty() {
        path
    } else {
        path.get(dir.len() + 1..).unwrap_or("")
    }
}

/// Splits `a/b.md#frag` into the path and the percent-decoded fragment.
pub fn split_fragment(dest: &str) -> (&str, Option<String>) {
    match dest.split_once('#') {
        Some((p, f)) => (p.split('?').next().unwrap_or(p), Some(decode(f))),
        None => (dest.split('?').next().unwrap_or(dest), None),
    }
}

/// Percent-decodes (lossy on invalid UTF-8).
pub fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The folder part of a root-relative file path (`a/b/c.md` → `a/b`).
pub fn parent_dir(file: &str) -> &str {
    file.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn join2(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else if b.is_empty() {
        a.to_string()
    } else {
        format!("{a}/{b}")
    }
}

/// Joins a relative path onto a root-relative folder and normalises `.` and
/// `..`. `None` when the result would leave the root.
pub fn normalize_join(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

fn strip_prefix_ci<'d>(s: &'d str, prefix: &str) -> Option<&'d str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_relative_paths() {
        assert_eq!(normalize_join("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(
            normalize_join("a", "./x/./y.md").as_deref(),
            Some("a/x/y.md")
        );
        assert_eq!(normalize_join("a", "../../etc/passwd"), None);
    }

    #[test]
    fn splits_and_decodes_fragments() {
        assert_eq!(
            split_fragment("a.md#x%20y"),
            ("a.md", Some("x y".to_string()))
        );
        assert_eq!(split_fragment("a.md?raw=1"), ("a.md", None));
    }

    /// Books `bb` (repository `bb`, pages under `bb/spec`) and `dr`
    /// (repository and page root `dr`); config with a site alias.
    fn site() -> Site {
        use crate::content::Page;
        use std::sync::Arc;
        let mut s = Site::default();
        s.config.site_url_aliases = vec!["https://specs.example.org".into()];
        s.config
            .book_aliases
            .insert("registries".into(), "dr".into());
        s.config
            .book_aliases
            .insert("sec".into(), "bb/guide/".into());
        for (id, repo, root) in [("bb", "bb", "bb/spec"), ("dr", "dr", "dr")] {
            s.books.push(Book {
                id: id.into(),
                latest: true,
                url_prefixes: vec![id.into()],
                repo_dir: repo.into(),
                page_root: root.into(),
                readme: "README.md".into(),
                ..Book::default()
            });
        }
        let pages = [
            (0, "bb/spec/README.md", ""),
            (0, "bb/spec/terms.md", "terms/"),
            (0, "bb/spec/guide/README.md", "guide/"),
            (0, "bb/spec/use/flows.md", "use/flows/"),
            (1, "dr/README.md", ""),
            (1, "dr/2-description.md", "2-description/"),
        ];
        for (i, (book, file, slug)) in pages.iter().enumerate() {
            s.page_by_file.insert(file.to_string(), i);
            s.books[*book].pages.push(i);
            s.pages.push(Page {
                book: *book,
                file: file.to_string(),
                path: String::new(),
                slug: slug.to_string(),
                source: Arc::from(""),
                front: Default::default(),
                body_start: 0,
                summary_title: None,
                in_summary: true,
                terminology: false,
                common_terminology: false,
            });
        }
        s.assets = vec!["bb/spec/.gitbook/assets/d.png".into()];
        s
    }

    #[test]
    fn folder_links_and_folder_md_links_reach_the_readme() {
        let s = site();
        let r = Resolver::new(&s);
        let guide = Target::Page {
            page: 2,
            fragment: None,
        };
        assert_eq!(r.resolve(0, "bb/spec/README.md", "guide/"), guide);
        assert_eq!(r.resolve(0, "bb/spec/README.md", "guide.md"), guide);
        assert_eq!(r.resolve(0, "bb/spec/README.md", "guide"), guide);
        assert!(matches!(
            r.resolve(0, "bb/spec/README.md", "Terms.md"),
            Target::Missing { .. }
        ));
    }

    #[test]
    fn site_urls_go_through_book_aliases_with_an_optional_folder() {
        let s = site();
        let r = Resolver::new(&s);
        assert_eq!(
            r.resolve(
                0,
                "bb/spec/README.md",
                "https://specs.example.org/registries/2-description#x"
            ),
            Target::Page {
                page: 5,
                fragment: Some("x".into())
            }
        );
        assert_eq!(
            r.resolve(0, "bb/spec/README.md", "https://SPECS.example.org/dr"),
            Target::Page {
                page: 4,
                fragment: None
            }
        );
        assert_eq!(
            r.resolve(1, "dr/README.md", "https://specs.example.org/sec"),
            Target::Page {
                page: 2,
                fragment: None
            }
        );
        assert_eq!(
            r.resolve(1, "dr/README.md", "https://specs.example.org/gis/x"),
            Target::UnknownBook {
                segment: "gis".into()
            }
        );
        assert_eq!(
            r.resolve(1, "dr/README.md", "https://specs.example.org/dr/gone"),
            Target::Missing {
                path: "dr/gone".into(),
                fragment: None
            }
        );
        assert!(matches!(
            r.resolve(1, "dr/README.md", "https://other.example.org/dr"),
            Target::External { .. }
        ));
    }

    #[test]
    fn gitbook_markers_are_whole_segments() {
        assert!(is_gitbook_lost("broken-reference"));
        assert!(is_gitbook_lost("../broken-reference#x"));
        assert!(is_gitbook_lost("/broken/pages/AbC"));
        assert!(is_gitbook_lost(
            "https://github.com/o/r/blob/main/broken-reference/README.md"
        ));
        assert!(!is_gitbook_lost("broken-references.md"));
        assert!(!is_gitbook_lost("notes/broken.md"));
    }

    #[test]
    fn wrong_folder_readings_find_repository_relative_paths() {
        let s = site();
        let r = Resolver::new(&s);
        // `spec/terms.md` written from the page root means the repository's spec/.
        assert_eq!(
            r.resolve_elsewhere(0, "bb/spec/use/flows.md", "spec/terms.md#t"),
            Some(Target::Page {
                page: 1,
                fragment: Some("t".into())
            })
        );
        assert_eq!(
            r.resolve_elsewhere(0, "bb/spec/README.md", "../.gitbook/assets/d.png"),
            Some(Target::Asset {
                file: "bb/spec/.gitbook/assets/d.png".into()
            })
        );
        assert_eq!(
            r.resolve_elsewhere(0, "bb/spec/README.md", "nothing.md"),
            None
        );
    }

    #[test]
    fn recognises_schemes() {
        assert!(has_scheme("mailto:x@y"));
        assert!(!has_scheme("a/b:c.md"));
        assert!(!has_scheme("file.md"));
    }
}
