//! The benchmark's figures: computed from the tallies, printed as a table or as one JSON object.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::load::Tally;

#[derive(Serialize)]
pub struct Report {
    pub server: String,
    pub version: String,
    pub concurrency: usize,
    pub start_to_ready_ms: f64,
    pub rss_idle_kib: Option<u64>,
    pub rss_peak_kib: Option<u64>,
    pub workloads: Vec<WorkloadReport>,
}

#[derive(Serialize)]
pub struct WorkloadReport {
    pub name: String,
    pub requests: u64,
    pub seconds: f64,
    pub requests_per_second: f64,
    pub p50_us: Option<u32>,
    pub p99_us: Option<u32>,
    pub max_us: Option<u32>,
    pub statuses: BTreeMap<String, u64>,
    pub rss_after_kib: Option<u64>,
}

impl WorkloadReport {
    pub fn new(name: &str, mut tally: Tally, elapsed: Duration, rss: Option<u64>) -> Self {
        tally.latencies_us.sort_unstable();
        let lat = &tally.latencies_us;
        let requests = tally.statuses.values().sum();
        let seconds = elapsed.as_secs_f64();
        WorkloadReport {
            name: name.to_string(),
            requests,
            seconds,
            requests_per_second: lat.len() as f64 / seconds.max(1e-9),
            p50_us: percentile(lat, 0.50),
            p99_us: percentile(lat, 0.99),
            max_us: lat.last().copied(),
            statuses: tally.statuses,
            rss_after_kib: rss,
        }
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u32], q: f64) -> Option<u32> {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

impl Report {
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    pub fn table(&self) -> String {
        let mut out = format!(
            "cos-mock bench: {} ({}), {} keep-alive connections, 127.0.0.1\n\
             start-to-ready   {:.1} ms\n\
             RSS idle / peak  {} / {}\n\n",
            self.server,
            self.version,
            self.concurrency,
            self.start_to_ready_ms,
            kib(self.rss_idle_kib),
            kib(self.rss_peak_kib),
        );
        out += &format!(
            "{:<22} {:>9} {:>10} {:>9} {:>9} {:>9} {:>10}  statuses\n",
            "workload", "requests", "req/s", "p50", "p99", "max", "RSS after"
        );
        for w in &self.workloads {
            let statuses: Vec<String> =
                w.statuses.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            out += &format!(
                "{:<22} {:>9} {:>10.0} {:>9} {:>9} {:>9} {:>10}  {}\n",
                w.name,
                w.requests,
                w.requests_per_second,
                micros(w.p50_us),
                micros(w.p99_us),
                micros(w.max_us),
                kib(w.rss_after_kib),
                statuses.join(" ")
            );
        }
        out
    }
}

fn micros(v: Option<u32>) -> String {
    match v {
        Some(us) if us >= 1_000 => format!("{:.2}ms", us as f64 / 1000.0),
        Some(us) => format!("{us}µs"),
        None => "-".into(),
    }
}

fn kib(v: Option<u64>) -> String {
    match v {
        Some(k) => format!("{:.1} MiB", k as f64 / 1024.0),
        None => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.50), Some(50));
        assert_eq!(percentile(&v, 0.99), Some(99));
        assert_eq!(percentile(&[7], 0.99), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
