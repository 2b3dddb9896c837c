//! Inputs the fuzz harness (`scripts/fuzz.sh`) found to panic, replayed over a socket: each must
//! answer a COS error, never a 500. The same inputs are regression seeds in `fuzz/corpus/`.

use crate::util::*;

#[test]
fn get_non_ascii_valueless_parameter_is_not_implemented() {
    let s = Server::start();
    s.create_bucket();
    for target in ["/?%F0%9F%98%80", "/k?%C3%A9policy", "/?p%EF%BB%BFolicy"] {
        let resp = s.req("GET", target).send();
        resp.assert_error(501, "NotImplemented");
    }
}
