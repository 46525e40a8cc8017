//! JSON-RPC over https: a local TLS server (hyper behind tokio-rustls,
//! with a certificate made by rcgen for `localhost`) is trusted through the
//! target's CA file, refused without it, and reached with `insecure`.

use bytes::Bytes;
use confuzz_runner::parse::parse_str;
use confuzz_runner::run::{RunOptions, ScenarioOutcome, run_scenario};
use confuzz_runner::target::TargetsFile;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Answers every POST with a JSON-RPC result for id 1 and a session cookie.
async fn answer(
    _req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let body = r#"{"jsonrpc":"2.0","id":1,"result":{}}"#;
    Ok(Response::builder()
        .header("content-type", "application/json")
        .header("set-cookie", "sessionid=tls1; Path=/; HttpOnly")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_default())
}

/// A TLS JSON-RPC server on a loopback port, and the PEM file of its
/// self-signed certificate.
async fn tls_server() -> (u16, PathBuf, tokio::task::JoinHandle<()>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let dir = std::env::temp_dir().join(format!("confuzz-runner-https-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = dir.join(format!("ca-{}.pem", rand_suffix()));
    std::fs::write(&ca, certified.cert.pem()).expect("write CA");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(certified.cert.der().to_vec())],
        key,
    )
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let task = tokio::spawn(async move {
        // At most a few connections per test; each ends with its exchange.
        for _ in 0..16 {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service_fn(answer))
                        .await;
                }
            });
        }
    });
    (port, ca, task)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

async fn login(target_toml: &str, insecure: bool) -> ScenarioOutcome {
    let tf: TargetsFile = toml::from_str(target_toml).expect("toml");
    let target = tf.resolve("nso", insecure).expect("target");
    let scenario = parse_str(
        std::path::Path::new("t.yaml"),
        "name: t\nchannels: [jsonrpc]\nsteps:\n  - jsonrpc: {method: login, params: {user: admin, passwd: admin}}\n    expect: ok\n",
    )
    .expect("parses");
    run_scenario(&scenario, &target, &RunOptions::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_is_verified_against_the_target_ca_and_refused_without_it() {
    let (port, ca, server) = tls_server().await;
    let url = format!("jsonrpc-url = \"https://localhost:{port}/jsonrpc\"\ntags = [\"nso\"]\n");
    let o = login(
        &format!("[targets.nso]\n{url}tls-ca = \"{}\"\n", ca.display()),
        false,
    )
    .await;
    assert!(
        o.passed(),
        "{}",
        confuzz_runner::report::scenario_text(&o, false)
    );
    // The Mozilla roots do not vouch for a self-signed certificate.
    let o = login(&format!("[targets.nso]\n{url}"), false).await;
    let why = o.steps[0].failure.as_deref().unwrap_or("");
    assert!(
        why.contains("TLS with localhost:") && why.contains("certificate"),
        "{why}"
    );
    // --insecure reaches it anyway; so does the target's own setting.
    let o = login(&format!("[targets.nso]\n{url}"), true).await;
    assert!(
        o.passed(),
        "{}",
        confuzz_runner::report::scenario_text(&o, false)
    );
    let o = login(&format!("[targets.nso]\n{url}insecure = true\n"), false).await;
    assert!(
        o.passed(),
        "{}",
        confuzz_runner::report::scenario_text(&o, false)
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_file_without_certificates_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("confuzz-runner-https-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = dir.join("empty.pem");
    std::fs::write(&ca, "not a certificate\n").expect("write");
    let o = login(
        &format!(
            "[targets.nso]\njsonrpc-url = \"https://localhost:9/jsonrpc\"\ntags = [\"nso\"]\ntls-ca = \"{}\"\n",
            ca.display()
        ),
        false,
    )
    .await;
    let why = o.steps[0].failure.as_deref().unwrap_or("");
    assert!(
        why.contains("holds no certificate") && why.contains("PEM"),
        "{why}"
    );
}
