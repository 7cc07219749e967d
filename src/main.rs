//! The `specsite` command line: parses arguments, runs a command, picks the exit code.

use clap::{Parser, Subcommand};
use specsite::checks;
use specsite::diag::render::{render_report, Format, ReportOptions};
use specsite::diag::{sort_diagnostics, Summary};
use specsite::{Fatal, Options};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: the build allocates many small strings across rayon threads,
/// where it is markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Report format for the findings (printed to stderr).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Run every check without writing output.
    Check {
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
        /// Findings in versions other than the latest keep their own
        /// severity (by default they are info).
        #[arg(long)]
        all_versions: bool,
        /// Keep only findings in these files (what pre-commit passes).
        files: Vec<PathBuf>,
    },
    /// Search glossary terms and page sections from a local full-text index.
    Search {
        /// What to look for.
        query: String,
        #[command(flatten)]
        common: Common,
        /// Only this book (common glossary terms are always searched).
        #[arg(long)]
        book: Option<String>,
        /// Number of results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON (DESIGN §7 shape).
        #[arg(long)]
        json: bool,
        /// Cache folder for the index (default: <root>/.specsite).
        #[arg(long)]
        cache: Option<PathBuf>,
    },
    /// Print a glossary term's definition (exact name, alias or abbreviation).
    Define {
        /// The term to look up.
        term: String,
        #[command(flatten)]
        common: Common,
        /// Print JSON (DESIGN §7 shape).
        #[arg(long)]
        json: bool,
        /// Cache folder for the search index (default: <root>/.specsite).
        #[arg(long)]
        cache: Option<PathBuf>,
    },
    /// Print a terminology page's terms as glossary YAML.
    ImportTerms {
        /// The terminology page.
        page: PathBuf,
        /// Accepted for symmetry with other commands; unused.
        #[arg(long, hide = true)]
        config: Option<PathBuf>,
    },
    /// Serve the site on 127.0.0.1 from memory, rebuilding and reloading the
    /// browser as sources change.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Port (0 picks a free one, printed at start).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to listen on instead of 127.0.0.1 (prints a warning).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Write a small working site to start from.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
        /// Accepted like every command's; the starter's own config is written to DIR.
        #[arg(long, hide = true)]
        config: Option<PathBuf>,
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
    if let Fatal::Load(specsite::content::LoadError::Config {
        diagnostic, text, ..
    }) = e
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

fn options(common: &Common) -> Options {
    Options {
        root: common.root.clone(),
        config: common.config.clone(),
        out: None,
        offline: false,
        skip_html: false,
        all_versions: false,
    }
}

fn run(cli: Cli) -> Result<u8, Fatal> {
    match cli.command {
        Command::Build {
            common,
            out,
            offline,
            format,
        } => {
            let out = out.unwrap_or_else(|| common.root.join("public"));
            let opts = Options {
                offline,
                ..options(&common)
            };
            let started = std::time::Instant::now();
            let specsite::BuildResult {
                analysis,
                pages_written,
                cleanup,
            } = specsite::build(&opts, &out)?;
            let a = &analysis;
            let mut ropts =
                ReportOptions::for_stdout(&common.root, format).with_git_sources(&a.site);
            ropts.color &= std::io::IsTerminal::is_terminal(&std::io::stderr());
            eprint!(
                "{}",
                render_report(format, &a.diagnostics, &a.site.sources, &ropts)
            );
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
            drop(cleanup);
            std::mem::forget(analysis);
            Ok(u8::from(s.errors > 0))
        }
        Command::Check {
            common,
            format,
            changed_since,
            deny_warnings,
            external,
            cache,
            all_versions,
            files,
        } => {
            let mut a = specsite::analyse(&Options {
                skip_html: true,
                all_versions,
                ..options(&common)
            })?;
            let mut diags = std::mem::take(&mut a.diagnostics);
            if external {
                let cache = cache.unwrap_or_else(|| common.root.join(".specsite"));
                let urls = checks::external_urls(&a.site, &a.docs);
                let mut found = checks::check_external(urls, &cache, &Default::default());
                checks::apply_config(&mut found, &a.site.config, &a.site.sources);
                diags.extend(found);
            }
            let mut keep: Option<BTreeSet<String>> = None;
            if let Some(rev) = &changed_since {
                keep = Some(checks::changed_files(&common.root, rev).map_err(Fatal::Other)?);
            }
            if !files.is_empty() {
                let cwd = std::env::current_dir().unwrap_or_default();
                let named: BTreeSet<String> = files
                    .iter()
                    .filter_map(|f| checks::root_relative(&common.root, &cwd, f))
                    .collect();
                keep = Some(match keep {
                    Some(k) => k.intersection(&named).cloned().collect(),
                    None => named,
                });
            }
            if let Some(keep) = &keep {
                diags = checks::filter_report(diags, keep, &a.site, &a.docs);
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
        Command::Search {
            query,
            common,
            book,
            limit,
            json,
            cache,
        } => {
            let index = specsite::open_search_index(&options(&common), cache.as_deref())?;
            let hits = index.search(&query, book.as_deref(), limit);
            if json {
                println!("{}", specsite::search::format_json(&hits));
            } else {
                use std::io::IsTerminal;
                let color = std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                print!("{}", specsite::search::format_human(&hits, color));
            }
            Ok(u8::from(hits.is_empty()))
        }
        Command::Define {
            term,
            common,
            json,
            cache,
        } => {
            let a = specsite::load_glossary_only(&options(&common))?;
            let mut result = specsite::glossary::define(&a.1, &term);
            if !result.found() {
                // Fall back to the full-text index for "did you mean".
                if let Ok(index) = specsite::open_search_index(&options(&common), cache.as_deref())
                {
                    for name in specsite::search::did_you_mean(&index, &term) {
                        if !result.did_you_mean.contains(&name) {
                            result.did_you_mean.push(name);
                        }
                    }
                }
            }
            if json {
                println!("{}", result.to_json());
            } else {
                print!("{}", result.to_text());
            }
            Ok(u8::from(!result.found()))
        }
        Command::ImportTerms { page, config: _ } => {
            let text = std::fs::read_to_string(&page).map_err(|e| {
                Fatal::Other(anyhow::anyhow!("cannot read {}: {e}", page.display()))
            })?;
            print!(
                "{}",
                specsite::glossary::import_terms(&text, &page.to_string_lossy())
            );
            Ok(0)
        }
        Command::Serve { common, port, bind } => {
            specsite::serve::run(specsite::serve::ServeOptions {
                root: common.root,
                config: common.config,
                port,
                bind,
            })
        }
        Command::Init { dir, config: _ } => {
            specsite::init::init_site(&dir)?;
            println!(
                "created a starter site in {}; build it with: specsite build --root {}",
                dir.display(),
                dir.display()
            );
            Ok(0)
        }
    }
}
