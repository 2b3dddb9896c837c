//! May this caller do this OSS operation? (oss.md §7.) A pure decision over gathered facts:
//!
//! 1. A matching `Deny` wins: in the caller's RAM policies, or in the bucket policy. The owner
//!    account is bound only by statements that name its uid, or name `"*"` with a `Condition`
//!    (cos-api.md §8.1: `"*"` without a condition does not apply to the owner).
//! 2. The owner account may do everything on its bucket.
//! 3. Anyone else needs an `Allow`: a bucket-policy statement naming its uid or `"*"`, or, for a
//!    RAM user of the owner account, one of its RAM policies; or the bucket's canned ACL
//!    (`public-read`: reads and listings; `public-read-write`: writes too).
//! 4. Otherwise denied. Creating a bucket and listing one's buckets need a signed account (a RAM user
//!    needs a RAM allow).

use std::net::IpAddr;

use super::Decision;
use crate::auth::Caller;
use crate::dialect::oss::eval::{self, Context, EvalInput};
use crate::dialect::oss::hosts::parse_canned_acl;
use crate::dialect::oss::hosts::CannedAcl;
use crate::dialect::oss::policy::{Effect, Policy};
use crate::error::CosError;
use crate::request::CosRequest;
use crate::router::Op;
use crate::AppState;

/// The bucket the request is about, as it is now.
#[derive(Debug, Clone)]
pub(crate) struct OssBucketFacts<'a> {
    pub owner_uid: &'a str,
    pub acl: CannedAcl,
    pub policy: Option<&'a Policy>,
}

/// Everything the decision needs.
#[derive(Debug, Clone)]
pub(crate) struct OssFacts<'a> {
    pub op: Op,
    pub caller: &'a Caller,
    /// `oss:<Name>`.
    pub action: String,
    /// `acs:oss:<region>:<owner-uid>:<bucket>[/<key>]`.
    pub resource: String,
    /// `None`: the operation names no bucket (ListBuckets) or the bucket does not exist.
    pub bucket: Option<OssBucketFacts<'a>>,
    pub ram_policies: &'a [Policy],
    pub source_ip: Option<IpAddr>,
    /// The `prefix` of a listing (`oss:Prefix`).
    pub prefix: Option<&'a str>,
}

/// `acs:oss:<region>:<owner-uid>:<bucket>[/<key>]` (object operations name the key).
pub fn resource_string(region: &str, owner_uid: &str, bucket: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => format!("acs:oss:{region}:{owner_uid}:{bucket}/{key}"),
        None => format!("acs:oss:{region}:{owner_uid}:{bucket}"),
    }
}

/// Gathers the facts of an OSS request from the OSS store and the key ring, then decides. A bucket
/// that does not exist is 404 `NoSuchBucket` (but for PutBucket, which creates it).
pub(crate) fn authorize(
    state: &AppState,
    caller: &Caller,
    op: Op,
    req: &CosRequest,
) -> Result<Decision, CosError> {
    let region = &req.region;
    let held = match (req.bucket(), op) {
        (None, _) | (Some(_), Op::PutBucket) => None,
        (Some(name), _) => Some(state.oss_store.with_bucket(name, |b| {
            let acl = b
                .acl
                .canned_name()
                .and_then(|n| parse_canned_acl(n).ok())
                .unwrap_or_default();
            (b.owner_uin.clone(), acl, b.oss_policy.clone())
        })?),
    };
    let bucket_name = req.bucket().unwrap_or_default();
    let key = op.is_object_level().then(|| req.key());
    let resource = match &held {
        Some((owner, _, _)) => resource_string(region, owner, bucket_name, key),
        // PutBucket and ListBuckets: the account that would own it is the caller's.
        None => resource_string(
            region,
            caller.identity().root_uin().unwrap_or("*"),
            bucket_name,
            key,
        ),
    };
    let facts = OssFacts {
        op,
        caller,
        action: op.oss_action(),
        resource,
        bucket: held.as_ref().map(|(owner, acl, policy)| OssBucketFacts {
            owner_uid: owner,
            acl: *acl,
            policy: policy.as_deref().map(|p| &p.parsed),
        }),
        ram_policies: state.keys.ram_policies(caller.identity()),
        source_ip: req.remote.map(|r| r.ip()),
        prefix: req.param("prefix"),
    };
    Ok(decide(&facts))
}

/// The decision, with the reason that made it.
pub(crate) fn decide(f: &OssFacts) -> Decision {
    let uid = match f.caller {
        Caller::OssAccount { uid } | Caller::RamUser { uid, .. } => Some(uid.as_str()),
        _ => None,
    };
    let input = EvalInput {
        action: &f.action,
        resource: &f.resource,
        caller: uid.map_or(eval::Caller::Anonymous, eval::Caller::Uid),
        context: Context {
            source_ip: f.source_ip,
            prefix: f.prefix,
        },
    };
    let ram = first_ram(f.ram_policies, &input);
    if let Some((i, j, Effect::Deny)) = ram {
        return Decision::deny(format!(
            "denied by RAM policy {i} statement {j} ({} on {})",
            f.action, f.resource
        ));
    }
    let Some(bucket) = &f.bucket else {
        // ListBuckets and PutBucket: any account; a RAM user with a RAM allow.
        return match (f.caller, ram) {
            (Caller::OssAccount { .. }, _) => Decision::allow(format!(
                "{}: an account may call it on its own behalf",
                f.action
            )),
            (Caller::RamUser { .. }, Some((i, j, _))) => {
                Decision::allow(format!("allowed by RAM policy {i} statement {j}"))
            }
            _ => Decision::deny(format!(
                "{} needs a signed account (or a RAM user whose RAM policy allows it)",
                f.action
            )),
        };
    };
    let is_owner = matches!(f.caller, Caller::OssAccount { uid } if uid == bucket.owner_uid);
    let statement = bucket.policy.and_then(|p| {
        p.statements.iter().enumerate().find(|(_, s)| {
            let binds_owner = s.principals.as_ref().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p == bucket.owner_uid || (p == "*" && !s.conditions.is_empty()))
            });
            (!is_owner || binds_owner) && s.effect == Effect::Deny && eval::applies(s, &input)
        })
    });
    if let Some((i, _)) = statement {
        return Decision::deny(format!(
            "denied by bucket policy statement {i} ({} on {})",
            f.action, f.resource
        ));
    }
    if is_owner {
        return Decision::allow("the bucket owner account");
    }
    if let Some(i) = bucket.policy.and_then(|p| {
        p.statements
            .iter()
            .position(|s| s.effect == Effect::Allow && eval::applies(s, &input))
    }) {
        return Decision::allow(format!("allowed by bucket policy statement {i}"));
    }
    let owners_ram_user =
        matches!(f.caller, Caller::RamUser { root_uid, .. } if root_uid == bucket.owner_uid);
    if let (true, Some((i, j, _))) = (owners_ram_user, ram) {
        return Decision::allow(format!("allowed by RAM policy {i} statement {j}"));
    }
    if acl_allows(bucket.acl, f.op) {
        return Decision::allow(format!("the bucket ACL is {}", bucket.acl.name()));
    }
    Decision::deny(format!(
        "no bucket-policy statement{} allows {} on {}",
        if owners_ram_user {
            " or RAM policy"
        } else {
            ""
        },
        f.action,
        f.resource
    ))
}

/// The first RAM statement that applies, a Deny before any Allow: (policy, statement, effect).
fn first_ram(policies: &[Policy], input: &EvalInput) -> Option<(usize, usize, Effect)> {
    let mut allow = None;
    for (i, p) in policies.iter().enumerate() {
        match eval::evaluate(p, input) {
            eval::Decision::Deny(j) => return Some((i, j, Effect::Deny)),
            eval::Decision::Allow(j) => {
                allow.get_or_insert((i, j, Effect::Allow));
            }
            eval::Decision::NoMatch => {}
        }
    }
    allow
}

/// What a canned bucket ACL lets anyone do.
fn acl_allows(acl: CannedAcl, op: Op) -> bool {
    use Op::*;
    let read = matches!(op, GetObject | HeadObject | GetBucket | ListObjectsV2);
    let write = matches!(op, PutObject | DeleteObject);
    match acl {
        CannedAcl::Private => false,
        CannedAcl::PublicRead => read,
        CannedAcl::PublicReadWrite => read || write,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::oss::policy::{parse, PolicyKind};

    const OWNER: &str = "1000000000000001";
    const OTHER: &str = "1000000000000002";
    const RAM11: &str = "2000000000000011";
    const RAM12: &str = "2000000000000012";

    fn policy(statements: &str) -> Policy {
        let doc = format!(r#"{{"Version":"1","Statement":[{statements}]}}"#);
        parse(doc.as_bytes(), PolicyKind::Bucket).unwrap()
    }

    fn ram(statements: &str) -> Policy {
        let doc = format!(r#"{{"Version":"1","Statement":[{statements}]}}"#);
        parse(doc.as_bytes(), PolicyKind::Ram).unwrap()
    }

    fn account(uid: &str) -> Caller {
        Caller::OssAccount { uid: uid.into() }
    }

    fn ram_user(root: &str, uid: &str) -> Caller {
        Caller::RamUser {
            root_uid: root.into(),
            uid: uid.into(),
        }
    }

    const ALLOW_OTHER_GET: &str = r#"{"Effect":"Allow","Principal":["1000000000000002"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:1000000000000001:b/*"]}"#;
    const ALLOW_ANYONE_GET: &str = r#"{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:1000000000000001:b/*"]}"#;
    const DENY_ANYONE_ALL: &str =
        r#"{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:b/*"]}"#;
    const DENY_ANYONE_FROM_LOOPBACK: &str = r#"{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:b/*"],"Condition":{"IpAddress":{"acs:SourceIp":["127.0.0.0/8"]}}}"#;
    const DENY_OWNER_DELETE: &str = r#"{"Effect":"Deny","Principal":["1000000000000001"],"Action":["oss:DeleteObject"],"Resource":["acs:oss:*:*:b/*"]}"#;
    const ALLOW_LIST_PREFIX: &str = r#"{"Effect":"Allow","Principal":["1000000000000002"],"Action":["oss:ListObjects"],"Resource":["acs:oss:*:1000000000000001:b"],"Condition":{"StringLike":{"oss:Prefix":["pub/*"]}}}"#;
    /// An Allow for the other account, then a Deny for everyone: the Deny wins.
    const ALLOW_OTHER_THEN_DENY_ANYONE: &str = r#"{"Effect":"Allow","Principal":["1000000000000002"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:1000000000000001:b/*"]},{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:b/*"]}"#;
    const ALLOW_RAM11_GET: &str = r#"{"Effect":"Allow","Principal":["2000000000000011"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:1000000000000001:b/*"]}"#;
    const RAM_PUT_GET_U12: &str = r#"{"Effect":"Allow","Action":["oss:PutObject","oss:GetObject"],"Resource":["acs:oss:*:1000000000000001:b/u12/*"]}"#;
    const RAM_DENY_DELETE: &str =
        r#"{"Effect":"Deny","Action":["oss:DeleteObject"],"Resource":["*"]}"#;
    const RAM_PUT_BUCKET: &str =
        r#"{"Effect":"Allow","Action":["oss:PutBucket"],"Resource":["*"]}"#;

    /// One row of the table.
    struct Row {
        label: &'static str,
        caller: Caller,
        op: Op,
        key: Option<&'static str>,
        prefix: Option<&'static str>,
        bucket_exists: bool,
        acl: CannedAcl,
        policy: Option<&'static str>,
        ram: &'static [&'static str],
        allowed: bool,
        reason: &'static str,
    }

    fn row(
        label: &'static str,
        caller: Caller,
        op: Op,
        allowed: bool,
        reason: &'static str,
    ) -> Row {
        Row {
            label,
            caller,
            op,
            key: Some("k"),
            prefix: None,
            bucket_exists: true,
            acl: CannedAcl::Private,
            policy: None,
            ram: &[],
            allowed,
            reason,
        }
    }

    fn table() -> Vec<Row> {
        use Op::*;
        vec![
            row(
                "owner reads",
                account(OWNER),
                GetObject,
                true,
                "bucket owner",
            ),
            row(
                "owner puts policy",
                account(OWNER),
                PutBucketPolicy,
                true,
                "bucket owner",
            ),
            row(
                "other account, nothing",
                account(OTHER),
                GetObject,
                false,
                "no bucket-policy statement allows oss:GetObject",
            ),
            Row {
                policy: Some(ALLOW_OTHER_GET),
                ..row(
                    "other account allowed by uid",
                    account(OTHER),
                    GetObject,
                    true,
                    "bucket policy statement 0",
                )
            },
            Row {
                policy: Some(ALLOW_OTHER_GET),
                ..row(
                    "HEAD is oss:GetObject",
                    account(OTHER),
                    HeadObject,
                    true,
                    "bucket policy statement 0",
                )
            },
            Row {
                policy: Some(ALLOW_OTHER_GET),
                ..row(
                    "allowed GET only",
                    account(OTHER),
                    PutObject,
                    false,
                    "oss:PutObject",
                )
            },
            Row {
                policy: Some(ALLOW_ANYONE_GET),
                ..row(
                    "anonymous by *",
                    Caller::Anonymous,
                    GetObject,
                    true,
                    "bucket policy statement 0",
                )
            },
            row(
                "anonymous, nothing",
                Caller::Anonymous,
                GetObject,
                false,
                "no bucket-policy statement",
            ),
            Row {
                policy: Some(ALLOW_ANYONE_GET),
                ..row(
                    "* covers accounts",
                    account(OTHER),
                    GetObject,
                    true,
                    "statement 0",
                )
            },
            row(
                "owner's RAM user, no policy",
                ram_user(OWNER, RAM11),
                GetObject,
                false,
                "or RAM policy allows",
            ),
            Row {
                key: Some("u12/a"),
                ram: &[RAM_PUT_GET_U12],
                ..row(
                    "RAM allow in prefix",
                    ram_user(OWNER, RAM12),
                    PutObject,
                    true,
                    "RAM policy 0 statement 0",
                )
            },
            Row {
                key: Some("other/a"),
                ram: &[RAM_PUT_GET_U12],
                ..row(
                    "RAM allow outside prefix",
                    ram_user(OWNER, RAM12),
                    PutObject,
                    false,
                    "RAM policy",
                )
            },
            Row {
                ram: &[RAM_PUT_GET_U12],
                ..row(
                    "RAM of another account",
                    ram_user(OTHER, RAM12),
                    GetObject,
                    false,
                    "no bucket-policy statement allows",
                )
            },
            Row {
                key: Some("u12/a"),
                ram: &[RAM_PUT_GET_U12, RAM_DENY_DELETE],
                ..row(
                    "RAM deny",
                    ram_user(OWNER, RAM12),
                    DeleteObject,
                    false,
                    "denied by RAM policy 1 statement 0",
                )
            },
            Row {
                policy: Some(ALLOW_RAM11_GET),
                ..row(
                    "RAM user by bucket policy",
                    ram_user(OWNER, RAM11),
                    GetObject,
                    true,
                    "bucket policy statement 0",
                )
            },
            Row {
                policy: Some(ALLOW_OTHER_THEN_DENY_ANYONE),
                ..row(
                    "explicit deny wins",
                    account(OTHER),
                    GetObject,
                    false,
                    "denied by bucket policy statement 1",
                )
            },
            Row {
                policy: Some(DENY_ANYONE_ALL),
                ..row(
                    "* deny without condition spares owner",
                    account(OWNER),
                    GetObject,
                    true,
                    "bucket owner",
                )
            },
            Row {
                policy: Some(DENY_ANYONE_FROM_LOOPBACK),
                ..row(
                    "* deny with condition binds owner",
                    account(OWNER),
                    GetObject,
                    false,
                    "denied by bucket policy statement 0",
                )
            },
            Row {
                policy: Some(DENY_OWNER_DELETE),
                ..row(
                    "deny naming owner binds owner",
                    account(OWNER),
                    DeleteObject,
                    false,
                    "denied by bucket policy statement 0",
                )
            },
            Row {
                policy: Some(DENY_OWNER_DELETE),
                ..row(
                    "owner deny on delete only",
                    account(OWNER),
                    GetObject,
                    true,
                    "bucket owner",
                )
            },
            Row {
                key: None,
                prefix: Some("pub/"),
                policy: Some(ALLOW_LIST_PREFIX),
                ..row(
                    "list within oss:Prefix",
                    account(OTHER),
                    GetBucket,
                    true,
                    "statement 0",
                )
            },
            Row {
                key: None,
                prefix: Some("secret/"),
                policy: Some(ALLOW_LIST_PREFIX),
                ..row(
                    "list outside oss:Prefix",
                    account(OTHER),
                    ListObjectsV2,
                    false,
                    "oss:ListObjects",
                )
            },
            Row {
                key: None,
                policy: Some(ALLOW_LIST_PREFIX),
                ..row(
                    "list without prefix",
                    account(OTHER),
                    GetBucket,
                    false,
                    "oss:ListObjects",
                )
            },
            Row {
                acl: CannedAcl::PublicRead,
                ..row(
                    "public-read GET",
                    Caller::Anonymous,
                    GetObject,
                    true,
                    "bucket ACL is public-read",
                )
            },
            Row {
                key: None,
                acl: CannedAcl::PublicRead,
                ..row(
                    "public-read list",
                    Caller::Anonymous,
                    GetBucket,
                    true,
                    "public-read",
                )
            },
            Row {
                acl: CannedAcl::PublicRead,
                ..row(
                    "public-read PUT",
                    Caller::Anonymous,
                    PutObject,
                    false,
                    "no bucket-policy",
                )
            },
            Row {
                acl: CannedAcl::PublicReadWrite,
                ..row(
                    "public-read-write PUT",
                    account(OTHER),
                    PutObject,
                    true,
                    "public-read-write",
                )
            },
            Row {
                acl: CannedAcl::PublicReadWrite,
                ..row(
                    "public-read-write policy",
                    account(OTHER),
                    PutBucketPolicy,
                    false,
                    "oss:PutBucketPolicy",
                )
            },
            Row {
                acl: CannedAcl::PublicRead,
                policy: Some(DENY_ANYONE_ALL),
                ..row(
                    "deny beats public-read",
                    Caller::Anonymous,
                    GetObject,
                    false,
                    "denied by bucket policy",
                )
            },
            Row {
                key: None,
                bucket_exists: false,
                ..row(
                    "account creates a bucket",
                    account(OTHER),
                    PutBucket,
                    true,
                    "an account may call it",
                )
            },
            Row {
                key: None,
                bucket_exists: false,
                ..row(
                    "anonymous creates a bucket",
                    Caller::Anonymous,
                    PutBucket,
                    false,
                    "needs a signed account",
                )
            },
            Row {
                key: None,
                bucket_exists: false,
                ..row(
                    "RAM user without RAM allow creates",
                    ram_user(OWNER, RAM11),
                    PutBucket,
                    false,
                    "needs a signed account",
                )
            },
            Row {
                key: None,
                bucket_exists: false,
                ram: &[RAM_PUT_BUCKET],
                ..row(
                    "RAM user with RAM allow creates",
                    ram_user(OWNER, RAM11),
                    PutBucket,
                    true,
                    "RAM policy 0",
                )
            },
            Row {
                key: None,
                bucket_exists: false,
                ..row(
                    "account lists its buckets",
                    account(OWNER),
                    GetService,
                    true,
                    "an account may call it",
                )
            },
        ]
    }

    #[test]
    fn decide_decision_table_matches_every_row() {
        for r in table() {
            let parsed = r.policy.map(policy);
            let rams: Vec<Policy> = r.ram.iter().map(|s| ram(s)).collect();
            let facts = OssFacts {
                op: r.op,
                caller: &r.caller,
                action: r.op.oss_action(),
                resource: resource_string("cn-hangzhou", OWNER, "b", r.key),
                bucket: r.bucket_exists.then_some(OssBucketFacts {
                    owner_uid: OWNER,
                    acl: r.acl,
                    policy: parsed.as_ref(),
                }),
                ram_policies: &rams,
                source_ip: Some("127.0.0.1".parse().unwrap()),
                prefix: r.prefix,
            };
            let d = decide(&facts);
            assert_eq!(d.allowed, r.allowed, "{}: {}", r.label, d.reason);
            assert!(
                d.reason.contains(r.reason),
                "{}: reason {:?} lacks {:?}",
                r.label,
                d.reason,
                r.reason
            );
        }
    }
}
