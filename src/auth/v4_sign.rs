//! The legacy COS V4 ("JSON API") signature, which COS still accepts in a `sign=` query parameter
//! on downloads: the node SDK's `getV4Auth` builds it and its own suite fetches
//! `https://<bucket>.cos.<region>.myqcloud.com/<key>?sign=<getV4Auth()>` expecting the object.
//!
//! `sign = base64(HMAC-SHA1(SecretKey, plain) ‖ plain)` with
//! `plain = a=<APPID>&b=<bucket without -APPID>&k=<SecretId>&t=<now>&e=<expiry>&r=<random>&f=<file>`
//! and `f = /<APPID>/<bucket>/<url-encoded key>` (empty: any file of the bucket).
//!
//! Choices where COS documents nothing for the XML API (in one place, here):
//! - only GET and HEAD of an object or of the bucket are authenticated this way (a V4 download
//!   signature never authorizes a write); any other method answers 403 `AccessDenied`;
//! - `t`/`e` are the signature's window, checked like `q-sign-time` ([`super::Clock`]);
//!   `e = 0` (a V4 "one-time" signature) is expired;
//! - `a`/`b` must name the request's bucket and a non-empty `f` its key (percent-decoded), else
//!   403 `AccessDenied`; a wrong HMAC is 403 `SignatureDoesNotMatch`.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::wire::query_pairs_bytes;

/// HMAC-SHA1 digest length: the first bytes of the decoded signature.
const DIGEST_LEN: usize = 20;
/// Longest `sign=` value read as a V4 signature (a real one is ~150 bytes).
const MAX_SIGN_LEN: usize = 4096;

/// A decoded V4 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V4Sign {
    pub digest: Vec<u8>,
    pub plain: String,
    pub appid: String,
    pub bucket: String,
    pub secret_id: String,
    pub start: u64,
    pub end: u64,
    /// Percent-decoded `f`; empty for a signature that covers the whole bucket.
    pub file: String,
}

/// The V4 signature in `sign=`, when the value is one: base64 of a 20-byte digest followed by a
/// plain text that starts with `a=`. None for anything else (then `sign=` is read as a
/// `q-sign-algorithm=...` Authorization, see [`super::cos_sign::from_sign_param`]).
pub fn from_sign_param(raw_query: &str) -> Option<Result<V4Sign, String>> {
    let (_, value) = query_pairs_bytes(raw_query).find(|(k, _)| k == b"sign")?;
    if value.len() > MAX_SIGN_LEN {
        return None;
    }
    let text = std::str::from_utf8(&value).ok()?.trim();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    if raw.len() <= DIGEST_LEN {
        return None;
    }
    let (digest, plain) = raw.split_at(DIGEST_LEN);
    let plain = std::str::from_utf8(plain).ok()?;
    plain.starts_with("a=").then(|| parse(digest, plain))
}

fn parse(digest: &[u8], plain: &str) -> Result<V4Sign, String> {
    let mut fields: [Option<&str>; 7] = Default::default();
    const NAMES: [&str; 7] = ["a", "b", "k", "t", "e", "r", "f"];
    for pair in plain.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(i) = NAMES.iter().position(|n| *n == name) else {
            return Err(format!("unknown field '{name}'"));
        };
        if fields[i].replace(value).is_some() {
            return Err(format!("field '{name}' given twice"));
        }
    }
    let need = |i: usize| fields[i].ok_or_else(|| format!("field '{}' is missing", NAMES[i]));
    let number = |i: usize| -> Result<u64, String> {
        need(i)?
            .parse()
            .map_err(|_| format!("field '{}' is not a number", NAMES[i]))
    };
    let file = fields[6].unwrap_or("");
    let file = percent_encoding::percent_decode_str(file)
        .decode_utf8()
        .map_err(|_| "field 'f' is not UTF-8 once decoded".to_string())?
        .into_owned();
    Ok(V4Sign {
        digest: digest.to_vec(),
        plain: plain.to_string(),
        appid: need(0)?.to_string(),
        bucket: need(1)?.to_string(),
        secret_id: need(2)?.to_string(),
        start: number(3)?,
        end: number(4)?,
        file,
    })
}

impl V4Sign {
    /// Whether the digest is HMAC-SHA1(secret_key, plain text).
    pub fn verify(&self, secret_key: &str) -> bool {
        let mut mac =
            <Hmac<Sha1> as Mac>::new_from_slice(secret_key.as_bytes()).expect("any key length");
        mac.update(self.plain.as_bytes());
        mac.verify_slice(&self.digest).is_ok()
    }

    /// Why the signature does not cover a request for `key` of `bucket` (`<name>-<appid>`), if not.
    pub fn scope_error(&self, bucket: &str, key: &str) -> Option<String> {
        if format!("{}-{}", self.bucket, self.appid) != bucket {
            return Some(format!(
                "the signature is for bucket {}-{}, not {bucket}",
                self.bucket, self.appid
            ));
        }
        let wanted = format!("/{}/{}/{}", self.appid, self.bucket, key);
        (!self.file.is_empty() && self.file != wanted)
            .then(|| format!("the signature is for {}, not {wanted}", self.file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret_key: &str, plain: &str) -> String {
        let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret_key.as_bytes()).unwrap();
        mac.update(plain.as_bytes());
        let mut raw = mac.finalize().into_bytes().to_vec();
        raw.extend_from_slice(plain.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(raw)
    }

    fn query(sign: &str) -> String {
        format!(
            "sign={}",
            percent_encoding::utf8_percent_encode(sign, percent_encoding::NON_ALPHANUMERIC)
        )
    }

    const PLAIN: &str = "a=1250000000&b=examplebucket&k=AKID&t=100&e=1000&r=42&f=/1250000000/examplebucket/dir/a%20b.txt";

    #[test]
    fn from_sign_param_reads_the_node_sdk_form() {
        let s = from_sign_param(&query(&sign("secret", PLAIN)))
            .unwrap()
            .unwrap();
        assert_eq!(s.appid, "1250000000");
        assert_eq!(s.bucket, "examplebucket");
        assert_eq!(s.secret_id, "AKID");
        assert_eq!((s.start, s.end), (100, 1000));
        assert_eq!(s.file, "/1250000000/examplebucket/dir/a b.txt");
        assert!(s.verify("secret"));
        assert!(!s.verify("other"));
        assert_eq!(
            s.scope_error("examplebucket-1250000000", "dir/a b.txt"),
            None
        );
        assert!(s.scope_error("examplebucket-1250000000", "other").is_some());
        assert!(s.scope_error("other-1250000000", "dir/a b.txt").is_some());
    }

    #[test]
    fn from_sign_param_empty_file_covers_the_bucket() {
        let plain = "a=1250000000&b=examplebucket&k=AKID&t=100&e=1000&r=42&f=";
        let s = from_sign_param(&query(&sign("secret", plain)))
            .unwrap()
            .unwrap();
        assert_eq!(s.scope_error("examplebucket-1250000000", "any/key"), None);
    }

    #[test]
    fn from_sign_param_other_values_are_not_v4() {
        for q in [
            "acl",
            "sign=",
            "sign=q-sign-algorithm%3Dsha1%26q-ak%3DAKID",
            "sign=%%%",
            "sign=YWJj", // "abc": shorter than a digest
        ] {
            assert_eq!(from_sign_param(q), None, "{q}");
        }
        // 20 bytes and a plain text that is not a V4 one.
        let not_v4 = base64::engine::general_purpose::STANDARD
            .encode([b"x".repeat(20), b"hello".to_vec()].concat());
        assert_eq!(from_sign_param(&query(&not_v4)), None);
        let huge = "A".repeat(MAX_SIGN_LEN + 4);
        assert_eq!(from_sign_param(&format!("sign={huge}")), None);
    }

    #[test]
    fn from_sign_param_malformed_v4_is_an_error() {
        for plain in [
            "a=1&b=b&k=K&t=x&e=1&r=1&f=",
            "a=1&b=b&k=K&t=1&r=1&f=",
            "a=1&b=b&k=K&t=1&e=1&r=1&f=&f=",
            "a=1&b=b&k=K&t=1&e=1&r=1&z=1",
            "a=1&b=b&t=1&e=1",
            "a=1&b=b&k=K&t=1&e=1&f=%FF",
        ] {
            let got = from_sign_param(&query(&sign("s", plain))).unwrap();
            assert!(got.is_err(), "{plain}: {got:?}");
        }
    }
}
