//! `specsite search`: terms and page sections from the local tantivy index.

use super::Common;
use specsite::Fatal;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    let index = specsite::open_search_index(&args.common.options(), args.cache.as_deref())?;
    let hits = index.search(&args.query, args.book.as_deref(), args.limit);
    if args.json {
        println!("{}", specsite::search::format_json(&hits));
    } else {
        use std::io::IsTerminal;
        let color = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        print!("{}", specsite::search::format_human(&hits, color));
    }
    Ok(u8::from(hits.is_empty()))
}
