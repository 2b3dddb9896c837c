//! Dialects: which cloud's protocol a request speaks, decided by the address step.
//!
//! There are two, COS and OSS. A dialect brings what differs between clouds — the hosts it answers on
//! (`request::address`), its signature scheme (`auth`), the action names its policies use
//! (`router::Op::action`), its policy grammar surface, and the renderer of its errors and headers
//! (`response`) — and shares the rest: the store, the handlers, the access engine and the journal.
//! Adding one (OSS, then S3-style requests on COS hosts) is one new variant here, matched at those
//! few places.

pub mod oss;

/// The protocol a request speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Tencent Cloud COS: `<name>-<appid>` buckets, `q-sign` signatures, `x-cos-*` headers.
    #[default]
    Cos,
    /// Alibaba Cloud OSS: plain bucket names, V1/V4 signatures, `x-oss-*` headers (`oss.md`).
    Oss,
}

impl Dialect {
    /// The prefix of the dialect's own headers: `x-cos-` or `x-oss-` (metadata, storage class,
    /// CRC-64, ...).
    pub fn header_prefix(self) -> &'static str {
        match self {
            Dialect::Cos => "x-cos-",
            Dialect::Oss => "x-oss-",
        }
    }
}
