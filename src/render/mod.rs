//! Rendering: Tera templates from the embedded theme (overridable file by file
//! from `themes/<name>/`) wrap page bodies and generated pages.

pub mod context;
pub mod extras;
pub mod native;
pub mod site;
pub mod theme;

pub use theme::Theme;
