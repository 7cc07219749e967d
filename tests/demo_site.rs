//! Sanity of the demo site's common glossary (`glossary/*.yaml` at the crate
//! root) and of the `specsite init` starter glossary: the shape DESIGN.md §5
//! asks for, checked without the build pipeline, so a broken edit to either
//! fails here with a precise message.

use specsite::yaml::{self, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Every entry of every `*.yaml` file in `dir`, with its file name.
fn load_entries(dir: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut entries = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = yaml::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        match value {
            Value::Sequence(items) => entries.extend(items.into_iter().map(|v| (name.clone(), v))),
            Value::Mapping(_) => entries.push((name, value)),
            other => panic!("{name}: expected a term or a list of terms, got {other:?}"),
        }
    }
    entries
}

fn str_field<'v>(entry: &'v Value, key: &str) -> Option<&'v str> {
    entry.get(key).and_then(Value::as_str)
}

/// Checks required fields and that names and abbreviations are unique;
/// returns canonical names (lowercase) → whether the term is deprecated.
fn check_glossary(dir: &Path) -> BTreeMap<String, bool> {
    let allowed = [
        "term",
        "abbreviation",
        "aliases",
        "avoid",
        "definition",
        "see_also",
        "source",
        "status",
    ];
    let mut names = BTreeMap::new();
    let mut abbrs = BTreeMap::new();
    let entries = load_entries(dir);
    for (file, entry) in &entries {
        let term =
            str_field(entry, "term").unwrap_or_else(|| panic!("{file}: entry without `term`"));
        assert!(
            str_field(entry, "definition").is_some_and(|d| !d.trim().is_empty()),
            "{file}: {term} has no definition"
        );
        for key in entry.as_mapping().unwrap().keys() {
            let key = key.as_str().unwrap();
            assert!(
                allowed.contains(&key),
                "{file}: {term} has unexpected key {key}"
            );
        }
        let deprecated = str_field(entry, "status") == Some("deprecated");
        assert!(
            names.insert(term.to_lowercase(), deprecated).is_none(),
            "{file}: {term} defined twice"
        );
        if let Some(abbr) = str_field(entry, "abbreviation") {
            assert!(
                abbrs.insert(abbr.to_string(), term.to_string()).is_none(),
                "{file}: abbreviation {abbr} used twice"
            );
        }
    }
    for (file, entry) in &entries {
        for other in entry
            .get("see_also")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let other = other.as_str().unwrap();
            assert!(
                names.contains_key(&other.to_lowercase()),
                "{file}: see_also names unknown term {other}"
            );
        }
    }
    names
}

#[test]
fn demo_glossary_has_unique_well_formed_terms_and_one_deprecated() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("glossary");
    let names = check_glossary(&dir);
    assert!(names.len() >= 15, "only {} terms", names.len());
    let deprecated: Vec<_> = names
        .iter()
        .filter(|(_, d)| **d)
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(deprecated, ["citizen portal"]);
}

#[test]
fn starter_glossary_has_three_well_formed_terms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/init/glossary");
    assert_eq!(check_glossary(&dir).len(), 3);
}

#[test]
fn demo_pages_never_use_the_deprecated_term_or_avoided_variants() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut banned = vec!["citizen portal".to_string()];
    for (_, entry) in load_entries(&root.join("glossary")) {
        for v in entry
            .get("avoid")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            banned.push(v.as_str().unwrap().to_lowercase());
        }
    }
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(entry.path())
                .unwrap()
                .to_lowercase();
            for b in &banned {
                assert!(
                    !text.contains(b.as_str()),
                    "{} uses `{b}`",
                    entry.path().display()
                );
            }
        }
    }
}
