//! The link checks: every resolved [`Link`] of every page goes through the
//! rule that owns its kind of failure.
//!
//! | target | rule |
//! |---|---|
//! | `Missing` (link) or `GitbookBroken` | [`broken-link`](super::broken_link) |
//! | `Page`/`SamePage` with an unknown fragment | [`broken-anchor`](super::broken_anchor) |
//! | `Missing` (image, block `src`) | [`missing-asset`](super::missing_asset) |
//! | `OutsideRoot` | [`path-outside-root`](super::path_outside_root) |

use super::{broken_anchor, broken_link, missing_asset, path_outside_root};
use crate::content::{Page, Site};
use crate::diag::Diagnostic;
use crate::markdown::{Doc, Link, LinkKind};
use crate::resolve::{Resolver, Target};

/// Checks every link of every page. `docs[i]` is the parsed form of
/// `site.pages[i]`; findings come out in page and source order.
pub fn check_links(site: &Site, docs: &[Doc]) -> Vec<Diagnostic> {
    let resolver = Resolver::new(site);
    let mut out = Vec::new();
    for (page, doc) in site.pages.iter().zip(docs) {
        for link in &doc.links {
            if let Some(d) = check_link(&resolver, docs, page, doc, link) {
                out.push(d);
            }
        }
    }
    out.extend(check_summary_site_links(&resolver, docs));
    out
}

/// SUMMARY.md entries that are absolute URLs under `site_url` or a
/// `site_url_aliases` prefix: they point back into the site, so they are
/// checked like page links (relative entries are the loader's
/// `summary-missing-file`).
fn check_summary_site_links(resolver: &Resolver, docs: &[Doc]) -> Vec<Diagnostic> {
    let site = resolver.site();
    let mut out = Vec::new();
    for (bi, book) in site.books.iter().enumerate() {
        let Some(summary) = &book.summary else {
            continue;
        };
        for item in summary.links() {
            let crate::content::SummaryItem::Link {
                dest: Some(dest),
                span,
                external: true,
                ..
            } = item
            else {
                continue;
            };
            let target = resolver.resolve(bi, &book.summary_file, dest);
            let link = Link {
                kind: LinkKind::Link,
                dest: dest.clone(),
                span: span.clone(),
                target: target.clone(),
            };
            let file = book.summary_file.as_str();
            match &target {
                Target::UnknownBook { segment } => {
                    out.push(broken_link::unknown_book(site, file, &link, segment));
                }
                Target::Missing { path, .. } => out.push(Diagnostic::new(
                    crate::diag::Rule::BrokenLink,
                    file,
                    span.clone(),
                    format!("SUMMARY.md entry `{dest}` points into this site, but `{path}` does not exist"),
                )),
                Target::Page {
                    page,
                    fragment: Some(fragment),
                } => {
                    if let (Some(tp), Some(td)) = (site.pages.get(*page), docs.get(*page)) {
                        out.extend(broken_anchor::check_in(file, &link, fragment, td, &tp.file));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The findings of one page's links: what [`check_links`] reports for page
/// `p` (used by `serve` to re-check only the pages an edit touched).
pub fn check_page_links(site: &Site, docs: &[Doc], p: crate::content::PageId) -> Vec<Diagnostic> {
    let resolver = Resolver::new(site);
    let (page, doc) = (&site.pages[p], &docs[p]);
    doc.links
        .iter()
        .filter_map(|link| check_link(&resolver, docs, page, doc, link))
        .collect()
}

/// The finding for one link, if it has one.
fn check_link(
    resolver: &Resolver,
    docs: &[Doc],
    page: &Page,
    doc: &Doc,
    link: &Link,
) -> Option<Diagnostic> {
    let site = resolver.site();
    match &link.target {
        Target::Missing { path, .. } => {
            let page_like = match link.kind {
                LinkKind::Link => true,
                LinkKind::BlockSrc => is_page_path(path),
                LinkKind::Image => false,
            };
            if page_like {
                Some(broken_link::missing(resolver, page, link, path))
            } else {
                Some(missing_asset::missing(resolver, page, link, path))
            }
        }
        Target::UnknownBook { segment } => {
            Some(broken_link::unknown_book(site, &page.file, link, segment))
        }
        Target::GitbookBroken => Some(broken_link::gitbook_lost(page, link)),
        Target::OutsideRoot => Some(path_outside_root::outside(page, link)),
        Target::Page {
            page: target,
            fragment: Some(fragment),
        } => {
            let target_doc = docs.get(*target)?;
            let target_page = site.pages.get(*target)?;
            let same = std::ptr::eq(target_page, page);
            broken_anchor::check(
                page,
                link,
                fragment,
                target_doc,
                (!same).then_some(target_page.file.as_str()),
            )
        }
        Target::SamePage { fragment } => broken_anchor::check(page, link, fragment, doc, None),
        Target::Page { fragment: None, .. }
        | Target::Asset { .. }
        | Target::Term { .. }
        | Target::External { .. }
        | Target::Special => None,
    }
}

/// A block reference naming a markdown page or a folder (a `content-ref`
/// block) is a page link; one naming another file (a `file` block) is an asset.
fn is_page_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.to_ascii_lowercase().ends_with(".md") || !name.contains('.')
}

#[cfg(test)]
pub(crate) mod testsite {
    //! A two-page, one-book site built in memory for the link-check tests.
    use crate::content::{Book, Page, Site};
    use crate::markdown::{Doc, Link, LinkKind};
    use crate::resolve::Target;
    use std::sync::Arc;

    pub const INTRO: &str =
        "# Intro\n\nSee [a](gone.md) and [b](guide.md#setup).\n![d](img/logo.png)\n";
    pub const GUIDE: &str = "# Guide\n\n## 4.1 Setup\n\n[top](#guid)\n";

    fn page(file: &str, path: &str, text: &str) -> Page {
        Page {
            book: 0,
            file: file.into(),
            path: path.into(),
            slug: String::new(),
            source: Arc::from(text),
            front: Default::default(),
            body_start: 0,
            summary_title: None,
            in_summary: true,
            terminology: false,
            common_terminology: false,
        }
    }

    /// A link whose span is the first occurrence of `dest` in `text`.
    pub fn link(text: &str, kind: LinkKind, dest: &str, target: Target) -> Link {
        let start = text.find(dest).expect("dest in text");
        Link {
            kind,
            dest: dest.into(),
            span: start..start + dest.len(),
            target,
        }
    }

    pub fn site() -> Site {
        let mut site = Site::default();
        site.books.push(Book {
            id: "consent".into(),
            repo_dir: "consent".into(),
            page_root: "consent/spec".into(),
            url_prefixes: vec!["consent".into()],
            ..Default::default()
        });
        site.pages
            .push(page("consent/spec/guide.md", "guide.md", GUIDE));
        site.pages
            .push(page("consent/spec/intro.md", "intro.md", INTRO));
        site.page_by_file.insert("consent/spec/guide.md".into(), 0);
        site.page_by_file.insert("consent/spec/intro.md".into(), 1);
        site.assets = vec![
            "consent/.gitbook/assets/logo.png".into(),
            "other/.gitbook/assets/logo.png".into(),
        ];
        for p in &site.pages {
            site.sources.insert(p.file.clone(), p.source.clone());
        }
        site
    }

    /// Docs for [`site`]: the guide's heading has GitBook's two anchor forms.
    pub fn docs() -> Vec<Doc> {
        let guide = Doc {
            anchors: ["guide", "id-4.1-setup", "4.1-setup"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            links: vec![link(
                GUIDE,
                LinkKind::Link,
                "#guid",
                Target::SamePage {
                    fragment: "guid".into(),
                },
            )],
            ..Default::default()
        };
        let intro = Doc {
            anchors: ["intro"].iter().map(|s| s.to_string()).collect(),
            links: vec![
                link(
                    INTRO,
                    LinkKind::Link,
                    "gone.md",
                    Target::Missing {
                        path: "consent/spec/gone.md".into(),
                        fragment: None,
                    },
                ),
                link(
                    INTRO,
                    LinkKind::Link,
                    "guide.md#setup",
                    Target::Page {
                        page: 0,
                        fragment: Some("setup".into()),
                    },
                ),
                link(
                    INTRO,
                    LinkKind::Image,
                    "img/logo.png",
                    Target::Missing {
                        path: "consent/spec/img/logo.png".into(),
                        fragment: None,
                    },
                ),
            ],
            ..Default::default()
        };
        vec![guide, intro]
    }
}

#[cfg(test)]
mod tests {
    use super::testsite::*;
    use super::*;
    use crate::diag::Rule;

    #[test]
    fn reports_each_failing_link_with_its_rule_and_span() {
        let diags = check_links(&site(), &docs());
        assert_eq!(diags.len(), 4, "{diags:#?}");
        let texts: Vec<String> = diags
            .iter()
            .map(|d| site().sources[&d.file][d.span.clone()].to_string())
            .collect();
        assert_eq!(
            texts,
            ["#guid", "gone.md", "guide.md#setup", "img/logo.png"]
        );
        let rules: Vec<Rule> = diags.iter().map(|d| d.rule).collect();
        assert_eq!(
            rules,
            [
                Rule::BrokenAnchor,
                Rule::BrokenLink,
                Rule::BrokenAnchor,
                Rule::MissingAsset
            ]
        );
    }

    #[test]
    fn human_report_of_link_findings() {
        let site = site();
        let mut diags = check_links(&site, &docs());
        crate::diag::sort_diagnostics(&mut diags);
        let opts = crate::diag::render::ReportOptions::default();
        let out = crate::diag::render::render_report(
            crate::diag::render::Format::Human,
            &diags,
            &site.sources,
            &opts,
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn content_ref_to_a_missing_page_is_a_broken_link() {
        let site = site();
        let mut docs = docs();
        docs[1].links = vec![testsite::link(
            INTRO,
            LinkKind::BlockSrc,
            "gone.md",
            Target::Missing {
                path: "consent/spec/gone.md".into(),
                fragment: None,
            },
        )];
        let diags = check_links(&site, &docs);
        assert!(diags
            .iter()
            .any(|d| d.rule == Rule::BrokenLink && d.file == "consent/spec/intro.md"));
    }
}
