//! Build-time syntax highlighting for code blocks.
//!
//! syntect turns code into `<span class="hl-…">` runs (class-based, so one
//! stylesheet serves a light and a dark palette: [`highlight_css`]). The
//! default syntax set is loaded lazily, once per process, on the first block
//! that needs it; [`preload`] lets a build start that work on another thread.
//!
//! The caller wraps the result: `<pre class="hl-code"><code class="language-x">…</code></pre>`
//! (`hl-code` carries the palette's background and foreground).
//!
//! Speed: syntect with its pure-Rust regex engine manages a few MB/s at best
//! and far less on deeply nested JSON, so blocks longer than
//! [`MAX_HIGHLIGHT_BYTES`] are escaped as plain text instead.

use std::sync::OnceLock;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Blocks larger than this many bytes are not highlighted, only escaped.
pub const MAX_HIGHLIGHT_BYTES: usize = 16 * 1024;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Loads the syntax definitions now (they are otherwise loaded on first use).
/// Call it from a background thread at the start of a build.
pub fn preload() {
    let _ = syntax_set();
}

/// Maps the info-string language of a fence to a syntect syntax. Aliases that
/// syntect's token lookup misses are translated first.
fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let lang = lang.trim().to_ascii_lowercase();
    let token = match lang.as_str() {
        "" | "text" | "plain" | "plaintext" | "txt" | "mermaid" | "plant-uml" | "plantuml" => {
            return None
        }
        "shell" | "console" | "zsh" => "bash",
        "jsonc" | "json5" | "jsonld" | "json-ld" => "json",
        "yml" => "yaml",
        "py" => "python",
        "golang" => "go",
        "rb" => "ruby",
        "c++" => "cpp",
        "c#" | "csharp" => "cs",
        "html5" | "xhtml" => "html",
        "ts" | "typescript" | "jsx" | "tsx" | "node" | "nodejs" => "js",
        other => other,
    };
    syntax_set().find_syntax_by_token(token)
}

/// Renders `code` as highlighted HTML (the inside of `<pre><code>`), escaped.
/// Unknown languages, and blocks above [`MAX_HIGHLIGHT_BYTES`], are escaped
/// plain text.
pub fn highlight(lang: &str, code: &str) -> String {
    if matches!(
        lang.trim().to_ascii_lowercase().as_str(),
        "json" | "jsonc" | "json5" | "jsonld" | "json-ld"
    ) {
        return highlight_json(code);
    }
    if code.len() > MAX_HIGHLIGHT_BYTES {
        return escape_text(code);
    }
    let Some(syntax) = find_syntax(lang) else {
        return escape_text(code);
    };
    let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, syntax_set(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if gen
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            // A syntax definition that fails on odd input: fall back, never panic.
            return escape_text(code);
        }
    }
    gen.finalize()
}

/// JSON, the corpus's most common code by far, gets a linear-time tokenizer
/// of its own: syntect's JSON grammar is slow and wraps every token in five
/// nested spans. The classes are the ones the theme CSS colours for any
/// language (`hl-string`, `hl-constant hl-numeric`…), plus `hl-key` on
/// object keys. Invalid JSON is still escaped faithfully.
fn highlight_json(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    let bytes = code.as_bytes();
    let mut i = 0;
    let mut plain_start = 0;
    let flush = |out: &mut String, from: usize, to: usize| {
        if from < to {
            let _ = pulldown_cmark_escape::escape_html_body_text(&mut *out, &code[from..to]);
        }
    };
    while i < bytes.len() {
        let (end, class) = match bytes[i] {
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(bytes.len());
                let rest = code[end..].trim_start();
                (
                    end,
                    if rest.starts_with(':') {
                        "hl-string hl-key"
                    } else {
                        "hl-string"
                    },
                )
            }
            b'-' | b'0'..=b'9' if i == 0 || !bytes[i - 1].is_ascii_alphanumeric() => {
                let mut j = i + 1;
                while j < bytes.len()
                    && (bytes[j].is_ascii_digit()
                        || matches!(bytes[j], b'.' | b'e' | b'E' | b'+' | b'-'))
                {
                    j += 1;
                }
                if j == i + 1 && bytes[i] == b'-' {
                    i += 1;
                    continue;
                }
                (j, "hl-constant hl-numeric")
            }
            b't' | b'f' | b'n' if i == 0 || !bytes[i - 1].is_ascii_alphanumeric() => {
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| code[i..].starts_with(w));
                match word {
                    Some(w)
                        if !bytes
                            .get(i + w.len())
                            .is_some_and(|b| b.is_ascii_alphanumeric()) =>
                    {
                        (i + w.len(), "hl-constant hl-language")
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => (
                code[i..].find('\n').map_or(bytes.len(), |n| i + n),
                "hl-comment",
            ),
            _ => {
                i += 1;
                continue;
            }
        };
        flush(&mut out, plain_start, i);
        out.push_str("<span class=\"");
        out.push_str(class);
        out.push_str("\">");
        flush(&mut out, i, end);
        out.push_str("</span>");
        i = end;
        plain_start = end;
    }
    flush(&mut out, plain_start, bytes.len());
    out
}

/// Whether `lang` names a language the highlighter knows.
pub fn is_known_language(lang: &str) -> bool {
    find_syntax(lang).is_some()
}

/// The stylesheet for highlighted code: a light palette by default and a dark
/// one under `[data-theme=dark]`, or when the system prefers dark and the
/// page has not chosen light.
pub fn highlight_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let mut out =
        String::from("/* Code highlighting: generated by specsite from syntect themes. */\n");
    let light = themes
        .themes
        .get(LIGHT_THEME)
        .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok());
    let dark = themes
        .themes
        .get(DARK_THEME)
        .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok());
    if let Some(light) = light {
        out.push_str(&format!("/* light: {LIGHT_THEME} */\n"));
        out.push_str(&strip_comments(&light));
    }
    if let Some(dark) = dark {
        let dark = strip_comments(&dark);
        out.push_str(&format!("/* dark: {DARK_THEME} */\n"));
        out.push_str(&prefix_selectors(&dark, "[data-theme=dark]"));
        out.push_str("@media (prefers-color-scheme: dark) {\n");
        out.push_str(&prefix_selectors(&dark, ":root:not([data-theme=light])"));
        out.push_str("}\n");
    }
    out
}

/// Removes `/* … */` comments from syntect's CSS.
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.trim_start().to_string()
}

/// Prefixes every selector of every rule in flat CSS (no nested blocks) with
/// `scope` and a descendant combinator.
fn prefix_selectors(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let selectors = rest[..open].trim();
        let body = &rest[open..open + close + 1];
        let prefixed: Vec<String> = selectors
            .split(',')
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| format!("{scope} {s}"))
            .collect();
        out.push_str(&prefixed.join(", "));
        out.push(' ');
        out.push_str(body);
        out.push('\n');
        rest = &rest[open + close + 1..];
    }
    out
}

/// HTML-escapes text that stands between tags (`&`, `<`, `>`): quotes need
/// no escaping there, and code (JSON above all) is full of them.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, s);
    out
}

/// HTML-escapes `s` (`&`, `<`, `>`, `"`, `'`).
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_yaml_with_prefixed_classes() {
        let html = highlight("yaml", "a: \"x\"\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("hl-string"), "{html}");
        assert!(!html.contains("<script"));
    }

    #[test]
    fn json_gets_compact_token_classes() {
        let html = highlight(
            "json",
            "{\"k\": [1, -2.5e3, true, null, \"a<b\\\"\"]} // note\n",
        );
        assert_eq!(
            html,
            "{<span class=\"hl-string hl-key\">\"k\"</span>: [<span class=\"hl-constant hl-numeric\">1</span>, \
             <span class=\"hl-constant hl-numeric\">-2.5e3</span>, <span class=\"hl-constant hl-language\">true</span>, \
             <span class=\"hl-constant hl-language\">null</span>, <span class=\"hl-string\">\"a&lt;b\\\"\"</span>]} \
             <span class=\"hl-comment\">// note</span>\n"
        );
        // Broken JSON is escaped, never dropped.
        assert_eq!(
            highlight("json", "\"open <x"),
            "<span class=\"hl-string\">\"open &lt;x</span>"
        );
        assert_eq!(highlight("json", "nullable - x"), "nullable - x");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        assert_eq!(highlight("mermaid", "a --> <b>\n"), "a --&gt; &lt;b&gt;\n");
        assert_eq!(highlight("no-such-language", "x & y"), "x &amp; y");
    }

    #[test]
    fn highlighted_code_is_escaped() {
        let html = highlight("html", "<script>alert(1)</script>\n");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }

    #[test]
    fn oversized_blocks_are_not_highlighted() {
        let code = "k: 1\n".repeat(MAX_HIGHLIGHT_BYTES / 4);
        let html = highlight("yaml", &code);
        assert!(!html.contains("<span"));
    }

    #[test]
    fn aliases_resolve_to_known_syntaxes() {
        assert!(is_known_language("yml"));
        assert!(is_known_language("shell"));
        assert!(is_known_language("JSON"));
        assert!(!is_known_language("mermaid"));
    }

    #[test]
    fn css_has_light_and_dark_palettes() {
        let css = highlight_css();
        assert!(css.contains(".hl-code {"), "{css}");
        assert!(css.contains("[data-theme=dark] .hl-code {"));
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
        assert!(css.contains(":root:not([data-theme=light]) .hl-code {"));
        assert!(!css.contains("generated by syntect"));
        // Every rule of the dark palette is scoped.
        let dark = &css[css.find("/* dark").unwrap()..];
        for rule in dark
            .lines()
            .filter(|l| l.contains('{') && !l.starts_with("@media"))
        {
            assert!(
                rule.starts_with("[data-theme=dark]") || rule.starts_with(":root:not"),
                "{rule}"
            );
        }
    }
}
