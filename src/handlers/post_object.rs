//! POST Object: a browser form upload (`POST /` with `multipart/form-data`). The form is
//! authenticated in the request path (`dispatch`, from its `q-*` fields); here the policy
//! conditions are checked and the file is stored with the metadata the form fields give, as PUT
//! Object would with the same headers.
//!
//! Answer: `success_action_redirect` → 303 with `Location: <url>?bucket=&key=&etag=`; else
//! `success_action_status` 200 or 201 (`PostResponse` XML) or 204 (the default, also for other
//! values). Every success carries `ETag`, `Location` and `x-cos-hash-crc64ecma`.

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use super::Ctx;
use crate::error::{Code, CosError};
use crate::form::{self, Form};
use crate::request::{CosRequest, Target};
use crate::response::Reply;

/// Form fields that become object headers, as PUT Object would receive them.
const HEADER_FIELDS: &[&str] = &[
    "content-type",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "expires",
    "x-cos-acl",
    "x-cos-grant-read",
    "x-cos-grant-read-acp",
    "x-cos-grant-write-acp",
    "x-cos-grant-full-control",
    "x-cos-storage-class",
    "x-cos-tagging",
    "x-cos-server-side-encryption",
    "x-cos-server-side-encryption-cos-kms-key-id",
    "x-cos-server-side-encryption-context",
    "x-cos-server-side-encryption-customer-algorithm",
    "x-cos-server-side-encryption-customer-key",
    "x-cos-server-side-encryption-customer-key-md5",
];

/// The `PostResponse` body of `success_action_status=201`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PostResponse {
    pub location: String,
    pub bucket: String,
    pub key: String,
    #[serde(rename = "ETag")]
    pub etag: String,
}

/// Parses the request's form (400 `MalformedPOSTRequest` when it is not one).
pub fn parse_form(req: &CosRequest) -> Result<Form, CosError> {
    form::parse(req.header("content-type"), &req.body)
}

/// The request with the form's fields as headers (and the file's size as `Content-Length`) and the
/// form's key as the target, so that PUT Object's object builder (storage class, metadata, ACL) and
/// the access check's condition keys (`cos:x-cos-acl`, `cos:content-length`, ...) see what is stored.
pub fn as_put(req: &CosRequest, form: &Form, bucket: &str, key: &str) -> CosRequest {
    let mut headers = HeaderMap::new();
    for (name, value) in &form.fields {
        let lower = name.to_ascii_lowercase();
        if !(HEADER_FIELDS.contains(&lower.as_str()) || lower.starts_with("x-cos-meta-")) {
            continue;
        }
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(lower.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(n, v);
        }
    }
    if let Some(file) = &form.file {
        headers.insert(
            http::header::CONTENT_LENGTH,
            HeaderValue::from(file.data.len()),
        );
    }
    let mut put = req.clone();
    put.headers = headers;
    put.target = Target::Bucket {
        bucket: bucket.to_string(),
        key: key.to_string(),
    };
    put
}

/// The object's URL on the host the form was posted to.
fn location(req: &CosRequest, bucket: &str, key: &str) -> String {
    let scheme = if req.secure { "https" } else { "http" };
    let path = crate::wire::encode_key(key);
    let host = crate::request::strip_port(&req.host);
    if host.starts_with(bucket) {
        format!("{scheme}://{}/{path}", req.host)
    } else {
        format!("{scheme}://{}/{bucket}/{path}", req.host)
    }
}

/// POST Object.
pub fn post(ctx: &Ctx) -> Result<Reply, CosError> {
    let bucket = ctx.bucket()?;
    let form = parse_form(ctx.req)?;
    let file = form.file.clone().ok_or_else(|| {
        CosError::with_message(
            Code::InvalidArgument,
            "POST requires exactly one file upload per request (a field named 'file', last).",
        )
    })?;
    let key = form.key()?;
    crate::store::check_key(&key)?;
    if let Some(text) = form::policy_text(&form)? {
        let policy = form::parse_policy(&text)?;
        let lookup = |name: &str| match name {
            "bucket" => Some(bucket.to_string()),
            "key" => Some(key.clone()),
            "q-sign-time" => form
                .field("q-sign-time")
                .or(form.field("q-key-time"))
                .map(str::to_string),
            other => form.field(other).map(str::to_string),
        };
        // The policy's expiration is a signature window: real time, like q-key-time.
        form::check_policy(
            &policy,
            lookup,
            file.data.len() as u64,
            std::time::SystemTime::now(),
        )?;
    }
    let put = as_put(ctx.req, &form, bucket, &key);
    let put_ctx = Ctx {
        state: ctx.state,
        req: &put,
        caller: ctx.caller,
        now: ctx.now,
        body: Default::default(),
    };
    let object = super::object::object_from_request(&put_ctx, file.data)?;
    let etag = object.etag.to_string();
    let crc = object.crc64.to_string();
    let encryption = object.encryption.clone();
    let version_id = ctx.store().put_object(bucket, &key, object)?;
    let url = location(ctx.req, bucket, &key);
    let base = Reply::new(StatusCode::NO_CONTENT)
        .header("etag", &etag)
        .header("x-cos-hash-crc64ecma", &crc);
    let base = super::encryption::echo(base, &encryption);
    let base = super::versioning::written(base, &version_id);
    if let Some(redirect) = form
        .field("success_action_redirect")
        .filter(|r| !r.is_empty())
    {
        let q = |s: &str| crate::auth::cos_sign::encode(s);
        let sep = if redirect.contains('?') { '&' } else { '?' };
        let target = format!(
            "{redirect}{sep}bucket={}&key={}&etag={}",
            q(bucket),
            q(&key),
            q(&etag)
        );
        let mut r = base.header("location", target);
        r.status = StatusCode::SEE_OTHER;
        return Ok(r);
    }
    let mut reply = base.header("location", &url);
    match form.field("success_action_status").map(str::trim) {
        Some("200") => reply.status = StatusCode::OK,
        Some("201") => {
            let body = PostResponse {
                location: url,
                bucket: bucket.to_string(),
                key,
                etag,
            };
            let xml = crate::xml::to_xml("PostResponse", &body)?;
            reply = reply
                .header(http::header::CONTENT_TYPE, "application/xml")
                .body(xml);
            reply.status = StatusCode::CREATED;
        }
        _ => {}
    }
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_response_doc_sample_round_trips() {
        let doc = r#"<PostResponse><Location>http://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/exampleobject</Location><Bucket>examplebucket-1250000000</Bucket><Key>exampleobject</Key><ETag>"ee8de918d05640145b18f70f4c3aa602"</ETag></PostResponse>"#;
        let parsed: PostResponse = crate::xml::from_xml(doc.as_bytes()).unwrap();
        assert_eq!(parsed.key, "exampleobject");
        let xml = crate::xml::to_xml("PostResponse", &parsed).unwrap();
        let again: PostResponse = crate::xml::from_xml(xml.as_bytes()).unwrap();
        assert_eq!(again, parsed);
    }
}
