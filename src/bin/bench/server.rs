//! The server under test: a `cos-mock` child on 127.0.0.1:0, its start-to-ready time, its RSS, and its end.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const READY_PREFIX: &str = "cos-mock ready on http://";

/// A running `cos-mock`; killed and reaped on drop, so an early error never leaves it behind.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub start_to_ready: Duration,
}

impl Server {
    /// Spawns `binary --listen 127.0.0.1:0 --auth enforce` and waits (at most `timeout`) for its ready
    /// line on stderr.
    pub fn spawn(binary: &Path, log_level: &str, timeout: Duration) -> Result<Server, String> {
        let started = Instant::now();
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--auth", "enforce"])
            .env("COS_MOCK_LOG", log_level)
            // The ready line is read in the pretty form, whatever the caller exported.
            .env("COS_MOCK_LOG_FORMAT", "pretty")
            .env_remove("COS_MOCK_CONFIG")
            .env_remove("COS_MOCK_DEFAULT_BUCKET")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stderr = child.stderr.take().ok_or("no stderr pipe")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || drain(BufReader::new(stderr), tx));
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            start_to_ready: Duration::ZERO,
        };
        let addr = rx
            .recv_timeout(timeout)
            .map_err(|_| format!("no ready line from {} within {timeout:?}", binary.display()))?;
        server.start_to_ready = started.elapsed();
        server.addr = addr;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Current and peak resident set size in KiB (`VmRSS`, `VmHWM` of /proc/<pid>/status).
    pub fn rss_kib(&self) -> Option<(u64, u64)> {
        rss_kib(self.pid())
    }

    /// Samples `VmRSS` every 2 ms until the returned guard is stopped; the guard gives the highest value.
    pub fn rss_sampler(&self) -> RssSampler {
        let pid = self.pid();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                if let Some((rss, _)) = rss_kib(pid) {
                    peak = peak.max(rss);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            peak
        });
        RssSampler { stop, thread }
    }
}

/// A running [`Server::rss_sampler`].
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    /// Stops sampling; the highest `VmRSS` seen, in KiB.
    pub fn peak_kib(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// Current and peak resident set size of `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    Some((field_kib(&status, "VmRSS:")?, field_kib(&status, "VmHWM:")?))
}

/// CPU time `pid` has used so far, user and system, in seconds (`/proc/<pid>/stat` fields 14 and
/// 15, in clock ticks of 1/100 s: Linux's `USER_HZ` for `/proc`).
pub fn cpu_seconds(pid: u32) -> Option<(f64, f64)> {
    parse_cpu(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// [`cpu_seconds`] of one `stat` line. The command name (field 2) may hold spaces and parentheses,
/// so fields are counted from after its closing parenthesis.
fn parse_cpu(stat: &str) -> Option<(f64, f64)> {
    const TICKS_PER_SECOND: f64 = 100.0;
    let rest = &stat[stat.rfind(')')? + 1..];
    // `rest` starts at field 3 (state): utime and stime are its 12th and 13th words.
    let mut words = rest.split_whitespace().skip(11);
    let user: f64 = words.next()?.parse().ok()?;
    let system: f64 = words.next()?.parse().ok()?;
    Some((user / TICKS_PER_SECOND, system / TICKS_PER_SECOND))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends the address of the ready line, then keeps reading so the server never blocks on a full pipe.
fn drain(stderr: impl BufRead, ready: mpsc::Sender<SocketAddr>) {
    let mut sent = false;
    for line in stderr.lines().map_while(Result::ok) {
        if sent {
            continue;
        }
        if let Some(addr) = line.strip_prefix(READY_PREFIX) {
            if let Ok(addr) = addr.trim().parse() {
                sent = ready.send(addr).is_ok();
            }
        }
    }
}

fn field_kib(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{field_kib, parse_cpu};

    #[test]
    fn parse_cpu_counts_fields_after_the_command_name() {
        let stat = "4242 (cos mock) (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 4 0";
        assert_eq!(parse_cpu(stat), Some((2.5, 0.75)));
        assert_eq!(parse_cpu("4242 (short) S 1"), None);
        assert_eq!(parse_cpu("no parenthesis"), None);
    }

    #[test]
    fn field_kib_reads_proc_status_lines() {
        let status = "Name:\tcos-mock\nVmHWM:\t   9000 kB\nVmRSS:\t    8123 kB\n";
        assert_eq!(field_kib(status, "VmRSS:"), Some(8123));
        assert_eq!(field_kib(status, "VmHWM:"), Some(9000));
        assert_eq!(field_kib(status, "VmSwap:"), None);
    }
}
