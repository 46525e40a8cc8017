//! Proof by a third-party peer: a Python grpcio client, with stubs that
//! grpcio-tools generates from the project's .proto files at test time,
//! logs in, runs an operational command and commits configuration; the
//! device shows the change. Without grpcio the test is skipped with a
//! reason, except under CI (`CI=true`), where it fails.

use super::{netconf_running, serve_grpc};
use crate::serve::scratch;
use confuzz_sim::serve::grpc::GrpcOptions;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn have_grpcio() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import grpc, grpc_tools"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = "python3 cannot import grpc and grpc_tools; install them with `python3 -m pip install grpcio grpcio-tools`";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{why} (CI=true: third-party client tests must run)"
        );
        eprintln!("skipped: {why}");
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpcio_client_logs_in_runs_a_command_and_commits_configuration() {
    if !have_grpcio() {
        return;
    }
    let s = serve_grpc(GrpcOptions::default()).await;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = manifest.join("tests/peers/grpc_jet_session.py");
    let protos = manifest.join("../net/proto");
    let out_dir = scratch("grpcio-stubs");
    let run = tokio::process::Command::new("python3")
        .arg(&script)
        .arg(s.grpc.port().to_string())
        .arg(&protos)
        .arg(&out_dir)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the grpcio client finished within 120 s")
        .expect("python3 started");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "grpcio client failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("BEFORE-LOGIN UNAUTHENTICATED"), "{stdout}");
    assert!(stdout.contains("LOGIN SUCCESS"), "{stdout}");
    let host = s.device.lock().config().hostname.clone();
    assert!(
        stdout.contains(&format!("<host-name>{host}</host-name>")),
        "{stdout}"
    );
    assert!(stdout.contains("CONFIG SUCCESS"), "{stdout}");

    let running = netconf_running(s.tcp).await;
    assert!(
        running.contains("<host-name>grpcio-peer</host-name>"),
        "{running}"
    );
    assert!(
        running.contains("<description>from grpcio</description>"),
        "{running}"
    );
    let dev = s.device.lock();
    let h = dev.history().next().expect("a commit");
    assert_eq!(h.comment.as_deref(), Some("committed by grpcio"));
    assert_eq!((h.user.as_str(), h.client.as_str()), ("admin", "grpc"));
}
