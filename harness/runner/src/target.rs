//! Targets: the built-in simulated device, and real devices named in a
//! targets file (`confuzz.toml`).
//!
//! ```toml
//! [targets.lab-mx]
//! address = "192.0.2.10:830"       # NETCONF over SSH
//! user = "lab"
//! password-env = "LAB_MX_PASSWORD" # or key-file = "~/.ssh/id_ed25519"
//! host-key = "SHA256:..."          # or known-hosts = "~/.ssh/known_hosts"
//! profile = "junos"                # snapshots/junos/, and the `junos` tag runs
//! tags = ["junos"]
//! jsonrpc-url = "https://192.0.2.10:8888/jsonrpc" # JSON-RPC steps (`nso` tag)
//! mqtt-broker = "mqtts://192.0.2.10:8883"   # JET events (`jet` tag); or host:port
//! mqtt-user = "jet"
//! mqtt-password-env = "LAB_MX_MQTT_PASSWORD"
//! grpc-endpoint = "grpcs://192.0.2.10:32767" # JET gRPC calls; grpc:// or host:port is plain
//! grpc-user = "jet"                # default: `user`
//! grpc-password-env = "LAB_MX_JET_PASSWORD" # default: `password-env`
//! tls-ca = "lab-ca.pem"            # CA of the HTTPS, MQTT and gRPC servers (default: the Mozilla roots; gRPC needs it or `insecure`)
//! [targets.lab-mx.vars]
//! oper_rpc = "<get-software-information/>"
//! ```

use confuzz_net::ssh::{ClientAuth, HostKeyCheck, SshClientConfig};
use confuzz_sim::DeviceConfig;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The name of the built-in simulated device.
pub const BUILTIN: &str = "sim";

/// A targets file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TargetsFile {
    /// The targets by name.
    #[serde(default)]
    pub targets: BTreeMap<String, TargetSpec>,
}

/// One target as written in the targets file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TargetSpec {
    /// `host:port` of the NETCONF SSH service; absent for the built-in device.
    #[serde(default)]
    pub address: Option<String>,
    /// `host:port` of the Junos XML protocol (SSH, exec `junoscript`);
    /// defaults to `address`.
    #[serde(default)]
    pub junoscript_address: Option<String>,
    /// The SSH user.
    #[serde(default)]
    pub user: Option<String>,
    /// The environment variable holding the password (never the password itself).
    #[serde(default)]
    pub password_env: Option<String>,
    /// A private key file.
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// The host key's SHA256 fingerprint.
    #[serde(default)]
    pub host_key: Option<String>,
    /// A known_hosts file to check the host key against.
    #[serde(default)]
    pub known_hosts: Option<PathBuf>,
    /// Skip SSH host-key and TLS certificate verification (a warning is printed).
    #[serde(default)]
    pub insecure: bool,
    /// The snapshot profile (folder under `snapshots/`); default the target's name.
    #[serde(default)]
    pub profile: Option<String>,
    /// Tags: scenarios tagged with a vendor tag (`junos`, `nso`, `jet`) run
    /// only on targets carrying it.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Target variables (device-specific content for scenarios).
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// The JSON-RPC URL (`http://` or `https://host:port/jsonrpc`) that
    /// `jsonrpc` steps POST to. A target with only this (no `address`) serves JSON-RPC
    /// scenarios alone.
    #[serde(default)]
    pub jsonrpc_url: Option<String>,
    /// The MQTT broker publishing the device's JET events, for `jet`
    /// steps: `host:port`, `mqtt://host[:port]` or `mqtts://host[:port]` (TLS).
    #[serde(default)]
    pub mqtt_broker: Option<String>,
    /// The MQTT user name, if the broker wants one.
    #[serde(default)]
    pub mqtt_user: Option<String>,
    /// The environment variable holding the MQTT password.
    #[serde(default)]
    pub mqtt_password_env: Option<String>,
    /// A CA file (PEM) for the MQTT broker's certificate; default `tls-ca`.
    #[serde(default)]
    pub mqtt_tls_ca: Option<PathBuf>,
    /// The JET gRPC server, for `jet: {grpc: ...}` steps: `host:port`,
    /// `grpc://host:port` (plain) or `grpcs://host:port` (TLS, checked
    /// against `tls-ca`, or not at all with `insecure`).
    #[serde(default)]
    pub grpc_endpoint: Option<String>,
    /// The user a gRPC `login` uses by default; default `user`.
    #[serde(default)]
    pub grpc_user: Option<String>,
    /// The environment variable holding the gRPC password; default
    /// `password-env`.
    #[serde(default)]
    pub grpc_password_env: Option<String>,
    /// A CA file (PEM) for the target's TLS servers (HTTPS JSON-RPC, MQTT
    /// over TLS); without it the Mozilla roots (webpki-roots) are trusted.
    #[serde(default)]
    pub tls_ca: Option<PathBuf>,
}

/// Why a target cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The targets file cannot be read.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// No target has this name.
    #[error("no target named {name:?} (known: {known}){hint}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names known.
        known: String,
        /// A suggestion.
        hint: String,
    },
    /// The target's settings are incomplete.
    #[error("target {name}: {message}")]
    Invalid {
        /// The target.
        name: String,
        /// What is missing.
        message: String,
    },
}

/// A target ready to run scenarios against.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its name.
    pub name: String,
    /// Its snapshot profile.
    pub profile: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its variables.
    pub vars: BTreeMap<String, String>,
    /// Its JSON-RPC URL (real targets; the built-in device serves its own).
    pub jsonrpc_url: Option<String>,
    /// Its MQTT broker (real targets; the built-in device serves its own).
    pub mqtt: Option<crate::jet::MqttBroker>,
    /// Its JET gRPC server (real targets; the built-in device serves its own).
    pub grpc: Option<crate::grpc::GrpcEndpoint>,
    /// How its TLS servers are verified.
    pub tls: crate::tls::TlsSettings,
    /// Where it is.
    pub kind: TargetKind,
}

/// Where a target is.
#[derive(Debug, Clone)]
pub enum TargetKind {
    /// A simulated device started in-process for each scenario.
    Builtin(Box<DeviceConfig>),
    /// A real device over SSH.
    Remote {
        /// NETCONF `host:port`.
        address: String,
        /// Junos XML protocol `host:port`.
        junoscript_address: String,
        /// SSH settings.
        ssh: Arc<SshClientConfig>,
    },
    /// A real server reached over JSON-RPC or MQTT only (no NETCONF `address`).
    JsonRpcOnly,
}

impl Target {
    /// The built-in simulated device with `config`.
    pub fn builtin(config: DeviceConfig) -> Target {
        let mut vars = BTreeMap::new();
        vars.insert("hostname".into(), config.hostname.clone());
        vars.insert("serial_number".into(), config.serial_number.clone());
        Target {
            name: BUILTIN.into(),
            profile: BUILTIN.into(),
            tags: builtin_tags(),
            vars,
            jsonrpc_url: None,
            mqtt: None,
            grpc: None,
            tls: Default::default(),
            kind: TargetKind::Builtin(Box::new(config)),
        }
    }

    /// Whether scenarios tagged `tag` are meant for this target: vendor
    /// tags (`junos`, `nso`, `jet`) need the target to carry them.
    pub fn accepts(&self, scenario_tags: &[String]) -> bool {
        scenario_tags
            .iter()
            .filter(|t| matches!(t.as_str(), "junos" | "nso" | "jet"))
            .all(|t| self.tags.contains(t))
    }
}

/// The tags of the built-in device: it serves every vendor's protocols.
fn builtin_tags() -> Vec<String> {
    ["junos", "netconf", "nso", "jet"]
        .into_iter()
        .map(String::from)
        .collect()
}

impl TargetsFile {
    /// Reads a targets file.
    pub fn load(path: &Path) -> Result<TargetsFile, TargetError> {
        let text = std::fs::read_to_string(path).map_err(|e| TargetError::File {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| TargetError::File {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// The target `name` (`sim` is always the built-in device unless the
    /// file defines it); `insecure` turns host-key checks off.
    pub fn resolve(&self, name: &str, insecure: bool) -> Result<Target, TargetError> {
        let Some(spec) = self.targets.get(name) else {
            if name == BUILTIN {
                return Ok(Target::builtin(DeviceConfig::default()));
            }
            let known: Vec<&str> = std::iter::once(BUILTIN)
                .chain(self.targets.keys().map(String::as_str))
                .collect();
            let hint = crate::parse::closest(name, known.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            return Err(TargetError::Unknown {
                name: name.into(),
                known: known.join(", "),
                hint,
            });
        };
        let invalid = |m: &str| TargetError::Invalid {
            name: name.into(),
            message: m.into(),
        };
        let mut builtin_vars = BTreeMap::new();
        if let Some(u) = &spec.jsonrpc_url {
            crate::http::HttpUrl::parse(u).map_err(|e| invalid(&format!("jsonrpc-url: {e}")))?;
        }
        let tls = crate::tls::TlsSettings {
            ca: spec.tls_ca.clone(),
            insecure: insecure || spec.insecure,
        };
        let mqtt = match &spec.mqtt_broker {
            None => None,
            Some(a) => {
                let mut b = crate::jet::MqttBroker::parse(a)
                    .map_err(|e| invalid(&format!("mqtt-broker: {e}")))?;
                b.user = spec.mqtt_user.clone();
                if let Some(var) = &spec.mqtt_password_env {
                    b.password = Some(std::env::var(var).map_err(|_| {
                        invalid(&format!(
                            "the MQTT password is read from ${var}, which is not set"
                        ))
                    })?);
                }
                b.tls_settings = crate::tls::TlsSettings {
                    ca: spec.mqtt_tls_ca.clone().or(spec.tls_ca.clone()),
                    insecure: tls.insecure,
                };
                Some(b)
            }
        };
        let grpc = grpc_endpoint(spec, tls.insecure).map_err(|e| invalid(&e))?;
        let kind = match &spec.address {
            None if spec.jsonrpc_url.is_some() || mqtt.is_some() || grpc.is_some() => {
                TargetKind::JsonRpcOnly
            }
            None => {
                let t = Target::builtin(DeviceConfig::default());
                builtin_vars = t.vars;
                t.kind
            }
            Some(address) => {
                let user = spec
                    .user
                    .clone()
                    .ok_or_else(|| invalid("`user` is required with `address`"))?;
                let auth = if let Some(var) = &spec.password_env {
                    let pw = std::env::var(var).map_err(|_| {
                        invalid(&format!(
                            "the password is read from ${var}, which is not set"
                        ))
                    })?;
                    ClientAuth::Password(pw)
                } else if let Some(key) = &spec.key_file {
                    let k = confuzz_net::ssh::PrivateKey::read_openssh_file(key)
                        .map_err(|e| invalid(&format!("key file {}: {e}", key.display())))?;
                    ClientAuth::Key(Arc::new(k))
                } else {
                    return Err(invalid("give `password-env` or `key-file`"));
                };
                let host_key = if insecure || spec.insecure {
                    HostKeyCheck::Insecure
                } else if let Some(fp) = &spec.host_key {
                    HostKeyCheck::Fingerprint(fp.clone())
                } else if let Some(kh) = &spec.known_hosts {
                    HostKeyCheck::KnownHosts(kh.clone())
                } else {
                    return Err(invalid(
                        "give `host-key` (SHA256 fingerprint) or `known-hosts`; `--insecure` skips the check",
                    ));
                };
                let ssh = SshClientConfig {
                    user,
                    auth,
                    host_key,
                    subsystem: "netconf".into(),
                    exec: false,
                    connect_timeout: Duration::from_secs(30),
                };
                TargetKind::Remote {
                    address: address.clone(),
                    junoscript_address: spec
                        .junoscript_address
                        .clone()
                        .unwrap_or_else(|| address.clone()),
                    ssh: Arc::new(ssh),
                }
            }
        };
        builtin_vars.extend(spec.vars.clone());
        Ok(Target {
            name: name.into(),
            profile: spec.profile.clone().unwrap_or_else(|| name.into()),
            tags: if matches!(kind, TargetKind::Builtin(_)) && spec.tags.is_empty() {
                builtin_tags()
            } else {
                spec.tags.clone()
            },
            vars: builtin_vars,
            jsonrpc_url: spec.jsonrpc_url.clone(),
            mqtt,
            grpc,
            tls,
            kind,
        })
    }
}

/// The target's JET gRPC server and login, if it names one.
fn grpc_endpoint(
    spec: &TargetSpec,
    insecure: bool,
) -> Result<Option<crate::grpc::GrpcEndpoint>, String> {
    let Some(a) = &spec.grpc_endpoint else {
        return Ok(None);
    };
    let check = if insecure {
        confuzz_net::grpc::ServerCheck::Insecure
    } else if let Some(ca) = &spec.tls_ca {
        let pem = std::fs::read(ca).map_err(|e| format!("tls-ca {}: {e}", ca.display()))?;
        confuzz_net::grpc::ServerCheck::Ca(pem)
    } else if a.starts_with("grpcs://") {
        return Err(
            "grpc-endpoint over TLS needs `tls-ca` (the CA of the device's certificate), or `insecure = true`"
                .into(),
        );
    } else {
        confuzz_net::grpc::ServerCheck::Insecure
    };
    let mut g =
        crate::grpc::GrpcEndpoint::parse(a, check).map_err(|e| format!("grpc-endpoint: {e}"))?;
    g.user = spec.grpc_user.clone().or(spec.user.clone());
    if let Some(var) = spec
        .grpc_password_env
        .as_ref()
        .or(spec.password_env.as_ref())
    {
        g.password = Some(
            std::env::var(var)
                .map_err(|_| format!("the gRPC password is read from ${var}, which is not set"))?,
        );
    }
    Ok(Some(g))
}
