//! Request bodies: every route's limit, and the one reader that enforces it. A declared
//! `Content-Length` over the limit is refused before a byte is read; a chunked body when it crosses
//! the limit. A body is read only once the request is authenticated and authorized (see `dispatch`):
//! into one buffer sized from `Content-Length` (no second copy, no doubling), or, for a large body
//! stored as it is, kept in the frames it arrived in and summed on the way
//! ([`Unread::read_summed`]).

use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http_body_util::BodyExt;

use crate::checksum::{Payload, Summing};
use crate::config::Config;
use crate::data::Data;
use crate::error::{Code, CosError};
use crate::router::Op;

const KIB: u64 = 1024;

/// Body bytes taken in between two yields to the runtime while reading a body.
const YIELD_EVERY: usize = 1 << 20;
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
        let capacity = self.declared.unwrap_or(0).min(limit.bytes);
        let mut buf = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        self.read_frames(limit, bps, |frame| buf.extend_from_slice(&frame))
            .await?;
        Ok(buf.freeze())
    }

    /// [`Unread::read_paced`] for a body stored as it is (a large PUT or part): its frames are kept
    /// as they came (nothing is copied) and summed on a blocking thread while the next ones
    /// arrive, so the MD5 of a 1 GiB upload is done about when its last byte is, and the runtime's
    /// workers stay free for other requests.
    pub async fn read_summed(
        &mut self,
        limit: Limit,
        bps: Option<u64>,
    ) -> Result<Payload, CosError> {
        let (to_summer, frames_in) = std::sync::mpsc::channel::<Bytes>();
        let summer = tokio::task::spawn_blocking(move || {
            let mut sums = Summing::default();
            for frame in frames_in {
                sums.add(&frame);
            }
            sums
        });
        let mut frames = Vec::new();
        let read = self
            .read_frames(limit, bps, |frame| {
                // The summer ends only when this sender is dropped, so it is there to receive.
                let _ = to_summer.send(frame.clone());
                frames.push(frame);
            })
            .await;
        drop(to_summer);
        let sums = summer.await.map_err(|e| {
            CosError::with_message(Code::InternalError, format!("summing the body failed: {e}"))
        })?;
        read?;
        Ok(sums.finish(Data::joined(frames)))
    }

    /// The length the client declared, if any.
    pub fn declared(&self) -> Option<u64> {
        self.declared
    }

    /// Reads the whole body within `limit`, paced to `bps`, handing each frame to `take` (which
    /// runs on the runtime's worker: see [`YIELD_EVERY`]).
    async fn read_frames(
        &mut self,
        limit: Limit,
        bps: Option<u64>,
        mut take: impl FnMut(Bytes),
    ) -> Result<(), CosError> {
        if let Some(n) = self.declared.filter(|n| *n > limit.bytes) {
            return Err(limit.exceeded(n));
        }
        let Some(mut body) = self.body.take() else {
            return Ok(());
        };
        let mut read: u64 = 0;
        let mut since_yield = 0;
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
                                "{} No byte of the request body arrived for {} s ({read} bytes read{}).",
                                Code::RequestTimeout.default_message(),
                                idle.as_secs_f64(),
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
                read += data.len() as u64;
                if read > limit.bytes {
                    self.has_body = true;
                    self.body = Some(Body::empty());
                    return Err(limit.exceeded(read));
                }
                since_yield += data.len();
                if !data.is_empty() {
                    take(data);
                }
                // The frames of a fast client are ready at once, so a large body would keep this
                // worker (copying or summing) for seconds: let its other connections run.
                if since_yield >= YIELD_EVERY {
                    since_yield = 0;
                    tokio::task::yield_now().await;
                }
                if let (Some(bps), Some(start)) = (bps, start) {
                    let due = crate::traffic::due(read, bps);
                    tokio::time::sleep_until(start + due).await;
                }
            }
        }
        Ok(())
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

    /// A body of several frames, streamed as a client sends it.
    fn framed(frames: Vec<&'static [u8]>) -> Body {
        let stream = futures_util::stream::iter(
            frames
                .into_iter()
                .map(|f| Ok::<_, std::io::Error>(Bytes::from_static(f))),
        );
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn read_summed_keeps_the_frames_and_sums_them() {
        let h = headers(&[("content-length", "11")]);
        let mut unread = Unread::new(framed(vec![b"hello", b"", b" world"]), &h);
        let payload = unread.read_summed(Limit::document(11), None).await.unwrap();
        assert_eq!(
            payload.data.chunks().count(),
            2,
            "frames kept, empty ones left out"
        );
        assert_eq!(payload.data.to_bytes(), "hello world");
        assert_eq!(payload.md5, crate::checksum::md5(b"hello world"));
        assert_eq!(payload.crc64, crate::checksum::crc64(b"hello world"));
        assert!(!unread.left_unread());
    }

    #[tokio::test]
    async fn read_summed_refuses_a_body_crossing_the_limit() {
        let h = headers(&[("transfer-encoding", "chunked")]);
        let mut unread = Unread::new(framed(vec![b"hello", b" world"]), &h);
        let err = unread
            .read_summed(Limit::document(10), None)
            .await
            .unwrap_err();
        assert_eq!(err.code, Code::EntityTooLarge);
        assert!(unread.left_unread());
    }
}
