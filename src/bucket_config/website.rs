//! Redirects of a static website configuration, pure: `RedirectAllRequestsTo` and the
//! `RoutingRules`, evaluated in order, first match wins.
//!
//! - `RedirectAllRequestsTo` `Protocol` `https`: a plain-http request is sent to the same URL over
//!   https (301); `http` never redirects (COS only documents https);
//! - a rule whose `Condition` has only `KeyPrefixEquals` applies before the object is read; one
//!   with `HttpErrorCodeReturnedEquals` applies when the answer would have that status (cos-mock
//!   answers 404 for a missing key), and then also needs its `KeyPrefixEquals`, if given;
//! - the target: `Protocol` (else the request's), `HostName` (else the request's Host),
//!   `ReplaceKeyWith`, or the matched prefix replaced by `ReplaceKeyPrefixWith`, or the same key;
//!   the status is `HttpRedirectCode` (301 by default); the key is percent-encoded in `Location`.

use super::Node;
use crate::wire::encode_key;

/// Where to send the client: status and `Location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub status: u16,
    pub location: String,
}

/// What is known of the request.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// The requested key, as in the URL (before the index document is appended).
    pub key: &'a str,
    pub host: &'a str,
    pub secure: bool,
}

/// The redirect that applies before the object is read, if any.
pub fn before(config: &Node, ask: Ask) -> Option<Redirect> {
    let all = config.text_at("RedirectAllRequestsTo/Protocol");
    if all == Some("https") && !ask.secure {
        return Some(Redirect {
            status: 301,
            location: format!("https://{}/{}", ask.host, encode_key(ask.key)),
        });
    }
    rules(config)
        .filter(|r| r.text_at("Condition/HttpErrorCodeReturnedEquals").is_none())
        .find_map(|r| apply(r, ask))
}

/// The redirect that applies instead of an error answer of `status`, if any.
pub fn on_error(config: &Node, ask: Ask, status: u16) -> Option<Redirect> {
    let status = status.to_string();
    rules(config)
        .filter(|r| r.text_at("Condition/HttpErrorCodeReturnedEquals") == Some(status.as_str()))
        .find_map(|r| apply(r, ask))
}

fn rules(config: &Node) -> impl Iterator<Item = &Node> {
    config
        .child("RoutingRules")
        .into_iter()
        .flat_map(|r| r.all("RoutingRule"))
}

fn apply(rule: &Node, ask: Ask) -> Option<Redirect> {
    let prefix = rule.text_at("Condition/KeyPrefixEquals").unwrap_or("");
    let rest = ask.key.strip_prefix(prefix)?;
    let redirect = rule.child("Redirect")?;
    let key = match (
        redirect.text_at("ReplaceKeyWith"),
        redirect.text_at("ReplaceKeyPrefixWith"),
    ) {
        (Some(with), _) => with.to_string(),
        (None, Some(prefix_with)) => format!("{prefix_with}{rest}"),
        (None, None) => ask.key.to_string(),
    };
    let scheme = redirect
        .text_at("Protocol")
        .unwrap_or(if ask.secure { "https" } else { "http" });
    let host = redirect.text_at("HostName").unwrap_or(ask.host);
    let status = redirect
        .text_at("HttpRedirectCode")
        .and_then(|c| c.parse().ok())
        .unwrap_or(301);
    Some(Redirect {
        status,
        location: format!("{scheme}://{host}/{}", encode_key(&key)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_config::{parse, Kind, Put};

    fn config(xml: &str) -> Node {
        match parse(Kind::Website, xml.as_bytes(), None).unwrap() {
            Put::Set(doc) => doc,
            Put::Clear => unreachable!(),
        }
    }

    const RULES: &str = "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules>\
        <RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><ReplaceKeyWith>404.html</ReplaceKeyWith></Redirect></RoutingRule>\
        <RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition><Redirect><Protocol>https</Protocol><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect></RoutingRule>\
        <RoutingRule><Condition><KeyPrefixEquals>img/</KeyPrefixEquals></Condition><Redirect><HostName>cdn.example.com</HostName><HttpRedirectCode>302</HttpRedirectCode></Redirect></RoutingRule>\
        </RoutingRules></WebsiteConfiguration>";

    fn ask(key: &str) -> Ask<'_> {
        Ask {
            key,
            host: "b-1.cos-website.ap-guangzhou.myqcloud.com",
            secure: false,
        }
    }

    #[test]
    fn website_redirect_table() {
        let c = config(RULES);
        let host = "b-1.cos-website.ap-guangzhou.myqcloud.com";
        assert_eq!(
            before(&c, ask("docs/a/b.html")),
            Some(Redirect {
                status: 301,
                location: "https://".to_string() + host + "/documents/a/b.html"
            })
        );
        assert_eq!(
            before(&c, ask("img/x.png")),
            Some(Redirect {
                status: 302,
                location: "http://cdn.example.com/img/x.png".into()
            })
        );
        assert_eq!(before(&c, ask("other.html")), None);
        assert_eq!(
            on_error(&c, ask("gone.html"), 404),
            Some(Redirect {
                status: 301,
                location: format!("http://{host}/404.html")
            })
        );
        assert_eq!(on_error(&c, ask("gone.html"), 403), None);
        let r = before(&c, ask("docs/a b/ü.html")).unwrap();
        assert!(
            r.location.ends_with("/documents/a%20b/%C3%BC.html"),
            "{}",
            r.location
        );
    }

    #[test]
    fn redirect_all_requests_to_https_only_for_plain_http() {
        let c = config("<WebsiteConfiguration><IndexDocument><Suffix>i.html</Suffix></IndexDocument><RedirectAllRequestsTo><Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>");
        let r = before(&c, ask("a.txt")).unwrap();
        assert_eq!(r.status, 301);
        assert!(r.location.starts_with("https://b-1.cos-website."));
        let secure = Ask {
            secure: true,
            ..ask("a.txt")
        };
        assert_eq!(before(&c, secure), None);
    }
}
