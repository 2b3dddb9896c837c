//! POST Object: browser form uploads, the form signature, policy conditions and success answers.

use base64::Engine;

use crate::util::*;

const BOUNDARY: &str = "----cosmockFormBoundary7MA4YWxkTrZu0gW";

/// A multipart body with `fields` then the file.
fn form_body(fields: &[(&str, &str)], filename: &str, file: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    out.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    out.extend_from_slice(file);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn post(s: &Server, body: &[u8]) -> Resp {
    s.req("POST", "/")
        .anonymous()
        .header(
            "Content-Type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
}

/// The signature fields for `policy` (JSON text) signed by `secret`, valid for an hour.
fn signed(policy: &str, ak: &str, secret: &str) -> Vec<(String, String)> {
    let key_time = format!("{};{}", now() - 60, now() + 3600);
    vec![
        ("q-sign-algorithm".into(), "sha1".into()),
        ("q-ak".into(), ak.into()),
        ("q-key-time".into(), key_time.clone()),
        (
            "q-signature".into(),
            cos_mock::form::form_signature(secret, &key_time, policy),
        ),
        (
            "policy".into(),
            base64::engine::general_purpose::STANDARD.encode(policy),
        ),
    ]
}

fn policy(conditions: &str) -> String {
    format!(r#"{{"expiration":"2099-01-01T00:00:00.000Z","conditions":[{conditions}]}}"#)
}

pub fn signed_post(s: &Server, extra: &[(&str, &str)], conditions: &str, file: &[u8]) -> Resp {
    let mut fields: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    fields.extend(signed(&policy(conditions), SECRET_ID, SECRET_KEY));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(s, &form_body(&refs, "photo.jpg", file))
}

#[test]
fn post_object_signed_form_stores_object_204() {
    let s = Server::start();
    s.create_bucket();
    let r = signed_post(
        &s,
        &[
            ("key", "up/${filename}"),
            ("Content-Type", "image/jpeg"),
            ("x-cos-meta-who", "browser"),
            ("Cache-Control", "max-age=60"),
        ],
        &format!(r#"{{"bucket":"{BUCKET}"}},["starts-with","$key","up/"]"#),
        b"jpeg bytes",
    );
    assert_eq!(r.status, 204, "{}", r.text());
    use md5::Digest;
    let etag = format!("\"{}\"", hex::encode(md5::Md5::digest(b"jpeg bytes")));
    assert_eq!(r.header("ETag"), Some(etag.as_str()));
    assert!(r.header("Location").unwrap().ends_with("/up/photo.jpg"));
    let g = s.req("GET", "/up/photo.jpg").send();
    assert_eq!(g.status, 200);
    assert_eq!(g.body, b"jpeg bytes");
    assert_eq!(g.header("Content-Type"), Some("image/jpeg"));
    assert_eq!(g.header("x-cos-meta-who"), Some("browser"));
    assert_eq!(g.header("Cache-Control"), Some("max-age=60"));
    assert_eq!(g.header("ETag"), r.header("ETag"));
}

#[test]
fn post_object_status_201_answers_post_response() {
    let s = Server::start();
    s.create_bucket();
    let r = signed_post(
        &s,
        &[("key", "a.txt"), ("success_action_status", "201")],
        "",
        b"hello",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.xml("Bucket").as_deref(), Some(BUCKET));
    assert_eq!(r.xml("Key").as_deref(), Some("a.txt"));
    assert_eq!(
        r.xml("ETag").as_deref(),
        Some("\"5d41402abc4b2a76b9719d911017c592\"")
    );
    assert!(r.xml("Location").unwrap().ends_with("/a.txt"));
    let r = signed_post(
        &s,
        &[("key", "b.txt"), ("success_action_status", "200")],
        "",
        b"x",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn post_object_redirect_answers_303_with_bucket_key_etag() {
    let s = Server::start();
    s.create_bucket();
    let r = signed_post(
        &s,
        &[
            ("key", "a b.txt"),
            ("success_action_redirect", "http://app.example.com/done"),
        ],
        "",
        b"hello",
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("Location"),
        Some(
            "http://app.example.com/done?bucket=examplebucket-1250000000&key=a%20b.txt&etag=%225d41402abc4b2a76b9719d911017c592%22"
        )
    );
}

#[test]
fn post_object_policy_violations_are_access_denied() {
    let s = Server::start();
    s.create_bucket();
    let r = signed_post(
        &s,
        &[("key", "other/a")],
        r#"["starts-with","$key","up/"]"#,
        b"x",
    );
    r.assert_error(403, "AccessDenied");
    assert!(r.xml("Message").unwrap().contains("starts-with"));
    let r = signed_post(
        &s,
        &[("key", "a")],
        r#"["content-length-range",0,3]"#,
        b"toolong",
    );
    r.assert_error(403, "AccessDenied");
    assert!(r.xml("Message").unwrap().contains("content-length-range"));
    let r = signed_post(
        &s,
        &[("key", "a")],
        r#"{"bucket":"other-1250000000"}"#,
        b"x",
    );
    r.assert_error(403, "AccessDenied");
    let r = signed_post(
        &s,
        &[("key", "a")],
        r#"["eq","$Content-Type","image/png"]"#,
        b"x",
    );
    r.assert_error(403, "AccessDenied");
    s.req("GET", "/a").send().assert_error(404, "NoSuchKey");
}

#[test]
fn post_object_expired_policy_is_access_denied() {
    let s = Server::start();
    s.create_bucket();
    let p = r#"{"expiration":"2001-01-01T00:00:00.000Z","conditions":[]}"#;
    let mut fields = vec![("key".to_string(), "a".to_string())];
    fields.extend(signed(p, SECRET_ID, SECRET_KEY));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = post(&s, &form_body(&refs, "f", b"x"));
    r.assert_error(403, "AccessDenied");
    assert!(r.xml("Message").unwrap().contains("expired"));
}

#[test]
fn post_object_wrong_secret_is_signature_does_not_match() {
    let s = Server::start();
    s.create_bucket();
    let mut fields = vec![("key".to_string(), "a".to_string())];
    fields.extend(signed(&policy(""), SECRET_ID, "wrong-secret"));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(&s, &form_body(&refs, "f", b"x")).assert_error(403, "SignatureDoesNotMatch");
}

#[test]
fn post_object_unknown_ak_is_invalid_access_key_id() {
    let s = Server::start();
    s.create_bucket();
    let mut fields = vec![("key".to_string(), "a".to_string())];
    fields.extend(signed(&policy(""), "AKIDNOBODY", "x"));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(&s, &form_body(&refs, "f", b"x")).assert_error(403, "InvalidAccessKeyId");
}

#[test]
fn post_object_unsigned_form_is_anonymous_access_denied() {
    let s = Server::start();
    s.create_bucket();
    post(&s, &form_body(&[("key", "a")], "f", b"x")).assert_error(403, "AccessDenied");
}

#[test]
fn post_object_malformed_forms_are_errors() {
    let s = Server::start();
    s.create_bucket();
    s.req("POST", "/")
        .anonymous()
        .header("Content-Type", "multipart/form-data")
        .body(b"x")
        .send()
        .assert_error(400, "MalformedPOSTRequest");
    s.req("POST", "/")
        .header("Content-Type", "text/plain")
        .body(b"x")
        .send()
        .assert_error(400, "MalformedPOSTRequest");
    let mut fields = signed(&policy(""), SECRET_ID, SECRET_KEY);
    fields.retain(|(k, _)| k != "key");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(&s, &form_body(&refs, "f", b"x")).assert_error(400, "InvalidArgument");
    let r = signed_post(&s, &[("key", "a")], r#"["in","$key","a"]"#, b"x");
    r.assert_error(400, "InvalidPolicyDocument");
}

#[test]
fn post_object_storage_class_field_applies() {
    let s = Server::start();
    s.create_bucket();
    let r = signed_post(
        &s,
        &[("key", "cold"), ("x-cos-storage-class", "ARCHIVE")],
        "",
        b"x",
    );
    assert_eq!(r.status, 204, "{}", r.text());
    s.req("GET", "/cold")
        .send()
        .assert_error(403, "InvalidObjectState");
}

#[test]
fn post_object_signed_with_authorization_header_works() {
    let s = Server::start();
    s.create_bucket();
    let body = form_body(&[("key", "h.txt")], "f", b"hdr");
    let r = s
        .req("POST", "/")
        .header(
            "Content-Type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(&body)
        .send();
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(s.req("GET", "/h.txt").send().body, b"hdr");
}

#[test]
fn post_object_is_authorized_with_its_form_fields_as_condition_keys() {
    let s = Server::start();
    s.create_bucket();
    let policy = r#"{"version":"2.0","statement":[
        {"effect":"allow","principal":{"qcs":["*"]},"action":["name/cos:PutObject","name/cos:PostObject"],"resource":["*"]},
        {"effect":"deny","principal":{"qcs":["*"]},"action":["name/cos:PutObject","name/cos:PostObject"],"resource":["*"],"condition":{"string_equal":{"cos:x-cos-acl":"public-read"}}}]}"#;
    assert_eq!(
        s.req("PUT", "/?policy")
            .body(policy.as_bytes())
            .send()
            .status,
        204
    );
    s.req("PUT", "/p")
        .anonymous()
        .header("x-cos-acl", "public-read")
        .body(b"x")
        .send()
        .assert_error(403, "AccessDenied");
    let r = post(
        &s,
        &form_body(&[("key", "p"), ("x-cos-acl", "public-read")], "p.txt", b"x"),
    );
    r.assert_error(403, "AccessDenied");
    s.req("GET", "/p").send().assert_error(404, "NoSuchKey");
    let r = post(&s, &form_body(&[("key", "p")], "p.txt", b"x"));
    assert_eq!(r.status, 204, "{}", r.text());
}
