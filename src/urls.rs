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

/// The `../` prefix leading from the folder of page URL `from` (e.g.
/// `consent/a/`) back to the site root: `../../`. The root page gives `""`.
pub fn rel_root(from: &str) -> String {
    let depth = from.trim_end_matches('/').split('/').filter(|s| !s.is_empty()).count();
    let depth = if from.is_empty() || from.ends_with('/') { depth } else { depth.saturating_sub(1) };
    "../".repeat(depth)
}

/// A relative href from page URL `from` to site URL `to` (both root-relative,
/// folder URLs ending in `/`), optionally with a `#fragment`. With `offline`,
/// folder URLs name `index.html` so the site browses from `file://`.
pub fn href(from: &str, to: &str, fragment: Option<&str>, offline: bool) -> String {
    let mut s = rel_root(from);
    s.push_str(to);
    if offline && (to.is_empty() || to.ends_with('/')) {
        s.push_str("index.html");
    }
    if s.is_empty() {
        s.push_str("./");
    }
    if let Some(f) = fragment {
        s.push('#');
        s.push_str(f);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hrefs_between_pages() {
        assert_eq!(href("consent/a/", "consent/b/", None, false), "../../consent/b/");
        assert_eq!(href("", "consent/", Some("x"), false), "consent/#x");
        assert_eq!(href("consent/", "", None, true), "../index.html");
        assert_eq!(href("", "", None, false), "./");
        assert_eq!(rel_root("404.html"), "");
        assert_eq!(join_url("consent", ""), "consent/");
    }
}
