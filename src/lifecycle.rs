//! Bucket lifecycle: the `LifecycleConfiguration` body of PUT/GET `?lifecycle` (typed serde,
//! validated), and the pure rule evaluation (`effect`) that `Store::apply_lifecycle` applies to a
//! bucket's objects on the server clock.
//!
//! Validation, in order (S3's rules where COS documents none):
//! - not well-formed, root not `LifecycleConfiguration`, no `Rule`, a non-integer day count, a
//!   `Status` other than `Enabled`/`Disabled`, both `Filter` and a rule-level `Prefix` →
//!   400 `MalformedXML`;
//! - more than 1000 rules, a duplicate or over-255-character `ID`, a rule with no action, an
//!   `Expiration` with none or several of `Days`/`Date`/`ExpiredObjectDeleteMarker`, `Days` 0,
//!   a `Date` that is not an RFC 3339 date-time of a real day (`2030-02-31` is not), a
//!   `Transition` without `StorageClass` or to `STANDARD` or to an unknown class, a transition not
//!   earlier than the expiration → 400 `InvalidArgument`.
//!
//! Applying (deterministic, on the server clock): `Expiration/Days` N expires an object at the first
//! UTC midnight at or after `Last-Modified + N days` (S3's rounding); `Expiration/Date` at that
//! instant. Transitions move the object to a colder class on the same schedule (never warmer). In a
//! versioned bucket an expired current object gets a delete marker instead of being removed;
//! `NoncurrentVersionExpiration`/`NoncurrentVersionTransition` act on a version (or delete marker)
//! `NoncurrentDays` after the next newer version was written, rounded to midnight the same way;
//! `ExpiredObjectDeleteMarker` removes a delete marker that is its key's only version.
//! A `Filter` with `Tag`, or `And` with `Prefix` and `Tag`s, takes objects that carry every tag (a
//! delete marker carries none). Appendable objects take no part (COS).
//! `AbortIncompleteMultipartUpload` is kept and round-tripped only.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::clock::{ceil_to_midnight, parse_rfc3339};
use crate::error::{Code, CosError};

/// Most rules one configuration may hold.
pub(crate) const MAX_RULES: usize = 1000;

/// The wire shape of PUT and GET `?lifecycle`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleConfig {
    #[serde(rename = "Rule", default)]
    pub rules: Vec<Rule>,
}

/// One `Rule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// The legacy rule-level prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transition: Vec<Transition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub noncurrent_version_transition: Vec<NoncurrentTransition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_expiration: Option<NoncurrentExpiration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_incomplete_multipart_upload: Option<AbortIncomplete>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub and: Option<And>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct And {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Transition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Expiration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_object_delete_marker: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentTransition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_days: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentExpiration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_days: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AbortIncomplete {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_after_initiation: Option<u64>,
}

fn malformed(why: String) -> CosError {
    CosError::with_message(
        Code::MalformedXML,
        format!("{} ({why})", Code::MalformedXML.default_message()),
    )
}

fn invalid(why: String) -> CosError {
    CosError::with_message(Code::InvalidArgument, why)
}

/// Parses and validates a PUT `?lifecycle` body.
pub(crate) fn from_xml(body: &[u8]) -> Result<LifecycleConfig, CosError> {
    crate::xml::check_root(body, "LifecycleConfiguration")?;
    let config: LifecycleConfig = crate::xml::from_xml(body)?;
    if config.rules.is_empty() {
        return Err(malformed("at least one Rule is required".into()));
    }
    if config.rules.len() > MAX_RULES {
        return Err(invalid(format!(
            "A lifecycle configuration may hold at most {MAX_RULES} rules, this one has {}.",
            config.rules.len()
        )));
    }
    let mut ids = std::collections::HashSet::new();
    for (i, rule) in config.rules.iter().enumerate() {
        validate_rule(i + 1, rule)?;
        if let Some(id) = &rule.id {
            if !ids.insert(id.as_str()) {
                return Err(invalid(format!("Rule ID {id:?} is used more than once.")));
            }
        }
    }
    Ok(config)
}

/// Renders GET `?lifecycle`.
pub(crate) fn to_xml(config: &LifecycleConfig) -> Result<String, CosError> {
    crate::xml::to_xml("LifecycleConfiguration", config)
}

fn validate_rule(n: usize, rule: &Rule) -> Result<(), CosError> {
    if !matches!(rule.status.trim(), "Enabled" | "Disabled") {
        return Err(malformed(format!(
            "Rule {n}: Status must be Enabled or Disabled, got {:?}",
            rule.status
        )));
    }
    if rule.filter.is_some() && rule.prefix.is_some() {
        return Err(malformed(format!(
            "Rule {n}: use either Filter or Prefix, not both"
        )));
    }
    if rule.id.as_ref().is_some_and(|id| id.chars().count() > 255) {
        return Err(invalid(format!(
            "Rule {n}: the ID is longer than 255 characters."
        )));
    }
    let has_action = rule.expiration.is_some()
        || !rule.transition.is_empty()
        || rule.noncurrent_version_expiration.is_some()
        || !rule.noncurrent_version_transition.is_empty()
        || rule.abort_incomplete_multipart_upload.is_some();
    if !has_action {
        return Err(invalid(format!(
            "Rule {n}: at least one action (Expiration, Transition, NoncurrentVersion*, AbortIncompleteMultipartUpload) is required."
        )));
    }
    let expire_at = match &rule.expiration {
        Some(e) => validate_expiration(n, e)?,
        None => None,
    };
    for t in &rule.transition {
        let at = validate_when(n, "Transition", t.days, t.date.as_deref(), true)?;
        let class = t.storage_class.as_deref().unwrap_or("");
        if class_rank(class).is_none_or(|r| r == 0) {
            return Err(invalid(format!(
                "Rule {n}: Transition/StorageClass {class:?} is not a class objects can move to."
            )));
        }
        match (at, expire_at) {
            (Some(When::Days(t)), Some(When::Days(e)))
            | (Some(When::Date(t)), Some(When::Date(e)))
                if t >= e =>
            {
                return Err(invalid(format!(
                    "Rule {n}: a Transition must come before the Expiration."
                )));
            }
            (Some(When::Days(_)), Some(When::Date(_)))
            | (Some(When::Date(_)), Some(When::Days(_))) => {
                return Err(invalid(format!(
                    "Rule {n}: Transition and Expiration must both use Days or both use Date, not a mix."
                )));
            }
            _ => {}
        }
    }
    for t in &rule.noncurrent_version_transition {
        let class = t.storage_class.as_deref().unwrap_or("");
        if class_rank(class).is_none_or(|r| r == 0) {
            return Err(invalid(format!(
                "Rule {n}: NoncurrentVersionTransition/StorageClass {class:?} is not valid."
            )));
        }
    }
    Ok(())
}

/// When a schedule falls due: a number of days, or a date (Unix seconds). Only schedules of the same
/// kind are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Days(u64),
    Date(u64),
}

/// The most `Days` a lifecycle rule may give (about 270 years; COS publishes no limit).
pub(crate) const MAX_DAYS: u64 = 100_000;

fn validate_expiration(n: usize, e: &Expiration) -> Result<Option<When>, CosError> {
    let given = [
        e.days.is_some(),
        e.date.is_some(),
        e.expired_object_delete_marker.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(invalid(format!(
            "Rule {n}: Expiration needs exactly one of Days, Date or ExpiredObjectDeleteMarker."
        )));
    }
    if e.expired_object_delete_marker.is_some() {
        return Ok(None);
    }
    validate_when(n, "Expiration", e.days, e.date.as_deref(), false)
}

fn validate_when(
    n: usize,
    what: &str,
    days: Option<u64>,
    date: Option<&str>,
    zero_ok: bool,
) -> Result<Option<When>, CosError> {
    match (days, date) {
        (Some(_), Some(_)) | (None, None) => Err(invalid(format!(
            "Rule {n}: {what} needs exactly one of Days or Date."
        ))),
        (Some(0), None) if !zero_ok => Err(invalid(format!(
            "Rule {n}: {what}/Days must be a positive integer."
        ))),
        (Some(d), None) if d > MAX_DAYS => Err(invalid(format!(
            "Rule {n}: {what}/Days must be at most {MAX_DAYS}."
        ))),
        (Some(d), None) => Ok(Some(When::Days(d))),
        (None, Some(date)) => parse_rfc3339(date)
            .map(|t| Some(When::Date(crate::clock::unix(t))))
            .ok_or_else(|| {
                invalid(format!(
                    "Rule {n}: {what}/Date {date:?} is not an ISO 8601 date such as 2024-01-01T00:00:00+08:00."
                ))
            }),
    }
}

/// How cold a storage class is (`None`: unknown). Lifecycle only moves objects to colder classes.
pub(crate) fn class_rank(class: &str) -> Option<u8> {
    Some(match class {
        "STANDARD" | "MAZ_STANDARD" => 0,
        "INTELLIGENT_TIERING" | "MAZ_INTELLIGENT_TIERING" => 1,
        "STANDARD_IA" | "MAZ_STANDARD_IA" => 2,
        "ARCHIVE" | "MAZ_ARCHIVE" => 3,
        "DEEP_ARCHIVE" => 4,
        _ => return None,
    })
}

/// Whether a rule's filter takes an object: its key starts with the prefix and it carries every
/// filter tag (same key and value).
fn rule_matches(rule: &Rule, key: &str, tags: &[(String, String)]) -> bool {
    let has = |t: &Tag| tags.iter().any(|(k, v)| *k == t.key && *v == t.value);
    let (prefix, wanted): (Option<&str>, Vec<&Tag>) = match &rule.filter {
        Some(Filter { and: Some(a), .. }) => (a.prefix.as_deref(), a.tag.iter().collect()),
        Some(f) => (f.prefix.as_deref(), f.tag.iter().collect()),
        None => (rule.prefix.as_deref(), Vec::new()),
    };
    key.starts_with(prefix.unwrap_or("")) && wanted.into_iter().all(has)
}

/// When a Days/Date schedule falls due for an object last modified at `modified`.
fn due_at(days: Option<u64>, date: Option<&str>, modified: SystemTime) -> Option<SystemTime> {
    match (days, date) {
        (Some(d), _) => crate::clock::add_days(modified, d).map(ceil_to_midnight),
        (None, Some(date)) => parse_rfc3339(date),
        _ => None,
    }
}

/// What the enabled rules do to one object at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Effect {
    pub expire: bool,
    /// The coldest class a due transition moves the object to (only when colder than `class`).
    pub transition_to: Option<String>,
}

/// Evaluates every enabled rule for one object (`tags`: the object's tags, for tag filters).
pub(crate) fn effect(
    config: &LifecycleConfig,
    key: &str,
    tags: &[(String, String)],
    modified: SystemTime,
    class: &str,
    now: SystemTime,
) -> Effect {
    let mut out = Effect::default();
    let mut rank = class_rank(class).unwrap_or(0);
    for rule in config.rules.iter().filter(|r| applies(r, key, tags)) {
        if let Some(e) = &rule.expiration {
            if due_at(e.days, e.date.as_deref(), modified).is_some_and(|t| now >= t) {
                out.expire = true;
            }
        }
        for t in &rule.transition {
            let target = t.storage_class.as_deref().unwrap_or("");
            let due = due_at(t.days, t.date.as_deref(), modified).is_some_and(|at| now >= at);
            if let (true, Some(r)) = (due, class_rank(target)) {
                if r > rank {
                    rank = r;
                    out.transition_to = Some(target.to_string());
                }
            }
        }
    }
    out
}

/// Whether an enabled rule applies to `key` with `tags`.
fn applies(rule: &Rule, key: &str, tags: &[(String, String)]) -> bool {
    rule.status.trim() == "Enabled" && rule_matches(rule, key, tags)
}

/// Evaluates the `NoncurrentVersion*` actions for one noncurrent version of `key` (of storage class
/// `class`) that became noncurrent at `since`.
pub(crate) fn noncurrent_effect(
    config: &LifecycleConfig,
    key: &str,
    tags: &[(String, String)],
    since: SystemTime,
    class: &str,
    now: SystemTime,
) -> Effect {
    let mut out = Effect::default();
    let mut rank = class_rank(class).unwrap_or(0);
    for rule in config.rules.iter().filter(|r| applies(r, key, tags)) {
        if let Some(e) = &rule.noncurrent_version_expiration {
            if due_at(e.noncurrent_days, None, since).is_some_and(|t| now >= t) {
                out.expire = true;
            }
        }
        for t in &rule.noncurrent_version_transition {
            let target = t.storage_class.as_deref().unwrap_or("");
            let due = due_at(t.noncurrent_days, None, since).is_some_and(|at| now >= at);
            if let (true, Some(r)) = (due, class_rank(target)) {
                if r > rank {
                    rank = r;
                    out.transition_to = Some(target.to_string());
                }
            }
        }
    }
    out
}

/// Whether an enabled rule for `key` says `Expiration/ExpiredObjectDeleteMarker` true.
pub(crate) fn removes_expired_marker(config: &LifecycleConfig, key: &str) -> bool {
    config
        .rules
        .iter()
        .filter(|r| applies(r, key, &[]))
        .any(|r| {
            r.expiration
                .as_ref()
                .is_some_and(|e| e.expired_object_delete_marker == Some(true))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    const DOC_SAMPLE: &str = r#"<LifecycleConfiguration>
  <Rule>
    <ID>id1</ID>
    <Filter><Prefix>documents/</Prefix></Filter>
    <Status>Enabled</Status>
    <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
    <Transition><Days>60</Days><StorageClass>ARCHIVE</StorageClass></Transition>
    <Expiration><Days>365</Days></Expiration>
  </Rule>
  <Rule>
    <ID>id2</ID>
    <Filter><And><Prefix>logs/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>
    <Status>Disabled</Status>
    <NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays></NoncurrentVersionExpiration>
    <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>
  </Rule>
  <Rule>
    <ID>id3</ID>
    <Filter><Prefix></Prefix></Filter>
    <Status>Enabled</Status>
    <Expiration><Date>2018-04-24T00:00:00+08:00</Date></Expiration>
  </Rule>
</LifecycleConfiguration>"#;

    fn rule_xml(inner: &str) -> String {
        format!("<LifecycleConfiguration><Rule>{inner}</Rule></LifecycleConfiguration>")
    }

    #[test]
    fn lifecycle_doc_sample_round_trips() {
        let c = from_xml(DOC_SAMPLE.as_bytes()).unwrap();
        assert_eq!(c.rules.len(), 3);
        assert_eq!(c.rules[0].transition.len(), 2);
        assert_eq!(
            c.rules[1]
                .filter
                .as_ref()
                .unwrap()
                .and
                .as_ref()
                .unwrap()
                .tag[0]
                .key,
            "k"
        );
        let xml = to_xml(&c).unwrap();
        assert!(xml.contains("<ID>id1</ID>"), "{xml}");
        assert!(
            xml.contains("<DaysAfterInitiation>7</DaysAfterInitiation>"),
            "{xml}"
        );
        assert_eq!(from_xml(xml.as_bytes()).unwrap(), c);
    }

    #[test]
    fn lifecycle_transition_date_before_expiration_date_is_accepted() {
        let xml = rule_xml("<Status>Enabled</Status><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>STANDARD_IA</StorageClass></Transition><Expiration><Date>2031-01-01T00:00:00Z</Date></Expiration>");
        assert!(from_xml(xml.as_bytes()).is_ok());
    }

    #[test]
    fn lifecycle_validation_errors() {
        let ok_action = "<Expiration><Days>1</Days></Expiration>";
        let cases: Vec<(String, Code)> = vec![
            ("<LifecycleConfiguration/>".into(), Code::MalformedXML),
            ("<Lifecycle><Rule/></Lifecycle>".into(), Code::MalformedXML),
            (rule_xml(&format!("<Status>On</Status>{ok_action}")), Code::MalformedXML),
            (rule_xml(&format!("<Status>Enabled</Status><Prefix>a</Prefix><Filter/>{ok_action}")), Code::MalformedXML),
            (rule_xml("<Status>Enabled</Status><Expiration><Days>x</Days></Expiration>"), Code::MalformedXML),
            (rule_xml("<Status>Enabled</Status>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Expiration><Days>0</Days></Expiration>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Expiration></Expiration>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Expiration><Days>1</Days><Date>2024-01-01T00:00:00Z</Date></Expiration>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Expiration><Date>tomorrow</Date></Expiration>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Transition><Days>1</Days><StorageClass>STANDARD</StorageClass></Transition>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Transition><Days>1</Days></Transition>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Transition><Days>10</Days><StorageClass>ARCHIVE</StorageClass></Transition><Expiration><Days>5</Days></Expiration>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Transition><Days>1</Days><StorageClass>ARCHIVE</StorageClass></Transition><Expiration><Date>2031-01-01T00:00:00Z</Date></Expiration>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Expiration><Days>200000000000000</Days></Expiration>"), Code::InvalidArgument),
            (rule_xml("<Status>Enabled</Status><Expiration><Date>999999999999-01-01T00:00:00Z</Date></Expiration>"), Code::InvalidArgument),
            (format!("<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status>{ok_action}</Rule><Rule><ID>a</ID><Status>Enabled</Status>{ok_action}</Rule></LifecycleConfiguration>"), Code::InvalidArgument),
        ];
        for (body, code) in cases {
            assert_eq!(from_xml(body.as_bytes()).unwrap_err().code, code, "{body}");
        }
    }

    #[test]
    fn lifecycle_date_february_31_is_invalid_argument() {
        for action in [
            "<Expiration><Date>2030-02-31T00:00:00Z</Date></Expiration>",
            "<Transition><Date>2030-02-31T00:00:00Z</Date><StorageClass>ARCHIVE</StorageClass></Transition>",
            "<Expiration><Date>2031-02-29T00:00:00+08:00</Date></Expiration>",
        ] {
            let body = rule_xml(&format!("<Status>Enabled</Status>{action}"));
            let err = from_xml(body.as_bytes()).unwrap_err();
            assert_eq!(err.code, Code::InvalidArgument, "{body}");
            assert!(err.message.contains("is not an ISO 8601 date"), "{}", err.message);
        }
        let leap = rule_xml(
            "<Status>Enabled</Status><Expiration><Date>2032-02-29T00:00:00Z</Date></Expiration>",
        );
        assert!(from_xml(leap.as_bytes()).is_ok());
    }

    #[test]
    fn lifecycle_noncurrent_actions_count_from_when_a_version_became_noncurrent() {
        let xml = rule_xml("<Status>Enabled</Status><Filter><Prefix>logs/</Prefix></Filter><NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>ARCHIVE</StorageClass></NoncurrentVersionTransition><NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays></NoncurrentVersionExpiration><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>");
        let c = from_xml(xml.as_bytes()).unwrap();
        let day = |d: u64| UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + d * 86400);
        let since = day(0); // 2023-11-14T22:13:20Z: days count from the next UTC midnight on
        let e = |key, class, now| noncurrent_effect(&c, key, &[], since, class, now);
        assert_eq!(e("logs/a", "STANDARD", day(1)), Effect::default());
        assert_eq!(
            e("logs/a", "STANDARD", day(2)).transition_to.as_deref(),
            Some("ARCHIVE")
        );
        assert_eq!(e("logs/a", "ARCHIVE", day(2)).transition_to, None);
        assert!(!e("logs/a", "STANDARD", day(3)).expire);
        assert!(e("logs/a", "STANDARD", day(4)).expire);
        assert_eq!(e("other", "STANDARD", day(99)), Effect::default());
        assert!(removes_expired_marker(&c, "logs/a"));
        assert!(!removes_expired_marker(&c, "other"));
        // The current-version schedule ignores noncurrent actions.
        assert_eq!(
            effect(&c, "logs/a", &[], since, "STANDARD", day(99)),
            Effect::default()
        );
    }

    #[test]
    fn lifecycle_effect_rounds_days_to_midnight_and_only_cools() {
        let c = from_xml(DOC_SAMPLE.as_bytes()).unwrap();
        let day = |d: u64| UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + d * 86400);
        let m = day(0); // 2023-11-14T22:13:20Z
        let e = |key, now| effect(&c, key, &[], m, "STANDARD", now);
        // id3's Date (2018) is long past: everything expires.
        assert!(e("x", day(0)).expire);
        let mut c2 = c.clone();
        c2.rules.truncate(1);
        let e = |key, class, now| effect(&c2, key, &[], m, class, now);
        assert_eq!(e("documents/a", "STANDARD", day(30)), Effect::default());
        assert_eq!(
            e("documents/a", "STANDARD", day(31))
                .transition_to
                .as_deref(),
            Some("STANDARD_IA")
        );
        assert_eq!(
            e("documents/a", "STANDARD", day(61))
                .transition_to
                .as_deref(),
            Some("ARCHIVE")
        );
        assert_eq!(
            e("documents/a", "DEEP_ARCHIVE", day(61)).transition_to,
            None
        );
        assert!(!e("documents/a", "STANDARD", day(365)).expire);
        assert!(e("documents/a", "STANDARD", day(366)).expire);
        assert!(!e("other/a", "STANDARD", day(999)).expire);
    }

    #[test]
    fn lifecycle_tag_filters_match_objects_carrying_every_tag() {
        let xml = "<LifecycleConfiguration>\
            <Rule><ID>t</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>\
            <Rule><ID>a</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>\
            </LifecycleConfiguration>";
        let c = from_xml(xml.as_bytes()).unwrap();
        let later = UNIX_EPOCH + std::time::Duration::from_secs(10 * 86400);
        let tags = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let expires =
            |key, t: &[(String, String)]| effect(&c, key, t, UNIX_EPOCH, "STANDARD", later).expire;
        assert!(expires("x", &tags(&[("k", "v")])));
        assert!(!expires("x", &tags(&[("k", "w")])));
        assert!(!expires("x", &[]));
        assert!(expires("logs/1", &tags(&[("b", "2"), ("a", "1")])));
        assert!(!expires("logs/1", &tags(&[("a", "1")])));
        assert!(!expires("other", &tags(&[("a", "1"), ("b", "2")])));
    }
}
