//! `specsite define`: a term's definition, with "did you mean" from the
//! search index when nothing matches exactly.

use super::Common;
use specsite::Fatal;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    let opts = args.common.options();
    let (_, glossary) = specsite::load_glossary_only(&opts)?;
    let mut result = specsite::glossary::define(&glossary, &args.term);
    if !result.found() {
        // Fall back to the full-text index for "did you mean".
        if let Ok(index) = specsite::open_search_index(&opts, args.cache.as_deref()) {
            for name in specsite::search::did_you_mean(&index, &args.term) {
                if !result.did_you_mean.contains(&name) {
                    result.did_you_mean.push(name);
                }
            }
        }
    }
    if args.json {
        println!("{}", result.to_json());
    } else {
        print!("{}", result.to_text());
    }
    Ok(u8::from(!result.found()))
}
