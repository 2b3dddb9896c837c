//! Referer (hotlink) protection: whether a bucket's enabled referer configuration lets a request
//! through. Pure: the configuration, whether the request is signed, and its `Referer` header in;
//! a decision with its reason out.
//!
//! COS's rules as cos-mock applies them:
//! - a configuration that is absent or `Disabled` allows everything;
//! - signed requests (header or query signature) are exempt unless `VerifySignatureURL` is `true`
//!   (the node SDK's suite reads `VerifySignatureURL` from GET `?referer`); anonymous requests,
//!   which is what browsers send for public objects, are always checked;
//! - no `Referer` (or an empty one): `EmptyReferConfiguration` decides, `Deny` by default;
//! - otherwise the referer without its scheme (`host[:port]/path`) is matched against each
//!   `Domain` as a prefix, case-insensitively (COS documents prefix matching), where `*` matches
//!   any run of characters other than `/` (so `*.qq.com` matches `a.b.qq.com`); a domain without a
//!   port matches any port; `White-List` allows only matches, `Black-List` refuses them.

use super::Node;

/// Decides a request against a referer configuration; `Err(reason)` refuses it.
pub fn check(config: Option<&Node>, signed: bool, referer: Option<&str>) -> Result<(), String> {
    let Some(config) = config else { return Ok(()) };
    if config.text_at("Status") != Some("Enabled") {
        return Ok(());
    }
    let verify_signed = config
        .text_at("VerifySignatureURL")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if signed && !verify_signed {
        return Ok(());
    }
    let referer = referer.map(str::trim).filter(|r| !r.is_empty());
    let Some(referer) = referer else {
        return match config.text_at("EmptyReferConfiguration") {
            Some("Allow") => Ok(()),
            _ => Err("the request has no Referer and the bucket denies empty referers".into()),
        };
    };
    let rest = strip_scheme(referer).to_ascii_lowercase();
    let matched = config
        .child("DomainList")
        .into_iter()
        .flat_map(|d| d.all("Domain"))
        .find(|d| matches_domain(&d.text.to_ascii_lowercase(), &rest));
    let white = config.text_at("RefererType") == Some("White-List");
    match (white, matched) {
        (true, Some(_)) => Ok(()),
        (true, None) => Err(format!(
            "the Referer {referer:?} is not on the bucket's white list"
        )),
        (false, Some(d)) => Err(format!(
            "the Referer {referer:?} matches {:?} on the bucket's black list",
            d.text
        )),
        (false, None) => Ok(()),
    }
}

fn strip_scheme(referer: &str) -> &str {
    referer
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(referer)
}

/// Whether `rest` (`host[:port]/path`, lower case) starts with something `pattern` matches. A
/// pattern host without a port also matches the host with any port.
fn matches_domain(pattern: &str, rest: &str) -> bool {
    let pattern = strip_scheme(pattern);
    if glob_prefix(pattern.as_bytes(), rest.as_bytes()) {
        return true;
    }
    let (p_host, p_path) = pattern
        .split_once('/')
        .map_or((pattern, ""), |(h, p)| (h, p));
    let (r_host, r_path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    match r_host.rsplit_once(':') {
        Some((host, port)) if !p_host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            let without_port = format!("{host}/{r_path}");
            let pattern = format!("{p_host}/{p_path}");
            let pattern = if p_path.is_empty() {
                p_host
            } else {
                pattern.as_str()
            };
            glob_prefix(pattern.as_bytes(), without_port.as_bytes())
        }
        _ => false,
    }
}

/// Whether some prefix of `text` matches `pattern` whole, `*` matching any run without `/`. A
/// linear pass per pattern character (no backtracking), so `*a*a*a…` patterns stay cheap.
fn glob_prefix(pattern: &[u8], text: &[u8]) -> bool {
    // reach[j]: the pattern read so far can end just before text[j].
    let mut reach = vec![false; text.len() + 1];
    reach[0] = true;
    for &p in pattern {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = if p == b'*' {
                reach[j] || (j > 0 && next[j - 1] && text[j - 1] != b'/')
            } else {
                j > 0 && reach[j - 1] && text[j - 1] == p
            };
        }
        if !next.contains(&true) {
            return false;
        }
        reach = next;
    }
    reach.contains(&true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(
        status: &str,
        kind: &str,
        empty: Option<&str>,
        verify: bool,
        domains: &[&str],
    ) -> Node {
        let mut n = Node::leaf("RefererConfiguration", "");
        n.children.push(Node::leaf("Status", status));
        n.children.push(Node::leaf("RefererType", kind));
        let mut list = Node::leaf("DomainList", "");
        for d in domains {
            list.children.push(Node::leaf("Domain", d));
        }
        n.children.push(list);
        if let Some(e) = empty {
            n.children.push(Node::leaf("EmptyReferConfiguration", e));
        }
        n.children.push(Node::leaf(
            "VerifySignatureURL",
            if verify { "true" } else { "false" },
        ));
        n
    }

    #[test]
    fn glob_prefix_is_linear_and_stops_at_slashes() {
        assert!(glob_prefix(b"*.qq.com", b"a.b.qq.com/x"));
        assert!(!glob_prefix(b"*.qq.com", b"a/b.qq.com"));
        assert!(glob_prefix(b"", b"anything"));
        let stars = "*a".repeat(200);
        let text = "a".repeat(199) + "b";
        assert!(!glob_prefix(stars.as_bytes(), text.as_bytes()));
    }

    #[test]
    fn referer_decision_table() {
        let white = config(
            "Enabled",
            "White-List",
            None,
            false,
            &["*.qq.com", "example.com:8080", "a.com/pub"],
        );
        let white_allow_empty =
            config("Enabled", "White-List", Some("Allow"), false, &["*.qq.com"]);
        let black = config(
            "Enabled",
            "Black-List",
            Some("Allow"),
            false,
            &["*.evil.com"],
        );
        let disabled = config("Disabled", "White-List", None, false, &["x.com"]);
        let verify = config("Enabled", "White-List", None, true, &["*.qq.com"]);
        // config, signed, referer, allowed
        let cases: &[(Option<&Node>, bool, Option<&str>, bool)] = &[
            (None, false, None, true),
            (Some(&disabled), false, Some("http://y.com/"), true),
            (Some(&white), false, Some("https://www.qq.com/page"), true),
            (Some(&white), false, Some("https://a.b.qq.com"), true),
            (Some(&white), false, Some("HTTPS://WWW.QQ.COM/"), true),
            (Some(&white), false, Some("https://www.qq.com:8443/x"), true),
            (Some(&white), false, Some("https://qq.com/"), false),
            (
                Some(&white),
                false,
                Some("https://evil.com/www.qq.com"),
                false,
            ),
            (Some(&white), false, Some("http://example.com:8080/x"), true),
            (
                Some(&white),
                false,
                Some("http://example.com:9090/x"),
                false,
            ),
            (Some(&white), false, Some("http://example.com/x"), false),
            (Some(&white), false, Some("http://a.com/pub/x.html"), true),
            (Some(&white), false, Some("http://a.com/private"), false),
            (Some(&white), false, None, false),
            (Some(&white), false, Some(""), false),
            (Some(&white_allow_empty), false, None, true),
            (Some(&white), true, Some("http://other.com/"), true),
            (Some(&white), true, None, true),
            (Some(&verify), true, Some("http://other.com/"), false),
            (Some(&verify), true, Some("http://x.qq.com/"), true),
            (Some(&black), false, Some("http://a.evil.com/"), false),
            (Some(&black), false, Some("http://good.com/"), true),
            (Some(&black), false, None, true),
        ];
        for (config, signed, referer, allowed) in cases {
            assert_eq!(
                check(*config, *signed, *referer).is_ok(),
                *allowed,
                "signed={signed} referer={referer:?}"
            );
        }
    }
}
