//! The device as a whole: users, sessions, capabilities, memory, the
//! junoscript adapter.

use crate::support::*;
use confuzz_sim::{Capabilities, Device, DeviceConfig, LoginClass, SimError, User};
use confuzz_wire::junos::{JunosRpc, Request, XnmSeverity};
use confuzz_wire::netconf::ErrorTag;
use confuzz_wire::xml::{Element, XmlLimits};
use std::time::Instant;

#[test]
fn default_users_and_overrides() {
    let dev = Device::with_defaults(Instant::now());
    assert!(dev.authenticate("admin", "admin"));
    assert!(dev.authenticate("operator", "operator"));
    assert!(!dev.authenticate("admin", "operator"));
    assert!(!dev.authenticate("nobody", ""));
    let mut dev = Device::new(
        DeviceConfig {
            users: vec![User::new("lab", "s3cret", LoginClass::Operator)],
            ..DeviceConfig::default()
        },
        Instant::now(),
    );
    assert!(!dev.authenticate("admin", "admin"));
    assert!(dev.authenticate("lab", "s3cret"));
    assert_eq!(
        dev.open_session("admin"),
        Err(SimError::UnknownUser("admin".into()))
    );
    let login = dev
        .running()
        .child("system")
        .unwrap()
        .child("login")
        .unwrap();
    assert!(entry(login, "user", "lab").is_some());
}

#[test]
fn session_limit_and_ids() {
    let mut dev = Device::new(
        DeviceConfig {
            max_sessions: 2,
            ..DeviceConfig::default()
        },
        Instant::now(),
    );
    let a = dev.open_session("admin").unwrap();
    let b = dev.open_session("admin").unwrap();
    assert_ne!(a, b);
    assert!(a.0 > 0 && b.0 > 0);
    assert_eq!(dev.open_session("admin"), Err(SimError::TooManySessions(2)));
    dev.close_session(a, Instant::now());
    assert!(dev.open_session("admin").is_ok());
    assert_eq!(dev.sessions().len(), 2);
}

#[test]
fn capabilities_follow_the_configuration() {
    let dev = Device::with_defaults(Instant::now());
    let caps = dev.capabilities();
    for c in [
        "urn:ietf:params:netconf:base:1.0",
        "urn:ietf:params:netconf:base:1.1",
        "urn:ietf:params:netconf:capability:candidate:1.0",
        "urn:ietf:params:netconf:capability:confirmed-commit:1.1",
        "urn:ietf:params:netconf:capability:validate:1.1",
        "urn:ietf:params:netconf:capability:notification:1.0",
        "urn:ietf:params:netconf:capability:interleave:1.0",
        "urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit",
        "http://xml.juniper.net/netconf/junos/1.0",
    ] {
        assert!(caps.iter().any(|x| x == c), "{c} missing from {caps:?}");
    }
    let dev = Device::new(
        DeviceConfig {
            capabilities: Capabilities {
                base_1_1: false,
                with_defaults: false,
                ..Capabilities::default()
            },
            ..DeviceConfig::default()
        },
        Instant::now(),
    );
    let caps = dev.capabilities();
    assert!(
        !caps
            .iter()
            .any(|c| c.contains("base:1.1") || c.contains("with-defaults"))
    );
}

#[test]
fn with_defaults_is_accepted_only_when_advertised() {
    let mut b = Bench::new();
    let s = b.open("admin");
    assert!(b.call(s, "<get-config><source><running/></source><with-defaults>report-all</with-defaults></get-config>").errors.is_empty());
    let mut b = Bench::with(DeviceConfig {
        capabilities: Capabilities {
            with_defaults: false,
            ..Capabilities::default()
        },
        ..DeviceConfig::default()
    });
    let s = b.open("admin");
    b.error(
        s,
        "<get><with-defaults>trim</with-defaults></get>",
        ErrorTag::UnknownElement,
    );
}

#[test]
fn close_session_with_content_is_refused_and_the_session_stays() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(
        s,
        "<close-session><now/></close-session>",
        ErrorTag::UnknownElement,
    );
    assert!(b.dev.is_open(s));
}

#[test]
fn idle_device_stays_small() {
    let dev = Device::with_defaults(Instant::now());
    let bytes = dev.approx_memory();
    println!("idle device: about {bytes} bytes");
    assert!(bytes < 32 * 1024, "idle device holds {bytes} bytes");
    // Committing shares the tree with the candidate and the history entry.
    let mut b = Bench::new();
    let s = b.open("admin");
    let idle = b.dev.approx_memory();
    b.ok(s, &edit("<system><host-name>m</host-name></system>"));
    b.ok(s, "<commit/>");
    let after = b.dev.approx_memory();
    assert!(after < idle * 3, "{idle} -> {after}");
}

#[test]
fn junos_xml_delete_attribute_deletes() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(
        s,
        r#"<load-configuration><configuration><interfaces><interface delete="delete"><name>ge-0/0/1</name></interface></interfaces></configuration></load-configuration>"#,
    );
    assert!(r.is_ok(), "{}", text(&r));
    let ifs = b.dev.candidate().child("interfaces").unwrap();
    assert!(entry(ifs, "interface", "ge-0/0/1").is_none());
}

fn junos_rpc(req: Request) -> JunosRpc {
    JunosRpc {
        attributes: Vec::new(),
        operation: Some(req.to_raw()),
    }
}

#[test]
fn junoscript_session_answers_with_xnm_diagnostics() {
    let t = Instant::now();
    let mut dev = Device::with_defaults(t);
    let start = dev.junoscript_start();
    assert_eq!(start.hostname(), Some("sim-mx480"));
    let a = dev.open_session("admin").unwrap();
    let c = dev.open_session("admin").unwrap();
    let r = dev.handle_junos_rpc(
        a,
        t,
        &junos_rpc(Request::GetChassisInventory(Default::default())),
    );
    assert!(r.is_ok());
    assert_eq!(r.content[0].name.local, "chassis-inventory");
    assert!(r.junos_namespace().is_some());
    assert!(
        dev.handle_junos_rpc(a, t, &junos_rpc(Request::LockConfiguration))
            .is_ok()
    );
    let denied = dev.handle_junos_rpc(c, t, &junos_rpc(Request::LockConfiguration));
    assert!(!denied.is_ok());
    assert_eq!(denied.diagnostics[0].severity, XnmSeverity::Error);
    let bytes = confuzz_wire::junos::JunosMessage::RpcReply(denied).to_bytes();
    let back = confuzz_wire::junos::parse_message(&bytes, &[], &XmlLimits::default()).unwrap();
    assert!(back.violations.is_empty(), "{:?}", back.violations);
    let cfg = dev.handle_junos_rpc(
        a,
        t,
        &junos_rpc(Request::Other(Element::new("get-configuration"))),
    );
    assert_eq!(cfg.content[0].name.local, "configuration");
    let end = dev.handle_junos_rpc(a, t, &junos_rpc(Request::RequestEndSession));
    assert!(end.end_session);
    assert!(!dev.is_open(a));
    assert!(
        dev.handle_junos_rpc(c, t, &junos_rpc(Request::LockConfiguration))
            .is_ok()
    );
}

#[test]
fn confirmed_commit_timeout_is_announced_by_the_server() {
    let mut b = Bench::new();
    let sub = b.open("admin");
    b.ok(
        sub,
        r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>"#,
    );
    let s = b.open("admin");
    b.ok(s, &edit("<system><host-name>t</host-name></system>"));
    b.ok(
        s,
        "<commit><confirmed/><confirm-timeout>30</confirm-timeout></commit>",
    );
    b.dev.handle_timeout(b.at(30));
    let mut events = Vec::new();
    while let Some(n) = b.dev.poll_notification(sub) {
        events.push(
            n.event()
                .unwrap()
                .to_element(&XmlLimits::default())
                .unwrap(),
        );
    }
    let kinds: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e.name.local,
                e.child_text("confirm-event").unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "netconf-config-change:",
            "netconf-confirmed-commit:start",
            "netconf-config-change:",
            "netconf-confirmed-commit:timeout"
        ]
    );
    assert!(events[3].child("server").is_some());
    assert_eq!(events[1].child_text("timeout"), Some("30"));
}

#[test]
fn device_can_move_between_threads() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Device>();
    send_and_sync::<confuzz_sim::FaultState>();
}
