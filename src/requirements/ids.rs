//! Ids that survive renumbering: fingerprints and `requirements.lock`.
//!
//! The lock file lives beside a book's SUMMARY.md. It maps each id
//! `<book>#req-<N>` to the fingerprint of its statement and its last place,
//! and keeps removed ids (marked `removed: true`) so that no id is ever
//! given to another statement. A requirement keeps its id when its
//! fingerprint is unchanged (moved, renumbered, re-tagged) or when it was
//! lightly edited: a token similarity (Sørensen–Dice over the sets of
//! words) of at least [`SIMILAR`] with exactly one fingerprint that is no
//! longer matched. A new requirement gets the highest number ever used + 1.
//!
//! Only `specsite requirements lock` writes the file ([`lock_book`]);
//! everything else reads it ([`read_lock`], [`assign_ids`]).

use super::{anchor_of, Requirement, Status};
use crate::content::{BookId, Site};
use crate::diag::{Diagnostic, Rule};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// How alike two fingerprints must be for an edited statement to keep its id.
pub const SIMILAR: f64 = 0.8;

/// The lock file's name.
pub const LOCK_FILE: &str = "requirements.lock";

/// A book's `requirements.lock`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Every id ever given, by number.
    #[serde(default)]
    pub requirements: Vec<LockEntry>,
}

/// One id of a lock file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// `<book>#req-<N>`.
    pub id: String,
    /// The statement's fingerprint when last locked.
    pub fingerprint: String,
    /// Its last place, `file:line`.
    #[serde(default)]
    pub place: String,
    /// The requirement is gone; the id stays taken.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

/// The statement lowercased, with tags, numbers and markup removed: its
/// words (no word holding a digit, no level or classifier word), one space
/// apart.
pub fn fingerprint(statement: &str) -> String {
    let mut out = String::with_capacity(statement.len());
    for w in statement.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() || w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if super::tags::Level::parse(w).is_some() && w.chars().all(|c| c.is_uppercase()) {
            continue;
        }
        if super::tags::CLASSIFIERS.contains(&w) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if w.is_ascii() {
            let from = out.len();
            out.push_str(w);
            out[from..].make_ascii_lowercase();
        } else {
            out.extend(w.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// Sørensen–Dice similarity of two fingerprints' word sets (1 = same words).
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: BTreeSet<&str> = a.split(' ').filter(|w| !w.is_empty()).collect();
    let b: BTreeSet<&str> = b.split(' ').filter(|w| !w.is_empty()).collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(&b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// The root-relative path of book `b`'s lock file (beside its SUMMARY.md).
pub fn lock_path(site: &Site, b: BookId) -> String {
    let book = &site.books[b];
    let dir = match book.summary_file.rsplit_once('/') {
        Some((dir, _)) => dir.to_string(),
        None if !book.summary_file.is_empty() => String::new(),
        None => book.page_root.clone(),
    };
    if dir.is_empty() {
        LOCK_FILE.to_string()
    } else {
        format!("{dir}/{LOCK_FILE}")
    }
}

/// Reads book `b`'s lock file: `None` when there is none; an `invalid-yaml`
/// finding when it does not parse.
pub fn read_lock(site: &Site, b: BookId) -> Result<Option<Lock>, Box<Diagnostic>> {
    let rel = lock_path(site, b);
    let Ok(text) = std::fs::read_to_string(site.root.join(&rel)) else {
        return Ok(None);
    };
    serde_yaml::from_str::<Lock>(&text).map(Some).map_err(|e| {
        let at = e.location().map(|l| l.index()).unwrap_or(0);
        Box::new(Diagnostic::new(
            Rule::InvalidYaml,
            rel,
            at..at,
            format!("requirements.lock does not parse: {e}"),
        ))
    })
}

/// The number of an id `<book>#req-<N>`.
fn number(id: &str) -> Option<u64> {
    id.rsplit_once("#req-")?.1.parse().ok()
}

/// Matches `reqs` (ids still empty, except author ids) against `lock`:
/// `result[i]` is the lock entry index requirement `i` keeps, if any.
fn match_lock(reqs: &[Requirement], lock: &Lock) -> Vec<Option<usize>> {
    let mut out = vec![None; reqs.len()];
    let mut taken = vec![false; lock.requirements.len()];
    let fps: Vec<String> = reqs.iter().map(Requirement::fingerprint).collect();
    let mut by_fp: HashMap<&str, Vec<usize>> = HashMap::new();
    for (e, entry) in lock.requirements.iter().enumerate() {
        if !entry.removed {
            by_fp.entry(&entry.fingerprint).or_default().push(e);
        }
    }
    // Same fingerprint: moved, renumbered or re-levelled.
    for (i, r) in reqs.iter().enumerate() {
        if r.extra.author_id {
            continue;
        }
        if let Some(list) = by_fp.get_mut(fps[i].as_str()) {
            if !list.is_empty() {
                let e = list.remove(0);
                taken[e] = true;
                out[i] = Some(e);
            }
        }
    }
    // Lightly edited: one fingerprint left over (or removed earlier) alike enough.
    for (i, r) in reqs.iter().enumerate() {
        if r.extra.author_id || out[i].is_some() {
            continue;
        }
        let mut best: Option<(f64, usize)> = None;
        let mut alike = 0;
        for (e, entry) in lock.requirements.iter().enumerate() {
            if taken[e] {
                continue;
            }
            let s = similarity(&fps[i], &entry.fingerprint);
            if s >= SIMILAR {
                alike += 1;
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, e));
                }
            }
        }
        if let (1, Some((_, e))) = (alike, best) {
            taken[e] = true;
            out[i] = Some(e);
        }
    }
    out
}

/// Gives every requirement of book `b` without an author id its id: from
/// `lock` when it holds one, else a provisional one (in reading order
/// without a lock; after the highest locked number with one, each with a
/// `req-unlocked` finding). Sets `url` to the requirement's anchor.
pub fn assign_ids(
    site: &Site,
    b: BookId,
    reqs: &mut [Requirement],
    lock: Option<&Lock>,
) -> Vec<Diagnostic> {
    let book = &site.books[b].id;
    let mut diags = Vec::new();
    match lock {
        None => {
            let mut n = 0;
            for r in reqs.iter_mut().filter(|r| !r.extra.author_id) {
                n += 1;
                r.id = format!("{book}#req-{n}");
                r.status = Status::Provisional;
            }
        }
        Some(lock) => {
            let matched = match_lock(reqs, lock);
            let mut next = lock
                .requirements
                .iter()
                .filter_map(|e| number(&e.id))
                .max()
                .unwrap_or(0);
            for (r, m) in reqs.iter_mut().zip(matched) {
                if r.extra.author_id {
                    continue;
                }
                match m {
                    Some(e) => {
                        r.id = lock.requirements[e].id.clone();
                        r.status = Status::Locked;
                    }
                    None => {
                        next += 1;
                        r.id = format!("{book}#req-{next}");
                        r.status = Status::Provisional;
                        diags.push(Diagnostic::new(
                            Rule::ReqUnlocked,
                            r.file.clone(),
                            r.extra.span.clone(),
                            format!(
                                "this requirement is not in {}; its id {} is provisional until `specsite requirements lock` runs",
                                lock_path(site, b),
                                r.id
                            ),
                        ));
                    }
                }
            }
        }
    }
    for r in reqs.iter_mut() {
        let page_url = r.url.split('#').next().unwrap_or("").to_string();
        r.url = format!("{page_url}#{}", anchor_of(&r.id));
    }
    diags
}

/// The lock file book `b` should have for `reqs` (ids assigned against
/// `old` by [`assign_ids`], so unlocked ones already hold max+1 numbers):
/// every requirement without an author id, then every id of `old` no
/// longer used, marked removed; by number.
pub fn lock_book(reqs: &[Requirement], old: Option<&Lock>) -> Lock {
    let mut entries: Vec<LockEntry> = reqs
        .iter()
        .filter(|r| !r.extra.author_id)
        .map(|r| LockEntry {
            id: r.id.clone(),
            fingerprint: r.fingerprint(),
            place: format!("{}:{}", r.file, r.line),
            removed: false,
        })
        .collect();
    let used: BTreeSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let gone: Vec<LockEntry> = old
        .map(|l| {
            l.requirements
                .iter()
                .filter(|e| !used.contains(e.id.as_str()))
                .map(|e| LockEntry {
                    removed: true,
                    ..e.clone()
                })
                .collect()
        })
        .unwrap_or_default();
    entries.extend(gone);
    entries.sort_by_key(|e| (number(&e.id).unwrap_or(u64::MAX), e.id.clone()));
    Lock {
        requirements: entries,
    }
}

/// The lock file's text.
pub fn write_lock_text(lock: &Lock) -> String {
    let mut s = String::from(
        "# Requirement ids of this book, written by `specsite requirements lock`.\n\
         # Commit it. An id is never reused: removed ones stay, marked removed.\n",
    );
    s.push_str(&serde_yaml::to_string(lock).unwrap_or_default());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_drops_numbers_tags_and_case() {
        assert_eq!(
            fingerprint("8.1.1 Multiple API Gateway (REQUIRED IMMUTABLE): for v2"),
            "multiple api gateway for"
        );
    }

    #[test]
    fn similarity_of_light_edits() {
        let a = fingerprint("The system must log every access to personal data records");
        let b = fingerprint("The system must log each access to personal data records");
        assert!(similarity(&a, &b) >= SIMILAR, "{}", similarity(&a, &b));
        let c = fingerprint("Payments are reconciled daily");
        assert!(similarity(&a, &c) < 0.3);
    }
}
