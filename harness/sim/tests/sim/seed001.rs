//! The canonical session of seed 001, end to end on the device model.

use crate::support::*;

const NETWORK_MGMT: &str = "<system><login><class><name>network-mgmt</name>\
<permissions>configure</permissions><permissions>snmp</permissions>\
<permissions>snmp-control</permissions><permissions>system-control</permissions>\
<permissions>trace-control</permissions></class></login></system>";

#[test]
fn seed_001_session_is_ok_at_every_step_and_the_class_reaches_running() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let inv = b.call(s, "<get-chassis-inventory/>");
    assert!(inv.errors.is_empty(), "{}", text(&inv));
    let inv = body(&inv);
    assert_eq!(inv.name.local, "chassis-inventory");
    assert_eq!(
        at(&inv, &["chassis", "description"]).map(|d| d.text.as_str()),
        Some("MX480")
    );
    b.ok(s, LOCK_CANDIDATE);
    b.ok(s, &edit(NETWORK_MGMT));
    b.ok(s, "<commit/>");
    b.ok(s, UNLOCK_CANDIDATE);
    b.ok(s, "<close-session/>");
    assert!(!b.dev.is_open(s));

    let running = b.dev.running();
    let login = at(running, &["system", "login"]).expect("login");
    let class = entry(login, "class", "network-mgmt").expect("class committed");
    let perms: Vec<&str> = class
        .children_named("permissions")
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(
        perms,
        [
            "configure",
            "snmp",
            "snmp-control",
            "system-control",
            "trace-control"
        ]
    );
}

#[test]
fn get_config_of_running_shows_the_committed_class() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(NETWORK_MGMT));
    let before = data(&b.call(s, GET_RUNNING));
    assert!(
        entry(
            at(&before, &["configuration", "system", "login"]).unwrap(),
            "class",
            "network-mgmt"
        )
        .is_none()
    );
    b.ok(s, "<commit/>");
    let after = data(&b.call(s, GET_RUNNING));
    assert!(
        entry(
            at(&after, &["configuration", "system", "login"]).unwrap(),
            "class",
            "network-mgmt"
        )
        .is_some()
    );
}
