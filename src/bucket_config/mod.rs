//! Bucket configurations cos-mock stores and answers but does not act on (except referer, which
//! `referer` enforces, and website, whose index and error documents `handlers::bucket_config`
//! can serve): referer, website, logging, domain, origin, inventory, accelerate, intelligent
//! tiering (both the `?intelligenttiering` and the `?intelligent-tiering&id=` forms), object lock
//! and replication.
//!
//! One generic path for all of them: parse the body into an element tree (`tree`), validate it
//! against the kind's schema (`kinds`), which also puts the elements in COS's order, run the kind's
//! own checks, fill the defaults COS answers, and store the document in `Configs`. GET renders the
//! stored document under the kind's root.
//!
//! Errors (COS publishes few messages; choices kept here): not well-formed, wrong root, unknown,
//! missing or repeated elements → 400 `MalformedXML`; a value outside its range or list, too many
//! repeats, duplicate names → 400 `InvalidArgument`; bodies over 64 KiB → 400 `EntityTooLarge`
//! (`body::NONE`).

pub mod kinds;
pub mod referer;
pub mod tree;
pub mod website;

pub use tree::Node;

use crate::error::{Code, CosError};

/// A kind of bucket configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Referer,
    Website,
    Logging,
    Domain,
    Origin,
    Inventory,
    Accelerate,
    /// `?intelligenttiering`: the original single configuration.
    IntelligentTiering,
    /// `?intelligent-tiering&id=`: configurations by id (`default` is the infrequent tier).
    Tiering,
    ObjectLock,
    Replication,
}

/// What GET answers when the configuration is not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unset {
    /// 200 with the empty root element (`<RefererConfiguration/>`).
    Empty,
    /// 404 with this code.
    Missing(Code),
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Referer,
        Kind::Website,
        Kind::Logging,
        Kind::Domain,
        Kind::Origin,
        Kind::Inventory,
        Kind::Accelerate,
        Kind::IntelligentTiering,
        Kind::Tiering,
        Kind::ObjectLock,
        Kind::Replication,
    ];

    /// The root element of the document.
    pub fn root(self) -> &'static str {
        match self {
            Kind::Referer => "RefererConfiguration",
            Kind::Website => "WebsiteConfiguration",
            Kind::Logging => "BucketLoggingStatus",
            Kind::Domain => "DomainConfiguration",
            Kind::Origin => "OriginConfiguration",
            Kind::Inventory => "InventoryConfiguration",
            Kind::Accelerate => "AccelerateConfiguration",
            Kind::IntelligentTiering | Kind::Tiering => "IntelligentTieringConfiguration",
            Kind::ObjectLock => "ObjectLockConfiguration",
            Kind::Replication => "ReplicationConfiguration",
        }
    }

    /// The name shown in `/_cos-mock/state` (the sub-resource).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Referer => "referer",
            Kind::Website => "website",
            Kind::Logging => "logging",
            Kind::Domain => "domain",
            Kind::Origin => "origin",
            Kind::Inventory => "inventory",
            Kind::Accelerate => "accelerate",
            Kind::IntelligentTiering => "intelligenttiering",
            Kind::Tiering => "intelligent-tiering",
            Kind::ObjectLock => "object-lock",
            Kind::Replication => "replication",
        }
    }

    fn schema(self) -> &'static [tree::El] {
        match self {
            Kind::Referer => kinds::REFERER,
            Kind::Website => kinds::WEBSITE,
            Kind::Logging => kinds::LOGGING,
            Kind::Domain => kinds::DOMAIN,
            Kind::Origin => kinds::ORIGIN,
            Kind::Inventory => kinds::INVENTORY,
            Kind::Accelerate => kinds::ACCELERATE,
            Kind::IntelligentTiering => kinds::INTELLIGENT_TIERING,
            Kind::Tiering => kinds::TIERING,
            Kind::ObjectLock => kinds::OBJECT_LOCK,
            Kind::Replication => kinds::REPLICATION,
        }
    }

    /// GET of an unset configuration. Codes from the SDKs' handling and test suites
    /// (`ReplicationConfigurationnotFoundError` as the node SDK spells it, `DomainConfigNotFoundError`
    /// from the python suite, `IntelligentTieringConfigurationNotFoundError` from the API docs);
    /// origin, inventory and object lock are unverified choices. Referer (the python suite reads
    /// `RefererConfiguration: None` after a delete), logging, accelerate and the legacy
    /// intelligent-tiering form answer their empty root.
    pub fn unset(self) -> Unset {
        match self {
            Kind::Referer | Kind::Logging | Kind::Accelerate | Kind::IntelligentTiering => {
                Unset::Empty
            }
            Kind::Website => Unset::Missing(Code::NoSuchWebsiteConfiguration),
            Kind::Domain => Unset::Missing(Code::DomainConfigNotFoundError),
            Kind::Origin => Unset::Missing(Code::NoSuchOriginConfiguration),
            Kind::Inventory => Unset::Missing(Code::NoSuchInventoryConfiguration),
            Kind::Tiering => Unset::Missing(Code::IntelligentTieringConfigurationNotFoundError),
            Kind::ObjectLock => Unset::Missing(Code::ObjectLockConfigurationNotFoundError),
            Kind::Replication => Unset::Missing(Code::ReplicationConfigurationnotFoundError),
        }
    }

    /// Whether configurations of this kind are kept by `id` (several per bucket).
    pub fn keyed(self) -> bool {
        matches!(self, Kind::Inventory | Kind::Tiering)
    }

    /// An empty root (`<BucketLoggingStatus/>`, or an empty body for referer, as the python SDK's
    /// `delete_bucket_referer` sends) removes the configuration instead of setting one.
    fn empty_clears(self) -> bool {
        matches!(self, Kind::Referer | Kind::Logging)
    }
}

/// Most keyed configurations (inventory, intelligent tiering) one bucket may hold.
pub const MAX_KEYED: usize = 1000;

/// What a PUT asks for: store this document, or clear the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    Set(Node),
    Clear,
}

/// Parses and validates a PUT body of `kind`; `id` is the `id` query parameter of keyed kinds,
/// which must name the body's `Id`.
pub fn parse(kind: Kind, body: &[u8], id: Option<&str>) -> Result<Put, CosError> {
    if kind == Kind::Referer && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Put::Clear);
    }
    let root = tree::parse(body)?;
    if root.name != kind.root() {
        return Err(tree::malformed(format!(
            "the root element must be {}",
            kind.root()
        )));
    }
    if kind.empty_clears() && root.children.is_empty() && root.text.is_empty() {
        return Ok(Put::Clear);
    }
    let mut doc = tree::conform(&root, kind.schema(), kind.root())?;
    if kind.keyed() {
        check_id(&doc, id)?;
    }
    match kind {
        Kind::Website => kinds::check_website(&doc)?,
        Kind::Domain => kinds::check_domain(&doc)?,
        Kind::Origin => kinds::check_origin(&doc)?,
        Kind::Replication => kinds::check_replication(&doc)?,
        Kind::Tiering => kinds::check_tiering(&doc)?,
        _ => {}
    }
    match kind {
        Kind::Website => kinds::fill_website(&mut doc),
        Kind::Accelerate => kinds::fill_accelerate(&mut doc),
        Kind::IntelligentTiering => kinds::fill_intelligent_tiering(&mut doc),
        Kind::Referer => kinds::fill_referer(&mut doc),
        _ => {}
    }
    Ok(Put::Set(doc))
}

/// The `id` of a keyed configuration: 1-64 letters, digits, `-`, `_` or `.` (COS's documented
/// inventory rule, used for intelligent tiering too), equal to the body's `Id`.
pub fn check_id(doc: &Node, id: Option<&str>) -> Result<(), CosError> {
    let id = valid_id(id)?;
    let body_id = doc.text_at("Id").unwrap_or("");
    if body_id != id {
        return Err(CosError::with_message(
            Code::InvalidArgument,
            format!("The Id {body_id:?} in the body differs from the id {id:?} in the query."),
        ));
    }
    Ok(())
}

/// The `id` query parameter, validated.
pub fn valid_id(id: Option<&str>) -> Result<&str, CosError> {
    let id = id.unwrap_or("");
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(id)
    } else {
        Err(CosError::with_message(
            Code::InvalidArgument,
            format!("The id {id:?} is not valid: use 1 to 64 letters, digits, '-', '_' or '.'."),
        ))
    }
}

/// One stored configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    kind: Kind,
    /// The `id` of keyed kinds, else empty.
    id: String,
    doc: Node,
}

/// A bucket's configurations, in the order they were first set (COS lists inventories so).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Configs {
    docs: Vec<Stored>,
}

impl Configs {
    pub fn get(&self, kind: Kind, id: &str) -> Option<&Node> {
        self.docs
            .iter()
            .find(|s| s.kind == kind && s.id == id)
            .map(|s| &s.doc)
    }

    /// Sets (or replaces in place) a configuration; a new keyed one past [`MAX_KEYED`] is
    /// `InvalidArgument`.
    pub fn put(&mut self, kind: Kind, id: &str, doc: Node) -> Result<(), CosError> {
        if let Some(s) = self.docs.iter_mut().find(|s| s.kind == kind && s.id == id) {
            s.doc = doc;
            return Ok(());
        }
        if kind.keyed() && self.list(kind).count() >= MAX_KEYED {
            return Err(CosError::with_message(
                Code::InvalidArgument,
                format!(
                    "A bucket may hold at most {MAX_KEYED} {} configurations.",
                    kind.label()
                ),
            ));
        }
        self.docs.push(Stored {
            kind,
            id: id.to_string(),
            doc,
        });
        Ok(())
    }

    /// Removes a configuration; whether there was one.
    pub fn delete(&mut self, kind: Kind, id: &str) -> bool {
        let before = self.docs.len();
        self.docs.retain(|s| !(s.kind == kind && s.id == id));
        self.docs.len() != before
    }

    /// Every configuration with its kind and id (empty for unkeyed kinds), in the order set.
    pub fn entries(&self) -> impl Iterator<Item = (Kind, &str, &Node)> + '_ {
        self.docs.iter().map(|s| (s.kind, s.id.as_str(), &s.doc))
    }

    /// The configurations of a kind, in the order they were first set.
    pub fn list(&self, kind: Kind) -> impl Iterator<Item = &Node> + '_ {
        self.docs
            .iter()
            .filter(move |s| s.kind == kind)
            .map(|s| &s.doc)
    }

    /// `{ "<sub-resource>": "<document>" | { "<id>": "<document>" } }` for `/_cos-mock/state`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for s in &self.docs {
            let doc = serde_json::Value::String(s.doc.to_document());
            if s.kind.keyed() {
                let entry = out
                    .entry(s.kind.label())
                    .or_insert_with(|| serde_json::Value::Object(Default::default()));
                if let Some(map) = entry.as_object_mut() {
                    map.insert(s.id.clone(), doc);
                }
            } else {
                out.insert(s.kind.label().to_string(), doc);
            }
        }
        serde_json::Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(kind: Kind, body: &str, id: Option<&str>) -> Result<Put, Code> {
        parse(kind, body.as_bytes(), id).map_err(|e| e.code)
    }

    fn set(kind: Kind, body: &str, id: Option<&str>) -> Node {
        match put(kind, body, id) {
            Ok(Put::Set(doc)) => doc,
            other => panic!("{kind:?}: {other:?}"),
        }
    }

    const REFERER: &str = "<RefererConfiguration><EmptyReferConfiguration>Allow</EmptyReferConfiguration><DomainList><Domain>*.qq.com</Domain></DomainList><RefererType>White-List</RefererType><Status>Enabled</Status></RefererConfiguration>";

    #[test]
    fn referer_round_trip_in_cos_order_with_defaults() {
        let doc = set(Kind::Referer, REFERER, None);
        let names: Vec<_> = doc.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Status",
                "RefererType",
                "DomainList",
                "EmptyReferConfiguration",
                "VerifySignatureURL"
            ]
        );
        let again = set(Kind::Referer, &doc.to_document(), None);
        assert_eq!(again, doc);
    }

    #[test]
    fn empty_referer_or_logging_clears() {
        assert_eq!(put(Kind::Referer, "", None), Ok(Put::Clear));
        assert_eq!(
            put(Kind::Logging, "<BucketLoggingStatus/>", None),
            Ok(Put::Clear)
        );
        assert_eq!(put(Kind::Website, "", None), Err(Code::MalformedXML));
    }

    #[test]
    fn refusals_per_kind_have_cos_codes() {
        use Code::*;
        let cases: &[(Kind, &str, Option<&str>, Code)] = &[
            (Kind::Referer, "<RefererConfiguration><Status>On</Status><RefererType>White-List</RefererType><DomainList><Domain>a</Domain></DomainList></RefererConfiguration>", None, InvalidArgument),
            (Kind::Referer, "<CORSConfiguration/>", None, MalformedXML),
            (Kind::Website, "<WebsiteConfiguration/>", None, MalformedXML),
            (Kind::Website, "<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition/><Redirect/></RoutingRule></RoutingRules></WebsiteConfiguration>", None, InvalidArgument),
            (Kind::Domain, "<DomainConfiguration><DomainRule><Status>ENABLED</Status><Name>a.com</Name><Type>FTP</Type></DomainRule></DomainConfiguration>", None, InvalidArgument),
            (Kind::Domain, "<DomainConfiguration><DomainRule><Status>ENABLED</Status><Name>a.com</Name><Type>REST</Type></DomainRule><DomainRule><Status>ENABLED</Status><Name>a.com</Name><Type>REST</Type></DomainRule></DomainConfiguration>", None, InvalidArgument),
            (Kind::Accelerate, "<AccelerateConfiguration><Status>On</Status></AccelerateConfiguration>", None, InvalidArgument),
            (Kind::IntelligentTiering, "<IntelligentTieringConfiguration><Status>Enabled</Status><Transition><Days>45</Days></Transition></IntelligentTieringConfiguration>", None, InvalidArgument),
            (Kind::Tiering, "<IntelligentTieringConfiguration><Id>default</Id><Status>Enabled</Status><Tiering><AccessTier>INFREQUENT</AccessTier><Days>31</Days></Tiering></IntelligentTieringConfiguration>", Some("default"), InvalidArgument),
            (Kind::Tiering, "<IntelligentTieringConfiguration><Id>a</Id><Status>Enabled</Status><Tiering><AccessTier>INFREQUENT</AccessTier><Days>30</Days></Tiering></IntelligentTieringConfiguration>", Some("b"), InvalidArgument),
            (Kind::ObjectLock, "<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>", None, InvalidArgument),
            (Kind::Replication, "<ReplicationConfiguration><Role>r</Role></ReplicationConfiguration>", None, MalformedXML),
            (Kind::Inventory, "<InventoryConfiguration><Id>x</Id></InventoryConfiguration>", Some("x"), MalformedXML),
        ];
        for (kind, body, id, want) in cases {
            assert_eq!(put(*kind, body, *id).err(), Some(*want), "{kind:?} {body}");
        }
    }

    #[test]
    fn website_fills_url_redirect() {
        let doc = set(
            Kind::Website,
            "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>a/</KeyPrefixEquals></Condition><Redirect><ReplaceKeyPrefixWith>b/</ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>",
            None,
        );
        assert_eq!(
            doc.text_at("RoutingRules/RoutingRule/Redirect/URLRedirect"),
            Some("Enabled")
        );
    }

    #[test]
    fn configs_keep_insertion_order_and_bound_keyed_kinds() {
        let mut c = Configs::default();
        for id in ["b", "a", "c"] {
            c.put(
                Kind::Inventory,
                id,
                Node::leaf("InventoryConfiguration", id),
            )
            .unwrap();
        }
        c.put(
            Kind::Inventory,
            "a",
            Node::leaf("InventoryConfiguration", "a2"),
        )
        .unwrap();
        let texts: Vec<_> = c.list(Kind::Inventory).map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["b", "a2", "c"]);
        assert!(c.delete(Kind::Inventory, "a"));
        assert!(!c.delete(Kind::Inventory, "a"));
        for i in 0..MAX_KEYED - 2 {
            c.put(Kind::Tiering, &i.to_string(), Node::default())
                .unwrap();
        }
        c.put(Kind::Tiering, "x", Node::default()).unwrap();
        c.put(Kind::Tiering, "y", Node::default()).unwrap();
        assert!(c.put(Kind::Tiering, "z", Node::default()).is_err());
    }

    #[test]
    fn ids_are_checked() {
        assert!(valid_id(Some("ID-1_a.b")).is_ok());
        assert!(valid_id(None).is_err());
        assert!(valid_id(Some("a b")).is_err());
        assert!(valid_id(Some(&"a".repeat(65))).is_err());
    }
}
