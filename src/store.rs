//! The in-memory state: buckets, and in each an ordered map of objects, so that listing is ordered and
//! cheap. No HTTP types here; methods are synchronous and never hold a guard across an `.await`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use dashmap::DashMap;

use crate::acl::Acl;
use crate::error::{Code, CosError};
use crate::lifecycle::{self, LifecycleConfig};
use crate::object::Object;
use crate::paginate::paginate;
use crate::policy::Policy;
use crate::restore::Restore;
use crate::uploads::{self, Upload, Uploads};

/// Most buckets one root account may own.
pub(crate) const MAX_BUCKETS_PER_ACCOUNT: usize = 200;
/// Longest key COS accepts, in bytes.
pub(crate) const MAX_KEY_BYTES: usize = 850;
/// Longest bucket name `<name>-<appid>`, in characters.
///
/// COS's naming page limits the whole domain `<bucket>.cos.<region>.myqcloud.com` to 60
/// characters, but real COS creates `buckettest-maz-ofs123456-1250000000` in ap-guangzhou (65)
/// for the SDKs' own suites, so that rule is not what COS enforces. COS's bucket overview (the
/// financial-cloud edition of the page) limits the user-defined part before `-<APPID>` to 1–50
/// characters, and the python SDK's suite creates `copy-cos-python-v5-test-3-11-ap-guangzhou-…`
/// (41 before the APPID): that is the rule cos-mock keeps.
pub(crate) const MAX_BUCKET_NAME_CHARS: usize = 50;

/// A bucket policy: the document exactly as it was PUT, and what it means.
#[derive(Debug, Clone)]
pub struct StoredPolicy {
    pub text: String,
    pub parsed: Policy,
}

/// An OSS bucket policy as it was PUT, and parsed.
#[derive(Debug, Clone)]
pub struct OssStoredPolicy {
    pub text: String,
    pub parsed: crate::dialect::oss::policy::Policy,
}

/// A bucket and its objects.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub name: String,
    pub owner_uin: String,
    pub appid: String,
    pub region: String,
    pub created: SystemTime,
    /// Shared, so the access check reads it without copying.
    pub acl: Arc<Acl>,
    /// The ACL of a new object that names none (`default`, owned by the bucket's owner), shared
    /// by all of them: most objects carry this one.
    pub default_object_acl: Arc<Acl>,
    /// Shared, so the access check reads it without copying the document on every request.
    pub policy: Option<Arc<StoredPolicy>>,
    /// An OSS bucket's policy (OSS grammar); COS buckets never have one.
    pub oss_policy: Option<Arc<OssStoredPolicy>>,
    /// Keys as `Box<str>`: no spare capacity, and 8 bytes less per slot of the tree.
    pub objects: BTreeMap<Box<str>, Arc<Object>>,
    /// Multipart uploads in progress (see `crate::uploads`).
    pub uploads: Uploads,
    pub cors: Option<crate::cors::CorsConfig>,
    pub lifecycle: Option<LifecycleConfig>,
    /// Restores of archived objects, by key; an entry counts only while it names the object's
    /// current ETag and Last-Modified (an overwrite makes it stale).
    pub restores: std::collections::HashMap<String, Restore>,
    pub versioning: crate::versioning::Status,
    /// Completed multipart uploads, for a repeated Complete (see `crate::uploads::Completions`).
    pub completed: uploads::Completions,
    /// Bucket tags (`?tagging`); `None` until set.
    pub tagging: Option<crate::tagging::Tags>,
    /// The default encryption of new objects (`?encryption`).
    pub encryption: Option<crate::sse::BucketEncryption>,
    /// Version histories of keys written or deleted since versioning was enabled (see
    /// `crate::versioning`); `objects` holds each key's current object.
    pub versions: crate::versioning::History,
    /// Stored configurations: referer, website, logging, inventory, ... (`crate::bucket_config`).
    pub configs: crate::bucket_config::Configs,
    /// The keys and uploads changed since the store last wrote this bucket to its data directory.
    pub(crate) changes: Changes,
}

/// What changed in a bucket, recorded only when its store keeps a data directory (`on`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Changes {
    pub on: bool,
    pub keys: std::collections::BTreeSet<String>,
    pub uploads: std::collections::BTreeSet<(String, String)>,
}

impl Changes {
    pub fn key(&mut self, key: &str) {
        if self.on && !self.keys.contains(key) {
            self.keys.insert(key.to_string());
        }
    }

    pub fn upload(&mut self, key: &str, upload_id: &str) {
        if self.on {
            self.uploads
                .insert((key.to_string(), upload_id.to_string()));
        }
    }
}

/// Keeps a store's buckets in a data directory (`crate::persist`). Each call returns once what it
/// wrote is durable; an error means it may not be (the request answers 500).
pub trait Durable: Send + Sync + std::fmt::Debug {
    /// Writes what changed in `bucket` (its head, the keys and uploads in `bucket.changes`).
    fn bucket_changed(&self, bucket: &mut Bucket) -> Result<(), String>;
    /// Writes a new bucket (its head, and any keys and uploads it holds).
    fn bucket_created(&self, bucket: &Bucket) -> Result<(), String>;
    /// Removes a bucket and everything recorded under it.
    fn bucket_deleted(&self, name: &str) -> Result<(), String>;
    /// Removes every bucket of the store.
    fn cleared(&self) -> Result<(), String>;
}

impl Bucket {
    pub fn new(name: &str, owner_uin: &str, region: &str) -> Bucket {
        Bucket {
            name: name.to_string(),
            owner_uin: owner_uin.to_string(),
            appid: appid_of(name).unwrap_or_default().to_string(),
            region: region.to_string(),
            created: SystemTime::now(),
            acl: Arc::new(Acl::bucket_default(owner_uin)),
            default_object_acl: Arc::new(Acl::object_default(owner_uin)),
            policy: None,
            oss_policy: None,
            objects: BTreeMap::new(),
            uploads: Default::default(),
            cors: None,
            lifecycle: None,
            restores: Default::default(),
            versioning: Default::default(),
            completed: Default::default(),
            tagging: None,
            encryption: None,
            versions: Default::default(),
            configs: Default::default(),
            changes: Default::default(),
        }
    }

    /// Starts a multipart upload (or puts one back).
    pub(crate) fn insert_upload(&mut self, upload: Upload) -> Option<Upload> {
        self.changes.upload(&upload.key, &upload.upload_id);
        self.uploads
            .insert((upload.key.clone(), upload.upload_id.clone()), upload)
    }

    /// Ends a multipart upload (completed or aborted).
    pub(crate) fn remove_upload(&mut self, slot: &(String, String)) -> Option<Upload> {
        self.changes.upload(&slot.0, &slot.1);
        self.uploads.remove(slot)
    }
}

fn durability_error(why: String) -> CosError {
    tracing::error!("data directory: {why}");
    CosError::with_message(
        Code::InternalError,
        format!("The change could not be written to the data directory: {why}"),
    )
}

/// All buckets, by full name (`<name>-<appid>`).
#[derive(Debug, Default)]
pub struct Store {
    buckets: DashMap<String, Bucket>,
    /// The data directory, if any: every mutation below writes through it before it returns.
    durable: Option<std::sync::Arc<dyn Durable>>,
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    /// A store whose every change is written to `durable` before it is answered.
    pub fn with_durable(durable: std::sync::Arc<dyn Durable>) -> Store {
        Store {
            buckets: DashMap::new(),
            durable: Some(durable),
        }
    }

    /// Removes every bucket.
    pub fn clear(&self) -> Result<(), CosError> {
        self.buckets.clear();
        match &self.durable {
            Some(d) => d.cleared().map_err(durability_error),
            None => Ok(()),
        }
    }

    /// Replaces every bucket with `buckets` (already written to the data directory, if any).
    pub(crate) fn replace_all(&self, buckets: Vec<Bucket>) {
        self.buckets.clear();
        for mut b in buckets {
            b.changes = Changes {
                on: self.durable.is_some(),
                ..Changes::default()
            };
            self.buckets.insert(b.name.clone(), b);
        }
    }

    /// Creates a bucket; `Err` when the name is taken.
    pub fn create_bucket(&self, mut bucket: Bucket) -> Result<(), CosError> {
        use dashmap::mapref::entry::Entry;
        match self.buckets.entry(bucket.name.clone()) {
            Entry::Occupied(e) if e.get().owner_uin == bucket.owner_uin => {
                Err(Code::BucketAlreadyOwnedByYou.into())
            }
            Entry::Occupied(_) => Err(Code::BucketAlreadyExists.into()),
            Entry::Vacant(v) => {
                if let Some(d) = &self.durable {
                    d.bucket_created(&bucket).map_err(durability_error)?;
                    bucket.changes = Changes {
                        on: true,
                        ..Changes::default()
                    };
                }
                v.insert(bucket);
                Ok(())
            }
        }
    }

    /// How many buckets an owner has.
    pub fn count_owned(&self, owner_uin: &str) -> usize {
        self.buckets
            .iter()
            .filter(|b| b.owner_uin == owner_uin)
            .count()
    }

    /// Runs `f` on a bucket, or `NoSuchBucket`.
    pub fn with_bucket<T>(&self, name: &str, f: impl FnOnce(&Bucket) -> T) -> Result<T, CosError> {
        let bucket = self
            .buckets
            .get(name)
            .ok_or_else(|| CosError::new(Code::NoSuchBucket))?;
        Ok(f(&bucket))
    }

    /// Runs `f` on a bucket for writing, or `NoSuchBucket`.
    pub fn with_bucket_mut<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut Bucket) -> T,
    ) -> Result<T, CosError> {
        let mut bucket = self
            .buckets
            .get_mut(name)
            .ok_or_else(|| CosError::new(Code::NoSuchBucket))?;
        let out = f(&mut bucket);
        if let Some(d) = &self.durable {
            // Written while the bucket is still locked, before the caller can answer.
            let written = d.bucket_changed(&mut bucket);
            bucket.changes.keys.clear();
            bucket.changes.uploads.clear();
            written.map_err(durability_error)?;
        }
        Ok(out)
    }

    /// Deletes an empty bucket: no objects, no versions or delete markers, and no multipart uploads
    /// in progress (COS asks for unfinished uploads to be cleared before a bucket is deleted).
    pub fn delete_bucket(&self, name: &str) -> Result<(), CosError> {
        let mut failed = None;
        let removed = self.buckets.remove_if(name, |_, b| {
            let empty = b.objects.is_empty() && b.versions.is_empty() && b.uploads.is_empty();
            // Removed from the data directory under the bucket's lock, before it leaves memory.
            if let (true, Some(d)) = (empty, &self.durable) {
                if let Err(why) = d.bucket_deleted(name) {
                    failed = Some(why);
                    return false;
                }
            }
            empty
        });
        if let Some(why) = failed {
            return Err(durability_error(why));
        }
        if removed.is_some() {
            return Ok(());
        }
        if self.buckets.contains_key(name) {
            Err(Code::BucketNotEmpty.into())
        } else {
            Err(Code::NoSuchBucket.into())
        }
    }

    /// A snapshot of every bucket (without objects' data being copied: objects are `Arc`s).
    pub fn buckets(&self) -> Vec<Bucket> {
        self.map_buckets(Bucket::clone)
    }

    /// `f` of every bucket, in name order, without copying the buckets (their object maps).
    pub fn map_buckets<T>(&self, f: impl Fn(&Bucket) -> T) -> Vec<T> {
        let mut all: Vec<(String, T)> = self
            .buckets
            .iter()
            .map(|b| (b.name.clone(), f(&b)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all.into_iter().map(|(_, t)| t).collect()
    }

    /// Reads one object.
    pub fn get_object(&self, bucket: &str, key: &str) -> Result<Arc<Object>, CosError> {
        self.with_bucket(bucket, |b| b.objects.get(key).cloned())?
            .ok_or_else(|| CosError::new(Code::NoSuchKey))
    }

    /// Stores one object as the key's newest version, as the bucket's versioning says (see
    /// `crate::versioning`). Returns the new version's id (`null` unless versioning is enabled).
    pub fn put_object(&self, bucket: &str, key: &str, object: Object) -> Result<String, CosError> {
        self.put_object_if(bucket, key, |_| Ok(object))
    }

    /// Stores the object `make` builds from the current one (`None` when the key is absent) as the
    /// key's newest version, or stores nothing when it refuses: the check and the write happen under
    /// the bucket's lock, so two racing writers cannot both pass a check (forbid-overwrite, an
    /// append's position). Every writer goes through here. Returns the new version's id.
    pub fn put_object_if(
        &self,
        bucket: &str,
        key: &str,
        make: impl FnOnce(Option<&Object>) -> Result<Object, CosError>,
    ) -> Result<String, CosError> {
        self.with_bucket_mut(bucket, |b| {
            let object = make(b.objects.get(key).map(|o| o.as_ref()))?;
            Ok(b.put_version(key, object))
        })?
    }

    /// Reads the current object (`version_id` `None`) or one version of a key; the errors of
    /// `Bucket::version` (`NoSuchKey`, `NoSuchVersion`, `MethodNotAllowed` for a delete marker).
    pub fn get_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Arc<Object>, CosError> {
        self.with_bucket(bucket, |b| b.version(key, version_id))?
    }

    /// Changes one object's metadata in place (its data is shared, not copied); `NoSuchKey` if absent.
    pub fn update_object(
        &self,
        bucket: &str,
        key: &str,
        f: impl FnOnce(&mut Object),
    ) -> Result<(), CosError> {
        self.update_version(bucket, key, None, f)
    }

    /// Changes one version's metadata in place (the current object for `None`); the errors of
    /// `get_version`.
    pub fn update_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
        f: impl FnOnce(&mut Object),
    ) -> Result<(), CosError> {
        self.with_bucket_mut(bucket, |b| b.update_version(key, version_id, f))?
    }

    /// DELETE of a key (a delete marker in a versioned bucket) or of one version of it, at `now`.
    pub fn delete_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
        now: SystemTime,
    ) -> Result<crate::versioning::Deletion, CosError> {
        self.with_bucket_mut(bucket, |b| b.delete_version(key, version_id, now))
    }

    /// Reads one multipart upload of `bucket`, or `NoSuchBucket` / `NoSuchUpload`.
    pub fn read_upload<T>(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        f: impl FnOnce(&Upload) -> T,
    ) -> Result<T, CosError> {
        self.with_bucket(bucket, |b| {
            b.uploads
                .get(&(key.to_string(), upload_id.to_string()))
                .map(f)
                .ok_or_else(|| uploads::no_such_upload(upload_id))
        })?
    }

    /// Runs `f` on one multipart upload of `bucket`, or `NoSuchBucket` / `NoSuchUpload`.
    pub fn with_upload<T>(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        f: impl FnOnce(&mut Upload) -> T,
    ) -> Result<T, CosError> {
        self.with_bucket_mut(bucket, |b| {
            let found = b.uploads.get_mut(&(key.to_string(), upload_id.to_string()));
            let out = found.map(f);
            if out.is_some() {
                b.changes.upload(key, upload_id);
            }
            out.ok_or_else(|| uploads::no_such_upload(upload_id))
        })?
    }

    /// Applies a bucket's lifecycle rules at `now`: expired objects are removed, due transitions
    /// change the storage class. Buckets without rules (or that do not exist) are left alone.
    pub fn apply_lifecycle(&self, bucket: &str, now: SystemTime) {
        // Most buckets have no rules: look under the read lock first, so that every request does not
        // take the bucket's write lock.
        if !self
            .with_bucket(bucket, |b| b.lifecycle.is_some())
            .unwrap_or(false)
        {
            return;
        }
        let _ = self.with_bucket_mut(bucket, |b| {
            let Some(config) = b.lifecycle.clone() else {
                return;
            };
            let keys: Vec<String> = b
                .keys_from(std::ops::Bound::Unbounded)
                .map(str::to_string)
                .collect();
            for key in keys {
                apply_lifecycle_to_key(b, &config, &key, now);
            }
        });
    }

    /// Deletes one object (a delete marker in a versioned bucket); `Ok(false)` when it did not exist.
    pub fn delete_object(&self, bucket: &str, key: &str) -> Result<bool, CosError> {
        self.with_bucket_mut(bucket, |b| {
            let existed = b.objects.contains_key(key);
            b.delete_version(key, None, SystemTime::now());
            existed
        })
    }
}

/// The lifecycle rules at `now` for one key: the current object expires (removed, or in a versioned
/// bucket hidden behind a new delete marker) or moves to a colder class; noncurrent versions and
/// delete markers expire or move `NoncurrentDays` after the next newer version was written; a delete
/// marker left as a key's only version goes with `ExpiredObjectDeleteMarker`.
fn apply_lifecycle_to_key(b: &mut Bucket, config: &LifecycleConfig, key: &str, now: SystemTime) {
    if let Some(obj) = b.objects.get(key).cloned() {
        // COS: appendable objects take no part in lifecycle management.
        if obj.appendable {
            return;
        }
        let e = lifecycle::effect(
            config,
            key,
            &obj.tags,
            obj.last_modified,
            obj.storage_class,
            now,
        );
        if e.expire {
            b.delete_version(key, None, now);
        } else if let Some(class) = e.transition_to {
            if let Some(class) = crate::object::class_name(&class) {
                let _ = b.update_version(key, None, |o| o.storage_class = class);
            }
        }
    }
    let Some(history) = b.versions.get_mut(key) else {
        return;
    };
    let mut newer_since = None;
    let mut keep = Vec::with_capacity(history.len());
    for mut v in std::mem::take(history) {
        let since = newer_since.replace(v.last_modified);
        let Some(since) = since else {
            keep.push(v);
            continue;
        };
        let (class, tags) = v
            .object
            .as_ref()
            .map_or(("STANDARD", &[][..]), |o| (o.storage_class, &o.tags[..]));
        let e = lifecycle::noncurrent_effect(config, key, tags, since, class, now);
        if e.expire {
            continue;
        }
        let class = e
            .transition_to
            .as_deref()
            .and_then(crate::object::class_name);
        if let (Some(class), Some(o)) = (class, v.object.as_mut()) {
            Arc::make_mut(o).storage_class = class;
        }
        keep.push(v);
    }
    if keep.len() == 1
        && keep[0].is_delete_marker()
        && lifecycle::removes_expired_marker(config, key)
    {
        keep.clear();
    }
    *history = keep;
    b.sync_current(key);
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub prefix: String,
    pub delimiter: String,
    pub marker: String,
    pub max_keys: usize,
}

/// One page of a listing.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListPage {
    pub contents: Vec<(String, Arc<Object>)>,
    pub common_prefixes: Vec<String>,
    pub is_truncated: bool,
    pub next_marker: Option<String>,
}

/// Lists keys after `marker` that start with `prefix`, rolling keys up to `delimiter` into common
/// prefixes; at most `max_keys` entries (keys and prefixes together).
pub(crate) fn list(objects: &BTreeMap<Box<str>, Arc<Object>>, q: &ListQuery) -> ListPage {
    use std::ops::Bound;
    // Keys strictly after a marker (also when the marker equals the prefix, as a folder object
    // `d/` returned as NextMarker does); else from the prefix on.
    let lower = if !q.marker.is_empty() && q.marker >= q.prefix {
        Bound::Excluded(q.marker.as_str())
    } else {
        Bound::Included(q.prefix.as_str())
    };
    let entries = objects
        .range::<str, _>((lower, Bound::Unbounded))
        .map(|(key, obj)| (&**key, (key, obj)));
    let page = paginate(entries, &q.prefix, &q.delimiter, &q.marker, q.max_keys);
    ListPage {
        next_marker: page.next.map(|n| n.marker().to_string()),
        contents: page
            .items
            .into_iter()
            .map(|(key, obj)| (key.to_string(), obj.clone()))
            .collect(),
        common_prefixes: page.common_prefixes,
        is_truncated: page.is_truncated,
    }
}

/// COS's key length limit: over `MAX_KEY_BYTES` is 400 `KeyTooLong`; and a key holding a character
/// XML 1.0 cannot carry (a form's key, a symlink target, a batch-delete key) is 400
/// `InvalidArgument`, as no listing could show it (a key in the path is refused earlier, with
/// `InvalidURI`: `request::check_path_chars`).
pub(crate) fn check_key(key: &str) -> Result<(), CosError> {
    if let Some((at, c)) = crate::wire::unrepresentable(key) {
        return Err(CosError::with_message(
            Code::InvalidArgument,
            format!(
                "The object key holds U+{:04X} at character {at}, which XML 1.0 cannot carry; \
                 object keys may not contain it.",
                c as u32
            ),
        ));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(CosError::with_message(
            Code::KeyTooLong,
            format!(
                "Your key is too long: {} bytes, at most {MAX_KEY_BYTES}.",
                key.len()
            ),
        ));
    }
    Ok(())
}

/// The APPID of a bucket name: the digits after the last `-`.
pub(crate) fn appid_of(bucket: &str) -> Option<&str> {
    let (_, appid) = bucket.rsplit_once('-')?;
    (!appid.is_empty() && appid.bytes().all(|b| b.is_ascii_digit())).then_some(appid)
}

/// COS's bucket naming rules: `<name>-<appid>`, `[a-z0-9-]`, no leading or trailing `-`, and a
/// `<name>` of at most [`MAX_BUCKET_NAME_CHARS`] characters.
pub fn validate_bucket_name(bucket: &str) -> Result<(), CosError> {
    let invalid = |why: &str| {
        CosError::with_message(
            Code::InvalidBucketName,
            format!("The specified bucket is not valid: {why}."),
        )
    };
    let Some(appid) = appid_of(bucket) else {
        return Err(invalid("the name must end with -<APPID>"));
    };
    let short = &bucket[..bucket.len() - appid.len() - 1];
    if short.is_empty() {
        return Err(invalid("the name before -<APPID> is empty"));
    }
    if !short
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(invalid("only lowercase letters, digits and - are allowed"));
    }
    if short.starts_with('-') || short.ends_with('-') {
        return Err(invalid("the name must not start or end with -"));
    }
    if short.len() > MAX_BUCKET_NAME_CHARS {
        return Err(invalid(&format!(
            "{short} (the name before -<APPID>) is {} characters, more than {MAX_BUCKET_NAME_CHARS}",
            short.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj() -> Arc<Object> {
        Arc::new(Object::sample())
    }

    fn tree(keys: &[&str]) -> BTreeMap<Box<str>, Arc<Object>> {
        keys.iter().map(|k| ((*k).into(), obj())).collect()
    }

    fn q(prefix: &str, delimiter: &str, marker: &str, max: usize) -> ListQuery {
        ListQuery {
            prefix: prefix.into(),
            delimiter: delimiter.into(),
            marker: marker.into(),
            max_keys: max,
        }
    }

    fn keys(p: &ListPage) -> Vec<&str> {
        p.contents.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn list_prefix_and_delimiter_rolls_up_common_prefixes() {
        let t = tree(&[
            "a.txt",
            "doc/a.txt",
            "doc/b/c.txt",
            "doc/b/d.txt",
            "doc/e.txt",
            "z",
        ]);
        let p = list(&t, &q("doc/", "/", "", 1000));
        assert_eq!(keys(&p), ["doc/a.txt", "doc/e.txt"]);
        assert_eq!(p.common_prefixes, ["doc/b/"]);
        assert!(!p.is_truncated);
    }

    #[test]
    fn list_max_keys_truncates_with_next_marker_and_resumes() {
        let t = tree(&["a", "b/1", "b/2", "c", "d"]);
        let p1 = list(&t, &q("", "/", "", 2));
        assert_eq!(keys(&p1), ["a"]);
        assert_eq!(p1.common_prefixes, ["b/"]);
        assert!(p1.is_truncated);
        assert_eq!(p1.next_marker.as_deref(), Some("b/"));
        let p2 = list(&t, &q("", "/", "b/", 2));
        assert_eq!(keys(&p2), ["c", "d"]);
        assert!(p2.common_prefixes.is_empty());
        assert!(!p2.is_truncated);
    }

    #[test]
    fn list_marker_inside_common_prefix_skips_it() {
        let t = tree(&["b/1", "b/2", "c"]);
        let p = list(&t, &q("", "/", "b/1", 10));
        assert_eq!(keys(&p), ["c"]);
        assert!(p.common_prefixes.is_empty());
    }

    #[test]
    fn list_marker_equal_to_prefix_key_moves_on() {
        let t = tree(&["d/", "d/x", "d/y"]);
        let p1 = list(&t, &q("d/", "", "", 1));
        assert_eq!(keys(&p1), ["d/"]);
        assert_eq!(p1.next_marker.as_deref(), Some("d/"));
        let p2 = list(&t, &q("d/", "", "d/", 1));
        assert_eq!(keys(&p2), ["d/x"]);
    }

    #[test]
    fn list_exact_page_is_not_truncated() {
        let t = tree(&["a", "b"]);
        let p = list(&t, &q("", "", "", 2));
        assert_eq!(keys(&p), ["a", "b"]);
        assert!(!p.is_truncated);
    }

    #[test]
    fn list_max_keys_zero_is_empty_and_truncated() {
        let t = tree(&["a"]);
        let p = list(&t, &q("", "", "", 0));
        assert!(p.contents.is_empty());
        assert!(p.is_truncated);
    }

    #[test]
    fn bucket_name_rules() {
        for good in [
            "examplebucket-1250000000",
            "123456789012345678901-1250000000",
            // Both created on real COS by the SDKs' own suites (ap-guangzhou).
            "buckettest-maz-ofs123456-1250000000",
            "bucket-inventory1700000000000-1250000000",
            "copy-cos-python-v5-test-3-11-ap-guangzhou-1250000000",
            // 50 characters before the APPID.
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx-1250000000",
        ] {
            assert!(validate_bucket_name(good).is_ok(), "{good}");
        }
        for bad in [
            "examplebucket",
            "-1250000000",
            "Example-1250000000",
            "a_b-1250000000",
            "-ab-1250000000",
            "ab--1250000000",
            // 51 characters before the APPID.
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy-1250000000",
        ] {
            let err = validate_bucket_name(bad).unwrap_err();
            assert_eq!(err.code, Code::InvalidBucketName, "{bad}");
        }
    }

    #[test]
    fn create_bucket_twice_answers_owned_or_exists() {
        let s = Store::new();
        s.create_bucket(Bucket::new("b-1", "1", "r")).unwrap();
        assert_eq!(
            s.create_bucket(Bucket::new("b-1", "1", "r"))
                .unwrap_err()
                .code,
            Code::BucketAlreadyOwnedByYou
        );
        assert_eq!(
            s.create_bucket(Bucket::new("b-1", "2", "r"))
                .unwrap_err()
                .code,
            Code::BucketAlreadyExists
        );
    }

    #[test]
    fn apply_lifecycle_expires_and_transitions_due_objects() {
        let s = Store::new();
        s.create_bucket(Bucket::new("b-1", "1", "r")).unwrap();
        let rules = "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Transition><Days>1</Days><StorageClass>ARCHIVE</StorageClass></Transition><Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>";
        let config = lifecycle::from_xml(rules.as_bytes()).unwrap();
        s.with_bucket_mut("b-1", |b| {
            b.lifecycle = Some(config);
            for key in ["logs/old", "logs/new", "keep"] {
                b.objects.insert(key.into(), obj());
            }
        })
        .unwrap();
        let day = std::time::Duration::from_secs(86_400);
        s.apply_lifecycle("b-1", SystemTime::UNIX_EPOCH + 2 * day);
        assert_eq!(
            s.get_object("b-1", "logs/old").unwrap().storage_class,
            "ARCHIVE"
        );
        assert_eq!(
            s.get_object("b-1", "keep").unwrap().storage_class,
            "STANDARD"
        );
        s.apply_lifecycle("b-1", SystemTime::UNIX_EPOCH + 3 * day);
        assert!(s.get_object("b-1", "logs/old").is_err());
        assert!(s.get_object("b-1", "keep").is_ok());
        s.apply_lifecycle("no-such-1", SystemTime::UNIX_EPOCH);
    }

    #[test]
    fn apply_lifecycle_leaves_appendable_objects() {
        let s = Store::new();
        s.create_bucket(Bucket::new("b-1", "1", "r")).unwrap();
        let rules = "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
        let config = lifecycle::from_xml(rules.as_bytes()).unwrap();
        s.with_bucket_mut("b-1", |b| {
            b.lifecycle = Some(config);
            let mut appendable = (*obj()).clone();
            appendable.appendable = true;
            b.objects.insert("log".into(), Arc::new(appendable));
            b.objects.insert("normal".into(), obj());
        })
        .unwrap();
        s.apply_lifecycle(
            "b-1",
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(2 * 86_400),
        );
        assert!(s.get_object("b-1", "log").is_ok());
        assert!(s.get_object("b-1", "normal").is_err());
    }

    #[test]
    fn put_object_if_refusal_stores_nothing() {
        let s = Store::new();
        s.create_bucket(Bucket::new("b-1", "1", "r")).unwrap();
        let refuse = |current: Option<&Object>| match current {
            Some(_) => Err(CosError::new(Code::FileAlreadyExists)),
            None => Ok((*obj()).clone()),
        };
        s.put_object_if("b-1", "k", refuse).unwrap();
        assert_eq!(
            s.put_object_if("b-1", "k", refuse).unwrap_err().code,
            Code::FileAlreadyExists
        );
        assert_eq!(
            s.put_object_if("no-1", "k", refuse).unwrap_err().code,
            Code::NoSuchBucket
        );
    }

    #[test]
    fn delete_bucket_not_empty_keeps_it() {
        let s = Store::new();
        s.create_bucket(Bucket::new("b-1", "1", "r")).unwrap();
        s.with_bucket_mut("b-1", |b| b.objects.insert("k".into(), obj()))
            .unwrap();
        assert_eq!(
            s.delete_bucket("b-1").unwrap_err().code,
            Code::BucketNotEmpty
        );
        assert!(s.get_object("b-1", "k").is_ok());
        s.delete_object("b-1", "k").unwrap();
        s.delete_bucket("b-1").unwrap();
        assert_eq!(s.delete_bucket("b-1").unwrap_err().code, Code::NoSuchBucket);
    }
}
