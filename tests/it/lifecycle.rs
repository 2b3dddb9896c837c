//! Bucket lifecycle: PUT/GET/DELETE ?lifecycle, expiration on the server clock, the clock endpoint.

use crate::util::*;

/// `POST /_cos-mock/clock` with a JSON body (or GET with none).
pub fn clock(s: &Server, method: &str, body: &str) -> Resp {
    s.req(method, "/_cos-mock/clock")
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
        .header("Content-Type", "application/json")
        .anonymous()
        .body(body.as_bytes())
        .send()
}

fn put_lifecycle(s: &Server, body: &str) -> Resp {
    s.req("PUT", "/?lifecycle")
        .header("Content-Type", "application/xml")
        .body(body.as_bytes())
        .send()
}

const EXPIRE_LOGS: &str = r#"<LifecycleConfiguration>
  <Rule>
    <ID>logs</ID>
    <Filter><Prefix>logs/</Prefix></Filter>
    <Status>Enabled</Status>
    <Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
    <Expiration><Days>3</Days></Expiration>
  </Rule>
</LifecycleConfiguration>"#;

#[test]
fn put_get_delete_lifecycle_round_trip() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(put_lifecycle(&s, EXPIRE_LOGS).status, 200);
    let r = s.req("GET", "/?lifecycle").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml("ID").as_deref(), Some("logs"));
    assert_eq!(r.xml("Prefix").as_deref(), Some("logs/"));
    assert_eq!(r.xml("Status").as_deref(), Some("Enabled"));
    assert_eq!(r.xml("StorageClass").as_deref(), Some("STANDARD_IA"));
    assert_eq!(s.req("DELETE", "/?lifecycle").send().status, 204);
    s.req("GET", "/?lifecycle")
        .send()
        .assert_error(404, "NoSuchLifecycleConfiguration");
}

#[test]
fn put_lifecycle_invalid_bodies_are_malformed_or_invalid() {
    let s = Server::start();
    s.create_bucket();
    put_lifecycle(&s, "<LifecycleConfiguration/>").assert_error(400, "MalformedXML");
    put_lifecycle(
        &s,
        "<LifecycleConfiguration><Rule><Status>Maybe</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
    )
    .assert_error(400, "MalformedXML");
    put_lifecycle(
        &s,
        "<LifecycleConfiguration><Rule><Status>Enabled</Status></Rule></LifecycleConfiguration>",
    )
    .assert_error(400, "InvalidArgument");
    put_lifecycle(
        &s,
        "<LifecycleConfiguration><Rule><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule></LifecycleConfiguration>",
    )
    .assert_error(400, "InvalidArgument");
}

#[test]
fn put_lifecycle_on_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    put_lifecycle(&s, EXPIRE_LOGS).assert_error(404, "NoSuchBucket");
}

#[test]
fn lifecycle_expiration_removes_objects_when_clock_advances() {
    let s = Server::start();
    s.create_bucket();
    s.put("logs/a", b"1");
    s.put("keep/a", b"1");
    assert_eq!(put_lifecycle(&s, EXPIRE_LOGS).status, 200);
    assert_eq!(s.req("GET", "/logs/a").send().status, 200);
    // Day 2: transitioned to STANDARD_IA, still there.
    let r = clock(&s, "POST", r#"{"advance_seconds": 172800}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("HEAD", "/logs/a").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-cos-storage-class"), Some("STANDARD_IA"));
    // Day 4 (3 days rounded up to the next UTC midnight have passed): gone.
    clock(&s, "POST", r#"{"advance_seconds": 172800}"#);
    s.req("GET", "/logs/a")
        .send()
        .assert_error(404, "NoSuchKey");
    assert_eq!(s.req("GET", "/keep/a").send().status, 200);
    let r = s.req("GET", "/?prefix=logs/").send();
    assert!(r.xml_all("Key").is_empty(), "{}", r.text());
}

#[test]
fn lifecycle_disabled_rule_does_nothing() {
    let s = Server::start();
    s.create_bucket();
    s.put("logs/a", b"1");
    put_lifecycle(&s, &EXPIRE_LOGS.replace("Enabled", "Disabled"));
    clock(&s, "POST", r#"{"advance_seconds": 864000}"#);
    assert_eq!(s.req("GET", "/logs/a").send().status, 200);
}

#[test]
fn clock_get_set_and_reset() {
    let s = Server::start();
    let r = clock(&s, "GET", "");
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["offset_seconds"], 0);
    assert!(v["now"].as_str().unwrap().ends_with('Z'));
    let v: serde_json::Value =
        serde_json::from_slice(&clock(&s, "POST", r#"{"offset_seconds": 100}"#).body).unwrap();
    assert_eq!(v["offset_seconds"], 100);
    let v: serde_json::Value =
        serde_json::from_slice(&clock(&s, "POST", r#"{"advance_seconds": 5}"#).body).unwrap();
    assert_eq!(v["offset_seconds"], 105);
    s.req("POST", "/_cos-mock/reset")
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
        .anonymous()
        .send();
    let v: serde_json::Value = serde_json::from_slice(&clock(&s, "GET", "").body).unwrap();
    assert_eq!(v["offset_seconds"], 0);
}

#[test]
fn clock_bad_body_is_invalid_argument() {
    let s = Server::start();
    clock(&s, "POST", "nope").assert_error(400, "InvalidArgument");
    clock(&s, "POST", r#"{"advance_seconds": "x"}"#).assert_error(400, "InvalidArgument");
    clock(&s, "POST", r#"{"speed": 2}"#).assert_error(400, "InvalidArgument");
    clock(&s, "POST", "{}").assert_error(400, "InvalidArgument");
}

#[test]
fn signatures_keep_real_time_when_clock_advances() {
    let s = Server::start();
    s.create_bucket();
    clock(&s, "POST", r#"{"advance_seconds": 31536000}"#);
    // A fresh signature (real time window) still works a year later on the server clock.
    let r = s.put("a", b"x");
    assert_eq!(r.status, 200);
    let r = s.req("HEAD", "/a").send();
    let lm = httpdate::parse_http_date(r.header("Last-Modified").unwrap()).unwrap();
    let year = std::time::Duration::from_secs(360 * 86400);
    assert!(lm > std::time::SystemTime::now() + year);
}

#[test]
fn clock_beyond_year_9999_is_invalid_argument_and_changes_nothing() {
    let s = Server::start();
    s.create_bucket();
    for body in [
        r#"{"offset_seconds": 300000000000}"#,
        r#"{"offset_seconds": 9223372036854775807}"#,
        r#"{"advance_seconds": -9223372036854775807}"#,
    ] {
        clock(&s, "POST", body).assert_error(400, "InvalidArgument");
    }
    let r = clock(&s, "GET", "");
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["offset_seconds"], 0);
    assert_eq!(s.put("a", b"x").status, 200);
}

#[test]
fn lifecycle_days_or_dates_past_year_9999_are_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    let rule = |action: &str| {
        format!("<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>{action}</Rule></LifecycleConfiguration>")
    };
    put_lifecycle(
        &s,
        &rule("<Expiration><Days>200000000000000</Days></Expiration>"),
    )
    .assert_error(400, "InvalidArgument");
    put_lifecycle(
        &s,
        &rule("<Expiration><Date>999999999999-01-01T00:00:00Z</Date></Expiration>"),
    )
    .assert_error(400, "InvalidArgument");
    s.req("GET", "/?lifecycle")
        .send()
        .assert_error(404, "NoSuchLifecycleConfiguration");
    assert_eq!(s.put("a", b"x").status, 200);
}

#[test]
fn lifecycle_put_date_february_31_is_invalid_argument_and_not_stored() {
    let s = Server::start();
    s.create_bucket();
    let body = "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Date>2030-02-31T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>";
    put_lifecycle(&s, body).assert_error(400, "InvalidArgument");
    s.req("GET", "/?lifecycle")
        .send()
        .assert_error(404, "NoSuchLifecycleConfiguration");
}

#[test]
fn lifecycle_transition_date_before_expiration_date_is_accepted() {
    let s = Server::start();
    s.create_bucket();
    let body = "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>STANDARD_IA</StorageClass></Transition><Expiration><Date>2031-01-01T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>";
    assert_eq!(put_lifecycle(&s, body).status, 200);
}
