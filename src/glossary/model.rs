//! The term model and the text normalisation every glossary stage shares:
//! the same-term key (DESIGN.md §5), GitBook slugs, term-name parsing
//! (`Term (ABBR)`, `ABBR (Expansion)`, `A / B`) and definition rendering.

use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// Where a term is valid: everywhere, or in one book only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub enum Scope {
    /// The common glossary (YAML files and common terminology pages).
    #[default]
    Common,
    /// A book's own terms; the string is the book's canonical output prefix
    /// ([`crate::content::Book::prefix`], the book id for unversioned books).
    Book(String),
}

impl Scope {
    /// The book prefix, or `None` for common terms.
    pub fn book(&self) -> Option<&str> {
        match self {
            Scope::Common => None,
            Scope::Book(b) => Some(b),
        }
    }
}

/// How a definition's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum DefinitionFormat {
    /// Markdown (the default).
    #[default]
    Markdown,
    /// Plain text, shown as is.
    Plain,
    /// HTML, passed through.
    Html,
}

impl DefinitionFormat {
    /// Reads a `definitionFormat` value (`text/markdown`, `text/plain`, `text/html`).
    pub fn from_mime(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text/markdown" | "markdown" => Some(Self::Markdown),
            "text/plain" | "plain" => Some(Self::Plain),
            "text/html" | "html" => Some(Self::Html),
            _ => None,
        }
    }
}

/// Where a term was defined.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// Root-relative file (YAML file or terminology page).
    pub file: String,
    /// Byte span of the entry's name (heading, table row, `term:` line).
    pub span: Range<usize>,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// Terminology page the term comes from, if any.
    pub page: Option<crate::content::PageId>,
    /// Root-relative URL of that page (e.g. `consent/3-terminology/`).
    pub page_url: Option<String>,
    /// Anchor of the entry on its page (heading id or explicit `<a id>`).
    pub anchor: Option<String>,
    /// Byte span of the definition in the page file, for pages.
    pub definition_span: Option<Range<usize>>,
}

/// One glossary term.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Term {
    /// Canonical spelling, plain text.
    pub name: String,
    /// Abbreviation (`BB`), if any.
    pub abbreviation: Option<String>,
    /// Other accepted spellings (matched case-insensitively).
    pub aliases: Vec<String>,
    /// Discouraged variants (using one is `term-variant`).
    pub avoid: Vec<String>,
    /// The definition as written.
    pub definition: String,
    /// How [`Term::definition`] is written.
    pub definition_format: DefinitionFormat,
    /// The definition rendered to HTML.
    pub definition_html: String,
    /// The definition as plain text, whitespace collapsed.
    pub definition_text: String,
    /// Names of related terms.
    pub see_also: Vec<String>,
    /// Citation.
    pub source: Option<String>,
    /// Status (`deprecated` makes every use a finding).
    pub status: Option<String>,
    /// Stable identifier (also the slug).
    pub identifier: Option<String>,
    /// URL segment of the term page.
    pub slug: String,
    /// Common or book-scoped.
    pub scope: Scope,
    /// Where it was defined.
    pub origin: Origin,
    /// Unknown YAML keys, kept and shown.
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Term {
    /// Whether the term is marked deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("deprecated"))
    }

    /// Root-relative URL of the term's page: `glossary/<slug>/` or `<book>/glossary/<slug>/`.
    pub fn url(&self) -> String {
        match &self.scope {
            Scope::Common => format!("glossary/{}/", self.slug),
            Scope::Book(b) => format!("{b}/glossary/{}/", self.slug),
        }
    }

    /// Sets the definition and renders its HTML and plain-text forms.
    pub fn set_definition(&mut self, text: String, format: DefinitionFormat) {
        let (html, plain) = render_definition(&text, format);
        self.definition = text;
        self.definition_format = format;
        self.definition_html = html;
        self.definition_text = plain;
    }
}

/// Renders a definition to (HTML, plain text).
pub fn render_definition(text: &str, format: DefinitionFormat) -> (String, String) {
    match format {
        DefinitionFormat::Markdown => {
            let cleaned = strip_block_tags(text);
            let mut html = String::new();
            let parser = pulldown_cmark::Parser::new_ext(&cleaned, md_options());
            pulldown_cmark::html::push_html(&mut html, parser);
            (html, markdown_plain_text(&cleaned))
        }
        DefinitionFormat::Plain => {
            let mut html = String::from("<p>");
            let _ = pulldown_cmark_escape::escape_html(&mut html, text.trim());
            html.push_str("</p>");
            (html, collapse_ws(text))
        }
        DefinitionFormat::Html => (text.trim().to_string(), html_plain_text(text)),
    }
}

/// The markdown options used to read terminology pages and definitions.
pub fn md_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
}

/// Removes GitBook block tags (`{% hint %}`, `{% endhint %}` …), keeping their content.
pub fn strip_block_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{%") {
        out.push_str(&rest[..i]);
        match rest[i..].find("%}") {
            Some(j) => rest = &rest[i + j + 2..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Plain text of markdown: text and code, HTML tags dropped, entities decoded,
/// whitespace collapsed.
pub fn markdown_plain_text(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut s = String::new();
    for ev in Parser::new_ext(md, md_options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = html_plain_text(&h);
                if !t.is_empty() {
                    s.push(' ');
                    s.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => s.push(' '),
            _ => {}
        }
    }
    collapse_ws(&s)
}

/// Plain text of an HTML fragment: tags dropped (block tags become spaces),
/// entities decoded, whitespace collapsed.
pub fn html_plain_text(html: &str) -> String {
    let mut s = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        s.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => {
                let tag = rest[i + 1..i + j]
                    .trim_start_matches('/')
                    .to_ascii_lowercase();
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if matches!(
                    name.as_str(),
                    "p" | "br" | "td" | "th" | "tr" | "li" | "div"
                ) {
                    s.push(' ');
                }
                rest = &rest[i + j + 1..];
            }
            None => {
                rest = &rest[i + 1..];
            }
        }
    }
    s.push_str(rest);
    collapse_ws(&decode_entities(&s))
}

/// Decodes the HTML entities real pages use (named basics and numeric).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &after[..e];
            let c = if let Some(hex) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = ent.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match ent {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Collapses runs of whitespace (including NBSP and zero-width spaces) to one space, trimmed.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace() || c == '\u{200B}') {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The GitBook slug of a name: lowercase, spaces and `/` to `-`, other
/// punctuation except `.` dropped, repeated `-` collapsed.
pub fn gitbook_slug(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in decode_entities(name).chars() {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            s.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '/' || c == '-' {
            s.push('-');
        }
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Longest slug written as it is: a file name may be 255 bytes, and the
/// slug may still get a `-N` to tell two terms apart.
pub const MAX_SLUG: usize = 200;

/// A term's slug before it is made unique: its `identifier`, slugged, when
/// it has one, else the GitBook slug of its name; leading dots dropped (no
/// hidden or `..` folders); cut to [`MAX_SLUG`] bytes by [`fit_slug`].
pub fn term_slug(identifier: Option<&str>, name: &str) -> String {
    // Parts of only dots (`..`, from `../x`) are dropped, and leading dots.
    let slug = |s: &str| {
        let slug = gitbook_slug(s);
        let parts: Vec<&str> = (slug.split('-'))
            .filter(|p| !p.is_empty() && !p.chars().all(|c| c == '.'))
            .collect();
        parts.join("-").trim_start_matches('.').to_string()
    };
    let base = identifier
        .map(slug)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| slug(name));
    fit_slug(&base)
}

/// `slug` when it fits in [`MAX_SLUG`] bytes; else cut there (at a
/// character boundary) with `-` and 8 hex digits of a hash of the whole slug
/// appended, so two long slugs that begin alike still differ, and the same
/// slug is cut the same way in every build.
pub fn fit_slug(slug: &str) -> String {
    if slug.len() <= MAX_SLUG {
        return slug.to_string();
    }
    let mut end = MAX_SLUG - 9;
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    let hash = xxhash_rust::xxh3::xxh3_64(slug.as_bytes()) as u32;
    format!("{}-{hash:08x}", slug[..end].trim_end_matches('-'))
}

/// The key under which two names are "the same term" (DESIGN.md §5): case,
/// markup, entities, trailing `(…)` groups and punctuation ignored, and a
/// simple plural folded (`Data Providers` = `Data Provider`).
pub fn same_term_key(name: &str) -> String {
    let mut base = decode_entities(name).trim().to_string();
    while let Some(stripped) = strip_trailing_paren(&base) {
        base = stripped.0.to_string();
    }
    let key = word_key(&base.replace('&', " and "));
    fold_plural(&key)
}

/// Lowercase words of `s`: `-`, `_` and whitespace separate words; other
/// punctuation is dropped.
pub fn word_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            out.push(' ');
        }
    }
    collapse_ws(&out)
}

/// Drops a trailing plural `s` from the last word (`credentials` → `credential`;
/// `access` and short words stay).
pub fn fold_plural(key: &str) -> String {
    let last = key.rsplit(' ').next().unwrap_or("");
    if last.len() > 4 && last.ends_with("ies") {
        format!("{}y", &key[..key.len() - 3])
    } else if last.len() >= 3 && last.ends_with('s') && !last.ends_with("ss") {
        key[..key.len() - 1].to_string()
    } else {
        key.to_string()
    }
}

/// The spelling among a term's name and aliases that an abbreviation stands
/// for: the one whose word initials spell it (`CRVS` → `Civil Registry and
/// Vital System`), else the name.
pub fn best_expansion(abbr: &str, name: &str, aliases: &[String]) -> String {
    let letters: String = abbr
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let initials = |s: &str| -> String {
        s.split(|c: char| c.is_whitespace() || c == '-' || c == '/')
            .filter(|w| {
                !matches!(
                    w.to_ascii_lowercase().as_str(),
                    "and" | "of" | "the" | "for" | "&" | ""
                )
            })
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_lowercase)
            .collect()
    };
    if initials(name) == letters {
        return name.to_string();
    }
    aliases
        .iter()
        .find(|a| initials(a) == letters)
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// Splits `Name (inner)` into `("Name", "inner")` when `s` ends with a balanced group.
pub fn strip_trailing_paren(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_end();
    if !s.ends_with(')') {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    let outer = s[..i].trim_end();
                    if outer.is_empty() {
                        return None;
                    }
                    return Some((outer, s[i + 1..s.len() - 1].trim()));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `s` looks like an abbreviation: at most three words, the first of
/// which has two capitals (`API`, `VCs`, `TLS 1.3`, `QR Code`) or is a
/// lowercase prefix before capitals (`eID`, `fID System`, `mDL`).
pub fn looks_like_abbreviation(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 3 || s.len() > 24 {
        return false;
    }
    let first = words[0];
    let letters = first.chars().filter(|c| c.is_alphabetic()).count();
    let upper = first.chars().filter(|c| c.is_uppercase()).count();
    let mut chars = first.chars();
    let starts_lower_then_upper = chars.next().is_some_and(|c| c.is_lowercase())
        && chars.next().is_some_and(|c| c.is_uppercase());
    (upper >= 2 && upper * 2 >= letters) || starts_lower_then_upper
}

/// A term name as written, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedName {
    /// Canonical name.
    pub name: String,
    /// Abbreviation, if the name carried one.
    pub abbreviation: Option<String>,
    /// Other spellings found in the name (`A / B`, `(also B)`, a qualifier's base).
    pub aliases: Vec<String>,
}

/// Parses a term name as written in a heading or table cell (plain text):
/// `Building Block (BB)`, `IAM (Identity and Access Management)`,
/// `Payment Alias (also, Payment address)`, `Electronic Signature (eSignature) / Digital Signature`,
/// `Civil Registry or CRVS (…)`, `Information Mediator (Building Block)`.
pub fn parse_term_name(raw: &str) -> ParsedName {
    let text = collapse_ws(&decode_entities(raw));
    let text = text
        .trim_matches(|c: char| c == '*' || c == '_' || c == ':' || c.is_whitespace())
        .to_string();
    let mut parts = text.split(" / ").map(str::trim).filter(|p| !p.is_empty());
    let first = parts.next().unwrap_or("");
    let mut parsed = parse_one_name(first);
    for p in parts {
        let other = parse_one_name(p);
        if parsed.abbreviation.is_none() {
            parsed.abbreviation = other.abbreviation;
        }
        parsed.aliases.push(other.name);
        parsed.aliases.extend(other.aliases);
    }
    parsed.aliases.retain(|a| !a.is_empty());
    parsed.aliases.dedup();
    parsed
}

fn parse_one_name(s: &str) -> ParsedName {
    let mut out = ParsedName {
        name: s.to_string(),
        ..Default::default()
    };
    let mut current = s.to_string();
    // Peel trailing groups: `(also …)` aliases, then one abbreviation or qualifier.
    while let Some((outer, inner)) = strip_trailing_paren(&current) {
        let (outer, inner) = (outer.to_string(), inner.to_string());
        let lower = inner.to_ascii_lowercase();
        let alias_prefix = [
            "also referred to as ",
            "also known as ",
            "also, ",
            "also ",
            "a.k.a. ",
            "aka ",
            "or ",
        ]
        .iter()
        .find(|p| lower.starts_with(*p));
        if let Some(p) = alias_prefix {
            out.aliases.push(inner[p.len()..].trim().to_string());
            current = outer;
            out.name = current.clone();
            continue;
        }
        let (inner_abbr, outer_abbr) = (
            looks_like_abbreviation(&inner),
            looks_like_abbreviation(&outer),
        );
        if out.abbreviation.is_none() && inner_abbr && (!outer_abbr || inner.len() < outer.len()) {
            out.abbreviation = Some(inner);
            current = outer;
            out.name = current.clone();
        } else if out.abbreviation.is_none()
            && outer_abbr
            && inner.split_whitespace().count() >= 2
            && (!inner_abbr || outer.len() < inner.len())
        {
            out.abbreviation = Some(outer);
            out.name = inner;
            return out;
        } else if let Some((left, abbr)) =
            split_or_abbreviation(&outer).filter(|_| out.abbreviation.is_none())
        {
            // `Civil Registry or CRVS (Civil Registry and Vital System)`.
            out.name = left;
            out.abbreviation = Some(abbr);
            out.aliases.push(inner);
        } else {
            // A qualifier such as `(Building Block)`: keep the full name, accept the base.
            out.name = current.clone();
            out.aliases.push(outer);
        }
        break;
    }
    // `Civil Registry or CRVS`: a trailing `or ABBR` names the abbreviation.
    if out.abbreviation.is_none() {
        if let Some((left, abbr)) = split_or_abbreviation(&out.name) {
            out.abbreviation = Some(abbr);
            out.name = left;
        }
    }
    out
}

fn split_or_abbreviation(s: &str) -> Option<(String, String)> {
    let i = s.rfind(" or ")?;
    let right = s[i + 4..].trim();
    let left = s[..i].trim();
    (looks_like_abbreviation(right) && !left.is_empty())
        .then(|| (left.to_string(), right.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_follows_gitbook() {
        assert_eq!(gitbook_slug("Building Block (BB)"), "building-block-bb");
        assert_eq!(
            gitbook_slug("Publish/Subscribe (Pubsub)"),
            "publish-subscribe-pubsub"
        );
        assert_eq!(gitbook_slug("TLS 1.3"), "tls-1.3");
        assert_eq!(gitbook_slug("Rules engine&#x20;"), "rules-engine");
    }

    #[test]
    fn same_term_key_ignores_case_abbr_and_plural() {
        assert_eq!(
            same_term_key("Building Block (BB)"),
            same_term_key("building block")
        );
        assert_eq!(
            same_term_key("Data Providers"),
            same_term_key("Data Provider")
        );
        assert_eq!(same_term_key("Pub/Sub"), same_term_key("Pubsub"));
        assert_ne!(same_term_key("Access"), same_term_key("Acces"));
        assert_eq!(same_term_key("VCs"), same_term_key("VC"));
        assert_eq!(
            same_term_key("Model & Notation"),
            same_term_key("Model and Notation")
        );
    }

    #[test]
    fn parses_abbreviation_suffix_and_prefix_forms() {
        let p = parse_term_name("Building Block (BB)");
        assert_eq!(
            (p.name.as_str(), p.abbreviation.as_deref()),
            ("Building Block", Some("BB"))
        );
        let p = parse_term_name("IAM (Identity and Access Management)");
        assert_eq!(
            (p.name.as_str(), p.abbreviation.as_deref()),
            ("Identity and Access Management", Some("IAM"))
        );
        let p = parse_term_name("JSON Web Token (JWT) / Token-Based Authentication");
        assert_eq!(
            (p.name.as_str(), p.abbreviation.as_deref()),
            ("JSON Web Token", Some("JWT"))
        );
        let p = parse_term_name("Foundational Identity System (fID System)");
        assert_eq!(p.abbreviation.as_deref(), Some("fID System"));
        let p = parse_term_name("Electronic Signature (eSignature) / Digital Signature");
        assert_eq!(p.name, "Electronic Signature");
        assert_eq!(p.abbreviation.as_deref(), Some("eSignature"));
        assert_eq!(p.aliases, vec!["Digital Signature".to_string()]);
    }

    #[test]
    fn qualifier_and_also_groups_become_aliases() {
        let p = parse_term_name("Information Mediator (Building Block)");
        assert_eq!(p.name, "Information Mediator (Building Block)");
        assert_eq!(p.aliases, vec!["Information Mediator".to_string()]);
        assert_eq!(p.abbreviation, None);
        let p = parse_term_name("Payment Alias (also, Payment address)");
        assert_eq!(p.name, "Payment Alias");
        assert_eq!(p.aliases, vec!["Payment address".to_string()]);
        let p = parse_term_name("Civil Registry or CRVS (Civil Registry and Vital System)");
        assert_eq!(p.name, "Civil Registry");
        assert_eq!(p.abbreviation.as_deref(), Some("CRVS"));
    }

    #[test]
    fn decodes_entities_and_strips_tags() {
        assert_eq!(
            decode_entities("a&#x20;b &amp; c &bogus; &#39;"),
            "a b & c &bogus; '"
        );
        assert_eq!(
            html_plain_text("<p>One</p><p>two &amp; three</p>"),
            "One two & three"
        );
        assert_eq!(
            markdown_plain_text("**Bold** and `code`\n{% hint %}"),
            "Bold and code {% hint %}"
        );
        assert_eq!(
            strip_block_tags("a {% hint style=\"info\" %}b{% endhint %}"),
            "a b"
        );
    }
}
