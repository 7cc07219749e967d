//! Renders the default theme with hand-filled contexts into
//! `target/theme-fixture/`, a small but complete site (landing page, book pages
//! with every component, an old version, glossary stand-ins, print view, 404,
//! redirect). The browser tests in `tests/browser/` run against it:
//! `SPECSITE_SITE=target/theme-fixture npm test --prefix tests/browser`.

use specsite::render::context::{
    BookCtx, BookLink, LinkCtx, NavItem, PageCtx, PrintPageCtx, SiteCtx, TocItem, VersionLink,
};
use specsite::render::Theme;
use specsite::urls::{href, rel_root};
use std::path::{Path, PathBuf};

const BOOKS: &[(&str, &str, &str, usize)] = &[
    ("consent", "Consent", "How a person's agreement to use their data is asked for, recorded, checked and withdrawn.", 6),
    ("identity", "Identity", "Establishing who someone is, verifying it and sharing verified attributes with their permission.", 14),
    ("payments", "Payments", "Moving money between government, people and businesses through interoperable payment services.", 12),
    ("registration", "Registration", "Collecting the data and documents a service needs to enrol someone, with rules and review steps.", 11),
    ("workflow", "Workflow", "", 9),
];

/// The consent book's pages: (url, title, depth, is_part).
const PAGES: &[(&str, &str)] = &[
    ("consent/", "Consent Building Block"),
    ("consent/1-version-history/", "1 Version History"),
    ("consent/2-description/", "2 Description"),
    ("consent/3-terminology/", "3 Terminology"),
    (
        "consent/5-key-digital-functionalities/",
        "5 Key Digital Functionalities",
    ),
    ("consent/8-service-apis/", "8 Service APIs"),
    ("consent/9-internal-workflows/", "9 Internal Workflows"),
];

fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("theme-fixture")
}

fn site_ctx(from: &str, book: Option<&str>) -> SiteCtx {
    SiteCtx {
        title: "GovStack Specifications".into(),
        language: "en".into(),
        rel_root: rel_root(from),
        home_href: href(from, "", None, false),
        glossary_href: href(from, "glossary/", None, false),
        offline: false,
        books: BOOKS
            .iter()
            .map(|(id, title, desc, pages)| BookLink {
                id: id.to_string(),
                title: title.to_string(),
                description: desc.to_string(),
                href: href(from, &format!("{id}/"), None, false),
                pages: *pages,
                current: book == Some(*id),
            })
            .collect(),
        css: vec![],
        js: vec![],
        body_end_html: String::new(),
        site_url: Some("https://specs.example.org/".into()),
    }
}

fn book_ctx(from: &str, version: Option<&str>) -> BookCtx {
    let old = version == Some("1.0");
    BookCtx {
        id: "consent".into(),
        title: "Consent".into(),
        href: href(
            from,
            if old { "consent/1.0/" } else { "consent/" },
            None,
            false,
        ),
        glossary_href: Some(href(from, "consent/glossary/", None, false)),
        print_href: href(from, "consent/print/", None, false),
        version: Some(version.unwrap_or("development").to_string()),
        versions: vec![
            VersionLink {
                label: "development".into(),
                href: href(from, "consent/2-description/", None, false),
                current: !old,
                latest: true,
            },
            VersionLink {
                label: "1.0".into(),
                href: href(from, "consent/1.0/2-description/", None, false),
                current: old,
                latest: false,
            },
        ],
        latest_href: old.then(|| href(from, "consent/2-description/", None, false)),
    }
}

fn link(from: &str, to: &str, title: &str, current: &str, children: Vec<NavItem>) -> NavItem {
    let active = to == current || children.iter().any(|c| c.active);
    NavItem {
        kind: "link",
        title: title.into(),
        href: Some(href(from, to, None, false)),
        external: false,
        current: to == current,
        active,
        children,
    }
}

fn nav(from: &str, current: &str) -> Vec<NavItem> {
    vec![
        link(from, "consent/", "Consent Building Block", current, vec![]),
        NavItem {
            kind: "part",
            title: "Specification".into(),
            children: vec![
                link(
                    from,
                    "consent/1-version-history/",
                    "1 Version History",
                    current,
                    vec![],
                ),
                link(
                    from,
                    "consent/2-description/",
                    "2 Description",
                    current,
                    vec![],
                ),
                link(
                    from,
                    "consent/3-terminology/",
                    "3 Terminology",
                    current,
                    vec![],
                ),
                link(
                    from,
                    "consent/5-key-digital-functionalities/",
                    "5 Key Digital Functionalities",
                    current,
                    vec![
                        link(
                            from,
                            "consent/5-key-digital-functionalities/#agreement-records",
                            "5.1 Agreement records",
                            current,
                            vec![],
                        ),
                        link(
                            from,
                            "consent/5-key-digital-functionalities/#revocation",
                            "5.2 Revocation",
                            current,
                            vec![],
                        ),
                    ],
                ),
                link(
                    from,
                    "consent/8-service-apis/",
                    "8 Service APIs",
                    current,
                    vec![link(
                        from,
                        "consent/9-internal-workflows/",
                        "8.1 Internal Workflows",
                        current,
                        vec![],
                    )],
                ),
            ],
            ..Default::default()
        },
        NavItem {
            kind: "separator",
            ..Default::default()
        },
        NavItem {
            kind: "part",
            title: "Resources".into(),
            children: vec![NavItem {
                kind: "link",
                title: "Project home".into(),
                href: Some("https://example.org/".into()),
                external: true,
                ..Default::default()
            }],
            ..Default::default()
        },
    ]
}

fn rich_content(from: &str) -> String {
    let term = href(from, "glossary/data-subject/", None, false);
    let term2 = href(from, "glossary/building-block/", None, false);
    let next = href(
        from,
        "consent/8-service-apis/",
        Some("create-agreement"),
        false,
    );
    format!(
        r##"<p>This section lists what the <a class="term" href="{term2}">Building Block</a> must do. A <a class="term" href="{term}">data subject</a> can see, give and withdraw agreement at any time, and every change is kept as a <mark>signed record</mark>.</p>
<div class="hint hint-info" role="note"><p>Requirements use the keywords MUST, SHOULD and MAY as defined in RFC 2119.</p></div>
<h2 id="agreement-records">Agreement records</h2>
<p>Each record names the purpose, the data involved, the organisation asking and how long the agreement lasts. See <a href="{next}">the create operation</a>.</p>
<div class="hint hint-success" role="note"><p>Records can be exported in a portable format.</p></div>
<h3 id="record-fields">Record fields</h3>
<table>
<thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Meaning</th></tr></thead>
<tbody>
<tr><td><code>agreementId</code></td><td>string</td><td>yes</td><td>Stable identifier of the agreement template.</td></tr>
<tr><td><code>purpose</code></td><td>string</td><td>yes</td><td>Why the data is processed, in plain words.</td></tr>
<tr><td><code>validUntil</code></td><td>date</td><td>no</td><td>When the agreement ends on its own.</td></tr>
</tbody>
</table>
<div class="tabs">
<section class="tab-panel" data-title="JSON"><h4 class="tab-title">JSON</h4>
<div class="code-block"><div class="code-title">record.json</div><pre><code class="language-json">{{
  <span class="hl-string">"agreementId"</span>: <span class="hl-string">"a-102"</span>,
  <span class="hl-string">"purpose"</span>: <span class="hl-string">"Send reminders about appointments"</span>,
  <span class="hl-string">"validUntil"</span>: <span class="hl-string">"2026-01-31"</span>
}}</code></pre></div>
</section>
<section class="tab-panel" data-title="YAML"><h4 class="tab-title">YAML</h4>
<pre><code class="language-yaml">agreementId: a-102
purpose: Send reminders about appointments
validUntil: 2026-01-31</code></pre>
</section>
<section class="tab-panel" data-title="Notes"><h4 class="tab-title">Notes</h4>
<p>Dates are ISO 8601 calendar dates.</p>
</section>
</div>
<h2 id="revocation">Revocation</h2>
<p>Withdrawing an agreement is as easy as giving it. The <abbr title="Building Block">BB</abbr> notifies every party that relies on it.</p>
<div class="hint hint-warning" role="note"><p>Data already shared stays with the receiver; revocation only stops further use.</p></div>
<div class="hint hint-danger" role="note"><p>Never delete a record: mark it revoked so the audit trail stays whole.</p></div>
<ol><li>The person asks to withdraw.</li><li>The record is marked revoked and signed.<ul><li>Receivers are told through the event channel.</li></ul></li><li>The person gets a receipt.</li></ol>
<details><summary>Why keep revoked records?</summary><p>Auditors must be able to see that processing stopped when it should have.</p></details>
<figure><svg viewBox="0 0 400 120" width="400" height="120" role="img" aria-label="Diagram: person, consent service, data user"><rect x="10" y="35" width="100" height="50" rx="8" fill="#e8f0fb" stroke="#1a5fb4"/><rect x="150" y="35" width="100" height="50" rx="8" fill="#e8f0fb" stroke="#1a5fb4"/><rect x="290" y="35" width="100" height="50" rx="8" fill="#e8f0fb" stroke="#1a5fb4"/><path d="M110 60h40M250 60h40" stroke="#1a5fb4" stroke-width="2"/></svg><figcaption>Figure 1: who takes part in a revocation.</figcaption></figure>
<h3 id="id-5.2.1-bulk-revocation">5.2.1 Bulk revocation</h3>
<p>Inline <code>code</code>, <kbd>Ctrl</kbd>+<kbd>C</kbd>, <strong>strong</strong>, <em>emphasis</em> and a footnote.<sup class="footnote-reference"><a href="#fn-1">1</a></sup></p>
<blockquote><p>Consent is not a checkbox; it is a relationship.</p></blockquote>
<pre><code>POST /agreements/a-102/revoke HTTP/1.1
Host: consent.example.org
Content-Type: application/json; charset=utf-8 ------------------------------ a very long line that scrolls</code></pre>
<div class="footnote-definition" id="fn-1"><sup class="footnote-definition-label">1</sup><p>Footnotes render at the end.</p></div>
"##
    )
}

fn api_content() -> String {
    r##"<p>The operations below are described in OpenAPI and rendered from the specification file.</p>
<h2 id="create-agreement">Create an agreement</h2>
<section class="api-op"><header class="api-op-head"><span class="method method-post">POST</span><code class="api-path">/agreements</code><span class="api-summary">Create a new agreement template</span></header>
<div class="api-op-body"><h4>Parameters</h4>
<table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody><tr><td><code>orgId</code></td><td>header</td><td>string</td><td>Organisation asking for agreement.</td></tr></tbody></table>
<h4>Responses</h4><table><thead><tr><th>Status</th><th>Description</th></tr></thead><tbody><tr><td><code>201</code></td><td>Created</td></tr><tr><td><code>400</code></td><td>Invalid body</td></tr></tbody></table></div></section>
<h2 id="read-agreement">Read an agreement</h2>
<section class="api-op"><header class="api-op-head"><span class="method method-get">GET</span><code class="api-path">/agreements/{agreementId}</code><span class="api-summary">Read one agreement</span></header><div class="api-op-body"><p>Returns the current revision.</p></div></section>
<section class="api-op"><header class="api-op-head"><span class="method method-delete">DELETE</span><code class="api-path">/agreements/{agreementId}</code><span class="api-summary">Retire a template</span></header><div class="api-op-body"><p>Existing records keep pointing at the retired revision.</p></div></section>
<section class="api-op"><header class="api-op-head"><span class="method method-put">PUT</span><code class="api-path">/agreements/{agreementId}</code></header></section>
<section class="api-op"><header class="api-op-head"><span class="method method-patch">PATCH</span><code class="api-path">/agreements/{agreementId}</code></header></section>
"##
    .to_string()
}

fn toc_of(content: &str) -> Vec<TocItem> {
    let mut toc = Vec::new();
    for level in [2u8, 3] {
        let open = format!("<h{level} id=\"");
        let mut rest = content;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let id_end = after.find('"').unwrap();
            let text_start = after.find('>').unwrap() + 1;
            let text_end = after.find(&format!("</h{level}>")).unwrap();
            let pos = content.len() - rest.len() + i;
            toc.push((
                pos,
                TocItem {
                    level,
                    title: after[text_start..text_end].to_string(),
                    id: after[..id_end].to_string(),
                },
            ));
            rest = &after[text_end..];
        }
    }
    toc.sort_by_key(|(p, _)| *p);
    toc.into_iter().map(|(_, t)| t).collect()
}

fn page_ctx(from: &str, title: &str, description: &str, content: String) -> PageCtx {
    let idx = PAGES.iter().position(|(u, _)| *u == from);
    let prev = idx.and_then(|i| i.checked_sub(1)).map(|i| LinkCtx {
        title: PAGES[i].1.into(),
        href: href(from, PAGES[i].0, None, false),
    });
    let next = idx.and_then(|i| PAGES.get(i + 1)).map(|(u, t)| LinkCtx {
        title: t.to_string(),
        href: href(from, u, None, false),
    });
    PageCtx {
        title: title.into(),
        description: description.into(),
        toc: toc_of(&content),
        content,
        breadcrumbs: if from == "consent/" {
            vec![]
        } else {
            vec![LinkCtx {
                title: "Consent".into(),
                href: href(from, "consent/", None, false),
            }]
        },
        prev,
        next,
        edit_url: Some(format!(
            "https://example.org/consent/edit/main/spec/{}.md",
            from.trim_end_matches('/')
        )),
        last_updated: Some("2024-11-05".into()),
        canonical: Some(format!("https://specs.example.org/{from}")),
        source_href: Some("index.md".into()),
        url: from.into(),
        term_tips: Some(format!("{}{TERM_TIPS}", rel_root(from))),
        ..PageCtx::default()
    }
}

/// The book's term tooltips (`glossary::tips`), which specsite.js gives the
/// term links of the fixture pages.
const TERM_TIPS: &str = "assets/terms/consent.js";

fn write(rel: &str, html: &str) {
    let path = out_dir().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, html).unwrap();
}

fn render_page(
    theme: &Theme,
    from: &str,
    title: &str,
    desc: &str,
    content: String,
    version: Option<&str>,
) -> String {
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_ctx(from, Some("consent")));
    ctx.insert("book", &book_ctx(from, version));
    ctx.insert("nav", &nav(from, from.replace("1.0/", "").as_str()));
    ctx.insert("page", &page_ctx(from, title, desc, content));
    ctx.insert("page_kind", "page");
    ctx.insert(
        "search_manifest",
        &format!("{}search/manifest.json", rel_root(from)),
    );
    theme.render("page.html", &ctx).unwrap()
}

fn fixture_theme() -> Theme {
    // Stand-ins for the glossary templates live in a fixture theme folder,
    // which also proves that a site theme can add templates.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/theme");
    Theme::load(&root, Some("fixture")).unwrap()
}

#[test]
fn renders_the_fixture_site() {
    let theme = fixture_theme();
    for (path, bytes) in theme.static_files() {
        let p = out_dir().join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let tips = [
        ("glossary/building-block/", "A reusable software component offering one set of digital functions through standard interfaces."),
        ("glossary/data-subject/", "The person whose personal data is processed."),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .into_iter()
    .collect();
    write(TERM_TIPS, &specsite::glossary::tips::script(&tips));

    // Landing page.
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_ctx("", None));
    ctx.insert("page_kind", "landing");
    ctx.insert("search_manifest", "search/manifest.json");
    ctx.insert(
        "page",
        &PageCtx {
            title: "GovStack Specifications".into(),
            description: "Building block specifications and their shared terminology, in one searchable place.".into(),
            url: String::new(),
            ..Default::default()
        },
    );
    let landing = theme.render("landing.html", &ctx).unwrap();
    for (_, title, _, _) in BOOKS {
        assert!(
            landing.contains(&format!(">{title}</a>")),
            "landing lists {title}"
        );
    }
    assert!(landing.contains("6 pages"));
    write("index.html", &landing);

    // Book pages.
    for (url, title) in PAGES {
        let (desc, content) = match *url {
            "consent/5-key-digital-functionalities/" => ("The functions every implementation provides, and the records it keeps.", rich_content(url)),
            "consent/8-service-apis/" => ("", api_content()),
            "consent/" => (
                "Asking for, recording and honouring a person's agreement to the use of their data.",
                format!("<p>Start with the <a href=\"{}\">description</a>.</p>", href(url, "consent/2-description/", None, false)),
            ),
            _ => ("", format!("<h1 id=\"{0}\">{title}</h1>\n<p>Text of {title}.</p><h2 id=\"overview\">Overview</h2><p>More text.</p>", url.trim_end_matches('/').rsplit('/').next().unwrap())),
        };
        let html = render_page(&theme, url, title, desc, content, None);
        write(&format!("{url}index.html"), &html);
    }
    // An old version, with its banner.
    let old = render_page(
        &theme,
        "consent/1.0/2-description/",
        "2 Description",
        "",
        "<p>Old text.</p>".into(),
        Some("1.0"),
    );
    assert!(old.contains("banner-old"));
    write("consent/1.0/2-description/index.html", &old);

    let page =
        std::fs::read_to_string(out_dir().join("consent/5-key-digital-functionalities/index.html"))
            .unwrap();
    assert!(page.contains(
        r#"<html lang="en" data-root="../../" data-search-manifest="../../search/manifest.json">"#
    ));
    // The search box works only with JavaScript: specsite.js draws it into
    // the header's kept space, with the ids search.js looks for.
    assert!(page.contains(r#"<div></div></header>"#));
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/specsite.js"),
    )
    .unwrap();
    assert!(script.contains(r#"<input id="search-input" type="search" aria-label="Search""#));
    assert!(script.contains(r#"<div id="search-results" role="listbox""#));
    // search.js is not linked: specsite.js loads it when the box is first used.
    assert!(!page.contains("assets/search.js"));
    assert!(script.contains(r#""assets/search.js""#));
    assert!(page.contains(r#"<script defer src="../../assets/terms/consent.js">"#));
    assert!(page
        .contains(r#"<a class="term" href="../../glossary/data-subject/">data subject</a> can"#));
    assert!(page.contains(r#"href="./" aria-current="page">5 Key Digital Functionalities"#));
    assert!(page.contains(r#"<details class="nav-branch" open>"#));
    assert!(page.contains(r#"<link rel="canonical" href="https://specs.example.org/consent/5-key-digital-functionalities/">"#));
    assert!(page.contains(r##"<a href="#agreement-records">Agreement records</a>"##));
    assert!(page.contains("Edit this page"));
    assert!(!page.contains("banner-old"));

    // Glossary stand-ins.
    for (kind, tmpl, rel, from) in [
        (
            "glossary",
            "fixture-glossary.html",
            "glossary/index.html",
            "glossary/",
        ),
        (
            "term",
            "fixture-term.html",
            "glossary/data-subject/index.html",
            "glossary/data-subject/",
        ),
        (
            "term",
            "fixture-term.html",
            "glossary/building-block/index.html",
            "glossary/building-block/",
        ),
    ] {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &site_ctx(from, None));
        ctx.insert("page_kind", kind);
        ctx.insert(
            "search_manifest",
            &format!("{}search/manifest.json", rel_root(from)),
        );
        ctx.insert("data", &serde_json::json!({
            "term": if from.contains("building") { "Building Block" } else { "Data subject" },
            "definition": "<p>The person whose personal data is processed.</p>",
            "terms": [
                {"term": "Building Block", "href": href(from, "glossary/building-block/", None, false)},
                {"term": "Data subject", "href": href(from, "glossary/data-subject/", None, false)},
            ],
        }));
        write(rel, &theme.render(tmpl, &ctx).unwrap());
    }

    // Print view.
    let from = "consent/print/";
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_ctx(from, Some("consent")));
    ctx.insert("book", &book_ctx(from, None));
    ctx.insert("page_kind", "print");
    ctx.insert("search_manifest", "../../search/manifest.json");
    let print_pages: Vec<PrintPageCtx> = PAGES
        .iter()
        .enumerate()
        .map(|(i, (u, t))| PrintPageCtx {
            title: t.to_string(),
            anchor: format!("p-{i}"),
            depth: usize::from(u.contains("9-")),
            description: String::new(),
            content: if u.contains("5-key") {
                rich_content(from)
            } else {
                format!("<p>Text of {t}.</p>")
            },
        })
        .collect();
    ctx.insert("print_pages", &print_pages);
    let print = theme.render("print.html", &ctx).unwrap();
    assert!(print.contains(r#"id="p-4""#));
    write("consent/print/index.html", &print);

    // 404 and a redirect.
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_ctx("", None));
    ctx.insert("page_kind", "404");
    ctx.insert("search_manifest", "search/manifest.json");
    write("404.html", &theme.render("404.html", &ctx).unwrap());
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_ctx("consent/old/", None));
    ctx.insert("page_kind", "redirect");
    ctx.insert("target_href", "../2-description/");
    let redirect = theme.render("redirect.html", &ctx).unwrap();
    assert!(redirect.contains(r#"<meta http-equiv="refresh" content="0; url=../2-description/">"#));
    write("consent/old/index.html", &redirect);
}

#[test]
fn every_page_kind_renders_with_only_site_and_page_kind() {
    // Generated pages (glossary, matrix…) may give no book, nav or page.
    let theme = fixture_theme();
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_ctx("glossary/", None));
    ctx.insert("page_kind", "glossary");
    for t in ["404.html", "landing.html"] {
        let html = theme.render(t, &ctx).unwrap();
        assert!(
            html.contains(r#"<nav id="sidebar" aria-label="Site">"#),
            "{t}"
        );
        assert!(html.contains(r#"data-search-manifest="""#), "{t}");
    }
}

#[test]
fn page_text_is_escaped_but_content_is_trusted() {
    let theme = fixture_theme();
    let html = render_page(
        &theme,
        "consent/2-description/",
        "A <b> & C",
        "x < y",
        "<p>trusted</p>".into(),
        None,
    );
    assert!(html.contains("<h1>A &lt;b&gt; &amp; C</h1>"));
    assert!(html.contains(r#"<p class="lead">x &lt; y</p>"#));
    assert!(html.contains("<p>trusted</p>"));
}

fn corpus_dir() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/govstack");
    [local, PathBuf::from("/work/shared/corpus/govstack")]
        .into_iter()
        .find(|p| p.is_dir())
}

/// A rough stand-in for the markdown stage (pulldown-cmark, GitBook hints as
/// `.hint` divs, ids on headings), enough to preview real pages in the theme.
fn rough_markdown(text: &str) -> (String, Vec<TocItem>) {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let mut src = String::new();
    let body = match text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
    {
        Some((_, body)) => body,
        None => text,
    };
    for line in body.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("{% hint style=\"") {
            let style = rest.split('"').next().unwrap_or("info");
            src.push_str(&format!(
                "<div class=\"hint hint-{style}\" role=\"note\">\n\n"
            ));
        } else if t.starts_with("{% endhint") {
            src.push_str("\n</div>\n");
        } else if t.starts_with("{%") {
            continue;
        } else {
            src.push_str(line);
            src.push('\n');
        }
    }
    let mut events: Vec<Event> =
        Parser::new_ext(&src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).collect();
    let mut toc = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i] {
            let level = *level;
            let mut title = String::new();
            let mut j = i + 1;
            while !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    title.push_str(t);
                }
                j += 1;
            }
            let id: String = title
                .to_lowercase()
                .chars()
                .filter_map(|c| {
                    if c.is_alphanumeric() || c == '.' {
                        Some(c)
                    } else if c == ' ' || c == '-' {
                        Some('-')
                    } else {
                        None
                    }
                })
                .collect();
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push(TocItem {
                    level: level as u8,
                    title: title.clone(),
                    id: id.clone(),
                });
            }
            events[i] = Event::Start(Tag::Heading {
                level,
                id: Some(id.into()),
                classes: vec![],
                attrs: vec![],
            });
            i = j;
        }
        i += 1;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (html, toc)
}

#[test]
fn renders_corpus_pages_for_preview_when_the_corpus_is_there() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("corpus not found: skipping the corpus preview");
        return;
    };
    let theme = fixture_theme();
    for file in [
        "consent/spec/4-key-digital-functionalities.md",
        "consent/spec/3-terminology.md",
    ] {
        let Ok(text) = std::fs::read_to_string(corpus.join(file)) else {
            continue;
        };
        let (content, toc) = rough_markdown(&text);
        let url = format!(
            "corpus/{}/",
            file.trim_end_matches(".md").replace("/spec/", "/")
        );
        let title = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches('#')
            .trim()
            .to_string();
        let mut page = page_ctx(&url, &title, "", content);
        page.toc = toc;
        let mut ctx = tera::Context::new();
        ctx.insert("site", &site_ctx(&url, Some("consent")));
        ctx.insert("book", &book_ctx(&url, None));
        ctx.insert("nav", &nav(&url, &url));
        ctx.insert("page", &page);
        ctx.insert("page_kind", "page");
        ctx.insert("search_manifest", "");
        let html = theme.render("page.html", &ctx).unwrap();
        assert!(html.contains("<table>"), "{file} has tables");
        write(&format!("{url}index.html"), &html);
    }
}

#[test]
fn a_page_whose_content_opens_with_its_own_h1_gets_no_second_one() {
    let theme = fixture_theme();
    let html = render_page(
        &theme,
        "consent/2-description/",
        "2 Description",
        "",
        "\n  <h1 id=\"x\">2 Description</h1><p>t</p>".into(),
        None,
    );
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains("<title>2 Description · Consent · GovStack Specifications</title>"));
    let html = render_page(&theme, "consent/", "Consent", "", "<p>t</p>".into(), None);
    assert!(html.contains("<title>Consent · GovStack Specifications</title>"));
    assert_eq!(html.matches("<h1").count(), 1);
}
