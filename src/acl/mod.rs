//! Bucket and object ACLs as a pure module: the model and canned ACLs (`model`), `x-cos-acl` /
//! `x-cos-grant-*` headers (`headers`), the XML body in and out (`body`), and the helpers the access
//! check uses (`enforce`). Handlers parse with [`from_request`] (PUT `?acl`) or [`from_headers`]
//! (PUT Bucket, PUT Object, ...), store the [`Acl`], and answer GET `?acl` with [`to_xml`] plus
//! `x-cos-acl: default` when [`is_default`].

pub mod body;
pub mod enforce;
pub mod headers;
pub mod model;

pub use body::{from_xml, to_xml};
pub use enforce::{allows, permission_for, AclCaller};
pub use headers::{from_headers, has_acl_headers};
pub use model::{Acl, Canned, Grant, Grantee, ResourceKind};

use crate::error::CosError;

/// The ACL of a PUT `?acl` request: from the XML body if there is one, else from the headers;
/// `None` when neither is given (the handler decides; COS documents no answer for that).
///
/// A body (anything but whitespace) together with any ACL header is 400 `InvalidArgument`: COS
/// documents "headers or body, never both" without a code (§6.1); `InvalidArgument` is the one
/// §6.1 recommends that is in our code table.
pub fn from_request(
    kind: ResourceKind,
    owner_uin: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Option<Acl>, CosError> {
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    match (has_body, has_acl_headers(headers)) {
        (true, true) => Err(model::invalid(
            "Specify the ACL either by x-cos-acl/x-cos-grant-* headers or by an XML body, not both"
                .into(),
        )),
        (true, false) => from_xml(kind, owner_uin, body).map(Some),
        (false, _) => from_headers(kind, owner_uin, headers),
    }
}

/// The object inherits its bucket's ACL; GET `?acl` must add header `x-cos-acl: default`.
pub fn is_default(acl: &Acl) -> bool {
    acl.is_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    const OWNER_UIN: &str = "100000000001";
    const BODY: &[u8] = b"<AccessControlPolicy><Owner><ID>100000000001</ID></Owner><AccessControlList/></AccessControlPolicy>";

    fn canned(value: &str) -> Vec<(String, String)> {
        vec![("x-cos-acl".to_string(), value.to_string())]
    }

    #[test]
    fn from_request_headers_and_body_is_invalid_argument() {
        let err =
            from_request(ResourceKind::Bucket, OWNER_UIN, &canned("private"), BODY).unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert_eq!(
            err.message,
            "Specify the ACL either by x-cos-acl/x-cos-grant-* headers or by an XML body, not both"
        );
    }

    #[test]
    fn from_request_body_only_parses_body() {
        let acl = from_request(ResourceKind::Bucket, OWNER_UIN, &[], BODY)
            .unwrap()
            .unwrap();
        assert!(acl.grants.is_empty());
        assert_eq!(acl.canned, None);
    }

    #[test]
    fn from_request_headers_with_blank_body_parse_headers() {
        let acl = from_request(
            ResourceKind::Object,
            OWNER_UIN,
            &canned("default"),
            b" \r\n",
        )
        .unwrap()
        .unwrap();
        assert!(is_default(&acl));
        assert_eq!(acl.canned_name(), Some("default"));
    }

    #[test]
    fn from_request_neither_is_none() {
        assert_eq!(
            from_request(ResourceKind::Bucket, OWNER_UIN, &[], b""),
            Ok(None)
        );
    }

    #[test]
    fn from_request_invalid_body_error_passes_through() {
        let err = from_request(ResourceKind::Bucket, OWNER_UIN, &[], b"<nope").unwrap_err();
        assert_eq!(err.code, Code::MalformedXML);
    }
}
