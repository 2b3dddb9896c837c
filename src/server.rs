//! The HTTP/1.1 server: accept loop (TCP_NODELAY, keep-alive, the connection cap), each connection
//! under its timeouts (`transport`), graceful shutdown within `--shutdown-grace` (requests cut at
//! its end are reported), `CONNECT` tunnels, and COS's exact spelling of response header names
//! (`ETag`, `Content-Length`, ...), which hyper would lowercase.
//!
//! `CONNECT host:port` (what an HTTPS client sends to its proxy) is answered only when TLS is
//! configured (`--tls-listen`): cos-mock answers 200, terminates TLS on the tunnel with the same
//! certificate (the local CA's certificate for the asked name, or the given one) and serves the
//! decrypted requests like any other, by their Host. It must be the first request of its
//! connection, as proxy clients send it. Without TLS, `CONNECT` reaches the dispatcher like any
//! other method and is refused there.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::{Extensions, Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::transport::{
    Activity, Admission, Described, Gate, InFlight, Tracked, Transport, Watched,
};
use crate::AppState;

/// Response header names as COS spells them. Names not listed go out in lower case, as COS writes
/// `x-cos-*` headers.
pub const HEADER_SPELLINGS: &[&str] = &[
    "ETag",
    "Content-Length",
    "Content-Type",
    "Content-Range",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Cache-Control",
    "Expires",
    "Accept-Ranges",
    "Last-Modified",
    "Date",
    "Server",
    "Connection",
    "Location",
    "Vary",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Credentials",
    // As COS (and S3) spell it: `MD5` in capitals.
    "x-cos-server-side-encryption-customer-key-MD5",
];

/// A socket to serve, in plain HTTP or, with an acceptor, HTTPS.
pub struct Listener {
    pub tcp: TcpListener,
    pub tls: Option<TlsAcceptor>,
}

/// Serves `listener` until `shutdown` completes, then lets open requests finish within the
/// configured grace ([`serve_all`]).
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<Stopped> {
    serve_all(
        vec![Listener {
            tcp: listener,
            tls: None,
        }],
        state,
        shutdown,
    )
    .await
}

/// How serving ended.
#[derive(Debug, Default)]
pub struct Stopped {
    /// The requests still in flight when the shutdown grace ran out (method, target, client, how
    /// long each had run); the binary exits 1 when there are any.
    pub cut: Vec<String>,
}

/// Serves every listener until `shutdown` completes; then stops accepting, closes idle connections
/// and lets requests in flight finish within `--shutdown-grace`. Those still running then are cut,
/// logged one by one and returned in [`Stopped`].
pub async fn serve_all(
    listeners: Vec<Listener>,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<Stopped> {
    let transport = state.config.transport;
    let spellings = Arc::new(Spellings {
        all: header_spellings(|_| true).await,
        without_cors: header_spellings(|name| !name.starts_with("Access-Control-")).await,
    });
    let tunnel = listeners.iter().find_map(|l| l.tls.clone());
    let graceful = Arc::new(GracefulShutdown::new());
    let in_flight = Arc::new(InFlight::default());
    let gate = Arc::new(Gate::new(transport.max_connections));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let loops: Vec<_> = listeners
        .into_iter()
        .map(|l| {
            let conn = Conn {
                state: state.clone(),
                spellings: spellings.clone(),
                tunnel: tunnel.clone(),
                transport,
                gate: gate.clone(),
                in_flight: in_flight.clone(),
            };
            tokio::spawn(accept_loop(l, conn, graceful.clone(), stop_rx.clone()))
        })
        .collect();
    shutdown.await;
    let _ = stop_tx.send(true);
    for l in loops {
        let _ = l.await;
    }
    // Only the accept loops held the shutdown handle (connections hold watchers), and they are done.
    let graceful = Arc::try_unwrap(graceful)
        .map_err(|_| std::io::Error::other("an accept loop is still running"))?;
    let grace = transport.shutdown_grace;
    let running = in_flight.open().len();
    if running > 0 {
        tracing::info!(
            "stopped accepting; {running} request(s) in flight may finish within {} s",
            grace.as_secs_f64()
        );
    }
    let cut = tokio::select! {
        _ = graceful.shutdown() => Vec::new(),
        _ = tokio::time::sleep(grace) => in_flight.open(),
    };
    if !cut.is_empty() {
        tracing::warn!(
            "shutdown grace of {} s ran out: {} request(s) cut",
            grace.as_secs_f64(),
            cut.len()
        );
        for what in &cut {
            tracing::warn!("cut at shutdown: {what}");
        }
    }
    Ok(Stopped { cut })
}

/// What every connection is served with.
#[derive(Clone)]
struct Conn {
    state: Arc<AppState>,
    spellings: Arc<Spellings>,
    /// Terminates `CONNECT` tunnels on the plain listener; none without TLS.
    tunnel: Option<TlsAcceptor>,
    transport: Transport,
    gate: Arc<Gate>,
    in_flight: Arc<InFlight>,
}

/// A connection let in by the [`Gate`]: its slot is held as long as the connection lives.
struct Admitted {
    _permit: tokio::sync::OwnedSemaphorePermit,
    over_cap: bool,
}

/// How long a TLS client may take to finish its handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

async fn accept_loop(
    listener: Listener,
    conn: Conn,
    graceful: Arc<GracefulShutdown>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    // Whether accepting fails (e.g. out of file descriptors): logged once per episode.
    let mut failing = false;
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.tcp.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    if !std::mem::replace(&mut failing, true) {
                        tracing::warn!("accept failed: {e} (--max-connections may be above the open-file limit)");
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        if std::mem::replace(&mut failing, false) {
            tracing::info!("accepting connections again");
        }
        let admitted = match conn.gate.admit() {
            Admission::Served(permit) => Admitted {
                _permit: permit,
                over_cap: false,
            },
            Admission::OverCap(permit) => Admitted {
                _permit: permit,
                over_cap: true,
            },
            Admission::Refused => continue,
        };
        let _ = stream.set_nodelay(true);
        let conn = conn.clone();
        let watcher = graceful.watcher();
        match &listener.tls {
            None if conn.tunnel.is_some() => {
                let mut stop = stop.clone();
                tokio::spawn(async move {
                    // A tunnel still being set up at shutdown is dropped, with its watcher.
                    tokio::select! {
                        _ = plain_or_tunnel(stream, remote, conn, watcher, admitted) => {}
                        _ = stop.changed() => {}
                    }
                });
            }
            None => serve_connection(stream, remote, false, conn, watcher, admitted),
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let mut stop = stop.clone();
                tokio::spawn(async move {
                    // A handshake still under way at shutdown is dropped, with its watcher.
                    let handshake =
                        tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream));
                    tokio::select! {
                        done = handshake => match done {
                            Ok(Ok(tls)) => serve_connection(tls, remote, true, conn, watcher, admitted),
                            Ok(Err(e)) => tracing::debug!("TLS handshake with {remote} failed: {e}"),
                            Err(_) => tracing::debug!("TLS handshake with {remote} timed out"),
                        },
                        _ = stop.changed() => {}
                    }
                });
            }
        }
    }
}

/// Longest `CONNECT` head read before the tunnel starts.
const MAX_CONNECT_HEAD: usize = 8 * 1024;

/// A plain connection whose first request may be `CONNECT`: then answers 200, terminates TLS on
/// the tunnel and serves it; else serves the connection as plain HTTP.
async fn plain_or_tunnel(
    mut stream: tokio::net::TcpStream,
    remote: SocketAddr,
    conn: Conn,
    watcher: Watcher,
    admitted: Admitted,
) {
    const METHOD: &[u8] = b"CONNECT ";
    let peek = async {
        let mut first = [0u8; METHOD.len()];
        loop {
            let n = stream.peek(&mut first).await.ok().filter(|n| *n > 0)?;
            if first[..n] != METHOD[..n] {
                return Some(false);
            }
            if n == METHOD.len() {
                return Some(true);
            }
            // A prefix of `CONNECT `: wait for the rest.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    // The first bytes come under the header read timeout, as they would on any connection.
    let peeked = match conn.transport.header_read {
        Some(limit) => tokio::time::timeout(limit, peek).await.ok().flatten(),
        None => peek.await,
    };
    let Some(is_connect) = peeked else {
        return;
    };
    if !is_connect {
        return serve_connection(stream, remote, false, conn, watcher, admitted);
    }
    let Some(acceptor) = conn.tunnel.clone() else {
        return;
    };
    let tunnel = async {
        let target = read_connect_head(&mut stream).await?;
        stream
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .map_err(|e| e.to_string())?;
        let tls = acceptor
            .accept(stream)
            .await
            .map_err(|e| format!("TLS handshake for {target}: {e}"))?;
        Ok::<_, String>(tls)
    };
    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, tunnel).await {
        Ok(Ok(tls)) => serve_connection(tls, remote, true, conn, watcher, admitted),
        Ok(Err(e)) => tracing::debug!("CONNECT from {remote} failed: {e}"),
        Err(_) => tracing::debug!("CONNECT from {remote} timed out"),
    }
}

/// Reads a `CONNECT host:port HTTP/1.1` head (and its headers) and returns `host:port`; a bad
/// head is answered 400 and the connection closed.
async fn read_connect_head(stream: &mut tokio::net::TcpStream) -> Result<String, String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte: nothing after the head may be read, the TLS handshake follows it.
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_CONNECT_HEAD
            || stream.read(&mut byte).await.map_err(|e| e.to_string())? == 0
        {
            return Err("the CONNECT head is too long or was cut".into());
        }
        head.push(byte[0]);
    }
    let target = connect_target(&head);
    if target.is_none() {
        let _ = stream
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await;
    }
    target.ok_or_else(|| "a malformed CONNECT line".into())
}

/// The `host:port` of a `CONNECT host:port HTTP/1.x` request line.
fn connect_target(head: &[u8]) -> Option<String> {
    let line = std::str::from_utf8(head).ok()?.lines().next()?;
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let (host, port) = target.rsplit_once(':')?;
    let valid = method == "CONNECT"
        && version.starts_with("HTTP/1.")
        && parts.next().is_none()
        && !host.is_empty()
        && port.parse::<u16>().is_ok();
    valid.then(|| target.to_string())
}

/// The health check, answered even on a connection over the cap.
const HEALTH_PATH: &str = "/_cos-mock/health";

/// Serves one HTTP/1.1 connection (keep-alive, `Expect: 100-continue`, COS header spellings) under
/// its timeouts ([`crate::transport`]). A connection over the cap answers one request (the health
/// check, or 503 `SlowDown`) and closes.
fn serve_connection<I>(
    io: I,
    remote: SocketAddr,
    secure: bool,
    conn: Conn,
    watcher: Watcher,
    admitted: Admitted,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let Conn {
        state,
        spellings,
        transport,
        in_flight,
        ..
    } = conn;
    let activity = Activity::new();
    let io = TokioIo::new(Watched::new(io, activity.clone()));
    let over_cap = admitted.over_cap;
    let on_request = activity.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let done = on_request.begin();
        let registered = in_flight.register(Described {
            method: req.method().clone(),
            uri: req.uri().clone(),
            remote,
        });
        let state = state.clone();
        let spellings = spellings.clone();
        async move {
            let mut resp = if over_cap && req.uri().path() != HEALTH_PATH {
                crate::dispatch::over_cap(req.method(), req.uri().path())
            } else {
                let peer = crate::dispatch::Peer {
                    remote: Some(remote),
                    secure,
                };
                crate::dispatch::entry(&state, req.map(axum::body::Body::new), peer).await
            };
            let spellings = spellings.for_headers(resp.headers());
            resp.extensions_mut().extend(spellings);
            let resp = resp.map(|b| axum::body::Body::new(Tracked::new(b, done, registered)));
            Ok::<_, Infallible>(resp)
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .preserve_header_case(true)
        .keep_alive(!over_cap)
        .serve_connection(io, service);
    let connection = watcher.watch(connection);
    tokio::spawn(async move {
        let _admitted = admitted;
        tokio::select! {
            ended = connection => if let Err(e) = ended {
                tracing::debug!("connection from {remote} ended: {e}");
            },
            why = activity.watchdog(transport) => {
                tracing::debug!("closed the connection from {remote}: {why}");
            }
        }
    });
}

/// The header-case maps added to responses (see [`header_spellings`]): one with every spelling, and
/// a smaller one for the many responses without CORS headers (each response gets a copy of its map).
struct Spellings {
    all: Extensions,
    without_cors: Extensions,
}

impl Spellings {
    fn for_headers(&self, headers: &http::HeaderMap) -> Extensions {
        if headers
            .keys()
            .any(|name| name.as_str().starts_with("access-control-"))
        {
            self.all.clone()
        } else {
            self.without_cors.clone()
        }
    }
}

/// hyper writes a response header name in the case recorded in a header-case map found in the
/// response's extensions; the map type is private, but hyper records one for every request it parses
/// with `preserve_header_case`. So parse one request that carries every spelling `keep` accepts once,
/// over an in-memory pipe, and keep its extensions to add to responses.
async fn header_spellings(keep: impl Fn(&str) -> bool) -> Extensions {
    let (mut client, server) = tokio::io::duplex(8192);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        if let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) {
            let _ = tx.send(req.extensions().clone());
        }
        async { Ok::<_, Infallible>(Response::new(http_body_util::Empty::<bytes::Bytes>::new())) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .preserve_header_case(true)
        .serve_connection(TokioIo::new(server), service);
    tokio::spawn(conn);
    let mut head = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for name in HEADER_SPELLINGS
        .iter()
        .filter(|n| !n.eq_ignore_ascii_case("Content-Length") && keep(n))
    {
        head.push_str(&format!("{name}: x\r\n"));
    }
    head.push_str("Content-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = client.write_all(head.as_bytes()).await;
    let extensions = rx.await.unwrap_or_default();
    let mut sink = Vec::new();
    let _ = client.read_to_end(&mut sink).await;
    extensions
}

/// Binds `addr` and returns the listener with its actual address (port 0 picks one).
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/// Asks `<base>/_cos-mock/health` (plain http) and succeeds on a 200 within 5 seconds.
pub async fn check_health(base: &str) -> Result<(), String> {
    let rest = base
        .strip_prefix("http://")
        .ok_or("only http:// URLs are supported")?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(authority)
            .await
            .map_err(|e| e.to_string())?;
        let req = format!(
            "GET /_cos-mock/health HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        );
        stream
            .write_all(req.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        stream
            .read_to_end(&mut buf)
            .await
            .map_err(|e| e.to_string())?;
        let head = String::from_utf8_lossy(&buf);
        if head.starts_with("HTTP/1.1 200") {
            Ok(())
        } else {
            Err(format!(
                "unexpected answer: {}",
                head.lines().next().unwrap_or("")
            ))
        }
    };
    tokio::time::timeout(Duration::from_secs(5), ask)
        .await
        .map_err(|_| "timed out".to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_target_takes_host_and_port_of_a_connect_line() {
        let ok = b"CONNECT examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com:443 HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(
            connect_target(ok).as_deref(),
            Some("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com:443")
        );
        assert_eq!(
            connect_target(b"CONNECT [::1]:8443 HTTP/1.0\r\n\r\n").as_deref(),
            Some("[::1]:8443")
        );
        for bad in [
            &b"CONNECT host HTTP/1.1\r\n\r\n"[..],
            b"CONNECT :443 HTTP/1.1\r\n\r\n",
            b"CONNECT host:99999 HTTP/1.1\r\n\r\n",
            b"CONNECT host:443 SPDY/3\r\n\r\n",
            b"CONNECT host:443 HTTP/1.1 extra\r\n\r\n",
            b"GET host:443 HTTP/1.1\r\n\r\n",
            b"CONNECT \xff:443 HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                connect_target(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
