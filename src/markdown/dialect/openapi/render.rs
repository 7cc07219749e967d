//! HTML for one operation card: method badge, path, summary, description,
//! parameters, request body and responses, schemas as nested property tables.
//!
//! Markup (classes the theme styles):
//! `section.api-op#op-…` › `div.api-op-head` (`span.api-method.api-method-get`,
//! `code.api-path`), `p.api-summary`, `div.api-description`, `h4.api-section-title`,
//! `table.api-params`, `table.api-schema` (nested ones inside
//! `details.api-nested`), `details.api-response` (`span.api-status.api-status-2xx`),
//! `div.api-example` with a highlighted `pre.hl-code`.

use super::{resolve_ref, Node, Operation};
use crate::markdown::highlight::{escape_html as esc, highlight};
use std::fmt::Write;

/// Nested schema tables stop at this depth.
const MAX_DEPTH: usize = 6;
/// At most this many schema rows per card, so that huge specs stay readable.
const MAX_ROWS: usize = 1500;

/// Renders the card for `op` with element id `anchor`.
pub(crate) fn render_operation(op: &Operation, anchor: &str) -> String {
    let doc = op.doc;
    let swagger2 = doc
        .get("swagger")
        .as_str()
        .is_some_and(|v| v.starts_with('2'));
    let mut ctx = Ctx {
        doc,
        stack: Vec::new(),
        rows: 0,
    };
    let mut out = String::with_capacity(4096);
    let m = op.method.as_str();
    let _ = write!(
        out,
        "<section class=\"api-op api-op-{m}\" id=\"{id}\" aria-label=\"{upper} {path}\">\n<div class=\"api-op-head\"><span class=\"api-method api-method-{m}\">{upper}</span> <code class=\"api-path\">{path}</code>",
        id = esc(anchor),
        upper = m.to_ascii_uppercase(),
        path = esc(op.path),
    );
    if op.op.get("deprecated").is_true() {
        out.push_str(" <span class=\"api-deprecated\">deprecated</span>");
    }
    out.push_str("</div>\n");
    if let Some(summary) = op
        .op
        .get("summary")
        .as_str()
        .filter(|s| !s.trim().is_empty())
    {
        let _ = writeln!(out, "<p class=\"api-summary\">{}</p>", esc(summary.trim()));
    }
    if let Some(desc) = op
        .op
        .get("description")
        .as_str()
        .filter(|s| !s.trim().is_empty())
    {
        let _ = writeln!(
            out,
            "<div class=\"api-description\">{}</div>",
            markdown(desc)
        );
    }
    if let Some(server) = server_url(op, swagger2) {
        let _ = writeln!(
            out,
            "<p class=\"api-server\">Server: <code>{}</code></p>",
            esc(&server)
        );
    }

    let params = parameters(op);
    let (body_params, params): (Vec<_>, Vec<_>) = params
        .into_iter()
        .partition(|p| swagger2 && p.get("in").as_str() == Some("body"));
    if !params.is_empty() {
        out.push_str("<h4 class=\"api-section-title\">Parameters</h4>\n");
        ctx.params_table(&params, &mut out);
    }

    if swagger2 {
        if let Some(body) = body_params.first() {
            out.push_str("<h4 class=\"api-section-title\">Request body</h4>\n");
            if let Some(d) = body
                .get("description")
                .as_str()
                .filter(|d| !d.trim().is_empty())
            {
                let _ = writeln!(out, "<div class=\"api-description\">{}</div>", markdown(d));
            }
            let mime = op
                .op
                .get("consumes")
                .as_seq()
                .or(doc.get("consumes").as_seq())
                .and_then(|s| s.first())
                .and_then(Node::as_str)
                .unwrap_or("application/json");
            let _ = writeln!(
                out,
                "<p class=\"api-media-type\"><code>{}</code></p>",
                esc(mime)
            );
            ctx.schema(body.get("schema"), &mut out, 0);
            ctx.examples(&[], body.get("schema"), mime, &mut out);
        }
    } else {
        let (rb, _) = resolve_ref(doc, op.op.get("requestBody"));
        if !rb.is_null() {
            out.push_str("<h4 class=\"api-section-title\">Request body");
            if rb.get("required").is_true() {
                out.push_str(" <span class=\"api-required\">required</span>");
            }
            out.push_str("</h4>\n");
            if let Some(d) = rb
                .get("description")
                .as_str()
                .filter(|d| !d.trim().is_empty())
            {
                let _ = writeln!(out, "<div class=\"api-description\">{}</div>", markdown(d));
            }
            ctx.content(rb.get("content"), &mut out);
        }
    }

    if let Some(responses) = op.op.get("responses").as_map().filter(|r| !r.is_empty()) {
        out.push_str("<h4 class=\"api-section-title\">Responses</h4>\n");
        let first_ok = responses.iter().position(|(k, _)| k.starts_with('2'));
        for (i, (status, resp)) in responses.iter().enumerate() {
            let (resp, _) = resolve_ref(doc, resp);
            let class = match status.chars().next() {
                Some(c @ '1'..='5') => format!("{c}xx"),
                _ => "default".to_string(),
            };
            let desc = resp.get("description").as_str().unwrap_or("").trim();
            let (first_line, rest) = desc.split_once('\n').unwrap_or((desc, ""));
            let _ = writeln!(
                out,
                "<details class=\"api-response\"{open}><summary><span class=\"api-status api-status-{class}\">{status}</span> {title}</summary>",
                open = if Some(i) == first_ok { " open" } else { "" },
                status = esc(status),
                title = inline_markdown(first_line),
            );
            if !rest.trim().is_empty() {
                let _ = writeln!(
                    out,
                    "<div class=\"api-description\">{}</div>",
                    markdown(rest)
                );
            }
            if swagger2 {
                if !resp.get("schema").is_null() {
                    ctx.schema(resp.get("schema"), &mut out, 0);
                }
                let examples: Vec<(String, &Node)> = resp
                    .get("examples")
                    .as_map()
                    .unwrap_or(&[])
                    .iter()
                    .map(|(mime, v)| (format!("Example ({mime})"), v))
                    .collect();
                ctx.examples(&examples, resp.get("schema"), "application/json", &mut out);
            } else {
                ctx.content(resp.get("content"), &mut out);
            }
            out.push_str("</details>\n");
        }
    }
    out.push_str("</section>");
    out
}

/// Path-level and operation-level parameters, references resolved; the
/// operation's override the path's by (`name`, `in`).
fn parameters<'a>(op: &Operation<'a>) -> Vec<&'a Node> {
    let mut out: Vec<&'a Node> = Vec::new();
    for list in [op.path_item.get("parameters"), op.op.get("parameters")] {
        for p in list.as_seq().unwrap_or(&[]) {
            let (p, _) = resolve_ref(op.doc, p);
            let key = (p.get("name").as_str(), p.get("in").as_str());
            out.retain(|q| (q.get("name").as_str(), q.get("in").as_str()) != key);
            out.push(p);
        }
    }
    out
}

fn server_url(op: &Operation, swagger2: bool) -> Option<String> {
    if swagger2 {
        let host = op.doc.get("host").as_str()?;
        let scheme = op
            .doc
            .get("schemes")
            .as_seq()
            .and_then(|s| s.first())
            .and_then(Node::as_str)
            .unwrap_or("https");
        return Some(format!(
            "{scheme}://{host}{}",
            op.doc.get("basePath").as_str().unwrap_or("")
        ));
    }
    [
        op.op.get("servers"),
        op.path_item.get("servers"),
        op.doc.get("servers"),
    ]
    .into_iter()
    .find_map(|s| {
        s.as_seq()
            .and_then(|s| s.first())
            .and_then(|s| s.get("url").as_str())
    })
    .map(str::to_string)
}

struct Ctx<'a> {
    doc: &'a Node,
    /// Names of the `$ref` schemas being expanded, to stop at cycles.
    stack: Vec<&'a str>,
    rows: usize,
}

impl<'a> Ctx<'a> {
    fn params_table(&mut self, params: &[&'a Node], out: &mut String) {
        out.push_str("<table class=\"api-params\">\n<thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>\n<tbody>\n");
        for p in params {
            // OpenAPI 3 keeps the type in `schema`; Swagger 2 on the parameter itself.
            let schema = if p.get("schema").is_null() {
                *p
            } else {
                p.get("schema")
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td><td>",
                esc(p.get("name").as_str().unwrap_or("")),
                esc(p.get("in").as_str().unwrap_or("")),
                esc(&self.type_label(schema)),
                if p.get("required").is_true() {
                    "<span class=\"api-required\">required</span>"
                } else {
                    ""
                },
            );
            if let Some(d) = p
                .get("description")
                .as_str()
                .filter(|d| !d.trim().is_empty())
            {
                out.push_str(&markdown(d));
            }
            self.facts(schema, out);
            if !p.get("example").is_null() {
                facts_line(out, "Example", p.get("example"));
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }

    /// An OpenAPI 3 `content` map: per media type, its schema and examples.
    fn content(&mut self, content: &'a Node, out: &mut String) {
        for (mime, media) in content.as_map().unwrap_or(&[]) {
            let _ = writeln!(
                out,
                "<div class=\"api-media\"><p class=\"api-media-type\"><code>{}</code></p>",
                esc(mime)
            );
            let schema = media.get("schema");
            if !schema.is_null() {
                self.schema(schema, out, 0);
            }
            let mut examples: Vec<(String, &Node)> = Vec::new();
            if !media.get("example").is_null() {
                examples.push(("Example".into(), media.get("example")));
            }
            for (name, ex) in media.get("examples").as_map().unwrap_or(&[]) {
                let (ex, _) = resolve_ref(self.doc, ex);
                if !ex.get("value").is_null() {
                    let label = ex.get("summary").as_str().unwrap_or(name);
                    examples.push((format!("Example: {label}"), ex.get("value")));
                }
            }
            self.examples(&examples, schema, mime, out);
            out.push_str("</div>\n");
        }
    }

    /// Explicit examples, else the schema's own `example`.
    fn examples(
        &mut self,
        explicit: &[(String, &Node)],
        schema: &'a Node,
        mime: &str,
        out: &mut String,
    ) {
        let schema_example;
        let list: &[(String, &Node)] = if explicit.is_empty() {
            let (s, _) = resolve_ref(self.doc, schema);
            if s.get("example").is_null() {
                return;
            }
            schema_example = [("Example".to_string(), s.get("example"))];
            &schema_example
        } else {
            explicit
        };
        for (label, value) in list {
            let (lang, text) = match value {
                Node::String(s) => match serde_json::from_str::<Node>(s) {
                    Ok(parsed @ (Node::Map(_) | Node::Seq(_))) => ("json", parsed.to_pretty_json()),
                    _ => (if mime.contains("xml") { "xml" } else { "text" }, s.clone()),
                },
                v => ("json", v.to_pretty_json()),
            };
            let _ = writeln!(
                out,
                "<div class=\"api-example\"><p class=\"api-example-title\">{}</p><pre class=\"hl-code\"><code class=\"language-{lang}\">{}</code></pre></div>",
                esc(label),
                highlight(lang, &text)
            );
        }
    }

    /// A schema: its type, then its properties as a table.
    fn schema(&mut self, schema: &'a Node, out: &mut String, depth: usize) {
        let _ = writeln!(
            out,
            "<p class=\"api-schema-type\">Schema: <code>{}</code></p>",
            esc(&self.type_label(schema))
        );
        self.expand(schema, out, depth);
    }

    /// The property table (or alternatives) of `schema`, guarding cycles and depth.
    fn expand(&mut self, schema: &'a Node, out: &mut String, depth: usize) {
        let (s, name) = resolve_ref(self.doc, schema);
        if let Some(n) = name {
            if self.stack.contains(&n) {
                let _ = writeln!(
                    out,
                    "<p class=\"api-recursive\">Recursive: <code>{}</code> (see above)</p>",
                    esc(n)
                );
                return;
            }
            self.stack.push(n);
        }
        if depth >= MAX_DEPTH || self.rows >= MAX_ROWS {
            out.push_str("<p class=\"api-truncated\">…</p>\n");
        } else if let Some(items) =
            Some(s.get("items")).filter(|i| !i.is_null() && s.get("properties").is_null())
        {
            self.expand(items, out, depth);
        } else {
            let props = self.properties(s);
            if !props.is_empty() {
                self.properties_table(&props, out, depth);
            }
            for key in ["oneOf", "anyOf"] {
                if let Some(alts) = s.get(key).as_seq() {
                    let _ = writeln!(
                        out,
                        "<p class=\"api-alternatives\">{}:</p>\n<ul class=\"api-alternatives\">",
                        if key == "oneOf" { "One of" } else { "Any of" }
                    );
                    for alt in alts {
                        let _ = write!(out, "<li><code>{}</code>", esc(&self.type_label(alt)));
                        if self.has_structure(alt) {
                            out.push('\n');
                            self.expand(alt, out, depth + 1);
                        }
                        out.push_str("</li>\n");
                    }
                    out.push_str("</ul>\n");
                }
            }
        }
        if name.is_some() {
            self.stack.pop();
        }
    }

    /// Whether a schema has properties or alternatives worth a nested table.
    fn has_structure(&self, schema: &'a Node) -> bool {
        let (s, _) = resolve_ref(self.doc, schema);
        let s = if s.get("properties").is_null() && !s.get("items").is_null() {
            resolve_ref(self.doc, s.get("items")).0
        } else {
            s
        };
        s.get("properties").as_map().is_some_and(|p| !p.is_empty())
            || !s.get("allOf").is_null()
            || !s.get("oneOf").is_null()
            || !s.get("anyOf").is_null()
            || s.get("additionalProperties").as_map().is_some()
    }

    /// Properties of an object schema, `allOf` parts merged: (name, schema, required).
    fn properties(&self, s: &'a Node) -> Vec<(&'a str, &'a Node, bool)> {
        let mut out: Vec<(&'a str, &'a Node, bool)> = Vec::new();
        self.collect_properties(s, &mut out, 0);
        out
    }

    fn collect_properties(
        &self,
        s: &'a Node,
        out: &mut Vec<(&'a str, &'a Node, bool)>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let (s, _) = resolve_ref(self.doc, s);
        for part in s.get("allOf").as_seq().unwrap_or(&[]) {
            self.collect_properties(part, out, depth + 1);
        }
        let required: Vec<&str> = s
            .get("required")
            .as_seq()
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .collect();
        for (name, prop) in s.get("properties").as_map().unwrap_or(&[]) {
            let req = required.contains(&name.as_str());
            match out.iter_mut().find(|(n, _, _)| *n == name) {
                Some(slot) => *slot = (name, prop, req || slot.2),
                None => out.push((name, prop, req)),
            }
        }
        for name in required {
            if let Some(slot) = out.iter_mut().find(|(n, _, _)| *n == name) {
                slot.2 = true;
            }
        }
        if let Some(extra) = s.get("additionalProperties").as_map() {
            if !extra.is_empty() {
                out.push(("*", s.get("additionalProperties"), false));
            }
        }
    }

    fn properties_table(
        &mut self,
        props: &[(&'a str, &'a Node, bool)],
        out: &mut String,
        depth: usize,
    ) {
        out.push_str("<table class=\"api-schema\">\n<thead><tr><th>Name</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>\n<tbody>\n");
        for (name, prop, required) in props {
            self.rows += 1;
            if self.rows > MAX_ROWS {
                out.push_str("<tr><td colspan=\"4\">…</td></tr>\n");
                break;
            }
            let (resolved, _) = resolve_ref(self.doc, prop);
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>",
                if *name == "*" {
                    "additional properties".to_string()
                } else {
                    esc(name)
                },
                esc(&self.type_label(prop)),
                if *required {
                    "<span class=\"api-required\">required</span>"
                } else {
                    ""
                },
            );
            if let Some(d) = resolved
                .get("description")
                .as_str()
                .filter(|d| !d.trim().is_empty())
            {
                out.push_str(&markdown(d));
            }
            self.facts(resolved, out);
            if self.has_structure(prop) {
                let _ = writeln!(out, "<details class=\"api-nested\"><summary>Properties of <code>{}</code></summary>", esc(name));
                self.expand(prop, out, depth + 1);
                out.push_str("</details>");
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }

    /// Enum, default, example, format constraints of a schema, as short lines.
    fn facts(&self, schema: &'a Node, out: &mut String) {
        let (s, _) = resolve_ref(self.doc, schema);
        if let Some(values) = s.get("enum").as_seq() {
            out.push_str("<p class=\"api-enum\">Allowed values: ");
            let parts: Vec<String> = values
                .iter()
                .map(|v| {
                    format!(
                        "<code>{}</code>",
                        esc(&v.scalar_text().unwrap_or_else(|| v.to_pretty_json()))
                    )
                })
                .collect();
            out.push_str(&parts.join(", "));
            out.push_str("</p>");
        }
        if !s.get("default").is_null() {
            facts_line(out, "Default", s.get("default"));
        }
        if !s.get("example").is_null() {
            facts_line(out, "Example", s.get("example"));
        }
        if let Some(p) = s.get("pattern").as_str().filter(|p| !p.is_empty()) {
            let _ = write!(
                out,
                "<p class=\"api-fact\">Pattern: <code>{}</code></p>",
                esc(p)
            );
        }
    }

    /// A short type name: `string (date-time)`, `array of Pet`, `Pet`, `integer | null`.
    fn type_label(&self, schema: &'a Node) -> String {
        self.type_label_depth(schema, 0)
    }

    fn type_label_depth(&self, schema: &'a Node, depth: usize) -> String {
        if depth > 4 {
            return "…".into();
        }
        let (s, name) = resolve_ref(self.doc, schema);
        let mut label = match s.get("type") {
            Node::String(t) if t == "array" => format!(
                "array of {}",
                self.type_label_depth(s.get("items"), depth + 1)
            ),
            Node::String(t) => t.clone(),
            Node::Seq(ts) => {
                let parts: Vec<String> = ts
                    .iter()
                    .filter_map(Node::as_str)
                    .map(|t| {
                        if t == "array" {
                            format!(
                                "array of {}",
                                self.type_label_depth(s.get("items"), depth + 1)
                            )
                        } else {
                            t.to_string()
                        }
                    })
                    .collect();
                parts.join(" | ")
            }
            _ => {
                if let Some(parts) = s.get("allOf").as_seq() {
                    parts
                        .iter()
                        .map(|p| self.type_label_depth(p, depth + 1))
                        .collect::<Vec<_>>()
                        .join(" & ")
                } else if let Some(alts) = s.get("oneOf").as_seq().or(s.get("anyOf").as_seq()) {
                    alts.iter()
                        .map(|p| self.type_label_depth(p, depth + 1))
                        .collect::<Vec<_>>()
                        .join(" | ")
                } else if !s.get("properties").is_null() {
                    "object".into()
                } else if !s.get("items").is_null() {
                    format!(
                        "array of {}",
                        self.type_label_depth(s.get("items"), depth + 1)
                    )
                } else if !s.get("enum").is_null() {
                    "enum".into()
                } else if s.is_null() {
                    "any".into()
                } else if let Some(r) = schema.get("$ref").as_str() {
                    // An unresolved (external) reference.
                    r.to_string()
                } else {
                    "any".into()
                }
            }
        };
        if let Some(f) = s.get("format").as_str() {
            label = format!("{label} ({f})");
        }
        if let Some(n) = name {
            // Named schemas read better by name, except plain aliases of primitives.
            if s.get("type").as_str().is_none_or(|t| t == "object")
                || !s.get("properties").is_null()
            {
                label = n.to_string();
            } else if s.get("type").as_str() == Some("array") {
                label = format!("{n} ({label})");
            }
        }
        if s.get("nullable").is_true() {
            label.push_str(" | null");
        }
        label
    }
}

fn facts_line(out: &mut String, label: &str, value: &Node) {
    let text = value
        .scalar_text()
        .unwrap_or_else(|| value.to_pretty_json());
    if text.contains('\n') {
        let _ = write!(
            out,
            "<p class=\"api-fact\">{label}:</p><pre class=\"api-fact-value\"><code>{}</code></pre>",
            esc(&text)
        );
    } else {
        let _ = write!(
            out,
            "<p class=\"api-fact\">{label}: <code>{}</code></p>",
            esc(&text)
        );
    }
}

fn options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// HTML elements allowed through from spec descriptions; any other raw HTML
/// (often a placeholder such as `<uuid>`) is shown as text.
const ALLOWED_TAGS: [&str; 22] = [
    "a", "b", "br", "code", "em", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul", "hr",
];

fn allowed_html(html: &str) -> bool {
    let name: String = html
        .trim_start()
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    html.trim_start().starts_with('<') && ALLOWED_TAGS.contains(&name.to_ascii_lowercase().as_str())
}

/// Markdown (CommonMark + GFM) to HTML, for descriptions in the spec.
pub(crate) fn markdown(text: &str) -> String {
    use pulldown_cmark::Event;
    let mut html = String::with_capacity(text.len() + 16);
    let events = pulldown_cmark::Parser::new_ext(text, options()).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) if !allowed_html(&h) => Event::Text(h),
        other => other,
    });
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim_end().to_string()
}

/// Markdown rendered inline: the outer `<p>` removed when it is the only block.
fn inline_markdown(text: &str) -> String {
    let html = markdown(text);
    match html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}
