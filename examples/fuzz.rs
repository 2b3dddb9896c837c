//! A mutation fuzzer on stable Rust for the parsers that read client input (`cos_mock::fuzzing`).
//!
//! For each target: replay every file of `fuzz/corpus/<target>/` (the seeds and the regression
//! inputs), then, until the time is up, take a corpus entry, stack a few mutations (bit flips, byte
//! insert/delete/duplicate, splices with other entries, dictionary tokens, long repeats) and call the
//! parser under `catch_unwind`. A panic is reported and its input saved as
//! `fuzz/crashes/<target>/crash-<hash>` (one file per panic location); an input slower than
//! `--slow-ms` as `slow-<hash>`. Inputs that give an outcome label never seen before join the live
//! corpus (the only feedback: there is no coverage instrumentation on stable). Exit status 1 when any
//! input panicked. `scripts/fuzz.sh` builds and runs it.
//!
//! ```text
//! cargo run --release --example fuzz -- --seconds 60 cors delete
//! cargo run --release --example fuzz -- --list
//! ```

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Parser;
use cos_mock::fuzzing::{Target, TARGETS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Parser, Debug)]
#[command(
    name = "fuzz",
    about = "Mutation-fuzz cos-mock's parsers (stable Rust)"
)]
struct Args {
    /// Seconds per target (after the corpus replay).
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// PRNG seed (default: from the clock); printed so a run can be repeated.
    #[arg(long)]
    seed: Option<u64>,
    /// Largest input the mutator builds, in bytes.
    #[arg(long, default_value_t = 8192)]
    max_len: usize,
    /// An input slower than this is saved as `slow-*` (and counted, not failed).
    #[arg(long, default_value_t = 250)]
    slow_ms: u64,
    /// The corpus root (one directory per target).
    #[arg(long, default_value = "fuzz/corpus")]
    corpus: PathBuf,
    /// Where crashing and slow inputs are written (one directory per target).
    #[arg(long, default_value = "fuzz/crashes")]
    crashes: PathBuf,
    /// List the targets and exit.
    #[arg(long)]
    list: bool,
    /// Targets to run (default: all).
    targets: Vec<String>,
}

/// Tokens every target gets, then each target's own.
const DICT: &[&str] = &[
    "<",
    "</",
    ">",
    "/>",
    "<!DOCTYPE x>",
    "<!DOCTYPE x [<!ENTITY e \"x\">]>",
    "&e;",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&",
    "%",
    "%00",
    "%ff",
    "%2F",
    "\"",
    "'",
    "=",
    "<![CDATA[",
    "]]>",
    "<?xml version=\"1.0\"?>",
    "<?",
    "?>",
    "<!--",
    "-->",
    " a='1'",
    "xmlns=\"http://x\"",
    "\u{0}",
    "\u{feff}",
    "\u{1f600}",
    "\r\n",
    "\n",
    "\t",
    "-1",
    "0",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999",
    "1e308",
    "null",
    "true",
    "[]",
    "{}",
    ":",
    ";",
    ",",
    "*",
    "?",
    "/",
    "//",
    "/./",
    "/../",
    "+",
];

/// Most distinct outcome labels one target keeps (a few MB); past it no input joins the corpus by
/// a new label.
const MAX_LABELS: usize = 65_536;

/// Bytes of a label kept.
const MAX_LABEL_BYTES: usize = 256;

fn dictionary(target: &str) -> &'static [&'static str] {
    match target {
        "route" => &[
            "GET / HTTP/1.1\r\n", "PUT ", "POST ", "DELETE ", "OPTIONS ", "HEAD ",
            "Host: examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com\r\n",
            "Host: examplebucket.oss-cn-hangzhou.aliyuncs.com\r\n", "Host: service.cos.myqcloud.com\r\n",
            "Host: sts.tencentcloudapi.com\r\n", "Host: 127.0.0.1:9400\r\n", "/_cos-mock/", "?acl", "?policy",
            "?uploads", "?uploadId=1", "?delete", "?cors", "?lifecycle", "?tagging", "?versioning",
            "?versions", "?encryption", "?append&position=0", "&partNumber=1", "&versionId=",
            "q-sign-algorithm=sha1&q-ak=", "Authorization: ", "OSS ", "OSS4-HMAC-SHA256 Credential=",
            "x-cos-security-token: ", "Content-Type: multipart/form-data\r\n", "X-TC-Action: AssumeRole\r\n",
            "x-oss-date: 20261130T000000Z\r\n", "OSSAccessKeyId=", "x-oss-signature-version=OSS4-HMAC-SHA256",
        ],
        "cos-sign" => &[
            "q-sign-algorithm=", "sha1", "&q-ak=", "&q-sign-time=", "&q-key-time=", "&q-header-list=",
            "&q-url-param-list=", "&q-signature=", "1795337116;1795347176", ";", "host", "content-length",
            "x-cos-security-token",
        ],
        "oss-sign" => &[
            "OSS ", "OSS4-HMAC-SHA256 ", "Credential=", "/20261130/cn-hangzhou/oss/aliyun_v4_request",
            ",AdditionalHeaders=", ",Signature=", "OSSAccessKeyId=", "&Expires=", "&Signature=",
            "x-oss-signature-version=OSS4-HMAC-SHA256", "&x-oss-credential=", "&x-oss-date=", "&x-oss-expires=",
            "&x-oss-signature=", "x-oss-date: ", "20261130T000000Z", "Date: Mon, 30 Nov 2026 00:00:00 GMT",
        ],
        "policy" | "oss-policy" | "post-policy" => &[
            "\"Statement\"", "\"statement\"", "\"Version\"", "\"version\":\"2.0\"", "\"Effect\"", "\"effect\"",
            "\"allow\"", "\"deny\"", "\"Action\"", "\"action\"", "\"Resource\"", "\"resource\"", "\"Principal\"",
            "\"principal\"", "{\"qcs\":[\"qcs::cam::anyone:anyone\"]}", "\"Condition\"", "\"condition\"",
            "\"IpAddress\"", "\"StringLike\"", "\"StringEquals\"", "\"NumericLessThanEquals\"", "\"Bool\"",
            "\"qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*\"", "\"name/cos:GetObject\"",
            "\"oss:GetObject\"", "\"acs:oss:*:*:bucket/*\"", "\"acs:SourceIp\"", "\"10.0.0.0/8\"", "\"::/0\"",
            "\"expiration\"", "\"2026-12-01T00:00:00.000Z\"", "\"conditions\"", "[\"starts-with\",\"$key\",\"\"]",
            "[\"content-length-range\",0,10]", "{\"bucket\":\"x\"}", "\"*\"",
        ],
        "acl-xml" => &[
            "<AccessControlPolicy>", "</AccessControlPolicy>", "<Owner><ID>qcs::cam::uin/100000000001:uin/100000000001</ID></Owner>",
            "<AccessControlList>", "</AccessControlList>", "<Grant>", "</Grant>",
            "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">",
            "xsi:type=\"Group\"", "<URI>http://cam.qcloud.com/groups/global/AllUsers</URI>", "</Grantee>",
            "<ID>", "</ID>", "<Permission>FULL_CONTROL</Permission>", "<Permission>READ</Permission>",
        ],
        "acl-headers" => &[
            "x-cos-acl: ", "x-cos-grant-read: ", "x-cos-grant-write: ", "x-cos-grant-read-acp: ",
            "x-cos-grant-write-acp: ", "x-cos-grant-full-control: ", "id=\"100000000001\"",
            "id=\"qcs::cam::uin/100000000001:uin/100000000002\"", "uri=\"http://cam.qcloud.com/groups/global/AllUsers\"",
            "private", "public-read", "public-read-write", "default", "authenticated-read", "bucket-owner-full-control",
        ],
        "cors" => &[
            "<CORSConfiguration>", "</CORSConfiguration>", "<CORSRule>", "</CORSRule>", "<ID>", "</ID>",
            "<AllowedOrigin>", "</AllowedOrigin>", "<AllowedMethod>", "</AllowedMethod>", "<AllowedHeader>",
            "</AllowedHeader>", "<ExposeHeader>", "</ExposeHeader>", "<MaxAgeSeconds>", "</MaxAgeSeconds>",
            "<ResponseVary>true</ResponseVary>", "GET", "PUT", "http://*.example.com",
        ],
        "lifecycle" => &[
            "<LifecycleConfiguration>", "</LifecycleConfiguration>", "<Rule>", "</Rule>", "<ID>", "</ID>",
            "<Filter>", "</Filter>", "<Prefix>", "</Prefix>", "<And>", "</And>", "<Tag><Key>k</Key><Value>v</Value></Tag>",
            "<Status>Enabled</Status>", "<Status>Disabled</Status>", "<Expiration>", "</Expiration>", "<Days>",
            "</Days>", "<Date>2026-12-01T00:00:00+08:00</Date>", "<Transition>", "</Transition>",
            "<StorageClass>ARCHIVE</StorageClass>", "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>",
            "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
            "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>",
        ],
        "complete-multipart" => &[
            "<CompleteMultipartUpload>", "</CompleteMultipartUpload>", "<Part>", "</Part>", "<PartNumber>",
            "</PartNumber>", "<ETag>", "</ETag>", "\"d41d8cd98f00b204e9800998ecf8427e\"",
        ],
        "delete" => &[
            "<Delete>", "</Delete>", "<Quiet>true</Quiet>", "<Object>", "</Object>", "<Key>", "</Key>",
            "<VersionId>", "</VersionId>",
        ],
        "post-form" => &[
            "--fuzzboundary\r\n", "--fuzzboundary--\r\n", "Content-Disposition: form-data; name=\"",
            "Content-Disposition: form-data; name=\"file\"; filename=\"", "\"\r\n\r\n", "key", "policy",
            "q-signature", "q-ak", "q-key-time", "q-sign-algorithm", "success_action_status", "${filename}",
            "Content-Type: multipart/form-data; boundary=", "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wMVQwMDowMDowMC4wMDBaIiwiY29uZGl0aW9ucyI6W119",
        ],
        "tagging" => &[
            "<Tagging>", "</Tagging>", "<TagSet>", "</TagSet>", "<Tag>", "</Tag>", "<Key>", "</Key>", "<Value>",
            "</Value>", "k=v", "&k2=v2", "%3D", "%26",
        ],
        "versioning" => &[
            "<VersioningConfiguration>", "</VersioningConfiguration>", "<Status>Enabled</Status>",
            "<Status>Suspended</Status>", "<MfaDelete>Disabled</MfaDelete>",
        ],
        "encryption" => &[
            "<ServerSideEncryptionConfiguration>", "</ServerSideEncryptionConfiguration>", "<Rule>", "</Rule>",
            "<ApplyServerSideEncryptionByDefault>", "</ApplyServerSideEncryptionByDefault>", "<SSEAlgorithm>AES256</SSEAlgorithm>",
            "<SSEAlgorithm>KMS</SSEAlgorithm>", "<KMSMasterKeyID>", "</KMSMasterKeyID>",
        ],
        "copy-source" => &[
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/", "?versionId=", "%2F", "%E4%B8%AD", "https://",
            ".cos.", ".myqcloud.com",
        ],
        "bucket-config" => &[
            "<RefererConfiguration>", "<WebsiteConfiguration>", "<BucketLoggingStatus>", "<DomainConfiguration>",
            "<OriginConfiguration>", "<InventoryConfiguration>", "<AccelerateConfiguration>",
            "<IntelligentTieringConfiguration>", "<ObjectLockConfiguration>", "<ReplicationConfiguration>",
            "<Status>Enabled</Status>", "<Id>", "</Id>", "<Rule>", "</Rule>", "<Domain>", "</Domain>",
            "<DomainList>", "<RefererType>White-List</RefererType>", "<EmptyReferConfiguration>Allow</EmptyReferConfiguration>",
            "<IndexDocument><Suffix>index.html</Suffix></IndexDocument>", "<RoutingRules>", "<RoutingRule>",
            "<Condition>", "<Redirect>", "<Destination>", "<Bucket>", "<Prefix>", "</Prefix>", "*.example.com",
        ],
        _ => &[],
    }
}

/// Bytes that matter to parsers, for the set-a-byte mutation.
const SPECIAL: &[u8] = b"<>/&%;=\"' \r\n\t:?#+,*0\\[]{}";

/// What the panic hook saw last (the message and where), for the report.
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        TARGETS.iter().for_each(|(name, _)| println!("{name}"));
        return ExitCode::SUCCESS;
    }
    let chosen: Vec<&Target> = match args.targets.is_empty() {
        true => TARGETS.iter().collect(),
        false => {
            let mut chosen = Vec::new();
            for name in &args.targets {
                match TARGETS.iter().find(|(n, _)| n == name) {
                    Some(t) => chosen.push(t),
                    None => {
                        eprintln!("fuzz: no target {name:?} (see --list)");
                        return ExitCode::from(2);
                    }
                }
            }
            chosen
        }
    };
    panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or("?".into(), |l| format!("{}:{}", l.file(), l.line()));
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if std::env::var_os("FUZZ_DEBUG").is_some() {
            eprintln!("panic at {at}: {msg}");
        }
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some((at, msg));
    }));
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    println!("fuzz: seed {seed}, {} s per target", args.seconds);
    println!(
        "{:<20} {:>10} {:>10} {:>7} {:>7} {:>8} {:>7} {:>5}",
        "target", "execs", "execs/s", "secs", "corpus", "labels", "crashes", "slow"
    );
    let mut crashed = false;
    for (i, target) in chosen.into_iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(i as u64));
        let stats = run(target, &args, &mut rng);
        println!(
            "{:<20} {:>10} {:>10.0} {:>7.1} {:>7} {:>8} {:>7} {:>5}",
            target.0,
            stats.execs,
            stats.execs as f64 / stats.elapsed.as_secs_f64().max(1e-9),
            stats.elapsed.as_secs_f64(),
            stats.corpus,
            stats.labels,
            stats.crashes,
            stats.slow
        );
        for line in &stats.notes {
            println!("    {line}");
        }
        crashed |= stats.crashes > 0;
    }
    match crashed {
        true => {
            println!(
                "fuzz: FAILED: an input panicked (inputs under {})",
                args.crashes.display()
            );
            ExitCode::FAILURE
        }
        false => ExitCode::SUCCESS,
    }
}

#[derive(Default)]
struct Stats {
    execs: u64,
    elapsed: Duration,
    corpus: usize,
    labels: usize,
    crashes: u64,
    slow: u64,
    notes: Vec<String>,
}

/// One target: the corpus replay, then mutations until the time is up.
fn run(target: &Target, args: &Args, rng: &mut StdRng) -> Stats {
    let (name, entry) = *target;
    let dict: Vec<&[u8]> = DICT
        .iter()
        .chain(dictionary(name))
        .map(|t| t.as_bytes())
        .collect();
    let mut corpus = read_corpus(&args.corpus.join(name));
    let seeds = corpus.len();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let mut stats = Stats::default();
    // Bounded: the labels of some targets still echo parts of the input, and an unbounded set
    // grew with the executions (the policy target reached 24 GB in a 10-minute run).
    let mut labels = HashSet::new();
    let mut panics: HashMap<String, u64> = HashMap::new();
    let crash_dir = args.crashes.join(name);
    let slow = Duration::from_millis(args.slow_ms);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut exec = |input: &[u8], stats: &mut Stats| -> Option<String> {
        let t0 = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| entry(input)));
        let took = t0.elapsed();
        stats.execs += 1;
        if took > slow {
            stats.slow += 1;
            let file = save(&crash_dir, "slow", input);
            stats.notes.push(format!(
                "slow: {} ms, {} bytes: {file}",
                took.as_millis(),
                input.len()
            ));
        }
        match outcome {
            Ok(mut label) => {
                // A label that echoes a long input would make the set heavy: its start is enough.
                if label.len() > MAX_LABEL_BYTES {
                    let mut end = MAX_LABEL_BYTES;
                    while !label.is_char_boundary(end) {
                        end -= 1;
                    }
                    label.truncate(end);
                }
                Some(label)
            }
            Err(_) => {
                stats.crashes += 1;
                let (at, msg) = LAST_PANIC
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .unwrap_or_default();
                // One saved input per panic location: the messages often echo the input.
                let seen = panics.entry(at.clone()).or_default();
                *seen += 1;
                if *seen == 1 {
                    let file = save(&crash_dir, "crash", input);
                    stats
                        .notes
                        .push(format!("PANIC at {at}: {msg}\n      input: {file}"));
                }
                None
            }
        }
    };
    for input in corpus.clone() {
        if let Some(label) = exec(&input, &mut stats) {
            if labels.len() < MAX_LABELS {
                labels.insert(label);
            }
        }
    }
    while Instant::now() < deadline {
        // Check the clock every 64 executions.
        for _ in 0..64 {
            let input = mutate(&corpus, &dict, args.max_len, rng);
            if let Some(label) = exec(&input, &mut stats) {
                if labels.len() < 30
                    && !labels.contains(&label)
                    && std::env::var_os("FUZZ_DEBUG").is_some()
                {
                    eprintln!("label: {label}");
                }
                if labels.len() < MAX_LABELS && labels.insert(label) && corpus.len() < 4096 {
                    corpus.push(input);
                }
            }
        }
    }
    for (what, n) in &panics {
        if *n > 1 {
            stats.notes.push(format!("{n} inputs panicked at {what}"));
        }
    }
    stats.elapsed = started.elapsed();
    stats.corpus = corpus.len();
    stats.labels = labels.len();
    if seeds == 0 {
        stats.notes.push(format!(
            "no seeds under {}",
            args.corpus.join(name).display()
        ));
    }
    stats
}

/// Every regular file of `dir`, sorted by name.
fn read_corpus(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// Writes `input` as `<dir>/<kind>-<hash>`; returns the path (or why it could not).
fn save(dir: &Path, kind: &str, input: &[u8]) -> String {
    let mut h = DefaultHasher::new();
    input.hash(&mut h);
    let path = dir.join(format!("{kind}-{:016x}", h.finish()));
    match std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, input)) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(not saved: {e})"),
    }
}

/// A corpus entry with one to four mutations stacked.
fn mutate(corpus: &[Vec<u8>], dict: &[&[u8]], max_len: usize, rng: &mut StdRng) -> Vec<u8> {
    let mut data = corpus[rng.gen_range(0..corpus.len())].clone();
    for _ in 0..rng.gen_range(1..=4) {
        mutate_once(&mut data, corpus, dict, rng);
    }
    data.truncate(max_len);
    data
}

fn mutate_once(data: &mut Vec<u8>, corpus: &[Vec<u8>], dict: &[&[u8]], rng: &mut StdRng) {
    let len = data.len();
    let at = |rng: &mut StdRng| rng.gen_range(0..=len);
    match rng.gen_range(0..11) {
        // Flip a bit.
        0 if len > 0 => {
            let i = rng.gen_range(0..len);
            data[i] ^= 1 << rng.gen_range(0..8);
        }
        // Set a byte: any, or an ASCII one that matters to parsers.
        1 if len > 0 => {
            let i = rng.gen_range(0..len);
            data[i] = match rng.gen_bool(0.5) {
                true => rng.gen(),
                false => SPECIAL[rng.gen_range(0..SPECIAL.len())],
            };
        }
        // Insert a random byte.
        2 => {
            let i = at(rng);
            data.insert(i, rng.gen());
        }
        // Delete a range.
        3 if len > 0 => {
            let i = rng.gen_range(0..len);
            let n = rng.gen_range(1..=(len - i).min(16));
            data.drain(i..i + n);
        }
        // Duplicate a range in place.
        4 if len > 0 => {
            let i = rng.gen_range(0..len);
            let n = rng.gen_range(1..=(len - i).min(64));
            let chunk = data[i..i + n].to_vec();
            let j = at(rng);
            data.splice(j..j, chunk);
        }
        // Splice: our head, another entry's tail.
        5 => {
            let other = &corpus[rng.gen_range(0..corpus.len())];
            let cut = rng.gen_range(0..=len);
            let from = rng.gen_range(0..=other.len());
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        // Insert a dictionary token (twice as likely as the rest).
        6 | 7 => {
            let token = dict[rng.gen_range(0..dict.len())];
            let i = at(rng);
            data.splice(i..i, token.iter().copied());
        }
        // Overwrite with a dictionary token.
        8 if len > 0 => {
            let token = dict[rng.gen_range(0..dict.len())];
            let i = rng.gen_range(0..len);
            let end = (i + token.len()).min(len);
            data.splice(i..end, token.iter().copied());
        }
        // Repeat a short range many times (deep nesting, many elements or attributes).
        9 if len > 0 => {
            let i = rng.gen_range(0..len);
            let n = rng.gen_range(1..=(len - i).min(32));
            let chunk = data[i..i + n].to_vec();
            let times = rng.gen_range(2..200);
            let j = at(rng);
            data.splice(j..j, chunk.iter().copied().cycle().take(n * times));
        }
        // Swap two bytes.
        10 if len > 1 => {
            let (i, j) = (rng.gen_range(0..len), rng.gen_range(0..len));
            data.swap(i, j);
        }
        _ => data.push(rng.gen()),
    }
}
