//! `broken-anchor`: a `#fragment` that matches no heading or explicit id on
//! the target page (see [`Rule::BrokenAnchor`]).
//!
//! Fragments compare exactly (case included) after percent-decoding, as
//! browsers do. The suggestion, in order of preference:
//! 1. the fragment with or without GitBook's `id-` prefix (GitBook ids for
//!    headings that start with a digit gained it at some point, so old links
//!    lack it);
//! 2. an anchor that differs only in case;
//! 3. the closest anchor on the target page by edit distance, when it is
//!    close enough to be a plausible typo or rename.

use crate::content::Page;
use crate::diag::{Diagnostic, Rule, Safety};
use crate::markdown::{Doc, Link};
use std::borrow::Cow;

/// The finding for `link`'s `fragment`, if it names no anchor of `target`.
/// `target_file` is `None` for a fragment on the page itself.
pub fn check(
    page: &Page,
    link: &Link,
    fragment: &str,
    target: &Doc,
    target_file: Option<&str>,
) -> Option<Diagnostic> {
    let d = check_at(&page.file, link, fragment, target, target_file)?;
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    let fix = fixed_fragment(&decoded, target).and_then(|(anchor, safety)| {
        super::suggest::replace_dest(
            &page.file,
            &page.source,
            link,
            &super::suggest::with_fragment(&link.dest, &anchor),
            safety,
        )
    });
    Some(d.with_fix(fix))
}

/// The anchor `fragment` certainly means (safe): with or without GitBook's
/// `id-` prefix, or the one anchor that differs only in case; else the
/// closest plausible one (unsafe).
fn fixed_fragment(fragment: &str, target: &Doc) -> Option<(String, Safety)> {
    let with_prefix = format!("id-{fragment}");
    if target.anchors.contains(&with_prefix) {
        return Some((with_prefix, Safety::Safe));
    }
    if let Some(bare) = fragment.strip_prefix("id-") {
        if target.anchors.contains(bare) {
            return Some((bare.to_string(), Safety::Safe));
        }
    }
    let lower = fragment.to_lowercase();
    let same_case: Vec<&String> = target
        .anchors
        .iter()
        .filter(|a| a.to_lowercase() == lower)
        .collect();
    match same_case.as_slice() {
        [one] => return Some(((*one).clone(), Safety::Safe)),
        [first, ..] => return Some(((*first).clone(), Safety::Unsafe)),
        [] => {}
    }
    closest(fragment, target).map(|a| (a.to_string(), Safety::Unsafe))
}

/// [`check`] for a link in a file that is not a page (a SUMMARY.md entry).
pub fn check_in(
    file: &str,
    link: &Link,
    fragment: &str,
    target: &Doc,
    target_file: &str,
) -> Option<Diagnostic> {
    check_at(file, link, fragment, target, Some(target_file))
}

fn check_at(
    file: &str,
    link: &Link,
    fragment: &str,
    target: &Doc,
    target_file: Option<&str>,
) -> Option<Diagnostic> {
    if fragment.is_empty() || target.anchors.contains(fragment) {
        return None;
    }
    let decoded: Cow<str> = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    if target.anchors.contains(decoded.as_ref()) {
        return None;
    }
    let on = match target_file {
        Some(f) => format!("`{f}`"),
        None => "this page".to_string(),
    };
    let d = Diagnostic::new(
        Rule::BrokenAnchor,
        file,
        link.span.clone(),
        format!("`#{decoded}` matches no heading or id on {on}"),
    );
    match suggest(&decoded, target) {
        Some(s) => Some(d.with_suggestion(s)),
        None => Some(d),
    }
}

/// The best replacement for `fragment` among `target`'s anchors, worded.
fn suggest(fragment: &str, target: &Doc) -> Option<String> {
    let with_prefix = format!("id-{fragment}");
    if target.anchors.contains(&with_prefix) {
        return Some(format!(
            "GitBook prefixes ids of headings that start with a digit with `id-`: use `#{with_prefix}`"
        ));
    }
    if let Some(bare) = fragment.strip_prefix("id-") {
        if target.anchors.contains(bare) {
            return Some(format!(
                "this page's heading id has no `id-` prefix: use `#{bare}`"
            ));
        }
    }
    if let Some(a) = target
        .anchors
        .iter()
        .find(|a| a.to_lowercase() == fragment.to_lowercase())
    {
        return Some(format!("anchors are case-sensitive: use `#{a}`"));
    }
    closest(fragment, target).map(|best| format!("did you mean `#{best}`?"))
}

/// The closest anchor of `target` by edit distance, when close enough to be
/// a plausible typo or rename.
fn closest<'d>(fragment: &str, target: &'d Doc) -> Option<&'d str> {
    // Anchors are a BTreeSet, so ties resolve to the alphabetically first one.
    let (distance, best) = target
        .anchors
        .iter()
        .map(|a| (strsim::levenshtein(fragment, a), a))
        .min_by_key(|(d, _)| *d)?;
    let longest = fragment.chars().count().max(best.chars().count());
    // At most a third of the characters differ, or the fragment is part of the anchor (a shortened heading).
    let close = distance * 3 <= longest || (fragment.len() >= 4 && best.contains(fragment));
    // Prefer the id GitBook writes today over an older alternative form of the same heading.
    let best = target
        .headings
        .iter()
        .find(|h| h.alt_ids.iter().any(|a| a == best))
        .map_or(best, |h| &h.id);
    close.then_some(best.as_str())
}

#[cfg(test)]
mod tests {
    use super::super::links::testsite::*;
    use super::*;
    use crate::markdown::LinkKind;
    use crate::resolve::Target;

    fn doc(anchors: &[&str]) -> Doc {
        Doc {
            anchors: anchors.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn run(fragment: &str, anchors: &[&str]) -> Option<Diagnostic> {
        let site = site();
        let link = link(
            INTRO,
            LinkKind::Link,
            "guide.md#setup",
            Target::SamePage {
                fragment: fragment.into(),
            },
        );
        check(
            &site.pages[1],
            &link,
            fragment,
            &doc(anchors),
            Some("consent/spec/guide.md"),
        )
    }

    #[test]
    fn existing_anchor_is_fine_even_percent_encoded() {
        assert!(run("setup", &["setup"]).is_none());
        assert!(run("caf%C3%A9", &["café"]).is_none());
        assert!(run("", &[]).is_none());
    }

    #[test]
    fn fragments_are_case_sensitive_and_suggest_the_right_case() {
        let d = run("Setup", &["setup"]).unwrap();
        assert_eq!(
            d.message,
            "`#Setup` matches no heading or id on `consent/spec/guide.md`"
        );
        assert_eq!(
            d.suggestion.as_deref(),
            Some("anchors are case-sensitive: use `#setup`")
        );
    }

    #[test]
    fn suggests_adding_gitbooks_id_prefix() {
        let d = run("4.15-bulk-payment", &["id-4.15-bulk-payment", "intro"]).unwrap();
        assert!(d
            .suggestion
            .unwrap()
            .contains("use `#id-4.15-bulk-payment`"));
    }

    #[test]
    fn suggests_removing_the_id_prefix() {
        let d = run("id-4-setup", &["4-setup"]).unwrap();
        assert!(d.suggestion.unwrap().contains("use `#4-setup`"));
    }

    #[test]
    fn suggests_the_closest_anchor_by_edit_distance() {
        let d = run("authentification", &["authentication", "overview", "zebra"]).unwrap();
        assert_eq!(
            d.suggestion.as_deref(),
            Some("did you mean `#authentication`?")
        );
    }

    #[test]
    fn suggests_the_current_id_of_a_heading_not_its_older_form() {
        let mut target = doc(&["id-4.1-setup", "4.1-setup"]);
        target.headings.push(crate::markdown::Heading {
            level: 2,
            text: "4.1 Setup".into(),
            id: "id-4.1-setup".into(),
            alt_ids: vec!["4.1-setup".into()],
            span: 0..0,
        });
        let site = site();
        let link = link(
            INTRO,
            LinkKind::Link,
            "guide.md#setup",
            Target::SamePage {
                fragment: "setup".into(),
            },
        );
        let d = check(&site.pages[1], &link, "setup", &target, None).unwrap();
        assert_eq!(
            d.suggestion.as_deref(),
            Some("did you mean `#id-4.1-setup`?")
        );
    }

    #[test]
    fn no_suggestion_when_nothing_is_close() {
        assert_eq!(
            run("payments", &["overview", "zebra"]).unwrap().suggestion,
            None
        );
    }
}
