//! cos-mock's own figures, each on a fresh server: start to ready line, idle RSS, RSS after many 1 KiB
//! objects, listing by prefix in a large bucket, and a large multipart upload and GET over loopback.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::try_join_all;

use super::load::{self, Call, Limits, Target};
use super::server::Server;

pub const BUCKET: &str = "bench-1250000000";
/// Keys per listing prefix: `k000/0000000` .. `k099/0999999` for a million keys.
const KEYS_PER_PREFIX: u64 = 10_000;
/// Longest any single setup or transfer request may take.
const LONG: Duration = Duration::from_secs(300);

/// The signing target of a server, as the SDKs address it (virtual-host style, root key).
pub fn target(server: &Server) -> Arc<Target> {
    Arc::new(Target {
        addr: server.addr,
        host: format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com"),
        secret_id: "AKIDCOSMOCKROOT".into(),
        secret_key: "cos-mock-root-secret".into(),
    })
}

/// Sends signed requests in order on one connection; each must answer 200.
pub async fn expect_200(target: &Target, calls: &[Call<'_>]) -> Result<(), String> {
    let mut conn = load::connect(target.addr).await?;
    for call in calls {
        let (status, _, body) = load::exchange_full(&mut conn, target.request(call)).await?;
        if status != 200 {
            return Err(format!(
                "{} {} answered {status}: {}",
                call.method,
                call.path,
                String::from_utf8_lossy(&body)
            ));
        }
    }
    Ok(())
}

pub fn put_bucket() -> Call<'static> {
    Call {
        method: "PUT",
        path: "/",
        query: &[],
        headers: &[],
        body: Bytes::new(),
    }
}

/// PUTs `count` objects named by `key(n)` with `body`, signed, from 8 connections; the number answered
/// 200 and the seconds taken.
pub async fn put_many(
    target: &Arc<Target>,
    count: u64,
    body: Bytes,
    key: fn(u64) -> String,
) -> (u64, f64) {
    let next = Arc::new(AtomicU64::new(0));
    let make = move |t: &Target| {
        let path = key(next.fetch_add(1, Ordering::Relaxed));
        t.request(&Call {
            method: "PUT",
            path: &path,
            query: &[],
            headers: &[],
            body: body.clone(),
        })
    };
    let limits = Limits {
        concurrency: 8,
        duration: Duration::from_secs(600),
        requests: count,
    };
    let (tally, elapsed) = load::run(target.clone(), make, limits).await;
    let ok = tally.statuses.get("200").copied().unwrap_or(0);
    (ok, elapsed.as_secs_f64())
}

/// The key of the `n`th object of the listing bucket.
pub fn listing_key(n: u64) -> String {
    format!("/k{:03}/{n:07}", n / KEYS_PER_PREFIX)
}

/// A prefix in the middle of a bucket of `keys` listing keys, holding up to 10,000 of them.
pub fn listing_prefix(keys: u64) -> String {
    format!("k{:03}/", keys.div_ceil(KEYS_PER_PREFIX) / 2)
}

/// The key of the `n`th object of the memory workload.
pub fn memory_key(n: u64) -> String {
    format!("/obj/{n:08}")
}

/// Median latency of `GET /?<subresource>max-keys=1000&prefix=<prefix>`, one request at a time,
/// for at most `seconds` or 200 requests; the statuses seen, and how many keys one answer lists
/// (`<Key>` elements), read first.
pub async fn listing_p50(
    target: &Arc<Target>,
    versions: bool,
    prefix: String,
    seconds: u64,
) -> Result<(Option<u32>, String, usize), String> {
    let make = move |t: &Target| {
        let mut query = vec![("max-keys", "1000"), ("prefix", prefix.as_str())];
        if versions {
            query.insert(0, ("versions", ""));
        }
        t.request(&Call {
            method: "GET",
            path: "/",
            query: &query,
            headers: &[],
            body: Bytes::new(),
        })
    };
    let mut conn = load::connect(target.addr).await?;
    let (status, _, body) = load::exchange_full(&mut conn, make(target)).await?;
    if status != 200 {
        return Err(format!(
            "listing answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    let listed = String::from_utf8_lossy(&body).matches("<Key>").count();
    let limits = Limits {
        concurrency: 1,
        duration: Duration::from_secs(seconds),
        requests: 200,
    };
    let (mut tally, _) = load::run(target.clone(), make, limits).await;
    tally.latencies_us.sort_unstable();
    let statuses: Vec<String> = tally
        .statuses
        .iter()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect();
    Ok((
        load::percentile(&tally.latencies_us, 0.5),
        statuses.join(" "),
        listed,
    ))
}

/// A multipart upload of `parts` parts of `part_size` bytes, all parts at once, each on its own
/// connection; the seconds from Initiate to the end of Complete, and those of Complete alone.
pub async fn multipart(
    target: &Arc<Target>,
    key: &str,
    parts: usize,
    part_size: usize,
) -> Result<(f64, f64), String> {
    let data = Bytes::from(vec![b'm'; part_size]);
    let started = Instant::now();
    let mut conn = load::connect(target.addr).await?;
    let initiate = target.request(&Call {
        method: "POST",
        path: key,
        query: &[("uploads", "")],
        headers: &[],
        body: Bytes::new(),
    });
    let (status, _, body) = load::exchange_full(&mut conn, initiate).await?;
    let body = String::from_utf8_lossy(&body);
    let upload_id = between(&body, "<UploadId>", "</UploadId>")
        .filter(|_| status == 200)
        .ok_or_else(|| format!("Initiate Multipart Upload answered {status}: {body}"))?
        .to_string();
    let uploads = (1..=parts).map(|n| {
        let (target, data, upload_id) = (target.clone(), data.clone(), upload_id.clone());
        async move {
            let mut conn = load::connect(target.addr).await?;
            let number = n.to_string();
            let req = target.request(&Call {
                method: "PUT",
                path: key,
                query: &[("partNumber", &number), ("uploadId", &upload_id)],
                headers: &[],
                body: data,
            });
            let (status, headers, _) = timed(load::exchange_full(&mut conn, req)).await?;
            let etag = headers.get("etag").and_then(|v| v.to_str().ok());
            match (status, etag) {
                (200, Some(etag)) => Ok::<_, String>((n, etag.to_string())),
                _ => Err(format!("Upload Part {n} answered {status}")),
            }
        }
    });
    let etags = try_join_all(uploads).await?;
    let mut xml = String::from("<CompleteMultipartUpload>");
    for (n, etag) in etags {
        xml += &format!("<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>");
    }
    xml += "</CompleteMultipartUpload>";
    let completing = Instant::now();
    let complete = target.request(&Call {
        method: "POST",
        path: key,
        query: &[("uploadId", &upload_id)],
        headers: &[],
        body: Bytes::from(xml),
    });
    let (status, _, body) = timed(load::exchange_full(&mut conn, complete)).await?;
    if status != 200 {
        return Err(format!(
            "Complete Multipart Upload answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    Ok((
        started.elapsed().as_secs_f64(),
        completing.elapsed().as_secs_f64(),
    ))
}

/// A signed GET of `key`, its body read and dropped frame by frame; the bytes and seconds.
pub async fn get_streamed(target: &Arc<Target>, key: &str) -> Result<(u64, f64), String> {
    let mut conn = load::connect(target.addr).await?;
    let req = target.request(&Call {
        method: "GET",
        path: key,
        query: &[],
        headers: &[],
        body: Bytes::new(),
    });
    let started = Instant::now();
    let (status, bytes) = timed(load::exchange_counting(&mut conn, req)).await?;
    if status != 200 {
        return Err(format!("GET {key} answered {status}"));
    }
    Ok((bytes, started.elapsed().as_secs_f64()))
}

async fn timed<T>(f: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::time::timeout(LONG, f)
        .await
        .map_err(|_| format!("no answer within {LONG:?}"))?
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_keys_fall_under_the_middle_prefix() {
        assert_eq!(listing_key(0), "/k000/0000000");
        assert_eq!(listing_key(999_999), "/k099/0999999");
        assert_eq!(listing_prefix(1_000_000), "k050/");
        assert_eq!(listing_prefix(20_000), "k001/");
        assert_eq!(listing_prefix(5_000), "k000/");
        assert!(listing_key(510_000).starts_with("/k051/"));
    }

    #[test]
    fn between_finds_the_upload_id() {
        let xml = "<R><UploadId>abc</UploadId></R>";
        assert_eq!(between(xml, "<UploadId>", "</UploadId>"), Some("abc"));
        assert_eq!(between(xml, "<Key>", "</Key>"), None);
    }
}
