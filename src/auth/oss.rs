//! Who is calling an OSS request: its V1 (`OSS ak:sig`, `OSSAccessKeyId=` pre-signed) or V4
//! (`OSS4-HMAC-SHA256`, `x-oss-signature-version=` pre-signed) signature checked against the OSS
//! keys (oss.md §3); unsigned requests are anonymous. The signature math is in `dialect::oss`.

use super::{Caller, KeyRing};
use crate::dialect::oss::sign::{ParseError, RequestView, VerifyError};
use crate::dialect::oss::{sign_v1, sign_v4};
use crate::error::{Code, CosError};
use crate::request::CosRequest;

/// The two signature versions, parsed.
enum Signed {
    V1(sign_v1::SignedV1),
    V4(sign_v4::SignedV4),
}

/// Authenticates an OSS request at `now` (Unix seconds, the real time).
pub fn authenticate(req: &CosRequest, keys: &KeyRing, now: i64) -> Result<Caller, CosError> {
    let Some(signed) = signed_parts(req)? else {
        return Ok(Caller::Anonymous);
    };
    let access_key_id = match &signed {
        Signed::V1(p) => &p.access_key_id,
        Signed::V4(p) => &p.access_key_id,
    };
    let key = keys.oss_key(access_key_id).ok_or_else(|| {
        CosError::with_message(
            Code::InvalidAccessKeyId,
            "The OSS Access Key Id you provided does not exist in our records.",
        )
        .with_extra("OSSAccessKeyId", access_key_id.clone())
    })?;
    let headers = req.header_pairs();
    let view = RequestView {
        method: req.method.as_str(),
        bucket: req.bucket(),
        key: req.key(),
        raw_query: &req.raw_query,
        headers: &headers,
    };
    let verified = match &signed {
        Signed::V1(p) => sign_v1::verify(p, &view, &key.secret_key, now).map(|_| ()),
        Signed::V4(p) => sign_v4::verify(p, &view, &key.secret_key, now).map(|_| ()),
    };
    verified.map_err(|e| refused(e, access_key_id))?;
    Ok(key.caller.clone())
}

/// The signature a request carries: the Authorization header, else a pre-signed query (V4, then
/// V1), else none. An Authorization that is not OSS's is 400 `InvalidArgument`, as OSS answers.
fn signed_parts(req: &CosRequest) -> Result<Option<Signed>, CosError> {
    let header = req
        .header("authorization")
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let parsed = match header {
        Some(v) if v.starts_with("OSS4-HMAC-SHA256") => {
            sign_v4::from_authorization(v).map(Signed::V4)
        }
        Some(v) if v.starts_with("OSS ") => sign_v1::from_authorization(v).map(Signed::V1),
        Some(_) => {
            return Err(CosError::with_message(
                Code::InvalidArgument,
                "Authorization header is invalid: expected OSS or OSS4-HMAC-SHA256.",
            ))
        }
        None => match sign_v4::from_query(&req.raw_query) {
            Some(v4) => v4.map(Signed::V4),
            None => match sign_v1::from_query(&req.raw_query) {
                Some(v1) => v1.map(Signed::V1),
                None => return Ok(None),
            },
        },
    };
    parsed.map(Some).map_err(malformed)
}

/// A signature that cannot be parsed: 400 `InvalidArgument` naming what is wrong.
fn malformed(e: ParseError) -> CosError {
    CosError::with_message(
        Code::InvalidArgument,
        format!("The Authorization you provided is malformed: {e}."),
    )
}

/// The OSS error for a signature that did not verify.
fn refused(e: VerifyError, access_key_id: &str) -> CosError {
    const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
    match e {
        VerifyError::Mismatch(m) => {
            let err = CosError::with_message(Code::SignatureDoesNotMatch, MISMATCH)
                .with_extra("OSSAccessKeyId", access_key_id)
                .with_extra("StringToSign", m.string_to_sign);
            match m.canonical_request {
                Some(cr) => err.with_extra("CanonicalRequest", cr),
                None => err,
            }
        }
        VerifyError::MissingSignedHeader(h) => CosError::with_message(
            Code::SignatureDoesNotMatch,
            format!("{MISMATCH} The signed header {h} is missing from the request."),
        ),
        VerifyError::BadDate(field, value) => CosError::with_message(
            Code::AccessDenied,
            format!("OSS authentication requires a valid Date: {field} is {value:?}."),
        ),
        VerifyError::TimeTooSkewed { .. } => CosError::with_message(
            Code::RequestTimeTooSkewed,
            "The difference between the request time and the current time is too large.",
        ),
        VerifyError::Expired { .. } => {
            CosError::with_message(Code::AccessDenied, "Request has expired.")
        }
    }
}
