//! The binary itself: flags, config errors (exit 2), the ready line, healthcheck, graceful shutdown;
//! the listen address forms and the help texts (issue #14).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
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

/// A running binary, started with its ready line read.
pub(crate) struct Running {
    child: Child,
    /// The address of the ready line.
    pub addr: String,
    /// The lines before the ready line (the TLS listener's), as written.
    pub before: Vec<String>,
    /// The ready line as written.
    pub ready: String,
    stderr: BufReader<ChildStderr>,
}

impl Running {
    /// Starts `cos-mock` with `args` and `env`, and reads stderr up to the ready line (plain, or a
    /// JSON line whose `message` is the plain text).
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let mut bin = Running {
            child,
            addr: String::new(),
            before: Vec::new(),
            ready: String::new(),
            stderr,
        };
        bin.read_ready();
        bin
    }

    fn read_ready(&mut self) {
        loop {
            let mut line = String::new();
            let read = self.stderr.read_line(&mut line).unwrap();
            assert!(read > 0, "no ready line: {:?}", self.before);
            let line = line.trim_end().to_string();
            let text = match line.starts_with('{') {
                true => serde_json::from_str::<serde_json::Value>(&line).unwrap()["message"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                false => line.clone(),
            };
            if let Some(addr) = text.strip_prefix("cos-mock ready on http://") {
                self.addr = addr.to_string();
                self.ready = line;
                return;
            }
            self.before.push(line);
        }
    }

    /// Sends one request (no signature) and returns the answer's status.
    pub fn status(&self, method: &str, path: &str, host: &str) -> u16 {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out.get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{out}"))
    }

    /// SIGTERM; the exit status and the lines written after the ready line.
    pub fn stop(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let status = terminate(&mut self.child);
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (status, rest.lines().map(str::to_string).collect())
    }
}

/// A test that fails midway leaves no server behind.
impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Whether this machine has an IPv6 loopback to bind.
fn has_ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

#[test]
fn listen_short_forms_bind_the_ipv4_loopback() {
    for form in [":0", "0", "localhost:0", "LOCALHOST:0", "127.0.0.1:0"] {
        let bin = Running::start(&["--listen", form], &[("COS_MOCK_LOG", "warn")]);
        assert!(bin.addr.starts_with("127.0.0.1:"), "{form}: {}", bin.addr);
        assert_eq!(bin.status("GET", "/_cos-mock/health", "x"), 200, "{form}");
        assert!(bin.stop().0.success(), "{form}");
    }
}

#[test]
fn listen_env_short_form_binds_the_ipv4_loopback() {
    let env = [("COS_MOCK_LOG", "warn"), ("COS_MOCK_LISTEN", ":0")];
    let bin = Running::start(&[], &env);
    assert!(bin.addr.starts_with("127.0.0.1:"), "{}", bin.addr);
    assert!(bin.stop().0.success());
}

#[test]
fn listen_ipv6_loopback_form_binds_it() {
    if !has_ipv6_loopback() {
        eprintln!("skipped: no IPv6 loopback here");
        return;
    }
    let bin = Running::start(&["--listen", "[::1]:0"], &[("COS_MOCK_LOG", "warn")]);
    assert!(bin.addr.starts_with("[::1]:"), "{}", bin.addr);
    assert_eq!(bin.status("GET", "/_cos-mock/health", "x"), 200);
    assert!(bin.stop().0.success());
}

#[test]
fn tls_listen_short_form_binds_the_ipv4_loopback() {
    let cert = tmp_file("short-form-ca.pem", "");
    let cert = cert.to_str().unwrap();
    let args = [
        "--listen",
        ":0",
        "--tls-listen",
        ":0",
        "--tls-cert-out",
        cert,
    ];
    let bin = Running::start(&args, &[("COS_MOCK_LOG", "warn")]);
    let [tls] = &bin.before[..] else {
        panic!("{:?}", bin.before)
    };
    assert!(
        tls.starts_with("cos-mock tls on https://127.0.0.1:"),
        "{tls}"
    );
    assert!(bin.stop().0.success());
}

#[test]
fn listen_bad_values_exit_2_naming_flag_and_value() {
    for (flag, bad) in [
        ("--listen", "localhost"),
        ("--listen", "example.com:9400"),
        ("--listen", "70000"),
        ("--listen", "::1:9400"),
        ("--listen", "+9400"),
        ("--tls-listen", "localhost:x"),
    ] {
        let out = Command::new(BIN).args([flag, bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("'{bad}'")), "{err}");
        assert!(err.contains(flag), "{err}");
        assert!(err.contains(":PORT, PORT or localhost:PORT"), "{err}");
    }
}

#[test]
fn help_shows_default_identity_region_and_admin_urls() {
    for args in [&["--help"][..], &["-h"], &["serve", "--help"], &["help"]] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&out.stdout);
        for want in [
            "SecretId AKIDCOSMOCKROOT",
            "SecretKey cos-mock-root-secret",
            "APPID 1250000000",
            "AccessKeyId LTAIOSSMOCKROOT",
            "AccessKeySecret oss-mock-root-secret",
            "Default region: ap-guangzhou",
            "GET  /_cos-mock/          the dashboard",
            "GET  /_cos-mock/health",
            "GET  /_cos-mock/state",
            "GET  /_cos-mock/requests",
            "POST /_cos-mock/reset",
            "http://127.0.0.1:9400",
        ] {
            assert!(help.contains(want), "{args:?} lacks {want}:\n{help}");
        }
    }
}

#[test]
fn healthcheck_help_lists_only_its_own_options() {
    let out = Command::new(BIN)
        .args(["healthcheck", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    let mut flags: Vec<&str> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--"))
        .collect();
    flags.sort_unstable();
    flags.dedup();
    assert_eq!(flags, ["--help", "--listen", "--url"], "{help}");
    assert!(!help.contains("AKIDCOSMOCKROOT"), "{help}");
}

#[test]
fn server_flags_before_serve_still_apply() {
    let bin = Running::start(
        &["--listen", "127.0.0.1:0", "serve"],
        &[("COS_MOCK_LOG", "warn")],
    );
    assert!(bin.stop().0.success());
    let bin = Running::start(
        &["serve", "--listen", ":0", "--auth", "off"],
        &[("COS_MOCK_LOG", "warn")],
    );
    assert_eq!(bin.status("PUT", "/", crate::util::HOST), 200);
    assert!(bin.stop().0.success());
}

#[test]
fn server_flags_on_both_sides_of_serve_exit_2() {
    let out = Command::new(BIN)
        .args(["--auth", "off", "serve", "--listen", ":0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("before `serve` or after it"), "{err}");
}

#[test]
fn healthcheck_probes_the_listen_address_from_flag_or_env() {
    let bin = Running::start(&["--listen", ":0"], &[("COS_MOCK_LOG", "warn")]);
    let port = bin.addr.rsplit_once(':').unwrap().1.to_string();
    let probe = |args: &[&str], env: Option<&str>| {
        let mut cmd = Command::new(BIN);
        cmd.args(args).env_remove("COS_MOCK_LISTEN");
        if let Some(listen) = env {
            cmd.env("COS_MOCK_LISTEN", listen);
        }
        cmd.stderr(Stdio::null()).status().unwrap().success()
    };
    let at = format!(":{port}");
    let all = format!("0.0.0.0:{port}");
    assert!(probe(&["healthcheck"], Some(&at)));
    assert!(probe(&["healthcheck"], Some(&all)));
    assert!(probe(&["healthcheck", "--listen", &port], None));
    assert!(probe(
        &["--listen", &at, "healthcheck"],
        Some("127.0.0.1:1")
    ));
    assert!(!probe(&["healthcheck"], Some("127.0.0.1:1")));
    assert!(bin.stop().0.success());
}
