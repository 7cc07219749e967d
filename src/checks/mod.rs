//! Checks over the whole site (DESIGN.md §6).
//!
//! Checks run once every page is parsed and every link resolved. Each rule
//! lives in its own file; [`registry`] applies the configuration (severity
//! overrides, inline suppressions) to their findings, and [`filter`] narrows
//! a report to the files a change touched.

pub mod broken_anchor;
pub mod broken_link;
pub mod explain;
pub mod external;
pub mod filter;
pub mod git;
pub mod links;
pub mod missing_asset;
pub mod path_outside_root;
pub mod registry;
pub mod suggest;
pub mod versions;

pub use external::{check_external, external_urls, ExternalOptions};
pub use filter::{exit_code, filter_report, root_relative};
pub use git::{changed_files, git_prefix};
pub use links::check_links;
pub use registry::apply_config;
pub use versions::demote_old_versions;
