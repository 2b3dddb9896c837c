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

    /// Moves the clock forward (or back, when negative); returns the new offset.
    pub fn advance(&self, seconds: i64) -> i64 {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed) + seconds
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

/// `t` moved by `seconds` (saturating at the epoch).
pub fn shift(t: SystemTime, seconds: i64) -> SystemTime {
    if seconds >= 0 {
        t + Duration::from_secs(seconds.unsigned_abs())
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
    }

    #[test]
    fn clock_advances_and_resets() {
        let c = ServerClock::new();
        assert_eq!(c.advance(86400), 86400);
        assert_eq!(c.advance(10), 86410);
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
