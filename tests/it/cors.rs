//! Bucket CORS: PUT/GET/DELETE ?cors, OPTIONS preflight, Access-Control-* on actual requests.

use base64::Engine;
use md5::Digest;

use crate::util::*;

const RULES: &str = r#"<CORSConfiguration>
  <CORSRule>
    <ID>web</ID>
    <AllowedOrigin>http://*.example.com</AllowedOrigin>
    <AllowedOrigin>http://www.qq.com</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-cos-request-id</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>"#;

fn put_cors(s: &Server, body: &str) -> Resp {
    s.req("PUT", "/?cors")
        .header("Content-Type", "application/xml")
        .body(body.as_bytes())
        .send()
}

fn with_rules() -> Server {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(put_cors(&s, RULES).status, 200);
    s
}

fn preflight(s: &Server, path: &str, origin: &str, method: &str) -> Resp {
    s.req("OPTIONS", path)
        .anonymous()
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .send()
}

#[test]
fn put_get_delete_cors_round_trip() {
    let s = with_rules();
    let r = s.req("GET", "/?cors").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/xml"));
    assert_eq!(r.xml("ID").as_deref(), Some("web"));
    assert_eq!(
        r.xml_all("AllowedOrigin"),
        ["http://*.example.com", "http://www.qq.com"]
    );
    assert_eq!(r.xml_all("ExposeHeader"), ["ETag", "x-cos-request-id"]);
    assert_eq!(r.xml("MaxAgeSeconds").as_deref(), Some("600"));
    assert_eq!(s.req("DELETE", "/?cors").send().status, 204);
    s.req("GET", "/?cors")
        .send()
        .assert_error(404, "NoSuchCORSConfiguration");
}

#[test]
fn get_cors_when_none_is_no_such_cors_configuration() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/?cors")
        .send()
        .assert_error(404, "NoSuchCORSConfiguration");
}

#[test]
fn put_cors_invalid_bodies_are_malformed_or_invalid() {
    let s = Server::start();
    s.create_bucket();
    put_cors(&s, "<CORSConfiguration/>").assert_error(400, "MalformedXML");
    put_cors(&s, "not xml <").assert_error(400, "MalformedXML");
    put_cors(
        &s,
        "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
    )
    .assert_error(400, "MalformedXML");
    put_cors(
        &s,
        "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>",
    )
    .assert_error(400, "InvalidArgument");
}

#[test]
fn put_cors_content_md5_checked() {
    let s = Server::start();
    s.create_bucket();
    let good = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(RULES));
    let r = s
        .req("PUT", "/?cors")
        .header("Content-MD5", &good)
        .body(RULES.as_bytes())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    s.req("PUT", "/?cors")
        .header("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
        .body(RULES.as_bytes())
        .send()
        .assert_error(400, "BadDigest");
}

#[test]
fn put_cors_anonymous_is_access_denied() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/?cors")
        .anonymous()
        .body(RULES.as_bytes())
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn options_matching_rule_answers_cors_headers_without_signature() {
    let s = with_rules();
    let r = s
        .req("OPTIONS", "/dir/a.txt")
        .anonymous()
        .header("Origin", "http://app.example.com")
        .header("Access-Control-Request-Method", "PUT")
        .header(
            "Access-Control-Request-Headers",
            "content-type,x-cos-meta-a",
        )
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://app.example.com")
    );
    assert_eq!(
        r.header("Access-Control-Allow-Methods"),
        Some("PUT,GET,HEAD")
    );
    assert_eq!(
        r.header("Access-Control-Allow-Headers"),
        Some("content-type,x-cos-meta-a")
    );
    assert_eq!(
        r.header("Access-Control-Expose-Headers"),
        Some("ETag,x-cos-request-id")
    );
    assert_eq!(r.header("Access-Control-Max-Age"), Some("600"));
    assert!(r.header("Vary").unwrap_or("").contains("Origin"));
    assert!(r.raw_head.contains("\r\nAccess-Control-Allow-Origin: "));
}

#[test]
fn options_on_bucket_root_works() {
    let s = with_rules();
    let r = preflight(&s, "/", "http://www.qq.com", "GET");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://www.qq.com")
    );
}

#[test]
fn options_no_matching_rule_is_access_forbidden() {
    let s = with_rules();
    preflight(&s, "/k", "http://evil.com", "GET").assert_error(403, "AccessForbidden");
    preflight(&s, "/k", "http://a.example.com", "DELETE").assert_error(403, "AccessForbidden");
}

#[test]
fn options_without_cors_config_is_access_forbidden() {
    let s = Server::start();
    s.create_bucket();
    preflight(&s, "/k", "http://a.example.com", "GET").assert_error(403, "AccessForbidden");
}

#[test]
fn options_missing_origin_or_method_is_invalid_request() {
    let s = with_rules();
    s.req("OPTIONS", "/k")
        .anonymous()
        .header("Access-Control-Request-Method", "GET")
        .send()
        .assert_error(400, "InvalidRequest");
    s.req("OPTIONS", "/k")
        .anonymous()
        .header("Origin", "http://a.example.com")
        .send()
        .assert_error(400, "InvalidRequest");
}

#[test]
fn options_on_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    preflight(&s, "/k", "http://a.example.com", "GET").assert_error(404, "NoSuchBucket");
}

#[test]
fn actual_request_with_matching_origin_gets_cors_headers() {
    let s = with_rules();
    let r = s
        .req("PUT", "/a.txt")
        .header("Origin", "http://www.qq.com")
        .body(b"hi")
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://www.qq.com")
    );
    assert_eq!(
        r.header("Access-Control-Expose-Headers"),
        Some("ETag,x-cos-request-id")
    );
    let r = s
        .req("GET", "/a.txt")
        .header("Origin", "http://evil.com")
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    let r = s.req("GET", "/a.txt").send();
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
}

#[test]
fn error_response_with_matching_origin_gets_cors_headers() {
    let s = with_rules();
    let r = s
        .req("GET", "/missing")
        .anonymous()
        .header("Origin", "http://a.example.com")
        .send();
    assert_eq!(r.status, 403);
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://a.example.com")
    );
    let r = s
        .req("GET", "/missing")
        .header("Origin", "http://a.example.com")
        .send();
    r.assert_error(404, "NoSuchKey");
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://a.example.com")
    );
}
