//! One response tree, written as XML or as JSON by GeoReport v2's rules (the "Spark convention":
//! the root element is dropped, a container of repeated children is always an array, numbers and
//! booleans are typed, an empty element is `null`). Both formats come from the same tree, so they
//! cannot disagree.

use std::fmt::Write;

/// A value of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    /// Child elements in order.
    Obj(Vec<(&'static str, V)>),
    /// Repeated children, each an element of the given name (`service`, `request`, `error` …).
    List(&'static str, Vec<V>),
}

impl V {
    /// Text, without the characters XML cannot carry (so the JSON says the same); empty text is
    /// an empty element, which the JSON convention makes `null`.
    pub fn str(s: impl Into<String>) -> V {
        let s: String = s.into();
        let s = if s.chars().all(xml_char) {
            s
        } else {
            s.chars().filter(|c| xml_char(*c)).collect()
        };
        if s.is_empty() { V::Null } else { V::Str(s) }
    }

    pub fn opt(s: Option<impl Into<String>>) -> V {
        s.map_or(V::Null, V::str)
    }

    pub fn num(n: Option<f64>) -> V {
        n.filter(|n| n.is_finite()).map_or(V::Null, V::Num)
    }
}

/// A whole response: the root element's name and what it holds.
pub struct Doc {
    pub root: &'static str,
    pub body: V,
}

/// Characters XML 1.0 allows; others (most control characters) are left out rather than
/// making the document unreadable.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

pub fn escape_xml(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A carriage return would be read back as a line feed; keep it.
            '\r' => out.push_str("&#13;"),
            c if xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

fn float(n: f64) -> String {
    // Rust's shortest round-trip form, the same digits serde_json writes.
    let s = n.to_string();
    if s.contains(['.', 'e', 'E']) { s } else { format!("{s}.0") }
}

fn element(name: &str, v: &V, out: &mut String) {
    match v {
        V::Null => {
            let _ = write!(out, "<{name}/>");
        }
        V::Str(s) => {
            let _ = write!(out, "<{name}>");
            escape_xml(s, out);
            let _ = write!(out, "</{name}>");
        }
        V::Int(n) => {
            let _ = write!(out, "<{name}>{n}</{name}>");
        }
        V::Num(n) => {
            let _ = write!(out, "<{name}>{}</{name}>", float(*n));
        }
        V::Bool(b) => {
            let _ = write!(out, "<{name}>{b}</{name}>");
        }
        V::Obj(fields) => {
            let _ = write!(out, "<{name}>");
            for (k, v) in fields {
                element(k, v, out);
            }
            let _ = write!(out, "</{name}>");
        }
        V::List(child, items) => {
            let _ = write!(out, "<{name}>");
            for v in items {
                element(child, v, out);
            }
            let _ = write!(out, "</{name}>");
        }
    }
}

pub fn xml(doc: &Doc) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    element(doc.root, &doc.body, &mut out);
    out.push('\n');
    out
}

fn json_value(v: &V, out: &mut String) {
    match v {
        V::Null => out.push_str("null"),
        V::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())),
        V::Int(n) => {
            let _ = write!(out, "{n}");
        }
        V::Num(n) => out.push_str(&float(*n)),
        V::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        V::Obj(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "\"{k}\":");
                json_value(v, out);
            }
            out.push('}');
        }
        V::List(_, items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_value(v, out);
            }
            out.push(']');
        }
    }
}

pub fn json(doc: &Doc) -> String {
    let mut out = String::new();
    json_value(&doc.body, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Doc {
        Doc {
            root: "service_requests",
            body: V::List(
                "request",
                vec![V::Obj(vec![
                    ("service_request_id", V::Int(7)),
                    ("description", V::str("a < b & \"c\" 'd'\u{1}\r\n")),
                    ("lat", V::Num(31.005)),
                    ("long", V::Num(121.0)),
                    ("media_url", V::Null),
                    ("metadata", V::Bool(true)),
                    ("values", V::List("value", vec![V::Obj(vec![("key", V::str("k"))])])),
                ])],
            ),
        }
    }

    #[test]
    fn c9_xml_has_the_declaration_and_escapes_text() {
        let x = xml(&sample());
        assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"));
        assert!(
            x.contains("<description>a &lt; b &amp; &quot;c&quot; &apos;d&apos;&#13;\n</description>"),
            "{x}"
        );
        assert!(x.contains("<lat>31.005</lat><long>121.0</long><media_url/><metadata>true</metadata>"));
        assert!(x.contains("<values><value><key>k</key></value></values>"));
        assert!(x.trim_end().ends_with("</request></service_requests>"));
    }

    #[test]
    fn c9_json_drops_the_root_and_keeps_the_order() {
        let j = json(&sample());
        assert!(j.starts_with("[{\"service_request_id\":7,\"description\":"));
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(
            v[0]["description"], "a < b & \"c\" 'd'\r\n",
            "the control character is left out of both"
        );
        assert_eq!(v[0]["lat"], 31.005);
        assert_eq!(v[0]["long"], 121.0);
        assert!(v[0]["media_url"].is_null());
        assert_eq!(v[0]["values"][0]["key"], "k");
        let errors = Doc {
            root: "errors",
            body: V::List(
                "error",
                vec![V::Obj(vec![("code", V::Int(403)), ("description", V::str("x"))])],
            ),
        };
        assert_eq!(json(&errors), r#"[{"code":403,"description":"x"}]"#);
        assert_eq!(V::str(""), V::Null, "empty text is an empty element: null");
        assert_eq!(
            xml(&errors),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors><error><code>403</code><description>x</description></error></errors>\n"
        );
    }
}
