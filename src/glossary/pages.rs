//! Reading terms from terminology pages (DESIGN.md §1).
//!
//! The dialect, as GovStack's books write it:
//! - **Term headings**: `##`–`####` headings, with or without bold, optionally
//!   `Term (ABBR)`, `ABBR (Expansion)`, a trailing `&#x20;` or an explicit
//!   `<a id="…">`. The definition is everything up to the next heading.
//!   Numbered section headings (`2.1 …`), headings naming the terminology itself
//!   (`Other terms to define`), examples (`Ex. …`) and headings with no text
//!   under them are not terms.
//! - **Term tables**: markdown pipe tables and HTML `<table>`s (also
//!   `data-header-hidden` ones, whose first body row is the visual header): first
//!   column the term, second the definition.
//! - **Abbreviation tables**: a table whose first header reads `Abbreviation`
//!   (or `Acronym`) gives abbreviation → expansion rows, not terms.
//! - **Bold-line entries**: a paragraph `**Term**: definition` (also `-`, `—`, `–`,
//!   or the colon inside the bold); or a line holding only `**Term**` (maybe
//!   followed by `&#x20;`) that starts a paragraph, whose definition is the
//!   paragraphs under it up to the next entry, heading or GitBook tab boundary
//!   (pages group such entries in tabs, one per letter). Bold text inside a
//!   paragraph, or a bold sentence (ending in `.`, `:`, `!`, `?`, or longer than
//!   eight words), is never an entry. A heading whose text holds such entries
//!   is a group (`## A`), not a term.

use super::model::{
    collapse_ws, gitbook_slug, html_plain_text, md_options, parse_term_name, strip_block_tags,
    DefinitionFormat, ParsedName,
};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// A term as found on a page, before it joins the glossary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTerm {
    /// The name as written (plain text).
    pub raw_name: String,
    /// The name split into canonical name, abbreviation and aliases.
    pub parsed: ParsedName,
    /// The definition's source text.
    pub definition: String,
    /// Markdown for headings, pipe tables and bold lines; HTML for HTML tables.
    pub format: DefinitionFormat,
    /// Byte span of the entry's name in the page file.
    pub span: Range<usize>,
    /// Byte span of the definition in the page file.
    pub definition_span: Range<usize>,
    /// Anchor of the entry (heading id or explicit `<a id>`), if it has one.
    pub anchor: Option<String>,
}

/// A row of an abbreviation table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbbrRow {
    /// The abbreviation (`BB`).
    pub abbr: String,
    /// Its expansion (`Building Block`).
    pub expansion: String,
    /// Byte span of the row's first cell in the page file.
    pub span: Range<usize>,
}

/// Everything a terminology page defines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageTerms {
    /// Term entries in source order.
    pub terms: Vec<PageTerm>,
    /// Abbreviation-table rows in source order.
    pub abbreviations: Vec<AbbrRow>,
}

/// Byte offset where the markdown body starts (after a `---` front matter block).
pub fn body_start(text: &str) -> usize {
    let rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - rest.len();
    if !(rest.starts_with("---\n") || rest.starts_with("---\r\n")) {
        return 0;
    }
    let mut pos = rest.find('\n').map_or(rest.len(), |i| i + 1);
    while pos < rest.len() {
        let end = rest[pos..].find('\n').map_or(rest.len(), |i| pos + i + 1);
        if rest[pos..end].trim_end() == "---" {
            return bom + end;
        }
        pos = end;
    }
    0
}

struct HeadingInfo {
    level: u8,
    text: String,
    span: Range<usize>,
    explicit_id: Option<String>,
}

struct Cell {
    text: String,
    span: Range<usize>,
}

/// Extracts every term and abbreviation row from a terminology page's full
/// text; `body_start` is where the markdown starts (spans are in `text`).
pub fn extract_page_terms(text: &str, body_start: usize) -> PageTerms {
    let body_start = body_start.min(text.len());
    let body = &text[body_start..];
    let mut headings: Vec<HeadingInfo> = Vec::new();
    let mut tables: Vec<(Range<usize>, Vec<Vec<Cell>>, usize)> = Vec::new(); // span, rows, header rows
    let mut html_blocks: Vec<Range<usize>> = Vec::new();
    let mut paragraphs: Vec<Range<usize>> = Vec::new();

    let mut cur_heading: Option<HeadingInfo> = None;
    let mut cur_table: Option<(Range<usize>, Vec<Vec<Cell>>, usize)> = None;
    let mut cur_cell: Option<Cell> = None;
    let mut html_start: Option<usize> = None;

    for (ev, r) in Parser::new_ext(body, md_options()).into_offset_iter() {
        let r = r.start + body_start..r.end + body_start;
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                cur_heading = Some(HeadingInfo {
                    level: level as u8,
                    text: String::new(),
                    span: r,
                    explicit_id: id.map(|s| s.to_string()),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = cur_heading.take() {
                    headings.push(h);
                }
            }
            Event::Start(Tag::Table(_)) => cur_table = Some((r, Vec::new(), 0)),
            Event::End(TagEnd::Table) => {
                if let Some(t) = cur_table.take() {
                    tables.push(t);
                }
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some(t) = cur_table.as_mut() {
                    t.1.push(Vec::new());
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = cur_table.as_mut() {
                    t.2 = t.1.len();
                }
            }
            Event::Start(Tag::TableCell) => {
                cur_cell = Some(Cell {
                    text: String::new(),
                    span: r,
                })
            }
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some(t)) = (cur_cell.take(), cur_table.as_mut()) {
                    if let Some(row) = t.1.last_mut() {
                        row.push(c);
                    }
                }
            }
            Event::Start(Tag::HtmlBlock) => html_start = Some(r.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(s) = html_start.take() {
                    html_blocks.push(s..r.end);
                }
            }
            Event::Start(Tag::Paragraph) if cur_table.is_none() => paragraphs.push(r),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = cur_heading.as_mut() {
                    h.text.push_str(&t);
                } else if let Some(c) = cur_cell.as_mut() {
                    c.text.push_str(&t);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some(head) = cur_heading.as_mut() {
                    if head.explicit_id.is_none() {
                        head.explicit_id = html_id(&h);
                    }
                } else if let Some(c) = cur_cell.as_mut() {
                    let t = html_plain_text(&h);
                    if !t.is_empty() {
                        c.text.push(' ');
                        c.text.push_str(&t);
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = cur_cell.as_mut() {
                    c.text.push(' ');
                }
            }
            _ => {}
        }
    }

    let mut out = PageTerms::default();
    let mut blocks: Vec<Range<usize>> = html_blocks.clone();
    blocks.extend(tables.iter().map(|t| t.0.clone()));
    let standalone = standalone_bold_entries(text, body_start, &blocks);
    // Term headings: the definition runs to the next heading of any level.
    let mut covered: Vec<Range<usize>> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        let def_end = headings.get(i + 1).map_or(text.len(), |n| n.span.start);
        let def_span = h.span.end.min(def_end)..def_end;
        let definition = text[def_span.clone()].trim();
        let name = collapse_ws(&h.text);
        if !is_term_heading(h.level, &name) || strip_block_tags(definition).trim().is_empty() {
            continue;
        }
        // A heading over bold-line entries groups them (`## A`).
        if standalone
            .iter()
            .any(|t| def_span.start <= t.span.start && t.span.start < def_span.end)
        {
            continue;
        }
        let parsed = parse_term_name(&name);
        if parsed.name.is_empty() {
            continue;
        }
        let anchor = h.explicit_id.clone().unwrap_or_else(|| gitbook_slug(&name));
        covered.push(def_span.clone());
        out.terms.push(PageTerm {
            raw_name: name,
            parsed,
            definition: definition.to_string(),
            format: DefinitionFormat::Markdown,
            span: heading_name_span(text, &h.span),
            definition_span: trim_span(text, def_span),
            anchor: Some(anchor),
        });
    }
    let inside_term =
        |r: &Range<usize>| covered.iter().any(|c| c.start <= r.start && r.end <= c.end);

    // Pipe tables.
    for (span, rows, head_rows) in &tables {
        if inside_term(span) {
            continue;
        }
        let header: Vec<String> = if *head_rows > 0 {
            rows[0].iter().map(|c| collapse_ws(&c.text)).collect()
        } else {
            Vec::new()
        };
        let body_rows: Vec<(String, String, Range<usize>, Range<usize>)> = rows
            .iter()
            .skip(*head_rows)
            .filter(|r| r.len() >= 2)
            .map(|r| {
                (
                    collapse_ws(&r[0].text),
                    cell_source(text, &r[1].span).to_string(),
                    cell_span(text, &r[0].span),
                    cell_span(text, &r[1].span),
                )
            })
            .collect();
        push_table(&mut out, &header, body_rows, DefinitionFormat::Markdown);
    }

    // HTML tables.
    for span in &html_blocks {
        if inside_term(span) || !text[span.clone()].contains("<table") {
            continue;
        }
        for (header, rows) in parse_html_tables(text, span.clone()) {
            push_table(&mut out, &header, rows, DefinitionFormat::Html);
        }
    }

    // Bold-line entries.
    for p in &paragraphs {
        if inside_term(p) {
            continue;
        }
        if let Some(t) = bold_line_entry(text, p.clone()) {
            out.terms.push(t);
        }
    }
    out.terms
        .extend(standalone.into_iter().filter(|t| !inside_term(&t.span)));
    out.terms.sort_by_key(|t| t.span.start);
    out.abbreviations.sort_by_key(|a| a.span.start);
    out
}

/// Adds a table's rows as terms, or as abbreviations when its header says so.
/// Rows are (name, definition source, name span, definition span).
fn push_table(
    out: &mut PageTerms,
    header: &[String],
    rows: Vec<(String, String, Range<usize>, Range<usize>)>,
    format: DefinitionFormat,
) {
    let mut header: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
    let mut rows = rows.into_iter().peekable();
    // A hidden header (`data-header-hidden`, or an empty one) puts the visual header in the first row.
    if header.iter().all(|h| h.is_empty()) {
        if let Some((first, second, _, _)) = rows.peek() {
            if is_header_cell(first) {
                header = vec![
                    first.to_ascii_lowercase(),
                    strip_markup(second).to_ascii_lowercase(),
                ];
                rows.next();
            }
        }
    }
    let abbr_table = header.first().is_some_and(|h| {
        (h.contains("abbreviation") || h.contains("acronym")) && !h.contains("term")
    });
    for (name, def, name_span, def_span) in rows {
        let name = collapse_ws(&name);
        let def = def.trim().to_string();
        if name.is_empty() || def.is_empty() {
            continue;
        }
        if abbr_table {
            out.abbreviations.push(AbbrRow {
                abbr: name,
                expansion: strip_markup(&def),
                span: name_span,
            });
        } else {
            out.terms.push(PageTerm {
                parsed: parse_term_name(&name),
                raw_name: name,
                definition: def,
                format,
                span: name_span,
                definition_span: def_span,
                anchor: None,
            });
        }
    }
}

fn is_header_cell(s: &str) -> bool {
    let l = strip_markup(s).to_ascii_lowercase();
    matches!(
        l.as_str(),
        "term"
            | "terms"
            | "name"
            | "abbreviation"
            | "abbreviations"
            | "acronym"
            | "term or acronym"
            | "word"
    )
}

fn strip_markup(s: &str) -> String {
    let plain = if s.contains('<') {
        html_plain_text(s)
    } else {
        super::model::markdown_plain_text(s)
    };
    collapse_ws(&plain)
}

/// Whether a heading names a term rather than a section.
fn is_term_heading(level: u8, name: &str) -> bool {
    static NUMBERED: OnceLock<Regex> = OnceLock::new();
    let numbered =
        NUMBERED.get_or_init(|| Regex::new(r"^\d+(\.\d+)*\.?(\s|$)").expect("valid regex"));
    if !(2..=4).contains(&level) || name.is_empty() || numbered.is_match(name) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 12 || words.is_empty() {
        return false;
    }
    if words.iter().any(|w| {
        matches!(
            *w,
            "term" | "terms" | "terminology" | "glossary" | "abbreviations"
        )
    }) {
        return false;
    }
    if matches!(
        words[0],
        "ex" | "example" | "examples" | "overview" | "introduction"
    ) {
        return false;
    }
    true
}

/// The span of a heading's text: without the `#` marks and the line end.
fn heading_name_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let line_end = s.find('\n').unwrap_or(s.len());
    let line = &s[..line_end];
    let start = line.len() - line.trim_start_matches('#').trim_start().len();
    let end = line.trim_end().len();
    span.start + start..span.start + end.max(start)
}

fn trim_span(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    r.start + lead..(r.end - trail).max(r.start + lead)
}

fn cell_span(text: &str, r: &Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let inner = s.trim_matches(|c: char| c.is_whitespace() || c == '|');
    let lead = s.find(inner).unwrap_or(0);
    r.start + lead..r.start + lead + inner.len()
}

fn cell_source<'t>(text: &'t str, r: &Range<usize>) -> &'t str {
    text[r.clone()].trim().trim_matches('|').trim()
}

fn html_id(html: &str) -> Option<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let re = ID.get_or_init(|| Regex::new(r#"\bid\s*=\s*["']([^"']+)["']"#).expect("valid regex"));
    re.captures(html).map(|c| c[1].to_string())
}

type HtmlRow = (String, String, Range<usize>, Range<usize>);

/// Parses every `<table>` in `span`: (visual header, rows of (term, definition HTML, spans)).
fn parse_html_tables(text: &str, span: Range<usize>) -> Vec<(Vec<String>, Vec<HtmlRow>)> {
    static TABLE: OnceLock<Regex> = OnceLock::new();
    static ROW: OnceLock<Regex> = OnceLock::new();
    static CELL: OnceLock<Regex> = OnceLock::new();
    let table_re = TABLE
        .get_or_init(|| Regex::new(r"(?is)<table\b[^>]*>(.*?)</table\s*>").expect("valid regex"));
    let row_re =
        ROW.get_or_init(|| Regex::new(r"(?is)<tr\b[^>]*>(.*?)</tr\s*>").expect("valid regex"));
    let cell_re = CELL
        .get_or_init(|| Regex::new(r"(?is)<t([dh])\b[^>]*>(.*?)</t[dh]\s*>").expect("valid regex"));
    let block = &text[span.clone()];
    let mut out = Vec::new();
    for t in table_re.captures_iter(block) {
        let Some(inner) = t.get(1) else { continue };
        let mut header: Vec<String> = Vec::new();
        let mut rows = Vec::new();
        for r in row_re.captures_iter(inner.as_str()) {
            let Some(row) = r.get(1) else { continue };
            let row_off = span.start + inner.start() + row.start();
            let cells: Vec<(bool, String, Range<usize>)> = cell_re
                .captures_iter(row.as_str())
                .filter_map(|c| {
                    let m = c.get(2)?;
                    Some((
                        &c[1] == "h",
                        m.as_str().trim().to_string(),
                        row_off + m.start()..row_off + m.end(),
                    ))
                })
                .collect();
            if cells.iter().all(|c| c.0) {
                if header.is_empty() {
                    header = cells.iter().map(|c| html_plain_text(&c.1)).collect();
                }
                continue;
            }
            if cells.len() >= 2 {
                rows.push((
                    html_plain_text(&cells[0].1),
                    cells[1].1.clone(),
                    cells[0].2.clone(),
                    cells[1].2.clone(),
                ));
            }
        }
        out.push((header, rows));
    }
    out
}

/// Entries written as a line holding only `**Term**` (see the module
/// documentation), outside code fences and the tables and HTML `blocks`.
fn standalone_bold_entries(
    text: &str,
    body_start: usize,
    blocks: &[Range<usize>],
) -> Vec<PageTerm> {
    // Lines of the body: (start, end without the line break).
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut pos = body_start;
    for l in text[body_start..].split_inclusive('\n') {
        let body = l.trim_end_matches(['\n', '\r']);
        lines.push((pos, pos + body.len()));
        pos += l.len();
    }
    let line = |i: usize| &text[lines[i].0..lines[i].1];
    let mut fence = vec![false; lines.len()];
    let mut open = false;
    for (i, f) in fence.iter_mut().enumerate() {
        let t = line(i).trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            open = !open;
            *f = true;
        } else {
            *f = open;
        }
    }
    let in_block = |at: usize| blocks.iter().any(|b| b.start <= at && at < b.end);
    let is_tab_tag = |l: &str| {
        let t = l.trim();
        t.starts_with("{%")
            && t.ends_with("%}")
            && t[2..]
                .trim_start()
                .trim_start_matches("end")
                .starts_with("tab")
    };
    let is_tag = |l: &str| {
        let t = l.trim();
        t.starts_with("{%") && t.ends_with("%}")
    };
    let heads: Vec<(usize, String, Range<usize>)> = (0..lines.len())
        .filter(|&i| !fence[i] && !in_block(lines[i].0))
        .filter(|&i| {
            i == 0 || {
                let prev = line(i - 1).trim();
                prev.is_empty() || is_tag(prev) || prev.starts_with('#')
            }
        })
        .filter_map(|i| standalone_bold_name(line(i)).map(|(n, r)| (i, n, r)))
        .map(|(i, n, r)| (i, n, lines[i].0 + r.start..lines[i].0 + r.end))
        .collect();
    let mut out = Vec::new();
    for (k, (i, name, span)) in heads.iter().enumerate() {
        let next_head = heads.get(k + 1).map_or(lines.len(), |h| h.0);
        let mut end = *i + 1;
        while end < next_head {
            let l = line(end);
            if !fence[end] && (l.trim_start().starts_with('#') || is_tab_tag(l)) {
                break;
            }
            end += 1;
        }
        if end == *i + 1 {
            continue;
        }
        let def_span = trim_span(text, lines[*i + 1].0..lines[end - 1].1);
        let definition = text[def_span.clone()].to_string();
        if strip_block_tags(&definition).trim().is_empty() {
            continue;
        }
        let parsed = parse_term_name(name);
        if parsed.name.is_empty() {
            continue;
        }
        out.push(PageTerm {
            raw_name: name.clone(),
            parsed,
            definition,
            format: DefinitionFormat::Markdown,
            span: span.clone(),
            definition_span: def_span,
            anchor: None,
        });
    }
    out
}

/// The term of a line holding only `**Term**` or `__Term__` (a trailing
/// `&#x20;`, `&nbsp;`, `\` or white space allowed), with the bold's range in the line.
fn standalone_bold_name(line: &str) -> Option<(String, Range<usize>)> {
    let lead = line.len() - line.trim_start().len();
    if lead > 3 {
        return None;
    }
    let mut t = line.trim();
    loop {
        let before = t;
        for tail in ["&#x20;", "&nbsp;", "\\", "<br>"] {
            t = t.strip_suffix(tail).unwrap_or(t).trim_end();
        }
        if t == before {
            break;
        }
    }
    let inner = t
        .strip_prefix("**")
        .and_then(|r| r.strip_suffix("**"))
        .or_else(|| t.strip_prefix("__").and_then(|r| r.strip_suffix("__")))?;
    let name = collapse_ws(inner);
    let words = name.split_whitespace().count();
    if name.is_empty()
        || inner.contains(['*', '_'])
        || words > 8
        || name.ends_with(['.', ':', '!', '?', ','])
        || name.to_ascii_lowercase().starts_with("e.g")
    {
        return None;
    }
    Some((name, lead..lead + t.len()))
}

/// `**Term**: definition` (or `-`, `—`, `–`; or `**Term:** definition`).
fn bold_line_entry(text: &str, p: Range<usize>) -> Option<PageTerm> {
    static BOLD: OnceLock<Regex> = OnceLock::new();
    let re = BOLD.get_or_init(|| {
        Regex::new(
            r"(?s)^(?:\*\*|__)([^*_\n]+?)(?::(?:\*\*|__)\s*|(?:\*\*|__)\s*(?:[:—–]|-\s))\s*(\S.*)$",
        )
        .expect("valid regex")
    });
    let s = &text[p.clone()];
    let c = re.captures(s)?;
    let (name_m, def_m) = (c.get(1)?, c.get(2)?);
    let name = collapse_ws(name_m.as_str());
    let parsed = parse_term_name(&name);
    if parsed.name.is_empty() || name.split_whitespace().count() > 12 {
        return None;
    }
    Some(PageTerm {
        raw_name: name,
        parsed,
        definition: def_m.as_str().trim().to_string(),
        format: DefinitionFormat::Markdown,
        span: p.start..p.start + name_m.end() + 2,
        definition_span: p.start + def_m.start()..p.start + def_m.end(),
        anchor: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &PageTerms) -> Vec<&str> {
        p.terms.iter().map(|t| t.parsed.name.as_str()).collect()
    }

    #[test]
    fn reads_heading_terms_with_bold_abbr_and_entities() {
        let text = "---\ndescription: x\n---\n# 3 Terminology\n\n### 3.1 Section\n\nintro\n\n#### **Building Block (BB)**\n\nA reusable part.\n\n### **Rules engine**&#x20;\n\nA tool.&#x20;\n\n### **PII (Personally Identifiable Information)** <a href=\"#pii\" id=\"pii\"></a>\n\nData.\n\n### Empty\n### Last\n\nThe end.\n";
        let p = extract_page_terms(text, body_start(text));
        assert_eq!(
            names(&p),
            vec![
                "Building Block",
                "Rules engine",
                "Personally Identifiable Information",
                "Last"
            ]
        );
        assert_eq!(p.terms[0].parsed.abbreviation.as_deref(), Some("BB"));
        assert_eq!(&text[p.terms[0].span.clone()], "**Building Block (BB)**");
        assert_eq!(p.terms[0].definition, "A reusable part.");
        assert_eq!(p.terms[2].anchor.as_deref(), Some("pii"));
        assert_eq!(p.terms[1].anchor.as_deref(), Some("rules-engine"));
    }

    #[test]
    fn reads_pipe_table_rows_and_skips_header() {
        let text = "# T\n\n| **Term** | **Description** |\n| --- | --- |\n| **Consent Record** | is created when signed. |\n| API | An <p>interface</p> |\n";
        let p = extract_page_terms(text, 0);
        assert_eq!(names(&p), vec!["Consent Record", "API"]);
        assert_eq!(p.terms[0].definition, "is created when signed.");
        assert_eq!(&text[p.terms[0].span.clone()], "**Consent Record**");
    }

    #[test]
    fn reads_hidden_header_html_table() {
        let text = "# T\n\n<table data-header-hidden><thead><tr><th width=\"234\"></th><th></th></tr></thead><tbody><tr><td><strong>Term</strong></td><td><strong>Description</strong></td></tr><tr><td><strong>Delegate</strong></td><td>the person giving consent</td></tr></tbody></table>\n";
        let p = extract_page_terms(text, 0);
        assert_eq!(names(&p), vec!["Delegate"]);
        assert_eq!(p.terms[0].format, DefinitionFormat::Html);
        assert_eq!(&text[p.terms[0].span.clone()], "<strong>Delegate</strong>");
    }

    #[test]
    fn abbreviation_table_gives_rows_not_terms() {
        let text = "### 2.3 Abbreviation Reference\n\n| Abbreviation | Full Term |\n| --- | --- |\n| BB | Building Block |\n| CFR | Cross-Functional Requirement |\n";
        let p = extract_page_terms(text, 0);
        assert!(p.terms.is_empty());
        assert_eq!(p.abbreviations.len(), 2);
        assert_eq!(p.abbreviations[1].abbr, "CFR");
        assert_eq!(p.abbreviations[1].expansion, "Cross-Functional Requirement");
    }

    #[test]
    fn reads_bold_line_entries() {
        let text = "# T\n\n**Payer**: the one who pays.\n\n**Payee** — the one paid.\n\n**Note:** not a term? it is.\n\n**Just bold** text.\n";
        let p = extract_page_terms(text, 0);
        assert_eq!(names(&p), vec!["Payer", "Payee", "Note"]);
        assert_eq!(p.terms[0].definition, "the one who pays.");
    }

    #[test]
    fn reads_standalone_bold_lines_in_tabs_up_to_the_next_entry() {
        let text = "# Terminology\n\n**It is required that books do not redefine these terms.**\n\n{% tabs %}\n{% tab title=\"A\" %}\n**Access**&#x20;\n\nThe ability to use a resource.\n\nIt is granted.\n\n**Activity**\n\nA unit of work.\n{% endtab %}\n\n{% tab title=\"B\" %}\n## B\n\n**Beneficiary**\n\nWho receives.\n\nSome **bold** text in a paragraph.\nAnd a line:\n**Not an entry**\n{% endtab %}\n{% endtabs %}\n\n```\n**Code**\n\nnot a term\n```\n";
        let p = extract_page_terms(text, 0);
        assert_eq!(names(&p), vec!["Access", "Activity", "Beneficiary"]);
        assert_eq!(
            p.terms[0].definition,
            "The ability to use a resource.\n\nIt is granted."
        );
        assert_eq!(&text[p.terms[0].span.clone()], "**Access**");
        assert_eq!(p.terms[1].definition, "A unit of work.");
        assert!(p.terms[2].definition.starts_with("Who receives."));
        assert!(p.terms[2].definition.contains("**Not an entry**"));
    }

    #[test]
    fn section_and_example_headings_are_not_terms() {
        let text = "# T\n\n## Overview\n\ntext\n\n## Process\n\nA set of steps.\n\n### Example Processes\n\n#### Ex. Process A\n\n1. step\n\n## Other terms to define\n\nLater.\n";
        let p = extract_page_terms(text, 0);
        assert_eq!(names(&p), vec!["Process"]);
        assert_eq!(p.terms[0].definition, "A set of steps.");
    }
}
