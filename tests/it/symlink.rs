//! Symlinks over the socket: PUT/GET `?symlink`, GET/HEAD following a link to its target, versions
//! of links, dangling links, and the permission a link's reader needs on the target.

use md5::Digest;

use crate::util::*;

fn put_link(s: &Server, link: &str, target: &str) -> Resp {
    s.req("PUT", &format!("/{link}?symlink"))
        .header("x-cos-symlink-target", target)
        .send()
}

fn enable_versioning(s: &Server) {
    let r = s
        .req("PUT", "/?versioning")
        .header("Content-Type", "application/xml")
        .body(b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

fn setup() -> Server {
    let s = Server::start();
    s.create_bucket();
    s
}

#[test]
fn put_symlink_then_get_symlink_answers_target() {
    let s = setup();
    let r = put_link(&s, "link.txt", "dir/target.txt");
    assert_eq!(r.status, 200, "{}", r.text());
    // Never-versioned bucket: no version id; the ETag is the MD5 of the target path.
    assert_eq!(r.header("x-cos-version-id"), None);
    let etag = format!("\"{}\"", hex::encode(md5::Md5::digest(b"dir/target.txt")));
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    let g = s.req("GET", "/link.txt?symlink").send();
    assert_eq!(g.status, 200, "{}", g.text());
    assert_eq!(g.header("x-cos-symlink-target"), Some("dir/target.txt"));
    assert_eq!(g.header("etag"), Some(etag.as_str()));
    assert!(g.header("last-modified").is_some());
    assert_eq!(g.header("x-cos-version-id"), None);
    assert!(g.body.is_empty());
}

#[test]
fn get_object_of_link_serves_target_content_and_headers() {
    let s = setup();
    let t = s
        .req("PUT", "/target.txt")
        .header("x-cos-meta-color", "blue")
        .body(b"hello")
        .send();
    assert_eq!(t.status, 200);
    put_link(&s, "link", "target.txt");
    let g = s.req("GET", "/link").send();
    assert_eq!(g.status, 200, "{}", g.text());
    assert_eq!(g.body, b"hello");
    assert_eq!(g.header("etag"), t.header("etag"));
    assert_eq!(
        g.header("x-cos-hash-crc64ecma"),
        t.header("x-cos-hash-crc64ecma")
    );
    assert_eq!(g.header("x-cos-meta-color"), Some("blue"));
    assert_eq!(g.header("content-type"), Some("text/plain"));
    let h = s.req("HEAD", "/link").send();
    assert_eq!(h.status, 200);
    assert_eq!(h.header("content-length"), Some("5"));
    let r = s.req("GET", "/link").header("Range", "bytes=1-2").send();
    assert_eq!(r.status, 206);
    assert_eq!(r.body, b"el");
}

#[test]
fn get_object_of_link_follows_the_targets_current_content() {
    let s = setup();
    s.put("t", b"one");
    put_link(&s, "l", "t");
    s.put("t", b"two");
    assert_eq!(s.req("GET", "/l").send().body, b"two");
}

#[test]
fn get_object_of_dangling_link_is_no_such_key() {
    let s = setup();
    assert_eq!(put_link(&s, "l", "missing").status, 200);
    s.req("GET", "/l").send().assert_error(404, "NoSuchKey");
    assert_eq!(s.req("HEAD", "/l").send().status, 404);
    // The link itself exists.
    let g = s.req("GET", "/l?symlink").send();
    assert_eq!(g.header("x-cos-symlink-target"), Some("missing"));
    // The target appears later: the link works.
    s.put("missing", b"now");
    assert_eq!(s.req("GET", "/l").send().body, b"now");
    // And goes again.
    assert_eq!(s.req("DELETE", "/missing").send().status, 204);
    s.req("GET", "/l").send().assert_error(404, "NoSuchKey");
}

#[test]
fn get_object_of_link_to_link_is_no_such_key() {
    let s = setup();
    s.put("t", b"data");
    put_link(&s, "l1", "t");
    put_link(&s, "l2", "l1");
    s.req("GET", "/l2").send().assert_error(404, "NoSuchKey");
    put_link(&s, "self", "self");
    s.req("GET", "/self").send().assert_error(404, "NoSuchKey");
}

#[test]
fn put_symlink_without_target_is_invalid_argument_and_stores_nothing() {
    let s = setup();
    s.req("PUT", "/l?symlink")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("PUT", "/l?symlink")
        .header("x-cos-symlink-target", "")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", "/l?symlink")
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn put_symlink_target_too_long_is_key_too_long() {
    let s = setup();
    put_link(&s, "l", &"k".repeat(900)).assert_error(400, "KeyTooLong");
    s.req("GET", "/l").send().assert_error(404, "NoSuchKey");
}

#[test]
fn get_symlink_of_missing_key_is_no_such_key() {
    let s = setup();
    s.req("GET", "/nothing?symlink")
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn get_symlink_of_ordinary_object_is_invalid_argument() {
    let s = setup();
    s.put("plain", b"x");
    s.req("GET", "/plain?symlink")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn symlink_with_other_methods_is_method_not_allowed() {
    let s = setup();
    for m in ["POST", "DELETE"] {
        s.req(m, "/l?symlink")
            .send()
            .assert_error(405, "MethodNotAllowed");
    }
}

#[test]
fn put_symlink_over_object_replaces_it_and_put_object_over_link_replaces_link() {
    let s = setup();
    s.put("k", b"old");
    s.put("t", b"target");
    assert_eq!(put_link(&s, "k", "t").status, 200);
    assert_eq!(s.req("GET", "/k").send().body, b"target");
    s.put("k", b"plain again");
    assert_eq!(s.req("GET", "/k").send().body, b"plain again");
    s.req("GET", "/k?symlink")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn put_symlink_forbid_overwrite_existing_key_is_file_already_exists() {
    let s = setup();
    s.put("k", b"old");
    s.req("PUT", "/k?symlink")
        .header("x-cos-symlink-target", "t")
        .header("x-cos-forbid-overwrite", "true")
        .send()
        .assert_error(409, "FileAlreadyExists");
    assert_eq!(s.req("GET", "/k").send().body, b"old");
}

#[test]
fn put_symlink_keeps_metadata_tags_and_lists_with_path_size() {
    let s = setup();
    s.put("target.bin", b"0123456789");
    let r = s
        .req("PUT", "/link?symlink")
        .header("x-cos-symlink-target", "target.bin")
        .header("x-cos-meta-who", "link")
        .header("x-cos-tagging", "a=1")
        .header("x-cos-storage-class", "ARCHIVE")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let tags = s.req("GET", "/link?tagging").send();
    assert_eq!(tags.xml_all("Key"), ["a"]);
    // The listing shows the link itself: its size is the target path's, its class STANDARD.
    let list = s.req("GET", "/?prefix=link").send();
    assert_eq!(list.xml("Size").as_deref(), Some("10"));
    assert_eq!(list.xml("StorageClass").as_deref(), Some("STANDARD"));
    // Reading through the link is not gated as an archived object would be.
    assert_eq!(s.req("GET", "/link").send().body, b"0123456789");
}

#[test]
fn put_symlink_bad_storage_class_is_invalid_argument() {
    let s = setup();
    s.req("PUT", "/l?symlink")
        .header("x-cos-symlink-target", "t")
        .header("x-cos-storage-class", "COLD")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn put_symlink_versioned_answers_version_and_get_symlink_reads_each_version() {
    let s = setup();
    enable_versioning(&s);
    s.put("a", b"A");
    s.put("b", b"B");
    let v1 = put_link(&s, "l", "a");
    assert_eq!(v1.status, 200);
    let v1 = v1
        .header("x-cos-version-id")
        .expect("version id")
        .to_string();
    let v2 = put_link(&s, "l", "b")
        .header("x-cos-version-id")
        .expect("version id")
        .to_string();
    assert_ne!(v1, v2);
    let g = s.req("GET", &format!("/l?symlink&versionId={v1}")).send();
    assert_eq!(g.status, 200, "{}", g.text());
    assert_eq!(g.header("x-cos-symlink-target"), Some("a"));
    assert_eq!(g.header("x-cos-version-id"), Some(v1.as_str()));
    let g = s.req("GET", "/l?symlink").send();
    assert_eq!(g.header("x-cos-symlink-target"), Some("b"));
    assert_eq!(g.header("x-cos-version-id"), Some(v2.as_str()));
    // GET Object of an old link version follows that version's target; the version id is the link's.
    let o = s.req("GET", &format!("/l?versionId={v1}")).send();
    assert_eq!(o.body, b"A");
    assert_eq!(o.header("x-cos-version-id"), Some(v1.as_str()));
    assert_eq!(s.req("GET", "/l").send().body, b"B");
    // Both link versions are listed.
    let versions = s.req("GET", "/?versions&prefix=l").send();
    assert_eq!(
        versions.xml_all("VersionId").len(),
        2,
        "{}",
        versions.text()
    );
}

#[test]
fn get_symlink_unknown_version_is_no_such_version() {
    let s = setup();
    enable_versioning(&s);
    put_link(&s, "l", "t");
    s.req("GET", "/l?symlink&versionId=invalid-version-id")
        .send()
        .assert_error(404, "NoSuchVersion");
}

#[test]
fn get_symlink_after_delete_marker_is_no_such_key() {
    let s = setup();
    enable_versioning(&s);
    put_link(&s, "l", "t");
    let d = s.req("DELETE", "/l").send();
    assert_eq!(d.header("x-cos-delete-marker"), Some("true"));
    s.req("GET", "/l?symlink")
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn get_object_of_link_whose_target_has_delete_marker_is_no_such_key() {
    let s = setup();
    enable_versioning(&s);
    s.put("t", b"x");
    put_link(&s, "l", "t");
    s.req("DELETE", "/t").send();
    let r = s.req("GET", "/l").send();
    r.assert_error(404, "NoSuchKey");
    // The link exists: the target's delete marker is not reported as the link's.
    assert_eq!(r.header("x-cos-delete-marker"), None);
}

#[test]
fn get_object_of_public_link_to_private_target_is_access_denied() {
    let s = setup();
    s.put("private.txt", b"secret");
    let r = s
        .req("PUT", "/pub?symlink")
        .header("x-cos-symlink-target", "private.txt")
        .header("x-cos-acl", "public-read")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    s.req("GET", "/pub")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    // Anyone may read the link's own target name.
    let g = s.req("GET", "/pub?symlink").anonymous().send();
    assert_eq!(g.status, 200, "{}", g.text());
    // With the target public too, the anonymous read goes through.
    s.req("PUT", "/private.txt?acl")
        .header("x-cos-acl", "public-read")
        .send();
    assert_eq!(s.req("GET", "/pub").anonymous().send().body, b"secret");
}

#[test]
fn get_object_of_private_link_to_public_target_is_access_denied() {
    let s = setup();
    s.req("PUT", "/pub.txt")
        .header("x-cos-acl", "public-read")
        .body(b"open")
        .send();
    put_link(&s, "priv", "pub.txt");
    s.req("GET", "/priv")
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
    s.req("PUT", "/priv?symlink")
        .anonymous()
        .header("x-cos-symlink-target", "pub.txt")
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn append_to_link_is_object_not_appendable() {
    let s = setup();
    put_link(&s, "l", "t");
    s.req("POST", "/l?append&position=0")
        .body(b"x")
        .send()
        .assert_error(409, "ObjectNotAppendable");
}

#[test]
fn get_object_of_link_needs_get_object_on_target_under_cam_policy() {
    use cos_mock::config::{Account, Config, SubUser};
    let links_only = serde_json::json!({"version":"2.0","statement":[{"effect":"allow",
        "action":["name/cos:GetObject","name/cos:GetSymlink"],
        "resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/links/*"]}]});
    let config = Config {
        accounts: vec![Account {
            uin: "100000000001".into(),
            appid: "1250000000".into(),
            secret_id: "AKIDA".into(),
            secret_key: "secret-a".into(),
            users: vec![SubUser {
                uin: "100000000011".into(),
                secret_id: "AKIDSUB".into(),
                secret_key: "secret-sub".into(),
                policies: vec![links_only],
            }],
            roles: vec![],
        }],
        ..Config::default()
    };
    let s = Server::with_config(config);
    let owner = |r: Req| r.keys("AKIDA", "secret-a");
    assert_eq!(owner(s.req("PUT", "/")).send().status, 200);
    owner(s.req("PUT", "/data/t")).body(b"data").send();
    owner(s.req("PUT", "/links/t")).body(b"link-dir").send();
    let r = owner(s.req("PUT", "/links/l?symlink"))
        .header("x-cos-symlink-target", "data/t")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let sub = |r: Req| r.keys("AKIDSUB", "secret-sub");
    // The link may be read as a link, but not followed to a target outside the grant.
    let g = sub(s.req("GET", "/links/l?symlink")).send();
    assert_eq!(g.header("x-cos-symlink-target"), Some("data/t"));
    sub(s.req("GET", "/links/l"))
        .send()
        .assert_error(403, "AccessDenied");
    // A link inside the grant to a target inside the grant is followed.
    owner(s.req("PUT", "/links/l2?symlink"))
        .header("x-cos-symlink-target", "links/t")
        .send();
    assert_eq!(sub(s.req("GET", "/links/l2")).send().body, b"link-dir");
    // Writing a link needs PutSymlink, which the sub-user lacks.
    sub(s.req("PUT", "/links/l3?symlink"))
        .header("x-cos-symlink-target", "links/t")
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn put_object_copy_of_link_copies_the_link() {
    let s = setup();
    s.put("t", b"data");
    put_link(&s, "l", "t");
    let r = s
        .req("PUT", "/copy")
        .header("x-cos-copy-source", &format!("{HOST}/l"))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let g = s.req("GET", "/copy?symlink").send();
    assert_eq!(g.header("x-cos-symlink-target"), Some("t"));
    assert_eq!(s.req("GET", "/copy").send().body, b"data");
}

#[test]
fn admin_state_shows_symlink_target() {
    let s = setup();
    s.put("t", b"data");
    put_link(&s, "l", "t");
    let state = s.admin_state();
    let objects = state["buckets"][0]["objects"].as_array().unwrap();
    let link = objects.iter().find(|o| o["key"] == "l").unwrap();
    assert_eq!(link["symlink_target"], "t");
    let plain = objects.iter().find(|o| o["key"] == "t").unwrap();
    assert!(plain.get("symlink_target").is_none());
}

#[test]
fn put_symlink_non_utf8_target_is_invalid_argument() {
    let s = setup();
    let r = s
        .req("PUT", "/?acl")
        .header("x-cos-acl", "public-read-write")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let mut head = format!(
        "PUT /l?symlink HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\nx-cos-symlink-target: a"
    )
    .into_bytes();
    head.push(0xff);
    head.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    send_raw(s.addr, &head, b"", false).assert_error(400, "InvalidArgument");
    s.req("GET", "/l?symlink")
        .send()
        .assert_error(404, "NoSuchKey");
}
