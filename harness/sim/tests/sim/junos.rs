//! Junos flavour: load (xml, text, set; merge, replace, override), commit
//! (check, confirmed in minutes, comment), rollback history and compare.

use crate::support::*;
use confuzz_sim::junos::to_xnm;
use confuzz_wire::junos::{Reply, XnmSeverity};
use confuzz_wire::netconf::ErrorTag;
use confuzz_wire::xml::Element;

fn host(cfg: &Element) -> Option<&str> {
    cfg.child("system")?.child_text("host-name")
}

fn load(b: &mut Bench, s: confuzz_sim::SessionId, op: &str) -> Element {
    let r = b.call(s, op);
    assert!(r.is_ok(), "{}", text(&r));
    let res = body(&r);
    assert_eq!(res.name.local, "load-configuration-results");
    assert!(res.child("load-success").is_some(), "{}", text(&r));
    res
}

fn commit(b: &mut Bench, s: confuzz_sim::SessionId, extra: &str) {
    let r = b.call(
        s,
        &format!("<commit-configuration>{extra}</commit-configuration>"),
    );
    assert!(r.is_ok(), "{}", text(&r));
    let Reply::CommitResults(c) = Reply::from_element(&body(&r)).message else {
        panic!("not commit-results: {}", text(&r));
    };
    assert!(c.succeeded(), "{}", text(&r));
}

#[test]
fn software_information_reports_host_and_version() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(s, "<get-software-information/>");
    let Reply::SoftwareInformation(si) = Reply::from_element(&body(&r)).message else {
        panic!();
    };
    assert_eq!(si.host_name.as_deref(), Some("sim-mx480"));
    assert_eq!(si.junos_version.as_deref(), Some("20.4R3.8"));
    assert_eq!(si.product_model.as_deref(), Some("mx480"));
}

#[test]
fn chassis_inventory_is_an_mx480_with_nested_modules() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(
        s,
        "<get-chassis-inventory><detail/></get-chassis-inventory>",
    );
    let Reply::ChassisInventory(inv) = Reply::from_element(&body(&r)).message else {
        panic!();
    };
    let ch = &inv.chassis[0];
    assert_eq!(ch.description.as_deref(), Some("MX480"));
    assert!(
        ch.modules
            .iter()
            .any(|m| m.name.as_deref() == Some("Routing Engine 0") && m.model_number.is_some())
    );
    let fpc = ch
        .modules
        .iter()
        .find(|m| m.name.as_deref() == Some("FPC 0"))
        .unwrap();
    assert!(!fpc.sub_modules[1].sub_modules[0].sub_modules.is_empty());
}

#[test]
fn load_text_merge_then_commit_with_comment() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, "<lock-configuration/>");
    load(
        &mut b,
        s,
        r#"<load-configuration format="text"><configuration-text>
system {
    host-name edge-1;
    login {
        class network-mgmt {
            permissions [ configure snmp ];
        }
    }
}
interfaces {
    ge-0/0/3 {
        description "new port";
        unit 0 {
            family inet {
                address 203.0.113.1/24;
            }
        }
    }
}
</configuration-text></load-configuration>"#,
    );
    commit(&mut b, s, "<log>text load</log>");
    b.ok(s, "<unlock-configuration/>");
    assert_eq!(host(b.dev.running()), Some("edge-1"));
    let ifs = b.dev.running().child("interfaces").unwrap();
    assert!(
        entry(ifs, "interface", "ge-0/0/0").is_some(),
        "merge keeps the rest"
    );
    let ge3 = entry(ifs, "interface", "ge-0/0/3").unwrap();
    assert_eq!(ge3.child_text("description"), Some("new port"));
    assert_eq!(
        b.dev.history().next().unwrap().comment.as_deref(),
        Some("text load")
    );
}

#[test]
fn load_set_commands_and_delete() {
    let mut b = Bench::new();
    let s = b.open("admin");
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>\
set system host-name set-1\n\
set interfaces ge-0/0/5 unit 0 family inet address 10.5.0.1/30\n\
delete interfaces ge-0/0/2\n\
set system login class ops permissions configure\n\
</configuration-set></load-configuration>",
    );
    commit(&mut b, s, "");
    let run = b.dev.running();
    assert_eq!(host(run), Some("set-1"));
    let ifs = run.child("interfaces").unwrap();
    assert!(entry(ifs, "interface", "ge-0/0/2").is_none());
    let ge5 = entry(ifs, "interface", "ge-0/0/5").unwrap();
    let unit = entry(ge5, "unit", "0").unwrap();
    assert!(
        entry(
            at(unit, &["family", "inet"]).unwrap(),
            "address",
            "10.5.0.1/30"
        )
        .is_some()
    );
    let ops = entry(at(run, &["system", "login"]).unwrap(), "class", "ops").unwrap();
    let perms: Vec<&str> = ops
        .children_named("permissions")
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(perms, ["view", "view-configuration", "configure"]);
}

#[test]
fn load_xml_replace_and_override() {
    let mut b = Bench::new();
    let s = b.open("admin");
    load(
        &mut b,
        s,
        r#"<load-configuration action="replace"><configuration><system><login replace="replace"><user><name>admin</name><class>super-user</class></user></login></system></configuration></load-configuration>"#,
    );
    let login = at(b.dev.candidate(), &["system", "login"]).unwrap();
    assert_eq!(login.children.len(), 1);
    assert!(b.dev.candidate().child("interfaces").is_some());
    load(
        &mut b,
        s,
        "<load-configuration action=\"override\"><configuration><system><host-name>only</host-name></system></configuration></load-configuration>",
    );
    assert_eq!(b.dev.candidate().children.len(), 1);
    commit(&mut b, s, "");
    assert_eq!(host(b.dev.running()), Some("only"));
}

#[test]
fn load_syntax_error_is_reported_with_its_line_and_nothing_changes() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(
        s,
        "<load-configuration format=\"text\"><configuration-text>system {\n host-name x;\n interfaces {</configuration-text></load-configuration>",
    );
    assert!(!r.is_ok());
    let msg = &r.errors[0].error_message.as_ref().unwrap().text;
    assert!(msg.contains("line"), "{msg}");
    assert_eq!(body(&r).child_text("load-error-count"), Some("1"));
    assert_eq!(b.dev.candidate(), b.dev.running());
    let x = to_xnm(&r.errors[0]);
    assert_eq!(x.severity, XnmSeverity::Error);
    assert!(x.message.unwrap().contains("line"));
    let r = b.call(s, "<load-configuration action=\"set\"><configuration-set>frob system</configuration-set></load-configuration>");
    assert!(!r.is_ok());
}

#[test]
fn deleting_a_missing_statement_is_a_warning() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(s, "<load-configuration action=\"set\"><configuration-set>delete interfaces xe-9/9/9</configuration-set></load-configuration>");
    assert!(r.is_ok(), "{}", text(&r));
    assert_eq!(r.errors.len(), 1);
    assert!(!r.errors[0].is_error());
    assert_eq!(to_xnm(&r.errors[0]).severity, XnmSeverity::Warning);
}

#[test]
fn load_rollback_and_compare() {
    let mut b = Bench::new();
    let s = b.open("admin");
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>set system host-name one</configuration-set></load-configuration>",
    );
    commit(&mut b, s, "");
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>set system host-name two</configuration-set></load-configuration>",
    );
    commit(&mut b, s, "");
    // compare the candidate (== rollback 0) with rollback 1
    let r = b.call(s, r#"<get-configuration compare="rollback" rollback="1"/>"#);
    let out = at(&body(&r), &["configuration-output"])
        .unwrap()
        .text
        .clone();
    assert_eq!(
        out,
        "[edit system]\n-    host-name one;\n+    host-name two;\n"
    );
    // load rollback 2 (the initial configuration) and commit it
    load(&mut b, s, r#"<load-configuration rollback="2"/>"#);
    let r = b.call(s, r#"<get-configuration compare="rollback" rollback="0"/>"#);
    let out = at(&body(&r), &["configuration-output"])
        .unwrap()
        .text
        .clone();
    assert!(out.contains("+    host-name sim-mx480;"), "{out}");
    commit(&mut b, s, "");
    assert_eq!(host(b.dev.running()), Some("sim-mx480"));
    let r = b.call(s, r#"<load-configuration rollback="49"/>"#);
    assert!(!r.is_ok());
    let r = b.call(s, r#"<load-configuration rollback="77"/>"#);
    assert_error(&r, ErrorTag::InvalidValue, "rollback out of range");
}

#[test]
fn get_rollback_information_lists_the_entry_and_diffs() {
    let mut b = Bench::new();
    let s = b.open("admin");
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>set system host-name rb</configuration-set></load-configuration>",
    );
    commit(&mut b, s, "<log>rename</log>");
    let r = b.call(s, "<get-rollback-information><rollback>0</rollback><compare>1</compare></get-rollback-information>");
    let info = body(&r);
    let e = at(&info, &["rollback-history", "rollback-history-entry"]).unwrap();
    assert_eq!(e.child_text("user-name"), Some("admin"));
    assert_eq!(e.child_text("comment"), Some("rename"));
    let out = &at(
        &info,
        &["configuration-information", "configuration-output"],
    )
    .unwrap()
    .text;
    assert!(out.contains("+    host-name rb;"), "{out}");
}

#[test]
fn get_configuration_in_xml_text_and_set_with_a_filter() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(s, r#"<get-configuration database="committed"><configuration><system><host-name/></system></configuration></get-configuration>"#);
    let c = body(&r);
    assert_eq!(c.name.local, "configuration");
    assert!(
        c.attributes
            .iter()
            .any(|a| a.name.local == "changed-seconds")
    );
    assert_eq!(host(&c), Some("sim-mx480"));
    assert!(c.child("interfaces").is_none());
    let t = body(&b.call(s, r#"<get-configuration format="text"/>"#));
    assert!(t.text.contains("host-name sim-mx480;"), "{}", t.text);
    let st = body(&b.call(s, r#"<get-configuration format="set"/>"#));
    assert!(
        st.text.contains("set system host-name sim-mx480\n"),
        "{}",
        st.text
    );
    b.error(
        s,
        r#"<get-configuration format="yaml"/>"#,
        ErrorTag::BadAttribute,
    );
}

#[test]
fn commit_check_validates_without_committing() {
    let mut b = Bench::new();
    let s = b.open("admin");
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>set system login user eve class nope</configuration-set></load-configuration>",
    );
    let r = b.call(s, "<commit-configuration><check/></commit-configuration>");
    assert_error(&r, ErrorTag::OperationFailed, "check");
    let before = b.dev.running().clone();
    let r = b.call(s, "<commit-configuration/>");
    assert!(!r.is_ok());
    assert_eq!(*b.dev.running(), before);
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>set system login user eve class operator</configuration-set></load-configuration>",
    );
    let r = b.call(s, "<commit-configuration><check/></commit-configuration>");
    let Reply::CommitResults(c) = Reply::from_element(&body(&r)).message else {
        panic!()
    };
    assert!(c.routing_engines[0].commit_check_success);
    assert_eq!(*b.dev.running(), before);
}

#[test]
fn junos_confirmed_commit_counts_minutes_and_any_commit_confirms() {
    let mut b = Bench::new();
    let s = b.open("admin");
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>set system host-name cc</configuration-set></load-configuration>",
    );
    let r = b.call(s, "<commit-configuration><confirmed/><confirm-timeout>2</confirm-timeout></commit-configuration>");
    assert!(r.is_ok(), "{}", text(&r));
    assert_eq!(b.dev.poll_timeout(), Some(b.at(120)));
    // the session ending does not roll back a Junos commit confirmed
    b.dev.close_session(s, b.at(1));
    assert_eq!(host(b.dev.running()), Some("cc"));
    b.dev.handle_timeout(b.at(120));
    assert_eq!(host(b.dev.running()), Some("sim-mx480"));

    let s = b.open("admin");
    load(
        &mut b,
        s,
        "<load-configuration action=\"set\"><configuration-set>set system host-name cc2</configuration-set></load-configuration>",
    );
    assert!(
        b.call(
            s,
            "<commit-configuration><confirmed/></commit-configuration>"
        )
        .is_ok()
    );
    assert_eq!(b.dev.poll_timeout(), Some(b.at(600)));
    let t = b.open("admin");
    commit(&mut b, t, "");
    b.dev.handle_timeout(b.at(10_000));
    assert_eq!(host(b.dev.running()), Some("cc2"));
}

#[test]
fn route_engine_information_reports_one_master_engine_in_slot_0() {
    let mut b = Bench::new();
    let s = b.open("operator");
    let r = b.call_at(s, 3725, "<get-route-engine-information/>");
    let info = body(&r);
    assert_eq!(info.name.local, "route-engine-information");
    let engines: Vec<_> = info
        .children
        .iter()
        .filter(|c| c.name.local == "route-engine")
        .collect();
    assert_eq!(engines.len(), 1);
    assert_eq!(engines[0].child_text("slot"), Some("0"));
    assert_eq!(engines[0].child_text("mastership-state"), Some("master"));
    assert_eq!(
        engines[0].child_text("up-time"),
        Some("0 days, 1 hours, 2 minutes, 5 seconds")
    );
}
