//! May this caller do this operation? COS's evaluation (cos-api.md §7.2): a temporary key's session
//! policy first; then deny first across the bucket policy and CAM policies; the owner root; CAM
//! allows for the owner's sub-accounts; bucket-policy allows; ACL grants (the object's own ACL unless
//! `default`, else the bucket's); cross-account sub-accounts need both their CAM allow and a
//! resource-side grant. Every decision carries the reason that decided it.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::acl::{self, Acl, AclCaller, ResourceKind};
use crate::auth::Caller;
use crate::error::{Code, CosError};
use crate::policy::eval::{self, EvalInput, Outcome};
use crate::policy::Policy;
use crate::request::{strip_port, CosRequest};
use crate::router::Op;
use crate::store::appid_of;
use crate::AppState;

/// Choices where COS's behaviour is unverified (cos-api.md §7), kept in one place.
pub mod choices {
    /// A bucket-policy deny that matches the owner root (by its id or by anyone) denies the owner too.
    pub const OWNER_BOUND_BY_POLICY_DENY: bool = true;
}

/// An access decision and why it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: String,
}

impl Decision {
    fn allow(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: true,
            reason: reason.into(),
        }
    }

    fn deny(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: false,
            reason: reason.into(),
        }
    }
}

/// The resource string `qcs::cos:<region>:uid/<appid>:<bucket>/<key>` (`*` for the service).
pub fn resource_string(region: &str, bucket: Option<&str>, key: &str) -> String {
    match bucket {
        Some(bucket) => {
            let appid = appid_of(bucket).unwrap_or("");
            format!("qcs::cos:{region}:uid/{appid}:{bucket}/{key}")
        }
        None => "*".into(),
    }
}

/// The condition keys a request carries (cos-api.md §5.2): `qcs:ip`, `cos:secure-transport`,
/// `cos:host`, listing and response parameters, and the upload and ACL headers. A key the request
/// lacks is absent, so a condition on it does not match.
pub fn condition_context(req: &CosRequest) -> HashMap<String, Vec<String>> {
    let mut ctx = HashMap::new();
    if let Some(remote) = req.remote {
        ctx.insert("qcs:ip".to_string(), vec![remote.ip().to_string()]);
    }
    ctx.insert(
        "cos:secure-transport".to_string(),
        vec![req.secure.to_string()],
    );
    ctx.insert(
        "cos:host".to_string(),
        vec![strip_port(&req.host).to_string()],
    );
    for (param, key) in [
        ("prefix", "cos:prefix"),
        ("delimiter", "cos:delimiter"),
        ("max-keys", "cos:max-keys"),
        ("versionId", "cos:versionid"),
        ("response-content-type", "cos:response-content-type"),
    ] {
        let values: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| k == param)
            .map(|(_, v)| v.clone())
            .collect();
        if !values.is_empty() {
            ctx.insert(key.to_string(), values);
        }
    }
    for (name, value) in req.headers.iter() {
        let n = name.as_str();
        let known = matches!(
            n,
            "content-type"
                | "content-length"
                | "x-cos-acl"
                | "x-cos-storage-class"
                | "x-cos-server-side-encryption"
                | "x-cos-forbid-overwrite"
                | "x-cos-traffic-limit"
        ) || n.starts_with("x-cos-grant-");
        if known {
            let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
            ctx.entry(format!("cos:{n}"))
                .or_insert_with(Vec::new)
                .push(v);
        }
    }
    ctx
}

/// Decides whether `caller` may call `op` on the request's own resource.
pub fn authorize(
    state: &AppState,
    caller: &Caller,
    op: Op,
    req: &CosRequest,
) -> Result<Decision, CosError> {
    if let Some(decision) = checked_by_handler(op) {
        return Ok(decision);
    }
    authorize_at(state, caller, op, req.bucket(), req.key(), req)
}

/// Operations that are not decided up front because their handler decides per resource.
///
/// `DeleteMultipleObjects` (`POST /?delete`): spec §7.3 lets a key be deleted when either
/// `DeleteMultipleObjects` or `DeleteObject` is allowed on it, so a caller denied the former may still
/// delete the keys the latter allows. `handlers::delete_multiple` calls [`authorize_at`] for each key
/// and reports the denied ones as `<Error><Code>AccessDenied</Code>` entries of the `DeleteResult`.
fn checked_by_handler(op: Op) -> Option<Decision> {
    (op == Op::DeleteMultipleObjects).then(|| {
        Decision::allow(
            "checked per key by the handler (DeleteMultipleObjects or DeleteObject on each key)",
        )
    })
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
        Caller::Anonymous | Caller::Temporary(_) => (eval::Caller::Anonymous, AclCaller::Anonymous),
    }
}

/// Decides whether `caller` may call `op` on `bucket`/`key` (which may differ from the request's own:
/// copy sources, the keys of a batch delete); `req` gives the condition context. A missing bucket
/// answers `NoSuchBucket` before any permission is considered (except for `PutBucket`).
pub fn authorize_at(
    state: &AppState,
    caller: &Caller,
    op: Op,
    bucket: Option<&str>,
    key: &str,
    req: &CosRequest,
) -> Result<Decision, CosError> {
    let action = op.action();
    let existing = match bucket {
        Some(b) => state
            .store
            .with_bucket(b, |b| {
                (
                    b.owner_uin.clone(),
                    b.region.clone(),
                    b.policy.clone(),
                    b.acl.clone(),
                )
            })
            .ok(),
        None => None,
    };
    let region = existing
        .as_ref()
        .map(|e| e.1.as_str())
        .unwrap_or(&req.region);
    let resource = resource_string(region, bucket, key);
    let context = condition_context(req);
    let ask = Ask {
        action: &action,
        resource: &resource,
        context: &context,
        now: SystemTime::now(),
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
    let cam = state.keys.cam_policies(identity);
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
    let Some((owner, _, policy, bucket_acl)) = existing else {
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
    let owner_root = identity.is_root_of(&owner);
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
        _ => acl_grant(state, op, bucket, key, &bucket_acl, &acl_caller, &action),
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
    state: &AppState,
    op: Op,
    bucket: &str,
    key: &str,
    bucket_acl: &Acl,
    who: &AclCaller,
    action: &str,
) -> Option<String> {
    let object_acl = (op.is_object_level() && !key.is_empty())
        .then(|| {
            state
                .store
                .get_object(bucket, key)
                .ok()
                .map(|o| o.acl.clone())
        })
        .flatten()
        .filter(|a| !a.is_default());
    let describe = |g: &acl::Grant, on: &str| {
        format!(
            "{on} ACL grants {} to {}",
            g.permission.as_str(),
            grantee_label(&g.grantee)
        )
    };
    if let Some(obj) = &object_acl {
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

/// The error a denied request answers.
pub fn denied(_decision: &Decision) -> CosError {
    CosError::new(Code::AccessDenied)
}
