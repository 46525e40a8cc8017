//! Firewall filters and their binding to interfaces: `filter NAME` is a
//! list entry under `firewall [family F]`, while `family inet filter` of a
//! unit is a container (`filter input NAME`) naming a defined filter.

use crate::support::*;
use confuzz_wire::netconf::ErrorTag;

const FILTER: &str = "<firewall><family><inet><filter><name>protect-re</name><term><name>t1</name><then><accept/></then></term></filter></inet></family></firewall>";

fn bind(direction: &str, name: &str) -> String {
    format!(
        "<interfaces><interface><name>ge-0/0/0</name><unit><name>0</name><family><inet><filter><{direction}>{name}</{direction}></filter></inet></family></unit></interface></interfaces>"
    )
}

fn loaded(b: &mut Bench, s: confuzz_sim::SessionId, op: &str) {
    let r = b.call(s, op);
    assert!(r.errors.is_empty(), "{}", text(&r));
    assert!(text(&r).contains("<load-success/>"), "{}", text(&r));
}

/// The error message of a refused edit.
fn refused(b: &mut Bench, s: confuzz_sim::SessionId, config: &str) -> String {
    let r = b.error(s, &edit(config), ErrorTag::OperationFailed);
    r.errors
        .iter()
        .filter_map(|e| e.error_message.as_ref().map(|m| m.text.clone()))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn a_filter_bound_to_an_interface_commits_and_reads_back_in_every_format() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(FILTER));
    b.ok(s, &edit(&bind("input", "protect-re")));
    b.ok(s, "<commit/>");
    let r = b.call(s, GET_RUNNING);
    let d = data(&r);
    let ge0 = entry(
        at(&d, &["configuration", "interfaces"]).expect("interfaces"),
        "interface",
        "ge-0/0/0",
    )
    .expect("ge-0/0/0");
    let unit = entry(ge0, "unit", "0").expect("unit 0");
    let filter = at(unit, &["family", "inet", "filter"]).expect("bound filter");
    assert_eq!(filter.child_text("input"), Some("protect-re"));

    let t = text(&b.call(s, r#"<get-configuration format="text"/>"#));
    assert!(t.contains("filter {"), "{t}");
    assert!(t.contains("input protect-re;"), "{t}");
    assert!(t.contains("filter protect-re {"), "{t}");
    let set = text(&b.call(s, r#"<get-configuration format="set"/>"#));
    let line = "set interfaces ge-0/0/0 unit 0 family inet filter input protect-re";
    assert!(set.contains(line), "{set}");

    // The set and text forms load as bindings too.
    loaded(
        &mut b,
        s,
        "<load-configuration action=\"set\" format=\"text\"><configuration-set>set interfaces ge-0/0/1 unit 0 family inet filter output protect-re</configuration-set></load-configuration>",
    );
    loaded(
        &mut b,
        s,
        "<load-configuration format=\"text\"><configuration-text>interfaces { ge-0/0/2 { unit 0 { family inet { filter { input protect-re; } } } } }</configuration-text></load-configuration>",
    );
    b.ok(s, "<commit/>");
    let set = text(&b.call(s, r#"<get-configuration format="set"/>"#));
    for l in [
        line,
        "set interfaces ge-0/0/1 unit 0 family inet filter output protect-re",
        "set interfaces ge-0/0/2 unit 0 family inet filter input protect-re",
        "set firewall family inet filter protect-re term t1 then accept",
    ] {
        assert!(set.contains(l), "{l}: {set}");
    }
}

#[test]
fn binding_an_undefined_filter_is_refused() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let m = refused(&mut b, s, &bind("output", "nowhere"));
    assert!(
        m.contains("referenced filter \"nowhere\" is not defined"),
        "{m}"
    );
    assert!(m.contains("[edit firewall family inet filter]"), "{m}");
}

#[test]
fn a_firewall_filter_still_needs_its_name() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let m = refused(
        &mut b,
        s,
        "<firewall><family><inet><filter><term><name>t1</name></term></filter></inet></family></firewall>",
    );
    assert!(m.contains("<filter> has no <name>"), "{m}");
    let m = refused(
        &mut b,
        s,
        "<firewall><filter><term><name>t1</name></term></filter></firewall>",
    );
    assert!(m.contains("<filter> has no <name>"), "{m}");
}
