//! The page pass: one pulldown-cmark walk per page producing a [`Doc`].

use super::anchors::{heading_ids, IdAllocator};
use super::dialect::{self, DialectEnv, OpenApiCache};
use super::{Block, BlockKind, Doc, Heading, Link, LinkKind, Section};
use crate::config::LinkMode;
use crate::content::{PageId, Site};
use crate::diag::{Diagnostic, Rule};
use crate::glossary::{Glossary, PageLinker};
use crate::resolve::{asset_url, Resolver, Target};
use crate::urls;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// Everything a page pass reads; shared by all pages of a build.
pub struct ParseEnv<'a> {
    /// Link resolution over the loaded site.
    pub resolver: &'a Resolver<'a>,
    /// The glossary, for term links.
    pub glossary: &'a Glossary,
    /// Links name `index.html`.
    pub offline: bool,
    /// Which term mentions are linked.
    pub link_mode: LinkMode,
    /// Build the body HTML. `false` (for `check`) skips syntax highlighting
    /// and HTML output; links, anchors, term uses, sections and findings
    /// are the same either way.
    pub html: bool,
}

/// The markdown extensions specsite enables (CommonMark + GFM).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

struct HeadingBuf<'e> {
    level: HeadingLevel,
    text: String,
    events: Vec<Event<'e>>,
    explicit_ids: Vec<String>,
    start: usize,
}

struct Pass<'a, 'e> {
    env: &'a ParseEnv<'a>,
    site: &'a Site,
    book: usize,
    file: &'a str,
    page_url: String,
    source: &'a str,
    linker: PageLinker<'a>,
    ids: IdAllocator,
    doc: Doc,
    events: Vec<Event<'e>>,
    heading: Option<HeadingBuf<'e>>,
    link_depth: usize,
    image_depth: usize,
    /// For each open link or image: whether it was dropped as unsafe (its
    /// end is dropped too).
    dropped: Vec<bool>,
    code: Option<(String, String)>,
    section: Section,
    heading_stack: Vec<(u8, String)>,
    /// The preprocessed text and its offset map, to place destinations the
    /// dialect copied into generated links.
    pre: Option<(&'e str, &'e dialect::OffsetMap)>,
    /// The current event's range in the preprocessed text.
    pre_range: Range<usize>,
    /// Block structure being recorded into `doc.blocks`.
    blocks: BlockRecorder,
    /// The page's plain text, a block per line and table cells separated by
    /// ` | `, in which expanded abbreviations are looked for.
    abbr_text: String,
}

/// Records [`Block`]s as the page's events go by.
#[derive(Default)]
struct BlockRecorder {
    /// Open blocks, innermost last (indices into `doc.blocks`).
    open: Vec<usize>,
    /// For each open paragraph: whether it opened a block of its own.
    paragraphs: Vec<bool>,
    /// Open lists, innermost last.
    lists: Vec<u32>,
    next_list: u32,
    next_table: u32,
    /// The block whose leading bold run is open.
    bold: Option<usize>,
    /// Where the open inline code or HTML `<code>` started in the block's text.
    code_start: Option<usize>,
    /// HTML tables: the open one's number, whether in its `<thead>`, the open row.
    html_table: Option<u32>,
    html_head: bool,
    html_row: Option<usize>,
    html_cell: bool,
    /// Where a block's marker may go: (index into the pass's events, block).
    marks: Vec<(usize, usize)>,
    /// The heading block being read.
    heading_block: Option<usize>,
    /// HTML rows opened by the current raw HTML event.
    rows_now: Vec<usize>,
}

/// `first_line` of a block still being read.
const UNSET: usize = usize::MAX;

/// Parses and renders page `page_id` of the site: [`preprocess_page`] with
/// OpenAPI specs from `openapi`, then [`parse_preprocessed`].
pub fn parse_page(env: &ParseEnv, openapi: &OpenApiCache, page_id: PageId) -> Doc {
    let pre = preprocess_page(env.resolver.site(), openapi, page_id);
    parse_preprocessed(env, page_id, pre)
}

/// The dialect stage of [`parse_page`] alone: page `page_id`'s body with
/// GitBook blocks rendered. It needs no glossary, so a build runs it while
/// the glossary is read.
pub fn preprocess_page(
    site: &crate::content::Site,
    openapi: &OpenApiCache,
    page_id: PageId,
) -> dialect::Preprocessed {
    let page = &site.pages[page_id];
    let source: &str = &page.source;
    let body = &source[page.body_start.min(source.len())..];
    let denv = DialectEnv::new(site, page, openapi);
    dialect::preprocess(body, page.body_start, &denv)
}

/// [`parse_page`] after [`preprocess_page`]: `pre` is the page's body as
/// the dialect stage left it.
pub fn parse_preprocessed(env: &ParseEnv, page_id: PageId, mut pre: dialect::Preprocessed) -> Doc {
    let site = env.resolver.site();
    let page = &site.pages[page_id];
    let source: &str = &page.source;
    let pre_diagnostics = std::mem::take(&mut pre.diagnostics);
    let page_url = page.url(site);
    let linker = env.glossary.page_linker(
        site.books[page.book].prefix(),
        &page_url,
        env.offline,
        env.link_mode,
    );
    let mut pass = Pass {
        env,
        site,
        book: page.book,
        file: &page.file,
        page_url,
        source,
        linker,
        ids: IdAllocator::default(),
        doc: Doc {
            diagnostics: pre_diagnostics,
            ..Doc::default()
        },
        events: Vec::new(),
        heading: None,
        link_depth: 0,
        image_depth: 0,
        dropped: Vec::new(),
        code: None,
        section: Section::default(),
        heading_stack: Vec::new(),
        pre: None,
        pre_range: 0..0,
        blocks: BlockRecorder::default(),
        abbr_text: String::new(),
    };
    // Ids of generated components (operation cards, tabs) are link targets too.
    pass.doc.anchors.extend(pre.anchors.iter().cloned());
    pass.pre = Some((&pre.text, &pre.map));
    for (ev, range) in Parser::new_ext(&pre.text, options()).into_offset_iter() {
        pass.pre_range = range.clone();
        let start = pre.map.to_source(range.start);
        let end = pre.map.to_source(range.end).max(start);
        pass.event(ev, start..end);
    }
    let mut html = String::new();
    if env.html {
        pass.place_marks();
        html.reserve(pre.text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, pass.events.drain(..));
        dialect::finish(&mut html, &pre.fragments);
        super::compact::drop_block_newlines(&mut html);
    }
    let Pass {
        mut doc,
        linker,
        section,
        abbr_text,
        ..
    } = pass;
    doc.html = html;
    push_section(&mut doc.sections, section);
    let page_title = page
        .front
        .title
        .clone()
        .or_else(|| page.summary_title.clone())
        .or_else(|| doc.h1.clone())
        .unwrap_or_default();
    if let Some(first) = doc.sections.first_mut() {
        if first.anchor.is_none() {
            first.title = page_title;
        }
    }
    let mut linker = linker;
    linker.record_intros(&abbr_text);
    let (uses, diags) = linker.finish();
    doc.term_uses = uses;
    doc.diagnostics.extend(diags);
    // Every page's doc is held until the site is written: give back what
    // the growing buffers over-reserved.
    doc.html.shrink_to_fit();
    doc.term_uses.shrink_to_fit();
    doc.links.shrink_to_fit();
    doc
}

fn push_section(sections: &mut Vec<Section>, mut s: Section) {
    s.text = collapse_white_space(&s.text);
    if !s.text.is_empty() || s.anchor.is_some() {
        sections.push(s);
    }
}

/// `text` with runs of white space made single spaces, and none at either
/// end, in one pass. ASCII text (most sections) is split by bytes: its white
/// space is what `char::is_whitespace` says of ASCII.
fn collapse_white_space(text: &str) -> String {
    if !text.is_ascii() {
        let mut t = String::with_capacity(text.len());
        for w in text.split_whitespace() {
            if !t.is_empty() {
                t.push(' ');
            }
            t.push_str(w);
        }
        return t;
    }
    let mut t = Vec::with_capacity(text.len());
    let space = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    for w in text.as_bytes().split(space).filter(|w| !w.is_empty()) {
        if !t.is_empty() {
            t.push(b' ');
        }
        t.extend_from_slice(w);
    }
    // ASCII in, ASCII out.
    String::from_utf8(t).unwrap_or_default()
}

fn attr_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)\s(href|src|srcset|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
            .expect("valid regex")
    })
}

impl<'a, 'e> Pass<'a, 'e> {
    fn push(&mut self, ev: Event<'e>) {
        match &mut self.heading {
            Some(h) => h.events.push(ev),
            None => self.events.push(ev),
        }
    }

    fn add_text(&mut self, t: &str) {
        if let Some(h) = &mut self.heading {
            h.text.push_str(t);
        } else {
            self.section.text.push_str(t);
        }
    }

    fn event(&mut self, ev: Event<'e>, range: Range<usize>) {
        if self.code.is_none() {
            self.record_block(&ev, &range);
        }
        match ev {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let _ = (classes, attrs);
                self.heading = Some(HeadingBuf {
                    level,
                    text: String::new(),
                    events: Vec::new(),
                    explicit_ids: Vec::new(),
                    start: range.start,
                });
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(range.end),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if !self.env.html {
                    self.code = None;
                    return;
                }
                if let Some((lang, code)) = self.code.take() {
                    let mut html = String::from("<pre class=\"hl-code\"><code");
                    if !lang.is_empty() {
                        html.push_str(" class=\"language-");
                        let _ = pulldown_cmark_escape::escape_html(&mut html, &lang);
                        html.push('"');
                    }
                    html.push('>');
                    html.push_str(&super::highlight::highlight(&lang, &code));
                    html.push_str("</code></pre>\n");
                    self.push(Event::Html(html.into()));
                }
            }
            Event::Text(t) => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&t);
                    return;
                }
                self.add_text(&t);
                self.abbr_text.push_str(&t.replace('\n', " "));
                if self.heading.is_some() || self.link_depth > 0 || self.image_depth > 0 {
                    self.push(Event::Text(t));
                } else {
                    let mut out = String::with_capacity(t.len() + 8);
                    self.linker.text(&t, range, &mut out);
                    self.push(Event::InlineHtml(out.into()));
                }
            }
            Event::Code(t) => {
                self.add_text(&t);
                self.push(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.add_text(" ");
                self.abbr_text.push(' ');
                self.push(ev);
            }
            Event::Html(h) => {
                push_visible_text(&h, &mut self.abbr_text);
                let out = self.html(&h, range);
                let out = self.mark_html_rows(out);
                self.push(Event::Html(out.into()));
            }
            Event::InlineHtml(h) => {
                push_visible_text(&h, &mut self.abbr_text);
                let out = self.html(&h, range);
                let out = self.mark_html_rows(out);
                self.push(Event::InlineHtml(out.into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.link_depth += 1;
                let unsafe_dest = self.check_scheme(&dest_url, false, &range);
                self.dropped.push(unsafe_dest);
                if unsafe_dest {
                    return; // shown as its text
                }
                let dest = self.rewrite(LinkKind::Link, &dest_url, range);
                self.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                if self.dropped.pop() == Some(true) {
                    return;
                }
                self.push(ev);
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.image_depth += 1;
                let unsafe_dest = self.check_scheme(&dest_url, true, &range);
                self.dropped.push(unsafe_dest);
                if unsafe_dest {
                    return; // its alt text is shown
                }
                let dest = self.rewrite(LinkKind::Image, &dest_url, range);
                self.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                self.image_depth = self.image_depth.saturating_sub(1);
                if self.dropped.pop() == Some(true) {
                    return;
                }
                self.push(ev);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                self.add_text(" ");
                self.abbr_text
                    .push_str(if matches!(ev, Event::End(TagEnd::TableCell)) {
                        " | "
                    } else {
                        "\n"
                    });
                self.push(ev);
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) | Event::Start(Tag::Item) => {
                self.abbr_text.push('\n');
                self.push(ev);
            }
            other => self.push(other),
        }
    }

    /// Puts a [`marker`] where each block that may be a requirement starts
    /// (one mentioning a level word), for the requirements stage to turn
    /// into its anchor and id, or drop.
    ///
    /// Marks are taken in event order (a mark's place never decreases, as
    /// events are only appended): the events are copied once with the
    /// markers put in, rather than each inserted (quadratic on a page of
    /// thousands of blocks). Markers at the same place keep their order.
    fn place_marks(&mut self) {
        let marks = std::mem::take(&mut self.blocks.marks);
        debug_assert!(marks.windows(2).all(|w| w[0].0 <= w[1].0));
        let len = self.events.len();
        let kept: Vec<(usize, usize)> = marks
            .into_iter()
            .filter(|&(at, b)| at <= len && mentions_level(&self.doc.blocks[b].text))
            .collect();
        if kept.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.events);
        self.events.reserve(len + kept.len());
        let mut marks = kept.into_iter().peekable();
        for (i, ev) in old.into_iter().enumerate() {
            while let Some((_, b)) = marks.next_if(|&(at, _)| at == i) {
                self.events.push(Event::InlineHtml(marker(b).into()));
            }
            self.events.push(ev);
        }
        for (_, b) in marks {
            self.events.push(Event::InlineHtml(marker(b).into()));
        }
    }

    /// Raw HTML with markers after the `<tr>` tags of the rows it opened.
    fn mark_html_rows(&mut self, out: String) -> String {
        let rows = std::mem::take(&mut self.blocks.rows_now);
        if rows.is_empty() || !self.env.html {
            return out;
        }
        mark_rows(&out, &rows)
    }

    /// Opens a block at `start` inside the innermost open one.
    fn open_block(&mut self, kind: BlockKind, start: usize) -> usize {
        let i = self.doc.blocks.len();
        self.doc.blocks.push(Block {
            kind,
            span: start..start,
            text: String::new(),
            first_line: UNSET,
            code: Vec::new(),
            bold: 0,
            cells: Vec::new(),
            parent: self.blocks.open.last().copied(),
        });
        self.blocks.open.push(i);
        i
    }

    /// Closes the innermost open block at `end`.
    fn close_block(&mut self, end: usize) {
        if let Some(i) = self.blocks.open.pop() {
            let b = &mut self.doc.blocks[i];
            b.span.end = end.max(b.span.start);
            if b.first_line == UNSET {
                b.first_line = b.text.len();
            }
        }
    }

    /// Closes a markdown block, and an HTML row left open inside it.
    fn close_md_block(&mut self, end: usize) {
        self.close_html_row(end);
        self.close_block(end);
    }

    fn top_block(&mut self) -> Option<&mut Block> {
        let i = *self.blocks.open.last()?;
        self.doc.blocks.get_mut(i)
    }

    /// Ends the first line of the innermost block, if it is still open.
    fn end_first_line(&mut self) {
        if let Some(b) = self.top_block() {
            if b.first_line == UNSET && !b.text.trim().is_empty() {
                b.first_line = b.text.len();
            }
        }
    }

    /// The block structure part of the pass: see [`Block`].
    fn record_block(&mut self, ev: &Event<'e>, range: &Range<usize>) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                let index = self.doc.headings.len();
                let level = *level as u8;
                let i = self.open_block(BlockKind::Heading { level, index }, range.start);
                self.blocks.heading_block = Some(i);
            }
            Event::End(TagEnd::Heading(_)) => self.close_md_block(range.end),
            Event::Start(Tag::List(_)) => {
                self.blocks.lists.push(self.blocks.next_list);
                self.blocks.next_list += 1;
            }
            Event::End(TagEnd::List(_)) => {
                self.blocks.lists.pop();
            }
            Event::Start(Tag::Item) => {
                let list = self.blocks.lists.last().copied().unwrap_or(0);
                let i = self.open_block(BlockKind::Item { list }, range.start);
                self.blocks.marks.push((self.events.len() + 1, i));
            }
            Event::End(TagEnd::Item) => self.close_md_block(range.end),
            Event::Start(Tag::Paragraph) => {
                let in_item = (self.blocks.open.last())
                    .is_some_and(|&i| matches!(self.doc.blocks[i].kind, BlockKind::Item { .. }));
                if in_item {
                    self.end_first_line();
                    if let Some(b) = self.top_block() {
                        if !b.text.is_empty() {
                            b.text.push(' ');
                        }
                    }
                } else {
                    let i = self.open_block(BlockKind::Paragraph, range.start);
                    self.blocks.marks.push((self.events.len() + 1, i));
                }
                self.blocks.paragraphs.push(!in_item);
            }
            Event::End(TagEnd::Paragraph) => {
                if self.blocks.paragraphs.pop() == Some(true) {
                    self.close_md_block(range.end);
                } else {
                    self.end_first_line();
                }
            }
            Event::Start(Tag::Table(_)) => self.blocks.next_table += 1,
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                let head = matches!(ev, Event::Start(Tag::TableHead));
                let table = self.blocks.next_table.saturating_sub(1);
                let i = self.open_block(BlockKind::Row { table, head }, range.start);
                if !head {
                    self.blocks.marks.push((self.events.len() + 1, i));
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => self.close_md_block(range.end),
            Event::Start(Tag::TableCell) => {
                if let Some(b) = self.top_block() {
                    let at = b.text.len();
                    b.cells.push((at..at, range.start));
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(b) = self.top_block() {
                    let at = b.text.len();
                    if let Some(c) = b.cells.last_mut() {
                        c.0.end = at;
                    }
                    b.text.push(' ');
                }
            }
            Event::Start(Tag::Strong) => {
                if let Some(&i) = self.blocks.open.last() {
                    if self.doc.blocks[i].text.trim().is_empty() {
                        self.blocks.bold = Some(i);
                    }
                }
            }
            Event::End(TagEnd::Strong) => {
                if let (Some(i), Some(&top)) = (self.blocks.bold, self.blocks.open.last()) {
                    if i == top {
                        self.doc.blocks[i].bold = self.doc.blocks[i].text.len();
                    }
                }
                self.blocks.bold = None;
            }
            Event::Text(t) => {
                if let Some(b) = self.top_block() {
                    b.text.push_str(t);
                }
            }
            Event::Code(t) => {
                if let Some(b) = self.top_block() {
                    let at = b.text.len();
                    b.text.push_str(t);
                    b.code.push(at..b.text.len());
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                self.end_first_line();
                if let Some(b) = self.top_block() {
                    b.text.push(' ');
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => self.record_html(h, range),
            _ => {}
        }
    }

    /// HTML table rows (GitBook writes tables as HTML, often many rows on
    /// one source line) and line breaks inside blocks.
    fn record_html(&mut self, h: &str, range: &Range<usize>) {
        let exact = range.len() == h.len();
        let in_table = self.blocks.html_table.is_some();
        if !in_table && !h.contains("<table") && !h.contains("<TABLE") {
            if h.contains("<br") {
                if let Some(b) = self.top_block() {
                    b.text.push(' ');
                }
            }
            return;
        }
        // Offsets inside the event map back through the dialect's offset map
        // (it may have rewritten parts of the line).
        let pre_start = self.pre_range.start;
        let map = self.pre.map(|(_, m)| m);
        let at_source = |i: usize| match map {
            Some(m) => m.to_source(pre_start + i),
            None if exact => range.start + i,
            None => range.start,
        };
        let mut pos = 0;
        while pos < h.len() {
            let Some(lt) = h[pos..].find('<').map(|i| pos + i) else {
                self.html_cell_text(&h[pos..]);
                break;
            };
            if lt > pos {
                self.html_cell_text(&h[pos..lt]);
            }
            let Some(gt) = h[lt..].find('>').map(|i| lt + i) else {
                break;
            };
            let tag = &h[lt + 1..gt];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            match (name.as_str(), closing) {
                ("table", false) => {
                    self.blocks.html_table = Some(self.blocks.next_table);
                    self.blocks.next_table += 1;
                    self.blocks.html_head = false;
                }
                ("table", true) => {
                    self.close_html_row(at_source(lt));
                    self.blocks.html_table = None;
                }
                ("thead", closing) => self.blocks.html_head = !closing,
                ("tr", false) if self.blocks.html_table.is_some() => {
                    self.close_html_row(at_source(lt));
                    let table = self.blocks.html_table.unwrap_or(0);
                    let head = self.blocks.html_head;
                    let i = self.open_block(BlockKind::Row { table, head }, at_source(lt));
                    self.blocks.html_row = Some(i);
                    // Header rows take their place in the order, unmarked.
                    self.blocks.rows_now.push(if head { usize::MAX } else { i });
                }
                ("tr", true) => self.close_html_row(at_source(gt + 1)),
                ("td" | "th", false) if self.blocks.html_row.is_some() => {
                    self.blocks.html_cell = true;
                    if let Some(b) = self.top_block() {
                        let at = b.text.len();
                        b.cells.push((at..at, at_source(gt + 1)));
                    }
                }
                ("td" | "th", true) => {
                    if self.blocks.html_cell {
                        if let Some(b) = self.top_block() {
                            let at = b.text.len();
                            if let Some(c) = b.cells.last_mut() {
                                c.0.end = at;
                            }
                            b.text.push(' ');
                        }
                    }
                    self.blocks.html_cell = false;
                }
                ("code", false) if self.blocks.html_cell => {
                    let at = self.top_block().map(|b| b.text.len());
                    self.blocks.code_start = at;
                }
                ("code", true) => {
                    if let Some(start) = self.blocks.code_start.take() {
                        if let Some(b) = self.top_block() {
                            let end = b.text.len();
                            b.code.push(start..end);
                        }
                    }
                }
                ("br" | "p" | "li" | "div", _) => self.html_cell_text(" "),
                _ => {}
            }
            pos = gt + 1;
        }
    }

    fn html_cell_text(&mut self, t: &str) {
        if !self.blocks.html_cell {
            return;
        }
        if let Some(b) = self.top_block() {
            if t.contains('&') {
                b.text.push_str(&decode_entities(t));
            } else {
                b.text.push_str(t);
            }
        }
    }

    fn close_html_row(&mut self, end: usize) {
        if let Some(i) = self.blocks.html_row.take() {
            if self.blocks.open.last() == Some(&i) {
                self.close_block(end);
            }
            self.blocks.html_cell = false;
        }
    }

    fn end_heading(&mut self, end: usize) {
        let Some(h) = self.heading.take() else { return };
        self.abbr_text.push('\n');
        let text = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let (base, mut alt) = heading_ids(&text);
        let id = self.ids.allocate(&base);
        alt.retain(|a| a != &id);
        let alt: Vec<String> = alt.into_iter().map(|a| self.ids.allocate(&a)).collect();
        let level = h.level as u8;
        if level == 1 && self.doc.h1.is_none() {
            self.doc.h1 = Some(text.clone());
        }
        self.doc.anchors.insert(id.clone());
        self.doc.anchors.extend(alt.iter().cloned());
        let mut all_alt = alt.clone();
        all_alt.extend(h.explicit_ids.iter().cloned());
        self.doc.headings.push(Heading {
            level,
            text: text.clone(),
            id: id.clone(),
            alt_ids: all_alt,
            span: h.start..end,
        });
        self.events.push(Event::Start(Tag::Heading {
            level: h.level,
            id: Some(CowStr::from(id.clone())),
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        for a in &alt {
            self.events
                .push(Event::InlineHtml(format!("<a id=\"{a}\"></a>").into()));
        }
        self.events.extend(h.events);
        if let (true, Some(b)) = (self.env.html, self.blocks.heading_block.take()) {
            self.events.push(Event::InlineHtml(marker(b).into()));
        }
        self.events.push(Event::End(TagEnd::Heading(h.level)));
        // A new search section starts at every heading.
        let prev = std::mem::take(&mut self.section);
        push_section(&mut self.doc.sections, prev);
        while self.heading_stack.last().is_some_and(|(l, _)| *l >= level) {
            self.heading_stack.pop();
        }
        self.heading_stack.push((level, text.clone()));
        self.section = Section {
            heading_path: self.heading_stack.iter().map(|(_, t)| t.clone()).collect(),
            title: text,
            anchor: Some(id),
            text: String::new(),
        };
    }

    /// Whether `dest` has a scheme that may not become an `href` (a `src`
    /// when `image`); when so, records an `unsafe-link` finding on it.
    fn check_scheme(&mut self, dest: &str, image: bool, range: &Range<usize>) -> bool {
        if urls::is_safe_link(dest, image) {
            return false;
        }
        let span = self.locate_dest(range, dest);
        self.unsafe_link(dest, span);
        true
    }

    fn unsafe_link(&mut self, dest: &str, span: Range<usize>) {
        let shown: String = dest.chars().take(60).collect();
        self.doc.diagnostics.push(
            Diagnostic::new(
                Rule::UnsafeLink,
                "",
                span,
                format!("`{shown}` is not a link specsite publishes: only http(s), mailto, tel, term:, relative links and fragments become links; it is shown as text"),
            )
            .with_suggestion("link to an http(s) page instead"),
        );
    }

    /// Resolves and records a markdown link or image; returns the href to write.
    fn rewrite(&mut self, kind: LinkKind, dest: &CowStr<'e>, range: Range<usize>) -> CowStr<'e> {
        let span = self.locate_dest(&range, dest);
        if let Some(slug) = dest.strip_prefix("term:") {
            let href = self.linker.term_ref(slug, span.clone());
            self.doc.links.push(Link {
                kind,
                dest: dest.to_string(),
                span,
                target: Target::Term {
                    slug: slug.to_string(),
                },
            });
            return href.map(CowStr::from).unwrap_or_else(|| dest.clone());
        }
        let kind = if kind == LinkKind::Link && in_block_tag(self.source, span.start) {
            LinkKind::BlockSrc
        } else {
            kind
        };
        match self.record(kind, dest, span) {
            Some(href) => CowStr::from(href),
            None => dest.clone(),
        }
    }

    /// The span of a link's destination in the page file: found inside the
    /// link's source range, else (a link the dialect generated around a
    /// copied attribute value) found in the preprocessed text and mapped
    /// back, else the whole range.
    fn locate_dest(&self, range: &Range<usize>, dest: &str) -> Range<usize> {
        let found = locate_dest(self.source, range, dest);
        if found != *range || dest.is_empty() {
            return found;
        }
        if let Some((text, map)) = self.pre {
            if let Some(i) = text.get(self.pre_range.clone()).and_then(|t| t.rfind(dest)) {
                let start = map.to_source(self.pre_range.start + i);
                let span = start..start + dest.len();
                if self.source.get(span.clone()) == Some(dest) {
                    return span;
                }
            }
        }
        found
    }

    /// Resolves `dest`, records the link, and returns a rewritten href for
    /// internal targets (`None`: keep as written).
    fn record(&mut self, kind: LinkKind, dest: &str, span: Range<usize>) -> Option<String> {
        let target = self.env.resolver.resolve(self.book, self.file, dest);
        let href = match &target {
            Target::Page { page, fragment } => {
                let to = self.site.pages[*page].url(self.site);
                Some(urls::href(
                    &self.page_url,
                    &to,
                    fragment.as_deref(),
                    self.env.offline,
                ))
            }
            Target::Asset { file } => {
                asset_url(self.site, file).map(|u| urls::href(&self.page_url, &u, None, false))
            }
            _ => None,
        };
        self.doc.links.push(Link {
            kind,
            dest: dest.to_string(),
            span,
            target,
        });
        href
    }

    /// Records ids and links in raw HTML and rewrites internal `href`/`src`.
    fn html(&mut self, h: &str, range: Range<usize>) -> String {
        if !h.contains('=') {
            return h.to_string();
        }
        let exact = range.len() == h.len();
        let mut out = String::with_capacity(h.len());
        let mut last = 0;
        for cap in attr_regex().captures_iter(h) {
            let (Some(name), Some(val)) = (cap.get(1), cap.get(2).or_else(|| cap.get(3))) else {
                continue;
            };
            let attr = name.as_str().to_ascii_lowercase();
            let value = val.as_str();
            match attr.as_str() {
                "id" | "name" => {
                    let id = html_unescape(value);
                    if !id.is_empty() {
                        self.ids.reserve(&id);
                        if let Some(hb) = &mut self.heading {
                            hb.explicit_ids.push(id.clone());
                        }
                        self.doc.anchors.insert(id);
                    }
                }
                "srcset" => {
                    // Each candidate is a URL and an optional `2x`/`640w`
                    // descriptor. GitBook writes URLs with spaces, so only a
                    // trailing descriptor is split off.
                    for (at, url) in srcset_urls(value) {
                        let start = val.start() + at;
                        let span = if exact {
                            range.start + start..range.start + start + url.len()
                        } else {
                            range.clone()
                        };
                        let dest = html_unescape(url);
                        if let Some(new) = self.record(LinkKind::Image, &dest, span) {
                            out.push_str(&h[last..start]);
                            let _ = pulldown_cmark_escape::escape_href(&mut out, &new);
                            last = start + url.len();
                        }
                    }
                }
                _ => {
                    let span = if exact {
                        range.start + val.start()..range.start + val.end()
                    } else {
                        range.clone()
                    };
                    let kind = if attr == "src" {
                        LinkKind::Image
                    } else {
                        LinkKind::Link
                    };
                    let dest = html_unescape(value);
                    // A character reference left undecoded could hide a
                    // scheme from the check: such a value is not published.
                    let before = &dest[..dest.find(':').unwrap_or(0)];
                    let hidden = before.contains('&') && !before.contains(['/', '?']);
                    if hidden || !urls::is_safe_link(&dest, kind == LinkKind::Image) {
                        self.unsafe_link(&dest, span);
                        let whole = cap.get(0).map_or(val.range(), |m| m.range());
                        out.push_str(&h[last..whole.start]);
                        last = whole.end;
                        continue;
                    }
                    if let Some(new) = self.record(kind, &dest, span) {
                        out.push_str(&h[last..val.start()]);
                        let _ = pulldown_cmark_escape::escape_href(&mut out, &new);
                        last = val.end();
                    }
                }
            }
        }
        out.push_str(&h[last..]);
        out
    }
}

/// Appends the text of an HTML fragment to `out`: tags left out, a table
/// cell's end as ` | `, the end of a row, paragraph, item or line break as a
/// new line, the common entities decoded.
fn push_visible_text(h: &str, out: &mut String) {
    let mut rest = h;
    while let Some(i) = rest.find('<') {
        push_decoded(&rest[..i], out);
        let Some(j) = rest[i..].find('>') else {
            push_decoded(&rest[i..], out);
            return;
        };
        let tag = rest[i + 1..i + j]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name = tag
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        match name {
            "td" | "th" if rest[i + 1..].starts_with('/') => out.push_str(" | "),
            "tr" | "p" | "li" | "br" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                out.push('\n')
            }
            _ => {}
        }
        rest = &rest[i + j + 1..];
    }
    push_decoded(rest, out);
}

fn push_decoded(t: &str, out: &mut String) {
    if !t.contains('&') {
        out.push_str(&t.replace('\n', " "));
        return;
    }
    let t = html_unescape(t)
        .replace("&#x20;", " ")
        .replace("&nbsp;", " ")
        .replace("&#x3C;", "<")
        .replace('\n', " ");
    out.push_str(&t);
}

/// The span of a link's destination inside the link's source range, or the
/// whole range when the destination is not written verbatim.
fn locate_dest(source: &str, range: &Range<usize>, dest: &str) -> Range<usize> {
    if let Some(text) = source.get(range.clone()) {
        if !dest.is_empty() {
            if let Some(i) = text.rfind(dest) {
                return range.start + i..range.start + i + dest.len();
            }
        }
    }
    range.clone()
}

/// Whether the text just before `at` is the opening of a GitBook tag's
/// attribute value (`{% file src="` …): the dialect copies `file`,
/// `content-ref` and `embed` destinations from there, so the link is a
/// block's reference rather than a link in prose.
fn in_block_tag(source: &str, at: usize) -> bool {
    if source.get(..at).is_none() {
        return false;
    }
    // Only the last `TAG_LOOKBACK` bytes are searched: a longer tag does not
    // count, and searching the whole prefix made a page's cost grow with the
    // square of its links.
    let mut from = at.saturating_sub(TAG_LOOKBACK);
    while !source.is_char_boundary(from) {
        from -= 1;
    }
    let before = &source[from..at];
    let Some(open) = before.rfind("{%") else {
        return false;
    };
    let tag = &before[open..];
    !tag.contains("%}") && tag.len() < TAG_LOOKBACK && (tag.ends_with('"') || tag.ends_with('\''))
}

/// How far before a link [`in_block_tag`] looks for the `{%` of a tag.
const TAG_LOOKBACK: usize = 500;

/// The URLs of a `srcset` value with their byte offsets in it.
fn srcset_urls(value: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for cand in value.split(',') {
        let lead = cand.len() - cand.trim_start().len();
        let mut url = cand.trim();
        if let Some((u, d)) = url.rsplit_once(char::is_whitespace) {
            let d = d.trim();
            let is_descriptor = d.len() > 1
                && (d.ends_with('x') || d.ends_with('w'))
                && d[..d.len() - 1].parse::<f64>().is_ok();
            if is_descriptor {
                url = u.trim_end();
            }
        }
        if !url.is_empty() {
            out.push((offset + lead, url));
        }
        offset += cand.len() + 1;
    }
    out
}

/// The comment that marks where block `b` starts in a page's HTML.
pub fn marker(b: usize) -> String {
    format!("<!--req:{b}-->")
}

/// Whether `text` holds a level word in any case (a block worth a marker).
fn mentions_level(text: &str) -> bool {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let ac = AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["requir", "recomm", "option", "draft", "deprec"])
            .expect("valid patterns")
    });
    ac.is_match(text)
}

/// `html` with a [`marker`] after each `<tr …>` opening tag, for `rows` in order.
fn mark_rows(html: &str, rows: &[usize]) -> String {
    let mut out = String::with_capacity(html.len() + rows.len() * 16);
    let mut rest = html;
    let mut rows = rows.iter();
    while let Some(i) = find_tr(rest) {
        let Some(gt) = rest[i..].find('>').map(|g| i + g + 1) else {
            break;
        };
        out.push_str(&rest[..gt]);
        rest = &rest[gt..];
        if let Some(&b) = rows.next().filter(|&&b| b != usize::MAX) {
            out.push_str(&marker(b));
        }
    }
    out.push_str(rest);
    out
}

/// The byte offset of the next `<tr` opening tag (not `<track>` or the like).
fn find_tr(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("<tr").map(|i| from + i) {
        let next = s.as_bytes().get(i + 3).copied();
        if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'/')) {
            return Some(i);
        }
        from = i + 3;
    }
    None
}

/// Decodes the entities common in GitBook's HTML text (named ones for
/// markup characters and spaces, decimal and hex references).
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the few entities that appear in attribute values.
fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_collapses_as_split_whitespace_does() {
        for t in [
            "",
            "  ",
            "one",
            " a  b\tc\n\nd\x0be\x0cf\rg ",
            "tab\t\tend\n",
            "non\u{a0}breaking  and\u{2003}em space ",
            "x\u{85}y",
        ] {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_white_space(t), want, "{t:?}");
        }
        for c in 0u8..128 {
            let t = format!("a{}b", c as char);
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_white_space(&t), want, "{c}");
        }
    }
    use crate::content::{Book, Page};
    use std::sync::Arc;

    fn site(pages: &[(&str, &str)], assets: &[&str]) -> Site {
        let mut s = Site::default();
        s.books.push(Book {
            id: "bk".into(),
            title: "Book".into(),
            latest: true,
            url_prefixes: vec!["bk".into()],
            repo_dir: "bk".into(),
            page_root: "bk/spec".into(),
            readme: "README.md".into(),
            ..Book::default()
        });
        for (i, (path, text)) in pages.iter().enumerate() {
            let slug = match path.strip_suffix("README.md") {
                Some(dir) => dir.to_string(),
                None => format!("{}/", path.trim_end_matches(".md")),
            };
            let file = format!("bk/spec/{path}");
            s.page_by_file.insert(file.clone(), i);
            s.books[0].pages.push(i);
            s.pages.push(Page {
                book: 0,
                file,
                path: path.to_string(),
                slug,
                source: Arc::from(*text),
                front: Default::default(),
                body_start: 0,
                summary_title: None,
                in_summary: true,
                terminology: false,
                common_terminology: false,
            });
        }
        s.assets = assets.iter().map(|a| a.to_string()).collect();
        s
    }

    fn parse(s: &Site, p: usize) -> Doc {
        let resolver = Resolver::new(s);
        let g = Glossary::default();
        let o = OpenApiCache::default();
        let env = ParseEnv {
            resolver: &resolver,
            glossary: &g,
            offline: false,
            link_mode: LinkMode::First,
            html: true,
        };
        parse_page(&env, &o, p)
    }

    #[test]
    fn headings_get_gitbook_ids_and_both_digit_forms() {
        let s = site(
            &[(
                "a.md",
                "# Title\n\n## 4.15 Bulk Payment Service&#x20;\n\n## Scope\n\n## Scope\n",
            )],
            &[],
        );
        let d = parse(&s, 0);
        let ids: Vec<&str> = d.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["title", "id-4.15-bulk-payment-service", "scope", "scope-1"]
        );
        assert!(d.anchors.contains("4.15-bulk-payment-service"));
        assert!(
            d.html.contains(r#"<h2 id="id-4.15-bulk-payment-service">"#),
            "{}",
            d.html
        );
        assert_eq!(d.headings[1].text, "4.15 Bulk Payment Service");
        assert_eq!(d.h1.as_deref(), Some("Title"));
    }

    #[test]
    fn explicit_html_ids_are_anchors() {
        let s = site(
            &[(
                "a.md",
                "### 10.1 Log <a href=\"#old-id\" id=\"old-id\"></a>\n\n<a id=\"free\"></a>\n",
            )],
            &[],
        );
        let d = parse(&s, 0);
        assert!(d.anchors.contains("old-id") && d.anchors.contains("free"));
        assert_eq!(d.headings[0].text, "10.1 Log");
        assert!(d.headings[0].alt_ids.contains(&"old-id".to_string()));
    }

    #[test]
    fn md_links_are_rewritten_relative_to_output() {
        let s = site(
            &[
                ("README.md", "[b](sub/b.md#x) [img](.gitbook/assets/p.png) ![i](.gitbook/assets/p.png) [gone](nope.md)\n"),
                ("sub/b.md", "[home](../README.md) [self](#top) <img src=\"../.gitbook/assets/p.png\">\n"),
            ],
            &["bk/spec/.gitbook/assets/p.png"],
        );
        let d = parse(&s, 0);
        assert!(d.html.contains(r#"href="sub/b/#x""#), "{}", d.html);
        assert!(
            d.html.contains(r#"src=".gitbook/assets/p.png""#),
            "{}",
            d.html
        );
        assert!(matches!(d.links[3].target, Target::Missing { .. }));
        let src = &s.pages[0].source;
        assert_eq!(&src[d.links[0].span.clone()], "sub/b.md#x");
        let d = parse(&s, 1);
        assert!(d.html.contains(r#"href="../../""#), "{}", d.html);
        assert!(d.html.contains(r##"href="#top""##), "{}", d.html);
        assert!(
            d.html
                .contains(r#"<img src="../../.gitbook/assets/p.png">"#),
            "{}",
            d.html
        );
        assert!(matches!(d.links[1].target, Target::SamePage { .. }));
    }

    #[test]
    fn sections_split_at_headings() {
        let s = site(
            &[(
                "a.md",
                "Intro text.\n\n## One\n\nBody `code` here.\n\n```\nnot indexed\n```\n",
            )],
            &[],
        );
        let d = parse(&s, 0);
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[1].title, "One");
        assert_eq!(d.sections[1].text, "Body code here.");
        assert_eq!(d.sections[1].anchor.as_deref(), Some("one"));
    }

    #[test]
    fn srcset_candidates_keep_spaces_and_drop_descriptors() {
        assert_eq!(
            srcset_urls("a b.png"),
            vec![(0, "a b.png")],
            "GitBook writes unescaped spaces"
        );
        assert_eq!(
            srcset_urls("x.png 1x, y@2x.png 2x,z.png 640w"),
            vec![(0, "x.png"), (10, "y@2x.png"), (22, "z.png")]
        );
    }

    #[test]
    fn srcset_and_block_sources_are_recorded_at_their_value() {
        let text = "<picture><source srcset=\"d.png 2x\"><img src=\"p.png\"></picture>\n\n{% file src=\"f.pdf\" %}\nCaption\n{% endfile %}\n";
        let s = site(&[("a.md", text)], &[]);
        let d = parse(&s, 0);
        let got: Vec<(LinkKind, &str)> = d
            .links
            .iter()
            .map(|l| (l.kind, &text[l.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                (LinkKind::Image, "d.png"),
                (LinkKind::Image, "p.png"),
                (LinkKind::BlockSrc, "f.pdf")
            ]
        );
    }

    #[test]
    fn check_mode_skips_html_but_records_the_same() {
        let text = "# T\n\n```rust\nfn main() {}\n```\n\n[x](gone.md)\n";
        let s = site(&[("a.md", text)], &[]);
        let full = parse(&s, 0);
        let resolver = Resolver::new(&s);
        let g = Glossary::default();
        let o = OpenApiCache::default();
        let env = ParseEnv {
            resolver: &resolver,
            glossary: &g,
            offline: false,
            link_mode: LinkMode::First,
            html: false,
        };
        let lean = parse_page(&env, &o, 0);
        assert!(lean.html.is_empty() && !full.html.is_empty());
        assert_eq!(lean.links, full.links);
        assert_eq!(lean.anchors, full.anchors);
        assert_eq!(lean.sections, full.sections);
    }

    #[test]
    fn outside_root_links_are_flagged() {
        let s = site(&[("a.md", "[x](../../../../etc/passwd)\n")], &[]);
        let d = parse(&s, 0);
        assert_eq!(d.links[0].target, Target::OutsideRoot);
    }
}
