//! The OSS action names a bucket or RAM policy may name after `oss:` (oss.md §6, §7).
//!
//! oss.md §7's nine come first; the rest are the object, bucket and service actions of Alibaba Cloud's
//! "OSS actions for RAM policies" list. Names compare case-insensitively (RAM does).

/// Every accepted `oss:<Name>`, without the prefix.
pub const ACTIONS: &[&str] = &[
    // oss.md §7: what cos-mock enforces.
    "PutObject",
    "GetObject",
    "DeleteObject",
    "ListObjects",
    "GetBucketInfo",
    "GetBucketLocation",
    "PutBucketPolicy",
    "GetBucketPolicy",
    "DeleteBucketPolicy",
    // Service.
    "ListBuckets",
    "DescribeRegions",
    // Bucket.
    "PutBucket",
    "DeleteBucket",
    "GetBucketStat",
    "ListObjectVersions",
    "GetBucketAcl",
    "PutBucketAcl",
    "PutBucketVersioning",
    "GetBucketVersioning",
    "PutBucketCors",
    "GetBucketCors",
    "DeleteBucketCors",
    "PutBucketLifecycle",
    "GetBucketLifecycle",
    "DeleteBucketLifecycle",
    "PutBucketLogging",
    "GetBucketLogging",
    "DeleteBucketLogging",
    "PutBucketWebsite",
    "GetBucketWebsite",
    "DeleteBucketWebsite",
    "PutBucketReferer",
    "GetBucketReferer",
    "PutBucketTagging",
    "GetBucketTagging",
    "DeleteBucketTagging",
    "PutBucketEncryption",
    "GetBucketEncryption",
    "DeleteBucketEncryption",
    "PutBucketRequestPayment",
    "GetBucketRequestPayment",
    "PutBucketReplication",
    "GetBucketReplication",
    "DeleteBucketReplication",
    "GetBucketReplicationLocation",
    "GetBucketReplicationProgress",
    "PutBucketInventory",
    "GetBucketInventory",
    "ListBucketInventory",
    "DeleteBucketInventory",
    "InitiateBucketWorm",
    "AbortBucketWorm",
    "CompleteBucketWorm",
    "ExtendBucketWorm",
    "GetBucketWorm",
    "PutBucketTransferAcceleration",
    "GetBucketTransferAcceleration",
    "PutBucketResourceGroup",
    "GetBucketResourceGroup",
    "PutBucketAccessMonitor",
    "GetBucketAccessMonitor",
    "PutBucketHttpsConfig",
    "GetBucketHttpsConfig",
    "PutCname",
    "ListCname",
    "DeleteCname",
    "PutStyle",
    "GetStyle",
    "ListStyle",
    "DeleteStyle",
    "ListMultipartUploads",
    "OpenMetaQuery",
    "GetMetaQueryStatus",
    "DoMetaQuery",
    "CloseMetaQuery",
    // Object.
    "PutObjectAcl",
    "GetObjectAcl",
    "GetObjectVersion",
    "DeleteObjectVersion",
    "GetObjectVersionAcl",
    "PutObjectVersionAcl",
    "PutObjectTagging",
    "GetObjectTagging",
    "DeleteObjectTagging",
    "GetObjectVersionTagging",
    "PutObjectVersionTagging",
    "DeleteObjectVersionTagging",
    "PutSymlink",
    "GetSymlink",
    "RestoreObject",
    "AbortMultipartUpload",
    "ListParts",
    "PostProcessTask",
    // LiveChannel.
    "PutLiveChannel",
    "ListLiveChannel",
    "DeleteLiveChannel",
    "PutLiveChannelStatus",
    "GetLiveChannel",
    "GetLiveChannelStat",
    "GetLiveChannelHistory",
    "PostVodPlaylist",
    "GetVodPlaylist",
    "PublishRtmpStream",
];

/// The canonical spelling of a known name (`getobject` → `GetObject`), compared case-insensitively.
pub fn known(name: &str) -> Option<&'static str> {
    ACTIONS
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_is_case_insensitive_and_rejects_inventions() {
        assert_eq!(known("getobject"), Some("GetObject"));
        assert_eq!(known("ListObjects"), Some("ListObjects"));
        assert_eq!(known("FlyObject"), None);
        assert_eq!(known(""), None);
    }

    #[test]
    fn actions_have_no_duplicates() {
        let mut names: Vec<String> = ACTIONS.iter().map(|a| a.to_ascii_lowercase()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
