//! Behaviours the SDKs' own suites expect of COS (issue 11), over raw sockets where the SDKs
//! would normalise the request first: bucket name lengths, empty ACL / Content-Type /
//! Cache-Control headers, the `sign=` query signature, the region of the Host, keys made only of
//! `/` and `.` segments, and the normalised GET `?policy`.

use crate::multipart::{initiate, upload_part};
use crate::util::*;

fn vhost(bucket: &str, region: &str) -> String {
    format!("{bucket}.cos.{region}.myqcloud.com")
}

fn local(s: &Server) -> String {
    format!("127.0.0.1:{}", s.addr.port())
}

// ---- 1. bucket names ----

#[test]
fn put_bucket_names_of_the_sdk_suites_are_created() {
    let s = Server::start();
    for bucket in [
        "buckettest-maz-ofs123456-1250000000",
        "bucket-inventory1764547200000-1250000000",
        // 50 characters in all, the most cos-mock accepts.
        "abcdefghijklmnopqrstuvwxyzabcdefghijklm-1250000000",
    ] {
        let r = s
            .req("PUT", "/")
            .header("Host", &vhost(bucket, "ap-guangzhou"))
            .send();
        assert_eq!(r.status, 200, "{bucket}: {}", r.text());
        let r = s
            .req("HEAD", "/")
            .header("Host", &vhost(bucket, "ap-guangzhou"))
            .send();
        assert_eq!(r.status, 200, "{bucket}");
    }
}

#[test]
fn put_bucket_name_over_50_characters_or_bad_characters_is_invalid_bucket_name() {
    let s = Server::start();
    for bucket in [
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmn-1250000000",
        "bucket_test-1250000000",
        "buckettest--1250000000",
    ] {
        s.req("PUT", "/")
            .header("Host", &vhost(bucket, "ap-guangzhou"))
            .send()
            .assert_error(400, "InvalidBucketName");
    }
    // Path style keeps the case it was sent with: upper case is refused.
    s.req("PUT", "/Buckettest-1250000000/")
        .header("Host", &local(&s))
        .send()
        .assert_error(400, "InvalidBucketName");
    let listed = s
        .req("GET", "/")
        .header("Host", "service.cos.myqcloud.com")
        .send();
    assert!(listed.xml_all("Name").is_empty(), "{}", listed.text());
}

// ---- 2. empty grant headers ----

const EMPTY_GRANTS: [&str; 5] = [
    "x-cos-grant-read",
    "x-cos-grant-write",
    "x-cos-grant-read-acp",
    "x-cos-grant-write-acp",
    "x-cos-grant-full-control",
];

#[test]
fn put_bucket_acl_with_empty_grant_headers_ignores_them() {
    let s = Server::start();
    s.create_bucket();
    let mut req = s.req("PUT", "/?acl").header("x-cos-acl", "public-read");
    for name in EMPTY_GRANTS {
        req = req.header(name, "");
    }
    let r = req.send();
    assert_eq!(r.status, 200, "{}", r.text());
    let acl = s.req("GET", "/?acl").send().text();
    assert!(acl.contains("AllUsers"), "{acl}");
    assert_eq!(acl.matches("<Grant>").count(), 2, "{acl}");
}

#[test]
fn put_object_with_empty_grant_headers_ignores_them() {
    let s = Server::start();
    s.create_bucket();
    let mut req = s.req("PUT", "/o").body(b"x");
    // `x-cos-grant-write` is refused on objects when it grants anything; empty, it is absent.
    for name in EMPTY_GRANTS {
        req = req.header(name, " ");
    }
    assert_eq!(req.send().status, 200);
    assert_eq!(s.req("GET", "/o?acl").send().status, 200);
}

#[test]
fn put_object_acl_empty_grant_beside_a_real_one_keeps_the_real_one() {
    let s = Server::start();
    s.create_bucket();
    s.put("o", b"x");
    let r = s
        .req("PUT", "/o?acl")
        .header("x-cos-grant-read", "id=\"100000000011\"")
        .header("x-cos-grant-full-control", "")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let acl = s.req("GET", "/o?acl").send().text();
    assert!(acl.contains("100000000011"), "{acl}");
}

// ---- 3. Content-Type and Cache-Control ----

fn content_type_of(s: &Server, key: &str) -> String {
    let r = s.req("HEAD", &format!("/{}", encode_key(key))).send();
    assert_eq!(r.status, 200, "{key}");
    r.header("Content-Type").unwrap_or_default().to_string()
}

#[test]
fn put_object_without_content_type_takes_it_from_the_extension() {
    let s = Server::start();
    s.create_bucket();
    let cases = [
        ("1.zip", Some(""), "application/zip"),
        ("1.txt", None, "text/plain"),
        ("dir/photo.JPG", Some("   "), "image/jpeg"),
        ("1.unknownext", None, "application/octet-stream"),
        ("noext", Some(""), "application/octet-stream"),
        ("1.txt.given", Some("image/png"), "image/png"),
        (
            "2.txt",
            Some("application/x-custom"),
            "application/x-custom",
        ),
    ];
    for (key, given, want) in cases {
        let mut req = s.req("PUT", &format!("/{}", encode_key(key))).body(b"x");
        if let Some(v) = given {
            req = req.header("Content-Type", v);
        }
        assert_eq!(req.send().status, 200, "{key}");
        assert_eq!(content_type_of(&s, key), want, "{key}");
    }
}

#[test]
fn put_object_empty_cache_control_is_absent() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/a.txt")
        .header("Cache-Control", "")
        .header("Content-Disposition", "")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200);
    let got = s.req("GET", "/a.txt").send();
    assert_eq!(got.header("Cache-Control"), None, "{}", got.raw_head);
    assert_eq!(got.header("Content-Disposition"), None, "{}", got.raw_head);
    let r = s
        .req("PUT", "/b.txt")
        .header("Cache-Control", "max-age=60")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200);
    let got = s.req("GET", "/b.txt").send();
    assert_eq!(got.header("Cache-Control"), Some("max-age=60"));
}

#[test]
fn multipart_without_content_type_takes_it_from_the_extension() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "big.zip");
    let etag = upload_part(&s, "big.zip", &id, 1, b"part");
    let body = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    );
    let r = s
        .req("POST", &format!("/big.zip?uploadId={id}"))
        .body(body.as_bytes())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(content_type_of(&s, "big.zip"), "application/zip");
}

#[test]
fn copy_replaced_without_content_type_takes_it_from_the_destination_extension() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/src.bin")
        .header("Content-Type", "image/png")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200);
    let source = format!("{HOST}/src.bin");
    let r = s
        .req("PUT", "/copy.txt")
        .header("x-cos-copy-source", &source)
        .header("x-cos-metadata-directive", "Replaced")
        .header("Content-Type", "")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(content_type_of(&s, "copy.txt"), "text/plain");
    // Copied metadata keeps the source's type.
    let r = s
        .req("PUT", "/kept.txt")
        .header("x-cos-copy-source", &source)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(content_type_of(&s, "kept.txt"), "image/png");
}

// ---- 4. the signature in `sign=` ----

/// The node SDK's `getAuth()` link: `?sign=` + the encoded Authorization, then the caller's
/// own (signed) parameters.
fn sign_link(s: &Server, key: &str, params: &str) -> String {
    let target = format!("/{key}?{params}");
    let auth = s.req("GET", &target).authorization().unwrap();
    let sign = cos_mock::auth::cos_sign::encode(&auth);
    if params.is_empty() {
        format!("/{key}?sign={sign}")
    } else {
        format!("/{key}?sign={sign}&{params}")
    }
}

#[test]
fn get_object_signed_in_sign_param_is_served() {
    let s = Server::start();
    s.create_bucket();
    s.put("1.txt", b"content");
    let r = s.req("GET", &sign_link(&s, "1.txt", "")).anonymous().send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"content");
    // Special characters in a signed parameter (node suite "getAuth() 特殊字符").
    let special = cos_mock::auth::cos_sign::encode("a,./;'[]-=`~!@#$%^&*()_+{}|\":>?<");
    let link = sign_link(&s, "1.txt", &format!("{special}={special}"));
    let r = s.req("GET", &link).anonymous().send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn get_object_sign_param_tampered_is_signature_does_not_match() {
    let s = Server::start();
    s.create_bucket();
    s.put("1.txt", b"content");
    s.put("2.txt", b"other");
    let link = sign_link(&s, "1.txt", "response-content-type=text%2Fplain");
    // Another key than the one signed.
    let other = link.replacen("/1.txt", "/2.txt", 1);
    s.req("GET", &other)
        .anonymous()
        .send()
        .assert_error(403, "SignatureDoesNotMatch");
    // Another value of a signed parameter.
    let changed = link.replace("text%2Fplain", "text%2Fhtml");
    s.req("GET", &changed)
        .anonymous()
        .send()
        .assert_error(403, "SignatureDoesNotMatch");
    // A signature that is not one.
    s.req("GET", "/1.txt?sign=garbage")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn get_object_sign_param_of_unknown_key_is_invalid_access_key_id() {
    let s = Server::start();
    s.create_bucket();
    s.put("1.txt", b"content");
    let auth = s
        .req("GET", "/1.txt")
        .keys("AKIDNOBODY", "x")
        .authorization()
        .unwrap();
    let link = format!("/1.txt?sign={}", cos_mock::auth::cos_sign::encode(&auth));
    s.req("GET", &link)
        .anonymous()
        .send()
        .assert_error(403, "InvalidAccessKeyId");
}

// ---- 5. the region of the Host ----

#[test]
fn request_host_of_another_region_is_no_such_bucket() {
    let s = Server::start();
    s.create_bucket(); // in ap-guangzhou
    s.put("o", b"x");
    let beijing = vhost(BUCKET, "ap-beijing");
    for (method, target) in [
        ("GET", "/o"),
        ("HEAD", "/"),
        ("GET", "/?acl"),
        ("PUT", "/p"),
    ] {
        let r = s.req(method, target).header("Host", &beijing).send();
        assert_eq!(r.status, 404, "{method} {target}: {}", r.raw_head);
        if method != "HEAD" {
            r.assert_error(404, "NoSuchBucket");
        }
    }
    // Unsigned too: the region is checked before the signature.
    s.req("GET", "/o")
        .header("Host", &beijing)
        .anonymous()
        .send()
        .assert_error(404, "NoSuchBucket");
    // Path style on the region's service host.
    s.req("GET", &format!("/{BUCKET}/o"))
        .header("Host", "cos.ap-beijing.myqcloud.com")
        .send()
        .assert_error(404, "NoSuchBucket");
    // Nothing was written in the wrong region.
    s.req("GET", "/p").send().assert_error(404, "NoSuchKey");
}

#[test]
fn request_host_of_the_bucket_region_or_no_region_is_served() {
    let s = Server::start();
    s.create_bucket();
    s.put("o", b"x");
    assert_eq!(s.req("GET", "/o").send().status, 200);
    let r = s
        .req("GET", &format!("/{BUCKET}/o"))
        .header("Host", &local(&s))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s
        .req("GET", &format!("/{BUCKET}/o"))
        .header("Host", "cos.ap-guangzhou.myqcloud.com")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn put_bucket_existing_in_another_region_keeps_its_conflict() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/")
        .header("Host", &vhost(BUCKET, "ap-beijing"))
        .send()
        .assert_error(409, "BucketAlreadyOwnedByYou");
}

#[test]
fn put_bucket_in_another_region_is_served_there_only() {
    let s = Server::start();
    let bucket = "beijing-1250000000";
    let r = s
        .req("PUT", "/")
        .header("Host", &vhost(bucket, "ap-beijing"))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s
        .req("HEAD", "/")
        .header("Host", &vhost(bucket, "ap-beijing"))
        .send();
    assert_eq!(r.status, 200);
    let r = s
        .req("HEAD", "/")
        .header("Host", &vhost(bucket, "ap-guangzhou"))
        .send();
    assert_eq!(r.status, 404);
}

// ---- 6. keys made only of `/` and `.` segments ----

/// Sends `target` as is, signed as if its path were `signed_path`.
fn send_signed_as(s: &Server, method: &str, target: &str, signed_path: &str) -> Resp {
    let auth = s.req(method, signed_path).authorization().unwrap();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
    );
    send_raw(s.addr, head.as_bytes(), b"", method == "HEAD")
}

#[test]
fn get_dot_and_slash_only_key_is_the_bucket() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"x");
    for target in ["///////", "//./", "/./", "/.", "/../", "/%2E/", "/./..//./"] {
        // Signed over the resolved path `/`: GET Bucket.
        let r = send_signed_as(&s, "GET", target, "/");
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        assert_eq!(r.xml_all("Key"), ["a"], "{target}");
        // Signed over the path as sent (the node SDK with its key check off): refused.
        s.req("GET", target)
            .send()
            .assert_error(403, "SignatureDoesNotMatch");
    }
}

#[test]
fn put_dot_and_slash_only_key_is_put_bucket_and_stores_no_object() {
    let s = Server::start();
    s.create_bucket();
    let auth = s.req("PUT", "/").authorization().unwrap();
    let head = format!(
        "PUT /./ HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: {auth}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    send_raw(s.addr, head.as_bytes(), b"", false).assert_error(409, "BucketAlreadyOwnedByYou");
    let listing = s.req("GET", "/").send();
    assert!(listing.xml_all("Key").is_empty(), "{}", listing.text());
}

#[test]
fn path_style_dot_key_is_the_bucket() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"x");
    let path = format!("/{BUCKET}/./");
    let auth = s
        .req("GET", &format!("/{BUCKET}/"))
        .header("Host", &local(&s))
        .authorization()
        .unwrap();
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n",
        local(&s)
    );
    let r = send_raw(s.addr, head.as_bytes(), b"", false);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml_all("Key"), ["a"]);
}

#[test]
fn keys_with_other_segments_round_trip_as_sent() {
    let s = Server::start();
    s.create_bucket();
    // The node suite (ObjectKeySimplifyCheck off) round-trips these keys.
    for key in [
        "abc/../",
        "/abc/.//def//../../",
        ".////abc/.//def//../../",
        "a/../b",
    ] {
        let target = format!("/{key}");
        let r = s.req("PUT", &target).body(key.as_bytes()).send();
        assert_eq!(r.status, 200, "{key}: {}", r.text());
        let r = s.req("GET", &target).send();
        assert_eq!(r.status, 200, "{key}");
        assert_eq!(r.body, key.as_bytes(), "{key}");
    }
    let listing = s.req("GET", "/").send();
    assert_eq!(listing.xml_all("Key").len(), 4, "{}", listing.text());
}

// ---- 7. GET ?policy ----

#[test]
fn get_policy_answers_the_documented_normalised_form() {
    let s = Server::start();
    s.create_bucket();
    let put = r#"{
        "version": "2.0",
        "principal": {"qcs": ["qcs::cam::uin/100000000001:uin/100000000001"]},
        "statement": [{"effect": "allow", "action": "name/cos:GetBucket",
                       "resource": "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"}]
    }"#;
    assert_eq!(
        s.req("PUT", "/?policy").body(put.as_bytes()).send().status,
        204
    );
    let r = s.req("GET", "/?policy").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(
        r.text(),
        r#"{"Statement":[{"Principal":{"qcs":["qcs::cam::uin/100000000001:uin/100000000001"]},"Effect":"allow","Action":["name/cos:GetBucket"],"Resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"]}],"version":"2.0"}"#
    );
}
