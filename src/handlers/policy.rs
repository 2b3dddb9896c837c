//! Bucket policy: PUT / GET / DELETE `?policy`. The document is validated by `policy::parse` and kept
//! byte for byte.

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

/// GET Bucket policy: the stored document as it was PUT; 404 `NoSuchPolicy` when none is set.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let text = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.policy.as_ref().map(|p| p.text.clone()))?;
    let text = text.ok_or_else(|| CosError::new(Code::NoSuchPolicy))?;
    Ok(Reply::json(text))
}

/// DELETE Bucket policy: 204, also when none is set.
pub fn delete(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.policy = None)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}
