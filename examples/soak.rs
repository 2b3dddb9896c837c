//! Soak test (README, "Soak test"; `scripts/soak.sh`): a release `cos-mock` child on 127.0.0.1 and
//! `--clients` concurrent signed clients (the bench's load code) for `--seconds`, each mixing PUT,
//! GET, DELETE, PUT `?acl`, PUT/GET/DELETE `?policy` and listings over a few shared keys (every
//! client writes them) and a few keys of its own. It checks:
//!
//! - no 5xx, no request without an answer, no status outside what the operation may answer;
//! - no torn write: every GET returns a body some writer wrote whole (`soak k=<key> w=<writer>
//!   s=<seq> n=<len> sha=<sha256>` then the payload, checked against its length and digest, for
//!   this key, with a seq that writer did send);
//! - no lost write: a client's own keys read back exactly its last acknowledged PUT (or 404 after
//!   its DELETE), and its own listing names exactly the keys it holds;
//! - listings consistent: every shared key listed GETs, unless a DELETE of it ran meanwhile;
//! - memory: the load runs in `--phases` (default 2), each ending by deleting everything; after each
//!   cleanup the bucket lists empty and RSS (/proc) is within `--rss-slack-mib` of what it was
//!   before the load, and no later phase ends more than `--rss-growth-mib` above the first (the
//!   allocator keeps part of what was freed once; a leak grows again in every phase).
//!
//! Exits 1 with one line per kind of failure (and a few examples) when any check fails.

#[allow(dead_code)]
#[path = "../src/bin/bench/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "../src/bin/bench/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

use load::{Call, Target};
use server::Server;

const BUCKET: &str = "soak-1250000000";
/// How long one request may take before it counts as unanswered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Parser, Debug)]
#[command(name = "soak", about = "Soak-test a cos-mock server on 127.0.0.1")]
struct Args {
    /// Seconds of load.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Concurrent clients, one keep-alive connection each.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Shared keys every client writes, reads and deletes.
    #[arg(long, default_value_t = 32)]
    shared_keys: usize,
    /// Keys each client alone writes.
    #[arg(long, default_value_t = 4)]
    own_keys: usize,
    /// Largest body, in KiB (one PUT in 50 is this large; the rest are up to 16 KiB).
    #[arg(long, default_value_t = 256)]
    max_body_kib: usize,
    /// How far above its pre-load RSS the server may stay once everything is deleted, in MiB.
    #[arg(long, default_value_t = 32)]
    rss_slack_mib: u64,
    /// Phases the time is split into; each ends by deleting everything and reading RSS.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    phases: u32,
    /// How much RSS after a later phase's cleanup may exceed the first one's, in MiB.
    #[arg(long, default_value_t = 8)]
    rss_growth_mib: u64,
    /// The cos-mock binary (default: target/release/cos-mock beside this example).
    #[arg(long)]
    server: Option<PathBuf>,
    /// PRNG seed (default: from the clock).
    #[arg(long)]
    seed: Option<u64>,
}

/// What every client shares: the server, the writers' highest seq sent, the deletes of each shared
/// key, the failures and the counts.
struct Shared {
    target: Target,
    shared_keys: usize,
    /// Per writer: the highest seq it has sent (a body may name no higher one).
    sent: Vec<AtomicU64>,
    /// Per shared key: DELETEs started, and DELETEs in flight.
    deletes_started: Vec<AtomicU64>,
    deletes_in_flight: Vec<AtomicI64>,
    failures: Mutex<BTreeMap<String, (u64, Vec<String>)>>,
    counts: Mutex<BTreeMap<String, u64>>,
}

impl Shared {
    fn fail(&self, kind: &str, example: String) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = failures.entry(kind.to_string()).or_default();
        entry.0 += 1;
        if entry.1.len() < 3 {
            entry.1.push(example);
        }
    }

    fn count(&self, what: String) {
        *self
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(what)
            .or_default() += 1;
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(soak(&args)) {
        Ok(()) => {
            println!("soak: PASSED");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("soak: FAILED: {msg}");
    ExitCode::FAILURE
}

async fn soak(args: &Args) -> Result<(), String> {
    let binary = server_binary(args)?;
    let server = Server::spawn(&binary, "warn", Duration::from_secs(10))?;
    let shared = Arc::new(Shared {
        target: Target {
            addr: server.addr,
            host: format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com"),
            secret_id: "AKIDCOSMOCKROOT".into(),
            secret_key: "cos-mock-root-secret".into(),
        },
        shared_keys: args.shared_keys,
        sent: (0..args.clients).map(|_| AtomicU64::new(0)).collect(),
        deletes_started: (0..args.shared_keys).map(|_| AtomicU64::new(0)).collect(),
        deletes_in_flight: (0..args.shared_keys).map(|_| AtomicI64::new(0)).collect(),
        failures: Mutex::new(BTreeMap::new()),
        counts: Mutex::new(BTreeMap::new()),
    });
    let mut conn = load::connect(server.addr).await?;
    expect(&shared, &mut conn, ("PUT", "/"), &[200]).await?;
    let rss_start = rss(&server)?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    println!(
        "soak: {} clients, {} s, {} shared keys, {} own keys each, seed {seed}, server {}",
        args.clients,
        args.seconds,
        args.shared_keys,
        args.own_keys,
        binary.display()
    );
    let started = Instant::now();
    let phase_time = Duration::from_secs(args.seconds) / args.phases;
    let mut after_cleanup = Vec::new();
    for phase in 1..=args.phases {
        let stop = Instant::now() + phase_time;
        let clients: Vec<_> = (0..args.clients)
            .map(|me| {
                let client = Client {
                    me,
                    shared: shared.clone(),
                    rng: StdRng::seed_from_u64(seed.wrapping_add((phase as u64) << 32 | me as u64)),
                    own: vec![None; args.own_keys],
                    seq: shared.sent[me].load(Ordering::SeqCst),
                    max_body: args.max_body_kib * 1024,
                };
                tokio::spawn(client.run(stop))
            })
            .collect();
        for c in clients {
            c.await.map_err(|e| format!("a client died: {e}"))?;
        }
        let rss_loaded = rss(&server)?;
        // A fresh connection: the setup one sat idle through the phase, past the keep-alive timeout.
        let mut conn = load::connect(server.addr).await?;
        let left = delete_everything(&shared, &mut conn).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss_end = rss(&server)?;
        println!(
            "soak: phase {phase}: RSS {} MiB at its end, {} MiB after deleting its {left} objects",
            rss_loaded / 1024,
            rss_end / 1024
        );
        after_cleanup.push(rss_end);
    }
    let elapsed = started.elapsed();
    let peak = server.rss_kib().map_or(0, |(_, peak)| peak);
    let rss_end = after_cleanup.last().copied().unwrap_or(rss_start);

    let counts = shared.counts.lock().unwrap_or_else(|e| e.into_inner());
    let total: u64 = counts.values().sum();
    println!(
        "soak: {total} requests in {:.1} s ({:.0}/s)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    for (what, n) in counts.iter() {
        println!("    {what:<28} {n}");
    }
    println!(
        "soak: RSS {} MiB before the load, peak {} MiB, {} MiB after the last cleanup",
        rss_start / 1024,
        peak / 1024,
        rss_end / 1024
    );
    // The allocator keeps some of what the first phase freed; a leak grows again in each phase.
    if let [first, .., last] = after_cleanup[..] {
        let growth = args.rss_growth_mib * 1024;
        if last > first + growth {
            shared.fail(
                "memory grows from phase to phase",
                format!(
                    "RSS after cleanup: {first} KiB after phase 1, {last} KiB after phase {} (> +{} MiB)",
                    args.phases, args.rss_growth_mib
                ),
            );
        }
    }
    let slack = args.rss_slack_mib * 1024;
    if rss_end > rss_start + slack {
        shared.fail(
            "memory not back after deleting everything",
            format!(
                "RSS {} KiB > {} KiB before the load + {} MiB",
                rss_end, rss_start, args.rss_slack_mib
            ),
        );
    }
    let failures = shared.failures.lock().unwrap_or_else(|e| e.into_inner());
    if failures.is_empty() {
        return Ok(());
    }
    for (kind, (n, examples)) in failures.iter() {
        eprintln!("soak: {kind}: {n}");
        for e in examples {
            eprintln!("    {e}");
        }
    }
    Err(format!("{} kinds of failure (above)", failures.len()))
}

/// One client: its connection, its PRNG, what it knows of its own keys, its next seq.
struct Client {
    me: usize,
    shared: Arc<Shared>,
    rng: StdRng,
    /// Per own key: the seq and digest of the last acknowledged PUT, `None` after a DELETE.
    own: Vec<Option<(u64, String)>>,
    seq: u64,
    max_body: usize,
}

impl Client {
    async fn run(mut self, stop: Instant) {
        let mut conn: Option<SendRequest<Full<Bytes>>> = None;
        while Instant::now() < stop {
            let sender = match &mut conn {
                Some(s) => s,
                None => match load::connect(self.shared.target.addr).await {
                    Ok(s) => conn.insert(s),
                    Err(e) => {
                        self.shared.fail("cannot connect", e);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            if self.step(sender).await.is_err() {
                conn = None;
            }
        }
    }

    /// One operation, chosen by weight. `Err` when the connection must be dropped.
    async fn step(&mut self, conn: &mut SendRequest<Full<Bytes>>) -> Result<(), String> {
        let own = !self.own.is_empty() && self.rng.gen_bool(0.3);
        let n = if own {
            self.rng.gen_range(0..self.own.len())
        } else {
            self.rng.gen_range(0..self.shared.shared_keys)
        };
        let key = match own {
            true => format!("/own/{}/{n}", self.me),
            false => format!("/k/{n}"),
        };
        match self.rng.gen_range(0..100) {
            0..=29 => self.put(conn, &key, own.then_some(n)).await,
            30..=64 => self.get(conn, &key, own.then_some(n)).await.map(|_| ()),
            65..=74 => self.delete(conn, &key, own, n).await,
            75..=82 => {
                let acl = ["private", "public-read", "default"][self.rng.gen_range(0..3)];
                let headers = [("x-cos-acl", acl)];
                let query = [("acl", "")];
                let (status, _) = self
                    .send(
                        conn,
                        "PUT ?acl",
                        "PUT",
                        &key,
                        &query,
                        &headers,
                        Bytes::new(),
                    )
                    .await?;
                // A key deleted meanwhile (or never written) has no ACL to set.
                self.expect("PUT ?acl", &key, status, &[200, 404]);
                Ok(())
            }
            83..=88 => self.policy(conn).await,
            89..=94 => self.list_shared(conn).await,
            _ => self.list_own(conn).await,
        }
    }

    async fn put(
        &mut self,
        conn: &mut SendRequest<Full<Bytes>>,
        key: &str,
        own: Option<usize>,
    ) -> Result<(), String> {
        self.seq += 1;
        let len = match self.rng.gen_range(0..50) {
            0 => self.max_body,
            _ => self.rng.gen_range(0..16 * 1024),
        };
        let payload: Vec<u8> = (0..len)
            .map(|_| b'a' + self.rng.gen_range(0..26u8))
            .collect();
        let sha = hex::encode(Sha256::digest(&payload));
        let body = body_of(key, self.me, self.seq, &payload);
        self.shared.sent[self.me].fetch_max(self.seq, Ordering::SeqCst);
        let (status, _) = self
            .send(conn, "PUT", "PUT", key, &[], &[], Bytes::from(body))
            .await?;
        if self.expect("PUT", key, status, &[200]) {
            if let Some(n) = own {
                self.own[n] = Some((self.seq, sha));
            }
        }
        Ok(())
    }

    /// GET and check the body; returns whether the key exists.
    async fn get(
        &mut self,
        conn: &mut SendRequest<Full<Bytes>>,
        key: &str,
        own: Option<usize>,
    ) -> Result<bool, String> {
        let (status, body) = self
            .send(conn, "GET", "GET", key, &[], &[], Bytes::new())
            .await?;
        if !self.expect("GET", key, status, &[200, 404]) {
            return Ok(false);
        }
        let found = match status {
            200 => match check_body(key, &body, &self.shared.sent) {
                Ok(found) => Some(found),
                Err(why) => {
                    self.shared
                        .fail("torn or foreign body", format!("GET {key}: {why}"));
                    return Ok(true);
                }
            },
            _ => None,
        };
        if let Some(n) = own {
            let want = self.own[n].as_ref().map(|(s, _)| *s);
            let got = found.map(|(_, s)| s);
            if want != got {
                self.shared.fail(
                    "lost write (own key)",
                    format!("GET {key}: last acknowledged PUT was seq {want:?}, read seq {got:?}"),
                );
            }
        }
        Ok(status == 200)
    }

    async fn delete(
        &mut self,
        conn: &mut SendRequest<Full<Bytes>>,
        key: &str,
        own: bool,
        n: usize,
    ) -> Result<(), String> {
        if !own {
            self.shared.deletes_started[n].fetch_add(1, Ordering::SeqCst);
            self.shared.deletes_in_flight[n].fetch_add(1, Ordering::SeqCst);
        }
        let sent = self
            .send(conn, "DELETE", "DELETE", key, &[], &[], Bytes::new())
            .await;
        if !own {
            self.shared.deletes_in_flight[n].fetch_sub(1, Ordering::SeqCst);
        }
        let (status, _) = sent?;
        if self.expect("DELETE", key, status, &[204]) && own {
            self.own[n] = None;
        }
        Ok(())
    }

    /// PUT, GET or DELETE the bucket policy (anonymous GET of `pub/*`).
    async fn policy(&mut self, conn: &mut SendRequest<Full<Bytes>>) -> Result<(), String> {
        let query = [("policy", "")];
        match self.rng.gen_range(0..3) {
            0 => {
                let doc = format!(
                    r#"{{"version":"2.0","statement":[{{"effect":"allow","principal":{{"qcs":["qcs::cam::anyone:anyone"]}},"action":["name/cos:GetObject"],"resource":["qcs::cos:ap-guangzhou:uid/1250000000:{BUCKET}/pub/{}/*"]}}]}}"#,
                    self.me
                );
                let (status, _) = self
                    .send(
                        conn,
                        "PUT ?policy",
                        "PUT",
                        "/",
                        &query,
                        &[],
                        Bytes::from(doc),
                    )
                    .await?;
                self.expect("PUT ?policy", "/", status, &[200, 204]);
            }
            1 => {
                let (status, body) = self
                    .send(conn, "GET ?policy", "GET", "/", &query, &[], Bytes::new())
                    .await?;
                if self.expect("GET ?policy", "/", status, &[200, 404])
                    && status == 200
                    && serde_json::from_slice::<serde_json::Value>(&body).is_err()
                {
                    self.shared
                        .fail("torn policy", String::from_utf8_lossy(&body).into_owned());
                }
            }
            _ => {
                let (status, _) = self
                    .send(
                        conn,
                        "DELETE ?policy",
                        "DELETE",
                        "/",
                        &query,
                        &[],
                        Bytes::new(),
                    )
                    .await?;
                self.expect("DELETE ?policy", "/", status, &[204]);
            }
        }
        Ok(())
    }

    /// Lists the shared keys; a few listed ones must GET, unless a DELETE of them ran meanwhile.
    async fn list_shared(&mut self, conn: &mut SendRequest<Full<Bytes>>) -> Result<(), String> {
        let before: Vec<(u64, i64)> = (0..self.shared.shared_keys)
            .map(|n| {
                (
                    self.shared.deletes_started[n].load(Ordering::SeqCst),
                    self.shared.deletes_in_flight[n].load(Ordering::SeqCst),
                )
            })
            .collect();
        let Some(keys) = self.list(conn, "k/").await? else {
            return Ok(());
        };
        for _ in 0..keys.len().min(3) {
            let key = keys[self.rng.gen_range(0..keys.len())].clone();
            let Some(n) = key.strip_prefix("k/").and_then(|n| n.parse::<usize>().ok()) else {
                self.shared.fail("listing names an unknown key", key);
                continue;
            };
            if n >= before.len() {
                self.shared.fail("listing names an unknown key", key);
                continue;
            }
            if !self.get(conn, &format!("/{key}"), None).await? {
                let deleted = self.shared.deletes_started[n].load(Ordering::SeqCst) > before[n].0
                    || before[n].1 > 0;
                if !deleted {
                    self.shared.fail(
                        "listed key does not GET",
                        format!("{key} listed, GET 404, and no DELETE of it ran meanwhile"),
                    );
                }
            }
        }
        Ok(())
    }

    /// Lists this client's own keys: exactly those it holds.
    async fn list_own(&mut self, conn: &mut SendRequest<Full<Bytes>>) -> Result<(), String> {
        let prefix = format!("own/{}/", self.me);
        let Some(mut listed) = self.list(conn, &prefix).await? else {
            return Ok(());
        };
        listed.sort();
        let mut held: Vec<String> = (0..self.own.len())
            .filter(|&n| self.own[n].is_some())
            .map(|n| format!("{prefix}{n}"))
            .collect();
        held.sort();
        if listed != held {
            self.shared.fail(
                "own listing differs from the acknowledged writes",
                format!("listed {listed:?}, held {held:?}"),
            );
        }
        Ok(())
    }

    /// The keys of one listing page (at most 1000) under `prefix`; `None` after a failure.
    async fn list(
        &mut self,
        conn: &mut SendRequest<Full<Bytes>>,
        prefix: &str,
    ) -> Result<Option<Vec<String>>, String> {
        let query = [("prefix", prefix), ("max-keys", "1000")];
        let (status, body) = self
            .send(conn, "GET Bucket", "GET", "/", &query, &[], Bytes::new())
            .await?;
        if !self.expect("GET Bucket", prefix, status, &[200]) {
            return Ok(None);
        }
        match keys_of(&body) {
            Ok(keys) => Ok(Some(keys)),
            Err(why) => {
                self.shared.fail("listing is not well formed", why);
                Ok(None)
            }
        }
    }

    /// Sends one signed request; counts it under `label`. An unanswered request is a failure and
    /// drops the connection.
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        conn: &mut SendRequest<Full<Bytes>>,
        label: &str,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<(u16, Bytes), String> {
        let req = self.shared.target.request(&Call {
            method,
            path,
            query,
            headers,
            body,
        });
        match exchange(conn, req).await {
            Ok((status, body)) => {
                self.shared.count(format!("{label} {status}"));
                Ok((status, body))
            }
            Err(e) => {
                self.shared
                    .fail("no answer", format!("{label} {path}: {e}"));
                Err(e)
            }
        }
    }

    /// Whether `status` is one `op` may answer; a 5xx or another status is a failure.
    fn expect(&self, op: &str, key: &str, status: u16, allowed: &[u16]) -> bool {
        if allowed.contains(&status) {
            return true;
        }
        let kind = if status >= 500 {
            "5xx"
        } else {
            "unexpected status"
        };
        self.shared.fail(kind, format!("{op} {key}: {status}"));
        false
    }
}

/// The header line of a body: `soak k=<key> w=<writer> s=<seq> n=<len> sha=<sha256 of payload>`.
fn body_of(key: &str, writer: usize, seq: u64, payload: &[u8]) -> Vec<u8> {
    let sha = hex::encode(Sha256::digest(payload));
    let n = payload.len();
    let mut body = format!("soak k={key} w={writer} s={seq} n={n} sha={sha}\n").into_bytes();
    body.extend_from_slice(payload);
    body
}

/// Checks a body read from `key` against its header: written for this key, whole (length and
/// digest), by a writer that sent that seq (`sent`: each writer's highest). Returns (writer, seq).
fn check_body(key: &str, body: &[u8], sent: &[AtomicU64]) -> Result<(usize, u64), String> {
    let nl = body
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("no header line")?;
    let head = std::str::from_utf8(&body[..nl]).map_err(|_| "header not UTF-8")?;
    let payload = &body[nl + 1..];
    let field = |name: &str| {
        head.split(' ')
            .find_map(|f| f.strip_prefix(name))
            .ok_or_else(|| format!("header {head:?} has no {name}"))
    };
    if field("k=")? != key {
        return Err(format!("body written for another key: {head:?}"));
    }
    let writer: usize = field("w=")?.parse().map_err(|_| "bad w=")?;
    let seq: u64 = field("s=")?.parse().map_err(|_| "bad s=")?;
    let len: usize = field("n=")?.parse().map_err(|_| "bad n=")?;
    if payload.len() != len {
        return Err(format!("{head:?}: payload is {} bytes", payload.len()));
    }
    if hex::encode(Sha256::digest(payload)) != field("sha=")? {
        return Err(format!("{head:?}: payload digest differs"));
    }
    let highest = sent.get(writer).map(|s| s.load(Ordering::SeqCst));
    if highest.is_none_or(|s| seq > s) {
        return Err(format!("{head:?}: writer {writer} never sent seq {seq}"));
    }
    Ok((writer, seq))
}

/// Sends one request on `sender` and reads the whole answer.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    req: hyper::Request<Full<Bytes>>,
) -> Result<(u16, Bytes), String> {
    let ask = async {
        sender.ready().await.map_err(|e| e.to_string())?;
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, body))
    };
    tokio::time::timeout(REQUEST_TIMEOUT, ask)
        .await
        .map_err(|_| "timeout".to_string())?
}

/// The `<Key>`s of a ListBucketResult, checked to be well-formed XML.
fn keys_of(body: &[u8]) -> Result<Vec<String>, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).map_err(|_| "listing is not UTF-8".to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut keys = Vec::new();
    let mut in_key = false;
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("{e}: {text:.200}"))?
        {
            Event::Start(e) if e.name().as_ref() == b"Key" => in_key = true,
            Event::End(e) if e.name().as_ref() == b"Key" => in_key = false,
            Event::Text(t) if in_key => {
                keys.push(t.unescape().map_err(|e| e.to_string())?.into_owned())
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(keys)
}

/// Deletes every object (listing page by page) and the policy; checks the bucket lists empty after.
async fn delete_everything(
    shared: &Shared,
    conn: &mut SendRequest<Full<Bytes>>,
) -> Result<usize, String> {
    let mut deleted = 0;
    loop {
        let (status, body) = call(
            shared,
            conn,
            "GET",
            "/",
            &[("max-keys", "1000")],
            Bytes::new(),
        )
        .await?;
        if status != 200 {
            return Err(format!("cleanup: GET Bucket answered {status}"));
        }
        let keys = keys_of(&body)?;
        if keys.is_empty() {
            break;
        }
        for key in &keys {
            let (status, _) = call(
                shared,
                conn,
                "DELETE",
                &format!("/{key}"),
                &[],
                Bytes::new(),
            )
            .await?;
            if status != 204 {
                return Err(format!("cleanup: DELETE /{key} answered {status}"));
            }
        }
        deleted += keys.len();
        if deleted > 10_000_000 {
            return Err("cleanup: the listing never ends".into());
        }
    }
    call(shared, conn, "DELETE", "/", &[("policy", "")], Bytes::new()).await?;
    Ok(deleted)
}

async fn call(
    shared: &Shared,
    conn: &mut SendRequest<Full<Bytes>>,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Bytes,
) -> Result<(u16, Bytes), String> {
    let req = shared.target.request(&Call {
        method,
        path,
        query,
        headers: &[],
        body,
    });
    exchange(conn, req).await
}

/// One setup request that must answer one of `allowed`.
async fn expect(
    shared: &Shared,
    conn: &mut SendRequest<Full<Bytes>>,
    (method, path): (&str, &str),
    allowed: &[u16],
) -> Result<(), String> {
    let (status, body) = call(shared, conn, method, path, &[], Bytes::new()).await?;
    match allowed.contains(&status) {
        true => Ok(()),
        false => Err(format!(
            "setup: {method} {path} answered {status}: {}",
            String::from_utf8_lossy(&body)
        )),
    }
}

fn rss(server: &Server) -> Result<u64, String> {
    server
        .rss_kib()
        .map(|(rss, _)| rss)
        .ok_or_else(|| "cannot read the server's RSS from /proc".to_string())
}

fn server_binary(args: &Args) -> Result<PathBuf, String> {
    if let Some(path) = &args.server {
        return Ok(path.clone());
    }
    // target/release/examples/soak → target/release/cos-mock
    let me = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    let dir = me
        .parent()
        .and_then(|p| p.parent())
        .ok_or("cannot find the target directory")?;
    Ok(dir.join(format!("cos-mock{}", std::env::consts::EXE_SUFFIX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(highest: &[u64]) -> Vec<AtomicU64> {
        highest.iter().map(|&s| AtomicU64::new(s)).collect()
    }

    #[test]
    fn check_body_accepts_a_whole_body_and_names_its_writer() {
        let body = body_of("/k/1", 1, 7, b"payload");
        assert_eq!(check_body("/k/1", &body, &sent(&[0, 7])), Ok((1, 7)));
    }

    #[test]
    fn check_body_rejects_torn_foreign_and_unsent_bodies() {
        let body = body_of("/k/1", 1, 7, b"payload");
        let torn = &body[..body.len() - 1];
        assert!(check_body("/k/1", torn, &sent(&[0, 7]))
            .unwrap_err()
            .contains("payload is"));
        let mut mixed = body.clone();
        *mixed.last_mut().unwrap() = b'X';
        assert!(check_body("/k/1", &mixed, &sent(&[0, 7]))
            .unwrap_err()
            .contains("digest"));
        assert!(check_body("/k/2", &body, &sent(&[0, 7]))
            .unwrap_err()
            .contains("another key"));
        assert!(check_body("/k/1", &body, &sent(&[0, 6]))
            .unwrap_err()
            .contains("never sent"));
        assert!(check_body("/k/1", &body, &sent(&[0])).is_err());
        assert!(check_body("/k/1", b"no header", &sent(&[0])).is_err());
    }

    #[test]
    fn keys_of_reads_escaped_keys_and_rejects_broken_xml() {
        let xml = b"<ListBucketResult><Contents><Key>a&amp;b</Key></Contents><Contents><Key>k/1</Key></Contents></ListBucketResult>";
        assert_eq!(keys_of(xml).unwrap(), ["a&b", "k/1"]);
        assert!(keys_of(b"<ListBucketResult><Key>a\x00</Key></Oops>").is_err());
    }
}
