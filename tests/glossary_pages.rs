//! Generated glossary pages: data shape and the theme templates rendering it.

use specsite::config::Config;
use specsite::content::{Book, Page, Site};
use specsite::glossary::{self, GeneratedPage, TermUse, UseKind};
use std::sync::Arc;

/// A common page defining two terms, a wallet page redefining one, and a consent page using them.
fn site() -> Site {
    let mut site = Site {
        config: Config::default(),
        ..Default::default()
    };
    for id in ["arch", "consent", "wallet"] {
        site.books.push(Book {
            id: id.into(),
            title: format!("Book {id}"),
            latest: true,
            url_prefixes: vec![id.into()],
            ..Default::default()
        });
    }
    let pages = [
        (
            0,
            "arch/2-common-terminology.md",
            "2-common-terminology/",
            "# T\n\n#### **Credential**\n\nA document that vouches.\n\n#### Use Case\n\nA story.\n",
            true,
            true,
        ),
        (
            1,
            "consent/intro.md",
            "intro/",
            "# Intro\n\nA credential and a use case and a credential.\n",
            false,
            false,
        ),
        (
            2,
            "wallet/3-terminology.md",
            "3-terminology/",
            "# T\n\n### Credential\n\nA wallet's credential.\n\n### Container\n\nA medium.\n",
            true,
            false,
        ),
    ];
    for (i, (book, file, slug, text, term, common)) in pages.into_iter().enumerate() {
        let source: Arc<str> = text.into();
        site.sources.insert(file.into(), source.clone());
        site.page_by_file.insert(file.into(), i);
        site.books[book].pages.push(i);
        site.pages.push(Page {
            book,
            file: file.into(),
            path: file.split_once('/').unwrap().1.into(),
            slug: slug.into(),
            source,
            front: Default::default(),
            body_start: 0,
            summary_title: Some(format!("Page {i}")),
            in_summary: true,
            terminology: term,
            common_terminology: common,
        });
    }
    site
}

fn page<'a>(pages: &'a [GeneratedPage], url: &str) -> &'a GeneratedPage {
    pages
        .iter()
        .find(|p| p.url == url)
        .unwrap_or_else(|| panic!("no page {url}"))
}

fn pages() -> (Site, Vec<GeneratedPage>) {
    let site = site();
    let (g, _) = glossary::load_glossary(&site);
    let credential = g.terms.iter().position(|t| t.name == "Credential").unwrap();
    let u = |start| TermUse {
        term: credential,
        span: start..start + 10,
        surface: "credential".into(),
        kind: UseKind::Name,
    };
    let uses = vec![(1, vec![u(11), u(40)])];
    let pages = glossary::glossary_pages(&g, &site, &uses, false);
    (site, pages)
}

#[test]
fn generates_indexes_term_pages_and_matrix() {
    let (_, pages) = pages();
    let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "glossary/",
            "wallet/glossary/",
            "glossary/credential/",
            "glossary/use-case/",
            "wallet/glossary/credential/",
            "wallet/glossary/container/",
            "glossary/matrix/"
        ]
    );
    let index = page(&pages, "glossary/");
    assert_eq!(index.data["letters"][0]["letter"], "C");
    assert_eq!(index.data["letters"][0]["terms"][0]["href"], "credential/");
    assert_eq!(
        index.data["letters"][0]["terms"][0]["redefined_in"][0]["href"],
        "../wallet/glossary/credential/"
    );
    assert_eq!(index.data["books"][0]["href"], "../wallet/glossary/");

    let term = page(&pages, "glossary/credential/");
    assert_eq!(term.template, "term.html");
    assert_eq!(term.data["total_uses"], 2);
    assert_eq!(
        term.data["used_in"][0]["pages"][0]["href"],
        "../../consent/intro/"
    );
    assert_eq!(term.data["used_in"][0]["pages"][0]["count"], 2);
    assert_eq!(
        term.data["redefinitions"][0]["definition_html"],
        "<p>A wallet's credential.</p>\n"
    );
    assert_eq!(
        term.data["term"]["defined_in"]["href"],
        "../../arch/2-common-terminology/#credential"
    );

    let book_term = page(&pages, "wallet/glossary/credential/");
    assert_eq!(
        book_term.data["common"]["href"],
        "../../../glossary/credential/"
    );

    let matrix = page(&pages, "glossary/matrix/");
    let row = &matrix.data["rows"][0];
    assert_eq!(row["name"], "Credential");
    let cells: Vec<(u64, bool)> = row["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["count"].as_u64().unwrap(),
                c["redefined"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(cells, vec![(0, false), (2, false), (0, true)]);
}

#[test]
fn templates_render_the_page_data() {
    let (_, pages) = pages();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates/");
    let mut tera = tera::Tera::default();
    tera.add_raw_template("base.html", "<title>{% block title %}{% endblock title %}</title><main>{% block content %}{% endblock content %}</main>").unwrap();
    for name in ["glossary.html", "term.html", "matrix.html"] {
        tera.add_raw_template(
            name,
            &std::fs::read_to_string(format!("{dir}{name}")).unwrap(),
        )
        .unwrap();
    }
    let render = |p: &GeneratedPage| {
        let mut ctx = tera::Context::new();
        ctx.insert("data", &p.data);
        // Tera escapes `/` in output; undo that to compare hrefs.
        tera.render(p.template, &ctx)
            .unwrap()
            .replace("&#x2F;", "/")
    };
    let html = render(page(&pages, "glossary/credential/"));
    assert!(html.contains("<title>Credential</title>"));
    assert!(html.contains("<p>A document that vouches.</p>"));
    assert!(html.contains("Redefined in 1 book"));
    assert!(html.contains("<li><a href=\"../../consent/intro/\">Page 1</a> (2)</li>"));
    let html = render(page(&pages, "glossary/"));
    assert!(html.contains("<a href=\"credential/\">Credential</a>"));
    let html = render(page(&pages, "wallet/glossary/"));
    assert!(html.contains("Book wallet: glossary"));
    let html = render(page(&pages, "glossary/matrix/"));
    assert!(html.contains("<td class=\"redefined\"><a href=\"../../wallet/glossary/credential/\""));
}

#[test]
fn search_docs_cover_every_term() {
    let site = site();
    let (g, _) = glossary::load_glossary(&site);
    let docs = glossary::search_docs(&g, &site);
    assert_eq!(docs.len(), 4);
    let wallet = docs
        .iter()
        .find(|d| d.url == "wallet/glossary/credential/")
        .unwrap();
    assert_eq!(
        (
            wallet.book.as_str(),
            wallet.book_title.as_str(),
            wallet.text.as_str()
        ),
        ("wallet", "Book wallet", "A wallet's credential.")
    );
}

#[test]
fn plan_makes_each_page_on_demand_with_the_url_it_announces() {
    let site = site();
    let (g, _) = glossary::load_glossary(&site);
    let uses: Vec<(usize, Vec<TermUse>)> = Vec::new();
    let plan = glossary::GlossaryPlan::new(&g, &site, &uses, false);
    let all = glossary::glossary_pages(&g, &site, &uses, false);
    assert_eq!(plan.len(), all.len());
    for (i, p) in all.iter().enumerate() {
        assert_eq!(plan.url(i), p.url, "url of page {i}");
        let made = plan.page(i);
        assert_eq!(made.url, p.url);
        assert_eq!(made.title, p.title);
        assert_eq!(made.data, p.data, "data of {}", p.url);
    }
}
