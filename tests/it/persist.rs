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
    match rng.below(22) {
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
