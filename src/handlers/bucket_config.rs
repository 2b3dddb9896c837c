//! PUT/GET/DELETE of the stored bucket configurations (`crate::bucket_config`): referer, website,
//! logging, domain, origin, inventory (and its list), accelerate, intelligent tiering (both
//! forms, and the list), object lock and replication.

use http::StatusCode;

use super::Ctx;
use crate::bucket_config::{self, Kind, Node, Put, Unset};
use crate::error::{Code, CosError};
use crate::response::Reply;
use crate::router::Op;
use crate::versioning;

/// Inventory configurations one page of the list holds.
pub const INVENTORY_PAGE: usize = 100;

/// The configuration kind an operation works on (the two intelligent-tiering forms by their
/// sub-resource).
fn kind_of(op: Op, ctx: &Ctx) -> Option<Kind> {
    use Op::*;
    Some(match op {
        PutBucketReferer | GetBucketReferer => Kind::Referer,
        PutBucketWebsite | GetBucketWebsite | DeleteBucketWebsite => Kind::Website,
        PutBucketLogging | GetBucketLogging => Kind::Logging,
        PutBucketDomain | GetBucketDomain | DeleteBucketDomain => Kind::Domain,
        PutBucketOrigin | GetBucketOrigin | DeleteBucketOrigin => Kind::Origin,
        PutBucketInventory | GetBucketInventory | DeleteBucketInventory | ListBucketInventory => {
            Kind::Inventory
        }
        PutBucketAccelerate | GetBucketAccelerate => Kind::Accelerate,
        PutBucketIntelligentTiering | GetBucketIntelligentTiering
            if ctx.req.has_param("intelligenttiering") =>
        {
            Kind::IntelligentTiering
        }
        PutBucketIntelligentTiering | GetBucketIntelligentTiering => Kind::Tiering,
        PutBucketObjectLockConfiguration | GetBucketObjectLockConfiguration => Kind::ObjectLock,
        PutBucketReplication | GetBucketReplication | DeleteBucketReplication => Kind::Replication,
        _ => return None,
    })
}

/// Whether `op` is one of this file's operations.
pub fn handles(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        PutBucketReferer
            | GetBucketReferer
            | PutBucketWebsite
            | GetBucketWebsite
            | DeleteBucketWebsite
            | PutBucketLogging
            | GetBucketLogging
            | PutBucketDomain
            | GetBucketDomain
            | DeleteBucketDomain
            | PutBucketOrigin
            | GetBucketOrigin
            | DeleteBucketOrigin
            | PutBucketInventory
            | GetBucketInventory
            | DeleteBucketInventory
            | ListBucketInventory
            | PutBucketAccelerate
            | GetBucketAccelerate
            | PutBucketIntelligentTiering
            | GetBucketIntelligentTiering
            | PutBucketObjectLockConfiguration
            | GetBucketObjectLockConfiguration
            | PutBucketReplication
            | GetBucketReplication
            | DeleteBucketReplication
    )
}

/// Calls the handler of a configuration operation.
pub fn handle(op: Op, ctx: &Ctx) -> Result<Reply, CosError> {
    let kind = kind_of(op, ctx).ok_or_else(|| super::not_implemented(op))?;
    match op {
        Op::ListBucketInventory => list_inventory(ctx),
        Op::GetBucketIntelligentTiering if kind == Kind::Tiering && !ctx.req.has_param("id") => {
            list_tiering(ctx)
        }
        _ if op.name().starts_with("Put") => put(ctx, kind),
        _ if op.name().starts_with("Delete") => delete(ctx, kind),
        _ => get(ctx, kind),
    }
}

/// The `id` of keyed kinds (validated), else empty.
fn id_of(ctx: &Ctx, kind: Kind) -> Result<String, CosError> {
    if kind.keyed() {
        bucket_config::valid_id(ctx.req.param("id")).map(str::to_string)
    } else {
        Ok(String::new())
    }
}

/// PUT: validates and replaces the configuration; 200. Replication needs versioning `Enabled`
/// (400 `InvalidRequest`, the S3 shape: COS documents the rule, not its error).
fn put(ctx: &Ctx, kind: Kind) -> Result<Reply, CosError> {
    let id = id_of(ctx, kind)?;
    let parsed = bucket_config::parse(kind, &ctx.req.body, Some(&id))?;
    ctx.store().with_bucket_mut(ctx.bucket()?, |b| {
        if kind == Kind::Replication && b.versioning != versioning::Status::Enabled {
            return Err(CosError::with_message(
                Code::InvalidRequest,
                "Versioning must be 'Enabled' on the bucket to apply a replication configuration.",
            ));
        }
        match parsed {
            Put::Set(doc) => b.configs.put(kind, &id, doc),
            Put::Clear => {
                b.configs.delete(kind, &id);
                Ok(())
            }
        }
    })??;
    Ok(Reply::new(StatusCode::OK))
}

/// GET: the stored document; unset answers the kind's empty root or its 404.
fn get(ctx: &Ctx, kind: Kind) -> Result<Reply, CosError> {
    let id = id_of(ctx, kind)?;
    let doc = ctx.store().with_bucket(ctx.bucket()?, |b| {
        b.configs.get(kind, &id).cloned().or_else(|| {
            (kind == Kind::Tiering && id == DEFAULT_TIERING).then(|| v1_as_default(b))?
        })
    })?;
    match (doc, kind.unset()) {
        (Some(doc), _) => Ok(Reply::xml(doc.to_document())),
        (None, Unset::Empty) => Ok(Reply::xml(Node::leaf(kind.root(), "").to_document())),
        (None, Unset::Missing(code)) => Err(CosError::new(code)),
    }
}

/// DELETE: 204, also when none is set.
fn delete(ctx: &Ctx, kind: Kind) -> Result<Reply, CosError> {
    let id = id_of(ctx, kind)?;
    ctx.store()
        .with_bucket_mut(ctx.bucket()?, |b| b.configs.delete(kind, &id))?;
    Ok(Reply::new(StatusCode::NO_CONTENT))
}

/// GET `?inventory` without `id`: `ListInventoryConfigurationResult`, [`INVENTORY_PAGE`] at a time
/// in the order they were first set; `continuation-token` is the position of the next one (an
/// opaque token to clients; anything else is 400 `InvalidArgument`).
fn list_inventory(ctx: &Ctx) -> Result<Reply, CosError> {
    let token = ctx.req.param("continuation-token").unwrap_or("");
    let start: usize = if token.is_empty() {
        0
    } else {
        token.parse().map_err(|_| {
            CosError::with_message(
                Code::InvalidArgument,
                format!("The continuation-token {token:?} is not valid."),
            )
        })?
    };
    let docs: Vec<Node> = ctx.store().with_bucket(ctx.bucket()?, |b| {
        b.configs.list(Kind::Inventory).cloned().collect()
    })?;
    let page: Vec<&Node> = docs.iter().skip(start).take(INVENTORY_PAGE).collect();
    let next = start + page.len();
    let truncated = next < docs.len();
    let mut out = Node::leaf("ListInventoryConfigurationResult", "");
    out.children.extend(page.into_iter().cloned());
    out.children.push(Node::leaf(
        "IsTruncated",
        if truncated { "true" } else { "false" },
    ));
    if !token.is_empty() {
        out.children.push(Node::leaf("ContinuationToken", token));
    }
    if truncated {
        out.children
            .push(Node::leaf("NextContinuationToken", &next.to_string()));
    }
    Ok(Reply::xml(out.to_document()))
}

/// GET `?intelligent-tiering` without `id`: every configuration under
/// `ListBucketIntelligentTieringConfigurationsOutput` (S3's root: COS's page shows no example).
fn list_tiering(ctx: &Ctx) -> Result<Reply, CosError> {
    let docs: Vec<Node> = ctx.store().with_bucket(ctx.bucket()?, |b| {
        let mut docs: Vec<Node> = b.configs.list(Kind::Tiering).cloned().collect();
        if b.configs.get(Kind::Tiering, DEFAULT_TIERING).is_none() {
            docs.splice(0..0, v1_as_default(b));
        }
        docs
    })?;
    let mut out = Node::leaf("ListBucketIntelligentTieringConfigurationsOutput", "");
    out.children.extend(docs);
    Ok(Reply::xml(out.to_document()))
}

/// The id under which the `?intelligent-tiering&id=` form shows the `?intelligenttiering` one.
const DEFAULT_TIERING: &str = "default";

/// The bucket's `?intelligenttiering` configuration as the `?intelligent-tiering&id=default` form
/// shows it: the python SDK's own suite PUTs the first form and GETs the second (`Id=default`)
/// from real COS, so COS keeps them as one. `Transition/Days` becomes the `INFREQUENT` tier.
fn v1_as_default(b: &crate::store::Bucket) -> Option<Node> {
    let v1 = b.configs.get(Kind::IntelligentTiering, "")?;
    let mut tier = Node::leaf("Tiering", "");
    tier.children.push(Node::leaf("AccessTier", "INFREQUENT"));
    tier.children.push(Node::leaf(
        "Days",
        v1.text_at("Transition/Days").unwrap_or("30"),
    ));
    let mut doc = Node::leaf("IntelligentTieringConfiguration", "");
    doc.children.push(Node::leaf("Id", DEFAULT_TIERING));
    doc.children.push(Node::leaf(
        "Status",
        v1.text_at("Status").unwrap_or("Enabled"),
    ));
    doc.children.push(tier);
    Some(doc)
}

/// Referer protection of a request already authorized (see `bucket_config::referer` for the
/// rules): a refusal is 403 `AccessDenied`, whatever `--auth` says (it is the bucket's own
/// setting, not an access decision). Preflights and POST Object forms are not checked.
pub fn referer_guard(
    state: &crate::AppState,
    req: &crate::request::CosRequest,
    caller: &crate::auth::Caller,
    op: Op,
) -> Result<(), CosError> {
    if req.dialect != crate::dialect::Dialect::Cos
        || matches!(op, Op::OptionsObject | Op::PostObject)
    {
        return Ok(());
    }
    let Some(bucket) = req.bucket() else {
        return Ok(());
    };
    let Ok(Some(config)) = state
        .store
        .with_bucket(bucket, |b| b.configs.get(Kind::Referer, "").cloned())
    else {
        return Ok(());
    };
    let carries_signature = req.headers.contains_key(http::header::AUTHORIZATION)
        || req.has_param("q-signature")
        || req.has_param("sign");
    let signed = carries_signature && !matches!(caller, crate::auth::Caller::Anonymous);
    bucket_config::referer::check(Some(&config), signed, req.header("referer")).map_err(|why| {
        CosError::with_message(
            Code::AccessDenied,
            format!("Access Denied: {why} (the bucket's referer configuration)."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_configuration_op_is_an_action_a_policy_can_name() {
        for op in Op::ALL.iter().copied().filter(|op| handles(*op)) {
            assert!(crate::policy::actions::is_known(op.name()), "{op:?}");
        }
    }
}
