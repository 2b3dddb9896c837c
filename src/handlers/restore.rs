//! POST Object restore (`POST /<key>?restore`) for ARCHIVE / DEEP_ARCHIVE objects, and the gate
//! GET/HEAD Object pass through: GET of an archived object is 403 `InvalidObjectState` until a
//! restore has completed; HEAD answers `x-cos-restore`.
//!
//! On the server clock, a restore completes `restore_delay` after it is asked for (0 by default:
//! at once; tests set a delay with `POST /_cos-mock/clock`) and the temporary copy stays readable
//! for `Days` days after completion (exactly, without S3's rounding to midnight).
//! Answers: 202 for a new restore, 200 when a completed copy exists (its expiry is moved to
//! now + Days), 409 `RestoreAlreadyInProgress` while one is ongoing, 403 `InvalidObjectState` for
//! objects of other classes.

use std::time::SystemTime;

use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::clock::http_date;
use crate::error::{Code, CosError};
use crate::object::{is_archived, Object};
use crate::response::Reply;
use crate::store::Restore;

/// Tiers COS offers; DEEP_ARCHIVE has no Expedited.
pub const TIERS: &[&str] = &["Expedited", "Standard", "Bulk"];

/// The `RestoreRequest` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u64>,
    #[serde(
        rename = "CASJobParameters",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub job: Option<CasJobParameters>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CasJobParameters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// Parses and validates a `RestoreRequest`: Days (a positive integer) and a known Tier.
pub fn parse_request(body: &[u8]) -> Result<(u64, String), CosError> {
    crate::xml::check_root(body, "RestoreRequest")?;
    let req: RestoreRequest = crate::xml::from_xml(body)?;
    let days = req.days.ok_or_else(|| {
        CosError::with_message(Code::MalformedXML, "RestoreRequest/Days is required.")
    })?;
    if days == 0 {
        return Err(CosError::with_message(
            Code::InvalidArgument,
            "RestoreRequest/Days must be a positive integer.",
        ));
    }
    let tier = req
        .job
        .and_then(|j| j.tier)
        .map(|t| t.trim().to_string())
        .unwrap_or_else(|| "Standard".into());
    if !TIERS.contains(&tier.as_str()) {
        return Err(CosError::with_message(
            Code::MalformedXML,
            format!("CASJobParameters/Tier {tier:?} is not one of Expedited, Standard, Bulk."),
        ));
    }
    Ok((days, tier))
}

/// POST Object restore.
pub fn post(ctx: &Ctx) -> Result<Reply, CosError> {
    let (days, tier) = parse_request(&ctx.req.body)?;
    let bucket = ctx.bucket()?;
    let key = ctx.req.key();
    let object = ctx.state.store.get_object(bucket, key)?;
    if !is_archived(&object.storage_class) {
        return Err(CosError::with_message(
            Code::InvalidObjectState,
            format!(
                "Restore is only for ARCHIVE and DEEP_ARCHIVE objects; this object is {}.",
                object.storage_class
            ),
        ));
    }
    if object.storage_class == "DEEP_ARCHIVE" && tier == "Expedited" {
        return Err(CosError::with_message(
            Code::InvalidArgument,
            "DEEP_ARCHIVE objects cannot be restored with the Expedited tier.",
        ));
    }
    let now = ctx.now;
    let delay = ctx.state.clock.restore_delay();
    let too_far = || {
        CosError::with_message(
            Code::InvalidArgument,
            format!("RestoreRequest/Days {days} puts the copy's expiry past the year 9999."),
        )
    };
    let ready_at = now
        .checked_add(delay)
        .and_then(|t| crate::clock::add_days(t, 0))
        .ok_or_else(too_far)?;
    let expires_at = crate::clock::add_days(ready_at, days).ok_or_else(too_far)?;
    let extended = crate::clock::add_days(now, days).ok_or_else(too_far)?;
    ctx.state.store.with_bucket_mut(bucket, |b| {
        let current = b.restores.get(key).filter(|r| r.is_for(&object)).cloned();
        match current {
            Some(r) if now < r.ready_at => Err(CosError::new(Code::RestoreAlreadyInProgress)),
            Some(r) if now < r.expires_at => {
                b.restores.insert(
                    key.to_string(),
                    Restore {
                        expires_at: extended,
                        ..r
                    },
                );
                Ok(Reply::new(StatusCode::OK))
            }
            _ => {
                b.restores.insert(
                    key.to_string(),
                    Restore {
                        etag: object.etag.clone(),
                        last_modified: object.last_modified,
                        ready_at,
                        expires_at,
                    },
                );
                Ok(Reply::new(StatusCode::ACCEPTED))
            }
        }
    })?
}

/// The state of an archived object's restore at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readable {
    /// Not archived, or restored and not expired.
    Yes,
    /// Archived with no live restore.
    No,
    /// Archived, restore ongoing.
    Ongoing,
}

/// Whether the object can be read now, and the `x-cos-restore` header value when one applies.
pub fn status(
    restore: Option<&Restore>,
    object: &Object,
    now: SystemTime,
) -> (Readable, Option<String>) {
    if !is_archived(&object.storage_class) {
        return (Readable::Yes, None);
    }
    match restore.filter(|r| r.is_for(object)) {
        Some(r) if now < r.ready_at => (Readable::Ongoing, Some("ongoing-request=\"true\"".into())),
        Some(r) if now < r.expires_at => (
            Readable::Yes,
            Some(format!(
                "ongoing-request=\"false\", expiry-date=\"{}\"",
                http_date(r.expires_at)
            )),
        ),
        _ => (Readable::No, None),
    }
}

/// For GET/HEAD Object: GET of an archived object that is not restored is 403
/// `InvalidObjectState`; otherwise the `x-cos-restore` value to answer, if any.
pub fn gate(ctx: &Ctx, key: &str, object: &Object) -> Result<Option<String>, CosError> {
    readable(
        ctx,
        ctx.bucket()?,
        key,
        object,
        ctx.req.method == http::Method::GET,
    )
}

/// The `x-cos-restore` header of `bucket`/`key`; when `reading` (GET, or the source of a copy), an
/// archived object that is not restored is 403 `InvalidObjectState`.
pub fn readable(
    ctx: &Ctx,
    bucket: &str,
    key: &str,
    object: &Object,
    reading: bool,
) -> Result<Option<String>, CosError> {
    let restore = ctx
        .state
        .store
        .with_bucket(bucket, |b| b.restores.get(key).cloned())?;
    let (readable, header) = status(restore.as_ref(), object, ctx.now);
    if readable != Readable::Yes && reading {
        return Err(CosError::with_message(
            Code::InvalidObjectState,
            format!(
                "The object is in the {} storage class; restore it first (POST ?restore){}.",
                object.storage_class,
                if readable == Readable::Ongoing {
                    ": the restore is still in progress"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_request_doc_sample_round_trips() {
        let body = "<RestoreRequest><Days>1</Days><CASJobParameters><Tier>Expedited</Tier></CASJobParameters></RestoreRequest>";
        assert_eq!(
            parse_request(body.as_bytes()).unwrap(),
            (1, "Expedited".into())
        );
        let wire: RestoreRequest = crate::xml::from_xml(body.as_bytes()).unwrap();
        let xml = crate::xml::to_xml("RestoreRequest", &wire).unwrap();
        let again: RestoreRequest = crate::xml::from_xml(xml.as_bytes()).unwrap();
        assert_eq!(again, wire);
    }

    #[test]
    fn restore_request_errors() {
        let cases: &[(&str, Code)] = &[
            ("<RestoreRequest/>", Code::MalformedXML),
            ("<Other><Days>1</Days></Other>", Code::MalformedXML),
            ("<RestoreRequest><Days>x</Days></RestoreRequest>", Code::MalformedXML),
            ("<RestoreRequest><Days>0</Days></RestoreRequest>", Code::InvalidArgument),
            ("<RestoreRequest><Days>1</Days><CASJobParameters><Tier>Fast</Tier></CASJobParameters></RestoreRequest>", Code::MalformedXML),
        ];
        for (body, code) in cases {
            assert_eq!(
                parse_request(body.as_bytes()).unwrap_err().code,
                *code,
                "{body}"
            );
        }
        assert_eq!(
            parse_request(b"<RestoreRequest><Days>3</Days></RestoreRequest>").unwrap(),
            (3, "Standard".into())
        );
    }
}
