//! OSS signature V1: `Authorization: OSS <ak>:<sig>` and pre-signed `?OSSAccessKeyId=&Expires=&Signature=`.
//!
//! `shared/spec/cos-api.md` §8.2, each step a pure function:
//!
//! ```text
//! StringToSign = VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedOSSHeaders CanonicalizedResource
//! Signature    = base64(HMAC-SHA1(AccessKeySecret, StringToSign))
//! ```
//!
//! `Date` is `x-oss-date` when present, else `Date`; in a pre-signed URL it is the `Expires` value.
//! Content-MD5 and Content-Type count by position, so a missing one is an empty line.

use base64::Engine as _;
use subtle::ConstantTimeEq;

use super::sign::{
    check_skew, hmac_sha1, parse_http_date, query_pairs, Mismatch, ParseError, RequestView,
    VerifyError,
};

/// The query parameters V1 signs (by exact name); every other parameter is left out of the
/// canonical resource. oss2's `_subresource_key_set`, which the other SDKs agree with, plus the
/// `x-oss-ac-*` and image-style names of newer SDKs.
pub const SUBRESOURCES: &[&str] = &[
    "acl",
    "append",
    "asyncFetch",
    "bucketInfo",
    "callback",
    "callback-var",
    "cname",
    "comp",
    "continuation-token",
    "cors",
    "delete",
    "encryption",
    "endTime",
    "group",
    "inventory",
    "inventoryId",
    "lifecycle",
    "link",
    "live",
    "location",
    "logging",
    "metaQuery",
    "objectInfo",
    "objectMeta",
    "partNumber",
    "policy",
    "position",
    "qos",
    "qosInfo",
    "referer",
    "regionList",
    "replication",
    "replicationLocation",
    "replicationProgress",
    "requestPayment",
    "resourceGroup",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "security-token",
    "sequential",
    "startTime",
    "stat",
    "status",
    "style",
    "styleName",
    "symlink",
    "tagging",
    "transferAcceleration",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "vod",
    "website",
    "worm",
    "wormExtend",
    "wormId",
    "x-oss-ac-forward-allow",
    "x-oss-ac-source-ip",
    "x-oss-ac-subnet-mask",
    "x-oss-ac-vpc-id",
    "x-oss-async-process",
    "x-oss-process",
    "x-oss-request-payer",
    "x-oss-traffic-limit",
];

/// A V1 credential, from the Authorization header or a pre-signed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedV1 {
    pub access_key_id: String,
    /// Base64, as sent.
    pub signature: String,
    /// Pre-signed only: the `Expires` value (decimal Unix seconds), which is the Date line.
    pub expires: Option<String>,
}

/// Reads `OSS <ak>:<signature>`.
pub fn from_authorization(value: &str) -> Result<SignedV1, ParseError> {
    let value = value.trim();
    let rest = value
        .strip_prefix("OSS ")
        .ok_or_else(|| ParseError::Malformed("Authorization", value.to_string()))?;
    let (ak, signature) = rest
        .trim()
        .split_once(':')
        .ok_or_else(|| ParseError::Malformed("Authorization", value.to_string()))?;
    if ak.is_empty() {
        return Err(ParseError::Missing("AccessKeyId"));
    }
    if signature.is_empty() {
        return Err(ParseError::Missing("Signature"));
    }
    Ok(SignedV1 {
        access_key_id: ak.to_string(),
        signature: signature.to_string(),
        expires: None,
    })
}

/// None when the query carries none of `OSSAccessKeyId`, `Expires`, `Signature`; otherwise all three
/// are required. A space in `Signature` is read back as `+` (base64 has no spaces; a raw `+` was
/// form-decoded to one).
pub fn from_query(raw_query: &str) -> Option<Result<SignedV1, ParseError>> {
    let pairs = query_pairs(raw_query);
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let (ak, expires, signature) = (get("OSSAccessKeyId"), get("Expires"), get("Signature"));
    if ak.is_none() && expires.is_none() && signature.is_none() {
        return None;
    }
    let required = |v: Option<&String>, field: &'static str| match v {
        Some(v) if !v.is_empty() => Ok(v.clone()),
        _ => Err(ParseError::Missing(field)),
    };
    let parsed = (|| {
        let access_key_id = required(ak, "OSSAccessKeyId")?;
        let expires = required(expires, "Expires")?;
        if !expires.bytes().all(|b| b.is_ascii_digit()) || expires.parse::<i64>().is_err() {
            return Err(ParseError::Malformed("Expires", expires));
        }
        let signature = required(signature, "Signature")?.replace(' ', "+");
        Ok(SignedV1 {
            access_key_id,
            signature,
            expires: Some(expires),
        })
    })();
    Some(parsed)
}

/// `name:value\n` for every `x-oss-*` header: names lower-cased, values trimmed, repeated names
/// joined with `,`, sorted by name.
pub fn canonical_headers(req: &RequestView) -> String {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| n.starts_with("x-oss-"))
        .collect();
    names.sort();
    names.dedup();
    names
        .iter()
        .map(|n| format!("{n}:{}\n", req.header_values(n).join(",")))
        .collect()
}

/// `/<bucket>/<key>` (`/<bucket>/` for the bucket, `/` with none), the decoded key as is; then `?` and
/// the signed sub-resources sorted by name, `name=value` (value not encoded) or a bare `name`.
pub fn canonical_resource(bucket: Option<&str>, key: &str, raw_query: &str) -> String {
    let mut out = match bucket {
        Some(b) => format!("/{b}/{key}"),
        None => "/".to_string(),
    };
    let mut signed: Vec<(String, String)> = query_pairs(raw_query)
        .into_iter()
        .filter(|(k, _)| SUBRESOURCES.contains(&k.as_str()))
        .collect();
    signed.sort();
    if !signed.is_empty() {
        let parts: Vec<String> = signed
            .into_iter()
            .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
            .collect();
        out.push('?');
        out.push_str(&parts.join("&"));
    }
    out
}

/// The Date line: `Expires` for a pre-signed URL, else `x-oss-date`, else `Date` (empty if neither).
pub fn date_line<'a>(parts: &'a SignedV1, req: &RequestView<'a>) -> &'a str {
    match &parts.expires {
        Some(expires) => expires,
        None => req
            .header("x-oss-date")
            .or(req.header("date"))
            .unwrap_or(""),
    }
}

/// `VERB\nContent-MD5\nContent-Type\nDate\n` + [`canonical_headers`] + [`canonical_resource`].
pub fn string_to_sign(parts: &SignedV1, req: &RequestView) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}{}",
        req.method,
        req.header("content-md5").unwrap_or(""),
        req.header("content-type").unwrap_or(""),
        date_line(parts, req),
        canonical_headers(req),
        canonical_resource(req.bucket, req.key, req.raw_query),
    )
}

/// `base64(HMAC-SHA1(secret, string_to_sign))`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(hmac_sha1(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// Recomputes the signature and compares it in constant time, then checks time: a pre-signed URL
/// must not be past `Expires`; a header-signed request's `x-oss-date`/`Date` must be within 15
/// minutes of `now` (Unix seconds). Returns the AccessKeyId; the caller looked up `secret` by it.
pub fn verify<'p>(
    parts: &'p SignedV1,
    req: &RequestView,
    secret: &str,
    now: i64,
) -> Result<&'p str, VerifyError> {
    let string_to_sign = string_to_sign(parts, req);
    let ok: bool = signature(secret, &string_to_sign)
        .as_bytes()
        .ct_eq(parts.signature.as_bytes())
        .into();
    if !ok {
        return Err(VerifyError::Mismatch(Mismatch {
            string_to_sign,
            canonical_request: None,
        }));
    }
    match &parts.expires {
        Some(expires) => {
            let expires: i64 = expires
                .parse()
                .map_err(|_| VerifyError::BadDate("Expires", expires.clone()))?;
            if expires < now {
                return Err(VerifyError::Expired { expires, now });
            }
        }
        None => {
            let (field, value) = match req.header("x-oss-date") {
                Some(v) => ("x-oss-date", v),
                None => ("Date", req.header("date").unwrap_or("")),
            };
            let at =
                parse_http_date(value).ok_or_else(|| VerifyError::BadDate(field, value.into()))?;
            check_skew(at, now)?;
        }
    }
    Ok(&parts.access_key_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(headers: &[(&str, &str)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .collect()
    }

    /// alibabacloud-oss-go-sdk-v2 `signer_test.go`, as quoted in cos-api.md §8.2 (ak/sk = ak/sk).
    const GO_DATE: &str = "Wed, 28 Dec 2022 10:27:41 GMT";

    fn go_vector_headers() -> Vec<(String, String)> {
        owned(&[
            ("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="),
            ("Content-Type", "text/html"),
            ("x-oss-meta-magic", "abracadabra"),
            ("x-oss-date", GO_DATE),
            ("x-oss-meta-author", "alice"),
            ("Date", GO_DATE),
        ])
    }

    fn go_view(headers: &[(String, String)]) -> RequestView<'_> {
        RequestView {
            method: "PUT",
            bucket: Some("examplebucket"),
            key: "nelson",
            raw_query: "",
            headers,
        }
    }

    #[test]
    fn go_sdk_vector_every_step() {
        let headers = go_vector_headers();
        let req = go_view(&headers);
        let parts = from_authorization("OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=").unwrap();
        assert_eq!(
            canonical_headers(&req),
            "x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n"
        );
        assert_eq!(
            canonical_resource(req.bucket, req.key, ""),
            "/examplebucket/nelson"
        );
        let sts = string_to_sign(&parts, &req);
        assert_eq!(
            sts,
            "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n\
             x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\n\
             x-oss-meta-magic:abracadabra\n/examplebucket/nelson"
        );
        assert_eq!(signature("sk", &sts), "kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
        let now = parse_http_date(GO_DATE).unwrap();
        assert_eq!(verify(&parts, &req, "sk", now), Ok("ak"));
    }

    #[test]
    fn verify_wrong_secret_mismatch_carries_string_to_sign() {
        let headers = go_vector_headers();
        let req = go_view(&headers);
        let parts = from_authorization("OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=").unwrap();
        let now = parse_http_date(GO_DATE).unwrap();
        match verify(&parts, &req, "other", now) {
            Err(VerifyError::Mismatch(m)) => {
                assert_eq!(m.string_to_sign, string_to_sign(&parts, &req));
                assert_eq!(m.canonical_request, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn verify_skewed_date_time_too_skewed() {
        let headers = go_vector_headers();
        let req = go_view(&headers);
        let parts = from_authorization("OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=").unwrap();
        let at = parse_http_date(GO_DATE).unwrap();
        assert!(verify(&parts, &req, "sk", at + 900).is_ok());
        assert_eq!(
            verify(&parts, &req, "sk", at + 901),
            Err(VerifyError::TimeTooSkewed {
                request_time: at,
                now: at + 901
            })
        );
    }

    #[test]
    fn verify_unreadable_date_bad_date() {
        let headers = owned(&[("Date", "soon")]);
        let req = go_view(&headers);
        let sig = signature("sk", "PUT\n\n\nsoon\n/examplebucket/nelson");
        let parts = from_authorization(&format!("OSS ak:{sig}")).unwrap();
        assert_eq!(
            verify(&parts, &req, "sk", 0),
            Err(VerifyError::BadDate("Date", "soon".into()))
        );
    }

    #[test]
    fn canonical_resource_subresources_sorted_unencoded() {
        assert_eq!(canonical_resource(None, "", "acl"), "/?acl");
        assert_eq!(canonical_resource(Some("b"), "", ""), "/b/");
        assert_eq!(
            canonical_resource(
                Some("b"),
                "doc/a b+c.txt",
                "uploadId=u%2F1&prefix=p&partNumber=2&acl=&x-id=1&response-content-type=text%2Fplain"
            ),
            "/b/doc/a b+c.txt?acl&partNumber=2&response-content-type=text/plain&uploadId=u/1"
        );
    }

    #[test]
    fn canonical_headers_lowercased_trimmed_joined() {
        let headers = vec![
            ("X-OSS-Meta-B".to_string(), " 2 ".to_string()),
            ("x-oss-meta-a".to_string(), "1".to_string()),
            ("x-oss-meta-b".to_string(), "3".to_string()),
            ("content-type".to_string(), "text/plain".to_string()),
        ];
        let req = go_view(&headers);
        assert_eq!(
            canonical_headers(&req),
            "x-oss-meta-a:1\nx-oss-meta-b:2,3\n"
        );
    }

    #[test]
    fn presigned_query_verifies_until_expires() {
        let req_query = "OSSAccessKeyId=ak&Expires=1700000000&Signature=PLACEHOLDER&acl";
        let headers = Vec::new();
        let sts = "GET\n\n\n1700000000\n/b/k?acl";
        let sig = signature("sk", sts);
        let encoded: String =
            percent_encoding::utf8_percent_encode(&sig, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let raw_query = req_query.replace("PLACEHOLDER", &encoded);
        let req = RequestView {
            method: "GET",
            bucket: Some("b"),
            key: "k",
            raw_query: &raw_query,
            headers: &headers,
        };
        let parts = from_query(&raw_query).unwrap().unwrap();
        assert_eq!(parts.expires.as_deref(), Some("1700000000"));
        assert_eq!(string_to_sign(&parts, &req), sts);
        assert_eq!(verify(&parts, &req, "sk", 1700000000), Ok("ak"));
        assert_eq!(
            verify(&parts, &req, "sk", 1700000001),
            Err(VerifyError::Expired {
                expires: 1700000000,
                now: 1700000001
            })
        );
        // A base64 `+` sent raw reads back as `+`, not as a space.
        let raw_plus = raw_query.replace("%2B", "+");
        assert_eq!(from_query(&raw_plus).unwrap().unwrap().signature, sig);
    }

    #[test]
    fn from_authorization_malformed_names_field() {
        let cases = [
            ("OSS4 ak:sig", "Authorization is malformed: \"OSS4 ak:sig\""),
            ("OSS aksig", "Authorization is malformed: \"OSS aksig\""),
            ("OSS :sig", "AccessKeyId is missing"),
            ("OSS ak:", "Signature is missing"),
            ("", "Authorization is malformed: \"\""),
        ];
        for (value, message) in cases {
            assert_eq!(from_authorization(value).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn from_query_partial_or_bad_fields_error() {
        assert_eq!(from_query("acl&prefix=OSSAccessKeyId"), None);
        assert_eq!(
            from_query("Signature=abc"),
            Some(Err(ParseError::Missing("OSSAccessKeyId")))
        );
        assert_eq!(
            from_query("OSSAccessKeyId=ak&Signature=abc"),
            Some(Err(ParseError::Missing("Expires")))
        );
        assert_eq!(
            from_query("OSSAccessKeyId=ak&Expires=soon&Signature=abc"),
            Some(Err(ParseError::Malformed("Expires", "soon".into())))
        );
        assert_eq!(
            from_query("OSSAccessKeyId=ak&Expires=1"),
            Some(Err(ParseError::Missing("Signature")))
        );
    }
}
