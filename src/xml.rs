//! Small XML helpers shared by every body writer and reader: escaping, the declaration, and the one
//! hardened entry for client XML ([`screen`], used by [`from_xml`], [`check_root`] and the bucket
//! configuration tree) that maps every failure to COS's `MalformedXML`.

use crate::error::{Code, CosError};

/// The declaration COS writes at the top of XML bodies.
pub const DECLARATION: &str = "<?xml version='1.0' encoding='utf-8' ?>\n";

/// Escapes text for an XML element or attribute value (see [`crate::wire::xml_escape`]): any
/// text gives well-formed XML.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    crate::wire::xml_escape(text)
}

/// Serialises a serde value as an XML document with COS's declaration; `root` names the element.
/// The text is passed through [`crate::wire::xml_carry`], so the document is well-formed whatever the
/// values hold (the serializer escapes markup but not control characters).
pub fn to_xml<T: serde::Serialize>(root: &str, value: &T) -> Result<String, CosError> {
    let mut body = String::from(DECLARATION);
    let mut ser = quick_xml::se::Serializer::with_root(&mut body, Some(root))
        .map_err(|e| CosError::with_message(Code::InternalError, e.to_string()))?;
    ser.indent('\t', 1);
    value
        .serialize(ser)
        .map_err(|e| CosError::with_message(Code::InternalError, e.to_string()))?;
    Ok(crate::wire::xml_carry(&body).into_owned())
}

/// How much structure a client's XML document may have. Every COS document fits well inside:
/// the deepest (lifecycle `Rule/Filter/And/Tag/Key`) is six levels, the largest (a Complete
/// Multipart Upload of 10,000 parts) about 30,000 elements, and no COS element carries more than
/// two attributes (ACL's `xmlns:xsi` and `xsi:type`). COS does not document such bounds; these are
/// the mock's choice, and a document past one is `MalformedXML` naming it.
pub mod bounds {
    /// Elements nested inside each other, the root counting as one.
    pub const MAX_DEPTH: usize = 32;
    /// Elements in the whole document.
    pub const MAX_ELEMENTS: usize = 100_000;
    /// Attributes on one element (namespace declarations included).
    pub const MAX_ATTRIBUTES: usize = 16;
}

/// The hardened entry every client XML document goes through before anything parses it: the body
/// must be UTF-8 and well-formed; it may not hold a DTD (`<!DOCTYPE`; quick-xml's deserializer
/// panicked on one inside text), a processing instruction other than one XML declaration before
/// the root, or a second root element; depth, element count and attributes per element are
/// bounded ([`bounds`]). One linear pass: attributes are counted without quick-xml's duplicate
/// check (quadratic: a megabyte of attributes took ~17 s), so serde only ever sees a few per
/// element. Returns the document's text and its root element's local name.
pub fn screen(body: &[u8]) -> Result<(&str, String), CosError> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8".into()))?;
    check_chars(text)?;
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut depth, mut elements, mut root) = (0usize, 0usize, None::<String>);
    let mut declared = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(format!("not well-formed: {e}")))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 && root.is_some() {
                    return Err(malformed("more than one root element".into()));
                }
                elements += 1;
                if elements > bounds::MAX_ELEMENTS {
                    return Err(malformed(format!(
                        "more than {} elements",
                        bounds::MAX_ELEMENTS
                    )));
                }
                if depth + 1 > bounds::MAX_DEPTH {
                    return Err(malformed(format!(
                        "elements nested deeper than {}",
                        bounds::MAX_DEPTH
                    )));
                }
                count_attributes(e)?;
                if root.is_none() {
                    root = Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            // Once, before the root (a client may put whitespace or a BOM before it).
            Event::Decl(_) if root.is_none() && !declared => declared = true,
            Event::Decl(_) => {
                return Err(malformed(
                    "an XML declaration is allowed only once, before the root element".into(),
                ))
            }
            Event::PI(_) => {
                return Err(malformed("processing instructions are not allowed".into()))
            }
            Event::DocType(_) => {
                return Err(malformed("a DTD (<!DOCTYPE ...>) is not allowed".into()))
            }
            Event::Text(_) | Event::CData(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    let root = root.ok_or_else(|| malformed("the body is empty".into()))?;
    Ok((text, root))
}

/// XML 1.0's well-formedness constraint on characters: the document, and every character reference
/// in it (`&#1;`, `&#x1F;`), may hold only what XML 1.0 allows (quick-xml lets `&#1;` through, and a
/// key holding it could be listed only as U+FFFD).
fn check_chars(text: &str) -> Result<(), CosError> {
    if let Some((at, c)) = crate::wire::unrepresentable(text) {
        return Err(malformed(format!(
            "the body holds U+{:04X} at character {at}, which XML 1.0 does not allow",
            c as u32
        )));
    }
    for (at, _) in text.match_indices("&#") {
        let rest = &text[at + 2..];
        let Some(end) = rest.find(';').filter(|end| *end <= 10) else {
            continue; // Not a character reference: the parser answers it.
        };
        let code = match rest[..end].strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => rest[..end].parse().ok(),
        };
        if let Some(code) = code {
            if !char::from_u32(code).is_some_and(crate::wire::is_xml_char) {
                return Err(malformed(format!(
                    "the character reference &#{}; names a character XML 1.0 does not allow",
                    &rest[..end]
                )));
            }
        }
    }
    Ok(())
}

/// Counts an element's attributes up to the bound, without quick-xml's duplicate check.
fn count_attributes(e: &quick_xml::events::BytesStart<'_>) -> Result<(), CosError> {
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    for (n, attribute) in attributes.enumerate() {
        attribute.map_err(|e| malformed(format!("not well-formed: {e}")))?;
        if n + 1 > bounds::MAX_ATTRIBUTES {
            return Err(malformed(format!(
                "more than {} attributes on element {}",
                bounds::MAX_ATTRIBUTES,
                shown_name(e.local_name().as_ref())
            )));
        }
    }
    Ok(())
}

/// Parses a client's XML body into a serde value, after [`screen`]; any failure is `MalformedXML`.
pub fn from_xml<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, CosError> {
    let (text, _) = screen(body)?;
    quick_xml::de::from_str(text).map_err(|e| {
        CosError::with_message(
            Code::MalformedXML,
            format!("{}: {e}", Code::MalformedXML.default_message()),
        )
    })
}

/// Checks that the root element is `root` (serde does not look at the root's name), after
/// [`screen`]; an empty or broken document is `MalformedXML` too.
pub fn check_root(body: &[u8], root: &str) -> Result<(), CosError> {
    let (_, found) = screen(body)?;
    if found == root {
        Ok(())
    } else {
        Err(malformed(format!("the root element must be {root}")))
    }
}

/// An element name for a message: at most 64 characters of it.
fn shown_name(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.char_indices().nth(64) {
        Some((cut, _)) => format!("{}...", &name[..cut]),
        None => name.into_owned(),
    }
}

/// `MalformedXML` with COS's message and the problem in parentheses.
fn malformed(why: String) -> CosError {
    CosError::with_message(
        Code::MalformedXML,
        format!("{} ({why})", Code::MalformedXML.default_message()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Delete {
        #[serde(rename = "Object", default)]
        objects: Vec<Object>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Object {
        #[serde(rename = "Key")]
        key: String,
    }

    fn refused(body: &str) -> String {
        let err = from_xml::<Delete>(body.as_bytes()).unwrap_err();
        assert_eq!(err.code, Code::MalformedXML, "{body}");
        err.message
    }

    #[test]
    fn screen_refuses_characters_xml_forbids_raw_or_referenced() {
        for doc in [
            "<Delete><Object><Key>a\u{1}</Key></Object></Delete>",
            "<Delete><Object><Key>a&#1;</Key></Object></Delete>",
            "<Delete><Object><Key>a&#x1f;</Key></Object></Delete>",
            "<Delete><Object><Key>a&#xFFFF;</Key></Object></Delete>",
            "<Delete><Object><Key>a&#xD800;</Key></Object></Delete>",
            "<Delete a='&#2;'><Object><Key>a</Key></Object></Delete>",
        ] {
            let msg = refused(doc);
            assert!(msg.contains("XML 1.0 does not allow"), "{doc}: {msg}");
        }
        let ok: Delete =
            from_xml(b"<Delete><Object><Key>a&#13;&#x9;&#127;</Key></Object></Delete>").unwrap();
        assert_eq!(ok.objects[0].key, "a\r\t\u{7f}");
    }

    #[test]
    fn to_xml_output_is_well_formed_whatever_the_values() {
        #[derive(serde::Serialize)]
        struct Doc {
            #[serde(rename = "Key")]
            key: String,
        }
        let xml = to_xml(
            "Doc",
            &Doc {
                key: "a\0b\rc<".into(),
            },
        )
        .unwrap();
        assert!(xml.contains("<Key>a\u{fffd}b\rc&lt;</Key>"), "{xml}");
    }

    #[test]
    fn from_xml_plain_document_with_declaration_and_comment_parses() {
        let doc = "<?xml version='1.0' encoding='utf-8' ?>\n<!-- hi --><Delete>\
                   <Object><Key>a&amp;b</Key></Object><Object><Key><![CDATA[<c>]]></Key></Object></Delete>";
        let d: Delete = from_xml(doc.as_bytes()).unwrap();
        let keys: Vec<_> = d.objects.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["a&b", "<c>"]);
    }

    #[test]
    fn from_xml_doctype_inside_text_is_malformed_not_a_panic() {
        let msg = refused("<Delete><Object><Key>a<!DOCTYPE x>b</Key></Object></Delete>");
        assert!(msg.contains("DOCTYPE"), "{msg}");
    }

    #[test]
    fn from_xml_doctype_with_entities_is_malformed() {
        let msg = refused(
            "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e 'x'>]><Delete><Object><Key>&e;</Key></Object></Delete>",
        );
        assert!(msg.contains("DOCTYPE"), "{msg}");
    }

    #[test]
    fn from_xml_processing_instruction_is_malformed() {
        let msg = refused("<Delete><?php x ?><Object><Key>a</Key></Object></Delete>");
        assert!(msg.contains("processing instruction"), "{msg}");
    }

    #[test]
    fn from_xml_late_or_second_declaration_is_malformed() {
        let msg = refused("<Delete><?xml version='1.0'?></Delete>");
        assert!(msg.contains("declaration"), "{msg}");
        refused("<?xml version='1.0'?><?xml version='1.0'?><Delete/>");
        refused("<Delete/><?xml version='1.0'?>");
    }

    #[test]
    fn from_xml_declaration_after_whitespace_or_bom_parses() {
        assert!(from_xml::<Delete>(b"\n  <?xml version='1.0'?>\n<Delete/>").is_ok());
        assert!(from_xml::<Delete>("\u{feff}<?xml version='1.0'?><Delete/>".as_bytes()).is_ok());
    }

    #[test]
    fn from_xml_second_root_is_malformed() {
        let msg = refused("<Delete/><Delete/>");
        assert!(msg.contains("root"), "{msg}");
    }

    #[test]
    fn from_xml_attribute_bomb_is_malformed_naming_the_element() {
        let mut doc = String::from("<Delete");
        for i in 0..100_000 {
            doc.push_str(&format!(" a{i}='1'"));
        }
        doc.push_str("/>");
        assert!(doc.len() > 1_000_000);
        let msg = refused(&doc);
        assert!(msg.contains("attributes on element Delete"), "{msg}");
    }

    #[test]
    fn from_xml_attribute_bomb_on_a_long_name_shows_only_its_start() {
        let name = "N".repeat(10_000);
        let attrs: String = (0..20).map(|i| format!(" a{i}='1'")).collect();
        let msg = refused(&format!("<{name}{attrs}/>"));
        assert!(
            msg.contains(&format!("element {}...", "N".repeat(64))),
            "{msg}"
        );
        assert!(msg.len() < 300, "{}", msg.len());
    }

    #[test]
    fn from_xml_attributes_up_to_the_bound_parse_and_duplicates_are_malformed() {
        let attrs: String = (0..bounds::MAX_ATTRIBUTES)
            .map(|i| format!(" a{i}='1'"))
            .collect();
        assert!(from_xml::<Delete>(format!("<Delete{attrs}/>").as_bytes()).is_ok());
        refused(&format!("<Delete{attrs} z='1'/>"));
        refused("<Delete a='1' a='2'/>");
    }

    #[test]
    fn from_xml_nesting_past_the_bound_is_malformed() {
        let deep = |n: usize| format!("<Delete>{}{}</Delete>", "<x>".repeat(n), "</x>".repeat(n));
        assert!(from_xml::<Delete>(deep(bounds::MAX_DEPTH - 1).as_bytes()).is_ok());
        let msg = refused(&deep(bounds::MAX_DEPTH));
        assert!(msg.contains("nested deeper"), "{msg}");
    }

    #[test]
    fn from_xml_too_many_elements_is_malformed() {
        let doc = format!("<Delete>{}</Delete>", "<x/>".repeat(bounds::MAX_ELEMENTS));
        let msg = refused(&doc);
        assert!(msg.contains("elements"), "{msg}");
    }

    #[test]
    fn from_xml_broken_empty_and_non_utf8_bodies_are_malformed() {
        for body in [
            "",
            "   ",
            "<Delete>",
            "<Delete></Other>",
            "<Delete a=1/>",
            "text",
        ] {
            refused(body);
        }
        let err = from_xml::<Delete>(b"<Delete>\xff</Delete>").unwrap_err();
        assert_eq!(err.code, Code::MalformedXML);
    }

    #[test]
    fn check_root_names_the_expected_root() {
        assert!(check_root(b"<?xml version='1.0'?><Tagging/>", "Tagging").is_ok());
        let err = check_root(b"<Other/>", "Tagging").unwrap_err();
        assert!(err.message.contains("must be Tagging"), "{}", err.message);
        let err = check_root(b"<!DOCTYPE x><Tagging/>", "Tagging").unwrap_err();
        assert!(err.message.contains("DOCTYPE"), "{}", err.message);
    }
}
