//! The `confuzz` program run as a user would run it.

use confuzz_net::{Limits, NetconfClient};
use confuzz_wire::session::SessionConfig;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_confuzz");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_stdio_serves_one_netconf_session_on_stdin_and_stdout() {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.args(["sim", "--stdio"]).stderr(Stdio::inherit());
    let mut c = NetconfClient::spawn(cmd, SessionConfig::client(), Limits::client())
        .await
        .expect("hello over stdio");
    assert_eq!(c.session_id(), Some(1));
    let r = c
        .rpc("<get-config><source><running/></source></get-config>")
        .await
        .expect("reply");
    assert!(String::from_utf8_lossy(&r.raw).contains("<host-name>sim-mx480</host-name>"));
    c.close().await.expect("close-session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_prints_where_it_listens_and_serves_there() {
    let dir = std::env::temp_dir().join(format!("confuzz-cli-test-{}", std::process::id()));
    let key = dir.join("host_key");
    let mut child = tokio::process::Command::new(BIN)
        .args([
            "sim",
            "--ssh",
            "127.0.0.1:0",
            "--tcp",
            "127.0.0.1:0",
            "--devices",
            "2",
        ])
        .arg("--host-key")
        .arg(&key)
        .args(["--user", "alice:secret", "--user", "bob:pw:read-only"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut out = Vec::new();
    let read = async {
        while let Some(l) = lines.next_line().await.expect("read") {
            let done = l.starts_with("ready");
            out.push(l);
            if done {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .expect("start-up output within 30 s");
    let text = out.join("\n");
    assert!(text.contains("ssh host key"), "{text}");
    assert!(text.contains("SHA256:"), "{text}");
    assert!(
        text.contains("alice/secret (super-user), bob/pw (read-only)"),
        "{text}"
    );
    let tcp: Vec<String> = out
        .iter()
        .filter(|l| l.trim_start().starts_with("device"))
        .filter_map(|l| l.split("tcp ").nth(1))
        .map(|a| a.trim().to_owned())
        .collect();
    assert_eq!(tcp.len(), 2, "one tcp address per device: {text}");
    // Each device has its own state: a commit on one leaves the other alone.
    let mut a = NetconfClient::connect_tcp(&tcp[0], SessionConfig::client(), Limits::client())
        .await
        .expect("device 0");
    let r = a
        .rpc("<edit-config><target><candidate/></target><config><configuration><system><host-name>zero</host-name></system></configuration></config></edit-config>")
        .await
        .expect("edit");
    assert!(r.reply.is_ok());
    assert!(a.rpc("<commit/>").await.expect("commit").reply.is_ok());
    let mut b = NetconfClient::connect_tcp(&tcp[1], SessionConfig::client(), Limits::client())
        .await
        .expect("device 1");
    let r = b
        .rpc("<get-config><source><running/></source></get-config>")
        .await
        .expect("get");
    let data = String::from_utf8_lossy(&r.raw);
    assert!(
        data.contains("<host-name>sim-mx480-1</host-name>"),
        "{data}"
    );
    let _ = child.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sim_rejects_bad_flags_with_clear_errors() {
    let cases: [(&[&str], &str); 6] = [
        (&["sim", "--user", "nopassword"], "NAME:PASSWORD"),
        (&["sim", "--mqtt-tls-cert", "cert.pem"], "--mqtt-tls-key"),
        (
            &[
                "sim",
                "--tcp",
                "127.0.0.1:0",
                "--mqtt",
                "127.0.0.1:0",
                "--mqtt-tls-cert",
                "/nonexistent/cert.pem",
                "--mqtt-tls-key",
                "/nonexistent/key.pem",
            ],
            "/nonexistent/cert.pem",
        ),
        (&["sim", "--capabilities", "base12"], "unknown capability"),
        (&["sim", "--fault", "delay"], "delay needs a value"),
        (
            &["sim", "--fault", "garbage-xml@sometimes"],
            "is not a trigger",
        ),
    ];
    for (args, want) in cases {
        let out = Command::new(BIN).args(args).output().expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let out = Command::new(BIN)
        .args([
            "sim",
            "--ssh",
            "127.0.0.1:20000",
            "--tcp",
            "127.0.0.1:20001",
            "--devices",
            "3",
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("overlap"));
}

#[test]
fn decode_still_works_beside_sim() {
    let out = Command::new(BIN)
        .args(["decode", "--help"])
        .output()
        .expect("run");
    assert!(out.status.success());
}

#[test]
fn run_prints_a_line_per_scenario_and_no_progress_bar_off_a_terminal() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let snapshots = std::env::temp_dir().join(format!("confuzz-cli-run-{}", std::process::id()));
    let out = Command::new(BIN)
        .current_dir(root)
        .args(["run", "scenarios/", "--filter", "rfc6242-"])
        .arg("--snapshots")
        .arg(&snapshots)
        .env_remove("CI")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("PASS ")).collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("PASS rfc6242-chunked [sim]")),
        "{stdout}"
    );
    assert!(
        stdout.contains("4 scenario runs: 4 passed, 0 failed"),
        "{stdout}"
    );
    // Piped stderr is not a terminal: no bar is drawn there.
    assert!(!stderr.contains("scenarios,"), "{stderr}");
}
