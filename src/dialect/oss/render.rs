//! How OSS answers (oss.md §4, cos-api.md §8.4): request ids of 24 upper-case hex characters,
//! `Server: AliyunOSS`, `x-oss-request-id` on every response, and the error XML with `Code`,
//! `Message`, `RequestId`, `HostId` and `EC` (plus code-specific extras such as `StringToSign`).

use std::time::SystemTime;

use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::Method;

use crate::error::{Code, CosError};
use crate::response::Reply;

/// An OSS request id: 24 upper-case hex characters (time, process, sequence).
pub fn request_id(now: SystemTime, seq: u64) -> String {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!(
        "{:08X}{:08X}{:08X}",
        secs as u32,
        std::process::id(),
        seq as u32
    )
}

/// The OSS code for a code the dialects share (OSS names two policy errors differently).
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::NoSuchPolicy => "NoSuchBucketPolicy",
        Code::MalformedPolicy => "InvalidPolicyDocument",
        other => other.as_str(),
    }
}

/// The `EC` of an error. Those documented or seen from OSS are listed; the rest answer
/// `0000-00000000` (OSS documents no EC for them that cos-mock could verify).
pub fn error_code_ec(code: Code) -> &'static str {
    match code {
        Code::InvalidAccessKeyId => "0002-00000902",
        Code::SignatureDoesNotMatch => "0002-00000040",
        Code::NoSuchKey => "0026-00000001",
        Code::NoSuchBucket => "0015-00000101",
        Code::NoSuchPolicy => "0030-00000006",
        Code::MalformedPolicy | Code::InvalidPolicyDocument => "0030-00000005",
        _ => "0000-00000000",
    }
}

/// Adds the headers every OSS response carries, and `Content-Length` when the handler did not.
pub fn finish(reply: Reply, request_id: &str, now: SystemTime, method: &Method) -> Reply {
    crate::response::finish_as(
        reply,
        "AliyunOSS",
        "x-oss-request-id",
        request_id,
        now,
        method,
    )
}

/// An error as OSS renders it; `host_id` is the Host without its port. HEAD answers have no body.
pub fn error_reply(err: &CosError, host_id: &str, request_id: &str, method: &Method) -> Reply {
    let ec = error_code_ec(err.code);
    let reply = Reply::new(err.status())
        .header(CONTENT_TYPE, "application/xml")
        .header("x-oss-ec", ec);
    if method == Method::HEAD {
        return reply.header(CONTENT_LENGTH, "0");
    }
    reply.body(render_xml(err, host_id, request_id))
}

/// `<Error>` with every element non-empty.
pub fn render_xml(err: &CosError, host_id: &str, request_id: &str) -> String {
    let ec = error_code_ec(err.code);
    let message = if err.message.is_empty() {
        err.code.default_message()
    } else {
        &err.message
    };
    let host_id = if host_id.is_empty() {
        "oss-mock"
    } else {
        host_id
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n");
    let mut push = |name: &str, text: &str| {
        out.push_str(&format!(
            "  <{name}>{}</{name}>\n",
            crate::xml::escape(text)
        ));
    };
    push("Code", code_name(err.code));
    push("Message", message);
    push("RequestId", request_id);
    push("HostId", host_id);
    for (name, value) in &err.extra {
        push(name, value);
    }
    push("EC", ec);
    push(
        "RecommendDoc",
        &format!("https://api.aliyun.com/troubleshoot?q={ec}"),
    );
    out.push_str("</Error>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    #[test]
    fn request_id_is_24_upper_hex() {
        let id = request_id(SystemTime::now(), 7);
        assert_eq!(id.len(), 24);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
    }

    #[test]
    fn error_xml_has_the_five_elements_and_oss_names() {
        let err = CosError::new(Code::NoSuchPolicy);
        let xml = render_xml(&err, "b.oss-cn-hangzhou.aliyuncs.com", "RID");
        for part in [
            "<Code>NoSuchBucketPolicy</Code>",
            "<Message>",
            "<RequestId>RID</RequestId>",
            "<HostId>b.oss-cn-hangzhou.aliyuncs.com</HostId>",
            "<EC>0030-00000006</EC>",
        ] {
            assert!(xml.contains(part), "{part} in {xml}");
        }
        let err = CosError::with_message(Code::MalformedPolicy, "Version: missing");
        let xml = render_xml(&err, "", "RID");
        assert!(xml.contains("<Code>InvalidPolicyDocument</Code>"), "{xml}");
        assert!(xml.contains("<HostId>oss-mock</HostId>"), "{xml}");
    }

    #[test]
    fn finish_sets_oss_headers_and_head_has_no_body() {
        let r = Reply::new(StatusCode::OK).body("hello");
        let r = finish(r, "RID", SystemTime::now(), &Method::HEAD);
        assert!(r.body.is_empty());
        assert_eq!(r.headers["server"], "AliyunOSS");
        assert_eq!(r.headers["x-oss-request-id"], "RID");
        assert_eq!(r.headers["content-length"], "5");
        let e = error_reply(&CosError::new(Code::NoSuchKey), "h", "RID", &Method::HEAD);
        assert!(e.body.is_empty());
        assert_eq!(e.status, StatusCode::NOT_FOUND);
    }
}
