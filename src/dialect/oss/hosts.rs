//! Which requests speak OSS (oss.md §2), and OSS names: bucket names, canned ACLs, regions.
//! Pure: from the Host, the path and what credential the request carries.

/// What an OSS Host says: the bucket (virtual-hosted) or none (path style), and the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OssHost {
    pub bucket: Option<String>,
    pub region: String,
}

/// `<bucket>.oss-<region>[-internal].aliyuncs.com` or `oss-<region>[-internal].aliyuncs.com` (the
/// hostname, lower-cased, without port).
pub fn parse_host(hostname: &str) -> Option<OssHost> {
    let rest = hostname.strip_suffix(".aliyuncs.com")?;
    let (bucket, endpoint) = match rest.rsplit_once('.') {
        Some((bucket, endpoint)) => (Some(bucket), endpoint),
        None => (None, rest),
    };
    let region = endpoint.strip_prefix("oss-")?;
    let region = region.strip_suffix("-internal").unwrap_or(region);
    let valid_region = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_region || bucket.is_some_and(|b| b.is_empty() || b.contains('.')) {
        return None;
    }
    Some(OssHost {
        bucket: bucket.map(str::to_string),
        region: region.to_string(),
    })
}

/// Whether a request carries an OSS credential (oss.md §2 rule 3): an `OSS ` or `OSS4-HMAC-SHA256`
/// Authorization, or a V1 (`OSSAccessKeyId=`) or V4 (`x-oss-signature-version=`) pre-signed query.
pub fn carries_credential(authorization: Option<&str>, raw_query: &str) -> bool {
    let header = authorization
        .map(str::trim_start)
        .is_some_and(|v| v.starts_with("OSS ") || v.starts_with("OSS4-HMAC-SHA256"));
    header
        || raw_query.split('&').any(|pair| {
            let name = pair.split_once('=').map_or(pair, |(k, _)| k);
            name == "OSSAccessKeyId" || name.eq_ignore_ascii_case("x-oss-signature-version")
        })
}

/// OSS bucket naming: 3 to 63 characters of lower-case letters, digits and `-`, starting and ending
/// with a letter or digit.
pub fn validate_bucket_name(name: &str) -> Result<(), String> {
    if !(3..=63).contains(&name.len()) {
        return Err(format!("{name:?}: a bucket name has 3 to 63 characters"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "{name:?}: only lower-case letters, digits and - are allowed"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(format!("{name:?}: the name must not start or end with -"));
    }
    Ok(())
}

/// A bucket's canned ACL (`x-oss-acl`): what anyone may do besides the owner and the policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CannedAcl {
    #[default]
    Private,
    PublicRead,
    PublicReadWrite,
}

impl CannedAcl {
    pub fn name(self) -> &'static str {
        match self {
            CannedAcl::Private => "private",
            CannedAcl::PublicRead => "public-read",
            CannedAcl::PublicReadWrite => "public-read-write",
        }
    }
}

/// `private`, `public-read` or `public-read-write`.
pub fn parse_canned_acl(value: &str) -> Result<CannedAcl, String> {
    match value {
        "private" => Ok(CannedAcl::Private),
        "public-read" => Ok(CannedAcl::PublicRead),
        "public-read-write" => Ok(CannedAcl::PublicReadWrite),
        other => Err(format!(
            "{other:?} is not one of private, public-read, public-read-write"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_host_virtual_path_and_internal() {
        let h = |b: Option<&str>, r: &str| {
            Some(OssHost {
                bucket: b.map(str::to_string),
                region: r.into(),
            })
        };
        assert_eq!(
            parse_host("examplebucket.oss-cn-hangzhou.aliyuncs.com"),
            h(Some("examplebucket"), "cn-hangzhou")
        );
        assert_eq!(
            parse_host("b-1.oss-cn-shanghai-internal.aliyuncs.com"),
            h(Some("b-1"), "cn-shanghai")
        );
        assert_eq!(
            parse_host("oss-cn-hangzhou.aliyuncs.com"),
            h(None, "cn-hangzhou")
        );
        assert_eq!(
            parse_host("oss-ap-southeast-1-internal.aliyuncs.com"),
            h(None, "ap-southeast-1")
        );
    }

    #[test]
    fn parse_host_other_hosts_are_not_oss() {
        for host in [
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
            "127.0.0.1",
            "localhost",
            "sts.aliyuncs.com",
            "a.b.oss-cn-hangzhou.aliyuncs.com",
            "aliyuncs.com",
            "oss-.aliyuncs.com",
        ] {
            assert_eq!(parse_host(host), None, "{host}");
        }
    }

    #[test]
    fn carries_credential_forms() {
        assert!(carries_credential(Some("OSS ak:sig"), ""));
        assert!(carries_credential(
            Some("OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=x"),
            ""
        ));
        assert!(carries_credential(
            None,
            "OSSAccessKeyId=ak&Expires=1&Signature=s"
        ));
        assert!(carries_credential(
            None,
            "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a"
        ));
        assert!(!carries_credential(
            Some("q-sign-algorithm=sha1&q-ak=x"),
            "acl"
        ));
        assert!(!carries_credential(None, "prefix=OSSAccessKeyId"));
    }

    #[test]
    fn validate_bucket_name_rules() {
        assert!(validate_bucket_name("oss-conf-examplebucket").is_ok());
        for bad in [
            "ab",
            "Upper",
            "-lead",
            "trail-",
            "under_score",
            &"a".repeat(64),
        ] {
            assert!(validate_bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn canned_acl_names_round_trip() {
        for name in ["private", "public-read", "public-read-write"] {
            assert_eq!(parse_canned_acl(name).unwrap().name(), name);
        }
        assert!(parse_canned_acl("default").is_err());
    }
}
