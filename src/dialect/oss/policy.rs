//! OSS bucket policies and RAM policies (oss.md §6, cos-api.md §8.1): JSON → typed model, with errors
//! that name the JSON path and the rule broken, e.g. `Statement[0].Action[1]: unknown action "oss:FlyObject"`.
//!
//! The caller answers 400 `InvalidPolicyDocument` with the message. Keys are PascalCase and matched
//! exactly; `Action`, `Principal` and `Resource` take a string or a list.

use std::fmt;
use std::net::IpAddr;

use serde_json::{Map, Value};

use super::actions;

/// Decides whether `Principal` is required (bucket policy) or forbidden (RAM policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// A bucket policy: every statement names its principals.
    Bucket,
    /// A RAM user's policy: no `Principal`; a bare `*` is also accepted as Action and Resource.
    Ram,
}

impl PolicyKind {
    /// The largest accepted document in bytes: 16 KiB for bucket policies, 6144 for RAM policies.
    pub fn max_bytes(self) -> usize {
        match self {
            PolicyKind::Bucket => 16 * 1024,
            PolicyKind::Ram => 6144,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A validated policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub effect: Effect,
    /// As written: `oss:*`, `oss:<Name>` or an `oss:` pattern (and `*` in RAM policies).
    pub actions: Vec<String>,
    /// Account or RAM-user uids, or `*`; `None` in RAM policies.
    pub principals: Option<Vec<String>>,
    /// `acs:oss:<region>:<uid>:<bucket>[/<object>]` patterns (and `*` in RAM policies).
    pub resources: Vec<String>,
    /// All must hold for the statement to apply.
    pub conditions: Vec<Condition>,
}

/// One `"Operator": {"key": [values]}` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: Operator,
    /// As written (`acs:SourceIp`); compared case-insensitively.
    pub key: String,
    /// Scalars as text (`true`, `10`).
    pub values: Vec<String>,
}

/// The condition operators of Alibaba Cloud RAM ("Policy elements: Condition"), in PascalCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    IpAddress,
    NotIpAddress,
}

impl Operator {
    /// Every operator with its name.
    pub const ALL: [(&'static str, Operator); 21] = [
        ("StringEquals", Operator::StringEquals),
        ("StringNotEquals", Operator::StringNotEquals),
        ("StringEqualsIgnoreCase", Operator::StringEqualsIgnoreCase),
        (
            "StringNotEqualsIgnoreCase",
            Operator::StringNotEqualsIgnoreCase,
        ),
        ("StringLike", Operator::StringLike),
        ("StringNotLike", Operator::StringNotLike),
        ("NumericEquals", Operator::NumericEquals),
        ("NumericNotEquals", Operator::NumericNotEquals),
        ("NumericLessThan", Operator::NumericLessThan),
        ("NumericLessThanEquals", Operator::NumericLessThanEquals),
        ("NumericGreaterThan", Operator::NumericGreaterThan),
        (
            "NumericGreaterThanEquals",
            Operator::NumericGreaterThanEquals,
        ),
        ("DateEquals", Operator::DateEquals),
        ("DateNotEquals", Operator::DateNotEquals),
        ("DateLessThan", Operator::DateLessThan),
        ("DateLessThanEquals", Operator::DateLessThanEquals),
        ("DateGreaterThan", Operator::DateGreaterThan),
        ("DateGreaterThanEquals", Operator::DateGreaterThanEquals),
        ("Bool", Operator::Bool),
        ("IpAddress", Operator::IpAddress),
        ("NotIpAddress", Operator::NotIpAddress),
    ];

    /// The operator named exactly `name`.
    pub fn parse(name: &str) -> Option<Operator> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
    }

    /// Its PascalCase name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, o)| *o == self)
            .map_or("", |(n, _)| n)
    }
}

/// A validation failure: where (`Statement[0].Action[1]`, empty for the document) and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub path: String,
    pub rule: String,
}

impl PolicyError {
    fn new(path: &str, rule: impl Into<String>) -> Self {
        PolicyError {
            path: path.to_string(),
            rule: rule.into(),
        }
    }
}

impl PolicyError {
    /// Not JSON, or a key given twice in one object (strict, as COS/CAM parse: a duplicate is
    /// refused, never "last one wins"); a duplicate's path is as the document spells it.
    fn from_json(e: crate::json::JsonError) -> Self {
        match e {
            crate::json::JsonError::Duplicate { at, key } => {
                PolicyError::new(&at, format!("duplicate key \"{key}\""))
            }
            crate::json::JsonError::Syntax(e) => {
                PolicyError::new("", format!("not valid JSON: {e}"))
            }
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.rule)
        } else {
            write!(f, "{}: {}", self.path, self.rule)
        }
    }
}

impl std::error::Error for PolicyError {}

/// Parses and validates a request body (size, JSON, grammar).
pub fn parse(body: &[u8], kind: PolicyKind) -> Result<Policy, PolicyError> {
    if body.len() > kind.max_bytes() {
        let rule = format!(
            "{} bytes exceeds the limit of {}",
            body.len(),
            kind.max_bytes()
        );
        return Err(PolicyError::new("", rule));
    }
    let value: Value = crate::json::parse(body).map_err(PolicyError::from_json)?;
    parse_value(&value, kind)
}

/// Validates an already-parsed document (e.g. one embedded in the config file).
pub fn parse_value(value: &Value, kind: PolicyKind) -> Result<Policy, PolicyError> {
    let top = object(value, "")?;
    only_keys(top, "", &["Version", "Statement"])?;
    match top.get("Version") {
        None => return Err(PolicyError::new("Version", "missing")),
        Some(Value::String(v)) if v == "1" => {}
        Some(Value::String(v)) => {
            return Err(PolicyError::new(
                "Version",
                format!("must be \"1\", got {v:?}"),
            ))
        }
        Some(other) => {
            let rule = format!("must be the string \"1\", got {}", describe(other));
            return Err(PolicyError::new("Version", rule));
        }
    }
    let statements = match top.get("Statement") {
        None => return Err(PolicyError::new("Statement", "missing")),
        Some(Value::Array(list)) if list.is_empty() => {
            return Err(PolicyError::new("Statement", "must not be empty"))
        }
        Some(Value::Array(list)) => list,
        Some(other) => {
            let rule = format!("must be a list, got {}", describe(other));
            return Err(PolicyError::new("Statement", rule));
        }
    };
    let statements = statements
        .iter()
        .enumerate()
        .map(|(i, s)| statement(s, &format!("Statement[{i}]"), kind))
        .collect::<Result<_, _>>()?;
    Ok(Policy { statements })
}

fn statement(value: &Value, path: &str, kind: PolicyKind) -> Result<Statement, PolicyError> {
    let map = object(value, path)?;
    only_keys(
        map,
        path,
        &[
            "Sid",
            "Effect",
            "Action",
            "Principal",
            "Resource",
            "Condition",
        ],
    )?;
    let at = |key: &str| format!("{path}.{key}");
    let effect = match map.get("Effect") {
        None => return Err(PolicyError::new(&at("Effect"), "missing")),
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            let rule = format!("must be \"Allow\" or \"Deny\", got {}", describe(other));
            return Err(PolicyError::new(&at("Effect"), rule));
        }
    };
    let actions = string_list(map.get("Action"), &at("Action"), |a| action(a, kind))?;
    let resources = string_list(map.get("Resource"), &at("Resource"), |r| resource(r, kind))?;
    let principals = match (kind, map.get("Principal")) {
        (PolicyKind::Bucket, p) => Some(string_list(p, &at("Principal"), principal)?),
        (PolicyKind::Ram, None) => None,
        (PolicyKind::Ram, Some(_)) => {
            return Err(PolicyError::new(
                &at("Principal"),
                "not allowed in a RAM policy",
            ))
        }
    };
    let conditions = match map.get("Condition") {
        None => Vec::new(),
        Some(c) => conditions(c, &at("Condition"))?,
    };
    Ok(Statement {
        effect,
        actions,
        principals,
        resources,
        conditions,
    })
}

/// A string or a non-empty list of strings, each checked by `check` (which returns the rule broken).
fn string_list(
    value: Option<&Value>,
    path: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Vec<String>, PolicyError> {
    let one = |v: &Value, path: &str| match v {
        Value::String(s) => check(s)
            .map(|()| s.clone())
            .map_err(|rule| PolicyError::new(path, rule)),
        other => Err(PolicyError::new(
            path,
            format!("must be a string, got {}", describe(other)),
        )),
    };
    match value {
        None => Err(PolicyError::new(path, "missing")),
        Some(Value::Array(list)) if list.is_empty() => {
            Err(PolicyError::new(path, "must not be empty"))
        }
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| one(v, &format!("{path}[{i}]")))
            .collect(),
        Some(v) => Ok(vec![one(v, path)?]),
    }
}

fn action(a: &str, kind: PolicyKind) -> Result<(), String> {
    if a == "*" && kind == PolicyKind::Ram {
        return Ok(());
    }
    let name = match a.split_once(':') {
        Some((product, name)) if product.eq_ignore_ascii_case("oss") => name,
        _ => return Err(format!("{a:?} is not an oss: action")),
    };
    let pattern_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?');
    if (name.contains('*') && pattern_chars) || actions::known(name).is_some() {
        return Ok(());
    }
    Err(format!("unknown action {a:?}"))
}

/// `acs:oss:<region>:<uid>:<bucket>[/<object>]`, `*` allowed in every field.
fn resource(r: &str, kind: PolicyKind) -> Result<(), String> {
    if r == "*" && kind == PolicyKind::Ram {
        return Ok(());
    }
    let bad = || format!("{r:?} is not acs:oss:<region>:<uid>:<bucket>[/<object>]");
    let fields: Vec<&str> = r.splitn(5, ':').collect();
    let [acs, oss, region, uid, path] = fields.as_slice() else {
        return Err(bad());
    };
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'*');
    let uid_ok = !uid.is_empty() && uid.bytes().all(|b| b.is_ascii_digit() || b == b'*');
    let bucket = path.split('/').next().unwrap_or("");
    let bucket_ok = !bucket.is_empty()
        && bucket.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'*' || b == b'?'
        });
    if *acs != "acs" || *oss != "oss" || !region_ok || !uid_ok || !bucket_ok {
        return Err(bad());
    }
    Ok(())
}

/// A uid (decimal digits) or `*`.
fn principal(p: &str) -> Result<(), String> {
    if p == "*" || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        return Ok(());
    }
    Err(format!("{p:?} is not an account or RAM user uid, or \"*\""))
}

fn conditions(value: &Value, path: &str) -> Result<Vec<Condition>, PolicyError> {
    let mut out = Vec::new();
    for (op_name, keys) in object(value, path)? {
        let op_path = format!("{path}.{op_name}");
        let operator = Operator::parse(op_name).ok_or_else(|| {
            PolicyError::new(path, format!("unknown condition operator {op_name:?}"))
        })?;
        let keys = object(keys, &op_path)?;
        if keys.is_empty() {
            return Err(PolicyError::new(&op_path, "must name at least one key"));
        }
        for (key, values) in keys {
            let key_path = format!("{op_path}.{key}");
            if key.is_empty() {
                return Err(PolicyError::new(&op_path, "empty condition key"));
            }
            let values = condition_values(values, &key_path, operator)?;
            out.push(Condition {
                operator,
                key: key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

fn condition_values(
    value: &Value,
    path: &str,
    operator: Operator,
) -> Result<Vec<String>, PolicyError> {
    let one = |v: &Value, path: &str| -> Result<String, PolicyError> {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            other => {
                let rule = format!(
                    "must be a string, number or boolean, got {}",
                    describe(other)
                );
                return Err(PolicyError::new(path, rule));
            }
        };
        check_condition_value(operator, &text).map_err(|rule| PolicyError::new(path, rule))?;
        Ok(text)
    };
    match value {
        Value::Array(list) if list.is_empty() => Err(PolicyError::new(path, "must not be empty")),
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, v)| one(v, &format!("{path}[{i}]")))
            .collect(),
        v => Ok(vec![one(v, path)?]),
    }
}

fn check_condition_value(operator: Operator, text: &str) -> Result<(), String> {
    use Operator::*;
    let ok = match operator {
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => text.parse::<f64>().is_ok(),
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => looks_like_iso8601(text),
        Bool => text == "true" || text == "false",
        IpAddress | NotIpAddress => parse_cidr(text).is_some(),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(format!(
        "{text:?} is not a valid value for {}",
        operator.name()
    ))
}

/// `yyyy-mm-ddThh:mm:ss` followed by `Z` or an offset (fractional seconds allowed).
fn looks_like_iso8601(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|p| p.iter().all(u8::is_ascii_digit));
    b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
}

/// An address and prefix length: `1.2.3.0/24`, `::1/128`, or a plain address (full length).
pub fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => l.parse().ok()?,
        Some(_) => return None,
        None => max,
    };
    (len <= max).then_some((ip, len))
}

fn object<'v>(value: &'v Value, path: &str) -> Result<&'v Map<String, Value>, PolicyError> {
    value.as_object().ok_or_else(|| {
        PolicyError::new(
            path,
            format!("must be a JSON object, got {}", describe(value)),
        )
    })
}

fn only_keys(map: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), PolicyError> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let rule = format!(
                "unknown field {k:?} (expected one of {})",
                allowed.join(", ")
            );
            Err(PolicyError::new(path, rule))
        }
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// oss.md §6's seed document: Alibaba Cloud's PutBucketPolicy example.
    const SEED: &str = r#"{"Version":"1","Statement":[{"Action":["oss:PutObject","oss:GetObject"],"Effect":"Deny","Principal":["1234567890"],"Resource":["acs:oss:*:1234567890:*/*"]}]}"#;

    /// cos-api.md §8.1's grammar example, made concrete.
    const GRAMMAR_EXAMPLE: &str = r#"{"Version":"1",
        "Statement":[{"Effect":"Allow",
                      "Action":["oss:GetObject","oss:PutObject","oss:*"],
                      "Principal":["1234567890","*"],
                      "Resource":["acs:oss:*:1234567890:examplebucket/*", "acs:oss:*:1234567890:examplebucket"],
                      "Condition":{"IpAddress":{"acs:SourceIp":["1.2.3.0/24"]},
                                   "StringLike":{"oss:Prefix":["dir/*"]},
                                   "Bool":{"acs:SecureTransport":["true"]}}}]}"#;

    /// oss.md §1's RAM policy of user 2000000000000012.
    const RAM_EXAMPLE: &str = r#"{ "Version": "1", "Statement": [ { "Effect": "Allow", "Action": ["oss:PutObject", "oss:GetObject"],
        "Resource": ["acs:oss:*:1000000000000001:oss-conf-examplebucket/u12/*"] } ] }"#;

    fn bucket_err(doc: &str) -> String {
        parse(doc.as_bytes(), PolicyKind::Bucket)
            .unwrap_err()
            .to_string()
    }

    /// The seed with `from` replaced by `to`, as a bucket policy: the error message.
    fn seed_err(from: &str, to: &str) -> String {
        assert!(SEED.contains(from), "{from}");
        bucket_err(&SEED.replace(from, to))
    }

    #[test]
    fn parse_seed_document_accepted() {
        let p = parse(SEED.as_bytes(), PolicyKind::Bucket).unwrap();
        assert_eq!(
            p.statements,
            [Statement {
                effect: Effect::Deny,
                actions: vec!["oss:PutObject".into(), "oss:GetObject".into()],
                principals: Some(vec!["1234567890".into()]),
                resources: vec!["acs:oss:*:1234567890:*/*".into()],
                conditions: vec![],
            }]
        );
    }

    #[test]
    fn parse_grammar_example_accepted() {
        let p = parse(GRAMMAR_EXAMPLE.as_bytes(), PolicyKind::Bucket).unwrap();
        let s = &p.statements[0];
        assert_eq!(s.principals.as_deref().unwrap(), ["1234567890", "*"]);
        assert_eq!(
            s.conditions,
            [
                Condition {
                    operator: Operator::IpAddress,
                    key: "acs:SourceIp".into(),
                    values: vec!["1.2.3.0/24".into()]
                },
                Condition {
                    operator: Operator::StringLike,
                    key: "oss:Prefix".into(),
                    values: vec!["dir/*".into()]
                },
                Condition {
                    operator: Operator::Bool,
                    key: "acs:SecureTransport".into(),
                    values: vec!["true".into()]
                },
            ]
        );
    }

    #[test]
    fn parse_ram_example_accepted_without_principal() {
        let p = parse(RAM_EXAMPLE.as_bytes(), PolicyKind::Ram).unwrap();
        assert_eq!(p.statements[0].principals, None);
        let admin =
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        assert!(parse(admin.as_bytes(), PolicyKind::Ram).is_ok());
        assert_eq!(
            bucket_err(admin),
            "Statement[0].Action: \"*\" is not an oss: action"
        );
    }

    #[test]
    fn parse_strings_accepted_for_lists() {
        let doc = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:Get*","Principal":"*","Resource":"acs:oss:cn-hangzhou:*:b/doc/*"}]}"#;
        let p = parse(doc.as_bytes(), PolicyKind::Bucket).unwrap();
        assert_eq!(p.statements[0].actions, ["oss:Get*"]);
        assert_eq!(p.statements[0].principals.as_deref().unwrap(), ["*"]);
    }

    #[test]
    fn parse_duplicate_key_rejected_naming_it() {
        let doc = r#"{"Version":"1","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"oss:GetObject","Principal":"*","Resource":"acs:oss:*:*:b/*"}]}"#;
        assert_eq!(bucket_err(doc), r#"Statement[0]: duplicate key "Effect""#);
        let err = parse(doc.as_bytes(), PolicyKind::Ram).unwrap_err();
        assert_eq!(err.to_string(), r#"Statement[0]: duplicate key "Effect""#);
    }

    #[test]
    fn parse_not_json_rejected() {
        assert!(bucket_err("{Version: 1}").starts_with("not valid JSON: "));
        assert_eq!(bucket_err("[]"), "must be a JSON object, got a list");
    }

    #[test]
    fn parse_too_large_rejected() {
        let big = format!("{{\"Version\":\"1\",\"x\":\"{}\"}}", "a".repeat(16 * 1024));
        assert!(bucket_err(&big).ends_with("exceeds the limit of 16384"));
    }

    #[test]
    fn version_missing_number_or_other_rejected() {
        assert_eq!(seed_err("\"Version\":\"1\",", ""), "Version: missing");
        assert_eq!(
            seed_err("\"Version\":\"1\"", "\"Version\":1"),
            "Version: must be the string \"1\", got the number 1"
        );
        assert_eq!(
            seed_err("\"Version\":\"1\"", "\"Version\":\"2\""),
            "Version: must be \"1\", got \"2\""
        );
    }

    #[test]
    fn statement_missing_empty_or_not_list_rejected() {
        assert_eq!(bucket_err(r#"{"Version":"1"}"#), "Statement: missing");
        assert_eq!(
            bucket_err(r#"{"Version":"1","Statement":[]}"#),
            "Statement: must not be empty"
        );
        assert_eq!(
            bucket_err(r#"{"Version":"1","Statement":{}}"#),
            "Statement: must be a list, got an object"
        );
        assert_eq!(
            bucket_err(r#"{"Version":"1","Statement":["x"]}"#),
            "Statement[0]: must be a JSON object, got \"x\""
        );
    }

    #[test]
    fn unknown_fields_rejected() {
        assert_eq!(
            seed_err("\"Version\":\"1\"", "\"Version\":\"1\",\"Id\":\"x\""),
            "unknown field \"Id\" (expected one of Version, Statement)"
        );
        assert_eq!(
            seed_err("\"Effect\"", "\"NotAction\":\"oss:*\",\"Effect\""),
            "Statement[0]: unknown field \"NotAction\" (expected one of Sid, Effect, Action, Principal, Resource, Condition)"
        );
    }

    #[test]
    fn effect_other_than_allow_or_deny_rejected() {
        assert_eq!(
            seed_err("\"Deny\"", "\"deny\""),
            "Statement[0].Effect: must be \"Allow\" or \"Deny\", got \"deny\""
        );
        assert_eq!(
            seed_err("\"Effect\":\"Deny\",", ""),
            "Statement[0].Effect: missing"
        );
    }

    #[test]
    fn unknown_action_rejected_with_index() {
        assert_eq!(
            seed_err("\"oss:GetObject\"", "\"oss:FlyObject\""),
            "Statement[0].Action[1]: unknown action \"oss:FlyObject\""
        );
        assert_eq!(
            seed_err("\"oss:GetObject\"", "\"cos:GetObject\""),
            "Statement[0].Action[1]: \"cos:GetObject\" is not an oss: action"
        );
        assert_eq!(
            seed_err("\"oss:GetObject\"", "\"oss:Get-*\""),
            "Statement[0].Action[1]: unknown action \"oss:Get-*\""
        );
        assert_eq!(
            seed_err("[\"oss:PutObject\",\"oss:GetObject\"]", "[]"),
            "Statement[0].Action: must not be empty"
        );
        assert_eq!(
            seed_err("\"oss:GetObject\"", "7"),
            "Statement[0].Action[1]: must be a string, got the number 7"
        );
    }

    #[test]
    fn action_patterns_and_case_accepted() {
        for a in [
            "oss:*",
            "oss:Get*",
            "oss:*Object",
            "oss:getobject",
            "OSS:ListObjects",
        ] {
            assert!(action(a, PolicyKind::Bucket).is_ok(), "{a}");
        }
    }

    #[test]
    fn bad_resource_rejected() {
        assert_eq!(
            seed_err("acs:oss:*:1234567890:*/*", "arn:aws:s3:::b/*"),
            "Statement[0].Resource[0]: \"arn:aws:s3:::b/*\" is not acs:oss:<region>:<uid>:<bucket>[/<object>]"
        );
        for bad in [
            "acs:oss:*:1234567890",
            "acs:oss::1234567890:b",
            "acs:oss:*:uid:b",
            "acs:oss:*:1234567890:/k",
            "acs:ecs:*:1234567890:b",
            "*",
        ] {
            assert!(resource(bad, PolicyKind::Bucket).is_err(), "{bad}");
        }
        for good in [
            "acs:oss:*:*:*",
            "acs:oss:cn-hangzhou:1234567890:b",
            "acs:oss:*:1234567890:b/dir/a:b.txt",
            "acs:oss:oss-cn-*:12*:exam*/*",
        ] {
            assert!(resource(good, PolicyKind::Bucket).is_ok(), "{good}");
        }
    }

    #[test]
    fn principal_missing_bad_or_in_ram_policy_rejected() {
        assert_eq!(
            seed_err("\"Principal\":[\"1234567890\"],", ""),
            "Statement[0].Principal: missing"
        );
        assert_eq!(
            seed_err("\"1234567890\"]", "\"qcs::cam::uin/1\"]"),
            "Statement[0].Principal[0]: \"qcs::cam::uin/1\" is not an account or RAM user uid, or \"*\""
        );
        assert_eq!(
            seed_err("[\"1234567890\"]", "{\"RAM\":[\"1\"]}"),
            "Statement[0].Principal: must be a string, got an object"
        );
        assert_eq!(
            parse(SEED.as_bytes(), PolicyKind::Ram)
                .unwrap_err()
                .to_string(),
            "Statement[0].Principal: not allowed in a RAM policy"
        );
    }

    fn with_condition(condition: &str) -> String {
        SEED.replace(
            "\"Effect\"",
            &format!("\"Condition\":{condition},\"Effect\""),
        )
    }

    #[test]
    fn unknown_condition_operator_rejected() {
        assert_eq!(
            bucket_err(&with_condition(r#"{"stringequals":{"oss:Prefix":"a"}}"#)),
            "Statement[0].Condition: unknown condition operator \"stringequals\""
        );
        assert_eq!(
            bucket_err(&with_condition(r#"{"StringEqual":{"oss:Prefix":"a"}}"#)),
            "Statement[0].Condition: unknown condition operator \"StringEqual\""
        );
    }

    #[test]
    fn bad_condition_shapes_and_values_rejected() {
        let cases = [
            (r#"[]"#, "Statement[0].Condition: must be a JSON object, got a list"),
            (r#"{"IpAddress":[]}"#, "Statement[0].Condition.IpAddress: must be a JSON object, got a list"),
            (r#"{"IpAddress":{}}"#, "Statement[0].Condition.IpAddress: must name at least one key"),
            (r#"{"IpAddress":{"acs:SourceIp":[]}}"#, "Statement[0].Condition.IpAddress.acs:SourceIp: must not be empty"),
            (
                r#"{"IpAddress":{"acs:SourceIp":["1.2.3.0/24","1.2.3.4/33"]}}"#,
                "Statement[0].Condition.IpAddress.acs:SourceIp[1]: \"1.2.3.4/33\" is not a valid value for IpAddress",
            ),
            (
                r#"{"NotIpAddress":{"acs:SourceIp":"localhost"}}"#,
                "Statement[0].Condition.NotIpAddress.acs:SourceIp: \"localhost\" is not a valid value for NotIpAddress",
            ),
            (
                r#"{"Bool":{"acs:SecureTransport":"yes"}}"#,
                "Statement[0].Condition.Bool.acs:SecureTransport: \"yes\" is not a valid value for Bool",
            ),
            (
                r#"{"NumericLessThan":{"oss:MaxKeys":"ten"}}"#,
                "Statement[0].Condition.NumericLessThan.oss:MaxKeys: \"ten\" is not a valid value for NumericLessThan",
            ),
            (
                r#"{"DateLessThan":{"acs:CurrentTime":"2026-11-30"}}"#,
                "Statement[0].Condition.DateLessThan.acs:CurrentTime: \"2026-11-30\" is not a valid value for DateLessThan",
            ),
            (
                r#"{"StringEquals":{"oss:Prefix":null}}"#,
                "Statement[0].Condition.StringEquals.oss:Prefix: must be a string, number or boolean, got null",
            ),
        ];
        for (condition, message) in cases {
            assert_eq!(
                bucket_err(&with_condition(condition)),
                message,
                "{condition}"
            );
        }
    }

    #[test]
    fn every_operator_with_a_fitting_value_accepted() {
        for (name, op) in Operator::ALL {
            let value = match op {
                Operator::Bool => "true",
                Operator::IpAddress | Operator::NotIpAddress => "10.0.0.0/8",
                _ if name.starts_with("Numeric") => "10",
                _ if name.starts_with("Date") => "2026-11-30T00:00:00Z",
                _ => "dir/*",
            };
            let doc = with_condition(&format!("{{\"{name}\":{{\"k\":[\"{value}\"]}}}}"));
            let p = parse(doc.as_bytes(), PolicyKind::Bucket).unwrap();
            assert_eq!(p.statements[0].conditions[0].operator, op);
            assert_eq!(op.name(), name);
        }
    }

    #[test]
    fn parse_cidr_forms() {
        assert_eq!(
            parse_cidr("127.0.0.1"),
            Some(("127.0.0.1".parse().unwrap(), 32))
        );
        assert_eq!(
            parse_cidr("10.0.0.0/8"),
            Some(("10.0.0.0".parse().unwrap(), 8))
        );
        assert_eq!(parse_cidr("::1"), Some(("::1".parse().unwrap(), 128)));
        for bad in [
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0/8",
            "::1/129",
            "1.2.3.4/+8",
        ] {
            assert_eq!(parse_cidr(bad), None, "{bad}");
        }
    }
}
