//! What OSS V1 and V4 signatures share: the request view, typed parse and verify errors, query
//! decoding, the HMAC helpers and the two date formats (RFC 1123 and `yyyymmddTHHMMSSZ`).
//!
//! Pure: no HTTP types and no clock; callers pass "now" as Unix seconds.

use std::fmt;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// How far a signed request's own time may be from now (V1 `Date`/`x-oss-date`, V4 `x-oss-date`).
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// What the verifiers need from a request, whatever addressing style carried it.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// As on the request line (`PUT`, `GET`, ...).
    pub method: &'a str,
    /// The bucket from the Host (virtual-hosted) or from the first path segment (path style).
    pub bucket: Option<&'a str>,
    /// The percent-decoded key, never normalised (`doc/./a` stays); empty for bucket operations.
    pub key: &'a str,
    /// As on the wire, without `?`.
    pub raw_query: &'a str,
    /// `(lower-case name, value as received)`; a name may repeat.
    pub headers: &'a [(String, String)],
}

impl<'a> RequestView<'a> {
    /// Every value of header `name` (lower-case), trimmed of spaces and tabs, in arrival order.
    pub fn header_values(&self, name: &str) -> Vec<&'a str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim_matches([' ', '\t']))
            .collect()
    }

    /// The first value of header `name` (lower-case), trimmed.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.header_values(name).into_iter().next()
    }
}

/// Why the signature fields could not be read. The caller answers 400 `InvalidArgument` (or
/// `AccessDenied` for a bad date, as OSS does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// A required field is absent (the name of the field).
    Missing(&'static str),
    /// A field is present but unusable (the name of the field, the offending value or a reason).
    Malformed(&'static str, String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Missing(field) => write!(f, "{field} is missing"),
            ParseError::Malformed(field, value) => write!(f, "{field} is malformed: {value:?}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// What the server computed when a signature did not match; OSS echoes these in `SignatureDoesNotMatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub string_to_sign: String,
    /// V4 only (V1 has no canonical request).
    pub canonical_request: Option<String>,
}

/// Why a well-formed signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// 403 `SignatureDoesNotMatch`.
    Mismatch(Mismatch),
    /// A header the signature names (V4 `AdditionalHeaders`) is absent: a signature binds exactly
    /// what it lists, so this never verifies. 403 `SignatureDoesNotMatch`.
    MissingSignedHeader(String),
    /// The request's date is absent or unreadable (the header or parameter, the value). 403 `AccessDenied`.
    BadDate(&'static str, String),
    /// The request's date is more than [`MAX_SKEW_SECS`] from now. 403 `RequestTimeTooSkewed`.
    TimeTooSkewed { request_time: i64, now: i64 },
    /// A pre-signed URL used after its expiry. 403 `AccessDenied`.
    Expired { expires: i64, now: i64 },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Mismatch(m) => {
                write!(
                    f,
                    "signature mismatch; string to sign {:?}",
                    m.string_to_sign
                )
            }
            VerifyError::MissingSignedHeader(h) => write!(f, "signed header {h:?} is missing"),
            VerifyError::BadDate(field, v) => write!(f, "{field} is not a valid date: {v:?}"),
            VerifyError::TimeTooSkewed { request_time, now } => {
                write!(f, "request time {request_time} is too far from {now}")
            }
            VerifyError::Expired { expires, now } => write!(f, "expired at {expires}, now {now}"),
        }
    }
}

impl std::error::Error for VerifyError {}

pub use crate::wire::parse_query as query_pairs;

/// `HMAC-SHA1(key, message)`.
pub fn hmac_sha1(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// `HMAC-SHA256(key, message)`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Unix seconds of an HTTP date (`Sun, 22 Nov 2026 08:46:35 GMT`, and the obsolete forms).
pub fn parse_http_date(s: &str) -> Option<i64> {
    crate::clock::parse_http_date(s.trim()).map(|t| crate::clock::unix(t) as i64)
}

/// Unix seconds of an ISO 8601 basic UTC time, `yyyymmddTHHMMSSZ` (V4's `x-oss-date`).
pub fn parse_iso8601_basic(s: &str) -> Option<i64> {
    crate::clock::parse_iso8601_basic(s)
}

/// `Ok` when `request_time` is within [`MAX_SKEW_SECS`] of `now`.
pub fn check_skew(request_time: i64, now: i64) -> Result<(), VerifyError> {
    if (request_time - now).abs() > MAX_SKEW_SECS {
        return Err(VerifyError::TimeTooSkewed { request_time, now });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_iso8601_basic_vector_and_invalid() {
        assert_eq!(parse_iso8601_basic("20231216T162057Z"), Some(1702743657));
        assert_eq!(parse_iso8601_basic("19700101T000000Z"), Some(0));
        assert_eq!(parse_iso8601_basic("20240229T000000Z"), Some(1709164800));
        for bad in [
            "",
            "20231216T162057",
            "20231216 162057Z",
            "20231316T162057Z",
            "20230229T000000Z",
            "2023121aT162057Z",
            "20231216T246057Z",
        ] {
            assert_eq!(parse_iso8601_basic(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parse_http_date_rfc1123() {
        assert_eq!(
            parse_http_date("Wed, 28 Dec 2022 10:27:41 GMT"),
            Some(1672223261)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn query_pairs_decodes_and_keeps_bare_names() {
        assert_eq!(
            query_pairs("acl&policy=&a%2Bb=c+d%2F&&x=1=2"),
            [
                ("acl".to_string(), String::new()),
                ("policy".into(), String::new()),
                ("a+b".into(), "c d/".into()),
                ("x".into(), "1=2".into()),
            ]
        );
    }

    #[test]
    fn check_skew_fifteen_minutes_each_way() {
        assert!(check_skew(1000, 1000 + 900).is_ok());
        assert!(check_skew(1000 + 900, 1000).is_ok());
        assert!(check_skew(1000, 1000 + 901).is_err());
        assert!(check_skew(1000 + 901, 1000).is_err());
    }

    #[test]
    fn header_lookup_is_case_insensitive_and_trimmed() {
        let headers = vec![
            ("x-oss-meta-a".to_string(), " 1 ".to_string()),
            ("X-OSS-META-A".to_string(), "2".to_string()),
        ];
        let req = RequestView {
            method: "GET",
            bucket: None,
            key: "",
            raw_query: "",
            headers: &headers,
        };
        assert_eq!(req.header_values("x-oss-meta-a"), ["1", "2"]);
        assert_eq!(req.header("x-oss-meta-b"), None);
    }
}
