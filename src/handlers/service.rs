//! GET Service: the caller's buckets, filtered and paged as COS's query parameters say.

use std::time::SystemTime;

use super::Ctx;
use crate::clock::{iso8601, unix};
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::xml::{escape, DECLARATION};

/// Most buckets one page lists (COS's `max-keys` bound and default for GET Service).
const MAX_KEYS: usize = 2000;

/// What GET Service filters on: `tagkey`/`tagvalue`, `region`, `create-time` with `range`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Filter {
    tag: Option<(String, Option<String>)>,
    region: Option<String>,
    created: Option<(u64, Range)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Lt,
    Gt,
    Lte,
    Gte,
}

fn invalid(message: String) -> CosError {
    CosError::with_message(Code::InvalidArgument, message)
}

impl Filter {
    /// The filter of the query: `create-time` (Unix seconds) needs `range` (`lt`, `gt`, `lte`,
    /// `gte`) and the other way round; `tagvalue` needs `tagkey`. Else 400 `InvalidArgument`.
    fn of(param: impl Fn(&str) -> Option<String>) -> Result<Filter, CosError> {
        let nonempty = |name: &str| param(name).filter(|v| !v.is_empty());
        let tag = match (nonempty("tagkey"), nonempty("tagvalue")) {
            (Some(k), v) => Some((k, v)),
            (None, Some(_)) => return Err(invalid("tagvalue needs tagkey.".into())),
            (None, None) => None,
        };
        let created = match (nonempty("create-time"), nonempty("range")) {
            (None, None) => None,
            (Some(t), Some(r)) => {
                let t = t
                    .parse::<u64>()
                    .map_err(|_| invalid(format!("create-time {t:?} is not a Unix time.")))?;
                let r = match r.as_str() {
                    "lt" => Range::Lt,
                    "gt" => Range::Gt,
                    "lte" => Range::Lte,
                    "gte" => Range::Gte,
                    _ => return Err(invalid(format!("range {r:?} is not lt, gt, lte or gte."))),
                };
                Some((t, r))
            }
            _ => return Err(invalid("create-time and range go together.".into())),
        };
        Ok(Filter {
            tag,
            region: nonempty("region"),
            created,
        })
    }

    fn keeps(&self, b: &crate::store::Bucket) -> bool {
        let tag_ok = self.tag.as_ref().is_none_or(|(k, v)| {
            b.tagging.as_ref().is_some_and(|tags| {
                tags.iter()
                    .any(|(tk, tv)| tk == k && v.as_ref().is_none_or(|v| v == tv))
            })
        });
        let region_ok = self.region.as_ref().is_none_or(|r| *r == b.region);
        let created_ok = self.created.is_none_or(|(t, range)| {
            let c = unix(b.created);
            match range {
                Range::Lt => c < t,
                Range::Gt => c > t,
                Range::Lte => c <= t,
                Range::Gte => c >= t,
            }
        });
        tag_ok && region_ok && created_ok
    }
}

/// `GET /` on a service host: the buckets owned by the caller's root account that the filter
/// keeps, in name order, after `marker`, at most `max-keys` (≤ 2000). `<Buckets>` is always
/// present (the python SDK needs it); paging elements only when `marker` or `max-keys` is sent.
pub fn list_buckets(ctx: &Ctx) -> Result<Reply, CosError> {
    let param = |n: &str| ctx.req.param(n).map(str::to_string);
    let filter = Filter::of(param)?;
    let marker = ctx.req.param("marker").unwrap_or("");
    let max_keys = match ctx.req.param("max-keys").filter(|v| !v.is_empty()) {
        None => MAX_KEYS,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_KEYS).contains(n))
            .ok_or_else(|| invalid(format!("max-keys {v:?} is not 1 to {MAX_KEYS}.")))?,
    };
    let paged = ctx.req.has_param("marker") || ctx.req.has_param("max-keys");
    let root = ctx.caller.root_uin().unwrap_or_default();
    let mine: Vec<(String, String, SystemTime)> = ctx
        .store()
        .map_buckets(|b| {
            (b.owner_uin == root && b.name.as_str() > marker && filter.keeps(b))
                .then(|| (b.name.clone(), b.region.clone(), b.created))
        })
        .into_iter()
        .flatten()
        .collect();
    let truncated = mine.len() > max_keys;
    let page = &mine[..mine.len().min(max_keys)];
    let mut xml = String::from(DECLARATION);
    xml.push_str("<ListAllMyBucketsResult>\n\t<Owner>\n");
    xml.push_str(&format!(
        "\t\t<ID>qcs::cam::uin/{root}:uin/{root}</ID>\n\t\t<DisplayName>{root}</DisplayName>\n"
    ));
    xml.push_str("\t</Owner>\n\t<Buckets>");
    // An empty list must be `<Buckets></Buckets>`: the python SDK reads whitespace inside as text.
    for (name, region, created) in page {
        xml.push_str(&format!(
            "\n\t\t<Bucket>\n\t\t\t<Name>{}</Name>\n\t\t\t<Location>{}</Location>\n\t\t\t<CreationDate>{}</CreationDate>\n\t\t\t<BucketType>cos</BucketType>\n\t\t</Bucket>",
            escape(name),
            escape(region),
            iso8601(*created)
        ));
    }
    if !page.is_empty() {
        xml.push_str("\n\t");
    }
    xml.push_str("</Buckets>\n");
    if paged {
        xml.push_str(&format!(
            "\t<Marker>{}</Marker>\n\t<MaxKeys>{max_keys}</MaxKeys>\n\t<IsTruncated>{truncated}</IsTruncated>\n",
            escape(marker)
        ));
        if let (true, Some((last, _, _))) = (truncated, page.last()) {
            xml.push_str(&format!("\t<NextMarker>{}</NextMarker>\n", escape(last)));
        }
    }
    xml.push_str("</ListAllMyBucketsResult>");
    Ok(Reply::xml(xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(pairs: &[(&str, &str)]) -> Result<Filter, CosError> {
        Filter::of(|n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        })
    }

    fn bucket(region: &str, created: u64, tags: &[(&str, &str)]) -> crate::store::Bucket {
        let mut b = crate::store::Bucket::new("b-1250000000", "1", region);
        b.created = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(created);
        if !tags.is_empty() {
            b.tagging = Some(
                tags.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            );
        }
        b
    }

    #[test]
    fn filter_keeps_by_tag_region_and_creation_time() {
        let b = bucket("ap-guangzhou", 100, &[("tagKey", "tagValue")]);
        let keeps = |pairs: &[(&str, &str)]| filter(pairs).unwrap().keeps(&b);
        assert!(keeps(&[]));
        assert!(keeps(&[("tagkey", "tagKey"), ("tagvalue", "tagValue")]));
        assert!(keeps(&[("tagkey", "tagKey")]));
        assert!(!keeps(&[("tagkey", "tagKey"), ("tagvalue", "other")]));
        assert!(!keeps(&[("tagkey", "other")]));
        assert!(keeps(&[("region", "ap-guangzhou")]));
        assert!(!keeps(&[("region", "ap-beijing")]));
        assert!(keeps(&[("create-time", "100"), ("range", "lte")]));
        assert!(keeps(&[("create-time", "100"), ("range", "gte")]));
        assert!(!keeps(&[("create-time", "100"), ("range", "lt")]));
        assert!(keeps(&[("create-time", "101"), ("range", "lt")]));
        assert!(!keeps(&[("create-time", "100"), ("range", "gt")]));
        // A bucket without tags never matches a tag filter.
        let untagged = bucket("r", 0, &[]);
        assert!(!filter(&[("tagkey", "k")]).unwrap().keeps(&untagged));
    }

    #[test]
    fn filter_refuses_incomplete_or_bad_parameters() {
        for bad in [
            &[("tagvalue", "v")][..],
            &[("create-time", "100")],
            &[("range", "lt")],
            &[("create-time", "x"), ("range", "lt")],
            &[("create-time", "100"), ("range", "eq")],
        ] {
            assert_eq!(
                filter(bad).unwrap_err().code,
                Code::InvalidArgument,
                "{bad:?}"
            );
        }
    }
}
