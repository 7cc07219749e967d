//! HTML for one operation card: method badge, path, summary, description,
//! parameters, request body and responses, schemas as property tables.
//!
//! A schema the spec names (`$ref` to `#/components/schemas/X` or
//! `#/definitions/X`, with properties, alternatives or an enum) is drawn once
//! per page, under its name, in the `Schemas` part of the first card that
//! uses it; every use, a recursive one included, is a link to that drawing.
//! Inline (unnamed) schemas are drawn where they stand. So a page grows with
//! the spec, never with how often a schema is used.
//!
//! Markup (classes the theme styles):
//! `section.api-op#op-…` › `div.api-op-head` (`span.api-method.api-method-get`,
//! `code.api-path`), `p.api-summary`, `div.api-description`, `h4.api-section-title`,
//! `table.api-params`, `table.api-schema` (name and type cells are code by
//! the stylesheet, not by a `<code>` each; nested tables inside
//! `details.api-nested`), `details.api-response` (`span.api-status.api-status-2xx`),
//! `div.api-example` with a highlighted `pre.hl-code`, `div.api-schemas` ›
//! `section.api-schema-def#schema-<spec>-<name>[data-schema="<file>#<name>"]`
//! › `h5.api-schema-name` (`span.api-schema-kind`).

use super::{resolve_ref, Node, Operation};
use crate::markdown::highlight::{escape_html as esc, highlight};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Inline (unnamed) schemas nest at most this deep; named schemas are drawn
/// once each and linked, so they never deepen a table.
const MAX_DEPTH: usize = 32;

/// Renders the card for `op` (from spec file `spec`, root-relative) with
/// element id `anchor`. Named schemas the page has not drawn yet are drawn
/// at the end of the card, with ids from `new_id`; `page` remembers them for
/// the page's later cards.
pub(crate) fn render_operation(
    op: &Operation,
    anchor: &str,
    spec: &str,
    page: &mut PageSchemas,
    new_id: &mut dyn FnMut(&str) -> String,
) -> String {
    let doc = op.doc;
    let swagger2 = doc
        .get("swagger")
        .as_str()
        .is_some_and(|v| v.starts_with('2'));
    let mut ctx = Ctx {
        doc,
        spec,
        page,
        new_id,
        pending: Vec::new(),
        stack: Vec::new(),
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
    let summary = op
        .op
        .get("summary")
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(summary) = summary {
        let _ = writeln!(out, "<p class=\"api-summary\">{}</p>", esc(summary));
    }
    // A description that only repeats the summary is not said twice.
    if let Some(desc) = op
        .op
        .get("description")
        .as_str()
        .filter(|d| !d.trim().is_empty() && Some(d.trim()) != summary)
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
    ctx.draw_pending(&mut out);
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

/// The named schemas drawn on one page so far, so that each is drawn once
/// however many operation cards use it.
#[derive(Debug, Default)]
pub(crate) struct PageSchemas {
    /// (spec file, schema name) → element id of its drawing.
    ids: BTreeMap<(String, String), String>,
}

/// The name of a schema that `$ref` string `r` names: `X` for
/// `#/components/schemas/X` and `#/definitions/X`.
fn schema_name(r: &str) -> Option<&str> {
    let name = r
        .strip_prefix("#/components/schemas/")
        .or_else(|| r.strip_prefix("#/definitions/"))?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

/// Lowercase words of `s` joined by `-`, for element ids.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The id a named schema's drawing is based on: spec file stem and name,
/// so that two specs on one page keep apart.
fn schema_anchor(spec: &str, name: &str) -> String {
    let file = spec.rsplit('/').next().unwrap_or(spec);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    format!("schema-{}-{}", slug(stem), slug(name))
}

struct Ctx<'a, 'p> {
    doc: &'a Node,
    /// Root-relative path of the spec file (keys the page's schemas).
    spec: &'p str,
    page: &'p mut PageSchemas,
    new_id: &'p mut dyn FnMut(&str) -> String,
    /// Named schemas this card links to that are not drawn on the page yet:
    /// (name, schema, element id), drawn at the end of the card.
    pending: Vec<(&'a str, &'a Node, String)>,
    /// `$ref`s being expanded inline (references that name no schema), to
    /// stop at cycles.
    stack: Vec<&'a str>,
}

impl<'a> Ctx<'a, '_> {
    fn params_table(&mut self, params: &[&'a Node], out: &mut String) {
        out.push_str("<table class=\"api-params\">\n<thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead>\n<tbody>\n");
        for p in params {
            // OpenAPI 3 keeps the type in `schema`; Swagger 2 on the parameter itself.
            let schema = if p.get("schema").is_null() {
                *p
            } else {
                p.get("schema")
            };
            let _ = write!(
                out,
                "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>",
                esc(p.get("name").as_str().unwrap_or("")),
                required_mark(p.get("required").is_true()),
                esc(p.get("in").as_str().unwrap_or("")),
                self.type_html(schema),
            );
            if let Some(d) = p
                .get("description")
                .as_str()
                .filter(|d| !d.trim().is_empty())
            {
                out.push_str(&markdown(d));
            }
            if self.named(schema).is_none() {
                self.facts(schema, out);
            }
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

    /// Explicit examples, else the schema's own `example` (a named schema
    /// shows its example where it is drawn).
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
            if s.get("example").is_null() || self.named(schema).is_some() {
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

    /// A schema: its type (a link when it is a named schema), then any
    /// inline properties as a table.
    fn schema(&mut self, schema: &'a Node, out: &mut String, depth: usize) {
        let label = self.type_html(schema);
        let _ = writeln!(
            out,
            "<p class=\"api-schema-type\">Schema: <code>{label}</code></p>"
        );
        self.expand(schema, out, depth);
    }

    /// The named schema `schema` refers to, when it is drawn once under its
    /// name: a `$ref` to `components/schemas/X` or `definitions/X` whose
    /// target has properties, alternatives, items with those, or an enum.
    /// Plain aliases of primitive types stay inline (a type and a few facts).
    fn named(&self, schema: &'a Node) -> Option<(&'a str, &'a Node)> {
        let name = schema_name(schema.get("$ref").as_str()?)?;
        let (target, _) = resolve_ref(self.doc, schema);
        if !target.get("$ref").is_null() {
            return None;
        }
        let drawn = self.has_structure(target)
            || target.get("enum").as_seq().is_some()
            || target.get("type").as_str() == Some("object");
        drawn.then_some((name, target))
    }

    /// The element id of named schema `name`'s drawing on this page, queued
    /// for drawing at the end of this card when the page has none yet.
    fn link(&mut self, name: &'a str, target: &'a Node) -> String {
        let key = (self.spec.to_string(), name.to_string());
        if let Some(id) = self.page.ids.get(&key) {
            return id.clone();
        }
        let id = (self.new_id)(&schema_anchor(self.spec, name));
        self.page.ids.insert(key, id.clone());
        self.pending.push((name, target, id.clone()));
        id
    }

    /// Draws the named schemas this card queued (and those they queue in
    /// turn), each under its name with its id.
    fn draw_pending(&mut self, out: &mut String) {
        if self.pending.is_empty() {
            return;
        }
        out.push_str("<div class=\"api-schemas\">\n<h4 class=\"api-section-title\">Schemas</h4>\n");
        let mut i = 0;
        while let Some((name, target, id)) = self.pending.get(i).cloned() {
            i += 1;
            let label = self.type_html(target);
            let _ = writeln!(
                out,
                "<section class=\"api-schema-def\" id=\"{id}\" data-schema=\"{spec}#{key}\">\n<h5 class=\"api-schema-name\"><code>{name}</code> <span class=\"api-schema-kind\"><code>{label}</code></span></h5>",
                id = esc(&id),
                spec = esc(self.spec),
                key = esc(name),
                name = esc(name),
            );
            if let Some(d) = target
                .get("description")
                .as_str()
                .filter(|d| !d.trim().is_empty())
            {
                let _ = writeln!(out, "<div class=\"api-description\">{}</div>", markdown(d));
            }
            self.facts(target, out);
            self.expand(target, out, 0);
            out.push_str("</section>\n");
        }
        self.pending.clear();
        out.push_str("</div>\n");
    }

    /// The inline part of `schema`: its property table and alternatives.
    /// A named schema draws nothing here (its type label links to where it
    /// is drawn); a reference that names no schema expands in place, cycles
    /// guarded.
    fn expand(&mut self, schema: &'a Node, out: &mut String, depth: usize) {
        if self.named(schema).is_some() {
            return;
        }
        let r = schema.get("$ref").as_str();
        if let Some(r) = r {
            if self.stack.contains(&r) {
                let _ = writeln!(
                    out,
                    "<p class=\"api-recursive\">Recursive: <code>{}</code> (see above)</p>",
                    esc(r)
                );
                return;
            }
            self.stack.push(r);
        }
        let (s, _) = resolve_ref(self.doc, schema);
        if depth >= MAX_DEPTH {
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
                        let label = self.type_html(alt);
                        let _ = write!(out, "<li><code>{label}</code>");
                        if self.inline_structure(alt) {
                            out.push('\n');
                            self.expand(alt, out, depth + 1);
                        }
                        out.push_str("</li>\n");
                    }
                    out.push_str("</ul>\n");
                }
            }
        }
        if r.is_some() {
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

    /// Whether [`Ctx::expand`] draws anything for `schema` in place: it has
    /// structure and is not (an array of) a named schema drawn elsewhere.
    fn inline_structure(&self, schema: &'a Node) -> bool {
        if self.named(schema).is_some() {
            return false;
        }
        let (s, _) = resolve_ref(self.doc, schema);
        if s.get("properties").is_null() && !s.get("items").is_null() {
            let items = s.get("items");
            return self.named(items).is_none() && self.has_structure(items);
        }
        self.has_structure(s)
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
        out.push_str("<table class=\"api-schema\">\n<thead><tr><th>Name</th><th>Type</th><th>Description</th></tr></thead>\n<tbody>\n");
        for (name, prop, required) in props {
            let (resolved, _) = resolve_ref(self.doc, prop);
            let label = self.type_html(prop);
            let _ = write!(
                out,
                "<tr><td>{}{}</td><td>{label}</td><td>",
                if *name == "*" {
                    "additional properties".to_string()
                } else {
                    esc(name)
                },
                required_mark(*required),
            );
            // A description beside the `$ref` (OpenAPI 3.1) speaks for this use.
            if let Some(d) = [prop.get("description"), resolved.get("description")]
                .into_iter()
                .find_map(|d| d.as_str().filter(|d| !d.trim().is_empty()))
            {
                out.push_str(&markdown(d));
            }
            if self.named(prop).is_none() {
                self.facts(resolved, out);
            }
            if self.inline_structure(prop) {
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

    /// A short type name as HTML: `string (date-time)`, `array of Pet`,
    /// `integer | null`; a named schema is a link to its drawing.
    fn type_html(&mut self, schema: &'a Node) -> String {
        self.type_html_depth(schema, 0)
    }

    fn type_html_depth(&mut self, schema: &'a Node, depth: usize) -> String {
        if depth > 4 {
            return "…".into();
        }
        if let Some((name, target)) = self.named(schema) {
            let id = self.link(name, target);
            let mut label = format!("<a href=\"#{}\">{}</a>", esc(&id), esc(name));
            if target.get("nullable").is_true() {
                label.push_str(" | null");
            }
            return label;
        }
        let (s, name) = resolve_ref(self.doc, schema);
        let mut label = match s.get("type") {
            Node::String(t) if t == "array" => format!(
                "array of {}",
                self.type_html_depth(s.get("items"), depth + 1)
            ),
            Node::String(t) => esc(t),
            Node::Seq(ts) => {
                let mut parts = Vec::new();
                for t in ts.iter().filter_map(Node::as_str) {
                    parts.push(if t == "array" {
                        format!(
                            "array of {}",
                            self.type_html_depth(s.get("items"), depth + 1)
                        )
                    } else {
                        esc(t)
                    });
                }
                parts.join(" | ")
            }
            _ => {
                let (parts, sep) = match (
                    s.get("allOf").as_seq(),
                    s.get("oneOf").as_seq().or(s.get("anyOf").as_seq()),
                ) {
                    (Some(parts), _) => (Some(parts), " &amp; "),
                    (None, Some(alts)) => (Some(alts), " | "),
                    _ => (None, ""),
                };
                if let Some(parts) = parts {
                    let mut labels = Vec::with_capacity(parts.len());
                    for p in parts {
                        labels.push(self.type_html_depth(p, depth + 1));
                    }
                    labels.join(sep)
                } else if !s.get("properties").is_null() {
                    "object".into()
                } else if !s.get("items").is_null() {
                    format!(
                        "array of {}",
                        self.type_html_depth(s.get("items"), depth + 1)
                    )
                } else if !s.get("enum").is_null() {
                    "enum".into()
                } else if s.is_null() {
                    "any".into()
                } else if let Some(r) = schema.get("$ref").as_str() {
                    // An unresolved (external) reference.
                    esc(r)
                } else {
                    "any".into()
                }
            }
        };
        if let Some(f) = s.get("format").as_str().filter(|f| !f.trim().is_empty()) {
            let _ = write!(label, " ({})", esc(f));
        }
        if let Some(n) = name {
            // A named schema that is not drawn (no properties, no enum)
            // reads by name when it has no type, by name and type when it
            // is an array, and as its type otherwise.
            match s.get("type").as_str() {
                None => label = esc(n),
                Some("array") => label = format!("{} ({label})", esc(n)),
                Some(_) => {}
            }
        }
        if s.get("nullable").is_true() {
            label.push_str(" | null");
        }
        label
    }
}

/// ` required` after a property's or parameter's name, when it is.
fn required_mark(required: bool) -> &'static str {
    if required {
        " <span class=\"api-required\">required</span>"
    } else {
        ""
    }
}

fn facts_line(out: &mut String, label: &str, value: &Node) {
    let text = value
        .scalar_text()
        .unwrap_or_else(|| value.to_pretty_json());
    // An empty string is still a value: shown as `""`, not as nothing.
    let text = if text.is_empty() && matches!(value, Node::String(_)) {
        "\"\"".to_string()
    } else {
        text
    };
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

#[cfg(test)]
mod tests {
    use super::super::find_operation;
    use super::*;

    /// Ten operations whose responses all use `Money`, and a `Tree` whose
    /// nodes hold trees.
    fn spec() -> Node {
        let mut paths = serde_json::Map::new();
        for i in 0..10 {
            paths.insert(
                format!("/price/{i}"),
                serde_json::json!({"get": {"responses": {"200": {
                    "description": "A price.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Money"}}}
                }}}}),
            );
        }
        paths.insert(
            "/tree".into(),
            serde_json::json!({"post": {"requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Tree"}
            }}}, "responses": {"204": {"description": "Stored."}}}}),
        );
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "paths": paths,
            "components": {"schemas": {
                "Money": {"type": "object", "description": "An amount in a currency.",
                    "required": ["amount"],
                    "properties": {
                        "amount": {"type": "number", "example": 12.5},
                        "currency": {"type": "string", "enum": ["EUR", "USD"], "nullable": true}
                    }},
                "Tree": {"type": "object", "properties": {
                    "label": {"type": "string", "description": "What the node says."},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
                    "price": {"oneOf": [{"$ref": "#/components/schemas/Money"}, {"type": "string"}]}
                }}
            }}
        });
        serde_json::from_value(doc).unwrap()
    }

    /// Renders `ops` (method, path) as the cards of one page.
    fn page(doc: &Node, ops: &[(&str, String)]) -> String {
        let mut schemas = PageSchemas::default();
        let mut ids = std::collections::BTreeSet::new();
        let mut html = String::new();
        for (method, path) in ops {
            let op = find_operation(doc, path, method).unwrap();
            let mut new_id = |base: &str| {
                let mut id = base.to_string();
                while !ids.insert(id.clone()) {
                    id.push('x');
                }
                id
            };
            html.push_str(&render_operation(
                &op,
                "op",
                "api/t.yaml",
                &mut schemas,
                &mut new_id,
            ));
        }
        html
    }

    #[test]
    fn each_named_schema_is_drawn_once_and_every_use_links_to_it() {
        let doc = spec();
        let mut ops: Vec<(&str, String)> =
            (0..10).map(|i| ("get", format!("/price/{i}"))).collect();
        ops.push(("post", "/tree".into()));
        let html = page(&doc, &ops);
        assert_eq!(
            html.matches("class=\"api-schema-def\"").count(),
            2,
            "{html}"
        );
        assert_eq!(html.matches("id=\"schema-t-money\"").count(), 1);
        assert_eq!(html.matches("id=\"schema-t-tree\"").count(), 1);
        // Ten responses link to Money, and Tree's `price` twice: in its
        // type (`Money | string`) and in its list of alternatives.
        assert_eq!(
            html.matches("<a href=\"#schema-t-money\">Money</a>")
                .count(),
            12,
            "{html}"
        );
        // The request body and the recursive `children` link to Tree.
        assert!(html.contains("Schema: <code><a href=\"#schema-t-tree\">Tree</a></code>"));
        assert!(
            html.contains("<td>children</td><td>array of <a href=\"#schema-t-tree\">Tree</a></td>")
        );
        // Nothing of the schemas is lost: descriptions, required, enum,
        // nullable, examples and alternatives are all drawn.
        for part in [
            "An amount in a currency.",
            "<td>amount <span class=\"api-required\">required</span></td><td>number</td>",
            "Example: <code>12.5</code>",
            "Allowed values: <code>EUR</code>, <code>USD</code>",
            "<td>string | null</td>",
            "What the node says.",
            "One of:",
            "<li><code>string</code></li>",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
        // Money is drawn in the first card that uses it, Tree in its own.
        let first_card_end = html.find("</section>\n</div>\n</section>").unwrap();
        assert!(html.find("id=\"schema-t-money\"").unwrap() < first_card_end);
    }

    #[test]
    fn a_page_grows_with_the_spec_not_with_the_uses() {
        let doc = spec();
        let one = page(&doc, &[("get", "/price/0".into())]);
        let ten: Vec<(&str, String)> = (0..10).map(|i| ("get", format!("/price/{i}"))).collect();
        let ten = page(&doc, &ten);
        // Every further card is its head and a link, far less than a drawing.
        assert!(
            ten.len() < one.len() + 9 * 700,
            "{} vs {}",
            ten.len(),
            one.len()
        );
    }

    #[test]
    fn a_description_that_repeats_the_summary_is_drawn_once_and_an_empty_example_shows_quotes() {
        let doc: Node = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "paths": {
                "/same": {"get": {"summary": "List the things", "description": " List the things ",
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "example": ""}}],
                    "responses": {"204": {"description": "None."}}}},
                "/other": {"get": {"summary": "List the things", "description": "All of them, paged.",
                    "responses": {"204": {"description": "None."}}}}
            }
        }))
        .unwrap();
        let same = page(&doc, &[("get", "/same".into())]);
        assert_eq!(same.matches("List the things").count(), 1, "{same}");
        assert!(!same.contains("api-description"), "{same}");
        assert!(
            same.contains("Example: <code>&quot;&quot;</code>"),
            "{same}"
        );
        let other = page(&doc, &[("get", "/other".into())]);
        assert!(
            other.contains("<p class=\"api-summary\">List the things</p>"),
            "{other}"
        );
        assert!(
            other.contains("<div class=\"api-description\"><p>All of them, paged.</p>"),
            "{other}"
        );
    }
}
