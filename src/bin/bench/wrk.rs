//! The load generator of the side-by-side: one fixed request (method, target, headers, body) sent over
//! keep-alive connections by `wrk -t1` when it is installed, or by the built-in hyper client otherwise.
//! Both give the same [`Run`]; whichever is used, it is the same for every server of one run.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use serde::Serialize;

use super::load::{self, Limits, Target};

/// One request, sent unchanged again and again. A q-signature with a long `q-sign-time` stays valid
/// for every copy, and cos-mock verifies it on each.
#[derive(Clone)]
pub struct Fixed {
    pub method: &'static str,
    /// Path and query, as sent.
    pub target: String,
    /// Headers besides `Content-Length` (which follows the body); `Host` defaults to the address.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// What one timed run gave.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Run {
    pub requests: u64,
    pub seconds: f64,
    /// Answers (any status) per second.
    pub requests_per_second: f64,
    pub p50_us: Option<u64>,
    pub p99_us: Option<u64>,
    /// Answers that were not 2xx/3xx plus requests that got no answer (socket errors, timeouts).
    pub bad: u64,
}

/// The load generator used for every server of a run.
pub enum Generator {
    Wrk(PathBuf),
    Builtin,
}

impl Generator {
    pub fn describe(&self) -> String {
        match self {
            Generator::Wrk(_) => "wrk -t1 (one thread), keep-alive".into(),
            Generator::Builtin => "built-in hyper client (multi-threaded), keep-alive".into(),
        }
    }

    /// Sends `fixed` to `addr` from `connections` connections for `seconds`.
    pub async fn run(
        &self,
        addr: SocketAddr,
        fixed: &Fixed,
        connections: usize,
        seconds: u64,
    ) -> Result<Run, String> {
        probe(addr, fixed).await?;
        match self {
            Generator::Wrk(wrk) => {
                let (wrk, fixed) = (wrk.clone(), fixed.clone());
                tokio::task::spawn_blocking(move || {
                    run_wrk(&wrk, addr, &fixed, connections, seconds)
                })
                .await
                .map_err(|e| e.to_string())?
            }
            Generator::Builtin => Ok(run_builtin(addr, fixed, connections, seconds).await),
        }
    }
}

/// Sends `fixed` once on a fresh connection; anything but a 2xx is an error that shows the answer.
async fn probe(addr: SocketAddr, fixed: &Fixed) -> Result<(), String> {
    let mut conn = load::connect(addr).await?;
    let (status, _, body) = load::exchange_full(&mut conn, build(fixed, addr)).await?;
    match status {
        200..=299 => Ok(()),
        _ => Err(format!(
            "{} http://{addr}{} answered {status}: {}",
            fixed.method,
            fixed.target,
            String::from_utf8_lossy(&body)
        )),
    }
}

fn run_wrk(
    wrk: &Path,
    addr: SocketAddr,
    fixed: &Fixed,
    connections: usize,
    seconds: u64,
) -> Result<Run, String> {
    let script = std::env::temp_dir().join(format!(
        "cos-mock-bench-{}-{}.lua",
        std::process::id(),
        connections
    ));
    std::fs::write(&script, lua_script(fixed)).map_err(|e| format!("{}: {e}", script.display()))?;
    let out = Command::new(wrk)
        .args(["-t1", "-c", &connections.to_string(), "-d"])
        .arg(format!("{seconds}s"))
        .arg("--timeout")
        .arg("5s")
        .arg("-s")
        .arg(&script)
        .arg(format!("http://{addr}{}", fixed.target))
        .output();
    let _ = std::fs::remove_file(&script);
    let out = out.map_err(|e| format!("cannot run {}: {e}", wrk.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    parse_result(&stdout).ok_or_else(|| {
        format!(
            "wrk gave no result: {}{}",
            stdout.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })
}

/// A wrk script that sends `fixed` and prints one machine-readable line when done.
fn lua_script(fixed: &Fixed) -> String {
    let mut lua = format!("wrk.method = {}\n", lua_string(fixed.method));
    for (name, value) in &fixed.headers {
        lua += &format!(
            "wrk.headers[{}] = {}\n",
            lua_string(name),
            lua_string(value)
        );
    }
    // wrk writes `Content-Length` from the body alone: an empty string gives `Content-Length: 0`.
    if !fixed.body.is_empty() || matches!(fixed.method, "PUT" | "POST") {
        lua += &format!(
            "wrk.body = {}\n",
            lua_string(&String::from_utf8_lossy(&fixed.body))
        );
    }
    lua + "done = function(s, latency, requests)\n\
           \x20 local e = s.errors\n\
           \x20 io.write(string.format(\"cos-mock-bench %d %d %d %d %d\\n\", s.requests, s.duration,\n\
           \x20   latency:percentile(50), latency:percentile(99),\n\
           \x20   e.status + e.connect + e.read + e.write + e.timeout))\n\
           end\n"
}

fn lua_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out + "\""
}

/// Reads the `cos-mock-bench requests duration_us p50_us p99_us bad` line the script prints.
fn parse_result(stdout: &str) -> Option<Run> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("cos-mock-bench "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [requests, duration_us, p50, p99, bad] = v[..] else {
        return None;
    };
    let seconds = duration_us as f64 / 1e6;
    Some(Run {
        requests,
        seconds,
        requests_per_second: requests as f64 / seconds.max(1e-9),
        p50_us: (requests > 0).then_some(p50),
        p99_us: (requests > 0).then_some(p99),
        bad,
    })
}

async fn run_builtin(addr: SocketAddr, fixed: &Fixed, connections: usize, seconds: u64) -> Run {
    let target = Arc::new(Target::unsigned(addr));
    let fixed = fixed.clone();
    let make = move |_: &Target| build(&fixed, addr);
    let limits = Limits {
        concurrency: connections,
        duration: Duration::from_secs(seconds),
        requests: u64::MAX,
    };
    let (mut tally, elapsed) = load::run(target, make, limits).await;
    tally.latencies_us.sort_unstable();
    let lat = &tally.latencies_us;
    let answered = lat.len() as u64;
    let good: u64 = tally
        .statuses
        .iter()
        .filter(|(k, _)| k.starts_with('2') || k.starts_with('3'))
        .map(|(_, v)| v)
        .sum();
    let total: u64 = tally.statuses.values().sum();
    Run {
        requests: answered,
        seconds: elapsed.as_secs_f64(),
        requests_per_second: answered as f64 / elapsed.as_secs_f64().max(1e-9),
        p50_us: load::percentile(lat, 0.50).map(u64::from),
        p99_us: load::percentile(lat, 0.99).map(u64::from),
        bad: total - good,
    }
}

fn build(fixed: &Fixed, addr: SocketAddr) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(fixed.method)
        .uri(fixed.target.as_str());
    if !fixed
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        builder = builder.header("host", addr.to_string());
    }
    for (name, value) in &fixed.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if matches!(fixed.method, "PUT" | "POST") {
        builder = builder.header("content-length", fixed.body.len());
    }
    builder
        .body(Full::new(fixed.body.clone()))
        .expect("the bench builds only valid requests")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_result_reads_the_script_line() {
        let out = "Running 1s test\ncos-mock-bench 1000 2000000 600 3000 2\n";
        let run = parse_result(out).unwrap();
        assert_eq!(run.requests, 1000);
        assert_eq!(run.seconds, 2.0);
        assert_eq!(run.requests_per_second, 500.0);
        assert_eq!(
            (run.p50_us, run.p99_us, run.bad),
            (Some(600), Some(3000), 2)
        );
        assert!(parse_result("cos-mock-bench 1 2\n").is_none());
        assert!(parse_result("nothing").is_none());
    }

    #[test]
    fn lua_script_sets_method_headers_and_body() {
        let fixed = Fixed {
            method: "PUT",
            target: "/k".into(),
            headers: vec![("Authorization".into(), "q-a=\"b\"".into())],
            body: Bytes::new(),
        };
        let lua = lua_script(&fixed);
        assert!(lua.starts_with("wrk.method = \"PUT\"\n"));
        assert!(lua.contains("wrk.headers[\"Authorization\"] = \"q-a=\\\"b\\\"\"\n"));
        assert!(lua.contains("wrk.body = \"\"\n"));
        let lua = lua_script(&Fixed {
            body: Bytes::from_static(b"xy"),
            ..fixed
        });
        assert!(lua.contains("wrk.body = \"xy\"\n"));
        assert!(lua.contains("latency:percentile(99)"));
    }
}
