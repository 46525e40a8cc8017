//! Proof by third-party peers: a real `mosquitto` broker, the device
//! publishing to it as an external broker (over plain TCP, and over TLS
//! with an RSA certificate), and `mosquitto_sub` receiving the events of a
//! commit made over NETCONF.
//!
//! Without mosquitto installed the tests are skipped with a reason, except
//! under CI (`CI=true`), where they fail.

use super::broker::commit_interface;
use super::tls::rsa_certificates;
use crate::serve::{scratch, serve_default};
use confuzz_sim::serve::mqtt::{self, MqttOptions, MqttStats, MqttTarget};
use confuzz_wire::jet::parse_event;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

const WAIT: Duration = Duration::from_secs(15);

/// Whether the mosquitto tools are here; skip (or fail under CI) if not.
fn have_mosquitto() -> bool {
    let runs = |cmd: &str, arg: &str| {
        std::process::Command::new(cmd)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    if runs("mosquitto", "-h") && runs("mosquitto_sub", "--help") {
        return true;
    }
    let why = "mosquitto and mosquitto_sub are not installed (apt-get install mosquitto mosquitto-clients)";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("skipped: {why}");
    false
}

/// Reads mosquitto's log until a line contains `needle`; panics after
/// [`WAIT`] with the lines read.
async fn wait_for_line(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStderr>>,
    needle: &str,
) {
    let mut seen = Vec::new();
    let found = async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains(needle) {
                return true;
            }
            seen.push(line);
        }
        false
    };
    let ok = tokio::time::timeout(WAIT, found).await.unwrap_or(false);
    assert!(
        ok,
        "mosquitto never logged {needle:?}; its log:\n{}",
        seen.join("\n")
    );
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// A running mosquitto (killed when dropped) and its log.
struct Mosquitto {
    port: u16,
    log: tokio::io::Lines<BufReader<tokio::process::ChildStderr>>,
    _child: Killed,
}

/// Starts mosquitto on a free loopback port with `listener_options` (lines
/// of its configuration that go with the listener), once it logs it runs.
async fn start_mosquitto(dir: &Path, listener_options: &str) -> Mosquitto {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!(
            "listener {port} 127.0.0.1\n{listener_options}allow_anonymous true\npersistence false\nlog_dest stderr\nlog_type all\n"
        ),
    )
    .expect("write mosquitto.conf");
    let mut child = Command::new("mosquitto")
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start mosquitto");
    let mut log = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let child = Killed(child);
    wait_for_line(&mut log, "running").await;
    Mosquitto {
        port,
        log,
        _child: child,
    }
}

/// Starts `mosquitto_sub` for two messages under `/junos/events/#` (with
/// `extra` arguments) and waits until mosquitto has its subscription.
async fn subscribe(broker: &mut Mosquitto, extra: &[&str]) -> Child {
    let sub = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &broker.port.to_string()])
        .args(extra)
        .args(["-i", "jet-proof-sub", "-t", "/junos/events/#", "-v"])
        .args(["-C", "2", "-W", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start mosquitto_sub");
    // mosquitto has registered the subscription when it sends SUBACK, so from
    // here on a publish reaches mosquitto_sub.
    wait_for_line(&mut broker.log, "Sending SUBACK to jet-proof-sub").await;
    sub
}

/// Reads what `sub` received (two messages) and checks they are the
/// events of [`commit_interface`], clean and on their topics.
async fn received_commit_events(mut sub: Child) {
    let mut out = sub.stdout.take().expect("stdout");
    let mut text = String::new();
    let read = tokio::time::timeout(WAIT, out.read_to_string(&mut text)).await;
    assert!(
        read.is_ok(),
        "mosquitto_sub did not get 2 messages in time: {text:?}"
    );
    let done = tokio::time::timeout(WAIT, sub.wait_with_output())
        .await
        .expect("mosquitto_sub exits")
        .expect("status");
    assert!(
        done.status.success(),
        "mosquitto_sub: {}; output {text:?}; {}",
        done.status,
        String::from_utf8_lossy(&done.stderr)
    );
    let messages: Vec<(&str, &str)> = text.lines().filter_map(|l| l.split_once(' ')).collect();
    assert_eq!(messages.len(), 2, "{text}");
    for (topic, payload) in &messages {
        let parsed = parse_event(payload.as_bytes()).expect("event parses");
        assert!(
            parsed.violations.is_empty(),
            "{topic}: {:?}",
            parsed.violations
        );
        assert!(parsed.value.check_topic(topic).is_empty(), "{topic}");
    }
    assert_eq!(
        messages[0].0,
        "/junos/events/kernel/interfaces/ifd/add/ge-0/0/9"
    );
    let ifd = parse_event(messages[0].1.as_bytes()).expect("parses").value;
    assert_eq!(ifd.event_id.as_deref(), Some("KERNEL_EVENT_IFD_ADD"));
    assert_eq!(ifd.attribute("name"), Some("ge-0/0/9".into()));
    assert_eq!(messages[1].0, "/junos/events/syslog/UI_COMMIT_COMPLETED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_receives_the_events_of_a_netconf_commit() {
    if !have_mosquitto() {
        return;
    }
    let dir = scratch("mosquitto");
    let mut broker = start_mosquitto(&dir, "").await;
    let sub = subscribe(&mut broker, &[]).await;
    let served = serve_default().await;
    let jet = mqtt::start(
        &served.device,
        MqttOptions::external("127.0.0.1", broker.port),
    )
    .await
    .expect("client starts");
    commit_interface(served.tcp).await;
    received_commit_events(sub).await;
    assert_eq!(MqttStats::get(&jet.stats.commits), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tls_mosquitto_sub_receives_the_events_the_device_published() {
    if !have_mosquitto() {
        return;
    }
    let Some(files) = rsa_certificates("mosquitto-tls") else {
        return;
    };
    let dir = scratch("mosquitto-tls");
    // mosquitto started as root reads its files as user mosquitto.
    std::fs::set_permissions(&files.key, std::fs::Permissions::from_mode(0o644))
        .expect("key readable");
    let listener = format!(
        "cafile {}\ncertfile {}\nkeyfile {}\n",
        files.ca.display(),
        files.cert.display(),
        files.key.display()
    );
    let mut broker = start_mosquitto(&dir, &listener).await;
    let ca = files.ca.display().to_string();
    let sub = subscribe(&mut broker, &["--cafile", &ca]).await;
    let served = serve_default().await;
    let mut o = MqttOptions::external("127.0.0.1", broker.port);
    o.target = MqttTarget::External {
        host: "127.0.0.1".into(),
        port: broker.port,
        tls_ca: Some(files.ca.clone()),
    };
    let jet = mqtt::start(&served.device, o).await.expect("client starts");
    commit_interface(served.tcp).await;
    received_commit_events(sub).await;
    // QoS 1: both events were acknowledged by mosquitto over TLS.
    let mut spins = 0u32;
    while MqttStats::get(&jet.stats.published) < 2 {
        spins += 1;
        assert!(spins < 1000, "mosquitto did not acknowledge the events");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(MqttStats::get(&jet.stats.connect_errors), 0);
}
