//! Precision and recall of `abbr-undefined` on a hand-labelled random
//! sample of its findings on the GovStack corpus (skipped when the corpus is
//! absent). The sample, how it was drawn and every label with its reason are
//! in `tests/fixtures/abbr-sample/labels.tsv`.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

/// One labelled finding of the sample.
struct Label {
    file: String,
    line: u64,
    column: u64,
    word: String,
    real: bool,
}

fn labels() -> Vec<Label> {
    let text = std::fs::read_to_string(common::fixture("abbr-sample/labels.tsv")).expect("labels");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("file\t") && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "six columns: {l}");
            assert!(matches!(f[4], "real" | "not"), "label real|not: {l}");
            Label {
                file: f[0].to_string(),
                line: f[1].parse().expect("line"),
                column: f[2].parse().expect("column"),
                word: f[3].to_string(),
                real: f[4] == "real",
            }
        })
        .collect()
}

/// The abbreviation a finding or label names: its word without a plural `s`.
fn core(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(c) if c.len() >= 2 && c.bytes().all(|b| b.is_ascii_uppercase()) => c,
        _ => word,
    }
}

#[test]
fn abbr_undefined_precision_and_recall_on_the_labelled_sample() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let root = corpus.to_str().expect("utf-8");
    let out = common::run(&["check", "--root", root, "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let mut at = BTreeSet::new();
    let mut on_page = BTreeSet::new();
    for d in v["diagnostics"].as_array().expect("diagnostics") {
        if d["rule"] != "abbr-undefined" {
            continue;
        }
        let file = d["file"].as_str().expect("file").to_string();
        let line = d["line"].as_u64().expect("line");
        let column = d["column"].as_u64().expect("column");
        at.insert((file.clone(), line, column));
        let message = d["message"].as_str().expect("message");
        let word = message.split('`').nth(1).unwrap_or("").to_string();
        on_page.insert((file, word));
    }
    let labels = labels();
    assert!(labels.len() >= 100, "the sample holds {}", labels.len());
    let (mut tp, mut fp, mut lost) = (0usize, 0usize, Vec::new());
    for l in &labels {
        if l.real {
            // A real finding is kept while the page still reports the
            // abbreviation (its first use may move when an earlier one is skipped).
            if on_page.contains(&(l.file.clone(), core(&l.word).to_string())) {
                tp += 1;
            } else {
                lost.push(format!("{}:{}:{} {}", l.file, l.line, l.column, l.word));
            }
        } else if at.contains(&(l.file.clone(), l.line, l.column)) {
            fp += 1;
        }
    }
    let real = labels.iter().filter(|l| l.real).count();
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / real.max(1) as f64;
    eprintln!(
        "abbr-undefined on {} labelled findings ({real} real): precision {:.1} % ({tp} of {}), recall {:.1} %",
        labels.len(),
        precision * 100.0,
        tp + fp,
        recall * 100.0
    );
    assert!(lost.is_empty(), "real findings lost: {lost:#?}");
    assert!(precision >= 0.9, "precision {precision:.3}");
}
