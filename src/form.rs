//! POST Object's form, pure: a `multipart/form-data` parser over the body already read, the form's
//! own signature (`q-sign-algorithm`, `q-ak`, `q-key-time`, `q-signature` fields), and the POST
//! policy document with its conditions.
//!
//! The form signature, as the COS docs (POST Object, 436/14690) and the Java SDK's
//! `COSSigner.buildPostObjectSignature` compute it:
//! `SignKey = hex(HMAC-SHA1(SecretKey, q-key-time))`, `StringToSign = hex(SHA1(policy JSON text))`
//! (the text after base64-decoding the `policy` field), `q-signature = hex(HMAC-SHA1(SignKey,
//! StringToSign))`. Time checks use the real time, as for header signatures.
//!
//! Field names are matched case-insensitively. Fields after the `file` part are ignored (the file
//! must come last, as in S3 and the COS docs' examples).

use std::time::SystemTime;

use base64::Engine;
use bytes::Bytes;
use sha1::{Digest, Sha1};

use crate::auth::{cos_sign, Caller, Clock, KeyRing};
use crate::error::{Code, CosError};

/// The uploaded file part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    pub filename: String,
    pub content_type: Option<String>,
    pub data: Bytes,
}

/// A parsed form: text fields in order, and the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    pub file: Option<FilePart>,
}

impl Form {
    /// A field's value by case-insensitive name (the first one given).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The object key: the `key` field with `${filename}` replaced by the file's name.
    pub fn key(&self) -> Result<String, CosError> {
        let key = self.field("key").ok_or_else(|| {
            CosError::with_message(
                Code::InvalidArgument,
                "Bucket POST must contain a field named 'key'.",
            )
        })?;
        let filename = self
            .file
            .as_ref()
            .map(|f| f.filename.as_str())
            .unwrap_or("");
        let key = key.replace("${filename}", filename);
        if key.is_empty() {
            return Err(CosError::with_message(
                Code::InvalidArgument,
                "The key field of a POST form must not be empty.",
            ));
        }
        Ok(key)
    }
}

fn malformed(why: impl std::fmt::Display) -> CosError {
    CosError::with_message(
        Code::MalformedPOSTRequest,
        format!("{} ({why})", Code::MalformedPOSTRequest.default_message()),
    )
}

/// Whether a `Content-Type` announces `multipart/form-data`.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| {
        c.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    params(content_type)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v)
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

/// `; name=value` parameters of a header value (quoted values unquoted, `\"` unescaped).
fn params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value.split_once(';').map(|(_, r)| r).unwrap_or("");
    loop {
        rest = rest.trim_start_matches([';', ' ', '\t']);
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().to_string();
        rest = &rest[eq + 1..];
        let v;
        if let Some(q) = rest.strip_prefix('"') {
            let mut val = String::new();
            let mut chars = q.char_indices();
            let mut end = q.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            val.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => val.push(c),
                }
            }
            v = val;
            rest = q.get(end..).unwrap_or("");
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            v = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        out.push((name, v));
    }
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Parses a `multipart/form-data` body; anything not well formed is 400 `MalformedPOSTRequest`.
pub fn parse(content_type: Option<&str>, body: &Bytes) -> Result<Form, CosError> {
    if !is_multipart(content_type) {
        return Err(malformed("the Content-Type must be multipart/form-data"));
    }
    let boundary = content_type
        .and_then(boundary)
        .ok_or_else(|| malformed("the Content-Type has no boundary"))?;
    let delim = format!("--{boundary}");
    let next_delim = format!("\r\n--{boundary}");
    let mut pos = if body.starts_with(delim.as_bytes()) {
        delim.len()
    } else {
        find(body, next_delim.as_bytes(), 0)
            .map(|p| p + next_delim.len())
            .ok_or_else(|| malformed("the boundary does not occur in the body"))?
    };
    let mut form = Form::default();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(form);
        }
        while matches!(body.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err(malformed("a boundary line does not end in CRLF"));
        }
        pos += 2;
        let head_end =
            find(body, b"\r\n\r\n", pos).ok_or_else(|| malformed("a part's headers do not end"))?;
        let head = std::str::from_utf8(&body[pos..head_end])
            .map_err(|_| malformed("a part's headers are not UTF-8"))?;
        let data_start = head_end + 4;
        let data_end = find(body, next_delim.as_bytes(), head_end + 2)
            .ok_or_else(|| malformed("the closing boundary is missing"))?;
        let data = body.slice(data_start.min(data_end)..data_end);
        pos = data_end + next_delim.len();
        let (mut name, mut filename, mut ctype) = (None, None, None);
        for line in head.split("\r\n") {
            let Some((h, v)) = line.split_once(':') else {
                continue;
            };
            if h.trim().eq_ignore_ascii_case("content-disposition") {
                for (k, val) in params(v) {
                    if k.eq_ignore_ascii_case("name") {
                        name = Some(val);
                    } else if k.eq_ignore_ascii_case("filename") {
                        filename = Some(val);
                    }
                }
            } else if h.trim().eq_ignore_ascii_case("content-type") {
                ctype = Some(v.trim().to_string());
            }
        }
        let name = name.ok_or_else(|| malformed("a part has no Content-Disposition name"))?;
        if name.eq_ignore_ascii_case("file") {
            form.file = Some(FilePart {
                filename: filename.unwrap_or_default(),
                content_type: ctype,
                data,
            });
            return Ok(form);
        }
        let value = String::from_utf8(data.to_vec())
            .map_err(|_| malformed(format!("field {name:?} is not UTF-8")))?;
        form.fields.push((name, value));
    }
}

/// `q-signature` for a policy, as the COS docs define it.
pub fn form_signature(secret_key: &str, key_time: &str, policy_json: &str) -> String {
    let string_to_sign = hex::encode(Sha1::digest(policy_json.as_bytes()));
    cos_sign::signature(&cos_sign::sign_key(secret_key, key_time), &string_to_sign)
}

/// The decoded `policy` field: its JSON text, or `InvalidPolicyDocument`.
pub fn policy_text(form: &Form) -> Result<Option<String>, CosError> {
    let Some(b64) = form.field("policy") else {
        return Ok(None);
    };
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| invalid_policy("the policy field is not base64".into()))?;
    String::from_utf8(raw)
        .map(Some)
        .map_err(|_| invalid_policy("the policy is not UTF-8".into()))
}

fn invalid_policy(why: String) -> CosError {
    CosError::with_message(
        Code::InvalidPolicyDocument,
        format!("Invalid Policy: {why}."),
    )
}

/// Who signed the form: `Ok(None)` when it carries no `q-signature` (the caller then falls back to
/// the Authorization header, or anonymous); else the signer or the COS error saying why not.
pub fn authenticate(form: &Form, keys: &KeyRing, clock: Clock) -> Result<Option<Caller>, CosError> {
    let Some(signature) = form.field("q-signature") else {
        return Ok(None);
    };
    let algorithm = form.field("q-sign-algorithm").unwrap_or("");
    if !algorithm.eq_ignore_ascii_case("sha1") {
        return Err(CosError::with_message(
            Code::AccessDenied,
            format!("Unsupported q-sign-algorithm {algorithm:?}: only sha1 is supported."),
        ));
    }
    let missing = |f: &str| {
        CosError::with_message(
            Code::AccessDenied,
            format!("The form is signed (q-signature) but has no {f} field."),
        )
    };
    let ak = form.field("q-ak").ok_or_else(|| missing("q-ak"))?;
    let key_time = form
        .field("q-key-time")
        .ok_or_else(|| missing("q-key-time"))?;
    let policy = policy_text(form)?.ok_or_else(|| missing("policy"))?;
    let token = form.field("x-cos-security-token");
    let (secret_key, caller) = crate::auth::resolve_key(keys, ak, token, clock.now)?;
    let (start, end) = cos_sign::parse_window(key_time).map_err(|e| {
        CosError::with_message(Code::AccessDenied, format!("q-key-time is malformed: {e}."))
    })?;
    clock.check_window(start, end)?;
    let expected = form_signature(&secret_key, key_time, &policy);
    if !expected.eq_ignore_ascii_case(signature.trim()) {
        return Err(CosError::new(Code::SignatureDoesNotMatch)
            .with_extra("StringToSign", hex::encode(Sha1::digest(policy.as_bytes()))));
    }
    Ok(Some(caller))
}

/// One condition of a POST policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `{"field": "value"}` or `["eq", "$field", "value"]`.
    Eq(String, String),
    /// `["starts-with", "$field", "prefix"]`.
    StartsWith(String, String),
    /// `["content-length-range", min, max]`.
    LengthRange(u64, u64),
}

/// A POST policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPolicy {
    pub expiration: SystemTime,
    pub conditions: Vec<Condition>,
}

/// Parses a policy's JSON text; any shape error is 400 `InvalidPolicyDocument`.
pub fn parse_policy(text: &str) -> Result<PostPolicy, CosError> {
    use serde_json::Value;
    let doc: Value = crate::json::parse(text.as_bytes()).map_err(|e| match e.path() {
        Some(path) => invalid_policy(format!("the policy gives {path} twice")),
        None => invalid_policy(format!("the policy is not JSON ({e})")),
    })?;
    let exp = doc
        .get("expiration")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_policy("Policy is missing the expiration field".into()))?;
    let expiration = crate::clock::parse_rfc3339(exp)
        .ok_or_else(|| invalid_policy(format!("expiration {exp:?} is not an ISO 8601 date")))?;
    let list = match doc.get("conditions") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(invalid_policy("conditions must be an array".into())),
    };
    let field = |v: &Value| -> Result<String, CosError> {
        v.as_str()
            .and_then(|s| s.strip_prefix('$'))
            .map(str::to_ascii_lowercase)
            .ok_or_else(|| invalid_policy(format!("{v} is not a $field name")))
    };
    let text = |v: &Value| -> Result<String, CosError> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| invalid_policy(format!("{v} is not a string")))
    };
    let number = |v: &Value| -> Result<u64, CosError> {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or_else(|| invalid_policy(format!("{v} is not a non-negative integer")))
    };
    let mut conditions = Vec::new();
    for c in &list {
        match c {
            Value::Object(map) => {
                for (k, v) in map {
                    conditions.push(Condition::Eq(k.to_ascii_lowercase(), text(v)?));
                }
            }
            Value::Array(a) if a.len() == 3 => {
                let op = a[0].as_str().unwrap_or("").to_ascii_lowercase();
                conditions.push(match op.as_str() {
                    "eq" => Condition::Eq(field(&a[1])?, text(&a[2])?),
                    "starts-with" => Condition::StartsWith(field(&a[1])?, text(&a[2])?),
                    "content-length-range" => {
                        Condition::LengthRange(number(&a[1])?, number(&a[2])?)
                    }
                    _ => return Err(invalid_policy(format!("unknown condition {c}"))),
                });
            }
            _ => return Err(invalid_policy(format!("invalid condition {c}"))),
        }
    }
    Ok(PostPolicy {
        expiration,
        conditions,
    })
}

/// Checks a policy at `now` (real time) against the form: `lookup` gives a field's value by
/// lowercase name (with the key already expanded and `bucket` filled in), `size` is the file's
/// length. A violation is 403 `AccessDenied` naming the condition.
pub fn check_policy(
    policy: &PostPolicy,
    lookup: impl Fn(&str) -> Option<String>,
    size: u64,
    now: SystemTime,
) -> Result<(), CosError> {
    let denied = |why: String| {
        CosError::with_message(
            Code::AccessDenied,
            format!("Invalid according to Policy: {why}"),
        )
    };
    if now > policy.expiration {
        return Err(denied("Policy expired.".into()));
    }
    for c in &policy.conditions {
        match c {
            Condition::Eq(f, v) => {
                let got = lookup(f).unwrap_or_default();
                if &got != v {
                    return Err(denied(format!(
                        "Policy Condition failed: [\"eq\", \"${f}\", {v:?}] (the form has {got:?})"
                    )));
                }
            }
            Condition::StartsWith(f, p) => {
                let got = lookup(f).unwrap_or_default();
                if !got.starts_with(p.as_str()) {
                    return Err(denied(format!(
                        "Policy Condition failed: [\"starts-with\", \"${f}\", {p:?}] (the form has {got:?})"
                    )));
                }
            }
            Condition::LengthRange(min, max) => {
                if size < *min || size > *max {
                    return Err(denied(format!(
                        "Policy Condition failed: [\"content-length-range\", {min}, {max}] (the file has {size} bytes)"
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    const CT: &str = "multipart/form-data; boundary=----WebKitFormBoundaryZBPbaoYE2gqeB21N";

    fn body(parts: &[(&str, &str)], file: &[u8]) -> Bytes {
        let b = "----WebKitFormBoundaryZBPbaoYE2gqeB21N";
        let mut out = Vec::new();
        for (k, v) in parts {
            out.extend_from_slice(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        out.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
        );
        out.extend_from_slice(file);
        out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        Bytes::from(out)
    }

    #[test]
    fn form_parses_fields_and_file() {
        let f = parse(
            Some(CT),
            &body(
                &[("key", "dir/${filename}"), ("Content-Type", "image/png")],
                b"hi\r\n--x",
            ),
        )
        .unwrap();
        assert_eq!(f.field("KEY"), Some("dir/${filename}"));
        assert_eq!(f.field("content-type"), Some("image/png"));
        let file = f.file.as_ref().unwrap();
        assert_eq!(file.filename, "a b.txt");
        assert_eq!(file.content_type.as_deref(), Some("text/plain"));
        assert_eq!(&file.data[..], b"hi\r\n--x");
        assert_eq!(f.key().unwrap(), "dir/a b.txt");
    }

    #[test]
    fn form_errors_are_malformed_post_request() {
        for (ct, b) in [
            (Some("application/x-www-form-urlencoded"), Bytes::from_static(b"a=b")),
            (Some("multipart/form-data"), Bytes::from_static(b"x")),
            (Some(CT), Bytes::from_static(b"no boundary here")),
            (Some(CT), Bytes::from_static(b"------WebKitFormBoundaryZBPbaoYE2gqeB21N\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated")),
        ] {
            assert_eq!(parse(ct, &b).unwrap_err().code, Code::MalformedPOSTRequest);
        }
        let f = parse(Some(CT), &body(&[("x", "y")], b"")).unwrap();
        assert_eq!(f.key().unwrap_err().code, Code::InvalidArgument);
    }

    #[test]
    fn form_boundary_quoted_and_params() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a;b\"").as_deref(),
            Some("a;b")
        );
        assert_eq!(
            boundary("multipart/form-data;boundary=xyz").as_deref(),
            Some("xyz")
        );
        assert_eq!(boundary("multipart/form-data"), None);
    }

    /// Computed independently with python: hmac/hashlib over the same strings.
    #[test]
    fn form_signature_matches_java_sdk_algorithm() {
        let policy = r#"{"expiration":"2030-01-01T00:00:00.000Z","conditions":[{"bucket":"examplebucket-1250000000"}]}"#;
        let sign_key = cos_sign::sign_key("secret", "1700000000;1700003600");
        let sts = hex::encode(Sha1::digest(policy.as_bytes()));
        assert_eq!(
            form_signature("secret", "1700000000;1700003600", policy),
            cos_sign::signature(&sign_key, &sts)
        );
        assert_eq!(
            form_signature("secret", "1700000000;1700003600", policy),
            PYTHON_SIGNATURE
        );
    }
    const PYTHON_SIGNATURE: &str = "65d5d70507129b328c08e9f53d9b22af52a242de";

    #[test]
    fn parse_policy_duplicate_key_is_invalid_policy_document_naming_it() {
        let doc = r#"{"expiration":"2030-01-01T00:00:00.000Z","conditions":[{"bucket":"a","bucket":"b"}]}"#;
        let e = parse_policy(doc).unwrap_err();
        assert_eq!(e.code, Code::InvalidPolicyDocument);
        assert!(
            e.message.contains("conditions[0].bucket twice"),
            "{}",
            e.message
        );
    }

    #[test]
    fn policy_conditions() {
        let p = parse_policy(
            r#"{"expiration":"2030-01-01T00:00:00.000Z","conditions":[
            {"bucket":"b-1"},["eq","$Content-Type","text/plain"],["starts-with","$key","dir/"],
            ["content-length-range",1,"10"]]}"#,
        )
        .unwrap();
        assert_eq!(p.conditions.len(), 4);
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let fields = |key: &'static str| {
            move |n: &str| match n {
                "bucket" => Some("b-1".to_string()),
                "content-type" => Some("text/plain".to_string()),
                "key" => Some(key.to_string()),
                _ => None,
            }
        };
        assert!(check_policy(&p, fields("dir/a"), 5, now).is_ok());
        let e = check_policy(&p, fields("other/a"), 5, now).unwrap_err();
        assert_eq!(e.code, Code::AccessDenied);
        assert!(e.message.contains("starts-with"), "{}", e.message);
        let e = check_policy(&p, fields("dir/a"), 11, now).unwrap_err();
        assert!(e.message.contains("content-length-range"), "{}", e.message);
        let late = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
        assert!(check_policy(&p, fields("dir/a"), 5, late)
            .unwrap_err()
            .message
            .contains("expired"));
        for bad in [
            "nope",
            r#"{"conditions":[]}"#,
            r#"{"expiration":"2030-01-01T00:00:00Z","conditions":[["in","$key","x"]]}"#,
        ] {
            assert_eq!(
                parse_policy(bad).unwrap_err().code,
                Code::InvalidPolicyDocument,
                "{bad}"
            );
        }
    }
}
