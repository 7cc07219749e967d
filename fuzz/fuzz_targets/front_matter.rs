//! Front matter: the split, and a page with it parsed and checked.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let text = format!("---\n{body}\n---\n# Title\n\nText.\n");
    let (_, start, err) = specsite::content::frontmatter::split_front_matter(&text);
    assert!(start <= text.len() && text.is_char_boundary(start));
    if let Some(e) = err {
        assert!(e.offset.is_none_or(|o| o <= text.len()), "{e:?}");
    }
    let mut f = common::fixture();
    let p = f.set_page("content/book/a.md", &text);
    f.check_page(p);
});
