//! DELETE Multiple Objects (`POST /?delete`): up to 1000 keys in one `Delete` body, each authorized on
//! its own, answered with a `DeleteResult` of `Deleted` and `Error` entries.
//!
//! Authorization (spec §7.3): dispatch lets the request through (see `access::authorize`); here a
//! key is deleted when `DeleteMultipleObjects` is allowed on the bucket or on the key, or
//! `DeleteObject` is allowed on the key; otherwise the key gets an `AccessDenied` entry.
//!
//! Choices where COS's behaviour is not verified:
//! - without `Content-MD5` the request is 400 `InvalidRequest` (COS documents the header as
//!   required; the message is S3's);
//! - no `Object`, or more than 1000, is 400 `MalformedXML`; `Quiet` other than true/false too;
//! - a missing key counts as `Deleted`; a key over 850 bytes gets a `KeyTooLong` entry.
//! - versions (S3's shape): an `Object` with `VersionId` deletes that version, answered with its
//!   `VersionId` (and `DeleteMarker`/`DeleteMarkerVersionId` when it was a delete marker); without one,
//!   a versioned bucket gets a delete marker, answered as `DeleteMarker` true and
//!   `DeleteMarkerVersionId`. An `Error` entry repeats the `VersionId` it was for.

use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::router::Op;
use crate::xml::{from_xml, to_xml};

/// Most keys one request may name.
pub const MAX_KEYS: usize = 1000;

/// The `Delete` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteRequest {
    #[serde(rename = "Quiet", default, skip_serializing_if = "Option::is_none")]
    pub quiet: Option<String>,
    #[serde(rename = "Object", default)]
    pub objects: Vec<ObjectToDelete>,
}

/// One `Object` of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectToDelete {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "VersionId", default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// The `DeleteResult` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteResult {
    #[serde(rename = "Deleted", default)]
    pub deleted: Vec<Deleted>,
    #[serde(rename = "Error", default)]
    pub errors: Vec<DeleteError>,
}

/// A key that was deleted (or was not there).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "VersionId", default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(
        rename = "DeleteMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_marker: Option<bool>,
    #[serde(
        rename = "DeleteMarkerVersionId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_marker_version_id: Option<String>,
}

/// A key that was not deleted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteError {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "VersionId", default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(rename = "Code")]
    pub code: String,
    #[serde(rename = "Message")]
    pub message: String,
}

fn malformed(why: &str) -> CosError {
    CosError::with_message(
        Code::MalformedXML,
        format!("{} ({why})", Code::MalformedXML.default_message()),
    )
}

/// The checked request: quiet or not, and the objects (keys, and versions when named).
pub(crate) fn parse(body: &[u8]) -> Result<(bool, Vec<ObjectToDelete>), CosError> {
    let req: DeleteRequest = from_xml(body)?;
    let quiet = match req.quiet.as_deref().map(str::trim) {
        None => false,
        Some(q) if q.eq_ignore_ascii_case("true") => true,
        Some(q) if q.eq_ignore_ascii_case("false") => false,
        Some(q) => {
            return Err(malformed(&format!(
                "Quiet must be true or false, not {q:?}"
            )))
        }
    };
    if req.objects.is_empty() {
        return Err(malformed("Delete names no Object"));
    }
    if req.objects.len() > MAX_KEYS {
        return Err(malformed(&format!(
            "Delete names {} objects, at most {MAX_KEYS} are allowed",
            req.objects.len()
        )));
    }
    Ok((quiet, req.objects))
}

/// Deletes one key if the caller may; the entry for the answer. A key is deleted when
/// `DeleteMultipleObjects` or `DeleteObject` is allowed on that key's own resource, so a deny on a
/// prefix refuses the keys under it, for the owner too.
fn delete_one(
    ctx: &Ctx,
    bucket: &str,
    object: ObjectToDelete,
) -> Result<Result<Deleted, DeleteError>, CosError> {
    let ObjectToDelete { key, version_id } = object;
    let error = |code: Code, message: String| DeleteError {
        key: key.clone(),
        version_id: version_id.clone(),
        code: code.as_str().to_string(),
        message,
    };
    if let Err(e) = crate::store::check_key(&key) {
        return Ok(Err(error(e.code, e.message)));
    }
    let allowed = ctx.permits(Op::DeleteMultipleObjects, bucket, &key)?
        || ctx.permits(Op::DeleteObject, bucket, &key)?;
    if !allowed {
        return Ok(Err(error(
            Code::AccessDenied,
            Code::AccessDenied.default_message().to_string(),
        )));
    }
    let deletion = ctx
        .store()
        .delete_version(bucket, &key, version_id.as_deref(), ctx.now)?;
    let marker_id = deletion
        .delete_marker
        .then(|| deletion.version_id.clone())
        .flatten();
    Ok(Ok(Deleted {
        key,
        version_id: version_id.clone(),
        delete_marker: deletion.delete_marker.then_some(true),
        delete_marker_version_id: marker_id,
    }))
}

/// POST `/?delete`.
pub fn handle(ctx: &Ctx) -> Result<Reply, CosError> {
    if !ctx.req.headers.contains_key("content-md5") {
        return Err(CosError::with_message(
            Code::InvalidRequest,
            "Missing required header for this request: Content-MD5.",
        ));
    }
    let bucket = ctx.bucket()?;
    ctx.store().with_bucket(bucket, |_| ())?;
    let (quiet, objects) = parse(&ctx.req.body)?;
    let mut result = DeleteResult::default();
    for object in objects {
        match delete_one(ctx, bucket, object)? {
            Ok(deleted) if !quiet => result.deleted.push(deleted),
            Ok(_) => {}
            Err(error) => result.errors.push(error),
        }
    }
    Ok(Reply::xml(to_xml("DeleteResult", &result)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_python_and_node_bodies() {
        // python: Quiet first; node: Objects first, Quiet last.
        let py = b"<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b/c d</Key></Object></Delete>";
        let keys = |p: (bool, Vec<ObjectToDelete>)| {
            let keys: Vec<String> = p.1.into_iter().map(|o| o.key).collect();
            (p.0, keys)
        };
        assert_eq!(
            keys(parse(py).unwrap()),
            (true, vec!["a".into(), "b/c d".into()])
        );
        let node = b"<Delete><Object><Key>a</Key></Object><Quiet>false</Quiet></Delete>";
        assert_eq!(keys(parse(node).unwrap()), (false, vec!["a".into()]));
        let no_quiet = b"<?xml version=\"1.0\"?><Delete><Object><Key>a</Key><VersionId>v</VersionId></Object></Delete>";
        let (quiet, objects) = parse(no_quiet).unwrap();
        assert!(!quiet);
        assert_eq!(objects[0].version_id.as_deref(), Some("v"));
    }

    #[test]
    fn parse_errors_are_malformed_xml() {
        let many = format!(
            "<Delete>{}</Delete>",
            "<Object><Key>k</Key></Object>".repeat(MAX_KEYS + 1)
        );
        let exactly = format!(
            "<Delete>{}</Delete>",
            "<Object><Key>k</Key></Object>".repeat(MAX_KEYS)
        );
        assert_eq!(parse(exactly.as_bytes()).unwrap().1.len(), MAX_KEYS);
        for bad in [
            many.as_bytes(),
            b"<Delete></Delete>",
            b"<Delete><Quiet>yes</Quiet><Object><Key>a</Key></Object></Delete>",
            b"<Delete><Object></Object></Delete>",
            b"<Delete><Object><Key>a</Key>",
            b"",
        ] {
            assert_eq!(parse(bad).unwrap_err().code, Code::MalformedXML);
        }
    }

    #[test]
    fn delete_request_and_result_round_trip() {
        let req = DeleteRequest {
            quiet: Some("false".into()),
            objects: vec![ObjectToDelete {
                key: "a&b".into(),
                version_id: None,
            }],
        };
        let xml = to_xml("Delete", &req).unwrap();
        assert_eq!(from_xml::<DeleteRequest>(xml.as_bytes()).unwrap(), req);
        let res = DeleteResult {
            deleted: vec![
                Deleted {
                    key: "a".into(),
                    ..Default::default()
                },
                Deleted {
                    key: "v".into(),
                    version_id: Some("MTg0".into()),
                    delete_marker: Some(true),
                    delete_marker_version_id: Some("MTg0".into()),
                },
            ],
            errors: vec![DeleteError {
                key: "b".into(),
                version_id: None,
                code: "AccessDenied".into(),
                message: "Access Denied.".into(),
            }],
        };
        let xml = to_xml("DeleteResult", &res).unwrap();
        assert!(
            xml.contains("<Deleted>\n\t\t<Key>a</Key>\n\t</Deleted>"),
            "{xml}"
        );
        assert_eq!(from_xml::<DeleteResult>(xml.as_bytes()).unwrap(), res);
        let empty = to_xml("DeleteResult", &DeleteResult::default()).unwrap();
        assert_eq!(
            from_xml::<DeleteResult>(empty.as_bytes()).unwrap(),
            DeleteResult::default()
        );
    }
}
