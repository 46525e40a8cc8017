//! The data of NSO's example modules (`dhcp`, `devices`) beside the Junos
//! configuration: there from the start for every protocol, edited over
//! NETCONF in its own namespace, and left out of the Junos text forms.

use crate::support::*;
use confuzz_wire::netconf::ErrorTag;

const DHCP: &str = "http://yang-central.org/ns/example/dhcp";

#[test]
fn a_fresh_device_holds_the_example_modules_in_their_namespaces() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(s, GET_RUNNING);
    let d = data(&r);
    let cfg = at(&d, &["configuration"]).expect("configuration");
    let dhcp = cfg.child_ns(DHCP, "dhcp").expect("dhcp in its namespace");
    assert_eq!(dhcp.child_text("max-lease-time"), Some("7200"));
    assert_eq!(dhcp.child_text("default-lease-time"), Some("600"));
    let devices = cfg
        .child_ns("http://acme.com/ns/devices", "config")
        .expect("devices' config");
    let eth0 = devices.child("device").expect("device entry");
    assert_eq!(eth0.child_text("interface"), Some("eth0"));
}

#[test]
fn a_module_edit_changes_its_leaf_in_place() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(
        s,
        &edit(&format!(
            "<dhcp xmlns=\"{DHCP}\"><max-lease-time>8000</max-lease-time></dhcp>"
        )),
    );
    let r = b.call(s, GET_CANDIDATE);
    let d = data(&r);
    let cfg = at(&d, &["configuration"]).expect("configuration");
    let all: Vec<_> = cfg.children_named("dhcp").collect();
    assert_eq!(all.len(), 1, "{}", text(&r));
    assert_eq!(all[0].namespace.as_deref(), Some(DHCP));
    assert_eq!(all[0].child_text("max-lease-time"), Some("8000"));
    assert_eq!(all[0].child_text("default-lease-time"), Some("600"));
}

#[test]
fn a_namespace_out_of_place_or_unknown_is_refused() {
    let mut b = Bench::new();
    let s = b.open("admin");
    // A module's node inside the Junos configuration.
    b.error(
        s,
        &edit(&format!(
            "<system><dhcp xmlns=\"{DHCP}\"><max-lease-time>1</max-lease-time></dhcp></system>"
        )),
        ErrorTag::UnknownNamespace,
    );
    // A Junos statement inside a module's node.
    b.error(
        s,
        &edit(&format!(
            "<dhcp xmlns=\"{DHCP}\"><host-name xmlns=\"\">x</host-name></dhcp>"
        )),
        ErrorTag::UnknownNamespace,
    );
    b.error(
        s,
        &edit("<dhcp xmlns=\"urn:example:unknown\"><max-lease-time>1</max-lease-time></dhcp>"),
        ErrorTag::UnknownNamespace,
    );
    let r = b.call(s, GET_CANDIDATE);
    assert!(!text(&r).contains("<max-lease-time>1<"), "{}", text(&r));
}

#[test]
fn junos_text_leaves_the_modules_out_and_a_text_override_keeps_them() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(s, "<get-configuration format=\"text\"/>");
    let t = text(&r);
    assert!(t.contains("host-name sim-mx480;"), "{t}");
    assert!(!t.contains("lease-time"), "{t}");
    let r = b.call(
        s,
        "<load-configuration action=\"override\" format=\"text\"><configuration-text>system { host-name replaced; }</configuration-text></load-configuration>",
    );
    assert!(r.errors.is_empty(), "{}", text(&r));
    assert!(text(&r).contains("<load-success/>"), "{}", text(&r));
    let r = b.call(s, GET_CANDIDATE);
    let d = data(&r);
    let cfg = at(&d, &["configuration"]).expect("configuration");
    assert!(
        cfg.child("interfaces").is_none(),
        "overridden: {}",
        text(&r)
    );
    assert_eq!(
        cfg.child_ns(DHCP, "dhcp")
            .and_then(|d| d.child_text("max-lease-time")),
        Some("7200")
    );
}
