//! JET over MQTT with TLS: the embedded broker terminating TLS with an RSA
//! certificate, and the device publishing to an external broker over TLS
//! (see `mosquitto.rs`). The certificates are made for each test by the
//! `openssl` tool: a CA, and a server certificate it signs for 127.0.0.1
//! and localhost.
//!
//! Without openssl the tests are skipped with a reason, except under CI
//! (`CI=true`), where they fail.

use super::broker::{commit_interface, next};
use crate::serve::{scratch, serve_default};
use confuzz_sim::serve::mqtt::{self, MqttError, MqttOptions, MqttStats, ServerTls};
use confuzz_wire::jet::parse_event;
use rumqttc::{AsyncClient, ConnectionError, EventLoop, Incoming, QoS, TlsConfiguration};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::rustls;

/// A CA and the server certificate and RSA key it signed, as PEM files.
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Runs openssl with `args` in `dir`; panics with its stderr on failure.
fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes the RSA certificates in a fresh directory, or `None` (skip) when
/// openssl is missing; under CI a missing openssl fails.
pub fn rsa_certificates(name: &str) -> Option<TlsFiles> {
    let found = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let why = "openssl is not installed (apt-get install openssl)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
        eprintln!("skipped: {why}");
        return None;
    }
    let dir = scratch(name);
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=confuzz test CA",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .expect("write server.ext");
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "2",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.pem",
        ],
    );
    Some(TlsFiles {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    })
}

/// A client configuration trusting only the CA of `ca`.
fn client_tls(ca: &Path) -> TlsConfiguration {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).expect("ca file") {
        roots.add(c.expect("ca cert")).expect("ca added");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConfiguration::Rustls(Arc::new(config))
}

fn client(broker: SocketAddr, tls: Option<TlsConfiguration>) -> (AsyncClient, EventLoop) {
    let mut o = rumqttc::MqttOptions::new("jet-tls-sub", "127.0.0.1", broker.port());
    o.set_keep_alive(Duration::from_secs(5));
    if let Some(t) = tls {
        o.set_transport(rumqttc::Transport::tls_with_config(t));
    }
    AsyncClient::new(o, 16)
}

fn embedded_tls(files: &TlsFiles) -> MqttOptions {
    let mut o = MqttOptions::embedded(SocketAddr::from(([127, 0, 0, 1], 0)));
    o.server_tls = Some(ServerTls {
        cert: files.cert.clone(),
        key: files.key.clone(),
    });
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_client_of_the_embedded_broker_receives_the_events_of_a_commit() {
    let Some(files) = rsa_certificates("mqtt-tls") else {
        return;
    };
    let served = serve_default().await;
    let jet = mqtt::start(&served.device, embedded_tls(&files))
        .await
        .expect("broker starts with the RSA certificate");
    let broker = jet.broker_addr.expect("address");
    let (c, mut el) = client(broker, Some(client_tls(&files.ca)));
    c.subscribe("/junos/events/#", QoS::AtMostOnce)
        .await
        .expect("subscribe queued");
    while !matches!(next(&mut el).await.expect("connected"), Incoming::SubAck(_)) {}
    commit_interface(served.tcp).await;
    let publish = loop {
        if let Incoming::Publish(p) = next(&mut el).await.expect("connected") {
            break p;
        }
    };
    assert_eq!(
        publish.topic,
        "/junos/events/kernel/interfaces/ifd/add/ge-0/0/9"
    );
    let event = parse_event(&publish.payload).expect("event parses");
    assert!(event.violations.is_empty(), "{:?}", event.violations);
    assert_eq!(event.value.attribute("name"), Some("ge-0/0/9".into()));

    // A client speaking plain MQTT to the TLS port gets no session.
    let (_plain, mut el) = client(broker, None);
    let r = next(&mut el).await;
    assert!(
        !matches!(r, Ok(Incoming::ConnAck(_))),
        "plain MQTT got an answer: {r:?}"
    );
    let mut spins = 0u32;
    while MqttStats::get(&jet.stats.tls_failed) == 0 {
        spins += 1;
        assert!(spins < 1000, "the failed handshake was not counted");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_not_trusting_the_broker_certificate_is_not_connected() {
    let Some(files) = rsa_certificates("mqtt-tls-untrusted") else {
        return;
    };
    let Some(other) = rsa_certificates("mqtt-tls-other-ca") else {
        return;
    };
    let served = serve_default().await;
    let jet = mqtt::start(&served.device, embedded_tls(&files))
        .await
        .expect("broker starts");
    let (_c, mut el) = client(
        jet.broker_addr.expect("address"),
        Some(client_tls(&other.ca)),
    );
    match next(&mut el).await {
        Err(ConnectionError::Tls(_)) => {}
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_is_not_the_certificates_is_refused_at_start() {
    let Some(files) = rsa_certificates("mqtt-tls-mismatch") else {
        return;
    };
    let Some(other) = rsa_certificates("mqtt-tls-mismatch-other") else {
        return;
    };
    let served = serve_default().await;
    let mut o = embedded_tls(&files);
    o.server_tls = Some(ServerTls {
        cert: files.cert.clone(),
        key: other.key.clone(),
    });
    let err = mqtt::start(&served.device, o).await.expect_err("refused");
    assert!(matches!(err, MqttError::ServerCert(_)), "{err}");
    assert!(err.to_string().contains("server.key"), "{err}");
    let mut o = embedded_tls(&files);
    o.server_tls = Some(ServerTls {
        cert: files.key.clone(),
        key: files.key.clone(),
    });
    let err = mqtt::start(&served.device, o).await.expect_err("refused");
    assert!(err.to_string().contains("no certificate"), "{err}");
}
