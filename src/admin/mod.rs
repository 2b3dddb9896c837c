//! The reserved `/_cos-mock/*` endpoints (the admin API): health, reset, state, the request
//! journal, the clock and the OpenAPI description of them all. Never signed; guarded against web
//! pages and, optionally, by a bearer token. Answers and errors are JSON (errors
//! `{"code","message"}`, rendered by [`error_reply`]); admin requests are not journaled.
//!
//! [`ENDPOINTS`] is the one table of paths and methods: routing, 404 `NotFound` and 405
//! `MethodNotAllowed` (with `Allow`) all come from it, and a test checks that `openapi.json`
//! describes exactly its rows.

mod clock;
mod dashboard;
mod requests;
mod state;

use http::{Method, StatusCode};
use serde_json::json;

use crate::error::{Code, CosError};
use crate::request::{CosRequest, ADMIN_BARE};
use crate::response::Reply;
use crate::AppState;

/// What an admin request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Health,
    Reset,
    State,
    Requests,
    Clock,
    SetClock,
    OpenApi,
    StateExport,
    StateImport,
    /// `GET /_cos-mock/`: the dashboard page.
    Dashboard,
    /// `/_cos-mock` without its slash: 308 to the dashboard.
    ToDashboard,
}

/// Every admin endpoint: method, path below `/_cos-mock/`, and what it is.
pub const ENDPOINTS: &[(&str, &str, Endpoint)] = &[
    ("GET", "health", Endpoint::Health),
    ("POST", "reset", Endpoint::Reset),
    ("GET", "state", Endpoint::State),
    ("GET", "requests", Endpoint::Requests),
    ("GET", "clock", Endpoint::Clock),
    ("POST", "clock", Endpoint::SetClock),
    ("GET", "openapi.json", Endpoint::OpenApi),
    ("GET", "state/export", Endpoint::StateExport),
    ("POST", "state/import", Endpoint::StateImport),
    ("GET", "", Endpoint::Dashboard),
];

/// The OpenAPI 3.0 description of the admin API, served at `GET /_cos-mock/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The endpoint `method` and `path` (what follows `/_cos-mock/`, still percent-encoded) name:
/// 404 `NotFound` for a path not in [`ENDPOINTS`], 405 `MethodNotAllowed` with `Allow` listing
/// the path's methods for another method (HEAD and OPTIONS included).
///
/// `/_cos-mock` itself ([`ADMIN_BARE`]) redirects to the dashboard whatever the method (a 308
/// keeps the method; the page answers 405 to anything but GET).
pub fn route(method: &Method, path: &str) -> Result<Endpoint, CosError> {
    if path == ADMIN_BARE {
        return Ok(Endpoint::ToDashboard);
    }
    let rows = ENDPOINTS.iter().filter(|(_, p, _)| *p == path);
    let mut allow = Vec::new();
    for (m, _, endpoint) in rows {
        if method.as_str() == *m {
            return Ok(*endpoint);
        }
        allow.push(*m);
    }
    let shown = crate::journal::clip(path);
    if allow.is_empty() {
        return Err(CosError::with_message(
            Code::NotFound,
            format!("There is no admin endpoint /_cos-mock/{shown}."),
        ));
    }
    let allow = allow.join(", ");
    Err(CosError::with_message(
        Code::MethodNotAllowed,
        format!(
            "/_cos-mock/{shown} answers {allow}, not {}.",
            crate::journal::clip(method.as_str())
        ),
    )
    .with_header("allow", allow))
}

/// Refuses what a web page (or anyone without the token) could send to the admin API:
/// - an `Origin` other than the server's own (`http[s]://<Host>`): a page on another site may POST
///   `/_cos-mock/reset` without a preflight, but its browser always says where it comes from;
/// - a state-changing (non-GET) request whose body is not `application/json` (415);
/// - with `--admin-token`, a request without `Authorization: Bearer <token>` (health excepted, so
///   health checks need no secret, and the dashboard page, which holds no data).
pub fn guard(token: Option<&str>, req: &CosRequest, endpoint: Endpoint) -> Result<(), CosError> {
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
    let open = matches!(
        endpoint,
        Endpoint::Health | Endpoint::Dashboard | Endpoint::ToDashboard
    );
    if let Some(token) = token.filter(|_| !open) {
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

/// Answers an admin request whose body (JSON or empty) has been read into `req.body`.
pub fn handle(state: &AppState, endpoint: Endpoint, req: &CosRequest) -> Result<Reply, CosError> {
    match endpoint {
        Endpoint::Health => Ok(Reply::json(r#"{"status":"ok"}"#)),
        Endpoint::Reset => {
            let fields = json_object(&req.body, "reset")?;
            if let Some(name) = fields.keys().next() {
                return Err(CosError::with_message(
                    Code::InvalidArgument,
                    format!(
                        "reset takes no fields (got {:?}).",
                        crate::journal::clip(name)
                    ),
                ));
            }
            state
                .reset()
                .map_err(|e| CosError::with_message(Code::InternalError, e))?;
            Ok(Reply::new(StatusCode::NO_CONTENT))
        }
        Endpoint::State => {
            crate::handlers::lifecycle::sweep_all(state, state.clock.now());
            Ok(Reply::json(state::state_json(state).to_string()))
        }
        Endpoint::Requests => {
            let filter = requests::parse(&req.query, state.journal.capacity())?;
            let body = json!({ "requests": state.journal.select(&filter) });
            Ok(Reply::json(body.to_string()))
        }
        Endpoint::Clock => Ok(Reply::json(clock::clock_json(state).to_string())),
        Endpoint::SetClock => {
            clock::set_clock(state, &req.body)?;
            Ok(Reply::json(clock::clock_json(state).to_string()))
        }
        Endpoint::OpenApi => Ok(Reply::json(OPENAPI)),
        Endpoint::StateExport => {
            let doc = crate::snapshot::export(state)?;
            let text = serde_json::to_string(&doc)
                .map_err(|e| CosError::with_message(Code::InternalError, e.to_string()))?;
            Ok(Reply::json(text))
        }
        Endpoint::StateImport => {
            crate::snapshot::import(state, &req.body)?;
            Ok(Reply::new(StatusCode::NO_CONTENT))
        }
        Endpoint::Dashboard => Ok(dashboard::page()),
        Endpoint::ToDashboard => Ok(dashboard::redirect()),
    }
}

/// A JSON request body as an object: an empty body is an empty object; anything but a JSON object
/// (bad syntax, a key given twice, an array, a number) is 400 `InvalidArgument`.
pub(crate) fn json_object(
    body: &[u8],
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, CosError> {
    let bad = |why: String| CosError::with_message(Code::InvalidArgument, why);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match crate::json::parse(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad(format!("The {what} body must be a JSON object."))),
        Err(e) => Err(bad(format!("The {what} body must be a JSON object: {e}."))),
    }
}

/// The status an error is answered with by the admin API: COS's, but 413 for a body over the
/// admin limit (COS answers `EntityTooLarge` with 400).
fn status_of(err: &CosError) -> StatusCode {
    match err.code {
        Code::EntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        code => code.status(),
    }
}

/// Renders an admin error: `{"code": ..., "message": ...}` as `application/json` (no body for
/// HEAD), with the error's headers (`Allow`).
pub fn error_reply(err: &CosError) -> Reply {
    let message = if err.message.is_empty() {
        err.code.default_message()
    } else {
        &err.message
    };
    let body = json!({ "code": err.code.as_str(), "message": message });
    let mut reply = Reply::json(body.to_string());
    reply.status = status_of(err);
    err.headers
        .iter()
        .fold(reply, |r, (name, value)| r.header(*name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_every_row_of_the_table() {
        for (method, path, endpoint) in ENDPOINTS {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            assert_eq!(route(&method, path).unwrap(), *endpoint, "{method} {path}");
        }
    }

    #[test]
    fn route_unknown_path_is_not_found() {
        for path in [
            "nope",
            "state/",
            "State",
            "../state",
            "%73tate",
            "state%00",
            "health/../state",
            "openapi.yaml",
        ] {
            let err = route(&Method::GET, path).unwrap_err();
            assert_eq!(err.code, Code::NotFound, "{path}");
            assert!(err.headers.is_empty());
        }
    }

    #[test]
    fn route_bare_admin_path_redirects_whatever_the_method() {
        for method in [Method::GET, Method::HEAD, Method::POST, Method::DELETE] {
            assert_eq!(route(&method, ADMIN_BARE).unwrap(), Endpoint::ToDashboard);
        }
    }

    #[test]
    fn route_wrong_method_is_405_with_allow() {
        for (method, path, allow) in [
            ("POST", "health", "GET"),
            ("HEAD", "state", "GET"),
            ("GET", "reset", "POST"),
            ("DELETE", "clock", "GET, POST"),
            ("OPTIONS", "requests", "GET"),
            ("PUT", "openapi.json", "GET"),
            ("POST", "", "GET"),
        ] {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let err = route(&method, path).unwrap_err();
            assert_eq!(err.code, Code::MethodNotAllowed, "{method} {path}");
            assert_eq!(
                err.headers,
                [("allow", allow.to_string())],
                "{method} {path}"
            );
        }
    }

    #[test]
    fn openapi_describes_exactly_the_table() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        let mut described: Vec<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, ops)| {
                let path = path.strip_prefix("/_cos-mock/").unwrap().to_string();
                ops.as_object()
                    .unwrap()
                    .keys()
                    .filter(|m| m.as_str() != "parameters")
                    .map(move |m| (m.to_ascii_uppercase(), path.clone()))
            })
            .collect();
        described.sort();
        let mut table: Vec<(String, String)> = ENDPOINTS
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string()))
            .collect();
        table.sort();
        assert_eq!(described, table);
    }

    #[test]
    fn json_object_takes_objects_and_empty_bodies_only() {
        assert!(json_object(b"", "x").unwrap().is_empty());
        assert!(json_object(b" \n", "x").unwrap().is_empty());
        assert_eq!(json_object(br#"{"a":1}"#, "x").unwrap().len(), 1);
        for bad in [
            &b"[]"[..],
            b"1",
            b"\"a\"",
            b"null",
            b"{",
            b"{\"a\":1,\"a\":2}",
            b"{} {}",
            b"\xff",
        ] {
            let err = json_object(bad, "x").unwrap_err();
            assert_eq!(err.code, Code::InvalidArgument, "{bad:?}");
        }
    }

    #[test]
    fn error_reply_is_json_with_413_for_too_large() {
        let reply = error_reply(&CosError::new(Code::EntityTooLarge));
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            reply.headers.get("content-type").unwrap(),
            "application/json"
        );
        let err = route(&Method::PUT, "clock").unwrap_err();
        let reply = error_reply(&err);
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(reply.headers.get("allow").unwrap(), "GET, POST");
    }
}
