//! Behaviours the SDKs' own suites expect of COS (issue 11), over raw sockets where the SDKs
//! would normalise the request first: bucket name lengths, empty ACL / Content-Type /
//! Cache-Control headers, the `sign=` query signature, the region of the Host, keys made only of
//! `/` and `.` segments, and the normalised GET `?policy`.

use crate::multipart::{initiate, upload_part};
use crate::post_object::signed_post;
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
        // The python SDK's own suite's copy bucket (41 characters before the APPID).
        "copy-cos-python-v5-test-3-11-ap-guangzhou-1250000000",
        // 50 characters before the APPID, the most COS accepts.
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx-1250000000",
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
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy-1250000000",
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

#[test]
fn post_object_without_content_type_takes_it_from_the_key_extension() {
    let s = Server::start();
    s.create_bucket();
    let bucket_only = format!(r#"{{"bucket":"{BUCKET}"}}"#);
    for (fields, key, want) in [
        (vec![("key", "form.zip")], "form.zip", "application/zip"),
        (
            vec![("key", "form.txt"), ("Content-Type", "")],
            "form.txt",
            "text/plain",
        ),
        (
            vec![("key", "form.bin.txt"), ("Content-Type", "image/png")],
            "form.bin.txt",
            "image/png",
        ),
    ] {
        let r = signed_post(&s, &fields, &bucket_only, b"form bytes");
        assert_eq!(r.status, 204, "{key}: {}", r.text());
        assert_eq!(content_type_of(&s, key), want, "{key}");
    }
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

// ---- 8. HTTPS through cos-mock as a proxy: CONNECT + TLS ----

mod tunnel {
    use std::sync::Arc;

    use cos_mock::auth::cos_sign;
    use cos_mock::tls::{acceptor, CertSource};
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio_rustls::rustls;

    use crate::util::{now, serve_plain_and_tls, BUCKET, SECRET_ID, SECRET_KEY};

    /// A server with a plain listener and a TLS one (self-signed, its CA written to `ca`).
    async fn start(ca: &std::path::Path) -> std::net::SocketAddr {
        let ca_out = Some(ca.to_string_lossy().into_owned());
        serve_plain_and_tls(cos_mock::config::Config::default(), ca_out).await
    }

    async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> String {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(s.read(&mut byte).await.unwrap(), 1, "cut head: {head:?}");
            head.push(byte[0]);
        }
        String::from_utf8(head).unwrap()
    }

    /// CONNECT `host:443`, then TLS trusting only the written CA, with `host` as the server name.
    async fn connect(
        addr: std::net::SocketAddr,
        ca: &std::path::Path,
        host: &str,
    ) -> Result<tokio_rustls::client::TlsStream<TcpStream>, String> {
        use rustls_pki_types::pem::PemObject;
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        let line = format!("CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n");
        tcp.write_all(line.as_bytes()).await.unwrap();
        let head = read_head(&mut tcp).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_pki_types::CertificateDer::pem_file_iter(ca).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls_pki_types::ServerName::try_from(host.to_string()).unwrap();
        tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| e.to_string())
    }

    /// Sends one signed request on `s` and returns the status line and body.
    async fn signed<S: AsyncRead + AsyncWrite + Unpin>(
        s: &mut S,
        method: &str,
        host: &str,
        path: &str,
        body: &[u8],
    ) -> (String, Vec<u8>) {
        let len = body.len().to_string();
        let headers = [("Host", host), ("Content-Length", len.as_str())];
        let t = now();
        let auth = cos_sign::authorization(
            SECRET_ID,
            SECRET_KEY,
            t - 60,
            t + 600,
            method,
            path,
            &[],
            &headers,
        );
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len}\r\nAuthorization: {auth}\r\n\r\n"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        s.write_all(body).await.unwrap();
        let head = read_head(s).await;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().unwrap())
            })
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        if method != "HEAD" {
            s.read_exact(&mut body).await.unwrap();
        }
        (head.lines().next().unwrap().to_string(), body)
    }

    fn ca_path(test: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cos-mock-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("ca.pem")
    }

    #[tokio::test]
    async fn connect_tunnel_terminates_tls_and_serves_signed_requests() {
        let ca = ca_path("tunnel");
        let addr = start(&ca).await;
        let host = format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com");
        let mut tls = connect(addr, &ca, &host).await.expect("trusted handshake");
        let (status, body) = signed(&mut tls, "PUT", &host, "/", b"").await;
        assert!(status.contains(" 200"), "{status} {body:?}");
        let (status, _) = signed(&mut tls, "PUT", &host, "/a.txt", b"through TLS").await;
        assert!(status.contains(" 200"), "{status}");
        // Keep-alive on the tunnel: a second request on the same TLS stream.
        let (status, body) = signed(&mut tls, "GET", &host, "/a.txt", b"").await;
        assert!(status.contains(" 200"), "{status}");
        assert_eq!(body, b"through TLS");
        // A tampered signature is refused inside the tunnel as outside.
        let (status, body) = signed(&mut tls, "GET", &host, "/a.txt?acl", b"").await;
        assert!(status.contains(" 403"), "{status}");
        assert!(String::from_utf8_lossy(&body).contains("SignatureDoesNotMatch"));
        // Any region's virtual host gets a certificate for its name.
        let other = format!("{BUCKET}.cos.ap-beijing.myqcloud.com");
        let mut tls = connect(addr, &ca, &other).await.expect("trusted handshake");
        let (status, body) = signed(&mut tls, "GET", &other, "/a.txt", b"").await;
        assert!(status.contains(" 404"), "{status}");
        assert!(String::from_utf8_lossy(&body).contains("NoSuchBucket"));
        let _ = std::fs::remove_dir_all(ca.parent().unwrap());
    }

    #[tokio::test]
    async fn connect_tunnel_is_not_trusted_without_the_written_ca() {
        let ca = ca_path("tunnel-untrusted");
        let addr = start(&ca).await;
        let other_ca = ca_path("tunnel-other");
        acceptor(&CertSource::SelfSigned {
            out: Some(other_ca.to_string_lossy().into_owned()),
        })
        .unwrap();
        let host = format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com");
        let Err(err) = connect(addr, &other_ca, &host).await else {
            panic!("a CA other than the written one must not be trusted");
        };
        assert!(err.contains("certificate"), "{err}");
        let _ = std::fs::remove_dir_all(ca.parent().unwrap());
        let _ = std::fs::remove_dir_all(other_ca.parent().unwrap());
    }

    #[tokio::test]
    async fn connect_malformed_line_is_400_and_plain_requests_still_work() {
        let ca = ca_path("tunnel-bad");
        let addr = start(&ca).await;
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"CONNECT nowhere HTTP/1.1\r\n\r\n")
            .await
            .unwrap();
        let head = read_head(&mut tcp).await;
        assert!(head.starts_with("HTTP/1.1 400"), "{head}");
        // A plain request on a plain connection is served as before.
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"GET /_cos-mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .unwrap();
        let head = read_head(&mut tcp).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let _ = std::fs::remove_dir_all(ca.parent().unwrap());
    }
}
