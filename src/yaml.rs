//! The one place YAML is parsed. serde_yaml is archived upstream; swapping in a
//! maintained fork is a change to this file (and Cargo.toml) alone.

use serde::de::DeserializeOwned;

/// A YAML parse error with its 1-based position, when the parser knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What went wrong, in the parser's words.
    pub message: String,
    /// Byte offset into the parsed text, if known.
    pub offset: Option<usize>,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// A dynamically typed YAML value.
pub type Value = serde_yaml::Value;

/// Parses `text` into `T`. Zero-width spaces (U+200B) and a BOM, which real
/// GitBook files contain, are treated as whitespace.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // Strip the invisible characters, remembering where, so that error
    // offsets still point into the original text.
    let mut removed = Vec::new();
    let cleaned: std::borrow::Cow<str> = if text.contains(['\u{200B}', '\u{FEFF}']) {
        let mut out = String::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            if c == '\u{200B}' || c == '\u{FEFF}' {
                removed.push(i);
            } else {
                out.push(c);
            }
        }
        out.into()
    } else {
        text.into()
    };
    serde_yaml::from_str(&cleaned).map_err(|e| YamlError {
        message: e.to_string(),
        offset: e.location().map(|l| {
            let mut off = l.index();
            for &r in &removed {
                if r <= off {
                    off += 3;
                }
            }
            off.min(text.len())
        }),
    })
}

/// Serialises `value` as YAML.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(|e| YamlError { message: e.to_string(), offset: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_zero_width_spaces() {
        let v: Value = parse("root: ./spec/\n\n\u{200B}structure:  \n    readme: README.md  \n    summary: SUMMARY.md\u{200B}\n").unwrap();
        assert_eq!(v["structure"]["summary"].as_str(), Some("SUMMARY.md"));
    }

    #[test]
    fn reports_error_offset() {
        let e = parse::<Value>("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.offset.is_some());
    }
}
