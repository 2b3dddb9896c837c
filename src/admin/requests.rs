//! `GET /_cos-mock/requests`: the query parameters that filter the journal, parsed into a
//! [`Filter`]. Every parameter is optional; a bad value, an empty one or an unknown parameter is
//! 400 `InvalidArgument` naming it (a filter that is silently ignored shows the wrong requests).

use std::time::SystemTime;

use crate::error::{Code, CosError};
use crate::journal::{clip, Filter, StatusMatch};

/// The parameters `GET /_cos-mock/requests` takes.
pub const PARAMETERS: &[&str] = &["status", "bucket", "caller", "action", "since", "limit"];

/// The filter `query` asks for; `capacity` (the journal size) bounds `limit`. A parameter given
/// twice is refused before this (`CosRequest::check_query`).
pub fn parse(query: &[(String, String)], capacity: usize) -> Result<Filter, CosError> {
    let mut filter = Filter::default();
    for (name, value) in query {
        let bad = |expected: &str| {
            CosError::with_message(
                Code::InvalidArgument,
                format!("{name}: expected {expected}, got {:?}.", clip(value)),
            )
        };
        if value.is_empty() {
            return Err(bad("a value"));
        }
        match name.as_str() {
            "status" => filter.status = Some(status(value).ok_or_else(|| bad(STATUS))?),
            "bucket" => filter.bucket = Some(value.clone()),
            "caller" => filter.caller = Some(value.clone()),
            "action" => filter.action = Some(value.clone()),
            "since" => filter.since = Some(since(value).ok_or_else(|| bad(SINCE))?),
            "limit" => {
                let most = capacity.max(1);
                let n = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=most).contains(n))
                    .ok_or_else(|| bad(&format!("an integer from 1 to {most}")))?;
                filter.limit = Some(n);
            }
            _ => {
                return Err(CosError::with_message(
                    Code::InvalidArgument,
                    format!(
                        "Unknown parameter {:?}: /_cos-mock/requests takes {}.",
                        clip(name),
                        PARAMETERS.join(", ")
                    ),
                ))
            }
        }
    }
    Ok(filter)
}

const STATUS: &str = "an HTTP status (403) or a class (4xx)";
const SINCE: &str = "an RFC 3339 time such as 2024-01-02T03:04:05Z (a + in an offset written %2B)";

/// `403` (100 to 599) or `4xx` (1xx to 5xx, `X` in any case).
fn status(value: &str) -> Option<StatusMatch> {
    let b = value.as_bytes();
    let first = match b.first()? {
        d @ b'1'..=b'5' => u16::from(d - b'0'),
        _ => return None,
    };
    if b.len() != 3 {
        return None;
    }
    if b[1..].eq_ignore_ascii_case(b"xx") {
        return Some(StatusMatch::Class(first));
    }
    let code: u16 = value
        .parse()
        .ok()
        .filter(|_| b.iter().all(u8::is_ascii_digit))?;
    Some(StatusMatch::Exact(code))
}

/// An RFC 3339 time, fractions of a second kept (entries are compared to the millisecond they show).
fn since(value: &str) -> Option<SystemTime> {
    use time::format_description::well_known::Rfc3339;
    let at = time::OffsetDateTime::parse(value, &Rfc3339).ok()?;
    Some(SystemTime::from(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parse_good_values_fill_the_filter() {
        let f = parse(
            &q(&[
                ("status", "403"),
                ("bucket", "b-1"),
                ("caller", "anonymous"),
                ("action", "GetObject"),
                ("since", "2024-01-02T03:04:05.250+08:00"),
                ("limit", "10"),
            ]),
            1000,
        )
        .unwrap();
        assert_eq!(f.status, Some(StatusMatch::Exact(403)));
        assert_eq!(f.bucket.as_deref(), Some("b-1"));
        assert_eq!(f.limit, Some(10));
        let since = f.since.unwrap();
        let want = time::macros::datetime!(2024-01-01 19:04:05.25 UTC);
        assert_eq!(since, SystemTime::from(want));
        assert_eq!(parse(&[], 1000).unwrap(), Filter::default());
    }

    #[test]
    fn parse_status_classes_and_codes() {
        for (text, want) in [
            ("4xx", StatusMatch::Class(4)),
            ("2XX", StatusMatch::Class(2)),
            ("5xX", StatusMatch::Class(5)),
            ("200", StatusMatch::Exact(200)),
            ("599", StatusMatch::Exact(599)),
        ] {
            assert_eq!(status(text), Some(want), "{text}");
        }
        for bad in [
            "abc", "4xx5", "4x", "xx4", "600", "099", "6xx", "0xx", "40", "4000", "+40", "-40",
            "4 x", "", "٤٠٣",
        ] {
            assert_eq!(status(bad), None, "{bad}");
        }
    }

    #[test]
    fn parse_bad_values_name_the_parameter() {
        for (name, value) in [
            ("status", "abc"),
            ("status", "4xx5"),
            ("limit", "0"),
            ("limit", "-1"),
            ("limit", "1001"),
            ("limit", "99999999999999999999"),
            ("limit", "1.5"),
            ("limit", " 1"),
            ("since", "garbage"),
            ("since", "2024-01-02"),
            ("since", "2024-02-31T00:00:00Z"),
            ("since", "2024-01-02T03:04:05 08:00"),
            ("bucket", ""),
            ("action", ""),
        ] {
            let err = parse(&q(&[(name, value)]), 1000).unwrap_err();
            assert_eq!(err.code, Code::InvalidArgument, "{name}={value}");
            assert!(
                err.message.starts_with(&format!("{name}: expected ")),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn parse_unknown_parameter_is_refused() {
        let err = parse(&q(&[("stauts", "403")]), 1000).unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert!(err.message.contains("\"stauts\""), "{}", err.message);
    }

    #[test]
    fn parse_limit_bound_follows_the_journal_size() {
        assert_eq!(parse(&q(&[("limit", "5")]), 5).unwrap().limit, Some(5));
        assert!(parse(&q(&[("limit", "6")]), 5).is_err());
        // A journal that keeps nothing still takes limit=1.
        assert_eq!(parse(&q(&[("limit", "1")]), 0).unwrap().limit, Some(1));
    }

    #[test]
    fn parse_huge_value_is_clipped_in_the_message() {
        let huge = "9".repeat(100_000);
        let err = parse(&q(&[("limit", &huge)]), 1000).unwrap_err();
        assert!(err.message.len() < 2_000, "{}", err.message.len());
    }
}
