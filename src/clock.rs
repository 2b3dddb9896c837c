//! The server clock: real time plus an offset that tests move with `POST /_cos-mock/clock`. Every
//! object time (Last-Modified, lifecycle expiry, restore windows) reads "now" from here; signature
//! windows keep the real time, so that advancing the clock never makes a client's fresh signature
//! look expired or skewed.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Real time shifted by an offset in seconds, plus the one other time knob tests turn: how long a
/// restore of an archived object takes on this clock.
#[derive(Debug, Default)]
pub struct ServerClock {
    offset_seconds: AtomicI64,
    restore_delay_seconds: AtomicU64,
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
    }

    /// How long a restore stays `ongoing-request="true"`, on this clock (0: done at once).
    pub fn restore_delay(&self) -> Duration {
        Duration::from_secs(self.restore_delay_seconds.load(Ordering::Relaxed))
    }

    pub fn set_restore_delay(&self, seconds: u64) {
        self.restore_delay_seconds.store(seconds, Ordering::Relaxed);
    }

    /// Back to real time, restores immediate.
    pub fn reset(&self) {
        self.set_offset(0);
        self.set_restore_delay(0);
    }
}

/// The latest time cos-mock represents, 9999-12-31T23:59:59Z: HTTP dates and ISO 8601 listings
/// have four-digit years, so every time is kept at or before it.
pub const MAX_UNIX: u64 = 253_402_300_799;

/// The largest clock offset that keeps the server clock within `MAX_UNIX` (and after the epoch).
pub fn offset_in_range(offset: i64) -> bool {
    let now = unix(SystemTime::now()) as i128;
    (0..=MAX_UNIX as i128).contains(&(now + offset as i128))
}

/// `t` plus `days` days, or `None` past `MAX_UNIX`.
pub fn add_days(t: SystemTime, days: u64) -> Option<SystemTime> {
    let secs = days.checked_mul(86_400)?;
    let later = t.checked_add(Duration::from_secs(secs))?;
    (unix(later) <= MAX_UNIX).then_some(later)
}

/// `t` clamped to `[epoch, MAX_UNIX]`, so it can always be formatted.
pub fn clamp(t: SystemTime) -> SystemTime {
    if unix(t) > MAX_UNIX {
        UNIX_EPOCH + Duration::from_secs(MAX_UNIX)
    } else {
        t
    }
}

/// `t` moved by `seconds`, saturating at the epoch and at `MAX_UNIX`.
pub fn shift(t: SystemTime, seconds: i64) -> SystemTime {
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
pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Parses an ISO 8601 / RFC 3339 date-time as COS and POST policies write them:
/// `2024-01-02T03:04:05Z`, with optional fractional seconds, and `Z` or a `±HH:MM` offset.
pub fn parse_iso8601(text: &str) -> Option<SystemTime> {
    let t = text.trim();
    let (main, offset) = if let Some(m) = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
        (m, 0i64)
    } else if t.len() > 6 && matches!(t.as_bytes()[t.len() - 6], b'+' | b'-') {
        let (m, off) = t.split_at(t.len() - 6);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, mi) = off[1..].split_once(':')?;
        let secs = h.parse::<i64>().ok()? * 3600 + mi.parse::<i64>().ok()? * 60;
        (m, sign * secs)
    } else {
        return None;
    };
    let main = main.split_once('.').map(|(m, _)| m).unwrap_or(main);
    let (date, time) = main.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, mo, da) = (d.next()??, d.next()??, d.next()??);
    let mut c = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (c.next()??, c.next()??, c.next()??);
    if d.next().is_some()
        || c.next().is_some()
        || !(1970..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&da)
        || h > 23
        || mi > 59
        || s > 60
    {
        return None;
    }
    let secs = days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 + s - offset;
    Some(shift(UNIX_EPOCH, secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The next UTC midnight at or after `t` (S3's rounding of lifecycle days).
pub fn ceil_to_midnight(t: SystemTime) -> SystemTime {
    let s = unix(t);
    let rounded = s.div_ceil(86400) * 86400;
    UNIX_EPOCH + Duration::from_secs(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_forms() {
        let t = |s| parse_iso8601(s).map(unix);
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
}
