//! APPEND Object, `x-cos-forbid-overwrite` and a repeated Complete Multipart Upload, over the socket.

use crate::multipart::{initiate, upload_part};
use crate::util::*;

fn append(s: &Server, key: &str, position: u64, body: &[u8]) -> Resp {
    s.req("POST", &format!("/{key}?append&position={position}"))
        .body(body)
        .send()
}

fn crc64(data: &[u8]) -> String {
    cos_mock::checksum::crc64(data).to_string()
}

fn complete(s: &Server, key: &str, id: &str, parts: &[(u32, &str)]) -> Req {
    let mut x = String::from("<CompleteMultipartUpload>");
    for (n, etag) in parts {
        x.push_str(&format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>"
        ));
    }
    x.push_str("</CompleteMultipartUpload>");
    s.req("POST", &format!("/{key}?uploadId={id}"))
        .body(x.as_bytes())
}

#[test]
fn append_at_zero_then_length_grows_object_with_next_position_and_whole_crc64() {
    let s = Server::start();
    s.create_bucket();
    let r = append(&s, "log", 0, b"hello ");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-cos-next-append-position"), Some("6"));
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some(crc64(b"hello ").as_str())
    );
    assert!(r.header("ETag").is_some());
    let r = append(&s, "log", 6, b"world");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-cos-next-append-position"), Some("11"));
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some(crc64(b"hello world").as_str())
    );
    let got = s.req("GET", "/log").send();
    assert_eq!(got.body, b"hello world");
    assert_eq!(got.header("x-cos-object-type"), Some("appendable"));
    let head = s.req("HEAD", "/log").send();
    assert_eq!(head.header("x-cos-object-type"), Some("appendable"));
    assert_eq!(head.header("Content-Length"), Some("11"));
}

#[test]
fn append_metadata_counts_only_on_first_append() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("POST", "/m?append&position=0")
        .header("Content-Type", "text/plain")
        .header("x-cos-meta-who", "first")
        .body(b"a")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s
        .req("POST", "/m?append&position=1")
        .header("Content-Type", "image/png")
        .header("x-cos-meta-who", "second")
        .body(b"b")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let got = s.req("GET", "/m").send();
    assert_eq!(got.header("Content-Type"), Some("text/plain"));
    assert_eq!(got.header("x-cos-meta-who"), Some("first"));
}

#[test]
fn append_position_not_length_is_append_position_err_and_changes_nothing() {
    let s = Server::start();
    s.create_bucket();
    append(&s, "k", 0, b"abc");
    let r = append(&s, "k", 2, b"x");
    r.assert_error(409, "AppendPositionErr");
    assert_eq!(r.header("x-cos-next-append-position"), Some("3"));
    append(&s, "k", 0, b"x").assert_error(409, "AppendPositionErr");
    append(&s, "missing", 5, b"x").assert_error(409, "AppendPositionErr");
    assert_eq!(s.req("GET", "/k").send().body, b"abc");
    s.req("GET", "/missing")
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn append_in_versioned_bucket_keeps_one_version_per_appendable_object() {
    // cos-python-sdk-v5's own suite appends in a bucket it enabled versioning on and expects 200;
    // COS: appendable objects take no part in versioning.
    let s = Server::start();
    s.create_bucket();
    let enable = "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
    assert_eq!(
        s.req("PUT", "/?versioning")
            .body(enable.as_bytes())
            .send()
            .status,
        200
    );
    assert_eq!(append(&s, "log", 0, b"ab").status, 200);
    assert_eq!(append(&s, "log", 2, b"cd").status, 200);
    assert_eq!(s.req("GET", "/log").send().body, b"abcd");
    let versions = s.req("GET", "/?versions&prefix=log").send();
    assert_eq!(
        versions.xml_all("VersionId").len(),
        1,
        "{}",
        versions.text()
    );
    // A PUT over it keeps the appendable object as an earlier version.
    s.put("log", b"normal");
    let versions = s.req("GET", "/?versions&prefix=log").send();
    assert_eq!(
        versions.xml_all("VersionId").len(),
        2,
        "{}",
        versions.text()
    );
    append(&s, "log", 6, b"x").assert_error(409, "ObjectNotAppendable");
}

#[test]
fn append_to_normal_object_is_object_not_appendable() {
    let s = Server::start();
    s.create_bucket();
    s.put("n", b"abc");
    append(&s, "n", 3, b"x").assert_error(409, "ObjectNotAppendable");
    append(&s, "n", 0, b"x").assert_error(409, "ObjectNotAppendable");
    let got = s.req("GET", "/n").send();
    assert_eq!(got.body, b"abc");
    assert_eq!(got.header("x-cos-object-type"), None);
}

#[test]
fn put_over_appendable_object_makes_it_normal() {
    let s = Server::start();
    s.create_bucket();
    append(&s, "k", 0, b"abc");
    s.put("k", b"new");
    assert_eq!(s.req("HEAD", "/k").send().header("x-cos-object-type"), None);
    append(&s, "k", 3, b"x").assert_error(409, "ObjectNotAppendable");
}

#[test]
fn append_bad_position_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    for q in [
        "append",
        "append&position=",
        "append&position=-1",
        "append&position=x",
    ] {
        s.req("POST", &format!("/k?{q}"))
            .body(b"x")
            .send()
            .assert_error(400, "InvalidArgument");
    }
    s.req("GET", "/k").send().assert_error(404, "NoSuchKey");
}

#[test]
fn append_content_md5_mismatch_is_bad_digest() {
    let s = Server::start();
    s.create_bucket();
    s.req("POST", "/k?append&position=0")
        .header("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")
        .body(b"not empty")
        .send()
        .assert_error(400, "BadDigest");
    s.req("GET", "/k").send().assert_error(404, "NoSuchKey");
}

#[test]
fn append_refused_storage_class_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    for class in ["INTELLIGENT_TIERING", "ARCHIVE", "MAZ_STANDARD", "COLD"] {
        s.req("POST", "/k?append&position=0")
            .header("x-cos-storage-class", class)
            .body(b"x")
            .send()
            .assert_error(400, "InvalidArgument");
    }
    let r = s
        .req("POST", "/k?append&position=0")
        .header("x-cos-storage-class", "STANDARD_IA")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    // Later appends keep the object's class, whatever the request says.
    let r = s
        .req("POST", "/k?append&position=1")
        .header("x-cos-storage-class", "ARCHIVE")
        .body(b"y")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let head = s.req("HEAD", "/k").send();
    assert_eq!(head.header("x-cos-storage-class"), Some("STANDARD_IA"));
}

#[test]
fn append_past_object_size_limit_is_entity_too_large() {
    let s = Server::with_config(cos_mock::config::Config {
        max_body_bytes: 4,
        ..Default::default()
    });
    s.create_bucket();
    append(&s, "k", 0, b"abc");
    append(&s, "k", 3, b"de").assert_error(400, "EntityTooLarge");
    assert_eq!(s.req("GET", "/k").send().body, b"abc");
}

#[test]
fn append_concurrent_at_same_position_only_one_wins() {
    let s = Server::start();
    s.create_bucket();
    append(&s, "k", 0, b"a");
    let reqs: Vec<Req> = (0..8)
        .map(|i| {
            s.req("POST", "/k?append&position=1")
                .body(format!("{i}").as_bytes())
        })
        .collect();
    let handles: Vec<_> = reqs
        .into_iter()
        .map(|r| std::thread::spawn(move || r.send().status))
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(s.req("GET", "/k").send().body.len(), 2);
}

#[test]
fn put_forbid_overwrite_true_on_existing_key_is_file_already_exists() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/k")
        .header("x-cos-forbid-overwrite", "true")
        .body(b"first")
        .send();
    assert_eq!(r.status, 200, "a new key is written: {}", r.text());
    for value in ["true", "TRUE", "True"] {
        s.req("PUT", "/k")
            .header("x-cos-forbid-overwrite", value)
            .body(b"second")
            .send()
            .assert_error(409, "FileAlreadyExists");
    }
    assert_eq!(s.req("GET", "/k").send().body, b"first");
}

#[test]
fn put_forbid_overwrite_false_or_other_overwrites() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"first");
    for (value, body) in [("false", "second"), ("yes", "third")] {
        let r = s
            .req("PUT", "/k")
            .header("x-cos-forbid-overwrite", value)
            .body(body.as_bytes())
            .send();
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(s.req("GET", "/k").send().body, body.as_bytes());
    }
}

#[test]
fn put_forbid_overwrite_racing_puts_only_one_wins() {
    let s = Server::start();
    s.create_bucket();
    let reqs: Vec<Req> = (0..8)
        .map(|i| {
            s.req("PUT", "/race")
                .header("x-cos-forbid-overwrite", "true")
                .body(format!("{i}").as_bytes())
        })
        .collect();
    let handles: Vec<_> = reqs
        .into_iter()
        .map(|r| std::thread::spawn(move || r.send().status))
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
}

#[test]
fn copy_forbid_overwrite_on_existing_key_is_file_already_exists() {
    let s = Server::start();
    s.create_bucket();
    s.put("src", b"source");
    s.put("dst", b"dest");
    let copy = |key: &str| {
        s.req("PUT", &format!("/{key}"))
            .header("x-cos-copy-source", &format!("{HOST}/src"))
            .header("x-cos-forbid-overwrite", "true")
            .send()
    };
    copy("dst").assert_error(409, "FileAlreadyExists");
    assert_eq!(s.req("GET", "/dst").send().body, b"dest");
    let r = copy("fresh");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.req("GET", "/fresh").send().body, b"source");
}

#[test]
fn copy_of_appendable_object_is_normal() {
    let s = Server::start();
    s.create_bucket();
    append(&s, "a", 0, b"abc");
    let r = s
        .req("PUT", "/b")
        .header("x-cos-copy-source", &format!("{HOST}/a"))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.req("HEAD", "/b").send().header("x-cos-object-type"), None);
}

#[test]
fn complete_forbid_overwrite_on_existing_key_is_file_already_exists_and_keeps_upload() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"old");
    let id = initiate(&s, "k");
    let etag = upload_part(&s, "k", &id, 1, b"part");
    complete(&s, "k", &id, &[(1, &etag)])
        .header("x-cos-forbid-overwrite", "true")
        .send()
        .assert_error(409, "FileAlreadyExists");
    assert_eq!(s.req("GET", "/k").send().body, b"old");
    // The upload is still there: it can complete without the header.
    let r = complete(&s, "k", &id, &[(1, &etag)]).send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.req("GET", "/k").send().body, b"part");
}

#[test]
fn complete_twice_with_same_parts_answers_same_result() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    let etag = upload_part(&s, "k", &id, 1, b"part");
    let first = complete(&s, "k", &id, &[(1, &etag)]).send();
    assert_eq!(first.status, 200, "{}", first.text());
    let second = complete(&s, "k", &id, &[(1, &etag)]).send();
    assert_eq!(second.status, 200, "{}", second.text());
    assert_eq!(second.xml("ETag"), first.xml("ETag"));
    assert_eq!(second.xml("Location"), first.xml("Location"));
    assert_eq!(
        second.header("x-cos-hash-crc64ecma"),
        first.header("x-cos-hash-crc64ecma")
    );
    // Other parts, or another key, are not that completion.
    complete(&s, "k", &id, &[(2, &etag)])
        .send()
        .assert_error(404, "NoSuchUpload");
    complete(&s, "other", &id, &[(1, &etag)])
        .send()
        .assert_error(404, "NoSuchUpload");
    // The upload is gone all the same.
    s.req("PUT", &format!("/k?partNumber=2&uploadId={id}"))
        .body(b"x")
        .send()
        .assert_error(404, "NoSuchUpload");
}

#[test]
fn complete_twice_after_overwrite_still_answers_first_result() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    let etag = upload_part(&s, "k", &id, 1, b"part");
    let first = complete(&s, "k", &id, &[(1, &etag)]).send();
    s.put("k", b"newer");
    let again = complete(&s, "k", &id, &[(1, &etag)]).send();
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.xml("ETag"), first.xml("ETag"));
    assert_eq!(
        s.req("GET", "/k").send().body,
        b"newer",
        "the object is not written again"
    );
}
