//! Integration tests over a real socket, one fresh server per test. Names read `<op>_<condition>_<outcome>`.

mod util;

mod access;
mod acl;
mod addressing;
mod admin;
mod append;
mod auth;
mod bucket_config;
mod buckets;
mod cli;
mod copy;
mod cors;
mod delete_multiple;
mod encryption;
mod errors;
mod fuzz_regressions;
mod hostile;
mod keys;
mod lifecycle;
mod multipart;
mod objects;
mod oss;
mod policy;
mod post_object;
mod quirks;
mod request_path;
mod restore;
mod sdk_own_node;
mod shutdown;
mod sts;
mod symlink;
mod tagging;
mod timeouts;
mod traffic_limit;
mod versioning;
