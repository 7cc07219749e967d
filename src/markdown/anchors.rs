//! GitBook-compatible heading anchors (DESIGN.md §3).
//!
//! GitBook slugs a heading's text: lowercase; spaces and `/` become `-`;
//! other punctuation except `.`, `-` and `_` is dropped; runs of `-` collapse;
//! leading and trailing `-` go. Markup and entities are ignored (callers pass
//! plain text with entities decoded). A heading that starts with a digit gets
//! GitBook's current form `id-<slug>` as its id, and the older `<slug>` as a
//! second anchor, so links written against either version keep working.
//! Repeated ids on one page get `-1`, `-2`, … in document order.

use rustc_hash::FxHashSet as HashSet;

/// The GitBook slug of `text` (without the `id-` prefix rule).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_dash = true; // suppress leading dashes
    for c in text.chars() {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            for l in c.to_lowercase() {
                out.push(l);
            }
            last_dash = false;
        } else if (c.is_whitespace() || c == '/' || c == '-' || c == '\u{2013}' || c == '\u{2014}')
            && !last_dash
        {
            out.push('-');
            last_dash = true;
        }
        // Any other character (punctuation, symbols, zero-width) is dropped.
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// GitBook cuts a heading's slug to this many characters in its ids.
const GITBOOK_MAX_SLUG: usize = 100;

/// The ids a heading answers to: (id written on the element, alternative ids).
/// A slug longer than GitBook's limit also answers to GitBook's cut form
/// (100 characters, trailing `-` and `.` removed), which published links use.
pub fn heading_ids(text: &str) -> (String, Vec<String>) {
    let slug = slugify(text);
    let cut = (slug.chars().count() > GITBOOK_MAX_SLUG).then(|| {
        let t: String = slug.chars().take(GITBOOK_MAX_SLUG).collect();
        t.trim_end_matches(['-', '.']).to_string()
    });
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        let mut alt = vec![slug.clone()];
        alt.extend(cut.map(|c| format!("id-{c}")));
        (format!("id-{slug}"), alt)
    } else {
        (slug, cut.into_iter().collect())
    }
}

/// Hands out unique ids within one page.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: HashSet<String>,
}

impl IdAllocator {
    /// Marks an explicit id (from `<a id>`) as taken.
    pub fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// Returns `base`, or `base-1`, `base-2`… when already used. An empty
    /// base (a heading with no letters) becomes `section`.
    pub fn allocate(&mut self, base: &str) -> String {
        let base = if base.is_empty() || base == "id-" {
            "section"
        } else {
            base
        };
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let mut n = 1;
        loop {
            let candidate = format!("{base}-{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_gitbook() {
        assert_eq!(
            slugify("Key Digital Functionalities"),
            "key-digital-functionalities"
        );
        assert_eq!(slugify("Input / Output"), "input-output");
        assert_eq!(slugify("What's new?  (2024)"), "whats-new-2024");
        assert_eq!(
            slugify("4.15 Bulk Payment Service "),
            "4.15-bulk-payment-service"
        );
        assert_eq!(slugify("Über Größe"), "über-größe");
        assert_eq!(slugify("a -- b"), "a-b");
    }

    #[test]
    fn digit_headings_get_both_forms() {
        let (id, alt) = heading_ids("4.15 Bulk Payment Service");
        assert_eq!(id, "id-4.15-bulk-payment-service");
        assert_eq!(alt, vec!["4.15-bulk-payment-service".to_string()]);
        assert_eq!(heading_ids("Scope").0, "scope");
    }

    #[test]
    fn long_headings_also_answer_to_gitbooks_cut_id() {
        let text = format!("7 {} end", "word ".repeat(30));
        let (id, alt) = heading_ids(&text);
        assert!(id.ends_with("-end"));
        assert_eq!(alt.last(), Some(&format!("id-7-{}wor", "word-".repeat(19))));
        // A cut that ends on punctuation drops it, as GitBook does.
        let (_, alt) = heading_ids(&format!("{} 5.9", "x".repeat(97)));
        assert_eq!(alt.last(), Some(&format!("{}-5", "x".repeat(97))));
    }

    #[test]
    fn duplicates_get_numbered() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.allocate("intro"), "intro");
        assert_eq!(ids.allocate("intro"), "intro-1");
        assert_eq!(ids.allocate("intro"), "intro-2");
        ids.reserve("x");
        assert_eq!(ids.allocate("x"), "x-1");
    }
}
