//! Objects: PUT, GET, HEAD, DELETE with metadata, ranges, conditions and overrides.

use crate::util::*;

#[test]
fn put_object_answers_etag_and_crc64() {
    let s = Server::start();
    s.create_bucket();
    let r = s.put("a.txt", b"hello");
    assert_eq!(
        r.header("ETag"),
        Some("\"5d41402abc4b2a76b9719d911017c592\"")
    );
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some("11177612005948864433")
    );
}

#[test]
fn put_object_to_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    s.req("PUT", "/a.txt")
        .body(b"x")
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn get_object_returns_body_and_stored_headers() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/h.txt")
        .header("Content-Type", "text/plain")
        .header("x-cos-meta-Foo", "Bar Baz/1+2")
        .header("Cache-Control", "no-cache")
        .header("Content-Disposition", "attachment; filename=\"h.txt\"")
        .header("Content-Encoding", "identity")
        .header("Expires", "Wed, 21 Oct 2015 07:28:00 GMT")
        .body(b"hello")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/h.txt").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
    assert_eq!(r.header("Content-Type"), Some("text/plain"));
    assert_eq!(r.header("x-cos-meta-foo"), Some("Bar Baz/1+2"));
    assert_eq!(r.header("Cache-Control"), Some("no-cache"));
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"h.txt\"")
    );
    assert_eq!(r.header("Content-Encoding"), Some("identity"));
    assert_eq!(r.header("Expires"), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_eq!(r.header("Content-Length"), Some("5"));
    assert!(
        r.raw_head.contains("\r\nCache-Control: no-cache"),
        "{}",
        r.raw_head
    );
}

#[test]
fn head_object_has_headers_no_body() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"hello");
    let r = s.req("HEAD", "/a").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("5"));
    assert_eq!(
        r.header("ETag"),
        Some("\"5d41402abc4b2a76b9719d911017c592\"")
    );
    assert!(r.body.is_empty());
}

#[test]
fn special_keys_round_trip() {
    let s = Server::start();
    s.create_bucket();
    for key in [
        "a b+c.txt",
        "doc/中文 ü.txt",
        "doc/./dot.txt",
        "odd~!*()';,=@$&[].txt",
        "dir//double",
    ] {
        s.put(key, key.as_bytes());
        let r = s.req("GET", &format!("/{}", encode_key(key))).send();
        assert_eq!(r.body, key.as_bytes(), "{key}");
    }
    let r = s.req("GET", "/doc/./dot.txt").send();
    assert_eq!(r.body, b"doc/./dot.txt", "a raw ./ is not normalised");
    let listed = s.req("GET", "/").send().xml_all("Key");
    assert!(listed.contains(&"doc/./dot.txt".to_string()), "{listed:?}");
}

#[test]
fn key_too_long_is_rejected() {
    let s = Server::start();
    s.create_bucket();
    let key = "k".repeat(851);
    s.req("PUT", &format!("/{key}"))
        .body(b"x")
        .send()
        .assert_error(400, "KeyTooLong");
}

#[test]
fn range_get_is_206_and_bad_range_416() {
    let s = Server::start();
    s.create_bucket();
    s.put("r", b"0123456789");
    let r = s.req("GET", "/r").header("Range", "bytes=2-4").send();
    assert_eq!(r.status, 206);
    assert_eq!(r.body, b"234");
    assert_eq!(r.header("Content-Range"), Some("bytes 2-4/10"));
    let r = s.req("GET", "/r").header("Range", "bytes=-3").send();
    assert_eq!(r.body, b"789");
    s.req("GET", "/r")
        .header("Range", "bytes=10-")
        .send()
        .assert_error(416, "InvalidRange");
}

#[test]
fn conditional_get_answers_304_and_412() {
    let s = Server::start();
    s.create_bucket();
    let etag = s.put("c", b"x").header("ETag").unwrap().to_string();
    assert_eq!(
        s.req("GET", "/c")
            .header("If-None-Match", &etag)
            .send()
            .status,
        304
    );
    assert_eq!(
        s.req("GET", "/c").header("If-Match", &etag).send().status,
        200
    );
    s.req("GET", "/c")
        .header("If-Match", "\"other\"")
        .send()
        .assert_error(412, "PreconditionFailed");
    let future = httpdate::fmt_http_date(
        std::time::SystemTime::now() + std::time::Duration::from_secs(3600),
    );
    let past = "Sat, 01 Jan 2000 00:00:00 GMT";
    assert_eq!(
        s.req("GET", "/c")
            .header("If-Modified-Since", &future)
            .send()
            .status,
        304
    );
    assert_eq!(
        s.req("GET", "/c")
            .header("If-Modified-Since", past)
            .send()
            .status,
        200
    );
    s.req("GET", "/c")
        .header("If-Unmodified-Since", past)
        .send()
        .assert_error(412, "PreconditionFailed");
    assert_eq!(
        s.req("HEAD", "/c")
            .header("If-None-Match", &etag)
            .send()
            .status,
        304
    );
}

#[test]
fn response_overrides_replace_headers() {
    let s = Server::start();
    s.create_bucket();
    s.put("o", b"x");
    let r = s
        .req("GET", "/o?response-content-type=text%2Fplain%3B%20charset%3Dutf-8&response-content-disposition=attachment%3B+filename%3D%22a+b%2Bc.txt%22&response-cache-control=no-store")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"a b+c.txt\"")
    );
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
}

#[test]
fn delete_object_missing_or_not_is_204() {
    let s = Server::start();
    s.create_bucket();
    s.put("d", b"x");
    assert_eq!(s.req("DELETE", "/d").send().status, 204);
    assert_eq!(s.req("DELETE", "/d").send().status, 204);
    s.req("GET", "/d").send().assert_error(404, "NoSuchKey");
}

#[test]
fn bad_storage_class_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/a")
        .header("x-cos-storage-class", "GOLD")
        .body(b"x")
        .send()
        .assert_error(400, "InvalidArgument");
    let r = s
        .req("PUT", "/a")
        .header("x-cos-storage-class", "standard_ia")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(
        s.req("HEAD", "/a").send().header("x-cos-storage-class"),
        Some("STANDARD_IA")
    );
}

#[test]
fn empty_valued_signed_header_is_kept() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/m")
        .header("x-cos-meta-md5", "")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}
