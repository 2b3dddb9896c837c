//! Pure routing: (method, target, query, headers) → `Route`: the admin API, STS, or `Op`, the COS API
//! a request calls. Every API of the authorization table has an `Op`, also those answered
//! `NotImplemented`, so `Op::action()` is whole. Routing needs only the head.

use http::Method;

use crate::error::{Code, CosError};
use crate::request::{CosRequest, Target};

macro_rules! ops {
    ($( $name:ident ),* $(,)?) => {
        /// A COS API; its name is the action `name/cos:<Name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op { $( $name, )* }

        impl Op {
            pub const ALL: &'static [Op] = &[ $( Op::$name, )* ];

            /// The API name, e.g. `GetObject`.
            pub fn name(self) -> &'static str {
                match self { $( Op::$name => stringify!($name), )* }
            }
        }
    };
}

ops! {
    GetService, PutBucket, HeadBucket, GetBucket, GetBucketObjectVersions, DeleteBucket, GetBucketLocation,
    PutBucketACL, GetBucketACL, PutBucketCORS, GetBucketCORS, DeleteBucketCORS,
    PutBucketLifecycle, GetBucketLifecycle, DeleteBucketLifecycle,
    PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy,
    PutBucketTagging, GetBucketTagging, DeleteBucketTagging,
    PutBucketVersioning, GetBucketVersioning, PutBucketReferer, GetBucketReferer,
    PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite, PutBucketLogging, GetBucketLogging,
    PutBucketReplication, GetBucketReplication, DeleteBucketReplication,
    PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption,
    PutBucketDomain, GetBucketDomain, DeleteBucketDomain, PutBucketOrigin, GetBucketOrigin, DeleteBucketOrigin,
    PutBucketInventory, GetBucketInventory, ListBucketInventory, DeleteBucketInventory,
    PutBucketAccelerate, GetBucketAccelerate, PutBucketIntelligentTiering, GetBucketIntelligentTiering,
    PutBucketObjectLockConfiguration, GetBucketObjectLockConfiguration,
    ListMultipartUploads, DeleteMultipleObjects, PostObject,
    PutObject, PutObjectCopy, AppendObject, GetObject, HeadObject, OptionsObject, DeleteObject,
    PutObjectACL, GetObjectACL, PutObjectTagging, GetObjectTagging, DeleteObjectTagging,
    PostObjectRestore, SelectObjectContent, PutSymlink, GetSymlink,
    InitiateMultipartUpload, UploadPart, UploadPartCopy, ListParts, CompleteMultipartUpload, AbortMultipartUpload,
    // OSS only (routed by `dialect::oss::route`):
    GetBucketInfo, ListObjectsV2,
}

impl Op {
    /// The CAM action, `name/cos:<Name>`.
    pub fn action(self) -> String {
        format!("name/cos:{}", self.name())
    }

    /// The RAM action of an OSS request, `oss:<Name>` (oss.md §7: HEAD is `oss:GetObject`, both
    /// listings `oss:ListObjects`).
    pub fn oss_action(self) -> String {
        use Op::*;
        let name = match self {
            GetService => "ListBuckets",
            GetBucket | ListObjectsV2 => "ListObjects",
            HeadObject => "GetObject",
            HeadBucket => "GetBucketInfo",
            other => other.name(),
        };
        format!("oss:{name}")
    }

    /// Whether the API works on an object key (else on the bucket or the service).
    pub fn is_object_level(self) -> bool {
        use Op::*;
        matches!(
            self,
            PutObject
                | PutObjectCopy
                | AppendObject
                | GetObject
                | HeadObject
                | OptionsObject
                | DeleteObject
                | PutObjectACL
                | GetObjectACL
                | PutObjectTagging
                | GetObjectTagging
                | DeleteObjectTagging
                | PostObjectRestore
                | SelectObjectContent
                | PutSymlink
                | GetSymlink
                | InitiateMultipartUpload
                | UploadPart
                | UploadPartCopy
                | ListParts
                | CompleteMultipartUpload
                | AbortMultipartUpload
        )
    }
}

/// Bucket sub-resources and the API each method calls on them (`None`: method not allowed).
fn bucket_subresource(sub: &str, method: &Method, has_id: bool) -> Option<Op> {
    use Op::*;
    let m = method.as_str();
    Some(match (sub, m) {
        ("acl", "PUT") => PutBucketACL,
        ("acl", "GET") => GetBucketACL,
        ("cors", "PUT") => PutBucketCORS,
        ("cors", "GET") => GetBucketCORS,
        ("cors", "DELETE") => DeleteBucketCORS,
        ("lifecycle", "PUT") => PutBucketLifecycle,
        ("lifecycle", "GET") => GetBucketLifecycle,
        ("lifecycle", "DELETE") => DeleteBucketLifecycle,
        ("policy", "PUT") => PutBucketPolicy,
        ("policy", "GET") => GetBucketPolicy,
        ("policy", "DELETE") => DeleteBucketPolicy,
        ("tagging", "PUT") => PutBucketTagging,
        ("tagging", "GET") => GetBucketTagging,
        ("tagging", "DELETE") => DeleteBucketTagging,
        ("versioning", "PUT") => PutBucketVersioning,
        ("versioning", "GET") => GetBucketVersioning,
        ("referer", "PUT") => PutBucketReferer,
        ("referer", "GET") => GetBucketReferer,
        ("website", "PUT") => PutBucketWebsite,
        ("website", "GET") => GetBucketWebsite,
        ("website", "DELETE") => DeleteBucketWebsite,
        ("logging", "PUT") => PutBucketLogging,
        ("logging", "GET") => GetBucketLogging,
        ("replication", "PUT") => PutBucketReplication,
        ("replication", "GET") => GetBucketReplication,
        ("replication", "DELETE") => DeleteBucketReplication,
        ("encryption", "PUT") => PutBucketEncryption,
        ("encryption", "GET") => GetBucketEncryption,
        ("encryption", "DELETE") => DeleteBucketEncryption,
        ("domain", "PUT") => PutBucketDomain,
        ("domain", "GET") => GetBucketDomain,
        ("domain", "DELETE") => DeleteBucketDomain,
        ("origin", "PUT") => PutBucketOrigin,
        ("origin", "GET") => GetBucketOrigin,
        ("origin", "DELETE") => DeleteBucketOrigin,
        ("inventory", "PUT") => PutBucketInventory,
        ("inventory", "GET") if has_id => GetBucketInventory,
        ("inventory", "GET") => ListBucketInventory,
        ("inventory", "DELETE") => DeleteBucketInventory,
        ("accelerate", "PUT") => PutBucketAccelerate,
        ("accelerate", "GET") => GetBucketAccelerate,
        ("intelligenttiering", "PUT") => PutBucketIntelligentTiering,
        ("intelligenttiering", "GET") => GetBucketIntelligentTiering,
        ("intelligent-tiering", "PUT") => PutBucketIntelligentTiering,
        // The list (no `id`) is authorized as GetBucketIntelligentTiering, as S3 does; COS names no
        // action of its own for it.
        ("intelligent-tiering", "GET") => GetBucketIntelligentTiering,
        ("object-lock", "PUT") => PutBucketObjectLockConfiguration,
        ("object-lock", "GET") => GetBucketObjectLockConfiguration,
        ("location", "GET") => GetBucketLocation,
        ("uploads", "GET") => ListMultipartUploads,
        ("versions", "GET") => GetBucketObjectVersions,
        ("delete", "POST") => DeleteMultipleObjects,
        _ => return None,
    })
}

/// Sub-resources COS knows on a bucket (checked in this order).
const BUCKET_SUBRESOURCES: &[&str] = &[
    "acl",
    "cors",
    "lifecycle",
    "policy",
    "tagging",
    "versioning",
    "referer",
    "website",
    "logging",
    "replication",
    "encryption",
    "domain",
    "origin",
    "inventory",
    "accelerate",
    "intelligenttiering",
    "intelligent-tiering",
    "object-lock",
    "location",
    "uploads",
    "versions",
    "delete",
];

/// Sub-resources COS knows on an object (checked in this order).
const OBJECT_SUBRESOURCES: &[&str] = &[
    "acl", "tagging", "restore", "uploads", "uploadId", "append", "select", "symlink",
];

/// Sub-resources COS has that cos-mock does not model at all (answered `NotImplemented`).
const UNMODELLED_SUBRESOURCES: &[&str] = &[
    "notification",
    "requestPayment",
    "ci-process",
    "image_process",
    "global-acceleration",
    "meta-query",
    "retention",
    "legal-hold",
    "torrent",
    "objectlock",
    "analytics",
    "metrics",
];

/// Query parameters that are not sub-resources: listing and paging, part and version selectors,
/// response overrides, the signature in the query, and SDK markers (`x-id`). Compared without
/// letter case; `q-`, `x-cos-` and `response-` name families.
const ORDINARY_PARAMS: &[&str] = &[
    "prefix",
    "delimiter",
    "marker",
    "max-keys",
    "encoding-type",
    "key-marker",
    "version-id-marker",
    "upload-id-marker",
    "max-uploads",
    "part-number-marker",
    "max-parts",
    "partNumber",
    "versionId",
    "position",
    "id",
    "continuation-token",
    "start-after",
    "fetch-owner",
    "list-type",
    "x-id",
    "sign",
];
const ORDINARY_PREFIXES: &[&str] = &["q-", "x-cos-", "response-"];

/// The rule for sub-resources cos-mock does not know: a query parameter without a value (`?live`,
/// `?live=`) is how COS names a sub-resource, so one that is neither a sub-resource of the
/// request's level (bucket or object) nor an ordinary parameter answers 501 `NotImplemented`
/// naming it, instead of falling through to PUT Object or PUT Bucket. Parameters with a value are
/// never sub-resources here and are ignored as COS ignores unknown parameters.
fn unknown_subresource(req: &CosRequest, known: &[&str]) -> Result<(), CosError> {
    let is_known = |name: &str| {
        known.contains(&name)
            || ORDINARY_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name))
            || ORDINARY_PREFIXES.iter().any(|p| {
                name.get(..p.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(p))
            })
    };
    match req.query.iter().find(|(k, v)| v.is_empty() && !is_known(k)) {
        Some((name, _)) => Err(CosError::with_message(
            Code::NotImplemented,
            format!("cos-mock does not implement the ?{name} sub-resource."),
        )),
        None => Ok(()),
    }
}

fn object_subresource(sub: &str, req: &CosRequest) -> Option<Op> {
    use Op::*;
    let copy = req.headers.contains_key("x-cos-copy-source");
    Some(match (sub, req.method.as_str()) {
        ("acl", "PUT") => PutObjectACL,
        ("acl", "GET") => GetObjectACL,
        ("tagging", "PUT") => PutObjectTagging,
        ("tagging", "GET") => GetObjectTagging,
        ("tagging", "DELETE") => DeleteObjectTagging,
        ("restore", "POST") => PostObjectRestore,
        ("uploads", "POST") => InitiateMultipartUpload,
        ("uploadId", "PUT") if copy => UploadPartCopy,
        ("uploadId", "PUT") => UploadPart,
        ("uploadId", "GET") => ListParts,
        ("uploadId", "POST") => CompleteMultipartUpload,
        ("uploadId", "DELETE") => AbortMultipartUpload,
        ("append", "POST") => AppendObject,
        ("select", "POST") => SelectObjectContent,
        ("symlink", "PUT") => PutSymlink,
        ("symlink", "GET") => GetSymlink,
        _ => return None,
    })
}

fn not_allowed(req: &CosRequest) -> CosError {
    CosError::with_message(
        Code::MethodNotAllowed,
        format!(
            "The specified method {} is not allowed against this resource.",
            req.method
        ),
    )
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/_cos-mock/<path>`: the admin API (never signed; guarded against web pages).
    Admin(String),
    /// STS (`GetFederationToken`, `AssumeRole`): signed inside its body.
    Sts,
    /// A COS API.
    Op(Op),
}

impl Route {
    /// The route of a COS request's head (OSS requests: `dialect::oss::route`).
    pub fn of(req: &CosRequest) -> Result<Route, CosError> {
        match &req.target {
            Target::Admin(path) => Ok(Route::Admin(path.clone())),
            _ if is_sts(req) => Ok(Route::Sts),
            _ => route(req).map(Route::Op),
        }
    }
}

/// Whether a request is an STS call (interface.md, "STS"): a `POST` that is not a form upload, to
/// the service, or — with `--default-bucket`, where a bare host's `/` is the default bucket — to
/// `POST /` of a Host that names no bucket with a form or JSON body or an `X-TC-Action` header
/// (anything else there could only be a malformed POST Object).
pub fn is_sts(req: &CosRequest) -> bool {
    let content_type = req
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if req.method != Method::POST || content_type.starts_with("multipart/form-data") {
        return false;
    }
    match &req.target {
        Target::Service => true,
        Target::Bucket { key, .. } => {
            let sts_body = content_type.starts_with("application/x-www-form-urlencoded")
                || content_type.starts_with("application/json")
                || req.headers.contains_key("x-tc-action");
            key.is_empty()
                && req.raw_path == "/"
                && req.query.is_empty()
                && !crate::request::host_names_bucket(&req.host)
                && sts_body
        }
        Target::Admin(_) => false,
    }
}

/// Names the COS API a request calls. Admin and STS requests are routed by [`Route::of`].
pub fn route(req: &CosRequest) -> Result<Op, CosError> {
    use Op::*;
    if let Some(sub) = UNMODELLED_SUBRESOURCES.iter().find(|s| req.has_param(s)) {
        return Err(CosError::with_message(
            Code::NotImplemented,
            format!("cos-mock does not implement the ?{sub} sub-resource."),
        ));
    }
    match &req.target {
        Target::Admin(_) => Err(CosError::new(Code::InvalidRequest)),
        Target::Service => match req.method {
            Method::GET => Ok(GetService),
            _ => Err(not_allowed(req)),
        },
        // A CORS preflight is answered from the rules whatever the URL's sub-resource (browsers
        // preflight `?uploads`, `?uploadId`, `?acl`, ... too).
        Target::Bucket { .. } if req.method == Method::OPTIONS => Ok(OptionsObject),
        // The static-website endpoint serves objects (and index documents for `/`) only.
        Target::Bucket { .. } if crate::request::is_website_host(&req.host) => match req.method {
            Method::GET => Ok(GetObject),
            Method::HEAD => Ok(HeadObject),
            _ => Err(not_allowed(req)),
        },
        Target::Bucket { key, .. } if key.is_empty() => {
            unknown_subresource(req, BUCKET_SUBRESOURCES)?;
            if let Some(sub) = BUCKET_SUBRESOURCES.iter().find(|s| req.has_param(s)) {
                return bucket_subresource(sub, &req.method, req.has_param("id"))
                    .ok_or_else(|| not_allowed(req));
            }
            match req.method {
                Method::PUT => Ok(PutBucket),
                Method::HEAD => Ok(HeadBucket),
                Method::GET => Ok(GetBucket),
                Method::DELETE => Ok(DeleteBucket),
                Method::POST => Ok(PostObject),
                Method::OPTIONS => Ok(OptionsObject),
                _ => Err(not_allowed(req)),
            }
        }
        Target::Bucket { .. } => {
            unknown_subresource(req, OBJECT_SUBRESOURCES)?;
            if let Some(sub) = OBJECT_SUBRESOURCES.iter().find(|s| req.has_param(s)) {
                return object_subresource(sub, req).ok_or_else(|| not_allowed(req));
            }
            let copy = req.headers.contains_key("x-cos-copy-source");
            match req.method {
                Method::PUT if copy => Ok(PutObjectCopy),
                Method::PUT => Ok(PutObject),
                Method::GET => Ok(GetObject),
                Method::HEAD => Ok(HeadObject),
                Method::DELETE => Ok(DeleteObject),
                Method::OPTIONS => Ok(OptionsObject),
                _ => Err(not_allowed(req)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Addressing;

    fn req(method: &str, host: &str, target: &str, headers: &[(&str, &str)]) -> CosRequest {
        let mut b = http::Request::builder()
            .method(method)
            .uri(target)
            .header("host", host);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let (parts, _) = b.body(()).unwrap().into_parts();
        let addr = Addressing {
            region: "ap-guangzhou",
            default_bucket: None,
            oss_region: "cn-hangzhou",
        };
        CosRequest::from_head(&parts, &addr, None).unwrap()
    }

    const VH: &str = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
    const WEBSITE: &str = "examplebucket-1250000000.cos-website.ap-guangzhou.myqcloud.com";

    /// method, host, target, headers, expected op.
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        Op,
    );

    #[test]
    fn route_table_from_docs_and_captures() {
        use Op::*;
        let cases: &[Case] = &[
            ("GET", "127.0.0.1:9400", "/", &[], GetService),
            ("GET", "service.cos.myqcloud.com", "/", &[], GetService),
            ("PUT", VH, "/", &[], PutBucket),
            ("HEAD", VH, "/", &[], HeadBucket),
            (
                "GET",
                VH,
                "/?prefix=doc%2Fa+b%2B&delimiter=%2F&marker=&max-keys=10&encoding-type=url",
                &[],
                GetBucket,
            ),
            ("DELETE", VH, "/", &[], DeleteBucket),
            ("GET", VH, "/?location", &[], GetBucketLocation),
            ("PUT", VH, "/?acl=", &[], PutBucketACL),
            ("GET", VH, "/?acl", &[], GetBucketACL),
            (
                "GET",
                "127.0.0.1:9400",
                "/examplebucket-1250000000?acl",
                &[],
                GetBucketACL,
            ),
            ("PUT", VH, "/?policy=", &[], PutBucketPolicy),
            ("GET", VH, "/?policy", &[], GetBucketPolicy),
            ("DELETE", VH, "/?policy=", &[], DeleteBucketPolicy),
            ("PUT", VH, "/?cors", &[], PutBucketCORS),
            ("DELETE", VH, "/?lifecycle", &[], DeleteBucketLifecycle),
            ("GET", VH, "/?uploads", &[], ListMultipartUploads),
            ("GET", VH, "/?versions", &[], GetBucketObjectVersions),
            ("POST", VH, "/?delete", &[], DeleteMultipleObjects),
            ("POST", VH, "/", &[], PostObject),
            ("GET", VH, "/?inventory", &[], ListBucketInventory),
            ("GET", VH, "/?inventory&id=x", &[], GetBucketInventory),
            (
                "PUT",
                VH,
                "/?intelligenttiering",
                &[],
                PutBucketIntelligentTiering,
            ),
            (
                "GET",
                VH,
                "/?intelligent-tiering&id=default",
                &[],
                GetBucketIntelligentTiering,
            ),
            (
                "PUT",
                VH,
                "/?intelligent-tiering&id=a",
                &[],
                PutBucketIntelligentTiering,
            ),
            (
                "GET",
                VH,
                "/?intelligent-tiering",
                &[],
                GetBucketIntelligentTiering,
            ),
            (
                "PUT",
                VH,
                "/?object-lock",
                &[],
                PutBucketObjectLockConfiguration,
            ),
            (
                "GET",
                VH,
                "/?object-lock=",
                &[],
                GetBucketObjectLockConfiguration,
            ),
            ("GET", VH, "/?referer", &[], GetBucketReferer),
            ("GET", WEBSITE, "/", &[], GetObject),
            ("HEAD", WEBSITE, "/docs/", &[], HeadObject),
            (
                "GET",
                VH,
                "/?inventory&continuation-token=",
                &[],
                ListBucketInventory,
            ),
            (
                "GET",
                VH,
                "/?prefix=&marker=&delimiter=&encoding-type=",
                &[],
                GetBucket,
            ),
            (
                "GET",
                VH,
                "/?versions&key-marker=&version-id-marker=",
                &[],
                GetBucketObjectVersions,
            ),
            (
                "GET",
                VH,
                "/k?versionId=&response-content-type=",
                &[],
                GetObject,
            ),
            (
                "GET",
                VH,
                "/k?q-sign-algorithm=sha1&q-ak=&x-cos-security-token=",
                &[],
                GetObject,
            ),
            ("GET", VH, "/k?partnumber=1&helper=x", &[], GetObject),
            ("PUT", VH, "/doc/a.txt", &[], PutObject),
            ("PUT", VH, "/doc/a.txt?x-id=PutObject", &[], PutObject),
            (
                "PUT",
                VH,
                "/doc/a.txt",
                &[("x-cos-copy-source", "b-1.cos.ap-guangzhou.myqcloud.com/k")],
                PutObjectCopy,
            ),
            ("POST", VH, "/k?append&position=0", &[], AppendObject),
            (
                "GET",
                VH,
                "/doc/a%20b%2Bc.txt?response-content-type=text%2Fplain",
                &[],
                GetObject,
            ),
            ("HEAD", VH, "/k", &[], HeadObject),
            ("OPTIONS", VH, "/k", &[], OptionsObject),
            ("OPTIONS", VH, "/?uploads&prefix=k", &[], OptionsObject),
            (
                "OPTIONS",
                VH,
                "/k?partNumber=1&uploadId=u",
                &[],
                OptionsObject,
            ),
            ("DELETE", VH, "/k", &[], DeleteObject),
            ("PUT", VH, "/doc/a.txt?acl=", &[], PutObjectACL),
            ("GET", VH, "/doc/a.txt?acl", &[], GetObjectACL),
            ("PUT", VH, "/k?tagging", &[], PutObjectTagging),
            ("POST", VH, "/k?restore", &[], PostObjectRestore),
            ("PUT", VH, "/link?symlink", &[], PutSymlink),
            ("GET", VH, "/link?symlink=", &[], GetSymlink),
            ("GET", VH, "/link?symlink&versionId=v1", &[], GetSymlink),
            ("POST", VH, "/k?uploads", &[], InitiateMultipartUpload),
            ("PUT", VH, "/k?partNumber=1&uploadId=u", &[], UploadPart),
            (
                "PUT",
                VH,
                "/k?partNumber=1&uploadId=u",
                &[("x-cos-copy-source", "x/y")],
                UploadPartCopy,
            ),
            ("GET", VH, "/k?uploadId=u", &[], ListParts),
            ("POST", VH, "/k?uploadId=u", &[], CompleteMultipartUpload),
            ("DELETE", VH, "/k?uploadId=u", &[], AbortMultipartUpload),
            (
                "PUT",
                "127.0.0.1:9400",
                "http://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/doc/a.txt",
                &[],
                PutObject,
            ),
        ];
        for (m, host, target, headers, op) in cases {
            assert_eq!(
                route(&req(m, host, target, headers)).unwrap(),
                *op,
                "{m} {host} {target}"
            );
        }
    }

    #[test]
    fn route_wrong_method_on_subresource_is_method_not_allowed() {
        let err = route(&req("POST", VH, "/?acl", &[])).unwrap_err();
        assert_eq!(err.code, Code::MethodNotAllowed);
        let err = route(&req("PATCH", VH, "/k", &[])).unwrap_err();
        assert_eq!(err.code, Code::MethodNotAllowed);
        for m in ["DELETE", "POST", "HEAD"] {
            let err = route(&req(m, VH, "/link?symlink", &[])).unwrap_err();
            assert_eq!(err.code, Code::MethodNotAllowed, "{m}");
        }
    }

    #[test]
    fn route_unknown_valueless_parameter_is_not_implemented() {
        for (m, target) in [
            ("PUT", "/k?live"),
            ("PUT", "/k?live="),
            ("PUT", "/?website-x"),
            ("GET", "/k?cors"),
            ("PUT", "/?select"),
            ("GET", "/?unknown&prefix=a"),
        ] {
            let err = route(&req(m, VH, target, &[])).unwrap_err();
            assert_eq!(err.code, Code::NotImplemented, "{m} {target}");
            assert!(err.message.contains('?'), "{}", err.message);
        }
        // Found by fuzzing: a name whose first bytes are not ASCII once panicked (a 500).
        for target in ["/?%F0%9F%98%80", "/k?%C3%A9policy", "/?a%EF%BB%BFcl"] {
            let err = route(&req("GET", VH, target, &[])).unwrap_err();
            assert_eq!(err.code, Code::NotImplemented, "{target}");
        }
        // A parameter with a value is not a sub-resource.
        assert_eq!(
            route(&req("PUT", VH, "/k?live=1", &[])).unwrap(),
            Op::PutObject
        );
        // Preflights answer whatever the sub-resource.
        assert_eq!(
            route(&req("OPTIONS", VH, "/k?live", &[])).unwrap(),
            Op::OptionsObject
        );
    }

    #[test]
    fn route_unmodelled_subresource_is_not_implemented() {
        let err = route(&req("GET", VH, "/?notification", &[])).unwrap_err();
        assert_eq!(err.code, Code::NotImplemented);
        assert!(err.message.contains("notification"));
    }

    #[test]
    fn action_names_are_prefixed() {
        assert_eq!(Op::GetObject.action(), "name/cos:GetObject");
        assert_eq!(
            Op::ALL.len(),
            Op::ALL
                .iter()
                .map(|o| o.name())
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
    }
}
