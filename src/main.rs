//! The `specsite` command line: parses arguments and hands them to the
//! command's module in `commands/`, which runs it and picks the exit code.

mod commands;

use clap::{Parser, Subcommand};
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

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder.
    Build(commands::build::Args),
    /// Run every check without writing output.
    Check(commands::check::Args),
    /// Search glossary terms and page sections from a local full-text index.
    Search(commands::search::Args),
    /// Print a glossary term's definition (exact name, alias or abbreviation).
    Define(commands::define::Args),
    /// Print a terminology page's terms as glossary YAML.
    ImportTerms(commands::import_terms::Args),
    /// Serve the site on 127.0.0.1 from memory, rebuilding and reloading the
    /// browser as sources change.
    Serve(commands::serve::Args),
    /// Write a small working site to start from.
    Init(commands::init::Args),
    /// List the books' requirements (table, JSON or checklist CSV); `lock`
    /// fixes their ids, `diff OLD` compares with an earlier state.
    Requirements(commands::requirements::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Build(args) => commands::build::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Search(args) => commands::search::run(args),
        Command::Define(args) => commands::define::run(args),
        Command::ImportTerms(args) => commands::import_terms::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Init(args) => commands::init::run(args),
        Command::Requirements(args) => commands::requirements::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            commands::report_fatal(&e);
            ExitCode::from(2)
        }
    }
}
