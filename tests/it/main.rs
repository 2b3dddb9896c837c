//! Integration tests over a real socket, one fresh server per test. Names read `<op>_<condition>_<outcome>`.

mod util;

mod acl;
mod addressing;
mod admin;
mod auth;
mod buckets;
mod cors;
mod errors;
mod lifecycle;
mod objects;
mod policy;
mod post_object;
mod restore;
