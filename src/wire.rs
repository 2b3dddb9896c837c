//! URL and form encoding on the wire: the one RFC 3986 encoder, the one form decoder and the one
//! query parser, used by addressing, signatures, STS, listings and form uploads alike; and the one
//! XML text escaper, which makes any text well-formed XML 1.0.

use percent_encoding::{percent_decode, percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Unreserved characters and `/` kept: how COS writes keys in `encoding-type=url` listings.
const NOT_UNRESERVED_OR_SLASH: &AsciiSet = &NOT_UNRESERVED.remove(b'/');

/// RFC 3986 encoding of UTF-8 text: `A-Za-z0-9-_.~` kept, the rest `%XX` (uppercase hex).
pub fn encode(s: &str) -> String {
    encode_bytes(s.as_bytes())
}

/// RFC 3986 encoding of raw bytes.
pub fn encode_bytes(bytes: &[u8]) -> String {
    percent_encode(bytes, NOT_UNRESERVED).to_string()
}

/// RFC 3986 encoding that keeps `/` (keys and prefixes of `encoding-type=url` answers).
pub fn encode_key(s: &str) -> String {
    percent_encode(s.as_bytes(), NOT_UNRESERVED_OR_SLASH).to_string()
}

/// Percent-decoding alone (paths: `+` stays `+`); `None` when the result is not UTF-8.
pub fn decode_path(s: &str) -> Option<String> {
    percent_decode(s.as_bytes())
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Percent-decoding alone; bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode_lossy(s: &str) -> String {
    percent_decode(s.as_bytes())
        .decode_utf8_lossy()
        .into_owned()
}

/// Form decoding to bytes: `+` is a space, then percent-decoding. No input can fail.
pub fn form_decode_bytes(s: &str) -> Vec<u8> {
    let plus_as_space: Vec<u8> = s
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&plus_as_space).collect()
}

/// The `(name, value)` pairs of a raw query or form body, form-decoded, in wire order; `acl` and
/// `acl=` both give an empty value; empty pieces (`a&&b`) are skipped.
pub fn query_pairs_bytes(raw: &str) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
    raw.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode_bytes(k), form_decode_bytes(v))
    })
}

/// [`query_pairs_bytes`] as text.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    query_pairs_bytes(raw)
        .map(|(k, v)| {
            (
                String::from_utf8_lossy(&k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect()
}

/// The first name given twice, exactly (`prefix=a&prefix=b`), if any.
pub fn repeated(pairs: &[(String, String)]) -> Option<&str> {
    pairs
        .iter()
        .enumerate()
        .find(|(i, (a, _))| pairs[i + 1..].iter().any(|(b, _)| a == b))
        .map(|(_, (a, _))| a.as_str())
}

/// The first two names that are the same but for ASCII letter case (`Prefix` and `prefix`), if any.
pub fn case_twins(pairs: &[(String, String)]) -> Option<(&str, &str)> {
    pairs.iter().enumerate().find_map(|(i, (a, _))| {
        pairs[i + 1..]
            .iter()
            .find(|(b, _)| a != b && a.eq_ignore_ascii_case(b))
            .map(|(b, _)| (a.as_str(), b.as_str()))
    })
}

/// Whether XML 1.0 can carry `c` (its `Char` production; surrogates cannot occur in a `str`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

/// The first character XML 1.0 cannot carry, with its position in characters.
pub fn unrepresentable(text: &str) -> Option<(usize, char)> {
    text.chars().enumerate().find(|(_, c)| !is_xml_char(*c))
}

/// Escapes text for an XML element or attribute value, so any text gives well-formed XML: markup
/// characters as entities, and a character XML 1.0 cannot carry at all (no key holds one: see
/// `request::check_path_chars`; a query value echoed back may) as U+FFFD. Tab, LF and CR go out
/// raw, as COS and S3 write them: the node SDK's parser does not decode `&#13;`, and a parser
/// that normalises line ends (python's expat) reads a raw CR as LF, as it would from COS; a key
/// with CR round-trips exactly through `encoding-type=url`.
pub fn xml_escape(text: &str) -> std::borrow::Cow<'_, str> {
    match quick_xml::escape::escape(text) {
        std::borrow::Cow::Borrowed(t) => xml_carry(t),
        std::borrow::Cow::Owned(t) => std::borrow::Cow::Owned(xml_carry(&t).into_owned()),
    }
}

/// `text` (markup already escaped) with what XML 1.0 cannot carry as U+FFFD; the rest as it is.
pub fn xml_carry(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if is_xml_char(c) { c } else { '\u{fffd}' })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_gives_well_formed_text_for_any_input() {
        assert_eq!(xml_escape("a<b>&'\"c"), "a&lt;b&gt;&amp;&apos;&quot;c");
        assert_eq!(xml_escape("plain/ключ"), "plain/ключ");
        assert!(matches!(xml_escape("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(xml_escape("t\tn\nr\r\u{7f}"), "t\tn\nr\r\u{7f}");
        assert_eq!(
            xml_escape("a\0b\u{1}c\u{1f}\u{fffe}<"),
            "a\u{fffd}b\u{fffd}c\u{fffd}\u{fffd}&lt;"
        );
    }

    #[test]
    fn unrepresentable_finds_the_first_character_xml_forbids() {
        assert_eq!(unrepresentable("ok\t\n\r\u{7f}\u{10000}"), None);
        assert_eq!(unrepresentable("ab\u{1}\0"), Some((2, '\u{1}')));
        assert_eq!(unrepresentable("é\u{ffff}"), Some((1, '\u{ffff}')));
        for c in (0u8..0x20).map(char::from) {
            assert_eq!(is_xml_char(c), matches!(c, '\t' | '\n' | '\r'), "{c:?}");
        }
    }

    #[test]
    fn encode_keeps_only_unreserved() {
        assert_eq!(encode("a b+c/d~e_f-g.h"), "a%20b%2Bc%2Fd~e_f-g.h");
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode_key("doc/a b"), "doc/a%20b");
    }

    #[test]
    fn form_decode_plus_is_space_and_bad_utf8_is_replaced() {
        assert_eq!(form_decode_bytes("a+b%2Bc"), b"a b+c");
        assert_eq!(parse_query("k=%ff")[0].1, "\u{fffd}");
        assert_eq!(form_decode_bytes("%ff%"), vec![0xff, b'%']);
    }

    #[test]
    fn decode_path_keeps_plus_and_rejects_bad_utf8() {
        assert_eq!(decode_path("/a+b%20c").as_deref(), Some("/a+b c"));
        assert_eq!(decode_path("/%ff"), None);
    }

    #[test]
    fn parse_query_decodes_and_keeps_valueless() {
        assert_eq!(
            parse_query("acl&policy=&&prefix=doc%2Fa+b%2B&x=1=2"),
            vec![
                ("acl".into(), "".into()),
                ("policy".into(), "".into()),
                ("prefix".into(), "doc/a b+".into()),
                ("x".into(), "1=2".into()),
            ]
        );
    }

    #[test]
    fn case_twins_found_only_for_different_spellings() {
        let q = parse_query("prefix=a&prefix=b&uploadId=1");
        assert_eq!(case_twins(&q), None);
        assert_eq!(repeated(&q), Some("prefix"));
        let q = parse_query("partnumber=1&uploadId=U&partNumber=9");
        assert_eq!(repeated(&q), None);
        assert_eq!(case_twins(&q), Some(("partnumber", "partNumber")));
        let q = parse_query("Prefix=public%2F&prefix=secret%2F");
        assert_eq!(case_twins(&q), Some(("Prefix", "prefix")));
    }
}
