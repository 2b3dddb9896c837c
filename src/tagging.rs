//! Tags of objects and buckets: the `Tagging` document of PUT/GET `?tagging`, the `x-cos-tagging`
//! header (`k1=v1&k2=v2`, percent-encoded), and COS's limits. Pure: no store, no HTTP types.
//!
//! Limits (COS "Object Tag Overview", 436/35665; where COS documents none, the choice is ours):
//! - at most 10 tags on an object, 50 on a bucket;
//! - a key of 1..=127 characters, a value of 0..=255 characters (the overview says 1–127 and 1–255;
//!   the PUT Object tagging reference says key "not empty, under 128 bytes", value "under 256 bytes"
//!   and nothing against an empty value, so an empty value is accepted and lengths count characters);
//! - keys and values hold only letters (any script), digits, spaces and `+ - = . _ : / @`;
//! - keys are unique (case-sensitive);
//! - keys starting with `qcs:` are reserved (Tencent Cloud's own tags), on buckets also `project`
//!   and `项目` (Tencent Cloud's tag rules);
//!
//! each violation is 400 `InvalidTag` (COS lists the code; its messages are unknown). A document that
//! is not well-formed, has another root or no `TagSet`, or a `Tag` without `Key` or `Value` is 400
//! `MalformedXML`. The header is percent-decoded only (`+` stays `+`, as `+` is a tag character); a
//! piece without `=` or not UTF-8 after decoding is `InvalidTag`.

use serde::{Deserialize, Serialize};

use crate::error::{Code, CosError};

/// Tags in the order they were set.
pub type Tags = Vec<(String, String)>;

/// What the tags are on: the limits differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Object,
    Bucket,
}

impl Scope {
    /// The most tags one object or bucket may carry.
    pub fn max_tags(self) -> usize {
        match self {
            Scope::Object => MAX_OBJECT_TAGS,
            Scope::Bucket => MAX_BUCKET_TAGS,
        }
    }

    fn reserved_prefixes(self) -> &'static [&'static str] {
        match self {
            Scope::Object => &["qcs:"],
            Scope::Bucket => &["qcs:", "project", "项目"],
        }
    }
}

pub const MAX_OBJECT_TAGS: usize = 10;
pub const MAX_BUCKET_TAGS: usize = 50;
pub const MAX_KEY_CHARS: usize = 127;
pub const MAX_VALUE_CHARS: usize = 255;
/// Special characters allowed besides letters, digits and spaces.
const SPECIAL: &str = "+-=._:/@";

/// The wire shape of `?tagging` bodies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Tagging {
    #[serde(rename = "TagSet")]
    tag_set: TagSet,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct TagSet {
    #[serde(rename = "Tag", default)]
    tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Tag {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value")]
    value: String,
}

fn invalid(message: String) -> CosError {
    CosError::with_message(Code::InvalidTag, message)
}

/// Parses and validates a PUT `?tagging` body.
pub fn from_xml(body: &[u8], scope: Scope) -> Result<Tags, CosError> {
    crate::xml::check_root(body, "Tagging")?;
    let doc: Tagging = crate::xml::from_xml(body)?;
    let tags: Tags = doc
        .tag_set
        .tags
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate(&tags, scope)?;
    Ok(tags)
}

/// Renders GET `?tagging` (an empty `TagSet` when there are none).
pub fn to_xml(tags: &[(String, String)]) -> Result<String, CosError> {
    let doc = Tagging {
        tag_set: TagSet {
            tags: tags
                .iter()
                .map(|(key, value)| Tag {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
        },
    };
    crate::xml::to_xml("Tagging", &doc)
}

/// Parses and validates an `x-cos-tagging` header.
pub fn from_header(value: &str) -> Result<Tags, CosError> {
    let mut tags = Tags::new();
    for piece in value.split('&').filter(|p| !p.is_empty()) {
        let Some((k, v)) = piece.split_once('=') else {
            return Err(invalid(format!(
                "x-cos-tagging: {piece:?} is not key=value."
            )));
        };
        let decode = |s: &str| {
            crate::wire::decode_path(s)
                .ok_or_else(|| invalid(format!("x-cos-tagging: {s:?} is not UTF-8.")))
        };
        tags.push((decode(k)?, decode(v)?));
    }
    validate(&tags, Scope::Object)?;
    Ok(tags)
}

/// Checks COS's limits (see the module comment).
pub fn validate(tags: &[(String, String)], scope: Scope) -> Result<(), CosError> {
    if tags.len() > scope.max_tags() {
        return Err(invalid(format!(
            "At most {} tags are allowed, got {}.",
            scope.max_tags(),
            tags.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for (key, value) in tags {
        check_text("key", key, 1, MAX_KEY_CHARS)?;
        check_text("value", value, 0, MAX_VALUE_CHARS)?;
        if let Some(p) = scope
            .reserved_prefixes()
            .iter()
            .find(|p| key.to_lowercase().starts_with(*p))
        {
            return Err(invalid(format!(
                "The tag key {key:?} uses the reserved prefix {p:?}."
            )));
        }
        if !seen.insert(key.as_str()) {
            return Err(invalid(format!("The tag key {key:?} is given twice.")));
        }
    }
    Ok(())
}

fn check_text(what: &str, text: &str, min: usize, max: usize) -> Result<(), CosError> {
    let n = text.chars().count();
    if n < min || n > max {
        return Err(invalid(format!(
            "A tag {what} must have {min} to {max} characters, {text:?} has {n}."
        )));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == ' ' || SPECIAL.contains(*c)))
    {
        return Err(invalid(format!(
            "The tag {what} {text:?} holds {c:?}: only letters, digits, spaces and {SPECIAL} are allowed."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC_SAMPLE: &str = "<Tagging><TagSet><Tag><Key>age</Key><Value>18</Value></Tag>\
        <Tag><Key>name</Key><Value>xiaoming</Value></Tag></TagSet></Tagging>";

    fn pairs(p: &[(&str, &str)]) -> Tags {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tagging_doc_sample_round_trips() {
        let tags = from_xml(DOC_SAMPLE.as_bytes(), Scope::Object).unwrap();
        assert_eq!(tags, pairs(&[("age", "18"), ("name", "xiaoming")]));
        let xml = to_xml(&tags).unwrap();
        assert_eq!(from_xml(xml.as_bytes(), Scope::Object).unwrap(), tags);
        let empty = to_xml(&[]).unwrap();
        assert!(empty.contains("<TagSet"), "{empty}");
        assert_eq!(
            from_xml(empty.as_bytes(), Scope::Object).unwrap(),
            Tags::new()
        );
    }

    #[test]
    fn tagging_malformed_documents_are_malformed_xml() {
        for body in [
            "",
            "<Tagging>",
            "<Tags><TagSet/></Tags>",
            "<Tagging></Tagging>",
            "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>",
            "<Tagging><TagSet><Tag><Value>a</Value></Tag></TagSet></Tagging>",
        ] {
            let err = from_xml(body.as_bytes(), Scope::Object).unwrap_err();
            assert_eq!(err.code, Code::MalformedXML, "{body}");
        }
    }

    #[test]
    fn tagging_limits_are_invalid_tag() {
        let many = |n: usize| -> Tags { (0..n).map(|i| (format!("k{i}"), "v".into())).collect() };
        assert!(validate(&many(10), Scope::Object).is_ok());
        assert!(validate(&many(50), Scope::Bucket).is_ok());
        let long_key = "k".repeat(128);
        let long_value = "v".repeat(256);
        let cases: Vec<(Tags, Scope)> = vec![
            (many(11), Scope::Object),
            (many(51), Scope::Bucket),
            (pairs(&[(&long_key, "v")]), Scope::Object),
            (pairs(&[("k", &long_value)]), Scope::Object),
            (pairs(&[("", "v")]), Scope::Object),
            (pairs(&[("a*b", "v")]), Scope::Object),
            (pairs(&[("k", "a<b")]), Scope::Object),
            (pairs(&[("k", "v"), ("k", "w")]), Scope::Object),
            (pairs(&[("qcs:x", "v")]), Scope::Object),
            (pairs(&[("QCS:x", "v")]), Scope::Bucket),
            (pairs(&[("project", "v")]), Scope::Bucket),
        ];
        for (tags, scope) in cases {
            assert_eq!(
                validate(&tags, scope).unwrap_err().code,
                Code::InvalidTag,
                "{tags:?}"
            );
        }
        let edge = pairs(&[(&"k".repeat(127), &"v".repeat(255))]);
        assert!(validate(&edge, Scope::Object).is_ok());
        let special = pairs(&[("a+b-c=d.e_f:g/h@i j", "标签值"), ("K", "k")]);
        assert!(validate(&special, Scope::Object).is_ok());
        assert!(validate(&pairs(&[("project", "v")]), Scope::Object).is_ok());
        assert!(validate(&pairs(&[("k", "")]), Scope::Object).is_ok());
    }

    #[test]
    fn tagging_header_is_percent_decoded() {
        assert_eq!(
            from_header("k1=v1&k%202=v%2F2&a+b=c").unwrap(),
            pairs(&[("k1", "v1"), ("k 2", "v/2"), ("a+b", "c")])
        );
        assert_eq!(from_header("").unwrap(), Tags::new());
        for bad in ["k1", "k=v&k=w", "k=%FF", "k=a*"] {
            assert_eq!(
                from_header(bad).unwrap_err().code,
                Code::InvalidTag,
                "{bad}"
            );
        }
    }
}
