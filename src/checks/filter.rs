//! Narrowing a `check` report to some files (`--changed-since REV`, or the
//! `FILE...` arguments pre-commit passes) and choosing the exit code.
//!
//! Every check still runs over the whole site; only the report shrinks. A
//! finding is kept when it is in one of the files, or when it sits on a link
//! whose target is one of them: deleting or renaming a page (or a heading in
//! it) reports the links elsewhere that it breaks.

use crate::content::Site;
use crate::diag::{Diagnostic, Severity};
use crate::markdown::Doc;
use crate::resolve::Target;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// Keeps the findings in `keep_files` (root-relative, `/` separators) plus
/// those on links that point at one of them. Site-wide findings (no file)
/// are kept: they cannot be attributed to any file.
pub fn filter_report(
    diags: Vec<Diagnostic>,
    keep_files: &BTreeSet<String>,
    site: &Site,
    docs: &[Doc],
) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter(|d| {
            d.file.is_empty()
                || keep_files.contains(&d.file)
                || targets_kept_file(d, keep_files, site, docs)
        })
        .collect()
}

/// Whether `d` sits on a link (same file, same span) whose target is a kept file.
fn targets_kept_file(d: &Diagnostic, keep: &BTreeSet<String>, site: &Site, docs: &[Doc]) -> bool {
    let Some(&page) = site.page_by_file.get(&d.file) else {
        return false;
    };
    let Some(doc) = docs.get(page) else {
        return false;
    };
    doc.links
        .iter()
        .filter(|l| l.span == d.span)
        .any(|l| match &l.target {
            Target::Page { page, .. } => site
                .pages
                .get(*page)
                .is_some_and(|p| keep.contains(&p.file)),
            Target::Asset { file } => keep.contains(file),
            Target::Missing { path, .. } => keep.contains(path),
            _ => false,
        })
}

/// 1 when any finding is an error (or a warning, with `deny_warnings`), else 0.
pub fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> i32 {
    let fails = |d: &Diagnostic| {
        d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
    };
    i32::from(diags.iter().any(fails))
}

/// A `FILE` argument as a root-relative path with `/` separators, so it can
/// go into [`filter_report`]'s set. Relative arguments are taken from `cwd`
/// (pre-commit passes paths relative to the repository top, its working
/// folder). `None` when the file is not under `root`.
pub fn root_relative(root: &Path, cwd: &Path, file: &Path) -> Option<String> {
    let abs = normalize(&cwd.join(file));
    let root = normalize(&cwd.join(root));
    // Prefer canonical forms when both exist (symlinked temp folders, `..`).
    let (abs, root) = match (abs.canonicalize(), root.canonicalize()) {
        (Ok(a), Ok(r)) => (a, r),
        (Err(_), Ok(r)) => match abs.parent().and_then(|p| p.canonicalize().ok()) {
            // A deleted file: canonicalize its folder.
            Some(p) => (p.join(abs.file_name()?), r),
            None => (abs, root),
        },
        _ => (abs, root),
    };
    let rel = abs.strip_prefix(&root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Removes `.` and resolves `..` lexically.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::links::check_links;
    use super::super::links::testsite::*;
    use super::*;
    use crate::diag::Rule;

    fn set(files: &[&str]) -> BTreeSet<String> {
        files.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keeps_findings_in_kept_files_only() {
        let (site, docs) = (site(), docs());
        let all = check_links(&site, &docs);
        let kept = filter_report(all, &set(&["consent/spec/guide.md"]), &site, &docs);
        // guide.md's own `#guid`, plus intro.md's link *to* guide.md#setup.
        let got: Vec<(&str, Rule)> = kept.iter().map(|d| (d.file.as_str(), d.rule)).collect();
        assert_eq!(
            got,
            [
                ("consent/spec/guide.md", Rule::BrokenAnchor),
                ("consent/spec/intro.md", Rule::BrokenAnchor)
            ]
        );
    }

    #[test]
    fn a_deleted_file_keeps_the_links_that_pointed_to_it() {
        let (site, docs) = (site(), docs());
        let kept = filter_report(
            check_links(&site, &docs),
            &set(&["consent/spec/gone.md"]),
            &site,
            &docs,
        );
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule, Rule::BrokenLink);
    }

    #[test]
    fn empty_set_keeps_only_site_wide_findings() {
        let (site, docs) = (site(), docs());
        let mut all = check_links(&site, &docs);
        all.push(Diagnostic::new(
            Rule::OutputCollision,
            "",
            0..0,
            "two things at one path",
        ));
        let kept = filter_report(all, &BTreeSet::new(), &site, &docs);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule, Rule::OutputCollision);
    }

    #[test]
    fn exit_code_fails_on_errors_and_on_warnings_when_denied() {
        let mut w = Diagnostic::new(Rule::OrphanPage, "a.md", 0..0, "w");
        w.severity = Severity::Warning;
        let e = Diagnostic::new(Rule::BrokenLink, "a.md", 0..0, "e");
        let mut i = w.clone();
        i.severity = Severity::Info;
        assert_eq!(exit_code(&[], true), 0);
        assert_eq!(exit_code(&[w.clone(), i.clone()], false), 0);
        assert_eq!(exit_code(std::slice::from_ref(&w), true), 1);
        assert_eq!(exit_code(&[i.clone()], true), 0);
        assert_eq!(exit_code(&[e], false), 1);
    }

    #[test]
    fn file_arguments_become_root_relative() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::write(root.join("book/a.md"), "x").unwrap();
        assert_eq!(
            root_relative(Path::new("site"), dir.path(), Path::new("site/book/a.md")).as_deref(),
            Some("book/a.md")
        );
        assert_eq!(
            root_relative(&root, dir.path(), Path::new("./site/book/../book/a.md")).as_deref(),
            Some("book/a.md")
        );
        // A deleted file still maps.
        assert_eq!(
            root_relative(&root, dir.path(), Path::new("site/book/gone.md")).as_deref(),
            Some("book/gone.md")
        );
        assert_eq!(
            root_relative(&root, dir.path(), Path::new("elsewhere.md")),
            None
        );
    }
}
