//! Buckets: create, list (service), head, delete, list objects.

use crate::util::*;

fn service(s: &Server) -> Req {
    s.req("GET", "/")
        .header("Host", &format!("127.0.0.1:{}", s.addr.port()))
}

#[test]
fn put_bucket_twice_is_bucket_already_owned_by_you() {
    let s = Server::start();
    s.create_bucket();
    s.req("PUT", "/")
        .send()
        .assert_error(409, "BucketAlreadyOwnedByYou");
}

#[test]
fn put_bucket_bad_name_is_invalid_bucket_name() {
    let s = Server::start();
    for host in [
        "bad_name-1250000000.cos.ap-guangzhou.myqcloud.com",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy-1250000000.cos.ap-guangzhou.myqcloud.com",
        "-ab-1250000000.cos.ap-guangzhou.myqcloud.com",
    ] {
        s.req("PUT", "/")
            .header("Host", host)
            .send()
            .assert_error(400, "InvalidBucketName");
    }
    let r = s
        .req(
            "PUT",
            "/abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy-1250000000",
        )
        .header("Host", "127.0.0.1")
        .send();
    r.assert_error(400, "InvalidBucketName");
    let r = service_bucket_count(&s);
    assert_eq!(r, 0, "nothing was created");
}

fn service_bucket_count(s: &Server) -> usize {
    service(s).send().xml_all("Name").len()
}

#[test]
fn put_bucket_of_other_appid_is_access_denied() {
    let s = Server::start();
    s.req("PUT", "/")
        .header(
            "Host",
            "examplebucket-1250000009.cos.ap-guangzhou.myqcloud.com",
        )
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn get_service_lists_own_buckets_with_buckets_element() {
    let s = Server::start();
    let r = service(&s).send();
    assert_eq!(r.status, 200);
    assert!(r.text().contains("<Buckets></Buckets>"), "{}", r.text());
    s.create_bucket();
    let r = service(&s).send();
    assert_eq!(r.xml_all("Name"), [BUCKET]);
    assert_eq!(r.xml("Location").unwrap(), "ap-guangzhou");
    assert!(r.xml("CreationDate").unwrap().ends_with('Z'));
}

#[test]
fn get_service_anonymous_is_access_denied() {
    let s = Server::start();
    service(&s)
        .anonymous()
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn head_bucket_existing_is_200_missing_is_404() {
    let s = Server::start();
    assert_eq!(s.req("HEAD", "/").send().status, 404);
    s.create_bucket();
    let r = s.req("HEAD", "/").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-cos-bucket-region"), Some("ap-guangzhou"));
}

#[test]
fn delete_bucket_not_empty_is_409_then_204() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    s.req("DELETE", "/")
        .send()
        .assert_error(409, "BucketNotEmpty");
    assert_eq!(s.req("DELETE", "/a").send().status, 204);
    assert_eq!(s.req("DELETE", "/").send().status, 204);
    s.req("DELETE", "/")
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn get_bucket_missing_is_no_such_bucket() {
    let s = Server::start();
    s.req("GET", "/").send().assert_error(404, "NoSuchBucket");
}

#[test]
fn list_objects_prefix_delimiter_and_pages() {
    let s = Server::start();
    s.create_bucket();
    for k in [
        "a.txt",
        "doc/a b+.txt",
        "doc/b/c.txt",
        "doc/b/d.txt",
        "doc/e.txt",
        "z.txt",
    ] {
        s.put(k, b"x");
    }
    let r = s.req("GET", "/?prefix=doc%2F&delimiter=%2F").send();
    assert_eq!(r.xml_all("Key"), ["doc/a b+.txt", "doc/e.txt"]);
    assert_eq!(
        r.xml("CommonPrefixes").map(|c| c.contains("doc/b/")),
        Some(true)
    );
    assert_eq!(r.xml("IsTruncated").unwrap(), "false");

    let r = s.req("GET", "/?max-keys=2").send();
    assert_eq!(r.xml_all("Key"), ["a.txt", "doc/a b+.txt"]);
    assert_eq!(r.xml("IsTruncated").unwrap(), "true");
    assert_eq!(r.xml("NextMarker").unwrap(), "doc/a b+.txt");
    let r = s.req("GET", "/?max-keys=2&marker=doc%2Fa+b%2B.txt").send();
    assert_eq!(r.xml_all("Key"), ["doc/b/c.txt", "doc/b/d.txt"]);
}

#[test]
fn list_objects_encoding_type_url_encodes_keys() {
    let s = Server::start();
    s.create_bucket();
    s.put("doc/a b+c.txt", b"x");
    let r = s.req("GET", "/?encoding-type=url").send();
    assert_eq!(r.xml("EncodingType").unwrap(), "url");
    assert_eq!(r.xml_all("Key"), ["doc/a%20b%2Bc.txt"]);
}

#[test]
fn list_objects_contents_have_etag_size_owner_class() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"hello");
    let r = s.req("GET", "/").send();
    assert_eq!(
        r.xml("ETag").unwrap(),
        "&quot;5d41402abc4b2a76b9719d911017c592&quot;"
    );
    assert_eq!(r.xml("Size").unwrap(), "5");
    assert_eq!(r.xml("StorageClass").unwrap(), "STANDARD");
    assert_eq!(r.xml("ID").unwrap(), "1250000000");
}

#[test]
fn list_objects_bad_max_keys_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/?max-keys=abc")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", "/?max-keys=-1")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", "/?encoding-type=base64")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn get_bucket_location_answers_region() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("GET", "/?location").send();
    assert_eq!(r.xml("LocationConstraint").unwrap(), "ap-guangzhou");
}

#[test]
fn get_service_filters_by_tag_region_and_creation_time_and_pages() {
    let s = Server::start();
    for (bucket, region) in [
        ("alpha-1250000000", "ap-guangzhou"),
        ("beta-1250000000", "ap-beijing"),
        ("gamma-1250000000", "ap-guangzhou"),
    ] {
        let host = format!("{bucket}.cos.{region}.myqcloud.com");
        assert_eq!(s.req("PUT", "/").header("Host", &host).send().status, 200);
    }
    let tags = "<Tagging><TagSet><Tag><Key>team</Key><Value>a</Value></Tag></TagSet></Tagging>";
    let r = s
        .req("PUT", "/?tagging")
        .header("Host", "gamma-1250000000.cos.ap-guangzhou.myqcloud.com")
        .body(tags.as_bytes())
        .send();
    assert_eq!(r.status, 204, "{}", r.text());
    let local = format!("127.0.0.1:{}", s.addr.port());
    let svc = |target: &str| s.req("GET", target).header("Host", &local);
    let names = |target: &str| svc(target).send().xml_all("Name");
    assert_eq!(names("/?tagkey=team&tagvalue=a"), ["gamma-1250000000"]);
    assert!(names("/?tagkey=team&tagvalue=b").is_empty());
    assert_eq!(
        names("/?region=ap-guangzhou"),
        ["alpha-1250000000", "gamma-1250000000"]
    );
    assert_eq!(names("/?create-time=1&range=gt").len(), 3);
    assert!(names("/?create-time=1&range=lt").is_empty());
    let page = svc("/?max-keys=2").send();
    assert_eq!(
        page.xml_all("Name"),
        ["alpha-1250000000", "beta-1250000000"]
    );
    assert_eq!(page.xml("IsTruncated").as_deref(), Some("true"));
    assert_eq!(page.xml("NextMarker").as_deref(), Some("beta-1250000000"));
    assert_eq!(
        names("/?marker=beta-1250000000&max-keys=2"),
        ["gamma-1250000000"]
    );
    for bad in [
        "/?range=lt",
        "/?create-time=x&range=lt",
        "/?create-time=1&range=eq",
        "/?tagvalue=a",
        "/?max-keys=0",
        "/?max-keys=2001",
    ] {
        svc(bad).send().assert_error(400, "InvalidArgument");
    }
}
