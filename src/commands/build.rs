//! `specsite build`: the whole pipeline, the site written to `--out`.

use super::Common;
use specsite::diag::render::{render_report, Format, ReportOptions};
use specsite::diag::Summary;
use specsite::{Fatal, Options};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// Output folder (default: <root>/public).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Internal links name index.html, so the site browses from disk.
    #[arg(long)]
    offline: bool,
    /// Report format for the findings (printed to stderr).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    let (format, root) = (args.format, args.common.root.clone());
    let result = run_build(args);
    if let Err(e) = &result {
        if let Some(report) = super::fatal_report(e, format, &root) {
            eprint!("{report}");
        }
    }
    result
}

fn run_build(args: Args) -> Result<u8, Fatal> {
    let Args {
        common,
        out,
        offline,
        format,
    } = args;
    let out = out.unwrap_or_else(|| common.root.join("public"));
    let opts = Options {
        offline,
        ..common.options()
    };
    let started = std::time::Instant::now();
    // The report is laid out beside the rendering, printed once the site is in place.
    let report = |site: &specsite::content::Site, diags: &[_], sources: &_| {
        let mut ropts = ReportOptions::for_stdout(&common.root, format).with_git_sources(site);
        ropts.color &= std::io::IsTerminal::is_terminal(&std::io::stderr());
        render_report(format, diags, sources, &ropts)
    };
    let (
        specsite::BuildResult {
            analysis,
            pages_written,
            cleanup,
        },
        report,
    ) = specsite::build_with_report(&opts, &out, report)?;
    let a = &analysis;
    eprint!("{report}");
    let s = Summary::of(&a.diagnostics);
    eprintln!(
        "built {} pages from {} into {} in {} ms",
        pages_written,
        specsite::content::count_books(&a.site),
        out.display(),
        started.elapsed().as_millis(),
    );
    // Wait for the old output's removal; the analysis is left for the
    // process exit to free at once, faster than piece by piece.
    let mut t = specsite::timing::Stages::start();
    drop(cleanup);
    t.mark("old output removed");
    std::mem::forget(analysis);
    Ok(u8::from(s.errors > 0))
}
