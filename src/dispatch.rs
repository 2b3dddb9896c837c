//! The request path, top to bottom: read the body → parse → route → authenticate → check the body →
//! authorize → handle → render; then one log line and one journal entry.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;

use crate::access::{self, Decision};
use crate::auth::{self, Caller, Clock};
use crate::checksum::check_content_md5;
use crate::config::AuthMode;
use crate::error::{Code, CosError};
use crate::handlers::{self, Ctx};
use crate::journal::Entry;
use crate::request::{Addressing, CosRequest, Target};
use crate::response::{error_reply, finish, Reply};
use crate::router::{self, Op};
use crate::AppState;

/// What became known about a request on its way, for the log line and the journal.
#[derive(Debug, Default)]
struct Facts {
    bucket: Option<String>,
    key: Option<String>,
    op: Option<Op>,
    caller: Option<Caller>,
    decision: Option<Decision>,
    resource: Option<String>,
}

/// Where a request came from.
#[derive(Debug, Clone, Copy)]
struct Peer {
    remote: Option<SocketAddr>,
    secure: bool,
}

/// The one handler behind every route.
pub async fn entry(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let started = Instant::now();
    // Object times and expiry use the server clock; signatures and the Date header the real time.
    let now = state.clock.now();
    let request_id = state.next_request_id(now);
    let remote = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let secure = req
        .extensions()
        .get::<crate::server::Secure>()
        .is_some_and(|s| s.0);
    let (parts, body) = req.into_parts();
    let mut facts = Facts::default();
    let result = match read_body(&state, &parts, body).await {
        Ok(body) => std::panic::catch_unwind(AssertUnwindSafe(|| {
            process(
                &state,
                &parts,
                body,
                Peer { remote, secure },
                now,
                &request_id,
                &mut facts,
            )
        }))
        .unwrap_or_else(|_| {
            tracing::error!(
                request_id,
                "internal fault while handling {} {}",
                parts.method,
                parts.uri
            );
            Err(CosError::new(Code::InternalError))
        }),
        Err(e) => Err(e),
    };
    let reply = match &result {
        Ok(reply) => reply.clone(),
        Err(err) => {
            let resource = facts
                .resource
                .clone()
                .unwrap_or_else(|| parts.uri.path().to_string());
            error_reply(err, &resource, &request_id, &parts.method)
        }
    };
    let reply = handlers::cors::decorate(&state, facts.bucket.as_deref(), &parts, reply);
    let reply = finish(reply, &request_id, SystemTime::now(), &parts.method);
    record(
        &state,
        &parts,
        &facts,
        result.as_ref().err(),
        reply.status.as_u16(),
        &request_id,
        now,
        started,
    );
    into_response(reply)
}

/// Reads the whole body up front (for Content-MD5 and handlers); over the limit is `EntityTooLarge`.
async fn read_body(
    state: &AppState,
    parts: &http::request::Parts,
    body: Body,
) -> Result<Bytes, CosError> {
    let limit = state.config.max_body_bytes;
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(CosError::with_message(
            Code::EntityTooLarge,
            format!(
                "Your proposed upload exceeds the maximum allowed object size ({limit} bytes)."
            ),
        ));
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large =
            std::error::Error::source(&e).is_some_and(|s| s.to_string().contains("length limit"));
        if too_large {
            CosError::new(Code::EntityTooLarge)
        } else {
            CosError::with_message(
                Code::IncompleteBody,
                format!("{} ({e})", Code::IncompleteBody.default_message()),
            )
        }
    })
}

/// parse → route → authenticate → check the body → authorize → handle.
fn process(
    state: &AppState,
    parts: &http::request::Parts,
    body: Bytes,
    peer: Peer,
    now: SystemTime,
    request_id: &str,
    facts: &mut Facts,
) -> Result<Reply, CosError> {
    let addressing = Addressing {
        region: &state.config.region,
        default_bucket: state.config.default_bucket.as_deref(),
    };
    let mut req = CosRequest::parse(parts, body, &addressing, peer.remote)?;
    req.secure |= peer.secure;
    facts.resource = Some(req.resource());
    if let Target::Admin(path) = &req.target {
        return crate::admin::handle_with_body(state, &req.method, path, &req.body);
    }
    if crate::sts::is_sts(&req) {
        // Temporary keys live on the real clock, like signatures.
        return Ok(crate::sts::handle(
            state,
            &req,
            SystemTime::now(),
            request_id,
        ));
    }
    facts.bucket = req.bucket().map(str::to_string);
    facts.key = Some(req.key().to_string()).filter(|k| !k.is_empty());

    let op = router::route(&req)?;
    facts.op = Some(op);

    let form = match op {
        Op::PostObject => Some(handlers::post_object::parse_form(&req)?),
        _ => None,
    };
    let caller = match &form {
        Some(form) => authenticate_form(state, &req, form)?,
        None => authenticate(state, &req)?,
    };
    facts.caller = Some(caller.clone());

    check_body(&req)?;

    let decision = match &form {
        // A form upload is authorized as what it stores: its key, fields and file.
        Some(form) => {
            let key = form.key()?;
            let put =
                handlers::post_object::as_put(&req, form, req.bucket().unwrap_or_default(), &key);
            access::authorize_at(state, &caller, op, req.bucket(), &key, &put)?
        }
        None => access::authorize(state, &caller, op, &req)?,
    };
    facts.decision = Some(decision.clone());
    if !decision.allowed && state.config.auth == AuthMode::Enforce {
        return Err(access::denied(&decision));
    }

    if let Some(bucket) = req.bucket() {
        crate::handlers::lifecycle::sweep(state, bucket, now);
    }
    handlers::handle(
        op,
        &Ctx {
            state,
            req: &req,
            caller: &caller,
            now,
        },
    )
}

/// The caller: from the signature, or the first root account when `--auth off`. Signature windows
/// are checked against the real time, never the server clock (see `clock`).
fn authenticate(state: &AppState, req: &CosRequest) -> Result<Caller, CosError> {
    if state.config.auth == AuthMode::Off {
        let a = state
            .config
            .accounts
            .first()
            .ok_or_else(|| CosError::new(Code::InternalError))?;
        return Ok(Caller::Root {
            uin: a.uin.clone(),
            appid: a.appid.clone(),
        });
    }
    auth::authenticate(req, &state.keys, real_clock(state))
}

/// Signature time checks: the real time, and the configured skew.
fn real_clock(state: &AppState) -> Clock {
    Clock {
        now: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        skew: state.config.clock_skew.as_secs(),
    }
}

/// A form upload (POST Object) is authenticated from its `q-*` fields; a form without them falls
/// back to the Authorization header (mini-program SDKs send one), else it is anonymous.
fn authenticate_form(
    state: &AppState,
    req: &CosRequest,
    form: &crate::form::Form,
) -> Result<Caller, CosError> {
    if state.config.auth == AuthMode::Off {
        return authenticate(state, req);
    }
    match crate::form::authenticate(form, &state.keys, real_clock(state))? {
        Some(caller) => Ok(caller),
        None => authenticate(state, req),
    }
}

/// PUT and POST need a length (411 `MissingContentLength`); `Content-MD5` must match the body.
fn check_body(req: &CosRequest) -> Result<(), CosError> {
    let has_length = req.headers.contains_key(http::header::CONTENT_LENGTH)
        || req.headers.contains_key(http::header::TRANSFER_ENCODING);
    if matches!(req.method, http::Method::PUT | http::Method::POST) && !has_length {
        return Err(CosError::new(Code::MissingContentLength));
    }
    check_content_md5(
        req.headers.get("content-md5").map(|v| v.as_bytes()),
        &req.body,
    )
}

#[allow(clippy::too_many_arguments)]
fn record(
    state: &AppState,
    parts: &http::request::Parts,
    facts: &Facts,
    err: Option<&CosError>,
    status: u16,
    request_id: &str,
    now: SystemTime,
    started: Instant,
) {
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let caller = facts
        .caller
        .as_ref()
        .map(Caller::label)
        .unwrap_or_else(|| "anonymous".into());
    let op = facts.op.map(Op::name).unwrap_or("-");
    let code = err.map(|e| e.code.as_str()).unwrap_or("-");
    // A request refused before authorization (a bad signature, an expired key, ...) is explained by
    // its error.
    let refused =
        err.filter(|e| e.status() == http::StatusCode::FORBIDDEN && facts.decision.is_none());
    let reason = match (&facts.decision, refused) {
        (Some(d), _) => d.reason.clone(),
        (None, Some(e)) => format!("authentication failed: {}: {}", e.code.as_str(), e.message),
        (None, None) => "-".to_string(),
    };
    let decision = match (&facts.decision, refused) {
        (Some(d), _) => Some(if d.allowed { "allow" } else { "deny" }),
        (None, Some(_)) => Some("deny"),
        (None, None) => None,
    };
    let bucket = facts.bucket.as_deref().unwrap_or("-");
    let key = facts.key.as_deref().unwrap_or("-");
    let ms = format!("{duration_ms:.2}");
    match state.config.log_format {
        crate::config::LogFormat::Json => tracing::info!(
            target: "cos_mock::request",
            request_id,
            method = %parts.method,
            op,
            bucket,
            key,
            status,
            code,
            caller = caller.as_str(),
            reason = reason.as_str(),
            ms = ms.as_str(),
        ),
        crate::config::LogFormat::Pretty => tracing::info!(
            target: "cos_mock::request",
            "{} {op} {bucket}/{key} -> {status} {code} ({ms} ms) caller={caller} reason={reason} id={request_id}",
            parts.method,
        ),
    }
    if matches!(
        parts.uri.path(),
        "/_cos-mock/requests" | "/_cos-mock/health"
    ) {
        return;
    }
    state.journal.record(Entry {
        time: crate::clock::iso8601(now),
        request_id: request_id.to_string(),
        method: parts.method.to_string(),
        host: parts
            .uri
            .authority()
            .map(|a| a.to_string())
            .or_else(|| {
                parts
                    .headers
                    .get("host")
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_string)
            })
            .unwrap_or_default(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        bucket: facts.bucket.clone(),
        key: facts.key.clone(),
        action: facts.op.map(Op::action),
        caller,
        status,
        error_code: err.map(|e| e.code.as_str().to_string()),
        decision,
        reason: (reason != "-").then_some(reason),
        duration_ms,
    });
}

fn into_response(reply: Reply) -> Response {
    let mut resp = Response::new(Body::from(reply.body));
    *resp.status_mut() = reply.status;
    *resp.headers_mut() = reply.headers;
    resp
}
