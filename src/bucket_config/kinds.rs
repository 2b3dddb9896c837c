//! The schema of each bucket configuration, in COS's element order (the API documentation's
//! samples), and each one's checks beyond the schema. Parts cos-mock stores without interpreting
//! are `Open` (kept as they came).

use super::tree::{el, Check, El, Node, Occurs::*, Value::*};
use crate::error::{Code, CosError};

const ENABLED_DISABLED: Check = Check::OneOf(&["Enabled", "Disabled"]);

pub const REFERER: &[El] = &[
    el("Status", One, Text(ENABLED_DISABLED)),
    el(
        "RefererType",
        One,
        Text(Check::OneOf(&["Black-List", "White-List"])),
    ),
    el(
        "DomainList",
        One,
        Box(&[el("Domain", Many(1000), Text(Check::Len(1, 256)))]),
    ),
    el(
        "EmptyReferConfiguration",
        Opt,
        Text(Check::OneOf(&["Allow", "Deny"])),
    ),
    el("VerifySignatureURL", Opt, Text(Check::Bool)),
];

const REDIRECT: &[El] = &[
    el("Protocol", Opt, Text(Check::OneOf(&["http", "https"]))),
    el("HostName", Opt, Text(Check::NonEmpty)),
    el("HttpRedirectCode", Opt, Text(Check::OneOf(&["301", "302"]))),
    el("ReplaceKeyWith", Opt, Text(Check::NonEmpty)),
    el("ReplaceKeyPrefixWith", Opt, Text(Check::Any)),
    el("URLRedirect", Opt, Text(ENABLED_DISABLED)),
];

pub const WEBSITE: &[El] = &[
    el(
        "IndexDocument",
        One,
        Box(&[el("Suffix", One, Text(Check::NonEmpty))]),
    ),
    el(
        "RedirectAllRequestsTo",
        Opt,
        Box(&[
            el("Protocol", One, Text(Check::OneOf(&["http", "https"]))),
            el("HostName", Opt, Text(Check::NonEmpty)),
        ]),
    ),
    el(
        "AutoAddressing",
        Opt,
        Box(&[el("Status", One, Text(ENABLED_DISABLED))]),
    ),
    el(
        "ErrorDocument",
        Opt,
        Box(&[
            el("Key", One, Text(Check::NonEmpty)),
            el("OriginalHttpStatus", Opt, Text(ENABLED_DISABLED)),
        ]),
    ),
    el(
        "RoutingRules",
        Opt,
        Box(&[el(
            "RoutingRule",
            Many(100),
            Box(&[
                el(
                    "Condition",
                    One,
                    Box(&[
                        el(
                            "HttpErrorCodeReturnedEquals",
                            Opt,
                            Text(Check::Int(400, 599)),
                        ),
                        el("KeyPrefixEquals", Opt, Text(Check::Any)),
                    ]),
                ),
                el("Redirect", One, Box(REDIRECT)),
            ]),
        )]),
    ),
];

pub const LOGGING: &[El] = &[el(
    "LoggingEnabled",
    Opt,
    Box(&[
        el("TargetBucket", One, Text(Check::NonEmpty)),
        el("TargetPrefix", Opt, Text(Check::Any)),
    ]),
)];

pub const DOMAIN: &[El] = &[el(
    "DomainRule",
    Many(100),
    Box(&[
        el("Status", One, Text(Check::OneOf(&["ENABLED", "DISABLED"]))),
        el("Name", One, Text(Check::NonEmpty)),
        el(
            "Type",
            One,
            Text(Check::OneOf(&["REST", "WEBSITE", "ACCELERATE"])),
        ),
        el(
            "ForcedReplacement",
            Opt,
            Text(Check::OneOf(&["CNAME", "TXT"])),
        ),
    ]),
)];

pub const ORIGIN: &[El] = &[el(
    "OriginRule",
    Many(100),
    Box(&[
        el("RulePriority", Opt, Text(Check::Int(1, 100))),
        el(
            "OriginType",
            One,
            Text(Check::OneOf(&["Redirect", "Proxy", "Mirror"])),
        ),
        el("OriginCondition", One, Open),
        el("OriginParameter", Opt, Open),
        el("OriginInfo", One, Open),
    ]),
)];

pub const INVENTORY: &[El] = &[
    el("Id", One, Text(Check::NonEmpty)),
    el("IsEnabled", One, Text(Check::Bool)),
    el(
        "Destination",
        One,
        Box(&[el(
            "COSBucketDestination",
            One,
            Box(&[
                el("Format", One, Text(Check::OneOf(&["CSV"]))),
                el("AccountId", Opt, Text(Check::Any)),
                el("Bucket", One, Text(Check::NonEmpty)),
                el("Prefix", Opt, Text(Check::Any)),
                // The python SDK sends `SSECOS` as written (its suite passes on COS), node `SSE-COS`.
                el(
                    "Encryption",
                    Opt,
                    Box(&[el("SSE-COS", Opt, Open), el("SSECOS", Opt, Open)]),
                ),
            ]),
        )]),
    ),
    el(
        "Schedule",
        One,
        Box(&[el(
            "Frequency",
            One,
            Text(Check::OneOf(&["Daily", "Weekly"])),
        )]),
    ),
    el("Filter", Opt, Open),
    el(
        "IncludedObjectVersions",
        One,
        Text(Check::OneOf(&["All", "Current"])),
    ),
    el(
        "OptionalFields",
        Opt,
        Box(&[el("Field", Any(32), Text(Check::NonEmpty))]),
    ),
];

pub const ACCELERATE: &[El] = &[
    el("Status", One, Text(Check::OneOf(&["Enabled", "Suspended"]))),
    el("Type", Opt, Text(Check::OneOf(&["COS"]))),
];

pub const INTELLIGENT_TIERING: &[El] = &[
    el("Status", One, Text(Check::OneOf(&["Enabled", "Suspended"]))),
    el(
        "Transition",
        One,
        Box(&[
            el("Days", One, Text(Check::OneOf(&["30", "60", "90"]))),
            el("RequestFrequent", Opt, Text(Check::Int(1, 1))),
        ]),
    ),
];

pub const TIERING: &[El] = &[
    el("Id", One, Text(Check::NonEmpty)),
    el("Status", One, Text(Check::OneOf(&["Enabled", "Suspended"]))),
    el("Filter", Opt, Open),
    el(
        "Tiering",
        Many(3),
        Box(&[
            el(
                "AccessTier",
                One,
                Text(Check::OneOf(&[
                    "INFREQUENT",
                    "ARCHIVE_ACCESS",
                    "DEEP_ARCHIVE_ACCESS",
                ])),
            ),
            el("Days", One, Text(Check::Int(1, 730))),
            el("RequestFrequent", Opt, Text(Check::Int(1, 1))),
        ]),
    ),
];

pub const OBJECT_LOCK: &[El] = &[
    el("ObjectLockEnabled", One, Text(Check::OneOf(&["Enabled"]))),
    el(
        "Rule",
        Opt,
        Box(&[el(
            "DefaultRetention",
            One,
            Box(&[
                el(
                    "Mode",
                    Opt,
                    Text(Check::OneOf(&["COMPLIANCE", "GOVERNANCE"])),
                ),
                el("Days", One, Text(Check::Int(1, 36500))),
            ]),
        )]),
    ),
];

pub const REPLICATION: &[El] = &[
    el("Role", One, Text(Check::NonEmpty)),
    el(
        "Rule",
        Many(1000),
        Box(&[
            el("ID", Opt, Text(Check::Any)),
            el("Status", One, Text(ENABLED_DISABLED)),
            el("Priority", Opt, Text(Check::Int(1, 1000))),
            el("Prefix", Opt, Text(Check::Any)),
            el("Filter", Opt, Open),
            el(
                "Destination",
                One,
                Box(&[
                    el("Bucket", One, Text(Check::NonEmpty)),
                    el("StorageClass", Opt, Text(Check::NonEmpty)),
                    el("EncryptionConfiguration", Opt, Open),
                ]),
            ),
            el("SourceSelectionCriteria", Opt, Open),
            el("DeleteMarkerReplication", Opt, Open),
        ]),
    ),
];

fn invalid(why: impl Into<String>) -> CosError {
    CosError::with_message(Code::InvalidArgument, why)
}

/// Checks of a website configuration beyond its schema: a routing rule's condition names
/// something, and its redirect replaces either the key or its prefix, not both.
pub fn check_website(doc: &Node) -> Result<(), CosError> {
    let rules: Vec<&Node> = doc
        .child("RoutingRules")
        .map(|r| r.all("RoutingRule").collect())
        .unwrap_or_default();
    for (i, rule) in rules.iter().enumerate() {
        let n = i + 1;
        if rule
            .child("Condition")
            .is_some_and(|c| c.children.is_empty())
        {
            return Err(invalid(format!(
                "RoutingRule {n}: the Condition needs HttpErrorCodeReturnedEquals or KeyPrefixEquals."
            )));
        }
        let redirect = rule.child("Redirect");
        let both = redirect.is_some_and(|r| {
            r.child("ReplaceKeyWith").is_some() && r.child("ReplaceKeyPrefixWith").is_some()
        });
        if both {
            return Err(invalid(format!(
                "RoutingRule {n}: ReplaceKeyWith and ReplaceKeyPrefixWith cannot be used together."
            )));
        }
    }
    Ok(())
}

/// COS answers `URLRedirect` `Enabled` on every routing redirect that did not set it.
pub fn fill_website(doc: &mut Node) {
    for rules in doc.children.iter_mut().filter(|c| c.name == "RoutingRules") {
        for rule in rules.children.iter_mut() {
            for redirect in rule.children.iter_mut().filter(|c| c.name == "Redirect") {
                if redirect.child("URLRedirect").is_none() {
                    redirect.children.push(Node::leaf("URLRedirect", "Enabled"));
                }
            }
        }
    }
}

/// Domain names are unique within the configuration.
pub fn check_domain(doc: &Node) -> Result<(), CosError> {
    unique(doc, "DomainRule", "Name", "domain name")
}

/// Rule IDs are unique within the configuration.
pub fn check_replication(doc: &Node) -> Result<(), CosError> {
    unique(doc, "Rule", "ID", "rule ID")
}

/// Origin rule priorities are unique within the configuration.
pub fn check_origin(doc: &Node) -> Result<(), CosError> {
    unique(doc, "OriginRule", "RulePriority", "RulePriority")
}

/// The infrequent tier waits 30, 60 or 90 days; the archive tiers at least 91 and 180.
pub fn check_tiering(doc: &Node) -> Result<(), CosError> {
    for t in doc.all("Tiering") {
        let tier = t.text_at("AccessTier").unwrap_or("");
        let days: i64 = t.text_at("Days").and_then(|d| d.parse().ok()).unwrap_or(0);
        let ok = match tier {
            "INFREQUENT" => [30, 60, 90].contains(&days),
            "ARCHIVE_ACCESS" => days >= 91,
            _ => days >= 180,
        };
        if !ok {
            return Err(invalid(format!(
                "Tiering {tier}: {days} days is not allowed."
            )));
        }
    }
    Ok(())
}

fn unique(doc: &Node, rule: &str, field: &str, what: &str) -> Result<(), CosError> {
    let mut seen = std::collections::HashSet::new();
    for r in doc.all(rule) {
        if let Some(v) = r.text_at(field).filter(|v| !v.is_empty()) {
            if !seen.insert(v.to_string()) {
                return Err(invalid(format!("The {what} {v:?} appears twice.")));
            }
        }
    }
    Ok(())
}

/// Fills `Type` `COS` on an acceleration configuration that did not set it.
pub fn fill_accelerate(doc: &mut Node) {
    if doc.child("Type").is_none() {
        doc.children.push(Node::leaf("Type", "COS"));
    }
}

/// Fills `RequestFrequent` 1 on the legacy intelligent-tiering transition.
pub fn fill_intelligent_tiering(doc: &mut Node) {
    for t in doc.children.iter_mut().filter(|c| c.name == "Transition") {
        if t.child("RequestFrequent").is_none() {
            t.children.push(Node::leaf("RequestFrequent", "1"));
        }
    }
}

/// Fills `VerifySignatureURL` `false` on a referer configuration that did not set it.
pub fn fill_referer(doc: &mut Node) {
    if doc.child("VerifySignatureURL").is_none() {
        doc.children.push(Node::leaf("VerifySignatureURL", "false"));
    }
}
