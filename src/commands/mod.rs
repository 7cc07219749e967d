//! One module per command, as ruff's `commands/`: each holds the command's
//! arguments (`Args`, clap derive) and `run`, which does the work through the
//! library and returns the exit code (0, 1) or a [`Fatal`] (exit 2).

pub mod build;
pub mod check;
pub mod define;
pub mod import_terms;
pub mod init;
pub mod requirements;
pub mod search;
pub mod serve;

use specsite::diag::render::{render_report, Format, ReportOptions};
use specsite::{Fatal, Options};
use std::path::PathBuf;

/// Options every command that reads a site shares.
#[derive(clap::Args, Clone)]
pub struct Common {
    /// Site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Config file (default: <root>/specsite.yaml).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl Common {
    /// Library options for this root and config, nothing else set.
    pub fn options(&self) -> Options {
        Options {
            root: self.root.clone(),
            config: self.config.clone(),
            out: None,
            offline: false,
            skip_html: false,
            all_versions: false,
        }
    }
}

/// Prints a command's fatal error to stderr; an invalid config file also
/// gets its `invalid-yaml` finding with the snippet.
pub fn report_fatal(e: &Fatal) {
    if let Fatal::Load(
        specsite::content::LoadError::Config {
            diagnostic, text, ..
        }
        | specsite::content::LoadError::Source {
            diagnostic, text, ..
        },
    ) = e
    {
        let mut sources = std::collections::BTreeMap::new();
        sources.insert(diagnostic.file.clone(), text.clone());
        let opts = ReportOptions {
            color: false,
            ..Default::default()
        };
        eprint!(
            "{}",
            render_report(
                Format::Human,
                std::slice::from_ref(diagnostic),
                &sources,
                &opts
            )
        );
    }
    eprintln!("error: {e}");
}

/// The report of a command that could not run, in a machine `format`
/// (`None` for `human`, whose report of a fatal error is
/// [`report_fatal`]'s): a well-formed report holding the fatal finding, so
/// CI that uploads it never gets an empty file.
pub fn fatal_report(e: &Fatal, format: Format, root: &std::path::Path) -> Option<String> {
    if format == Format::Human {
        return None;
    }
    let (diagnostic, text) = e.finding();
    let mut sources = std::collections::BTreeMap::new();
    if let Some(text) = text {
        sources.insert(diagnostic.file.clone(), text);
    }
    let opts = ReportOptions {
        color: false,
        ..ReportOptions::for_stdout(root, format)
    };
    Some(render_report(
        format,
        std::slice::from_ref(&diagnostic),
        &sources,
        &opts,
    ))
}
