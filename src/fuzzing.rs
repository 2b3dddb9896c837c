//! Entry points for the fuzz harness (`examples/fuzz.rs`, `scripts/fuzz.sh`): one function per parser
//! that reads client input, each taking raw bytes and calling the parser exactly as the request path
//! does. Not an API: hidden from the docs and free to change.
//!
//! Each target returns a short *outcome* label (`ok`, or the error's code and the first words of its
//! message, digits and quoted text dropped) that the harness uses as cheap feedback: an input that
//! produces a label never seen before joins the live corpus. Multi-part inputs are split into lines
//! (`\n`, an optional `\r` dropped); the format of each target is documented on its function.

use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;

use crate::acl::{self, ResourceKind};
use crate::auth::{self, cos_sign, Clock, KeyRing};
use crate::config::{Account, Config, OssAccount};
use crate::dialect::oss::{self, sign_v1, sign_v4};
use crate::dialect::Dialect;
use crate::error::CosError;
use crate::request::{Addressing, CosRequest};
use crate::{cors, form, lifecycle, policy, router, sse, tagging, versioning};

/// A target: its name (a directory under `fuzz/corpus/`) and its entry point.
pub type Target = (&'static str, fn(&[u8]) -> String);

/// Every target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: &[Target] = &[
    ("route", route),
    ("cos-sign", cos_sign_target),
    ("oss-sign", oss_sign),
    ("policy", cos_policy),
    ("oss-policy", oss_policy),
    ("acl-xml", acl_xml),
    ("acl-headers", acl_headers),
    ("cors", cors_xml),
    ("lifecycle", lifecycle_xml),
    ("complete-multipart", complete_multipart),
    ("delete", delete_xml),
    ("post-form", post_form),
    ("post-policy", post_policy),
    ("tagging", tagging_target),
    ("versioning", versioning_xml),
    ("encryption", encryption_xml),
    ("copy-source", copy_source),
    ("bucket-config", bucket_config),
];

/// "Now" for signature windows: the time the captures in `shared/fixtures/captures` were taken, so
/// their signatures pass the window check and reach the signature math.
const CAPTURE_NOW: u64 = 1_795_337_176;
/// The key pair the captures were signed with (real-clients.md, "Test identities").
const CAPTURE_ID: &str = "AKIDEXAMPLEsecretid0123456789abcdef";
const CAPTURE_SECRET: &str = "EXAMPLEsecretkey0123456789abcdef";
const OWNER: &str = "100000000001";

/// The request head: `METHOD TARGET HTTP/1.1`, then `Name: value` lines up to an empty line. The
/// head is read with the `http` crate's parsers as hyper does (an invalid method or target is the
/// transport's 400, not ours: `skip`); then the address step, the router (COS or OSS) and
/// authentication (signature parse, key lookup, window, verification) run as in `dispatch`.
pub fn route(input: &[u8]) -> String {
    let Some(parts) = head(input) else {
        return "skip".into();
    };
    let addressing = Addressing {
        region: "ap-guangzhou",
        default_bucket: None,
        oss_region: "cn-hangzhou",
    };
    let req = match CosRequest::from_head(&parts, &addressing, None) {
        Ok(req) => req,
        Err(e) => return label(&e),
    };
    if let Err(e) = req.check_query() {
        return label(&e);
    }
    let keys = keys();
    match req.dialect {
        Dialect::Cos => {
            let routed = router::Route::of(&req).map(|_| ());
            let clock = Clock {
                now: CAPTURE_NOW,
                skew: 900,
            };
            let authed = auth::authenticate(&req, keys, clock).map(|_| ());
            both(routed, authed)
        }
        Dialect::Oss => {
            let routed = oss::route::route(&req).map(|_| ());
            let authed = auth::oss::authenticate(&req, keys, CAPTURE_NOW as i64).map(|_| ());
            both(routed, authed)
        }
    }
}

/// q-sign: line 1 the `Authorization` value, line 2 a raw query (pre-signed URL), line 3 the method,
/// line 4 the decoded path, then `name: value` header lines. Both parsers and both windows run; a
/// parsed signature is verified against the request the other lines describe.
pub fn cos_sign_target(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let mut lines = lines(&text);
    let authorization = lines.next().unwrap_or("");
    let raw_query = lines.next().unwrap_or("");
    let method = lines.next().unwrap_or("GET");
    let path = lines.next().unwrap_or("/");
    let headers = header_lines(lines);
    let view = cos_sign::RequestView {
        method,
        path,
        raw_query,
        headers: &headers,
    };
    let from_query = cos_sign::from_query(raw_query);
    let mut out = Vec::new();
    for parsed in [
        Some(cos_sign::from_authorization(authorization)),
        from_query,
    ] {
        let Some(parsed) = parsed else {
            out.push("unsigned".to_string());
            continue;
        };
        match parsed {
            Ok(parts) => {
                let windows = [&parts.sign_time, &parts.key_time]
                    .map(|w| cos_sign::parse_window(w).is_ok())
                    .map(|ok| if ok { "w" } else { "-" });
                let _ = cos_sign::first_absent(&parts, &view);
                let verified = cos_sign::verify(&parts, &view, CAPTURE_SECRET).is_ok();
                out.push(format!("ok {} {verified}", windows.concat()));
            }
            Err(e) => out.push(words(&e.to_string())),
        }
    }
    out.join(" | ")
}

/// OSS V1 and V4: line 1 the `Authorization` value, line 2 a raw query, line 3 the method, line 4
/// `bucket/key` (bucket empty for none), then header lines. Every parser runs; what parses is
/// verified against the described request.
pub fn oss_sign(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let mut lines = lines(&text);
    let authorization = lines.next().unwrap_or("");
    let raw_query = lines.next().unwrap_or("");
    let method = lines.next().unwrap_or("GET");
    let (bucket, key) = lines
        .next()
        .unwrap_or("")
        .split_once('/')
        .unwrap_or(("", ""));
    let headers = header_lines(lines);
    let view = oss::sign::RequestView {
        method,
        bucket: (!bucket.is_empty()).then_some(bucket),
        key,
        raw_query,
        headers: &headers,
    };
    let now = CAPTURE_NOW as i64;
    let v1 = |p: Result<sign_v1::SignedV1, oss::sign::ParseError>| match p {
        Ok(parts) => format!(
            "v1 {}",
            sign_v1::verify(&parts, &view, CAPTURE_SECRET, now).is_ok()
        ),
        Err(e) => words(&e.to_string()),
    };
    let v4 = |p: Result<sign_v4::SignedV4, oss::sign::ParseError>| match p {
        Ok(parts) => format!(
            "v4 {}",
            sign_v4::verify(&parts, &view, CAPTURE_SECRET, now).is_ok()
        ),
        Err(e) => words(&e.to_string()),
    };
    [
        v1(sign_v1::from_authorization(authorization)),
        sign_v1::from_query(raw_query).map_or("-".into(), v1),
        v4(sign_v4::from_authorization(authorization)),
        sign_v4::from_query(raw_query).map_or("-".into(), v4),
        match sign_v4::parse_credential(authorization, "Credential") {
            Ok(_) => "credential".into(),
            Err(e) => words(&e.to_string()),
        },
        format!("{:?}", oss::sign::parse_http_date(raw_query).is_some()),
    ]
    .join(" | ")
}

/// A COS policy document (PUT `?policy`), read as a bucket, a CAM user and an STS session policy.
pub fn cos_policy(input: &[u8]) -> String {
    use policy::PolicyKind::*;
    let limits = policy::Limits::bucket();
    [Bucket, User, Session]
        .map(|kind| result(policy::parse(input, kind, &limits)))
        .join(" | ")
}

/// An OSS policy document, read as a bucket and a RAM policy.
pub fn oss_policy(input: &[u8]) -> String {
    use oss::policy::PolicyKind::*;
    [Bucket, Ram]
        .map(|kind| match oss::policy::parse(input, kind) {
            Ok(_) => "ok".to_string(),
            Err(e) => words(&format!("{} {}", e.path, e.rule)),
        })
        .join(" | ")
}

/// An `AccessControlPolicy` body (PUT `?acl`), for a bucket and an object.
pub fn acl_xml(input: &[u8]) -> String {
    [ResourceKind::Bucket, ResourceKind::Object]
        .map(|kind| result(acl::from_request(kind, OWNER, &[], input)))
        .join(" | ")
}

/// `x-cos-acl` / `x-cos-grant-*` headers: `name: value` lines (names lower-cased, as the request
/// path gives them), for a bucket and an object.
pub fn acl_headers(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let headers: Vec<(String, String)> = header_lines(lines(&text))
        .into_iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v))
        .collect();
    [ResourceKind::Bucket, ResourceKind::Object]
        .map(|kind| result(acl::from_headers(kind, OWNER, &headers)))
        .join(" | ")
}

/// A `CORSConfiguration` body (PUT `?cors`); what parses is written back.
pub fn cors_xml(input: &[u8]) -> String {
    result(cors::from_xml(input).and_then(|c| cors::to_xml(&c)))
}

/// A `LifecycleConfiguration` body (PUT `?lifecycle`); what parses is written back.
pub fn lifecycle_xml(input: &[u8]) -> String {
    result(lifecycle::from_xml(input).and_then(|c| lifecycle::to_xml(&c)))
}

/// A `CompleteMultipartUpload` body.
pub fn complete_multipart(input: &[u8]) -> String {
    use crate::handlers::multipart_xml::CompleteRequest;
    result(crate::xml::from_xml::<CompleteRequest>(input))
}

/// A `Delete` body (POST `?delete`).
pub fn delete_xml(input: &[u8]) -> String {
    result(crate::handlers::delete_multiple::parse(input))
}

/// A POST Object form: the body, under `multipart/form-data; boundary=fuzzboundary` unless the first
/// line is `Content-Type: …`. What parses gives its key and its decoded policy, which is read too.
pub fn post_form(input: &[u8]) -> String {
    let (content_type, body) = match input.strip_prefix(b"Content-Type: ") {
        Some(rest) => {
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let ct = String::from_utf8_lossy(&rest[..end]).trim().to_string();
            (ct, &rest[(end + 1).min(rest.len())..])
        }
        None => ("multipart/form-data; boundary=fuzzboundary".into(), input),
    };
    let parsed = form::parse(Some(&content_type), &Bytes::copy_from_slice(body));
    let form = match parsed {
        Ok(form) => form,
        Err(e) => return label(&e),
    };
    let key = result(form.key());
    let policy = match form::policy_text(&form) {
        Ok(Some(text)) => result(form::parse_policy(&text)),
        other => result(other),
    };
    format!("{key} | {policy}")
}

/// A POST policy's JSON text (the `policy` field, decoded); what parses is checked against a form
/// with a few fields at the capture time.
pub fn post_policy(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let policy = match form::parse_policy(&text) {
        Ok(p) => p,
        Err(e) => return label(&e),
    };
    let fields = |name: &str| match name {
        "key" => Some("uploads/a.txt".to_string()),
        "bucket" => Some("examplebucket-1250000000".to_string()),
        "content-type" => Some("text/plain".to_string()),
        "x-cos-meta-a" => Some("b".to_string()),
        _ => None,
    };
    let at = UNIX_EPOCH + Duration::from_secs(CAPTURE_NOW);
    result(form::check_policy(&policy, fields, 12, at))
}

/// A `Tagging` body for an object and a bucket, and the whole input as an `x-cos-tagging` header.
pub fn tagging_target(input: &[u8]) -> String {
    let header = result(tagging::from_header(&String::from_utf8_lossy(input)));
    let object = result(tagging::from_xml(input, tagging::Scope::Object));
    let bucket = result(tagging::from_xml(input, tagging::Scope::Bucket));
    format!("{object} | {bucket} | {header}")
}

/// A `VersioningConfiguration` body.
pub fn versioning_xml(input: &[u8]) -> String {
    result(versioning::from_xml(input))
}

/// A `ServerSideEncryptionConfiguration` body; what parses is written back.
pub fn encryption_xml(input: &[u8]) -> String {
    result(sse::config_from_xml(input).and_then(|c| sse::config_to_xml(&c)))
}

/// An `x-cos-copy-source` header value.
pub fn copy_source(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    result(crate::handlers::copy::parse_copy_source(
        &text,
        "ap-guangzhou",
    ))
}

/// A stored-only bucket configuration body (referer, website, logging, inventory, ...), read as
/// every kind (the root element picks the one that gets past the root check), with the `id`
/// parameter taken from the body's first `<Id>`. What parses is rendered; a referer configuration
/// is also checked against a request with a `Referer`.
pub fn bucket_config(input: &[u8]) -> String {
    use crate::bucket_config::{self as config, Kind, Put};
    let text = String::from_utf8_lossy(input);
    let id = text
        .split_once("<Id>")
        .and_then(|(_, rest)| rest.split_once("</Id>"))
        .map(|(id, _)| id);
    let mut out = Vec::new();
    for &kind in Kind::ALL {
        match config::parse(kind, input, id) {
            Ok(Put::Set(doc)) => {
                let _ = doc.to_document();
                if kind == Kind::Referer {
                    let referer = Some("https://www.example.com/a");
                    let _ = config::referer::check(Some(&doc), false, referer);
                }
                out.push(format!("{kind:?} ok"));
            }
            Ok(Put::Clear) => out.push(format!("{kind:?} clear")),
            Err(e) if e.message.contains("root element") => {}
            Err(e) => out.push(format!("{kind:?} {}", label(&e))),
        }
    }
    out.join(" | ")
}

/// The key ring: the default account, plus the captures' key pair for COS and OSS.
fn keys() -> &'static KeyRing {
    static KEYS: OnceLock<KeyRing> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut config = Config::default();
        config.accounts.push(Account {
            uin: "100000000002".into(),
            appid: "1250000000".into(),
            secret_id: CAPTURE_ID.into(),
            secret_key: CAPTURE_SECRET.into(),
            users: Vec::new(),
            roles: Vec::new(),
        });
        config.oss.accounts.push(OssAccount {
            uid: "1000000000000002".into(),
            access_key_id: CAPTURE_ID.into(),
            access_key_secret: CAPTURE_SECRET.into(),
            users: Vec::new(),
        });
        KeyRing::from_config(&config).expect("the fuzz key ring is valid")
    })
}

/// Reads a request head the way hyper hands it over; `None` where hyper would answer 400 itself.
fn head(input: &[u8]) -> Option<http::request::Parts> {
    let mut lines = input
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut first = lines.next()?.splitn(3, |&b| b == b' ');
    let method = http::Method::from_bytes(first.next()?).ok()?;
    let uri = http::Uri::from_maybe_shared(Bytes::copy_from_slice(first.next()?)).ok()?;
    let mut builder = http::Request::builder().method(method).uri(uri);
    for line in lines.take_while(|l| !l.is_empty()) {
        let colon = line.iter().position(|&b| b == b':')?;
        let name = http::HeaderName::from_bytes(&line[..colon]).ok()?;
        let value = http::HeaderValue::from_bytes(line[colon + 1..].trim_ascii()).ok()?;
        builder = builder.header(name, value);
    }
    Some(builder.body(()).ok()?.into_parts().0)
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// `name: value` lines (a line without `:` is a name with an empty value), as received.
fn header_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap_or((l, ""));
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect()
}

fn both(a: Result<(), CosError>, b: Result<(), CosError>) -> String {
    format!("{} | {}", result(a), result(b))
}

fn result<T>(r: Result<T, CosError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => label(&e),
    }
}

fn label(e: &CosError) -> String {
    format!("{:?} {}", e.code, words(&e.message))
}

/// The first two words of `text` made only of letters, outside quotes: stable across inputs that
/// fail the same way (messages echo what was sent), so labels count failure kinds, not inputs.
fn words(text: &str) -> String {
    let mut unquoted = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' | '`' => quoted = !quoted,
            _ if quoted => {}
            _ => unquoted.push(c),
        }
    }
    unquoted
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, ':' | ',' | '.' | '(' | ')')))
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphabetic()))
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_takes_empty_and_binary_input() {
        for (name, entry) in TARGETS {
            for input in [&b""[..], b"\xff\xfe\x00<", b"\n\n\n:"] {
                assert!(
                    !entry(input).is_empty() || *name == "bucket-config",
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn route_authenticates_a_capture_signed_request() {
        let now = CAPTURE_NOW;
        let host = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
        let auth = cos_sign::authorization(
            CAPTURE_ID,
            CAPTURE_SECRET,
            now - 60,
            now + 600,
            "GET",
            "/a.txt",
            &[],
            &[("host", host)],
        );
        let head = format!("GET /a.txt HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\n\r\n");
        assert_eq!(route(head.as_bytes()), "ok | ok");
    }

    #[test]
    fn words_drop_echoed_input() {
        assert_eq!(words("Invalid value \"x\" at 12: 9zz"), "Invalid value");
        assert_eq!(words("`k` is: ok"), "is ok");
    }
}
