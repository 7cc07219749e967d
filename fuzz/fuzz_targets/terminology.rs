//! A terminology page: its terms and abbreviation tables read, the glossary
//! built, every page checked against it; and the same page through
//! `import-terms`, whose YAML must load back.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let yaml = specsite::glossary::import_terms(&text, "terminology.md");
    let _ = specsite::glossary::yaml::load_yaml_terms(&yaml, "imported.yaml");
    let mut f = common::fixture();
    f.set_page("content/book/terminology.md", &text);
    f.check_site();
});
