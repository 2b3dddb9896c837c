//! The benchmark's output: the side-by-side rows, the ratios between servers measured in the same run,
//! and cos-mock's own figures each beside its target; printed as tables or as one JSON object.

use serde::Serialize;

use super::wrk::Run;

#[derive(Serialize, Default)]
pub struct Report {
    /// cos-mock's `--version`.
    pub version: String,
    /// CPUs and load average when the run started.
    pub machine: String,
    pub generator: String,
    pub seconds_per_run: u64,
    pub side_by_side: Vec<SideRow>,
    pub ratios: Vec<Ratio>,
    pub figures: Vec<Figure>,
    /// What was skipped and why, and anything else the reader must know.
    pub notes: Vec<String>,
    /// `perf report` of cos-mock under the signed-GET load (`--perf`).
    pub profile: Option<String>,
}

#[derive(Serialize)]
pub struct SideRow {
    /// `nginx`, `moto` or `cos-mock`.
    pub server: String,
    /// With its version and the request: `nginx 1.22.1, fixed 1 KiB body`.
    pub label: String,
    pub connections: usize,
    pub run: Run,
}

#[derive(Serialize)]
pub struct Ratio {
    /// `cos-mock/nginx`
    pub name: String,
    pub connections: usize,
    /// req/s of cos-mock divided by req/s of the reference.
    pub value: f64,
    pub target: Option<f64>,
    pub met: Option<bool>,
}

#[derive(Serialize)]
pub struct Figure {
    pub name: String,
    pub value: Option<f64>,
    pub unit: &'static str,
    /// The target as text (`≤ 10 ms`), empty for a figure without one.
    pub target: String,
    /// None when there is no target, or the run was too small to judge it (`--quick`).
    pub met: Option<bool>,
    /// Anything that qualifies the value (statuses, a smaller size than the target's).
    pub note: String,
}

impl Report {
    /// The rate of `server` at `connections` in the side-by-side, when it answered cleanly.
    pub fn rate(&self, server: &str, connections: usize) -> Option<f64> {
        self.side_by_side
            .iter()
            .find(|r| r.server == server && r.connections == connections && r.run.requests > 0)
            .map(|r| r.run.requests_per_second)
    }

    /// Adds cos-mock/nginx and cos-mock/moto for every connection count both were measured at.
    /// The c=64 ratios are judged against their targets when `judge` (not in a smoke run).
    pub fn add_ratios(&mut self, connections: &[usize], judge: bool) {
        for &c in connections {
            for (reference, target) in [("nginx", 0.5), ("moto", 100.0)] {
                let (Some(ours), Some(theirs)) =
                    (self.rate("cos-mock", c), self.rate(reference, c))
                else {
                    continue;
                };
                let value = ours / theirs;
                let target = (c == 64).then_some(target);
                self.ratios.push(Ratio {
                    name: format!("cos-mock/{reference}"),
                    connections: c,
                    value,
                    target,
                    met: target.filter(|_| judge).map(|t| value >= t),
                });
            }
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    pub fn table(&self) -> String {
        let mut out = format!(
            "cos-mock bench: {}; {}\nload generator: {}, {} s per run, 1 KiB bodies, 127.0.0.1\n",
            self.version, self.machine, self.generator, self.seconds_per_run
        );
        if !self.side_by_side.is_empty() {
            out += &format!(
                "\n{:<58} {:>5} {:>9} {:>9} {:>9} {:>6}\n",
                "side by side", "conns", "req/s", "p50", "p99", "bad"
            );
            for r in &self.side_by_side {
                out += &format!(
                    "{:<58} {:>5} {:>9} {:>9} {:>9} {:>6}\n",
                    r.label,
                    r.connections,
                    thousands(r.run.requests_per_second),
                    micros(r.run.p50_us),
                    micros(r.run.p99_us),
                    r.run.bad
                );
            }
        }
        if !self.ratios.is_empty() {
            out += &format!(
                "\n{:<22} {:>5} {:>9}   {:<10} {}\n",
                "ratio (req/s)", "conns", "value", "target", ""
            );
            for r in &self.ratios {
                // Against nginx a share, against moto a multiple: as the targets are written.
                let shown = |v: f64| match (r.name.ends_with("nginx"), v >= 10.0) {
                    (true, _) => format!("{:.0}%", v * 100.0),
                    (false, true) => format!("{v:.0}×"),
                    (false, false) => format!("{v:.1}×"),
                };
                out += &format!(
                    "{:<22} {:>5} {:>9}   {:<10} {}\n",
                    r.name,
                    r.connections,
                    shown(r.value),
                    r.target
                        .map(|t| format!("≥ {}", shown(t)))
                        .unwrap_or_default(),
                    verdict(r.met)
                );
            }
        }
        if !self.figures.is_empty() {
            out += &format!(
                "\n{:<62} {:>12}   {:<12} {:<8} {}\n",
                "cos-mock figure", "value", "target", "", "note"
            );
            for f in &self.figures {
                out += &format!(
                    "{:<62} {:>12}   {:<12} {:<8} {}\n",
                    f.name,
                    f.value
                        .map(|v| format!("{} {}", number(v), f.unit))
                        .unwrap_or_else(|| "-".into()),
                    f.target,
                    verdict(f.met),
                    f.note
                );
            }
        }
        if self.side_by_side.iter().any(|r| r.run.bad > 0) {
            out += "\nnote: a run with bad answers (non-2xx, socket errors, timeouts) counts them in req/s";
        }
        for note in &self.notes {
            out += &format!("\nnote: {note}");
        }
        if out.contains("\nnote: ") {
            out += "\n";
        }
        if let Some(profile) = &self.profile {
            out += &format!("\n{profile}\n");
        }
        out
    }
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "NOT MET",
        None => "",
    }
}

pub fn micros(v: Option<u64>) -> String {
    match v {
        Some(us) if us >= 1_000 => format!("{:.2}ms", us as f64 / 1000.0),
        Some(us) => format!("{us}µs"),
        None => "-".into(),
    }
}

/// `75783.2` → `75,783`.
fn thousands(v: f64) -> String {
    group_digits(&format!("{:.0}", v.max(0.0)))
}

/// `1000000` → `1,000,000`.
pub fn group(n: u64) -> String {
    group_digits(&n.to_string())
}

/// A string of digits with a comma before each group of three from the right.
fn group_digits(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Three significant figures at most, thousands grouped above 1000.
fn number(v: f64) -> String {
    match v.abs() {
        a if a >= 1000.0 => thousands(v),
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 10.0 => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}

/// One row per (server, connections), in first-seen order: the run with the median req/s of those
/// rows (the lower middle one of an even count).
pub fn medians(rows: Vec<SideRow>) -> Vec<SideRow> {
    let mut groups: Vec<Vec<SideRow>> = Vec::new();
    for row in rows {
        match groups
            .iter_mut()
            .find(|g| g[0].server == row.server && g[0].connections == row.connections)
        {
            Some(group) => group.push(row),
            None => groups.push(vec![row]),
        }
    }
    groups
        .into_iter()
        .filter_map(|mut group| {
            group.sort_by(|a, b| {
                a.run
                    .requests_per_second
                    .total_cmp(&b.run.requests_per_second)
            });
            let middle = (group.len() - 1) / 2;
            group.into_iter().nth(middle)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(server: &str, connections: usize, rps: f64) -> SideRow {
        SideRow {
            server: server.into(),
            label: server.into(),
            connections,
            run: Run {
                requests: 1,
                requests_per_second: rps,
                ..Run::default()
            },
        }
    }

    #[test]
    fn add_ratios_divides_cos_mock_by_each_reference_and_judges_c64() {
        let mut report = Report {
            side_by_side: vec![
                row("nginx", 64, 1000.0),
                row("moto", 64, 5.0),
                row("cos-mock", 64, 600.0),
                row("cos-mock", 8, 300.0),
                row("nginx", 8, 1000.0),
            ],
            ..Report::default()
        };
        report.add_ratios(&[64, 8], true);
        let got: Vec<(&str, usize, f64, Option<bool>)> = report
            .ratios
            .iter()
            .map(|r| (r.name.as_str(), r.connections, r.value, r.met))
            .collect();
        assert_eq!(
            got,
            [
                ("cos-mock/nginx", 64, 0.6, Some(true)),
                ("cos-mock/moto", 64, 120.0, Some(true)),
                ("cos-mock/nginx", 8, 0.3, None),
            ]
        );
        let table = report.table();
        assert!(table.contains("60%"), "{table}");
        assert!(table.contains("120×"), "{table}");
    }

    #[test]
    fn medians_keep_one_row_per_server_and_connections() {
        let rows = vec![
            row("nginx", 64, 10.0),
            row("cos-mock", 64, 5.0),
            row("nginx", 64, 30.0),
            row("cos-mock", 64, 1.0),
            row("nginx", 64, 20.0),
            row("cos-mock", 64, 9.0),
            row("nginx", 8, 7.0),
        ];
        let got: Vec<(String, usize, f64)> = medians(rows)
            .into_iter()
            .map(|r| (r.server, r.connections, r.run.requests_per_second))
            .collect();
        assert_eq!(
            got,
            [
                ("nginx".to_string(), 64, 20.0),
                ("cos-mock".to_string(), 64, 5.0),
                ("nginx".to_string(), 8, 7.0),
            ]
        );
    }

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(thousands(75783.4), "75,783");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(group(1_000_000), "1,000,000");
        assert_eq!(group(100_000), "100,000");
        assert_eq!(group(0), "0");
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(4.256), "4.26");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(micros(Some(620)), "620µs");
        assert_eq!(micros(Some(17_800)), "17.80ms");
    }
}
