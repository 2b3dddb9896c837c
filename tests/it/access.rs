//! The decision table: callers × operations × setups, each with the expected allow/deny and the
//! reason the journal records.

use cos_mock::config::{Account, Config, SubUser};

use crate::sts::federation_token;
use crate::util::*;

const OWNER: (&str, &str) = ("AKIDA", "secret-a");
const SUB_CAM: (&str, &str) = ("AKIDSUB11", "secret-11");
const SUB_NONE: (&str, &str) = ("AKIDSUB12", "secret-12");
const OTHER: (&str, &str) = ("AKIDB", "secret-b");
const OTHER_SUB: (&str, &str) = ("AKIDSUB21", "secret-21");

fn config() -> Config {
    let cam_read = serde_json::json!({"version":"2.0","statement":[{"effect":"allow",
        "action":["name/cos:GetBucket","name/cos:GetObject","name/cos:PutObject"],
        "resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"]}]});
    let cam_any_get = serde_json::json!({"version":"2.0","statement":[{"effect":"allow","action":["name/cos:GetObject"],"resource":["*"]}]});
    let user = |uin: &str, (id, key): (&str, &str), policies| SubUser {
        uin: uin.into(),
        secret_id: id.into(),
        secret_key: key.into(),
        policies,
    };
    Config {
        accounts: vec![
            Account {
                uin: "100000000001".into(),
                appid: "1250000000".into(),
                secret_id: OWNER.0.into(),
                secret_key: OWNER.1.into(),
                users: vec![
                    user("100000000011", SUB_CAM, vec![cam_read]),
                    user("100000000012", SUB_NONE, vec![]),
                ],
                roles: vec![],
            },
            Account {
                uin: "100000000002".into(),
                appid: "1250000002".into(),
                secret_id: OTHER.0.into(),
                secret_key: OTHER.1.into(),
                users: vec![user("100000000021", OTHER_SUB, vec![cam_any_get])],
                roles: vec![],
            },
        ],
        ..Config::default()
    }
}

#[derive(Clone, Copy, Debug)]
enum Who {
    Owner,
    SubCam,
    SubNone,
    Other,
    OtherSub,
    Anon,
    /// A temporary key of the owner limited to GetObject on `docs/*`.
    Temp,
}

#[derive(Clone, Copy, Debug)]
enum Setup {
    Private,
    PublicRead,
    /// A private bucket whose object `docs/a.txt` is public-read.
    ObjectPublicInPrivate,
    /// A public-read bucket whose object `docs/a.txt` is private.
    ObjectPrivateInPublic,
    /// Policy: sub-account 12 may GetObject on `docs/*` only.
    PolicyAllowPrefix,
    /// Public-read ACL, but the policy denies GetObject to anyone.
    PolicyDenyOverAcl,
    /// Policy: anyone may GetObject from 127.0.0.1, or (second) only from 10.0.0.0/8.
    PolicyIpAllowed,
    PolicyIpOther,
    /// Policy: sub-account 12 may list only with prefix `docs/`.
    PolicyListPrefix,
    /// Policy grants the other root GetObject (cross-account).
    PolicyOtherRoot,
    /// Policy allows the owner's sub 11 everything, then denies it DeleteObject.
    PolicyDenySub,
}

fn policy(statements: &str) -> String {
    format!(r#"{{"version":"2.0","statement":[{statements}]}}"#)
}

const RES: &str = "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000";

fn apply(s: &Server, setup: Setup) {
    let owner = |r: Req| r.keys(OWNER.0, OWNER.1);
    assert_eq!(owner(s.req("PUT", "/")).send().status, 200);
    assert_eq!(
        owner(s.req("PUT", "/docs/a.txt"))
            .body(b"doc")
            .send()
            .status,
        200
    );
    assert_eq!(
        owner(s.req("PUT", "/other/b.txt"))
            .body(b"other")
            .send()
            .status,
        200
    );
    let acl = |target: &str, canned: &str| {
        let r = owner(s.req("PUT", target))
            .header("x-cos-acl", canned)
            .send();
        assert_eq!(r.status, 200, "{}", r.text());
    };
    let put_policy = |p: String| {
        let r = owner(s.req("PUT", "/?policy")).body(p.as_bytes()).send();
        assert_eq!(r.status, 204, "{}", r.text());
    };
    match setup {
        Setup::Private => {}
        Setup::PublicRead => acl("/?acl", "public-read"),
        Setup::ObjectPublicInPrivate => acl("/docs/a.txt?acl", "public-read"),
        Setup::ObjectPrivateInPublic => {
            acl("/?acl", "public-read");
            acl("/docs/a.txt?acl", "private");
        }
        Setup::PolicyAllowPrefix => put_policy(policy(&format!(
            r#"{{"sid":"sub12-docs","effect":"allow","principal":{{"qcs":["qcs::cam::uin/100000000001:uin/100000000012"]}},"action":["name/cos:GetObject"],"resource":["{RES}/docs/*"]}}"#
        ))),
        Setup::PolicyDenyOverAcl => {
            acl("/?acl", "public-read");
            put_policy(policy(&format!(
                r#"{{"sid":"no-get","effect":"deny","principal":{{"qcs":["qcs::cam::anyone:anyone"]}},"action":["name/cos:GetObject"],"resource":["{RES}/*"]}}"#
            )))
        }
        Setup::PolicyIpAllowed | Setup::PolicyIpOther => {
            let net = if matches!(setup, Setup::PolicyIpAllowed) {
                "127.0.0.1/32"
            } else {
                "10.0.0.0/8"
            };
            put_policy(policy(&format!(
                r#"{{"sid":"ip","effect":"allow","principal":{{"qcs":["*"]}},"action":["name/cos:GetObject"],"resource":["{RES}/*"],"condition":{{"ip_equal":{{"qcs:ip":"{net}"}}}}}}"#
            )))
        }
        Setup::PolicyListPrefix => put_policy(policy(&format!(
            r#"{{"sid":"list-docs","effect":"allow","principal":{{"qcs":["qcs::cam::uin/100000000001:uin/100000000012"]}},"action":["name/cos:GetBucket"],"resource":["{RES}/*"],"condition":{{"string_equal":{{"cos:prefix":"docs/"}}}}}}"#
        ))),
        Setup::PolicyOtherRoot => put_policy(policy(&format!(
            r#"{{"sid":"cross","effect":"allow","principal":{{"qcs":["qcs::cam::uin/100000000002:uin/100000000002"]}},"action":["name/cos:GetObject"],"resource":["{RES}/*"]}}"#
        ))),
        Setup::PolicyDenySub => put_policy(policy(&format!(
            r#"{{"sid":"all","effect":"allow","principal":{{"qcs":["qcs::cam::uin/100000000001:uin/100000000011"]}},"action":["name/cos:*"],"resource":["{RES}/*"]}},{{"sid":"no-delete","effect":"deny","principal":{{"qcs":["qcs::cam::uin/100000000001:uin/100000000011"]}},"action":["name/cos:DeleteObject"],"resource":["{RES}/*"]}}"#
        ))),
    }
}

fn as_caller(s: &Server, who: Who, r: Req) -> Req {
    match who {
        Who::Owner => r.keys(OWNER.0, OWNER.1),
        Who::SubCam => r.keys(SUB_CAM.0, SUB_CAM.1),
        Who::SubNone => r.keys(SUB_NONE.0, SUB_NONE.1),
        Who::Other => r.keys(OTHER.0, OTHER.1),
        Who::OtherSub => r.keys(OTHER_SUB.0, OTHER_SUB.1),
        Who::Anon => r.anonymous(),
        Who::Temp => {
            let p = format!(
                r#"{{"version":"2.0","statement":[{{"effect":"allow","action":["name/cos:GetObject"],"resource":["{RES}/docs/*"]}}]}}"#
            );
            let (id, key, token) = federation_token(s, OWNER.0, OWNER.1, &p);
            r.keys(&id, &key).header("x-cos-security-token", &token)
        }
    }
}

/// method, target, body of each operation.
fn op(name: &str) -> (&'static str, &'static str, &'static [u8]) {
    match name {
        "list" => ("GET", "/", b""),
        "list-docs" => ("GET", "/?prefix=docs%2F", b""),
        "list-other" => ("GET", "/?prefix=other%2F", b""),
        "get" => ("GET", "/docs/a.txt", b""),
        "get-other" => ("GET", "/other/b.txt", b""),
        "put" => ("PUT", "/docs/new.txt", b"new"),
        "delete" => ("DELETE", "/docs/a.txt", b""),
        "get-acl" => ("GET", "/?acl", b""),
        "put-acl" => ("PUT", "/?acl", b""),
        "get-policy" => ("GET", "/?policy", b""),
        "put-policy" => ("PUT", "/?policy", br#"{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":["*"]},"action":["name/cos:GetObject"],"resource":["*"]}]}"#),
        other => panic!("unknown op {other}"),
    }
}

/// (setup, caller, operation, allowed, a piece of the journal's reason)
type Row = (Setup, Who, &'static str, bool, &'static str);

const TABLE: &[Row] = &[
    // Private bucket: the owner root does everything, nobody else anything.
    (Setup::Private, Who::Owner, "list", true, "is the owner of examplebucket-1250000000"),
    (Setup::Private, Who::Owner, "put-policy", true, "is the owner"),
    (Setup::Private, Who::Owner, "get-acl", true, "is the owner"),
    (Setup::Private, Who::Other, "list", false, "no statement or grant allows name/cos:GetBucket on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/ for 100000000002"),
    (Setup::Private, Who::Other, "get", false, "no statement or grant allows name/cos:GetObject"),
    (Setup::Private, Who::Anon, "get", false, "for anonymous"),
    (Setup::Private, Who::Anon, "list", false, "for anonymous"),
    (Setup::Private, Who::SubNone, "get", false, "for 100000000001/100000000012"),
    (Setup::Private, Who::SubNone, "get-policy", false, "no statement or grant allows name/cos:GetBucketPolicy"),
    (Setup::Private, Who::SubCam, "list", true, "CAM policy 0 statement 0 of 100000000001/100000000011 allows"),
    (Setup::Private, Who::SubCam, "get", true, "CAM policy 0"),
    (Setup::Private, Who::SubCam, "put", true, "CAM policy 0"),
    (Setup::Private, Who::SubCam, "delete", false, "no statement or grant allows name/cos:DeleteObject"),
    (Setup::Private, Who::SubCam, "get-acl", false, "no statement or grant allows name/cos:GetBucketACL"),
    (Setup::Private, Who::SubCam, "put-policy", false, "PutBucketPolicy"),
    (Setup::Private, Who::OtherSub, "get", false, "no statement or grant allows"),
    (Setup::Private, Who::Temp, "get", true, "session policy statement 0 allows; 100000000001 (temporary key "),
    (Setup::Private, Who::Temp, "get-other", false, "the session policy of temporary key"),
    (Setup::Private, Who::Temp, "put", false, "the session policy of temporary key"),
    (Setup::Private, Who::Temp, "list", false, "does not allow name/cos:GetBucket"),
    // Public-read bucket: reads for everyone, writes for nobody but the owner.
    (Setup::PublicRead, Who::Anon, "get", true, "bucket ACL grants READ to AllUsers"),
    (Setup::PublicRead, Who::Anon, "list", true, "bucket ACL grants READ to AllUsers"),
    (Setup::PublicRead, Who::Anon, "put", false, "no statement or grant allows name/cos:PutObject"),
    (Setup::PublicRead, Who::Anon, "get-acl", false, "GetBucketACL"),
    (Setup::PublicRead, Who::Other, "get", true, "AllUsers"),
    (Setup::PublicRead, Who::Other, "delete", false, "DeleteObject"),
    (Setup::PublicRead, Who::SubNone, "get", true, "AllUsers"),
    (Setup::PublicRead, Who::OtherSub, "get", true, "CAM policy 0 statement 0 of 100000000002/100000000021 allows; bucket ACL grants READ to AllUsers"),
    (Setup::PublicRead, Who::OtherSub, "list", false, "a cross-account user needs both"),
    // Object ACLs override the bucket's.
    (Setup::ObjectPublicInPrivate, Who::Anon, "get", true, "object ACL grants READ to AllUsers"),
    (Setup::ObjectPublicInPrivate, Who::Anon, "get-other", false, "no statement or grant allows"),
    (Setup::ObjectPublicInPrivate, Who::Anon, "list", false, "GetBucket"),
    (Setup::ObjectPrivateInPublic, Who::Anon, "get", false, "no statement or grant allows name/cos:GetObject"),
    (Setup::ObjectPrivateInPublic, Who::Anon, "get-other", true, "bucket ACL grants READ to AllUsers"),
    // A policy allows one user one prefix.
    (Setup::PolicyAllowPrefix, Who::SubNone, "get", true, "bucket policy statement 0 (sid \"sub12-docs\") allows"),
    (Setup::PolicyAllowPrefix, Who::SubNone, "get-other", false, "no statement or grant allows"),
    (Setup::PolicyAllowPrefix, Who::SubNone, "put", false, "PutObject"),
    (Setup::PolicyAllowPrefix, Who::SubCam, "get", true, "CAM policy 0"),
    (Setup::PolicyAllowPrefix, Who::Anon, "get", false, "for anonymous"),
    // An explicit deny beats the ACL, and the owner too.
    (Setup::PolicyDenyOverAcl, Who::Anon, "get", false, "bucket policy statement 0 (sid \"no-get\") denies"),
    (Setup::PolicyDenyOverAcl, Who::Anon, "list", true, "bucket ACL grants READ to AllUsers"),
    (Setup::PolicyDenyOverAcl, Who::SubCam, "get", false, "denies"),
    (Setup::PolicyDenyOverAcl, Who::Owner, "get", false, "denies"),
    (Setup::PolicyDenyOverAcl, Who::Owner, "list", true, "is the owner"),
    (Setup::PolicyDenySub, Who::SubCam, "delete", false, "bucket policy statement 1 (sid \"no-delete\") denies"),
    (Setup::PolicyDenySub, Who::SubCam, "get-acl", true, "bucket policy statement 0 (sid \"all\") allows"),
    // Conditions.
    (Setup::PolicyIpAllowed, Who::Anon, "get", true, "bucket policy statement 0 (sid \"ip\") allows"),
    (Setup::PolicyIpOther, Who::Anon, "get", false, "no statement or grant allows"),
    (Setup::PolicyListPrefix, Who::SubNone, "list-docs", true, "sid \"list-docs\""),
    (Setup::PolicyListPrefix, Who::SubNone, "list-other", false, "no statement or grant allows name/cos:GetBucket"),
    (Setup::PolicyListPrefix, Who::SubNone, "list", false, "no statement or grant allows name/cos:GetBucket"),
    // Cross-account: a root named by the policy; its sub-account needs its own CAM allow too.
    (Setup::PolicyOtherRoot, Who::Other, "get", true, "sid \"cross\""),
    (Setup::PolicyOtherRoot, Who::OtherSub, "get", true, "CAM policy 0 statement 0 of 100000000002/100000000021 allows; bucket policy statement 0 (sid \"cross\") allows"),
    (Setup::PolicyOtherRoot, Who::Other, "put", false, "PutObject"),
];

#[test]
fn decision_table() {
    let mut failures = Vec::new();
    for (setup, who, name, allowed, reason) in TABLE {
        let s = Server::with_config(config());
        apply(&s, *setup);
        let (method, target, body) = op(name);
        let r = as_caller(&s, *who, s.req(method, target)).body(body).send();
        let got_allowed = r.status < 400;
        let journal: serde_json::Value = serde_json::from_slice(
            &s.req("GET", "/_cos-mock/requests")
                .header("Host", "localhost")
                .anonymous()
                .send()
                .body,
        )
        .unwrap();
        let entry = &journal["requests"][0];
        let got_reason = entry["reason"].as_str().unwrap_or("").to_string();
        let decision = entry["decision"].as_str().unwrap_or("");
        let ok = got_allowed == *allowed
            && got_reason.contains(reason)
            && decision == if *allowed { "allow" } else { "deny" }
            && (*allowed || (r.status, r.code().as_str()) == (403, "AccessDenied"));
        if !ok {
            failures.push(format!(
                "{setup:?} {who:?} {name}: expected {} ({reason}), got {} {} [{decision}: {got_reason}]",
                if *allowed { "allow" } else { "deny" },
                r.status,
                r.code()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        TABLE.len(),
        failures.join("\n")
    );
}
