//! Parsing and validation of policy JSON into the typed model, with COS-style `MalformedPolicy`
//! errors that name the JSON path and the rule broken (spec §5.2, §5.3).
//!
//! Keys are matched case-insensitively (`Statement`, `statement`), `effect` values too; a string is
//! accepted wherever a list is; a top-level `principal` is copied into statements lacking one.

use super::actions;
use super::glob::glob;
use super::model::{
    BaseOp, Condition, Effect, Operator, Policy, Principal, PrincipalId, Statement,
};
use crate::error::{Code, CosError};
use serde_json::{Map, Value};
use std::fmt;

/// Which kind of policy is parsed; decides whether `principal` is required or forbidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// A bucket policy: every statement needs a principal (its own or the top-level one).
    Bucket,
    /// A CAM user policy: `principal` is not allowed.
    User,
    /// An STS session policy: no principal, except that the anyone principal (`*`,
    /// `qcs::cam::anyone:anyone`) is accepted and ignored, because node's `qcloud-cos-sts`
    /// `getPolicy()` writes `"principal": {"qcs": "*"}` into every statement it builds.
    Session,
}

/// A session policy's principal: only "anyone" is accepted, and it is dropped.
fn session_principal(v: &Value, path: &str) -> Result<Option<Principal>, PolicyError> {
    let p = parse_principal(v, path)?;
    if p.0
        .iter()
        .all(|id| matches!(id, PrincipalId::Everyone | PrincipalId::Anyone))
    {
        Ok(None)
    } else {
        Err(PolicyError::new(
            path,
            "not allowed in a session policy (only the anyone principal, which is ignored)",
        ))
    }
}

/// Size limits applied before parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest accepted document, in bytes.
    pub max_bytes: usize,
}

impl Limits {
    /// Bucket policies: COS publishes no limit (spec §5.3, unverified); 20 KiB, as AWS S3 uses.
    pub const BUCKET_MAX_BYTES: usize = 20 * 1024;
    /// CAM policies: 6144 characters (CAM limits doc 598/10609); counted here in bytes.
    pub const CAM_MAX_BYTES: usize = 6144;

    pub fn bucket() -> Limits {
        Limits {
            max_bytes: Self::BUCKET_MAX_BYTES,
        }
    }

    pub fn cam() -> Limits {
        Limits {
            max_bytes: Self::CAM_MAX_BYTES,
        }
    }
}

impl Default for Limits {
    /// The bucket-policy limit, 20 KiB.
    fn default() -> Self {
        Limits::bucket()
    }
}

/// A validation failure: where (a lower-case JSON path such as `statement[1].effect`, empty for the
/// document itself) and which rule.
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

    /// The message with the path placed under `prefix` (e.g. the policy's path in a config file).
    pub fn message_under(&self, prefix: &str) -> String {
        match (prefix.is_empty(), self.path.is_empty()) {
            (true, true) => format!("policy: {}", self.rule),
            (true, false) => format!("{}: {}", self.path, self.rule),
            (false, true) => format!("{prefix}: {}", self.rule),
            (false, false) => format!("{prefix}.{}: {}", self.path, self.rule),
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
        f.write_str(&self.message_under(""))
    }
}

impl std::error::Error for PolicyError {}

impl From<PolicyError> for CosError {
    fn from(e: PolicyError) -> Self {
        CosError::with_message(Code::MalformedPolicy, e.to_string())
    }
}

/// 400 `MalformedPolicy` for a document of `len` bytes over the limit of `max` (also answered, without
/// reading it, for a declared `Content-Length` over the limit).
pub fn too_large(len: usize, max: usize) -> CosError {
    PolicyError::new("", format!("{len} bytes exceeds the limit of {max} bytes")).into()
}

/// Parses and validates a policy document (the body of `PUT /?policy`, a session policy, ...).
pub fn parse(body: &[u8], kind: PolicyKind, limits: &Limits) -> Result<Policy, CosError> {
    if body.len() > limits.max_bytes {
        return Err(too_large(body.len(), limits.max_bytes));
    }
    let value: Value = crate::json::parse(body).map_err(PolicyError::from_json)?;
    Ok(parse_value(&value, kind)?)
}

/// Validates an already-parsed JSON value (e.g. a policy embedded in the config file).
pub fn parse_value(value: &Value, kind: PolicyKind) -> Result<Policy, PolicyError> {
    let top = value.as_object().ok_or_else(|| {
        PolicyError::new(
            "",
            format!("expected a JSON object, got {}", kind_of(value)),
        )
    })?;
    let f = fields(top, "", &["version", "principal", "statement"])?;
    let version = match f.get("version") {
        None => return Err(PolicyError::new("version", "missing (expected \"2.0\")")),
        Some(Value::String(s)) if s == "2.0" => s.clone(),
        Some(v) => {
            return Err(PolicyError::new(
                "version",
                format!("expected \"2.0\", got {}", show(v)),
            ))
        }
    };
    let top_principal = match f.get("principal") {
        None => None,
        Some(_) if kind == PolicyKind::User => return Err(not_allowed("principal")),
        Some(v) if kind == PolicyKind::Session => session_principal(v, "principal")?,
        Some(v) => Some(parse_principal(v, "principal")?),
    };
    let list = match f.get("statement") {
        None => return Err(PolicyError::new("statement", "missing")),
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(PolicyError::new(
                "statement",
                "empty list (at least one statement is needed)",
            ))
        }
        Some(Value::Array(a)) => a,
        Some(v) => {
            return Err(PolicyError::new(
                "statement",
                format!("expected a list of statements, got {}", kind_of(v)),
            ))
        }
    };
    let statements = list
        .iter()
        .enumerate()
        .map(|(i, v)| parse_statement(v, &format!("statement[{i}]"), kind, top_principal.as_ref()))
        .collect::<Result<_, _>>()?;
    Ok(Policy {
        version,
        statements,
    })
}

fn parse_statement(
    value: &Value,
    path: &str,
    kind: PolicyKind,
    inherited: Option<&Principal>,
) -> Result<Statement, PolicyError> {
    let obj = value
        .as_object()
        .ok_or_else(|| expected(path, "an object", value))?;
    let f = fields(
        obj,
        path,
        &[
            "sid",
            "effect",
            "principal",
            "action",
            "resource",
            "condition",
        ],
    )?;
    let sid = match f.get("sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => return Err(expected(&join(path, "sid"), "a string", v)),
    };
    let effect = parse_effect(f.get("effect").copied(), &join(path, "effect"))?;
    let principal_path = join(path, "principal");
    let principal = match (f.get("principal"), kind) {
        (Some(_), PolicyKind::User) => return Err(not_allowed(&principal_path)),
        (Some(v), PolicyKind::Session) => session_principal(v, &principal_path)?,
        (Some(v), PolicyKind::Bucket) => Some(parse_principal(v, &principal_path)?),
        (None, PolicyKind::User | PolicyKind::Session) => None,
        (None, PolicyKind::Bucket) => match inherited {
            Some(p) => Some(p.clone()),
            None => {
                return Err(PolicyError::new(
                    &principal_path,
                    "missing (a bucket policy statement needs a principal)",
                ))
            }
        },
    };
    let actions = required_list(f.get("action").copied(), &join(path, "action"))?
        .into_iter()
        .map(|(p, s)| check_action(s, &p).map(|()| s.to_string()))
        .collect::<Result<_, _>>()?;
    let resources = required_list(f.get("resource").copied(), &join(path, "resource"))?
        .into_iter()
        .map(|(p, s)| check_resource(s, &p).map(|()| s.to_string()))
        .collect::<Result<_, _>>()?;
    let conditions = match f.get("condition") {
        None => Vec::new(),
        Some(v) => parse_conditions(v, &join(path, "condition"))?,
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        actions,
        resources,
        conditions,
    })
}

fn parse_effect(value: Option<&Value>, path: &str) -> Result<Effect, PolicyError> {
    match value {
        None => Err(PolicyError::new(path, "missing")),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("allow") => Ok(Effect::Allow),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("deny") => Ok(Effect::Deny),
        Some(v) => Err(expected(path, "\"allow\" or \"deny\"", v)),
    }
}

const PRINCIPAL_FORMS: &str = "expected \"*\", \"qcs::cam::anyone:anyone\" or \
\"qcs::cam::uin/<root>:uin/<uin>\" (or :roleName/<name>, :role/<id>, :groupid/<id>)";

fn parse_principal(value: &Value, path: &str) -> Result<Principal, PolicyError> {
    let obj = match value {
        Value::String(s) if s == "*" => return Ok(Principal(vec![PrincipalId::Everyone])),
        Value::Object(o) => o,
        v => return Err(expected(path, "\"*\" or an object {\"qcs\": [...]}", v)),
    };
    let f = fields(obj, path, &["qcs"])?;
    let qcs_path = join(path, "qcs");
    let ids = required_list(f.get("qcs").copied(), &qcs_path)?
        .into_iter()
        .map(|(p, s)| {
            PrincipalId::parse(s).ok_or_else(|| {
                PolicyError::new(
                    &p,
                    format!("malformed principal {}; {PRINCIPAL_FORMS}", quote(s)),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Principal(ids))
}

const ACTION_PREFIX: &str = "name/cos:";

fn check_action(action: &str, path: &str) -> Result<(), PolicyError> {
    if action == "*" {
        return Ok(());
    }
    let unknown =
        |hint: String| PolicyError::new(path, format!("unknown action {}{hint}", quote(action)));
    let Some(name) = action.strip_prefix(ACTION_PREFIX) else {
        let bare = action.rsplit(':').next().unwrap_or(action);
        return Err(match nearest_action(bare) {
            Some(s) => unknown(format!("; did you mean \"{ACTION_PREFIX}{s}\"?")),
            None => unknown(format!(
                "; expected \"*\", \"{ACTION_PREFIX}*\" or \"{ACTION_PREFIX}<Api>\""
            )),
        });
    };
    if name.contains('*') {
        if actions::ACTIONS.iter().any(|a| glob(name, a, false)) {
            return Ok(());
        }
        return Err(unknown("; the pattern matches no COS API".into()));
    }
    if actions::is_known(name) {
        return Ok(());
    }
    Err(match actions::suggest(name) {
        Some(s) => unknown(format!("; did you mean \"{ACTION_PREFIX}{s}\"?")),
        None => unknown(String::new()),
    })
}

fn nearest_action(name: &str) -> Option<&'static str> {
    if actions::is_known(name) {
        actions::ACTIONS.iter().copied().find(|a| *a == name)
    } else {
        actions::suggest(name)
    }
}

const RESOURCE_PREFIX: &str = "qcs::cos:";

fn check_resource(resource: &str, path: &str) -> Result<(), PolicyError> {
    if resource == "*" || resource.starts_with(RESOURCE_PREFIX) {
        return Ok(());
    }
    Err(PolicyError::new(
        path,
        format!(
            "expected \"*\" or a resource starting with \"{RESOURCE_PREFIX}\", got {}",
            quote(resource)
        ),
    ))
}

fn parse_conditions(value: &Value, path: &str) -> Result<Vec<Condition>, PolicyError> {
    let ops = value
        .as_object()
        .ok_or_else(|| expected(path, "an object of condition operators", value))?;
    let mut out = Vec::new();
    for (op_name, keys) in ops {
        let op_path = join(path, op_name);
        let operator = Operator::parse(op_name).ok_or_else(|| {
            let hint = suggest_operator(op_name)
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            PolicyError::new(
                &op_path,
                format!("unknown condition operator {}{hint}", quote(op_name)),
            )
        })?;
        let keys = keys
            .as_object()
            .ok_or_else(|| expected(&op_path, "an object of condition keys", keys))?;
        for (key, v) in keys {
            let values = condition_values(v, &join(&op_path, key))?;
            out.push(Condition {
                operator,
                key: key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

/// Suggests a known operator for a misspelt one, keeping its prefix and suffix.
fn suggest_operator(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let (prefix, rest) = ["for_all_value:", "for_any_value:"]
        .iter()
        .find_map(|p| lower.strip_prefix(p).map(|r| (*p, r)))
        .unwrap_or(("", lower.as_str()));
    let (base, suffix) = match rest.strip_suffix("_if_exist") {
        Some(b) => (b, "_if_exist"),
        None => (rest, ""),
    };
    let base = actions::nearest(base, BaseOp::NAMES, 3)?;
    [format!("{prefix}{base}{suffix}"), format!("{prefix}{base}")]
        .into_iter()
        .find(|c| Operator::parse(c).is_some())
}

fn condition_values(value: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    if let Some(s) = scalar(value) {
        return Ok(vec![s]);
    }
    let Value::Array(items) = value else {
        return Err(expected(
            path,
            "a string, number, bool or a list of them",
            value,
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            scalar(v)
                .ok_or_else(|| expected(&format!("{path}[{i}]"), "a string, number or bool", v))
        })
        .collect()
}

/// A condition value as the string it is compared as.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `value` as a non-empty list of strings (a single string counts as a list of one), each with its
/// path; a missing value is an error too.
fn required_list<'a>(
    value: Option<&'a Value>,
    path: &str,
) -> Result<Vec<(String, &'a str)>, PolicyError> {
    match value {
        None => Err(PolicyError::new(path, "missing")),
        Some(Value::String(s)) => Ok(vec![(path.to_string(), s.as_str())]),
        Some(Value::Array(a)) if a.is_empty() => Err(PolicyError::new(path, "empty list")),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let p = format!("{path}[{i}]");
                match v {
                    Value::String(s) => Ok((p, s.as_str())),
                    v => Err(expected(&p, "a string", v)),
                }
            })
            .collect(),
        Some(v) => Err(expected(path, "a string or a list of strings", v)),
    }
}

/// The members of `obj` keyed by their lower-case name; rejects unknown and duplicate keys.
fn fields<'a>(
    obj: &'a Map<String, Value>,
    path: &str,
    allowed: &[&'static str],
) -> Result<Vec<(&'static str, &'a Value)>, PolicyError> {
    let mut out: Vec<(&'static str, &'a Value)> = Vec::new();
    for (key, value) in obj {
        let Some(&name) = allowed.iter().find(|a| a.eq_ignore_ascii_case(key)) else {
            let hint = actions::nearest(key, allowed, 2)
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_else(|| format!("; expected one of {}", allowed.join(", ")));
            return Err(PolicyError::new(
                path,
                format!("unknown key {}{hint}", quote(key)),
            ));
        };
        if out.iter().any(|(n, _)| *n == name) {
            return Err(PolicyError::new(
                path,
                format!("duplicate key {} (keys are case-insensitive)", quote(key)),
            ));
        }
        out.push((name, value));
    }
    Ok(out)
}

trait Get<'a> {
    fn get(&self, name: &str) -> Option<&&'a Value>;
}

impl<'a> Get<'a> for Vec<(&'static str, &'a Value)> {
    fn get(&self, name: &str) -> Option<&&'a Value> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

fn not_allowed(path: &str) -> PolicyError {
    PolicyError::new(path, "not allowed in a user or session policy")
}

fn expected(path: &str, what: &str, got: &Value) -> PolicyError {
    PolicyError::new(path, format!("expected {what}, got {}", show(got)))
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// A JSON rendering of a value for messages, cut at 60 characters.
fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 60 {
        s
    } else {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    }
}

fn quote(s: &str) -> String {
    show(&Value::String(s.to_string()))
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn fixtures(dir: &str) -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/policy")
            .join(dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixture dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    }

    fn assert_valid(dir: &str, kind: PolicyKind) -> usize {
        let files = fixtures(dir);
        for path in &files {
            let body = std::fs::read(path).expect("read fixture");
            let policy = parse(&body, kind, &Limits::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let again = serde_json::to_vec(&policy).expect("serialize");
            let reparsed = parse(&again, kind, &Limits::default())
                .unwrap_or_else(|e| panic!("{} (round trip): {e}", path.display()));
            assert_eq!(policy, reparsed, "{} round trip", path.display());
        }
        files.len()
    }

    fn assert_invalid(dir: &str, kind: PolicyKind) -> usize {
        let files = fixtures(dir);
        let mut wrong = Vec::new();
        for path in &files {
            let body = std::fs::read(path).expect("read fixture");
            let expected = std::fs::read_to_string(path.with_extension("expected"))
                .unwrap_or_else(|_| panic!("{} has no .expected", path.display()));
            let mut lines = expected.lines();
            let (code, message) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
            let err = parse(&body, kind, &Limits::default())
                .expect_err(&format!("{} should be rejected", path.display()));
            if (err.code.as_str(), err.message.as_str()) != (code, message) {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                wrong.push(format!("{name}:\n  got  {err}\n  want {code}: {message}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        files.len()
    }

    #[test]
    fn parse_duplicate_key_is_malformed_policy_naming_it() {
        let body = br#"{"version":"2.0","statement":[{"effect":"deny","effect":"allow","action":["*"],"resource":["*"],"principal":{"qcs":["*"]}}]}"#;
        for kind in [PolicyKind::Bucket, PolicyKind::User, PolicyKind::Session] {
            let err = parse(body, kind, &Limits::cam()).unwrap_err();
            assert_eq!(err.code, Code::MalformedPolicy);
            assert_eq!(
                err.message, r#"statement[0]: duplicate key "effect""#,
                "{kind:?}"
            );
        }
        let top = br#"{"version":"2.0","version":"2.0","statement":[]}"#;
        let err = parse(top, PolicyKind::Bucket, &Limits::default()).unwrap_err();
        assert_eq!(err.message, r#"policy: duplicate key "version""#);
        let deep = br#"{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":["*"]},"action":["*"],"resource":["*"],"condition":{"string_equal":{"cos:prefix":"a","cos:prefix":"b"}}}]}"#;
        let err = parse(deep, PolicyKind::Bucket, &Limits::default()).unwrap_err();
        assert_eq!(
            err.message,
            r#"statement[0].condition.string_equal: duplicate key "cos:prefix""#
        );
    }

    #[test]
    fn parse_session_policy_anyone_principal_is_accepted_and_dropped() {
        let body = br#"{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":"*"},"action":["name/cos:PutObject"],"resource":["*"]}]}"#;
        let p = parse(body, PolicyKind::Session, &Limits::cam()).unwrap();
        assert!(p.statements[0].principal.is_none());
        assert!(parse(body, PolicyKind::User, &Limits::cam()).is_err());
    }

    #[test]
    fn parse_session_policy_named_principal_is_rejected() {
        let body = br#"{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":["qcs::cam::uin/1:uin/1"]},"action":["*"],"resource":["*"]}]}"#;
        let err = parse(body, PolicyKind::Session, &Limits::cam()).unwrap_err();
        assert_eq!(err.message, "statement[0].principal: not allowed in a session policy (only the anyone principal, which is ignored)");
    }

    #[test]
    fn parse_valid_bucket_fixtures_ok_and_round_trip() {
        assert!(assert_valid("valid", PolicyKind::Bucket) >= 40);
    }

    #[test]
    fn parse_valid_user_fixtures_ok_and_round_trip() {
        assert!(assert_valid("valid_user", PolicyKind::User) >= 3);
    }

    #[test]
    fn parse_invalid_bucket_fixtures_exact_error() {
        assert!(assert_invalid("invalid", PolicyKind::Bucket) >= 20);
    }

    #[test]
    fn parse_invalid_user_fixtures_exact_error() {
        assert!(assert_invalid("invalid_user", PolicyKind::User) >= 2);
    }

    #[test]
    fn parse_user_fixture_as_bucket_principal_missing() {
        let body =
            br#"{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*"}]}"#;
        let err = parse(body, PolicyKind::Bucket, &Limits::default()).expect_err("no principal");
        assert_eq!(
            err.message,
            "statement[0].principal: missing (a bucket policy statement needs a principal)"
        );
    }

    #[test]
    fn parse_top_level_principal_copied_into_statements() {
        let body = br#"{"version":"2.0","principal":"*","statement":[
            {"effect":"allow","action":"*","resource":"*"},
            {"effect":"deny","principal":{"qcs":"qcs::cam::uin/1:uin/2"},"action":"*","resource":"*"}]}"#;
        let p = parse(body, PolicyKind::Bucket, &Limits::default()).expect("valid");
        assert_eq!(
            p.statements[0].principal,
            Some(Principal(vec![PrincipalId::Everyone]))
        );
        assert_eq!(
            p.statements[1].principal,
            Some(Principal(vec![PrincipalId::Uin {
                root: "1".into(),
                uin: "2".into()
            }]))
        );
    }

    #[test]
    fn parse_condition_scalars_stringified() {
        let body =
            br#"{"version":"2.0","statement":[{"principal":"*","effect":"Allow","action":"*",
            "resource":"*","condition":{"numeric_less_than":{"cos:content-length":[10, 1.5]},
            "bool_equal":{"cos:secure-transport":true}}}]}"#;
        let p = parse(body, PolicyKind::Bucket, &Limits::default()).expect("valid");
        let values: Vec<&[String]> = p.statements[0]
            .conditions
            .iter()
            .map(|c| c.values.as_slice())
            .collect();
        assert_eq!(values, [&["10", "1.5"][..], &["true"][..]]);
    }

    #[test]
    fn parse_size_limit_configurable() {
        let body =
            br#"{"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*"}]}"#;
        let tiny = Limits { max_bytes: 10 };
        let err = parse(body, PolicyKind::User, &tiny).expect_err("too big");
        assert_eq!(
            err.message,
            format!("policy: {} bytes exceeds the limit of 10 bytes", body.len())
        );
        assert!(parse(body, PolicyKind::User, &Limits::cam()).is_ok());
    }

    #[test]
    fn parse_value_error_under_config_prefix() {
        let v: Value = serde_json::json!({"version": "2.0", "statement": [{"effect": "maybe"}]});
        let err = parse_value(&v, PolicyKind::User).expect_err("bad effect");
        assert_eq!(
            err.message_under("users[0].policy"),
            "users[0].policy.statement[0].effect: expected \"allow\" or \"deny\", got \"maybe\""
        );
    }
}
