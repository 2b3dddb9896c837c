//! Multipart uploads over the socket: Initiate, Upload Part (+ Copy), List Parts, Complete, Abort,
//! List Multipart Uploads, and every error they answer.

use crate::util::*;

const MB: usize = 1024 * 1024;

/// Starts an upload of `key`; returns its id.
pub fn initiate(s: &Server, key: &str) -> String {
    let r = s
        .req("POST", &format!("/{}?uploads", encode_key(key)))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    r.xml("UploadId").expect("an UploadId")
}

/// Uploads one part; returns its ETag.
pub fn upload_part(s: &Server, key: &str, id: &str, n: u32, body: &[u8]) -> String {
    let r = s
        .req(
            "PUT",
            &format!("/{}?partNumber={n}&uploadId={id}", encode_key(key)),
        )
        .body(body)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    r.header("ETag").expect("an ETag").to_string()
}

fn complete_body(parts: &[(u32, &str)]) -> Vec<u8> {
    let mut x = String::from("<CompleteMultipartUpload>");
    for (n, etag) in parts {
        x.push_str(&format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>"
        ));
    }
    x.push_str("</CompleteMultipartUpload>");
    x.into_bytes()
}

fn complete(s: &Server, key: &str, id: &str, parts: &[(u32, &str)]) -> Resp {
    s.req("POST", &format!("/{}?uploadId={id}", encode_key(key)))
        .body(&complete_body(parts))
        .send()
}

fn md5_hex(data: &[u8]) -> String {
    use md5::Digest;
    hex::encode(md5::Md5::digest(data))
}

fn crc64(data: &[u8]) -> String {
    cos_mock::checksum::crc64(data).to_string()
}

#[test]
fn initiate_answers_bucket_key_and_upload_id() {
    let s = Server::start();
    s.create_bucket();
    let r = s.req("POST", "/doc/big.bin?uploads").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/xml"));
    assert!(
        r.text().contains("<InitiateMultipartUploadResult>"),
        "{}",
        r.text()
    );
    assert_eq!(r.xml("Bucket").as_deref(), Some(BUCKET));
    assert_eq!(r.xml("Key").as_deref(), Some("doc/big.bin"));
    assert!(!r.xml("UploadId").unwrap_or_default().is_empty());
}

#[test]
fn initiate_on_missing_bucket_is_no_such_bucket() {
    let s = Server::start();
    s.req("POST", "/k?uploads")
        .send()
        .assert_error(404, "NoSuchBucket");
}

#[test]
fn initiate_bad_storage_class_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    s.req("POST", "/k?uploads")
        .header("x-cos-storage-class", "COLD")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn upload_part_answers_etag_and_crc64() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    let r = s
        .req("PUT", &format!("/k?partNumber=1&uploadId={id}"))
        .body(b"hello")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("ETag"),
        Some("\"5d41402abc4b2a76b9719d911017c592\"")
    );
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some("11177612005948864433")
    );
}

#[test]
fn upload_part_bad_part_number_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    for q in [
        "partNumber=0&",
        "partNumber=10001&",
        "partNumber=x&",
        "partNumber=-1&",
        "",
    ] {
        s.req("PUT", &format!("/k?{q}uploadId={id}"))
            .body(b"x")
            .send()
            .assert_error(400, "InvalidArgument");
    }
    upload_part(&s, "k", &id, 10000, b"x");
}

#[test]
fn upload_part_unknown_upload_or_other_key_is_no_such_upload() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    s.req("PUT", "/k?partNumber=1&uploadId=nope")
        .body(b"x")
        .send()
        .assert_error(404, "NoSuchUpload");
    s.req("PUT", &format!("/other?partNumber=1&uploadId={id}"))
        .body(b"x")
        .send()
        .assert_error(404, "NoSuchUpload");
}

#[test]
fn complete_stores_object_with_multipart_etag_and_whole_crc64() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("POST", "/doc/big.bin?uploads")
        .header("Content-Type", "text/plain")
        .header("x-cos-meta-Origin", "multipart")
        .header("x-cos-storage-class", "STANDARD_IA")
        .header("x-cos-acl", "public-read")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.xml("UploadId").unwrap();
    let p1 = vec![b'a'; MB];
    let p2 = vec![b'b'; MB + 7];
    let p3 = b"tail".to_vec();
    // Parts may arrive in any order; a part may be replaced.
    let e3 = upload_part(&s, "doc/big.bin", &id, 3, &p3);
    let _ = upload_part(&s, "doc/big.bin", &id, 1, b"replaced");
    let e1 = upload_part(&s, "doc/big.bin", &id, 1, &p1);
    let e2 = upload_part(&s, "doc/big.bin", &id, 2, &p2);
    let r = complete(&s, "doc/big.bin", &id, &[(1, &e1), (2, &e2), (3, &e3)]);
    assert_eq!(r.status, 200, "{}", r.text());
    let whole = [p1.as_slice(), &p2, &p3].concat();
    let mut md5s = Vec::new();
    for p in [&p1, &p2, &p3] {
        use md5::Digest;
        md5s.extend_from_slice(&md5::Md5::digest(p));
    }
    let etag = format!("\"{}-3\"", md5_hex(&md5s));
    assert!(
        r.text().contains("<CompleteMultipartUploadResult>"),
        "{}",
        r.text()
    );
    assert_eq!(
        r.xml("Location").as_deref(),
        Some("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/doc/big.bin")
    );
    assert_eq!(r.xml("Bucket").as_deref(), Some(BUCKET));
    assert_eq!(r.xml("Key").as_deref(), Some("doc/big.bin"));
    assert_eq!(
        r.xml("ETag").map(|e| e.replace("&quot;", "\"")),
        Some(etag.clone())
    );
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some(crc64(&whole).as_str())
    );
    let g = s.req("GET", "/doc/big.bin").send();
    assert_eq!(g.status, 200);
    assert!(g.body == whole, "object bytes differ");
    assert_eq!(g.header("ETag"), Some(etag.as_str()));
    assert_eq!(
        g.header("x-cos-hash-crc64ecma"),
        Some(crc64(&whole).as_str())
    );
    assert_eq!(g.header("Content-Type"), Some("text/plain"));
    assert_eq!(g.header("x-cos-meta-origin"), Some("multipart"));
    assert_eq!(g.header("x-cos-storage-class"), Some("STANDARD_IA"));
    let acl = s.req("GET", "/doc/big.bin?acl").send();
    assert!(
        acl.text()
            .contains("http://cam.qcloud.com/groups/global/AllUsers"),
        "{}",
        acl.text()
    );
    // The upload is over.
    s.req("GET", &format!("/doc/big.bin?uploadId={id}"))
        .send()
        .assert_error(404, "NoSuchUpload");
    complete(&s, "doc/big.bin", &id, &[(1, &e1)]).assert_error(404, "NoSuchUpload");
}

/// A completed object keeps its parts as uploaded (nothing is joined): every read across the part
/// boundaries answers the joined bytes — ranges, HEAD, copies (whole and by range), a copy of a
/// range as a part, and a paced download.
#[test]
fn completed_object_reads_across_part_boundaries() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "m");
    let parts: Vec<Vec<u8>> = (0..3u8)
        .map(|i| {
            (0..MB + 3)
                .map(|j| (j as u8).wrapping_mul(31) ^ i)
                .collect()
        })
        .collect();
    let etags: Vec<String> = (0..3)
        .map(|i| upload_part(&s, "m", &id, i as u32 + 1, &parts[i]))
        .collect();
    let listed: Vec<(u32, &str)> = (0..3).map(|i| (i as u32 + 1, etags[i].as_str())).collect();
    complete(&s, "m", &id, &listed).assert_status(200);
    let whole = parts.concat();
    for (first, last) in [
        (0, 9),
        (MB, MB + 5),
        (MB - 2, MB + 3 + 2),
        (MB + 2, 2 * (MB + 3) + 1),
        (10, whole.len() - 1),
        (0, whole.len() - 1),
    ] {
        let r = s
            .req("GET", "/m")
            .header("Range", &format!("bytes={first}-{last}"))
            .send();
        assert_eq!(r.status, 206, "{}", r.text());
        assert!(r.body == whole[first..=last], "bytes {first}-{last}");
    }
    let suffix = s.req("GET", "/m").header("Range", "bytes=-7").send();
    assert!(suffix.body == whole[whole.len() - 7..]);
    let head = s.req("HEAD", "/m").send();
    assert_eq!(
        head.header("Content-Length"),
        Some(whole.len().to_string().as_str())
    );
    let source = format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com/m");
    s.req("PUT", "/copy")
        .header("x-cos-copy-source", &source)
        .send()
        .assert_status(200);
    let copy = s.req("GET", "/copy").send();
    assert!(copy.body == whole, "a copy of a multipart object");
    assert_eq!(
        copy.header("x-cos-hash-crc64ecma"),
        Some(crc64(&whole).as_str())
    );
    let id2 = initiate(&s, "m2");
    let r = s
        .req("PUT", &format!("/m2?partNumber=1&uploadId={id2}"))
        .header("x-cos-copy-source", &source)
        .header(
            "x-cos-copy-source-range",
            &format!("bytes={}-{}", MB - 1, MB + 4),
        )
        .send();
    r.assert_status(200);
    assert_eq!(
        r.xml("ETag")
            .map(|e| e.replace("&quot;", "").replace('"', "")),
        Some(md5_hex(&whole[MB - 1..=MB + 4]))
    );
    let paced = s
        .req("GET", "/m")
        .header("x-cos-traffic-limit", &(100 * 1024 * 1024 * 8).to_string())
        .send();
    assert!(
        paced.body == whole,
        "a paced download of a multipart object"
    );
}

#[test]
fn complete_subset_of_parts_keeps_only_those() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    let p1 = vec![b'a'; MB];
    let e1 = upload_part(&s, "k", &id, 1, &p1);
    upload_part(&s, "k", &id, 2, b"dropped");
    let e5 = upload_part(&s, "k", &id, 5, b"end");
    let r = complete(&s, "k", &id, &[(1, e1.trim_matches('"')), (5, &e5)]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        s.req("GET", "/k").send().body,
        [p1.as_slice(), b"end"].concat()
    );
}

#[test]
fn complete_parts_out_of_order_is_invalid_part_order() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    let e1 = upload_part(&s, "k", &id, 1, &vec![b'a'; MB]);
    let e2 = upload_part(&s, "k", &id, 2, b"b");
    complete(&s, "k", &id, &[(2, &e2), (1, &e1)]).assert_error(400, "InvalidPartOrder");
    complete(&s, "k", &id, &[(1, &e1), (1, &e1)]).assert_error(400, "InvalidPartOrder");
}

#[test]
fn complete_unknown_part_or_etag_mismatch_is_invalid_part() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    let e1 = upload_part(&s, "k", &id, 1, &vec![b'a'; MB]);
    complete(&s, "k", &id, &[(1, &e1), (2, &e1)]).assert_error(400, "InvalidPart");
    complete(&s, "k", &id, &[(1, "\"0123456789abcdef0123456789abcdef\"")])
        .assert_error(400, "InvalidPart");
    // A failed Complete leaves the upload as it was.
    assert_eq!(complete(&s, "k", &id, &[(1, &e1)]).status, 200);
}

#[test]
fn complete_small_non_last_part_is_entity_too_small() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    let e1 = upload_part(&s, "k", &id, 1, &vec![b'a'; MB - 1]);
    let e2 = upload_part(&s, "k", &id, 2, b"b");
    complete(&s, "k", &id, &[(1, &e1), (2, &e2)]).assert_error(400, "EntityTooSmall");
    // A single small part is fine: it is the last.
    assert_eq!(complete(&s, "k", &id, &[(2, &e2)]).status, 200);
}

#[test]
fn complete_malformed_body_is_malformed_xml() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    for body in [
        &b"not xml"[..],
        b"",
        b"<CompleteMultipartUpload></CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>",
    ] {
        s.req("POST", &format!("/k?uploadId={id}"))
            .body(body)
            .send()
            .assert_error(400, "MalformedXML");
    }
}

#[test]
fn complete_unknown_upload_is_no_such_upload() {
    let s = Server::start();
    s.create_bucket();
    complete(&s, "k", "nope", &[(1, "\"x\"")]).assert_error(404, "NoSuchUpload");
}

#[test]
fn abort_answers_204_then_no_such_upload() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    upload_part(&s, "k", &id, 1, b"x");
    let r = s.req("DELETE", &format!("/k?uploadId={id}")).send();
    assert_eq!(r.status, 204, "{}", r.text());
    s.req("DELETE", &format!("/k?uploadId={id}"))
        .send()
        .assert_error(404, "NoSuchUpload");
    s.req("PUT", &format!("/k?partNumber=2&uploadId={id}"))
        .body(b"x")
        .send()
        .assert_error(404, "NoSuchUpload");
    s.req("GET", "/k").send().assert_error(404, "NoSuchKey");
}

#[test]
fn list_parts_pages_with_marker_and_max_parts() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "dir/a b.bin");
    for n in [1, 2, 3, 7] {
        upload_part(&s, "dir/a b.bin", &id, n, &vec![b'x'; n as usize]);
    }
    let r = s
        .req("GET", &format!("/dir/a%20b.bin?uploadId={id}&max-parts=2"))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<ListPartsResult>"), "{}", r.text());
    assert_eq!(r.xml("Key").as_deref(), Some("dir/a b.bin"));
    assert_eq!(r.xml("UploadId"), Some(id.clone()));
    assert_eq!(r.xml_all("PartNumber"), ["1", "2"]);
    assert_eq!(r.xml_all("Size"), ["1", "2"]);
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("true"));
    assert_eq!(r.xml("NextPartNumberMarker").as_deref(), Some("2"));
    assert_eq!(r.xml("MaxParts").as_deref(), Some("2"));
    assert_eq!(r.xml("StorageClass").as_deref(), Some("STANDARD"));
    assert!(
        r.xml("Owner")
            .unwrap_or_default()
            .contains("qcs::cam::uin/"),
        "{}",
        r.text()
    );
    let r = s
        .req(
            "GET",
            &format!("/dir/a%20b.bin?uploadId={id}&part-number-marker=2&encoding-type=url"),
        )
        .send();
    assert_eq!(r.xml_all("PartNumber"), ["3", "7"]);
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("false"));
    assert_eq!(r.xml("Key").as_deref(), Some("dir/a%20b.bin"));
    assert_eq!(r.xml("Encoding-Type").as_deref(), Some("url"));
    assert_eq!(
        r.xml_all("ETag").last().map(|e| e.replace("&quot;", "\"")),
        Some(format!("\"{}\"", md5_hex(&[b'x'; 7])))
    );
}

#[test]
fn list_parts_errors() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    s.req("GET", "/k?uploadId=nope")
        .send()
        .assert_error(404, "NoSuchUpload");
    s.req("GET", &format!("/k?uploadId={id}&max-parts=x"))
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", &format!("/k?uploadId={id}&encoding-type=base64"))
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn list_uploads_prefix_delimiter_and_markers() {
    let s = Server::start();
    s.create_bucket();
    let a1 = initiate(&s, "a");
    let a2 = initiate(&s, "a");
    let _dx = initiate(&s, "d/x");
    let _dy = initiate(&s, "d/y");
    let e = initiate(&s, "e f");
    let r = s.req("GET", "/?uploads").send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.text().contains("<ListMultipartUploadsResult>"),
        "{}",
        r.text()
    );
    assert_eq!(r.xml("Bucket").as_deref(), Some(BUCKET));
    assert_eq!(r.xml_all("Key"), ["a", "a", "d/x", "d/y", "e f"]);
    assert_eq!(r.xml_all("UploadId")[..2], [a1.clone(), a2.clone()]);
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("false"));

    let r = s.req("GET", "/?uploads&delimiter=%2F").send();
    assert_eq!(r.xml_all("Key"), ["a", "a", "e f"]);
    assert!(r.text().contains("<CommonPrefixes>"), "{}", r.text());
    assert_eq!(r.xml_all("Prefix"), ["d/"]);
    assert_eq!(r.xml("Delimiter").as_deref(), Some("/"));

    let r = s.req("GET", "/?uploads&prefix=d%2F").send();
    assert_eq!(r.xml_all("Key"), ["d/x", "d/y"]);

    let r = s.req("GET", "/?uploads&max-uploads=1").send();
    assert_eq!(r.xml_all("Key"), ["a"]);
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("true"));
    assert_eq!(r.xml("NextKeyMarker").as_deref(), Some("a"));
    assert_eq!(r.xml("NextUploadIdMarker"), Some(a1.clone()));

    let r = s
        .req(
            "GET",
            &format!("/?uploads&key-marker=a&upload-id-marker={a1}"),
        )
        .send();
    assert_eq!(r.xml_all("UploadId")[0], a2);
    let r = s.req("GET", "/?uploads&key-marker=d%2Fy").send();
    assert_eq!(r.xml_all("UploadId"), [e]);

    let r = s.req("GET", "/?uploads&encoding-type=url&prefix=e").send();
    assert_eq!(r.xml_all("Key"), ["e%20f"]);
}

#[test]
fn list_uploads_errors() {
    let s = Server::start();
    s.req("GET", "/?uploads")
        .send()
        .assert_error(404, "NoSuchBucket");
    s.create_bucket();
    s.req("GET", "/?uploads&max-uploads=-2")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn upload_part_copy_whole_and_range() {
    let s = Server::start();
    s.create_bucket();
    let src: Vec<u8> = (0..(MB + 100)).map(|i| (i % 251) as u8).collect();
    s.put("src.bin", &src);
    let id = initiate(&s, "dst.bin");
    let source = format!("{HOST}/src.bin");
    let r = s
        .req("PUT", &format!("/dst.bin?partNumber=1&uploadId={id}"))
        .header("x-cos-copy-source", &source)
        .header("x-cos-copy-source-range", &format!("bytes=0-{}", MB - 1))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<CopyPartResult>"), "{}", r.text());
    let e1 = r.xml("ETag").unwrap().replace("&quot;", "\"");
    assert_eq!(e1, format!("\"{}\"", md5_hex(&src[..MB])));
    assert!(r.xml("LastModified").is_some());
    assert_eq!(
        r.header("x-cos-hash-crc64ecma"),
        Some(crc64(&src[..MB]).as_str())
    );
    let r = s
        .req("PUT", &format!("/dst.bin?partNumber=2&uploadId={id}"))
        .header("x-cos-copy-source", &source)
        .header("x-cos-copy-source-range", "")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let e2 = r.xml("ETag").unwrap().replace("&quot;", "\"");
    let r = complete(&s, "dst.bin", &id, &[(1, &e1), (2, &e2)]);
    assert_eq!(r.status, 200, "{}", r.text());
    let whole = [&src[..MB], &src].concat();
    assert!(s.req("GET", "/dst.bin").send().body == whole);
}

#[test]
fn upload_part_copy_errors() {
    let s = Server::start();
    s.create_bucket();
    s.put("src", b"0123456789");
    let id = initiate(&s, "dst");
    let part = |src: &str, range: Option<&str>, id: &str| {
        let mut r = s
            .req("PUT", &format!("/dst?partNumber=1&uploadId={id}"))
            .header("x-cos-copy-source", src);
        if let Some(range) = range {
            r = r.header("x-cos-copy-source-range", range);
        }
        r.send()
    };
    let src = format!("{HOST}/src");
    part(&src, Some("bytes=0-10"), &id).assert_error(400, "InvalidArgument");
    part(&src, Some("bytes=5-2"), &id).assert_error(400, "InvalidArgument");
    part(&src, Some("0-2"), &id).assert_error(400, "InvalidArgument");
    part(&format!("{HOST}/missing"), None, &id).assert_error(404, "NoSuchKey");
    part(&src, None, "nope").assert_error(404, "NoSuchUpload");
    let r = s
        .req("PUT", &format!("/dst?partNumber=1&uploadId={id}"))
        .header("x-cos-copy-source", &src)
        .header("x-cos-copy-source-If-Match", "\"nope\"")
        .send();
    r.assert_error(412, "PreconditionFailed");
}

#[test]
fn delete_bucket_with_upload_in_progress_is_bucket_not_empty() {
    let s = Server::start();
    s.create_bucket();
    let id = initiate(&s, "k");
    s.req("DELETE", "/")
        .send()
        .assert_error(409, "BucketNotEmpty");
    assert_eq!(
        s.req("DELETE", &format!("/k?uploadId={id}")).send().status,
        204
    );
    assert_eq!(s.req("DELETE", "/").send().status, 204);
}

#[test]
fn list_uploads_names_a_sub_account_initiator_by_its_cam_id() {
    let mut config = cos_mock::config::Config::default();
    config.accounts[0].users.push(cos_mock::config::SubUser {
        uin: "100000000011".into(),
        secret_id: "AKIDSUB11".into(),
        secret_key: "sub-11".into(),
        policies: vec![serde_json::json!({"version":"2.0","statement":[{"effect":"allow","action":["name/cos:*"],"resource":["*"]}]})],
    });
    let s = Server::with_config(config);
    s.create_bucket();
    let r = s
        .req("POST", "/big?uploads")
        .keys("AKIDSUB11", "sub-11")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/?uploads").send();
    let text = r.text();
    assert!(
        text.contains("<ID>qcs::cam::uin/100000000001:uin/100000000011</ID>"),
        "{text}"
    );
    assert!(
        text.contains("<DisplayName>100000000011</DisplayName>"),
        "{text}"
    );
}
