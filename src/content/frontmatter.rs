//! YAML front matter (`---` … `---` at the very start of a page).

use serde::Deserialize;
use std::collections::BTreeMap;

/// Front matter fields specsite uses; other keys are kept in `extra`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct FrontMatter {
    /// The page lead, and the `<meta name=description>`.
    pub description: Option<String>,
    /// Overrides the page title.
    pub title: Option<String>,
    /// Any other keys (GitBook's `layout:`, `cover:`…), kept as they are.
    #[serde(flatten)]
    pub extra: BTreeMap<String, crate::yaml::Value>,
}

/// Splits `text` into front matter and body. Returns the parsed front matter
/// (default when absent), the byte offset where the body starts, and a YAML
/// error whose offset is relative to `text` when the block does not parse.
pub fn split_front_matter(text: &str) -> (FrontMatter, usize, Option<crate::yaml::YamlError>) {
    let t = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let bom = text.len() - t.len();
    let Some(rest) = t.strip_prefix("---") else {
        return (FrontMatter::default(), 0, None);
    };
    let Some(nl) = rest.find('\n') else {
        return (FrontMatter::default(), 0, None);
    };
    if !rest[..nl].trim().is_empty() {
        return (FrontMatter::default(), 0, None);
    }
    let yaml_start = bom + 3 + nl + 1;
    // Find the closing `---` (or `...`) line.
    let mut pos = yaml_start;
    let mut close = None;
    for line in text[yaml_start..].split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let Some((yaml_end, body_start)) = close else {
        return (FrontMatter::default(), 0, None);
    };
    let yaml = &text[yaml_start..yaml_end];
    if yaml.trim().is_empty() {
        return (FrontMatter::default(), body_start, None);
    }
    match crate::yaml::parse::<FrontMatter>(yaml) {
        Ok(fm) => (fm, body_start, None),
        Err(mut e) => {
            e.offset = Some(yaml_start + e.offset.unwrap_or(0));
            (FrontMatter::default(), body_start, Some(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_description_and_body_start() {
        let t = "---\ndescription: Lead text\nlayout: x\n---\n# Title\n";
        let (fm, start, err) = split_front_matter(t);
        assert!(err.is_none());
        assert_eq!(fm.description.as_deref(), Some("Lead text"));
        assert!(fm.extra.contains_key("layout"));
        assert_eq!(&t[start..], "# Title\n");
    }

    #[test]
    fn invalid_yaml_reports_offset_in_file() {
        let t = "---\ndescription: [oops\n---\nbody\n";
        let (_, start, err) = split_front_matter(t);
        let e = err.unwrap();
        assert!(e.offset.unwrap() >= 4);
        assert_eq!(&t[start..], "body\n");
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(split_front_matter("# Hi\n---\n").1, 0);
    }
}
