//! Book discovery and the single walk over the root (DESIGN.md §1).
//!
//! TODO(loader): implement.

use super::{LoadError, LoadOptions, Site};

/// Loads the whole site: config, books, pages, assets, glossary files.
pub fn load_site(_opts: &LoadOptions) -> Result<Site, LoadError> {
    Err(LoadError::Other("not implemented".into()))
}
