//! POST Object restore (`POST /<key>?restore`) and the gate GET/HEAD Object and copy sources pass
//! through: GET of an archived object is 403 `InvalidObjectState` until a restore has completed; HEAD
//! answers `x-cos-restore`. The rules are in `crate::restore`.

use http::StatusCode;

use super::Ctx;
use crate::error::{Code, CosError};
use crate::object::Object;
use crate::response::Reply;
use crate::restore::{self, Outcome, Readable};

/// POST Object restore: 202 for a new restore, 200 when a completed copy's expiry is extended.
pub fn post(ctx: &Ctx) -> Result<Reply, CosError> {
    let (days, tier) = restore::parse_request(&ctx.req.body)?;
    let bucket = ctx.bucket()?;
    let key = ctx.req.key();
    let object = ctx.store().get_object(bucket, key)?;
    let delay = ctx.state.clock.restore_delay();
    ctx.store().with_bucket_mut(bucket, |b| {
        let outcome = restore::request(b.restores.get(key), &object, &tier, days, ctx.now, delay)?;
        b.restores
            .insert(key.to_string(), outcome.restore().clone());
        Ok(Reply::new(match outcome {
            Outcome::Started(_) => StatusCode::ACCEPTED,
            Outcome::Extended(_) => StatusCode::OK,
        }))
    })?
}

/// For GET/HEAD Object: GET of an archived object that is not restored is 403
/// `InvalidObjectState`; otherwise the `x-cos-restore` value to answer, if any.
pub fn gate(ctx: &Ctx, key: &str, object: &Object) -> Result<Option<String>, CosError> {
    readable(
        ctx,
        ctx.bucket()?,
        key,
        object,
        ctx.req.method == http::Method::GET,
    )
}

/// The `x-cos-restore` header of `bucket`/`key`; when `reading` (GET, or the source of a copy), an
/// archived object that is not restored is 403 `InvalidObjectState`.
pub fn readable(
    ctx: &Ctx,
    bucket: &str,
    key: &str,
    object: &Object,
    reading: bool,
) -> Result<Option<String>, CosError> {
    let restore = ctx
        .store()
        .with_bucket(bucket, |b| b.restores.get(key).cloned())?;
    let (readable, header) = restore::status(restore.as_ref(), object, ctx.now);
    if readable != Readable::Yes && reading {
        return Err(CosError::with_message(
            Code::InvalidObjectState,
            format!(
                "The object is in the {} storage class; restore it first (POST ?restore){}.",
                object.storage_class,
                if readable == Readable::Ongoing {
                    ": the restore is still in progress"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(header)
}
