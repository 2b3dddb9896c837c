//! Restore rules for ARCHIVE / DEEP_ARCHIVE objects: the `RestoreRequest` body of
//! `POST /<key>?restore`, what a request does to the object's restore (`request`), and whether the
//! object can be read at a given time (`status`). Pure: times are arguments, no HTTP types.
//!
//! On the server clock, a restore completes `delay` after it is asked for (0 by default: at once;
//! tests set a delay with `POST /_cos-mock/clock`) and the temporary copy stays readable for `Days`
//! days after completion (exactly, without S3's rounding to midnight). A request starts a new
//! restore (202), extends a completed copy's expiry to now + Days (200), is 409
//! `RestoreAlreadyInProgress` while one is ongoing, and 403 `InvalidObjectState` for objects of other
//! classes.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::clock::{add_days, http_date};
use crate::error::{Code, CosError};
use crate::object::{is_archived, Object};

/// Tiers COS offers; DEEP_ARCHIVE has no Expedited.
pub(crate) const TIERS: &[&str] = &["Expedited", "Standard", "Bulk"];

/// The `RestoreRequest` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RestoreRequest {
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
pub(crate) struct CasJobParameters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// Parses and validates a `RestoreRequest`: Days (a positive integer) and a known Tier.
pub(crate) fn parse_request(body: &[u8]) -> Result<(u64, String), CosError> {
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

/// A restore of an ARCHIVE / DEEP_ARCHIVE object, on the server clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restore {
    pub etag: String,
    pub last_modified: SystemTime,
    /// When the temporary copy becomes readable (`ongoing-request="true"` until then).
    pub ready_at: SystemTime,
    /// When the temporary copy goes away.
    pub expires_at: SystemTime,
}

impl Restore {
    /// Whether this restore is about `object` as it is now.
    pub fn is_for(&self, object: &Object) -> bool {
        self.etag == object.etag.to_string() && self.last_modified == object.last_modified
    }
}

/// What a restore request does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A new restore (202).
    Started(Restore),
    /// A completed copy's expiry moved to now + Days (200).
    Extended(Restore),
}

impl Outcome {
    /// The restore to store.
    pub(crate) fn restore(&self) -> &Restore {
        match self {
            Outcome::Started(r) | Outcome::Extended(r) => r,
        }
    }
}

/// A restore request for `object` (whose restore so far is `current`) with `tier` and `days`, at
/// `now`, on a clock where restores take `delay`. Checks, in order: the object's class, the tier
/// for DEEP_ARCHIVE, the expiry within the year 9999, a restore already in progress.
pub(crate) fn request(
    current: Option<&Restore>,
    object: &Object,
    tier: &str,
    days: u64,
    now: SystemTime,
    delay: Duration,
) -> Result<Outcome, CosError> {
    if !is_archived(object.storage_class) {
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
    let too_far = || {
        CosError::with_message(
            Code::InvalidArgument,
            format!("RestoreRequest/Days {days} puts the copy's expiry past the year 9999."),
        )
    };
    let ready_at = now
        .checked_add(delay)
        .and_then(|t| add_days(t, 0))
        .ok_or_else(too_far)?;
    let expires_at = add_days(ready_at, days).ok_or_else(too_far)?;
    let extended = add_days(now, days).ok_or_else(too_far)?;
    match current.filter(|r| r.is_for(object)) {
        Some(r) if now < r.ready_at => Err(CosError::new(Code::RestoreAlreadyInProgress)),
        Some(r) if now < r.expires_at => Ok(Outcome::Extended(Restore {
            expires_at: extended,
            ..r.clone()
        })),
        _ => Ok(Outcome::Started(Restore {
            etag: object.etag.to_string(),
            last_modified: object.last_modified,
            ready_at,
            expires_at,
        })),
    }
}

/// The state of an archived object's restore at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Readable {
    /// Not archived, or restored and not expired.
    Yes,
    /// Archived with no live restore.
    No,
    /// Archived, restore ongoing.
    Ongoing,
}

/// Whether the object can be read now, and the `x-cos-restore` header value when one applies.
pub(crate) fn status(
    restore: Option<&Restore>,
    object: &Object,
    now: SystemTime,
) -> (Readable, Option<String>) {
    if !is_archived(object.storage_class) {
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

    fn archived(class: &str) -> Object {
        Object {
            etag: crate::checksum::ETag::of_md5([0xe; 16]),
            storage_class: crate::object::class_name(class).expect("a known class"),
            ..Object::sample()
        }
    }

    #[test]
    fn restore_request_starts_waits_then_extends() {
        let day = Duration::from_secs(86_400);
        let t0 = SystemTime::UNIX_EPOCH + 10 * day;
        let o = archived("ARCHIVE");
        let started = request(None, &o, "Standard", 2, t0, day).unwrap();
        let Outcome::Started(r) = &started else {
            panic!("{started:?}")
        };
        assert_eq!((r.ready_at, r.expires_at), (t0 + day, t0 + 3 * day));
        assert_eq!(status(Some(r), &o, t0).0, Readable::Ongoing);
        assert_eq!(
            request(Some(r), &o, "Standard", 2, t0, day)
                .unwrap_err()
                .code,
            Code::RestoreAlreadyInProgress
        );
        assert_eq!(status(Some(r), &o, t0 + day).0, Readable::Yes);
        let again = request(Some(r), &o, "Bulk", 5, t0 + 2 * day, day).unwrap();
        assert_eq!(again.restore().expires_at, t0 + 7 * day);
        assert!(matches!(again, Outcome::Extended(_)));
        assert_eq!(status(Some(r), &o, t0 + 3 * day).0, Readable::No);
        let later = request(Some(r), &o, "Bulk", 1, t0 + 3 * day, Duration::ZERO).unwrap();
        assert!(matches!(later, Outcome::Started(_)));
    }

    #[test]
    fn restore_request_errors_by_class_tier_and_year() {
        let now = SystemTime::UNIX_EPOCH;
        let code = |class: &str, tier: &str, days: u64| {
            request(None, &archived(class), tier, days, now, Duration::ZERO)
                .unwrap_err()
                .code
        };
        assert_eq!(code("STANDARD", "Standard", 1), Code::InvalidObjectState);
        assert_eq!(code("DEEP_ARCHIVE", "Expedited", 1), Code::InvalidArgument);
        assert_eq!(
            code("ARCHIVE", "Standard", 10_000_000),
            Code::InvalidArgument
        );
        assert!(request(
            None,
            &archived("DEEP_ARCHIVE"),
            "Bulk",
            1,
            now,
            Duration::ZERO
        )
        .is_ok());
        assert_eq!(
            status(None, &archived("STANDARD"), now),
            (Readable::Yes, None)
        );
    }
}
