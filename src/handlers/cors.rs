//! Bucket CORS: PUT/GET/DELETE `?cors`, the `OPTIONS` preflight answered from the rules, and the
//! `Access-Control-*` headers added to actual requests (successes and errors alike) whose `Origin`
//! a rule allows.

use http::{Method, StatusCode};

use super::Ctx;
use crate::cors::{self, Ask};
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::AppState;

/// PUT Bucket cors: validates and replaces the whole configuration; 200.
pub fn put(ctx: &Ctx) -> Result<Reply, CosError> {
    let config = cors::from_xml(&ctx.req.body)?;
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.cors = Some(config))?;
    Ok(Reply::new(StatusCode::OK))
}

/// GET Bucket cors; 404 `NoSuchCORSConfiguration` when none is set.
pub fn get(ctx: &Ctx) -> Result<Reply, CosError> {
    let config = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.cors.clone())?
        .ok_or_else(|| CosError::new(Code::NoSuchCORSConfiguration))?;
    Ok(Reply::xml(cors::to_xml(&config)?))
}

/// DELETE Bucket cors: 204, also when none is set.
pub fn delete(ctx: &Ctx) -> Result<Reply, CosError> {
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.cors = None)?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}

/// OPTIONS Object (also `OPTIONS /`): the preflight. `Origin` and `Access-Control-Request-Method`
/// are required (400 `InvalidRequest`); no configuration or no matching rule is 403
/// `AccessForbidden`.
pub fn preflight(ctx: &Ctx) -> Result<Reply, CosError> {
    let origin = ctx.req.header("origin").ok_or_else(|| {
        CosError::with_message(
            Code::InvalidRequest,
            "Insufficient information. Origin request header needed.",
        )
    })?;
    let method = ctx
        .req
        .header("access-control-request-method")
        .ok_or_else(|| {
            CosError::with_message(
                Code::InvalidRequest,
                "Insufficient information. Access-Control-Request-Method request header needed.",
            )
        })?;
    let config = ctx
        .store()
        .with_bucket(ctx.bucket()?, |b| b.cors.clone())?
        .ok_or_else(|| {
            CosError::with_message(
                Code::AccessForbidden,
                "CORSResponse: CORS is not enabled for this bucket.",
            )
        })?;
    let ask = Ask {
        origin,
        method,
        request_headers: ctx.req.header("access-control-request-headers"),
    };
    let rule = cors::find_rule(&config, &ask).ok_or_else(|| {
        CosError::with_message(
            Code::AccessForbidden,
            format!("CORSResponse: no CORS rule allows origin {origin:?}, method {method:?} and the requested headers."),
        )
    })?;
    let mut reply = Reply::new(StatusCode::OK);
    for (name, value) in cors::response_headers(rule, &ask, true) {
        reply = reply.header(name, value);
    }
    Ok(reply.header(
        "vary",
        "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    ))
}

/// Adds `Access-Control-*` headers to the answer of an actual (non-OPTIONS) request on `bucket`
/// when its `Origin` and method match a rule; anything else passes through unchanged.
pub fn decorate(
    state: &AppState,
    bucket: Option<&str>,
    parts: &http::request::Parts,
    mut reply: Reply,
) -> Reply {
    if parts.method == Method::OPTIONS {
        return reply;
    }
    let (Some(bucket), Some(origin)) = (
        bucket,
        parts.headers.get("origin").and_then(|v| v.to_str().ok()),
    ) else {
        return reply;
    };
    let Ok(Some(config)) = state.store.with_bucket(bucket, |b| b.cors.clone()) else {
        return reply;
    };
    let ask = Ask {
        origin,
        method: parts.method.as_str(),
        request_headers: None,
    };
    let Some(rule) = cors::find_rule(&config, &ask) else {
        return reply;
    };
    for (name, value) in cors::response_headers(rule, &ask, false) {
        if name != "access-control-allow-headers" {
            reply.headers.remove(name);
            reply = reply.header(name, value);
        }
    }
    if config.response_vary == Some(true) {
        reply = reply.header("vary", "Origin");
    }
    reply
}
