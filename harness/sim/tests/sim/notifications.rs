//! RFC 5277 subscriptions: live events on commit, replay, the error cases.

use crate::support::*;
use confuzz_sim::SessionId;
use confuzz_sim::time::format_rfc3339;
use confuzz_wire::netconf::{ErrorTag, Notification};
use confuzz_wire::xml::{Element, XmlLimits};

const NS: &str = "urn:ietf:params:xml:ns:netconf:notification:1.0";

fn subscribe(extra: &str) -> String {
    format!(r#"<create-subscription xmlns="{NS}">{extra}</create-subscription>"#)
}

fn drain(b: &mut Bench, s: SessionId) -> Vec<(Notification, Element)> {
    let mut out = Vec::new();
    while let Some(n) = b.dev.poll_notification(s) {
        let bytes = n.to_bytes();
        let parsed = confuzz_wire::netconf::parse(&bytes, &XmlLimits::default()).unwrap();
        assert!(parsed.violations.is_empty(), "{:?}", parsed.violations);
        let ev = n
            .event()
            .unwrap()
            .to_element(&XmlLimits::default())
            .unwrap();
        out.push((n, ev));
    }
    out
}

fn wall(secs: i64) -> String {
    format_rfc3339((1_700_000_000 + secs) * 1_000_000)
}

#[test]
fn commit_raises_netconf_config_change_with_the_edits() {
    let mut b = Bench::new();
    let sub = b.open("operator");
    b.ok(sub, &subscribe(""));
    let s = b.open("admin");
    b.ok(s, &edit("<system><login><class><name>network-mgmt</name><permissions>view</permissions></class></login></system>"));
    b.ok(s, "<commit/>");
    let got = drain(&mut b, sub);
    assert_eq!(got.len(), 1);
    let (n, ev) = &got[0];
    assert_eq!(n.event_time.as_deref(), Some(wall(0).as_str()));
    assert_eq!(ev.name.local, "netconf-config-change");
    assert_eq!(at(ev, &["changed-by", "username"]).unwrap().text, "admin");
    assert_eq!(
        at(ev, &["changed-by", "session-id"]).unwrap().text,
        s.0.to_string()
    );
    assert_eq!(ev.child_text("datastore"), Some("running"));
    let e = ev.child("edit").unwrap();
    assert_eq!(
        e.child_text("target"),
        Some("/configuration/system/login/class[name='network-mgmt']")
    );
    assert_eq!(e.child_text("operation"), Some("create"));
    assert!(
        drain(&mut b, s).is_empty(),
        "no subscription, no notifications"
    );
}

#[test]
fn replay_sends_logged_events_then_replay_complete() {
    let mut b = Bench::new();
    let s = b.open("admin");
    for (t, h) in [(10, "a"), (20, "b"), (30, "c")] {
        b.call_at(
            s,
            t,
            &edit(&format!("<system><host-name>{h}</host-name></system>")),
        );
        assert_ok(&b.call_at(s, t, "<commit/>"), "commit");
    }
    let sub = b.open("admin");
    let r = b.call_at(
        sub,
        40,
        &subscribe(&format!("<startTime>{}</startTime>", wall(15))),
    );
    assert_ok(&r, "subscribe");
    let got = drain(&mut b, sub);
    let names: Vec<&str> = got.iter().map(|(_, e)| e.name.local.as_str()).collect();
    assert_eq!(
        names,
        [
            "netconf-config-change",
            "netconf-config-change",
            "replayComplete"
        ]
    );
    assert_eq!(got[0].0.event_time.as_deref(), Some(wall(20).as_str()));
    // live events follow
    b.call_at(s, 50, &edit("<system><host-name>d</host-name></system>"));
    b.call_at(s, 50, "<commit/>");
    assert_eq!(drain(&mut b, sub).len(), 1);
}

#[test]
fn stop_time_bounds_replay_and_ends_the_subscription() {
    let mut b = Bench::new();
    let s = b.open("admin");
    for t in [10, 20, 30] {
        b.call_at(
            s,
            t,
            &edit(&format!("<system><host-name>h{t}</host-name></system>")),
        );
        b.call_at(s, t, "<commit/>");
    }
    let sub = b.open("admin");
    let r = b.call_at(
        sub,
        40,
        &subscribe(&format!(
            "<startTime>{}</startTime><stopTime>{}</stopTime>",
            wall(0),
            wall(25)
        )),
    );
    assert_ok(&r, "subscribe");
    let names: Vec<String> = drain(&mut b, sub)
        .into_iter()
        .map(|(_, e)| e.name.local)
        .collect();
    assert_eq!(
        names,
        [
            "netconf-config-change",
            "netconf-config-change",
            "replayComplete",
            "notificationComplete"
        ]
    );
    // the subscription is over: a new one may be made
    assert_ok(&b.call_at(sub, 41, &subscribe("")), "resubscribe");
}

#[test]
fn future_stop_time_ends_at_handle_timeout() {
    let mut b = Bench::new();
    let sub = b.open("admin");
    let r = b.call_at(
        sub,
        0,
        &subscribe(&format!(
            "<startTime>{}</startTime><stopTime>{}</stopTime>",
            wall(0),
            wall(100)
        )),
    );
    assert_ok(&r, "subscribe");
    assert_eq!(b.dev.poll_timeout(), Some(b.at(100)));
    drain(&mut b, sub);
    b.dev.handle_timeout(b.at(100));
    let names: Vec<String> = drain(&mut b, sub)
        .into_iter()
        .map(|(_, e)| e.name.local)
        .collect();
    assert_eq!(names, ["notificationComplete"]);
    assert_eq!(b.dev.poll_timeout(), None);
}

#[test]
fn subscription_error_cases() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.error(
        s,
        &subscribe(&format!("<stopTime>{}</stopTime>", wall(5))),
        ErrorTag::MissingElement,
    );
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .bad_element
            .as_deref(),
        Some("startTime")
    );
    let r = b.error(
        s,
        &subscribe(&format!("<startTime>{}</startTime>", wall(3600))),
        ErrorTag::BadElement,
    );
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .bad_element
            .as_deref(),
        Some("startTime")
    );
    let r = b.call_at(
        s,
        100,
        &subscribe(&format!(
            "<startTime>{}</startTime><stopTime>{}</stopTime>",
            wall(50),
            wall(10)
        )),
    );
    assert_error(&r, ErrorTag::BadElement, "stop before start");
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .bad_element
            .as_deref(),
        Some("stopTime")
    );
    b.error(
        s,
        &subscribe("<startTime>yesterday</startTime>"),
        ErrorTag::BadElement,
    );
    b.error(
        s,
        &subscribe("<stream>SYSLOG</stream>"),
        ErrorTag::InvalidValue,
    );
    b.error(s, &subscribe("<colour/>"), ErrorTag::UnknownElement);
    b.ok(s, &subscribe("<stream>NETCONF</stream>"));
    b.error(s, &subscribe(""), ErrorTag::InUse);
}

#[test]
fn filtered_subscription_gets_only_matching_events() {
    let mut b = Bench::new();
    let sub = b.open("admin");
    b.ok(
        sub,
        &subscribe(r#"<filter type="subtree"><netconf-confirmed-commit xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"/></filter>"#),
    );
    let s = b.open("admin");
    b.ok(s, &edit("<system><host-name>f</host-name></system>"));
    b.ok(s, "<commit><confirmed/></commit>");
    b.ok(s, "<commit/>");
    let got: Vec<String> = drain(&mut b, sub)
        .into_iter()
        .map(|(_, e)| e.child_text("confirm-event").unwrap().to_owned())
        .collect();
    assert_eq!(got, ["start", "complete"]);
}

#[test]
fn no_interleave_refuses_other_rpcs_on_a_subscribed_session() {
    let mut b = Bench::with(confuzz_sim::DeviceConfig {
        capabilities: confuzz_sim::Capabilities {
            interleave: false,
            ..Default::default()
        },
        ..Default::default()
    });
    let s = b.open("admin");
    b.ok(s, &subscribe(""));
    b.error(s, "<get/>", ErrorTag::OperationFailed);
    b.ok(s, "<close-session/>");
}

#[test]
fn replay_log_is_bounded() {
    let mut b = Bench::with(confuzz_sim::DeviceConfig {
        replay_log_len: 3,
        ..Default::default()
    });
    let s = b.open("admin");
    for n in 0..6 {
        b.ok(
            s,
            &edit(&format!("<system><host-name>n{n}</host-name></system>")),
        );
        b.ok(s, "<commit/>");
    }
    let sub = b.open("admin");
    b.ok(
        sub,
        &subscribe(&format!("<startTime>{}</startTime>", wall(0))),
    );
    assert_eq!(drain(&mut b, sub).len(), 4);
}
