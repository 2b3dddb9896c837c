//! Hostile input over the socket (issue #12): XML that used to panic or burn CPU, duplicate JSON
//! keys, oversized configurations and what the request journal keeps.

use base64::Engine;
use md5::Digest;

use crate::util::*;

fn md5_b64(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(body))
}

/// A request with a body and its Content-MD5 (`POST ?delete` needs one; the others accept one).
fn with_body(s: &Server, method: &str, target: &str, body: &[u8]) -> Req {
    s.req(method, target)
        .header("Content-Type", "application/xml")
        .header("Content-MD5", &md5_b64(body))
        .body(body)
}

fn admin_json(s: &Server, path: &str) -> serde_json::Value {
    let r = s
        .req("GET", &format!("/_cos-mock/{path}"))
        .header("Host", &format!("localhost:{}", s.addr.port()))
        .anonymous()
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

fn public_bucket() -> Server {
    let s = Server::start();
    let r = s
        .req("PUT", "/")
        .header("x-cos-acl", "public-read-write")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    s
}

#[test]
fn delete_multiple_doctype_inside_a_key_is_malformed_xml_not_a_panic() {
    let s = public_bucket();
    s.put("ab", b"1");
    let body = b"<Delete><Object><Key>a<!DOCTYPE x>b</Key></Object></Delete>";
    let r = with_body(&s, "POST", "/?delete", body).anonymous().send();
    r.assert_error(400, "MalformedXML");
    assert!(
        r.xml("Message").unwrap().contains("DOCTYPE"),
        "{}",
        r.text()
    );
    assert_eq!(s.req("GET", "/ab").send().status, 200);
    assert_eq!(admin_json(&s, "state")["panics"], 0);
}

#[test]
fn put_cors_doctype_inside_an_origin_is_malformed_xml_and_nothing_stored() {
    let s = Server::start();
    s.create_bucket();
    let body = b"<CORSConfiguration><CORSRule><AllowedOrigin>a<!DOCTYPE x>b</AllowedOrigin>\
                 <AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    with_body(&s, "PUT", "/?cors", body)
        .send()
        .assert_error(400, "MalformedXML");
    s.req("GET", "/?cors")
        .send()
        .assert_error(404, "NoSuchCORSConfiguration");
}

#[test]
fn every_xml_body_with_a_dtd_or_processing_instruction_is_malformed_xml() {
    let s = Server::start();
    s.create_bucket();
    s.put("obj", b"1");
    let r = s
        .req("PUT", "/cold")
        .header("x-cos-storage-class", "ARCHIVE")
        .body(b"x")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let upload = s.req("POST", "/mp?uploads").send().xml("UploadId").unwrap();
    let targets = [
        ("PUT", "/?acl".to_string(), "AccessControlPolicy"),
        ("PUT", "/obj?acl".into(), "AccessControlPolicy"),
        ("PUT", "/?cors".into(), "CORSConfiguration"),
        ("PUT", "/?lifecycle".into(), "LifecycleConfiguration"),
        ("PUT", "/?tagging".into(), "Tagging"),
        ("PUT", "/obj?tagging".into(), "Tagging"),
        ("PUT", "/?versioning".into(), "VersioningConfiguration"),
        (
            "PUT",
            "/?encryption".into(),
            "ServerSideEncryptionConfiguration",
        ),
        ("POST", "/cold?restore".into(), "RestoreRequest"),
        ("POST", "/?delete".into(), "Delete"),
        (
            "POST",
            format!("/mp?uploadId={upload}"),
            "CompleteMultipartUpload",
        ),
    ];
    for (method, target, root) in &targets {
        for body in [
            format!("<!DOCTYPE {root} [<!ENTITY e 'x'>]><{root}>&e;</{root}>"),
            format!("<{root}>a<!DOCTYPE x>b</{root}>"),
            format!("<{root}><?php x ?></{root}>"),
        ] {
            let r = with_body(&s, method, target, body.as_bytes()).send();
            assert_eq!(r.status, 400, "{method} {target} {body}: {}", r.text());
            assert_eq!(r.code(), "MalformedXML", "{method} {target} {body}");
        }
    }
    assert_eq!(admin_json(&s, "state")["panics"], 0);
}

/// `<Delete a0='1' a1='1' …>`: `n` attributes on the root (100,000 make a megabyte).
fn attribute_bomb(root: &str, n: usize, inner: &str) -> Vec<u8> {
    let mut doc = format!("<{root}");
    for i in 0..n {
        doc.push_str(&format!(" a{i}='1'"));
    }
    doc.push_str(&format!(">{inner}</{root}>"));
    doc.into_bytes()
}

#[test]
fn delete_multiple_attribute_bomb_is_malformed_xml_and_deletes_nothing() {
    let s = public_bucket();
    s.put("k", b"1");
    let body = attribute_bomb("Delete", 100_000, "<Object><Key>k</Key></Object>");
    assert!(body.len() > 1_000_000);
    let r = with_body(&s, "POST", "/?delete", &body).anonymous().send();
    r.assert_error(400, "MalformedXML");
    assert!(
        r.xml("Message")
            .unwrap()
            .contains("attributes on element Delete"),
        "{}",
        r.text()
    );
    assert_eq!(s.req("GET", "/k").send().status, 200);
}

#[test]
fn put_lifecycle_attribute_bomb_is_malformed_xml_and_nothing_stored() {
    let s = Server::start();
    s.create_bucket();
    let rule = "<Rule><ID>r</ID><Filter/><Status>Enabled</Status>\
                <Expiration><Days>1</Days></Expiration></Rule>";
    // Just under the 1 MiB lifecycle body limit.
    let body = attribute_bomb("LifecycleConfiguration", 90_000, rule);
    with_body(&s, "PUT", "/?lifecycle", &body)
        .send()
        .assert_error(400, "MalformedXML");
    s.req("GET", "/?lifecycle")
        .send()
        .assert_error(404, "NoSuchLifecycleConfiguration");
}
