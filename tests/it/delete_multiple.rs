//! DELETE Multiple Objects (`POST /?delete`) over the socket: results, Quiet mode, Content-MD5,
//! limits and per-key authorization.

use crate::util::*;

fn body(quiet: Option<bool>, keys: &[&str]) -> Vec<u8> {
    let mut x = String::from("<Delete>");
    if let Some(q) = quiet {
        x.push_str(&format!("<Quiet>{q}</Quiet>"));
    }
    for k in keys {
        x.push_str(&format!("<Object><Key>{k}</Key></Object>"));
    }
    x.push_str("</Delete>");
    x.into_bytes()
}

fn delete(s: &Server, body: &[u8]) -> Req {
    with_body(s, "POST", "/?delete", body)
}

#[test]
fn delete_multiple_deletes_and_reports_every_key() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    s.put("dir/b c", b"2");
    s.put("keep", b"3");
    let b = body(Some(false), &["a", "dir/b c", "missing"]);
    let r = delete(&s, &b).send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<DeleteResult>"), "{}", r.text());
    assert_eq!(r.xml_all("Key"), ["a", "dir/b c", "missing"]);
    assert!(r.xml("Error").is_none());
    s.req("GET", "/a").send().assert_error(404, "NoSuchKey");
    s.req("GET", "/dir/b%20c")
        .send()
        .assert_error(404, "NoSuchKey");
    assert_eq!(s.req("GET", "/keep").send().status, 200);
}

#[test]
fn delete_multiple_quiet_lists_only_errors() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    let b = body(Some(true), &["a"]);
    let r = delete(&s, &b).send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.xml("Deleted").is_none(), "{}", r.text());
    let long = "k".repeat(851);
    let b = body(Some(true), &["b", &long]);
    let r = delete(&s, &b).send();
    assert_eq!(r.xml_all("Key"), vec![long]);
    assert_eq!(r.xml("Code").as_deref(), Some("KeyTooLong"));
}

#[test]
fn delete_multiple_without_content_md5_is_invalid_request() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    let r = s.req("POST", "/?delete").body(&body(None, &["a"])).send();
    r.assert_error(400, "InvalidRequest");
    assert!(r.xml("Message").unwrap_or_default().contains("Content-MD5"));
    assert_eq!(s.req("GET", "/a").send().status, 200);
}

#[test]
fn delete_multiple_wrong_content_md5_is_bad_digest() {
    let s = Server::start();
    s.create_bucket();
    delete(&s, &body(None, &["a"]))
        .header("Content-MD5", &md5_b64(b"other"))
        .send()
        .assert_error(400, "BadDigest");
}

#[test]
fn delete_multiple_bad_bodies_are_malformed_xml() {
    let s = Server::start();
    s.create_bucket();
    let keys: Vec<String> = (0..1001).map(|i| format!("k{i}")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    for b in [
        body(None, &refs),
        body(None, &[]),
        b"<Delete><Quiet>maybe</Quiet><Object><Key>a</Key></Object></Delete>".to_vec(),
        b"<Delete><Object><Key>a</Key>".to_vec(),
        b"<Delete><Object></Object></Delete>".to_vec(),
    ] {
        delete(&s, &b).send().assert_error(400, "MalformedXML");
    }
    let r = delete(&s, &body(None, &refs[..1000])).send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn delete_multiple_on_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    delete(&s, &body(None, &["a"]))
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn delete_multiple_keys_caller_may_not_delete_are_access_denied_entries() {
    let mut config = cos_mock::config::Config::default();
    config.accounts.push(other_account());
    let s = Server::with_config(config);
    s.create_bucket();
    s.put("a", b"1");
    let b = body(Some(true), &["a", "b"]);
    let r = delete(&s, &b).keys("AKIDOTHER", "other").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml_all("Key"), ["a", "b"]);
    assert_eq!(r.xml_all("Code"), ["AccessDenied", "AccessDenied"]);
    assert_eq!(r.xml_all("Message"), ["Access Denied.", "Access Denied."]);
    assert_eq!(s.req("GET", "/a").send().status, 200);
    let r = delete(&s, &b).anonymous().send();
    assert_eq!(r.xml_all("Code"), ["AccessDenied", "AccessDenied"]);
}

#[test]
fn delete_multiple_respects_a_policy_deny_on_a_prefix_even_for_the_owner() {
    let s = Server::start();
    s.create_bucket();
    s.put("secret/x", b"1");
    s.put("open/y", b"2");
    let policy = r#"{"version":"2.0","statement":[{"effect":"deny","principal":{"qcs":["*"]},
        "action":["name/cos:DeleteObject","name/cos:DeleteMultipleObjects"],
        "resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/secret/*"]}]}"#;
    assert_eq!(
        s.req("PUT", "/?policy")
            .body(policy.as_bytes())
            .send()
            .status,
        204
    );
    let r = delete(&s, &body(None, &["secret/x", "open/y"])).send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml_all("Key"), ["open/y", "secret/x"], "{}", r.text());
    assert!(
        r.text().contains("<Code>AccessDenied</Code>"),
        "{}",
        r.text()
    );
    assert_eq!(s.req("GET", "/secret/x").send().body, b"1");
    s.req("GET", "/open/y")
        .send()
        .assert_error(404, "NoSuchKey");
}
