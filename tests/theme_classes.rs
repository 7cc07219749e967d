//! Every class the theme's templates, the native layouts and the markdown
//! stage emit has a rule in the default stylesheet, unless it is a
//! documented hook (`kind-*`, `nav-depth-*`, `language-*`: classes a custom
//! theme may style, listed in the README).
//!
//! Classes are read from the source: `class="…"` in the templates, in the
//! Rust code that writes HTML (test modules left out) and in the theme's
//! scripts, plus `className`/`classList` in the scripts. A class built from a
//! value (`api-method-{m}`, `hint-{{ style }}`) counts as its fixed prefix,
//! which some rule must style (`.api-method-get` styles `api-method-*`).

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Classes a theme may style that the default stylesheet leaves alone.
const HOOKS: [&str; 3] = ["kind-", "nav-depth-", "language-"];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The class names of one `class` attribute value. A value part (`{{ … }}`,
/// `{…}`, a script's `' + x + '`) makes its word a prefix, written `word*`;
/// a word that is all value is left out.
fn class_words(value: &str, out: &mut Vec<String>) {
    // Template tags and a script's string concatenation end a word; a
    // value inside a word makes it a prefix.
    let ends = Regex::new(r"\{%.*?%\}|'\s*\+.*").unwrap();
    let values = Regex::new(r"\{\{.*?\}\}|\{[^{}]*\}").unwrap();
    let name = Regex::new(r"^-?[A-Za-z_][A-Za-z0-9_-]*$").unwrap();
    let value = ends.replace_all(value, " ");
    let value = values.replace_all(&value, "\u{0}");
    for word in value.split_whitespace() {
        let (word, prefix) = match word.split_once('\u{0}') {
            Some((w, _)) => (w, true),
            None => (word, false),
        };
        // Prose in comments (`hl-…`) and empty prefixes are not classes.
        if name.is_match(word) {
            out.push(if prefix {
                format!("{word}*")
            } else {
                word.to_string()
            });
        }
    }
}

/// Every class emitted, with the files that emit it.
fn emitted() -> BTreeMap<String, BTreeSet<String>> {
    let root = crate_dir();
    let mut sources = Vec::new();
    files(&root.join("themes/default/templates"), "html", &mut sources);
    files(&root.join("themes/default/static"), "js", &mut sources);
    let mut rust = Vec::new();
    files(&root.join("src"), "rs", &mut rust);
    rust.retain(|p| !p.ends_with("tests.rs"));
    sources.extend(rust);
    // In a Rust string the attribute opens and closes with `\"`; a bare `"`
    // after its value ends the literal, and the code appends the rest.
    let attr = Regex::new(r#"class=(\\?)"([^"\\]*)(\\?)"#).unwrap();
    let script =
        Regex::new(r#"className\s*=\s*"([^"]*)"|classList\.(?:add|toggle|remove)\("([^"]*)""#)
            .unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in sources {
        let mut text = std::fs::read_to_string(&path).unwrap();
        if let Some(at) = text.find("#[cfg(test)]") {
            text.truncate(at);
        }
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        let mut words = Vec::new();
        for c in attr.captures_iter(&text) {
            let open = !c[1].is_empty() && c[3].is_empty();
            class_words(
                &format!("{}{}", &c[2], if open { "{}" } else { "" }),
                &mut words,
            );
        }
        for c in script.captures_iter(&text) {
            class_words(c.get(1).or(c.get(2)).unwrap().as_str(), &mut words);
        }
        for w in words {
            out.entry(w).or_default().insert(rel.clone());
        }
    }
    out
}

/// Every class some rule of the default stylesheets selects.
fn styled() -> BTreeSet<String> {
    let css = std::fs::read_to_string(crate_dir().join("themes/default/static/specsite.css"))
        .unwrap()
        + &specsite::markdown::highlight::highlight_css();
    let comments = Regex::new(r"(?s)/\*.*?\*/").unwrap();
    let css = comments.replace_all(&css, "");
    let class = Regex::new(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)").unwrap();
    class
        .captures_iter(&css)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn every_emitted_class_is_styled_or_a_documented_hook() {
    let styled = styled();
    let emitted = emitted();
    // The scan finds the markup it is meant to (guards the patterns).
    for known in [
        "glossary-letters",
        "api-method-*",
        "api-status-*",
        "api-schema",
        "compare-columns",
        "nav-link",
        "search-status",
    ] {
        assert!(emitted.contains_key(known), "{known} not found by the scan");
    }
    let unstyled: Vec<String> = emitted
        .iter()
        .filter(|(class, _)| {
            let prefix = class.strip_suffix('*');
            let hook = HOOKS.iter().any(|h| class.starts_with(h));
            let has_rule = match prefix {
                // `code-block{}` may append a class of its own: the prefix
                // itself styled counts too.
                Some(p) => styled.iter().any(|s| s.starts_with(p)),
                None => styled.contains(class.as_str()),
            };
            !hook && !has_rule
        })
        .map(|(class, files)| {
            format!(
                "{class} ({})",
                files.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        unstyled.is_empty(),
        "{} classes have no rule in specsite.css:\n{}",
        unstyled.len(),
        unstyled.join("\n")
    );
}

#[test]
fn hooks_are_documented() {
    let readme = std::fs::read_to_string(crate_dir().join("README.md")).unwrap();
    for hook in HOOKS {
        assert!(
            readme.contains(&format!("`{hook}*`")),
            "README does not document `{hook}*`"
        );
    }
}
