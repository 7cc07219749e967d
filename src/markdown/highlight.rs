//! Build-time syntax highlighting for code blocks.
//!
//! TODO(dialect): implement with syntect.

/// Renders `code` as highlighted HTML (the inside of `<pre><code>`), escaped.
/// Unknown languages are escaped plain text.
pub fn highlight(_lang: &str, code: &str) -> String {
    pulldown_cmark_escape_html(code)
}

fn pulldown_cmark_escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}
