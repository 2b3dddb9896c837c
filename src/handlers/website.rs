//! Static website hosting through the website endpoint `<bucket>.cos-website.<region>.<suffix>`:
//! GET/HEAD of `/` or a key ending in `/` serves the index document under it (IndexDocument
//! Suffix), and a missing key answers the ErrorDocument with status 404 (its own status with
//! `OriginalHttpStatus` `Disabled` is not modelled: always 404). Without a website configuration
//! the endpoint answers 404 `NoSuchWebsiteConfiguration`. Redirect rules and
//! `RedirectAllRequestsTo` are stored, not applied. Access is checked as for GET Object (a website
//! bucket is usually public-read), on the key actually served.

use http::StatusCode;

use super::Ctx;
use crate::bucket_config::Kind;
use crate::error::{Code, CosError};
use crate::request::{CosRequest, Target};
use crate::response::Reply;
use crate::router::Op;
use crate::AppState;

/// On the website endpoint, before authorization: refuses a bucket without a website
/// configuration and points `/` and `dir/` at their index document.
pub fn resolve(state: &AppState, req: &mut CosRequest, op: Op) -> Result<(), CosError> {
    if !matches!(op, Op::GetObject | Op::HeadObject) || !crate::request::is_website_host(&req.host)
    {
        return Ok(());
    }
    let Target::Bucket { bucket, key } = &mut req.target else {
        return Ok(());
    };
    let suffix = state
        .store
        .with_bucket(bucket, |b| {
            b.configs
                .get(Kind::Website, "")
                .and_then(|w| w.text_at("IndexDocument/Suffix").map(str::to_string))
        })?
        .ok_or_else(|| CosError::new(Code::NoSuchWebsiteConfiguration))?;
    if key.is_empty() || key.ends_with('/') {
        key.push_str(&suffix);
    }
    Ok(())
}

/// GET/HEAD Object on the website endpoint: the object, or on `NoSuchKey` the error document
/// (when set, present and readable by the caller) with status 404.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let err = match super::object::get(ctx) {
        Err(e) if e.code == Code::NoSuchKey => e,
        other => return other,
    };
    let bucket = ctx.bucket()?;
    let error_key = ctx.store().with_bucket(bucket, |b| {
        b.configs
            .get(Kind::Website, "")
            .and_then(|w| w.text_at("ErrorDocument/Key").map(str::to_string))
    })?;
    let Some(error_key) = error_key else {
        return Err(err);
    };
    let Ok(object) = ctx.store().get_object(bucket, &error_key) else {
        return Err(err);
    };
    if !ctx.permits(Op::GetObject, bucket, &error_key)? {
        return Err(err);
    }
    Ok(Reply::new(StatusCode::NOT_FOUND)
        .header("content-type", &object.content_type)
        .header("etag", &object.etag)
        .body(object.data.clone()))
}
