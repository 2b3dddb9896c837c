//! `cos-mock-bench`: cos-mock side by side with nginx and moto, and cos-mock's own figures.
//!
//! The side-by-side sends the same 1 KiB GET with one load generator (`wrk -t1` when installed, else a
//! built-in hyper client) at each connection count to nginx (a fixed 1 KiB body), moto's S3 (a 1 KiB
//! object) and cos-mock (a q-signed GET of a 1 KiB object; one signature with a long `q-sign-time`
//! is valid for every copy and cos-mock verifies it on each), then prints the ratios. cos-mock's own
//! figures follow, each beside the target of issue #13, each on a fresh server. Everything stays on
//! 127.0.0.1 and is bounded in time and count. `scripts/bench.sh` installs the references, builds
//! and runs it.

// A crate root resolves modules beside itself (src/bin/), where cargo would take them for binaries.
#[path = "bench/load.rs"]
mod load;
#[path = "bench/own.rs"]
mod own;
#[path = "bench/refs.rs"]
mod refs;
#[path = "bench/report.rs"]
mod report;
#[path = "bench/server.rs"]
mod server;
#[path = "bench/wrk.rs"]
mod wrk;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::{Parser, ValueEnum};

use load::{Call, Target};
use refs::{Reference, BODY_LEN};
use report::{group, Figure, Report, SideRow};
use server::Server;
use wrk::{Fixed, Generator, Run};

const OBJECT: &str = "/bench-1k";
const MIB: u64 = 1024 * 1024;

#[derive(Parser, Debug)]
#[command(
    name = "cos-mock-bench",
    version,
    about = "cos-mock side by side with nginx and moto, and cos-mock's own figures, on 127.0.0.1"
)]
struct Args {
    /// Seconds per load run [default: 8; 1 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=60))]
    seconds: Option<u64>,
    /// Side-by-side rounds: the servers take turns this many times and each row is the median, so a
    /// neighbour's burst of load on a shared machine skews one round, not the ratios.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=9))]
    rounds: u8,
    /// A smoke run: 1 s per load run and small sizes (the targets are then not judged).
    #[arg(long)]
    quick: bool,
    /// Keep-alive connections of the side-by-side runs (the PUT figures use 64).
    #[arg(long, value_delimiter = ',', default_value = "64,8")]
    connections: Vec<usize>,
    /// Only these parts (comma-separated) [default: all].
    #[arg(long, value_delimiter = ',', value_enum)]
    only: Vec<Part>,
    /// Objects of 1 KiB PUT for the memory figure [default: 100000; 1000 with --quick].
    #[arg(long)]
    objects: Option<u64>,
    /// Keys in the listing bucket [default: 1000000; 2000 with --quick].
    #[arg(long)]
    keys: Option<u64>,
    /// MiB of the large multipart upload and GET [default: 1024; 16 with --quick].
    #[arg(long)]
    big_mib: Option<u64>,
    /// wrk binary [default: `wrk` on PATH; without it the built-in client drives every server].
    #[arg(long)]
    wrk: Option<PathBuf>,
    /// Drive every server with the built-in hyper client even when wrk is installed.
    #[arg(long, conflicts_with = "wrk")]
    builtin: bool,
    /// nginx binary [default: `nginx` on PATH or in /usr/sbin; skipped when absent].
    #[arg(long)]
    nginx: Option<PathBuf>,
    /// moto's `moto_server` (of a venv, whose `python` tells its version) [skipped when absent].
    #[arg(long)]
    moto: Option<PathBuf>,
    /// Measure cos-mock alone.
    #[arg(long)]
    no_references: bool,
    /// The cos-mock binary to start [default: `cos-mock` beside this binary].
    #[arg(long)]
    server: Option<PathBuf>,
    /// COS_MOCK_LOG of the server under load (`info` logs one line per request, as users run it).
    #[arg(long, default_value = "info")]
    server_log: String,
    /// Also profile cos-mock with `perf record -g` for this many seconds of signed-GET load at c=64.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60))]
    perf: u64,
    /// Print one JSON object instead of the tables.
    #[arg(long)]
    json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// nginx, moto and cos-mock GETs of 1 KiB, and the ratios.
    Side,
    /// Signed PUT ?acl and PUT of a 1 KiB object at c=64, as % of nginx.
    Put,
    /// Start to ready line, idle RSS.
    Start,
    /// RSS after PUTting many 1 KiB objects.
    Memory,
    /// Listing by prefix (and ?versions) in a large bucket.
    List,
    /// A large multipart upload and GET.
    Big,
}

/// The sizes of one run, from the flags and --quick.
struct Plan {
    seconds: u64,
    objects: u64,
    keys: u64,
    big: u64,
}

impl Args {
    fn plan(&self) -> Plan {
        let pick = |v: Option<u64>, full: u64, quick: u64| {
            v.unwrap_or(if self.quick { quick } else { full })
        };
        Plan {
            seconds: pick(self.seconds, 8, 1),
            objects: pick(self.objects, 100_000, 1_000),
            keys: pick(self.keys, 1_000_000, 2_000),
            big: pick(self.big_mib, 1024, 16) * MIB,
        }
    }

    fn wants(&self, part: Part) -> bool {
        self.only.is_empty() || self.only.contains(&part)
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(bench(&args)) {
        Ok(report) if args.json => println!("{}", report.json()),
        Ok(report) => print!("{}", report.table()),
        Err(e) => return fail(e),
    }
    ExitCode::SUCCESS
}

fn fail(msg: String) -> ExitCode {
    eprintln!("cos-mock-bench: {msg}");
    ExitCode::FAILURE
}

fn progress(what: &str) {
    eprintln!("cos-mock-bench: {what}");
}

async fn bench(args: &Args) -> Result<Report, String> {
    let plan = args.plan();
    let binary = server_binary(args)?;
    let wrk = match args.builtin {
        true => None,
        false => args.wrk.clone().or_else(|| refs::find_on_path("wrk")),
    };
    let generator = match wrk {
        Some(wrk) => Generator::Wrk(wrk),
        None => Generator::Builtin,
    };
    let mut report = Report {
        version: version_of(&binary)?,
        machine: machine(),
        generator: generator.describe(),
        seconds_per_run: plan.seconds,
        ..Report::default()
    };
    if args.quick {
        report.notes.push(
            "--quick: small sizes and 1 s runs, a smoke of the harness; targets not judged".into(),
        );
    }
    let under_load = if args.wants(Part::Side) || args.wants(Part::Put) || args.perf > 0 {
        Some(Server::spawn(
            &binary,
            &args.server_log,
            Duration::from_secs(10),
        )?)
    } else {
        None
    };
    if let Some(server) = &under_load {
        let target = own::target(server);
        own::expect_200(
            &target,
            &[
                own::put_bucket(),
                put_object(OBJECT, Bytes::from(vec![b'x'; BODY_LEN])),
            ],
        )
        .await?;
        if args.wants(Part::Side) {
            side_by_side(args, &plan, &generator, server, &target, &mut report).await?;
        }
        if args.wants(Part::Put) {
            puts(args, &plan, &generator, server, &target, &mut report).await?;
        }
        if args.perf > 0 {
            match profile(args.perf, &generator, server, &target).await {
                Ok(profile) => report.profile = Some(profile),
                Err(e) => report.notes.push(format!("profile skipped: {e}")),
            }
        }
    }
    if args.wants(Part::Start) {
        start(&binary, !args.quick, &mut report)?;
    }
    if args.wants(Part::Memory) {
        memory(&binary, plan.objects, &mut report).await?;
    }
    if args.wants(Part::List) {
        listing(&binary, plan.keys, plan.seconds, &mut report).await?;
    }
    if args.wants(Part::Big) {
        big(&binary, plan.big, !args.quick, &mut report).await?;
    }
    Ok(report)
}

/// The signed GET of the 1 KiB object as one fixed request (valid for an hour).
fn signed_get(target: &Target) -> Fixed {
    signed(target, "GET", OBJECT, &[], &[], Bytes::new())
}

fn signed(
    target: &Target,
    method: &'static str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    body: Bytes,
) -> Fixed {
    let call = Call {
        method,
        path,
        query,
        headers,
        body: body.clone(),
    };
    let mut all = vec![
        ("Host".to_string(), target.host.clone()),
        (
            "Authorization".to_string(),
            target.authorization(&call, Duration::from_secs(3600)),
        ),
    ];
    all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    Fixed {
        method,
        target: load::uri(path, query),
        headers: all,
        body,
    }
}

fn plain_get(target: &str) -> Fixed {
    Fixed {
        method: "GET",
        target: target.into(),
        headers: vec![],
        body: Bytes::new(),
    }
}

fn put_object(path: &str, body: Bytes) -> Call<'_> {
    Call {
        method: "PUT",
        path,
        query: &[],
        headers: &[],
        body,
    }
}

/// Starts the references that are installed; a note names each one skipped.
async fn references(args: &Args, report: &mut Report) -> Vec<(Reference, Fixed)> {
    let mut out = Vec::new();
    if args.no_references {
        report
            .notes
            .push("--no-references: nginx and moto not measured".into());
        return out;
    }
    match args.nginx.clone().or_else(|| refs::find_on_path("nginx")) {
        None => report
            .notes
            .push("nginx not installed: skipped (scripts/bench.sh installs it from Debian)".into()),
        Some(bin) => match refs::nginx(&bin) {
            Ok(nginx) => out.push((nginx, plain_get("/"))),
            Err(e) => report.notes.push(format!("nginx skipped: {e}")),
        },
    }
    match &args.moto {
        Some(bin) if bin.is_file() => match start_moto(bin).await {
            Ok(moto) => out.push((moto, plain_get(&format!("/bench{OBJECT}")))),
            Err(e) => report.notes.push(format!("moto skipped: {e}")),
        },
        _ => report.notes.push(
            "moto not installed: skipped (scripts/bench.sh installs moto[server] into .bench-venv)"
                .into(),
        ),
    }
    out
}

/// moto with bucket `bench` and its public-read 1 KiB object, PUT without a signature (moto's
/// server mode checks none), then read back anonymously as the load will.
async fn start_moto(bin: &Path) -> Result<Reference, String> {
    let moto = refs::moto(bin)?;
    let host = moto.addr.to_string();
    let steps = [
        ("PUT", "/bench".to_string(), Bytes::new()),
        (
            "PUT",
            format!("/bench{OBJECT}"),
            Bytes::from(vec![b'x'; BODY_LEN]),
        ),
        ("GET", format!("/bench{OBJECT}"), Bytes::new()),
    ];
    for (method, path, body) in steps {
        // moto's server answers HTTP/1.0-style and may close after each answer.
        let mut conn = load::connect(moto.addr).await?;
        let req = hyper::Request::builder()
            .method(method)
            .uri(path.as_str())
            .header("host", host.as_str())
            .header("content-length", body.len())
            // Anonymous GETs of a private object answer 403; the object is public-read instead.
            .header("x-amz-acl", "public-read")
            // A form content type would have moto's web framework swallow the body.
            .header("content-type", "application/octet-stream")
            .body(http_body_util::Full::new(body))
            .map_err(|e| e.to_string())?;
        let (status, _, body) = load::exchange_full(&mut conn, req).await?;
        if status != 200 {
            return Err(format!(
                "{method} {path} answered {status}: {}",
                String::from_utf8_lossy(&body)
            ));
        }
        if method == "GET" && body.len() != BODY_LEN {
            return Err(format!("GET {path} gave {} bytes", body.len()));
        }
    }
    Ok(moto)
}

async fn side_by_side(
    args: &Args,
    plan: &Plan,
    generator: &Generator,
    server: &Server,
    target: &Target,
    report: &mut Report,
) -> Result<(), String> {
    let refs = references(args, report).await;
    let ours = signed_get(target);
    let mut rows = Vec::new();
    // Server CPU per request at c=64, one value per round (steadier than req/s on a shared machine).
    let mut cpu_per_request = Vec::new();
    for c in rounds(&args.connections, args.rounds) {
        for (reference, fixed) in &refs {
            let server_name = reference.name.split(' ').next().unwrap_or_default();
            let label = match server_name {
                "nginx" => format!("{}, fixed 1 KiB body", reference.name),
                _ => format!("{}, GET of a public-read 1 KiB object", reference.name),
            };
            progress(&format!("{label}, c={c}"));
            let run = generator
                .run(reference.addr, fixed, c, plan.seconds)
                .await?;
            rows.push(SideRow {
                server: server_name.into(),
                label,
                connections: c,
                run,
            });
        }
        progress(&format!("cos-mock q-signed GET, c={c}"));
        let before = server::cpu_seconds(server.pid());
        let run = generator.run(server.addr, &ours, c, plan.seconds).await?;
        if let (64, Some(b), Some(a)) = (c, before, server::cpu_seconds(server.pid())) {
            if run.requests > 0 {
                let per = |x: f64| x * 1e6 / run.requests as f64;
                cpu_per_request.push((per(a.0 - b.0), per(a.1 - b.1)));
            }
        }
        rows.push(SideRow {
            server: "cos-mock".into(),
            label: format!(
                "cos-mock, q-signed GET of a 1 KiB object (log {})",
                args.server_log
            ),
            connections: c,
            run,
        });
    }
    report.side_by_side = report::medians(rows);
    cpu_per_request.sort_by(|x, y| (x.0 + x.1).total_cmp(&(y.0 + y.1)));
    if let Some((user, system)) = cpu_per_request.get(cpu_per_request.len() / 2) {
        report.figures.push(Figure {
            name: "cos-mock CPU per q-signed GET, c=64".into(),
            value: Some(((user + system) * 10.0).round() / 10.0),
            unit: "µs",
            target: String::new(),
            met: None,
            note: format!(
                "user {user:.1} µs, system {system:.1} µs (/proc/PID/stat over the run; median of rounds)"
            ),
        });
    }
    if args.rounds > 1 {
        report.notes.push(format!(
            "side by side: each row is the median (by req/s) of {} rounds, the servers taking turns",
            args.rounds
        ));
    }
    let connections = args.connections.clone();
    report.add_ratios(&connections, !args.quick);
    Ok(())
}

/// The connection counts in the order they run: every count once per round.
fn rounds(connections: &[usize], rounds: u8) -> Vec<usize> {
    (0..rounds)
        .flat_map(|_| connections.iter().copied())
        .collect()
}

async fn puts(
    args: &Args,
    plan: &Plan,
    generator: &Generator,
    server: &Server,
    target: &Target,
    report: &mut Report,
) -> Result<(), String> {
    let nginx = match report.rate("nginx", 64) {
        Some(rate) => Some(rate),
        None => nginx_rate(args, plan, generator, report).await?,
    };
    let workloads = [
        (
            "signed PUT ?acl (x-cos-acl: private), c=64",
            signed(
                target,
                "PUT",
                "/",
                &[("acl", "")],
                &[("x-cos-acl", "private")],
                Bytes::new(),
            ),
        ),
        (
            "signed PUT of a 1 KiB object, c=64",
            signed(
                target,
                "PUT",
                "/bench-put",
                &[],
                &[],
                Bytes::from(vec![b'p'; BODY_LEN]),
            ),
        ),
    ];
    for (name, fixed) in workloads {
        progress(name);
        let run = generator.run(server.addr, &fixed, 64, plan.seconds).await?;
        let note = format!(
            "{} req/s, p50 {}, p99 {}, bad {}",
            group(run.requests_per_second as u64),
            report::micros(run.p50_us),
            report::micros(run.p99_us),
            run.bad
        );
        let share = nginx.map(|n| 100.0 * run.requests_per_second / n);
        report.figures.push(Figure {
            name: format!("{name}, % of nginx"),
            value: share,
            unit: "%",
            target: "≥ 40 %".into(),
            met: share.filter(|_| !args.quick).map(|s| s >= 40.0),
            note: match nginx {
                Some(_) => note,
                None => format!("{note}; no nginx rate to compare"),
            },
        });
    }
    Ok(())
}

/// nginx's rate at c=64, measured now (for `--only put`).
async fn nginx_rate(
    args: &Args,
    plan: &Plan,
    generator: &Generator,
    report: &mut Report,
) -> Result<Option<f64>, String> {
    let bin = match args.no_references {
        true => None,
        false => args.nginx.clone().or_else(|| refs::find_on_path("nginx")),
    };
    let Some(bin) = bin else {
        return Ok(None);
    };
    let nginx = refs::nginx(&bin)?;
    progress("nginx, fixed 1 KiB body, c=64");
    let run: Run = generator
        .run(nginx.addr, &plain_get("/"), 64, plan.seconds)
        .await?;
    report.side_by_side.push(SideRow {
        server: "nginx".into(),
        label: format!("{}, fixed 1 KiB body", nginx.name),
        connections: 64,
        run: run.clone(),
    });
    Ok(Some(run.requests_per_second))
}

/// `perf record -g` on the server for `seconds` while the signed GET runs at c=64; the flat report.
async fn profile(
    seconds: u64,
    generator: &Generator,
    server: &Server,
    target: &Target,
) -> Result<String, String> {
    let data = std::env::temp_dir().join("cos-mock-bench-perf.data");
    let fixed = signed_get(target);
    progress(&format!(
        "perf record -g for {seconds} s under signed GET, c=64"
    ));
    let load = generator.run(server.addr, &fixed, 64, seconds + 2);
    let record = async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let (pid, data) = (server.pid().to_string(), data.clone());
        tokio::task::spawn_blocking(move || {
            Command::new("perf")
                .args(["record", "-g", "-q", "-p", &pid, "-o"])
                .arg(&data)
                .args(["--", "sleep", &seconds.to_string()])
                .output()
        })
        .await
    };
    let (run, recorded) = tokio::join!(load, record);
    let run = run?;
    let out = recorded
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot run perf: {e} (apt-get install linux-perf)"))?;
    if !out.status.success() {
        return Err(format!(
            "perf record failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let out = Command::new("perf")
        .arg("report")
        .arg("-i")
        .arg(&data)
        .args([
            "--stdio",
            "--no-children",
            "-g",
            "none",
            "--percent-limit",
            "0.4",
        ])
        .output()
        .map_err(|e| format!("cannot run perf report: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("# ") && *l != "#")
        .take(80)
        .collect();
    Ok(format!(
        "profile: perf record -g -p <cos-mock> for {seconds} s under the signed GET at c=64 \
         ({:.0} req/s while recording); self time, symbols ≥ 0.4%; data kept in {}\n{}",
        run.requests_per_second,
        data.display(),
        lines.join("\n")
    ))
}

/// Start to ready line (median of several starts) and idle RSS; judged against the targets when
/// `judge` (not in a smoke run, whose debug build is larger and slower).
fn start(binary: &Path, judge: bool, report: &mut Report) -> Result<(), String> {
    progress("start to ready line, idle RSS");
    let starts = if judge { 7 } else { 3 };
    let mut times = Vec::new();
    let mut idle = None;
    for _ in 0..starts {
        let server = Server::spawn(binary, "info", Duration::from_secs(10))?;
        times.push(server.start_to_ready.as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(200));
        idle = server.rss_kib().map(|(rss, _)| rss as f64 * 1024.0 / 1e6);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    report.figures.push(Figure {
        name: "start to ready line (median)".into(),
        value: Some(median),
        unit: "ms",
        target: "≤ 10 ms".into(),
        met: judge.then_some(median <= 10.0),
        note: format!("{starts} starts, from spawn to the line on stderr"),
    });
    report.figures.push(Figure {
        name: "idle RSS after start".into(),
        value: idle,
        unit: "MB",
        target: "≤ 8 MB".into(),
        met: idle.filter(|_| judge).map(|mb| mb <= 8.0),
        note: String::new(),
    });
    Ok(())
}

async fn memory(binary: &Path, objects: u64, report: &mut Report) -> Result<(), String> {
    progress(&format!("memory: PUT {objects} objects of 1 KiB"));
    let server = Server::spawn(binary, "warn", Duration::from_secs(10))?;
    let target = own::target(&server);
    own::expect_200(&target, &[own::put_bucket()]).await?;
    let before = server.rss_kib().map_or(0, |(rss, _)| rss);
    let body = Bytes::from(vec![b'o'; BODY_LEN]);
    let (ok, secs) = own::put_many(&target, objects, body, own::memory_key).await;
    let after = server.rss_kib().map(|(rss, _)| rss as f64 * 1024.0 / 1e6);
    let full = objects >= 100_000;
    report.figures.push(Figure {
        name: format!("RSS after PUTting {} objects of 1 KiB", group(objects)),
        value: after,
        unit: "MB",
        target: "≤ 150 MB".into(),
        met: after.filter(|_| full).map(|mb| mb <= 150.0),
        note: format!(
            "{} answered 200 in {secs:.1} s (signed, 8 connections, log warn){}",
            group(ok),
            if full { "" } else { "; target is for 100,000" }
        ),
    });
    let per_object = after.map(|mb| (mb * 1e6 - before as f64 * 1024.0) / ok.max(1) as f64);
    report.figures.push(Figure {
        name: "  memory per 1 KiB object (RSS growth / objects)".into(),
        value: per_object,
        unit: "B",
        target: String::new(),
        met: None,
        note: String::new(),
    });
    Ok(())
}

async fn listing(
    binary: &Path,
    keys: u64,
    seconds: u64,
    report: &mut Report,
) -> Result<(), String> {
    progress(&format!("listing: PUT {keys} empty objects"));
    let server = Server::spawn(binary, "warn", Duration::from_secs(10))?;
    let target = own::target(&server);
    own::expect_200(&target, &[own::put_bucket()]).await?;
    let (ok, secs) = own::put_many(&target, keys, Bytes::new(), own::listing_key).await;
    let rss = server.rss_kib().map_or(0, |(rss, _)| rss);
    let full = keys >= 1_000_000;
    let prefix = own::listing_prefix(keys);
    for versions in [false, true] {
        let query = match versions {
            true => format!("?versions&max-keys=1000&prefix={prefix}"),
            false => format!("?max-keys=1000&prefix={prefix}"),
        };
        progress(&format!("listing: GET /{query}"));
        let (p50, statuses, listed) =
            own::listing_p50(&target, versions, prefix.clone(), seconds).await?;
        let ms = p50.map(|us| f64::from(us) / 1000.0);
        report.figures.push(Figure {
            name: format!("GET /{query} in {} keys, p50", group(keys)),
            value: ms,
            unit: "ms",
            target: "≤ 2 ms".into(),
            met: ms.filter(|_| full).map(|ms| ms <= 2.0),
            note: format!(
                "{listed} keys listed, statuses {statuses}; bucket: {} PUTs answered 200 in \
                 {secs:.0} s, RSS {:.0} MiB{}",
                group(ok),
                rss as f64 / 1024.0,
                if full {
                    ""
                } else {
                    "; target is for 1,000,000"
                }
            ),
        });
    }
    Ok(())
}

async fn big(binary: &Path, bytes: u64, judge: bool, report: &mut Report) -> Result<(), String> {
    let size = format!("{} MiB", bytes / MIB);
    progress(&format!("{size} multipart upload, 8 parts in parallel"));
    let server = Server::spawn(binary, "warn", Duration::from_secs(10))?;
    let target: Arc<Target> = own::target(&server);
    own::expect_200(&target, &[own::put_bucket()]).await?;
    let sampler = server.rss_sampler();
    let cpu_before = server::cpu_seconds(server.pid());
    let upload = own::multipart(&target, "/big", 8, (bytes / 8) as usize).await;
    let cpu = cpu_before
        .zip(server::cpu_seconds(server.pid()))
        .map_or(String::new(), |(b, a)| {
            format!(
                "; server CPU {:.2} s (user {:.2}, system {:.2})",
                (a.0 - b.0) + (a.1 - b.1),
                a.0 - b.0,
                a.1 - b.1
            )
        });
    let peak_upload = sampler.peak_kib();
    let (secs, complete) = upload?;
    let judged = judge && bytes >= 1024 * MIB;
    let rate = bytes as f64 / secs / 1e9;
    report.figures.push(Figure {
        name: format!("multipart upload of {size}, 8 parts in parallel"),
        value: Some(rate),
        unit: "GB/s",
        target: "≥ 1 GB/s".into(),
        met: judged.then_some(rate >= 1.0),
        note: format!(
            "{secs:.2} s from Initiate to the end of Complete ({complete:.2} s); peak RSS {:.0} MiB{cpu}",
            peak_upload as f64 / 1024.0
        ),
    });
    progress(&format!("GET of the {size} object"));
    let before = server.rss_kib().map_or(0, |(rss, _)| rss);
    let sampler = server.rss_sampler();
    let got = own::get_streamed(&target, "/big").await;
    let peak = sampler.peak_kib().max(before);
    let (read, secs) = got?;
    if read != bytes {
        return Err(format!("GET /big gave {read} bytes of {bytes}"));
    }
    let rate = bytes as f64 / secs / 1e9;
    report.figures.push(Figure {
        name: format!("GET of the {size} object"),
        value: Some(rate),
        unit: "GB/s",
        target: "≥ 1 GB/s".into(),
        met: judged.then_some(rate >= 1.0),
        note: format!("{secs:.2} s"),
    });
    let growth = (peak - before.min(peak)) as f64 / 1024.0;
    let limit = bytes as f64 / MIB as f64 / 4.0;
    report.figures.push(Figure {
        name: format!(
            "  peak RSS during the GET (RSS before: {:.0} MiB)",
            before as f64 / 1024.0
        ),
        value: Some(peak as f64 / 1024.0),
        unit: "MiB",
        target: "≤ before + ¼".into(),
        met: judge.then_some(growth <= limit),
        note: format!("+{growth:.0} MiB while serving; a second copy would add {size}"),
    });
    Ok(())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into());
    format!("{cpus} CPUs, load average {load} at start")
}

fn server_binary(args: &Args) -> Result<PathBuf, String> {
    if let Some(path) = &args.server {
        return Ok(path.clone());
    }
    let me = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    Ok(me.with_file_name(format!("cos-mock{}", std::env::consts::EXE_SUFFIX)))
}

fn version_of(binary: &Path) -> Result<String, String> {
    let out = Command::new(binary)
        .arg("--version")
        .output()
        .map_err(|e| {
            format!(
                "cannot run {}: {e} (build it: cargo build --release)",
                binary.display()
            )
        })?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
