//! Interim theme (replaced by the theme branch): minimal inline templates.

use anyhow::Result;
use std::path::Path;

/// Templates and static files.
pub struct Theme {
    tera: tera::Tera,
}

const BASE: &str = r#"<!doctype html><html lang="{{ site.language }}"><head><meta charset="utf-8"><title>{% block title %}{{ site.title }}{% endblock %}</title></head><body><main id="main">{% block content %}{% endblock %}</main></body></html>"#;
const PAGE: &str = r#"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}<nav>{% for i in nav %}<a href="{{ i.href | default(value='') }}">{{ i.title }}</a>{% endfor %}</nav>{{ page.content | safe }}{% endblock %}"#;
const LANDING: &str = r#"{% extends "base.html" %}{% block content %}<ul>{% for b in site.books %}<li><a href="{{ b.href }}">{{ b.title }}</a></li>{% endfor %}</ul>{% endblock %}"#;
const NOTFOUND: &str =
    r#"{% extends "base.html" %}{% block content %}<h1>Not found</h1>{% endblock %}"#;
const REDIRECT: &str = r#"<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={{ target_href }}"><a href="{{ target_href }}">{{ target_href }}</a>"#;

impl Theme {
    /// Loads the theme.
    pub fn load(_root: &Path, _name: Option<&str>) -> Result<Theme> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(vec![
            ("base.html", BASE),
            ("page.html", PAGE),
            ("landing.html", LANDING),
            ("404.html", NOTFOUND),
            ("redirect.html", REDIRECT),
            ("print.html", PAGE),
            ("glossary.html", NOTFOUND),
            ("term.html", NOTFOUND),
            ("matrix.html", NOTFOUND),
        ])?;
        tera.autoescape_on(vec![".html"]);
        Ok(Theme { tera })
    }

    /// Renders a template.
    pub fn render(&self, template: &str, ctx: &tera::Context) -> Result<String> {
        Ok(self.tera.render(template, ctx)?)
    }

    /// Static files to write.
    pub fn static_files(&self) -> Vec<(String, Vec<u8>)> {
        Vec::new()
    }
}
