//! The binary itself: flags, config errors (exit 2), the ready line, healthcheck, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_cos-mock");

fn tmp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cos-mock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Sends SIGTERM and waits (up to 15 s) for the process to exit.
fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    for _ in 0..150 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no exit 15 s after SIGTERM");
}

#[test]
fn version_prints_name_and_version() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("cos-mock {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bad_flag_value_exits_2_naming_the_flag() {
    let out = Command::new(BIN)
        .args(["--auth", "maybe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--auth"));
}

#[test]
fn bad_env_value_exits_2() {
    let out = Command::new(BIN)
        .env("COS_MOCK_LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--listen"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn config_error_exits_2_naming_the_json_path() {
    let path = tmp_file(
        "bad.json",
        r#"{"accounts":[{"uin":"1","appid":"1250000000","secret_id":"A","secret_key":7}]}"#,
    );
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("accounts[0].secret_key: invalid type"),
        "{err}"
    );
    assert!(err.contains("--config"), "{err}");
}

#[test]
fn missing_config_file_exits_2() {
    let out = Command::new(BIN)
        .args(["--config", "/nonexistent/cos-mock.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--config /nonexistent/cos-mock.json"));
}

#[test]
fn serve_prints_ready_line_answers_healthcheck_and_stops_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0"])
        .env("COS_MOCK_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let ready = lines.next().unwrap().unwrap();
    let addr = ready
        .strip_prefix("cos-mock ready on http://")
        .unwrap_or_else(|| panic!("{ready}"))
        .to_string();
    let ok = Command::new(BIN)
        .args(["healthcheck", "--url", &format!("http://{addr}")])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = terminate(&mut child);
    assert!(status.success(), "{status:?}");
    let down = Command::new(BIN)
        .args(["healthcheck", "--url", &format!("http://{addr}")])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!down.success());
}

#[test]
fn sigterm_with_a_pending_tls_handshake_exits_cleanly() {
    let cert = tmp_file("cert.pem", "");
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--tls-listen",
            "127.0.0.1:0",
            "--tls-cert-out",
        ])
        .arg(&cert)
        .env("COS_MOCK_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let tls_line = lines.next().unwrap().unwrap();
    let tls_addr = tls_line
        .strip_prefix("cos-mock tls on https://")
        .unwrap_or_else(|| panic!("{tls_line}"))
        .to_string();
    let ready = lines.next().unwrap().unwrap();
    assert!(ready.starts_with("cos-mock ready on http://"), "{ready}");
    assert!(std::fs::read_to_string(&cert)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    // A client that connects and never speaks TLS.
    let _idle = std::net::TcpStream::connect(&tls_addr).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let status = terminate(&mut child);
    assert!(status.success(), "{status:?}");
}
