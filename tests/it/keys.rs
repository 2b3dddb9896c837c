//! Object keys and XML (issue #12, finding 4): a key holding a character XML 1.0 cannot carry is
//! refused wherever it comes in (path, POST form, copy source, batch delete); keys XML can carry
//! (tab, LF, CR, DEL) round-trip through every listing; and every XML answer is well-formed,
//! whatever the request held. Each body is checked by [`assert_well_formed`].

use crate::util::*;

/// Strict XML 1.0 well-formedness, as an XML client's parser checks it: one root, matching tags,
/// known entities, and no character (raw or referenced) outside XML 1.0's `Char`.
#[track_caller]
fn assert_well_formed(body: &[u8]) {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).expect("UTF-8");
    let legal = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    if let Some((i, c)) = text.char_indices().find(|(_, c)| !legal(*c)) {
        panic!("raw U+{:04X} at byte {i}: {text:?}", c as u32);
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        match reader.read_event() {
            Err(e) => panic!("not well-formed: {e}: {text:?}"),
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                let unescaped = t
                    .unescape()
                    .unwrap_or_else(|e| panic!("bad reference: {e}: {text:?}"));
                assert!(
                    unescaped.chars().all(legal),
                    "a reference to a character XML 1.0 forbids: {text:?}"
                );
                if depth == 0 {
                    assert!(
                        unescaped.trim().is_empty(),
                        "text outside the root: {text:?}"
                    );
                }
            }
            Ok(Event::DocType(_)) => panic!("a DTD: {text:?}"),
            Ok(Event::Eof) => break,
            Ok(_) => {}
        }
    }
    assert_eq!((roots, depth), (1, 0), "{text:?}");
}

/// The unescaped texts of every `<name>` element.
fn texts(body: &[u8], name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let (mut out, mut inside, mut buf) = (Vec::new(), false, Vec::new());
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Start(e) => inside = e.name().as_ref() == name.as_bytes(),
            Event::Text(t) if inside => out.push(t.unescape().unwrap().into_owned()),
            Event::End(_) => inside = false,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Every character XML 1.0 cannot carry below U+0080, and the two above it.
fn forbidden() -> Vec<char> {
    (0u8..0x20)
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
        .map(char::from)
        .chain(['\u{fffe}', '\u{ffff}'])
        .collect()
}

fn pct(c: char) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

#[test]
fn put_key_with_a_control_character_answers_invalid_uri_naming_it() {
    let s = Server::start();
    s.create_bucket();
    for c in forbidden() {
        let r = s.req("PUT", &format!("/ab{}c", pct(c))).body(b"x").send();
        r.assert_error(400, "InvalidURI");
        assert_well_formed(&r.body);
        assert!(
            r.text()
                .contains(&format!("U+{:04X} at character 3", c as u32)),
            "{}",
            r.text()
        );
    }
    let listing = s.req("GET", "/").send();
    assert_eq!(
        listing.xml_all("Key"),
        Vec::<String>::new(),
        "nothing stored"
    );
}

#[test]
fn get_head_delete_of_nul_key_answer_invalid_uri() {
    let s = Server::start();
    s.create_bucket();
    for method in ["GET", "DELETE", "POST"] {
        let r = s.req(method, "/nul%00key?uploads").send();
        r.assert_error(400, "InvalidURI");
        assert_well_formed(&r.body);
    }
    let r = s.req("HEAD", "/nul%00key").send();
    assert_eq!(r.status, 400);
}

#[test]
fn put_key_with_invalid_utf8_percent_encoding_answers_invalid_uri() {
    let s = Server::start();
    s.create_bucket();
    // A lone byte, an encoded surrogate (U+D800), an overlong NUL, a truncated sequence.
    for bad in ["%FF", "%ED%A0%80", "%C0%80", "%E4%B8"] {
        // Unsigned: the address step refuses it before authentication.
        let r = s
            .req("PUT", &format!("/k{bad}"))
            .anonymous()
            .body(b"x")
            .send();
        r.assert_error(400, "InvalidURI");
        assert_well_formed(&r.body);
    }
}

#[test]
fn keys_with_tab_lf_cr_del_round_trip_in_plain_and_url_listings() {
    let s = Server::start();
    s.create_bucket();
    let keys = ["cr\rx", "del\u{7f}x", "lf\nx", "tab\tx", "crlf\r\nx"];
    for k in keys {
        s.put(k, b"v");
    }
    let mut want: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    want.sort();

    let plain = s.req("GET", "/").send();
    assert_eq!(plain.status, 200);
    assert_well_formed(&plain.body);
    // Raw, as COS writes them (a line-end-normalising parser reads CR as LF, as from COS).
    assert_eq!(texts(&plain.body, "Key"), want, "{}", plain.text());
    assert!(plain.text().contains("<Key>cr\rx</Key>"));

    let url = s.req("GET", "/?encoding-type=url").send();
    assert_well_formed(&url.body);
    let decoded: Vec<String> = texts(&url.body, "Key")
        .iter()
        .map(|k| {
            percent_encoding::percent_decode_str(k)
                .decode_utf8()
                .unwrap()
                .into_owned()
        })
        .collect();
    assert_eq!(decoded, want);

    for target in ["/?versions", "/?versions&encoding-type=url"] {
        let r = s.req("GET", target).send();
        assert_eq!(r.status, 200, "{target}");
        assert_well_formed(&r.body);
        assert_eq!(texts(&r.body, "Key").len(), keys.len(), "{target}");
    }
    let r = s.req("GET", &format!("/{}", encode_key("cr\rx"))).send();
    assert_eq!(r.body, b"v");
}

#[test]
fn upload_listing_of_a_key_with_cr_is_well_formed() {
    let s = Server::start();
    s.create_bucket();
    let r = s
        .req("POST", &format!("/{}?uploads", encode_key("up\r\nload")))
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_well_formed(&r.body);
    assert_eq!(texts(&r.body, "Key"), vec!["up\r\nload".to_string()]);
    for target in ["/?uploads", "/?uploads&encoding-type=url"] {
        let r = s.req("GET", target).send();
        assert_eq!(r.status, 200);
        assert_well_formed(&r.body);
    }
    let r = s.req("GET", "/?uploads").send();
    assert_eq!(texts(&r.body, "Key"), vec!["up\r\nload".to_string()]);
    let id = texts(&r.body, "UploadId").remove(0);
    let parts = s
        .req(
            "GET",
            &format!("/{}?uploadId={id}", encode_key("up\r\nload")),
        )
        .send();
    assert_eq!(parts.status, 200, "{}", parts.text());
    assert_well_formed(&parts.body);
    assert_eq!(texts(&parts.body, "Key"), vec!["up\r\nload".to_string()]);
}

#[test]
fn errors_naming_a_key_with_cr_or_del_are_well_formed() {
    let s = Server::start();
    s.create_bucket();
    for key in ["gone\r\n", "del\u{7f}<&>"] {
        let r = s.req("GET", &format!("/{}", encode_key(key))).send();
        r.assert_error(404, "NoSuchKey");
        assert_well_formed(&r.body);
        assert_eq!(texts(&r.body, "Resource").len(), 1);
    }
}

#[test]
fn listings_echoing_control_characters_from_the_query_stay_well_formed() {
    let s = Server::start();
    s.create_bucket();
    s.put("a", b"1");
    let odd = "%00%01%08%0B%0C%0E%1F%7F%0D%EF%BF%BE";
    for target in [
        format!("/?prefix={odd}&marker={odd}&delimiter={odd}"),
        format!("/?prefix={odd}&encoding-type=url"),
        format!("/?versions&prefix={odd}&key-marker={odd}&delimiter={odd}"),
        format!("/?uploads&prefix={odd}&key-marker={odd}&upload-id-marker={odd}"),
        format!("/?list-type=2&prefix={odd}&start-after={odd}"),
        format!("/a?uploadId={odd}"),
        format!("/?max-keys={odd}"),
    ] {
        let r = s.req("GET", &target).send();
        assert!(r.status < 500, "{target}: {}", r.status);
        assert_well_formed(&r.body);
    }
}

#[test]
fn copy_source_with_a_control_character_answers_invalid_argument() {
    let s = Server::start();
    s.create_bucket();
    for c in ['\0', '\u{1}', '\u{1f}'] {
        let r = s
            .req("PUT", "/copy-dst")
            .header("x-cos-copy-source", &format!("{HOST}/src{}", pct(c)))
            .send();
        r.assert_error(400, "InvalidArgument");
        assert_well_formed(&r.body);
    }
    let r = s
        .req("PUT", "/copy-dst")
        .header("x-cos-copy-source", &format!("{HOST}/src%FF"))
        .send();
    r.assert_error(400, "InvalidURI");
}

#[test]
fn post_object_form_key_with_a_control_character_answers_invalid_argument() {
    let s = Server::start();
    let r = s
        .req("PUT", "/")
        .header("x-cos-acl", "public-read-write")
        .send();
    assert_eq!(r.status, 200);
    let boundary = "----cosmockKeysBoundary";
    for key in ["a\u{0}b", "a\u{1}b", "a\u{1b}b"] {
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n{key}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\
             Content-Type: application/octet-stream\r\n\r\ndata\r\n--{boundary}--\r\n"
        );
        let r = s
            .req("POST", "/")
            .anonymous()
            .header(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body.as_bytes())
            .send();
        r.assert_error(400, "InvalidArgument");
        assert_well_formed(&r.body);
    }
    assert!(s.req("GET", "/").send().xml_all("Key").is_empty());
}

#[test]
fn delete_multiple_with_a_control_character_key_answers_malformed_xml() {
    let s = Server::start();
    s.create_bucket();
    for key in ["a&#1;b", "a&#x1F;b", "a&#0;b", "a\u{1}b", "a&#xFFFE;b"] {
        let doc = format!("<Delete><Object><Key>{key}</Key></Object></Delete>");
        let r = with_body(&s, "POST", "/?delete", doc.as_bytes()).send();
        r.assert_error(400, "MalformedXML");
        assert_well_formed(&r.body);
    }
    // Legal references still work, and their keys come back well-formed.
    let doc = "<Delete><Object><Key>a&#13;b&#x7F;</Key></Object></Delete>";
    let r = with_body(&s, "POST", "/?delete", doc.as_bytes()).send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_well_formed(&r.body);
    assert_eq!(texts(&r.body, "Key"), vec!["a\rb\u{7f}".to_string()]);
}
