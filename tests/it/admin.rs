//! The `/_cos-mock/*` endpoints.

use cos_mock::config::{BucketSeed, Config};

use crate::util::*;

fn admin(s: &Server, method: &str, path: &str) -> Resp {
    s.req(method, &format!("/_cos-mock/{path}"))
        .header("Host", &format!("localhost:{}", s.addr.port()))
        .anonymous()
        .send()
}

#[test]
fn health_is_ok() {
    let s = Server::start();
    let r = admin(&s, "GET", "health");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"{"status":"ok"}"#);
}

#[test]
fn reset_restores_configured_buckets() {
    let config = Config {
        buckets: vec![BucketSeed {
            name: BUCKET.into(),
            region: None,
            acl: None,
            policy: None,
            objects: Vec::new(),
        }],
        ..Config::default()
    };
    let s = Server::with_config(config);
    s.put("a", b"1");
    s.req("PUT", "/")
        .header("Host", "other-1250000000.cos.ap-guangzhou.myqcloud.com")
        .send();
    assert_eq!(admin(&s, "POST", "reset").status, 204);
    let state: serde_json::Value = serde_json::from_slice(&admin(&s, "GET", "state").body).unwrap();
    let buckets = state["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0]["name"], BUCKET);
    assert_eq!(buckets[0]["objects"].as_array().unwrap().len(), 0);
}

#[test]
fn state_lists_buckets_and_objects() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"hello");
    let state: serde_json::Value = serde_json::from_slice(&admin(&s, "GET", "state").body).unwrap();
    let b = &state["buckets"][0];
    assert_eq!(b["name"], BUCKET);
    assert_eq!(b["owner"], "100000000001");
    assert_eq!(b["region"], "ap-guangzhou");
    assert_eq!(b["objects"][0]["key"], "a");
    assert_eq!(b["objects"][0]["size"], 5);
    assert_eq!(
        b["objects"][0]["etag"],
        "\"5d41402abc4b2a76b9719d911017c592\""
    );
    assert_eq!(b["objects"][0]["version_id"], "null");
    assert_eq!(b["tags"], serde_json::Value::Null);
    assert_eq!(b["encryption"], serde_json::Value::Null);
}

#[test]
fn state_shows_tags_and_encryption() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/a")
        .header("x-cos-tagging", "team=a")
        .body(b"x")
        .send();
    let tags = "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>";
    assert_eq!(
        s.req("PUT", "/?tagging")
            .body(tags.as_bytes())
            .send()
            .status,
        204
    );
    let sse = "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>";
    assert_eq!(
        s.req("PUT", "/?encryption")
            .body(sse.as_bytes())
            .send()
            .status,
        200
    );
    let state: serde_json::Value = serde_json::from_slice(&admin(&s, "GET", "state").body).unwrap();
    let b = &state["buckets"][0];
    assert_eq!(b["tags"], serde_json::json!({ "k": "v" }));
    assert_eq!(b["encryption"], "AES256");
    assert_eq!(b["objects"][0]["tags"], serde_json::json!({ "team": "a" }));
}

#[test]
fn requests_journal_records_most_recent_first() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/nope").anonymous().send();
    let j: serde_json::Value = serde_json::from_slice(&admin(&s, "GET", "requests").body).unwrap();
    let first = &j["requests"][0];
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], "/nope");
    assert_eq!(first["status"], 403);
    assert_eq!(first["error_code"], "AccessDenied");
    assert_eq!(first["caller"], "anonymous");
    assert_eq!(first["action"], "name/cos:GetObject");
    assert_eq!(first["decision"], "deny");
    assert!(first["reason"]
        .as_str()
        .unwrap()
        .contains("no statement or grant allows name/cos:GetObject"));
    assert_eq!(first["bucket"], BUCKET);
    assert_eq!(first["key"], "nope");
    let second = &j["requests"][1];
    assert_eq!(second["action"], "name/cos:PutBucket");
    assert_eq!(second["caller"], "100000000001");
    assert_eq!(second["decision"], "allow");
}

#[test]
fn unknown_admin_path_is_not_found() {
    let s = Server::start();
    admin(&s, "GET", "nope").assert_error(404, "NotFound");
}

#[test]
fn requests_journal_explains_authentication_failures() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/")
        .keys(SECRET_ID, "wrong")
        .send()
        .assert_error(403, "SignatureDoesNotMatch");
    let j: serde_json::Value = serde_json::from_slice(&admin(&s, "GET", "requests").body).unwrap();
    let first = &j["requests"][0];
    assert_eq!(first["error_code"], "SignatureDoesNotMatch");
    assert_eq!(first["decision"], "deny");
    assert_eq!(
        first["reason"],
        "authentication failed: SignatureDoesNotMatch: The Signature you specified is invalid."
    );
}

#[test]
fn state_with_an_invalid_cam_policy_is_refused_not_dropped() {
    let mut config = Config::default();
    config.accounts[0].users.push(cos_mock::config::SubUser {
        uin: "100000000011".into(),
        secret_id: "AKIDSUB11".into(),
        secret_key: "sub-11".into(),
        policies: vec![serde_json::json!({"version":"2.0","statement":[{"effect":"deny","action":["name/cos:GetObjects"],"resource":["*"]}]})],
    });
    let err = cos_mock::AppState::new(config).unwrap_err();
    assert!(
        err.starts_with("accounts[0].users[0].policies[0].statement[0].action[0]: "),
        "{err}"
    );
}
