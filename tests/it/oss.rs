//! The OSS dialect over a socket: addressing (virtual host, path style on an IP with an OSS
//! credential, proxy), V1 signatures, OSS errors and headers, bucket policy and its enforcement,
//! separation from COS, the admin state. The real OSS SDKs are in tests/python and tests/node.

use cos_mock::config::{Config, OssAccount, OssConfig, RamUser};
use cos_mock::dialect::oss::sign::RequestView;
use cos_mock::dialect::oss::sign_v1;

use crate::util::*;

const AK: &str = "LTAIOSSMOCKROOT";
const SK: &str = "oss-mock-root-secret";
const B: &str = "oss-it-bucket";
const VHOST: &str = "oss-it-bucket.oss-cn-hangzhou.aliyuncs.com";

/// `OSS ak:sig` for a request with these (lower-case) headers, `Date` included.
fn v1(
    ak: &str,
    sk: &str,
    method: &str,
    key: &str,
    query: &str,
    headers: &[(&str, &str)],
) -> String {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let view = RequestView {
        method,
        bucket: Some(B),
        key,
        raw_query: query,
        headers: &headers,
    };
    let parts = sign_v1::SignedV1 {
        access_key_id: ak.into(),
        signature: String::new(),
        expires: None,
    };
    let sig = sign_v1::signature(sk, &sign_v1::string_to_sign(&parts, &view));
    format!("OSS {ak}:{sig}")
}

fn date() -> String {
    httpdate::fmt_http_date(std::time::SystemTime::now())
}

/// A V1-signed request on the bucket's virtual host.
pub fn oss(s: &Server, method: &str, key: &str, query: &str, extra: &[(&str, &str)]) -> Req {
    signed_as(s, AK, SK, method, key, query, extra)
}

fn signed_as(
    s: &Server,
    ak: &str,
    sk: &str,
    method: &str,
    key: &str,
    query: &str,
    extra: &[(&str, &str)],
) -> Req {
    let d = date();
    let mut headers = vec![("date", d.as_str())];
    headers.extend_from_slice(extra);
    let auth = v1(ak, sk, method, key, query, &headers);
    let target = match query {
        "" => format!("/{}", encode_key(key)),
        q => format!("/{}?{q}", encode_key(key)),
    };
    let mut r = s
        .req(method, &target)
        .anonymous()
        .header("Host", VHOST)
        .header("Authorization", &auth);
    for (k, v) in headers {
        r = r.header(k, v);
    }
    r
}

pub fn create(s: &Server) {
    let r = oss(s, "PUT", "", "", &[]).send();
    assert_eq!(r.status, 200, "{}", r.text());
}

const STAR_GET: &str = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:1000000000000001:oss-it-bucket/*"]}]}"#;

#[test]
fn oss_put_get_head_delete_round_trip_with_oss_headers() {
    let s = Server::start();
    create(&s);
    let r = oss(&s, "PUT", "doc/a b.txt", "", &[("x-oss-meta-who", "me")])
        .body(b"hello")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Server"), Some("AliyunOSS"));
    let id = r.header("x-oss-request-id").unwrap();
    assert_eq!(id.len(), 24, "{id}");
    assert!(r.header("x-oss-hash-crc64ecma").is_some());
    assert!(r.header("x-cos-request-id").is_none());
    let r = oss(&s, "GET", "doc/a b.txt", "", &[]).send();
    assert_eq!(r.body, b"hello");
    assert_eq!(r.header("x-oss-meta-who"), Some("me"));
    let r = oss(&s, "DELETE", "doc/a b.txt", "", &[]).send();
    assert_eq!(r.status, 204);
    assert_eq!(oss(&s, "HEAD", "doc/a b.txt", "", &[]).send().status, 404);
}

#[test]
fn oss_path_style_on_ip_needs_an_oss_credential() {
    let s = Server::start();
    create(&s);
    oss(&s, "PUT", "k", "", &[]).body(b"v").send();
    let ip = format!("127.0.0.1:{}", s.addr.port());
    let d = date();
    let auth = v1(AK, SK, "GET", "k", "", &[("date", &d)]);
    let r = s
        .req("GET", &format!("/{B}/k"))
        .anonymous()
        .header("Host", &ip)
        .header("Date", &d)
        .header("Authorization", &auth)
        .send();
    assert_eq!(r.body, b"v", "{}", r.text());
    // Without an OSS credential the same path is COS, where no such bucket exists.
    let r = s
        .req("GET", &format!("/{B}/k"))
        .anonymous()
        .header("Host", &ip)
        .send();
    assert!(r.header("x-cos-request-id").is_some(), "{}", r.raw_head);
}

#[test]
fn oss_through_proxy_absolute_form_uses_target_host() {
    let s = Server::start();
    create(&s);
    oss(&s, "PUT", "k", "", &[]).body(b"v").send();
    let d = date();
    let auth = v1(AK, SK, "GET", "k", "", &[("date", &d)]);
    let r = s
        .req("GET", &format!("http://{VHOST}/k"))
        .anonymous()
        .header("Host", VHOST)
        .header("Date", &d)
        .header("Authorization", &auth)
        .send();
    assert_eq!(r.body, b"v", "{}", r.text());
}

#[test]
fn oss_errors_are_oss_xml_with_request_id_host_id_and_ec() {
    let s = Server::start();
    create(&s);
    let r = signed_as(&s, "LTAINOBODY", "x", "GET", "k", "", &[]).send();
    r.assert_error(403, "InvalidAccessKeyId");
    assert_eq!(r.xml("RequestId").as_deref(), r.header("x-oss-request-id"));
    assert_eq!(r.xml("HostId").as_deref(), Some(VHOST));
    assert_eq!(r.xml("EC").as_deref(), Some("0002-00000902"));
    let r = signed_as(&s, AK, "wrong", "GET", "k", "", &[]).send();
    r.assert_error(403, "SignatureDoesNotMatch");
    assert!(r.xml("StringToSign").unwrap().starts_with("GET\n"));
    oss(&s, "GET", "missing", "", &[])
        .send()
        .assert_error(404, "NoSuchKey");
    oss(&s, "PUT", "", "acl", &[("x-oss-acl", "public-read")])
        .send()
        .assert_error(501, "NotImplemented");
}

#[test]
fn oss_signature_sent_for_another_key_is_refused() {
    let s = Server::start();
    create(&s);
    oss(&s, "PUT", "secret", "", &[]).body(b"s").send();
    let d = date();
    let auth = v1(AK, SK, "GET", "public", "", &[("date", &d)]);
    s.req("GET", "/secret")
        .anonymous()
        .header("Host", VHOST)
        .header("Date", &d)
        .header("Authorization", &auth)
        .send()
        .assert_error(403, "SignatureDoesNotMatch");
}

#[test]
fn oss_policy_put_200_get_delete_204_then_no_such_bucket_policy() {
    let s = Server::start();
    create(&s);
    oss(&s, "GET", "", "policy", &[])
        .send()
        .assert_error(404, "NoSuchBucketPolicy");
    let r = oss(&s, "PUT", "", "policy", &[])
        .body(STAR_GET.as_bytes())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(oss(&s, "GET", "", "policy", &[]).send().text(), STAR_GET);
    for bad in [
        r#"{"Version":1,"Statement":[]}"#,
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:FlyObject"],"Principal":["*"],"Resource":["acs:oss:*:*:b/*"]}]}"#,
        "not json",
    ] {
        oss(&s, "PUT", "", "policy", &[])
            .body(bad.as_bytes())
            .send()
            .assert_error(400, "InvalidPolicyDocument");
    }
    assert_eq!(
        oss(&s, "GET", "", "policy", &[]).send().text(),
        STAR_GET,
        "an invalid policy stores nothing"
    );
    assert_eq!(oss(&s, "DELETE", "", "policy", &[]).send().status, 204);
    oss(&s, "GET", "", "policy", &[])
        .send()
        .assert_error(404, "NoSuchBucketPolicy");
}

#[test]
fn oss_anonymous_get_denied_then_allowed_by_star_policy() {
    let s = Server::start();
    create(&s);
    oss(&s, "PUT", "k", "", &[]).body(b"v").send();
    let anon = || s.req("GET", "/k").anonymous().header("Host", VHOST).send();
    anon().assert_error(403, "AccessDenied");
    oss(&s, "PUT", "", "policy", &[])
        .body(STAR_GET.as_bytes())
        .send();
    assert_eq!(anon().body, b"v");
    // The decision is explained in the journal.
    let journal = s
        .req("GET", "/_cos-mock/requests")
        .anonymous()
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
        .send()
        .text();
    assert!(journal.contains("oss:GetObject"), "{journal}");
    assert!(
        journal.contains("allowed by bucket policy statement 0"),
        "{journal}"
    );
}

fn two_accounts() -> Server {
    let config = Config {
        oss: OssConfig {
            accounts: vec![
                OssAccount {
                    uid: "1000000000000001".into(),
                    access_key_id: AK.into(),
                    access_key_secret: SK.into(),
                    users: vec![RamUser {
                        uid: "2000000000000011".into(),
                        access_key_id: "LTAIRAM11".into(),
                        access_key_secret: "ram11".into(),
                        policies: vec![],
                    }],
                },
                OssAccount {
                    uid: "1000000000000002".into(),
                    access_key_id: "LTAIOTHER".into(),
                    access_key_secret: "other".into(),
                    users: vec![],
                },
            ],
            ..OssConfig::default()
        },
        ..Config::default()
    };
    Server::with_config(config)
}

#[test]
fn oss_other_account_and_ram_user_denied_then_allowed_by_uid() {
    let s = two_accounts();
    create(&s);
    oss(&s, "PUT", "k", "", &[]).body(b"v").send();
    let other = || signed_as(&s, "LTAIOTHER", "other", "GET", "k", "", &[]).send();
    let ram = || signed_as(&s, "LTAIRAM11", "ram11", "GET", "k", "", &[]).send();
    other().assert_error(403, "AccessDenied");
    ram().assert_error(403, "AccessDenied");
    let policy = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["1000000000000002","2000000000000011"],"Resource":["acs:oss:*:1000000000000001:oss-it-bucket/*"]},{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["2000000000000011"],"Resource":["acs:oss:*:1000000000000001:oss-it-bucket/k"]}]}"#;
    let r = oss(&s, "PUT", "", "policy", &[])
        .body(policy.as_bytes())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(other().body, b"v");
    // The explicit Deny on `k` wins over the Allow for the RAM user.
    ram().assert_error(403, "AccessDenied");
    // Another account's name is taken: 409.
    signed_as(&s, "LTAIOTHER", "other", "PUT", "", "", &[])
        .send()
        .assert_error(409, "BucketAlreadyExists");
}

#[test]
fn oss_and_cos_buckets_are_separate_worlds() {
    let s = Server::start();
    s.create_bucket();
    // An OSS bucket may carry a COS-looking name; it is not the COS bucket.
    let d = date();
    let cos_name = BUCKET;
    let headers: Vec<(String, String)> = vec![("date".into(), d.clone())];
    let view = RequestView {
        method: "GET",
        bucket: Some(cos_name),
        key: "",
        raw_query: "",
        headers: &headers,
    };
    let parts = sign_v1::SignedV1 {
        access_key_id: AK.into(),
        signature: String::new(),
        expires: None,
    };
    let sig = sign_v1::signature(SK, &sign_v1::string_to_sign(&parts, &view));
    s.req("GET", "/")
        .anonymous()
        .header("Host", &format!("{cos_name}.oss-cn-hangzhou.aliyuncs.com"))
        .header("Date", &d)
        .header("Authorization", &format!("OSS {AK}:{sig}"))
        .send()
        .assert_error(404, "NoSuchBucket");
    // COS keys do not sign OSS requests.
    s.req("GET", "/k")
        .header("Host", VHOST)
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn oss_buckets_in_admin_state_and_reset() {
    let s = Server::start();
    create(&s);
    let admin = |m: &str, p: &str| {
        s.req(m, p)
            .anonymous()
            .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
            .send()
    };
    let state: serde_json::Value =
        serde_json::from_slice(&admin("GET", "/_cos-mock/state").body).unwrap();
    let oss: Vec<_> = state["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["dialect"] == "oss")
        .collect();
    assert_eq!(oss.len(), 1, "{state}");
    assert_eq!(oss[0]["name"], B);
    assert_eq!(oss[0]["owner"], "1000000000000001");
    assert_eq!(admin("POST", "/_cos-mock/reset").status, 204);
    oss_head_bucket_missing(&s);
}

fn oss_head_bucket_missing(s: &Server) {
    oss(s, "GET", "", "location", &[])
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn oss_ram_user_creates_bucket_its_account_owns_when_ram_policy_names_it() {
    let policy: serde_json::Value = serde_json::from_str(
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutBucket"],"Resource":["acs:oss:*:1000000000000001:oss-it-bucket"]}]}"#,
    )
    .unwrap();
    let mut config = Config::default();
    config.oss.accounts[0].users.push(RamUser {
        uid: "2000000000000011".into(),
        access_key_id: "LTAIRAM11".into(),
        access_key_secret: "ram11".into(),
        policies: vec![policy],
    });
    let s = Server::with_config(config);
    let r = signed_as(&s, "LTAIRAM11", "ram11", "PUT", "", "", &[]).send();
    assert_eq!(r.status, 200, "{}", r.text());
    // The bucket belongs to the RAM user's account: its root may use it.
    assert_eq!(
        oss(&s, "GET", "", "bucketInfo", &[])
            .send()
            .xml("ID")
            .as_deref(),
        Some("1000000000000001")
    );
}

#[test]
fn oss_malformed_authorization_is_invalid_argument_and_missing_date_access_denied() {
    let s = Server::start();
    create(&s);
    for bad in ["OSS no-colon", "OSS :sig", "OSS4-HMAC-SHA256 Signature=abc"] {
        s.req("GET", "/k")
            .anonymous()
            .header("Host", VHOST)
            .header("Date", &date())
            .header("Authorization", bad)
            .send()
            .assert_error(400, "InvalidArgument");
    }
    // Signed over an empty Date line, sent without a Date: never a 500, never allowed.
    let auth = v1(AK, SK, "GET", "k", "", &[]);
    s.req("GET", "/k")
        .anonymous()
        .header("Host", VHOST)
        .header("Authorization", &auth)
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn oss_oversized_policy_is_invalid_policy_document_and_nothing_stored() {
    let s = Server::start();
    create(&s);
    // Over OSS's 16 KiB grammar limit but inside the body limit, then over the body limit too.
    for size in [17_000, 30_000] {
        let pad = "x".repeat(size);
        let doc = format!(
            r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:oss-it-bucket/{pad}"]}}]}}"#
        );
        let r = oss(&s, "PUT", "", "policy", &[])
            .body(doc.as_bytes())
            .send();
        r.assert_error(400, "InvalidPolicyDocument");
        assert!(
            r.xml("Message").unwrap().contains("exceeds the limit"),
            "{}",
            r.text()
        );
    }
    oss(&s, "GET", "", "policy", &[])
        .send()
        .assert_error(404, "NoSuchBucketPolicy");
}

#[test]
fn oss_query_names_differing_in_case_are_invalid_argument() {
    let s = Server::start();
    create(&s);
    let r = oss(&s, "GET", "", "Prefix=public%2F&prefix=secret%2F", &[]).send();
    r.assert_error(400, "InvalidArgument");
    assert!(
        r.header("x-oss-request-id").is_some(),
        "answered in OSS's shape: {}",
        r.raw_head
    );
}

#[test]
fn oss_repeated_parameters_and_headers_are_invalid_argument() {
    let s = Server::start();
    create(&s);
    let r = oss(&s, "GET", "", "prefix=public%2F&prefix=secret%2F", &[]).send();
    r.assert_error(400, "InvalidArgument");
    let r = oss(&s, "PUT", "k", "", &[("x-oss-object-acl", "private")])
        .also_header("x-oss-object-acl", "public-read-write")
        .body(b"x")
        .send();
    r.assert_error(400, "InvalidArgument");
    assert!(r.header("x-oss-request-id").is_some(), "{}", r.raw_head);
    assert_eq!(oss(&s, "HEAD", "k", "", &[]).send().status, 404);
}

#[test]
fn oss_anonymous_large_put_is_refused_before_body_is_read() {
    let s = Server::start();
    create(&s);
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    use std::io::{Read, Write};
    let head = format!("PUT /big HTTP/1.1\r\nHost: {VHOST}\r\nContent-Length: 1073741824\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(&vec![b'x'; 64 * 1024]);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let answer = String::from_utf8_lossy(&raw);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("<Code>AccessDenied</Code>"), "{answer}");
    assert!(answer.contains("x-oss-request-id"), "{answer}");
}
