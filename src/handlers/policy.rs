//! Bucket policy: PUT / GET / DELETE `?policy`. The document is validated by `policy::parse`; GET
//! answers COS's normalised form of it (`Policy::to_cos_json`), not the bytes that were PUT.

use http::StatusCode;

use super::Ctx;
use crate::error::{Code, CosError};
use crate::policy::{self, Limits, PolicyKind};
use crate::response::Reply;
use crate::store::StoredPolicy;

/// PUT Bucket policy: validates and replaces the whole policy; 204.
pub fn put(ctx: &Ctx) -> Result<Reply, CosError> {
    let limits = Limits {
        max_bytes: ctx.state.config.policy_max_bytes,
    };
    let parsed = policy::parse(&ctx.req.body, PolicyKind::Bucket, &limits)?;
    let text = String::from_utf8(ctx.req.body.to_vec()).map_err(|_| {
        CosError::with_message(Code::MalformedPolicy, "policy: the document is not UTF-8")
    })?;
    ctx.store().with_bucket_mut(ctx.bucket()?, |b| {
        b.policy = Some(std::sync::Arc::new(StoredPolicy { text, parsed }))
    })?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}

/// GET Bucket policy: the stored policy in COS's normalised form (top-level `Statement`, principals
/// in each statement, `version`); 404 `NoSuchPolicy` when none is set.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let policy = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.policy.clone())?;
    let policy = policy.ok_or_else(|| CosError::new(Code::NoSuchPolicy))?;
    Ok(Reply::json(policy.parsed.to_cos_json().to_string()))
}

/// DELETE Bucket policy: 204, also when none is set.
pub fn delete(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.policy = None)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}
