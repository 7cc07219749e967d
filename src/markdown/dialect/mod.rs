//! The GitBook dialect: `{% block %}` tags turned into components.
//!
//! (Interim pass-through; the dialect branch replaces this file.)

use crate::content::{Page, Site};
use crate::diag::Diagnostic;

/// What the dialect pass needs to know about the page and site.
pub struct DialectEnv<'a> {
    /// The site.
    pub site: &'a Site,
    /// The page being parsed.
    pub page: &'a Page,
    /// OpenAPI files loaded so far.
    pub openapi: &'a OpenApiCache,
}

/// OpenAPI documents loaded once per build.
#[derive(Debug, Default)]
pub struct OpenApiCache {}

/// Maps offsets in preprocessed text back to the page file.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    base: usize,
}

impl OffsetMap {
    /// Page-file offset of preprocessed offset `pre`.
    pub fn to_source(&self, pre: usize) -> usize {
        self.base + pre
    }
}

/// The page body with blocks replaced.
#[derive(Debug, Default)]
pub struct Preprocessed {
    /// Markdown for pulldown-cmark.
    pub text: String,
    /// Offset map back to the page file.
    pub map: OffsetMap,
    /// HTML for placeholders.
    pub fragments: Vec<String>,
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// Replaces GitBook blocks in `body` (which starts at `body_start` in the page file).
pub fn preprocess(body: &str, body_start: usize, _env: &DialectEnv) -> Preprocessed {
    Preprocessed {
        text: body.to_string(),
        map: OffsetMap { base: body_start },
        ..Default::default()
    }
}

/// Substitutes placeholders in rendered HTML.
pub fn finish(_html: &mut String, _fragments: &[String]) {}
