//! Inline suppressions: `<!-- specsite-allow: RULE -->` on a finding's line or
//! the line above silences that rule there (DESIGN.md §5). Several rules may be
//! listed, separated by commas or spaces: `<!-- specsite-allow: term-variant, abbr-undefined -->`.

use super::Rule;

/// Whether a finding of `rule` at byte `offset` of `text` is silenced by a
/// `specsite-allow` comment on its line or the line above.
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

/// Whether `line` holds a `specsite-allow` comment naming `rule`.
fn allows(line: &str, rule: Rule) -> bool {
    let mut rest = line;
    while let Some(i) = rest.find("<!--") {
        let after = &rest[i + 4..];
        let end = after.find("-->").unwrap_or(after.len());
        let body = after[..end].trim();
        if let Some(list) = body.strip_prefix("specsite-allow:") {
            if list
                .split(|c: char| c == ',' || c.is_whitespace())
                .any(|r| r == rule.name())
            {
                return true;
            }
        }
        rest = &after[end..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_line_and_line_above_suppress() {
        let text = "a\n<!-- specsite-allow: term-variant -->\nuse building-block here\nand building-block\n";
        let first = text.find("building-block").unwrap();
        let second = text.rfind("building-block").unwrap();
        assert!(is_suppressed(text, first, Rule::TermVariant));
        assert!(!is_suppressed(text, second, Rule::TermVariant));
        assert!(!is_suppressed(text, first, Rule::AbbrUndefined));
        let inline = "XYZ here <!-- specsite-allow: abbr-undefined, term-variant -->";
        assert!(is_suppressed(inline, 0, Rule::AbbrUndefined));
        assert!(is_suppressed(inline, 0, Rule::TermVariant));
    }

    #[test]
    fn rule_names_must_match_exactly() {
        let text = "<!-- specsite-allow: term-variants -->\nx";
        assert!(!is_suppressed(text, text.len() - 1, Rule::TermVariant));
        assert!(!is_suppressed("", 0, Rule::TermVariant));
    }
}
