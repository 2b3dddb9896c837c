//! How the bucket is found: virtual host, absolute-form targets, path style, default bucket.

use cos_mock::config::Config;

use crate::util::*;

#[test]
fn path_style_addresses_bucket_and_key() {
    let s = Server::start();
    let host = format!("127.0.0.1:{}", s.addr.port());
    assert_eq!(
        s.req("PUT", "/examplebucket-1250000000")
            .header("Host", &host)
            .send()
            .status,
        200
    );
    assert_eq!(
        s.req("PUT", "/examplebucket-1250000000/doc/a.txt")
            .header("Host", &host)
            .body(b"p")
            .send()
            .status,
        200
    );
    let r = s
        .req("GET", &format!("/{BUCKET}/doc/a.txt"))
        .header("Host", &host)
        .send();
    assert_eq!(r.body, b"p");
    let r = s.req("GET", "/doc/a.txt").send();
    assert_eq!(r.body, b"p", "the same object by virtual host");
}

#[test]
fn absolute_form_target_uses_its_host() {
    let s = Server::start();
    s.create_bucket();
    let target = format!("http://{HOST}/doc/a%20b.txt");
    let r = s
        .req("PUT", &target)
        .header("Host", HOST)
        .body(b"proxy")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.req("GET", "/doc/a%20b.txt").send().body, b"proxy");
}

#[test]
fn default_bucket_takes_whole_path_as_key() {
    let s = Server::with_config(Config {
        default_bucket: Some(BUCKET.into()),
        ..Config::default()
    });
    let host = format!("127.0.0.1:{}", s.addr.port());
    assert_eq!(s.req("PUT", "/").header("Host", &host).send().status, 200);
    assert_eq!(
        s.req("PUT", "/doc/a.txt")
            .header("Host", &host)
            .body(b"d")
            .send()
            .status,
        200
    );
    assert_eq!(s.req("GET", "/doc/a.txt").send().body, b"d");
    let r = s
        .req("GET", "/_cos-mock/health")
        .header("Host", &host)
        .send();
    assert_eq!(
        r.text(),
        r#"{"status":"ok"}"#,
        "admin paths come before the default bucket"
    );
}

#[test]
fn acl_subresource_forms_are_the_same() {
    let s = Server::start();
    s.create_bucket();
    let a = s.req("GET", "/?acl").send();
    let b = s.req("GET", "/?acl=").send();
    assert_eq!(a.status, b.status);
    assert_eq!(a.code(), b.code());
}

#[test]
fn host_with_port_and_other_suffix_is_virtual_host() {
    let s = Server::start();
    let host = format!(
        "examplebucket-1250000000.cos.ap-beijing.localhost:{}",
        s.addr.port()
    );
    assert_eq!(s.req("PUT", "/").header("Host", &host).send().status, 200);
    let r = s.req("HEAD", "/").header("Host", &host).send();
    assert_eq!(r.header("x-cos-bucket-region"), Some("ap-beijing"));
}
