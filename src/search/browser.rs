//! Browser index.
use super::SearchDoc;
/// Info.
pub struct BrowserIndexInfo {}
/// Writes.
pub fn write_browser_index(
    _docs: &[SearchDoc],
    _out: &mut dyn FnMut(&str, Vec<u8>),
) -> BrowserIndexInfo {
    BrowserIndexInfo {}
}
