//! Strict JSON for documents clients (and config files) send: a duplicate key in any object is
//! an error naming its path, instead of serde_json's silent "last one wins". COS and CAM parse
//! policies strictly, so `"effect":"deny","effect":"allow"` must not quietly become allow.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why a document was refused.
#[derive(Debug)]
pub enum JsonError {
    /// Not JSON at all (syntax, trailing characters, nesting past serde_json's limit).
    Syntax(serde_json::Error),
    /// `key` given twice in the object at `at` (a JSON path as the document spells it, such as
    /// `Statement[0]`; empty for the top-level object).
    Duplicate { at: String, key: String },
}

impl JsonError {
    /// For a duplicate, the full path of the key given twice (`Statement[0].Effect`).
    pub fn path(&self) -> Option<String> {
        match self {
            JsonError::Syntax(_) => None,
            JsonError::Duplicate { at, key } => Some(join(at, key)),
        }
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Syntax(e) => e.fmt(f),
            JsonError::Duplicate { at, key } => write!(f, "duplicate key {}", join(at, key)),
        }
    }
}

/// Parses `text` into a value, refusing a duplicate key at any depth.
pub fn parse(text: &[u8]) -> Result<Value, JsonError> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(text);
    let parsed = Strict {
        path: String::new(),
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|value| de.end().map(|()| value));
    match (parsed, duplicate.into_inner()) {
        (_, Some((at, key))) => Err(JsonError::Duplicate { at, key }),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(JsonError::Syntax(e)),
    }
}

/// Deserialises one value at `path`, noting the first duplicate key (and its object's path).
struct Strict<'a> {
    path: String,
    duplicate: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let item = Strict {
                path: format!("{}[{}]", self.path, items.len()),
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(item)? {
                Some(value) => items.push(value),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some((self.path, key));
                return Err(de::Error::custom("duplicate key"));
            }
            let value = map.next_value_seed(Strict {
                path: join(&self.path, &key),
                duplicate: self.duplicate,
            })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate(text: &str) -> String {
        match parse(text.as_bytes()) {
            Err(e @ JsonError::Duplicate { .. }) => e.path().unwrap(),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn parse_matches_serde_json_on_documents_without_duplicates() {
        for text in [
            r#"{"a":1,"b":[true,null,-2,3.5,"x"],"c":{"d":{}},"e":[]}"#,
            r#"  [1, {"a": "b"}, [[]]]  "#,
            r#""just a string""#,
            r#"{"big": 18446744073709551615, "neg": -9223372036854775808}"#,
            r#"{"esc": "\u00e9\n\"", "a":{"a":{"a":1}}}"#,
        ] {
            let strict = parse(text.as_bytes()).unwrap();
            let loose: Value = serde_json::from_str(text).unwrap();
            assert_eq!(strict, loose, "{text}");
        }
    }

    #[test]
    fn parse_keeps_key_order() {
        let v = parse(br#"{"z":1,"a":2,"m":3}"#).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn parse_duplicate_key_names_its_path_at_every_depth() {
        assert_eq!(duplicate(r#"{"a":1,"a":2}"#), "a");
        assert_eq!(
            duplicate(r#"{"statement":[{"effect":"deny","effect":"allow"}]}"#),
            "statement[0].effect"
        );
        assert_eq!(
            duplicate(r#"{"s":[{},{"c":{"x":{"k":1,"k":1}}}]}"#),
            "s[1].c.x.k"
        );
        assert_eq!(duplicate(r#"[[{"a":1}], [{"b":{},"b":{}}]]"#), "[1][0].b");
    }

    #[test]
    fn parse_same_key_in_sibling_objects_is_fine() {
        assert!(parse(br#"[{"a":1},{"a":2}]"#).is_ok());
        assert!(parse(br#"{"a":{"a":{"a":1}}}"#).is_ok());
    }

    #[test]
    fn parse_syntax_errors_and_trailing_text_are_syntax() {
        for text in ["", "{", r#"{"a":1}x"#, r#"{"a" 1}"#, "[1,]", "nul"] {
            assert!(
                matches!(parse(text.as_bytes()), Err(JsonError::Syntax(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn parse_nesting_past_the_recursion_limit_is_syntax_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(parse(deep.as_bytes()), Err(JsonError::Syntax(_))));
    }
}
