//! Objects the config file seeds into its buckets (`buckets[].objects`, `oss.buckets[].objects`):
//! checked when the file is parsed (errors name the JSON path), their `body_file`s read once when
//! it is loaded, and built as PUT Object builds an object (ETag = MD5, CRC64, the Content-Type
//! PUT would store, user metadata as `x-cos-meta-*`/`x-oss-meta-*`, canned ACL, tags) at start
//! and again on every reset.
//!
//! cos-mock's choices (COS has no seeding): a seed with neither `body` nor `body_file` is an empty
//! object (a folder marker such as `dir/`); metadata names are given without their prefix; OSS
//! objects take no `acl` or `tags`, as cos-mock models neither for OSS objects.

use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;

use crate::acl::{Acl, Canned, ResourceKind};
use crate::config::ObjectSeed;
use crate::dialect::Dialect;
use crate::object::{self, Object};

/// Checks one seed as a PUT would check its request; the error names the JSON path `at`.
pub fn check(seed: &ObjectSeed, dialect: Dialect, at: &str) -> Result<(), String> {
    let key = &seed.key;
    if key.is_empty() {
        return Err(format!("{at}.key: must not be empty"));
    }
    if crate::request::is_dot_key(key) {
        return Err(format!(
            "{at}.key: a key of only '/', '.' and '..' segments names the bucket itself"
        ));
    }
    crate::store::check_key(key).map_err(|e| format!("{at}.key: {}", e.message))?;
    match (&seed.body, &seed.body_file) {
        (Some(_), Some(_)) => return Err(format!("{at}: give body or body_file, not both")),
        (_, Some(file)) if file.is_empty() => {
            return Err(format!("{at}.body_file: must not be empty"))
        }
        _ => {}
    }
    if let Some(t) = &seed.content_type {
        header_value(t).map_err(|m| format!("{at}.content_type: {m}"))?;
    }
    let prefix = dialect.header_prefix();
    for (name, value) in &seed.metadata {
        let full = format!("{prefix}meta-{name}");
        if name.is_empty() || http::HeaderName::from_bytes(full.as_bytes()).is_err() {
            return Err(format!(
                "{at}.metadata: {name:?} is not a header name (give the part after {prefix}meta-)"
            ));
        }
        header_value(value).map_err(|m| format!("{at}.metadata.{name}: {m}"))?;
    }
    match dialect {
        Dialect::Cos => {
            if let Some(acl) = &seed.acl {
                Canned::parse(ResourceKind::Object, acl)
                    .map_err(|e| format!("{at}.acl: {}", e.message))?;
            }
            crate::tagging::validate(&tags(seed), crate::tagging::Scope::Object)
                .map_err(|e| format!("{at}.tags: {}", e.message))?;
        }
        Dialect::Oss => {
            if seed.acl.is_some() {
                return Err(format!(
                    "{at}.acl: OSS object ACLs are not modelled (an OSS object follows its bucket's ACL)"
                ));
            }
            if !seed.tags.is_empty() {
                return Err(format!("{at}.tags: OSS object tags are not modelled"));
            }
        }
    }
    Ok(())
}

/// Text a response header can carry as it is: visible ASCII, spaces and tabs.
fn header_value(text: &str) -> Result<(), String> {
    match http::HeaderValue::from_str(text) {
        Ok(v) if v.to_str().is_ok() => Ok(()),
        _ => Err(format!(
            "{:?} is not a header value (visible ASCII only)",
            crate::journal::clip(text)
        )),
    }
}

/// The seed's tags, in key order.
fn tags(seed: &ObjectSeed) -> Vec<(String, String)> {
    seed.tags
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Reads every `body_file` of `seeds` (a path relative to `dir`, the config file's directory, or
/// absolute) into the seed, at most `max_bytes` each; `at(j)` is the JSON path of seed `j`.
pub fn read_body_files(
    seeds: &mut [ObjectSeed],
    dir: &Path,
    max_bytes: usize,
    at: impl Fn(usize) -> String,
) -> Result<(), String> {
    for (j, seed) in seeds.iter_mut().enumerate() {
        let Some(file) = &seed.body_file else {
            continue;
        };
        let path = dir.join(file);
        let fail =
            |why: String| format!("{}.body_file: cannot read {}: {why}", at(j), path.display());
        let size = std::fs::metadata(&path)
            .map_err(|e| fail(e.to_string()))?
            .len();
        if size > max_bytes as u64 {
            return Err(fail(format!("{size} bytes, more than {max_bytes}")));
        }
        let data = std::fs::read(&path).map_err(|e| fail(e.to_string()))?;
        seed.file_data = Some(Bytes::from(data));
    }
    Ok(())
}

/// The object a seed stands for, in a bucket owned by `owner_uin` whose objects default to
/// `default_acl`, written at `now`.
pub fn build(
    seed: &ObjectSeed,
    dialect: Dialect,
    owner_uin: &str,
    default_acl: &Arc<Acl>,
    now: SystemTime,
    at: &str,
) -> Result<Object, String> {
    check(seed, dialect, at)?;
    let data = match (&seed.body, &seed.body_file, &seed.file_data) {
        (Some(body), _, _) => Bytes::from(body.clone()),
        (None, Some(_), Some(data)) => data.clone(),
        (None, Some(_), None) => {
            return Err(format!(
                "{at}.body_file: not read (Config::load_file reads body files)"
            ))
        }
        (None, None, _) => Bytes::new(),
    };
    let prefix = dialect.header_prefix();
    let headers: Vec<(String, String)> = seed
        .metadata
        .iter()
        .map(|(name, value)| {
            (
                format!("{prefix}meta-{}", name.to_ascii_lowercase()),
                value.clone(),
            )
        })
        .collect();
    let acl = match &seed.acl {
        Some(acl) => {
            let canned = Canned::parse(ResourceKind::Object, acl).map_err(|e| e.message)?;
            Arc::new(Acl::from_canned(owner_uin, canned))
        }
        None => default_acl.clone(),
    };
    // Summed as a PUT's body is.
    let payload = crate::checksum::Payload::of(data);
    Ok(Object {
        etag: crate::checksum::ETag::of_md5(payload.md5),
        crc64: payload.crc64,
        data: payload.data,
        last_modified: now,
        content_type: crate::handlers::object::content_type(
            seed.content_type.as_deref(),
            &seed.key,
        ),
        headers: headers.into(),
        storage_class: "STANDARD",
        acl,
        version_id: object::NULL_VERSION.into(),
        tags: tags(seed).into(),
        appendable: false,
        symlink_target: None,
        encryption: Box::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(key: &str) -> ObjectSeed {
        ObjectSeed {
            key: key.into(),
            body: Some("hello".into()),
            ..ObjectSeed::default()
        }
    }

    fn build_cos(s: &ObjectSeed) -> Result<Object, String> {
        let default = Arc::new(Acl::object_default("1"));
        build(s, Dialect::Cos, "1", &default, SystemTime::UNIX_EPOCH, "o")
    }

    #[test]
    fn build_is_what_a_put_stores() {
        let mut s = seed("docs/a.txt");
        s.metadata.insert("Owner".into(), "alice".into());
        s.tags.insert("team".into(), "a".into());
        s.acl = Some("public-read".into());
        let o = build_cos(&s).unwrap();
        assert_eq!(o.etag.to_string(), "\"5d41402abc4b2a76b9719d911017c592\"");
        assert_eq!(o.crc64, crate::checksum::crc64(b"hello"));
        assert_eq!(o.content_type, "text/plain");
        assert_eq!(
            &*o.headers,
            [("x-cos-meta-owner".to_string(), "alice".to_string())]
        );
        assert_eq!(&*o.tags, [("team".to_string(), "a".to_string())]);
        assert_eq!(o.acl.canned_name(), Some("public-read"));
        assert_eq!(o.version_id, "null");
        let empty = build_cos(&ObjectSeed {
            key: "dir/".into(),
            ..ObjectSeed::default()
        })
        .unwrap();
        assert_eq!(empty.data.len(), 0);
        assert_eq!(empty.acl.canned_name(), Some("default"));
    }

    #[test]
    fn check_refuses_what_a_put_would_with_the_json_path() {
        let cases: Vec<(ObjectSeed, &str)> = vec![
            (seed(""), "o.key: must not be empty"),
            (seed("./.."), "o.key: a key of only"),
            (seed(&"k".repeat(900)), "o.key: Your key is too long"),
            (seed("a\u{1}b"), "o.key: The object key holds U+0001"),
            (
                ObjectSeed {
                    body_file: Some("f".into()),
                    ..seed("k")
                },
                "o: give body or body_file, not both",
            ),
            (
                ObjectSeed {
                    acl: Some("public".into()),
                    ..seed("k")
                },
                "o.acl: Invalid x-cos-acl value 'public'",
            ),
            (
                ObjectSeed {
                    content_type: Some("text/plain\r\nx: y".into()),
                    ..seed("k")
                },
                "o.content_type: ",
            ),
        ];
        for (s, want) in cases {
            let err = check(&s, Dialect::Cos, "o").unwrap_err();
            assert!(err.starts_with(want), "{want} -> {err}");
        }
        let mut s = seed("k");
        s.metadata.insert("bad name".into(), "v".into());
        assert!(check(&s, Dialect::Cos, "o")
            .unwrap_err()
            .starts_with("o.metadata: "));
        let mut s = seed("k");
        s.metadata.insert("m".into(), "café".into());
        assert!(check(&s, Dialect::Cos, "o")
            .unwrap_err()
            .starts_with("o.metadata.m: "));
        let mut s = seed("k");
        s.tags.insert("qcs:x".into(), "v".into());
        assert!(check(&s, Dialect::Cos, "o")
            .unwrap_err()
            .starts_with("o.tags: "));
        let mut s = seed("k");
        s.tags.insert("t".into(), "v".into());
        assert!(check(&s, Dialect::Oss, "o")
            .unwrap_err()
            .starts_with("o.tags: OSS"));
        s.tags.clear();
        s.acl = Some("private".into());
        assert!(check(&s, Dialect::Oss, "o")
            .unwrap_err()
            .starts_with("o.acl: OSS"));
    }

    #[test]
    fn read_body_files_resolves_against_the_config_directory() {
        let dir = std::env::temp_dir().join(format!("cos-mock-seed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("body.bin"), b"from a file").unwrap();
        let mut seeds = vec![ObjectSeed {
            key: "k".into(),
            body_file: Some("body.bin".into()),
            ..ObjectSeed::default()
        }];
        read_body_files(&mut seeds, &dir, 100, |j| format!("b.objects[{j}]")).unwrap();
        assert_eq!(seeds[0].file_data.as_deref(), Some(&b"from a file"[..]));
        let err = read_body_files(&mut seeds, &dir, 5, |j| format!("b.objects[{j}]")).unwrap_err();
        assert!(err.contains("11 bytes, more than 5"), "{err}");
        seeds[0].body_file = Some("missing.bin".into());
        let err =
            read_body_files(&mut seeds, &dir, 100, |j| format!("b.objects[{j}]")).unwrap_err();
        assert!(
            err.starts_with("b.objects[0].body_file: cannot read "),
            "{err}"
        );
        assert!(err.contains("No such file"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
