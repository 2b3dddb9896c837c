//! Time: the server clock (real time plus an offset that tests move with `POST /_cos-mock/clock`),
//! and the one place dates are written and read, on the `time` crate: COS's ISO 8601 with
//! milliseconds, HTTP dates, RFC 3339 (lifecycle, POST policies) and policy `date_*` values. Every
//! object time (Last-Modified, lifecycle expiry, restore windows) reads "now" from here; signature
//! windows keep the real time, so that advancing the clock never makes a client's fresh signature
//! look expired or skewed. Times are kept within 1970..=9999 (`clamp`, `MAX_UNIX`).

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::parsing::Parsed;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Real time shifted by an offset in seconds, plus the one other time knob tests turn: how long a
/// restore of an archived object takes on this clock.
#[derive(Debug, Default)]
pub struct ServerClock {
    offset_seconds: AtomicI64,
    restore_delay_seconds: AtomicU64,
    /// Told `(offset, restore delay)` after every change (the data directory, `crate::persist`).
    pub on_change: crate::hook::Hook<(i64, u64)>,
}

impl ServerClock {
    pub fn new() -> ServerClock {
        ServerClock::default()
    }

    /// Now on the server clock.
    pub fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.offset())
    }

    pub fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }

    pub fn set_offset(&self, seconds: i64) {
        self.offset_seconds.store(seconds, Ordering::Relaxed);
        self.changed();
    }

    fn changed(&self) {
        self.on_change
            .call(&(self.offset(), self.restore_delay().as_secs()));
    }

    /// How long a restore stays `ongoing-request="true"`, on this clock (0: done at once).
    pub fn restore_delay(&self) -> Duration {
        Duration::from_secs(self.restore_delay_seconds.load(Ordering::Relaxed))
    }

    pub fn set_restore_delay(&self, seconds: u64) {
        self.restore_delay_seconds.store(seconds, Ordering::Relaxed);
        self.changed();
    }

    /// Sets both knobs without telling `on_change` (import, loading a data directory).
    pub fn restore(&self, offset: i64, restore_delay: u64) {
        self.offset_seconds.store(offset, Ordering::Relaxed);
        self.restore_delay_seconds
            .store(restore_delay, Ordering::Relaxed);
    }

    /// Back to real time, restores immediate.
    pub fn reset(&self) {
        self.set_offset(0);
        self.set_restore_delay(0);
    }
}

/// The latest time cos-mock represents, 9999-12-31T23:59:59Z: HTTP dates and ISO 8601 listings
/// have four-digit years, so every time is kept at or before it.
pub(crate) const MAX_UNIX: u64 = 253_402_300_799;

/// The largest clock offset that keeps the server clock within `MAX_UNIX` (and after the epoch).
pub(crate) fn offset_in_range(offset: i64) -> bool {
    let now = unix(SystemTime::now()) as i128;
    (0..=MAX_UNIX as i128).contains(&(now + offset as i128))
}

/// `t` plus `days` days, or `None` past `MAX_UNIX`.
pub(crate) fn add_days(t: SystemTime, days: u64) -> Option<SystemTime> {
    let secs = days.checked_mul(86_400)?;
    let later = t.checked_add(Duration::from_secs(secs))?;
    (unix(later) <= MAX_UNIX).then_some(later)
}

/// `t` clamped to `[epoch, MAX_UNIX]`, so it can always be formatted.
pub(crate) fn clamp(t: SystemTime) -> SystemTime {
    if t < UNIX_EPOCH {
        UNIX_EPOCH
    } else if unix(t) > MAX_UNIX {
        UNIX_EPOCH + Duration::from_secs(MAX_UNIX)
    } else {
        t
    }
}

/// `t` moved by `seconds`, saturating at the epoch and at `MAX_UNIX`.
pub(crate) fn shift(t: SystemTime, seconds: i64) -> SystemTime {
    if seconds >= 0 {
        clamp(
            t.checked_add(Duration::from_secs(seconds.unsigned_abs()))
                .unwrap_or(UNIX_EPOCH + Duration::from_secs(MAX_UNIX)),
        )
    } else {
        t.checked_sub(Duration::from_secs(seconds.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    }
}

/// Unix seconds of a time (0 before the epoch).
pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `t` as COS writes times in XML and JSON bodies (LastModified, CreationDate, Initiated):
/// RFC 3339 in UTC with milliseconds, `2019-05-13T11:33:10.000Z`.
pub(crate) fn iso8601(t: SystemTime) -> String {
    const MILLIS: &[BorrowedFormatItem<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    utc(t).format(MILLIS).unwrap_or_default()
}

/// `t` as OSS writes times in XML bodies: to the second, with `.000` milliseconds always
/// (`2019-05-13T11:33:10.000Z`; oss2 parses exactly that form).
pub(crate) fn iso8601_oss(t: SystemTime) -> String {
    const WHOLE: &[BorrowedFormatItem<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].000Z");
    utc(t).format(WHOLE).unwrap_or_default()
}

/// `t` as RFC 3339 in UTC to the second, `2019-05-13T11:33:10Z` (STS `Expiration`).
pub(crate) fn rfc3339_seconds(t: SystemTime) -> String {
    const SECONDS: &[BorrowedFormatItem<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    utc(t).format(SECONDS).unwrap_or_default()
}

/// The IMF-fixdate form of an HTTP date (RFC 9110 §5.6.7), as COS writes `Date` and `Last-Modified`.
const HTTP_DATE: &[BorrowedFormatItem<'_>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);
/// The obsolete RFC 850 form, `Sunday, 06-Nov-94 08:49:37 GMT`.
const RFC850_DATE: &[BorrowedFormatItem<'_>] = format_description!(
    "[weekday repr:long], [day]-[month repr:short]-[year repr:last_two] [hour]:[minute]:[second] GMT"
);
/// The obsolete asctime form, `Sun Nov  6 08:49:37 1994`.
const ASCTIME_DATE: &[BorrowedFormatItem<'_>] = format_description!(
    "[weekday repr:short] [month repr:short] [day padding:space] [hour]:[minute]:[second] [year]"
);

/// `t` as an HTTP date, `Tue, 14 Nov 2023 22:13:20 GMT`.
pub(crate) fn http_date(t: SystemTime) -> String {
    utc(t).format(HTTP_DATE).unwrap_or_default()
}

/// Parses an HTTP date in any of the three forms RFC 9110 says a recipient accepts (IMF-fixdate,
/// RFC 850 with two-digit years read as 1970..=2069, asctime). The weekday must match the date, the
/// year must be within 1970..=9999; anything else is `None`.
pub(crate) fn parse_http_date(text: &str) -> Option<SystemTime> {
    let text = text.trim().as_bytes();
    [HTTP_DATE, RFC850_DATE, ASCTIME_DATE]
        .iter()
        .find_map(|items| {
            let mut parsed = Parsed::new();
            let rest = parsed.parse_items(text, items).ok()?;
            if !rest.is_empty() {
                return None;
            }
            if let Some(yy) = parsed.year_last_two() {
                let century = if yy < 70 { 2000 } else { 1900 };
                parsed = parsed.with_year(century + i32::from(yy))?;
            }
            let weekday = parsed.weekday()?;
            let at = PrimitiveDateTime::try_from(parsed).ok()?;
            (at.weekday() == weekday).then_some(at)
        })
        .filter(|at| (1970..=9999).contains(&at.year()))
        .map(|at| UNIX_EPOCH + Duration::from_secs(at.assume_utc().unix_timestamp() as u64))
}

/// Parses an RFC 3339 date-time as COS and POST policies write them (lifecycle `Date`, a POST
/// policy's `expiration`): `2024-01-02T03:04:05Z`, with optional fractional seconds (dropped), and
/// `Z` or a `±HH:MM` offset. Impossible dates (February 31) and years outside 1970..=9999 are `None`.
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    // `time` takes any byte between date and time; COS and S3 write `T`.
    if text.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    if !(1970..=9999).contains(&at.year()) {
        return None;
    }
    Some(shift(UNIX_EPOCH, at.unix_timestamp()))
}

/// Parses an ISO 8601 basic UTC time, `yyyymmddTHHMMSSZ` (OSS V4's `x-oss-date`), as Unix seconds.
pub(crate) fn parse_iso8601_basic(text: &str) -> Option<i64> {
    const BASIC: &[BorrowedFormatItem<'_>] =
        format_description!("[year][month][day]T[hour][minute][second]Z");
    let at = PrimitiveDateTime::parse(text, BASIC).ok()?;
    Some(at.assume_utc().unix_timestamp())
}

/// Parses a date as policy `date_*` conditions accept it, as milliseconds since the epoch: integer
/// epoch seconds, or ISO 8601 `YYYY-MM-DD[(T|t| )HH:MM[:SS[.frac]]][Z|z|±HH[:]MM]` (UTC when no
/// zone; any year 0000..=9999). Impossible dates and times are `None`.
pub(crate) fn parse_policy_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok()?.checked_mul(1000);
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then_some(())?;
        part.parse().ok()
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let year = i32::try_from(num(0..4)?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(num(8..10)?).ok()?).ok()?;
    let (mut hour, mut minute, mut second, mut millis) = (0, 0, 0, 0);
    let mut i = 10;
    if matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        (hour, minute) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
        if b.get(i + 3) != Some(&b':') {
            return None;
        }
        i += 6;
        if b.get(i) == Some(&b':') {
            second = num(i + 1..i + 3)?;
            i += 3;
            if b.get(i) == Some(&b'.') {
                let start = i + 1;
                i = start;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                let frac = format!("{:0<3}", s.get(start..i)?);
                millis = frac.get(..3)?.parse().ok()?;
            }
        }
    }
    // A leap second counts as the second after :59, as it did before this used the `time` crate.
    let leap = second == 60;
    let time = Time::from_hms_milli(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        if leap { 59 } else { u8::try_from(second).ok()? },
        u16::try_from(millis).ok()?,
    )
    .ok()?;
    let offset = match s.get(i..)? {
        "" | "Z" | "z" => UtcOffset::UTC,
        zone => {
            let sign: i8 = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = zone.chars().skip(1).filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) || zone.len() > 6 {
                return None;
            }
            let (h, m): (i8, i8) = (
                digits.get(..2)?.parse().ok()?,
                digits.get(2..)?.parse().ok()?,
            );
            if h > 23 || m > 59 {
                return None;
            }
            UtcOffset::from_hms(sign * h, sign * m, 0).ok()?
        }
    };
    let at = PrimitiveDateTime::new(date, time).assume_offset(offset);
    let ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()?;
    Some(if leap { ms + 1000 } else { ms })
}

/// `t` (clamped) as a UTC date-time, for formatting.
fn utc(t: SystemTime) -> OffsetDateTime {
    OffsetDateTime::from(clamp(t))
}

/// The next UTC midnight at or after `t` (S3's rounding of lifecycle days).
pub(crate) fn ceil_to_midnight(t: SystemTime) -> SystemTime {
    let s = unix(t);
    let rounded = s.div_ceil(86400) * 86400;
    UNIX_EPOCH + Duration::from_secs(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_oss_writes_zero_millis_and_basic_parses() {
        let t = UNIX_EPOCH + Duration::from_millis(1_704_164_645_678);
        assert_eq!(iso8601_oss(t), "2024-01-02T03:04:05.000Z");
        assert_eq!(iso8601(t), "2024-01-02T03:04:05.678Z");
        assert_eq!(parse_iso8601_basic("20240102T030405Z"), Some(1_704_164_645));
        assert_eq!(parse_iso8601_basic("20240231T030405Z"), None);
        assert_eq!(parse_iso8601_basic("2024-01-02T03:04:05Z"), None);
    }

    #[test]
    fn iso8601_forms() {
        let t = |s| parse_rfc3339(s).map(unix);
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(t("2024-01-02T03:04:05Z"), Some(1704164645));
        assert_eq!(t("2024-01-02T03:04:05.123Z"), Some(1704164645));
        assert_eq!(t("2024-01-02T11:04:05+08:00"), Some(1704164645));
        assert_eq!(t("2024-01-01T19:04:05-08:00"), Some(1704164645));
        assert_eq!(t("2024-01-02"), None);
        assert_eq!(t("2024-13-02T00:00:00Z"), None);
        assert_eq!(t("nonsense"), None);
        assert_eq!(t("999999999999-01-01T00:00:00Z"), None);
        assert_eq!(t("10000-01-01T00:00:00Z"), None);
        assert_eq!(t("9999-12-31T23:59:59Z"), Some(MAX_UNIX));
    }

    #[test]
    fn times_stay_within_four_digit_years() {
        assert!(offset_in_range(0));
        assert!(!offset_in_range(i64::MAX));
        assert!(!offset_in_range(i64::MIN));
        assert!(!offset_in_range(300_000_000_000));
        assert_eq!(
            add_days(UNIX_EPOCH, 1),
            Some(UNIX_EPOCH + Duration::from_secs(86_400))
        );
        assert_eq!(add_days(UNIX_EPOCH, u64::MAX), None);
        assert_eq!(add_days(UNIX_EPOCH, 3_000_000), None);
        assert_eq!(unix(shift(UNIX_EPOCH, i64::MAX)), MAX_UNIX);
        assert_eq!(
            unix(clamp(UNIX_EPOCH + Duration::from_secs(MAX_UNIX + 5))),
            MAX_UNIX
        );
    }

    #[test]
    fn clock_advances_and_resets() {
        let c = ServerClock::new();
        c.set_offset(86400);
        assert!(unix(c.now()) >= unix(SystemTime::now()) + 86400);
        c.set_restore_delay(5);
        c.reset();
        assert_eq!(c.offset(), 0);
        assert_eq!(c.restore_delay(), Duration::ZERO);
    }

    #[test]
    fn midnight_rounding() {
        let at = |s| UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(unix(ceil_to_midnight(at(0))), 0);
        assert_eq!(unix(ceil_to_midnight(at(1))), 86400);
        assert_eq!(unix(ceil_to_midnight(at(86400))), 86400);
    }

    #[test]
    fn rfc3339_rejects_impossible_dates() {
        assert_eq!(parse_rfc3339("2030-02-31T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2031-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2030-04-31T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2030-01-01T24:00:00Z"), None);
        assert!(parse_rfc3339("2032-02-29T00:00:00Z").is_some());
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), None);
        assert_eq!(parse_rfc3339("2030-01-01 00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2030-01-01x00:00:00Z"), None);
        assert_eq!(
            parse_rfc3339("2030-01-01T00:00:00z").map(unix),
            Some(1_893_456_000)
        );
        assert_eq!(
            parse_rfc3339("1970-01-01T00:00:00+01:00").map(unix),
            Some(0)
        );
    }

    #[test]
    fn formats_as_cos_writes_them() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(iso8601(t), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_seconds(t), "2023-11-14T22:13:20Z");
        assert_eq!(http_date(t), "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        let past_max = UNIX_EPOCH + Duration::from_secs(MAX_UNIX + 100);
        assert_eq!(http_date(past_max), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(iso8601(past_max), "9999-12-31T23:59:59.000Z");
        assert_eq!(
            iso8601(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let t = |s| parse_http_date(s).map(unix);
        // RFC 9110 §5.6.7's examples.
        assert_eq!(t("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(t("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(t("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
        assert_eq!(t(" Tue, 14 Nov 2023 22:13:20 GMT "), Some(1_700_000_000));
        assert_eq!(t("Friday, 01-Jan-21 00:00:00 GMT"), Some(1_609_459_200));
        assert_eq!(t("Fri, 31 Dec 9999 23:59:59 GMT"), Some(MAX_UNIX));
        for bad in [
            "",
            "yesterday",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sat, 31 Feb 2024 00:00:00 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "1994-11-06T08:49:37Z",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_http_date(&http_date(now)), Some(now));
    }

    #[test]
    fn http_dates_agree_with_httpdate() {
        // httpdate (a dev-dependency) is what read and wrote HTTP dates before this module.
        let mut t = 0u64;
        while t <= MAX_UNIX {
            let at = UNIX_EPOCH + Duration::from_secs(t);
            let written = http_date(at);
            assert_eq!(written, httpdate::fmt_http_date(at));
            assert_eq!(parse_http_date(&written), Some(at));
            t += 7_777_777_777 / 1000 + 13;
        }
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Thursday, 01-Jan-70 00:00:00 GMT",
            "Wednesday, 31-Dec-69 23:59:59 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "sun, 06 nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun,  6 Nov 1994 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994",
            "Sat, 01 Jan 10000 00:00:00 GMT",
        ] {
            assert_eq!(
                parse_http_date(text),
                httpdate::parse_http_date(text).ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn policy_date_formats_expected() {
        let base = 1_767_225_600_000;
        assert_eq!(parse_policy_date("2026-01-01"), Some(base));
        assert_eq!(parse_policy_date("2026-01-01T00:00Z"), Some(base));
        assert_eq!(parse_policy_date("2026-01-01 08:00:00+0800"), Some(base));
        assert_eq!(parse_policy_date("2025-12-31T19:00:00-05:00"), Some(base));
        assert_eq!(
            parse_policy_date("2026-01-01T00:00:00.25Z"),
            Some(base + 250)
        );
        assert_eq!(parse_policy_date("1767225600"), Some(base));
        assert_eq!(parse_policy_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_policy_date("2024-02-29"), Some(1_709_164_800_000));
        for bad in [
            "",
            "2026-13-01",
            "2025-02-29",
            "2026-01-01T25:00Z",
            "2026-01-01T00:00:00+1é1",
            "yesterday",
        ] {
            assert_eq!(parse_policy_date(bad), None, "{bad}");
        }
    }
}
