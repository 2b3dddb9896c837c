//! Pure policy evaluation: does a statement apply to this caller, action, resource and request
//! context; deny wins over allow (spec §7.2). No I/O; time comes in through `EvalInput::now`.

use super::actions;
use super::glob::glob;
use super::model::{
    BaseOp, Condition, Effect, Policy, Principal, PrincipalId, Quantifier, Statement,
};
use crate::clock::parse_policy_date;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

/// Choices the COS documentation leaves open (spec §5.2, §7 mark them unverified). Each switchable
/// one is decided here and nowhere else. Two more are built into the comparison code rather than
/// switched: values that do not parse as the operator's type (number, date, IP, bool) never compare
/// equal, less or greater, so a negated operator over them matches; and `binary_equal` compares the
/// base64 text exactly, not the decoded bytes.
pub mod unverified {
    /// `?` in action and resource patterns is an ordinary character; only `*` is a wildcard there
    /// (CAM documents `*` only). `string_like` always treats `?` as "one character".
    pub const QUESTION_MARK_IN_PATTERNS: bool = false;
    /// A resource pattern naming a bucket with no `/...` after it (`...:examplebucket-1250000000`)
    /// also matches the bucket-level resource `...:examplebucket-1250000000/`.
    pub const BARE_BUCKET_MATCHES_BUCKET_LEVEL: bool = true;
    /// Negated operators (`string_not_equal`, `ip_not_equal`, ...) match when the request value
    /// equals none of the policy values (as AWS documents); `false` would OR the negated tests.
    pub const NEGATED_OPERATORS_ARE_NOR: bool = true;
    /// A grant to a root account (`uin/R:uin/R`) also applies to R's sub-accounts ("permission
    /// propagation", spec §7.1).
    pub const ROOT_GRANT_PROPAGATES: bool = true;
    /// `qcs:current_time` missing from the context is the evaluation time, as epoch seconds
    /// (comparable by the date and the numeric operators).
    pub const CURRENT_TIME_KEY: &str = "qcs:current_time";
    /// Role (`roleName/`, `role/`) and group (`groupid/`) principals never match: cos-mock does not
    /// model CAM roles or group membership.
    pub const ROLE_AND_GROUP_PRINCIPALS_MATCH: bool = false;
    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is compared as the IPv4 address.
    pub const MAP_IPV4_IN_IPV6: bool = true;
    /// String operators are case-sensitive except the `_ignore_case` ones; condition keys are
    /// looked up lower-cased.
    pub const CONDITION_KEYS_CASE_INSENSITIVE: bool = true;
}

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    Anonymous,
    /// A CAM identity: a root account has `root == uin`, a sub-account its own `uin`.
    User {
        root: &'a str,
        uin: &'a str,
    },
}

/// One request to decide.
#[derive(Debug, Clone)]
pub struct EvalInput<'a> {
    /// `name/cos:GetObject`
    pub action: &'a str,
    /// `qcs::cos:<region>:uid/<appid>:<bucket>/<key>` (empty key for bucket-level operations).
    pub resource: &'a str,
    pub caller: Caller<'a>,
    /// Condition key (lower case) to its values, e.g. `qcs:ip` to `["127.0.0.1"]`.
    pub context: &'a HashMap<String, Vec<String>>,
    pub now: SystemTime,
    /// `false` for CAM user and session policies, which carry no principal.
    pub match_principal: bool,
}

/// The decision of one policy, with the deciding statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Deny { index: usize, sid: Option<String> },
    Allow { index: usize, sid: Option<String> },
    NoMatch,
}

/// Evaluates every statement: the first matching deny decides; else the first matching allow; else
/// `NoMatch`.
pub fn evaluate(policy: &Policy, input: &EvalInput) -> Outcome {
    let mut allow = None;
    for (index, st) in policy.statements.iter().enumerate() {
        if !statement_matches(st, input) {
            continue;
        }
        let sid = st.sid.clone();
        match st.effect {
            Effect::Deny => return Outcome::Deny { index, sid },
            Effect::Allow => {
                allow.get_or_insert(Outcome::Allow { index, sid });
            }
        }
    }
    allow.unwrap_or(Outcome::NoMatch)
}

/// Whether one statement applies to the request (principal, action, resource and all conditions).
/// With `match_principal`, a statement without a principal applies to no one.
pub fn statement_matches(st: &Statement, input: &EvalInput) -> bool {
    let principal_ok = !input.match_principal
        || st
            .principal
            .as_ref()
            .is_some_and(|p| principal_matches(p, input.caller));
    principal_ok
        && st.actions.iter().any(|a| action_matches(a, input.action))
        && st
            .resources
            .iter()
            .any(|r| resource_matches(r, input.resource))
        && st.conditions.iter().all(|c| condition_matches(c, input))
}

pub fn principal_matches(p: &Principal, caller: Caller) -> bool {
    p.0.iter().any(|id| principal_id_matches(id, caller))
}

fn principal_id_matches(id: &PrincipalId, caller: Caller) -> bool {
    match (id, caller) {
        (PrincipalId::Everyone | PrincipalId::Anyone, _) => true,
        (PrincipalId::Uin { root, uin }, Caller::User { root: cr, uin: cu }) => {
            root == cr && (uin == cu || (unverified::ROOT_GRANT_PROPAGATES && root == uin))
        }
        (PrincipalId::Uin { .. }, Caller::Anonymous) => false,
        (
            PrincipalId::RoleName { .. } | PrincipalId::Role { .. } | PrincipalId::Group { .. },
            _,
        ) => unverified::ROLE_AND_GROUP_PRINCIPALS_MATCH,
    }
}

const ACTION_PREFIX: &str = "name/cos:";

/// `*`, `name/cos:*`, exact names and `name/cos:` globs; aliases (`RestoreObject`) are equal.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let q = unverified::QUESTION_MARK_IN_PATTERNS;
    match (
        pattern.strip_prefix(ACTION_PREFIX),
        action.strip_prefix(ACTION_PREFIX),
    ) {
        (Some(p), Some(a)) => {
            glob(p, a, q) || actions::alias_of(a).is_some_and(|alias| glob(p, alias, q))
        }
        _ => glob(pattern, action, q),
    }
}

const RESOURCE_PREFIX: &str = "qcs::cos:";

/// Glob-matches a resource pattern after normalising the legacy `prefix//` form; an empty or `*`
/// region in the pattern matches any region.
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let q = unverified::QUESTION_MARK_IN_PATTERNS;
    let pattern = normalize_legacy(pattern);
    let resource = normalize_legacy(resource);
    let (Some((p_region, p_rest)), Some((r_region, r_rest))) =
        (split_region(&pattern), split_region(&resource))
    else {
        return glob(&pattern, &resource, q);
    };
    let region_ok = p_region.is_empty() || p_region == "*" || glob(p_region, r_region, q);
    if !region_ok {
        return false;
    }
    if glob(p_rest, r_rest, q) {
        return true;
    }
    unverified::BARE_BUCKET_MATCHES_BUCKET_LEVEL
        && is_bucket_level(r_rest)
        && r_rest.strip_suffix('/').is_some_and(|r| glob(p_rest, r, q))
}

/// `qcs::cos:<region>:<rest>` → `(region, rest)`.
fn split_region(s: &str) -> Option<(&str, &str)> {
    s.strip_prefix(RESOURCE_PREFIX)?.split_once(':')
}

/// Whether `uid/<appid>:<bucket>/` names a bucket (empty key).
fn is_bucket_level(rest: &str) -> bool {
    rest.split_once(':')
        .is_some_and(|(_, path)| path.find('/') == Some(path.len().saturating_sub(1)))
}

/// `qcs::cos:<region>:uid/<appid>:prefix//<appid>/<short>/<rest>` →
/// `qcs::cos:<region>:uid/<appid>:<short>-<appid>/<rest>`; anything else unchanged.
pub fn normalize_legacy(s: &str) -> String {
    let Some((region, rest)) = split_region(s) else {
        return s.to_string();
    };
    let Some((account, path)) = rest.split_once(':') else {
        return s.to_string();
    };
    let Some((appid, tail)) = path
        .strip_prefix("prefix//")
        .and_then(|p| p.split_once('/'))
    else {
        return s.to_string();
    };
    let bucket_path = match tail.split_once('/') {
        Some((short, key)) => format!("{short}-{appid}/{key}"),
        // `prefix//<appid>/*`: every bucket of the account.
        None if tail.ends_with('*') => tail.to_string(),
        None => format!("{tail}-{appid}"),
    };
    format!("{RESOURCE_PREFIX}{region}:{account}:{bucket_path}")
}

/// One condition against the request context. Values are ORed; a missing key does not match
/// except for `_if_exist` operators and `null_equal`.
pub fn condition_matches(c: &Condition, input: &EvalInput) -> bool {
    let request = request_values(&c.key, input);
    let present = request.as_ref().is_some_and(|v| !v.is_empty());
    if c.operator.base == BaseOp::NullEqual {
        return c.values.iter().any(|v| match parse_bool(v) {
            Some(true) => !present,
            Some(false) => present,
            None => false,
        });
    }
    let Some(request) = request.filter(|v| !v.is_empty()) else {
        return c.operator.if_exist;
    };
    let (positive, negated) = positive_of(c.operator.base);
    let ok = |r: &String| {
        if !negated {
            c.values.iter().any(|p| compare(positive, p, r))
        } else if unverified::NEGATED_OPERATORS_ARE_NOR {
            !c.values.iter().any(|p| compare(positive, p, r))
        } else {
            c.values.iter().any(|p| !compare(positive, p, r))
        }
    };
    match c.operator.quantifier {
        Some(Quantifier::ForAll) => request.iter().all(ok),
        Some(Quantifier::ForAny) | None => request.iter().any(ok),
    }
}

/// The request's values for a condition key, if it has any.
fn request_values(key: &str, input: &EvalInput) -> Option<Vec<String>> {
    let key = if unverified::CONDITION_KEYS_CASE_INSENSITIVE {
        key.to_ascii_lowercase()
    } else {
        key.to_string()
    };
    if let Some(v) = input.context.get(&key) {
        return Some(v.clone());
    }
    if key == unverified::CURRENT_TIME_KEY {
        let secs = input
            .now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        return Some(vec![secs.to_string()]);
    }
    None
}

/// The positive form of an operator and whether it was negated.
fn positive_of(op: BaseOp) -> (BaseOp, bool) {
    match op {
        BaseOp::StringNotEqual => (BaseOp::StringEqual, true),
        BaseOp::StringNotEqualIgnoreCase => (BaseOp::StringEqualIgnoreCase, true),
        BaseOp::StringNotLike => (BaseOp::StringLike, true),
        BaseOp::NumericNotEqual => (BaseOp::NumericEqual, true),
        BaseOp::DateNotEqual => (BaseOp::DateEqual, true),
        BaseOp::IpNotEqual => (BaseOp::IpEqual, true),
        op => (op, false),
    }
}

/// A positive operator applied to one policy value and one request value.
fn compare(op: BaseOp, policy: &str, request: &str) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let ordered = |o: Option<std::cmp::Ordering>, want: &[std::cmp::Ordering]| {
        o.is_some_and(|o| want.contains(&o))
    };
    let num = || Some(parse_number(request)?.partial_cmp(&parse_number(policy)?)).flatten();
    let date = || Some(parse_policy_date(request)?.cmp(&parse_policy_date(policy)?));
    match op {
        BaseOp::StringEqual => policy == request,
        BaseOp::StringEqualIgnoreCase => policy.to_lowercase() == request.to_lowercase(),
        BaseOp::StringLike => glob(policy, request, true),
        BaseOp::NumericEqual => ordered(num(), &[Equal]),
        BaseOp::NumericLessThan => ordered(num(), &[Less]),
        BaseOp::NumericLessThanEqual => ordered(num(), &[Less, Equal]),
        BaseOp::NumericGreaterThan => ordered(num(), &[Greater]),
        BaseOp::NumericGreaterThanEqual => ordered(num(), &[Greater, Equal]),
        BaseOp::DateEqual => ordered(date(), &[Equal]),
        BaseOp::DateLessThan => ordered(date(), &[Less]),
        BaseOp::DateLessThanEqual => ordered(date(), &[Less, Equal]),
        BaseOp::DateGreaterThan => ordered(date(), &[Greater]),
        BaseOp::DateGreaterThanEqual => ordered(date(), &[Greater, Equal]),
        BaseOp::BoolEqual => parse_bool(policy).is_some_and(|p| parse_bool(request) == Some(p)),
        BaseOp::BinaryEqual => policy == request,
        BaseOp::IpEqual => ip_in(policy, request),
        // Negated operators and null_equal are handled by the caller.
        BaseOp::StringNotEqual
        | BaseOp::StringNotEqualIgnoreCase
        | BaseOp::StringNotLike
        | BaseOp::NumericNotEqual
        | BaseOp::DateNotEqual
        | BaseOp::IpNotEqual
        | BaseOp::NullEqual => false,
    }
}

fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Whether IP `request` lies in `policy` (an IP or a CIDR block, v4 or v6).
fn ip_in(policy: &str, request: &str) -> bool {
    let (net, len) = match policy.trim().split_once('/') {
        Some((a, l)) => match l.parse::<u8>() {
            Ok(l) => (a, Some(l)),
            Err(_) => return false,
        },
        None => (policy.trim(), None),
    };
    let (Ok(net), Ok(ip)) = (net.parse::<IpAddr>(), request.trim().parse::<IpAddr>()) else {
        return false;
    };
    match (canonical_ip(net), canonical_ip(ip)) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            prefix_eq(u32::from(n).into(), u32::from(i).into(), 32, len)
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => prefix_eq(u128::from(n), u128::from(i), 128, len),
        _ => false,
    }
}

fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) if unverified::MAP_IPV4_IN_IPV6 => {
            v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip)
        }
        ip => ip,
    }
}

/// Whether the first `len` (default all) of `bits` bits of `a` and `b` agree.
fn prefix_eq(a: u128, b: u128, bits: u32, len: Option<u8>) -> bool {
    let len = u32::from(len.unwrap_or(bits as u8));
    if len > bits {
        return false;
    }
    let shift = bits - len;
    // `checked_shr` is None for a shift of 128 (len 0 on v6): every address matches.
    a.checked_shr(shift).unwrap_or(0) == b.checked_shr(shift).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::validate::{parse, Limits, PolicyKind};
    use std::time::Duration;

    const ROOT: &str = "100000000001";
    const SUB: &str = "100000000011";
    const OTHER_SUB: &str = "100000000012";
    const OTHER_ROOT: &str = "100000000002";
    const BUCKET: &str = "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/";

    fn bucket_policy(json: &str) -> Policy {
        parse(json.as_bytes(), PolicyKind::Bucket, &Limits::default()).expect("valid policy")
    }

    /// A one-statement bucket policy: `principal` ids, `effect`, actions, resources, condition.
    fn one(principal: &[&str], effect: &str, action: &str, resource: &str, cond: &str) -> Policy {
        let ids: Vec<String> = principal.iter().map(|p| format!("\"{p}\"")).collect();
        let cond = if cond.is_empty() {
            String::new()
        } else {
            format!(",\"condition\":{cond}")
        };
        bucket_policy(&format!(
            r#"{{"version":"2.0","statement":[{{"principal":{{"qcs":[{}]}},"effect":"{effect}",
            "action":["{action}"],"resource":["{resource}"]{cond}}}]}}"#,
            ids.join(",")
        ))
    }

    fn uin(u: &str) -> String {
        format!("qcs::cam::uin/{ROOT}:uin/{u}")
    }

    fn now() -> SystemTime {
        // 2026-01-01T00:00:00Z
        UNIX_EPOCH + Duration::from_secs(1_767_225_600)
    }

    fn run(
        policy: &Policy,
        action: &str,
        key: &str,
        caller: Caller,
        ctx: &[(&str, &[&str])],
    ) -> Outcome {
        let context: HashMap<String, Vec<String>> = ctx
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect();
        let resource = format!("{BUCKET}{key}");
        let input = EvalInput {
            action,
            resource: &resource,
            caller,
            context: &context,
            now: now(),
            match_principal: true,
        };
        evaluate(policy, &input)
    }

    fn sub() -> Caller<'static> {
        Caller::User {
            root: ROOT,
            uin: SUB,
        }
    }

    fn allowed(o: &Outcome) -> bool {
        matches!(o, Outcome::Allow { .. })
    }

    const GET: &str = "name/cos:GetObject";
    const ALL_KEYS: &str = "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*";

    // --- decision order -------------------------------------------------------------------

    #[test]
    fn evaluate_allow_and_deny_match_deny_wins() {
        let p = bucket_policy(&format!(
            r#"{{"version":"2.0","principal":{{"qcs":["{}"]}},"statement":[
            {{"sid":"all","effect":"allow","action":"name/cos:*","resource":"{ALL_KEYS}"}},
            {{"sid":"nodelete","effect":"deny","action":"name/cos:DeleteObject","resource":"{ALL_KEYS}"}}]}}"#,
            uin(SUB)
        ));
        let out = run(&p, "name/cos:DeleteObject", "a.txt", sub(), &[]);
        assert_eq!(
            out,
            Outcome::Deny {
                index: 1,
                sid: Some("nodelete".into())
            }
        );
        let out = run(&p, GET, "a.txt", sub(), &[]);
        assert_eq!(
            out,
            Outcome::Allow {
                index: 0,
                sid: Some("all".into())
            }
        );
    }

    #[test]
    fn evaluate_no_statement_matches_no_match() {
        let p = one(&[&uin(SUB)], "allow", GET, ALL_KEYS, "");
        assert_eq!(
            run(&p, "name/cos:PutObject", "a", sub(), &[]),
            Outcome::NoMatch
        );
    }

    // --- principals -----------------------------------------------------------------------

    #[test]
    fn principal_root_grant_sub_account_allowed() {
        let p = one(&[&uin(ROOT)], "allow", GET, ALL_KEYS, "");
        assert!(allowed(&run(&p, GET, "a", sub(), &[])));
        let root = Caller::User {
            root: ROOT,
            uin: ROOT,
        };
        assert!(allowed(&run(&p, GET, "a", root, &[])));
    }

    #[test]
    fn principal_root_grant_other_account_no_match() {
        let p = one(&[&uin(ROOT)], "allow", GET, ALL_KEYS, "");
        let other = Caller::User {
            root: OTHER_ROOT,
            uin: OTHER_ROOT,
        };
        assert_eq!(run(&p, GET, "a", other, &[]), Outcome::NoMatch);
    }

    #[test]
    fn principal_exact_user_other_sub_or_root_no_match() {
        let p = one(&[&uin(SUB)], "allow", GET, ALL_KEYS, "");
        assert!(allowed(&run(&p, GET, "a", sub(), &[])));
        let other = Caller::User {
            root: ROOT,
            uin: OTHER_SUB,
        };
        assert_eq!(run(&p, GET, "a", other, &[]), Outcome::NoMatch);
        let root = Caller::User {
            root: ROOT,
            uin: ROOT,
        };
        assert_eq!(run(&p, GET, "a", root, &[]), Outcome::NoMatch);
    }

    #[test]
    fn principal_cross_account_user_grant_allowed() {
        let p = one(
            &["qcs::cam::uin/100000000002:uin/100000000022"],
            "allow",
            GET,
            ALL_KEYS,
            "",
        );
        let caller = Caller::User {
            root: OTHER_ROOT,
            uin: "100000000022",
        };
        assert!(allowed(&run(&p, GET, "a", caller, &[])));
    }

    #[test]
    fn principal_anyone_anonymous_allowed() {
        for id in ["*", "qcs::cam::anyone:anyone"] {
            let p = one(&[id], "allow", GET, ALL_KEYS, "");
            assert!(allowed(&run(&p, GET, "a", Caller::Anonymous, &[])), "{id}");
            assert!(allowed(&run(&p, GET, "a", sub(), &[])), "{id}");
        }
        let bare = bucket_policy(&format!(
            r#"{{"version":"2.0","statement":[{{"principal":"*","effect":"allow","action":"{GET}","resource":"{ALL_KEYS}"}}]}}"#
        ));
        assert!(allowed(&run(&bare, GET, "a", Caller::Anonymous, &[])));
    }

    #[test]
    fn principal_uin_anonymous_no_match() {
        let p = one(&[&uin(ROOT)], "allow", GET, ALL_KEYS, "");
        assert_eq!(run(&p, GET, "a", Caller::Anonymous, &[]), Outcome::NoMatch);
    }

    #[test]
    fn principal_role_and_group_no_match() {
        let p = one(
            &[
                "qcs::cam::uin/100000000001:roleName/reader",
                "qcs::cam::uin/100000000001:groupid/7",
            ],
            "allow",
            GET,
            ALL_KEYS,
            "",
        );
        assert_eq!(run(&p, GET, "a", sub(), &[]), Outcome::NoMatch);
    }

    #[test]
    fn principal_ignored_for_user_policy_allowed() {
        let p = parse(
            format!(r#"{{"version":"2.0","statement":[{{"effect":"allow","action":"{GET}","resource":"{ALL_KEYS}"}}]}}"#)
                .as_bytes(),
            PolicyKind::User,
            &Limits::cam(),
        )
        .expect("valid");
        let ctx = HashMap::new();
        let resource = format!("{BUCKET}a");
        let input = EvalInput {
            action: GET,
            resource: &resource,
            caller: sub(),
            context: &ctx,
            now: now(),
            match_principal: false,
        };
        assert!(allowed(&evaluate(&p, &input)));
        let with_principal = EvalInput {
            match_principal: true,
            ..input
        };
        assert_eq!(evaluate(&p, &with_principal), Outcome::NoMatch);
    }

    // --- actions --------------------------------------------------------------------------

    #[test]
    fn action_star_and_service_star_match() {
        assert!(action_matches("*", GET));
        assert!(action_matches("name/cos:*", GET));
        assert!(action_matches("name/cos:GetObject", GET));
    }

    #[test]
    fn action_glob_prefix_match() {
        assert!(action_matches("name/cos:Get*", GET));
        assert!(action_matches("name/cos:Get*", "name/cos:GetBucketACL"));
        assert!(!action_matches("name/cos:Get*", "name/cos:PutObject"));
    }

    #[test]
    fn action_other_case_no_match() {
        assert!(!action_matches("name/cos:getobject", GET));
        assert!(!action_matches(
            "name/cos:GetObject",
            "name/cos:GetObjectACL"
        ));
    }

    #[test]
    fn action_restore_alias_both_ways_match() {
        assert!(action_matches(
            "name/cos:RestoreObject",
            "name/cos:PostObjectRestore"
        ));
        assert!(action_matches(
            "name/cos:PostObjectRestore",
            "name/cos:RestoreObject"
        ));
        assert!(action_matches("name/cos:Post*", "name/cos:RestoreObject"));
    }

    // --- resources ------------------------------------------------------------------------

    const R: &str = "qcs::cos:ap-guangzhou:uid/1250000000:";

    #[test]
    fn resource_prefix_glob_match() {
        let pat = format!("{R}examplebucket-1250000000/doc/*");
        assert!(resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/doc/a/b.txt")
        ));
        assert!(resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/doc/")
        ));
        assert!(!resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/doc2/a")
        ));
        assert!(!resource_matches(
            &pat,
            &format!("{R}otherbucket-1250000000/doc/a")
        ));
    }

    #[test]
    fn resource_bucket_star_bucket_level_match() {
        let pat = format!("{R}examplebucket-1250000000/*");
        assert!(resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/")
        ));
    }

    #[test]
    fn resource_bare_bucket_bucket_level_match() {
        let pat = format!("{R}examplebucket-1250000000");
        assert!(resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/")
        ));
        assert!(!resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/key")
        ));
        assert!(!resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/dir/")
        ));
    }

    #[test]
    fn resource_account_star_any_bucket_match() {
        let pat = format!("{R}*");
        assert!(resource_matches(
            &pat,
            &format!("{R}anybucket-1250000000/k")
        ));
        assert!(!resource_matches(
            &pat,
            "qcs::cos:ap-guangzhou:uid/1250000099:b-1250000099/k"
        ));
        assert!(resource_matches("*", "qcs::cos:ap-beijing:uid/1:x-1/y"));
    }

    #[test]
    fn resource_legacy_prefix_form_match() {
        let pat = format!("{R}prefix//1250000000/examplebucket/doc/*");
        assert!(resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/doc/a.txt")
        ));
        assert!(!resource_matches(
            &pat,
            &format!("{R}examplebucket-1250000000/img/a.txt")
        ));
        let all = format!("{R}prefix//1250000000/*");
        assert!(resource_matches(
            &all,
            &format!("{R}examplebucket-1250000000/a")
        ));
    }

    #[test]
    fn resource_legacy_request_form_match() {
        let pat = format!("{R}examplebucket-1250000000/doc/*");
        assert!(resource_matches(
            &pat,
            &format!("{R}prefix//1250000000/examplebucket/doc/x")
        ));
    }

    #[test]
    fn normalize_legacy_forms_rewritten() {
        assert_eq!(
            normalize_legacy(&format!("{R}prefix//1250000000/examplebucket/doc/*")),
            format!("{R}examplebucket-1250000000/doc/*")
        );
        assert_eq!(
            normalize_legacy(&format!("{R}prefix//1250000000/examplebucket")),
            format!("{R}examplebucket-1250000000")
        );
        let modern = format!("{R}examplebucket-1250000000/prefix//x");
        assert_eq!(normalize_legacy(&modern), modern);
    }

    #[test]
    fn resource_region_star_or_empty_any_region_match() {
        let key = "qcs::cos:ap-beijing:uid/1250000000:examplebucket-1250000000/a";
        assert!(resource_matches(
            "qcs::cos:*:uid/1250000000:examplebucket-1250000000/*",
            key
        ));
        assert!(resource_matches(
            "qcs::cos::uid/1250000000:examplebucket-1250000000/*",
            key
        ));
        assert!(!resource_matches(
            &format!("{R}examplebucket-1250000000/*"),
            key
        ));
    }

    // --- conditions -----------------------------------------------------------------------

    /// Evaluates `{op: {key: values}}` on a GetObject by the sub-account with `ctx`.
    fn cond(op: &str, key: &str, values: &str, ctx: &[(&str, &[&str])]) -> bool {
        let p = one(
            &[&uin(SUB)],
            "allow",
            GET,
            ALL_KEYS,
            &format!(r#"{{"{op}":{{"{key}":{values}}}}}"#),
        );
        allowed(&run(&p, GET, "a", sub(), ctx))
    }

    #[test]
    fn condition_every_operator_table_expected() {
        // (operator, policy values, request value, expected)
        let table: &[(&str, &str, &str, bool)] = &[
            ("string_equal", r#"["a","b"]"#, "b", true),
            ("string_equal", r#""a""#, "A", false),
            ("string_not_equal", r#"["a","b"]"#, "c", true),
            ("string_not_equal", r#"["a","b"]"#, "b", false),
            (
                "string_equal_ignore_case",
                r#""Image/JPEG""#,
                "image/jpeg",
                true,
            ),
            (
                "string_equal_ignore_case",
                r#""image/png""#,
                "image/jpeg",
                false,
            ),
            (
                "string_not_equal_ignore_case",
                r#""IMAGE/JPEG""#,
                "image/jpeg",
                false,
            ),
            (
                "string_not_equal_ignore_case",
                r#""image/png""#,
                "image/jpeg",
                true,
            ),
            ("string_like", r#"["doc/*","img/?.png"]"#, "img/1.png", true),
            ("string_like", r#""doc/*""#, "img/doc/", false),
            ("string_not_like", r#""doc/*""#, "img/a", true),
            ("string_not_like", r#""doc/*""#, "doc/a", false),
            ("numeric_equal", "10", "10.0", true),
            ("numeric_equal", "10", "11", false),
            ("numeric_not_equal", "10", "11", true),
            ("numeric_not_equal", "10", "10", false),
            ("numeric_less_than", "10", "9", true),
            ("numeric_less_than", "10", "10", false),
            ("numeric_less_than_equal", "10", "10", true),
            ("numeric_less_than_equal", "10", "11", false),
            ("numeric_greater_than", "10", "11", true),
            ("numeric_greater_than", "10", "10", false),
            ("numeric_greater_than_equal", "10", "10", true),
            ("numeric_greater_than_equal", "10", "9", false),
            ("numeric_equal", "10", "ten", false),
            (
                "date_equal",
                r#""2026-01-01T08:00:00+08:00""#,
                "2026-01-01T00:00:00Z",
                true,
            ),
            ("date_equal", r#""2026-01-01""#, "2026-01-02", false),
            ("date_not_equal", r#""2026-01-01""#, "2026-01-02", true),
            (
                "date_not_equal",
                r#""2026-01-01""#,
                "2026-01-01T00:00:00Z",
                false,
            ),
            (
                "date_less_than",
                r#""2026-01-01T00:00:00Z""#,
                "2025-12-31T23:59:59Z",
                true,
            ),
            (
                "date_less_than",
                r#""2026-01-01T00:00:00Z""#,
                "2026-01-01T00:00:00Z",
                false,
            ),
            (
                "date_less_than_equal",
                r#""2026-01-01T00:00:00Z""#,
                "2026-01-01T00:00:00.000Z",
                true,
            ),
            (
                "date_less_than_equal",
                r#""2026-01-01T00:00:00Z""#,
                "2026-01-01T00:00:01Z",
                false,
            ),
            (
                "date_greater_than",
                r#""2026-01-01T00:00:00Z""#,
                "2026-01-01T00:00:00.5Z",
                true,
            ),
            (
                "date_greater_than",
                r#""2026-01-01T00:00:00Z""#,
                "2025-01-01T00:00:00Z",
                false,
            ),
            (
                "date_greater_than_equal",
                r#""2026-01-01T00:00:00Z""#,
                "1767225600",
                true,
            ),
            (
                "date_greater_than_equal",
                r#""2026-01-01T00:00:00Z""#,
                "1767225599",
                false,
            ),
            ("date_equal", r#""2026-01-01""#, "not a date", false),
            ("bool_equal", "false", "FALSE", true),
            ("bool_equal", "true", "false", false),
            ("bool_equal", "true", "yes", false),
            ("binary_equal", r#""ODE5MjAw""#, "ODE5MjAw", true),
            ("binary_equal", r#""ODE5MjAw""#, "ODE5MjAx", false),
            (
                "ip_equal",
                r#"["10.0.0.0/8","192.168.1.7"]"#,
                "10.1.2.3",
                true,
            ),
            (
                "ip_equal",
                r#"["10.0.0.0/8","192.168.1.7"]"#,
                "192.168.1.7",
                true,
            ),
            ("ip_equal", r#""10.0.0.0/8""#, "11.0.0.1", false),
            ("ip_equal", r#""2001:db8::/32""#, "2001:db8:1::1", true),
            ("ip_equal", r#""2001:db8::/32""#, "2001:db9::1", false),
            ("ip_equal", r#""127.0.0.1""#, "::ffff:127.0.0.1", true),
            ("ip_equal", r#""0.0.0.0/0""#, "8.8.8.8", true),
            ("ip_equal", r#""::/0""#, "2001:db8::1", true),
            ("ip_equal", r#""10.0.0.0/33""#, "10.0.0.1", false),
            ("ip_equal", r#""10.*.*.10/24""#, "10.0.0.10", false),
            (
                "ip_not_equal",
                r#"["10.0.0.0/8","2001:db8::/32"]"#,
                "8.8.8.8",
                true,
            ),
            (
                "ip_not_equal",
                r#"["10.0.0.0/8","2001:db8::/32"]"#,
                "10.9.9.9",
                false,
            ),
        ];
        let mut wrong = Vec::new();
        for &(op, values, request, want) in table {
            let got = cond(op, "cos:k", values, &[("cos:k", &[request])]);
            if got != want {
                wrong.push(format!(
                    "{op} {values} vs {request:?}: got {got}, want {want}"
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn condition_missing_key_no_match() {
        for op in [
            "string_equal",
            "string_not_equal",
            "numeric_less_than",
            "ip_not_equal",
        ] {
            assert!(!cond(op, "cos:prefix", r#""1""#, &[]), "{op}");
            assert!(
                !cond(op, "cos:prefix", r#""1""#, &[("cos:prefix", &[])]),
                "{op} empty"
            );
        }
    }

    #[test]
    fn condition_if_exist_missing_key_match() {
        assert!(cond(
            "string_equal_if_exist",
            "cos:x-cos-acl",
            r#""private""#,
            &[]
        ));
        assert!(cond(
            "string_not_equal_if_exist",
            "cos:x-cos-forbid-overwrite",
            r#""true""#,
            &[]
        ));
    }

    #[test]
    fn condition_if_exist_present_key_evaluated() {
        let ctx: &[(&str, &[&str])] = &[("cos:x-cos-acl", &["public-read"])];
        assert!(!cond(
            "string_equal_if_exist",
            "cos:x-cos-acl",
            r#""private""#,
            ctx
        ));
        assert!(cond(
            "string_equal_if_exist",
            "cos:x-cos-acl",
            r#""public-read""#,
            ctx
        ));
    }

    #[test]
    fn condition_forbid_overwrite_deny_if_exist_denied() {
        let p = bucket_policy(&format!(
            r#"{{"version":"2.0","principal":{{"qcs":["{}"]}},"statement":[
            {{"effect":"allow","action":"name/cos:PutObject","resource":"{ALL_KEYS}"}},
            {{"effect":"deny","action":"name/cos:PutObject","resource":"{ALL_KEYS}",
              "condition":{{"string_not_equal_if_exist":{{"cos:x-cos-forbid-overwrite":"true"}}}}}}]}}"#,
            uin(SUB)
        ));
        let put = "name/cos:PutObject";
        assert!(matches!(
            run(&p, put, "a", sub(), &[]),
            Outcome::Deny { index: 1, .. }
        ));
        let safe: &[(&str, &[&str])] = &[("cos:x-cos-forbid-overwrite", &["true"])];
        assert!(allowed(&run(&p, put, "a", sub(), safe)));
    }

    #[test]
    fn condition_null_equal_presence_expected() {
        let present: &[(&str, &[&str])] = &[("cos:x-cos-acl", &["private"])];
        assert!(cond("null_equal", "cos:x-cos-acl", "true", &[]));
        assert!(!cond("null_equal", "cos:x-cos-acl", "true", present));
        assert!(cond("null_equal", "cos:x-cos-acl", "false", present));
        assert!(!cond("null_equal", "cos:x-cos-acl", r#""false""#, &[]));
    }

    #[test]
    fn condition_key_upper_case_matched() {
        assert!(cond(
            "string_equal",
            "COS:Prefix",
            r#""doc/""#,
            &[("cos:prefix", &["doc/"])]
        ));
    }

    #[test]
    fn condition_two_keys_and_two_operators_anded() {
        let p = one(
            &[&uin(SUB)],
            "allow",
            "name/cos:GetBucket",
            ALL_KEYS,
            r#"{"string_equal":{"cos:prefix":"doc/","cos:delimiter":"/"},"numeric_less_than_equal":{"cos:max-keys":100}}"#,
        );
        let list = "name/cos:GetBucket";
        let ok: &[(&str, &[&str])] = &[
            ("cos:prefix", &["doc/"]),
            ("cos:delimiter", &["/"]),
            ("cos:max-keys", &["50"]),
        ];
        assert!(allowed(&run(&p, list, "", sub(), ok)));
        let too_many: &[(&str, &[&str])] = &[
            ("cos:prefix", &["doc/"]),
            ("cos:delimiter", &["/"]),
            ("cos:max-keys", &["500"]),
        ];
        assert_eq!(run(&p, list, "", sub(), too_many), Outcome::NoMatch);
        let no_delim: &[(&str, &[&str])] = &[("cos:prefix", &["doc/"]), ("cos:max-keys", &["5"])];
        assert_eq!(run(&p, list, "", sub(), no_delim), Outcome::NoMatch);
    }

    #[test]
    fn condition_for_any_value_one_request_value_match() {
        let ctx: &[(&str, &[&str])] = &[("cos:k", &["x", "b"])];
        assert!(cond(
            "for_any_value:string_equal",
            "cos:k",
            r#"["a","b"]"#,
            ctx
        ));
        assert!(cond("string_equal", "cos:k", r#"["a","b"]"#, ctx));
        assert!(!cond("for_any_value:string_equal", "cos:k", r#""z""#, ctx));
    }

    #[test]
    fn condition_for_all_value_every_request_value_expected() {
        let ctx: &[(&str, &[&str])] = &[("cos:k", &["a", "b"])];
        assert!(cond(
            "for_all_value:string_equal",
            "cos:k",
            r#"["a","b","c"]"#,
            ctx
        ));
        assert!(!cond(
            "for_all_value:string_equal",
            "cos:k",
            r#"["a"]"#,
            ctx
        ));
        assert!(cond(
            "for_all_value:string_not_equal",
            "cos:k",
            r#"["c"]"#,
            ctx
        ));
        assert!(!cond(
            "for_all_value:string_not_equal",
            "cos:k",
            r#"["b"]"#,
            ctx
        ));
    }

    #[test]
    fn condition_current_time_from_now_expected() {
        // now() is 2026-01-01T00:00:00Z and the context has no qcs:current_time.
        let key = "qcs:current_time";
        assert!(cond(
            "date_greater_than_equal",
            key,
            r#""2025-06-01T00:00:00Z""#,
            &[]
        ));
        assert!(!cond(
            "date_greater_than",
            key,
            r#""2026-06-01T00:00:00+08:00""#,
            &[]
        ));
        assert!(cond(
            "date_less_than",
            key,
            r#""2026-01-01T08:00:01+08:00""#,
            &[]
        ));
        let given: &[(&str, &[&str])] = &[(key, &["2020-01-01T00:00:00Z"])];
        assert!(!cond(
            "date_greater_than_equal",
            key,
            r#""2025-06-01T00:00:00Z""#,
            given
        ));
    }

    #[test]
    fn condition_ip_with_cidr_on_ip_key_match() {
        let ctx: &[(&str, &[&str])] = &[("qcs:ip", &["192.168.1.20"])];
        assert!(cond(
            "ip_equal",
            "qcs:ip",
            r#"["192.168.1.0/24","101.226.100.185"]"#,
            ctx
        ));
        assert!(!cond("ip_not_equal", "qcs:ip", r#""192.168.0.0/16""#, ctx));
    }
}
