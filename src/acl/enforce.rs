//! What an ACL lets a caller do: the permission each action needs (cos-api.md §6.5) and whether an
//! ACL grants it to a caller, returning the deciding grant so the access check can explain itself.

use super::model::{user_id, Acl, Grant, Grantee, Permission, ResourceKind};

/// Who is asking, as far as ACLs care. `root` and `uin` are bare uins; a root caller has
/// `uin == root`; a temporary key is its parent here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclCaller {
    Anonymous,
    Signed { root: String, uin: String },
}

/// The permission that, granted in an ACL of `kind`, allows `action` (`GetObject`, or
/// `name/cos:GetObject`); `None` when no ACL of that kind can allow it. FULL_CONTROL implies every
/// answer. Object writes (PutObject, DeleteObject, multipart...) are governed by the bucket ACL:
/// objects have no WRITE. Choices where §6.5 is unverified, all for `kind == Bucket`:
/// - READ also allows GetObject/HeadObject and READ_ACP/WRITE_ACP also allow Get/PutObjectACL: this
///   is what a `default` object inherits (use [`effective`]);
/// - WRITE also allows AbortMultipartUpload, ListParts, AppendObject, PutSymlink and
///   DeleteMultipleObjects; READ also allows GetSymlink (a link is read like an object);
/// - PostObjectRestore/RestoreObject, tagging and every bucket configuration action: `None`.
pub fn permission_for(action: &str, kind: ResourceKind) -> Option<Permission> {
    use Permission::{Read, ReadAcp, Write, WriteAcp};
    let action = action.strip_prefix("name/cos:").unwrap_or(action);
    match (kind, action) {
        (_, "GetObject" | "HeadObject" | "GetSymlink") => Some(Read),
        (_, "GetObjectACL") => Some(ReadAcp),
        (_, "PutObjectACL") => Some(WriteAcp),
        (ResourceKind::Object, _) => None,
        (
            ResourceKind::Bucket,
            "GetBucket" | "HeadBucket" | "GetBucketObjectVersions" | "ListMultipartUploads",
        ) => Some(Read),
        (
            ResourceKind::Bucket,
            "PutObject"
            | "PutObjectCopy"
            | "PostObject"
            | "InitiateMultipartUpload"
            | "UploadPart"
            | "UploadPartCopy"
            | "CompleteMultipartUpload"
            | "DeleteObject"
            | "AbortMultipartUpload"
            | "ListParts"
            | "AppendObject"
            | "PutSymlink"
            | "DeleteMultipleObjects",
        ) => Some(Write),
        (ResourceKind::Bucket, "GetBucketACL") => Some(ReadAcp),
        (ResourceKind::Bucket, "PutBucketACL") => Some(WriteAcp),
        (ResourceKind::Bucket, _) => None,
    }
}

/// The first grant in `acl` that gives `who` the `needed` permission, or `None`.
///
/// AllUsers matches everyone; AuthenticatedUsers every signed caller; a user grant matches the
/// caller's exact id, and a grant to a root account also matches that root's sub-users (COS's
/// permission propagation; their own CAM allow is the access check's business) **except** for the
/// resource owner's root: the owner's FULL_CONTROL is ownership, not a grant to its sub-users,
/// who need CAM policies or a grant to their own id. A `default` ACL has no grants and allows
/// nothing; evaluate [`effective`] instead.
pub fn allows<'a>(acl: &'a Acl, who: &AclCaller, needed: Permission) -> Option<&'a Grant> {
    acl.grants
        .iter()
        .find(|g| g.permission.implies(needed) && matches(&acl.owner, &g.grantee, who))
}

fn matches(owner: &str, grantee: &Grantee, who: &AclCaller) -> bool {
    match (grantee, who) {
        (Grantee::AllUsers, _) => true,
        (_, AclCaller::Anonymous) => false,
        (Grantee::AuthenticatedUsers, AclCaller::Signed { .. }) => true,
        (Grantee::User(id), AclCaller::Signed { root, uin }) => {
            let root_id = user_id(root, root);
            *id == user_id(root, uin) || (*id == root_id && root_id != owner)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acl::model::Canned;

    const OWNER_UIN: &str = "100000000001";

    fn signed(root: &str, uin: &str) -> AclCaller {
        AclCaller::Signed {
            root: root.into(),
            uin: uin.into(),
        }
    }

    fn acl_with(grants: Vec<Grant>) -> Acl {
        let mut acl = Acl::bucket_default(OWNER_UIN);
        acl.canned = None;
        acl.grants.extend(grants);
        acl
    }

    #[test]
    fn allows_public_read_anonymous_read_returns_all_users_grant() {
        let acl = Acl::from_canned(OWNER_UIN, Canned::PublicRead);
        let g = allows(&acl, &AclCaller::Anonymous, Permission::Read);
        assert_eq!(g, Some(&Grant::new(Grantee::AllUsers, Permission::Read)));
        assert_eq!(allows(&acl, &AclCaller::Anonymous, Permission::Write), None);
    }

    #[test]
    fn allows_authenticated_read_signed_only() {
        let acl = Acl::from_canned(OWNER_UIN, Canned::AuthenticatedRead);
        assert!(allows(&acl, &AclCaller::Anonymous, Permission::Read).is_none());
        assert!(allows(&acl, &signed("2", "2"), Permission::Read).is_some());
    }

    #[test]
    fn allows_private_other_account_denied() {
        let acl = Acl::bucket_default(OWNER_UIN);
        assert!(allows(&acl, &signed("2", "2"), Permission::Read).is_none());
    }

    #[test]
    fn allows_full_control_implies_every_permission() {
        let acl = acl_with(vec![Grant::new(
            Grantee::root("2"),
            Permission::FullControl,
        )]);
        for p in Permission::ALL {
            assert!(allows(&acl, &signed("2", "2"), p).is_some(), "{p:?}");
        }
    }

    #[test]
    fn allows_root_grant_propagates_to_its_sub_users() {
        let acl = acl_with(vec![Grant::new(Grantee::root("2"), Permission::Read)]);
        assert!(allows(&acl, &signed("2", "3"), Permission::Read).is_some());
        assert!(allows(&acl, &signed("4", "3"), Permission::Read).is_none());
    }

    #[test]
    fn allows_sub_user_grant_matches_only_that_user() {
        let acl = acl_with(vec![Grant::new(Grantee::user("2", "3"), Permission::Read)]);
        assert!(allows(&acl, &signed("2", "3"), Permission::Read).is_some());
        assert!(allows(&acl, &signed("2", "2"), Permission::Read).is_none());
        assert!(allows(&acl, &signed("2", "5"), Permission::Read).is_none());
    }

    #[test]
    fn allows_owner_full_control_not_given_to_owner_sub_users() {
        let acl = Acl::bucket_default(OWNER_UIN);
        assert!(allows(&acl, &signed(OWNER_UIN, OWNER_UIN), Permission::Read).is_some());
        assert!(allows(&acl, &signed(OWNER_UIN, "100000000011"), Permission::Read).is_none());
        let acl = acl_with(vec![Grant::new(
            Grantee::user(OWNER_UIN, "100000000011"),
            Permission::Read,
        )]);
        assert!(allows(&acl, &signed(OWNER_UIN, "100000000011"), Permission::Read).is_some());
    }

    #[test]
    fn allows_default_object_acl_allows_nothing() {
        // The fallback to the bucket's ACL is the access decision's (`access::decide`).
        let object = Acl::object_default(OWNER_UIN);
        assert!(allows(&object, &AclCaller::Anonymous, Permission::Read).is_none());
    }

    #[test]
    fn permission_for_object_actions_match_table() {
        use ResourceKind::Object;
        assert_eq!(permission_for("GetObject", Object), Some(Permission::Read));
        assert_eq!(
            permission_for("name/cos:HeadObject", Object),
            Some(Permission::Read)
        );
        assert_eq!(
            permission_for("GetObjectACL", Object),
            Some(Permission::ReadAcp)
        );
        assert_eq!(
            permission_for("PutObjectACL", Object),
            Some(Permission::WriteAcp)
        );
        assert_eq!(permission_for("PutObject", Object), None);
        assert_eq!(permission_for("DeleteObject", Object), None);
    }

    #[test]
    fn permission_for_bucket_actions_match_table() {
        use ResourceKind::Bucket;
        for a in [
            "GetBucket",
            "HeadBucket",
            "GetBucketObjectVersions",
            "ListMultipartUploads",
            "GetObject",
        ] {
            assert_eq!(permission_for(a, Bucket), Some(Permission::Read), "{a}");
        }
        for a in [
            "PutObject",
            "PostObject",
            "UploadPart",
            "CompleteMultipartUpload",
            "DeleteObject",
            "AppendObject",
        ] {
            assert_eq!(permission_for(a, Bucket), Some(Permission::Write), "{a}");
        }
        assert_eq!(
            permission_for("GetBucketACL", Bucket),
            Some(Permission::ReadAcp)
        );
        assert_eq!(
            permission_for("PutBucketACL", Bucket),
            Some(Permission::WriteAcp)
        );
        for a in [
            "PutBucketPolicy",
            "DeleteBucket",
            "PutBucketCORS",
            "PostObjectRestore",
            "GetService",
            "Nope",
        ] {
            assert_eq!(permission_for(a, Bucket), None, "{a}");
        }
    }
}
