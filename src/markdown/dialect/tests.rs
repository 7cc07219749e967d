use super::*;
use crate::content::{Book, Page, Site};
use std::path::PathBuf;
use std::sync::Arc;

fn fixture_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi")
}

fn site() -> Site {
    let root = fixture_root();
    let mut assets: Vec<String> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            e.path()
                .strip_prefix(&root)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .filter(|p| !p.ends_with(".md"))
        .collect();
    assets.sort();
    Site {
        root,
        books: vec![Book {
            id: "book".into(),
            repo_dir: "book".into(),
            page_root: "book/spec".into(),
            url_prefixes: vec!["book".into()],
            ..Default::default()
        }],
        assets,
        ..Default::default()
    }
}

fn page(file: &str, text: &str) -> Page {
    Page {
        book: 0,
        file: file.into(),
        path: file.trim_start_matches("book/spec/").into(),
        slug: String::new(),
        source: Arc::from(text),
        front: Default::default(),
        body_start: 0,
        summary_title: None,
        in_summary: true,
        terminology: false,
        common_terminology: false,
    }
}

const PAGE: &str = "book/spec/sub/page.md";

fn run_with(site: &Site, cache: &OpenApiCache, text: &str) -> Preprocessed {
    let p = page(PAGE, text);
    let env = DialectEnv::new(site, &p, cache);
    preprocess(text, 0, &env)
}

fn run(text: &str) -> Preprocessed {
    run_with(&site(), &OpenApiCache::default(), text)
}

/// Preprocess, render with pulldown-cmark, substitute fragments.
fn render(text: &str) -> (String, Preprocessed) {
    let pre = run(text);
    let mut html = String::new();
    let opts = pulldown_cmark::Options::ENABLE_TABLES;
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&pre.text, opts));
    finish(&mut html, &pre.fragments);
    (html, pre)
}

fn rules(pre: &Preprocessed) -> Vec<&'static str> {
    pre.diagnostics.iter().map(|d| d.rule.name()).collect()
}

#[test]
fn hint_renders_a_styled_note_with_markdown_inside() {
    let (html, pre) =
        render("{% hint style=\"warning\" %}\nBe **careful** with [x](y.md).\n{% endhint %}\n");
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(
        html.contains("<div class=\"hint hint-warning\" role=\"note\" aria-label=\"Warning\">"),
        "{html}"
    );
    assert!(html.contains("class=\"hint-icon\" aria-hidden=\"true\""));
    assert!(
        html.contains("<p>Be <strong>careful</strong> with <a href=\"y.md\">x</a>.</p>"),
        "{html}"
    );
    assert!(html.trim_end().ends_with("</div></div>"), "{html}");
}

#[test]
fn hint_with_unknown_style_is_info() {
    let (html, _) = render("{% hint style=\"bogus\" %}\nx\n{% endhint %}\n");
    assert!(html.contains("hint hint-info"), "{html}");
}

#[test]
fn tabs_render_an_accessible_widget_that_reads_as_sections_without_js() {
    let text = "{% tabs %}\n{% tab title=\"First&#x20;\" %}\nOne\n{% endtab %}\n\n{% tab title=\"Second <b>\" %}\n```json\n{}\n```\n{% endtab %}\n{% endtabs %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(
        html.contains("<div class=\"tab-list\" role=\"tablist\" hidden>"),
        "{html}"
    );
    assert!(html.contains("role=\"tab\" id=\"tabs-tab-0\" aria-controls=\"tabs-panel-0\" aria-selected=\"true\" tabindex=\"0\">First</button>"), "{html}");
    assert!(
        html.contains("aria-selected=\"false\" tabindex=\"-1\">Second &lt;b&gt;</button>"),
        "{html}"
    );
    assert!(html.contains("<section class=\"tab-panel\" role=\"tabpanel\" id=\"tabs-panel-1\" aria-labelledby=\"tabs-tab-1\">"));
    assert!(
        html.contains("<h4 class=\"tab-title\">First</h4>"),
        "{html}"
    );
    assert!(html.contains("<p>One</p>"));
    assert!(html.contains("<code class=\"language-json\">"), "{html}");
    assert!(!html.contains("&#x20;") && !html.contains("&amp;#x20;"));
    assert_eq!(pre.anchors, vec!["tabs".to_string()]);
}

#[test]
fn two_tab_widgets_get_distinct_ids() {
    let text = "{% tabs %}\n{% tab title=\"A\" %}\na\n{% endtab %}\n{% endtabs %}\n\n{% tabs %}\n{% tab title=\"B\" %}\nb\n{% endtab %}\n{% endtabs %}\n";
    let (html, _) = render(text);
    assert!(html.contains("id=\"tabs-1-panel-0\""), "{html}");
}

#[test]
fn code_block_gets_title_line_numbers_and_highlighting() {
    let text = "{% code title=\"pet.json\" lineNumbers=\"true\" %}\n```json\n{\"a\": 1}\n[2]\n```\n{% endcode %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty());
    assert!(html.contains("<figure class=\"code-block line-numbers\"><figcaption class=\"code-title\">pet.json</figcaption>"), "{html}");
    assert!(
        html.contains("<span class=\"line-numbers\" aria-hidden=\"true\">1\n2</span>"),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"language-json\">{<span class=\"hl-string hl-key\">"),
        "{html}"
    );
}

#[test]
fn code_block_around_other_content_is_a_plain_figure() {
    let (html, _) = render("{% code title=\"t\" %}\ntext\n{% endcode %}\n");
    assert!(
        html.contains(
            "<figure class=\"code-block\">\n<figcaption class=\"code-title\">t</figcaption>"
        ),
        "{html}"
    );
    assert!(html.contains("<p>text</p>"));
}

#[test]
fn embed_without_end_tag_is_a_link_card() {
    let text = "{% embed url=\"https://github.com/org/repo/tree/main/x\" %}\n\nAfter.\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(html.contains("<div class=\"embed-card\">"));
    assert!(html.contains("<a href=\"https://github.com/org/repo/tree/main/x\">github.com/org/repo/tree/main/x</a>"), "{html}");
    assert!(!html.contains("<iframe"));
    let card_end = html.find("</div>").unwrap();
    assert!(html[card_end..].contains("<p>After.</p>"), "{html}");
}

#[test]
fn embed_with_caption_keeps_caption_inside_card() {
    let (html, _) = render("{% embed url=\"https://a.test/x\" %}\nThe caption\n{% endembed %}\n");
    let caption = html.find("<p>The caption</p>").unwrap();
    assert!(caption < html.rfind("</div>").unwrap(), "{html}");
}

#[test]
fn file_card_links_the_file_with_its_size() {
    let text = "{% file src=\"../files/report.txt\" %}\nQuarterly report\n{% endfile %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty());
    assert!(html.contains("<a href=\"../files/report.txt\">report.txt</a> <span class=\"file-size\">(12 B)</span>"), "{html}");
    assert!(html.contains("<p>Quarterly report</p>"));
    // The link destination maps back onto the attribute in the page.
    let dest = pre.text.find("../files/report.txt").unwrap();
    assert_eq!(pre.map.to_source(dest), text.find("../files").unwrap());
}

#[test]
fn content_ref_becomes_a_checked_markdown_link() {
    let text = "Intro.\n\n{% content-ref url=\"other page.md\" %}\n[Other Page](<other page.md>)\n{% endcontent-ref %}\n\nEnd.\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(html.contains("<div class=\"content-ref\">"));
    assert!(
        html.contains("<a href=\"other%20page.md\">Other Page</a>"),
        "{html}"
    );
    assert_eq!(
        html.matches("<a ").count(),
        1,
        "the body's own link is not repeated: {html}"
    );
    let dest = pre.text.find("other page.md").unwrap();
    assert_eq!(pre.map.to_source(dest), text.find("other page.md").unwrap());
    assert!(html.contains("<p>End.</p>"));
}

#[test]
fn columns_render_as_divs() {
    let (html, pre) = render("{% columns %}\n{% column %}\nLeft\n{% endcolumn %}\n{% column %}\nRight\n{% endcolumn %}\n{% endcolumns %}\n");
    assert!(pre.diagnostics.is_empty());
    assert_eq!(html.matches("<div class=\"column\">").count(), 2, "{html}");
    assert!(html.contains("<div class=\"columns\">"));
    assert!(html.contains("<p>Right</p>"));
}

#[test]
fn blocks_nest_and_stay_inside_list_items() {
    let text = "1. Step one\n\n   {% hint style=\"info\" %}\n   Inside **hint**\n   {% endhint %}\n2. Step two\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    let li = html.find("<li>").unwrap();
    let hint = html.find("hint hint-info").unwrap();
    let li_end = html.find("</li>").unwrap();
    assert!(li < hint && hint < li_end, "{html}");
    assert!(html.contains("<strong>hint</strong>"));
    assert_eq!(html.matches("<li>").count(), 2, "{html}");
    assert_eq!(html.matches("<ol>").count(), 1, "one list: {html}");
}

#[test]
fn hint_inside_tab_nests() {
    let text = "{% tabs %}\n{% tab title=\"A\" %}\n{% hint style=\"danger\" %}\nNo\n{% endhint %}\n{% endtab %}\n{% endtabs %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty());
    let panel = html.find("tab-panel").unwrap();
    assert!(html.find("hint-danger").unwrap() > panel);
    assert!(html.contains("</div></div>\n</section>\n</div>"), "{html}");
}

#[test]
fn unclosed_block_is_reported_and_its_content_shown() {
    let text = "{% hint style=\"info\" %}\nStill shown\n";
    let (html, pre) = render(text);
    assert_eq!(rules(&pre), vec!["unknown-block"]);
    assert_eq!(pre.diagnostics[0].span, 0..text.find('\n').unwrap());
    assert!(html.contains("<p>Still shown</p>"));
    assert!(html.trim_end().ends_with("</div></div>"), "{html}");
}

#[test]
fn block_closed_by_its_parent_end_is_reported() {
    let text = "{% tabs %}\n{% tab title=\"A\" %}\nx\n{% endtabs %}\n";
    let (html, pre) = render(text);
    assert_eq!(rules(&pre), vec!["unknown-block"]);
    assert!(
        pre.diagnostics[0].message.contains("tab"),
        "{:?}",
        pre.diagnostics
    );
    assert!(html.contains("</section>\n</div>"), "{html}");
}

#[test]
fn unknown_tag_is_reported_dropped_and_content_kept() {
    let text = "{% include \"x.md\" %}\n\n{% fancy %}\nBody\n{% endfancy %}\n\n{% endhint %}\n";
    let (html, pre) = render(text);
    assert_eq!(
        rules(&pre),
        vec!["unknown-block", "unknown-block", "unknown-block"]
    );
    assert!(pre.diagnostics[2].message.contains("closes no open"));
    assert!(html.contains("<p>Body</p>"));
    assert!(!pre.text.contains("{%"), "{}", pre.text);
}

#[test]
fn tags_inside_code_stay_literal() {
    let text = "```\n{% hint style=\"info\" %}\n```\n\nUse `{% hint %}` here.\n\n    {% tabs %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty());
    assert_eq!(pre.text, text);
    assert!(html.contains("<code>{% hint %}</code>"));
}

#[test]
fn offsets_map_copied_text_exactly_and_generated_text_to_the_tag() {
    let text = "# Title\n\n{% hint style=\"info\" %}\nInside text\n{% endhint %}\n\nAfter text\n";
    let pre = run(text);
    for needle in ["# Title", "Inside text", "After text"] {
        let at = pre.text.find(needle).unwrap();
        assert_eq!(
            pre.map.to_source(at),
            text.find(needle).unwrap(),
            "{needle}"
        );
        assert_eq!(pre.map.to_source(at + 3), text.find(needle).unwrap() + 3);
    }
    let generated = pre.text.find("<div class=\"hint").unwrap();
    assert_eq!(pre.map.to_source(generated), text.find("{% hint").unwrap());
    let close = pre.text.find("</div></div>").unwrap();
    assert_eq!(pre.map.to_source(close), text.find("{% endhint").unwrap());
}

#[test]
fn offsets_include_the_body_start() {
    let text = "---\ntitle: x\n---\nBody {% fancy %} end\n";
    let start = text.find("Body").unwrap();
    let p = page(PAGE, text);
    let s = site();
    let cache = OpenApiCache::default();
    let env = DialectEnv::new(&s, &p, &cache);
    let pre = preprocess(&text[start..], start, &env);
    assert_eq!(pre.map.to_source(0), start);
    assert_eq!(
        pre.diagnostics[0].span.start,
        text.find("{% fancy").unwrap()
    );
    let end = pre.text.find("end").unwrap();
    assert_eq!(pre.map.to_source(end), text.find("end\n").unwrap());
}

#[test]
fn header_hidden_tables_lose_their_empty_head() {
    let text = "<table data-header-hidden><thead><tr><th width=\"600\"></th><th></th></tr></thead><tbody><tr><td>Real</td><td>head</td></tr></tbody></table>\n";
    let (html, pre) = render(text);
    assert!(!html.contains("<thead>"), "{html}");
    assert!(html.contains("<table data-header-hidden><colgroup><col width=\"600\"><col></colgroup><tbody><tr><td>Real</td>"), "{html}");
    let td = pre.text.find("<tbody>").unwrap();
    assert_eq!(pre.map.to_source(td), text.find("<tbody>").unwrap());
}

#[test]
fn finish_replaces_only_known_placeholders() {
    let mut html =
        "<p>a</p>\n<!--specsite:frag:0-->\n<!--specsite:frag:9-->\n<!--specsite:frag:x".to_string();
    finish(&mut html, &["<b>card</b>".to_string()]);
    assert_eq!(
        html,
        "<p>a</p>\n<b>card</b>\n<!--specsite:frag:9-->\n<!--specsite:frag:x"
    );
}

// ---- OpenAPI ----

#[test]
fn openapi_yaml_card_resolves_refs_and_nests_schemas() {
    let text = "{% openapi src=\"../.gitbook/assets/pets.yaml\" path=\"/pets/{petId}\" method=\"get\" %}\ncached summary\n{% endopenapi %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(!html.contains("cached summary"));
    assert!(
        html.contains("<section class=\"api-op api-op-get\" id=\"op-get-pets-petid\""),
        "{html}"
    );
    assert_eq!(
        pre.anchors,
        vec!["op-get-pets-petid", "schema-pets-pet", "schema-pets-person"]
    );
    assert!(html.contains("<span class=\"api-method api-method-get\">GET</span> <code class=\"api-path\">/pets/{petId}</code>"));
    assert!(html.contains("<p class=\"api-summary\">Read one pet</p>"));
    assert!(html.contains("Returns the pet with <strong>this</strong> id."));
    assert!(html.contains("Second line<br>"), "{html}");
    assert!(html.contains("Server: <code>https://api.example.test/v1</code>"));
    // Path-level parameter through $ref, and the operation's own.
    assert!(html.contains("<td>petId <span class=\"api-required\">required</span></td><td>path</td><td>integer (int64)</td>"), "{html}");
    assert!(html.contains("<td>array of string</td>"), "{html}");
    // Response 200 (YAML integer key) with the Pet schema, drawn once under
    // its name with Person; the cycle back to Pet is a link.
    assert!(
        html.contains("<span class=\"api-status api-status-2xx\">200</span> The pet."),
        "{html}"
    );
    assert!(html.contains("Schema: <code><a href=\"#schema-pets-pet\">Pet</a></code>"));
    assert!(html.contains("<section class=\"api-schema-def\" id=\"schema-pets-pet\""));
    assert!(html.contains("The pet's &lt;name&gt;."), "{html}");
    assert!(html.contains("Allowed values: <code>cat</code>, <code>dog</code>"));
    assert!(html.contains("<td>owner</td><td><a href=\"#schema-pets-person\">Person</a></td>"));
    assert!(html.contains("Properties of <code>address</code>"));
    assert!(
        html.contains("<td>array of <a href=\"#schema-pets-pet\">Pet</a></td>"),
        "{html}"
    );
    assert!(html.contains("City name."));
    // Response via $ref.
    assert!(html.contains("api-status-4xx\">404</span> No such pet."));
    // Example, pretty JSON, highlighted.
    assert!(html.contains("<div class=\"api-example\"><p class=\"api-example-title\">Example</p><pre class=\"hl-code\"><code class=\"language-json\">"));
    assert!(html.contains("Rex"));
}

#[test]
fn openapi_card_snapshot() {
    let text = "{% openapi src=\"../.gitbook/assets/pets.yaml\" path=\"/pets\" method=\"post\" %}\n{% endopenapi %}\n";
    let pre = run(text);
    assert_eq!(pre.fragments.len(), 1);
    insta::assert_snapshot!(pre.fragments[0]);
}

#[test]
fn openapi_json_31_merges_all_of_and_shows_type_lists() {
    let text = "{% swagger src=\"../../api/store.json\" path=\"/orders\" method=\"GET\" %}\n{% endswagger %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(html.contains("<td>integer | null</td>"), "{html}");
    assert!(html.contains("Example: <code>10</code>"));
    assert!(
        html.contains("Schema: <code>array of <a href=\"#schema-store-order\">Order</a></code>"),
        "{html}"
    );
    assert!(
        html.contains("<td>orderId</td>") && html.contains("<td>string (uuid)</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td>total <span class=\"api-required\">required</span></td><td>number</td>"),
        "{html}"
    );
}

#[test]
fn swagger2_body_parameter_becomes_the_request_body() {
    let text = "{% swagger src=\"https://raw.githubusercontent.com/org/bb-x/main/api/legacy-swagger.yaml\" path=\"/users\" method=\"post\" %}\n{% endswagger %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(
        html.contains("Server: <code>https://legacy.example.test/api</code>"),
        "{html}"
    );
    assert!(
        html.contains("<td>X-Trace</td><td>header</td><td>string</td>"),
        "{html}"
    );
    assert!(!html.contains("<td>body</td>"), "{html}");
    assert!(html.contains("Request body</h4>"));
    assert!(html.contains("The new user."));
    assert!(html.contains("Schema: <code><a href=\"#schema-legacy-swagger-user\">User</a></code>"));
    // The recursive reference links back to the one drawing.
    assert_eq!(html.matches("id=\"schema-legacy-swagger-user\"").count(), 1);
    assert!(
        html.matches("href=\"#schema-legacy-swagger-user\"").count() >= 2,
        "{html}"
    );
    assert!(html.contains("Example (application/json)"));
    assert!(html.contains("ann"));
}

#[test]
fn swagger_path_with_base_path_prefix_is_found() {
    let text = "{% swagger src=\"../../api/legacy-swagger.yaml\" path=\"/api/users\" method=\"post\" %}\n{% endswagger %}\n";
    assert!(run(text).diagnostics.is_empty());
}

#[test]
fn src_relative_to_the_wrong_folder_falls_back_to_assets_by_name() {
    let text = "{% openapi src=\".gitbook/assets/pets.yaml\" path=\"/pets\" method=\"post\" %}\n{% endopenapi %}\n";
    let (html, pre) = render(text);
    assert!(pre.diagnostics.is_empty(), "{:?}", pre.diagnostics);
    assert!(html.contains("id=\"op-post-pets\""));
}

#[test]
fn missing_method_is_reported_with_a_visible_notice() {
    let text = "Before\n\n{% openapi src=\"../.gitbook/assets/pets.yaml\" path=\"/pets\" method=\"delete\" %}\n{% endopenapi %}\n";
    let (html, pre) = render(text);
    assert_eq!(rules(&pre), vec!["openapi-missing"]);
    let d = &pre.diagnostics[0];
    assert_eq!(d.span.start, text.find("{% openapi").unwrap());
    assert!(
        d.message.contains("has no `delete`") && d.message.contains("post"),
        "{}",
        d.message
    );
    assert!(
        html.contains("<div class=\"api-op api-op-missing\" role=\"note\">"),
        "{html}"
    );
    assert!(html.contains("<code>DELETE /pets</code>"));
}

#[test]
fn missing_path_and_missing_file_are_reported() {
    let text = "{% openapi src=\"../.gitbook/assets/pets.yaml\" path=\"/nope\" method=\"get\" %}\n{% endopenapi %}\n{% swagger src=\"gone.yaml\" path=\"/a\" method=\"get\" %}\n{% endswagger %}\n{% swagger src=\"../../api/broken.yaml\" path=\"/a\" method=\"get\" %}\n{% endswagger %}\n";
    let pre = run(text);
    assert_eq!(rules(&pre), vec!["openapi-missing"; 3]);
    assert!(
        pre.diagnostics[0].message.contains("closest: `/pets`"),
        "{}",
        pre.diagnostics[0].message
    );
    assert!(
        pre.diagnostics[1].message.contains("not found"),
        "{}",
        pre.diagnostics[1].message
    );
    assert!(
        pre.diagnostics[2].message.contains("not valid YAML"),
        "{}",
        pre.diagnostics[2].message
    );
}

#[test]
fn src_outside_the_root_is_never_read() {
    let text = "{% swagger src=\"../../../../../../etc/passwd\" path=\"/a\" method=\"get\" %}\n{% endswagger %}\n";
    let cache = OpenApiCache::default();
    let pre = run_with(&site(), &cache, text);
    assert_eq!(rules(&pre), vec!["path-outside-root"]);
    assert_eq!(
        &text[pre.diagnostics[0].span.clone()],
        "../../../../../../etc/passwd"
    );
    assert!(cache.is_empty(), "nothing was loaded");
}

#[test]
fn openapi_operation_finds_specs_by_config_name_and_by_file_stem() {
    let mut s = site();
    s.config
        .openapi_specs
        .insert("shop".into(), "book/api/store.json".into());
    let text = "{% openapi-operation spec=\"shop\" path=\"/orders\" method=\"get\" %}\n{% endopenapi-operation %}\n{% openapi-operation spec=\"legacy\" path=\"/users\" method=\"post\" %}\n{% endopenapi-operation %}\n{% openapi-operation spec=\"unknown-spec\" path=\"/x\" method=\"get\" %}\n{% endopenapi-operation %}\n";
    let pre = run_with(&s, &OpenApiCache::default(), text);
    assert_eq!(
        rules(&pre),
        vec!["openapi-missing"],
        "{:?}",
        pre.diagnostics
    );
    assert!(pre.diagnostics[0].message.contains("openapi_specs"));
    assert_eq!(
        pre.diagnostics[0].suggestion, None,
        "no spec file defines GET /x"
    );
    assert!(pre.fragments[0].contains("op-get-orders"));
    assert!(pre.fragments[1].contains("op-post-users"));
}

#[test]
fn unmapped_spec_name_suggests_the_file_that_defines_the_operation() {
    let text = "{% openapi-operation spec=\"orders-api\" path=\"/orders\" method=\"get\" %}\n{% endopenapi-operation %}\n";
    let pre = run(text);
    assert_eq!(rules(&pre), vec!["openapi-missing"]);
    assert_eq!(
        pre.diagnostics[0].suggestion.as_deref(),
        Some("add `openapi_specs: { orders-api: book/api/store.json }` to specsite.yaml")
    );
}

#[test]
fn each_spec_file_is_parsed_once_and_repeated_operations_get_unique_anchors() {
    let block = "{% openapi src=\"../.gitbook/assets/pets.yaml\" path=\"/pets\" method=\"post\" %}\n{% endopenapi %}\n";
    let cache = OpenApiCache::default();
    let pre = run_with(&site(), &cache, &format!("{block}{block}"));
    assert_eq!(cache.len(), 1);
    // The second card links to the schemas the first one drew.
    assert_eq!(
        pre.anchors,
        vec![
            "op-post-pets",
            "schema-pets-pet",
            "schema-pets-person",
            "op-post-pets-1"
        ]
    );
}

#[test]
fn cache_is_shared_across_threads() {
    let cache = OpenApiCache::default();
    let s = site();
    let block = "{% openapi src=\"../.gitbook/assets/pets.yaml\" path=\"/pets\" method=\"post\" %}\n{% endopenapi %}\n";
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| assert!(run_with(&s, &cache, block).diagnostics.is_empty()));
        }
    });
    assert_eq!(cache.len(), 1);
}

#[test]
fn api_block_without_end_tag_still_renders_and_is_reported() {
    let text = "{% swagger src=\"../../api/store.json\" path=\"/orders\" method=\"get\" %}\n\nNext paragraph\n";
    let (html, pre) = render(text);
    assert_eq!(rules(&pre), vec!["unknown-block"]);
    assert!(html.contains("op-get-orders"));
    assert!(html.contains("<p>Next paragraph</p>"));
}
