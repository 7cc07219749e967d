//! The requirement index as `requirements.json`, the compliance checklist
//! (`checklist.csv`) and a plain table for the terminal.

use super::{BookRequirements, Requirement};
use crate::content::Site;
use serde::{Deserialize, Serialize};

/// One book's `requirements.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookIndex {
    /// `urn:specsite:<book>[:<label>]`.
    pub urn: String,
    /// Book id.
    pub book: String,
    /// Version label, if the book is versioned.
    pub version: Option<String>,
    /// Whether the ids come from a lock file (else they are provisional).
    #[serde(default)]
    pub locked: bool,
    /// The requirements, in reading order.
    pub requirements: Vec<Requirement>,
}

/// The site-wide `requirements.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteIndex {
    /// Every book (every version), in site order.
    pub books: Vec<BookIndex>,
}

/// The index entry of one book's requirements, `keep` choosing which.
pub fn book_index(
    site: &Site,
    br: &BookRequirements,
    keep: &dyn Fn(&Requirement) -> bool,
) -> BookIndex {
    let book = &site.books[br.book];
    let urn = match &book.version {
        Some(v) => format!("urn:specsite:{}:{v}", book.id),
        None => format!("urn:specsite:{}", book.id),
    };
    BookIndex {
        urn,
        book: book.id.clone(),
        version: book.version.clone(),
        locked: br.locked,
        requirements: br
            .requirements
            .iter()
            .filter(|r| keep(r))
            .cloned()
            .collect(),
    }
}

/// The checklist's columns (DESIGN.md §9).
pub const CSV_COLUMNS: [&str; 14] = [
    "book",
    "version",
    "id",
    "aliases",
    "type",
    "section",
    "level",
    "classifiers",
    "condition",
    "statement",
    "url",
    "fulfillment",
    "comment",
    "evidence",
];

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The compliance checklist of `index`: RFC 4180, UTF-8 with a BOM, CRLF
/// line ends; the last three columns empty for a vendor. `site_url`, when
/// set, makes the URLs absolute.
pub fn checklist_csv(index: &BookIndex, site_url: Option<&str>) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&CSV_COLUMNS.join(","));
    out.push_str("\r\n");
    for r in &index.requirements {
        let url = match site_url {
            Some(base) => format!("{}/{}", base.trim_end_matches('/'), r.url),
            None => r.url.clone(),
        };
        let fields = [
            index.book.as_str(),
            index.version.as_deref().unwrap_or(""),
            &r.id,
            &r.aliases.join("; "),
            r.kind.name(),
            r.section.as_deref().unwrap_or(""),
            r.level.name(),
            &r.classifiers.join(" "),
            r.condition.as_deref().unwrap_or(""),
            &r.statement,
            &url,
            "",
            "",
            "",
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, f);
        }
        out.push_str("\r\n");
    }
    out
}

/// A plain table for the terminal: id, level, type, section, place, statement.
pub fn table(indexes: &[BookIndex]) -> String {
    let mut out = String::new();
    for ix in indexes {
        let status = if ix.locked { "" } else { " (ids provisional)" };
        let version = ix
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}{version}: {} requirements{status}\n",
            ix.book,
            ix.requirements.len()
        ));
        for r in &ix.requirements {
            let mut statement: String = r.statement.chars().take(90).collect();
            if statement.len() < r.statement.len() {
                statement.push('…');
            }
            out.push_str(&format!(
                "  {:<34} {:<11} {:<17} {:<8} {}:{}  {statement}\n",
                r.id,
                r.level.name(),
                r.kind.name(),
                r.section.as_deref().unwrap_or("-"),
                r.file,
                r.line,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_rfc_4180_asks() {
        let mut s = String::new();
        csv_field(&mut s, "a, \"b\"");
        assert_eq!(s, "\"a, \"\"b\"\"\"");
        let mut s = String::new();
        csv_field(&mut s, "plain");
        assert_eq!(s, "plain");
    }
}
