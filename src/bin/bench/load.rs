//! The load generator: keep-alive HTTP/1.1 connections (hyper's client), every request signed with `cos_sign`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cos_mock::auth::cos_sign;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// How long one request may take before it counts as `timeout` and its connection is dropped.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Where requests go and who signs them.
pub struct Target {
    pub addr: SocketAddr,
    /// The Host header (virtual-host style, as the SDKs send it).
    pub host: String,
    pub secret_id: String,
    pub secret_key: String,
}

/// One signed request: method, decoded path, query pairs (signed), extra headers (signed), body.
pub struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Bytes,
}

impl Target {
    /// A target for requests that are built already (nothing is signed through it).
    pub fn unsigned(addr: SocketAddr) -> Target {
        Target {
            addr,
            host: addr.to_string(),
            secret_id: String::new(),
            secret_key: String::new(),
        }
    }

    /// The `Authorization` of `call` for `[now - 60 s, now + valid]`: with a long `valid`, one value
    /// signs many identical requests (cos-mock checks it on each).
    pub fn authorization(&self, call: &Call, valid: Duration) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut signed = vec![("host", self.host.as_str())];
        signed.extend_from_slice(call.headers);
        cos_sign::authorization(
            &self.secret_id,
            &self.secret_key,
            now.saturating_sub(60),
            now + valid.as_secs(),
            call.method,
            call.path,
            call.query,
            &signed,
        )
    }

    /// Builds the request with a fresh `Authorization` over `host` and every header of `call`.
    pub fn request(&self, call: &Call) -> Request<Full<Bytes>> {
        let auth = self.authorization(call, Duration::from_secs(600));
        let mut builder = Request::builder()
            .method(call.method)
            .uri(uri(call.path, call.query))
            .header("authorization", auth)
            .header("host", self.host.as_str());
        for (name, value) in call.headers {
            builder = builder.header(*name, *value);
        }
        // hyper omits `Content-Length: 0`, which COS (and cos-mock) require on an empty PUT.
        if matches!(call.method, "PUT" | "POST") {
            builder = builder.header("content-length", call.body.len());
        }
        builder
            .body(Full::new(call.body.clone()))
            .expect("the bench builds only valid requests")
    }
}

/// The request target of `call`: path and encoded query.
pub fn uri(path: &str, query: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = query
        .iter()
        .map(|(k, v)| match v.is_empty() {
            true => cos_sign::encode(k),
            false => format!("{}={}", cos_sign::encode(k), cos_sign::encode(v)),
        })
        .collect();
    match pairs.is_empty() {
        true => path.to_string(),
        false => format!("{path}?{}", pairs.join("&")),
    }
}

/// Opens one keep-alive connection (TCP_NODELAY, as SDK clients do).
pub async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// Sends one request on `sender` and reads the whole answer; returns the status and whether the
/// server keeps the connection open (no `Connection: close`, as moto's server sends on every answer).
pub async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<(u16, bool), String> {
    let ask = async {
        sender.ready().await.map_err(|e| e.to_string())?;
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let keep = resp.version() == hyper::Version::HTTP_11
            && !resp
                .headers()
                .get(hyper::header::CONNECTION)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
        resp.into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        Ok((status, keep))
    };
    tokio::time::timeout(REQUEST_TIMEOUT, ask)
        .await
        .map_err(|_| "timeout".to_string())?
}

/// Sends one request and reads the whole answer: status, headers, body.
pub async fn exchange_full(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<(u16, hyper::HeaderMap, Bytes), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((parts.status.as_u16(), parts.headers, body))
}

/// Sends one request and reads the answer's body frame by frame without keeping it; returns the
/// status and the number of body bytes.
pub async fn exchange_counting(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<(u16, u64), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let mut body = resp.into_body();
    let mut bytes = 0u64;
    while let Some(frame) = body.frame().await {
        if let Some(data) = frame.map_err(|e| e.to_string())?.data_ref() {
            bytes += data.len() as u64;
        }
    }
    Ok((status, bytes))
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[u32], q: f64) -> Option<u32> {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

/// What one run of a workload produced.
#[derive(Default)]
pub struct Tally {
    /// Latency of every answered request, in microseconds.
    pub latencies_us: Vec<u32>,
    /// `"200"`, `"501"`, ... and `"error"` / `"timeout"` for requests that got no answer.
    pub statuses: BTreeMap<String, u64>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (k, v) in other.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
    }

    fn count(&mut self, label: String) {
        *self.statuses.entry(label).or_default() += 1;
    }
}

/// How long and how much: stop at `duration` or after `requests` requests, whichever comes first.
#[derive(Clone, Copy)]
pub struct Limits {
    pub concurrency: usize,
    pub duration: Duration,
    pub requests: u64,
}

/// Drives `make` from `limits.concurrency` connections; returns the tally and the wall time taken.
pub async fn run<F>(target: Arc<Target>, make: F, limits: Limits) -> (Tally, Duration)
where
    F: Fn(&Target) -> Request<Full<Bytes>> + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let budget = Arc::new(AtomicU64::new(limits.requests));
    let started = Instant::now();
    let stop = started + limits.duration;
    let workers: Vec<_> = (0..limits.concurrency)
        .map(|_| tokio::spawn(worker(target.clone(), make.clone(), stop, budget.clone())))
        .collect();
    let mut tally = Tally::default();
    for w in workers {
        if let Ok(t) = w.await {
            tally.merge(t);
        }
    }
    (tally, started.elapsed())
}

/// One connection's loop: take a request from the budget, send it, time it; reconnect after a failure.
async fn worker<F>(
    target: Arc<Target>,
    make: Arc<F>,
    stop: Instant,
    budget: Arc<AtomicU64>,
) -> Tally
where
    F: Fn(&Target) -> Request<Full<Bytes>>,
{
    let mut tally = Tally::default();
    let mut conn = None;
    while Instant::now() < stop && take(&budget) {
        let sender = match &mut conn {
            Some(s) => s,
            None => match connect(target.addr).await {
                Ok(s) => conn.insert(s),
                Err(_) => {
                    tally.count("connect-error".into());
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let req = make(&target);
        let sent = Instant::now();
        match exchange(sender, req).await {
            Ok((status, keep)) => {
                let us = sent.elapsed().as_micros().min(u32::MAX as u128) as u32;
                tally.latencies_us.push(us);
                tally.count(status.to_string());
                if !keep {
                    conn = None;
                }
            }
            Err(e) => {
                tally.count(if e == "timeout" { e } else { "error".into() });
                conn = None;
            }
        }
    }
    tally
}

fn take(budget: &AtomicU64) -> bool {
    budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::{percentile, uri};

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.50), Some(50));
        assert_eq!(percentile(&v, 0.99), Some(99));
        assert_eq!(percentile(&[7], 0.99), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn uri_writes_a_bare_subresource_and_encodes_values() {
        assert_eq!(uri("/", &[("acl", "")]), "/?acl");
        assert_eq!(uri("/k", &[]), "/k");
        assert_eq!(uri("/k", &[("prefix", "a b")]), "/k?prefix=a%20b");
    }
}
