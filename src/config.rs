//! Configuration: flags and environment merged into one `Config`, the accounts and buckets of the
//! optional JSON config file, and their validation (every error names the flag or the JSON path).

use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

/// The default root account used when no config file is given (see `interface.md`).
pub const DEFAULT_UIN: &str = "100000000001";
pub const DEFAULT_APPID: &str = "1250000000";
pub const DEFAULT_SECRET_ID: &str = "AKIDCOSMOCKROOT";
pub const DEFAULT_SECRET_KEY: &str = "cos-mock-root-secret";
pub const DEFAULT_REGION: &str = "ap-guangzhou";

/// The default OSS root account used when the config names no `oss` section (see `oss.md` §1).
pub const DEFAULT_OSS_UID: &str = "1000000000000001";
pub const DEFAULT_OSS_ACCESS_KEY_ID: &str = "LTAIOSSMOCKROOT";
pub const DEFAULT_OSS_ACCESS_KEY_SECRET: &str = "oss-mock-root-secret";
pub const DEFAULT_OSS_REGION: &str = "cn-hangzhou";

/// The host a listen address without one binds: `:PORT`, `PORT` and `localhost:PORT` all mean
/// `127.0.0.1:PORT`, as the default `--listen` does (see [`parse_listen`]).
pub const DEFAULT_LISTEN_HOST: std::net::Ipv4Addr = std::net::Ipv4Addr::LOCALHOST;

/// What `--listen` and `--tls-listen` (and their environment variables) accept, for error messages.
pub const LISTEN_FORMS: &str = "IP:PORT, [IPv6]:PORT, :PORT, PORT or localhost:PORT";

/// Parses a listen address: `IP:PORT` and `[IPv6]:PORT` as written; `:PORT`, `PORT` and
/// `localhost:PORT` (any case) bind [`DEFAULT_LISTEN_HOST`], the IPv4 loopback, so a value without an
/// address never exposes the server beyond this machine (`0.0.0.0:PORT` or `[::]:PORT` do that, as
/// the image does). `localhost` is not looked up: it is 127.0.0.1 here whatever `/etc/hosts` says
/// (a name that resolves to both loopbacks would need two sockets); clients that try `::1` first
/// should be given the ready line's address. Other host names are refused. Port 0 picks a free port.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let port = match text.rsplit_once(':') {
        Some((host, port)) if host.is_empty() || host.eq_ignore_ascii_case("localhost") => port,
        Some(_) => return Err(format!("expected {LISTEN_FORMS}")),
        None => text,
    };
    // Digits only: `u16::from_str` would also take a leading `+`.
    let port = Some(port)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<u16>().ok())
        .ok_or_else(|| format!("expected {LISTEN_FORMS}, with PORT from 0 to 65535"))?;
    Ok(SocketAddr::from((DEFAULT_LISTEN_HOST, port)))
}

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Signatures and permissions are checked as COS does.
    Enforce,
    /// Any or no signature is accepted; the caller acts as the first root account.
    Off,
}

/// How request log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Everything the server needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub region: String,
    pub auth: AuthMode,
    pub default_bucket: Option<String>,
    pub log_format: LogFormat,
    /// How far in the future a signature's start time may be before `RequestTimeTooSkewed`.
    pub clock_skew: Duration,
    /// How many requests `/_cos-mock/requests` keeps.
    pub journal_size: usize,
    /// The largest body accepted by a single PUT (COS: 5 GiB).
    pub max_body_bytes: usize,
    /// The largest bucket policy accepted (COS publishes no limit; 20 KiB as AWS).
    pub policy_max_bytes: usize,
    pub accounts: Vec<Account>,
    pub buckets: Vec<BucketSeed>,
    /// The optional HTTPS listener.
    pub tls: Option<TlsListen>,
    /// When set, `/_cos-mock/*` (but health) needs `Authorization: Bearer <token>`.
    pub admin_token: Option<String>,
    /// The OSS dialect's accounts and buckets.
    pub oss: OssConfig,
    /// Timeouts, the connection cap and the shutdown grace.
    pub transport: crate::transport::Transport,
    /// Where the state is kept across restarts (`crate::persist`); `None`: in memory only.
    pub data_dir: Option<std::path::PathBuf>,
    /// The directory a state import's `body_path` files are read from (`--import-dir`).
    pub import_dir: Option<std::path::PathBuf>,
}

/// The `oss` section: Alibaba Cloud accounts, their RAM users, and buckets created at start.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OssConfig {
    /// The region of every OSS bucket (GetBucketLocation answers `oss-<region>`).
    #[serde(default = "default_oss_region")]
    pub region: String,
    #[serde(default)]
    pub accounts: Vec<OssAccount>,
    #[serde(default)]
    pub buckets: Vec<OssBucketSeed>,
}

fn default_oss_region() -> String {
    DEFAULT_OSS_REGION.to_string()
}

impl Default for OssConfig {
    fn default() -> Self {
        OssConfig {
            region: default_oss_region(),
            accounts: vec![OssAccount {
                uid: DEFAULT_OSS_UID.into(),
                access_key_id: DEFAULT_OSS_ACCESS_KEY_ID.into(),
                access_key_secret: DEFAULT_OSS_ACCESS_KEY_SECRET.into(),
                users: Vec::new(),
            }],
            buckets: Vec::new(),
        }
    }
}

/// An Alibaba Cloud account (the owner of buckets) with its RAM users.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OssAccount {
    pub uid: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    #[serde(default)]
    pub users: Vec<RamUser>,
}

/// A RAM user of an account; it may do nothing unless a RAM or bucket policy allows it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RamUser {
    pub uid: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    /// RAM policies: the OSS policy grammar without `Principal`.
    #[serde(default)]
    pub policies: Vec<serde_json::Value>,
}

/// An OSS bucket created at start (and again on reset).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OssBucketSeed {
    pub name: String,
    /// The uid of the owning account.
    pub owner: String,
    /// `private` (default), `public-read` or `public-read-write`.
    #[serde(default)]
    pub acl: Option<String>,
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
    /// Objects created in it (see `seed`).
    #[serde(default)]
    pub objects: Vec<ObjectSeed>,
}

/// Where to serve HTTPS, and with which certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsListen {
    pub listen: SocketAddr,
    pub cert: crate::tls::CertSource,
}

/// A root account with its sub-accounts.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub uin: String,
    pub appid: String,
    pub secret_id: String,
    pub secret_key: String,
    #[serde(default)]
    pub users: Vec<SubUser>,
    /// CAM roles that `AssumeRole` may assume.
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// A CAM role of a root account, assumed through STS `AssumeRole` (`qcs::cam::uin/<uin>:roleName/<name>`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    /// The role's policies (bucket-policy grammar without `principal`).
    #[serde(default)]
    pub policies: Vec<serde_json::Value>,
}

/// A CAM sub-account of a root account.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SubUser {
    pub uin: String,
    pub secret_id: String,
    pub secret_key: String,
    /// CAM user policies (bucket-policy grammar without `principal`).
    #[serde(default)]
    pub policies: Vec<serde_json::Value>,
}

/// A bucket created at start (and again on reset).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BucketSeed {
    pub name: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub acl: Option<String>,
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
    /// Objects created in it (see `seed`).
    #[serde(default)]
    pub objects: Vec<ObjectSeed>,
}

/// An object created in a configured bucket at start and on reset, as PUT Object would create
/// it (see `seed`): its body from `body` (text) or `body_file` (a path, relative to the config
/// file's directory), else empty.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ObjectSeed {
    pub key: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub body_file: Option<String>,
    /// As PUT's `Content-Type`; without it, the type the key's extension names.
    #[serde(default)]
    pub content_type: Option<String>,
    /// User metadata: names without the `x-cos-meta-`/`x-oss-meta-` prefix.
    #[serde(default)]
    pub metadata: std::collections::BTreeMap<String, String>,
    /// A canned object ACL (COS only).
    #[serde(default)]
    pub acl: Option<String>,
    /// Object tags (COS only).
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, String>,
    /// The bytes of `body_file`, read once when the config file is loaded.
    #[serde(skip)]
    pub file_data: Option<bytes::Bytes>,
}

/// Checks the objects of one bucket seed: each as a PUT would, and no key twice.
fn check_objects(
    objects: &[ObjectSeed],
    dialect: crate::dialect::Dialect,
    at: &str,
) -> Result<(), String> {
    for (j, o) in objects.iter().enumerate() {
        let at = format!("{at}.objects[{j}]");
        crate::seed::check(o, dialect, &at)?;
        if objects[..j].iter().any(|p| p.key == o.key) {
            return Err(format!("{at}.key: {:?} is listed twice", o.key));
        }
    }
    Ok(())
}

/// The JSON config file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub buckets: Vec<BucketSeed>,
    /// Without it, the default OSS root account exists (the file says nothing about OSS).
    #[serde(default)]
    pub oss: Option<OssConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 9400)),
            region: DEFAULT_REGION.to_string(),
            auth: AuthMode::Enforce,
            default_bucket: None,
            log_format: LogFormat::Pretty,
            clock_skew: Duration::from_secs(15 * 60),
            journal_size: 1000,
            max_body_bytes: 5 * 1024 * 1024 * 1024,
            policy_max_bytes: crate::policy::Limits::BUCKET_MAX_BYTES,
            accounts: vec![default_account()],
            buckets: Vec::new(),
            tls: None,
            admin_token: None,
            oss: OssConfig::default(),
            transport: crate::transport::Transport::default(),
            data_dir: None,
            import_dir: None,
        }
    }
}

/// The account that exists when no config file is given.
pub fn default_account() -> Account {
    Account {
        uin: DEFAULT_UIN.into(),
        appid: DEFAULT_APPID.into(),
        secret_id: DEFAULT_SECRET_ID.into(),
        secret_key: DEFAULT_SECRET_KEY.into(),
        users: Vec::new(),
        roles: Vec::new(),
    }
}

impl ConfigFile {
    /// Reads the `body_file` of every seeded object, relative to `dir`.
    pub fn read_body_files(
        &mut self,
        dir: &std::path::Path,
        max_bytes: usize,
    ) -> Result<(), String> {
        use crate::seed::read_body_files;
        for (i, b) in self.buckets.iter_mut().enumerate() {
            read_body_files(&mut b.objects, dir, max_bytes, |j| {
                format!("buckets[{i}].objects[{j}]")
            })?;
        }
        for (i, b) in self
            .oss
            .iter_mut()
            .flat_map(|o| o.buckets.iter_mut())
            .enumerate()
        {
            read_body_files(&mut b.objects, dir, max_bytes, |j| {
                format!("oss.buckets[{i}].objects[{j}]")
            })?;
        }
        Ok(())
    }

    /// Parses the config file text; errors name the JSON path. A key given twice in one object
    /// (embedded policies included) is an error too.
    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        if let Err(e) = crate::json::parse(text.as_bytes()) {
            if let Some(path) = e.path() {
                return Err(format!("{path}: duplicate key"));
            }
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let file: ConfigFile = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            if path == "." || path.is_empty() {
                e.inner().to_string()
            } else {
                format!("{path}: {}", e.inner())
            }
        })?;
        file.validate()?;
        Ok(file)
    }

    fn validate(&self) -> Result<(), String> {
        let oss_accounts = self.oss.as_ref().map_or(0, |o| o.accounts.len());
        if self.accounts.is_empty() && oss_accounts == 0 {
            return Err("accounts: at least one account is needed".into());
        }
        if let Some(oss) = &self.oss {
            oss.validate()?;
        }
        use crate::policy::{parse_value, PolicyKind};
        let mut secret_ids = std::collections::HashSet::new();
        let mut uins = std::collections::HashSet::new();
        for (i, a) in self.accounts.iter().enumerate() {
            digits(&a.uin).map_err(|m| format!("accounts[{i}].uin: {m}"))?;
            digits(&a.appid).map_err(|m| format!("accounts[{i}].appid: {m}"))?;
            non_empty(&a.secret_key).map_err(|m| format!("accounts[{i}].secret_key: {m}"))?;
            if !uins.insert(a.uin.clone()) {
                return Err(format!("accounts[{i}].uin: {} is used twice", a.uin));
            }
            if !secret_ids.insert(a.secret_id.clone()) || a.secret_id.is_empty() {
                return Err(format!("accounts[{i}].secret_id: empty or used twice"));
            }
            if self.accounts[..i].iter().any(|b| b.appid == a.appid) {
                return Err(format!("accounts[{i}].appid: {} is used twice", a.appid));
            }
            for (j, r) in a.roles.iter().enumerate() {
                let at = format!("accounts[{i}].roles[{j}]");
                non_empty(&r.name).map_err(|m| format!("{at}.name: {m}"))?;
                if a.roles[..j].iter().any(|o| o.name == r.name) {
                    return Err(format!("{at}.name: {} is used twice", r.name));
                }
                for (k, p) in r.policies.iter().enumerate() {
                    parse_value(p, PolicyKind::User)
                        .map_err(|e| e.message_under(&format!("{at}.policies[{k}]")))?;
                }
            }
            for (j, u) in a.users.iter().enumerate() {
                let at = format!("accounts[{i}].users[{j}]");
                for (k, p) in u.policies.iter().enumerate() {
                    parse_value(p, PolicyKind::User)
                        .map_err(|e| e.message_under(&format!("{at}.policies[{k}]")))?;
                }
                digits(&u.uin).map_err(|m| format!("{at}.uin: {m}"))?;
                non_empty(&u.secret_key).map_err(|m| format!("{at}.secret_key: {m}"))?;
                if !uins.insert(u.uin.clone()) {
                    return Err(format!("{at}.uin: {} is used twice", u.uin));
                }
                if !secret_ids.insert(u.secret_id.clone()) || u.secret_id.is_empty() {
                    return Err(format!("{at}.secret_id: empty or used twice"));
                }
            }
        }
        for (i, b) in self.buckets.iter().enumerate() {
            crate::store::validate_bucket_name(&b.name)
                .map_err(|e| format!("buckets[{i}].name: {}", e.message))?;
            let appid = crate::store::appid_of(&b.name).unwrap_or_default();
            if !self.accounts.iter().any(|a| a.appid == appid) {
                return Err(format!("buckets[{i}].name: no account has APPID {appid}"));
            }
            if let Some(acl) = &b.acl {
                crate::acl::Canned::parse(crate::acl::ResourceKind::Bucket, acl)
                    .map_err(|e| format!("buckets[{i}].acl: {}", e.message))?;
            }
            if let Some(p) = &b.policy {
                crate::policy::parse_value(p, crate::policy::PolicyKind::Bucket)
                    .map_err(|e| e.message_under(&format!("buckets[{i}].policy")))?;
            }
            if self.buckets[..i].iter().any(|o| o.name == b.name) {
                return Err(format!("buckets[{i}].name: {} is listed twice", b.name));
            }
            check_objects(
                &b.objects,
                crate::dialect::Dialect::Cos,
                &format!("buckets[{i}]"),
            )?;
        }
        Ok(())
    }
}

impl Config {
    /// Applies a parsed config file on top of flag values.
    pub fn apply_file(&mut self, file: ConfigFile, region_flag_given: bool) {
        if let (Some(region), false) = (file.region, region_flag_given) {
            self.region = region;
        }
        self.accounts = file.accounts;
        self.buckets = file.buckets;
        if let Some(oss) = file.oss {
            self.oss = oss;
        }
    }

    /// Reads and applies the config file at `path`, and the seeded objects' `body_file`s
    /// (relative to its directory); the error names the file and the JSON path.
    pub fn load_file(&mut self, path: &str, region_flag_given: bool) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("--config {path}: {e}"))?;
        let mut file = ConfigFile::parse(&text).map_err(|e| format!("--config {path}: {e}"))?;
        let dir = std::path::Path::new(path)
            .parent()
            .unwrap_or(std::path::Path::new("."));
        file.read_body_files(dir, self.max_body_bytes)
            .map_err(|e| format!("--config {path}: {e}"))?;
        self.apply_file(file, region_flag_given);
        Ok(())
    }
}

/// An OSS policy in the config: its error names the JSON path below `at`.
fn oss_policy(
    doc: &serde_json::Value,
    kind: crate::dialect::oss::policy::PolicyKind,
    at: &str,
) -> Result<crate::dialect::oss::policy::Policy, String> {
    crate::dialect::oss::policy::parse_value(doc, kind).map_err(|e| match e.path.as_str() {
        "" => format!("{at}: {}", e.rule),
        path => format!("{at}.{path}: {}", e.rule),
    })
}

impl OssConfig {
    /// Every uid, key, bucket name, ACL and policy of the section; errors name the JSON path.
    fn validate(&self) -> Result<(), String> {
        use crate::dialect::oss::policy::PolicyKind;
        let mut key_ids = std::collections::HashSet::new();
        let mut uids = std::collections::HashSet::new();
        let mut identity = |at: &str, uid: &str, id: &str, secret: &str| -> Result<(), String> {
            digits(uid).map_err(|m| format!("{at}.uid: {m}"))?;
            non_empty(secret).map_err(|m| format!("{at}.access_key_secret: {m}"))?;
            if !uids.insert(uid.to_string()) {
                return Err(format!("{at}.uid: {uid} is used twice"));
            }
            if id.is_empty() || !key_ids.insert(id.to_string()) {
                return Err(format!("{at}.access_key_id: empty or used twice"));
            }
            Ok(())
        };
        non_empty(&self.region).map_err(|m| format!("oss.region: {m}"))?;
        for (i, a) in self.accounts.iter().enumerate() {
            let at = format!("oss.accounts[{i}]");
            identity(&at, &a.uid, &a.access_key_id, &a.access_key_secret)?;
            for (j, u) in a.users.iter().enumerate() {
                let at = format!("{at}.users[{j}]");
                identity(&at, &u.uid, &u.access_key_id, &u.access_key_secret)?;
                for (k, p) in u.policies.iter().enumerate() {
                    oss_policy(p, PolicyKind::Ram, &format!("{at}.policies[{k}]"))?;
                }
            }
        }
        for (i, b) in self.buckets.iter().enumerate() {
            let at = format!("oss.buckets[{i}]");
            crate::dialect::oss::hosts::validate_bucket_name(&b.name)
                .map_err(|why| format!("{at}.name: {why}"))?;
            if self.buckets[..i].iter().any(|o| o.name == b.name) {
                return Err(format!("{at}.name: {} is listed twice", b.name));
            }
            if !self.accounts.iter().any(|a| a.uid == b.owner) {
                return Err(format!("{at}.owner: no OSS account has uid {}", b.owner));
            }
            if let Some(acl) = &b.acl {
                crate::dialect::oss::hosts::parse_canned_acl(acl)
                    .map_err(|why| format!("{at}.acl: {why}"))?;
            }
            if let Some(p) = &b.policy {
                oss_policy(p, PolicyKind::Bucket, &format!("{at}.policy"))?;
            }
            check_objects(&b.objects, crate::dialect::Dialect::Oss, &at)?;
        }
        Ok(())
    }
}

fn digits(s: &str) -> Result<(), String> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("expected a string of digits, got {s:?}"))
    }
}

fn non_empty(s: &str) -> Result<(), String> {
    if s.is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"region":"ap-beijing","accounts":[{"uin":"1","appid":"1250000000","secret_id":"A","secret_key":"a",
        "users":[{"uin":"11","secret_id":"B","secret_key":"b"}]}],
        "buckets":[{"name":"examplebucket-1250000000","acl":"private"}]}"#;

    #[test]
    fn parse_good_file_ok() {
        let f = ConfigFile::parse(GOOD).unwrap();
        assert_eq!(f.accounts[0].users[0].uin, "11");
        assert_eq!(f.buckets[0].name, "examplebucket-1250000000");
    }

    #[test]
    fn parse_wrong_type_names_json_path() {
        let bad = GOOD.replace(r#""uin":"11""#, r#""uin":11"#);
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert!(
            err.starts_with("accounts[0].users[0].uin: invalid type"),
            "{err}"
        );
    }

    #[test]
    fn parse_duplicate_key_names_json_path() {
        let bad = GOOD.replace(r#""uin":"11""#, r#""uin":"11","uin":"12""#);
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert_eq!(err, "accounts[0].users[0].uin: duplicate key");
        let policy = r#""acl":"private","policy":{"version":"2.0","statement":[{"effect":"deny","effect":"allow"}]}"#;
        let bad = GOOD.replace(r#""acl":"private""#, policy);
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert_eq!(err, "buckets[0].policy.statement[0].effect: duplicate key");
    }

    #[test]
    fn parse_unknown_field_names_it() {
        let bad = GOOD.replace(r#""acl":"private""#, r#""acll":"private""#);
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert!(err.starts_with("buckets[0].acll: unknown field"), "{err}");
    }

    #[test]
    fn parse_duplicate_secret_id_rejected() {
        let bad = GOOD.replace(r#""secret_id":"B""#, r#""secret_id":"A""#);
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert_eq!(err, "accounts[0].users[0].secret_id: empty or used twice");
    }

    #[test]
    fn parse_bucket_of_unknown_appid_rejected() {
        let bad = GOOD.replace("examplebucket-1250000000", "examplebucket-1250000009");
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert_eq!(err, "buckets[0].name: no account has APPID 1250000009");
    }

    #[test]
    fn parse_bad_bucket_acl_names_path() {
        let bad = GOOD.replace(r#""acl":"private""#, r#""acl":"public""#);
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert!(
            err.starts_with("buckets[0].acl: Invalid x-cos-acl value 'public'"),
            "{err}"
        );
    }

    #[test]
    fn parse_bad_bucket_policy_names_path() {
        let bad = GOOD.replace(
            r#""acl":"private""#,
            r#""policy":{"version":"2.0","statement":[{"effect":"maybe","principal":{"qcs":["*"]},"action":["*"],"resource":["*"]}]}"#,
        );
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert_eq!(
            err,
            r#"buckets[0].policy.statement[0].effect: expected "allow" or "deny", got "maybe""#
        );
    }

    #[test]
    fn parse_user_policy_with_principal_names_path() {
        let bad = GOOD.replace(
            r#""secret_key":"b""#,
            r#""secret_key":"b","policies":[{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":["*"]},"action":["*"],"resource":["*"]}]}]"#,
        );
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert!(
            err.starts_with("accounts[0].users[0].policies[0].statement[0]"),
            "{err}"
        );
    }

    const OSS: &str = r#"{"accounts":[],"oss":{"region":"cn-shanghai","accounts":[
        {"uid":"1000000000000001","access_key_id":"LTAIA","access_key_secret":"a","users":[
            {"uid":"2000000000000011","access_key_id":"LTAIU","access_key_secret":"u","policies":[
                {"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["acs:oss:*:1000000000000001:b/*"]}]}]}]}],
        "buckets":[{"name":"oss-conf-examplebucket","owner":"1000000000000001","acl":"public-read",
            "policy":{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":"*","Resource":"acs:oss:*:*:*/*"}]}}]}}"#;

    #[test]
    fn parse_oss_section_ok_and_replaces_default_oss_root() {
        let f = ConfigFile::parse(OSS).unwrap();
        let mut c = Config::default();
        c.apply_file(f, false);
        assert_eq!(c.oss.region, "cn-shanghai");
        assert_eq!(c.oss.accounts[0].users[0].uid, "2000000000000011");
        assert_eq!(c.oss.buckets[0].acl.as_deref(), Some("public-read"));
        // A file without an `oss` section keeps the default OSS root.
        let mut c = Config::default();
        c.apply_file(ConfigFile::parse(GOOD).unwrap(), false);
        assert_eq!(c.oss.accounts[0].access_key_id, DEFAULT_OSS_ACCESS_KEY_ID);
    }

    #[test]
    fn parse_oss_errors_name_json_path() {
        let cases = [
            (
                r#""uid":"1000000000000001","access_key_id":"LTAIA""#,
                r#""uid":"x1","access_key_id":"LTAIA""#,
                "oss.accounts[0].uid: expected a string of digits",
            ),
            (
                r#""access_key_id":"LTAIU""#,
                r#""access_key_id":"LTAIA""#,
                "oss.accounts[0].users[0].access_key_id: empty or used twice",
            ),
            (
                r#""owner":"1000000000000001""#,
                r#""owner":"1000000000000009""#,
                "oss.buckets[0].owner: no OSS account has uid 1000000000000009",
            ),
            (
                r#""name":"oss-conf-examplebucket""#,
                r#""name":"Bad_Name""#,
                "oss.buckets[0].name: ",
            ),
            (
                r#""acl":"public-read""#,
                r#""acl":"default""#,
                "oss.buckets[0].acl: ",
            ),
            (
                r#""Action":"oss:GetObject""#,
                r#""Action":"oss:FlyObject""#,
                "oss.buckets[0].policy.Statement[0].Action",
            ),
            (
                r#""Effect":"Allow","Action":["oss:GetObject"],"Resource""#,
                r#""Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource""#,
                "oss.accounts[0].users[0].policies[0].Statement[0]",
            ),
        ];
        for (from, to, want) in cases {
            assert!(OSS.contains(from), "{from}");
            let err = ConfigFile::parse(&OSS.replacen(from, to, 1)).unwrap_err();
            assert!(err.starts_with(want), "{want} -> {err}");
        }
    }

    #[test]
    fn parse_listen_forms_bind_as_documented() {
        let cases = [
            ("127.0.0.1:9400", "127.0.0.1:9400"),
            ("0.0.0.0:0", "0.0.0.0:0"),
            ("[::1]:9401", "[::1]:9401"),
            ("[::]:9402", "[::]:9402"),
            (":9403", "127.0.0.1:9403"),
            ("9404", "127.0.0.1:9404"),
            ("0", "127.0.0.1:0"),
            ("localhost:9405", "127.0.0.1:9405"),
            ("LocalHost:65535", "127.0.0.1:65535"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_listen(text).unwrap().to_string(), want, "{text}");
        }
    }

    #[test]
    fn parse_listen_bad_values_name_the_forms() {
        for bad in [
            "",
            ":",
            "localhost",
            "localhost:",
            "example.com:9400",
            "127.0.0.1",
            "127.0.0.1:65536",
            "65536",
            "+9400",
            ":-1",
            "::1:9400",
            "[::1]",
            " 9400",
            "localhost:9400:1",
        ] {
            let err = parse_listen(bad).unwrap_err();
            assert!(
                err.starts_with(&format!("expected {LISTEN_FORMS}")),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn parse_bad_bucket_name_rejected() {
        let bad = GOOD.replace("examplebucket-1250000000", "Example-1250000000");
        let err = ConfigFile::parse(&bad).unwrap_err();
        assert!(err.starts_with("buckets[0].name: "), "{err}");
    }
}
