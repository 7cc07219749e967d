//! `specsite requirements`: the requirement index of every book (or one),
//! `requirements lock` to fix their ids, `requirements diff OLD` to compare
//! with an earlier state (DESIGN.md §9).

use super::Common;
use specsite::requirements::cli::{run_diff, run_list, run_lock, Filter, ListFormat};
use specsite::requirements::{Level, ReqType};
use specsite::Fatal;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    #[command(flatten)]
    list: ListArgs,
}

#[derive(clap::Args)]
struct ListArgs {
    #[command(flatten)]
    common: Common,
    /// Only this book (its id; every version of it).
    #[arg(long)]
    book: Option<String>,
    /// Only this level: REQUIRED, RECOMMENDED, OPTIONAL, DRAFT or DEPRECATED (any case).
    #[arg(long, value_parser = parse_level)]
    level: Option<Level>,
    /// Only this type: cross-cutting, functional, key-functionality, interface or other.
    #[arg(long = "type", value_parser = parse_type)]
    kind: Option<ReqType>,
    /// Output: a table, requirements.json, or the compliance checklist CSV.
    #[arg(long, value_enum, default_value_t = Form::Table)]
    format: Form,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Form {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffForm {
    Human,
    Json,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Write each book's requirements.lock (beside its SUMMARY.md): every
    /// requirement keeps its id, new ones get the next number.
    Lock {
        #[command(flatten)]
        common: Common,
        /// Only this book.
        #[arg(long)]
        book: Option<String>,
        /// Write nothing; exit 1 when a lock file would change (for CI).
        #[arg(long)]
        check: bool,
    },
    /// Compare with OLD (a requirements.json or a git revision): added,
    /// removed, level-changed, text-changed and moved requirements.
    Diff {
        /// A requirements.json file, or a git revision of the site.
        old: String,
        #[command(flatten)]
        common: Common,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffForm::Human)]
        format: DiffForm,
        /// Also exit 1 when the text of an IMMUTABLE requirement changed.
        #[arg(long)]
        strict: bool,
    },
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| {
        format!("unknown level `{s}` (REQUIRED, RECOMMENDED, OPTIONAL, DRAFT, DEPRECATED)")
    })
}

fn parse_type(s: &str) -> Result<ReqType, String> {
    ReqType::parse(s).ok_or_else(|| {
        format!(
            "unknown type `{s}` (cross-cutting, functional, key-functionality, interface, other)"
        )
    })
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    match args.action {
        None => {
            let l = args.list;
            let filter = Filter {
                book: l.book,
                level: l.level,
                kind: l.kind,
            };
            let format = match l.format {
                Form::Table => ListFormat::Table,
                Form::Json => ListFormat::Json,
                Form::Csv => ListFormat::Csv,
            };
            print!("{}", run_list(&l.common.options(), &filter, format)?);
            Ok(0)
        }
        Some(Action::Lock {
            common,
            book,
            check,
        }) => {
            let (out, code) = run_lock(&common.options(), book.as_deref(), check)?;
            print!("{out}");
            Ok(code)
        }
        Some(Action::Diff {
            old,
            common,
            format,
            strict,
        }) => {
            let json = matches!(format, DiffForm::Json);
            let (out, code) = run_diff(&common.options(), &old, json, strict)?;
            print!("{out}");
            Ok(code)
        }
    }
}
