//! `--data-dir` and `GET/POST /_cos-mock/state/{export,import}`: a random sequence of operations
//! over the socket, then the export compared after a restart on the same directory and after an
//! import (the proof that no mutation escapes the data directory), and the refusals.

use cos_mock::config::Config;

use crate::util::*;

/// A fresh, empty directory under the system's temporary one.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cos-mock-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn with_dir(dir: &std::path::Path) -> Server {
    Server::with_config(Config {
        data_dir: Some(dir.to_path_buf()),
        accounts: vec![cos_mock::config::default_account(), other_account()],
        ..Config::default()
    })
}

fn admin(s: &Server, method: &str, path: &str) -> Req {
    s.req(method, &format!("/_cos-mock/{path}"))
        .header("Host", &format!("localhost:{}", s.addr.port()))
        .anonymous()
}

fn export(s: &Server) -> serde_json::Value {
    let r = admin(s, "GET", "state/export").send();
    assert_eq!(r.status, 200, "{}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

fn import(s: &Server, doc: &[u8]) -> Resp {
    admin(s, "POST", "state/import")
        .header("Content-Type", "application/json")
        .body(doc)
        .send()
}

/// xorshift64*: the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const KEYS: &[&str] = &["a", "b", "dir/c", "dir/d e", "日本", "z"];
const OTHER_HOST: &str = "second-1250000000.cos.ap-guangzhou.myqcloud.com";

/// One random operation; answers are not checked (refusals are part of the sequence).
fn random_op(s: &Server, rng: &mut Rng, uploads: &mut Vec<(String, String)>, step: u64) {
    let key = KEYS[rng.below(KEYS.len() as u64) as usize];
    let path = format!("/{}", encode_key(key));
    let body: Vec<u8> = (0..rng.below(3000)).map(|i| (i ^ step) as u8).collect();
    match rng.below(25) {
        0..=4 => {
            let mut r = s.req("PUT", &path).body(&body);
            if rng.below(2) == 0 {
                r = r
                    .header("x-cos-meta-step", &step.to_string())
                    .header("Content-Type", "text/plain")
                    .header("Cache-Control", "no-cache");
            }
            if rng.below(3) == 0 {
                r = r.header("x-cos-acl", "public-read");
            }
            if rng.below(3) == 0 {
                r = r.header("x-cos-tagging", &format!("k={step}&t=v"));
            }
            if rng.below(4) == 0 {
                r = r.header("x-cos-storage-class", "STANDARD_IA");
            }
            r.send();
        }
        5 => {
            s.req("DELETE", &path).send();
        }
        6 => {
            let status = ["Enabled", "Suspended"][rng.below(2) as usize];
            let xml = format!(
                "<VersioningConfiguration><Status>{status}</Status></VersioningConfiguration>"
            );
            with_body(s, "PUT", "/?versioning", xml.as_bytes()).send();
        }
        7 => {
            let xml = format!(
                "<Tagging><TagSet><Tag><Key>s</Key><Value>{step}</Value></Tag></TagSet></Tagging>"
            );
            with_body(s, "PUT", &format!("{path}?tagging"), xml.as_bytes()).send();
        }
        8 => {
            s.req("PUT", &format!("{path}?acl"))
                .header("x-cos-grant-read", "id=\"100000000002\"")
                .send();
        }
        9 => {
            let src = KEYS[rng.below(KEYS.len() as u64) as usize];
            s.req("PUT", &path)
                .header("x-cos-copy-source", &format!("{HOST}/{}", encode_key(src)))
                .send();
        }
        10 => {
            let head = s.req("HEAD", &path).send();
            let pos = head
                .header("content-length")
                .filter(|_| head.header("x-cos-object-type") == Some("appendable"))
                .unwrap_or("0")
                .to_string();
            s.req("POST", &format!("{path}?append&position={pos}"))
                .body(&body)
                .send();
        }
        11 => {
            let r = s.req("POST", &format!("{path}?uploads")).send();
            if let Some(id) = r.xml("UploadId") {
                uploads.push((key.to_string(), id));
            }
        }
        12 | 13 if !uploads.is_empty() => {
            let (k, id) = uploads[rng.below(uploads.len() as u64) as usize].clone();
            let n = 1 + rng.below(3);
            s.req(
                "PUT",
                &format!("/{}?partNumber={n}&uploadId={id}", encode_key(&k)),
            )
            .body(&body)
            .send();
        }
        14 if !uploads.is_empty() => {
            let (k, id) = uploads.remove(rng.below(uploads.len() as u64) as usize);
            let parts = s
                .req("GET", &format!("/{}?uploadId={id}", encode_key(&k)))
                .send();
            let etags = parts.xml_all("ETag");
            let nums = parts.xml_all("PartNumber");
            if rng.below(3) == 0 || etags.is_empty() {
                s.req("DELETE", &format!("/{}?uploadId={id}", encode_key(&k)))
                    .send();
            } else {
                let last = etags.len() - 1;
                let xml = format!(
                    "<CompleteMultipartUpload><Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part></CompleteMultipartUpload>",
                    nums[last], etags[last]
                );
                with_body(
                    s,
                    "POST",
                    &format!("/{}?uploadId={id}", encode_key(&k)),
                    xml.as_bytes(),
                )
                .send();
            }
        }
        15 => {
            let xml = format!("<CORSConfiguration><CORSRule><AllowedOrigin>https://{step}.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>{step}</MaxAgeSeconds></CORSRule></CORSConfiguration>");
            with_body(s, "PUT", "/?cors", xml.as_bytes()).send();
        }
        16 => {
            let xml = format!("<LifecycleConfiguration><Rule><ID>r{step}</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>{}</Days></Expiration></Rule></LifecycleConfiguration>", 1 + step % 30);
            with_body(s, "PUT", "/?lifecycle", xml.as_bytes()).send();
        }
        17 => {
            let policy = format!(
                r#"{{"Statement":[{{"Principal":{{"qcs":["qcs::cam::anyone:anyone"]}},"Effect":"allow","Action":["name/cos:GetObject"],"Resource":["qcs::cos:ap-guangzhou:uid/1250000000:{BUCKET}/p{step}/*"]}}],"version":"2.0"}}"#
            );
            s.req("PUT", "/?policy").body(policy.as_bytes()).send();
        }
        18 => {
            let xml = format!("<Tagging><TagSet><Tag><Key>team</Key><Value>t{step}</Value></Tag></TagSet></Tagging>");
            with_body(s, "PUT", "/?tagging", xml.as_bytes()).send();
            let xml = "<RefererConfiguration><Status>Enabled</Status><RefererType>White-List</RefererType><DomainList><Domain>*.example.com</Domain></DomainList></RefererConfiguration>";
            with_body(s, "PUT", "/?referer", xml.as_bytes()).send();
        }
        19 => {
            s.req("PUT", "/").header("Host", OTHER_HOST).send();
            s.req("PUT", &path)
                .header("Host", OTHER_HOST)
                .body(&body)
                .send();
            if rng.below(2) == 0 {
                s.req("DELETE", &path).header("Host", OTHER_HOST).send();
                s.req("DELETE", "/").header("Host", OTHER_HOST).send();
            }
        }
        20 => {
            let versions = s.req("GET", "/?versions").send();
            let ids = versions.xml_all("VersionId");
            if !ids.is_empty() {
                let id = &ids[rng.below(ids.len() as u64) as usize];
                s.req("DELETE", &format!("{path}?versionId={id}")).send();
            }
        }
        21 => {
            let target = KEYS[rng.below(KEYS.len() as u64) as usize];
            s.req("PUT", &format!("/link{step}?symlink"))
                .header("x-cos-symlink-target", target)
                .send();
        }
        22 => {
            s.req("PUT", &format!("/cold{}", step % 3))
                .header("x-cos-storage-class", "ARCHIVE")
                .body(&body)
                .send();
            let restore = "<RestoreRequest><Days>2</Days><CASJobParameters><Tier>Standard</Tier></CASJobParameters></RestoreRequest>";
            s.req("POST", &format!("/cold{}?restore", (step + 1) % 3))
                .body(restore.as_bytes())
                .send();
        }
        23 => {
            let mut xml = String::from("<Delete><Quiet>true</Quiet>");
            for k in KEYS.iter().filter(|_| rng.below(3) == 0) {
                xml.push_str(&format!("<Object><Key>{k}</Key></Object>"));
            }
            xml.push_str("</Delete>");
            with_body(s, "POST", "/?delete", xml.as_bytes()).send();
        }
        _ => {
            let xml = "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>";
            with_body(s, "PUT", "/?encryption", xml.as_bytes()).send();
            admin(s, "POST", "clock")
                .header("Content-Type", "application/json")
                .body(format!(r#"{{"offset_seconds":{step}}}"#).as_bytes())
                .send();
        }
    }
}

#[test]
fn random_operations_survive_restart_and_import_identically() {
    let dir = temp_dir("random");
    let first = {
        let s = with_dir(&dir);
        s.create_bucket();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut uploads = Vec::new();
        for step in 0..400 {
            random_op(&s, &mut rng, &mut uploads, step);
        }
        crate::sts::federation_token(
            &s,
            SECRET_ID,
            SECRET_KEY,
            r#"{"version":"2.0","statement":[{"action":["name/cos:GetObject"],"effect":"allow","resource":["*"]}]}"#,
        );
        export(&s)
    };
    // The sequence reached versions, delete markers, uploads in progress and configurations.
    let b = &first["buckets"][0];
    let keys = b["objects"].as_array().unwrap();
    assert!(keys
        .iter()
        .any(|k| k["versions"].as_array().is_some_and(|v| v.len() > 2)));
    assert!(!b["uploads"].as_array().unwrap().is_empty());
    for field in [
        "policy",
        "cors",
        "lifecycle",
        "tagging",
        "encryption",
        "configurations",
    ] {
        assert!(!b[field].is_null(), "{field}");
    }
    assert!(!first["temporary_keys"].as_array().unwrap().is_empty());
    let s = with_dir(&dir);
    let second = export(&s);
    assert_eq!(first, second, "the state after a restart differs");
    // Reset, import the first export: the same document again.
    assert_eq!(admin(&s, "POST", "reset").send().status, 204);
    assert_ne!(export(&s), first);
    let r = import(&s, &serde_json::to_vec(&first).unwrap());
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(export(&s), first, "the state after an import differs");
    drop(s);
    // And the import was written to the directory.
    let s = with_dir(&dir);
    assert_eq!(
        export(&s),
        first,
        "the imported state did not survive a restart"
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A small valid document: one bucket with one object.
fn small_doc(s: &Server) -> serde_json::Value {
    s.create_bucket();
    s.put("k", b"hello");
    export(s)
}

/// The import answers 400 InvalidArgument naming `at`, and the state is unchanged.
fn refused(s: &Server, doc: &[u8], at: &str) {
    let before = export(s);
    let r = import(s, doc);
    assert_eq!(r.status, 400, "{at}: {}", r.text());
    assert!(r.text().contains("InvalidArgument"), "{}", r.text());
    assert!(r.text().contains(at), "{at} not in {}", r.text());
    assert_eq!(export(s), before, "a refused import changed the state");
}

fn refused_value(s: &Server, doc: &serde_json::Value, at: &str) {
    refused(s, &serde_json::to_vec(doc).unwrap(), at);
}

#[test]
fn import_malformed_json_is_invalid_argument_and_changes_nothing() {
    let s = Server::start();
    let doc = serde_json::to_vec(&small_doc(&s)).unwrap();
    refused(&s, &doc[..doc.len() / 2], "$");
    refused(&s, b"", "$");
    refused(&s, b"[]", "$");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    refused(&s, deep.as_bytes(), "$");
    // Deep nesting inside a valid head: serde_json's recursion limit, never a stack overflow.
    let nested = format!(
        r#"{{"format":"cos-mock-state","version":1,"clock":{{"offset_seconds":0,"restore_delay_seconds":0}},"buckets":{}1{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    refused(&s, nested.as_bytes(), "$.buckets");
}

#[test]
fn import_wrong_format_or_version_is_refused() {
    let s = Server::start();
    let doc = small_doc(&s);
    let mut d = doc.clone();
    d["format"] = "something-else".into();
    refused_value(&s, &d, "$.format");
    let mut d = doc.clone();
    d["version"] = 2.into();
    refused_value(&s, &d, "$.version");
    let mut d = doc.clone();
    d["version"] = serde_json::json!(1e300);
    refused_value(&s, &d, "$.version");
    let mut d = doc;
    d["surprise"] = true.into();
    refused_value(&s, &d, "surprise");
}

#[test]
fn import_bad_values_name_their_json_path() {
    let s = Server::start();
    let doc = small_doc(&s);
    let obj = "$.buckets[0].objects[0].object";
    let cases: Vec<(&str, serde_json::Value, String)> = vec![
        ("/buckets/0/objects/0/object/body_base64", "***".into(), format!("{obj}.body_base64")),
        ("/buckets/0/objects/0/object/body_files", serde_json::json!(["00"]), format!("{obj}.body_files")),
        ("/buckets/0/objects/0/object/crc64", "1".into(), format!("{obj}.crc64")),
        ("/buckets/0/objects/0/object/etag", "\"zz\"".into(), format!("{obj}.etag")),
        ("/buckets/0/objects/0/object/storage_class", "COLD".into(), format!("{obj}.storage_class")),
        ("/buckets/0/objects/0/object/last_modified", "yesterday".into(), format!("{obj}.last_modified")),
        ("/buckets/0/objects/0/object/acl", serde_json::json!({"xml": "<AccessControlPolicy>"}), format!("{obj}.acl.xml")),
        ("/buckets/0/objects/0/object/acl", serde_json::json!({"canned": "public-read-write"}), format!("{obj}.acl.canned")),
        ("/buckets/0/objects/0/object/headers", serde_json::json!([["bad name", "v"]]), format!("{obj}.headers[0]")),
        ("/buckets/0/objects/0/key", "".into(), "$.buckets[0].objects[0].key".into()),
        ("/buckets/0/owner", "999".into(), "$.buckets[0].owner".into()),
        ("/buckets/0/name", "UPPER-1250000000".into(), "$.buckets[0].name".into()),
        ("/buckets/0/dialect", "s3".into(), "$.buckets[0].dialect".into()),
        ("/buckets/0/policy", "{\"Statement\":[]}".into(), "$.buckets[0].policy".into()),
        ("/buckets/0/policy", "not json".into(), "$.buckets[0].policy".into()),
        ("/buckets/0/cors", "<CORSConfiguration><CORSRule><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>".into(), "$.buckets[0].cors".into()),
        ("/buckets/0/lifecycle", "<x/>".into(), "$.buckets[0].lifecycle".into()),
        ("/buckets/0/versioning", "Maybe".into(), "$.buckets[0].versioning".into()),
        ("/buckets/0/configurations", serde_json::json!([{"kind": "website", "document": "<nope/>"}]), "$.buckets[0].configurations[0].document".into()),
        ("/buckets/0/created", "1969-12-31T00:00:00Z".into(), "$.buckets[0].created".into()),
        ("/clock/offset_seconds", serde_json::json!(1e30), "$.clock.offset_seconds".into()),
        ("/clock/offset_seconds", serde_json::json!(i64::MAX), "$.clock.offset_seconds".into()),
        ("/clock/restore_delay_seconds", serde_json::json!(-1), "$.clock.restore_delay_seconds".into()),
        ("/temporary_keys", serde_json::json!([{"secret_id": "AKIDT", "secret_key": "s", "token": "t", "expires": 1, "parent": "nobody"}]), "$.temporary_keys[0].parent".into()),
        ("/buckets/0/uploads", serde_json::json!([{"key": "k", "upload_id": "../x", "initiated": "2026-01-01T00:00:00Z", "initiator": "1", "template": {}}]), "$.buckets[0].uploads[0]".into()),
    ];
    for (pointer, value, at) in cases {
        let mut d = doc.clone();
        let (parent, field) = pointer.rsplit_once('/').unwrap();
        d.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"))[field] = value;
        refused_value(&s, &d, &at);
    }
    // The same bucket twice, and the same key twice.
    let mut d = doc.clone();
    let b = d["buckets"][0].clone();
    d["buckets"].as_array_mut().unwrap().push(b);
    refused_value(&s, &d, "$.buckets[1].name");
    let mut d = doc.clone();
    let k = d["buckets"][0]["objects"][0].clone();
    d["buckets"][0]["objects"].as_array_mut().unwrap().push(k);
    refused_value(&s, &d, "$.buckets[0].objects[1].key");
    // A body path the server cannot read.
    let mut d = doc;
    let o = &mut d["buckets"][0]["objects"][0]["object"];
    o.as_object_mut().unwrap().remove("body_base64");
    o["body_path"] = "/nonexistent/cos-mock/body".into();
    refused_value(&s, &d, "$.buckets[0].objects[0].object.body_path");
}

#[test]
fn import_body_path_reads_the_file_under_import_dir() {
    let dir = temp_dir("body-path");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/body"), b"hello").unwrap();
    let s = Server::with_config(Config {
        import_dir: Some(dir.clone()),
        ..Config::default()
    });
    let mut doc = small_doc(&s);
    let o = &mut doc["buckets"][0]["objects"][0]["object"];
    o.as_object_mut().unwrap().remove("body_base64");
    o["body_path"] = "sub/body".into();
    admin(&s, "POST", "reset").send();
    let r = import(&s, &serde_json::to_vec(&doc).unwrap());
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(s.req("GET", "/k").send().body, b"hello");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The admin API is unsigned: an import reads files only from `--import-dir`, never by `..`, an
/// absolute path or a link out of it, never a device or a directory; without the flag, none.
#[test]
fn import_body_path_outside_import_dir_is_refused() {
    let dir = temp_dir("import-dir");
    let outside = temp_dir("outside");
    std::fs::create_dir_all(dir.join("a-dir")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret"), b"secret").unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), dir.join("link-out")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero")).unwrap();
    let plain = Server::start();
    let confined = Server::with_config(Config {
        import_dir: Some(dir.clone()),
        ..Config::default()
    });
    let secret = outside.join("secret");
    let escape = format!(
        "../{}/secret",
        outside.file_name().unwrap().to_str().unwrap()
    );
    let cases: Vec<(&Server, String)> = vec![
        (&plain, secret.to_str().unwrap().to_string()),
        (&confined, secret.to_str().unwrap().to_string()),
        (&confined, escape),
        (&confined, "link-out".into()),
        (&confined, "zero".into()),
        (&confined, "/dev/zero".into()),
        (&confined, "a-dir".into()),
        (&confined, "missing".into()),
    ];
    for (s, path) in cases {
        admin(s, "POST", "reset").send();
        let mut doc = small_doc(s);
        let o = &mut doc["buckets"][0]["objects"][0]["object"];
        o.as_object_mut().unwrap().remove("body_base64");
        o["body_path"] = path.clone().into();
        refused_value(s, &doc, "$.buckets[0].objects[0].object.body_path");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn import_declared_over_limit_is_refused_before_reading() {
    let s = Server::start();
    let head = format!(
        "POST /_cos-mock/state/import HTTP/1.1\r\nHost: localhost:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.addr.port(),
        cos_mock::snapshot::MAX_IMPORT_BYTES + 1
    );
    let r = send_raw(s.addr, head.as_bytes(), b"", false);
    assert!(matches!(r.status, 400 | 413), "{}", r.text());
    assert!(r.text().contains("EntityTooLarge"), "{}", r.text());
}

#[test]
fn data_dir_of_another_format_version_is_refused() {
    let dir = temp_dir("version");
    drop(with_dir(&dir));
    {
        let db = redb::Database::open(dir.join("state.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut meta = tx
                .open_table(redb::TableDefinition::<&str, &str>::new("meta"))
                .unwrap();
            meta.insert("version", "2").unwrap();
        }
        tx.commit().unwrap();
    }
    let err = cos_mock::AppState::new(Config {
        data_dir: Some(dir.clone()),
        ..Config::default()
    })
    .unwrap_err();
    assert!(err.contains("data format version 2"), "{err}");
    assert!(err.contains("reads version 1"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn data_dir_of_another_program_is_refused() {
    let dir = temp_dir("foreign");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), b"mine").unwrap();
    let config = Config {
        data_dir: Some(dir.clone()),
        ..Config::default()
    };
    let err = cos_mock::AppState::new(config.clone()).unwrap_err();
    assert!(err.contains("is not a cos-mock data directory"), "{err}");
    // A redb file of someone else's (no meta table).
    std::fs::remove_file(dir.join("notes.txt")).unwrap();
    drop(redb::Database::create(dir.join("state.redb")).unwrap());
    let err = cos_mock::AppState::new(config).unwrap_err();
    assert!(err.contains("is not a cos-mock data directory"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn data_dir_in_use_is_refused() {
    let dir = temp_dir("in-use");
    let config = Config {
        data_dir: Some(dir.clone()),
        ..Config::default()
    };
    let first = cos_mock::AppState::new(config.clone()).unwrap();
    let err = cos_mock::AppState::new(config).unwrap_err();
    assert!(err.contains("in use by another cos-mock"), "{err}");
    drop(first);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn data_dir_with_truncated_body_file_is_refused() {
    let dir = temp_dir("truncated");
    {
        let s = with_dir(&dir);
        s.create_bucket();
        s.put("k", b"a body that will be cut short");
    }
    let body = std::fs::read_dir(dir.join("bodies"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let file = std::fs::OpenOptions::new().write(true).open(&body).unwrap();
    file.set_len(5).unwrap();
    let err = cos_mock::AppState::new(Config {
        data_dir: Some(dir.clone()),
        ..Config::default()
    })
    .unwrap_err();
    assert!(err.contains("damaged"), "{err}");
    assert!(
        err.contains("keys[cos/examplebucket-1250000000/k]"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn data_dir_with_garbage_database_exits_2_with_a_message() {
    let dir = temp_dir("garbage");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("state.redb"), vec![0x5a; 64 * 1024]).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cos-mock"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("state.redb is not a cos-mock data directory or is damaged"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reset_with_data_dir_resets_the_disk_too() {
    let dir = temp_dir("reset");
    {
        let s = with_dir(&dir);
        s.create_bucket();
        s.put("k", b"v");
        assert_eq!(admin(&s, "POST", "reset").send().status, 204);
    }
    let s = with_dir(&dir);
    assert!(export(&s)["buckets"].as_array().unwrap().is_empty());
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

fn body_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("bodies")).unwrap().count()
}

#[test]
fn complete_multipart_with_data_dir_names_the_parts_files_and_orphans_go_at_start() {
    let dir = temp_dir("parts");
    let big: Vec<u8> = (0..1024 * 1024 + 7).map(|i| (i % 251) as u8).collect();
    {
        let s = with_dir(&dir);
        s.create_bucket();
        let id = s.req("POST", "/m?uploads").send().xml("UploadId").unwrap();
        let e1 = s
            .req("PUT", &format!("/m?partNumber=1&uploadId={id}"))
            .body(&big)
            .send()
            .header("etag")
            .unwrap()
            .to_string();
        let e2 = s
            .req("PUT", &format!("/m?partNumber=2&uploadId={id}"))
            .body(b"tail")
            .send()
            .header("etag")
            .unwrap()
            .to_string();
        assert_eq!(body_files(&dir), 2);
        let xml = format!("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{e1}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>{e2}</ETag></Part></CompleteMultipartUpload>");
        let r = with_body(&s, "POST", &format!("/m?uploadId={id}"), xml.as_bytes()).send();
        assert_eq!(r.status, 200, "{}", r.text());
        // The object names the parts' files: nothing was copied.
        assert_eq!(body_files(&dir), 2);
        // A copy shares its source's files too.
        let r = s
            .req("PUT", "/copy")
            .header("x-cos-copy-source", &format!("{HOST}/m"))
            .send();
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(body_files(&dir), 2);
        s.put("gone", b"a body deleted later");
        assert_eq!(body_files(&dir), 3);
        assert_eq!(s.req("DELETE", "/gone").send().status, 204);
    }
    let s = with_dir(&dir);
    // The deleted object's file was removed at start.
    assert_eq!(body_files(&dir), 2);
    let mut want = big.clone();
    want.extend_from_slice(b"tail");
    assert_eq!(s.req("GET", "/m").send().body, want);
    assert_eq!(s.req("GET", "/copy").send().body, want);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}
