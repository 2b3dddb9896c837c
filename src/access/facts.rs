//! Gathering: everything an access decision needs, read once from the store, the key ring, the
//! request and the clock into a plain [`Facts`] value that [`super::decide`] judges without them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use crate::acl::Acl;
use crate::auth::Caller;
use crate::policy::Policy;
use crate::request::{strip_port, CosRequest};
use crate::router::Op;
use crate::store::StoredPolicy;
use crate::AppState;

use super::resource_string;

/// What one access decision is about: the caller, the operation and its resource, what the store
/// holds for that resource, the caller's CAM policies, the condition context and the time. No store,
/// lock or clock inside: a test writes one down by hand.
///
/// A temporary key's session policy travels inside `caller` (`Caller::Temporary`), as the key ring
/// handed it to authentication.
#[derive(Debug, Clone)]
pub(crate) struct Facts<'a> {
    pub op: Op,
    pub caller: &'a Caller,
    /// `name/cos:<Op>`.
    pub action: String,
    /// The bucket named by the request (`None` for the service).
    pub bucket: Option<&'a str>,
    /// `qcs::cos:<region>:uid/<appid>:<bucket>/<key>`, in the bucket's region when it exists.
    pub resource: String,
    /// What the store holds for `bucket`; `None` when no bucket is named or it does not exist.
    pub existing: Option<BucketFacts>,
    /// The CAM policies of the caller's permanent identity (empty for roots and anonymous callers).
    pub cam: &'a [Policy],
    /// Condition keys to their values (see [`condition_context`]); empty when no policy (session,
    /// CAM or bucket policy) is there to read them.
    pub context: HashMap<String, Vec<String>>,
    /// The time policy date conditions compare with.
    pub now: SystemTime,
}

/// An existing bucket, as far as access is concerned.
#[derive(Debug, Clone)]
pub(crate) struct BucketFacts {
    pub owner_uin: String,
    pub policy: Option<Arc<StoredPolicy>>,
    pub acl: Arc<Acl>,
    /// The object's own ACL (possibly `default`) when the operation is object-level and the key
    /// exists; `None` otherwise.
    pub object_acl: Option<Arc<Acl>>,
}

/// Reads the facts for `caller` calling `op` on `bucket`/`key`, with `req` giving the condition
/// context and the region of a bucket that does not exist. Policy date conditions use the real
/// time (`SystemTime::now()`), not the server clock.
pub(crate) fn gather<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    op: Op,
    bucket: Option<&'a str>,
    key: &str,
    req: &CosRequest,
) -> Facts<'a> {
    let want_object = op.is_object_level() && !key.is_empty();
    // A request naming a version (`?versionId=`) is decided by that version's own ACL.
    let version = req.param("versionId").filter(|v| !v.is_empty());
    let found = bucket.and_then(|name| {
        state
            .store
            .with_bucket(name, |b| {
                let facts = BucketFacts {
                    owner_uin: b.owner_uin.clone(),
                    policy: b.policy.clone(),
                    acl: b.acl.clone(),
                    object_acl: want_object
                        .then(|| b.version(key, version).ok().map(|o| o.acl.clone()))
                        .flatten(),
                };
                (b.region.clone(), facts)
            })
            .ok()
    });
    let region = found.as_ref().map_or(req.region.as_str(), |(r, _)| r);
    let cam = state.keys.cam_policies(caller.identity());
    // Only policies read conditions: a decision that evaluates none does not build them.
    let session_policy = matches!(caller, Caller::Temporary(t) if t.policy.is_some());
    let bucket_policy = found.as_ref().is_some_and(|(_, b)| b.policy.is_some());
    let context = if session_policy || bucket_policy || !cam.is_empty() {
        condition_context(req)
    } else {
        HashMap::new()
    };
    Facts {
        op,
        caller,
        action: op.action(),
        bucket,
        resource: resource_string(region, bucket, key),
        cam,
        context,
        now: SystemTime::now(),
        existing: found.map(|(_, facts)| facts),
    }
}

/// The condition keys a request carries (cos-api.md §5.2): `qcs:ip`, `cos:secure-transport`,
/// `cos:host`, listing and response parameters, and the upload and ACL headers. A key the request
/// lacks is absent, so a condition on it does not match.
pub fn condition_context(req: &CosRequest) -> HashMap<String, Vec<String>> {
    let mut ctx = HashMap::new();
    if let Some(remote) = req.remote {
        ctx.insert("qcs:ip".to_string(), vec![remote.ip().to_string()]);
    }
    ctx.insert(
        "cos:secure-transport".to_string(),
        vec![req.secure.to_string()],
    );
    ctx.insert(
        "cos:host".to_string(),
        vec![strip_port(&req.host).to_string()],
    );
    for (param, key) in [
        ("prefix", "cos:prefix"),
        ("delimiter", "cos:delimiter"),
        ("max-keys", "cos:max-keys"),
        ("versionId", "cos:versionid"),
        ("response-content-type", "cos:response-content-type"),
    ] {
        let values: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| k == param)
            .map(|(_, v)| v.clone())
            .collect();
        if !values.is_empty() {
            ctx.insert(key.to_string(), values);
        }
    }
    for (name, value) in req.headers.iter() {
        let n = name.as_str();
        let known = matches!(
            n,
            "content-type"
                | "content-length"
                | "x-cos-acl"
                | "x-cos-storage-class"
                | "x-cos-server-side-encryption"
                | "x-cos-forbid-overwrite"
                | "x-cos-traffic-limit"
        ) || n.starts_with("x-cos-grant-");
        if known {
            let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
            ctx.entry(format!("cos:{n}"))
                .or_insert_with(Vec::new)
                .push(v);
        }
    }
    ctx
}
