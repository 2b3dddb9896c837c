//! Request bodies: every route's limit, and the one reader that enforces it. A declared
//! `Content-Length` over the limit is refused before a byte is read; a chunked body when it crosses
//! the limit. The body is read into one buffer sized from `Content-Length` (no second copy, no
//! doubling), and only once the request is authenticated and authorized (see `dispatch`).

use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http_body_util::BodyExt;

use crate::config::Config;
use crate::error::{Code, CosError};
use crate::router::Op;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// `POST /_cos-mock/*` JSON bodies.
pub const ADMIN: u64 = 16 * KIB;
/// STS forms and JSON (a session policy is at most 6 KiB, encoded up to three times larger).
pub const STS: u64 = 64 * KIB;
/// An `AccessControlPolicy` (at most 100 grants).
pub const ACL: u64 = 64 * KIB;
/// A `CORSConfiguration`.
pub const CORS: u64 = 64 * KIB;
/// A `LifecycleConfiguration` (up to 1000 rules).
pub const LIFECYCLE: u64 = MIB;
/// A `Tagging` document (at most 50 tags of up to 382 characters) or a
/// `ServerSideEncryptionConfiguration`.
pub const TAGGING: u64 = 64 * KIB;
/// A `RestoreRequest`.
pub const RESTORE: u64 = 16 * KIB;
/// A `CompleteMultipartUpload` (10,000 parts of about 100 bytes each).
pub const COMPLETE_MULTIPART: u64 = 2 * MIB;
/// A batch delete (1000 keys of up to 850 bytes, XML-escaped).
pub const DELETE_MULTIPLE: u64 = 8 * MIB;
/// Operations that take no body: a small one is read and ignored, so the connection stays usable.
pub const NONE: u64 = 64 * KIB;

/// How much body a route takes, and what answers a larger one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    kind: LimitKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LimitKind {
    /// An object's data: `EntityTooLarge` naming the maximum object size.
    Object,
    /// A bucket policy: `MalformedPolicy`, as the validator answers it.
    Policy,
    /// Anything else: `EntityTooLarge` naming the limit.
    Document,
}

impl Limit {
    pub const fn document(bytes: u64) -> Limit {
        Limit {
            bytes,
            kind: LimitKind::Document,
        }
    }

    /// The body limit of a COS operation.
    pub fn of(op: Op, config: &Config) -> Limit {
        use Op::*;
        let object = Limit {
            bytes: config.max_body_bytes as u64,
            kind: LimitKind::Object,
        };
        match op {
            PutObject | UploadPart | AppendObject | PostObject => object,
            PutBucketPolicy => Limit {
                bytes: config.policy_max_bytes as u64,
                kind: LimitKind::Policy,
            },
            PutBucketACL | PutObjectACL => Limit::document(ACL),
            PutBucketCORS => Limit::document(CORS),
            PutBucketLifecycle => Limit::document(LIFECYCLE),
            PostObjectRestore => Limit::document(RESTORE),
            PutObjectTagging | PutBucketTagging | PutBucketEncryption => Limit::document(TAGGING),
            CompleteMultipartUpload => Limit::document(COMPLETE_MULTIPART),
            DeleteMultipleObjects => Limit::document(DELETE_MULTIPLE),
            // The stored bucket configurations (referer, website, ... `crate::bucket_config`),
            // versioning and symlinks: 64 KiB. Bodies of other requests are read and ignored.
            _ => Limit::document(NONE),
        }
    }

    /// The error for a body of `len` bytes (or more, for a chunked body cut off at the limit).
    pub fn exceeded(self, len: u64) -> CosError {
        match self.kind {
            LimitKind::Object => CosError::with_message(
                Code::EntityTooLarge,
                format!(
                    "Your proposed upload exceeds the maximum allowed object size ({} bytes).",
                    self.bytes
                ),
            ),
            LimitKind::Policy => crate::policy::too_large(
                usize::try_from(len).unwrap_or(usize::MAX),
                self.bytes as usize,
            ),
            LimitKind::Document => CosError::with_message(
                Code::EntityTooLarge,
                format!(
                    "The request body exceeds the {} bytes this operation accepts.",
                    self.bytes
                ),
            ),
        }
    }
}

/// The `Content-Length` a request declares, when it is a number.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.trim().parse().ok())
}

/// A request body not read yet. The request path reads it at most once, through [`Unread::read`];
/// when it never does and the client sent one, the connection is closed after the answer (the
/// client may still be sending).
pub struct Unread {
    body: Option<Body>,
    declared: Option<u64>,
    has_body: bool,
    /// The longest wait for the next piece of the body (`--body-idle-timeout`).
    idle: Option<Duration>,
}

impl Unread {
    pub fn new(body: Body, headers: &HeaderMap) -> Unread {
        let declared = declared_length(headers);
        let chunked = headers.contains_key(http::header::TRANSFER_ENCODING);
        Unread {
            body: Some(body),
            declared,
            has_body: chunked || declared.is_some_and(|n| n > 0),
            idle: None,
        }
    }

    /// Fails a read with 400 `RequestTimeout` when no byte of the body arrives for `idle` (a
    /// stalled client, or one that sent less than its `Content-Length` and waits); the connection
    /// is then closed.
    pub fn with_idle_timeout(mut self, idle: Option<Duration>) -> Unread {
        self.idle = idle;
        self
    }

    /// Whether the client sent a body that was not read (whole).
    pub fn left_unread(&self) -> bool {
        self.has_body && self.body.is_some()
    }

    /// Reads the whole body within `limit`: a larger declared length is refused at once, a chunked
    /// body as soon as it crosses the limit; a body that ends early is `IncompleteBody`.
    pub async fn read(&mut self, limit: Limit) -> Result<Bytes, CosError> {
        self.read_paced(limit, None).await
    }

    /// [`Unread::read`], at most at `bps` bits per second when given (`x-cos-traffic-limit`): after
    /// each frame, reading waits until the bytes so far are due (see `crate::traffic::due`).
    pub async fn read_paced(&mut self, limit: Limit, bps: Option<u64>) -> Result<Bytes, CosError> {
        if let Some(n) = self.declared.filter(|n| *n > limit.bytes) {
            return Err(limit.exceeded(n));
        }
        let Some(mut body) = self.body.take() else {
            return Ok(Bytes::new());
        };
        let capacity = self.declared.unwrap_or(0).min(limit.bytes);
        let mut buf = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        // Only a paced read looks at the clock.
        let start = bps.map(|_| tokio::time::Instant::now());
        loop {
            let next = match self.idle {
                None => body.frame().await,
                Some(idle) => match tokio::time::timeout(idle, body.frame()).await {
                    Ok(next) => next,
                    Err(_) => {
                        // What is left of the body may still come: the connection closes.
                        self.has_body = true;
                        self.body = Some(Body::empty());
                        return Err(CosError::with_message(
                            Code::RequestTimeout,
                            format!(
                                "{} No byte of the request body arrived for {} s ({} bytes read{}).",
                                Code::RequestTimeout.default_message(),
                                idle.as_secs_f64(),
                                buf.len(),
                                self.declared
                                    .map(|n| format!(" of {n}"))
                                    .unwrap_or_default()
                            ),
                        ));
                    }
                },
            };
            let Some(frame) = next else { break };
            let frame = frame.map_err(|e| {
                // Put nothing back: what is left of the body is unusable, so the connection closes.
                self.has_body = true;
                self.body = Some(Body::empty());
                CosError::with_message(
                    Code::IncompleteBody,
                    format!("{} ({e})", Code::IncompleteBody.default_message()),
                )
            })?;
            if let Ok(data) = frame.into_data() {
                let len = (buf.len() + data.len()) as u64;
                if len > limit.bytes {
                    self.has_body = true;
                    self.body = Some(Body::empty());
                    return Err(limit.exceeded(len));
                }
                buf.extend_from_slice(&data);
                if let (Some(bps), Some(start)) = (bps, start) {
                    let due = crate::traffic::due(buf.len() as u64, bps);
                    tokio::time::sleep_until(start + due).await;
                }
            }
        }
        Ok(buf.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn limit_of_each_kind_of_operation() {
        let config = Config::default();
        assert_eq!(
            Limit::of(Op::PutObject, &config).bytes,
            5 * 1024 * MIB,
            "objects: 5 GiB"
        );
        assert_eq!(
            Limit::of(Op::PutBucketPolicy, &config).bytes,
            config.policy_max_bytes as u64
        );
        assert_eq!(Limit::of(Op::PutBucketACL, &config).bytes, ACL);
        assert_eq!(
            Limit::of(Op::CompleteMultipartUpload, &config).bytes,
            COMPLETE_MULTIPART
        );
        assert_eq!(Limit::of(Op::GetObject, &config).bytes, NONE);
    }

    #[test]
    fn exceeded_answers_each_kind_with_its_code() {
        let config = Config::default();
        let object = Limit::of(Op::PutObject, &config).exceeded(u64::MAX);
        assert_eq!(object.code, Code::EntityTooLarge);
        let policy = Limit::of(Op::PutBucketPolicy, &config).exceeded(30_000);
        assert_eq!(policy.code, Code::MalformedPolicy);
        assert!(policy
            .message
            .contains("30000 bytes exceeds the limit of 20480 bytes"));
        let acl = Limit::of(Op::PutObjectACL, &config).exceeded(ACL + 1);
        assert_eq!(acl.code, Code::EntityTooLarge);
        assert!(acl.message.contains("65536 bytes"));
    }

    #[tokio::test]
    async fn read_refuses_declared_length_over_limit_without_reading() {
        let h = headers(&[("content-length", "1000")]);
        let mut unread = Unread::new(Body::from(vec![0u8; 1000]), &h);
        let err = unread.read(Limit::document(10)).await.unwrap_err();
        assert_eq!(err.code, Code::EntityTooLarge);
        assert!(unread.left_unread());
    }

    #[tokio::test]
    async fn read_refuses_undeclared_body_crossing_limit() {
        let h = headers(&[("transfer-encoding", "chunked")]);
        let mut unread = Unread::new(Body::from(vec![0u8; 11]), &h);
        let err = unread.read(Limit::document(10)).await.unwrap_err();
        assert_eq!(err.code, Code::EntityTooLarge);
        assert!(unread.left_unread());
    }

    #[tokio::test]
    async fn read_within_limit_returns_body_once() {
        let h = headers(&[("content-length", "5")]);
        let mut unread = Unread::new(Body::from("hello"), &h);
        assert!(unread.left_unread());
        assert_eq!(unread.read(Limit::document(5)).await.unwrap(), "hello");
        assert!(!unread.left_unread());
        assert_eq!(unread.read(Limit::document(5)).await.unwrap(), "");
    }

    #[test]
    fn no_body_is_never_left_unread() {
        let unread = Unread::new(Body::empty(), &headers(&[("content-length", "0")]));
        assert!(!unread.left_unread());
    }
}
