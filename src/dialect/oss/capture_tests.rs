//! Every OSS-signed request captured from real SDKs (oss2, alibabacloud-oss-v2, ali-oss) verifies with
//! the capture secret, except the six oss.md names; a tampered copy of each does not.

use super::sign::{RequestView, VerifyError};
use super::{sign_v1, sign_v4};
use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;
use std::path::PathBuf;

const FILES: [&str; 3] = ["oss2.jsonl", "alibabacloud_oss_v2.jsonl", "ali_oss.jsonl"];
/// real-clients.md "Test identities": the captures were signed with the COS test pair.
const ACCESS_KEY_ID: &str = "AKIDEXAMPLEsecretid0123456789abcdef";
const SECRET: &str = "EXAMPLEsecretkey0123456789abcdef";

/// The requests oss.md §intro names as not verifiable, by (file, op), with the reason.
const EXCEPTIONS: [(&str, &str, Exception); 6] = [
    (
        "alibabacloud_oss_v2.jsonl",
        "v1:put_object[doc/./dot.txt]",
        Exception::DotKey,
    ),
    (
        "alibabacloud_oss_v2.jsonl",
        "v4:put_object[doc/./dot.txt]",
        Exception::DotKey,
    ),
    (
        "ali_oss.jsonl",
        "V1_ip:put_object[doc/./dot.txt]",
        Exception::DotKey,
    ),
    (
        "ali_oss.jsonl",
        "V4_ip:put_object[doc/./dot.txt]",
        Exception::DotKey,
    ),
    (
        "ali_oss.jsonl",
        "V4_sld:put_object",
        Exception::VirtualHostPathStyle,
    ),
    (
        "ali_oss.jsonl",
        "V4_sld:put_bucket_acl_header",
        Exception::VirtualHostPathStyle,
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exception {
    /// The client signs `doc/./dot.txt` but sends the normalised `/doc/dot.txt`.
    DotKey,
    /// `Host: <bucket>.oss-…` (so the bucket comes from the Host) and a path that repeats the bucket.
    VirtualHostPathStyle,
}

#[derive(Debug, Clone)]
enum Signed {
    V1(sign_v1::SignedV1),
    V4(sign_v4::SignedV4),
}

#[derive(Debug, Clone)]
struct Capture {
    file: String,
    op: String,
    method: String,
    raw_path: String,
    bucket: Option<String>,
    key: String,
    raw_query: String,
    headers: Vec<(String, String)>,
    signed: Signed,
    now: i64,
}

impl Capture {
    fn label(&self) -> String {
        format!("{} {}", self.file, self.op)
    }

    fn verify(&self) -> Result<(), VerifyError> {
        let req = RequestView {
            method: &self.method,
            bucket: self.bucket.as_deref(),
            key: &self.key,
            raw_query: &self.raw_query,
            headers: &self.headers,
        };
        let ak = match &self.signed {
            Signed::V1(p) => sign_v1::verify(p, &req, SECRET, self.now)?,
            Signed::V4(p) => sign_v4::verify(p, &req, SECRET, self.now)?,
        };
        assert_eq!(ak, ACCESS_KEY_ID);
        Ok(())
    }

    fn exception(&self) -> Option<Exception> {
        EXCEPTIONS
            .iter()
            .find(|(f, op, _)| *f == self.file && *op == self.op)
            .map(|(_, _, e)| *e)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The shared captures (`../shared/fixtures/captures`), or a copy in the repository's `fixtures/captures`.
fn capture_file(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let local = root.join("fixtures/captures").join(name);
    if local.exists() {
        return local;
    }
    root.join("../shared/fixtures/captures").join(name)
}

/// oss.md §2: `<bucket>.oss-<region>[-internal].aliyuncs.com` is virtual-hosted, anything else path style.
fn address(host: &str, raw_path: &str) -> (Option<String>, String) {
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let decode = |s: &str| percent_decode_str(s).decode_utf8().unwrap().into_owned();
    let path = raw_path.strip_prefix('/').unwrap_or(raw_path);
    if let Some((bucket, rest)) = host.split_once('.') {
        if rest.starts_with("oss-") && rest.ends_with(".aliyuncs.com") {
            return (Some(bucket.to_string()), decode(path));
        }
    }
    match path.split_once('/') {
        None if path.is_empty() => (None, String::new()),
        None => (Some(decode(path)), String::new()),
        Some((bucket, key)) => (Some(decode(bucket)), decode(key)),
    }
}

fn signed_captures() -> Vec<Capture> {
    let mut out = Vec::new();
    for file in FILES {
        let path = capture_file(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(c) = signed_capture(file, &v) {
                out.push(c);
            }
        }
    }
    out
}

fn signed_capture(file: &str, v: &serde_json::Value) -> Option<Capture> {
    let mut target = v["target"].as_str().unwrap();
    if let Some((_, rest)) = target.split_once("://") {
        target = rest.find('/').map_or("/", |i| &rest[i..]);
    }
    let (raw_path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let name = h[0].as_str().unwrap().to_ascii_lowercase();
            (name, h[1].as_str().unwrap().to_string())
        })
        .collect();
    let auth = headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .map(|(_, v)| v.as_str());
    let op = v["op"].as_str().unwrap().to_string();
    let signed = match auth {
        Some(a) if a.starts_with("OSS4-HMAC-SHA256") => {
            Signed::V4(sign_v4::from_authorization(a).unwrap_or_else(|e| panic!("{op}: {e}")))
        }
        Some(a) if a.starts_with("OSS ") => {
            Signed::V1(sign_v1::from_authorization(a).unwrap_or_else(|e| panic!("{op}: {e}")))
        }
        _ => match (
            sign_v1::from_query(raw_query),
            sign_v4::from_query(raw_query),
        ) {
            (Some(p), _) => Signed::V1(p.unwrap()),
            (_, Some(p)) => Signed::V4(p.unwrap()),
            _ => return None,
        },
    };
    let host = headers
        .iter()
        .find(|(n, _)| n == "host")
        .map_or("", |(_, v)| v.as_str());
    let (bucket, key) = address(host, raw_path);
    Some(Capture {
        file: file.to_string(),
        op,
        method: v["method"].as_str().unwrap().to_string(),
        raw_path: raw_path.to_string(),
        bucket,
        key,
        raw_query: raw_query.to_string(),
        headers,
        signed,
        now: v["ts"].as_f64().unwrap() as i64,
    })
}

#[test]
fn verify_every_signed_oss_capture_succeeds_except_the_named_six() {
    let captures = signed_captures();
    let mut per_file = BTreeMap::<&str, (usize, usize)>::new();
    let mut exceptions_seen = Vec::new();
    for c in &captures {
        let entry = per_file.entry(&c.file).or_default();
        match c.exception() {
            None => {
                if let Err(e) = c.verify() {
                    panic!("{}: {e:?}", c.label());
                }
                entry.0 += 1;
            }
            Some(kind) => {
                assert!(
                    matches!(c.verify(), Err(VerifyError::Mismatch(_))),
                    "{}: a named exception verifies",
                    c.label()
                );
                // Each fails for the stated reason: fixing that one thing makes it verify.
                let mut fixed = c.clone();
                match kind {
                    Exception::DotKey => fixed.key = fixed.key.replace("doc/", "doc/./"),
                    Exception::VirtualHostPathStyle => {
                        (fixed.bucket, fixed.key) = address("127.0.0.1", &c.raw_path)
                    }
                }
                assert_eq!(fixed.verify(), Ok(()), "{}: {kind:?}", c.label());
                exceptions_seen.push((c.file.as_str(), c.op.as_str()));
                entry.1 += 1;
            }
        }
    }
    let named: Vec<(&str, &str)> = EXCEPTIONS.iter().map(|(f, op, _)| (*f, *op)).collect();
    assert_eq!(exceptions_seen, named);
    let verified: usize = per_file.values().map(|(v, _)| v).sum();
    println!("OSS captures (verified, named exceptions) per file: {per_file:?}");
    assert_eq!(
        captures.len(),
        92,
        "every request of the three files is signed"
    );
    assert_eq!(verified, 86);
}

/// The same value with its seconds moved by one (still a valid date, so only the signature can object).
fn one_second_off(date: &str, seconds_at: usize) -> String {
    let s: u32 = date[seconds_at..seconds_at + 2].parse().unwrap();
    let s = if s < 59 { s + 1 } else { s - 1 };
    format!("{}{s:02}{}", &date[..seconds_at], &date[seconds_at + 2..])
}

fn changed(s: &str) -> String {
    match s.chars().next() {
        Some(c) => format!("{}{}", if c == 'x' { 'y' } else { 'x' }, &s[c.len_utf8()..]),
        None => "x".into(),
    }
}

/// Names of the headers the capture's signature covers.
fn signed_headers(c: &Capture) -> Vec<String> {
    let mut names: Vec<String> = c
        .headers
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| n.starts_with("x-oss-") || n == "content-type" || n == "content-md5")
        .collect();
    match &c.signed {
        Signed::V1(_) if c.header("x-oss-date").is_none() => names.push("date".into()),
        Signed::V1(_) => {}
        Signed::V4(p) => names.extend(p.additional_headers.iter().cloned()),
    }
    names
}

/// Decoded names of the query parameters the capture's signature covers.
fn signed_params(c: &Capture) -> Vec<String> {
    super::sign::query_pairs(&c.raw_query)
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| match &c.signed {
            Signed::V1(_) => sign_v1::SUBRESOURCES.contains(&k.as_str()),
            Signed::V4(_) => k != "x-oss-signature",
        })
        .collect()
}

fn with_param(raw_query: &str, name: &str, change: Option<&str>) -> String {
    let parts: Vec<String> = raw_query
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if percent_decode_str(k).decode_utf8_lossy() != name {
                return Some(pair.to_string());
            }
            change.map(|suffix| format!("{k}={v}{suffix}"))
        })
        .collect();
    parts.join("&")
}

fn tampered_copies(c: &Capture) -> Vec<(String, Capture)> {
    let mut out = Vec::new();
    let mut push = |what: String, f: &dyn Fn(&mut Capture)| {
        let mut t = c.clone();
        f(&mut t);
        out.push((what, t));
    };
    push("method".into(), &|t| {
        t.method = if t.method == "GET" { "PUT" } else { "GET" }.into()
    });
    push("key".into(), &|t| {
        t.key = match t.key.pop() {
            Some(last) => format!("{}{}", t.key, if last == 'x' { 'y' } else { 'x' }),
            None => "x".into(),
        }
    });
    for name in signed_headers(c) {
        push(format!("header-removed {name}"), &|t| {
            t.headers.retain(|(n, _)| *n != name)
        });
        push(format!("header-changed {name}"), &|t| {
            for (n, v) in t.headers.iter_mut() {
                if *n == name {
                    *v = changed(v);
                }
            }
        });
    }
    for name in signed_params(c) {
        push(format!("param-removed {name}"), &|t| {
            t.raw_query = with_param(&t.raw_query, &name, None)
        });
        push(format!("param-changed {name}"), &|t| {
            t.raw_query = with_param(&t.raw_query, &name, Some("x"))
        });
    }
    let (date_header, seconds_at) = match &c.signed {
        Signed::V4(_) => ("x-oss-date", 13),
        Signed::V1(_) if c.header("x-oss-date").is_some() => ("x-oss-date", 23),
        Signed::V1(_) => ("date", 23),
    };
    push(format!("date {date_header}"), &|t| {
        for (n, v) in t.headers.iter_mut() {
            if n == date_header {
                *v = one_second_off(v, seconds_at);
            }
        }
    });
    if let Signed::V4(p) = &c.signed {
        let mut region = p.clone();
        region.scope.region = "cn-shanghai".into();
        push("scope region".into(), &|t| {
            t.signed = Signed::V4(region.clone())
        });
        let mut date = p.clone();
        date.scope.date = "20261121".into();
        push("scope date".into(), &|t| {
            t.signed = Signed::V4(date.clone())
        });
    }
    out
}

#[test]
fn verify_tampered_oss_captures_fails() {
    let captures: Vec<Capture> = signed_captures()
        .into_iter()
        .filter(|c| c.exception().is_none())
        .collect();
    let mut counts = BTreeMap::<String, usize>::new();
    for c in &captures {
        for (what, t) in tampered_copies(c) {
            let result = t.verify();
            assert!(
                result.is_err(),
                "{}: tampered {what} still verifies",
                c.label()
            );
            if what.starts_with("date") || what.starts_with("scope") {
                assert!(
                    matches!(result, Err(VerifyError::Mismatch(_))),
                    "{}: {what}: {result:?}",
                    c.label()
                );
            }
            let kind = what.split(' ').next().unwrap_or_default().to_string();
            *counts.entry(kind).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    println!(
        "rejected {total} tampered copies of {} OSS captures: {counts:?}",
        captures.len()
    );
    assert!(total > 5 * captures.len());
}
