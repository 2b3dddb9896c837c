//! Bucket CORS: the `CORSConfiguration` body of PUT/GET `?cors` (typed serde, validated into
//! `CorsConfig`), and pure rule matching for preflight (`OPTIONS`) and actual requests.
//!
//! Validation, in order (COS publishes no messages; shapes follow S3 where COS is silent):
//! - not well-formed, root not `CORSConfiguration`, a non-integer `MaxAgeSeconds`, no `CORSRule`,
//!   a rule without `AllowedOrigin` or `AllowedMethod` → 400 `MalformedXML`;
//! - more than 100 rules, an `ID` over 255 characters, a method other than GET PUT POST DELETE
//!   HEAD, an origin or header with more than one `*` → 400 `InvalidArgument`.
//!
//! Matching: a rule matches when one `AllowedOrigin` matches the `Origin` (`*` matches any run of
//! characters, so `http://*.example.com` works), the method is among `AllowedMethod`, and (preflight
//! only) every name in `Access-Control-Request-Headers` matches an `AllowedHeader`, case-insensitively.
//! The first matching rule wins.

use serde::{Deserialize, Serialize};

use crate::error::{Code, CosError};

/// Most rules one configuration may hold.
pub const MAX_RULES: usize = 100;
/// Methods a rule may allow.
pub const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD"];

/// The wire shape of PUT and GET `?cors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsConfig {
    #[serde(rename = "CORSRule", default)]
    pub rules: Vec<CorsRule>,
    /// COS extension: answer `Vary: Origin` on actual requests.
    #[serde(
        rename = "ResponseVary",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub response_vary: Option<bool>,
}

/// One `CORSRule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsRule {
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "AllowedOrigin", default)]
    pub allowed_origins: Vec<String>,
    #[serde(rename = "AllowedMethod", default)]
    pub allowed_methods: Vec<String>,
    #[serde(rename = "AllowedHeader", default)]
    pub allowed_headers: Vec<String>,
    #[serde(rename = "ExposeHeader", default)]
    pub expose_headers: Vec<String>,
    #[serde(
        rename = "MaxAgeSeconds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_age_seconds: Option<u64>,
}

fn malformed(why: &str) -> CosError {
    CosError::with_message(
        Code::MalformedXML,
        format!("{} ({why})", Code::MalformedXML.default_message()),
    )
}

fn invalid(why: String) -> CosError {
    CosError::with_message(Code::InvalidArgument, why)
}

/// Parses and validates a PUT `?cors` body.
pub fn from_xml(body: &[u8]) -> Result<CorsConfig, CosError> {
    crate::xml::check_root(body, "CORSConfiguration")?;
    let mut config: CorsConfig = crate::xml::from_xml(body)?;
    if config.rules.is_empty() {
        return Err(malformed("at least one CORSRule is required"));
    }
    if config.rules.len() > MAX_RULES {
        return Err(invalid(format!(
            "A CORS configuration may hold at most {MAX_RULES} rules, this one has {}.",
            config.rules.len()
        )));
    }
    for (i, rule) in config.rules.iter_mut().enumerate() {
        validate_rule(i, rule)?;
    }
    Ok(config)
}

fn validate_rule(i: usize, rule: &mut CorsRule) -> Result<(), CosError> {
    let n = i + 1;
    trim_all(&mut rule.allowed_origins);
    trim_all(&mut rule.allowed_methods);
    trim_all(&mut rule.allowed_headers);
    trim_all(&mut rule.expose_headers);
    if rule.allowed_origins.is_empty() {
        return Err(malformed(&format!("CORSRule {n} has no AllowedOrigin")));
    }
    if rule.allowed_methods.is_empty() {
        return Err(malformed(&format!("CORSRule {n} has no AllowedMethod")));
    }
    if rule.id.as_ref().is_some_and(|id| id.chars().count() > 255) {
        return Err(invalid(format!(
            "CORSRule {n}: the ID is longer than 255 characters."
        )));
    }
    if let Some(m) = rule
        .allowed_methods
        .iter()
        .find(|m| !METHODS.contains(&m.as_str()))
    {
        return Err(invalid(format!(
            "CORSRule {n}: unsupported AllowedMethod {m:?}; use GET, PUT, POST, DELETE or HEAD."
        )));
    }
    for (what, list) in [
        ("AllowedOrigin", &rule.allowed_origins),
        ("AllowedHeader", &rule.allowed_headers),
    ] {
        if let Some(v) = list.iter().find(|v| v.matches('*').count() > 1) {
            return Err(invalid(format!(
                "CORSRule {n}: {what} {v:?} has more than one wildcard."
            )));
        }
    }
    Ok(())
}

fn trim_all(list: &mut Vec<String>) {
    for v in list.iter_mut() {
        *v = v.trim().to_string();
    }
    list.retain(|v| !v.is_empty());
}

/// Renders GET `?cors`.
pub fn to_xml(config: &CorsConfig) -> Result<String, CosError> {
    crate::xml::to_xml("CORSConfiguration", config)
}

/// `pattern` with at most one `*` (any run of characters) against `text`.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = if ignore_case {
        (pattern.to_ascii_lowercase(), text.to_ascii_lowercase())
    } else {
        (pattern.to_string(), text.to_string())
    };
    match p.split_once('*') {
        None => p == t,
        Some((head, tail)) => {
            t.len() >= head.len() + tail.len() && t.starts_with(head) && t.ends_with(tail)
        }
    }
}

/// What a browser asks: its origin, the method, and (preflight) the headers it wants to send.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub origin: &'a str,
    pub method: &'a str,
    pub request_headers: Option<&'a str>,
}

/// The first rule allowing `ask`, if any.
pub fn find_rule<'c>(config: &'c CorsConfig, ask: &Ask) -> Option<&'c CorsRule> {
    config.rules.iter().find(|r| rule_allows(r, ask))
}

fn rule_allows(rule: &CorsRule, ask: &Ask) -> bool {
    let origin_ok = rule
        .allowed_origins
        .iter()
        .any(|o| wildcard_match(o, ask.origin, false));
    let method_ok = rule
        .allowed_methods
        .iter()
        .any(|m| m.eq_ignore_ascii_case(ask.method));
    let headers_ok = requested_headers(ask.request_headers).all(|h| {
        rule.allowed_headers
            .iter()
            .any(|a| wildcard_match(a, h, true))
    });
    origin_ok && method_ok && headers_ok
}

/// The names in `Access-Control-Request-Headers`.
pub fn requested_headers(value: Option<&str>) -> impl Iterator<Item = &str> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
}

/// The `Access-Control-*` headers a matching rule answers with: origin (`*` when the rule allows
/// any origin with a bare `*`, else the caller's origin), methods, allowed headers (the requested
/// ones on preflight, else the rule's), exposed headers and max age.
pub fn response_headers(
    rule: &CorsRule,
    ask: &Ask,
    preflight: bool,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let origin = if rule.allowed_origins.iter().any(|o| o == "*") {
        "*".to_string()
    } else {
        ask.origin.to_string()
    };
    out.push(("access-control-allow-origin", origin));
    out.push((
        "access-control-allow-methods",
        rule.allowed_methods.join(","),
    ));
    let requested: Vec<&str> = requested_headers(ask.request_headers).collect();
    let allow_headers = if preflight && !requested.is_empty() {
        requested.join(",")
    } else {
        rule.allowed_headers.join(",")
    };
    if !allow_headers.is_empty() {
        out.push(("access-control-allow-headers", allow_headers));
    }
    if !rule.expose_headers.is_empty() {
        out.push((
            "access-control-expose-headers",
            rule.expose_headers.join(","),
        ));
    }
    if let Some(age) = rule.max_age_seconds {
        out.push(("access-control-max-age", age.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC_SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<CORSConfiguration>
  <CORSRule>
    <ID>1234</ID>
    <AllowedOrigin>http://www.qq.com</AllowedOrigin>
    <AllowedOrigin>http://*.example.com</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>x-cos-meta-test</AllowedHeader>
    <AllowedHeader>x-cos-*</AllowedHeader>
    <MaxAgeSeconds>500</MaxAgeSeconds>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-cos-request-id</ExposeHeader>
  </CORSRule>
</CORSConfiguration>"#;

    fn ask<'a>(origin: &'a str, method: &'a str, headers: Option<&'a str>) -> Ask<'a> {
        Ask {
            origin,
            method,
            request_headers: headers,
        }
    }

    #[test]
    fn cors_doc_sample_round_trips() {
        let c = from_xml(DOC_SAMPLE.as_bytes()).unwrap();
        assert_eq!(c.rules.len(), 1);
        let r = &c.rules[0];
        assert_eq!(r.id.as_deref(), Some("1234"));
        assert_eq!(r.allowed_methods, ["PUT", "GET"]);
        assert_eq!(r.expose_headers, ["ETag", "x-cos-request-id"]);
        assert_eq!(r.max_age_seconds, Some(500));
        let xml = to_xml(&c).unwrap();
        assert!(xml.contains("<AllowedOrigin>http://*.example.com</AllowedOrigin>"));
        assert_eq!(from_xml(xml.as_bytes()).unwrap(), c);
    }

    #[test]
    fn cors_validation_errors() {
        let cases: &[(&str, Code)] = &[
            ("<CORSConfiguration/>", Code::MalformedXML),
            ("<Other><CORSRule/></Other>", Code::MalformedXML),
            ("<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>", Code::MalformedXML),
            ("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>", Code::MalformedXML),
            ("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>x</MaxAgeSeconds></CORSRule></CORSConfiguration>", Code::MalformedXML),
            ("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>", Code::InvalidArgument),
            ("<CORSConfiguration><CORSRule><AllowedOrigin>http://*.*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>", Code::InvalidArgument),
            ("<CORSConfiguration><CORSRule>", Code::MalformedXML),
        ];
        for (body, code) in cases {
            assert_eq!(from_xml(body.as_bytes()).unwrap_err().code, *code, "{body}");
        }
    }

    #[test]
    fn cors_wildcards_match() {
        assert!(wildcard_match("*", "http://a.b", false));
        assert!(wildcard_match(
            "http://*.example.com",
            "http://a.example.com",
            false
        ));
        assert!(!wildcard_match(
            "http://*.example.com",
            "http://example.com",
            false
        ));
        assert!(!wildcard_match(
            "http://*.example.com",
            "https://a.example.com",
            false
        ));
        assert!(wildcard_match("x-cos-*", "X-Cos-Meta-A", true));
        assert!(wildcard_match(
            "http://www.qq.com",
            "http://www.qq.com",
            false
        ));
    }

    #[test]
    fn cors_rule_matching_checks_origin_method_and_headers() {
        let c = from_xml(DOC_SAMPLE.as_bytes()).unwrap();
        assert!(find_rule(
            &c,
            &ask(
                "http://a.example.com",
                "PUT",
                Some("x-cos-acl, X-COS-META-test")
            )
        )
        .is_some());
        assert!(find_rule(&c, &ask("http://a.example.com", "DELETE", None)).is_none());
        assert!(find_rule(&c, &ask("http://evil.com", "GET", None)).is_none());
        assert!(find_rule(&c, &ask("http://www.qq.com", "GET", Some("authorization"))).is_none());
    }

    #[test]
    fn cors_response_headers_echo_origin_and_requested_headers() {
        let c = from_xml(DOC_SAMPLE.as_bytes()).unwrap();
        let a = ask("http://a.example.com", "PUT", Some("x-cos-acl"));
        let h = response_headers(&c.rules[0], &a, true);
        let get = |n| h.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str());
        assert_eq!(
            get("access-control-allow-origin"),
            Some("http://a.example.com")
        );
        assert_eq!(get("access-control-allow-methods"), Some("PUT,GET"));
        assert_eq!(get("access-control-allow-headers"), Some("x-cos-acl"));
        assert_eq!(
            get("access-control-expose-headers"),
            Some("ETag,x-cos-request-id")
        );
        assert_eq!(get("access-control-max-age"), Some("500"));
    }
}
