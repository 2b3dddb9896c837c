//! Bucket default encryption: PUT/GET/DELETE `?encryption` (`crate::sse` parses and renders), and the
//! object side: the SSE headers of a new object and the SSE-C check on reads, as one call each for the
//! object, copy, multipart and POST handlers.

use http::StatusCode;

use super::Ctx;
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::sse;

/// PUT Bucket encryption: replaces the default; 200.
pub fn put(ctx: &Ctx) -> Result<Reply, CosError> {
    let config = sse::config_from_xml(&ctx.req.body)?;
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.encryption = Some(config))?;
    Ok(Reply::new(StatusCode::OK))
}

/// GET Bucket encryption; 404 `NoSuchEncryptionConfiguration` when none is set.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let config = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.encryption.clone())?
        .ok_or_else(|| CosError::new(Code::NoSuchEncryptionConfiguration))?;
    Ok(Reply::xml(sse::config_to_xml(&config)?))
}

/// DELETE Bucket encryption: 204, also when none is set.
pub fn delete(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.encryption = None)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}

/// The encryption of an object this request writes (its SSE headers, else the bucket's default).
pub fn of_new_object(ctx: &Ctx) -> Result<sse::Echo, CosError> {
    let default = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.encryption.clone())?;
    sse::for_new_object(|n| ctx.req.header(n), default.as_ref())
}

/// Checks the request's SSE-C key (under `prefix`) against an object's encryption.
pub fn check_key(ctx: &Ctx, stored: &[(String, String)], prefix: &str) -> Result<(), CosError> {
    sse::check_read(stored, |n| ctx.req.header(n), prefix)
}

/// Adds an object's encryption headers to a reply.
pub fn echo(reply: Reply, encryption: &[(String, String)]) -> Reply {
    encryption
        .iter()
        .fold(reply, |r, (name, value)| r.header(name.as_str(), value))
}
