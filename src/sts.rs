//! cos-mock's own STS: `GetFederationToken` and `AssumeRole`, in the form-encoded HmacSHA1/SHA256
//! style of the `qcloud-cos-sts` libraries and the JSON TC3-HMAC-SHA256 style of the official Tencent
//! Cloud SDKs. The request signature is verified; the session policy is validated; the key issued is
//! remembered in the key ring, so COS requests signed with it are authorized against it.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Value};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::auth::{Caller, TempKey};
use crate::policy::{self, Limits, PolicyKind};
use crate::request::{parse_query, strip_port, CosRequest};
use crate::response::Reply;
use crate::AppState;

/// Longest temporary key, in seconds, by who asks (Tencent's FAQ: 2 h for a root account's
/// federation token, 36 h for a sub-account's, 12 h for a role).
pub const MAX_ROOT_SECONDS: u64 = 7200;
pub const MAX_SUB_SECONDS: u64 = 129_600;
pub const MAX_ROLE_SECONDS: u64 = 43_200;
/// `DurationSeconds` when none is given.
pub const DEFAULT_SECONDS: u64 = 1800;

/// An STS error, answered as `{"Response":{"Error":{"Code","Message"},"RequestId"}}` with status 200,
/// as Tencent Cloud APIs do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsError {
    pub code: &'static str,
    pub message: String,
}

fn err(code: &'static str, message: impl Into<String>) -> StsError {
    StsError {
        code,
        message: message.into(),
    }
}

/// Answers an STS call (always 200 with a JSON body; errors inside it).
pub fn handle(state: &AppState, req: &CosRequest, now: SystemTime, request_id: &str) -> Reply {
    let body = match issue(state, req, now) {
        Ok(mut ok) => {
            ok["RequestId"] = Value::String(request_id.to_string());
            json!({ "Response": ok })
        }
        Err(e) => {
            json!({ "Response": { "Error": { "Code": e.code, "Message": e.message }, "RequestId": request_id } })
        }
    };
    Reply::json(body.to_string())
}

/// The parameters of the call, whichever style it came in.
struct Call {
    action: String,
    params: BTreeMap<String, String>,
    caller: Caller,
}

fn issue(state: &AppState, req: &CosRequest, now: SystemTime) -> Result<Value, StsError> {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let call = if req
        .header("authorization")
        .is_some_and(|a| a.starts_with("TC3-HMAC-SHA256"))
    {
        tc3_call(state, req, secs)?
    } else {
        form_call(state, req, secs)?
    };
    let p = |name: &str| {
        call.params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let (parent, max) = match call.action.as_str() {
        "GetFederationToken" => {
            p("Name").ok_or_else(|| {
                err(
                    "MissingParameter",
                    "The request is missing the required parameter Name.",
                )
            })?;
            let max = if matches!(call.caller, Caller::Root { .. }) {
                MAX_ROOT_SECONDS
            } else {
                MAX_SUB_SECONDS
            };
            (call.caller.clone(), max)
        }
        "AssumeRole" => {
            let arn = p("RoleArn").ok_or_else(|| {
                err(
                    "MissingParameter",
                    "The request is missing the required parameter RoleArn.",
                )
            })?;
            p("RoleSessionName").ok_or_else(|| {
                err(
                    "MissingParameter",
                    "The request is missing the required parameter RoleSessionName.",
                )
            })?;
            (assumed_role(state, &call.caller, arn)?, MAX_ROLE_SECONDS)
        }
        other => {
            return Err(err(
                "InvalidAction",
                format!("cos-mock's STS does not implement the action {other:?}."),
            ))
        }
    };
    let duration = match p("DurationSeconds") {
        None => DEFAULT_SECONDS,
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|d| (1..=max).contains(d))
            .ok_or_else(|| {
                err(
                    "InvalidParameterValue",
                    format!("DurationSeconds must be an integer from 1 to {max}, got {v:?}."),
                )
            })?,
    };
    let session_policy = match p("Policy") {
        Some(text) => Some(session_policy(text)?),
        None if call.action == "GetFederationToken" => {
            return Err(err(
                "MissingParameter",
                "The request is missing the required parameter Policy.",
            ))
        }
        None => None,
    };
    let expires = secs + duration;
    let key = TempKey {
        secret_id: format!("AKID{}", random(32)),
        secret_key: random(32),
        token: random(96),
        expires,
        parent,
        policy_text: session_policy.as_ref().map(|(_, text)| text.clone()),
        policy: session_policy.map(|(policy, _)| policy),
    };
    let expiration = crate::clock::rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(expires));
    let answer = json!({
        "Credentials": { "Token": key.token, "TmpSecretId": key.secret_id, "TmpSecretKey": key.secret_key },
        "ExpiredTime": expires,
        "Expiration": expiration,
    });
    state.keys.add_temporary(key);
    Ok(answer)
}

/// The session policy: URL-encoded JSON (the libraries encode it once more than the form does), or
/// plain JSON; validated as a policy without `principal`.
fn session_policy(text: &str) -> Result<(crate::policy::Policy, String), StsError> {
    let decoded = if text.trim_start().starts_with('{') {
        text.to_string()
    } else {
        crate::wire::percent_decode_lossy(text)
    };
    let policy =
        policy::parse(decoded.as_bytes(), PolicyKind::Session, &Limits::cam()).map_err(|e| {
            err(
                "InvalidParameter.PolicyInvalid",
                format!("Policy: {}", e.message),
            )
        })?;
    Ok((policy, decoded))
}

/// `qcs::cam::uin/<uin>:roleName/<name>` of the caller's own account.
fn assumed_role(state: &AppState, caller: &Caller, arn: &str) -> Result<Caller, StsError> {
    let rest = arn.strip_prefix("qcs::cam::uin/").ok_or_else(|| {
        err(
            "InvalidParameterValue",
            format!("RoleArn {arn:?} is not qcs::cam::uin/<uin>:roleName/<name>."),
        )
    })?;
    let (uin, name) = rest.split_once(":roleName/").ok_or_else(|| {
        err(
            "InvalidParameterValue",
            format!("RoleArn {arn:?} is not qcs::cam::uin/<uin>:roleName/<name>."),
        )
    })?;
    // Only the root account assumes its roles: a sub-account must not gain a role's permissions
    // beyond its own (cos-mock models no role trust policies).
    if !caller.is_root_of(uin) {
        return Err(err(
            "AuthFailure.UnauthorizedOperation",
            format!(
                "{} may not assume a role of account {uin}: only that root account may.",
                caller.label()
            ),
        ));
    }
    let appid = caller.appid().unwrap_or_default();
    state.keys.role(uin, name, appid).ok_or_else(|| {
        err(
            "ResourceNotFound.RoleNotExist",
            format!("Role {arn} does not exist."),
        )
    })
}

fn random(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// The permanent key a call is signed with.
fn signer(state: &AppState, secret_id: &str) -> Result<(String, Caller), StsError> {
    let key = state.keys.get(secret_id).ok_or_else(|| {
        err(
            "AuthFailure.SecretIdNotFound",
            format!("The SecretId {secret_id} is not found."),
        )
    })?;
    Ok((key.secret_key.clone(), key.caller.clone()))
}

fn check_time(timestamp: Option<&str>, now: u64, skew: u64) -> Result<(), StsError> {
    let t: u64 = timestamp.and_then(|t| t.parse().ok()).ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing a valid Timestamp.",
        )
    })?;
    if t.abs_diff(now) > skew {
        return Err(err(
            "AuthFailure.SignatureExpire",
            format!("Timestamp {t} is more than {skew} s away from the server time {now}."),
        ));
    }
    Ok(())
}

/// The legacy style: form fields, `Signature = base64(HMAC(SecretKey, "POST" + domain + "/?" + sorted
/// k=v))`. The domain is what the client was configured with, which the server cannot know: the Host
/// as received, without its port, and the public STS hosts are tried.
fn form_call(state: &AppState, req: &CosRequest, now: u64) -> Result<Call, StsError> {
    let text = String::from_utf8_lossy(&req.body);
    let mut params: BTreeMap<String, String> = parse_query(&text).into_iter().collect();
    for (k, v) in &req.query {
        params.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let action = params
        .get("Action")
        .cloned()
        .or_else(|| req.header("x-tc-action").map(str::to_string));
    let action = action.ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing the required parameter Action.",
        )
    })?;
    let secret_id = params.get("SecretId").cloned().ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing the required parameter SecretId.",
        )
    })?;
    let signature = params.remove("Signature").ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing the required parameter Signature.",
        )
    })?;
    let (secret_key, caller) = signer(state, &secret_id)?;
    check_time(
        params.get("Timestamp").map(String::as_str),
        now,
        state.config.clock_skew.as_secs(),
    )?;
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let query = query.join("&");
    let region = params.get("Region").cloned().unwrap_or_default();
    let sha256 = params
        .get("SignatureMethod")
        .is_some_and(|m| m == "HmacSHA256");
    let domains = [
        req.host.clone(),
        strip_port(&req.host).to_string(),
        "sts.tencentcloudapi.com".into(),
        format!("sts.{region}.tencentcloudapi.com"),
    ];
    let ok = domains.iter().any(|d| {
        let plain = format!("POST{d}/?{query}");
        let mac = if sha256 {
            hmac_sha256(secret_key.as_bytes(), plain.as_bytes())
        } else {
            hmac_sha1(secret_key.as_bytes(), plain.as_bytes())
        };
        same(
            &base64::engine::general_purpose::STANDARD.encode(mac),
            &signature,
        )
    });
    if !ok {
        return Err(err(
            "AuthFailure.SignatureFailure",
            format!("The signature does not match POST{}/?{query}.", req.host),
        ));
    }
    Ok(Call {
        action,
        params,
        caller,
    })
}

/// The TC3-HMAC-SHA256 style: JSON body, action in `X-TC-Action`.
fn tc3_call(state: &AppState, req: &CosRequest, now: u64) -> Result<Call, StsError> {
    let auth = req.header("authorization").unwrap_or_default();
    let fields: BTreeMap<&str, &str> = auth
        .trim_start_matches("TC3-HMAC-SHA256")
        .split(',')
        .filter_map(|f| f.trim().split_once('='))
        .collect();
    let credential = fields.get("Credential").ok_or_else(|| {
        err(
            "AuthFailure.InvalidAuthorization",
            "Authorization has no Credential.",
        )
    })?;
    let signed_headers = fields.get("SignedHeaders").ok_or_else(|| {
        err(
            "AuthFailure.InvalidAuthorization",
            "Authorization has no SignedHeaders.",
        )
    })?;
    let signature = fields.get("Signature").ok_or_else(|| {
        err(
            "AuthFailure.InvalidAuthorization",
            "Authorization has no Signature.",
        )
    })?;
    let mut scope = credential.splitn(2, '/');
    let secret_id = scope.next().unwrap_or_default();
    let scope = scope.next().ok_or_else(|| {
        err(
            "AuthFailure.InvalidAuthorization",
            "Credential has no scope.",
        )
    })?;
    let date = scope.split('/').next().unwrap_or_default();
    let (secret_key, caller) = signer(state, secret_id)?;
    let timestamp = req.header("x-tc-timestamp");
    check_time(timestamp, now, state.config.clock_skew.as_secs())?;
    let canonical = |lower_values: bool| {
        let mut headers = String::new();
        for name in signed_headers.split(';') {
            let value = req.header(name).unwrap_or_default().trim();
            let value = if lower_values {
                value.to_ascii_lowercase()
            } else {
                value.to_string()
            };
            headers.push_str(&format!("{name}:{value}\n"));
        }
        let payload = hex::encode(Sha256::digest(&req.body));
        let request = format!(
            "POST\n/\n{}\n{headers}\n{signed_headers}\n{payload}",
            req.raw_query
        );
        let to_sign = format!(
            "TC3-HMAC-SHA256\n{}\n{scope}\n{}",
            timestamp.unwrap_or_default(),
            hex::encode(Sha256::digest(request.as_bytes()))
        );
        let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
        let k_service = hmac_sha256(&k_date, b"sts");
        let k_signing = hmac_sha256(&k_service, b"tc3_request");
        hex::encode(hmac_sha256(&k_signing, to_sign.as_bytes()))
    };
    if !same(&canonical(false), signature) && !same(&canonical(true), signature) {
        return Err(err(
            "AuthFailure.SignatureFailure",
            "The TC3-HMAC-SHA256 signature does not match.",
        ));
    }
    let action = req
        .header("x-tc-action")
        .ok_or_else(|| {
            err(
                "MissingParameter",
                "The request is missing the X-TC-Action header.",
            )
        })?
        .to_string();
    let body: Value = crate::json::parse(&req.body).map_err(|e| match e.path() {
        Some(path) => err("InvalidParameter", format!("The body gives {path} twice.")),
        None => err("InvalidParameter", format!("The body is not JSON: {e}")),
    })?;
    let params = body
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Call {
        action,
        params,
        caller,
    })
}

/// Signatures are compared in constant time.
fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn hmac_sha1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}
