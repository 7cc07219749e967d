//! URL helpers shared by every stage: joining output paths and making
//! relative hrefs so the site works under any sub-path and from disk.

/// Joins an output prefix and a slug: `join_url("consent", "a/")` → `consent/a/`.
/// Both may be empty. The result has no leading `/`; a non-empty result that names
/// a folder ends in `/`.
pub fn join_url(prefix: &str, slug: &str) -> String {
    let prefix = prefix.trim_matches('/');
    match (prefix.is_empty(), slug.is_empty()) {
        (true, _) => slug.to_string(),
        (false, true) => format!("{prefix}/"),
        (false, false) => format!("{prefix}/{slug}"),
    }
}

/// Whether a link destination may become an `href` (`src` when `image`):
/// relative paths, fragments, and the schemes `http`, `https`, `mailto`,
/// `tel` and `term:`; an image may also be `data:image/…`. Anything else
/// (`javascript:`, `vbscript:`, `data:text/html`, `file:`…) is not
/// (DESIGN.md §6 `unsafe-link`). The scheme is read as a browser reads it:
/// tabs and line breaks inside ignored, leading and trailing spaces and
/// control characters trimmed, case ignored.
pub fn is_safe_link(dest: &str, image: bool) -> bool {
    let cleaned: String = dest
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    let before = &cleaned[..colon];
    if before.contains(['/', '?', '#']) {
        return true; // a colon in a path, query or fragment
    }
    let scheme = before.to_ascii_lowercase();
    match scheme.as_str() {
        "http" | "https" | "mailto" | "tel" | "term" => true,
        "data" => {
            image
                && cleaned[colon + 1..]
                    .to_ascii_lowercase()
                    .starts_with("image/")
        }
        _ => false,
    }
}

/// The `../` prefix leading from the folder of page URL `from` (e.g.
/// `consent/a/`) back to the site root: `../../`. The root page gives `""`.
pub fn rel_root(from: &str) -> String {
    let depth = from
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .count();
    let depth = if from.is_empty() || from.ends_with('/') {
        depth
    } else {
        depth.saturating_sub(1)
    };
    "../".repeat(depth)
}

/// A relative href from page URL `from` to site URL `to` (both root-relative,
/// folder URLs ending in `/`), optionally with a `#fragment`. With `offline`,
/// folder URLs name `index.html` so the site browses from `file://`.
pub fn href(from: &str, to: &str, fragment: Option<&str>, offline: bool) -> String {
    let mut s = relative_path(from, to, fragment.map_or(0, |f| f.len() + 1) + 10);
    if offline && (to.is_empty() || to.ends_with('/')) {
        s.push_str("index.html");
    }
    if s.is_empty() {
        s.push_str("./");
    }
    if let Some(f) = fragment {
        if s == "./" {
            s.clear();
        }
        s.push('#');
        s.push_str(f);
    }
    s
}

/// The path from page URL `from`'s folder to `to`, with `spare` bytes of
/// room for what [`href`] appends. The folders `from` lives in (empty
/// segments left out) and those of `to` are walked side by side: the shared
/// start is dropped, each folder of `from` beyond it is a `../`. No segment
/// list is built (pages and their links call this tens of thousands of
/// times a build).
fn relative_path(from: &str, to: &str, spare: usize) -> String {
    let from_base = from.rfind('/').map_or("", |i| &from[..i]);
    let (to_base, to_file) = match to.rfind('/') {
        Some(i) => (Some(&to[..i]), &to[i + 1..]),
        None => (None, to),
    };
    let mut from_dirs = from_base.split('/').filter(|s| !s.is_empty());
    let mut to_dirs = to_base.into_iter().flat_map(|b| b.split('/'));
    // Up to the first pair that differs: then each folder of `from` left
    // is a `../`, and the folders of `to` left are written out.
    let (ups, first_apart) = loop {
        match (from_dirs.next(), to_dirs.next()) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => break (usize::from(a.is_some()) + from_dirs.count(), b),
        }
    };
    let mut s = String::with_capacity(3 * ups + to.len() + spare);
    for _ in 0..ups {
        s.push_str("../");
    }
    for d in first_apart.into_iter().chain(to_dirs) {
        s.push_str(d);
        s.push('/');
    }
    s.push_str(to_file);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The segment-list form [`relative_path`] had before it walked the
    /// segments in place: the two must agree on every input.
    fn path_by_lists(from: &str, to: &str) -> String {
        let from_dir: Vec<&str> = {
            let mut v: Vec<&str> = from.split('/').collect();
            v.pop();
            v.into_iter().filter(|s| !s.is_empty()).collect()
        };
        let to_segs: Vec<&str> = to.split('/').collect();
        let (to_dirs, to_file) = to_segs.split_at(to_segs.len() - 1);
        let common = (from_dir.iter().zip(to_dirs.iter()))
            .take_while(|(a, b)| a == b)
            .count();
        let mut s = "../".repeat(from_dir.len() - common);
        for d in &to_dirs[common..] {
            s.push_str(d);
            s.push('/');
        }
        s.push_str(to_file[0]);
        s
    }

    #[test]
    fn relative_paths_agree_with_segment_lists() {
        let urls = [
            "",
            "a",
            "a/",
            "a/b",
            "a/b/",
            "a/b/c.html",
            "a//b/",
            "/x",
            "/",
            "//",
            "a/c/",
            "b/",
            "a/b/c/",
            "x/y/z/index.html",
            "a/b/d",
            "book/1.0/page/",
            "book/page/",
        ];
        for from in urls {
            for to in urls {
                assert_eq!(
                    relative_path(from, to, 0),
                    path_by_lists(from, to),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn only_listed_schemes_are_safe_links() {
        for ok in [
            "a.md",
            "#x",
            "../b/c.md#y",
            "https://x.org",
            "HTTP://x",
            "mailto:a@b",
            "tel:+1",
            "term:registry",
            "a/b:c",
            "?q=a:b",
            "//cdn.example/x",
        ] {
            assert!(is_safe_link(ok, false), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "java\tscript:x",
            "\u{1}javascript:x",
            "vbscript:x",
            "data:text/html,x",
            "file:///etc/passwd",
            "ftp://x",
        ] {
            assert!(!is_safe_link(bad, false), "{bad:?}");
        }
        assert!(is_safe_link("data:image/png;base64,AA", true));
        assert!(!is_safe_link("data:image/png;base64,AA", false));
        assert!(!is_safe_link("data:text/html,x", true));
    }

    #[test]
    fn relative_hrefs_between_pages() {
        assert_eq!(href("consent/a/", "consent/b/", None, false), "../b/");
        assert_eq!(href("consent/a/", "consent/a/", Some("x"), false), "#x");
        assert_eq!(href("consent/a/", "other/", None, false), "../../other/");
        assert_eq!(href("consent/", "consent/x.png", None, false), "x.png");
        assert_eq!(href("", "consent/", Some("x"), false), "consent/#x");
        assert_eq!(href("consent/", "", None, true), "../index.html");
        assert_eq!(href("", "", None, false), "./");
        assert_eq!(rel_root("404.html"), "");
        assert_eq!(join_url("consent", ""), "consent/");
    }
}
