//! Bucket versioning: the `VersioningConfiguration` body of PUT/GET `?versioning`, version ids, and
//! each key's version history with the rules that keep `Bucket.objects` (the current object of every
//! key, which listing and everything else read) in step with it. No HTTP types.
//!
//! The model: `Bucket.versions` maps a key to its versions, newest first, each an object or a delete
//! marker. A key gets a history the first time it is written or deleted while versioning is enabled or
//! suspended (seeded with the object it had, as its `null` version); keys of a bucket that never had
//! versioning have none, and their object in `Bucket.objects` is their only (`null`) version. After
//! every change `Bucket.objects[key]` is the newest version when that is an object, and absent when
//! it is a delete marker.
//!
//! Choices where COS's behaviour is not documented (S3's rules where it has them):
//! - PUT `?versioning` with a body that is not XML, whose root is not `VersioningConfiguration`, or
//!   without `Status` → 400 `MalformedXML`; a `Status` other than `Enabled`/`Suspended` → 400
//!   `InvalidArgument`; `Suspended` on a bucket never enabled is accepted (and writes `null`
//!   versions, as a bucket without versioning does).
//! - version ids are unpadded base64 of 20 decimal digits, `u64::MAX` minus the microseconds of the
//!   write (strictly increasing within the process), the shape COS's own ids decode to
//!   (`MTg0NDUxNzc2ODQ4NzI1MzU5ODM` is `18445177684872535983`): a newer version has a smaller number.
//! - a version id that names nothing is 404 `NoSuchVersion` on GET/HEAD and on a copy source,
//!   whatever its shape; DELETE of such a version is 204 and changes nothing.
//! - GET/HEAD of a delete marker by its version id is 405 `MethodNotAllowed` with
//!   `x-cos-delete-marker: true`; GET/HEAD of a key whose current version is a delete marker is 404
//!   `NoSuchKey` with `x-cos-delete-marker: true` and the marker's `x-cos-version-id`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Code, CosError};
use crate::object::{Object, NULL_VERSION};
use crate::store::Bucket;

/// A bucket's versioning state. A bucket never enabled has no state; once enabled it can only be
/// suspended, never turned off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Off,
    Enabled,
    Suspended,
}

impl Status {
    /// The `Status` GET `?versioning` answers (`None` for a bucket never enabled).
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            Status::Off => None,
            Status::Enabled => Some("Enabled"),
            Status::Suspended => Some("Suspended"),
        }
    }

    /// Whether writes keep earlier versions or null versions (anything but never enabled).
    pub fn is_versioned(self) -> bool {
        self != Status::Off
    }
}

/// The wire shape of PUT and GET `?versioning`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersioningConfiguration {
    #[serde(rename = "Status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// Parses a PUT `?versioning` body into the state it asks for (never `Off`).
pub(crate) fn from_xml(body: &[u8]) -> Result<Status, CosError> {
    crate::xml::check_root(body, "VersioningConfiguration")?;
    let config: VersioningConfiguration = crate::xml::from_xml(body)?;
    match config.status.as_deref().map(str::trim) {
        None => Err(CosError::with_message(
            Code::MalformedXML,
            format!(
                "{} (VersioningConfiguration needs a Status)",
                Code::MalformedXML.default_message()
            ),
        )),
        Some("Enabled") => Ok(Status::Enabled),
        Some("Suspended") => Ok(Status::Suspended),
        Some(other) => Err(CosError::with_message(
            Code::InvalidArgument,
            format!("Status must be Enabled or Suspended, got {other:?}."),
        )),
    }
}

/// Renders GET `?versioning`: an empty `VersioningConfiguration` for a bucket never enabled.
pub(crate) fn to_xml(status: Status) -> Result<String, CosError> {
    let config = VersioningConfiguration {
        status: status.as_str().map(str::to_string),
    };
    crate::xml::to_xml("VersioningConfiguration", &config)
}

/// One version of a key: an object, or a delete marker (`object` is `None`).
#[derive(Debug, Clone)]
pub struct Version {
    pub version_id: String,
    pub last_modified: SystemTime,
    pub object: Option<Arc<Object>>,
}

impl Version {
    fn of(object: Arc<Object>) -> Version {
        Version {
            version_id: object.version_id.to_string(),
            last_modified: object.last_modified,
            object: Some(object),
        }
    }

    pub fn is_delete_marker(&self) -> bool {
        self.object.is_none()
    }
}

/// Every key's versions, newest first.
pub type History = BTreeMap<String, Vec<Version>>;

/// The last microsecond a version id was made for (ids are unique within the process).
static LAST_ID_MICROS: AtomicU64 = AtomicU64::new(0);

/// A new version id for a version written at `at` (see the module notes for the shape).
pub(crate) fn new_version_id(at: SystemTime) -> String {
    let micros = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX / 2))
        .unwrap_or(0);
    let mut last = LAST_ID_MICROS.load(Ordering::Relaxed);
    let chosen = loop {
        let next = micros.max(last + 1);
        match LAST_ID_MICROS.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => break next,
            Err(seen) => last = seen,
        }
    };
    let digits = format!("{:020}", u64::MAX - chosen);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(digits)
}

/// What a DELETE did, for its answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deletion {
    /// The version id to answer in `x-cos-version-id`: the new delete marker's, or the version the
    /// request named; `None` when the bucket never had versioning and no version was named.
    pub version_id: Option<String>,
    /// Whether a delete marker was created, or the named version was one.
    pub delete_marker: bool,
}

fn delete_marker_headers(e: CosError, version_id: &str) -> CosError {
    e.with_header("x-cos-delete-marker", "true")
        .with_header("x-cos-version-id", version_id)
}

impl Bucket {
    /// The history of `key`, seeded with its current object (as its only version) when it has none.
    fn history_mut(&mut self, key: &str) -> &mut Vec<Version> {
        let objects = &self.objects;
        self.versions.entry(key.to_string()).or_insert_with(|| {
            objects
                .get(key)
                .cloned()
                .map(Version::of)
                .into_iter()
                .collect()
        })
    }

    /// Makes `objects[key]` the newest version of `key` again (absent for a delete marker), and drops
    /// an empty history.
    pub(crate) fn sync_current(&mut self, key: &str) {
        self.changes.key(key);
        let newest = match self.versions.get(key) {
            None => return,
            Some(h) if h.is_empty() => {
                self.versions.remove(key);
                None
            }
            Some(h) => h[0].object.clone(),
        };
        match newest {
            Some(object) => {
                self.objects.insert(key.into(), object);
            }
            None => {
                self.objects.remove(key);
            }
        }
    }

    /// Stores `object` as the newest version of `key`; returns its version id (`null` unless
    /// versioning is enabled). Suspended (and never enabled) buckets replace the `null` version.
    pub(crate) fn put_version(&mut self, key: &str, mut object: Object) -> String {
        self.changes.key(key);
        let status = self.versioning;
        object.version_id = match status {
            Status::Enabled => new_version_id(object.last_modified).into(),
            Status::Off | Status::Suspended => NULL_VERSION.into(),
        };
        let id = object.version_id.to_string();
        let object = Arc::new(object);
        if status == Status::Off && !self.versions.contains_key(key) {
            self.objects.insert(key.into(), object);
            return id;
        }
        let history = self.history_mut(key);
        if status != Status::Enabled {
            history.retain(|v| v.version_id != NULL_VERSION);
        }
        history.insert(0, Version::of(object));
        self.sync_current(key);
        id
    }

    /// DELETE of `key` (its current version) or of one version of it, at `now`.
    pub(crate) fn delete_version(
        &mut self,
        key: &str,
        version_id: Option<&str>,
        now: SystemTime,
    ) -> Deletion {
        self.changes.key(key);
        match version_id {
            Some(id) => self.delete_one_version(key, id),
            None => match self.versioning {
                Status::Off => {
                    self.objects.remove(key);
                    self.versions.remove(key);
                    Deletion::default()
                }
                status => {
                    let id = match status {
                        Status::Enabled => new_version_id(now),
                        _ => NULL_VERSION.to_string(),
                    };
                    let history = self.history_mut(key);
                    if status != Status::Enabled {
                        history.retain(|v| v.version_id != NULL_VERSION);
                    }
                    history.insert(
                        0,
                        Version {
                            version_id: id.clone(),
                            last_modified: now,
                            object: None,
                        },
                    );
                    self.sync_current(key);
                    Deletion {
                        version_id: Some(id),
                        delete_marker: true,
                    }
                }
            },
        }
    }

    /// Removes one version; the next newer one left becomes current. Nothing named: nothing changes.
    fn delete_one_version(&mut self, key: &str, id: &str) -> Deletion {
        let mut deletion = Deletion {
            version_id: Some(id.to_string()),
            delete_marker: false,
        };
        if !self.versions.contains_key(key) {
            if self.objects.get(key).is_some_and(|o| o.version_id == id) {
                self.objects.remove(key);
            }
            return deletion;
        }
        let history = self.history_mut(key);
        if let Some(i) = history.iter().position(|v| v.version_id == id) {
            deletion.delete_marker = history.remove(i).is_delete_marker();
        }
        self.sync_current(key);
        deletion
    }

    /// The version of `key` a GET names: the current object (404 `NoSuchKey`, with the delete-marker
    /// headers when the current version is a marker), or the version `version_id` (404
    /// `NoSuchVersion`; a delete marker is 405 `MethodNotAllowed`).
    pub(crate) fn version(
        &self,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Arc<Object>, CosError> {
        let history = self.versions.get(key);
        let Some(id) = version_id else {
            if let Some(o) = self.objects.get(key) {
                return Ok(o.clone());
            }
            let err = CosError::new(Code::NoSuchKey);
            return Err(match history.and_then(|h| h.first()) {
                Some(v) if v.is_delete_marker() => delete_marker_headers(err, &v.version_id),
                _ => err,
            });
        };
        let found = match history {
            Some(h) => h.iter().find(|v| v.version_id == id).cloned(),
            None => self
                .objects
                .get(key)
                .filter(|o| o.version_id == id)
                .cloned()
                .map(Version::of),
        };
        match found {
            Some(Version {
                object: Some(o), ..
            }) => Ok(o),
            Some(marker) => Err(delete_marker_headers(
                CosError::with_message(
                    Code::MethodNotAllowed,
                    "The specified method is not allowed against this resource: the version is a delete marker.",
                ),
                &marker.version_id,
            )),
            None => Err(CosError::with_message(
                Code::NoSuchVersion,
                format!("The specified version {id:?} of this key does not exist."),
            )),
        }
    }

    /// Changes one version's metadata in place (its data is shared): the current object when
    /// `version_id` is `None`. 404 as [`Bucket::version`] answers.
    pub(crate) fn update_version(
        &mut self,
        key: &str,
        version_id: Option<&str>,
        f: impl FnOnce(&mut Object),
    ) -> Result<(), CosError> {
        self.version(key, version_id)?;
        self.changes.key(key);
        let Some(history) = self.versions.get_mut(key) else {
            // No history: the only version is the current object (`version` found it).
            if let Some(o) = self.objects.get_mut(key) {
                f(Arc::make_mut(o));
            }
            return Ok(());
        };
        let version = match version_id {
            None => history.first_mut(),
            Some(id) => history.iter_mut().find(|v| v.version_id == id),
        };
        if let Some(o) = version.and_then(|v| v.object.as_mut()) {
            f(Arc::make_mut(o));
        }
        self.sync_current(key);
        Ok(())
    }

    /// Every version of `key`, newest first (its current object alone when it has no history).
    pub(crate) fn versions_of(&self, key: &str) -> Cow<'_, [Version]> {
        match self.versions.get(key) {
            Some(h) => Cow::Borrowed(h.as_slice()),
            None => Cow::Owned(
                self.objects
                    .get(key)
                    .cloned()
                    .map(Version::of)
                    .into_iter()
                    .collect(),
            ),
        }
    }

    /// How many versions and delete markers the bucket holds (for the state endpoint).
    pub(crate) fn version_counts(&self) -> (usize, usize) {
        let mut versions = self
            .objects
            .keys()
            .filter(|k| !self.versions.contains_key(&***k))
            .count();
        let mut markers = 0;
        for v in self.versions.values().flatten() {
            if v.is_delete_marker() {
                markers += 1;
            } else {
                versions += 1;
            }
        }
        (versions, markers)
    }

    /// Every key with a current object or a history, in order, from `lower` on.
    pub(crate) fn keys_from<'a>(
        &'a self,
        lower: std::ops::Bound<&'a str>,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let range = (lower, std::ops::Bound::Unbounded);
        let mut a = self
            .objects
            .range::<str, _>(range)
            .map(|(k, _)| &**k)
            .peekable();
        let mut b = self
            .versions
            .range::<str, _>(range)
            .map(|(k, _)| k.as_str())
            .peekable();
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x == y => {
                b.next();
                a.next()
            }
            (Some(x), Some(y)) if x < y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        })
    }
}

/// What to list in GET `?versions`.
#[derive(Debug, Clone, Default)]
pub(crate) struct VersionQuery {
    pub prefix: String,
    pub delimiter: String,
    pub key_marker: String,
    pub version_id_marker: String,
    pub max_keys: usize,
}

/// One listed version: its key, whether it is the key's current version, and the version.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub key: String,
    pub is_latest: bool,
    pub version: Version,
}

/// One page of GET `?versions`.
#[derive(Debug, Clone, Default)]
pub(crate) struct VersionPage {
    pub entries: Vec<Listed>,
    pub common_prefixes: Vec<String>,
    pub is_truncated: bool,
    pub next_key_marker: Option<String>,
    /// Empty when the page ended on a common prefix.
    pub next_version_id_marker: Option<String>,
}

/// Lists versions in key order, each key's newest first, after (`key-marker`, `version-id-marker`):
/// without a version-id marker the listing starts after every version of `key-marker`; with one, after
/// that version of `key-marker` (a version-id marker that names no version of it skips the key).
/// Versions and delete markers count against `max_keys` with the common prefixes.
pub(crate) fn list_versions(bucket: &Bucket, q: &VersionQuery) -> VersionPage {
    use std::ops::Bound;
    let resume = !q.key_marker.is_empty() && q.key_marker >= q.prefix;
    let lower = if resume {
        Bound::Included(q.key_marker.as_str())
    } else {
        Bound::Included(q.prefix.as_str())
    };
    let entries = bucket.keys_from(lower).flat_map(|key| {
        let versions = bucket.versions_of(key).into_owned();
        let skip = if resume && key == q.key_marker {
            if q.version_id_marker.is_empty() {
                versions.len()
            } else {
                versions
                    .iter()
                    .position(|v| v.version_id == q.version_id_marker)
                    .map_or(versions.len(), |i| i + 1)
            }
        } else {
            0
        };
        versions
            .into_iter()
            .enumerate()
            .skip(skip)
            .map(move |(i, version)| {
                (
                    key,
                    Listed {
                        key: key.to_string(),
                        is_latest: i == 0,
                        version,
                    },
                )
            })
    });
    let marker = if resume { q.key_marker.as_str() } else { "" };
    let page = crate::paginate::paginate(entries, &q.prefix, &q.delimiter, marker, q.max_keys);
    let (next_key_marker, next_version_id_marker) = match &page.next {
        Some(crate::paginate::Next::Item(key)) => (
            Some(key.clone()),
            page.items.last().map(|l| l.version.version_id.clone()),
        ),
        Some(crate::paginate::Next::Prefix(p)) => (Some(p.clone()), Some(String::new())),
        None => (None, None),
    };
    VersionPage {
        entries: page.items,
        common_prefixes: page.common_prefixes,
        is_truncated: page.is_truncated,
        next_key_marker,
        next_version_id_marker,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn object(body: &str, at: u64) -> Object {
        Object {
            data: body.to_string().into(),
            last_modified: SystemTime::UNIX_EPOCH + Duration::from_secs(at),
            ..Object::sample()
        }
    }

    fn bucket(status: Status) -> Bucket {
        let mut b = Bucket::new("b-1", "1", "r");
        b.versioning = status;
        b
    }

    fn body(b: &Bucket, key: &str, id: Option<&str>) -> String {
        let o = b.version(key, id).unwrap();
        String::from_utf8(o.data.to_bytes().to_vec()).unwrap()
    }

    #[test]
    fn versioning_configuration_parses_and_renders() {
        let ok = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
        assert_eq!(from_xml(ok).unwrap(), Status::Enabled);
        let ok = b"<?xml version=\"1.0\"?><VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Suspended</Status></VersioningConfiguration>";
        assert_eq!(from_xml(ok).unwrap(), Status::Suspended);
        for (bad, code) in [
            (&b""[..], Code::MalformedXML),
            (b"<VersioningConfiguration>", Code::MalformedXML),
            (
                b"<Versioning><Status>Enabled</Status></Versioning>",
                Code::MalformedXML,
            ),
            (b"<VersioningConfiguration/>", Code::MalformedXML),
            (
                b"<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>",
                Code::InvalidArgument,
            ),
            (
                b"<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>",
                Code::InvalidArgument,
            ),
            (
                b"<VersioningConfiguration><Status></Status></VersioningConfiguration>",
                Code::InvalidArgument,
            ),
            (
                b"<VersioningConfiguration><Status>Enabled</Status><Status>Suspended</Status></VersioningConfiguration>",
                Code::MalformedXML,
            ),
            (
                b"<VersioningConfiguration><Status><Status>Enabled</Status></Status></VersioningConfiguration>",
                Code::MalformedXML,
            ),
        ] {
            assert_eq!(
                from_xml(bad).unwrap_err().code,
                code,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let off = to_xml(Status::Off).unwrap();
        assert!(off.ends_with("<VersioningConfiguration/>"), "{off}");
        let on = to_xml(Status::Enabled).unwrap();
        assert!(on.contains("<Status>Enabled</Status>"), "{on}");
        assert_eq!(from_xml(on.as_bytes()).unwrap(), Status::Enabled);
    }

    #[test]
    fn version_ids_are_unique_base64_of_decreasing_numbers() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_566_000_000);
        let a = new_version_id(at);
        let b = new_version_id(at);
        assert_ne!(a, b);
        let num = |id: &str| {
            let raw = base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(id)
                .unwrap();
            String::from_utf8(raw).unwrap().parse::<u64>().unwrap()
        };
        assert!(num(&b) < num(&a));
        assert_eq!(a.len(), 27);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()), "{a}");
    }

    #[test]
    fn put_enabled_keeps_every_version_newest_current() {
        let mut b = bucket(Status::Enabled);
        let v1 = b.put_version("k", object("one", 1));
        let v2 = b.put_version("k", object("two", 2));
        assert_ne!(v1, v2);
        assert_eq!(body(&b, "k", None), "two");
        assert_eq!(body(&b, "k", Some(&v1)), "one");
        assert_eq!(b.versions_of("k").len(), 2);
        assert_eq!(
            b.version("k", Some("nope")).unwrap_err().code,
            Code::NoSuchVersion
        );
    }

    #[test]
    fn put_suspended_replaces_the_null_version_only() {
        let mut b = bucket(Status::Off);
        assert_eq!(b.put_version("k", object("null-1", 1)), NULL_VERSION);
        assert!(b.versions.is_empty());
        b.versioning = Status::Enabled;
        let v = b.put_version("k", object("v", 2));
        b.versioning = Status::Suspended;
        assert_eq!(b.put_version("k", object("null-2", 3)), NULL_VERSION);
        let ids: Vec<_> = b
            .versions_of("k")
            .iter()
            .map(|v| v.version_id.clone())
            .collect();
        assert_eq!(ids, [NULL_VERSION.to_string(), v.clone()]);
        assert_eq!(body(&b, "k", Some(NULL_VERSION)), "null-2");
        assert_eq!(body(&b, "k", Some(&v)), "v");
    }

    #[test]
    fn delete_adds_marker_and_deleting_it_restores_the_object() {
        let mut b = bucket(Status::Enabled);
        let v1 = b.put_version("k", object("one", 1));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(5);
        let d = b.delete_version("k", None, now);
        assert!(d.delete_marker);
        let marker = d.version_id.unwrap();
        assert!(!b.objects.contains_key("k"));
        let err = b.version("k", None).unwrap_err();
        assert_eq!(err.code, Code::NoSuchKey);
        assert!(err
            .headers
            .contains(&("x-cos-delete-marker", "true".into())));
        assert_eq!(
            b.version("k", Some(&marker)).unwrap_err().code,
            Code::MethodNotAllowed
        );
        let d = b.delete_version("k", Some(&marker), now);
        assert!(d.delete_marker);
        assert_eq!(body(&b, "k", None), "one");
        let d = b.delete_version("k", Some(&v1), now);
        assert!(!d.delete_marker);
        assert!(b.objects.is_empty() && b.versions.is_empty());
        // A version that names nothing changes nothing.
        b.put_version("k", object("two", 6));
        b.delete_version("k", Some("nope"), now);
        assert_eq!(body(&b, "k", None), "two");
    }

    #[test]
    fn delete_off_removes_and_suspended_writes_null_marker() {
        let mut b = bucket(Status::Off);
        b.put_version("k", object("one", 1));
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(b.delete_version("k", None, now), Deletion::default());
        assert!(b.objects.is_empty() && b.versions.is_empty());
        b.put_version("k", object("one", 1));
        b.versioning = Status::Suspended;
        let d = b.delete_version("k", None, now);
        assert_eq!(d.version_id.as_deref(), Some(NULL_VERSION));
        // The null object was replaced by the null marker.
        assert_eq!(b.versions_of("k").len(), 1);
        assert!(b.versions_of("k")[0].is_delete_marker());
    }

    #[test]
    fn update_version_changes_one_version_and_keeps_current_in_step() {
        let mut b = bucket(Status::Enabled);
        let v1 = b.put_version("k", object("one", 1));
        b.put_version("k", object("two", 2));
        b.update_version("k", Some(&v1), |o| o.storage_class = "ARCHIVE")
            .unwrap();
        assert_eq!(b.version("k", Some(&v1)).unwrap().storage_class, "ARCHIVE");
        assert_eq!(b.objects["k"].storage_class, "STANDARD");
        b.update_version("k", None, |o| o.storage_class = "STANDARD_IA")
            .unwrap();
        assert_eq!(b.objects["k"].storage_class, "STANDARD_IA");
        assert_eq!(
            b.versions_of("k")[0].object.as_ref().unwrap().storage_class,
            "STANDARD_IA"
        );
        assert_eq!(
            b.update_version("k", Some("nope"), |_| {})
                .unwrap_err()
                .code,
            Code::NoSuchVersion
        );
    }

    fn listed(p: &VersionPage) -> Vec<(String, bool)> {
        p.entries
            .iter()
            .map(|l| (l.key.clone(), l.is_latest))
            .collect()
    }

    #[test]
    fn list_versions_pages_through_versions_of_one_key() {
        let mut b = bucket(Status::Enabled);
        b.put_version("a", object("a", 1));
        let ids: Vec<_> = (0..3).map(|i| b.put_version("b", object("b", i))).collect();
        b.put_version("c/1", object("c", 1));
        let mut q = VersionQuery {
            max_keys: 2,
            ..Default::default()
        };
        let p = list_versions(&b, &q);
        assert_eq!(listed(&p), [("a".into(), true), ("b".into(), true)]);
        assert!(p.is_truncated);
        assert_eq!(p.next_key_marker.as_deref(), Some("b"));
        assert_eq!(p.next_version_id_marker.as_deref(), Some(ids[2].as_str()));
        q.key_marker = "b".into();
        q.version_id_marker = ids[2].clone();
        q.delimiter = "/".into();
        let p = list_versions(&b, &q);
        assert_eq!(listed(&p), [("b".into(), false), ("b".into(), false)]);
        assert_eq!(p.next_version_id_marker.as_deref(), Some(ids[0].as_str()));
        q.version_id_marker = ids[0].clone();
        let p = list_versions(&b, &q);
        assert!(p.entries.is_empty());
        assert_eq!(p.common_prefixes, ["c/"]);
        assert!(!p.is_truncated);
        // Without a version-id marker the key-marker's versions are all skipped.
        q.version_id_marker.clear();
        q.delimiter.clear();
        let p = list_versions(&b, &q);
        assert_eq!(listed(&p), [("c/1".into(), true)]);
    }

    #[test]
    fn keys_from_merges_objects_and_histories() {
        let mut b = bucket(Status::Off);
        b.put_version("a", object("a", 1));
        b.put_version("c", object("c", 1));
        b.versioning = Status::Enabled;
        b.delete_version("b", None, SystemTime::UNIX_EPOCH);
        b.put_version("c", object("c2", 2));
        let keys: Vec<_> = b.keys_from(std::ops::Bound::Unbounded).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(b.version_counts(), (3, 1));
    }
}
