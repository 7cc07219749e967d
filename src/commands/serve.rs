//! `specsite serve`: build into memory, serve, rebuild on change.

use super::Common;
use specsite::Fatal;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// Port (0 picks a free one, printed at start).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Address to listen on instead of 127.0.0.1 (prints a warning).
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
}

pub fn run(args: Args) -> Result<u8, Fatal> {
    specsite::serve::run(specsite::serve::ServeOptions {
        root: args.common.root,
        config: args.common.config,
        port: args.port,
        bind: args.bind,
    })
}
