//! The log on stderr (issue #14): in json mode every line is JSON (the ready and shutdown lines and
//! flag errors too), with numbers as numbers and missing values as null; admin requests carry their
//! path; denials log at WARN and health probes at DEBUG.

use std::process::Command;

use serde_json::Value;

use crate::cli::Running;
use crate::util::HOST;

const BIN: &str = env!("CARGO_BIN_EXE_cos-mock");

fn json(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

/// The request lines (target `cos_mock::request`) among `lines`, parsed.
fn request_lines(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| json(l))
        .filter(|v| v["target"] == "cos_mock::request")
        .collect()
}

/// The one parsed request line whose `path` is `path`.
fn line_for<'a>(lines: &'a [Value], path: &str) -> &'a Value {
    let found: Vec<_> = lines.iter().filter(|v| v["path"] == path).collect();
    let [line] = found[..] else {
        panic!("{path}: {lines:?}")
    };
    line
}

#[test]
fn json_mode_every_line_is_json_with_numbers_and_nulls() {
    let bin = Running::start(
        &["--listen", ":0", "--log-format", "json", "--auth", "off"],
        &[("COS_MOCK_LOG", "info")],
    );
    let ready = json(&bin.ready);
    assert_eq!(
        ready["message"],
        format!("cos-mock ready on http://{}", bin.addr)
    );
    assert_eq!(ready["addr"], bin.addr.as_str());
    assert_eq!(ready["level"], "INFO");
    assert_eq!(bin.status("PUT", "/", HOST), 200);
    assert_eq!(bin.status("PUT", "/a.txt", HOST), 200);
    assert_eq!(bin.status("GET", "/missing", HOST), 404);
    assert_eq!(bin.status("GET", "/_cos-mock/state", "127.0.0.1"), 200);
    let (status, lines) = bin.stop();
    assert!(status.success(), "{status:?}");
    let requests = request_lines(&lines);
    assert_eq!(requests.len(), 4, "{lines:?}");
    for line in &requests {
        assert!(line["status"].is_u64(), "{line}");
        let ms = line["ms"].as_f64().unwrap_or_else(|| panic!("{line}"));
        assert!(
            ms >= 0.0 && (ms * 100.0 - (ms * 100.0).round()).abs() < 1e-6,
            "{line}"
        );
        assert_eq!(line["level"], "INFO", "{line}");
    }
    let put = line_for(&requests, "/a.txt");
    assert_eq!(put["op"], "PutObject");
    assert_eq!(put["bucket"], "examplebucket-1250000000");
    assert_eq!(put["key"], "a.txt");
    assert_eq!(put["status"], 200);
    assert_eq!(put["caller"], "100000000001");
    assert_eq!(put["decision"], "allow");
    assert_eq!(
        put["reason"],
        "100000000001 is the owner of examplebucket-1250000000"
    );
    assert!(put.get("code").is_some_and(Value::is_null), "{put}");
    let missing = line_for(&requests, "/missing");
    assert_eq!(missing["status"], 404);
    assert_eq!(missing["code"], "NoSuchKey");
    let admin = line_for(&requests, "/_cos-mock/state");
    assert_eq!(admin["method"], "GET");
    for field in [
        "op", "bucket", "key", "code", "caller", "decision", "reason",
    ] {
        assert!(
            admin.get(field).is_some_and(Value::is_null),
            "{field}: {admin}"
        );
    }
    assert!(!lines.iter().any(|l| l.contains("\"-\"")), "{lines:?}");
    let last = json(lines.last().unwrap());
    assert_eq!(last["message"], "cos-mock: shutting down");
}

#[test]
fn json_mode_tls_line_is_json() {
    let cert = std::env::temp_dir().join(format!("cos-mock-logs-{}.pem", std::process::id()));
    let args = [
        "--listen",
        ":0",
        "--tls-listen",
        ":0",
        "--tls-cert-out",
        cert.to_str().unwrap(),
    ];
    let env = [("COS_MOCK_LOG", "warn"), ("COS_MOCK_LOG_FORMAT", "json")];
    let bin = Running::start(&args, &env);
    let [tls] = &bin.before[..] else {
        panic!("{:?}", bin.before)
    };
    let tls = json(tls);
    let addr = tls["addr"].as_str().unwrap();
    assert_eq!(tls["message"], format!("cos-mock tls on https://{addr}"));
    let (status, lines) = bin.stop();
    assert!(status.success());
    for line in &lines {
        json(line);
    }
    let _ = std::fs::remove_file(cert);
}

#[test]
fn json_mode_flag_and_config_errors_are_json_lines() {
    /// Arguments, environment, what the message names.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 3] = [
        (
            &["--log-format", "json", "--listen", "nowhere"],
            &[],
            "--listen",
        ),
        (
            &["--listen", "nowhere"],
            &[("COS_MOCK_LOG_FORMAT", "json")],
            "--listen",
        ),
        (
            &["--log-format=json", "--config", "/nonexistent/c.json"],
            &[],
            "--config /nonexistent/c.json",
        ),
    ];
    for (args, env, names) in cases {
        let out = Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<_> = err.lines().collect();
        let [line] = lines[..] else { panic!("{err}") };
        let v = json(line);
        assert_eq!(v["level"], "ERROR");
        assert!(v["message"].as_str().unwrap().contains(names), "{v}");
    }
}

#[test]
fn denial_logs_at_warn_and_warn_filter_keeps_only_it() {
    for format in ["pretty", "json"] {
        let bin = Running::start(
            &["--listen", ":0", "--log-format", format],
            &[("COS_MOCK_LOG", "warn")],
        );
        assert_eq!(bin.status("PUT", "/", HOST), 403);
        assert_eq!(bin.status("GET", "/_cos-mock/state", "127.0.0.1"), 200);
        assert_eq!(bin.status("GET", "/_cos-mock/health", "127.0.0.1"), 200);
        let (_, lines) = bin.stop();
        let requests: Vec<_> = lines
            .iter()
            .filter(|l| l.contains("cos_mock::request"))
            .collect();
        let [denied] = requests[..] else {
            panic!("{format}: {lines:?}")
        };
        assert!(denied.contains("WARN"), "{denied}");
        assert!(denied.contains("AccessDenied"), "{denied}");
        if format == "json" {
            let v = json(denied);
            assert_eq!(v["decision"], "deny");
            assert_eq!(v["status"], 403);
            assert_eq!(v["caller"], "anonymous");
        }
    }
}

#[test]
fn health_probe_logs_at_debug_hidden_at_info() {
    let bin = Running::start(&["--listen", ":0"], &[("COS_MOCK_LOG", "info")]);
    assert_eq!(bin.status("GET", "/_cos-mock/health", "127.0.0.1"), 200);
    assert_eq!(bin.status("GET", "/_cos-mock/state", "127.0.0.1"), 200);
    let (_, lines) = bin.stop();
    assert!(
        !lines.iter().any(|l| l.contains("/_cos-mock/health")),
        "{lines:?}"
    );
    let state: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("/_cos-mock/state"))
        .collect();
    let [state] = state[..] else {
        panic!("{lines:?}")
    };
    assert!(
        state.contains("INFO") && state.contains("GET - /_cos-mock/state -> 200"),
        "{state}"
    );

    let env = [("COS_MOCK_LOG", "warn,cos_mock::request=debug")];
    let bin = Running::start(&["--listen", ":0"], &env);
    assert_eq!(bin.status("GET", "/_cos-mock/health", "127.0.0.1"), 200);
    let (_, lines) = bin.stop();
    let health: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("/_cos-mock/health"))
        .collect();
    let [health] = health[..] else {
        panic!("{lines:?}")
    };
    assert!(health.contains("DEBUG"), "{health}");
}

#[test]
fn pretty_request_line_escapes_line_breaks_in_keys() {
    let bin = Running::start(&["--listen", ":0", "--auth", "off"], &[]);
    assert_eq!(bin.status("PUT", "/", HOST), 200);
    assert_eq!(bin.status("PUT", "/a%0D%0Ab", HOST), 200);
    let (_, lines) = bin.stop();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("examplebucket-1250000000/a\\r\\nb -> 200")),
        "{lines:?}"
    );
}

#[test]
fn json_request_line_with_quotes_and_line_breaks_in_the_key_stays_one_line() {
    let bin = Running::start(
        &["--listen", ":0", "--log-format", "json", "--auth", "off"],
        &[("COS_MOCK_LOG", "info")],
    );
    assert_eq!(bin.status("PUT", "/", HOST), 200);
    // A key that would forge a second JSON line if written raw.
    let key = "/a%22%0A%7B%22forged%22%3A1%7D%5C";
    assert_eq!(bin.status("PUT", key, HOST), 200);
    let (_, lines) = bin.stop();
    let requests = request_lines(&lines);
    assert!(
        !lines.iter().any(|l| l.starts_with("{\"forged\"")),
        "{lines:?}"
    );
    assert!(
        requests.iter().any(|v| v["key"] == "a\"\n{\"forged\":1}\\"),
        "{requests:?}"
    );
}
