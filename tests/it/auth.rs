//! Signatures: header and pre-signed forms, time window, unknown keys, mismatches, `--auth off`.

use cos_mock::auth::cos_sign;
use cos_mock::config::{AuthMode, Config};

use crate::util::*;

#[test]
fn signed_request_by_owner_is_allowed() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(s.req("GET", "/").send().status, 200);
}

#[test]
fn wrong_secret_is_signature_does_not_match_with_strings() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("GET", "/?prefix=a").keys(SECRET_ID, "wrong").send();
    r.assert_error(403, "SignatureDoesNotMatch");
    assert_eq!(
        r.xml("Message").unwrap(),
        "The Signature you specified is invalid."
    );
    let sts = r.xml("StringToSign").unwrap();
    assert!(sts.starts_with("sha1\n"), "{sts}");
    let fmt = r.xml("FormatString").unwrap();
    assert!(fmt.starts_with("get\n/\nprefix=a\n"), "{fmt}");
}

#[test]
fn unknown_secret_id_is_invalid_access_key_id() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/")
        .keys("AKIDNOBODY", "x")
        .send()
        .assert_error(403, "InvalidAccessKeyId");
}

#[test]
fn expired_signature_is_access_denied_request_has_expired() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("GET", "/").window(now() - 7200, now() - 3600).send();
    r.assert_error(403, "AccessDenied");
    assert_eq!(r.xml("Message").unwrap(), "Request has expired");
}

#[test]
fn signature_starting_far_in_future_is_request_time_too_skewed() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/")
        .window(now() + 3600, now() + 7200)
        .send()
        .assert_error(403, "RequestTimeTooSkewed");
}

#[test]
fn signature_starting_within_skew_is_accepted() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(
        s.req("GET", "/")
            .window(now() + 60, now() + 7200)
            .send()
            .status,
        200
    );
}

#[test]
fn skew_tolerance_is_configurable() {
    let s = Server::with_config(Config {
        clock_skew: std::time::Duration::from_secs(10),
        ..Config::default()
    });
    s.create_bucket();
    s.req("GET", "/")
        .window(now() + 60, now() + 7200)
        .send()
        .assert_error(403, "RequestTimeTooSkewed");
}

#[test]
fn malformed_authorization_is_access_denied() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("GET", "/")
        .anonymous()
        .header(
            "Authorization",
            "q-sign-algorithm=sha1&q-ak=AKIDCOSMOCKROOT",
        )
        .send();
    r.assert_error(403, "AccessDenied");
    assert!(
        r.xml("Message").unwrap().contains("malformed"),
        "{}",
        r.text()
    );
}

#[test]
fn empty_authorization_header_is_anonymous() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("GET", "/")
        .anonymous()
        .header("Authorization", "")
        .send();
    r.assert_error(403, "AccessDenied");
    assert_eq!(r.xml("Message").unwrap(), "Access Denied.");
}

#[test]
fn anonymous_request_to_private_bucket_is_access_denied() {
    let s = Server::start();
    s.create_bucket();
    s.put("a.txt", b"x");
    s.req("GET", "/a.txt")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn tampered_signed_header_is_signature_does_not_match() {
    let s = Server::start();
    s.create_bucket();
    let req = s
        .req("PUT", "/a.txt")
        .header("x-cos-meta-a", "1")
        .body(b"x");
    let auth = req.authorization().unwrap();
    let r = s
        .req("PUT", "/a.txt")
        .anonymous()
        .header("x-cos-meta-a", "2")
        .header("Authorization", &auth)
        .body(b"x")
        .send();
    r.assert_error(403, "SignatureDoesNotMatch");
}

#[test]
fn host_signed_without_port_verifies() {
    // The python SDK in Domain= mode signs the hostname without the port.
    let s = Server::start();
    s.create_bucket();
    let t = now();
    let auth = cos_sign::authorization(
        SECRET_ID,
        SECRET_KEY,
        t - 60,
        t + 600,
        "GET",
        "/",
        &[],
        &[("host", HOST)],
    );
    let host_with_port = format!("{HOST}:{}", s.addr.port());
    let r = s
        .req("GET", "/")
        .anonymous()
        .header("Host", &host_with_port)
        .header("Authorization", &auth)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn presigned_url_get_works_and_expires() {
    let s = Server::start();
    s.create_bucket();
    s.put("doc/a b.txt", b"hello");
    let t = now();
    let auth = cos_sign::authorization(
        SECRET_ID,
        SECRET_KEY,
        t - 60,
        t + 600,
        "GET",
        "/doc/a b.txt",
        &[],
        &[("host", HOST)],
    );
    let query = auth.replace(';', "%3B");
    let r = s
        .req("GET", &format!("/doc/a%20b.txt?{query}"))
        .anonymous()
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"hello");
    let old = cos_sign::authorization(
        SECRET_ID,
        SECRET_KEY,
        t - 7200,
        t - 3600,
        "GET",
        "/doc/a b.txt",
        &[],
        &[("host", HOST)],
    );
    let r = s
        .req("GET", &format!("/doc/a%20b.txt?{old}"))
        .anonymous()
        .send();
    r.assert_error(403, "AccessDenied");
    assert_eq!(r.xml("Message").unwrap(), "Request has expired");
}

#[test]
fn auth_off_accepts_anything_as_default_root() {
    let s = Server::with_config(Config {
        auth: AuthMode::Off,
        ..Config::default()
    });
    assert_eq!(s.req("PUT", "/").anonymous().send().status, 200);
    assert_eq!(
        s.req("PUT", "/a")
            .keys("whoever", "whatever")
            .body(b"x")
            .send()
            .status,
        200
    );
    assert_eq!(s.req("GET", "/a").anonymous().send().body, b"x");
}

#[test]
fn other_account_is_denied_on_owner_bucket() {
    let mut config = Config::default();
    config.accounts.push(other_account());
    let s = Server::with_config(config);
    s.create_bucket();
    s.req("GET", "/")
        .keys("AKIDOTHER", "other")
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn absolute_form_target_to_another_bucket_does_not_reuse_the_signature() {
    let s = Server::start();
    s.create_bucket();
    let other = "other-1250000000.cos.ap-guangzhou.myqcloud.com";
    assert_eq!(s.req("PUT", "/").header("Host", other).send().status, 200);
    assert_eq!(
        s.req("PUT", "/k")
            .header("Host", other)
            .body(b"secret")
            .send()
            .status,
        200
    );
    // Signed for the example bucket's Host, sent to the other bucket's absolute-form target.
    let signed = s.req("GET", "/k");
    let auth = signed.authorization().unwrap();
    let r = s
        .req("GET", &format!("http://{other}/k"))
        .anonymous()
        .header("Authorization", &auth)
        .send();
    r.assert_error(403, "SignatureDoesNotMatch");
}

#[test]
fn https_target_over_plain_http_is_not_secure_transport() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"x");
    let policy = r#"{"version":"2.0","statement":[
        {"effect":"allow","principal":{"qcs":["*"]},"action":["name/cos:GetObject"],"resource":["*"]},
        {"effect":"deny","principal":{"qcs":["*"]},"action":["name/cos:GetObject"],"resource":["*"],"condition":{"bool_equal":{"cos:secure-transport":"false"}}}]}"#;
    assert_eq!(
        s.req("PUT", "/?policy")
            .body(policy.as_bytes())
            .send()
            .status,
        204
    );
    s.req("GET", "/k")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    s.req("GET", &format!("https://{HOST}/k"))
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn non_utf8_authorization_is_malformed_not_anonymous() {
    let s = Server::start();
    s.create_bucket();
    let mut bytes =
        format!("GET / HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: q-sign-algorithm=sha1")
            .into_bytes();
    bytes.push(0xff);
    bytes.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    let r = send_raw(s.addr, &bytes, b"", false);
    r.assert_error(403, "AccessDenied");
    assert!(
        r.xml("Message").unwrap().contains("malformed"),
        "{}",
        r.text()
    );
}

#[test]
fn put_existing_bucket_of_another_account_is_bucket_already_exists() {
    let mut config = Config::default();
    config.accounts.push(other_account());
    let s = Server::with_config(config);
    s.create_bucket();
    s.req("PUT", "/")
        .keys("AKIDOTHER", "other")
        .send()
        .assert_error(409, "BucketAlreadyExists");
    s.req("PUT", "/")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
}
