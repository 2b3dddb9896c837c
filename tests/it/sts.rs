//! cos-mock's STS: GetFederationToken / AssumeRole, and COS requests made with the keys it issues.

use base64::Engine;
use hmac::{Hmac, Mac};

use crate::util::*;

/// A temporary key: (secret id, secret key, token).
pub type TempKey = (String, String, String);

/// Signs and sends a form-style STS call as `qcloud-python-sts` does (HmacSHA1 over
/// `POST<domain>/?sorted params`, Policy URL-encoded once before the form encodes it again).
pub fn sts_call(
    s: &Server,
    secret_id: &str,
    secret_key: &str,
    params: &[(&str, &str)],
) -> serde_json::Value {
    let host = format!("127.0.0.1:{}", s.addr.port());
    let mut all: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.push(("SecretId".into(), secret_id.into()));
    all.push(("Timestamp".into(), now().to_string()));
    all.push(("Nonce".into(), "12345".into()));
    all.sort();
    let plain: Vec<String> = all.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let to_sign = format!("POST{}/?{}", "sts.tencentcloudapi.com", plain.join("&"));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret_key.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    all.push(("Signature".into(), signature));
    let form: Vec<String> = all
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect();
    let r = s
        .req("POST", "/")
        .anonymous()
        .header("Host", &host)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.join("&").as_bytes())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

fn form_encode(s: &str) -> String {
    cos_mock::auth::cos_sign::encode(s)
}

/// A GetFederationToken call with a session policy (URL-encoded as the libraries do) and extra fields.
fn federation_call(
    s: &Server,
    secret_id: &str,
    secret_key: &str,
    policy: &str,
    extra: &[(&str, &str)],
) -> serde_json::Value {
    let encoded = form_encode(policy);
    let mut params = vec![
        ("Action", "GetFederationToken"),
        ("Name", "n"),
        ("Policy", encoded.as_str()),
    ];
    params.extend_from_slice(extra);
    sts_call(s, secret_id, secret_key, &params)
}

/// The error code of an STS answer (empty when it succeeded).
fn error_code(v: &serde_json::Value) -> &str {
    v["Response"]["Error"]["Code"].as_str().unwrap_or("")
}

/// A federation token for `secret_id` with a session policy.
pub fn federation_token(s: &Server, secret_id: &str, secret_key: &str, policy: &str) -> TempKey {
    let extra = [
        ("Version", "2018-08-13"),
        ("Region", "ap-guangzhou"),
        ("DurationSeconds", "1800"),
    ];
    let v = federation_call(s, secret_id, secret_key, policy, &extra);
    let c = &v["Response"]["Credentials"];
    assert!(c.is_object(), "{v}");
    (
        c["TmpSecretId"].as_str().unwrap().into(),
        c["TmpSecretKey"].as_str().unwrap().into(),
        c["Token"].as_str().unwrap().into(),
    )
}

const PREFIX_POLICY: &str = r#"{"version":"2.0","statement":[{"action":["name/cos:PutObject","name/cos:GetObject"],"effect":"allow","resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/tmp/*"]}]}"#;

#[test]
fn get_federation_token_answers_credentials_and_expiry() {
    let s = Server::start();
    let v = federation_call(
        &s,
        SECRET_ID,
        SECRET_KEY,
        PREFIX_POLICY,
        &[("DurationSeconds", "900")],
    );
    let r = &v["Response"];
    assert!(r["Credentials"]["TmpSecretId"]
        .as_str()
        .unwrap()
        .starts_with("AKID"));
    assert!(!r["Credentials"]["Token"].as_str().unwrap().is_empty());
    let expired = r["ExpiredTime"].as_u64().unwrap();
    assert!(
        expired >= now() + 890 && expired <= now() + 910,
        "{expired}"
    );
    assert!(r["Expiration"].as_str().unwrap().ends_with('Z'));
    assert!(!r["RequestId"].as_str().unwrap().is_empty());
}

#[test]
fn temporary_key_may_do_only_what_session_policy_allows() {
    let s = Server::start();
    s.create_bucket();
    let (id, key, token) = federation_token(&s, SECRET_ID, SECRET_KEY, PREFIX_POLICY);
    let r = s
        .req("PUT", "/tmp/a.txt")
        .keys(&id, &key)
        .header("x-cos-security-token", &token)
        .body(b"t")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s
        .req("PUT", "/other/a.txt")
        .keys(&id, &key)
        .header("x-cos-security-token", &token)
        .body(b"t")
        .send();
    r.assert_error(403, "AccessDenied");
    let r = s
        .req("GET", "/tmp/a.txt")
        .keys(&id, &key)
        .header("x-cos-security-token", &token)
        .send();
    assert_eq!(r.body, b"t");
}

#[test]
fn temporary_key_without_or_with_wrong_token_is_denied() {
    let s = Server::start();
    s.create_bucket();
    let (id, key, _) = federation_token(&s, SECRET_ID, SECRET_KEY, PREFIX_POLICY);
    s.req("PUT", "/tmp/a")
        .keys(&id, &key)
        .body(b"x")
        .send()
        .assert_error(403, "AccessDenied");
    s.req("PUT", "/tmp/a")
        .keys(&id, &key)
        .header("x-cos-security-token", "nope")
        .body(b"x")
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn temporary_key_token_in_query_works() {
    let s = Server::start();
    s.create_bucket();
    let (id, key, token) = federation_token(&s, SECRET_ID, SECRET_KEY, PREFIX_POLICY);
    s.put("tmp/q.txt", b"q");
    let r = s
        .req("GET", &format!("/tmp/q.txt?x-cos-security-token={token}"))
        .keys(&id, &key)
        .send();
    assert_eq!(r.body, b"q", "{}", r.text());
}

#[test]
fn sts_bad_signature_is_signature_failure() {
    let s = Server::start();
    let v = federation_call(&s, SECRET_ID, "wrong", PREFIX_POLICY, &[]);
    assert_eq!(error_code(&v), "AuthFailure.SignatureFailure", "{v}");
}

#[test]
fn sts_unknown_secret_id_is_not_found() {
    let s = Server::start();
    let v = federation_call(&s, "AKIDNOBODY", "x", PREFIX_POLICY, &[]);
    assert_eq!(error_code(&v), "AuthFailure.SecretIdNotFound", "{v}");
}

#[test]
fn sts_session_policy_with_principal_is_rejected() {
    let s = Server::start();
    let bad = r#"{"version":"2.0","statement":[{"effect":"allow","principal":{"qcs":["qcs::cam::uin/100000000001:uin/100000000001"]},"action":["*"],"resource":["*"]}]}"#;
    let v = federation_call(&s, SECRET_ID, SECRET_KEY, bad, &[]);
    assert_eq!(error_code(&v), "InvalidParameter.PolicyInvalid", "{v}");
    let message = v["Response"]["Error"]["Message"].as_str().unwrap_or("");
    assert!(message.contains("statement[0]"), "{v}");
}

#[test]
fn sts_duration_out_of_range_is_invalid_parameter_value() {
    let s = Server::start();
    let v = federation_call(
        &s,
        SECRET_ID,
        SECRET_KEY,
        PREFIX_POLICY,
        &[("DurationSeconds", "7201")],
    );
    assert_eq!(error_code(&v), "InvalidParameterValue", "{v}");
}

#[test]
fn sts_unknown_action_is_invalid_action() {
    let s = Server::start();
    let v = sts_call(
        &s,
        SECRET_ID,
        SECRET_KEY,
        &[("Action", "GetCallerIdentity")],
    );
    assert_eq!(v["Response"]["Error"]["Code"], "InvalidAction");
}

#[test]
fn sts_stale_timestamp_is_signature_expire() {
    let s = Server::start();
    let host = format!("127.0.0.1:{}", s.addr.port());
    let r = s
        .req("POST", "/")
        .anonymous()
        .header("Host", &host)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            format!(
                "Action=GetFederationToken&SecretId={SECRET_ID}&Timestamp=1000&Nonce=1&Signature=x"
            )
            .as_bytes(),
        )
        .send();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        v["Response"]["Error"]["Code"],
        "AuthFailure.SignatureExpire"
    );
}

#[test]
fn multipart_form_post_on_service_is_not_sts() {
    let s = Server::start();
    let host = format!("127.0.0.1:{}", s.addr.port());
    let r = s
        .req("POST", "/")
        .anonymous()
        .header("Host", &host)
        .header("Content-Type", "multipart/form-data; boundary=x")
        .body(b"--x--")
        .send();
    assert_ne!(r.header("Content-Type"), Some("application/json"));
}

#[test]
fn sts_answers_on_the_bare_host_with_a_default_bucket() {
    let config = cos_mock::config::Config {
        default_bucket: Some(BUCKET.into()),
        ..Default::default()
    };
    let s = Server::with_config(config);
    let v = federation_call(&s, SECRET_ID, SECRET_KEY, PREFIX_POLICY, &[]);
    assert!(
        v["Response"]["Credentials"]["TmpSecretId"].is_string(),
        "{v}"
    );
}

#[test]
fn assume_role_only_by_the_root_account() {
    let mut config = cos_mock::config::Config::default();
    let all = serde_json::json!({"version":"2.0","statement":[{"effect":"allow","action":["name/cos:*"],"resource":["*"]}]});
    config.accounts[0].roles.push(cos_mock::config::Role {
        name: "admin".into(),
        policies: vec![all],
    });
    config.accounts[0].users.push(cos_mock::config::SubUser {
        uin: "100000000012".into(),
        secret_id: "AKIDSUB12".into(),
        secret_key: "sub-12".into(),
        policies: vec![],
    });
    let s = Server::with_config(config);
    let params = [
        ("Action", "AssumeRole"),
        ("RoleArn", "qcs::cam::uin/100000000001:roleName/admin"),
        ("RoleSessionName", "t"),
    ];
    let v = sts_call(&s, "AKIDSUB12", "sub-12", &params);
    assert_eq!(
        v["Response"]["Error"]["Code"], "AuthFailure.UnauthorizedOperation",
        "{v}"
    );
    let v = sts_call(&s, SECRET_ID, SECRET_KEY, &params);
    assert!(
        v["Response"]["Credentials"]["TmpSecretId"].is_string(),
        "{v}"
    );
    let v = sts_call(
        &s,
        SECRET_ID,
        SECRET_KEY,
        &[
            ("Action", "AssumeRole"),
            ("RoleArn", "qcs::cam::uin/100000000001:roleName/nope"),
            ("RoleSessionName", "t"),
        ],
    );
    assert_eq!(
        v["Response"]["Error"]["Code"], "ResourceNotFound.RoleNotExist",
        "{v}"
    );
}
