//! Bucket and object ACLs: PUT / GET `?acl`, by `x-cos-acl` / `x-cos-grant-*` headers or an XML body.

use http::StatusCode;

use super::Ctx;
use crate::acl::{self, Acl, ResourceKind};
use crate::error::CosError;
use crate::response::Reply;

/// The ACL a PUT `?acl` carries; with neither headers nor a body, the empty body is parsed (and
/// answers `MalformedXML`, as an empty document does).
fn acl_of_request(ctx: &Ctx, kind: ResourceKind, owner: &str) -> Result<Acl, CosError> {
    let headers = ctx.req.header_pairs();
    match acl::from_request(kind, owner, &headers, &ctx.req.body)? {
        Some(acl) => Ok(acl),
        None => acl::from_xml(kind, owner, &ctx.req.body),
    }
}

/// The ACL given by headers on a create (PUT Bucket, PUT Object, ...), or the default one.
pub fn acl_from_headers(ctx: &Ctx, kind: ResourceKind, owner: &str) -> Result<Acl, CosError> {
    let headers = ctx.req.header_pairs();
    Ok(
        acl::from_headers(kind, owner, &headers)?.unwrap_or_else(|| match kind {
            ResourceKind::Bucket => Acl::bucket_default(owner),
            ResourceKind::Object => Acl::object_default(owner),
        }),
    )
}

fn owner_of(ctx: &Ctx) -> Result<String, CosError> {
    ctx.store()
        .with_bucket(ctx.bucket()?, |b| b.owner_uin.clone())
}

/// PUT Bucket acl: overwrites the whole ACL; 200.
pub fn put_bucket(ctx: &Ctx) -> Result<Reply, CosError> {
    let owner = owner_of(ctx)?;
    let acl = acl_of_request(ctx, ResourceKind::Bucket, &owner)?;
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.acl = acl.into())?;
    Ok(Reply::new(StatusCode::OK))
}

/// GET Bucket acl.
pub fn get_bucket(ctx: &Ctx) -> Result<Reply, CosError> {
    let acl = ctx.store().with_bucket(ctx.bucket()?, |b| b.acl.clone())?;
    Ok(Reply::xml(acl::to_xml(&acl)))
}

/// PUT Object acl: overwrites the object's ACL; 200. The object must exist.
pub fn put_object(ctx: &Ctx) -> Result<Reply, CosError> {
    let owner = owner_of(ctx)?;
    let acl = acl_of_request(ctx, ResourceKind::Object, &owner)?;
    let key = ctx.req.key();
    ctx.store()
        .update_object(ctx.bucket()?, key, |o| o.acl = acl.into())?;
    Ok(Reply::new(StatusCode::OK))
}

/// GET Object acl; an object that inherits answers `x-cos-acl: default`.
pub fn get_object(ctx: &Ctx) -> Result<Reply, CosError> {
    let object = ctx.store().get_object(ctx.bucket()?, ctx.req.key())?;
    let mut reply = Reply::xml(acl::to_xml(&object.acl));
    if acl::is_default(&object.acl) {
        reply = reply.header("x-cos-acl", "default");
    }
    Ok(reply)
}
