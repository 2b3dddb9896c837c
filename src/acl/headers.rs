//! ACLs given by request headers: `x-cos-acl` (canned) and `x-cos-grant-*` lists of `id="…"`.
//!
//! Choices where COS is unverified:
//! - `x-cos-acl` together with grant headers is **merged**: the canned grants, then each grant
//!   header's entries (read, write, read-acp, write-acp, full-control order), exact duplicates
//!   dropped. The python and node SDK captures send exactly this combination.
//! - Grant headers without `x-cos-acl` start from `private`, so the owner's FULL_CONTROL is always
//!   listed. `x-cos-acl: default` with grant headers is `InvalidArgument` (an object either
//!   inherits or has its own grants).
//! - Besides `id="…"`, an entry may be `uri="<group URI>"` (the S3 header grammar COS copies) for
//!   AllUsers / AuthenticatedUsers. Keys are case-insensitive; whitespace around entries, `=` and
//!   inside the quotes is ignored.
//! - An empty (or all-whitespace) `x-cos-grant-*` header is absent: the node SDK re-sends an ACL
//!   it decoded with every grant header, empty ones included, and COS accepts that.

use super::model::{
    invalid, owner_id, Acl, Canned, Grant, Grantee, Permission, ResourceKind, MAX_GRANTS,
};
use crate::error::{Code, CosError};

/// The canned-ACL header.
pub const ACL_HEADER: &str = "x-cos-acl";

/// Each grant header and the permission it grants.
pub const GRANT_HEADERS: [(&str, Permission); 5] = [
    ("x-cos-grant-read", Permission::Read),
    ("x-cos-grant-write", Permission::Write),
    ("x-cos-grant-read-acp", Permission::ReadAcp),
    ("x-cos-grant-write-acp", Permission::WriteAcp),
    ("x-cos-grant-full-control", Permission::FullControl),
];

/// Whether any ACL header is present: `x-cos-acl` even with an empty value, `x-cos-grant-*` only
/// with a non-empty one.
pub fn has_acl_headers(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(n, v)| {
        n == ACL_HEADER || (!v.trim().is_empty() && GRANT_HEADERS.iter().any(|(g, _)| n == g))
    })
}

/// The ACL the headers describe, or `None` when no ACL header is present. Header names must be
/// lower-case. Nothing here touches the store: an error means nothing may be stored.
pub fn from_headers(
    kind: ResourceKind,
    owner_uin: &str,
    headers: &[(String, String)],
) -> Result<Option<Acl>, CosError> {
    let canned = canned_header(kind, headers)?;
    let extra = grant_headers(kind, headers)?;
    if canned.is_none() && !has_acl_headers(headers) {
        return Ok(None);
    }
    if canned == Some(Canned::Default) {
        if !extra.is_empty() {
            return Err(invalid(
                "x-cos-acl: default cannot be combined with x-cos-grant-* headers".into(),
            ));
        }
        return Ok(Some(Acl::object_default(owner_uin)));
    }
    let owner = owner_id(owner_uin);
    let mut grants = canned.unwrap_or(Canned::Private).grants(&owner);
    for grant in extra {
        if !grants.contains(&grant) {
            grants.push(grant);
        }
    }
    if grants.len() > MAX_GRANTS {
        return Err(CosError::new(Code::PolicyFull));
    }
    Ok(Some(Acl {
        owner,
        grants,
        canned,
    }))
}

fn values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .iter()
        .filter(move |(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn canned_header(
    kind: ResourceKind,
    headers: &[(String, String)],
) -> Result<Option<Canned>, CosError> {
    let mut found = None;
    for value in values(headers, ACL_HEADER) {
        let canned = Canned::parse(kind, value)?;
        if found.is_some_and(|f| f != canned) {
            return Err(invalid("x-cos-acl was given more than once".into()));
        }
        found = Some(canned);
    }
    Ok(found)
}

fn grant_headers(kind: ResourceKind, headers: &[(String, String)]) -> Result<Vec<Grant>, CosError> {
    let mut grants = Vec::new();
    for (name, permission) in GRANT_HEADERS {
        for value in values(headers, name).filter(|v| !v.trim().is_empty()) {
            if !permission.applies_to(kind) {
                return Err(invalid(format!(
                    "{name} is not supported on {}",
                    kind.with_article()
                )));
            }
            for entry in value.split(',') {
                grants.push(Grant::new(parse_entry(name, entry)?, permission));
            }
        }
    }
    Ok(grants)
}

/// One `id="…"` or `uri="…"` entry of a grant header.
fn parse_entry(header: &str, entry: &str) -> Result<Grantee, CosError> {
    let grantee = entry.split_once('=').and_then(|(key, value)| {
        let value = value.trim().strip_prefix('"')?.strip_suffix('"')?;
        match key.trim().to_ascii_lowercase().as_str() {
            "id" => Grantee::from_id(value),
            "uri" => Grantee::from_uri(value),
            _ => None,
        }
    });
    grantee.ok_or_else(|| {
        invalid(format!(
            "Invalid {header} entry '{}': expected id=\"<uin>\", id=\"<owner uin>/<sub uin>\", \
             id=\"qcs::cam::uin/<owner uin>:uin/<sub uin>\" or uri=\"<group URI>\"",
            entry.trim()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acl::model::{ALL_USERS_URI, AUTHENTICATED_USERS_URI};

    const OWNER_UIN: &str = "100000000001";
    const OWNER: &str = "qcs::cam::uin/100000000001:uin/100000000001";

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn bucket(pairs: &[(&str, &str)]) -> Result<Option<Acl>, CosError> {
        from_headers(ResourceKind::Bucket, OWNER_UIN, &h(pairs))
    }

    fn owner_fc() -> Grant {
        Grant::new(Grantee::User(OWNER.into()), Permission::FullControl)
    }

    #[test]
    fn from_headers_none_present_is_none() {
        assert_eq!(bucket(&[("content-length", "0")]), Ok(None));
    }

    #[test]
    fn from_headers_canned_public_read_expands() {
        let acl = bucket(&[(ACL_HEADER, "public-read")]).unwrap().unwrap();
        assert_eq!(acl.canned, Some(Canned::PublicRead));
        assert_eq!(
            acl.grants,
            vec![owner_fc(), Grant::new(Grantee::AllUsers, Permission::Read)]
        );
    }

    #[test]
    fn from_headers_canned_plus_grant_write_merges() {
        // The exact header pair the python and node SDK captures send.
        let acl = bucket(&[
            (ACL_HEADER, "public-read"),
            ("x-cos-grant-write", "id=\"100000000002\""),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            acl.grants,
            vec![
                owner_fc(),
                Grant::new(Grantee::AllUsers, Permission::Read),
                Grant::new(Grantee::root("100000000002"), Permission::Write),
            ]
        );
        assert_eq!(acl.canned_name(), None);
    }

    #[test]
    fn from_headers_grants_alone_keep_owner_full_control_first() {
        let acl = bucket(&[("x-cos-grant-read", "id=\"2\"")])
            .unwrap()
            .unwrap();
        assert_eq!(acl.canned, None);
        assert_eq!(acl.grants[0], owner_fc());
        assert_eq!(acl.grants.len(), 2);
    }

    #[test]
    fn from_headers_every_id_form_and_whitespace_is_accepted() {
        let value = " id=\"2\" ,ID = \"1/3\",  id=\" qcs::cam::uin/4:uin/5 \" , uri=\"http://cam.qcloud.com/groups/global/AuthenticatedUsers\"";
        let acl = bucket(&[("x-cos-grant-read-acp", value)]).unwrap().unwrap();
        let got: Vec<&Grantee> = acl.grants[1..].iter().map(|g| &g.grantee).collect();
        assert_eq!(
            got,
            vec![
                &Grantee::User("qcs::cam::uin/2:uin/2".into()),
                &Grantee::User("qcs::cam::uin/1:uin/3".into()),
                &Grantee::User("qcs::cam::uin/4:uin/5".into()),
                &Grantee::AuthenticatedUsers,
            ]
        );
        assert!(acl.grants[1..]
            .iter()
            .all(|g| g.permission == Permission::ReadAcp));
        assert_eq!(
            Grantee::AuthenticatedUsers.uri(),
            Some(AUTHENTICATED_USERS_URI)
        );
    }

    #[test]
    fn from_headers_duplicate_owner_grant_is_dropped() {
        let acl = bucket(&[
            (ACL_HEADER, "private"),
            ("x-cos-grant-full-control", "id=\"100000000001\""),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(acl.grants, vec![owner_fc()]);
    }

    #[test]
    fn from_headers_uri_all_users_is_accepted() {
        let value = format!("uri=\"{ALL_USERS_URI}\"");
        let acl = bucket(&[("x-cos-grant-read", &value)]).unwrap().unwrap();
        assert_eq!(acl.canned_name(), Some("public-read"));
    }

    #[test]
    fn from_headers_bad_entry_is_invalid_argument_naming_header_and_entry() {
        for bad in [
            "100000000002",
            "id=100000000002",
            "id=\"abc\"",
            "name=\"2\"",
            "id=\"2\",",
            "uri=\"http://x/\"",
        ] {
            let err = bucket(&[("x-cos-grant-read", bad)]).unwrap_err();
            assert_eq!(err.code, Code::InvalidArgument, "{bad}");
            assert!(
                err.message.starts_with("Invalid x-cos-grant-read entry '"),
                "{}",
                err.message
            );
        }
        let err = bucket(&[("x-cos-grant-read", "id=\"abc\"")]).unwrap_err();
        assert!(
            err.message.contains("entry 'id=\"abc\"'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn from_headers_empty_grant_values_are_absent() {
        assert_eq!(bucket(&[("x-cos-grant-read", "")]).unwrap(), None);
        let empties = GRANT_HEADERS.map(|(name, _)| (name, " "));
        assert_eq!(bucket(&empties).unwrap(), None);
        let object = from_headers(
            ResourceKind::Object,
            OWNER_UIN,
            &h(&[("x-cos-grant-write", "")]),
        );
        assert_eq!(object.unwrap(), None);
        let mut with_canned = empties.to_vec();
        with_canned.push(("x-cos-acl", "public-read"));
        let acl = bucket(&with_canned).unwrap().unwrap();
        assert_eq!(acl.canned, Some(Canned::PublicRead));
    }

    #[test]
    fn from_headers_comma_only_grant_value_is_invalid_argument() {
        let err = bucket(&[("x-cos-grant-read", ",")]).unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
    }

    #[test]
    fn from_headers_grant_write_on_object_is_invalid_argument() {
        let err = from_headers(
            ResourceKind::Object,
            OWNER_UIN,
            &h(&[("x-cos-grant-write", "id=\"2\"")]),
        )
        .unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert_eq!(
            err.message,
            "x-cos-grant-write is not supported on an object"
        );
    }

    #[test]
    fn from_headers_unknown_canned_is_invalid_argument() {
        let err = bucket(&[(ACL_HEADER, "public-read-writ")]).unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert!(err.message.contains("'public-read-writ'"));
    }

    #[test]
    fn from_headers_object_default_has_no_grants() {
        let acl = from_headers(
            ResourceKind::Object,
            OWNER_UIN,
            &h(&[(ACL_HEADER, "default")]),
        )
        .unwrap()
        .unwrap();
        assert!(acl.is_default());
        assert!(acl.grants.is_empty());
    }

    #[test]
    fn from_headers_default_with_grants_is_invalid_argument() {
        let pairs = h(&[(ACL_HEADER, "default"), ("x-cos-grant-read", "id=\"2\"")]);
        let err = from_headers(ResourceKind::Object, OWNER_UIN, &pairs).unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
    }

    #[test]
    fn from_headers_conflicting_canned_values_are_invalid_argument() {
        let err = bucket(&[(ACL_HEADER, "private"), (ACL_HEADER, "public-read")]).unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
    }

    #[test]
    fn from_headers_over_100_grants_is_policy_full() {
        // owner FULL_CONTROL + 99 entries = 100: allowed; + 100 entries = 101: PolicyFull.
        let ids = |n: u64| {
            (0..n)
                .map(|i| format!("id=\"{}\"", 200 + i))
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(
            bucket(&[("x-cos-grant-read", &ids(99))])
                .unwrap()
                .unwrap()
                .grants
                .len(),
            100
        );
        let err = bucket(&[("x-cos-grant-read", &ids(100))]).unwrap_err();
        assert_eq!(err.code, Code::PolicyFull);
        assert_eq!(err.message, "your policy or acl has reached the limit");
    }

    #[test]
    fn from_headers_fixtures_answer_expected_xml_or_error() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/acl/headers");
        let mut count = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.display().to_string();
            let fixture: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let kind = match fixture["kind"].as_str() {
                Some("object") => ResourceKind::Object,
                _ => ResourceKind::Bucket,
            };
            let headers: Vec<(String, String)> = fixture["headers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_string()))
                .collect();
            let expect = &fixture["expect"];
            match from_headers(kind, OWNER_UIN, &headers) {
                Ok(Some(acl)) => {
                    assert_eq!(
                        Some(crate::acl::to_xml(&acl).as_str()),
                        expect["xml"].as_str(),
                        "{name}"
                    )
                }
                Ok(None) => panic!("{name}: no ACL"),
                Err(err) => {
                    assert_eq!(Some(err.code.as_str()), expect["code"].as_str(), "{name}");
                    assert_eq!(
                        Some(err.message.as_str()),
                        expect["message"].as_str(),
                        "{name}"
                    );
                }
            }
            count += 1;
        }
        assert!(count >= 15, "{count}");
    }
}
