//! SUMMARY.md: a book's table of contents (GitBook dialect).
//!
//! The file is ordinary CommonMark, read with pulldown-cmark; only the
//! following constructs mean something, everything else is ignored:
//!
//! ```markdown
//! # Table of contents                 <- title: the first `#` heading before any entry
//!
//! * [Introduction](README.md)         <- an entry: `*`, `-` or `+` list item whose first
//!   * [Nested](intro/nested.md)          link gives its title and destination
//!     - [Deeper](<a (1) b.md>)        <- any depth, indented by 2 or 4 spaces or a tab;
//!                                        angle brackets allow spaces and parentheses
//! * [Spaces](my%20page.md)            <- destinations are percent-decoded
//! * [Elsewhere](https://example.org)  <- an external link (`external: true`, no page)
//! * Draft chapter                     <- an entry without a link (`dest: None`)
//!
//! ---                                 <- a separator
//!
//! ## Part title                       <- a part: any later heading (`##`, or a second `#`)
//!
//! [Prefix](prefix.md)                 <- a link in a paragraph outside a list is an entry too
//! ```
//!
//! Titles are plain text: inline markup (`**bold**`, `` `code` ``, inline
//! HTML) is dropped, entities (`&#x20;`, `&amp;`) are decoded, whitespace runs
//! (including no-break and zero-width spaces) collapse to one space, and the
//! result is trimmed. An entry that has a link takes the link's text as its
//! title; text after the link is ignored, and so are further links in the same
//! entry. Numbered list items count as entries too. The same destination may
//! appear several times: every entry is kept, in order.
//!
//! Each entry keeps the byte span of its destination (inside the brackets for
//! `<…>` destinations), so a missing file is reported exactly where it is
//! written. A `#fragment` stays in `dest` but is not percent-decoded.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// A parsed SUMMARY.md.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The first `# Heading`, if any (usually "Table of contents").
    pub title: Option<String>,
    /// Top-level entries in order.
    pub items: Vec<SummaryItem>,
}

/// One entry of a SUMMARY.md.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryItem {
    /// A `## Part` heading grouping the entries after it.
    Part {
        /// Heading text, markup removed.
        title: String,
        /// Byte span of the heading line.
        span: Range<usize>,
    },
    /// A linked (or unlinked) entry with optional nested entries.
    Link {
        /// Link text, markup and entities removed.
        title: String,
        /// Destination as written (angle brackets stripped, percent-decoded),
        /// relative to the page root; `None` for an entry without a link.
        dest: Option<String>,
        /// Byte span of the destination (or the entry) in SUMMARY.md.
        span: Range<usize>,
        /// Filled by the loader: the page this entry reaches.
        page: Option<crate::content::PageId>,
        /// The destination is an absolute URL (http:, https:, mailto:…).
        external: bool,
        /// Nested entries.
        children: Vec<SummaryItem>,
    },
    /// A `---` separator line.
    Separator,
}

impl Summary {
    /// Every `Link` entry, depth-first in document order.
    pub fn links(&self) -> Vec<&SummaryItem> {
        fn walk<'a>(items: &'a [SummaryItem], out: &mut Vec<&'a SummaryItem>) {
            for item in items {
                if let SummaryItem::Link { children, .. } = item {
                    out.push(item);
                    walk(children, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }

    /// Calls `f` on every `Link` entry, depth-first in document order, with
    /// its destination (`None` for unlinked or external entries), title,
    /// destination span and its `page` slot to fill.
    pub fn visit_links_mut<F>(&mut self, f: &mut F)
    where
        F: FnMut(Option<&str>, &str, &Range<usize>, &mut Option<crate::content::PageId>),
    {
        fn walk<F>(items: &mut [SummaryItem], f: &mut F)
        where
            F: FnMut(Option<&str>, &str, &Range<usize>, &mut Option<crate::content::PageId>),
        {
            for item in items {
                if let SummaryItem::Link {
                    title,
                    dest,
                    span,
                    page,
                    external,
                    children,
                } = item
                {
                    let d = if *external { None } else { dest.as_deref() };
                    f(d, title, span, page);
                    walk(children, f);
                }
            }
        }
        walk(&mut self.items, f);
    }
}

/// An entry being built while its list item is open.
#[derive(Default)]
struct Builder {
    /// All text of the entry's own paragraph.
    text: String,
    /// Text of the first link.
    link_text: String,
    dest: Option<String>,
    span: Range<usize>,
    external: bool,
    /// Inside the first link right now.
    in_link: bool,
    /// The first link has been read.
    has_link: bool,
    /// A nested list started: no more title text belongs to this entry.
    text_done: bool,
    /// A link in a paragraph outside any list (closes with the link).
    loose: bool,
    children: Vec<SummaryItem>,
}

impl Builder {
    fn finish(self) -> Option<SummaryItem> {
        let title = clean_title(if self.has_link {
            &self.link_text
        } else {
            &self.text
        });
        if title.is_empty() && self.dest.is_none() && self.children.is_empty() {
            return None;
        }
        Some(SummaryItem::Link {
            title,
            dest: self.dest,
            span: self.span,
            page: None,
            external: self.external,
            children: self.children,
        })
    }
}

/// Parses SUMMARY.md text (see the module documentation for the dialect).
pub fn parse_summary(text: &str) -> Summary {
    let mut summary = Summary::default();
    let mut stack: Vec<Builder> = Vec::new();
    let mut heading: Option<(HeadingLevel, String, Range<usize>)> = None;
    let opts = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) if stack.is_empty() => {
                heading = Some((level, String::new(), range));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, raw, span)) = heading.take() {
                    let title = clean_title(&raw);
                    if level == HeadingLevel::H1
                        && summary.title.is_none()
                        && summary.items.is_empty()
                    {
                        summary.title = Some(title);
                    } else {
                        summary.items.push(SummaryItem::Part {
                            title,
                            span: trim_line_end(text, span),
                        });
                    }
                }
            }
            Event::Start(Tag::Item) => {
                stack.push(Builder {
                    span: range,
                    ..Builder::default()
                });
            }
            Event::End(TagEnd::Item) => {
                if let Some(b) = stack.pop() {
                    push_item(&mut stack, &mut summary, b);
                }
            }
            Event::Start(Tag::List(_)) => {
                if let Some(top) = stack.last_mut() {
                    top.text_done = true;
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if heading.is_some() {
                    continue;
                }
                if stack.is_empty() {
                    stack.push(Builder {
                        span: range.clone(),
                        loose: true,
                        ..Builder::default()
                    });
                }
                if let Some(top) = stack.last_mut() {
                    if !top.has_link && !top.text_done {
                        top.in_link = true;
                        top.span = dest_span(text, range);
                        top.external = is_external(&dest_url);
                        top.dest = (!dest_url.is_empty()).then(|| decode_dest(&dest_url));
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(top) = stack.last_mut() {
                    if top.in_link {
                        top.in_link = false;
                        top.has_link = true;
                    }
                    if top.loose {
                        if let Some(b) = stack.pop() {
                            push_item(&mut stack, &mut summary, b);
                        }
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, raw, _)) = heading.as_mut() {
                    raw.push_str(&t);
                } else if let Some(top) = stack.last_mut() {
                    if !top.text_done {
                        top.text.push_str(&t);
                        if top.in_link {
                            top.link_text.push_str(&t);
                        }
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, raw, _)) = heading.as_mut() {
                    raw.push(' ');
                } else if let Some(top) = stack.last_mut() {
                    top.text.push(' ');
                    if top.in_link {
                        top.link_text.push(' ');
                    }
                }
            }
            Event::Rule if stack.is_empty() => summary.items.push(SummaryItem::Separator),
            _ => {}
        }
    }
    summary
}

/// Adds a finished entry to its parent entry, or to the top level.
fn push_item(stack: &mut [Builder], summary: &mut Summary, b: Builder) {
    if let Some(item) = b.finish() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(item),
            None => summary.items.push(item),
        }
    }
}

/// Collapses whitespace (including no-break and zero-width spaces) and trims.
pub(crate) fn clean_title(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The plain text of the first level-1 heading of a markdown text.
pub(crate) fn first_h1(markdown: &str) -> Option<String> {
    let mut in_h1 = false;
    let mut raw = String::new();
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => in_h1 = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                let t = clean_title(&raw);
                if !t.is_empty() {
                    return Some(t);
                }
                in_h1 = false;
            }
            Event::Text(t) | Event::Code(t) if in_h1 => raw.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_h1 => raw.push(' '),
            _ => {}
        }
    }
    None
}

/// The span of a heading without its trailing newline.
fn trim_line_end(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    span.start..span.start + s.trim_end().len()
}

/// True for absolute URLs (`scheme:` of two or more characters) and `//host` links.
pub(crate) fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-decodes the path part of a destination, keeping any `#fragment` as written.
fn decode_dest(dest: &str) -> String {
    if is_external(dest) {
        return dest.to_string();
    }
    let (path, frag) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let mut out = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    out.push_str(frag);
    out
}

/// Byte span of the destination inside an inline link `[text](dest "title")`
/// spanning `range`; the whole link when it is not of that form.
fn dest_span(text: &str, range: Range<usize>) -> Range<usize> {
    let s = text[range.clone()].as_bytes();
    if s.first() != Some(&b'[') {
        return range;
    }
    // Find the `]` closing the link text.
    let mut i = 0;
    let mut depth = 0usize;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b'`' => {
                let run = s[i..].iter().take_while(|&&b| b == b'`').count();
                let fence = &s[i..i + run];
                match s[i + run..].windows(run).position(|w| w == fence) {
                    Some(p) => i += run + p + run - 1,
                    None => i += run - 1,
                }
            }
            _ => {}
        }
        i += 1;
    }
    if s.get(i + 1) != Some(&b'(') {
        return range;
    }
    let mut j = i + 2;
    while j < s.len() && s[j].is_ascii_whitespace() {
        j += 1;
    }
    let (start, end) = if s.get(j) == Some(&b'<') {
        let start = j + 1;
        let mut k = start;
        while k < s.len() && s[k] != b'>' {
            if s[k] == b'\\' {
                k += 1;
            }
            k += 1;
        }
        (start, k.min(s.len()))
    } else {
        let mut k = j;
        let mut parens = 0usize;
        while k < s.len() {
            match s[k] {
                b'\\' => k += 1,
                b'(' => parens += 1,
                b')' if parens == 0 => break,
                b')' => parens -= 1,
                c if c.is_ascii_whitespace() => break,
                _ => {}
            }
            k += 1;
        }
        (j, k.min(s.len()))
    };
    range.start + start..range.start + end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(item: &SummaryItem) -> (&str, Option<&str>, &[SummaryItem]) {
        match item {
            SummaryItem::Link {
                title,
                dest,
                children,
                ..
            } => (title, dest.as_deref(), children),
            other => panic!("not a link: {other:?}"),
        }
    }

    #[test]
    fn reads_title_entries_and_nesting_at_any_depth() {
        let text = "# Table of contents\n\n* [Intro](README.md)\n* [A](a/README.md)\n  * [A1](a/one.md)\n    * [A1x](a/one/x.md)\n* [B](b.md)\n";
        let s = parse_summary(text);
        assert_eq!(s.title.as_deref(), Some("Table of contents"));
        assert_eq!(s.items.len(), 3);
        let (t, d, kids) = link(&s.items[1]);
        assert_eq!((t, d), ("A", Some("a/README.md")));
        let (t, _, grand) = link(&kids[0]);
        assert_eq!(t, "A1");
        assert_eq!(link(&grand[0]).1, Some("a/one/x.md"));
        assert_eq!(s.links().len(), 5);
    }

    #[test]
    fn four_space_and_tab_indents_nest() {
        let s = parse_summary("- [A](a.md)\n    - [B](b.md)\n\t\t- [C](c.md)\n");
        let (_, _, kids) = link(&s.items[0]);
        assert_eq!(link(&kids[0]).0, "B");
        assert_eq!(link(&link(&kids[0]).2[0]).0, "C");
    }

    #[test]
    fn parts_and_separators_are_top_level_items() {
        let s = parse_summary("# TOC\n\n* [A](a.md)\n\n---\n\n## Part two\n\n* [B](b.md)\n");
        assert_eq!(s.items.len(), 4);
        assert_eq!(s.items[1], SummaryItem::Separator);
        match &s.items[2] {
            SummaryItem::Part { title, span } => {
                assert_eq!(title, "Part two");
                assert_eq!(
                    &"# TOC\n\n* [A](a.md)\n\n---\n\n## Part two\n"[span.clone()],
                    "## Part two"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn angle_bracket_destinations_keep_spaces_and_parentheses() {
        let text = "* [Odd](<dir/file with (1) spaces.md>)\n";
        let s = parse_summary(text);
        let SummaryItem::Link { dest, span, .. } = &s.items[0] else {
            panic!()
        };
        assert_eq!(dest.as_deref(), Some("dir/file with (1) spaces.md"));
        assert_eq!(&text[span.clone()], "dir/file with (1) spaces.md");
    }

    #[test]
    fn destination_span_points_at_the_path() {
        let text = "* [A **b**](a/b.md \"t\")\n";
        let SummaryItem::Link { span, .. } = &parse_summary(text).items[0] else {
            panic!()
        };
        assert_eq!(&text[span.clone()], "a/b.md");
    }

    #[test]
    fn percent_encoded_paths_are_decoded_but_fragments_kept() {
        let s = parse_summary("* [A](my%20page.md#sec%20x)\n");
        assert_eq!(link(&s.items[0]).1, Some("my page.md#sec%20x"));
    }

    #[test]
    fn entities_and_markup_leave_titles() {
        let s = parse_summary("* [**Bold**&#x20;and `code`&nbsp; <mark>x</mark>](a.md)\n");
        assert_eq!(link(&s.items[0]).0, "Bold and code x");
    }

    #[test]
    fn external_links_are_flagged() {
        let s = parse_summary("* [Out](https://example.org/x)\n* [In](in.md)\n");
        assert!(matches!(
            &s.items[0],
            SummaryItem::Link { external: true, .. }
        ));
        assert!(matches!(
            &s.items[1],
            SummaryItem::Link {
                external: false,
                ..
            }
        ));
    }

    #[test]
    fn entries_without_links_and_duplicates_are_kept() {
        let s = parse_summary("* Draft chapter\n  * [A](a.md)\n* [A again](a.md)\n* [Empty]()\n");
        let (t, d, kids) = link(&s.items[0]);
        assert_eq!((t, d), ("Draft chapter", None));
        assert_eq!(link(&kids[0]).1, Some("a.md"));
        assert_eq!(link(&s.items[1]).1, Some("a.md"));
        assert_eq!(link(&s.items[2]), ("Empty", None, &[][..]));
    }

    #[test]
    fn loose_links_outside_lists_are_entries() {
        let s = parse_summary("[Prefix](prefix.md)\n\n* [A](a.md)\n");
        assert_eq!(link(&s.items[0]).1, Some("prefix.md"));
        assert_eq!(s.items.len(), 2);
    }

    #[test]
    fn second_h1_is_a_part() {
        let s = parse_summary("# Title\n* [A](a.md)\n# More\n* [B](b.md)\n");
        assert_eq!(s.title.as_deref(), Some("Title"));
        assert!(matches!(&s.items[1], SummaryItem::Part { title, .. } if title == "More"));
    }

    #[test]
    fn first_h1_skips_front_matter_markup() {
        assert_eq!(
            first_h1("Intro\n\n# **Consent** &amp; more\n").as_deref(),
            Some("Consent & more")
        );
        assert_eq!(first_h1("## only h2\n"), None);
    }

    #[test]
    fn odd_input_never_panics_and_spans_stay_in_text() {
        let inputs = [
            "* [a `]` b](x.md)\n",
            "* [é ü](<ä ö.md>)\n* [x](<unclosed\n",
            "* [ref][r]\n\n[r]: target.md\n",
            "* <https://auto.link>\n",
            "* [[nested] brackets](n.md)\n",
            "* [a](b.md 'title') tail [second](c.md)\n",
            "*\n-\n* [](empty-text.md)\n",
            "> * [quoted](q.md)\n",
        ];
        for text in inputs {
            let s = parse_summary(text);
            for item in s.links() {
                let SummaryItem::Link { span, .. } = item else {
                    unreachable!()
                };
                assert!(
                    text.get(span.clone()).is_some(),
                    "{text:?}: bad span {span:?}"
                );
            }
        }
        let text = "* [a `]` b](x.md)\n* [[nested] brackets](n.md)\n";
        let s = parse_summary(text);
        let spans: Vec<&str> = s
            .links()
            .iter()
            .map(|l| match l {
                SummaryItem::Link { span, .. } => &text[span.clone()],
                _ => "",
            })
            .collect();
        assert_eq!(spans, ["x.md", "n.md"]);
        let dests: Vec<_> = s
            .links()
            .iter()
            .map(|l| match l {
                SummaryItem::Link { dest, .. } => dest.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(dests, [Some("x.md".to_string()), Some("n.md".to_string())]);
    }
}
