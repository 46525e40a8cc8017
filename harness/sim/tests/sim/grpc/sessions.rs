//! Logins and sessions: credentials, calls before login, the limit of 8
//! active sessions and its release when a client goes, unknown methods,
//! TLS with an RSA certificate.

use super::{GrpcServed, connect, logged_in, quick, serve_grpc};
use confuzz_net::grpc::proto::jnx::jet::authentication::LoginRequest;
use confuzz_net::grpc::proto::jnx::jet::management::{
    ConfigGetOutputFormat, ConfigLoadType, OpCommandOutputFormat,
};
use confuzz_net::grpc::{ClientOptions, Config, GrpcError, JetClient, OpCommand, ServerCheck};
use confuzz_sim::serve::grpc::GrpcOptions;
use std::time::Duration;
use tonic::Code;

fn code(e: &GrpcError) -> Option<Code> {
    match e {
        GrpcError::Status(s) => Some(s.code()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_accepts_a_device_user_and_refuses_a_wrong_password() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let mut c = connect(s.grpc).await;
    let err = c
        .login("admin", "wrong", "t")
        .await
        .expect_err("a wrong password is refused");
    assert!(
        matches!(&err, GrpcError::Failed(m) if m.contains("authentication failed")),
        "{err}"
    );
    assert!(s.service.active_sessions().is_empty());
    c.login("admin", "admin", "t").await.expect("admin/admin");
    let sessions = s.service.active_sessions();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].user, "admin");
    assert_eq!(sessions[0].client_id, "t");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn management_calls_before_login_are_unauthenticated() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let mut c = connect(s.grpc).await;
    let errors = [
        c.op_command(
            OpCommand::Cli("show version".into()),
            OpCommandOutputFormat::OpCommandOutputCli,
        )
        .await
        .expect_err("op command refused"),
        c.config_set(
            Config::Text("system { host-name x; }".into()),
            ConfigLoadType::ConfigLoadMerge,
            Some("c"),
        )
        .await
        .expect_err("config set refused"),
        c.ephemeral_get("", ConfigGetOutputFormat::ConfigGetOutputJson, &["/"])
            .await
            .expect_err("ephemeral get refused"),
        c.ephemeral_set("", Config::Json("{}".into()), false)
            .await
            .expect_err("ephemeral set refused"),
    ];
    for e in &errors {
        assert_eq!(code(e), Some(Code::Unauthenticated), "{e}");
        assert!(
            e.to_string()
                .contains("call /jnx.jet.authentication.Authentication/Login first"),
            "{e}"
        );
    }
    let host = s
        .device
        .lock()
        .running()
        .child("system")
        .and_then(|x| x.child_text("host-name"))
        .map(str::to_owned);
    assert_ne!(
        host.as_deref(),
        Some("x"),
        "the refused ConfigSet changed nothing"
    );
}

async fn wait_sessions(s: &GrpcServed, n: usize) {
    for _ in 0..100 {
        if s.service.active_sessions().len() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{} sessions active, expected {n}",
        s.service.active_sessions().len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ninth_session_is_refused_until_a_client_disconnects() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let mut clients = Vec::new();
    for _ in 0..8 {
        clients.push(logged_in(s.grpc, "operator", "operator").await);
    }
    let device_sessions = s.device.lock().sessions().len();
    let mut ninth = connect(s.grpc).await;
    let err = ninth
        .login("operator", "operator", "ninth")
        .await
        .expect_err("the ninth login is refused");
    assert_eq!(code(&err), Some(Code::ResourceExhausted), "{err}");
    assert!(err.to_string().contains("the limit is 8"), "{err}");
    // A second login on a channel already logged in takes no new slot.
    clients[0]
        .login("admin", "admin", "again")
        .await
        .expect("re-login on the same channel");
    drop(clients.pop());
    wait_sessions(&s, 7).await;
    assert_eq!(
        s.device.lock().sessions().len(),
        device_sessions - 1,
        "the device session ended with the connection"
    );
    ninth
        .login("operator", "operator", "ninth")
        .await
        .expect("the freed slot is taken");
    wait_sessions(&s, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_and_services_are_unimplemented() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let c = logged_in(s.grpc, "admin", "admin").await;
    for path in [
        "/jnx.jet.management.Management/NoSuchMethod",
        "/jnx.jet.authentication.Authentication/LoginCheck",
        "/no.such.Service/Call",
    ] {
        let mut grpc = tonic::client::Grpc::new(c.channel());
        grpc.ready().await.expect("channel ready");
        let r: Result<tonic::Response<LoginRequest>, tonic::Status> = grpc
            .unary(
                tonic::Request::new(LoginRequest::default()),
                tonic::codegen::http::uri::PathAndQuery::from_static(path),
                tonic_prost::ProstCodec::default(),
            )
            .await;
        let status = r.expect_err("an unknown method fails");
        assert_eq!(status.code(), Code::Unimplemented, "{path}: {status:?}");
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_an_rsa_certificate_carries_a_session() {
    let tls = confuzz_net::grpc::tls::server_config(
        &fixture("grpc-rsa-cert.pem"),
        &fixture("grpc-rsa-key.pem"),
    )
    .expect("server TLS config");
    let s = serve_grpc(GrpcOptions {
        tls: Some(tls),
        ..GrpcOptions::default()
    })
    .await;
    let addr = format!("localhost:{}", s.grpc.port());
    let verified = ClientOptions {
        tls: Some(ServerCheck::Ca(fixture("grpc-rsa-cert.pem"))),
        ..quick()
    };
    let mut c = JetClient::connect(&addr, verified)
        .await
        .expect("TLS connect");
    c.login("admin", "admin", "tls")
        .await
        .expect("login over TLS");
    let out = c
        .op_command(
            OpCommand::Cli("show version".into()),
            OpCommandOutputFormat::OpCommandOutputCli,
        )
        .await
        .expect("op command over TLS");
    assert!(out.starts_with("Hostname: "), "{out}");

    let insecure = ClientOptions {
        tls: Some(ServerCheck::Insecure),
        ..quick()
    };
    let mut c = JetClient::connect(&s.grpc.to_string(), insecure)
        .await
        .expect("TLS connect without checking");
    c.login("admin", "admin", "tls").await.expect("login");

    // A plain HTTP/2 client cannot talk to the TLS port.
    let plain = JetClient::connect(&s.grpc.to_string(), quick()).await;
    let refused = match plain {
        Err(_) => true,
        Ok(mut p) => p.login("admin", "admin", "plain").await.is_err(),
    };
    assert!(refused, "a plain client got through the TLS port");
}
