//! Bucket, CAM user and session policies: the typed model, the validator that turns JSON into it
//! (answering `MalformedPolicy` with the JSON path and rule), the COS action list, and pure
//! evaluation (deny wins over allow; the open choices are in `eval::unverified`).

pub mod actions;
pub mod eval;
pub mod glob;
pub mod model;
pub mod validate;

pub use eval::{evaluate, Caller, EvalInput, Outcome};
pub use model::{
    BaseOp, Condition, Effect, Operator, Policy, Principal, PrincipalId, Quantifier, Statement,
};
pub use validate::{parse, parse_value, too_large, Limits, PolicyError, PolicyKind};
