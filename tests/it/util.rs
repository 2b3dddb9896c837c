//! Test harness: a fresh server per test on 127.0.0.1:0 (the same `serve` the binary runs), and a
//! small blocking HTTP/1.1 client that signs with the project's signer and shows raw response bytes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cos_mock::auth::cos_sign;
use cos_mock::config::Config;

pub const SECRET_ID: &str = "AKIDCOSMOCKROOT";
pub const SECRET_KEY: &str = "cos-mock-root-secret";
pub const BUCKET: &str = "examplebucket-1250000000";
pub const HOST: &str = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";

/// A second root account (uin 100000000002, APPID 1250000002), signing as `AKIDOTHER` / `other`.
pub fn other_account() -> cos_mock::config::Account {
    cos_mock::config::Account {
        uin: "100000000002".into(),
        appid: "1250000002".into(),
        secret_id: "AKIDOTHER".into(),
        secret_key: "other".into(),
        users: vec![],
        roles: vec![],
    }
}

/// A running server; stopped when dropped.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        Server::with_config(Config::default())
    }

    pub fn with_config(mut config: Config) -> Server {
        config.listen = "127.0.0.1:0".parse().unwrap();
        let state = cos_mock::AppState::new(config).expect("valid config");
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let (listener, addr) = cos_mock::server::bind("127.0.0.1:0".parse().unwrap())
                    .await
                    .unwrap();
                addr_tx.send(addr).unwrap();
                cos_mock::serve(listener, state, async {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server started");
        Server {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// A request to this server (Host defaults to the example bucket's virtual host).
    /// `GET /_cos-mock/state` (on the server's own address), which must answer 200, as JSON.
    pub fn admin_state(&self) -> serde_json::Value {
        let r = self
            .req("GET", "/_cos-mock/state")
            .header("Host", &format!("127.0.0.1:{}", self.addr.port()))
            .anonymous()
            .send();
        assert_eq!(r.status, 200, "{}", r.text());
        serde_json::from_slice(&r.body).unwrap()
    }

    pub fn req(&self, method: &str, target: &str) -> Req {
        Req {
            addr: self.addr,
            method: method.into(),
            target: target.into(),
            headers: vec![("Host".into(), HOST.into())],
            body: Vec::new(),
            sign: Some((SECRET_ID.into(), SECRET_KEY.into())),
            window: None,
        }
    }

    /// Creates the example bucket as the default root.
    pub fn create_bucket(&self) {
        let r = self.req("PUT", "/").send();
        assert_eq!(r.status, 200, "{}", r.text());
    }

    pub fn put(&self, key: &str, body: &[u8]) -> Resp {
        let r = self
            .req("PUT", &format!("/{}", encode_key(key)))
            .body(body)
            .send();
        assert_eq!(r.status, 200, "{}", r.text());
        r
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Percent-encodes a key as the python SDK does (keeping `/`).
pub fn encode_key(key: &str) -> String {
    cos_sign::encode(key).replace("%2F", "/")
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A request being built.
#[derive(Clone)]
pub struct Req {
    addr: SocketAddr,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    sign: Option<(String, String)>,
    window: Option<(u64, u64)>,
}

impl Req {
    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds another copy of a header (after any already set), as a client that repeats it would.
    pub fn also_header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: &[u8]) -> Req {
        self.body = body.to_vec();
        self
    }

    pub fn anonymous(mut self) -> Req {
        self.sign = None;
        self
    }

    pub fn keys(mut self, id: &str, secret: &str) -> Req {
        self.sign = Some((id.into(), secret.into()));
        self
    }

    pub fn window(mut self, start: u64, end: u64) -> Req {
        self.window = Some((start, end));
        self
    }

    /// The path (percent-decoded) and query pairs of the target, as the signer wants them.
    fn split_target(&self) -> (String, Vec<(String, String)>) {
        let without_scheme = self
            .target
            .strip_prefix("http://")
            .map(|r| &r[r.find('/').unwrap_or(r.len())..])
            .unwrap_or(&self.target);
        let (path, query) = without_scheme
            .split_once('?')
            .unwrap_or((without_scheme, ""));
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .unwrap()
            .into_owned();
        let query = cos_mock::request::parse_query(query);
        (path, query)
    }

    /// The Authorization value this request would carry.
    pub fn authorization(&self) -> Option<String> {
        let (id, secret) = self.sign.as_ref()?;
        let (start, end) = self.window.unwrap_or((now() - 60, now() + 3600));
        let (path, query) = self.split_target();
        let q: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut headers: Vec<(String, String)> = self.headers.clone();
        if !self.body.is_empty() || matches!(self.method.as_str(), "PUT" | "POST") {
            headers.push(("Content-Length".into(), self.body.len().to_string()));
        }
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Some(cos_sign::authorization(
            id,
            secret,
            start,
            end,
            &self.method,
            &path,
            &q,
            &h,
        ))
    }

    /// Sends the request on a new connection and reads the whole answer.
    pub fn send(&self) -> Resp {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !self.body.is_empty() || matches!(self.method.as_str(), "PUT" | "POST") {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        if let Some(auth) = self.authorization() {
            head.push_str(&format!("Authorization: {auth}\r\n"));
        }
        head.push_str("Connection: close\r\n\r\n");
        send_raw(
            self.addr,
            head.as_bytes(),
            &self.body,
            self.method == "HEAD",
        )
    }
}

/// Sends raw bytes and parses the answer.
pub fn send_raw(addr: SocketAddr, head: &[u8], body: &[u8], head_request: bool) -> Resp {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(head).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    Resp::parse(&raw, head_request)
}

/// A parsed answer, with its raw head kept for exact-byte checks.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub raw_head: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn parse(raw: &[u8], head_request: bool) -> Resp {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete head");
        let raw_head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = raw_head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.to_string(), v.trim().to_string())
            })
            .collect();
        let body = if head_request {
            Vec::new()
        } else {
            raw[split + 4..].to_vec()
        };
        Resp {
            status,
            raw_head,
            headers,
            body,
        }
    }

    /// A header by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The text of the first `<name>` element of the body.
    pub fn xml(&self, name: &str) -> Option<String> {
        let text = self.text();
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&format!("</{name}>"))? + start;
        Some(text[start..end].to_string())
    }

    /// Every text of `<name>` elements, in order.
    pub fn xml_all(&self, name: &str) -> Vec<String> {
        let text = self.text();
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        text.match_indices(&open)
            .filter_map(|(i, _)| {
                let start = i + open.len();
                text[start..]
                    .find(&close)
                    .map(|e| text[start..start + e].to_string())
            })
            .collect()
    }

    /// The error code of a COS error body, or of an admin API one (`{"code": ...}`).
    pub fn code(&self) -> String {
        if self.header("content-type") == Some("application/json") {
            let body: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
            return body["code"].as_str().unwrap_or_default().to_string();
        }
        self.xml("Code").unwrap_or_default()
    }

    /// Asserts the status, showing the answer when it differs.
    #[track_caller]
    pub fn assert_status(&self, status: u16) {
        assert_eq!(self.status, status, "{}\n{}", self.raw_head, self.text());
    }

    /// Asserts status and error code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code().as_str()),
            (status, code),
            "{}\n{}",
            self.raw_head,
            self.text()
        );
    }
}

/// A server with `config`, on a plain listener and a TLS one (a self-signed CA, its certificate
/// written to `ca_out` when given), served on the calling test's runtime; the plain address.
pub async fn serve_plain_and_tls(config: Config, ca_out: Option<String>) -> SocketAddr {
    use cos_mock::server::{bind, serve_all, Listener};
    use cos_mock::tls::{acceptor, CertSource};
    let state = cos_mock::AppState::new(config).unwrap();
    let tls = acceptor(&CertSource::SelfSigned { out: ca_out }).unwrap();
    let (plain, addr) = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (secure, _) = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let listeners = vec![
        Listener {
            tcp: plain,
            tls: None,
        },
        Listener {
            tcp: secure,
            tls: Some(tls),
        },
    ];
    tokio::spawn(serve_all(listeners, state, std::future::pending()));
    addr
}

/// The `Content-MD5` value of `body`: base64 of its MD5.
pub fn md5_b64(body: &[u8]) -> String {
    use base64::Engine;
    use md5::Digest;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(body))
}

/// A request with an XML body and its Content-MD5 (`POST ?delete` needs one; the others accept one).
pub fn with_body(s: &Server, method: &str, target: &str, body: &[u8]) -> Req {
    s.req(method, target)
        .header("Content-Type", "application/xml")
        .header("Content-MD5", &md5_b64(body))
        .body(body)
}
