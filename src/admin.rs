//! The reserved `/_cos-mock/*` endpoints: health, reset, state and the request journal. Never signed.

use http::{Method, StatusCode};
use serde_json::json;

use crate::error::{Code, CosError};
use crate::handlers::service::iso8601;
use crate::response::Reply;
use crate::AppState;

/// Answers an admin request; `path` is what follows `/_cos-mock/`.
pub fn handle(state: &AppState, method: &Method, path: &str) -> Result<Reply, CosError> {
    match (method, path) {
        (&Method::GET, "health") => Ok(Reply::json(r#"{"status":"ok"}"#)),
        (&Method::POST, "reset") => {
            state
                .reset()
                .map_err(|e| CosError::with_message(Code::InternalError, e))?;
            Ok(Reply::new(StatusCode::NO_CONTENT))
        }
        (&Method::GET, "state") => Ok(Reply::json(state_json(state).to_string())),
        (&Method::GET, "requests") => {
            let body = json!({ "requests": state.journal.snapshot() });
            Ok(Reply::json(body.to_string()))
        }
        (_, "health" | "reset" | "state" | "requests") => {
            Err(CosError::new(Code::MethodNotAllowed))
        }
        _ => Err(CosError::with_message(
            Code::NotImplemented,
            format!("There is no admin endpoint /_cos-mock/{path}."),
        )),
    }
}

/// Every bucket with its objects, as `GET /_cos-mock/state` shows it.
fn state_json(state: &AppState) -> serde_json::Value {
    let buckets: Vec<_> = state
        .store
        .buckets()
        .into_iter()
        .map(|b| {
            let objects: Vec<_> = b
                .objects
                .iter()
                .map(|(key, o)| json!({ "key": key, "size": o.data.len(), "etag": o.etag, "acl": acl_label(&o.acl) }))
                .collect();
            let policy = b.policy.as_ref().and_then(|p| serde_json::from_str::<serde_json::Value>(&p.text).ok());
            json!({
                "name": b.name,
                "owner": b.owner_uin,
                "region": b.region,
                "created": iso8601(b.created),
                "acl": acl_label(&b.acl),
                "policy": policy,
                "objects": objects,
            })
        })
        .collect();
    json!({ "buckets": buckets })
}

/// The canned name an ACL amounts to, or `custom` for explicit grants.
fn acl_label(acl: &crate::acl::Acl) -> &'static str {
    acl.canned_name().unwrap_or("custom")
}
