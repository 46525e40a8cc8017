//! Host keys kept on disk, so clients can pin them across restarts.

use crate::NetError;
use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, HashAlg, PrivateKey, PublicKey};
use std::path::Path;

/// The key at `path`, or a new ed25519 key written there (mode 0600 on
/// Unix) when the file does not exist yet.
pub fn load_or_create_host_key(path: &Path) -> Result<PrivateKey, NetError> {
    let shown = path.display().to_string();
    let err = |message: String| NetError::HostKey {
        path: shown.clone(),
        message,
    };
    if path.exists() {
        return russh::keys::load_secret_key(path, None).map_err(|e| {
            err(format!(
                "cannot read it as an unencrypted OpenSSH private key ({e}); remove it to have a new one made"
            ))
        });
    }
    let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
        .map_err(|e| err(format!("cannot generate a key: {e}")))?;
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| err(format!("cannot encode the key: {e}")))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| err(format!("cannot create its folder: {e}")))?;
    }
    write_private(path, text.as_bytes()).map_err(|e| err(format!("cannot write it: {e}")))?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// The key's SHA256 fingerprint as OpenSSH prints it (`SHA256:...`).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}
