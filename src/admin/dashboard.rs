//! The dashboard at `GET /_cos-mock/`: one static, self-contained page (`dashboard.html`: HTML,
//! inline CSS and inline JS, no external asset) that reads only the admin API (`state`, `requests`)
//! from the browser. It holds no data, so it needs no admin token; the page asks for the token and
//! sends it on its own requests.
//!
//! Its Content-Security-Policy allows exactly the page's one inline `<style>` and one inline
//! `<script>` (by their SHA-256), requests to this server only, and nothing else: no other script,
//! style, frame, form target or image (a `data:` icon excepted, so browsers ask for no
//! `/favicon.ico`, which would land in the journal).

use std::sync::OnceLock;

use base64::Engine;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::StatusCode;
use sha2::{Digest, Sha256};

use crate::response::Reply;

/// The page, as served.
const PAGE: &str = include_str!("dashboard.html");

/// `GET /_cos-mock/`: the page with its security headers.
pub fn page() -> Reply {
    Reply::new(StatusCode::OK)
        .header(CONTENT_TYPE, "text/html; charset=utf-8")
        .header("content-security-policy", csp())
        .header("x-content-type-options", "nosniff")
        .header("x-frame-options", "DENY")
        .header("referrer-policy", "no-referrer")
        .header(CACHE_CONTROL, "no-cache")
        .body(PAGE)
}

/// `GET /_cos-mock`: 308 to the page, whose relative URLs need the trailing slash.
pub fn redirect() -> Reply {
    Reply::new(StatusCode::PERMANENT_REDIRECT).header(LOCATION, "/_cos-mock/")
}

/// The Content-Security-Policy of the page (see the module comment), computed once.
fn csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        format!(
            "default-src 'none'; script-src {}; style-src {}; connect-src 'self'; img-src data:; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            source_hash(inline(PAGE, "script")),
            source_hash(inline(PAGE, "style")),
        )
    })
}

/// The text of the page's one `<tag>...</tag>` element (empty when there is none, which a unit
/// test rules out).
fn inline<'a>(page: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    page.split_once(&open)
        .and_then(|(_, rest)| rest.split_once(&close))
        .map_or("", |(text, _)| text)
}

/// A CSP hash source for an inline element's text: `'sha256-<base64>'`.
fn source_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_has_one_inline_script_and_one_inline_style() {
        for tag in ["script", "style"] {
            assert_eq!(PAGE.matches(&format!("<{tag}")).count(), 1, "<{tag}>");
            assert_eq!(PAGE.matches(&format!("</{tag}>")).count(), 1, "</{tag}>");
            assert!(inline(PAGE, tag).len() > 100, "{tag} is empty");
        }
    }

    #[test]
    fn page_loads_nothing_from_elsewhere() {
        for needle in [
            "http://",
            "https://",
            " src=",
            "<link rel=\"stylesheet\"",
            "@import",
        ] {
            assert!(!PAGE.contains(needle), "the page holds {needle:?}");
        }
        // Data from the server is only ever set as text.
        for needle in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!PAGE.contains(needle), "the page uses {needle}");
        }
    }

    #[test]
    fn page_sets_no_inline_style_or_handler_attributes() {
        // The CSP allows the one <style> and <script> by hash, so attributes would be refused.
        for needle in [
            " style=\"",
            " onclick=",
            " onload=",
            " onsubmit=",
            " oninput=",
        ] {
            assert!(!PAGE.contains(needle), "the page holds {needle:?}");
        }
    }

    #[test]
    fn csp_hashes_the_inline_elements() {
        let csp = csp();
        assert!(csp.starts_with("default-src 'none'; script-src 'sha256-"));
        assert!(csp.contains(&source_hash(inline(PAGE, "script"))));
        assert!(csp.contains(&source_hash(inline(PAGE, "style"))));
        assert!(!csp.contains("unsafe"));
    }

    #[test]
    fn source_hash_matches_a_known_digest() {
        // sha256 of the empty string in base64 (as `printf '' | sha256sum` gives it).
        assert_eq!(
            source_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn inline_reads_the_text_between_the_tags() {
        assert_eq!(inline("a<style>x{}</style>b", "style"), "x{}");
        assert_eq!(inline("no tags", "script"), "");
    }
}
