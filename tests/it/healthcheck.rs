//! `cos-mock healthcheck` without `--url` (flag and env forms are in cli.rs): what it says when it
//! cannot probe. Reading the container's first process (`/proc/1/cmdline`) is checked by
//! scripts/image-check.sh and scripts/test-recipes.sh, which run the server as PID 1 of a PID namespace.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_cos-mock");

fn healthcheck(args: &[&str], listen_env: &str) -> Output {
    Command::new(BIN)
        .arg("healthcheck")
        .args(args)
        .env("COS_MOCK_LISTEN", listen_env)
        .env_remove("COS_MOCK_LOG_FORMAT")
        .output()
        .unwrap()
}

#[test]
fn healthcheck_nothing_listening_fails_naming_the_url() {
    let out = healthcheck(&[], "0.0.0.0:1");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("http://127.0.0.1:1"), "{err}");
}

#[test]
fn healthcheck_listen_port_0_fails_asking_for_url() {
    let out = healthcheck(&["--listen", "127.0.0.1:0"], "127.0.0.1:9400");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("port 0") && err.contains("pass --url"),
        "{err}"
    );
}
