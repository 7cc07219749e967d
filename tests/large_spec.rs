//! The page budgets hold beyond the shared corpus: a book whose API spec is
//! far larger and more tangled than any GovStack one (160 named schemas that
//! refer to each other, in properties, arrays, `oneOf` and `allOf`, with
//! inline objects nesting further references; 20 operations whose request
//! bodies reach most of them) still gives a page of at most
//! max(400 kB, 3 × the spec's bytes), a print view under 4 MB, and each
//! named schema drawn once per page and once per print view.
//!
//! The spec is generated here from a fixed seed, so the test needs no
//! fixture files and always sees the same spec.

mod common;

use common::Rng;
use serde_json::{json, Map, Value};

const SCHEMAS: usize = 160;

fn name(i: usize) -> String {
    format!("Schema{i:03}")
}

fn reference(rng: &mut Rng) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", name(rng.below(SCHEMAS))) })
}

fn spec() -> Value {
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let mut schemas = Map::new();
    for i in 0..SCHEMAS {
        let mut props = Map::new();
        for j in 0..10 {
            let (key, value) = match rng.below(100) {
                0..=29 => (format!("ref{j}"), reference(&mut rng)),
                30..=44 => (
                    format!("list{j}"),
                    json!({ "type": "array", "items": reference(&mut rng) }),
                ),
                45..=54 => (
                    format!("inline{j}"),
                    json!({
                        "type": "object",
                        "description": format!("An inline part of {}.", name(i)),
                        "properties": {
                            "kind": { "type": "string", "enum": ["first", "second", "third"] },
                            "target": reference(&mut rng),
                            "detail": {
                                "type": "object",
                                "properties": {
                                    "count": { "type": "integer" },
                                    "about": reference(&mut rng)
                                }
                            }
                        }
                    }),
                ),
                55..=61 => (
                    format!("either{j}"),
                    json!({ "oneOf": [reference(&mut rng), reference(&mut rng)] }),
                ),
                _ => (
                    format!("field{j}"),
                    json!({
                        "type": "string",
                        "description": format!("Field {j} of {}, described in a sentence of ordinary length.", name(i)),
                        "example": "an example value"
                    }),
                ),
            };
            props.insert(key, value);
        }
        let required: Vec<String> = props.keys().take(2).cloned().collect();
        let own = json!({
            "type": "object",
            "description": format!("The {} object.", name(i)),
            "properties": props,
            "required": required
        });
        let schema = if i % 7 == 0 {
            json!({ "allOf": [reference(&mut rng), own] })
        } else {
            own
        };
        schemas.insert(name(i), schema);
    }
    let mut paths = Map::new();
    for action in ACTIONS {
        paths.insert(
            format!("/{action}"),
            json!({ "post": {
                "summary": format!("Send {action}"),
                "requestBody": { "content": { "application/json": { "schema": {
                    "type": "object",
                    "required": ["context", "message"],
                    "properties": {
                        "context": { "allOf": [
                            { "$ref": "#/components/schemas/Schema000" },
                            { "properties": { "action": { "enum": [action] } } }
                        ] },
                        "message": { "type": "object", "properties": {
                            "order": reference(&mut rng),
                            "intent": reference(&mut rng)
                        } }
                    }
                } } } },
                "responses": { "default": { "$ref": "#/components/responses/Ack" } }
            } }),
        );
    }
    json!({
        "openapi": "3.0.0",
        "info": { "title": "Large", "version": "1" },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": { "Ack": {
                "description": "Acknowledgement",
                "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "ack": { "$ref": "#/components/schemas/Schema001" },
                        "error": { "$ref": "#/components/schemas/Schema002" }
                    }
                } } }
            } }
        }
    })
}

const ACTIONS: &[&str] = &[
    "search",
    "select",
    "init",
    "confirm",
    "status",
    "track",
    "cancel",
    "update",
    "rating",
    "support",
    "on_search",
    "on_select",
    "on_init",
    "on_confirm",
    "on_status",
    "on_track",
    "on_cancel",
    "on_update",
    "on_rating",
    "on_support",
];

/// How many times each named schema of the spec is drawn in `html`.
fn drawings(html: &str) -> Vec<usize> {
    (0..SCHEMAS)
        .map(|i| {
            html.matches(&format!(" data-schema=\"large/api/core.yaml#{}\"", name(i)))
                .count()
        })
        .collect()
}

#[test]
fn a_large_tangled_spec_stays_within_the_page_budgets() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let book = root.join("large");
    std::fs::create_dir_all(book.join("spec")).unwrap();
    std::fs::create_dir_all(book.join("api")).unwrap();
    let yaml = serde_yaml::to_string(&spec()).unwrap();
    std::fs::write(book.join("api/core.yaml"), &yaml).unwrap();
    std::fs::write(book.join(".gitbook.yaml"), "root: ./spec/\n").unwrap();
    std::fs::write(
        book.join("spec/SUMMARY.md"),
        "# Summary\n\n* [Large](README.md)\n* [Service APIs](service-apis.md)\n",
    )
    .unwrap();
    std::fs::write(
        book.join("spec/README.md"),
        "# Large\n\nA book with a large API.\n",
    )
    .unwrap();
    let mut page = String::from("# Service APIs\n\n");
    for action in ACTIONS {
        page.push_str(&format!(
            "{{% swagger src=\"https://raw.githubusercontent.com/example/large/main/api/core.yaml\" path=\"/{action}\" method=\"post\" %}}\n{{% endswagger %}}\n\n"
        ));
    }
    std::fs::write(book.join("spec/service-apis.md"), page).unwrap();

    let out = tmp.path().join("out");
    common::build(&root, &out, false);

    let spec_bytes = yaml.len() as u64;
    assert!(
        spec_bytes > 150_000,
        "the spec is large: {spec_bytes} bytes"
    );
    let html = std::fs::read_to_string(out.join("large/service-apis/index.html")).unwrap();
    let limit = 400_000u64.max(3 * spec_bytes);
    println!(
        "spec {spec_bytes} B, page {} B ({:.2}x), limit {limit} B",
        html.len(),
        html.len() as f64 / spec_bytes as f64
    );
    assert!(
        html.len() as u64 <= limit,
        "page {} B > {limit} B",
        html.len()
    );
    // Every operation is drawn.
    for action in ACTIONS {
        assert!(
            html.contains(&format!("<code class=\"api-path\">/{action}</code>")),
            "{action} missing"
        );
    }
    // Each named schema the page reaches is drawn exactly once, and most are reached.
    let drawn = drawings(&html);
    assert!(drawn.iter().all(|&n| n <= 1), "drawn twice: {drawn:?}");
    let reached = drawn.iter().filter(|&&n| n == 1).count();
    assert!(
        reached >= SCHEMAS * 3 / 4,
        "{reached} of {SCHEMAS} schemas drawn"
    );
    // Every link to a schema lands on its drawing on the page.
    let mut links = 0;
    for (i, m) in html.match_indices("href=\"#schema-") {
        let rest = &html[i + m.len() - "schema-".len()..];
        let id = &rest[..rest.find('"').unwrap()];
        assert!(
            html.contains(&format!(" id=\"{id}\"")),
            "#{id} has no drawing"
        );
        links += 1;
    }
    assert!(links > SCHEMAS, "{links} links to schemas");

    let print = std::fs::read_to_string(out.join("large/print/index.html")).unwrap();
    assert!(print.len() <= 4_000_000, "print view {} B", print.len());
    assert!(
        drawings(&print).iter().all(|&n| n <= 1),
        "print view draws a schema twice"
    );
}
