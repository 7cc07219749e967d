//! The GitBook dialect: `{% block %}` tags turned into components.
//!
//! [`preprocess`] runs before pulldown-cmark. It finds tags outside code
//! (fenced and indented blocks, code spans: tags there stay literal) and
//! replaces each with raw HTML lines between blank lines, so that markdown
//! inside a block still renders as markdown and the HTML passes through.
//! Generated components (OpenAPI cards, titled code blocks) become a
//! placeholder line `<!--specsite:frag:N-->`, which [`finish`] swaps for the
//! fragment after rendering. An [`OffsetMap`] maps every byte of the output
//! back to the page file: exactly where text was copied, to the tag's start
//! where text was generated.
//!
//! Blocks (GitBook allows them nested and indented inside list items; the
//! wrappers keep the tag line's indentation and `>` prefix):
//!
//! | tag | renders as |
//! |---|---|
//! | `hint style="info\|success\|warning\|danger"` | `div.hint.hint-info[role=note][aria-label]` with `span.hint-icon` and `div.hint-content` |
//! | `tabs` / `tab title="…"` | `div.tabs` › `div.tab-list[role=tablist][hidden]` of `button[role=tab]` (first `aria-selected=true`), then `section.tab-panel[role=tabpanel]`, each with `h4.tab-title`. Without JS the list stays hidden and the panels read as stacked sections; the theme's JS unhides the list, hides the titles and all panels but the selected one. |
//! | `code title="…" lineNumbers="true"` around a fence | `figure.code-block` › `figcaption.code-title` + `pre.hl-code` (with `span.line-numbers` gutter) |
//! | `embed url="…"` (end tag optional) | `div.embed-card` with a markdown link to the URL (never fetched); the body is its caption |
//! | `file src="…"` (end tag optional) | `div.file-card` with a markdown link to the file and its size on disk; the body is its caption |
//! | `content-ref url="…"` | `div.content-ref` with a markdown link (title taken from the body's link) |
//! | `columns` / `column` | `div.columns` / `div.column` |
//! | `swagger src path method`, `openapi src path method`, `openapi-operation spec path method` | an operation card rendered from the spec file ([`openapi`]); the body (GitBook's cached summary) is dropped |
//!
//! Links emitted for `embed`, `file` and `content-ref` are ordinary markdown
//! links, so the core resolves and checks them; their destinations map back
//! to the attribute value in the page file.
//!
//! An unknown tag, an unclosed block or a stray end tag is an
//! `unknown-block` finding; the tag itself is dropped and the content shown.
//! Raw HTML `<table data-header-hidden>` loses its (empty) `<thead>`: its
//! column widths move to a `<colgroup>`.

pub mod openapi;
mod scan;

pub use openapi::OpenApiCache;

use crate::diag::{Diagnostic, Rule};
use crate::markdown::highlight::{escape_html as esc, highlight};
use scan::{Attr, Tag};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::ops::Range;

/// What the dialect needs to know about the page being parsed.
pub struct DialectEnv<'a> {
    /// The site: root path, assets list, books, `openapi_specs` config.
    /// Read through [`DialectEnv::site`], which records that it was.
    site: &'a crate::content::Site,
    /// The page being parsed (file, book, path).
    pub page: &'a crate::content::Page,
    /// Spec files, shared across the build; each file parsed once per build.
    pub openapi: &'a OpenApiCache,
    /// Whether the page's result depends on more than its own text: set
    /// whenever the site (other files, their sizes, specs, config) is read.
    consulted: std::cell::Cell<bool>,
}

impl<'a> DialectEnv<'a> {
    /// The environment for preprocessing `page` of `site`.
    pub fn new(
        site: &'a crate::content::Site,
        page: &'a crate::content::Page,
        openapi: &'a OpenApiCache,
    ) -> Self {
        DialectEnv {
            site,
            page,
            openapi,
            consulted: std::cell::Cell::new(false),
        }
    }

    /// The site, for a lookup whose answer the page's result then depends on.
    pub fn site(&self) -> &'a crate::content::Site {
        self.consulted.set(true);
        self.site
    }
}

/// The result of [`preprocess`].
#[derive(Debug, Clone, Default)]
pub struct Preprocessed {
    /// Markdown for pulldown-cmark, with blocks replaced.
    pub text: String,
    /// Preprocessed byte offset → original page-file byte offset.
    pub map: OffsetMap,
    /// HTML to substitute for placeholders after rendering ([`finish`]).
    pub fragments: Vec<String>,
    /// Findings, spans in the original page file.
    pub diagnostics: Vec<Diagnostic>,
    /// Element ids the generated markup defines (operation cards, tab
    /// widgets), so `#fragment` links to them can be checked.
    pub anchors: Vec<String>,
    /// Whether the result depends on the site beyond the page's own text
    /// (another file's size, an OpenAPI spec, the config). When it does
    /// not, the result holds for every page with the same text and path,
    /// the page's file in its findings aside.
    pub consulted_site: bool,
}

/// Maps offsets in [`Preprocessed::text`] back to the page file.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    segs: Vec<Seg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    /// Start in the preprocessed text.
    pre: usize,
    /// Start in the page file (or the fixed offset of generated text).
    src: usize,
    /// Copied text maps byte for byte; generated text maps to `src`.
    copied: bool,
}

impl OffsetMap {
    /// The page-file byte offset of preprocessed byte `pre_offset`.
    pub fn to_source(&self, pre_offset: usize) -> usize {
        let idx = self.segs.partition_point(|s| s.pre <= pre_offset);
        match idx.checked_sub(1).map(|i| self.segs[i]) {
            Some(s) if s.copied => s.src + (pre_offset - s.pre),
            Some(s) => s.src,
            None => self.segs.first().map_or(pre_offset, |s| s.src),
        }
    }

    /// Maps a preprocessed range to a page-file range.
    pub fn range_to_source(&self, r: Range<usize>) -> Range<usize> {
        let start = self.to_source(r.start);
        let end = if r.end > r.start {
            self.to_source(r.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }
}

const PLACEHOLDER: &str = "<!--specsite:frag:";

/// Replaces placeholders in rendered HTML with their fragments.
pub fn finish(html: &mut String, fragments: &[String]) {
    if fragments.is_empty() || !html.contains(PLACEHOLDER) {
        return;
    }
    let mut out =
        String::with_capacity(html.len() + fragments.iter().map(String::len).sum::<usize>());
    let mut rest = html.as_str();
    while let Some(at) = rest.find(PLACEHOLDER) {
        out.push_str(&rest[..at]);
        let tail = &rest[at + PLACEHOLDER.len()..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let frag = tail[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| fragments.get(n));
        match (frag, tail[digits..].starts_with("-->")) {
            (Some(f), true) => {
                out.push_str(f);
                rest = &tail[digits + 3..];
            }
            _ => {
                out.push_str(PLACEHOLDER);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    *html = out;
}

/// Rewrites GitBook blocks in `body` (the page text after front matter,
/// starting at byte `body_start` of the page file).
pub fn preprocess(body: &str, body_start: usize, env: &DialectEnv) -> Preprocessed {
    let mut e = Emitter {
        body,
        base: body_start,
        env,
        out: String::with_capacity(body.len() + body.len() / 8),
        segs: Vec::new(),
        fragments: Vec::new(),
        diagnostics: Vec::new(),
        ids: BTreeSet::new(),
        anchors: Vec::new(),
        schemas: openapi::PageSchemas::default(),
        stack: Vec::new(),
        unknown: BTreeSet::new(),
    };
    e.run();
    Preprocessed {
        text: e.out,
        map: OffsetMap { segs: e.segs },
        fragments: e.fragments,
        diagnostics: e.diagnostics,
        anchors: e.anchors,
        consulted_site: env.consulted.get(),
    }
}

/// An open block waiting for its end tag.
struct Frame {
    name: String,
    close: Vec<String>,
    prefix: String,
    at: Range<usize>,
    tabs: Option<TabsState>,
}

struct TabsState {
    id: String,
    next: usize,
}

struct Emitter<'a, 'e> {
    body: &'a str,
    base: usize,
    env: &'e DialectEnv<'e>,
    out: String,
    segs: Vec<Seg>,
    fragments: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    ids: BTreeSet<String>,
    anchors: Vec<String>,
    /// Named OpenAPI schemas drawn on the page so far.
    schemas: openapi::PageSchemas,
    stack: Vec<Frame>,
    unknown: BTreeSet<String>,
}

const KNOWN: [&str; 12] = [
    "hint",
    "tabs",
    "tab",
    "code",
    "embed",
    "file",
    "content-ref",
    "columns",
    "column",
    "swagger",
    "openapi",
    "openapi-operation",
];

impl<'a, 'e> Emitter<'a, 'e> {
    fn run(&mut self) {
        let body = self.body;
        let tags = scan::scan_tags(body);
        let mut pos = 0;
        let mut i = 0;
        while i < tags.len() {
            let t = &tags[i];
            if t.range.start < pos {
                i += 1;
                continue;
            }
            let only_prefix = t.range.start == t.line_start + t.prefix_len;
            let copy_to = if only_prefix && pos <= t.line_start {
                t.line_start
            } else {
                t.range.start
            };
            self.copy(pos..copy_to);
            let (next_i, next_pos) = self.handle(&tags, i);
            i = next_i;
            pos = next_pos;
        }
        self.copy(pos..body.len());
        while let Some(f) = self.stack.pop() {
            self.unclosed(&f);
            let at = body.len();
            self.html_block(&f.prefix.clone(), &f.close, at);
        }
    }

    /// Handles tag `i`; returns the next tag index and the next body offset to copy from.
    fn handle(&mut self, tags: &[Tag<'a>], i: usize) -> (usize, usize) {
        let t = &tags[i];
        let name = t.name.to_ascii_lowercase();
        if let Some(ended) = name.strip_prefix("end").filter(|n| KNOWN.contains(n)) {
            self.close(ended, t);
            return (i + 1, self.resume_after(t));
        }
        if !KNOWN.contains(&name.as_str()) {
            if let Some(opened) = name
                .strip_prefix("end")
                .filter(|n| self.unknown.contains(*n))
            {
                let _ = opened;
            } else {
                let shown = if name.is_empty() {
                    self.body[t.range.clone()].to_string()
                } else {
                    format!("{{% {name} %}}")
                };
                self.diag(
                    Rule::UnknownBlock,
                    t.range.clone(),
                    format!("unknown GitBook block `{shown}`; its content is shown as plain text"),
                );
                self.unknown.insert(name);
            }
            return (i + 1, self.resume_after(t));
        }
        let prefix = self.prefix(t).to_string();
        let at = t.range.start;
        match name.as_str() {
            "hint" => {
                let style = t
                    .value("style")
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                let (style, label, icon) = match style.as_str() {
                    "success" => ("success", "Success", "\u{2713}"),
                    "warning" => ("warning", "Warning", "\u{26a0}"),
                    "danger" => ("danger", "Danger", "\u{26d4}"),
                    _ => ("info", "Information", "\u{2139}"),
                };
                let open = vec![
                    format!(
                        "<div class=\"hint hint-{style}\" role=\"note\" aria-label=\"{label}\">"
                    ),
                    format!("<span class=\"hint-icon\" aria-hidden=\"true\">{icon}</span>"),
                    "<div class=\"hint-content\">".to_string(),
                ];
                self.open(t, &prefix, open, vec!["</div></div>".into()], None);
            }
            "tabs" => {
                let titles = tab_titles(tags, i);
                let id = self.unique_id("tabs");
                let mut open = vec![
                    format!("<div class=\"tabs\" id=\"{id}\">"),
                    "<div class=\"tab-list\" role=\"tablist\" hidden>".to_string(),
                ];
                for (k, title) in titles.iter().enumerate() {
                    open.push(format!(
                        "<button type=\"button\" role=\"tab\" id=\"{id}-tab-{k}\" aria-controls=\"{id}-panel-{k}\" aria-selected=\"{sel}\" tabindex=\"{ti}\">{title}</button>",
                        sel = k == 0,
                        ti = if k == 0 { 0 } else { -1 },
                        title = esc(title),
                    ));
                }
                open.push("</div>".into());
                self.open(
                    t,
                    &prefix,
                    open,
                    vec!["</div>".into()],
                    Some(TabsState { id, next: 0 }),
                );
            }
            "tab" => {
                let title = t.value("title").unwrap_or_else(|| "Tab".into());
                let parent = self.stack.last_mut().and_then(|f| f.tabs.as_mut());
                let open = match parent {
                    Some(state) => {
                        let (id, k) = (state.id.clone(), state.next);
                        state.next += 1;
                        vec![
                            format!("<section class=\"tab-panel\" role=\"tabpanel\" id=\"{id}-panel-{k}\" aria-labelledby=\"{id}-tab-{k}\">"),
                            format!("<h4 class=\"tab-title\">{}</h4>", esc(title.trim())),
                        ]
                    }
                    None => vec![
                        "<section class=\"tab-panel\">".to_string(),
                        format!("<h4 class=\"tab-title\">{}</h4>", esc(title.trim())),
                    ],
                };
                self.open(t, &prefix, open, vec!["</section>".into()], None);
            }
            "columns" => self.open(
                t,
                &prefix,
                vec!["<div class=\"columns\">".into()],
                vec!["</div>".into()],
                None,
            ),
            "column" => self.open(
                t,
                &prefix,
                vec!["<div class=\"column\">".into()],
                vec!["</div>".into()],
                None,
            ),
            "code" => {
                let end = tags
                    .get(i + 1)
                    .filter(|n| n.name.eq_ignore_ascii_case("endcode"));
                let title = t.value("title").filter(|s| !s.trim().is_empty());
                let numbers = t.value("lineNumbers").is_some_and(|v| v.trim() == "true");
                if let Some(end) = end {
                    if let Some((lang, code)) =
                        single_fence(&self.body[t.range.end..end.range.start])
                    {
                        let html = code_figure(title.as_deref(), &lang, &code, numbers);
                        self.fragment(&prefix, html, at);
                        return (i + 2, self.resume_after(end));
                    }
                }
                let mut open = vec![format!(
                    "<figure class=\"code-block{}\">",
                    if numbers { " line-numbers" } else { "" }
                )];
                if let Some(title) = title {
                    open.push(format!(
                        "<figcaption class=\"code-title\">{}</figcaption>",
                        esc(title.trim())
                    ));
                }
                self.open(t, &prefix, open, vec!["</figure>".into()], None);
            }
            "embed" | "file" => {
                let paired = tags
                    .get(i + 1)
                    .is_some_and(|n| n.name.eq_ignore_ascii_case(&format!("end{name}")));
                if name == "embed" {
                    self.embed_card(t, &prefix);
                } else {
                    self.file_card(t, &prefix);
                }
                if paired {
                    self.stack.push(Frame {
                        name,
                        close: vec!["</div>".into()],
                        prefix,
                        at: t.range.clone(),
                        tabs: None,
                    });
                } else {
                    self.html_block(&prefix, &["</div>".to_string()], at);
                }
            }
            "content-ref" => {
                let end = tags
                    .get(i + 1)
                    .filter(|n| n.name.eq_ignore_ascii_case("endcontent-ref"));
                let body_text = end.map_or("", |e| &self.body[t.range.end..e.range.start]);
                self.content_ref_card(t, &prefix, body_text);
                match end {
                    Some(end) => return (i + 2, self.resume_after(end)),
                    None => self.diag(
                        Rule::UnknownBlock,
                        t.range.clone(),
                        "`{% content-ref %}` has no `{% endcontent-ref %}`".to_string(),
                    ),
                }
            }
            _ => {
                // swagger, openapi, openapi-operation
                let end_name = format!("end{name}");
                let end = tags[i + 1..]
                    .iter()
                    .position(|n| n.name.eq_ignore_ascii_case(&end_name))
                    .map(|k| i + 1 + k);
                let html = self.api_card(t, &name);
                self.fragment(&prefix, html, at);
                match end {
                    Some(j) => return (j + 1, self.resume_after(&tags[j])),
                    None => self.diag(
                        Rule::UnknownBlock,
                        t.range.clone(),
                        format!("`{{% {name} %}}` has no `{{% {end_name} %}}`"),
                    ),
                }
            }
        }
        (i + 1, self.resume_after(t))
    }

    /// The container prefix (indentation, `>` markers) of a tag's line.
    fn prefix(&self, t: &Tag) -> &'a str {
        &self.body[t.line_start..t.line_start + t.prefix_len]
    }

    /// Where copying resumes after tag `t`: past its line when only blanks
    /// follow it, else right after it (re-entering the line's container).
    fn resume_after(&mut self, t: &Tag) -> usize {
        if self.body[t.range.end..t.line_end].trim().is_empty() {
            (t.line_end + 1).min(self.body.len())
        } else {
            let prefix = self.prefix(t);
            self.ensure_line_start(t.range.end);
            self.gen(prefix, t.range.end);
            let ws = self.body[t.range.end..t.line_end].len()
                - self.body[t.range.end..t.line_end].trim_start().len();
            t.range.end + ws
        }
    }

    fn open(
        &mut self,
        t: &Tag,
        prefix: &str,
        open: Vec<String>,
        close: Vec<String>,
        tabs: Option<TabsState>,
    ) {
        self.html_block(prefix, &open, t.range.start);
        self.stack.push(Frame {
            name: t.name.to_ascii_lowercase(),
            close,
            prefix: prefix.to_string(),
            at: t.range.clone(),
            tabs,
        });
    }

    fn close(&mut self, name: &str, t: &Tag) {
        let Some(idx) = self.stack.iter().rposition(|f| f.name == name) else {
            self.diag(
                Rule::UnknownBlock,
                t.range.clone(),
                format!("`{{% end{name} %}}` closes no open `{{% {name} %}}` block"),
            );
            return;
        };
        while self.stack.len() > idx + 1 {
            if let Some(f) = self.stack.pop() {
                self.unclosed(&f);
                self.html_block(&f.prefix, &f.close, t.range.start);
            }
        }
        if let Some(f) = self.stack.pop() {
            let prefix = self.prefix(t);
            self.html_block(prefix, &f.close, t.range.start);
        }
    }

    fn unclosed(&mut self, f: &Frame) {
        let optional = f.name == "embed" || f.name == "file";
        if !optional {
            self.diag(
                Rule::UnknownBlock,
                f.at.clone(),
                format!(
                    "`{{% {} %}}` is never closed with `{{% end{} %}}`",
                    f.name, f.name
                ),
            );
        }
    }

    // ---- output primitives ----

    /// Copies `body[range]`, dropping the `<thead>` of `<table data-header-hidden>`.
    fn copy(&mut self, range: Range<usize>) {
        let mut start = range.start;
        let end = range.end;
        if start >= end {
            return;
        }
        while let Some(rel) = memchr::memmem::find(
            &self.body.as_bytes()[start..end],
            b"<table data-header-hidden",
        ) {
            let table_at = start + rel;
            let Some((thead, cols)) = hidden_thead(&self.body[table_at..end]) else {
                self.copy_raw(start..table_at + 1);
                start = table_at + 1;
                continue;
            };
            self.copy_raw(start..table_at + thead.start);
            self.gen(&cols, table_at + thead.start);
            start = table_at + thead.end;
        }
        self.copy_raw(start..end);
    }

    fn copy_raw(&mut self, range: Range<usize>) {
        if range.start >= range.end {
            return;
        }
        let src = self.base + range.start;
        let pre = self.out.len();
        let contiguous = self
            .segs
            .last()
            .is_some_and(|s| s.copied && s.src + (pre - s.pre) == src);
        if !contiguous {
            self.segs.push(Seg {
                pre,
                src,
                copied: true,
            });
        }
        self.out.push_str(&self.body[range]);
    }

    /// Appends generated text that maps to body offset `at`.
    fn gen(&mut self, text: &str, at: usize) {
        if text.is_empty() {
            return;
        }
        let src = self.base + at;
        let same = self.segs.last().is_some_and(|s| !s.copied && s.src == src);
        if !same {
            self.segs.push(Seg {
                pre: self.out.len(),
                src,
                copied: false,
            });
        }
        self.out.push_str(text);
    }

    fn ensure_line_start(&mut self, at: usize) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.gen("\n", at);
        }
    }

    /// Raw HTML lines as their own block: blank line, lines, blank line.
    fn html_block(&mut self, prefix: &str, lines: &[String], at: usize) {
        self.ensure_line_start(at);
        let blank = blank_line(prefix);
        let mut text = String::new();
        text.push_str(&blank);
        for l in lines {
            text.push_str(prefix);
            text.push_str(l);
            text.push('\n');
        }
        text.push_str(&blank);
        self.gen(&text, at);
    }

    /// A placeholder line for generated HTML.
    fn fragment(&mut self, prefix: &str, html: String, at: usize) {
        let n = self.fragments.len();
        self.fragments.push(html);
        self.html_block(prefix, &[format!("{PLACEHOLDER}{n}-->")], at);
    }

    /// A markdown paragraph holding one link; the destination maps back to
    /// `dest_attr`'s span when it is copied verbatim.
    fn link_paragraph(
        &mut self,
        prefix: &str,
        text: &str,
        dest: &str,
        dest_attr: Option<&Attr>,
        after_html: &str,
        at: usize,
    ) {
        self.ensure_line_start(at);
        self.gen(&format!("{prefix}[{}](", escape_markdown(text)), at);
        let verbatim = dest_attr.filter(|a| a.value == dest && !dest.contains(['<', '>', '\n']));
        let angle = dest.contains([' ', '(', ')']) || dest.is_empty();
        match verbatim {
            Some(a) => {
                if angle {
                    self.gen("<", at);
                }
                self.copy_raw(a.span.clone());
                if angle {
                    self.gen(">", a.span.end);
                }
            }
            None => {
                let encoded = dest
                    .replace(' ', "%20")
                    .replace('<', "%3C")
                    .replace('>', "%3E")
                    .replace('(', "%28")
                    .replace(')', "%29");
                self.gen(&encoded, at);
            }
        }
        self.gen(&format!("){after_html}\n{}", blank_line(prefix)), at);
    }

    fn diag(&mut self, rule: Rule, range: Range<usize>, message: String) {
        let span = self.base + range.start..self.base + range.end;
        self.diagnostics.push(Diagnostic::new(
            rule,
            self.env.page.file.clone(),
            span,
            message,
        ));
    }

    /// `base`, or `base-1`, `base-2`… when the page already has it.
    fn unique_id(&mut self, base: &str) -> String {
        unique_id_in(&mut self.ids, &mut self.anchors, base)
    }

    // ---- cards ----

    fn embed_card(&mut self, t: &Tag<'a>, prefix: &str) {
        let url = t.value("url").unwrap_or_default();
        let url = url.trim();
        self.html_block(
            prefix,
            &[
                "<div class=\"embed-card\">".into(),
                "<span class=\"embed-icon\" aria-hidden=\"true\">\u{1f517}</span>".into(),
            ],
            t.range.start,
        );
        let shown = display_url(url);
        self.link_paragraph(prefix, &shown, url, t.attr("url"), "", t.range.start);
    }

    fn file_card(&mut self, t: &Tag<'a>, prefix: &str) {
        let src = t.value("src").unwrap_or_default();
        let src = src.trim();
        let clean = src.split(['?', '#']).next().unwrap_or("");
        let name = percent_encoding::percent_decode_str(clean.rsplit('/').next().unwrap_or(clean))
            .decode_utf8_lossy()
            .into_owned();
        let size = if src.contains("://") {
            None
        } else {
            let decoded = percent_encoding::percent_decode_str(clean)
                .decode_utf8_lossy()
                .into_owned();
            openapi::join_rel(openapi::parent_dir(&self.env.page.file), &decoded)
                .and_then(|rel| self.env.site().file_len(&rel))
        };
        self.html_block(
            prefix,
            &[
                "<div class=\"file-card\">".into(),
                "<span class=\"file-icon\" aria-hidden=\"true\">\u{1f4c4}</span>".into(),
            ],
            t.range.start,
        );
        let after = size
            .map(|s| format!(" <span class=\"file-size\">({})</span>", human_size(s)))
            .unwrap_or_default();
        self.link_paragraph(
            prefix,
            if name.is_empty() { src } else { &name },
            src,
            t.attr("src"),
            &after,
            t.range.start,
        );
    }

    fn content_ref_card(&mut self, t: &Tag<'a>, prefix: &str, body: &str) {
        let url = t.value("url").unwrap_or_default();
        let url = url.trim();
        let title = link_text(body).unwrap_or_else(|| url.to_string());
        self.html_block(
            prefix,
            &[
                "<div class=\"content-ref\">".into(),
                "<span class=\"content-ref-icon\" aria-hidden=\"true\">\u{1f4d1}</span>".into(),
            ],
            t.range.start,
        );
        self.link_paragraph(prefix, &title, url, t.attr("url"), "", t.range.start);
        self.html_block(prefix, &["</div>".into()], t.range.start);
    }

    /// The card for an API block, or a visible notice (and a finding) when
    /// its spec, path or method cannot be found.
    fn api_card(&mut self, t: &Tag<'a>, kind: &str) -> String {
        let path = t
            .value("path")
            .map(|p| p.trim().to_string())
            .unwrap_or_default();
        let method = t
            .value("method")
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let (source_attr, located) = if kind == "openapi-operation" {
            match t.value("spec") {
                Some(spec) => ("spec", openapi::locate_spec_name(spec.trim(), self.env)),
                None => (
                    "spec",
                    openapi::Located::NotFound("the block has no `spec` attribute".into()),
                ),
            }
        } else {
            match t.value("src") {
                Some(src) => ("src", openapi::locate_src(&src, self.env)),
                None => (
                    "src",
                    openapi::Located::NotFound("the block has no `src` attribute".into()),
                ),
            }
        };
        let mut problem = if path.is_empty() || method.is_empty() {
            Some(format!(
                "`{{% {kind} %}}` needs `path` and `method` attributes"
            ))
        } else {
            None
        };
        if problem.is_none() {
            match located {
                openapi::Located::OutsideRoot => {
                    let span = t
                        .attr(source_attr)
                        .map_or(t.range.clone(), |a| a.span.clone());
                    let msg = format!("`{source_attr}` of `{{% {kind} %}}` points outside the site root; not read");
                    self.diag(Rule::PathOutsideRoot, span, msg.clone());
                    return missing_notice(&method, &path, &msg);
                }
                openapi::Located::NotFound(why) => {
                    problem = Some(format!("spec file not found: {why}"))
                }
                openapi::Located::Files(files) => {
                    let mut first_error = None;
                    let env = self.env;
                    for file in &files {
                        let result = env.openapi.load(env.site(), file).and_then(|doc| {
                            let op = openapi::find_operation(&doc, &path, &method)
                                .map_err(|e| format!("in `{file}`: {e}"))?;
                            let id = self.unique_id(&openapi::operation_anchor(&method, op.path));
                            let (ids, anchors) = (&mut self.ids, &mut self.anchors);
                            Ok(openapi::render_operation(
                                &op,
                                &id,
                                file,
                                &mut self.schemas,
                                &mut |base| unique_id_in(ids, anchors, base),
                            ))
                        });
                        match result {
                            Ok(html) => return html,
                            Err(e) => {
                                first_error.get_or_insert(e);
                            }
                        }
                    }
                    problem = first_error;
                }
            }
        }
        let why = problem.unwrap_or_default();
        self.diag(
            Rule::OpenapiMissing,
            t.range.clone(),
            format!(
                "`{{% {kind} %}}` {} {}: {why}",
                method.to_ascii_uppercase(),
                path
            ),
        );
        if kind == "openapi-operation" && !path.is_empty() {
            if let (Some(spec), [file, ..]) = (
                t.value("spec"),
                openapi::files_with_operation(self.env, &path, &method).as_slice(),
            ) {
                if let Some(d) = self.diagnostics.last_mut() {
                    d.suggestion = Some(format!(
                        "add `openapi_specs: {{ {}: {file} }}` to specsite.yaml",
                        spec.trim()
                    ));
                }
            }
        }
        missing_notice(&method, &path, &why)
    }
}

/// `base`, or `base-1`, `base-2`… when `ids` already has it; recorded in
/// both lists.
fn unique_id_in(ids: &mut BTreeSet<String>, anchors: &mut Vec<String>, base: &str) -> String {
    let mut id = base.to_string();
    let mut n = 0;
    while ids.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    ids.insert(id.clone());
    anchors.push(id.clone());
    id
}

fn missing_notice(method: &str, path: &str, why: &str) -> String {
    format!(
        "<div class=\"api-op api-op-missing\" role=\"note\"><p><strong>API operation unavailable:</strong> <code>{} {}</code>. {}</p></div>",
        esc(&method.to_ascii_uppercase()),
        esc(path),
        esc(why)
    )
}

/// The blank line inside a container: `>` markers kept, spaces dropped.
fn blank_line(prefix: &str) -> String {
    let t = prefix.trim_end();
    format!("{t}\n")
}

/// Titles of the `tab` blocks directly inside the `tabs` tag at `i`.
fn tab_titles(tags: &[Tag], i: usize) -> Vec<String> {
    let mut titles = Vec::new();
    let mut depth = 0usize;
    for t in &tags[i + 1..] {
        match t.name.to_ascii_lowercase().as_str() {
            "tabs" => depth += 1,
            "endtabs" if depth == 0 => break,
            "endtabs" => depth -= 1,
            "tab" if depth == 0 => titles.push(
                t.value("title")
                    .unwrap_or_else(|| "Tab".into())
                    .trim()
                    .to_string(),
            ),
            _ => {}
        }
    }
    titles
}

/// `Some((language, code))` when `text` holds exactly one fenced code block.
fn single_fence(text: &str) -> Option<(String, String)> {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next()?;
    let indent = first.len() - first.trim_start().len();
    let (ch, len) = scan::fence_open(first.trim())?;
    let info = first.trim()[len..].trim();
    let lang = info.split_whitespace().next().unwrap_or("").to_string();
    let mut code = String::new();
    let mut closed = false;
    for line in lines.by_ref() {
        let t = line.trim();
        if t.len() >= len && t.bytes().all(|b| b == ch) {
            closed = true;
            break;
        }
        let strip = line.len() - line.trim_start().len();
        code.push_str(&line[strip.min(indent)..]);
        code.push('\n');
    }
    if !closed || lines.any(|l| !l.trim().is_empty()) {
        return None;
    }
    Some((lang, code))
}

/// A titled, optionally numbered, highlighted code block.
fn code_figure(title: Option<&str>, lang: &str, code: &str, numbers: bool) -> String {
    let mut html = format!(
        "<figure class=\"code-block{}\">",
        if numbers { " line-numbers" } else { "" }
    );
    if let Some(t) = title {
        let _ = write!(
            html,
            "<figcaption class=\"code-title\">{}</figcaption>",
            esc(t.trim())
        );
    }
    html.push_str("<pre class=\"hl-code\">");
    if numbers {
        let n = code.lines().count().max(1);
        let gutter: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        let _ = write!(
            html,
            "<span class=\"line-numbers\" aria-hidden=\"true\">{}</span>",
            gutter.join("\n")
        );
    }
    let lang_class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", esc(lang))
    };
    let _ = write!(
        html,
        "<code{lang_class}>{}</code></pre></figure>",
        highlight(lang, code)
    );
    html
}

/// Finds the `<thead>…</thead>` of a `<table data-header-hidden …>` at the
/// start of `s`; returns its range and a `<colgroup>` carrying its widths.
fn hidden_thead(s: &str) -> Option<(Range<usize>, String)> {
    let open_end = s.find('>')? + 1;
    let after = &s[open_end..];
    let lead = after.len() - after.trim_start().len();
    if !after[lead..].starts_with("<thead") {
        return None;
    }
    let start = open_end + lead;
    let end = start + s[start..].find("</thead>")? + "</thead>".len();
    let thead = &s[start..end];
    let mut cols = String::from("<colgroup>");
    let mut rest = thead;
    while let Some(p) = rest.find("<th") {
        let tag_end = rest[p..].find('>').map_or(rest.len(), |e| p + e);
        let tag = &rest[p..tag_end];
        if tag.starts_with("<thead") {
            rest = &rest[tag_end..];
            continue;
        }
        match tag
            .find("width=\"")
            .map(|w| &tag[w + 7..])
            .and_then(|w| w.split('"').next())
        {
            Some(w)
                if w.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'%' || b == b'.') =>
            {
                let _ = write!(cols, "<col width=\"{w}\">");
            }
            _ => cols.push_str("<col>"),
        }
        rest = &rest[tag_end..];
    }
    cols.push_str("</colgroup>");
    Some((start..end, cols))
}

/// The text of the first markdown link `[text](…)` in `body`.
fn link_text(body: &str) -> Option<String> {
    let start = body.find('[')?;
    let end = start + body[start..].find("](")?;
    let text = body[start + 1..end].trim();
    (!text.is_empty()).then(|| scan::decode_entities(&text.replace('\\', "")))
}

/// Backslash-escapes markdown punctuation so text shows literally.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '>' | '&' | '!' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        if c == '\n' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A URL shortened for display: no scheme, at most 80 characters.
fn display_url(url: &str) -> String {
    let s = url.split_once("://").map_or(url, |(_, r)| r);
    let s = s.trim_end_matches('/');
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(79).collect();
        format!("{cut}\u{2026}")
    } else if s.is_empty() {
        url.to_string()
    } else {
        s.to_string()
    }
}

fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

#[cfg(test)]
mod tests;
