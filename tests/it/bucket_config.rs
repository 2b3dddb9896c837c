//! Stored bucket configurations (referer, website, logging, domain, origin, inventory, accelerate,
//! intelligent tiering, object lock, replication), referer enforcement, unknown sub-resources and
//! HEAD Bucket's region.

use crate::util::*;

fn put(s: &Server, target: &str, body: &str) -> Resp {
    s.req("PUT", target)
        .header("Content-Type", "application/xml")
        .body(body.as_bytes())
        .send()
}

const REFERER: &str = "<RefererConfiguration><Status>Enabled</Status><RefererType>White-List</RefererType><DomainList><Domain>*.qq.com</Domain><Domain>example.com:8080</Domain></DomainList><EmptyReferConfiguration>Deny</EmptyReferConfiguration></RefererConfiguration>";
const WEBSITE: &str = "<WebsiteConfiguration><ErrorDocument><Key>error.html</Key></ErrorDocument><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><ReplaceKeyWith>404.html</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>";
const LOGGING: &str = "<BucketLoggingStatus><LoggingEnabled><TargetBucket>examplebucket-1250000000</TargetBucket><TargetPrefix>logs/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>";
const DOMAIN: &str = "<DomainConfiguration><DomainRule><Status>ENABLED</Status><Name>www.example.com</Name><Type>REST</Type></DomainRule></DomainConfiguration>";
const ORIGIN: &str = "<OriginConfiguration><OriginRule><RulePriority>1</RulePriority><OriginType>Mirror</OriginType><OriginCondition><HTTPStatusCode>404</HTTPStatusCode><Prefix></Prefix></OriginCondition><OriginParameter><Protocol>HTTP</Protocol></OriginParameter><OriginInfo><HostInfo><HostName>qq.com</HostName></HostInfo></OriginInfo></OriginRule></OriginConfiguration>";
const ACCELERATE: &str =
    "<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>";
const TIERING_LEGACY: &str = "<IntelligentTieringConfiguration><Status>Enabled</Status><Transition><Days>30</Days><RequestFrequent>1</RequestFrequent></Transition></IntelligentTieringConfiguration>";
const OBJECT_LOCK: &str =
    "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>";
const REPLICATION: &str = "<ReplicationConfiguration><Role>qcs::cam::uin/100000000001:uin/100000000001</Role><Rule><ID>1</ID><Status>Enabled</Status><Prefix>sync/</Prefix><Destination><Bucket>qcs::cos:ap-beijing::dest-1250000000</Bucket></Destination></Rule></ReplicationConfiguration>";

fn inventory(id: &str) -> String {
    format!("<InventoryConfiguration><Id>{id}</Id><IsEnabled>true</IsEnabled><Destination><COSBucketDestination><Format>CSV</Format><AccountId>100000000001</AccountId><Bucket>qcs::cos:ap-guangzhou::examplebucket-1250000000</Bucket><Prefix>inv</Prefix><Encryption><SSE-COS></SSE-COS></Encryption></COSBucketDestination></Destination><Schedule><Frequency>Daily</Frequency></Schedule><Filter><Prefix>p/</Prefix></Filter><IncludedObjectVersions>All</IncludedObjectVersions><OptionalFields><Field>Size</Field><Field>ETag</Field></OptionalFields></InventoryConfiguration>")
}

fn tiering(id: &str) -> String {
    format!("<IntelligentTieringConfiguration><Id>{id}</Id><Status>Enabled</Status><Tiering><AccessTier>INFREQUENT</AccessTier><Days>30</Days></Tiering></IntelligentTieringConfiguration>")
}

#[test]
fn put_get_delete_bucket_configs_round_trip() {
    let s = Server::start();
    s.create_bucket();
    // sub-resource, body, root, an element to read back, its value, DELETE answers
    let cases: &[(&str, &str, &str, &str, &str, bool)] = &[
        (
            "website",
            WEBSITE,
            "WebsiteConfiguration",
            "Suffix",
            "index.html",
            true,
        ),
        (
            "domain",
            DOMAIN,
            "DomainConfiguration",
            "Name",
            "www.example.com",
            true,
        ),
        (
            "origin",
            ORIGIN,
            "OriginConfiguration",
            "HostName",
            "qq.com",
            true,
        ),
        (
            "object-lock",
            OBJECT_LOCK,
            "ObjectLockConfiguration",
            "ObjectLockEnabled",
            "Enabled",
            false,
        ),
        (
            "referer",
            REFERER,
            "RefererConfiguration",
            "Domain",
            "*.qq.com",
            false,
        ),
        (
            "logging",
            LOGGING,
            "BucketLoggingStatus",
            "TargetPrefix",
            "logs/",
            false,
        ),
        (
            "accelerate",
            ACCELERATE,
            "AccelerateConfiguration",
            "Type",
            "COS",
            false,
        ),
        (
            "intelligenttiering",
            TIERING_LEGACY,
            "IntelligentTieringConfiguration",
            "Days",
            "30",
            false,
        ),
    ];
    for (sub, body, root, elem, value, deletable) in cases {
        let r = put(&s, &format!("/?{sub}"), body);
        assert_eq!(r.status, 200, "{sub}: {}", r.text());
        let r = s.req("GET", &format!("/?{sub}")).send();
        assert_eq!(r.status, 200, "{sub}: {}", r.text());
        assert!(
            r.text().contains(&format!("<{root}>")),
            "{sub}: {}",
            r.text()
        );
        assert_eq!(r.xml(elem).as_deref(), Some(*value), "{sub}: {}", r.text());
        if *deletable {
            assert_eq!(
                s.req("DELETE", &format!("/?{sub}")).send().status,
                204,
                "{sub}"
            );
            assert_eq!(
                s.req("GET", &format!("/?{sub}")).send().status,
                404,
                "{sub}"
            );
        }
    }
}

#[test]
fn get_bucket_website_answers_cos_order_and_url_redirect() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(put(&s, "/?website", WEBSITE).status, 200);
    let text = s.req("GET", "/?website").send().text();
    let index = text.find("<IndexDocument>").unwrap();
    let error = text.find("<ErrorDocument>").unwrap();
    assert!(index < error, "{text}");
    assert!(
        text.contains("<URLRedirect>Enabled</URLRedirect>"),
        "{text}"
    );
}

#[test]
fn get_unset_bucket_configs_answer_cos_codes_or_empty_documents() {
    let s = Server::start();
    s.create_bucket();
    let missing = [
        ("/?website", "NoSuchWebsiteConfiguration"),
        ("/?domain", "DomainConfigNotFoundError"),
        ("/?origin", "NoSuchOriginConfiguration"),
        ("/?inventory&id=nope", "NoSuchInventoryConfiguration"),
        (
            "/?intelligent-tiering&id=default",
            "IntelligentTieringConfigurationNotFoundError",
        ),
        ("/?object-lock", "ObjectLockConfigurationNotFoundError"),
        ("/?replication", "ReplicationConfigurationnotFoundError"),
    ];
    for (target, code) in missing {
        s.req("GET", target).send().assert_error(404, code);
    }
    let empty = [
        ("/?referer", "<RefererConfiguration/>"),
        ("/?logging", "<BucketLoggingStatus/>"),
        ("/?accelerate", "<AccelerateConfiguration/>"),
        ("/?intelligenttiering", "<IntelligentTieringConfiguration/>"),
    ];
    for (target, body) in empty {
        let r = s.req("GET", target).send();
        assert_eq!(r.status, 200, "{target}");
        assert!(r.text().ends_with(body), "{target}: {}", r.text());
    }
}

#[test]
fn put_bucket_configs_on_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    put(&s, "/?website", WEBSITE).assert_error(404, "NoSuchBucket");
    s.req("GET", "/?referer")
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn put_bucket_configs_malformed_or_invalid_answer_cos_codes_and_keep_state() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(put(&s, "/?referer", REFERER).status, 200);
    let cases: &[(&str, &str, u16, &str)] = &[
        ("/?referer", "<RefererConfiguration><Status>", 400, "MalformedXML"),
        ("/?referer", "<CORSConfiguration/>", 400, "MalformedXML"),
        ("/?referer", "<RefererConfiguration><Status>Maybe</Status><RefererType>White-List</RefererType><DomainList><Domain>a</Domain></DomainList></RefererConfiguration>", 400, "InvalidArgument"),
        ("/?referer", "<RefererConfiguration><Status>Enabled</Status><RefererType>White-List</RefererType><DomainList><Domain>a</Domain></DomainList><Extra/></RefererConfiguration>", 400, "MalformedXML"),
        ("/?website", "<WebsiteConfiguration></WebsiteConfiguration>", 400, "MalformedXML"),
        ("/?website", "<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><HttpErrorCodeReturnedEquals>200</HttpErrorCodeReturnedEquals></Condition><Redirect/></RoutingRule></RoutingRules></WebsiteConfiguration>", 400, "InvalidArgument"),
        ("/?logging", "not xml", 400, "MalformedXML"),
        ("/?domain", "<DomainConfiguration/>", 400, "MalformedXML"),
        ("/?domain", "<DomainConfiguration><DomainRule><Status>ON</Status><Name>a</Name><Type>REST</Type></DomainRule></DomainConfiguration>", 400, "InvalidArgument"),
        ("/?origin", "<OriginConfiguration><OriginRule><OriginType>Teleport</OriginType><OriginCondition/><OriginInfo/></OriginRule></OriginConfiguration>", 400, "InvalidArgument"),
        ("/?accelerate", "<AccelerateConfiguration><Status>Fast</Status></AccelerateConfiguration>", 400, "InvalidArgument"),
        ("/?intelligenttiering", "<IntelligentTieringConfiguration><Status>Enabled</Status><Transition><Days>7</Days></Transition></IntelligentTieringConfiguration>", 400, "InvalidArgument"),
        ("/?object-lock", "<ObjectLockConfiguration/>", 400, "MalformedXML"),
        ("/?inventory&id=a", "<InventoryConfiguration><Id>a</Id></InventoryConfiguration>", 400, "MalformedXML"),
        ("/?inventory&id=b", &inventory("a"), 400, "InvalidArgument"),
        ("/?inventory&id=a%20b", &inventory("a b"), 400, "InvalidArgument"),
        ("/?inventory", &inventory("a"), 400, "InvalidArgument"),
        ("/?intelligent-tiering&id=x", &tiering("y"), 400, "InvalidArgument"),
    ];
    for (target, body, status, code) in cases {
        let r = put(&s, target, body);
        assert_eq!(
            (r.status, r.code()),
            (*status, code.to_string()),
            "{target} {body}: {}",
            r.text()
        );
    }
    // Too large: the 64 KiB document limit.
    let big = format!(
        "<RefererConfiguration><Status>Enabled</Status><RefererType>White-List</RefererType><DomainList>{}</DomainList></RefererConfiguration>",
        "<Domain>a.example.com</Domain>".repeat(3000)
    );
    put(&s, "/?referer", &big).assert_error(400, "EntityTooLarge");
    // Too many elements of one kind.
    let many = format!(
        "<RefererConfiguration><Status>Enabled</Status><RefererType>White-List</RefererType><DomainList>{}</DomainList></RefererConfiguration>",
        "<Domain>a</Domain>".repeat(1001)
    );
    put(&s, "/?referer", &many).assert_error(400, "InvalidArgument");
    let rule =
        "<DomainRule><Status>ENABLED</Status><Name>a.com</Name><Type>REST</Type></DomainRule>";
    let domains = format!(
        "<DomainConfiguration>{}</DomainConfiguration>",
        rule.repeat(101)
    );
    put(&s, "/?domain", &domains).assert_error(400, "InvalidArgument");
    let deep = ORIGIN.replace(
        "<HostName>qq.com</HostName>",
        &format!("{}x{}", "<a>".repeat(20), "</a>".repeat(20)),
    );
    put(&s, "/?origin", &deep).assert_error(400, "MalformedXML");
    put(
        &s,
        "/?website",
        "<WebsiteConfiguration><IndexDocument></WebsiteConfiguration>",
    )
    .assert_error(400, "MalformedXML");
    put(
        &s,
        "/?website",
        "<!DOCTYPE x [<!ENTITY e \"e\">]><WebsiteConfiguration/>",
    )
    .assert_error(400, "MalformedXML");
    let long = REFERER.replace("*.qq.com", &format!("{}.com", "a".repeat(253)));
    put(&s, "/?referer", &long).assert_error(400, "InvalidArgument");
    // Nothing changed: the first referer configuration is still there, nothing else was set.
    let r = s.req("GET", "/?referer").send();
    assert_eq!(r.xml_all("Domain"), ["*.qq.com", "example.com:8080"]);
    s.req("GET", "/?website")
        .send()
        .assert_error(404, "NoSuchWebsiteConfiguration");
    let r = s.req("GET", "/?inventory").send();
    assert!(r.xml("Id").is_none(), "{}", r.text());
}

#[test]
fn put_referer_with_empty_body_clears_it() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(put(&s, "/?referer", REFERER).status, 200);
    assert_eq!(put(&s, "/?referer", "").status, 200);
    assert!(s
        .req("GET", "/?referer")
        .send()
        .text()
        .ends_with("<RefererConfiguration/>"));
}

#[test]
fn put_logging_empty_status_disables_it() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(put(&s, "/?logging", LOGGING).status, 200);
    assert_eq!(put(&s, "/?logging", "<BucketLoggingStatus/>").status, 200);
    assert!(s
        .req("GET", "/?logging")
        .send()
        .text()
        .ends_with("<BucketLoggingStatus/>"));
}

#[test]
fn inventory_put_get_list_delete_by_id() {
    let s = Server::start();
    s.create_bucket();
    for id in ["b", "a", "c"] {
        let r = put(&s, &format!("/?inventory&id={id}"), &inventory(id));
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = s.req("GET", "/?inventory&id=a").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.xml("Id").as_deref(), Some("a"));
    assert_eq!(r.xml_all("Field"), ["Size", "ETag"]);
    let r = s.req("GET", "/?inventory").send();
    assert!(
        r.text().contains("<ListInventoryConfigurationResult>"),
        "{}",
        r.text()
    );
    assert_eq!(r.xml_all("Id"), ["b", "a", "c"]);
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("false"));
    assert_eq!(s.req("DELETE", "/?inventory&id=a").send().status, 204);
    s.req("GET", "/?inventory&id=a")
        .send()
        .assert_error(404, "NoSuchInventoryConfiguration");
}

#[test]
fn list_inventory_pages_by_continuation_token() {
    let s = Server::start();
    s.create_bucket();
    for i in 0..150 {
        let id = format!("ID-{i}");
        assert_eq!(
            put(&s, &format!("/?inventory&id={id}"), &inventory(&id)).status,
            200
        );
    }
    let r = s.req("GET", "/?inventory").send();
    assert_eq!(r.xml_all("Id").len(), 100);
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("true"));
    let token = r.xml("NextContinuationToken").unwrap();
    let r = s
        .req("GET", &format!("/?inventory&continuation-token={token}"))
        .send();
    let ids = r.xml_all("Id");
    assert_eq!(ids.len(), 50);
    assert_eq!(ids[0], "ID-100");
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("false"));
    s.req("GET", "/?inventory&continuation-token=zzz")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn intelligent_tiering_by_id_put_get_list() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("GET", "/?intelligent-tiering").send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = put(&s, "/?intelligent-tiering&id=default", &tiering("default"));
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/?intelligent-tiering&id=default").send();
    assert_eq!(r.xml("AccessTier").as_deref(), Some("INFREQUENT"));
    let r = s.req("GET", "/?intelligent-tiering").send();
    assert_eq!(r.xml_all("Id"), ["default"]);
    // The legacy form is a separate document.
    assert!(s
        .req("GET", "/?intelligenttiering")
        .send()
        .text()
        .ends_with("<IntelligentTieringConfiguration/>"));
}

#[test]
fn intelligenttiering_shows_as_the_default_id_of_the_other_form() {
    // cos-python-sdk-v5's own suite PUTs `?intelligenttiering` and GETs `id=default` from COS.
    let s = Server::start();
    s.create_bucket();
    s.req("GET", "/?intelligent-tiering&id=default")
        .send()
        .assert_error(404, "IntelligentTieringConfigurationNotFoundError");
    let v1 = "<IntelligentTieringConfiguration><Status>Enabled</Status><Transition><Days>60</Days><RequestFrequent>1</RequestFrequent></Transition></IntelligentTieringConfiguration>";
    assert_eq!(put(&s, "/?intelligenttiering", v1).status, 200);
    let r = s.req("GET", "/?intelligent-tiering&id=default").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml("Id").as_deref(), Some("default"));
    assert_eq!(r.xml("Days").as_deref(), Some("60"));
    assert_eq!(r.xml("Status").as_deref(), Some("Enabled"));
    let r = s.req("GET", "/?intelligent-tiering").send();
    assert_eq!(r.xml_all("Id"), ["default"]);
}

#[test]
fn put_replication_without_versioning_is_invalid_request() {
    let s = Server::start();
    s.create_bucket();
    put(&s, "/?replication", REPLICATION).assert_error(400, "InvalidRequest");
    s.req("GET", "/?replication")
        .send()
        .assert_error(404, "ReplicationConfigurationnotFoundError");
}

#[test]
fn put_replication_with_versioning_enabled_round_trips() {
    let s = Server::start();
    s.create_bucket();
    let v = put(
        &s,
        "/?versioning",
        "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
    );
    assert_eq!(v.status, 200);
    assert_eq!(put(&s, "/?replication", REPLICATION).status, 200);
    let r = s.req("GET", "/?replication").send();
    assert_eq!(
        r.xml("Bucket").as_deref(),
        Some("qcs::cos:ap-beijing::dest-1250000000")
    );
    assert_eq!(s.req("DELETE", "/?replication").send().status, 204);
}

#[test]
fn bucket_configs_show_in_admin_state() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(put(&s, "/?website", WEBSITE).status, 200);
    assert_eq!(put(&s, "/?inventory&id=a", &inventory("a")).status, 200);
    let v = s.admin_state();
    let configs = &v["buckets"][0]["configurations"];
    assert!(configs["website"]
        .as_str()
        .unwrap()
        .contains("<Suffix>index.html</Suffix>"));
    assert!(configs["inventory"]["a"]
        .as_str()
        .unwrap()
        .contains("<Id>a</Id>"));
    assert!(configs.get("cors").is_none(), "{configs}");
}

/// CORS and lifecycle rules are kept apart from the other configurations but shown with them.
#[test]
fn cors_and_lifecycle_show_in_admin_state() {
    let s = Server::start();
    s.create_bucket();
    let cors = "<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin>\
        <AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    let lifecycle = "<LifecycleConfiguration><Rule><ID>old</ID><Filter><Prefix>logs/</Prefix>\
        </Filter><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>\
        </LifecycleConfiguration>";
    for (path, doc) in [("/?cors", cors), ("/?lifecycle", lifecycle)] {
        let r = s
            .req("PUT", path)
            .header("Content-MD5", &md5_b64(doc.as_bytes()))
            .body(doc.as_bytes())
            .send();
        assert_eq!(r.status, 200, "{path}: {}", r.text());
    }
    let v = s.admin_state();
    let configs = &v["buckets"][0]["configurations"];
    let text = |name: &str| configs[name].as_str().unwrap_or_default().to_string();
    assert!(text("cors").contains("https://app.example"), "{configs}");
    assert!(text("lifecycle").contains("<Days>7</Days>"), "{configs}");
}

fn public_object(s: &Server) {
    assert_eq!(s.put("pic.png", b"png").status, 200);
    let r = s
        .req("PUT", "/?acl")
        .header("x-cos-acl", "public-read")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

fn anonymous_get(s: &Server, referer: Option<&str>) -> Resp {
    let mut req = s.req("GET", "/pic.png").anonymous();
    if let Some(r) = referer {
        req = req.header("Referer", r);
    }
    req.send()
}

#[test]
fn referer_white_list_checks_anonymous_requests() {
    let s = Server::start();
    s.create_bucket();
    public_object(&s);
    assert_eq!(anonymous_get(&s, None).status, 200);
    assert_eq!(put(&s, "/?referer", REFERER).status, 200);
    assert_eq!(
        anonymous_get(&s, Some("https://www.qq.com/page")).status,
        200
    );
    assert_eq!(
        anonymous_get(&s, Some("http://example.com:8080/")).status,
        200
    );
    anonymous_get(&s, Some("https://evil.com/")).assert_error(403, "AccessDenied");
    anonymous_get(&s, Some("http://example.com:9090/")).assert_error(403, "AccessDenied");
    anonymous_get(&s, None).assert_error(403, "AccessDenied");
    // Signed requests are exempt unless VerifySignatureURL is true.
    let r = s
        .req("GET", "/pic.png")
        .header("Referer", "https://evil.com/")
        .send();
    assert_eq!(r.status, 200);
    let verify = REFERER.replace(
        "</RefererConfiguration>",
        "<VerifySignatureURL>true</VerifySignatureURL></RefererConfiguration>",
    );
    assert_eq!(put(&s, "/?referer", &verify).status, 200);
    s.req("GET", "/pic.png")
        .header("Referer", "https://evil.com/")
        .send()
        .assert_error(403, "AccessDenied");
}

#[test]
fn referer_black_list_and_disabled() {
    let s = Server::start();
    s.create_bucket();
    public_object(&s);
    let black = "<RefererConfiguration><Status>Enabled</Status><RefererType>Black-List</RefererType><DomainList><Domain>*.evil.com</Domain></DomainList><EmptyReferConfiguration>Allow</EmptyReferConfiguration></RefererConfiguration>";
    assert_eq!(put(&s, "/?referer", black).status, 200);
    anonymous_get(&s, Some("http://www.evil.com/x")).assert_error(403, "AccessDenied");
    assert_eq!(anonymous_get(&s, Some("http://good.com/")).status, 200);
    assert_eq!(anonymous_get(&s, None).status, 200);
    let disabled = black.replace("<Status>Enabled</Status>", "<Status>Disabled</Status>");
    assert_eq!(put(&s, "/?referer", &disabled).status, 200);
    assert_eq!(anonymous_get(&s, Some("http://www.evil.com/x")).status, 200);
}

#[test]
fn unknown_subresources_are_not_implemented_and_change_nothing() {
    let s = Server::start();
    s.create_bucket();
    for (method, target) in [
        ("PUT", "/k?live"),
        ("PUT", "/k?live="),
        ("PUT", "/?select"),
        ("PUT", "/?something-new"),
        ("GET", "/k?cors"),
        ("DELETE", "/?notification"),
    ] {
        let r = s.req(method, target).body(b"<x/>").send();
        r.assert_error(501, "NotImplemented");
        let name = target.split('?').nth(1).unwrap().trim_end_matches('=');
        assert!(r.xml("Message").unwrap().contains(name), "{}", r.text());
    }
    s.req("GET", "/k").send().assert_error(404, "NoSuchKey");
    // Ordinary parameters, also empty, still work.
    assert_eq!(s.put("k", b"v").status, 200);
    let r = s
        .req(
            "GET",
            "/k?response-content-type=text%2Fplain&x-id=GetObject&versionId=",
        )
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s
        .req("GET", "/?prefix=&marker=&delimiter=&max-keys=10")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn head_bucket_answers_region() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("HEAD", "/").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-cos-bucket-region"), Some("ap-guangzhou"));
}

const WEBSITE_HOST: &str = "examplebucket-1250000000.cos-website.ap-guangzhou.myqcloud.com";

fn website_get(s: &Server, path: &str) -> Resp {
    s.req("GET", path)
        .header("Host", WEBSITE_HOST)
        .anonymous()
        .send()
}

#[test]
fn website_endpoint_serves_index_and_error_documents() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(
        s.req("PUT", "/?acl")
            .header("x-cos-acl", "public-read")
            .send()
            .status,
        200
    );
    website_get(&s, "/").assert_error(404, "NoSuchWebsiteConfiguration");
    let website = "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key></ErrorDocument></WebsiteConfiguration>";
    assert_eq!(put(&s, "/?website", website).status, 200);
    for (key, body) in [
        ("index.html", "home"),
        ("docs/index.html", "docs home"),
        ("error.html", "oops"),
        ("a.txt", "a"),
    ] {
        assert_eq!(s.put(key, body.as_bytes()).status, 200);
    }
    let r = website_get(&s, "/");
    assert_eq!((r.status, r.text().as_str()), (200, "home"));
    let r = website_get(&s, "/docs/");
    assert_eq!((r.status, r.text().as_str()), (200, "docs home"));
    let r = website_get(&s, "/a.txt");
    assert_eq!((r.status, r.text().as_str()), (200, "a"));
    let r = website_get(&s, "/missing.txt");
    assert_eq!((r.status, r.text().as_str()), (404, "oops"));
    let r = s
        .req("HEAD", "/missing.txt")
        .header("Host", WEBSITE_HOST)
        .anonymous()
        .send();
    assert_eq!(r.status, 404);
    // Writes are not served by the website endpoint.
    s.req("PUT", "/x.txt")
        .header("Host", WEBSITE_HOST)
        .body(b"x")
        .send()
        .assert_error(405, "MethodNotAllowed");
    // The REST endpoint is unchanged: `/` lists the bucket.
    let r = s.req("GET", "/").send();
    assert!(r.text().contains("<ListBucketResult>"), "{}", r.text());
}

#[test]
fn website_endpoint_without_error_document_is_no_such_key() {
    let s = Server::start();
    s.create_bucket();
    let website = "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>";
    assert_eq!(put(&s, "/?website", website).status, 200);
    s.req("GET", "/nope")
        .header("Host", WEBSITE_HOST)
        .send()
        .assert_error(404, "NoSuchKey");
}

#[test]
fn website_endpoint_applies_routing_rules() {
    let s = Server::start();
    s.create_bucket();
    assert_eq!(
        s.req("PUT", "/?acl")
            .header("x-cos-acl", "public-read")
            .send()
            .status,
        200
    );
    let website = "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules>\
        <RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><ReplaceKeyWith>404.html</ReplaceKeyWith></Redirect></RoutingRule>\
        <RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition><Redirect><Protocol>https</Protocol><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith><HttpRedirectCode>302</HttpRedirectCode></Redirect></RoutingRule>\
        </RoutingRules></WebsiteConfiguration>";
    assert_eq!(put(&s, "/?website", website).status, 200);
    assert_eq!(s.put("a.txt", b"a").status, 200);
    let r = website_get(&s, "/docs/x.html");
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("Location"),
        Some(format!("https://{WEBSITE_HOST}/documents/x.html").as_str())
    );
    let r = website_get(&s, "/missing");
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("Location"),
        Some(format!("http://{WEBSITE_HOST}/404.html").as_str())
    );
    assert_eq!(website_get(&s, "/a.txt").text(), "a");
}
