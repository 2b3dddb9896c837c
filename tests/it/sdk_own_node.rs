//! What the node SDK's own suite (cos-nodejs-sdk-v5 `test/test.js`, run by
//! `scripts/sdk-own-suites.sh --node`) expects of COS, over raw sockets.

use crate::util::*;

// ---- a Host whose region label is no region ----

#[test]
fn request_host_of_an_unknown_region_is_no_such_bucket() {
    let s = Server::start();
    s.create_bucket(); // in ap-guangzhou
    s.put("o", b"x");
    // `Region: 'gz'` in the node suite ("params check Region" expects an error).
    for host in [
        format!("{BUCKET}.cos.gz.myqcloud.com"),
        format!("{BUCKET}.cos.gz.myqcloud.com:443"),
        format!("{BUCKET}.cos.tj.tencentcos.cn"),
    ] {
        for (method, target) in [
            ("GET", "/o"),
            ("HEAD", "/"),
            ("PUT", "/p"),
            ("GET", "/?acl"),
        ] {
            let r = s.req(method, target).header("Host", &host).send();
            assert_eq!(r.status, 404, "{method} {host}{target}: {}", r.raw_head);
            if method != "HEAD" {
                r.assert_error(404, "NoSuchBucket");
            }
        }
    }
    // Unsigned too, and path style on the unknown region's service host.
    s.req("GET", "/o")
        .header("Host", &format!("{BUCKET}.cos.gz.myqcloud.com"))
        .anonymous()
        .send()
        .assert_error(404, "NoSuchBucket");
    s.req("GET", &format!("/{BUCKET}/o"))
        .header("Host", "cos.gz.myqcloud.com")
        .send()
        .assert_error(404, "NoSuchBucket");
    // Nothing was written.
    s.req("GET", "/p").send().assert_error(404, "NoSuchKey");
}

#[test]
fn put_bucket_in_an_unknown_region_is_no_such_bucket_and_creates_nothing() {
    let s = Server::start();
    let bucket = "gz-1250000000";
    s.req("PUT", "/")
        .header("Host", &format!("{bucket}.cos.gz.myqcloud.com"))
        .send()
        .assert_error(404, "NoSuchBucket");
    let r = s
        .req("HEAD", "/")
        .header("Host", &format!("{bucket}.cos.ap-guangzhou.myqcloud.com"))
        .send();
    assert_eq!(r.status, 404, "{}", r.raw_head);
}

#[test]
fn request_host_on_other_domains_or_accelerate_is_served() {
    let s = Server::start();
    s.create_bucket();
    s.put("o", b"x");
    // Not COS's own domains: the label after `cos` is not taken for a region.
    for host in [
        format!("{BUCKET}.cos.gz.example.com"),
        format!("{BUCKET}.cos.accelerate.myqcloud.com"),
        format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com"),
    ] {
        let r = s.req("GET", "/o").header("Host", &host).send();
        assert_eq!(r.status, 200, "{host}: {}", r.text());
    }
}

// ---- the legacy V4 signature in `sign=` (test.js "getV4Auth()") ----

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// What the node SDK's `getV4Auth({Bucket, Key})` builds, `?sign=`-encoded.
fn v4_link(
    key: &str,
    secret_id: &str,
    secret_key: &str,
    start: u64,
    end: u64,
    file: &str,
) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let plain =
        format!("a=1250000000&b=examplebucket&k={secret_id}&t={start}&e={end}&r=12345&f={file}");
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret_key.as_bytes()).unwrap();
    mac.update(plain.as_bytes());
    let mut raw = mac.finalize().into_bytes().to_vec();
    raw.extend_from_slice(plain.as_bytes());
    let sign = base64::engine::general_purpose::STANDARD.encode(raw);
    format!("/{key}?sign={}", cos_mock::auth::cos_sign::encode(&sign))
}

fn v4_file(key: &str) -> String {
    format!("/1250000000/examplebucket/{key}")
}

#[test]
fn get_object_v4_sign_param_is_served() {
    let s = Server::start();
    s.create_bucket();
    s.put("1.txt", b"content");
    let t = now();
    let link = v4_link(
        "1.txt",
        SECRET_ID,
        SECRET_KEY,
        t,
        t + 900,
        &v4_file("1.txt"),
    );
    let r = s.req("GET", &link).anonymous().send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"content");
    let r = s.req("HEAD", &link).anonymous().send();
    assert_eq!(r.status, 200, "{}", r.raw_head);
    // An empty f covers every key of the bucket.
    let any = v4_link("1.txt", SECRET_ID, SECRET_KEY, t, t + 900, "");
    assert_eq!(s.req("GET", &any).anonymous().send().status, 200);
}

#[test]
fn get_object_v4_sign_param_wrong_or_out_of_scope_is_refused() {
    let s = Server::start();
    s.create_bucket();
    s.put("1.txt", b"content");
    s.put("2.txt", b"other");
    let t = now();
    // Wrong secret.
    let link = v4_link("1.txt", SECRET_ID, "wrong", t, t + 900, &v4_file("1.txt"));
    s.req("GET", &link)
        .anonymous()
        .send()
        .assert_error(403, "SignatureDoesNotMatch");
    // Signed for 1.txt, used for 2.txt.
    let link = v4_link(
        "2.txt",
        SECRET_ID,
        SECRET_KEY,
        t,
        t + 900,
        &v4_file("1.txt"),
    );
    s.req("GET", &link)
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    // Expired, and a one-time (e=0) signature.
    let link = v4_link(
        "1.txt",
        SECRET_ID,
        SECRET_KEY,
        t - 1000,
        t - 100,
        &v4_file("1.txt"),
    );
    s.req("GET", &link)
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    let link = v4_link("1.txt", SECRET_ID, SECRET_KEY, t, 0, &v4_file("1.txt"));
    s.req("GET", &link)
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    // Unknown key.
    let link = v4_link("1.txt", "AKIDNOBODY", "x", t, t + 900, &v4_file("1.txt"));
    s.req("GET", &link)
        .anonymous()
        .send()
        .assert_error(403, "InvalidAccessKeyId");
    // Another bucket than the one signed.
    s.req("PUT", "/")
        .header("Host", "other-1250000000.cos.ap-guangzhou.myqcloud.com")
        .send();
    let link = v4_link("1.txt", SECRET_ID, SECRET_KEY, t, t + 900, "");
    s.req("GET", &link)
        .header("Host", "other-1250000000.cos.ap-guangzhou.myqcloud.com")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn put_object_v4_sign_param_is_access_denied_and_writes_nothing() {
    let s = Server::start();
    s.create_bucket();
    let t = now();
    for method in ["PUT", "DELETE"] {
        let link = v4_link(
            "w.txt",
            SECRET_ID,
            SECRET_KEY,
            t,
            t + 900,
            &v4_file("w.txt"),
        );
        s.req(method, &link)
            .body(b"x")
            .anonymous()
            .send()
            .assert_error(403, "AccessDenied");
    }
    s.req("GET", "/w.txt").send().assert_error(404, "NoSuchKey");
}

#[test]
fn get_object_v4_sign_param_malformed_is_access_denied() {
    let s = Server::start();
    s.create_bucket();
    s.put("1.txt", b"content");
    use base64::Engine;
    // A 20-byte "digest" and a plain text that starts like a V4 one but is not.
    let bad = base64::engine::general_purpose::STANDARD.encode(
        [
            vec![0u8; 20],
            b"a=1250000000&b=examplebucket&t=abc".to_vec(),
        ]
        .concat(),
    );
    let link = format!("/1.txt?sign={}", cos_mock::auth::cos_sign::encode(&bad));
    let r = s.req("GET", &link).anonymous().send();
    r.assert_error(403, "AccessDenied");
    assert!(r.text().contains("malformed"), "{}", r.text());
}
