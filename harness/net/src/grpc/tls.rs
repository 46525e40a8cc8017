//! TLS for JET gRPC, with rustls and the ring provider: TLS 1.2 and 1.3
//! only, ALPN `h2` (gRPC clients such as grpcio refuse a server that does
//! not select it), certificates and keys from PEM.

use super::GrpcError;
use crate::tls::AnyCertificate;
use std::sync::Arc;
use tokio_rustls::rustls::crypto::{CryptoProvider, ring};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, ServerConfig};

const H2: &[u8] = b"h2";

fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

fn tls_err(what: &str, e: impl std::fmt::Display) -> GrpcError {
    GrpcError::Tls(format!("{what}: {e}"))
}

/// Certificates from PEM text; an error names `what` when there are none.
pub fn certs_from_pem(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, GrpcError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| tls_err(&format!("reading the certificates of {what}"), e))?;
    if certs.is_empty() {
        return Err(GrpcError::Tls(format!(
            "{what} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certs)
}

/// The server's TLS settings from its certificate chain and private key
/// (PEM; RSA or ECDSA keys, PKCS#8 or PKCS#1).
pub fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<ServerConfig>, GrpcError> {
    let certs = certs_from_pem(cert_pem, "the certificate file")?;
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
        tls_err(
            "reading the private key (expected a PEM RSA, EC or PKCS#8 key)",
            e,
        )
    })?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| tls_err("TLS versions", e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| tls_err("the certificate does not go with the key", e))?;
    config.alpn_protocols = vec![H2.to_vec()];
    Ok(Arc::new(config))
}

/// How a client checks the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerCheck {
    /// Against these CA certificates (PEM).
    Ca(Vec<u8>),
    /// Not at all: any certificate is accepted. For lab devices with
    /// self-signed certificates only; the connection is then open to a
    /// man in the middle.
    Insecure,
}

/// The client's TLS settings.
pub fn client_config(check: &ServerCheck) -> Result<Arc<ClientConfig>, GrpcError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| tls_err("TLS versions", e))?;
    let mut config = match check {
        ServerCheck::Ca(pem) => {
            let mut roots = RootCertStore::empty();
            for c in certs_from_pem(pem, "the CA file")? {
                roots
                    .add(c)
                    .map_err(|e| tls_err("adding a CA certificate", e))?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        ServerCheck::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider())))
            .with_no_client_auth(),
    };
    config.alpn_protocols = vec![H2.to_vec()];
    Ok(Arc::new(config))
}
