//! Bucket versioning: PUT/GET `?versioning`, GET `?versions` (List Object Versions), and the
//! `x-cos-version-id` answer every object writer shares. The model is `crate::versioning`.
//!
//! Choices where COS's behaviour is not verified:
//! - a write answers `x-cos-version-id` only when versioning is enabled (a `null` version gets none);
//!   GET/HEAD answer it for every object of a bucket whose versioning was ever enabled (`null` too);
//! - GET `?versions` writes `Owner` as GET Bucket does (the APPID as ID and DisplayName), always
//!   answers `NextVersionIdMarker` next to `NextKeyMarker` when truncated (empty when the page ended
//!   on a common prefix), and reuses GET Bucket's checks of `max-keys` and `encoding-type`; a
//!   `version-id-marker` without a `key-marker` is 400 `InvalidArgument` (S3's rule).

use http::StatusCode;

use super::Ctx;
use crate::clock::iso8601;
use crate::error::{Code, CosError};
use crate::object::NULL_VERSION;
use crate::response::Reply;
use crate::store;
use crate::versioning::{self, VersionQuery};
use crate::xml::{escape, DECLARATION};

/// Adds `x-cos-version-id` for a version written with versioning enabled.
pub fn written(reply: Reply, version_id: &str) -> Reply {
    if version_id == NULL_VERSION {
        reply
    } else {
        reply.header("x-cos-version-id", version_id)
    }
}

/// The `versionId` query parameter of an object request; an empty one names no version (COS
/// documents `versionId=` as the same as none).
pub fn requested(ctx: &Ctx) -> Option<String> {
    ctx.req
        .param("versionId")
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// PUT Bucket versioning: `Enabled` or `Suspended`; 200.
pub fn put(ctx: &Ctx) -> Result<Reply, CosError> {
    let status = versioning::from_xml(&ctx.req.body)?;
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.versioning = status)?;
    Ok(Reply::new(StatusCode::OK))
}

/// GET Bucket versioning: the status, or an empty `VersioningConfiguration` for a bucket never enabled.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let status = ctx.store().with_bucket(ctx.bucket()?, |b| b.versioning)?;
    Ok(Reply::xml(versioning::to_xml(status)?))
}

/// GET Bucket Object versions (`GET /?versions`): `prefix`, `delimiter`, `key-marker`,
/// `version-id-marker`, `max-keys`, `encoding-type=url`.
pub fn list(ctx: &Ctx) -> Result<Reply, CosError> {
    let name = ctx.bucket()?;
    let (q, url) = super::bucket::list_query(ctx)?;
    let p = |name| ctx.req.param(name).unwrap_or("").to_string();
    let q = VersionQuery {
        prefix: q.prefix,
        delimiter: q.delimiter,
        key_marker: p("key-marker"),
        version_id_marker: p("version-id-marker"),
        max_keys: q.max_keys,
    };
    if q.key_marker.is_empty() && !q.version_id_marker.is_empty() {
        return Err(CosError::with_message(
            Code::InvalidArgument,
            "A version-id-marker cannot be specified without a key-marker.",
        ));
    }
    let page = ctx
        .store()
        .with_bucket(name, |b| versioning::list_versions(b, &q))?;
    let enc = |s: &str| {
        if url {
            crate::wire::encode_key(s)
        } else {
            escape(s).into_owned()
        }
    };
    let appid = store::appid_of(name).unwrap_or_default();
    let owner = format!(
        "\t\t<Owner>\n\t\t\t<ID>{appid}</ID>\n\t\t\t<DisplayName>{appid}</DisplayName>\n\t\t</Owner>\n"
    );
    let mut x = String::from(DECLARATION);
    x.push_str("<ListVersionsResult>\n");
    x.push_str(&format!("\t<Name>{}</Name>\n", escape(name)));
    if url {
        x.push_str("\t<EncodingType>url</EncodingType>\n");
    }
    x.push_str(&format!(
        "\t<Prefix>{}</Prefix>\n\t<KeyMarker>{}</KeyMarker>\n\t<VersionIdMarker>{}</VersionIdMarker>\n",
        enc(&q.prefix),
        enc(&q.key_marker),
        escape(&q.version_id_marker)
    ));
    x.push_str(&format!("\t<MaxKeys>{}</MaxKeys>\n", q.max_keys));
    if !q.delimiter.is_empty() {
        x.push_str(&format!("\t<Delimiter>{}</Delimiter>\n", enc(&q.delimiter)));
    }
    x.push_str(&format!(
        "\t<IsTruncated>{}</IsTruncated>\n",
        page.is_truncated
    ));
    if let Some(next) = &page.next_key_marker {
        x.push_str(&format!("\t<NextKeyMarker>{}</NextKeyMarker>\n", enc(next)));
    }
    if let Some(next) = &page.next_version_id_marker {
        x.push_str(&format!(
            "\t<NextVersionIdMarker>{}</NextVersionIdMarker>\n",
            escape(next)
        ));
    }
    for cp in &page.common_prefixes {
        x.push_str(&format!(
            "\t<CommonPrefixes>\n\t\t<Prefix>{}</Prefix>\n\t</CommonPrefixes>\n",
            enc(cp)
        ));
    }
    for l in &page.entries {
        let v = &l.version;
        let head = format!(
            "\t\t<Key>{}</Key>\n\t\t<VersionId>{}</VersionId>\n\t\t<IsLatest>{}</IsLatest>\n\t\t<LastModified>{}</LastModified>\n",
            enc(&l.key),
            escape(&v.version_id),
            l.is_latest,
            iso8601(v.last_modified)
        );
        match &v.object {
            Some(o) => x.push_str(&format!(
                "\t<Version>\n{head}\t\t<ETag>{}</ETag>\n\t\t<Size>{}</Size>\n\t\t<StorageClass>{}</StorageClass>\n{owner}\t</Version>\n",
                escape(&o.etag.to_string()),
                o.data.len(),
                o.storage_class
            )),
            None => x.push_str(&format!("\t<DeleteMarker>\n{head}{owner}\t</DeleteMarker>\n")),
        }
    }
    x.push_str("</ListVersionsResult>");
    Ok(Reply::xml(x))
}
