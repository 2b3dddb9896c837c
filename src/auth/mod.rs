//! Who is calling: the request's signature (Authorization header, pre-signed query, or the whole
//! Authorization in a `sign=` query parameter) is checked against the key ring (root accounts,
//! sub-accounts, temporary keys), giving a `Caller`; unsigned requests are anonymous.

pub mod cos_sign;
pub mod oss;
pub mod v4_sign;

use std::collections::HashMap;
use std::sync::Arc;

use dashmap::DashMap;

use crate::config::Config;
use crate::dialect::oss::policy::{self as oss_policy, Policy as OssPolicy};
use crate::error::{Code, CosError};
use crate::policy::{Policy, PolicyKind};
use crate::request::CosRequest;

/// The identity a request acts as.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Anonymous,
    /// A root account (`uin` is also the owner id).
    Root {
        uin: String,
        appid: String,
    },
    /// A CAM sub-account of root `root_uin`.
    SubUser {
        root_uin: String,
        uin: String,
        appid: String,
    },
    /// A CAM role of root `root_uin`, acting through a temporary key from `AssumeRole`.
    Role {
        root_uin: String,
        name: String,
        appid: String,
    },
    /// A temporary key: its parent's permissions, narrowed by the session policy.
    Temporary(Arc<TempKey>),
    /// An Alibaba Cloud account (OSS dialect); `uid` owns the buckets it creates.
    OssAccount {
        uid: String,
    },
    /// A RAM user of OSS account `root_uid`.
    RamUser {
        root_uid: String,
        uid: String,
    },
}

/// The caller's label (see [`Caller::label`]), written without building a string.
impl std::fmt::Display for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::Anonymous => f.write_str("anonymous"),
            Caller::Root { uin, .. } => f.write_str(uin),
            Caller::SubUser { root_uin, uin, .. } => write!(f, "{root_uin}/{uin}"),
            Caller::Role { root_uin, name, .. } => write!(f, "{root_uin}/role:{name}"),
            Caller::Temporary(t) => write!(f, "{} (temporary key {})", t.parent, t.secret_id),
            Caller::OssAccount { uid } => f.write_str(uid),
            Caller::RamUser { root_uid, uid } => write!(f, "{root_uid}/{uid}"),
        }
    }
}

/// A temporary key issued by cos-mock's STS.
#[derive(Debug, Clone, PartialEq)]
pub struct TempKey {
    pub secret_id: String,
    pub secret_key: String,
    pub token: String,
    /// Unix seconds.
    pub expires: u64,
    /// Who asked for it (a root, a sub-account, or the assumed role).
    pub parent: Caller,
    /// The session policy; `None` when none was given (the parent's permissions apply unchanged).
    pub policy: Option<Policy>,
    /// The session policy's JSON text (what export and the data directory keep).
    pub policy_text: Option<String>,
}

impl Caller {
    /// How the caller is written in logs and the journal: `<uin>`, `<root>/<sub>`,
    /// `<root>/role:<name>`, `anonymous`, or the parent's label with ` (temporary key <id>)`.
    pub fn label(&self) -> String {
        self.to_string()
    }

    /// The permanent identity behind the caller (a temporary key's parent).
    pub fn identity(&self) -> &Caller {
        match self {
            Caller::Temporary(t) => t.parent.identity(),
            other => other,
        }
    }

    /// The root account the caller belongs to.
    pub fn root_uin(&self) -> Option<&str> {
        match self.identity() {
            Caller::Root { uin, .. } => Some(uin),
            Caller::SubUser { root_uin, .. } | Caller::Role { root_uin, .. } => Some(root_uin),
            Caller::OssAccount { uid } => Some(uid),
            Caller::RamUser { root_uid, .. } => Some(root_uid),
            Caller::Anonymous | Caller::Temporary(_) => None,
        }
    }

    /// The APPID of the caller's root account.
    pub fn appid(&self) -> Option<&str> {
        match self.identity() {
            Caller::Root { appid, .. }
            | Caller::SubUser { appid, .. }
            | Caller::Role { appid, .. } => Some(appid),
            Caller::Anonymous
            | Caller::Temporary(_)
            | Caller::OssAccount { .. }
            | Caller::RamUser { .. } => None,
        }
    }

    /// Whether the caller is that root account itself (not a sub-account, role or temporary key).
    pub fn is_root_of(&self, owner_uin: &str) -> bool {
        matches!(self, Caller::Root { uin, .. } if uin == owner_uin)
    }
}

/// A SecretId's secret and the identity it signs for.
#[derive(Debug, Clone)]
pub struct Key {
    pub secret_key: String,
    pub caller: Caller,
}

/// Every known SecretId, the CAM policies of sub-accounts and roles, and the temporary keys issued.
#[derive(Debug, Default)]
pub struct KeyRing {
    keys: HashMap<String, Key>,
    /// CAM policies by identity label (`<root>/<sub>` or `<root>/role:<name>`).
    cam: HashMap<String, Vec<Policy>>,
    temporary: DashMap<String, Arc<TempKey>>,
    /// OSS AccessKeyIds (accounts and RAM users); they sign only OSS requests.
    oss_keys: HashMap<String, Key>,
    /// RAM policies by RAM user uid.
    ram: HashMap<String, Vec<OssPolicy>>,
    /// Told of every change to the temporary keys (the data directory, `crate::persist`).
    pub on_change: crate::hook::Hook<KeyEvent>,
}

/// A change to the temporary keys.
#[derive(Debug, Clone)]
pub enum KeyEvent {
    Added(Arc<TempKey>),
    Cleared,
}

impl KeyRing {
    /// Builds the ring from a config. A CAM policy that does not parse is an error naming its path
    /// (never silently dropped: a dropped deny would widen what a user may do).
    pub fn from_config(config: &Config) -> Result<KeyRing, String> {
        let parse = |docs: &[serde_json::Value], at: &str| -> Result<Vec<Policy>, String> {
            docs.iter()
                .enumerate()
                .map(|(k, d)| {
                    crate::policy::parse_value(d, PolicyKind::User)
                        .map_err(|e| e.message_under(&format!("{at}.policies[{k}]")))
                })
                .collect()
        };
        let mut ring = KeyRing::default();
        for (i, a) in config.accounts.iter().enumerate() {
            let root = Caller::Root {
                uin: a.uin.clone(),
                appid: a.appid.clone(),
            };
            ring.keys.insert(
                a.secret_id.clone(),
                Key {
                    secret_key: a.secret_key.clone(),
                    caller: root,
                },
            );
            for (j, u) in a.users.iter().enumerate() {
                let sub = Caller::SubUser {
                    root_uin: a.uin.clone(),
                    uin: u.uin.clone(),
                    appid: a.appid.clone(),
                };
                ring.cam.insert(
                    sub.label(),
                    parse(&u.policies, &format!("accounts[{i}].users[{j}]"))?,
                );
                ring.keys.insert(
                    u.secret_id.clone(),
                    Key {
                        secret_key: u.secret_key.clone(),
                        caller: sub,
                    },
                );
            }
            for (j, r) in a.roles.iter().enumerate() {
                let role = Caller::Role {
                    root_uin: a.uin.clone(),
                    name: r.name.clone(),
                    appid: a.appid.clone(),
                };
                ring.cam.insert(
                    role.label(),
                    parse(&r.policies, &format!("accounts[{i}].roles[{j}]"))?,
                );
            }
        }
        for (i, a) in config.oss.accounts.iter().enumerate() {
            let account = Caller::OssAccount { uid: a.uid.clone() };
            ring.oss_keys.insert(
                a.access_key_id.clone(),
                Key {
                    secret_key: a.access_key_secret.clone(),
                    caller: account,
                },
            );
            for (j, u) in a.users.iter().enumerate() {
                let policies = u
                    .policies
                    .iter()
                    .enumerate()
                    .map(|(k, d)| {
                        oss_policy::parse_value(d, oss_policy::PolicyKind::Ram)
                            .map_err(|e| format!("oss.accounts[{i}].users[{j}].policies[{k}]: {e}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                ring.ram.insert(u.uid.clone(), policies);
                ring.oss_keys.insert(
                    u.access_key_id.clone(),
                    Key {
                        secret_key: u.access_key_secret.clone(),
                        caller: Caller::RamUser {
                            root_uid: a.uid.clone(),
                            uid: u.uid.clone(),
                        },
                    },
                );
            }
        }
        Ok(ring)
    }

    /// An OSS AccessKeyId's secret and identity.
    pub fn oss_key(&self, access_key_id: &str) -> Option<&Key> {
        self.oss_keys.get(access_key_id)
    }

    /// The RAM policies of a RAM user (none for accounts and anonymous callers).
    pub fn ram_policies(&self, caller: &Caller) -> &[OssPolicy] {
        match caller {
            Caller::RamUser { uid, .. } => self.ram.get(uid).map(Vec::as_slice).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// A permanent key.
    pub fn get(&self, secret_id: &str) -> Option<&Key> {
        self.keys.get(secret_id)
    }

    /// The CAM policies of a sub-account or role (none for roots and anonymous callers).
    pub fn cam_policies(&self, identity: &Caller) -> &[Policy] {
        match identity {
            Caller::SubUser { .. } | Caller::Role { .. } => self
                .cam
                .get(&identity.label())
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The role `name` of root `root_uin`, if configured.
    pub fn role(&self, root_uin: &str, name: &str, appid: &str) -> Option<Caller> {
        let role = Caller::Role {
            root_uin: root_uin.into(),
            name: name.into(),
            appid: appid.into(),
        };
        self.cam.contains_key(&role.label()).then_some(role)
    }

    /// Remembers a temporary key.
    pub fn add_temporary(&self, key: TempKey) {
        let key = Arc::new(key);
        self.temporary.insert(key.secret_id.clone(), key.clone());
        self.on_change.call(&KeyEvent::Added(key));
    }

    /// Every temporary key, by SecretId.
    pub fn temporaries(&self) -> Vec<Arc<TempKey>> {
        let mut all: Vec<_> = self.temporary.iter().map(|k| k.value().clone()).collect();
        all.sort_by(|a, b| a.secret_id.cmp(&b.secret_id));
        all
    }

    /// Replaces every temporary key (import, and loading a data directory); tells no one.
    pub fn replace_temporaries(&self, keys: Vec<Arc<TempKey>>) {
        self.temporary.clear();
        for k in keys {
            self.temporary.insert(k.secret_id.clone(), k);
        }
    }

    /// The permanent COS identity (root, sub-account or role) whose label is `label`.
    pub fn identity(&self, label: &str) -> Option<Caller> {
        self.keys
            .values()
            .map(|k| &k.caller)
            .find(|c| c.label() == label)
            .cloned()
            .or_else(|| {
                let (root, name) = label.split_once("/role:")?;
                let appid = self.keys.values().find_map(|k| match &k.caller {
                    Caller::Root { uin, appid } if uin == root => Some(appid.clone()),
                    _ => None,
                })?;
                self.role(root, name, &appid)
            })
    }

    pub fn temporary(&self, secret_id: &str) -> Option<Arc<TempKey>> {
        self.temporary.get(secret_id).map(|k| k.clone())
    }

    /// Forgets every temporary key (on reset).
    pub fn clear_temporary(&self) {
        self.temporary.clear();
        self.on_change.call(&KeyEvent::Cleared);
    }
}

/// Signature checks that depend on the clock.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Now, Unix seconds.
    pub now: u64,
    /// How far in the future a signature may start.
    pub skew: u64,
}

impl Clock {
    /// A signature window `[start, end]`: past its end → 403 `AccessDenied` "Request has expired"
    /// (the node SDK matches that exact message to correct its clock); starting more than the skew
    /// in the future → 403 `RequestTimeTooSkewed`.
    pub fn check_window(&self, start: u64, end: u64) -> Result<(), CosError> {
        if self.now > end {
            return Err(CosError::with_message(
                Code::AccessDenied,
                "Request has expired",
            ));
        }
        if start > self.now.saturating_add(self.skew) {
            return Err(CosError::new(Code::RequestTimeTooSkewed));
        }
        Ok(())
    }
}

/// Authenticates a request: anonymous when unsigned, else the signer, or the COS error that says why not.
pub fn authenticate(req: &CosRequest, keys: &KeyRing, clock: Clock) -> Result<Caller, CosError> {
    let raw = req.headers.get("authorization").map(|v| v.as_bytes());
    if raw.is_some_and(|v| std::str::from_utf8(v).is_err()) {
        return Err(CosError::with_message(
            Code::AccessDenied,
            "The Authorization you provided is malformed: it is not UTF-8 text.",
        ));
    }
    let header = req
        .header("authorization")
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if header.is_none() && cos_sign::from_query(&req.raw_query).is_none() {
        if let Some(v4) = v4_sign::from_sign_param(&req.raw_query) {
            return authenticate_v4(req, keys, clock, v4);
        }
    }
    let parts = match header {
        Some(value) => cos_sign::from_authorization(value).map_err(malformed)?,
        None => match cos_sign::from_query(&req.raw_query)
            .or_else(|| cos_sign::from_sign_param(&req.raw_query))
        {
            Some(parsed) => parsed.map_err(malformed)?,
            None => return Ok(Caller::Anonymous),
        },
    };
    let token = req
        .header("x-cos-security-token")
        .or_else(|| req.param("x-cos-security-token"));
    let (secret_key, caller) = resolve_key(keys, &parts.secret_id, token, clock.now)?;
    // Both windows must cover now: a SignKey (`q-key-time`) expires like the signature does.
    let (start, end) = cos_sign::parse_window(&parts.sign_time).map_err(malformed)?;
    let (key_start, key_end) = cos_sign::parse_window(&parts.key_time).map_err(malformed)?;
    clock.check_window(start, end)?;
    clock.check_window(key_start, key_end)?;
    let headers = req.header_pairs();
    let view = cos_sign::RequestView {
        method: req.method.as_str(),
        path: &req.path,
        raw_query: &req.raw_query,
        headers: &headers,
    };
    cos_sign::verify(&parts, &view, &secret_key).map_err(signature_mismatch)?;
    Ok(caller)
}

/// A legacy V4 signature in `sign=` ([`v4_sign`], where the choices are): a download of the
/// bucket it names, inside its window, signed by a known key (a temporary one with its token).
fn authenticate_v4(
    req: &CosRequest,
    keys: &KeyRing,
    clock: Clock,
    v4: Result<v4_sign::V4Sign, String>,
) -> Result<Caller, CosError> {
    let denied = |why: String| {
        CosError::with_message(
            Code::AccessDenied,
            format!("The V4 signature in sign= does not allow this request: {why}."),
        )
    };
    let v4 = v4.map_err(|e| denied(format!("it is malformed ({e})")))?;
    if !matches!(req.method.as_str(), "GET" | "HEAD") {
        return Err(denied(format!("{} is not a download", req.method)));
    }
    let bucket = req
        .bucket()
        .ok_or_else(|| denied("the request names no bucket".into()))?;
    let token = req.param("x-cos-security-token");
    let (secret_key, caller) = resolve_key(keys, &v4.secret_id, token, clock.now)?;
    clock.check_window(v4.start, v4.end)?;
    if !v4.verify(&secret_key) {
        return Err(CosError::new(Code::SignatureDoesNotMatch));
    }
    if let Some(why) = v4.scope_error(bucket, req.key()) {
        return Err(denied(why));
    }
    Ok(caller)
}

/// 403 `SignatureDoesNotMatch` with what the server computed; when the request lacks a name the
/// signature lists, the message says which.
pub fn signature_mismatch(m: cos_sign::Mismatch) -> CosError {
    let err = match &m.absent {
        None => CosError::new(Code::SignatureDoesNotMatch),
        Some(absent) => CosError::with_message(
            Code::SignatureDoesNotMatch,
            format!(
                "The request signature we calculated does not match the signature you provided: {absent}."
            ),
        ),
    };
    err.with_extra("StringToSign", m.string_to_sign)
        .with_extra("FormatString", m.format_string)
}

/// The secret and identity of a SecretId. A temporary key also needs its token (header
/// `x-cos-security-token`, the query parameter of a pre-signed URL, or the form field of a POST
/// Object) and must not have expired: missing or wrong → 403 `AccessDenied` (COS's exact code is
/// unverified), expired → 400 `ExpiredToken`. Unknown → 403 `InvalidAccessKeyId`.
pub fn resolve_key(
    keys: &KeyRing,
    secret_id: &str,
    token: Option<&str>,
    now: u64,
) -> Result<(String, Caller), CosError> {
    if let Some(key) = keys.get(secret_id) {
        return Ok((key.secret_key.clone(), key.caller.clone()));
    }
    let temp = keys
        .temporary(secret_id)
        .ok_or_else(|| CosError::new(Code::InvalidAccessKeyId))?;
    match token {
        None => Err(CosError::with_message(
            Code::AccessDenied,
            "A temporary key needs its token in x-cos-security-token.",
        )),
        Some(t) if t != temp.token => Err(CosError::with_message(
            Code::AccessDenied,
            "The x-cos-security-token does not belong to this temporary key.",
        )),
        Some(_) if now > temp.expires => Err(CosError::with_message(
            Code::ExpiredToken,
            "The temporary key token has expired.",
        )),
        Some(_) => Ok((temp.secret_key.clone(), Caller::Temporary(temp))),
    }
}

/// A signature that cannot be parsed: 403 AccessDenied naming what is wrong (COS's exact answer is
/// unverified; see the README).
fn malformed(e: cos_sign::ParseError) -> CosError {
    CosError::with_message(
        Code::AccessDenied,
        format!("The Authorization you provided is malformed: {e}."),
    )
}
