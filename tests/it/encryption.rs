//! Server-side encryption: SSE-COS / SSE-KMS / SSE-C headers on every write path, their echo, the
//! SSE-C key check on reads and copies, and the bucket default (`?encryption`).

use base64::Engine;

use crate::util::*;

const B64: base64::engine::general_purpose::GeneralPurpose =
    base64::engine::general_purpose::STANDARD;

/// An SSE-C key (base64) and its MD5 (base64).
fn customer_key(byte: u8) -> (String, String) {
    use md5::Digest;
    let raw = [byte; 32];
    (B64.encode(raw), B64.encode(md5::Md5::digest(raw)))
}

fn with_key(req: Req, key: &(String, String)) -> Req {
    req.header("x-cos-server-side-encryption-customer-algorithm", "AES256")
        .header("x-cos-server-side-encryption-customer-key", &key.0)
        .header("x-cos-server-side-encryption-customer-key-MD5", &key.1)
}

fn put_encryption(s: &Server, body: &str) -> Resp {
    s.req("PUT", "/?encryption")
        .header("Content-Type", "application/xml")
        .body(body.as_bytes())
        .send()
}

fn config(inner: &str) -> String {
    format!("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>{inner}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>")
}

#[test]
fn put_object_sse_cos_is_echoed_on_put_get_head() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/a")
        .header("x-cos-server-side-encryption", "AES256")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-cos-server-side-encryption"), Some("AES256"));
    for m in ["GET", "HEAD"] {
        let g = s.req(m, "/a").send();
        assert_eq!(
            g.header("x-cos-server-side-encryption"),
            Some("AES256"),
            "{m}"
        );
    }
    let plain = s.put("b", b"x");
    assert_eq!(plain.header("x-cos-server-side-encryption"), None);
}

#[test]
fn put_object_sse_kms_echoes_key_id() {
    let s = Server::start();
    s.create_bucket();
    let context = B64.encode(r#"{"project":"a"}"#);
    let r = s
        .req("PUT", "/a")
        .header("x-cos-server-side-encryption", "cos/kms")
        .header("x-cos-server-side-encryption-cos-kms-key-id", "kms-1")
        .header("x-cos-server-side-encryption-context", &context)
        .body(b"x")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-cos-server-side-encryption"), Some("cos/kms"));
    let g = s.req("HEAD", "/a").send();
    assert_eq!(
        g.header("x-cos-server-side-encryption-cos-kms-key-id"),
        Some("kms-1")
    );
    assert_eq!(g.header("x-cos-server-side-encryption-context"), None);
}

#[test]
fn put_object_bad_sse_headers_are_rejected_and_store_nothing() {
    let s = Server::start();
    s.create_bucket();
    let key = customer_key(1);
    let short = B64.encode([0u8; 16]);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("x-cos-server-side-encryption", "AES128")],
            "InvalidArgument",
        ),
        (
            vec![("x-cos-server-side-encryption", "KMS")],
            "InvalidArgument",
        ),
        (
            vec![("x-cos-server-side-encryption-cos-kms-key-id", "k")],
            "InvalidArgument",
        ),
        (
            vec![
                ("x-cos-server-side-encryption", "cos/kms"),
                ("x-cos-server-side-encryption-context", "bm90IGpzb24="),
            ],
            "InvalidArgument",
        ),
        (
            vec![("x-cos-server-side-encryption-customer-algorithm", "AES256")],
            "InvalidArgument",
        ),
        (
            vec![
                ("x-cos-server-side-encryption-customer-algorithm", "DES"),
                ("x-cos-server-side-encryption-customer-key", &key.0),
            ],
            "InvalidEncryptionAlgorithmError",
        ),
        (
            vec![
                ("x-cos-server-side-encryption-customer-algorithm", "AES256"),
                ("x-cos-server-side-encryption-customer-key", &short),
            ],
            "InvalidArgument",
        ),
        (
            vec![
                ("x-cos-server-side-encryption-customer-algorithm", "AES256"),
                ("x-cos-server-side-encryption-customer-key", "%%%"),
            ],
            "InvalidArgument",
        ),
        (
            vec![
                ("x-cos-server-side-encryption-customer-algorithm", "AES256"),
                ("x-cos-server-side-encryption-customer-key", &key.0),
                (
                    "x-cos-server-side-encryption-customer-key-MD5",
                    "AAAAAAAAAAAAAAAAAAAAAA==",
                ),
            ],
            "InvalidArgument",
        ),
        (
            vec![
                ("x-cos-server-side-encryption-customer-algorithm", "AES256"),
                ("x-cos-server-side-encryption-customer-key", &key.0),
                ("x-cos-server-side-encryption", "AES256"),
            ],
            "InvalidArgument",
        ),
    ];
    for (headers, code) in cases {
        let mut req = s.req("PUT", "/a").body(b"x");
        for (n, v) in &headers {
            req = req.header(n, v);
        }
        req.send().assert_error(400, code);
    }
    s.req("GET", "/a").send().assert_error(404, "NoSuchKey");
}

#[test]
fn sse_c_object_needs_its_key_to_be_read() {
    let s = Server::start();
    s.create_bucket();
    let key = customer_key(1);
    let r = with_key(s.req("PUT", "/secret"), &key)
        .body(b"hidden")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("x-cos-server-side-encryption-customer-algorithm"),
        Some("AES256")
    );
    assert_eq!(
        r.header("x-cos-server-side-encryption-customer-key-MD5"),
        Some(key.1.as_str())
    );
    assert_eq!(r.header("x-cos-server-side-encryption-customer-key"), None);
    let g = with_key(s.req("GET", "/secret"), &key).send();
    assert_eq!(g.status, 200);
    assert_eq!(g.body, b"hidden");
    assert_eq!(
        g.header("x-cos-server-side-encryption-customer-key-MD5"),
        Some(key.1.as_str())
    );
    s.req("GET", "/secret")
        .send()
        .assert_error(400, "InvalidRequest");
    with_key(s.req("GET", "/secret"), &customer_key(2))
        .send()
        .assert_error(403, "AccessDenied");
    // HEAD answers the status without a body.
    assert_eq!(s.req("HEAD", "/secret").send().status, 400);
    // A key on an object that is not SSE-C.
    s.put("plain", b"x");
    with_key(s.req("GET", "/plain"), &key)
        .send()
        .assert_error(400, "InvalidRequest");
}

#[test]
fn copy_from_sse_c_source_needs_copy_source_key() {
    let s = Server::start();
    s.create_bucket();
    let key = customer_key(3);
    with_key(s.req("PUT", "/src"), &key).body(b"x").send();
    let source = format!("{HOST}/src");
    s.req("PUT", "/dst")
        .header("x-cos-copy-source", &source)
        .send()
        .assert_error(400, "InvalidRequest");
    let r = s
        .req("PUT", "/dst")
        .header("x-cos-copy-source", &source)
        .header(
            "x-cos-copy-source-server-side-encryption-customer-algorithm",
            "AES256",
        )
        .header(
            "x-cos-copy-source-server-side-encryption-customer-key",
            &key.0,
        )
        .header(
            "x-cos-copy-source-server-side-encryption-customer-key-MD5",
            &key.1,
        )
        .header("x-cos-server-side-encryption", "AES256")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-cos-server-side-encryption"), Some("AES256"));
    let g = s.req("GET", "/dst").send();
    assert_eq!(g.status, 200);
    assert_eq!(g.header("x-cos-server-side-encryption"), Some("AES256"));
}

#[test]
fn multipart_sse_is_echoed_and_sse_c_parts_need_the_key() {
    let s = Server::start();
    s.create_bucket();
    let key = customer_key(4);
    let r = with_key(s.req("POST", "/big?uploads"), &key).send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("x-cos-server-side-encryption-customer-algorithm"),
        Some("AES256")
    );
    let id = r.xml("UploadId").unwrap();
    let part = format!("/big?partNumber=1&uploadId={id}");
    s.req("PUT", &part)
        .body(b"p")
        .send()
        .assert_error(400, "InvalidRequest");
    let p = with_key(s.req("PUT", &part), &key).body(b"p").send();
    assert_eq!(p.status, 200, "{}", p.text());
    assert_eq!(
        p.header("x-cos-server-side-encryption-customer-key-MD5"),
        Some(key.1.as_str())
    );
    let etag = p.header("ETag").unwrap();
    let body = format!("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>");
    let c = s
        .req("POST", &format!("/big?uploadId={id}"))
        .body(body.as_bytes())
        .send();
    assert_eq!(c.status, 200, "{}", c.text());
    assert_eq!(
        c.header("x-cos-server-side-encryption-customer-algorithm"),
        Some("AES256")
    );
    assert_eq!(with_key(s.req("GET", "/big"), &key).send().body, b"p");
}

#[test]
fn upload_part_copy_into_an_sse_c_upload_needs_the_key() {
    let s = Server::start();
    s.create_bucket();
    s.put("src", b"source bytes");
    let key = customer_key(5);
    let r = with_key(s.req("POST", "/big?uploads"), &key).send();
    let id = r.xml("UploadId").unwrap();
    let part = format!("/big?partNumber=1&uploadId={id}");
    let source = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/src";
    s.req("PUT", &part)
        .header("x-cos-copy-source", source)
        .send()
        .assert_error(400, "InvalidRequest");
    let p = with_key(s.req("PUT", &part), &key)
        .header("x-cos-copy-source", source)
        .send();
    assert_eq!(p.status, 200, "{}", p.text());
    assert_eq!(
        p.header("x-cos-server-side-encryption-customer-key-MD5"),
        Some(key.1.as_str())
    );
}

#[test]
fn bucket_encryption_put_get_delete_round_trip() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/?encryption")
        .send()
        .assert_error(404, "NoSuchEncryptionConfiguration");
    let r = put_encryption(&s, &config("<SSEAlgorithm>AES256</SSEAlgorithm>"));
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/?encryption").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.xml("SSEAlgorithm").as_deref(), Some("AES256"));
    assert_eq!(s.req("DELETE", "/?encryption").send().status, 204);
    s.req("GET", "/?encryption")
        .send()
        .assert_error(404, "NoSuchEncryptionConfiguration");
}

#[test]
fn bucket_encryption_default_applies_to_new_objects_without_sse_headers() {
    let s = Server::start();
    s.create_bucket();
    put_encryption(
        &s,
        &config("<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>cmk-1</KMSMasterKeyID>"),
    );
    let r = s.put("a", b"x");
    assert_eq!(r.header("x-cos-server-side-encryption"), Some("cos/kms"));
    assert_eq!(
        r.header("x-cos-server-side-encryption-cos-kms-key-id"),
        Some("cmk-1")
    );
    let explicit = s
        .req("PUT", "/b")
        .header("x-cos-server-side-encryption", "AES256")
        .body(b"x")
        .send();
    assert_eq!(
        explicit.header("x-cos-server-side-encryption"),
        Some("AES256")
    );
    let id = s.req("POST", "/m?uploads").send();
    assert_eq!(id.header("x-cos-server-side-encryption"), Some("cos/kms"));
}

#[test]
fn bucket_encryption_invalid_documents_are_rejected_and_change_nothing() {
    let s = Server::start();
    s.create_bucket();
    put_encryption(&s, &config("<SSEAlgorithm>AES256</SSEAlgorithm>"));
    let cases = [
        ("".to_string(), "MalformedXML"),
        (
            "<ServerSideEncryptionConfiguration>".to_string(),
            "MalformedXML",
        ),
        ("<Encryption/>".to_string(), "MalformedXML"),
        (
            "<ServerSideEncryptionConfiguration/>".to_string(),
            "MalformedXML",
        ),
        (config(""), "MalformedXML"),
        (
            config("<SSEAlgorithm>ROT13</SSEAlgorithm>"),
            "InvalidArgument",
        ),
        (
            config("<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID>"),
            "InvalidArgument",
        ),
        (
            format!(
                "<ServerSideEncryptionConfiguration>{}</ServerSideEncryptionConfiguration>",
                "<Rule/>".repeat(20_000)
            ),
            "EntityTooLarge",
        ),
    ];
    for (body, code) in cases {
        put_encryption(&s, &body).assert_error(400, code);
    }
    assert_eq!(
        s.req("GET", "/?encryption")
            .send()
            .xml("SSEAlgorithm")
            .as_deref(),
        Some("AES256")
    );
}

#[test]
fn post_object_sse_field_is_stored_and_echoed() {
    let s = Server::start();
    s.create_bucket();
    let r = crate::post_object::signed_post(
        &s,
        &[("key", "up/a"), ("x-cos-server-side-encryption", "AES256")],
        &format!(r#"{{"bucket":"{BUCKET}"}}"#),
        b"bytes",
    );
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(r.header("x-cos-server-side-encryption"), Some("AES256"));
    let h = s.req("HEAD", "/up/a").send();
    assert_eq!(h.header("x-cos-server-side-encryption"), Some("AES256"));
    let bad = crate::post_object::signed_post(
        &s,
        &[("key", "up/b"), ("x-cos-server-side-encryption", "DES")],
        &format!(r#"{{"bucket":"{BUCKET}"}}"#),
        b"bytes",
    );
    bad.assert_error(400, "InvalidArgument");
}
