//! specsite: compile GitBook-style specification books and a common glossary
//! into a cross-linked, searchable static site, checking terms and links as it
//! builds.
//!
//! A build is a pipeline: load → parse → resolve → check → render/index →
//! write. Each stage lives in its own module with a small, typed interface.

#![warn(missing_docs)]

pub mod checks;
pub mod config;
pub mod content;
pub mod diag;
pub mod glossary;
pub mod init;
pub mod markdown;
pub mod render;
pub mod resolve;
pub mod search;
pub mod urls;
pub mod yaml;
