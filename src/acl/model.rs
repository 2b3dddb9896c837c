//! The ACL model: resource kinds, permissions, grantees (with COS id normalisation), grants, canned
//! ACLs and their expansion to grants.

use crate::error::{Code, CosError};

/// The group every caller belongs to, signed or not.
pub const ALL_USERS_URI: &str = "http://cam.qcloud.com/groups/global/AllUsers";
/// The group every signed (CAM-authenticated) caller belongs to.
pub const AUTHENTICATED_USERS_URI: &str = "http://cam.qcloud.com/groups/global/AuthenticatedUsers";
/// The legacy grantee ID that means AllUsers (coscmd sends it for `anyone`; Go's `decodeACL` reads it).
pub const ANYONE_ID: &str = "qcs::cam::anyone:anyone";
/// "A resource can have up to 100 ACL policies"; one more answers `PolicyFull`.
pub const MAX_GRANTS: usize = 100;

/// What an ACL is attached to; decides which canned values and permissions are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Bucket,
    Object,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Bucket => "bucket",
            ResourceKind::Object => "object",
        }
    }

    /// "a bucket" / "an object", for messages.
    pub fn with_article(self) -> &'static str {
        match self {
            ResourceKind::Bucket => "a bucket",
            ResourceKind::Object => "an object",
        }
    }
}

/// A permission as spelled in `<Permission>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

impl Permission {
    pub const ALL: [Permission; 5] = [
        Permission::Read,
        Permission::Write,
        Permission::ReadAcp,
        Permission::WriteAcp,
        Permission::FullControl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "READ",
            Permission::Write => "WRITE",
            Permission::ReadAcp => "READ_ACP",
            Permission::WriteAcp => "WRITE_ACP",
            Permission::FullControl => "FULL_CONTROL",
        }
    }

    /// `WRITE` exists only on buckets.
    pub fn applies_to(self, kind: ResourceKind) -> bool {
        !(self == Permission::Write && kind == ResourceKind::Object)
    }

    /// Holding `self` is enough for `needed` (FULL_CONTROL implies every other permission).
    pub fn implies(self, needed: Permission) -> bool {
        self == needed || self == Permission::FullControl
    }

    /// Parses a `<Permission>` value; unknown values and `WRITE` on objects are `InvalidArgument`.
    pub fn parse(kind: ResourceKind, value: &str) -> Result<Permission, CosError> {
        let found = Permission::ALL.into_iter().find(|p| p.as_str() == value);
        match found {
            Some(p) if p.applies_to(kind) => Ok(p),
            Some(p) => Err(invalid(format!(
                "Permission {} is not supported on {}",
                p.as_str(),
                kind.with_article()
            ))),
            None => {
                let allowed: Vec<&str> = Permission::ALL
                    .into_iter()
                    .filter(|p| p.applies_to(kind))
                    .map(Permission::as_str)
                    .collect();
                Err(invalid(format!(
                    "Invalid Permission '{value}'; allowed on {}: {}",
                    kind.with_article(),
                    allowed.join(", ")
                )))
            }
        }
    }
}

/// Who a grant is for. `User` holds the normalised `qcs::cam::uin/<owner>:uin/<uin>` id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Grantee {
    User(String),
    AllUsers,
    AuthenticatedUsers,
}

impl Grantee {
    /// The root account `uin`: `qcs::cam::uin/<uin>:uin/<uin>`.
    pub fn root(uin: &str) -> Grantee {
        Grantee::user(uin, uin)
    }

    /// The user `sub` of root account `owner`: `qcs::cam::uin/<owner>:uin/<sub>`.
    pub fn user(owner: &str, sub: &str) -> Grantee {
        Grantee::User(user_id(owner, sub))
    }

    /// Normalises a grantee id: `<uin>`, `<owner>/<sub>`, `qcs::cam::uin/<owner>:uin/<sub>`, or the
    /// legacy `qcs::cam::anyone:anyone` (AllUsers). Uins are ASCII digits. `None` if none of these.
    pub fn from_id(raw: &str) -> Option<Grantee> {
        let raw = raw.trim();
        if raw == ANYONE_ID {
            return Some(Grantee::AllUsers);
        }
        let (owner, sub) = match raw.strip_prefix("qcs::cam::uin/") {
            Some(rest) => rest.split_once(":uin/")?,
            None => raw.split_once('/').unwrap_or((raw, raw)),
        };
        (is_uin(owner) && is_uin(sub)).then(|| Grantee::user(owner, sub))
    }

    /// A group by its URI; `None` for any other URI.
    pub fn from_uri(raw: &str) -> Option<Grantee> {
        match raw.trim() {
            ALL_USERS_URI => Some(Grantee::AllUsers),
            AUTHENTICATED_USERS_URI => Some(Grantee::AuthenticatedUsers),
            _ => None,
        }
    }

    /// The group URI, or `None` for a user.
    pub fn uri(&self) -> Option<&'static str> {
        match self {
            Grantee::User(_) => None,
            Grantee::AllUsers => Some(ALL_USERS_URI),
            Grantee::AuthenticatedUsers => Some(AUTHENTICATED_USERS_URI),
        }
    }
}

/// The normalised id of user `sub` of root account `owner`: `qcs::cam::uin/<owner>:uin/<sub>`.
pub fn user_id(owner: &str, sub: &str) -> String {
    format!("qcs::cam::uin/{owner}:uin/{sub}")
}

fn is_uin(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// One ACL entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grant {
    pub grantee: Grantee,
    pub permission: Permission,
}

impl Grant {
    pub fn new(grantee: Grantee, permission: Permission) -> Grant {
        Grant {
            grantee,
            permission,
        }
    }
}

/// A canned ACL (`x-cos-acl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Canned {
    Private,
    PublicRead,
    PublicReadWrite,
    AuthenticatedRead,
    Default,
    BucketOwnerRead,
    BucketOwnerFullControl,
}

impl Canned {
    pub const BUCKET: &'static [Canned] = &[
        Canned::Private,
        Canned::PublicRead,
        Canned::PublicReadWrite,
        Canned::AuthenticatedRead,
    ];
    pub const OBJECT: &'static [Canned] = &[
        Canned::Default,
        Canned::Private,
        Canned::PublicRead,
        Canned::AuthenticatedRead,
        Canned::BucketOwnerRead,
        Canned::BucketOwnerFullControl,
    ];

    /// The values allowed on `kind`, in the order COS documents them.
    pub fn allowed(kind: ResourceKind) -> &'static [Canned] {
        match kind {
            ResourceKind::Bucket => Canned::BUCKET,
            ResourceKind::Object => Canned::OBJECT,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Canned::Private => "private",
            Canned::PublicRead => "public-read",
            Canned::PublicReadWrite => "public-read-write",
            Canned::AuthenticatedRead => "authenticated-read",
            Canned::Default => "default",
            Canned::BucketOwnerRead => "bucket-owner-read",
            Canned::BucketOwnerFullControl => "bucket-owner-full-control",
        }
    }

    /// Parses an `x-cos-acl` value (exact spelling); anything else is `InvalidArgument`.
    pub fn parse(kind: ResourceKind, value: &str) -> Result<Canned, CosError> {
        let allowed = Canned::allowed(kind);
        let value = value.trim();
        allowed
            .iter()
            .copied()
            .find(|c| c.as_str() == value)
            .ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|c| c.as_str()).collect();
                invalid(format!(
                    "Invalid x-cos-acl value '{value}'; allowed on {}: {}",
                    kind.with_article(),
                    names.join(", ")
                ))
            })
    }

    /// The grants this canned ACL stands for, owner FULL_CONTROL first. `default` has none (it
    /// defers to the bucket). The object owner is always the bucket owner, so `bucket-owner-read`
    /// and `bucket-owner-full-control` collapse to the owner's FULL_CONTROL.
    pub fn grants(self, owner_id: &str) -> Vec<Grant> {
        use Permission::{FullControl, Read, Write};
        let owner = Grant::new(Grantee::User(owner_id.to_string()), FullControl);
        match self {
            Canned::Default => Vec::new(),
            Canned::Private | Canned::BucketOwnerRead | Canned::BucketOwnerFullControl => {
                vec![owner]
            }
            Canned::PublicRead => vec![owner, Grant::new(Grantee::AllUsers, Read)],
            Canned::PublicReadWrite => vec![
                owner,
                Grant::new(Grantee::AllUsers, Read),
                Grant::new(Grantee::AllUsers, Write),
            ],
            Canned::AuthenticatedRead => vec![owner, Grant::new(Grantee::AuthenticatedUsers, Read)],
        }
    }
}

/// A stored ACL.
///
/// An object whose ACL is `default` is `canned == Some(Canned::Default)` with **no grants**: it
/// grants nothing itself and defers to the bucket ACL (see `enforce::effective`). It still renders
/// as Owner + owner FULL_CONTROL. Every other canned ACL is stored expanded, `canned` recording the
/// `x-cos-acl` value it came from; ACLs from an XML body have `canned == None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acl {
    /// `qcs::cam::uin/<owner>:uin/<owner>`.
    pub owner: String,
    pub grants: Vec<Grant>,
    pub canned: Option<Canned>,
}

impl Acl {
    /// The ACL a canned value stands for, owned by `owner_uin`.
    pub fn from_canned(owner_uin: &str, canned: Canned) -> Acl {
        let owner = owner_id(owner_uin);
        Acl {
            grants: canned.grants(&owner),
            owner,
            canned: Some(canned),
        }
    }

    /// A new bucket's ACL: `private`.
    pub fn bucket_default(owner_uin: &str) -> Acl {
        Acl::from_canned(owner_uin, Canned::Private)
    }

    /// A new object's ACL: `default`.
    pub fn object_default(owner_uin: &str) -> Acl {
        Acl::from_canned(owner_uin, Canned::Default)
    }

    /// The object inherits from its bucket; GET answers `x-cos-acl: default`.
    pub fn is_default(&self) -> bool {
        self.canned == Some(Canned::Default)
    }

    /// The canned name this ACL amounts to: the `x-cos-acl` value it was set with if nothing was
    /// added to it, else the canned ACL whose grants equal its grants (in any order), else `None`.
    pub fn canned_name(&self) -> Option<&'static str> {
        if let Some(c) = self.canned {
            if c == Canned::Default || same_grants(&self.grants, &c.grants(&self.owner)) {
                return Some(c.as_str());
            }
        }
        Canned::BUCKET
            .iter()
            .find(|c| same_grants(&self.grants, &c.grants(&self.owner)))
            .map(|c| c.as_str())
    }
}

fn same_grants(a: &[Grant], b: &[Grant]) -> bool {
    a.iter().all(|g| b.contains(g)) && b.iter().all(|g| a.contains(g))
}

/// The normalised id of the resource owner; `owner_uin` is a bare uin or already normalised.
pub fn owner_id(owner_uin: &str) -> String {
    match Grantee::from_id(owner_uin) {
        Some(Grantee::User(id)) => id,
        _ => user_id(owner_uin, owner_uin),
    }
}

pub(crate) fn invalid(message: String) -> CosError {
    CosError::with_message(Code::InvalidArgument, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "qcs::cam::uin/100000000001:uin/100000000001";

    #[test]
    fn from_id_root_uin_normalises_to_full_form() {
        assert_eq!(
            Grantee::from_id("123"),
            Some(Grantee::User("qcs::cam::uin/123:uin/123".into()))
        );
    }

    #[test]
    fn from_id_owner_slash_sub_normalises_to_full_form() {
        assert_eq!(
            Grantee::from_id(" 1/2 "),
            Some(Grantee::User("qcs::cam::uin/1:uin/2".into()))
        );
    }

    #[test]
    fn from_id_full_form_is_kept() {
        assert_eq!(Grantee::from_id(OWNER), Some(Grantee::User(OWNER.into())));
    }

    #[test]
    fn from_id_anyone_means_all_users() {
        assert_eq!(Grantee::from_id(ANYONE_ID), Some(Grantee::AllUsers));
    }

    #[test]
    fn from_id_garbage_is_rejected() {
        for bad in [
            "",
            "abc",
            "1/",
            "/2",
            "1/2/3",
            "qcs::cam::uin/1",
            "qcs::cam::uin/x:uin/1",
            "12a",
        ] {
            assert_eq!(Grantee::from_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn from_uri_unknown_group_is_rejected() {
        assert_eq!(Grantee::from_uri(ALL_USERS_URI), Some(Grantee::AllUsers));
        assert_eq!(
            Grantee::from_uri("http://cam.qcloud.com/groups/global/Nobody"),
            None
        );
    }

    #[test]
    fn permission_parse_write_on_object_is_invalid_argument() {
        let err = Permission::parse(ResourceKind::Object, "WRITE").unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert_eq!(
            err.message,
            "Permission WRITE is not supported on an object"
        );
        assert_eq!(
            Permission::parse(ResourceKind::Bucket, "WRITE"),
            Ok(Permission::Write)
        );
    }

    #[test]
    fn permission_parse_unknown_names_value_and_allowed_list() {
        let err = Permission::parse(ResourceKind::Bucket, "read").unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert_eq!(
            err.message,
            "Invalid Permission 'read'; allowed on a bucket: READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL"
        );
    }

    #[test]
    fn canned_parse_each_allowed_value_round_trips() {
        for kind in [ResourceKind::Bucket, ResourceKind::Object] {
            for c in Canned::allowed(kind) {
                assert_eq!(Canned::parse(kind, c.as_str()), Ok(*c));
            }
        }
    }

    #[test]
    fn canned_parse_value_of_other_kind_is_invalid_argument() {
        let err = Canned::parse(ResourceKind::Bucket, "default").unwrap_err();
        assert_eq!(err.code, Code::InvalidArgument);
        assert_eq!(
            err.message,
            "Invalid x-cos-acl value 'default'; allowed on a bucket: private, public-read, public-read-write, authenticated-read"
        );
        let err = Canned::parse(ResourceKind::Object, "public-read-write").unwrap_err();
        assert_eq!(
            err.message,
            "Invalid x-cos-acl value 'public-read-write'; allowed on an object: default, private, public-read, authenticated-read, bucket-owner-read, bucket-owner-full-control"
        );
    }

    #[test]
    fn canned_grants_always_start_with_owner_full_control() {
        let owner = Grant::new(Grantee::User(OWNER.into()), Permission::FullControl);
        for c in Canned::OBJECT.iter().chain(Canned::BUCKET) {
            if *c != Canned::Default {
                assert_eq!(c.grants(OWNER).first(), Some(&owner), "{c:?}");
            }
        }
        assert!(Canned::Default.grants(OWNER).is_empty());
    }

    #[test]
    fn canned_grants_public_read_write_adds_all_users_read_and_write() {
        let g = Canned::PublicReadWrite.grants(OWNER);
        assert_eq!(
            &g[1..],
            &[
                Grant::new(Grantee::AllUsers, Permission::Read),
                Grant::new(Grantee::AllUsers, Permission::Write),
            ]
        );
        let g = Canned::AuthenticatedRead.grants(OWNER);
        assert_eq!(
            &g[1..],
            &[Grant::new(Grantee::AuthenticatedUsers, Permission::Read)]
        );
    }

    #[test]
    fn canned_name_recorded_value_wins_when_unchanged() {
        let acl = Acl::from_canned("100000000001", Canned::BucketOwnerRead);
        assert_eq!(acl.canned_name(), Some("bucket-owner-read"));
        assert_eq!(
            Acl::object_default("100000000001").canned_name(),
            Some("default")
        );
    }

    #[test]
    fn canned_name_derived_from_grants_in_any_order() {
        let mut acl = Acl::from_canned("100000000001", Canned::PublicRead);
        acl.canned = None;
        acl.grants.reverse();
        assert_eq!(acl.canned_name(), Some("public-read"));
        acl.grants
            .push(Grant::new(Grantee::root("2"), Permission::Read));
        assert_eq!(acl.canned_name(), None);
    }

    #[test]
    fn owner_id_accepts_bare_and_full_forms() {
        assert_eq!(owner_id("100000000001"), OWNER);
        assert_eq!(owner_id(OWNER), OWNER);
    }
}
