//! Common headers, header spelling, error bodies, NotImplemented, Content-MD5, lengths.

use crate::util::*;

#[test]
fn every_response_has_server_date_and_request_id() {
    let s = Server::start();
    let r = s
        .req("GET", "/_cos-mock/health")
        .header("Host", "127.0.0.1")
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Server"), Some("tencent-cos"));
    assert!(httpdate::parse_http_date(r.header("Date").unwrap()).is_ok());
    assert!(!r.header("x-cos-request-id").unwrap().is_empty());
    assert!(r.header("x-cos-trace-id").is_none());
}

#[test]
fn response_head_spells_header_names_as_cos() {
    let s = Server::start();
    s.create_bucket();
    s.put("a.txt", b"hello");
    let r = s.req("GET", "/a.txt").send();
    for name in [
        "ETag: ",
        "Content-Length: ",
        "Content-Type: ",
        "Last-Modified: ",
        "Date: ",
        "Server: ",
        "Accept-Ranges: ",
        "x-cos-request-id: ",
        "x-cos-hash-crc64ecma: ",
    ] {
        assert!(
            r.raw_head.contains(&format!("\r\n{name}")),
            "{name} missing in\n{}",
            r.raw_head
        );
    }
}

#[test]
fn error_body_has_five_non_empty_elements_and_trace_id_header() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("GET", "/missing.txt").send();
    r.assert_error(404, "NoSuchKey");
    assert_eq!(r.header("Content-Type"), Some("application/xml"));
    assert!(r
        .text()
        .starts_with("<?xml version='1.0' encoding='utf-8' ?>"));
    for el in ["Code", "Message", "Resource", "RequestId", "TraceId"] {
        assert!(!r.xml(el).unwrap_or_default().is_empty(), "{el}");
    }
    assert_eq!(r.xml("RequestId").as_deref(), r.header("x-cos-request-id"));
    assert_eq!(r.xml("TraceId").as_deref(), r.header("x-cos-trace-id"));
    assert_eq!(r.xml("Resource").unwrap(), format!("{HOST}/missing.txt"));
}

#[test]
fn head_error_has_no_body() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("HEAD", "/missing.txt").send();
    assert_eq!(r.status, 404);
    assert_eq!(r.header("Content-Length"), Some("0"));
    assert!(r.header("x-cos-trace-id").is_some());
}

#[test]
fn unmodelled_api_is_not_implemented_naming_it() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"x");
    let r = s.req("POST", "/k?select&select-type=2").body(b"").send();
    r.assert_error(501, "NotImplemented");
    assert!(
        r.xml("Message").unwrap().contains("SelectObjectContent"),
        "{}",
        r.text()
    );
    let r = s.req("GET", "/?notification").send();
    r.assert_error(501, "NotImplemented");
}

#[test]
fn wrong_method_on_subresource_is_method_not_allowed() {
    let s = Server::start();
    s.create_bucket();
    s.req("POST", "/?acl")
        .send()
        .assert_error(405, "MethodNotAllowed");
}

#[test]
fn put_object_content_md5_not_base64_is_invalid_digest() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/a.txt")
        .header("Content-MD5", "not-md5")
        .body(b"hello")
        .send();
    r.assert_error(400, "InvalidDigest");
    s.req("GET", "/a.txt").send().assert_error(404, "NoSuchKey");
}

#[test]
fn put_object_content_md5_wrong_digest_is_bad_digest_and_nothing_stored() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/a.txt")
        .header("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
        .body(b"hello")
        .send();
    r.assert_error(400, "BadDigest");
    s.req("GET", "/a.txt").send().assert_error(404, "NoSuchKey");
}

#[test]
fn put_object_content_md5_right_is_accepted() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/a.txt")
        .header("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg==")
        .body(b"hello")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn put_without_content_length_is_missing_content_length() {
    let s = Server::start();
    let head =
        "PUT /examplebucket-1250000000 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let r = send_raw(s.addr, head.as_bytes(), b"", false);
    r.assert_error(411, "MissingContentLength");
}

#[test]
fn garbage_request_line_does_not_take_the_server_down() {
    let s = Server::start();
    let _ = std::panic::catch_unwind(|| send_raw(s.addr, b"\x00\x01garbage\r\n\r\n", b"", false));
    let r = s
        .req("GET", "/_cos-mock/health")
        .header("Host", "127.0.0.1")
        .send();
    assert_eq!(r.status, 200);
}

#[test]
fn invalid_utf8_path_is_invalid_uri() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/%ff%fe")
        .anonymous()
        .send()
        .assert_error(400, "InvalidURI");
}

#[test]
fn expect_100_continue_is_answered() {
    use std::io::{Read, Write};
    let s = Server::start();
    s.create_bucket();
    let req = s
        .req("PUT", "/e.txt")
        .header("Expect", "100-continue")
        .body(b"hello");
    let auth = req.authorization().unwrap();
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let head = format!("PUT /e.txt HTTP/1.1\r\nHost: {HOST}\r\nExpect: 100-continue\r\nContent-Length: 5\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut buf = [0u8; 25];
    stream.read_exact(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 100 Continue"));
    stream.write_all(b"hello").unwrap();
    let mut rest = String::new();
    stream.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("HTTP/1.1 200 OK"), "{rest}");
}

/// A body of 256 KiB or more is summed while it arrives (frames kept, not joined): its
/// Content-MD5 is checked the same way, a wrong one stores nothing, and the stored bytes, ranges
/// across frame boundaries included, read back as sent.
#[test]
fn put_object_large_body_content_md5_checked_while_streamed() {
    let s = Server::start();
    s.create_bucket();
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    s.req("PUT", "/big.bin")
        .header("Content-MD5", &md5_b64(b"other bytes"))
        .body(&body)
        .send()
        .assert_error(400, "BadDigest");
    s.req("GET", "/big.bin")
        .send()
        .assert_error(404, "NoSuchKey");
    let r = s
        .req("PUT", "/big.bin")
        .header("Content-MD5", &md5_b64(&body))
        .body(&body)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some(cos_mock::checksum::crc64(&body).to_string().as_str())
    );
    let g = s
        .req("GET", "/big.bin")
        .header("Range", "bytes=65530-2100000")
        .send();
    assert_eq!(g.status, 206);
    assert!(g.body == body[65530..=2_100_000], "range bytes differ");
    assert!(
        s.req("GET", "/big.bin").send().body == body,
        "object bytes differ"
    );
}
