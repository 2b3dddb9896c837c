//! The request journal behind `GET /_cos-mock/requests`: the most recent requests, bounded, with who
//! called, what was decided and why.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// One journal entry.
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

/// A bounded list of entries, newest first.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
}

impl Journal {
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
        }
    }

    pub fn record(&self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() == self.capacity {
            entries.pop_back();
        }
        entries.push_front(entry);
    }

    /// Entries, most recent first.
    pub fn snapshot(&self) -> Vec<Entry> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
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

    fn entry(id: &str) -> Entry {
        Entry {
            time: String::new(),
            request_id: id.into(),
            method: "GET".into(),
            host: String::new(),
            path: "/".into(),
            query: String::new(),
            bucket: None,
            key: None,
            action: None,
            caller: "anonymous".into(),
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
        j.record(entry("1"));
        j.record(entry("2"));
        j.record(entry("3"));
        let ids: Vec<_> = j.snapshot().into_iter().map(|e| e.request_id).collect();
        assert_eq!(ids, ["3", "2"]);
    }
}
