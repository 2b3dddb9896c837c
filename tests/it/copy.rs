//! PUT Object - Copy over the socket: source forms, metadata directive, conditions, permissions.

use crate::util::*;

const OTHER_BUCKET: &str = "other-1250000002";
const OTHER_HOST: &str = "other-1250000002.cos.ap-guangzhou.myqcloud.com";

fn copy(s: &Server, key: &str, source: &str) -> Req {
    s.req("PUT", &format!("/{}", encode_key(key)))
        .header("x-cos-copy-source", source)
}

fn with_other_account() -> Server {
    let mut config = cos_mock::config::Config::default();
    config.accounts.push(other_account());
    Server::with_config(config)
}

#[test]
fn copy_object_copies_data_and_metadata() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/src/a%20b+c.txt")
        .header("Content-Type", "text/plain")
        .header("x-cos-meta-Color", "blue")
        .header("Cache-Control", "no-cache")
        .body(b"hello")
        .send();
    assert_eq!(r.status, 200);
    let r = copy(&s, "dst.txt", &format!("{HOST}/src/a%20b%2Bc.txt"))
        .header("Content-Type", "application/json")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<CopyObjectResult>"), "{}", r.text());
    assert_eq!(
        r.xml("ETag").map(|e| e.replace("&quot;", "\"")).as_deref(),
        Some("\"5d41402abc4b2a76b9719d911017c592\"")
    );
    assert!(
        r.xml("LastModified").unwrap_or_default().ends_with('Z'),
        "{}",
        r.text()
    );
    assert_eq!(r.xml("CRC64").as_deref(), Some("11177612005948864433"));
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some("11177612005948864433")
    );
    let g = s.req("GET", "/dst.txt").send();
    assert_eq!(g.body, b"hello");
    assert_eq!(g.header("Content-Type"), Some("text/plain"));
    assert_eq!(g.header("x-cos-meta-color"), Some("blue"));
    assert_eq!(g.header("Cache-Control"), Some("no-cache"));
}

#[test]
fn copy_object_replaced_takes_request_metadata() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/src")
        .header("x-cos-meta-Color", "blue")
        .body(b"x")
        .send();
    let r = copy(&s, "dst", &format!("{HOST}/src"))
        .header("x-cos-metadata-directive", "Replaced")
        .header("Content-Type", "text/csv")
        .header("x-cos-meta-Shape", "round")
        .header("x-cos-storage-class", "STANDARD_IA")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let g = s.req("HEAD", "/dst").send();
    assert_eq!(g.header("Content-Type"), Some("text/csv"));
    assert_eq!(g.header("x-cos-meta-shape"), Some("round"));
    assert_eq!(g.header("x-cos-meta-color"), None);
    assert_eq!(g.header("x-cos-storage-class"), Some("STANDARD_IA"));
}

#[test]
fn copy_object_path_form_and_scheme_sources() {
    let s = Server::start();
    s.create_bucket();
    s.put("dir/中.txt", b"zh");
    for (i, source) in [
        format!("/{BUCKET}/dir/%E4%B8%AD.txt"),
        format!("http://{HOST}/dir/%E4%B8%AD.txt"),
        format!("{HOST}/dir/%E4%B8%AD.txt?versionId=null"),
    ]
    .iter()
    .enumerate()
    {
        let r = copy(&s, &format!("copy{i}"), source).send();
        assert_eq!(r.status, 200, "{source}: {}", r.text());
        assert_eq!(s.req("GET", &format!("/copy{i}")).send().body, b"zh");
    }
}

#[test]
fn copy_object_onto_itself_needs_replaced() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"x");
    copy(&s, "k", &format!("{HOST}/k"))
        .send()
        .assert_error(400, "InvalidRequest");
    copy(&s, "k", &format!("{HOST}/k"))
        .header("x-cos-metadata-directive", "Copy")
        .send()
        .assert_error(400, "InvalidRequest");
    let r = copy(&s, "k", &format!("{HOST}/k"))
        .header("x-cos-metadata-directive", "Replaced")
        .header("x-cos-meta-new", "1")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        s.req("HEAD", "/k").send().header("x-cos-meta-new"),
        Some("1")
    );
    // Changing the storage class is a change too.
    let r = copy(&s, "k", &format!("{HOST}/k"))
        .header("x-cos-storage-class", "STANDARD_IA")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn copy_object_missing_source_is_no_such_key_or_bucket() {
    let s = Server::start();
    s.create_bucket();
    copy(&s, "dst", &format!("{HOST}/missing"))
        .send()
        .assert_error(404, "NoSuchKey");
    copy(
        &s,
        "dst",
        "nobucket-1250000000.cos.ap-guangzhou.myqcloud.com/k",
    )
    .send()
    .assert_error(404, "NoSuchBucket");
}

#[test]
fn copy_object_bad_source_or_directive_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"x");
    for bad in ["", "just-text", &format!("{HOST}/")] {
        copy(&s, "dst", bad)
            .send()
            .assert_error(400, "InvalidArgument");
    }
    copy(&s, "dst", &format!("{HOST}/k"))
        .header("x-cos-metadata-directive", "Merge")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn copy_object_source_conditions_fail_with_412() {
    let s = Server::start();
    s.create_bucket();
    let etag = s.put("k", b"x").header("ETag").unwrap().to_string();
    let past = "Mon, 01 Jan 2001 00:00:00 GMT";
    let future = "Fri, 01 Jan 2100 00:00:00 GMT";
    let failing = [
        ("x-cos-copy-source-If-Match", "\"other\""),
        ("x-cos-copy-source-If-None-Match", etag.as_str()),
        ("x-cos-copy-source-If-Modified-Since", future),
        ("x-cos-copy-source-If-Unmodified-Since", past),
    ];
    for (h, v) in failing {
        copy(&s, "dst", &format!("{HOST}/k"))
            .header(h, v)
            .send()
            .assert_error(412, "PreconditionFailed");
    }
    let passing = [
        ("x-cos-copy-source-If-Match", etag.as_str()),
        ("x-cos-copy-source-If-None-Match", "\"other\""),
        ("x-cos-copy-source-If-Modified-Since", past),
        ("x-cos-copy-source-If-Unmodified-Since", future),
    ];
    for (h, v) in passing {
        let r = copy(&s, "dst", &format!("{HOST}/k")).header(h, v).send();
        assert_eq!(r.status, 200, "{h}: {}", r.text());
    }
}

#[test]
fn copy_object_from_bucket_caller_may_not_read_is_access_denied() {
    let s = with_other_account();
    s.create_bucket();
    let r = s
        .req("PUT", "/")
        .header("Host", OTHER_HOST)
        .keys("AKIDOTHER", "other")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s
        .req("PUT", "/secret")
        .header("Host", OTHER_HOST)
        .keys("AKIDOTHER", "other")
        .body(b"s")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    copy(
        &s,
        "dst",
        &format!("{OTHER_BUCKET}.cos.ap-guangzhou.myqcloud.com/secret"),
    )
    .send()
    .assert_error(403, "AccessDenied");
    s.req("GET", "/dst").send().assert_error(404, "NoSuchKey");
}
