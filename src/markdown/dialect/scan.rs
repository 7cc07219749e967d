//! Finding `{% tag attrs %}` in page text, outside code.
//!
//! A line-based approximation of CommonMark's block structure, just precise
//! enough to know where code is: fenced blocks (at any indentation, also
//! inside list items and block quotes), indented code blocks (four columns
//! past the innermost list item's content column, after a blank line), and
//! code spans within a line. A tag never spans lines.

use std::ops::Range;

/// One `{% … %}` tag found outside code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    /// Tag name as written, e.g. `hint`, `endhint`, `openapi-operation`.
    pub name: &'a str,
    /// Attributes in order; positional words have an empty key.
    pub attrs: Vec<Attr<'a>>,
    /// Byte range of the whole tag in the scanned text.
    pub range: Range<usize>,
    /// Byte offset of the start of the tag's line.
    pub line_start: usize,
    /// Byte offset just past the line's content (before `\n`).
    pub line_end: usize,
    /// Length of the line's container prefix: leading whitespace and `>` markers.
    pub prefix_len: usize,
}

/// One attribute of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr<'a> {
    /// Key (`style`, `src`…); empty for a bare word.
    pub key: &'a str,
    /// Raw value, quotes removed, not decoded.
    pub value: &'a str,
    /// Byte range of the value (inside the quotes) in the scanned text.
    pub span: Range<usize>,
}

impl<'a> Tag<'a> {
    /// The raw value of attribute `key` (case-insensitive).
    pub fn attr(&self, key: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.key.eq_ignore_ascii_case(key))
    }

    /// The value of `key`, HTML entities decoded.
    pub fn value(&self, key: &str) -> Option<String> {
        self.attr(key).map(|a| decode_entities(a.value))
    }
}

/// Scans `text` for tags outside code.
pub(crate) fn scan_tags(text: &str) -> Vec<Tag<'_>> {
    let mut tags = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut lists: Vec<usize> = Vec::new();
    let mut prev_blank = true;
    let mut in_indented_code = false;
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let next = line_end + 1;
        let (prefix_len, indent) = container_prefix(line);
        let rest = &line[prefix_len..];
        let trimmed = rest.trim_end();

        if let Some((ch, len)) = fence {
            if is_fence_close(trimmed, ch, len) {
                fence = None;
            }
            prev_blank = false;
            line_start = next;
            continue;
        }
        if trimmed.is_empty() {
            prev_blank = true;
            line_start = next;
            continue;
        }
        if let Some(open) = fence_open(trimmed) {
            fence = Some(open);
            prev_blank = false;
            in_indented_code = false;
            line_start = next;
            continue;
        }
        if let Some(content_col) = list_marker(rest, indent) {
            while lists.last().is_some_and(|&c| c > indent) {
                lists.pop();
            }
            lists.push(content_col);
            in_indented_code = false;
        } else {
            if prev_blank {
                while lists.last().is_some_and(|&c| c > indent) {
                    lists.pop();
                }
            }
            let base = lists.last().copied().unwrap_or(0);
            if indent >= base + 4 && (prev_blank || in_indented_code) {
                in_indented_code = true;
                prev_blank = false;
                line_start = next;
                continue;
            }
            in_indented_code = false;
        }
        prev_blank = false;
        scan_line(text, line_start, line_end, prefix_len, &mut tags);
        line_start = next;
    }
    tags
}

/// Finds tags in one line, skipping code spans and backslash escapes.
fn scan_line<'a>(
    text: &'a str,
    line_start: usize,
    line_end: usize,
    prefix_len: usize,
    tags: &mut Vec<Tag<'a>>,
) {
    let bytes = text.as_bytes();
    let mut i = line_start;
    while i < line_end {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                let run = count_run(&bytes[i..line_end], b'`');
                i = match find_closing_run(&bytes[i + run..line_end], run) {
                    Some(end) => i + run + end,
                    None => i + run,
                };
            }
            b'{' if bytes.get(i + 1) == Some(&b'%') => {
                let Some(close) = text[i + 2..line_end].find("%}") else {
                    i += 2;
                    continue;
                };
                let end = i + 2 + close + 2;
                tags.push(parse_tag(text, i..end, line_start, line_end, prefix_len));
                i = end;
            }
            _ => i += 1,
        }
    }
}

fn count_run(bytes: &[u8], b: u8) -> usize {
    bytes.iter().take_while(|&&c| c == b).count()
}

/// Offset just past a run of exactly `run` backticks in `bytes`.
fn find_closing_run(bytes: &[u8], run: usize) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let n = count_run(&bytes[i..], b'`');
            if n == run {
                return Some(i + n);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

fn parse_tag(
    text: &str,
    range: Range<usize>,
    line_start: usize,
    line_end: usize,
    prefix_len: usize,
) -> Tag<'_> {
    // Inner text without `{%`/`%}` and Liquid's `-` whitespace control.
    let mut start = range.start + 2;
    let mut end = range.end - 2;
    if text[start..end].starts_with('-') {
        start += 1;
    }
    if end > start && text[start..end].ends_with('-') {
        end -= 1;
    }
    let inner = &text[start..end];
    let lead = inner.len() - inner.trim_start().len();
    let name_start = start + lead;
    let name_len = text[name_start..end]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .count();
    let name = &text[name_start..name_start + name_len];
    let attrs = parse_attrs(text, name_start + name_len, end);
    Tag {
        name,
        attrs,
        range,
        line_start,
        line_end,
        prefix_len,
    }
}

/// Parses `key="v"`, `key='v'`, `key=v` and bare words in `text[from..to]`.
fn parse_attrs(text: &str, from: usize, to: usize) -> Vec<Attr<'_>> {
    let bytes = text.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    let skip_ws = |mut i: usize| {
        while i < to && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_ws(i);
        if i >= to {
            break;
        }
        let word_start = i;
        if bytes[i] == b'"' || bytes[i] == b'\'' {
            let (span, next) = quoted(text, i, to);
            attrs.push(Attr {
                key: "",
                value: &text[span.clone()],
                span,
            });
            i = next;
            continue;
        }
        while i < to && !bytes[i].is_ascii_whitespace() && bytes[i] != b'=' {
            i += 1;
        }
        let key = &text[word_start..i];
        let j = skip_ws(i);
        if j < to && bytes[j] == b'=' {
            let v = skip_ws(j + 1);
            if v < to && (bytes[v] == b'"' || bytes[v] == b'\'') {
                let (span, next) = quoted(text, v, to);
                attrs.push(Attr {
                    key,
                    value: &text[span.clone()],
                    span,
                });
                i = next;
            } else {
                let mut e = v;
                while e < to && !bytes[e].is_ascii_whitespace() {
                    e += 1;
                }
                attrs.push(Attr {
                    key,
                    value: &text[v..e],
                    span: v..e,
                });
                i = e;
            }
        } else {
            attrs.push(Attr {
                key: "",
                value: key,
                span: word_start..i,
            });
        }
    }
    attrs
}

/// The span inside the quotes starting at `at`, and the offset after the
/// closing quote (or `to` when it is missing).
fn quoted(text: &str, at: usize, to: usize) -> (Range<usize>, usize) {
    let q = text.as_bytes()[at];
    let start = at + 1;
    match text[start..to].bytes().position(|b| b == q) {
        Some(p) => (start..start + p, start + p + 1),
        None => (start..to, to),
    }
}

/// Length of the leading whitespace/`>` prefix, and the whitespace columns
/// after the last `>` (tabs count to the next multiple of 4).
pub(crate) fn container_prefix(line: &str) -> (usize, usize) {
    let mut len = 0;
    let mut col = 0;
    for b in line.bytes() {
        match b {
            b' ' => col += 1,
            b'\t' => col += 4 - col % 4,
            b'>' => col = 0,
            _ => break,
        }
        len += 1;
    }
    (len, col)
}

/// `Some((char, length))` when the line opens a code fence.
pub(crate) fn fence_open(trimmed: &str) -> Option<(u8, usize)> {
    let b = *trimmed.as_bytes().first()?;
    if b != b'`' && b != b'~' {
        return None;
    }
    let n = count_run(trimmed.as_bytes(), b);
    if n < 3 || (b == b'`' && trimmed[n..].contains('`')) {
        return None;
    }
    Some((b, n))
}

fn is_fence_close(trimmed: &str, ch: u8, len: usize) -> bool {
    let t = trimmed.trim_start();
    let n = count_run(t.as_bytes(), ch);
    n >= len && t[n..].trim().is_empty()
}

/// The content column of a list item starting this line, if it does.
fn list_marker(rest: &str, indent: usize) -> Option<usize> {
    let bytes = rest.as_bytes();
    let marker_len = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(bytes.get(digits), Some(b'.') | Some(b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    let after = &rest[marker_len..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let spaces = after.bytes().take_while(|b| *b == b' ').count();
    let spaces = if spaces == 0 || spaces > 4 || after.trim().is_empty() {
        1
    } else {
        spaces
    };
    Some(indent + marker_len + spaces)
}

/// Decodes the HTML entities that appear in GitBook attribute values:
/// numeric ones (`&#x20;`, `&#39;`) and the common named ones.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &tail[1..semi];
            let ch = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
            {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    _ => None,
                }
            };
            ch.map(|c| (c, semi + 1))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        scan_tags(text).into_iter().map(|t| t.name).collect()
    }

    #[test]
    fn finds_tags_with_attributes() {
        let text = "a\n{% hint style=\"info\" %}\nx\n{% endhint %}\n";
        let tags = scan_tags(text);
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0].name, "hint");
        assert_eq!(tags[0].value("style").as_deref(), Some("info"));
        assert_eq!(&text[tags[0].attr("style").unwrap().span.clone()], "info");
        assert_eq!(&text[tags[0].range.clone()], "{% hint style=\"info\" %}");
        assert_eq!(tags[1].name, "endhint");
    }

    #[test]
    fn ignores_tags_in_fenced_code_and_code_spans() {
        let text = "```\n{% hint %}\n```\n\n`{% hint %}` and ``{% x %}``\n\n   ~~~md\n   {% tabs %}\n   ~~~\n{% tabs %}\n";
        assert_eq!(names(text), vec!["tabs"]);
    }

    #[test]
    fn ignores_tags_in_indented_code_but_not_in_list_items() {
        let text = "para\n\n    {% hint %}\n\n1. item\n\n    {% hint style=\"info\" %}\n    text\n    {% endhint %}\n";
        assert_eq!(names(text), vec!["hint", "endhint"]);
        assert_eq!(scan_tags(text)[0].prefix_len, 4);
    }

    #[test]
    fn parses_single_quoted_unquoted_and_bare_attributes() {
        let text = "{% tab title='A b' lineNumbers=true bare \"pos\" %}";
        let t = &scan_tags(text)[0];
        assert_eq!(t.value("title").as_deref(), Some("A b"));
        assert_eq!(t.value("linenumbers").as_deref(), Some("true"));
        assert_eq!(t.attrs[2].value, "bare");
        assert_eq!(t.attrs[3].value, "pos");
    }

    #[test]
    fn liquid_whitespace_control_is_accepted() {
        assert_eq!(names("{%- hint style=\"info\" -%}"), vec!["hint"]);
    }

    #[test]
    fn decodes_entities_in_values() {
        assert_eq!(
            decode_entities("A&#x20;&amp;&#66;&bogus; &"),
            "A &B&bogus; &"
        );
    }
}
