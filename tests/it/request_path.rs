//! Regression tests for the request path (issue #9): signatures bind what they list, parameter
//! case smuggling, the key time, bodies read only when allowed, the admin API against web pages,
//! and the service host / path-style addressing rules. Each was accepted before the fix.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use cos_mock::auth::cos_sign;
use cos_mock::config::Config;

use crate::util::*;

/// The Authorization a request to `signed` carries, for sending with another target.
fn auth_for(s: &Server, method: &str, signed: &str, headers: &[(&str, &str)]) -> String {
    let mut r = s.req(method, signed);
    for (k, v) in headers {
        r = r.header(k, v);
    }
    r.authorization().unwrap()
}

#[test]
fn delete_policy_signature_sent_as_delete_bucket_is_refused_and_bucket_kept() {
    let s = Server::start();
    s.create_bucket();
    let auth = auth_for(&s, "DELETE", "/?policy", &[]);
    let r = s
        .req("DELETE", "/")
        .anonymous()
        .header("Authorization", &auth)
        .send();
    r.assert_error(403, "SignatureDoesNotMatch");
    assert!(
        r.xml("Message")
            .unwrap()
            .contains("q-url-param-list names policy"),
        "{}",
        r.text()
    );
    assert_eq!(s.req("HEAD", "/").send().status, 200, "the bucket is kept");
}

#[test]
fn put_acl_signature_sent_as_put_object_is_refused_and_object_kept() {
    let s = Server::start();
    s.create_bucket();
    s.put("o.txt", b"data");
    let acl = [("x-cos-acl", "private")];
    let auth = auth_for(&s, "PUT", "/o.txt?acl", &acl);
    s.req("PUT", "/o.txt")
        .anonymous()
        .header("x-cos-acl", "private")
        .header("Authorization", &auth)
        .send()
        .assert_error(403, "SignatureDoesNotMatch");
    assert_eq!(s.req("GET", "/o.txt").send().body, b"data");
}

#[test]
fn signed_header_removed_is_refused() {
    let s = Server::start();
    s.create_bucket();
    let auth = auth_for(&s, "PUT", "/k", &[("x-cos-storage-class", "ARCHIVE")]);
    s.req("PUT", "/k")
        .anonymous()
        .header("Authorization", &auth)
        .send()
        .assert_error(403, "SignatureDoesNotMatch");
    s.req("HEAD", "/k").send().assert_error(404, "");
}

#[test]
fn upload_part_number_smuggled_in_other_case_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("POST", "/k?uploads").send();
    let upload = r.xml("UploadId").unwrap();
    let auth = auth_for(
        &s,
        "PUT",
        &format!("/k?partNumber=1&uploadId={upload}"),
        &[],
    );
    s.req(
        "PUT",
        &format!("/k?partnumber=1&partNumber=9&uploadId={upload}"),
    )
    .anonymous()
    .header("Authorization", &auth)
    .body(b"part")
    .send()
    .assert_error(400, "InvalidArgument");
    let parts = s.req("GET", &format!("/k?uploadId={upload}")).send();
    assert!(parts.xml_all("PartNumber").is_empty(), "{}", parts.text());
}

#[test]
fn list_prefix_smuggled_in_other_case_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    s.put("secret/a", b"x");
    let auth = auth_for(&s, "GET", "/?prefix=public%2F", &[]);
    let r = s
        .req("GET", "/?Prefix=public%2F&prefix=secret%2F")
        .anonymous()
        .header("Authorization", &auth)
        .send();
    r.assert_error(400, "InvalidArgument");
    assert!(!r.text().contains("secret/a"));
}

#[test]
fn list_prefix_given_twice_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    s.put("secret/a", b"x");
    let auth = auth_for(&s, "GET", "/?prefix=public%2F", &[]);
    let r = s
        .req("GET", "/?prefix=public%2F&prefix=secret%2F")
        .anonymous()
        .header("Authorization", &auth)
        .send();
    r.assert_error(400, "InvalidArgument");
    let message = r.xml("Message").unwrap();
    assert!(
        message.contains("prefix") && message.contains("more than once"),
        "{message}"
    );
}

#[test]
fn append_position_given_twice_is_invalid_argument_and_object_kept() {
    let s = Server::start();
    s.create_bucket();
    s.req("POST", "/log?append&position=0")
        .body(b"first")
        .send()
        .assert_status(200);
    s.req("POST", "/log?append&position=0&position=5")
        .body(b"second")
        .send()
        .assert_error(400, "InvalidArgument");
    assert_eq!(s.req("GET", "/log").send().body, b"first");
}

#[test]
fn single_valued_headers_given_twice_are_invalid_argument_and_nothing_stored() {
    let s = Server::start();
    s.create_bucket();
    for (name, first, second) in [
        ("x-cos-tagging", "a=1", "a=2"),
        ("x-cos-traffic-limit", "819200", "8192000"),
        ("x-cos-server-side-encryption", "AES256", "cos/kms"),
        ("x-cos-acl", "private", "public-read"),
        (
            "Content-MD5",
            "1B2M2Y8AsgTpgAmY7PhCfg==",
            "XUFAKrxLKna5cZ2REBfFkg==",
        ),
    ] {
        let r = s
            .req("PUT", "/dup")
            .header(name, first)
            .also_header(name, second)
            .body(b"")
            .send();
        r.assert_error(400, "InvalidArgument");
        assert!(
            r.xml("Message")
                .unwrap()
                .contains(&name.to_ascii_lowercase()),
            "{name}: {}",
            r.text()
        );
        s.req("HEAD", "/dup").send().assert_status(404);
    }
    // User metadata may repeat, as before (HTTP joins the values).
    s.req("PUT", "/dup")
        .header("x-cos-meta-a", "1")
        .also_header("x-cos-meta-a", "2")
        .send()
        .assert_status(200);
}

#[test]
fn key_time_in_1970_is_request_has_expired() {
    let s = Server::start();
    s.create_bucket();
    let window = format!("{};{}", now() - 60, now() + 3600);
    let mut parts = cos_sign::from_authorization(&auth_for(&s, "GET", "/", &[])).unwrap();
    parts.sign_time = window.clone();
    parts.key_time = "1000;2000".into();
    let headers = vec![("host".to_string(), HOST.to_string())];
    let view = cos_sign::RequestView {
        method: "GET",
        path: "/",
        raw_query: "",
        headers: &headers,
    };
    let to_sign = cos_sign::string_to_sign(&window, &cos_sign::format_string(&parts, &view, None));
    let signature = cos_sign::signature(&cos_sign::sign_key(SECRET_KEY, "1000;2000"), &to_sign);
    let auth = format!(
        "q-sign-algorithm=sha1&q-ak={SECRET_ID}&q-sign-time={window}&q-key-time=1000;2000\
         &q-header-list=host&q-url-param-list=&q-signature={signature}"
    );
    let r = s
        .req("GET", "/")
        .anonymous()
        .header("Authorization", &auth)
        .send();
    r.assert_error(403, "AccessDenied");
    assert_eq!(r.xml("Message").unwrap(), "Request has expired");
}

/// Sends a head declaring `declared` body bytes and then only `sent` of them; returns the answer's
/// head and how long it took, reading until the server closes the connection.
fn partial_body(s: &Server, head: &str, sent: usize) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer and close while this is still being written.
    let _ = stream.write_all(&vec![b'x'; sent]);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    (
        String::from_utf8_lossy(&raw).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn anonymous_gigabyte_put_to_private_bucket_is_refused_before_body_is_read() {
    let s = Server::start();
    s.create_bucket();
    let head = format!("PUT /big HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 1073741824\r\n\r\n");
    let (answer, took) = partial_body(&s, &head, 64 * 1024);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("<Code>AccessDenied</Code>"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(took < Duration::from_secs(5), "answered in {took:?}");
}

#[test]
fn bad_signature_with_large_body_is_refused_before_body_is_read() {
    let s = Server::start();
    s.create_bucket();
    let auth = auth_for(&s, "PUT", "/other", &[]);
    let head = format!(
        "PUT /big HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: {auth}\r\nContent-Length: 1073741824\r\n\r\n"
    );
    let (answer, _) = partial_body(&s, &head, 64 * 1024);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("SignatureDoesNotMatch"), "{answer}");
}

#[test]
fn acl_body_declared_over_limit_is_entity_too_large_before_reading() {
    let s = Server::start();
    s.create_bucket();
    // Signed as the whole body would be (its Content-Length), of which 1 KiB is sent.
    let auth = s
        .req("PUT", "/?acl")
        .body(&vec![b'x'; 1_000_000])
        .authorization()
        .unwrap();
    let head = format!(
        "PUT /?acl HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: {auth}\r\nContent-Length: 1000000\r\n\r\n"
    );
    let (answer, _) = partial_body(&s, &head, 1024);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("<Code>EntityTooLarge</Code>"), "{answer}");
}

#[test]
fn admin_reset_with_huge_body_is_refused_before_reading() {
    let s = Server::start();
    let head = format!(
        "POST /_cos-mock/reset HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: 536870912\r\n\r\n",
        s.addr.port()
    );
    let (answer, _) = partial_body(&s, &head, 64 * 1024);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#"{"code":"EntityTooLarge""#), "{answer}");
}

fn admin(s: &Server, method: &str, path: &str) -> Req {
    s.req(method, path)
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
        .anonymous()
}

#[test]
fn admin_reset_from_another_origin_is_refused_and_state_kept() {
    let s = Server::start();
    s.create_bucket();
    admin(&s, "POST", "/_cos-mock/reset")
        .header("Origin", "http://evil.example")
        .send()
        .assert_error(403, "AccessDenied");
    admin(&s, "POST", "/_cos-mock/reset")
        .header("Origin", "null")
        .send()
        .assert_error(403, "AccessDenied");
    assert_eq!(s.req("HEAD", "/").send().status, 200, "the bucket is kept");
    let own = format!("http://127.0.0.1:{}", s.addr.port());
    let r = admin(&s, "POST", "/_cos-mock/reset")
        .header("Origin", &own)
        .send();
    assert_eq!(r.status, 204, "{}", r.text());
}

#[test]
fn admin_post_with_non_json_body_is_unsupported_media_type() {
    let s = Server::start();
    admin(&s, "POST", "/_cos-mock/clock")
        .header("Content-Type", "text/plain")
        .body(br#"{"advance_seconds": 5}"#)
        .send()
        .assert_error(415, "UnsupportedMediaType");
    admin(&s, "POST", "/_cos-mock/reset")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(b"a=b")
        .send()
        .assert_error(415, "UnsupportedMediaType");
    let r = admin(&s, "POST", "/_cos-mock/clock")
        .header("Content-Type", "application/json; charset=utf-8")
        .body(br#"{"advance_seconds": 5}"#)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn admin_token_required_when_set_except_for_health() {
    let s = Server::with_config(Config {
        admin_token: Some("s3cret".into()),
        ..Config::default()
    });
    admin(&s, "POST", "/_cos-mock/reset")
        .send()
        .assert_error(403, "AccessDenied");
    admin(&s, "GET", "/_cos-mock/state")
        .header("Authorization", "Bearer wrong")
        .send()
        .assert_error(403, "AccessDenied");
    let r = admin(&s, "POST", "/_cos-mock/reset")
        .header("Authorization", "Bearer s3cret")
        .send();
    assert_eq!(r.status, 204);
    assert_eq!(admin(&s, "GET", "/_cos-mock/health").send().status, 200);
}

fn with_default_bucket() -> Server {
    let mut config = Config {
        default_bucket: Some(BUCKET.into()),
        ..Config::default()
    };
    config.accounts.push(other_account());
    Server::with_config(config)
}

#[test]
fn service_host_lists_buckets_even_with_default_bucket() {
    let s = with_default_bucket();
    s.create_bucket();
    let r = s
        .req("GET", "/")
        .header("Host", "service.cos.myqcloud.com")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<ListAllMyBucketsResult"), "{}", r.text());
    assert_eq!(r.xml_all("Name"), vec![BUCKET.to_string()]);
    // Another account lists its own (none), not the default bucket's objects or a 403.
    let r = s
        .req("GET", "/")
        .header("Host", "service.cos.myqcloud.com")
        .keys("AKIDOTHER", "other")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.xml_all("Name").is_empty(), "{}", r.text());
    // The same through cos-mock used as a proxy (absolute-form target).
    let r = s
        .req("GET", "http://service.cos.myqcloud.com/")
        .header("Host", "service.cos.myqcloud.com")
        .send();
    assert!(r.text().contains("<ListAllMyBucketsResult"), "{}", r.text());
}

#[test]
fn path_style_bad_bucket_name_is_invalid_bucket_name_not_a_key() {
    let s = with_default_bucket();
    s.create_bucket();
    s.req("PUT", "/Bad_Name-1250000000/")
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
        .send()
        .assert_error(400, "InvalidBucketName");
    let listing = s.req("GET", "/").send();
    assert!(listing.xml_all("Key").is_empty(), "{}", listing.text());
}
