//! Pure evaluation of one OSS policy (bucket or RAM) against a request: Allow, Deny or no match, with
//! the index of the deciding statement (oss.md §7). A matching Deny wins over any Allow.
//!
//! Owner rules, combining bucket and RAM policies and the default deny belong to the caller.

use std::net::IpAddr;

use super::policy::{parse_cidr, Condition, Effect, Operator, Policy, Statement};
use crate::policy::glob::glob;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    Anonymous,
    /// An account or RAM-user uid.
    Uid(&'a str),
}

/// The condition keys cos-mock knows. A condition on any other key, or on one that is `None` here,
/// does not hold (so it neither allows nor denies).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context<'a> {
    /// `acs:SourceIp`: the TCP peer.
    pub source_ip: Option<IpAddr>,
    /// `oss:Prefix`: the `prefix` parameter of a listing.
    pub prefix: Option<&'a str>,
}

/// One request to decide.
#[derive(Debug, Clone, Copy)]
pub struct EvalInput<'a> {
    /// `oss:GetObject`, ...
    pub action: &'a str,
    /// `acs:oss:<region>:<owner-uid>:<bucket>[/<key>]`.
    pub resource: &'a str,
    pub caller: Caller<'a>,
    pub context: Context<'a>,
}

/// The outcome, with the index of the deciding statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow(usize),
    Deny(usize),
    NoMatch,
}

/// The first matching Deny, else the first matching Allow, else `NoMatch`.
pub fn evaluate(policy: &Policy, input: &EvalInput) -> Decision {
    let matching = |effect: Effect| {
        policy
            .statements
            .iter()
            .position(|s| s.effect == effect && applies(s, input))
    };
    if let Some(i) = matching(Effect::Deny) {
        return Decision::Deny(i);
    }
    matching(Effect::Allow).map_or(Decision::NoMatch, Decision::Allow)
}

/// Principal (bucket policies only), action, resource and every condition match.
pub fn applies(s: &Statement, input: &EvalInput) -> bool {
    let principal_ok = match &s.principals {
        None => true,
        Some(list) => list.iter().any(|p| match input.caller {
            _ if p == "*" => true,
            Caller::Uid(uid) => p == uid,
            Caller::Anonymous => false,
        }),
    };
    principal_ok
        && s.actions.iter().any(|a| action_matches(a, input.action))
        && s.resources.iter().any(|r| glob(r, input.resource, true))
        && s.conditions
            .iter()
            .all(|c| condition_holds(c, &input.context))
}

/// Case-insensitive glob (`*`, `?`); a bare `*` (RAM policies) matches everything.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(
        &pattern.to_ascii_lowercase(),
        &action.to_ascii_lowercase(),
        true,
    )
}

/// Whether one condition holds in `context`; values of one key are alternatives.
pub fn condition_holds(c: &Condition, context: &Context) -> bool {
    use Operator::*;
    let key = c.key.to_ascii_lowercase();
    match (c.operator, key.as_str()) {
        (IpAddress | NotIpAddress, "acs:sourceip") => {
            let Some(ip) = context.source_ip else {
                return false;
            };
            let any = c.values.iter().any(|v| ip_in(ip, v));
            any == (c.operator == IpAddress)
        }
        (_, "oss:prefix") => {
            let Some(prefix) = context.prefix else {
                return false;
            };
            string_holds(c.operator, &c.values, prefix).unwrap_or(false)
        }
        _ => false,
    }
}

/// The String* operators; `None` for the others.
fn string_holds(op: Operator, values: &[String], actual: &str) -> Option<bool> {
    use Operator::*;
    let any = |f: &dyn Fn(&str) -> bool| values.iter().any(|v| f(v));
    Some(match op {
        StringEquals => any(&|v| v == actual),
        StringNotEquals => !any(&|v| v == actual),
        StringEqualsIgnoreCase => any(&|v| v.eq_ignore_ascii_case(actual)),
        StringNotEqualsIgnoreCase => !any(&|v| v.eq_ignore_ascii_case(actual)),
        StringLike => any(&|v| glob(v, actual, true)),
        StringNotLike => !any(&|v| glob(v, actual, true)),
        _ => return None,
    })
}

/// `ip` inside `cidr` (a plain address means itself); v4 and v6 never match each other.
pub fn ip_in(ip: IpAddr, cidr: &str) -> bool {
    let Some((net, len)) = parse_cidr(cidr) else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => prefix_eq(&a.octets(), &n.octets(), len),
        (IpAddr::V6(a), IpAddr::V6(n)) => prefix_eq(&a.octets(), &n.octets(), len),
        _ => false,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (full, rest) = (usize::from(bits / 8), bits % 8);
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    a[full] & mask == b[full] & mask
}

#[cfg(test)]
mod tests {
    use super::super::policy::{parse, PolicyKind};
    use super::*;

    const BUCKET: &str = "acs:oss:cn-hangzhou:1000000000000001:oss-conf-examplebucket";

    fn policy(statements: &str) -> Policy {
        let doc = format!("{{\"Version\":\"1\",\"Statement\":[{statements}]}}");
        parse(doc.as_bytes(), PolicyKind::Bucket).unwrap()
    }

    fn input<'a>(action: &'a str, resource: &'a str, caller: Caller<'a>) -> EvalInput<'a> {
        EvalInput {
            action,
            resource,
            caller,
            context: Context::default(),
        }
    }

    fn object(key: &str) -> String {
        format!("{BUCKET}/{key}")
    }

    #[test]
    fn evaluate_allow_for_listed_uid_only() {
        let p = policy(
            r#"{"Effect":"Allow","Action":"oss:GetObject","Principal":["2000000000000011"],
                "Resource":"acs:oss:*:1000000000000001:oss-conf-examplebucket/*"}"#,
        );
        let res = object("doc/a.txt");
        let uid = Caller::Uid("2000000000000011");
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &res, uid)),
            Decision::Allow(0)
        );
        let other = Caller::Uid("1000000000000002");
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &res, other)),
            Decision::NoMatch
        );
        let anon = Caller::Anonymous;
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &res, anon)),
            Decision::NoMatch
        );
        assert_eq!(
            evaluate(&p, &input("oss:PutObject", &res, uid)),
            Decision::NoMatch
        );
        // The bucket itself is not `bucket/*`.
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", BUCKET, uid)),
            Decision::NoMatch
        );
    }

    #[test]
    fn evaluate_star_principal_covers_anonymous_and_accounts() {
        let p = policy(
            r#"{"Effect":"Allow","Action":"oss:*","Principal":"*","Resource":"acs:oss:*:*:*"}"#,
        );
        for caller in [Caller::Anonymous, Caller::Uid("1")] {
            assert_eq!(
                evaluate(&p, &input("oss:ListObjects", BUCKET, caller)),
                Decision::Allow(0)
            );
        }
    }

    #[test]
    fn evaluate_deny_wins_and_names_its_statement() {
        let p = policy(
            r#"{"Effect":"Allow","Action":"oss:*","Principal":"*","Resource":"acs:oss:*:*:*/*"},
               {"Effect":"Allow","Action":"oss:GetObject","Principal":"*","Resource":"acs:oss:*:*:*/*"},
               {"Effect":"Deny","Action":"oss:Get*","Principal":"*","Resource":"acs:oss:*:*:*/secret/*"}"#,
        );
        let caller = Caller::Uid("1");
        let secret = object("secret/x");
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &secret, caller)),
            Decision::Deny(2)
        );
        let open = object("open/x");
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &open, caller)),
            Decision::Allow(0)
        );
    }

    #[test]
    fn action_wildcards_and_case() {
        assert!(action_matches("oss:*", "oss:PutObject"));
        assert!(action_matches("oss:Get*", "oss:GetBucketInfo"));
        assert!(action_matches("oss:getobject", "oss:GetObject"));
        assert!(action_matches("oss:?etObject", "oss:GetObject"));
        assert!(action_matches("*", "oss:GetObject"));
        assert!(!action_matches("oss:Get*", "oss:PutObject"));
    }

    #[test]
    fn resource_wildcards_star_and_question_mark() {
        let p = policy(
            r#"{"Effect":"Allow","Action":"oss:GetObject","Principal":"*",
                "Resource":"acs:oss:*:1000000000000001:oss-conf-examplebucket/img/?.png"}"#,
        );
        let one = object("img/1.png");
        let two = object("img/12.png");
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &one, Caller::Anonymous)),
            Decision::Allow(0)
        );
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &two, Caller::Anonymous)),
            Decision::NoMatch
        );
    }

    #[test]
    fn ip_address_condition_cidr_and_plain() {
        let p = policy(
            r#"{"Effect":"Allow","Action":"oss:GetObject","Principal":"*","Resource":"acs:oss:*:*:*/*",
                "Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","127.0.0.1"]}}}"#,
        );
        let res = object("a");
        let at = |ip: &str| {
            let mut i = input("oss:GetObject", &res, Caller::Anonymous);
            i.context.source_ip = Some(ip.parse().unwrap());
            evaluate(&p, &i)
        };
        assert_eq!(at("127.0.0.1"), Decision::Allow(0));
        assert_eq!(at("10.200.3.4"), Decision::Allow(0));
        assert_eq!(at("127.0.0.2"), Decision::NoMatch);
        assert_eq!(at("::1"), Decision::NoMatch);
        // No source address known: the condition does not hold.
        assert_eq!(
            evaluate(&p, &input("oss:GetObject", &res, Caller::Anonymous)),
            Decision::NoMatch
        );
    }

    #[test]
    fn not_ip_address_condition_denies_outsiders() {
        let p = policy(
            r#"{"Effect":"Deny","Action":"oss:*","Principal":"*","Resource":"acs:oss:*:*:*",
                "Condition":{"NotIpAddress":{"acs:SourceIp":"192.168.0.0/16"}}}"#,
        );
        let at = |ip: &str| {
            let mut i = input("oss:ListObjects", BUCKET, Caller::Uid("1"));
            i.context.source_ip = Some(ip.parse().unwrap());
            evaluate(&p, &i)
        };
        assert_eq!(at("127.0.0.1"), Decision::Deny(0));
        assert_eq!(at("192.168.3.1"), Decision::NoMatch);
    }

    #[test]
    fn prefix_conditions_like_and_equals() {
        let p = policy(
            r#"{"Effect":"Allow","Action":"oss:ListObjects","Principal":"*","Resource":"acs:oss:*:*:*",
                "Condition":{"StringLike":{"oss:Prefix":["dir/*"]}}},
               {"Effect":"Allow","Action":"oss:ListObjects","Principal":"*","Resource":"acs:oss:*:*:*",
                "Condition":{"StringEquals":{"OSS:Prefix":"exact"}}}"#,
        );
        let with = |prefix: Option<&'static str>| {
            let mut i = input("oss:ListObjects", BUCKET, Caller::Anonymous);
            i.context.prefix = prefix;
            evaluate(&p, &i)
        };
        assert_eq!(with(Some("dir/sub/")), Decision::Allow(0));
        assert_eq!(with(Some("exact")), Decision::Allow(1));
        assert_eq!(with(Some("exact/")), Decision::NoMatch);
        assert_eq!(with(None), Decision::NoMatch);
    }

    #[test]
    fn unknown_condition_key_never_holds() {
        let p = policy(
            r#"{"Effect":"Allow","Action":"oss:*","Principal":"*","Resource":"acs:oss:*:*:*",
                "Condition":{"Bool":{"acs:SecureTransport":"false"}}}"#,
        );
        assert_eq!(
            evaluate(&p, &input("oss:ListObjects", BUCKET, Caller::Anonymous)),
            Decision::NoMatch
        );
    }

    #[test]
    fn ram_policy_has_no_principal_check() {
        let doc = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutObject","oss:GetObject"],
            "Resource":["acs:oss:*:1000000000000001:oss-conf-examplebucket/u12/*"]}]}"#;
        let p = parse(doc.as_bytes(), PolicyKind::Ram).unwrap();
        let mine = object("u12/a");
        let theirs = object("u11/a");
        let me = Caller::Uid("2000000000000012");
        assert_eq!(
            evaluate(&p, &input("oss:PutObject", &mine, me)),
            Decision::Allow(0)
        );
        assert_eq!(
            evaluate(&p, &input("oss:PutObject", &theirs, me)),
            Decision::NoMatch
        );
    }

    #[test]
    fn ip_in_prefix_lengths() {
        let ip: IpAddr = "10.1.2.3".parse().unwrap();
        assert!(ip_in(ip, "10.1.2.0/23"));
        assert!(ip_in(ip, "0.0.0.0/0"));
        assert!(!ip_in(ip, "10.1.4.0/23"));
        assert!(!ip_in(ip, "not an ip"));
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert!(ip_in(v6, "2001:db8::/32"));
        assert!(!ip_in(v6, "2001:db9::/32"));
    }
}
