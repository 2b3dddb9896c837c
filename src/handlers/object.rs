//! Object APIs: PUT, GET/HEAD (ranges, conditions, `response-*` overrides), DELETE.

use std::borrow::Cow;
use std::time::SystemTime;

use bytes::Bytes;
use http::StatusCode;

use super::Ctx;
use crate::acl::ResourceKind;
use crate::checksum::{self, Payload};
use crate::clock::http_date;
use crate::dialect::Dialect;
use crate::error::{Code, CosError};
use crate::object::{self, Object};
use crate::response::Reply;

/// Request headers stored with an object and answered on GET/HEAD, with COS's spelling (an empty
/// one, such as `Cache-Control:`, is absent).
const STORED_HEADERS: &[(&str, &str)] = &[
    ("cache-control", "Cache-Control"),
    ("content-disposition", "Content-Disposition"),
    ("content-encoding", "Content-Encoding"),
    ("content-language", "Content-Language"),
    ("expires", "Expires"),
];

/// `response-*` query parameters and the header each overrides.
const RESPONSE_OVERRIDES: &[(&str, &str)] = &[
    ("response-content-type", "Content-Type"),
    ("response-content-language", "Content-Language"),
    ("response-expires", "Expires"),
    ("response-cache-control", "Cache-Control"),
    ("response-content-disposition", "Content-Disposition"),
    ("response-content-encoding", "Content-Encoding"),
];

/// The key, checked against COS's length limit.
pub fn key(ctx: &Ctx) -> Result<String, CosError> {
    let key = ctx.req.key();
    crate::store::check_key(key)?;
    Ok(key.to_string())
}

/// Builds an object from a request body and its headers (shared by PUT and the upload paths).
pub fn object_from_request(ctx: &Ctx, data: Bytes) -> Result<Object, CosError> {
    object_from_payload(ctx, Payload::of(data))
}

/// [`object_from_request`] of bytes already summed.
pub fn object_from_payload(ctx: &Ctx, payload: Payload) -> Result<Object, CosError> {
    let prefix = ctx.req.dialect.header_prefix();
    let storage_class = object::storage_class(ctx.req.header(&format!("{prefix}storage-class")))?;
    let meta = format!("{prefix}meta-");
    let mut headers = Vec::new();
    for (name, value) in ctx.req.headers.iter() {
        let n = name.as_str();
        let stored = STORED_HEADERS
            .iter()
            .find(|(l, _)| *l == n && !value.is_empty())
            .map(|(_, s)| s.to_string());
        let stored = stored.or_else(|| n.starts_with(&meta).then(|| n.to_string()));
        if let (Some(stored), Ok(v)) = (stored, value.to_str()) {
            headers.push((stored, v.to_string()));
        }
    }
    let (owner, default_acl) = ctx.store().with_bucket(ctx.bucket()?, |b| {
        (b.owner_uin.clone(), b.default_object_acl.clone())
    })?;
    // OSS object ACLs (`x-oss-object-acl`) are not modelled: an OSS object follows its bucket.
    let acl = match ctx.req.dialect {
        Dialect::Cos => {
            let headers = ctx.req.header_pairs();
            crate::acl::from_headers(ResourceKind::Object, &owner, &headers)?
                .map_or(default_acl, std::sync::Arc::new)
        }
        Dialect::Oss => default_acl,
    };
    let (tags, encryption) = tags_and_encryption(ctx)?;
    let content_type = content_type(ctx.req.header("content-type"), ctx.req.key());
    Ok(Object {
        etag: checksum::ETag::of_md5(payload.md5),
        crc64: payload.crc64,
        data: payload.data,
        last_modified: ctx.now,
        content_type,
        headers: headers.into(),
        storage_class,
        acl,
        version_id: object::NULL_VERSION.into(),
        tags: tags.into(),
        appendable: false,
        symlink_target: None,
        encryption: encryption.into(),
    })
}

/// The `x-cos-tagging` tags and the encryption (`x-cos-server-side-encryption*` or the bucket's
/// default) of an object a COS request writes; OSS objects carry neither.
fn tags_and_encryption(ctx: &Ctx) -> Result<(crate::tagging::Tags, crate::sse::Echo), CosError> {
    if ctx.req.dialect != Dialect::Cos {
        return Ok(Default::default());
    }
    let tags = match ctx.req.header("x-cos-tagging") {
        Some(v) => crate::tagging::from_header(v)?,
        None => Vec::new(),
    };
    Ok((tags, super::encryption::of_new_object(ctx)?))
}

/// The Content-Type an object is stored with: the request's when given and not empty, else the
/// one the key's extension names (`1.zip` is `application/zip`, `1.txt` is `text/plain`), else
/// `application/octet-stream`. COS documents the guess without its table; cos-mock uses
/// `mime_guess`'s, and an empty `Content-Type:` header counts as absent.
pub fn content_type(given: Option<&str>, key: &str) -> Cow<'static, str> {
    const OCTET_STREAM: &str = "application/octet-stream";
    let guessed = mime_guess::from_path(key)
        .first_raw()
        .unwrap_or(OCTET_STREAM);
    // The usual values are borrowed, so most objects hold no copy of their type.
    match given.map(str::trim).filter(|t| !t.is_empty()) {
        None => Cow::Borrowed(guessed),
        Some(given) if given == guessed => Cow::Borrowed(guessed),
        Some(OCTET_STREAM) => Cow::Borrowed(OCTET_STREAM),
        Some(given) => Cow::Owned(given.to_string()),
    }
}

/// PUT Object.
pub fn put(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = key(ctx)?;
    let object = object_from_payload(ctx, ctx.take_body())?;
    let crc_name = format!("{}hash-crc64ecma", ctx.req.dialect.header_prefix());
    let reply = Reply::new(StatusCode::OK)
        .header("etag", object.etag.to_string())
        .header(crc_name.as_str(), object.crc64.to_string());
    let reply = super::encryption::echo(reply, &object.encryption);
    let version_id = super::overwrite::put(ctx, &key, object)?;
    Ok(super::versioning::written(reply, &version_id))
}

/// DELETE Object (or one version of it, `?versionId=`): 204 whether or not the key existed; in a
/// versioned bucket a delete marker is added (`x-cos-delete-marker: true` and its
/// `x-cos-version-id`), and deleting a version answers its id.
pub fn delete(ctx: &Ctx) -> Result<Reply, CosError> {
    let version = super::versioning::requested(ctx);
    let deletion =
        ctx.store()
            .delete_version(ctx.bucket()?, &key(ctx)?, version.as_deref(), ctx.now)?;
    let mut reply = Reply::new(StatusCode::NO_CONTENT);
    if deletion.delete_marker {
        reply = reply.header("x-cos-delete-marker", "true");
    }
    if let Some(id) = &deletion.version_id {
        reply = reply.header("x-cos-version-id", id);
    }
    Ok(reply)
}

/// The outcome of `If-*` headers.
#[derive(Debug, PartialEq, Eq)]
pub enum Precondition {
    Proceed,
    NotModified,
    Failed,
}

/// RFC 7232 order: If-Match, else If-Unmodified-Since; then If-None-Match, else If-Modified-Since.
pub fn check_preconditions(
    etag: &str,
    modified: SystemTime,
    h: impl Fn(&str) -> Option<String>,
) -> Precondition {
    let secs = crate::clock::unix;
    let date = crate::clock::parse_http_date;
    let etag_in = |list: &str| {
        list.split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_matches('"') == etag.trim_matches('"'))
    };
    if let Some(v) = h("if-match") {
        if !etag_in(&v) {
            return Precondition::Failed;
        }
    } else if let Some(t) = h("if-unmodified-since").as_deref().and_then(date) {
        if secs(modified) > secs(t) {
            return Precondition::Failed;
        }
    }
    // If-None-Match compares weakly (RFC 7232 §3.2): `W/"etag"` matches too.
    let weak_in = |list: &str| {
        list.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t.trim_matches('"') == etag.trim_matches('"'))
    };
    if let Some(v) = h("if-none-match") {
        if weak_in(&v) {
            return Precondition::NotModified;
        }
    } else if let Some(t) = h("if-modified-since").as_deref().and_then(date) {
        if secs(modified) <= secs(t) {
            return Precondition::NotModified;
        }
    }
    Precondition::Proceed
}

/// A `Range: bytes=...` header resolved against a size: `Ok(None)` means the whole object (absent or
/// unparseable ranges are ignored, as HTTP says), `Err` is 416 `InvalidRange`.
pub fn resolve_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, CosError> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let unsatisfiable = || {
        CosError::with_message(
            Code::InvalidRange,
            format!(
                "The requested range {spec:?} is not satisfiable for an object of {size} bytes."
            ),
        )
    };
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(start), Ok(end)) if start <= end => (start, end.min(size.saturating_sub(1))),
        (Ok(_), Ok(_)) => return Ok(None),
        (Ok(start), Err(_)) if b.is_empty() => (start, size.saturating_sub(1)),
        (Err(_), Ok(n)) if a.is_empty() => {
            if n == 0 {
                return Err(unsatisfiable());
            }
            (size.saturating_sub(n), size.saturating_sub(1))
        }
        _ => return Ok(None),
    };
    if range.0 >= size {
        return Err(unsatisfiable());
    }
    Ok(Some(range))
}

/// GET and HEAD Object (of a symlink: its target's current version, `symlink::follow`).
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = key(ctx)?;
    let bucket = ctx.bucket()?;
    let version = super::versioning::requested(ctx);
    let found = ctx.store().get_version(bucket, &key, version.as_deref())?;
    let version_id = found.version_id.clone();
    // A symlink serves its target (the version id stays the link's: it is what was asked for).
    let (served_key, object) = super::symlink::follow(ctx, &key, found)?;
    let versioned = ctx
        .store()
        .with_bucket(bucket, |b| b.versioning.is_versioned())?;
    let restore = super::restore::gate(ctx, &served_key, &object)?;
    super::encryption::check_key(ctx, &object.encryption, "x-cos-")?;
    let last_modified = http_date(object.last_modified);
    let header = |n: &str| ctx.req.header(n).map(str::to_string);
    let etag = object.etag.to_string();
    match check_preconditions(&etag, object.last_modified, header) {
        Precondition::Failed => return Err(CosError::new(Code::PreconditionFailed)),
        Precondition::NotModified => {
            return Ok(Reply::new(StatusCode::NOT_MODIFIED)
                .header("etag", &etag)
                .header("last-modified", last_modified))
        }
        Precondition::Proceed => {}
    }
    let size = object.data.len() as u64;
    let range = resolve_range(ctx.req.header("range"), size)?;
    let mut reply = Reply::new(StatusCode::OK).header("content-type", &object.content_type);
    for (name, value) in &object.headers {
        reply = reply.header(name.to_ascii_lowercase().as_str(), value);
    }
    let prefix = ctx.req.dialect.header_prefix();
    let crc_name = match ctx.req.dialect {
        Dialect::Cos => "x-cos-hash-crc64ecma",
        Dialect::Oss => "x-oss-hash-crc64ecma",
    };
    reply = reply
        .header("accept-ranges", "bytes")
        .header("etag", &etag)
        .header("last-modified", &last_modified)
        .header(crc_name, object.crc64.to_string());
    // COS names only a cold class; OSS always names the class.
    if object.storage_class != "STANDARD" || ctx.req.dialect == Dialect::Oss {
        let class_name = format!("{prefix}storage-class");
        reply = reply.header(class_name.as_str(), &object.storage_class);
    }
    if object.appendable {
        reply = reply.header(format!("{prefix}object-type").as_str(), "appendable");
    }
    if let Some(v) = &restore {
        reply = reply.header("x-cos-restore", v);
    }
    if !object.tags.is_empty() {
        reply = reply.header("x-cos-tagging-count", object.tags.len().to_string());
    }
    reply = super::encryption::echo(reply, &object.encryption);
    if ctx.req.dialect == Dialect::Cos && (versioned || version.is_some()) {
        reply = reply.header("x-cos-version-id", &version_id);
    }
    for (param, name) in RESPONSE_OVERRIDES {
        if let Some(v) = ctx.req.param(param) {
            reply.headers.remove(name.to_ascii_lowercase().as_str());
            reply = reply.header(name.to_ascii_lowercase().as_str(), v);
        }
    }
    let (status, body) = match range {
        Some((start, end)) => {
            reply = reply.header("content-range", format!("bytes {start}-{end}/{size}"));
            (
                StatusCode::PARTIAL_CONTENT,
                object.data.slice(start as usize..=end as usize),
            )
        }
        None => (StatusCode::OK, object.data.clone()),
    };
    reply.status = status;
    reply = reply.header("content-length", body.len().to_string());
    Ok(reply.body(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn content_type_given_wins_else_the_extension_names_it() {
        assert_eq!(content_type(Some("image/png"), "1.txt"), "image/png");
        assert_eq!(content_type(Some(""), "1.zip"), "application/zip");
        assert_eq!(content_type(Some("  "), "dir/1.txt"), "text/plain");
        assert_eq!(content_type(None, "1.TXT"), "text/plain");
        assert_eq!(content_type(None, "a.json"), "application/json");
        for key in ["1.unknownext", "noext", "dir.d/", "dir/", ".", "a."] {
            assert_eq!(content_type(None, key), "application/octet-stream", "{key}");
        }
        // What the extension names, and octet-stream, are not copied per object.
        for (given, key) in [
            (None, "a.txt"),
            (Some("text/plain"), "a.txt"),
            (Some("application/octet-stream"), "a.txt"),
        ] {
            assert!(
                matches!(content_type(given, key), Cow::Borrowed(_)),
                "{given:?}"
            );
        }
        assert!(matches!(content_type(Some("x/y"), "a.txt"), Cow::Owned(_)));
    }

    #[test]
    fn range_forms() {
        assert_eq!(resolve_range(Some("bytes=0-4"), 10).unwrap(), Some((0, 4)));
        assert_eq!(resolve_range(Some("bytes=5-"), 10).unwrap(), Some((5, 9)));
        assert_eq!(resolve_range(Some("bytes=-3"), 10).unwrap(), Some((7, 9)));
        assert_eq!(resolve_range(Some("bytes=-30"), 10).unwrap(), Some((0, 9)));
        assert_eq!(
            resolve_range(Some("bytes=8-100"), 10).unwrap(),
            Some((8, 9))
        );
        assert_eq!(resolve_range(None, 10).unwrap(), None);
        assert_eq!(resolve_range(Some("items=0-1"), 10).unwrap(), None);
        assert_eq!(resolve_range(Some("bytes=5-2"), 10).unwrap(), None);
        assert_eq!(resolve_range(Some("bytes=0-1,3-4"), 10).unwrap(), None);
    }

    #[test]
    fn range_past_end_is_invalid_range() {
        assert_eq!(
            resolve_range(Some("bytes=10-"), 10).unwrap_err().code,
            Code::InvalidRange
        );
        assert_eq!(
            resolve_range(Some("bytes=0-0"), 0).unwrap_err().code,
            Code::InvalidRange
        );
        assert_eq!(
            resolve_range(Some("bytes=-0"), 10).unwrap_err().code,
            Code::InvalidRange
        );
    }

    #[test]
    fn preconditions_follow_rfc7232_order() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = |pairs: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.to_string())
            }
        };
        let etag = "\"abc\"";
        assert_eq!(check_preconditions(etag, t, h(&[])), Precondition::Proceed);
        assert_eq!(
            check_preconditions(etag, t, h(&[("if-match", "\"abc\"")])),
            Precondition::Proceed
        );
        assert_eq!(
            check_preconditions(etag, t, h(&[("if-match", "\"x\"")])),
            Precondition::Failed
        );
        assert_eq!(
            check_preconditions(etag, t, h(&[("if-none-match", "\"abc\"")])),
            Precondition::NotModified
        );
        assert_eq!(
            check_preconditions(etag, t, h(&[("if-none-match", "*")])),
            Precondition::NotModified
        );
        assert_eq!(
            check_preconditions(etag, t, h(&[("if-none-match", "W/\"abc\"")])),
            Precondition::NotModified
        );
        assert_eq!(
            check_preconditions(etag, t, h(&[("if-match", "W/\"abc\"")])),
            Precondition::Failed
        );
        assert_eq!(
            check_preconditions(
                etag,
                t,
                h(&[("if-modified-since", "Tue, 14 Nov 2023 22:13:20 GMT")])
            ),
            Precondition::NotModified
        );
        assert_eq!(
            check_preconditions(
                etag,
                t,
                h(&[("if-modified-since", "Tue, 14 Nov 2023 22:13:19 GMT")])
            ),
            Precondition::Proceed
        );
        assert_eq!(
            check_preconditions(
                etag,
                t,
                h(&[("if-unmodified-since", "Tue, 14 Nov 2023 22:13:19 GMT")])
            ),
            Precondition::Failed
        );
        assert_eq!(
            check_preconditions(
                etag,
                t,
                h(&[
                    ("if-match", "\"abc\""),
                    ("if-unmodified-since", "Tue, 14 Nov 2023 22:13:19 GMT")
                ])
            ),
            Precondition::Proceed
        );
    }
}
