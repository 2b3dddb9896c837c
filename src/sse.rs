//! Server-side encryption: the `x-cos-server-side-encryption*` request headers (SSE-COS, SSE-KMS,
//! SSE-C), the headers an object answers with, the SSE-C key check on reads, and the bucket's default
//! (`ServerSideEncryptionConfiguration` of `?encryption`). Pure: nothing is encrypted, cos-mock only
//! validates, stores and echoes, as COS's clients see it.
//!
//! Choices where COS documents no behaviour (S3's where it has one):
//! - `x-cos-server-side-encryption` other than `AES256` or `cos/kms`, a KMS key id or context
//!   without `cos/kms`, a context that is not base64 of a JSON object, SSE headers together with
//!   SSE-C headers, an incomplete SSE-C set, an SSE-C key that is not base64 of 32 bytes, or a key
//!   MD5 that does not match the key → 400 `InvalidArgument`;
//! - an SSE-C algorithm other than `AES256` → 400 `InvalidEncryptionAlgorithmError`;
//! - reading an SSE-C object without its key → 400 `InvalidRequest`; with another key → 403
//!   `AccessDenied`; SSE-C headers on an object that is not SSE-C → 400 `InvalidRequest`;
//! - SSE-C answers echo the algorithm and the key's MD5, never the key; SSE-KMS echoes the key id only
//!   when one was given (cos-mock has no default CMK id to name); the context is never echoed;
//! - the bucket default (`AES256`, `SM4` or `KMS` with an optional `KMSMasterKeyID`) applies to new
//!   objects written without any SSE header, and is echoed as if the headers had been sent.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Code, CosError};

pub const SSE: &str = "x-cos-server-side-encryption";
pub const KMS_KEY_ID: &str = "x-cos-server-side-encryption-cos-kms-key-id";
pub const CONTEXT: &str = "x-cos-server-side-encryption-context";
pub const CUSTOMER_ALGORITHM: &str = "x-cos-server-side-encryption-customer-algorithm";
pub const CUSTOMER_KEY: &str = "x-cos-server-side-encryption-customer-key";
pub const CUSTOMER_KEY_MD5: &str = "x-cos-server-side-encryption-customer-key-md5";
/// What the SSE-C headers start with on a copy's source.
pub const COPY_SOURCE_PREFIX: &str = "x-cos-copy-source-";

/// The headers an object answers with (lower-case names, in answer order).
pub type Echo = Vec<(String, String)>;

fn invalid(message: impl Into<String>) -> CosError {
    CosError::with_message(Code::InvalidArgument, message)
}

/// A bucket's default encryption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketEncryption {
    /// `AES256`, `SM4` or `KMS`.
    pub algorithm: String,
    pub kms_key_id: Option<String>,
}

/// Algorithms a bucket default may name.
const BUCKET_ALGORITHMS: &[&str] = &["AES256", "SM4", "KMS"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Configuration {
    #[serde(rename = "Rule")]
    rule: Rule,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Rule {
    /// COS also accepts `ApplySideEncryptionConfiguration`: the node SDK's own test suite sends that
    /// name to the real service and expects 200.
    #[serde(
        rename = "ApplyServerSideEncryptionByDefault",
        alias = "ApplySideEncryptionConfiguration"
    )]
    apply: Apply,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Apply {
    #[serde(rename = "SSEAlgorithm")]
    algorithm: String,
    #[serde(
        rename = "KMSMasterKeyID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    kms_key_id: Option<String>,
}

/// Parses PUT `?encryption`: a missing element or a second `Rule` is `MalformedXML`; an unknown
/// algorithm or a key id without `KMS` is `InvalidArgument`.
pub fn config_from_xml(body: &[u8]) -> Result<BucketEncryption, CosError> {
    crate::xml::check_root(body, "ServerSideEncryptionConfiguration")?;
    let doc: Configuration = crate::xml::from_xml(body)?;
    let Apply {
        algorithm,
        kms_key_id,
    } = doc.rule.apply;
    let algorithm = algorithm.trim().to_string();
    if !BUCKET_ALGORITHMS.contains(&algorithm.as_str()) {
        return Err(invalid(format!(
            "SSEAlgorithm must be one of {}, got {algorithm:?}.",
            BUCKET_ALGORITHMS.join(", ")
        )));
    }
    if kms_key_id.is_some() && algorithm != "KMS" {
        return Err(invalid(
            "KMSMasterKeyID is only allowed with SSEAlgorithm KMS.",
        ));
    }
    Ok(BucketEncryption {
        algorithm,
        kms_key_id: kms_key_id.filter(|k| !k.is_empty()),
    })
}

/// Renders GET `?encryption`.
pub fn config_to_xml(config: &BucketEncryption) -> Result<String, CosError> {
    let doc = Configuration {
        rule: Rule {
            apply: Apply {
                algorithm: config.algorithm.clone(),
                kms_key_id: config.kms_key_id.clone(),
            },
        },
    };
    crate::xml::to_xml("ServerSideEncryptionConfiguration", &doc)
}

/// The validated SSE-C headers under `prefix` (`x-cos-` or `x-cos-copy-source-`): the key's base64
/// MD5, or `None` when no SSE-C header is present.
fn customer_key_md5<'a>(
    h: &impl Fn(&str) -> Option<&'a str>,
    prefix: &str,
) -> Result<Option<String>, CosError> {
    // The names are COS's constants unless another dialect's prefix is asked for (no allocation on
    // every read).
    let name = |n: &'static str| -> std::borrow::Cow<'static, str> {
        if prefix == "x-cos-" {
            n.into()
        } else {
            format!("{prefix}{}", n.trim_start_matches("x-cos-")).into()
        }
    };
    let (alg, key, md5) = (
        h(&name(CUSTOMER_ALGORITHM)),
        h(&name(CUSTOMER_KEY)),
        h(&name(CUSTOMER_KEY_MD5)),
    );
    if alg.is_none() && key.is_none() && md5.is_none() {
        return Ok(None);
    }
    let (Some(alg), Some(key)) = (alg, key) else {
        return Err(invalid(format!(
            "SSE-C needs both {} and {}.",
            name(CUSTOMER_ALGORITHM),
            name(CUSTOMER_KEY)
        )));
    };
    if alg != "AES256" {
        return Err(CosError::with_message(
            Code::InvalidEncryptionAlgorithmError,
            format!("The SSE-C algorithm must be AES256, got {alg:?}."),
        ));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let raw = b64
        .decode(key.trim())
        .ok()
        .filter(|k| k.len() == 32)
        .ok_or_else(|| invalid("The SSE-C key must be the base64 of 32 bytes."))?;
    let computed = b64.encode(crate::checksum::md5(&raw));
    if md5.is_some_and(|m| m.trim() != computed) {
        return Err(invalid(
            "The calculated MD5 hash of the SSE-C key did not match the hash that was provided.",
        ));
    }
    Ok(Some(computed))
}

/// The encryption of an object written with these request headers (`h` looks a header up by its
/// lower-case name) into a bucket with `default`: what the object answers with.
pub fn for_new_object<'a>(
    h: impl Fn(&str) -> Option<&'a str>,
    default: Option<&BucketEncryption>,
) -> Result<Echo, CosError> {
    let customer = customer_key_md5(&h, "x-cos-")?;
    let (sse, key_id, context) = (h(SSE), h(KMS_KEY_ID), h(CONTEXT));
    if let Some(md5) = customer {
        if sse.is_some() || key_id.is_some() || context.is_some() {
            return Err(invalid(
                "SSE-C cannot be combined with x-cos-server-side-encryption.",
            ));
        }
        return Ok(vec![
            (CUSTOMER_ALGORITHM.to_string(), "AES256".to_string()),
            (CUSTOMER_KEY_MD5.to_string(), md5),
        ]);
    }
    let Some(sse) = sse else {
        if key_id.is_some() || context.is_some() {
            return Err(invalid(format!(
                "{KMS_KEY_ID} and {CONTEXT} need {SSE}: cos/kms."
            )));
        }
        return Ok(default.map(default_echo).unwrap_or_default());
    };
    match sse {
        "AES256" if key_id.is_none() && context.is_none() => {
            Ok(vec![(SSE.to_string(), "AES256".to_string())])
        }
        "cos/kms" => {
            if let Some(c) = context {
                check_context(c)?;
            }
            let mut echo = vec![(SSE.to_string(), "cos/kms".to_string())];
            if let Some(id) = key_id.filter(|k| !k.is_empty()) {
                echo.push((KMS_KEY_ID.to_string(), id.to_string()));
            }
            Ok(echo)
        }
        "AES256" => Err(invalid(format!(
            "{KMS_KEY_ID} and {CONTEXT} need {SSE}: cos/kms."
        ))),
        other => Err(invalid(format!(
            "{SSE} must be AES256 or cos/kms, got {other:?}."
        ))),
    }
}

/// The headers a bucket default stands for.
fn default_echo(d: &BucketEncryption) -> Echo {
    match d.algorithm.as_str() {
        "KMS" => {
            let mut echo = vec![(SSE.to_string(), "cos/kms".to_string())];
            if let Some(id) = &d.kms_key_id {
                echo.push((KMS_KEY_ID.to_string(), id.clone()));
            }
            echo
        }
        other => vec![(SSE.to_string(), other.to_string())],
    }
}

/// `x-cos-server-side-encryption-context`: base64 of a JSON object.
fn check_context(context: &str) -> Result<(), CosError> {
    let json = base64::engine::general_purpose::STANDARD
        .decode(context.trim())
        .ok()
        .and_then(|raw| serde_json::from_slice::<serde_json::Value>(&raw).ok());
    match json {
        Some(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(invalid(format!(
            "{CONTEXT} must be the base64 of a JSON object."
        ))),
    }
}

/// Whether an object's stored encryption is SSE-C; its key's MD5 if so.
fn stored_customer_md5(stored: &[(String, String)]) -> Option<&str> {
    stored
        .iter()
        .find(|(n, _)| n == CUSTOMER_KEY_MD5)
        .map(|(_, v)| v.as_str())
}

/// Checks that a read (GET/HEAD, a copy's source with `prefix` `x-cos-copy-source-`, an Upload
/// Part into an SSE-C upload) carries the SSE-C key the object was written with.
pub fn check_read<'a>(
    stored: &[(String, String)],
    h: impl Fn(&str) -> Option<&'a str>,
    prefix: &str,
) -> Result<(), CosError> {
    let given = customer_key_md5(&h, prefix)?;
    match (stored_customer_md5(stored), given) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(CosError::with_message(
            Code::InvalidRequest,
            "The encryption parameters are not applicable to this object.",
        )),
        (Some(_), None) => Err(CosError::with_message(
            Code::InvalidRequest,
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.",
        )),
        (Some(want), Some(got)) if want == got => Ok(()),
        (Some(_), Some(_)) => Err(CosError::with_message(
            Code::AccessDenied,
            "Access Denied. (the SSE-C key does not match the object's key)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="; // "0123...901" (32 bytes)

    fn key_md5() -> String {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(KEY)
            .unwrap();
        base64::engine::general_purpose::STANDARD.encode(crate::checksum::md5(&raw))
    }

    fn headers(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<&'static str> {
        let owned: Vec<(String, &'static str)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), &*Box::leak(v.to_string().into_boxed_str())))
            .collect();
        move |n: &str| owned.iter().find(|(k, _)| k == n).map(|(_, v)| *v)
    }

    #[test]
    fn sse_headers_echo() {
        assert_eq!(for_new_object(headers(&[]), None).unwrap(), Echo::new());
        assert_eq!(
            for_new_object(headers(&[(SSE, "AES256")]), None).unwrap(),
            vec![(SSE.to_string(), "AES256".to_string())]
        );
        let ctx = base64::engine::general_purpose::STANDARD.encode(r#"{"a":"b"}"#);
        let kms = for_new_object(
            headers(&[(SSE, "cos/kms"), (KMS_KEY_ID, "kid"), (CONTEXT, &ctx)]),
            None,
        )
        .unwrap();
        assert_eq!(kms[1], (KMS_KEY_ID.to_string(), "kid".to_string()));
        let md5 = key_md5();
        let c = for_new_object(
            headers(&[
                (CUSTOMER_ALGORITHM, "AES256"),
                (CUSTOMER_KEY, KEY),
                (CUSTOMER_KEY_MD5, &md5),
            ]),
            None,
        )
        .unwrap();
        assert_eq!(c[1], (CUSTOMER_KEY_MD5.to_string(), md5.clone()));
        assert!(!c.iter().any(|(_, v)| v == KEY));
    }

    #[test]
    fn sse_bucket_default_applies_without_headers() {
        let d = BucketEncryption {
            algorithm: "KMS".into(),
            kms_key_id: Some("k1".into()),
        };
        let echo = for_new_object(headers(&[]), Some(&d)).unwrap();
        assert_eq!(echo[0].1, "cos/kms");
        assert_eq!(echo[1].1, "k1");
        let given = for_new_object(headers(&[(SSE, "AES256")]), Some(&d)).unwrap();
        assert_eq!(given, vec![(SSE.to_string(), "AES256".to_string())]);
    }

    #[test]
    fn sse_bad_headers_are_rejected_with_codes() {
        let md5 = key_md5();
        let short = base64::engine::general_purpose::STANDARD.encode([0u8; 16]);
        let cases: Vec<(Vec<(&str, &str)>, Code)> = vec![
            (vec![(SSE, "aes256")], Code::InvalidArgument),
            (vec![(SSE, "KMS")], Code::InvalidArgument),
            (vec![(KMS_KEY_ID, "k")], Code::InvalidArgument),
            (
                vec![(SSE, "AES256"), (KMS_KEY_ID, "k")],
                Code::InvalidArgument,
            ),
            (
                vec![(SSE, "cos/kms"), (CONTEXT, "not base64!")],
                Code::InvalidArgument,
            ),
            (
                vec![(SSE, "cos/kms"), (CONTEXT, "WzFd")],
                Code::InvalidArgument,
            ), // [1]
            (vec![(CUSTOMER_ALGORITHM, "AES256")], Code::InvalidArgument),
            (
                vec![(CUSTOMER_ALGORITHM, "AES128"), (CUSTOMER_KEY, KEY)],
                Code::InvalidEncryptionAlgorithmError,
            ),
            (
                vec![(CUSTOMER_ALGORITHM, "AES256"), (CUSTOMER_KEY, &short)],
                Code::InvalidArgument,
            ),
            (
                vec![
                    (CUSTOMER_ALGORITHM, "AES256"),
                    (CUSTOMER_KEY, KEY),
                    (CUSTOMER_KEY_MD5, "AAAA"),
                ],
                Code::InvalidArgument,
            ),
            (
                vec![
                    (CUSTOMER_ALGORITHM, "AES256"),
                    (CUSTOMER_KEY, KEY),
                    (CUSTOMER_KEY_MD5, &md5),
                    (SSE, "AES256"),
                ],
                Code::InvalidArgument,
            ),
        ];
        for (h, code) in cases {
            assert_eq!(
                for_new_object(headers(&h), None).unwrap_err().code,
                code,
                "{h:?}"
            );
        }
    }

    #[test]
    fn sse_customer_reads_need_the_same_key() {
        let md5 = key_md5();
        let stored = vec![
            (CUSTOMER_ALGORITHM.to_string(), "AES256".to_string()),
            (CUSTOMER_KEY_MD5.to_string(), md5),
        ];
        let with = [(CUSTOMER_ALGORITHM, "AES256"), (CUSTOMER_KEY, KEY)];
        assert!(check_read(&stored, headers(&with), "x-cos-").is_ok());
        let other = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let wrong = [
            (CUSTOMER_ALGORITHM, "AES256"),
            (CUSTOMER_KEY, other.as_str()),
        ];
        let code = |r: Result<(), CosError>| r.unwrap_err().code;
        assert_eq!(
            code(check_read(&stored, headers(&wrong), "x-cos-")),
            Code::AccessDenied
        );
        assert_eq!(
            code(check_read(&stored, headers(&[]), "x-cos-")),
            Code::InvalidRequest
        );
        assert_eq!(
            code(check_read(&[], headers(&with), "x-cos-")),
            Code::InvalidRequest
        );
        let copy = [
            (
                "x-cos-copy-source-server-side-encryption-customer-algorithm",
                "AES256",
            ),
            ("x-cos-copy-source-server-side-encryption-customer-key", KEY),
        ];
        assert!(check_read(&stored, headers(&copy), COPY_SOURCE_PREFIX).is_ok());
    }

    #[test]
    fn encryption_config_round_trips_and_validates() {
        let alias = "<ServerSideEncryptionConfiguration><Rule><ApplySideEncryptionConfiguration>\
            <SSEAlgorithm>AES256</SSEAlgorithm></ApplySideEncryptionConfiguration></Rule>\
            </ServerSideEncryptionConfiguration>";
        assert_eq!(
            config_from_xml(alias.as_bytes()).unwrap().algorithm,
            "AES256"
        );
        let doc = "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>\
            <SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>kid</KMSMasterKeyID>\
            </ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>";
        let c = config_from_xml(doc.as_bytes()).unwrap();
        assert_eq!(c.kms_key_id.as_deref(), Some("kid"));
        let xml = config_to_xml(&c).unwrap();
        assert_eq!(config_from_xml(xml.as_bytes()).unwrap(), c);
        let wrap = |inner: &str| {
            format!("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>{inner}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>")
        };
        let cases = [
            ("".to_string(), Code::MalformedXML),
            (
                "<ServerSideEncryptionConfiguration/>".to_string(),
                Code::MalformedXML,
            ),
            ("<Other><Rule/></Other>".to_string(), Code::MalformedXML),
            (wrap(""), Code::MalformedXML),
            (
                wrap("<SSEAlgorithm>DES</SSEAlgorithm>"),
                Code::InvalidArgument,
            ),
            (
                wrap("<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID>"),
                Code::InvalidArgument,
            ),
        ];
        for (body, code) in cases {
            assert_eq!(
                config_from_xml(body.as_bytes()).unwrap_err().code,
                code,
                "{body}"
            );
        }
    }
}
