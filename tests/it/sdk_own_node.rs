//! What the node SDK's own suite (cos-nodejs-sdk-v5 `test/test.js`, run by
//! `scripts/sdk-own-suites.sh --node`) expects of COS, over raw sockets.

use crate::util::*;

// ---- a Host whose region label is no region ----

#[test]
fn request_host_of_an_unknown_region_is_no_such_bucket() {
    let s = Server::start();
    s.create_bucket(); // in ap-guangzhou
    s.put("o", b"x");
    // `Region: 'gz'` in the node suite ("params check Region" expects an error).
    for host in [
        format!("{BUCKET}.cos.gz.myqcloud.com"),
        format!("{BUCKET}.cos.gz.myqcloud.com:443"),
        format!("{BUCKET}.cos.tj.tencentcos.cn"),
    ] {
        for (method, target) in [("GET", "/o"), ("HEAD", "/"), ("PUT", "/p"), ("GET", "/?acl")] {
            let r = s.req(method, target).header("Host", &host).send();
            assert_eq!(r.status, 404, "{method} {host}{target}: {}", r.raw_head);
            if method != "HEAD" {
                r.assert_error(404, "NoSuchBucket");
            }
        }
    }
    // Unsigned too, and path style on the unknown region's service host.
    s.req("GET", "/o")
        .header("Host", &format!("{BUCKET}.cos.gz.myqcloud.com"))
        .anonymous()
        .send()
        .assert_error(404, "NoSuchBucket");
    s.req("GET", &format!("/{BUCKET}/o"))
        .header("Host", "cos.gz.myqcloud.com")
        .send()
        .assert_error(404, "NoSuchBucket");
    // Nothing was written.
    s.req("GET", "/p").send().assert_error(404, "NoSuchKey");
}

#[test]
fn put_bucket_in_an_unknown_region_is_no_such_bucket_and_creates_nothing() {
    let s = Server::start();
    let bucket = "gz-1250000000";
    s.req("PUT", "/")
        .header("Host", &format!("{bucket}.cos.gz.myqcloud.com"))
        .send()
        .assert_error(404, "NoSuchBucket");
    let r = s
        .req("HEAD", "/")
        .header("Host", &format!("{bucket}.cos.ap-guangzhou.myqcloud.com"))
        .send();
    assert_eq!(r.status, 404, "{}", r.raw_head);
}

#[test]
fn request_host_on_other_domains_or_accelerate_is_served() {
    let s = Server::start();
    s.create_bucket();
    s.put("o", b"x");
    // Not COS's own domains: the label after `cos` is not taken for a region.
    for host in [
        format!("{BUCKET}.cos.gz.example.com"),
        format!("{BUCKET}.cos.accelerate.myqcloud.com"),
        format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com"),
    ] {
        let r = s.req("GET", "/o").header("Host", &host).send();
        assert_eq!(r.status, 200, "{host}: {}", r.text());
    }
}
