//! TLS client settings shared by the runner's HTTPS (JSON-RPC) and MQTT
//! (JET) connections: rustls with the ring provider, verification on by
//! default against the Mozilla roots (webpki-roots) or a target's own CA
//! file.
//!
//! `insecure` accepts any certificate chain for any name. The handshake
//! signatures are still verified, so the peer must hold the key of the
//! certificate it shows; only who vouches for that certificate goes
//! unchecked. The CLI prints a warning when it is on.

use confuzz_net::tls::AnyCertificate;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;

/// How a target's TLS servers are verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// A PEM file of CA certificates to trust instead of the Mozilla roots.
    pub ca: Option<PathBuf>,
    /// Accept any certificate (a warning is printed).
    pub insecure: bool,
}

impl TlsSettings {
    /// The rustls client configuration these settings describe.
    pub fn client_config(&self) -> Result<Arc<rustls::ClientConfig>, String> {
        client_config(self.ca.as_deref(), self.insecure)
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A rustls client configuration: roots from `ca` (PEM) or webpki-roots,
/// or no chain verification at all when `insecure`.
pub fn client_config(
    ca: Option<&Path>,
    insecure: bool,
) -> Result<Arc<rustls::ClientConfig>, String> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?;
    let config = if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider())))
            .with_no_client_auth()
    } else {
        builder
            .with_root_certificates(roots(ca)?)
            .with_no_client_auth()
    };
    Ok(Arc::new(config))
}

fn roots(ca: Option<&Path>) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    let Some(ca) = ca else {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(roots);
    };
    let what = |e: &dyn std::fmt::Display| {
        format!(
            "TLS CA file {}: {e}; give a PEM file of CA certificates",
            ca.display()
        )
    };
    for cert in CertificateDer::pem_file_iter(ca).map_err(|e| what(&e))? {
        roots
            .add(cert.map_err(|e| what(&e))?)
            .map_err(|e| what(&e))?;
    }
    if roots.is_empty() {
        return Err(what(&"it holds no certificate"));
    }
    Ok(roots)
}
