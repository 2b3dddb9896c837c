//! Bucket and object ACLs as a pure module: the model and canned ACLs (`model`) and the helpers the
//! access check uses (`enforce`).

pub mod enforce;
pub mod model;

pub use enforce::{allows, effective, permission_for, AclCaller};
pub use model::{Acl, Canned, Grant, Grantee, Permission, ResourceKind, MAX_GRANTS};
