//! Drops the line breaks a page body carries between block elements.
//!
//! pulldown-cmark (and the dialect's components) end each block with a `\n`:
//! `</p>\n<h2>`, `</td>\n</tr>\n<tr>`. A browser lays those out as nothing
//! (white space next to a block box collapses away), yet on a corpus site they
//! are tens of kilobytes repeated in every page and again in the print view.
//! A `\n` goes only where the next tag is a block element; elsewhere it may be
//! the space between two words or inline elements, and it stays. The content
//! of `pre`, `textarea`, `script` and `style` is never touched.

/// Block elements a `\n` may stand before without meaning anything.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose text is kept byte for byte.
const VERBATIM: &[&str] = &["pre", "textarea", "script", "style"];

/// The lowercase tag name at `s` (just after `<` or `</`), when it is one of
/// `names` and ends there.
fn tag_at<'a>(s: &[u8], names: &[&'a str]) -> Option<&'a str> {
    names.iter().copied().find(|n| {
        s.len() > n.len()
            && s[..n.len()].eq_ignore_ascii_case(n.as_bytes())
            && matches!(s[n.len()], b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
    })
}

/// `html` without the `\n`s that stand right before a block element's
/// opening or closing tag, outside verbatim elements.
pub fn drop_block_newlines(html: &mut String) {
    let b = html.as_bytes();
    // Bytes are copied only around a dropped `\n`: `b[kept..]` is not
    // copied yet.
    let mut out: Vec<u8> = Vec::new();
    let mut kept = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'\n', b'<', &b[i..]) {
        let at = i + off;
        if b[at] == b'\n' {
            let next = &b[at + 1..];
            let name = next
                .strip_prefix(b"<")
                .map(|t| t.strip_prefix(b"/").unwrap_or(t));
            if name.is_some_and(|t| tag_at(t, BLOCK).is_some()) {
                if out.capacity() == 0 {
                    out.reserve(b.len());
                }
                out.extend_from_slice(&b[kept..at]);
                kept = at + 1;
            }
            i = at + 1;
            continue;
        }
        // An opening tag of a verbatim element: passed through its end tag.
        i = match verbatim_at(&b[at + 1..]) {
            Some(name) => find_close(&b[at..], name).map_or(b.len(), |e| at + e),
            None => at + 1,
        };
    }
    if kept == 0 {
        return;
    }
    out.extend_from_slice(&b[kept..]);
    // Only ASCII `\n`s were removed, so the bytes are still UTF-8.
    *html = String::from_utf8(out).expect("removing ASCII keeps UTF-8 valid");
}

/// [`tag_at`] for [`VERBATIM`], which all start with `p`, `s` or `t`: most
/// tags are told apart by their first letter.
fn verbatim_at(s: &[u8]) -> Option<&'static str> {
    match s.first()? | 0x20 {
        b'p' | b's' | b't' => tag_at(s, VERBATIM),
        _ => None,
    }
}

/// The offset just past `</name>` in `s` (ASCII case ignored).
fn find_close(s: &[u8], name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = memchr::memmem::find(&s[from..], b"</") {
        let at = from + off + 2;
        if tag_at(&s[at..], &[name]).is_some() {
            return memchr::memchr(b'>', &s[at..]).map(|e| at + e + 1);
        }
        from = at;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::drop_block_newlines as drop;
    use super::{find_close, tag_at, BLOCK, VERBATIM};

    /// The first version, which copied every byte up to each `<`: what the
    /// version copying only around dropped line breaks must give.
    fn by_copying(html: &mut String) {
        let b = html.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(b.len());
        let mut i = 0;
        while let Some(off) = memchr::memchr2(b'\n', b'<', &b[i..]) {
            let at = i + off;
            if b[at] == b'\n' {
                let next = &b[at + 1..];
                let name = next
                    .strip_prefix(b"<")
                    .map(|t| t.strip_prefix(b"/").unwrap_or(t));
                out.extend_from_slice(&b[i..at]);
                if name.is_none_or(|t| tag_at(t, BLOCK).is_none()) {
                    out.push(b'\n');
                }
                i = at + 1;
                continue;
            }
            // An opening tag of a verbatim element: copy through its end tag.
            match tag_at(&b[at + 1..], VERBATIM) {
                Some(name) => {
                    let end = find_close(&b[at..], name).map_or(b.len(), |e| at + e);
                    out.extend_from_slice(&b[i..end]);
                    i = end;
                }
                None => {
                    out.extend_from_slice(&b[i..=at]);
                    i = at + 1;
                }
            }
        }
        out.extend_from_slice(&b[i..]);
        // Only ASCII `\n`s were removed, so the bytes are still UTF-8.
        *html = String::from_utf8(out).expect("removing ASCII keeps UTF-8 valid");
    }

    #[test]
    fn copying_less_drops_the_same_line_breaks() {
        let pieces = [
            "\n",
            "<p>",
            "</p>",
            "<div class=x>",
            "</DIV>",
            "<pre>",
            "</pre>",
            "<PRE\n>",
            "<script>",
            "</script>",
            "<span>",
            "</span>",
            "<style>",
            "</style>",
            "<tr>",
            "</td>",
            "<textarea>",
            "<a href=\"#\">",
            "text",
            " ",
            "é",
            "<",
            "</",
            "<t",
            "<s",
        ];
        for text in crate::testing::random_texts(0x0bad_cafe_f00d_d00d, 20_000, 24, &pieces) {
            let (mut a, mut b) = (text.clone(), text.clone());
            drop(&mut a);
            by_copying(&mut b);
            assert_eq!(a, b, "{text:?}");
        }
    }

    fn compact(s: &str) -> String {
        let mut s = s.to_string();
        drop(&mut s);
        s
    }

    #[test]
    fn newlines_before_block_tags_go() {
        assert_eq!(
            compact("<h2 id=\"a\">A</h2>\n<p>x</p>\n<ul>\n<li>y</li>\n</ul>\n"),
            "<h2 id=\"a\">A</h2><p>x</p><ul><li>y</li></ul>\n"
        );
        assert_eq!(
            compact("<table>\n<thead><tr><th>a</th></tr></thead>\n<tbody>\n<tr><td>1</td></tr>\n</tbody>\n</table>"),
            "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
        );
        // Upper-case raw HTML and tags with attributes on a new line.
        assert_eq!(
            compact("a\n<DIV\nclass=x>b</DIV>"),
            "a<DIV\nclass=x>b</DIV>"
        );
    }

    #[test]
    fn inline_breaks_and_verbatim_text_stay() {
        // A soft break between words or inline elements is a space.
        let inline = "<p>one\ntwo <em>a</em>\n<code>b</code>\n<a href=x>c</a>\n<span>d</span></p>";
        assert_eq!(compact(inline), inline);
        // `<param>`, `<pic>`: names that only start like a block tag's.
        assert_eq!(compact("x\n<pic>\n<param>"), "x\n<pic>\n<param>");
        let pre = "<pre><code>fn a() {\n<p>not a tag\n</p>\n}\n</code></pre>\n<p>z</p>";
        assert_eq!(
            compact(pre),
            "<pre><code>fn a() {\n<p>not a tag\n</p>\n}\n</code></pre><p>z</p>"
        );
        let raw = "<textarea>\n<div>\n</textarea>\n<script>if (a\n<b) {}\n</script>";
        assert_eq!(compact(raw), raw);
        // An unclosed verbatim element keeps the rest as it is.
        assert_eq!(compact("<pre>a\n<p>b"), "<pre>a\n<p>b");
        assert_eq!(compact("é\n<p>ü</p>"), "é<p>ü</p>");
    }
}
