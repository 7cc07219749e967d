//! `search` and `define` end to end, on the demo and the real corpus.

mod common;
use common::*;

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn corpus_search_and_define_answer_the_acceptance_queries() {
    let Some(corpus) = corpus() else { return };
    let cache = tempfile::tempdir().unwrap();
    let root = corpus.to_str().unwrap();
    let c = cache.path().to_str().unwrap();

    let o = run(&["define", "Building Block", "--root", root, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["terms"][0]["scope"], "common", "{v}");
    assert_eq!(v["terms"][0]["term"], "Building Block");
    assert_eq!(
        v["terms"][0]["file"],
        "architecture/spec/2-common-terminology.md"
    );

    let o = run(&[
        "search",
        "consent agreement",
        "--root",
        root,
        "--cache",
        c,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["results"][0]["kind"], "term", "{v}");
    assert_eq!(v["results"][0]["title"], "Consent Agreement", "{v}");

    let o = run(&["search", "regstry", "--root", root, "--cache", c, "--json"]);
    let v = json(&o);
    assert_eq!(v["results"][0]["title"], "Registry", "{v}");

    // The index is reused while sources are unchanged.
    let stamp = std::fs::read_dir(cache.path().join("search-index"))
        .unwrap()
        .count();
    assert!(stamp > 0);
    let o = run(&["search", "zzzzqqqq", "--root", root, "--cache", c]);
    assert_eq!(o.status.code(), Some(1), "nothing found exits 1");
}

#[test]
fn define_suggests_close_names_and_exits_1() {
    let (_t, root) = copy_fixture("build-basic");
    std::fs::create_dir_all(root.join("glossary")).unwrap();
    std::fs::write(
        root.join("glossary/terms.yaml"),
        "- term: Service Registry\n  abbreviation: SR\n  definition: A list of services.\n",
    )
    .unwrap();
    let r = root.to_str().unwrap();
    let o = run(&["define", "SR", "--root", r]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("A list of services."));
    let o = run(&[
        "define",
        "Servce Registry",
        "--root",
        r,
        "--json",
        "--cache",
        root.join(".c").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert!(
        v["did_you_mean"].to_string().contains("Service Registry"),
        "{v}"
    );
}

/// The cached index follows `requirements.lock`: a lock that renames an id
/// (the only file changed) gives a rebuilt index that finds the new id.
#[test]
fn search_cache_is_rebuilt_when_only_the_lock_changes() {
    let (tmp, root) = copy_fixture("requirements/forms");
    let r = root.to_str().expect("utf-8");
    let cache = tmp.path().join("cache");
    let c = cache.to_str().expect("utf-8");
    assert!(run(&["requirements", "lock", "--root", r]).status.success());
    let first = |q: &str| {
        let out = run(&[
            "search", q, "--root", r, "--cache", c, "--limit", "1", "--json",
        ]);
        let v = json(&out);
        (
            v["results"][0]["title"].as_str().unwrap_or("").to_string(),
            v["results"][0]["snippet"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        )
    };
    assert_eq!(
        first("reg#req-5"),
        (
            "reg#req-5 (REQUIRED)".into(),
            "5.3.1 Backups run every night.".into()
        )
    );
    let lock = root.join("reg/requirements.lock");
    let text = std::fs::read_to_string(&lock).expect("lock");
    assert!(text.contains("- id: reg#req-5\n"));
    std::fs::write(
        &lock,
        text.replace("- id: reg#req-5\n", "- id: reg#req-50\n"),
    )
    .expect("write");
    assert_eq!(
        first("reg#req-50"),
        (
            "reg#req-50 (REQUIRED)".into(),
            "5.3.1 Backups run every night.".into()
        )
    );
}
