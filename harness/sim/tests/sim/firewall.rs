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

/// Term actions in `set` form, as an operator types them.
const ACTIONS: &str = "set firewall family inet filter acts term a from protocol tcp
set firewall family inet filter acts term a then accept
set firewall family inet filter acts term a then count a-hits
set firewall family inet filter acts term b then discard
set firewall family inet filter acts term b then log
set firewall family inet filter acts term b then syslog
set firewall family inet filter acts term c then reject tcp-reset
set firewall family inet filter acts term d then reject
set firewall family inet filter acts term e then next term";

/// The same terms as NETCONF shows them: a statement that takes no value
/// is an empty element, never the text of its keyword.
const ACTIONS_XML: [&str; 5] = [
    "<term><name>a</name><from><protocol>tcp</protocol></from><then><accept/><count>a-hits</count></then></term>",
    "<term><name>b</name><then><discard/><log/><syslog/></then></term>",
    "<term><name>c</name><then><reject><tcp-reset/></reject></then></term>",
    "<term><name>d</name><then><reject/></then></term>",
    "<term><name>e</name><then><next>term</next></then></term>",
];

fn running_has_actions(b: &mut Bench, s: confuzz_sim::SessionId) {
    let running = text(&b.call(s, GET_RUNNING));
    for part in ACTIONS_XML {
        assert!(running.contains(part), "{part} missing:\n{running}");
    }
}

/// A device with [`ACTIONS`] loaded and committed, and its session.
fn committed_actions() -> (Bench, confuzz_sim::SessionId) {
    let mut b = Bench::new();
    let s = b.open("admin");
    loaded(
        &mut b,
        s,
        &format!(
            "<load-configuration action=\"set\" format=\"text\"><configuration-set>{ACTIONS}</configuration-set></load-configuration>"
        ),
    );
    b.ok(s, "<commit/>");
    (b, s)
}

#[test]
fn valueless_term_actions_load_from_set_commands_as_empty_elements() {
    let (mut b, s) = committed_actions();
    running_has_actions(&mut b, s);

    let set = text(&b.call(s, r#"<get-configuration format="set"/>"#));
    for l in ACTIONS.lines() {
        assert!(set.contains(&format!("{l}\n")), "{l}: {set}");
    }
    let t = text(&b.call(s, r#"<get-configuration format="text"/>"#));
    for l in [
        "protocol tcp;",
        "accept;",
        "count a-hits;",
        "then reject tcp-reset;",
        "then reject;",
        "then next term;",
    ] {
        assert!(t.contains(l), "{l}: {t}");
    }
}

/// `text` escaped for an XML text node.
fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

#[test]
fn valueless_term_actions_read_back_the_same_from_text_and_set_output() {
    let (mut b, s) = committed_actions();
    let committed = b.dev.running().child("firewall").cloned();
    assert!(committed.is_some());
    let t = body(&b.call(s, r#"<get-configuration format="text"/>"#)).text;
    let set = body(&b.call(s, r#"<get-configuration format="set"/>"#)).text;

    // The text output overrides the configuration with itself.
    loaded(
        &mut b,
        s,
        &format!(
            "<load-configuration action=\"override\" format=\"text\"><configuration-text>{}</configuration-text></load-configuration>",
            xml_text(&t)
        ),
    );
    b.ok(s, "<commit/>");
    assert_eq!(b.dev.running().child("firewall").cloned(), committed, "{t}");
    running_has_actions(&mut b, s);

    // The set output, after the firewall is deleted, builds it again.
    loaded(
        &mut b,
        s,
        "<load-configuration action=\"set\" format=\"text\"><configuration-set>delete firewall</configuration-set></load-configuration>",
    );
    b.ok(s, "<commit/>");
    assert!(b.dev.running().child("firewall").is_none());
    loaded(
        &mut b,
        s,
        &format!(
            "<load-configuration action=\"set\" format=\"text\"><configuration-set>{}</configuration-set></load-configuration>",
            xml_text(&set)
        ),
    );
    b.ok(s, "<commit/>");
    assert_eq!(
        b.dev.running().child("firewall").cloned(),
        committed,
        "{set}"
    );
}
