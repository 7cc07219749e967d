//! Suggestions and fixes, in one place for every rule: where a link was
//! probably meant to point, and the edits that make it point there. The rule
//! files (`broken_link`, `broken_anchor`, `missing_asset`, the glossary's
//! `term-variant`) call these; nothing here calls a rule.
//!
//! A fix is safe only when the target is certain (DESIGN.md §6): a
//! case-only difference, GitBook's `id-` prefix, the one page a renumbering
//! or the repository's `spec/` folder moved a link to. A guess among
//! several candidates is unsafe.

use crate::content::Page;
use crate::diag::{Fix, Safety};
use crate::markdown::Link;
use crate::resolve::{Resolver, Target};

/// `to` relative to the folder holding `from` (both root-relative files):
/// `rel_path("a/b/page.md", "a/c/x.png")` → `../c/x.png`.
pub fn rel_path(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let common = common.min(to_parts.len().saturating_sub(1));
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

/// Where a path written relative to the wrong folder points: the file it
/// names when read from the repository folder, the page root or a folder
/// above the page, and whether the path included the repository's page-root
/// folder (`spec/`), which makes the reading certain.
pub fn elsewhere<'a>(resolver: &'a Resolver, page: &Page, dest: &str) -> Option<(&'a str, bool)> {
    let site = resolver.site();
    let target = resolver.resolve_elsewhere(page.book, &page.file, dest)?;
    let file = match &target {
        Target::Page { page, .. } => site.pages.get(*page)?.file.as_str(),
        Target::Asset { file } => site
            .assets
            .iter()
            .find(|a| *a == file)
            .map(String::as_str)?,
        _ => return None,
    };
    let book = site.books.get(page.book)?;
    let root_name = crate::resolve::rel_to(&book.page_root, &book.repo_dir);
    let written = dest.trim_start_matches("./").trim_start_matches('/');
    let spec_prefix = !root_name.is_empty()
        && book.page_root != book.repo_dir
        && written.starts_with(&format!("{root_name}/"));
    Some((file, spec_prefix))
}

/// The suggestion and fix for a path written relative to the wrong folder
/// (see [`elsewhere`]): safe when the path included the repository's
/// page-root folder, unsafe otherwise. `None` when no other reading names anything.
pub fn wrong_folder(
    resolver: &Resolver,
    page: &Page,
    link: &Link,
) -> Option<(String, Option<Fix>)> {
    let (file, spec_prefix) = elsewhere(resolver, page, &link.dest)?;
    let fixed = dest_to(page, file, link);
    let book = resolver.site().books.get(page.book)?;
    let root_name = crate::resolve::rel_to(&book.page_root, &book.repo_dir);
    let (message, safety) = if spec_prefix {
        (
            format!("the path includes the repository's `{root_name}/` folder; from this page it is `{fixed}`"),
            Safety::Safe,
        )
    } else {
        (
            format!("the path is relative to another folder; from this page it is `{fixed}`"),
            Safety::Unsafe,
        )
    };
    let fix = replace_dest(&page.file, &page.source, link, &fixed, safety);
    Some((message, fix))
}

/// A file of the site whose path equals `path` ignoring ASCII case (links
/// that work on a case-insensitive disk but not once published).
pub fn case_variant<'a>(resolver: &'a Resolver, path: &str) -> Option<&'a str> {
    resolver.files().case_variant(path)
}

/// Encodes what a markdown destination cannot hold unescaped.
pub const DEST_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'(')
    .add(b')')
    .add(b'<')
    .add(b'>');

pub use crate::resolve::file_name;

/// A fix replacing `link`'s destination with `dest`, when the page file
/// holds the destination exactly as it was read (no entity or escape in it).
pub fn replace_dest(
    page_file: &str,
    source: &str,
    link: &Link,
    dest: &str,
    safety: Safety,
) -> Option<Fix> {
    (source.get(link.span.clone()) == Some(link.dest.as_str()) && dest != link.dest)
        .then(|| Fix::replace(safety, page_file, link.span.clone(), dest))
}

/// `dest` with its `#fragment` replaced by `fragment`.
pub fn with_fragment(dest: &str, fragment: &str) -> String {
    let base = dest.split_once('#').map_or(dest, |(b, _)| b);
    format!("{base}#{fragment}")
}

/// Encodes what an HTML attribute's URL path cannot hold: blanks, controls,
/// quotes and angle brackets. Parentheses are valid in a URL path.
const HTML_PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// The destination naming `file` from `page`, with `link`'s fragment kept,
/// spelled as the author would: see [`respell`].
pub fn dest_to(page: &Page, file: &str, link: &Link) -> String {
    let html = page
        .source
        .get(..link.span.start)
        .is_some_and(|before| before.ends_with(['"', '\'', '=']));
    respell(&rel_path(&page.file, file), &link.dest, html)
}

/// `rel` (a plain path) as a destination: a segment that the author's
/// `dest` already holds (the same name once percent-decoded) keeps the
/// author's spelling when that spelling is a valid path there; any other
/// segment is percent-encoded only where it must be (in an HTML attribute:
/// blanks, quotes, angle brackets, so `image (1).png` stays as it is; in a
/// markdown destination: blanks and parentheses too). `dest`'s `#fragment`
/// is kept.
pub fn respell(rel: &str, dest: &str, html: bool) -> String {
    let (path, frag) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let valid = |seg: &str| {
        !seg.chars()
            .any(|c| c.is_control() || matches!(c, ' ' | '"' | '<' | '>' | '`'))
            && (html || seg.matches('(').count() == seg.matches(')').count())
    };
    let set = if html { HTML_PATH_SET } else { DEST_SET };
    let mut fixed = rel
        .split('/')
        .map(|seg| {
            path.split('/')
                .find(|a| {
                    valid(a) && percent_encoding::percent_decode_str(a).decode_utf8_lossy() == seg
                })
                .map_or_else(
                    || percent_encoding::utf8_percent_encode(seg, set).to_string(),
                    str::to_string,
                )
        })
        .collect::<Vec<_>>()
        .join("/");
    if let Some(frag) = frag {
        fixed.push('#');
        fixed.push_str(frag);
    }
    fixed
}

/// A fix replacing the text at `span` of `file` with its upper-case form
/// (for a requirement level keyword written in lower case, which is certain).
pub fn to_upper_case(file: &str, source: &str, span: std::ops::Range<usize>) -> Option<Fix> {
    let text = source.get(span.clone())?;
    let upper = text.to_uppercase();
    (upper != text).then(|| Fix::replace(Safety::Safe, file, span, upper))
}

/// A fix replacing a discouraged variant at `span` with the canonical term:
/// safe in prose, unsafe in a heading (it would change the heading's anchor).
pub fn replace_variant(
    file: &str,
    source: &str,
    span: std::ops::Range<usize>,
    surface: &str,
    canonical: &str,
) -> Option<Fix> {
    if source.get(span.clone()) != Some(surface) || surface == canonical {
        return None;
    }
    let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line = source[line_start..].trim_start();
    let in_heading = line.starts_with('#')
        || source[line_start..span.start]
            .to_ascii_lowercase()
            .contains("<h");
    let safety = if in_heading {
        Safety::Unsafe
    } else {
        Safety::Safe
    };
    Some(Fix::replace(safety, file, span, canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_fix_is_unsafe_in_a_heading() {
        let src = "## The building-block\n\nA building-block here.\n";
        let h = src.find("building-block").unwrap();
        let p = src.rfind("building-block").unwrap();
        let f =
            replace_variant("a.md", src, h..h + 14, "building-block", "Building Block").unwrap();
        assert_eq!(f.safety, Safety::Unsafe);
        let f =
            replace_variant("a.md", src, p..p + 14, "building-block", "Building Block").unwrap();
        assert_eq!(f.safety, Safety::Safe);
        assert_eq!(f.edits[0].replacement, "Building Block");
    }

    #[test]
    fn upper_case_fix_for_level_keywords() {
        let src = "The system must log.";
        let at = src.find("must").unwrap();
        let f = to_upper_case("a.md", src, at..at + 4).unwrap();
        assert_eq!(
            (f.safety, f.edits[0].replacement.as_str()),
            (Safety::Safe, "MUST")
        );
        assert!(to_upper_case("a.md", "MUST", 0..4).is_none());
    }

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        assert_eq!(rel_path("a/b/page.md", "a/c/x.png"), "../c/x.png");
        assert_eq!(rel_path("a/page.md", "a/x.png"), "x.png");
        assert_eq!(rel_path("page.md", "a/x.png"), "a/x.png");
        assert_eq!(rel_path("a/b/page.md", "x.png"), "../../x.png");
    }

    #[test]
    fn respelled_paths_keep_valid_author_spelling() {
        // An HTML src: parentheses are valid in a URL path, blanks are not.
        assert_eq!(
            respell(
                ".gitbook/assets/image (1).png",
                "spec/.gitbook/assets/image (1).png",
                true
            ),
            ".gitbook/assets/image%20(1).png"
        );
        assert_eq!(
            respell(
                ".gitbook/assets/image (1).png",
                "spec/.gitbook/assets/image%20(1).png",
                true
            ),
            ".gitbook/assets/image%20(1).png"
        );
        assert_eq!(
            respell(
                ".gitbook/assets/chart(1).png",
                "spec/.gitbook/assets/chart(1).png",
                true
            ),
            ".gitbook/assets/chart(1).png"
        );
        // Markdown: the author's balanced parentheses stay; new ones are encoded.
        assert_eq!(
            respell("assets/chart(1).png", "spec/assets/chart(1).png", false),
            "assets/chart(1).png"
        );
        assert_eq!(
            respell("assets/Chart(1).png", "spec/assets/chart(1).png#x", false),
            "assets/Chart%281%29.png#x"
        );
        // A case fix takes the file's own name, encoded where it must be.
        assert_eq!(
            respell("../img/Logo Big.png", "../img/logo big.png", true),
            "../img/Logo%20Big.png"
        );
    }

    #[test]
    fn fragment_replaced_and_kept() {
        assert_eq!(with_fragment("a.md#Old", "old"), "a.md#old");
        assert_eq!(with_fragment("#x", "y"), "#y");
    }
}
