//! What changed between two sets of requirements (two versions of a book,
//! a `requirements.json` and the sources, two git revisions).
//!
//! Requirements are matched by id when both sides hold it as a locked (or
//! author) id, the rest by fingerprint. A matched pair whose statement
//! changed little is `text-changed`; one whose id now names a different
//! statement (similarity below [`super::ids::SIMILAR`]) is `id-reused`.

use super::ids::{similarity, SIMILAR};
use super::{Level, Requirement, Status};
use serde::Serialize;
use std::collections::HashMap;

/// One changed requirement: its old and new form (one of them absent for
/// added and removed ones).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `added`, `removed`, `level-changed`, `text-changed`, `id-reused` or `moved`.
    pub kind: &'static str,
    /// The id (the new one when both exist).
    pub id: String,
    /// Before.
    pub old: Option<Requirement>,
    /// After.
    pub new: Option<Requirement>,
    /// The change breaks a product built against the old set: an id gone or
    /// naming another statement, a requirement that became REQUIRED.
    pub breaking: bool,
}

/// The differences between two requirement sets, in the new set's order
/// (removed ones last, in the old order).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Every change.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Changes of one kind.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// Whether the diff should fail a run: a breaking change, or with
    /// `strict` a changed text of an IMMUTABLE requirement.
    pub fn fails(&self, strict: bool) -> bool {
        self.changes.iter().any(|c| {
            c.breaking
                || (strict
                    && c.kind == "text-changed"
                    && c.old
                        .as_ref()
                        .is_some_and(|o| o.classifiers.iter().any(|k| k == "IMMUTABLE")))
        })
    }
}

fn by_id(r: &Requirement) -> bool {
    r.status == Status::Locked
}

/// Compares `old` with `new` (the same book, read from the same folder).
pub fn diff(old: &[Requirement], new: &[Requirement]) -> Diff {
    diff_in(old, "", new, "")
}

/// Compares two versions of a book whose pages are read from `old_dir` and
/// `new_dir` (their page roots): a requirement has moved when its file
/// relative to its version's folder, or its section, differs; the folders
/// themselves differ for every requirement.
pub fn diff_in(old: &[Requirement], old_dir: &str, new: &[Requirement], new_dir: &str) -> Diff {
    let in_dir = |file: &'_ str, dir: &str| -> String {
        match file.strip_prefix(dir) {
            Some(rest) if !dir.is_empty() && rest.starts_with('/') => rest[1..].to_string(),
            _ => file.to_string(),
        }
    };
    let mut old_of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut used = vec![false; old.len()];
    let old_ids: HashMap<&str, usize> = old
        .iter()
        .enumerate()
        .filter(|(_, r)| by_id(r))
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    for (n, r) in new.iter().enumerate() {
        if !by_id(r) {
            continue;
        }
        if let Some(&o) = old_ids.get(r.id.as_str()) {
            if !used[o] {
                used[o] = true;
                old_of_new[n] = Some(o);
            }
        }
    }
    let mut old_fps: HashMap<String, Vec<usize>> = HashMap::new();
    for (o, r) in old.iter().enumerate() {
        if !used[o] {
            old_fps.entry(r.fingerprint()).or_default().push(o);
        }
    }
    for (n, r) in new.iter().enumerate() {
        if old_of_new[n].is_some() {
            continue;
        }
        if let Some(list) = old_fps.get_mut(&r.fingerprint()) {
            if let Some(pos) = list.iter().position(|&o| !used[o]) {
                let o = list.remove(pos);
                used[o] = true;
                old_of_new[n] = Some(o);
            }
        }
    }
    let mut changes = Vec::new();
    for (n, r) in new.iter().enumerate() {
        let Some(o) = old_of_new[n] else {
            changes.push(Change {
                kind: "added",
                id: r.id.clone(),
                old: None,
                new: Some(r.clone()),
                breaking: r.level == Level::Required && !old.is_empty(),
            });
            continue;
        };
        let before = &old[o];
        let change = |kind: &'static str, breaking: bool| Change {
            kind,
            id: r.id.clone(),
            old: Some(before.clone()),
            new: Some(r.clone()),
            breaking,
        };
        let (fo, fnew) = (before.fingerprint(), r.fingerprint());
        if fo != fnew {
            if similarity(&fo, &fnew) >= SIMILAR {
                changes.push(change("text-changed", false));
            } else {
                changes.push(change("id-reused", true));
            }
        }
        if before.level != r.level {
            changes.push(change(
                "level-changed",
                r.level == Level::Required && before.level != Level::Required,
            ));
        }
        if in_dir(&before.file, old_dir) != in_dir(&r.file, new_dir) || before.section != r.section
        {
            changes.push(change("moved", false));
        }
    }
    for (o, r) in old.iter().enumerate() {
        if !used[o] {
            changes.push(Change {
                kind: "removed",
                id: r.id.clone(),
                old: Some(r.clone()),
                new: None,
                breaking: by_id(r),
            });
        }
    }
    Diff { changes }
}

/// The diff as text, one line per change.
pub fn render_text(d: &Diff) -> String {
    let mut out = String::new();
    for c in &d.changes {
        let mark = if c.breaking { " (breaking)" } else { "" };
        let detail = match (c.kind, &c.old, &c.new) {
            ("level-changed", Some(o), Some(n)) => format!("{} → {}", o.level, n.level),
            ("moved", Some(o), Some(n)) => format!(
                "{} {} → {} {}",
                o.file,
                o.section.as_deref().unwrap_or("-"),
                n.file,
                n.section.as_deref().unwrap_or("-")
            ),
            (_, _, Some(n)) => format!("{} {}", n.level, short(&n.statement)),
            (_, Some(o), None) => format!("{} {}", o.level, short(&o.statement)),
            _ => String::new(),
        };
        out.push_str(&format!("{:<14} {}{mark}  {detail}\n", c.kind, c.id));
    }
    if d.changes.is_empty() {
        out.push_str("no changes\n");
    }
    out
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(80).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}
