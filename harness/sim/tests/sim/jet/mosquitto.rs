//! Proof by third-party peers: a real `mosquitto` broker, the device
//! publishing to it as an external broker, and `mosquitto_sub` receiving
//! the events of a commit made over NETCONF.
//!
//! Without mosquitto installed the test is skipped with a reason, except
//! under CI (`CI=true`), where it fails.

use super::broker::commit_interface;
use crate::serve::{scratch, serve_default};
use confuzz_sim::serve::mqtt::{self, MqttOptions, MqttStats};
use confuzz_wire::jet::parse_event;
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

/// Reads `child`'s stderr until a line contains `needle`; panics after [`WAIT`].
async fn wait_for_line(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStderr>>,
    needle: &str,
) {
    let found = async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains(needle) {
                return true;
            }
        }
        false
    };
    let ok = tokio::time::timeout(WAIT, found).await.unwrap_or(false);
    assert!(ok, "mosquitto never logged {needle:?}");
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_receives_the_events_of_a_netconf_commit() {
    if !have_mosquitto() {
        return;
    }
    let dir = scratch("mosquitto");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type all\n"
        ),
    )
    .expect("write mosquitto.conf");
    let mut broker = Command::new("mosquitto")
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start mosquitto");
    let mut log = BufReader::new(broker.stderr.take().expect("stderr")).lines();
    let _broker = Killed(broker);
    wait_for_line(&mut log, "running").await;

    let mut sub = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-i", "jet-proof-sub", "-t", "/junos/events/#", "-v"])
        .args(["-C", "2", "-W", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start mosquitto_sub");
    let mut out = sub.stdout.take().expect("stdout");
    // mosquitto has registered the subscription when it sends SUBACK, so from
    // here on a publish reaches mosquitto_sub.
    wait_for_line(&mut log, "Sending SUBACK to jet-proof-sub").await;

    let served = serve_default().await;
    let jet = mqtt::start(&served.device, MqttOptions::external("127.0.0.1", port))
        .await
        .expect("client starts");
    commit_interface(served.tcp).await;

    let mut text = String::new();
    let read = tokio::time::timeout(WAIT, out.read_to_string(&mut text)).await;
    assert!(
        read.is_ok(),
        "mosquitto_sub did not get 2 messages in time: {text:?}"
    );
    let status = tokio::time::timeout(WAIT, sub.wait())
        .await
        .expect("mosquitto_sub exits")
        .expect("status");
    assert!(status.success(), "mosquitto_sub: {status}; output {text:?}");
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
    assert_eq!(MqttStats::get(&jet.stats.commits), 1);
}
