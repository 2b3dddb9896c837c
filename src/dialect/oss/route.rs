//! Pure routing of OSS requests (oss.md §5): (method, target, query, headers) → the `Op` it calls.
//! An OSS API cos-mock does not model answers `NotImplemented` naming it, never another operation.

use http::Method;

use crate::error::{Code, CosError};
use crate::request::{CosRequest, Target};
use crate::router::Op;

/// Bucket sub-resources OSS has that cos-mock does not model.
const BUCKET_UNMODELLED: &[&str] = &[
    "acl",
    "cors",
    "lifecycle",
    "logging",
    "website",
    "referer",
    "versioning",
    "versions",
    "tagging",
    "encryption",
    "uploads",
    "delete",
    "stat",
    "worm",
    "wormId",
    "wormExtend",
    "replication",
    "replicationLocation",
    "replicationProgress",
    "inventory",
    "transferAcceleration",
    "requestPayment",
    "qos",
    "qosInfo",
    "resourceGroup",
    "policyStatus",
    "cname",
    "accessPoint",
    "objectMeta",
    "regionList",
    "resourcePool",
    "style",
    "httpsConfig",
    "metaQuery",
    "redundancyTransition",
    "publicAccessBlock",
    "archiveDirectRead",
    "responseHeader",
    "userDefinedLogFieldsConfig",
    "callback",
];

/// Object sub-resources OSS has that cos-mock does not model.
const OBJECT_UNMODELLED: &[&str] = &[
    "acl",
    "tagging",
    "uploads",
    "uploadId",
    "partNumber",
    "append",
    "symlink",
    "restore",
    "cleanRestoredObject",
    "objectMeta",
    "x-oss-process",
    "x-oss-async-process",
    "select",
    "sequential",
];

fn not_implemented(what: &str) -> CosError {
    CosError::with_message(
        Code::NotImplemented,
        format!("cos-mock does not implement the OSS {what} yet."),
    )
}

fn not_allowed(method: &Method) -> CosError {
    CosError::with_message(
        Code::MethodNotAllowed,
        format!("The specified method {method} is not allowed against this resource."),
    )
}

/// Names the API an OSS request calls.
pub fn route(req: &CosRequest) -> Result<Op, CosError> {
    use Op::*;
    let method = &req.method;
    match &req.target {
        Target::Admin(_) => Err(CosError::new(Code::InvalidRequest)),
        Target::Service => match *method {
            Method::GET => Ok(GetService),
            _ => Err(not_allowed(method)),
        },
        Target::Bucket { key, .. } if key.is_empty() => {
            let sub = |name: &str| req.has_param(name);
            if sub("location") {
                return expect(method, Method::GET, GetBucketLocation);
            }
            if sub("bucketInfo") {
                return expect(method, Method::GET, GetBucketInfo);
            }
            if sub("policy") {
                return match *method {
                    Method::PUT => Ok(PutBucketPolicy),
                    Method::GET => Ok(GetBucketPolicy),
                    Method::DELETE => Ok(DeleteBucketPolicy),
                    _ => Err(not_allowed(method)),
                };
            }
            if let Some(name) = BUCKET_UNMODELLED.iter().find(|n| sub(n)) {
                return Err(not_implemented(&format!("?{name} sub-resource")));
            }
            match *method {
                Method::PUT => Ok(PutBucket),
                Method::GET if req.param("list-type") == Some("2") => Ok(ListObjectsV2),
                Method::GET => Ok(GetBucket),
                Method::HEAD => Ok(HeadBucket),
                Method::DELETE => Ok(DeleteBucket),
                Method::POST => Err(not_implemented("PostObject (form upload)")),
                _ => Err(not_allowed(method)),
            }
        }
        Target::Bucket { .. } => {
            if let Some(name) = OBJECT_UNMODELLED.iter().find(|n| req.has_param(n)) {
                return Err(not_implemented(&format!("?{name} sub-resource")));
            }
            if req.headers.contains_key("x-oss-copy-source") {
                return Err(not_implemented("CopyObject (x-oss-copy-source)"));
            }
            match *method {
                Method::PUT => Ok(PutObject),
                Method::GET => Ok(GetObject),
                Method::HEAD => Ok(HeadObject),
                Method::DELETE => Ok(DeleteObject),
                Method::POST => Err(not_implemented("POST on an object")),
                _ => Err(not_allowed(method)),
            }
        }
    }
}

fn expect(method: &Method, want: Method, op: Op) -> Result<Op, CosError> {
    if *method == want {
        Ok(op)
    } else {
        Err(not_allowed(method))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Addressing;

    fn req(method: &str, target: &str, headers: &[(&str, &str)]) -> CosRequest {
        let mut b = http::Request::builder()
            .method(method)
            .uri(target)
            .header("host", "examplebucket.oss-cn-hangzhou.aliyuncs.com");
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

    /// method, target, headers, expected op.
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        Op,
    );

    #[test]
    fn route_table_from_oss_md_and_captures() {
        use Op::*;
        let cases: &[Case] = &[
            ("PUT", "/", &[], PutBucket),
            ("GET", "/?location", &[], GetBucketLocation),
            ("GET", "/?bucketInfo", &[], GetBucketInfo),
            ("PUT", "/?policy", &[], PutBucketPolicy),
            ("GET", "/?policy", &[], GetBucketPolicy),
            ("DELETE", "/?policy", &[], DeleteBucketPolicy),
            (
                "GET",
                "/?prefix=doc%2F&delimiter=%2F&max-keys=2",
                &[],
                GetBucket,
            ),
            (
                "GET",
                "/?list-type=2&continuation-token=x&encoding-type=url",
                &[],
                ListObjectsV2,
            ),
            ("DELETE", "/", &[], DeleteBucket),
            ("PUT", "/doc/a.txt", &[], PutObject),
            ("GET", "/doc/a.txt", &[], GetObject),
            ("HEAD", "/doc/a.txt", &[], HeadObject),
            ("DELETE", "/doc/a.txt", &[], DeleteObject),
        ];
        for (m, target, headers, op) in cases {
            assert_eq!(
                route(&req(m, target, headers)).unwrap(),
                *op,
                "{m} {target}"
            );
        }
    }

    #[test]
    fn route_unmodelled_oss_apis_are_not_implemented() {
        for (m, target, headers) in [
            ("PUT", "/?acl", &[][..]),
            ("GET", "/?versioning", &[]),
            ("POST", "/k?uploads", &[]),
            ("PUT", "/k?partNumber=1&uploadId=u", &[]),
            ("PUT", "/k", &[("x-oss-copy-source", "/b/k")]),
            ("GET", "/k?x-oss-process=image/resize,w_10", &[]),
            ("POST", "/", &[]),
        ] {
            let err = route(&req(m, target, headers)).unwrap_err();
            assert_eq!(err.code, Code::NotImplemented, "{m} {target}");
        }
    }

    #[test]
    fn route_wrong_method_is_method_not_allowed() {
        assert_eq!(
            route(&req("POST", "/?policy", &[])).unwrap_err().code,
            Code::MethodNotAllowed
        );
        assert_eq!(
            route(&req("PUT", "/?location", &[])).unwrap_err().code,
            Code::MethodNotAllowed
        );
    }

    #[test]
    fn oss_actions_follow_oss_md() {
        assert_eq!(Op::HeadObject.oss_action(), "oss:GetObject");
        assert_eq!(Op::ListObjectsV2.oss_action(), "oss:ListObjects");
        assert_eq!(Op::GetBucket.oss_action(), "oss:ListObjects");
        assert_eq!(Op::PutBucketPolicy.oss_action(), "oss:PutBucketPolicy");
    }
}
