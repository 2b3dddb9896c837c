//! Object and bucket tagging: PUT/GET/DELETE `?tagging` on an object (its `tags`, changed in place
//! without copying its data) and on a bucket (`Bucket.tagging`). Parsing and limits: `crate::tagging`.
//!
//! Choices: GET on an object without tags answers an empty `TagSet` (200); GET on a bucket without
//! tags answers 404 `NoSuchTagSet`; both DELETEs answer 204, also when nothing was set. A
//! `versionId` on an object's `?tagging` acts on that version (404 `NoSuchVersion` when it names
//! none) and is echoed as `x-cos-version-id`.

use http::StatusCode;

use super::object;
use super::Ctx;
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::tagging::{self, Scope};

/// PUT Object tagging: replaces the object's tags; 200.
pub fn put_object(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let tags = tagging::from_xml(&ctx.req.body, Scope::Object)?;
    let version = super::versioning::requested(ctx);
    ctx.store()
        .update_version(ctx.bucket()?, &key, version.as_deref(), |o| {
            o.tags = tags.into()
        })?;
    Ok(with_version(ctx, Reply::new(StatusCode::OK)))
}

/// GET Object tagging.
pub fn get_object(ctx: &Ctx) -> Result<Reply, CosError> {
    let version = super::versioning::requested(ctx);
    let object = ctx
        .store()
        .get_version(ctx.bucket()?, &object::key(ctx)?, version.as_deref())?;
    Ok(with_version(
        ctx,
        Reply::xml(tagging::to_xml(&object.tags)?),
    ))
}

/// DELETE Object tagging: 204.
pub fn delete_object(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let version = super::versioning::requested(ctx);
    ctx.store()
        .update_version(ctx.bucket()?, &key, version.as_deref(), |o| {
            o.tags = Box::default()
        })?;
    Ok(with_version(ctx, Reply::new(StatusCode::NO_CONTENT)))
}

/// Echoes a request's `versionId` as `x-cos-version-id`, as COS does on versioned tagging calls.
fn with_version(ctx: &Ctx, reply: Reply) -> Reply {
    match ctx.req.param("versionId").filter(|v| !v.is_empty()) {
        Some(v) => reply.header("x-cos-version-id", v),
        None => reply,
    }
}

/// PUT Bucket tagging: replaces the bucket's tags; 204 (COS's documented status).
pub fn put_bucket(ctx: &Ctx) -> Result<Reply, CosError> {
    let tags = tagging::from_xml(&ctx.req.body, Scope::Bucket)?;
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.tagging = Some(tags))?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}

/// GET Bucket tagging; 404 `NoSuchTagSet` when none is set.
pub fn get_bucket(ctx: &Ctx) -> Result<Reply, CosError> {
    let tags = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.tagging.clone())?
        .ok_or_else(|| CosError::new(Code::NoSuchTagSet))?;
    Ok(Reply::xml(tagging::to_xml(&tags)?))
}

/// DELETE Bucket tagging: 204.
pub fn delete_bucket(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.tagging = None)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}
