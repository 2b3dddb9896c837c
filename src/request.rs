//! The request as the rest of the server sees it, built from the head alone: where it is addressed
//! (dialect, admin, service, bucket, object), its decoded path and query, and its headers. The body is
//! read later, once the request is authenticated and authorized (see `dispatch`). Pure.

use std::net::SocketAddr;

use bytes::Bytes;
use http::{HeaderMap, Method};

use crate::dialect::Dialect;
use crate::error::{Code, CosError};
pub use crate::wire::parse_query;

/// What the request is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `/_cos-mock/...` on a Host that names no bucket: what follows `/_cos-mock/` ([`ADMIN_BARE`]
    /// for `/_cos-mock` itself).
    Admin(String),
    /// A Host and path that name no bucket: `GET /` lists buckets, `POST /` may be STS.
    Service,
    /// A bucket; `key` is empty for bucket-level requests.
    Bucket { bucket: String, key: String },
}

/// The admin path of `/_cos-mock` without its slash (the admin API redirects it to `/_cos-mock/`).
/// A space: no request path holds one, so no `/_cos-mock/<rest>` gives this path.
pub const ADMIN_BARE: &str = " ";

/// The admin path of `raw_path` on a Host that names no bucket: what follows `/_cos-mock/`, or
/// [`ADMIN_BARE`] for `/_cos-mock`.
fn admin_path(raw_path: &str) -> Option<&str> {
    match raw_path {
        "/_cos-mock" => Some(ADMIN_BARE),
        _ => raw_path.strip_prefix("/_cos-mock/"),
    }
}

/// One request as the rest of the server sees it.
#[derive(Debug, Clone)]
pub struct CosRequest {
    pub method: Method,
    /// The Host as received (from an absolute-form target when there is one), port included.
    pub host: String,
    /// The path as on the wire, e.g. `/doc/a%20b.txt`.
    pub raw_path: String,
    /// The percent-decoded path, never normalised: what signatures are computed over.
    pub path: String,
    /// The query as on the wire, without `?`.
    pub raw_query: String,
    /// Query parameters form-decoded (`+` is a space), in wire order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    /// Empty until the request path reads the body (after authorization).
    pub body: Bytes,
    pub dialect: Dialect,
    pub target: Target,
    /// The region from the Host, or the configured one.
    pub region: String,
    pub remote: Option<SocketAddr>,
    pub secure: bool,
}

/// What addressing needs from the configuration.
#[derive(Debug, Clone, Default)]
pub struct Addressing<'a> {
    pub region: &'a str,
    pub default_bucket: Option<&'a str>,
    /// The region of OSS buckets (`oss.region`).
    pub oss_region: &'a str,
}

impl CosRequest {
    /// Reads a request's head. Fails on a Host header missing (HTTP/1.1) or repeated
    /// (`InvalidArgument`, [`check_host_headers`]), on a path that is not percent-encoded UTF-8 or
    /// holds a character XML 1.0 cannot carry (`InvalidURI`, [`check_path_chars`]), and on a
    /// path-style bucket with a bad name (`InvalidBucketName`).
    pub fn from_head(
        parts: &http::request::Parts,
        addr: &Addressing,
        remote: Option<SocketAddr>,
    ) -> Result<CosRequest, CosError> {
        check_host_headers(parts)?;
        let host = parts
            .uri
            .authority()
            .map(|a| a.as_str().to_string())
            .or_else(|| {
                parts
                    .headers
                    .get(http::header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let raw_path = parts.uri.path().to_string();
        let path = decode_path(&raw_path)?;
        check_path_chars(&path)?;
        let raw_query = parts.uri.query().unwrap_or("").to_string();
        let query = parse_query(&raw_query);
        let oss_credential = crate::dialect::oss::hosts::carries_credential(
            parts
                .headers
                .get(http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok()),
            &raw_query,
        );
        let Address {
            dialect,
            target,
            region,
        } = address(&host, &raw_path, addr, oss_credential)?;
        let (target, path, raw_path) = match dialect {
            Dialect::Cos => resolve_dot_key(target, path, raw_path),
            Dialect::Oss => (target, path, raw_path),
        };
        // An absolute-form target's authority replaces the Host header (RFC 9112 §3.2.2), so the
        // signature is checked against the host that is actually served.
        let mut headers = parts.headers.clone();
        if let Some(authority) = parts.uri.authority() {
            if let Ok(v) = http::HeaderValue::from_str(authority.as_str()) {
                headers.insert(http::header::HOST, v);
            }
        }
        Ok(CosRequest {
            method: parts.method.clone(),
            host,
            raw_path,
            path,
            raw_query,
            query,
            headers,
            body: Bytes::new(),
            dialect,
            target,
            region,
            remote,
            // Only the TLS listener makes a request secure; an `https://` target over plain HTTP
            // does not (the dispatcher sets this from the connection).
            secure: false,
        })
    }

    /// Refuses a request whose parameters or headers could be read two ways (`InvalidArgument`):
    /// query names that differ only in letter case (signatures compare names without case, the
    /// router with it), a query name given twice, or a header the service reads one value of given
    /// twice ([`single_valued`]). Handlers read the first value; the signature binds both, so the
    /// signer and the server must not be able to disagree about which one counts.
    pub fn check_query(&self) -> Result<(), CosError> {
        let ambiguous =
            |message: String| Err(CosError::with_message(Code::InvalidArgument, message));
        if let Some((a, b)) = crate::wire::case_twins(&self.query) {
            return ambiguous(format!(
                "The query parameters {a:?} and {b:?} differ only in letter case."
            ));
        }
        if let Some(name) = crate::wire::repeated(&self.query) {
            return ambiguous(format!(
                "The query parameter {name:?} is given more than once."
            ));
        }
        if let Some(name) = self.headers.keys().find(|name| {
            single_valued(name.as_str()) && self.headers.get_all(*name).iter().nth(1).is_some()
        }) {
            return ambiguous(format!(
                "The header {:?} is given more than once.",
                name.as_str()
            ));
        }
        Ok(())
    }

    /// The first value of a query parameter (names compared case-sensitively, as COS does).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has_param(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }

    /// A header's value as text (`None` when absent or not visible ASCII/UTF-8).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn bucket(&self) -> Option<&str> {
        match &self.target {
            Target::Bucket { bucket, .. } => Some(bucket),
            _ => None,
        }
    }

    pub fn key(&self) -> &str {
        match &self.target {
            Target::Bucket { key, .. } => key,
            _ => "",
        }
    }

    /// Headers as (name, value) text pairs, for the signature check.
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect()
    }

    /// The `Resource` of error bodies: host (without port) and path.
    pub fn resource(&self) -> String {
        let host = strip_port(&self.host);
        format!("{host}{}", self.raw_path)
    }
}

/// Whether the service reads one value of this (lower-case) header, so that two copies of it are
/// ambiguous: the dialects' own `x-cos-*`/`x-oss-*` headers but user metadata, and the standard
/// headers that carry a checksum, a range, a condition or the credentials. Hyper already refuses
/// conflicting `Content-Length`s; `Host` has [`check_host_headers`].
pub fn single_valued(name: &str) -> bool {
    let own = ["x-cos-", "x-oss-"].iter().any(|p| name.starts_with(p))
        && !["x-cos-meta-", "x-oss-meta-"]
            .iter()
            .any(|p| name.starts_with(p));
    own || matches!(
        name,
        "authorization"
            | "content-md5"
            | "content-type"
            | "range"
            | "if-match"
            | "if-none-match"
            | "if-modified-since"
            | "if-unmodified-since"
    )
}

/// RFC 9112 §3.2: a server answers 400 to an HTTP/1.1 request without a Host header, and to any
/// request with more than one. cos-mock answers COS's `InvalidArgument` (COS documents neither
/// case; its front end answers a bare 400). An HTTP/1.0 request without Host is served, addressed
/// as a Host naming no bucket would be (`--default-bucket`, or the bucket in the path).
pub fn check_host_headers(parts: &http::request::Parts) -> Result<(), CosError> {
    let hosts = parts.headers.get_all(http::header::HOST).iter().count();
    let message = match hosts {
        0 if parts.version >= http::Version::HTTP_11 => {
            "An HTTP/1.1 request must carry a Host header."
        }
        0 | 1 => return Ok(()),
        _ => "The request carries more than one Host header.",
    };
    Err(CosError::with_message(Code::InvalidArgument, message))
}

/// Refuses a path (bucket and key) holding a character XML 1.0 cannot carry (`\x00`-`\x08`,
/// `\x0b`, `\x0c`, `\x0e`-`\x1f`, U+FFFE, U+FFFF): such a key could never be listed in
/// well-formed XML, so it is not stored. COS's object overview (product/436/13324) allows any UTF-8
/// but says the control characters CAN, EM, SUB and ESC (`\x18`-`\x1b`) are not supported, without
/// naming the error; cos-mock refuses every character XML cannot carry, with `InvalidURI` naming the
/// character and its position (counted in characters of the decoded key, from 0). Tab, LF, CR and
/// DEL are legal XML and stay accepted.
pub fn check_path_chars(path: &str) -> Result<(), CosError> {
    match crate::wire::unrepresentable(path) {
        None => Ok(()),
        Some((at, c)) => Err(CosError::with_message(
            Code::InvalidURI,
            format!(
                "Couldn't parse the specified URI: the path holds U+{:04X} at character {at}, \
                 which XML 1.0 cannot carry; object keys may not contain it.",
                c as u32
            ),
        )),
    }
}

/// Percent-decodes a path into UTF-8 without touching `+` or dot segments.
pub fn decode_path(raw: &str) -> Result<String, CosError> {
    crate::wire::decode_path(raw).ok_or_else(|| {
        CosError::with_message(
            Code::InvalidURI,
            "Couldn't parse the specified URI: the path is not UTF-8.",
        )
    })
}

/// The hostname without `:port` (IPv6 literals keep their brackets).
pub fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map(|i| &host[..=i]).unwrap_or(host);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Whether a path segment has the form of a full bucket name, `<anything>-<digits>`: path style
/// names the bucket with it (a bad name is then `InvalidBucketName`, not a key).
pub fn looks_like_bucket(segment: &str) -> bool {
    crate::store::appid_of(segment).is_some_and(|appid| appid.len() + 1 < segment.len())
}

/// Whether a Host label is a COS region name such as `ap-guangzhou`, `na-siliconvalley`, `ap-beijing-1`.
fn looks_like_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    (parts.len() == 2 || parts.len() == 3)
        && parts[..2]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .get(2)
            .is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a key is made only of `/`, `.` and `..` segments (`///////`, `./`, `../`).
pub fn is_dot_key(key: &str) -> bool {
    !key.is_empty() && key.split('/').all(|s| matches!(s, "" | "." | ".."))
}

/// COS resolves a key made only of `/`, `.` and `..` segments to the bucket itself: the node SDK
/// notes that `getObject` of `/./` or `///////` "becomes getBucket", and its suite expects an
/// error for them when its own check is off. cos-mock resolves the path before anything else, the
/// signature included: the request is the bucket-level one on `/` (or `/<bucket>/` path style),
/// so a signature over the unresolved path does not match (403) and one over `/` is served.
/// Other keys stay as sent (`a/../b`, `/abc/../` are keys; the node suite round-trips them).
fn resolve_dot_key(target: Target, path: String, raw_path: String) -> (Target, String, String) {
    match target {
        Target::Bucket { bucket, key } if is_dot_key(&key) && path.ends_with(&key) => {
            let path = path[..path.len() - key.len()].to_string();
            let target = Target::Bucket {
                bucket,
                key: String::new(),
            };
            (target, path.clone(), path)
        }
        target => (target, path, raw_path),
    }
}

/// The region a COS Host names: the label after the service label of `<bucket>.cos.<region>.…`
/// or `cos.<region>.…` (also `cos-internal`, `ci`). None for hosts that name none (`127.0.0.1`,
/// `localhost`, `<bucket>.cos.accelerate.…`).
pub fn region_of_host(host: &str) -> Option<String> {
    let (region, _) = service_labels(host, &["cos", "cos-internal", "cos-website", "ci"])?;
    let region = region.to_ascii_lowercase();
    looks_like_region(&region).then_some(region)
}

/// The labels after the Host's service label (one of `services`, in the first or second place,
/// any case): the next one, and an iterator over the rest. No allocation: this runs on every
/// request.
fn service_labels<'h>(
    host: &'h str,
    services: &[&str],
) -> Option<(&'h str, std::str::Split<'h, char>)> {
    let mut labels = strip_port(host).split('.');
    for _ in 0..2 {
        let label = labels.next()?;
        if services.iter().any(|s| s.eq_ignore_ascii_case(label)) {
            return Some((labels.next()?, labels));
        }
    }
    None
}

/// A Host on COS's own domains (`myqcloud.com`, `tencentcos.cn`) whose region label is not a
/// region at all, `<bucket>.cos.<label>.myqcloud.com` with `<label>` such as `gz` (the node SDK's
/// suite addresses `Region: 'gz'` and expects an error): that label. On COS no such endpoint exists
/// (the name does not resolve); cos-mock answers as for a bucket in another region
/// (`dispatch::check_region`). `accelerate` is not a region but a real endpoint, and hosts on other
/// domains (`<bucket>.cos.localhost`, a test's own names) are never refused.
pub fn unknown_region_of_host(host: &str) -> Option<String> {
    let (label, mut suffix) = service_labels(host, &["cos", "cos-internal", "cos-website"])?;
    let domain = (suffix.next()?, suffix.next()?, suffix.next());
    let ours =
        |a: &str, b: &str| domain.0.eq_ignore_ascii_case(a) && domain.1.eq_ignore_ascii_case(b);
    if domain.2.is_some() || !(ours("myqcloud", "com") || ours("tencentcos", "cn")) {
        return None;
    }
    let label = label.to_ascii_lowercase();
    (label != "accelerate" && !looks_like_region(&label)).then_some(label)
}

/// Whether the Host's first label is a bucket, `<name>-<appid>.…` (port and case ignored).
pub fn host_names_bucket(host: &str) -> bool {
    match strip_port(host).split_once('.') {
        Some((first, _)) => {
            crate::store::appid_of(first).is_some_and(|a| a.len() < first.len() - 1)
        }
        None => false,
    }
}

/// Whether the Host is a static-website endpoint, `<bucket>.cos-website.<region>.<suffix>`
/// (`handlers::website`).
pub fn is_website_host(host: &str) -> bool {
    host_names_bucket(host)
        && strip_port(host)
            .split('.')
            .nth(1)
            .is_some_and(|l| l.eq_ignore_ascii_case("cos-website"))
}

/// The OSS address of a request, when it is an OSS request (see [`address`]). The key is
/// percent-decoded (oss2 sends `/` inside keys as `%2F`); a path-style bucket is not validated here
/// (a bad name is simply a bucket that does not exist, or a PutBucket refused by its handler).
fn address_oss(
    hostname: &str,
    raw_path: &str,
    addr: &Addressing,
    oss_credential: bool,
) -> Result<Option<Address>, CosError> {
    use crate::dialect::oss::hosts::parse_host;
    let host = parse_host(hostname);
    if host.is_none() && (!oss_credential || admin_path(raw_path).is_some()) {
        return Ok(None);
    }
    let region = host
        .as_ref()
        .map_or_else(|| addr.oss_region.to_string(), |h| h.region.clone());
    let at = |target: Target| {
        Ok(Some(Address {
            dialect: Dialect::Oss,
            target,
            region: region.clone(),
        }))
    };
    let trimmed = raw_path.strip_prefix('/').unwrap_or(raw_path);
    if let Some(bucket) = host.as_ref().and_then(|h| h.bucket.clone()) {
        return at(Target::Bucket {
            bucket,
            key: decode_path(trimmed)?,
        });
    }
    if admin_path(raw_path).is_some() {
        return Ok(None);
    }
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    if first.is_empty() {
        return at(Target::Service);
    }
    at(Target::Bucket {
        bucket: decode_path(first)?,
        key: decode_path(rest)?,
    })
}

/// Where a request is addressed: the dialect it speaks, its target and its region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub dialect: Dialect,
    pub target: Target,
    pub region: String,
}

/// Finds the dialect, bucket and region. OSS first (oss.md §2): an OSS Host (virtual-hosted or path
/// style), or path style on any other Host when the request carries an OSS credential. Then COS
/// (interface.md, "Addressing"): from the Host (`<bucket>.cos.<region>.<suffix>` or any `<bucket>.`
/// prefix), else admin paths, else the service hosts (`service.cos.<suffix>`, STS), else path style
/// (`/<name>-<digits>/<key>`, the name validated), else the default bucket, else the service.
pub fn address(
    host: &str,
    raw_path: &str,
    addr: &Addressing,
    oss_credential: bool,
) -> Result<Address, CosError> {
    let hostname = strip_port(host).to_ascii_lowercase();
    if let Some(found) = address_oss(&hostname, raw_path, addr, oss_credential)? {
        return Ok(found);
    }
    let labels: Vec<&str> = hostname.split('.').collect();
    let region = region_of_host(&hostname).unwrap_or_else(|| addr.region.to_string());
    let at = |target: Target| Address {
        dialect: Dialect::Cos,
        target,
        region: region.clone(),
    };
    if host_names_bucket(host) {
        let key = decode_path(raw_path.strip_prefix('/').unwrap_or(raw_path))?;
        let bucket = labels[0].to_string();
        return Ok(at(Target::Bucket { bucket, key }));
    }
    if let Some(rest) = admin_path(raw_path) {
        return Ok(at(Target::Admin(rest.to_string())));
    }
    // `service.cos.<suffix>` and the STS hosts never name a bucket, whatever the path or the
    // default bucket say.
    let service_host = labels.len() > 2 && labels[0] == "service" && labels[1] == "cos";
    let sts_host = hostname.starts_with("sts.") && hostname.ends_with(".tencentcloudapi.com");
    if service_host || sts_host {
        return Ok(at(Target::Service));
    }
    let trimmed = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    if looks_like_bucket(first) {
        crate::store::validate_bucket_name(first)?;
        let key = decode_path(rest)?;
        let bucket = first.to_string();
        return Ok(at(Target::Bucket { bucket, key }));
    }
    if let Some(bucket) = addr.default_bucket {
        let key = decode_path(trimmed)?;
        let bucket = bucket.to_string();
        return Ok(at(Target::Bucket { bucket, key }));
    }
    Ok(at(Target::Service))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr<'a>(default_bucket: Option<&'a str>) -> Addressing<'a> {
        Addressing {
            region: "ap-guangzhou",
            default_bucket,
            oss_region: "cn-hangzhou",
        }
    }

    #[test]
    fn address_oss_table() {
        let oss = |b: &str, k: &str, r: &str| Address {
            dialect: Dialect::Oss,
            target: bucket(b, k),
            region: r.into(),
        };
        let cases: &[(&str, &str, bool, Address)] = &[
            (
                "examplebucket.oss-cn-hangzhou.aliyuncs.com",
                "/doc/a%20b.txt",
                false,
                oss("examplebucket", "doc/a b.txt", "cn-hangzhou"),
            ),
            (
                "examplebucket.oss-cn-beijing-internal.aliyuncs.com:80",
                "/",
                false,
                oss("examplebucket", "", "cn-beijing"),
            ),
            (
                "oss-cn-shanghai.aliyuncs.com",
                "/examplebucket/doc%2Fa.txt",
                false,
                oss("examplebucket", "doc/a.txt", "cn-shanghai"),
            ),
            // A bare IP: OSS only with an OSS credential; path style; the configured region.
            (
                "127.0.0.1:9400",
                "/examplebucket/doc%2F.%2Fdot.txt",
                true,
                oss("examplebucket", "doc/./dot.txt", "cn-hangzhou"),
            ),
            (
                "127.0.0.1:9400",
                "/",
                true,
                Address {
                    dialect: Dialect::Oss,
                    target: Target::Service,
                    region: "cn-hangzhou".into(),
                },
            ),
            (
                "127.0.0.1:9400",
                "/_cos-mock/state",
                true,
                Address {
                    dialect: Dialect::Cos,
                    target: Target::Admin("state".into()),
                    region: "ap-guangzhou".into(),
                },
            ),
            (
                "127.0.0.1:9400",
                "/_cos-mock",
                true,
                Address {
                    dialect: Dialect::Cos,
                    target: Target::Admin(ADMIN_BARE.into()),
                    region: "ap-guangzhou".into(),
                },
            ),
            (
                "127.0.0.1:9400",
                "/examplebucket-1250000000/k",
                false,
                Address {
                    dialect: Dialect::Cos,
                    target: bucket("examplebucket-1250000000", "k"),
                    region: "ap-guangzhou".into(),
                },
            ),
        ];
        for (host, path, credential, want) in cases {
            let got = address(host, path, &addr(None), *credential).unwrap();
            assert_eq!(&got, want, "{host} {path} {credential}");
        }
    }

    fn bucket(b: &str, k: &str) -> Target {
        Target::Bucket {
            bucket: b.into(),
            key: k.into(),
        }
    }

    #[test]
    fn address_table() {
        let cases: &[(&str, &str, Option<&str>, Target, &str)] = &[
            (
                "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
                "/doc/a.txt",
                None,
                bucket("examplebucket-1250000000", "doc/a.txt"),
                "ap-guangzhou",
            ),
            (
                "examplebucket-1250000000.cos.ap-beijing.myqcloud.com:9400",
                "/",
                None,
                bucket("examplebucket-1250000000", ""),
                "ap-beijing",
            ),
            (
                "examplebucket-1250000000.cos-internal.ap-shanghai.tencentcos.cn",
                "/a",
                None,
                bucket("examplebucket-1250000000", "a"),
                "ap-shanghai",
            ),
            (
                "examplebucket-1250000000.cos.ap-beijing-1.localhost:9400",
                "/a%20b%2Bc.txt",
                None,
                bucket("examplebucket-1250000000", "a b+c.txt"),
                "ap-beijing-1",
            ),
            (
                "examplebucket-1250000000.cos.local.test",
                "/x",
                None,
                bucket("examplebucket-1250000000", "x"),
                "ap-guangzhou",
            ),
            (
                "examplebucket-1250000000.localhost:9400",
                "/x",
                None,
                bucket("examplebucket-1250000000", "x"),
                "ap-guangzhou",
            ),
            (
                "127.0.0.1:9400",
                "/_cos-mock/health",
                Some("d-1"),
                Target::Admin("health".into()),
                "ap-guangzhou",
            ),
            (
                "127.0.0.1:9400",
                "/_cos-mock",
                Some("d-1"),
                Target::Admin(ADMIN_BARE.into()),
                "ap-guangzhou",
            ),
            (
                "127.0.0.1:9400",
                "/_cos-mock/",
                Some("d-1"),
                Target::Admin(String::new()),
                "ap-guangzhou",
            ),
            (
                "examplebucket-1250000000.localhost:9400",
                "/_cos-mock",
                None,
                bucket("examplebucket-1250000000", "_cos-mock"),
                "ap-guangzhou",
            ),
            (
                "127.0.0.1:9400",
                "/examplebucket-1250000000",
                None,
                bucket("examplebucket-1250000000", ""),
                "ap-guangzhou",
            ),
            (
                "127.0.0.1:9400",
                "/examplebucket-1250000000/",
                None,
                bucket("examplebucket-1250000000", ""),
                "ap-guangzhou",
            ),
            (
                "cos.ap-chengdu.myqcloud.com",
                "/examplebucket-1250000000/doc/./a.txt",
                None,
                bucket("examplebucket-1250000000", "doc/./a.txt"),
                "ap-chengdu",
            ),
            (
                "127.0.0.1:9400",
                "/doc/a.txt",
                Some("d-1"),
                bucket("d-1", "doc/a.txt"),
                "ap-guangzhou",
            ),
            (
                "127.0.0.1:9400",
                "/",
                Some("d-1"),
                bucket("d-1", ""),
                "ap-guangzhou",
            ),
            ("127.0.0.1:9400", "/", None, Target::Service, "ap-guangzhou"),
            (
                "service.cos.myqcloud.com",
                "/",
                None,
                Target::Service,
                "ap-guangzhou",
            ),
            (
                "localhost",
                "/doc/a.txt",
                None,
                Target::Service,
                "ap-guangzhou",
            ),
            // The service host stays the service, also with a default bucket or a bucket-like path.
            (
                "service.cos.myqcloud.com",
                "/",
                Some("d-1"),
                Target::Service,
                "ap-guangzhou",
            ),
            (
                "service.cos.tencentcos.cn:9400",
                "/examplebucket-1250000000/k",
                Some("d-1"),
                Target::Service,
                "ap-guangzhou",
            ),
            // `<anything>-<digits>` is a bucket, not a key of the default bucket.
            (
                "127.0.0.1:9400",
                "/report-2024/a.txt",
                Some("d-1"),
                bucket("report-2024", "a.txt"),
                "ap-guangzhou",
            ),
            (
                "sts.tencentcloudapi.com",
                "/",
                Some("d-1"),
                Target::Service,
                "ap-guangzhou",
            ),
            (
                "sts.ap-beijing.tencentcloudapi.com:443",
                "/",
                Some("d-1"),
                Target::Service,
                "ap-guangzhou",
            ),
            (
                "[::1]:9400",
                "/b-1/k",
                None,
                bucket("b-1", "k"),
                "ap-guangzhou",
            ),
        ];
        for (host, path, def, target, region) in cases {
            let got = address(host, path, &addr(*def), false).unwrap();
            assert_eq!(&got.target, target, "{host} {path}");
            assert_eq!(got.region, *region, "{host} {path}");
            assert_eq!(got.dialect, Dialect::Cos, "{host} {path}");
        }
    }

    #[test]
    fn address_invalid_utf8_path_is_invalid_uri() {
        let err = address(
            "b-1.cos.ap-guangzhou.myqcloud.com",
            "/%ff",
            &addr(None),
            false,
        )
        .unwrap_err();
        assert_eq!(err.code, Code::InvalidURI);
    }

    #[test]
    fn address_path_style_bad_bucket_name_is_invalid_bucket_name() {
        for path in [
            "/Bad_Name-1250000000/",
            "/UPPER-1250000000/k",
            "/-a-1250000000",
        ] {
            let err = address("127.0.0.1:9400", path, &addr(Some("d-1")), false).unwrap_err();
            assert_eq!(err.code, Code::InvalidBucketName, "{path}");
        }
    }

    #[test]
    fn check_query_ambiguous_names_and_headers_are_refused() {
        let head = |target: &str, headers: &[(&str, &str)]| {
            let mut builder = http::Request::builder()
                .uri(target)
                .header("host", "b-1.cos.ap-guangzhou.myqcloud.com");
            for (name, value) in headers {
                builder = builder.header(*name, *value);
            }
            let (parts, _) = builder.body(()).unwrap().into_parts();
            CosRequest::from_head(&parts, &addr(None), None).and_then(|r| r.check_query())
        };
        for target in [
            "/k?partnumber=1&partNumber=9&uploadId=U",
            "/?Prefix=public%2F&prefix=secret%2F",
            "/?prefix=a&prefix=b",
            "/k?position=0&position=1",
            "/k?acl&acl",
        ] {
            let err = head(target, &[]).unwrap_err();
            assert_eq!(err.code, Code::InvalidArgument, "{target}");
        }
        for name in [
            "x-cos-tagging",
            "x-cos-traffic-limit",
            "x-cos-server-side-encryption",
            "x-oss-object-acl",
            "content-md5",
            "range",
            "authorization",
        ] {
            let err = head("/k", &[(name, "a"), (name, "b")]).unwrap_err();
            assert_eq!(err.code, Code::InvalidArgument, "{name}");
            assert!(err.message.contains(name), "{}", err.message);
        }
        // Header names in another letter case are the same header; an encoded name is its decoded self.
        let err = head(
            "/k",
            &[("x-cos-acl", "private"), ("X-COS-ACL", "public-read")],
        )
        .unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        let err = head("/?pre%66ix=a&prefix=b", &[]).unwrap_err();
        assert!(err.message.contains("\"prefix\""), "{}", err.message);
        assert!(head("/?prefix=a&marker=b&uploads", &[]).is_ok());
        let meta = [
            ("x-cos-meta-a", "1"),
            ("x-cos-meta-a", "2"),
            ("accept", "a"),
        ];
        assert!(head("/k", &[meta[0], meta[1], meta[2], ("accept", "b")]).is_ok());
    }

    #[test]
    fn region_of_host_cases() {
        let cases = [
            (
                "examplebucket-1250000000.cos.ap-beijing.myqcloud.com",
                Some("ap-beijing"),
            ),
            (
                "examplebucket-1250000000.cos.ap-beijing-1.myqcloud.com:80",
                Some("ap-beijing-1"),
            ),
            ("cos.ap-guangzhou.myqcloud.com", Some("ap-guangzhou")),
            (
                "b-1.cos-internal.ap-shanghai.tencentcos.cn",
                Some("ap-shanghai"),
            ),
            ("b-1.cos.accelerate.myqcloud.com", None),
            (
                "b-1.cos-website.ap-chengdu.myqcloud.com",
                Some("ap-chengdu"),
            ),
            ("127.0.0.1:9000", None),
            ("localhost", None),
            ("b-1.localhost:9000", None),
        ];
        for (host, want) in cases {
            assert_eq!(region_of_host(host).as_deref(), want, "{host}");
        }
    }

    #[test]
    fn unknown_region_of_host_cases() {
        let cases = [
            ("b-1250000000.cos.gz.myqcloud.com", Some("gz")),
            ("b-1250000000.cos.gz.myqcloud.com:443", Some("gz")),
            ("cos.tj.tencentcos.cn", Some("tj")),
            ("b-1250000000.cos-website.sh.myqcloud.com", Some("sh")),
            ("b-1250000000.cos.ap-guangzhou.myqcloud.com", None),
            ("b-1250000000.cos.ap-beijing-1.tencentcos.cn", None),
            ("b-1250000000.cos.accelerate.myqcloud.com", None),
            ("b-1250000000.cos.gz.example.com", None),
            ("b-1250000000.cos.localhost", None),
            ("b-1250000000.cos.myqcloud.com", None),
            ("service.cos.myqcloud.com", None),
            ("127.0.0.1:9000", None),
            // Any letter case, answered in lower case; only COS's own domains, whole.
            ("B-1250000000.COS.GZ.MyQcloud.COM", Some("gz")),
            ("b-1250000000.cos.gz.myqcloud.com.attacker.example", None),
            ("b-1250000000.cos.gz.myqcloud", None),
            ("b-1250000000.cos.gz.myqcloud.com.", None),
            ("b-1250000000.COS.AP-GUANGZHOU.myqcloud.com", None),
        ];
        for (host, want) in cases {
            assert_eq!(unknown_region_of_host(host).as_deref(), want, "{host}");
        }
    }

    #[test]
    fn host_labels_any_case() {
        assert_eq!(
            region_of_host("EXAMPLEBUCKET-1250000000.COS.AP-BEIJING.MYQCLOUD.COM").as_deref(),
            Some("ap-beijing")
        );
        assert_eq!(
            region_of_host("b-1.Cos-Website.Ap-Chengdu.x").as_deref(),
            Some("ap-chengdu")
        );
        assert_eq!(region_of_host("b-1.cos.ap_beijing.x"), None);
        assert!(host_names_bucket("B-1250000000.cos.x:80"));
        assert!(!host_names_bucket("b-1250000000"));
        assert!(!host_names_bucket("-1250000000.cos.x"));
        assert!(is_website_host(
            "b-1250000000.COS-WEBSITE.ap-chengdu.myqcloud.com"
        ));
        assert!(!is_website_host("b-1250000000.cos.ap-chengdu.myqcloud.com"));
        assert!(!is_website_host("cos-website.ap-chengdu.myqcloud.com"));
    }

    #[test]
    fn dot_keys_resolve_to_the_bucket_other_keys_stay() {
        for key in ["/", "//////", ".", "./", "/./", "../", "./..//./"] {
            assert!(is_dot_key(key), "{key}");
        }
        for key in [
            "",
            "a",
            "abc/../",
            "/abc/../",
            "a/../b",
            "...",
            ".a",
            "//abc/.//def//../../",
        ] {
            assert!(!is_dot_key(key), "{key}");
        }
        let b = |key: &str| Target::Bucket {
            bucket: "b-1".into(),
            key: key.into(),
        };
        let host_style = resolve_dot_key(b("//./"), "///./".into(), "///%2E/".into());
        assert_eq!(host_style, (b(""), "/".to_string(), "/".to_string()));
        let path_style = resolve_dot_key(b("."), "/b-1/.".into(), "/b-1/.".into());
        assert_eq!(
            path_style,
            (b(""), "/b-1/".to_string(), "/b-1/".to_string())
        );
        let kept = resolve_dot_key(b("abc/../"), "/abc/../".into(), "/abc/../".into());
        assert_eq!(
            kept,
            (b("abc/../"), "/abc/../".to_string(), "/abc/../".to_string())
        );
    }

    #[test]
    fn strip_port_cases() {
        assert_eq!(strip_port("a.b:80"), "a.b");
        assert_eq!(strip_port("a.b"), "a.b");
        assert_eq!(strip_port("[::1]:80"), "[::1]");
        assert_eq!(strip_port("[::1]"), "[::1]");
    }
}
