//! COS request signatures (`q-sign-algorithm=sha1`): parse the seven `q-*` fields, rebuild the HttpString, sign, verify.
//!
//! Pure functions: no HTTP types and no clock (the caller checks `q-sign-time` against its own `now` with
//! [`parse_window`]). The rules are those of `shared/spec/cos-api.md` §1.2 and `real-clients.md` §8:
//!
//! ```text
//! SignKey      = hex(HMAC-SHA1(SecretKey, q-key-time))
//! HttpString   = lower(method) \n path \n params \n headers \n
//! StringToSign = "sha1" \n q-sign-time \n hex(SHA1(HttpString)) \n
//! Signature    = hex(HMAC-SHA1(SignKey as its hex text, StringToSign))
//! ```

use std::fmt;

use hmac::{Hmac, Mac};
use percent_encoding::percent_decode;
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

pub use crate::wire::encode;
use crate::wire::{encode_bytes, query_pairs_bytes};

/// The seven q-* fields, from the Authorization header or from the query of a pre-signed URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParts {
    pub algorithm: String,
    pub secret_id: String,
    pub sign_time: String,
    pub key_time: String,
    /// Entries of `q-header-list` as sent (lowercased, encoded names); empty entries dropped.
    pub header_list: Vec<String>,
    /// Entries of `q-url-param-list` as sent (lowercased, encoded names); empty entries dropped.
    pub param_list: Vec<String>,
    pub signature: String,
}

/// Why the q-* fields could not be read. The caller decides which COS error this becomes.
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

const FIELDS: [&str; 7] = [
    "q-sign-algorithm",
    "q-ak",
    "q-sign-time",
    "q-key-time",
    "q-header-list",
    "q-url-param-list",
    "q-signature",
];

/// Reads an `Authorization` header value: `q-sign-algorithm=sha1&q-ak=...&q-signature=...`.
///
/// Fields may come in any order; unknown fields are ignored; values are used as sent (not
/// percent-decoded: every SDK writes `;` raw here). All seven fields are required, though both lists may
/// be empty.
pub fn from_authorization(value: &str) -> Result<SignedParts, ParseError> {
    let pairs = value
        .trim()
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")));
    parts_from_pairs(pairs)
}

/// None when the raw query carries no q-signature / q-ak (an unsigned request); values percent-decoded (';' may be raw or %3B).
pub fn from_query(raw_query: &str) -> Option<Result<SignedParts, ParseError>> {
    let pairs: Vec<(String, String)> = query_pairs_bytes(raw_query)
        .filter(|(k, _)| k.get(..2).is_some_and(|p| p.eq_ignore_ascii_case(b"q-")))
        .map(|(k, v)| {
            let k = String::from_utf8_lossy(&k).into_owned();
            (k, String::from_utf8_lossy(&v).into_owned())
        })
        .collect();
    let signed = pairs
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("q-signature") || k.eq_ignore_ascii_case("q-ak"));
    signed.then(|| parts_from_pairs(pairs))
}

/// The signature carried whole in a `sign=` query parameter: the URL-encoded Authorization string,
/// as a caller builds a link from the SDKs' `getAuth` / `get_auth` (`?sign=` +
/// `encodeURIComponent(auth)`). None when there is no `sign` or it is empty. `sign` is never in
/// the signed parameter list (it cannot sign itself), so [`verify`] skips it like any unlisted one.
pub fn from_sign_param(raw_query: &str) -> Option<Result<SignedParts, ParseError>> {
    let (_, value) = query_pairs_bytes(raw_query).find(|(k, _)| k == b"sign")?;
    let value = String::from_utf8_lossy(&value);
    (!value.trim().is_empty()).then(|| from_authorization(&value))
}

fn parts_from_pairs<K: AsRef<str>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Result<SignedParts, ParseError> {
    let mut found: [Option<String>; 7] = Default::default();
    for (key, value) in pairs {
        let Some(i) = FIELDS
            .iter()
            .position(|f| f.eq_ignore_ascii_case(key.as_ref()))
        else {
            continue;
        };
        if found[i].is_some() {
            return Err(ParseError::Malformed(FIELDS[i], "given twice".into()));
        }
        found[i] = Some(value.into());
    }
    let [algorithm, secret_id, sign_time, key_time, header_list, param_list, signature] = found;
    let required = |v: Option<String>, i: usize| v.ok_or(ParseError::Missing(FIELDS[i]));
    let non_empty = |v: String, i: usize| {
        if v.is_empty() {
            Err(ParseError::Malformed(FIELDS[i], v))
        } else {
            Ok(v)
        }
    };
    let algorithm = required(algorithm, 0)?;
    if !algorithm.eq_ignore_ascii_case("sha1") {
        return Err(ParseError::Malformed(FIELDS[0], algorithm));
    }
    let secret_id = non_empty(required(secret_id, 1)?, 1)?;
    let sign_time = required(sign_time, 2)?;
    parse_window_field(&sign_time, FIELDS[2])?;
    let key_time = required(key_time, 3)?;
    parse_window_field(&key_time, FIELDS[3])?;
    let header_list = split_list(&required(header_list, 4)?);
    let param_list = split_list(&required(param_list, 5)?);
    let signature = non_empty(required(signature, 6)?, 6)?;
    Ok(SignedParts {
        algorithm,
        secret_id,
        sign_time,
        key_time,
        header_list,
        param_list,
        signature,
    })
}

fn split_list(list: &str) -> Vec<String> {
    list.split(';')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// (start, end) unix seconds from "start;end".
pub fn parse_window(s: &str) -> Result<(u64, u64), ParseError> {
    parse_window_field(s, "q-sign-time")
}

fn parse_window_field(s: &str, field: &'static str) -> Result<(u64, u64), ParseError> {
    let bad = || ParseError::Malformed(field, s.to_string());
    let (start, end) = s.split_once(';').ok_or_else(bad)?;
    let number = |t: &str| {
        let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| t.parse::<u64>().ok())
            .flatten()
            .ok_or_else(bad)
    };
    let (start, end) = (number(start)?, number(end)?);
    if start > end {
        return Err(bad());
    }
    Ok((start, end))
}

/// What the verifier needs from the request.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    pub method: &'a str,
    /// Percent-decoded UTF-8, never normalised (`/doc/./a`, `//` and a raw `+` are kept).
    pub path: &'a str,
    /// As on the wire, without '?'.
    pub raw_query: &'a str,
    /// Names as received, values as received.
    pub headers: &'a [(String, String)],
}

/// A list entry in the form the request side produces, `lower(encode(name))`, whether the entry was
/// sent encoded once (header form, Node's raw URL) or decoded already (`from_query` of Python's URL).
fn canonical_name(entry: &str) -> String {
    let decoded: Vec<u8> = percent_decode(entry.as_bytes()).collect();
    encode_bytes(&decoded).to_ascii_lowercase()
}

/// The HttpString: `lower(method)\npath\nparams\nheaders\n`.
///
/// Only what the lists name counts; everything else in the request (including the `q-*` params of a
/// pre-signed URL) is ignored. Each part is `name=value` pairs sorted by name and joined with `&`, names as
/// `lower(encode(name))`, values as `encode(value)`. Query names and values are form-decoded from the wire
/// first; header values are trimmed of surrounding spaces and tabs, and may be empty.
///
/// A listed header or param that the request lacks counts here as an empty value, but [`verify`] refuses
/// such a request first (see [`first_absent`]): a signature binds exactly what it lists. A name listed
/// once takes the first value the request carries; a name listed *n* > 1 times (the Go SDK's repeated
/// params) takes every value the request carries, sorted.
///
/// `host_override` replaces the value of the `host` header (see [`verify`]).
pub fn format_string(
    parts: &SignedParts,
    req: &RequestView,
    host_override: Option<&str>,
) -> String {
    let lists = Lists::of(parts);
    let params = canonical_params(req, &lists.params);
    let headers = canonical_headers(req, host_override, &lists.headers);
    format_string_of(&lists, req, &params, &headers)
}

/// The signature's lists as canonical names (`lower(encode(name))`), sorted: made once per
/// verification, for the HttpString and for [`first_absent`].
struct Lists {
    params: Vec<String>,
    headers: Vec<String>,
}

impl Lists {
    fn of(parts: &SignedParts) -> Lists {
        let sorted = |list: &[String]| {
            let mut names: Vec<String> = list.iter().map(|e| canonical_name(e)).collect();
            names.sort();
            names
        };
        Lists {
            params: sorted(&parts.param_list),
            headers: sorted(&parts.header_list),
        }
    }
}

/// [`format_string`] from the request's canonical pairs.
fn format_string_of(
    lists: &Lists,
    req: &RequestView,
    params: &[(String, String)],
    headers: &[(String, String)],
) -> String {
    format!(
        "{}\n{}\n{}\n{}\n",
        req.method.to_ascii_lowercase(),
        req.path,
        signed_pairs(&lists.params, params),
        signed_pairs(&lists.headers, headers),
    )
}

/// The request's query as `(lower(encode(name)), encode(value))` pairs, of the names in `listed`
/// (canonical and sorted) only: nothing else enters the signature, so nothing else is encoded.
fn canonical_params(req: &RequestView, listed: &[String]) -> Vec<(String, String)> {
    query_pairs_bytes(req.raw_query)
        .filter_map(|(k, v)| {
            let name = encode_bytes(&k).to_ascii_lowercase();
            listed
                .binary_search(&name)
                .is_ok()
                .then(|| (name, encode_bytes(&v)))
        })
        .collect()
}

/// The request's headers as `(lower(encode(name)), encode(trimmed value))` pairs, of the names in
/// `listed` (canonical and sorted) only: an unsigned header (`Authorization`, a few hundred bytes)
/// is never encoded.
fn canonical_headers(
    req: &RequestView,
    host_override: Option<&str>,
    listed: &[String],
) -> Vec<(String, String)> {
    req.headers
        .iter()
        .filter_map(|(name, value)| {
            let name = encode(name).to_ascii_lowercase();
            listed.binary_search(&name).ok()?;
            let value = match host_override {
                Some(host) if name == "host" => host,
                _ => value.trim_matches([' ', '\t']),
            };
            Some((name, encode(value)))
        })
        .collect()
}

/// A name that `q-header-list` or `q-url-param-list` lists but the request does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Absent {
    Header(String),
    Param(String),
}

impl fmt::Display for Absent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Absent::Header(name) => write!(
                f,
                "q-header-list names {name}, which the request does not carry"
            ),
            Absent::Param(name) => write!(
                f,
                "q-url-param-list names {name}, which the request does not carry"
            ),
        }
    }
}

/// The first listed header or parameter the request lacks: a request without one must not verify,
/// or `DELETE /?policy` signed with `q-url-param-list=policy` could be sent as `DELETE /`.
pub fn first_absent(parts: &SignedParts, req: &RequestView) -> Option<Absent> {
    let lists = Lists::of(parts);
    let params = canonical_params(req, &lists.params);
    first_absent_of(
        &lists,
        &params,
        &canonical_headers(req, None, &lists.headers),
    )
}

/// [`first_absent`] from the request's canonical pairs.
fn first_absent_of(
    lists: &Lists,
    params: &[(String, String)],
    headers: &[(String, String)],
) -> Option<Absent> {
    let missing = |names: &[String], have: &[(String, String)]| {
        names
            .iter()
            .find(|name| !have.iter().any(|(k, _)| k == *name))
            .cloned()
    };
    missing(&lists.headers, headers)
        .map(Absent::Header)
        .or_else(|| missing(&lists.params, params).map(Absent::Param))
}

/// `name=value&...` for the listed names (canonical and sorted), from the request's encoded pairs.
fn signed_pairs(names: &[String], available: &[(String, String)]) -> String {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    let mut rest = names;
    while let Some(name) = rest.first() {
        let times = rest.iter().take_while(|n| *n == name).count();
        rest = &rest[times..];
        let mut values: Vec<&str> = available
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if times > 1 {
            values.sort_unstable();
        } else {
            values.truncate(1);
        }
        if values.is_empty() {
            values.push("");
        }
        out.extend(values.into_iter().map(|v| format!("{name}={v}")));
    }
    out.join("&")
}

/// `sha1\n<q-sign-time>\n<hex(SHA1(HttpString))>\n`.
pub fn string_to_sign(sign_time: &str, format_string: &str) -> String {
    let digest: [u8; 20] = Sha1::digest(format_string.as_bytes()).into();
    format!("sha1\n{sign_time}\n{}\n", hex20(&digest).as_str())
}

/// `hex(HMAC-SHA1(SecretKey, q-key-time))`, lowercase.
pub fn sign_key(secret_key: &str, key_time: &str) -> String {
    hmac_sha1_hex(secret_key.as_bytes(), key_time.as_bytes())
}

/// `hex(HMAC-SHA1(SignKey, StringToSign))`, lowercase; the key is the *hex text* of the SignKey.
pub fn signature(sign_key: &str, string_to_sign: &str) -> String {
    hmac_sha1_hex(sign_key.as_bytes(), string_to_sign.as_bytes())
}

fn hmac_sha1_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    hex20(&mac.finalize().into_bytes().into())
        .as_str()
        .to_owned()
}

/// Lowercase hex of a SHA-1 digest, on the stack (`hex::encode` goes one char at a time, and this
/// runs three times per signed request).
fn hex20(digest: &[u8; 20]) -> Hex40 {
    let mut out = [0u8; 40];
    // Cannot fail: 40 is twice 20.
    let _ = hex::encode_to_slice(digest, &mut out);
    Hex40(out)
}

/// 40 lowercase hex digits.
struct Hex40([u8; 40]);

impl Hex40 {
    fn as_str(&self) -> &str {
        // Hex digits are ASCII, so this is never the empty fallback.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// What the server computed when a signature did not match; COS echoes these in `SignatureDoesNotMatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub string_to_sign: String,
    pub format_string: String,
    /// Set when the request lacks a listed name (whatever the signature's value).
    pub absent: Option<Absent>,
}

/// Recomputes and compares in constant time (crate `subtle`), case-insensitively on hex. Tries `host` as received, then (if it has :port) without the port. On failure returns the strings computed for the first try. A request that lacks a listed header or param never verifies.
///
/// The second try signs the host the way the Python SDK does (`urlparse(url).hostname`): no `:port`, no
/// IPv6 brackets, lowercase. It happens only when `host` is signed and that form differs from the
/// received value. The price: a changed port goes unnoticed for a request signed without one.
/// Time is not checked here; see [`parse_window`].
pub fn verify(parts: &SignedParts, req: &RequestView, secret_key: &str) -> Result<(), Mismatch> {
    let key = sign_key(secret_key, &parts.key_time);
    let given = parts.signature.to_ascii_lowercase();
    let lists = Lists::of(parts);
    let params = canonical_params(req, &lists.params);
    let headers = canonical_headers(req, None, &lists.headers);
    let attempt = |host: Option<&str>| {
        let format_string = match host {
            None => format_string_of(&lists, req, &params, &headers),
            Some(_) => {
                let headers = canonical_headers(req, host, &lists.headers);
                format_string_of(&lists, req, &params, &headers)
            }
        };
        let string_to_sign = string_to_sign(&parts.sign_time, &format_string);
        let ok: bool = signature(&key, &string_to_sign)
            .as_bytes()
            .ct_eq(given.as_bytes())
            .into();
        (
            ok,
            Mismatch {
                string_to_sign,
                format_string,
                absent: None,
            },
        )
    };
    let (ok, first) = attempt(None);
    if let Some(absent) = first_absent_of(&lists, &params, &headers) {
        return Err(Mismatch {
            absent: Some(absent),
            ..first
        });
    }
    if ok {
        return Ok(());
    }
    if let Some(host) = hostname_fallback(parts, req) {
        if attempt(Some(&host)).0 {
            return Ok(());
        }
    }
    Err(first)
}

/// The Python SDK's form of the received `host`, when `host` is signed and that form differs.
fn hostname_fallback(parts: &SignedParts, req: &RequestView) -> Option<String> {
    if !parts
        .header_list
        .iter()
        .any(|h| h.eq_ignore_ascii_case("host"))
    {
        return None;
    }
    let (_, host) = req
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("host"))?;
    let host = host.trim_matches([' ', '\t']);
    let without_port = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let bare = without_port
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(without_port)
        .to_ascii_lowercase();
    (bare != host).then_some(bare)
}

/// Client side (tests, benchmark): builds a complete Authorization header value signing every given header and query param.
///
/// `path` is the decoded path as the server will see it; `query` pairs are unencoded (an empty value
/// signs as `name=`); `q-sign-time` and `q-key-time` are both `start;end`.
#[allow(clippy::too_many_arguments)]
pub fn authorization(
    secret_id: &str,
    secret_key: &str,
    start: u64,
    end: u64,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> String {
    let list = |names: Vec<String>| {
        let mut names: Vec<String> = names
            .iter()
            .map(|n| encode(n).to_ascii_lowercase())
            .collect();
        names.sort();
        names
    };
    let window = format!("{start};{end}");
    let parts = SignedParts {
        algorithm: "sha1".into(),
        secret_id: secret_id.into(),
        sign_time: window.clone(),
        key_time: window.clone(),
        header_list: list(headers.iter().map(|(n, _)| n.to_string()).collect()),
        param_list: list(query.iter().map(|(n, _)| n.to_string()).collect()),
        signature: String::new(),
    };
    let raw_query: Vec<String> = query
        .iter()
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let raw_query = raw_query.join("&");
    let req = RequestView {
        method,
        path,
        raw_query: &raw_query,
        headers: &headers,
    };
    let to_sign = string_to_sign(&window, &format_string(&parts, &req, None));
    let signature = signature(&sign_key(secret_key, &window), &to_sign);
    format!(
        "q-sign-algorithm=sha1&q-ak={secret_id}&q-sign-time={window}&q-key-time={window}\
         &q-header-list={}&q-url-param-list={}&q-signature={signature}",
        parts.header_list.join(";"),
        parts.param_list.join(";"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(headers: &[(&str, &str)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn parts(header_list: &[&str], param_list: &[&str]) -> SignedParts {
        SignedParts {
            algorithm: "sha1".into(),
            secret_id: "id".into(),
            sign_time: "1;2".into(),
            key_time: "1;2".into(),
            header_list: header_list.iter().map(|s| s.to_string()).collect(),
            param_list: param_list.iter().map(|s| s.to_string()).collect(),
            signature: String::new(),
        }
    }

    // Go SDK `auth_test.go: TestNewAuthorization`, cos-api.md §1.5.
    const GO_ID: &str = "QmFzZTY0IGlzIGEgZ2VuZXJp";
    const GO_KEY: &str = "AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM";
    const GO_TIME: &str = "1480932292;1481012292";
    const GO_HEADERS: [(&str, &str); 3] = [
        ("Host", "testbucket-125000000.cos.ap-guangzhou.myqcloud.com"),
        (
            "x-cos-content-sha1",
            "db8ac1c259eb89d4a131b253bacfca5f319d54f2",
        ),
        ("x-cos-stroage-class", "nearline"),
    ];
    const GO_SIGN_KEY: &str = "95d110a8ead64cac52083100db75b7e3f369e72f";
    const GO_HTTP_STRING: &str = "put\n/testfile2\n\nhost=testbucket-125000000.cos.ap-guangzhou.myqcloud.com&x-cos-content-sha1=db8ac1c259eb89d4a131b253bacfca5f319d54f2&x-cos-stroage-class=nearline\n";
    const GO_STRING_TO_SIGN: &str =
        "sha1\n1480932292;1481012292\n113b22e92b74237531fafbfc8bb9e67be55645c7\n";
    const GO_SIGNATURE: &str = "ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a";
    const GO_AUTHORIZATION: &str = "q-sign-algorithm=sha1&q-ak=QmFzZTY0IGlzIGEgZ2VuZXJp&q-sign-time=1480932292;1481012292&q-key-time=1480932292;1481012292&q-header-list=host;x-cos-content-sha1;x-cos-stroage-class&q-url-param-list=&q-signature=ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a";

    #[test]
    fn sign_key_go_vector_matches() {
        assert_eq!(sign_key(GO_KEY, GO_TIME), GO_SIGN_KEY);
    }

    #[test]
    fn format_string_go_vector_matches() {
        let headers = owned(&GO_HEADERS);
        let req = RequestView {
            method: "PUT",
            path: "/testfile2",
            raw_query: "",
            headers: &headers,
        };
        let parts = parts(&["host", "x-cos-content-sha1", "x-cos-stroage-class"], &[]);
        assert_eq!(format_string(&parts, &req, None), GO_HTTP_STRING);
    }

    #[test]
    fn string_to_sign_go_vector_matches() {
        assert_eq!(
            hex::encode(Sha1::digest(GO_HTTP_STRING.as_bytes())),
            "113b22e92b74237531fafbfc8bb9e67be55645c7"
        );
        assert_eq!(string_to_sign(GO_TIME, GO_HTTP_STRING), GO_STRING_TO_SIGN);
    }

    #[test]
    fn signature_go_vector_matches() {
        assert_eq!(signature(GO_SIGN_KEY, GO_STRING_TO_SIGN), GO_SIGNATURE);
    }

    #[test]
    fn authorization_go_vector_matches() {
        let (start, end) = parse_window(GO_TIME).unwrap();
        let header = authorization(
            GO_ID,
            GO_KEY,
            start,
            end,
            "PUT",
            "/testfile2",
            &[],
            &GO_HEADERS,
        );
        assert_eq!(header, GO_AUTHORIZATION);
    }

    #[test]
    fn verify_go_vector_succeeds() {
        let headers = owned(&GO_HEADERS);
        let req = RequestView {
            method: "PUT",
            path: "/testfile2",
            raw_query: "",
            headers: &headers,
        };
        let parts = from_authorization(GO_AUTHORIZATION).unwrap();
        assert_eq!(verify(&parts, &req, GO_KEY), Ok(()));
        let wrong = verify(&parts, &req, "another key").unwrap_err();
        assert_eq!(wrong.format_string, GO_HTTP_STRING);
        assert_eq!(wrong.string_to_sign, GO_STRING_TO_SIGN);
    }

    // The three recomputed python SDK requests of cos-api.md §1.5 (the spec elides the second host).
    const PY_HOST: &str = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";

    #[test]
    fn format_string_python_object_put_matches() {
        let headers = owned(&[
            ("Content-Length", "5"),
            ("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="),
            ("Host", PY_HOST),
            ("x-cos-security-token", "tok123"),
        ]);
        let req = RequestView {
            method: "PUT",
            path: "/dir/a b+c.txt",
            raw_query: "",
            headers: &headers,
        };
        let list = [
            "content-length",
            "content-md5",
            "host",
            "x-cos-security-token",
        ];
        assert_eq!(
            format_string(&parts(&list, &[]), &req, None),
            format!("put\n/dir/a b+c.txt\n\ncontent-length=5&content-md5=XUFAKrxLKna5cZ2REBfFkg%3D%3D&host={PY_HOST}&x-cos-security-token=tok123\n")
        );
    }

    #[test]
    fn format_string_python_bucket_policy_matches() {
        let headers = owned(&[
            ("Content-Length", "35"),
            ("Content-Type", "application/json"),
            ("Host", PY_HOST),
            ("x-cos-security-token", "tok123"),
        ]);
        let req = RequestView {
            method: "PUT",
            path: "/",
            raw_query: "policy=",
            headers: &headers,
        };
        let list = [
            "content-length",
            "content-type",
            "host",
            "x-cos-security-token",
        ];
        assert_eq!(
            format_string(&parts(&list, &["policy"]), &req, None),
            format!("put\n/\npolicy=\ncontent-length=35&content-type=application%2Fjson&host={PY_HOST}&x-cos-security-token=tok123\n")
        );
    }

    #[test]
    fn format_string_python_presigned_url_matches() {
        let raw_query = "response-content-type=text%2Fplain&q-sign-algorithm=sha1&q-ak=id\
            &q-sign-time=1557989753%3B1557996953&q-key-time=1557989753%3B1557996953\
            &q-header-list=host&q-url-param-list=response-content-type&q-signature=00";
        let headers = owned(&[("Host", "127.0.0.1:40215")]);
        let req = RequestView {
            method: "GET",
            path: "/dir/a b.txt",
            raw_query,
            headers: &headers,
        };
        let parts = from_query(raw_query).unwrap().unwrap();
        assert_eq!(
            format_string(&parts, &req, Some("127.0.0.1")),
            "get\n/dir/a b.txt\nresponse-content-type=text%2Fplain\nhost=127.0.0.1\n"
        );
        assert!(format_string(&parts, &req, None).contains("host=127.0.0.1%3A40215"));
    }

    #[test]
    fn encode_reserved_characters_percent_encodes() {
        assert_eq!(encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(
            encode("a b+c/;=!'()*%"),
            "a%20b%2Bc%2F%3B%3D%21%27%28%29%2A%25"
        );
        assert_eq!(encode("中ü"), "%E4%B8%AD%C3%BC");
    }

    #[test]
    fn format_string_valueless_param_signs_empty_value() {
        for raw_query in ["acl", "acl="] {
            let req = RequestView {
                method: "GET",
                path: "/",
                raw_query,
                headers: &[],
            };
            assert_eq!(
                format_string(&parts(&[], &["acl"]), &req, None),
                "get\n/\nacl=\n\n"
            );
        }
    }

    #[test]
    fn format_string_query_form_decoded_and_reencoded() {
        let req = RequestView {
            method: "GET",
            path: "/",
            raw_query: "prefix=doc%2Fa+b%2B&VersionId=X%2fy&max-keys=10&unlisted=1",
            headers: &[],
        };
        let list = ["max-keys", "prefix", "versionid"];
        assert_eq!(
            format_string(&parts(&[], &list), &req, None),
            "get\n/\nmax-keys=10&prefix=doc%2Fa%20b%2B&versionid=X%2Fy\n\n"
        );
    }

    #[test]
    fn format_string_repeated_param_listed_twice_signs_sorted_values() {
        let req = RequestView {
            method: "GET",
            path: "/",
            raw_query: "a=2&b=1&a=1",
            headers: &[],
        };
        assert_eq!(
            format_string(&parts(&[], &["a", "a", "b"]), &req, None),
            "get\n/\na=1&a=2&b=1\n\n"
        );
        assert_eq!(
            format_string(&parts(&[], &["a", "b"]), &req, None),
            "get\n/\na=2&b=1\n\n"
        );
    }

    #[test]
    fn format_string_sorts_by_name_not_by_pair() {
        let req = RequestView {
            method: "GET",
            path: "/",
            raw_query: "a-b=1&a=2",
            headers: &[],
        };
        assert_eq!(
            format_string(&parts(&[], &["a-b", "a"]), &req, None),
            "get\n/\na=2&a-b=1\n\n"
        );
    }

    #[test]
    fn format_string_headers_case_insensitive_trimmed_empty_kept() {
        let headers = owned(&[
            ("X-COS-Meta-Foo", "  Bar Baz/1+2\t"),
            ("x-cos-meta-md5", ""),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("User-Agent", "unsigned"),
        ]);
        let req = RequestView {
            method: "PUT",
            path: "/k",
            raw_query: "",
            headers: &headers,
        };
        let list = ["x-cos-meta-md5", "content-type", "x-cos-meta-foo"];
        assert_eq!(
            format_string(&parts(&list, &[]), &req, None),
            "put\n/k\n\ncontent-type=text%2Fplain%3B%20charset%3Dutf-8&x-cos-meta-foo=Bar%20Baz%2F1%2B2&x-cos-meta-md5=\n"
        );
    }

    #[test]
    fn format_string_missing_listed_names_sign_empty_values() {
        let req = RequestView {
            method: "GET",
            path: "/",
            raw_query: "",
            headers: &[],
        };
        assert_eq!(
            format_string(&parts(&["x-cos-acl"], &["acl"]), &req, None),
            "get\n/\nacl=\nx-cos-acl=\n"
        );
    }

    #[test]
    fn verify_listed_but_absent_fails_even_when_signed_empty() {
        // Signed over the empty values an absent name used to stand for: still refused.
        for (headers, params, query, absent) in [
            (
                &["x-cos-acl"][..],
                &[][..],
                "",
                Absent::Header("x-cos-acl".into()),
            ),
            (&[][..], &["policy"][..], "", Absent::Param("policy".into())),
            (&[][..], &["acl"][..], "x-id=1", Absent::Param("acl".into())),
        ] {
            let mut p = parts(headers, params);
            let req = RequestView {
                method: "DELETE",
                path: "/",
                raw_query: query,
                headers: &[],
            };
            let to_sign = string_to_sign(&p.sign_time, &format_string(&p, &req, None));
            p.signature = signature(&sign_key("secret", &p.key_time), &to_sign);
            let err = verify(&p, &req, "secret").unwrap_err();
            assert_eq!(err.absent, Some(absent));
            // The same signature verifies once the request carries the (empty) names.
            let with: Vec<(String, String)> = headers
                .iter()
                .map(|h| (h.to_string(), String::new()))
                .collect();
            let q: Vec<String> = params.iter().map(|p| format!("{p}=")).collect();
            let q = [q.join("&"), query.to_string()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("&");
            let req = RequestView {
                raw_query: &q,
                headers: &with,
                ..req
            };
            assert_eq!(verify(&p, &req, "secret"), Ok(()));
        }
    }

    #[test]
    fn format_string_path_kept_as_given() {
        let req = RequestView {
            method: "GET",
            path: "/doc/./a//b+c 中.txt",
            raw_query: "",
            headers: &[],
        };
        assert_eq!(
            format_string(&parts(&[], &[]), &req, None),
            "get\n/doc/./a//b+c 中.txt\n\n\n"
        );
    }

    #[test]
    fn verify_uppercase_signature_succeeds() {
        let header = authorization("id", "key", 1, 2, "GET", "/", &[("acl", "")], &[]);
        let mut parts = from_authorization(&header).unwrap();
        parts.signature = parts.signature.to_ascii_uppercase();
        let req = RequestView {
            method: "GET",
            path: "/",
            raw_query: "acl",
            headers: &[],
        };
        assert_eq!(verify(&parts, &req, "key"), Ok(()));
    }

    /// Only listed names are canonicalized: unlisted headers and parameters may change freely, a
    /// listed one may not, and a listed name matches in any letter case.
    #[test]
    fn verify_binds_listed_names_only() {
        let header = authorization(
            "id",
            "key",
            1,
            2,
            "PUT",
            "/a",
            &[("acl", "")],
            &[("host", "b.cos.x"), ("x-cos-acl", "private")],
        );
        let parts = from_authorization(&header).unwrap();
        let check = |raw_query: &str, headers: &[(&str, &str)]| {
            let headers: Vec<(String, String)> = headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            let req = RequestView {
                method: "PUT",
                path: "/a",
                raw_query,
                headers: &headers,
            };
            verify(&parts, &req, "key").is_ok()
        };
        let signed = [("Host", "b.cos.x"), ("X-Cos-ACL", "private")];
        assert!(check("acl", &signed));
        // Unlisted: a long Authorization, another header, another parameter.
        let long = "q".repeat(4096);
        let extra = [
            ("HOST", "b.cos.x"),
            ("x-cos-acl", "private"),
            ("authorization", long.as_str()),
            ("x-other", "anything"),
        ];
        assert!(check("acl&unlisted=%20x", &extra));
        // Listed: a changed value, a missing header or parameter.
        assert!(!check(
            "acl",
            &[("host", "b.cos.x"), ("x-cos-acl", "public-read")]
        ));
        assert!(!check("acl", &[("host", "b.cos.x")]));
        assert!(!check("unlisted=1", &signed));
        assert!(!check("acl=x", &signed));
    }

    #[test]
    fn verify_presigned_query_succeeds() {
        let query = [("response-content-type", "text/plain; charset=utf-8")];
        let host = [("Host", "127.0.0.1:9000")];
        let header = authorization("id", "key", 10, 20, "GET", "/a b+c.txt", &query, &host);
        // Python's shape: the fields url-encoded (`;` as %3B) after the caller's own params.
        let signed: Vec<String> = header
            .split('&')
            .map(|pair| pair.replace(';', "%3B"))
            .collect();
        let raw_query = format!(
            "response-content-type=text%2Fplain%3B+charset%3Dutf-8&{}",
            signed.join("&")
        );
        let parts = from_query(&raw_query).unwrap().unwrap();
        let headers = owned(&host);
        let req = RequestView {
            method: "GET",
            path: "/a b+c.txt",
            raw_query: &raw_query,
            headers: &headers,
        };
        assert_eq!(verify(&parts, &req, "key"), Ok(()));
    }

    #[test]
    fn verify_host_signed_without_port_succeeds() {
        let header = authorization("id", "key", 1, 2, "GET", "/", &[], &[("Host", "[::1]")]);
        let parts = from_authorization(&header).unwrap();
        let headers = owned(&[("Host", "[::1]:8080")]);
        let req = RequestView {
            method: "GET",
            path: "/",
            raw_query: "",
            headers: &headers,
        };
        // Signed `[::1]`, received with a port: the python form is `::1`, not `[::1]`.
        assert!(verify(&parts, &req, "key").is_err());
        let header = authorization("id", "key", 1, 2, "GET", "/", &[], &[("Host", "::1")]);
        let parts = from_authorization(&header).unwrap();
        assert_eq!(verify(&parts, &req, "key"), Ok(()));
    }

    const SAMPLE_AUTH: &str = "q-sign-algorithm=sha1&q-ak=AKIDx&q-sign-time=1;2&q-key-time=1;2\
        &q-header-list=content-length;host&q-url-param-list=&q-signature=abc123";

    #[test]
    fn from_authorization_fields_in_any_order_parses() {
        let mut fields: Vec<&str> = SAMPLE_AUTH.split('&').collect();
        fields.reverse();
        let parts = from_authorization(&fields.join("&")).unwrap();
        assert_eq!(parts, from_authorization(SAMPLE_AUTH).unwrap());
        assert_eq!(parts.secret_id, "AKIDx");
        assert_eq!(parts.sign_time, "1;2");
        assert_eq!(parts.header_list, ["content-length", "host"]);
        assert!(parts.param_list.is_empty());
        assert_eq!(parts.signature, "abc123");
    }

    #[test]
    fn from_authorization_missing_field_errors() {
        for (i, field) in FIELDS.iter().enumerate() {
            let without: Vec<&str> = SAMPLE_AUTH
                .split('&')
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, pair)| pair)
                .collect();
            assert_eq!(
                from_authorization(&without.join("&")),
                Err(ParseError::Missing(field)),
            );
        }
        assert_eq!(
            from_authorization(""),
            Err(ParseError::Missing("q-sign-algorithm"))
        );
    }

    #[test]
    fn from_authorization_bad_values_error() {
        let cases = [
            (
                "q-sign-algorithm=sha1",
                "q-sign-algorithm=sha256",
                "q-sign-algorithm",
            ),
            ("q-sign-time=1;2", "q-sign-time=12", "q-sign-time"),
            ("q-key-time=1;2", "q-key-time=2;1", "q-key-time"),
            ("q-ak=AKIDx", "q-ak=", "q-ak"),
            ("q-signature=abc123", "q-signature=", "q-signature"),
            ("q-ak=AKIDx", "q-ak=AKIDx&q-ak=AKIDy", "q-ak"),
        ];
        for (from, to, field) in cases {
            let err = from_authorization(&SAMPLE_AUTH.replace(from, to)).unwrap_err();
            assert!(
                matches!(err, ParseError::Malformed(f, _) if f == field),
                "{to}: {err}"
            );
        }
    }

    #[test]
    fn from_query_encoded_semicolons_decodes() {
        let raw = "q-sign-algorithm=sha1&q-ak=AKIDx&q-sign-time=1557989753%3B1557996953\
            &q-key-time=1557989753%3b1557996953&q-header-list=host%3Bx-cos-acl\
            &q-url-param-list=response-content-type&q-signature=abc&x-id=1";
        let parts = from_query(raw).unwrap().unwrap();
        assert_eq!(parts.sign_time, "1557989753;1557996953");
        assert_eq!(parts.key_time, "1557989753;1557996953");
        assert_eq!(parts.header_list, ["host", "x-cos-acl"]);
        assert_eq!(parts.param_list, ["response-content-type"]);
    }

    #[test]
    fn from_query_raw_semicolons_parses() {
        let raw = "q-sign-algorithm=sha1&q-ak=AKIDx&q-sign-time=1;2&q-key-time=1;2\
            &q-header-list=host&q-url-param-list=&q-signature=abc";
        let parts = from_query(raw).unwrap().unwrap();
        assert_eq!(parts.sign_time, "1;2");
        assert_eq!(parts.header_list, ["host"]);
        assert!(parts.param_list.is_empty());
    }

    #[test]
    fn from_query_unsigned_returns_none() {
        assert_eq!(from_query(""), None);
        assert_eq!(from_query("acl&prefix=q-ak&x-cos-security-token=t"), None);
    }

    /// node SDK `test/test.js` "getAuth() 特殊字符": `?sign=` + the encoded Authorization, then a
    /// signed parameter whose name and value are every special character.
    fn sign_param_request(tamper: impl Fn(&str) -> String) -> Result<(), Mismatch> {
        let special = "qwertyuiopQWERTY,./;'[]\\-=0987`~!@#$%^&*()_+{}|\":>?<";
        let host = [(
            "Host",
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
        )];
        let header = authorization(
            "id",
            "key",
            10,
            20,
            "GET",
            "/1.txt",
            &[(special, special)],
            &host,
        );
        let enc = |s: &str| encode_bytes(s.as_bytes());
        let raw_query = format!("sign={}&{}={}", enc(&header), enc(special), enc(special));
        let raw_query = tamper(&raw_query);
        let parts = from_sign_param(&raw_query).unwrap().unwrap();
        assert_eq!(parts.secret_id, "id");
        let headers = owned(&host);
        let req = RequestView {
            method: "GET",
            path: "/1.txt",
            raw_query: &raw_query,
            headers: &headers,
        };
        verify(&parts, &req, "key")
    }

    #[test]
    fn verify_sign_param_succeeds() {
        assert_eq!(sign_param_request(|q| q.to_string()), Ok(()));
    }

    #[test]
    fn verify_sign_param_tampered_fails() {
        // Another value for the signed parameter.
        assert!(sign_param_request(|q| format!("{}x", q)).is_err());
        // Another signature (its last hex digit changed).
        let flip = |q: &str| {
            let at = q.find("%26q-signature%3D").unwrap() + "%26q-signature%3D".len() + 39;
            let c = if &q[at..at + 1] == "0" { "1" } else { "0" };
            format!("{}{c}{}", &q[..at], &q[at + 1..])
        };
        assert!(sign_param_request(flip).is_err());
    }

    #[test]
    fn from_sign_param_absent_or_empty_is_none_and_garbage_errors() {
        assert_eq!(from_sign_param(""), None);
        assert_eq!(from_sign_param("acl&signature=x&sign="), None);
        assert_eq!(
            from_sign_param("sign=abc"),
            Some(Err(ParseError::Missing("q-sign-algorithm")))
        );
    }

    #[test]
    fn from_query_partial_fields_errors() {
        assert_eq!(
            from_query("q-signature=abc"),
            Some(Err(ParseError::Missing("q-sign-algorithm")))
        );
    }

    #[test]
    fn parse_window_valid_and_invalid() {
        assert_eq!(
            parse_window("1557989753;1557996953"),
            Ok((1557989753, 1557996953))
        );
        for bad in ["", "1", "1;", ";2", "a;2", "+1;2", "1;2;3", "3;2", "1; 2"] {
            assert!(parse_window(bad).is_err(), "{bad:?}");
        }
    }

    // ---- Every COS-signed request captured from real clients (fixtures/captures). ----

    struct Capture {
        label: String,
        method: String,
        path: String,
        raw_query: String,
        headers: Vec<(String, String)>,
        parts: SignedParts,
        secret_key: &'static str,
    }

    impl Capture {
        fn view(&self) -> RequestView<'_> {
            RequestView {
                method: &self.method,
                path: &self.path,
                raw_query: &self.raw_query,
                headers: &self.headers,
            }
        }
    }

    fn secret_key_for(secret_id: &str) -> &'static str {
        match secret_id {
            "AKIDEXAMPLEsecretid0123456789abcdef" => "EXAMPLEsecretkey0123456789abcdef",
            // The temporary key handed out by the STS response in qcloud_python_sts.jsonl.
            "AKIDtmpEXAMPLE0123456789" => "tmpSecretKeyEXAMPLE0123456789abc",
            other => panic!("no secret key known for {other}"),
        }
    }

    /// `(file, capture)` for every capture carrying `q-signature` in a header or in the query.
    fn signed_captures() -> Vec<(String, Capture)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captures");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let label = format!("{name}:{} {}", n + 1, v["op"].as_str().unwrap_or("?"));
                if let Some(capture) = signed_capture(&v, label) {
                    out.push((name.clone(), capture));
                }
            }
        }
        out
    }

    fn signed_capture(v: &serde_json::Value, label: String) -> Option<Capture> {
        let mut target = v["target"].as_str().unwrap();
        if let Some((_, rest)) = target.split_once("://") {
            target = rest.find('/').map_or("/", |i| &rest[i..]);
        }
        let (raw_path, raw_query) = target.split_once('?').unwrap_or((target, ""));
        let headers: Vec<(String, String)> = v["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let name = h[0].as_str().unwrap().to_string();
                (name, h[1].as_str().unwrap().to_string())
            })
            .collect();
        let auth = headers
            .iter()
            .find(|(n, v)| n.eq_ignore_ascii_case("authorization") && v.contains("q-signature"));
        let parts = match auth {
            Some((_, value)) => from_authorization(value),
            None => from_query(raw_query)?,
        };
        let parts = parts.unwrap_or_else(|e| panic!("{label}: {e}"));
        let path = percent_decode(raw_path.as_bytes()).decode_utf8().unwrap();
        Some(Capture {
            label,
            method: v["method"].as_str().unwrap().to_string(),
            path: path.into_owned(),
            raw_query: raw_query.to_string(),
            headers,
            secret_key: secret_key_for(&parts.secret_id),
            parts,
        })
    }

    #[test]
    fn verify_every_signed_capture_succeeds() {
        let captures = signed_captures();
        let mut per_file = std::collections::BTreeMap::<String, usize>::new();
        for (file, c) in &captures {
            if let Err(m) = verify(&c.parts, &c.view(), c.secret_key) {
                panic!("{}: {m:?}", c.label);
            }
            *per_file.entry(file.clone()).or_default() += 1;
        }
        println!(
            "verified {} COS-signed captures: {per_file:?}",
            captures.len()
        );
        assert!(
            captures.len() >= 98,
            "only {} signed captures",
            captures.len()
        );
    }

    /// A copy of the query with every value of the params named `entry` changed.
    fn tamper_param(raw_query: &str, entry: &str) -> Option<String> {
        let mut hit = false;
        let pairs: Vec<String> = raw_query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                if encode_bytes(&crate::wire::form_decode_bytes(k)).to_ascii_lowercase()
                    == canonical_name(entry)
                {
                    hit = true;
                    format!("{k}={v}x")
                } else {
                    pair.to_string()
                }
            })
            .collect();
        hit.then(|| pairs.join("&"))
    }

    fn changed(s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        match chars.first_mut() {
            Some(c) => *c = if *c == 'x' { 'y' } else { 'x' },
            None => chars.push('x'),
        }
        chars.into_iter().collect()
    }

    fn tampered_copies(c: &Capture) -> Vec<(String, Capture)> {
        let copy = |what: String| {
            let capture = Capture {
                label: c.label.clone(),
                method: c.method.clone(),
                path: c.path.clone(),
                raw_query: c.raw_query.clone(),
                headers: c.headers.clone(),
                parts: c.parts.clone(),
                secret_key: c.secret_key,
            };
            (what, capture)
        };
        let mut out = Vec::new();
        let (what, mut t) = copy("method".into());
        t.method = if c.method == "GET" { "PUT" } else { "GET" }.into();
        out.push((what, t));
        let (what, mut t) = copy("path".into());
        let last = t.path.pop().unwrap();
        t.path.push(if last == 'x' { 'y' } else { 'x' });
        out.push((what, t));
        for entry in &c.parts.header_list {
            let (what, mut t) = copy(format!("header {entry}"));
            let header = t
                .headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(entry));
            let (_, value) = header.unwrap_or_else(|| panic!("{}: no {entry}", c.label));
            *value = changed(value);
            out.push((what, t));
        }
        for entry in &c.parts.param_list {
            let (what, mut t) = copy(format!("param {entry}"));
            t.raw_query = tamper_param(&c.raw_query, entry)
                .unwrap_or_else(|| panic!("{}: no param {entry}", c.label));
            out.push((what, t));
        }
        // A signature binds what it lists: each listed header or param removed.
        for entry in &c.parts.header_list {
            let (what, mut t) = copy(format!("removed-header {entry}"));
            t.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(entry));
            out.push((what, t));
        }
        for entry in &c.parts.param_list {
            let (what, mut t) = copy(format!("removed-param {entry}"));
            t.raw_query = c
                .raw_query
                .split('&')
                .filter(|pair| {
                    let k = pair.split_once('=').map_or(*pair, |(k, _)| k);
                    encode_bytes(&crate::wire::form_decode_bytes(k)).to_ascii_lowercase()
                        != canonical_name(entry)
                })
                .collect::<Vec<_>>()
                .join("&");
            out.push((what, t));
        }
        if let Some(port_changed) = signed_port_changed(c) {
            let (what, mut t) = copy("host port".into());
            for (name, value) in t.headers.iter_mut() {
                if name.eq_ignore_ascii_case("host") {
                    *value = port_changed.clone();
                }
            }
            out.push((what, t));
        }
        out
    }

    /// The host with its port + 1, when the capture signed the host with its port.
    fn signed_port_changed(c: &Capture) -> Option<String> {
        let (_, host) = c
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))?;
        let (name, port) = host.rsplit_once(':')?;
        let port: u16 = port.parse().ok()?;
        let to_sign = string_to_sign(
            &c.parts.sign_time,
            &format_string(&c.parts, &c.view(), None),
        );
        let with_port = signature(&sign_key(c.secret_key, &c.parts.key_time), &to_sign);
        (with_port == c.parts.signature).then(|| format!("{name}:{}", port + 1))
    }

    #[test]
    fn verify_tampered_captures_fails() {
        let captures = signed_captures();
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for (_, c) in &captures {
            for (what, t) in tampered_copies(c) {
                assert!(
                    verify(&t.parts, &t.view(), t.secret_key).is_err(),
                    "{}: tampered {what} still verifies",
                    c.label
                );
                let kind = what.split(' ').next().unwrap_or_default().to_string();
                *counts.entry(kind).or_default() += 1;
            }
        }
        let total: usize = counts.values().sum();
        println!(
            "rejected {total} tampered copies of {} captures: {counts:?}",
            captures.len()
        );
        assert!(total > 3 * captures.len());
    }
}
