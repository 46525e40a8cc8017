//! Subtree filters, after the examples of RFC 6241 §6.4, on the device's
//! Junos-shaped configuration.

use crate::support::*;
use confuzz_wire::xml::Element;

fn get_config(b: &mut Bench, filter: &str) -> Element {
    let s = b.open("admin");
    let r = b.call(
        s,
        &format!("<get-config><source><running/></source>{filter}</get-config>"),
    );
    assert!(r.errors.is_empty(), "{}", text(&r));
    data(&r)
}

fn names(parent: &Element, list: &str) -> Vec<String> {
    parent
        .children_named(list)
        .filter_map(|e| e.child_text("name").map(str::to_owned))
        .collect()
}

#[test]
fn no_filter_returns_everything() {
    let mut b = Bench::new();
    let d = get_config(&mut b, "");
    // The modules' data carries its namespace declarations on the wire.
    fn undeclared(e: &mut Element) {
        e.attributes.retain(|a| a.declares().is_none());
        e.children.iter_mut().for_each(undeclared);
    }
    let mut got = at(&d, &["configuration"]).unwrap().clone();
    undeclared(&mut got);
    assert_eq!(&got, b.dev.running());
}

#[test]
fn empty_filter_selects_nothing() {
    let mut b = Bench::new();
    let d = get_config(&mut b, r#"<filter type="subtree"></filter>"#);
    assert!(d.children.is_empty(), "{d:?}");
}

#[test]
fn selection_node_returns_the_whole_subtree_and_only_it() {
    let mut b = Bench::new();
    let d = get_config(
        &mut b,
        "<filter><configuration><system><login/></system></configuration></filter>",
    );
    let system = at(&d, &["configuration", "system"]).unwrap();
    assert_eq!(system.children.len(), 1);
    assert_eq!(
        system.children[0],
        *b.dev
            .running()
            .child("system")
            .unwrap()
            .child("login")
            .unwrap()
    );
    assert!(at(&d, &["configuration", "interfaces"]).is_none());
}

#[test]
fn selection_inside_a_list_picks_that_leaf_of_every_entry() {
    let mut b = Bench::new();
    let d = get_config(
        &mut b,
        "<filter><configuration><system><login><user><name/></user></login></system></configuration></filter>",
    );
    let login = at(&d, &["configuration", "system", "login"]).unwrap();
    assert_eq!(names(login, "user"), ["admin", "operator"]);
    assert!(
        login
            .children
            .iter()
            .all(|u| u.name.local == "user" && u.children.len() == 1)
    );
}

#[test]
fn content_match_alone_selects_the_whole_entry() {
    let mut b = Bench::new();
    let d = get_config(
        &mut b,
        "<filter><configuration><system><login><user><name>admin</name></user></login></system></configuration></filter>",
    );
    let login = at(&d, &["configuration", "system", "login"]).unwrap();
    assert_eq!(names(login, "user"), ["admin"]);
    let admin = entry(login, "user", "admin").unwrap();
    assert!(admin.child("uid").is_some() && admin.child("authentication").is_some());
}

#[test]
fn content_match_with_selection_returns_only_the_selected_leaves() {
    let mut b = Bench::new();
    let d = get_config(
        &mut b,
        "<filter><configuration><system><login><user><name>operator</name><class/></user></login></system></configuration></filter>",
    );
    let u = at(&d, &["configuration", "system", "login", "user"]).unwrap();
    let kids: Vec<&str> = u.children.iter().map(|c| c.name.local.as_str()).collect();
    assert_eq!(kids, ["name", "class"]);
    assert_eq!(u.child_text("class"), Some("read-only"));
}

#[test]
fn content_match_that_fails_selects_nothing() {
    let mut b = Bench::new();
    let d = get_config(
        &mut b,
        "<filter><configuration><system><login><user><name>nobody</name></user></login></system></configuration></filter>",
    );
    assert!(d.children.is_empty(), "{d:?}");
}

#[test]
fn multiple_subtrees_are_all_returned() {
    let mut b = Bench::new();
    let d = get_config(
        &mut b,
        "<filter><configuration>\
         <system><login><user><name>admin</name><uid/></user></login></system>\
         <interfaces><interface><name>ge-0/0/1</name></interface></interfaces>\
         </configuration></filter>",
    );
    let user = at(&d, &["configuration", "system", "login", "user"]).unwrap();
    assert_eq!(user.children.len(), 2);
    let ifs = at(&d, &["configuration", "interfaces"]).unwrap();
    assert_eq!(names(ifs, "interface"), ["ge-0/0/1"]);
    assert!(
        entry(ifs, "interface", "ge-0/0/1")
            .unwrap()
            .child("unit")
            .is_some()
    );
}

#[test]
fn attribute_match_selects_only_entries_carrying_it() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(r#"<interfaces><interface inactive="inactive"><name>ge-0/0/7</name></interface></interfaces>"#));
    b.ok(s, "<commit/>");
    let d = get_config(
        &mut b,
        r#"<filter><configuration><interfaces><interface inactive="inactive"/></interfaces></configuration></filter>"#,
    );
    assert_eq!(
        names(
            at(&d, &["configuration", "interfaces"]).unwrap(),
            "interface"
        ),
        ["ge-0/0/7"]
    );
}

#[test]
fn namespaces_select_by_namespace() {
    let mut b = Bench::new();
    let d = get_config(
        &mut b,
        r#"<filter><configuration xmlns="urn:example:other"/></filter>"#,
    );
    assert!(d.children.is_empty());
    let s = b.open("admin");
    let all = data(&b.call(s, "<get/>"));
    assert!(at(&all, &["configuration"]).is_some());
    assert!(at(&all, &["netconf-state"]).is_some());
    let state = data(&b.call(
        s,
        r#"<get><filter><netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><sessions/></netconf-state></filter></get>"#,
    ));
    assert_eq!(state.children.len(), 1);
    let st = &state.children[0];
    assert_eq!(
        st.namespace.as_deref(),
        Some("urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring")
    );
    assert_eq!(st.children.len(), 1);
    let wrong = data(&b.call(
        s,
        r#"<get><filter><netconf-state xmlns="urn:example:wrong"/></filter></get>"#,
    ));
    assert!(wrong.children.is_empty());
}

#[test]
fn data_content_inherits_the_reply_namespace_without_declarations() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call(s, GET_RUNNING);
    let t = text(&r);
    assert!(t.contains("<data><configuration><version>"), "{t}");
}
