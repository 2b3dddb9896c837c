//! Object and bucket tagging: `?tagging` on objects and buckets, the `x-cos-tagging` header on every
//! write path, `x-cos-tagging-count`, COS's limits and lifecycle tag filters.

use crate::util::*;

fn tagging_xml(tags: &[(&str, &str)]) -> String {
    let mut x = String::from("<Tagging><TagSet>");
    for (k, v) in tags {
        x.push_str(&format!("<Tag><Key>{k}</Key><Value>{v}</Value></Tag>"));
    }
    x.push_str("</TagSet></Tagging>");
    x
}

fn put_tagging(s: &Server, target: &str, body: &str) -> Resp {
    s.req("PUT", target)
        .header("Content-Type", "application/xml")
        .body(body.as_bytes())
        .send()
}

fn many(n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("k{i}"), format!("v{i}"))).collect()
}

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn object_tagging_put_get_delete_round_trip() {
    let s = Server::start();
    s.create_bucket();
    s.put("a.txt", b"data");
    let r = put_tagging(
        &s,
        "/a.txt?tagging",
        &tagging_xml(&[("k1", "v1"), ("k2", "v 2")]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/a.txt?tagging").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.xml_all("Key"), ["k1", "k2"]);
    assert_eq!(r.xml_all("Value"), ["v1", "v 2"]);
    let h = s.req("HEAD", "/a.txt").send();
    assert_eq!(h.header("x-cos-tagging-count"), Some("2"));
    // Tagging does not touch the data.
    assert_eq!(s.req("GET", "/a.txt").send().body, b"data");
    assert_eq!(s.req("DELETE", "/a.txt?tagging").send().status, 204);
    let r = s.req("GET", "/a.txt?tagging").send();
    assert_eq!(r.status, 200);
    assert!(r.xml_all("Tag").is_empty(), "{}", r.text());
    assert_eq!(
        s.req("HEAD", "/a.txt").send().header("x-cos-tagging-count"),
        None
    );
}

#[test]
fn object_tagging_with_version_id_tags_the_current_object() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    let r = put_tagging(&s, "/a?tagging&versionId=null", &tagging_xml(&[("k", "v")]));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-cos-version-id"), Some("null"));
    let r = s.req("GET", "/a?tagging&versionId=null").send();
    assert_eq!(r.xml_all("Key"), ["k"]);
}

#[test]
fn object_tagging_with_version_id_tags_that_version_only() {
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
    let old = s.req("PUT", "/a").body(b"1").send();
    let old = old.header("x-cos-version-id").unwrap().to_string();
    s.put("a", b"2");
    let target = format!("/a?tagging&versionId={old}");
    let r = put_tagging(&s, &target, &tagging_xml(&[("k", "old")]));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-cos-version-id"), Some(old.as_str()));
    assert_eq!(s.req("GET", &target).send().xml_all("Value"), ["old"]);
    // The current version keeps no tags.
    assert!(s.req("GET", "/a?tagging").send().xml_all("Tag").is_empty());
    assert_eq!(
        s.req("HEAD", &format!("/a?versionId={old}"))
            .send()
            .header("x-cos-tagging-count"),
        Some("1")
    );
    put_tagging(
        &s,
        "/a?tagging&versionId=NoSuchOne",
        &tagging_xml(&[("k", "v")]),
    )
    .assert_error(404, "NoSuchVersion");
    s.req("DELETE", "/a?tagging&versionId=NoSuchOne")
        .send()
        .assert_error(404, "NoSuchVersion");
    assert_eq!(s.req("DELETE", &target).send().status, 204);
    assert!(s.req("GET", &target).send().xml_all("Tag").is_empty());
}

#[test]
fn object_tagging_missing_object_is_no_such_key() {
    let s = Server::start();
    s.create_bucket();
    put_tagging(&s, "/nope?tagging", &tagging_xml(&[("k", "v")])).assert_error(404, "NoSuchKey");
    s.req("GET", "/nope?tagging")
        .send()
        .assert_error(404, "NoSuchKey");
    s.req("DELETE", "/nope?tagging")
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn object_tagging_invalid_documents_are_rejected_and_change_nothing() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    put_tagging(&s, "/a?tagging", &tagging_xml(&[("keep", "me")]));
    let long_key = "k".repeat(128);
    let long_value = "v".repeat(256);
    let eleven = many(11);
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "MalformedXML"),
        ("<Tagging><TagSet>".into(), "MalformedXML"),
        ("<Other><TagSet/></Other>".into(), "MalformedXML"),
        ("<Tagging/>".into(), "MalformedXML"),
        (
            "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>".into(),
            "MalformedXML",
        ),
        (tagging_xml(&refs(&eleven)), "InvalidTag"),
        (tagging_xml(&[(&long_key, "v")]), "InvalidTag"),
        (tagging_xml(&[("k", &long_value)]), "InvalidTag"),
        (tagging_xml(&[("", "v")]), "InvalidTag"),
        (tagging_xml(&[("a*b", "v")]), "InvalidTag"),
        (tagging_xml(&[("k", "v"), ("k", "w")]), "InvalidTag"),
        (tagging_xml(&[("qcs:env", "v")]), "InvalidTag"),
    ];
    for (body, code) in cases {
        put_tagging(&s, "/a?tagging", &body).assert_error(400, code);
    }
    let r = s.req("GET", "/a?tagging").send();
    assert_eq!(r.xml_all("Key"), ["keep"]);
    // At the limits: accepted.
    let ten = many(10);
    let edge = [("k".repeat(127), "v".repeat(255))];
    assert_eq!(
        put_tagging(&s, "/a?tagging", &tagging_xml(&refs(&ten))).status,
        200
    );
    assert_eq!(
        put_tagging(&s, "/a?tagging", &tagging_xml(&refs(&edge))).status,
        200
    );
}

#[test]
fn object_tagging_oversized_document_is_entity_too_large() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    let huge = format!(
        "<Tagging><TagSet>{}</TagSet></Tagging>",
        " ".repeat(70 * 1024)
    );
    put_tagging(&s, "/a?tagging", &huge).assert_error(400, "EntityTooLarge");
}

#[test]
fn put_object_x_cos_tagging_header_sets_tags() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/a")
        .header("x-cos-tagging", "k1=v1&k%202=v%2F2")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let g = s.req("GET", "/a").send();
    assert_eq!(g.header("x-cos-tagging-count"), Some("2"));
    let r = s.req("GET", "/a?tagging").send();
    assert_eq!(r.xml_all("Key"), ["k1", "k 2"]);
    assert_eq!(r.xml_all("Value"), ["v1", "v/2"]);
}

#[test]
fn put_object_bad_x_cos_tagging_is_invalid_tag_and_stores_nothing() {
    let s = Server::start();
    s.create_bucket();
    let eleven: Vec<String> = (0..11).map(|i| format!("k{i}=v")).collect();
    for bad in ["novalue", "k=v&k=w", "k=a*b", "qcs:x=1", &eleven.join("&")] {
        s.req("PUT", "/a")
            .header("x-cos-tagging", bad)
            .body(b"x")
            .send()
            .assert_error(400, "InvalidTag");
    }
    s.req("GET", "/a").send().assert_error(404, "NoSuchKey");
}

#[test]
fn multipart_x_cos_tagging_reaches_the_completed_object() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("POST", "/big?uploads")
        .header("x-cos-tagging", "team=a")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.xml("UploadId").unwrap();
    let p = s
        .req("PUT", &format!("/big?partNumber=1&uploadId={id}"))
        .body(b"part")
        .send();
    let etag = p.header("ETag").unwrap().to_string();
    let body = format!("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>");
    let c = s
        .req("POST", &format!("/big?uploadId={id}"))
        .body(body.as_bytes())
        .send();
    assert_eq!(c.status, 200, "{}", c.text());
    let r = s.req("GET", "/big?tagging").send();
    assert_eq!(r.xml_all("Key"), ["team"]);
    s.req("POST", "/k?uploads")
        .header("x-cos-tagging", "k")
        .send()
        .assert_error(400, "InvalidTag");
}

#[test]
fn post_object_x_cos_tagging_field_sets_tags() {
    let s = Server::start();
    s.create_bucket();
    let r = crate::post_object::signed_post(
        &s,
        &[("key", "up/a"), ("x-cos-tagging", "src=form")],
        &format!(r#"{{"bucket":"{BUCKET}"}}"#),
        b"bytes",
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let r = s.req("GET", "/up/a?tagging").send();
    assert_eq!(r.xml_all("Key"), ["src"]);
}

#[test]
fn copy_tagging_directive_copy_keeps_and_replaced_replaces() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/src")
        .header("x-cos-tagging", "from=src")
        .body(b"x")
        .send();
    let source = format!("{HOST}/src");
    let r = s
        .req("PUT", "/copied")
        .header("x-cos-copy-source", &source)
        .header("x-cos-tagging", "ignored=yes")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        s.req("GET", "/copied?tagging").send().xml_all("Key"),
        ["from"]
    );
    let r = s
        .req("PUT", "/replaced")
        .header("x-cos-copy-source", &source)
        .header("x-cos-tagging-directive", "Replaced")
        .header("x-cos-tagging", "new=tag")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        s.req("GET", "/replaced?tagging").send().xml_all("Key"),
        ["new"]
    );
    let r = s
        .req("PUT", "/none")
        .header("x-cos-copy-source", &source)
        .header("x-cos-tagging-directive", "Replaced")
        .send();
    assert_eq!(r.status, 200);
    assert!(s
        .req("GET", "/none?tagging")
        .send()
        .xml_all("Key")
        .is_empty());
    s.req("PUT", "/bad")
        .header("x-cos-copy-source", &source)
        .header("x-cos-tagging-directive", "Merge")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn bucket_tagging_put_get_delete_round_trip() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/?tagging")
        .send()
        .assert_error(404, "NoSuchTagSet");
    let r = put_tagging(
        &s,
        "/?tagging",
        &tagging_xml(&[("env", "test"), ("owner", "me")]),
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let r = s.req("GET", "/?tagging").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.xml_all("Key"), ["env", "owner"]);
    assert_eq!(s.req("DELETE", "/?tagging").send().status, 204);
    s.req("GET", "/?tagging")
        .send()
        .assert_error(404, "NoSuchTagSet");
    assert_eq!(s.req("DELETE", "/?tagging").send().status, 204);
}

#[test]
fn bucket_tagging_limits_are_invalid_tag() {
    let s = Server::start();
    s.create_bucket();
    let fifty = many(50);
    let fifty_one = many(51);
    assert_eq!(
        put_tagging(&s, "/?tagging", &tagging_xml(&refs(&fifty))).status,
        204
    );
    put_tagging(&s, "/?tagging", &tagging_xml(&refs(&fifty_one))).assert_error(400, "InvalidTag");
    put_tagging(&s, "/?tagging", &tagging_xml(&[("qcs:x", "v")])).assert_error(400, "InvalidTag");
    put_tagging(&s, "/?tagging", &tagging_xml(&[("project", "v")])).assert_error(400, "InvalidTag");
    put_tagging(&s, "/?tagging", "<Tagging>").assert_error(400, "MalformedXML");
    assert_eq!(s.req("GET", "/?tagging").send().xml_all("Key").len(), 50);
}

#[test]
fn bucket_tagging_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    s.req("GET", "/?tagging")
        .send()
        .assert_error(404, "NoSuchBucket");
    put_tagging(&s, "/?tagging", &tagging_xml(&[("k", "v")])).assert_error(404, "NoSuchBucket");
}

#[test]
fn lifecycle_tag_filter_expires_only_tagged_objects() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/tmp/a")
        .header("x-cos-tagging", "temp=yes")
        .body(b"1")
        .send();
    s.put("tmp/b", b"1");
    let rules = "<LifecycleConfiguration><Rule><ID>t</ID><Filter><And><Prefix>tmp/</Prefix>\
        <Tag><Key>temp</Key><Value>yes</Value></Tag></And></Filter><Status>Enabled</Status>\
        <Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
    let r = s.req("PUT", "/?lifecycle").body(rules.as_bytes()).send();
    assert_eq!(r.status, 200, "{}", r.text());
    crate::lifecycle::clock(&s, "POST", r#"{"advance_seconds": 259200}"#);
    s.req("GET", "/tmp/a").send().assert_error(404, "NoSuchKey");
    assert_eq!(s.req("GET", "/tmp/b").send().status, 200);
}

#[test]
fn object_tagging_empty_value_is_accepted() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    let body = "<Tagging><TagSet><Tag><Key>a</Key><Value></Value></Tag><Tag><Key>b</Key><Value/></Tag></TagSet></Tagging>";
    let r = put_tagging(&s, "/a?tagging", body);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/a?tagging").send();
    assert_eq!(r.xml_all("Key"), ["a", "b"]);
    let r = s
        .req("PUT", "/h")
        .header("x-cos-tagging", "k=")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        s.req("HEAD", "/h").send().header("x-cos-tagging-count"),
        Some("1")
    );
}
