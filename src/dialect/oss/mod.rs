//! Alibaba Cloud OSS (`shared/spec/oss.md`): the dialect's own parts.
//!
//! `hosts` says which requests are OSS and checks OSS names; `route` names the operation; `render` writes OSS's
//! headers and error XML;
//! `sign` holds what both signature versions share (the request view, errors, query and time
//! helpers); `sign_v1` and `sign_v4` parse, canonicalise and verify `OSS ak:sig` and
//! `OSS4-HMAC-SHA256`; `policy` validates bucket and RAM policies against the action list in
//! `actions`; `eval` decides a request against a parsed policy.

pub mod actions;
pub mod eval;
pub mod hosts;
pub mod policy;
pub mod render;
pub mod route;
pub mod sign;
pub mod sign_v1;
pub mod sign_v4;

#[cfg(test)]
mod capture_tests;
