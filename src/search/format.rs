//! Output of `specsite search`: JSON (DESIGN.md §7) and human text.

use super::cli::Hit;
use serde::Serialize;

#[derive(Serialize)]
struct JsonHit<'a> {
    kind: &'static str,
    title: &'a str,
    book: &'a str,
    url: &'a str,
    snippet: &'a str,
    score: f32,
}

#[derive(Serialize)]
struct JsonResults<'a> {
    results: Vec<JsonHit<'a>>,
}

/// `{"results": [{"kind","title","book","url","snippet","score"}]}`, pretty-printed.
pub fn format_json(hits: &[Hit]) -> String {
    let results = hits
        .iter()
        .map(|h| JsonHit {
            kind: h.kind.as_str(),
            title: &h.title,
            book: &h.book,
            url: &h.url,
            snippet: &h.snippet,
            score: h.score,
        })
        .collect();
    let mut s =
        serde_json::to_string_pretty(&JsonResults { results }).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// Human text: per hit a numbered title line with kind and book, the page
/// path and URL, and the snippet. With `color`, titles are bold and matched
/// words highlighted (ANSI); without it the text is plain.
pub fn format_human(hits: &[Hit], color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for (i, h) in hits.iter().enumerate() {
        let place = match (h.kind, h.book_title.is_empty()) {
            (super::DocKind::Term, true) => "term, common glossary".to_string(),
            (super::DocKind::Term, false) => format!("term, {}", h.book_title),
            (super::DocKind::Requirement, _) => format!("requirement, {}", h.book_title),
            (_, true) => h.book.clone(),
            (_, false) => h.book_title.clone(),
        };
        out.push_str(&format!(
            "{:>2}. {}  {}\n",
            i + 1,
            paint(BOLD, &h.title),
            paint(DIM, &format!("[{place}]"))
        ));
        if !h.heading_path.is_empty() && h.kind == super::DocKind::Section {
            out.push_str(&format!("    {}\n", h.heading_path));
        }
        out.push_str(&format!("    {}\n", paint(CYAN, &h.url)));
        let snippet = highlight(&h.snippet, &h.highlights, color);
        if !snippet.is_empty() {
            out.push_str(&format!("    {snippet}\n"));
        }
        out.push('\n');
    }
    out
}

fn highlight(s: &str, ranges: &[std::ops::Range<usize>], color: bool) -> String {
    let one_line: String = s
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    if !color {
        return one_line;
    }
    let mut out = String::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > one_line.len()
            || !one_line.is_char_boundary(r.start)
            || !one_line.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&one_line[at..r.start]);
        out.push_str(MATCH);
        out.push_str(&one_line[r.clone()]);
        out.push_str(RESET);
        at = r.end;
    }
    out.push_str(&one_line[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::DocKind;

    fn hit() -> Hit {
        Hit {
            kind: DocKind::Term,
            title: "Registry".into(),
            book: String::new(),
            book_title: String::new(),
            heading_path: String::new(),
            url: "glossary/registry/".into(),
            snippet: "A registry of\nthings".into(),
            score: 2.5,
            highlights: std::iter::once(2..10).collect(),
        }
    }

    #[test]
    fn json_has_the_documented_fields_only() {
        let v: serde_json::Value = serde_json::from_str(&format_json(&[hit()])).unwrap();
        let r = &v["results"][0];
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            vec!["book", "kind", "score", "snippet", "title", "url"]
        );
        assert_eq!(r["kind"], "term");
        assert_eq!(r["score"], 2.5);
    }

    #[test]
    fn human_output_is_plain_without_color() {
        let s = format_human(&[hit()], false);
        assert!(!s.contains('\x1b'));
        assert!(s.contains(" 1. Registry  [term, common glossary]"));
        assert!(s.contains("A registry of things"));
    }

    #[test]
    fn human_output_highlights_matches_with_color() {
        let s = format_human(&[hit()], true);
        assert!(s.contains("\x1b[1;33mregistry\x1b[0m"), "{s:?}");
    }
}
