//! Applying the configuration to findings: per-rule severity from `rules:`
//! (`off` drops the rule) and inline `<!-- specsite-allow: RULE -->`
//! suppressions. Runs once, after every check, before filtering and printing.

use crate::config::Config;
use crate::diag::suppress::is_suppressed;
use crate::diag::Diagnostic;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Sets each finding's severity from `config.rules`, drops findings of rules
/// turned `off`, and drops findings silenced by an allow comment on their
/// line or the line above. A rule the config does not name keeps the
/// severity its check gave (a check may lower it, e.g. `term-redefined`
/// with identical definitions); such a lowered finding is never raised by
/// the config, only lowered further.
pub fn apply_config(
    diags: &mut Vec<Diagnostic>,
    config: &Config,
    sources: &BTreeMap<String, Arc<str>>,
) {
    diags.retain_mut(|d| {
        if config.rules.contains_key(d.rule.name()) {
            match config.severity_for(d.rule) {
                // A finding its check made milder than the rule's default (a 429 from
                // `--external`, identical redefinitions) never becomes more severe.
                Some(s) if d.severity < d.rule.default_severity() => d.severity = d.severity.min(s),
                Some(s) => d.severity = s,
                None => return false,
            }
        }
        match sources.get(&d.file) {
            Some(text) => !is_suppressed(text, d.span.start, d.rule),
            None => true,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Rule, Severity};

    fn sources() -> BTreeMap<String, Arc<str>> {
        let mut m = BTreeMap::new();
        m.insert(
            "a.md".to_string(),
            Arc::from("one [x](y.md)\n<!-- specsite-allow: broken-link -->\ntwo [x](z.md)\n"),
        );
        m
    }

    fn at(rule: Rule, text: &str, needle: &str) -> Diagnostic {
        let s = text.find(needle).unwrap();
        Diagnostic::new(rule, "a.md", s..s + needle.len(), "m")
    }

    #[test]
    fn config_overrides_severity_and_off_drops() {
        let src = sources();
        let t = &src["a.md"];
        let mut diags = vec![
            at(Rule::BrokenLink, t, "y.md"),
            at(Rule::OrphanPage, t, "one"),
            at(Rule::UnknownBlock, t, "one"),
        ];
        let config = Config::parse("rules:\n  broken-link: warning\n  orphan-page: off\n").unwrap();
        apply_config(&mut diags, &config, &src);
        assert_eq!(diags.len(), 2);
        assert_eq!(
            (diags[0].rule, diags[0].severity),
            (Rule::BrokenLink, Severity::Warning)
        );
        assert_eq!(
            (diags[1].rule, diags[1].severity),
            (Rule::UnknownBlock, Severity::Warning)
        );
    }

    #[test]
    fn unconfigured_rule_keeps_the_severity_its_check_chose() {
        let mut d = Diagnostic::new(Rule::TermRedefined, "b.md", 0..0, "same definition");
        d.severity = Severity::Warning;
        let mut diags = vec![d];
        apply_config(&mut diags, &Config::default(), &BTreeMap::new());
        assert_eq!(diags[0].severity, Severity::Warning);
    }

    #[test]
    fn config_never_raises_a_finding_its_check_made_milder() {
        let mut rate_limited = Diagnostic::new(Rule::BrokenLink, "b.md", 0..0, "429");
        rate_limited.severity = Severity::Warning;
        let mut diags = vec![rate_limited.clone()];
        apply_config(
            &mut diags,
            &Config::parse("rules:\n  broken-link: error\n").unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(diags[0].severity, Severity::Warning);
        let mut diags = vec![rate_limited];
        apply_config(
            &mut diags,
            &Config::parse("rules:\n  broken-link: info\n").unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(diags[0].severity, Severity::Info);
    }

    #[test]
    fn allow_comment_silences_only_the_next_line_and_named_rule() {
        let src = sources();
        let t = &src["a.md"];
        let mut diags = vec![
            at(Rule::BrokenLink, t, "y.md"),
            at(Rule::BrokenLink, t, "z.md"),
            at(Rule::BrokenAnchor, t, "z.md"),
        ];
        apply_config(&mut diags, &Config::default(), &src);
        let left: Vec<(Rule, &str)> = diags.iter().map(|d| (d.rule, &t[d.span.clone()])).collect();
        assert_eq!(
            left,
            [(Rule::BrokenLink, "y.md"), (Rule::BrokenAnchor, "z.md")]
        );
    }
}
