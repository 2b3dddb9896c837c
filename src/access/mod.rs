//! May this caller do this operation? COS's evaluation (cos-api.md §7.2): a temporary key's session
//! policy first; then deny first across the bucket policy and CAM policies; the owner root; CAM
//! allows for the owner's sub-accounts; bucket-policy allows; ACL grants (the object's own ACL unless
//! `default`, else the bucket's); cross-account sub-accounts need both their CAM allow and a
//! resource-side grant. Every decision carries the reason that decided it.
//!
//! Two halves: `facts::gather` reads what a decision needs (the bucket's owner, policy and ACLs, the
//! object's ACL, the caller's CAM policies, the condition context, the time) into a plain `Facts`;
//! `decide::decide` judges it without touching the store, the key ring or the clock, and is where the
//! decision table is unit-tested.

mod decide;
mod facts;
pub(crate) mod oss;

use crate::auth::Caller;
use crate::error::{Code, CosError};
use crate::request::CosRequest;
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
    pub(crate) fn allow(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: true,
            reason: reason.into(),
        }
    }

    pub(crate) fn deny(reason: impl Into<String>) -> Decision {
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
    if req.dialect == crate::dialect::Dialect::Oss {
        return oss::authorize(state, caller, op, req);
    }
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

/// Decides whether `caller` may call `op` on `bucket`/`key` (which may differ from the request's own:
/// copy sources, the keys of a batch delete); `req` gives the condition context. A missing bucket
/// answers `NoSuchBucket` once the session policy and CAM denies have been checked (not for the
/// service or a `PutBucket`); see `decide::decide` for the whole order.
pub fn authorize_at(
    state: &AppState,
    caller: &Caller,
    op: Op,
    bucket: Option<&str>,
    key: &str,
    req: &CosRequest,
) -> Result<Decision, CosError> {
    decide::decide(&facts::gather(state, caller, op, bucket, key, req))
}

/// The error a denied request answers.
pub fn denied(_decision: &Decision) -> CosError {
    CosError::new(Code::AccessDenied)
}
