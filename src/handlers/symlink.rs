//! Symlinks: PUT `/<link>?symlink` (`x-cos-symlink-target`) stores a link object, GET
//! `/<link>?symlink` (`versionId`) answers its target, and GET/HEAD Object of a link serve the
//! target's current version ([`follow`]). A link is an `Object` whose `symlink_target` is set.
//!
//! What COS documents (软链接概述, the SDKs' `put_symlink`/`get_symlink`): a link is a special
//! Standard object in the same bucket as its target, with its own metadata, ACL and tags; its
//! content is the target's key, so its size and ETag are those of that path; GET and HEAD through
//! it return the target; in a versioned bucket it is a version like any write. The actions are
//! `name/cos:PutSymlink` and `name/cos:GetSymlink` (coscli's documentation).
//!
//! Choices where COS's behaviour is not documented:
//! - the target header is taken as sent (no URL-decoding); missing, empty or not UTF-8 is 400
//!   `InvalidArgument`, longer than a key may be is 400 `KeyTooLong` (as for the link's own key);
//!   the target need not exist when the link is written;
//! - a link is always `STANDARD` and unencrypted: `x-cos-storage-class` and the encryption headers
//!   are validated as on PUT Object and then ignored; metadata, `Content-*`, ACL, tagging and
//!   `x-cos-forbid-overwrite` headers apply as on PUT Object; its Content-Type, when none is
//!   given, is guessed from the target's extension, else from the link's;
//! - GET `?symlink` of an object that is not a link is 400 `InvalidArgument`;
//! - following: GET/HEAD need GetObject/HeadObject on the link (dispatch) **and** on the target
//!   (as OSS and BOS document); the answer carries the target's content and headers (ETag, CRC64,
//!   Content-Type, metadata, tags, restore state, encryption; ranges and `If-*` apply to the
//!   target) and the link's `x-cos-version-id`; a missing target (or a delete marker) is 404
//!   `NoSuchKey`, and so is a target that is itself a link (links are followed one level);
//! - a copy reads the link object itself: PUT Object - Copy of a link makes another link to the
//!   same target (OSS's rule), Upload Part - Copy copies its content (the target key); append to
//!   a link is 409 `ObjectNotAppendable` as on any normal object; `/_cos-mock/state` shows a
//!   link's `symlink_target`.

use std::sync::Arc;

use bytes::Bytes;
use http::{Method, StatusCode};

use super::object;
use super::Ctx;
use crate::clock::http_date;
use crate::error::{Code, CosError};
use crate::object::Object;
use crate::response::Reply;
use crate::router::Op;

/// The request header naming a link's target (and the response header of GET `?symlink`).
pub const TARGET_HEADER: &str = "x-cos-symlink-target";

/// The target a PUT `?symlink` names: present and not empty (`InvalidArgument`), and no longer than
/// a key may be (`KeyTooLong`).
pub fn target_of(header: Option<&str>) -> Result<String, CosError> {
    let target = header.unwrap_or("");
    if target.is_empty() {
        return Err(CosError::with_message(
            Code::InvalidArgument,
            "PUT Object Symlink needs a non-empty x-cos-symlink-target header.",
        ));
    }
    crate::store::check_key(target)?;
    Ok(target.to_string())
}

/// PUT Object Symlink: stores the link; 200 with its ETag (and `x-cos-version-id` when versioned).
pub fn put(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let raw = ctx.req.headers.get(TARGET_HEADER);
    let target = match raw.map(|v| v.to_str()) {
        Some(Err(_)) => {
            return Err(CosError::with_message(
                Code::InvalidArgument,
                "x-cos-symlink-target must be UTF-8 text.",
            ))
        }
        Some(Ok(v)) => target_of(Some(v))?,
        None => target_of(None)?,
    };
    let mut link = object::object_from_request(ctx, Bytes::from(target.clone()))?;
    let given = ctx.req.header("content-type");
    link.content_type = content_type(given, &target, &key);
    link.storage_class = "STANDARD";
    link.encryption = Box::default();
    link.symlink_target = Some(target.into());
    let reply = Reply::new(StatusCode::OK).header("etag", link.etag.to_string());
    let version_id = super::overwrite::put(ctx, &key, link)?;
    Ok(super::versioning::written(reply, &version_id))
}

/// A link's Content-Type: the given one, else the target's extension's, else the link's.
fn content_type(given: Option<&str>, target: &str, link: &str) -> std::borrow::Cow<'static, str> {
    const UNKNOWN: &str = "application/octet-stream";
    let by_target = object::content_type(given, target);
    if by_target != UNKNOWN {
        return by_target;
    }
    object::content_type(given, link)
}

/// GET Object Symlink: 200 with `x-cos-symlink-target`, the link's ETag and Last-Modified, and its
/// `x-cos-version-id` in a bucket whose versioning was ever enabled (or when one was asked for).
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let bucket = ctx.bucket()?;
    let version = super::versioning::requested(ctx);
    let link = ctx.store().get_version(bucket, &key, version.as_deref())?;
    let Some(target) = &link.symlink_target else {
        return Err(CosError::with_message(
            Code::InvalidArgument,
            "The specified object is not a symlink.",
        ));
    };
    let versioned = ctx
        .store()
        .with_bucket(bucket, |b| b.versioning.is_versioned())?;
    let mut reply = Reply::new(StatusCode::OK)
        .header(TARGET_HEADER, target)
        .header("etag", link.etag.to_string())
        .header("last-modified", http_date(link.last_modified));
    if versioned || version.is_some() {
        reply = reply.header("x-cos-version-id", &link.version_id);
    }
    Ok(reply)
}

/// The object GET/HEAD of `found` serves, and its key: `found` itself unless it is a link, else
/// the target's current version, which the caller must also be allowed to read. 404 `NoSuchKey`
/// for a missing target, a delete marker, or a target that is itself a link.
pub fn follow(ctx: &Ctx, key: &str, found: Arc<Object>) -> Result<(String, Arc<Object>), CosError> {
    let Some(target) = found.symlink_target.clone() else {
        return Ok((key.to_string(), found));
    };
    let bucket = ctx.bucket()?;
    let op = if ctx.req.method == Method::HEAD {
        Op::HeadObject
    } else {
        Op::GetObject
    };
    if !ctx.permits(op, bucket, &target)? {
        return Err(CosError::with_message(
            Code::AccessDenied,
            format!("The symlink's target {target:?} may not be read by this caller."),
        ));
    }
    let dangling = |why: &str| {
        CosError::with_message(
            Code::NoSuchKey,
            format!("The symlink's target {target:?} {why}."),
        )
    };
    let object = match ctx.store().get_version(bucket, &target, None) {
        Ok(o) => o,
        Err(e) if e.code == Code::NoSuchKey => return Err(dangling("does not exist")),
        Err(e) => return Err(e),
    };
    if object.symlink_target.is_some() {
        return Err(dangling(
            "is itself a symlink (links are followed one level)",
        ));
    }
    Ok((target.into(), object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_of_missing_or_empty_is_invalid_argument() {
        for h in [None, Some("")] {
            assert_eq!(target_of(h).unwrap_err().code, Code::InvalidArgument);
        }
        let long = "k".repeat(100_000);
        assert_eq!(target_of(Some(&long)).unwrap_err().code, Code::KeyTooLong);
        assert_eq!(target_of(Some("dir/a b.txt")).unwrap(), "dir/a b.txt");
    }

    #[test]
    fn content_type_prefers_given_then_target_then_link() {
        assert_eq!(content_type(Some("x/y"), "a.txt", "l"), "x/y");
        assert_eq!(content_type(None, "a.txt", "l.zip"), "text/plain");
        assert_eq!(content_type(None, "a", "l.zip"), "application/zip");
        assert_eq!(content_type(None, "a", "l"), "application/octet-stream");
    }
}
