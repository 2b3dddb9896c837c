//! `cos-mock-bench`: starts a `cos-mock` child and measures start-to-ready, req/s, p50/p99 and RSS.
//!
//! Two workloads over keep-alive connections, each request signed with `cos_sign::authorization` as a
//! real client would: a GET of a 1 KiB object and a `PUT /?acl` with `x-cos-acl: private`. Everything
//! stays on 127.0.0.1 and is bounded in time and count. `scripts/bench.sh` builds and runs it.

// A crate root resolves modules beside itself (src/bin/), where cargo would take them for binaries.
#[path = "bench/load.rs"]
mod load;
#[path = "bench/report.rs"]
mod report;
#[path = "bench/server.rs"]
mod server;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Parser;

use load::{Call, Limits, Target};
use report::{Report, WorkloadReport};
use server::Server;

const BUCKET: &str = "bench-1250000000";
const OBJECT: &str = "/bench-1k";

#[derive(Parser, Debug)]
#[command(
    name = "cos-mock-bench",
    version,
    about = "Load-test a cos-mock server on 127.0.0.1"
)]
struct Args {
    /// Keep-alive connections driving each workload.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,
    /// Seconds per workload (ignored when --requests is given).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60))]
    seconds: u64,
    /// Requests per workload instead of a duration (still stopped after 60 s).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    requests: Option<u64>,
    /// Unmeasured warm-up per workload, in milliseconds.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=5_000))]
    warmup_ms: u64,
    /// The cos-mock binary to start (default: `cos-mock` beside this binary).
    #[arg(long)]
    server: Option<PathBuf>,
    /// COS_MOCK_LOG for the server (`info` logs one line per request, as users run it).
    #[arg(long, default_value = "info")]
    server_log: String,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
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

async fn bench(args: &Args) -> Result<Report, String> {
    let binary = server_binary(args)?;
    let version = version_of(&binary)?;
    let server = Server::spawn(&binary, &args.server_log, Duration::from_secs(10))?;
    let rss_idle = server.rss_kib().map(|(rss, _)| rss);
    let target = Arc::new(Target {
        addr: server.addr,
        host: format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com"),
        secret_id: "AKIDCOSMOCKROOT".into(),
        secret_key: "cos-mock-root-secret".into(),
    });
    setup(&target).await?;
    let limits = Limits {
        concurrency: usize::from(args.concurrency),
        duration: Duration::from_secs(args.requests.map_or(args.seconds, |_| 60)),
        requests: args.requests.unwrap_or(u64::MAX),
    };
    let mut workloads = Vec::new();
    for (name, make) in workloads_table() {
        warm_up(&target, make, limits, args.warmup_ms).await;
        let (tally, elapsed) = load::run(target.clone(), make, limits).await;
        let rss = server.rss_kib().map(|(rss, _)| rss);
        workloads.push(WorkloadReport::new(name, tally, elapsed, rss));
    }
    Ok(Report {
        server: binary.display().to_string(),
        version,
        concurrency: limits.concurrency,
        start_to_ready_ms: server.start_to_ready.as_secs_f64() * 1000.0,
        rss_idle_kib: rss_idle,
        rss_peak_kib: server.rss_kib().map(|(_, peak)| peak),
        workloads,
    })
}

type Make = fn(&Target) -> hyper::Request<http_body_util::Full<Bytes>>;

fn workloads_table() -> [(&'static str, Make); 2] {
    [
        ("GET object 1 KiB", |t| {
            t.request(&Call {
                method: "GET",
                path: OBJECT,
                query: &[],
                headers: &[],
                body: Bytes::new(),
            })
        }),
        ("PUT bucket ?acl", |t| {
            t.request(&Call {
                method: "PUT",
                path: "/",
                query: &[("acl", "")],
                headers: &[("x-cos-acl", "private")],
                body: Bytes::new(),
            })
        }),
    ]
}

async fn warm_up(target: &Arc<Target>, make: Make, limits: Limits, ms: u64) {
    if ms > 0 {
        let warm = Limits {
            duration: Duration::from_millis(ms),
            requests: u64::MAX,
            ..limits
        };
        load::run(target.clone(), make, warm).await;
    }
}

/// Creates the bucket and the 1 KiB object; both must answer 200.
async fn setup(target: &Target) -> Result<(), String> {
    let mut conn = load::connect(target.addr).await?;
    let calls = [
        ("PUT Bucket", "/", Bytes::new()),
        ("PUT Object", OBJECT, Bytes::from(vec![b'x'; 1024])),
    ];
    for (what, path, body) in calls {
        let req = target.request(&Call {
            method: "PUT",
            path,
            query: &[],
            headers: &[],
            body,
        });
        match load::exchange(&mut conn, req).await? {
            200 => {}
            status => return Err(format!("setup: {what} answered {status}")),
        }
    }
    Ok(())
}

fn server_binary(args: &Args) -> Result<PathBuf, String> {
    if let Some(path) = &args.server {
        return Ok(path.clone());
    }
    let me = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    Ok(me.with_file_name(format!("cos-mock{}", std::env::consts::EXE_SUFFIX)))
}

fn version_of(binary: &PathBuf) -> Result<String, String> {
    let out = std::process::Command::new(binary)
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
