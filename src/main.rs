//! The `cos-mock` binary: flags and environment → `Config`, logging, bind, serve; plus `healthcheck`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use cos_mock::config::{AuthMode, Config, LogFormat, TlsListen};
use cos_mock::logging::notice;
use cos_mock::server::Listener;
use cos_mock::tls::CertSource;
use cos_mock::transport::Transport;
use tracing::Level;

/// `cos-mock [OPTIONS]` and `cos-mock serve [OPTIONS]` serve; `cos-mock healthcheck` takes only its own
/// options. Server flags written before a subcommand (`cos-mock --listen ADDR serve`, as when they
/// were global) still count: see [`Parsed::from_args`].
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
    Serve(Box<Opts>),
    /// Exit 0 when the server answers its health endpoint.
    Healthcheck(HealthOpts),
}

#[derive(clap::Args, Debug)]
struct HealthOpts {
    /// Server URL [default: http:// and --listen, with 127.0.0.1 (::1) for 0.0.0.0 ([::])].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The address the server was told to listen on (its --listen or COS_MOCK_LISTEN). Without it,
    /// the --listen of a cos-mock server that is the container's first process counts first.
    #[arg(long, env = "COS_MOCK_LISTEN", default_value = "127.0.0.1:9400", value_name = "ADDR", value_parser = listen)]
    listen: SocketAddr,
    /// Whether --listen was on the command line (not from the environment or the default).
    #[arg(skip)]
    listen_given: bool,
}

#[derive(clap::Args, Debug)]
struct Opts {
    /// Address to serve: IP:PORT, [IPv6]:PORT, or :PORT, PORT, localhost:PORT for 127.0.0.1:PORT;
    /// port 0 picks a free port (the ready line shows it).
    #[arg(long, env = "COS_MOCK_LISTEN", default_value = "127.0.0.1:9400", value_name = "ADDR", value_parser = listen)]
    listen: SocketAddr,
    /// JSON file with accounts, sub-accounts, keys and buckets to create at start.
    #[arg(long, env = "COS_MOCK_CONFIG")]
    config: Option<String>,
    /// Region used when the Host names none.
    #[arg(long, env = "COS_MOCK_REGION")]
    region: Option<String>,
    /// `enforce`: signatures and permissions are checked; `off`: anything goes, as the default root.
    #[arg(long, env = "COS_MOCK_AUTH", value_enum, default_value = "enforce")]
    auth: AuthArg,
    /// Bucket for requests whose Host and path name none.
    #[arg(long, env = "COS_MOCK_DEFAULT_BUCKET")]
    default_bucket: Option<String>,
    /// `pretty`, or `json`: every line on stderr one JSON object (requests, the ready line, errors).
    #[arg(
        long,
        env = "COS_MOCK_LOG_FORMAT",
        value_enum,
        default_value = "pretty"
    )]
    log_format: LogArg,
    /// Seconds a signature's start may lie in the future before RequestTimeTooSkewed.
    #[arg(long, env = "COS_MOCK_CLOCK_SKEW", default_value_t = 900)]
    clock_skew: u64,
    /// Also serve HTTPS on this address (e.g. for node's qcloud-cos-sts, which only speaks https);
    /// with it, CONNECT tunnels through the plain listener are served over TLS too.
    #[arg(long, env = "COS_MOCK_TLS_LISTEN", value_name = "ADDR", value_parser = listen)]
    tls_listen: Option<SocketAddr>,
    /// PEM certificate (chain) for --tls-listen; without it a local CA is made at start.
    #[arg(long, env = "COS_MOCK_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<String>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "COS_MOCK_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<String>,
    /// Write the local CA certificate (PEM) here, for clients to trust (python `verify=`/
    /// REQUESTS_CA_BUNDLE, node NODE_EXTRA_CA_CERTS); it signs the certificates of --tls-listen
    /// and of CONNECT tunnels.
    #[arg(long, env = "COS_MOCK_TLS_CERT_OUT", conflicts_with = "tls_cert")]
    tls_cert_out: Option<String>,
    /// Largest bucket policy accepted, in bytes.
    #[arg(long, env = "COS_MOCK_POLICY_MAX_BYTES", default_value_t = cos_mock::policy::Limits::BUCKET_MAX_BYTES)]
    policy_max_bytes: usize,
    /// Require `Authorization: Bearer TOKEN` on the admin API (/_cos-mock/*, but health and the
    /// dashboard page, which asks for the token).
    #[arg(long, env = "COS_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// How many requests GET /_cos-mock/requests keeps.
    #[arg(long, env = "COS_MOCK_JOURNAL_SIZE", default_value_t = 1000)]
    journal_size: usize,
    /// Seconds (or e.g. `500ms`) a client has to send a complete request head: from the accept on a
    /// new connection, from the head's first byte on a kept-alive one; then the connection is
    /// dropped (slowloris). 0 turns it off.
    #[arg(long, env = "COS_MOCK_HEADER_READ_TIMEOUT", default_value = "30", value_parser = timeout)]
    header_read_timeout: Timeout,
    /// Seconds the server waits for the next byte of a request body; then the request fails with
    /// 400 RequestTimeout and the connection closes (a body shorter than its Content-Length ends
    /// so). 0 turns it off.
    #[arg(long, env = "COS_MOCK_BODY_IDLE_TIMEOUT", default_value = "30", value_parser = timeout)]
    body_idle_timeout: Timeout,
    /// Seconds a kept-alive connection may wait idle for its next request before it is closed.
    /// 0 turns it off.
    #[arg(long, env = "COS_MOCK_KEEP_ALIVE_TIMEOUT", default_value = "60", value_parser = timeout)]
    keep_alive_timeout: Timeout,
    /// Connections served at once (default 4096, or the open-file limit less 64 when lower). Past
    /// it a connection answers one request, the health check as usual and anything else 503
    /// SlowDown, then closes; reaching the cap is logged once.
    #[arg(long, env = "COS_MOCK_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: Option<u64>,
    /// Seconds requests in flight may run on after SIGTERM/SIGINT; those still running then are
    /// cut, logged, and the exit code is 1.
    #[arg(long, env = "COS_MOCK_SHUTDOWN_GRACE", default_value = "10", value_parser = timeout)]
    shutdown_grace: Timeout,
    /// Keep buckets, objects, configurations, uploads in progress, temporary keys and the clock
    /// in DIR (created if missing), so a restart, even after kill -9, finds them. Default: memory
    /// only.
    #[arg(long, env = "COS_MOCK_DATA_DIR", value_name = "DIR")]
    data_dir: Option<std::path::PathBuf>,
    /// The directory POST /_cos-mock/state/import reads `body_path` files from (paths relative to
    /// it; nothing outside it). Default: none, so imports carry bodies as `body_base64`.
    #[arg(long, env = "COS_MOCK_IMPORT_DIR", value_name = "DIR")]
    import_dir: Option<std::path::PathBuf>,
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
    match Parsed::from_args() {
        Ok(Parsed::Serve(opts)) => serve(&opts),
        Ok(Parsed::Healthcheck(h)) => {
            let format = if env_wants_json() {
                LogFormat::Json
            } else {
                LogFormat::Pretty
            };
            match runtime(format) {
                Some(rt) => rt.block_on(healthcheck(h, format)),
                None => ExitCode::FAILURE,
            }
        }
        Err(e) => {
            let wants_json = e.use_stderr() && args_want_json().unwrap_or_else(env_wants_json);
            if wants_json {
                let text = e.render().to_string();
                notice(LogFormat::Json, Level::ERROR, text.trim_end(), &[]);
            } else {
                let _ = e.print();
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    }
}

/// What the command line asks for.
#[derive(Debug)]
enum Parsed {
    Serve(Box<Opts>),
    Healthcheck(HealthOpts),
}

impl Parsed {
    /// Parses the command line (help texts with [`after_help`]). Server flags before `serve` are
    /// taken when `serve` is given none of its own (flags on both sides are refused, exit 2); a
    /// `--listen` before `healthcheck` is the address it probes unless it is given its own.
    fn from_args() -> Result<Parsed, clap::Error> {
        Parsed::parse(std::env::args_os())
    }

    /// [`Parsed::from_args`] for the given arguments (the first is the program's name).
    fn parse<I, T>(args: I) -> Result<Parsed, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let help = after_help();
        let mut cmd = Cli::command()
            .after_help(help.clone())
            .mut_subcommand("serve", |c| c.after_help(help));
        let matches = cmd.try_get_matches_from_mut(args)?;
        let cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))?;
        let before = from_command_line(&matches);
        Ok(match (cli.command, matches.subcommand()) {
            (Some(Command::Serve(opts)), Some((_, sub))) => {
                match (before, from_command_line(sub)) {
                    (true, true) => {
                        return Err(cmd.error(
                            ErrorKind::ArgumentConflict,
                            "server flags go either before `serve` or after it, not both",
                        ))
                    }
                    (true, false) => Parsed::Serve(Box::new(cli.opts)),
                    _ => Parsed::Serve(opts),
                }
            }
            (Some(Command::Healthcheck(mut h)), Some((_, sub))) => {
                let typed =
                    |m: &ArgMatches| m.value_source("listen") == Some(ValueSource::CommandLine);
                if typed(&matches) && !typed(sub) {
                    h.listen = cli.opts.listen;
                }
                h.listen_given = typed(&matches) || typed(sub);
                Parsed::Healthcheck(h)
            }
            _ => Parsed::Serve(Box::new(cli.opts)),
        })
    }
}

/// Whether any argument of `m` (not of its subcommand) was given on the command line.
fn from_command_line(m: &ArgMatches) -> bool {
    m.ids()
        .any(|id| m.value_source(id.as_str()) == Some(ValueSource::CommandLine))
}

/// The end of `--help` (and `serve --help`): the default identities and region, and the admin API.
fn after_help() -> String {
    use cos_mock::config::*;
    format!(
        "\
Default identity (without --config; a config file replaces the COS account):
  COS  SecretId {DEFAULT_SECRET_ID}  SecretKey {DEFAULT_SECRET_KEY}
       uin {DEFAULT_UIN}, APPID {DEFAULT_APPID} (buckets are named <name>-{DEFAULT_APPID})
  OSS  AccessKeyId {DEFAULT_OSS_ACCESS_KEY_ID}  AccessKeySecret {DEFAULT_OSS_ACCESS_KEY_SECRET}
       uid {DEFAULT_OSS_UID}, region {DEFAULT_OSS_REGION}
Default region: {DEFAULT_REGION} (--region, or the config file's \"region\")

Admin API, on the listen address (by default http://127.0.0.1:9400):
  GET  /_cos-mock/          the dashboard: buckets, policies, objects and requests in a browser
  GET  /_cos-mock/health    200 {{\"status\":\"ok\"}} while serving (never needs --admin-token)
  GET  /_cos-mock/state     buckets and objects, as JSON
  GET  /_cos-mock/requests  the last --journal-size requests, with their access decisions
  POST /_cos-mock/reset     back to the start state (204)
  GET  /_cos-mock/clock     the server clock (POST it to advance or set)
  GET  /_cos-mock/openapi.json  the OpenAPI description of these (filters of /requests included)

Logs go to stderr; COS_MOCK_LOG filters them (default info; warn keeps denials and problems,
debug adds health probes)."
    )
}

/// The last `--log-format` value on the command line, if any says json or pretty.
fn args_want_json() -> Option<bool> {
    let args: Vec<_> = std::env::args_os().collect();
    let mut wants = None;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.to_str() {
            Some("--log-format") => args.get(i + 1).and_then(|v| v.to_str()),
            Some(a) => a.strip_prefix("--log-format="),
            None => None,
        };
        match value {
            Some("json") => wants = Some(true),
            Some("pretty") => wants = Some(false),
            _ => {}
        }
    }
    wants
}

/// `COS_MOCK_LOG_FORMAT=json`: also `healthcheck`, which has no log flags, writes JSON lines then.
fn env_wants_json() -> bool {
    std::env::var_os("COS_MOCK_LOG_FORMAT").is_some_and(|v| v == "json")
}

fn listen(text: &str) -> Result<SocketAddr, String> {
    cos_mock::config::parse_listen(text)
}

fn runtime(format: LogFormat) -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) => {
            let msg = format!("cos-mock: cannot start the runtime: {e}");
            notice(format, Level::ERROR, &msg, &[]);
            None
        }
    }
}

/// Builds the config (its errors exit 2) and serves until a signal.
fn serve(opts: &Opts) -> ExitCode {
    let format = log_format(opts.log_format);
    let config = match build_config(opts) {
        Ok(c) => c,
        Err(msg) => {
            notice(format, Level::ERROR, &format!("cos-mock: {msg}"), &[]);
            return ExitCode::from(2);
        }
    };
    match runtime(format) {
        Some(rt) => rt.block_on(run(config)),
        None => ExitCode::FAILURE,
    }
}

fn log_format(arg: LogArg) -> LogFormat {
    match arg {
        LogArg::Pretty => LogFormat::Pretty,
        LogArg::Json => LogFormat::Json,
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
        log_format: log_format(o.log_format),
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
        data_dir: o.data_dir.clone(),
        import_dir: o.import_dir.clone(),
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

async fn run(config: Config) -> ExitCode {
    let format = config.log_format;
    cos_mock::logging::init(format);
    let fail = |msg: String| {
        notice(format, Level::ERROR, &format!("cos-mock: {msg}"), &[]);
        ExitCode::from(2)
    };
    let state = match cos_mock::AppState::new(config.clone()) {
        Ok(s) => s,
        Err(msg) if msg.starts_with("--data-dir") => return fail(msg),
        Err(msg) => return fail(format!("--config: {msg}")),
    };
    let (listener, local) = match cos_mock::server::bind(config.listen).await {
        Ok(pair) => pair,
        Err(e) => return fail(format!("--listen {}: {e}", config.listen)),
    };
    let mut listeners = vec![Listener {
        tcp: listener,
        tls: None,
    }];
    if let Some(tls) = &config.tls {
        let acceptor = match cos_mock::tls::acceptor(&tls.cert) {
            Ok(a) => a,
            Err(msg) => return fail(msg),
        };
        match cos_mock::server::bind(tls.listen).await {
            Ok((tcp, addr)) => {
                let addr = addr.to_string();
                let msg = format!("cos-mock tls on https://{addr}");
                notice(format, Level::INFO, &msg, &[("addr", &addr)]);
                listeners.push(Listener {
                    tcp,
                    tls: Some(acceptor),
                });
            }
            Err(e) => return fail(format!("--tls-listen {}: {e}", tls.listen)),
        }
    }
    let shutdown = shutdown_signal(format);
    let addr = local.to_string();
    let ready = format!("cos-mock ready on http://{addr}");
    notice(format, Level::INFO, &ready, &[("addr", &addr)]);
    let served = cos_mock::server::serve_all(listeners, state, shutdown).await;
    // The last request lines before the closing ones.
    cos_mock::log_sink::flush();
    match served {
        Ok(stopped) if stopped.cut.is_empty() => ExitCode::SUCCESS,
        Ok(stopped) => {
            let msg = format!(
                "cos-mock: exiting 1: {} request(s) were cut at the end of the shutdown grace",
                stopped.cut.len()
            );
            notice(format, Level::ERROR, &msg, &[]);
            ExitCode::FAILURE
        }
        Err(e) => {
            notice(format, Level::ERROR, &format!("cos-mock: {e}"), &[]);
            ExitCode::FAILURE
        }
    }
}

/// Completes on SIGTERM or SIGINT. The handlers are installed when this is called, not when it is
/// first polled: a signal sent as soon as the ready line shows is then a graceful shutdown, not a kill.
fn shutdown_signal(format: LogFormat) -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let mut signals = {
        use tokio::signal::unix::{signal, SignalKind};
        [SignalKind::terminate(), SignalKind::interrupt()].map(|kind| signal(kind).ok())
    };
    async move {
        #[cfg(unix)]
        {
            let [term, int] = &mut signals;
            tokio::select! {
                _ = received(term) => {}
                _ = received(int) => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        notice(format, Level::INFO, "cos-mock: shutting down", &[]);
    }
}

/// The next delivery of an installed signal; never, for one that could not be installed.
#[cfg(unix)]
async fn received(signal: &mut Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// `GET <url>/_cos-mock/health` over a plain TCP connection (no shell or curl in the image). Without
/// `--url`, the server's listen address: see [`container_server_listen`].
async fn healthcheck(h: HealthOpts, format: LogFormat) -> ExitCode {
    let target = match h.url {
        Some(url) => Ok(url),
        None if h.listen_given => health_url(h.listen),
        None => health_url(container_server_listen().unwrap_or(h.listen)),
    };
    let result = match target {
        Ok(target) => cos_mock::server::check_health(&target)
            .await
            .map_err(|e| format!("{target}: {e}")),
        Err(msg) => Err(msg),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = format!("cos-mock healthcheck: {e}");
            notice(format, Level::ERROR, &msg, &[]);
            ExitCode::FAILURE
        }
    }
}

/// The listen address of the server `healthcheck` probes when given neither `--url` nor `--listen`.
///
/// In a container the HEALTHCHECK runs as a process of its own, with the container's environment
/// (so `COS_MOCK_LISTEN` is seen) but not the server's arguments (so `docker run IMAGE --listen
/// 0.0.0.0:8080` is not). Hence the arguments of the container's first process are read
/// (`/proc/1/cmdline`, readable by every user) and, when it is a cos-mock server (also under an
/// init such as `docker run --init`), parsed like ours: its `--listen`, else the environment, else
/// the default. Outside a container the first process is the system's init: None, and the
/// caller's own `--listen` (environment or default) applies.
fn container_server_listen() -> Option<SocketAddr> {
    listen_in(&std::fs::read("/proc/1/cmdline").ok()?)
}

/// The `--listen` (flag, else environment, else default) of the cos-mock server whose command line
/// is `cmdline`; None when it is no cos-mock server.
fn listen_in(cmdline: &[u8]) -> Option<SocketAddr> {
    match Parsed::parse(server_args(cmdline)?).ok()? {
        Parsed::Serve(opts) => Some(opts.listen),
        Parsed::Healthcheck(_) => None,
    }
}

/// The arguments of a cos-mock server in a `/proc/PID/cmdline` (NUL-separated): from the first one
/// whose file name is `cos-mock` on (wrappers such as tini or docker-init come before it).
fn server_args(cmdline: &[u8]) -> Option<Vec<String>> {
    let args: Vec<String> = cmdline
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let start = args
        .iter()
        .position(|a| a.rsplit('/').next() == Some("cos-mock"))?;
    let mut args = args[start..].to_vec();
    if args.last().is_some_and(String::is_empty) {
        args.pop(); // the terminating NUL
    }
    Some(args)
}

/// `http://ADDR` for a listen address; an unspecified IP is probed on the loopback of its family.
fn health_url(listen: SocketAddr) -> Result<String, String> {
    if listen.port() == 0 {
        return Err(format!(
            "the server listens on {listen} (port 0: a port picked at start); pass --url"
        ));
    }
    let mut addr = listen;
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => addr.set_ip(Ipv4Addr::LOCALHOST.into()),
        IpAddr::V6(ip) if ip.is_unspecified() => addr.set_ip(Ipv6Addr::LOCALHOST.into()),
        _ => {}
    }
    Ok(format!("http://{addr}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `/proc/PID/cmdline`: each argument followed by a NUL.
    fn cmdline(args: &[&str]) -> Vec<u8> {
        args.iter()
            .flat_map(|a| [a.as_bytes(), b"\0"].concat())
            .collect()
    }

    #[test]
    fn server_args_direct_starts_at_the_binary() {
        let args = server_args(&cmdline(&["/cos-mock", "--listen", "0.0.0.0:8080"]));
        assert_eq!(args.unwrap(), ["/cos-mock", "--listen", "0.0.0.0:8080"]);
    }

    #[test]
    fn server_args_under_an_init_skips_the_wrapper() {
        let args = server_args(&cmdline(&["/sbin/docker-init", "--", "/cos-mock", "serve"]));
        assert_eq!(args.unwrap(), ["/cos-mock", "serve"]);
    }

    #[test]
    fn server_args_other_program_is_none() {
        assert_eq!(server_args(&cmdline(&["/sbin/init", "splash"])), None);
        assert_eq!(server_args(&cmdline(&["/usr/bin/cos-mock-bench"])), None);
        assert_eq!(server_args(b""), None);
    }

    #[test]
    fn listen_in_parses_like_the_server() {
        let listen = |args: &[&str]| listen_in(&cmdline(args)).map(|a| a.to_string());
        let got = listen(&["/cos-mock", "--listen", "0.0.0.0:8080"]);
        assert_eq!(got.as_deref(), Some("0.0.0.0:8080"));
        let got = listen(&["cos-mock", "serve", "--listen=[::]:81", "--auth", "off"]);
        assert_eq!(got.as_deref(), Some("[::]:81"));
        let got = listen(&["cos-mock", "--listen", "0.0.0.0:82", "serve"]);
        assert_eq!(got.as_deref(), Some("0.0.0.0:82"));
        let got = listen(&["cos-mock", "--listen", ":83"]);
        assert_eq!(got.as_deref(), Some("127.0.0.1:83"));
        assert_eq!(listen(&["/x/cos-mock", "healthcheck"]), None);
        assert_eq!(listen(&["/cos-mock", "--no-such-flag"]), None);
        // Whatever PID 1's command line holds, a probe never panics: no server, no address.
        assert_eq!(listen(&["/cos-mock", "--listen", "nonsense"]), None);
        assert_eq!(listen(&["/cos-mock", "--listen"]), None);
        assert_eq!(listen_in(b""), None);
        assert_eq!(listen_in(b"\0\0\0"), None);
        assert_eq!(listen_in(b"/cos-mock\0--listen\0\xff\xfe:80\0"), None);
    }

    #[test]
    fn health_url_unspecified_ip_probes_loopback() {
        let url = |s: &str| health_url(s.parse().unwrap());
        assert_eq!(url("0.0.0.0:9400").unwrap(), "http://127.0.0.1:9400");
        assert_eq!(url("[::]:9400").unwrap(), "http://[::1]:9400");
        assert_eq!(url("10.1.2.3:80").unwrap(), "http://10.1.2.3:80");
        assert!(url("0.0.0.0:0").unwrap_err().contains("--url"));
    }
}
