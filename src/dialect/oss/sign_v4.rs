//! OSS signature V4 (`OSS4-HMAC-SHA256`), in the Authorization header or pre-signed in the query.
//!
//! `shared/spec/cos-api.md` §8.3, each step a pure function:
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n AdditionalHeaders \n HashedPayload
//! StringToSign     = OSS4-HMAC-SHA256 \n x-oss-date \n <date>/<region>/oss/aliyun_v4_request \n hex(SHA256(CanonicalRequest))
//! SigningKey       = HMAC-SHA256 chain from "aliyun_v4"+secret over date, region, product, "aliyun_v4_request"
//! Signature        = hex(HMAC-SHA256(SigningKey, StringToSign))
//! ```
//!
//! The canonical URI is always `/<bucket>/<key>`, whatever addressing carried the request; the scope
//! (date, region, product) is the credential's.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::sign::{
    check_skew, hmac_sha256, parse_iso8601_basic, query_pairs, Mismatch, ParseError, RequestView,
    VerifyError,
};

/// The algorithm name, in the header and in `x-oss-signature-version`.
pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";
/// The last element of every credential scope.
pub const TERMINATOR: &str = "aliyun_v4_request";
/// OSS's longest pre-signed validity, 7 days.
pub const MAX_EXPIRES_SECS: i64 = 7 * 24 * 3600;
/// The payload hash when none is signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// `<date>/<region>/<product>/aliyun_v4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `yyyymmdd`.
    pub date: String,
    pub region: String,
    /// Always `oss` here.
    pub product: String,
}

impl Scope {
    /// The scope line of the string to sign.
    pub fn line(&self) -> String {
        format!(
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.product
        )
    }
}

/// What a pre-signed URL adds: its own `x-oss-date` and `x-oss-expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presigned {
    /// `yyyymmddTHHMMSSZ`, as sent.
    pub date: String,
    /// Seconds after `date`, at most [`MAX_EXPIRES_SECS`].
    pub expires: i64,
}

/// A V4 credential, from the Authorization header or a pre-signed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedV4 {
    pub access_key_id: String,
    pub scope: Scope,
    /// `AdditionalHeaders` / `x-oss-additional-headers`: lower-cased, sorted, without duplicates.
    pub additional_headers: Vec<String>,
    /// Hex, lower-cased.
    pub signature: String,
    pub presigned: Option<Presigned>,
}

/// Reads `OSS4-HMAC-SHA256 Credential=…[,AdditionalHeaders=…],Signature=…`: comma-separated pairs,
/// spaces allowed around them, in any order.
pub fn from_authorization(value: &str) -> Result<SignedV4, ParseError> {
    let value = value.trim();
    let rest = value
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with([' ', '\t']))
        .ok_or_else(|| ParseError::Malformed("Authorization", value.to_string()))?;
    let (mut credential, mut additional, mut signature) = (None, None, None);
    for pair in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, v) = pair
            .split_once('=')
            .ok_or_else(|| ParseError::Malformed("Authorization", pair.to_string()))?;
        let (slot, field) = match name.trim() {
            "Credential" => (&mut credential, "Credential"),
            "AdditionalHeaders" => (&mut additional, "AdditionalHeaders"),
            "Signature" => (&mut signature, "Signature"),
            other => return Err(ParseError::Malformed("Authorization", other.to_string())),
        };
        if slot.replace(v.trim().to_string()).is_some() {
            return Err(ParseError::Malformed(field, "given twice".into()));
        }
    }
    let credential = credential.ok_or(ParseError::Missing("Credential"))?;
    let (access_key_id, scope) = parse_credential(&credential, "Credential")?;
    Ok(SignedV4 {
        access_key_id,
        scope,
        additional_headers: header_list(additional.as_deref().unwrap_or("")),
        signature: hex_signature(signature, "Signature")?,
        presigned: None,
    })
}

/// None unless the query carries `x-oss-signature-version` or `x-oss-signature`; then the version must
/// be `OSS4-HMAC-SHA256` and `x-oss-credential`, `x-oss-date`, `x-oss-expires`, `x-oss-signature` are
/// required (`x-oss-additional-headers` optional).
pub fn from_query(raw_query: &str) -> Option<Result<SignedV4, ParseError>> {
    let pairs = query_pairs(raw_query);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let version = get("x-oss-signature-version");
    if version.is_none() && get("x-oss-signature").is_none() {
        return None;
    }
    let required = |name: &'static str| get(name).ok_or(ParseError::Missing(name));
    let parsed = (|| {
        let version = version.ok_or(ParseError::Missing("x-oss-signature-version"))?;
        if version != ALGORITHM {
            return Err(ParseError::Malformed("x-oss-signature-version", version));
        }
        let credential = required("x-oss-credential")?;
        let (access_key_id, scope) = parse_credential(&credential, "x-oss-credential")?;
        let date = required("x-oss-date")?;
        if parse_iso8601_basic(&date).is_none() {
            return Err(ParseError::Malformed("x-oss-date", date));
        }
        let expires = required("x-oss-expires")?;
        let seconds = expires
            .parse::<i64>()
            .ok()
            .filter(|s| {
                (1..=MAX_EXPIRES_SECS).contains(s) && expires.bytes().all(|b| b.is_ascii_digit())
            })
            .ok_or(ParseError::Malformed("x-oss-expires", expires))?;
        Ok(SignedV4 {
            access_key_id,
            scope,
            additional_headers: header_list(&get("x-oss-additional-headers").unwrap_or_default()),
            signature: hex_signature(get("x-oss-signature"), "x-oss-signature")?,
            presigned: Some(Presigned {
                date,
                expires: seconds,
            }),
        })
    })();
    Some(parsed)
}

/// `<ak>/<yyyymmdd>/<region>/oss/aliyun_v4_request` → (ak, scope); `field` names it in errors.
pub fn parse_credential(value: &str, field: &'static str) -> Result<(String, Scope), ParseError> {
    let bad = || ParseError::Malformed(field, value.to_string());
    let parts: Vec<&str> = value.split('/').collect();
    let [ak, date, region, product, terminator] = parts.as_slice() else {
        return Err(bad());
    };
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    if ak.is_empty()
        || !date_ok
        || region.is_empty()
        || *product != "oss"
        || *terminator != TERMINATOR
    {
        return Err(bad());
    }
    let scope = Scope {
        date: date.to_string(),
        region: region.to_string(),
        product: product.to_string(),
    };
    Ok((ak.to_string(), scope))
}

fn header_list(list: &str) -> Vec<String> {
    let mut names: Vec<String> = list
        .split(';')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn hex_signature(value: Option<String>, field: &'static str) -> Result<String, ParseError> {
    let value = value.ok_or(ParseError::Missing(field))?;
    if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ParseError::Malformed(field, value));
    }
    Ok(value.to_ascii_lowercase())
}

/// RFC 3986 encoding of the UTF-8 bytes; `/` encoded too unless `keep_slash`.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    if keep_slash {
        crate::wire::encode_key(s)
    } else {
        crate::wire::encode(s)
    }
}

/// `uri_encode("/<bucket>/<key>")` keeping `/`, or `/` with no bucket.
pub fn canonical_uri(bucket: Option<&str>, key: &str) -> String {
    match bucket {
        Some(b) => uri_encode(&format!("/{b}/{key}"), true),
        None => "/".to_string(),
    }
}

/// Every query parameter (but `x-oss-signature` of a pre-signed URL), name and value decoded then
/// [`uri_encode`]d, sorted by encoded name (then value), `name=value` or a bare `name` when the value is
/// empty, joined with `&`.
pub fn canonical_query(raw_query: &str, presigned: bool) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(raw_query)
        .into_iter()
        .filter(|(k, _)| !(presigned && k == "x-oss-signature"))
        .map(|(k, v)| (uri_encode(&k, false), uri_encode(&v, false)))
        .collect();
    pairs.sort();
    let parts: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
        .collect();
    parts.join("&")
}

/// `name:value\n` for every `x-oss-*` header, `content-type`, `content-md5` and each additional
/// header: names lower-cased, values trimmed, repeated names joined with `,`, sorted by name.
///
/// An additional header the request lacks is an error: the signature named it, so it cannot verify.
pub fn canonical_headers(req: &RequestView, additional: &[String]) -> Result<String, VerifyError> {
    for name in additional {
        if req.header(name).is_none() {
            return Err(VerifyError::MissingSignedHeader(name.clone()));
        }
    }
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| {
            n.starts_with("x-oss-")
                || n == "content-type"
                || n == "content-md5"
                || additional.contains(n)
        })
        .collect();
    names.sort();
    names.dedup();
    Ok(names
        .iter()
        .map(|n| format!("{n}:{}\n", req.header_values(n).join(",")))
        .collect())
}

/// The request's `x-oss-date`: the query's for a pre-signed URL, else the header's.
pub fn request_date<'a>(parts: &'a SignedV4, req: &RequestView<'a>) -> Option<&'a str> {
    match &parts.presigned {
        Some(p) => Some(&p.date),
        None => req.header("x-oss-date"),
    }
}

/// `METHOD\nURI\nQuery\nHeaders\nAdditionalHeaders\nHashedPayload`; the payload hash is
/// `x-oss-content-sha256` when sent (header form), else `UNSIGNED-PAYLOAD`.
pub fn canonical_request(parts: &SignedV4, req: &RequestView) -> Result<String, VerifyError> {
    let payload = match parts.presigned {
        Some(_) => UNSIGNED_PAYLOAD,
        None => req
            .header("x-oss-content-sha256")
            .unwrap_or(UNSIGNED_PAYLOAD),
    };
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        canonical_uri(req.bucket, req.key),
        canonical_query(req.raw_query, parts.presigned.is_some()),
        canonical_headers(req, &parts.additional_headers)?,
        parts.additional_headers.join(";"),
        payload,
    ))
}

/// `OSS4-HMAC-SHA256\n<x-oss-date>\n<scope>\n<hex SHA256(canonical request)>`.
pub fn string_to_sign(request_date: &str, scope: &Scope, canonical_request: &str) -> String {
    let digest = hex::encode(Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{request_date}\n{}\n{digest}", scope.line())
}

/// HMAC-SHA256 chain: key `"aliyun_v4" + secret` over the date, then region, product, `aliyun_v4_request`.
pub fn signing_key(secret: &str, scope: &Scope) -> Vec<u8> {
    let date = hmac_sha256(
        format!("aliyun_v4{secret}").as_bytes(),
        scope.date.as_bytes(),
    );
    let region = hmac_sha256(&date, scope.region.as_bytes());
    let product = hmac_sha256(&region, scope.product.as_bytes());
    hmac_sha256(&product, TERMINATOR.as_bytes())
}

/// `hex(HMAC-SHA256(signing_key, string_to_sign))`, lower-case.
pub fn signature(signing_key: &[u8], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// Recomputes the signature and compares it in constant time, then checks time: a pre-signed URL must
/// not be past `x-oss-date + x-oss-expires`; a header-signed request's `x-oss-date` must be within 15
/// minutes of `now` (Unix seconds). Returns the AccessKeyId; the caller looked up `secret` by it.
pub fn verify<'p>(
    parts: &'p SignedV4,
    req: &RequestView,
    secret: &str,
    now: i64,
) -> Result<&'p str, VerifyError> {
    let date = request_date(parts, req).unwrap_or("");
    let at =
        parse_iso8601_basic(date).ok_or_else(|| VerifyError::BadDate("x-oss-date", date.into()))?;
    let canonical_request = canonical_request(parts, req)?;
    let string_to_sign = string_to_sign(date, &parts.scope, &canonical_request);
    let computed = signature(&signing_key(secret, &parts.scope), &string_to_sign);
    let ok: bool = computed.as_bytes().ct_eq(parts.signature.as_bytes()).into();
    if !ok {
        return Err(VerifyError::Mismatch(Mismatch {
            string_to_sign,
            canonical_request: Some(canonical_request),
        }));
    }
    match &parts.presigned {
        Some(p) if at + p.expires < now => {
            return Err(VerifyError::Expired {
                expires: at + p.expires,
                now,
            })
        }
        Some(_) => {}
        None => check_skew(at, now)?,
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

    // ---- alibabacloud-oss-go-sdk-v2 `signer_test.go` (ak/sk = ak/sk); the first is cos-api.md §8.3. ----

    const GO_KEY: &str = "1234+-/123/1.txt";
    /// `url.Values{param1=value1, +param1=value3, |param1=value4, +param2=, |param2=, param2=}.Encode()`.
    const GO_QUERY: &str =
        "%2Bparam1=value3&%2Bparam2=&param1=value1&param2=&%7Cparam1=value4&%7Cparam2=";

    fn go_view<'a>(raw_query: &'a str, headers: &'a [(String, String)]) -> RequestView<'a> {
        RequestView {
            method: "PUT",
            bucket: Some("bucket"),
            key: GO_KEY,
            raw_query,
            headers,
        }
    }

    #[test]
    fn header_vector_every_step() {
        let headers = owned(&[
            ("x-oss-head1", "value"),
            ("abc", "value"),
            ("ZAbc", "value"),
            ("XYZ", "value"),
            ("content-type", "text/plain"),
            ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
            ("x-oss-date", "20231216T162057Z"),
        ]);
        let req = go_view(GO_QUERY, &headers);
        let auth = "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,\
                    Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe";
        let parts = from_authorization(auth).unwrap();
        assert_eq!(parts.access_key_id, "ak");
        assert_eq!(
            parts.scope.line(),
            "20231216/cn-hangzhou/oss/aliyun_v4_request"
        );
        assert_eq!(
            canonical_uri(req.bucket, req.key),
            "/bucket/1234%2B-/123/1.txt"
        );
        assert_eq!(
            canonical_query(GO_QUERY, false),
            "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2"
        );
        assert_eq!(
            canonical_headers(&req, &[]).unwrap(),
            "content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n\
             x-oss-date:20231216T162057Z\nx-oss-head1:value\n"
        );
        let cr = canonical_request(&parts, &req).unwrap();
        assert_eq!(
            cr,
            "PUT\n/bucket/1234%2B-/123/1.txt\n\
             %2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n\
             content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n\
             x-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD"
        );
        let sts = string_to_sign("20231216T162057Z", &parts.scope, &cr);
        assert_eq!(
            sts,
            "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n\
             f4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4"
        );
        let key = signing_key("sk", &parts.scope);
        assert_eq!(
            hex::encode(&key),
            "b412a03b134ebddd720f5167b5de6db66620ebb3b01cff4d49e3ccb09f8de97f"
        );
        assert_eq!(
            signature(&key, &sts),
            "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"
        );
        assert_eq!(verify(&parts, &req, "sk", 1702743657), Ok("ak"));
        assert_eq!(
            verify(&parts, &req, "sk", 1702743657 + 901),
            Err(VerifyError::TimeTooSkewed {
                request_time: 1702743657,
                now: 1702743657 + 901
            })
        );
    }

    #[test]
    fn header_vector_with_additional_headers() {
        let headers = owned(&[
            ("x-oss-head1", "value"),
            ("abc", "value"),
            ("ZAbc", "value"),
            ("XYZ", "value"),
            ("content-type", "text/plain"),
            ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
            ("x-oss-date", "20231216T172512Z"),
        ]);
        let req = go_view(GO_QUERY, &headers);
        let auth = "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,\
                    AdditionalHeaders=abc;zabc,\
                    Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f";
        let parts = from_authorization(auth).unwrap();
        assert_eq!(parts.additional_headers, ["abc", "zabc"]);
        let cr = canonical_request(&parts, &req).unwrap();
        assert!(
            cr.contains("\nabc:value\ncontent-type:text/plain\n"),
            "{cr}"
        );
        assert!(cr.ends_with("x-oss-head1:value\nzabc:value\n\nabc;zabc\nUNSIGNED-PAYLOAD"));
        assert_eq!(verify(&parts, &req, "sk", 1702747512), Ok("ak"));
        // A signature binds what it lists: without `ZAbc` it cannot verify.
        let without: Vec<_> = headers
            .iter()
            .filter(|(n, _)| n != "zabc")
            .cloned()
            .collect();
        assert_eq!(
            verify(&parts, &go_view(GO_QUERY, &without), "sk", 1702747512),
            Err(VerifyError::MissingSignedHeader("zabc".into()))
        );
    }

    fn presigned_query(extra: &str, signature: &str) -> String {
        format!(
            "{GO_QUERY}&x-oss-signature-version=OSS4-HMAC-SHA256{extra}&x-oss-expires=599\
             &x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request\
             &x-oss-signature={signature}"
        )
    }

    #[test]
    fn presigned_vector_verifies_until_expiry() {
        let headers = owned(&[
            ("x-oss-head1", "value"),
            ("abc", "value"),
            ("ZAbc", "value"),
            ("XYZ", "value"),
            ("content-type", "application/octet-stream"),
        ]);
        let raw = presigned_query(
            "&x-oss-date=20231217T025437Z",
            "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe",
        );
        let req = go_view(&raw, &headers);
        let parts = from_query(&raw).unwrap().unwrap();
        assert_eq!(
            parts.presigned,
            Some(Presigned {
                date: "20231217T025437Z".into(),
                expires: 599
            })
        );
        let cr = canonical_request(&parts, &req).unwrap();
        assert!(cr.contains(
            "&param2&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request\
             &x-oss-date=20231217T025437Z&x-oss-expires=599&x-oss-signature-version=OSS4-HMAC-SHA256\n"
        ));
        let signed_at = 1702781677;
        assert_eq!(verify(&parts, &req, "sk", signed_at + 599), Ok("ak"));
        assert_eq!(
            verify(&parts, &req, "sk", signed_at + 600),
            Err(VerifyError::Expired {
                expires: signed_at + 599,
                now: signed_at + 600
            })
        );
    }

    #[test]
    fn presigned_vector_with_additional_headers() {
        let headers = owned(&[
            ("x-oss-head1", "value"),
            ("abc", "value"),
            ("ZAbc", "value"),
            ("XYZ", "value"),
            ("content-type", "application/octet-stream"),
        ]);
        let raw = presigned_query(
            "&x-oss-date=20231217T033009Z&x-oss-additional-headers=abc%3Bzabc",
            "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7",
        );
        let parts = from_query(&raw).unwrap().unwrap();
        assert_eq!(parts.additional_headers, ["abc", "zabc"]);
        assert_eq!(
            verify(&parts, &go_view(&raw, &headers), "sk", 1702783809),
            Ok("ak")
        );
        let without: Vec<_> = headers
            .iter()
            .filter(|(n, _)| n != "abc")
            .cloned()
            .collect();
        assert_eq!(
            verify(&parts, &go_view(&raw, &without), "sk", 1702783809),
            Err(VerifyError::MissingSignedHeader("abc".into()))
        );
    }

    #[test]
    fn from_authorization_any_order_and_spacing() {
        let sig = "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe";
        let cred = "ak/20231216/cn-hangzhou/oss/aliyun_v4_request";
        let forms = [
            format!("OSS4-HMAC-SHA256 Credential={cred},Signature={sig}"),
            format!("OSS4-HMAC-SHA256 Credential={cred}, Signature={sig}, AdditionalHeaders=Host"),
            format!(
                "OSS4-HMAC-SHA256  Signature={sig} ,AdditionalHeaders=host , Credential={cred}"
            ),
        ];
        let parsed: Vec<SignedV4> = forms
            .iter()
            .map(|f| from_authorization(f).unwrap())
            .collect();
        assert_eq!(parsed[0].additional_headers, Vec::<String>::new());
        assert_eq!(parsed[1], parsed[2]);
        assert_eq!(parsed[1].additional_headers, ["host"]);
        assert_eq!(parsed[1].signature, sig);
    }

    #[test]
    fn from_authorization_errors_name_the_field() {
        let sig = "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe";
        let cred = "ak/20231216/cn-hangzhou/oss/aliyun_v4_request";
        let cases = [
            (format!("OSS ak:{sig}"), "Authorization is malformed"),
            (format!("OSS4-HMAC-SHA256 Signature={sig}"), "Credential is missing"),
            (format!("OSS4-HMAC-SHA256 Credential={cred}"), "Signature is missing"),
            (format!("OSS4-HMAC-SHA256 Credential={cred},Signature=xyz"), "Signature is malformed"),
            (
                format!("OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/s3/aliyun_v4_request,Signature={sig}"),
                "Credential is malformed",
            ),
            (
                format!("OSS4-HMAC-SHA256 Credential=ak/2023121/cn-hangzhou/oss/aliyun_v4_request,Signature={sig}"),
                "Credential is malformed",
            ),
            (
                format!("OSS4-HMAC-SHA256 Credential={cred},Credential={cred},Signature={sig}"),
                "Credential is malformed: \"given twice\"",
            ),
            (format!("OSS4-HMAC-SHA256 Credential={cred},Signature={sig},Oops"), "Authorization is malformed"),
        ];
        for (value, start) in cases {
            let message = from_authorization(&value).unwrap_err().to_string();
            assert!(message.starts_with(start), "{value}: {message}");
        }
    }

    #[test]
    fn from_query_errors_name_the_field() {
        assert_eq!(from_query("acl&prefix=x-oss-signature"), None);
        let sig = "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe";
        let full = format!(
            "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request\
             &x-oss-date=20231217T025437Z&x-oss-expires=599&x-oss-signature={sig}"
        );
        assert!(from_query(&full).unwrap().is_ok());
        let cases = [
            (
                "x-oss-signature-version=OSS4-HMAC-SHA256",
                "x-oss-signature-version=OSS2",
                "x-oss-signature-version is malformed",
            ),
            (
                "x-oss-expires=599",
                "x-oss-expires=604801",
                "x-oss-expires is malformed",
            ),
            (
                "x-oss-expires=599",
                "x-oss-expires=0",
                "x-oss-expires is malformed",
            ),
            (
                "x-oss-date=20231217T025437Z",
                "x-oss-date=2023-12-17",
                "x-oss-date is malformed",
            ),
            (
                "x-oss-date=20231217T025437Z",
                "x-oss-datum=1",
                "x-oss-date is missing",
            ),
            (
                "x-oss-credential=",
                "x-oss-credentials=",
                "x-oss-credential is missing",
            ),
        ];
        for (from, to, start) in cases {
            let raw = full.replace(from, to);
            let message = from_query(&raw).unwrap().unwrap_err().to_string();
            assert!(message.starts_with(start), "{to}: {message}");
        }
    }

    #[test]
    fn uri_encode_keeps_unreserved_only() {
        assert_eq!(uri_encode("a b+c/中~", true), "a%20b%2Bc/%E4%B8%AD~");
        assert_eq!(uri_encode("a/b", false), "a%2Fb");
        assert_eq!(canonical_uri(None, ""), "/");
        assert_eq!(canonical_uri(Some("b"), ""), "/b/");
    }
}
