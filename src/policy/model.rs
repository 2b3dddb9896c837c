//! The typed policy model (CAM policy syntax as COS uses it) and its JSON serialization.
//!
//! Parsing and validation live in `validate.rs`; this file holds the types, the small string
//! grammars of principal ids and condition operators, and `Serialize` (always lower-case keys,
//! lists everywhere, condition values as strings).

use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// A parsed policy. A top-level `principal` has already been copied into each statement lacking one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub version: String,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    /// `*`, `name/cos:*`, `name/cos:<Api>` or a `name/cos:` glob such as `name/cos:Get*`.
    pub actions: Vec<String>,
    /// `*` or `qcs::cos:...` patterns, as written.
    pub resources: Vec<String>,
    /// All ANDed; the values of one condition are ORed.
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "allow",
            Effect::Deny => "deny",
        }
    }
}

/// The principals a statement applies to (`{"qcs": [...]}`; a bare `"*"` parses to `[Everyone]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal(pub Vec<PrincipalId>);

/// One principal id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalId {
    /// `*`
    Everyone,
    /// `qcs::cam::anyone:anyone`
    Anyone,
    /// `qcs::cam::uin/<root>:uin/<uin>`; `root == uin` names the root account itself.
    Uin { root: String, uin: String },
    /// `qcs::cam::uin/<root>:roleName/<name>`
    RoleName { root: String, name: String },
    /// `qcs::cam::uin/<root>:role/<id>`
    Role { root: String, id: String },
    /// `qcs::cam::uin/<root>:groupid/<id>`
    Group { root: String, id: String },
}

impl PrincipalId {
    /// Parses one id; `None` when it has none of the documented forms. Uins must be ASCII digits,
    /// role names and role/group ids non-empty without `:` or `/`.
    pub fn parse(s: &str) -> Option<PrincipalId> {
        if s == "*" {
            return Some(PrincipalId::Everyone);
        }
        if s == "qcs::cam::anyone:anyone" {
            return Some(PrincipalId::Anyone);
        }
        let rest = s.strip_prefix("qcs::cam::uin/")?;
        let (root, tail) = rest.split_once(':')?;
        if !is_uin(root) {
            return None;
        }
        let (kind, id) = tail.split_once('/')?;
        if id.is_empty() || id.contains([':', '/']) {
            return None;
        }
        let (root, id) = (root.to_string(), id.to_string());
        match kind {
            "uin" if is_uin(&id) => Some(PrincipalId::Uin { root, uin: id }),
            "roleName" => Some(PrincipalId::RoleName { root, name: id }),
            "role" => Some(PrincipalId::Role { root, id }),
            "groupid" => Some(PrincipalId::Group { root, id }),
            _ => None,
        }
    }
}

fn is_uin(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for PrincipalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalId::Everyone => f.write_str("*"),
            PrincipalId::Anyone => f.write_str("qcs::cam::anyone:anyone"),
            PrincipalId::Uin { root, uin } => write!(f, "qcs::cam::uin/{root}:uin/{uin}"),
            PrincipalId::RoleName { root, name } => {
                write!(f, "qcs::cam::uin/{root}:roleName/{name}")
            }
            PrincipalId::Role { root, id } => write!(f, "qcs::cam::uin/{root}:role/{id}"),
            PrincipalId::Group { root, id } => write!(f, "qcs::cam::uin/{root}:groupid/{id}"),
        }
    }
}

/// One condition: `operator: { key: values }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: Operator,
    /// The condition key as written (`qcs:ip`, `cos:prefix`, ...); matched case-insensitively.
    pub key: String,
    /// Strings, numbers and bools, all as strings.
    pub values: Vec<String>,
}

/// A condition operator: `[for_all_value:|for_any_value:]<base>[_if_exist]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub quantifier: Option<Quantifier>,
    pub base: BaseOp,
    pub if_exist: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `for_all_value:` every request value must match.
    ForAll,
    /// `for_any_value:` at least one request value must match.
    ForAny,
}

macro_rules! base_ops {
    ($( $name:ident => $s:literal, )*) => {
        /// The CAM condition operators of spec §5.2.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum BaseOp { $( $name, )* }

        impl BaseOp {
            pub const ALL: &'static [BaseOp] = &[ $( BaseOp::$name, )* ];
            pub const NAMES: &'static [&'static str] = &[ $( $s, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( BaseOp::$name => $s, )* }
            }

            pub fn from_name(s: &str) -> Option<BaseOp> {
                match s { $( $s => Some(BaseOp::$name), )* _ => None }
            }
        }
    };
}

base_ops! {
    StringEqual => "string_equal",
    StringNotEqual => "string_not_equal",
    StringEqualIgnoreCase => "string_equal_ignore_case",
    StringNotEqualIgnoreCase => "string_not_equal_ignore_case",
    StringLike => "string_like",
    StringNotLike => "string_not_like",
    NumericEqual => "numeric_equal",
    NumericNotEqual => "numeric_not_equal",
    NumericLessThan => "numeric_less_than",
    NumericLessThanEqual => "numeric_less_than_equal",
    NumericGreaterThan => "numeric_greater_than",
    NumericGreaterThanEqual => "numeric_greater_than_equal",
    DateEqual => "date_equal",
    DateNotEqual => "date_not_equal",
    DateLessThan => "date_less_than",
    DateLessThanEqual => "date_less_than_equal",
    DateGreaterThan => "date_greater_than",
    DateGreaterThanEqual => "date_greater_than_equal",
    BoolEqual => "bool_equal",
    BinaryEqual => "binary_equal",
    IpEqual => "ip_equal",
    IpNotEqual => "ip_not_equal",
    NullEqual => "null_equal",
}

const FOR_ALL: &str = "for_all_value:";
const FOR_ANY: &str = "for_any_value:";
const IF_EXIST: &str = "_if_exist";

impl Operator {
    /// Parses an operator name, case-insensitively.
    pub fn parse(s: &str) -> Option<Operator> {
        let lower = s.to_ascii_lowercase();
        let (quantifier, rest) = if let Some(r) = lower.strip_prefix(FOR_ALL) {
            (Some(Quantifier::ForAll), r)
        } else if let Some(r) = lower.strip_prefix(FOR_ANY) {
            (Some(Quantifier::ForAny), r)
        } else {
            (None, lower.as_str())
        };
        let (if_exist, base) = match rest.strip_suffix(IF_EXIST) {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let base = BaseOp::from_name(base)?;
        // `null_equal` tests existence itself, so `null_equal_if_exist` would be meaningless.
        if if_exist && base == BaseOp::NullEqual {
            return None;
        }
        Some(Operator {
            quantifier,
            base,
            if_exist,
        })
    }

    /// A plain operator (no prefix, no suffix).
    pub fn plain(base: BaseOp) -> Operator {
        Operator {
            quantifier: None,
            base,
            if_exist: false,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.quantifier {
            Some(Quantifier::ForAll) => f.write_str(FOR_ALL)?,
            Some(Quantifier::ForAny) => f.write_str(FOR_ANY)?,
            None => {}
        }
        f.write_str(self.base.as_str())?;
        if self.if_exist {
            f.write_str(IF_EXIST)?;
        }
        Ok(())
    }
}

impl Policy {
    /// The policy as JSON: lower-case keys, lists everywhere, principals always inside statements.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("version".into(), Value::String(self.version.clone()));
        let stmts = self.statements.iter().map(Statement::to_json).collect();
        m.insert("statement".into(), Value::Array(stmts));
        Value::Object(m)
    }

    /// The policy as GET Bucket policy answers it (COS API doc "GET Bucket policy"): `Statement`
    /// first, each statement's fields capitalised in COS's order (`Sid`, `Principal`, `Effect`,
    /// `Action`, `Resource`, `Condition`) with the principals inside it, then `version` in lower
    /// case. Effects are lower case (`allow`), as in that example.
    pub fn to_cos_json(&self) -> Value {
        const ORDER: [(&str, &str); 6] = [
            ("sid", "Sid"),
            ("principal", "Principal"),
            ("effect", "Effect"),
            ("action", "Action"),
            ("resource", "Resource"),
            ("condition", "Condition"),
        ];
        let statement = |st: &Statement| {
            let Value::Object(mut lower) = st.to_json() else {
                return Value::Null;
            };
            let mut m = Map::new();
            for (from, to) in ORDER {
                if let Some(v) = lower.remove(from) {
                    m.insert(to.into(), v);
                }
            }
            Value::Object(m)
        };
        let mut m = Map::new();
        let stmts = self.statements.iter().map(statement).collect();
        m.insert("Statement".into(), Value::Array(stmts));
        m.insert("version".into(), Value::String(self.version.clone()));
        Value::Object(m)
    }
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}

impl Statement {
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(sid) = &self.sid {
            m.insert("sid".into(), Value::String(sid.clone()));
        }
        m.insert("effect".into(), Value::String(self.effect.as_str().into()));
        if let Some(Principal(ids)) = &self.principal {
            let ids = ids.iter().map(|i| Value::String(i.to_string())).collect();
            let mut p = Map::new();
            p.insert("qcs".into(), Value::Array(ids));
            m.insert("principal".into(), Value::Object(p));
        }
        m.insert("action".into(), strings(&self.actions));
        m.insert("resource".into(), strings(&self.resources));
        if !self.conditions.is_empty() {
            let mut ops = Map::new();
            for c in &self.conditions {
                let entry = ops
                    .entry(c.operator.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(keys) = entry {
                    keys.insert(c.key.clone(), strings(&c.values));
                }
            }
            m.insert("condition".into(), Value::Object(ops));
        }
        Value::Object(m)
    }
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_cos_json_matches_get_bucket_policy_doc_form() {
        use crate::policy::{parse, Limits, PolicyKind};
        // Lower-case keys, a top-level principal and a condition: GET answers COS's form.
        let put = r#"{"version":"2.0","principal":{"qcs":["qcs::cam::uin/100000000001:uin/100000000001"]},
            "statement":[{"effect":"allow","action":["name/cos:GetBucket"],
            "resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"],
            "condition":{"ip_equal":{"qcs:ip":["10.0.0.0/8"]}},"sid":"s1"}]}"#;
        let policy = parse(put.as_bytes(), PolicyKind::Bucket, &Limits::default()).unwrap();
        assert_eq!(
            policy.to_cos_json().to_string(),
            r#"{"Statement":[{"Sid":"s1","Principal":{"qcs":["qcs::cam::uin/100000000001:uin/100000000001"]},"Effect":"allow","Action":["name/cos:GetBucket"],"Resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"],"Condition":{"ip_equal":{"qcs:ip":["10.0.0.0/8"]}}}],"version":"2.0"}"#
        );
        // The normalised form parses back to the same policy.
        let again = policy.to_cos_json().to_string();
        let reparsed = parse(again.as_bytes(), PolicyKind::Bucket, &Limits::default()).unwrap();
        assert_eq!(reparsed, policy);
    }

    #[test]
    fn principal_parse_documented_forms_ok() {
        let cases = [
            ("*", PrincipalId::Everyone),
            ("qcs::cam::anyone:anyone", PrincipalId::Anyone),
            (
                "qcs::cam::uin/100000000001:uin/100000000011",
                PrincipalId::Uin {
                    root: "100000000001".into(),
                    uin: "100000000011".into(),
                },
            ),
            (
                "qcs::cam::uin/100000000001:roleName/reader",
                PrincipalId::RoleName {
                    root: "100000000001".into(),
                    name: "reader".into(),
                },
            ),
            (
                "qcs::cam::uin/100000000001:role/4611686018427397919",
                PrincipalId::Role {
                    root: "100000000001".into(),
                    id: "4611686018427397919".into(),
                },
            ),
            (
                "qcs::cam::uin/100000000001:groupid/42",
                PrincipalId::Group {
                    root: "100000000001".into(),
                    id: "42".into(),
                },
            ),
        ];
        for (s, want) in cases {
            let got = PrincipalId::parse(s);
            assert_eq!(got.as_ref(), Some(&want), "{s}");
            assert_eq!(want.to_string(), s);
        }
    }

    #[test]
    fn principal_parse_malformed_none() {
        for s in [
            "",
            "anyone",
            "qcs::cam::uin/abc:uin/1",
            "qcs::cam::uin/1:uin/",
            "qcs::cam::uin/1:uin/x",
            "qcs::cam::uin/1:user/2",
            "qcs::cam::uin/1",
            "100000000001",
        ] {
            assert_eq!(PrincipalId::parse(s), None, "{s}");
        }
    }

    #[test]
    fn operator_parse_every_name_round_trips() {
        for &base in BaseOp::ALL {
            for q in ["", FOR_ALL, FOR_ANY] {
                for sfx in ["", IF_EXIST] {
                    let s = format!("{q}{}{sfx}", base.as_str());
                    match Operator::parse(&s) {
                        Some(op) => assert_eq!(op.to_string(), s),
                        None => assert!(base == BaseOp::NullEqual && sfx == IF_EXIST, "{s}"),
                    }
                }
            }
        }
    }

    #[test]
    fn operator_parse_upper_case_ok() {
        let op = Operator::parse("String_Equal_If_Exist");
        assert_eq!(
            op,
            Some(Operator {
                quantifier: None,
                base: BaseOp::StringEqual,
                if_exist: true
            })
        );
    }

    #[test]
    fn operator_parse_unknown_none() {
        assert_eq!(Operator::parse("string_equals"), None);
        assert_eq!(Operator::parse("for_each_value:string_equal"), None);
    }
}
