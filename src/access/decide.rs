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
        _ => acl_grant(object_acl.as_ref(), bucket_acl, &acl_caller, action),
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
        Caller::Anonymous | Caller::Temporary(_) => (eval::Caller::Anonymous, AclCaller::Anonymous),
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
