//! Static website hosting through the website endpoint `<bucket>.cos-website.<region>.<suffix>`:
//! GET/HEAD of `/` or a key ending in `/` serves the index document under it (IndexDocument
//! Suffix), and a missing key answers the ErrorDocument with status 404 (its own status with
//! `OriginalHttpStatus` `Disabled` is not modelled: always 404). Without a website configuration
//! the endpoint answers 404 `NoSuchWebsiteConfiguration`. `RedirectAllRequestsTo` and the routing
//! rules answer redirects (`bucket_config::website`). Access is checked as for GET Object (a
//! website bucket is usually public-read), on the key actually served.

use http::StatusCode;

use super::Ctx;
use crate::bucket_config::{website, Kind};
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

/// GET/HEAD Object on the website endpoint: a redirect rule's answer, the object, or on
/// `NoSuchKey` a 404 rule's redirect or the error document (when set, present and readable by the
/// caller) with status 404.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let bucket = ctx.bucket()?;
    let config = ctx
        .store()
        .with_bucket(bucket, |b| b.configs.get(Kind::Website, "").cloned())?
        .ok_or_else(|| CosError::new(Code::NoSuchWebsiteConfiguration))?;
    let ask = website::Ask {
        key: ctx.req.path.strip_prefix('/').unwrap_or(&ctx.req.path),
        host: &ctx.req.host,
        secure: ctx.req.secure,
    };
    if let Some(r) = website::before(&config, ask) {
        return Ok(redirect(r));
    }
    let err = match super::object::get(ctx) {
        Err(e) if e.code == Code::NoSuchKey => e,
        other => return other,
    };
    if let Some(r) = website::on_error(&config, ask, 404) {
        return Ok(redirect(r));
    }
    let Some(error_key) = config.text_at("ErrorDocument/Key") else {
        return Err(err);
    };
    let Ok(object) = ctx.store().get_object(bucket, error_key) else {
        return Err(err);
    };
    if !ctx.permits(Op::GetObject, bucket, error_key)? {
        return Err(err);
    }
    Ok(Reply::new(StatusCode::NOT_FOUND)
        .header("content-type", &object.content_type)
        .header("etag", object.etag.to_string())
        .body(object.data.clone()))
}

fn redirect(r: website::Redirect) -> Reply {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::MOVED_PERMANENTLY);
    Reply::new(status).header("location", r.location)
}
