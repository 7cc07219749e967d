//! `specsite import-terms`: a terminology page's terms as glossary YAML.

use specsite::Fatal;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The terminology page.
    page: PathBuf,
    /// Accepted for symmetry with other commands; unused.
    #[arg(long, hide = true)]
    config: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    let page = &args.page;
    let text = std::fs::read_to_string(page)
        .map_err(|e| Fatal::Other(anyhow::anyhow!("cannot read {}: {e}", page.display())))?;
    print!(
        "{}",
        specsite::glossary::import_terms(&text, &page.to_string_lossy())
    );
    Ok(0)
}
