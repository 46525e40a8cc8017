//! The events of commits, read from the device's change log.

use crate::support::{Bench, edit};
use confuzz_sim::jet::{Published, events_for_commit};
use confuzz_sim::{CommitChange, DeviceConfig, SessionId};
use confuzz_wire::jet::parse_event;

fn watched() -> (Bench, SessionId) {
    let mut b = Bench::new();
    b.dev.watch_commits(16);
    let s = b.open("admin");
    (b, s)
}

/// Edits the candidate with `config`, commits, and returns the events.
fn commit_events(b: &mut Bench, s: SessionId, config: &str) -> Vec<Published> {
    if !config.is_empty() {
        b.ok(s, &edit(config));
    }
    b.ok(s, "<commit/>");
    let change = b.dev.poll_commit().expect("the commit is logged");
    assert!(b.dev.poll_commit().is_none(), "one commit, one change");
    events_for_commit(&change, "fallback").events
}

fn ids(events: &[Published]) -> Vec<String> {
    events
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.event.event_id.clone().unwrap_or_default(),
                p.topic
            )
        })
        .collect()
}

/// Every event must parse back without a violation and sit on its topic.
fn assert_clean(events: &[Published]) {
    for p in events {
        let parsed = parse_event(p.payload().as_bytes()).expect("event parses");
        assert!(
            parsed.violations.is_empty(),
            "{}: {:?}",
            p.topic,
            parsed.violations
        );
        assert_eq!(parsed.value, p.event);
        let v = p.event.check_topic(&p.topic);
        assert!(v.is_empty(), "{}: {v:?}", p.topic);
    }
}

#[test]
fn adding_an_interface_gives_ifd_ifl_iff_ifa_adds_then_commit_completed() {
    let (mut b, s) = watched();
    let ev = commit_events(
        &mut b,
        s,
        "<interfaces><interface><name>ge-0/0/9</name><unit><name>0</name><family><inet><address><name>10.9.9.1/24</name></address></inet></family></unit></interface></interfaces>",
    );
    assert_eq!(
        ids(&ev),
        [
            "KERNEL_EVENT_IFD_ADD /junos/events/kernel/interfaces/ifd/add/ge-0/0/9",
            "KERNEL_EVENT_IFL_ADD /junos/events/kernel/interfaces/ifl/add/ge-0/0/9.0",
            "KERNEL_EVENT_IFF_ADD /junos/events/kernel/interfaces/iff/add/ge-0/0/9.0/inet",
            "KERNEL_EVENT_IFA_ADD /junos/events/kernel/interfaces/ifa/add/ge-0/0/9.0/inet/10.9.9.1/32",
            "UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED",
        ]
    );
    assert_clean(&ev);
    let ifd = &ev[0].event;
    assert_eq!(ifd.attribute("name"), Some("ge-0/0/9".into()));
    assert_eq!(ifd.attribute("flags"), Some(8.into()));
    assert!(
        ifd.attribute("snmp-id")
            .is_some_and(|v| v.as_u64().is_some())
    );
    assert_eq!(ifd.severity.as_deref(), Some("info"));
    assert_eq!(ifd.facility.as_deref(), Some("KERNEL"));
    let ifa = &ev[3].event;
    assert_eq!(
        ifa.attribute("destination-address"),
        Some("10.9.9.0/24".into())
    );
    assert_eq!(
        ifa.attribute("broadcast-address"),
        Some("10.9.9.255/32".into())
    );
    let done = &ev[4].event;
    assert_eq!(done.attribute("username"), Some("admin".into()));
    assert_eq!(done.attribute("client"), Some("netconf".into()));
}

#[test]
fn header_carries_the_configured_hostname_and_the_device_clock() {
    let cfg = DeviceConfig {
        start_unix_seconds: 1_452_124_800, // 2016-01-07 00:00:00 UTC
        ..DeviceConfig::default()
    };
    let mut b = Bench::with(cfg);
    b.dev.watch_commits(4);
    let s = b.open("admin");
    b.ok(s, &edit("<system><host-name>mydevice</host-name></system>"));
    let r = b.call_at(s, 61, "<commit/>");
    assert!(r.is_ok(), "{:?}", r.errors);
    let change = b.dev.poll_commit().expect("logged");
    let ev = events_for_commit(&change, "fallback").events;
    assert_eq!(
        ids(&ev),
        ["UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED"]
    );
    assert_eq!(ev[0].event.hostname.as_deref(), Some("mydevice"));
    assert_eq!(ev[0].event.time.as_deref(), Some("2016-01-07-00:01:01"));
}

#[test]
fn hostname_falls_back_when_the_configuration_has_none() {
    let (mut b, s) = watched();
    b.ok(
        s,
        &edit(r#"<system><host-name operation="delete"/></system>"#),
    );
    b.ok(s, "<commit/>");
    let change = b.dev.poll_commit().expect("logged");
    let ev = events_for_commit(&change, "fallback").events;
    assert_eq!(ev[0].event.hostname.as_deref(), Some("fallback"));
}

#[test]
fn an_empty_commit_announces_only_its_completion() {
    let (mut b, s) = watched();
    let ev = commit_events(&mut b, s, "");
    assert_eq!(
        ids(&ev),
        ["UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED"]
    );
    assert_clean(&ev);
}

#[test]
fn deleting_an_interface_removes_addresses_before_the_interface() {
    let (mut b, s) = watched();
    let ev = commit_events(
        &mut b,
        s,
        r#"<interfaces><interface operation="delete"><name>ge-0/0/1</name></interface></interfaces>"#,
    );
    assert_eq!(
        ids(&ev),
        [
            "KERNEL_EVENT_IFA_DELETE /junos/events/kernel/interfaces/ifa/delete/ge-0/0/1.0/inet/198.51.100.1/32",
            "KERNEL_EVENT_IFF_DELETE /junos/events/kernel/interfaces/iff/delete/ge-0/0/1.0/inet",
            "KERNEL_EVENT_IFL_DELETE /junos/events/kernel/interfaces/ifl/delete/ge-0/0/1.0",
            "KERNEL_EVENT_IFD_DELETE /junos/events/kernel/interfaces/ifd/delete/ge-0/0/1",
            "UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED",
        ]
    );
    assert_clean(&ev);
}

#[test]
fn changing_an_interface_statement_gives_one_change_and_disable_clears_the_flags() {
    let (mut b, s) = watched();
    let ev = commit_events(
        &mut b,
        s,
        "<interfaces><interface><name>ge-0/0/2</name><description>now used</description></interface></interfaces>",
    );
    assert_eq!(
        ids(&ev),
        [
            "KERNEL_EVENT_IFD_CHANGE /junos/events/kernel/interfaces/ifd/change/ge-0/0/2",
            "UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED",
        ]
    );
    let ev = commit_events(
        &mut b,
        s,
        "<interfaces><interface><name>ge-0/0/2</name><disable/></interface></interfaces>",
    );
    // The interface, its unit, family and address all go down.
    assert!(
        ids(&ev)[0].starts_with("KERNEL_EVENT_IFD_CHANGE"),
        "{:?}",
        ids(&ev)
    );
    assert_eq!(ev[0].event.attribute("flags"), Some(0.into()));
    assert!(
        ids(&ev)
            .iter()
            .any(|i| i.starts_with("KERNEL_EVENT_IFL_CHANGE"))
    );
    assert_clean(&ev);
}

#[test]
fn firewall_filters_are_added_changed_and_deleted() {
    let (mut b, s) = watched();
    let filter = "<firewall><family><inet><filter><name>protect-re</name><term><name>t1</name><then><accept/></then></term></filter></inet></family></firewall>";
    let ev = commit_events(&mut b, s, filter);
    assert_eq!(
        ids(&ev)[0],
        "KERNEL_EVENT_FIREWALL_ADD /junos/events/kernel/firewall/filter/add/protect-re"
    );
    assert_eq!(ev[0].event.attribute("protocol"), Some("inet".into()));
    assert_eq!(ev[0].event.attribute("filter-type"), Some("unbound".into()));
    assert_clean(&ev);
    // A new term changes the filter and its version.
    let ev = commit_events(
        &mut b,
        s,
        "<firewall><family><inet><filter><name>protect-re</name><term><name>t0</name><then><discard/></then></term></filter></inet></family></firewall>",
    );
    assert_eq!(
        ids(&ev)[0],
        "KERNEL_EVENT_FIREWALL_CHANGE /junos/events/kernel/firewall/filter/change/protect-re"
    );
    assert_clean(&ev);
    let ev = commit_events(&mut b, s, r#"<firewall operation="delete"/>"#);
    assert!(ids(&ev).iter().any(|i| i
        == "KERNEL_EVENT_FIREWALL_DELETE /junos/events/kernel/firewall/filter/delete/protect-re"));
}

#[test]
fn static_routes_are_added_changed_and_deleted() {
    let (mut b, s) = watched();
    let route = |hop: &str| {
        format!(
            "<routing-options><static><route><name>10.20.0.0/16</name><next-hop>{hop}</next-hop></route></static></routing-options>"
        )
    };
    let ev = commit_events(&mut b, s, &route("192.0.2.254"));
    assert_eq!(
        ids(&ev)[0],
        "KERNEL_EVENT_ROUTE_ADD /junos/events/kernel/route/add/inet/10.20.0.0/16"
    );
    assert_eq!(
        ev[0].event.attribute("next-hop-address"),
        Some(serde_json::json!(["192.0.2.254"]))
    );
    assert_eq!(ev[0].event.attribute("table-name"), Some("inet.0".into()));
    assert_clean(&ev);
    let ev = commit_events(
        &mut b,
        s,
        "<routing-options><static><route><name>10.20.0.0/16</name><next-hop operation=\"delete\">192.0.2.254</next-hop><next-hop>198.51.100.254</next-hop></route></static></routing-options>",
    );
    assert_eq!(
        ids(&ev)[0],
        "KERNEL_EVENT_ROUTE_CHANGE /junos/events/kernel/route/change/inet/10.20.0.0/16"
    );
    assert_eq!(
        ev[0].event.attribute("next-hop-address"),
        Some(serde_json::json!(["198.51.100.254"]))
    );
    let ev = commit_events(&mut b, s, r#"<routing-options operation="delete"/>"#);
    assert_eq!(
        ids(&ev)[0],
        "KERNEL_EVENT_ROUTE_DELETE /junos/events/kernel/route/delete/inet/10.20.0.0/16"
    );
    assert_clean(&ev);
}

#[test]
fn a_routing_instance_adds_its_table_before_its_routes_and_deletes_it_after() {
    let (mut b, s) = watched();
    let ev = commit_events(
        &mut b,
        s,
        "<routing-instances><instance><name>blue</name><instance-type>virtual-router</instance-type><routing-options><static><route><name>10.30.0.0/16</name><next-hop>192.0.2.9</next-hop></route></static></routing-options></instance></routing-instances>",
    );
    assert_eq!(
        ids(&ev),
        [
            "KERNEL_EVENT_ROUTE_TABLE_ADD /junos/events/kernel/route-table/add/blue.inet.0/default",
            "KERNEL_EVENT_ROUTE_ADD /junos/events/kernel/route/add/inet/10.30.0.0/16",
            "UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED",
        ]
    );
    assert_clean(&ev);
    let table = &ev[0].event;
    assert_eq!(table.attribute("name"), Some("blue.inet.0".into()));
    assert_eq!(
        table.attribute("logical-router-name"),
        Some("default".into())
    );
    assert_eq!(table.attribute("address-family"), Some("inet".into()));
    assert_eq!(
        ev[1].event.attribute("table-name"),
        Some("blue.inet.0".into())
    );
    // A new instance type changes the table, not its routes.
    let ev = commit_events(
        &mut b,
        s,
        "<routing-instances><instance><name>blue</name><instance-type>vrf</instance-type></instance></routing-instances>",
    );
    assert_eq!(
        ids(&ev)[..1],
        [
            "KERNEL_EVENT_ROUTE_TABLE_CHANGE /junos/events/kernel/route-table/change/blue.inet.0/default"
        ]
    );
    assert_eq!(ev.len(), 2);
    let ev = commit_events(&mut b, s, r#"<routing-instances operation="delete"/>"#);
    assert_eq!(
        ids(&ev),
        [
            "KERNEL_EVENT_ROUTE_DELETE /junos/events/kernel/route/delete/inet/10.30.0.0/16",
            "KERNEL_EVENT_ROUTE_TABLE_DELETE /junos/events/kernel/route-table/delete/blue.inet.0/default",
            "UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED",
        ]
    );
    assert_clean(&ev);
}

#[test]
fn a_rib_of_its_own_is_a_table_and_the_default_tables_are_never_announced() {
    let (mut b, s) = watched();
    let ev = commit_events(
        &mut b,
        s,
        "<routing-options><rib><name>inet6.0</name><static><route><name>2001:db8:9::/48</name><next-hop>2001:db8::1</next-hop></route></static></rib><rib><name>inet.3</name><static><route><name>10.40.0.0/16</name><next-hop>192.0.2.40</next-hop></route></static></rib></routing-options>",
    );
    assert_eq!(
        ids(&ev),
        [
            "KERNEL_EVENT_ROUTE_TABLE_ADD /junos/events/kernel/route-table/add/inet.3/default",
            "KERNEL_EVENT_ROUTE_ADD /junos/events/kernel/route/add/inet/10.40.0.0/16",
            "KERNEL_EVENT_ROUTE_ADD /junos/events/kernel/route/add/inet6/2001:db8:9::/48",
            "UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED",
        ]
    );
    assert_clean(&ev);
    assert_eq!(ev[2].event.attribute("table-name"), Some("inet6.0".into()));
}

#[test]
fn inactive_statements_are_not_in_force() {
    let (mut b, s) = watched();
    let ev = commit_events(
        &mut b,
        s,
        r#"<interfaces><interface inactive="inactive"><name>ge-0/0/7</name></interface></interfaces>"#,
    );
    assert_eq!(
        ids(&ev),
        ["UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED"]
    );
}

#[test]
fn rollback_of_an_unconfirmed_commit_is_announced_too() {
    let (mut b, s) = watched();
    b.ok(
        s,
        &edit("<interfaces><interface><name>ge-0/0/5</name></interface></interfaces>"),
    );
    let r = b.call_at(
        s,
        0,
        "<commit><confirmed/><confirm-timeout>60</confirm-timeout></commit>",
    );
    assert!(r.is_ok(), "{:?}", r.errors);
    let added: CommitChange = b.dev.poll_commit().expect("commit logged");
    assert!(ids(&events_for_commit(&added, "h").events)[0].contains("ifd/add/ge-0/0/5"));
    b.dev.handle_timeout(b.at(61));
    let back = b.dev.poll_commit().expect("rollback logged");
    let ev = events_for_commit(&back, "h").events;
    assert_eq!(
        ids(&ev),
        [
            "KERNEL_EVENT_IFD_DELETE /junos/events/kernel/interfaces/ifd/delete/ge-0/0/5",
            "UI_COMMIT_COMPLETED /junos/events/syslog/UI_COMMIT_COMPLETED",
        ]
    );
    assert_eq!(
        ev[1].event.attribute("client"),
        Some("confirmed-commit".into())
    );
}

#[test]
fn the_change_log_is_off_until_watched_and_bounded_with_a_drop_count() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, "<commit/>");
    assert!(b.dev.poll_commit().is_none(), "not watched: nothing kept");
    b.dev.watch_commits(2);
    for _ in 0..5 {
        b.ok(s, "<commit/>");
    }
    assert_eq!(b.dev.commits_dropped(), 3);
    assert!(b.dev.poll_commit().is_some());
    assert!(b.dev.poll_commit().is_some());
    assert!(b.dev.poll_commit().is_none());
    b.dev.watch_commits(0);
    b.ok(s, "<commit/>");
    assert!(b.dev.poll_commit().is_none());
}
