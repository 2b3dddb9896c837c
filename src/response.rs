//! What handlers return (`Reply`) and the one place a reply or an error becomes an HTTP response with
//! COS's common headers (`Server`, `Date`, `x-cos-request-id`, `x-cos-trace-id` on errors).

use std::time::SystemTime;

use base64::Engine;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode};

use crate::clock::http_date;
use crate::data::Data;
use crate::error::{render_xml, CosError};

/// A successful answer, before the common headers are added.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Data,
}

impl Reply {
    pub fn new(status: StatusCode) -> Reply {
        Reply {
            status,
            // Room for an object's usual headers and the common ones: no regrowth per response.
            headers: HeaderMap::with_capacity(16),
            body: Data::default(),
        }
    }

    /// 200 with an XML body.
    pub fn xml(body: String) -> Reply {
        Reply::new(StatusCode::OK)
            .header(CONTENT_TYPE, "application/xml")
            .body(body)
    }

    /// 200 with a JSON body.
    pub fn json(body: impl Into<Data>) -> Reply {
        Reply::new(StatusCode::OK)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
    }

    /// Adds a header; values that are not valid header text are dropped (they come from our own store,
    /// where they were valid when received).
    pub fn header(mut self, name: impl TryInto<HeaderName>, value: impl AsRef<str>) -> Reply {
        if let (Ok(name), Ok(value)) = (name.try_into(), HeaderValue::from_str(value.as_ref())) {
            self.headers.append(name, value);
        }
        self
    }

    pub fn body(mut self, body: impl Into<Data>) -> Reply {
        self.body = body.into();
        self
    }
}

/// A request id in COS's shape: base64 of `<8-hex time>_<hex>_<hex>_<hex>`.
pub fn new_request_id(now: SystemTime, seq: u64) -> String {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let nanos = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    // getpid(2) is a system call each time: ask once.
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let pid = *PID.get_or_init(std::process::id);
    let raw = format!("{:08x}_{pid:x}_{nanos:x}_{seq:x}", secs as u32);
    base64::engine::general_purpose::STANDARD.encode(raw)
}

/// A trace id: base64 of a long hex string derived from the request id.
pub fn new_trace_id(request_id: &str) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(request_id.as_bytes());
    let hex = format!("{}{}", hex::encode(digest), hex::encode(&digest[..8]));
    base64::engine::general_purpose::STANDARD.encode(hex)
}

/// Adds the headers every response carries, and sets `Content-Length` when the handler did not.
pub fn finish(reply: Reply, request_id: &str, now: SystemTime, method: &Method) -> Reply {
    finish_as(
        reply,
        "tencent-cos",
        "x-cos-request-id",
        request_id,
        now,
        method,
    )
}

/// [`finish`] with a dialect's `Server` value and request-id header (OSS: `AliyunOSS`,
/// `x-oss-request-id`). A HEAD answer keeps its `Content-Length` and drops its body.
pub fn finish_as(
    mut reply: Reply,
    server: &'static str,
    id_header: &'static str,
    request_id: &str,
    now: SystemTime,
    method: &Method,
) -> Reply {
    let h = &mut reply.headers;
    h.insert("server", HeaderValue::from_static(server));
    if let Ok(v) = HeaderValue::from_str(&http_date(now)) {
        h.insert("date", v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(id_header, v);
    }
    if !h.contains_key(CONTENT_LENGTH) {
        h.insert(CONTENT_LENGTH, HeaderValue::from(reply.body.len()));
    }
    if method == Method::HEAD {
        reply.body = Data::default();
    }
    reply
}

/// Renders an error as COS does: XML body (none for HEAD), `x-cos-trace-id`.
pub fn error_reply(err: &CosError, resource: &str, request_id: &str, method: &Method) -> Reply {
    let trace_id = new_trace_id(request_id);
    let mut reply = Reply::new(err.status())
        .header(CONTENT_TYPE, "application/xml")
        .header("x-cos-trace-id", &trace_id);
    for (name, value) in &err.headers {
        reply = reply.header(*name, value);
    }
    if method != Method::HEAD {
        reply = reply.body(render_xml(err, resource, request_id, &trace_id));
    } else {
        reply = reply.header(CONTENT_LENGTH, "0");
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_is_base64_of_cos_shape() {
        let id = new_request_id(
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(0x5a07eba9),
            7,
        );
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&id)
            .unwrap();
        let raw = String::from_utf8(raw).unwrap();
        assert!(raw.starts_with("5a07eba9_"), "{raw}");
        assert_eq!(raw.split('_').count(), 4);
    }

    #[test]
    fn finish_head_drops_body_keeps_length() {
        let r = Reply::new(StatusCode::OK).body("hello");
        let r = finish(r, "id", SystemTime::now(), &Method::HEAD);
        assert!(r.body.is_empty());
        assert_eq!(r.headers["content-length"], "5");
        assert_eq!(r.headers["server"], "tencent-cos");
        assert_eq!(r.headers["x-cos-request-id"], "id");
    }

    #[test]
    fn error_reply_has_trace_id_and_xml() {
        let err = CosError::new(crate::error::Code::NoSuchKey);
        let r = error_reply(&err, "b/k", "rid", &Method::GET);
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.headers.contains_key("x-cos-trace-id"));
        assert!(std::str::from_utf8(&r.body.to_bytes())
            .unwrap()
            .contains("<RequestId>rid</RequestId>"));
        let r = error_reply(&err, "b/k", "rid", &Method::HEAD);
        assert!(r.body.is_empty());
    }
}
