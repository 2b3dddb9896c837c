//! `x-cos-traffic-limit`: a per-request bandwidth limit in bits per second, on PUT Object, POST
//! Object, GET Object, Upload Part and APPEND Object. COS takes it as a header, a query parameter
//! (pre-signed URLs) or, for POST Object, a form field; 819200–838860800 (100 KB/s–100 MB/s), else
//! 400. An upload's body is then read at that rate, a download's body sent at it.
//!
//! Pacing is by absolute deadlines from the start of the transfer ([`due`]), so sleeps never drift;
//! a client that stops reading simply pauses the transfer (TCP back-pressure), and one that closes
//! the connection ends it (the body stream is dropped). Requests without the header take none of
//! this path.

use std::time::Duration;

use crate::data::Data;

use crate::error::{Code, CosError};
use crate::request::CosRequest;
use crate::router::Op;

/// The lowest limit COS accepts, in bits per second (100 KB/s).
pub const MIN_BPS: u64 = 819_200;
/// The highest limit COS accepts, in bits per second (100 MB/s).
pub const MAX_BPS: u64 = 838_860_800;

/// The header (and query parameter, and POST form field) name.
pub const NAME: &str = "x-cos-traffic-limit";

/// Whether an operation takes a traffic limit.
pub fn applies(op: Op) -> bool {
    matches!(
        op,
        Op::PutObject | Op::PostObject | Op::GetObject | Op::UploadPart | Op::AppendObject
    )
}

/// A limit's value: `None` when absent, else a number in COS's range or 400 `InvalidArgument`.
/// COS documents a 400 and not its code; cos-mock answers `InvalidArgument`.
pub fn parse(value: Option<&str>) -> Result<Option<u64>, CosError> {
    let Some(v) = value else {
        return Ok(None);
    };
    match v.trim().parse::<u64>() {
        Ok(n) if (MIN_BPS..=MAX_BPS).contains(&n) => Ok(Some(n)),
        _ => Err(CosError::with_message(
            Code::InvalidArgument,
            format!(
                "{NAME} {v:?} must be a number of bits per second from {MIN_BPS} to {MAX_BPS}."
            ),
        )),
    }
}

/// The limit a request asks for: its header, else its query parameter; `None` for operations that
/// take none (the header is then ignored, as COS ignores it on other APIs).
pub fn of(op: Op, req: &CosRequest) -> Result<Option<u64>, CosError> {
    if !applies(op) {
        return Ok(None);
    }
    parse(req.header(NAME).or_else(|| req.param(NAME)))
}

/// How long sending `bytes` takes at `bps` bits per second: the earliest time, from the start of
/// a transfer, at which the bytes after the first `bytes` may go.
pub fn due(bytes: u64, bps: u64) -> Duration {
    let bps = bps.max(1) as u128;
    let nanos = (bytes as u128) * 8 * 1_000_000_000 / bps;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// The size of one paced chunk: about a twentieth of a second's worth, 1 KiB to 64 KiB.
pub fn chunk_size(bps: u64) -> usize {
    usize::try_from(bps / 8 / 20)
        .unwrap_or(usize::MAX)
        .clamp(1024, 64 * 1024)
}

/// A response body that sends `data` at `bps` bits per second.
pub fn paced_body(data: Data, bps: u64) -> axum::body::Body {
    use futures_util::stream;
    let chunk = chunk_size(bps);
    let start = tokio::time::Instant::now();
    let chunks = stream::unfold(0usize, move |sent| {
        let data = data.clone();
        async move {
            if sent >= data.len() {
                return None;
            }
            tokio::time::sleep_until(start + due(sent as u64, bps)).await;
            let end = (sent + chunk).min(data.len());
            Some((
                Ok::<_, std::convert::Infallible>(data.slice(sent..=end - 1).to_bytes()),
                end,
            ))
        }
    });
    axum::body::Body::from_stream(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_cos_range_only() {
        assert_eq!(parse(None).unwrap(), None);
        assert_eq!(parse(Some("819200")).unwrap(), Some(MIN_BPS));
        assert_eq!(parse(Some(" 838860800 ")).unwrap(), Some(MAX_BPS));
        for bad in [
            "819199",
            "838860801",
            "abc",
            "",
            "-819200",
            "1e6",
            "8192000.5",
        ] {
            let err = parse(Some(bad)).unwrap_err();
            assert_eq!(err.code, Code::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn due_is_bytes_over_rate() {
        assert_eq!(due(0, MIN_BPS), Duration::ZERO);
        // 100 KB/s: 200 KB take two seconds.
        assert_eq!(due(204_800, MIN_BPS), Duration::from_secs(2));
        assert_eq!(due(1024 * 1024, 8 * 1024 * 1024), Duration::from_secs(1));
        assert_eq!(due(1, 8_000_000_000), Duration::from_nanos(1));
    }

    #[test]
    fn chunk_size_is_a_twentieth_of_a_second_within_bounds() {
        assert_eq!(chunk_size(MIN_BPS), 5120);
        assert_eq!(chunk_size(MAX_BPS), 64 * 1024);
        assert_eq!(chunk_size(1), 1024);
    }

    #[test]
    fn applies_to_the_transfer_apis_only() {
        for op in [
            Op::PutObject,
            Op::GetObject,
            Op::PostObject,
            Op::UploadPart,
            Op::AppendObject,
        ] {
            assert!(applies(op), "{op:?}");
        }
        for op in [
            Op::HeadObject,
            Op::PutObjectCopy,
            Op::DeleteObject,
            Op::CompleteMultipartUpload,
        ] {
            assert!(!applies(op), "{op:?}");
        }
    }

    #[tokio::test]
    async fn paced_body_takes_size_over_rate() {
        use http_body_util::BodyExt;
        // 200 KiB at 1 MiB/s in 51 KiB chunks: the last one leaves at 150 ms.
        let bps = 8 * 1024 * 1024;
        let data = bytes::Bytes::from(vec![7u8; 204_800]);
        let started = std::time::Instant::now();
        let body = paced_body(data.clone().into(), bps)
            .collect()
            .await
            .unwrap();
        assert_eq!(body.to_bytes(), data);
        let took = started.elapsed();
        let chunk = chunk_size(bps);
        let last = due((((data.len() - 1) / chunk) * chunk) as u64, bps);
        assert_eq!(last.as_millis(), 149);
        assert!(
            took >= last && took < last + Duration::from_millis(400),
            "{took:?}"
        );
    }
}
