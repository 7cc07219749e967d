//! The markdown parser and the GitBook dialect, on any page text.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut f = common::fixture();
    let p = f.set_page("content/book/a.md", &text);
    f.check_page(p);
});
