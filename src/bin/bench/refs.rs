//! The reference servers of the side-by-side: nginx answering a fixed 1 KiB body (the ceiling for
//! HTTP/1.1 here) and moto's S3 in server mode, each a child on a free 127.0.0.1 port, ended on drop.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The body nginx answers and the object moto and cos-mock hold: 1 KiB.
pub const BODY_LEN: usize = 1024;

/// A reference server; stopped, reaped and its temporary directory removed on drop.
pub struct Reference {
    child: Child,
    pub addr: SocketAddr,
    /// What the tables call it, with its version: `nginx 1.22.1`.
    pub name: String,
    dir: Option<PathBuf>,
    /// A command that asks the server to stop with everything it started (nginx's workers outlive
    /// a killed master); the child is killed after it, or alone when there is none.
    stop: Option<Command>,
}

impl Drop for Reference {
    fn drop(&mut self) {
        if let Some(stop) = &mut self.stop {
            let stopped = stop
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            let deadline = Instant::now() + Duration::from_secs(5);
            while stopped && Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Starts `nginx` with a generated configuration in a temporary directory: `daemon off`, the current
/// user, access log off, keep-alive without a request limit, `return 200` of [`BODY_LEN`] bytes.
pub fn nginx(binary: &Path) -> Result<Reference, String> {
    let addr = free_addr()?;
    let dir = std::env::temp_dir().join(format!("cos-mock-bench-nginx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, nginx_conf(&dir, addr, running_as_root()))
        .map_err(|e| format!("{}: {e}", conf.display()))?;
    let nginx_cmd = || {
        let mut cmd = Command::new(binary);
        cmd.arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.join("error.log"));
        cmd
    };
    let mut stop = nginx_cmd();
    stop.args(["-s", "stop"]);
    let child = nginx_cmd()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let version = version_line(Command::new(binary).arg("-v"))
        .and_then(|v| v.rsplit('/').next().map(str::to_string))
        .unwrap_or_default();
    let mut nginx = Reference {
        child,
        addr,
        name: format!("nginx {version}").trim().to_string(),
        dir: Some(dir.clone()),
        stop: Some(stop),
    };
    wait_listening(&mut nginx).map_err(|e| {
        let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        format!("{e}; nginx error.log: {}", log.trim())
    })?;
    Ok(nginx)
}

/// The whole nginx configuration. As root the workers stay root (`user root`), so nothing needs a
/// `nobody` that can read the temporary directory; as anyone else nginx runs as that user anyway.
fn nginx_conf(dir: &Path, addr: SocketAddr, root: bool) -> String {
    let dir = dir.display();
    let user = if root { "user root;\n" } else { "" };
    let body = "x".repeat(BODY_LEN);
    format!(
        "{user}daemon off;\n\
         worker_processes auto;\n\
         pid {dir}/nginx.pid;\n\
         error_log {dir}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   keepalive_requests 100000000;\n\
         \x20   client_body_temp_path {dir}/body;\n\
         \x20   proxy_temp_path {dir}/proxy;\n\
         \x20   fastcgi_temp_path {dir}/fastcgi;\n\
         \x20   uwsgi_temp_path {dir}/uwsgi;\n\
         \x20   scgi_temp_path {dir}/scgi;\n\
         \x20   default_type application/octet-stream;\n\
         \x20   server {{\n\
         \x20       listen {addr};\n\
         \x20       location / {{ return 200 \"{body}\"; }}\n\
         \x20   }}\n\
         }}\n"
    )
}

/// Starts moto's S3 (`moto_server -H 127.0.0.1 -p PORT`). Its version comes from the `python` beside
/// `moto_server` (a venv's bin/).
pub fn moto(binary: &Path) -> Result<Reference, String> {
    let addr = free_addr()?;
    let child = Command::new(binary)
        .args(["-H", "127.0.0.1", "-p", &addr.port().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let python = binary.with_file_name("python");
    let version =
        version_line(Command::new(python).args(["-c", "import moto; print(moto.__version__)"]))
            .unwrap_or_default();
    let mut moto = Reference {
        child,
        addr,
        name: format!("moto {version}").trim().to_string(),
        dir: None,
        stop: None,
    };
    wait_listening(&mut moto)?;
    Ok(moto)
}

/// The first line a `--version`-like command prints, on stdout or stderr.
fn version_line(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    let text = [out.stdout, out.stderr].concat();
    let text = String::from_utf8_lossy(&text);
    text.lines().next().map(|l| l.trim().to_string())
}

/// A port that was free a moment ago (bound to 127.0.0.1:0 and released).
pub fn free_addr() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map_err(|e| e.to_string())
}

/// Waits up to 20 s for the reference to accept a connection; fails early if it exits.
fn wait_listening(reference: &mut Reference) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&reference.addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = reference.child.try_wait() {
            return Err(format!("{} exited at start ({status})", reference.name));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{} did not listen within 20 s", reference.name))
}

/// Whether this process runs as uid 0 (read from /proc, with no libc call).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

/// `name` found on `PATH` (or in /usr/sbin and /sbin, where Debian puts nginx).
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_conf_answers_the_fixed_body_on_the_address_given() {
        let conf = nginx_conf(Path::new("/t"), "127.0.0.1:8080".parse().unwrap(), false);
        assert!(conf.contains("listen 127.0.0.1:8080;"));
        assert!(conf.contains("daemon off;"));
        assert!(conf.contains("pid /t/nginx.pid;"));
        assert!(conf.contains(&format!("return 200 \"{}\";", "x".repeat(BODY_LEN))));
        assert!(!conf.contains("user "));
        assert!(
            nginx_conf(Path::new("/t"), "127.0.0.1:1".parse().unwrap(), true)
                .starts_with("user root;\n")
        );
    }
}
