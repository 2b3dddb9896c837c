//! Bucket versioning over the socket: PUT/GET ?versioning, versions behind every writer, GET/HEAD/
//! DELETE with versionId, delete markers, GET ?versions, batch delete with VersionId, DELETE Bucket,
//! lifecycle on versions, and the state endpoint.

use crate::lifecycle::clock;
use crate::util::*;

fn put_versioning(s: &Server, body: &str) -> Resp {
    s.req("PUT", "/?versioning")
        .header("Content-Type", "application/xml")
        .body(body.as_bytes())
        .send()
}

fn set_status(s: &Server, status: &str) {
    let body =
        format!("<VersioningConfiguration><Status>{status}</Status></VersioningConfiguration>");
    let r = put_versioning(s, &body);
    assert_eq!(r.status, 200, "{}", r.text());
}

/// A fresh server whose example bucket has versioning enabled.
fn enabled() -> Server {
    let s = Server::start();
    s.create_bucket();
    set_status(&s, "Enabled");
    s
}

/// PUT that answers the new version id.
fn put_version(s: &Server, key: &str, body: &[u8]) -> String {
    let r = s.put(key, body);
    r.header("x-cos-version-id")
        .expect("x-cos-version-id on PUT in an enabled bucket")
        .to_string()
}

fn get_body(s: &Server, target: &str) -> String {
    let r = s.req("GET", target).send();
    assert_eq!(r.status, 200, "{}", r.text());
    r.text()
}

fn delete_multiple(s: &Server, body: &str) -> Resp {
    with_body(s, "POST", "/?delete", body.as_bytes()).send()
}

#[test]
fn get_versioning_never_enabled_is_empty_configuration() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("GET", "/?versioning").send();
    assert_eq!(r.status, 200);
    assert!(
        r.text().contains("<VersioningConfiguration/>"),
        "{}",
        r.text()
    );
    assert_eq!(r.xml("Status"), None);
}

#[test]
fn put_versioning_enabled_then_suspended_round_trips() {
    let s = Server::start();
    s.create_bucket();
    set_status(&s, "Enabled");
    let r = s.req("GET", "/?versioning").send();
    assert_eq!(r.xml("Status").as_deref(), Some("Enabled"));
    set_status(&s, "Suspended");
    let r = s.req("GET", "/?versioning").send();
    assert_eq!(r.xml("Status").as_deref(), Some("Suspended"));
    set_status(&s, "Enabled");
    let r = s.req("GET", "/?versioning").send();
    assert_eq!(r.xml("Status").as_deref(), Some("Enabled"));
}

#[test]
fn put_versioning_malformed_bodies_are_refused_and_change_nothing() {
    let s = enabled();
    let huge = format!(
        "<VersioningConfiguration><Status>{}</Status></VersioningConfiguration>",
        "E".repeat(70_000)
    );
    let cases: &[(&str, u16, &str)] = &[
        ("", 400, "MalformedXML"),
        ("not xml", 400, "MalformedXML"),
        ("<VersioningConfiguration>", 400, "MalformedXML"),
        (
            "<Versioning><Status>Enabled</Status></Versioning>",
            400,
            "MalformedXML",
        ),
        ("<VersioningConfiguration/>", 400, "MalformedXML"),
        (
            "<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>",
            400,
            "InvalidArgument",
        ),
        (
            "<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>",
            400,
            "InvalidArgument",
        ),
        (
            "<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>",
            400,
            "InvalidArgument",
        ),
        (
            "<VersioningConfiguration><Status></Status></VersioningConfiguration>",
            400,
            "InvalidArgument",
        ),
        (&huge, 400, "EntityTooLarge"),
    ];
    for (body, status, code) in cases {
        put_versioning(&s, body).assert_error(*status, code);
    }
    let r = s.req("GET", "/?versioning").send();
    assert_eq!(r.xml("Status").as_deref(), Some("Enabled"));
}

#[test]
fn put_versioning_on_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    put_versioning(
        &s,
        "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
    )
    .assert_error(404, "NoSuchBucket");
    s.req("GET", "/?versioning")
        .send()
        .assert_error(404, "NoSuchBucket");
    s.req("GET", "/?versions")
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn put_object_enabled_keeps_every_version_readable_by_id() {
    let s = enabled();
    let v1 = put_version(&s, "k", b"one");
    let v2 = put_version(&s, "k", b"two");
    assert_ne!(v1, v2);
    assert_eq!(get_body(&s, "/k"), "two");
    assert_eq!(get_body(&s, &format!("/k?versionId={v1}")), "one");
    let r = s.req("GET", &format!("/k?versionId={v1}")).send();
    assert_eq!(r.header("x-cos-version-id"), Some(v1.as_str()));
    let r = s.req("HEAD", "/k").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-cos-version-id"), Some(v2.as_str()));
    let r = s.req("HEAD", &format!("/k?versionId={v1}")).send();
    assert_eq!(r.header("content-length"), Some("3"));
    // An empty versionId names the current version.
    assert_eq!(get_body(&s, "/k?versionId="), "two");
}

#[test]
fn put_object_never_versioned_answers_no_version_id_and_null_is_readable() {
    let s = Server::start();
    s.create_bucket();
    let r = s.put("k", b"one");
    assert_eq!(r.header("x-cos-version-id"), None);
    let r = s.req("GET", "/k").send();
    assert_eq!(r.header("x-cos-version-id"), None);
    assert_eq!(get_body(&s, "/k?versionId=null"), "one");
    s.req("GET", "/k?versionId=MTg0NDUxNzc2ODQ4NzI1MzU5ODM")
        .send()
        .assert_error(404, "NoSuchVersion");
}

#[test]
fn put_object_suspended_replaces_the_null_version_and_keeps_others() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"before");
    set_status(&s, "Enabled");
    let v = put_version(&s, "k", b"enabled");
    // The object from before versioning is the null version.
    assert_eq!(get_body(&s, "/k?versionId=null"), "before");
    set_status(&s, "Suspended");
    let r = s.put("k", b"suspended-1");
    assert_eq!(r.header("x-cos-version-id"), None);
    s.put("k", b"suspended-2");
    assert_eq!(get_body(&s, "/k"), "suspended-2");
    let r = s.req("HEAD", "/k").send();
    assert_eq!(r.header("x-cos-version-id"), Some("null"));
    assert_eq!(get_body(&s, "/k?versionId=null"), "suspended-2");
    assert_eq!(get_body(&s, &format!("/k?versionId={v}")), "enabled");
    let r = s.req("GET", "/?versions").send();
    assert_eq!(r.xml_all("VersionId"), ["null", v.as_str()]);
}

#[test]
fn get_unknown_version_is_no_such_version() {
    let s = enabled();
    put_version(&s, "k", b"one");
    for id in [
        "MTg0NDUxNzc2ODQ4NzI1MzU5ODM",
        "null",
        "not-a-version",
        "%00",
    ] {
        s.req("GET", &format!("/k?versionId={id}"))
            .send()
            .assert_error(404, "NoSuchVersion");
    }
    let r = s.req("HEAD", "/k?versionId=nope").send();
    assert_eq!(r.status, 404);
    s.req("GET", "/missing?versionId=nope")
        .send()
        .assert_error(404, "NoSuchVersion");
}

#[test]
fn delete_enabled_adds_a_marker_and_get_is_no_such_key_with_marker_headers() {
    let s = enabled();
    let v1 = put_version(&s, "k", b"one");
    let r = s.req("DELETE", "/k").send();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
    let marker = r.header("x-cos-version-id").unwrap().to_string();
    assert_ne!(marker, v1);
    let r = s.req("GET", "/k").send();
    r.assert_error(404, "NoSuchKey");
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
    assert_eq!(r.header("x-cos-version-id"), Some(marker.as_str()));
    let r = s.req("HEAD", "/k").send();
    assert_eq!(r.status, 404);
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
    // The older version is still there, and the key is gone from GET Bucket.
    assert_eq!(get_body(&s, &format!("/k?versionId={v1}")), "one");
    assert!(s.req("GET", "/").send().xml_all("Key").is_empty());
}

#[test]
fn get_delete_marker_by_version_id_is_method_not_allowed() {
    let s = enabled();
    put_version(&s, "k", b"one");
    let marker = s.req("DELETE", "/k").send();
    let marker = marker.header("x-cos-version-id").unwrap().to_string();
    let r = s.req("GET", &format!("/k?versionId={marker}")).send();
    r.assert_error(405, "MethodNotAllowed");
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
    assert_eq!(r.header("x-cos-version-id"), Some(marker.as_str()));
}

#[test]
fn delete_marker_by_version_id_brings_the_object_back() {
    let s = enabled();
    put_version(&s, "k", b"one");
    let r = s.req("DELETE", "/k").send();
    let marker = r.header("x-cos-version-id").unwrap().to_string();
    let r = s.req("DELETE", &format!("/k?versionId={marker}")).send();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
    assert_eq!(r.header("x-cos-version-id"), Some(marker.as_str()));
    assert_eq!(get_body(&s, "/k"), "one");
    assert_eq!(s.req("GET", "/").send().xml_all("Key"), ["k"]);
}

#[test]
fn delete_current_version_by_id_makes_the_previous_one_current() {
    let s = enabled();
    let v1 = put_version(&s, "k", b"one");
    let v2 = put_version(&s, "k", b"two");
    let r = s.req("DELETE", &format!("/k?versionId={v2}")).send();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("x-cos-delete-marker"), None);
    assert_eq!(r.header("x-cos-version-id"), Some(v2.as_str()));
    assert_eq!(get_body(&s, "/k"), "one");
    s.req("GET", &format!("/k?versionId={v2}"))
        .send()
        .assert_error(404, "NoSuchVersion");
    // Deleting the last version removes the key altogether.
    assert_eq!(
        s.req("DELETE", &format!("/k?versionId={v1}")).send().status,
        204
    );
    let r = s.req("GET", "/k").send();
    r.assert_error(404, "NoSuchKey");
    assert_eq!(r.header("x-cos-delete-marker"), None);
    // A version that names nothing: 204, nothing changes.
    assert_eq!(s.req("DELETE", "/k?versionId=nope").send().status, 204);
    assert_eq!(s.req("DELETE", "/").send().status, 204);
}

#[test]
fn delete_suspended_writes_a_null_marker_replacing_the_null_version() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"null-object");
    set_status(&s, "Enabled");
    let v = put_version(&s, "k", b"kept");
    set_status(&s, "Suspended");
    s.put("k", b"null-again");
    let r = s.req("DELETE", "/k").send();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
    assert_eq!(r.header("x-cos-version-id"), Some("null"));
    let r = s.req("GET", "/?versions").send();
    assert_eq!(r.xml_all("VersionId"), ["null", v.as_str()]);
    assert_eq!(r.xml_all("DeleteMarker").len(), 1, "{}", r.text());
    s.req("GET", "/k").send().assert_error(404, "NoSuchKey");
}

#[test]
fn copy_source_version_id_copies_that_version() {
    let s = enabled();
    let v1 = put_version(&s, "src", b"one");
    put_version(&s, "src", b"two");
    let source = format!("{HOST}/src?versionId={v1}");
    let r = s
        .req("PUT", "/dst")
        .header("x-cos-copy-source", &source)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("x-cos-version-id").is_some());
    assert_eq!(r.header("x-cos-copy-source-version-id"), Some(v1.as_str()));
    assert_eq!(get_body(&s, "/dst"), "one");
    let r = s
        .req("PUT", "/dst2")
        .header("x-cos-copy-source", &format!("{HOST}/src?versionId=nope"))
        .send();
    r.assert_error(404, "NoSuchVersion");
    s.req("GET", "/dst2").send().assert_error(404, "NoSuchKey");
    let marker = s.req("DELETE", "/src").send();
    let marker = marker.header("x-cos-version-id").unwrap().to_string();
    s.req("PUT", "/dst3")
        .header(
            "x-cos-copy-source",
            &format!("{HOST}/src?versionId={marker}"),
        )
        .send()
        .assert_error(405, "MethodNotAllowed");
    s.req("PUT", "/dst4")
        .header("x-cos-copy-source", &format!("{HOST}/src"))
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn complete_multipart_in_enabled_bucket_answers_a_version_id() {
    let s = enabled();
    let old = put_version(&s, "mp", b"old");
    let r = s.req("POST", "/mp?uploads").send();
    let upload = r.xml("UploadId").unwrap();
    let r = s
        .req("PUT", &format!("/mp?partNumber=1&uploadId={upload}"))
        .body(b"new")
        .send();
    let etag = r.header("etag").unwrap().to_string();
    let body = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    );
    let r = s
        .req("POST", &format!("/mp?uploadId={upload}"))
        .body(body.as_bytes())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.header("x-cos-version-id").unwrap().to_string();
    assert_ne!(v, old);
    assert_eq!(get_body(&s, "/mp"), "new");
    assert_eq!(get_body(&s, &format!("/mp?versionId={old}")), "old");
}

#[test]
fn list_versions_shows_versions_and_markers_newest_first() {
    let s = enabled();
    let a = put_version(&s, "a", b"a1");
    let b1 = put_version(&s, "b", b"b1");
    let b2 = put_version(&s, "b", b"b22");
    let marker = s.req("DELETE", "/b").send();
    let marker = marker.header("x-cos-version-id").unwrap().to_string();
    let r = s.req("GET", "/?versions").send();
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.text();
    assert!(t.contains("<ListVersionsResult>"), "{t}");
    assert_eq!(r.xml("Name").as_deref(), Some(BUCKET));
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("false"));
    assert_eq!(r.xml("MaxKeys").as_deref(), Some("1000"));
    assert_eq!(r.xml_all("Key"), ["a", "b", "b", "b"]);
    assert_eq!(r.xml_all("VersionId"), [a, marker, b2, b1]);
    assert_eq!(r.xml_all("IsLatest"), ["true", "true", "false", "false"]);
    assert_eq!(r.xml_all("Size"), ["2", "3", "2"]);
    assert_eq!(r.xml_all("ETag").len(), 3);
    assert_eq!(r.xml_all("StorageClass"), ["STANDARD"; 3]);
    assert_eq!(r.xml_all("ID"), ["1250000000"; 4]);
    assert_eq!(r.xml_all("LastModified").len(), 4);
    let dm = t.find("<DeleteMarker>").unwrap();
    assert!(
        t[dm..].starts_with("<DeleteMarker>\n\t\t<Key>b</Key>"),
        "{t}"
    );
    assert!(!t.contains("NextKeyMarker"), "{t}");
}

#[test]
fn list_versions_of_a_never_versioned_bucket_lists_null_versions() {
    let s = Server::start();
    s.create_bucket();
    s.put("x", b"1");
    let r = s.req("GET", "/?versions").send();
    assert_eq!(r.xml_all("VersionId"), ["null"]);
    assert_eq!(r.xml_all("IsLatest"), ["true"]);
}

#[test]
fn list_versions_prefix_delimiter_and_url_encoding() {
    let s = enabled();
    for key in ["doc/a b", "doc/sub/1", "doc/sub/2", "img/x", "中文"] {
        put_version(&s, key, b"1");
    }
    let r = s.req("GET", "/?versions&prefix=doc/&delimiter=/").send();
    assert_eq!(r.xml_all("Key"), ["doc/a b"]);
    assert_eq!(r.xml_all("Prefix"), ["doc/", "doc/sub/"]);
    assert_eq!(r.xml("Delimiter").as_deref(), Some("/"));
    let r = s
        .req("GET", "/?versions&delimiter=/&encoding-type=url")
        .send();
    assert_eq!(r.xml("EncodingType").as_deref(), Some("url"));
    assert_eq!(r.xml_all("Key"), ["%E4%B8%AD%E6%96%87"]);
    assert_eq!(r.xml_all("Prefix"), ["", "doc/", "img/"]);
    s.req("GET", "/?versions&encoding-type=xml")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", "/?versions&max-keys=-1")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", "/?versions&max-keys=ten")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn list_versions_key_and_version_id_markers_resume() {
    let s = enabled();
    let a = put_version(&s, "a", b"1");
    let b1 = put_version(&s, "b", b"1");
    let b2 = put_version(&s, "b", b"2");
    let r = s.req("GET", "/?versions&max-keys=2").send();
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("true"));
    assert_eq!(r.xml("NextKeyMarker").as_deref(), Some("b"));
    assert_eq!(r.xml("NextVersionIdMarker").as_deref(), Some(b2.as_str()));
    assert_eq!(r.xml_all("VersionId"), [a.clone(), b2.clone()]);
    let r = s
        .req(
            "GET",
            &format!("/?versions&key-marker=b&version-id-marker={b2}"),
        )
        .send();
    assert_eq!(r.xml("KeyMarker").as_deref(), Some("b"));
    assert_eq!(r.xml("VersionIdMarker").as_deref(), Some(b2.as_str()));
    assert_eq!(r.xml_all("VersionId"), [b1]);
    assert_eq!(r.xml_all("IsLatest"), ["false"]);
    // A key-marker alone starts after every version of that key.
    let r = s.req("GET", "/?versions&key-marker=a").send();
    assert_eq!(r.xml_all("Key"), ["b", "b"]);
    let r = s.req("GET", "/?versions&key-marker=b").send();
    assert!(r.xml_all("Key").is_empty());
    s.req("GET", &format!("/?versions&version-id-marker={b2}"))
        .send()
        .assert_error(400, "InvalidArgument");
    // A version-id marker that names no version of the key skips the key.
    let r = s
        .req("GET", "/?versions&key-marker=a&version-id-marker=nope")
        .send();
    assert_eq!(r.xml_all("Key"), ["b", "b"]);
}

#[test]
fn list_versions_huge_history_pages_through_every_version_once() {
    let s = enabled();
    let mut expected = Vec::new();
    for k in 0..6 {
        let key = format!("k{k:02}");
        let mut ids: Vec<String> = (0..200).map(|_| put_version(&s, &key, b"x")).collect();
        ids.reverse();
        expected.extend(ids.into_iter().map(|id| (key.clone(), id)));
    }
    assert_eq!(expected.len(), 1200);
    // The default page is 1000; max-keys above 1000 is capped.
    let r = s.req("GET", "/?versions&max-keys=5000").send();
    assert_eq!(r.xml_all("VersionId").len(), 1000);
    assert_eq!(r.xml("MaxKeys").as_deref(), Some("1000"));
    let mut seen = Vec::new();
    let (mut key_marker, mut id_marker) = (String::new(), String::new());
    let mut pages = 0;
    loop {
        let r = s
            .req(
                "GET",
                &format!(
                    "/?versions&max-keys=7&key-marker={key_marker}&version-id-marker={id_marker}"
                ),
            )
            .send();
        assert_eq!(r.status, 200, "{}", r.text());
        let keys = r.xml_all("Key");
        let ids = r.xml_all("VersionId");
        assert!(keys.len() <= 7);
        seen.extend(keys.into_iter().zip(ids));
        pages += 1;
        if r.xml("IsTruncated").as_deref() != Some("true") {
            break;
        }
        key_marker = r.xml("NextKeyMarker").unwrap();
        id_marker = r.xml("NextVersionIdMarker").unwrap();
    }
    assert_eq!(pages, 1200 / 7 + 1);
    assert_eq!(seen, expected);
}

#[test]
fn delete_multiple_with_version_ids_reports_versions_and_markers() {
    let s = enabled();
    let v1 = put_version(&s, "a", b"1");
    put_version(&s, "a", b"2");
    put_version(&s, "b", b"1");
    let body = format!(
        "<Delete><Object><Key>a</Key><VersionId>{v1}</VersionId></Object><Object><Key>b</Key></Object></Delete>"
    );
    let r = delete_multiple(&s, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.text();
    assert_eq!(r.xml_all("Key"), ["a", "b"]);
    assert_eq!(r.xml_all("VersionId"), std::slice::from_ref(&v1));
    assert_eq!(r.xml_all("DeleteMarker"), ["true"]);
    let marker = r.xml("DeleteMarkerVersionId").unwrap();
    assert!(
        t.contains("<Key>b</Key>\n\t\t<DeleteMarker>true</DeleteMarker>"),
        "{t}"
    );
    s.req("GET", &format!("/a?versionId={v1}"))
        .send()
        .assert_error(404, "NoSuchVersion");
    s.req("GET", "/b").send().assert_error(404, "NoSuchKey");
    // Deleting the marker by its version id reports it as a delete marker.
    let body =
        format!("<Delete><Object><Key>b</Key><VersionId>{marker}</VersionId></Object></Delete>");
    let r = delete_multiple(&s, &body);
    assert_eq!(r.xml("VersionId").as_deref(), Some(marker.as_str()));
    assert_eq!(r.xml("DeleteMarker").as_deref(), Some("true"));
    assert_eq!(
        r.xml("DeleteMarkerVersionId").as_deref(),
        Some(marker.as_str())
    );
    assert_eq!(get_body(&s, "/b"), "1");
}

#[test]
fn delete_bucket_with_versions_or_markers_left_is_bucket_not_empty() {
    let s = enabled();
    let v = put_version(&s, "k", b"1");
    let m = s.req("DELETE", "/k").send();
    let m = m.header("x-cos-version-id").unwrap().to_string();
    // No current object, but a version and a marker remain.
    s.req("DELETE", "/")
        .send()
        .assert_error(409, "BucketNotEmpty");
    s.req("DELETE", &format!("/k?versionId={v}")).send();
    s.req("DELETE", "/")
        .send()
        .assert_error(409, "BucketNotEmpty");
    s.req("DELETE", &format!("/k?versionId={m}")).send();
    assert_eq!(s.req("DELETE", "/").send().status, 204);
}

fn put_lifecycle(s: &Server, rule: &str) {
    let body = format!(
        "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>{rule}</Rule></LifecycleConfiguration>"
    );
    let r = s.req("PUT", "/?lifecycle").body(body.as_bytes()).send();
    assert_eq!(r.status, 200, "{}", r.text());
}

fn advance_days(s: &Server, days: u64) {
    let r = clock(
        s,
        "POST",
        &format!(r#"{{"advance_seconds": {}}}"#, days * 86_400),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn lifecycle_expiration_in_versioned_bucket_adds_a_delete_marker() {
    let s = enabled();
    let v = put_version(&s, "k", b"1");
    put_lifecycle(&s, "<Expiration><Days>1</Days></Expiration>");
    advance_days(&s, 2);
    let r = s.req("GET", "/k").send();
    r.assert_error(404, "NoSuchKey");
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
    assert_eq!(get_body(&s, &format!("/k?versionId={v}")), "1");
    let r = s.req("GET", "/?versions").send();
    assert_eq!(r.xml_all("IsLatest"), ["true", "false"]);
}

#[test]
fn lifecycle_noncurrent_version_expiration_removes_old_versions_only() {
    let s = enabled();
    let v1 = put_version(&s, "k", b"1");
    advance_days(&s, 1);
    let v2 = put_version(&s, "k", b"2");
    put_lifecycle(
        &s,
        "<NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays></NoncurrentVersionExpiration>",
    );
    advance_days(&s, 2);
    assert_eq!(get_body(&s, &format!("/k?versionId={v1}")), "1");
    advance_days(&s, 2);
    s.req("GET", &format!("/k?versionId={v1}"))
        .send()
        .assert_error(404, "NoSuchVersion");
    assert_eq!(get_body(&s, "/k"), "2");
    let r = s.req("GET", "/?versions").send();
    assert_eq!(r.xml_all("VersionId"), [v2]);
}

#[test]
fn lifecycle_noncurrent_version_transition_moves_old_versions() {
    let s = enabled();
    let v1 = put_version(&s, "k", b"1");
    put_version(&s, "k", b"2");
    put_lifecycle(
        &s,
        "<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>",
    );
    advance_days(&s, 2);
    let r = s.req("HEAD", &format!("/k?versionId={v1}")).send();
    assert_eq!(r.header("x-cos-storage-class"), Some("STANDARD_IA"));
    let r = s.req("HEAD", "/k").send();
    assert_eq!(r.header("x-cos-storage-class"), None);
}

#[test]
fn lifecycle_expired_object_delete_marker_is_removed() {
    let s = enabled();
    let v = put_version(&s, "k", b"1");
    s.req("DELETE", "/k").send();
    s.req("DELETE", &format!("/k?versionId={v}")).send();
    // Only the marker is left.
    assert_eq!(
        s.req("GET", "/?versions")
            .send()
            .xml_all("DeleteMarker")
            .len(),
        1
    );
    put_lifecycle(
        &s,
        "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>",
    );
    advance_days(&s, 1);
    let r = s.req("GET", "/?versions").send();
    assert!(r.xml_all("Key").is_empty(), "{}", r.text());
    assert_eq!(s.req("DELETE", "/").send().status, 204);
}

#[test]
fn state_shows_versioning_status_and_counts() {
    let s = enabled();
    put_version(&s, "k", b"1");
    put_version(&s, "k", b"2");
    s.req("DELETE", "/k").send();
    let v = s.admin_state();
    let b = &v["buckets"][0];
    assert_eq!(b["versioning"], "Enabled");
    assert_eq!(b["versions"], 2);
    assert_eq!(b["delete_markers"], 1);
}

#[test]
fn anonymous_versions_listing_follows_bucket_read_and_configuration_is_owner_only() {
    let s = enabled();
    put_version(&s, "k", b"1");
    s.req("GET", "/?versions")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    let r = s
        .req("PUT", "/?acl")
        .header("x-cos-acl", "public-read-write")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/?versions").anonymous().send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml_all("Key"), ["k"]);
    // A bucket WRITE grant does not reach the versioning configuration.
    s.req("PUT", "/?versioning")
        .anonymous()
        .body(b"<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>")
        .send()
        .assert_error(403, "AccessDenied");
    s.req("GET", "/?versioning")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    // An anonymous versioned DELETE under a WRITE grant adds a marker like any DELETE.
    let r = s.req("DELETE", "/k").anonymous().send();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("x-cos-delete-marker"), Some("true"));
}

#[test]
fn get_object_by_version_is_get_object_and_a_policy_can_condition_on_cos_versionid() {
    let s = enabled();
    let v1 = put_version(&s, "k", b"one");
    let v2 = put_version(&s, "k", b"two");
    let r = s
        .req("PUT", "/?acl")
        .header("x-cos-acl", "public-read")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let policy = format!(
        r#"{{"version":"2.0","statement":[{{"principal":{{"qcs":["*"]}},"effect":"deny","action":["name/cos:GetObject"],"resource":["qcs::cos:ap-guangzhou:uid/1250000000:{BUCKET}/*"],"condition":{{"string_equal":{{"cos:versionid":"{v1}"}}}}}}]}}"#
    );
    let r = s.req("PUT", "/?policy").body(policy.as_bytes()).send();
    assert_eq!(r.status, 204, "{}", r.text());
    let r = s.req("GET", "/k").anonymous().send();
    assert_eq!(r.status, 200, "{}", r.text());
    s.req("GET", &format!("/k?versionId={v1}"))
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    // A deny for everyone reaches the owner too; other versions stay readable.
    s.req("GET", &format!("/k?versionId={v1}"))
        .send()
        .assert_error(403, "AccessDenied");
    assert_eq!(get_body(&s, &format!("/k?versionId={v2}")), "two");
}

#[test]
fn get_object_by_version_is_decided_by_that_versions_acl() {
    let s = enabled();
    let r = s
        .req("PUT", "/k")
        .header("x-cos-acl", "public-read")
        .body(b"public")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let public = r.header("x-cos-version-id").unwrap().to_string();
    put_version(&s, "k", b"private");
    let r = s
        .req("GET", &format!("/k?versionId={public}"))
        .anonymous()
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.text(), "public");
    s.req("GET", "/k")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
}
