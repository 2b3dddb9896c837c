//! One file per area; each handler is `fn(&Ctx) -> Result<Reply, CosError>`, synchronous over the
//! store, with no authentication and no error rendering inside.

pub mod acl;
pub mod append;
pub mod bucket;
pub mod bucket_config;
pub mod copy;
pub mod cors;
pub mod delete_multiple;
pub mod encryption;
pub mod lifecycle;
pub mod multipart;
pub(crate) mod multipart_xml;
pub mod object;
pub mod oss;
pub mod overwrite;
pub mod policy;
pub mod post_object;
pub mod restore;
pub mod service;
pub mod symlink;
pub mod tagging;
pub mod versioning;
pub mod website;

use std::time::SystemTime;

use crate::auth::Caller;
use crate::dialect::Dialect;
use crate::error::{Code, CosError};
use crate::request::CosRequest;
use crate::response::Reply;
use crate::router::Op;
use crate::store::Store;
use crate::AppState;

/// What a handler may read.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub req: &'a CosRequest,
    pub caller: &'a Caller,
    pub now: SystemTime,
    /// The body, handed over by the dispatcher to an operation that stores it as it is (PUT
    /// Object, Upload Part): see [`Ctx::take_body`].
    pub body: std::cell::Cell<Option<crate::checksum::Payload>>,
}

impl Ctx<'_> {
    /// The request body to store, with its sums: the one handed over (a stored object then owns
    /// the only reference to its buffer, and the sums were made while it was read), else a shared
    /// clone of `req.body`, summed now. A clone of a buffer made by reading a body allocates a
    /// reference-count header that stays with the object for its life (32 bytes per stored
    /// object); handing the body over avoids it.
    pub fn take_body(&self) -> crate::checksum::Payload {
        self.body
            .take()
            .unwrap_or_else(|| crate::checksum::Payload::of(self.req.body.clone()))
    }

    /// The store of the request's dialect (COS and OSS buckets are separate worlds).
    pub fn store(&self) -> &Store {
        self.state.store_of(self.req.dialect)
    }

    /// The bucket the request names (routing guarantees one for bucket and object ops).
    pub fn bucket(&self) -> Result<&str, CosError> {
        self.req
            .bucket()
            .ok_or_else(|| CosError::new(Code::InvalidRequest))
    }

    /// Whether the caller may call `op` on `bucket`/`key` other than the request's own (a copy
    /// source, a key of a batch delete), as dispatch decides it for the request: the decision and
    /// its reason are logged (denials at info, grants at debug), and only `--auth enforce` denies. A missing bucket is `NoSuchBucket`.
    pub fn permits(&self, op: Op, bucket: &str, key: &str) -> Result<bool, CosError> {
        let d =
            crate::access::authorize_at(self.state, self.caller, op, Some(bucket), key, self.req)?;
        let (op, reason) = (op.name(), d.reason.as_str());
        if d.allowed {
            tracing::debug!(target: "cos_mock::access", op, bucket, key, allowed = true, reason);
        } else {
            tracing::info!(target: "cos_mock::access", op, bucket, key, allowed = false, reason);
        }
        Ok(d.allowed || self.state.config.auth != crate::config::AuthMode::Enforce)
    }
}

/// Calls the handler of an operation; APIs cos-mock does not model answer `NotImplemented`.
pub fn handle(op: Op, ctx: &Ctx) -> Result<Reply, CosError> {
    use Op::*;
    if ctx.req.dialect == Dialect::Oss {
        return handle_oss(op, ctx);
    }
    match op {
        GetService => service::list_buckets(ctx),
        PutBucket => bucket::create(ctx),
        HeadBucket => bucket::head(ctx),
        GetBucket => bucket::list_objects(ctx),
        DeleteBucket => bucket::delete(ctx),
        GetBucketLocation => bucket::location(ctx),
        PutBucketPolicy => policy::put(ctx),
        GetBucketPolicy => policy::get(ctx),
        DeleteBucketPolicy => policy::delete(ctx),
        PutBucketACL => acl::put_bucket(ctx),
        GetBucketACL => acl::get_bucket(ctx),
        PutObjectACL => acl::put_object(ctx),
        GetObjectACL => acl::get_object(ctx),
        PutObject => object::put(ctx),
        GetObject | HeadObject if crate::request::is_website_host(&ctx.req.host) => {
            website::get(ctx)
        }
        GetObject => object::get(ctx),
        HeadObject => object::get(ctx),
        DeleteObject => object::delete(ctx),
        PutObjectCopy => copy::put_object_copy(ctx),
        DeleteMultipleObjects => delete_multiple::handle(ctx),
        InitiateMultipartUpload => multipart::initiate(ctx),
        UploadPart => multipart::upload_part(ctx),
        UploadPartCopy => multipart::upload_part_copy(ctx),
        ListParts => multipart::list_parts(ctx),
        CompleteMultipartUpload => multipart::complete(ctx),
        AbortMultipartUpload => multipart::abort(ctx),
        ListMultipartUploads => multipart::list_uploads(ctx),
        PutBucketCORS => cors::put(ctx),
        GetBucketCORS => cors::get(ctx),
        DeleteBucketCORS => cors::delete(ctx),
        OptionsObject => cors::preflight(ctx),
        PutBucketLifecycle => lifecycle::put(ctx),
        GetBucketLifecycle => lifecycle::get(ctx),
        DeleteBucketLifecycle => lifecycle::delete(ctx),
        PostObjectRestore => restore::post(ctx),
        PostObject => post_object::post(ctx),
        AppendObject => append::append(ctx),
        PutSymlink => symlink::put(ctx),
        GetSymlink => symlink::get(ctx),
        PutObjectTagging => tagging::put_object(ctx),
        GetObjectTagging => tagging::get_object(ctx),
        DeleteObjectTagging => tagging::delete_object(ctx),
        PutBucketTagging => tagging::put_bucket(ctx),
        GetBucketTagging => tagging::get_bucket(ctx),
        DeleteBucketTagging => tagging::delete_bucket(ctx),
        PutBucketEncryption => encryption::put(ctx),
        GetBucketEncryption => encryption::get(ctx),
        DeleteBucketEncryption => encryption::delete(ctx),
        PutBucketVersioning => versioning::put(ctx),
        GetBucketVersioning => versioning::get(ctx),
        GetBucketObjectVersions => versioning::list(ctx),
        op if bucket_config::handles(op) => bucket_config::handle(op, ctx),
        other => Err(not_implemented(other)),
    }
}

/// The OSS operations (oss.md §5): OSS's own shapes where they differ, the shared handlers else.
fn handle_oss(op: Op, ctx: &Ctx) -> Result<Reply, CosError> {
    use Op::*;
    match op {
        GetService => oss::list_buckets(ctx),
        PutBucket => oss::put_bucket(ctx),
        HeadBucket => bucket::head(ctx),
        DeleteBucket => bucket::delete(ctx),
        GetBucketLocation => oss::location(ctx),
        GetBucketInfo => oss::info(ctx),
        GetBucket => oss::list_objects(ctx, false),
        ListObjectsV2 => oss::list_objects(ctx, true),
        PutBucketPolicy => oss::put_policy(ctx),
        GetBucketPolicy => oss::get_policy(ctx),
        DeleteBucketPolicy => oss::delete_policy(ctx),
        PutObject => object::put(ctx),
        GetObject | HeadObject => object::get(ctx),
        DeleteObject => object::delete(ctx),
        other => Err(not_implemented(other)),
    }
}

/// `NotImplemented` naming the API.
pub fn not_implemented(op: Op) -> CosError {
    CosError::with_message(
        Code::NotImplemented,
        format!("cos-mock does not implement {} yet.", op.name()),
    )
}
