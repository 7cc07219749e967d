//! An order-preserving document tree for OpenAPI files.
//!
//! serde_json's `Value` sorts object keys; specification authors order
//! properties and responses on purpose, so specs load into [`Node`] instead,
//! from JSON or YAML alike. YAML keys that are not strings (`200:`) become
//! their text.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON/YAML value with object keys in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A number, as written by the serialiser that read it.
    Number(NumberText),
    /// A string.
    String(String),
    /// A list.
    Seq(Vec<Node>),
    /// An object, keys in document order.
    Map(Vec<(String, Node)>),
}

/// A number kept as its shortest textual form.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberText(pub String);

static NULL: Node = Node::Null;

impl Node {
    /// The member `key` of an object (`Null` when absent or not an object).
    pub fn get(&self, key: &str) -> &Node {
        match self {
            Node::Map(m) => m.iter().find(|(k, _)| k == key).map_or(&NULL, |(_, v)| v),
            _ => &NULL,
        }
    }

    /// Whether this is `Null` (also the result of a missing key).
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_map(&self) -> Option<&[(String, Node)]> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a list.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// `true` for the boolean `true` (and the string `"true"`).
    pub fn is_true(&self) -> bool {
        matches!(self, Node::Bool(true)) || self.as_str() == Some("true")
    }

    /// Follows a JSON pointer (`/components/schemas/Pet`), `~0`/`~1` decoded.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut cur = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let part = raw.replace("~1", "/").replace("~0", "~");
            let part = percent_encoding::percent_decode_str(&part)
                .decode_utf8_lossy()
                .into_owned();
            cur = match cur {
                Node::Map(m) => &m.iter().find(|(k, _)| *k == part)?.1,
                Node::Seq(s) => s.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// A short scalar rendering (strings unquoted), for table cells.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Null => Some("null".into()),
            Node::Bool(b) => Some(b.to_string()),
            Node::Number(n) => Some(n.0.clone()),
            Node::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Pretty JSON with two-space indentation.
    pub fn to_pretty_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, 0);
        out
    }

    fn write_json(&self, out: &mut String, indent: usize) {
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Number(n) => out.push_str(&n.0),
            Node::String(s) => {
                out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()))
            }
            Node::Seq(items) if items.is_empty() => out.push_str("[]"),
            Node::Map(m) if m.is_empty() => out.push_str("{}"),
            Node::Seq(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    push_indent(out, indent + 1);
                    item.write_json(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                push_indent(out, indent);
                out.push(']');
            }
            Node::Map(m) => {
                out.push_str("{\n");
                for (i, (k, v)) in m.iter().enumerate() {
                    push_indent(out, indent + 1);
                    out.push_str(&serde_json::to_string(k).unwrap_or_else(|_| "\"\"".into()));
                    out.push_str(": ");
                    v.write_json(out, indent + 1);
                    out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
                }
                push_indent(out, indent);
                out.push('}');
            }
        }
    }
}

fn push_indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("  ");
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON or YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(NumberText(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(NumberText(v.to_string())))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Number(NumberText(v.to_string())))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Number(NumberText(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        let text = if v.is_finite() {
            serde_json::Number::from_f64(v).map_or("0".into(), |n| n.to_string())
        } else {
            "null".into()
        };
        Ok(Node::Number(NumberText(text)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members: Vec<(String, Node)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            let key = k.scalar_text().unwrap_or_default();
            // A repeated key: the last one wins, as in most parsers.
            if let Some(slot) = members.iter_mut().find(|(existing, _)| *existing == key) {
                slot.1 = v;
            } else {
                members.push((key, v));
            }
        }
        Ok(Node::Map(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_from_json_and_yaml() {
        let j: Node = serde_json::from_str(r#"{"b": 1, "a": [true, null, "x"]}"#).unwrap();
        assert_eq!(j.as_map().unwrap()[0].0, "b");
        let y: Node =
            crate::yaml::parse("z: 1\n200:\n  d: 10001100020010120230704042404\na: 2\n").unwrap();
        assert_eq!(
            y.get("200").get("d").scalar_text().as_deref(),
            Some("10001100020010120230704042404")
        );
        let keys: Vec<&str> = y
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, vec!["z", "200", "a"]);
    }

    #[test]
    fn pointer_decodes_escapes() {
        let j: Node = serde_json::from_str(r#"{"paths": {"/a/{id}": {"get": 1}}}"#).unwrap();
        assert!(j.pointer("/paths/~1a~1{id}/get").is_some());
        assert!(j.pointer("/paths/nope").is_none());
    }

    #[test]
    fn pretty_json_round_trips() {
        let text = r#"{"b": [1, 2.5, {"c": "q\""}], "a": {}}"#;
        let j: Node = serde_json::from_str(text).unwrap();
        let pretty = j.to_pretty_json();
        assert!(pretty.starts_with("{\n  \"b\": [\n    1,"), "{pretty}");
        let back: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }
}
