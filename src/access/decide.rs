//! Deciding: the pure half of the access check. [`decide`] judges a [`Facts`] value in COS's order
//! (cos-api.md §7.2) and says why; it reads no store, key ring or clock.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::acl::{self, Acl, AclCaller, ResourceKind};
use crate::auth::Caller;
use crate::error::{Code, CosError};
use crate::policy::eval::{self, EvalInput, Outcome};
use crate::policy::Policy;
use crate::router::Op;
use crate::store::appid_of;

use super::facts::{BucketFacts, Facts};
use super::{choices, Decision};

/// Decides in this order, the first step that decides giving the reason: a temporary key's session
/// policy; a CAM deny; service level and bucket creation by identity; `NoSuchBucket` when the bucket
/// does not exist (the only error); the `OPTIONS` preflight; a bucket-policy deny (binding the owner
/// root too while [`choices::OWNER_BOUND_BY_POLICY_DENY`]); the owner root; then the owner's
/// sub-accounts by CAM allow or resource-side allow, other accounts' sub-accounts by both, everyone
/// else by resource-side allow (the bucket policy, then the ACL).
pub(crate) fn decide(facts: &Facts) -> Result<Decision, CosError> {
    let Facts {
        op,
        caller,
        ref action,
        bucket,
        ref resource,
        ref existing,
        cam,
        ref context,
        now,
    } = *facts;
    let ask = Ask {
        action,
        resource,
        context,
        now,
    };
    let who = caller.label();

    // 1. A temporary key is bounded by its session policy.
    let mut session_note = String::new();
    if let Caller::Temporary(t) = caller {
        if let Some(policy) = &t.policy {
            match ask.eval(policy, eval::Caller::Anonymous, false) {
                Outcome::Deny { index, sid } => {
                    return Ok(Decision::deny(format!(
                        "session policy {} of temporary key {} denies {action} on {resource}",
                        statement(index, &sid),
                        t.secret_id
                    )))
                }
                Outcome::NoMatch => {
                    return Ok(Decision::deny(format!(
                    "the session policy of temporary key {} does not allow {action} on {resource}",
                    t.secret_id
                )))
                }
                Outcome::Allow { index, sid } => {
                    session_note = format!("session policy {} allows; ", statement(index, &sid));
                }
            }
        }
    }
    let identity = caller.identity();
    let cam_outcome = ask.eval_cam(cam);
    if let Some((i, Outcome::Deny { index, sid })) = &cam_outcome {
        return Ok(Decision::deny(format!(
            "CAM policy {i} {} of {who} denies {action} on {resource}",
            statement(*index, sid)
        )));
    }
    let cam_allow = match &cam_outcome {
        Some((i, Outcome::Allow { index, sid })) => Some(format!(
            "CAM policy {i} {} of {who} allows",
            statement(*index, sid)
        )),
        _ => None,
    };
    let allow = |why: String| Ok(Decision::allow(format!("{session_note}{why}")));

    // 2. Service level and bucket creation are decided by identity alone.
    let Some(bucket) = bucket else {
        return match identity {
            Caller::Root { .. } => allow(format!("{who} lists its own buckets")),
            Caller::SubUser { .. } | Caller::Role { .. } if cam_allow.is_some() => {
                allow(cam_allow.unwrap_or_default())
            }
            _ => Ok(Decision::deny(format!(
                "no statement allows {action} on * for {who}"
            ))),
        };
    };
    if op == Op::PutBucket && existing.is_none() {
        let mine = identity.appid().is_some() && identity.appid() == appid_of(bucket);
        return match identity {
            Caller::Root { .. } if mine => allow(format!(
                "{who} owns APPID {}",
                appid_of(bucket).unwrap_or("")
            )),
            Caller::SubUser { .. } | Caller::Role { .. } if mine && cam_allow.is_some() => {
                allow(cam_allow.unwrap_or_default())
            }
            _ => Ok(Decision::deny(format!(
                "no statement allows {action} on {resource} for {who}"
            ))),
        };
    }
    if op == Op::PutBucket && existing.is_some() && !matches!(identity, Caller::Anonymous) {
        // Creating a bucket that exists answers 409 (BucketAlreadyOwnedByYou / BucketAlreadyExists)
        // to any signed caller, as COS does.
        return allow("the bucket exists: the handler answers 409".into());
    }
    let Some(BucketFacts {
        owner_uin: owner,
        policy,
        acl: bucket_acl,
        object_acl,
    }) = existing
    else {
        return Err(CosError::new(Code::NoSuchBucket));
    };
    if let Some(decision) = allowed_without_permission(op) {
        return Ok(decision);
    }

    // 3. Deny first: the bucket policy.
    let (policy_caller, acl_caller) = eval_caller(identity);
    let policy_outcome = policy
        .as_ref()
        .map(|p| ask.eval(&p.parsed, policy_caller, true))
        .unwrap_or(Outcome::NoMatch);
    let owner_root = identity.is_root_of(owner);
    if let Outcome::Deny { index, sid } = &policy_outcome {
        if !owner_root || choices::OWNER_BOUND_BY_POLICY_DENY {
            return Ok(Decision::deny(format!(
                "bucket policy {} denies {action} on {resource} for {who}",
                statement(*index, sid)
            )));
        }
    }
    if owner_root {
        return allow(format!("{who} is the owner of {bucket}"));
    }

    // 4. Resource-side allows: the bucket policy, then the ACL.
    let resource_allow = match &policy_outcome {
        Outcome::Allow { index, sid } => Some(format!(
            "bucket policy {} allows {action} for {who}",
            statement(*index, sid)
        )),
        _ => acl_grant(object_acl.as_deref(), bucket_acl, &acl_caller, action),
    };
    let same_account = identity.root_uin() == Some(owner.as_str());
    let decided = match identity {
        Caller::SubUser { .. } | Caller::Role { .. } if same_account => cam_allow.or(resource_allow),
        Caller::SubUser { .. } | Caller::Role { .. } => match (cam_allow, resource_allow) {
            (Some(c), Some(r)) => Some(format!("{c}; {r}")),
            (None, Some(r)) => {
                return Ok(Decision::deny(format!(
                    "{r}, but no CAM policy of {who} allows {action} on {resource} (a cross-account user needs both)"
                )))
            }
            _ => None,
        },
        _ => resource_allow,
    };
    match decided {
        Some(why) => allow(why),
        None => Ok(Decision::deny(format!(
            "no statement or grant allows {action} on {resource} for {who}"
        ))),
    }
}

/// What one evaluation needs besides the policies.
struct Ask<'a> {
    action: &'a str,
    resource: &'a str,
    context: &'a HashMap<String, Vec<String>>,
    now: SystemTime,
}

impl Ask<'_> {
    fn eval(&self, policy: &Policy, caller: eval::Caller, match_principal: bool) -> Outcome {
        let input = EvalInput {
            action: self.action,
            resource: self.resource,
            caller,
            context: self.context,
            now: self.now,
            match_principal,
        };
        eval::evaluate(policy, &input)
    }

    /// CAM policies of a sub-account or role: the first deny among them, else the first allow.
    fn eval_cam(&self, policies: &[Policy]) -> Option<(usize, Outcome)> {
        let mut allow = None;
        for (i, p) in policies.iter().enumerate() {
            match self.eval(p, eval::Caller::Anonymous, false) {
                o @ Outcome::Deny { .. } => return Some((i, o)),
                o @ Outcome::Allow { .. } => {
                    allow.get_or_insert((i, o));
                }
                Outcome::NoMatch => {}
            }
        }
        allow
    }
}

/// `statement 2 ("sid")` for reasons.
fn statement(index: usize, sid: &Option<String>) -> String {
    match sid {
        Some(sid) => format!("statement {index} (sid {sid:?})"),
        None => format!("statement {index}"),
    }
}

/// The identity policies and ACLs see.
fn eval_caller(identity: &Caller) -> (eval::Caller<'_>, AclCaller) {
    match identity {
        Caller::Root { uin, .. } => (
            eval::Caller::User { root: uin, uin },
            AclCaller::Signed {
                root: uin.clone(),
                uin: uin.clone(),
            },
        ),
        Caller::SubUser { root_uin, uin, .. } => (
            eval::Caller::User {
                root: root_uin,
                uin,
            },
            AclCaller::Signed {
                root: root_uin.clone(),
                uin: uin.clone(),
            },
        ),
        Caller::Role { root_uin, name, .. } => (
            eval::Caller::User {
                root: root_uin,
                uin: name,
            },
            AclCaller::Signed {
                root: root_uin.clone(),
                uin: format!("role/{name}"),
            },
        ),
        // OSS identities sign only OSS requests; to COS they are nobody.
        Caller::Anonymous
        | Caller::Temporary(_)
        | Caller::OssAccount { .. }
        | Caller::RamUser { .. } => (eval::Caller::Anonymous, AclCaller::Anonymous),
    }
}

/// APIs every caller, signed or not, may call on an existing bucket: the `OPTIONS` preflight is
/// answered from the bucket's CORS rules (403 `AccessForbidden` when none matches), not permissions.
fn allowed_without_permission(op: Op) -> Option<Decision> {
    (op == Op::OptionsObject).then(|| {
        Decision::allow("OPTIONS preflight: answered from the bucket's CORS rules, not permissions")
    })
}

/// The ACL grant that allows the action: an object's own ACL decides object permissions unless it
/// is `default`; the bucket ACL decides the rest.
fn acl_grant(
    object_acl: Option<&Acl>,
    bucket_acl: &Acl,
    who: &AclCaller,
    action: &str,
) -> Option<String> {
    let describe = |g: &acl::Grant, on: &str| {
        format!(
            "{on} ACL grants {} to {}",
            g.permission.as_str(),
            grantee_label(&g.grantee)
        )
    };
    if let Some(obj) = object_acl.filter(|a| !a.is_default()) {
        if let Some(needed) = acl::permission_for(action, ResourceKind::Object) {
            return acl::allows(obj, who, needed).map(|g| describe(g, "object"));
        }
    }
    let needed = acl::permission_for(action, ResourceKind::Bucket)?;
    acl::allows(bucket_acl, who, needed).map(|g| describe(g, "bucket"))
}

fn grantee_label(g: &acl::Grantee) -> String {
    match g {
        acl::Grantee::User(id) => id.clone(),
        acl::Grantee::AllUsers => "AllUsers".into(),
        acl::Grantee::AuthenticatedUsers => "AuthenticatedUsers".into(),
    }
}

#[cfg(test)]
mod tests {
    //! The decision table: callers × operations × setups, built as plain `Facts` (no server). The
    //! rows of `tests/it/access.rs` and `tests/python/test_access.py` are carried here, plus the
    //! steps those cannot reach cheaply (service level, bucket creation, a missing bucket, CAM
    //! denies, roles, session-policy denies).

    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use serde_json::{json, Value};

    use super::*;
    use crate::access::resource_string;
    use crate::acl::model::Permission;
    use crate::acl::{Canned, Grant, Grantee};
    use crate::auth::TempKey;
    use crate::policy::{parse_value, PolicyKind};
    use crate::store::StoredPolicy;

    const OWNER: &str = "100000000001";
    const APPID: &str = "1250000000";
    const OTHER: &str = "100000000002";
    const BUCKET: &str = "examplebucket-1250000000";
    const REGION: &str = "ap-guangzhou";
    const RES: &str = "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000";

    #[derive(Clone, Copy, Debug)]
    enum Who {
        /// The root account that owns the bucket.
        Owner,
        /// Owner's sub 11; CAM: GetBucket, GetObject, PutObject on the bucket.
        SubCam,
        /// Owner's sub 12; no CAM policy.
        SubNone,
        /// Owner's sub 13; CAM policy 0 allows `name/cos:*` on `*`, policy 1 denies DeleteObject.
        SubDeny,
        /// Owner's role `reader`; CAM: GetObject on `*`.
        Role,
        /// Another root account.
        Other,
        /// Other's sub 21; CAM: GetObject on `*`.
        OtherSub,
        /// Other's sub 22; no CAM policy.
        OtherSubNone,
        Anon,
        /// Owner's temporary key; session: GetObject on `docs/*`.
        Temp,
        /// Owner's temporary key; session: GetObject on `*`, then a deny on `other/*`.
        TempDeny,
        /// Owner's temporary key without a session policy.
        TempOpen,
        /// Sub 12's temporary key; session: PutObject on `*`.
        TempSubNone,
    }

    #[derive(Clone, Copy, Debug)]
    enum Setup {
        /// The bucket does not exist.
        NoBucket,
        /// A private bucket; `docs/a.txt` and `other/b.txt` have the `default` object ACL.
        Private,
        PublicRead,
        PublicReadWrite,
        /// A private bucket whose `docs/a.txt` is public-read.
        ObjectPublicInPrivate,
        /// A public-read bucket whose `docs/a.txt` is private.
        ObjectPrivateInPublic,
        /// A private bucket whose `docs/a.txt` grants READ to sub 12.
        ObjectGrantSub,
        /// A private bucket that grants READ to the other root.
        BucketGrantOther,
        /// Policy: sub 12 may GetObject on `docs/*` (sid `sub12-docs`).
        PolicyAllowPrefix,
        /// Policy: anyone may GetObject on `docs/*` (sid `anyone-docs`).
        PolicyAllowAnyone,
        /// Public-read ACL, but the policy denies GetObject to anyone (sid `no-get`).
        PolicyDenyOverAcl,
        /// Policy: anyone may GetObject from 127.0.0.1/32, or (`PolicyIpOther`) from 10.0.0.0/8.
        PolicyIpAllowed,
        PolicyIpOther,
        /// Policy: sub 12 may list only with prefix `docs/` (sid `list-docs`).
        PolicyListPrefix,
        /// Policy: the other root may GetObject (sid `cross`).
        PolicyOtherRoot,
        /// Policy: the other root's subs 21 and 22 may GetObject and PutObject on `docs/*`.
        PolicyOtherSubs,
        /// Policy: sub 11 may do everything (sid `all`), but not DeleteObject (sid `no-delete`).
        PolicyDenySub,
        /// Policy: sub 12 may PutObject (sid `sub12-put`).
        PolicyAllowSubNonePut,
    }

    fn parse(doc: Value, kind: PolicyKind) -> Policy {
        parse_value(&doc, kind).unwrap_or_else(|e| panic!("{doc}: {e:?}"))
    }

    fn allow(actions: &[&str], resources: &[String]) -> Value {
        json!({"effect": "allow", "action": actions, "resource": resources})
    }

    fn deny(actions: &[&str], resources: &[String]) -> Value {
        json!({"effect": "deny", "action": actions, "resource": resources})
    }

    fn doc(statements: Vec<Value>) -> Value {
        json!({"version": "2.0", "statement": statements})
    }

    fn res(tail: &str) -> Vec<String> {
        vec![format!("{RES}/{tail}")]
    }

    fn all() -> Vec<String> {
        vec!["*".to_string()]
    }

    fn sub(root: &str, uin: &str) -> Caller {
        let appid = if root == OWNER { APPID } else { "1250000002" };
        Caller::SubUser {
            root_uin: root.into(),
            uin: uin.into(),
            appid: appid.into(),
        }
    }

    fn temp(id: &str, parent: Caller, session: Option<Vec<Value>>) -> Caller {
        Caller::Temporary(Arc::new(TempKey {
            secret_id: id.into(),
            secret_key: "secret".into(),
            token: "token".into(),
            expires: u64::MAX,
            parent,
            policy: session.map(|s| parse(doc(s), PolicyKind::Session)),
            policy_text: None,
        }))
    }

    fn caller(who: Who) -> Caller {
        let owner = Caller::Root {
            uin: OWNER.into(),
            appid: APPID.into(),
        };
        match who {
            Who::Owner => owner,
            Who::SubCam => sub(OWNER, "100000000011"),
            Who::SubNone => sub(OWNER, "100000000012"),
            Who::SubDeny => sub(OWNER, "100000000013"),
            Who::Role => Caller::Role {
                root_uin: OWNER.into(),
                name: "reader".into(),
                appid: APPID.into(),
            },
            Who::Other => Caller::Root {
                uin: OTHER.into(),
                appid: "1250000002".into(),
            },
            Who::OtherSub => sub(OTHER, "100000000021"),
            Who::OtherSubNone => sub(OTHER, "100000000022"),
            Who::Anon => Caller::Anonymous,
            Who::Temp => temp(
                "AKIDTEMP",
                owner,
                Some(vec![allow(&["name/cos:GetObject"], &res("docs/*"))]),
            ),
            Who::TempDeny => temp(
                "AKIDTEMPDENY",
                owner,
                Some(vec![
                    allow(&["name/cos:GetObject"], &res("*")),
                    deny(&["name/cos:GetObject"], &res("other/*")),
                ]),
            ),
            Who::TempOpen => temp("AKIDTEMPOPEN", owner, None),
            Who::TempSubNone => temp(
                "AKIDTEMPSUB",
                sub(OWNER, "100000000012"),
                Some(vec![allow(&["name/cos:PutObject"], &all())]),
            ),
        }
    }

    /// The CAM policies the key ring holds for the caller's permanent identity.
    fn cam(who: Who) -> Vec<Policy> {
        let user = |s: Vec<Value>| parse(doc(s), PolicyKind::User);
        match who {
            Who::SubCam => vec![user(vec![allow(
                &[
                    "name/cos:GetBucket",
                    "name/cos:GetObject",
                    "name/cos:PutObject",
                ],
                &res("*"),
            )])],
            Who::SubDeny => vec![
                user(vec![allow(&["name/cos:*"], &all())]),
                user(vec![deny(&["name/cos:DeleteObject"], &res("*"))]),
            ],
            Who::Role | Who::OtherSub => vec![user(vec![allow(&["name/cos:GetObject"], &all())])],
            _ => Vec::new(),
        }
    }

    /// A bucket-policy statement for `principals` (`anyone` or `root:uin`).
    fn stmt(sid: &str, effect: &str, principals: &[&str], actions: &[&str], tail: &str) -> Value {
        let qcs: Vec<String> = principals
            .iter()
            .map(|p| match p.split_once(':') {
                Some((root, uin)) => format!("qcs::cam::uin/{root}:uin/{uin}"),
                None => "qcs::cam::anyone:anyone".to_string(),
            })
            .collect();
        json!({"sid": sid, "effect": effect, "principal": {"qcs": qcs}, "action": actions,
            "resource": res(tail)})
    }

    fn bucket_policy(setup: Setup) -> Option<Value> {
        let sub11 = "100000000001:100000000011";
        let sub12 = "100000000001:100000000012";
        let get = &["name/cos:GetObject"][..];
        let ip = |net: &str| {
            let mut s = stmt("ip", "allow", &["anyone"], get, "*");
            s["condition"] = json!({"ip_equal": {"qcs:ip": net}});
            s
        };
        let statements = match setup {
            Setup::PolicyAllowPrefix => vec![stmt("sub12-docs", "allow", &[sub12], get, "docs/*")],
            Setup::PolicyAllowAnyone => {
                vec![stmt("anyone-docs", "allow", &["anyone"], get, "docs/*")]
            }
            Setup::PolicyDenyOverAcl => vec![stmt("no-get", "deny", &["anyone"], get, "*")],
            Setup::PolicyIpAllowed => vec![ip("127.0.0.1/32")],
            Setup::PolicyIpOther => vec![ip("10.0.0.0/8")],
            Setup::PolicyListPrefix => {
                let mut s = stmt("list-docs", "allow", &[sub12], &["name/cos:GetBucket"], "*");
                s["condition"] = json!({"string_equal": {"cos:prefix": "docs/"}});
                vec![s]
            }
            Setup::PolicyOtherRoot => {
                vec![stmt(
                    "cross",
                    "allow",
                    &["100000000002:100000000002"],
                    get,
                    "*",
                )]
            }
            Setup::PolicyOtherSubs => vec![stmt(
                "subs",
                "allow",
                &["100000000002:100000000021", "100000000002:100000000022"],
                &["name/cos:GetObject", "name/cos:PutObject"],
                "docs/*",
            )],
            Setup::PolicyDenySub => vec![
                stmt("all", "allow", &[sub11], &["name/cos:*"], "*"),
                stmt(
                    "no-delete",
                    "deny",
                    &[sub11],
                    &["name/cos:DeleteObject"],
                    "*",
                ),
            ],
            Setup::PolicyAllowSubNonePut => {
                vec![stmt(
                    "sub12-put",
                    "allow",
                    &[sub12],
                    &["name/cos:PutObject"],
                    "*",
                )]
            }
            _ => return None,
        };
        Some(doc(statements))
    }

    fn acl_plus(canned: Canned, grant: Grant) -> Acl {
        let mut acl = Acl::from_canned(OWNER, canned);
        acl.canned = None;
        acl.grants.push(grant);
        acl
    }

    /// The bucket ACL and the ACL of `docs/a.txt` (`other/b.txt` is always `default`).
    fn acls(setup: Setup) -> (Acl, Acl) {
        let canned = |c| Acl::from_canned(OWNER, c);
        let default = Acl::object_default(OWNER);
        match setup {
            Setup::PublicRead | Setup::PolicyDenyOverAcl => (canned(Canned::PublicRead), default),
            Setup::PublicReadWrite => (canned(Canned::PublicReadWrite), default),
            Setup::ObjectPublicInPrivate => (canned(Canned::Private), canned(Canned::PublicRead)),
            Setup::ObjectPrivateInPublic => (canned(Canned::PublicRead), canned(Canned::Private)),
            Setup::ObjectGrantSub => (
                canned(Canned::Private),
                acl_plus(
                    Canned::Private,
                    Grant::new(Grantee::user(OWNER, "100000000012"), Permission::Read),
                ),
            ),
            Setup::BucketGrantOther => (
                acl_plus(
                    Canned::Private,
                    Grant::new(Grantee::root(OTHER), Permission::Read),
                ),
                default,
            ),
            _ => (canned(Canned::Private), default),
        }
    }

    /// The operation a row asks for: op, key, and extra condition keys.
    fn ask(name: &str) -> (Op, &'static str, Vec<(&'static str, &'static str)>) {
        match name {
            "service" => (Op::GetService, "", vec![]),
            "create" => (Op::PutBucket, "", vec![]),
            "list" => (Op::GetBucket, "", vec![]),
            "list-docs" => (Op::GetBucket, "", vec![("cos:prefix", "docs/")]),
            "list-other" => (Op::GetBucket, "", vec![("cos:prefix", "other/")]),
            "get" => (Op::GetObject, "docs/a.txt", vec![]),
            "get-from-10" => (Op::GetObject, "docs/a.txt", vec![("qcs:ip", "10.1.2.3")]),
            "get-other" => (Op::GetObject, "other/b.txt", vec![]),
            "head" => (Op::HeadObject, "docs/a.txt", vec![]),
            "put" => (Op::PutObject, "docs/new.txt", vec![]),
            "put-over" => (Op::PutObject, "docs/a.txt", vec![]),
            "delete" => (Op::DeleteObject, "docs/a.txt", vec![]),
            "get-acl" => (Op::GetBucketACL, "", vec![]),
            "put-acl" => (Op::PutBucketACL, "", vec![]),
            "get-object-acl" => (Op::GetObjectACL, "docs/a.txt", vec![]),
            "get-policy" => (Op::GetBucketPolicy, "", vec![]),
            "put-policy" => (Op::PutBucketPolicy, "", vec![]),
            "options" => (Op::OptionsObject, "docs/a.txt", vec![]),
            other => panic!("unknown operation {other}"),
        }
    }

    /// The facts `gather` would read for this row, written down by hand.
    fn facts<'a>(setup: Setup, caller: &'a Caller, cam: &'a [Policy], name: &str) -> Facts<'a> {
        let (op, key, extra) = ask(name);
        let bucket = (op != Op::GetService).then_some(BUCKET);
        let existing = bucket
            .filter(|_| !matches!(setup, Setup::NoBucket))
            .map(|_| {
                let (acl, docs) = acls(setup);
                let object_acl = match key {
                    _ if !op.is_object_level() => None,
                    "docs/a.txt" => Some(docs),
                    "other/b.txt" => Some(Acl::object_default(OWNER)),
                    _ => None,
                };
                BucketFacts {
                    owner_uin: OWNER.into(),
                    policy: bucket_policy(setup).map(|d| {
                        Arc::new(StoredPolicy {
                            text: d.to_string(),
                            parsed: parse(d, PolicyKind::Bucket),
                        })
                    }),
                    acl: acl.into(),
                    object_acl: object_acl.map(Arc::new),
                }
            });
        let mut context = HashMap::from([
            ("qcs:ip".to_string(), vec!["127.0.0.1".to_string()]),
            (
                "cos:secure-transport".to_string(),
                vec!["false".to_string()],
            ),
        ]);
        for (k, v) in extra {
            context.insert(k.to_string(), vec![v.to_string()]);
        }
        Facts {
            op,
            caller,
            action: op.action(),
            bucket,
            resource: resource_string(REGION, bucket, key),
            existing,
            cam,
            context,
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        }
    }

    /// (setup, caller, operation, allowed, a piece of the reason; `error <Code>` for an error)
    type Row = (Setup, Who, &'static str, bool, &'static str);

    #[rustfmt::skip]
    const TABLE: &[Row] = &[
        // Service level and bucket creation: identity alone.
        (Setup::Private, Who::Owner, "service", true, "100000000001 lists its own buckets"),
        (Setup::Private, Who::Anon, "service", false, "no statement allows name/cos:GetService on * for anonymous"),
        (Setup::Private, Who::SubNone, "service", false, "no statement allows name/cos:GetService on * for 100000000001/100000000012"),
        (Setup::Private, Who::SubDeny, "service", true, "CAM policy 0 statement 0 of 100000000001/100000000013 allows"),
        (Setup::NoBucket, Who::Owner, "create", true, "100000000001 owns APPID 1250000000"),
        (Setup::NoBucket, Who::Other, "create", false, "no statement allows name/cos:PutBucket on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/ for 100000000002"),
        (Setup::NoBucket, Who::SubDeny, "create", true, "CAM policy 0 statement 0 of 100000000001/100000000013 allows"),
        (Setup::NoBucket, Who::SubNone, "create", false, "no statement allows name/cos:PutBucket"),
        (Setup::Private, Who::Other, "create", true, "the bucket exists: the handler answers 409"),
        (Setup::Private, Who::Anon, "create", false, "no statement or grant allows name/cos:PutBucket on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/ for anonymous"),
        // A missing bucket: NoSuchBucket, but only after the session policy and CAM denies.
        (Setup::NoBucket, Who::Owner, "get", false, "error NoSuchBucket"),
        (Setup::NoBucket, Who::Anon, "options", false, "error NoSuchBucket"),
        (Setup::NoBucket, Who::Temp, "list", false, "the session policy of temporary key AKIDTEMP does not allow name/cos:GetBucket"),
        (Setup::NoBucket, Who::SubDeny, "delete", false, "CAM policy 1 statement 0 of 100000000001/100000000013 denies name/cos:DeleteObject"),
        (Setup::Private, Who::Anon, "options", true, "OPTIONS preflight: answered from the bucket's CORS rules, not permissions"),
        // Private bucket: the owner root does everything, nobody else anything.
        (Setup::Private, Who::Owner, "list", true, "100000000001 is the owner of examplebucket-1250000000"),
        (Setup::Private, Who::Owner, "put-policy", true, "is the owner"),
        (Setup::Private, Who::Owner, "get-acl", true, "is the owner"),
        (Setup::Private, Who::Owner, "put-acl", true, "is the owner"),
        (Setup::Private, Who::Owner, "put", true, "is the owner"),
        (Setup::Private, Who::Owner, "delete", true, "is the owner"),
        (Setup::Private, Who::Other, "list", false, "no statement or grant allows name/cos:GetBucket on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/ for 100000000002"),
        (Setup::Private, Who::Other, "get", false, "no statement or grant allows name/cos:GetObject"),
        (Setup::Private, Who::Anon, "get", false, "for anonymous"),
        (Setup::Private, Who::Anon, "list", false, "for anonymous"),
        (Setup::Private, Who::SubNone, "get", false, "for 100000000001/100000000012"),
        (Setup::Private, Who::SubNone, "get-policy", false, "no statement or grant allows name/cos:GetBucketPolicy"),
        // The owner's sub-accounts and roles: their CAM policies.
        (Setup::Private, Who::SubCam, "list", true, "CAM policy 0 statement 0 of 100000000001/100000000011 allows"),
        (Setup::Private, Who::SubCam, "get", true, "CAM policy 0"),
        (Setup::Private, Who::SubCam, "put", true, "CAM policy 0"),
        (Setup::Private, Who::SubCam, "delete", false, "no statement or grant allows name/cos:DeleteObject"),
        (Setup::Private, Who::SubCam, "get-acl", false, "no statement or grant allows name/cos:GetBucketACL"),
        (Setup::Private, Who::SubCam, "put-policy", false, "PutBucketPolicy"),
        (Setup::Private, Who::SubDeny, "get", true, "CAM policy 0 statement 0 of 100000000001/100000000013 allows"),
        (Setup::Private, Who::SubDeny, "delete", false, "CAM policy 1 statement 0 of 100000000001/100000000013 denies name/cos:DeleteObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/docs/a.txt"),
        (Setup::Private, Who::Role, "get", true, "CAM policy 0 statement 0 of 100000000001/role:reader allows"),
        (Setup::Private, Who::Role, "put", false, "no statement or grant allows name/cos:PutObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/docs/new.txt for 100000000001/role:reader"),
        (Setup::Private, Who::OtherSub, "get", false, "no statement or grant allows"),
        // Temporary keys: the session policy first, then the parent.
        (Setup::Private, Who::Temp, "get", true, "session policy statement 0 allows; 100000000001 (temporary key AKIDTEMP) is the owner of examplebucket-1250000000"),
        (Setup::Private, Who::Temp, "get-other", false, "the session policy of temporary key AKIDTEMP does not allow name/cos:GetObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/other/b.txt"),
        (Setup::Private, Who::Temp, "put", false, "the session policy of temporary key"),
        (Setup::Private, Who::Temp, "list", false, "does not allow name/cos:GetBucket"),
        (Setup::Private, Who::TempDeny, "get", true, "session policy statement 0 allows; "),
        (Setup::Private, Who::TempDeny, "get-other", false, "session policy statement 1 of temporary key AKIDTEMPDENY denies name/cos:GetObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/other/b.txt"),
        (Setup::Private, Who::TempOpen, "delete", true, "100000000001 (temporary key AKIDTEMPOPEN) is the owner of examplebucket-1250000000"),
        (Setup::Private, Who::TempSubNone, "put", false, "no statement or grant allows name/cos:PutObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/docs/new.txt for 100000000001/100000000012 (temporary key AKIDTEMPSUB)"),
        (Setup::PolicyAllowSubNonePut, Who::TempSubNone, "put", true, "session policy statement 0 allows; bucket policy statement 0 (sid \"sub12-put\") allows name/cos:PutObject for 100000000001/100000000012 (temporary key AKIDTEMPSUB)"),
        (Setup::PolicyAllowSubNonePut, Who::TempSubNone, "get", false, "the session policy of temporary key AKIDTEMPSUB does not allow name/cos:GetObject"),
        // Public-read bucket: reads for everyone, writes for nobody but the owner.
        (Setup::PublicRead, Who::Anon, "get", true, "bucket ACL grants READ to AllUsers"),
        (Setup::PublicRead, Who::Anon, "head", true, "bucket ACL grants READ to AllUsers"),
        (Setup::PublicRead, Who::Anon, "list", true, "bucket ACL grants READ to AllUsers"),
        (Setup::PublicRead, Who::Anon, "put", false, "no statement or grant allows name/cos:PutObject"),
        (Setup::PublicRead, Who::Anon, "delete", false, "no statement or grant allows name/cos:DeleteObject"),
        (Setup::PublicRead, Who::Anon, "get-acl", false, "GetBucketACL"),
        (Setup::PublicRead, Who::Other, "get", true, "AllUsers"),
        (Setup::PublicRead, Who::Other, "delete", false, "DeleteObject"),
        (Setup::PublicRead, Who::SubNone, "get", true, "AllUsers"),
        // Cross-account sub-accounts need their CAM allow and a resource-side grant.
        (Setup::PublicRead, Who::OtherSub, "get", true, "CAM policy 0 statement 0 of 100000000002/100000000021 allows; bucket ACL grants READ to AllUsers"),
        (Setup::PublicRead, Who::OtherSub, "list", false, "bucket ACL grants READ to AllUsers, but no CAM policy of 100000000002/100000000021 allows name/cos:GetBucket on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/ (a cross-account user needs both)"),
        (Setup::PublicRead, Who::OtherSubNone, "get", false, "(a cross-account user needs both)"),
        (Setup::PublicReadWrite, Who::Anon, "put", true, "bucket ACL grants WRITE to AllUsers"),
        (Setup::PublicReadWrite, Who::Anon, "put-acl", false, "no statement or grant allows name/cos:PutBucketACL"),
        // Object ACLs override the bucket's; `default` falls back to it.
        (Setup::ObjectPublicInPrivate, Who::Anon, "get", true, "object ACL grants READ to AllUsers"),
        (Setup::ObjectPublicInPrivate, Who::Anon, "head", true, "object ACL grants READ to AllUsers"),
        (Setup::ObjectPublicInPrivate, Who::Anon, "get-other", false, "no statement or grant allows"),
        (Setup::ObjectPublicInPrivate, Who::Anon, "list", false, "GetBucket"),
        (Setup::ObjectPublicInPrivate, Who::Anon, "put-over", false, "no statement or grant allows name/cos:PutObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/docs/a.txt"),
        (Setup::ObjectPublicInPrivate, Who::Anon, "get-object-acl", false, "GetObjectACL"),
        (Setup::ObjectPrivateInPublic, Who::Anon, "get", false, "no statement or grant allows name/cos:GetObject"),
        (Setup::ObjectPrivateInPublic, Who::Other, "get", false, "no statement or grant allows name/cos:GetObject"),
        (Setup::ObjectPrivateInPublic, Who::Anon, "get-other", true, "bucket ACL grants READ to AllUsers"),
        (Setup::ObjectGrantSub, Who::SubNone, "get", true, "object ACL grants READ to qcs::cam::uin/100000000001:uin/100000000012"),
        (Setup::ObjectGrantSub, Who::SubNone, "get-other", false, "no statement or grant allows"),
        (Setup::ObjectGrantSub, Who::SubCam, "get", true, "CAM policy 0"),
        (Setup::BucketGrantOther, Who::Other, "list", true, "bucket ACL grants READ to qcs::cam::uin/100000000002:uin/100000000002"),
        (Setup::BucketGrantOther, Who::Other, "get", true, "bucket ACL grants READ to qcs::cam::uin/100000000002:uin/100000000002"),
        (Setup::BucketGrantOther, Who::Other, "put", false, "PutObject"),
        (Setup::BucketGrantOther, Who::OtherSub, "get", true, "CAM policy 0 statement 0 of 100000000002/100000000021 allows; bucket ACL grants READ to qcs::cam::uin/100000000002:uin/100000000002"),
        (Setup::BucketGrantOther, Who::OtherSubNone, "get", false, "a cross-account user needs both"),
        // A policy allows one user one prefix; a policy for anyone allows anonymous callers.
        (Setup::PolicyAllowPrefix, Who::SubNone, "get", true, "bucket policy statement 0 (sid \"sub12-docs\") allows name/cos:GetObject for 100000000001/100000000012"),
        (Setup::PolicyAllowPrefix, Who::SubNone, "get-other", false, "no statement or grant allows"),
        (Setup::PolicyAllowPrefix, Who::SubNone, "put", false, "PutObject"),
        (Setup::PolicyAllowPrefix, Who::SubCam, "get", true, "CAM policy 0"),
        (Setup::PolicyAllowPrefix, Who::Anon, "get", false, "for anonymous"),
        (Setup::PolicyAllowAnyone, Who::Anon, "get", true, "bucket policy statement 0 (sid \"anyone-docs\") allows name/cos:GetObject for anonymous"),
        (Setup::PolicyAllowAnyone, Who::Anon, "get-other", false, "no statement or grant allows name/cos:GetObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/other/b.txt for anonymous"),
        // An explicit deny beats ACLs and CAM allows, and binds the owner too.
        (Setup::PolicyDenyOverAcl, Who::Anon, "get", false, "bucket policy statement 0 (sid \"no-get\") denies name/cos:GetObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/docs/a.txt for anonymous"),
        (Setup::PolicyDenyOverAcl, Who::Anon, "list", true, "bucket ACL grants READ to AllUsers"),
        (Setup::PolicyDenyOverAcl, Who::SubCam, "get", false, "bucket policy statement 0 (sid \"no-get\") denies"),
        (Setup::PolicyDenyOverAcl, Who::Other, "get", false, "denies"),
        (Setup::PolicyDenyOverAcl, Who::Owner, "get", false, "bucket policy statement 0 (sid \"no-get\") denies name/cos:GetObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/docs/a.txt for 100000000001"),
        (Setup::PolicyDenyOverAcl, Who::Owner, "list", true, "is the owner"),
        (Setup::PolicyDenySub, Who::SubCam, "delete", false, "bucket policy statement 1 (sid \"no-delete\") denies"),
        (Setup::PolicyDenySub, Who::SubCam, "get-acl", true, "bucket policy statement 0 (sid \"all\") allows"),
        (Setup::PolicyDenySub, Who::SubCam, "get", true, "CAM policy 0 statement 0 of 100000000001/100000000011 allows"),
        // Conditions, through the context.
        (Setup::PolicyIpAllowed, Who::Anon, "get", true, "bucket policy statement 0 (sid \"ip\") allows"),
        (Setup::PolicyIpAllowed, Who::Anon, "get-from-10", false, "no statement or grant allows"),
        (Setup::PolicyIpOther, Who::Anon, "get", false, "no statement or grant allows"),
        (Setup::PolicyIpOther, Who::Anon, "get-from-10", true, "sid \"ip\""),
        (Setup::PolicyListPrefix, Who::SubNone, "list-docs", true, "bucket policy statement 0 (sid \"list-docs\") allows name/cos:GetBucket"),
        (Setup::PolicyListPrefix, Who::SubNone, "list-other", false, "no statement or grant allows name/cos:GetBucket"),
        (Setup::PolicyListPrefix, Who::SubNone, "list", false, "no statement or grant allows name/cos:GetBucket"),
        // Cross-account by policy: a root named by it; its sub-accounts need their own CAM allow too.
        (Setup::PolicyOtherRoot, Who::Other, "get", true, "bucket policy statement 0 (sid \"cross\") allows name/cos:GetObject for 100000000002"),
        (Setup::PolicyOtherRoot, Who::OtherSub, "get", true, "CAM policy 0 statement 0 of 100000000002/100000000021 allows; bucket policy statement 0 (sid \"cross\") allows"),
        (Setup::PolicyOtherRoot, Who::OtherSubNone, "get", false, "bucket policy statement 0 (sid \"cross\") allows name/cos:GetObject for 100000000002/100000000022, but no CAM policy of 100000000002/100000000022 allows name/cos:GetObject on qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/docs/a.txt (a cross-account user needs both)"),
        (Setup::PolicyOtherRoot, Who::Other, "put", false, "PutObject"),
        (Setup::PolicyOtherSubs, Who::OtherSub, "get", true, "CAM policy 0 statement 0 of 100000000002/100000000021 allows; bucket policy statement 0 (sid \"subs\") allows"),
        (Setup::PolicyOtherSubs, Who::OtherSub, "put", false, "bucket policy statement 0 (sid \"subs\") allows name/cos:PutObject for 100000000002/100000000021, but no CAM policy"),
        (Setup::PolicyOtherSubs, Who::OtherSubNone, "get", false, "a cross-account user needs both"),
    ];

    #[test]
    fn decide_decision_table_matches_every_row() {
        let mut failures = Vec::new();
        for (setup, who, name, allowed, reason) in TABLE {
            let caller = caller(*who);
            let cam = cam(*who);
            let (got_allowed, got_reason) = match decide(&facts(*setup, &caller, &cam, name)) {
                Ok(d) => (d.allowed, d.reason),
                Err(e) => (false, format!("error {:?}", e.code)),
            };
            if got_allowed != *allowed || !got_reason.contains(reason) {
                failures.push(format!(
                    "{setup:?} {who:?} {name}: expected {} ({reason}), got {} ({got_reason})",
                    if *allowed { "allow" } else { "deny" },
                    if got_allowed { "allow" } else { "deny" },
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
}
