//! `specsite check`: every check, no output written; the report narrowed to
//! `--changed-since` and `FILE...` when given.

use super::Common;
use specsite::checks;
use specsite::diag::render::{render_report, Format, ReportOptions};
use specsite::diag::{fix, sort_diagnostics, Safety};
use specsite::{Fatal, Options};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Keep findings in files changed since this git revision (committed or not),
    /// and findings anywhere whose link target is a changed file.
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Also check http(s) links (cached in <root>/.specsite/).
    #[arg(long)]
    external: bool,
    /// Cache folder for --external results.
    #[arg(long)]
    cache: Option<PathBuf>,
    /// Findings in versions other than the latest keep their own severity
    /// (by default they are info).
    #[arg(long)]
    all_versions: bool,
    /// Apply the safe fixes in place, then report what is left.
    #[arg(long)]
    fix: bool,
    /// Apply the unsafe fixes too (implies --fix, or widens --diff).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Print a rule's documentation (what, why, example, options, defaults, fix) and exit.
    #[arg(long, value_name = "RULE")]
    explain: Option<String>,
    /// Keep only findings in these files (what pre-commit passes).
    files: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    let (format, root) = (args.format, args.common.root.clone());
    let result = run_checks(args);
    if let Err(e) = &result {
        if let Some(report) = super::fatal_report(e, format, &root) {
            print!("{report}");
        }
    }
    result
}

fn run_checks(args: Args) -> Result<u8, Fatal> {
    let Args {
        common,
        format,
        changed_since,
        deny_warnings,
        external,
        cache,
        all_versions,
        fix,
        unsafe_fixes,
        diff,
        explain,
        files,
    } = args;
    if let Some(name) = explain {
        let Some(rule) = specsite::diag::Rule::from_name(&name) else {
            let names: Vec<&str> = specsite::diag::Rule::ALL.iter().map(|r| r.name()).collect();
            return Err(Fatal::Other(anyhow::anyhow!(
                "no rule is named `{name}`; rules: {}",
                names.join(", ")
            )));
        };
        print!("{}", checks::explain::explain(rule));
        return Ok(0);
    }
    let find = || -> Result<Findings, Fatal> {
        let mut a = specsite::analyse(&Options {
            skip_html: true,
            all_versions,
            ..common.options()
        })?;
        let mut diags = std::mem::take(&mut a.diagnostics);
        if external {
            let cache = cache
                .clone()
                .unwrap_or_else(|| common.root.join(".specsite"));
            let urls = checks::external_urls(&a.site, &a.docs);
            let mut found = checks::check_external(urls, &cache, &Default::default());
            checks::apply_config(&mut found, &a.site.config, &a.site.sources);
            diags.extend(found);
        }
        let keep = files_to_report(&common, &a.site, changed_since.as_deref(), &files)?;
        if let Some(keep) = &keep {
            diags = checks::filter_report(diags, keep, &a.site, &a.docs);
        }
        sort_diagnostics(&mut diags);
        Ok(Findings { a, diags, keep })
    };
    let mut found = find()?;
    let safety = if unsafe_fixes {
        Safety::Unsafe
    } else {
        Safety::Safe
    };
    if diff {
        let (new, _) = fixes_to_apply(&found, safety);
        for (file, text) in &new {
            print!(
                "{}",
                fix::unified_diff(file, &found.a.site.sources[file], text)
            );
        }
        std::mem::forget(found.a);
        return Ok(if new.is_empty() { 0 } else { 1 });
    }
    if fix || unsafe_fixes {
        let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
        // Fixes that overlap wait for the next round; a round that applies
        // nothing ends it.
        for _ in 0..10 {
            let (new, applied) = fixes_to_apply(&found, safety);
            if new.is_empty() {
                break;
            }
            for rule in applied {
                *by_rule.entry(rule).or_insert(0) += 1;
            }
            for (file, text) in &new {
                let path = (found.a.site.disk_path(file))
                    .ok_or_else(|| Fatal::Other(anyhow::anyhow!("{file} is not on disk")))?;
                std::fs::write(path, text)
                    .map_err(|e| Fatal::Other(anyhow::anyhow!("cannot write {file}: {e}")))?;
            }
            std::mem::forget(std::mem::replace(&mut found, find()?));
        }
        let total: usize = by_rule.values().sum();
        let list: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        if total == 0 {
            eprintln!("no fixes applied");
        } else {
            eprintln!("fixed {total} finding(s) ({})", list.join(", "));
        }
    }
    let Findings { a, diags, .. } = found;
    print!(
        "{}",
        render_report(
            format,
            &diags,
            &a.site.sources,
            &ReportOptions::for_stdout(&common.root, format).with_git_sources(&a.site)
        )
    );
    // Left for the process exit to free at once.
    std::mem::forget(a);
    Ok(checks::exit_code(&diags, deny_warnings) as u8)
}

/// One run of the checks: the analysis, the findings to report, and the
/// files they were narrowed to (`None`: all).
struct Findings {
    a: specsite::Analysis,
    diags: Vec<specsite::diag::Diagnostic>,
    keep: Option<BTreeSet<String>>,
}

/// The new text of each file the fixes of `found` up to `safety` change,
/// and the rule of each fix applied. Only files on disk under the root whose
/// text is the one checked, and (with `--changed-since` or `FILE...`) only
/// the files named, are edited.
fn fixes_to_apply(
    found: &Findings,
    safety: Safety,
) -> (BTreeMap<String, String>, Vec<&'static str>) {
    let sources = &found.a.site.sources;
    // Files on disk only: a file read from git objects has no disk path
    // (a `worktree: true` version's files do).
    let on_disk = |file: &str| {
        found.a.site.disk_path(file).is_some_and(|p| {
            std::fs::read(p)
                .is_ok_and(|bytes| sources.get(file).is_some_and(|t| t.as_bytes() == bytes))
        })
    };
    let mut editable: BTreeMap<&str, bool> = BTreeMap::new();
    let mut chosen = Vec::new();
    for d in &found.diags {
        let Some(f) = &d.fix else { continue };
        if f.safety > safety {
            continue;
        }
        let ok = f.edits.iter().all(|e| {
            let named = found.keep.as_ref().is_none_or(|k| k.contains(&e.file));
            named
                && *editable
                    .entry(e.file.as_str())
                    .or_insert_with(|| on_disk(&e.file))
        });
        if ok {
            chosen.push((f, d.rule.name()));
        }
    }
    let (new, applied) = fix::apply(sources, chosen.iter().map(|(f, _)| *f));
    let rules = applied
        .iter()
        .filter_map(|a| {
            chosen
                .iter()
                .find(|(f, _)| std::ptr::eq(*f, *a))
                .map(|(_, r)| *r)
        })
        .collect();
    (new, rules)
}

/// The root-relative files whose findings are reported: those changed since
/// `changed_since`, narrowed to `files` when any are named; `None` keeps all.
/// Files on disk only: those under the root, and those of a `worktree: true`
/// version (named `<book>@<label>/<path>`); files read from git objects are
/// never in the set.
fn files_to_report(
    common: &Common,
    site: &specsite::content::Site,
    changed_since: Option<&str>,
    files: &[PathBuf],
) -> Result<Option<BTreeSet<String>>, Fatal> {
    let worktrees: Vec<(&str, &std::path::Path)> = (site.git_versions.iter())
        .filter_map(|v| Some((v.dir.as_str(), v.workdir.as_deref()?)))
        .collect();
    let mut keep: Option<BTreeSet<String>> = None;
    if let Some(rev) = changed_since {
        let mut changed = checks::changed_files(&common.root, rev).map_err(Fatal::Other)?;
        // A working tree in another repository: its changes since `rev`
        // when that repository knows the revision.
        for (dir, work) in &worktrees {
            if let Ok(files) = checks::changed_files(work, rev) {
                changed.extend(files.into_iter().map(|f| format!("{dir}/{f}")));
            }
        }
        keep = Some(changed);
    }
    if !files.is_empty() {
        let cwd = std::env::current_dir().unwrap_or_default();
        let named: BTreeSet<String> = files
            .iter()
            .filter_map(|f| {
                let in_worktree = worktrees.iter().find_map(|(dir, work)| {
                    Some(format!("{dir}/{}", checks::root_relative(work, &cwd, f)?))
                });
                in_worktree.or_else(|| checks::root_relative(&common.root, &cwd, f))
            })
            .collect();
        keep = Some(match keep {
            Some(k) => k.intersection(&named).cloned().collect(),
            None => named,
        });
    }
    Ok(keep)
}
