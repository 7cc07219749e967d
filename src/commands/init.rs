//! `specsite init`: a small working site to start from.

use specsite::Fatal;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Folder to create (must be empty or absent).
    dir: PathBuf,
    /// Accepted like every command's; the starter's own config is written to DIR.
    #[arg(long, hide = true)]
    config: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    let dir = &args.dir;
    specsite::init::init_site(dir)?;
    println!(
        "created a starter site in {}; build it with: specsite build --root {}",
        dir.display(),
        dir.display()
    );
    Ok(0)
}
