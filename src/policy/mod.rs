//! Bucket, CAM user and session policies: the typed model, the validator that turns JSON into it
//! (answering `MalformedPolicy` with the JSON path and rule), and the COS action list.

pub mod actions;
pub mod glob;
pub mod model;
pub mod validate;

pub use model::{
    BaseOp, Condition, Effect, Operator, Policy, Principal, PrincipalId, Quantifier, Statement,
};
pub use validate::{parse, parse_value, Limits, PolicyError, PolicyKind};
