//! The dashboard page at `GET /_cos-mock/`: its headers (type, CSP, nosniff), the 308 from
//! `/_cos-mock`, and the admin token it does not need. What the page shows is tested in headless
//! Chromium (tests/node/dashboard.test.js).

use base64::Engine;
use cos_mock::config::Config;
use sha2::{Digest, Sha256};

use crate::util::*;

fn get(s: &Server, target: &str) -> Resp {
    s.req("GET", target)
        .header("Host", &format!("localhost:{}", s.addr.port()))
        .anonymous()
        .send()
}

/// The text between `<tag>` and `</tag>` in the page.
fn inline<'a>(page: &'a str, tag: &str) -> &'a str {
    let (_, rest) = page.split_once(&format!("<{tag}>")).expect("open tag");
    rest.split_once(&format!("</{tag}>")).expect("close tag").0
}

fn hash_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[test]
fn dashboard_get_serves_the_page_as_html() {
    let s = Server::start();
    let r = get(&s, "/_cos-mock/");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let page = r.text();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page:.80}");
    assert!(page.contains("<title>cos-mock dashboard</title>"));
    assert_eq!(
        r.header("content-length"),
        Some(page.len().to_string().as_str())
    );
}

#[test]
fn dashboard_csp_allows_only_its_own_inline_script_and_style() {
    let s = Server::start();
    let r = get(&s, "/_cos-mock/");
    let csp = r.header("content-security-policy").expect("a CSP");
    let page = r.text();
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    let script = format!("script-src {}", hash_source(inline(&page, "script")));
    let style = format!("style-src {}", hash_source(inline(&page, "style")));
    for wanted in [
        "default-src 'none'",
        script.as_str(),
        style.as_str(),
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&wanted), "{wanted:?} not in {csp}");
    }
    assert!(!csp.contains("unsafe-"), "{csp}");
    assert!(!csp.contains('*'), "{csp}");
}

#[test]
fn dashboard_without_slash_redirects_308() {
    let s = Server::start();
    let r = get(&s, "/_cos-mock");
    assert_eq!(r.status, 308, "{}", r.text());
    assert_eq!(r.header("location"), Some("/_cos-mock/"));
    assert_eq!(r.body, b"");
    let r = get(&s, "/_cos-mock?x=1");
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/_cos-mock/"));
}

#[test]
fn dashboard_post_is_refused() {
    let s = Server::start();
    let r = s
        .req("POST", "/_cos-mock/")
        .header("Host", &format!("localhost:{}", s.addr.port()))
        .anonymous()
        .send();
    assert_eq!(r.status, 405, "{}", r.text());
    assert_eq!(r.header("allow"), Some("GET"));
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn dashboard_with_admin_token_needs_no_token_but_its_data_does() {
    let s = Server::with_config(Config {
        admin_token: Some("s3cret".into()),
        ..Config::default()
    });
    assert_eq!(get(&s, "/_cos-mock/").status, 200);
    assert_eq!(get(&s, "/_cos-mock").status, 308);
    for target in ["/_cos-mock/state", "/_cos-mock/requests"] {
        let r = get(&s, target);
        assert_eq!(r.status, 403, "{target}");
        assert!(
            r.text().contains(r#""code":"AccessDenied""#),
            "{}",
            r.text()
        );
    }
    let r = s
        .req("GET", "/_cos-mock/state")
        .header("Host", &format!("localhost:{}", s.addr.port()))
        .header("Authorization", "Bearer s3cret")
        .anonymous()
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn dashboard_path_on_a_bucket_host_is_an_object_key() {
    let s = Server::start();
    s.create_bucket();
    s.put("_cos-mock", b"an object");
    let r = s.req("GET", "/_cos-mock").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"an object");
}
