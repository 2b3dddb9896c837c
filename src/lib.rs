//! cos-mock: a local server that speaks Tencent Cloud COS's XML API for integration tests.
//!
//! The request path reads top to bottom: `request` parses what arrived (bucket, key, query, headers,
//! body), `router` names the operation, `auth` decides who is calling, `access` decides whether the
//! caller may do it, `handlers` do it against the in-memory `store`, and `error`/`render` write COS's
//! answer.

pub mod acl;
pub mod error;
pub mod xml;
