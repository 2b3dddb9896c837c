//! Objects seeded from the config file (`buckets[].objects`, `oss.buckets[].objects`): read back
//! as a PUT would have stored them, and back after a reset; bad seeds stop the binary (exit 2)
//! naming the JSON path.

use std::process::Command;

use cos_mock::config::{BucketSeed, Config, ObjectSeed};

use crate::util::*;

fn seeded() -> Server {
    let mut meta = std::collections::BTreeMap::new();
    meta.insert("Owner".to_string(), "alice".to_string());
    let mut tags = std::collections::BTreeMap::new();
    tags.insert("team".to_string(), "a".to_string());
    Server::with_config(Config {
        buckets: vec![BucketSeed {
            name: BUCKET.into(),
            region: None,
            acl: None,
            policy: None,
            objects: vec![
                ObjectSeed {
                    key: "docs/hello.txt".into(),
                    body: Some("hello".into()),
                    metadata: meta,
                    tags,
                    acl: Some("public-read".into()),
                    ..ObjectSeed::default()
                },
                ObjectSeed {
                    key: "data.bin".into(),
                    body: Some("xyz".into()),
                    content_type: Some("application/x-custom".into()),
                    ..ObjectSeed::default()
                },
                ObjectSeed {
                    key: "dir/".into(),
                    ..ObjectSeed::default()
                },
            ],
        }],
        ..Config::default()
    })
}

fn admin(s: &Server, method: &str, path: &str) -> Resp {
    s.req(method, &format!("/_cos-mock/{path}"))
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
        .anonymous()
        .send()
}

#[test]
fn get_seeded_object_reads_what_a_put_stores() {
    let s = seeded();
    let r = s.req("GET", "/docs/hello.txt").send();
    r.assert_status(200);
    assert_eq!(r.body, b"hello");
    assert_eq!(
        r.header("etag"),
        Some("\"5d41402abc4b2a76b9719d911017c592\"")
    );
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.header("x-cos-meta-owner"), Some("alice"));
    assert_eq!(r.header("x-cos-tagging-count"), Some("1"));
    assert!(r.header("x-cos-hash-crc64ecma").is_some());
    assert!(r.header("last-modified").is_some());
    // public-read: anonymous may read it, not the other objects.
    s.req("GET", "/docs/hello.txt")
        .anonymous()
        .send()
        .assert_status(200);
    s.req("GET", "/data.bin")
        .anonymous()
        .send()
        .assert_status(403);
    let r = s.req("GET", "/data.bin").send();
    assert_eq!(r.header("content-type"), Some("application/x-custom"));
    assert_eq!(
        s.req("HEAD", "/dir/").send().header("content-length"),
        Some("0")
    );
    let tags = s.req("GET", "/docs/hello.txt?tagging").send();
    assert_eq!(tags.xml("Key").as_deref(), Some("team"));
}

#[test]
fn reset_brings_seeded_objects_back() {
    let s = seeded();
    s.put("docs/hello.txt", b"changed");
    s.put("new", b"1");
    assert_eq!(s.req("DELETE", "/data.bin").send().status, 204);
    assert_eq!(admin(&s, "POST", "reset").status, 204);
    assert_eq!(s.req("GET", "/docs/hello.txt").send().body, b"hello");
    assert_eq!(s.req("GET", "/data.bin").send().body, b"xyz");
    s.req("GET", "/new").send().assert_status(404);
    let state: serde_json::Value = serde_json::from_slice(&admin(&s, "GET", "state").body).unwrap();
    let keys: Vec<_> = state["buckets"][0]["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["data.bin", "dir/", "docs/hello.txt"]);
    assert_eq!(state["buckets"][0]["objects"][2]["acl"], "public-read");
}

fn tmp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cos-mock-seed-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with `config` written into `dir`; its exit code and stderr (it must not start).
fn bad_config(dir: &std::path::Path, config: &str) -> (Option<i32>, String) {
    let path = dir.join("config.json");
    std::fs::write(&path, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cos-mock"))
        .args(["--listen", "127.0.0.1:0", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const ACCOUNT: &str = r#""accounts":[{"uin":"100000000001","appid":"1250000000","secret_id":"AKIDCOSMOCKROOT","secret_key":"cos-mock-root-secret"}]"#;

#[test]
fn config_with_bad_seed_exits_2_naming_the_json_path() {
    let dir = tmp_dir("bad");
    let bucket = |objects: &str| {
        format!(
            r#"{{{ACCOUNT},"buckets":[{{"name":"{BUCKET}","objects":[{{"key":"ok","body":"1"}},{objects}]}}]}}"#
        )
    };
    for (objects, want) in [
        (
            r#"{"key":"a","body_file":"missing.bin"}"#,
            "buckets[0].objects[1].body_file: cannot read ",
        ),
        (
            r#"{"key":"a","body":"x","body_file":"f"}"#,
            "buckets[0].objects[1]: give body or body_file, not both",
        ),
        (
            r#"{"key":"","body":"x"}"#,
            "buckets[0].objects[1].key: must not be empty",
        ),
        (
            r#"{"key":"ok","body":"x"}"#,
            "buckets[0].objects[1].key: \"ok\" is listed twice",
        ),
        (
            r#"{"key":"a","acl":"public"}"#,
            "buckets[0].objects[1].acl: Invalid x-cos-acl value",
        ),
        (
            r#"{"key":"a","tags":{"qcs:x":"1"}}"#,
            "buckets[0].objects[1].tags: ",
        ),
        (
            r#"{"key":"a","metadata":{"a b":"1"}}"#,
            "buckets[0].objects[1].metadata: ",
        ),
        (
            r#"{"key":"a","body":7}"#,
            "buckets[0].objects[1].body: invalid type",
        ),
        (
            r#"{"key":"a","bodyfile":"x"}"#,
            "buckets[0].objects[1].bodyfile: unknown field",
        ),
        (
            r#"{"key":"a","tags":{"t":"1","t":"2"}}"#,
            "buckets[0].objects[1].tags.t: duplicate key",
        ),
    ] {
        let (code, err) = bad_config(&dir, &bucket(objects));
        assert_eq!(code, Some(2), "{objects}: {err}");
        assert!(err.contains(want), "{objects}: want {want}\n{err}");
    }
    let (code, err) = bad_config(&dir, &bucket(r#"{"key":"a","body_file":"missing.bin"}"#));
    assert_eq!(code, Some(2));
    assert!(err.contains("No such file"), "{err}");
    assert!(
        err.contains(&dir.join("missing.bin").display().to_string()),
        "{err}"
    );
    let oss = r#"{"accounts":[],"oss":{"accounts":[{"uid":"1000000000000001","access_key_id":"LTAIA","access_key_secret":"a"}],
        "buckets":[{"name":"oss-seed","owner":"1000000000000001","objects":[{"key":"k","acl":"private"}]}]}}"#;
    let (code, err) = bad_config(&dir, oss);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("oss.buckets[0].objects[0].acl: OSS object ACLs are not modelled"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
