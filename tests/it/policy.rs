//! Bucket policy over the socket: PUT / GET / DELETE `?policy`, every fixture.

use std::path::PathBuf;

use crate::util::*;

fn fixtures(dir: &str) -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/policy")
        .join(dir);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The policy a document means, as the server parses it.
fn meaning(body: &[u8]) -> cos_mock::policy::Policy {
    use cos_mock::policy::{parse, Limits, PolicyKind};
    parse(body, PolicyKind::Bucket, &Limits::default()).expect("a valid policy")
}

/// GET `?policy` answers COS's normalised form (API doc "GET Bucket policy"): `Statement` then
/// `version` at the top, each statement's fields capitalised in COS's order with its principals.
fn assert_normalised(got: &[u8], put: &[u8], name: &str) {
    let json: serde_json::Value = serde_json::from_slice(got).expect("JSON");
    let top: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(top, ["Statement", "version"], "{name}");
    let order = [
        "Sid",
        "Principal",
        "Effect",
        "Action",
        "Resource",
        "Condition",
    ];
    for st in json["Statement"].as_array().unwrap() {
        let keys: Vec<&str> = st.as_object().unwrap().keys().map(String::as_str).collect();
        let expected: Vec<&str> = order.iter().copied().filter(|k| keys.contains(k)).collect();
        assert_eq!(
            keys, expected,
            "{name}: fields in COS's order, nothing else"
        );
        assert!(
            st["Principal"]["qcs"].is_array(),
            "{name}: principals in each statement"
        );
        assert!(
            st["Action"].is_array() && st["Resource"].is_array(),
            "{name}"
        );
    }
    assert_eq!(meaning(got), meaning(put), "{name}: same policy as was PUT");
}

#[test]
fn put_policy_valid_fixtures_answer_204_and_get_answers_normalised_form() {
    let s = Server::start();
    s.create_bucket();
    let all = fixtures("valid");
    assert!(all.len() >= 20, "{}", all.len());
    for (name, body) in all {
        let r = s
            .req("PUT", "/?policy")
            .header("Content-Type", "application/json")
            .body(&body)
            .send();
        assert_eq!(r.status, 204, "{name}: {}", r.text());
        assert!(r.header("x-cos-request-id").is_some());
        let r = s.req("GET", "/?policy").send();
        assert_eq!(r.status, 200, "{name}");
        assert_normalised(&r.body, &body, &name);
    }
}

#[test]
fn put_policy_invalid_fixtures_answer_exact_code_and_message() {
    let s = Server::start();
    s.create_bucket();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/policy/invalid");
    let all = fixtures("invalid");
    assert!(all.len() >= 20);
    for (name, body) in all {
        let expected = std::fs::read_to_string(root.join(format!("{name}.expected"))).unwrap();
        let mut lines = expected.lines();
        let (code, message) = (lines.next().unwrap(), lines.next().unwrap_or(""));
        let r = s.req("PUT", "/?policy").body(&body).send();
        r.assert_error(400, code);
        assert_eq!(
            r.xml("Message").unwrap(),
            quick_xml::escape::escape(message),
            "{name}"
        );
        s.req("GET", "/?policy")
            .send()
            .assert_error(404, "NoSuchPolicy");
    }
}

#[test]
fn put_policy_replaces_whole_policy() {
    let s = Server::start();
    s.create_bucket();
    let a = br#"{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":["qcs::cam::anyone:anyone"]},"action":["name/cos:GetObject"],"resource":["*"]}]}"#;
    let b = br#"{"version":"2.0","statement":[{"effect":"deny","principal":{"qcs":["qcs::cam::anyone:anyone"]},"action":["name/cos:GetObject"],"resource":["*"]}]}"#;
    assert_eq!(s.req("PUT", "/?policy=").body(a).send().status, 204);
    assert_eq!(s.req("PUT", "/?policy=").body(b).send().status, 204);
    let got = s.req("GET", "/?policy=").send().body;
    assert_eq!(
        String::from_utf8(got).unwrap(),
        r#"{"Statement":[{"Principal":{"qcs":["qcs::cam::anyone:anyone"]},"Effect":"deny","Action":["name/cos:GetObject"],"Resource":["*"]}],"version":"2.0"}"#
    );
}

#[test]
fn get_policy_none_set_is_no_such_policy() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("GET", "/?policy").send();
    r.assert_error(404, "NoSuchPolicy");
    assert_eq!(
        r.xml("Message").unwrap(),
        "The specified bucket policy does not exist."
    );
}

#[test]
fn delete_policy_answers_204_set_or_not() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(s.req("DELETE", "/?policy").send().status, 204);
    let body = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/policy/valid/doc_8282_put_bucket_policy.json"),
    )
    .unwrap();
    assert_eq!(s.req("PUT", "/?policy").body(&body).send().status, 204);
    assert_eq!(s.req("DELETE", "/?policy").send().status, 204);
    s.req("GET", "/?policy")
        .send()
        .assert_error(404, "NoSuchPolicy");
}

#[test]
fn policy_on_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    s.req("GET", "/?policy")
        .send()
        .assert_error(404, "NoSuchBucket");
    s.req("PUT", "/?policy")
        .body(b"{}")
        .send()
        .assert_error(404, "NoSuchBucket");
    s.req("DELETE", "/?policy")
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn put_policy_over_size_limit_is_malformed_policy() {
    let s = Server::start();
    s.create_bucket();
    let big = format!(
        r#"{{"version":"2.0","statement":[],"pad":"{}"}}"#,
        "x".repeat(21 * 1024)
    );
    let r = s.req("PUT", "/?policy").body(big.as_bytes()).send();
    r.assert_error(400, "MalformedPolicy");
    assert!(
        r.xml("Message")
            .unwrap()
            .contains("exceeds the limit of 20480 bytes"),
        "{}",
        r.text()
    );
}

#[test]
fn put_policy_content_md5_is_checked() {
    let s = Server::start();
    s.create_bucket();
    let body = br#"{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":["*"]},"action":["*"],"resource":["*"]}]}"#;
    s.req("PUT", "/?policy")
        .header("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
        .body(body)
        .send()
        .assert_error(400, "BadDigest");
}
