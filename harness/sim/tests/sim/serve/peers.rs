//! Third-party clients against the served device: ncclient (Debian's
//! python3-ncclient, for /usr/bin/python3) and PyEZ (junos-eznc, for the
//! python3 on PATH). Missing programs skip the test locally and fail it
//! when CI=true.

use super::serve_default;
use std::path::{Path, PathBuf};
use std::process::Command;

fn peer_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/peers")
        .join(name)
}

/// Whether `python` can import `module`; if not, skip (or fail on CI).
fn have(python: &str, module: &str, install: &str) -> bool {
    let ok = Command::new(python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = format!("{python} cannot import {module}; install it with `{install}`");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why} (CI=true: third-party client tests must run)");
        }
        eprintln!("skipped: {why}");
    }
    ok
}

async fn run_peer(python: &str, script: &str, port: u16) -> String {
    let out = tokio::process::Command::new(python)
        .arg(peer_script(script))
        .arg(port.to_string())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), out)
        .await
        .expect("the peer script finished within 120 s")
        .expect("the peer script started");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ncclient_runs_a_full_session_over_ssh() {
    if !have(
        "/usr/bin/python3",
        "ncclient",
        "apt-get install -y python3-ncclient",
    ) {
        return;
    }
    let served = serve_default().await;
    let out = run_peer("/usr/bin/python3", "ncclient_session.py", served.ssh.port()).await;
    for step in [
        "ok: hello",
        "ok: get-config",
        "ok: lock",
        "ok: second session refused lock-denied",
        "ok: edit-config",
        "ok: commit",
        "ok: confirmed commit and confirm",
        "ok: unlock",
        "ok: close-session",
    ] {
        assert!(out.contains(step), "missing {step:?} in:\n{out}");
    }
    let dev = served.device.lock();
    let host = dev
        .running()
        .child("system")
        .and_then(|s| s.child_text("host-name"))
        .map(str::to_owned);
    assert_eq!(
        host.as_deref(),
        Some("nc-two"),
        "the confirmed commit stuck"
    );
    assert!(!dev.confirm_pending());
    assert!(
        dev.sessions().is_empty(),
        "every session ended: {:?}",
        dev.sessions()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyez_opens_reads_inventory_loads_commits_and_rolls_back() {
    if !have("python3", "jnpr.junos", "pip install junos-eznc") {
        return;
    }
    let served = serve_default().await;
    let out = run_peer("python3", "pyez_session.py", served.ssh.port()).await;
    for step in [
        "ok: open and facts sim-mx480 MX480 20.4R3.8",
        "ok: get-chassis-inventory serial",
        "ok: load set and commit",
        "ok: rollback 1 and commit",
        "ok: close",
    ] {
        assert!(out.contains(step), "missing {step:?} in:\n{out}");
    }
    let dev = served.device.lock();
    let comments: Vec<_> = dev.history().filter_map(|h| h.comment.clone()).collect();
    assert!(
        comments.iter().any(|c| c == "from pyez"),
        "the commit comment is kept: {comments:?}"
    );
}
