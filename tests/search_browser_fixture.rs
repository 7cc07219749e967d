//! Writes a small searchable site to `target/search-fixture/` (and an offline
//! variant to `target/search-fixture-offline/`) for
//! `tests/browser/search.test.mjs`, and checks the index files it wrote.

mod search_support;

use specsite::search::{DocKind, SearchDoc};
use std::path::Path;

fn doc(
    kind: DocKind,
    book: &str,
    title: &str,
    url: &str,
    text: &str,
    aliases: &[&str],
) -> SearchDoc {
    SearchDoc {
        kind,
        book: book.into(),
        book_title: match book {
            "" => String::new(),
            "registries" => "Digital Registries".into(),
            b => format!("{}{}", b[..1].to_uppercase(), &b[1..]),
        },
        version: None,
        title: title.into(),
        heading_path: if kind == DocKind::Section {
            vec!["Overview".into()]
        } else {
            Vec::new()
        },
        url: url.into(),
        text: text.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
    }
}

fn fixture_docs() -> Vec<SearchDoc> {
    vec![
        doc(DocKind::Term, "", "Consent Agreement", "glossary/consent-agreement/", "An agreement between an individual and a data controller about the use of personal data.", &["CA"]),
        doc(DocKind::Term, "", "Registry", "glossary/registry/", "A system of record that holds data about people, places or things.", &[]),
        doc(DocKind::Term, "", "Building Block", "glossary/building-block/", "A reusable software component offering a <b>business</b> capability & more.", &["BB"]),
        doc(DocKind::Section, "registries", "Registry data model", "registries/data-model/#registry-data-model", "Each registry stores records; the registry schema is defined by the administrator.", &[]),
        doc(DocKind::Section, "registries", "Querying registries", "registries/api/#querying-registries", "Clients query a registry through its API with filters and paging.", &[]),
        doc(DocKind::Section, "consent", "Signing the agreement", "consent/flows/#signing", "The individual signs the consent agreement; a consent record is created.", &[]),
        doc(DocKind::Section, "consent", "Café reçu", "consent/flows/#cafe", "Diacritics such as crème brûlée are folded for search.", &[]),
        doc(DocKind::Section, "payments", "<img src=x onerror=alert(1)>", "payments/xss/#probe", "xssprobe text with <script>alert(2)</script> inside.", &[]),
    ]
}

#[test]
fn writes_browser_fixture_site() {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let docs = fixture_docs();
    let info = search_support::write_site(&target.join("search-fixture"), &docs, false);
    let offline = search_support::write_site(&target.join("search-fixture-offline"), &docs, true);
    assert_eq!(info, offline, "the index does not depend on the link style");
    assert!(info.manifest.starts_with("search/manifest.") && info.manifest.ends_with(".js"));
    let manifest =
        std::fs::read_to_string(target.join("search-fixture").join(&info.manifest)).unwrap();
    assert!(manifest.starts_with("__specsiteSearch.manifest({"));
    // Every file is named with the same content hash.
    let hash = info
        .manifest
        .trim_start_matches("search/manifest.")
        .trim_end_matches(".js")
        .to_string();
    assert!(info
        .files
        .iter()
        .all(|(p, _)| p.ends_with(&format!(".{hash}.js"))));
    assert_eq!(info.files.len(), info.shards + info.doc_parts + 1);
    // The XSS probe is data, stored as a JSON string, never markup of ours.
    let parts: String = info
        .files
        .iter()
        .filter(|(p, _)| p.contains("/d"))
        .map(|(p, _)| std::fs::read_to_string(target.join("search-fixture").join(p)).unwrap())
        .collect();
    assert!(parts.contains(r#""<img src=x onerror=alert(1)>""#));
}
