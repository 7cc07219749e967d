//! Search over the GovStack corpus: ranking acceptance queries, warm query
//! time of the CLI index, and the browser index's download budget. Writes the
//! corpus site to `target/search-corpus-site/` for the browser test.

mod search_support;

use specsite::search::{open_or_build_index, DocKind};
use std::path::Path;
use std::time::Instant;

const QUERIES: &[&str] = &[
    "registry",
    "consent",
    "authentication",
    "payment",
    "workflow",
];

#[test]
fn corpus_cli_search_ranks_terms_first_and_answers_warm_queries_fast() {
    let Some(corpus) = search_support::corpus_dir() else {
        return;
    };
    let docs = search_support::corpus_docs(&corpus);
    let terms = docs.iter().filter(|d| d.kind == DocKind::Term).count();
    eprintln!("corpus: {} docs ({terms} terms)", docs.len());
    assert!(docs.len() > 1000 && terms > 100);
    let cache = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let idx = open_or_build_index(cache.path(), 7, || docs.clone()).unwrap();
    eprintln!("cold build: {:?}", t.elapsed());
    drop(idx);
    let t = Instant::now();
    let idx = open_or_build_index(cache.path(), 7, Vec::new).unwrap();
    assert!(!idx.was_rebuilt());
    eprintln!("open from cache: {:?}", t.elapsed());

    let hits = idx.search("consent agreement", None, 10);
    assert_eq!(hits[0].kind, DocKind::Term, "{hits:#?}");
    assert_eq!(hits[0].title, "Consent Agreement");
    let hits = idx.search("regstry", None, 10);
    assert_eq!(hits[0].title, "Registry", "{hits:#?}");

    idx.search("warm up", None, 10);
    let mut worst = std::time::Duration::ZERO;
    for q in QUERIES.iter().chain(&[
        "consent agreement",
        "regstry",
        "building blo",
        "data protection impact",
    ]) {
        // The fastest of three runs: a query's cost, not the moments a
        // loaded machine left the test waiting for a core.
        let mut e = std::time::Duration::MAX;
        let mut hits = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            hits = idx.search(q, None, 10);
            e = e.min(t.elapsed());
        }
        worst = worst.max(e);
        eprintln!(
            "warm query {q:?}: {e:?}, {} hits, first {:?}",
            hits.len(),
            hits.first().map(|h| &h.title)
        );
        assert!(!hits.is_empty());
    }
    eprintln!("worst warm query: {worst:?}");
    assert!(worst.as_millis() <= 50, "warm query took {worst:?}");
}

#[test]
fn corpus_browser_index_stays_within_the_query_budget() {
    let Some(corpus) = search_support::corpus_dir() else {
        return;
    };
    let docs = search_support::corpus_docs(&corpus);
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/search-corpus-site");
    let info = search_support::write_site(&site, &docs, false);
    let manifest = std::fs::read_to_string(site.join(&info.manifest)).unwrap();
    let js = std::fs::metadata(site.join("static/search.js"))
        .unwrap()
        .len() as usize;
    let largest_shard = info
        .files
        .iter()
        .filter(|(p, _)| p.contains("/s"))
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    let largest_part = info
        .files
        .iter()
        .filter(|(p, _)| p.contains("/d"))
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    eprintln!(
        "browser index: {} files, {} bytes total; {} shards (largest {largest_shard} B), {} doc parts (largest {largest_part} B); manifest {} B; search.js {js} B",
        info.files.len(),
        info.total_bytes,
        info.shards,
        info.doc_parts,
        manifest.len()
    );
    // What each one-word query downloads, read off the files as search.js
    // reads them: search.js, the manifest, the shards holding the word's keys
    // (it is still being typed, so every key it starts), and the doc-table
    // parts of its ten best-weighted docs (the browser test measures the
    // real figure).
    let index: Vec<(String, Vec<u8>)> = info
        .files
        .iter()
        .map(|(p, _)| (p.clone(), std::fs::read(site.join(p)).unwrap()))
        .collect();
    for q in QUERIES {
        let bytes = js + manifest.len() + query_bytes(&index, q);
        eprintln!("{q}: {bytes} B");
        assert!(
            bytes <= 60_000,
            "query {q:?} downloads {bytes} B, over the 60 kB budget"
        );
    }
    assert!(info.shards > 50);
    assert!(
        info.files.len() < 600,
        "{} index files: shards and doc parts are packed",
        info.files.len()
    );
}

/// Bytes of the shards and doc-table parts a one-word query `q` (a plain
/// ASCII word, still being typed) downloads.
fn query_bytes(index: &[(String, Vec<u8>)], q: &str) -> usize {
    let call = |bytes: &[u8], func: &str| -> serde_json::Value {
        let s = std::str::from_utf8(bytes).unwrap();
        let inner = s
            .strip_prefix(&format!("__specsiteSearch.{func}("))
            .unwrap()
            .strip_suffix(");\n")
            .unwrap();
        serde_json::from_str(&format!("[{inner}]")).unwrap()
    };
    let manifest = index
        .iter()
        .find(|(p, _)| p.contains("/manifest."))
        .unwrap();
    let manifest = call(&manifest.1, "manifest");
    let bounds: Vec<&str> = manifest[0]["s"].as_str().unwrap().split(' ').collect();
    // Each part's first doc, from the base-36 counts of docs per part.
    let starts: Vec<u64> = manifest[0]["p"]
        .as_str()
        .unwrap()
        .chars()
        .scan(0, |next, c| {
            let start = *next;
            *next += c.to_digit(36).unwrap() as u64;
            Some(start)
        })
        .collect();
    let part_of = |doc: u64| starts.iter().filter(|s| **s <= doc).count() - 1;
    let shard_of = |key: &str| bounds.iter().filter(|b| **b <= key).count();
    let key = specsite::search::browser::index_key(q).unwrap();
    let (first, last) = (
        shard_of(&key).min(shard_of(q)),
        shard_of(&format!("{q}\u{ffff}")),
    );
    let file = |prefix: &str| {
        index
            .iter()
            .find(|(p, _)| p.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix}"))
    };
    let mut bytes = 0;
    let mut weights: std::collections::BTreeMap<u64, u64> = Default::default();
    for i in first..=last {
        let (_, shard) = file(&format!("search/s{i}."));
        bytes += shard.len();
        let shard = call(shard, "shard");
        for (k, postings) in shard[1].as_object().unwrap() {
            // Weights as search.js scales them: 1 for the word, 0.7 for a
            // longer key it starts.
            let factor = if *k == key || k == q {
                10
            } else if k.starts_with(q) {
                7
            } else {
                continue;
            };
            let mut doc = 0;
            for pair in postings.as_array().unwrap().chunks(2) {
                doc += pair[0].as_u64().unwrap();
                let w = weights.entry(doc).or_default();
                *w = (*w).max(pair[1].as_u64().unwrap() * factor);
            }
        }
    }
    let mut best: Vec<(u64, u64)> = weights.into_iter().collect();
    best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut parts: Vec<usize> = best.iter().take(10).map(|(d, _)| part_of(*d)).collect();
    parts.sort();
    parts.dedup();
    bytes
        + parts
            .iter()
            .map(|i| file(&format!("search/d{i}.")).1.len())
            .sum::<usize>()
}
