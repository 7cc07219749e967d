//! Back-ends of `specsite requirements`, `requirements lock` and
//! `requirements diff` (DESIGN.md §9): each returns what to print and the
//! exit code.

use super::diff::{diff, render_text, Diff};
use super::ids::{lock_book, lock_path, read_lock, write_lock_text};
use super::report::{book_index, checklist_csv, table, BookIndex, SiteIndex};
use super::{Level, ReqType, Requirement};
use crate::{analyse, Analysis, Fatal, Options};
use std::path::Path;

/// `requirements` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// A plain table.
    Table,
    /// `requirements.json` (one book) or the site-wide form.
    Json,
    /// The compliance checklist.
    Csv,
}

/// Filters of `requirements`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this book id.
    pub book: Option<String>,
    /// Only this level.
    pub level: Option<Level>,
    /// Only this type.
    pub kind: Option<ReqType>,
}

fn analysed(opts: &Options) -> Result<Analysis, Fatal> {
    analyse(&Options {
        skip_html: true,
        ..opts.clone()
    })
}

fn unknown_book(a: &Analysis, book: &Option<String>) -> Result<(), Fatal> {
    match book {
        Some(b) if !a.site.books.iter().any(|x| &x.id == b) => Err(Fatal::Other(anyhow::anyhow!(
            "no book `{b}` (books: {})",
            book_ids(a)
        ))),
        _ => Ok(()),
    }
}

fn book_ids(a: &Analysis) -> String {
    let mut ids: Vec<&str> = a.site.books.iter().map(|b| b.id.as_str()).collect();
    ids.dedup();
    ids.join(", ")
}

/// The indexes `filter` keeps, latest versions only unless a book is named.
fn indexes(a: &Analysis, filter: &Filter) -> Vec<BookIndex> {
    let keep = |r: &Requirement| {
        filter.level.is_none_or(|l| r.level == l) && filter.kind.is_none_or(|k| r.kind == k)
    };
    a.requirements
        .books
        .iter()
        .filter(|br| {
            let book = &a.site.books[br.book];
            match &filter.book {
                Some(id) => &book.id == id,
                None => book.latest,
            }
        })
        .map(|br| book_index(&a.site, br, &keep))
        .collect()
}

/// `specsite requirements`: the index, filtered.
pub fn run_list(opts: &Options, filter: &Filter, format: ListFormat) -> Result<String, Fatal> {
    let a = analysed(opts)?;
    unknown_book(&a, &filter.book)?;
    let ixs = indexes(&a, filter);
    let site_url = a.site.config.site_url.clone();
    Ok(match format {
        ListFormat::Table => table(&ixs),
        ListFormat::Json => {
            let text = if ixs.len() == 1 && filter.book.is_some() {
                serde_json::to_string_pretty(&ixs[0])
            } else {
                serde_json::to_string_pretty(&SiteIndex { books: ixs })
            };
            text.unwrap_or_default() + "\n"
        }
        ListFormat::Csv => {
            let mut out = String::new();
            for (i, ix) in ixs.iter().enumerate() {
                let csv = checklist_csv(ix, site_url.as_deref());
                if i == 0 {
                    out.push_str(&csv);
                } else {
                    // One header for all books.
                    out.push_str(csv.split_once("\r\n").map(|x| x.1).unwrap_or(""));
                }
            }
            out
        }
    })
}

/// `specsite requirements lock [--check]`: writes each book's lock file
/// (or, with `check`, only says which would change). Exit 1 with `check`
/// when one would.
pub fn run_lock(opts: &Options, book: Option<&str>, check: bool) -> Result<(String, u8), Fatal> {
    let a = analysed(opts)?;
    unknown_book(&a, &book.map(str::to_string))?;
    let mut out = String::new();
    let mut changed = 0;
    for br in &a.requirements.books {
        let b = &a.site.books[br.book];
        if book.is_some_and(|id| id != b.id) || br.requirements.is_empty() && !br.locked {
            continue;
        }
        let old = read_lock(&a.site, br.book)
            .map_err(|d| Fatal::Other(anyhow::anyhow!("{}: {}", d.file, d.message)))?;
        let lock = lock_book(&br.requirements, old.as_ref());
        let text = write_lock_text(&lock);
        let rel = lock_path(&a.site, br.book);
        let path = a.site.root.join(&rel);
        let before = std::fs::read_to_string(&path).ok();
        if before.as_deref() == Some(text.as_str()) {
            continue;
        }
        changed += 1;
        let new = br
            .requirements
            .iter()
            .filter(|r| r.status == super::Status::Provisional && !r.extra.author_id)
            .count();
        if check {
            out.push_str(&format!(
                "{rel} would change ({new} unlocked requirements)\n"
            ));
        } else {
            std::fs::write(&path, &text)
                .map_err(|e| Fatal::Other(anyhow::anyhow!("cannot write {rel}: {e}")))?;
            out.push_str(&format!(
                "wrote {rel}: {} requirements ({new} newly locked)\n",
                lock.requirements.iter().filter(|e| !e.removed).count()
            ));
        }
    }
    if changed == 0 {
        out.push_str("requirement locks are up to date\n");
    }
    Ok((out, u8::from(check && changed > 0)))
}

/// The requirements of an old state: a `requirements.json` (one book's or
/// the site's) or a git revision of the site's sources.
fn old_indexes(opts: &Options, old: &str) -> Result<Vec<BookIndex>, Fatal> {
    let as_file = Path::new(old);
    if as_file.is_file() {
        let text = std::fs::read_to_string(as_file)
            .map_err(|e| Fatal::Other(anyhow::anyhow!("cannot read {old}: {e}")))?;
        if let Ok(site) = serde_json::from_str::<SiteIndex>(&text) {
            return Ok(site.books);
        }
        return serde_json::from_str::<BookIndex>(&text)
            .map(|b| vec![b])
            .map_err(|e| Fatal::Other(anyhow::anyhow!("{old} is no requirements.json: {e}")));
    }
    let tmp = tempfile::tempdir().map_err(|e| Fatal::Other(e.into()))?;
    let root = checkout(&opts.root, old, tmp.path())?;
    let config = opts.config.as_ref().map(|c| {
        // A config inside the root is read from the revision too.
        match c.strip_prefix(&opts.root) {
            Ok(rel) => root.join(rel),
            Err(_) => c.clone(),
        }
    });
    let a = analysed(&Options {
        root,
        config,
        ..opts.clone()
    })?;
    Ok(indexes(&a, &Filter::default()))
}

/// Extracts revision `rev` of the git repository holding `root` into
/// `into`; returns the root's copy.
fn checkout(root: &Path, rev: &str, into: &Path) -> Result<std::path::PathBuf, Fatal> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|e| Fatal::Other(anyhow::anyhow!("cannot run git: {e}")))
    };
    let inside = git(&["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() {
        return Err(Fatal::Other(anyhow::anyhow!(
            "`{rev}` is neither a requirements.json nor a git revision: {} is not in a git repository",
            root.display()
        )));
    }
    let archive = git(&["archive", "--format=tar", rev, "."])?;
    if !archive.status.success() {
        return Err(Fatal::Other(anyhow::anyhow!(
            "`{rev}` is neither a requirements.json nor a git revision: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        )));
    }
    let mut tar = std::process::Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Fatal::Other(anyhow::anyhow!("cannot run tar: {e}")))?;
    if let Some(mut stdin) = tar.stdin.take() {
        use std::io::Write as _;
        stdin
            .write_all(&archive.stdout)
            .map_err(|e| Fatal::Other(e.into()))?;
    }
    let status = tar.wait().map_err(|e| Fatal::Other(e.into()))?;
    if !status.success() {
        return Err(Fatal::Other(anyhow::anyhow!("tar could not unpack {rev}")));
    }
    // `git archive` run in a sub-folder writes that sub-tree only, with
    // paths relative to it: `into` is the root.
    Ok(into.to_path_buf())
}

/// One book's diff in a `requirements diff` report.
#[derive(Debug, serde::Serialize)]
pub struct BookDiff {
    /// Book id.
    pub book: String,
    /// Version label.
    pub version: Option<String>,
    /// What changed.
    #[serde(flatten)]
    pub diff: Diff,
}

/// `specsite requirements diff OLD`: every book's changes since `old`; exit
/// 1 on a breaking change (with `strict`, also on a changed IMMUTABLE text).
pub fn run_diff(
    opts: &Options,
    old: &str,
    json: bool,
    strict: bool,
) -> Result<(String, u8), Fatal> {
    let before = old_indexes(opts, old)?;
    let a = analysed(opts)?;
    let now = indexes(&a, &Filter::default());
    let mut diffs = Vec::new();
    for ix in &now {
        let prev = before
            .iter()
            .find(|o| o.book == ix.book && o.version == ix.version)
            .or_else(|| before.iter().find(|o| o.book == ix.book));
        let old_reqs = prev.map(|p| p.requirements.as_slice()).unwrap_or(&[]);
        if prev.is_none() && ix.requirements.is_empty() {
            continue;
        }
        diffs.push(BookDiff {
            book: ix.book.clone(),
            version: ix.version.clone(),
            diff: diff(old_reqs, &ix.requirements),
        });
    }
    for o in &before {
        if !now.iter().any(|n| n.book == o.book) {
            diffs.push(BookDiff {
                book: o.book.clone(),
                version: o.version.clone(),
                diff: diff(&o.requirements, &[]),
            });
        }
    }
    let fails = diffs.iter().any(|d| d.diff.fails(strict));
    let out = if json {
        serde_json::to_string_pretty(&serde_json::json!({ "books": diffs })).unwrap_or_default()
            + "\n"
    } else {
        let mut s = String::new();
        for d in &diffs {
            if d.diff.changes.is_empty() {
                continue;
            }
            s.push_str(&format!("{}:\n", d.book));
            for line in render_text(&d.diff).lines() {
                s.push_str(&format!("  {line}\n"));
            }
        }
        if s.is_empty() {
            s.push_str("no requirement changed\n");
        }
        s
    };
    Ok((out, u8::from(fails)))
}
