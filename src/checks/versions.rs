//! Findings in older versions (DESIGN.md §10): every version is checked,
//! but only the latest version (and a `worktree: true` one) is what authors
//! are editing now. Findings elsewhere become `info` unless
//! `check --all-versions` asks for their own severity.

use crate::content::{BookId, Site};
use crate::diag::{Diagnostic, Severity};

/// Lowers findings in versions other than the latest (and the working
/// tree) to `info`, unless the site was loaded with `all_versions`.
pub fn demote_old_versions(diags: &mut [Diagnostic], site: &Site) {
    if site.all_versions || !site.books.iter().any(|b| !b.latest) {
        return;
    }
    for d in diags.iter_mut().filter(|d| d.severity > Severity::Info) {
        let Some(b) = book_of_file(site, &d.file) else {
            continue;
        };
        let book = &site.books[b];
        let worktree = site
            .git_version_of(&d.file)
            .is_some_and(|(v, _)| v.workdir.is_some());
        if !book.latest && !worktree {
            d.severity = Severity::Info;
        }
    }
}

/// The book (version) a root-relative file belongs to: its page's, else the
/// book with the deepest repository folder holding it.
pub fn book_of_file(site: &Site, file: &str) -> Option<BookId> {
    if file.is_empty() {
        return None;
    }
    if let Some(&p) = site.page_by_file.get(file) {
        return Some(site.pages[p].book);
    }
    site.books
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.repo_dir.is_empty() && crate::resolve::in_dir(file, &b.repo_dir))
        .max_by_key(|(_, b)| b.repo_dir.len())
        .map(|(i, _)| i)
}
