//! The serializable model of the whole state: the `GET /_cos-mock/state/export` document, and the
//! records `persist` keeps in its data directory (a bucket head, one record per key, one per
//! upload). Plain data: times as RFC 3339 with nanoseconds, configurations as the XML or JSON text
//! the API accepts (re-parsed on load by the API's own validators, see `convert`).

use serde::{Deserialize, Serialize};

/// `format` of every document.
pub const FORMAT: &str = "cos-mock-state";
/// `version` of the documents this build writes and reads.
pub const VERSION: u32 = 1;

/// The whole state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    pub version: u32,
    pub clock: ClockDoc,
    #[serde(default)]
    pub temporary_keys: Vec<TempKeyDoc>,
    #[serde(default)]
    pub buckets: Vec<BucketDoc>,
}

/// The server clock's two knobs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockDoc {
    pub offset_seconds: i64,
    pub restore_delay_seconds: u64,
}

/// A temporary key issued by STS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TempKeyDoc {
    pub secret_id: String,
    pub secret_key: String,
    pub token: String,
    /// Unix seconds.
    pub expires: u64,
    /// The parent identity's label: `<uin>`, `<root>/<sub>` or `<root>/role:<name>`.
    pub parent: String,
    /// The session policy as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

/// One bucket of either dialect, with everything stored in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketDoc {
    /// `cos` or `oss`.
    pub dialect: String,
    pub name: String,
    pub owner: String,
    pub region: String,
    pub created: String,
    pub acl: AclDoc,
    /// The policy text as it was PUT (the dialect's grammar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// `Off` (never enabled), `Enabled` or `Suspended`.
    #[serde(default = "off")]
    pub versioning: String,
    /// `CORSConfiguration` XML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<String>,
    /// `LifecycleConfiguration` XML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<String>,
    /// Bucket tags, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tagging: Option<Vec<(String, String)>>,
    /// `ServerSideEncryptionConfiguration` XML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// Referer, website, logging, inventory, ... documents, in the order they were first set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurations: Vec<ConfigDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restores: Vec<RestoreDoc>,
    /// Completed multipart uploads remembered for a repeated Complete, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub completed_uploads: Vec<CompletedDoc>,
    #[serde(default)]
    pub objects: Vec<KeyDoc>,
    #[serde(default)]
    pub uploads: Vec<UploadDoc>,
}

fn off() -> String {
    "Off".into()
}

/// An ACL: a canned name alone when it is exactly that canned ACL, else the `AccessControlPolicy`
/// XML (and the canned name it was set with, if any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canned: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml: Option<String>,
}

/// A stored configuration document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigDoc {
    /// The sub-resource: `referer`, `website`, `inventory`, ...
    pub kind: String,
    /// The id of keyed kinds (inventory, intelligent-tiering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub document: String,
}

/// A restore of an archived object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreDoc {
    pub key: String,
    pub etag: String,
    pub last_modified: String,
    pub ready_at: String,
    pub expires_at: String,
}

/// A completed multipart upload (see `uploads::Completed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompletedDoc {
    pub key: String,
    pub upload_id: String,
    pub parts: Vec<(u32, String)>,
    pub body: String,
    pub crc64: String,
    #[serde(default)]
    pub encryption: Vec<(String, String)>,
    pub version_id: String,
}

/// One key: its current object alone, or its version history (newest first; the current object
/// is the newest version when that is not a delete marker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyDoc {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<VersionDoc>>,
}

/// One version: an object, or a delete marker (no `object`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionDoc {
    pub version_id: String,
    pub last_modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectDoc>,
}

/// A stored object and its body: `body_base64`, or `body_path` (a file under `--import-dir` the server reads, on
/// import), or `body_files` (chunk files of a data directory; never accepted by import).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectDoc {
    /// Informational on export; checked against the body when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    pub etag: String,
    /// CRC-64/ECMA as a decimal string (JSON numbers lose precision above 2^53).
    pub crc64: String,
    pub last_modified: String,
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    pub storage_class: String,
    pub acl: AclDoc,
    pub version_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub appendable: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encryption: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symlink_target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_files: Option<Vec<String>>,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// A multipart upload in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadDoc {
    pub key: String,
    pub upload_id: String,
    pub initiated: String,
    pub initiator: String,
    /// What the object will be (no body).
    pub template: ObjectDoc,
    #[serde(default)]
    pub parts: Vec<PartDoc>,
}

/// One uploaded part (its ETag and CRC are recomputed from the body and checked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartDoc {
    pub number: u32,
    pub etag: String,
    pub last_modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_files: Option<Vec<String>>,
}
