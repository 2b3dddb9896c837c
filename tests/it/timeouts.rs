//! Hostile clients over raw sockets (issue #12, findings 3 and 7): slow heads, stalled and short
//! bodies, idle keep-alive connections, the connection cap, and Host headers missing or repeated.
//! Every server here runs with timeouts of a few hundred milliseconds.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use cos_mock::config::{AuthMode, Config};
use cos_mock::transport::Transport;

use crate::util::*;

const SHORT: Duration = Duration::from_millis(300);

/// A server without signatures (raw requests need none) and with `transport`.
fn server(transport: Transport) -> Server {
    let s = Server::with_config(Config {
        auth: AuthMode::Off,
        transport,
        ..Config::default()
    });
    s.create_bucket();
    s
}

fn short_timeouts() -> Transport {
    Transport {
        header_read: Some(SHORT),
        body_idle: Some(SHORT),
        keep_alive: Some(SHORT),
        ..Transport::default()
    }
}

fn connect(s: &Server) -> TcpStream {
    let stream = TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

/// Reads until the server closes the connection; returns what came and how long it took.
fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server did not close the connection: {e}"),
        }
    }
    (got, started.elapsed())
}

/// Reads exactly one response whose body is `Content-Length` long, leaving the connection open.
fn read_one_response(stream: &mut TcpStream) -> Resp {
    let mut raw = Vec::new();
    let mut buf = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut buf).unwrap(), 1, "cut inside a head");
        raw.push(buf[0]);
    }
    let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).unwrap();
    raw.extend_from_slice(&body);
    Resp::parse(&raw, false)
}

const HEALTH: &str = "GET /_cos-mock/health HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[test]
fn head_one_byte_at_a_time_dropped_after_header_read_timeout() {
    let s = server(short_timeouts());
    let mut stream = connect(&s);
    let head = format!(
        "GET /slow HTTP/1.1\r\nHost: {HOST}\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(40)
    );
    let started = Instant::now();
    let mut dropped = false;
    for b in head.bytes() {
        if stream.write_all(&[b]).is_err() {
            dropped = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        if started.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    let (got, _) = if dropped {
        (Vec::new(), Duration::ZERO)
    } else {
        read_until_closed(&mut stream)
    };
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(2500),
        "the slow head was held {elapsed:?}"
    );
}

#[test]
fn connection_sending_nothing_closed_after_header_read_timeout() {
    let s = server(Transport {
        keep_alive: Some(Duration::from_secs(30)),
        ..short_timeouts()
    });
    let mut stream = connect(&s);
    let (got, took) = read_until_closed(&mut stream);
    assert!(got.is_empty());
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[test]
fn keep_alive_idle_connection_closed_after_keep_alive_timeout() {
    let s = server(Transport {
        header_read: Some(Duration::from_secs(30)),
        keep_alive: Some(SHORT),
        ..short_timeouts()
    });
    let mut stream = connect(&s);
    // Requests within the idle time keep the connection.
    for _ in 0..3 {
        stream.write_all(HEALTH.as_bytes()).unwrap();
        assert_eq!(read_one_response(&mut stream).status, 200);
        std::thread::sleep(Duration::from_millis(100));
    }
    let (got, took) = read_until_closed(&mut stream);
    assert!(got.is_empty());
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn keep_alive_timeout_never_cuts_a_request_under_way() {
    // The body arrives slower than the keep-alive and header timeouts, but within the body's.
    let s = server(Transport {
        body_idle: Some(Duration::from_secs(5)),
        ..short_timeouts()
    });
    let mut stream = connect(&s);
    stream
        .write_all(
            format!("PUT /slow-ok HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 4\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    for b in b"abcd" {
        std::thread::sleep(Duration::from_millis(200));
        stream.write_all(&[*b]).unwrap();
    }
    assert_eq!(read_one_response(&mut stream).status, 200);
    let r = s.req("GET", "/slow-ok").send();
    assert_eq!(r.body, b"abcd");
}

#[test]
fn put_body_shorter_than_content_length_answers_request_timeout_and_closes() {
    let s = server(short_timeouts());
    let mut stream = connect(&s);
    stream
        .write_all(
            format!("PUT /short HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 10\r\n\r\nabc")
                .as_bytes(),
        )
        .unwrap();
    let started = Instant::now();
    let (got, _) = read_until_closed(&mut stream);
    let took = started.elapsed();
    let r = Resp::parse(&got, false);
    r.assert_error(400, "RequestTimeout");
    assert!(r.text().contains("3 bytes read of 10"), "{}", r.text());
    assert_eq!(r.header("Connection"), Some("close"));
    assert!(took < Duration::from_secs(3), "{took:?}");
    let nothing = s.req("HEAD", "/short").send();
    assert_eq!(nothing.status, 404, "nothing stored");
}

#[test]
fn chunked_body_that_stalls_answers_request_timeout() {
    let s = server(short_timeouts());
    let mut stream = connect(&s);
    stream
        .write_all(
            format!(
                "PUT /chunked HTTP/1.1\r\nHost: {HOST}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
            )
            .as_bytes(),
        )
        .unwrap();
    let (got, _) = read_until_closed(&mut stream);
    Resp::parse(&got, false).assert_error(400, "RequestTimeout");
}

#[test]
fn body_idle_timeout_off_waits_for_a_slow_body() {
    let s = server(Transport {
        body_idle: None,
        ..short_timeouts()
    });
    let mut stream = connect(&s);
    stream
        .write_all(
            format!("PUT /patient HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 2\r\n\r\na")
                .as_bytes(),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    stream.write_all(b"b").unwrap();
    assert_eq!(read_one_response(&mut stream).status, 200);
}

#[test]
fn connections_over_cap_answer_health_and_slow_down_then_close() {
    let s = server(Transport {
        max_connections: 2,
        header_read: Some(Duration::from_secs(30)),
        keep_alive: Some(Duration::from_secs(30)),
        ..short_timeouts()
    });
    // The bucket's connection frees its slot just after the client sees it closed.
    std::thread::sleep(Duration::from_millis(100));
    // Two idle clients hold every slot (each has been served, so they are surely accepted).
    let mut idle: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut c = connect(&s);
            c.write_all(HEALTH.as_bytes()).unwrap();
            assert_eq!(read_one_response(&mut c).status, 200);
            c
        })
        .collect();
    let mut health = connect(&s);
    health.write_all(HEALTH.as_bytes()).unwrap();
    let (got, _) = read_until_closed(&mut health);
    let r = Resp::parse(&got, false);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Connection"), Some("close"));

    let mut other = connect(&s);
    other
        .write_all(format!("GET /key HTTP/1.1\r\nHost: {HOST}\r\n\r\n").as_bytes())
        .unwrap();
    let (got, _) = read_until_closed(&mut other);
    let r = Resp::parse(&got, false);
    r.assert_error(503, "SlowDown");
    assert!(r.text().contains("--max-connections"), "{}", r.text());

    // A slot freed: a new connection is served as usual (kept alive).
    drop(idle.pop());
    std::thread::sleep(Duration::from_millis(100));
    let mut next = connect(&s);
    next.write_all(format!("GET /none HTTP/1.1\r\nHost: {HOST}\r\n\r\n").as_bytes())
        .unwrap();
    read_one_response(&mut next).assert_error(404, "NoSuchKey");
    next.write_all(HEALTH.as_bytes()).unwrap();
    assert_eq!(read_one_response(&mut next).status, 200, "kept alive");
}

#[test]
fn request_without_host_on_http11_answers_invalid_argument() {
    let s = server(Transport::default());
    let r = send_raw(
        s.addr,
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"",
        false,
    );
    r.assert_error(400, "InvalidArgument");
    assert!(r.text().contains("Host header"), "{}", r.text());
}

#[test]
fn request_with_two_host_headers_answers_400() {
    let s = server(Transport::default());
    let head = format!(
        "PUT /twice HTTP/1.1\r\nHost: {HOST}\r\nHost: otherbucket-1250000000.cos.ap-guangzhou.myqcloud.com\r\nContent-Length: 1\r\nConnection: close\r\n\r\n"
    );
    let r = send_raw(s.addr, head.as_bytes(), b"x", false);
    r.assert_error(400, "InvalidArgument");
    assert!(r.text().contains("more than one Host"), "{}", r.text());
    assert_eq!(s.req("HEAD", "/twice").send().status, 404, "nothing stored");
}

#[test]
fn http10_request_without_host_is_served_by_the_path() {
    let s = server(Transport::default());
    s.put("ten", b"1.0");
    let r = send_raw(
        s.addr,
        format!("GET /{BUCKET}/ten HTTP/1.0\r\n\r\n").as_bytes(),
        b"",
        false,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"1.0");
}

/// With TLS configured, the plain listener looks for `CONNECT` before serving; the header read
/// timeout covers that wait too, and the TLS listener's connections live under the same limits.
#[tokio::test]
async fn with_tls_configured_silent_and_partial_connect_clients_are_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let config = Config {
        transport: short_timeouts(),
        ..Config::default()
    };
    let addr = serve_plain_and_tls(config, None).await;
    for opening in [&b""[..], b"CONN"] {
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.write_all(opening).await.unwrap();
        let started = Instant::now();
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(3), tcp.read(&mut buf)).await;
        assert!(
            matches!(read, Ok(Ok(0)) | Ok(Err(_))),
            "{opening:?}: not closed: {read:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}

/// The object the response-direction tests download: larger than what the socket buffers of both
/// ends hold, so a client that stops reading makes the server's writes wait.
fn put_large(s: &Server) -> usize {
    let len = 24 << 20;
    let r = s.req("PUT", "/large").body(&vec![b'x'; len]).send();
    assert_eq!(r.status, 200, "{}", r.text());
    len
}

#[test]
fn client_that_stops_reading_its_response_is_dropped_after_body_idle_timeout() {
    let s = server(short_timeouts());
    let len = put_large(&s);
    let mut stream = connect(&s);
    write!(stream, "GET /large HTTP/1.1\r\nHost: {HOST}\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let (got, _) = read_until_closed(&mut stream);
    assert!(
        got.len() < len,
        "the whole {len}-byte body was sent to a client that read nothing for 2 s ({} bytes)",
        got.len()
    );
    let mut stream = connect(&s);
    stream.write_all(HEALTH.as_bytes()).unwrap();
    assert_eq!(read_one_response(&mut stream).status, 200);
}

#[test]
fn slow_but_steady_reader_gets_the_whole_response() {
    let s = server(short_timeouts());
    let len = put_large(&s);
    let mut stream = connect(&s);
    write!(
        stream,
        "GET /large HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut got = 0;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match stream.read(&mut buf).unwrap() {
            0 => break,
            n => got += n,
        }
        // Slower than the server writes, but never idle for the 300 ms timeout.
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(got > len, "{got} bytes of a {len}-byte body and its head");
}
