//! The COS action names a policy may grant (`name/cos:<Api>`, spec §7.3), and a nearest-name
//! suggestion for typos.

/// Every COS API name accepted after `name/cos:` (case-sensitive, as COS documents them).
///
/// §7.3 lists most of them; the entries marked "expanded" complete the families the spec ends with
/// "…" from the COS API list. `RestoreObject` is the name the node SDK uses for `PostObjectRestore`.
pub const ACTIONS: &[&str] = &[
    // Service.
    "GetService",
    // Bucket.
    "PutBucket",
    "HeadBucket",
    "GetBucket",
    "GetBucketObjectVersions",
    "DeleteBucket",
    "GetBucketLocation",
    "ListMultipartUploads",
    "PutBucketACL",
    "GetBucketACL",
    "PutBucketCORS",
    "GetBucketCORS",
    "DeleteBucketCORS",
    "PutBucketLifecycle",
    "GetBucketLifecycle",
    "DeleteBucketLifecycle",
    "PutBucketPolicy",
    "GetBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketTagging",
    "GetBucketTagging",
    "DeleteBucketTagging",
    "PutBucketVersioning",
    "GetBucketVersioning",
    "PutBucketReferer",
    "GetBucketReferer",
    "PutBucketWebsite",
    "GetBucketWebsite",
    "DeleteBucketWebsite",
    "PutBucketLogging",
    "GetBucketLogging",
    "PutBucketReplication",
    "GetBucketReplication",
    "DeleteBucketReplication",
    "PutBucketEncryption",
    "GetBucketEncryption",
    "DeleteBucketEncryption", // expanded
    "PutBucketDomain",
    "GetBucketDomain",
    "DeleteBucketDomain",
    "PutBucketDomainCertificate",    // expanded
    "GetBucketDomainCertificate",    // expanded
    "DeleteBucketDomainCertificate", // expanded
    "PutBucketOrigin",
    "GetBucketOrigin",
    "DeleteBucketOrigin",
    "PutBucketInventory",
    "GetBucketInventory",
    "ListBucketInventory",
    "DeleteBucketInventory",
    "PutBucketAccelerate",
    "GetBucketAccelerate",
    "PutBucketIntelligentTiering", // expanded
    "GetBucketIntelligentTiering",
    "PutBucketObjectLockConfiguration", // expanded
    "GetBucketObjectLockConfiguration", // expanded
    // Object.
    "PutObject",
    "PostObject",
    "AppendObject",
    "GetObject",
    "HeadObject",
    "OptionsObject",
    "DeleteObject",
    "DeleteMultipleObjects",
    "PutObjectCopy",
    "PutObjectACL",
    "GetObjectACL",
    "PutObjectTagging",
    "GetObjectTagging",
    "DeleteObjectTagging",
    "PostObjectRestore",
    "RestoreObject",
    "SelectObjectContent",
    "PutSymlink", // COS's coscli documentation names cos:PutSymlink / cos:GetSymlink
    "GetSymlink",
    "PutObjectRetention", // expanded
    "GetObjectRetention", // expanded
    // Multipart upload.
    "InitiateMultipartUpload",
    "UploadPart",
    "UploadPartCopy",
    "ListParts",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
];

/// Pairs of names that denote the same API; policy matching treats them as equal.
pub const ALIASES: &[(&str, &str)] = &[("RestoreObject", "PostObjectRestore")];

/// Whether `name` (without `name/cos:`) is a known API name. Case-sensitive.
pub fn is_known(name: &str) -> bool {
    ACTIONS.contains(&name)
}

/// The other name of an aliased API, if it has one.
pub fn alias_of(name: &str) -> Option<&'static str> {
    ALIASES.iter().find_map(|&(a, b)| {
        if a == name {
            Some(b)
        } else if b == name {
            Some(a)
        } else {
            None
        }
    })
}

/// The known name nearest to `name`: a case-insensitive match first, then the closest within an
/// edit distance of 3 (ties go to the earlier entry of [`ACTIONS`]).
pub fn suggest(name: &str) -> Option<&'static str> {
    nearest(name, ACTIONS, 3)
}

/// The candidate nearest to `name`: a case-insensitive match, else the closest within `max` edits.
pub(crate) fn nearest(name: &str, candidates: &[&'static str], max: usize) -> Option<&'static str> {
    if let Some(&c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(c);
    }
    let lower = name.to_ascii_lowercase();
    candidates
        .iter()
        .map(|&c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|&(d, _)| d <= max)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_known_exact_case_true() {
        assert!(is_known("GetObject"));
        assert!(is_known("RestoreObject"));
        assert!(is_known("PostObjectRestore"));
    }

    #[test]
    fn is_known_wrong_case_false() {
        assert!(!is_known("getobject"));
        assert!(!is_known("PutBucketAcl"));
    }

    #[test]
    fn suggest_plural_typo_nearest() {
        assert_eq!(suggest("GetObjects"), Some("GetObject"));
    }

    #[test]
    fn suggest_wrong_case_exact_name() {
        assert_eq!(suggest("PutBucketAcl"), Some("PutBucketACL"));
        assert_eq!(suggest("getbucket"), Some("GetBucket"));
    }

    #[test]
    fn suggest_far_name_none() {
        assert_eq!(suggest("DescribeInstances"), None);
    }

    #[test]
    fn actions_no_duplicates() {
        for (i, a) in ACTIONS.iter().enumerate() {
            assert!(!ACTIONS[i + 1..].contains(a), "duplicate {a}");
        }
    }

    #[test]
    fn alias_of_restore_both_ways() {
        assert_eq!(alias_of("RestoreObject"), Some("PostObjectRestore"));
        assert_eq!(alias_of("PostObjectRestore"), Some("RestoreObject"));
        assert_eq!(alias_of("GetObject"), None);
    }
}
