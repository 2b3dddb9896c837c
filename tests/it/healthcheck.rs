//! `cos-mock healthcheck` without `--url`: it probes the server's listen address (flag or env), as
//! the image's HEALTHCHECK does. (Reading the container's first process is checked by
//! scripts/image-check.sh and scripts/test-recipes.sh, which run the server as PID 1.)

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cos-mock");

/// A server on 127.0.0.1:0 and its port (from the ready line); killed on drop.
struct Running(Child, u16);

impl Running {
    fn start() -> Running {
        let mut child = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0"])
            .env("COS_MOCK_LOG", "warn")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let ready = lines.next().unwrap().unwrap();
        let port = ready.rsplit(':').next().unwrap().parse().unwrap();
        Running(child, port)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn healthcheck(args: &[&str], listen_env: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("healthcheck")
        .args(args)
        .env_remove("COS_MOCK_LISTEN");
    if let Some(v) = listen_env {
        cmd.env("COS_MOCK_LISTEN", v);
    }
    cmd.output().unwrap()
}

#[test]
fn healthcheck_env_listen_unspecified_ip_probes_loopback() {
    let s = Running::start();
    let out = healthcheck(&[], Some(&format!("0.0.0.0:{}", s.1)));
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn healthcheck_listen_flag_wins_over_env() {
    let s = Running::start();
    let out = healthcheck(
        &["--listen", &format!("127.0.0.1:{}", s.1)],
        Some("127.0.0.1:1"),
    );
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn healthcheck_env_listen_nothing_there_fails_naming_the_url() {
    let out = healthcheck(&[], Some("127.0.0.1:1"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("http://127.0.0.1:1"), "{err}");
}

#[test]
fn healthcheck_listen_port_0_fails_asking_for_url() {
    let out = healthcheck(&["--listen", "127.0.0.1:0"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pass --url"), "{err}");
}
