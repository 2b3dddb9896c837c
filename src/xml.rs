//! Small XML helpers shared by every body writer and reader: escaping, the declaration, and mapping
//! quick-xml failures to COS's `MalformedXML`.

use crate::error::{Code, CosError};

/// The declaration COS writes at the top of XML bodies.
pub const DECLARATION: &str = "<?xml version='1.0' encoding='utf-8' ?>\n";

/// Escapes text for an XML element or attribute value.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// Serialises a serde value as an XML document with COS's declaration; `root` names the element.
pub fn to_xml<T: serde::Serialize>(root: &str, value: &T) -> Result<String, CosError> {
    let mut body = String::from(DECLARATION);
    let mut ser = quick_xml::se::Serializer::with_root(&mut body, Some(root))
        .map_err(|e| CosError::with_message(Code::InternalError, e.to_string()))?;
    ser.indent('\t', 1);
    value
        .serialize(ser)
        .map_err(|e| CosError::with_message(Code::InternalError, e.to_string()))?;
    Ok(body)
}

/// Parses an XML body into a serde value; any failure is `MalformedXML`.
pub fn from_xml<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, CosError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| CosError::with_message(Code::MalformedXML, "the body is not UTF-8"))?;
    quick_xml::de::from_str(text).map_err(|e| {
        CosError::with_message(
            Code::MalformedXML,
            format!("{}: {e}", Code::MalformedXML.default_message()),
        )
    })
}

/// Checks that the root element is `root` (serde does not look at the root's name); an empty or
/// broken document is `MalformedXML` too.
pub fn check_root(body: &[u8], root: &str) -> Result<(), CosError> {
    use quick_xml::events::Event;
    let malformed = |why: String| {
        CosError::with_message(
            Code::MalformedXML,
            format!("{} ({why})", Code::MalformedXML.default_message()),
        )
    };
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return if e.local_name().as_ref() == root.as_bytes() {
                    Ok(())
                } else {
                    Err(malformed(format!("the root element must be {root}")))
                };
            }
            Ok(Event::Eof) => return Err(malformed("the body is empty".into())),
            Ok(_) => buf.clear(),
            Err(e) => return Err(malformed(e.to_string())),
        }
    }
}
