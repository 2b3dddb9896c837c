//! May this caller do this operation? Returns the decision with the reason that decided it, so that it
//! can be logged and shown in the request journal.

use crate::auth::Caller;
use crate::error::{Code, CosError};
use crate::request::CosRequest;
use crate::router::Op;
use crate::store::appid_of;
use crate::AppState;

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

/// Decides whether `caller` may call `op` on the request's own resource.
pub fn authorize(
    state: &AppState,
    caller: &Caller,
    op: Op,
    req: &CosRequest,
) -> Result<Decision, CosError> {
    authorize_at(state, caller, op, req.bucket(), req.key(), req)
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
    let store = &state.store;
    let action = op.action();
    let resource = resource_string(&req.region, bucket, key);
    let who = caller.label();
    let Some(bucket) = bucket else {
        // Service-level: GetService lists the caller's own buckets; anonymous callers may not.
        return Ok(match caller {
            Caller::Anonymous => Decision::deny(format!("anonymous callers may not call {action}")),
            _ => Decision::allow(format!("{who} lists its own buckets")),
        });
    };
    if op == Op::PutBucket {
        let owner = store.with_bucket(bucket, |b| b.owner_uin.clone()).ok();
        if owner.is_some() {
            // Creating an existing bucket answers 409 from the handler, whoever asks.
            return Ok(Decision::allow("bucket exists: the handler answers 409"));
        }
        return Ok(match (caller, appid_of(bucket)) {
            (Caller::Root { appid, .. }, Some(b)) if appid == b => {
                Decision::allow(format!("{who} owns APPID {b}"))
            }
            _ => Decision::deny(format!(
                "{who} may not create a bucket of APPID {}",
                appid_of(bucket).unwrap_or("?")
            )),
        });
    }
    let owner = store.with_bucket(bucket, |b| b.owner_uin.clone())?;
    if let Some(decision) = allowed_without_permission(op) {
        return Ok(decision);
    }
    if caller.is_root_of(&owner) {
        return Ok(Decision::allow(format!("{who} is the owner of {bucket}")));
    }
    Ok(Decision::deny(format!(
        "no statement or grant allows {action} on {resource} for {who}"
    )))
}

/// APIs every caller, signed or not, may call on an existing bucket: the `OPTIONS` preflight is
/// answered from the bucket's CORS rules (403 `AccessForbidden` when none matches), not permissions.
fn allowed_without_permission(op: Op) -> Option<Decision> {
    (op == Op::OptionsObject).then(|| {
        Decision::allow("OPTIONS preflight: answered from the bucket's CORS rules, not permissions")
    })
}

/// The error a denied request answers.
pub fn denied(_decision: &Decision) -> CosError {
    CosError::new(Code::AccessDenied)
}
