//! Who is calling: the request's signature (Authorization header or pre-signed query) is checked
//! against the key ring, giving a `Caller`; unsigned requests are anonymous.

pub mod cos_sign;

use std::collections::HashMap;

use crate::config::Config;
use crate::error::{Code, CosError};
use crate::request::CosRequest;

/// The identity a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl Caller {
    /// How the caller is written in logs and the journal: `<uin>`, `<root>/<sub>` or `anonymous`.
    pub fn label(&self) -> String {
        match self {
            Caller::Anonymous => "anonymous".into(),
            Caller::Root { uin, .. } => uin.clone(),
            Caller::SubUser { root_uin, uin, .. } => format!("{root_uin}/{uin}"),
        }
    }

    /// The root account the caller belongs to.
    pub fn root_uin(&self) -> Option<&str> {
        match self {
            Caller::Anonymous => None,
            Caller::Root { uin, .. } => Some(uin),
            Caller::SubUser { root_uin, .. } => Some(root_uin),
        }
    }

    /// The APPID of the caller's root account.
    pub fn appid(&self) -> Option<&str> {
        match self {
            Caller::Anonymous => None,
            Caller::Root { appid, .. } | Caller::SubUser { appid, .. } => Some(appid),
        }
    }

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

/// Every known SecretId.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    keys: HashMap<String, Key>,
}

impl KeyRing {
    pub fn from_config(config: &Config) -> KeyRing {
        let mut keys = HashMap::new();
        for a in &config.accounts {
            let root = Caller::Root {
                uin: a.uin.clone(),
                appid: a.appid.clone(),
            };
            keys.insert(
                a.secret_id.clone(),
                Key {
                    secret_key: a.secret_key.clone(),
                    caller: root,
                },
            );
            for u in &a.users {
                let sub = Caller::SubUser {
                    root_uin: a.uin.clone(),
                    uin: u.uin.clone(),
                    appid: a.appid.clone(),
                };
                keys.insert(
                    u.secret_id.clone(),
                    Key {
                        secret_key: u.secret_key.clone(),
                        caller: sub,
                    },
                );
            }
        }
        KeyRing { keys }
    }

    pub fn get(&self, secret_id: &str) -> Option<&Key> {
        self.keys.get(secret_id)
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

/// Authenticates a request: anonymous when unsigned, else the signer, or the COS error that says why not.
pub fn authenticate(req: &CosRequest, keys: &KeyRing, clock: Clock) -> Result<Caller, CosError> {
    let header = req
        .header("authorization")
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let parts = match header {
        Some(value) => cos_sign::from_authorization(value).map_err(malformed)?,
        None => match cos_sign::from_query(&req.raw_query) {
            Some(parsed) => parsed.map_err(malformed)?,
            None => return Ok(Caller::Anonymous),
        },
    };
    if !parts.algorithm.eq_ignore_ascii_case("sha1") {
        return Err(CosError::with_message(
            Code::AccessDenied,
            format!(
                "Unsupported q-sign-algorithm {:?}: only sha1 is supported.",
                parts.algorithm
            ),
        ));
    }
    let key = keys
        .get(&parts.secret_id)
        .ok_or_else(|| CosError::new(Code::InvalidAccessKeyId))?;
    let (start, end) = cos_sign::parse_window(&parts.sign_time).map_err(malformed)?;
    cos_sign::parse_window(&parts.key_time).map_err(malformed)?;
    if clock.now > end {
        return Err(CosError::with_message(
            Code::AccessDenied,
            "Request has expired",
        ));
    }
    if start > clock.now + clock.skew {
        return Err(CosError::new(Code::RequestTimeTooSkewed));
    }
    let headers = req.header_pairs();
    let view = cos_sign::RequestView {
        method: req.method.as_str(),
        path: &req.path,
        raw_query: &req.raw_query,
        headers: &headers,
    };
    cos_sign::verify(&parts, &view, &key.secret_key).map_err(|m| {
        CosError::new(Code::SignatureDoesNotMatch)
            .with_extra("StringToSign", m.string_to_sign)
            .with_extra("FormatString", m.format_string)
    })?;
    Ok(key.caller.clone())
}

/// A signature that cannot be parsed: 403 AccessDenied naming what is wrong (COS's exact answer is
/// unverified; see the README).
fn malformed(e: cos_sign::ParseError) -> CosError {
    CosError::with_message(
        Code::AccessDenied,
        format!("The Authorization you provided is malformed: {e}."),
    )
}
