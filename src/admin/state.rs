//! `GET /_cos-mock/state`: every bucket of both dialects with its objects, as JSON.

use serde_json::json;

use crate::clock::iso8601;
use crate::AppState;

/// Every bucket with its objects, and the count of caught handler panics, as
/// `GET /_cos-mock/state` shows it.
pub fn state_json(state: &AppState) -> serde_json::Value {
    let dialects = [("cos", &state.store), ("oss", &state.oss_store)];
    let buckets: Vec<_> = dialects
        .into_iter()
        .flat_map(|(dialect, store)| store.buckets().into_iter().map(move |b| (dialect, b)))
        .map(|(dialect, b)| {
            let objects: Vec<_> = b
                .objects
                .iter()
                .map(|(key, o)| {
                    let mut v = json!({
                        "key": key,
                        "size": o.data.len(),
                        "etag": o.etag.to_string(),
                        "acl": acl_label(&o.acl),
                        "version_id": o.version_id,
                        "tags": tag_map(&o.tags),
                        "appendable": o.appendable,
                    });
                    if let Some(target) = &o.symlink_target {
                        v["symlink_target"] = json!(target);
                    }
                    v
                })
                .collect();
            let text = match dialect {
                "oss" => b.oss_policy.as_ref().map(|p| p.text.as_str()),
                _ => b.policy.as_ref().map(|p| p.text.as_str()),
            };
            let policy = text.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
            let (versions, delete_markers) = b.version_counts();
            // CORS and lifecycle are kept apart from the other configurations, but shown with them.
            let mut configurations = b.configs.to_json();
            if let Some(map) = configurations.as_object_mut() {
                let cors = b.cors.as_ref().and_then(|c| crate::cors::to_xml(c).ok());
                let lifecycle = b
                    .lifecycle
                    .as_ref()
                    .and_then(|c| crate::lifecycle::to_xml(c).ok());
                for (name, xml) in [("cors", cors), ("lifecycle", lifecycle)] {
                    if let Some(xml) = xml {
                        map.insert(name.to_string(), json!(xml));
                    }
                }
            }
            json!({
                "dialect": dialect,
                "name": b.name,
                "owner": b.owner_uin,
                "region": b.region,
                "created": iso8601(b.created),
                "acl": acl_label(&b.acl),
                "policy": policy,
                "configurations": configurations,
                "tags": b.tagging.as_deref().map(tag_map),
                "encryption": b.encryption.as_ref().map(|e| e.algorithm.as_str()),
                "objects": objects,
                "versioning": b.versioning.as_str(),
                "versions": versions,
                "delete_markers": delete_markers,
            })
        })
        .collect();
    json!({ "buckets": buckets, "panics": state.panics() })
}

/// Tags as a JSON object.
fn tag_map(tags: &[(String, String)]) -> serde_json::Value {
    tags.iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The canned name an ACL amounts to, or `custom` for explicit grants.
fn acl_label(acl: &crate::acl::Acl) -> &'static str {
    acl.canned_name().unwrap_or("custom")
}
