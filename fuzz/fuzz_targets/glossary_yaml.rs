//! A glossary YAML file: loaded, built into the glossary, every page checked
//! against it.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut f = common::fixture();
    f.set_source("glossary/common.yaml", &text);
    f.check_site();
});
