//! GET Service: the caller's buckets.

use super::Ctx;
use crate::clock::iso8601;
use crate::error::CosError;
use crate::response::Reply;
use crate::xml::{escape, DECLARATION};

/// `GET /` on a service host: the buckets owned by the caller's root account. `<Buckets>` is always
/// present (the python SDK needs it).
pub fn list_buckets(ctx: &Ctx) -> Result<Reply, CosError> {
    let root = ctx.caller.root_uin().unwrap_or_default();
    let mut xml = String::from(DECLARATION);
    xml.push_str("<ListAllMyBucketsResult>\n\t<Owner>\n");
    xml.push_str(&format!(
        "\t\t<ID>qcs::cam::uin/{root}:uin/{root}</ID>\n\t\t<DisplayName>{root}</DisplayName>\n"
    ));
    xml.push_str("\t</Owner>\n\t<Buckets>");
    // An empty list must be `<Buckets></Buckets>`: the python SDK reads whitespace inside as text.
    let mine = ctx.store().map_buckets(|b| {
        (b.owner_uin == root).then(|| (b.name.clone(), b.region.clone(), b.created))
    });
    for (name, region, created) in mine.into_iter().flatten() {
        xml.push_str(&format!(
            "\n\t\t<Bucket>\n\t\t\t<Name>{}</Name>\n\t\t\t<Location>{}</Location>\n\t\t\t<CreationDate>{}</CreationDate>\n\t\t\t<BucketType>cos</BucketType>\n\t\t</Bucket>",
            escape(&name),
            escape(&region),
            iso8601(created)
        ));
    }
    if xml.ends_with("</Bucket>") {
        xml.push_str("\n\t");
    }
    xml.push_str("</Buckets>\n</ListAllMyBucketsResult>");
    Ok(Reply::xml(xml))
}
