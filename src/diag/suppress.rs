//! Inline suppression: `<!-- specsite-allow: RULE -->` silences a finding of
//! RULE on the comment's own line or on the line below it.
//!
//! Several rules may be listed, separated by commas or spaces:
//! `<!-- specsite-allow: term-variant, abbr-undefined -->`.

use super::Rule;

const MARKER: &str = "specsite-allow:";

/// Whether a finding of `rule` at byte `offset` of `text` is silenced by an
/// allow comment on the same line or the line above.
pub fn is_suppressed(text: &str, offset: usize, rule: Rule) -> bool {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if allows(&text[line_start..line_end], rule) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_end = line_start - 1;
    let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
    allows(&text[prev_start..prev_end], rule)
}

/// Whether `line` holds an allow comment naming `rule`.
fn allows(line: &str, rule: Rule) -> bool {
    let mut rest = line;
    while let Some(open) = rest.find("<!--") {
        let after = &rest[open + 4..];
        let body = match after.find("-->") {
            Some(close) => &after[..close],
            None => after,
        };
        if let Some(list) = body.trim_start().strip_prefix(MARKER) {
            if list
                .split(|c: char| c == ',' || c.is_whitespace())
                .any(|name| name == rule.name())
            {
                return true;
            }
        }
        rest = &after[body.len().min(after.len())..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_comment_on_the_same_line_silences() {
        let text = "a\nSee [x](y.md) <!-- specsite-allow: broken-link -->\n";
        assert!(is_suppressed(
            text,
            text.find("y.md").unwrap(),
            Rule::BrokenLink
        ));
        assert!(!is_suppressed(
            text,
            text.find("y.md").unwrap(),
            Rule::BrokenAnchor
        ));
    }

    #[test]
    fn allow_comment_on_the_line_above_silences_only_the_next_line() {
        let text = "<!-- specsite-allow: term-variant, broken-link -->\nbad here\nand here\n";
        assert!(is_suppressed(
            text,
            text.find("bad").unwrap(),
            Rule::BrokenLink
        ));
        assert!(is_suppressed(
            text,
            text.find("bad").unwrap(),
            Rule::TermVariant
        ));
        assert!(!is_suppressed(
            text,
            text.find("and").unwrap(),
            Rule::TermVariant
        ));
    }

    #[test]
    fn a_rule_name_prefix_does_not_match() {
        let text = "<!-- specsite-allow: broken-link-x -->\nx\n";
        assert!(!is_suppressed(text, text.len() - 2, Rule::BrokenLink));
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_do_not_panic() {
        let text = "é <!-- specsite-allow: broken-link -->";
        assert!(is_suppressed(text, 1, Rule::BrokenLink));
        assert!(is_suppressed(text, 999, Rule::BrokenLink));
        assert!(!is_suppressed("", 0, Rule::BrokenLink));
    }
}
