//! A small XML element tree for bucket configuration documents: parsed with bounds (depth, element
//! count), validated against a declarative schema that also fixes COS's element order, and
//! rendered back. Namespaces and attributes are dropped; text is trimmed.

use quick_xml::events::Event;

use crate::error::{Code, CosError};

/// Deepest nesting a configuration document may have.
pub const MAX_DEPTH: usize = 16;
/// Most elements one configuration document may hold.
pub const MAX_ELEMENTS: usize = 20_000;

/// One element: its name, its text (leaves) and its children (containers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn leaf(name: &str, text: &str) -> Node {
        Node {
            name: name.into(),
            text: text.into(),
            children: Vec::new(),
        }
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the child at `path` (`a/b/c`), if any.
    pub fn text_at(&self, path: &str) -> Option<&str> {
        let mut node = self;
        for part in path.split('/') {
            node = node.child(part)?;
        }
        Some(node.text.as_str())
    }

    /// Renders the element (no declaration), indented by `depth` tabs.
    pub fn render_into(&self, out: &mut String, depth: usize) {
        let pad = "\t".repeat(depth);
        if self.children.is_empty() {
            if self.text.is_empty() && depth == 0 {
                out.push_str(&format!("<{}/>", self.name));
            } else {
                out.push_str(&format!(
                    "{pad}<{n}>{t}</{n}>",
                    n = self.name,
                    t = crate::xml::escape(&self.text)
                ));
            }
            return;
        }
        out.push_str(&format!("{pad}<{}>\n", self.name));
        for c in &self.children {
            c.render_into(out, depth + 1);
            out.push('\n');
        }
        out.push_str(&format!("{pad}</{}>", self.name));
    }

    /// The whole document with COS's declaration.
    pub fn to_document(&self) -> String {
        let mut out = String::from(crate::xml::DECLARATION);
        self.render_into(&mut out, 0);
        out
    }
}

pub(crate) fn malformed(why: impl std::fmt::Display) -> CosError {
    CosError::with_message(
        Code::MalformedXML,
        format!("{} ({why})", Code::MalformedXML.default_message()),
    )
}

/// Parses a document into its root element. Not well-formed, not UTF-8, empty, nested deeper than
/// [`MAX_DEPTH`], more than [`MAX_ELEMENTS`] elements, text beside child elements, or content after
/// the root → `MalformedXML`.
pub fn parse(body: &[u8]) -> Result<Node, CosError> {
    // The shared screen first (DTDs, processing instructions, attribute bombs; see `xml::screen`).
    let (text, _) = crate::xml::screen(body)?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let event = reader.read_event().map_err(malformed)?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                return Err(malformed("content after the root element"));
            }
            Event::Start(e) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(malformed("the document is too deep or too large"));
                }
                stack.push(Node::leaf(&local_name(e.local_name().as_ref())?, ""));
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(malformed("the document is too large"));
                }
                let node = Node::leaf(&local_name(e.local_name().as_ref())?, "");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let t = t.unescape().map_err(malformed)?;
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&t),
                    None if t.trim().is_empty() => {}
                    None => return Err(malformed("text outside the root element")),
                }
            }
            Event::CData(t) => {
                let t = String::from_utf8(t.into_inner().to_vec()).map_err(malformed)?;
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&t),
                    None => return Err(malformed("text outside the root element")),
                }
            }
            Event::End(_) => {
                let mut node = stack.pop().ok_or_else(|| malformed("unbalanced end tag"))?;
                node.text = node.text.trim().to_string();
                if !node.children.is_empty() && !node.text.is_empty() {
                    return Err(malformed(format!(
                        "element {} mixes text and elements",
                        node.name
                    )));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Eof => break,
            Event::DocType(_) => return Err(malformed("a DOCTYPE is not allowed")),
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed("the document ends inside an element"));
    }
    root.ok_or_else(|| malformed("the body is empty"))
}

fn local_name(raw: &[u8]) -> Result<String, CosError> {
    String::from_utf8(raw.to_vec()).map_err(|_| malformed("an element name is not UTF-8"))
}

/// How often an element may appear among its siblings.
#[derive(Debug, Clone, Copy)]
pub enum Occurs {
    /// Exactly once.
    One,
    /// At most once.
    Opt,
    /// Once up to `n` times.
    Many(usize),
    /// Zero up to `n` times.
    Any(usize),
}

/// What an element holds.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// Text, checked.
    Text(Check),
    /// Child elements, in this order.
    Box(&'static [El]),
    /// Anything (kept as it came): parts cos-mock stores without interpreting.
    Open,
}

/// A check on a leaf's text; a failure is `InvalidArgument`.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    Any,
    NonEmpty,
    OneOf(&'static [&'static str]),
    /// `true` or `false`, in any letter case.
    Bool,
    /// An integer in the range.
    Int(i64, i64),
    /// Text of this many characters.
    Len(usize, usize),
}

/// One element of a schema.
#[derive(Debug, Clone, Copy)]
pub struct El {
    pub name: &'static str,
    pub occurs: Occurs,
    pub value: Value,
}

pub const fn el(name: &'static str, occurs: Occurs, value: Value) -> El {
    El {
        name,
        occurs,
        value,
    }
}

fn invalid(why: String) -> CosError {
    CosError::with_message(Code::InvalidArgument, why)
}

/// Validates `node`'s children against `schema` and returns the node with its children in the
/// schema's order. Unknown, missing or repeated elements and text where elements belong (or the
/// reverse) are `MalformedXML`; a bad value or too many repeats is `InvalidArgument`.
pub fn conform(node: &Node, schema: &[El], path: &str) -> Result<Node, CosError> {
    if !node.text.is_empty() {
        return Err(malformed(format!("{path} must hold elements, not text")));
    }
    if let Some(c) = node
        .children
        .iter()
        .find(|c| !schema.iter().any(|e| e.name == c.name))
    {
        return Err(malformed(format!("unknown element {path}/{}", c.name)));
    }
    let mut out = Node::leaf(&node.name, "");
    for e in schema {
        let found: Vec<&Node> = node.all(e.name).collect();
        let at = format!("{path}/{}", e.name);
        let (min, max) = match e.occurs {
            Occurs::One => (1, 1),
            Occurs::Opt => (0, 1),
            Occurs::Many(n) => (1, n),
            Occurs::Any(n) => (0, n),
        };
        if found.len() < min {
            return Err(malformed(format!("{at} is required")));
        }
        if found.len() > max {
            return Err(if max == 1 {
                malformed(format!("{at} may appear only once"))
            } else {
                invalid(format!("{at} may appear at most {max} times"))
            });
        }
        for child in found {
            out.children.push(match e.value {
                Value::Open => child.clone(),
                Value::Box(inner) => conform(child, inner, &at)?,
                Value::Text(check) => {
                    if !child.children.is_empty() {
                        return Err(malformed(format!("{at} must hold text")));
                    }
                    check_text(check, &child.text, &at)?;
                    child.clone()
                }
            });
        }
    }
    Ok(out)
}

fn check_text(check: Check, text: &str, at: &str) -> Result<(), CosError> {
    let ok = match check {
        Check::Any => true,
        Check::NonEmpty => !text.is_empty(),
        Check::OneOf(values) => values.contains(&text),
        Check::Bool => text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false"),
        Check::Int(lo, hi) => text.parse::<i64>().is_ok_and(|n| (lo..=hi).contains(&n)),
        Check::Len(lo, hi) => (lo..=hi).contains(&text.chars().count()),
    };
    if ok {
        return Ok(());
    }
    let expected = match check {
        Check::Any | Check::NonEmpty => "a non-empty value".to_string(),
        Check::OneOf(values) => format!("one of {}", values.join(", ")),
        Check::Bool => "true or false".to_string(),
        Check::Int(lo, hi) => format!("an integer from {lo} to {hi}"),
        Check::Len(lo, hi) => format!("{lo} to {hi} characters"),
    };
    Err(invalid(format!("{at} is {text:?}; expected {expected}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &[El] = &[
        el("A", Occurs::One, Value::Text(Check::OneOf(&["x", "y"]))),
        el(
            "B",
            Occurs::Any(2),
            Value::Box(&[el("C", Occurs::Opt, Value::Text(Check::Int(1, 9)))]),
        ),
    ];

    fn code(body: &str) -> Code {
        let root = match parse(body.as_bytes()) {
            Ok(r) => r,
            Err(e) => return e.code,
        };
        conform(&root, SCHEMA, "R")
            .map(|_| Code::InternalError)
            .unwrap_or_else(|e| e.code)
    }

    #[test]
    fn conform_orders_children_as_the_schema() {
        let root = parse(b"<R xmlns='x'><B><C>3</C></B><A>y</A></R>").unwrap();
        let out = conform(&root, SCHEMA, "R").unwrap();
        assert_eq!(out.children[0].name, "A");
        assert_eq!(out.text_at("B/C"), Some("3"));
        assert!(out
            .to_document()
            .contains("<R>\n\t<A>y</A>\n\t<B>\n\t\t<C>3</C>\n\t</B>\n</R>"));
    }

    #[test]
    fn conform_refusals_have_cos_codes() {
        let cases = [
            ("", Code::MalformedXML),
            ("<R>", Code::MalformedXML),
            ("<R><A>x</A></R><R/>", Code::MalformedXML),
            ("<R><Z/><A>x</A></R>", Code::MalformedXML),
            ("<R></R>", Code::MalformedXML),
            ("<R><A>x</A><A>y</A></R>", Code::MalformedXML),
            ("<R>t<A>x</A></R>", Code::MalformedXML),
            ("<R><A>z</A></R>", Code::InvalidArgument),
            ("<R><A>x</A><B><C>10</C></B></R>", Code::InvalidArgument),
            ("<R><A>x</A><B/><B/><B/></R>", Code::InvalidArgument),
            ("<!DOCTYPE R><R><A>x</A></R>", Code::MalformedXML),
        ];
        for (body, want) in cases {
            assert_eq!(code(body), want, "{body}");
        }
        assert_eq!(code("<R><A>x</A></R>"), Code::InternalError);
    }

    #[test]
    fn parse_bounds_depth_and_size() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(deep.as_bytes()).unwrap_err().code, Code::MalformedXML);
        let wide = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS + 1));
        assert_eq!(parse(wide.as_bytes()).unwrap_err().code, Code::MalformedXML);
    }

    #[test]
    fn render_escapes_text_and_shortens_an_empty_root() {
        assert!(Node::leaf("R", "").to_document().ends_with("<R/>"));
        let mut n = Node::leaf("R", "");
        n.children.push(Node::leaf("A", "a<&"));
        assert!(n.to_document().contains("<A>a&lt;&amp;</A>"));
    }
}
