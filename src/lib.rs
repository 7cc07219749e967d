//! specsite: compile GitBook-style specification books and a common glossary
//! into a cross-linked, searchable static site, checking terms and links as it
//! builds.
//!
//! A build is a pipeline: load → parse → resolve → check → render/index →
//! write. Each stage lives in its own module with a small, typed interface.

#![warn(missing_docs)]

pub mod checks;
pub mod config;
pub mod content;
pub mod diag;
pub mod gitinfo;
pub mod glossary;
pub mod init;
pub mod markdown;
pub mod output;
pub mod render;
pub mod resolve;
pub mod search;
pub mod urls;
pub mod yaml;

use content::{LoadError, LoadOptions, Site};
use diag::Diagnostic;
use markdown::Doc;
use rayon::prelude::*;
use std::path::PathBuf;

/// Everything known about a site after analysis: loaded, parsed, checked.
pub struct Analysis {
    /// The loaded site.
    pub site: Site,
    /// The glossary.
    pub glossary: glossary::Glossary,
    /// `docs[i]` is `site.pages[i]` parsed.
    pub docs: Vec<Doc>,
    /// Every finding, config severities applied, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Options shared by `build` and `check`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Site root.
    pub root: PathBuf,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// Output folder (excluded from loading).
    pub out: Option<PathBuf>,
    /// Links name `index.html` (also when the config says `offline: true`).
    pub offline: bool,
}

/// A build or check could not run at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    /// Loading failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The output folder is not acceptable.
    #[error("{0}")]
    Out(String),
    /// Any other failure (I/O, templates).
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

/// Load → glossary → parse → check. Writes nothing.
pub fn analyse(opts: &Options) -> Result<Analysis, Fatal> {
    let site = content::load_site(&LoadOptions {
        root: opts.root.clone(),
        config: opts.config.clone(),
        out: opts.out.clone(),
    })?;
    let offline = opts.offline || site.config.offline;
    let (glossary, glossary_diags) = glossary::load_glossary(&site);
    let resolver = resolve::Resolver::new(&site);
    let openapi = markdown::dialect::OpenApiCache::default();
    let env = markdown::ParseEnv {
        resolver: &resolver,
        glossary: &glossary,
        openapi: &openapi,
        offline,
        link_mode: site.config.glossary.link,
    };
    let docs: Vec<Doc> = (0..site.pages.len())
        .into_par_iter()
        .map(|p| markdown::parse_page(&env, p))
        .collect();
    let mut diagnostics = site.diagnostics.clone();
    for (p, d) in docs.iter().enumerate() {
        for diag in &d.diagnostics {
            let mut diag = diag.clone();
            if diag.file.is_empty() {
                diag.file = site.pages[p].file.clone();
            }
            diagnostics.push(diag);
        }
    }
    diagnostics.extend(glossary_diags);
    diagnostics.extend(checks::check_links(&site, &docs));
    diagnostics.extend(glossary::check_glossary(
        &glossary,
        &site,
        &term_uses(&docs),
    ));
    checks::apply_config(&mut diagnostics, &site.config, &site.sources);
    diag::sort_diagnostics(&mut diagnostics);
    Ok(Analysis {
        site,
        glossary,
        docs,
        diagnostics,
    })
}

/// Loads the site and its glossary only (no page parsing): what `define` needs.
pub fn load_glossary_only(opts: &Options) -> Result<(Site, glossary::Glossary), Fatal> {
    let site = content::load_site(&LoadOptions {
        root: opts.root.clone(),
        config: opts.config.clone(),
        out: opts.out.clone(),
    })?;
    let (g, _) = glossary::load_glossary(&site);
    Ok((site, g))
}

/// Every page's term uses, as the glossary checks and pages want them.
pub fn term_uses(docs: &[Doc]) -> Vec<(content::PageId, Vec<glossary::TermUse>)> {
    docs.iter()
        .enumerate()
        .map(|(p, d)| (p, d.term_uses.clone()))
        .collect()
}

/// The glossary pages as generated pages for the renderer.
pub fn glossary_generated(a: &Analysis, offline: bool) -> Vec<render::site::Generated> {
    let site = &a.site;
    glossary::glossary_pages(&a.glossary, site, &term_uses(&a.docs), offline)
        .into_iter()
        .map(|g| {
            let book = site
                .books
                .iter()
                .position(|b| g.url.starts_with(&format!("{}/glossary/", b.prefix())));
            render::site::Generated {
                url: g.url,
                template: g.template.to_string(),
                title: g.title,
                book,
                data: g.data,
            }
        })
        .collect()
}

/// Result of a build.
pub struct BuildResult {
    /// The analysis the site was rendered from.
    pub analysis: Analysis,
    /// Number of HTML pages written.
    pub pages_written: usize,
}

/// Builds the site into `out` atomically.
pub fn build(opts: &Options, out: &std::path::Path) -> Result<BuildResult, Fatal> {
    let opts = Options {
        out: Some(out.to_path_buf()),
        ..opts.clone()
    };
    // Refuse the root or an ancestor before anything is read.
    output::check_out_dir(&opts.root, out, []).map_err(Fatal::Out)?;
    let analysis = analyse(&opts)?;
    let site = &analysis.site;
    output::check_out_dir(
        &site.root,
        out,
        site.pages.iter().map(|p| site.root.join(&p.file)),
    )
    .map_err(Fatal::Out)?;
    let theme = render::theme::Theme::load(&site.root, site.config.theme.as_deref())?;
    let generated = glossary_generated(&analysis, opts.offline || site.config.offline);
    let sink = output::DiskSink::new(out)?;
    let env = render::site::RenderEnv {
        site,
        docs: &analysis.docs,
        theme: &theme,
        offline: opts.offline || site.config.offline,
        search_manifest: String::new(),
        body_end_html: String::new(),
        books_with_glossary: generated
            .iter()
            .filter_map(|g| g.book.map(|b| site.books[b].prefix().to_string()))
            .collect(),
        last_updated: if site.config.last_updated {
            gitinfo::last_updated(&site.root)
        } else {
            Default::default()
        },
    };
    match render::site::render_site(&env, &generated, &sink) {
        Ok(urls) => {
            sink.commit()?;
            Ok(BuildResult {
                pages_written: urls.len(),
                analysis,
            })
        }
        Err(e) => {
            sink.abort();
            Err(Fatal::Other(e))
        }
    }
}
