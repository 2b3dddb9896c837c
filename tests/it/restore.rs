//! POST Object restore for ARCHIVE / DEEP_ARCHIVE objects, and reads of archived objects.

use crate::lifecycle::clock;
use crate::util::*;

const RESTORE: &str = "<RestoreRequest><Days>2</Days><CASJobParameters><Tier>Standard</Tier></CASJobParameters></RestoreRequest>";

fn archived(s: &Server, key: &str, class: &str) {
    let r = s
        .req("PUT", &format!("/{key}"))
        .header("x-cos-storage-class", class)
        .body(b"cold")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

fn restore(s: &Server, key: &str, body: &str) -> Resp {
    s.req("POST", &format!("/{key}?restore"))
        .body(body.as_bytes())
        .send()
}

#[test]
fn get_archived_object_is_invalid_object_state() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "ARCHIVE");
    s.req("GET", "/a")
        .send()
        .assert_error(403, "InvalidObjectState");
    let r = s.req("HEAD", "/a").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-cos-storage-class"), Some("ARCHIVE"));
    assert_eq!(r.header("x-cos-restore"), None);
}

#[test]
fn restore_archived_object_is_accepted_then_readable() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "ARCHIVE");
    assert_eq!(restore(&s, "a", RESTORE).status, 202);
    let r = s.req("GET", "/a").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"cold");
    let h = r.header("x-cos-restore").unwrap().to_string();
    assert!(
        h.starts_with("ongoing-request=\"false\", expiry-date=\""),
        "{h}"
    );
    assert!(h.ends_with(" GMT\""), "{h}");
    // Again while the copy is live: 200.
    assert_eq!(restore(&s, "a", RESTORE).status, 200);
}

#[test]
fn restored_copy_expires_after_days_on_server_clock() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "DEEP_ARCHIVE");
    assert_eq!(restore(&s, "a", RESTORE).status, 202);
    clock(&s, "POST", r#"{"advance_seconds": 172801}"#);
    s.req("GET", "/a")
        .send()
        .assert_error(403, "InvalidObjectState");
    assert_eq!(restore(&s, "a", RESTORE).status, 202);
}

#[test]
fn restore_in_progress_is_restore_already_in_progress() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "ARCHIVE");
    clock(&s, "POST", r#"{"restore_delay_seconds": 3600}"#);
    assert_eq!(restore(&s, "a", RESTORE).status, 202);
    let r = s.req("HEAD", "/a").send();
    assert_eq!(r.header("x-cos-restore"), Some("ongoing-request=\"true\""));
    s.req("GET", "/a")
        .send()
        .assert_error(403, "InvalidObjectState");
    restore(&s, "a", RESTORE).assert_error(409, "RestoreAlreadyInProgress");
    clock(&s, "POST", r#"{"advance_seconds": 3600}"#);
    assert_eq!(s.req("GET", "/a").send().status, 200);
}

#[test]
fn restore_standard_object_is_invalid_object_state() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"x");
    restore(&s, "a", RESTORE).assert_error(403, "InvalidObjectState");
}

#[test]
fn restore_missing_object_is_no_such_key() {
    let s = Server::start();
    s.create_bucket();
    restore(&s, "nope", RESTORE).assert_error(404, "NoSuchKey");
}

#[test]
fn restore_bad_bodies_are_malformed_or_invalid() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "DEEP_ARCHIVE");
    restore(&s, "a", "<RestoreRequest/>").assert_error(400, "MalformedXML");
    restore(&s, "a", "garbage").assert_error(400, "MalformedXML");
    restore(&s, "a", "<RestoreRequest><Days>0</Days></RestoreRequest>")
        .assert_error(400, "InvalidArgument");
    restore(
        &s,
        "a",
        "<RestoreRequest><Days>1</Days><CASJobParameters><Tier>Expedited</Tier></CASJobParameters></RestoreRequest>",
    )
    .assert_error(400, "InvalidArgument");
}

#[test]
fn overwrite_drops_the_restore() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "ARCHIVE");
    assert_eq!(restore(&s, "a", RESTORE).status, 202);
    archived(&s, "a", "ARCHIVE");
    s.req("GET", "/a")
        .send()
        .assert_error(403, "InvalidObjectState");
}

#[test]
fn restore_anonymous_is_access_denied() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "ARCHIVE");
    s.req("POST", "/a?restore")
        .anonymous()
        .body(RESTORE.as_bytes())
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn restore_days_past_year_9999_is_invalid_argument_and_object_stays_readable_by_head() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "ARCHIVE");
    for days in ["3000000", "18446744073709551615"] {
        let body = format!("<RestoreRequest><Days>{days}</Days></RestoreRequest>");
        restore(&s, "a", &body).assert_error(400, "InvalidArgument");
    }
    assert_eq!(s.req("HEAD", "/a").send().status, 200);
}

#[test]
fn copy_from_unrestored_archive_is_invalid_object_state() {
    let s = Server::start();
    s.create_bucket();
    archived(&s, "a", "ARCHIVE");
    let source = format!("{HOST}/a");
    s.req("PUT", "/copy")
        .header("x-cos-copy-source", &source)
        .send()
        .assert_error(403, "InvalidObjectState");
    s.req("GET", "/copy").send().assert_error(404, "NoSuchKey");
    assert_eq!(restore(&s, "a", RESTORE).status, 202);
    assert_eq!(
        s.req("PUT", "/copy")
            .header("x-cos-copy-source", &source)
            .send()
            .status,
        200
    );
    assert_eq!(s.req("GET", "/copy").send().body, b"cold");
}
