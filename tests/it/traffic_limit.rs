//! `x-cos-traffic-limit` over the socket: COS's range checked on every transfer API (header, query
//! parameter, POST form field), and the rate held on a download and an upload (one timing test
//! each, at COS's minimum rate, with ±30% tolerance; the pacing itself is unit-tested in `traffic`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::util::*;

/// COS's lowest limit: 819200 bit/s, 100 KiB/s.
const MIN: &str = "819200";

#[test]
fn put_traffic_limit_out_of_range_or_not_a_number_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    for bad in ["819199", "838860801", "abc", "", "1.5"] {
        s.req("PUT", "/k")
            .header("x-cos-traffic-limit", bad)
            .body(b"data")
            .send()
            .assert_error(400, "InvalidArgument");
    }
    s.req("GET", "/k").send().assert_error(404, "NoSuchKey");
}

#[test]
fn get_append_and_upload_part_bad_traffic_limit_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    s.put("k", b"data");
    s.req("GET", "/k")
        .header("x-cos-traffic-limit", "100")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("GET", "/k?x-cos-traffic-limit=abc")
        .send()
        .assert_error(400, "InvalidArgument");
    s.req("POST", "/a?append&position=0")
        .header("x-cos-traffic-limit", "0")
        .body(b"x")
        .send()
        .assert_error(400, "InvalidArgument");
    let id = crate::multipart::initiate(&s, "m");
    s.req("PUT", &format!("/m?partNumber=1&uploadId={id}"))
        .header("x-cos-traffic-limit", "838860801")
        .body(b"x")
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn post_object_bad_traffic_limit_field_is_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    let boundary = "----cosmockTrafficBoundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"x-cos-traffic-limit\"\r\n\r\nfast\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\ndata\r\n\
         --{boundary}--\r\n"
    );
    s.req("POST", "/")
        .anonymous()
        .header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body.as_bytes())
        .send()
        .assert_error(400, "InvalidArgument");
}

#[test]
fn traffic_limit_in_range_is_accepted_and_ignored_elsewhere() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("PUT", "/k")
        .header("x-cos-traffic-limit", "838860800")
        .body(b"data")
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.req("GET", "/k?x-cos-traffic-limit=838860800").send();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"data"[..]));
    // HEAD and DELETE take no limit: a bad value is not looked at.
    let r = s
        .req("HEAD", "/k")
        .header("x-cos-traffic-limit", "x")
        .send();
    assert_eq!(r.status, 200);
}

#[test]
fn get_traffic_limit_sends_at_the_rate() {
    let s = Server::start();
    s.create_bucket();
    let data = vec![b'a'; 200 * 1024];
    s.put("big", &data);
    let started = Instant::now();
    let r = s
        .req("GET", "/big")
        .header("x-cos-traffic-limit", MIN)
        .send();
    let took = started.elapsed();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, data);
    assert_eq!(r.header("Content-Length"), Some("204800"));
    // 200 KiB at 100 KiB/s: 2 s, less the last 5 KiB chunk.
    assert!(
        took > Duration::from_millis(1400) && took < Duration::from_millis(2600),
        "{took:?}"
    );
}

#[test]
fn put_traffic_limit_reads_at_the_rate() {
    let s = Server::start();
    s.create_bucket();
    let data = vec![b'a'; 200 * 1024];
    let started = Instant::now();
    let r = s
        .req("PUT", "/big")
        .header("x-cos-traffic-limit", MIN)
        .body(&data)
        .send();
    let took = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        took > Duration::from_millis(1400) && took < Duration::from_millis(2600),
        "{took:?}"
    );
    assert_eq!(s.req("GET", "/big").send().body, data);
}

#[test]
fn get_traffic_limit_client_may_abort_then_resume_with_a_range() {
    let s = Server::start();
    s.create_bucket();
    let data: Vec<u8> = (0..100 * 1024).map(|i| (i % 251) as u8).collect();
    s.put("big", &data);
    // Read the head and a little of a throttled body, then hang up.
    let req = s.req("GET", "/big").header("x-cos-traffic-limit", MIN);
    let mut head = format!("GET /big HTTP/1.1\r\nHost: {HOST}\r\nx-cos-traffic-limit: {MIN}\r\n");
    head.push_str(&format!(
        "Authorization: {}\r\n\r\n",
        req.authorization().unwrap()
    ));
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut got = vec![0u8; 1024];
    let n = stream.read(&mut got).unwrap();
    assert!(String::from_utf8_lossy(&got[..n]).starts_with("HTTP/1.1 200"));
    drop(stream);
    // The server carries on; the rest comes with a Range.
    let r = s
        .req("GET", "/big")
        .header("Range", "bytes=51200-")
        .header("x-cos-traffic-limit", "838860800")
        .send();
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &data[51200..]);
}
