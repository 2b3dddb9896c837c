//! The parsed request: where it is addressed (admin, service, bucket, object), its decoded path and
//! query, its headers and its body. Pure: built from `http::request::Parts` and the body bytes.

use std::net::SocketAddr;

use bytes::Bytes;
use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;

use crate::error::{Code, CosError};

/// What the request is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `/_cos-mock/...` on a Host that names no bucket.
    Admin(String),
    /// A Host and path that name no bucket: `GET /` lists buckets, `POST /` may be STS.
    Service,
    /// A bucket; `key` is empty for bucket-level requests.
    Bucket { bucket: String, key: String },
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
    pub body: Bytes,
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
}

impl CosRequest {
    /// Parses a request; only a path that is not valid percent-encoded UTF-8 fails (`InvalidURI`).
    pub fn parse(
        parts: &http::request::Parts,
        body: Bytes,
        addr: &Addressing,
        remote: Option<SocketAddr>,
    ) -> Result<CosRequest, CosError> {
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
        let raw_query = parts.uri.query().unwrap_or("").to_string();
        let query = parse_query(&raw_query);
        let (target, region) = address(&host, &raw_path, addr)?;
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
            body,
            target,
            region,
            remote,
            // Only the TLS listener makes a request secure; an `https://` target over plain HTTP
            // does not (the dispatcher sets this from the connection).
            secure: false,
        })
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

/// Percent-decodes a path into UTF-8 without touching `+` or dot segments.
pub fn decode_path(raw: &str) -> Result<String, CosError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            CosError::with_message(
                Code::InvalidURI,
                "Couldn't parse the specified URI: the path is not UTF-8.",
            )
        })
}

/// Form-decodes a query string: `+` is a space, then percent-decoding; invalid UTF-8 is replaced.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

fn form_decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
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

/// Whether a label has the form of a full bucket name, `<name>-<digits>`.
pub fn looks_like_bucket(label: &str) -> bool {
    match label.rsplit_once('-') {
        Some((name, appid)) => {
            !name.is_empty()
                && !appid.is_empty()
                && appid.bytes().all(|b| b.is_ascii_digit())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
        None => false,
    }
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

/// Whether the Host's first label is a bucket, `<name>-<appid>.…` (port and case ignored).
pub fn host_names_bucket(host: &str) -> bool {
    let hostname = strip_port(host).to_ascii_lowercase();
    match hostname.split_once('.') {
        Some((first, _)) => {
            crate::store::appid_of(first).is_some_and(|a| a.len() < first.len() - 1)
        }
        None => false,
    }
}

/// Finds the bucket and region: from the Host (`<bucket>.cos.<region>.<suffix>` or any `<bucket>.`
/// prefix), else admin paths, else path-style (`/<bucket>/<key>`), else the default bucket, else the
/// service.
pub fn address(
    host: &str,
    raw_path: &str,
    addr: &Addressing,
) -> Result<(Target, String), CosError> {
    let hostname = strip_port(host).to_ascii_lowercase();
    let labels: Vec<&str> = hostname.split('.').collect();
    let mut region = addr.region.to_string();
    // `<bucket>.cos.<region>.…` or `cos.<region>.…`: the label after the service label names the region.
    let service_at = labels
        .iter()
        .take(2)
        .position(|l| matches!(*l, "cos" | "cos-internal" | "ci"));
    if let Some(reg) = service_at.and_then(|i| labels.get(i + 1)) {
        if looks_like_region(reg) {
            region = reg.to_string();
        }
    }
    if host_names_bucket(host) {
        let key = decode_path(raw_path.strip_prefix('/').unwrap_or(raw_path))?;
        return Ok((
            Target::Bucket {
                bucket: labels[0].to_string(),
                key,
            },
            region,
        ));
    }
    if let Some(rest) = raw_path.strip_prefix("/_cos-mock/") {
        return Ok((Target::Admin(rest.to_string()), region));
    }
    // The STS hosts never name a bucket, even with a default bucket.
    if hostname.starts_with("sts.") && hostname.ends_with(".tencentcloudapi.com") {
        return Ok((Target::Service, region));
    }
    let trimmed = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    if looks_like_bucket(first) {
        return Ok((
            Target::Bucket {
                bucket: first.to_string(),
                key: decode_path(rest)?,
            },
            region,
        ));
    }
    if let Some(bucket) = addr.default_bucket {
        return Ok((
            Target::Bucket {
                bucket: bucket.to_string(),
                key: decode_path(trimmed)?,
            },
            region,
        ));
    }
    Ok((Target::Service, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr<'a>(default_bucket: Option<&'a str>) -> Addressing<'a> {
        Addressing {
            region: "ap-guangzhou",
            default_bucket,
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
            let got = address(host, path, &addr(*def)).unwrap();
            assert_eq!(&got.0, target, "{host} {path}");
            assert_eq!(got.1, *region, "{host} {path}");
        }
    }

    #[test]
    fn address_invalid_utf8_path_is_invalid_uri() {
        let err = address("b-1.cos.ap-guangzhou.myqcloud.com", "/%ff", &addr(None)).unwrap_err();
        assert_eq!(err.code, Code::InvalidURI);
    }

    #[test]
    fn parse_query_decodes_plus_and_percent_and_keeps_valueless() {
        let q = parse_query("acl&policy=&prefix=doc%2Fa+b%2B&x=1=2");
        assert_eq!(
            q,
            vec![
                ("acl".to_string(), "".to_string()),
                ("policy".to_string(), "".to_string()),
                ("prefix".to_string(), "doc/a b+".to_string()),
                ("x".to_string(), "1=2".to_string()),
            ]
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
