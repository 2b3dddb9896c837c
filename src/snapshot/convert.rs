//! Between the store's values and the model: `*_to_doc` write what is stored, `*_from_doc` check a
//! document with the API's own validators (policy, ACL, CORS, lifecycle, tagging, encryption,
//! configurations, names, keys, storage classes) so that no document makes a state the API could
//! not, and name the JSON path of the first thing wrong.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::model::*;
use crate::acl::{self, Acl, Canned, ResourceKind};
use crate::checksum::{self, ETag};
use crate::data::Data;
use crate::dialect::Dialect;
use crate::object::Object;
use crate::restore::Restore;
use crate::store::{Bucket, OssStoredPolicy, StoredPolicy};
use crate::uploads::{Completed, Part, Upload};
use crate::versioning::{Status, Version};

/// What is wrong with a document, and where (`$.buckets[0].acl.xml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    pub at: String,
    pub why: String,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.why)
    }
}

pub(crate) fn err(at: &str, why: impl std::fmt::Display) -> DocError {
    DocError {
        at: at.to_string(),
        why: why.to_string(),
    }
}

/// A body on its way out: inline base64, or the names of files holding its chunks.
#[derive(Debug, Clone, Default)]
pub struct BodyOut {
    pub base64: Option<String>,
    pub files: Option<Vec<String>>,
}

/// Writes a body out (base64, or files in a data directory).
pub type Sink<'a> = dyn FnMut(&Data) -> Result<BodyOut, String> + 'a;

/// A body on its way in, as the document gives it.
pub struct BodyIn<'a> {
    pub base64: Option<&'a str>,
    pub path: Option<&'a str>,
    pub files: Option<&'a [String]>,
}

/// Reads a body in (from base64 or a path on import; from files in a data directory).
pub type Source<'a> = dyn Fn(&BodyIn, &str) -> Result<Data, DocError> + 'a;

/// The body as base64, for the export document.
pub fn inline(data: &Data) -> Result<BodyOut, String> {
    let mut text = String::with_capacity(data.len().div_ceil(3) * 4);
    let engine = base64::engine::general_purpose::STANDARD;
    // Chunks are encoded one by one only when each is a multiple of 3 bytes long; else joined.
    if data.chunks().all(|c| c.len() % 3 == 0) {
        for c in data.chunks() {
            engine.encode_string(c, &mut text);
        }
    } else {
        engine.encode_string(data.to_bytes(), &mut text);
    }
    Ok(BodyOut {
        base64: Some(text),
        files: None,
    })
}

/// A time as RFC 3339 with nanoseconds (exact: restores compare Last-Modified exactly).
pub fn time_str(t: SystemTime) -> String {
    OffsetDateTime::from(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// Parses [`time_str`]'s form; the year must lie within 1970..=9999, as every time cos-mock keeps.
pub fn parse_time(text: &str, at: &str) -> Result<SystemTime, DocError> {
    let t = OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| err(at, format!("{text:?} is not an RFC 3339 time: {e}")))?;
    if !(1970..=9999).contains(&t.year()) {
        return Err(err(at, "the year must lie within 1970..=9999"));
    }
    Ok(t.into())
}

fn join(at: &str, field: &str) -> String {
    format!("{at}.{field}")
}

// ---------------------------------------------------------------------------------------------
// Out.

/// A bucket's head: everything but its keys, uploads and completed uploads.
pub fn head_to_doc(dialect: Dialect, b: &Bucket) -> BucketDoc {
    let policy = match dialect {
        Dialect::Cos => b.policy.as_ref().map(|p| p.text.clone()),
        Dialect::Oss => b.oss_policy.as_ref().map(|p| p.text.clone()),
    };
    BucketDoc {
        dialect: dialect_name(dialect).into(),
        name: b.name.clone(),
        owner: b.owner_uin.clone(),
        region: b.region.clone(),
        created: time_str(b.created),
        acl: acl_to_doc(&b.acl),
        policy,
        versioning: match b.versioning {
            Status::Off => "Off",
            Status::Enabled => "Enabled",
            Status::Suspended => "Suspended",
        }
        .into(),
        cors: b.cors.as_ref().and_then(|c| crate::cors::to_xml(c).ok()),
        lifecycle: b
            .lifecycle
            .as_ref()
            .and_then(|c| crate::lifecycle::to_xml(c).ok()),
        tagging: b.tagging.clone(),
        encryption: b
            .encryption
            .as_ref()
            .and_then(|e| crate::sse::config_to_xml(e).ok()),
        configurations: b
            .configs
            .entries()
            .map(|(kind, id, doc)| ConfigDoc {
                kind: kind.label().into(),
                id: kind.keyed().then(|| id.to_string()),
                document: doc.to_document(),
            })
            .collect(),
        restores: {
            let mut r: Vec<RestoreDoc> = b
                .restores
                .iter()
                .map(|(key, r)| RestoreDoc {
                    key: key.clone(),
                    etag: r.etag.clone(),
                    last_modified: time_str(r.last_modified),
                    ready_at: time_str(r.ready_at),
                    expires_at: time_str(r.expires_at),
                })
                .collect();
            r.sort_by(|a, b| a.key.cmp(&b.key));
            r
        },
        completed_uploads: Vec::new(),
        objects: Vec::new(),
        uploads: Vec::new(),
    }
}

pub fn completed_to_doc(b: &Bucket) -> Vec<CompletedDoc> {
    b.completed
        .iter()
        .map(|c| CompletedDoc {
            key: c.key.clone(),
            upload_id: c.upload_id.clone(),
            parts: c.parts.clone(),
            body: c.body.clone(),
            crc64: c.crc64.clone(),
            encryption: c.encryption.clone(),
            version_id: c.version_id.clone(),
        })
        .collect()
}

/// The whole bucket, bodies written by `sink`.
pub fn bucket_to_doc(dialect: Dialect, b: &Bucket, sink: &mut Sink) -> Result<BucketDoc, String> {
    let mut doc = head_to_doc(dialect, b);
    doc.completed_uploads = completed_to_doc(b);
    for key in b.keys_from(std::ops::Bound::Unbounded) {
        if let Some(k) = key_to_doc(b, key, sink)? {
            doc.objects.push(k);
        }
    }
    for u in b.uploads.values() {
        doc.uploads.push(upload_to_doc(u, sink)?);
    }
    Ok(doc)
}

pub fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Cos => "cos",
        Dialect::Oss => "oss",
    }
}

/// A key's record; `None` when the key holds nothing (no object, no history).
pub fn key_to_doc(b: &Bucket, key: &str, sink: &mut Sink) -> Result<Option<KeyDoc>, String> {
    if let Some(history) = b.versions.get(key) {
        let versions = history
            .iter()
            .map(|v| {
                Ok(VersionDoc {
                    version_id: v.version_id.clone(),
                    last_modified: time_str(v.last_modified),
                    object: match &v.object {
                        Some(o) => Some(object_to_doc(o, sink)?),
                        None => None,
                    },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        return Ok(Some(KeyDoc {
            key: key.to_string(),
            object: None,
            versions: Some(versions),
        }));
    }
    match b.objects.get(key) {
        Some(o) => Ok(Some(KeyDoc {
            key: key.to_string(),
            object: Some(object_to_doc(o, sink)?),
            versions: None,
        })),
        None => Ok(None),
    }
}

pub fn object_to_doc(o: &Object, sink: &mut Sink) -> Result<ObjectDoc, String> {
    let body = sink(&o.data)?;
    Ok(ObjectDoc {
        size: Some(o.data.len() as u64),
        body_base64: body.base64,
        body_path: None,
        body_files: body.files,
        ..template_to_doc(o)
    })
}

/// An object's metadata without its body.
fn template_to_doc(o: &Object) -> ObjectDoc {
    ObjectDoc {
        size: None,
        etag: o.etag.to_string(),
        crc64: o.crc64.to_string(),
        last_modified: time_str(o.last_modified),
        content_type: o.content_type.to_string(),
        headers: o.headers.to_vec(),
        storage_class: o.storage_class.into(),
        acl: acl_to_doc(&o.acl),
        version_id: o.version_id.to_string(),
        tags: o.tags.to_vec(),
        appendable: o.appendable,
        encryption: o.encryption.to_vec(),
        symlink_target: o.symlink_target.as_deref().map(str::to_string),
        body_base64: None,
        body_path: None,
        body_files: None,
    }
}

pub fn upload_to_doc(u: &Upload, sink: &mut Sink) -> Result<UploadDoc, String> {
    let parts = u
        .parts
        .iter()
        .map(|(n, p)| {
            let body = sink(&p.data)?;
            Ok(PartDoc {
                number: *n,
                etag: p.etag.clone(),
                last_modified: time_str(p.last_modified),
                body_base64: body.base64,
                body_path: None,
                body_files: body.files,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(UploadDoc {
        key: u.key.clone(),
        upload_id: u.upload_id.clone(),
        initiated: time_str(u.initiated),
        initiator: u.initiator.clone(),
        template: template_to_doc(&u.template),
        parts,
    })
}

fn acl_to_doc(a: &Acl) -> AclDoc {
    let canned = a.canned.map(|c| c.as_str().to_string());
    let exactly_canned = match a.canned {
        Some(Canned::Default) => a.grants.is_empty(),
        Some(c) => a.grants == c.grants(&a.owner),
        None => false,
    };
    AclDoc {
        canned,
        xml: (!exactly_canned).then(|| acl::body::to_xml(a)),
    }
}

// ---------------------------------------------------------------------------------------------
// In.

/// What checking a document needs from the server: its configuration (accounts, policy limits).
pub struct Check<'a> {
    pub config: &'a crate::config::Config,
    pub body: &'a Source<'a>,
}

pub fn dialect_of(name: &str, at: &str) -> Result<Dialect, DocError> {
    match name {
        "cos" => Ok(Dialect::Cos),
        "oss" => Ok(Dialect::Oss),
        other => Err(err(at, format!("{other:?} is not cos or oss"))),
    }
}

/// A bucket's head (no keys, uploads or completed uploads).
pub fn head_from_doc(d: &BucketDoc, at: &str, cx: &Check) -> Result<(Dialect, Bucket), DocError> {
    let dialect = dialect_of(&d.dialect, &join(at, "dialect"))?;
    let name_at = join(at, "name");
    match dialect {
        Dialect::Cos => {
            crate::store::validate_bucket_name(&d.name).map_err(|e| err(&name_at, e.message))?;
            let appid = crate::store::appid_of(&d.name).unwrap_or_default();
            if !cx
                .config
                .accounts
                .iter()
                .any(|a| a.uin == d.owner && a.appid == appid)
            {
                return Err(err(
                    &join(at, "owner"),
                    format!(
                        "no configured account has uin {:?} and APPID {appid}",
                        d.owner
                    ),
                ));
            }
        }
        Dialect::Oss => {
            crate::dialect::oss::hosts::validate_bucket_name(&d.name)
                .map_err(|e| err(&name_at, e))?;
            if !cx.config.oss.accounts.iter().any(|a| a.uid == d.owner) {
                return Err(err(
                    &join(at, "owner"),
                    format!("no configured OSS account has uid {:?}", d.owner),
                ));
            }
        }
    }
    if d.region.is_empty()
        || d.region.len() > 64
        || !d
            .region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(err(
            &join(at, "region"),
            "a region is 1 to 64 of a-z, 0-9 and -",
        ));
    }
    let mut b = Bucket::new(&d.name, &d.owner, &d.region);
    b.created = parse_time(&d.created, &join(at, "created"))?;
    b.acl = Arc::new(acl_from_doc(
        &d.acl,
        ResourceKind::Bucket,
        &d.owner,
        &join(at, "acl"),
    )?);
    if let Some(text) = &d.policy {
        let pat = join(at, "policy");
        match dialect {
            Dialect::Cos => {
                let limits = crate::policy::Limits {
                    max_bytes: cx.config.policy_max_bytes,
                };
                let parsed = crate::policy::parse(
                    text.as_bytes(),
                    crate::policy::PolicyKind::Bucket,
                    &limits,
                )
                .map_err(|e| err(&pat, e.message))?;
                b.policy = Some(Arc::new(StoredPolicy {
                    text: text.clone(),
                    parsed,
                }));
            }
            Dialect::Oss => {
                let parsed = crate::dialect::oss::policy::parse(
                    text.as_bytes(),
                    crate::dialect::oss::policy::PolicyKind::Bucket,
                )
                .map_err(|e| err(&pat, e))?;
                b.oss_policy = Some(Arc::new(OssStoredPolicy {
                    text: text.clone(),
                    parsed,
                }));
            }
        }
    }
    b.versioning = match d.versioning.as_str() {
        "Off" => Status::Off,
        "Enabled" => Status::Enabled,
        "Suspended" => Status::Suspended,
        other => {
            return Err(err(
                &join(at, "versioning"),
                format!("{other:?} is not Off, Enabled or Suspended"),
            ))
        }
    };
    if let Some(xml) = &d.cors {
        b.cors = Some(
            crate::cors::from_xml(xml.as_bytes()).map_err(|e| err(&join(at, "cors"), e.message))?,
        );
    }
    if let Some(xml) = &d.lifecycle {
        b.lifecycle = Some(
            crate::lifecycle::from_xml(xml.as_bytes())
                .map_err(|e| err(&join(at, "lifecycle"), e.message))?,
        );
    }
    if let Some(tags) = &d.tagging {
        crate::tagging::validate(tags, crate::tagging::Scope::Bucket)
            .map_err(|e| err(&join(at, "tagging"), e.message))?;
        b.tagging = Some(tags.clone());
    }
    if let Some(xml) = &d.encryption {
        b.encryption = Some(
            crate::sse::config_from_xml(xml.as_bytes())
                .map_err(|e| err(&join(at, "encryption"), e.message))?,
        );
    }
    for (i, c) in d.configurations.iter().enumerate() {
        let cat = format!("{at}.configurations[{i}]");
        let kind = crate::bucket_config::Kind::ALL
            .iter()
            .copied()
            .find(|k| k.label() == c.kind)
            .ok_or_else(|| {
                err(
                    &join(&cat, "kind"),
                    format!("{:?} is not a configuration kind", c.kind),
                )
            })?;
        if kind.keyed() != c.id.is_some() {
            return Err(err(
                &join(&cat, "id"),
                "keyed kinds (inventory, intelligent-tiering) need an id; others take none",
            ));
        }
        let put = crate::bucket_config::parse(kind, c.document.as_bytes(), c.id.as_deref())
            .map_err(|e| err(&join(&cat, "document"), e.message))?;
        let crate::bucket_config::Put::Set(doc) = put else {
            return Err(err(
                &join(&cat, "document"),
                "the document clears the configuration",
            ));
        };
        if b.configs.get(kind, c.id.as_deref().unwrap_or("")).is_some() {
            return Err(err(&cat, "this configuration is given twice"));
        }
        b.configs
            .put(kind, c.id.as_deref().unwrap_or(""), doc)
            .map_err(|e| err(&cat, e.message))?;
    }
    for (i, r) in d.restores.iter().enumerate() {
        let rat = format!("{at}.restores[{i}]");
        crate::store::check_key(&r.key).map_err(|e| err(&join(&rat, "key"), e.message))?;
        parse_etag(&r.etag, &join(&rat, "etag"))?;
        let restore = Restore {
            etag: r.etag.clone(),
            last_modified: parse_time(&r.last_modified, &join(&rat, "last_modified"))?,
            ready_at: parse_time(&r.ready_at, &join(&rat, "ready_at"))?,
            expires_at: parse_time(&r.expires_at, &join(&rat, "expires_at"))?,
        };
        if b.restores.insert(r.key.clone(), restore).is_some() {
            return Err(err(&rat, format!("key {:?} has two restores", r.key)));
        }
    }
    Ok((dialect, b))
}

/// Remembers the completed uploads of a document.
pub fn completed_from_doc(b: &mut Bucket, list: &[CompletedDoc], at: &str) -> Result<(), DocError> {
    if list.len() > crate::uploads::REMEMBERED_COMPLETIONS {
        return Err(err(
            at,
            format!(
                "at most {} completed uploads are remembered",
                crate::uploads::REMEMBERED_COMPLETIONS
            ),
        ));
    }
    for (i, c) in list.iter().enumerate() {
        let cat = format!("{at}[{i}]");
        crate::store::check_key(&c.key).map_err(|e| err(&join(&cat, "key"), e.message))?;
        check_upload_id(&c.upload_id, &join(&cat, "upload_id"))?;
        check_pairs(&c.encryption, &join(&cat, "encryption"))?;
        b.completed.remember(Completed {
            key: c.key.clone(),
            upload_id: c.upload_id.clone(),
            parts: c.parts.clone(),
            body: c.body.clone(),
            crc64: c.crc64.clone(),
            encryption: c.encryption.clone(),
            version_id: c.version_id.clone(),
        });
    }
    Ok(())
}

/// Adds one key (its object or its history) to `b`.
pub fn key_from_doc(b: &mut Bucket, k: &KeyDoc, at: &str, cx: &Check) -> Result<(), DocError> {
    check_object_key(&k.key, &join(at, "key"))?;
    if b.objects.contains_key(k.key.as_str()) || b.versions.contains_key(&k.key) {
        return Err(err(
            &join(at, "key"),
            format!("key {:?} is given twice", k.key),
        ));
    }
    match (&k.object, &k.versions) {
        (Some(o), None) => {
            let obj = object_from_doc(b, o, &join(at, "object"), cx, true)?;
            b.objects.insert(k.key.as_str().into(), Arc::new(obj));
        }
        (None, Some(versions)) if !versions.is_empty() => {
            let mut history = Vec::with_capacity(versions.len());
            for (i, v) in versions.iter().enumerate() {
                let vat = format!("{at}.versions[{i}]");
                check_version_id(&v.version_id, &join(&vat, "version_id"))?;
                if history
                    .iter()
                    .any(|h: &Version| h.version_id == v.version_id)
                {
                    return Err(err(
                        &join(&vat, "version_id"),
                        "this version id is given twice",
                    ));
                }
                let last_modified = parse_time(&v.last_modified, &join(&vat, "last_modified"))?;
                let object = match &v.object {
                    Some(o) => {
                        let obj = object_from_doc(b, o, &join(&vat, "object"), cx, true)?;
                        if obj.version_id != v.version_id.as_str() {
                            return Err(err(
                                &join(&vat, "object.version_id"),
                                "differs from the version's version_id",
                            ));
                        }
                        Some(Arc::new(obj))
                    }
                    None => None,
                };
                history.push(Version {
                    version_id: v.version_id.clone(),
                    last_modified,
                    object,
                });
            }
            b.versions.insert(k.key.clone(), history);
            b.sync_current(&k.key);
        }
        _ => {
            return Err(err(
                at,
                "give either object or a non-empty list of versions",
            ))
        }
    }
    Ok(())
}

/// Adds one multipart upload in progress to `b`.
pub fn upload_from_doc(
    b: &mut Bucket,
    u: &UploadDoc,
    at: &str,
    cx: &Check,
) -> Result<(), DocError> {
    check_object_key(&u.key, &join(at, "key"))?;
    check_upload_id(&u.upload_id, &join(at, "upload_id"))?;
    if u.initiator.is_empty() || u.initiator.len() > 256 {
        return Err(err(&join(at, "initiator"), "1 to 256 characters"));
    }
    let template = object_from_doc(b, &u.template, &join(at, "template"), cx, false)?;
    let mut upload = Upload {
        key: u.key.clone(),
        upload_id: u.upload_id.clone(),
        initiated: parse_time(&u.initiated, &join(at, "initiated"))?,
        initiator: u.initiator.clone(),
        template,
        parts: Default::default(),
    };
    for (i, p) in u.parts.iter().enumerate() {
        let pat = format!("{at}.parts[{i}]");
        if !(1..=crate::uploads::MAX_PART_NUMBER).contains(&p.number) {
            return Err(err(
                &join(&pat, "number"),
                format!("part numbers run 1 to {}", crate::uploads::MAX_PART_NUMBER),
            ));
        }
        let data = (cx.body)(
            &BodyIn {
                base64: p.body_base64.as_deref(),
                path: p.body_path.as_deref(),
                files: p.body_files.as_deref(),
            },
            &pat,
        )?;
        let mut part = Part::new(checksum::Payload::of(data), SystemTime::UNIX_EPOCH);
        part.last_modified = parse_time(&p.last_modified, &join(&pat, "last_modified"))?;
        if part.etag.trim_matches('"') != p.etag.trim_matches('"') {
            return Err(err(
                &join(&pat, "etag"),
                format!(
                    "{} is not the ETag of the part's body ({})",
                    p.etag, part.etag
                ),
            ));
        }
        if upload.parts.insert(p.number, part).is_some() {
            return Err(err(
                &join(&pat, "number"),
                "this part number is given twice",
            ));
        }
    }
    if b.uploads
        .insert((u.key.clone(), u.upload_id.clone()), upload)
        .is_some()
    {
        return Err(err(&join(at, "upload_id"), "this upload is given twice"));
    }
    Ok(())
}

fn object_from_doc(
    b: &Bucket,
    o: &ObjectDoc,
    at: &str,
    cx: &Check,
    with_body: bool,
) -> Result<Object, DocError> {
    let data = if with_body {
        (cx.body)(
            &BodyIn {
                base64: o.body_base64.as_deref(),
                path: o.body_path.as_deref(),
                files: o.body_files.as_deref(),
            },
            at,
        )?
    } else {
        if o.body_base64.is_some() || o.body_path.is_some() || o.body_files.is_some() {
            return Err(err(at, "an upload's template has no body"));
        }
        Data::default()
    };
    if let Some(size) = o.size {
        if size != data.len() as u64 {
            return Err(err(
                &join(at, "size"),
                format!("{size} is not the body's length {}", data.len()),
            ));
        }
    }
    let crc64: u64 = o
        .crc64
        .parse()
        .map_err(|_| err(&join(at, "crc64"), "not a decimal 64-bit number"))?;
    let actual = data.chunks().fold(checksum::crc64(b""), |crc, c| {
        checksum::crc64_combine(crc, checksum::crc64(c), c.len() as u64)
    });
    if with_body && crc64 != actual {
        return Err(err(&join(at, "crc64"), "is not the CRC-64 of the body"));
    }
    let storage_class = crate::object::class_name(&o.storage_class).ok_or_else(|| {
        err(
            &join(at, "storage_class"),
            format!("{:?} is not a storage class", o.storage_class),
        )
    })?;
    check_pairs(&o.headers, &join(at, "headers"))?;
    check_pairs(&o.encryption, &join(at, "encryption"))?;
    if !o.tags.is_empty() {
        crate::tagging::validate(&o.tags, crate::tagging::Scope::Object)
            .map_err(|e| err(&join(at, "tags"), e.message))?;
    }
    if o.content_type.len() > 1024 || http::HeaderValue::from_str(&o.content_type).is_err() {
        return Err(err(&join(at, "content_type"), "not a header value"));
    }
    check_version_id(&o.version_id, &join(at, "version_id"))?;
    if let Some(t) = &o.symlink_target {
        crate::store::check_key(t).map_err(|e| err(&join(at, "symlink_target"), e.message))?;
    }
    let acl = acl_from_doc(&o.acl, ResourceKind::Object, &b.owner_uin, &join(at, "acl"))?;
    let acl = if acl == *b.default_object_acl {
        b.default_object_acl.clone()
    } else {
        Arc::new(acl)
    };
    Ok(Object {
        data,
        etag: parse_etag(&o.etag, &join(at, "etag"))?,
        crc64,
        last_modified: parse_time(&o.last_modified, &join(at, "last_modified"))?,
        content_type: Cow::Owned(o.content_type.clone()),
        headers: o.headers.clone().into_boxed_slice(),
        storage_class,
        acl,
        version_id: if o.version_id == crate::object::NULL_VERSION {
            Cow::Borrowed(crate::object::NULL_VERSION)
        } else {
            Cow::Owned(o.version_id.clone())
        },
        tags: o.tags.clone().into_boxed_slice(),
        appendable: o.appendable,
        encryption: o.encryption.clone().into_boxed_slice(),
        symlink_target: o.symlink_target.as_deref().map(Into::into),
    })
}

fn acl_from_doc(a: &AclDoc, kind: ResourceKind, owner: &str, at: &str) -> Result<Acl, DocError> {
    let canned = match &a.canned {
        Some(name) => {
            Some(Canned::parse(kind, name).map_err(|e| err(&join(at, "canned"), e.message))?)
        }
        None => None,
    };
    match (&a.xml, canned) {
        (Some(xml), canned) => {
            let mut acl = acl::body::from_xml(kind, owner, xml.as_bytes())
                .map_err(|e| err(&join(at, "xml"), e.message))?;
            acl.canned = canned;
            Ok(acl)
        }
        (None, Some(c)) => Ok(Acl::from_canned(owner, c)),
        (None, None) => Err(err(at, "give canned, xml or both")),
    }
}

/// `"<32 hex>"` or `"<32 hex>-<parts>"`.
fn parse_etag(text: &str, at: &str) -> Result<ETag, DocError> {
    let bad = || {
        err(
            at,
            format!("{text:?} is not an ETag (\"<md5 hex>\" or \"<md5 hex>-<parts>\")"),
        )
    };
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(bad)?;
    let (hex_part, parts) = match inner.split_once('-') {
        Some((h, n)) => {
            let n: u32 = n.parse().map_err(|_| bad())?;
            if !(1..=crate::uploads::MAX_PART_NUMBER).contains(&n) {
                return Err(bad());
            }
            (h, n)
        }
        None => (inner, 0),
    };
    let mut md5 = [0u8; 16];
    if hex_part.len() != 32 || hex::decode_to_slice(hex_part, &mut md5).is_err() {
        return Err(bad());
    }
    Ok(if parts == 0 {
        ETag::of_md5(md5)
    } else {
        ETag::multipart(md5, parts)
    })
}

/// A key an object can have: not empty, and what `store::check_key` accepts.
fn check_object_key(key: &str, at: &str) -> Result<(), DocError> {
    if key.is_empty() {
        return Err(err(at, "an object key is not empty"));
    }
    crate::store::check_key(key).map_err(|e| err(at, e.message))
}

fn check_pairs(pairs: &[(String, String)], at: &str) -> Result<(), DocError> {
    if pairs.len() > 1000 {
        return Err(err(at, "at most 1000 headers"));
    }
    for (i, (name, value)) in pairs.iter().enumerate() {
        if http::HeaderName::from_bytes(name.as_bytes()).is_err()
            || http::HeaderValue::from_str(value).is_err()
        {
            return Err(err(&format!("{at}[{i}]"), "not a header name and value"));
        }
    }
    Ok(())
}

fn check_version_id(id: &str, at: &str) -> Result<(), DocError> {
    if id.is_empty()
        || id.len() > 128
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    {
        return Err(err(
            at,
            "a version id is 1 to 128 letters, digits, -, _ or =",
        ));
    }
    Ok(())
}

fn check_upload_id(id: &str, at: &str) -> Result<(), DocError> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(err(at, "an upload id is 1 to 128 letters or digits"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn time_round_trips_with_nanoseconds() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 123_456_789);
        let text = time_str(t);
        assert_eq!(text, "2023-11-14T22:13:20.123456789Z");
        assert_eq!(parse_time(&text, "$").unwrap(), t);
        assert!(parse_time("1969-12-31T23:59:59Z", "$").is_err());
        assert!(parse_time("10000-01-01T00:00:00Z", "$").is_err());
        assert_eq!(parse_time("soon", "$.x").unwrap_err().at, "$.x");
    }

    #[test]
    fn etag_parses_what_it_prints() {
        for e in [
            ETag::of_md5([7; 16]),
            ETag::multipart([9; 16], 3),
            ETag::default(),
        ] {
            assert_eq!(parse_etag(&e.to_string(), "$").unwrap(), e);
        }
        for bad in [
            "",
            "\"\"",
            "abc",
            "\"0123\"",
            "\"07070707070707070707070707070707-0\"",
            "\"07070707070707070707070707070707-x\"",
            "07070707070707070707070707070707",
        ] {
            assert!(parse_etag(bad, "$").is_err(), "{bad}");
        }
    }

    #[test]
    fn acl_round_trips_canned_and_custom() {
        let owner = "100000000001";
        let canned = Acl::from_canned(owner, Canned::PublicRead);
        let doc = acl_to_doc(&canned);
        assert_eq!(doc.xml, None);
        assert_eq!(
            acl_from_doc(&doc, ResourceKind::Bucket, owner, "$").unwrap(),
            canned
        );
        let mut custom = canned.clone();
        custom.grants.push(acl::model::Grant::new(
            acl::model::Grantee::root("100000000002"),
            acl::model::Permission::Write,
        ));
        let doc = acl_to_doc(&custom);
        assert!(doc.xml.is_some());
        assert_eq!(
            acl_from_doc(&doc, ResourceKind::Bucket, owner, "$").unwrap(),
            custom
        );
        let default = Acl::object_default(owner);
        assert_eq!(
            acl_from_doc(&acl_to_doc(&default), ResourceKind::Object, owner, "$").unwrap(),
            default
        );
        let none = AclDoc {
            canned: None,
            xml: None,
        };
        assert!(acl_from_doc(&none, ResourceKind::Object, owner, "$").is_err());
    }

    #[test]
    fn inline_body_is_base64_of_the_joined_chunks() {
        let data = Data::joined([Bytes::from_static(b"ab"), Bytes::from_static(b"cde")]);
        assert_eq!(inline(&data).unwrap().base64.as_deref(), Some("YWJjZGU="));
        let data = Data::joined([Bytes::from_static(b"abc"), Bytes::from_static(b"def")]);
        assert_eq!(inline(&data).unwrap().base64.as_deref(), Some("YWJjZGVm"));
    }
}
