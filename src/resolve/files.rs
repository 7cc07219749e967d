//! Lookups by file name over every page and asset of a site, built once per
//! check run, so that suggesting a fix for each of many broken links does
//! not scan the whole site again.

use crate::content::{PageId, Site};
use std::collections::HashMap;

/// Name indexes over a site's pages and assets.
#[derive(Debug, Default)]
pub struct FileIndex {
    /// Lower-cased path → the first page file (in path order), else asset,
    /// with that path; `true` for an asset.
    lower: HashMap<String, (bool, String)>,
    /// File name → pages with that file name, in page order.
    page_names: HashMap<String, Vec<PageId>>,
    /// Page name without its section number → pages, in page order.
    page_stems: HashMap<String, Vec<PageId>>,
    /// Asset file name → asset indexes (into `site.assets`), in order.
    asset_names: HashMap<String, Vec<usize>>,
    /// Lower-cased asset file name → asset indexes, in order.
    asset_names_lower: HashMap<String, Vec<usize>>,
}

/// The file name of a root-relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A page's name for matching: its file stem, or its folder's name for a README.
pub fn page_stem(file: &str) -> &str {
    let name = file_name(file);
    if name.eq_ignore_ascii_case("README.md") {
        file_name(super::parent_dir(file))
    } else {
        name.strip_suffix(".md").unwrap_or(name)
    }
}

/// A page name without its section number (`3.1-user-centred-design` and
/// `1.-user-centred-design` → `user-centred-design`): renumbered pages keep
/// their name.
pub fn unnumbered(stem: &str) -> &str {
    let rest = stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    if rest.len() == stem.len() {
        return stem;
    }
    rest.strip_prefix('-').unwrap_or(stem)
}

impl FileIndex {
    /// Indexes every page and asset of `site`.
    pub fn new(site: &Site) -> FileIndex {
        let mut ix = FileIndex::default();
        let pages = site.page_by_file.keys().map(|f| (false, f));
        for (asset, f) in pages.chain(site.assets.iter().map(|f| (true, f))) {
            ix.lower
                .entry(f.to_ascii_lowercase())
                .or_insert_with(|| (asset, f.clone()));
        }
        for (p, page) in site.pages.iter().enumerate() {
            ix.page_names
                .entry(file_name(&page.file).to_string())
                .or_default()
                .push(p);
            ix.page_stems
                .entry(unnumbered(page_stem(&page.file)).to_string())
                .or_default()
                .push(p);
        }
        for (i, a) in site.assets.iter().enumerate() {
            let name = file_name(a);
            ix.asset_names.entry(name.to_string()).or_default().push(i);
            ix.asset_names_lower
                .entry(name.to_ascii_lowercase())
                .or_default()
                .push(i);
        }
        ix
    }

    /// The first page (in path order), else asset, whose path equals `path`,
    /// `path/README.md` or `path.md` ignoring ASCII case.
    pub fn case_variant(&self, path: &str) -> Option<&str> {
        let lower = path.to_ascii_lowercase();
        [
            lower.clone(),
            format!("{lower}/readme.md"),
            format!("{lower}.md"),
        ]
        .iter()
        .filter_map(|k| self.lower.get(k))
        .min()
        .map(|(_, f)| f.as_str())
    }

    /// Pages whose file name is `name`.
    pub fn pages_named(&self, name: &str) -> &[PageId] {
        self.page_names.get(name).map_or(&[], Vec::as_slice)
    }

    /// Pages whose unnumbered name is `stem`.
    pub fn pages_with_stem(&self, stem: &str) -> &[PageId] {
        self.page_stems.get(stem).map_or(&[], Vec::as_slice)
    }

    /// Assets whose file name is `name` (exactly, or ignoring ASCII case).
    pub fn assets_named(&self, name: &str, exact: bool) -> &[usize] {
        let found = if exact {
            self.asset_names.get(name)
        } else {
            self.asset_names_lower.get(&name.to_ascii_lowercase())
        };
        found.map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index over a site holding only these page files and assets.
    fn index(pages: &[&str], assets: &[&str]) -> FileIndex {
        let mut site = Site::default();
        for (i, p) in pages.iter().enumerate() {
            site.page_by_file.insert(p.to_string(), i);
        }
        site.assets = assets.iter().map(|a| a.to_string()).collect();
        FileIndex::new(&site)
    }

    #[test]
    fn case_variant_prefers_pages_then_the_first_path() {
        let ix = index(&["b/Setup.md", "b/setup/README.md"], &["b/SETUP"]);
        // `b/setup` matches the asset exactly, the README as a folder and
        // the page as `.md`: pages come first, then by path.
        assert_eq!(ix.case_variant("b/setup"), Some("b/Setup.md"));
        assert_eq!(ix.case_variant("B/SETUP.MD"), Some("b/Setup.md"));
        assert_eq!(ix.case_variant("b/other"), None);
    }

    #[test]
    fn assets_by_name_exact_or_ignoring_case() {
        let ix = index(&[], &["b/.gitbook/assets/Flow.png", "c/img/flow.png"]);
        assert_eq!(ix.assets_named("Flow.png", true), &[0]);
        assert_eq!(ix.assets_named("flow.png", true), &[1]);
        assert_eq!(ix.assets_named("FLOW.PNG", false), &[0, 1]);
        assert!(ix.assets_named("none.png", false).is_empty());
    }
}
