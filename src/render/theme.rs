//! The theme: Tera templates and static files, embedded in the binary and
//! overridable file by file from `<root>/themes/<name>/`.
//!
//! A theme folder has two parts, both optional:
//!
//! ```text
//! themes/<name>/templates/*.html   Tera templates (base.html, page.html, …)
//! themes/<name>/static/**          copied to <out>/assets/**
//! ```
//!
//! A file there with the same relative path as one of the embedded default
//! theme replaces it; any other file is added. So a site can restyle one
//! template (say `page.html`) and keep the rest.
//!
//! Templates of the default theme and the context keys they read (types in
//! [`crate::render::context`]); every template gets `site` and `page_kind`,
//! and the optional `search_manifest` (href of the browser search manifest):
//!
//! | template | extra keys |
//! |---|---|
//! | `base.html` | `book`, `nav` (or `nav_html`, drawn), `page` when present; `sidebar_html`, the whole sidebar drawn by the renderer, with the default templates; blocks `title`, `head`, `sidebar`, `content`, `toc` |
//! | `page.html` | `book`, `nav`, `page` |
//! | `landing.html` | `page` (optional: its `description` and `content` introduce the site) |
//! | `print.html` | `book`, `print_pages` (list of `PrintPageCtx`) |
//! | `404.html` | — (uses `<base href=site_url>` when set, so it works at any depth) |
//! | `redirect.html` | `target_href` |
//!
//! Static files are written under `assets/`: `specsite.css` (with the code
//! colours appended), `specsite.js`, `theme.js` (run before the page is
//! drawn: the light or dark theme) and `search.js`, owned by the search
//! stage. `base.html` always links the first three; `specsite.js` loads
//! `search.js` when the reader first turns to the search box. `site.css` /
//! `site.js` add further stylesheets/scripts.

use anyhow::{bail, Context as _, Result};
use std::collections::BTreeMap;
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));
}

/// Output folder (under the site's output root) of the theme's static files.
pub const ASSETS_DIR: &str = "assets";

/// A loaded theme: parsed templates plus static files, ready for one build.
pub struct Theme {
    tera: tera::Tera,
    /// Output path (`assets/…`) → bytes, sorted by path.
    statics: BTreeMap<String, Vec<u8>>,
    /// Template names, sorted.
    templates: Vec<String>,
    /// The templates that draw the book navigation are the default theme's,
    /// so the renderer may draw it natively ([`nav_html`]).
    default_nav: bool,
    /// The page layouts are the default theme's: the renderer draws them
    /// natively ([`super::native`]), with these icons.
    native: Option<super::native::Icons>,
}

/// Templates whose override turns off the native navigation drawing.
const NAV_TEMPLATES: &[&str] = &["base.html", "macros.html", "nav.html", "page.html"];

/// Templates whose override turns off the native page layouts.
const LAYOUT_TEMPLATES: &[&str] = &[
    "base.html",
    "glossary.html",
    "macros.html",
    "nav.html",
    "page.html",
    "term.html",
];

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.templates)
            .field("statics", &self.statics.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The embedded default theme's files: (path under `themes/default/`, bytes),
/// sorted by path. Paths start with `templates/` or `static/`.
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::THEME_FILES
}

impl Theme {
    /// Loads the embedded default theme, then lays the files of
    /// `<root>/themes/<name>/` over it when `name` is given. All templates are
    /// parsed here, once; a template that does not parse is an error naming it.
    pub fn load(root: &Path, name: Option<&str>) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut statics: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (path, bytes) in embedded_files() {
            if let Some(t) = path.strip_prefix("templates/") {
                let text = std::str::from_utf8(bytes)
                    .with_context(|| format!("embedded template {t} is not UTF-8"))?;
                templates.insert(t.to_string(), text.to_string());
            } else if let Some(s) = path.strip_prefix("static/") {
                statics.insert(format!("{ASSETS_DIR}/{s}"), bytes.to_vec());
            }
        }

        if let Some(name) = name {
            if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
                bail!("theme name {name:?} must be a plain folder name under themes/");
            }
            let dir = root.join("themes").join(name);
            if !dir.is_dir() {
                bail!(
                    "theme {name:?} not found: {} is not a folder",
                    dir.display()
                );
            }
            for (rel, path) in list_files(&dir.join("templates"))? {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read template {}", path.display()))?;
                templates.insert(rel, text);
            }
            for (rel, path) in list_files(&dir.join("static"))? {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                statics.insert(format!("{ASSETS_DIR}/{rel}"), bytes);
            }
        }

        let embedded_text = |name: &str| {
            embedded_files()
                .iter()
                .find(|(p, _)| p.strip_prefix("templates/") == Some(name))
                .map(|(_, b)| *b)
        };
        let unchanged = |names: &[&str]| {
            names
                .iter()
                .all(|n| templates.get(*n).map(|t| t.as_bytes()) == embedded_text(n))
        };
        let default_nav = unchanged(NAV_TEMPLATES);
        let mut tera = tera::Tera::default();
        // Tera::default() autoescapes .html/.htm/.xml templates; keep it explicit.
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        tera.set_escape_fn(escape_html);
        add_templates_in_parallel(&mut tera, &templates)
            .map_err(|e| anyhow::anyhow!("theme templates do not parse: {}", error_chain(&e)))?;
        let native = if unchanged(LAYOUT_TEMPLATES) {
            // The icons as the theme's own macro draws them.
            const ICONS: [&str; 1] = ["edit"];
            let calls: Vec<(String, String)> = ICONS
                .iter()
                .map(|name| {
                    (
                        format!("__specsite_icon_{name}.html"),
                        format!(
                            "{{% import \"macros.html\" as m %}}{{{{ m::icon(name=\"{name}\") }}}}"
                        ),
                    )
                })
                .collect();
            tera.add_raw_templates(calls.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .map_err(|e| anyhow::anyhow!("theme icons: {}", error_chain(&e)))?;
            let mut drawn = Vec::new();
            for (k, _) in &calls {
                drawn.push(
                    tera.render(k, &tera::Context::new())
                        .map_err(|e| anyhow::anyhow!("theme icons: {}", error_chain(&e)))?,
                );
            }
            let [edit] = <[String; 1]>::try_from(drawn)
                .map_err(|_| anyhow::anyhow!("theme icons: not all drawn"))?;
            Some(super::native::Icons { edit })
        } else {
            None
        };
        let names = templates.into_keys().collect();
        Ok(Theme {
            tera,
            statics,
            templates: names,
            default_nav,
            native,
        })
    }

    /// Renders `template` (e.g. `page.html`) with `ctx`. An error names the
    /// template and gives Tera's explanation (unknown variable, bad filter…).
    pub fn render(&self, template: &str, ctx: &tera::Context) -> Result<String> {
        if !self.has_template(template) {
            bail!(
                "theme has no template {template:?} (templates: {})",
                self.templates.join(", ")
            );
        }
        self.tera
            .render(template, ctx)
            .map_err(|e| anyhow::anyhow!("cannot render template {template}: {}", error_chain(&e)))
    }

    /// Whether the navigation templates are the default theme's, so that
    /// [`nav_html`] draws exactly what they would.
    pub fn default_nav(&self) -> bool {
        self.default_nav
    }

    /// The icons for the native page layouts when the theme's `base.html`,
    /// `page.html`, `term.html`, `glossary.html`, `macros.html` and
    /// `nav.html` are the default theme's (so [`super::native`] draws what
    /// they would); `None` when a theme overrides any of them.
    pub fn native_layouts(&self) -> Option<&super::native::Icons> {
        self.native.as_ref()
    }

    /// Turns the native page layouts off, so every page goes through the
    /// templates (for the test that compares the two).
    #[cfg(test)]
    pub(crate) fn without_native_layouts(mut self) -> Theme {
        self.native = None;
        self
    }

    /// Whether the theme has a template of that name.
    pub fn has_template(&self, template: &str) -> bool {
        self.templates
            .binary_search_by(|t| t.as_str().cmp(template))
            .is_ok()
    }

    /// Names of every template, sorted.
    pub fn template_names(&self) -> &[String] {
        &self.templates
    }

    /// The static files to write: (output path such as `assets/specsite.css`,
    /// bytes), sorted by path.
    pub fn static_files(&self) -> Vec<(String, Vec<u8>)> {
        self.statics
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// The book navigation as the default theme's `nav_list` macro draws it
/// (`macros.html`), byte for byte, without the template engine: a page's
/// navigation is a large share of its rendering. Used only while
/// [`Theme::default_nav`] holds; a test compares the two on real books.
pub fn nav_html(items: &[super::context::NavItem]) -> String {
    let mut out = String::new();
    nav_list(items, 0, &mut out);
    out
}

fn nav_list(items: &[super::context::NavItem], depth: usize, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(out, "<ul class=\"nav-list nav-depth-{depth}\">");
    for item in items {
        match item.kind {
            "part" => {
                out.push_str("<li class=\"nav-part\"><h2 class=\"nav-part-title\">");
                out.push_str(&escape_html(&item.title));
                out.push_str("</h2>");
                if !item.children.is_empty() {
                    nav_list(&item.children, depth, out);
                }
                out.push_str("</li>");
            }
            "separator" => out.push_str("<li class=\"nav-sep\" aria-hidden=\"true\"></li>"),
            _ => {
                out.push_str("<li class=\"nav-item");
                if item.active {
                    out.push_str(" is-active");
                }
                if item.current {
                    out.push_str(" is-current");
                }
                if !item.children.is_empty() {
                    out.push_str(" has-children");
                }
                out.push_str("\">");
                let title = escape_html(&item.title);
                match item.href.as_deref().filter(|h| !h.is_empty()) {
                    Some(h) => {
                        out.push_str("<a class=\"nav-link\" href=\"");
                        out.push_str(&escape_html(h));
                        out.push('"');
                        if item.current {
                            out.push_str(" aria-current=\"page\"");
                        }
                        if item.external {
                            out.push_str(" rel=\"noopener\"");
                        }
                        out.push('>');
                        out.push_str(&title);
                        if item.external {
                            out.push_str("<span class=\"ext\" aria-hidden=\"true\"> ↗</span>");
                        }
                        out.push_str("</a>");
                    }
                    None => {
                        out.push_str("<span class=\"nav-link nav-nolink\">");
                        out.push_str(&title);
                        out.push_str("</span>");
                    }
                }
                if !item.children.is_empty() {
                    out.push_str("<details class=\"nav-branch\"");
                    if item.active {
                        out.push_str(" open");
                    }
                    out.push_str("><summary><span class=\"visually-hidden\">Sections of ");
                    out.push_str(&title);
                    out.push_str("</span></summary>");
                    nav_list(&item.children, depth + 1, out);
                    out.push_str("</details>");
                }
                out.push_str("</li>");
            }
        }
    }
    out.push_str("</ul>");
}

/// A book's whole sidebar: its title, its navigation (`nav`, [`nav_html`])
/// and the links to the book's glossary (when it has one), the common
/// glossary and the print view. What `base.html` draws around `nav_html`.
pub fn book_sidebar(
    title: &str,
    home: &str,
    nav: &str,
    book_glossary: Option<&str>,
    glossary: &str,
    print: &str,
) -> String {
    let mut out = String::with_capacity(nav.len() + 300);
    out.push_str("<a class=\"sidebar-book\" href=\"");
    escape_html_into(&mut out, home);
    out.push_str("\">");
    escape_html_into(&mut out, title);
    out.push_str("</a>");
    out.push_str(nav);
    out.push_str("<ul class=\"nav-list nav-extra\">");
    let links = (book_glossary.map(|g| (g, "Book glossary")).into_iter())
        .chain([(glossary, "Common glossary"), (print, "Print this book")]);
    for (href, label) in links {
        out.push_str("<li><a href=\"");
        escape_html_into(&mut out, href);
        out.push_str("\">");
        out.push_str(label);
        out.push_str("</a></li>");
    }
    out.push_str("</ul>");
    out
}

/// The site's sidebar (pages of no book: the common glossary, its terms):
/// every book (`books`, title and href), then the glossary.
pub fn site_sidebar(books: &[(&str, &str)], glossary: &str) -> String {
    let mut out =
        String::from("<h2 class=\"nav-part-title\">Specifications</h2><ul class=\"nav-list\">");
    for (title, href) in books {
        out.push_str("<li class=\"nav-item\"><a class=\"nav-link\" href=\"");
        escape_html_into(&mut out, href);
        out.push_str("\">");
        escape_html_into(&mut out, title);
        out.push_str("</a></li>");
    }
    out.push_str("</ul><h2 class=\"nav-part-title\">Reference</h2><ul class=\"nav-list\"><li class=\"nav-item\"><a class=\"nav-link\" href=\"");
    escape_html_into(&mut out, glossary);
    out.push_str("\">Glossary</a></li></ul>");
    out
}

/// What the sidebar of a page of no book holds in place of the site's
/// sidebar: the script drawing the shared one (`src`) and, for readers
/// without scripts, links to the landing page (`home`, which lists every
/// book) and the glossary.
pub fn site_sidebar_loader(src: &str, home: &str, glossary: &str) -> String {
    let mut out = String::from("<script src=\"");
    escape_html_into(&mut out, src);
    out.push_str("\"></script><noscript><ul class=\"nav-list\"><li><a href=\"");
    escape_html_into(&mut out, home);
    out.push_str("\">All specifications</a></li><li><a href=\"");
    escape_html_into(&mut out, glossary);
    out.push_str("\">Glossary</a></li></ul></noscript>");
    out
}

/// The script that draws a sidebar in the pages that share it
/// (`assets/nav/<book prefix>.js`: [`book_sidebar`]; `assets/nav/site.js`:
/// [`site_sidebar`]). `nav` is that sidebar made relative to the site root
/// with nothing current. Loaded by a plain
/// `<script src>` in the sidebar (which works from disk, where fetching a
/// file does not), it puts the list where it stands, makes the internal
/// hrefs relative to the page (`data-root`) and marks the page being read
/// (its address past the root that `data-root` names): the link gets
/// `aria-current="page"`, its entry and every entry above it `is-active`
/// with their branches open, as [`nav_html`] does for a page that carries
/// its own navigation.
pub fn nav_script(nav: &str) -> String {
    let mut out = String::with_capacity(nav.len() + NAV_SCRIPT.len() + 64);
    out.push_str("/* specsite: a sidebar shared by many pages. */\n(function (nav) {\n");
    out.push_str(NAV_SCRIPT);
    out.push_str("})(");
    out.push_str(&serde_json::to_string(nav).unwrap_or_default());
    out.push_str(");\n");
    out
}

const NAV_SCRIPT: &str = r#"  var d = document, s = d.currentScript, el = d.documentElement;
  if (!s) return;
  var root = el.getAttribute("data-root") || "";
  // The page's URL from the site root: its address past the root's.
  var at = location.href.split(/[?#]/)[0], base = new URL(root || "./", at).href;
  var url = at.indexOf(base) === 0 ? at.slice(base.length).replace(/(^|\/)index\.html$/, "$1") : "";
  try { url = decodeURI(url); } catch (e) {}
  var t = d.createElement("template");
  t.innerHTML = nav;
  var drawn = Array.prototype.slice.call(t.content.querySelectorAll("a[href]"));
  s.parentNode.insertBefore(t.content, s);
  function norm(h) { return h.replace(/(^|\/)index\.html$/, "$1").replace(/^\.\/$/, ""); }
  // The page itself, else the deepest entry whose folder holds it (a term
  // page sits under the glossary's entry): the section being read.
  var page = null, section = null, depth = -1;
  drawn.forEach(function (a) {
    if (a.rel) return; // external
    var h = a.getAttribute("href"), n = norm(h);
    if (a.classList.contains("nav-link")) {
      if (n === url) page = page || a;
      else if (n && url.indexOf(n) === 0 && n.length > depth) { section = a; depth = n.length; }
    }
    a.setAttribute("href", root + h || "./");
  });
  var hit = page || section;
  if (hit) {
    hit.setAttribute("aria-current", page ? "page" : "true");
    if (page) hit.parentElement.classList.add("is-current");
    for (var li = hit.parentElement; li; li = li.parentElement.closest("li.nav-item")) {
      li.classList.add("is-active");
      var branch = li.querySelector(":scope > details.nav-branch");
      if (branch) branch.open = true;
    }
  }
"#;

/// What the sidebar of a page holds in place of its book's navigation:
/// the script drawing the shared navigation (`src`, relative to the page)
/// and, for readers without scripts, a link to the book's home page
/// (`home`, whose sidebar lists every page) and the page itself
/// (`current`, marked `aria-current` as the whole navigation marks it). The
/// entries above the page are its breadcrumbs, so the sidebar does not
/// repeat them. The list carries no classes: the stylesheet styles it as
/// the sidebar's `noscript` list.
pub fn nav_loader(src: &str, home: &str, current: Option<&super::context::LinkCtx>) -> String {
    let mut out = String::from("<script src=\"");
    escape_html_into(&mut out, src);
    out.push_str("\"></script><noscript><ul class=\"nav-list\"><li><a href=\"");
    escape_html_into(&mut out, home);
    out.push_str("\">Table of contents</a></li>");
    if let Some(cur) = current {
        out.push_str("<li><a href=\"");
        escape_html_into(&mut out, &cur.href);
        out.push_str("\" aria-current=\"page\">");
        escape_html_into(&mut out, &cur.title);
        out.push_str("</a></li>");
    }
    out.push_str("</ul></noscript>");
    out
}

/// Escapes text for HTML text and quoted attributes. Unlike Tera's default it
/// leaves `/` alone, so relative hrefs stay readable (`../consent/`).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_html_into(&mut out, s);
    out
}

/// [`escape_html`] appended to `out`.
pub fn escape_html_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// What `Tera::add_raw_templates` does, with the templates parsed side by
/// side: Tera's parser takes a few milliseconds for the default theme, the
/// longest single step of a build's start (`benches/stages.rs`, `theme`:
/// 4.1–4.3 ms one by one, 2.5–3.0 ms side by side on two cores). The
/// templates go into `Tera::templates`, the map `add_raw_templates` fills;
/// the inheritance chains and macro imports are then checked as there.
fn add_templates_in_parallel(
    tera: &mut tera::Tera,
    templates: &BTreeMap<String, String>,
) -> tera::Result<()> {
    use rayon::prelude::*;
    let parsed: Vec<(&String, tera::Result<tera::Template>)> = templates
        .par_iter()
        .map(|(name, text)| (name, tera::Template::new(name, None, text)))
        .collect();
    for (name, tpl) in parsed {
        let tpl = tpl.map_err(|e| tera::Error::chain(format!("Failed to parse '{name}'"), e))?;
        tera.templates.insert(name.clone(), tpl);
    }
    tera.build_inheritance_chains()?;
    tera.check_macro_files()
}

/// Tera errors nest their real cause; join the chain into one line.
fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Files below `dir` (none if it does not exist) as (relative `/` path, full path), sorted.
fn list_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.with_context(|| format!("cannot list theme folder {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if rel.iter().any(|c| c.starts_with('.')) {
            continue;
        }
        out.push((rel.join("/"), entry.path().to_path_buf()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn embedded_theme_has_the_core_templates_and_assets() {
        let theme = Theme::load(Path::new("/nonexistent"), None).unwrap();
        for t in [
            "base.html",
            "page.html",
            "landing.html",
            "print.html",
            "404.html",
            "redirect.html",
        ] {
            assert!(theme.has_template(t), "missing {t}");
        }
        let statics = theme.static_files();
        let paths: Vec<&str> = statics.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.contains(&"assets/specsite.css"), "{paths:?}");
        assert!(paths.contains(&"assets/specsite.js"), "{paths:?}");
    }

    #[test]
    fn a_theme_folder_overrides_one_template_and_one_static_file() {
        let dir = tempfile::tempdir().unwrap();
        let theme_dir = dir.path().join("themes/gov");
        write(
            &theme_dir.join("templates/404.html"),
            "<p>lost: {{ site.title }}</p>",
        );
        write(&theme_dir.join("static/specsite.css"), "body{color:red}");
        write(&theme_dir.join("static/img/logo.svg"), "<svg/>");
        let theme = Theme::load(dir.path(), Some("gov")).unwrap();

        let mut ctx = tera::Context::new();
        ctx.insert("site", &serde_json::json!({"title": "A & B"}));
        assert_eq!(
            theme.render("404.html", &ctx).unwrap(),
            "<p>lost: A &amp; B</p>"
        );

        let statics = theme.static_files();
        let css = statics
            .iter()
            .find(|(p, _)| p == "assets/specsite.css")
            .unwrap();
        assert_eq!(css.1, b"body{color:red}");
        assert!(statics.iter().any(|(p, _)| p == "assets/img/logo.svg"));
        // Files not overridden still come from the embedded theme.
        let js = statics
            .iter()
            .find(|(p, _)| p == "assets/specsite.js")
            .unwrap();
        assert!(!js.1.is_empty());
        assert!(theme.has_template("page.html"));
    }

    #[test]
    fn overriding_a_parent_template_changes_its_children() {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir.path().join("themes/t/templates/base.html"),
            "<main>{% block content %}{% endblock content %}</main>",
        );
        write(
            &dir.path().join("themes/t/templates/child.html"),
            "{% extends \"base.html\" %}{% block content %}hi{% endblock content %}",
        );
        let theme = Theme::load(dir.path(), Some("t")).unwrap();
        assert_eq!(
            theme.render("child.html", &tera::Context::new()).unwrap(),
            "<main>hi</main>"
        );
    }

    #[test]
    fn a_theme_can_be_shared_across_render_threads() {
        fn shareable<T: Send + Sync>(_: &T) {}
        shareable(&Theme::load(Path::new("/nonexistent"), None).unwrap());
    }

    #[test]
    fn a_missing_theme_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Theme::load(dir.path(), Some("nope"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn a_broken_template_is_an_error_naming_the_template() {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir.path().join("themes/t/templates/broken.html"),
            "{% if %}",
        );
        let err = Theme::load(dir.path(), Some("t")).unwrap_err().to_string();
        assert!(err.contains("broken.html"), "{err}");

        let theme = Theme::load(dir.path(), None).unwrap();
        let err = theme
            .render("404.html", &tera::Context::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("404.html"), "{err}");
        let err = theme
            .render("nosuch.html", &tera::Context::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("nosuch.html"), "{err}");
    }

    #[test]
    fn theme_css_and_js_stay_under_50_kb_gzipped() {
        let theme = Theme::load(Path::new("/nonexistent"), None).unwrap();
        let mut total = 0;
        for (path, bytes) in theme.static_files() {
            if !(path.ends_with(".css") || path.ends_with(".js")) {
                continue;
            }
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&bytes).unwrap();
            let n = gz.finish().unwrap().len();
            total += n;
        }
        assert!(total > 0);
        assert!(total <= 50 * 1024, "theme CSS+JS is {total} bytes gzipped");
    }
}
