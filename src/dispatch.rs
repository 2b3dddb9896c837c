//! The request path, top to bottom:
//!
//! read the head → address (dialect, bucket, key, region) → route (admin, STS or a COS operation)
//! → authenticate from the head → authorize (a pure decision over gathered facts) → read the body,
//! bounded by the operation's limit → verify Content-MD5 → handle → render; then one log line and
//! one journal entry.
//!
//! A request that authentication or authorization refuses is answered without reading its body (the
//! connection is then closed). Two routes are signed inside their body and read it (bounded) first:
//! STS, and POST Object, whose form is parsed once and rejoins the path at authentication.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use futures_util::FutureExt;
use http::{Request, Response};

use crate::access::{self, Decision};
use crate::auth::{self, Caller, Clock};
use crate::body::{self, Limit, Unread};
use crate::checksum::{self, check_content_md5, Payload};
use crate::config::AuthMode;
use crate::dialect::Dialect;
use crate::error::{Code, CosError};
use crate::form::Form;
use crate::handlers::{self, Ctx};
use crate::journal::Record;
use crate::request::{Addressing, CosRequest, Target};
use crate::response::{error_reply, finish, Reply};
use crate::router::{Op, Route};
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
    dialect: Dialect,
    /// The Host without port (OSS errors' `HostId`).
    host_id: String,
    /// A GET Object's `x-cos-traffic-limit`: its body is sent at this many bits per second.
    download_bps: Option<u64>,
    /// Addressed to the admin API: errors are JSON, and the request is not journaled.
    admin: bool,
}

/// Where a request came from.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub remote: Option<SocketAddr>,
    /// Whether the request came over TLS.
    pub secure: bool,
}

/// What every step of one request shares.
struct Call<'a> {
    state: &'a AppState,
    /// The server clock's now: object times and expiry (signatures use the real time).
    now: SystemTime,
    /// The request's sequence number, from which its id is made in its dialect's shape.
    seq: u64,
}

impl Call<'_> {
    fn request_id(&self, dialect: Dialect) -> String {
        match dialect {
            Dialect::Cos => crate::response::new_request_id(self.now, self.seq),
            Dialect::Oss => crate::dialect::oss::render::request_id(self.now, self.seq),
        }
    }
}

/// Answers one request (the accept loop calls it for every request of every connection).
pub async fn entry(state: &AppState, req: Request<Body>, peer: Peer) -> Response<Body> {
    let started = Instant::now();
    let now = state.clock.now();
    let seq = state.next_seq();
    let (parts, body) = req.into_parts();
    let mut body =
        Unread::new(body, &parts.headers).with_idle_timeout(state.config.transport.body_idle);
    let mut facts = Facts::default();
    let call = Call { state, now, seq };
    let result = AssertUnwindSafe(serve(&call, &parts, &mut body, peer, &mut facts))
        .catch_unwind()
        .await
        .unwrap_or_else(|_| {
            // The last net: no client input should get here (a bug); count it so it shows.
            let panics = state.count_panic();
            tracing::error!(
                seq,
                panics,
                "internal fault (a panic, {panics} since start) while handling {} {}",
                parts.method,
                parts.uri
            );
            Err(CosError::new(Code::InternalError))
        });
    let request_id = call.request_id(facts.dialect);
    // The error is kept for the log and the journal (a clone on the error path only).
    let err = result.as_ref().err().cloned();
    let mut reply = render(state, &parts, &facts, result, &request_id);
    if body.left_unread() {
        // The client may still be sending what was not read: answer, then close.
        reply.headers.insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
    }
    let paced = facts
        .download_bps
        .filter(|_| err.is_none() && reply.status.is_success());
    record(
        state,
        &parts,
        facts,
        err.as_ref(),
        reply.status.as_u16(),
        request_id,
        now,
        started,
    );
    into_response(reply, paced)
}

/// The answer in the request's dialect: the handler's reply or the error, with the common headers.
fn render(
    state: &AppState,
    parts: &http::request::Parts,
    facts: &Facts,
    result: Result<Reply, CosError>,
    request_id: &str,
) -> Reply {
    let method = &parts.method;
    if facts.admin {
        let reply = result.unwrap_or_else(|err| crate::admin::error_reply(&err));
        return finish(reply, request_id, SystemTime::now(), method);
    }
    let resource = || {
        facts
            .resource
            .clone()
            .unwrap_or_else(|| parts.uri.path().to_string())
    };
    match facts.dialect {
        Dialect::Cos => {
            let reply = match result {
                Ok(reply) => reply,
                Err(err) => error_reply(&err, &resource(), request_id, method),
            };
            let reply = handlers::cors::decorate(state, facts.bucket.as_deref(), parts, reply);
            finish(reply, request_id, SystemTime::now(), method)
        }
        Dialect::Oss => {
            use crate::dialect::oss::render;
            let reply = match result {
                Ok(reply) => reply,
                Err(err) => render::error_reply(&err, &facts.host_id, request_id, method),
            };
            render::finish(reply, request_id, SystemTime::now(), method)
        }
    }
}

/// head → address → route, then the route's own way through authentication, body and handler.
async fn serve(
    call: &Call<'_>,
    parts: &http::request::Parts,
    body: &mut Unread,
    peer: Peer,
    facts: &mut Facts,
) -> Result<Reply, CosError> {
    let mut req = read_head(call.state, parts, peer).inspect_err(|_| {
        facts.admin = addressed_to_admin(call.state, parts);
    })?;
    facts.admin = matches!(req.target, Target::Admin(_));
    facts.resource = Some(req.resource());
    facts.dialect = req.dialect;
    facts.host_id = crate::request::strip_port(&req.host).to_string();
    req.check_query()?;
    let route = match (req.dialect, &req.target) {
        (Dialect::Oss, Target::Bucket { .. } | Target::Service) => {
            Route::Op(crate::dialect::oss::route::route(&req)?)
        }
        _ => Route::of(&req)?,
    };
    match route {
        Route::Admin(path) => {
            let endpoint = crate::admin::route(&req.method, &path)?;
            crate::admin::guard(call.state.config.admin_token.as_deref(), &req, endpoint)?;
            let limit = match endpoint {
                crate::admin::Endpoint::StateImport => crate::snapshot::MAX_IMPORT_BYTES,
                _ => body::ADMIN,
            };
            req.body = body.read(Limit::document(limit)).await?;
            crate::admin::handle(call.state, endpoint, &req)
        }
        Route::Sts => {
            // Signed inside its body; temporary keys live on the real clock, like signatures.
            req.body = body.read(Limit::document(body::STS)).await?;
            Ok(crate::sts::handle(
                call.state,
                &req,
                SystemTime::now(),
                &call.request_id(Dialect::Cos),
            ))
        }
        Route::Op(op) => {
            facts.bucket = req.bucket().map(str::to_string);
            facts.key = Some(req.key().to_string()).filter(|k| !k.is_empty());
            facts.op = Some(op);
            check_region(call.state, &req, op)?;
            if op == Op::PostObject {
                post_object(call, req, body, facts).await
            } else {
                operation(call, req, op, body, facts).await
            }
        }
    }
}

/// Whether a request whose head could not be read (a bad percent-encoding, a control character)
/// was addressed to the admin API, so its error is answered in the admin API's JSON.
fn addressed_to_admin(state: &AppState, parts: &http::request::Parts) -> bool {
    let host = parts
        .uri
        .authority()
        .map(|a| a.as_str())
        .or_else(|| parts.headers.get("host").and_then(|h| h.to_str().ok()))
        .unwrap_or_default();
    let addressing = Addressing {
        region: &state.config.region,
        default_bucket: state.config.default_bucket.as_deref(),
        oss_region: &state.config.oss.region,
    };
    crate::request::address(host, parts.uri.path(), &addressing, false)
        .is_ok_and(|a| matches!(a.target, Target::Admin(_)))
}

/// The head of a request as the rest of the server sees it, addressed.
fn read_head(
    state: &AppState,
    parts: &http::request::Parts,
    peer: Peer,
) -> Result<CosRequest, CosError> {
    let addressing = Addressing {
        region: &state.config.region,
        default_bucket: state.config.default_bucket.as_deref(),
        oss_region: &state.config.oss.region,
    };
    let mut req = CosRequest::from_head(parts, &addressing, peer.remote)?;
    req.secure |= peer.secure;
    Ok(req)
}

/// A COS bucket addressed through a Host that names another region than the bucket's own is, to
/// COS, a bucket that region's endpoint does not have: 404 `NoSuchBucket`, before authentication
/// (COS documents no code for this; the choice is in the README). A Host that names no region
/// (`127.0.0.1`, `localhost`) reaches the bucket wherever it is; PUT Bucket keeps its own answers.
/// A Host whose region label is no region (`<bucket>.cos.gz.myqcloud.com`,
/// [`crate::request::unknown_region_of_host`]) gets the same 404 for every operation, PUT Bucket
/// included: no bucket can exist in, or be created in, a region COS does not have.
fn check_region(state: &AppState, req: &CosRequest, op: Op) -> Result<(), CosError> {
    let (Dialect::Cos, Some(bucket)) = (req.dialect, req.bucket()) else {
        return Ok(());
    };
    if let Some(label) = crate::request::unknown_region_of_host(&req.host) {
        return Err(CosError::with_message(
            Code::NoSuchBucket,
            format!("The specified bucket does not exist in region {label}."),
        ));
    }
    let Some(asked) = crate::request::region_of_host(&req.host) else {
        return Ok(());
    };
    let elsewhere = state
        .store
        .with_bucket(bucket, |b| b.region != asked)
        .unwrap_or(false);
    if elsewhere && op != Op::PutBucket {
        return Err(CosError::with_message(
            Code::NoSuchBucket,
            format!("The specified bucket does not exist in region {asked}."),
        ));
    }
    Ok(())
}

/// A COS operation: authenticate and authorize from the head, then read the body.
async fn operation(
    call: &Call<'_>,
    mut req: CosRequest,
    op: Op,
    body: &mut Unread,
    facts: &mut Facts,
) -> Result<Reply, CosError> {
    check_length(&req)?;
    handlers::website::resolve(call.state, &mut req, op)?;
    let caller = authenticate(call.state, &req)?;
    facts.caller = Some(caller.clone());
    let decision = access::authorize(call.state, &caller, op, &req)?;
    enforce(call.state, decision, facts)?;
    handlers::bucket_config::referer_guard(call.state, &req, &caller, op)?;
    let bps = crate::traffic::of(op, &req)?;
    if op == Op::GetObject {
        facts.download_bps = bps;
    }
    let limit = Limit::of(op, &call.state.config);
    let content_md5 = req.headers.get("content-md5").cloned();
    let content_md5 = content_md5.as_ref().map(|v| v.as_bytes());
    // What a handler stores as it is, it owns (see `Ctx::take_body`).
    let stores = matches!(op, Op::PutObject | Op::UploadPart);
    if stores && body.declared().is_some_and(|n| n >= HEAVY_BODY as u64) {
        let payload = body.read_summed(limit, bps).await?;
        check_content_md5(content_md5, || payload.md5)?;
        return handle(call, op, &req, &caller, Some(payload));
    }
    req.body = body.read_paced(limit, bps).await?;
    heavy(op, req.body.len(), || {
        let payload = stores.then(|| Payload::of(std::mem::take(&mut req.body)));
        check_content_md5(content_md5, || match &payload {
            Some(p) => p.md5,
            None => checksum::md5(&req.body),
        })?;
        handle(call, op, &req, &caller, payload)
    })
}

/// POST Object: the signature is inside the form, so the (bounded) body is read and parsed first;
/// the form is then authenticated and authorized as what it stores (its key, fields and file).
async fn post_object(
    call: &Call<'_>,
    mut req: CosRequest,
    body: &mut Unread,
    facts: &mut Facts,
) -> Result<Reply, CosError> {
    check_length(&req)?;
    let bps = crate::traffic::of(Op::PostObject, &req)?;
    req.body = body
        .read_paced(Limit::of(Op::PostObject, &call.state.config), bps)
        .await?;
    let form = heavy(Op::PostObject, req.body.len(), || {
        check_content_md5(req.headers.get("content-md5").map(|v| v.as_bytes()), || {
            checksum::md5(&req.body)
        })?;
        handlers::post_object::parse_form(&req)
    })?;
    crate::traffic::parse(form.field(crate::traffic::NAME))?;
    let caller = authenticate_form(call.state, &req, &form)?;
    facts.caller = Some(caller.clone());
    let key = form.key()?;
    let bucket = req.bucket().unwrap_or_default();
    let put = handlers::post_object::as_put(&req, &form, bucket, &key);
    let decision = access::authorize_at(
        call.state,
        &caller,
        Op::PostObject,
        req.bucket(),
        &key,
        &put,
    )?;
    enforce(call.state, decision, facts)?;
    heavy(Op::PostObject, req.body.len(), || {
        handle(call, Op::PostObject, &req, &caller, None)
    })
}

/// A body at least this large makes its request's checksum, parse and store [`heavy`].
const HEAVY_BODY: usize = 256 * 1024;

/// Runs a request's CPU-bound part (the body's MD5 and CRC64, a document's parse, a Complete's
/// CRC64 of the whole object) with `block_in_place` when it can take more than a few milliseconds: a body
/// of [`HEAVY_BODY`] or more, or a Complete. The runtime then hands this worker's other connections
/// to another thread meanwhile, so a 1 GiB PUT or an 8 MiB batch delete does not stall health
/// checks and small requests queued behind it. Small requests run in place (no thread handoff).
fn heavy<T>(op: Op, body_len: usize, work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    let big = body_len >= HEAVY_BODY || op == Op::CompleteMultipartUpload;
    let multi_thread =
        Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread);
    if big && multi_thread {
        tokio::task::block_in_place(work)
    } else {
        work()
    }
}

/// Records the decision; a denial refuses the request under `--auth enforce`.
fn enforce(state: &AppState, decision: Decision, facts: &mut Facts) -> Result<(), CosError> {
    let refused = !decision.allowed && state.config.auth == AuthMode::Enforce;
    let err = refused.then(|| access::denied(&decision));
    facts.decision = Some(decision);
    err.map_or(Ok(()), Err)
}

/// Applies due lifecycle rules to the bucket, then calls the operation's handler.
fn handle(
    call: &Call<'_>,
    op: Op,
    req: &CosRequest,
    caller: &Caller,
    body: Option<Payload>,
) -> Result<Reply, CosError> {
    // Lifecycle rules are COS's (OSS buckets have none here).
    if let (Dialect::Cos, Some(bucket)) = (req.dialect, req.bucket()) {
        crate::handlers::lifecycle::sweep(call.state, bucket, call.now);
    }
    handlers::handle(
        op,
        &Ctx {
            state: call.state,
            req,
            caller,
            now: call.now,
            body: body.into(),
        },
    )
}

/// The caller: from the signature, or the first root account when `--auth off`. Signature windows
/// are checked against the real time, never the server clock (see `clock`).
fn authenticate(state: &AppState, req: &CosRequest) -> Result<Caller, CosError> {
    let off = state.config.auth == AuthMode::Off;
    match req.dialect {
        Dialect::Cos if off => {
            let a = state.config.accounts.first().ok_or_else(no_account)?;
            Ok(Caller::Root {
                uin: a.uin.clone(),
                appid: a.appid.clone(),
            })
        }
        Dialect::Oss if off => {
            let a = state.config.oss.accounts.first().ok_or_else(no_account)?;
            Ok(Caller::OssAccount { uid: a.uid.clone() })
        }
        Dialect::Cos => auth::authenticate(req, &state.keys, real_clock(state)),
        Dialect::Oss => {
            let now = real_clock(state).now;
            auth::oss::authenticate(req, &state.keys, i64::try_from(now).unwrap_or(i64::MAX))
        }
    }
}

/// `--auth off` acts as the first account of the dialect; a config with none cannot.
fn no_account() -> CosError {
    CosError::with_message(
        Code::AccessDenied,
        "--auth off acts as the first account, and the config has none for this dialect.",
    )
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
fn authenticate_form(state: &AppState, req: &CosRequest, form: &Form) -> Result<Caller, CosError> {
    if state.config.auth == AuthMode::Off {
        return authenticate(state, req);
    }
    match crate::form::authenticate(form, &state.keys, real_clock(state))? {
        Some(caller) => Ok(caller),
        None => authenticate(state, req),
    }
}

/// PUT and POST need a length (411 `MissingContentLength`): a `Content-Length` or a chunked body.
fn check_length(req: &CosRequest) -> Result<(), CosError> {
    let has_length = req.headers.contains_key(http::header::CONTENT_LENGTH)
        || req.headers.contains_key(http::header::TRANSFER_ENCODING);
    if matches!(req.method, http::Method::PUT | http::Method::POST) && !has_length {
        return Err(CosError::new(Code::MissingContentLength));
    }
    Ok(())
}

/// Text for one pretty log line: a key may hold CR or LF (XML carries them), which would otherwise
/// start a line of the client's making. Written escaped, without a copy.
struct OneLine<'a>(&'a str);

impl std::fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['\r', '\n']) {
            f.write_str(&rest[..at])?;
            f.write_str(if rest.as_bytes()[at] == b'\r' {
                "\\r"
            } else {
                "\\n"
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

/// The request's log line and its journal entry.
#[allow(clippy::too_many_arguments)]
fn record(
    state: &AppState,
    parts: &http::request::Parts,
    mut facts: Facts,
    err: Option<&CosError>,
    status: u16,
    request_id: String,
    now: SystemTime,
    started: Instant,
) {
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    // A request refused before authorization (a bad signature, an expired key, ...) is explained by
    // its error.
    let refused =
        err.filter(|e| e.status() == http::StatusCode::FORBIDDEN && facts.decision.is_none());
    let (decision, reason) = match (facts.decision.take(), refused) {
        (Some(d), _) => (
            Some(if d.allowed { "allow" } else { "deny" }),
            Some(d.reason),
        ),
        (None, Some(e)) => (
            Some("deny"),
            Some(format!(
                "authentication failed: {}: {}",
                e.code.as_str(),
                e.message
            )),
        ),
        (None, None) => (None, None),
    };
    log_request(
        state,
        &RequestLine {
            parts,
            facts: &facts,
            request_id: &request_id,
            status,
            code: err.map(|e| e.code.as_str()),
            decision,
            reason: reason.as_deref(),
            duration_ms,
        },
    );
    // The admin API's own calls would crowd out what the journal is for.
    if facts.admin {
        return;
    }
    let host = match parts.uri.authority() {
        Some(a) => a.as_str(),
        None => parts
            .headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default(),
    };
    state.journal.record(Record {
        time: now,
        request_id,
        method: crate::journal::method_name(&parts.method),
        host: host.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        bucket: facts.bucket,
        key: facts.key,
        op: facts.op.map(|op| (op, facts.dialect)),
        caller: facts.caller,
        status,
        error_code: err.map(|e| e.code.as_str()),
        decision,
        reason: reason.filter(|r| r != "-"),
        duration_ms,
    });
}

/// What one request's log line says (borrowed: the line costs no allocation).
struct RequestLine<'a> {
    parts: &'a http::request::Parts,
    facts: &'a Facts,
    request_id: &'a str,
    status: u16,
    code: Option<&'static str>,
    decision: Option<&'static str>,
    reason: Option<&'a str>,
    duration_ms: f64,
}

/// The path of the health endpoint, whose probes log at DEBUG.
const HEALTH_PATH: &str = "/_cos-mock/health";

impl RequestLine<'_> {
    /// A denial (under `--auth off` too: the decision would have refused it) logs at WARN, so
    /// `COS_MOCK_LOG=warn` keeps denials; a health probe at DEBUG, so a probing container or
    /// orchestrator does not fill the log; anything else at INFO.
    fn level(&self) -> tracing::Level {
        if self.decision == Some("deny") {
            tracing::Level::WARN
        } else if self.parts.uri.path() == HEALTH_PATH {
            tracing::Level::DEBUG
        } else {
            tracing::Level::INFO
        }
    }
}

/// `tracing::event!` at a level known only at run time (the macros take a constant one).
macro_rules! event_at {
    ($level:expr, $($event:tt)+) => {
        if $level == tracing::Level::WARN {
            tracing::warn!($($event)+)
        } else if $level == tracing::Level::DEBUG {
            tracing::debug!($($event)+)
        } else {
            tracing::info!($($event)+)
        }
    };
}

/// The request's one log line (target `cos_mock::request`). JSON: `request_id`, `method`, `path`,
/// `op`, `bucket`, `key`, `status`, `code`, `caller`, `decision`, `reason`, `ms` (a number, 2
/// places); what a request does not have (the op, bucket and key of an admin request, the code of
/// a success, the caller of a request refused before authentication) is `null`. Pretty: one line
/// with `bucket/key`, or the path when the request names no bucket, and `-` for what is missing.
fn log_request(state: &AppState, line: &RequestLine<'_>) {
    let RequestLine {
        parts,
        facts,
        request_id,
        status,
        code,
        decision,
        reason,
        duration_ms,
    } = *line;
    let op = facts.op.map(Op::name);
    // The log line keeps no more of client-chosen text than the journal does.
    let bucket = facts.bucket.as_deref().map(crate::journal::clip);
    let key = facts.key.as_deref().map(crate::journal::clip);
    let reason = reason.map(crate::journal::clip);
    let path = crate::journal::clip(parts.uri.path());
    let level = line.level();
    match state.config.log_format {
        crate::config::LogFormat::Json => event_at!(
            level,
            target: "cos_mock::request",
            request_id,
            method = parts.method.as_str(),
            path = path.as_ref(),
            op,
            bucket = bucket.as_deref(),
            key = key.as_deref(),
            status,
            code,
            caller = facts.caller.as_ref().map(tracing::field::display),
            decision,
            reason = reason.as_deref(),
            ms = (duration_ms * 100.0).round() / 100.0,
        ),
        crate::config::LogFormat::Pretty => {
            let place = Place {
                bucket: bucket.as_deref(),
                key: key.as_deref(),
                path: &path,
            };
            event_at!(
                level,
                target: "cos_mock::request",
                "{} {} {place} -> {status} {} ({duration_ms:.2} ms) caller={} reason={} id={request_id}",
                parts.method,
                op.unwrap_or("-"),
                code.unwrap_or("-"),
                Dash(facts.caller.as_ref()),
                OneLine(reason.as_deref().unwrap_or("-")),
            )
        }
    }
}

/// What a pretty line says a request was about: `bucket/key` (`-` for no key), else the path.
struct Place<'a> {
    bucket: Option<&'a str>,
    key: Option<&'a str>,
    path: &'a str,
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.bucket {
            Some(bucket) => write!(
                f,
                "{}/{}",
                OneLine(bucket),
                OneLine(self.key.unwrap_or("-"))
            ),
            None => OneLine(self.path).fmt(f),
        }
    }
}

/// An optional value in a pretty line: itself, or `-`.
struct Dash<'a, T>(Option<&'a T>);

impl<T: std::fmt::Display> std::fmt::Display for Dash<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(value) => value.fmt(f),
            None => f.write_str("-"),
        }
    }
}

/// The answer on a connection over the cap (see `transport::Gate`) to anything but the health
/// check: 503 `SlowDown`, and the connection closes. Not journaled: nothing was served.
pub fn over_cap(method: &http::Method, path: &str) -> Response<Body> {
    let now = SystemTime::now();
    let request_id = crate::response::new_request_id(now, 0);
    let err = CosError::with_message(
        Code::SlowDown,
        "Please reduce your request rate: the server is at its connection cap (--max-connections).",
    );
    let mut reply = finish(
        error_reply(&err, path, &request_id, method),
        &request_id,
        now,
        method,
    );
    reply.headers.insert(
        http::header::CONNECTION,
        http::HeaderValue::from_static("close"),
    );
    into_response(reply, None)
}

fn into_response(reply: Reply, paced_bps: Option<u64>) -> Response<Body> {
    let body = match paced_bps {
        Some(bps) if !reply.body.is_empty() => crate::traffic::paced_body(reply.body, bps),
        _ => reply.body.into_body(),
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = reply.status;
    *resp.headers_mut() = reply.headers;
    resp
}
