//! The reserved `/_cos-mock/*` endpoints: health, reset, state, clock and the request journal. Never
//! signed; guarded against web pages and, optionally, by a bearer token.

use http::{Method, StatusCode};
use serde_json::json;

use crate::clock::iso8601;
use crate::error::{Code, CosError};
use crate::request::CosRequest;
use crate::response::Reply;
use crate::AppState;

/// Refuses what a web page (or anyone without the token) could send to the admin API:
/// - an `Origin` other than the server's own (`http[s]://<Host>`): a page on another site may POST
///   `/_cos-mock/reset` without a preflight, but its browser always says where it comes from;
/// - a state-changing (non-GET) request whose body is not `application/json` (415);
/// - with `--admin-token`, a request without `Authorization: Bearer <token>` (health excepted, so
///   health checks need no secret).
pub fn guard(token: Option<&str>, req: &CosRequest, path: &str) -> Result<(), CosError> {
    let denied = |why: &str| CosError::with_message(Code::AccessDenied, why.to_string());
    if let Some(origin) = req.headers.get(http::header::ORIGIN) {
        let scheme = if req.secure { "https" } else { "http" };
        let own = format!("{scheme}://{}", req.host);
        if !origin.as_bytes().eq_ignore_ascii_case(own.as_bytes()) {
            return Err(denied(
                "The admin API refuses cross-site requests (their Origin is not this server).",
            ));
        }
    }
    if let Some(token) = token.filter(|_| path != "health") {
        let given = req
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        let same: bool = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes()).into();
        if !same {
            return Err(denied(
                "The admin API needs Authorization: Bearer <token> (--admin-token).",
            ));
        }
    }
    let has_body = req.headers.contains_key(http::header::TRANSFER_ENCODING)
        || crate::body::declared_length(&req.headers).is_some_and(|n| n > 0);
    let json = req
        .header("content-type")
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if req.method != Method::GET && req.method != Method::HEAD && has_body && !json {
        return Err(CosError::new(Code::UnsupportedMediaType));
    }
    Ok(())
}

/// Answers an admin request; `path` is what follows `/_cos-mock/`, `body` is JSON (`POST
/// /_cos-mock/clock`) or empty.
pub fn handle(
    state: &AppState,
    method: &Method,
    path: &str,
    body: &[u8],
) -> Result<Reply, CosError> {
    match (method, path) {
        (&Method::GET, "clock") => Ok(Reply::json(clock_json(state).to_string())),
        (&Method::POST, "clock") => {
            set_clock(state, body)?;
            Ok(Reply::json(clock_json(state).to_string()))
        }
        (&Method::GET, "health") => Ok(Reply::json(r#"{"status":"ok"}"#)),
        (&Method::POST, "reset") => {
            state
                .reset()
                .map_err(|e| CosError::with_message(Code::InternalError, e))?;
            Ok(Reply::new(StatusCode::NO_CONTENT))
        }
        (&Method::GET, "state") => {
            crate::handlers::lifecycle::sweep_all(state, state.clock.now());
            Ok(Reply::json(state_json(state).to_string()))
        }
        (&Method::GET, "state/export") => {
            let doc = crate::snapshot::export(state)?;
            let text = serde_json::to_string(&doc)
                .map_err(|e| CosError::with_message(Code::InternalError, e.to_string()))?;
            Ok(Reply::json(text))
        }
        (&Method::POST, "state/import") => {
            crate::snapshot::import(state, body)?;
            Ok(Reply::new(StatusCode::NO_CONTENT))
        }
        (&Method::GET, "requests") => {
            let body = json!({ "requests": state.journal.snapshot() });
            Ok(Reply::json(body.to_string()))
        }
        (_, "health" | "reset" | "state" | "requests" | "clock") => {
            Err(CosError::new(Code::MethodNotAllowed))
        }
        _ => Err(CosError::with_message(
            Code::NotImplemented,
            format!("There is no admin endpoint /_cos-mock/{path}."),
        )),
    }
}

/// The server clock as `GET/POST /_cos-mock/clock` show it.
fn clock_json(state: &AppState) -> serde_json::Value {
    json!({
        "offset_seconds": state.clock.offset(),
        "now": iso8601(state.clock.now()),
        "restore_delay_seconds": state.clock.restore_delay().as_secs(),
    })
}

/// Applies `{"advance_seconds": N}`, `{"offset_seconds": N}` and/or `{"restore_delay_seconds": N}`,
/// then applies lifecycle rules at the new time. Anything else is 400 `InvalidArgument`.
fn set_clock(state: &AppState, body: &[u8]) -> Result<(), CosError> {
    let bad = |why: String| CosError::with_message(Code::InvalidArgument, why);
    let doc: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| bad(format!("The clock body must be a JSON object: {e}.")))?;
    let obj = doc
        .as_object()
        .ok_or_else(|| bad("The clock body must be a JSON object.".into()))?;
    if obj.is_empty() {
        return Err(bad(
            "Give advance_seconds, offset_seconds or restore_delay_seconds.".into(),
        ));
    }
    for (k, v) in obj {
        match k.as_str() {
            "advance_seconds" | "offset_seconds" => {
                v.as_i64()
                    .ok_or_else(|| bad(format!("{k} must be an integer number of seconds.")))?;
            }
            "restore_delay_seconds" => {
                v.as_u64().ok_or_else(|| {
                    bad(format!(
                        "{k} must be a non-negative integer number of seconds."
                    ))
                })?;
            }
            other => return Err(bad(format!("Unknown clock field {other:?}."))),
        }
    }
    // Check every change before making any: the clock must stay between 1970 and 9999.
    let out_of_range = || bad("The clock would leave the years 1970 to 9999.".into());
    let mut offset = state.clock.offset();
    if let Some(n) = obj.get("offset_seconds").and_then(|v| v.as_i64()) {
        offset = n;
    }
    if let Some(n) = obj.get("advance_seconds").and_then(|v| v.as_i64()) {
        offset = offset.checked_add(n).ok_or_else(out_of_range)?;
    }
    if !crate::clock::offset_in_range(offset) {
        return Err(out_of_range());
    }
    state.clock.set_offset(offset);
    if let Some(n) = obj.get("restore_delay_seconds").and_then(|v| v.as_u64()) {
        state.clock.set_restore_delay(n);
    }
    crate::handlers::lifecycle::sweep_all(state, state.clock.now());
    Ok(())
}

/// Every bucket with its objects, and the count of caught handler panics, as
/// `GET /_cos-mock/state` shows it.
fn state_json(state: &AppState) -> serde_json::Value {
    let dialects = [("cos", &state.store), ("oss", &state.oss_store)];
    let buckets: Vec<_> = dialects
        .into_iter()
        .flat_map(|(dialect, store)| store.buckets().into_iter().map(move |b| (dialect, b)))
        .map(|(dialect, b)| {
            let objects: Vec<_> = b
                .objects
                .iter()
                .map(|(key, o)| {
                    let mut v = json!({
                        "key": key,
                        "size": o.data.len(),
                        "etag": o.etag.to_string(),
                        "acl": acl_label(&o.acl),
                        "version_id": o.version_id,
                        "tags": tag_map(&o.tags),
                        "appendable": o.appendable,
                    });
                    if let Some(target) = &o.symlink_target {
                        v["symlink_target"] = json!(target);
                    }
                    v
                })
                .collect();
            let text = match dialect {
                "oss" => b.oss_policy.as_ref().map(|p| p.text.as_str()),
                _ => b.policy.as_ref().map(|p| p.text.as_str()),
            };
            let policy = text.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
            let (versions, delete_markers) = b.version_counts();
            json!({
                "dialect": dialect,
                "name": b.name,
                "owner": b.owner_uin,
                "region": b.region,
                "created": iso8601(b.created),
                "acl": acl_label(&b.acl),
                "policy": policy,
                "configurations": b.configs.to_json(),
                "tags": b.tagging.as_deref().map(tag_map),
                "encryption": b.encryption.as_ref().map(|e| e.algorithm.as_str()),
                "objects": objects,
                "versioning": b.versioning.as_str(),
                "versions": versions,
                "delete_markers": delete_markers,
            })
        })
        .collect();
    json!({ "buckets": buckets, "panics": state.panics() })
}

/// Tags as a JSON object.
fn tag_map(tags: &[(String, String)]) -> serde_json::Value {
    tags.iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The canned name an ACL amounts to, or `custom` for explicit grants.
fn acl_label(acl: &crate::acl::Acl) -> &'static str {
    acl.canned_name().unwrap_or("custom")
}
