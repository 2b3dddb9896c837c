//! The admin API's contract (issue #15): JSON errors, 404 and 405 from one table, the journal
//! filters of `GET /_cos-mock/requests`, admin calls kept out of the journal, and hostile input
//! that must never reach a 500.

use serde_json::Value;

use crate::util::*;

fn admin(s: &Server, method: &str, target: &str) -> Req {
    s.req(method, &format!("/_cos-mock/{target}"))
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
        .anonymous()
}

fn json(r: &Resp) -> Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

/// Asserts a JSON admin error: status, code, content type and a non-empty message.
#[track_caller]
fn assert_admin_error(r: &Resp, status: u16, code: &str) {
    r.assert_status(status);
    assert_eq!(
        r.header("content-type"),
        Some("application/json"),
        "{}",
        r.raw_head
    );
    let body = json(r);
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
}

/// The request ids of `GET /_cos-mock/requests?<query>`.
fn journal(s: &Server, query: &str) -> Vec<Value> {
    let r = admin(s, "GET", &format!("requests{query}")).send();
    r.assert_status(200);
    json(&r)["requests"].as_array().unwrap().clone()
}

/// A bucket with an object, then an anonymous 403 and a 404: four journal entries.
fn with_traffic() -> Server {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    s.req("GET", "/a").anonymous().send().assert_status(403);
    s.req("GET", "/missing").send().assert_status(404);
    s
}

#[test]
fn unknown_admin_paths_are_json_not_found() {
    let s = Server::start();
    for target in [
        "nope",
        "state/",
        "STATE",
        "../state",
        "state/../health",
        "%2e%2e/state",
        "%73tate",
        "state%2Fexport",
        "a%zz",
        "requests/x?limit=1",
        &"x".repeat(20_000),
    ] {
        let r = admin(&s, "GET", target).send();
        assert_admin_error(&r, 404, "NotFound");
        assert!(r.text().len() < 2_000, "{}", r.text().len());
    }
    // A path that cannot be a path at all is 400, in JSON too.
    assert_admin_error(&admin(&s, "GET", "health%00").send(), 400, "InvalidURI");
    // The same paths with a wrong method are still unknown (404, not 405).
    assert_admin_error(&admin(&s, "DELETE", "nope").send(), 404, "NotFound");
}

#[test]
fn wrong_method_is_405_with_allow_listing_the_path_methods() {
    let s = Server::start();
    for (method, path, allow) in [
        ("POST", "health", "GET"),
        ("GET", "reset", "POST"),
        ("DELETE", "state", "GET"),
        ("PUT", "requests", "GET"),
        ("PATCH", "clock", "GET, POST"),
        ("OPTIONS", "clock", "GET, POST"),
        ("POST", "openapi.json", "GET"),
        ("FOO", "state", "GET"),
    ] {
        let r = admin(&s, method, path).send();
        assert_admin_error(&r, 405, "MethodNotAllowed");
        assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
    }
    let r = admin(&s, "HEAD", "state").send();
    r.assert_status(405);
    assert_eq!(r.header("allow"), Some("GET"));
    assert!(r.body.is_empty());
}

#[test]
fn guard_errors_are_json() {
    let s = Server::with_config(cos_mock::config::Config {
        admin_token: Some("t0k".into()),
        ..Default::default()
    });
    assert_admin_error(&admin(&s, "GET", "state").send(), 403, "AccessDenied");
    let r = admin(&s, "GET", "state")
        .header("Authorization", "Bearer t0k")
        .header("Origin", "http://evil.example")
        .send();
    assert_admin_error(&r, 403, "AccessDenied");
    let r = admin(&s, "POST", "clock")
        .header("Authorization", "Bearer t0k")
        .header("Content-Type", "text/plain")
        .body(b"{}")
        .send();
    assert_admin_error(&r, 415, "UnsupportedMediaType");
    let r = admin(&s, "GET", "openapi.json")
        .header("Authorization", "Bearer t0k")
        .send();
    r.assert_status(200);
    assert_eq!(admin(&s, "GET", "health").send().status, 200);
}

#[test]
fn clock_errors_are_json_and_change_nothing() {
    let s = Server::start();
    for body in [
        &b"[1]"[..],
        b"1",
        b"\"advance_seconds\"",
        b"null",
        b"{",
        b"{}",
        b"{\"advance_seconds\":1,\"advance_seconds\":2}",
        b"{\"advance_seconds\":1.5}",
        b"{\"advance_seconds\":\"1\"}",
        b"{\"restore_delay_seconds\":-1}",
        b"{\"advance_seconds\":1,\"nope\":1}",
        b"{\"offset_seconds\":9223372036854775807}",
        b"{\"advance_seconds\":99999999999999999999}",
    ] {
        let r = admin(&s, "POST", "clock")
            .header("Content-Type", "application/json")
            .body(body)
            .send();
        assert_admin_error(&r, 400, "InvalidArgument");
        let clock = json(&admin(&s, "GET", "clock").send());
        assert_eq!(
            clock["offset_seconds"],
            0,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn reset_takes_no_body_or_an_empty_object_only() {
    let s = Server::start();
    s.create_bucket();
    for body in [&b"[]"[..], b"{\"x\":1}", b"nope", b"1"] {
        let r = admin(&s, "POST", "reset")
            .header("Content-Type", "application/json")
            .body(body)
            .send();
        assert_admin_error(&r, 400, "InvalidArgument");
        assert_eq!(s.req("HEAD", "/").send().status, 200, "state kept");
    }
    let r = admin(&s, "POST", "reset")
        .header("Content-Type", "application/json")
        .body(b"{}")
        .send();
    r.assert_status(204);
    assert_eq!(s.req("HEAD", "/").send().status, 404);
    admin(&s, "POST", "reset").send().assert_status(204);
}

#[test]
fn oversized_admin_body_is_413_json() {
    use std::io::{Read, Write};
    let s = Server::start();
    let size = 2 * 1024 * 1024;
    let head = format!(
        "POST /_cos-mock/clock HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n",
        s.addr.port()
    );
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer and close before it all arrives.
    let _ = stream.write_all(&vec![b' '; size]);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    assert_admin_error(&Resp::parse(&raw, false), 413, "EntityTooLarge");
}

#[test]
fn admin_requests_are_not_journaled() {
    let s = Server::start();
    s.create_bucket();
    for (method, path) in [
        ("GET", "state"),
        ("GET", "health"),
        ("GET", "clock"),
        ("GET", "openapi.json"),
        ("GET", "nope"),
        ("DELETE", "state"),
        ("GET", "a%zz"),
    ] {
        admin(&s, method, path).send();
    }
    let entries = journal(&s, "");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "name/cos:PutBucket");
    // A key named like an admin path on a bucket's host is an object request, and journaled.
    s.req("GET", "/_cos-mock/state").send().assert_status(404);
    assert_eq!(journal(&s, "")[0]["key"], "_cos-mock/state");
}

#[test]
fn requests_filters_combine_with_and() {
    let s = with_traffic();
    let all = journal(&s, "");
    assert_eq!(all.len(), 4, "{all:?}");
    let statuses = |q: &str| -> Vec<u64> {
        journal(&s, q)
            .iter()
            .map(|e| e["status"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(statuses("?status=403"), [403]);
    assert_eq!(statuses("?status=4xx"), [404, 403]);
    assert_eq!(statuses("?status=4XX&caller=anonymous"), [403]);
    assert_eq!(statuses("?status=2xx"), [200, 200]);
    assert_eq!(statuses("?status=5xx"), Vec::<u64>::new());
    assert_eq!(statuses("?action=GetObject"), [404, 403]);
    assert_eq!(statuses("?action=name%2Fcos%3AGetObject&limit=1"), [404]);
    assert_eq!(statuses("?action=oss:GetObject"), Vec::<u64>::new());
    assert_eq!(statuses("?action=PutObject"), [200]);
    assert_eq!(
        statuses(&format!("?bucket={BUCKET}&caller=100000000001")),
        [404, 200, 200]
    );
    assert_eq!(statuses("?bucket=other-1250000000"), Vec::<u64>::new());
    assert_eq!(statuses("?limit=2"), [404, 403]);
    assert_eq!(statuses("?limit=1000"), [404, 403, 200, 200]);
    // since: entries at or after; the newest entry's own time selects it.
    let newest = all[0]["time"].as_str().unwrap();
    let at = journal(&s, &format!("?since={newest}"));
    assert!(!at.is_empty() && at[0]["request_id"] == all[0]["request_id"]);
    assert_eq!(journal(&s, "?since=9999-12-31T23:59:59Z").len(), 0);
    assert_eq!(journal(&s, "?since=1970-01-01T00:00:00%2B08:00").len(), 4);
}

#[test]
fn requests_bad_filter_values_are_400_naming_the_parameter() {
    let s = with_traffic();
    let huge = format!("?limit={}", "9".repeat(30_000));
    for (query, name) in [
        ("?limit=0", "limit"),
        ("?limit=-1", "limit"),
        ("?limit=1001", "limit"),
        ("?limit=99999999999999999999", "limit"),
        ("?limit=", "limit"),
        ("?limit", "limit"),
        ("?status=abc", "status"),
        ("?status=4xx5", "status"),
        ("?status=600", "status"),
        ("?since=garbage", "since"),
        ("?since=2024-01-02", "since"),
        ("?since=2024-01-02T03:04:05+08:00", "since"),
        ("?bucket=", "bucket"),
        ("?nope=1", "nope"),
        ("?status=403&status=404", "status"),
        ("?limit=1&Limit=2", "limit"),
        (huge.as_str(), "limit"),
    ] {
        let r = admin(&s, "GET", &format!("requests{query}")).send();
        assert_admin_error(&r, 400, "InvalidArgument");
        let message = json(&r)["message"].as_str().unwrap().to_string();
        assert!(message.contains(name), "{query}: {message}");
        assert!(message.len() < 2_000, "{query}: {}", message.len());
    }
    assert_eq!(journal(&s, "").len(), 4, "nothing was journaled or lost");
}

#[test]
fn requests_duration_is_rounded_to_three_decimals() {
    let s = with_traffic();
    for e in journal(&s, "") {
        let ms = e["duration_ms"].as_f64().unwrap();
        assert!(
            ms >= 0.0 && ((ms * 1000.0).round() - ms * 1000.0).abs() < 1e-6,
            "{e}"
        );
    }
}

#[test]
fn openapi_is_served_as_json() {
    let s = Server::start();
    let r = admin(&s, "GET", "openapi.json").send();
    r.assert_status(200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let doc = json(&r);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/_cos-mock/requests"]["get"].is_object());
}
