//! Transport limits, for `server`: the timeouts a connection lives under, the cap on concurrent
//! connections, and the register of requests in flight that shutdown reports on.
//!
//! The timeouts, in one place (each a flag; `0` turns it off):
//!
//! - **header read** (`--header-read-timeout`, 30 s): a new connection must deliver a complete
//!   request head within it of being accepted; on a kept-alive connection, within it of the head's
//!   first byte. A client sending one byte a second is dropped (no answer: there is no request yet).
//! - **keep-alive idle** (`--keep-alive-timeout`, 60 s): a connection with no request under way and
//!   no byte of the next one is closed after it.
//! - **body idle** (`--body-idle-timeout`, 30 s): the longest wait for the next byte of a request
//!   body (enforced by `body::Unread`); then the request fails with 400 `RequestTimeout`, as S3's
//!   and COS's "Your socket connection to the server was not read from or written to within the
//!   timeout period", and the connection is closed. A body shorter than its `Content-Length` ends so.
//!
//! A request under way (head read, response not yet fully written) is never cut by the first two.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The transport settings (flags `--header-read-timeout`, `--body-idle-timeout`,
/// `--keep-alive-timeout`, `--max-connections`, `--shutdown-grace`). `None` turns a timeout off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    pub header_read: Option<Duration>,
    pub body_idle: Option<Duration>,
    pub keep_alive: Option<Duration>,
    /// Connections served at once; past it, see [`Gate`].
    pub max_connections: usize,
    /// How long requests in flight may run on after a shutdown signal.
    pub shutdown_grace: Duration,
}

impl Transport {
    pub const HEADER_READ: Duration = Duration::from_secs(30);
    pub const BODY_IDLE: Duration = Duration::from_secs(30);
    pub const KEEP_ALIVE: Duration = Duration::from_secs(60);
    pub const MAX_CONNECTIONS: usize = 4096;
    pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
    /// File descriptors kept free below the open-file limit when the cap is derived from it (the
    /// listeners, the config file, the over-cap connections).
    pub const FD_RESERVE: usize = 64;

    /// The default cap: [`Transport::MAX_CONNECTIONS`], or the soft open-file limit less
    /// [`Transport::FD_RESERVE`] when that is lower, so the cap is reached before `accept` fails.
    pub fn default_max_connections() -> usize {
        match open_file_limit() {
            Some(limit) => {
                Self::MAX_CONNECTIONS.min(limit.saturating_sub(Self::FD_RESERVE).max(16))
            }
            None => Self::MAX_CONNECTIONS,
        }
    }
}

impl Default for Transport {
    fn default() -> Self {
        Transport {
            header_read: Some(Self::HEADER_READ),
            body_idle: Some(Self::BODY_IDLE),
            keep_alive: Some(Self::KEEP_ALIVE),
            max_connections: Self::MAX_CONNECTIONS,
            shutdown_grace: Self::SHUTDOWN_GRACE,
        }
    }
}

/// The soft `Max open files` of this process (Linux `/proc/self/limits`), when known and finite.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Parses a duration flag: seconds (`30`, `0.25`) or with a unit (`500ms`, `2s`); `0` is off.
pub fn parse_duration(text: &str) -> Result<Option<Duration>, String> {
    let t = text.trim();
    let (number, scale) = if let Some(ms) = t.strip_suffix("ms") {
        (ms, 0.001)
    } else {
        (t.strip_suffix('s').unwrap_or(t), 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (e.g. 30, 0.5, 500ms)"))?;
    if !value.is_finite() || value < 0.0 || value * scale > 1e9 {
        return Err(format!("{text:?} is not a duration (e.g. 30, 0.5, 500ms)"));
    }
    let d = Duration::from_secs_f64(value * scale);
    Ok((!d.is_zero()).then_some(d))
}

/// Where a connection is between requests, as its watchdog sees it.
const WAITING: u8 = 0;
const IN_HEAD: u8 = 1;
const IN_REQUEST: u8 = 2;

/// One connection's progress: set by its socket (a byte of a head arrived), its service (a
/// request began, its response ended) and read by its watchdog.
pub struct Activity {
    base: Instant,
    phase: AtomicU8,
    /// Milliseconds after `base` the phase began.
    since: AtomicU64,
    /// Whether a request was served on the connection (then waiting is keep-alive idle).
    served: AtomicBool,
    /// 1 + the milliseconds after `base` a write began to wait for the client to read; 0 while
    /// writes go through.
    write_blocked: AtomicU64,
    /// Milliseconds after `base` of the last write that went through: hyper has the whole body
    /// of a response (and the request is over) long before a slow client has read it.
    last_write: AtomicU64,
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity {
            base: Instant::now(),
            phase: AtomicU8::new(WAITING),
            since: AtomicU64::new(0),
            served: AtomicBool::new(false),
            write_blocked: AtomicU64::new(0),
            last_write: AtomicU64::new(0),
        })
    }

    fn now(&self) -> u64 {
        self.base.elapsed().as_millis() as u64
    }

    fn enter(&self, phase: u8) {
        self.since.store(self.now(), Ordering::Release);
        self.phase.store(phase, Ordering::Release);
    }

    /// A request's head was read: its handling begins. The returned guard ends it when dropped
    /// (with the response body, once it is written).
    pub fn begin(self: &Arc<Self>) -> RequestDone {
        self.enter(IN_REQUEST);
        RequestDone(self.clone())
    }

    /// Notes whether a write (or flush) went through or waits for the client to read; `sent`:
    /// whether bytes went out (a flush with nothing to send is no sign of life).
    fn wrote<T>(&self, polled: &Poll<T>, sent: bool) {
        let blocked = self.write_blocked.load(Ordering::Acquire);
        match polled {
            Poll::Pending if blocked == 0 => {
                self.write_blocked.store(self.now() + 1, Ordering::Release)
            }
            Poll::Pending => {}
            Poll::Ready(_) => {
                if sent {
                    self.last_write.store(self.now(), Ordering::Release);
                }
                if blocked != 0 {
                    self.write_blocked.store(0, Ordering::Release)
                }
            }
        }
    }

    /// When a client that stopped reading its response is to be dropped: a write has waited
    /// for it for the body idle timeout (the response direction's twin of a stalled upload).
    fn send_deadline(&self, t: &Transport) -> Option<Instant> {
        let blocked = self.write_blocked.load(Ordering::Acquire).checked_sub(1)?;
        Some(self.base + Duration::from_millis(blocked) + t.body_idle?)
    }

    /// When the connection is due to be closed, from what it is doing now; `None` while a request
    /// is under way (and its response is being read) or the applicable timeout is off.
    fn deadline(&self, t: &Transport) -> Option<Instant> {
        if let Some(deadline) = self.send_deadline(t) {
            return Some(deadline);
        }
        let after = match self.phase.load(Ordering::Acquire) {
            IN_REQUEST => return None,
            IN_HEAD => t.header_read?,
            _ if self.served.load(Ordering::Acquire) => t.keep_alive?,
            _ => t.header_read?,
        };
        // Idle counts from the end of the last response as sent, not as handed to hyper.
        let since = self
            .since
            .load(Ordering::Acquire)
            .max(self.last_write.load(Ordering::Acquire));
        Some(self.base + Duration::from_millis(since) + after)
    }

    /// Runs until the connection outlives its timeout, and says why. Looks again at least every
    /// quarter of the shortest timeout (at most every second), as the phase may change meanwhile.
    pub async fn watchdog(&self, t: Transport) -> &'static str {
        let recheck = [t.header_read, t.keep_alive, t.body_idle]
            .into_iter()
            .flatten()
            .min()
            .map_or(Duration::from_secs(1), |d| d / 4)
            .clamp(Duration::from_millis(10), Duration::from_secs(1));
        loop {
            let now = Instant::now();
            match self.deadline(&t) {
                Some(deadline) if deadline <= now => {
                    if self.send_deadline(&t).is_some() {
                        return "the client read nothing of its response within the body idle timeout";
                    }
                    return match self.phase.load(Ordering::Acquire) {
                        IN_HEAD => "no complete request head within the header read timeout",
                        _ if self.served.load(Ordering::Acquire) => {
                            "idle past the keep-alive timeout"
                        }
                        _ => "no request head within the header read timeout",
                    };
                }
                Some(deadline) => {
                    tokio::time::sleep_until(deadline.min(now + recheck).into()).await
                }
                None => tokio::time::sleep(recheck).await,
            }
        }
    }
}

/// Ends a request on its connection when dropped: the connection waits for its next request.
pub struct RequestDone(Arc<Activity>);

impl Drop for RequestDone {
    fn drop(&mut self) {
        self.0.served.store(true, Ordering::Release);
        self.0.enter(WAITING);
    }
}

/// A socket that tells its connection's [`Activity`] when a byte of a new request head arrives.
pub struct Watched<I> {
    inner: I,
    activity: Arc<Activity>,
}

impl<I> Watched<I> {
    pub fn new(inner: I, activity: Arc<Activity>) -> Watched<I> {
        Watched { inner, activity }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Watched<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before && self.activity.phase.load(Ordering::Acquire) == WAITING {
            self.activity.enter(IN_HEAD);
        }
        polled
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Watched<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        let sent = matches!(polled, Poll::Ready(Ok(n)) if n > 0);
        self.activity.wrote(&polled, sent);
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(cx);
        self.activity.wrote(&polled, false);
        polled
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        let sent = matches!(polled, Poll::Ready(Ok(n)) if n > 0);
        self.activity.wrote(&polled, sent);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// How many connections past the cap are still accepted at once, each to answer one request
/// (health: 200; anything else: 503 `SlowDown`) and be closed. Past these, a connection is closed
/// as soon as it is accepted.
pub const OVER_CAP: usize = 32;

/// The connection cap. A connection under the cap holds a permit while it lives. A connection over
/// it is still accepted, up to [`OVER_CAP`] at once, and answers exactly one request: the health
/// check as usual, anything else 503 `SlowDown` ("Please reduce your request rate."), then closes.
/// So health checks answer while idle clients hold every slot. Reaching the cap is logged once per
/// episode (and its end once), not per connection.
pub struct Gate {
    under: Arc<tokio::sync::Semaphore>,
    over: Arc<tokio::sync::Semaphore>,
    max: usize,
    full: AtomicBool,
}

/// What a newly accepted connection may do.
pub enum Admission {
    /// Served as usual while it holds the permit.
    Served(tokio::sync::OwnedSemaphorePermit),
    /// Over the cap: one request (health answers; the rest 503), then closed.
    OverCap(tokio::sync::OwnedSemaphorePermit),
    /// Closed at once.
    Refused,
}

impl Gate {
    pub fn new(max: usize) -> Gate {
        Gate {
            under: Arc::new(tokio::sync::Semaphore::new(max)),
            over: Arc::new(tokio::sync::Semaphore::new(OVER_CAP)),
            max,
            full: AtomicBool::new(false),
        }
    }

    pub fn admit(&self) -> Admission {
        if let Ok(permit) = self.under.clone().try_acquire_owned() {
            if self.full.swap(false, Ordering::AcqRel) {
                tracing::info!("connections back under the cap of {}", self.max);
            }
            return Admission::Served(permit);
        }
        if !self.full.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                "connection cap reached: {} connections open (--max-connections); new connections \
                 answer one request (health 200, others 503 SlowDown) and are closed until some end",
                self.max
            );
        }
        match self.over.clone().try_acquire_owned() {
            Ok(permit) => Admission::OverCap(permit),
            Err(_) => Admission::Refused,
        }
    }
}

/// The requests being handled, for the shutdown report: each registered with its method, target
/// and client when its head is read, and removed when its response is written (or abandoned).
#[derive(Default)]
pub struct InFlight {
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, (Instant, Described)>>,
}

/// A request as the shutdown lines name it, `PUT /key from 127.0.0.1:50000`, its target cut to
/// [`Described::MAX_TARGET_SHOWN`] characters. Kept as parts (cheap clones) and written only if a
/// shutdown cuts the request.
#[derive(Debug, Clone)]
pub struct Described {
    pub method: http::Method,
    pub uri: http::Uri,
    pub remote: std::net::SocketAddr,
}

impl Described {
    pub const MAX_TARGET_SHOWN: usize = 200;
}

impl std::fmt::Display for Described {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = self.uri.path_and_query().map_or("/", |p| p.as_str());
        let cut = target
            .char_indices()
            .nth(Self::MAX_TARGET_SHOWN)
            .map_or(target.len(), |(at, _)| at);
        let more = if cut < target.len() { "…" } else { "" };
        write!(
            f,
            "{} {}{more} from {}",
            self.method,
            &target[..cut],
            self.remote
        )
    }
}

impl InFlight {
    pub fn register(self: &Arc<Self>, what: Described) -> Registered {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut open) = self.open.lock() {
            open.insert(id, (Instant::now(), what));
        }
        Registered {
            id,
            register: self.clone(),
        }
    }

    /// The requests still open, oldest first, each with how long it has run.
    pub fn open(&self) -> Vec<String> {
        let open = self.open.lock().map(|o| o.clone()).unwrap_or_default();
        open.into_values()
            .map(|(at, what)| format!("{what} (running {:.1} s)", at.elapsed().as_secs_f64()))
            .collect()
    }
}

/// A request's entry in [`InFlight`], removed when dropped.
pub struct Registered {
    id: u64,
    register: Arc<InFlight>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut open) = self.register.open.lock() {
            open.remove(&self.id);
        }
    }
}

/// A response body that holds what must end with the response (its [`RequestDone`] and
/// [`Registered`]) until hyper has written it or dropped it.
pub struct Tracked<B> {
    inner: B,
    _hold: (RequestDone, Registered),
}

impl<B> Tracked<B> {
    pub fn new(inner: B, done: RequestDone, registered: Registered) -> Tracked<B> {
        Tracked {
            inner,
            _hold: (done, registered),
        }
    }
}

impl<B: hyper::body::Body + Unpin> hyper::body::Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_duration_takes_seconds_fractions_and_units() {
        assert_eq!(parse_duration("30"), Ok(Some(Duration::from_secs(30))));
        assert_eq!(parse_duration("0.25"), Ok(Some(Duration::from_millis(250))));
        assert_eq!(
            parse_duration("300ms"),
            Ok(Some(Duration::from_millis(300)))
        );
        assert_eq!(parse_duration("2s"), Ok(Some(Duration::from_secs(2))));
        assert_eq!(parse_duration("0"), Ok(None));
        for bad in ["", "-1", "abc", "1h", "NaN", "inf", "1e300"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deadline_follows_the_phase() {
        let t = Transport {
            header_read: Some(Duration::from_secs(1)),
            keep_alive: Some(Duration::from_secs(5)),
            ..Transport::default()
        };
        let a = Activity::new();
        let fresh = a.deadline(&t).unwrap() - a.base;
        assert!(
            fresh <= Duration::from_secs(1),
            "a new connection: header read"
        );
        let done = a.begin();
        assert_eq!(a.deadline(&t), None, "a request under way is never cut");
        drop(done);
        let idle = a.deadline(&t).unwrap() - a.base;
        assert!(
            idle >= Duration::from_secs(5),
            "after a request: keep-alive"
        );
        a.enter(IN_HEAD);
        let head = a.deadline(&t).unwrap() - a.base;
        assert!(head < Duration::from_secs(2), "a head begun: header read");
        let off = Transport {
            header_read: None,
            ..t
        };
        assert_eq!(a.deadline(&off), None);
    }

    #[test]
    fn deadline_while_a_response_is_sent() {
        let t = Transport {
            body_idle: Some(Duration::from_secs(3)),
            keep_alive: Some(Duration::from_secs(5)),
            ..Transport::default()
        };
        let a = Activity::new();
        let done = a.begin();
        a.wrote(&Poll::<()>::Pending, false);
        let stalled = a.deadline(&t).unwrap() - a.base;
        assert!(
            stalled <= Duration::from_secs(4),
            "a stalled write: body idle"
        );
        drop(done);
        assert_eq!(
            a.deadline(&t).unwrap() - a.base,
            stalled,
            "the response handed to hyper, still not read: body idle"
        );
        std::thread::sleep(Duration::from_millis(20));
        a.wrote(&Poll::Ready(()), true);
        let idle = a.deadline(&t).unwrap() - a.base;
        assert!(
            idle >= Duration::from_millis(5020),
            "keep-alive counts from the last write: {idle:?}"
        );
        let off = Transport {
            body_idle: None,
            ..t
        };
        a.wrote(&Poll::<()>::Pending, false);
        assert!(a.deadline(&off).unwrap() - a.base >= Duration::from_millis(5020));
    }

    #[test]
    fn gate_admits_up_to_the_cap_then_over_cap_then_refuses() {
        let gate = Gate::new(2);
        let kept: Vec<_> = (0..2).map(|_| gate.admit()).collect();
        assert!(kept.iter().all(|a| matches!(a, Admission::Served(_))));
        let over: Vec<_> = (0..OVER_CAP).map(|_| gate.admit()).collect();
        assert!(over.iter().all(|a| matches!(a, Admission::OverCap(_))));
        assert!(matches!(gate.admit(), Admission::Refused));
        drop(kept);
        assert!(matches!(gate.admit(), Admission::Served(_)));
    }

    #[test]
    fn in_flight_lists_what_is_open() {
        let register = Arc::new(InFlight::default());
        let described = |method: &str, target: &str, port: u16| Described {
            method: method.parse().unwrap(),
            uri: target.parse().unwrap(),
            remote: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let a = register.register(described("PUT", "/a", 1));
        let b = register.register(described("GET", "/b?acl", 2));
        drop(a);
        let open = register.open();
        assert_eq!(open.len(), 1);
        assert!(open[0].starts_with("GET /b?acl from 127.0.0.1:2 (running "));
        drop(b);
        assert!(register.open().is_empty());
        let long = format!("/{}", "é".repeat(300));
        let shown = described("PUT", &long, 3).to_string();
        assert!(shown.starts_with("PUT /éé"), "{shown}");
        assert!(shown.ends_with("é… from 127.0.0.1:3"), "{shown}");
        assert_eq!(shown.chars().filter(|c| *c == 'é').count(), 199);
    }
}
