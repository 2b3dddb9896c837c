//! APPEND Object (`POST /<key>?append&position=N`): an object written in pieces. The first append
//! (position 0) creates an appendable object with the request's metadata; each later one must name
//! the current length as its position and adds its body at the end. A PUT over an appendable object
//! makes it a normal one again (`object_from_request` writes `appendable: false`).

use bytes::{Bytes, BytesMut};
use http::StatusCode;

use super::Ctx;
use crate::checksum;
use crate::error::{Code, CosError};
use crate::object::{self, Object};
use crate::response::Reply;

/// Storage classes an appendable object cannot have. COS documents that APPEND does not support
/// intelligent tiering nor multi-AZ buckets; cos-mock also refuses the archive classes, whose
/// objects cannot be read without a restore (COS does not document them for APPEND).
const REFUSED_CLASSES: &[&str] = &[
    "INTELLIGENT_TIERING",
    "MAZ_STANDARD",
    "MAZ_STANDARD_IA",
    "MAZ_INTELLIGENT_TIERING",
    "MAZ_ARCHIVE",
    "ARCHIVE",
    "DEEP_ARCHIVE",
];

/// APPEND Object: 200 with `ETag`, `x-cos-next-append-position` and `x-cos-hash-crc64ecma` (the
/// CRC64 of the whole object).
pub fn append(ctx: &Ctx) -> Result<Reply, CosError> {
    let key = super::object::key(ctx)?;
    let bucket = ctx.bucket()?;
    let position = position(ctx.req.param("position"))?;
    // The request's metadata only counts on the first append; build it only then.
    let fresh = if position == 0 {
        let fresh = super::object::object_from_request(ctx, Bytes::new())?;
        if REFUSED_CLASSES.contains(&fresh.storage_class) {
            return Err(CosError::with_message(
                Code::InvalidArgument,
                format!(
                    "APPEND Object does not support the storage class {}.",
                    fresh.storage_class
                ),
            ));
        }
        Some(fresh)
    } else {
        None
    };
    let max = ctx.state.config.max_body_bytes as u64;
    let (etag, crc64, len) = ctx.store().with_bucket_mut(bucket, |b| {
        let current = b.objects.get(key.as_str()).cloned();
        let object = appended(
            current.as_deref(),
            position,
            &ctx.req.body,
            fresh,
            max,
            ctx.now,
        )?;
        let written = (object.etag.to_string(), object.crc64, object.data.len());
        match current {
            // Appendable objects take no part in versioning (COS): a later append changes the
            // current version in place and makes no new one.
            Some(_) => b.update_version(&key, None, |o| {
                let id = std::mem::take(&mut o.version_id);
                *o = object;
                o.version_id = id;
            })?,
            None => {
                b.put_version(&key, object);
            }
        }
        Ok::<_, CosError>(written)
    })??;
    Ok(Reply::new(StatusCode::OK)
        .header("etag", etag)
        .header("x-cos-next-append-position", len.to_string())
        .header("x-cos-hash-crc64ecma", crc64.to_string()))
}

/// The `position` parameter: a non-negative integer, else 400 `InvalidArgument`.
pub fn position(param: Option<&str>) -> Result<u64, CosError> {
    param
        .and_then(|p| p.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            CosError::with_message(
                Code::InvalidArgument,
                "APPEND Object needs position=<the object's current length>.",
            )
        })
}

/// The object after appending `data` at `position` to `current`: a new appendable object when
/// there is none (position 0, built from `fresh`), 409 `ObjectNotAppendable` over a normal object,
/// 409 `AppendPositionErr` when `position` is not the current length, 400 `EntityTooLarge` when
/// the object would grow past `max` bytes. Metadata stays as the first append set it.
pub fn appended(
    current: Option<&Object>,
    position: u64,
    data: &[u8],
    fresh: Option<Object>,
    max: u64,
    now: std::time::SystemTime,
) -> Result<Object, CosError> {
    if current.is_some_and(|o| !o.appendable) {
        return Err(CosError::new(Code::ObjectNotAppendable));
    }
    let length = current.map_or(0, |o| o.data.len() as u64);
    if position != length {
        return Err(CosError::with_message(
            Code::AppendPositionErr,
            format!("Position {position} is not equal to the length of the object, {length}."),
        )
        .with_header("x-cos-next-append-position", length.to_string()));
    }
    if length + data.len() as u64 > max {
        return Err(CosError::with_message(
            Code::EntityTooLarge,
            format!("An appendable object may grow to {max} bytes at most."),
        ));
    }
    let mut object = match (current, fresh) {
        (Some(o), _) => o.clone(),
        (None, Some(fresh)) => fresh,
        // Position 0 always comes with the request's metadata; anything else failed above.
        (None, None) => return Err(CosError::new(Code::AppendPositionErr)),
    };
    let mut joined = BytesMut::with_capacity(length as usize + data.len());
    for chunk in object.data.chunks() {
        joined.extend_from_slice(chunk);
    }
    joined.extend_from_slice(data);
    let joined = checksum::Payload::of(joined.freeze());
    object.etag = checksum::ETag::of_md5(joined.md5);
    object.crc64 = joined.crc64;
    object.data = joined.data;
    object.last_modified = now;
    object.appendable = true;
    object.version_id = object::NULL_VERSION.into();
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versioning::Status;
    use std::time::SystemTime;

    fn fresh() -> Object {
        Object {
            content_type: "text/plain".into(),
            headers: vec![("x-cos-meta-a".into(), "1".into())].into(),
            ..Object::sample()
        }
    }

    #[test]
    fn appended_creates_then_grows_keeping_first_metadata() {
        let first = appended(None, 0, b"ab", Some(fresh()), 100, SystemTime::now()).unwrap();
        assert!(first.appendable);
        assert_eq!(first.data, "ab");
        assert_eq!(first.crc64, checksum::crc64(b"ab"));
        let second = appended(Some(&first), 2, b"cd", None, 100, SystemTime::now()).unwrap();
        assert_eq!(second.data, "abcd");
        assert_eq!(second.content_type, "text/plain");
        assert_eq!(second.crc64, checksum::crc64(b"abcd"));
        assert_eq!(
            second.etag.to_string(),
            checksum::etag(&checksum::md5(b"abcd"))
        );
    }

    #[test]
    fn appended_position_not_length_is_append_position_err() {
        let first = appended(None, 0, b"ab", Some(fresh()), 100, SystemTime::now()).unwrap();
        for (current, pos) in [
            (Some(&first), 1),
            (Some(&first), 0),
            (Some(&first), 3),
            (None, 5),
        ] {
            let err = appended(current, pos, b"x", None, 100, SystemTime::now()).unwrap_err();
            assert_eq!(err.code, Code::AppendPositionErr, "{pos}");
        }
    }

    #[test]
    fn appended_to_normal_object_is_not_appendable() {
        let mut normal = fresh();
        normal.data = "ab".into();
        let err = appended(Some(&normal), 2, b"x", None, 100, SystemTime::now()).unwrap_err();
        assert_eq!(err.code, Code::ObjectNotAppendable);
    }

    #[test]
    fn appended_past_max_is_entity_too_large() {
        let first = appended(None, 0, b"ab", Some(fresh()), 3, SystemTime::now()).unwrap();
        let err = appended(Some(&first), 2, b"cd", None, 3, SystemTime::now()).unwrap_err();
        assert_eq!(err.code, Code::EntityTooLarge);
    }

    #[test]
    fn position_must_be_a_number() {
        assert_eq!(position(Some("12")).unwrap(), 12);
        for bad in [None, Some(""), Some("-1"), Some("x"), Some("1.5")] {
            assert_eq!(position(bad).unwrap_err().code, Code::InvalidArgument);
        }
    }

    /// Calls `handler` for a request on the example bucket, whose versioning is `status`.
    fn call_versioned(
        status: Status,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        handler: fn(&Ctx) -> Result<Reply, CosError>,
    ) -> (std::sync::Arc<crate::AppState>, Result<Reply, CosError>) {
        let state = crate::AppState::new(crate::config::Config::default()).unwrap();
        let bucket = "examplebucket-1250000000";
        let mut b = crate::store::Bucket::new(bucket, "100000000001", "ap-guangzhou");
        b.versioning = status;
        state.store.create_bucket(b).unwrap();
        state.store.put_object(bucket, "k", fresh()).unwrap();
        let mut builder = http::Request::builder()
            .method(method)
            .uri(target)
            .header("host", format!("{bucket}.cos.ap-guangzhou.myqcloud.com"));
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let (parts, _) = builder.body(()).unwrap().into_parts();
        let addr = crate::request::Addressing {
            region: "ap-guangzhou",
            default_bucket: None,
            oss_region: "cn-hangzhou",
        };
        let mut req = crate::request::CosRequest::from_head(&parts, &addr, None).unwrap();
        req.body = Bytes::from_static(b"data");
        let caller = crate::auth::Caller::Root {
            uin: "100000000001".into(),
            appid: "1250000000".into(),
        };
        let ctx = Ctx {
            state: &state,
            req: &req,
            caller: &caller,
            now: SystemTime::now(),
            body: Default::default(),
        };
        let result = handler(&ctx);
        (state.clone(), result)
    }

    #[test]
    fn append_in_versioned_bucket_makes_no_version_per_append() {
        // The python SDK's own suite appends to a bucket it enabled versioning on, and expects 200.
        let (state, r) = call_versioned(
            Status::Enabled,
            "POST",
            "/new?append&position=0",
            &[],
            append,
        );
        assert!(r.is_ok());
        let bucket = "examplebucket-1250000000";
        let first = state.store.get_object(bucket, "new").unwrap();
        assert_ne!(first.version_id, object::NULL_VERSION);
        // A normal object is not appendable, versioned or not.
        let (_, r) = call_versioned(Status::Enabled, "POST", "/k?append&position=4", &[], append);
        assert_eq!(r.unwrap_err().code, Code::ObjectNotAppendable);
    }

    #[test]
    fn forbid_overwrite_is_ignored_once_versioning_was_enabled() {
        let forbid = [("x-cos-forbid-overwrite", "true")];
        let put = super::super::object::put;
        let (_, r) = call_versioned(Status::Off, "PUT", "/k", &forbid, put);
        assert_eq!(r.unwrap_err().code, Code::FileAlreadyExists);
        for status in [Status::Enabled, Status::Suspended] {
            let (state, r) = call_versioned(status, "PUT", "/k", &forbid, put);
            assert!(r.is_ok(), "{status:?}");
            let stored = state
                .store
                .get_object("examplebucket-1250000000", "k")
                .unwrap();
            assert_eq!(stored.data, "data");
        }
    }
}
