//! Multipart uploads in progress, kept in their bucket (`Bucket::uploads`): the upload and its parts,
//! the checks Complete makes, the multipart ETag, and the two listings (uploads of a bucket, parts of
//! an upload). Pure data and rules: no HTTP types.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::data::Data;
use md5::{Digest, Md5};

use crate::checksum::{self, ETag, Payload};
use crate::error::{Code, CosError};
use crate::object::Object;
use crate::paginate::{paginate, Next};

/// Uploads of one bucket by (key, upload id); upload ids sort by creation, so the map lists uploads of
/// a key oldest first, as COS does.
pub type Uploads = BTreeMap<(String, String), Upload>;

/// Smallest part, except the last, that Complete accepts.
pub(crate) const MIN_PART_SIZE: usize = 1024 * 1024;
/// Highest part number.
pub(crate) const MAX_PART_NUMBER: u32 = 10_000;

/// One uploaded part.
#[derive(Debug, Clone)]
pub struct Part {
    pub data: Data,
    /// Quoted hex MD5 of the part.
    pub etag: String,
    pub md5: [u8; 16],
    pub crc64: u64,
    pub last_modified: SystemTime,
}

impl Part {
    pub fn new(payload: Payload, now: SystemTime) -> Part {
        Part {
            etag: checksum::etag(&payload.md5),
            crc64: payload.crc64,
            md5: payload.md5,
            data: payload.data,
            last_modified: now,
        }
    }
}

/// An upload in progress.
#[derive(Debug, Clone)]
pub struct Upload {
    pub key: String,
    pub upload_id: String,
    pub initiated: SystemTime,
    /// Who initiated it (a uin, or `anonymous`).
    pub initiator: String,
    /// What the object will be, from the Initiate request's headers: content type, stored headers,
    /// storage class, ACL. Its data is empty until Complete.
    pub template: Object,
    pub parts: BTreeMap<u32, Part>,
}

/// A new upload id: creation time, a counter, then a hash, so that ids sort by creation.
pub(crate) fn new_upload_id(bucket: &str, key: &str, now: SystemTime) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let t = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let digest = Md5::digest(format!("{bucket}/{key}/{}/{seq}", t.as_nanos()));
    format!(
        "{:010}{:08x}{}",
        t.as_secs(),
        seq as u32,
        hex::encode(digest)
    )
}

/// Most completed uploads a bucket remembers for a repeated Complete (oldest forgotten first).
pub(crate) const REMEMBERED_COMPLETIONS: usize = 1000;

/// A completed upload, remembered so that a repeated Complete of the same parts answers the same
/// result instead of `NoSuchUpload` (a client retrying a Complete whose answer it lost).
#[derive(Debug, Clone)]
pub struct Completed {
    pub key: String,
    pub upload_id: String,
    /// The parts the Complete listed: numbers and ETags without quotes.
    pub parts: Vec<(u32, String)>,
    /// The `CompleteMultipartUploadResult` answered.
    pub body: String,
    pub crc64: String,
    /// The server-side encryption headers answered (echoed again).
    pub encryption: Vec<(String, String)>,
    /// The version the Complete wrote (`null` unless versioning is enabled).
    pub version_id: String,
}

/// The completed uploads a bucket remembers, at most [`REMEMBERED_COMPLETIONS`].
#[derive(Debug, Clone, Default)]
pub struct Completions(std::collections::VecDeque<Completed>);

impl Completions {
    /// Remembers a completion, forgetting the oldest when full.
    pub fn remember(&mut self, done: Completed) {
        while self.0.len() >= REMEMBERED_COMPLETIONS {
            self.0.pop_front();
        }
        self.0.push_back(done);
    }

    /// The completion of `upload_id` for `key` that listed the same parts as `listed`.
    pub fn find(&self, key: &str, upload_id: &str, listed: &[(u32, String)]) -> Option<&Completed> {
        self.0
            .iter()
            .find(|c| c.key == key && c.upload_id == upload_id && c.parts == unquoted(listed))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Completed> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Listed parts with their ETags trimmed of spaces and quotes, for comparison.
pub(crate) fn unquoted(listed: &[(u32, String)]) -> Vec<(u32, String)> {
    listed
        .iter()
        .map(|(n, e)| (*n, e.trim().trim_matches('"').to_string()))
        .collect()
}

/// `NoSuchUpload` naming the id.
pub(crate) fn no_such_upload(upload_id: &str) -> CosError {
    CosError::with_message(
        Code::NoSuchUpload,
        format!("The specified multipart upload does not exist: upload id {upload_id:?} is unknown, completed or aborted."),
    )
}

/// Checks the parts a Complete request lists against the upload, in COS's order of checks: ascending
/// numbers (`InvalidPartOrder`), each part uploaded with that ETag (`InvalidPart`), every part but the
/// last at least 1 MB (`EntityTooSmall`). Returns the listed parts in order.
pub(crate) fn select_parts(
    upload: &Upload,
    listed: &[(u32, String)],
) -> Result<Vec<Part>, CosError> {
    if listed.is_empty() {
        return Err(CosError::with_message(
            Code::MalformedXML,
            "The XML you provided was not well-formed or did not validate against our published schema: CompleteMultipartUpload lists no Part.",
        ));
    }
    if let Some(w) = listed.windows(2).find(|w| w[0].0 >= w[1].0) {
        return Err(CosError::with_message(
            Code::InvalidPartOrder,
            format!(
                "The list of parts was not in ascending order: part {} follows part {}.",
                w[1].0, w[0].0
            ),
        ));
    }
    let mut parts = Vec::with_capacity(listed.len());
    for (number, etag) in listed {
        let part = upload
            .parts
            .get(number)
            .filter(|p| p.etag.trim_matches('"') == etag.trim().trim_matches('"'))
            .ok_or_else(|| {
                CosError::with_message(
                    Code::InvalidPart,
                    format!("One or more of the specified parts could not be found: part {number} with ETag {etag} was not uploaded."),
                )
            })?;
        parts.push(part.clone());
    }
    let last = listed.len() - 1;
    if let Some((i, p)) = parts
        .iter()
        .enumerate()
        .find(|(i, p)| *i < last && p.data.len() < MIN_PART_SIZE)
    {
        return Err(CosError::with_message(
            Code::EntityTooSmall,
            format!(
                "Your proposed upload is smaller than the minimum allowed object size: part {} has {} bytes; every part but the last needs at least {MIN_PART_SIZE}.",
                listed[i].0,
                p.data.len()
            ),
        ));
    }
    Ok(parts)
}

/// The multipart ETag: `"<hex MD5 of the concatenated binary part MD5s>-<number of parts>"`.
pub(crate) fn multipart_etag(parts: &[Part]) -> ETag {
    let mut h = Md5::new();
    for p in parts {
        h.update(p.md5);
    }
    ETag::multipart(h.finalize().into(), parts.len() as u32)
}

/// The object's bytes: the parts in order, shared, not copied.
pub(crate) fn concat(parts: &[Part]) -> Data {
    Data::joined(parts.iter().flat_map(|p| p.data.chunks().cloned()))
}

/// The object's CRC-64, from the parts' (their bytes are not read again).
pub(crate) fn crc64_of_parts(parts: &[Part]) -> u64 {
    parts.iter().fold(checksum::crc64(b""), |crc, p| {
        checksum::crc64_combine(crc, p.crc64, p.data.len() as u64)
    })
}

/// What List Multipart Uploads asks for.
#[derive(Debug, Clone, Default)]
pub(crate) struct UploadsQuery {
    pub prefix: String,
    pub delimiter: String,
    pub key_marker: String,
    pub upload_id_marker: String,
    pub max_uploads: usize,
}

/// One listed upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UploadEntry {
    pub key: String,
    pub upload_id: String,
    pub initiated: SystemTime,
    pub initiator: String,
    pub storage_class: String,
}

/// A page of List Multipart Uploads.
#[derive(Debug, Clone, Default)]
pub(crate) struct UploadsPage {
    pub uploads: Vec<UploadEntry>,
    pub common_prefixes: Vec<String>,
    pub is_truncated: bool,
    pub next_key_marker: Option<String>,
    pub next_upload_id_marker: Option<String>,
}

/// Uploads after the markers (`key-marker` alone: keys after it; with `upload-id-marker`: later
/// uploads of that key too), under `prefix`, rolled up to `delimiter`; at most `max_uploads` entries
/// (uploads and common prefixes together).
pub(crate) fn list_uploads(uploads: &Uploads, q: &UploadsQuery) -> UploadsPage {
    let after_marker = |key: &str, id: &str| {
        if q.key_marker.is_empty() {
            return true;
        }
        match key.cmp(q.key_marker.as_str()) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => {
                !q.upload_id_marker.is_empty() && id > q.upload_id_marker.as_str()
            }
            std::cmp::Ordering::Less => false,
        }
    };
    let entries = uploads
        .iter()
        .filter(|((key, id), _)| after_marker(key, id))
        .map(|((key, id), u)| (key.as_str(), (key, id, u)));
    let page = paginate(
        entries,
        &q.prefix,
        &q.delimiter,
        &q.key_marker,
        q.max_uploads,
    );
    let uploads: Vec<UploadEntry> = page
        .items
        .into_iter()
        .map(|(key, id, u)| UploadEntry {
            key: key.clone(),
            upload_id: id.clone(),
            initiated: u.initiated,
            initiator: u.initiator.clone(),
            storage_class: u.template.storage_class.to_string(),
        })
        .collect();
    let next_upload_id_marker = match &page.next {
        Some(Next::Item(_)) => uploads.last().map(|u| u.upload_id.clone()),
        _ => None,
    };
    UploadsPage {
        next_key_marker: page.next.map(|n| n.marker().to_string()),
        next_upload_id_marker,
        uploads,
        common_prefixes: page.common_prefixes,
        is_truncated: page.is_truncated,
    }
}

/// Parts numbered after `marker`, at most `max`; whether more follow.
pub(crate) fn list_parts(
    parts: &BTreeMap<u32, Part>,
    marker: u32,
    max: usize,
) -> (Vec<(u32, Part)>, bool) {
    let mut after = parts
        .range(marker.saturating_add(1)..)
        .map(|(n, p)| (*n, p.clone()));
    let page: Vec<_> = after.by_ref().take(max).collect();
    let truncated = after.next().is_some();
    (page, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Object {
        Object::sample()
    }

    fn upload(sizes: &[(u32, usize)]) -> Upload {
        Upload {
            key: "k".into(),
            upload_id: "u".into(),
            initiated: SystemTime::UNIX_EPOCH,
            initiator: "1".into(),
            template: template(),
            parts: sizes
                .iter()
                .map(|(n, size)| {
                    (
                        *n,
                        Part::new(Payload::of(vec![*n as u8; *size]), SystemTime::UNIX_EPOCH),
                    )
                })
                .collect(),
        }
    }

    fn listed(u: &Upload, numbers: &[u32]) -> Vec<(u32, String)> {
        numbers
            .iter()
            .map(|n| {
                (
                    *n,
                    u.parts.get(n).map(|p| p.etag.clone()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn part_etag_is_quoted_md5() {
        let p = Part::new(Payload::of(b"hello".as_slice()), SystemTime::UNIX_EPOCH);
        assert_eq!(p.etag, "\"5d41402abc4b2a76b9719d911017c592\"");
        assert_eq!(p.crc64, 11177612005948864433);
    }

    #[test]
    fn multipart_etag_is_md5_of_part_md5s_dash_count() {
        // S3's documented rule; value checked with: printf "%s%s" md5(a) md5(b) | xxd -r -p | md5sum
        let a = Part::new(Payload::of(b"a".as_slice()), SystemTime::UNIX_EPOCH);
        let b = Part::new(Payload::of(b"b".as_slice()), SystemTime::UNIX_EPOCH);
        let mut both = Vec::new();
        both.extend_from_slice(&a.md5);
        both.extend_from_slice(&b.md5);
        let expected = format!("\"{}-2\"", hex::encode(Md5::digest(&both)));
        assert_eq!(multipart_etag(&[a, b]).to_string(), expected);
    }

    #[test]
    fn select_parts_accepts_ascending_known_parts_with_small_last() {
        let u = upload(&[(1, MIN_PART_SIZE), (2, MIN_PART_SIZE), (5, 3)]);
        let parts = select_parts(&u, &listed(&u, &[1, 2, 5])).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(concat(&parts).len(), 2 * MIN_PART_SIZE + 3);
        // A subset is fine too; unquoted ETags match quoted ones.
        let unquoted = vec![(2, u.parts[&2].etag.trim_matches('"').to_string())];
        assert_eq!(select_parts(&u, &unquoted).unwrap().len(), 1);
    }

    #[test]
    fn select_parts_errors() {
        let u = upload(&[(1, MIN_PART_SIZE), (2, 10), (3, 10)]);
        let code = |l: Vec<(u32, String)>| select_parts(&u, &l).unwrap_err().code;
        assert_eq!(code(vec![]), Code::MalformedXML);
        assert_eq!(code(listed(&u, &[2, 1])), Code::InvalidPartOrder);
        assert_eq!(code(listed(&u, &[1, 1])), Code::InvalidPartOrder);
        assert_eq!(code(listed(&u, &[1, 4])), Code::InvalidPart);
        assert_eq!(code(vec![(1, "\"00\"".into())]), Code::InvalidPart);
        assert_eq!(code(listed(&u, &[1, 2, 3])), Code::EntityTooSmall);
    }

    #[test]
    fn upload_ids_sort_by_creation() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let a = new_upload_id("b", "k", t);
        let b = new_upload_id("b", "k", t);
        let c = new_upload_id("b", "k", t + std::time::Duration::from_secs(1));
        assert!(a < b && b < c, "{a} {b} {c}");
    }

    fn uploads(entries: &[(&str, &str)]) -> Uploads {
        entries
            .iter()
            .map(|(k, id)| {
                let mut u = upload(&[]);
                u.key = k.to_string();
                u.upload_id = id.to_string();
                ((k.to_string(), id.to_string()), u)
            })
            .collect()
    }

    fn ids(p: &UploadsPage) -> Vec<String> {
        p.uploads
            .iter()
            .map(|u| format!("{}:{}", u.key, u.upload_id))
            .collect()
    }

    #[test]
    fn list_uploads_markers_prefix_delimiter() {
        let all = uploads(&[
            ("a", "1"),
            ("a", "2"),
            ("d/x", "3"),
            ("d/y", "4"),
            ("e", "5"),
        ]);
        let q = |km: &str, im: &str, max: usize| UploadsQuery {
            key_marker: km.into(),
            upload_id_marker: im.into(),
            max_uploads: max,
            ..Default::default()
        };
        let p = list_uploads(&all, &q("", "", 2));
        assert_eq!(ids(&p), ["a:1", "a:2"]);
        assert!(p.is_truncated);
        assert_eq!(p.next_key_marker.as_deref(), Some("a"));
        assert_eq!(p.next_upload_id_marker.as_deref(), Some("2"));
        let p = list_uploads(&all, &q("a", "1", 10));
        assert_eq!(ids(&p), ["a:2", "d/x:3", "d/y:4", "e:5"]);
        assert!(!p.is_truncated && p.next_key_marker.is_none());
        // key-marker alone skips every upload of that key.
        let p = list_uploads(&all, &q("a", "", 10));
        assert_eq!(ids(&p), ["d/x:3", "d/y:4", "e:5"]);
        let p = list_uploads(
            &all,
            &UploadsQuery {
                delimiter: "/".into(),
                max_uploads: 10,
                ..Default::default()
            },
        );
        assert_eq!(ids(&p), ["a:1", "a:2", "e:5"]);
        assert_eq!(p.common_prefixes, ["d/"]);
        let p = list_uploads(
            &all,
            &UploadsQuery {
                prefix: "d/".into(),
                max_uploads: 10,
                ..Default::default()
            },
        );
        assert_eq!(ids(&p), ["d/x:3", "d/y:4"]);
    }

    #[test]
    fn list_parts_pages_after_marker() {
        let u = upload(&[(1, 1), (2, 1), (3, 1), (7, 1)]);
        let (page, more) = list_parts(&u.parts, 0, 2);
        assert_eq!(page.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2]);
        assert!(more);
        let (page, more) = list_parts(&u.parts, 2, 2);
        assert_eq!(page.iter().map(|p| p.0).collect::<Vec<_>>(), [3, 7]);
        assert!(!more);
        let (page, more) = list_parts(&u.parts, 7, 2);
        assert!(page.is_empty() && !more);
    }

    #[test]
    fn completions_forget_the_oldest_and_match_parts_without_quotes() {
        let mut c = Completions::default();
        let done = |id: usize| Completed {
            key: "k".into(),
            upload_id: id.to_string(),
            parts: vec![(1, "e".into())],
            body: String::new(),
            crc64: String::new(),
            encryption: Vec::new(),
            version_id: String::new(),
        };
        for id in 0..=REMEMBERED_COMPLETIONS {
            c.remember(done(id));
        }
        assert_eq!(c.len(), REMEMBERED_COMPLETIONS);
        let listed = [(1, " \"e\" ".to_string())];
        assert!(
            c.find("k", "0", &listed).is_none(),
            "the oldest is forgotten"
        );
        assert!(c.find("k", "1", &listed).is_some());
        assert!(c.find("other", "1", &listed).is_none());
        assert!(c.find("k", "1", &[(2, "e".into())]).is_none());
    }
}
