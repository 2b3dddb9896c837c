//! Bucket lifecycle: PUT/GET/DELETE `?lifecycle`, and `sweep`, which the request path runs on the
//! bucket before every handler (and the clock endpoint on all buckets) to apply the rules.

use std::time::SystemTime;

use http::StatusCode;

use super::Ctx;
use crate::error::{Code, CosError};
use crate::lifecycle;
use crate::response::Reply;
use crate::AppState;

/// Applies `bucket`'s lifecycle rules at `now` (see `Store::apply_lifecycle`).
pub fn sweep(state: &AppState, bucket: &str, now: SystemTime) {
    state.store.apply_lifecycle(bucket, now);
}

/// `sweep` for every bucket.
pub fn sweep_all(state: &AppState, now: SystemTime) {
    for name in state.store.map_buckets(|b| b.name.clone()) {
        state.store.apply_lifecycle(&name, now);
    }
}

/// PUT Bucket lifecycle: validates and replaces the whole configuration; 200.
pub fn put(ctx: &Ctx) -> Result<Reply, CosError> {
    let config = lifecycle::from_xml(&ctx.req.body)?;
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.lifecycle = Some(config))?;
    Ok(Reply::new(StatusCode::OK))
}

/// GET Bucket lifecycle; 404 `NoSuchLifecycleConfiguration` when none is set.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let config = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.lifecycle.clone())?
        .ok_or_else(|| CosError::new(Code::NoSuchLifecycleConfiguration))?;
    Ok(Reply::xml(lifecycle::to_xml(&config)?))
}

/// DELETE Bucket lifecycle: 204, also when none is set.
pub fn delete(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.lifecycle = None)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}
