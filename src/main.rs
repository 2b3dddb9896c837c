//! The `cos-mock` binary: flags and environment → `Config`, logging, bind, serve; plus `healthcheck`.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use cos_mock::config::{AuthMode, Config, LogFormat, TlsListen};
use cos_mock::server::Listener;
use cos_mock::tls::CertSource;
use cos_mock::transport::Transport;

#[derive(Parser, Debug)]
#[command(
    name = "cos-mock",
    version,
    about = "A local Tencent Cloud COS server for integration tests"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    opts: Opts,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the server in the foreground (the default).
    Serve,
    /// Exit 0 when the server answers its health endpoint.
    Healthcheck {
        /// Server URL (default: the configured listen address).
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
struct Opts {
    /// Address to serve; port 0 picks a free port.
    #[arg(
        long,
        env = "COS_MOCK_LISTEN",
        default_value = "127.0.0.1:9400",
        global = true
    )]
    listen: SocketAddr,
    /// JSON file with accounts, sub-accounts, keys and buckets to create at start.
    #[arg(long, env = "COS_MOCK_CONFIG", global = true)]
    config: Option<String>,
    /// Region used when the Host names none.
    #[arg(long, env = "COS_MOCK_REGION", global = true)]
    region: Option<String>,
    /// `enforce`: signatures and permissions are checked; `off`: anything goes, as the default root.
    #[arg(
        long,
        env = "COS_MOCK_AUTH",
        value_enum,
        default_value = "enforce",
        global = true
    )]
    auth: AuthArg,
    /// Bucket for requests whose Host and path name none.
    #[arg(long, env = "COS_MOCK_DEFAULT_BUCKET", global = true)]
    default_bucket: Option<String>,
    /// `pretty` or `json` (one JSON object per request).
    #[arg(
        long,
        env = "COS_MOCK_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    log_format: LogArg,
    /// Seconds a signature's start may lie in the future before RequestTimeTooSkewed.
    #[arg(
        long,
        env = "COS_MOCK_CLOCK_SKEW",
        default_value_t = 900,
        global = true
    )]
    clock_skew: u64,
    /// Also serve HTTPS on this address (e.g. for node's qcloud-cos-sts, which only speaks https);
    /// with it, CONNECT tunnels through the plain listener are served over TLS too.
    #[arg(long, env = "COS_MOCK_TLS_LISTEN", global = true)]
    tls_listen: Option<SocketAddr>,
    /// PEM certificate (chain) for --tls-listen; without it a local CA is made at start.
    #[arg(long, env = "COS_MOCK_TLS_CERT", requires = "tls_key", global = true)]
    tls_cert: Option<String>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "COS_MOCK_TLS_KEY", requires = "tls_cert", global = true)]
    tls_key: Option<String>,
    /// Write the local CA certificate (PEM) here, for clients to trust (python `verify=`/
    /// REQUESTS_CA_BUNDLE, node NODE_EXTRA_CA_CERTS); it signs the certificates of --tls-listen
    /// and of CONNECT tunnels.
    #[arg(
        long,
        env = "COS_MOCK_TLS_CERT_OUT",
        conflicts_with = "tls_cert",
        global = true
    )]
    tls_cert_out: Option<String>,
    /// Largest bucket policy accepted, in bytes.
    #[arg(long, env = "COS_MOCK_POLICY_MAX_BYTES", default_value_t = cos_mock::policy::Limits::BUCKET_MAX_BYTES, global = true)]
    policy_max_bytes: usize,
    /// Require `Authorization: Bearer TOKEN` on the admin API (/_cos-mock/*, but health).
    #[arg(
        long,
        env = "COS_MOCK_ADMIN_TOKEN",
        global = true,
        hide_env_values = true
    )]
    admin_token: Option<String>,
    /// How many requests GET /_cos-mock/requests keeps.
    #[arg(
        long,
        env = "COS_MOCK_JOURNAL_SIZE",
        default_value_t = 1000,
        global = true
    )]
    journal_size: usize,
    /// Seconds (or e.g. `500ms`) a client has to send a complete request head: from the accept on a
    /// new connection, from the head's first byte on a kept-alive one; then the connection is
    /// dropped (slowloris). 0 turns it off.
    #[arg(long, env = "COS_MOCK_HEADER_READ_TIMEOUT", default_value = "30", value_parser = timeout, global = true)]
    header_read_timeout: Timeout,
    /// Seconds the server waits for the next byte of a request body; then the request fails with
    /// 400 RequestTimeout and the connection closes (a body shorter than its Content-Length ends
    /// so). 0 turns it off.
    #[arg(long, env = "COS_MOCK_BODY_IDLE_TIMEOUT", default_value = "30", value_parser = timeout, global = true)]
    body_idle_timeout: Timeout,
    /// Seconds a kept-alive connection may wait idle for its next request before it is closed.
    /// 0 turns it off.
    #[arg(long, env = "COS_MOCK_KEEP_ALIVE_TIMEOUT", default_value = "60", value_parser = timeout, global = true)]
    keep_alive_timeout: Timeout,
    /// Connections served at once (default 4096, or the open-file limit less 64 when lower). Past
    /// it a connection answers one request, the health check as usual and anything else 503
    /// SlowDown, then closes; reaching the cap is logged once.
    #[arg(long, env = "COS_MOCK_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..), global = true)]
    max_connections: Option<u64>,
    /// Seconds requests in flight may run on after SIGTERM/SIGINT; those still running then are
    /// cut, logged, and the exit code is 1.
    #[arg(long, env = "COS_MOCK_SHUTDOWN_GRACE", default_value = "10", value_parser = timeout, global = true)]
    shutdown_grace: Timeout,
}

/// A duration flag's value: seconds, fractions of them, or with `ms`/`s`; `0` is none.
#[derive(Clone, Copy, Debug)]
struct Timeout(Option<std::time::Duration>);

fn timeout(text: &str) -> Result<Timeout, String> {
    cos_mock::transport::parse_duration(text).map(Timeout)
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum AuthArg {
    Enforce,
    Off,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum LogArg {
    Pretty,
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let config = match build_config(&cli.opts) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("cos-mock: {msg}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cos-mock: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Some(Command::Healthcheck { url }) => runtime.block_on(healthcheck(url, config.listen)),
        None | Some(Command::Serve) => runtime.block_on(run(config)),
    }
}

fn build_config(o: &Opts) -> Result<Config, String> {
    let mut config = Config {
        listen: o.listen,
        auth: match o.auth {
            AuthArg::Enforce => AuthMode::Enforce,
            AuthArg::Off => AuthMode::Off,
        },
        default_bucket: o.default_bucket.clone(),
        log_format: match o.log_format {
            LogArg::Pretty => LogFormat::Pretty,
            LogArg::Json => LogFormat::Json,
        },
        clock_skew: std::time::Duration::from_secs(o.clock_skew),
        journal_size: o.journal_size,
        policy_max_bytes: o.policy_max_bytes,
        admin_token: o.admin_token.clone().filter(|t| !t.is_empty()),
        tls: o.tls_listen.map(|listen| TlsListen {
            listen,
            cert: match (&o.tls_cert, &o.tls_key) {
                (Some(cert), Some(key)) => CertSource::Files {
                    cert: cert.clone(),
                    key: key.clone(),
                },
                _ => CertSource::SelfSigned {
                    out: o.tls_cert_out.clone(),
                },
            },
        }),
        transport: Transport {
            header_read: o.header_read_timeout.0,
            body_idle: o.body_idle_timeout.0,
            keep_alive: o.keep_alive_timeout.0,
            max_connections: o
                .max_connections
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
                .unwrap_or_else(Transport::default_max_connections),
            shutdown_grace: o.shutdown_grace.0.unwrap_or_default(),
        },
        ..Config::default()
    };
    if let Some(region) = &o.region {
        config.region = region.clone();
    }
    if let Some(path) = &o.config {
        config.load_file(path, o.region.is_some())?;
    }
    if let Some(bucket) = &config.default_bucket {
        if let Err(e) = cos_mock::store::validate_bucket_name(bucket) {
            return Err(format!(
                "--default-bucket {bucket}: expected <name>-<appid>: {}",
                e.message
            ));
        }
    }
    Ok(config)
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COS_MOCK_LOG")
        .unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(cos_mock::log_sink::LogSink::stderr())
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init(),
        LogFormat::Pretty => builder.compact().init(),
    }
}

async fn run(config: Config) -> ExitCode {
    init_logging(config.log_format);
    let state = match cos_mock::AppState::new(config.clone()) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("cos-mock: --config: {msg}");
            return ExitCode::from(2);
        }
    };
    let (listener, local) = match cos_mock::server::bind(config.listen).await {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("cos-mock: --listen {}: {e}", config.listen);
            return ExitCode::from(2);
        }
    };
    let mut listeners = vec![Listener {
        tcp: listener,
        tls: None,
    }];
    if let Some(tls) = &config.tls {
        let acceptor = match cos_mock::tls::acceptor(&tls.cert) {
            Ok(a) => a,
            Err(msg) => {
                eprintln!("cos-mock: {msg}");
                return ExitCode::from(2);
            }
        };
        match cos_mock::server::bind(tls.listen).await {
            Ok((tcp, addr)) => {
                eprintln!("cos-mock tls on https://{addr}");
                listeners.push(Listener {
                    tcp,
                    tls: Some(acceptor),
                });
            }
            Err(e) => {
                eprintln!("cos-mock: --tls-listen {}: {e}", tls.listen);
                return ExitCode::from(2);
            }
        }
    }
    eprintln!("cos-mock ready on http://{local}");
    let served = cos_mock::server::serve_all(listeners, state, shutdown_signal()).await;
    // The last request lines before the closing ones.
    cos_mock::log_sink::flush();
    match served {
        Ok(stopped) if stopped.cut.is_empty() => ExitCode::SUCCESS,
        Ok(stopped) => {
            eprintln!(
                "cos-mock: exiting 1: {} request(s) were cut at the end of the shutdown grace",
                stopped.cut.len()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cos-mock: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    cos_mock::log_sink::flush();
    eprintln!("cos-mock: shutting down");
}

/// `GET <url>/_cos-mock/health` over a plain TCP connection (no shell or curl in the image).
async fn healthcheck(url: Option<String>, listen: SocketAddr) -> ExitCode {
    let target = url.unwrap_or_else(|| {
        let addr = if listen.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], listen.port()))
        } else {
            listen
        };
        format!("http://{addr}")
    });
    match cos_mock::server::check_health(&target).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cos-mock healthcheck: {target}: {e}");
            ExitCode::FAILURE
        }
    }
}
