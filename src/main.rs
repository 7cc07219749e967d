//! The `specsite` command line: parses arguments, runs a command, picks the exit code.

use clap::{Parser, Subcommand};
use specsite::diag::{locate, Severity, Summary};
use specsite::{Fatal, Options};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compile specification books and a common glossary into a cross-linked,
/// searchable static site, checking terms and links as it builds.
#[derive(Parser)]
#[command(name = "specsite", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every command shares.
#[derive(clap::Args, Clone)]
struct Common {
    /// Site root.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Config file (default: <root>/specsite.yaml).
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Internal links name index.html, so the site browses from disk.
        #[arg(long)]
        offline: bool,
    },
    /// Run every check without writing output.
    Check {
        #[command(flatten)]
        common: Common,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            report_fatal(&e);
            ExitCode::from(2)
        }
    }
}

fn report_fatal(e: &Fatal) {
    eprintln!("error: {e}");
}

fn options(common: &Common) -> Options {
    Options {
        root: common.root.clone(),
        config: common.config.clone(),
        out: None,
        offline: false,
    }
}

fn run(cli: Cli) -> Result<u8, Fatal> {
    match cli.command {
        Command::Build {
            common,
            out,
            offline,
        } => {
            let out = out.unwrap_or_else(|| common.root.join("public"));
            let opts = Options {
                offline,
                ..options(&common)
            };
            let started = std::time::Instant::now();
            let result = specsite::build(&opts, &out)?;
            let a = &result.analysis;
            print_diagnostics(a);
            let s = Summary::of(&a.diagnostics);
            eprintln!(
                "built {} pages from {} books into {} in {} ms ({} errors, {} warnings)",
                result.pages_written,
                a.site.books.len(),
                out.display(),
                started.elapsed().as_millis(),
                s.errors,
                s.warnings
            );
            Ok(u8::from(s.errors > 0))
        }
        Command::Check {
            common,
            deny_warnings,
        } => {
            let a = specsite::analyse(&options(&common))?;
            print_diagnostics(&a);
            let s = Summary::of(&a.diagnostics);
            Ok(u8::from(s.errors > 0 || (deny_warnings && s.warnings > 0)))
        }
    }
}

fn print_diagnostics(a: &specsite::Analysis) {
    for d in &a.diagnostics {
        let l = locate(d, a.site.sources.get(&d.file).map(|s| &**s));
        let sev = match l.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        eprintln!(
            "{}:{}:{}: {sev}[{}]: {}",
            l.file, l.line, l.column, l.rule, l.message
        );
    }
}
