//! The binary under SIGTERM with requests in flight (issue #12, finding 7): what finishes within
//! `--shutdown-grace`, what is cut, the log lines and the exit code; and the connection cap's log
//! line, once per episode.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

const BIN: &str = env!("CARGO_BIN_EXE_cos-mock");

/// A running binary (no signatures) with its address; stderr is kept to read after exit.
struct Bin {
    child: Child,
    addr: String,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Bin {
    fn start(args: &[&str]) -> Bin {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        Bin::spawn(cmd)
    }

    /// [`Bin::start`] under `ulimit -n nofile`.
    fn start_with_open_file_limit(nofile: u32, args: &[&str]) -> Bin {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            &format!("ulimit -n {nofile} && exec \"$0\" \"$@\""),
            BIN,
        ])
        .args(args);
        Bin::spawn(cmd)
    }

    fn spawn(cmd: Command) -> Bin {
        Bin::spawn_logging(cmd, "warn")
    }

    /// [`Bin::spawn`] with `COS_MOCK_LOG=log`.
    fn spawn_logging(mut cmd: Command, log: &str) -> Bin {
        let mut child = cmd
            .args(["--listen", "127.0.0.1:0", "--auth", "off"])
            .env("COS_MOCK_LOG", log)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut ready = String::new();
        stderr.read_line(&mut ready).unwrap();
        let addr = ready
            .trim()
            .strip_prefix("cos-mock ready on http://")
            .unwrap_or_else(|| panic!("{ready}"))
            .to_string();
        let bin = Bin {
            child,
            addr,
            stderr,
        };
        let r = bin.raw(&format!(
            "PUT / HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ));
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        // The server frees that connection's slot just after the client sees it closed: let it,
        // before a test counts slots.
        std::thread::sleep(Duration::from_millis(100));
        bin
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// Sends `text` on a new connection and reads until it closes.
    fn raw(&self, text: &str) -> String {
        let mut s = self.connect();
        s.write_all(text.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    fn sigterm(&self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
    }

    /// Sends SIGTERM; returns the exit code, how long the exit took, and the rest of stderr.
    fn terminate(self) -> (Option<i32>, Duration, String) {
        self.sigterm();
        self.wait_exit()
    }

    /// Waits (up to 15 s) for the exit of a binary sent SIGTERM.
    fn wait_exit(mut self) -> (Option<i32>, Duration, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let took = started.elapsed();
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (status.code(), took, rest)
    }
}

fn partial_upload(bin: &Bin, key: &str) -> TcpStream {
    let mut s = bin.connect();
    s.write_all(
        format!("PUT /{key} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 10\r\n\r\nabc").as_bytes(),
    )
    .unwrap();
    // Let the server read the head and start on the body.
    std::thread::sleep(Duration::from_millis(200));
    s
}

#[test]
fn sigterm_with_upload_in_flight_past_grace_exits_1_and_logs_the_cut_request() {
    let bin = Bin::start(&["--shutdown-grace", "1"]);
    let _upload = partial_upload(&bin, "slow-upload");
    let (code, took, log) = bin.terminate();
    assert_eq!(code, Some(1), "{log}");
    assert!(
        took >= Duration::from_millis(900),
        "the grace was not given: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(log.contains("1 request(s) cut"), "{log}");
    assert!(
        log.contains("cut at shutdown: PUT /slow-upload from 127.0.0.1:"),
        "{log}"
    );
    assert!(log.contains("exiting 1"), "{log}");
}

#[test]
fn sigterm_with_upload_finishing_within_grace_exits_0() {
    let bin = Bin::start(&["--shutdown-grace", "5"]);
    let mut upload = partial_upload(&bin, "finishes");
    bin.sigterm();
    std::thread::sleep(Duration::from_millis(200));
    upload.write_all(b"defghij").unwrap();
    let mut answer = String::new();
    upload.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (code, _, log) = bin.wait_exit();
    assert_eq!(code, Some(0), "{log}");
    assert!(!log.contains("cut"), "{log}");
}

#[test]
fn sigterm_with_only_idle_connections_exits_0_at_once() {
    let bin = Bin::start(&["--shutdown-grace", "10"]);
    let mut idle = bin.connect();
    idle.write_all(b"GET /_cos-mock/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 512];
    assert!(idle.read(&mut buf).unwrap() > 0);
    let (code, took, log) = bin.terminate();
    assert_eq!(code, Some(0), "{log}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn connection_cap_reached_is_logged_once_per_episode() {
    let bin = Bin::start(&["--max-connections", "1", "--keep-alive-timeout", "30"]);
    let mut held = bin.connect();
    held.write_all(b"GET /_cos-mock/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 512];
    assert!(held.read(&mut buf).unwrap() > 0);
    for _ in 0..3 {
        let r = bin.raw("GET /_cos-mock/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert!(
            r.starts_with("HTTP/1.1 200"),
            "health answers over the cap: {r}"
        );
    }
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    let r =
        bin.raw("GET /_cos-mock/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    let (_, _, log) = bin.terminate();
    assert_eq!(
        log.matches("connection cap reached: 1 connections open")
            .count(),
        1,
        "{log}"
    );
}

#[test]
fn default_cap_follows_a_low_open_file_limit_and_health_still_answers() {
    // 100 descriptors: the cap is 100 - 64 = 36, reached before accept could fail.
    let bin = Bin::start_with_open_file_limit(100, &[]);
    let held: Vec<TcpStream> = (0..40).map(|_| bin.connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let r = bin.raw("GET /_cos-mock/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    drop(held);
    let (code, _, log) = bin.terminate();
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains("connection cap reached: 36 connections open"),
        "{log}"
    );
    assert!(!log.contains("accept failed"), "{log}");
}

/// Request lines are deferred up to `log_sink::LINGER` to share a write; a shutdown still prints
/// every one of them, before its own lines.
#[test]
fn request_lines_are_all_written_before_the_shutdown_line() {
    let bin = Bin::spawn_logging(Command::new(BIN), "info");
    for n in 0..20 {
        let r = bin.raw(&format!(
            "PUT /k{n} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ));
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    }
    // At once: the last lines are still queued.
    let (code, _, log) = bin.terminate();
    assert_eq!(code, Some(0), "{log}");
    let down = log.find("cos-mock: shutting down").expect(&log);
    for n in 0..20 {
        let line = log
            .find(&format!("PutObject {BUCKET}/k{n} "))
            .unwrap_or_else(|| panic!("no line for k{n}:\n{log}"));
        assert!(line < down, "k{n} logged after the shutdown line:\n{log}");
    }
}
