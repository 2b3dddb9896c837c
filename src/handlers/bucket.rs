//! Bucket APIs: PUT (create), HEAD, DELETE, GET (list objects), GET ?location.

use http::StatusCode;

use super::Ctx;
use crate::acl::ResourceKind;
use crate::clock::iso8601;
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::store::{self, Bucket, ListQuery, MAX_BUCKETS_PER_ACCOUNT};
use crate::xml::{escape, DECLARATION};

/// Most keys one listing returns.
pub const MAX_LIST_KEYS: usize = 1000;

/// PUT Bucket: creates `<name>-<appid>` for the caller's account.
pub fn create(ctx: &Ctx) -> Result<Reply, CosError> {
    let name = ctx.bucket()?;
    store::validate_bucket_name(name)?;
    // The owner is the account whose APPID the name ends with (the access check made sure the
    // caller may create it).
    let appid = store::appid_of(name).unwrap_or_default();
    let owner = ctx
        .state
        .config
        .accounts
        .iter()
        .find(|a| a.appid == appid)
        .map(|a| a.uin.clone());
    let owner = owner
        .or_else(|| ctx.caller.root_uin().map(str::to_string))
        .ok_or_else(|| CosError::new(Code::AccessDenied))?;
    // An existing bucket: 409, "yours" only for its owner's account (with `--auth off` the caller
    // acts as the first root account).
    if let Ok(existing_owner) = ctx.store().with_bucket(name, |b| b.owner_uin.clone()) {
        let code = if ctx.caller.root_uin() == Some(existing_owner.as_str()) {
            Code::BucketAlreadyOwnedByYou
        } else {
            Code::BucketAlreadyExists
        };
        return Err(CosError::new(code));
    }
    if ctx.store().count_owned(&owner) >= MAX_BUCKETS_PER_ACCOUNT {
        return Err(CosError::with_message(
            Code::TooManyBuckets,
            format!("You have attempted to create more buckets than allowed ({MAX_BUCKETS_PER_ACCOUNT})."),
        ));
    }
    let mut bucket = Bucket::new(name, &owner, &ctx.req.region);
    bucket.acl = super::acl::acl_from_headers(ctx, ResourceKind::Bucket, &owner)?.into();
    ctx.store().create_bucket(bucket)?;
    Ok(Reply::new(StatusCode::OK))
}

/// HEAD Bucket: 200 with the bucket's region.
pub fn head(ctx: &Ctx) -> Result<Reply, CosError> {
    let region = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.region.clone())?;
    Ok(Reply::new(StatusCode::OK).header("x-cos-bucket-region", region))
}

/// DELETE Bucket: 204; 409 `BucketNotEmpty` while it has objects, versions or delete markers.
pub fn delete(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store().delete_bucket(ctx.bucket()?)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}

/// GET Bucket ?location.
pub fn location(ctx: &Ctx) -> Result<Reply, CosError> {
    let region = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.region.clone())?;
    Ok(Reply::xml(format!(
        "{DECLARATION}<LocationConstraint>{}</LocationConstraint>",
        escape(&region)
    )))
}

/// Reads and checks the listing parameters.
pub(super) fn list_query(ctx: &Ctx) -> Result<(ListQuery, bool), CosError> {
    let p = |name| ctx.req.param(name).unwrap_or("").to_string();
    let max_keys = match ctx.req.param("max-keys") {
        None | Some("") => MAX_LIST_KEYS,
        Some(v) => v.parse::<usize>().map_err(|_| {
            CosError::with_message(
                Code::InvalidArgument,
                format!("max-keys must be a non-negative integer, got {v:?}."),
            )
        })?,
    };
    let url = match ctx.req.param("encoding-type") {
        None => false,
        Some("url") => true,
        Some(v) => {
            return Err(CosError::with_message(
                Code::InvalidArgument,
                format!("encoding-type must be \"url\", got {v:?}."),
            ))
        }
    };
    let q = ListQuery {
        prefix: p("prefix"),
        delimiter: p("delimiter"),
        marker: p("marker"),
        max_keys: max_keys.min(MAX_LIST_KEYS),
    };
    Ok((q, url))
}

/// GET Bucket: lists objects (`prefix`, `delimiter`, `marker`, `max-keys`, `encoding-type=url`).
pub fn list_objects(ctx: &Ctx) -> Result<Reply, CosError> {
    let name = ctx.bucket()?;
    let (q, url) = list_query(ctx)?;
    let page = ctx
        .store()
        .with_bucket(name, |b| store::list(&b.objects, &q))?;
    let enc = |s: &str| {
        if url {
            crate::wire::encode_key(s)
        } else {
            escape(s).into_owned()
        }
    };
    let appid = store::appid_of(name).unwrap_or_default();
    let mut x = String::from(DECLARATION);
    x.push_str("<ListBucketResult>\n");
    x.push_str(&format!("\t<Name>{}</Name>\n", escape(name)));
    if url {
        x.push_str("\t<EncodingType>url</EncodingType>\n");
    }
    x.push_str(&format!(
        "\t<Prefix>{}</Prefix>\n\t<Marker>{}</Marker>\n",
        enc(&q.prefix),
        enc(&q.marker)
    ));
    x.push_str(&format!("\t<MaxKeys>{}</MaxKeys>\n", q.max_keys));
    if !q.delimiter.is_empty() {
        x.push_str(&format!("\t<Delimiter>{}</Delimiter>\n", enc(&q.delimiter)));
    }
    x.push_str(&format!(
        "\t<IsTruncated>{}</IsTruncated>\n",
        page.is_truncated
    ));
    if let Some(next) = &page.next_marker {
        x.push_str(&format!("\t<NextMarker>{}</NextMarker>\n", enc(next)));
    }
    for cp in &page.common_prefixes {
        x.push_str(&format!(
            "\t<CommonPrefixes>\n\t\t<Prefix>{}</Prefix>\n\t</CommonPrefixes>\n",
            enc(cp)
        ));
    }
    for (key, o) in &page.contents {
        x.push_str(&format!(
            "\t<Contents>\n\t\t<Key>{}</Key>\n\t\t<LastModified>{}</LastModified>\n\t\t<ETag>{}</ETag>\n\t\t<Size>{}</Size>\n\t\t<Owner>\n\t\t\t<ID>{appid}</ID>\n\t\t\t<DisplayName>{appid}</DisplayName>\n\t\t</Owner>\n\t\t<StorageClass>{}</StorageClass>\n\t</Contents>\n",
            enc(key),
            iso8601(o.last_modified),
            escape(&o.etag.to_string()),
            o.data.len(),
            o.storage_class
        ));
    }
    x.push_str("</ListBucketResult>");
    Ok(Reply::xml(x))
}
