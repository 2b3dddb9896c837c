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

use std::borrow::Cow;
use std::fmt;

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// Everything but RFC 3986's unreserved characters `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

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
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .map(|(k, v)| (Cow::Borrowed(k), Cow::Borrowed(v)));
    parts_from_pairs(pairs)
}

/// None when the raw query carries no q-signature / q-ak (an unsigned request); values percent-decoded (';' may be raw or %3B).
pub fn from_query(raw_query: &str) -> Option<Result<SignedParts, ParseError>> {
    let pairs: Vec<(Cow<str>, Cow<str>)> = query_pairs(raw_query)
        .filter(|(k, _)| k.starts_with(b"q-"))
        .map(|(k, v)| {
            let k = String::from_utf8_lossy(&k).into_owned();
            let v = String::from_utf8_lossy(&v).into_owned();
            (Cow::Owned(k), Cow::Owned(v))
        })
        .collect();
    let signed = pairs
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("q-signature") || k.eq_ignore_ascii_case("q-ak"));
    signed.then(|| parts_from_pairs(pairs))
}

fn parts_from_pairs<'a>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<SignedParts, ParseError> {
    let mut found: [Option<String>; 7] = Default::default();
    for (key, value) in pairs {
        let Some(i) = FIELDS.iter().position(|f| f.eq_ignore_ascii_case(&key)) else {
            continue;
        };
        if found[i].is_some() {
            return Err(ParseError::Malformed(FIELDS[i], "given twice".into()));
        }
        found[i] = Some(value.into_owned());
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

/// RFC 3986 encoding of the UTF-8 bytes: unreserved `A-Za-z0-9-_.~` kept, the rest as `%XX` (uppercase hex).
pub fn encode(s: &str) -> String {
    encode_bytes(s.as_bytes())
}

fn encode_bytes(bytes: &[u8]) -> String {
    percent_encode(bytes, NOT_UNRESERVED).to_string()
}

/// Form decoding: `+` is a space, then percent-decoding. Bytes, so that no input can fail.
fn form_decode(s: &str) -> Vec<u8> {
    let plus_as_space: Vec<u8> = s
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&plus_as_space).collect()
}

/// `(name, value)` pairs of a raw query, form-decoded; `acl` and `acl=` both give an empty value.
fn query_pairs(raw: &str) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
    raw.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode(k), form_decode(v))
    })
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
/// A listed header or param that the request lacks counts as an **empty value**: removing a signed header
/// can then only go unnoticed if it was signed empty, and a proxy that drops empty headers still
/// verifies. A name listed once takes the first value the request carries; a name listed *n* > 1 times
/// (the Go SDK's repeated params) takes every value the request carries, sorted.
///
/// `host_override` replaces the value of the `host` header (see [`verify`]).
pub fn format_string(
    parts: &SignedParts,
    req: &RequestView,
    host_override: Option<&str>,
) -> String {
    let params: Vec<(String, String)> = query_pairs(req.raw_query)
        .map(|(k, v)| (encode_bytes(&k).to_ascii_lowercase(), encode_bytes(&v)))
        .collect();
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(name, value)| {
            let name = encode(name).to_ascii_lowercase();
            let value = match host_override {
                Some(host) if name == "host" => host,
                _ => value.trim_matches([' ', '\t']),
            };
            (name, encode(value))
        })
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n",
        req.method.to_ascii_lowercase(),
        req.path,
        signed_pairs(&parts.param_list, &params),
        signed_pairs(&parts.header_list, &headers),
    )
}

/// `name=value&...` for the listed names, sorted by name, from the request's encoded pairs.
fn signed_pairs(list: &[String], available: &[(String, String)]) -> String {
    let mut names: Vec<String> = list.iter().map(|e| canonical_name(e)).collect();
    names.sort();
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    let mut rest = names.as_slice();
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
    let digest = hex::encode(Sha1::digest(format_string.as_bytes()));
    format!("sha1\n{sign_time}\n{digest}\n")
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
    hex::encode(mac.finalize().into_bytes())
}

/// What the server computed when a signature did not match; COS echoes these in `SignatureDoesNotMatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub string_to_sign: String,
    pub format_string: String,
}

/// Recomputes and compares in constant time (crate `subtle`), case-insensitively on hex. Tries `host` as received, then (if it has :port) without the port. On failure returns the strings computed for the first try.
///
/// The second try signs the host the way the Python SDK does (`urlparse(url).hostname`): no `:port`, no
/// IPv6 brackets, lowercase. It happens only when `host` is signed and that form differs from the
/// received value. The price: a changed port goes unnoticed for a request signed without one.
/// Time is not checked here; see [`parse_window`].
pub fn verify(parts: &SignedParts, req: &RequestView, secret_key: &str) -> Result<(), Mismatch> {
    let key = sign_key(secret_key, &parts.key_time);
    let given = parts.signature.to_ascii_lowercase();
    let attempt = |host: Option<&str>| {
        let format_string = format_string(parts, req, host);
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
            },
        )
    };
    let (ok, first) = attempt(None);
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
