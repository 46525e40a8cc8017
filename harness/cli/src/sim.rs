//! `confuzz sim`: serve simulated NETCONF / Junos XML devices.
//!
//! Each service is switched on by its listen address. With none given, the
//! device is served over SSH on 127.0.0.1:10830 (NETCONF's port 830 shifted
//! by 10000 into the unprivileged range) and over raw TCP on
//! 127.0.0.1:11830, and NSO's JSON-RPC API over HTTP on 127.0.0.1:18080
//! (NSO's port 8080 shifted the same way), and JET events are published
//! by an embedded MQTT broker on 127.0.0.1:11883 (MQTT's 1883, shifted), or
//! to the external broker of `--mqtt-broker`, and the JET services are
//! served over gRPC on 127.0.0.1:32767 (JET's port, unprivileged already).
//! With `--devices N`, device i (from 0) listens on each service's port + i.

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use confuzz_net::ssh::{
    PublicKey, SshServer, SshServerConfig, fingerprint, load_or_create_host_key,
};
use confuzz_sim::config::{Capabilities, DeviceConfig, LoginClass, User};
use confuzz_sim::fault::{Fault, FaultPlan, Trigger};
use confuzz_sim::serve::grpc::{GrpcOptions, serve_grpc};
use confuzz_sim::serve::http::{HttpOptions, serve_http};
use confuzz_sim::serve::mqtt::{self, AllowList, MqttOptions, MqttTarget};
use confuzz_sim::serve::netconf::ServeOptions;
use confuzz_sim::serve::{SimAuth, SimDevice, SimSsh, serve_stdio, serve_tcp, tcp_user};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The SSH address served when no service flag is given.
pub const DEFAULT_SSH: &str = "127.0.0.1:10830";
/// The raw TCP address served when no service flag is given.
pub const DEFAULT_TCP: &str = "127.0.0.1:11830";
/// The HTTP (NSO JSON-RPC) address served when no service flag is given.
pub const DEFAULT_HTTP: &str = "127.0.0.1:18080";
/// The embedded MQTT broker's address when no service flag is given.
pub const DEFAULT_MQTT: &str = "127.0.0.1:11883";
/// The JET gRPC address when no service flag is given.
pub const DEFAULT_GRPC: &str = "127.0.0.1:32767";

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Serve NETCONF (subsystem `netconf`) and the Junos XML protocol (exec
    /// or subsystem `junoscript`) over SSH on ADDR (host:port; port 0 picks one).
    #[arg(long, value_name = "ADDR")]
    pub ssh: Option<SocketAddr>,

    /// Serve NETCONF over raw TCP (no authentication: sessions run as the
    /// first super-user) on ADDR.
    #[arg(long, value_name = "ADDR")]
    pub tcp: Option<SocketAddr>,

    /// Serve NSO's JSON-RPC API over HTTP (`POST /jsonrpc`, login with a
    /// device user) on ADDR, over the same device state as NETCONF.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,

    /// Publish JET events (a commit's kernel and syslog events) from an
    /// embedded MQTT broker listening on ADDR.
    #[arg(long, value_name = "ADDR", conflicts_with = "mqtt_broker")]
    pub mqtt: Option<SocketAddr>,

    /// Publish JET events to the external MQTT broker at HOST:PORT (e.g.
    /// mosquitto) instead of an embedded one.
    #[arg(long, value_name = "HOST:PORT", value_parser = parse_broker)]
    pub mqtt_broker: Option<(String, u16)>,

    /// A client address or prefix the embedded broker admits (JET's
    /// allow-clients), repeatable; replaces the default, loopback only.
    #[arg(long = "mqtt-allow-client", value_name = "ADDR[/LEN]")]
    pub mqtt_allow_clients: Vec<String>,

    /// MQTT user name: given to the external broker, and required from the
    /// embedded broker's clients.
    #[arg(long, value_name = "NAME")]
    pub mqtt_user: Option<String>,

    /// MQTT password going with --mqtt-user.
    #[arg(long, value_name = "PASSWORD", requires = "mqtt_user")]
    pub mqtt_password: Option<String>,

    /// Reach the external broker over TLS, trusting the CA certificates of
    /// this PEM file.
    #[arg(long, value_name = "PATH", requires = "mqtt_broker")]
    pub mqtt_ca: Option<PathBuf>,

    /// Serve the embedded broker's clients over TLS (1.2 or later) with the
    /// certificate chain of this PEM file (RSA or ECDSA key, see --mqtt-tls-key).
    #[arg(
        long,
        value_name = "PEM",
        requires = "mqtt_tls_key",
        conflicts_with = "mqtt_broker"
    )]
    pub mqtt_tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --mqtt-tls-cert.
    #[arg(long, value_name = "PEM", requires = "mqtt_tls_cert")]
    pub mqtt_tls_key: Option<PathBuf>,

    /// Serve the JET services (authentication, management) over gRPC on
    /// ADDR; clients log in with a device user.
    #[arg(long, value_name = "ADDR")]
    pub grpc: Option<SocketAddr>,

    /// Serve gRPC over TLS (1.2 or later) with the certificate chain of
    /// this PEM file (RSA or ECDSA).
    #[arg(long, value_name = "PATH", requires = "grpc_tls_key")]
    pub grpc_tls_cert: Option<PathBuf>,

    /// The PEM private key going with --grpc-tls-cert.
    #[arg(long, value_name = "PATH", requires = "grpc_tls_cert")]
    pub grpc_tls_key: Option<PathBuf>,

    /// Serve one NETCONF session on standard input and output, e.g. as an
    /// OpenSSH `Subsystem netconf /path/to/confuzz sim --stdio` command.
    #[arg(long, conflicts_with_all = ["ssh", "tcp", "http", "grpc", "devices", "mqtt", "mqtt_broker"])]
    pub stdio: bool,

    /// How many devices to serve, each with its own state, on consecutive ports.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=10000))]
    pub devices: u16,

    /// Write a targets file naming every device served over SSH (`sim-0000`,
    /// `sim-0001`, ...; tag `fleet`), for `confuzz run --targets-file PATH
    /// --target 'sim-*'`. Its targets read the password from
    /// $CONFUZZ_SIM_PASSWORD.
    #[arg(long, value_name = "PATH")]
    pub targets_out: Option<PathBuf>,

    /// The SSH host key file; made (ed25519) on first use and kept, so
    /// clients can pin its fingerprint.
    #[arg(
        long,
        value_name = "PATH",
        default_value = ".confuzz/sim_host_ed25519_key"
    )]
    pub host_key: PathBuf,

    /// A user as NAME:PASSWORD[:CLASS] (class: super-user, operator,
    /// read-only, unauthorized; default super-user). Repeatable; replaces
    /// the default users admin:admin and operator:operator (read-only).
    #[arg(long = "user", value_name = "NAME:PASSWORD[:CLASS]", value_parser = parse_user)]
    pub users: Vec<User>,

    /// A public key a user may log in with over SSH, as USER:PATH to an
    /// OpenSSH public key file. Repeatable.
    #[arg(long = "authorized-key", value_name = "USER:PATH")]
    pub authorized_keys: Vec<String>,

    /// The capabilities advertised, comma-separated: a preset (`default`,
    /// `minimal`) and/or names switched on (`base11`, `candidate`,
    /// `confirmed-commit`, `validate`, `startup`, `writable-running`,
    /// `rollback-on-error`, `notification`, `interleave`, `with-defaults`,
    /// `junos`); a name with a leading `-` switches it off; `base10` alone
    /// means base:1.0 only.
    #[arg(long, value_name = "LIST", default_value = "default", value_parser = parse_capabilities)]
    pub capabilities: Capabilities,

    /// A fault every session gets, repeatable: `delay=MS[@WHEN]`,
    /// `drop-after=N`, `malformed-frame[@WHEN]`, `chunked-hello`,
    /// `wrong-message-id[@WHEN]`, `duplicate-reply[@WHEN]`,
    /// `warning-on-success[@WHEN]`, `garbage-xml[@WHEN]`; WHEN is `always`
    /// (default), `N` (the N-th message), `every:N` or `from:N`.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    pub faults: Vec<Fault>,

    /// The device's host name (with several devices, `-N` is appended).
    #[arg(long, default_value = "sim-mx480")]
    pub hostname: String,
}

fn parse_user(s: &str) -> Result<User, String> {
    let mut parts = s.splitn(3, ':');
    let (Some(name), Some(password)) = (parts.next(), parts.next()) else {
        return Err(format!("{s:?}: write NAME:PASSWORD or NAME:PASSWORD:CLASS"));
    };
    if name.is_empty() {
        return Err(format!("{s:?}: the user name is empty"));
    }
    let class = match parts.next() {
        None => LoginClass::SuperUser,
        Some(c) => LoginClass::parse(c).ok_or_else(|| {
            format!(
                "{c:?} is not a login class; use super-user, operator, read-only or unauthorized"
            )
        })?,
    };
    Ok(User::new(name, password, class))
}

fn parse_broker(s: &str) -> Result<(String, u16), String> {
    let bad = || format!("{s:?}: write HOST:PORT, e.g. 127.0.0.1:1883 or [::1]:1883");
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = port.parse::<u16>().map_err(|_| bad())?;
    if host.is_empty() || port == 0 {
        return Err(bad());
    }
    Ok((host.to_owned(), port))
}

fn parse_capabilities(s: &str) -> Result<Capabilities, String> {
    let mut caps = Capabilities::default();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (on, name) = match item.strip_prefix('-') {
            Some(n) => (false, n),
            None => (true, item),
        };
        match name {
            "default" => caps = Capabilities::default(),
            "minimal" => caps = Capabilities::minimal(),
            "base10" => caps.base_1_1 = !on,
            "base11" => caps.base_1_1 = on,
            "candidate" => caps.candidate = on,
            "confirmed-commit" => caps.confirmed_commit = on,
            "validate" => caps.validate = on,
            "startup" => caps.startup = on,
            "writable-running" => caps.writable_running = on,
            "rollback-on-error" => caps.rollback_on_error = on,
            "notification" => caps.notification = on,
            "interleave" => caps.interleave = on,
            "with-defaults" => caps.with_defaults = on,
            "junos" => caps.junos = on,
            other => {
                return Err(format!(
                    "unknown capability {other:?}; use default, minimal, base10, base11, candidate, confirmed-commit, validate, startup, writable-running, rollback-on-error, notification, interleave, with-defaults or junos"
                ));
            }
        }
    }
    Ok(caps)
}

fn parse_trigger(s: Option<&str>) -> Result<Trigger, String> {
    let bad = |s: &str| format!("{s:?} is not a trigger; use always, N, every:N or from:N");
    let num = |n: &str, s: &str| n.parse::<u32>().map_err(|_| bad(s));
    Ok(match s {
        None | Some("always") => Trigger::Always,
        Some(s) => match s.split_once(':') {
            Some(("every", n)) => Trigger::EveryNth(num(n, s)?),
            Some(("from", n)) => Trigger::From(num(n, s)?),
            Some(_) => return Err(bad(s)),
            None => Trigger::Nth(num(s, s)?),
        },
    })
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    let (head, when) = match s.split_once('@') {
        Some((h, w)) => (h, Some(w)),
        None => (s, None),
    };
    let (name, value) = match head.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (head, None),
    };
    let when = parse_trigger(when)?;
    let need = |what: &str| {
        value
            .ok_or_else(|| format!("{name} needs a value: {name}={what}"))
            .and_then(|v| {
                v.parse::<u64>()
                    .map_err(|_| format!("{v:?} is not a number"))
            })
    };
    Ok(match name {
        "delay" => Fault::Delay {
            when,
            delay: Duration::from_millis(need("MILLISECONDS")?),
        },
        "drop-after" => Fault::DropAfter {
            messages: u32::try_from(need("MESSAGES")?)
                .map_err(|_| "too many messages".to_owned())?,
        },
        "malformed-frame" => Fault::MalformedFrame { when },
        "chunked-hello" => Fault::ChunkedHello,
        "wrong-message-id" => Fault::WrongMessageId { when },
        "duplicate-reply" => Fault::DuplicateReply { when },
        "warning-on-success" => Fault::WarningOnSuccess { when },
        "garbage-xml" => Fault::GarbageXml { when },
        other => {
            return Err(format!(
                "unknown fault {other:?}; use delay, drop-after, malformed-frame, chunked-hello, wrong-message-id, duplicate-reply, warning-on-success or garbage-xml"
            ));
        }
    })
}

fn device_config(args: &SimArgs, index: u16) -> DeviceConfig {
    let mut config = DeviceConfig {
        capabilities: args.capabilities,
        faults: FaultPlan::new(args.faults.clone()),
        hostname: if args.devices > 1 {
            format!("{}-{index}", args.hostname)
        } else {
            args.hostname.clone()
        },
        ..DeviceConfig::default()
    };
    if !args.users.is_empty() {
        config.users = args.users.clone();
    }
    config
}

fn read_authorized_keys(args: &SimArgs) -> Result<Vec<(String, PublicKey)>> {
    args.authorized_keys
        .iter()
        .map(|spec| {
            let (user, path) = spec
                .split_once(':')
                .ok_or_else(|| anyhow!("--authorized-key {spec:?}: write USER:PATH"))?;
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("--authorized-key: reading {path}"))?;
            let key = PublicKey::from_openssh(text.trim()).map_err(|e| {
                anyhow!("--authorized-key: {path} is not an OpenSSH public key: {e}")
            })?;
            Ok((user.to_owned(), key))
        })
        .collect()
}

fn shifted(addr: SocketAddr, index: u16) -> Result<SocketAddr> {
    if addr.port() == 0 {
        return Ok(addr);
    }
    let port = addr
        .port()
        .checked_add(index)
        .ok_or_else(|| anyhow!("{addr}: device {index}'s port would be past 65535; use a lower base port or fewer --devices"))?;
    Ok(SocketAddr::new(addr.ip(), port))
}

pub fn run(args: &SimArgs) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let result = runtime.block_on(serve(args));
    // Open sessions are dropped, not waited for: a stop is a stop.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

async fn serve(args: &SimArgs) -> Result<ExitCode> {
    if args.stdio {
        let device = SimDevice::new(device_config(args, 0));
        let user = std::env::var("USER")
            .ok()
            .filter(|u| device.lock().config().user(u).is_some())
            .or_else(|| tcp_user(&device))
            .ok_or_else(|| anyhow!("no user is configured"))?;
        serve_stdio(device, &user, ServeOptions::default()).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let defaults = (args.ssh, args.tcp, args.http, args.grpc) == (None, None, None, None);
    let (ssh, tcp, http, grpc) = match (args.ssh, args.tcp, args.http, args.grpc) {
        (None, None, None, None) => (
            Some(DEFAULT_SSH.parse()?),
            Some(DEFAULT_TCP.parse()?),
            Some(DEFAULT_HTTP.parse()?),
            Some(DEFAULT_GRPC.parse()?),
        ),
        other => other,
    };
    let grpc_tls = match (&args.grpc_tls_cert, &args.grpc_tls_key) {
        (Some(cert), Some(key)) => {
            let read = |p: &PathBuf, what: &str| {
                std::fs::read(p)
                    .with_context(|| format!("reading the gRPC TLS {what} {}", p.display()))
            };
            let config = confuzz_net::grpc::tls::server_config(
                &read(cert, "certificate")?,
                &read(key, "key")?,
            )
            .context("--grpc-tls-cert/--grpc-tls-key")?;
            Some(config)
        }
        _ => None,
    };
    let mqtt_embedded: Option<SocketAddr> = match (args.mqtt, &args.mqtt_broker) {
        (Some(a), _) => Some(a),
        (None, None) if defaults => Some(DEFAULT_MQTT.parse()?),
        _ => None,
    };
    let allow = if args.mqtt_allow_clients.is_empty() {
        AllowList::loopback()
    } else {
        AllowList::parse(args.mqtt_allow_clients.iter().map(String::as_str))
            .context("--mqtt-allow-client")?
    };
    let named = [
        ("--ssh", ssh),
        ("--tcp", tcp),
        ("--http", http),
        ("--mqtt", mqtt_embedded),
        ("--grpc", grpc),
    ];
    for (i, (na, a)) in named.iter().enumerate() {
        for (nb, b) in named.iter().skip(i + 1) {
            if let (Some(s), Some(t)) = (a, b)
                && s.ip() == t.ip()
                && s.port() != 0
                && t.port() != 0
            {
                let (lo, hi) = (s.port().min(t.port()), s.port().max(t.port()));
                if u32::from(hi) < u32::from(lo) + u32::from(args.devices) {
                    bail!(
                        "{na} {s} and {nb} {t} overlap for {} devices (each service uses {} consecutive ports); move one of them",
                        args.devices,
                        args.devices
                    );
                }
            }
        }
    }
    let keys = read_authorized_keys(args)?;
    let host_key = match ssh {
        Some(_) => Some(load_or_create_host_key(&args.host_key)?),
        None => None,
    };
    if args.targets_out.is_some() && ssh.is_none() {
        bail!("--targets-out names devices by their SSH address; add --ssh ADDR");
    }
    let options = ServeOptions::default();
    let mut tasks = tokio::task::JoinSet::new();
    let mut lines = Vec::new();
    let mut fleet = Vec::new();
    for i in 0..args.devices {
        let device = SimDevice::new(device_config(args, i));
        let mut line = format!("device {i} ({})", device.lock().config().hostname);
        let mut member = None;
        if let (Some(addr), Some(key)) = (ssh, &host_key) {
            let addr = shifted(addr, i)?;
            let listener = TcpListener::bind(addr).await.with_context(|| {
                format!("listening for SSH on {addr}; is the port in use? pick another with --ssh")
            })?;
            line += &format!("  ssh {}", listener.local_addr()?);
            let config = device.lock().config().clone();
            member = Some(crate::fleet::FleetDevice {
                name: crate::fleet::target_name(i),
                ssh: listener.local_addr()?.to_string(),
                jsonrpc_url: None,
                hostname: config.hostname,
                serial_number: config.serial_number,
            });
            let server = SshServer::new(
                SshServerConfig::new(key.clone()),
                Arc::new(SimAuth::new(device.clone(), keys.clone())),
                Arc::new(SimSsh::new(device.clone(), options.clone())),
            );
            tasks.spawn(async move { server.serve(listener).await.map_err(anyhow::Error::from) });
        }
        if let Some(addr) = tcp {
            let addr = shifted(addr, i)?;
            let listener = TcpListener::bind(addr).await.with_context(|| {
                format!("listening for TCP on {addr}; is the port in use? pick another with --tcp")
            })?;
            line += &format!("  tcp {}", listener.local_addr()?);
            let device = device.clone();
            let options = options.clone();
            tasks.spawn(async move {
                serve_tcp(device, listener, options)
                    .await
                    .map_err(anyhow::Error::from)
            });
        }
        if let Some(addr) = http {
            let addr = shifted(addr, i)?;
            let listener = TcpListener::bind(addr).await.with_context(|| {
                format!(
                    "listening for HTTP on {addr}; is the port in use? pick another with --http"
                )
            })?;
            line += &format!("  http {}", listener.local_addr()?);
            if let Some(m) = &mut member {
                m.jsonrpc_url = Some(format!("http://{}/jsonrpc", listener.local_addr()?));
            }
            let device = device.clone();
            tasks.spawn(async move {
                serve_http(device, listener, HttpOptions::default())
                    .await
                    .map_err(anyhow::Error::from)
            });
        }
        if let Some(addr) = grpc {
            let addr = shifted(addr, i)?;
            let listener = TcpListener::bind(addr).await.with_context(|| {
                format!(
                    "listening for gRPC on {addr}; is the port in use? pick another with --grpc"
                )
            })?;
            line += &format!("  grpc {}", listener.local_addr()?);
            let device = device.clone();
            let options = GrpcOptions {
                tls: grpc_tls.clone(),
                ..GrpcOptions::default()
            };
            tasks.spawn(async move {
                serve_grpc(device, listener, options)
                    .await
                    .map_err(anyhow::Error::from)
            });
        }
        let target = match (mqtt_embedded, &args.mqtt_broker) {
            (Some(addr), _) => Some(MqttTarget::Embedded {
                listen: shifted(addr, i)?,
                allow: allow.clone(),
            }),
            (None, Some((host, port))) => Some(MqttTarget::External {
                host: host.clone(),
                port: *port,
                tls_ca: args.mqtt_ca.clone(),
            }),
            (None, None) => None,
        };
        if let Some(target) = target {
            let hostname = device.lock().config().hostname.clone();
            let mut o = MqttOptions::embedded(DEFAULT_MQTT.parse()?);
            o.target = target;
            o.username = args.mqtt_user.clone();
            o.password = args.mqtt_password.clone();
            o.client_id = format!("confuzz-sim-{hostname}");
            if let (Some(cert), Some(key)) = (&args.mqtt_tls_cert, &args.mqtt_tls_key) {
                o.server_tls = Some(mqtt::ServerTls {
                    cert: cert.clone(),
                    key: key.clone(),
                });
            }
            let publisher = mqtt::start(&device, o).await.map_err(|e| {
                let hint = match e {
                    mqtt::MqttError::Io { .. } => "; is the port in use? pick another with --mqtt",
                    _ => "",
                };
                anyhow::Error::from(e).context(format!("starting JET over MQTT{hint}"))
            })?;
            match (publisher.broker_addr, &args.mqtt_broker) {
                (Some(a), _) => line += &format!("  mqtt {a}"),
                (None, Some((h, p))) => line += &format!("  mqtt -> {h}:{p}"),
                (None, None) => {}
            }
        }
        lines.push(line);
        fleet.extend(member);
    }
    if let (Some(path), Some(key)) = (&args.targets_out, &host_key) {
        let config = device_config(args, 0);
        let user = config
            .users
            .iter()
            .find(|u| u.class == LoginClass::SuperUser)
            .or(config.users.first())
            .ok_or_else(|| anyhow!("--targets-out: no user is configured"))?;
        let text = crate::fleet::targets_file(&fleet, &user.name, &fingerprint(key.public_key()));
        crate::fleet::write(path, &text)?;
        println!(
            "targets of {} device(s) written to {} (tag fleet); they read {}'s password from ${}",
            fleet.len(),
            path.display(),
            user.name,
            crate::fleet::PASSWORD_ENV
        );
    }
    let config = device_config(args, 0);
    println!("confuzz sim: {} device(s)", args.devices);
    if let Some(key) = &host_key {
        println!(
            "  ssh host key {} {}",
            args.host_key.display(),
            fingerprint(key.public_key())
        );
        println!("  ssh: subsystem netconf (NETCONF), exec junoscript (Junos XML protocol)");
    }
    let users: Vec<String> = config
        .users
        .iter()
        .map(|u| format!("{}/{} ({})", u.name, u.password, u.class.as_str()))
        .collect();
    println!("  users: {}", users.join(", "));
    if tcp.is_some() {
        println!(
            "  tcp sessions run as {}",
            config
                .users
                .iter()
                .find(|u| u.class == LoginClass::SuperUser)
                .or(config.users.first())
                .map_or("-", |u| u.name.as_str())
        );
    }
    if http.is_some() {
        println!("  http: NSO JSON-RPC at POST /jsonrpc (login with a user above)");
    }
    if grpc.is_some() {
        println!(
            "  grpc: JET Authentication/Login, then Management (OpCommandGet, ConfigSet, Ephemeral*){}; at most 8 sessions",
            if grpc_tls.is_some() { " over TLS" } else { "" }
        );
    }
    if mqtt_embedded.is_some() {
        println!(
            "  mqtt: JET events under /junos/events/ from an embedded broker{} (clients: {})",
            if args.mqtt_tls_cert.is_some() {
                " over TLS"
            } else {
                ""
            },
            if args.mqtt_allow_clients.is_empty() {
                "loopback".to_owned()
            } else {
                args.mqtt_allow_clients.join(", ")
            }
        );
    } else if let Some((h, p)) = &args.mqtt_broker {
        println!(
            "  mqtt: JET events under /junos/events/ published to {h}:{p}{}",
            if args.mqtt_ca.is_some() {
                " over TLS"
            } else {
                ""
            }
        );
    }
    let shown = lines.len().min(20);
    for l in lines.iter().take(shown) {
        println!("  {l}");
    }
    if lines.len() > shown {
        println!(
            "  ... and {} more on the following ports",
            lines.len() - shown
        );
    }
    println!("ready; Ctrl-C stops");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {
            println!("confuzz sim: stopped");
            Ok(ExitCode::SUCCESS)
        }
        Some(r) = tasks.join_next() => {
            match r {
                Ok(Ok(())) => Ok(ExitCode::SUCCESS),
                Ok(Err(e)) => Err(e),
                Err(e) => Err(anyhow!("a listener stopped: {e}")),
            }
        }
    }
}
