//! The object model: a stored object and the storage classes COS knows. No HTTP types.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::SystemTime;

use crate::acl::Acl;
use crate::data::Data;
use crate::error::{Code, CosError};

/// A stored object. Immutable once stored: a PUT replaces the whole `Arc`.
#[derive(Debug, Clone)]
pub struct Object {
    pub data: Data,
    /// The MD5 the ETag is written from (or a multipart ETag's).
    pub etag: crate::checksum::ETag,
    pub crc64: u64,
    pub last_modified: SystemTime,
    /// Borrowed when it is what the key's extension names, or `application/octet-stream`.
    pub content_type: Cow<'static, str>,
    /// Stored response headers: `x-cos-meta-*`, `Cache-Control`, `Content-Disposition`,
    /// `Content-Encoding`, `Content-Language`, `Expires`, with the name as it is answered.
    pub headers: Box<[(String, String)]>,
    /// One of [`STORAGE_CLASSES`].
    pub storage_class: &'static str,
    /// The object's own ACL; `default` defers to the bucket's. Shared (see
    /// `Bucket::default_object_acl`), so the access check reads it without copying.
    pub acl: Arc<Acl>,
    /// The version id: `null` for objects written while versioning was never enabled or suspended.
    /// Borrowed [`NULL_VERSION`] for most objects: no allocation.
    pub version_id: Cow<'static, str>,
    /// Object tags, in the order they were set.
    pub tags: Box<[(String, String)]>,
    /// Whether APPEND Object wrote it (only such objects may be appended to).
    pub appendable: bool,
    /// Server-side encryption headers answered with the object (`x-cos-server-side-encryption*`).
    pub encryption: Box<[(String, String)]>,
    /// The key a symlink (PUT `?symlink`) points to; `None` for an ordinary object. A link's `data`
    /// is the target key (so its size and ETag are those of the path, as COS documents).
    pub symlink_target: Option<Box<str>>,
}

impl Object {
    /// An empty `STANDARD` object of the `null` version, last modified at the epoch, with the
    /// default ACL of account `1`: what unit tests start from (`Object { field, ..Object::sample() }`).
    #[cfg(test)]
    pub(crate) fn sample() -> Object {
        Object {
            data: Data::default(),
            etag: Default::default(),
            crc64: 0,
            last_modified: SystemTime::UNIX_EPOCH,
            content_type: Default::default(),
            headers: Box::default(),
            storage_class: "STANDARD",
            acl: Arc::new(Acl::object_default("1")),
            version_id: NULL_VERSION.into(),
            tags: Box::default(),
            appendable: false,
            symlink_target: None,
            encryption: Box::default(),
        }
    }
}

/// The version id of objects written while versioning is not enabled.
pub const NULL_VERSION: &str = "null";

/// Storage classes COS accepts in `x-cos-storage-class`.
pub(crate) const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "STANDARD_IA",
    "ARCHIVE",
    "DEEP_ARCHIVE",
    "INTELLIGENT_TIERING",
    "MAZ_STANDARD",
    "MAZ_STANDARD_IA",
    "MAZ_INTELLIGENT_TIERING",
    "MAZ_ARCHIVE",
];

/// The storage class an `x-cos-storage-class` header asks for (any case; `STANDARD` when absent), or
/// 400 `InvalidArgument` naming the classes COS knows.
pub(crate) fn storage_class(header: Option<&str>) -> Result<&'static str, CosError> {
    let Some(v) = header else {
        return Ok("STANDARD");
    };
    match STORAGE_CLASSES.iter().find(|c| c.eq_ignore_ascii_case(v)) {
        Some(class) => Ok(class),
        None => Err(CosError::with_message(
            Code::InvalidArgument,
            format!(
                "x-cos-storage-class {v:?} is not one of {}.",
                STORAGE_CLASSES.join(", ")
            ),
        )),
    }
}

/// A class name as objects keep it, if it is one of [`STORAGE_CLASSES`] (lifecycle rules are
/// validated to name only those).
pub(crate) fn class_name(class: &str) -> Option<&'static str> {
    STORAGE_CLASSES.iter().find(|c| **c == class).copied()
}

/// Whether objects of this class must be restored before they can be read.
pub(crate) fn is_archived(class: &str) -> bool {
    matches!(class, "ARCHIVE" | "DEEP_ARCHIVE" | "MAZ_ARCHIVE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_class_header_is_upper_cased_and_checked() {
        assert_eq!(storage_class(None).unwrap(), "STANDARD");
        assert_eq!(storage_class(Some("archive")).unwrap(), "ARCHIVE");
        assert_eq!(
            storage_class(Some("MAZ_STANDARD_IA")).unwrap(),
            "MAZ_STANDARD_IA"
        );
        let err = storage_class(Some("COLD")).unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert!(err.message.contains("STANDARD_IA"), "{}", err.message);
    }

    #[test]
    fn archived_classes_need_a_restore() {
        assert!(
            is_archived("ARCHIVE") && is_archived("DEEP_ARCHIVE") && is_archived("MAZ_ARCHIVE")
        );
        assert!(!is_archived("STANDARD") && !is_archived("STANDARD_IA"));
    }
}
