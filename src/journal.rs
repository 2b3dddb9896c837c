//! The request journal behind `GET /_cos-mock/requests`: the most recent requests, bounded, with who
//! called, what was decided and why.
//!
//! Bounded twice: at most `capacity` entries (`--journal-size`), and every text field of an entry
//! at most [`FIELD_LIMIT`] bytes. A longer value (a 60 KB query, a long key or Host, a message that
//! quotes client input) is cut at a character boundary and ends in `…(truncated N bytes)`, N being
//! the bytes dropped. Eight fields carry client-chosen text (method, host, path, query, bucket, key,
//! caller, reason), so an entry holds at most about 9 KiB and the journal about capacity × 9 KiB
//! (~9 MB at the default 1,000 entries), whatever clients send. The request log line clips bucket,
//! key and reason the same way.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Serialize;

use crate::auth::Caller;
use crate::dialect::Dialect;
use crate::router::Op;

/// The most bytes one text field of an entry keeps (see the module comment).
pub const FIELD_LIMIT: usize = 1024;

/// `text` cut to [`FIELD_LIMIT`] bytes (at a character boundary) with a `…(truncated N bytes)`
/// marker, or unchanged when it fits. The request log line uses it too.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= FIELD_LIMIT {
        return text.into();
    }
    let mut cut = FIELD_LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…(truncated {} bytes)", &text[..cut], text.len() - cut).into()
}

/// [`clip`] for an owned string.
fn bounded(text: String) -> String {
    match clip(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

/// One journal entry as `GET /_cos-mock/requests` answers it: every text field at most
/// [`FIELD_LIMIT`] bytes.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub time: String,
    pub request_id: String,
    pub method: String,
    pub host: String,
    pub path: String,
    pub query: String,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub action: Option<String>,
    pub caller: String,
    pub status: u16,
    pub error_code: Option<String>,
    pub decision: Option<&'static str>,
    pub reason: Option<String>,
    pub duration_ms: f64,
}

/// One request as the journal keeps it: cheap values taken from the request path, spelled out as an
/// [`Entry`] only when the journal is read. The text fields that may be long are cut to
/// [`FIELD_LIMIT`] when recorded (see the module comment), the others when read.
#[derive(Debug, Clone)]
pub struct Record {
    pub time: SystemTime,
    pub request_id: String,
    pub method: Cow<'static, str>,
    pub host: String,
    pub path: String,
    pub query: String,
    pub bucket: Option<String>,
    pub key: Option<String>,
    /// The operation and the dialect that names its action.
    pub op: Option<(Op, Dialect)>,
    pub caller: Option<Caller>,
    pub status: u16,
    pub error_code: Option<&'static str>,
    pub decision: Option<&'static str>,
    pub reason: Option<String>,
    pub duration_ms: f64,
}

impl Record {
    /// The record with its client-chosen text fields cut to [`FIELD_LIMIT`].
    fn bounded(self) -> Record {
        let opt = |v: Option<String>| v.map(bounded);
        Record {
            request_id: bounded(self.request_id),
            method: match self.method {
                Cow::Owned(m) => Cow::Owned(bounded(m)),
                fixed => fixed,
            },
            host: bounded(self.host),
            path: bounded(self.path),
            query: bounded(self.query),
            bucket: opt(self.bucket),
            key: opt(self.key),
            reason: opt(self.reason),
            ..self
        }
    }

    /// The action as the entry names it (`name/cos:GetObject`, `oss:GetObject`).
    fn action(&self) -> Option<String> {
        self.op.map(|(op, dialect)| match dialect {
            Dialect::Cos => op.action(),
            Dialect::Oss => op.oss_action(),
        })
    }

    /// The caller as the entry names it (`anonymous` when there is none).
    fn caller_label(&self) -> String {
        self.caller
            .as_ref()
            .map_or_else(|| "anonymous".into(), Caller::label)
    }

    /// The entry `GET /_cos-mock/requests` shows.
    fn entry(&self) -> Entry {
        let text = |v: &str| clip(v).into_owned();
        Entry {
            time: crate::clock::iso8601(self.time),
            request_id: self.request_id.clone(),
            method: self.method.to_string(),
            host: self.host.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            action: self.action(),
            caller: text(&self.caller_label()),
            status: self.status,
            error_code: self.error_code.map(str::to_string),
            decision: self.decision,
            reason: self.reason.clone(),
            duration_ms: (self.duration_ms * 1000.0).round() / 1000.0,
        }
    }
}

/// Which entries `GET /_cos-mock/requests` answers: every condition given must hold, and at most
/// `limit` entries (the most recent) are answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub status: Option<StatusMatch>,
    pub bucket: Option<String>,
    pub caller: Option<String>,
    /// The whole action (`name/cos:GetObject`, `oss:GetObject`) or its part after `:`.
    pub action: Option<String>,
    /// Entries at or after this (server clock) time.
    pub since: Option<SystemTime>,
    pub limit: Option<usize>,
}

/// A status filter: one code (`403`) or a class (`4xx`, held as its first digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Exact(u16),
    Class(u16),
}

impl StatusMatch {
    fn matches(self, status: u16) -> bool {
        match self {
            StatusMatch::Exact(code) => status == code,
            StatusMatch::Class(first) => status / 100 == first,
        }
    }
}

impl Filter {
    fn matches(&self, r: &Record) -> bool {
        let action_matches = |want: &str| {
            r.action().is_some_and(|a| {
                a == want || a.rsplit_once(':').is_some_and(|(_, name)| name == want)
            })
        };
        self.status.is_none_or(|s| s.matches(r.status))
            && self
                .bucket
                .as_deref()
                .is_none_or(|b| r.bucket.as_deref() == Some(b))
            && self.caller.as_deref().is_none_or(|c| r.caller_label() == c)
            && self.action.as_deref().is_none_or(action_matches)
            && self.since.is_none_or(|t| r.time >= t)
    }
}

/// How a method is kept: the standard ones without allocating.
pub fn method_name(method: &http::Method) -> Cow<'static, str> {
    use http::Method;
    let fixed = [
        Method::GET,
        Method::PUT,
        Method::POST,
        Method::HEAD,
        Method::DELETE,
        Method::OPTIONS,
        Method::PATCH,
    ];
    const NAMES: [&str; 7] = ["GET", "PUT", "POST", "HEAD", "DELETE", "OPTIONS", "PATCH"];
    match fixed.iter().position(|m| m == method) {
        Some(i) => Cow::Borrowed(NAMES[i]),
        None => Cow::Owned(method.as_str().to_string()),
    }
}

/// A bounded list of entries, newest first.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Record>>,
}

impl Journal {
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
        }
    }

    /// Keeps `record` (its text fields cut to [`FIELD_LIMIT`]), dropping the oldest when full.
    pub fn record(&self, record: Record) {
        if self.capacity == 0 {
            return;
        }
        let entry = record.bounded();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() == self.capacity {
            entries.pop_back();
        }
        entries.push_front(entry);
    }

    /// The entries `filter` selects, most recent first.
    pub fn select(&self, filter: &Filter) -> Vec<Entry> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|r| filter.matches(r))
            .take(filter.limit.unwrap_or(usize::MAX))
            .map(Record::entry)
            .collect()
    }

    /// How many entries the journal keeps at most (`--journal-size`).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> Record {
        Record {
            time: SystemTime::UNIX_EPOCH,
            request_id: id.into(),
            method: "GET".into(),
            host: String::new(),
            path: "/".into(),
            query: String::new(),
            bucket: None,
            key: None,
            op: None,
            caller: None,
            status: 200,
            error_code: None,
            decision: None,
            reason: None,
            duration_ms: 0.0,
        }
    }

    #[test]
    fn journal_keeps_newest_first_and_is_bounded() {
        let j = Journal::new(2);
        j.record(record("1"));
        j.record(record("2"));
        j.record(record("3"));
        let ids: Vec<_> = j
            .select(&Filter::default())
            .into_iter()
            .map(|e| e.request_id)
            .collect();
        assert_eq!(ids, ["3", "2"]);
    }

    #[test]
    fn select_applies_every_filter_and_the_limit() {
        use crate::auth::Caller;
        let j = Journal::new(10);
        let at = |secs| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        let entries = [
            (
                "1",
                200,
                Some("b-1"),
                Some((Op::GetObject, Dialect::Cos)),
                None,
                10,
            ),
            (
                "2",
                403,
                Some("b-1"),
                Some((Op::GetObject, Dialect::Oss)),
                None,
                20,
            ),
            (
                "3",
                404,
                Some("b-2"),
                Some((Op::PutObject, Dialect::Cos)),
                Some("1"),
                30,
            ),
            ("4", 403, None, None, None, 40),
        ];
        for (id, status, bucket, op, uin, secs) in entries {
            j.record(Record {
                status,
                bucket: bucket.map(str::to_string),
                op,
                caller: uin.map(|u: &str| Caller::Root {
                    uin: u.into(),
                    appid: "1250000000".into(),
                }),
                time: at(secs),
                ..record(id)
            });
        }
        let ids =
            |f: Filter| -> Vec<String> { j.select(&f).into_iter().map(|e| e.request_id).collect() };
        assert_eq!(ids(Filter::default()), ["4", "3", "2", "1"]);
        let status = |s| Filter {
            status: Some(s),
            ..Filter::default()
        };
        assert_eq!(ids(status(StatusMatch::Exact(403))), ["4", "2"]);
        assert_eq!(ids(status(StatusMatch::Class(4))), ["4", "3", "2"]);
        assert_eq!(ids(status(StatusMatch::Class(5))), Vec::<String>::new());
        let action = |a: &str| Filter {
            action: Some(a.into()),
            ..Filter::default()
        };
        assert_eq!(ids(action("GetObject")), ["2", "1"]);
        assert_eq!(ids(action("name/cos:GetObject")), ["1"]);
        assert_eq!(ids(action("oss:GetObject")), ["2"]);
        assert_eq!(ids(action("cos:GetObject")), Vec::<String>::new());
        let f = Filter {
            bucket: Some("b-1".into()),
            caller: Some("anonymous".into()),
            since: Some(at(20)),
            ..Filter::default()
        };
        assert_eq!(ids(f), ["2"]);
        let f = Filter {
            caller: Some("1".into()),
            ..Filter::default()
        };
        assert_eq!(ids(f), ["3"]);
        let f = Filter {
            limit: Some(2),
            status: Some(StatusMatch::Class(4)),
            ..Filter::default()
        };
        assert_eq!(ids(f), ["4", "3"]);
    }

    #[test]
    fn entry_rounds_duration_to_three_decimals() {
        let j = Journal::new(1);
        j.record(Record {
            duration_ms: 1.234_567_89,
            ..record("1")
        });
        assert_eq!(j.select(&Filter::default())[0].duration_ms, 1.235);
    }

    #[test]
    fn bounded_keeps_short_text_and_marks_what_it_cuts() {
        assert_eq!(bounded("abc".into()), "abc");
        let exact = "x".repeat(FIELD_LIMIT);
        assert_eq!(bounded(exact.clone()), exact);
        let long = bounded("y".repeat(60_000));
        assert_eq!(
            long,
            format!(
                "{}…(truncated {} bytes)",
                "y".repeat(FIELD_LIMIT),
                60_000 - FIELD_LIMIT
            )
        );
    }

    #[test]
    fn bounded_cuts_at_a_character_boundary() {
        let text = format!("a{}", "é".repeat(FIELD_LIMIT));
        let cut = bounded(text.clone());
        let kept = cut.split('…').next().unwrap();
        assert_eq!(kept.len(), FIELD_LIMIT - 1);
        assert!(cut.ends_with(&format!("(truncated {} bytes)", text.len() - kept.len())));
    }

    #[test]
    fn record_bounds_every_text_field() {
        let j = Journal::new(1);
        let long = "z".repeat(10 * FIELD_LIMIT);
        let mut e = record(&long);
        (e.method, e.host, e.path, e.query) = (
            long.clone().into(),
            long.clone(),
            long.clone(),
            long.clone(),
        );
        (e.bucket, e.key, e.reason) = (Some(long.clone()), Some(long.clone()), Some(long.clone()));
        e.caller = Some(Caller::OssAccount { uid: long.clone() });
        j.record(e);
        let kept = serde_json::to_string(&j.select(&Filter::default())[0]).unwrap();
        assert!(kept.len() < 12 * (FIELD_LIMIT + 40), "{}", kept.len());
        assert_eq!(kept.matches("(truncated 9216 bytes)").count(), 9);
    }
}
