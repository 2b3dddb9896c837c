//! PUT Object - Copy, and what Upload Part - Copy shares with it: the `x-cos-copy-source` header, read
//! permission on the source, and the `x-cos-copy-source-If-*` conditions.
//!
//! Choices where COS's behaviour is not verified:
//! - the source may be named `<bucket>.cos.<region>.<domain>/<key>`, any host cos-mock addresses
//!   (e.g. `127.0.0.1:9400/<bucket>/<key>`) or the path form `/<bucket>/<key>`, with or without
//!   `http://`; the key is percent-decoded. A header that names no bucket and key is 400
//!   `InvalidArgument`.
//! - a `?versionId=` on the source copies that version (404 `NoSuchVersion` when it names none, 405
//!   `MethodNotAllowed` for a delete marker) and is answered in `x-cos-copy-source-version-id`.
//! - a failed `x-cos-copy-source-If-None-Match` / `-If-Modified-Since` is 412 `PreconditionFailed`
//!   (as COS documents for copies), never 304.
//! - copying an object onto itself needs `x-cos-metadata-directive: Replaced` or a different
//!   `x-cos-storage-class`, else 400 `InvalidRequest` (S3's rule; COS documents the Replaced part).
//! - the copy keeps the source's ETag and CRC-64 (the bytes are the same), whatever the directive.
//! - tags follow `x-cos-tagging-directive` (Copy, the default: the source's; Replaced: the request's
//!   `x-cos-tagging`); the encryption is the request's (or the bucket default), never the source's;
//!   an SSE-C source needs `x-cos-copy-source-server-side-encryption-customer-*`.

use std::sync::Arc;

use bytes::Bytes;

use super::multipart_xml::CopyResult;
use super::object::{self, check_preconditions, Precondition};
use super::Ctx;
use crate::clock::iso8601;
use crate::error::{Code, CosError};
use crate::object::Object;
use crate::request::{address, Addressing, Target};
use crate::response::Reply;
use crate::router::Op;
use crate::xml::to_xml;

/// The object a copy reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySource {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
}

/// Parses `x-cos-copy-source`; `region` is used when the host names none.
pub fn parse_copy_source(value: &str, region: &str) -> Result<CopySource, CosError> {
    let invalid = || {
        CosError::with_message(
            Code::InvalidArgument,
            format!("x-cos-copy-source {value:?} must be <BucketName-APPID>.cos.<Region>.myqcloud.com/<ObjectKey> or /<BucketName-APPID>/<ObjectKey>."),
        )
    };
    let text = value.trim();
    let text = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .unwrap_or(text);
    let (location, query) = text.split_once('?').unwrap_or((text, ""));
    let version_id = crate::request::parse_query(query)
        .into_iter()
        .find(|(k, _)| k == "versionId")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty());
    let (host, path) = match location.strip_prefix('/') {
        Some(_) => ("", location.to_string()),
        None => {
            let (host, rest) = location.split_once('/').ok_or_else(invalid)?;
            (host, format!("/{rest}"))
        }
    };
    let addressing = Addressing {
        region,
        default_bucket: None,
        oss_region: "",
    };
    // A COS copy source is a COS object: an OSS host names no bucket here.
    let cos = address(host, &path, &addressing, false)
        .map(|a| (a.dialect == crate::dialect::Dialect::Cos).then_some(a.target));
    match cos.map(|t| t.unwrap_or(Target::Service)) {
        Ok(Target::Bucket { bucket, key }) if !key.is_empty() => {
            if let Some((at, c)) = crate::wire::unrepresentable(&key) {
                return Err(CosError::with_message(
                    Code::InvalidArgument,
                    format!(
                        "x-cos-copy-source: the key holds U+{:04X} at character {at}, which XML \
                         1.0 cannot carry; no object key contains it.",
                        c as u32
                    ),
                ));
            }
            Ok(CopySource {
                bucket,
                key,
                version_id,
            })
        }
        Ok(_) => Err(invalid()),
        Err(e) => Err(e),
    }
}

/// The request's copy source (the header may carry raw UTF-8 keys, so it is read as bytes).
pub fn source_of(ctx: &Ctx) -> Result<CopySource, CosError> {
    let raw = ctx
        .req
        .headers
        .get("x-cos-copy-source")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    parse_copy_source(&raw, &ctx.req.region)
}

/// Reads the source object: read permission (`GetObject`) on it, then it must exist
/// (`NoSuchBucket` / `NoSuchKey`; lifecycle expiry applied first) and be readable (an archived object
/// must be restored: 403 `InvalidObjectState`), then the `x-cos-copy-source-If-*` conditions (412).
pub fn read_source(ctx: &Ctx, src: &CopySource) -> Result<Arc<Object>, CosError> {
    if !ctx.permits(Op::GetObject, &src.bucket, &src.key)? {
        return Err(CosError::with_message(
            Code::AccessDenied,
            "Access Denied. (no read permission on the copy source)",
        ));
    }
    super::lifecycle::sweep(ctx.state, &src.bucket, ctx.now);
    let object = ctx
        .store()
        .get_version(&src.bucket, &src.key, src.version_id.as_deref())?;
    super::restore::readable(ctx, &src.bucket, &src.key, &object, true)?;
    super::encryption::check_key(ctx, &object.encryption, crate::sse::COPY_SOURCE_PREFIX)?;
    let header = |n: &str| {
        ctx.req
            .header(&format!("x-cos-copy-source-{n}"))
            .map(str::to_string)
    };
    match check_preconditions(&object.etag.to_string(), object.last_modified, header) {
        Precondition::Proceed => Ok(object),
        Precondition::Failed | Precondition::NotModified => Err(CosError::with_message(
            Code::PreconditionFailed,
            "At least one of the preconditions you specified did not hold: an x-cos-copy-source-If-* condition failed.",
        )),
    }
}

/// `x-cos-metadata-directive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Copy,
    Replaced,
}

fn directive(ctx: &Ctx) -> Result<Directive, CosError> {
    directive_of(ctx, "x-cos-metadata-directive")
}

/// `x-cos-metadata-directive` or `x-cos-tagging-directive`: Copy (the default) or Replaced.
fn directive_of(ctx: &Ctx, header: &str) -> Result<Directive, CosError> {
    match ctx.req.header(header) {
        None => Ok(Directive::Copy),
        Some(v) if v.eq_ignore_ascii_case("copy") => Ok(Directive::Copy),
        Some(v) if v.eq_ignore_ascii_case("replaced") => Ok(Directive::Replaced),
        Some(v) => Err(CosError::with_message(
            Code::InvalidArgument,
            format!("{header} must be Copy or Replaced, got {v:?}."),
        )),
    }
}

/// PUT Object - Copy: 200 with `CopyObjectResult` (ETag, LastModified, CRC64) and
/// `x-cos-hash-crc64ecma`.
pub fn put_object_copy(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let bucket = ctx.bucket()?;
    let src = source_of(ctx)?;
    let directive = directive(ctx)?;
    let tagging_directive = directive_of(ctx, "x-cos-tagging-directive")?;
    let source = read_source(ctx, &src)?;
    // Headers of the request: ACL, storage class (STANDARD unless given) and, for Replaced, metadata.
    let fresh = object::object_from_request(ctx, Bytes::new())?;
    let same = src.bucket == bucket && src.key == key;
    let class_changes = ctx.req.header("x-cos-storage-class").is_some()
        && fresh.storage_class != source.storage_class;
    if same && directive == Directive::Copy && !class_changes {
        return Err(CosError::with_message(
            Code::InvalidRequest,
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata or storage class: send x-cos-metadata-directive: Replaced.",
        ));
    }
    let mut copy = (*source).clone();
    copy.last_modified = ctx.now;
    // A copy is a normal object, whatever wrote its source.
    copy.appendable = false;
    copy.acl = fresh.acl;
    copy.storage_class = fresh.storage_class;
    // The destination is encrypted as this request (or the bucket's default) says, not as the source.
    copy.encryption = fresh.encryption;
    if tagging_directive == Directive::Replaced {
        copy.tags = fresh.tags;
    }
    if directive == Directive::Replaced {
        copy.content_type = fresh.content_type;
        copy.headers = fresh.headers;
    }
    let result = CopyResult {
        etag: copy.etag.to_string(),
        last_modified: iso8601(copy.last_modified),
        crc64: Some(copy.crc64.to_string()),
    };
    let crc64 = copy.crc64.to_string();
    let mut reply =
        Reply::xml(to_xml("CopyObjectResult", &result)?).header("x-cos-hash-crc64ecma", crc64);
    reply = super::encryption::echo(reply, &copy.encryption);
    if let Some(v) = &src.version_id {
        reply = reply.header("x-cos-copy-source-version-id", v);
    }
    let version_id = super::overwrite::put(ctx, &key, copy)?;
    Ok(super::versioning::written(reply, &version_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(b: &str, k: &str, v: Option<&str>) -> CopySource {
        CopySource {
            bucket: b.into(),
            key: k.into(),
            version_id: v.map(str::to_string),
        }
    }

    #[test]
    fn copy_source_forms() {
        let cases: &[(&str, CopySource)] = &[
            (
                "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/doc/a%20b%2Bc.txt",
                src("examplebucket-1250000000", "doc/a b+c.txt", None),
            ),
            (
                "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/k?versionId=MTg0NDUx",
                src("examplebucket-1250000000", "k", Some("MTg0NDUx")),
            ),
            (
                "http://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/k",
                src("examplebucket-1250000000", "k", None),
            ),
            (
                "/examplebucket-1250000000/dir/%E4%B8%AD.txt",
                src("examplebucket-1250000000", "dir/中.txt", None),
            ),
            (
                "127.0.0.1:9400/examplebucket-1250000000/k",
                src("examplebucket-1250000000", "k", None),
            ),
            (
                "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/中 文.txt",
                src("examplebucket-1250000000", "中 文.txt", None),
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(
                &parse_copy_source(value, "ap-guangzhou").unwrap(),
                expected,
                "{value}"
            );
        }
    }

    #[test]
    fn copy_source_without_bucket_or_key_is_invalid_argument() {
        for bad in [
            "",
            "nothing",
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/",
            "/examplebucket-1250000000/",
            "/notabucket/k",
        ] {
            assert_eq!(
                parse_copy_source(bad, "ap-guangzhou").unwrap_err().code,
                Code::InvalidArgument,
                "{bad:?}"
            );
        }
    }
}
