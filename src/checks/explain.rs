//! `specsite check --explain RULE`: a rule's documentation for the terminal,
//! as ruff's `ruff rule`: what it finds, why, an example, its options and
//! defaults, and what `--fix` does about it.

use crate::diag::Rule;
use crate::glossary::abbreviations;

/// The documentation of `rule`, as plain text ending in a newline.
pub fn explain(rule: Rule) -> String {
    let mut out = format!(
        "# {} ({} by default)\n\n{}\n",
        rule.name(),
        rule.default_severity().as_str(),
        first_upper(rule.summary())
    );
    for line in rule.help().lines() {
        let (head, body) = line.split_once(": ").unwrap_or(("", line));
        out.push_str(&format!(
            "\n## {head}\n\n{}\n",
            wrap_text(&first_upper(body))
        ));
    }
    out.push_str("\n## Options\n\n");
    out.push_str(&format!(
        "- `rules: {{{}: error | warning | info | off}}` in specsite.yaml sets its severity.\n",
        rule.name()
    ));
    out.push_str(&format!(
        "- `<!-- specsite-allow: {} -->` on a finding's line or the line above\n  silences it.\n",
        rule.name()
    ));
    if rule == Rule::AbbrUndefined {
        out.push_str(
            "- `abbreviations: {known: [...]}` adds abbreviations that are never reported.\n",
        );
    }
    out.push_str("\n## Fix\n\n");
    out.push_str(&wrap_text(fix_note(rule)));
    out.push('\n');
    if rule == Rule::AbbrUndefined {
        out.push_str(&abbreviation_defaults());
    }
    out
}

/// What `check --fix` does for `rule`.
fn fix_note(rule: Rule) -> &'static str {
    match rule {
        Rule::TermVariant => {
            "Safe: the variant is replaced by the canonical term; in a heading the fix is \
             unsafe (it would change the heading's anchor) and only `--unsafe-fixes` applies it."
        }
        Rule::BrokenAnchor => {
            "Safe when the fragment differs from an anchor of the target only in case, or \
             by GitBook's `id-` prefix; the closest anchor by spelling is an unsafe fix."
        }
        Rule::BrokenLink => {
            "Safe when the target is certain: the path read without the repository's \
             page-root folder (`spec/`), a file differing only in case, or the one page \
             with the link's name or its renumbered name; otherwise the nearest \
             candidate is an unsafe fix."
        }
        Rule::MissingAsset => {
            "Safe when the path read without the repository's page-root folder names the \
             file, or a file differs only in case; a path read from another folder is unsafe."
        }
        Rule::ReqKeywordCase => {
            "Safe: the tag is written in upper case (`(optional)` becomes `(OPTIONAL)`); \
             a tag with markup inside it is left for the author."
        }
        _ => "None: the finding needs an author's decision.",
    }
}

fn abbreviation_defaults() -> String {
    let mut out = String::from("\n## Defaults\n\n");
    let mut known: Vec<&str> = abbreviations::KNOWN.to_vec();
    known.sort_unstable();
    out.push_str(&format!(
        "Widely known abbreviations ({}), never reported:\n{}\n\n",
        known.len(),
        wrap(&known)
    ));
    out.push_str(&format!(
        "RFC 2119 keywords, never reported:\n{}\n\n",
        wrap(abbreviations::RFC2119)
    ));
    out.push_str(&format!(
        "Function words, read as words in capitals:\n{}\n\n",
        wrap(abbreviations::FUNCTION_WORDS)
    ));
    out.push_str(&format!(
        "A capitalised word is read as a common word when the site's prose writes it\n\
         in lower or title case on {} or more pages.\n",
        abbreviations::COMMON_WORD_PAGES
    ));
    out
}

/// `words` comma-separated, wrapped near 80 columns.
fn wrap(words: &[&str]) -> String {
    let mut out = String::new();
    let mut line = 0;
    for (i, w) in words.iter().enumerate() {
        let piece = if i + 1 < words.len() {
            format!("{w}, ")
        } else {
            w.to_string()
        };
        if line + piece.len() > 80 {
            out.truncate(out.trim_end().len());
            out.push('\n');
            line = 0;
        }
        line += piece.len();
        out.push_str(&piece);
    }
    out
}

/// Prose wrapped at 80 columns.
fn wrap_text(s: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for w in s.split_whitespace() {
        if line > 0 && line + 1 + w.len() > 80 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += w.len();
    }
    out
}

/// `s` with an upper-case first letter and a final full stop.
fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    let mut out = match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>(),
        None => return String::new(),
    };
    if !out.ends_with(['.', ')', '`']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_what_why_example_options_and_fix() {
        for &r in Rule::ALL {
            let e = explain(r);
            for part in [
                "## What it does",
                "## Why",
                "## Example",
                "## Options",
                "## Fix",
            ] {
                assert!(e.contains(part), "{}: {part}\n{e}", r.name());
            }
            assert!(e.lines().all(|l| l.len() <= 100), "{e}");
        }
    }

    #[test]
    fn abbr_undefined_lists_its_defaults() {
        let e = explain(Rule::AbbrUndefined);
        assert!(e.contains("Widely known abbreviations"));
        assert!(e.contains("GPU, GUI"), "{e}");
        assert!(e.contains("abbreviations: {known: [...]}"));
        assert!(e.lines().all(|l| l.len() <= 100), "{e}");
    }
}
