//! What OSS answers differently (oss.md §5): PutBucket (plain names, `x-oss-acl`), GetBucketLocation
//! (`oss-<region>`), GetBucketInfo, ListBuckets, ListObjects v1 and v2 (with `Owner` and `Type`), and
//! the bucket policy in the OSS grammar (PUT 200, DELETE 204, `NoSuchBucketPolicy`). Objects, HEAD and
//! DELETE Bucket are the shared handlers, speaking `x-oss-*` headers.

use std::sync::Arc;

use base64::Engine;
use http::StatusCode;

use super::Ctx;
use crate::clock::iso8601_oss as iso8601;
use crate::dialect::oss::hosts::{parse_canned_acl, validate_bucket_name};
use crate::dialect::oss::policy::{self as oss_policy, PolicyKind};
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::store::{self, Bucket, OssStoredPolicy, MAX_BUCKETS_PER_ACCOUNT};
use crate::xml::escape;

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The account that owns what the caller creates: itself, or a RAM user's account.
fn owner_uid(ctx: &Ctx) -> Result<String, CosError> {
    ctx.caller
        .root_uin()
        .map(str::to_string)
        .ok_or_else(|| CosError::new(Code::AccessDenied))
}

/// PutBucket: 200. A name owned by another account is 409 `BucketAlreadyExists`; the owner's own
/// existing bucket answers 200 and keeps it as it is (cos-mock's reading; OSS documents no 409 for
/// its owner).
pub fn put_bucket(ctx: &Ctx) -> Result<Reply, CosError> {
    let name = ctx.bucket()?;
    validate_bucket_name(name).map_err(|why| {
        CosError::with_message(
            Code::InvalidBucketName,
            format!("The specified bucket is not valid: {why}."),
        )
    })?;
    let owner = owner_uid(ctx)?;
    let canned = match ctx.req.header("x-oss-acl") {
        None => "private",
        Some(v) => {
            parse_canned_acl(v).map_err(|why| {
                CosError::with_message(Code::InvalidArgument, format!("x-oss-acl: {why}."))
            })?;
            v
        }
    };
    if let Ok(existing) = ctx.store().with_bucket(name, |b| b.owner_uin.clone()) {
        return if existing == owner {
            Ok(Reply::new(StatusCode::OK))
        } else {
            Err(CosError::new(Code::BucketAlreadyExists))
        };
    }
    if ctx.store().count_owned(&owner) >= MAX_BUCKETS_PER_ACCOUNT {
        return Err(CosError::new(Code::TooManyBuckets));
    }
    let mut bucket = Bucket::new(name, &owner, &ctx.req.region);
    let canned = crate::acl::Canned::parse(crate::acl::ResourceKind::Bucket, canned)?;
    bucket.acl = crate::acl::Acl::from_canned(&owner, canned).into();
    ctx.store().create_bucket(bucket)?;
    Ok(Reply::new(StatusCode::OK).header("location", format!("/{name}")))
}

/// GetBucketLocation: `oss-<region>`.
pub fn location(ctx: &Ctx) -> Result<Reply, CosError> {
    let region = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.region.clone())?;
    Ok(Reply::xml(format!(
        "{DECLARATION}<LocationConstraint>oss-{}</LocationConstraint>",
        escape(&region)
    )))
}

/// `name`, region, creation time and owner uid of a bucket.
fn summary(b: &Bucket) -> (String, String, std::time::SystemTime, String, &'static str) {
    let acl = b.acl.canned_name().unwrap_or("private");
    (
        b.name.clone(),
        b.region.clone(),
        b.created,
        b.owner_uin.clone(),
        acl,
    )
}

/// GetBucketInfo.
pub fn info(ctx: &Ctx) -> Result<Reply, CosError> {
    let (name, region, created, owner, acl) = ctx.store().with_bucket(ctx.bucket()?, summary)?;
    let (name, region) = (escape(&name), escape(&region));
    Ok(Reply::xml(format!(
        "{DECLARATION}<BucketInfo>\n  <Bucket>\n    <Name>{name}</Name>\n    <CreationDate>{}</CreationDate>\n    <Location>oss-{region}</Location>\n    <Region>{region}</Region>\n    <ExtranetEndpoint>oss-{region}.aliyuncs.com</ExtranetEndpoint>\n    <IntranetEndpoint>oss-{region}-internal.aliyuncs.com</IntranetEndpoint>\n    <StorageClass>Standard</StorageClass>\n    <DataRedundancyType>LRS</DataRedundancyType>\n    <Versioning>Disabled</Versioning>\n    <Owner>\n      <ID>{owner}</ID>\n      <DisplayName>{owner}</DisplayName>\n    </Owner>\n    <AccessControlList>\n      <Grant>{acl}</Grant>\n    </AccessControlList>\n  </Bucket>\n</BucketInfo>\n",
        iso8601(created),
    )))
}

/// ListBuckets (GetService): the caller's account's buckets.
pub fn list_buckets(ctx: &Ctx) -> Result<Reply, CosError> {
    let owner = owner_uid(ctx)?;
    let mut mine: Vec<_> = ctx
        .store()
        .map_buckets(|b| (b.owner_uin == owner).then(|| summary(b)))
        .into_iter()
        .flatten()
        .collect();
    mine.sort_by(|a, b| a.0.cmp(&b.0));
    let mut x = format!(
        "{DECLARATION}<ListAllMyBucketsResult>\n  <Owner>\n    <ID>{owner}</ID>\n    <DisplayName>{owner}</DisplayName>\n  </Owner>\n  <Buckets>\n"
    );
    for (name, region, created, _, _) in mine {
        let (name, region) = (escape(&name), escape(&region));
        x.push_str(&format!(
            "    <Bucket>\n      <Name>{name}</Name>\n      <CreationDate>{}</CreationDate>\n      <Location>oss-{region}</Location>\n      <Region>{region}</Region>\n      <ExtranetEndpoint>oss-{region}.aliyuncs.com</ExtranetEndpoint>\n      <IntranetEndpoint>oss-{region}-internal.aliyuncs.com</IntranetEndpoint>\n      <StorageClass>Standard</StorageClass>\n    </Bucket>\n",
            iso8601(created)
        ));
    }
    x.push_str("  </Buckets>\n</ListAllMyBucketsResult>\n");
    Ok(Reply::xml(x))
}

/// ListObjects (v1) and ListObjectsV2 (`list-type=2`): the same page, OSS's two shapes.
pub fn list_objects(ctx: &Ctx, v2: bool) -> Result<Reply, CosError> {
    let name = ctx.bucket()?;
    let (mut q, url) = super::bucket::list_query(ctx)?;
    if v2 {
        // After `start-after` and the continuation token (an opaque form of the last key listed).
        let token = match ctx.req.param("continuation-token") {
            Some(t) if !t.is_empty() => Some(decode_token(t)?),
            _ => None,
        };
        let start_after = ctx.req.param("start-after").unwrap_or("").to_string();
        q.marker = token
            .clone()
            .into_iter()
            .chain([start_after])
            .max()
            .unwrap_or_default();
    }
    let (page, owner) = ctx
        .store()
        .with_bucket(name, |b| (store::list(&b.objects, &q), b.owner_uin.clone()))?;
    let enc = |s: &str| {
        if url {
            crate::wire::encode_key(s)
        } else {
            escape(s).into_owned()
        }
    };
    let tag = |name: &str, value: &str| format!("  <{name}>{value}</{name}>\n");
    let mut x = format!("{DECLARATION}<ListBucketResult>\n");
    x.push_str(&tag("Name", &escape(name)));
    x.push_str(&tag("Prefix", &enc(&q.prefix)));
    if v2 {
        if let Some(t) = ctx.req.param("continuation-token") {
            x.push_str(&tag("ContinuationToken", &escape(t)));
        }
        if let Some(s) = ctx.req.param("start-after") {
            x.push_str(&tag("StartAfter", &enc(s)));
        }
    } else {
        x.push_str(&tag("Marker", &enc(&q.marker)));
    }
    x.push_str(&tag("MaxKeys", &q.max_keys.to_string()));
    x.push_str(&tag("Delimiter", &enc(&q.delimiter)));
    if url {
        x.push_str(&tag("EncodingType", "url"));
    }
    x.push_str(&tag("IsTruncated", &page.is_truncated.to_string()));
    match (&page.next_marker, v2) {
        (Some(next), false) => x.push_str(&tag("NextMarker", &enc(next))),
        (Some(next), true) => x.push_str(&tag("NextContinuationToken", &encode_token(next))),
        (None, _) => {}
    }
    if v2 {
        let count = page.contents.len() + page.common_prefixes.len();
        x.push_str(&tag("KeyCount", &count.to_string()));
    }
    let with_owner = !v2 || ctx.req.param("fetch-owner") == Some("true");
    for (key, o) in &page.contents {
        x.push_str(&format!(
            "  <Contents>\n    <Key>{}</Key>\n    <LastModified>{}</LastModified>\n    <ETag>{}</ETag>\n    <Type>Normal</Type>\n    <Size>{}</Size>\n    <StorageClass>{}</StorageClass>\n",
            enc(key),
            iso8601(o.last_modified),
            escape(&o.etag.to_string().to_ascii_uppercase()),
            o.data.len(),
            escape(o.storage_class),
        ));
        if with_owner {
            x.push_str(&format!(
                "    <Owner>\n      <ID>{owner}</ID>\n      <DisplayName>{owner}</DisplayName>\n    </Owner>\n"
            ));
        }
        x.push_str("  </Contents>\n");
    }
    for cp in &page.common_prefixes {
        x.push_str(&format!(
            "  <CommonPrefixes>\n    <Prefix>{}</Prefix>\n  </CommonPrefixes>\n",
            enc(cp)
        ));
    }
    x.push_str("</ListBucketResult>\n");
    Ok(Reply::xml(x))
}

fn encode_token(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
}

fn decode_token(token: &str) -> Result<String, CosError> {
    let bad = || {
        CosError::with_message(
            Code::InvalidArgument,
            format!("The continuation-token {token:?} is not one this server gave."),
        )
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad())?;
    String::from_utf8(bytes).map_err(|_| bad())
}

/// PutBucketPolicy: validates the OSS grammar (400 `InvalidPolicyDocument`, nothing stored) and
/// replaces the policy; 200 with no body (ali-oss accepts nothing else).
pub fn put_policy(ctx: &Ctx) -> Result<Reply, CosError> {
    let invalid = |e: oss_policy::PolicyError| {
        CosError::with_message(Code::InvalidPolicyDocument, format!("Invalid policy: {e}"))
    };
    let parsed = oss_policy::parse(&ctx.req.body, PolicyKind::Bucket).map_err(invalid)?;
    let text = String::from_utf8(ctx.req.body.to_vec()).map_err(|_| {
        CosError::with_message(Code::InvalidPolicyDocument, "The policy is not UTF-8.")
    })?;
    ctx.store().with_bucket_mut(ctx.bucket()?, |b| {
        b.oss_policy = Some(Arc::new(OssStoredPolicy { text, parsed }))
    })?;
    Ok(Reply::new(StatusCode::OK))
}

/// GetBucketPolicy: the document as it was put; 404 `NoSuchBucketPolicy` when none is set.
pub fn get_policy(ctx: &Ctx) -> Result<Reply, CosError> {
    let text = ctx.store().with_bucket(ctx.bucket()?, |b| {
        b.oss_policy.as_ref().map(|p| p.text.clone())
    })?;
    let text = text.ok_or_else(|| {
        CosError::with_message(
            Code::NoSuchPolicy,
            "The specified bucket policy does not exist.",
        )
    })?;
    Ok(Reply::json(text))
}

/// DeleteBucketPolicy: 204, also when none is set.
pub fn delete_policy(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.oss_policy = None)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_tokens_round_trip_and_refuse_others() {
        for key in ["", "a", "doc/a b+c.txt", "é/ü"] {
            assert_eq!(decode_token(&encode_token(key)).unwrap(), key);
        }
        assert_eq!(
            decode_token("not base64!").unwrap_err().code,
            Code::InvalidArgument
        );
    }
}
