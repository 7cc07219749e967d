//! `specsite check`: every check, no output written; the report narrowed to
//! `--changed-since` and `FILE...` when given.

use super::Common;
use specsite::checks;
use specsite::diag::render::{render_report, Format, ReportOptions};
use specsite::diag::sort_diagnostics;
use specsite::{Fatal, Options};
use std::collections::BTreeSet;
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
    /// Print a rule's documentation (what, why, example, options, defaults, fix) and exit.
    #[arg(long, value_name = "RULE")]
    explain: Option<String>,
    /// Keep only findings in these files (what pre-commit passes).
    files: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    let Args {
        common,
        format,
        changed_since,
        deny_warnings,
        external,
        cache,
        all_versions,
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
    let mut a = specsite::analyse(&Options {
        skip_html: true,
        all_versions,
        ..common.options()
    })?;
    let mut diags = std::mem::take(&mut a.diagnostics);
    if external {
        let cache = cache.unwrap_or_else(|| common.root.join(".specsite"));
        let urls = checks::external_urls(&a.site, &a.docs);
        let mut found = checks::check_external(urls, &cache, &Default::default());
        checks::apply_config(&mut found, &a.site.config, &a.site.sources);
        diags.extend(found);
    }
    if let Some(keep) = files_to_report(&common, &a.site, changed_since.as_deref(), &files)? {
        diags = checks::filter_report(diags, &keep, &a.site, &a.docs);
    }
    sort_diagnostics(&mut diags);
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
