//! Glossary rules over small fixture sites (`tests/fixtures/glossary-*/`): each
//! folder is a book, `glossary/*.yaml` is the YAML glossary, a page whose name
//! has `terminology` is a terminology page (`*common-terminology.md` common).
//! Prose runs are fed to the linker as the markdown pass does: headings, code
//! and link text never are; `term:` links go through `term_ref`.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use specsite::config::{Config, LinkMode};
use specsite::content::{Book, Page, Site};
use specsite::diag::{locate, Diagnostic};
use specsite::glossary::{self, Glossary, TermUse};
use std::path::Path;
use std::sync::Arc;

fn fixture_site(name: &str, config: Config) -> Site {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let mut site = Site {
        root: root.clone(),
        config,
        ..Default::default()
    };
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        if id == "glossary" {
            for f in files {
                let rel = format!("glossary/{}", f.file_name().unwrap().to_string_lossy());
                site.sources
                    .insert(rel.clone(), std::fs::read_to_string(&f).unwrap().into());
                site.glossary_files.push(rel);
            }
            continue;
        }
        let book = site.books.len();
        site.books.push(Book {
            id: id.clone(),
            title: format!("Book {id}"),
            latest: true,
            url_prefixes: vec![id.clone()],
            page_root: id.clone(),
            ..Default::default()
        });
        for f in files {
            let path = f.file_name().unwrap().to_string_lossy().to_string();
            let text: Arc<str> = std::fs::read_to_string(&f).unwrap().into();
            let file = format!("{id}/{path}");
            site.sources.insert(file.clone(), text.clone());
            let terminology = path.contains("terminology");
            site.pages.push(Page {
                book,
                file,
                slug: format!("{}/", path.trim_end_matches(".md")),
                path: path.clone(),
                body_start: 0,
                source: text,
                front: Default::default(),
                summary_title: Some(path.trim_end_matches(".md").to_string()),
                in_summary: true,
                terminology,
                common_terminology: terminology && path.ends_with("common-terminology.md"),
            });
        }
    }
    site.pages.sort_by(|a, b| a.file.cmp(&b.file));
    for (i, p) in site.pages.iter().enumerate() {
        site.page_by_file.insert(p.file.clone(), i);
        site.books[p.book].pages.push(i);
    }
    site
}

/// Runs the linker over one page; returns (html, uses, findings).
fn link_page(
    g: &Glossary,
    site: &Site,
    pid: usize,
    mode: LinkMode,
) -> (String, Vec<TermUse>, Vec<Diagnostic>) {
    let page = &site.pages[pid];
    let mut l = g.page_linker(site.books[page.book].prefix(), &page.url(site), false, mode);
    let mut html = String::new();
    let (mut skip, mut in_term_link) = (0, false);
    for (ev, r) in Parser::new_ext(&page.source, glossary::model::md_options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_)) => skip += 1,
            Event::End(TagEnd::Heading(_) | TagEnd::CodeBlock) => skip -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => {
                skip += 1;
                if let Some(slug) = dest_url.strip_prefix("term:") {
                    in_term_link = true;
                    let href = l.term_ref(slug, r.clone());
                    html.push_str(&format!("<a href=\"{}\">", href.unwrap_or_default()));
                }
            }
            Event::End(TagEnd::Link) => {
                skip -= 1;
                if in_term_link {
                    html.push_str("</a>");
                    in_term_link = false;
                }
            }
            Event::Text(t) if skip == 0 => {
                l.text(&t, r, &mut html);
                l.record_intros(&t);
            }
            _ => {}
        }
    }
    let (uses, diags) = l.finish();
    (html, uses, diags)
}

fn show(site: &Site, d: &Diagnostic) -> String {
    let l = locate(d, site.sources.get(&d.file).map(|s| &**s));
    format!(
        "{}:{}:{} {} {}",
        l.file,
        l.line,
        l.column,
        l.rule,
        l.severity.as_str()
    )
}

/// Findings shown, findings, site, glossary, uses per page.
type Run = (
    Vec<String>,
    Vec<Diagnostic>,
    Site,
    Glossary,
    Vec<(usize, Vec<TermUse>)>,
);

/// Loads, links every page, checks: every finding as `file:line:col rule severity`, plus messages.
fn run(name: &str, config: Config) -> Run {
    let site = fixture_site(name, config);
    let (g, mut diags) = glossary::load_glossary(&site);
    let mut uses = Vec::new();
    for pid in 0..site.pages.len() {
        let (_, u, d) = link_page(&g, &site, pid, LinkMode::First);
        diags.extend(d);
        uses.push((pid, u));
    }
    diags.extend(glossary::check_glossary(&g, &site, &uses));
    specsite::diag::sort_diagnostics(&mut diags);
    let shown = diags.iter().map(|d| show(&site, d)).collect();
    (shown, diags, site, g, uses)
}

#[test]
fn term_redefined_at_the_book_terms_line() {
    let (shown, diags, ..) = run("glossary-term-redefined", Config::default());
    assert_eq!(
        shown,
        vec![
            "consent/3-terminology.md:5:3 term-redefined warning",
            "consent/3-terminology.md:7:3 term-redefined error",
            // Bold-line entries in GitBook tabs: `**Term**` alone on a line.
            "payments/3-terminology.md:14:1 term-redefined error",
            "payments/3-terminology.md:22:1 term-redefined warning",
            "wallet/3-terminology.md:3:5 term-redefined error",
        ]
    );
    assert!(
        diags[0]
            .message
            .contains("already defined in the common glossary (arch/2-common-terminology.md:7)"),
        "{}",
        diags[0].message
    );
    assert!(
        diags[1].message.contains(
            "here: \"Something else entirely.\"; common: \"A reusable software component.\""
        ),
        "{}",
        diags[1].message
    );
    assert_eq!(
        diags[2].suggestion.as_deref(),
        Some(
            "remove this entry and link to the common term: [Building Block](term:building-block)"
        )
    );
}

#[test]
fn term_duplicate_in_one_scope_only() {
    let (shown, diags, ..) = run("glossary-term-duplicate", Config::default());
    let dups: Vec<&String> = shown
        .iter()
        .filter(|s| s.contains("term-duplicate"))
        .collect();
    assert_eq!(
        dups,
        vec![
            "arch/2-common-terminology.md:7:6 term-duplicate error",
            "consent/3-terminology.md:7:1 term-duplicate error",
            "glossary/terms.yaml:3:9 term-duplicate error"
        ]
    );
    let yaml = diags
        .iter()
        .find(|d| d.file == "glossary/terms.yaml")
        .unwrap();
    assert!(yaml.message.contains("`UC` is defined twice in the common glossary; first at glossary/terms.yaml:1 as `Use Case`"), "{}", yaml.message);
    // The book's own Registry is a redefinition, not a duplicate.
    assert!(
        shown.contains(&"consent/3-terminology.md:3:1 term-redefined error".to_string()),
        "{shown:?}"
    );
}

#[test]
fn abbr_conflict_within_reach_only() {
    let (shown, diags, ..) = run("glossary-abbr-conflict", Config::default());
    let conflicts: Vec<&String> = shown
        .iter()
        .filter(|s| s.contains("abbr-conflict"))
        .collect();
    assert_eq!(
        conflicts,
        vec![
            "arch/2-common-terminology.md:15:3 abbr-conflict error",
            "identity/3-terminology.md:3:5 abbr-conflict error",
            "payments/3-terminology.md:3:5 abbr-conflict error",
        ]
    );
    let fr = diags
        .iter()
        .find(|d| d.rule.name() == "abbr-conflict")
        .unwrap();
    assert_eq!(fr.message, "`FR` stands for `Functional Requirement` here but for `Functional Requirements` in arch/2-common-terminology.md:3");
}

#[test]
fn term_variant_and_deprecated_with_suppression() {
    let (shown, diags, ..) = run("glossary-term-variant", Config::default());
    let got: Vec<&String> = shown.iter().filter(|s| s.contains("term-")).collect();
    assert_eq!(
        got,
        vec![
            "consent/intro.md:3:6 term-variant warning",
            "consent/intro.md:4:5 term-variant warning",
            "consent/intro.md:6:7 term-deprecated warning",
            "consent/intro.md:6:44 term-deprecated warning",
        ]
    );
    assert_eq!(
        diags
            .iter()
            .find(|d| d.rule.name() == "term-variant")
            .unwrap()
            .suggestion
            .as_deref(),
        Some("write `Building Block`")
    );
    assert_eq!(
        diags
            .iter()
            .find(|d| d.rule.name() == "term-deprecated")
            .unwrap()
            .suggestion
            .as_deref(),
        Some("use `Reference Data` instead")
    );
}

#[test]
fn abbr_undefined_respects_glossary_intro_config_and_rfc_words() {
    let config = Config::parse("abbreviations:\n  known: [ISO, OAUTH]\n").unwrap();
    let (shown, diags, ..) = run("glossary-abbr-undefined", config);
    assert_eq!(
        shown,
        vec![
            "consent/intro.md:3:51 abbr-undefined warning",
            "consent/intro.md:3:60 abbr-undefined warning",
            "consent/intro.md:5:22 abbr-undefined warning",
            "wallet/intro.md:3:3 abbr-undefined warning",
        ]
    );
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "`PII` is used but defined nowhere",
            "`XYZP` is used but defined nowhere (2 uses on this page)",
            "`QQ` is used but defined nowhere (2 uses on this page)",
            "`DDA` is used but defined nowhere",
        ]
    );
}

#[test]
fn matching_is_whole_word_longest_first_and_book_scoped() {
    let (shown, _, site, g, uses) = run("glossary-matching", Config::default());
    assert_eq!(shown, vec!["consent/intro.md:3:48 term-unknown-ref error"]);
    let name = |u: &TermUse| g.terms[u.term].name.clone();
    let wallet = site.page_by_file["wallet/intro.md"];
    let found: Vec<(String, String)> = uses[wallet]
        .1
        .iter()
        .filter(|u| u.term_index().is_some())
        .map(|u| (u.surface.clone(), name(u)))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "Digital Credential Wallet".into(),
                "Digital Credential Wallet".into()
            ),
            ("digital credential".into(), "Digital Credential".into()),
            ("Holder binding".into(), "Holder Binding".into()),
            ("Registries".into(), "Registry".into()),
            ("UUIDs".into(), "Universally Unique Identifier".into()),
        ]
    );
    // Another book never sees wallet's term, except through an explicit reference (which fails).
    let consent = site.page_by_file["consent/intro.md"];
    let found: Vec<String> = uses[consent]
        .1
        .iter()
        .filter(|u| u.term_index().is_some())
        .map(&name)
        .collect();
    assert_eq!(found, vec!["Registry".to_string()]);
    // A term is never matched inside its own definition, but others are.
    let common = site.page_by_file["arch/2-common-terminology.md"];
    let found: Vec<String> = uses[common]
        .1
        .iter()
        .filter(|u| u.term_index().is_some())
        .map(&name)
        .collect();
    assert_eq!(found, vec!["Digital Credential".to_string()]);
    let common_use = &uses[common]
        .1
        .iter()
        .find(|u| u.term_index().is_some())
        .unwrap();
    assert_eq!(
        &site.pages[common].source[common_use.span.clone()],
        "digital credential"
    );
}

#[test]
fn linker_output_links_first_mention_relative_to_the_page() {
    let site = fixture_site("glossary-matching", Config::default());
    let (g, _) = glossary::load_glossary(&site);
    let pid = site.page_by_file["wallet/intro.md"];
    let (html, ..) = link_page(&g, &site, pid, LinkMode::First);
    assert!(html.starts_with("A <a class=\"term\" href=\"../../glossary/digital-credential-wallet/\">Digital Credential Wallet</a> holds"), "{html}");
    assert!(
        html.contains("href=\"../glossary/holder-binding/\""),
        "{html}"
    );
    let (html, ..) = link_page(&g, &site, pid, LinkMode::None);
    assert!(!html.contains("<a "));
}

#[test]
fn invalid_yaml_is_reported_and_other_files_still_load() {
    let (shown, diags, _, g, uses) = run("glossary-invalid-yaml", Config::default());
    assert_eq!(shown, vec!["glossary/bad.yaml:5:1 invalid-yaml error"]);
    assert!(diags[0].message.starts_with("glossary file does not parse"));
    assert_eq!(g.terms.len(), 1);
    let t = &g.terms[0];
    assert_eq!(
        (t.name.as_str(), t.abbreviation.as_deref(), t.slug.as_str()),
        ("Self-Sovereign Identity", Some("SSI"), "ssi")
    );
    assert_eq!(t.definition_html, "<p>An identity <em>model</em>.</p>");
    assert_eq!(t.extra["owner"], serde_json::json!("wallet"));
    assert_eq!(
        uses[0]
            .1
            .iter()
            .filter(|u| u.term_index() == Some(0))
            .count(),
        1
    );
}
