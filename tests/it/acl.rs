//! Bucket and object ACLs over the socket: every fixture body and header set, PUT then GET.

use std::path::PathBuf;

use crate::util::*;

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/acl")
        .join(name)
}

fn names(d: &str, suffix: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir(d))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(suffix) && !n.ends_with(".expected.xml"))
        .map(|n| n.trim_end_matches(suffix).to_string())
        .collect();
    out.sort();
    out
}

fn target(name: &str) -> &'static str {
    if name.starts_with("object_") {
        "/doc/a.txt?acl"
    } else {
        "/?acl"
    }
}

fn setup() -> Server {
    let s = Server::start();
    s.create_bucket();
    s.put("doc/a.txt", b"x");
    s
}

#[test]
fn put_acl_valid_bodies_read_back_as_expected() {
    let s = setup();
    let all = names("valid", ".xml");
    assert!(all.len() >= 10);
    for name in all {
        let body = std::fs::read(dir("valid").join(format!("{name}.xml"))).unwrap();
        let expected =
            std::fs::read_to_string(dir("valid").join(format!("{name}.expected.xml"))).unwrap();
        let r = s.req("PUT", target(&name)).body(&body).send();
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        let r = s.req("GET", target(&name)).send();
        assert_eq!(r.text(), expected, "{name}");
    }
}

#[test]
fn put_acl_invalid_bodies_answer_exact_code_and_store_nothing() {
    let s = setup();
    for name in names("invalid", ".xml") {
        let body = std::fs::read(dir("invalid").join(format!("{name}.xml"))).unwrap();
        let expected =
            std::fs::read_to_string(dir("invalid").join(format!("{name}.expected"))).unwrap();
        let mut lines = expected.lines();
        let (code, message) = (lines.next().unwrap(), lines.next().unwrap_or(""));
        let before = s.req("GET", target(&name)).send().text();
        let r = s.req("PUT", target(&name)).body(&body).send();
        let status = cos_mock::error::Code::ALL
            .iter()
            .find(|c| c.as_str() == code)
            .unwrap()
            .status()
            .as_u16();
        r.assert_error(status, code);
        assert_eq!(
            r.xml("Message").unwrap(),
            quick_xml::escape::escape(message),
            "{name}"
        );
        assert_eq!(
            s.req("GET", target(&name)).send().text(),
            before,
            "{name}: nothing stored"
        );
    }
}

#[test]
fn put_acl_header_sets_read_back_or_fail_as_expected() {
    let s = setup();
    for name in names("headers", ".json") {
        let case: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir("headers").join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let t = if case["kind"] == "object" {
            "/doc/a.txt?acl"
        } else {
            "/?acl"
        };
        let mut req = s.req("PUT", t);
        for (k, v) in case["headers"].as_object().unwrap() {
            req = req.header(k, v.as_str().unwrap());
        }
        let r = req.send();
        if let Some(xml) = case["expect"]["xml"].as_str() {
            assert_eq!(r.status, 200, "{name}: {}", r.text());
            let got = s.req("GET", t).send();
            assert_eq!(got.text(), xml, "{name}");
        } else {
            let code = case["expect"]["code"].as_str().unwrap();
            let status = cos_mock::error::Code::ALL
                .iter()
                .find(|c| c.as_str() == code)
                .unwrap()
                .status()
                .as_u16();
            r.assert_error(status, code);
            if let Some(m) = case["expect"]["message"].as_str() {
                assert_eq!(
                    r.xml("Message").unwrap(),
                    quick_xml::escape::escape(m),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn get_object_acl_default_answers_header() {
    let s = setup();
    let r = s.req("GET", "/doc/a.txt?acl").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-cos-acl"), Some("default"));
    assert!(r.text().contains("<Permission>FULL_CONTROL</Permission>"));
    s.req("PUT", "/doc/a.txt?acl")
        .header("x-cos-acl", "public-read")
        .send();
    assert_eq!(
        s.req("GET", "/doc/a.txt?acl").send().header("x-cos-acl"),
        None
    );
}

#[test]
fn put_acl_headers_and_body_together_is_invalid_argument() {
    let s = setup();
    let body = std::fs::read(dir("valid").join("empty_list.xml")).unwrap();
    s.req("PUT", "/?acl")
        .header("x-cos-acl", "private")
        .body(&body)
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn put_acl_without_headers_or_body_is_malformed_xml() {
    let s = setup();
    s.req("PUT", "/?acl")
        .send()
        .assert_error(400, "MalformedXML");
}

#[test]
fn put_object_acl_on_missing_key_is_no_such_key() {
    let s = setup();
    s.req("PUT", "/nope?acl")
        .header("x-cos-acl", "private")
        .send()
        .assert_error(404, "NoSuchKey");
    s.req("GET", "/nope?acl")
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn acl_headers_honoured_on_put_bucket_and_put_object() {
    let s = Server::start();
    let r = s.req("PUT", "/").header("x-cos-acl", "public-read").send();
    assert_eq!(r.status, 200);
    assert!(s.req("GET", "/?acl").send().text().contains("AllUsers"));
    s.req("PUT", "/o")
        .header("x-cos-acl", "public-read-write")
        .body(b"x")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", "/o").send().assert_error(404, "NoSuchKey");
    assert_eq!(
        s.req("PUT", "/o")
            .header("x-cos-acl", "public-read")
            .body(b"x")
            .send()
            .status,
        200
    );
    assert!(s.req("GET", "/o?acl").send().text().contains("AllUsers"));
    let r = s
        .req("PUT", "/")
        .header("Host", "other-1250000000.cos.ap-guangzhou.myqcloud.com")
        .header("x-cos-acl", "bogus")
        .send();
    r.assert_error(400, "InvalidArgument");
}

#[test]
fn put_acl_over_100_grants_is_rejected() {
    let s = setup();
    let ids: Vec<String> = (0..101).map(|i| format!("id=\"1000000{i:05}\"")).collect();
    let r = s
        .req("PUT", "/?acl")
        .header("x-cos-grant-read", &ids.join(","))
        .send();
    r.assert_error(400, "PolicyFull");
}
