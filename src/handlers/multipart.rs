//! Multipart upload APIs: Initiate (`POST /<key>?uploads`), Upload Part and Upload Part - Copy
//! (`PUT ?partNumber&uploadId`), List Parts (`GET ?uploadId`), Complete (`POST ?uploadId`), Abort
//! (`DELETE ?uploadId`) and List Multipart Uploads (`GET /?uploads`). The rules live in
//! `crate::uploads`; this file reads requests and writes answers.
//!
//! Choices where COS's behaviour is not verified:
//! - a bad `x-cos-copy-source-range` (not `bytes=a-b`, or past the source's end) is 400
//!   `InvalidArgument`, as S3 answers; an empty one means the whole source (the python SDK sends it).
//! - `Location` in the Complete answer is `<bucket>.cos.<region>.myqcloud.com/<key>`, whatever host
//!   the request used.
//! - Owner and Initiator IDs are written `qcs::cam::uin/<uin>:uin/<uin>`.
//! - a Complete repeated with the same parts after the upload completed answers the first result
//!   again (200), from the last `uploads::REMEMBERED_COMPLETIONS` completions of the bucket; other
//!   parts, or an upload forgotten since, are `NoSuchUpload`.

use bytes::Bytes;
use http::StatusCode;

use super::copy::{read_source, source_of};
use super::multipart_xml::{
    CommonPrefix, CompleteRequest, CompleteResult, CopyResult, InitiateResult, ListPartsResult,
    ListUploadsResult, ListedPart, ListedUpload, Principal,
};
use super::object;
use super::Ctx;
use crate::auth::Caller;
use crate::checksum;
use crate::clock::iso8601;
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::uploads::{self, Part, Upload, UploadsQuery, MAX_PART_NUMBER};
use crate::xml::{from_xml, to_xml};

/// Most parts one List Parts answer holds, and most uploads one List Multipart Uploads answer holds.
pub const MAX_LISTED: usize = 1000;

fn upload_id<'a>(ctx: &Ctx<'a>) -> &'a str {
    ctx.req.param("uploadId").unwrap_or("")
}

fn invalid(message: String) -> CosError {
    CosError::with_message(Code::InvalidArgument, message)
}

/// `partNumber`: an integer in 1..=10000, else `InvalidArgument`.
fn part_number(ctx: &Ctx) -> Result<u32, CosError> {
    let raw = ctx.req.param("partNumber");
    raw.and_then(|v| v.parse::<u32>().ok())
        .filter(|n| (1..=MAX_PART_NUMBER).contains(n))
        .ok_or_else(|| {
            invalid(format!(
                "Part number must be an integer between 1 and {MAX_PART_NUMBER}, inclusive; got {:?}.",
                raw.unwrap_or("")
            ))
        })
}

/// A numeric query parameter, `default` when absent or empty.
fn number_param<T: std::str::FromStr>(ctx: &Ctx, name: &str, default: T) -> Result<T, CosError> {
    match ctx.req.param(name) {
        None | Some("") => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| invalid(format!("{name} must be a non-negative integer, got {v:?}."))),
    }
}

/// `encoding-type`: absent, or `url`.
fn url_encoding(ctx: &Ctx) -> Result<bool, CosError> {
    match ctx.req.param("encoding-type") {
        None | Some("") => Ok(false),
        Some("url") => Ok(true),
        Some(v) => Err(invalid(format!(
            "encoding-type must be \"url\", got {v:?}."
        ))),
    }
}

/// `encoding-type=url`: percent-encoding of everything but unreserved characters and `/`.
fn encode_if(url: bool, s: &str) -> String {
    if url {
        crate::wire::encode_key(s)
    } else {
        s.to_string()
    }
}

fn owner_of(ctx: &Ctx, bucket: &str) -> Result<String, CosError> {
    ctx.store().with_bucket(bucket, |b| b.owner_uin.clone())
}

/// Initiate Multipart Upload: the object's metadata, storage class and ACL come from these headers.
pub fn initiate(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let bucket = ctx.bucket()?;
    let template = object::object_from_request(ctx, Bytes::new())?;
    let upload_id = uploads::new_upload_id(bucket, &key, ctx.now);
    let upload = Upload {
        key: key.clone(),
        upload_id: upload_id.clone(),
        initiated: ctx.now,
        initiator: cam_id(ctx.caller),
        template,
        parts: Default::default(),
    };
    let encryption = upload.template.encryption.clone();
    ctx.store()
        .with_bucket_mut(bucket, |b| b.insert_upload(upload))?;
    let result = InitiateResult {
        bucket: bucket.to_string(),
        key,
        upload_id,
    };
    let reply = Reply::xml(to_xml("InitiateMultipartUploadResult", &result)?);
    Ok(super::encryption::echo(reply, &encryption))
}

/// Upload Part: 200 with the part's `ETag` and `x-cos-hash-crc64ecma`.
pub fn upload_part(ctx: &Ctx) -> Result<Reply, CosError> {
    let number = part_number(ctx)?;
    let key = object::key(ctx)?;
    let part = Part::new(ctx.take_body(), ctx.now);
    let reply = Reply::new(StatusCode::OK)
        .header("etag", &part.etag)
        .header("x-cos-hash-crc64ecma", part.crc64.to_string());
    // An SSE-C upload takes parts only with its key; parts answer the upload's encryption.
    let encryption = ctx
        .store()
        .with_upload(ctx.bucket()?, &key, upload_id(ctx), |u| {
            let encryption = u.template.encryption.clone();
            super::encryption::check_key(ctx, &encryption, "x-cos-")?;
            u.parts.insert(number, part);
            Ok::<_, CosError>(encryption)
        })??;
    Ok(super::encryption::echo(reply, &encryption))
}

/// `x-cos-copy-source-range: bytes=a-b` against the source size; absent or empty is the whole source.
pub fn copy_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, CosError> {
    let Some(h) = header.map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        invalid(format!(
            "x-cos-copy-source-range {h:?} must be bytes=first-last with first <= last < {size} (the source's size)."
        ))
    };
    let (a, b) = h
        .strip_prefix("bytes=")
        .and_then(|r| r.split_once('-'))
        .ok_or_else(bad)?;
    let (a, b) = (
        a.trim().parse::<u64>().map_err(|_| bad())?,
        b.trim().parse::<u64>().map_err(|_| bad())?,
    );
    if a > b || b >= size {
        return Err(bad());
    }
    Ok(Some((a, b)))
}

/// Upload Part - Copy: a part from (a range of) another object; 200 with `CopyPartResult`.
pub fn upload_part_copy(ctx: &Ctx) -> Result<Reply, CosError> {
    let number = part_number(ctx)?;
    let key = object::key(ctx)?;
    let bucket = ctx.bucket()?;
    let id = upload_id(ctx);
    // As Upload Part: a part copied into an SSE-C upload needs the upload's key, and the part
    // answers the upload's encryption.
    let encryption = ctx.store().read_upload(bucket, &key, id, |u| {
        let encryption = u.template.encryption.clone();
        super::encryption::check_key(ctx, &encryption, "x-cos-")?;
        Ok::<_, CosError>(encryption)
    })??;
    let src = source_of(ctx)?;
    let source = read_source(ctx, &src)?;
    let data = match copy_range(
        ctx.req.header("x-cos-copy-source-range"),
        source.data.len() as u64,
    )? {
        Some((a, b)) => source.data.slice(a as usize..=b as usize),
        None => source.data.clone(),
    };
    let part = Part::new(checksum::Payload::of(data), ctx.now);
    let result = CopyResult {
        etag: part.etag.clone(),
        last_modified: iso8601(part.last_modified),
        crc64: Some(part.crc64.to_string()),
    };
    let crc64 = part.crc64.to_string();
    ctx.store()
        .with_upload(bucket, &key, id, |u| u.parts.insert(number, part))?;
    let reply =
        Reply::xml(to_xml("CopyPartResult", &result)?).header("x-cos-hash-crc64ecma", crc64);
    Ok(super::encryption::echo(reply, &encryption))
}

/// List Parts (`part-number-marker`, `max-parts`, `encoding-type`).
pub fn list_parts(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let bucket = ctx.bucket()?;
    let marker: u32 = number_param(ctx, "part-number-marker", 0)?;
    let max = number_param(ctx, "max-parts", MAX_LISTED)?.min(MAX_LISTED);
    let url = url_encoding(ctx)?;
    let owner = owner_of(ctx, bucket)?;
    let id = upload_id(ctx);
    let ((page, truncated), class, initiator) = ctx.store().read_upload(bucket, &key, id, |u| {
        (
            uploads::list_parts(&u.parts, marker, max),
            u.template.storage_class,
            u.initiator.clone(),
        )
    })?;
    let result = ListPartsResult {
        bucket: bucket.to_string(),
        encoding_type: url.then(|| "url".to_string()),
        key: encode_if(url, &key),
        upload_id: id.to_string(),
        initiator: Principal::cam_id(&initiator),
        owner: Principal::uin(&owner),
        storage_class: class.to_string(),
        part_number_marker: marker,
        next_part_number_marker: page.last().map(|(n, _)| *n).unwrap_or(marker),
        max_parts: max,
        is_truncated: truncated,
        parts: page
            .into_iter()
            .map(|(n, p)| ListedPart {
                part_number: n,
                last_modified: iso8601(p.last_modified),
                etag: p.etag,
                size: p.data.len() as u64,
            })
            .collect(),
    };
    Ok(Reply::xml(to_xml("ListPartsResult", &result)?))
}

/// Complete Multipart Upload: checks the listed parts, stores the object (multipart ETag, CRC-64 of
/// the whole object in `x-cos-hash-crc64ecma`) and ends the upload.
pub fn complete(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let bucket = ctx.bucket()?;
    let id = upload_id(ctx);
    let request: CompleteRequest = from_xml(&ctx.req.body)?;
    let listed: Vec<(u32, String)> = request
        .parts
        .into_iter()
        .map(|p| (p.part_number, p.etag))
        .collect();
    let forbid = super::overwrite::forbidden(ctx)?;
    let slot = (key.clone(), id.to_string());
    // Check the parts, write the object, end the upload and remember the completion in one step
    // under the bucket's lock: two racing Completes cannot both write the object, and a data
    // directory records all of it in one transaction.
    let done = ctx.store().with_bucket_mut(bucket, |b| {
        let Some(upload) = b.uploads.get(&slot) else {
            return Ok(None);
        };
        let parts = uploads::select_parts(upload, &listed)?;
        // Refused (x-cos-forbid-overwrite): the upload stays, so the client may still abort it.
        super::overwrite::check(forbid, b.objects.get(key.as_str()).map(|o| o.as_ref()))?;
        let mut object = upload.template.clone();
        object.data = uploads::concat(&parts);
        object.etag = uploads::multipart_etag(&parts);
        object.crc64 = uploads::crc64_of_parts(&parts);
        object.last_modified = ctx.now;
        let result = CompleteResult {
            location: format!("{bucket}.cos.{}.myqcloud.com/{key}", ctx.req.region),
            bucket: bucket.to_string(),
            key: key.clone(),
            etag: object.etag.to_string(),
        };
        let body = to_xml("CompleteMultipartUploadResult", &result)?;
        let crc64 = object.crc64.to_string();
        let encryption = object.encryption.to_vec();
        let version_id = b.put_version(&key, object);
        b.remove_upload(&slot);
        let done = uploads::Completed {
            key: key.clone(),
            upload_id: id.to_string(),
            parts: uploads::unquoted(&listed),
            body,
            crc64,
            encryption,
            version_id,
        };
        b.completed.remember(done.clone());
        Ok::<_, CosError>(Some(done))
    })??;
    let Some(uploads::Completed {
        body,
        crc64,
        encryption,
        version_id,
        ..
    }) = done
    else {
        return repeated_complete(ctx, bucket, &key, id, &listed);
    };
    let reply = Reply::xml(body).header("x-cos-hash-crc64ecma", crc64);
    let reply = super::encryption::echo(reply, &encryption);
    Ok(super::versioning::written(reply, &version_id))
}

/// A Complete of an upload that is no longer in progress: when it completed with the same parts,
/// the same answer again (cos-mock's choice: a client retrying a Complete whose answer it lost
/// succeeds, as on S3); else `NoSuchUpload`.
fn repeated_complete(
    ctx: &Ctx,
    bucket: &str,
    key: &str,
    id: &str,
    listed: &[(u32, String)],
) -> Result<Reply, CosError> {
    let done = ctx.store().with_bucket(bucket, |b| {
        b.completed.find(key, id, listed).map(|c| {
            let reply = Reply::xml(c.body.clone()).header("x-cos-hash-crc64ecma", &c.crc64);
            let reply = super::encryption::echo(reply, &c.encryption);
            super::versioning::written(reply, &c.version_id)
        })
    })?;
    match done {
        Some(reply) => Ok(reply),
        None => Err(uploads::no_such_upload(id)),
    }
}

/// Abort Multipart Upload: 204; the parts are dropped.
pub fn abort(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = object::key(ctx)?;
    let id = upload_id(ctx);
    let removed = ctx
        .store()
        .with_bucket_mut(ctx.bucket()?, |b| b.remove_upload(&(key, id.to_string())))?;
    match removed {
        Some(_) => Ok(Reply::new(StatusCode::NO_CONTENT)),
        None => Err(uploads::no_such_upload(id)),
    }
}

/// List Multipart Uploads (`prefix`, `delimiter`, `key-marker`, `upload-id-marker`, `max-uploads`,
/// `encoding-type`).
pub fn list_uploads(ctx: &Ctx) -> Result<Reply, CosError> {
    let bucket = ctx.bucket()?;
    let p = |name| ctx.req.param(name).unwrap_or("").to_string();
    let q = UploadsQuery {
        prefix: p("prefix"),
        delimiter: p("delimiter"),
        key_marker: p("key-marker"),
        upload_id_marker: p("upload-id-marker"),
        max_uploads: number_param(ctx, "max-uploads", MAX_LISTED)?.min(MAX_LISTED),
    };
    let url = url_encoding(ctx)?;
    let (owner, page) = ctx.store().with_bucket(bucket, |b| {
        (b.owner_uin.clone(), uploads::list_uploads(&b.uploads, &q))
    })?;
    let enc = |s: &str| encode_if(url, s);
    let result = ListUploadsResult {
        bucket: bucket.to_string(),
        encoding_type: url.then(|| "url".to_string()),
        key_marker: enc(&q.key_marker),
        upload_id_marker: q.upload_id_marker.clone(),
        next_key_marker: page.next_key_marker.as_deref().map(enc),
        next_upload_id_marker: page.next_upload_id_marker.clone(),
        max_uploads: q.max_uploads,
        is_truncated: page.is_truncated,
        prefix: enc(&q.prefix),
        delimiter: Some(enc(&q.delimiter)).filter(|d| !d.is_empty()),
        uploads: page
            .uploads
            .iter()
            .map(|u| ListedUpload {
                key: enc(&u.key),
                upload_id: u.upload_id.clone(),
                storage_class: u.storage_class.clone(),
                initiator: Principal::cam_id(&u.initiator),
                owner: Principal::uin(&owner),
                initiated: iso8601(u.initiated),
            })
            .collect(),
        common_prefixes: page
            .common_prefixes
            .iter()
            .map(|cp| CommonPrefix { prefix: enc(cp) })
            .collect(),
    };
    Ok(Reply::xml(to_xml("ListMultipartUploadsResult", &result)?))
}

/// The CAM id of who initiated an upload (a temporary key's parent): `qcs::cam::uin/<root>:uin/<uin>`,
/// `qcs::cam::uin/<root>:roleName/<name>`, or `qcs::cam::anyone:anyone`.
fn cam_id(caller: &Caller) -> String {
    match caller.identity() {
        Caller::Root { uin, .. } => crate::acl::model::user_id(uin, uin),
        Caller::SubUser { root_uin, uin, .. } => crate::acl::model::user_id(root_uin, uin),
        Caller::Role { root_uin, name, .. } => format!("qcs::cam::uin/{root_uin}:roleName/{name}"),
        Caller::Anonymous
        | Caller::Temporary(_)
        | Caller::OssAccount { .. }
        | Caller::RamUser { .. } => crate::acl::model::ANYONE_ID.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_range_forms() {
        assert_eq!(copy_range(None, 10).unwrap(), None);
        assert_eq!(copy_range(Some(""), 10).unwrap(), None);
        assert_eq!(copy_range(Some("bytes=0-9"), 10).unwrap(), Some((0, 9)));
        assert_eq!(copy_range(Some("bytes=3-3"), 10).unwrap(), Some((3, 3)));
        for bad in [
            "bytes=0-10",
            "bytes=5-4",
            "bytes=-3",
            "bytes=2-",
            "0-1",
            "bytes=a-b",
        ] {
            assert_eq!(
                copy_range(Some(bad), 10).unwrap_err().code,
                Code::InvalidArgument,
                "{bad}"
            );
        }
    }
}
