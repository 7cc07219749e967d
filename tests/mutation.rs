//! A seeded mutation test: a few hundred mutations of real corpus pages
//! (byte flips, cut lines, stray GitBook tags, very long lines, right-to-left
//! and zero-width characters) checked and built. Each run must exit 0 or 1,
//! never panic, print JSON that parses, and put every finding inside its
//! file. The seed is fixed, so a failure repeats; `SPECSITE_MUTATION_SEED`
//! tries another.

mod common;

use common::Rng;
use std::path::Path;

const TAGS: &[&str] = &[
    "{% hint style=\"info\" %}",
    "{% endhint %}",
    "{% tabs %}",
    "{% tab title=\"T\" %}",
    "{% endtab %}",
    "{% endtabs %}",
    "{% code title=\"a.json\" lineNumbers=\"true\" %}",
    "{% endcode %}",
    "{% swagger src=\"missing.yaml\" path=\"/a\" method=\"get\" %}",
    "{% endswagger %}",
    "{% openapi src=\"../../../x.yaml\" path=\"/\" method=\"post\" %}",
    "{% embed url=\"javascript:alert(1)\" %}",
    "{% content-ref url=\"../../..\" %}",
    "{% file src=\"../../../../etc/passwd\" %}",
    "{% columns %}",
    "{% column %}",
    "{%",
    "%}",
    "{% unknown-thing x=\"",
];

const ODD_CHARS: &[char] = &[
    '\u{202E}',
    '\u{202B}',
    '\u{200F}',
    '\u{200B}',
    '\u{200D}',
    '\u{FEFF}',
    '\u{0301}',
    '\u{2028}',
    '\r',
    '\t',
    '\u{10FFFF}',
    '\u{0627}',
];

/// One mutation of `page`, chosen by `rng`; returns its name too.
fn mutate(rng: &mut Rng, page: &[u8]) -> (&'static str, Vec<u8>) {
    let mut b = page.to_vec();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let line_starts = |t: &str| -> Vec<usize> {
        std::iter::once(0)
            .chain(t.match_indices('\n').map(|(i, _)| i + 1))
            .collect()
    };
    match rng.below(6) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
            }
            ("byte flips", b)
        }
        1 => {
            let t = text(&b);
            let starts = line_starts(&t);
            let a = starts[rng.below(starts.len())];
            let z = starts[rng.below(starts.len())].max(a);
            let mut t2 = t[..a].to_string();
            t2.push_str(&t[z..]);
            if rng.below(2) == 0 {
                let cut = rng.below(t2.len() + 1);
                t2.truncate(cut);
                while !t2.is_char_boundary(t2.len()) {
                    t2.pop();
                }
                return ("cut lines and end", t2.into_bytes());
            }
            ("cut lines", t2.into_bytes())
        }
        2 => {
            let mut t = text(&b);
            for _ in 0..1 + rng.below(5) {
                let starts = line_starts(&t);
                let at = starts[rng.below(starts.len())];
                let tag = TAGS[rng.below(TAGS.len())];
                let indent = ["", "  ", "> ", "* "][rng.below(4)];
                t.insert_str(at, &format!("{indent}{tag}\n"));
            }
            ("stray GitBook tags", t.into_bytes())
        }
        3 => {
            let mut t = text(&b);
            let starts = line_starts(&t);
            let at = starts[rng.below(starts.len())];
            let unit = ["word ", "[l](a.md) ", "| cell ", "`c` ", "**b** ", "AB-CD "][rng.below(6)];
            let long = unit.repeat(1_000 + rng.below(8_000));
            t.insert_str(at, &format!("{long}\n"));
            ("very long line", t.into_bytes())
        }
        4 => {
            let mut t = text(&b);
            for _ in 0..1 + rng.below(20) {
                let mut at = rng.below(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                t.insert(at, ODD_CHARS[rng.below(ODD_CHARS.len())]);
            }
            ("RTL and zero-width characters", t.into_bytes())
        }
        _ => {
            // Line endings swapped for CR alone or CRLF.
            let t = text(&b);
            let ending = ["\r", "\r\n"][rng.below(2)];
            ("other line endings", t.replace('\n', ending).into_bytes())
        }
    }
}

/// Lines of `text` as the reports count them (`\n`, `\r\n`, a lone `\r`),
/// each line's length in characters.
fn line_lengths(text: &str) -> Vec<usize> {
    let starts = specsite::diag::line_starts(text);
    (0..starts.len())
        .map(|i| {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            text[starts[i]..end]
                .trim_end_matches(['\n', '\r'])
                .chars()
                .count()
        })
        .collect()
}

/// Checks one `check --format json` run of `root`.
fn check_run(root: &Path, what: &str) {
    let out = common::run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{what}: exit {:?}\n{stderr}",
        out.status.code()
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what}: the JSON report does not parse: {e}"));
    for d in v["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        if file.is_empty() {
            continue;
        }
        let Ok(text) = std::fs::read(root.join(file)) else {
            continue;
        };
        let Ok(text) = String::from_utf8(text) else {
            // Not UTF-8: reported at 1:1 and skipped.
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(1), Some(1)),
                "{what}: {d}"
            );
            continue;
        };
        let lines = line_lengths(&text);
        let pos = |l: &str, c: &str| {
            (
                d[l].as_u64().unwrap() as usize,
                d[c].as_u64().unwrap() as usize,
            )
        };
        for (line, col) in [pos("line", "column"), pos("end_line", "end_column")] {
            assert!(
                line >= 1 && line <= lines.len(),
                "{what}: {d} has {} lines",
                lines.len()
            );
            assert!(
                col >= 1 && col <= lines[line - 1] + 1,
                "{what}: {d}: line {line} has {} characters",
                lines[line - 1]
            );
        }
        assert!(
            pos("line", "column") <= pos("end_line", "end_column"),
            "{what}: {d}"
        );
    }
}

#[test]
fn mutated_corpus_pages_never_break_check_or_build() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let seed: u64 = std::env::var("SPECSITE_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x005e_ed17);
    let mut rng = Rng(seed | 1);
    let mut pages: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| p.file_name().is_some_and(|n| n != "SUMMARY.md"))
        .collect();
    pages.sort();
    assert!(pages.len() > 100, "corpus pages: {}", pages.len());
    let summaries: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == "SUMMARY.md"))
        .collect();
    const SITES: usize = 10;
    const PER_SITE: usize = 30;
    let mut kinds = std::collections::BTreeMap::new();
    for s in 0..SITES {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let book = root.join("content/m");
        std::fs::create_dir_all(&book).unwrap();
        let mut summary = String::from("# Summary\n\n");
        let mut log = Vec::new();
        for i in 0..PER_SITE {
            let src = &pages[rng.below(pages.len())];
            let (kind, bytes) = mutate(&mut rng, &std::fs::read(src).unwrap());
            *kinds.entry(kind).or_insert(0) += 1;
            // Every other page is a terminology page, read by the glossary too.
            let name = if i % 2 == 0 {
                format!("p{i}.md")
            } else {
                format!("p{i}-terminology.md")
            };
            std::fs::write(book.join(&name), bytes).unwrap();
            summary.push_str(&format!("* [Page {i}]({name})\n"));
            log.push(format!(
                "{name}: {kind} of {}",
                src.strip_prefix(&corpus).unwrap().display()
            ));
        }
        // One site in three has a mutated table of contents of its own.
        if s % 3 == 2 {
            let real = std::fs::read(&summaries[rng.below(summaries.len())]).unwrap();
            let (kind, bytes) = mutate(&mut rng, &real);
            summary.push_str(&String::from_utf8_lossy(&bytes));
            log.push(format!("SUMMARY.md: {kind}"));
        }
        std::fs::write(book.join("SUMMARY.md"), summary).unwrap();
        let what = format!("seed {seed:#x}, site {s}:\n  {}", log.join("\n  "));
        check_run(&root, &what);
        if s % 5 == 0 {
            let out = common::run(&[
                "build",
                "--root",
                root.to_str().unwrap(),
                "--format",
                "json",
            ]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "build, {what}\n{stderr}"
            );
            assert!(root.join("public/.specsite-output").exists());
        }
    }
    eprintln!("mutations by kind: {kinds:?}");
    assert!(kinds.len() >= 6, "every kind of mutation ran: {kinds:?}");
}
